//! The host's own finding and error types: what rules report after the host
//! resolved severities, what went wrong while running them, and what a
//! loaded rule says about itself.
//!
//! A leaf: every other layer speaks these types, and this module imports
//! none of them. The order of findings is the determinism contract (path,
//! line, column, rule, check, message).

use std::collections::BTreeMap;

use serde::Serialize;

/// Severity after configuration is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// 1-based inclusive span: the SDK's, so rules and host agree on one type.
pub use drift_syntax::Span;

/// One resolved finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub check: String,
    pub severity: Severity,
    pub path: String,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// The deterministic sort key. Whole-file findings (no span) sort before
    /// positioned ones in the same file.
    fn key(&self) -> impl Ord + '_ {
        let (line, column, end_line, end_column) = self.span.map_or((0, 0, 0, 0), |s| {
            (s.line, s.column, s.end_line, s.end_column)
        });
        (
            &self.path,
            line,
            column,
            &self.rule,
            &self.check,
            end_line,
            end_column,
            &self.message,
            &self.help,
            self.severity,
        )
    }
}

/// Sorts findings into the stable output order and removes exact duplicates
/// (a per-file rule reporting the same thing from two chunks).
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.key().cmp(&b.key()));
    findings.dedup();
}

/// A failure that is not a finding: a plugin that trapped, a file that could
/// not be read. Any error makes the run exit with code 2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RunError {
    /// What failed: `plugin`, `io`, `config`.
    pub kind: &'static str,
    /// The plugin (rule id) or file concerned.
    pub subject: String,
    pub message: String,
}

/// Static description of a loaded rule (the host's copy of its metadata).
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub summary: String,
    pub default_severity: Severity,
    pub include: Vec<String>,
    pub checks: Vec<CheckMeta>,
    pub per_file: bool,
    /// Wants parsed SQL trees (interface 0.2.0 and later).
    pub sql: bool,
}

#[derive(Debug, Clone)]
pub struct CheckMeta {
    pub id: String,
    pub summary: String,
    pub default_severity: Severity,
    /// Its findings in an applied migration are history: counted, not
    /// reported (interface 0.5.0's `check-meta.applied`).
    pub history: bool,
}

impl RuleMeta {
    /// The check a finding names, which the rule must have declared.
    pub fn check(&self, id: &str) -> Result<&CheckMeta, String> {
        self.checks.iter().find(|c| c.id == id).ok_or_else(|| {
            format!(
                "returned a finding for undeclared check `{id}` (declared: {})",
                self.checks
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

/// Rule id under which the host reports files it could not hand over as text.
pub const HOST_RULE: &str = "drift-host";

/// The checks the host itself reports (here and in `suppress`), all
/// warnings, with their summaries: for SARIF's rule list and `explain`.
pub const HOST_CHECKS: &[(&str, &str)] = &[
    ("binary-file", "a file a rule asked for is binary"),
    ("invalid-utf8", "a file a rule asked for is not valid UTF-8"),
    (
        "file-too-large",
        "a file a rule asked for exceeds max-file-size",
    ),
    (
        "unreadable-file",
        "a file a rule asked for is not in this git clone",
    ),
    ("sql-syntax", "a SQL file rules read has a syntax error"),
    (
        "suppression-without-reason",
        "a drift-ignore comment gives no reason",
    ),
    (
        "unused-suppression",
        "a drift-ignore comment matches no finding",
    ),
];

/// The host's checks whose findings in an applied migration are history
/// (a syntax warning in a migration that never runs again).
pub const HOST_HISTORY_CHECKS: &[&str] = &["sql-syntax"];

/// Longest message or help kept, in bytes.
pub const MAX_TEXT: usize = 4096;

/// Cuts `text` to [`MAX_TEXT`] bytes (at a character boundary), marking the cut.
pub fn truncate(text: &mut String) {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("… (truncated)");
    }
}

/// Counts by severity, for summaries.
pub fn counts(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.severity).or_insert(0) += 1;
    }
    counts
}
