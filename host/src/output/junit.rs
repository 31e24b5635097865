//! `--format junit`: JUnit XML, for CI systems that show test reports
//! (GitLab, Jenkins). One test suite per rule, one failing test case per
//! finding; failures of the run are an `errors` suite.

use std::collections::BTreeMap;
use std::io::Write;

use crate::diagnostic::Finding;
use crate::engine::Report;

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for rule in &report.rules {
        suites.entry(rule.id.as_str()).or_default();
    }
    for f in &report.findings {
        suites.entry(f.rule.as_str()).or_default().push(f);
    }
    let failures = report.findings.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="drift-host" tests="{}" failures="{failures}" errors="{}">"#,
        failures.max(1) + report.errors.len(),
        report.errors.len()
    )?;
    for (rule, findings) in &suites {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}">"#,
            xml(rule),
            findings.len().max(1),
            findings.len()
        )?;
        if findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}"/>"#,
                xml(rule),
                xml(rule)
            )?;
        }
        for f in findings {
            let location = match f.span {
                Some(s) => format!("{}:{}:{}", f.path, s.line, s.column),
                None => f.path.clone(),
            };
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}/{}" file="{}">"#,
                xml(&location),
                xml(&f.rule),
                xml(&f.check),
                xml(&f.path)
            )?;
            let body = match &f.help {
                Some(help) => format!("{location}: {}\nhelp: {help}", f.message),
                None => format!("{location}: {}", f.message),
            };
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml(&f.message),
                f.severity.as_str(),
                xml(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if !report.errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="errors" tests="{0}" errors="{0}">"#,
            report.errors.len()
        )?;
        for e in &report.errors {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}"><error message="{}"/></testcase>"#,
                xml(&e.subject),
                e.kind,
                xml(&e.message)
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
