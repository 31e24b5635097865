//! # idempotency
//!
//! Hand-written migrations can run twice without failing or changing the
//! result.
//!
//! ## What it does
//!
//! Checks every statement of the hand-written migrations, `NN_name.sql`
//! files directly in a `migrations` folder (the name starts with a digit;
//! rollback scripts included), for what happens when the file runs a second time: a statement that
//! fails because the first run already did its work, or that succeeds but
//! does the work again (inserts the same rows, adds a second copy of an
//! index), is reported at the statement, with the SQL to use instead.
//! Prisma's own `migrations/<timestamp>_<name>/migration.sql` files are
//! checked only with the `prisma` option.
//!
//! Statements inside `DO` blocks and constant `EXECUTE '...'` strings are
//! checked too, and a statement there is fine when its block guards it: an
//! `IF NOT EXISTS (...) THEN` (or `IF EXISTS` for drops and renames), any
//! other `IF` branch, or an `EXCEPTION WHEN` handler that catches the error
//! a second run raises (`duplicate_object`, `duplicate_table`, ... for
//! creations; `undefined_table`, ... for drops; `unique_violation` for
//! inserts; `others`). Statements in function bodies run when the function
//! is called, not when the migration runs, and are not checked. Comments
//! and string literals are never taken for statements, and a statement
//! damaged by a syntax error is skipped (drift-host reports the error as
//! `drift-host/sql-syntax`).
//!
//! ## Why is this bad?
//!
//! Hand-written migrations are often applied by scripts that keep no
//! record of what ran, re-run after a deploy failed half-way, or applied
//! to a database that already has some of the objects (restored from a
//! dump, or created by `prisma db push`). A migration that fails on its
//! second run blocks the deploy until someone edits the database by hand;
//! one that succeeds but repeats its work (seed rows inserted twice, an
//! unnamed index or constraint created again under a new name) silently
//! makes that database differ from every other.
//!
//! ## Example
//!
//! ```sql
//! -- migrations/03_orders.sql
//! CREATE TABLE orders (id bigint PRIMARY KEY, note text);
//! CREATE TYPE order_status AS ENUM ('new', 'paid');
//! ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new';
//! CREATE INDEX orders_status_idx ON orders (status);
//! ALTER TABLE orders ADD CONSTRAINT orders_note_check CHECK (length(note) < 500);
//! INSERT INTO settings (key, value) VALUES ('orders.enabled', 'true');
//! ```
//!
//! Every statement fails, or inserts the setting again, the second time
//! the file runs.
//!
//! ## How to fix
//!
//! Write each statement so it does nothing when its work is already done:
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, note text);
//! DO $$ BEGIN
//!   CREATE TYPE order_status AS ENUM ('new', 'paid');
//! EXCEPTION WHEN duplicate_object THEN NULL;
//! END $$;
//! ALTER TABLE orders ADD COLUMN IF NOT EXISTS status order_status NOT NULL DEFAULT 'new';
//! CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status);
//! ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_note_check,
//!   ADD CONSTRAINT orders_note_check CHECK (length(note) < 500);
//! INSERT INTO settings (key, value) VALUES ('orders.enabled', 'true')
//!   ON CONFLICT (key) DO NOTHING;
//! ```
//!
//! Each finding's help shows the rewritten statement. PostgreSQL has no
//! `IF NOT EXISTS` for types, policies, triggers and constraints, and no
//! `IF EXISTS` for most renames: drop the object first (`DROP POLICY IF
//! EXISTS`, `DROP CONSTRAINT IF EXISTS`), use `CREATE OR REPLACE TRIGGER`,
//! or put the statement in a `DO` block that checks the catalog or catches
//! the error.
//!
//! ## Options
//!
//! ```toml
//! [rules.idempotency]
//! # Also check Prisma's migration.sql files (off by default: Prisma records
//! # which migrations it applied and never runs one twice).
//! prisma = false
//! # The runner wraps each hand-written migration in a transaction, so
//! # `CREATE INDEX CONCURRENTLY` fails in any of them.
//! transactional = false
//! ```

