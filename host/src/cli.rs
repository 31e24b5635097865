//! Command-line interface definitions (clap). Behaviour lives in
//! `commands`, one module per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::output::Format;

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
    /// List every rule and check (built-in and custom) with its severity
    /// and whether it is enabled by the configuration.
    Rules(RulesArgs),
    /// Print a rule's documentation: `drift-host explain numbering/gap`.
    Explain(ExplainArgs),
    /// Record the current findings in a baseline file: later runs report
    /// only new findings.
    Baseline(BaselineArgs),
    /// Inspect a repository and write a starter rules.toml; `--hook` also
    /// installs a git pre-commit hook running `drift-host run --staged`.
    Init(InitArgs),
    /// Create a custom rule crate, ready to build: `drift-host new-rule my-rule`.
    NewRule(NewRuleArgs),
    /// Print the rules.toml lines (path + sha256) that enable a built rule.
    Pin(PinArgs),
    /// Decide whether a command is safe to run: `drift-host guard -- npx
    /// prisma migrate reset` exits 1 and says why. `--hook claude-code`
    /// answers a Claude Code PreToolUse hook event read from stdin.
    Guard(GuardArgs),
    /// Apply the migrations to a real PostgreSQL (a throwaway server, or a
    /// scratch database on --database-url), prove hand-written ones
    /// re-runnable: `drift-host verify`.
    Verify(VerifyArgs),
    /// Print the JSON schema of rules.toml (docs/rules.schema.json).
    #[command(hide = true)]
    Schema,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Repository to verify (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Configuration file (default: PATH/rules.toml, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Folder of the server binaries `initdb` and `postgres` (default: PATH,
    /// then the highest /usr/lib/postgresql/*/bin).
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub pg_bin: Option<PathBuf>,

    /// A PostgreSQL server to create a scratch database on (dropped
    /// afterwards; no other database is touched), instead of a throwaway
    /// server: e.g. a CI service container.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,

    /// Accept a --database-url whose host is not this machine.
    #[arg(long)]
    pub allow_remote: bool,

    /// Replay the migrations of REF's merge-base with HEAD first, as they
    /// were deployed, then HEAD's new ones, and report only what they
    /// introduce (e.g. origin/main in CI).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Make more findings fail the run: `--deny warnings`.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<Deny>,

    /// Print findings only, without the summary line (text format).
    #[arg(long, short)]
    pub quiet: bool,

    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Print how long verification took, on stderr (for benchmarks).
    #[arg(long, hide = true)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Repository whose configuration applies (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Configuration file (default: PATH/rules.toml, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format: the list is text or JSON (the report formats describe
    /// findings, not rules).
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// The formats `drift-host rules` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per check, grouped by rule.
    Text,
    /// `{"version": 1, "checks": [...]}`.
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// `rule` or `rule/check`.
    pub selector: String,

    /// Repository whose configuration applies (custom plugins are found
    /// through it).
    #[arg(long, default_value = ".")]
    pub path: PathBuf,

    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the run (exit 1) like errors.
    Warnings,
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
    /// In a GitHub Actions pull request, defaults to origin/$GITHUB_BASE_REF.
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

    /// Make more findings fail the run: `--deny warnings`.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<Deny>,

    /// Print findings only, without the summary line (text format).
    #[arg(long, short)]
    pub quiet: bool,

    /// Also list the findings that do not fail the run: with --base or
    /// --staged, those the base has too (by default only counted).
    #[arg(long)]
    pub all: bool,

    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Baseline file (default: PATH/.drift-baseline.json when it exists).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,

    /// Report every finding, ignoring the baseline file.
    #[arg(long)]
    pub no_baseline: bool,

    /// Print how long each phase took, on stderr (for benchmarks).
    #[arg(long, hide = true)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Repository to check (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where to write the baseline (default: PATH/.drift-baseline.json).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Repository to set up (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Also install a git pre-commit hook.
    #[arg(long)]
    pub hook: bool,

    /// Replace an existing rules.toml or pre-commit hook.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NewRuleArgs {
    /// The rule id (kebab-case), also the crate name.
    pub id: String,

    /// Where to create the crate (default: ./<id>).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hook {
    /// Claude Code `PreToolUse` hooks (JSON event on stdin, JSON answer on
    /// stdout).
    ClaudeCode,
}

#[derive(Debug, Args)]
pub struct GuardArgs {
    /// The command to judge, after `--`: `drift-host guard -- npx prisma
    /// migrate status`.
    #[arg(last = true, value_name = "COMMAND", required_unless_present = "hook")]
    pub command: Vec<String>,

    /// Read the command from an agent's hook event on stdin and answer in
    /// that agent's protocol.
    #[arg(long, value_enum, conflicts_with = "command")]
    pub hook: Option<Hook>,

    /// Repository whose rules.toml applies (default: the nearest folder at
    /// or above the working directory with a rules.toml or .git).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,

    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Let a blocked command through, recording REASON in the output (a
    /// human decision; same as DRIFT_GUARD_OVERRIDE=REASON).
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct PinArgs {
    /// The rule's `.wasm` component.
    pub wasm: PathBuf,
}
