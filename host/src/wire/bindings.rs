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

/// 0.3.0 adds the `command-check` interface and packs syntax trees into
/// flat number lists; 0.2.0 plugins get their trees unpacked by `compat`.
#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_3_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.3.0",
        world: "drift:rule/plugin",
    });
}

/// 0.4.0: syntax trees index one kind-name table per run
/// (`host.sql-kind-names`) instead of carrying their own; 0.3.0 plugins get
/// a table per tree from `compat`.
#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_4_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.4.0",
        world: "drift:rule/plugin",
    });
}

/// 0.5.0: each check says what its findings in applied migrations mean
/// (`check-meta.applied`); 0.4.0 plugins' checks are all `report`.
#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_5_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.5.0",
        world: "drift:rule/plugin",
    });
}

/// 0.6.0: rules narrow the files they are handed by words the files must
/// contain (`rule-metadata.filters`); 0.5.0 plugins declare none.
#[allow(missing_debug_implementations, unused_qualifications, clippy::all)]
pub mod v0_6_0 {
    wasmtime::component::bindgen!({
        path: "../plugins/sdk/wit/v0.6.0",
        world: "drift:rule/plugin",
    });
}
