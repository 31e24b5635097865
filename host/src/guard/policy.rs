//! The policy out of the agent's reach, and lines the guard cannot see
//! into.
//!
//! The guard's verdicts come from rules.toml (rule severities, `[guard]`
//! patterns) and its hook from `.claude/settings*.json`. An agent that may
//! rewrite those files may switch the guard off, so a command that may
//! write one (an output redirection to it, or any program not known to
//! only read naming it) and an editor tool call (`Write`, `Edit`,
//! `MultiEdit`, `NotebookEdit`) on one are refused: the user changes the
//! policy, not the agent. And a line nested deeper than the shell reader
//! looks (`drift_syntax::shell::MAX_DEPTH`) is refused too: what runs
//! inside it was never judged, and "could not see" must not read as
//! "safe". So is a line that writes a file and then runs what reads it
//! (`echo … > x.sh && bash x.sh`, `>> .env && prisma migrate deploy`):
//! the file's content does not exist yet when the line is judged.

use drift_syntax::paths::file_name;
use drift_syntax::shell::{Examined, basename};

use super::COMMAND_PATH;
use crate::diagnostic::{Finding, HOST_RULE, Severity, Span};

/// Programs that only read the files they are given (without an output
/// redirection): naming a policy file to them changes nothing.
const READ_ONLY: &[&str] = &[
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "grep",
    "egrep",
    "fgrep",
    "rg",
    "ag",
    "wc",
    "diff",
    "cmp",
    "bat",
    "file",
    "stat",
    "ls",
    "tree",
    "jq",
    "md5sum",
    "sha256sum",
    "sha1sum",
    "echo",
    "printf",
    "test",
    "[",
    "find",
    "sed",
];

/// Arguments that make a reader write: `sed -i`, `find -delete`,
/// `git diff --output=f` (and `tree -o f`, see `reads_only`).
const WRITING_FLAGS: &[&str] = &[
    "-i",
    "--in-place",
    "-delete",
    "-exec",
    "-execdir",
    "-ok",
    "-okdir",
    "-fprint",
    "--output",
];

/// `git` subcommands that never change the working tree.
const GIT_READ_ONLY: &[&str] = &[
    "diff", "log", "show", "status", "blame", "ls-files", "grep", "add", "commit",
];

/// `drift-host` subcommands that write rules.toml without naming it.
const DRIFT_HOST_WRITERS: &[&str] = &["init", "pin"];

/// True when `path` (as written in a command or a tool call) is a file the
/// guard's policy comes from: any `rules.toml`, and Claude Code's project
/// settings, where the hook is configured.
pub fn is_policy_file(path: &str) -> bool {
    let path = path.trim_matches(['"', '\'']).replace('\\', "/");
    let name = file_name(&path);
    name == crate::config::FILE_NAME
        || (matches!(name, "settings.json" | "settings.local.json")
            && path.ends_with(&format!(".claude/{name}")))
}

/// True when a command argument may reach a policy file: one by name, the
/// `.claude` folder itself, a glob over its settings (`settings*.json`), or
/// a policy file named inside a longer argument (`python3 -c
/// "open('rules.toml', 'w')"`, `--config=rules.toml`).
fn names_policy_file(word: &str) -> bool {
    let word = word.replace('\\', "/");
    let trimmed = word.trim_end_matches('/');
    is_policy_file(&word)
        || trimmed == ".claude"
        || trimmed.ends_with("/.claude")
        || word.contains(crate::config::FILE_NAME)
        || word.contains(".claude/settings")
}

