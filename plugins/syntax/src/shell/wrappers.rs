//! Wrapper peeling: `env`, `sudo`, `timeout`, `npx`, `pnpm exec`, `sh -c`,
//! `eval` and the rest are removed from the front of a simple command and
//! recorded, by program basename, so rules see the program that really
//! runs. Strings a wrapper runs as a command line (`sh -c STRING`, `eval`,
//! `npx -c`) come back as nested text for the parser.

use super::lexer::{Map, lex_words, nested_map};
use super::parser::split_assignment;
use super::{Word, basename};

/// What to do with the first word of a command.
#[derive(Debug)]
pub(super) enum Peel {
    /// Not a wrapper (or nothing to run after it).
    No,
    /// Drop the first `n` words.
    Skip {
        n: usize,
        name: &'static str,
        env: Vec<(String, String)>,
        strip_version: bool,
    },
    /// Replace the first `n` words by `words` (`env -S`).
    Split {
        n: usize,
        name: &'static str,
        words: Vec<Word>,
        env: Vec<(String, String)>,
    },
    /// The command is the command line `text`, run with `env` assigned.
    Nested {
        name: String,
        text: String,
        map: Map,
        env: Vec<(String, String)>,
    },
}

fn skip(name: &'static str, n: usize) -> Peel {
    Peel::Skip {
        n,
        name,
        env: Vec::new(),
        strip_version: false,
    }
}

fn skip_package(name: &'static str, n: usize) -> Peel {
    Peel::Skip {
        n,
        name,
        env: Vec::new(),
        strip_version: true,
    }
}

fn skip_env(
    name: &'static str,
    words: &[Word],
    from: usize,
    mut env: Vec<(String, String)>,
) -> Peel {
    let mut n = from;
    while let Some((key, value)) = words.get(n).and_then(|w| split_assignment(&w.text)) {
        env.push((key.to_owned(), value.to_owned()));
        n += 1;
    }
    Peel::Skip {
        n,
        name,
        env,
        strip_version: false,
    }
}

/// The words, joined with spaces, as a command line (`eval`, `watch`).
fn nested_join(name: &str, words: &[Word], line: &str) -> Peel {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Peel::No;
    };
    if words.len() == 1 {
        return Peel::Nested {
            name: name.to_owned(),
            text: first.text.clone(),
            map: nested_map(line, first),
            env: Vec::new(),
        };
    }
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let union = first.range.start.min(last.range.start)..first.range.end.max(last.range.end);
    let map = if line.get(union.clone()) == Some(text.as_str()) {
        Map::Offset(union.start)
    } else {
        Map::Fixed(union)
    };
    Peel::Nested {
        name: name.to_owned(),
        text,
        map,
        env: Vec::new(),
    }
}

/// Options parsed off the front of a wrapper's arguments.
#[derive(Debug)]
struct Opts {
    /// `("-c", None)`, `("--call", Some(value))`, ...
    seen: Vec<(String, Option<Word>)>,
    /// Index of the first operand.
    next: usize,
}

impl Opts {
    fn has(&self, names: &[&str]) -> bool {
        self.seen
            .iter()
            .any(|(name, _)| names.contains(&name.as_str()))
    }

    fn value(&self, names: &[&str]) -> Option<&Word> {
        self.seen
            .iter()
            .filter(|(name, _)| names.contains(&name.as_str()))
            .find_map(|(_, value)| value.as_ref())
    }
}

/// Parses getopt-style options from `words[start..]`: short clusters
/// (`-abc`), short options taking a value (`short_val`: `-n 5`, `-n5`) or an
/// optional attached value (`short_opt`), long options (`--x=v`, or
/// `--x v` for `long_val`), `--` ending the options. With `plus`, `+o`
/// clusters count as options too (shells).
fn opts(
    words: &[Word],
    start: usize,
    short_val: &str,
    short_opt: &str,
    long_val: &[&str],
    plus: bool,
) -> Opts {
    let mut seen = Vec::new();
    let mut i = start;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if text == "--" {
            i += 1;
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            if let Some((name, value)) = long.split_once('=') {
                let value = Word {
                    text: value.to_owned(),
                    range: word.range.clone(),
                };
                seen.push((format!("--{name}"), Some(value)));
                i += 1;
            } else if long_val.contains(&text) {
                seen.push((text.to_owned(), words.get(i + 1).cloned()));
                i += 2;
            } else {
                seen.push((text.to_owned(), None));
                i += 1;
            }
            continue;
        }
        let cluster = text
            .strip_prefix('-')
            .or_else(|| if plus { text.strip_prefix('+') } else { None });
        let Some(cluster) = cluster.filter(|c| !c.is_empty()) else {
            break;
        };
        i += 1;
        for (k, c) in cluster.char_indices() {
            let rest = cluster.get(k + c.len_utf8()..).unwrap_or("");
            let name = format!("-{c}");
            if short_val.contains(c) {
                if rest.is_empty() {
                    seen.push((name, words.get(i).cloned()));
                    i += 1;
                } else {
                    let value = Word {
                        text: rest.to_owned(),
                        range: word.range.clone(),
                    };
                    seen.push((name, Some(value)));
                }
                break;
            }
            if short_opt.contains(c) {
                let value = (!rest.is_empty()).then(|| Word {
                    text: rest.to_owned(),
                    range: word.range.clone(),
                });
                seen.push((name, value));
                break;
            }
            seen.push((name, None));
        }
    }
    Opts {
        seen,
        next: i.min(words.len()),
    }
}

