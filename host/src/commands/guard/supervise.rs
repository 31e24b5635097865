//! The hook's supervisor: it reads the event, judges it in a child process,
//! and forwards the child's answer, or a deny when the child ended any other
//! way (a non-zero exit, a signal, an answer that is not the hook's JSON,
//! no answer within [`timeout`]).
//!
//! On Unix the child is a `fork` of the supervisor taken before anything
//! else starts (no threads, no plugin engine yet), so judging costs what it
//! costs in one process plus the fork. Elsewhere the child is a second
//! `drift-host` started with [`CHILD_ENV`] set. The supervisor itself only
//! reads, forks, waits and writes, and a panic in it is caught and
//! answered as a deny too.

use std::io::{Read, Write};
use std::time::Duration;

use anyhow::Result;

use crate::commands::exit;
use crate::guard;

/// Set to [`CHILD`] in the environment of a child started as a second
/// process (and by bench/guard.sh): judge in this process, answer even "no
/// objection" ([`NO_OBJECTION`]). Any other value is ignored.
pub const CHILD_ENV: &str = "DRIFT_GUARD_HOOK_CHILD";

/// [`CHILD_ENV`]'s value in a child started by the supervisor.
pub const CHILD: &str = "child";

/// Largest event handed over (and largest answer read back): the hook's.
use crate::guard::MAX_EVENT_BYTES;

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

/// What the child produced: its exit, its answer on the answer pipe, and
/// what it wrote to stderr.
struct Ended {
    /// `None`: a normal exit with code 0.
    abnormal: Option<String>,
    answer: Vec<u8>,
    stderr: Vec<u8>,
}

/// Judges the event on `stdin` with `judge` in a child process and writes
/// its answer, or a deny, to `stdout`. Always exits 0: the answer is in the
/// JSON.
pub fn supervise(
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    judge: &dyn Fn(&mut dyn Read) -> Option<String>,
) -> Result<u8> {
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        judge_in_child(stdin, judge)
    }))
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
fn judge_in_child(
    stdin: &mut dyn Read,
    judge: &dyn Fn(&mut dyn Read) -> Option<String>,
) -> Result<Option<String>, String> {
    let mut event = Vec::new();
    stdin
        .take(MAX_EVENT_BYTES)
        .read_to_end(&mut event)
        .map_err(|e| format!("cannot read the hook event from stdin: {e}"))?;
    #[cfg(unix)]
    let ended = fork::run(&event, judge)?;
    #[cfg(not(unix))]
    let ended = {
        let _ = judge;
        spawn::run(&event)?
    };
    if let Some(how) = ended.abnormal {
        let said = String::from_utf8_lossy(&ended.stderr);
        let said = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(if said.is_empty() {
            format!("the judging process {how}")
        } else {
            format!("the judging process {how}: {}", said.trim())
        });
    }
    let text = String::from_utf8_lossy(&ended.answer).trim().to_owned();
    if text.is_empty() {
        return Err("the judging process ended without an answer".to_owned());
    }
    if text == NO_OBJECTION {
        return Ok(None);
    }
    let value = serde_json::from_str::<serde_json::Value>(&text).ok();
    // The guard answers ask, deny, or a message with no decision: never
    // allow, which would skip the user's permission prompt.
    let decision = value
        .as_ref()
        .and_then(|v| v.get("hookSpecificOutput"))
        .map(|output| output.get("permissionDecision").and_then(|d| d.as_str()));
    let valid = match decision {
        Some(Some("ask" | "deny")) => true,
        Some(_) => false,
        None => value
            .as_ref()
            .is_some_and(|v| v.get("systemMessage").is_some()),
    };
    if valid {
        Ok(Some(text))
    } else {
        Err("the judging process answered something that is not the hook's JSON".to_owned())
    }
}

/// What the child writes when it has no objection (the hook then prints
/// nothing): an answer of its own, so that a child that wrote nothing has
/// failed.
pub const NO_OBJECTION: &str = "null";

// fork(2), pipes, poll(2) and waitpid(2) have no safe wrapper in the
// dependencies; each call below states why it is sound.
#[cfg(unix)]
#[allow(unsafe_code)]
mod fork {
    //! The child as a fork: two pipes (the answer, stderr), `poll` on both
    //! until they close or the deadline passes, then `waitpid`.

    use std::time::Instant;

    use super::{Ended, MAX_EVENT_BYTES, NO_OBJECTION, timeout};

