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
//! * A lexer makes one left-to-right pass over the text, producing words
//!   (quotes and escapes removed, byte range in the text kept), operators and
//!   redirections. Here-document bodies are taken from the lines after the
//!   operator's line. `$(...)`, backticks and `<(...)` are skipped with an
//!   iterative bracket matcher (no recursion, so deep nesting cannot overflow
//!   the stack) and remembered for later.
//! * A flat parser walks the tokens: operators end a simple command, keywords
//!   at command position (`if`, `then`, `do`, `{`, `!`, ...) are skipped, `for`
//!   and `case` headers are skipped, leading `NAME=value` words become the
//!   command's environment. Subshells and groups need no nesting: their
//!   commands are simply found in order.
//! * Each simple command is then *peeled*: known wrappers (`env`, `sudo`,
//!   `timeout`, `npx`, `pnpm exec`, `sh -c`, `eval`, ...) are removed and
//!   recorded, by program basename. Strings that a wrapper runs as a command
//!   line (`sh -c STRING`, `eval`, `npx -c`) are parsed recursively.
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

use std::ops::Range;

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

    /// The words' values, for matching (`["prisma", "migrate", "reset"]`).
    pub fn texts(&self) -> Vec<&str> {
        self.words.iter().map(|word| word.text.as_str()).collect()
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
    let mut parser = Parser {
        line,
        out: Vec::new(),
    };
    parser.parse(line, &Map::Offset(0), 0);
    parser.out
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

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Semi,
    CaseSep,
    And,
    Or,
    Amp,
    Pipe,
    Newline,
    LParen,
    RParen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RedirKind {
    In,
    HereDoc { strip_tabs: bool },
    HereString,
    Other,
}

/// A substitution to parse: a slice of the current text, or (backticks with
/// escapes) a rewritten string standing for the given range.
#[derive(Debug, Clone)]
enum Subst {
    Slice(Range<usize>),
    Owned(String, Range<usize>),
}

#[derive(Debug, Clone)]
struct RawWord {
    text: String,
    range: Range<usize>,
    /// Bytes of `text` produced before any quote, escape or expansion.
    plain_len: usize,
    /// Any quoting or escaping was used (keywords must be unquoted).
    quoted: bool,
    substs: Vec<Subst>,
}

#[derive(Debug)]
struct Redir {
    kind: RedirKind,
    range: Range<usize>,
    target: Option<RawWord>,
    body: Option<(String, Range<usize>)>,
    body_substs: Vec<Subst>,
}

#[derive(Debug)]
enum Tok {
    Word(RawWord),
    Op(Op),
    Redir(Redir),
}

fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

fn find_byte(b: &[u8], c: u8, from: usize) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&x| x == c))
        .map_or(b.len(), |p| from + p)
}

/// Index of the closing backtick of a substitution whose content starts at
/// `from` (the length when unterminated).
fn find_backtick(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'`' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Paren,
    Brace,
    DQuote,
    Backtick,
}

