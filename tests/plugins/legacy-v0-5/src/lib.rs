//! A rule built directly against the frozen `drift:rule@0.5.0` WIT with
//! wit-bindgen (no SDK): proves that the host still loads 0.5.0 plugins
//! (their metadata has no `filters`: 0.6.0 added them, so they are handed
//! every file their globs match) and honours what 0.5.0 added, a check
//! whose findings in applied migrations are history.
//!
//! It reports each file it is handed (`handed`), and a `drop` finding, a
//! history check, on each `.sql` file that holds `DROP`. Its command check
//! parses the command line with `host.parse-sql` and reports the kind of
//! the first statement.

#![cfg(target_family = "wasm")]
#![allow(unsafe_code)]

wit_bindgen::generate!({
    path: "../../../plugins/sdk/wit/v0.5.0",
    world: "drift:rule/plugin",
});

use drift::rule::types::{
    Applied, CheckMeta, Content, Finding, Input, OptionError, RuleMetadata, Scope, Severity,
};
use exports::drift::rule::command_check::{CommandFinding, CommandInput, CommandNeeds};

struct Legacy;

const TOKEN: u32 = 1 << 31;

fn finding(check: &str, path: &str, message: String) -> Finding {
    Finding {
        check: check.to_owned(),
        severity: None,
        path: path.to_owned(),
        span: None,
        message,
        help: None,
    }
}

impl exports::drift::rule::rule::Guest for Legacy {
    fn metadata() -> RuleMetadata {
        RuleMetadata {
            id: "legacy-v0-5".to_owned(),
            summary: "test rule on the 0.5.0 interface".to_owned(),
            default_severity: Severity::Warning,
            globs: vec!["**/*.sql".to_owned(), "**/*.md".to_owned()],
            checks: vec![
                CheckMeta {
                    id: "handed".to_owned(),
                    summary: "a file the rule was handed".to_owned(),
                    default_severity: Severity::Info,
                    applied: Applied::Report,
                },
                CheckMeta {
                    id: "drop".to_owned(),
                    summary: "a DROP, history in applied migrations".to_owned(),
                    default_severity: Severity::Error,
                    applied: Applied::History,
                },
            ],
            scope: Scope::Repository,
            sql: true,
        }
    }

    fn validate_options(_options: String) -> Vec<OptionError> {
        Vec::new()
    }

    fn check(input: Input) -> Result<Vec<Finding>, String> {
        let mut out = Vec::new();
        for file in input.files {
            out.push(finding(
                "handed",
                &file.path,
                format!("handed {}", file.path),
            ));
            if let Content::Text(text) = &file.content
                && file.path.ends_with(".sql")
                && text.contains("DROP")
            {
                out.push(finding("drop", &file.path, "drops something".to_owned()));
            }
        }
        Ok(out)
    }
}

impl exports::drift::rule::command_check::Guest for Legacy {
    fn needs(_options: String) -> CommandNeeds {
        CommandNeeds {
            env: Vec::new(),
            files: Vec::new(),
        }
    }

    fn check_command(input: CommandInput) -> Result<Vec<CommandFinding>, String> {
        let tree = drift::rule::host::parse_sql(&input.command);
        let names = drift::rule::host::sql_kind_names();
        let kind = tree
            .nodes
            .get(4)
            .and_then(|k| names.split('\n').nth((k & !TOKEN) as usize))
            .unwrap_or_default();
        Ok(vec![CommandFinding {
            check: "handed".to_owned(),
            severity: Some(Severity::Warning),
            start: 0,
            end: u32::try_from(input.command.len()).unwrap_or(u32::MAX),
            message: format!("parsed as {kind}"),
            help: None,
        }])
    }
}

export!(Legacy);
