//! The engine each folder of SQL files declares, for the parse phase and
//! `verify` alike: a migrations folder's schema datasource `provider`,
//! else its `migration_lock.toml`, a drizzle folder's
//! `meta/_journal.json`. rules.toml's `[dialect]` comes first
//! ([`Snapshot::declared_engine`]).

use std::collections::BTreeSet;

use drift_syntax::dialect::{self, Engine};

use super::{Content, Snapshot};

/// The engines folders declare, each folder with its engine: a migrations
/// folder's schema datasource `provider` (what Prisma uses; a lock file
/// that disagrees is numbering's `provider-mismatch`), else its
/// `migration_lock.toml`; a drizzle folder's `meta/_journal.json`.
#[derive(Debug)]
pub(super) struct Declared(Vec<(String, Engine)>);

impl Declared {
    /// What the nearest folder holding `path` declares.
    pub(super) fn of(&self, path: &str) -> Option<Engine> {
        self.0
            .iter()
            .filter(|(dir, _)| drift_syntax::paths::is_within(path, dir))
            .max_by_key(|(dir, _)| dir.len())
            .map(|(_, engine)| *engine)
    }
}

/// Reads what declares the engine of the folders of the snapshot's SQL
/// files: the schemas of the projects, and the marker files that exist (a
/// few per repository).
pub(super) fn declared_engines(snapshot: &Snapshot) -> Declared {
    let sql = snapshot.paths.iter().filter(|p| p.ends_with(".sql"));
    let mut declared: Vec<(String, Engine)> = Vec::new();
    let projects = snapshot.projects();
    let schemas: Vec<String> = projects
        .iter()
        .filter_map(|p| p.schema.as_ref())
        .flat_map(|s| s.files.iter().cloned())
        .collect();
    let texts = snapshot.read(&schemas);
    for project in projects {
        let engine = project.schema.iter().flat_map(|s| &s.files).find_map(|f| {
            match texts.get(f)?.as_ref() {
                Content::Text(text) => dialect::datasource_provider(text),
                _ => None,
            }
        });
        if let Some(engine) = engine.as_deref().and_then(dialect::provider_engine) {
            declared.extend(project.dirs.iter().map(|d| (d.clone(), engine)));
        }
    }
    let mut markers: BTreeSet<String> = BTreeSet::new();
    for path in sql {
        for marker in dialect::markers(path) {
            if snapshot.paths.binary_search(&marker).is_ok() {
                markers.insert(marker);
            }
        }
    }
    let markers: Vec<String> = markers.into_iter().collect();
    // In path order, so the first of two markers of one folder decides,
    // whatever order the reads come back in.
    let read = snapshot.read(&markers);
    for marker in &markers {
        let Some(Content::Text(text)) = read.get(marker).map(|c| c.as_ref()) else {
            continue;
        };
        let Some(engine) = dialect::declared_engine(marker, text) else {
            continue;
        };
        let dir = drift_syntax::paths::parent(marker);
        let dir = dir
            .strip_suffix("/meta")
            .or((dir == "meta").then_some(""))
            .unwrap_or(dir);
        if !declared.iter().any(|(d, _)| d == dir) {
            declared.push((dir.to_owned(), engine));
        }
    }
    Declared(declared)
}
