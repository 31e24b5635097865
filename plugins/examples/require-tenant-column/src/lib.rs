//! # require-tenant-column
//!
//! An example organisation rule (not built in): in a multi-tenant database
//! every table carries the tenant column, and an index that starts with it.
//!
//! ## What it does
//! With a base (`--base`, `--staged`): every table created by a migration
//! that the change adds must have the tenant column (option `column`,
//! default `tenantId`) and an index, unique constraint or primary key whose
//! first column is it, created in the added migrations. Without a base
//! (full scan): every model of each Prisma schema must have a field mapped
//! to that column and an `@@index`/`@@unique`/`@@id` (or `@unique`/`@id`)
//! that starts with it. Tables in option `except` are exempt, as are
//! Prisma's implicit join tables (`_AToB`) and `_prisma_migrations`.
//!
//! ## Why is this bad?
//! A table without the tenant column cannot be isolated per tenant (row
//! level security keys on it), and without an index that starts with it
//! every per-tenant query scans the whole table.
//!
//! ## Example
//! ```sql
//! CREATE TABLE "Invoice" ("id" TEXT PRIMARY KEY, "amount" INT);  -- missing-column
//! ```
//!
//! ## How to fix
//! Add the column (`"tenantId" TEXT NOT NULL`) and an index
//! (`CREATE INDEX ON "Invoice"("tenantId")`), or list a global table in
//! `except`.
//!
//! ## Options
//! ```toml
//! [plugins.require-tenant-column]
//! options = { column = "tenantId", except = ["Country"] }
//! ```
//!
//! It shows the SDK's two parsers at work: the host-parsed SQL trees
//! (`drift_sdk::sql`) for migrations, and `drift_sdk::prisma` for schemas.

use drift_sdk::sql::object_name;
use drift_sdk::{ChangeKind, Finding, Input, LineIndex, Metadata, Rule, Scope};

#[derive(Debug, Default)]
pub struct RequireTenantColumn;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The tenant column, as named in the database.
    pub column: String,
    /// Tables (database names) that are global, not per tenant.
    pub except: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            column: "tenantId".to_owned(),
            except: Vec::new(),
        }
    }
}

drift_sdk::checks! {
    /// The checks of this rule.
    pub enum Check {
        /// A table or model without the tenant column.
        MissingColumn = ("missing-column", Error, "a table without the tenant column"),
        /// The tenant column is not the first column of any index, unique
        /// constraint or primary key.
        MissingIndex = ("missing-index", Warning, "the tenant column does not start any index"),
    }
}

impl Rule for RequireTenantColumn {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new(
            "require-tenant-column",
            "Every table carries an indexed tenant column",
        )
        .include(["**/*.prisma", "**/migrations/**/*.sql"])
        .scope(Scope::Repository)
        .sql(true)
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        if input.has_base() {
            check_added_migrations(input, options)
        } else {
            check_schemas(input, options)
        }
    }
}

fn exempt(table: &str, options: &Options) -> bool {
    table.starts_with('_') || options.except.iter().any(|e| e == table)
}

/// A table created by an added migration.
struct Created {
    path: String,
    span: drift_sdk::Span,
    table: String,
    columns: Vec<String>,
    /// First columns of the keys declared in the table itself.
    leading: Vec<String>,
}

