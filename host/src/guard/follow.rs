//! Following what a command runs out of files: shell scripts (`bash x.sh`,
//! `source x`, `./x.sh`), Makefile targets, the package.json scripts npm,
//! pnpm, yarn and bun run (workspaces and lifecycle scripts included),
//! turbo and nx tasks, and the SQL files `psql -f`, `psql < file` and
//! `prisma db execute --file` send.
//!
//! A rule's command check sees one line and the files it declared before
//! the line was known; what that line runs out of other files is read here
//! and handed back as more text to judge, which [`super::judge`] does with
//! the same rules, recursively. A script that resets a database is judged
//! exactly as the reset typed at the prompt, and a rule an organisation
//! writes sees it too. Each followed text carries the range of the command
//! that runs it and the way there, for the finding's message.
//!
//! Something that runs but cannot be read asks: a script file that is
//! missing or too large, a script for another interpreter that names a
//! database tool, a path computed when the line runs. What the runner
//! itself would refuse (a package script that does not exist, a make
//! target no rule names) runs nothing and is not reported.
//!
//! The directory a command runs in is the hook's `cwd`, moved by `cd` and
//! `pushd` earlier in the line; as subshells can undo a `cd`, every
//! directory the line may be in is tried, which can only add findings.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use drift_syntax::files::Content;
use drift_syntax::shell::{self, Command, Word};

/// Largest file read.
const MAX_FILE: u64 = 1024 * 1024;

/// How deep workspace folders are searched for packages.
const MAX_WORKSPACE_DEPTH: usize = 5;

/// Most directories one command may be run from.
const MAX_DIRS: usize = 8;

/// Text run by one command of the judged text.
#[derive(Debug)]
pub(super) struct Followed {
    /// The command that runs it, in the judged text.
    pub range: Range<usize>,
    /// The way there, for messages: "the script `scripts/nuke.sh`".
    pub via: String,
    pub then: Then,
}

#[derive(Debug)]
pub(super) enum Then {
    /// Shell text to judge from `cwd`.
    Text {
        text: String,
        cwd: PathBuf,
        /// Identifies the source, against following in circles.
        key: String,
        /// Where each line of `text` is written, for messages: a file
        /// (relative to the root when inside it) and its line numbers.
        origin: Option<Origin>,
        /// The command's own "SQL the guard cannot read" finding is
        /// answered by this text (the file's SQL, read).
        reads_unseen: bool,
        /// The length of the lines put before the file's text (what the
        /// command inherited, see [`inherited`]): read for the targets
        /// they set, not followed themselves.
        inherited: usize,
    },
    /// Something runs that the guard cannot read; why.
    Unreadable(String),
}

/// Where followed text is written.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    pub path: String,
    /// The file's line for each line of the text (1-based).
    pub lines: Vec<u32>,
}

impl Origin {
    /// The `path:line` of the text's (1-based) line `line`; the path
    /// alone for lines the guard put before the file's (line 0).
    pub fn at(&self, line: u32) -> String {
        let index = line.saturating_sub(1) as usize;
        match self.lines.get(index) {
            Some(&line) if line > 0 => format!("{}:{line}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// Everything the commands of `text` run out of files, in order; the
/// first `skip` bytes (inherited lines) are not followed.
pub(super) fn follow(
    root: &Path,
    cwd: &Path,
    text: &str,
    commands: &[Command],
    skip: usize,
) -> Vec<Followed> {
    let mut out = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        if command.range.start < skip {
            continue;
        }
        let Some(program) = command.program() else {
            continue;
        };
        if command.asks_for_help() {
            continue;
        }
        let dirs = match directories(cwd, commands.get(..index).unwrap_or(&[])) {
            Ok(dirs) => dirs,
            Err(why) => {
                if runs_from_files(command) {
                    out.push(Followed {
                        range: command.range.clone(),
                        via: format!("`{program}`"),
                        then: Then::Unreadable(why),
                    });
                }
                continue;
            }
        };
        let context = Context {
            root,
            text,
            command,
            dirs: &dirs,
            first: index == 0 || commands[..index].iter().all(|c| c.range.start < skip),
            container: command
                .wrappers
                .iter()
                .find(|w| shell::is_container_wrapper(w))
                .map(String::as_str),
        };
        let before = out.len();
        script(&context, &mut out);
        interpreted(&context, &mut out);
        make(&context, &mut out);
        packages(&context, &mut out);
        script_runners(&context, &mut out);
        sql_file(&context, &mut out);
        let inherited = inherited(commands, index);
        for followed in out.get_mut(before..).unwrap_or(&mut []) {
            if !inherited.is_empty() {
                inherit(followed, &inherited);
            }
            if let Some(wrapper) = context.container {
                in_container(followed, wrapper);
            }
        }
    }
    out
}

/// What the command at `index` hands down to what it runs, as lines of
/// shell: the earlier commands of its text that set, load or unset
/// variables (`export X=…`, `set -a; source .env.production`), a `dotenv
/// -e FILE` wrapper's files, and its own `X=… cmd` assignments. The rules
/// read them in the followed text as they read them in the line.
fn inherited(commands: &[Command], index: usize) -> String {
    let mut lines = Vec::new();
    for earlier in commands.get(..index).unwrap_or(&[]) {
        if matches!(
            earlier.program_name(),
            Some("export" | "declare" | "typeset" | "source" | "." | "unset" | "set")
        ) {
            // Its words, not its text: `X=1; export X` reads as `export
            // X=1` (the shell reader carried the value).
            let words: Vec<String> = earlier.words.iter().map(|w| w.text.clone()).collect();
            lines.push(shell::join(&words));
        }
    }
    let Some(command) = commands.get(index) else {
        return String::new();
    };
    for file in &command.env_files {
        lines.push(format!(
            "set -a; source {}",
            shell::join(std::slice::from_ref(&file.text))
        ));
    }
    for (name, value) in &command.env {
        lines.push(format!(
            "export {name}={}",
            shell::join(std::slice::from_ref(value))
        ));
    }
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// What a command in a container runs runs there too: the followed text
/// is handed to the rules inside the same kind of wrapper, so they judge
/// its database as the container's.
fn in_container(followed: &mut Followed, wrapper: &str) {
    let Then::Text {
        text,
        origin,
        inherited,
        ..
    } = &mut followed.then
    else {
        return;
    };
    let prefix = match wrapper {
        "kubectl exec" => "kubectl exec drift-guard-pod --",
        "container run" => "docker run --rm drift-guard-image",
        _ => "docker exec drift-guard-container",
    };
    *text = format!("{prefix} sh -c {}", shell::join(std::slice::from_ref(text)));
    *origin = None;
    *inherited = 0;
}

/// Puts `inherited` before the followed text (its origin's lines shift).
fn inherit(followed: &mut Followed, inherited: &str) {
    let Then::Text {
        text,
        origin,
        inherited: length,
        ..
    } = &mut followed.then
    else {
        return;
    };
    text.insert_str(0, inherited);
    *length += inherited.len();
    if let Some(origin) = origin {
        let added = inherited.lines().count();
        origin.lines.splice(0..0, std::iter::repeat_n(0, added));
    }
}

/// What every follower needs to know about one command.
struct Context<'a> {
    root: &'a Path,
    /// The judged text the command is in.
    text: &'a str,
    command: &'a Command,
    /// The directories it may run in, most likely first.
    dirs: &'a [PathBuf],
    /// Nothing runs before the command in its text, so nothing could
    /// create a file it names that is missing now.
    first: bool,
    /// The container wrapper the command runs in, if any: its files are
    /// the container's (often the repository, mounted), its database the
    /// guard cannot place.
    container: Option<&'a str>,
}

impl Context<'_> {
    /// `path` for messages: relative to the root when inside it.
    fn show(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.to_string_lossy().into_owned())
    }

    fn push_text(
        &self,
        out: &mut Vec<Followed>,
        via: String,
        text: String,
        cwd: &Path,
        key: String,
        origin: Option<Origin>,
    ) {
        out.push(Followed {
            range: self.command.range.clone(),
            via,
            then: Then::Text {
                text,
                cwd: cwd.to_path_buf(),
                key,
                origin,
                reads_unseen: false,
                inherited: 0,
            },
        });
    }

    /// A file the command runs is missing: it runs nothing when nothing
    /// before it in the line could create it (the program fails), else the
    /// guard cannot see what it will hold.
    fn push_missing(&self, out: &mut Vec<Followed>, via: String, path: &Path) {
        // A path inside a container is the container's.
        if !self.first && self.container.is_none() {
            self.push_unreadable(
                out,
                via,
                format!(
                    "`{}` is not there yet: an earlier command may create it",
                    self.show(path)
                ),
            );
        }
    }

    fn push_unreadable(&self, out: &mut Vec<Followed>, via: String, why: String) {
        out.push(Followed {
            range: self.command.range.clone(),
            via,
            then: Then::Unreadable(why),
        });
    }
}

/// True for commands whose meaning depends on the directory they run in.
fn runs_from_files(command: &Command) -> bool {
    let base = command.program_name().unwrap_or("");
    shell::SHELLS.contains(&base)
        || matches!(
            base,
            "source"
                | "."
                | "make"
                | "gmake"
                | "npm"
                | "pnpm"
                | "yarn"
                | "bun"
                | "turbo"
                | "nx"
                | "npm-run-all"
                | "run-s"
                | "run-p"
                | "concurrently"
                | "lerna"
        )
        || INTERPRETERS.contains(&base)
        || command.program().is_some_and(is_path)
        || last_wrapper_is_runner(command)
}

fn last_wrapper_is_runner(command: &Command) -> bool {
    command
        .wrappers
        .last()
        .is_some_and(|w| matches!(w.as_str(), "npm" | "pnpm" | "yarn" | "bun"))
}

/// The directories the command after `earlier` may run in: `cwd`, moved
/// by each literal `cd`/`pushd`. A directory computed at run time is an
/// error (the guard cannot tell which files the command reads).
fn directories(cwd: &Path, earlier: &[Command]) -> Result<Vec<PathBuf>, String> {
    let mut dirs = vec![cwd.to_path_buf()];
    for command in earlier {
        if !matches!(command.program_name(), Some("cd" | "pushd")) {
            continue;
        }
        let target = command
            .args()
            .iter()
            .find(|w| !w.text.starts_with('-') || w.text == "-");
        let next: Vec<PathBuf> = match target.map(|w| w.text.as_str()) {
            None | Some("~") => home().into_iter().collect(),
            Some(dir) if is_dynamic(dir) || dir == "-" => {
                return Err(format!(
                    "it runs in a directory chosen when the line runs (`cd {dir}`), so the guard cannot tell which files it reads"
                ));
            }
            Some(dir) => dirs.iter().map(|d| resolve(d, dir)).collect(),
        };
        for dir in next {
            if !dirs.contains(&dir) && dirs.len() < MAX_DIRS {
                dirs.push(dir);
            }
        }
    }
    // The last `cd` is the likeliest place.
    dirs.reverse();
    Ok(dirs)
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// True when a word's value is only known when the line runs.
fn is_dynamic(text: &str) -> bool {
    let text = without_home(text).unwrap_or(text);
    text.contains('$') || text.contains('`') || text.contains('*') || text.contains('?')
}

/// The rest of a path that starts at the home folder (`~/x`, `$HOME/x`,
/// `${HOME}/x`), which the guard knows.
fn without_home(path: &str) -> Option<&str> {
    ["~/", "$HOME/", "${HOME}/"]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
}

/// `path` from `dir`, `~/` expanded, `.` and `..` resolved lexically.
fn resolve(dir: &Path, path: &str) -> PathBuf {
    let joined = match without_home(path) {
        Some(rest) => home().unwrap_or_default().join(rest),
        None => dir.join(path),
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A file's text, or why the guard cannot read it. `Ok(None)`: binary.
fn read(path: &Path) -> Result<Option<String>, String> {
    let meta = std::fs::metadata(path).map_err(|_| "it does not exist".to_owned())?;
    if !meta.is_file() {
        return Err("it is not a file".to_owned());
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "it is {} bytes, more than the guard reads",
            meta.len()
        ));
    }
    let bytes = read_bytes(path)?;
    Ok(match Content::classify(bytes.clone(), MAX_FILE) {
        Content::Text(text) => Some(text),
        Content::InvalidUtf8(_) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Content::Binary | Content::TooLarge(_) => None,
    })
}

/// At most [`MAX_FILE`] bytes of a file (it may grow after its size was
/// read).
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("it cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err("it is larger than the guard reads".to_owned());
    }
    Ok(bytes)
}

/// A script's text as a shell reads it: bytes that are not UTF-8 and NUL
/// bytes (which bash skips) do not make it binary.
fn read_script(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|_| "it does not exist".to_owned())?;
    if !meta.is_file() {
        return Err("it is not a file".to_owned());
    }
    let bytes = read_bytes(path)?;
    let bytes: Vec<u8> = bytes.into_iter().filter(|b| *b != 0).collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// The first existing file among `path` from each directory.
fn find_file(dirs: &[PathBuf], path: &str) -> Option<PathBuf> {
    dirs.iter()
        .map(|dir| resolve(dir, path))
        .find(|p| p.is_file())
}

/// Line numbers 1..=n of a whole file.
fn whole(path: String, text: &str) -> Origin {
    Origin {
        path,
        lines: (1..=text.lines().count().max(1) as u32).collect(),
    }
}

// ---------------------------------------------------------------- scripts

/// `bash x.sh`, `sh -e x.sh`, `source x`, `. x`, `./x.sh`: the script
/// file, judged as shell text in the same directory.
fn script(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    let Some(program) = command.program() else {
        return;
    };
    let base = shell::basename(program);
    let in_shell = shell::SHELLS.contains(&base)
        || command
            .wrappers
            .iter()
            .any(|w| w.ends_with(" -c") || w.ends_with(" <<<"));
    if in_shell {
        // Files a shell reads before its script: `BASH_ENV`/`ENV`,
        // `--rcfile`/`--init-file`.
        let startup = command
            .env
            .iter()
            .filter(|(name, _)| matches!(name.as_str(), "BASH_ENV" | "ENV"))
            .map(|(_, value)| value.clone());
        let rcfile = command
            .args()
            .windows(2)
            .filter(|pair| matches!(pair[0].text.as_str(), "--rcfile" | "--init-file"))
            .map(|pair| pair[1].text.clone());
        for file in startup.chain(rcfile).collect::<Vec<_>>() {
            script_file(cx, out, &file, true);
        }
    }
    let (word, explicit) = if shell::SHELLS.contains(&base) {
        match shell_operand(command.args()) {
            Some(word) => (word, true),
            None => return,
        }
    } else if matches!(base, "source" | ".") {
        match command.args().first() {
            Some(word) => (word, true),
            None => return,
        }
    } else if is_path(program)
        && !runs_a_package(command)
        && drift_syntax::hazard::recognise(command).is_empty()
    {
        match command.words.first() {
            Some(word) => (word, false),
            None => return,
        }
    } else {
        return;
    };
    script_file(cx, out, &word.text, explicit);
}

/// The script file `name` (run by a shell when `explicit`, else by its
/// path), followed.
fn script_file(cx: &Context, out: &mut Vec<Followed>, name: &str, explicit: bool) {
    let via = format!("the script `{name}`");
    if is_dynamic(name) {
        cx.push_unreadable(
            out,
            via,
            "its path is computed when the line runs, so the guard cannot read it".to_owned(),
        );
        return;
    }
    let path = find_file(cx.dirs, name).unwrap_or_else(|| resolve(&cx.dirs[0], name));
    if !path.exists() {
        cx.push_missing(out, via, &path);
        return;
    }
    // A program run by its path is often a binary (`/usr/bin/git`): only
    // a `#!` script or a text file is a script.
    if !explicit && path.is_file() && !starts_as_script(&path) {
        return;
    }
    let text = match read_script(&path) {
        Ok(text) => text,
        Err(why) => {
            cx.push_unreadable(out, via, format!("the guard cannot read it: {why}"));
            return;
        }
    };
    let shown = cx.show(&path);
    if !explicit && let Some(interpreter) = foreign_interpreter(&text) {
        if let Some((line, words)) = names_hazard(&text) {
            cx.push_unreadable(
                    out,
                    via,
                    format!(
                        "it is a `{interpreter}` script, which the guard does not read, and line {line} names `{words}`"
                    ),
                );
        }
        return;
    }
    // The script runs in the caller's directory, not its own.
    let origin = whole(shown.clone(), &text);
    cx.push_text(
        out,
        "the script".to_owned(),
        text,
        &cx.dirs[0],
        format!("script:{}", path.display()),
        Some(origin),
    );
}

/// True when a program is named by its path (`./x.sh`, `bin/tool`), not a
/// scoped package (`@next/codemod`).
fn is_path(program: &str) -> bool {
    program.contains('/') && !program.starts_with('@')
}

/// True when the program is a package a runner fetches or finds in
/// node_modules (`npx x`, `pnpm dlx x`, `bunx x`), not a file here.
fn runs_a_package(command: &Command) -> bool {
    command.wrappers.last().is_some_and(|w| {
        matches!(
            w.as_str(),
            "npx" | "npm exec" | "pnpm dlx" | "pnpx" | "yarn dlx" | "bunx" | "bun x"
        )
    })
}

/// True when the file opens with `#!` or has no NUL byte in its first
/// 8 KiB (a text file the shell runs as a script).
fn starts_as_script(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8192];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let n = file.read(&mut head).unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"#!") || !head.contains(&0)
}