/// Index of the byte closing the constructs in `init` (innermost last), for
/// content starting at `start`: the `)` of `$(`, the `}` of `${`. Quotes,
/// nested substitutions and comments are skipped. Iterative, linear. Returns
/// the length when unterminated.
fn find_close(b: &[u8], start: usize, init: &[Ctx]) -> usize {
    let mut stack = init.to_vec();
    let mut i = start;
    while let Some(&c) = b.get(i) {
        let Some(&top) = stack.last() else {
            break;
        };
        match top {
            Ctx::DQuote => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'`' => stack.push(Ctx::Backtick),
                b'$' => match b.get(i + 1) {
                    Some(b'(') => {
                        stack.push(Ctx::Paren);
                        i += 1;
                    }
                    Some(b'{') => {
                        stack.push(Ctx::Brace);
                        i += 1;
                    }
                    _ => {}
                },
                _ => {}
            },
            Ctx::Backtick => match c {
                b'\\' => i += 1,
                b'`' => {
                    stack.pop();
                }
                _ => {}
            },
            Ctx::Paren | Ctx::Brace => match c {
                b'\\' => i += 1,
                b'\'' => i = find_byte(b, b'\'', i + 1),
                b'"' => stack.push(Ctx::DQuote),
                b'`' => stack.push(Ctx::Backtick),
                b'$' => match b.get(i + 1) {
                    Some(b'(') => {
                        stack.push(Ctx::Paren);
                        i += 1;
                    }
                    Some(b'{') => {
                        stack.push(Ctx::Brace);
                        i += 1;
                    }
                    Some(b'\'') => {
                        let mut j = i + 2;
                        while let Some(&d) = b.get(j) {
                            match d {
                                b'\\' => j += 2,
                                b'\'' => break,
                                _ => j += 1,
                            }
                        }
                        i = j;
                    }
                    _ => {}
                },
                b'(' if top == Ctx::Paren => stack.push(Ctx::Paren),
                b')' | b'}'
                    if (c == b')' && top == Ctx::Paren) || (c == b'}' && top == Ctx::Brace) =>
                {
                    stack.pop();
                    if stack.is_empty() {
                        return i;
                    }
                }
                b'#' if top == Ctx::Paren
                    && (i == start
                        || b.get(i.wrapping_sub(1)).is_some_and(|&p| {
                            matches!(p, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(')
                        })) =>
                {
                    i = find_byte(b, b'\n', i);
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    b.len()
}

/// The substitution for a backtick command whose content is `from..end` and
/// whose literal (backticks included) is `start..literal_end`.
fn backtick_subst(src: &str, start: usize, from: usize, end: usize, literal_end: usize) -> Subst {
    let content = src.get(from..end).unwrap_or("");
    if !content.contains('\\') {
        return Subst::Slice(from..end);
    }
    let mut text = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next @ ('\\' | '`' | '$')) = chars.peek()
        {
            text.push(next);
            chars.next();
            continue;
        }
        text.push(c);
    }
    Subst::Owned(text, start..literal_end)
}

/// Substitutions in an expanding here-document body.
fn scan_substs(src: &str, range: Range<usize>) -> Vec<Subst> {
    let b = src.as_bytes();
    let mut substs = Vec::new();
    let mut i = range.start;
    while i < range.end {
        match b.get(i) {
            Some(b'\\') => i += 2,
            Some(b'$') if b.get(i + 1) == Some(&b'(') => {
                if b.get(i + 2) == Some(&b'(') {
                    i = find_close(b, i + 3, &[Ctx::Paren, Ctx::Paren]) + 1;
                } else {
                    let close = find_close(b, i + 2, &[Ctx::Paren]).min(range.end);
                    substs.push(Subst::Slice(i + 2..close));
                    i = close + 1;
                }
            }
            Some(b'`') => {
                let end = find_backtick(b, i + 1).min(range.end);
                substs.push(backtick_subst(src, i, i + 1, end, (end + 1).min(range.end)));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    substs
}

struct Lexer<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    toks: Vec<Tok>,
    /// Token indices of here-documents whose body starts after the next
    /// newline.
    pending: Vec<usize>,
}

impl<'s> Lexer<'s> {
    fn new(src: &'s str) -> Self {
        Self {
            src,
            b: src.as_bytes(),
            pos: 0,
            toks: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'s [u8] {
        let b: &'s [u8] = self.b;
        b.get(from..to.min(b.len())).unwrap_or(&[])
    }

    fn op(&mut self, op: Op, start: usize, len: usize) {
        self.pos = start + len;
        self.toks.push(Tok::Op(op));
    }

    fn run(mut self) -> Vec<Tok> {
        while let Some(c) = self.at(self.pos) {
            let start = self.pos;
            let next = self.at(start + 1);
            match c {
                b' ' | b'\t' => self.pos += 1,
                b'\\' if next == Some(b'\n') => self.pos += 2,
                b'\n' => {
                    self.op(Op::Newline, start, 1);
                    self.heredocs();
                }
                b'#' => self.pos = find_byte(self.b, b'\n', start),
                b';' => match (next, self.at(start + 2)) {
                    (Some(b';'), Some(b'&')) => self.op(Op::CaseSep, start, 3),
                    (Some(b';' | b'&'), _) => self.op(Op::CaseSep, start, 2),
                    _ => self.op(Op::Semi, start, 1),
                },
                b'&' => match next {
                    Some(b'&') => self.op(Op::And, start, 2),
                    Some(b'>') => {
                        self.pos += 1;
                        self.redir(start);
                    }
                    _ => self.op(Op::Amp, start, 1),
                },
                b'|' => match next {
                    Some(b'|') => self.op(Op::Or, start, 2),
                    Some(b'&') => self.op(Op::Pipe, start, 2),
                    _ => self.op(Op::Pipe, start, 1),
                },
                b'(' => self.op(Op::LParen, start, 1),
                b')' => self.op(Op::RParen, start, 1),
                b'<' | b'>' if next != Some(b'(') => self.redir(start),
                b'0'..=b'9' => {
                    let mut j = start;
                    while self.at(j).is_some_and(|d| d.is_ascii_digit()) {
                        j += 1;
                    }
                    if matches!(self.at(j), Some(b'<' | b'>')) && self.at(j + 1) != Some(b'(') {
                        self.pos = j;
                        self.redir(start);
                    } else {
                        let word = self.word();
                        self.toks.push(Tok::Word(word));
                    }
                }
                _ => {
                    let word = self.word();
                    self.toks.push(Tok::Word(word));
                }
            }
        }
        self.toks
    }

    /// A redirection; `self.pos` is at its `<` or `>`, `start` at its first
    /// byte (fd digits or `&`).
    fn redir(&mut self, start: usize) {
        let p = self.pos;
        let (kind, len) = match (self.at(p), self.at(p + 1), self.at(p + 2)) {
            (Some(b'<'), Some(b'<'), Some(b'<')) => (RedirKind::HereString, 3),
            (Some(b'<'), Some(b'<'), Some(b'-')) => (RedirKind::HereDoc { strip_tabs: true }, 3),
            (Some(b'<'), Some(b'<'), _) => (RedirKind::HereDoc { strip_tabs: false }, 2),
            (Some(b'<'), Some(b'>' | b'&'), _) => (RedirKind::Other, 2),
            (Some(b'<'), _, _) => (RedirKind::In, 1),
            (Some(b'>'), Some(b'>' | b'|' | b'&'), _) => (RedirKind::Other, 2),
            _ => (RedirKind::Other, 1),
        };
        self.pos = p + len;
        while matches!(self.at(self.pos), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        let target = match self.at(self.pos) {
            Some(c)
                if !is_meta(c)
                    || (matches!(c, b'<' | b'>') && self.at(self.pos + 1) == Some(b'(')) =>
            {
                Some(self.word())
            }
            _ => None,
        };
        let end = target.as_ref().map_or(self.pos, |t| t.range.end);
        if matches!(kind, RedirKind::HereDoc { .. }) {
            self.pending.push(self.toks.len());
        }
        self.toks.push(Tok::Redir(Redir {
            kind,
            range: start..end,
            target,
            body: None,
            body_substs: Vec::new(),
        }));
    }

    /// Reads the bodies of pending here-documents; `self.pos` is at the
    /// start of the line after the operator.
    fn heredocs(&mut self) {
        for index in std::mem::take(&mut self.pending) {
            let Some(Tok::Redir(redir)) = self.toks.get(index) else {
                continue;
            };
            let strip = redir.kind == RedirKind::HereDoc { strip_tabs: true };
            let Some(target) = &redir.target else {
                continue;
            };
            let delim = target.text.clone();
            let expand = !target.quoted;
            let body_start = self.pos;
            let mut body_end = None;
            let mut text = String::new();
            while self.pos < self.b.len() {
                let line_end = find_byte(self.b, b'\n', self.pos);
                let line = self.src.get(self.pos..line_end).unwrap_or("");
                let next = (line_end + 1).min(self.b.len());
                let content = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if content == delim || content.strip_suffix('\r') == Some(delim.as_str()) {
                    body_end = Some(self.pos);
                    self.pos = next;
                    break;
                }
                text.push_str(content);
                if line_end < self.b.len() {
                    text.push('\n');
                }
                self.pos = next;
            }
            let body_end = body_end.unwrap_or(self.pos);
            let substs = if expand {
                scan_substs(self.src, body_start..body_end)
            } else {
                Vec::new()
            };
            if let Some(Tok::Redir(redir)) = self.toks.get_mut(index) {
                redir.body = Some((text, body_start..body_end));
                redir.body_substs = substs;
            }
        }
    }

    /// One word starting at `self.pos`.
    fn word(&mut self) -> RawWord {
        let start = self.pos;
        let mut buf = Vec::new();
        let mut substs = Vec::new();
        let mut plain = true;
        let mut plain_len = 0;
        let mut quoted = false;
        while let Some(c) = self.at(self.pos) {
            match c {
                b'<' | b'>' if self.at(self.pos + 1) == Some(b'(') => {
                    plain = false;
                    self.subst_paren(2, &mut buf, &mut substs);
                }
                _ if is_meta(c) => break,
                b'\'' => {
                    plain = false;
                    quoted = true;
                    let from = self.pos + 1;
                    let end = find_byte(self.b, b'\'', from);
                    buf.extend_from_slice(self.slice(from, end));
                    self.pos = (end + 1).min(self.b.len());
                }
                b'"' => {
                    plain = false;
                    quoted = true;
                    self.pos += 1;
                    self.dquote(&mut buf, &mut substs);
                }
                b'\\' => match self.at(self.pos + 1) {
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        plain = false;
                        quoted = true;
                        let from = self.pos + 1;
                        let len = self
                            .src
                            .get(from..)
                            .and_then(|rest| rest.chars().next())
                            .map_or(1, char::len_utf8);
                        buf.extend_from_slice(self.slice(from, from + len));
                        self.pos = from + len;
                    }
                    None => {
                        buf.push(b'\\');
                        self.pos += 1;
                    }
                },
                b'$' => {
                    plain = false;
                    match self.at(self.pos + 1) {
                        Some(b'\'') => {
                            quoted = true;
                            self.ansi(&mut buf);
                        }
                        Some(b'"') => {
                            quoted = true;
                            self.pos += 2;
                            self.dquote(&mut buf, &mut substs);
                        }
                        _ => self.dollar(&mut buf, &mut substs),
                    }
                }
                b'`' => {
                    plain = false;
                    self.backtick(&mut buf, &mut substs);
                }
                _ => {
                    buf.push(c);
                    self.pos += 1;
                }
            }
            if plain {
                plain_len = buf.len();
            }
        }
        RawWord {
            text: String::from_utf8_lossy(&buf).into_owned(),
            range: start..self.pos,
            plain_len,
            quoted,
            substs,
        }
    }

    /// The inside of a double-quoted string; `self.pos` is after the `"`.
    fn dquote(&mut self, buf: &mut Vec<u8>, substs: &mut Vec<Subst>) {
        while let Some(c) = self.at(self.pos) {
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => match self.at(self.pos + 1) {
                    Some(next @ (b'$' | b'`' | b'"' | b'\\')) => {
                        buf.push(next);
                        self.pos += 2;
                    }
                    Some(b'\n') => self.pos += 2,
                    _ => {
                        buf.push(b'\\');
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(buf, substs),
                b'`' => self.backtick(buf, substs),
                _ => {
                    buf.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// `$(...)`, `$((...))`, `${...}` or a lone `$`; `self.pos` is at `$`.
    fn dollar(&mut self, buf: &mut Vec<u8>, substs: &mut Vec<Subst>) {
        let start = self.pos;
        match (self.at(start + 1), self.at(start + 2)) {
            // `$((...))` is arithmetic only when it ends with `))`; bash reads
            // `$((cmd) )` as a command substitution of a subshell.
            (Some(b'('), Some(b'('))
                if {
                    let close = find_close(self.b, start + 3, &[Ctx::Paren, Ctx::Paren]);
                    close >= self.b.len() || self.at(close.wrapping_sub(1)) == Some(b')')
                } =>
            {
                let close = find_close(self.b, start + 3, &[Ctx::Paren, Ctx::Paren]);
                self.literal(start, close, buf);
            }
            (Some(b'('), _) => self.subst_paren(2, buf, substs),
            (Some(b'{'), _) => {
                let close = find_close(self.b, start + 2, &[Ctx::Brace]);
                self.literal(start, close, buf);
            }
            _ => {
                buf.push(b'$');
                self.pos += 1;
            }
        }
    }

    /// Appends `start..=close` literally and moves past it.
    fn literal(&mut self, start: usize, close: usize, buf: &mut Vec<u8>) {
        let end = close.saturating_add(1).min(self.b.len());
        buf.extend_from_slice(self.slice(start, end));
        self.pos = end;
    }

    /// `$(...)`, `<(...)` or `>(...)` with an opener of `open_len` bytes at
    /// `self.pos`.
    fn subst_paren(&mut self, open_len: usize, buf: &mut Vec<u8>, substs: &mut Vec<Subst>) {
        let start = self.pos;
        let inner = (start + open_len).min(self.b.len());
        let close = find_close(self.b, inner, &[Ctx::Paren]);
        substs.push(Subst::Slice(inner..close));
        self.literal(start, close, buf);
    }

    /// A backtick substitution; `self.pos` is at the opening backtick.
    fn backtick(&mut self, buf: &mut Vec<u8>, substs: &mut Vec<Subst>) {
        let start = self.pos;
        let from = start + 1;
        let end = find_backtick(self.b, from).min(self.b.len());
        let literal_end = (end + 1).min(self.b.len());
        substs.push(backtick_subst(
            self.src,
            start,
            from.min(end),
            end,
            literal_end,
        ));
        self.literal(start, end, buf);
    }

    /// A `$'...'` ANSI-C string; `self.pos` is at `$`.
    fn ansi(&mut self, buf: &mut Vec<u8>) {
        self.pos += 2;
        while let Some(c) = self.at(self.pos) {
            if c == b'\'' {
                self.pos += 1;
                return;
            }
            if c != b'\\' {
                buf.push(c);
                self.pos += 1;
                continue;
            }
            let Some(e) = self.at(self.pos + 1) else {
                buf.push(b'\\');
                self.pos += 1;
                return;
            };
            self.pos += 2;
            match e {
                b'n' => buf.push(b'\n'),
                b't' => buf.push(b'\t'),
                b'r' => buf.push(b'\r'),
                b'a' => buf.push(0x07),
                b'b' => buf.push(0x08),
                b'e' | b'E' => buf.push(0x1b),
                b'f' => buf.push(0x0c),
                b'v' => buf.push(0x0b),
                b'\\' | b'\'' | b'"' | b'?' => buf.push(e),
                b'x' | b'u' | b'U' => {
                    let max = match e {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    let (value, len) = self.digits(16, max);
                    if len == 0 {
                        buf.push(b'\\');
                        buf.push(e);
                    } else if e == b'x' {
                        buf.push((value & 0xff) as u8);
                    } else {
                        let ch = char::from_u32(value).unwrap_or('\u{fffd}');
                        let mut tmp = [0u8; 4];
                        buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                    }
                }
                b'c' => {
                    if let Some(x) = self.at(self.pos) {
                        buf.push(x & 0x1f);
                        self.pos += 1;
                    }
                }
                b'0'..=b'7' => {
                    let max = if e == b'0' { 3 } else { 2 };
                    let (rest, len) = self.digits(8, max);
                    let value = (u32::from(e - b'0') << (3 * len)) | rest;
                    buf.push((value & 0xff) as u8);
                }
                _ => {
                    buf.push(b'\\');
                    buf.push(e);
                }
            }
        }
    }

    /// Up to `max` digits in `radix` at `self.pos`: their value and count.
    fn digits(&mut self, radix: u32, max: usize) -> (u32, usize) {
        let mut value = 0u32;
        let mut len = 0;
        while len < max {
            let Some(d) = self
                .at(self.pos)
                .and_then(|c| char::from(c).to_digit(radix))
            else {
                break;
            };
            value = value.wrapping_mul(radix).wrapping_add(d);
            len += 1;
            self.pos += 1;
        }
        (value, len)
    }
}

/// The words of `src` (operators, redirections and comments dropped), their
/// ranges mapped through `map`.
fn lex_words(src: &str, map: &Map) -> Vec<Word> {
    Lexer::new(src)
        .run()
        .into_iter()
        .filter_map(|tok| match tok {
            Tok::Word(word) => Some(Word {
                range: map.apply(&word.range),
                text: word.text,
            }),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// How ranges in a (nested) text map to ranges in the original line.
#[derive(Debug, Clone)]
enum Map {
    /// The text is the line's bytes from this offset on.
    Offset(usize),
    /// The text was rewritten; every range maps to this one.
    Fixed(Range<usize>),
}

impl Map {
    fn apply(&self, range: &Range<usize>) -> Range<usize> {
        match self {
            Map::Offset(base) => base + range.start..base + range.end,
            Map::Fixed(fixed) => fixed.clone(),
        }
    }

    fn sub(&self, offset: usize) -> Map {
        match self {
            Map::Offset(base) => Map::Offset(base + offset),
            Map::Fixed(fixed) => Map::Fixed(fixed.clone()),
        }
    }
}

/// The map for parsing `word`'s value as a command line: exact when the
/// value appears verbatim in the line (unquoted, or in quotes without
/// escapes).
fn nested_map(line: &str, word: &Word) -> Map {
    let start = word.range.start;
    let Some(raw) = line.get(word.range.clone()) else {
        return Map::Fixed(word.range.clone());
    };
    if raw == word.text {
        return Map::Offset(start);
    }
    for (open, close) in [("'", "'"), ("\"", "\""), ("$'", "'")] {
        if raw.len() == open.len() + word.text.len() + close.len()
            && raw.starts_with(open)
            && raw.ends_with(close)
            && raw.get(open.len()..raw.len() - close.len()) == Some(word.text.as_str())
        {
            return Map::Offset(start + open.len());
        }
    }
    Map::Fixed(word.range.clone())
}

const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "fi", "do", "done", "while", "until", "for", "select", "case",
    "esac", "in", "function", "coproc", "{", "}", "!", "[[", "]]",
];

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// `NAME=value` (or `NAME+=value`) split into name and value.
fn split_assignment(text: &str) -> Option<(&str, &str)> {
    let eq = text.find('=')?;
    let name = text.get(..eq)?;
    let name = name.strip_suffix('+').unwrap_or(name);
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some((name, text.get(eq + 1..)?))
}

fn is_shell_assignment(word: &RawWord) -> bool {
    split_assignment(&word.text).is_some()
        && word.text.find('=').is_some_and(|eq| eq < word.plain_len)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Skipping a `for`/`select` header up to its separator.
    ForHeader {
        parens: usize,
    },
    /// Skipping `case WORD` up to `in`.
    CaseHeader,
    /// Skipping a case pattern up to `)`.
    Pattern,
    /// Skipping the name after `function`.
    FunctionName,
}

#[derive(Debug, Default)]
struct Simple {
    words: Vec<RawWord>,
    env: Vec<RawWord>,
    redirs: Vec<Redir>,
    substs: Vec<Subst>,
    range: Option<Range<usize>>,
}

impl Simple {
    fn extend(&mut self, range: &Range<usize>) {
        self.range = Some(match &self.range {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range.clone(),
        });
    }
}

/// A simple command on its way to the output.
#[derive(Debug)]
struct Pending {
    words: Vec<Word>,
    env: Vec<(String, String)>,
    range: Range<usize>,
    stdin: Option<Word>,
    stdin_file: Option<Word>,
    piped_from: Option<usize>,
}

struct Parser<'l> {
    line: &'l str,
    out: Vec<Command>,
}

impl Parser<'_> {
    /// Parses `src` (whose ranges map to the line through `map`), appending
    /// its commands. Returns the index of the last command of this level.
    fn parse(&mut self, src: &str, map: &Map, depth: usize) -> Option<usize> {
        let toks = Lexer::new(src).run();
        // `name ( )` at command position is a function definition.
        let fn_def: Vec<bool> = (0..toks.len())
            .map(|i| {
                matches!(toks.get(i), Some(Tok::Word(_)))
                    && matches!(toks.get(i + 1), Some(Tok::Op(Op::LParen)))
                    && matches!(toks.get(i + 2), Some(Tok::Op(Op::RParen)))
            })
            .collect();
        let mut cur = Simple::default();
        let mut mode = Mode::Normal;
        let mut case_depth = 0usize;
        let mut skip_ops = 0usize;
        let mut last: Option<usize> = None;
        let mut last_any: Option<usize> = None;
        let mut pipe: Option<usize> = None;
        for (index, tok) in toks.into_iter().enumerate() {
            if skip_ops > 0 {
                if matches!(tok, Tok::Op(..)) {
                    skip_ops -= 1;
                    continue;
                }
                skip_ops = 0;
            }
            match mode {
                Mode::Normal => {}
                Mode::ForHeader { parens } => {
                    match tok {
                        Tok::Word(mut word) => cur.substs.append(&mut word.substs),
                        Tok::Redir(_) => {}
                        Tok::Op(Op::LParen) => mode = Mode::ForHeader { parens: parens + 1 },
                        Tok::Op(Op::RParen) => {
                            mode = Mode::ForHeader {
                                parens: parens.saturating_sub(1),
                            }
                        }
                        Tok::Op(..) if parens > 0 => {}
                        Tok::Op(..) => {
                            mode = Mode::Normal;
                            self.finish(&mut cur, src, map, depth, &mut pipe);
                        }
                    }
                    continue;
                }
                Mode::CaseHeader => {
                    if let Tok::Word(mut word) = tok {
                        if !word.quoted && word.text == "in" {
                            mode = Mode::Pattern;
                            case_depth += 1;
                            self.finish(&mut cur, src, map, depth, &mut pipe);
                        } else {
                            cur.substs.append(&mut word.substs);
                        }
                    }
                    continue;
                }
                Mode::Pattern => {
                    match tok {
                        Tok::Word(word) if !word.quoted && word.text == "esac" => {
                            case_depth = case_depth.saturating_sub(1);
                            mode = Mode::Normal;
                        }
                        Tok::Op(Op::RParen) => mode = Mode::Normal,
                        _ => {}
                    }
                    continue;
                }
                Mode::FunctionName => {
                    if matches!(tok, Tok::Word(_)) {
                        mode = Mode::Normal;
                        skip_ops = 2;
                        continue;
                    }
                    mode = Mode::Normal;
                }
            }
            match tok {
                Tok::Word(mut word) => {
                    if cur.words.is_empty() && cur.env.is_empty() {
                        if !word.quoted {
                            match word.text.as_str() {
                                "for" | "select" => {
                                    mode = Mode::ForHeader { parens: 0 };
                                    continue;
                                }
                                "case" => {
                                    mode = Mode::CaseHeader;
                                    continue;
                                }
                                "function" => {
                                    mode = Mode::FunctionName;
                                    continue;
                                }
                                "esac" => {
                                    case_depth = case_depth.saturating_sub(1);
                                    continue;
                                }
                                "if" | "then" | "elif" | "else" | "fi" | "do" | "done"
                                | "while" | "until" | "{" | "}" | "!" | "coproc" => continue,
                                _ => {}
                            }
                        }
                        if fn_def.get(index).copied().unwrap_or(false) {
                            skip_ops = 2;
                            continue;
                        }
                    }
                    cur.extend(&word.range);
                    cur.substs.append(&mut word.substs);
                    if cur.words.is_empty() && is_shell_assignment(&word) {
                        cur.env.push(word);
                    } else {
                        cur.words.push(word);
                    }
                }
                Tok::Redir(mut redir) => {
                    cur.extend(&redir.range);
                    if let Some(target) = &mut redir.target {
                        cur.substs.append(&mut target.substs);
                    }
                    cur.substs.append(&mut redir.body_substs);
                    cur.redirs.push(redir);
                }
                Tok::Op(op) => {
                    let emitted = self.finish(&mut cur, src, map, depth, &mut pipe);
                    if emitted.is_some() {
                        last = emitted;
                        last_any = emitted;
                    }
                    match op {
                        Op::Pipe => pipe = last,
                        Op::LParen | Op::RParen => {}
                        Op::CaseSep => {
                            last = None;
                            pipe = None;
                            if case_depth > 0 {
                                mode = Mode::Pattern;
                            }
                        }
                        Op::Semi | Op::And | Op::Or | Op::Amp | Op::Newline => {
                            last = None;
                            pipe = None;
                        }
                    }
                }
            }
        }
        let emitted = self.finish(&mut cur, src, map, depth, &mut pipe);
        emitted.or(last_any)
    }

    /// Emits the simple command collected in `cur` (after the commands of
    /// its substitutions) and resets `cur`.
    fn finish(
        &mut self,
        cur: &mut Simple,
        src: &str,
        map: &Map,
        depth: usize,
        pipe: &mut Option<usize>,
    ) -> Option<usize> {
        let cur = std::mem::take(cur);
        if depth < MAX_DEPTH {
            for subst in &cur.substs {
                match subst {
                    Subst::Slice(range) => {
                        if let Some(text) = src.get(range.clone()) {
                            self.parse(text, &map.sub(range.start), depth + 1);
                        }
                    }
                    Subst::Owned(text, range) => {
                        self.parse(text, &Map::Fixed(map.apply(range)), depth + 1);
                    }
                }
            }
        }
        if cur.words.is_empty() {
            return None;
        }
        let word = |raw: RawWord| Word {
            range: map.apply(&raw.range),
            text: raw.text,
        };
        let env = cur
            .env
            .iter()
            .filter_map(|raw| split_assignment(&raw.text))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let mut stdin = None;
        let mut stdin_file = None;
        for redir in cur.redirs {
            match redir.kind {
                RedirKind::In => stdin_file = redir.target.map(word),
                RedirKind::HereString => stdin = redir.target.map(word),
                RedirKind::HereDoc { .. } => {
                    if let Some((text, range)) = redir.body {
                        stdin = Some(Word {
                            text,
                            range: map.apply(&range),
                        });
                    }
                }
                RedirKind::Other => {}
            }
        }
        let pending = Pending {
            words: cur.words.into_iter().map(word).collect(),
            env,
            range: map.apply(&cur.range.unwrap_or(0..0)),
            stdin,
            stdin_file,
            piped_from: pipe.take(),
        };
        self.emit(pending, depth)
    }

    /// Peels wrappers off `pending` and appends the resulting command(s).
    fn emit(&mut self, pending: Pending, depth: usize) -> Option<usize> {
        let Pending {
            mut words,
            mut env,
            range,
            stdin,
            stdin_file,
            piped_from,
        } = pending;
        let mut wrappers: Vec<String> = Vec::new();
        let mut start = 0usize;
        let mut budget = depth;
        loop {
            let rest = words.get(start..).unwrap_or(&[]);
            if rest.is_empty() {
                break;
            }
            match peel(rest, self.line) {
                Peel::No => break,
                Peel::Skip {
                    n,
                    name,
                    env: assigned,
                    strip_version: strip,
                } => {
                    if n == 0 || n >= rest.len() {
                        break;
                    }
                    wrappers.push(name.to_owned());
                    env.extend(assigned);
                    start += n;
                    if strip && let Some(word) = words.get_mut(start) {
                        word.text = strip_version(&word.text).to_owned();
                    }
                }
                Peel::Split {
                    n,
                    name,
                    words: split,
                    env: assigned,
                } => {
                    if budget >= MAX_DEPTH || n > rest.len() {
                        break;
                    }
                    budget += 1;
                    wrappers.push(name.to_owned());
                    env.extend(assigned);
                    let tail = words.split_off((start + n).min(words.len()));
                    words = split;
                    words.extend(tail);
                    start = 0;
                    while let Some((name, value)) =
                        words.get(start).and_then(|w| split_assignment(&w.text))
                    {
                        env.push((name.to_owned(), value.to_owned()));
                        start += 1;
                    }
                }
                Peel::Nested {
                    name,
                    text,
                    map,
                    env: assigned,
                } => {
                    if budget >= MAX_DEPTH {
                        break;
                    }
                    wrappers.push(name);
                    env.extend(assigned);
                    let first = self.out.len();
                    let last = self.parse(&text, &map, budget + 1);
                    for command in self.out.iter_mut().skip(first) {
                        let mut all_env = env.clone();
                        all_env.append(&mut command.env);
                        command.env = all_env;
                        let mut all_wrappers = wrappers.clone();
                        all_wrappers.append(&mut command.wrappers);
                        command.wrappers = all_wrappers;
                        if command.stdin.is_none() && command.stdin_file.is_none() {
                            command.stdin.clone_from(&stdin);
                            command.stdin_file.clone_from(&stdin_file);
                        }
                        if command.piped_from.is_none() {
                            command.piped_from = piped_from;
                        }
                    }
                    return last;
                }
            }
        }
        let words = words.split_off(start.min(words.len()));
        if words.is_empty() {
            return None;
        }
        self.out.push(Command {
            env,
            words,
            wrappers,
            range,
            stdin,
            piped_from,
            stdin_file,
        });
        Some(self.out.len() - 1)
    }
}

// ---------------------------------------------------------------------------
// Wrappers
// ---------------------------------------------------------------------------

/// What to do with the first word of a command.
#[derive(Debug)]
enum Peel {
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
fn strip_version(package: &str) -> &str {
    let from = usize::from(package.starts_with('@'));
    match package.get(from..).and_then(|rest| rest.find('@')) {
        Some(at) if at + from > 0 => package.get(..at + from).unwrap_or(package),
        _ => package,
    }
}

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh",
];

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

/// Recognises the wrapper `words[0]` (by basename) and says how to peel it.
fn peel(words: &[Word], line: &str) -> Peel {
    let Some(first) = words.first() else {
        return Peel::No;
    };
    let program = basename(&first.text);
    let rest_from = |n: usize| words.get(n..).unwrap_or(&[]);
    match program {
        "env" => peel_env(words, line),
        "sudo" => {
            let o = opts(
                words,
                1,
                "CDgpRrtTUu",
                "",
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
                false,
            );
            if o.has(&[
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
            ]) {
                return Peel::No;
            }
            skip_env("sudo", words, o.next, Vec::new())
        }
        "doas" => {
            let o = opts(words, 1, "uC", "", &[], false);
            if o.has(&["-L"]) {
                return Peel::No;
            }
            skip("doas", o.next)
        }
        "nohup" => skip("nohup", opts(words, 1, "", "", &[], false).next),
        "time" => skip(
            "time",
            opts(words, 1, "fo", "", &["--format", "--output"], false).next,
        ),
        "nice" => skip(
            "nice",
            opts(words, 1, "n", "", &["--adjustment"], false).next,
        ),
        "ionice" => {
            let o = opts(
                words,
                1,
                "cnpPu",
                "",
                &["--class", "--classdata", "--pid", "--pgid", "--uid"],
                false,
            );
            if o.has(&["-p", "-P", "-u", "--pid", "--pgid", "--uid"]) {
                return Peel::No;
            }
            skip("ionice", o.next)
        }
        "timeout" => skip(
            "timeout",
            opts(words, 1, "sk", "", &["--signal", "--kill-after"], false).next + 1,
        ),
        "command" => {
            let o = opts(words, 1, "", "", &[], false);
            if o.has(&["-v", "-V"]) {
                return Peel::No;
            }
            skip("command", o.next)
        }
        "exec" => skip("exec", opts(words, 1, "a", "", &[], false).next),
        "builtin" => skip("builtin", 1),
        "stdbuf" => skip(
            "stdbuf",
            opts(
                words,
                1,
                "ioe",
                "",
                &["--input", "--output", "--error"],
                false,
            )
            .next,
        ),
        "xargs" => skip(
            "xargs",
            opts(
                words,
                1,
                "adEILnPs",
                "eil",
                &[
                    "--arg-file",
                    "--delimiter",
                    "--max-args",
                    "--max-procs",
                    "--max-chars",
                    "--process-slot-var",
                ],
                false,
            )
            .next,
        ),
        "watch" => {
            let o = opts(words, 1, "nq", "d", &["--interval", "--equexit"], false);
            if o.has(&["-x", "--exec"]) {
                skip("watch", o.next)
            } else {
                nested_join("watch", rest_from(o.next), line)
            }
        }
        "eval" => {
            let from = if words.get(1).is_some_and(|w| w.text == "--") {
                2
            } else {
                1
            };
            nested_join("eval", rest_from(from), line)
        }
        "fish" => {
            let o = opts(words, 1, "cC", "", &["--command", "--init-command"], false);
            match o.value(&["-c", "--command"]) {
                Some(value) => Peel::Nested {
                    name: "fish -c".to_owned(),
                    text: value.text.clone(),
                    map: nested_map(line, value),
                    env: Vec::new(),
                },
                None => Peel::No,
            }
        }
        shell if SHELLS.contains(&shell) => {
            let o = opts(words, 1, "oO", "", &["--rcfile", "--init-file"], true);
            match words.get(o.next) {
                Some(string) if o.has(&["-c"]) => Peel::Nested {
                    name: format!("{shell} -c"),
                    text: string.text.clone(),
                    map: nested_map(line, string),
                    env: Vec::new(),
                },
                _ => Peel::No,
            }
        }
        "npx" => peel_npx(words, 1, "npx", line),
        "pnpx" => peel_dlx(words, 1, "pnpx", line),
        "bunx" => peel_bunx(words, 1, "bunx"),
        "npm" => {
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
        "pnpm" => {
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
                        nested_join("pnpm exec", rest_from(e.next), line)
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
        "yarn" => {
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
        "bun" => {
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
                Some("exec") => nested_join("bun exec", rest_from(o.next + 1), line),
                Some(sub) if BUN_BUILTINS.contains(&sub) || looks_like_script(sub) => Peel::No,
                Some(_) => skip("bun", o.next),
                None => Peel::No,
            }
        }
        "dotenv" | "dotenv-cli" => {
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
        "dotenvx" => {
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
        "cross-env" => skip_env("cross-env", words, 1, Vec::new()),
        "cross-env-shell" => {
            let mut n = 1;
            let mut env = Vec::new();
            while let Some((key, value)) = words.get(n).and_then(|w| split_assignment(&w.text)) {
                env.push((key.to_owned(), value.to_owned()));
                n += 1;
            }
            match nested_join("cross-env-shell", rest_from(n), line) {
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
        _ => Peel::No,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each command as its words joined with single spaces.
    fn flat(line: &str) -> Vec<String> {
        commands(line).iter().map(|c| c.texts().join(" ")).collect()
    }

    /// The only command of `line`.
    fn only(line: &str) -> Command {
        let all = commands(line);
        assert_eq!(all.len(), 1, "{line:?} gave {all:#?}");
        all.into_iter().next().unwrap()
    }

    fn check_table(table: &[(&str, &[&str])]) {
        for (line, expected) in table {
            assert_eq!(flat(line), *expected, "line {line:?}");
        }
    }

    #[test]
    fn quoting() {
        let table: &[(&str, &[&str])] = &[
            ("echo 'a b' c", &["echo a b c"]),
            ("echo \"a b\"", &["echo a b"]),
            (r#"echo "a\"b""#, &[r#"echo a"b"#]),
            (r#"echo "a\$b \`c\` d\\e \x""#, &[r"echo a$b `c` d\e \x"]),
            ("echo \"a\\\nb\"", &["echo ab"]),
            ("echo 'a\\b'", &[r"echo a\b"]),
            (r"echo $'a\tb\n'", &["echo a\tb\n"]),
            (r"echo $'it\'s \\ \x41\0101\x'", &["echo it's \\ AA\\x"]),
            (r#"echo $'\"q\"'"#, &["echo \"q\""]),
            (r"echo a\ b", &["echo a b"]),
            ("echo a\\\nb", &["echo ab"]),
            ("npx pri\\\nsma", &["prisma"]),
            (r#"pri"sma" 'mig'rate"#, &["prisma migrate"]),
            (r#"echo "" x"#, &["echo  x"]),
            ("echo '' ''", &["echo  "]),
            ("echo 'unterminated", &["echo unterminated"]),
            ("echo \"unterminated $(", &["echo unterminated $("]),
            (r"p\risma migrate reset", &["prisma migrate reset"]),
            (r#""prisma" 'migrate' re"set""#, &["prisma migrate reset"]),
            (r"$'prisma' migrate reset", &["prisma migrate reset"]),
            ("echo $HOME ${X:-a b}", &["echo $HOME ${X:-a b}"]),
            ("echo $((1 + 2))", &["echo $((1 + 2))"]),
            ("echo $((echo hi) )", &["echo hi", "echo $((echo hi) )"]),
            ("echo é日本 'ü'", &["echo é日本 ü"]),
            ("echo trailing\\", &["echo trailing\\"]),
        ];
        check_table(table);
        // An empty quoted word is a word.
        assert_eq!(only(r#"echo """#).words.len(), 2);
    }

    #[test]
    fn comments() {
        let table: &[(&str, &[&str])] = &[
            ("echo a # dropdb x", &["echo a"]),
            ("# only a comment", &[]),
            ("echo a#b", &["echo a#b"]),
            ("echo a;# c\ndropdb x", &["echo a", "dropdb x"]),
            ("echo '#not' \"#not\"", &["echo #not #not"]),
            ("echo $(echo a # c\n)", &["echo a", "echo $(echo a # c\n)"]),
        ];
        check_table(table);
    }

    #[test]
    fn operators() {
        let table: &[(&str, &[&str])] = &[
            ("a; b", &["a", "b"]),
            ("a && b || c", &["a", "b", "c"]),
            ("a | b |& c", &["a", "b", "c"]),
            ("a & b", &["a", "b"]),
            ("a\nb\n\nc", &["a", "b", "c"]),
            ("(cd db && dropdb app_test)", &["cd db", "dropdb app_test"]),
            ("{ dropdb app; }", &["dropdb app"]),
            ("! dropdb app", &["dropdb app"]),
            ("x=$(dropdb app)", &["dropdb app"]),
            ("echo `dropdb app`", &["dropdb app", "echo `dropdb app`"]),
            (
                "echo \"$(dropdb app)\"",
                &["dropdb app", "echo $(dropdb app)"],
            ),
            (
                "diff <(psql -c 'a') >(cat)",
                &["psql -c a", "cat", "diff <(psql -c 'a') >(cat)"],
            ),
            ("echo $(a $(b))", &["b", "a $(b)", "echo $(a $(b))"]),
            ("echo `a \\`b\\``", &["b", "a `b`", "echo `a \\`b\\``"]),
            ("a;;b", &["a", "b"]),
            (";;;", &[]),
            ("a || (b; c) | d", &["a", "b", "c", "d"]),
            (
                "echo $(echo ')' \"(\")",
                &["echo ) (", "echo $(echo ')' \"(\")"],
            ),
        ];
        check_table(table);
        let all = commands("echo 'TRUNCATE orders;' | psql app");
        assert_eq!(all[1].piped_from, Some(0));
        assert_eq!(all[0].piped_from, None);
        let all = commands("a | b | c; d");
        let pipes: Vec<_> = all.iter().map(|c| c.piped_from).collect();
        assert_eq!(pipes, [None, Some(0), Some(1), None]);
        let all = commands("(a; b) | c");
        assert_eq!(all[2].piped_from, Some(1));
        let all = commands("echo $(x) | psql");
        assert_eq!(flat("echo $(x) | psql"), ["x", "echo $(x)", "psql"]);
        assert_eq!(all[2].piped_from, Some(1));
    }

    #[test]
    fn keywords() {
        let table: &[(&str, &[&str])] = &[
            (
                r#"if [ -n "$CI" ]; then npx prisma migrate deploy; fi"#,
                &["[ -n $CI ]", "prisma migrate deploy"],
            ),
            (
                "if a; then b; elif c; then d; else e; fi",
                &["a", "b", "c", "d", "e"],
            ),
            ("while true; do dropdb x; done", &["true", "dropdb x"]),
            ("until a; do b; done", &["a", "b"]),
            ("for x in a b c; do dropdb $x; done", &["dropdb $x"]),
            ("for x in $(ls); do echo $x; done", &["ls", "echo $x"]),
            ("for x\ndo echo $x\ndone", &["echo $x"]),
            ("for ((i=0; i<3; i++)); do echo $i; done", &["echo $i"]),
            (
                "case $x in a|b) dropdb a;; c) echo c;; *) x;; esac; echo after",
                &["dropdb a", "echo c", "x", "echo after"],
            ),
            ("case $(env) in\n (x) y\n ;;\nesac", &["env", "y"]),
            ("f() { dropdb app; }; f", &["dropdb app", "f"]),
            ("function f { dropdb app; }", &["dropdb app"]),
            ("function f() { dropdb app; }", &["dropdb app"]),
            ("time dropdb app", &["dropdb app"]),
            ("echo if then fi", &["echo if then fi"]),
            ("'if' x", &["if x"]),
        ];
        check_table(table);
        assert_eq!(only("time -p dropdb app").wrappers, ["time"]);
    }

    #[test]
    fn redirections() {
        let table: &[(&str, &[&str])] = &[
            ("psql > out.txt", &["psql"]),
            ("psql >> out 2> err 2>&1 &> all >| f <> rw", &["psql"]),
            ("2>/dev/null dropdb app", &["dropdb app"]),
            ("echo 2 > x", &["echo 2"]),
            ("echo a>b", &["echo a"]),
            ("cat <&3 >&-", &["cat"]),
            ("cat < in.sql | psql", &["cat", "psql"]),
            ("echo 10>x y", &["echo y"]),
        ];
        check_table(table);
        let c = only("psql app < dump.sql");
        assert_eq!(
            c.stdin_file.as_ref().map(|w| w.text.as_str()),
            Some("dump.sql")
        );
        let c = only("psql <<'SQL'\nDROP TABLE users;\nSQL");
        assert_eq!(
            c.stdin.as_ref().map(|w| w.text.as_str()),
            Some("DROP TABLE users;\n")
        );
        let c = only("psql <<EOF\nDROP TABLE a;\nDROP TABLE b;\nEOF\n");
        assert_eq!(c.stdin.unwrap().text, "DROP TABLE a;\nDROP TABLE b;\n");
        let c = only("psql <<-\"EOF\"\n\t\tDROP TABLE a;\n\tEOF");
        assert_eq!(c.stdin.unwrap().text, "DROP TABLE a;\n");
        let c = only("psql <<< \"DELETE FROM users\"");
        assert_eq!(c.stdin.unwrap().text, "DELETE FROM users");
        let c = only("psql <<EOF\nunterminated");
        assert_eq!(c.stdin.unwrap().text, "unterminated");
        // The command continues on the operator's line; the body follows.
        let all = commands("psql <<EOF && echo done\nDROP TABLE x;\nEOF\ndropdb y");
        assert_eq!(
            all.iter().map(|c| c.texts().join(" ")).collect::<Vec<_>>(),
            ["psql", "echo done", "dropdb y"]
        );
        assert_eq!(all[0].stdin.as_ref().unwrap().text, "DROP TABLE x;\n");
        // Two here-documents on one line.
        let all = commands("a <<X; b <<Y\n1\nX\n2\nY");
        assert_eq!(all[0].stdin.as_ref().unwrap().text, "1\n");
        assert_eq!(all[1].stdin.as_ref().unwrap().text, "2\n");
        // An expanding body runs its substitutions; a quoted one does not.
        assert_eq!(flat("cat <<EOF\n$(dropdb x)\nEOF"), ["dropdb x", "cat"]);
        assert_eq!(flat("cat <<'EOF'\n$(dropdb x)\nEOF"), ["cat"]);
        let line = "psql <<SQL\nDROP TABLE users;\nSQL";
        let c = only(line);
        assert_eq!(&line[c.stdin.unwrap().range], "DROP TABLE users;\n");
        assert_eq!(&line[c.range], "psql <<SQL");
    }

    #[test]
    fn assignments() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case] = &[
            ("A=1 B='x y' cmd", &[("A", "1"), ("B", "x y")], "cmd"),
            (
                r#"DATABASE_URL="postgres://x@db.prod:5432/app" pnpm prisma migrate dev"#,
                &[("DATABASE_URL", "postgres://x@db.prod:5432/app")],
                "prisma migrate dev",
            ),
            ("A+=1 cmd", &[("A", "1")], "cmd"),
            ("cmd A=1", &[], "cmd A=1"),
            ("'A=1' cmd", &[], "A=1 cmd"),
            ("1A=x cmd", &[], "1A=x cmd"),
            (
                "A=1 env B=2 sudo C=3 cmd",
                &[("A", "1"), ("B", "2"), ("C", "3")],
                "cmd",
            ),
            (
                "cross-env NODE_ENV=test jest",
                &[("NODE_ENV", "test")],
                "jest",
            ),
            ("A=$(x) cmd", &[("A", "$(x)")], "cmd"),
        ];
        for (line, env, words) in cases {
            let all = commands(line);
            let c = all.last().unwrap();
            let got: Vec<(&str, &str)> = c
                .env
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, *env, "line {line:?}");
            assert_eq!(c.texts().join(" "), *words, "line {line:?}");
        }
        assert!(commands("A=1 B=2").is_empty());
        assert!(commands("> log").is_empty());
    }

    /// (line, program and args, wrappers)
    const WRAPPERS: &[(&str, &str, &[&str])] = &[
        (
            "npx prisma migrate reset --force",
            "prisma migrate reset --force",
            &["npx"],
        ),
        (
            "npx --yes prisma@5.22.0 migrate reset",
            "prisma migrate reset",
            &["npx"],
        ),
        ("npx -y -q -- prisma db push", "prisma db push", &["npx"]),
        (
            "npx -p prisma@5 prisma migrate reset",
            "prisma migrate reset",
            &["npx"],
        ),
        (
            "npx --package=@prisma/cli prisma migrate",
            "prisma migrate",
            &["npx"],
        ),
        ("npx @scope/pkg@1 run", "@scope/pkg run", &["npx"]),
        (
            "npx -c 'prisma migrate reset'",
            "prisma migrate reset",
            &["npx"],
        ),
        (
            "npm exec -- prisma db execute --stdin",
            "prisma db execute --stdin",
            &["npm exec"],
        ),
        (
            "npm x --yes prisma migrate reset",
            "prisma migrate reset",
            &["npm exec"],
        ),
        (
            "npm exec -c 'prisma migrate reset'",
            "prisma migrate reset",
            &["npm exec"],
        ),
        (
            "npm -w api exec prisma migrate reset",
            "prisma migrate reset",
            &["npm exec"],
        ),
        ("npm run db:reset", "npm run db:reset", &[]),
        ("npm install", "npm install", &[]),
        (
            "pnpm exec prisma migrate reset",
            "prisma migrate reset",
            &["pnpm exec"],
        ),
        (
            "pnpm dlx prisma@5 migrate reset",
            "prisma migrate reset",
            &["pnpm dlx"],
        ),
        ("pnpm prisma migrate dev", "prisma migrate dev", &["pnpm"]),
        (
            "pnpm --filter api exec prisma migrate reset",
            "prisma migrate reset",
            &["pnpm exec"],
        ),
        (
            "pnpm -C packages/db prisma migrate reset",
            "prisma migrate reset",
            &["pnpm"],
        ),
        ("pnpm -F api prisma db push", "prisma db push", &["pnpm"]),
        ("pnpm run db:reset", "pnpm run db:reset", &[]),
        ("pnpm install", "pnpm install", &[]),
        (
            "pnpm exec -c 'prisma migrate reset'",
            "prisma migrate reset",
            &["pnpm exec"],
        ),
        (
            "pnpx prisma migrate reset",
            "prisma migrate reset",
            &["pnpx"],
        ),
        (
            "yarn dlx prisma@5.22.0 migrate reset",
            "prisma migrate reset",
            &["yarn dlx"],
        ),
        (
            "yarn exec prisma migrate reset",
            "prisma migrate reset",
            &["yarn exec"],
        ),
        (
            "yarn prisma migrate reset",
            "prisma migrate reset",
            &["yarn"],
        ),
        (
            "yarn workspace api prisma migrate reset",
            "prisma migrate reset",
            &["yarn"],
        ),
        (
            "yarn --cwd db prisma migrate reset",
            "prisma migrate reset",
            &["yarn"],
        ),
        ("yarn run db:reset", "yarn run db:reset", &[]),
        ("yarn add prisma", "yarn add prisma", &[]),
        (
            "bunx prisma migrate reset",
            "prisma migrate reset",
            &["bunx"],
        ),
        (
            "bunx --bun prisma@latest db push",
            "prisma db push",
            &["bunx"],
        ),
        (
            "bun x prisma migrate reset",
            "prisma migrate reset",
            &["bun x"],
        ),
        ("bun prisma migrate reset", "prisma migrate reset", &["bun"]),
        ("bun run db:reset", "bun run db:reset", &[]),
        ("bun ./seed.ts", "bun ./seed.ts", &[]),
        (
            "env DATABASE_URL=x npx prisma migrate deploy",
            "prisma migrate deploy",
            &["env", "npx"],
        ),
        (
            "env -i -u HOME --unset=PATH -C /tmp A=1 dropdb x",
            "dropdb x",
            &["env"],
        ),
        ("env - dropdb x", "dropdb x", &["env"]),
        (
            "env -S 'npx prisma migrate reset' -- --force",
            "prisma migrate reset --force",
            &["env", "npx"],
        ),
        ("env -S 'A=1 dropdb' x", "dropdb x", &["env"]),
        ("/usr/bin/env dropdb x", "dropdb x", &["env"]),
        ("env", "env", &[]),
        ("env A=1", "env A=1", &[]),
        (
            "sudo -u postgres dropdb production",
            "dropdb production",
            &["sudo"],
        ),
        (
            "sudo -E -H -- dropdb production",
            "dropdb production",
            &["sudo"],
        ),
        ("sudo -l dropdb", "sudo -l dropdb", &[]),
        ("doas -u postgres dropdb x", "dropdb x", &["doas"]),
        ("nohup dropdb x &", "dropdb x", &["nohup"]),
        ("time -p dropdb x", "dropdb x", &["time"]),
        ("nice -n 10 dropdb x", "dropdb x", &["nice"]),
        ("nice -5 dropdb x", "dropdb x", &["nice"]),
        ("ionice -c 3 dropdb x", "dropdb x", &["ionice"]),
        (
            "timeout 30 npx prisma migrate reset --force",
            "prisma migrate reset --force",
            &["timeout", "npx"],
        ),
        (
            "timeout -s KILL -k 5 30s dropdb x",
            "dropdb x",
            &["timeout"],
        ),
        ("command -p dropdb x", "dropdb x", &["command"]),
        ("command -v dropdb", "command -v dropdb", &[]),
        ("exec dropdb x", "dropdb x", &["exec"]),
        ("exec -a name dropdb x", "dropdb x", &["exec"]),
        ("builtin cd x", "cd x", &["builtin"]),
        ("stdbuf -oL -e0 dropdb x", "dropdb x", &["stdbuf"]),
        ("xargs -0 -n 1 -I{} dropdb {}", "dropdb {}", &["xargs"]),
        ("xargs", "xargs", &[]),
        (
            "watch -n 5 'npx prisma migrate status'",
            "prisma migrate status",
            &["watch", "npx"],
        ),
        ("watch -x dropdb x", "dropdb x", &["watch"]),
        (
            "sh -c \"npx prisma db push --force-reset\"",
            "prisma db push --force-reset",
            &["sh -c", "npx"],
        ),
        (
            "bash -lc 'yarn dlx prisma@5.22.0 migrate reset --skip-seed'",
            "prisma migrate reset --skip-seed",
            &["bash -c", "yarn dlx"],
        ),
        ("sh -e -c 'dropdb x'", "dropdb x", &["sh -c"]),
        ("bash -o pipefail -c 'dropdb x'", "dropdb x", &["bash -c"]),
        ("bash -euo pipefail -c 'dropdb x'", "dropdb x", &["bash -c"]),
        ("/bin/zsh +x -c 'dropdb x'", "dropdb x", &["zsh -c"]),
        ("fish -c 'dropdb x'", "dropdb x", &["fish -c"]),
        ("fish --command='dropdb x'", "dropdb x", &["fish -c"]),
        ("bash script.sh", "bash script.sh", &[]),
        ("bash -c", "bash -c", &[]),
        ("eval 'dropdb x'", "dropdb x", &["eval"]),
        ("eval dropdb x", "dropdb x", &["eval"]),
        (
            "dotenv -e .env.prod -- prisma migrate deploy",
            "prisma migrate deploy",
            &["dotenv"],
        ),
        (
            "dotenv -e .env prisma migrate deploy",
            "prisma migrate deploy",
            &["dotenv"],
        ),
        (
            "dotenvx run -f .env -- prisma migrate deploy",
            "prisma migrate deploy",
            &["dotenvx run"],
        ),
        (
            "cross-env NODE_ENV=prod prisma migrate deploy",
            "prisma migrate deploy",
            &["cross-env"],
        ),
        (
            "cross-env-shell A=1 'prisma migrate deploy && echo'",
            "prisma migrate deploy",
            &["cross-env-shell"],
        ),
        (
            "./node_modules/.bin/prisma migrate reset",
            "./node_modules/.bin/prisma migrate reset",
            &[],
        ),
        (
            "xargs -r npx prisma migrate reset",
            "prisma migrate reset",
            &["xargs", "npx"],
        ),
        (
            "sudo sh -c 'cd /srv && pnpm --filter db exec prisma db push'",
            "cd /srv",
            &["sudo", "sh -c"],
        ),
        (
            "nice -n 10 env A=1 npx --yes prisma migrate reset",
            "prisma migrate reset",
            &["nice", "env", "npx"],
        ),
        (
            "sudo -u app sh -c 'timeout 5 bash -c \"npx prisma migrate reset\"'",
            "prisma migrate reset",
            &["sudo", "sh -c", "timeout", "bash -c", "npx"],
        ),
    ];

    #[test]
    fn wrappers() {
        for (line, words, wrappers) in WRAPPERS {
            let all = commands(line);
            let c = all
                .first()
                .unwrap_or_else(|| panic!("no command in {line:?}"));
            assert_eq!(c.texts().join(" "), *words, "line {line:?}");
            assert_eq!(c.wrappers, *wrappers, "line {line:?}");
        }
        let c = only("nice -n 10 env A=1 npx --yes prisma migrate reset");
        assert_eq!(c.env, [("A".to_owned(), "1".to_owned())]);
        let c = only("dotenv -v A=b -- x");
        assert_eq!(c.env, [("A".to_owned(), "b".to_owned())]);
        let c = only("cross-env-shell A=1 'dropdb x'");
        assert_eq!(c.env, [("A".to_owned(), "1".to_owned())]);
        let c = only("A=1 sh -c 'B=2 dropdb x'");
        assert_eq!(c.env.len(), 2);
        assert_eq!(c.env[0].0, "A");
        // Several commands in one string all carry the wrapper.
        let all = commands("sh -c 'cd api && npx prisma migrate reset'");
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].wrappers, ["sh -c", "npx"]);
        assert_eq!(all[0].wrappers, ["sh -c"]);
        // An outer here-document feeds the shell's commands.
        let all = commands("bash -c 'psql' <<EOF\nDROP TABLE x;\nEOF");
        assert_eq!(all[0].stdin.as_ref().unwrap().text, "DROP TABLE x;\n");
        let all = commands("echo 'DROP TABLE x' | sh -c psql");
        assert_eq!(all[1].piped_from, Some(0));
    }

    #[test]
    fn basenames() {
        let table = [
            ("/usr/bin/env", "env"),
            ("./node_modules/.bin/prisma", "prisma"),
            ("prisma", "prisma"),
            ("", ""),
            ("dir/", ""),
        ];
        for (path, name) in table {
            assert_eq!(basename(path), name);
        }
        assert_eq!(
            only("/usr/local/bin/psql -c x").program_name(),
            Some("psql")
        );
        assert_eq!(
            only("/usr/local/bin/psql -c x").program(),
            Some("/usr/local/bin/psql")
        );
        assert_eq!(only("/usr/local/bin/psql -c x").args().len(), 2);
    }

    #[test]
    fn versions() {
        let table = [
            ("prisma@5.22.0", "prisma"),
            ("@scope/pkg@1", "@scope/pkg"),
            ("@scope/pkg", "@scope/pkg"),
            ("prisma", "prisma"),
            ("@", "@"),
            ("@@x", "@"),
        ];
        for (package, name) in table {
            assert_eq!(strip_version(package), name);
        }
    }

    #[test]
    fn examples() {
        let all = commands("cd api && npx prisma migrate reset -f; echo done");
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].texts(), ["prisma", "migrate", "reset", "-f"]);
        let c = only("env DATABASE_URL=postgres://prod.example.com/app npx prisma migrate deploy");
        assert_eq!(
            c.env,
            [(
                "DATABASE_URL".to_owned(),
                "postgres://prod.example.com/app".to_owned()
            )]
        );
        assert_eq!(c.program(), Some("prisma"));
        let c = only(r#"psql "$DATABASE_URL" -c 'DROP TABLE users;'"#);
        assert_eq!(
            c.texts(),
            ["psql", "$DATABASE_URL", "-c", "DROP TABLE users;"]
        );
        let c = only("npm exec -- prisma db execute --stdin <<< \"DELETE FROM users\"");
        assert_eq!(c.texts(), ["prisma", "db", "execute", "--stdin"]);
        assert_eq!(c.stdin.unwrap().text, "DELETE FROM users");
        assert_eq!(
            only("echo \"npx prisma migrate reset\"").program(),
            Some("echo")
        );
        assert_eq!(
            only("git commit -m \"don't run prisma migrate reset\"").program(),
            Some("git")
        );
        assert_eq!(only("npm run db:reset").program(), Some("npm"));
    }

    #[test]
    fn nested_ranges() {
        let line = "bash -lc 'yarn dlx prisma@5.22.0 migrate reset'";
        let c = only(line);
        assert_eq!(&line[c.words[0].range.clone()], "prisma@5.22.0");
        assert_eq!(
            &line[c.range.clone()],
            "yarn dlx prisma@5.22.0 migrate reset"
        );
        // Escapes inside the string: ranges fall back to the whole argument.
        let line = r#"sh -c "echo \"x\" && dropdb a""#;
        let all = commands(line);
        assert_eq!(all[1].texts(), ["dropdb", "a"]);
        assert_eq!(
            &line[all[1].words[0].range.clone()],
            r#""echo \"x\" && dropdb a""#
        );
        let line = "echo $(dropdb app)";
        let all = commands(line);
        assert_eq!(&line[all[0].range.clone()], "dropdb app");
        assert_eq!(&line[all[1].range.clone()], line);
        let line = "eval dropdb   x";
        let c = only(line);
        assert_eq!(c.texts(), ["dropdb", "x"]);
        assert!(line.get(c.words[1].range.clone()).is_some());
    }

    #[test]
    fn depth_is_capped() {
        // 40 levels of eval: the innermost levels stay unparsed but the
        // outer command is kept.
        let line = format!("{}dropdb x", "eval ".repeat(40));
        let all = commands(&line);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].wrappers.len(), MAX_DEPTH);
        assert_eq!(all[0].program(), Some("eval"));
        // Shallow nesting is fully unwrapped.
        let mut line = "dropdb x".to_owned();
        for _ in 0..5 {
            line = format!("sh -c {}", join(&[line]));
        }
        let c = only(&line);
        assert_eq!(c.texts(), ["dropdb", "x"]);
        assert_eq!(c.wrappers.len(), 5);
        let deep = "$(".repeat(100_000);
        let all = commands(&format!("echo {deep}"));
        assert!(all.len() <= MAX_DEPTH + 1);
    }

    #[test]
    fn join_round_trips() {
        let cases: Vec<Vec<&str>> = vec![
            vec!["prisma", "migrate", "reset"],
            vec!["psql", "-c", "DROP TABLE users;"],
            vec![
                "echo", "it's", "", "a b", "$HOME", "`x`", "\\", "\"", "#c", "~", "*",
            ],
            vec!["A=b", "c=d"],
            vec!["if", "then"],
            vec!["multi\nline", "tab\there", "é日本"],
            vec!["--flag=value", "@scope/pkg@1", "a,b:c/d.e%f+g"],
        ];
        for case in cases {
            let argv: Vec<String> = case.iter().map(|s| (*s).to_owned()).collect();
            let line = join(&argv);
            let back: Vec<String> = words(&line).into_iter().map(|w| w.text).collect();
            assert_eq!(back, argv, "line {line:?}");
            let all = commands(&line);
            assert_eq!(all.len(), 1, "line {line:?}");
            assert!(all[0].env.is_empty());
        }
        assert_eq!(join(&["npx".to_owned(), "prisma".to_owned()]), "npx prisma");
        assert_eq!(join(&["it's".to_owned()]), r"'it'\''s'");
    }

    /// A tiny deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn check_ranges(line: &str) {
        for c in commands(line) {
            assert!(!c.words.is_empty());
            assert!(line.get(c.range.clone()).is_some(), "{line:?} {c:?}");
            for w in c.words.iter().chain(&c.stdin).chain(&c.stdin_file) {
                assert!(line.get(w.range.clone()).is_some(), "{line:?} {w:?}");
            }
            if let Some(p) = c.piped_from {
                assert!(p < commands(line).len());
            }
        }
        for w in words(line) {
            assert!(line.get(w.range.clone()).is_some(), "{line:?} {w:?}");
        }
    }

    #[test]
    fn fuzz_ranges_never_panic() {
        const PIECES: &[&str] = &[
            " ",
            " ",
            "a",
            "b",
            "x",
            "'",
            "\"",
            "\\",
            "$",
            "$(",
            "(",
            ")",
            "`",
            "{",
            "}",
            ";",
            "&",
            "|",
            "<",
            ">",
            "<<",
            "<<-",
            "<<<",
            "EOF",
            "\n",
            "\t",
            "#",
            "=",
            "A=",
            "é",
            "日",
            "\u{1F600}",
            "$'",
            "\\x",
            "\\0",
            "\\u",
            "sh -c ",
            "eval ",
            "npx ",
            "env -S ",
            "if ",
            "then ",
            "fi",
            "case ",
            " in ",
            "esac",
            "for ",
            "do ",
            "done",
            "${",
            "$((",
            "))",
            "2>&1",
            "<(",
            "npm exec ",
            "pnpm ",
            "yarn ",
            "sudo -u ",
            "--",
            "-c",
            "\r",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let len = rng.below(40);
            let line: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            check_ranges(&line);
        }
        // Random bytes made valid UTF-8.
        for _ in 0..300 {
            let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
            check_ranges(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn large_inputs_stay_linear() {
        let start = std::time::Instant::now();
        let inputs = [
            ";".repeat(1 << 20),
            "a ".repeat(1 << 19),
            "$(".repeat(1 << 19),
            "$(a)".repeat(1 << 18),
            "'".repeat(1 << 20),
            "\"$(".repeat(1 << 18),
            "`".repeat(1 << 20),
            "(".repeat(1 << 20),
            "<<a ".repeat(1 << 18) + "\n" + &"x\n".repeat(1 << 18),
            "env ".repeat(1 << 18) + "x",
            "sh -c ".repeat(1 << 17) + "x",
            "a | ".repeat(1 << 18),
            "$'\\".repeat(1 << 18),
            "x=$(y) ".repeat(1 << 17),
        ];
        for input in &inputs {
            let all = commands(input);
            assert!(all.len() <= input.len());
        }
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }
}
