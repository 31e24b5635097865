//! Walking the working tree in parallel, honouring git's ignore files.
//!
//! The walk is the `ignore` crate's parallel walker (ripgrep's), set up to
//! see the tree the way git does: `.gitignore` files at every level (the
//! deepest one with an opinion decides, so a nested `!pattern` re-includes
//! what a parent ignored) and `.git/info/exclude`; not ripgrep's own
//! `.ignore` files, not the user's global excludes (a run must not depend on
//! who runs it), and hidden files are kept (`.github/`, `.env`). Symbolic
//! links are not followed: a link is not file content in git either, and not
//! following them rules out loops. Special files (FIFOs, sockets) are
//! skipped, because reading a FIFO blocks.
//!
//! Walking in parallel was measured against the previous sequential walk
//! (bench/NOTEBOOK.md); the order threads find files in does not matter,
//! because the result is sorted.

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use ignore::{WalkBuilder, WalkState};

use super::Filter;

/// Returns the repository-relative path of every kept file, sorted.
pub fn walk(root: &Path, filter: &Filter, threads: usize) -> Result<Vec<String>> {
    let meta = std::fs::metadata(root)
        .with_context(|| format!("cannot read repository folder {}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("{} is not a folder", root.display());
    }
    let keep_dirs = filter.clone();
    let owned_root = root.to_path_buf();
    let walker = WalkBuilder::new(root)
        .threads(threads)
        .hidden(false)
        .ignore(false)
        .parents(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            relative(&owned_root, entry.path()).is_some_and(|rel| keep_dirs.keeps_dir(&rel))
        })
        .build_parallel();

    let found: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let failed: Mutex<Option<String>> = Mutex::new(None);
    walker.run(|| {
        // Each walker thread collects locally and hands its files over once.
        let mut local = Collector {
            root,
            filter,
            files: Vec::new(),
            found: &found,
            failed: &failed,
        };
        Box::new(move |entry| local.visit(entry))
    });
    if let Some(message) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        anyhow::bail!("{message}");
    }
    let mut files = found.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable();
    Ok(files)
}

/// One walker thread's share of the files.
struct Collector<'a> {
    root: &'a Path,
    filter: &'a Filter,
    files: Vec<String>,
    found: &'a Mutex<Vec<String>>,
    failed: &'a Mutex<Option<String>>,
}

impl Collector<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                if let Some(rel) = relative(self.root, entry.path())
                    && self.filter.keeps(&rel)
                {
                    self.files.push(rel);
                }
                WalkState::Continue
            }
            Ok(_) => WalkState::Continue,
            // An unreadable folder hides files a rule may need: that is an
            // error, not something to skip quietly. A malformed line in an
            // ignore file is not (git ignores it too).
            Err(e) if e.io_error().is_some() => {
                let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                if failed.is_none() {
                    *failed = Some(describe(&e));
                }
                WalkState::Quit
            }
            Err(_) => WalkState::Continue,
        }
    }
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&mut self.files);
    }
}

/// "cannot read PATH: REASON" for a walk error.
fn describe(error: &ignore::Error) -> String {
    fn path_of(error: &ignore::Error) -> Option<&Path> {
        match error {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), ToString::to_string);
    match path_of(error) {
        Some(path) => format!("cannot read {}: {reason}", path.display()),
        None => format!("cannot walk the repository: {reason}"),
    }
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut s = String::new();
    for component in rel.components() {
        if !s.is_empty() {
            s.push('/');
        }
        // Non-UTF-8 names cannot be expressed in the rule interface; such
        // files are skipped (documented in docs/configuration.md).
        s.push_str(component.as_os_str().to_str()?);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(root: &Path, threads: usize) -> Vec<String> {
        let filter = Filter::new(&[], &["excluded/**".to_owned()]).unwrap();
        walk(root, &filter, threads).unwrap()
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    // Links and special files are covered end to end in
    // tests/cli/bad_inputs.rs (a symlink loop, a FIFO named like a migration).
    #[test]
    fn sees_the_tree_as_git_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "a.sql",
            ".github/workflows/ci.yml",
            ".env",
            "build/out.sql",
            "keep/build/out.sql",
            "docs/x.log",
            "docs/important.log",
            "docs/deep/y.log",
            "local.sql",
            "searched.sql",
            "node_modules/p/a.sql",
            "x/target/a.sql",
            ".git/config",
            "excluded/a.sql",
        ] {
            write(root, rel, "x\n");
        }
        write(root, ".gitignore", "/build/\n*.log\n");
        // A nested negation re-includes what the parent ignored.
        write(root, "docs/.gitignore", "!important.log\n");
        write(root, ".git/info/exclude", "local.sql\n");
        // ripgrep's `.ignore` files are not git's: no effect.
        write(root, ".ignore", "searched.sql\n");
        let expected = [
            ".env",
            ".github/workflows/ci.yml",
            ".gitignore",
            ".ignore",
            "a.sql",
            "docs/.gitignore",
            "docs/important.log",
            "keep/build/out.sql",
            "searched.sql",
        ];
        assert_eq!(paths(root, 1), expected);
        assert_eq!(paths(root, 4), expected);
    }
}
