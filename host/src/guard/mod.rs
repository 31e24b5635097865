//! `drift-host guard`: a gate for the commands agents and scripts run.
//!
//! The decision is the rule plugins', through the `command-check` export
//! (interface 0.3.0 and later): each enabled rule is handed the command line (plus the
//! environment variables and files it declared it needs) and answers with
//! findings that carry byte ranges in the line. The host resolves their
//! severities exactly as for file findings (so `[rules.X.checks]` applies),
//! then applies `[guard]` from rules.toml: a simple command matching a `deny`
//! pattern is blocked whatever the rules say, and findings inside a simple
//! command matching an `allow` pattern are dropped (and listed as allowed).
//! An error-severity finding blocks the command.
//!
//! The gate fails closed: a plugin that fails, a configuration error or an
//! unreadable hook event blocks, because "could not check" must not read as
//! "safe". A human can override a block with `DRIFT_GUARD_OVERRIDE=<reason>`
//! (or `--override <reason>`); the override and its reason are printed with
//! the findings it overrode.
//!
//! Two front ends share that decision: `guard -- <argv...>` (exit 0 allows,
//! 1 blocks, 2 blocks because something failed; the explanation goes to
//! stderr so stdout stays clean in `guard -- cmd && cmd` chains) and
//! `guard --hook claude-code` (a Claude Code `PreToolUse` event on stdin, the
//! verdict in that hook's JSON protocol on stdout).
//!
//! Modules: `judge` (the rules and `[guard]` applied to one command line),
//! `policy` (the policy files out of the agent's reach, lines too deep to
//! read),
//! `render` (the verdict for people and for agents), `hook` (the Claude
//! Code protocol).

mod hook;
mod judge;
mod policy;
mod render;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Finding, RunError, Severity};

pub use hook::{HookEvent, claude_code_answer, read_hook_event};
pub use judge::judge;
pub use policy::check_edit;
pub use render::render_text;

/// The environment variable a human sets (to a reason) to let a blocked
/// command through.
pub const OVERRIDE_ENV: &str = "DRIFT_GUARD_OVERRIDE";

/// Where findings about the command point (the "file" of the excerpt).
pub(crate) const COMMAND_PATH: &str = "<command>";

/// What the guard decided about one command line.
#[derive(Debug)]
pub struct Verdict {
    pub command: String,
    /// Findings after configuration and `[guard]`, sorted by position.
    pub findings: Vec<Finding>,
    /// Findings an `allow` pattern let through, with the pattern's position.
    pub allowed: Vec<(Finding, String)>,
    /// Plugins or configuration that failed: the guard could not decide.
    pub errors: Vec<RunError>,
    /// The human override in force, if any (its reason).
    pub overridden: Option<String>,
}

impl Verdict {
    /// Whether the rules (or a failure) say no, before any override.
    pub fn refused(&self) -> bool {
        !self.errors.is_empty() || self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Whether the command may run.
    pub fn allows(&self) -> bool {
        !self.refused() || self.overridden.is_some()
    }
}

/// The repository a guarded command belongs to: the nearest folder at or
/// above `cwd` with a rules.toml or a `.git`; `cwd` itself when none.
pub fn find_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(crate::config::FILE_NAME).is_file() || dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// The override reason from the flag or the environment, if any.
pub fn override_reason(flag: Option<&str>) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| std::env::var(OVERRIDE_ENV).ok())
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
}
