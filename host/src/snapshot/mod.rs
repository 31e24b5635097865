//! The repository snapshot: which files exist, what changed against a base,
//! and how to read any of them exactly once.
//!
//! Three sources, one shape: the working tree (walked in parallel, honouring
//! `.gitignore`), the git index (`--staged`, for pre-commit hooks) and HEAD
//! against the merge-base with a ref (`--base`, for CI). In the git modes file
//! contents come from git objects, not the disk, so what is checked is exactly
//! what will be committed or merged.
//!
//! Contents are classified once ([`Content`]): text (UTF-8, BOM stripped),
//! binary (a NUL byte in the first 8 KiB), invalid UTF-8, or too large. Rules
//! receive the classification and decide; the host reports non-text files that
//! a rule asked for, so nothing is skipped silently.

mod engines;
mod git;
mod walk;

pub use git::{Applied, applied};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use globset::{Glob, GlobSet, GlobSetBuilder};

/// Folders never walked, whatever the ignore files say.
pub const ALWAYS_SKIPPED: &[&str] = &[".git", "node_modules", "target"];

/// Which snapshot to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    WorkingTree,
    Staged,
    Base(String),
    /// The base of a `--staged` or `--base` snapshot, checked as a whole
    /// tree (no changes): what the rules said before the change. Only
    /// [`Snapshot::base_view`] makes one.
    BaseTree,
}

/// The changes of a diff: the same types the rules receive.
pub use drift_syntax::files::{Change, ChangeKind};

/// A file's content as classified by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Shared: rules receive the text by reference, not a copy each. An
    /// `Arc<String>` rather than an `Arc<str>`: the buffer the file was
    /// read into becomes the text as it is, where `Arc<str>` would copy
    /// every text once more.
    Text(Arc<String>),
    Binary,
    InvalidUtf8(u64),
    TooLarge(u64),
    /// Could not be read at all (permissions, vanished): an error, not a
    /// finding, because the rule cannot check what it cannot see.
    Unreadable(String),
    /// A git object this clone does not have (a partial or shallow clone):
    /// a warning about that file, which every other file's checks survive.
    Missing(String),
}

impl Content {
    /// Classifies raw bytes as every file rules see is classified
    /// (`drift_syntax::files::Content::classify`).
    pub fn classify(bytes: Vec<u8>, max_size: u64) -> Content {
        drift_syntax::files::Content::classify(bytes, max_size).into()
    }
}

impl From<drift_syntax::files::Content> for Content {
    fn from(content: drift_syntax::files::Content) -> Self {
        use drift_syntax::files::Content as Plain;
        match content {
            Plain::Text(text) => Content::Text(Arc::new(text)),
            Plain::Binary => Content::Binary,
            Plain::InvalidUtf8(at) => Content::InvalidUtf8(at),
            Plain::TooLarge(size) => Content::TooLarge(size),
        }
    }
}

/// A snapshot of the repository.
#[derive(Debug)]
pub struct Snapshot {
    pub root: PathBuf,
    pub source: Source,
    /// Every path of the snapshot after exclusions, sorted.
    pub paths: Vec<String>,
    /// In git modes, each path's blob id; in the working tree the file is
    /// `root/path` (no map: on 100,000 files a map of absolute paths was a
    /// tenth of the peak memory).
    blobs: HashMap<String, String>,
    pub changes: Vec<Change>,
    /// Every path at the base after exclusions, sorted.
    pub base_paths: Vec<String>,
    base_blobs: HashMap<String, String>,
    /// The git repository (for blob reads) in git modes.
    git_dir: Option<PathBuf>,
    /// What the snapshot could not do as usual, for the user to read.
    pub notes: Vec<String>,
    max_file_size: u64,
    /// The projects, discovered once per snapshot (see [`Self::projects`]).
    projects: std::sync::OnceLock<Vec<drift_syntax::project::Project>>,
    /// The Prisma configurations, read once (see [`Self::prisma_configs`]).
    configs: std::sync::OnceLock<Vec<drift_syntax::prisma_config::PrismaConfig>>,
    /// The engines folders declare, read once (see [`Self::declared_engine`]).
    declared: std::sync::OnceLock<engines::Declared>,
    /// The engines rules.toml's `[dialect]` sets for paths.
    pub dialects: Dialects,
}

/// rules.toml's `[dialect]`, compiled: the engine of the SQL files a glob
/// matches, the first match deciding, over what drift-host detects.
#[derive(Debug, Clone, Default)]
pub struct Dialects(Vec<(globset::GlobMatcher, drift_syntax::dialect::Engine)>);

impl Dialects {
    pub fn new(list: &[(String, drift_syntax::dialect::Engine)]) -> Result<Self> {
        let mut out = Vec::with_capacity(list.len());
        for (glob, engine) in list {
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| anyhow::anyhow!("invalid glob `{glob}`: {e}"))?
                .compile_matcher();
            out.push((matcher, *engine));
        }
        Ok(Self(out))
    }

    /// The engine configured for `path`, if a glob matches it.
    pub fn of(&self, path: &str) -> Option<drift_syntax::dialect::Engine> {
        self.0
            .iter()
            .find(|(glob, _)| glob.is_match(path))
            .map(|(_, engine)| *engine)
    }
}

