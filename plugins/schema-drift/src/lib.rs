//! # schema-drift
//!
//! The database the migrations build matches `schema.prisma`.
//!
//! ## What it does
//!
//! Finds each Prisma schema (a `schema.prisma` file, a `schema/` folder of
//! `.prisma` files read together, or the file or folder a Prisma config
//! names, every `.prisma` file below that folder included) and its
//! migrations folder (the config's `migrations.path`, else the `migrations`
//! folder next to it), replays the migrations in the order they run, and
//! compares the
//! database they build with the one Prisma Migrate would build for the
//! schema.
//!
//! Migrations run in this order: Prisma's `<folder>/migration.sql` files
//! in folder name order, as Prisma applies them (`<timestamp>_<name>`
//! folders, and baselines such as `0_init`), then hand-written
//! `NN_name.sql` files directly in the folder by number (or the other way
//! round, see `order`). Rollback scripts (`*_rollback.sql`, `*_down.sql`,
//! `*.down.sql`, `*.rollback.sql`) are skipped.
//!
//! The replay tracks what Prisma can express: tables, columns (type,
//! nullability, whether it has a default), primary keys, unique
//! constraints and unique indexes,
//! plain indexes, foreign keys (columns, referenced table and columns,
//! `ON DELETE` / `ON UPDATE`), and enum types with their values. It
//! understands `CREATE TABLE` (inline and table constraints, `REFERENCES`
//! without columns meaning the referenced primary key), `ALTER TABLE` (`ADD`,
//! `DROP`, `RENAME COLUMN`, `ALTER COLUMN ... SET/DROP NOT NULL`,
//! `SET/DROP DEFAULT`, `TYPE`, `ADD/DROP/RENAME CONSTRAINT`, `RENAME TO`),
//! `DROP TABLE`, `CREATE [UNIQUE] INDEX`, `DROP INDEX`, `ALTER INDEX ...
//! RENAME TO`, `CREATE TYPE ... AS ENUM`, `ALTER TYPE ... ADD VALUE /
//! RENAME VALUE / RENAME TO` and `DROP TYPE`, including the schema-qualified
//! `ALTER TABLE ONLY` style of a `pg_dump` baseline. Statements inside `DO` blocks and constant `EXECUTE` strings count
//! (they ran with the migration, guarded or not); statements in function
//! bodies do not. Identifiers follow PostgreSQL: `"Quoted"` names keep
//! their case, unquoted names fold to lower case, and a schema qualifier
//! (`public.`) is ignored. Other statements are ignored.
//!
//! The schema side follows Prisma's mapping: the table is the model's
//! `@@map` or name, a column is the field's `@map` or name (relation fields
//! have no column), `?` fields are nullable and other scalar fields `NOT
//! NULL` (list fields are not compared for nullability), `@id` / `@@id` is
//! the primary key, `@unique` / `@@unique` a unique constraint or index,
//! `@@index` an index, each relation field with `fields:` a foreign key
//! with the relation's actions or Prisma's defaults (none under
//! `relationMode = "prisma"`), and each enum a type (`@@map` or name) with
//! its values (`@map` or name). An implicit many-to-many relation (two list
//! relation fields without `fields:`) is the join table `_<RelationName>`
//! (`_AToB` by default) with columns `A` and `B` and a foreign key from
//! each to its model, keyed on (A, B) as the project's Prisma version keys
//! it: a unique index `_<name>_AB_unique` before 6.0, the primary key
//! `_<name>_AB_pkey` since. The version is the `prisma-version` option,
//! else what the lock file nearest the schema installs (pnpm, npm, yarn,
//! bun), else the range the nearest package.json gives `prisma` or
//! `@prisma/client` (a pnpm `catalog:` included); when nothing says, either
//! key is accepted. Keys, indexes and foreign keys carry their names:
//! `map:` (or an `@@index`'s `name:`), else Prisma's defaults
//! (`<table>_pkey`, `<table>_<columns>_key`, `_idx`, `_fkey`, cut to 63
//! bytes as Prisma cuts them); a key built under another name is
//! `name-mismatch`, one built otherwise (method, order, sort, operator
//! class, `INCLUDE`) `index-mismatch`. Views and `@@ignore` models are not
//! compared: their tables are neither required nor reported as extra.
//!
//! Objects Prisma cannot express never count as drift: row-level security
//! policies, extensions, functions, triggers, views, sequences, comments,
//! grants, check constraints, and partial (`WHERE`) or expression indexes.
//! Schemas whose datasource is not PostgreSQL, and schemas without any
//! migration, are not checked; a schema with syntax errors, or one Prisma's
//! validator rejects (`schema-invalid`), is reported and not compared.
//! Temporary tables, and tables created in another PostgreSQL schema than
//! `public` and the datasource's `schemas`, are not Prisma's.
//!
//! ## Why is this bad?
//!
//! When the schema and the migrations disagree, Prisma Client is generated
//! for a database that production does not have: queries fail at runtime
//! on a missing column or table, a required field meets `NULL`s, a unique
//! lookup scans the table, and the next `prisma migrate dev` produces a
//! surprise migration that tries to repair the difference, sometimes by
//! dropping data.
//!
//! ## Example
//!
//! ```prisma
//! // prisma/schema.prisma
//! model User {
//!   id    Int     @id @default(autoincrement())
//!   email String  @unique
//!   name  String?
//! }
//! ```
//!
//! ```sql
//! -- prisma/migrations/20240101000000_init/migration.sql
//! CREATE TABLE "User" (
//!     "id" SERIAL NOT NULL,
//!     "email" TEXT NOT NULL,
//!     CONSTRAINT "User_pkey" PRIMARY KEY ("id")
//! );
//! ```
//!
//! `name` was added to the schema without a migration (`missing-column`),
//! and the unique index on `email` was never created (`missing-unique`).
//!
//! ## How to fix
//!
//! Run `prisma migrate dev` to generate the missing migration, or write it
//! by hand: each finding's help shows the SQL. For objects built by
//! migrations but absent from the schema, add them to the schema
//! (`prisma db pull`) or drop them in a migration; tables managed outside
//! Prisma can be listed in `ignore-tables`.
//!
//! ## Options
//!
//! ```toml
//! [rules.schema-drift]
//! # Hand-written NN_name.sql migrations run after Prisma's migrations
//! # ("prisma-first") or before them ("handwritten-first").
//! order = "prisma-first"
//! # Tables the migrations create that the schema is not expected to have.
//! ignore-tables = ["_prisma_migrations"]
//! # The project's Prisma version, when its lock file and package.json do
//! # not say it (or say it wrong): "6", "5.22.0".
//! prisma-version = "6"
//! ```
//!
//! ## Diff mode
//!
//! In `--base` / `--staged` runs the rule also rebuilds the repository as
//! it was at the base (its schema and its migrations) and raises the drift
//! the change introduces to an error (a per-check severity in rules.toml
//! still wins); drift that already existed keeps its severity, and
//! drift-host counts it as pre-existing, so it does not fail the run. A
//! difference counts as the same when its check and message (which name
//! the table, column, enum or value) are the same. Schema syntax errors are
//! always the change's. When the base cannot be rebuilt exactly (a base
//! migration without a syntax tree), nothing is raised.
//!
//! The change's database is replayed as a deployed one runs it: the
//! migrations the base has first, in their order, then the change's new
//! ones. A new migration whose name sorts before an applied one is
//! `numbering/out-of-order`; replayed in name order it would also show as
//! drift at the applied migration, a file the change did not touch. (A
//! full scan replays in name order, as on a fresh database.) Likewise, a
//! column, foreign key or enum value an applied migration built and the
//! change removed from the schema is reported at its model or enum, where
//! the change is, rather than at the migration it cannot edit.
//!
//! ## How the replay is held to PostgreSQL
//!
//! A differential suite (`tests/cli/differential.rs`) runs the same
//! statements on a real PostgreSQL and through this replay, and compares
//! the two catalogs for everything this rule compares: tables, columns
//! (type family, nullability, whether there is a default), primary keys,
//! unique constraints and indexes (name, columns, uniqueness, partial,
//! method, sort order, operator classes, `INCLUDE`, whether a constraint
//! owns it), foreign keys (name, columns, referenced table and columns,
//! actions) and enums (values in order). Its inputs are every fixture of
//! this repository and 400 generated scripts of random but valid
//! migrations; statements PostgreSQL refuses are left out of both sides.
//! The replay names what a statement leaves unnamed as PostgreSQL does
//! (`t_a_key1` when `t_a_key` is taken, anywhere in the schema), places
//! `ADD VALUE … BEFORE`/`AFTER`, drops an index with a column its
//! `INCLUDE` or predicate uses, keeps an index `CREATE INDEX` made when
//! `DROP CONSTRAINT` names it, and drops with `CASCADE` only the foreign
//! keys that depend on the index dropped (the oldest that fits them).
//!
//! ## Limitations
//!
//! Default values are compared for literals and `now()` only; other
//! expressions by whether there is one. `drift-host verify` applies
//! the migrations to PostgreSQL and compares the real database with the
//! schema through this rule's comparison.
//!
//! What the replay does not model, and the differential suite therefore
//! does not generate:
//!
//! - Guards around statements in `DO` blocks are not evaluated: a guarded
//!   statement counts as having run, also when its guard (or an
//!   exception handler after a failure) would have skipped it.
//! - A statement PostgreSQL would refuse still counts (verify reports the
//!   failure): for instance a unique constraint whose name an index of
//!   another table already has.
//! - SQL built at run time (`EXECUTE format(...)`), `CREATE TABLE ... AS`
//!   and `LIKE` are not replayed; expression indexes are ignored.
//! - A foreign key written without referenced columns depends on the
//!   primary key even where an older unique index on the same columns
//!   fits; the replay ties every key to the oldest, so dropping that
//!   index with `CASCADE` drops the key in the replay only.
//! - Tables are known by name: two schemas with a table of the same name
//!   are one table (the first created).

