//! The built-in `numbering` rule end to end: every working-tree check fires
//! on the messy fixture and none on the clean one. (History checks are in
//! `git_modes`; per-check unit tests live in the rule's crate.)

use std::collections::BTreeSet;

use crate::harness::Repo;

#[test]
fn clean_repository_has_no_findings() {
    let run = Repo::fixture("numbering-clean").run(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout, @"drift-host: no problems found (9 files checked by 5 rules)");
}

#[test]
fn messy_repository_fires_every_working_tree_check() {
    let run = Repo::fixture("numbering-messy").run(&["run", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let fired: BTreeSet<String> = run
        .checks()
        .into_iter()
        .filter(|c| c.starts_with("numbering/"))
        .collect();
    let expected: BTreeSet<String> = [
        "duplicate-number",
        "gap",
        "letter-suffix",
        "orphan-rollback",
        "unrecognized-name",
        "inconsistent-width",
        "prisma-folder-name",
        "invalid-timestamp",
        "missing-migration-sql",
        "unexpected-file",
        "duplicate-timestamp",
        "duplicate-name",
        "missing-lock-file",
        "provider-mismatch",
        "empty-migration",
        "missing-migrations-folder",
    ]
    .iter()
    .map(|c| format!("numbering/{c}"))
    .collect();
    assert_eq!(fired, expected, "{run:?}");
}

#[test]
fn configured_migration_folder_without_schema() {
    let repo = Repo::new();
    repo.write("db/migrations/01_a.sql", "SELECT 1;\n").write(
        "rules.toml",
        "[rules.numbering]\nmigration-dirs = [\"db/migrations\", \"db/missing\"]\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let fired: BTreeSet<String> = run.checks().into_iter().collect();
    assert!(fired.contains("numbering/missing-schema"), "{run:?}");
    assert!(
        fired.contains("numbering/missing-migrations-folder"),
        "{run:?}"
    );
}

#[test]
fn letter_suffix_and_rollback_policies_are_configurable() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    )
    .write("prisma/migrations/01_a.sql", "SELECT 1;\n")
    .write("prisma/migrations/01b_a_fix.sql", "SELECT 1;\n")
    .write("prisma/migrations/01_a_rollback.sql", "SELECT 1;\n")
    .write("prisma/migrations/02_b.sql", "SELECT 1;\n")
    .write("prisma/migrations/02_b.down.sql", "SELECT 1;\n");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        run.checks(),
        ["numbering/letter-suffix"],
        "defaults: warn, allow: {run:?}"
    );
    assert_eq!(run.code, 0);
    repo.write(
        "rules.toml",
        "[rules.numbering]\nletter-suffix = \"off\"\nrollback = \"error\"\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        run.checks(),
        ["numbering/rollback-file", "numbering/rollback-file"],
        "{run:?}"
    );
    assert_eq!(run.code, 1);
    repo.write(
        "rules.toml",
        "[rules.numbering]\nletter-suffix = \"error\"\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.checks(), ["numbering/letter-suffix"], "{run:?}");
    assert_eq!(run.code, 1);
}

/// A schema package.json names but a build step generates (so not in the
/// repository) is not missing: its migrations folder is the project's and
/// is checked, with no `missing-schema`; a copy of a schema kept in the
/// documentation is not a project asking for migrations.
#[test]
fn a_generated_schema_keeps_its_migrations_and_a_documented_copy_is_no_project() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "package.json",
        r#"{"prisma": {"schema": "packages/db/prisma/schema.prisma"}}"#,
    )
    .write(
        "packages/db/prisma/schema.full.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    )
    .write(
        "packages/db/prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    )
    .write(
        "packages/db/prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"A\" (\"id\" INTEGER);\n",
    )
    .write(
        "packages/db/prisma/migrations/20240101000000_again/migration.sql",
        "SELECT 1;\n",
    )
    .write(
        "apps/engine/docs/reference/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.checks(), ["numbering/duplicate-timestamp"], "{run:?}");
}

/// A schema Prisma Migrate does not migrate has no migrations folder to
/// miss: MongoDB's, and one its package pushes (`prisma db push`, through
/// any runner) and never migrates. A schema nothing says anything about
/// still asks for its migrations.
#[test]
fn pushed_and_mongodb_schemas_need_no_migrations_folder() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    let schema = |provider: &str| {
        format!(
            "datasource db {{\n  provider = \"{provider}\"\n  url = env(\"DATABASE_URL\")\n}}\n"
        )
    };
    repo.write(
        "apps/web/package.json",
        r#"{"scripts": {"prisma:push": "dotenv-flow -e .env -- prisma db push --schema=./prisma/schema.prisma"}}"#,
    )
    .write("apps/web/prisma/schema.prisma", schema("postgresql"))
    .write("apps/catalog/prisma/schema.prisma", schema("mongodb"))
    .write("apps/api/prisma/schema.prisma", schema("postgresql"));
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        run.located(),
        ["numbering/missing-migrations-folder apps/api/prisma/schema.prisma"],
        "{run:?}"
    );
}
