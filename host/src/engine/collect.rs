//! Phase 6: results taken back in task order and resolved.
//!
//! Each finding is validated (a declared check, a repository-relative path,
//! a well-formed span), its text capped at [`crate::diagnostic::MAX_TEXT`], and its severity
//! resolved from the configuration; what a plugin returned malformed is an
//! error naming the plugin, while its well-formed findings and every other
//! rule's still count. One rule keeps at most [`MAX_FINDINGS_PER_RULE`].

use std::collections::{BTreeSet, HashMap};

use super::Report;
use super::tasks::TaskResult;
use crate::diagnostic::{Finding, RunError, Span, truncate};
use crate::setup::ActiveRule;
use crate::wire;

/// Most findings kept from one rule in one run. Beyond this a rule is
/// broken or misconfigured, and keeping everything would let one plugin
/// exhaust the host's memory and bury every other rule's findings.
pub const MAX_FINDINGS_PER_RULE: usize = 100_000;

/// Adds the tasks' results (sorted by task index) to `report`.
pub(super) fn collect(rules: &[ActiveRule], results: Vec<TaskResult>, report: &mut Report) {
    let mut failed = BTreeSet::new();
    let mut per_rule: HashMap<usize, usize> = HashMap::new();
    for (_, index, result) in results {
        let rule = &rules[index];
        match result {
            Ok(findings) => {
                let returned = findings.len();
                let kept = per_rule.entry(index).or_insert(0);
                let room = MAX_FINDINGS_PER_RULE.saturating_sub(*kept);
                if returned > room {
                    report.errors.push(RunError {
                        kind: "plugin",
                        subject: rule.plugin.meta.id.clone(),
                        message: format!(
                            "returned more than {MAX_FINDINGS_PER_RULE} findings; the rest were \
                             dropped (a rule this noisy is misconfigured or broken)"
                        ),
                    });
                }
                *kept += returned.min(room);
                for mut finding in findings.into_iter().take(room) {
                    truncate(&mut finding.message);
                    if let Some(help) = &mut finding.help {
                        truncate(help);
                    }
                    match resolve(rule, finding) {
                        Ok(Some(f)) => report.findings.push(f),
                        Ok(None) => {}
                        Err(message) => report.errors.push(RunError {
                            kind: "plugin",
                            subject: rule.plugin.meta.id.clone(),
                            message,
                        }),
                    }
                }
            }
            // A per-file rule that fails on several chunks is one error.
            Err(e) => {
                if failed.insert((index, e.message.clone())) {
                    report.errors.push(RunError::from(e));
                }
            }
        }
    }
}

/// Applies configuration to a raw finding and validates it. `Ok(None)`: the
/// check is turned off. `Err`: the plugin returned something malformed.
fn resolve(rule: &ActiveRule, finding: wire::Finding) -> Result<Option<Finding>, String> {
    let meta = &rule.plugin.meta;
    let check = meta.check(&finding.check)?;
    let path = finding.path;
    if path.is_empty()
        || path.starts_with('/')
        || path.split('/').any(|c| c == ".." || c.is_empty())
    {
        return Err(format!(
            "returned a finding with an invalid path `{path}` (expected a repository-relative path)"
        ));
    }
    let span = match finding.span {
        None => None,
        Some(s) => {
            if s.line == 0 || s.column == 0 || (s.end_line, s.end_column) < (s.line, s.column) {
                return Err(format!(
                    "returned a finding with an invalid span {}:{}-{}:{} in `{path}`",
                    s.line, s.column, s.end_line, s.end_column
                ));
            }
            Some(Span {
                line: s.line,
                column: s.column,
                end_line: s.end_line,
                end_column: s.end_column,
            })
        }
    };
    let Some(severity) = rule.severity(check, finding.severity) else {
        return Ok(None);
    };
    Ok(Some(Finding {
        rule: meta.id.clone(),
        check: check.id.clone(),
        severity,
        path,
        span,
        message: finding.message,
        help: finding.help,
    }))
}
