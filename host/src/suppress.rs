//! Inline suppressions, for every rule: `drift-ignore` comments.
//!
//! ```sql
//! -- drift-ignore destructive-sql/drop-table: the table was emptied in 41_archive.sql
//! DROP TABLE legacy_orders;
//! ```
//!
//! - `drift-ignore <selector>[, <selector>]: <reason>` in a comment on its
//!   own line suppresses matching findings that start on the next line that
//!   is neither blank nor a comment; after code on the same line, it applies
//!   to that line.
//! - `drift-ignore-file <selector>...: <reason>` anywhere in the file
//!   suppresses matching findings in the whole file.
//! - A selector is `rule` (every check of the rule) or `rule/check`.
//! - Comments start with `--`, `#`, `//`, `/*` or `<!--`, so the same form
//!   works in SQL, shell, YAML, Prisma and Markdown.
//!
//! A suppression without a reason, or one that matches no finding of a rule
//! that ran, is itself a warning: suppressions should explain themselves and
//! must not outlive the problem they hid.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::diagnostic::{Finding, HOST_RULE, Severity, Span};
use crate::snapshot::Content;

const COMMENT_STARTS: &[&str] = &["--", "#", "//", "/*", "<!--"];

/// One `drift-ignore` directive.
#[derive(Debug, Clone)]
struct Directive {
    /// 1-based line of the comment.
    line: u32,
    column: u32,
    end_column: u32,
    /// `None`: file-wide.
    target_line: Option<u32>,
    selectors: Vec<String>,
    has_reason: bool,
    used: bool,
}

impl Directive {
    fn matches(&self, finding: &Finding) -> bool {
        let in_scope = match self.target_line {
            None => true,
            Some(line) => finding.span.is_some_and(|s| s.line == line),
        };
        in_scope
            && self
                .selectors
                .iter()
                .any(|s| s == &finding.rule || *s == format!("{}/{}", finding.rule, finding.check))
    }
}

/// Parses the directives of one file.
fn directives(text: &str) -> Vec<Directive> {
    if !text.contains("drift-ignore") {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let is_code = |line: &str| {
        let t = line.trim();
        !t.is_empty() && !COMMENT_STARTS.iter().any(|c| t.starts_with(c))
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("drift-ignore") else {
            continue;
        };
        let before = &line[..at];
        let Some(comment_at) = COMMENT_STARTS
            .iter()
            .filter_map(|c| before.rfind(c).map(|p| (p, c)))
            .max_by_key(|(p, _)| *p)
        else {
            continue;
        };
        // Only whitespace may sit between the comment marker and the word.
        if !before[comment_at.0 + comment_at.1.len()..]
            .trim()
            .is_empty()
        {
            continue;
        }
        let rest = &line[at + "drift-ignore".len()..];
        let (file_wide, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest
            .trim_end()
            .trim_end_matches("-->")
            .trim_end_matches("*/");
        let (selectors, reason) = match rest.split_once(':') {
            Some((s, r)) => (s, r.trim()),
            None => (rest, ""),
        };
        let selectors: Vec<String> = selectors
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let target_line = if file_wide {
            None
        } else if is_code(before) {
            Some(line_no)
        } else {
            lines
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, l)| is_code(l))
                .map(|(j, _)| u32::try_from(j + 1).unwrap_or(u32::MAX))
                .or(Some(0))
        };
        let column = line[..comment_at.0].chars().count() + 1;
        out.push(Directive {
            line: line_no,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            end_column: u32::try_from(line.trim_end().chars().count()).unwrap_or(u32::MAX),
            target_line,
            selectors,
            has_reason: !reason.is_empty(),
            used: false,
        });
    }
    out
}

