//! A rule built directly against the frozen `drift:rule@0.2.0` WIT with
//! wit-bindgen (no SDK): proves that the host still loads 0.2.0 plugins and
//! hands them syntax trees in 0.2.0's shape (a list of node records; 0.3.0
//! packs nodes into numbers, and the host converts).
//!
//! For each `.sql` file it reports the kinds of the first two nodes and the
//! text of the second, so a test can check the tree arrived intact.

#![cfg(target_family = "wasm")]
#![allow(unsafe_code)]

wit_bindgen::generate!({
    path: "../../../plugins/sdk/wit/v0.2.0",
    world: "drift:rule/plugin",
});

use drift::rule::types::{
    CheckMeta, Content, Finding, Input, OptionError, RuleMetadata, Scope, Severity,
};

struct Legacy;

impl exports::drift::rule::rule::Guest for Legacy {
    fn metadata() -> RuleMetadata {
        RuleMetadata {
            id: "legacy-v0-2".to_owned(),
            summary: "test rule on the 0.2.0 interface".to_owned(),
            default_severity: Severity::Warning,
            globs: vec!["**/*.sql".to_owned()],
            checks: vec![CheckMeta {
                id: "tree".to_owned(),
                summary: "what the syntax tree holds".to_owned(),
                default_severity: Severity::Info,
            }],
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
            let (Content::Text(text), Some(tree)) = (&file.content, &file.sql) else {
                continue;
            };
            let kind = |i: usize| {
                tree.nodes
                    .get(i)
                    .and_then(|n| tree.kinds.get(usize::from(n.kind)))
                    .cloned()
                    .unwrap_or_default()
            };
            let second = tree
                .nodes
                .get(1)
                .and_then(|n| text.get(n.start as usize..n.end as usize))
                .unwrap_or("");
            let tokens = tree.nodes.iter().filter(|n| n.token).count();
            let parents_ok = tree
                .nodes
                .iter()
                .enumerate()
                .all(|(i, n)| (n.parent as usize) < i.max(1));
            out.push(Finding {
                check: "tree".to_owned(),
                severity: None,
                path: file.path,
                span: None,
                message: format!(
                    "{} > {} `{second}`, {tokens} tokens, parents {}",
                    kind(0),
                    kind(1),
                    if parents_ok { "ok" } else { "broken" }
                ),
                help: None,
            });
        }
        Ok(out)
    }
}

export!(Legacy);