/// The script operand of a shell's arguments: the first word that is not
/// an option (nor an option's value). None when the shell reads stdin.
fn shell_operand(args: &[Word]) -> Option<&Word> {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        match text {
            "--" => return words.next(),
            "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file" => {
                words.next();
            }
            "-s" => return None,
            _ if text.starts_with('-') || text.starts_with('+') => {}
            _ => return Some(word),
        }
    }
    None
}

/// The interpreter of a `#!` line that is not a POSIX shell.
fn foreign_interpreter(text: &str) -> Option<String> {
    let line = text.lines().next()?.strip_prefix("#!")?;
    let mut words = line.split_whitespace();
    let mut program = shell::basename(words.next()?);
    if program == "env" {
        program = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
        program = shell::basename(program);
    }
    (!shell::SHELLS.contains(&program)).then(|| program.to_owned())
}

/// The first line of `text` that writes a database command, and its words.
fn names_hazard(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let found = drift_syntax::hazard::written::scan(line);
        let first = found.first()?;
        let words: Vec<&str> = first.words.iter().map(|w| w.text.as_str()).collect();
        Some((i + 1, words.join(" ")))
    })
}

// ----------------------------------------------------------- interpreters

/// Programs that run a file of code the guard does not read as shell.
const INTERPRETERS: &[&str] = &[
    "node",
    "tsx",
    "ts-node",
    "ts-node-esm",
    "esno",
    "vite-node",
    "deno",
    "python",
    "python3",
    "ruby",
    "perl",
    "php",
];

/// Calls that run another program, in the languages of [`INTERPRETERS`].
const EXEC_CALLS: &[&str] = &[
    "exec",
    "spawn",
    "execa",
    "execSync",
    "spawnSync",
    "subprocess",
    "system(",
    "popen",
    "Command(",
    "$`",
    "Bun.$",
    "shell=True",
    "os.system",
    "%x",
    "IO.popen",
];

/// `node scripts/x.js`, `tsx seed.ts`, `python3 x.py`: a file of code
/// that runs programs and names a database command (umami's build runs
/// `node scripts/check-db.js`, which runs `prisma migrate deploy`) asks;
/// the guard does not read other languages, so it cannot tell whether
/// that line runs.
fn interpreted(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    let base = command.program_name().unwrap_or("");
    if !INTERPRETERS.contains(&base) {
        return;
    }

    let args = command.args();
    let mut i = 0;
    // `deno run FILE`, `node --test`-style flags before the file.
    if base == "deno" && args.first().is_some_and(|w| w.text == "run") {
        i = 1;
    }
    while let Some(word) = args.get(i) {
        let text = word.text.as_str();
        // Inline code (`-e`, `-c`) is the policy's; `-m module` is not a
        // file.
        if matches!(text, "-e" | "-c" | "--eval" | "-p" | "--print" | "-m") {
            return;
        }
        if !text.starts_with('-') {
            break;
        }
        i += if shell::INTERPRETER_VALUES.contains(&text) {
            2
        } else {
            1
        };
    }
    let Some(file) = args.get(i).map(|w| w.text.as_str()) else {
        return;
    };
    if is_dynamic(file) {
        return;
    }
    let path = find_file(cx.dirs, file).unwrap_or_else(|| resolve(&cx.dirs[0], file));
    if !path.exists() {
        cx.push_missing(out, format!("`{file}`"), &path);
        return;
    }
    let text = match read(&path) {
        Ok(Some(text)) => text,
        Ok(None) => return,
        Err(why) => {
            cx.push_unreadable(
                out,
                format!("`{file}`"),
                format!("the guard cannot read it: {why}"),
            );
            return;
        }
    };
    if !EXEC_CALLS.iter().any(|call| text.contains(call)) {
        return;
    }
    if let Some((line, words)) = names_hazard(&text) {
        let shown = cx.show(&path);
        cx.push_unreadable(
            out,
            format!("`{shown}`"),
            format!(
                "it is `{base}` code, which the guard does not read, and it runs programs: line {line} names `{words}`"
            ),
        );
    }
}

// ------------------------------------------------------------------- make

