//! The Claude Code `PreToolUse` hook protocol: the event read from stdin,
//! the answer as the JSON the hook expects on stdout.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Verdict;
use super::render::{agent_reason, user_message};

/// Largest hook event read from stdin.
const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

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
    Ok(HookEvent::Command {
        command: command.to_owned(),
        cwd,
    })
}
