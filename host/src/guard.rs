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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use drift_syntax::shell;
use rayon::prelude::*;

use crate::config::{Config, GuardPattern};
use crate::diagnostic::{Finding, RunError, Severity, Span};
use crate::engine::{HOST_RULE, Report, resolve_severity};
use crate::plugin::{command_wire, wire};
use crate::snapshot::Content;

/// The environment variable a human sets (to a reason) to let a blocked
/// command through.
pub const OVERRIDE_ENV: &str = "DRIFT_GUARD_OVERRIDE";

/// Where findings about the command point (the "file" of the excerpt).
const COMMAND_PATH: &str = "<command>";

/// Largest hook event read from stdin.
const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

/// Largest file handed to a command check.
const MAX_NEEDED_FILE: u64 = 1024 * 1024;

/// A `[guard]` pattern compiled for matching: the program and leading
/// positional words must match in order; each flag must appear anywhere.
/// Words are globs (`*`, `?`, `[...]`, `{a,b}`).
#[derive(Debug, Clone)]
pub struct Pattern {
    positional: Vec<globset::GlobMatcher>,
    flags: Vec<globset::GlobMatcher>,
}

impl Pattern {
    /// Compiles `text`, one simple command without operators; `None` when it
    /// is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let commands = shell::commands(text);
        let [command] = commands.as_slice() else {
            return None;
        };
        if command.words.is_empty() || !command.env.is_empty() {
            return None;
        }
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        for (i, word) in command.words.iter().enumerate() {
            let text = if i == 0 {
                shell::basename(&word.text)
            } else {
                &word.text
            };
            let glob = globset::GlobBuilder::new(text)
                .literal_separator(false)
                .build()
                .ok()?
                .compile_matcher();
            if i > 0 && word.text.starts_with('-') {
                flags.push(glob);
            } else {
                positional.push(glob);
            }
        }
        Some(Self { positional, flags })
    }

    /// Whether the simple command `command` (wrappers already removed)
    /// matches.
    pub fn matches(&self, command: &shell::Command) -> bool {
        let mut positional = command
            .words
            .iter()
            .enumerate()
            .filter(|(i, w)| *i == 0 || !w.text.starts_with('-'))
            .map(|(i, w)| {
                if i == 0 {
                    shell::basename(&w.text)
                } else {
                    w.text.as_str()
                }
            });
        let prefix = self
            .positional
            .iter()
            .all(|glob| positional.next().is_some_and(|w| glob.is_match(w)));
        prefix
            && self.flags.iter().all(|glob| {
                command
                    .words
                    .iter()
                    .skip(1)
                    .any(|w| w.text.starts_with('-') && glob.is_match(&w.text))
            })
    }
}

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

