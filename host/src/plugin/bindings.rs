//! Host-side bindings of the frozen WIT interfaces, one module per version.
//!
//! Each supported interface version is generated from its frozen folder in the
//! SDK; loading dispatches on the version a plugin's exports carry, and
//! `compat` adapts older versions to the newest types the engine uses.

#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_1_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.1.0",
        world: "drift:rule/plugin",
    });
}

#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_2_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.2.0",
        world: "drift:rule/plugin",
    });
}

/// 0.3.0 adds the `command-check` interface; its `types` are those of 0.2.0
/// verbatim, so they are bound to the 0.2.0 Rust types and inputs pass to
/// either version without conversion.
#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_3_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.3.0",
        world: "drift:rule/plugin",
        with: {
            "drift:rule/types@0.3.0": super::v0_2_0::drift::rule::types,
        },
    });
}
