//! The differences between a database as built and what the schema says
//! Prisma would build: each one a [`Drift`] kind (its check id, shared by
//! schema-drift and verify), where to report it, a message and the SQL or
//! schema change that fixes it.

use rustc_hash::FxHashSet;

use super::expected::{self, Expectation};
use super::model::{self, Database};
use crate::Span;
use crate::prisma::IndexKind;

/// The kinds of drift, by check id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Drift {
    MissingTable,
    MissingColumn,
    ExtraTable,
    ExtraColumn,
    NullabilityMismatch,
    ColumnTypeMismatch,
    MissingPrimaryKey,
    MissingUnique,
    MissingIndex,
    MissingEnum,
    EnumValueMissing,
    ExtraEnumValue,
    MissingForeignKey,
    ForeignKeyActionMismatch,
    ExtraForeignKey,
    DefaultMismatch,
    ExtraIndex,
    NameMismatch,
    IndexMismatch,
    NativeTypeMismatch,
    DbSchemaMismatch,
}

impl Drift {
    /// Every kind, in the order of the checks' documentation.
    pub const ALL: [Self; 21] = [
        Self::MissingTable,
        Self::DbSchemaMismatch,
        Self::MissingColumn,
        Self::ExtraTable,
        Self::ExtraColumn,
        Self::NullabilityMismatch,
        Self::ColumnTypeMismatch,
        Self::NativeTypeMismatch,
        Self::MissingPrimaryKey,
        Self::MissingUnique,
        Self::MissingIndex,
        Self::MissingEnum,
        Self::EnumValueMissing,
        Self::ExtraEnumValue,
        Self::MissingForeignKey,
        Self::ForeignKeyActionMismatch,
        Self::ExtraForeignKey,
        Self::DefaultMismatch,
        Self::ExtraIndex,
        Self::NameMismatch,
        Self::IndexMismatch,
    ];

    /// The check id both schema-drift and verify report it under.
    pub fn id(self) -> &'static str {
        match self {
            Self::MissingTable => "missing-table",
            Self::MissingColumn => "missing-column",
            Self::ExtraTable => "extra-table",
            Self::ExtraColumn => "extra-column",
            Self::NullabilityMismatch => "nullability-mismatch",
            Self::ColumnTypeMismatch => "column-type-mismatch",
            Self::MissingPrimaryKey => "missing-primary-key",
            Self::MissingUnique => "missing-unique",
            Self::MissingIndex => "missing-index",
            Self::MissingEnum => "missing-enum",
            Self::EnumValueMissing => "enum-value-missing",
            Self::ExtraEnumValue => "extra-enum-value",
            Self::MissingForeignKey => "missing-foreign-key",
            Self::ForeignKeyActionMismatch => "foreign-key-action-mismatch",
            Self::ExtraForeignKey => "extra-foreign-key",
            Self::DefaultMismatch => "default-mismatch",
            Self::ExtraIndex => "extra-index",
            Self::NameMismatch => "name-mismatch",
            Self::IndexMismatch => "index-mismatch",
            Self::NativeTypeMismatch => "native-type-mismatch",
            Self::DbSchemaMismatch => "db-schema-mismatch",
        }
    }
}

/// Where a difference is reported: at the schema, where the fix of
/// something missing goes, or at the origin of what the database has
/// beyond the schema.
#[derive(Debug, Clone, Copy)]
pub enum At<'a, O> {
    Schema { path: &'a str, span: Span },
    Built(&'a O),
}

/// One difference.
#[derive(Debug, Clone)]
pub struct Difference<'a, O> {
    pub drift: Drift,
    pub at: At<'a, O>,
    /// The name of the object it is about, as SQL names it (the table,
    /// column or enum value).
    pub subject: &'a str,
    pub message: String,
    pub help: String,
    /// For what the database has beyond the schema (reported at the
    /// migration that built it): where the schema declares its owner, the
    /// model or enum. A diff run whose change made it extra (a field or
    /// relation removed) reports it there, not at a migration the change
    /// cannot edit.
    pub owner: Option<(&'a str, Span)>,
}

impl<'a, O> Difference<'a, O> {
    fn new(
        drift: Drift,
        at: At<'a, O>,
        subject: &'a str,
        message: String,
        help: impl Into<String>,
    ) -> Self {
        Self {
            drift,
            at,
            subject,
            message,
            help: help.into(),
            owner: None,
        }
    }

    fn owned_by(mut self, path: &'a str, span: Span) -> Self {
        self.owner = Some((path, span));
        self
    }
}

/// Prisma's type family of a normalised PostgreSQL type, or `enum:<name>`
/// for one of `enums`; `None` for types outside the compared families.
pub fn sql_family(ty: &str, enums: &[&str]) -> Option<String> {
    let family = match ty {
        "text" | "varchar" | "character varying" | "char" | "character" | "bpchar" => "String",
        "int" | "integer" | "int4" | "serial" | "serial4" => "Int",
        "bigint" | "int8" | "bigserial" | "serial8" => "BigInt",
        "boolean" | "bool" => "Boolean",
        "timestamp"
        | "timestamp without time zone"
        | "timestamptz"
        | "timestamp with time zone" => "DateTime",
        "json" | "jsonb" => "Json",
        "double precision" | "float8" => "Float",
        "numeric" | "decimal" => "Decimal",
        "bytea" => "Bytes",
        _ if enums.contains(&ty) => return Some(format!("enum:{ty}")),
        _ => return None,
    };
    Some(family.to_owned())
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|c| b.contains(c))
}

