//! `--format text`: rustc-style diagnostics.
//!
//! ```text
//! error[numbering/provider-mismatch]: lock file provider `mysql` differs from the schema's `postgresql`
//!  --> prisma/migrations/migration_lock.toml:3:12
//!   |
//! 3 | provider = "mysql"
//!   |            ^^^^^^^
//!   = help: set provider = "postgresql"
//! ```

use std::io::Write;

use super::Style;
use crate::diagnostic::counts;
use crate::diagnostic::{Finding, Severity};
use crate::engine::Report;
use crate::snapshot::Content;

/// Excerpts show at most this many lines of a multi-line span.
const MAX_EXCERPT_LINES: usize = 6;

/// ANSI styling, a no-op when colour is off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn paint(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, text)
    }

    fn gutter(self, text: &str) -> String {
        self.paint("1;34", text)
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let paint = Paint(style.color);
    // Findings are sorted by path: split each file into lines once, not
    // once per finding (a file with thousands of findings made rendering
    // quadratic in its size).
    let mut cached: Option<(&str, Vec<&str>)> = None;
    for finding in &report.findings {
        if cached
            .as_ref()
            .is_none_or(|(path, _)| *path != finding.path)
        {
            let lines = report
                .sources
                .get(&finding.path)
                .and_then(|c| match c.as_ref() {
                    Content::Text(t) => Some(t.lines().collect()),
                    _ => None,
                })
                .unwrap_or_default();
            cached = Some((finding.path.as_str(), lines));
        }
        let lines = cached.as_ref().map_or(&[][..], |(_, l)| l.as_slice());
        render_finding(finding, lines, paint, out)?;
        writeln!(out)?;
    }
    for error in &report.errors {
        let label = paint.severity(Severity::Error, "error");
        writeln!(
            out,
            "{label}: {} `{}`: {}",
            error.kind, error.subject, error.message
        )?;
    }
    if !style.quiet {
        writeln!(out, "{}", paint.bold(&summary(report)))?;
    }
    Ok(())
}

fn summary(report: &Report) -> String {
    let counts = counts(&report.findings);
    let n = |s: Severity| counts.get(&s).copied().unwrap_or(0);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut parts = Vec::new();
    for (severity, word) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "note"),
    ] {
        if n(severity) > 0 {
            parts.push(plural(n(severity), word));
        }
    }
    if !report.errors.is_empty() {
        parts.push(plural(report.errors.len(), "failure"));
    }
    let mut suppressed = String::new();
    if !report.suppressed.is_empty() {
        suppressed.push_str(&format!(", {} suppressed", report.suppressed.len()));
    }
    if report.baselined > 0 {
        suppressed.push_str(&format!(", {} baselined", report.baselined));
    }
    let scope = format!(
        "{} checked by {}{suppressed}",
        plural(report.files_checked, "file"),
        plural(report.rules_run, "rule")
    );
    if parts.is_empty() {
        format!("drift-host: no problems found ({scope})")
    } else {
        format!("drift-host: {} ({scope})", parts.join(", "))
    }
}

fn render_finding(
    f: &Finding,
    lines: &[&str],
    paint: Paint,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let header = format!("{}[{}/{}]", f.severity.as_str(), f.rule, f.check);
    let message = format!(": {}", f.message);
    writeln!(
        out,
        "{}{}",
        paint.severity(f.severity, &header),
        paint.bold(&message)
    )?;
    let Some(span) = f.span else {
        writeln!(out, " {} {}", paint.gutter("-->"), f.path)?;
        if let Some(help) = &f.help {
            writeln!(out, "  {} {help}", paint.gutter("= help:"))?;
        }
        return Ok(());
    };
    let first = span.line as usize;
    let last = (span.end_line as usize).min(first + MAX_EXCERPT_LINES - 1);
    let width = last.to_string().len();
    let pad = " ".repeat(width);
    let arrow = paint.gutter("-->");
    writeln!(out, "{pad}{arrow} {}:{}:{}", f.path, span.line, span.column)?;
    let bar = paint.gutter("|");
    if first <= lines.len() {
        writeln!(out, "{pad} {bar}")?;
        for number in first..=last.min(lines.len()) {
            let line = expand_tabs(lines[number - 1]);
            let gutter = paint.gutter(&format!("{number:>width$} |"));
            writeln!(out, "{gutter} {}", line.trim_end())?;
            let (start, end) = underline(lines[number - 1], number, span);
            if end > start {
                let carets = paint.severity(f.severity, &"^".repeat(end - start));
                writeln!(out, "{pad} {bar} {}{carets}", " ".repeat(start))?;
            }
        }
    }
    if let Some(help) = &f.help {
        writeln!(out, "{pad} {} {help}", paint.gutter("= help:"))?;
    }
    Ok(())
}

fn expand_tabs(line: &str) -> String {
    line.replace('\t', "    ")
}

/// Display columns [start, end) to underline on `line` (1-based `number`).
fn underline(line: &str, number: usize, span: crate::diagnostic::Span) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let from = if number == span.line as usize {
        span.column as usize - 1
    } else {
        0
    };
    let to = if number == span.end_line as usize {
        (span.end_column as usize).min(chars.len().max(from + 1))
    } else {
        chars.len()
    };
    let display = |n: usize| -> usize {
        chars
            .iter()
            .take(n)
            .map(|&c| if c == '\t' { 4 } else { 1 })
            .sum()
    };
    let start = display(from.min(chars.len()));
    let end = display(to.min(chars.len())).max(start + 1);
    (start, end)
}
