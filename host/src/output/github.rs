//! `--format github`: GitHub Actions workflow commands, so findings appear
//! as annotations on the pull request's diff.
//!
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule/check::message`
//! (warning for warnings, notice for infos). Property values and messages
//! are escaped as the runner requires.

use std::io::Write;

use crate::diagnostic::Severity;
use crate::engine::Report;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(&f.path))];
        if let Some(s) = f.span {
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.column));
            props.push(format!("endLine={}", s.end_line));
            props.push(format!("endColumn={}", s.end_column));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{}/{}", f.rule, f.check))
        ));
        let message = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    for e in &report.errors {
        writeln!(
            out,
            "::error title={}::{}",
            escape_property(&format!("drift-host {} failure", e.kind)),
            escape_data(&format!("{} `{}`: {}", e.kind, e.subject, e.message))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(super::escape_data("a:b,c%\n"), "a:b,c%25%0A");
    }
}
