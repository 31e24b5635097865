//! `drift-host guard`: a gate for the commands agents and scripts run.
//!
//! The findings are the rule plugins', through the `command-check` export
//! (interface 0.3.0 and later): each enabled rule is handed the command
//! line (plus the environment variables and files it declared it needs)
//! and answers with findings that carry byte ranges in the line. The host
//! resolves their severities exactly as for file findings (so
//! `[rules.X.checks]` applies), then applies `[guard]` from rules.toml: a
//! simple command matching a `deny` pattern is refused whatever the rules
//! say, and findings inside a simple command an `allow` pattern matches
//! exactly are dropped (and listed as allowed).
//!
//! The decision is the consent policy's ([`decision_of`], `[guard.policy]`):
//! each error-severity finding falls into a cell of the hazard catalogue
//! (`drift_syntax::hazard::cell`: destructive, or a write to a local, a
//! remote or an unplaced database) whose decision is allow, ask or deny;
//! the strictest decision of a line wins. Warnings let the command run.
//!
//! The gate fails closed: a plugin that fails, a configuration error or an
//! unreadable hook event refuses, because "could not check" must not read
//! as "safe"; in hook mode a judging process that crashes is answered by
//! its supervisor (`commands::guard::supervise`). A human can override with
//! `DRIFT_GUARD_OVERRIDE=<reason>` (or `--override <reason>`); the override
//! and its reason are printed with the findings it overrode.
//!
//! Two front ends share that decision: `guard -- <argv...>` (exit 0 allows,
//! 1 asks or refuses and says which, 2 refuses because something failed;
//! the explanation goes to stderr so stdout stays clean in `guard -- cmd &&
//! cmd` chains) and `guard --hook claude-code` (a Claude Code `PreToolUse`
//! event on stdin, the verdict in that hook's JSON protocol on stdout:
//! `ask` where a person sees the prompt, else `deny`).
//!
//! Modules: `judge` (the rules and `[guard]` applied to one command line,
//! and to what it runs), `follow` (what a command runs out of files:
//! scripts, Makefile targets, package scripts, SQL files), `policy` (the
//! policy files out of the agent's reach, lines too deep to read),
//! `render` (the verdict for people and for agents), `hook` (the Claude
//! Code protocol).

mod follow;
mod hook;
mod judge;
mod policy;
mod render;

use std::path::{Path, PathBuf};

use crate::config::{Decision, Policy};
use crate::diagnostic::{Finding, HOST_RULE, RunError, Severity};

pub use hook::{
    HookEvent, MAX_EVENT_BYTES, Prompting, claude_code_answer, prompting, read_hook_event,
};
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
    /// What the findings and failures ask for, before any override: the
    /// strictest of the findings' decisions under `[guard.policy]`; deny
    /// when something failed.
    pub decision: Decision,
}

impl Verdict {
    /// A verdict on `command` with these findings and failures, its
    /// decision taken from `policy`.
    pub fn new(
        command: String,
        findings: Vec<Finding>,
        errors: Vec<RunError>,
        overridden: Option<String>,
        policy: &Policy,
    ) -> Self {
        let decision = if errors.is_empty() {
            findings
                .iter()
                .map(|f| decision_of(policy, f))
                .max()
                .unwrap_or(Decision::Allow)
        } else {
            Decision::Deny
        };
        Self {
            command,
            findings,
            allowed: Vec::new(),
            errors,
            overridden,
            decision,
        }
    }

    /// Whether the rules (or a failure) say no or ask first, before any
    /// override.
    pub fn refused(&self) -> bool {
        self.decision != Decision::Allow
    }

    /// Whether the command waits for the user's consent (rather than being
    /// refused outright).
    pub fn asks(&self) -> bool {
        self.decision == Decision::Ask
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

/// The decision for one finding: warnings and notes let the command run;
/// an error is what `[guard.policy]` says for its cell. The host's own
/// checks are fixed: a deny pattern and a write to the policy are refused,
/// a line the guard could not read through asks.
pub fn decision_of(policy: &Policy, finding: &Finding) -> Decision {
    if finding.severity != Severity::Error {
        return Decision::Allow;
    }
    if finding.rule == HOST_RULE {
        return match finding.check.as_str() {
            "guard-unexamined" => Decision::Ask,
            _ => Decision::Deny,
        };
    }
    policy.decision(drift_syntax::hazard::cell(&finding.rule, &finding.check))
}
