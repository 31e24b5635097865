//! A rule built directly against the frozen `drift:rule@0.3.0` WIT with
//! wit-bindgen (no SDK): proves that the host still loads 0.3.0 plugins and
//! hands them what 0.3.0 promised, where 0.4.0 changed the encoding: each
//! syntax tree with its own kind-name table (0.4.0 shares one per run) and
//! the path lists as lists (0.4.0 joins them into one string).
//!
//! For each `.sql` file it reports the kinds of the first two nodes, the
//! text of the second, whether every kind of its table is used, and the
//! paths it was told about. Its command check parses the command line with
//! `host.parse-sql` and reports the kind of the first statement.

#![cfg(target_family = "wasm")]
#![allow(unsafe_code)]

wit_bindgen::generate!({
    path: "../../../plugins/sdk/wit/v0.3.0",
    world: "drift:rule/plugin",
});

use drift::rule::types::{
    CheckMeta, Content, Finding, Input, OptionError, RuleMetadata, Scope, Severity, SqlTree,
};
use exports::drift::rule::command_check::{CommandFinding, CommandInput, CommandNeeds};

struct Legacy;

const TOKEN: u32 = 1 << 31;

/// The kind name of node `i`.
fn kind(tree: &SqlTree, i: usize) -> String {
    tree.nodes
        .get(i * 4)
        .and_then(|k| tree.kinds.get((k & !TOKEN) as usize))
        .cloned()
        .unwrap_or_default()
}

impl exports::drift::rule::rule::Guest for Legacy {
    fn metadata() -> RuleMetadata {
        RuleMetadata {
            id: "legacy-v0-3".to_owned(),
            summary: "test rule on the 0.3.0 interface".to_owned(),
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
            let mut used = vec![false; tree.kinds.len()];
            for k in tree.nodes.iter().step_by(4) {
                if let Some(u) = used.get_mut((k & !TOKEN) as usize) {
                    *u = true;
                }
            }
            out.push(Finding {
                check: "tree".to_owned(),
                severity: None,
                path: file.path,
                span: None,
                message: format!(
                    "{} > {} `{second}`, {} kinds {}, paths {:?}",
                    kind(tree, 0),
                    kind(tree, 1),
                    tree.kinds.len(),
                    if used.iter().all(|u| *u) {
                        "all used"
                    } else {
                        "some unused"
                    },
                    input.paths,
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