/// The differences between `db` and `expectation`: missing tables with
/// their columns and keys, extra tables, then enums, each in the order of
/// the schema or of the database.
pub fn compare<'a, O>(expectation: &'a Expectation, db: &'a Database<O>) -> Vec<Difference<'a, O>> {
    let mut out = Vec::new();
    let enum_names: Vec<&str> = db.enums.iter().map(|e| e.name.as_str()).collect();
    for table in &expectation.tables {
        let Some(actual) = db.table(&table.name) else {
            let message = if table.join {
                format!(
                    "join table `{}` of an implicit many-to-many relation is not created by any migration",
                    table.name
                )
            } else {
                format!(
                    "table `{}` is in the schema but no migration creates it",
                    table.name
                )
            };
            out.push(Difference::new(
                Drift::MissingTable,
                schema_at(&table.path, table.span),
                &table.name,
                message,
                format!(
                    "add a migration (`prisma migrate dev`), e.g.:\n{}",
                    create_table_sql(table)
                ),
            ));
            continue;
        };
        out.extend(misplaced(
            ("table", "TABLE"),
            &table.name,
            table.schema.as_deref(),
            actual.schema.as_deref(),
            &expectation.db_schemas,
            schema_at(&table.path, table.span),
        ));
        compare_columns(table, actual, &enum_names, db.defaults, &mut out);
        compare_keys(table, actual, &mut out);
        extra_indexes(table, actual, &mut out);
        if db.foreign_keys {
            compare_foreign_keys(table, actual, db, &mut out);
        }
    }
    let modelled: FxHashSet<&str> = expectation.tables.iter().map(|t| t.name.as_str()).collect();
    for actual in db.tables() {
        // Tables in other PostgreSQL schemas than the datasource's are
        // not Prisma's.
        let foreign = actual
            .schema
            .as_ref()
            .is_some_and(|s| s != "public" && !expectation.db_schemas.contains(s));
        if foreign
            || modelled.contains(actual.name.as_str())
            || expectation.ignore_tables.contains(&actual.name)
            || crate::prisma_config::names_match(
                &expectation.external_tables,
                actual.schema.as_deref(),
                &actual.name,
            )
        {
            continue;
        }
        out.push(Difference::new(
            Drift::ExtraTable,
            At::Built(&actual.origin),
            &actual.name,
            format!(
                "the migrations create table `{}`, which no model of the schema maps to",
                actual.name
            ),
            "add the model to the schema (`prisma db pull`), drop the table in a migration, or list it in the `ignore-tables` option",
        ));
    }
    for e in &expectation.enums {
        let Some(actual) = db.find_enum(&e.name) else {
            let values: Vec<String> = e.values.iter().map(|v| format!("'{}'", v.name)).collect();
            out.push(Difference::new(
                Drift::MissingEnum,
                schema_at(&e.path, e.span),
                &e.name,
                format!(
                    "enum type `{}` is in the schema but no migration creates it",
                    e.name
                ),
                format!(
                    "CREATE TYPE \"{}\" AS ENUM ({});",
                    e.name,
                    values.join(", ")
                ),
            ));
            continue;
        };
        out.extend(misplaced(
            ("enum type", "TYPE"),
            &e.name,
            e.schema.as_deref(),
            actual.schema.as_deref(),
            &expectation.db_schemas,
            schema_at(&e.path, e.span),
        ));
        for value in &e.values {
            if !actual.values.iter().any(|v| v.name == value.name) {
                out.push(Difference::new(
                    Drift::EnumValueMissing,
                    schema_at(&e.path, value.span),
                    &value.name,
                    format!(
                        "enum value `{}` of `{}` is in the schema but no migration adds it",
                        value.name, e.name
                    ),
                    format!("ALTER TYPE \"{}\" ADD VALUE '{}';", e.name, value.name),
                ));
            }
        }
        for value in &actual.values {
            if !e.values.iter().any(|v| v.name == value.name) {
                out.push(Difference::new(
                    Drift::ExtraEnumValue,
                    At::Built(&value.origin),
                    &value.name,
                    format!(
                        "the migrations give enum `{}` the value `{}`, which the schema does not list",
                        e.name, value.name
                    ),
                    "add the value to the enum in the schema, or remove it in a migration",
                )
                .owned_by(&e.path, e.span));
            }
        }
    }
    out
}

