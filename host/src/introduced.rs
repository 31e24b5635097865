//! What a change introduces. In `--base` and `--staged` runs the rules run
//! on the base too, and a finding of the change that was already there is
//! pre-existing: it is counted in the summary, listed with `--all`, and
//! never fails the run. A CI check then fails only on what the pull
//! request did, whatever the state of the rest of the repository.
//!
//! A finding is pre-existing when the base has one with the same rule and
//! check, in the same file (followed through renames), with the same
//! fingerprint: its message, and the text it points at with whitespace
//! folded: for a `.sql` file the whole statement's tokens (so comments,
//! reformatting and moved lines change nothing), elsewhere the lines of its
//! span (so `prisma format` realigning a model resurrects nothing). Equal
//! fingerprints are matched by count: a second copy of a problem is new.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::Finding;
use crate::snapshot::Content;

/// The contents of the files of one run, by path.
pub type Sources = HashMap<String, Arc<Content>>;

/// A run's findings, split.
#[derive(Debug, Default)]
pub struct Split {
    /// What the change introduces.
    pub new: Vec<Finding>,
    /// What was there at the base already.
    pub preexisting: Vec<Finding>,
}

/// Splits `head`'s findings into new and pre-existing ones, given the
/// findings of the same rules on the base. `base_path` maps a path of the
/// change to the path it had at the base (renames); others are unchanged.
pub fn split(
    head: Vec<Finding>,
    head_sources: &Sources,
    base: &[Finding],
    base_sources: &Sources,
    base_path: &dyn Fn(&str) -> String,
) -> Split {
    let mut head_texts = Texts::new(head_sources);
    let mut base_texts = Texts::new(base_sources);
    let mut at_base: HashMap<Key, usize> = HashMap::new();
    for finding in base {
        let key = Key::of(finding, &finding.path, &mut base_texts);
        *at_base.entry(key).or_default() += 1;
    }
    let mut split = Split::default();
    for finding in head {
        let key = Key::of(&finding, &base_path(&finding.path), &mut head_texts);
        match at_base.get_mut(&key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                split.preexisting.push(finding);
            }
            _ => split.new.push(finding),
        }
    }
    split
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    rule: String,
    check: String,
    path: String,
    message: String,
    context: String,
}

impl Key {
    fn of(finding: &Finding, path: &str, texts: &mut Texts<'_>) -> Self {
        Self {
            rule: finding.rule.clone(),
            check: finding.check.clone(),
            path: path.to_owned(),
            message: fold(&finding.message),
            context: texts.context(finding),
        }
    }
}

/// Whitespace folded to single spaces, ends trimmed.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The texts of one run, with the statements of SQL files parsed once.
struct Texts<'s> {
    sources: &'s Sources,
    statements: HashMap<String, Vec<(std::ops::Range<usize>, String)>>,
}

impl<'s> Texts<'s> {
    fn new(sources: &'s Sources) -> Self {
        Self {
            sources,
            statements: HashMap::new(),
        }
    }

    /// What a finding points at, folded; empty for a whole-file finding.
    fn context(&mut self, finding: &Finding) -> String {
        let Some(span) = finding.span else {
            return String::new();
        };
        let Some(Content::Text(text)) = self.sources.get(&finding.path).map(AsRef::as_ref) else {
            return String::new();
        };
        let lines: Vec<&str> = text.lines().collect();
        let first = (span.line as usize).saturating_sub(1);
        let last = (span.end_line as usize).max(span.line as usize);
        if finding.path.ends_with(".sql") {
            let offset: usize = lines.iter().take(first).map(|l| l.len() + 1).sum::<usize>()
                + lines
                    .get(first)
                    .and_then(|l| l.char_indices().nth(span.column as usize - 1))
                    .map_or(0, |(i, _)| i);
            let statements = self
                .statements
                .entry(finding.path.clone())
                .or_insert_with(|| statements(text));
            if let Some((_, tokens)) = statements.iter().find(|(r, _)| r.contains(&offset)) {
                return tokens.clone();
            }
        }
        fold(
            &lines
                .get(first..last.min(lines.len()))
                .unwrap_or(&[])
                .join("\n"),
        )
    }
}