fn check_added_migrations(input: &Input, options: &Options) -> Vec<Finding> {
    let mut created = Vec::new();
    // (table, first column) of every index the added migrations create.
    let mut indexed: Vec<(String, String)> = Vec::new();
    for change in input.changes.iter().filter(|c| c.kind == ChangeKind::Added) {
        let Some(file) = input.file(&change.path) else {
            continue;
        };
        let (Some(text), Some(tree)) = (file.text(), file.sql.as_ref()) else {
            continue;
        };
        let lines = LineIndex::new(text);
        for statement in tree.statements() {
            let node = statement.node;
            match statement.kind() {
                "CREATE_TABLE" if !node.has_child("TEMP") => {
                    let Some(name) = node.child("TABLE_NAME") else {
                        continue;
                    };
                    let mut table = Created {
                        path: file.path.clone(),
                        span: lines.span(text, node.start()..node.end()),
                        table: object_name(name.text(text)),
                        columns: Vec::new(),
                        leading: Vec::new(),
                    };
                    for item in node
                        .child("TABLE_ARG_LIST")
                        .into_iter()
                        .flat_map(|a| a.children())
                    {
                        if item.kind() == "COLUMN" {
                            if let Some(column) = item.child("COLUMN_NAME") {
                                let column = object_name(column.text(text));
                                // An inline PRIMARY KEY or UNIQUE leads an index.
                                if item.find("PRIMARY_KEY_CONSTRAINT").is_some()
                                    || item.find("UNIQUE_CONSTRAINT").is_some()
                                {
                                    table.leading.push(column.clone());
                                }
                                table.columns.push(column);
                            }
                        } else if let Some(first) = item.find("COLUMN_NAME_REF") {
                            table.leading.push(object_name(first.text(text)));
                        }
                    }
                    created.push(table);
                }
                "CREATE_INDEX" => {
                    let table = node
                        .child("TABLE_RELATION_NAME")
                        .and_then(|r| r.find("TABLE_NAME_REF"));
                    let first = node
                        .child("PARTITION_ITEM_LIST")
                        .and_then(|l| l.find("PARTITION_ITEM"))
                        .and_then(|i| i.find("NAME_REF"));
                    if let (Some(table), Some(first)) = (table, first) {
                        indexed
                            .push((object_name(table.text(text)), object_name(first.text(text))));
                    }
                }
                _ => {}
            }
        }
    }
    let column = &options.column;
    let mut findings = Vec::new();
    for table in created.iter().filter(|t| !exempt(&t.table, options)) {
        if !table.columns.iter().any(|c| c == column) {
            findings.push(
                Finding::new(
                    Check::MissingColumn,
                    &table.path,
                    format!("table `{}` has no `{column}` column", table.table),
                )
                .span(table.span)
                .help(format!(
                    "add `\"{column}\" TEXT NOT NULL` to the table, or list `{}` in `except` if it is global",
                    table.table
                )),
            );
        } else if !table.leading.iter().any(|c| c == column)
            && !indexed
                .iter()
                .any(|(t, c)| *t == table.table && c == column)
        {
            findings.push(
                Finding::new(
                    Check::MissingIndex,
                    &table.path,
                    format!("no index of table `{}` starts with `{column}`", table.table),
                )
                .span(table.span)
                .help(format!(
                    "CREATE INDEX \"{0}_{column}_idx\" ON \"{0}\"(\"{column}\");",
                    table.table
                )),
            );
        }
    }
    findings
}

fn check_schemas(input: &Input, options: &Options) -> Vec<Finding> {
    // Every folder's .prisma files form one schema (multi-file schemas).
    let mut folders: std::collections::BTreeMap<&str, Vec<(&str, &str)>> = Default::default();
    for (file, text) in input
        .text_files()
        .filter(|(f, _)| f.path.ends_with(".prisma"))
    {
        folders
            .entry(drift_sdk::paths::parent(&file.path))
            .or_default()
            .push((file.path.as_str(), text));
    }
    let column = &options.column;
    let mut findings = Vec::new();
    for files in folders.values() {
        let schema = drift_sdk::prisma::parse_files(files);
        for model in schema.models.iter().filter(|m| !m.is_ignored()) {
            let table = model.table_name();
            if exempt(table, options) {
                continue;
            }
            let Some(field) = model.fields.iter().find(|f| f.column_name() == column) else {
                findings.push(
                    Finding::new(
                        Check::MissingColumn,
                        &model.path,
                        format!("model `{}` has no field mapped to `{column}`", model.name),
                    )
                    .span(model.name_span)
                    .help(format!(
                        "add `{column} String` (and its relation) to `{}`",
                        model.name
                    )),
                );
                continue;
            };
            let leads = field.is_id()
                || field.is_unique()
                || model
                    .primary_key()
                    .is_some_and(|k| k.fields.first().is_some_and(|f| f.name == field.name))
                || model
                    .indexes()
                    .iter()
                    .any(|i| i.fields.first().is_some_and(|f| f.name == field.name));
            if !leads {
                findings.push(
                    Finding::new(
                        Check::MissingIndex,
                        &model.path,
                        format!(
                            "no index of model `{}` starts with `{}`",
                            model.name, field.name
                        ),
                    )
                    .span(field.span)
                    .help(format!(
                        "add `@@index([{}])` to `{}`",
                        field.name, model.name
                    )),
                );
            }
        }
    }
    findings
}