/// Findings for a line that may write a policy file, or that nests past
/// what the shell reader examines.
pub fn check_line(command: &str, examined: &Examined) -> Vec<Finding> {
    let mut out = Vec::new();
    if examined.too_deep {
        out.push(finding(
            "guard-unexamined",
            Some(Span::of_range(command, 0..command.len())),
            format!(
                "the command nests shells or substitutions more than {} levels deep, past what the guard reads: what runs inside was not checked",
                drift_syntax::shell::MAX_DEPTH
            ),
            "run the inner command directly, so the guard can judge it; or ask the user to run this line",
        ));
    }
    for write in &examined.writes {
        if is_policy_file(&write.file.text) {
            out.push(policy_finding(
                command,
                write.file.range.clone(),
                &write.file.text,
            ));
        }
    }
    out.extend(written_then_used(command, examined));
    out.extend(unread(command, examined));
    for simple in &examined.commands {
        let program = simple.program().map(basename);
        let sub = simple.args().first().map(|w| w.text.as_str());
        if program == Some("drift-host") {
            if sub.is_some_and(|s| DRIFT_HOST_WRITERS.contains(&s)) {
                out.push(policy_finding(
                    command,
                    simple.range.clone(),
                    crate::config::FILE_NAME,
                ));
            }
            continue;
        }
        if reads_only(simple) {
            continue;
        }
        if let Some(named) = simple.args().iter().find(|w| names_policy_file(&w.text)) {
            out.push(policy_finding(command, simple.range.clone(), &named.text));
        }
    }
    out
}

/// The finding for an editor tool call on a policy file (`None`: another
/// file, not the guard's business).
pub fn check_edit(tool: &str, path: &str) -> Option<Finding> {
    is_policy_file(path).then(|| {
        finding(
            "guard-policy-file",
            None,
            format!(
                "{tool} would change `{path}`, where the guard's policy comes from: an agent does not change its own guard"
            ),
            "ask the user to make this change themselves",
        )
    })
}

/// A file the line writes (`> x.sh`, `>> .env`) and a later command of the
/// same line then uses: the guard judges the line before it runs, when the
/// file does not hold what the command will read yet (`echo 'dropdb app' >
/// x.sh && bash x.sh`, `echo DATABASE_URL=… >> .env && prisma migrate
/// deploy`). Reading it back (`cat`, `grep`) is fine.
fn written_then_used(command: &str, examined: &Examined) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, simple) in examined.commands.iter().enumerate() {
        if reads_only(simple) {
            continue;
        }
        let earlier = examined
            .writes
            .iter()
            .filter(|w| w.after <= index && !is_policy_file(&w.file.text))
            .map(|w| &w.file);
        let used = earlier.into_iter().find(|w| runs_or_feeds(simple, &w.text));
        if let Some(written) = used {
            out.push(finding(
                "guard-unexamined",
                Some(Span::of_range(command, simple.range.clone())),
                format!(
                    "the line writes `{}` and then runs a command that reads it: the guard judges the line before it runs, so it cannot see what the file will hold",
                    written.text
                ),
                "write the file first, then run the command in a separate step the guard can judge",
            ));
        }
    }
    out
}

/// Interpreters and the options whose value is a program in their own
/// language (`python3 -c`, `node -e`).
const INLINE_CODE: &[(&str, &[&str])] = &[
    ("python", &["-c"]),
    ("python3", &["-c"]),
    ("node", &["-e", "--eval", "-p", "--print"]),
    ("deno", &["eval"]),
    ("bun", &["-e", "--eval"]),
    ("perl", &["-e", "-E"]),
    ("ruby", &["-e"]),
    ("php", &["-r"]),
];

/// Programs that run a command given in their arguments somewhere the guard
/// does not follow: another host, another user, a terminal multiplexer,
/// each file `find` visits. `docker exec`, `kubectl exec` and `script -c`
/// are peeled by the shell reader (their command is judged); these names
/// catch the forms it does not read (`docker run` with an option it does
/// not know, `script` given its command another way).
const COMMAND_RUNNERS: &[&str] = &[
    "ssh",
    "su",
    "runuser",
    "doas",
    "pkexec",
    "chroot",
    "nsenter",
    "flock",
    "systemd-run",
    "script",
    "tmux",
    "screen",
    "parallel",
    "find",
    "docker",
    "podman",
    "kubectl",
    "nerdctl",
    "doppler",
    "infisical",
    "op",
    "just",
    "task",
    "mise",
];

