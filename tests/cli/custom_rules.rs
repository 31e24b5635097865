//! A custom rule from zero: `new-rule`, native tests, the wasm build,
//! `pin`, and a run that loads it — the documented path, end to end.

use std::process::Command;

use crate::harness::{Repo, run_in, workspace_dir};

/// The pinned toolchain (the generated crate lives outside this
/// repository, so rust-toolchain.toml does not reach it).
fn toolchain() -> String {
    let text = std::fs::read_to_string(workspace_dir().join("rust-toolchain.toml"))
        .expect("toolchain file");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("channel = "))
        .map(|c| c.trim_matches('"').to_owned())
        .expect("channel")
}

fn cargo(dir: &std::path::Path, args: &[&str]) {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(dir)
        .args(args)
        .env("RUSTUP_TOOLCHAIN", toolchain())
        // Shared across test runs, so only the first one compiles the SDK.
        .env(
            "CARGO_TARGET_DIR",
            workspace_dir().join("target/custom-rule-test"),
        );
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn new_rule_builds_pins_and_runs() {
    let work = Repo::new();
    let run = work.run(&["new-rule", "no-todo", "--path", "rules/no-todo"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("cargo build --release --target wasm32-wasip2"),
        "{run:?}"
    );
    let crate_dir = work.path().join("rules/no-todo");
    cargo(&crate_dir, &["test", "--quiet"]);
    cargo(
        &crate_dir,
        &["build", "--release", "--quiet", "--target", "wasm32-wasip2"],
    );
    let wasm = workspace_dir().join("target/custom-rule-test/wasm32-wasip2/release/no_todo.wasm");
    assert!(wasm.is_file());

    let run = work.run(&["pin", wasm.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("[plugins.no-todo]\npath = "),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("sha256 = \"{}\"", crate::harness::sha256(&wasm))),
        "{run:?}"
    );

    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "db/migrations/01_init.sql",
        "-- TODO: drop this\nSELECT 1;\n",
    )
    .write(
        "rules.toml",
        format!("{}options = {{ markers = [\"XXX\"] }}\n", run.stdout),
    );
    let checked = run_in(repo.path(), &["run", "--format", "json"]);
    assert!(checked.errors().is_empty(), "{checked:?}");
    assert_eq!(checked.checks(), ["no-todo/marker"], "{checked:?}");

    // Existing folders and bad ids are refused.
    let again = work.run(&["new-rule", "no-todo", "--path", "rules/no-todo"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{again:?}");
    let bad = work.run(&["new-rule", "No_Todo"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("must be kebab-case"), "{bad:?}");
}

/// The example organisation rule, built from source, pinned with `pin` and
/// run through drift-host in both modes.
#[test]
fn example_org_rule_require_tenant_column() {
    let wasm = crate::harness::build_plugin("require-tenant-column");
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path().join("rules")).expect("mkdir");
    std::fs::copy(&wasm, repo.path().join("rules/tenant.wasm")).expect("copy");
    let pinned = repo.run(&["pin", "rules/tenant.wasm"]);
    assert_eq!(pinned.code, 0, "{pinned:?}");
    repo.write("rules.toml", format!("{}options = {{ except = [\"Tenant\"] }}\n", pinned.stdout))
        .write(
            "prisma/schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel Tenant {\n  id String @id\n}\n\nmodel Invoice {\n  id       String @id\n  tenantId String\n\n  @@index([tenantId])\n}\n",
        )
        .write("prisma/migrations/01_tenant.sql", "CREATE TABLE IF NOT EXISTS \"Tenant\" (\"id\" TEXT PRIMARY KEY);\n")
        .init_git();
    // Full scan: the schema is fine.
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    assert!(
        !run.checks()
            .iter()
            .any(|c| c.starts_with("require-tenant-column/")),
        "{run:?}"
    );

    // A branch adds a migration creating a table without the tenant column.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "prisma/migrations/02_invoices.sql",
        "CREATE TABLE IF NOT EXISTS \"Invoice\" (\"id\" TEXT PRIMARY KEY, \"tenantId\" TEXT NOT NULL);\n\
         CREATE INDEX IF NOT EXISTS \"Invoice_tenantId_idx\" ON \"Invoice\"(\"tenantId\");\n\
         CREATE TABLE IF NOT EXISTS \"Audit\" (\"id\" TEXT PRIMARY KEY);\n",
    )
    .commit_all("invoices");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    let tenant: Vec<String> = run
        .checks()
        .into_iter()
        .filter(|c| c.starts_with("require-tenant-column/"))
        .collect();
    assert_eq!(tenant, ["require-tenant-column/missing-column"], "{run:?}");
    assert_eq!(run.code, 1);
}
