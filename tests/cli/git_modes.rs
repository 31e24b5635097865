//! Snapshot modes: working tree, `--staged` and `--base`, on real git
//! history, and the failures of each (missing ref, shallow clone, no git).

use crate::harness::Repo;

const SCHEMA: &str =
    "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n";

/// main: four hand-written migrations and one Prisma migration; then a
/// `feature` branch is checked out.
fn history_repo() -> Repo {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write("prisma/schema.prisma", SCHEMA)
        .write(
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        )
        .write(
            "prisma/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE \"User\" (id int);\n",
        )
        .write(
            "prisma/migrations/20240301000000_posts/migration.sql",
            "CREATE TABLE \"Post\" (id int);\n",
        )
        .write(
            "prisma/migrations/01_init.sql",
            "CREATE TABLE IF NOT EXISTS a (id int);\n",
        )
        .write(
            "prisma/migrations/02_users.sql",
            "CREATE TABLE IF NOT EXISTS b (id int);\n",
        )
        .write(
            "prisma/migrations/03_orders.sql",
            "CREATE TABLE IF NOT EXISTS c (id int);\n",
        )
        .write(
            "prisma/migrations/04_line_endings.sql",
            "SELECT 1;\nSELECT 2;\n",
        )
        .init_git();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

#[test]
fn base_mode_reports_edits_to_applied_migrations() {
    let repo = history_repo();
    repo.write(
        "prisma/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS a (id bigint);\n",
    )
    .write(
        "prisma/migrations/04_line_endings.sql",
        "SELECT 1;\r\nSELECT 2;\r\n",
    )
    .write("prisma/migrations/05_new.sql", "SELECT 5;\n")
    .write(
        "prisma/migrations/20240201000000_late/migration.sql",
        "SELECT 1;\n",
    )
    .write(
        "prisma/migrations/20240401000000_fine/migration.sql",
        "SELECT 1;\n",
    )
    .remove("prisma/migrations/20240101000000_init/migration.sql");
    repo.git(&[
        "mv",
        "prisma/migrations/02_users.sql",
        "prisma/migrations/02_accounts.sql",
    ]);
    repo.commit_all("feature work");
    let run = repo.run(&["run", "--base", "main"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);

    // The working tree alone has no history: none of those checks apply.
    let run = repo.run(&["run", "--format", "json"]);
    assert!(
        run.checks()
            .iter()
            .all(|c| !c.ends_with("-applied") && !c.ends_with("out-of-order")),
        "{run:?}"
    );
}

#[test]
fn base_mode_is_silent_for_a_clean_branch() {
    let repo = history_repo();
    repo.write("prisma/migrations/05_new.sql", "SELECT 5;\n")
        .write(
            "prisma/migrations/20240401000000_next/migration.sql",
            "SELECT 1;\n",
        )
        .write(
            "prisma/migrations/03_orders.sql",
            "CREATE TABLE IF NOT EXISTS c (id int);\r\n",
        );
    repo.commit_all("clean work");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.checks().is_empty(), "{run:?}");
    // What the base already had is counted, not reported.
    let json = run.json();
    assert_eq!(json["summary"]["preexisting"], 5, "{run:?}");
    assert!(
        json["preexisting"]
            .as_array()
            .is_some_and(|p| p.iter().all(|f| f["rule"] == "schema-drift")),
        "{run:?}"
    );
}

#[test]
fn base_mode_checks_head_not_uncommitted_edits() {
    let repo = history_repo();
    repo.write("prisma/migrations/01_init.sql", "-- uncommitted edit\n");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn staged_mode_checks_the_index() {
    let repo = history_repo();
    // An unstaged edit is not what will be committed.
    repo.write(
        "prisma/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS a (id bigint);\n",
    );
    let run = repo.run(&["run", "--staged", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.git(&["add", "prisma/migrations/01_init.sql"]);
    let run = repo.run(&["run", "--staged", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    // The edited statement is a new one: its drift counts as the change's.
    assert_eq!(
        run.checks(),
        ["numbering/modified-applied", "schema-drift/extra-table"]
    );
    // A staged file that was since deleted from disk is still checked.
    repo.write("prisma/migrations/03_dup.sql", "SELECT 1;\n");
    repo.git(&["add", "prisma/migrations/03_dup.sql"]);
    repo.remove("prisma/migrations/03_dup.sql");
    let run = repo.run(&["run", "--staged", "--format", "json"]);
    assert!(
        run.checks()
            .contains(&"numbering/duplicate-number".to_owned()),
        "{run:?}"
    );
}

#[test]
fn staged_mode_in_a_repository_without_commits() {
    let repo = Repo::new();
    repo.write("prisma/schema.prisma", SCHEMA)
        .write("prisma/migrations/01_a.sql", "SELECT 1;\n");
    repo.git(&["init", "-q", "-b", "main"]);
    repo.git(&["add", "-A"]);
    let run = repo.run(&["run", "--staged", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn missing_base_ref_explains_how_to_fetch_it() {
    let repo = history_repo();
    let run = repo.run(&["run", "--base", "origin/nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("base ref `origin/nope` was not found"),
        "{run:?}"
    );
    assert!(run.stderr.contains("git fetch origin"), "{run:?}");
}

#[test]
fn shallow_clone_explains_fetch_depth() {
    let origin = history_repo();
    origin
        .write("prisma/migrations/05_new.sql", "SELECT 5;\n")
        .commit_all("feature");
    let clone = Repo::new();
    let url = format!("file://{}", origin.path().display());
    clone.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        &url,
        ".",
    ]);
    let run = clone.run(&["run", "--base", "origin/main"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("shallow clone"), "{run:?}");
    assert!(run.stderr.contains("fetch-depth: 0"), "{run:?}");
    let run = clone.run(&["run", "--base", "origin/missing"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("This is a shallow clone"), "{run:?}");
}

#[test]
fn base_and_staged_need_git() {
    let repo = Repo::new();
    repo.write("prisma/schema.prisma", SCHEMA);
    for args in [
        ["run", "--base", "main"],
        ["run", "--staged", "--format=text"],
    ] {
        let run = repo.run(&args);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("is not inside a git repository"),
            "{run:?}"
        );
    }
}

#[test]
fn ignored_and_excluded_files_are_not_checked() {
    let repo = Repo::new();
    let dup = |dir: &str| {
        repo.write(&format!("{dir}/prisma/schema.prisma"), SCHEMA)
            .write(&format!("{dir}/prisma/migrations/01_a.sql"), "SELECT 1;\n")
            .write(&format!("{dir}/prisma/migrations/01_b.sql"), "SELECT 1;\n");
    };
    dup("node_modules/pkg");
    dup("ignored");
    dup("legacy");
    dup("nested/build");
    dup("checked");
    repo.write(".gitignore", "ignored/\n")
        .write("nested/.gitignore", "build/\n")
        .write("rules.toml", "exclude = [\"legacy/**\"]\n");
    let run = repo.run(&["run", "--format", "json"]);
    let paths: Vec<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "numbering")
        .map(|f| f["path"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "checked/prisma/migrations/01_a.sql",
            "checked/prisma/migrations/01_b.sql"
        ],
        "{run:?}"
    );
}

#[test]
fn github_pull_requests_default_to_their_base_branch() {
    let repo = history_repo();
    repo.write(
        "prisma/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS a (id bigint);\n",
    );
    repo.commit_all("edit an applied migration");
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let env = [("GITHUB_ACTIONS", "true"), ("GITHUB_BASE_REF", "main")];
    let run = crate::harness::run_with_env(repo.path(), &["run", "--format", "json"], &env);
    assert_eq!(
        run.checks(),
        ["numbering/modified-applied", "schema-drift/extra-table"],
        "{run:?}"
    );
    assert!(
        run.stderr.contains("checking against origin/main"),
        "{run:?}"
    );
    // Outside a pull request (or with an explicit mode) nothing changes.
    let run = crate::harness::run_with_env(repo.path(), &["run", "--format", "json"], &env[..1]);
    assert!(
        run.checks().iter().all(|c| !c.starts_with("numbering/")),
        "{run:?}"
    );
}

/// `--base HEAD^` on a repository's first commit names a commit that
/// cannot exist: the hint says so, instead of suggesting a fetch.
#[test]
fn the_parent_of_the_first_commit_gets_a_hint_that_fits() {
    let repo = history_repo();
    for base in ["main^", "main~1", "HEAD~"] {
        let run = repo.run(&["run", "--base", base]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr
                .contains("the repository's first commit, which has none")
                && !run.stderr.contains("Fetch it first"),
            "{base}: {run:?}"
        );
    }
    // A ref that is simply unknown still gets the fetch hint.
    let run = repo.run(&["run", "--base", "origin/nope"]);
    assert!(run.stderr.contains("Fetch it first"), "{run:?}");
}

/// A blob the clone lacks (a partial clone, a pruned object) is a warning
/// about that one file: the others are still checked, the run does not
/// fail, and a rename the diff cannot detect without it is reported as
/// a note.
#[test]
fn a_missing_object_is_a_warning_about_its_file() {
    let repo = history_repo();
    repo.write("prisma/migrations/05_new.sql", "DROP TABLE b;\n")
        .write(
            "prisma/migrations/06_more.sql",
            "CREATE TABLE d (id int);\n",
        )
        .commit_all("feature work");
    let oid = repo
        .git(&["rev-parse", "HEAD:prisma/migrations/06_more.sql"])
        .trim()
        .to_owned();
    let object = repo
        .path()
        .join(".git/objects")
        .join(&oid[..2])
        .join(&oid[2..]);
    std::fs::remove_file(&object).expect("the loose object");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    let checks = run.checks();
    assert!(
        checks.contains(&"drift-host/unreadable-file".to_owned()),
        "{run:?}"
    );
    // The readable new file is still checked.
    assert!(
        checks.contains(&"destructive-sql/drop-table".to_owned()),
        "{run:?}"
    );
}

/// A folder with no schema and no migrations says so, on stderr: it is not
/// a finding, and `--deny warnings` still passes.
#[test]
fn nothing_to_check_is_a_notice_not_a_finding() {
    let repo = Repo::new();
    repo.write("src/main.ts", "export {};\n");
    let run = repo.run(&["run", "--deny", "warnings"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("no Prisma schema and no SQL migrations under"),
        "{run:?}"
    );
}

/// The principle of CI mode: a change fails only on what it introduces.
/// The base has a destructive applied migration, a non-idempotent
/// hand-written file and schema drift; a change that touches none of them
/// passes with a one-line summary of them, and a change that adds its own
/// DROP fails on that one alone.
#[test]
fn a_change_fails_only_on_what_it_introduces() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        format!("{SCHEMA}\nmodel User {{\n  id   Int    @id\n  name String\n}}\n"),
    )
    .write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n")
    .write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\nCREATE TABLE \"Legacy\" (\"id\" INTEGER);\n",
    )
    .write(
        "prisma/migrations/20240102000000_drop_legacy/migration.sql",
        "DROP TABLE \"Legacy\";\n",
    )
    .write("prisma/migrations/01_seed.sql", "CREATE TABLE seed (id int);\n")
    .init_git();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/app.ts", "export const x = 1;\n")
        .commit_all("unrelated");
    let run = repo.run(&["run", "--base", "main"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("pre-existing not shown")
            && run.stdout.contains("destructive-sql: 1")
            && run.stdout.contains("idempotency: 1"),
        "{run:?}"
    );
    // `--all` lists them, and they still do not fail the run.
    let run = repo.run(&["run", "--base", "main", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("error[destructive-sql/drop-table]"),
        "{run:?}"
    );
    // A change with a destructive migration of its own fails on it alone.
    repo.write(
        "prisma/migrations/20240201000000_drop/migration.sql",
        "DROP TABLE \"User\";\n",
    )
    .commit_all("drop users");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let new: Vec<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            format!(
                "{}:{}",
                f["check"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    // Its DROP, and the drift it causes (model `User` has no table now).
    assert_eq!(
        new,
        [
            "drop-table:prisma/migrations/20240201000000_drop/migration.sql",
            "missing-table:prisma/schema.prisma"
        ],
        "{run:?}"
    );
    // SARIF says which is which, for code scanning's own comparison.
    let run = repo.run(&["run", "--base", "main", "--format", "sarif"]);
    let results = run.json()["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone();
    assert!(
        results.iter().any(|r| r["baselineState"] == "new"),
        "{run:?}"
    );
    assert!(
        results.iter().any(|r| r["baselineState"] == "unchanged"),
        "{run:?}"
    );
}

/// A Prisma project with its lock file and agent instructions, no
/// migrations yet.
fn prisma_repo() -> Repo {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write("prisma/schema.prisma", SCHEMA).write(
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    repo
}

/// A full scan separates history from what is new: a DROP in a migration
/// the deployed branch already has cannot be fixed without editing that
/// migration, so it is counted, not reported; the same DROP in a new
/// migration is an error. Idempotency, whose hand-written files teams
/// re-run, stays reported either way.
#[test]
fn a_full_scan_counts_applied_history_and_reports_new_migrations() {
    let repo = prisma_repo();
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"Legacy\" (\"id\" INTEGER);\n",
    )
    .write(
        "prisma/migrations/20240201000000_drop/migration.sql",
        "DROP TABLE \"Legacy\";\n",
    )
    .write(
        "prisma/migrations/01_seed.sql",
        "CREATE TABLE seed (id int);\n",
    )
    .write("rules.toml", "[rules.schema-drift]\nenabled = false\n")
    .init_git();
    // Without a remote nothing is applied, and the run says so once.
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.stderr.contains("no applied ref"), "{run:?}");
    assert!(
        run.checks()
            .contains(&"destructive-sql/drop-table".to_owned()),
        "{run:?}"
    );
    // With the deployed branch known, the applied DROP is history.
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        run.checks(),
        ["idempotency/create-without-if-not-exists"],
        "{run:?}"
    );
    let json = run.json();
    assert_eq!(json["summary"]["history"], 1, "{run:?}");
    assert_eq!(json["history"][0]["check"], "drop-table", "{run:?}");
    let run = repo.run(&["run"]);
    assert!(
        run.stdout
            .contains("1 in applied migrations not shown (destructive-sql: 1; `--all` lists them)"),
        "{run:?}"
    );
    // A new migration's DROP is the change's, and is reported.
    repo.write(
        "prisma/migrations/20240301000000_drop_seed/migration.sql",
        "DROP TABLE seed;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert!(
        run.checks()
            .contains(&"destructive-sql/drop-table".to_owned()),
        "{run:?}"
    );
    // An applied-ref that does not resolve is a configuration error.
    repo.write(
        "rules.toml",
        "applied-ref = \"origin/nope\"\n[rules.schema-drift]\nenabled = false\n",
    );
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("applied-ref `origin/nope`"), "{run:?}");
}

/// Checks of a Prisma migration's folder name report at the folder: in a
/// full scan, a folder the deployed branch has is history like its
/// `migration.sql` (renaming it would re-apply it), and a new folder
/// sharing a timestamp is reported.
#[test]
fn folder_name_checks_on_applied_folders_are_history() {
    let repo = prisma_repo();
    repo.write(
        "prisma/migrations/20240101000000_a/migration.sql",
        "SELECT 1;\n",
    )
    .write(
        "prisma/migrations/20240101000000_b/migration.sql",
        "SELECT 2;\n",
    )
    .write("rules.toml", "[rules.schema-drift]\nenabled = false\n")
    .init_git();
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.checks(), Vec::<String>::new(), "{run:?}");
    let json = run.json();
    assert_eq!(
        json["history"][0]["check"], "duplicate-timestamp",
        "{run:?}"
    );
    assert_eq!(
        json["history"][0]["path"], "prisma/migrations/20240101000000_b",
        "{run:?}"
    );
    repo.write(
        "prisma/migrations/20240101000000_c/migration.sql",
        "SELECT 3;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.checks(), ["numbering/duplicate-timestamp"], "{run:?}");
    assert_eq!(
        run.json()["findings"][0]["path"],
        "prisma/migrations/20240101000000_c",
        "{run:?}"
    );
}