// Public for the differential suite (tests/cli/differential.rs), which
// holds this replay to what PostgreSQL builds from the same statements.
pub mod catalog;
mod diff;
mod drift;
mod snapshot;

use drift_sdk::{Finding, Input, Metadata, Rule, Scope};
use serde::Deserialize;

use crate::snapshot::Snapshot;

/// The `schema-drift` rule.
#[derive(Debug, Default)]
pub struct SchemaDrift;

/// The order of hand-written and Prisma migrations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationOrder {
    #[default]
    PrismaFirst,
    HandwrittenFirst,
}

/// Options from the rule's table in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    pub order: MigrationOrder,
    pub ignore_tables: Vec<String>,
    /// The project's Prisma version (`"6"`, `"5.22.0"`), when its lock file
    /// and package.json do not say or say it wrong.
    pub prisma_version: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            order: MigrationOrder::PrismaFirst,
            ignore_tables: vec!["_prisma_migrations".to_owned()],
            prisma_version: None,
        }
    }
}

drift_sdk::checks! {
    /// Every check of the rule, in the order of its page.
    pub enum Check {
        /// The schema has a syntax error, so it is not compared.
        SchemaSyntax = ("schema-syntax", Error, "the schema has a syntax error"),
        /// The schema parses but Prisma's validator rejects it, so it is not
        /// compared: an attribute or relation names a field the model does
        /// not have, a relation field has no opposite field on the other
        /// model, a field's type is neither built in nor defined, a block
        /// or a model's field is defined twice, an enum field's default is
        /// not a value of the enum, or a model (not a view, not `@@ignore`)
        /// has no `@id`, `@@id`, `@unique` or `@@unique` of required fields.
        SchemaInvalid = ("schema-invalid", Error, "Prisma's validator rejects the schema"),
        /// A model's table is not created by any migration.
        MissingTable = ("missing-table", Error, "a model's table is not created by any migration"),
        /// A model's or enum's `@@schema` names another PostgreSQL schema than
        /// the one the migrations create its table or type in (an
        /// unqualified one counts as in `public` where the datasource's
        /// `schemas` list `public`, else is not judged: the connection's
        /// search path decides). Prisma Client looks for it where
        /// `@@schema` says; the next `prisma migrate dev` drops it and
        /// creates it there.
        DbSchemaMismatch = ("db-schema-mismatch", Error, "a table or enum type is in another PostgreSQL schema than its @@schema"),
        /// A field's column is not created by any migration.
        MissingColumn = ("missing-column", Error, "a field's column is not created by any migration"),
        /// The migrations create a table no model maps to.
        ExtraTable = ("extra-table", Warning, "the migrations create a table no model maps to"),
        /// The migrations create a column the model does not have.
        ExtraColumn = ("extra-column", Warning, "the migrations create a column the model does not have"),
        /// A field is required but its column nullable, or optional but its column
        /// `NOT NULL`.
        NullabilityMismatch = ("nullability-mismatch", Error, "a column's nullability differs from the field's"),
        /// A column's type is of another family than the field's (`String`, `Int`,
        /// `BigInt`, `Boolean`, `DateTime`, `Json`, `Float`, `Decimal`, `Bytes`, or
        /// an enum).
        ColumnTypeMismatch = ("column-type-mismatch", Warning, "a column's type family differs from the field's"),
        /// A column's type is of the field's family but not the native type
        /// Prisma builds for the field: its `@db.*` attribute, else the
        /// scalar's default (`String` is `text`, `DateTime` is `timestamp(3)`,
        /// `Decimal` is `decimal(65,30)`, `Float` is `double precision`).
        /// Types PostgreSQL spells two ways are one (`int4` and `integer`;
        /// `timestamp` and `timestamp(6)`), and so are array and element
        /// modifiers. The next `prisma migrate dev` changes the column's type.
        NativeTypeMismatch = ("native-type-mismatch", Warning, "a column's native type differs from the field's"),
        /// The model's `@id` / `@@id` is not the table's primary key.
        MissingPrimaryKey = ("missing-primary-key", Error, "the model's primary key is not the table's"),
        /// A `@unique` / `@@unique` has no unique constraint or index on its
        /// columns.
        MissingUnique = ("missing-unique", Error, "a unique constraint is not created by any migration"),
        /// An `@@index` has no index on its columns.
        MissingIndex = ("missing-index", Warning, "an index is not created by any migration"),
        /// An enum's type is not created by any migration.
        MissingEnum = ("missing-enum", Error, "an enum type is not created by any migration"),
        /// An enum value is not added by any migration.
        EnumValueMissing = ("enum-value-missing", Error, "an enum value is not added by any migration"),
        /// The migrations give an enum a value the schema does not list.
        ExtraEnumValue = ("extra-enum-value", Warning, "the migrations add an enum value the schema does not list"),
        /// A relation's foreign key (its columns, the referenced table and
        /// columns) is not created by any migration. Not under
        /// `relationMode = "prisma"`, where Prisma emulates relations.
        MissingForeignKey = ("missing-foreign-key", Warning, "a relation's foreign key is not created by any migration"),
        /// A foreign key's `ON DELETE` / `ON UPDATE` differ from the
        /// relation's `onDelete` / `onUpdate`, or from Prisma's defaults
        /// when the schema writes none (`Restrict` when a field of the key is
        /// required, else `SetNull`; `Cascade` on update).
        ForeignKeyActionMismatch = ("foreign-key-action-mismatch", Warning, "a foreign key's ON DELETE/ON UPDATE differ from the relation's"),
        /// The migrations create a foreign key on a model's table that no
        /// relation of the schema declares.
        ExtraForeignKey = ("extra-foreign-key", Warning, "the migrations create a foreign key no relation declares"),
        /// A column has a database default the field does not (an
        /// `@updatedAt` field, whose value Prisma Client sets, has none),
        /// lacks one the field's `@default` gives it, or has another value:
        /// literals of string, number, boolean and enum fields and `now()`
        /// are compared as Prisma's engine compares them (`'x'::text` is
        /// `"x"`, `1.50` is `1.5`, `CURRENT_TIMESTAMP` is `now()`); other
        /// expressions (`dbgenerated(…)`, JSON, lists) by presence only.
        /// `@default(dbgenerated())` without an expression accepts either.
        DefaultMismatch = ("default-mismatch", Warning, "a column's default is missing, extra, or another value than the field's"),
        /// The migrations create an index or unique constraint on a model's
        /// table that no `@id`, `@unique`, `@@unique` or `@@index` accounts
        /// for (no key on the same columns, whatever its kind): the next
        /// `prisma migrate dev` drops it. Reported at the model, where
        /// declaring it goes; partial and expression indexes are left out.
        ExtraIndex = ("extra-index", Warning, "the migrations create an index the schema does not declare"),
        /// A primary key, unique constraint, index or foreign key the schema
        /// declares is built on the right columns, but under another name
        /// than the schema's: its `map:` (or an `@@index`'s `name:`), else Prisma's default
        /// (`<table>_pkey`, `<table>_<columns>_key`, `_idx`, `_fkey`, cut to
        /// PostgreSQL's 63 bytes as Prisma cuts them). The next `prisma
        /// migrate dev` renames it. Reported at the attribute or relation.
        NameMismatch = ("name-mismatch", Warning, "a key or index is built under another name than the schema's"),
        /// An `@@index`, `@unique` or `@@unique` is built on the right
        /// columns but otherwise than Prisma builds it: the columns in
        /// another order, another method (`type:`), sort order (`sort:`) or
        /// operator class (`ops:`, where the class is not the type's
        /// default), `INCLUDE` columns, or a unique index standing in for
        /// an `@@index`. The next `prisma migrate dev` drops the index and
        /// creates the schema's. Reported at the attribute.
        IndexMismatch = ("index-mismatch", Warning, "an index is built otherwise than the schema declares it"),
    }
}

