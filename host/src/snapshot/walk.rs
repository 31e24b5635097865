//! Walking the working tree with walkdir, honouring `.gitignore` files.
//!
//! Each folder's `.gitignore` is compiled once, when the walk enters it, and
//! a path is judged by the deepest ignore file with an opinion on it (so a
//! nested `!pattern` re-includes what a parent ignored), like git. The root's
//! `.git/info/exclude` applies too. Symbolic links are not followed: a link is
//! not file content in git either, and not following them rules out loops.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::Filter;

/// Returns (repository-relative path, disk path) of every kept file.
pub fn walk(root: &Path, filter: &Filter) -> Result<Vec<(String, PathBuf)>> {
    let meta = std::fs::metadata(root)
        .with_context(|| format!("cannot read repository folder {}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("{} is not a folder", root.display());
    }
    let mut ignores: HashMap<PathBuf, Gitignore> = HashMap::new();
    ignores.insert(root.to_path_buf(), root_ignore(root));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            let Some(rel) = relative(root, entry.path()) else {
                return false;
            };
            let is_dir = entry.file_type().is_dir();
            if is_dir && !filter.keeps_dir(&rel) {
                return false;
            }
            if is_ignored(root, entry.path(), is_dir, &ignores) {
                return false;
            }
            if is_dir {
                let gi = dir_ignore(entry.path());
                ignores.insert(entry.path().to_path_buf(), gi);
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if let Some(rel) = relative(root, entry.path())
                    && filter.keeps(&rel)
                {
                    out.push((rel, entry.into_path()));
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    // An unreadable folder hides files a rule may need: that is an error, not
    // something to skip quietly.
    if let Some(e) = errors.into_iter().next() {
        let path = e
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        anyhow::bail!("cannot read {path}: {e}");
    }
    Ok(out)
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

fn root_ignore(root: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(root);
    builder.add(root.join(".gitignore"));
    builder.add(root.join(".git/info/exclude"));
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

fn dir_ignore(dir: &Path) -> Gitignore {
    let file = dir.join(".gitignore");
    if !file.is_file() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(dir);
    builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Asks the ignore files from the path's folder up to the root; the deepest
/// one that matches decides.
fn is_ignored(
    root: &Path,
    path: &Path,
    is_dir: bool,
    ignores: &HashMap<PathBuf, Gitignore>,
) -> bool {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if let Some(gi) = ignores.get(d) {
            match gi.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
    false
}
