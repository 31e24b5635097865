//! The lexer: one left-to-right pass over a command line, producing words
//! (quotes and escapes removed, byte ranges kept), operators and
//! redirections, with the substitutions each word contains remembered for
//! the parser. Here-document bodies are taken from the lines after the
//! operator's line; `$(...)`, backticks and `<(...)` are skipped with an
//! iterative bracket matcher, so deep nesting cannot overflow the stack.

use std::ops::Range;

use super::Word;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
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
pub(super) enum RedirKind {
    In,
    HereDoc { strip_tabs: bool },
    HereString,
    Other,
}

/// A substitution to parse: a slice of the current text, or (backticks with
/// escapes) a rewritten string standing for the given range.
#[derive(Debug, Clone)]
pub(super) enum Subst {
    Slice(Range<usize>),
    Owned(String, Range<usize>),
}

#[derive(Debug, Clone)]
pub(super) struct RawWord {
    pub(super) text: String,
    pub(super) range: Range<usize>,
    /// Bytes of `text` produced before any quote, escape or expansion.
    pub(super) plain_len: usize,
    /// Any quoting or escaping was used (keywords must be unquoted).
    pub(super) quoted: bool,
    pub(super) substs: Vec<Subst>,
}

#[derive(Debug)]
pub(super) struct Redir {
    pub(super) kind: RedirKind,
    pub(super) range: Range<usize>,
    pub(super) target: Option<RawWord>,
    pub(super) body: Option<(String, Range<usize>)>,
    pub(super) body_substs: Vec<Subst>,
}

#[derive(Debug)]
pub(super) enum Tok {
    Word(RawWord),
    Op(Op),
    Redir(Redir),
}

/// True when `buf` is `NAME=` or `NAME+=`, where a `(` opens an array.
fn is_array_assignment(buf: &[u8]) -> bool {
    let Some(name) = buf.strip_suffix(b"+=").or_else(|| buf.strip_suffix(b"=")) else {
        return false;
    };
    name.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
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

/// The construct a `$` at `i` opens: `$(` or `${`.
fn dollar_opens(b: &[u8], i: usize) -> Option<Ctx> {
    match b.get(i + 1) {
        Some(b'(') => Some(Ctx::Paren),
        Some(b'{') => Some(Ctx::Brace),
        _ => None,
    }
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
                b'$' => {
                    if let Some(opened) = dollar_opens(b, i) {
                        stack.push(opened);
                        i += 1;
                    }
                }
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
                b'$' => match (dollar_opens(b, i), b.get(i + 1)) {
                    (Some(opened), _) => {
                        stack.push(opened);
                        i += 1;
                    }
                    (None, Some(b'\'')) => {
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

pub(super) struct Lexer<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    toks: Vec<Tok>,
    /// Token indices of here-documents whose body starts after the next
    /// newline.
    pending: Vec<usize>,
    /// Inside `[[ … ]]`, where `&&`, `||`, `<`, `>` and parentheses are
    /// the test's words, not the shell's operators.
    in_test: bool,
}

impl<'s> Lexer<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        Self {
            src,
            b: src.as_bytes(),
            pos: 0,
            toks: Vec::new(),
            pending: Vec::new(),
            in_test: false,
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

    pub(super) fn run(mut self) -> Vec<Tok> {
        while let Some(c) = self.at(self.pos) {
            let start = self.pos;
            let next = self.at(start + 1);
            if self.in_test && matches!(c, b'&' | b'|' | b'<' | b'>' | b'(' | b')') {
                let len = if matches!((c, next), (b'&', Some(b'&')) | (b'|', Some(b'|'))) {
                    2
                } else {
                    1
                };
                self.pos = start + len;
                self.toks.push(Tok::Word(RawWord {
                    text: String::from_utf8_lossy(self.slice(start, start + len)).into_owned(),
                    range: start..start + len,
                    plain_len: len,
                    quoted: true,
                    substs: Vec::new(),
                }));
                continue;
            }
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
                    let unquoted = !word.quoted && word.substs.is_empty();
                    if unquoted && word.text == "[[" {
                        self.in_test = true;
                    } else if unquoted && word.text == "]]" {
                        self.in_test = false;
                    }
                    self.toks.push(Tok::Word(word));
                }
            }
            if matches!(c, b'\n' | b';') {
                self.in_test = false;
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
                // `NAME=(a b)`, `NAME+=(c)`: an array assignment is one
                // word, parentheses and all.
                b'(' if plain && is_array_assignment(&buf) => {
                    let end = find_close(self.b, self.pos + 1, &[Ctx::Paren]);
                    let end = end.min(self.b.len());
                    substs.extend(scan_substs(self.src, self.pos..end));
                    buf.extend_from_slice(self.slice(self.pos, (end + 1).min(self.b.len())));
                    self.pos = (end + 1).min(self.b.len());
                    plain = false;
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
pub(super) fn lex_words(src: &str, map: &Map) -> Vec<Word> {
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

/// How ranges in a (nested) text map to ranges in the original line.
#[derive(Debug, Clone)]
pub(super) enum Map {
    /// The text is the line's bytes from this offset on.
    Offset(usize),
    /// The text was rewritten; every range maps to this one.
    Fixed(Range<usize>),
}

impl Map {
    pub(super) fn apply(&self, range: &Range<usize>) -> Range<usize> {
        match self {
            Map::Offset(base) => base + range.start..base + range.end,
            Map::Fixed(fixed) => fixed.clone(),
        }
    }

    pub(super) fn sub(&self, offset: usize) -> Map {
        match self {
            Map::Offset(base) => Map::Offset(base + offset),
            Map::Fixed(fixed) => Map::Fixed(fixed.clone()),
        }
    }
}

/// The map for parsing `word`'s value as a command line: exact when the
/// value appears verbatim in the line (unquoted, or in quotes without
/// escapes).
pub(super) fn nested_map(line: &str, word: &Word) -> Map {
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