/// `make [targets]` (`-C dir`, `-f file`): each target's recipe and those
/// of the targets it depends on, as shell text run from the Makefile's
/// directory.
fn make(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    if !matches!(command.program_name(), Some("make" | "gmake")) {
        return;
    }
    let mut dir_arg: Option<&str> = None;
    let mut file_arg: Option<&str> = None;
    let mut targets: Vec<&str> = Vec::new();
    let mut assigned: Vec<(String, String)> = Vec::new();
    let mut args = command.args().iter();
    while let Some(word) = args.next() {
        let text = word.text.as_str();
        let value = |long: &str, short: &str| -> Option<Option<&str>> {
            if text == short || text == long {
                return Some(None);
            }
            if let Some(v) = text.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
                return Some(Some(v));
            }
            text.strip_prefix(short)
                .filter(|v| !v.is_empty() && short.len() == 2)
                .map(Some)
        };
        if let Some(v) = value("--directory", "-C") {
            dir_arg = v.or_else(|| args.next().map(|w| w.text.as_str()));
        } else if let Some(v) = value("--file", "-f").or_else(|| value("--makefile", "-f")) {
            file_arg = v.or_else(|| args.next().map(|w| w.text.as_str()));
        } else if matches!(text, "-I" | "-o" | "-W" | "--eval" | "-E") {
            args.next();
        } else if matches!(text, "-j" | "--jobs" | "-l" | "--load-average") {
            // `-j 4`: the number is the jobs, not a target.
            if args
                .clone()
                .next()
                .is_some_and(|w| w.text.parse::<u32>().is_ok())
            {
                args.next();
            }
        } else if text.starts_with('-') {
        } else if let Some((name, value)) = assignment(text) {
            // `make migrate DATABASE_URL=…`: overrides the Makefile and
            // reaches the recipes' environment.
            assigned.push((name, value));
        } else {
            targets.push(text);
        }
    }
    if dir_arg.is_some_and(is_dynamic) || file_arg.is_some_and(is_dynamic) {
        cx.push_unreadable(
            out,
            "`make`".to_owned(),
            "its Makefile is chosen when the line runs, so the guard cannot read it".to_owned(),
        );
        return;
    }
    let dirs: Vec<PathBuf> = cx
        .dirs
        .iter()
        .map(|d| dir_arg.map_or_else(|| d.clone(), |a| resolve(d, a)))
        .collect();
    let names: Vec<&str> = match file_arg {
        Some(file) => vec![file],
        None => vec!["GNUmakefile", "makefile", "Makefile"],
    };
    let found = dirs.iter().find_map(|dir| {
        names
            .iter()
            .map(|n| resolve(dir, n))
            .find(|p| p.is_file())
            .map(|p| (dir.clone(), p))
    });
    let Some((dir, path)) = found else {
        let wanted = resolve(&dirs[0], names.last().copied().unwrap_or("Makefile"));
        cx.push_missing(out, "`make`".to_owned(), &wanted);
        return;
    };
    let shown = cx.show(&path);
    let mut makefile = match Makefile::load(&path, &dir) {
        Ok(makefile) => makefile,
        Err(why) => {
            cx.push_unreadable(
                out,
                format!("`{shown}`"),
                format!("the guard cannot read it: {why}"),
            );
            return;
        }
    };
    if let Some(why) = &makefile.unreadable {
        cx.push_unreadable(out, format!("`{shown}`"), why.clone());
    }
    for (name, value) in assigned {
        makefile.variables.insert(name.clone(), value);
        makefile.exported.push(name);
    }
    // What the recipes inherit: exported variables, given as lines the
    // rules read (and the guard does not follow).
    let mut exports = String::new();
    for name in &makefile.exported {
        if let Some(value) = makefile.variables.get(name) {
            let value = makefile.expand(value, 0);
            exports.push_str(&format!(
                "export {name}={}\n",
                shell::join(std::slice::from_ref(&value))
            ));
        }
    }
    let goals: Vec<String> = if targets.is_empty() {
        makefile
            .variables
            .get(".DEFAULT_GOAL")
            .cloned()
            .or_else(|| makefile.default_goal.clone())
            .into_iter()
            .collect()
    } else {
        targets.iter().map(|t| (*t).to_owned()).collect()
    };
    for goal in goals {
        let (text, lines) = makefile.recipes(&goal);
        if text.trim().is_empty() {
            continue;
        }
        let added = exports.lines().count();
        let origin = Origin {
            path: shown.clone(),
            lines: std::iter::repeat_n(0, added).chain(lines).collect(),
        };
        out.push(Followed {
            range: command.range.clone(),
            via: format!("the make target `{goal}`"),
            then: Then::Text {
                text: format!("{exports}{text}"),
                cwd: dir.clone(),
                key: format!("make:{}:{goal}", path.display()),
                origin: Some(origin),
                reads_unseen: false,
                inherited: exports.len(),
            },
        });
    }
}

/// The parts of a Makefile the guard reads: variables, rules and recipes.
/// Conditionals are ignored (both branches count), which can only add.
#[derive(Debug, Default)]
struct Makefile {
    variables: BTreeMap<String, String>,
    /// Variables `export`ed to the recipes.
    exported: Vec<String>,
    rules: Vec<Rule>,
    default_goal: Option<String>,
    /// Why part of it could not be read (an include computed when make
    /// runs).
    unreadable: Option<String>,
}

#[derive(Debug)]
struct Rule {
    targets: Vec<String>,
    prerequisites: Vec<String>,
    /// Recipe lines with their line number in the file (of the last
    /// included file they come from, for includes).
    recipe: Vec<(String, u32)>,
}

impl Makefile {
    fn load(path: &Path, dir: &Path) -> Result<Self, String> {
        let mut makefile = Makefile::default();
        makefile.read(path, dir, 0)?;
        Ok(makefile)
    }

    fn read(&mut self, path: &Path, dir: &Path, depth: usize) -> Result<(), String> {
        let text = read(path)?.ok_or_else(|| "it is binary".to_owned())?;
        // Logical lines: backslash-newline joins (recipes keep their
        // lines, the shell joins them).
        let mut lines: Vec<(String, u32)> = Vec::new();
        let mut pending: Option<(String, u32)> = None;
        for (i, raw) in text.lines().enumerate() {
            let number = i as u32 + 1;
            let (mut acc, at) = pending.take().unwrap_or_else(|| (String::new(), number));
            if acc.is_empty() {
                acc.push_str(raw);
            } else {
                acc.truncate(acc.trim_end().len());
                acc.push(' ');
                acc.push_str(raw.trim_start_matches('\t').trim_start());
            }
            match acc.strip_suffix('\\') {
                Some(rest) => pending = Some((rest.to_owned(), at)),
                None => lines.push((acc, at)),
            }
        }
        if let Some(last) = pending {
            lines.push(last);
        }
        let mut current: Option<usize> = None;
        // `define NAME` … `endef`: a variable whose value is lines.
        let mut define: Option<(String, Vec<String>)> = None;
        for (line, number) in lines {
            if let Some((name, body)) = &mut define {
                if line.trim_start().starts_with("endef") {
                    let name = std::mem::take(name);
                    let value = body.join("\n");
                    self.variables.insert(name, value);
                    define = None;
                } else {
                    body.push(line);
                }
                continue;
            }
            let prefix = self
                .variables
                .get(".RECIPEPREFIX")
                .and_then(|p| p.chars().next())
                .unwrap_or('\t');
            if let Some(recipe) = line.strip_prefix(prefix) {
                if let Some(rule) = current.and_then(|i| self.rules.get_mut(i)) {
                    rule.recipe.push((recipe.to_owned(), number));
                }
                continue;
            }
            let uncommented = strip_comment(&line);
            let trimmed = uncommented.trim();
            if trimmed.is_empty() {
                continue;
            }
            let trimmed = trimmed
                .strip_prefix("override ")
                .unwrap_or(trimmed)
                .trim_start();
            let first = trimmed.split_whitespace().next().unwrap_or("");
            if first == "define" {
                let name = trimmed
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .trim_end_matches(['=', ':', '?', '+'])
                    .to_owned();
                define = Some((name, Vec::new()));
                current = None;
                continue;
            }
            if matches!(first, "include" | "-include" | "sinclude") {
                let files = self.expand(trimmed[first.len()..].trim(), 0);
                if is_dynamic(&files) || depth >= 4 {
                    self.unreadable.get_or_insert_with(|| {
                        format!("it includes `{files}`, which the guard cannot resolve")
                    });
                    continue;
                }
                for file in files.split_whitespace() {
                    let _ = self.read(&resolve(dir, file), dir, depth + 1);
                }
                continue;
            }
            if first == "export" && !trimmed.contains('=') {
                self.exported
                    .extend(trimmed.split_whitespace().skip(1).map(str::to_owned));
                continue;
            }
            if matches!(
                first,
                "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif" | "unexport"
            ) && !trimmed.contains('=')
            {
                continue;
            }
            if let Some((name, value)) = assignment(trimmed) {
                let value = value.trim().to_owned();
                if first == "export" {
                    self.exported.push(name.clone());
                }
                match self.variables.get_mut(&name) {
                    Some(old) if trimmed.contains("+=") => {
                        old.push(' ');
                        old.push_str(&value);
                    }
                    Some(_) if trimmed.contains("?=") => {}
                    _ => {
                        self.variables.insert(name, value);
                    }
                }
                current = None;
                continue;
            }
            if let Some((targets, rest)) = rule_head(trimmed) {
                // `target: VAR = value` (target-specific): the variable,
                // for every target alike; the rule is kept.
                if let Some((name, value)) = assignment(rest.trim()) {
                    let name = name.strip_prefix("export ").unwrap_or(&name).to_owned();
                    self.variables.insert(name, value.trim().to_owned());
                }
                let (prerequisites, inline) = match rest.split_once(';') {
                    Some((p, r)) => (p, Some(r.trim())),
                    None => (rest, None),
                };
                let targets: Vec<String> = targets
                    .split_whitespace()
                    .map(|t| self.expand(t, 0))
                    .collect();
                if self.default_goal.is_none() {
                    self.default_goal = targets
                        .iter()
                        .find(|t| !t.starts_with('.') && !t.contains('%'))
                        .cloned();
                }
                let prerequisites = if prerequisites.contains('=') {
                    String::new()
                } else {
                    prerequisites.replace('|', " ")
                };
                let mut rule = Rule {
                    targets,
                    prerequisites: prerequisites
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    recipe: Vec::new(),
                };
                if let Some(inline) = inline.filter(|r| !r.is_empty()) {
                    rule.recipe.push((inline.to_owned(), number));
                }
                self.rules.push(rule);
                current = Some(self.rules.len() - 1);
            }
        }
        Ok(())
    }

    /// `$(NAME)`, `${NAME}` and `$X` expanded from the Makefile's variables
    /// (then the environment); `$$` is `$`. Functions (`$(shell …)`) stay
    /// as written.
    fn expand(&self, text: &str, depth: usize) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, used) = match after.chars().next() {
                Some('$') => {
                    out.push('$');
                    rest = &after[1..];
                    continue;
                }
                Some(open @ ('(' | '{')) => {
                    let close = if open == '(' { ')' } else { '}' };
                    match after.find(close) {
                        Some(end) => (&after[1..end], end + 1),
                        None => (after, after.len()),
                    }
                }
                Some(c) if c.is_ascii_alphanumeric() || c == '_' => (&after[..1], 1),
                _ => ("", 0),
            };
            if let Some((function, args)) = name.split_once(char::is_whitespace) {
                match function {
                    // Make-time messages and evaluation run no command.
                    "info" | "warning" | "error" | "eval" => {
                        rest = &after[used..];
                        continue;
                    }
                    // `$(shell cmd)` runs `cmd`, as `$(cmd)` would.
                    "shell" => {
                        out.push_str("$(");
                        out.push_str(&self.expand(args, depth + 1));
                        out.push(')');
                        rest = &after[used..];
                        continue;
                    }
                    _ => {}
                }
            }
            if name.is_empty() || name.contains(char::is_whitespace) || name.contains('$') {
                // Another function, or something the guard leaves as
                // written.
                out.push('$');
                rest = after;
                continue;
            }
            let value = match name {
                "MAKE" => Some("make".to_owned()),
                _ => self
                    .variables
                    .get(name)
                    .cloned()
                    .or_else(|| std::env::var(name).ok()),
            };
            if let Some(value) = value
                && depth < 32
            {
                out.push_str(&self.expand(&value, depth + 1));
            }
            rest = &after[used..];
        }
        out.push_str(rest);
        out
    }

    /// The recipes `goal` runs: its prerequisites' first, each target
    /// once; the text and each of its lines' line in the file.
    fn recipes(&self, goal: &str) -> (String, Vec<u32>) {
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut seen = Vec::new();
        self.collect(goal, &mut seen, &mut text, &mut lines);
        (text, lines)
    }

    fn collect(
        &self,
        target: &str,
        seen: &mut Vec<String>,
        text: &mut String,
        lines: &mut Vec<u32>,
    ) {
        if seen.iter().any(|s| s == target) || seen.len() > 4096 {
            return;
        }
        seen.push(target.to_owned());
        let explicit = self
            .rules
            .iter()
            .any(|r| r.targets.iter().any(|t| t == target));
        // No rule names it: a pattern rule (`db-%:`) may.
        let stem = |rule: &Rule| -> Option<String> {
            rule.targets.iter().find_map(|t| {
                let (before, after) = t.split_once('%')?;
                let stem = target.strip_prefix(before)?.strip_suffix(after)?;
                Some(stem.to_owned())
            })
        };
        for rule in self
            .rules
            .iter()
            .filter(|r| r.targets.iter().any(|t| t == target) || (!explicit && stem(r).is_some()))
        {
            let stem = if explicit { None } else { stem(rule) };
            let with_stem = |text: &str| match &stem {
                Some(stem) => text.replace('%', stem).replace("$*", stem),
                None => text.to_owned(),
            };
            for prerequisite in &rule.prerequisites {
                let prerequisite = self.expand(&with_stem(prerequisite), 0);
                for one in prerequisite.split_whitespace() {
                    self.collect(one, seen, text, lines);
                }
            }
            for (line, number) in &rule.recipe {
                let automatic = with_stem(line)
                    .replace("$@", target)
                    .replace("$<", rule.prerequisites.first().map_or("", String::as_str))
                    .replace("$^", &rule.prerequisites.join(" "));
                let expanded = self.expand(&automatic, 0);
                // `@` silences, `-` ignores errors, `+` runs even under -n.
                let command = expanded.trim_start().trim_start_matches(['@', '-', '+']);
                for piece in command.split('\n') {
                    text.push_str(piece);
                    text.push('\n');
                    lines.push(*number);
                }
            }
        }
    }
}

