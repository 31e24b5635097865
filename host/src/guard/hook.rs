//! The Claude Code `PreToolUse` hook protocol: the event read from stdin,
//! the answer as the JSON the hook expects on stdout.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Verdict;
use super::render::{agent_reason, consent_reason, user_message};

/// Largest hook event read from stdin.
pub const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

/// Whether the permission prompt an `ask` answer opens reaches a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompting {
    Shown,
    /// Nobody sees it: why (the permission mode, a non-interactive run).
    NotShown(String),
}

/// Claude Code's permission modes in which a hook's `ask` opens the
/// permission prompt for the user. In `bypassPermissions` and `dontAsk`
/// nothing is asked, and a mode this list does not know (or an event
/// without one) may not ask either: consent then becomes a refusal.
const PROMPTING_MODES: &[&str] = &["default", "acceptEdits", "plan"];

/// Whether an `ask` reaches a person, from the event's `permission_mode`
/// and Claude Code's entrypoint (`CLAUDE_CODE_ENTRYPOINT`: `sdk-*` is a
/// program driving Claude Code, `claude -p` included, with nobody at a
/// prompt).
pub fn prompting(permission_mode: Option<&str>, entrypoint: Option<&str>) -> Prompting {
    if let Some(entrypoint) = entrypoint
        && (entrypoint.starts_with("sdk") || entrypoint == "mcp")
    {
        return Prompting::NotShown(format!(
            "Claude Code runs non-interactively here (entrypoint `{entrypoint}`)"
        ));
    }
    match permission_mode {
        Some(mode) if PROMPTING_MODES.contains(&mode) => Prompting::Shown,
        Some(mode) => Prompting::NotShown(format!(
            "Claude Code's permission mode `{mode}` shows no permission prompt"
        )),
        None => Prompting::NotShown(
            "the hook event does not say which permission mode is in force".to_owned(),
        ),
    }
}

/// The answer to a Claude Code `PreToolUse` event, as the JSON it expects
/// on stdout (`None`: print nothing, which lets Claude Code's own
/// permission rules decide; the guard never answers "allow", because that
/// would skip the user's permission prompt).
///
/// A command that needs consent is answered `ask` (its reason is shown in
/// the prompt) where a person sees the prompt, and `deny` everywhere else:
/// consent nobody can give is a refusal.
pub fn claude_code_answer(
    verdict: Option<&Verdict>,
    failure: Option<&str>,
    prompting: &Prompting,
) -> Option<String> {
    let answer = |decision: &str, reason: String, system: Option<String>| {
        let mut answer = serde_json::json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision,
                "permissionDecisionReason": reason,
            }
        });
        if let Some(system) = system {
            answer["systemMessage"] = serde_json::Value::String(system);
        }
        Some(answer.to_string())
    };
    if let Some(failure) = failure {
        return answer(
            "deny",
            format!(
                "drift-host guard could not check this command ({failure}), so it is blocked. \
                 Ask the user to fix the guard or to run the command themselves."
            ),
            Some(format!("drift-host guard failed: {failure}")),
        );
    }
    let verdict = verdict?;
    if verdict.allows() {
        return user_message(verdict)
            .map(|message| serde_json::json!({ "systemMessage": message }).to_string());
    }
    match (verdict.asks(), prompting) {
        (true, Prompting::Shown) => answer("ask", consent_reason(verdict), None),
        (true, Prompting::NotShown(why)) => answer("deny", agent_reason(verdict, Some(why)), None),
        (false, _) => answer("deny", agent_reason(verdict, None), None),
    }
}

/// A Claude Code hook event, as far as the guard reads it.
#[derive(Debug)]
pub enum HookEvent {
    /// A shell command about to run, from `cwd`.
    Command {
        command: String,
        cwd: Option<PathBuf>,
        /// The event's `permission_mode`, when it has one.
        permission_mode: Option<String>,
    },
    /// An editor tool (`Write`, `Edit`, `MultiEdit`, `NotebookEdit`) about
    /// to change `path`: judged only for the policy files.
    Edit { tool: String, path: String },
    /// Another tool or event: not the guard's business.
    Other,
}

/// Claude Code's tools that write a file named by `tool_input.file_path`
/// (`notebook_path` for notebooks).
const EDITOR_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// Reads a `PreToolUse` event. Bash tool calls become commands, editor
/// tool calls the file they change; other tools and events pass. A malformed event is an error (the hook then blocks).
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
        Some(tool) if EDITOR_TOOLS.contains(&tool) => {
            let input = object.get("tool_input");
            let path = ["file_path", "notebook_path"]
                .iter()
                .find_map(|key| input.and_then(|i| i.get(*key)).and_then(|p| p.as_str()))
                .with_context(|| {
                    format!("the {tool} hook event has no `tool_input.file_path` string")
                })?;
            return Ok(HookEvent::Edit {
                tool: tool.to_owned(),
                path: path.to_owned(),
            });
        }
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
    let permission_mode = object
        .get("permission_mode")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    Ok(HookEvent::Command {
        command: command.to_owned(),
        cwd,
        permission_mode,
    })
}