/// `prisma@5.22.0` → `prisma`, `@scope/pkg@1` → `@scope/pkg`.
pub(super) fn strip_version(package: &str) -> &str {
    let from = usize::from(package.starts_with('@'));
    match package.get(from..).and_then(|rest| rest.find('@')) {
        Some(at) if at + from > 0 => package.get(..at + from).unwrap_or(package),
        _ => package,
    }
}

const PNPM_BUILTINS: &[&str] = &[
    "add",
    "approve-builds",
    "audit",
    "bin",
    "c",
    "cache",
    "cat-file",
    "cat-index",
    "config",
    "create",
    "dedupe",
    "deploy",
    "dlx",
    "doctor",
    "env",
    "exec",
    "fetch",
    "find-hash",
    "help",
    "i",
    "ignored-builds",
    "import",
    "init",
    "install",
    "install-test",
    "it",
    "la",
    "licenses",
    "link",
    "list",
    "ll",
    "ln",
    "login",
    "logout",
    "ls",
    "outdated",
    "pack",
    "patch",
    "patch-commit",
    "patch-remove",
    "prune",
    "publish",
    "rb",
    "rebuild",
    "recursive",
    "remove",
    "restart",
    "rm",
    "root",
    "run",
    "run-script",
    "sbom",
    "self-update",
    "server",
    "setup",
    "start",
    "stop",
    "store",
    "t",
    "test",
    "tst",
    "un",
    "uninstall",
    "unlink",
    "up",
    "update",
    "upgrade",
    "version",
    "why",
    "whoami",
    "view",
    "info",
    "search",
    "owner",
    "dist-tag",
    "docs",
    "home",
    "completion",
];

const YARN_BUILTINS: &[&str] = &[
    "add",
    "audit",
    "autoclean",
    "bin",
    "cache",
    "check",
    "config",
    "constraints",
    "create",
    "dedupe",
    "dlx",
    "exec",
    "explain",
    "generate-lock-entry",
    "global",
    "help",
    "import",
    "info",
    "init",
    "install",
    "licenses",
    "link",
    "list",
    "login",
    "logout",
    "node",
    "npm",
    "outdated",
    "owner",
    "pack",
    "patch",
    "patch-commit",
    "plugin",
    "policies",
    "publish",
    "rebuild",
    "remove",
    "run",
    "search",
    "set",
    "stage",
    "start",
    "tag",
    "team",
    "test",
    "unlink",
    "unplug",
    "up",
    "upgrade",
    "upgrade-interactive",
    "version",
    "versions",
    "why",
    "workspace",
    "workspaces",
];

const BUN_BUILTINS: &[&str] = &[
    "a", "add", "audit", "build", "c", "create", "exec", "i", "info", "init", "install", "link",
    "outdated", "patch", "pm", "publish", "remove", "repl", "rm", "run", "test", "unlink",
    "update", "upgrade", "why", "x",
];

/// A wrapper's own getopt-style options (see [`opts`]).
#[derive(Debug, Clone, Copy)]
struct Options {
    /// Short options that take a value (`-n 5`, `-n5`).
    short_value: &'static str,
    /// Short options with an optional attached value (`-eEOF`).
    short_optional: &'static str,
    /// Long options whose value may be the next word (`--user root`).
    long_value: &'static [&'static str],
    /// `+o` clusters are options too (shells).
    plus: bool,
}

impl Options {
    const fn short(short_value: &'static str) -> Self {
        Self {
            short_value,
            short_optional: "",
            long_value: &[],
            plus: false,
        }
    }