/// Applies the suppressions found in `sources` to `findings`. Returns the
/// suppressed findings; adds warnings about reasonless and unused
/// directives (for rules in `ran`) to `findings`.
pub fn apply(
    findings: &mut Vec<Finding>,
    sources: &HashMap<String, Arc<Content>>,
    ran: &BTreeSet<String>,
) -> Vec<Finding> {
    let mut by_file: HashMap<&str, Vec<Directive>> = HashMap::new();
    for (path, content) in sources {
        if let Content::Text(text) = content.as_ref() {
            let found = directives(text);
            if !found.is_empty() {
                by_file.insert(path.as_str(), found);
            }
        }
    }
    if by_file.is_empty() {
        return Vec::new();
    }
    let mut suppressed = Vec::new();
    findings.retain(|finding| {
        let Some(directives) = by_file.get_mut(finding.path.as_str()) else {
            return true;
        };
        let mut hit = false;
        for d in directives.iter_mut().filter(|d| d.matches(finding)) {
            d.used = true;
            hit = true;
        }
        if hit {
            suppressed.push(finding.clone());
        }
        !hit
    });
    let mut paths: Vec<&&str> = by_file.keys().collect();
    paths.sort();
    let mut extra = Vec::new();
    for path in paths {
        for d in &by_file[*path] {
            let span = Some(Span {
                line: d.line,
                column: d.column,
                end_line: d.line,
                end_column: d.end_column.max(d.column),
            });
            if !d.has_reason {
                extra.push(Finding {
                    rule: HOST_RULE.to_owned(),
                    check: "suppression-without-reason".to_owned(),
                    severity: Severity::Warning,
                    path: (*path).to_owned(),
                    span,
                    message: format!("`drift-ignore {}` gives no reason", d.selectors.join(", ")),
                    help: Some(format!(
                        "say why the finding is acceptable: `drift-ignore {}: <reason>`",
                        d.selectors.join(", ")
                    )),
                });
            }
            let relevant = d
                .selectors
                .iter()
                .any(|s| ran.contains(s.split('/').next().unwrap_or(s)));
            if !d.used && relevant {
                extra.push(Finding {
                    rule: HOST_RULE.to_owned(),
                    check: "unused-suppression".to_owned(),
                    severity: Severity::Warning,
                    path: (*path).to_owned(),
                    span,
                    message: format!(
                        "`drift-ignore {}` matches no finding",
                        d.selectors.join(", ")
                    ),
                    help: Some(
                        "remove it: the problem it hid is gone, or it names the wrong rule/check or line"
                            .to_owned(),
                    ),
                });
            }
        }
    }
    findings.extend(extra);
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, check: &str, line: Option<u32>) -> Finding {
        Finding {
            rule: rule.to_owned(),
            check: check.to_owned(),
            severity: Severity::Error,
            path: "m.sql".to_owned(),
            span: line.map(|l| Span {
                line: l,
                column: 1,
                end_line: l,
                end_column: 1,
            }),
            message: "m".to_owned(),
            help: None,
        }
    }

    fn run(text: &str, findings: Vec<Finding>) -> (Vec<String>, usize) {
        let mut findings = findings;
        let sources = HashMap::from([(
            "m.sql".to_owned(),
            Arc::new(Content::Text(Arc::new(text.to_owned()))),
        )]);
        let ran = BTreeSet::from(["destructive-sql".to_owned(), "idempotency".to_owned()]);
        let suppressed = apply(&mut findings, &sources, &ran);
        (
            findings
                .iter()
                .map(|f| format!("{}/{}@{}", f.rule, f.check, f.span.map_or(0, |s| s.line)))
                .collect(),
            suppressed.len(),
        )
    }

    #[test]
    fn next_code_line_is_suppressed() {
        let text = "-- drift-ignore destructive-sql/drop-table: archived in 41\n\n-- another comment\nDROP TABLE a;\nDROP TABLE b;\n";
        let (left, n) = run(
            text,
            vec![
                finding("destructive-sql", "drop-table", Some(4)),
                finding("destructive-sql", "drop-table", Some(5)),
            ],
        );
        assert_eq!(n, 1);
        assert_eq!(left, ["destructive-sql/drop-table@5"]);
    }

    #[test]
    fn rule_selector_trailing_form_and_file_form() {
        let text = "DROP TABLE a; -- drift-ignore destructive-sql: fixture\n-- drift-ignore-file idempotency: runs once, by hand\nCREATE TABLE b (x int);\n";
        let (left, n) = run(
            text,
            vec![
                finding("destructive-sql", "drop-table", Some(1)),
                finding("idempotency", "create-without-if-not-exists", Some(3)),
                finding("idempotency", "whole-file", None),
            ],
        );
        assert_eq!(n, 3);
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn reasonless_and_unused_directives_warn() {
        let text = "-- drift-ignore destructive-sql/drop-table\nDROP TABLE a;\n-- drift-ignore idempotency/create-without-if-not-exists: stale\nSELECT 1;\n-- drift-ignore some-other-rule: not run\nSELECT 2;\n";
        let (left, n) = run(
            text,
            vec![finding("destructive-sql", "drop-table", Some(2))],
        );
        assert_eq!(n, 1);
        assert_eq!(
            left,
            [
                "drift-host/suppression-without-reason@1",
                "drift-host/unused-suppression@3"
            ]
        );
    }

    #[test]
    fn text_that_only_mentions_the_word_is_not_a_directive() {
        let text = "SELECT 'drift-ignore destructive-sql: x';\nDROP TABLE a;\n";
        let (left, n) = run(
            text,
            vec![finding("destructive-sql", "drop-table", Some(2))],
        );
        assert_eq!(n, 0);
        assert_eq!(left.len(), 1);
    }
}
