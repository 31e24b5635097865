//! The wasmtime engine settings, in one place for two users: the runtime
//! (`Runtime::new`) and build.rs, which precompiles the built-in rules with
//! exactly these settings so that the binary ships their machine code.
//!
//! A compiled artifact is only valid for the settings it was compiled under
//! (wasmtime checks this when loading one): anything changed here changes
//! both sides at once. The test
//! `precompiled_built_ins_match_the_runtime_engine` keeps them honest.

/// The engine configuration every plugin is compiled and run with.
pub fn engine_config() -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    // Unbounded recursion must trap, not take the host down: keep the
    // default 512 KiB wasm stack well under the host thread's stack.
    config.max_wasm_stack(512 * 1024);
    // Linear memories come from our own recycling pool (memory.rs), and
    // copy-on-write memory images only work on wasmtime's own mappings: the
    // data segments are copied in at instantiation instead.
    config.memory_init_cow(false);
    config
}
