//! Splitting a shell command line into simple commands, wrappers peeled off.
//!
//! `drift-host guard` decides whether a command line an AI agent wants to run
//! is safe. Rules need to find `prisma migrate reset` however it is dressed
//! up: behind `npx`, `sh -c "..."`, `env A=b`, `sudo`, in a pipeline, inside
//! `$(...)`, in an `if` body, with quotes split across the word. [`commands`]
//! turns one command line into the list of *simple commands* it would run,
//! each with its program and arguments after the wrappers were removed, the
//! wrappers it was found behind, the variables assigned for it, and what it
//! reads on stdin (here-documents, here-strings, `< file`, pipes).
//!
//! # What this is not
//!
//! This is not a shell. There is no variable or parameter expansion (`$X`
//! stays the literal text `$X`), no globbing, no brace or tilde expansion, no
//! aliases or functions are resolved, and no word splitting of unquoted
//! expansions. Arithmetic expansion `$((...))` is kept literally and not
//! searched for commands. The input is never executed and no OS call is made,
//! so the module works unchanged in `wasm32-wasip2` rule plugins.
//!
//! # Design
//!
//! Three stages, one module each: the `lexer` (one pass, words with their
//! byte ranges, operators, redirections, here-document bodies), the
//! `parser` (tokens cut into simple commands, keywords and loop headers
//! skipped, leading assignments kept as the command's environment) and the
//! `wrappers` peeling (`env`, `sudo`, `npx`, `sh -c`, `eval`, ...: a table
//! of what each wrapper's options are and what follows them).
//!
//! * Recursion (substitutions and command strings) is capped at
//!   [`MAX_DEPTH`] levels; beyond it the outer command is kept as is. Every
//!   nesting level scans its own text once, so the work is at most
//!   `MAX_DEPTH` passes over the input. Nothing panics on any input.
//!
//! # Order of the result
//!
//! Commands come in source order, except that the commands of a
//! substitution (`$(...)`, backticks, `<(...)`, here-document bodies) come
//! *before* the command whose words contain it, since they run first.
//!
//! Ranges are byte ranges into the line given to [`commands`]. For a command
//! found inside a string (`sh -c '...'`), ranges are exact when the string
//! was written without escapes (plain, `'...'`, `"..."` or `$'...'` with no
//! backslash); otherwise they are the range of the whole string argument.

mod lexer;
mod parser;
#[cfg(test)]
mod tests;
mod wrappers;

use std::ops::Range;

use lexer::{Map, lex_words};
use parser::is_keyword;
pub use parser::reads_script_from_stdin;
pub use wrappers::{INTERPRETER_VALUES, SHELLS, is_container_wrapper};

/// Maximum nesting of command strings (`sh -c`, `eval`, ...) and
/// substitutions that is looked into; deeper levels are kept unparsed.
pub const MAX_DEPTH: usize = 16;

/// One word of a command line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    /// The word's value: quotes removed, escapes resolved. Expansions such as
    /// `$X` or `$(cmd)` are kept as their literal text.
    pub text: String,
    /// Byte range of the word in the line passed to [`commands`], quotes
    /// included.
    pub range: Range<usize>,
}

/// A simple command: a program with its arguments, after wrappers were
/// removed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    /// `NAME=value` assignments that apply to the program: inline `A=b cmd`,
    /// `env A=b cmd`, `sudo A=b cmd`, `cross-env A=b cmd`, outermost first.
    /// Values are unquoted but not expanded.
    pub env: Vec<(String, String)>,
    /// The files an env-file wrapper loads into the program, outermost
    /// first: `dotenv -e .env.production --`, `dotenvx run -f F --`;
    /// `.env` (at no position) for one that names none.
    pub env_files: Vec<Word>,
    /// The program and its arguments with wrappers removed; `words[0]` is the
    /// program as written (e.g. `prisma` or `./node_modules/.bin/prisma`).
    /// Never empty.
    pub words: Vec<Word>,
    /// The wrappers that were peeled off, outermost first, as short names:
    /// `"sh -c"`, `"bash -c"`, `"npx"`, `"npm exec"`, `"env"`, `"sudo"`, ...
    pub wrappers: Vec<String>,
    /// Byte range of the whole simple command (wrappers, assignments and
    /// redirections included) in the original line. For a command nested in
    /// a string argument this is exact when the string had no escapes, else
    /// the range of the string argument.
    pub range: Range<usize>,
    /// Text fed to stdin by a here-document (`<<EOF`, `<<-EOF`, quoted
    /// delimiters; the body with its final newline) or a here-string
    /// (`<<< word`; the word's value, without the newline the shell adds).
    pub stdin: Option<Word>,
    /// Index in the returned list of the command whose stdout is piped into
    /// this one (`echo 'DROP TABLE x' | psql`).
    pub piped_from: Option<usize>,
    /// The file word of a `< file` redirection.
    pub stdin_file: Option<Word>,
}

impl Command {
    /// The program as written, e.g. `prisma` or `/usr/bin/psql`.
    pub fn program(&self) -> Option<&str> {
        self.words.first().map(|word| word.text.as_str())
    }

    /// The program's [`basename`], for comparisons (`/usr/bin/psql` → `psql`).
    pub fn program_name(&self) -> Option<&str> {
        self.program().map(basename)
    }

