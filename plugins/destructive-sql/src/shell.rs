//! Just enough of shell word splitting to read one command on one line:
//! quotes, backslash escapes, comments and the operators that end a
//! command. Positions are byte offsets into the line, so findings point at
//! what the user wrote.
//!
//! This is not a shell: variables, globs and here-documents stay as
//! written. The commands this rule looks for are plain words, and a
//! command hidden behind `eval` or a variable is out of reach anyway.

use std::ops::Range;

/// One shell word: its text with quotes and escapes removed, and where it
/// is in the line (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub range: Range<usize>,
}

impl Word {
    /// The text without trailing sentence punctuation, for comparing with
    /// command names in prose ("then run prisma migrate reset.").
    pub fn bare(&self) -> &str {
        self.text
            .trim_end_matches(['.', ',', ':', ';', '!', '?', ')', '*', '_'])
    }

    pub fn is_flag(&self) -> bool {
        self.text.starts_with('-')
    }
}

/// Characters that end a command outside quotes: `;`, `&&`, `||`, pipes,
/// subshell parentheses, redirections, and the backtick (command
/// substitution in shell, the end of inline code in Markdown).
fn ends_command(c: char) -> bool {
    matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>' | '`' | '\n')
}

/// The words of the command that starts at byte `from` of `line`, up to
/// the first unquoted operator or comment. An unterminated quote runs to
/// the end of the line.
///
/// `quoted`: the quote the whole command is written in (`run: "npx prisma
/// migrate reset"`, `Run "dropdb app" to start over`), found before
/// `from`; that quote ends the command instead of opening a string.
pub fn command_words(line: &str, from: usize, quoted: Option<char>) -> Vec<Word> {
    let Some(rest) = line.get(from..) else {
        return Vec::new();
    };
    let mut words = Vec::new();
    // The word being read, where it starts, and the end of its last character.
    let mut current: Option<(String, usize)> = None;
    let mut end = from;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = from + i;
        if c.is_whitespace() {
            if let Some((text, start)) = current.take() {
                words.push(Word {
                    text,
                    range: start..end,
                });
            }
            continue;
        }
        // `#` starts a comment only at the start of a word.
        if ends_command(c) || (c == '#' && current.is_none()) || Some(c) == quoted {
            break;
        }
        let (text, _) = current.get_or_insert_with(|| (String::new(), at));
        end = at + c.len_utf8();
        match c {
            '\'' => {
                for (j, c) in chars.by_ref() {
                    end = from + j + c.len_utf8();
                    if c == '\'' {
                        break;
                    }
                    text.push(c);
                }
            }
            '"' => {
                while let Some((j, c)) = chars.next() {
                    end = from + j + c.len_utf8();
                    match c {
                        '"' => break,
                        // Inside double quotes a backslash escapes only these.
                        '\\' if chars
                            .peek()
                            .is_some_and(|&(_, n)| matches!(n, '"' | '\\' | '$' | '`')) =>
                        {
                            if let Some((k, n)) = chars.next() {
                                end = from + k + n.len_utf8();
                                text.push(n);
                            }
                        }
                        _ => text.push(c),
                    }
                }
            }
            '\\' => {
                if let Some((k, n)) = chars.next() {
                    end = from + k + n.len_utf8();
                    text.push(n);
                }
            }
            _ => text.push(c),
        }
    }
    if let Some((text, start)) = current {
        words.push(Word {
            text,
            range: start..end,
        });
    }
    words
}

/// Where the comment of a shell (or YAML, Makefile) line starts: the first
/// unquoted `#` at the start of a word; the line's length if there is none.
pub fn comment_start(line: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut word_start = true;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            word_start = false;
            continue;
        }
        match quote {
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '#' if word_start => return i,
                '\\' => escaped = true,
                '\'' | '"' => quote = Some(c),
                _ => {}
            },
        }
        word_start = quote.is_none() && (c.is_whitespace() || ends_command(c));
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str, from: usize) -> Vec<String> {
        command_words(line, from, None)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn words_are_unquoted_and_stop_at_operators() {
        assert_eq!(
            texts(r#"psql "$URL" -c 'DROP TABLE "x"' && echo ok"#, 0),
            ["psql", "$URL", "-c", r#"DROP TABLE "x""#]
        );
        assert_eq!(
            texts(r#"psql -c "DELETE FROM \"a\"; SELECT 1" | cat"#, 0),
            ["psql", "-c", r#"DELETE FROM "a"; SELECT 1"#]
        );
        assert_eq!(
            texts("run `npx prisma migrate reset` now", 5),
            ["npx", "prisma", "migrate", "reset"]
        );
        assert_eq!(texts("dropdb x # never mind", 0), ["dropdb", "x"]);
        assert_eq!(texts("a#b c", 0), ["a#b", "c"]);
        assert_eq!(texts("(cd x && prisma)", 1), ["cd", "x"]);
        assert_eq!(texts("x", 5), Vec::<String>::new());
        let line = r#"Run "dropdb app" and "createdb app"."#;
        let words = command_words(line, 5, Some('"'));
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["dropdb", "app"]);
        assert_eq!(&line[words[1].range.clone()], "app");
    }

    #[test]
    fn word_ranges_include_quotes() {
        let line = r#"psql -c "DROP TABLE x"; next"#;
        let words = command_words(line, 0, None);
        assert_eq!(&line[words[2].range.clone()], r#""DROP TABLE x""#);
        let line = "psql -c 'TRUNCATE t";
        let words = command_words(line, 0, None);
        assert_eq!(&line[words[2].range.clone()], "'TRUNCATE t");
        let line = "a b\\ c";
        let words = command_words(line, 0, None);
        assert_eq!(words[1].text, "b c");
        assert_eq!(&line[words[1].range.clone()], "b\\ c");
    }

    #[test]
    fn comments_start_at_an_unquoted_word() {
        assert_eq!(comment_start("# all of it"), 0);
        assert_eq!(comment_start("  dropdb x # why"), 11);
        assert_eq!(comment_start(r#"echo "a # b" 'c # d' e#f"#), 24);
        assert_eq!(comment_start(r"echo \# x"), 9);
        assert_eq!(comment_start("x;# y"), 2);
    }
}