    fn pipe() -> Result<[libc::c_int; 2], String> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(format!(
                "cannot create a pipe: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(fds)
    }

    fn close(fd: libc::c_int) {
        // SAFETY: closing a descriptor this module created and owns.
        unsafe {
            libc::close(fd);
        }
    }

    /// Writes all of `bytes` to `fd`, ignoring failures (the parent reads
    /// what arrived).
    fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            // SAFETY: `bytes` is a valid buffer of `bytes.len()` bytes.
            let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
            if n <= 0 {
                return;
            }
            bytes = bytes.get(n as usize..).unwrap_or(&[]);
        }
    }

    pub(super) fn run(
        event: &[u8],
        judge: &dyn Fn(&mut dyn std::io::Read) -> Option<String>,
    ) -> Result<Ended, String> {
        let answer = pipe()?;
        let stderr = pipe()?;
        // An inherited "ignore SIGCHLD" would reap the child before
        // `waitpid` reads how it ended.
        // SAFETY: restoring the default disposition of one signal.
        unsafe {
            libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        }
        // SAFETY: the process is single-threaded here (the guard starts no
        // thread before judging), so the child may run ordinary code; it
        // leaves only through `_exit`, never back into the caller.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(format!(
                "cannot fork the judging process: {}",
                std::io::Error::last_os_error()
            ));
        }
        if pid == 0 {
            close(answer[0]);
            close(stderr[0]);
            // SAFETY: replacing this child's stdout and stderr with the
            // pipes' write ends: whatever the judging prints reaches the
            // parent, which checks it, never Claude Code directly.
            unsafe {
                libc::dup2(answer[1], 1);
                libc::dup2(stderr[1], 2);
            }
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| judge(&mut &event[..])));
            let code = match result {
                Ok(text) => {
                    // An explicit answer even for "no objection": silence
                    // from the child is a failure, never a pass.
                    write_all(
                        answer[1],
                        text.as_deref().unwrap_or(NO_OBJECTION).as_bytes(),
                    );
                    0
                }
                // The panic message is already on stderr.
                Err(_) => 101,
            };
            // SAFETY: leaving the child without running the parent's
            // destructors or flushing its buffers.
            unsafe { libc::_exit(code) }
        }
        close(answer[1]);
        close(stderr[1]);
        let mut ended = Ended {
            abnormal: None,
            answer: Vec::new(),
            stderr: Vec::new(),
        };
        let deadline = Instant::now() + timeout();
        let mut open = [answer[0], stderr[0]];
        let mut timed_out = false;
        while open.iter().any(|fd| *fd >= 0) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                timed_out = true;
                break;
            }
            let mut fds: Vec<libc::pollfd> = open
                .iter()
                .filter(|fd| **fd >= 0)
                .map(|&fd| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let ms = left.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
            // SAFETY: `fds` is a valid array of `fds.len()` pollfd entries.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                timed_out = true;
                break;
            }
            for entry in fds.iter().filter(|e| e.revents != 0) {
                let mut buf = [0u8; 8192];
                // SAFETY: `buf` is a valid buffer of `buf.len()` bytes.
                let n = unsafe { libc::read(entry.fd, buf.as_mut_ptr().cast(), buf.len()) };
                let into = if entry.fd == answer[0] {
                    &mut ended.answer
                } else {
                    &mut ended.stderr
                };
                if n < 0
                    && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                {
                    continue;
                }
                if n > 0 && (into.len() as u64) < MAX_EVENT_BYTES {
                    into.extend_from_slice(buf.get(..n as usize).unwrap_or(&[]));
                } else if n <= 0 {
                    close(entry.fd);
                    for slot in open.iter_mut().filter(|s| **s == entry.fd) {
                        *slot = -1;
                    }
                }
            }
        }
        for fd in open.iter().filter(|fd| **fd >= 0) {
            close(*fd);
        }
        if timed_out {
            // SAFETY: signalling the child this function forked.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        let mut status = 0;
        let reaped = loop {
            // SAFETY: reaping the child this function forked.
            let r = unsafe { libc::waitpid(pid, &mut status, 0) };
            if r < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break r == pid;
        };
        ended.abnormal = if !reaped {
            Some(format!(
                "could not be waited for: {}",
                std::io::Error::last_os_error()
            ))
        } else if timed_out {
            Some(format!(
                "gave no answer within {} s and was stopped",
                timeout().as_secs_f32()
            ))
        } else if libc::WIFSIGNALED(status) {
            Some(format!("was killed by signal {}", libc::WTERMSIG(status)))
        } else if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) != 0 {
            Some(format!("exited with code {}", libc::WEXITSTATUS(status)))
        } else {
            None
        };
        Ok(ended)
    }
}

#[cfg(not(unix))]
mod spawn {
    //! The child as a second `drift-host` with [`super::CHILD_ENV`] set.

    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use super::{CHILD_ENV, Ended, MAX_EVENT_BYTES, timeout};

    pub(super) fn run(event: &[u8]) -> Result<Ended, String> {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find drift-host itself: {e}"))?;
        let mut child = Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(CHILD_ENV, super::CHILD)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the judging process: {e}"))?;
        // The child reads the whole event before it writes anything.
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(event);
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
                    return Ok(Ended {
                        abnormal: Some(format!(
                            "gave no answer within {} s and was stopped",
                            timeout().as_secs_f32()
                        )),
                        answer: Vec::new(),
                        stderr: Vec::new(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_micros(200)),
                Err(e) => return Err(format!("cannot wait for the judging process: {e}")),
            }
        };
        Ok(Ended {
            abnormal: (!status.success()).then(|| match status.code() {
                Some(code) => format!("exited with code {code}"),
                None => "was stopped".to_owned(),
            }),
            answer: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        })
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
            let _ = std::process::Command::new("kill")
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
