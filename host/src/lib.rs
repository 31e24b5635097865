//! drift-host: a WebAssembly rule host that stops database schema drift and
//! unsafe migrations before they reach production.
//!
//! The pipeline, one module each: `config` (rules.toml) → `plugin` (load and
//! sandbox the rule components, built-ins from `builtins`) → `snapshot` (the
//! repository: working tree, index or base diff) → `engine` (parallel,
//! deterministic execution) → `output` (one renderer per format). `app` wires
//! them for the CLI defined in `cli`.

pub mod app;
pub mod baseline;
pub mod builtins;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod guard;
pub mod init;
pub mod output;
pub mod plugin;
pub mod scaffold;
pub mod snapshot;
pub mod sql;
pub mod suppress;
