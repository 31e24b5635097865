//! # numbering
//!
//! Migration files are numbered, named and ordered so every environment
//! applies the same sequence.
//!
//! ## What it does
//!
//! Finds every migrations folder of the repository: the one a Prisma
//! config names (`prisma.config.ts` and friends: `schema` and
//! `migrations.path`, read when they are literals or `path.join(__dirname,
//! …)`), a `migrations` folder next to a `schema.prisma`, or next to (or
//! inside) a multi-file `schema/` folder. It checks both kinds of migration
//! kept there:
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

mod handwritten;
mod history;
mod layout;
mod prisma;
mod structure;

use std::collections::BTreeSet;

use drift_sdk::{Finding, Input, Level, Metadata, Rule, Scope};
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

drift_sdk::checks! {
    /// Every check of the rule, in the order of its page.
    pub enum Check {
        /// Two forward migrations share a number (`7_a.sql` and `07_b.sql`
        /// collide).
        DuplicateNumber = ("duplicate-number", Error, "two hand-written migrations share a number"),
        /// A number is missing between the lowest and the highest migration.
        Gap = ("gap", Warning, "a hand-written migration number is missing"),
        /// A letter insertion like `17b_name.sql` (severity from the
        /// `letter-suffix` option).
        LetterSuffix = ("letter-suffix", Warning, "a letter insertion like `17b_name.sql`"),
        /// A rollback script in the migrations folder (off unless the `rollback`
        /// option is set).
        RollbackFile = ("rollback-file", Warning, "a rollback script in the migrations folder"),
        /// A rollback script whose forward migration does not exist.
        OrphanRollback = ("orphan-rollback", Warning, "a rollback script without its forward migration"),
        /// A file in the migrations folder that no tool will apply.
        UnrecognizedName = ("unrecognized-name", Warning, "a file in the migrations folder that no tool applies"),
        /// Mixed zero-padding makes name order differ from number order.
        InconsistentWidth = ("inconsistent-width", Warning, "mixed zero-padding makes name and number order differ"),
        /// A migration folder not named `<14-digit timestamp>_<name>`. Prisma applies
        /// it anyway, in folder-name order: a warning, whose help renames only a
        /// folder new in the change.
        PrismaFolderName = ("prisma-folder-name", Warning, "a Prisma migration folder not named `<timestamp>_<name>`", history),
        /// A folder timestamp that is not a real date and time.
        InvalidTimestamp = ("invalid-timestamp", Warning, "a Prisma folder timestamp that is not a real date-time", history),
        /// A migration folder without `migration.sql`.
        MissingMigrationSql = ("missing-migration-sql", Error, "a Prisma migration folder without migration.sql"),
        /// Another `.sql` file in a migration folder, which Prisma ignores.
        UnexpectedFile = ("unexpected-file", Warning, "an extra .sql file in a Prisma migration folder"),
        /// Two migration folders share a timestamp; reported at every folder but the one
        /// that keeps it (an applied one, else the first by name). Prisma applies both,
        /// in name order: a warning.
        DuplicateTimestamp = ("duplicate-timestamp", Warning, "two Prisma migration folders share a timestamp", history),
        /// Two migration folders share a name.
        DuplicateName = ("duplicate-name", Warning, "two Prisma migration folders share a name", history),
        /// Prisma migrations without `migration_lock.toml`.
        MissingLockFile = ("missing-lock-file", Error, "Prisma migrations without migration_lock.toml"),
        /// The lock file's provider differs from the schema's datasource.
        ProviderMismatch = ("provider-mismatch", Error, "migration_lock.toml and the schema disagree on the provider"),
        /// A migration with no SQL (a warning when it holds only comments).
        EmptyMigration = ("empty-migration", Error, "a migration with no SQL"),
        /// A schema without migrations, or a configured folder without files.
        /// A schema Migrate does not migrate is not expected to have one: a
        /// MongoDB schema, or one whose package's scripts run `prisma db push`
        /// and never `prisma migrate`.
        MissingMigrationsFolder = ("missing-migrations-folder", Error, "a schema without a migrations folder"),
        /// A configured migrations folder with no schema next to it.
        MissingSchema = ("missing-schema", Error, "a configured migrations folder without a schema"),
        /// An applied migration was edited (line-ending changes alone are fine).
        ///
        /// Only with `--base` or `--staged`: a migration present at the base
        /// counts as applied.
        ModifiedApplied = ("modified-applied", Error, "an applied migration was modified"),
        /// An applied migration was renamed or moved. Moving the whole migrations
        /// folder (or the package holding it) is neither: a database records a
        /// Prisma migration by its folder name and a hand-written one by its file
        /// name, so a move that keeps those and the content renames nothing.
        ///
        /// Only with `--base` or `--staged`: a migration present at the base
        /// counts as applied.
        RenamedApplied = ("renamed-applied", Error, "an applied migration was renamed"),
        /// An applied migration was deleted.
        ///
        /// Only with `--base` or `--staged`: a migration present at the base
        /// counts as applied.
        DeletedApplied = ("deleted-applied", Error, "an applied migration was deleted"),
        /// A new migration sorts before the newest applied one.
        ///
        /// Only with `--base` or `--staged`: a migration present at the base
        /// counts as applied.
        OutOfOrder = ("out-of-order", Error, "a new migration sorts before the newest applied one"),
    }
}

impl Rule for Numbering {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
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
        ])
        // Prisma configs name the schema and the migrations folder.
        .include(drift_sdk::prisma_config::GLOBS.iter().copied())
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let configured = options.migration_dirs.as_deref();
        // One call per run (repository scope): owned lists are cheap here.
        let paths = input.paths.to_vec();
        let configs = drift_sdk::prisma_config::read_all(
            input.text_files().map(|(f, t)| (f.path.as_str(), t)),
        );
        let projects = layout::projects(&paths, configured, &configs);
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
            for project in layout::projects(&input.base_paths.to_vec(), configured, &configs) {
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