impl Rule for SchemaDrift {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new(
            "schema-drift",
            "The database the migrations build matches schema.prisma",
        )
        .scope(Scope::Repository)
        .sql(true)
        // Prisma configs may put the migrations folder under any name.
        // `migration_lock.toml` marks a migrations folder of another name.
        .include([
            "**/*.prisma",
            "**/migrations/**",
            "**/*.sql",
            "**/migration_lock.toml",
        ])
        .include(drift_sdk::prisma_config::GLOBS.iter().copied())
        .include(drift_sdk::prisma_version::GLOBS.iter().copied())
        // A lock file or workspace that never names Prisma says nothing
        // about its version.
        .filter(drift_sdk::TextFilter::new(
            drift_sdk::prisma_version::GLOBS.iter().copied(),
            ["prisma"],
        ))
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let current = Snapshot::current(input);
        if !input.has_base() {
            let now = drift::analyze(&current, options, false, None).unwrap_or_default();
            return now.into_iter().map(|d| d.finding).collect();
        }
        let deployed: rustc_hash::FxHashSet<&str> = input.base_paths.iter().collect();
        let now = drift::analyze(&current, options, false, Some(&deployed)).unwrap_or_default();
        // When the base cannot be rebuilt exactly, report everything.
        match drift::analyze(&Snapshot::base(input), options, true, None) {
            Some(before) => diff::introduced(now, &before),
            None => now.into_iter().map(|d| d.finding).collect(),
        }
    }
}

drift_sdk::register_rule!(SchemaDrift);

#[cfg(test)]
mod tests;
