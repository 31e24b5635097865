//! `--format text`: rustc-style diagnostics, drawn by annotate-snippets
//! (the renderer rustc and cargo use), so multi-line spans, tabs, wide
//! characters and colour look as Rust users know them.
//!
//! ```text
//! error[numbering/provider-mismatch]: lock file provider `mysql` differs from the schema's `postgresql`
//!  --> prisma/migrations/migration_lock.toml:3:12
//!   |
//! 3 | provider = "mysql"
//!   |            ^^^^^^^
//!   |
//!   = help: set provider = "postgresql"
//! ```
//!
//! A help text longer than a line goes below the snippet as a `help:`
//! section of its own. Only the lines a span covers are handed to the
//! renderer, so a file with thousands of findings is not re-read for
//! each.

use std::io::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::Style;
use crate::diagnostic::counts;
use crate::diagnostic::{Finding, Severity, Span};
use crate::engine::Report;
use crate::snapshot::Content;

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

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let paint = Paint(style.color);
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    render_findings(&report.findings, report, &renderer, out)?;
    for held in held_back(report) {
        if style.all && !held.findings.is_empty() {
            writeln!(
                out,
                "{}\n",
                paint.bold(&format!(
                    "drift-host: {} {} ({}; they do not fail the run):",
                    held.findings.len(),
                    held.what,
                    held.why
                ))
            )?;
            render_findings(held.findings, report, &renderer, out)?;
        }
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
        writeln!(out, "{}", paint.bold(&summary(report, style.all)))?;
    }
    Ok(())
}

fn render_findings(
    findings: &[Finding],
    report: &Report,
    renderer: &Renderer,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Findings are sorted by path: split each file into lines once, not
    // once per finding (a file with thousands of findings made rendering
    // quadratic in its size).
    let mut cached: Option<(&str, Vec<&str>)> = None;
    for finding in findings {
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
        render_finding(finding, lines, renderer, out)?;
        writeln!(out)?;
    }
    Ok(())
}

fn summary(report: &Report, all: bool) -> String {
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
    let line = if parts.is_empty() {
        format!("drift-host: no problems found ({scope})")
    } else {
        format!("drift-host: {} ({scope})", parts.join(", "))
    };
    let mut lines = vec![line];
    for held in held_back(report) {
        let Some(by_rule) = by_rule(held.findings) else {
            continue;
        };
        let n = held.findings.len();
        lines.push(if all {
            format!(
                "drift-host: {n} {} listed above ({by_rule}): {}, so they do not fail the run",
                held.what, held.why
            )
        } else {
            format!(
                "drift-host: {n} {} not shown ({by_rule}; `--all` lists them): {}, so they do \
                 not fail the run",
                held.what, held.why
            )
        });
    }
    lines.join("\n")
}

/// Findings that are counted rather than reported.
struct Held<'r> {
    findings: &'r [Finding],
    what: &'static str,
    why: &'static str,
}

fn held_back(report: &Report) -> [Held<'_>; 2] {
    [
        Held {
            findings: &report.preexisting,
            what: "pre-existing",
            why: "the base has them too",
        },
        Held {
            findings: &report.history,
            what: "in applied migrations",
            why: "their only fix would be editing migrations that never run again",
        },
    ]
}