    const fn long(short_value: &'static str, long_value: &'static [&'static str]) -> Self {
        Self {
            short_value,
            short_optional: "",
            long_value,
            plus: false,
        }
    }

    fn parse(&self, words: &[Word], start: usize) -> Opts {
        opts(
            words,
            start,
            self.short_value,
            self.short_optional,
            self.long_value,
            self.plus,
        )
    }
}

/// What follows a wrapper's options.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// The command (`nohup CMD`).
    Command,
    /// One operand, then the command (`timeout 5 CMD`).
    OperandThenCommand,
    /// `NAME=value` assignments, then the command (`sudo A=b CMD`).
    AssignmentsThenCommand,
    /// A package to run, its version stripped (`bunx prisma@5 ...`).
    Package,
    /// The operands, joined with spaces, are a command line (`eval`).
    CommandLine,
    /// With one of these options given, the first operand is a command
    /// line (`sh -c STRING`); without, the program runs a script or reads
    /// stdin, and is not a wrapper.
    StringWith(&'static [&'static str]),
    /// The value of one of these options is a command line (`fish -c
    /// STRING`); without one, not a wrapper.
    OptionValue(&'static [&'static str]),
    /// Rules of its own: a package manager's subcommands, `env -S`,
    /// `dotenv ... --`.
    Custom(fn(&[Word], &str) -> Peel),
}

/// One wrapper: a program that runs the command given in its arguments.
#[derive(Debug)]
struct Wrapper {
    /// Program basenames.
    programs: &'static [&'static str],
    /// The name recorded in [`super::Command::wrappers`]; for
    /// [`Then::StringWith`] it follows the program's own name (`bash -c`).
    name: &'static str,
    /// `None`: the command follows the program directly (after an optional
    /// `--`).
    options: Option<Options>,
    /// Options with which the program runs no command (`sudo -l`).
    inert_with: &'static [&'static str],
    then: Then,
}

/// The POSIX-style shells: `-c STRING` runs a command line, no operand
/// reads the script from stdin.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh",
];

