//! A SQL file as psql reads it: the statements it sends one by one, the
//! meta-commands it runs itself, and the `COPY … FROM stdin` data it
//! streams.
//!
//! `psql -f` cuts a file at every semicolon outside quotes, comments,
//! dollar-quoted bodies, parentheses and `BEGIN ATOMIC … END` function
//! bodies, and sends each statement in autocommit; a file sent whole (as
//! Prisma's engine sends a `migration.sql`, or `prisma db execute`) runs in
//! one implicit transaction. `drift-host verify` needs psql's cut to apply
//! a hand-written file the way teams run it, and to find which statement
//! of a script failed. This is a lexer, not a parser: it needs no grammar,
//! accepts any input, and keeps byte ranges into the file.

use std::ops::Range;

/// One piece of a SQL file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A statement, without its terminating `;`, leading comments and
    /// whitespace trimmed.
    Statement(Range<usize>),
    /// A psql meta-command (`\i file`, `\set x 1`, `\c db`): a backslash
    /// outside quotes, to the end of its line. `name` is the command
    /// without its backslash (`i`, `set`).
    Meta { range: Range<usize>, name: String },
    /// The data lines after a `COPY … FROM stdin`, up to and including
    /// the `\.` line (or the end of the file).
    CopyData(Range<usize>),
}

/// The pieces of `text`, as psql reads them.
pub fn split(text: &str) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    // Where the pending statement starts (after whitespace and comments).
    let mut start: Option<usize> = None;
    let mut parens = 0usize;
    let mut atomic = 0usize;
    // Words of the pending statement's head, for `CREATE FUNCTION` and
    // `COPY … FROM stdin`.
    let mut words: Vec<String> = Vec::new();
    let mut last_word = String::new();
    // `COPY … FROM stdin`, however long the column list.
    let mut copy_in = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(bytes, i);
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let here = i;
        match c {
            b'\'' => {
                // E'…' strings take backslash escapes.
                let escapes = here > 0
                    && matches!(bytes[here - 1], b'e' | b'E')
                    && (here < 2 || !is_ident(bytes[here - 2]));
                i = quoted_end(bytes, i, b'\'', escapes);
            }
            b'"' => i = quoted_end(bytes, i, b'"', false),
            b'$' => match dollar_tag(bytes, i) {
                Some(tag_len) if here == 0 || !is_ident(bytes[here - 1]) => {
                    let tag = &bytes[i..i + tag_len];
                    let body = i + tag_len;
                    i = memchr::memmem::find(&bytes[body..], tag)
                        .map_or(bytes.len(), |n| body + n + tag_len);
                }
                _ => i += 1,
            },
            b'\\' => {
                // A meta-command: to the end of the line. `\g` and its
                // kin send the pending statement (as `;` would); others
                // leave it pending, as in psql's query buffer.
                let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                let name: String = text[i + 1..end]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if sends_buffer(&name)
                    && let Some(s) = start.take()
                {
                    let stmt_end = s + text[s..i].trim_end().len();
                    pieces.push(Piece::Statement(s..stmt_end));
                    words.clear();
                    last_word.clear();
                    copy_in = false;
                }
                let end_trimmed = i + text[i..end].trim_end().len();
                pieces.push(Piece::Meta {
                    range: i..end_trimmed,
                    name,
                });
                i = end;
                continue;
            }
            b'(' => {
                parens += 1;
                i += 1;
            }
            b')' => {
                parens = parens.saturating_sub(1);
                i += 1;
            }
            b';' if parens == 0 && atomic == 0 => {
                if let Some(s) = start.take() {
                    pieces.push(Piece::Statement(s..here));
                    if std::mem::take(&mut copy_in) {
                        // The data starts on the next line.
                        let data = memchr::memchr(b'\n', &bytes[here..])
                            .map_or(bytes.len(), |n| here + n + 1);
                        let end = copy_end(text, data);
                        pieces.push(Piece::CopyData(data..end));
                        i = end;
                        words.clear();
                        last_word.clear();
                        continue;
                    }
                }
                words.clear();
                last_word.clear();
                copy_in = false;
                i += 1;
                continue;
            }
            c if is_ident(c) => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !is_ident(*b))
                    .map_or(bytes.len(), |n| i + n);
                let word = text[i..end].to_ascii_lowercase();
                let routine = words.first().is_some_and(|w| w == "create")
                    && words
                        .iter()
                        .take(4)
                        .any(|w| w == "function" || w == "procedure");
                if routine {
                    match word.as_str() {
                        "atomic" if last_word == "begin" => atomic += 1,
                        "case" if atomic > 0 => atomic += 1,
                        "end" if atomic > 0 => atomic -= 1,
                        _ => {}
                    }
                }
                if word == "stdin"
                    && last_word == "from"
                    && words.first().is_some_and(|w| w == "copy")
                {
                    copy_in = true;
                }
                if words.len() < 16 {
                    words.push(word.clone());
                }
                last_word = word;
                i = end;
            }
            _ => i += 1,
        }
        if start.is_none() {
            start = Some(here);
        }
    }
    if let Some(s) = start {
        let end = s + text[s..].trim_end().len();
        pieces.push(Piece::Statement(s..end));
    }
    pieces
}

/// The statements of `text`, as psql sends them (meta-commands and copy
/// data left out).
pub fn statements(text: &str) -> Vec<Range<usize>> {
    split(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Statement(range) => Some(range),
            _ => None,
        })
        .collect()
}

