//! # numbering
//!
//! Migration files are numbered, named and ordered so every environment
//! applies the same sequence.
//!
//! ## What it does
//!
//! Finds every migrations folder of the repository: a `migrations` folder
//! next to a `schema.prisma`, or next to (or inside) a multi-file
//! `schema/` folder. It checks both kinds of migration kept there:
//!
//! - hand-written `NN_name.sql` files directly in the folder, applied in
//!   number order (`17b_name.sql` inserts after 17; `NN_name_rollback.sql`,
//!   `NN_name_down.sql` and `NN_name.down.sql` are rollback scripts);
//! - Prisma migrations, `<YYYYMMDDHHMMSS>_<name>/migration.sql`, with the
//!   folder's `migration_lock.toml`.
//!
//! Numbers and timestamps must be unique, well formed and without gaps,
//! every file must be something a migration tool applies, and the lock file
//! must agree with the schema's datasource. When run against a base
//! (`--base`, `--staged`), migrations present at the base count as applied:
//! they must not be modified, renamed or deleted, and new migrations must
//! sort after them.
//!
//! ## Why is this bad?
//!
//! A migration runner applies migrations in the order of their numbers or
//! timestamps and remembers which ones it has applied. Two files with one
//! number run in whatever order the tool picks; a gap often means a
//! migration was lost in a merge; a misnamed file is silently never run.
//! Editing, renaming or deleting a migration that an environment already
//! applied makes that database differ from one built fresh from the same
//! files, and a new migration numbered before an applied one is skipped, or
//! run out of order, by every environment that is ahead.
//!
//! ## Example
//!
//! ```text
//! prisma/
//!   schema.prisma
//!   migrations/
//!     migration_lock.toml
//!     01_init.sql
//!     03_orders.sql            gap: no migration numbered 02
//!     03_users.sql             duplicate-number: 03 is also used by 03_orders.sql
//!     cleanup.sql              unrecognized-name: never applied
//!     20240101120000_init/
//!       migration.sql
//!     20240230120000_posts/    invalid-timestamp: there is no February 30th
//!       migration.sql
//! ```
//!
//! ## How to fix
//!
//! Give each new migration the next free number, padded like its
//! neighbours, or let `prisma migrate dev` name the folder. Never change a
//! migration once it is merged: write a new migration that makes the
//! change. When two branches both added migration 07, renumber the one no
//! environment has applied. Each finding's help names the file or folder
//! name to use.
//!
//! ## Options
//!
//! ```toml
//! [rules.numbering]
//! # Check these migrations folders instead of discovering the `migrations`
//! # folder next to each schema. The schema is looked up next to each folder.
//! migration-dirs = ["server/prisma/migrations"]
//! # Letter insertions like `17b_name.sql`: "off", "info", "warning" (default) or "error".
//! letter-suffix = "warning"
//! # Rollback scripts in the migrations folder: "off" (default), "info", "warning" or "error".
//! rollback = "off"
//! ```
//!
//! ## Checks
//!
//! Hand-written migrations:
//!
//! - `duplicate-number` (error): two forward migrations share a number (`7_a.sql` and `07_b.sql` collide).
//! - `gap` (warning): a number is missing between the lowest and the highest migration.
//! - `letter-suffix` (warning): a letter insertion like `17b_name.sql` (severity from the `letter-suffix` option).
//! - `rollback-file` (warning): a rollback script in the migrations folder (off unless the `rollback` option is set).
//! - `orphan-rollback` (warning): a rollback script whose forward migration does not exist.
//! - `unrecognized-name` (warning): a file in the migrations folder that no tool will apply.
//! - `inconsistent-width` (warning): mixed zero-padding makes name order differ from number order.
//!
//! Prisma migrations:
//!
//! - `prisma-folder-name` (error): a migration folder not named `<14-digit timestamp>_<name>`.
//! - `invalid-timestamp` (error): a folder timestamp that is not a real date and time.
//! - `missing-migration-sql` (error): a migration folder without `migration.sql`.
//! - `unexpected-file` (warning): another `.sql` file in a migration folder, which Prisma ignores.
//! - `duplicate-timestamp` (error): two migration folders share a timestamp.
//! - `duplicate-name` (warning): two migration folders share a name.
//! - `missing-lock-file` (error): Prisma migrations without `migration_lock.toml`.
//! - `provider-mismatch` (error): the lock file's provider differs from the schema's datasource.
//!
//! Structure:
//!
//! - `empty-migration` (error): a migration with no SQL (a warning when it holds only comments).
//! - `missing-migrations-folder` (error): a schema without migrations, or a configured folder without files.
//! - `missing-schema` (error): a configured migrations folder with no schema next to it.
//!
//! History (only with `--base` or `--staged`):
//!
//! - `modified-applied` (error): an applied migration was edited (line-ending changes alone are fine).
//! - `renamed-applied` (error): an applied migration was renamed or moved.
//! - `deleted-applied` (error): an applied migration was deleted.
//! - `out-of-order` (error): a new migration sorts before the newest applied one.