/// `"a", "b"`: column names as SQL quotes them, for messages and help.
fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn schema_at<O>(path: &str, span: Span) -> At<'_, O> {
    At::Schema { path, span }
}

fn compare_columns<'a, O>(
    table: &'a expected::Table,
    actual: &'a model::Table<O>,
    enum_names: &[&str],
    defaults: bool,
    out: &mut Vec<Difference<'a, O>>,
) {
    for column in &table.columns {
        let Some(found) = actual.column(&column.name) else {
            let not_null = if column.nullable == Some(false) {
                " NOT NULL"
            } else {
                ""
            };
            let array = if column.array { "[]" } else { "" };
            let default = column
                .default
                .as_ref()
                .map(|d| format!(" DEFAULT {d}"))
                .unwrap_or_default();
            out.push(Difference::new(
                Drift::MissingColumn,
                schema_at(&column.path, column.span),
                &column.name,
                format!(
                    "column `{}`.`{}` is in the schema but no migration creates it",
                    table.name, column.name
                ),
                format!(
                    "ALTER TABLE \"{}\" ADD COLUMN \"{}\" {}{array}{not_null}{default};",
                    table.name, column.name, column.sql_type
                ),
            ));
            continue;
        };
        if let Some(nullable) = column.nullable
            && nullable != found.nullable
        {
            let (said, built, fix) = if nullable {
                ("optional", "NOT NULL", "DROP NOT NULL")
            } else {
                ("required", "nullable", "SET NOT NULL")
            };
            out.push(Difference::new(
                Drift::NullabilityMismatch,
                schema_at(&column.path, column.span),
                &column.name,
                format!(
                    "`{}`.`{}` is {said} in the schema but {built} in the database the migrations build",
                    table.name, column.name
                ),
                format!(
                    "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" {fix};",
                    table.name, column.name
                ),
            ));
        }
        if defaults
            && let Some(want) = column.has_default
            && want != found.has_default
        {
            let (message, help) = if want {
                (
                    format!(
                        "`{}`.`{}` has a default in the schema but none in the database",
                        table.name, column.name
                    ),
                    match &column.default {
                        Some(default) => format!(
                            "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" SET DEFAULT {default};",
                            table.name, column.name
                        ),
                        None => "add the column's default (a sequence for `autoincrement()`) in a migration".to_owned(),
                    },
                )
            } else {
                (
                    format!(
                        "`{}`.`{}` has no database default in the schema but the database gives it one",
                        table.name, column.name
                    ),
                    format!(
                        "write it in the schema (`@default(dbgenerated(\"…\"))`, `@default(autoincrement())`), or drop it: ALTER TABLE \"{}\" ALTER COLUMN \"{}\" DROP DEFAULT;",
                        table.name, column.name
                    ),
                )
            };
            out.push(Difference::new(
                Drift::DefaultMismatch,
                schema_at(&column.path, column.span),
                &column.name,
                message,
                help,
            ));
        } else if defaults
            && found.has_default
            && let (Some(want), Some(family)) = (&column.default_value, &column.family)
            && let Some(have) = found
                .default
                .as_deref()
                .and_then(model::DefaultValue::of_sql)
            && want.canonical(family) != have.canonical(family)
        {
            let (want, have) = (want.canonical(family), have.canonical(family));
            out.push(Difference::new(
                Drift::DefaultMismatch,
                schema_at(&column.path, column.span),
                &column.name,
                format!(
                    "`{}`.`{}` defaults to {} in the schema but to {} in the database",
                    table.name,
                    column.name,
                    want.sql(family),
                    have.sql(family)
                ),
                format!(
                    "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" SET DEFAULT {};",
                    table.name,
                    column.name,
                    want.sql(family)
                ),
            ));
        }
        let family_differs = matches!(
            (&column.family, sql_family(&found.ty, enum_names)),
            (Some(want), Some(have)) if *want != have || column.array != found.array
        );
        if !family_differs
            && column.array == found.array
            && let Some(difference) = native_difference(table, column, found)
        {
            out.push(difference);
        }
        if let (Some(want), Some(have)) = (&column.family, sql_family(&found.ty, enum_names))
            && (*want != have || column.array != found.array)
        {
            let array = |a: bool| if a { "[]" } else { "" };
            out.push(Difference::new(
                Drift::ColumnTypeMismatch,
                schema_at(&column.path, column.span),
                &column.name,
                format!(
                    "`{}`.`{}` is {}{} in the schema but the migrations make it `{}{}`",
                    table.name,
                    column.name,
                    want.trim_start_matches("enum:"),
                    array(column.array),
                    found.ty,
                    array(found.array)
                ),
                format!(
                    "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" SET DATA TYPE {}{};",
                    table.name,
                    column.name,
                    column.sql_type,
                    array(column.array)
                ),
            ));
        }
    }
    for found in &actual.columns {
        if !table.columns.iter().any(|c| c.name == found.name) {
            out.push(Difference::new(
                Drift::ExtraColumn,
                At::Built(&found.origin),
                &found.name,
                format!(
                    "the migrations create column `{}`.`{}`, which the schema does not have",
                    table.name, found.name
                ),
                format!(
                    "add the field to the model (`prisma db pull`), or drop the column: ALTER TABLE \"{}\" DROP COLUMN \"{}\";",
                    table.name, found.name
                ),
            )
                .owned_by(&table.path, table.span));
        }
    }
}

