//! The parser: a flat walk over the lexer's tokens that cuts them into
//! simple commands. Operators end a command; keywords at command position
//! (`if`, `then`, `do`, `{`, `!`, ...) are skipped, as are `for` and `case`
//! headers; leading `NAME=value` words become the command's environment.
//! Subshells and groups need no nesting: their commands are found in
//! order. Each finished command is handed to the wrapper peeling
//! ([`super::wrappers`]), and the substitutions and command strings it
//! contains are parsed recursively, up to [`MAX_DEPTH`] levels.

use std::ops::Range;

use super::lexer::{Lexer, Map, Op, RawWord, Redir, RedirKind, Subst, Tok, nested_map};
use super::wrappers::{Peel, peel, strip_version};
use super::{Command, MAX_DEPTH, Word};

const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "fi", "do", "done", "while", "until", "for", "select", "case",
    "esac", "in", "function", "coproc", "{", "}", "!", "[[", "]]",
];

pub(super) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// `NAME=value` (or `NAME+=value`) split into name and value.
pub(super) fn split_assignment(text: &str) -> Option<(&str, &str)> {
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

/// Every simple command of `line` (see [`super::examine`]).
pub(super) fn parse_line(line: &str) -> super::Examined {
    let mut parser = Parser {
        line,
        out: Vec::new(),
        writes: Vec::new(),
        too_deep: false,
        variables: Vec::new(),
    };
    parser.parse(line, &Map::Offset(0), 0);
    super::Examined {
        commands: parser.out,
        writes: parser.writes,
        too_deep: parser.too_deep,
    }
}

struct Parser<'l> {
    line: &'l str,
    out: Vec<Command>,
    /// Targets of output redirections, wordless commands' included.
    writes: Vec<super::Written>,
    /// Nesting went past [`MAX_DEPTH`]: some text was not looked into.
    too_deep: bool,
    /// Shell variables the line assigned a literal value so far
    /// (`PRISMA="npx prisma"`, `export X=y`), latest last: a command whose
    /// program is `$PRISMA` runs what the value says.
    variables: Vec<(String, String)>,
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
        let mut cur = std::mem::take(cur);
        if depth >= MAX_DEPTH && !cur.substs.is_empty() {
            self.too_deep = true;
        }
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
        let word = |raw: RawWord| Word {
            range: map.apply(&raw.range),
            text: raw.text,
        };
        // The command the redirections belong to is emitted next (its
        // substitutions ran above): what reads the file comes after it.
        let after = self.out.len() + usize::from(!cur.words.is_empty());
        for redir in &cur.redirs {
            // `2>&1` and `>&-` duplicate or close a descriptor.
            if redir.kind == RedirKind::Other
                && let Some(target) = &redir.target
                && !(target.text == "-" || target.text.bytes().all(|b| b.is_ascii_digit()))
            {
                self.writes.push(super::Written {
                    file: word(target.clone()),
                    after,
                });
            }
        }
        if cur.words.is_empty() {
            self.remember(cur.env.iter().map(|raw| raw.text.as_str()));
            return None;
        }
        if cur.words.first().is_some_and(|w| w.text == "export") {
            // `X=1; export X`: the export carries the value.
            for raw in cur.words.iter_mut().skip(1) {
                if !raw.text.contains('=')
                    && let Some((_, value)) =
                        self.variables.iter().rev().find(|(n, _)| *n == raw.text)
                {
                    raw.text = format!("{}={value}", raw.text);
                }
            }
            self.remember(cur.words.iter().skip(1).map(|raw| raw.text.as_str()));
        }
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
                // Collected above, wordless commands included.
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

    /// Records `NAME=value` assignments with a literal value; one with a
    /// value computed when the line runs forgets the name.
    fn remember<'a>(&mut self, assignments: impl Iterator<Item = &'a str>) {
        for text in assignments {
            let Some((name, value)) = split_assignment(text) else {
                continue;
            };
            self.variables.retain(|(n, _)| n != name);
            if !(value.contains('$') || value.contains('`')) {
                self.variables.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// `$NAME` or `${NAME}` as a program, with `NAME` assigned a literal
    /// earlier in the line: the value's words, at the program's position.
    fn substitute(&self, words: &mut Vec<Word>) {
        let Some(first) = words.first() else {
            return;
        };
        let text = first.text.as_str();
        let name = text
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .or_else(|| text.strip_prefix('$'));
        let Some(name) = name
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        else {
            return;
        };
        let Some((_, value)) = self.variables.iter().rev().find(|(n, _)| n == name) else {
            return;
        };
        let range = first.range.clone();
        let replaced: Vec<Word> = super::words(value)
            .into_iter()
            .map(|w| Word {
                text: w.text,
                range: range.clone(),
            })
            .collect();
        if replaced.is_empty() {
            return;
        }
        words.splice(0..1, replaced);
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
        self.substitute(&mut words);
        let mut wrappers: Vec<String> = Vec::new();
        let mut env_files: Vec<Word> = Vec::new();
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
                    env_files.extend(super::wrappers::loaded_files(name, &rest[..n]));
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
                    if budget >= MAX_DEPTH {
                        self.too_deep = true;
                        break;
                    }
                    if n > rest.len() {
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
                        self.too_deep = true;
                        break;
                    }
                    env_files.extend(super::wrappers::loaded_files(&name, rest));
                    wrappers.push(name);
                    env.extend(assigned);
                    let first = self.out.len();
                    let last = self.parse(&text, &map, budget + 1);
                    for command in self.out.iter_mut().skip(first) {
                        let mut all_env = env.clone();
                        all_env.append(&mut command.env);
                        command.env = all_env;
                        let mut all_files = env_files.clone();
                        all_files.append(&mut command.env_files);
                        command.env_files = all_files;
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
        // A shell reading its script from a here-document or here-string
        // (`bash <<< 'dropdb app'`, `sh <<EOF ... EOF`): that text is a
        // command line, judged like `sh -c`'s.
        if let Some(script) = stdin.as_ref().filter(|_| reads_script_from_stdin(&words)) {
            if budget >= MAX_DEPTH {
                self.too_deep = true;
            } else {
                let name = format!(
                    "{} <<<",
                    words.first().map_or("sh", |w| super::basename(&w.text))
                );
                let first = self.out.len();
                let last = self.parse(&script.text, &nested_map(self.line, script), budget + 1);
                for command in self.out.iter_mut().skip(first) {
                    let mut all_env = env.clone();
                    all_env.append(&mut command.env);
                    command.env = all_env;
                    let mut all_files = env_files.clone();
                    all_files.append(&mut command.env_files);
                    command.env_files = all_files;
                    let mut all_wrappers = wrappers.clone();
                    all_wrappers.push(name.clone());
                    all_wrappers.append(&mut command.wrappers);
                    command.wrappers = all_wrappers;
                }
                return last;
            }
        }
        self.out.push(Command {
            env,
            env_files,
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

/// True when `words` (wrappers peeled) are a shell that reads its script
/// from stdin: no script operand, no `-c` (`bash`, `sh -s`, `bash -x -`).
pub fn reads_script_from_stdin(words: &[Word]) -> bool {
    let Some(program) = words.first() else {
        return false;
    };
    if !super::wrappers::SHELLS.contains(&super::basename(&program.text)) {
        return false;
    }
    for word in words.iter().skip(1) {
        let text = word.text.as_str();
        match text {
            // Positional parameters follow.
            "--" | "-" => return true,
            long if long.starts_with("--") => {}
            short if short.starts_with(['-', '+']) => {
                if short.contains('c') {
                    return false;
                }
            }
            // A script file.
            _ => return false,
        }
    }
    true
}
