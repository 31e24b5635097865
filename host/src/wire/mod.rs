//! The wire: the frozen WIT interfaces as the host's Rust types, one
//! binding module per supported version (`bindings`), and the input of a
//! `check` call as the host builds it (`input`, shared texts and trees
//! instead of owned copies).
//!
//! A leaf: the types of the newest interface are what the SQL layer
//! produces and the plugin runtime and the engine pass around, so they sit
//! below all three. Adapting older versions to these types is the plugin
//! runtime's (`plugin::compat`).

pub mod bindings;
pub mod input;

/// The newest interface's types (`drift:rule/types@0.6.0`).
pub use bindings::v0_6_0::drift::rule::types::*;

/// The newest interface's command-check types (`drift-host guard`).
pub mod command {
    pub use super::bindings::v0_6_0::exports::drift::rule::command_check::*;
}