/// Commands the guard cannot read through, so their line asks: a program
/// computed when the line runs (`$CMD app`, `dropdb$IFS app`), a shell
/// whose script comes from a pipe or a file (`curl … | bash`, `sh <
/// x.sh`), code in another language or a command for another runner that
/// names a database tool (`python3 -c "os.system('dropdb app')"`, `ssh
/// prod dropdb app`).
fn unread(command: &str, examined: &Examined) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |range: std::ops::Range<usize>, why: String| {
        out.push(finding(
            "guard-unexamined",
            Some(Span::of_range(command, range)),
            why,
            "run the database command directly, so the guard can judge it; or ask the user to run this line",
        ));
    };
    // `$(( … ))` (arithmetic) and `${ … }` (a parameter's expansion) are
    // not looked into by the reader; a command substituted inside either
    // still runs. Read here: one that is a database command, or that the
    // guard could not read either, asks (`${USER:-$(whoami)}` does not).
    for (open, what) in [
        ("$((", "arithmetic (`$(( … ))`)"),
        ("${", "a parameter expansion (`${ … }`)"),
    ] {
        let mut from = 0;
        while let Some(at) = command
            .get(from..)
            .and_then(|r| r.find(open))
            .map(|i| from + i)
        {
            let body_start = at + open.len();
            let end = closing(command, body_start);
            let body = command.get(body_start..end).unwrap_or("");
            if (body.contains("$(") || body.contains('`') || body.contains("<("))
                && substitutes_unsafely(body)
            {
                push(
                    at..end,
                    format!(
                        "the line substitutes a command inside {what}, which the guard does not read"
                    ),
                );
                break;
            }
            from = body_start;
        }
    }
    for simple in &examined.commands {
        if let Some(why) = unread_reason(simple, examined) {
            push(simple.range.clone(), why);
        }
    }
    out
}

/// True when the text inside a `${ … }` or `$(( … ))` runs a command the
/// guard would object to or could not read: a database command, a line it
/// cannot read through, or a nesting it does not follow.
fn substitutes_unsafely(body: &str) -> bool {
    // The body is words (a default value, an expression), not a command:
    // read as the arguments of `:`, which runs nothing itself.
    let inner = drift_syntax::shell::examine(&format!(": {body}"));
    inner.too_deep
        || body.contains("${")
        || body.contains("$((")
        || inner.commands.iter().any(|c| {
            !drift_syntax::hazard::recognise(c).is_empty() || unread_reason(c, &inner).is_some()
        })
}

/// Why the guard cannot read through the simple command `simple`, if it
/// cannot (see [`unread`]).
fn unread_reason(simple: &drift_syntax::shell::Command, examined: &Examined) -> Option<String> {
    let program = simple.program()?;
    let base = basename(program);
    // Builtins that keep a command line to run later: `alias p=dropdb`
    // (aliases expand in the shells agents use), `trap 'dropdb app' EXIT`.
    let names_hazard = |v: &&str| !drift_syntax::hazard::in_line(v).is_empty();
    let deferred = match base {
        "alias" => simple
            .args()
            .iter()
            .filter_map(|w| w.text.split_once('=').map(|(_, v)| v))
            .find(names_hazard),
        "trap" => simple
            .args()
            .iter()
            .find(|w| !w.text.starts_with('-'))
            .map(|w| w.text.as_str())
            .filter(names_hazard),
        _ => None,
    };
    if let Some(deferred) = deferred {
        return Some(format!(
            "`{base}` keeps `{deferred}` to run later, where the guard does not judge it"
        ));
    }
    if program.contains('$') || program.contains('`') {
        return Some(format!(
            "the program `{program}` is computed when the line runs, so the guard cannot tell what runs"
        ));
    }
    if drift_syntax::shell::SHELLS.contains(&base)
        && drift_syntax::shell::reads_script_from_stdin(&simple.words)
        && simple.stdin.is_none()
    {
        let source = match &simple.stdin_file {
            Some(file) => format!("`{}`", file.text),
            None => {
                let from = simple.piped_from.and_then(|i| examined.commands.get(i))?;
                format!("the output of `{}`", from.program().unwrap_or(""))
            }
        };
        return Some(format!(
            "`{base}` runs a script read from {source}, which the guard cannot see"
        ));
    }
    let mentions = |text: &str| {
        drift_syntax::hazard::Family::PROGRAMS
            .iter()
            .any(|name| drift_syntax::text::contains_word(text, name))
    };
    let inline = INLINE_CODE
        .iter()
        .find(|(name, _)| *name == base)
        .and_then(|(_, flags)| {
            simple
                .args()
                .windows(2)
                .find(|pair| matches!(pair, [flag, _] if flags.contains(&flag.text.as_str())))
                .and_then(|pair| pair.get(1))
        });
    if let Some(code) = inline.filter(|code| mentions(&code.text)) {
        return Some(format!(
            "`{base}` runs code that names a database tool, which the guard does not read: {}",
            super::judge::one_line(&code.text)
        ));
    }
    (COMMAND_RUNNERS.contains(&base) && simple.args().iter().any(|w| mentions(&w.text))).then(
        || {
            format!(
                "`{base}` runs a command that names a database tool where the guard does not follow it"
            )
        },
    )
}