/// What to leave out.
#[derive(Debug, Clone)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: GlobSet,
}

impl Filter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self> {
        let include = if include.is_empty() {
            None
        } else {
            Some(glob_set(include)?)
        };
        Ok(Self {
            include,
            exclude: glob_set(exclude)?,
        })
    }

    /// True when `path` (repository-relative) belongs in the snapshot.
    pub fn keeps(&self, path: &str) -> bool {
        if path
            .split('/')
            .any(|component| ALWAYS_SKIPPED.contains(&component))
        {
            return false;
        }
        if self.exclude.is_match(path) {
            return false;
        }
        self.include.as_ref().is_none_or(|set| set.is_match(path))
    }

    /// True when a folder may contain kept paths (for pruning walks).
    pub fn keeps_dir(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        !ALWAYS_SKIPPED.contains(&name) && !self.exclude.is_match(path)
    }
}

/// Builds a glob set where `*` stays within a path component and `**`
/// crosses folders, as in `.gitignore` and most linters' configuration.
pub fn glob_set(globs: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(glob_parses(glob)?);
    }
    Ok(builder.build()?)
}

/// One glob as [`glob_set`] reads it, parsed but not compiled (cheap: for
/// checking a rule's metadata when it loads).
pub fn glob_parses(glob: &str) -> Result<Glob> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .or_else(|_| Glob::new(glob))
        .map_err(|e| anyhow::anyhow!("invalid glob `{glob}`: {e}"))
}

impl Snapshot {
    /// Takes the snapshot of `root` described by `source`. In git modes,
    /// `wanted` (the globs of the files the rules read) limits the diff.
    pub fn take(
        root: &Path,
        source: &Source,
        filter: &Filter,
        max_file_size: u64,
        wanted: &[String],
    ) -> Result<Self> {
        let mut snapshot = Snapshot {
            root: root.to_path_buf(),
            source: source.clone(),
            paths: Vec::new(),
            blobs: HashMap::new(),
            changes: Vec::new(),
            base_paths: Vec::new(),
            base_blobs: HashMap::new(),
            git_dir: None,
            max_file_size,
            notes: Vec::new(),
            projects: std::sync::OnceLock::new(),
            configs: std::sync::OnceLock::new(),
            declared: std::sync::OnceLock::new(),
            dialects: Dialects::default(),
        };
        match source {
            Source::WorkingTree => {
                // Inside the run's thread pool this is `--threads`; the walk
                // returns the paths sorted.
                let threads = rayon::current_num_threads();
                snapshot.paths = walk::walk(root, filter, threads)?;
            }
            Source::BaseTree => anyhow::bail!("a base tree is a view of a git snapshot"),
            Source::Staged | Source::Base(_) => {
                let tree = git::read(root, source, wanted)?;
                snapshot.notes = tree.notes;
                for (path, oid) in tree.files {
                    if filter.keeps(&path) {
                        snapshot.paths.push(path.clone());
                        snapshot.blobs.insert(path, oid);
                    }
                }
                for (path, oid) in tree.base_files {
                    if filter.keeps(&path) {
                        snapshot.base_paths.push(path.clone());
                        snapshot.base_blobs.insert(path, oid);
                    }
                }
                snapshot.changes = tree
                    .changes
                    .into_iter()
                    .filter(|c| {
                        filter.keeps(&c.path)
                            || c.old_path.as_deref().is_some_and(|p| filter.keeps(p))
                    })
                    .collect();
                snapshot.git_dir = Some(tree.top);
                snapshot.paths.sort();
                snapshot.base_paths.sort();
            }
        }
        Ok(snapshot)
    }

    /// The base of a git-mode snapshot as a snapshot of its own: every
    /// base path, read from git, with no changes (`None` in the working
    /// tree). Rules run on it say what was there before the change.
    pub fn base_view(&self) -> Option<Snapshot> {
        if matches!(self.source, Source::WorkingTree | Source::BaseTree) {
            return None;
        }
        Some(Snapshot {
            root: self.root.clone(),
            source: Source::BaseTree,
            paths: self.base_paths.clone(),
            blobs: self.base_blobs.clone(),
            changes: Vec::new(),
            base_paths: Vec::new(),
            base_blobs: HashMap::new(),
            git_dir: self.git_dir.clone(),
            max_file_size: self.max_file_size,
            notes: Vec::new(),
            projects: std::sync::OnceLock::new(),
            configs: std::sync::OnceLock::new(),
            declared: std::sync::OnceLock::new(),
            dialects: self.dialects.clone(),
        })
    }

    /// Reads the current content of each of `paths` (deduplicated by the
    /// caller), in parallel for the disk, in one batch for git.
    pub fn read(&self, paths: &[String]) -> HashMap<String, Arc<Content>> {
        if self.source == Source::WorkingTree {
            self.read_disk(paths)
        } else {
            self.read_blobs(paths, &self.blobs)
        }
    }