drift_sdk::register_rule!(RequireTenantColumn);

#[cfg(test)]
mod tests {
    use drift_sdk::testing::{InputBuilder, render, run};
    use drift_sdk::{ChangeKind, Mode};

    use super::*;

    /// The suite every built-in rule passes: documentation, strict
    /// options, odd inputs, and the fixtures of `tests/checks/`.
    #[test]
    fn conforms() {
        let problems = drift_sdk::testing::conformance::check::<RequireTenantColumn>(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    const SCHEMA: &str = r#"model Tenant {
  id String @id
}

model Invoice {
  id       String @id
  tenantId String
  amount   Int

  @@index([tenantId])
}

model Payment {
  id       String @id
  tenantId String
}

model Country {
  code String @id
}

model Audit {
  id String @id
}
"#;

    #[test]
    fn full_scan_checks_every_model() {
        let input = InputBuilder::new()
            .file("prisma/schema.prisma", SCHEMA)
            .build();
        let findings = run(
            &RequireTenantColumn,
            &input,
            r#"{"except": ["Country", "Tenant"]}"#,
        )
        .expect("options");
        insta::assert_snapshot!(render(&findings), @r"
        prisma/schema.prisma:15:3: missing-index: no index of model `Payment` starts with `tenantId`
        prisma/schema.prisma:22:7: missing-column: model `Audit` has no field mapped to `tenantId`
        ");
    }

    #[test]
    fn with_a_base_only_added_migrations_count() {
        let added = "CREATE TABLE \"Invoice\" (\"id\" TEXT PRIMARY KEY, \"tenantId\" TEXT NOT NULL);\n\
                     CREATE INDEX \"Invoice_tenantId_idx\" ON \"Invoice\"(\"tenantId\");\n\
                     CREATE TABLE \"Payment\" (\"id\" TEXT, \"tenantId\" TEXT);\n\
                     CREATE TABLE \"Audit\" (\"id\" TEXT);\n\
                     CREATE TABLE \"_InvoiceToTag\" (\"A\" TEXT, \"B\" TEXT);\n";
        let old = "CREATE TABLE \"Legacy\" (\"id\" TEXT);\n";
        let input = InputBuilder::new()
            .sql_file("db/migrations/02_billing.sql", added)
            .sql_file("db/migrations/01_legacy.sql", old)
            .base_file("db/migrations/01_legacy.sql", old)
            .change(ChangeKind::Added, "db/migrations/02_billing.sql", None)
            .mode(Mode::Base)
            .build();
        let findings = run(&RequireTenantColumn, &input, "{}").expect("options");
        insta::assert_snapshot!(render(&findings), @r"
        db/migrations/02_billing.sql:3:1: missing-index: no index of table `Payment` starts with `tenantId`
        db/migrations/02_billing.sql:4:1: missing-column: table `Audit` has no `tenantId` column
        ");
    }

    #[test]
    fn options_are_validated() {
        let input = InputBuilder::new().build();
        let errors =
            run(&RequireTenantColumn, &input, r#"{"columns": "x"}"#).expect_err("rejected");
        assert_eq!(errors[0].key, "columns");
    }
}
