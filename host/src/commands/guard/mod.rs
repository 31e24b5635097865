//! `drift-host guard`: a command line judged before it runs, from the
//! command line (`guard -- <argv...>`) or as a Claude Code hook.
//!
//! In hook mode the judging runs in a child process ([`supervise`]): Claude
//! Code lets a command run when its hook ends abnormally (any exit code but
//! 2), so a panic, an abort, a stack overflow or a signal while judging must
//! still come out as a deny, which only a process that survives the judge
//! can write. On Unix the child is a fork, so it costs no second start of
//! the binary.

mod supervise;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::{exit, use_color};
use crate::cli::{GuardArgs, Hook};
use crate::guard;
use crate::setup::{load_config, resolve_root};

/// `drift-host guard`.
///
/// In hook mode on Unix this forks: call it before the process starts any
/// thread (as `main` does).
pub fn guard(
    args: &GuardArgs,
    stdin: &mut dyn std::io::Read,
    stdout: &mut dyn Write,
) -> Result<u8> {
    let overridden = guard::override_reason(args.override_reason.as_deref());
    let here = std::env::current_dir().context("cannot read the working directory")?;
    let Some(Hook::ClaudeCode) = args.hook else {
        let command = drift_syntax::shell::join(&args.command);
        let root = match &args.path {
            Some(path) => resolve_root(path)?,
            None => guard::find_root(&here),
        };
        let config = load_config(args.config.as_deref(), &root)?;
        let verdict = guard::judge(&root, &here, &config, &command, overridden)?;
        let color = use_color(args.color, {
            use std::io::IsTerminal;
            std::io::stderr().is_terminal()
        });
        guard::render_text(&verdict, color, &mut std::io::stderr().lock())?;
        return Ok(if verdict.allows() {
            exit::CLEAN
        } else if verdict.errors.is_empty() {
            exit::FINDINGS
        } else {
            exit::FAILURE
        });
    };
    // Hook mode always answers in the hook's protocol: a failure to check
    // becomes a "deny" with the reason, never a crash the agent reads as
    // "no objection".
    let judge = |event: &mut dyn std::io::Read| -> Option<String> {
        #[cfg(debug_assertions)]
        supervise::inject_fault();
        let no_prompt = guard::Prompting::NotShown(String::new());
        match hook_verdict(args, event, &here, overridden.clone()) {
            Ok((verdict, prompting)) => {
                guard::claude_code_answer(verdict.as_ref(), None, &prompting)
            }
            Err(e) => guard::claude_code_answer(None, Some(&format!("{e:#}")), &no_prompt),
        }
    };
    if std::env::var_os(supervise::CHILD_ENV).is_some_and(|v| v == supervise::CHILD) {
        // The judging child of a supervisor that cannot fork (or a
        // benchmark of the judging alone): it answers even "no objection",
        // and its supervisor checks the answer.
        let answer = judge(stdin);
        writeln!(
            stdout,
            "{}",
            answer.as_deref().unwrap_or(supervise::NO_OBJECTION)
        )?;
        return Ok(exit::CLEAN);
    }
    supervise::supervise(stdin, stdout, &judge)
}

/// Reads the hook event and judges its command (`None`: not a command),
/// with whether an `ask` would reach a person.
fn hook_verdict(
    args: &GuardArgs,
    stdin: &mut dyn std::io::Read,
    here: &Path,
    overridden: Option<String>,
) -> Result<(Option<guard::Verdict>, guard::Prompting)> {
    let entrypoint = std::env::var("CLAUDE_CODE_ENTRYPOINT").ok();
    let (command, cwd, prompting) = match guard::read_hook_event(stdin)? {
        guard::HookEvent::Command {
            command,
            cwd,
            permission_mode,
        } => {
            let prompting = guard::prompting(permission_mode.as_deref(), entrypoint.as_deref());
            (command, cwd, prompting)
        }
        guard::HookEvent::Edit { tool, path } => {
            // Only the policy files are the guard's business here.
            let verdict = guard::check_edit(&tool, &path).map(|finding| {
                guard::Verdict::new(
                    format!("{tool} {path}"),
                    vec![finding],
                    Vec::new(),
                    overridden,
                    &crate::config::Policy::default(),
                )
            });
            return Ok((verdict, guard::Prompting::NotShown(String::new())));
        }
        guard::HookEvent::Other => return Ok((None, guard::Prompting::Shown)),
    };
    let cwd = cwd
        .filter(|c| c.is_dir())
        .unwrap_or_else(|| here.to_path_buf());
    let root = match &args.path {
        Some(path) => resolve_root(path)?,
        None => guard::find_root(&cwd),
    };
    let config = load_config(args.config.as_deref(), &root)?;
    let verdict = guard::judge(&root, &cwd, &config, &command, overridden)?;
    Ok((Some(verdict), prompting))
}