/// A Makefile line without its comment (`#` not escaped).
fn strip_comment(line: &str) -> std::borrow::Cow<'_, str> {
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            '#' if !escaped => return line[..i].trim_end().into(),
            _ => escaped = false,
        }
    }
    line.into()
}

/// `NAME = value` (also `:=`, `::=`, `?=`, `+=`, `!=`, and `export NAME =
/// …`): the name and the value.
fn assignment(line: &str) -> Option<(String, String)> {
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let eq = line.find('=')?;
    let colon = line.find(':');
    // `target: VAR=value` is a target-specific variable, a rule.
    if colon.is_some_and(|c| c < eq && !line[c..eq].chars().all(|ch| ch == ':')) {
        return None;
    }
    let name = line[..eq].trim_end_matches([':', '?', '+', '!']).trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some((name.to_owned(), line[eq + 1..].to_owned()))
}

/// `targets: prerequisites` (`::` too): the two sides.
fn rule_head(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let rest = line[colon + 1..]
        .strip_prefix(':')
        .unwrap_or(&line[colon + 1..]);
    if rest.starts_with('=') {
        return None;
    }
    Some((&line[..colon], rest))
}

// --------------------------------------------------------------- packages

/// The package runners whose scripts are followed.
const RUNNERS: &[&str] = &["npm", "pnpm", "yarn", "bun"];

/// Scripts npm, pnpm, yarn and bun run around an install.
const INSTALL_SCRIPTS: &[&str] = &[
    "preinstall",
    "install",
    "postinstall",
    "prepublish",
    "preprepare",
    "prepare",
    "postprepare",
];

/// Which packages a runner's command picks.
#[derive(Debug, Default)]
struct Selection {
    /// `--prefix`, `-C`, `--dir`, `--cwd`.
    dir: Option<String>,
    /// Workspace selectors (`-w web`, `--filter ./apps/*`, `yarn
    /// workspace web`); empty: the package of the directory.
    selectors: Vec<String>,
    /// Every workspace package (`-ws`, `-r`, `workspaces foreach`, turbo,
    /// nx run-many).
    all: bool,
    /// Packages a negated selector leaves out (`--filter '!api'`,
    /// `--exclude api`).
    excluded: Vec<String>,
}

/// What a runner command runs: script names and the arguments appended to
/// the main one.
#[derive(Debug)]
struct Run {
    runner: &'static str,
    selection: Selection,
    /// Scripts in the order they run.
    scripts: Vec<String>,
    /// Arguments given to the script (shell-quoted).
    extra: String,
    /// The script whose arguments `extra` are.
    main: Option<String>,
}

/// `npm run x`, `pnpm --filter web db:reset`, `yarn workspace web x`,
/// `bun run x`, `npm install` (lifecycle scripts), `turbo run x`, `nx run
/// p:x`: the scripts they run, each judged as shell text in its package.
fn packages(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    let raw = raw_words(cx);
    let run = match command.program_name() {
        Some("turbo") => turbo(command.args()),
        Some("nx") => nx(command.args()),
        Some("lerna") => lerna(command.args()),
        Some(program)
            if RUNNERS.contains(&program)
                || command
                    .wrappers
                    .iter()
                    .any(|w| RUNNERS.contains(&w.as_str())) =>
        {
            // The words as written keep the options the peeling dropped;
            // when the command's range is not its own text (a string with
            // escapes), its own words.
            runner_run(&raw)
                .or_else(|| runner_run(&command.words))
                .or_else(|| peeled_run(command))
        }
        _ => None,
    };
    let Some(mut run) = run else {
        return;
    };
    // `--filter '!api'`: a negation leaves a package out.
    let (negated, positive): (Vec<String>, Vec<String>) = run
        .selection
        .selectors
        .drain(..)
        .partition(|s| s.starts_with('!'));
    run.selection.selectors = positive;
    run.selection.excluded.extend(negated);
    if run.runner == "turbo"
        && let Some(package) = cx.dirs.iter().find_map(|d| nearest_package(d, cx.root))
    {
        let workspace = workspace_root(&package, cx.root);
        run.scripts = turbo_tasks(&workspace, std::mem::take(&mut run.scripts));
    }
    for dir in cx.dirs {
        let base = match &run.selection.dir {
            Some(d) if is_dynamic(d) => {
                cx.push_unreadable(
                    out,
                    format!("`{}`", run.runner),
                    "its package folder is chosen when the line runs".to_owned(),
                );
                return;
            }
            Some(d) => resolve(dir, d),
            None => dir.clone(),
        };
        let Some(package) = nearest_package(&base, cx.root) else {
            continue;
        };
        let selection = &run.selection;
        let chosen =
            if selection.all || !selection.selectors.is_empty() || !selection.excluded.is_empty() {
                let workspace = workspace_root(&package, cx.root);
                let members = workspace_members(&workspace);
                // Only negations (`--filter '!api'`): every other package.
                let every = selection.all || selection.selectors.is_empty();
                let mut chosen: Vec<PathBuf> = members
                    .iter()
                    .filter(|(name, member)| {
                        every
                            || selection
                                .selectors
                                .iter()
                                .any(|s| selects(s, name, member, &workspace, &base))
                    })
                    .filter(|(name, member)| {
                        !selection
                            .excluded
                            .iter()
                            .any(|s| excludes(s, name, member, &workspace, &base))
                    })
                    .map(|(_, dir)| dir.clone())
                    .collect();
                if selection.selectors.iter().any(|s| s == "." || s == "//") {
                    chosen.push(workspace.clone());
                }
                chosen
            } else {
                vec![package]
            };
        // Every directory the line may be in is tried: a subshell can
        // undo a `cd` (`(cd web && npm test); npm test`).
        for package in chosen {
            package_scripts(cx, &run, &package, out);
        }
    }
}

/// Follows `run`'s scripts in the package at `dir`; false when it has none
/// of them.
fn package_scripts(cx: &Context, run: &Run, dir: &Path, out: &mut Vec<Followed>) -> bool {
    let path = dir.join("package.json");
    let shown = cx.show(&path);
    let text = match read(&path) {
        Ok(Some(text)) => text,
        // An nx project may have only a project.json.
        _ if run.runner == "nx" => "{}".to_owned(),
        _ => return false,
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        cx.push_unreadable(
            out,
            format!("`{shown}`"),
            "it is not valid JSON, so the guard cannot read its scripts".to_owned(),
        );
        return true;
    };
    let scripts = json.get("scripts").and_then(|s| s.as_object());
    let mut any = false;
    for name in &run.scripts {
        let body = scripts
            .and_then(|s| s.get(name))
            .and_then(|s| s.as_str())
            .map(str::to_owned)
            .or_else(|| {
                // nx runs a target its project.json defines.
                let commands = nx_targets(dir, name);
                (run.runner == "nx" && !commands.is_empty()).then(|| commands.join("\n"))
            });
        let Some(mut body) = body else {
            continue;
        };
        if run.main.as_deref() == Some(name.as_str()) && !run.extra.is_empty() {
            body.push(' ');
            body.push_str(&run.extra);
        }
        let line = script_line(&text, name);
        let origin = Origin {
            path: shown.clone(),
            lines: vec![line; body.lines().count().max(1)],
        };
        cx.push_text(
            out,
            format!("the package.json script `{name}`"),
            body,
            dir,
            format!("package:{}:{name}", dir.display()),
            Some(origin),
        );
        any = true;
    }
    any
}

/// The line of package.json that defines the script `name`.
fn script_line(text: &str, name: &str) -> u32 {
    let key = format!("\"{name}\"");
    text.lines()
        .position(|l| l.trim_start().starts_with(&key))
        .map_or(1, |i| i as u32 + 1)
}

/// The words of the command as written, wrappers included (its range
/// read again), so options the wrapper peeling dropped are seen.
fn raw_words(cx: &Context) -> Vec<Word> {
    let mut words = cx
        .text
        .get(cx.command.range.clone())
        .map(shell::words)
        .unwrap_or_default();
    // A command nested in a string with escapes has the string's range:
    // its one word is the inner line, read again.
    for _ in 0..shell::MAX_DEPTH {
        match words.as_slice() {
            [one] if one.text.contains(char::is_whitespace) => words = shell::words(&one.text),
            _ => break,
        }
    }
    words
}