/// Every wrapper the peeling knows, by program name.
const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        programs: &["env"],
        name: "env",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_env),
    },
    Wrapper {
        programs: &["sudo"],
        name: "sudo",
        options: Some(Options::long(
            "CDgpRrtTUu",
            &[
                "--close-from",
                "--chdir",
                "--group",
                "--host",
                "--prompt",
                "--chroot",
                "--role",
                "--type",
                "--command-timeout",
                "--other-user",
                "--user",
            ],
        )),
        inert_with: &[
            "-l",
            "-e",
            "-v",
            "-V",
            "-K",
            "-h",
            "--list",
            "--edit",
            "--validate",
            "--version",
            "--help",
        ],
        then: Then::AssignmentsThenCommand,
    },
    Wrapper {
        programs: &["doas"],
        name: "doas",
        options: Some(Options::short("uC")),
        inert_with: &["-L"],
        then: Then::Command,
    },
    Wrapper {
        programs: &["nohup"],
        name: "nohup",
        options: Some(Options::short("")),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["time"],
        name: "time",
        options: Some(Options::long("fo", &["--format", "--output"])),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["nice"],
        name: "nice",
        options: Some(Options::long("n", &["--adjustment"])),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["ionice"],
        name: "ionice",
        options: Some(Options::long(
            "cnpPu",
            &["--class", "--classdata", "--pid", "--pgid", "--uid"],
        )),
        inert_with: &["-p", "-P", "-u", "--pid", "--pgid", "--uid"],
        then: Then::Command,
    },
    Wrapper {
        programs: &["timeout"],
        name: "timeout",
        options: Some(Options::long("sk", &["--signal", "--kill-after"])),
        inert_with: &[],
        then: Then::OperandThenCommand,
    },
    Wrapper {
        programs: &["command"],
        name: "command",
        options: Some(Options::short("")),
        inert_with: &["-v", "-V"],
        then: Then::Command,
    },
    Wrapper {
        programs: &["exec"],
        name: "exec",
        options: Some(Options::short("a")),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["builtin"],
        name: "builtin",
        options: None,
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["stdbuf"],
        name: "stdbuf",
        options: Some(Options::long("ioe", &["--input", "--output", "--error"])),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["xargs"],
        name: "xargs",
        options: Some(Options {
            short_value: "adEILnPs",
            short_optional: "eil",
            long_value: &[
                "--arg-file",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ],
            plus: false,
        }),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["watch"],
        name: "watch",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_watch),
    },
    Wrapper {
        programs: &["eval"],
        name: "eval",
        options: None,
        inert_with: &[],
        then: Then::CommandLine,
    },
    Wrapper {
        programs: &["fish"],
        name: "fish -c",
        options: Some(Options::long("cC", &["--command", "--init-command"])),
        inert_with: &[],
        then: Then::OptionValue(&["-c", "--command"]),
    },
    Wrapper {
        programs: SHELLS,
        name: "-c",
        options: Some(Options {
            short_value: "oO",
            short_optional: "",
            long_value: &["--rcfile", "--init-file"],
            plus: true,
        }),
        inert_with: &[],
        then: Then::StringWith(&["-c"]),
    },
    Wrapper {
        programs: &["npx"],
        name: "npx",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, line| peel_npx(words, 1, "npx", line)),
    },
    Wrapper {
        programs: &["pnpx"],
        name: "pnpx",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, line| peel_dlx(words, 1, "pnpx", line)),
    },
    Wrapper {
        programs: &["bunx"],
        name: "bunx",
        options: Some(Options::long("p", &["--package"])),
        inert_with: &[],
        then: Then::Package,
    },
    Wrapper {
        programs: &["npm"],
        name: "npm",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_npm),
    },
    Wrapper {
        programs: &["pnpm"],
        name: "pnpm",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_pnpm),
    },
    Wrapper {
        programs: &["yarn"],
        name: "yarn",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_yarn(words)),
    },
    Wrapper {
        programs: &["bun"],
        name: "bun",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_bun),
    },
    Wrapper {
        programs: &["dotenv", "dotenv-cli", "dotenv-flow", "dotenv-flow-cli"],
        name: "dotenv",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_dotenv(words)),
    },
    Wrapper {
        programs: &["dotenvx"],
        name: "dotenvx run",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_dotenvx(words)),
    },
    Wrapper {
        programs: &["cross-env"],
        name: "cross-env",
        options: None,
        inert_with: &[],
        then: Then::AssignmentsThenCommand,
    },
    Wrapper {
        programs: &["cross-env-shell"],
        name: "cross-env-shell",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_cross_env_shell),
    },
    Wrapper {
        programs: &["script"],
        name: "script -c",
        options: Some(Options {
            short_value: "cEIOBTmo",
            short_optional: "t",
            long_value: &[
                "--command",
                "--echo",
                "--log-in",
                "--log-out",
                "--log-io",
                "--log-timing",
                "--logging-format",
                "--output-limit",
            ],
            plus: false,
        }),
        inert_with: &[],
        then: Then::OptionValue(&["-c", "--command"]),
    },
    Wrapper {
        programs: &[
            "docker",
            "podman",
            "nerdctl",
            "docker-compose",
            "podman-compose",
        ],
        name: CONTAINER_EXEC,
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_container(words)),
    },
    Wrapper {
        programs: &["kubectl", "oc"],
        name: KUBECTL_EXEC,
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_kubectl(words)),
    },
    Wrapper {
        programs: &["busybox", "corepack"],
        name: "busybox",
        options: None,
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["env-cmd"],
        name: "env-cmd",
        options: Some(Options::long(
            "fer",
            &["--file", "--environments", "--rc-file"],
        )),
        inert_with: &[],
        then: Then::Command,
    },
    Wrapper {
        programs: &["doppler", "infisical", "op"],
        name: "secrets run",
        options: None,
        inert_with: &[],
        then: Then::Custom(peel_secrets),
    },
    Wrapper {
        programs: &["direnv"],
        name: "direnv exec",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| {
            if words.get(1).is_some_and(|w| w.text == "exec") && words.len() > 3 {
                skip("direnv exec", 3)
            } else {
                Peel::No
            }
        }),
    },
    Wrapper {
        programs: &["nodemon"],
        name: "nodemon --exec",
        options: Some(Options::long(
            "xweidVq",
            &[
                "--exec", "--watch", "--ext", "--ignore", "--delay", "--signal", "--config",
            ],
        )),
        inert_with: &[],
        then: Then::OptionValue(&["-x", "--exec"]),
    },
    Wrapper {
        programs: &["node", "nodejs"],
        name: "node",
        options: None,
        inert_with: &[],
        then: Then::Custom(|words, _| peel_node(words)),
    },
];