/// Judges `command` with the configuration of the repository at `root`,
/// from the working directory `cwd`.
pub fn judge(
    root: &Path,
    cwd: &Path,
    config: &Config,
    command: &str,
    overridden: Option<String>,
) -> Result<Verdict> {
    let cache_dir = crate::plugin::cache::default_dir();
    let runtime = crate::plugin::Runtime::new(cache_dir)?;
    let limits = config.limits;
    let (plugins, mut load_errors) = crate::app::load_plugins(&runtime, config, limits);
    let rules = crate::app::configure(config, &plugins, &mut load_errors, limits)?;
    let rel_cwd = cwd
        .strip_prefix(root)
        .ok()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();

    let results: Vec<_> = rules
        .par_iter()
        .filter(|rule| rule.plugin.has_command_checks())
        .map(|rule| {
            let needs = rule.plugin.command_needs(limits, &rule.options_json)?;
            let input = command_wire::CommandInput {
                command: command.to_owned(),
                cwd: rel_cwd.clone(),
                env: needed_env(&needs.env),
                files: needed_files(root, &needs.files),
                options: rule.options_json.to_string(),
            };
            let found = rule.plugin.check_command(limits, &input)?;
            Ok::<_, crate::plugin::PluginError>((rule, found))
        })
        .collect();

    let mut findings = Vec::new();
    let mut errors: Vec<RunError> = load_errors.into_iter().map(RunError::from).collect();
    for result in results {
        match result {
            Ok((rule, found)) => {
                for f in found {
                    match resolve(rule, command, f) {
                        Ok(Some(found)) => findings.push(found),
                        Ok(None) => {}
                        Err(message) => {
                            errors.push(RunError {
                                kind: "plugin",
                                subject: rule.plugin.meta.id.clone(),
                                message,
                            });
                            break;
                        }
                    }
                }
            }
            Err(e) => errors.push(RunError::from(e)),
        }
    }
    errors.sort();
    errors.dedup();

    let commands = shell::commands(command);
    let allow = compile(&config.guard.allow);
    let mut allowed = Vec::new();
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter_map(
            |(finding, range)| match allowing(&allow, &commands, &range) {
                Some(pattern) => {
                    allowed.push((finding, pattern.at.clone()));
                    None
                }
                None => Some(finding),
            },
        )
        .collect();
    let deny = compile(&config.guard.deny);
    for simple in &commands {
        if let Some((_, at)) = deny.iter().find(|(p, _)| p.matches(simple)) {
            findings.push(Finding {
                rule: HOST_RULE.to_owned(),
                check: "guard-deny".to_owned(),
                severity: Severity::Error,
                path: COMMAND_PATH.to_owned(),
                span: Some(Span::of_range(command, simple.range.clone())),
                message: format!(
                    "`{}` matches the deny pattern `{}` ({})",
                    one_line(command.get(simple.range.clone()).unwrap_or("")),
                    at.pattern,
                    at.at
                ),
                help: Some(
                    "this command is forbidden by the repository's rules.toml; ask a human"
                        .to_owned(),
                ),
            });
        }
    }
    crate::diagnostic::sort_findings(&mut findings);
    Ok(Verdict {
        command: command.to_owned(),
        findings,
        allowed,
        errors,
        overridden,
    })
}

fn compile(patterns: &[GuardPattern]) -> Vec<(Pattern, &GuardPattern)> {
    patterns
        .iter()
        .filter_map(|p| Pattern::parse(&p.pattern).map(|compiled| (compiled, p)))
        .collect()
}

/// The `allow` pattern that covers a finding at `range`: one matching the
/// innermost simple command the range starts in.
fn allowing<'a>(
    patterns: &'a [(Pattern, &'a GuardPattern)],
    commands: &[shell::Command],
    range: &std::ops::Range<usize>,
) -> Option<&'a GuardPattern> {
    let command = commands
        .iter()
        .filter(|c| c.range.start <= range.start && range.start <= c.range.end)
        .min_by_key(|c| c.range.end - c.range.start)?;
    patterns
        .iter()
        .find(|(pattern, _)| pattern.matches(command))
        .map(|(_, at)| *at)
}

/// Validates a plugin's command finding and applies configuration; the
/// finding comes back with its byte range.
fn resolve(
    rule: &crate::engine::ActiveRule,
    command: &str,
    finding: command_wire::CommandFinding,
) -> Result<Option<(Finding, std::ops::Range<usize>)>, String> {
    let meta = &rule.plugin.meta;
    let check = crate::engine::declared_check(meta, &finding.check)?;
    let (start, end) = (finding.start as usize, finding.end as usize);
    if start > end
        || end > command.len()
        || !command.is_char_boundary(start)
        || !command.is_char_boundary(end)
    {
        return Err(format!(
            "returned a command finding with an invalid range {start}..{end} (the command is \
             {} bytes)",
            command.len()
        ));
    }
    let Some(severity) = resolve_severity(&rule.settings, check, finding.severity) else {
        return Ok(None);
    };
    let cut = |mut text: String| {
        crate::engine::truncate(&mut text);
        text
    };
    Ok(Some((
        Finding {
            rule: meta.id.clone(),
            check: check.id.clone(),
            severity,
            path: COMMAND_PATH.to_owned(),
            span: Some(Span::of_range(command, start..end)),
            message: cut(finding.message),
            help: finding.help.map(cut),
        },
        start..end,
    )))
}

