//! Comparison: the catalog the migrations built against what the schema
//! says Prisma would build, as findings.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use drift_sdk::prisma::IndexKind;
use drift_sdk::{Finding, LineIndex, Span};

use crate::catalog::{self, Catalog, Origin};
use crate::expected;
use crate::snapshot::Snapshot;

/// Lines and columns of the catalog's origins, for findings: each migration
/// is indexed once, when its first finding needs it.
pub struct Positions<'s, 'a> {
    snapshot: &'s Snapshot<'a>,
    lines: RefCell<FxHashMap<Rc<str>, LineIndex>>,
}

impl<'s, 'a> Positions<'s, 'a> {
    pub fn new(snapshot: &'s Snapshot<'a>) -> Self {
        Self {
            snapshot,
            lines: RefCell::default(),
        }
    }

    fn span(&self, origin: &Origin) -> Span {
        // The replay only records origins in files it read from the
        // snapshot; a missing text would be a bug, reported at line 1.
        let Some(source) = self.snapshot.text(&origin.path) else {
            return Span::line(1, 1, 1);
        };
        let mut lines = self.lines.borrow_mut();
        let lines = lines
            .entry(Rc::clone(&origin.path))
            .or_insert_with(|| LineIndex::new(source));
        lines.span(
            source,
            origin.range.start as usize..origin.range.end as usize,
        )
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

/// The findings for one schema whose migrations built `catalog`.
pub fn compare(
    tables: &[expected::Table],
    enums: &[expected::Enum],
    catalog: &Catalog,
    positions: &Positions<'_, '_>,
    ignore_tables: &[String],
    db_schemas: &[String],
    out: &mut Vec<Finding>,
) {
    let enum_names: Vec<&str> = catalog.enums.iter().map(|e| e.name.as_str()).collect();
    for table in tables {
        let Some(actual) = catalog.table(&table.name) else {
            out.push(
                Finding::new(
                    crate::Check::MissingTable,
                    &table.path,
                    if table.join {
                        format!(
                            "join table `{}` of an implicit many-to-many relation is not created by any migration",
                            table.name
                        )
                    } else {
                        format!(
                            "table `{}` is in the schema but no migration creates it",
                            table.name
                        )
                    },
                )
                .span(table.span)
                .help(format!(
                    "add a migration (`prisma migrate dev`), e.g.:\n{}",
                    create_table_sql(table)
                )),
            );
            continue;
        };
        compare_columns(table, actual, &enum_names, positions, out);
        compare_keys(table, actual, out);
    }
    let modelled: FxHashSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    for actual in catalog.tables() {
        // Tables in other PostgreSQL schemas than the datasource's are
        // not Prisma's.
        let foreign = actual
            .schema
            .as_ref()
            .is_some_and(|s| s != "public" && !db_schemas.contains(s));
        if foreign
            || modelled.contains(actual.name.as_str())
            || ignore_tables.contains(&actual.name)
        {
            continue;
        }
        out.push(
            Finding::new(
                crate::Check::ExtraTable,
                &actual.origin.path,
                format!(
                    "the migrations create table `{}`, which no model of the schema maps to",
                    actual.name
                ),
            )
            .span(positions.span(&actual.origin))
            .help("add the model to the schema (`prisma db pull`), drop the table in a migration, or list it in the `ignore-tables` option"),
        );
    }
    for e in enums {
        let Some(actual) = catalog.find_enum(&e.name) else {
            let values: Vec<String> = e.values.iter().map(|v| format!("'{}'", v.name)).collect();
            out.push(
                Finding::new(
                    crate::Check::MissingEnum,
                    &e.path,
                    format!(
                        "enum type `{}` is in the schema but no migration creates it",
                        e.name
                    ),
                )
                .span(e.span)
                .help(format!(
                    "CREATE TYPE \"{}\" AS ENUM ({});",
                    e.name,
                    values.join(", ")
                )),
            );
            continue;
        };
        for value in &e.values {
            if !actual.values.iter().any(|v| v.name == value.name) {
                out.push(
                    Finding::new(
                        crate::Check::EnumValueMissing,
                        &e.path,
                        format!(
                            "enum value `{}` of `{}` is in the schema but no migration adds it",
                            value.name, e.name
                        ),
                    )
                    .span(value.span)
                    .help(format!(
                        "ALTER TYPE \"{}\" ADD VALUE '{}';",
                        e.name, value.name
                    )),
                );
            }
        }
        for value in &actual.values {
            if !e.values.iter().any(|v| v.name == value.name) {
                out.push(
                    Finding::new(
                        crate::Check::ExtraEnumValue,
                        &value.origin.path,
                        format!(
                            "the migrations give enum `{}` the value `{}`, which the schema does not list",
                            e.name, value.name
                        ),
                    )
                    .span(positions.span(&value.origin))
                    .help("add the value to the enum in the schema, or remove it in a migration"),
                );
            }
        }
    }
}

fn compare_columns(
    table: &expected::Table,
    actual: &catalog::Table,
    enum_names: &[&str],
    positions: &Positions<'_, '_>,
    out: &mut Vec<Finding>,
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
            out.push(
                Finding::new(
                    crate::Check::MissingColumn,
                    &column.path,
                    format!(
                        "column `{}`.`{}` is in the schema but no migration creates it",
                        table.name, column.name
                    ),
                )
                .span(column.span)
                .help(format!(
                    "ALTER TABLE \"{}\" ADD COLUMN \"{}\" {}{array}{not_null}{default};",
                    table.name, column.name, column.sql_type
                )),
            );
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
            out.push(
                Finding::new(
                    crate::Check::NullabilityMismatch,
                    &column.path,
                    format!(
                        "`{}`.`{}` is {said} in the schema but {built} in the database the migrations build",
                        table.name, column.name
                    ),
                )
                .span(column.span)
                .help(format!(
                    "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" {fix};",
                    table.name, column.name
                )),
            );
        }
        if let (Some(want), Some(have)) = (&column.family, sql_family(&found.ty, enum_names))
            && (*want != have || column.array != found.array)
        {
            let array = |a: bool| if a { "[]" } else { "" };
            out.push(
                Finding::new(
                    crate::Check::ColumnTypeMismatch,
                    &column.path,
                    format!(
                        "`{}`.`{}` is {}{} in the schema but the migrations make it `{}{}`",
                        table.name,
                        column.name,
                        want.trim_start_matches("enum:"),
                        array(column.array),
                        found.ty,
                        array(found.array)
                    ),
                )
                .span(column.span)
                .help(format!(
                    "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" SET DATA TYPE {}{};",
                    table.name,
                    column.name,
                    column.sql_type,
                    array(column.array)
                )),
            );
        }
    }
    for found in &actual.columns {
        if !table.columns.iter().any(|c| c.name == found.name) {
            out.push(
                Finding::new(
                    crate::Check::ExtraColumn,
                    &found.origin.path,
                    format!(
                        "the migrations create column `{}`.`{}`, which the schema does not have",
                        table.name, found.name
                    ),
                )
                .span(positions.span(&found.origin))
                .help(format!(
                    "add the field to the model (`prisma db pull`), or drop the column: ALTER TABLE \"{}\" DROP COLUMN \"{}\";",
                    table.name, found.name
                )),
            );
        }
    }
}