/// A runner read from the words as written: `npm --prefix x run y`,
/// `pnpm --filter web db:reset`, `yarn workspace web x`.
fn runner_run(raw: &[Word]) -> Option<Run> {
    let at = raw
        .iter()
        .position(|w| RUNNERS.contains(&shell::basename(&w.text)))?;
    let runner = RUNNERS
        .iter()
        .copied()
        .find(|r| *r == shell::basename(&raw[at].text))?;
    let words: Vec<&str> = raw[at + 1..].iter().map(|w| w.text.as_str()).collect();
    let mut selection = Selection::default();
    let mut positional: Vec<&str> = Vec::new();
    let mut after_dashes: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(&word) = words.get(i) {
        i += 1;
        if word == "--" {
            after_dashes.extend(words.get(i..).unwrap_or(&[]));
            break;
        }
        // Once the script is named, the rest are its arguments (pnpm,
        // yarn and bun pass them; npm passes them too since npm 7).
        if positional.len() >= 2 || (positional.len() == 1 && !is_run_word(positional[0])) {
            // npm reads options after the script name as its own; the
            // others pass them to the script, but an option the guard does
            // not know may have taken the script's place (`pnpm
            // --resume-from web -r x`), so a selection flag still counts.
            let selects = matches!(
                (runner, word.split('=').next().unwrap_or(word)),
                (
                    "pnpm",
                    "-r" | "--recursive" | "--filter" | "-F" | "-C" | "--dir"
                ) | ("bun", "--filter" | "-F" | "--cwd")
                    | ("yarn", "--cwd")
            );
            if !(selects || (runner == "npm" && word.starts_with('-'))) {
                positional.push(word);
                continue;
            }
        }
        let (flag, glued) = match word.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v)),
            _ => (word, None),
        };
        let mut value = || -> String {
            glued.map(str::to_owned).unwrap_or_else(|| {
                let v = words.get(i).copied().unwrap_or("").to_owned();
                i += 1;
                v
            })
        };
        match (runner, flag) {
            ("npm", "-w" | "--workspace") => selection.selectors.push(value()),
            ("npm", "-ws" | "--workspaces") => selection.all = true,
            ("npm", "--prefix" | "-C") => selection.dir = Some(value()),
            ("pnpm", "--filter" | "-F" | "--filter-prod") => selection.selectors.push(value()),
            ("pnpm", "-r" | "--recursive") => selection.all = true,
            ("pnpm", "-C" | "--dir") => selection.dir = Some(value()),
            ("pnpm", "-w" | "--workspace-root") => selection.selectors.push(".".to_owned()),
            ("yarn" | "bun", "--cwd") => selection.dir = Some(value()),
            ("bun", "--filter" | "-F") => selection.selectors.push(value()),
            (
                _,
                "--loglevel"
                | "--userconfig"
                | "--cache"
                | "--registry"
                | "--script-shell"
                | "--reporter"
                | "--workspace-concurrency"
                | "--config"
                | "-c",
            ) => {
                value();
            }
            _ if word.starts_with('-') => {}
            _ => positional.push(word),
        }
    }
    let quote =
        |words: &[&str]| shell::join(&words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>());
    let mut run = Run {
        runner,
        selection,
        scripts: Vec::new(),
        extra: String::new(),
        main: None,
    };
    let install = |mut run: Run| {
        // Installing runs the lifecycle scripts of the root and of every
        // workspace package (npm 7.20+, pnpm, yarn).
        run.scripts = INSTALL_SCRIPTS.iter().map(|s| (*s).to_owned()).collect();
        run.selection.all = true;
        run.selection.selectors.push(".".to_owned());
        run
    };
    // Other positionals that may be the script, when an option the guard
    // does not know took a value (`pnpm --resume-from web -r db:wipe`).
    let mut others: Vec<String> = Vec::new();
    let (main, args): (String, Vec<&str>) = match positional.as_slice() {
        // yarn: `yarn workspace NAME script args`, `yarn workspaces
        // foreach [opts] run script`, yarn 1's `yarn workspaces run x`.
        ["workspace", name, rest @ ..] if runner == "yarn" => {
            run.selection.selectors.push((*name).to_owned());
            let rest = match rest {
                ["run", rest @ ..] => rest,
                rest => rest,
            };
            let (script, args) = rest.split_first()?;
            ((*script).to_owned(), args.to_vec())
        }
        ["workspaces", "foreach", rest @ ..] if runner == "yarn" => {
            run.selection.all = true;
            let mut left: Vec<&str> = Vec::new();
            let mut words = rest.iter().copied();
            while let Some(word) = words.next() {
                match word {
                    "--exclude" => run
                        .selection
                        .excluded
                        .extend(words.next().map(str::to_owned)),
                    "--include" | "--from" => {
                        run.selection.all = false;
                        run.selection
                            .selectors
                            .extend(words.next().map(str::to_owned));
                    }
                    "-j" | "--jobs" | "--since" => {
                        words.next();
                    }
                    _ if word.starts_with('-') => {}
                    _ => left.push(word),
                }
            }
            let left = match left.as_slice() {
                ["run", rest @ ..] => rest.to_vec(),
                rest => rest.to_vec(),
            };
            let (script, args) = left.split_first()?;
            ((*script).to_owned(), args.to_vec())
        }
        ["workspaces", "run", script, args @ ..] if runner == "yarn" => {
            run.selection.all = true;
            ((*script).to_owned(), args.to_vec())
        }
        [
            "recursive" | "multi" | "m",
            "run" | "run-script",
            script,
            args @ ..,
        ] if runner == "pnpm" => {
            run.selection.all = true;
            ((*script).to_owned(), args.to_vec())
        }
        ["run" | "run-script" | "rum" | "urn", script, args @ ..] => {
            ((*script).to_owned(), args.to_vec())
        }
        ["test" | "t" | "tst", args @ ..] => ("test".to_owned(), args.to_vec()),
        ["start", args @ ..] => ("start".to_owned(), args.to_vec()),
        ["stop", args @ ..] => ("stop".to_owned(), args.to_vec()),
        ["restart", args @ ..] => ("restart".to_owned(), args.to_vec()),
        ["install" | "i" | "ci"] => return Some(install(run)),
        ["it" | "install-test" | "cit" | "install-ci-test" | "clean-install-test"] => {
            let mut run = install(run);
            run.scripts
                .extend(["pretest", "test", "posttest"].map(str::to_owned));
            return Some(run);
        }
        // A bare `yarn` installs.
        [] if runner == "yarn" => return Some(install(run)),
        // `npm --omit dev run x`: an unknown option's value came first.
        words if words.iter().skip(1).any(|w| is_script_word(w)) => {
            let at = words.iter().position(|w| is_script_word(w))?;
            let (script, args) = words.get(at + 1..)?.split_first()?;
            ((*script).to_owned(), args.to_vec())
        }
        [script, args @ ..] if runner != "npm" && !is_builtin(runner, script) => {
            others = args.iter().map(|a| (*a).to_owned()).collect();
            ((*script).to_owned(), args.to_vec())
        }
        _ => return None,
    };
    let mut all_args = args;
    all_args.extend(after_dashes);
    run.extra = quote(&all_args);
    run.scripts = vec![format!("pre{main}"), main.clone(), format!("post{main}")];
    run.scripts.extend(others);
    run.main = Some(main);
    Some(run)
}

fn is_script_word(word: &str) -> bool {
    matches!(word, "run" | "run-script" | "rum" | "urn")
}

fn is_run_word(word: &str) -> bool {
    matches!(
        word,
        "run" | "run-script" | "rum" | "urn" | "workspace" | "workspaces" | "foreach"
    )
}

/// Subcommands of pnpm, yarn and bun that are not scripts.
fn is_builtin(runner: &str, word: &str) -> bool {
    const COMMON: &[&str] = &[
        "add",
        "remove",
        "rm",
        "install",
        "i",
        "update",
        "up",
        "upgrade",
        "exec",
        "dlx",
        "x",
        "create",
        "init",
        "link",
        "unlink",
        "list",
        "ls",
        "why",
        "outdated",
        "publish",
        "pack",
        "audit",
        "config",
        "store",
        "cache",
        "info",
        "view",
        "help",
        "version",
        "login",
        "logout",
        "patch",
        "patch-commit",
        "import",
        "prune",
        "rebuild",
        "dedupe",
        "set",
        "plugin",
        "constraints",
        "dlx",
        "build",
        "node",
        "env",
        "bin",
        "root",
        "setup",
        "licenses",
        "fetch",
        "deploy",
        "server",
        "doctor",
        "npm",
        "explain",
        "search",
    ];
    if COMMON.contains(&word) {
        // `bun build` is bun's bundler; `pnpm build` runs the script.
        return !(runner == "pnpm" && word == "build");
    }
    false
}

/// A script the wrapper peeling already recognised: `yarn db:reset` is
/// peeled to the program `db:reset` run by `yarn`.
fn peeled_run(command: &Command) -> Option<Run> {
    if !last_wrapper_is_runner(command) {
        return None;
    }
    let runner = RUNNERS
        .iter()
        .copied()
        .find(|r| command.wrappers.last().is_some_and(|w| w == r))?;
    let main = command.program()?.to_owned();
    let args: Vec<String> = command.args().iter().map(|w| w.text.clone()).collect();
    // The options that chose packages are gone: every package counts.
    Some(Run {
        runner,
        selection: Selection {
            dir: None,
            selectors: vec![".".to_owned()],
            all: true,
            excluded: Vec::new(),
        },
        scripts: vec![format!("pre{main}"), main.clone(), format!("post{main}")],
        extra: shell::join(&args),
        main: Some(main),
    })
}

/// `turbo run a b --filter x`, `turbo a`: each task's script in every
/// selected workspace package (`pkg#task` picks one).
fn turbo(args: &[Word]) -> Option<Run> {
    const BUILTINS: &[&str] = &[
        "login",
        "logout",
        "link",
        "unlink",
        "prune",
        "gen",
        "generate",
        "daemon",
        "telemetry",
        "info",
        "scan",
        "ls",
        "query",
        "boundaries",
        "bin",
        "completion",
        "devtools",
        "help",
    ];
    let mut selection = Selection::default();
    let mut tasks: Vec<String> = Vec::new();
    let mut words = args.iter().map(|w| w.text.as_str()).peekable();
    let mut first = true;
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(value) = word
            .strip_prefix("--filter=")
            .or_else(|| word.strip_prefix("-F="))
        {
            selection.selectors.push(value.to_owned());
            continue;
        }
        if matches!(word, "--filter" | "-F") {
            selection.selectors.extend(words.next().map(str::to_owned));
            continue;
        }
        if word.starts_with('-') {
            continue;
        }
        if first && matches!(word, "run" | "watch") {
            first = false;
            continue;
        }
        if first && BUILTINS.contains(&word) {
            return None;
        }
        first = false;
        tasks.push(word.to_owned());
    }
    if tasks.is_empty() {
        return None;
    }
    let mut scripts = Vec::new();
    for task in tasks {
        match task.split_once('#') {
            Some(("", name)) | Some(("//", name)) => {
                selection.selectors.push("//".to_owned());
                scripts.push(name.to_owned());
            }
            Some((package, name)) => {
                selection.selectors.push(package.to_owned());
                scripts.push(name.to_owned());
            }
            None => scripts.push(task),
        }
    }
    if selection.selectors.is_empty() {
        selection.all = true;
    }
    Some(Run {
        runner: "turbo",
        selection,
        scripts,
        extra: String::new(),
        main: None,
    })
}

/// `tasks` with every task their turbo.json `dependsOn` runs first
/// (`^build` is the packages' own `build`), transitively.
fn turbo_tasks(workspace: &Path, tasks: Vec<String>) -> Vec<String> {
    let Ok(Some(text)) = read(&workspace.join("turbo.json")) else {
        return tasks;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return tasks;
    };
    let Some(defined) = json
        .get("tasks")
        .or_else(|| json.get("pipeline"))
        .and_then(|t| t.as_object())
    else {
        return tasks;
    };
    let mut out: Vec<String> = Vec::new();
    let mut pending = tasks;
    while let Some(task) = pending.pop() {
        if out.contains(&task) || out.len() > 256 {
            continue;
        }
        for (key, value) in defined {
            let name = key.rsplit_once('#').map_or(key.as_str(), |(_, t)| t);
            if name != task {
                continue;
            }
            let depends = value.get("dependsOn").and_then(|d| d.as_array());
            for dependency in depends.into_iter().flatten().filter_map(|d| d.as_str()) {
                if dependency.starts_with('$') {
                    continue;
                }
                let dependency = dependency.trim_start_matches('^');
                let dependency = dependency.rsplit_once('#').map_or(dependency, |(_, t)| t);
                pending.push(dependency.to_owned());
            }
        }
        out.push(task);
    }
    out
}

/// `lerna run x [--scope p] [--ignore q]`: the script in every package.
fn lerna(args: &[Word]) -> Option<Run> {
    let words: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let (first, rest) = words.split_first()?;
    if *first != "run" {
        return None;
    }
    let mut selection = Selection {
        all: true,
        ..Selection::default()
    };
    let mut script = None;
    let mut words = rest.iter().copied();
    while let Some(word) = words.next() {
        match word {
            "--scope" => {
                selection.all = false;
                selection.selectors.extend(words.next().map(str::to_owned));
            }
            "--ignore" => selection.excluded.extend(words.next().map(str::to_owned)),
            "--concurrency" | "--since" => {
                words.next();
            }
            "--" => break,
            _ if word.starts_with('-') => {}
            _ if script.is_none() => script = Some(word.to_owned()),
            _ => {}
        }
    }
    Some(Run {
        runner: "lerna",
        selection,
        scripts: vec![script?],
        extra: String::new(),
        main: None,
    })
}

/// `nx run p:t`, `nx t p`, `nx run-many -t t [-p p]`, `nx affected -t t`:
/// the target's script in the selected packages. Targets an nx
/// `project.json` defines are read by [`nx_targets`].
fn nx(args: &[Word]) -> Option<Run> {
    let words: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let mut selection = Selection::default();
    let mut targets: Vec<String> = Vec::new();
    let flag_values = |names: &[&str]| -> Vec<String> {
        let mut found = Vec::new();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            i += 1;
            for name in names {
                if word == name {
                    found.extend(words.get(i).map(|v| (*v).to_owned()));
                } else if let Some(v) = word.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                    found.push(v.to_owned());
                }
            }
        }
        found
            .iter()
            .flat_map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    let positional: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !w.starts_with('-'))
        .collect();
    match positional.first().copied() {
        Some("run") => {
            let spec = positional.get(1)?;
            let (project, target) = spec.split_once(':')?;
            selection.selectors.push(project.to_owned());
            // `p:db:reset` may be the target `db:reset`, or `db` with the
            // configuration `reset`: both count.
            targets.push(target.to_owned());
            if let Some((first, _)) = target.split_once(':') {
                targets.push(first.to_owned());
            }
        }
        Some("run-many" | "affected") => {
            targets = flag_values(&["-t", "--target", "--targets"]);
            let projects = flag_values(&["-p", "--projects"]);
            if projects.is_empty() {
                selection.all = true;
            } else {
                selection.selectors = projects;
            }
        }
        Some(
            "add" | "g" | "generate" | "graph" | "list" | "migrate" | "reset" | "report" | "show"
            | "sync" | "init" | "connect" | "daemon" | "format" | "format:check" | "format:write"
            | "release" | "repair" | "watch" | "exec" | "view-logs" | "help",
        )
        | None => return None,
        Some(target) => {
            targets.push(target.to_owned());
            match positional.get(1) {
                Some(project) => selection.selectors.push((*project).to_owned()),
                None => selection.all = true,
            }
        }
    }
    if targets.is_empty() {
        return None;
    }
    Some(Run {
        runner: "nx",
        selection,
        scripts: targets,
        extra: String::new(),
        main: None,
    })
}

