//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF
//! consumers.
//!
//! One run; the driver lists every check of every rule that ran (id
//! `rule/check`, the check's summary as short description, the rule's as
//! full description, a help URI into the rule's doc page for built-ins).
//! Regions use SARIF's exclusive end column. Suppressed findings are
//! included with an `inSource` suppression, as code scanning expects.
//! Plugin and I/O failures are tool execution notifications, and make
//! `executionSuccessful` false. In `--base` and `--staged` runs, results
//! carry `baselineState`: `new` for what the change introduced,
//! `unchanged` for pre-existing findings (listed too).

use std::io::Write;

use serde_json::{Value, json};

use crate::builtins::is_builtin;
use crate::diagnostic::{Finding, Severity};
use crate::diagnostic::{HOST_CHECKS, HOST_RULE};
use crate::engine::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn help_uri(rule: &str, check: &str) -> Option<String> {
    let base = env!("CARGO_PKG_REPOSITORY");
    if rule == HOST_RULE {
        Some(format!("{base}/blob/main/docs/configuration.md"))
    } else if is_builtin(rule) {
        Some(format!("{base}/blob/main/docs/rules/{rule}.md#{check}"))
    } else {
        None
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut descriptors = Vec::new();
    let mut ids = Vec::new();
    for rule in &report.rules {
        for check in &rule.checks {
            let id = format!("{}/{}", rule.id, check.id);
            let mut descriptor = json!({
                "id": id,
                "shortDescription": { "text": check.summary },
                "fullDescription": { "text": format!("{}: {}", rule.id, rule.summary) },
                "defaultConfiguration": { "level": level(check.default_severity) },
            });
            if let Some(uri) = help_uri(&rule.id, &check.id) {
                descriptor["helpUri"] = json!(uri);
            }
            descriptors.push(descriptor);
            ids.push(id);
        }
    }
    for (check, summary) in HOST_CHECKS {
        let id = format!("{HOST_RULE}/{check}");
        descriptors.push(json!({
            "id": id,
            "shortDescription": { "text": summary },
            "fullDescription": { "text": "Reported by drift-host itself." },
            "defaultConfiguration": { "level": "warning" },
            "helpUri": help_uri(HOST_RULE, check),
        }));
        ids.push(id);
    }
    // In a diff run every result says whether the change introduced it
    // (`new`) or the base had it too (`unchanged`): code scanning compares
    // with the base branch's own analysis, and a pre-existing finding left
    // out would read as fixed.
    let state = |new: bool| -> Option<&'static str> {
        report
            .compared
            .then_some(if new { "new" } else { "unchanged" })
    };
    let result = |f: &Finding, suppressed: bool, baseline: Option<&str>| -> Value {
        let id = format!("{}/{}", f.rule, f.check);
        let text = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": f.path, "uriBaseId": "%SRCROOT%" },
            }
        });
        if let Some(s) = f.span {
            location["physicalLocation"]["region"] = json!({
                "startLine": s.line,
                "startColumn": s.column,
                "endLine": s.end_line,
                "endColumn": s.end_column + 1,
            });
        }
        let mut result = json!({
            "ruleId": id,
            "level": level(f.severity),
            "message": { "text": text },
            "locations": [location],
        });
        if let Some(index) = ids.iter().position(|i| *i == id) {
            result["ruleIndex"] = json!(index);
        }
        if suppressed {
            result["suppressions"] = json!([{ "kind": "inSource" }]);
        }
        if let Some(baseline) = baseline {
            result["baselineState"] = json!(baseline);
        }
        result
    };
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, false, state(true)))
        .collect();
    results.extend(
        report
            .preexisting
            .iter()
            .map(|f| result(f, false, state(false))),
    );
    results.extend(report.suppressed.iter().map(|f| result(f, true, None)));
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{} `{}`: {}", e.kind, e.subject, e.message) },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "drift-host",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": descriptors,
                }
            },
            "results": results,
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}