fn compare_keys(table: &expected::Table, actual: &catalog::Table, out: &mut Vec<Finding>) {
    for key in &table.keys {
        let quoted: Vec<String> = key.columns.iter().map(|c| format!("\"{c}\"")).collect();
        let list = quoted.join(", ");
        match key.kind {
            IndexKind::Primary => {
                if actual
                    .primary_key()
                    .is_some_and(|pk| same_set(&pk.columns, &key.columns))
                {
                    continue;
                }
                out.push(
                    Finding::new(
                        crate::Check::MissingPrimaryKey,
                        &table.path,
                        format!(
                            "the schema's primary key ({list}) of `{}` is not the primary key the migrations build",
                            table.name
                        ),
                    )
                    .span(key.span)
                    .help(format!(
                        "ALTER TABLE \"{}\" ADD CONSTRAINT \"{}_pkey\" PRIMARY KEY ({list});",
                        table.name, table.name
                    )),
                );
            }
            IndexKind::Unique => {
                if actual.indexes.iter().any(|i| {
                    i.unique && i.partial == key.partial && same_set(&i.columns, &key.columns)
                }) {
                    continue;
                }
                out.push(
                    Finding::new(
                        crate::Check::MissingUnique,
                        &table.path,
                        format!(
                            "the unique constraint on ({list}) of `{}` is not created by any migration",
                            table.name
                        ),
                    )
                    .span(key.span)
                    .help(format!(
                        "CREATE UNIQUE INDEX \"{}_{}_key\" ON \"{}\"({list});",
                        table.name,
                        key.columns.join("_"),
                        table.name
                    )),
                );
            }
            IndexKind::Normal => {
                if actual
                    .indexes
                    .iter()
                    .any(|i| i.partial == key.partial && same_set(&i.columns, &key.columns))
                {
                    continue;
                }
                out.push(
                    Finding::new(
                        crate::Check::MissingIndex,
                        &table.path,
                        format!(
                            "the index on ({list}) of `{}` is not created by any migration",
                            table.name
                        ),
                    )
                    .span(key.span)
                    .help(format!(
                        "CREATE INDEX \"{}_{}_idx\" ON \"{}\"({list});",
                        table.name,
                        key.columns.join("_"),
                        table.name
                    )),
                );
            }
            IndexKind::Fulltext => {}
        }
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
        let quoted: Vec<String> = pk.columns.iter().map(|c| format!("\"{c}\"")).collect();
        lines.push(format!(
            "    CONSTRAINT \"{}_pkey\" PRIMARY KEY ({})",
            table.name,
            quoted.join(", ")
        ));
    }
    format!(
        "CREATE TABLE \"{}\" (\n{}\n);",
        table.name,
        lines.join(",\n")
    )
}