/// `rule: count` per rule, by count then name; `None` when there is none.
fn by_rule(findings: &[Finding]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in findings {
        *by_rule.entry(f.rule.as_str()).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = by_rule.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Some(
        counts
            .iter()
            .map(|(rule, n)| format!("{rule}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// A help text that reads as one line stays in the snippet (`= help:`); a
/// longer one (a whole CLAUDE.md section) goes below it as a note of its
/// own, where its lines keep their shape.
const MAX_INLINE_HELP: usize = 160;

fn render_finding(
    f: &Finding,
    lines: &[&str],
    renderer: &Renderer,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let level = match f.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let id = format!("{}/{}", f.rule, f.check);
    let title = level.primary_title(f.message.as_str()).id(id);
    let mut group = match f.span.and_then(|span| excerpt(lines, span)) {
        Some((source, range, line_start)) => title.element(
            Snippet::source(source)
                .line_start(line_start)
                .path(f.path.as_str())
                .fold(true)
                .annotation(AnnotationKind::Primary.span(range)),
        ),
        None => {
            let mut origin = Origin::path(f.path.as_str());
            if let Some(span) = f.span {
                origin = origin
                    .line(span.line as usize)
                    .char_column(span.column as usize);
            }
            title.element(origin)
        }
    };
    let long_help = f
        .help
        .as_deref()
        .filter(|h| h.contains('\n') || h.chars().count() > MAX_INLINE_HELP);
    if let Some(help) = f.help.as_deref().filter(|_| long_help.is_none()) {
        group = group.element(Level::HELP.message(help));
    }
    let mut report = vec![group];
    if let Some(help) = long_help {
        report.push(Group::with_title(Level::HELP.secondary_title(help)));
    }
    writeln!(out, "{}", renderer.render(&report))
}

/// The lines a span covers, the span's byte range in them, and the first
/// line's number; `None` when the span is not in the text (a file that
/// changed since, or no text at all).
fn excerpt(lines: &[&str], span: Span) -> Option<(String, std::ops::Range<usize>, usize)> {
    let first = span.line as usize;
    let last = (span.end_line as usize).max(first);
    if first == 0 || last > lines.len() {
        return None;
    }
    let chosen = &lines[first - 1..last];
    let byte_at = |line: &str, column: u32| -> usize {
        line.char_indices()
            .nth((column as usize).saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(chosen[0], span.column);
    let mut offset = 0;
    for line in &chosen[..chosen.len() - 1] {
        offset += line.len() + 1;
    }
    let last_line = chosen[chosen.len() - 1];
    // The end column is inclusive: the span ends after its character. An
    // empty or inverted span still marks one character where there is one.
    let end = offset + byte_at(last_line, span.end_column.saturating_add(1));
    let end = if end > start {
        end
    } else {
        let text_end = offset + last_line.len();
        (start + 1..=text_end)
            .find(|&i| i == text_end || chosen.join("\n").is_char_boundary(i))
            .unwrap_or(start)
    };
    Some((chosen.join("\n"), start..end, first))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn finding(check: &str, path: &str, span: Option<Span>, help: Option<&str>) -> Finding {
        Finding {
            rule: "demo".to_owned(),
            check: check.to_owned(),
            severity: Severity::Warning,
            path: path.to_owned(),
            span,
            message: format!("a {check} finding"),
            help: help.map(str::to_owned),
        }
    }

    /// Every shape a finding takes in text: one line (with a tab and a
    /// multi-byte character before the span), several lines, no span, no
    /// source text, a span past the end of the file, and a help text too
    /// long for one line.
    #[test]
    fn renders_single_line_multi_line_and_sourceless_findings() {
        let sql = "\tSELECT 'é', x FROM t;\nCREATE TABLE a (\n  id int,\n  name text\n);\n";
        let mut report = Report::default();
        report.sources.insert(
            "m/01_a.sql".to_owned(),
            Arc::new(Content::Text(Arc::new(sql.to_owned()))),
        );
        report.findings = vec![
            finding(
                "single-line",
                "m/01_a.sql",
                Some(Span::line(1, 14, 14)),
                Some("short help"),
            ),
            finding(
                "multi-line",
                "m/01_a.sql",
                Some(Span {
                    line: 2,
                    column: 1,
                    end_line: 5,
                    end_column: 2,
                }),
                Some("also short"),
            ),
            finding(
                "whole-file",
                "m/01_a.sql",
                None,
                Some("nothing to point at"),
            ),
            finding(
                "no-source",
                "elsewhere/b.sql",
                Some(Span::line(3, 2, 4)),
                None,
            ),
            finding(
                "past-the-end",
                "m/01_a.sql",
                Some(Span::line(40, 1, 1)),
                None,
            ),
            finding(
                "long-help",
                "CLAUDE.md",
                None,
                Some(
                    "# Agent instructions\n\n## When Modifying Database Schema\n\n- Create a migration.",
                ),
            ),
        ];
        report.files_checked = 2;
        report.rules_run = 1;
        let mut out = Vec::new();
        render(
            &report,
            Style {
                color: false,
                quiet: false,
                all: false,
            },
            &mut out,
        )
        .unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
