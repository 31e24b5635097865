//! The verdict rendered: rustc-style for people (and agents reading
//! stderr) through the text renderer, a compact reason for an agent the
//! hook blocks, and the notes worth showing when a command runs anyway.

use std::io::Write;
use std::sync::Arc;

use super::judge::one_line;
use super::{COMMAND_PATH, OVERRIDE_ENV, Verdict};
use crate::diagnostic::Severity;
use crate::engine::Report;
use crate::snapshot::Content;

/// Renders the verdict for people (and agents reading stderr).
pub fn render_text(verdict: &Verdict, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut report = Report {
        findings: verdict.findings.clone(),
        ..Report::default()
    };
    report.sources.insert(
        COMMAND_PATH.to_owned(),
        Arc::new(Content::Text(Arc::new(verdict.command.clone()))),
    );
    crate::output::text::render(
        &report,
        crate::output::Style {
            color,
            quiet: true,
            all: false,
        },
        out,
    )?;
    for error in &verdict.errors {
        writeln!(
            out,
            "error: {} `{}`: {}",
            error.kind, error.subject, error.message
        )?;
    }
    for (finding, at) in &verdict.allowed {
        writeln!(
            out,
            "note: allowed by [guard] allow ({at}): {}/{}: {}",
            finding.rule, finding.check, finding.message
        )?;
    }
    let refused = verdict.refused();
    match (&verdict.overridden, refused) {
        (Some(reason), true) => writeln!(
            out,
            "drift-host guard: OVERRIDDEN by a human ({OVERRIDE_ENV}): {reason}\n\
             drift-host guard: allowing a command the rules block: {}",
            verdict.command
        ),
        (_, true) if !verdict.errors.is_empty() => writeln!(
            out,
            "drift-host guard: blocked: the command could not be checked (see the errors \
             above); a human who has checked it can allow it with {OVERRIDE_ENV}=\"<reason>\""
        ),
        (_, true) if verdict.asks() => writeln!(
            out,
            "drift-host guard: needs the user's consent: propose the command to them; they can \
             run it themselves, or allow it with {OVERRIDE_ENV}=\"<reason>\""
        ),
        (_, true) => writeln!(
            out,
            "drift-host guard: blocked; if a human decides this is intended, they can run it \
             themselves or allow it with {OVERRIDE_ENV}=\"<reason>\""
        ),
        (_, false) => Ok(()),
    }
}

/// The reason shown to the agent when a hook blocks: the findings in the
/// compact `rule/check: message (help)` form, one per line.
///
/// `unprompted`: why a command that needs consent is refused instead (no
/// person would see the prompt).
pub(super) fn agent_reason(verdict: &Verdict, unprompted: Option<&str>) -> String {
    let mut lines = vec![format!(
        "drift-host guard blocked this command: {}",
        one_line(&verdict.command)
    )];
    lines.extend(finding_lines(verdict, true));
    if let Some(why) = unprompted {
        lines.push(format!(
            "It needs the user's consent, and {why}, so it is refused."
        ));
    }
    for e in &verdict.errors {
        lines.push(format!(
            "- the guard could not check it: {} `{}`: {}",
            e.kind, e.subject, e.message
        ));
    }
    lines.push(
        "Do not work around this block (other wrappers, scripts or spellings of the same \
         command). If the command is really needed, stop and ask the user to run it themselves."
            .to_owned(),
    );
    lines.join("\n")
}

/// Warnings and notes worth showing the user even when the command runs.
pub(super) fn user_message(verdict: &Verdict) -> Option<String> {
    let mut lines = Vec::new();
    if let (Some(reason), true) = (&verdict.overridden, verdict.refused()) {
        lines.push(format!(
            "drift-host guard: OVERRIDDEN by a human ({OVERRIDE_ENV}: {reason}): allowing `{}` \
             despite:",
            one_line(&verdict.command)
        ));
        for f in &verdict.findings {
            lines.push(format!("- {}/{}: {}", f.rule, f.check, f.message));
        }
        for e in &verdict.errors {
            lines.push(format!("- {} `{}`: {}", e.kind, e.subject, e.message));
        }
    } else {
        for f in verdict
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Error)
        {
            lines.push(format!(
                "drift-host guard {}: {}/{}: {}",
                f.severity.as_str(),
                f.rule,
                f.check,
                f.message
            ));
        }
    }
    for (f, at) in &verdict.allowed {
        lines.push(format!(
            "drift-host guard: allowed by [guard] allow ({at}): {}/{}: {}",
            f.rule, f.check, f.message
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The reason shown in the permission prompt when the hook asks: what the
/// command would do, for the person deciding.
pub(super) fn consent_reason(verdict: &Verdict) -> String {
    let mut lines = vec![format!(
        "drift-host guard: this command needs your consent: {}",
        one_line(&verdict.command)
    )];
    lines.extend(finding_lines(verdict, false));
    lines.join("\n")
}

/// The error findings as `- rule/check: message`, with their help when
/// the reader is the agent.
fn finding_lines(verdict: &Verdict, with_help: bool) -> Vec<String> {
    verdict
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let mut line = format!("- {}/{}: {}", f.rule, f.check, f.message);
            if with_help && let Some(help) = &f.help {
                line.push_str(&format!(" (instead: {help})"));
            }
            line
        })
        .collect()
}