/// `npm-run-all a b:*`, `run-s`, `run-p`: package scripts by name or
/// glob; `concurrently "cmd" "npm:x"`: command lines and scripts.
fn script_runners(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    let base = command.program_name().unwrap_or("");
    let (patterns, lines): (Vec<String>, Vec<String>) = match base {
        "npm-run-all" | "run-s" | "run-p" => {
            const VALUES: &[&str] = &["--max-parallel", "--npm-path", "--aggregate-output"];
            let mut patterns = Vec::new();
            let mut args = command.args().iter();
            while let Some(word) = args.next() {
                let text = word.text.as_str();
                if text == "--" {
                    break;
                }
                if VALUES.contains(&text) {
                    args.next();
                } else if !text.starts_with('-') {
                    // `"build:* -- --watch"`: the pattern, then arguments.
                    patterns.extend(text.split_whitespace().next().map(str::to_owned));
                }
            }
            (patterns, Vec::new())
        }
        "concurrently" => {
            const VALUES: &[&str] = &[
                "-n",
                "--names",
                "-c",
                "--prefix-colors",
                "-p",
                "--prefix",
                "-s",
                "--success",
                "--restart-tries",
                "--restart-after",
                "-m",
                "--max-processes",
                "-t",
                "--timestamp-format",
                "-l",
                "--prefix-length",
                "--hide",
                "--default-input-target",
                "--name-separator",
                "--passthrough-arguments",
            ];
            let mut patterns = Vec::new();
            let mut lines = Vec::new();
            let mut args = command.args().iter();
            while let Some(word) = args.next() {
                let text = word.text.as_str();
                if VALUES.contains(&text) {
                    args.next();
                } else if text.starts_with('-') {
                } else if let Some(script) = ["npm:", "yarn:", "pnpm:", "bun:"]
                    .iter()
                    .find_map(|p| text.strip_prefix(p))
                {
                    patterns.extend(script.split_whitespace().next().map(str::to_owned));
                } else {
                    lines.push(text.to_owned());
                }
            }
            (patterns, lines)
        }
        _ => return,
    };
    for line in lines {
        cx.push_text(
            out,
            "the command it runs".to_owned(),
            line.clone(),
            &cx.dirs[0],
            format!("concurrently:{line}"),
            None,
        );
    }
    if patterns.is_empty() {
        return;
    }
    let Some(package) = cx.dirs.iter().find_map(|d| nearest_package(d, cx.root)) else {
        return;
    };
    let Ok(Some(text)) = read(&package.join("package.json")) else {
        return;
    };
    let names: Vec<String> = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|j| {
            j.get("scripts")?
                .as_object()
                .map(|o| o.keys().cloned().collect())
        })
        .unwrap_or_default();
    let mut scripts = Vec::new();
    for pattern in &patterns {
        for name in names.iter().filter(|n| script_matches(pattern, n)) {
            scripts.extend([format!("pre{name}"), name.clone(), format!("post{name}")]);
        }
    }
    let run = Run {
        runner: "npm",
        selection: Selection::default(),
        scripts,
        extra: String::new(),
        main: None,
    };
    package_scripts(cx, &run, &package, out);
}

/// npm-run-all's script globs: `*` within a `:`-separated part, `**`
/// across parts.
fn script_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == name;
    }
    let glob = pattern.replace(':', "/");
    globset::GlobBuilder::new(&glob)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher().is_match(name.replace(':', "/")))
        .unwrap_or(false)
}

/// The nearest folder at or above `dir` with a package.json, not above
/// `root` (when `dir` is inside it).
fn nearest_package(dir: &Path, root: &Path) -> Option<PathBuf> {
    for ancestor in dir.ancestors() {
        if ancestor.join("package.json").is_file() {
            return Some(ancestor.to_path_buf());
        }
        if ancestor == root {
            break;
        }
    }
    None
}

/// The workspace `package` belongs to: the nearest folder at or above it
/// declaring workspaces (package.json `workspaces`, pnpm-workspace.yaml).
fn workspace_root(package: &Path, root: &Path) -> PathBuf {
    for ancestor in package.ancestors() {
        if ancestor.join("pnpm-workspace.yaml").is_file() || !patterns(ancestor).is_empty() {
            return ancestor.to_path_buf();
        }
        if ancestor == root {
            break;
        }
    }
    package.to_path_buf()
}

/// The workspace patterns declared at `dir`.
fn patterns(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(Some(text)) = read(&dir.join("package.json"))
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(&text)
    {
        let list = json
            .get("workspaces")
            .map(|w| w.get("packages").unwrap_or(w));
        if let Some(list) = list.and_then(|l| l.as_array()) {
            out.extend(list.iter().filter_map(|p| p.as_str().map(str::to_owned)));
        }
    }
    if let Ok(Some(text)) = read(&dir.join("pnpm-workspace.yaml")) {
        let mut in_packages = false;
        for line in text.lines() {
            if !line.starts_with(' ') && !line.starts_with('-') {
                in_packages = line.trim_end().starts_with("packages:");
                continue;
            }
            if in_packages && let Some(item) = line.trim().strip_prefix('-') {
                out.push(item.trim().trim_matches(['\'', '"']).to_owned());
            }
        }
    }
    out
}

