//! One snapshot's drift: every schema, its migrations replayed, compared.

use drift_sdk::Finding;

use crate::catalog::Catalog;
use crate::snapshot::Snapshot;
use crate::{MigrationOrder, Options, compare, expected};
use drift_sdk::project::{self, Order};

/// A finding and the schema it is about (its first file).
#[derive(Debug, Clone)]
pub struct Drift {
    pub schema: String,
    pub finding: Finding,
}

impl Drift {
    /// What identifies the same drift at the base and now: positions move,
    /// names and messages do not.
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.schema, &self.finding.check, &self.finding.message)
    }
}

/// The drift of every schema in `snapshot`. With `complete`, `None` when a
/// schema file or a migration cannot be read or has no syntax tree (the
/// result would be a guess).
pub fn analyze(snapshot: &Snapshot<'_>, options: &Options, complete: bool) -> Option<Vec<Drift>> {
    let order = match options.order {
        MigrationOrder::PrismaFirst => Order::PrismaFirst,
        MigrationOrder::HandwrittenFirst => Order::HandwrittenFirst,
    };
    let mut out = Vec::new();
    let configs = drift_sdk::prisma_config::read_all(
        snapshot
            .paths
            .iter()
            .filter(|p| drift_sdk::prisma_config::is_config_source(p))
            .filter_map(|p| snapshot.text(p).map(|t| (p.as_str(), t))),
    );
    for project in project::discover_with(&snapshot.paths, None, &configs) {
        let config = project.config;
        let Some(schema_files) = project.schema.map(|s| s.files) else {
            continue;
        };
        let schema_path = schema_files.first().cloned().unwrap_or_default();
        let texts: Vec<(&str, &str)> = schema_files
            .iter()
            .filter_map(|p| snapshot.text(p).map(|t| (p.as_str(), t)))
            .collect();
        if texts.len() != schema_files.len() {
            if complete {
                return None;
            }
            continue;
        }
        let schema = drift_sdk::prisma::parse_files(&texts);
        let mut findings = Vec::new();
        if !schema.errors.is_empty() {
            for error in &schema.errors {
                findings.push(
                    Finding::new(crate::Check::SchemaSyntax, &error.path, &error.message)
                        .span(error.span)
                        .help("fix the schema (`prisma validate`); it is not compared with the migrations until it parses"),
                );
            }
        } else if is_postgres(&schema) {
            let migrations = project::run_order(&snapshot.paths, &project.dirs, order);
            if !migrations.is_empty() {
                let mut catalog = Catalog::default();
                for path in &migrations {
                    match (snapshot.text(path), snapshot.tree(path)) {
                        (Some(text), Some(tree)) => catalog.apply(path, text, tree),
                        _ if complete => return None,
                        _ => {}
                    }
                }
                let (mut tables, mut enums) = expected::build(&schema);
                let mut ignore = options.ignore_tables.clone();
                ignore.extend(expected::known_elsewhere(&schema));
                // Prisma Migrate neither creates nor compares what the
                // config calls external.
                if let Some(config) = &config {
                    tables.retain(|t| !config.is_external_table(&t.name));
                    enums.retain(|e| !config.is_external_enum(&e.name));
                    ignore.extend(
                        config
                            .external_tables
                            .iter()
                            .map(|t| t.rsplit_once('.').map_or(t.as_str(), |(_, n)| n).to_owned()),
                    );
                }
                let db_schemas: Vec<String> = schema
                    .datasources
                    .iter()
                    .flat_map(|d| d.schemas.iter().cloned())
                    .collect();
                compare::compare(
                    &tables,
                    &enums,
                    &catalog,
                    &compare::Positions::new(snapshot),
                    &ignore,
                    &db_schemas,
                    &mut findings,
                );
            }
        }
        out.extend(findings.into_iter().map(|finding| Drift {
            schema: schema_path.clone(),
            finding,
        }));
    }
    Some(out)
}

/// Only PostgreSQL schemas are compared (a schema without a datasource
/// block, e.g. one file of a multi-file schema, counts as PostgreSQL).
fn is_postgres(schema: &drift_sdk::prisma::Schema) -> bool {
    schema.datasources.iter().all(|d| {
        d.provider
            .as_deref()
            .is_none_or(|p| matches!(p, "postgresql" | "postgres"))
    })
}
