//! Tokens of the Prisma schema language.
//!
//! PSL is newline-sensitive (a field, a key-value pair and an attribute list
//! each end at the end of their line), so newlines are tokens here and all
//! other whitespace is skipped. Comments are tokens too: the parser decides
//! whether a `///` line documents the next block or field. The lexer never
//! fails: a character no token starts with becomes an [`Tok::Unknown`] token
//! and an unterminated string or block comment ends at the end of its line
//! or file, flagged for the parser to report.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    /// `[A-Za-z0-9][A-Za-z0-9_-]*` that is not a number.
    Ident,
    /// `-?[0-9]+(\.[0-9]+)?`.
    Number,
    /// A double-quoted string, quotes included.
    Str,
    /// A string missing its closing quote (it ends at the end of the line).
    UnterminatedStr,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Equals,
    Question,
    Bang,
    At,
    AtAt,
    Dot,
    Newline,
    /// `// ...` up to the end of the line.
    LineComment,
    /// `/// ...` up to the end of the line.
    DocComment,
    /// `/* ... */`, possibly over several lines.
    BlockComment,
    /// `/* ...` without its `*/` (it runs to the end of the file).
    UnterminatedBlockComment,
    /// Any other character.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn is_comment(self) -> bool {
        matches!(
            self,
            Tok::LineComment | Tok::DocComment | Tok::BlockComment | Tok::UnterminatedBlockComment
        )
    }
}

/// Splits `text` into tokens; whitespace other than newlines is dropped.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = text.get(pos..).and_then(|rest| rest.chars().next()) {
        let start = pos;
        let byte_at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let kind = match c {
            '\n' => {
                pos += 1;
                Tok::Newline
            }
            '\r' => {
                // `\r\n` and a lone `\r` (old Mac files) are one newline each.
                pos += if byte_at(pos + 1) == b'\n' { 2 } else { 1 };
                Tok::Newline
            }
            c if c.is_whitespace() => {
                pos += c.len_utf8();
                continue;
            }
            '/' if byte_at(pos + 1) == b'/' => {
                pos = line_end(bytes, pos);
                if byte_at(start + 2) == b'/' {
                    Tok::DocComment
                } else {
                    Tok::LineComment
                }
            }
            '/' if byte_at(pos + 1) == b'*' => match text.get(pos + 2..).and_then(|r| r.find("*/"))
            {
                Some(close) => {
                    pos += 2 + close + 2;
                    Tok::BlockComment
                }
                None => {
                    pos = text.len();
                    Tok::UnterminatedBlockComment
                }
            },
            '"' => {
                let (end, closed) = string_end(bytes, pos);
                pos = end;
                if closed {
                    Tok::Str
                } else {
                    Tok::UnterminatedStr
                }
            }
            '-' if byte_at(pos + 1).is_ascii_digit() => {
                pos = number_end(bytes, pos + 1);
                Tok::Number
            }
            c if c.is_ascii_alphanumeric() => {
                let end = word_end(bytes, pos);
                let word = bytes.get(pos..end).unwrap_or_default();
                if word.iter().all(u8::is_ascii_digit) {
                    // Identifiers may start with a digit; only an
                    // all-digit word (with an optional fraction) is a number.
                    pos = number_end(bytes, pos);
                    Tok::Number
                } else {
                    pos = end;
                    Tok::Ident
                }
            }
            _ => {
                pos += c.len_utf8();
                match c {
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    '=' => Tok::Equals,
                    '?' => Tok::Question,
                    '!' => Tok::Bang,
                    '.' => Tok::Dot,
                    '@' if byte_at(pos) == b'@' => {
                        pos += 1;
                        Tok::AtAt
                    }
                    '@' => Tok::At,
                    _ => Tok::Unknown,
                }
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: pos,
        });
    }
    tokens
}

fn line_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&b) = bytes.get(pos) {
        if b == b'\n' || b == b'\r' {
            break;
        }
        pos += 1;
    }
    pos
}

fn word_end(bytes: &[u8], mut pos: usize) -> usize {
    while bytes
        .get(pos)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    {
        pos += 1;
    }
    pos
}

/// The end of `digits(.digits)?` starting at `pos`.
fn number_end(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    if bytes.get(pos) == Some(&b'.') && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) {
        pos += 1;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    pos
}

/// The end of the string starting at the quote at `pos`, and whether it was
/// closed. Strings cannot span lines: a newline ends an unterminated one.
fn string_end(bytes: &[u8], mut pos: usize) -> (usize, bool) {
    pos += 1;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'"' => return (pos + 1, true),
            b'\\'
                if bytes
                    .get(pos + 1)
                    .is_some_and(|n| *n != b'\n' && *n != b'\r') =>
            {
                pos += 2
            }
            b'\n' | b'\r' => return (pos, false),
            _ => pos += 1,
        }
    }
    (pos, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        tokenize(text).iter().map(|t| t.kind).collect()
    }

    #[test]
    fn words_numbers_and_punctuation() {
        use Tok::*;
        assert_eq!(
            kinds("id Int @id @@map(\"a\") db.VarChar(-1.5) 1abc a-b\r\n"),
            [
                Ident, Ident, At, Ident, AtAt, Ident, LParen, Str, RParen, Ident, Dot, Ident,
                LParen, Number, RParen, Ident, Ident, Newline
            ]
        );
    }

    #[test]
    fn comments_and_unterminated_tokens() {
        use Tok::*;
        assert_eq!(
            kinds("// c\n/// d\n/* a\nb */ x \"open\n/* never"),
            [
                LineComment,
                Newline,
                DocComment,
                Newline,
                BlockComment,
                Ident,
                UnterminatedStr,
                Newline,
                UnterminatedBlockComment
            ]
        );
    }

    #[test]
    fn escaped_quotes_stay_inside_strings() {
        let tokens = tokenize(r#""a \"b\" c" x"#);
        assert_eq!(tokens[0].kind, Tok::Str);
        assert_eq!(tokens[0].end, 11);
        assert_eq!(tokens[1].kind, Tok::Ident);
    }
}
