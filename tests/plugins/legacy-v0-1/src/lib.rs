//! A rule built directly against the frozen `drift:rule@0.1.0` WIT with
//! wit-bindgen (no SDK): proves that the host still loads plugins of an
//! older interface version, and that a rule can be written without the SDK
//! (as any language targeting components would).
//!
//! It reports one finding per `.legacy` file.

#![cfg(target_family = "wasm")]
#![allow(unsafe_code)]

wit_bindgen::generate!({
    path: "../../../plugins/sdk/wit/v0.1.0",
    world: "drift:rule/plugin",
});

use drift::rule::types::{CheckMeta, Finding, Input, OptionError, RuleMetadata, Scope, Severity};

struct Legacy;

impl exports::drift::rule::rule::Guest for Legacy {
    fn metadata() -> RuleMetadata {
        RuleMetadata {
            id: "legacy-v0-1".to_owned(),
            summary: "test rule on the 0.1.0 interface".to_owned(),
            default_severity: Severity::Warning,
            globs: vec!["**/*.legacy".to_owned()],
            checks: vec![CheckMeta {
                id: "seen".to_owned(),
                summary: "a .legacy file".to_owned(),
                default_severity: Severity::Warning,
            }],
            scope: Scope::Repository,
        }
    }

    fn validate_options(_options: String) -> Vec<OptionError> {
        Vec::new()
    }

    fn check(input: Input) -> Result<Vec<Finding>, String> {
        Ok(input
            .files
            .into_iter()
            .map(|f| Finding {
                check: "seen".to_owned(),
                severity: None,
                path: f.path,
                span: None,
                message: "seen by a 0.1.0 plugin".to_owned(),
                help: None,
            })
            .collect())
    }
}

export!(Legacy);