    /// The arguments: every word after the program.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The value given to the option `name` (`--schema x` or
    /// `--schema=x`), first occurrence.
    pub fn flag_value(&self, name: &str) -> Option<&str> {
        let args = self.args();
        args.iter().enumerate().find_map(|(i, word)| {
            let text = word.text.as_str();
            if text == name {
                return args.get(i + 1).map(|w| w.text.as_str());
            }
            text.strip_prefix(name)?.strip_prefix('=')
        })
    }

    /// The words' values, for matching (`["prisma", "migrate", "reset"]`).
    pub fn texts(&self) -> Vec<&str> {
        self.words.iter().map(|word| word.text.as_str()).collect()
    }

    /// True when the command changes what later commands of its line
    /// inherit: exports or loads variables, unsets them, changes directory
    /// (whose `.env` files are others). The guard's reading of a target and
    /// its `allow` patterns do not trust a line after one.
    pub fn changes_environment(&self) -> bool {
        matches!(
            self.program_name(),
            Some(
                "export"
                    | "declare"
                    | "typeset"
                    | "source"
                    | "."
                    | "unset"
                    | "cd"
                    | "pushd"
                    | "set"
            )
        )
    }

    /// The wrapper that loads env files into the command, if any
    /// (`dotenv -e .env.production -- …`, `env-cmd`, `direnv exec`, and
    /// `doppler|infisical|op run`, whose secrets no file holds).
    pub fn env_file_loader(&self) -> Option<&str> {
        self.wrappers
            .iter()
            .find(|w| {
                w.starts_with("dotenv")
                    || matches!(w.as_str(), "env-cmd" | "direnv exec" | "secrets run")
            })
            .map(String::as_str)
    }

    /// True when the command only prints its help or version, as the
    /// program parses its arguments: Prisma's CLI answers `--help` or `-h`
    /// anywhere (`prisma migrate reset --help`) and `--version`/`-v` first;
    /// PostgreSQL's client programs take `--help`, `-?`, `--version` and
    /// `-V` only as their first argument, and their `-h` is `--host`.
    pub fn asks_for_help(&self) -> bool {
        let args = self.args();
        let first = args.first().map(|w| w.text.as_str());
        match self.program_name() {
            Some("prisma") => {
                args.iter()
                    .any(|w| matches!(w.text.as_str(), "--help" | "-h"))
                    || matches!(first, Some("--version" | "-v"))
            }
            Some(
                "psql" | "dropdb" | "createdb" | "pg_dump" | "pg_dumpall" | "pg_restore"
                | "dropuser" | "createuser" | "pg_ctl",
            ) => matches!(first, Some("--help" | "-?" | "--version" | "-V")),
            _ => false,
        }
    }
}

/// The last `/`-separated component of a program path:
/// `/usr/bin/env` → `env`, `./node_modules/.bin/prisma` → `prisma`.
pub fn basename(program: &str) -> &str {
    program.rsplit_once('/').map_or(program, |(_, name)| name)
}

/// Every simple command of `line`, wrappers peeled, in source order; the
/// commands of a substitution come before the command containing it.
///
/// A simple command with no words (only assignments or redirections, such
/// as `X=1` or `> log`) yields no [`Command`]; the commands of its
/// substitutions (`x=$(dropdb app)`) are still returned.
pub fn commands(line: &str) -> Vec<Command> {
    parser::parse_line(line).commands
}

/// A command line as far as it could be examined.
#[derive(Debug, Clone)]
pub struct Examined {
    /// Every simple command, as [`commands`] returns them.
    pub commands: Vec<Command>,
    /// The targets of output redirections (`> f`, `>> f`, `&> f`, `<> f`),
    /// those of wordless commands (`> rules.toml`) included; descriptor
    /// duplications (`2>&1`) are not files.
    pub writes: Vec<Written>,
    /// Command strings or substitutions nested deeper than [`MAX_DEPTH`]:
    /// what runs inside them was not looked at, so a safety check must
    /// not call the line safe.
    pub too_deep: bool,
}

/// A file an output redirection writes.
#[derive(Debug, Clone)]
pub struct Written {
    pub file: Word,
    /// The index in [`Examined::commands`] of the first command that runs
    /// after the file is opened: the commands before it cannot read what
    /// is written (for `cmd > f`, `cmd` itself is at `after - 1`).
    pub after: usize,
}

/// [`commands`], with what a safety check needs besides them.
pub fn examine(line: &str) -> Examined {
    parser::parse_line(line)
}

/// The words of `line` as the shell would split them, ignoring operators,
/// redirections and comments, without peeling wrappers or looking into
/// substitutions. `words(&join(argv))` gives back `argv`.
pub fn words(line: &str) -> Vec<Word> {
    lex_words(line, &Map::Offset(0))
}

/// Quotes argv words into one line that [`words`] (and [`commands`]) split
/// back into the same words. Plain words stay unquoted; others are
/// single-quoted, with `'` written as `'\''`. The first word is also quoted
/// when it would read as an assignment or a shell keyword.
pub fn join(words: &[String]) -> String {
    let mut out = String::new();
    for (index, word) in words.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let safe = !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b))
            && !(index == 0 && (word.contains('=') || is_keyword(word)));
        if safe {
            out.push_str(word);
        } else {
            out.push('\'');
            out.push_str(&word.replace('\'', r"'\''"));
            out.push('\'');
        }
    }
    out
}
