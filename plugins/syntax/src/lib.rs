//! drift-syntax: what drift-host and every rule read repositories with.
//!
//! The parsers (PostgreSQL through squawk with PL/pgSQL and `EXECUTE`
//! strings spliced in, shell command lines, Prisma schemas), the names and
//! layout of migrations, and the text and path helpers. One
//! implementation, linked natively into the host and compiled into each
//! rule plugin, so the host and the rules never disagree about what a file
//! says or which files are migrations.
//!
//! Design: no WIT, no wit-bindgen and no I/O (nothing here reads a file or
//! the environment, except the test-data helpers in [`testdata`]); inputs
//! are texts and path lists, outputs plain data. What a plugin needs to
//! talk to the host (the `Rule` trait, the glue, the allocator) is
//! drift-sdk's, which re-exports this crate's modules for rule authors.
//! The native PostgreSQL parser is the `parser` feature (on by default);
//! plugins build without it and receive trees the host parsed.

pub mod database;
pub mod dialect;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod hazard;
pub mod migrations;
pub mod paths;
pub mod prisma;
pub mod prisma_config;
pub mod prisma_version;
pub mod project;
pub mod script;
pub mod shell;
pub mod sql;
pub mod testdata;
pub mod text;

pub use paths::Paths;
pub use text::{LineIndex, Span, SplitAscii};
