//! The SQL rules end to end, through the WASM path: PostgreSQL's own
//! regression suite as migrations (robustness), and a realistic hybrid
//! repository (expected findings, snapshot-tested).

use crate::harness::Repo;

/// Every file of `shared/corpora/pg-regress` (256 files of PostgreSQL's
/// regression SQL) as a hand-written migration: the run must finish with
/// findings and without a single failure (no trap, no parser crash, no
/// budget overrun).
#[test]
fn pg_regress_corpus_runs_without_failures() {
    let repo = Repo::new();
    repo.write(
        "db/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    );
    let Some(corpus) = drift_syntax::testdata::pg_regress_files() else {
        return;
    };
    let mut n = 0;
    for (_, path) in corpus {
        n += 1;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .replace(['.', '-'], "_");
        let bytes = std::fs::read(&path).expect("read");
        repo.write(&format!("db/migrations/{n:03}_{name}.sql"), bytes);
    }
    assert!(n >= 250, "{n} corpus files");
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "failures: {:?}", run.errors());
    assert_eq!(run.code, 1, "the corpus is full of non-idempotent SQL");
    let checks = run.checks();
    assert!(
        checks
            .iter()
            .filter(|c| c.starts_with("idempotency/"))
            .count()
            > 1000,
        "{} findings",
        checks.len()
    );
}

