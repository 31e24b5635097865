//! Hazards written in text: one line of a script, a CI step, a
//! package.json script or Markdown prose, where a command is not a parsed
//! shell line but words among other words (`Run \`npx prisma migrate
//! reset\` to start over.`, `run: dropdb app_test || true`).
//!
//! A command is found by its program's name as a whole word
//! ([`super::Family::PROGRAMS`]), a package runner right before it kept
//! (`npx`, `pnpm dlx`, `npm exec --`), and its words read up to the next
//! operator, closing quote or comment ([`command_words`], which forgives
//! prose: a sentence's full stop is not part of `reset.`). The words are
//! then handed to [`super::recognise`], as the guard hands a parsed
//! command, so a command written in a file and the same command about to
//! run are the same hazard. `--accept-data-loss` counts on its own too: in
//! a document it tells someone to pass it.

use std::ops::Range;

use super::{Family, recognise};
use crate::shell::{Command, Word as ShellWord};

/// A hazard written on a line: its family, the bytes that show the command
/// (its runner included, up to the words that make it this family), and
/// the command's words for callers that read its arguments (psql's `-c`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub family: Family,
    pub range: Range<usize>,
    pub words: Vec<Word>,
}

/// Every hazard written on `line`, in order of position.
pub fn scan(line: &str) -> Vec<Written> {
    let mut found = Vec::new();
    // `--accept-data-loss` flags already found with their prisma command.
    let mut claimed: Vec<usize> = Vec::new();
    for &program in Family::PROGRAMS {
        for at in occurrences(line, program, program == "prisma") {
            recognised(line, at, &mut found, &mut claimed);
        }
    }
    for at in occurrences(line, "--accept-data-loss", false) {
        if !claimed.contains(&at) {
            found.push(Written {
                family: Family::AcceptDataLoss,
                range: at..at + "--accept-data-loss".len(),
                words: command_words(line, at, None),
            });
        }
    }
    found.sort_by_key(|w| (w.range.start, w.range.end));
    found
}

/// The hazards of the command that runs the program named at `at`.
fn recognised(line: &str, at: usize, found: &mut Vec<Written>, claimed: &mut Vec<usize>) {
    let start = runner_start(line, at);
    let words = command_words(line, at, quote_before(line, start));
    let Some(last) = words.last() else {
        return;
    };
    // In prose the words carry a sentence's punctuation (`reset.`).
    let command = Command {
        words: words
            .iter()
            .map(|w| ShellWord {
                text: w.bare().to_owned(),
                range: w.range.clone(),
            })
            .collect(),
        range: start..last.range.end,
        ..Default::default()
    };
    for hazard in recognise(&command) {
        if hazard.family == Family::AcceptDataLoss
            && let Some(word) = words.get(hazard.word)
        {
            claimed.push(word.range.start);
        }
        // Prisma's commands end with their subcommand's flags (later words
        // may be prose); dropdb with its database; the others run to the
        // end of the command.
        let end = match hazard.family {
            Family::Dropdb => dropdb_end(&words, at),
            family if family.is_prisma() => end_with_flags(line, &words, hazard.word),
            _ => end_with_flags(line, &words, words.len() - 1),
        };
        found.push(Written {
            family: hazard.family,
            range: start..end,
            words: words.clone(),
        });
    }
}

/// `dropdb` options that take a separate value (the value is not the
/// database name).
const DROPDB_VALUE_OPTIONS: &[&str] = &[
    "-h",
    "--host",
    "-p",
    "--port",
    "-U",
    "--username",
    "--maintenance-db",
];

/// The end of a `dropdb` command: its one positional argument, the
/// database.
fn dropdb_end(words: &[Word], at: usize) -> usize {
    let mut end = at + "dropdb".len();
    let mut expects_value = false;
    for word in words.iter().skip(1) {
        end = word.range.end;
        if expects_value {
            expects_value = false;
        } else if word.is_flag() {
            expects_value = DROPDB_VALUE_OPTIONS.contains(&word.text.as_str());
        } else {
            break;
        }
    }
    end
}