fn needed_env(names: &[String]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = names
        .iter()
        .filter_map(|name| Some((name.clone(), std::env::var(name).ok()?)))
        .collect();
    env.sort();
    env.dedup();
    env
}

/// Reads the declared files from the working tree. Paths must stay inside
/// the repository: absolute paths and `..` are refused (skipped), so a
/// plugin cannot read outside what the repository holds.
fn needed_files(root: &Path, paths: &[String]) -> Vec<wire::File> {
    let mut files: Vec<wire::File> = paths
        .iter()
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with('/')
                && !p.contains('\\')
                && p.split('/').all(|c| !c.is_empty() && c != "..")
        })
        .filter_map(|p| {
            let full = root.join(p);
            let meta = std::fs::symlink_metadata(&full).ok()?;
            if !meta.is_file() {
                return None;
            }
            use drift_syntax::files::Content as Plain;
            // Classified as the snapshot classifies files, so a command
            // check and a file check see the same text.
            let content = if meta.len() > MAX_NEEDED_FILE {
                wire::Content::TooLarge(meta.len())
            } else {
                match Plain::classify(std::fs::read(&full).ok()?, MAX_NEEDED_FILE) {
                    Plain::Text(text) => wire::Content::Text(text),
                    Plain::Binary => wire::Content::Binary,
                    Plain::InvalidUtf8(at) => wire::Content::InvalidUtf8(at),
                    Plain::TooLarge(size) => wire::Content::TooLarge(size),
                }
            };
            Some(wire::File {
                path: p.clone(),
                content,
                sql: None,
            })
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// Renders the verdict for people (and agents reading stderr).
pub fn render_text(verdict: &Verdict, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut report = Report {
        findings: verdict.findings.clone(),
        ..Report::default()
    };
    report.sources.insert(
        COMMAND_PATH.to_owned(),
        Arc::new(Content::Text(Arc::new(verdict.command.clone()))),
    );
    crate::output::text::render(&report, crate::output::Style { color, quiet: true }, out)?;
    for error in &verdict.errors {
        writeln!(
            out,
            "error: {} `{}`: {}",
            error.kind, error.subject, error.message
        )?;
    }
    for (finding, at) in &verdict.allowed {
        writeln!(
            out,
            "note: allowed by [guard] allow ({at}): {}/{}: {}",
            finding.rule, finding.check, finding.message
        )?;
    }
    let refused = verdict.refused();
    match (&verdict.overridden, refused) {
        (Some(reason), true) => writeln!(
            out,
            "drift-host guard: OVERRIDDEN by a human ({OVERRIDE_ENV}): {reason}\n\
             drift-host guard: allowing a command the rules block: {}",
            verdict.command
        ),
        (_, true) if !verdict.errors.is_empty() => writeln!(
            out,
            "drift-host guard: blocked: the command could not be checked (see the errors \
             above); a human who has checked it can allow it with {OVERRIDE_ENV}=\"<reason>\""
        ),
        (_, true) => writeln!(
            out,
            "drift-host guard: blocked; if a human decides this is intended, they can run it \
             themselves or allow it with {OVERRIDE_ENV}=\"<reason>\""
        ),
        (_, false) => Ok(()),
    }
}

/// The reason shown to the agent when a hook blocks: the findings in the
/// compact `rule/check: message (help)` form, one per line.
fn agent_reason(verdict: &Verdict) -> String {
    let mut lines = vec![format!(
        "drift-host guard blocked this command: {}",
        one_line(&verdict.command)
    )];
    for f in verdict
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        let mut line = format!("- {}/{}: {}", f.rule, f.check, f.message);
        if let Some(help) = &f.help {
            line.push_str(&format!(" (instead: {help})"));
        }
        lines.push(line);
    }
    for e in &verdict.errors {
        lines.push(format!(
            "- the guard could not check it: {} `{}`: {}",
            e.kind, e.subject, e.message
        ));
    }
    lines.push(
        "Do not work around this block (other wrappers, scripts or spellings of the same \
         command). If the command is really needed, stop and ask the user to run it themselves."
            .to_owned(),
    );
    lines.join("\n")
}

/// Warnings and notes worth showing the user even when the command runs.
fn user_message(verdict: &Verdict) -> Option<String> {
    let mut lines = Vec::new();
    if let (Some(reason), true) = (&verdict.overridden, verdict.refused()) {
        lines.push(format!(
            "drift-host guard: OVERRIDDEN by a human ({OVERRIDE_ENV}: {reason}): allowing `{}` \
             despite:",
            one_line(&verdict.command)
        ));
        for f in &verdict.findings {
            lines.push(format!("- {}/{}: {}", f.rule, f.check, f.message));
        }
        for e in &verdict.errors {
            lines.push(format!("- {} `{}`: {}", e.kind, e.subject, e.message));
        }
    } else {
        for f in verdict
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Error)
        {
            lines.push(format!(
                "drift-host guard {}: {}/{}: {}",
                f.severity.as_str(),
                f.rule,
                f.check,
                f.message
            ));
        }
    }
    for (f, at) in &verdict.allowed {
        lines.push(format!(
            "drift-host guard: allowed by [guard] allow ({at}): {}/{}: {}",
            f.rule, f.check, f.message
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The answer to a Claude Code `PreToolUse` event, as the JSON it expects
/// on stdout (`None`: print nothing, which lets Claude Code's own
/// permission rules decide; the guard never answers "allow", because that
/// would skip the user's permission prompt).
pub fn claude_code_answer(verdict: Option<&Verdict>, failure: Option<&str>) -> Option<String> {
    let deny = |reason: String, system: Option<String>| {
        let mut answer = serde_json::json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        });
        if let Some(system) = system {
            answer["systemMessage"] = serde_json::Value::String(system);
        }
        Some(answer.to_string())
    };
    if let Some(failure) = failure {
        return deny(
            format!(
                "drift-host guard could not check this command ({failure}), so it is blocked. \
                 Ask the user to fix the guard or to run the command themselves."
            ),
            Some(format!("drift-host guard failed: {failure}")),
        );
    }
    let verdict = verdict?;
    if !verdict.allows() {
        return deny(agent_reason(verdict), None);
    }
    user_message(verdict).map(|message| serde_json::json!({ "systemMessage": message }).to_string())
}

/// A Claude Code hook event, as far as the guard reads it.
#[derive(Debug)]
pub enum HookEvent {
    /// A shell command about to run, from `cwd`.
    Command {
        command: String,
        cwd: Option<PathBuf>,
    },
    /// Another tool or event: not the guard's business.
    Other,
}

/// Reads a `PreToolUse` event. Bash tool calls become commands; other tools
/// and events pass. A malformed event is an error (the hook then blocks).
pub fn read_hook_event(input: &mut dyn Read) -> Result<HookEvent> {
    let mut text = String::new();
    input
        .take(MAX_EVENT_BYTES)
        .read_to_string(&mut text)
        .context("cannot read the hook event from stdin")?;
    let event: serde_json::Value =
        serde_json::from_str(&text).context("the hook event on stdin is not JSON")?;
    let Some(object) = event.as_object() else {
        anyhow::bail!("the hook event on stdin is not a JSON object");
    };
    if let Some(name) = object.get("hook_event_name").and_then(|v| v.as_str())
        && name != "PreToolUse"
    {
        return Ok(HookEvent::Other);
    }
    match object.get("tool_name").and_then(|v| v.as_str()) {
        Some("Bash") => {}
        Some(_) => return Ok(HookEvent::Other),
        None => anyhow::bail!("the hook event has no `tool_name`"),
    }
    let command = object
        .get("tool_input")
        .and_then(|input| input.get("command"))
        .and_then(|c| c.as_str())
        .context("the Bash hook event has no `tool_input.command` string")?;
    let cwd = object
        .get("cwd")
        .and_then(|v| v.as_str())
        .map(PathBuf::from);
    Ok(HookEvent::Command {
        command: command.to_owned(),
        cwd,
    })
}