    /// The engine of the SQL file `path` as configured or declared:
    /// rules.toml's `[dialect]`, else what the nearest folder holding it
    /// declares (its schema's provider, `migration_lock.toml`, a drizzle
    /// journal). `None`: the file's own text decides
    /// (`drift_syntax::dialect::engine_of`).
    pub fn declared_engine(&self, path: &str) -> Option<drift_syntax::dialect::Engine> {
        self.dialects.of(path).or_else(|| {
            self.declared
                .get_or_init(|| engines::declared_engines(self))
                .of(path)
        })
    }

    /// The schemas and migrations folders, as the rules discover them
    /// (`drift_syntax::project::discover_with`, the Prisma configs read):
    /// found once, for the phases and commands that all need them.
    pub fn projects(&self) -> &[drift_syntax::project::Project] {
        self.projects.get_or_init(|| {
            drift_syntax::project::discover_with(&self.paths, None, self.prisma_configs())
        })
    }

    /// The repository's Prisma configurations, read once
    /// (`drift_syntax::prisma_config`: config files, package.json).
    pub fn prisma_configs(&self) -> &[drift_syntax::prisma_config::PrismaConfig] {
        self.configs.get_or_init(|| {
            let paths: Vec<String> = self
                .paths
                .iter()
                .filter(|p| drift_syntax::prisma_config::is_config_source(p))
                .cloned()
                .collect();
            if paths.is_empty() {
                return Vec::new();
            }
            let read = self.read(&paths);
            drift_syntax::prisma_config::read_all(paths.iter().filter_map(|p| {
                match read.get(p)?.as_ref() {
                    Content::Text(text) => Some((p.as_str(), text.as_str())),
                    _ => None,
                }
            }))
        })
    }

    /// Reads the base content of each of `paths` (paths at the base).
    pub fn read_base(&self, paths: &[String]) -> HashMap<String, Arc<Content>> {
        self.read_blobs(paths, &self.base_blobs)
    }

    /// Working-tree files, in parallel.
    fn read_disk(&self, paths: &[String]) -> HashMap<String, Arc<Content>> {
        use rayon::prelude::*;
        let max = self.max_file_size;
        paths
            .par_iter()
            .filter(|path| self.paths.binary_search(path).is_ok())
            .map(|path| {
                let content = read_disk(&self.root.join(path), max);
                (path.clone(), Arc::new(content))
            })
            .collect()
    }

    /// Files from git objects, in one batch.
    fn read_blobs(
        &self,
        paths: &[String],
        blobs: &HashMap<String, String>,
    ) -> HashMap<String, Arc<Content>> {
        let max = self.max_file_size;
        let mut out = HashMap::new();
        let wanted: Vec<(&String, &String)> = paths
            .iter()
            .filter_map(|path| Some((path, blobs.get(path)?)))
            .collect();
        if wanted.is_empty() {
            return out;
        }
        let git_dir = self.git_dir.as_deref().unwrap_or(&self.root);
        match git::cat_blobs(git_dir, wanted.iter().map(|(_, oid)| oid.as_str()), max) {
            Ok(contents) => {
                for ((path, _), content) in wanted.into_iter().zip(contents) {
                    out.insert(path.clone(), Arc::new(content));
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                for (path, _) in wanted {
                    out.insert(path.clone(), Arc::new(Content::Unreadable(message.clone())));
                }
            }
        }
        out
    }
}

fn read_disk(path: &Path, max: u64) -> Content {
    use std::io::Read;
    // One open, then the size from the open file: a huge file is never
    // loaded into memory, and the path is resolved once, not twice.
    let read = || -> std::io::Result<Content> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len > max {
            return Ok(Content::TooLarge(len));
        }
        // The file may grow between the size and the read: read at most one
        // byte past the limit, so `classify` still sees it as too large.
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
        file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
        Ok(Content::classify(bytes, max))
    };
    read().unwrap_or_else(|e| Content::Unreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_skips_default_folders_and_excludes() {
        let filter = Filter::new(&[], &["fixtures/**".to_owned()]).unwrap();
        assert!(filter.keeps("prisma/schema.prisma"));
        assert!(!filter.keeps("node_modules/x/schema.prisma"));
        assert!(!filter.keeps("a/target/x.sql"));
        assert!(!filter.keeps("fixtures/a.sql"));
        let filter = Filter::new(&["server/**".to_owned()], &[]).unwrap();
        assert!(filter.keeps("server/a.sql"));
        assert!(!filter.keeps("client/a.sql"));
    }

    #[test]
    fn star_stays_in_one_folder() {
        let set = glob_set(&["migrations/*.sql".to_owned()]).unwrap();
        assert!(set.is_match("migrations/01_a.sql"));
        assert!(!set.is_match("migrations/x/migration.sql"));
        let set = glob_set(&["**/migrations/**".to_owned()]).unwrap();
        assert!(set.is_match("migrations/01_a.sql"));
        assert!(set.is_match("a/b/migrations/x/migration.sql"));
    }
}