/// The workspace's packages: (name, folder), sorted by folder.
fn workspace_members(workspace: &Path) -> Vec<(String, PathBuf)> {
    let patterns = patterns(workspace);
    let build = |negated: bool| {
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in &patterns {
            let (is_negated, body) = match pattern.strip_prefix('!') {
                Some(body) => (true, body),
                None => (false, pattern.as_str()),
            };
            if is_negated == negated {
                let body = body.trim_start_matches("./").trim_end_matches('/');
                if let Ok(glob) = globset::Glob::new(body) {
                    builder.add(glob);
                }
            }
        }
        builder.build().ok()
    };
    let (Some(include), Some(exclude)) = (build(false), build(true)) else {
        return Vec::new();
    };
    // No workspaces declared (an nx repository, a folder of packages):
    // every package below counts.
    let every = patterns.is_empty();
    let mut out = Vec::new();
    let mut stack = vec![(workspace.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Symbolic links are not walked: a link to `..` would loop.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if name.starts_with('.') || name == "node_modules" || !is_dir {
                continue;
            }
            let Ok(relative) = path.strip_prefix(workspace) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if (every || (include.is_match(&relative) && !exclude.is_match(&relative)))
                && (path.join("package.json").is_file() || path.join("project.json").is_file())
            {
                out.push((package_name(&path), path.clone()));
            }
            if depth + 1 < MAX_WORKSPACE_DEPTH {
                stack.push((path, depth + 1));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// A package's name (package.json `name`, else nx's project.json `name`,
/// else its folder's name).
fn package_name(dir: &Path) -> String {
    for file in ["package.json", "project.json"] {
        if let Ok(Some(text)) = read(&dir.join(file))
            && let Some(name) = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|j| j.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        {
            return name;
        }
    }
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether the selector (`web`, `@acme/*`, `./apps/web`, `{apps/*}`,
/// `web...`, `...^web`) picks the package `name` at `dir`. A selector
/// that also picks dependencies or dependents (`...`) or changed packages
/// (`[main]`) picks every package: the guard does not read the graph.
fn selects(selector: &str, name: &str, dir: &Path, workspace: &Path, cwd: &Path) -> bool {
    if selector.starts_with('!') {
        return false;
    }
    if selector.contains("...") || selector.contains('[') {
        return true;
    }
    let selector = selector.trim_start_matches('^');
    let selector = selector
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(selector);
    let is_path =
        selector.starts_with('.') || (selector.contains('/') && !selector.starts_with('@'));
    if is_path {
        let matches_from = |base: &Path| {
            let wanted = resolve(base, selector);
            if wanted == dir {
                return true;
            }
            let Ok(relative) = dir.strip_prefix(base) else {
                return false;
            };
            let pattern = selector.trim_start_matches("./").trim_end_matches('/');
            globset::Glob::new(pattern)
                .map(|g| g.compile_matcher().is_match(relative))
                .unwrap_or(false)
        };
        return matches_from(workspace) || matches_from(cwd);
    }
    if selector.contains('*') {
        return globset::Glob::new(selector)
            .map(|g| g.compile_matcher().is_match(name))
            .unwrap_or(false);
    }
    selector == name
}

/// Whether an exclusion (`!api`, or `api` given to `--exclude`) leaves
/// out the package; one that also names dependencies (`!api...`) leaves
/// out nothing, as the guard does not read the graph.
fn excludes(selector: &str, name: &str, dir: &Path, workspace: &Path, cwd: &Path) -> bool {
    let selector = selector.strip_prefix('!').unwrap_or(selector);
    !selector.contains("...")
        && !selector.contains('[')
        && selects(selector, name, dir, workspace, cwd)
}

/// The commands an nx `project.json` gives a target, when the folder has
/// one: `targets.T.command`, `options.command`, `options.commands`.
fn nx_targets(dir: &Path, target: &str) -> Vec<String> {
    let Ok(Some(text)) = read(&dir.join("project.json")) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let Some(target) = json.get("targets").and_then(|t| t.get(target)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |v: &serde_json::Value| {
        if let Some(s) = v.as_str() {
            out.push(s.to_owned());
        } else if let Some(s) = v.get("command").and_then(|c| c.as_str()) {
            out.push(s.to_owned());
        }
    };
    if let Some(c) = target.get("command") {
        push(c);
    }
    if let Some(options) = target.get("options") {
        // `nx:run-script` runs a package.json script.
        if let Some(script) = options.get("script").and_then(|s| s.as_str()) {
            push(&serde_json::Value::String(format!(
                "npm run {}",
                shell::join(&[script.to_owned()])
            )));
        }
        if let Some(c) = options.get("command") {
            push(c);
        }
        if let Some(list) = options.get("commands").and_then(|c| c.as_array()) {
            list.iter().for_each(&mut push);
        }
    }
    out
}

// -------------------------------------------------------------------- sql

/// `psql -f x.sql`, `psql < x.sql`, `prisma db execute --file x.sql`: the
/// same command with the file's SQL given as a here-document (psql's
/// `\i`/`\ir` includes read in), so the rules judge the SQL and the
/// database it goes to as if it were typed.
fn sql_file(cx: &Context, out: &mut Vec<Followed>) {
    let command = cx.command;
    let base = command.program_name().unwrap_or("");
    // A file named inside a container is the container's, not ours.
    if command
        .wrappers
        .iter()
        .any(|w| shell::is_container_wrapper(w))
    {
        return;
    }
    let (files, replacement): (Vec<Range<usize>>, &str) = match base {
        "psql" => {
            let args = drift_syntax::hazard::client_args("psql", command.args());
            let mut ranges: Vec<Range<usize>> = args
                .values("f", "file")
                .into_iter()
                .filter_map(|value| flag_and_value(command, value))
                .collect();
            if let Some(file) = &command.stdin_file {
                let start = cx.text.get(..file.range.start).and_then(|t| t.rfind('<'));
                match start {
                    Some(start) => ranges.push(start..file.range.end),
                    None => return,
                }
            }
            (ranges, "")
        }
        "prisma"
            if command.args().first().is_some_and(|w| w.text == "db")
                && command.args().get(1).is_some_and(|w| w.text == "execute") =>
        {
            let ranges = command
                .args()
                .iter()
                .enumerate()
                .find_map(|(i, w)| {
                    if w.text == "--file" {
                        command
                            .args()
                            .get(i + 1)
                            .map(|v| w.range.start..v.range.end)
                    } else if w.text.starts_with("--file=") {
                        Some(w.range.clone())
                    } else {
                        None
                    }
                })
                .into_iter()
                .collect();
            (ranges, "--stdin")
        }
        _ => return,
    };
    if files.is_empty() || command.stdin.is_some() {
        return;
    }
    let start = command.range.start;
    let Some(original) = cx.text.get(command.range.clone()) else {
        return;
    };
    // The file names, read back from the text (`-f x`, `-fx`,
    // `--file=x`, `< x`).
    let mut sql = String::new();
    let mut names = Vec::new();
    for range in &files {
        let Some(written) = cx.text.get(range.clone()) else {
            return;
        };
        let name = file_of(written);
        if name.is_empty() || name == "-" {
            return;
        }
        if is_dynamic(&name) {
            return;
        }
        let Some(path) = find_file(cx.dirs, &name) else {
            // The rule says the SQL is unseen; that asks already.
            return;
        };
        let text = match read(&path) {
            Ok(Some(text)) => text,
            _ => return,
        };
        sql.push_str(&includes(&text, &path, &cx.dirs[0], 0));
        sql.push('\n');
        names.push(cx.show(&path));
    }
    // The command without its file options, then the SQL as stdin.
    let mut rewritten = String::new();
    let mut at = 0;
    let mut sorted = files.clone();
    sorted.sort_by_key(|r| r.start);
    for range in &sorted {
        let (Some(from), Some(to)) = (range.start.checked_sub(start), range.end.checked_sub(start))
        else {
            return;
        };
        let (Some(before), true) = (original.get(at..from), to <= original.len()) else {
            return;
        };
        rewritten.push_str(before);
        at = to;
    }
    rewritten.push_str(original.get(at..).unwrap_or(""));
    if !replacement.is_empty() {
        rewritten.push(' ');
        rewritten.push_str(replacement);
    }
    let mut delimiter = "DRIFT_SQL".to_owned();
    while sql.lines().any(|l| l == delimiter) {
        delimiter.push('_');
    }
    let text = format!(
        "{} <<'{delimiter}'\n{sql}{delimiter}\n",
        rewritten.trim_end()
    );
    out.push(Followed {
        range: command.range.clone(),
        via: format!("the SQL file `{}`", names.join("`, `")),
        then: Then::Text {
            text,
            cwd: cx.dirs[0].clone(),
            key: format!("sql:{}", names.join(",")),
            origin: None,
            reads_unseen: true,
            inherited: 0,
        },
    });
}

/// The range of `-f x` (both words) or `-fx`/`--file=x` (one) in the text.
fn flag_and_value(command: &Command, value: &Word) -> Option<Range<usize>> {
    let args = command.args();
    let index = args.iter().position(|w| w.range == value.range)?;
    let word = &args[index];
    if word.text != value.text {
        // Glued: `-fx`, `--file=x`.
        return Some(word.range.clone());
    }
    let flag = index.checked_sub(1).and_then(|i| args.get(i))?;
    flag.text
        .starts_with('-')
        .then_some(flag.range.start..word.range.end)
}

/// The file a `-f x`, `-fx`, `--file=x`, `--file x` or `< x` names.
fn file_of(written: &str) -> String {
    let words = shell::words(written.trim_start_matches('<'));
    match words.as_slice() {
        [one] => {
            let text = one.text.as_str();
            if let Some(v) = text.strip_prefix("--") {
                return v
                    .split_once('=')
                    .map(|(_, v)| v.to_owned())
                    .unwrap_or_default();
            }
            if let Some(v) = text.strip_prefix("-f") {
                return v.to_owned();
            }
            text.to_owned()
        }
        [_, value] => value.text.clone(),
        _ => String::new(),
    }
}

/// `text` with psql's `\i`/`\include` (relative to the working directory)
/// and `\ir`/`\include_relative` (to the file's folder) read in.
fn includes(text: &str, path: &Path, cwd: &Path, depth: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let mut parts = trimmed.splitn(2, char::is_whitespace);
        let meta = parts.next().unwrap_or("");
        let arg = parts.next().unwrap_or("").trim().trim_matches('\'');
        let base = match meta {
            "\\i" | "\\include" => Some(cwd.to_path_buf()),
            "\\ir" | "\\include_relative" => path.parent().map(Path::to_path_buf),
            _ => None,
        };
        if let Some(base) = base.filter(|_| depth < 8 && !arg.is_empty() && !is_dynamic(arg)) {
            let included = resolve(&base, arg);
            if let Ok(Some(inner)) = read(&included) {
                out.push_str(&includes(&inner, &included, cwd, depth + 1));
                out.push('\n');
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------ named files

/// Most files the words of one text may name.
const MAX_NAMED: usize = 32;

/// The files [`drift_syntax::files::NAMED_FILES`] stands for, for `text`
/// run from `cwd`: `declared` again from `cwd`, the files the words name,
/// and the schema the Prisma project at `cwd` names (with the `.env`
/// beside it). Repository-relative; only files inside `root`.
pub(super) fn named_files(root: &Path, cwd: &Path, text: &str, declared: &[String]) -> Vec<String> {
    let inside = |path: &Path| -> Option<String> {
        let relative = path.strip_prefix(root).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    };
    let mut out: Vec<String> = Vec::new();
    for path in declared {
        if path.as_str() != drift_syntax::files::NAMED_FILES {
            out.extend(inside(&resolve(cwd, path)));
        }
    }
    let mut named = 0;
    for command in shell::commands(text) {
        let values = command
            .words
            .iter()
            .skip(1)
            .map(|w| w.text.as_str())
            .chain(command.env.iter().map(|(_, v)| v.as_str()))
            .chain(command.env_files.iter().map(|w| w.text.as_str()));
        for word in values {
            let candidate = match word.strip_prefix("--").and_then(|w| w.split_once('=')) {
                Some((_, value)) => value,
                None => word,
            };
            if named >= MAX_NAMED
                || candidate.is_empty()
                || candidate.len() > 1024
                || candidate.starts_with('-')
                || is_dynamic(candidate)
            {
                continue;
            }
            let path = resolve(cwd, candidate);
            if path.is_file()
                && let Some(relative) = inside(&path)
            {
                out.push(relative);
                named += 1;
            }
        }
    }
    // The schema the project at `cwd` names, and the `.env` beside it.
    let mut schemas: Vec<PathBuf> = Vec::new();
    if let Some(package) = nearest_package(cwd, root)
        && let Ok(Some(text)) = read(&package.join("package.json"))
        && let Some(schema) = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|j| j.get("prisma")?.get("schema")?.as_str().map(str::to_owned))
    {
        schemas.push(resolve(&package, &schema));
    }
    for name in drift_syntax::prisma_config::CONFIG_NAMES {
        let path = resolve(cwd, name);
        let (Some(relative), Ok(Some(text))) = (inside(&path), read(&path)) else {
            continue;
        };
        if let Some(schema) = drift_syntax::prisma_config::read(&relative, &text).schema {
            schemas.push(root.join(schema));
        }
    }
    for schema in schemas {
        if schema.is_file() {
            out.extend(inside(&schema));
        }
        if let Some(env) = schema.parent().map(|d| d.join(".env"))
            && env.is_file()
        {
            out.extend(inside(&env));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder with `files`, and what [`follow`] finds for `line` run at
    /// its root: (via, text) or (via, "unreadable: why").
    fn followed(files: &[(&str, &str)], line: &str) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let commands = shell::commands(line);
        follow(dir.path(), dir.path(), line, &commands, 0)
            .into_iter()
            .map(|f| match f.then {
                Then::Text { text, .. } => (f.via, text),
                Then::Unreadable(why) => (f.via, format!("unreadable: {why}")),
            })
            .collect()
    }

    fn texts(files: &[(&str, &str)], line: &str) -> Vec<String> {
        followed(files, line).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn makefile_recipes_with_prerequisites_variables_and_includes() {
        let makefile = "include mk/vars.mk\n\
            ifeq ($(CI),1)\nX = 1\nendif\n\
            .PHONY: all fresh\n\
            all: build\n\
            build:\n\t@go build ./...\n\
            fresh: reset seed\n\
            reset:\n\t-$(PRISMA) migrate reset \\\n\t  --force\n\
            seed: ; $(PRISMA) db seed\n\
            sub:\n\t$(MAKE) -C api migrate\n";
        let files = [
            ("Makefile", makefile),
            ("mk/vars.mk", "PRISMA := npx prisma\n"),
        ];
        assert_eq!(texts(&files, "make"), ["go build ./...\n"]);
        assert_eq!(
            texts(&files, "make -j 4 fresh"),
            ["npx prisma migrate reset --force\nnpx prisma db seed\n"]
        );
        assert_eq!(texts(&files, "make sub"), ["make -C api migrate\n"]);
        assert_eq!(texts(&files, "make no-such-target"), Vec::<String>::new());
        // No Makefile: make stops, unless something before it in the
        // line may write one.
        assert!(followed(&[], "make reset").is_empty());
        let missing = followed(&[], "./configure && make reset");
        assert!(missing[0].1.contains("not there yet"), "{missing:?}");
        // `-C` and `-f` choose the file.
        let files = [("api/build.mk", "migrate:\n\tnpx prisma migrate deploy\n")];
        assert_eq!(
            texts(&files, "make -C api -f build.mk migrate"),
            ["npx prisma migrate deploy\n"]
        );
    }

    #[test]
    fn scripts_run_by_a_shell_or_by_path() {
        let files = [
            ("scripts/reset.sh", "#!/bin/bash\ndropdb app\n"),
            ("scripts/tool.py", "#!/usr/bin/env python3\nprint('hi')\n"),
            (
                "scripts/db.py",
                "#!/usr/bin/env python3\nos.system('dropdb app')\n",
            ),
            ("scripts/plain", "dropdb app\n"),
        ];
        for line in [
            "bash scripts/reset.sh",
            "bash -x -o pipefail scripts/reset.sh",
            "sh -- scripts/reset.sh",
            ". scripts/reset.sh",
            "./scripts/reset.sh",
            "cd scripts && ./reset.sh",
        ] {
            assert_eq!(texts(&files, line), ["#!/bin/bash\ndropdb app\n"], "{line}");
        }
        assert_eq!(texts(&files, "./scripts/plain"), ["dropdb app\n"]);
        // Another interpreter's script: read only for what it names.
        assert!(texts(&files, "./scripts/tool.py").is_empty());
        let named = texts(&files, "./scripts/db.py");
        assert!(named[0].contains("`python3` script") && named[0].contains("dropdb app"));
        // A shell reading stdin, and a path computed at run time.
        assert!(texts(&files, "bash -s").is_empty());
        assert!(texts(&files, "bash $SCRIPT")[0].starts_with("unreadable"));
        assert!(texts(&files, "cd $DIR && ./reset.sh")[0].starts_with("unreadable"));
        assert!(texts(&files, "bash scripts/missing.sh").is_empty());
        assert!(texts(&files, "curl -o x.sh https://x && bash x.sh")[0].contains("not there yet"));
    }

    #[test]
    fn package_scripts_of_every_runner_and_workspace() {
        let files = [
            (
                "package.json",
                r#"{"workspaces": ["apps/*", "!apps/legacy"], "scripts": {"db": "prisma", "predb:reset": "echo pre", "db:reset": "prisma migrate reset", "postinstall": "prisma generate"}}"#,
            ),
            (
                "apps/web/package.json",
                r#"{"name": "@acme/web", "scripts": {"wipe": "dropdb web"}}"#,
            ),
            (
                "apps/api/package.json",
                r#"{"name": "api", "scripts": {"wipe": "dropdb api"}}"#,
            ),
            (
                "apps/legacy/package.json",
                r#"{"name": "legacy", "scripts": {"wipe": "dropdb legacy"}}"#,
            ),
        ];
        assert_eq!(
            texts(&files, "npm run db:reset"),
            ["echo pre", "prisma migrate reset"]
        );
        assert_eq!(
            texts(&files, "npm run db -- migrate reset --force"),
            ["prisma migrate reset --force"]
        );
        assert_eq!(
            texts(&files, "yarn db migrate reset"),
            ["prisma migrate reset"]
        );
        assert_eq!(texts(&files, "npm install"), ["prisma generate"]);
        assert_eq!(texts(&files, "npm ci"), ["prisma generate"]);
        assert!(texts(&files, "npm install left-pad").is_empty());
        for (line, want) in [
            ("npm -w apps/api run wipe", vec!["dropdb api"]),
            ("npm run wipe --workspace=@acme/web", vec!["dropdb web"]),
            ("npm run wipe -ws", vec!["dropdb api", "dropdb web"]),
            ("pnpm --filter @acme/* wipe", vec!["dropdb web"]),
            ("pnpm -F ./apps/api run wipe", vec!["dropdb api"]),
            ("pnpm -r wipe", vec!["dropdb api", "dropdb web"]),
            ("pnpm -C apps/web wipe", vec!["dropdb web"]),
            ("yarn workspace api wipe", vec!["dropdb api"]),
            (
                "yarn workspaces foreach -A run wipe",
                vec!["dropdb api", "dropdb web"],
            ),
            ("yarn --cwd apps/api wipe", vec!["dropdb api"]),
            ("bun run --filter api wipe", vec!["dropdb api"]),
            ("cd apps/api && npm run wipe", vec!["dropdb api"]),
            ("turbo run wipe", vec!["dropdb api", "dropdb web"]),
            ("turbo wipe --filter=api", vec!["dropdb api"]),
            ("turbo run api#wipe", vec!["dropdb api"]),
            ("nx run api:wipe", vec!["dropdb api"]),
            (
                "nx run-many -t wipe -p api,@acme/web",
                vec!["dropdb api", "dropdb web"],
            ),
            ("nx wipe api", vec!["dropdb api"]),
        ] {
            assert_eq!(texts(&files, line), want, "{line}");
        }
        // What runs no script.
        for line in [
            "npm run missing",
            "npm exec prisma",
            "pnpm add zod",
            "echo npm run db:reset",
            "turbo prune web",
            "nx graph",
        ] {
            assert!(texts(&files, line).is_empty(), "{line}");
        }
    }

    #[test]
    fn script_runners_and_interpreters() {
        let files = [
            (
                "package.json",
                r#"{"scripts": {"build": "npm-run-all check-db build:*", "build:app": "next build", "build:db:x": "x", "check-db": "node scripts/check-db.js", "dev": "concurrently -n web,db \"next dev\" npm:db:*", "db:up": "dropdb app"}}"#,
            ),
            (
                "scripts/check-db.js",
                "import { execSync } from 'node:child_process';\nexecSync('prisma migrate deploy');\n",
            ),
            (
                "scripts/print.js",
                "console.log('run prisma migrate deploy yourself');\n",
            ),
        ];
        assert_eq!(
            texts(&files, "npm-run-all check-db build:*"),
            ["node scripts/check-db.js", "next build"]
        );
        assert_eq!(texts(&files, "run-p 'build:**'"), ["next build", "x"]);
        assert_eq!(
            texts(&files, "concurrently -n web,db 'next dev' npm:db:*"),
            ["next dev", "dropdb app"]
        );
        let asked = texts(&files, "node scripts/check-db.js");
        assert!(
            asked[0].contains("line 2 names `prisma migrate deploy`"),
            "{asked:?}"
        );
        // Code that runs nothing only mentions the command.
        assert!(texts(&files, "node scripts/print.js").is_empty());
        assert!(texts(&files, "node -e 'x'").is_empty());
        assert!(texts(&files, "node dist/missing.js").is_empty());
        assert!(texts(&files, "tsc && node dist/missing.js")[0].contains("not there yet"));
    }

    #[test]
    fn make_functions_and_the_default_goal() {
        let files = [(
            "Makefile",
            ".DEFAULT_GOAL := help\nall:\n\tdropdb app\nhelp:\n\t$(info usage)\n\t@echo $(shell git rev-parse HEAD)\n",
        )];
        assert_eq!(texts(&files, "make"), ["\necho $(git rev-parse HEAD)\n"]);
    }

    #[test]
    fn makefile_forms_an_adversary_uses() {
        let makefile = "PRISMA = npx prisma # the CLI\n\
            override P2 = npx prisma\n\
            export DATABASE_URL = postgres://db.prod.internal/app\n\
            define RESET\nnpx prisma migrate reset --force\nendef\n\
            test: ## runs the db tests\n\tvitest\n\
            a:\n\t$(PRISMA) migrate reset --force\n\
            b:\n\t$(P2) migrate reset --force\n\
            c:\n\t$(RESET)\n\
            db-%:\n\tnpx prisma migrate $*\n\
            .RECIPEPREFIX = >\n\
            d:\n> dropdb app\n";
        let files = [("Makefile", makefile)];
        let export = "export DATABASE_URL=postgres://db.prod.internal/app\n";
        let text = |line: &str| texts(&files, line).join("|");
        assert_eq!(text("make test"), format!("{export}vitest\n"));
        for (line, runs) in [
            ("make a", "npx prisma migrate reset --force\n"),
            ("make b", "npx prisma migrate reset --force\n"),
            ("make c", "npx prisma migrate reset --force\n"),
            ("make db-reset", "npx prisma migrate reset\n"),
            ("make -l d", "dropdb app\n"),
        ] {
            assert_eq!(text(line), format!("{export}{runs}"), "{line}");
        }
        // A variable given to make reaches the recipe, and overrides.
        assert_eq!(
            text("make a PRISMA=echo DIRECT_URL=x"),
            format!(
                "{export}export PRISMA=echo\nexport DIRECT_URL=x\necho migrate reset --force\n"
            )
        );
        // An include computed when make runs asks.
        let files = [("Makefile", "include $(shell ls mk)\nall:\n\techo\n")];
        assert!(followed(&files, "make")[0].1.starts_with("unreadable"));
    }

    #[test]
    fn runner_forms_an_adversary_uses() {
        let files = [
            (
                "package.json",
                r#"{"workspaces": ["apps/*"], "scripts": {"test": "dropdb root"}}"#,
            ),
            (
                "apps/web/package.json",
                r#"{"name": "web", "scripts": {"wipe": "dropdb web", "postinstall": "dropdb install"}}"#,
            ),
            (
                "apps/api/package.json",
                r#"{"name": "api", "scripts": {"wipe": "dropdb api"}}"#,
            ),
            (
                "turbo.json",
                r#"{"tasks": {"build": {"dependsOn": ["^wipe"]}}}"#,
            ),
        ];
        for (line, want) in [
            // Quoted selectors in a string with escapes.
            (
                "sh -c \"pnpm --filter \\\"web\\\" wipe\"",
                vec!["dropdb web"],
            ),
            ("pnpm --filter '!api' wipe", vec!["dropdb web"]),
            (
                "yarn workspaces foreach -A --exclude web run wipe",
                vec!["dropdb api"],
            ),
            ("yarn workspaces run wipe", vec!["dropdb api", "dropdb web"]),
            ("pnpm recursive run wipe", vec!["dropdb api", "dropdb web"]),
            ("npm --omit dev run test", vec!["dropdb root"]),
            (
                "pnpm --resume-from web -r wipe",
                vec!["dropdb api", "dropdb web"],
            ),
            ("npm install", vec!["dropdb install"]),
            ("npm it", vec!["dropdb install", "dropdb root"]),
            ("turbo run build", vec!["dropdb api", "dropdb web"]),
            ("lerna run wipe --ignore web", vec!["dropdb api"]),
            // Each `npm test` may run at the root: the subshell undid the cd.
            (
                "(cd apps/web && npm test); npm test",
                vec!["dropdb root", "dropdb root"],
            ),
        ] {
            assert_eq!(texts(&files, line), want, "{line}");
        }
    }

    #[test]
    fn shells_read_startup_files_and_nul_bytes() {
        let files = [
            ("nuke.sh", "#!/bin/bash\ndropdb app\n# \u{0}\n"),
            ("env.sh", "dropdb env\n"),
        ];
        assert_eq!(
            texts(&files, "bash nuke.sh"),
            ["#!/bin/bash\ndropdb app\n# \n"]
        );
        assert_eq!(
            texts(&files, "./nuke.sh"),
            ["#!/bin/bash\ndropdb app\n# \n"]
        );
        assert_eq!(
            texts(&files, "BASH_ENV=env.sh bash -c true"),
            ["export BASH_ENV=env.sh\ndropdb env\n"]
        );
        assert_eq!(texts(&files, "bash --rcfile env.sh -i"), ["dropdb env\n"]);
        // A container's commands stay in the container.
        let files = [(
            "package.json",
            r#"{"scripts": {"deploy": "prisma migrate deploy"}}"#,
        )];
        assert_eq!(
            texts(&files, "kubectl exec -n prod deploy/api -- npm run deploy"),
            ["kubectl exec drift-guard-pod -- sh -c 'prisma migrate deploy'"]
        );
    }

    #[test]
    fn nx_targets_from_project_json() {
        let files = [
            ("package.json", r#"{"name": "root"}"#),
            (
                "apps/api/project.json",
                r#"{"name": "api", "targets": {"reset": {"executor": "nx:run-commands", "options": {"commands": ["prisma migrate reset --force", {"command": "dropdb api"}]}}}}"#,
            ),
        ];
        assert_eq!(
            texts(&files, "nx run api:reset"),
            ["prisma migrate reset --force\ndropdb api"]
        );
    }

    #[test]
    fn sql_files_become_the_command_s_stdin() {
        let files = [
            ("db/drop.sql", "DROP TABLE users;\n\\ir part.sql\n"),
            ("db/part.sql", "TRUNCATE logs;\n"),
        ];
        let text = |line: &str| texts(&files, line).join("|");
        assert_eq!(
            text("psql -h db -f db/drop.sql app"),
            "psql -h db  app <<'DRIFT_SQL'\nDROP TABLE users;\nTRUNCATE logs;\n\n\nDRIFT_SQL\n"
        );
        assert!(
            text("psql --file=db/drop.sql").starts_with("psql <<'DRIFT_SQL'\nDROP TABLE users;")
        );
        assert!(text("psql app < db/drop.sql").starts_with("psql app <<'DRIFT_SQL'\nDROP TABLE"));
        assert!(
            text("npx prisma db execute --file db/drop.sql --schema s.prisma").starts_with(
                "npx prisma db execute  --schema s.prisma --stdin <<'DRIFT_SQL'\nDROP TABLE"
            )
        );
        // Files that are not there, or inside a container, are not read.
        assert_eq!(text("psql -f db/missing.sql"), "");
        assert_eq!(text("docker exec db psql -f db/drop.sql"), "");
        assert_eq!(text("psql -f -"), "");
    }

    #[test]
    fn named_files_are_inside_the_repository() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for (path, text) in [
            ("apps/web/.env", "A=1"),
            (
                "apps/web/package.json",
                r#"{"prisma": {"schema": "db/schema.prisma"}}"#,
            ),
            ("apps/web/db/schema.prisma", "datasource db {}"),
            ("apps/web/db/.env", "B=1"),
            (".env.production", "C=1"),
        ] {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let cwd = root.join("apps/web");
        let declared = [".env".to_owned(), "{named}".to_owned()];
        let named = named_files(
            root,
            &cwd,
            "dotenv -e ../../.env.production -- prisma migrate deploy --schema=db/schema.prisma; cat /etc/passwd ../../../x",
            &declared,
        );
        assert_eq!(
            named,
            [
                ".env.production",
                "apps/web/.env",
                "apps/web/db/.env",
                "apps/web/db/schema.prisma"
            ]
        );
    }
}
