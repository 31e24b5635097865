//! The built-in rules, compiled to WebAssembly by build.rs and embedded.
//!
//! They are loaded through exactly the same path as custom plugins (minus the
//! checksum pin: they are part of this binary), so the built-ins prove the
//! plugin interface end to end on every run.

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// True when `id` names a built-in rule.
pub fn is_builtin(id: &str) -> bool {
    BUILTINS.iter().any(|(builtin, _)| *builtin == id)
}

/// The documentation page of a built-in rule.
pub fn doc(id: &str) -> Option<&'static str> {
    RULE_DOCS
        .iter()
        .find(|(rule, _)| *rule == id)
        .map(|(_, doc)| *doc)
}