/// A table or enum type (`what`: its name in messages and in `ALTER …`)
/// built in another PostgreSQL schema than its `@@schema` says (`want`).
/// An unqualified one is taken to be in `public` only where the
/// datasource's `schemas` list `public`: the search path migrations run
/// with is the connection URL's, which the schema does not say.
fn misplaced<'a, O>(
    (what, keyword): (&str, &str),
    name: &'a str,
    want: Option<&str>,
    built: Option<&str>,
    db_schemas: &[String],
    at: At<'a, O>,
) -> Option<Difference<'a, O>> {
    let public = db_schemas.is_empty() || db_schemas.iter().any(|s| s == "public");
    let built = built.or(public.then_some("public"))?;
    let want = want.filter(|want| *want != built)?;
    Some(Difference::new(
        Drift::DbSchemaMismatch,
        at,
        name,
        format!(
            "{what} `{name}` belongs in PostgreSQL schema `{want}` (`@@schema`), but the migrations create it in `{built}`"
        ),
        format!(
            "move it in a migration: ALTER {keyword} \"{built}\".\"{name}\" SET SCHEMA \"{want}\";"
        ),
    ))
}

/// A column whose type is of the field's family but not the native type
/// Prisma gives the field (its `@db.*`, else the scalar's default:
/// `text`, `integer`, `timestamp(3)`, `decimal(65,30)`, ...), as Prisma's
/// engine tells types apart.
fn native_difference<'a, O>(
    table: &'a expected::Table,
    column: &'a expected::Column,
    found: &model::Column<O>,
) -> Option<Difference<'a, O>> {
    let want = model::native_type(
        &model::normalize_type(&column.sql_type).0,
        &model::type_args(&column.sql_type),
    )?;
    let have = model::native_type(&found.ty, &found.args)?;
    if want == have {
        return None;
    }
    let array = if column.array { "[]" } else { "" };
    // The `@db.*` that declares the database's type, where the field's
    // scalar type takes it.
    let declare = (scalar_of(want.0) == scalar_of(have.0))
        .then(|| prisma_native(&have))
        .flatten()
        .map(|db| format!("declare the database's type in the schema (`{db}`), or "))
        .unwrap_or_default();
    Some(Difference::new(
        Drift::NativeTypeMismatch,
        schema_at(&column.path, column.span),
        &column.name,
        format!(
            "`{}`.`{}` is `{}{array}` in the schema but the migrations make it `{}{array}`",
            table.name,
            column.name,
            model::native_sql(&want),
            model::native_sql(&have)
        ),
        format!(
            "{declare}change the column in a migration: ALTER TABLE \"{}\" ALTER COLUMN \"{}\" SET DATA TYPE {}{array};",
            table.name,
            column.name,
            match column.sql_type.as_str() {
                "SERIAL" => "INTEGER",
                "BIGSERIAL" => "BIGINT",
                other => other,
            }
        ),
    ))
}

/// The Prisma scalar type a native type belongs to.
fn scalar_of(native: &str) -> &'static str {
    match native {
        "integer" | "smallint" | "oid" => "Int",
        "bigint" => "BigInt",
        "double precision" | "real" => "Float",
        "decimal" | "money" => "Decimal",
        "boolean" => "Boolean",
        "timestamp" | "timestamptz" | "time" | "timetz" | "date" => "DateTime",
        "json" | "jsonb" => "Json",
        "bytea" => "Bytes",
        _ => "String",
    }
}