mod handwritten;
mod history;
mod layout;
mod prisma;
mod structure;

use std::collections::BTreeSet;

use drift_sdk::{CheckMeta, Finding, Input, Level, Metadata, Rule, Scope, Severity};
use serde::Deserialize;

/// The `numbering` rule.
#[derive(Debug, Default)]
pub struct Numbering;

/// Options from the rule's table in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Explicit migrations folders; `None` discovers them from the schemas.
    pub migration_dirs: Option<Vec<String>>,
    pub letter_suffix: Level,
    pub rollback: Level,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            migration_dirs: None,
            letter_suffix: Level::Warning,
            rollback: Level::Off,
        }
    }
}

/// Every check: id, default severity, summary (the order of the docs).
#[rustfmt::skip]
const CHECKS: &[(&str, Severity, &str)] = &[
    ("duplicate-number", Severity::Error, "two hand-written migrations share a number"),
    ("gap", Severity::Warning, "a hand-written migration number is missing"),
    ("letter-suffix", Severity::Warning, "a letter insertion like `17b_name.sql`"),
    ("rollback-file", Severity::Warning, "a rollback script in the migrations folder"),
    ("orphan-rollback", Severity::Warning, "a rollback script without its forward migration"),
    ("unrecognized-name", Severity::Warning, "a file in the migrations folder that no tool applies"),
    ("inconsistent-width", Severity::Warning, "mixed zero-padding makes name and number order differ"),
    ("prisma-folder-name", Severity::Error, "a Prisma migration folder not named `<timestamp>_<name>`"),
    ("invalid-timestamp", Severity::Error, "a Prisma folder timestamp that is not a real date-time"),
    ("missing-migration-sql", Severity::Error, "a Prisma migration folder without migration.sql"),
    ("unexpected-file", Severity::Warning, "an extra .sql file in a Prisma migration folder"),
    ("duplicate-timestamp", Severity::Error, "two Prisma migration folders share a timestamp"),
    ("duplicate-name", Severity::Warning, "two Prisma migration folders share a name"),
    ("missing-lock-file", Severity::Error, "Prisma migrations without migration_lock.toml"),
    ("provider-mismatch", Severity::Error, "migration_lock.toml and the schema disagree on the provider"),
    ("empty-migration", Severity::Error, "a migration with no SQL"),
    ("missing-migrations-folder", Severity::Error, "a schema without a migrations folder"),
    ("missing-schema", Severity::Error, "a configured migrations folder without a schema"),
    ("modified-applied", Severity::Error, "an applied migration was modified"),
    ("renamed-applied", Severity::Error, "an applied migration was renamed"),
    ("deleted-applied", Severity::Error, "an applied migration was deleted"),
    ("out-of-order", Severity::Error, "a new migration sorts before the newest applied one"),
];

impl Rule for Numbering {
    type Options = Options;

    fn metadata(&self) -> Metadata {
        CHECKS.iter().fold(
            Metadata::new(
                "numbering",
                "Migration files are numbered, named and ordered so every environment applies the same sequence",
            )
            .scope(Scope::Repository)
            .include([
                "**/schema.prisma",
                "**/*.prisma",
                "**/migrations/**",
                "**/migration_lock.toml",
                // Configured `migration-dirs` need not be called `migrations`.
                "**/*.sql",
            ]),
            |meta, (id, severity, summary)| meta.check(CheckMeta::new(id, summary, *severity)),
        )
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let configured = options.migration_dirs.as_deref();
        // One call per run (repository scope): owned lists are cheap here.
        let paths = input.paths.to_vec();
        let projects = layout::projects(&paths, configured);
        let base: BTreeSet<&str> = input.base_paths.iter().collect();
        let applied = |path: &str| base.contains(path);
        let mut out = Vec::new();
        for project in &projects {
            let contents = layout::scan(&paths, &project.dir);
            structure::check(input, project, &contents, &mut out);
            handwritten::check(&project.dir, &contents, options, &applied, &mut out);
            prisma::check(input, project, &contents, &applied, &mut out);
        }
        if input.has_base() {
            // A folder deleted with all its migrations is only found at the base.
            let mut all = projects;
            for project in layout::projects(&input.base_paths.to_vec(), configured) {
                if !all.iter().any(|p| p.dir == project.dir) {
                    all.push(project);
                }
            }
            history::check(input, &all, &mut out);
        }
        out
    }
}

