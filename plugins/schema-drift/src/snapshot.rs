//! The files the rule compares: the current snapshot, or the repository as
//! it was at the base of a `--base` / `--staged` run.

use rustc_hash::{FxHashMap, FxHashSet};

use drift_sdk::Input;
use drift_sdk::sql::SqlTree;

/// One version of the repository: its paths, and for each readable file
/// its text and (for `.sql` files) its syntax tree when known.
#[derive(Debug, Default)]
pub struct Snapshot<'a> {
    pub paths: Vec<String>,
    /// Hashed, not ordered: the replay looks up every migration, and in a
    /// sorted map each lookup compared long shared path prefixes
    /// (`prisma/migrations/2024...`) a dozen times. Nothing here depends on
    /// the map's order.
    files: FxHashMap<&'a str, (&'a str, Option<&'a SqlTree>)>,
}

impl<'a> Snapshot<'a> {
    /// The snapshot the host checks.
    pub fn current(input: &'a Input) -> Self {
        let mut snapshot = Snapshot {
            paths: input.files.iter().map(|f| f.path.clone()).collect(),
            files: FxHashMap::default(),
        };
        for file in &input.files {
            if let Some(text) = file.text() {
                snapshot
                    .files
                    .insert(file.path.as_str(), (text, file.sql.as_ref()));
            }
        }
        snapshot
    }

    /// The repository at the base. The host hands the base text (and, for
    /// SQL, the syntax tree) of changed files only; unchanged files are read
    /// from the current snapshot.
    pub fn base(input: &'a Input) -> Self {
        let mut snapshot = Snapshot {
            paths: input.base_paths.to_vec(),
            files: FxHashMap::default(),
        };
        // `Input::change_for` scans the change list: once per base path it
        // made this quadratic in a large change (400 changed migrations of
        // 2,000 cost more than the replay).
        let changed: FxHashSet<&str> = input
            .changes
            .iter()
            .flat_map(|c| std::iter::once(c.path.as_str()).chain(c.old_path.as_deref()))
            .collect();
        for path in &input.base_paths {
            let base_file = input.base_file(path);
            let text = match base_file {
                Some(file) => file.text(),
                None if !changed.contains(path) => input.file(path).and_then(|f| f.text()),
                None => None,
            };
            let Some(text) = text else {
                continue;
            };
            // The host parses the base version of changed SQL files; for
            // others, borrow the tree of a current file with the same text.
            let tree = base_file
                .filter(|f| f.sql.is_some())
                .or_else(|| input.file(path).filter(|f| f.text() == Some(text)))
                .or_else(|| input.files.iter().find(|f| f.text() == Some(text)))
                .and_then(|f| f.sql.as_ref());
            snapshot.files.insert(path, (text, tree));
        }
        snapshot
    }

    pub fn text(&self, path: &str) -> Option<&'a str> {
        self.files.get(path).map(|(text, _)| *text)
    }

    pub fn tree(&self, path: &str) -> Option<&'a SqlTree> {
        self.files.get(path).and_then(|(_, tree)| *tree)
    }
}