/// Meta-commands that send the query buffer to the server (`\g`,
/// `\gexec`, ...), ending the pending statement.
fn sends_buffer(name: &str) -> bool {
    matches!(
        name,
        "g" | "gx" | "gset" | "gexec" | "gdesc" | "crosstabview" | "watch"
    )
}

/// Where the body of the first dollar-quoted string of `text` starts
/// (just after its opening `$tag$`): a `DO` block's or a function's.
pub fn dollar_body(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let opens = bytes[i] == b'$' && (i == 0 || !is_ident(bytes[i - 1]));
        opens
            .then(|| dollar_tag(bytes, i))
            .flatten()
            .map(|len| i + len)
    })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The end of the `/* … */` comment at `i` (comments nest in PostgreSQL).
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The end of the quoted text opening at `i` (`quote` doubled inside is
/// itself; with `escapes`, a backslash escapes the next byte).
fn quoted_end(bytes: &[u8], mut i: usize, quote: u8, escapes: bool) -> usize {
    i += 1;
    while i < bytes.len() {
        let b = bytes[i];
        if escapes && b == b'\\' {
            i += 2;
        } else if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The length of the dollar-quote tag (`$$`, `$body$`) at `i`, if one.
fn dollar_tag(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if bytes.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while j < bytes.len() && is_ident(bytes[j]) {
        j += 1;
    }
    (bytes.get(j) == Some(&b'$')).then_some(j + 1 - i)
}

/// The end of `COPY … FROM stdin` data starting at `data`: after the `\.`
/// line, or the end of the file.
fn copy_end(text: &str, data: usize) -> usize {
    let mut at = data;
    for line in text[data.min(text.len())..].split_inclusive('\n') {
        at += line.len();
        if line.trim_end() == "\\." {
            return at;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split(text)
            .into_iter()
            .map(|p| match p {
                Piece::Statement(r) => format!("S {}", &text[r]),
                Piece::Meta { range, name } => format!("M {name}: {}", &text[range]),
                Piece::CopyData(r) => format!("D {:?}", &text[r]),
            })
            .collect()
    }

    #[test]
    fn cuts_where_psql_does() {
        let text = "-- a comment; not a cut\nCREATE TABLE a (x int, y text DEFAULT ';');\n/* b; /* nested; */ */ INSERT INTO a VALUES (1, $$;$$), (2, $tag$ $$; $tag$);\nSELECT E'\\';', \"we;ird\" FROM a\n;\nselect 1";
        assert_eq!(
            texts(text),
            [
                "S CREATE TABLE a (x int, y text DEFAULT ';')",
                "S INSERT INTO a VALUES (1, $$;$$), (2, $tag$ $$; $tag$)",
                "S SELECT E'\\';', \"we;ird\" FROM a\n",
                "S select 1",
            ]
        );
    }

    #[test]
    fn bodies_and_blocks_stay_whole() {
        let text = "DO $$ BEGIN PERFORM 1; END $$;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\nCREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION g();";
        assert_eq!(
            texts(text),
            [
                "S DO $$ BEGIN PERFORM 1; END $$",
                "S CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END",
                "S CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION g()",
            ]
        );
    }

    #[test]
    fn meta_commands_and_copy_data() {
        let text = "\\set ON_ERROR_STOP on\nCOPY a (x) FROM stdin;\n1\n2\n\\.\n\\i other.sql\nSELECT $1, a$b$ FROM t;";
        assert_eq!(
            texts(text),
            [
                "M set: \\set ON_ERROR_STOP on",
                "S COPY a (x) FROM stdin",
                "D \"1\\n2\\n\\\\.\\n\"",
                "M i: \\i other.sql",
                "S SELECT $1, a$b$ FROM t",
            ]
        );
    }

    #[test]
    fn long_copies_and_buffer_sending_meta_commands() {
        let copy = "COPY public.people (a, b, c, d, e, f, g, h, i, j, k, l, m) FROM stdin;\n1\t2\n\\.\nSELECT 1;";
        assert_eq!(
            texts(copy),
            [
                "S COPY public.people (a, b, c, d, e, f, g, h, i, j, k, l, m) FROM stdin",
                "D \"1\\t2\\n\\\\.\\n\"",
                "S SELECT 1",
            ]
        );
        let gexec = "SELECT 'CREATE INDEX i ON t (x)' WHERE NOT EXISTS (SELECT 1)\\gexec\nCREATE TABLE u (id int);";
        assert_eq!(
            texts(gexec),
            [
                "S SELECT 'CREATE INDEX i ON t (x)' WHERE NOT EXISTS (SELECT 1)",
                "M gexec: \\gexec",
                "S CREATE TABLE u (id int)",
            ]
        );
    }

    #[test]
    fn anything_splits_without_panicking() {
        for text in [
            "",
            ";;;",
            "'unterminated",
            "$$ open",
            "/* open",
            "\\",
            "(((;",
            "E'\\",
            "é;ü",
            "COPY x FROM stdin;",
            "SELECT 'é';\\gexec ü",
        ] {
            // Callers slice the text with every range.
            for piece in split(text) {
                let range = match piece {
                    Piece::Statement(r) | Piece::CopyData(r) | Piece::Meta { range: r, .. } => r,
                };
                assert!(text.get(range.clone()).is_some(), "{text:?}: {range:?}");
            }
        }
        assert!(statements("  -- only a comment\n;\n").is_empty());
    }
}