drift_sdk::register_rule!(Numbering);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use drift_sdk::testing::{InputBuilder, render, run};
    use drift_sdk::{Content, Input};

    use super::*;

    /// The fixture repository `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Input {
        InputBuilder::new()
            .dir(format!(
                "{}/tests/fixtures/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .build()
    }

    pub use drift_sdk::testing::render_with_help as show;

    #[test]
    fn metadata_lists_every_check_once() {
        let meta = Numbering.metadata();
        assert_eq!(meta.id, "numbering");
        assert_eq!(meta.scope, Scope::Repository);
        let mut ids: Vec<&str> = meta.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), 22);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 22);
    }

    /// The README is the crate doc, and the doc lists every check.
    #[test]
    fn documented() {
        drift_sdk::testing::assert_documented(
            &Numbering,
            include_str!("lib.rs"),
            include_str!("../README.md"),
        );
    }

    #[test]
    fn options_are_parsed_strictly() {
        let options: Options = drift_sdk::parse_options(
            r#"{"migration-dirs": ["a/migrations"], "letter-suffix": "error", "rollback": "warn"}"#,
        )
        .unwrap();
        assert_eq!(
            options.migration_dirs,
            Some(vec!["a/migrations".to_owned()])
        );
        assert_eq!(options.letter_suffix, Level::Error);
        assert_eq!(options.rollback, Level::Warning);
        assert_eq!(
            drift_sdk::parse_options::<Options>("").unwrap(),
            Options::default()
        );
        let unknown = drift_sdk::parse_options::<Options>(r#"{"migration-dir": []}"#).unwrap_err();
        assert!(unknown[0].message.contains("unknown field"), "{unknown:?}");
        let bad = drift_sdk::parse_options::<Options>(r#"{"rollback": "never"}"#).unwrap_err();
        assert_eq!(bad[0].key, "rollback");
    }

    #[test]
    fn only_configured_folders_are_checked() {
        let input = InputBuilder::new()
            .file("a/schema.prisma", "")
            .file("a/migrations/01_x.sql", "SELECT 1;")
            .file("a/migrations/01_y.sql", "SELECT 1;")
            .file("b/schema.prisma", "")
            .file("b/migrations/01_x.sql", "SELECT 1;")
            .build();
        let findings = run(
            &Numbering,
            &input,
            r#"{"migration-dirs": ["b/migrations"]}"#,
        )
        .unwrap();
        assert_eq!(render(&findings), "");
        let findings = run(&Numbering, &input, "{}").unwrap();
        assert_eq!(findings.len(), 2);
    }

    /// Nothing the host can hand over makes the rule panic.
    #[test]
    fn odd_inputs_do_not_panic() {
        let input = InputBuilder::new()
            .file("schema.prisma", "datasource db {")
            .file("migrations/migration_lock.toml", "provider = \"")
            .raw_file("migrations/01_a.sql", Content::Binary)
            .raw_file("migrations/migration_lock.toml", Content::InvalidUtf8(0))
            .file("migrations/18446744073709551615_max.sql", "SELECT 1;")
            .file("migrations/0_zero.sql", "SELECT 1;")
            .file("migrations/99999999999999_x/migration.sql", "SELECT 1;")
            .file("migrations/é/migration.sql", "SELECT 1;")
            .file("migrations/a/b/c/d.sql", "")
            .file("migrations/x_rollback.sql", "")
            .file("migrations/1a_.sql", "")
            .file("schema/é.prisma", "datasource {}")
            .change(
                drift_sdk::ChangeKind::Renamed,
                "migrations/0_zero.sql",
                None,
            )
            .change(drift_sdk::ChangeKind::Added, "", None)
            .base_path("")
            .base_path("migrations/99999999999999_y/migration.sql")
            .base_path("migrations/18446744073709551615_max.sql")
            .build();
        for options in ["{}", r#"{"migration-dirs": ["", ".", "/", "migrations"]}"#] {
            run(&Numbering, &input, options).unwrap();
        }
    }
}
