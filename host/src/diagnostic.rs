//! The host's own finding and error types: what rules report after the host
//! resolved severities, and what went wrong while running them.
//!
//! These are the values every output format renders; their order is the
//! determinism contract (path, line, column, rule, check, message).

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

impl From<crate::plugin::PluginError> for RunError {
    fn from(e: crate::plugin::PluginError) -> Self {
        Self {
            kind: "plugin",
            subject: e.plugin,
            message: e.message,
        }
    }
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