/// Recognises the wrapper `words[0]` (by basename) and says how to peel it.
pub(super) fn peel(words: &[Word], line: &str) -> Peel {
    let Some(first) = words.first() else {
        return Peel::No;
    };
    let program = basename(&first.text);
    let Some(wrapper) = WRAPPERS.iter().find(|w| w.programs.contains(&program)) else {
        return Peel::No;
    };
    let (next, parsed) = match &wrapper.options {
        Some(options) => {
            let parsed = options.parse(words, 1);
            if parsed.has(wrapper.inert_with) {
                return Peel::No;
            }
            (parsed.next, Some(parsed))
        }
        None => (
            if words.get(1).is_some_and(|w| w.text == "--") {
                2
            } else {
                1
            },
            None,
        ),
    };
    let rest = words.get(next..).unwrap_or(&[]);
    match wrapper.then {
        Then::Command => skip(wrapper.name, next),
        Then::OperandThenCommand => skip(wrapper.name, next + 1),
        Then::AssignmentsThenCommand => skip_env(wrapper.name, words, next, Vec::new()),
        Then::Package => skip_package(wrapper.name, next),
        Then::CommandLine => nested_join(wrapper.name, rest, line),
        Then::StringWith(flags) => match (parsed, rest.first()) {
            (Some(parsed), Some(string)) if parsed.has(flags) => Peel::Nested {
                name: format!("{program} {}", wrapper.name),
                text: string.text.clone(),
                map: nested_map(line, string),
                env: Vec::new(),
            },
            _ => Peel::No,
        },
        Then::OptionValue(flags) => match parsed.as_ref().and_then(|p| p.value(flags)) {
            Some(value) => Peel::Nested {
                name: wrapper.name.to_owned(),
                text: value.text.clone(),
                map: nested_map(line, value),
                env: Vec::new(),
            },
            None => Peel::No,
        },
        Then::Custom(peel) => peel(words, line),
    }
}

fn peel_watch(words: &[Word], line: &str) -> Peel {
    let o = opts(words, 1, "nq", "d", &["--interval", "--equexit"], false);
    if o.has(&["-x", "--exec"]) {
        skip("watch", o.next)
    } else {
        nested_join("watch", words.get(o.next..).unwrap_or(&[]), line)
    }
}

fn peel_npm(words: &[Word], line: &str) -> Peel {
    let o = opts(
        words,
        1,
        "wC",
        "",
        &[
            "--prefix",
            "--workspace",
            "--registry",
            "--userconfig",
            "--cache",
            "--loglevel",
        ],
        false,
    );
    match words.get(o.next).map(|w| w.text.as_str()) {
        Some("exec" | "x") => peel_npx(words, o.next + 1, "npm exec", line),
        _ => Peel::No,
    }
}

fn peel_pnpm(words: &[Word], line: &str) -> Peel {
    let o = opts(
        words,
        1,
        "FC",
        "",
        &[
            "--filter",
            "--filter-prod",
            "--dir",
            "--workspace-dir",
            "--loglevel",
            "--reporter",
            "--test-pattern",
            "--changed-files-ignore-pattern",
        ],
        false,
    );
    match words.get(o.next).map(|w| w.text.as_str()) {
        Some("exec") => {
            let e = opts(
                words,
                o.next + 1,
                "",
                "",
                &["--filter", "--resume-from"],
                false,
            );
            if e.has(&["-c", "--shell-mode"]) {
                nested_join("pnpm exec", words.get(e.next..).unwrap_or(&[]), line)
            } else {
                skip("pnpm exec", e.next)
            }
        }
        Some("dlx") => peel_dlx(words, o.next + 1, "pnpm dlx", line),
        Some(sub) if PNPM_BUILTINS.contains(&sub) => Peel::No,
        Some(_) => skip("pnpm", o.next),
        None => Peel::No,
    }
}

fn peel_yarn(words: &[Word]) -> Peel {
    let mut i = 1;
    loop {
        i = opts(words, i, "", "", &["--cwd"], false).next;
        if words.get(i).is_some_and(|w| w.text == "workspace") {
            i += 2;
        } else {
            break;
        }
    }
    match words.get(i).map(|w| w.text.as_str()) {
        Some("dlx") => skip_package(
            "yarn dlx",
            opts(words, i + 1, "p", "", &["--package"], false).next,
        ),
        Some("exec") => skip("yarn exec", i + 1),
        Some(sub) if YARN_BUILTINS.contains(&sub) => Peel::No,
        Some(_) if i < words.len() => skip("yarn", i),
        _ => Peel::No,
    }
}

