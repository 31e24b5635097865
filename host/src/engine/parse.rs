//! Phase 4: SQL parsed once, and each wanted file resolved once into what
//! crosses into the sandbox.
//!
//! Every `.sql` file an SQL-reading rule wants is parsed in parallel, once
//! per run, and the same tree is handed to each such rule; so are the base
//! versions of changed SQL files, for rules that rebuild the base state.
//! A file whose tree has errors gets one `drift-host/sql-syntax` warning.
//! Only PostgreSQL is parsed, and only the part of a file that runs
//! forward (`drift_syntax::dialect`): other engines' files get no tree, so
//! no rule judges them as PostgreSQL, and are counted in the report.
//! Resolving the sandbox record here, rather than per rule in the tasks,
//! shares the path and the tree instead of copying them per rule.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use drift_syntax::dialect::{self, Engine};
use rayon::prelude::*;

use super::Report;
use super::read::Files;
use super::select::Selection;
use crate::diagnostic::{Finding, HOST_RULE, RunError, Severity, Span};
use crate::setup::ActiveRule;
use crate::snapshot::{Content, Snapshot};
use crate::wire::{self, input};

/// A wanted file, resolved once for every task that hands it to a rule.
#[derive(Debug)]
pub(super) struct File {
    /// Without its tree (`sql: None`): only rules that read SQL get one.
    pub file: input::File,
    pub tree: Option<Arc<wire::SqlTree>>,
}

/// The sandbox records of a run.
#[derive(Debug)]
pub(super) struct Prepared {
    /// Indexed like `Snapshot::paths` (`None`: not wanted, or unreadable).
    pub files: Vec<Option<File>>,
    /// The base versions of changed files, by their path at the base.
    pub base: HashMap<String, File>,
}

impl Prepared {
    pub fn new(
        snapshot: &Snapshot,
        rules: &[ActiveRule],
        selection: &Selection,
        files: &Files,
        report: &mut Report,
    ) -> Self {
        let sql_wanted: BTreeSet<usize> = rules
            .iter()
            .zip(&selection.matched)
            .filter(|(rule, _)| rule.plugin.meta.sql)
            .flat_map(|(_, paths)| paths.iter().copied())
            .filter(|&i| snapshot.paths[i].ends_with(".sql"))
            .collect();
        let parsed: Vec<(usize, Parsed)> = sql_wanted
            .into_par_iter()
            .filter_map(|i| match files.contents[i].as_deref()? {
                Content::Text(text) => {
                    let path = &snapshot.paths[i];
                    Some((
                        i,
                        parse_postgres(path, text, snapshot.declared_engine(path)),
                    ))
                }
                _ => None,
            })
            .collect();
        let any_sql_rule = rules.iter().any(|r| r.plugin.meta.sql);
        let base = selection
            .changed_base
            .par_iter()
            .filter_map(|path| {
                let content = files.base.get(path)?;
                let file = input_file(path, content)?;
                let tree = match content.as_ref() {
                    Content::Text(text) if any_sql_rule && path.ends_with(".sql") => {
                        match parse_postgres(path, text, snapshot.declared_engine(path)) {
                            Parsed::Tree(tree) => tree.ok().map(Arc::new),
                            Parsed::NotPostgres(_) => None,
                        }
                    }
                    _ => None,
                };
                Some((path.clone(), File { file, tree }))
            })
            .collect();

        let mut prepared: Vec<Option<File>> = Vec::new();
        prepared.resize_with(snapshot.paths.len(), || None);
        for &index in &selection.wanted {
            prepared[index] = files.contents[index]
                .as_deref()
                .and_then(|content| input_file(&snapshot.paths[index], content))
                .map(|file| File { file, tree: None });
        }
        for (index, parsed) in parsed {
            let path = &snapshot.paths[index];
            let tree = match parsed {
                Parsed::Tree(tree) => tree,
                Parsed::NotPostgres(engine) => {
                    report.not_postgres.push((path.clone(), engine));
                    continue;
                }
            };
            match tree {
                Ok(tree) => {
                    // The earliest error: those of spliced bodies (`DO`,
                    // `EXECUTE`) come after the file's own in the list.
                    let first = tree.errors.iter().min_by_key(|e| (e.start, e.end));
                    if let (Some(first), Some(Content::Text(text))) =
                        (first, files.contents[index].as_deref())
                    {
                        report
                            .findings
                            .push(syntax_finding(path, text, first, tree.errors.len()));
                    }
                    if let Some(prepared) = &mut prepared[index] {
                        prepared.tree = Some(Arc::new(tree));
                    }
                }
                Err(message) => report.errors.push(RunError {
                    kind: "sql",
                    subject: path.clone(),
                    message,
                }),
            }
        }
        Self {
            files: prepared,
            base,
        }
    }
}

/// A SQL file, parsed or set aside.
enum Parsed {
    Tree(Result<wire::SqlTree, String>),
    /// Another engine's SQL: no tree, so no rule reads it as PostgreSQL
    /// (and no syntax warning for what PostgreSQL would not accept).
    NotPostgres(Engine),
}

/// Parses the part of `text` that runs forward (a goose or dbmate down
/// section is not), when it is PostgreSQL.
fn parse_postgres(path: &str, text: &str, declared: Option<Engine>) -> Parsed {
    match dialect::engine_of(path, text, declared) {
        Engine::PostgreSql => Parsed::Tree(crate::sql::parse(
            text.get(..dialect::forward_end(text)).unwrap_or(text),
        )),
        engine => Parsed::NotPostgres(engine),
    }
}

/// A file as it crosses into the sandbox (`None`: it could not be read,
/// which is an error of the run, not something a rule can check).
pub(super) fn input_file(path: &str, content: &Content) -> Option<input::File> {
    let content = match content {
        Content::Text(text) => input::Content::Text(text.clone()),
        Content::Binary => input::Content::Binary,
        Content::InvalidUtf8(at) => input::Content::InvalidUtf8(*at),
        Content::TooLarge(size) => input::Content::TooLarge(*size),
        Content::Unreadable(_) | Content::Missing(_) => return None,
    };
    Some(input::File {
        path: path.into(),
        content,
        sql: None,
    })
}

/// A SQL file an SQL-reading rule wanted has a syntax error: rules skip
/// the statements it damages (a half-parsed statement would be misnamed or
/// misjudged), so the host says so rather than let them pass silently. One
/// finding per file, at the first error: after one error the parser's
/// recovery makes the later ones mostly echoes of it. A warning, not an
/// error: the parser is tolerant of PostgreSQL it does not know, but may
/// still be wrong where PostgreSQL is right.
fn syntax_finding(path: &str, text: &str, first: &wire::SqlError, count: usize) -> Finding {
    let start = first.start as usize;
    let end = (first.end as usize).max(start);
    let more = match count {
        0 | 1 => String::new(),
        2 => " (and 1 more syntax error in this file)".to_owned(),
        n => format!(" (and {} more syntax errors in this file)", n - 1),
    };
    Finding {
        rule: HOST_RULE.to_owned(),
        check: "sql-syntax".to_owned(),
        severity: Severity::Warning,
        path: path.to_owned(),
        span: Some(Span::of_range(text, start..end)),
        message: format!(
            "syntax error: {}; rules may not check the statement it damages{more}",
            first.message
        ),
        help: Some(
            "fix the SQL (PostgreSQL would reject it too); if PostgreSQL accepts it, the parser \
             is wrong: say so with `-- drift-ignore drift-host/sql-syntax: <reason>` and report it"
                .to_owned(),
        ),
    }
}
