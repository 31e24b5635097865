//! End-to-end tests: the `drift-host` binary over fixture repositories.
//!
//! One test binary (fast to link, shared plugin builds); each module covers
//! one area. Repositories are created per test in temporary folders, with
//! real `git init`, commits and branches where a test reads diffs.

mod harness;

mod bad_inputs;
mod config;
mod custom_rules;
mod determinism;
mod differential;
mod drift_history;
mod engine_corpus;
mod git_modes;
mod guard;
mod guard_follow;
mod init;
mod numbering;
mod output;
mod repository;
mod sandbox;
mod sql_rules;
mod verify;