fn peel_bun(words: &[Word], line: &str) -> Peel {
    let o = opts(
        words,
        1,
        "F",
        "",
        &["--cwd", "--filter", "--config", "--preload", "--env-file"],
        false,
    );
    match words.get(o.next).map(|w| w.text.as_str()) {
        Some("x") => peel_bunx(words, o.next + 1, "bun x"),
        Some("exec") => nested_join("bun exec", words.get(o.next + 1..).unwrap_or(&[]), line),
        Some(sub) if BUN_BUILTINS.contains(&sub) || looks_like_script(sub) => Peel::No,
        Some(_) => skip("bun", o.next),
        None => Peel::No,
    }
}

fn peel_dotenv(words: &[Word]) -> Peel {
    let end = words.iter().take(32).position(|w| w.text == "--");
    let o = opts(words, 1, "evc", "", &[], false);
    if o.has(&["-p"]) {
        return Peel::No;
    }
    let env = o
        .seen
        .iter()
        .filter(|(name, _)| name == "-v")
        .filter_map(|(_, value)| value.as_ref())
        .filter_map(|value| split_assignment(&value.text))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
    Peel::Skip {
        n: end.map_or(o.next, |k| k + 1),
        name: "dotenv",
        env,
        strip_version: false,
    }
}

fn peel_dotenvx(words: &[Word]) -> Peel {
    if words.get(1).is_none_or(|w| w.text != "run") {
        return Peel::No;
    }
    match words.iter().take(32).position(|w| w.text == "--") {
        Some(k) => skip("dotenvx run", k + 1),
        None => skip(
            "dotenvx run",
            opts(
                words,
                2,
                "fe",
                "",
                &["--env-file", "--env", "--convention"],
                false,
            )
            .next,
        ),
    }
}

fn peel_cross_env_shell(words: &[Word], line: &str) -> Peel {
    let mut n = 1;
    let mut env = Vec::new();
    while let Some((key, value)) = words.get(n).and_then(|w| split_assignment(&w.text)) {
        env.push((key.to_owned(), value.to_owned()));
        n += 1;
    }
    match nested_join("cross-env-shell", words.get(n..).unwrap_or(&[]), line) {
        Peel::Nested {
            name, text, map, ..
        } => Peel::Nested {
            name,
            text,
            map,
            env,
        },
        other => other,
    }
}

fn looks_like_script(word: &str) -> bool {
    word.contains('/')
        || [".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts"]
            .iter()
            .any(|ext| word.ends_with(ext))
}

fn peel_env(words: &[Word], line: &str) -> Peel {
    let o = opts(
        words,
        1,
        "uCS",
        "",
        &["--unset", "--chdir", "--split-string"],
        false,
    );
    let mut n = o.next;
    while words.get(n).is_some_and(|w| w.text == "-") {
        n += 1;
    }
    if let Some(string) = o.value(&["-S", "--split-string"]) {
        let split = lex_words(&string.text, &nested_map(line, string));
        return Peel::Split {
            n,
            name: "env",
            words: split,
            env: Vec::new(),
        };
    }
    skip_env("env", words, n, Vec::new())
}

fn peel_npx(words: &[Word], start: usize, name: &'static str, line: &str) -> Peel {
    let o = opts(
        words,
        start,
        "pcw",
        "",
        &[
            "--package",
            "--call",
            "--workspace",
            "--cache",
            "--registry",
            "--userconfig",
            "--prefix",
        ],
        false,
    );
    if let Some(string) = o.value(&["-c", "--call"]) {
        return Peel::Nested {
            name: name.to_owned(),
            text: string.text.clone(),
            map: nested_map(line, string),
            env: Vec::new(),
        };
    }
    skip_package(name, o.next)
}

fn peel_dlx(words: &[Word], start: usize, name: &'static str, line: &str) -> Peel {
    let o = opts(words, start, "", "", &["--package", "--allow-build"], false);
    if o.has(&["-c", "--shell-mode"]) {
        return nested_join(name, words.get(o.next..).unwrap_or(&[]), line);
    }
    skip_package(name, o.next)
}

fn peel_bunx(words: &[Word], start: usize, name: &'static str) -> Peel {
    skip_package(
        name,
        opts(words, start, "p", "", &["--package"], false).next,
    )
}

/// `doppler run [opts] -- cmd`, `infisical run -- cmd`, `op run -- cmd`
/// (also `--command STRING`): the command, run with secrets the guard
/// cannot read in its environment.
fn peel_secrets(words: &[Word], line: &str) -> Peel {
    if words.get(1).is_none_or(|w| w.text != "run") {
        return Peel::No;
    }
    let rest = words.get(2..).unwrap_or(&[]);
    if let Some(at) = rest.iter().position(|w| w.text == "--") {
        return skip("secrets run", at + 3);
    }
    match rest
        .iter()
        .position(|w| w.text == "--command" || w.text == "-c")
        .and_then(|at| rest.get(at + 1))
    {
        Some(value) => Peel::Nested {
            name: "secrets run".to_owned(),
            text: value.text.clone(),
            map: nested_map(line, value),
            env: Vec::new(),
        },
        None => Peel::No,
    }
}