/// Where the `${`, `$((` or `(` opened just before `start` closes: braces
/// and parentheses counted, quotes and escapes skipped; the end of the line
/// when it never does.
fn closing(line: &str, start: usize) -> usize {
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    let mut chars = line.get(start..).unwrap_or("").char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                chars.next();
            }
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (_, '{' | '(') => depth += 1,
            (_, '}' | ')') => {
                depth -= 1;
                if depth == 0 {
                    return start + i;
                }
            }
            _ => {}
        }
    }
    line.len()
}

/// Programs that run a file named among their arguments.
const RUNNERS: &[&str] = &[
    "bash", "sh", "zsh", "dash", "ksh", "source", ".", "node", "python", "python3", "ruby", "perl",
    "deno", "bun", "tsx", "ts-node", "make", "psql",
];

/// Programs that read `.env` files on their own.
const ENV_READERS: &[&str] = &[
    "prisma", "psql", "npx", "npm", "pnpm", "yarn", "bunx", "bun", "dotenv", "node", "tsx",
];

/// True when `command` runs the file at `file` (as its program, through a
/// shell or interpreter, as `-f`/`--file`, or on stdin), or, for a `.env`
/// file, is a tool that loads it.
fn runs_or_feeds(command: &drift_syntax::shell::Command, file: &str) -> bool {
    let name = file.trim_start_matches("./");
    let same = |text: &str| text.trim_start_matches("./") == name;
    let Some(program) = command.program() else {
        return false;
    };
    let base = basename(program);
    let env_file = file_name(name) == ".env" || file_name(name).starts_with(".env.");
    if env_file {
        return ENV_READERS.contains(&base);
    }
    same(program)
        || command.stdin_file.as_ref().is_some_and(|w| same(&w.text))
        || (RUNNERS.contains(&base) && command.args().iter().any(|w| same(&w.text)))
        || command.args().iter().any(|w| {
            ["--file=", "-f"]
                .iter()
                .any(|flag| w.text.strip_prefix(flag).is_some_and(same))
        })
        || command
            .args()
            .windows(2)
            .any(|pair| matches!(pair, [flag, value] if matches!(flag.text.as_str(), "-f" | "--file") && same(&value.text)))
}

fn reads_only(command: &drift_syntax::shell::Command) -> bool {
    let Some(program) = command.program().map(basename) else {
        return false;
    };
    // Only the lists are trusted, and a writing flag undoes them.
    let writes = command.args().iter().any(|w| {
        let flag = w.text.split_once('=').map_or(w.text.as_str(), |(f, _)| f);
        WRITING_FLAGS.contains(&flag)
            || (flag.starts_with("-i") && program == "sed")
            // `tree -o f` writes; `grep -o` only matches.
            || (flag == "-o" && program == "tree")
    });
    if writes {
        return false;
    }
    if program == "git" {
        return command
            .args()
            .iter()
            .find(|w| !w.text.starts_with('-'))
            .is_some_and(|sub| GIT_READ_ONLY.contains(&sub.text.as_str()));
    }
    READ_ONLY.contains(&program)
}

fn policy_finding(command: &str, range: std::ops::Range<usize>, file: &str) -> Finding {
    let shown: String = command
        .get(range.clone())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    finding(
        "guard-policy-file",
        Some(Span::of_range(command, range)),
        format!(
            "`{shown}` may change `{file}`, where the guard's policy comes from: an agent does not change its own guard"
        ),
        "ask the user to make this change themselves",
    )
}