/// Package runners that may precede `prisma` (`npx prisma`, `npm exec --
/// prisma`, `pnpm dlx prisma`, `bunx prisma`...).
const RUNNERS: &[&str] = &["npx", "bunx", "pnpx", "pnpm", "yarn", "bun", "npm"];
const RUNNER_WORDS: &[&str] = &["exec", "dlx", "x", "--", "-y", "--yes", "--no-install"];

/// Start offsets of `name` as a whole command word in `line`.
fn occurrences<'a>(
    line: &'a str,
    name: &'a str,
    versioned: bool,
) -> impl Iterator<Item = usize> + 'a {
    line.match_indices(name)
        .map(|(at, _)| at)
        .filter(move |&at| starts_word(line, at) && ends_word(line, at + name.len(), versioned))
}

fn starts_word(line: &str, at: usize) -> bool {
    let before = line.get(..at).unwrap_or("");
    match before.chars().next_back() {
        None => true,
        Some(c) if c.is_whitespace() || "`\"'(=/:{[".contains(c) => true,
        // Make's recipe prefixes (`@dropdb x`, `-dropdb x`).
        Some('@' | '-' | '+') => before
            .trim_start()
            .chars()
            .all(|c| matches!(c, '@' | '-' | '+')),
        Some(_) => false,
    }
}

/// `versioned`: `prisma@5.22.0` is still the prisma command.
fn ends_word(line: &str, end: usize, versioned: bool) -> bool {
    let mut after = line.get(end..).unwrap_or("").chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '-' | '/') => false,
        // `prisma.config.ts`, `dropdb.sh`; a full stop ends a sentence.
        Some('.') => !after.next().is_some_and(char::is_alphanumeric),
        Some('@') => versioned,
        Some(_) => true,
    }
}

/// The quote right before `start`, if the command is written in quotes.
fn quote_before(line: &str, start: usize) -> Option<char> {
    line.get(..start)?
        .chars()
        .next_back()
        .filter(|c| matches!(c, '"' | '\''))
}

/// Where the command that runs `prisma` at `at` starts: at a package
/// runner right before it (`npx`, `pnpm dlx`, `npm exec --`), else at
/// `prisma` itself.
fn runner_start(line: &str, at: usize) -> usize {
    let before = line.get(..at).unwrap_or("");
    let mut start = at;
    let mut cursor = before.trim_end();
    while let Some((rest, word)) = last_word(cursor) {
        if !RUNNER_WORDS.contains(&word) {
            // Quotes and inline code before the runner, Make's `@` prefix.
            let bare = word.trim_start_matches(['`', '"', '\'', '(', '@', '-', '+']);
            if !RUNNERS.contains(&bare) {
                break;
            }
            start = rest.len() + (word.len() - bare.len());
        }
        cursor = rest.trim_end();
    }
    start
}

/// Splits `text` into everything before its last whitespace-separated word
/// and that word.
fn last_word(text: &str) -> Option<(&str, &str)> {
    if text.is_empty() {
        return None;
    }
    let split = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some((text.get(..split)?, text.get(split..)?))
}

/// End of the word at `index`, extended over the flags right after it
/// (`prisma migrate reset --force --skip-seed`), without the full stop of
/// a sentence in prose.
fn end_with_flags(line: &str, words: &[Word], index: usize) -> usize {
    let Some(last) = words
        .iter()
        .skip(index)
        .enumerate()
        .take_while(|(i, w)| *i == 0 || w.is_flag())
        .map(|(_, w)| w)
        .last()
    else {
        return 0;
    };
    // The quote that closes a quoted command (`run: "npx prisma migrate
    // reset"`) opens a new one for the shell reader: it is not part of the
    // command, nor is the full stop of a sentence.
    let raw = line.get(last.range.clone()).unwrap_or("");
    let unquoted = if last.text.ends_with(['"', '\'']) {
        raw
    } else {
        raw.trim_end_matches(['"', '\''])
    };
    let punctuation = last.text.get(last.bare().len()..).unwrap_or("");
    let kept = unquoted.strip_suffix(punctuation).unwrap_or(unquoted);
    last.range.start + kept.len()
}

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
