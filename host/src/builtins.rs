//! The built-in rules, compiled to WebAssembly by build.rs and embedded.
//!
//! They are loaded through exactly the same path as custom plugins (minus the
//! checksum pin: they are part of this binary), so the built-ins prove the
//! plugin interface end to end on every run.

/// One built-in rule plugin, as build.rs leaves it.
#[derive(Debug)]
pub struct Builtin {
    /// The rule id.
    pub id: &'static str,
    /// The component.
    pub wasm: &'static [u8],
    /// Its sha256 (hex), the compiled-code cache key, computed at build time.
    pub sha256: &'static str,
    /// Its machine code for the build machine (`Engine::precompile_component`
    /// with the runtime's engine settings), so that a first run with an
    /// empty cache does not wait for Cranelift. `None` when cross-compiling.
    /// On a host with other CPU features wasmtime refuses the artifact, and
    /// the component is compiled as usual.
    pub precompiled: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// True when `id` names a built-in rule.
pub fn is_builtin(id: &str) -> bool {
    BUILTINS.iter().any(|builtin| builtin.id == id)
}

/// The documentation page of a built-in rule.
pub fn doc(id: &str) -> Option<&'static str> {
    RULE_DOCS
        .iter()
        .find(|(rule, _)| *rule == id)
        .map(|(_, doc)| *doc)
}