/// The `@db.*` attribute of a native type.
fn prisma_native((name, args): &(&str, Vec<u32>)) -> Option<String> {
    let attribute = match *name {
        "text" => "Text",
        "varchar" => "VarChar",
        "char" => "Char",
        "integer" => "Integer",
        "smallint" => "SmallInt",
        "bigint" => "BigInt",
        "double precision" => "DoublePrecision",
        "real" => "Real",
        "decimal" => "Decimal",
        "boolean" => "Boolean",
        "timestamp" => "Timestamp",
        "timestamptz" => "Timestamptz",
        "time" => "Time",
        "timetz" => "Timetz",
        "date" => "Date",
        "json" => "Json",
        "jsonb" => "JsonB",
        "bytea" => "ByteA",
        "uuid" => "Uuid",
        "xml" => "Xml",
        "inet" => "Inet",
        "citext" => "Citext",
        "money" => "Money",
        "oid" => "Oid",
        _ => return None,
    };
    let args: Vec<String> = args.iter().map(u32::to_string).collect();
    Some(if args.is_empty() {
        format!("@db.{attribute}")
    } else {
        format!("@db.{attribute}({})", args.join(", "))
    })
}

fn compare_keys<'a, O>(
    table: &'a expected::Table,
    actual: &model::Table<O>,
    out: &mut Vec<Difference<'a, O>>,
) {
    for key in &table.keys {
        let list = quoted(&key.columns);
        let at = schema_at(&table.path, key.span);
        match key.kind {
            IndexKind::Primary => {
                if let Some(pk) = actual.primary_key()
                    && same_set(&pk.columns, &key.columns)
                {
                    out.extend(misnamed(table, key, [pk]));
                    continue;
                }
                let unique_instead = actual.indexes.iter().find(|i| {
                    table.join && i.unique && !i.primary && same_set(&i.columns, &key.columns)
                });
                if let Some(unique) = unique_instead {
                    let want = key.name.as_deref().unwrap_or("_AB_pkey");
                    out.push(Difference::new(
                        Drift::MissingPrimaryKey,
                        at,
                        &table.name,
                        format!(
                            "join table `{}` is keyed by the unique index `{}`, but the project's Prisma (6 or later) keys an implicit many-to-many table by the primary key `{want}`",
                            table.name, unique.name
                        ),
                        format!(
                            "write the migration Prisma 6 writes for it: ALTER TABLE \"{}\" ADD CONSTRAINT \"{want}\" PRIMARY KEY ({list}); DROP INDEX \"{}\"; (or set schema-drift's `prisma-version` if the project is not on Prisma 6)",
                            table.name, unique.name
                        ),
                    ));
                    continue;
                }
                out.push(Difference::new(
                    Drift::MissingPrimaryKey,
                    at,
                    &table.name,
                    format!(
                        "the schema's primary key ({list}) of `{}` is not the primary key the migrations build",
                        table.name
                    ),
                    format!(
                        "ALTER TABLE \"{}\" ADD CONSTRAINT \"{}_pkey\" PRIMARY KEY ({list});",
                        table.name, table.name
                    ),
                ));
            }
            IndexKind::Unique => {
                let found: Vec<_> = actual
                    .indexes
                    .iter()
                    .filter(|i| {
                        i.unique && i.partial == key.partial && same_set(&i.columns, &key.columns)
                    })
                    .collect();
                // A join table keyed as Prisma 6 keys it, in a project on an
                // earlier Prisma (the key's name says the version is known).
                if table.join
                    && let Some(want) = key.name.as_deref()
                    && let Some(pk) = found.iter().find(|i| i.primary)
                    && !found.iter().any(|i| !i.primary)
                {
                    out.push(Difference::new(
                        Drift::MissingUnique,
                        at,
                        &table.name,
                        format!(
                            "join table `{}` is keyed by the primary key `{}`, but the project's Prisma (before 6) keys an implicit many-to-many table by the unique index `{want}`",
                            table.name, pk.name
                        ),
                        format!(
                            "set schema-drift's `prisma-version` if the project is on Prisma 6, else write what Prisma 5 writes: ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\"; CREATE UNIQUE INDEX \"{want}\" ON \"{}\"({list});",
                            table.name, pk.name, table.name
                        ),
                    ));
                    continue;
                }
                if !found.is_empty() {
                    out.extend(shaped(table, key, found));
                    continue;
                }
                out.push(Difference::new(
                    Drift::MissingUnique,
                    at,
                    &table.name,
                    format!(
                        "the unique constraint on ({list}) of `{}` is not created by any migration",
                        table.name
                    ),
                    format!(
                        "CREATE UNIQUE INDEX \"{}_{}_key\" ON \"{}\"({list});",
                        table.name,
                        key.columns.join("_"),
                        table.name
                    ),
                ));
            }
            IndexKind::Normal => {
                let found: Vec<_> = actual
                    .indexes
                    .iter()
                    .filter(|i| i.partial == key.partial && same_set(&i.columns, &key.columns))
                    .collect();
                let plain: Vec<_> = found.iter().copied().filter(|i| !i.unique).collect();
                if !plain.is_empty() {
                    out.extend(shaped(table, key, plain));
                    continue;
                }
                // A unique index standing in for an `@@index`: Prisma
                // replaces it.
                if let Some(unique) = found.first() {
                    out.push(reshape(
                        table,
                        key,
                        unique,
                        "it is a unique index".to_owned(),
                    ));
                    continue;
                }
                out.push(Difference::new(
                    Drift::MissingIndex,
                    at,
                    &table.name,
                    format!(
                        "the index on ({list}) of `{}` is not created by any migration",
                        table.name
                    ),
                    format!(
                        "CREATE INDEX \"{}_{}_idx\" ON \"{}\"({list});",
                        table.name,
                        key.columns.join("_"),
                        table.name
                    ),
                ));
            }
            IndexKind::Fulltext => {}
        }
    }
}