fn finding(check: &str, span: Option<Span>, message: String, help: &str) -> Finding {
    Finding {
        rule: HOST_RULE.to_owned(),
        check: check.to_owned(),
        severity: Severity::Error,
        path: COMMAND_PATH.to_owned(),
        span,
        message,
        help: Some(help.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(line: &str) -> Vec<String> {
        check_line(line, &drift_syntax::shell::examine(line))
            .into_iter()
            .map(|f| f.check)
            .collect()
    }

    #[test]
    fn policy_files() {
        for path in [
            "rules.toml",
            "./rules.toml",
            "/home/u/app/rules.toml",
            ".claude/settings.json",
            "/repo/.claude/settings.local.json",
            "'rules.toml'",
        ] {
            assert!(is_policy_file(path), "{path}");
        }
        for path in [
            "rules.toml.bak",
            "settings.json",
            "src/rules.ts",
            ".claude/agents/x.md",
        ] {
            assert!(!is_policy_file(path), "{path}");
        }
    }

    #[test]
    fn writing_the_policy_is_refused() {
        for line in [
            "printf '[rules.destructive-sql]\\nenabled = false' > rules.toml",
            "echo x >> rules.toml",
            "> rules.toml",
            "sed -i 's/error/off/' rules.toml",
            "cp /tmp/x rules.toml",
            "rm rules.toml",
            "git checkout rules.toml",
            "python3 edit.py --config=rules.toml",
            "tee .claude/settings.json < /tmp/s",
            "bash -c 'cat /tmp/x > .claude/settings.local.json'",
            "git diff --output=rules.toml",
            "tree -o rules.toml",
            "drift-host init --force",
            "rm -rf .claude",
            "cp /tmp/s.json .claude/",
            "sed -i 's/x/y/' .claude/settings*.json",
            "sed -i.bak 's/error/off/' rules.toml",
            "python3 -c \"open('rules.toml','w').write('')\"",
            "find . -name rules.toml -delete",
        ] {
            assert_eq!(checks(line), ["guard-policy-file"], "{line}");
        }
        for line in [
            "cat rules.toml",
            "grep -n deny rules.toml",
            "git diff rules.toml",
            "drift-host run --config rules.toml",
            "echo rules.toml",
            "cat rules.toml | head",
            "sed -i 's/a/b/' src/app.ts",
            "sed -n 1,40p rules.toml",
            "find . -name rules.toml",
            "grep -o deny rules.toml",
            "git add rules.toml .claude/settings.json",
            "drift-host guard -- ls",
        ] {
            assert!(checks(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn files_written_then_used_in_one_line_are_refused() {
        for line in [
            "echo 'dropdb app' > x.sh && bash x.sh",
            "printf 'DROP TABLE users;' > /tmp/q.sql; psql -f /tmp/q.sql",
            "echo DATABASE_URL=postgres://prod.example.com/app >> .env && npx prisma migrate deploy",
            "cat > nuke.sh <<'EOF'\ndropdb app\nEOF\nsh ./nuke.sh",
            "echo 'DROP TABLE users;' > /tmp/q.sql && psql \"$DATABASE_URL\" < /tmp/q.sql",
            "echo 'dropdb app' > x.sh && chmod +x x.sh && ./x.sh",
            "echo 'DROP TABLE t;' > q.sql && npx prisma db execute --file q.sql",
        ] {
            assert_eq!(checks(line), ["guard-unexamined"], "{line}");
        }
        for line in [
            "echo done > log.txt && cat log.txt",
            "npm test > out.txt; grep FAIL out.txt",
            "bash x.sh > out.txt",
            "pg_dump app > backup.sql && ls -la",
            "echo hi > NOTES.md && git add NOTES.md",
            "cargo test > out.txt 2>&1; sed -n 1,40p out.txt",
            "cat > s.sh <<'EOF'\necho hi\nEOF\nchmod +x s.sh",
            "echo 'X=1' >> .envrc && direnv allow",
        ] {
            assert!(checks(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn lines_too_deep_to_read_are_refused() {
        let line = format!(
            "{}dropdb x",
            "eval ".repeat(drift_syntax::shell::MAX_DEPTH + 1)
        );
        assert_eq!(checks(&line), ["guard-unexamined"]);
    }

    #[test]
    fn editor_tools_on_policy_files() {
        assert!(check_edit("Write", "/repo/rules.toml").is_some());
        assert!(check_edit("Edit", "/repo/.claude/settings.json").is_some());
        assert!(check_edit("Write", "/repo/src/main.rs").is_none());
    }
}