mod constraint;
mod create;
mod drop;
mod insert;
mod migration;
mod rename;
mod replace;
mod transaction;

use drift_sdk::{Finding, Input, Metadata, Rule, Scope};
use serde::Deserialize;

use crate::migration::{Migration, Origin};

/// The `idempotency` rule.
#[derive(Debug, Default)]
pub struct Idempotency;

/// Options from the rule's table in `rules.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Also check Prisma's `migration.sql` files.
    pub prisma: bool,
    /// Hand-written migrations run inside a transaction.
    pub transactional: bool,
}

drift_sdk::checks! {
    /// Every check of the rule, in the order of its page.
    pub enum Check {
        /// `CREATE TABLE`, `INDEX`, `SCHEMA`, `EXTENSION`, `SEQUENCE` or
        /// `MATERIALIZED VIEW` without `IF NOT EXISTS` (or an index without a
        /// name), `CREATE VIEW`, `FUNCTION` or `PROCEDURE` without `OR REPLACE`.
        CreateWithoutIfNotExists = ("create-without-if-not-exists", Error, "CREATE without IF NOT EXISTS or OR REPLACE"),
        /// `ALTER TABLE ... ADD COLUMN` without `IF NOT EXISTS`.
        AddColumnWithoutIfNotExists = ("add-column-without-if-not-exists", Error, "ADD COLUMN without IF NOT EXISTS"),
        /// A `DROP` statement, or an `ALTER` action that drops a column,
        /// constraint, attribute, identity or generation expression, without `IF
        /// EXISTS`.
        DropWithoutIfExists = ("drop-without-if-exists", Error, "DROP without IF EXISTS"),
        /// `CREATE TYPE` or `CREATE DOMAIN` outside a guarded `DO` block.
        CreateTypeUnguarded = ("create-type-unguarded", Error, "CREATE TYPE or DOMAIN outside a guarded DO block"),
        /// `CREATE POLICY` or `CREATE TRIGGER` with no `DROP POLICY` / `DROP
        /// TRIGGER` of the same name and table earlier in the file, no `OR REPLACE`
        /// and no guard.
        PolicyOrTriggerUnguarded = ("policy-or-trigger-unguarded", Error, "CREATE POLICY or TRIGGER not dropped first"),
        /// `ADD CONSTRAINT` with no `DROP CONSTRAINT` of the same name and table
        /// earlier in the file (or in the same statement) and no guard; an unnamed
        /// constraint is added again under a new name.
        AddConstraintUnguarded = ("add-constraint-unguarded", Error, "ADD CONSTRAINT not dropped first or guarded"),
        /// `DROP CONSTRAINT IF EXISTS x` then `ADD CONSTRAINT x UNIQUE` after a
        /// `CREATE UNIQUE INDEX x` earlier in the file: dropping the constraint
        /// leaves the index, so the constraint cannot be created.
        UniqueIndexTrap = ("unique-index-trap", Warning, "DROP CONSTRAINT IF EXISTS does not drop a unique index of that name"),
        /// `ALTER TYPE ... ADD VALUE` without `IF NOT EXISTS`.
        AddEnumValueWithoutIfNotExists = ("add-enum-value-without-if-not-exists", Error, "ALTER TYPE ADD VALUE without IF NOT EXISTS"),
        /// A rename (`RENAME TO`, `RENAME COLUMN`, `RENAME CONSTRAINT`, `RENAME
        /// VALUE`, ...) outside a guard, so the second run cannot find the old
        /// name.
        RenameUnguarded = ("rename-unguarded", Error, "a rename that fails once the old name is gone"),
        /// `INSERT` without `ON CONFLICT`, without `WHERE NOT EXISTS` (or `NOT IN`,
        /// `EXCEPT`) and without a guard.
        InsertWithoutConflictHandling = ("insert-without-conflict-handling", Error, "INSERT that adds its rows again"),
        /// `CREATE INDEX`, `DROP INDEX` or `REINDEX` `CONCURRENTLY` in a
        /// transaction: after `BEGIN`, in a `DO` block, in a Prisma migration with
        /// other statements, or in any hand-written migration with `transactional =
        /// true`.
        ConcurrentlyInTransaction = ("concurrently-in-transaction", Warning, "CONCURRENTLY inside a transaction block"),
    }
}