/// The schema's `key` against the indexes of the database on the same
/// columns (`found`, not empty): one built as the schema says is the key
/// (under another name: a name-only difference); else the first is built
/// otherwise.
fn shaped<'a, O>(
    table: &'a expected::Table,
    key: &'a expected::Key,
    found: Vec<&model::Index>,
) -> Option<Difference<'a, O>> {
    let alike: Vec<&model::Index> = found
        .iter()
        .copied()
        .filter(|i| unlike(key, i).is_none())
        .collect();
    if alike.is_empty() {
        let first = found
            .iter()
            .find(|i| Some(&i.name) == key.name.as_ref())
            .unwrap_or(&found[0]);
        return unlike(key, first).map(|why| reshape(table, key, first, why));
    }
    misnamed(table, key, alike)
}

/// How `index` is built otherwise than the schema's `key` says, the way
/// Prisma compares indexes: column order, method (`type:`), sort order
/// (`sort:`), operator classes (`ops:`; classes that are a type's default
/// are not told apart from none), and `INCLUDE`. `None` when alike, or
/// when either side's shape is not known.
fn unlike(key: &expected::Key, index: &model::Index) -> Option<String> {
    let (Some(want), Some(built)) = (&key.shape, &index.shape) else {
        return None;
    };
    if index.columns != key.columns {
        return Some(format!(
            "its columns are in the order ({}) where the schema has ({})",
            quoted(&index.columns),
            quoted(&key.columns)
        ));
    }
    if built.method != want.method {
        return Some(format!(
            "it is a `{}` index where the schema declares `{}`",
            built.method, want.method
        ));
    }
    let order = |desc: bool| if desc { "descending" } else { "ascending" };
    for ((column, (built_desc, built_class)), (want_desc, want_class)) in
        index.columns.iter().zip(&built.keys).zip(&want.keys)
    {
        if built_desc != want_desc {
            return Some(format!(
                "`{column}` is sorted {} where the schema sorts it {}",
                order(*built_desc),
                order(*want_desc)
            ));
        }
        let (built_class, want_class) = (significant(built_class), significant(want_class));
        if built_class != want_class {
            return Some(format!(
                "`{column}` has the operator class {} where the schema declares {}",
                built_class.map_or("of its type".to_owned(), |c| format!("`{c}`")),
                want_class.map_or("none".to_owned(), |c| format!("`{c}`"))
            ));
        }
    }
    built
        .include
        .then(|| "it has `INCLUDE` columns, which a Prisma schema cannot declare".to_owned())
}

/// An operator class that is no type's default (`text_pattern_ops`,
/// `gin_trgm_ops`, `jsonb_path_ops`, pgvector's), where writing it or not
/// builds a different index; default classes (`array_ops`, `jsonb_ops`,
/// `int4_ops`) are the same as none.
pub fn significant(class: &Option<String>) -> Option<&str> {
    const MARKS: [&str; 12] = [
        "pattern", "trgm", "path", "bloom", "multi", "vector", "bigm", "cosine", "l1_ops",
        "l2_ops", "hamming", "jaccard",
    ];
    class
        .as_deref()
        .filter(|c| MARKS.iter().any(|m| c.contains(m)) || c.ends_with("ip_ops"))
}

