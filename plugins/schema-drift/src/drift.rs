//! One snapshot's drift: every schema, its migrations replayed, compared.

use std::cell::RefCell;
use std::rc::Rc;

use drift_sdk::database::{self, At, Drift as Kind, Expectation};
use drift_sdk::project::{self, Order};
use drift_sdk::{Finding, LineIndex, Span};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::{Catalog, Origin};
use crate::snapshot::Snapshot;
use crate::{Check, MigrationOrder, Options};

/// A finding and the schema it is about (its first file).
#[derive(Debug, Clone)]
pub struct Drift {
    pub schema: String,
    pub finding: Finding,
    /// In a diff run, for what a migration the base has built beyond the
    /// schema: the model or enum that owns it. Where the finding goes when
    /// the change made it (`diff::introduced`); drift the base had stays
    /// at the migration, where the base's run put it.
    pub owner: Option<(String, Span)>,
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
///
/// `deployed`, in a diff run, holds the paths the base has: its
/// migrations replay first, in their order, then the change's new ones,
/// as a database the base was deployed to runs them. (A new migration
/// that sorts before an applied one, which `numbering/out-of-order`
/// reports, would otherwise replay before it on a fresh database and be
/// reported as drift at the applied, untouched migration.)
pub fn analyze(
    snapshot: &Snapshot<'_>,
    options: &Options,
    complete: bool,
    deployed: Option<&FxHashSet<&str>>,
) -> Option<Vec<Drift>> {
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
        // Only PostgreSQL schemas with migrations are compared, and so
        // validated.
        let compared = schema.errors.is_empty() && database::expected::is_postgres(&schema);
        let mut migrations = if compared {
            project::run_order(&snapshot.paths, &project.dirs, order)
        } else {
            Vec::new()
        };
        let invalid = if migrations.is_empty() {
            Vec::new()
        } else {
            schema.validate()
        };
        if !schema.errors.is_empty() {
            for error in &schema.errors {
                findings.push((
                    Finding::new(Check::SchemaSyntax, &error.path, &error.message)
                        .span(error.span)
                        .help("fix the schema (`prisma validate`); it is not compared with the migrations until it parses"),
                    None,
                ));
            }
        } else if !invalid.is_empty() {
            for error in invalid {
                findings.push((
                    Finding::new(Check::SchemaInvalid, &error.path, &error.message)
                        .span(error.span)
                        .help("fix the schema (`prisma validate` says the same); it is not compared with the migrations until Prisma accepts it"),
                    None,
                ));
            }
        } else if compared {
            if let Some(deployed) = deployed {
                // A stable sort: each group keeps its run order.
                migrations.sort_by_key(|path| !deployed.contains(path.as_str()));
            }
            if !migrations.is_empty() {
                let mut catalog = Catalog::default();
                for path in &migrations {
                    match (snapshot.text(path), snapshot.tree(path)) {
                        (Some(text), Some(tree)) => catalog.apply(path, text, tree),
                        _ if complete => return None,
                        _ => {}
                    }
                }
                let prisma_major = match &options.prisma_version {
                    Some(version) => drift_sdk::prisma_version::range_major(version),
                    None => drift_sdk::prisma_version::major(&schema_path, |p| snapshot.text(p)),
                };
                let expectation = Expectation::new(
                    &schema,
                    config.as_ref(),
                    &options.ignore_tables,
                    prisma_major,
                );
                let positions = Positions::new(snapshot);
                findings.extend(
                    database::compare(&expectation, &catalog.db)
                        .into_iter()
                        .filter_map(|d| {
                            let (path, span, owner) = match d.at {
                                At::Schema { path, span } => (path, span, None),
                                // Built by a migration the base has: if the
                                // change made it extra, it goes to its owner
                                // (`diff::introduced`).
                                At::Built(origin) => (
                                    &*origin.path,
                                    positions.span(origin),
                                    d.owner.filter(|_| {
                                        deployed.is_some_and(|d| d.contains(&*origin.path))
                                    }),
                                ),
                            };
                            Some((
                                Finding::new(check_of(d.drift)?, path, d.message)
                                    .span(span)
                                    .help(d.help),
                                owner.map(|(path, span)| (path.to_owned(), span)),
                            ))
                        }),
                );
            }
        }
        out.extend(findings.into_iter().map(|(finding, owner)| Drift {
            schema: schema_path.clone(),
            finding,
            owner,
        }));
    }
    Some(out)
}

/// The rule's check for a kind of drift: the one of the same id (every
/// kind has one; verify's tests hold the two lists together).
fn check_of(kind: Kind) -> Option<Check> {
    use drift_sdk::Check as _;
    Check::ALL.iter().copied().find(|c| c.id() == kind.id())
}

/// Lines and columns of the catalog's origins, for findings: each migration
/// is indexed once, when its first finding needs it.
struct Positions<'s, 'a> {
    snapshot: &'s Snapshot<'a>,
    lines: RefCell<FxHashMap<Rc<str>, LineIndex>>,
}

impl<'s, 'a> Positions<'s, 'a> {
    fn new(snapshot: &'s Snapshot<'a>) -> Self {
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
