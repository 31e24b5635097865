//! `drift-host init`: starter configuration and the pre-commit hook, which
//! really blocks a commit.

use crate::harness::Repo;

#[test]
fn init_writes_a_working_starter_config() {
    let repo = Repo::fixture("numbering-clean");
    repo.write("CLAUDE.md", "# Rules\n");
    let run = repo.run(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = std::fs::read_to_string(repo.path().join("rules.toml")).expect("written");
    assert!(config.contains("prisma/schema.prisma"), "{config}");
    assert!(config.contains("prisma/migrations"), "{config}");
    assert!(config.contains("CLAUDE.md"), "{config}");
    // 03_rls_rollback.sql is a rollback, not a migration (as numbering
    // and schema-drift count them).
    assert!(config.contains("2 Prisma, 3 hand-written"), "{config}");
    // The starter config is valid; only the (incomplete) CLAUDE.md is reported.
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    assert!(
        run.checks()
            .iter()
            .all(|c| c.starts_with("agent-guidance/")),
        "{run:?}"
    );
    // Never overwritten silently.
    let run = repo.run(&["init"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("already exists: not overwriting it"),
        "{run:?}"
    );
    assert_eq!(repo.run(&["init", "--force"]).code, 0);
}

#[test]
fn pre_commit_hook_blocks_a_bad_commit() {
    let repo = Repo::fixture("numbering-clean");
    repo.init_git();
    let run = repo.run(&["init", "--hook"]);
    assert_eq!(run.code, 0, "{run:?}");
    let hook = repo.path().join(".git/hooks/pre-commit");
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        drift_host::commands::init::HOOK
    );

    // The hook finds drift-host on PATH, like an installed binary.
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_drift-host"))
        .parent()
        .expect("dir")
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |message: &str| {
        std::process::Command::new("git")
            .current_dir(repo.path())
            .args(["commit", "-q", "-m", message])
            .env("PATH", &path)
            .env("DRIFT_HOST_CACHE_DIR", crate::harness::cache_dir())
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@e.x")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@e.x")
            .output()
            .expect("git commit runs")
    };
    repo.write("prisma/migrations/02_duplicate.sql", "SELECT 1;\n");
    repo.git(&["add", "-A"]);
    let blocked = commit("adds a duplicate migration number");
    assert!(!blocked.status.success(), "the hook must block the commit");
    // git shows a hook's output on stderr.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(said.contains("numbering/duplicate-number"), "{said}");
    repo.git(&[
        "mv",
        "-f",
        "prisma/migrations/02_duplicate.sql",
        "prisma/migrations/04_next.sql",
    ]);
    let ok = commit("adds migration 04");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // A schema change staged without a migration is schema drift: blocked.
    let schema = repo.path().join("prisma/schema.prisma");
    let text = std::fs::read_to_string(&schema).expect("schema");
    repo.write(
        "prisma/schema.prisma",
        text.replace(
            "email String @unique",
            "email String @unique\n  name  String?",
        ),
    );
    repo.git(&["add", "-A"]);
    let blocked = commit("adds User.name without a migration");
    assert!(
        !blocked.status.success(),
        "the hook must block schema drift"
    );
    let said = String::from_utf8_lossy(&blocked.stderr).into_owned();
    assert!(said.contains("schema-drift/missing-column"), "{said}");
    // With the migration that implements it, the commit goes through.
    repo.write(
        "prisma/migrations/20240301000000_user_name/migration.sql",
        "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;\n",
    );
    repo.git(&["add", "-A"]);
    let ok = commit("adds User.name with its migration");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn an_existing_hook_is_never_replaced_silently() {
    let repo = Repo::fixture("numbering-clean");
    repo.init_git();
    repo.write(".git/hooks/pre-commit", "#!/bin/sh\nnpm test\n");
    let run = repo.run(&["init", "--hook"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("already exists: not replacing it"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).expect("hook"),
        "#!/bin/sh\nnpm test\n"
    );
    let run = repo.run(&["init", "--hook", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn init_on_a_monorepo_with_two_schemas() {
    let repo = Repo::new();
    for app in ["apps/api", "apps/billing"] {
        repo.write(
            &format!("{app}/prisma/schema.prisma"),
            "datasource db {\n  provider = \"postgresql\"\n}\n",
        )
        .write(
            &format!("{app}/prisma/migrations/migration_lock.toml"),
            "provider = \"postgresql\"\n",
        )
        .write(
            &format!("{app}/prisma/migrations/20240101000000_init/migration.sql"),
            "CREATE TABLE t (id int);\n",
        );
    }
    repo.write("AGENTS.md", "# Agents\n");
    let run = repo.run(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = std::fs::read_to_string(repo.path().join("rules.toml")).expect("written");
    assert!(
        config.contains("apps/api/prisma/schema.prisma, apps/billing/prisma/schema.prisma"),
        "{config}"
    );
    assert!(
        config.contains("\"apps/api/prisma/migrations\", \"apps/billing/prisma/migrations\""),
        "{config}"
    );
    assert!(config.contains("AGENTS.md"), "{config}");
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    assert!(
        run.checks()
            .iter()
            .all(|c| c.starts_with("agent-guidance/") || c == "schema-drift/extra-table"),
        "{run:?}"
    );
}

#[test]
fn init_on_a_repository_without_prisma() {
    let repo = Repo::new();
    repo.write("src/main.rs", "fn main() {}\n");
    let run = repo.run(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = std::fs::read_to_string(repo.path().join("rules.toml")).expect("written");
    assert!(config.contains("Prisma schemas:       none"), "{config}");
    assert!(
        config.contains("# migration-dirs = [\"server/prisma/migrations\"]"),
        "{config}"
    );
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
}