/// A hybrid Prisma + hand-written SQL repository in the style the seed
/// describes (3 Prisma migrations, 23 hand-written files, agent docs,
/// package.json scripts), with its expected findings.
#[test]
fn hybrid_repository_findings() {
    let run = Repo::fixture("hybrid").run(&["run"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

/// A repository that keeps other engines' migrations beside Prisma's
/// PostgreSQL ones: ClickHouse goose files, a MySQL copy of the schema's
/// migrations, drizzle's SQLite migrations, rollbacks and a goose file's
/// down section.
/// Only the PostgreSQL that runs forward is linted, and the rest is
/// counted in a note on stderr.
#[test]
fn other_engines_and_down_sql_are_left_alone() {
    let repo = Repo::new();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel User {\n  id String @id\n}\n",
    );
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n",
    );
    repo.write(
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    // ClickHouse, recognised by its folder and by its DDL.
    repo.write(
        "internal/clickhouse/schema/001_events.sql",
        "-- +goose Up\nCREATE TABLE events (id UInt64, name String) ENGINE = MergeTree ORDER BY id;\n-- +goose Down\nDROP TABLE events;\n",
    );
    repo.write(
        "internal/clickhouse/schema/002_projection.sql",
        "-- +goose Up\nALTER TABLE events DROP PROJECTION p;\nALTER TABLE events UPDATE name = '' WHERE id = 0;\nDROP INDEX IF EXISTS idx ON events;\n",
    );
    repo.write(
        "analytics/migrations/003_rollup.sql",
        "CREATE TABLE rollup ON CLUSTER main (id UInt64) ENGINE = ReplicatedSummingMergeTree ORDER BY id;\nDROP TABLE old_rollup ON CLUSTER main;\n",
    );
    // A MySQL copy of the Prisma migrations.
    repo.write(
        "db/mysql/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE `user` (`id` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4;\nDROP TABLE `legacy`;\n",
    );
    // What a folder declares decides for its files, even for SQL that
    // PostgreSQL would accept: Prisma's lock file, drizzle's journal.
    repo.write(
        "db/mysql/migrations/migration_lock.toml",
        "provider = \"mysql\"\n",
    );
    repo.write(
        "db/mysql/migrations/20240102000000_cleanup/migration.sql",
        "DELETE FROM sessions;\n",
    );
    repo.write(
        "drizzle/meta/_journal.json",
        "{\"version\": \"7\", \"dialect\": \"turso\", \"entries\": []}\n",
    );
    repo.write("drizzle/0001_cleanup.sql", "DELETE FROM sessions;\n");
    // The schema's provider is what Prisma uses: a lock file that
    // disagrees does not make PostgreSQL migrations MySQL.
    repo.write(
        "billing/prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"BILLING_URL\")\n}\n",
    );
    repo.write(
        "billing/prisma/migrations/migration_lock.toml",
        "provider = \"mysql\"\n",
    );
    repo.write(
        "billing/prisma/migrations/20240101000000_drop/migration.sql",
        "DROP TABLE \"Invoice\";\n",
    );
    // Hand-written PostgreSQL: a goose file with a down section, and a
    // rollback file.
    repo.write(
        "db/migrations/01_accounts.sql",
        "-- +goose Up\nCREATE TABLE IF NOT EXISTS accounts (id int);\n\n-- +goose Down\nDROP TABLE accounts;\n",
    );
    repo.write(
        "db/migrations/01_accounts.down.sql",
        "DROP TABLE accounts;\n",
    );
    repo.write(
        "db/migrations/02_cleanup.sql",
        "DROP TABLE IF EXISTS legacy_sessions;\n",
    );
    repo.with_agent_instructions();
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    let findings: Vec<String> = run
        .located()
        .into_iter()
        .filter(|f| !f.starts_with("agent-guidance/"))
        .collect();
    // The PostgreSQL drops that run forward, and nothing else: no
    // syntax warning, no destructive finding in a rollback, a down section
    // or another engine's file. Idempotency still reads the rollback file,
    // which teams run by hand and may run twice.
    assert_eq!(
        findings,
        [
            "destructive-sql/drop-table billing/prisma/migrations/20240101000000_drop/migration.sql",
            "numbering/provider-mismatch billing/prisma/migrations/migration_lock.toml",
            "idempotency/drop-without-if-exists db/migrations/01_accounts.down.sql",
            "destructive-sql/drop-table db/migrations/02_cleanup.sql",
        ],
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "note: 6 SQL files are not PostgreSQL (ClickHouse: 3, MySQL: 2, SQLite: 1) and were not linted: analytics/migrations/003_rollup.sql, db/mysql/migrations/20240101000000_init/migration.sql and 4 more"
        ),
        "{}",
        run.stderr
    );
}

/// A Prisma config names a schema folder: `schema.prisma` holds only the
/// datasource and the models live in `models/*.prisma`. The models are
/// the schema (no false `extra-table`), and drift in them is caught.
#[test]
fn a_prisma_config_places_a_multi_file_schema() {
    let repo = Repo::new();
    repo.write(
        "packages/database/prisma.config.ts",
        "import path from \"node:path\";\nimport { defineConfig } from \"prisma/config\";\n\nexport default defineConfig({\n  schema: path.join(__dirname, \"prisma\"),\n  migrations: {\n    path: path.join(__dirname, \"prisma/migrations\"),\n    seed: \"tsx prisma/seed.ts\",\n  },\n});\n",
    );
    repo.write(
        "packages/database/prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\ngenerator client {\n  provider = \"prisma-client-js\"\n}\n",
    );
    repo.write(
        "packages/database/prisma/models/user.prisma",
        "model User {\n  id    String @id\n  email String\n}\n",
    );
    repo.write(
        "packages/database/prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    repo.write(
        "packages/database/prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\n    \"id\" TEXT NOT NULL,\n    \"email\" TEXT NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n",
    );
    repo.with_agent_instructions();
    let drift = |run: &crate::harness::Run| -> Vec<String> {
        run.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "schema-drift")
            .map(|f| {
                format!(
                    "{} {}",
                    f["check"].as_str().unwrap_or(""),
                    f["path"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let run = repo.run(&["run", "--format", "json"]);
    assert!(drift(&run).is_empty(), "{run:?}");
    // A field added to a model file without a migration is drift.
    repo.write(
        "packages/database/prisma/models/user.prisma",
        "model User {\n  id    String @id\n  email String\n  name  String?\n}\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        drift(&run),
        ["missing-column packages/database/prisma/models/user.prisma"],
        "{run:?}"
    );
}

/// rules.toml's `[dialect]` decides over detection, first match first: a
/// folder of ClickHouse DDL that looks like PostgreSQL is left alone, and
/// PostgreSQL kept under a `clickhouse` folder name is linted.
#[test]
fn dialect_globs_override_the_detection() {
    let repo = Repo::new();
    // Plain DDL ClickHouse also accepts: nothing in it says ClickHouse.
    repo.write(
        "services/events/migrations/0001_events.sql",
        "CREATE TABLE events (id UInt64, name String);\nDROP TABLE staging_events;\n",
    );
    // A folder named after the product it feeds, holding PostgreSQL.
    repo.write("sync/clickhouse/pg/0001_outbox.sql", "DROP TABLE outbox;\n");
    repo.with_agent_instructions();
    let findings = |run: &crate::harness::Run| -> Vec<String> {
        run.located()
            .into_iter()
            .filter_map(|f| {
                f.strip_prefix("destructive-sql/")
                    .and_then(|f| f.split_once(' '))
                    .map(|(_, path)| path.to_owned())
            })
            .collect()
    };
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        findings(&run),
        ["services/events/migrations/0001_events.sql"],
        "{run:?}"
    );
    repo.write(
        "rules.toml",
        "[dialect]\n\"services/events/**\" = \"clickhouse\"\n\"sync/clickhouse/pg/*.sql\" = \"postgresql\"\n\"**/*.sql\" = \"mysql\"\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        findings(&run),
        ["sync/clickhouse/pg/0001_outbox.sql"],
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("note: 1 SQL file is not PostgreSQL (ClickHouse: 1)"),
        "{}",
        run.stderr
    );
    // An unknown engine is an error at its position.
    repo.write("rules.toml", "[dialect]\n\"db/**\" = \"oracle\"\n");
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "rules.toml:2:11: unknown dialect `oracle` for `db/**` (expected one of: postgresql, clickhouse, mysql, sqlite, sqlserver)"
        ),
        "{}",
        run.stderr
    );
}

/// A Prisma config whose schema is computed at run time: the defaults are
/// used, and the user is told once, naming the file and the field.
#[test]
fn a_computed_config_path_is_said() {
    let repo = Repo::new();
    repo.write(
        "prisma.config.ts",
        "export default defineConfig({ schema: process.env.PRISMA_SCHEMA ?? 'prisma/schema.prisma' });\n",
    );
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\nmodel User {\n  id   String @id\n  name String\n}\n",
    );
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n",
    );
    repo.write(
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    repo.with_agent_instructions();
    let run = repo.run(&["run", "--format", "json"]);
    let note = "note: prisma.config.ts: `schema` is computed when Prisma runs it, so drift-host uses Prisma's default";
    assert_eq!(run.stderr.matches(note).count(), 1, "{}", run.stderr);
    // The default schema is compared with the config's project.
    assert_eq!(run.checks(), ["schema-drift/missing-column"], "{run:?}");
}

/// A config pointing at a generated, git-ignored migrations folder (the
/// team's runner copies the schema migrations there): the package's folder
/// holding `migration_lock.toml` is the migrations folder, so the schema is
/// compared with it and no folder is reported missing.
#[test]
fn a_generated_migrations_folder_is_found_by_its_lock_file() {
    let repo = Repo::new();
    repo.write(
        "packages/database/prisma.config.ts",
        "export default defineConfig({\n  schema: \"./schema\",\n  migrations: { path: \"./.prisma-migrations\" },\n});\n",
    );
    repo.write(".gitignore", ".prisma-migrations\n");
    repo.write(
        "packages/database/schema/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\nmodel User {\n  id    String @id\n  email String\n}\n",
    );
    repo.write(
        "packages/database/migration/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    repo.write(
        "packages/database/migration/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n",
    );
    repo.write(
        "packages/database/migration/20240201000000_backfill/migration.ts",
        "export const run = async () => {};\n",
    );
    repo.with_agent_instructions();
    let run = repo.run(&["run", "--format", "json"]);
    let found: Vec<String> = run
        .located()
        .into_iter()
        .filter(|f| f.starts_with("schema-drift/") || f.starts_with("numbering/"))
        .collect();
    assert_eq!(
        found,
        ["schema-drift/missing-column packages/database/schema/schema.prisma"],
        "{run:?}"
    );
}