/// The wrapper names of commands run in a container (`docker exec`,
/// `docker compose run`, `kubectl exec`): their `localhost` and files are
/// the container's, not the guarded machine's.
const CONTAINER_EXEC: &str = "container exec";
const CONTAINER_RUN: &str = "container run";
const KUBECTL_EXEC: &str = "kubectl exec";

/// True for the names [`peel`] records for commands run in a container.
pub fn is_container_wrapper(name: &str) -> bool {
    matches!(name, CONTAINER_EXEC | CONTAINER_RUN | KUBECTL_EXEC)
}

/// The index of the first operand at or after `start`: options skipped,
/// `values` those that take the next word (`--name=x` takes its own).
/// `-e K=V`/`--env K=V` assignments are collected into `env`.
fn operand(
    words: &[Word],
    start: usize,
    values: &[&str],
    env: &mut Vec<(String, String)>,
) -> usize {
    let mut i = start;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if text == "--" {
            return i + 1;
        }
        if !text.starts_with('-') || text == "-" {
            return i;
        }
        if values.contains(&text) {
            if matches!(text, "-e" | "--env")
                && let Some((k, v)) = words.get(i + 1).and_then(|w| split_assignment(&w.text))
            {
                env.push((k.to_owned(), v.to_owned()));
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    i
}

/// `docker [global] exec [opts] CONTAINER cmd…`, `docker run [opts] IMAGE
/// cmd…`, `docker compose [global] exec|run [opts] SERVICE cmd…` (podman,
/// nerdctl and docker-compose alike): the command run in the container.
fn peel_container(words: &[Word]) -> Peel {
    const GLOBAL: &[&str] = &[
        "-H",
        "--host",
        "-c",
        "--context",
        "--config",
        "-l",
        "--log-level",
        "--tlscacert",
        "--tlscert",
        "--tlskey",
        "--url",
        "--connection",
        "--identity",
    ];
    const COMPOSE: &[&str] = &[
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--profile",
        "--env-file",
        "--project-directory",
        "--ansi",
        "--parallel",
        "--progress",
    ];
    const EXEC: &[&str] = &[
        "-e",
        "--env",
        "--env-file",
        "-u",
        "--user",
        "-w",
        "--workdir",
        "--detach-keys",
        "--index",
    ];
    const RUN: &[&str] = &[
        "-e",
        "--env",
        "--env-file",
        "-u",
        "--user",
        "-w",
        "--workdir",
        "-v",
        "--volume",
        "-p",
        "--publish",
        "--name",
        "--entrypoint",
        "-l",
        "--label",
        "--network",
        "--net",
        "--mount",
        "--platform",
        "-h",
        "--hostname",
        "--add-host",
        "--cpus",
        "-m",
        "--memory",
        "--restart",
        "--pull",
        "--dns",
        "--link",
        "--log-driver",
        "--log-opt",
        "--ulimit",
        "--cap-add",
        "--cap-drop",
        "--device",
        "--tmpfs",
        "--shm-size",
        "--expose",
        "--ipc",
        "--pid",
        "--runtime",
        "--security-opt",
        "--stop-signal",
        "--gpus",
        "--health-cmd",
        "--cidfile",
        "--env-from-file",
        "--volumes-from",
        "-a",
        "--attach",
        "--group-add",
        "--label-file",
        "--userns",
        "--uts",
        "--cgroupns",
        "--sysctl",
        "--workdir",
    ];
    let mut env = Vec::new();
    let program = basename(words.first().map_or("", |w| w.text.as_str()));
    let mut i = if program.ends_with("-compose") {
        operand(words, 1, COMPOSE, &mut env)
    } else {
        operand(words, 1, GLOBAL, &mut env)
    };
    let mut sub = words.get(i).map(|w| w.text.as_str());
    if sub == Some("container") {
        i += 1;
        sub = words.get(i).map(|w| w.text.as_str());
    }
    if sub == Some("compose") && !program.ends_with("-compose") {
        i = operand(words, i + 1, COMPOSE, &mut env);
        sub = words.get(i).map(|w| w.text.as_str());
    }
    let (name, values) = match sub {
        Some("exec") => (CONTAINER_EXEC, EXEC),
        Some("run") => (CONTAINER_RUN, RUN),
        _ => return Peel::No,
    };
    // The options, then the container, service or image.
    let target = operand(words, i + 1, values, &mut env);
    let n = target + 1;
    if n >= words.len() {
        return Peel::No;
    }
    Peel::Skip {
        n,
        name,
        env,
        strip_version: false,
    }
}

/// `kubectl [global] exec [opts] POD -- cmd…` (`oc` alike).
fn peel_kubectl(words: &[Word]) -> Peel {
    const VALUES: &[&str] = &[
        "-c",
        "--container",
        "-n",
        "--namespace",
        "--context",
        "--cluster",
        "--user",
        "-f",
        "--filename",
        "--pod-running-timeout",
        "--kubeconfig",
        "-s",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "-l",
        "--selector",
    ];
    let mut env = Vec::new();
    let i = operand(words, 1, VALUES, &mut env);
    if words.get(i).map(|w| w.text.as_str()) != Some("exec") {
        return Peel::No;
    }
    let pod = operand(words, i + 1, VALUES, &mut env);
    let mut n = pod + 1;
    // Options may follow the pod; `--` ends them.
    while let Some(word) = words.get(n) {
        if word.text == "--" {
            n += 1;
            break;
        }
        if !word.text.starts_with('-') {
            break;
        }
        n += if VALUES.contains(&word.text.as_str()) {
            2
        } else {
            1
        };
    }
    if n >= words.len() {
        return Peel::No;
    }
    Peel::Skip {
        n,
        name: KUBECTL_EXEC,
        env,
        strip_version: false,
    }
}

/// Options of `node`, `tsx`, `python3` and other interpreters that take the
/// next word as their value, before the file they run.
pub const INTERPRETER_VALUES: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--title",
    "--inspect-port",
    "--env-file",
    "--tsconfig",
    "-W",
    "-X",
    "-I",
    "-M",
];

/// `node [opts] …/prisma/build/index.js args`: Prisma's CLI run by its
/// entry file, which is what `prisma` runs.
fn peel_node(words: &[Word]) -> Peel {
    let mut env = Vec::new();
    let i = operand(words, 1, INTERPRETER_VALUES, &mut env);
    let Some(script) = words.get(i) else {
        return Peel::No;
    };
    let path = script.text.trim_start_matches("./");
    let is_prisma = path.ends_with("prisma/build/index.js")
        || path == "node_modules/.bin/prisma"
        || path.ends_with("/node_modules/.bin/prisma");
    if !is_prisma {
        return Peel::No;
    }
    Peel::Split {
        n: i + 1,
        name: "node",
        words: vec![Word {
            text: "prisma".to_owned(),
            range: script.range.clone(),
        }],
        env,
    }
}

/// The env files the wrapper `name` (peeled off as `words`) loads:
/// `dotenv -e F` (any number), `dotenvx run -f F`/`--env-file F`; `.env`
/// when it names none. Empty for other wrappers.
pub(super) fn loaded_files(name: &str, words: &[Word]) -> Vec<Word> {
    let at = words.first().map_or(0..0, |w| w.range.end..w.range.end);
    let flags: &[&str] = match name {
        "dotenv" => &["-e"],
        "dotenvx run" => &["-f", "--env-file"],
        "env-cmd" => &["-f", "--file"],
        "direnv exec" => {
            let dir = words.get(2).map_or(".", |w| w.text.as_str());
            return vec![Word {
                text: format!("{}/.envrc", dir.trim_end_matches('/')),
                range: at,
            }];
        }
        // Secrets a service injects: no file the guard could be given.
        "secrets run" => {
            let service = words.first().map_or("", |w| basename(&w.text));
            return vec![Word {
                text: format!("({service} secrets)"),
                range: at,
            }];
        }
        _ => return Vec::new(),
    };
    let mut files = Vec::new();
    let mut iter = words.iter().skip(1);
    while let Some(word) = iter.next() {
        let text = word.text.as_str();
        if text == "--" {
            break;
        }
        if flags.contains(&text) {
            files.extend(iter.next().cloned());
        } else if let Some(value) = flags.iter().find_map(|f| {
            text.strip_prefix(f).and_then(|v| {
                v.strip_prefix('=')
                    .or((f.len() == 2 && !v.is_empty()).then_some(v))
            })
        }) {
            files.push(Word {
                text: value.to_owned(),
                range: word.range.clone(),
            });
        }
    }
    if files.is_empty() {
        files.push(Word {
            text: ".env".to_owned(),
            range: at,
        });
    }
    files
}
