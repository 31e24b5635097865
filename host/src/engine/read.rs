//! Phase 2: every wanted file read exactly once.
//!
//! The snapshot reads the files (in parallel from disk, or in one
//! `git cat-file --batch` process) and classifies them; each content is
//! then looked up once, into a vector indexed like `Snapshot::paths`,
//! because parsing, the host's findings and the sandbox records all need it
//! and a lookup hashes a long path. Files a rule asked for that are not
//! text become the host's own findings here, so nothing is skipped
//! silently.

use std::collections::HashMap;
use std::sync::Arc;

use super::Report;
use super::select::Selection;
use crate::diagnostic::{Finding, HOST_RULE, RunError, Severity};
use crate::snapshot::{Content, Snapshot};

/// The contents of a run.
#[derive(Debug)]
pub(super) struct Files {
    /// Every wanted file's content, by path (for excerpts and suppressions).
    pub sources: HashMap<String, Arc<Content>>,
    /// The same contents, indexed like `Snapshot::paths` (`None`: not wanted).
    pub contents: Vec<Option<Arc<Content>>>,
    /// The base versions of changed files, by their path at the base.
    pub base: HashMap<String, Arc<Content>>,
}

impl Files {
    pub fn read(snapshot: &Snapshot, selection: &Selection) -> Self {
        let wanted: Vec<String> = selection
            .wanted
            .iter()
            .map(|&i| snapshot.paths[i].clone())
            .collect();
        let sources = snapshot.read(&wanted);
        let mut contents = vec![None; snapshot.paths.len()];
        for (&index, path) in selection.wanted.iter().zip(&wanted) {
            contents[index] = sources.get(path).cloned();
        }
        let base = snapshot.read_base(&selection.changed_base);
        Self {
            sources,
            contents,
            base,
        }
    }

    /// Files a rule asked for that are not text: a warning finding (rules
    /// skip them), or an error when they could not be read at all.
    pub fn content_findings(
        &self,
        snapshot: &Snapshot,
        selection: &Selection,
        report: &mut Report,
    ) {
        for &index in &selection.wanted {
            let Some(content) = &self.contents[index] else {
                continue;
            };
            let path = &snapshot.paths[index];
            let (check, message, help) = match content.as_ref() {
                Content::Text(_) => continue,
                Content::Unreadable(e) => {
                    report.errors.push(RunError {
                        kind: "io",
                        subject: path.clone(),
                        message: format!("cannot read `{path}`: {e}"),
                    });
                    continue;
                }
                Content::Missing(why) => (
                    "unreadable-file",
                    format!("{why}, so rules cannot check this file"),
                    "fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in \
                     actions/checkout) or the missing objects, then run again",
                ),
                Content::Binary => (
                    "binary-file",
                    "file contains NUL bytes, so rules cannot check it as text".to_owned(),
                    "if this is a migration, save it as UTF-8 text; otherwise exclude it in rules.toml",
                ),
                Content::InvalidUtf8(at) => (
                    "invalid-utf8",
                    format!(
                        "file is not valid UTF-8 (first invalid byte at offset {at}), so rules cannot check it"
                    ),
                    "re-save the file as UTF-8 (PostgreSQL clients expect UTF-8 migrations)",
                ),
                Content::TooLarge(size) => (
                    "file-too-large",
                    format!(
                        "file is {size} bytes, over the `max-file-size` limit, so rules skip it"
                    ),
                    "raise `max-file-size` in rules.toml, or exclude the file",
                ),
            };
            report.findings.push(Finding {
                rule: HOST_RULE.to_owned(),
                check: check.to_owned(),
                severity: Severity::Warning,
                path: path.clone(),
                span: None,
                message,
                help: Some(help.to_owned()),
            });
        }
    }
}
