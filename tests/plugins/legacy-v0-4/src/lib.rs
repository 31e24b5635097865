//! A rule built directly against the frozen `drift:rule@0.4.0` WIT with
//! wit-bindgen (no SDK): proves that the host still loads 0.4.0 plugins
//! (their check metadata has no `applied` field: 0.5.0 added it) and hands
//! them what 0.4.0 promised: trees whose kind numbers index the table
//! `host.sql-kind-names` returns, and the path lists as one NUL-separated
//! string each.
//!
//! For each `.sql` file it reports the kinds of the first two nodes, the
//! text of the second, and the paths it was told about. Its command check
//! parses the command line with `host.parse-sql` and reports the kind of
//! the first statement.

#![cfg(target_family = "wasm")]
#![allow(unsafe_code)]

wit_bindgen::generate!({
    path: "../../../plugins/sdk/wit/v0.4.0",
    world: "drift:rule/plugin",
});

use drift::rule::types::{
    CheckMeta, Content, Finding, Input, OptionError, RuleMetadata, Scope, Severity, SqlTree,
};
use exports::drift::rule::command_check::{CommandFinding, CommandInput, CommandNeeds};

struct Legacy;

const TOKEN: u32 = 1 << 31;

/// The kind name of node `i`, from the host's one table.
fn kind(tree: &SqlTree, i: usize) -> String {
    let names = drift::rule::host::sql_kind_names();
    tree.nodes
        .get(i * 4)
        .and_then(|k| names.split('\n').nth((k & !TOKEN) as usize))
        .unwrap_or_default()
        .to_owned()
}

impl exports::drift::rule::rule::Guest for Legacy {
    fn metadata() -> RuleMetadata {
        RuleMetadata {
            id: "legacy-v0-4".to_owned(),
            summary: "test rule on the 0.4.0 interface".to_owned(),
            default_severity: Severity::Warning,
            globs: vec!["**/*.sql".to_owned()],
            checks: vec![CheckMeta {
                id: "tree".to_owned(),
                summary: "what the syntax tree holds".to_owned(),
                default_severity: Severity::Info,
            }],
            scope: Scope::PerFile,
            sql: true,
        }
    }

    fn validate_options(_options: String) -> Vec<OptionError> {
        Vec::new()
    }

    fn check(input: Input) -> Result<Vec<Finding>, String> {
        let paths: Vec<&str> = input.paths.split_terminator('\0').collect();
        let mut out = Vec::new();
        for file in input.files {
            let (Content::Text(text), Some(tree)) = (&file.content, &file.sql) else {
                continue;
            };
            let second = tree
                .nodes
                .get(5..7)
                .and_then(|r| text.get(r[0] as usize..r[1] as usize))
                .unwrap_or("");
            out.push(Finding {
                check: "tree".to_owned(),
                severity: None,
                path: file.path,
                span: None,
                message: format!(
                    "{} > {} `{second}`, paths {paths:?}",
                    kind(tree, 0),
                    kind(tree, 1),
                ),
                help: None,
            });
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
        Ok(vec![CommandFinding {
            check: "tree".to_owned(),
            severity: Some(Severity::Warning),
            start: 0,
            end: u32::try_from(input.command.len()).unwrap_or(u32::MAX),
            message: format!("parsed as {} > {}", kind(&tree, 0), kind(&tree, 1)),
            help: None,
        }])
    }
}

export!(Legacy);
