//! Command-line interface definitions (clap). Behaviour lives in `app`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Stops database schema drift and unsafe migrations before they reach
/// production.
#[derive(Debug, Parser)]
#[command(name = "drift-host", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a repository with the configured rules.
    Run(RunArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics for people.
    Text,
    /// One JSON object (wire format version 1, docs/output-format.md).
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Repository to check (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Configuration file (default: PATH/rules.toml, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Check the git index (what is about to be committed) against HEAD.
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,

    /// Check HEAD against its merge-base with REF (e.g. origin/main in CI).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Worker threads (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,

    /// Do not read or write the compiled-plugin cache.
    #[arg(long)]
    pub no_cache: bool,
}