/// The schema's `key` is built as `index`, otherwise (`why`): the next
/// `prisma migrate dev` drops it and creates the schema's.
fn reshape<'a, O>(
    table: &'a expected::Table,
    key: &'a expected::Key,
    index: &model::Index,
    why: String,
) -> Difference<'a, O> {
    Difference::new(
        Drift::IndexMismatch,
        schema_at(&table.path, key.span),
        &table.name,
        format!(
            "the index `{}` of `{}` is not built as the schema declares it: {why}",
            index.name, table.name
        ),
        if index.shape.as_ref().is_some_and(|shape| shape.include) {
            // Nothing in the schema can say it: the choice is the index or
            // Prisma's migrations.
            format!(
                "the next `prisma migrate dev` drops it and creates it without `INCLUDE`; to keep it, delete those statements from each generated migration and mark the attribute `// drift-ignore schema-drift/index-mismatch: <why INCLUDE>`, or drop it in a migration (DROP INDEX \"{}\";) and let Prisma create the schema's",
                index.name
            )
        } else {
            format!(
                "the next `prisma migrate dev` drops it and creates the schema's; declare it as it is built (`@@unique`, `type:`, `sort:`, `ops:`), or recreate it as declared in a migration (DROP INDEX \"{}\"; then CREATE INDEX as Prisma writes it)",
                index.name
            )
        },
    )
}

/// A name-only difference: the schema's `key` is built (`found` holds the
/// keys of the database that match it) but under none of their names, so
/// the next `prisma migrate dev` renames it.
fn misnamed<'a, 'i, O>(
    table: &'a expected::Table,
    key: &'a expected::Key,
    found: impl IntoIterator<Item = &'i model::Index>,
) -> Option<Difference<'a, O>> {
    let want = key.name.as_deref()?;
    let mut found = found.into_iter().peekable();
    let first = found.peek().copied()?;
    if found.any(|i| i.name == want) {
        return None;
    }
    let (what, rename) = match key.kind {
        IndexKind::Primary => (
            "primary key",
            format!(
                "ALTER TABLE \"{}\" RENAME CONSTRAINT \"{}\" TO \"{want}\";",
                table.name, first.name
            ),
        ),
        IndexKind::Unique => (
            "unique constraint",
            format!("ALTER INDEX \"{}\" RENAME TO \"{want}\";", first.name),
        ),
        IndexKind::Normal | IndexKind::Fulltext => (
            "index",
            format!("ALTER INDEX \"{}\" RENAME TO \"{want}\";", first.name),
        ),
    };
    Some(Difference::new(
        Drift::NameMismatch,
        schema_at(&table.path, key.span),
        want,
        format!(
            "the {what} on ({}) of `{}` is named `{}` in the database, but the schema names it `{want}`",
            quoted(&key.columns),
            table.name,
            first.name
        ),
        format!(
            "rename it in a migration: {rename} or keep the database's name with `map: \"{}\"` in the schema",
            first.name
        ),
    ))
}

/// Indexes and unique constraints of a model's table that no `@id`,
/// `@unique`, `@@unique` or `@@index` of the schema accounts for: the next
/// `prisma migrate dev` drops them. Reported at the model, where declaring
/// one goes. Only what the schema cannot match at all counts (no key on
/// the same columns, whatever its kind); partial indexes are left out, as
/// are expression indexes (the replay does not track them).
fn extra_indexes<'a, O>(
    table: &'a expected::Table,
    actual: &'a model::Table<O>,
    out: &mut Vec<Difference<'a, O>>,
) {
    for index in &actual.indexes {
        if index.primary || index.partial {
            continue;
        }
        if table
            .keys
            .iter()
            .any(|k| same_set(&k.columns, &index.columns))
        {
            continue;
        }
        let (what, declare) = if index.unique {
            ("unique index", "@@unique")
        } else {
            ("index", "@@index")
        };
        out.push(Difference::new(
            Drift::ExtraIndex,
            schema_at(&table.path, table.span),
            &index.name,
            format!(
                "the migrations create the {what} `{}` on ({}) of `{}`, which the schema does not declare",
                index.name,
                quoted(&index.columns),
                table.name
            ),
            format!(
                "declare it in the model (`{declare}([{}])`, with `type:` and `ops:` for a GIN or trigram index), or the next `prisma migrate dev` drops it; if it should go, drop it in a migration: DROP INDEX \"{}\";",
                index.columns.join(", "),
                index.name
            ),
        ));
    }
}