impl Rule for Idempotency {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new(
            "idempotency",
            "Hand-written migrations can run twice without failing or changing the result",
        )
        .scope(Scope::PerFile)
        .sql(true)
        // Globs cannot say "starts with a digit" portably; `Origin::of`
        // sorts out what these match.
        .include(["**/migrations/*.sql", "**/migrations/*/migration.sql"])
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for file in &input.files {
            let (Some(text), Some(tree)) = (file.text(), file.sql.as_ref()) else {
                continue;
            };
            let origin = match Origin::of(&file.path) {
                Some(Origin::Prisma) if !options.prisma => continue,
                Some(origin) => origin,
                None => continue,
            };
            let m = Migration::new(&file.path, text, tree, origin);
            create::check(&m, &mut out);
            drop::check(&m, &mut out);
            replace::check(&m, &mut out);
            constraint::check(&m, &mut out);
            rename::check(&m, &mut out);
            insert::check(&m, &mut out);
            transaction::check(&m, options, &mut out);
        }
        out
    }
}

drift_sdk::register_rule!(Idempotency);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use std::path::{Path, PathBuf};

    use drift_sdk::testing::{InputBuilder, render, run};
    use drift_sdk::{Content, Finding, Input};

    use super::*;

    /// The fixture repository `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Input {
        InputBuilder::new().dir(fixture_dir(name)).build()
    }

    fn fixture_dir(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    pub use drift_sdk::testing::render_with_help as show;

    /// The findings for `sql` as a hand-written migration, shown.
    pub fn check_sql(sql: &str) -> String {
        let input = InputBuilder::new()
            .sql_file("migrations/01_test.sql", sql)
            .build();
        show(&run(&Idempotency, &input, "{}").unwrap())
    }

    #[test]
    fn options_are_parsed_strictly() {
        let options: Options =
            drift_sdk::parse_options(r#"{"prisma": true, "transactional": true}"#).unwrap();
        assert!(options.prisma && options.transactional);
        assert_eq!(
            drift_sdk::parse_options::<Options>("").unwrap(),
            Options::default()
        );
        let unknown = drift_sdk::parse_options::<Options>(r#"{"paths": []}"#).unwrap_err();
        assert!(unknown[0].message.contains("unknown field"), "{unknown:?}");
        let bad = drift_sdk::parse_options::<Options>(r#"{"prisma": "yes"}"#).unwrap_err();
        assert_eq!(bad[0].key, "prisma");
    }

    /// Each check's firing fixture (`tests/checks/<check>/fires/`) fires
    /// that check and no other; the messages are pinned in snapshots.
    #[test]
    fn each_check_fires_alone() {
        use drift_sdk::Check as _;
        for &check in <Check as drift_sdk::Check>::ALL {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/checks")
                .join(check.id())
                .join("fires");
            let findings = drift_sdk::testing::conformance::fixture_findings::<Idempotency>(&dir);
            assert!(!findings.is_empty(), "{check}: nothing fired");
            let others: Vec<Finding> = findings
                .iter()
                .filter(|f| f.check != check.id())
                .cloned()
                .collect();
            assert!(
                others.is_empty(),
                "{check}: other checks fired:\n{}",
                show(&others)
            );
            insta::assert_snapshot!(format!("fires_{check}"), show(&findings));
        }
    }

    /// Traps: statement-like text in comments and strings, `ON DELETE
    /// CASCADE`, guarded `DO` blocks and `EXECUTE` strings, function bodies.
    #[test]
    fn traps_stay_silent() {
        let findings = run(&Idempotency, &fixture("traps"), "{}").unwrap();
        assert_eq!(show(&findings), "");
    }

    /// A Prisma project with hand-written migrations next to Prisma's.
    #[test]
    fn a_realistic_project() {
        let input = fixture("realistic");
        let findings = run(&Idempotency, &input, "{}").unwrap();
        insta::assert_snapshot!(show(&findings));
        // Prisma's own migrations are checked only on request.
        assert!(findings.iter().all(|f| !f.path.ends_with("/migration.sql")));
        let with_prisma = run(&Idempotency, &input, r#"{"prisma": true}"#).unwrap();
        assert!(
            with_prisma
                .iter()
                .any(|f| f.path.ends_with("/migration.sql"))
        );
    }

    #[test]
    fn only_migrations_are_checked() {
        let bad = "CREATE TABLE t (id int);";
        let input = InputBuilder::new()
            .sql_file("db/migrations/seed.sql", bad)
            .sql_file("db/migrations/archive/01_old.sql", bad)
            .sql_file("db/scripts/01_fix.sql", bad)
            .sql_file("db/migrations/01_init.sql", bad)
            .file("db/migrations/02_no_tree.sql", bad)
            .raw_file("db/migrations/03_binary.sql", Content::Binary)
            .build();
        let findings = run(&Idempotency, &input, "{}").unwrap();
        assert_eq!(
            render(&findings),
            "db/migrations/01_init.sql:1:1: create-without-if-not-exists: `CREATE TABLE t` fails when the migration runs again: the table already exists\n"
        );
    }

    /// Nothing the host can hand over makes the rule panic.
    #[test]
    fn odd_inputs_do_not_panic() {
        let odd = [
            "",
            ";;;",
            "DO $$",
            "DO $$ BEGIN EXECUTE '",
            "CREATE TABLE (",
            "ALTER TABLE",
            "ALTER TABLE t ADD CONSTRAINT",
            "ALTER TABLE t ADD COLUMN",
            "CREATE INDEX ON",
            "CREATE POLICY ON",
            "INSERT INTO",
            "DROP",
            "\u{0}\u{feff}$$$$",
            "E'\\",
            "CREATE TABLE é (ü int); ALTER TABLE \"é\" RENAME COLUMN ü TO \"\u{1F600}\";",
        ];
        for sql in odd {
            for options in ["{}", r#"{"transactional": true, "prisma": true}"#] {
                let input = InputBuilder::new()
                    .sql_file("migrations/01_odd.sql", sql)
                    .sql_file("migrations/20240101000000_x/migration.sql", sql)
                    .build();
                run(&Idempotency, &input, options).unwrap();
            }
        }
    }

    /// PostgreSQL's own regression suite: thousands of statements of every
    /// kind, many of them odd on purpose. The rule must not panic, and every
    /// finding must point into its file.
    #[test]
    fn the_postgres_regression_suite_does_not_panic() {
        let Some(files) = drift_sdk::testing::pg_regress_files() else {
            return;
        };
        let mut builder = InputBuilder::new();
        let mut line_counts = std::collections::BTreeMap::new();
        for (i, (_, path)) in files.iter().enumerate() {
            let bytes = std::fs::read(path).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // Half as hand-written migrations, half as Prisma's.
            let name = path.file_stem().unwrap().to_string_lossy();
            let migration = if i % 2 == 0 {
                format!("migrations/{i:03}_{name}.sql")
            } else {
                format!("migrations/{i:03}_{name}/migration.sql")
            };
            builder = builder.sql_file(&migration, &text);
            line_counts.insert(migration, text.lines().count().max(1) as u32);
        }
        let input = builder.build();
        let findings = run(
            &Idempotency,
            &input,
            r#"{"prisma": true, "transactional": true}"#,
        )
        .unwrap();
        assert!(findings.len() > 1000, "only {} findings", findings.len());
        for finding in &findings {
            let lines = line_counts[&finding.path];
            let span = finding.span.unwrap();
            assert!(
                span.line >= 1 && span.line <= span.end_line && span.end_line <= lines,
                "{finding:?}"
            );
        }
    }
}
