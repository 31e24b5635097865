//! drift-host: a WebAssembly rule host that stops database schema drift and
//! unsafe migrations before they reach production.
//!
//! The modules form layers; each imports only from layers before it (a
//! test, `layers`, holds the code to docs/architecture.md's table):
//!
//! 0. `diagnostic` (findings, severities, rule metadata, the host's own
//!    checks), `wire` (the frozen WIT interfaces' types), `builtins` (the
//!    embedded rule plugins);
//! 1. `config` (rules.toml), `snapshot` (the repository: working tree,
//!    index or base diff), `sql` (the SQL layer);
//! 2. `plugin` (load, sandbox and call rule components);
//! 3. `setup` (the rules of a run, loaded and configured), `suppress`
//!    (`drift-ignore` comments), `baseline`, `introduced` (what a change
//!    introduces);
//! 4. `engine` (the run's phases: select, read, narrow, parse, tasks,
//!    collect);
//! 5. `output` (one renderer per format);
//! 6. `guard` (judging a command line), `cli` (the clap definitions);
//! 7. `commands` (one module per subcommand); `main.rs` above them all.

pub mod baseline;
pub mod builtins;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod guard;
pub mod introduced;
#[cfg(test)]
mod layers;
pub mod output;
pub mod plugin;
pub mod setup;
pub mod snapshot;
pub mod sql;
pub mod suppress;
pub mod verify;
pub mod wire;
