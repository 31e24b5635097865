//! The hook's supervisor: it reads the event, hands it to a child
//! `drift-host` that judges it, and forwards the child's answer, or a deny
//! when the child ended any other way (a non-zero exit, a signal, an answer
//! that is not the hook's JSON, no answer within [`timeout`]).
//!
//! The supervisor itself only reads, spawns, waits and writes, and a panic
//! in it is caught and answered as a deny too.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::commands::exit;
use crate::guard;

/// Set in the judging child's environment.
pub const CHILD_ENV: &str = "DRIFT_GUARD_HOOK_CHILD";

/// Largest event handed over (the child reads at most this much too).
const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

/// How long the child may judge: well under Claude Code's own hook timeout
/// (60 s), whose expiry would let the command run.
fn timeout() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("DRIFT_GUARD_HOOK_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    Duration::from_secs(30)
}

/// Judges the event on `stdin` in a child process and writes its answer,
/// or a deny, to `stdout`. Always exits 0: the answer is in the JSON.
pub fn supervise(stdin: &mut dyn Read, stdout: &mut dyn Write) -> Result<u8> {
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| judge_in_child(stdin)))
        .unwrap_or_else(|_| Err("the guard's supervisor panicked".to_owned()));
    let answer = match answer {
        Ok(answer) => answer,
        Err(why) => {
            guard::claude_code_answer(None, Some(&why), &guard::Prompting::NotShown(String::new()))
        }
    };
    if let Some(answer) = answer {
        writeln!(stdout, "{answer}")?;
    }
    Ok(exit::CLEAN)
}

/// The child's answer (`None`: no objection), or why there is none.
fn judge_in_child(stdin: &mut dyn Read) -> Result<Option<String>, String> {
    let mut event = Vec::new();
    stdin
        .take(MAX_EVENT_BYTES)
        .read_to_end(&mut event)
        .map_err(|e| format!("cannot read the hook event from stdin: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find drift-host itself: {e}"))?;
    let mut child = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the judging process: {e}"))?;
    // The child reads the whole event before it writes anything, so the
    // event can be written before the answer is read. A child that died
    // early closes the pipe: its exit status says why.
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(&event);
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(MAX_EVENT_BYTES).read_to_end(&mut text);
            }
            text
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the judging process gave no answer within {} s and was stopped",
                    timeout().as_secs_f32()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_micros(200)),
            Err(e) => return Err(format!("cannot wait for the judging process: {e}")),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with code {code}"),
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    format!(
                        "was killed by signal {}",
                        status.signal().map_or("?".to_owned(), |s| s.to_string())
                    )
                }
                #[cfg(not(unix))]
                {
                    "was stopped".to_owned()
                }
            }
        };
        let said = String::from_utf8_lossy(&stderr);
        let said = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(if said.is_empty() {
            format!("the judging process {how}")
        } else {
            format!("the judging process {how}: {}", said.trim())
        });
    }
    let text = String::from_utf8_lossy(&stdout).trim().to_owned();
    if text.is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value)
            if value.get("hookSpecificOutput").is_some()
                || value.get("systemMessage").is_some() =>
        {
            Ok(Some(text))
        }
        _ => Err("the judging process answered something that is not the hook's JSON".to_owned()),
    }
}

/// Test builds only: `DRIFT_GUARD_FAULT` makes the judging child end the
/// ways a real fault would, so the tests can hold the supervisor to a deny.
#[cfg(debug_assertions)]
pub fn inject_fault() {
    let Ok(fault) = std::env::var("DRIFT_GUARD_FAULT") else {
        return;
    };
    match fault.as_str() {
        "panic" => panic!("injected fault"),
        "abort" => std::process::abort(),
        "overflow" => {
            fn deeper(n: u64) -> u64 {
                if n == u64::MAX {
                    return 0;
                }
                let pad = std::hint::black_box([n; 512]);
                deeper(n + 1) + pad.iter().sum::<u64>()
            }
            std::hint::black_box(deeper(0));
        }
        "signal" => {
            let _ = Command::new("kill")
                .args(["-KILL", &std::process::id().to_string()])
                .status();
            std::thread::sleep(Duration::from_secs(5));
        }
        "hang" => std::thread::sleep(Duration::from_secs(600)),
        "garbage" => {
            #[allow(clippy::print_stdout)]
            {
                println!("not json");
            }
            std::process::exit(0);
        }
        _ => {}
    }
}
