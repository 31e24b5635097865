//! `--format json`: the versioned machine-readable wire format.
//!
//! Version 1 is documented in docs/output-format.md. Fields are only ever
//! added within a version; a removal or change of meaning bumps `version`.

use std::io::Write;

use serde::Serialize;

use crate::diagnostic::counts;
use crate::diagnostic::{Finding, RunError, Severity};
use crate::engine::Report;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    errors: &'a [RunError],
    summary: Summary,
    /// In `--base` and `--staged` runs, the findings the base has too
    /// (they do not fail the run).
    preexisting: Vec<JsonFinding<'a>>,
    /// In full scans, findings of history checks in applied migrations
    /// (they do not fail the run).
    history: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    check: &'a str,
    severity: Severity,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    message: &'a str,
    help: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    fn of(f: &'a Finding) -> Self {
        Self {
            rule: &f.rule,
            check: &f.check,
            severity: f.severity,
            path: &f.path,
            line: f.span.map(|s| s.line),
            column: f.span.map(|s| s.column),
            end_line: f.span.map(|s| s.end_line),
            end_column: f.span.map(|s| s.end_column),
            message: &f.message,
            help: f.help.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    files_checked: usize,
    rules_run: usize,
    suppressed: usize,
    baselined: usize,
    preexisting: usize,
    history: usize,
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let counts = counts(&report.findings);
    let output = Output {
        version: VERSION,
        findings: report.findings.iter().map(JsonFinding::of).collect(),
        preexisting: report.preexisting.iter().map(JsonFinding::of).collect(),
        history: report.history.iter().map(JsonFinding::of).collect(),
        errors: &report.errors,
        summary: Summary {
            errors: counts.get(&Severity::Error).copied().unwrap_or(0),
            warnings: counts.get(&Severity::Warning).copied().unwrap_or(0),
            infos: counts.get(&Severity::Info).copied().unwrap_or(0),
            files_checked: report.files_checked,
            rules_run: report.rules_run,
            suppressed: report.suppressed.len(),
            baselined: report.baselined,
            preexisting: report.preexisting.len(),
            history: report.history.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