/// Each top-level statement of a SQL text: its range, and its tokens joined
/// by single spaces (comments are not tokens of the tree).
fn statements(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let tree = drift_syntax::sql::parse(text);
    let Some(root) = tree.root() else {
        return Vec::new();
    };
    root.children()
        .filter(|n| !n.is_token())
        .map(|statement| {
            let tokens: Vec<&str> = statement
                .descendants()
                .filter(|n| n.is_token())
                .map(|n| n.text(text))
                .collect();
            (statement.range(), tokens.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Severity, Span};

    fn finding(path: &str, line: u32, column: u32, check: &str) -> Finding {
        Finding {
            rule: "demo".to_owned(),
            check: check.to_owned(),
            severity: Severity::Error,
            path: path.to_owned(),
            span: Some(Span::line(line, column, column)),
            message: "a message".to_owned(),
            help: None,
        }
    }

    fn sources(files: &[(&str, &str)]) -> Sources {
        files
            .iter()
            .map(|(p, t)| {
                (
                    (*p).to_owned(),
                    Arc::new(Content::Text(Arc::new((*t).to_owned()))),
                )
            })
            .collect()
    }

    #[test]
    fn a_moved_and_reformatted_statement_is_the_same_finding() {
        let base = sources(&[("m/01.sql", "DROP TABLE a;\nDROP TABLE b;\n")]);
        let head = sources(&[(
            "m/01.sql",
            "-- a comment above\nDROP TABLE a;\n\n  DROP\n  TABLE b; -- moved\nDROP TABLE c;\n",
        )]);
        let split = split(
            vec![
                finding("m/01.sql", 2, 1, "drop-table"),
                finding("m/01.sql", 4, 3, "drop-table"),
                finding("m/01.sql", 6, 1, "drop-table"),
            ],
            &head,
            &[
                finding("m/01.sql", 1, 1, "drop-table"),
                finding("m/01.sql", 2, 1, "drop-table"),
            ],
            &base,
            &|p| p.to_owned(),
        );
        let lines = |v: &[Finding]| v.iter().map(|f| f.span.unwrap().line).collect::<Vec<_>>();
        assert_eq!(lines(&split.preexisting), [2, 4]);
        assert_eq!(lines(&split.new), [6]);
    }

    #[test]
    fn renames_are_followed_and_copies_are_counted() {
        let text = "model User {\n  id    Int @id\n}\n";
        let realigned = "model User {\n  id Int @id\n}\n";
        let base = sources(&[("old/schema.prisma", text)]);
        let head = sources(&[("new/schema.prisma", realigned)]);
        let split = split(
            vec![
                finding("new/schema.prisma", 2, 3, "missing-column"),
                finding("new/schema.prisma", 2, 3, "missing-column"),
            ],
            &head,
            &[finding("old/schema.prisma", 2, 3, "missing-column")],
            &base,
            &|p| p.replace("new/", "old/"),
        );
        // Realigned by `prisma format`: still the one pre-existing finding;
        // the second copy is new.
        assert_eq!((split.preexisting.len(), split.new.len()), (1, 1));
    }

    #[test]
    fn another_check_or_message_is_new() {
        let files = sources(&[("a.sql", "DROP TABLE a;\n")]);
        let mut other = finding("a.sql", 1, 1, "drop-table");
        other.message = "another message".to_owned();
        let split = split(
            vec![finding("a.sql", 1, 1, "cascade"), other],
            &files,
            &[finding("a.sql", 1, 1, "drop-table")],
            &files,
            &|p| p.to_owned(),
        );
        assert_eq!(split.new.len(), 2);
    }
}