/// The relations' foreign keys against the table's: one on the same
/// columns referencing the same table and columns, with the same actions.
/// A key whose referenced table is missing is not reported: the missing
/// table is.
fn compare_foreign_keys<'a, O>(
    table: &'a expected::Table,
    actual: &'a model::Table<O>,
    db: &Database<O>,
    out: &mut Vec<Difference<'a, O>>,
) {
    for key in &table.foreign_keys {
        if db.table(&key.table).is_none() {
            continue;
        }
        // Of several keys alike, the one of the schema's name.
        let alike = |f: &&model::ForeignKey<O>| {
            f.columns == key.columns && f.table == key.table && f.references == key.references
        };
        let found = actual
            .foreign_keys
            .iter()
            .filter(alike)
            .find(|f| Some(&f.name) == key.name.as_ref())
            .or_else(|| actual.foreign_keys.iter().find(alike));
        let at = schema_at(&table.path, key.span);
        let Some(found) = found else {
            out.push(Difference::new(
                Drift::MissingForeignKey,
                at,
                &table.name,
                format!(
                    "the foreign key of `{}` ({}) to `{}` is not created by any migration",
                    table.name,
                    key.columns.join(", "),
                    key.table
                ),
                format!(
                    "ALTER TABLE \"{}\" ADD CONSTRAINT \"{}_{}_fkey\" FOREIGN KEY ({}) REFERENCES \"{}\"({}) ON DELETE {} ON UPDATE {};",
                    table.name,
                    table.name,
                    key.columns.join("_"),
                    quoted(&key.columns),
                    key.table,
                    quoted(&key.references),
                    key.on_delete.sql(),
                    key.on_update.sql()
                ),
            ));
            continue;
        };
        if let Some(want) = key.name.as_deref()
            && found.name != want
        {
            out.push(Difference::new(
                Drift::NameMismatch,
                schema_at(&table.path, key.span),
                want,
                format!(
                    "the foreign key of `{}` ({}) to `{}` is named `{}` in the database, but the schema names it `{want}`",
                    table.name,
                    key.columns.join(", "),
                    key.table,
                    found.name
                ),
                format!(
                    "rename it in a migration: ALTER TABLE \"{}\" RENAME CONSTRAINT \"{}\" TO \"{want}\"; or keep the database's name with `map: \"{}\"` in the relation",
                    table.name, found.name, found.name
                ),
            ));
        }
        if found.on_delete != key.on_delete || found.on_update != key.on_update {
            out.push(Difference::new(
                Drift::ForeignKeyActionMismatch,
                at,
                &found.name,
                format!(
                    "the foreign key `{}` of `{}` is `onDelete: {}, onUpdate: {}` in the schema but `{}, {}` in the database",
                    found.name,
                    table.name,
                    key.on_delete.prisma(),
                    key.on_update.prisma(),
                    found.on_delete.prisma(),
                    found.on_update.prisma()
                ),
                format!(
                    "recreate it with the schema's actions: ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\", ADD CONSTRAINT \"{}\" FOREIGN KEY ({}) REFERENCES \"{}\"({}) ON DELETE {} ON UPDATE {}; or write the database's actions in the schema's `@relation`",
                    table.name,
                    found.name,
                    found.name,
                    quoted(&key.columns),
                    key.table,
                    quoted(&key.references),
                    key.on_delete.sql(),
                    key.on_update.sql()
                ),
            ));
        }
    }
    for found in &actual.foreign_keys {
        let declared = table.foreign_keys.iter().any(|k| {
            k.columns == found.columns && k.table == found.table && k.references == found.references
        });
        if declared {
            continue;
        }
        out.push(Difference::new(
            Drift::ExtraForeignKey,
            At::Built(&found.origin),
            &found.name,
            format!(
                "the migrations create the foreign key `{}` of `{}` ({}) to `{}`, which no relation of the schema declares",
                found.name,
                table.name,
                found.columns.join(", "),
                found.table
            ),
            format!(
                "declare the relation in the schema (`prisma db pull`), or drop the constraint: ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\";",
                table.name, found.name
            ),
        )
                .owned_by(&table.path, table.span));
    }
}

/// Roughly the `CREATE TABLE` Prisma Migrate writes for `table`.
fn create_table_sql(table: &expected::Table) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let mut line = format!("    \"{}\" {}", c.name, c.sql_type);
            if c.array {
                line.push_str("[]");
            }
            if c.nullable == Some(false) {
                line.push_str(" NOT NULL");
            }
            if let Some(default) = &c.default {
                line.push_str(&format!(" DEFAULT {default}"));
            }
            line
        })
        .collect();
    if let Some(pk) = table.keys.iter().find(|k| k.kind == IndexKind::Primary) {
        lines.push(format!(
            "    CONSTRAINT \"{}_pkey\" PRIMARY KEY ({})",
            table.name,
            quoted(&pk.columns)
        ));
    }
    format!(
        "CREATE TABLE \"{}\" (\n{}\n);",
        table.name,
        lines.join(",\n")
    )
}
