//! Reading Markdown for commands: which lines are comments, and which
//! sentences forbid a command rather than tell the reader to run it.
//!
//! Documentation both instructs ("if it fails, run `npx prisma migrate
//! reset`") and warns ("❌ Never run without user consent: npm exec prisma
//! migrate reset"). Only the first is a problem, so a command in a
//! sentence that says never, don't, do not, must not, should not,
//! forbidden or prohibited (or carries ❌, 🚫, ⛔) is left alone. Sentences
//! end at `.`, `!`, `?` or `;` followed by a space, outside inline code.

/// Words that make a sentence a prohibition.
const NEGATIONS: &[&str] = &[
    "never",
    "don't",
    "dont",
    "mustn't",
    "shouldn't",
    "forbidden",
    "prohibited",
];
/// Two-word prohibitions (`do not`, `must not`, `should not`).
const NEGATION_PAIRS: &[(&str, &str)] = &[("do", "not"), ("must", "not"), ("should", "not")];
const NEGATION_SIGNS: &[char] = &['❌', '🚫', '⛔'];

/// Languages of fenced code blocks whose `#` lines are shell comments
/// (an unlabelled fence is most often shell in a migration repository).
const SHELL_FENCES: &[&str] = &[
    "",
    "sh",
    "bash",
    "shell",
    "zsh",
    "console",
    "terminal",
    "shell-session",
];

/// Tracks fenced code blocks line by line.
#[derive(Debug, Default)]
pub struct Fences {
    /// The open fence: its character, its length, and whether it holds shell.
    open: Option<(char, usize, bool)>,
}

impl Fences {
    /// Feeds one line; true when it should be skipped: a fence line
    /// itself, or a comment line in a shell code block.
    pub fn skip(&mut self, line: &str) -> bool {
        let trimmed = line.trim_start();
        let fence_char = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'));
        if let Some(c) = fence_char {
            let len = trimmed.chars().take_while(|&x| x == c).count();
            if len >= 3 {
                match self.open {
                    None => {
                        let info = trimmed.get(len..).unwrap_or("").trim();
                        let language = info
                            .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase();
                        self.open = Some((c, len, SHELL_FENCES.contains(&language.as_str())));
                        return true;
                    }
                    Some((open, open_len, _))
                        if open == c
                            && len >= open_len
                            && trimmed.get(len..).is_some_and(|r| r.trim().is_empty()) =>
                    {
                        self.open = None;
                        return true;
                    }
                    Some(_) => {}
                }
            }
        }
        matches!(self.open, Some((_, _, true))) && trimmed.starts_with('#')
    }
}

/// True when the sentence of `line` around byte `at` forbids what it
/// mentions.
pub fn forbidden(line: &str, at: usize) -> bool {
    let sentence = sentence_around(line, at);
    if sentence.contains(NEGATION_SIGNS) {
        return true;
    }
    let lower = sentence.to_lowercase().replace('’', "'");
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| NEGATIONS.contains(w))
        || words
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if NEGATION_PAIRS.contains(&(*a, *b))))
}

/// The sentence of `line` that contains byte `at`.
fn sentence_around(line: &str, at: usize) -> &str {
    let mut start = 0;
    let mut in_code = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            in_code = !in_code;
            continue;
        }
        let ends = !in_code
            && matches!(c, '.' | '!' | '?' | ';')
            && chars.peek().is_some_and(|(_, n)| n.is_whitespace());
        if ends {
            let end = i + c.len_utf8();
            if end > at {
                return line.get(start..end).unwrap_or(line);
            }
            start = end;
        }
    }
    line.get(start..).unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbids(line: &str, word: &str) -> bool {
        forbidden(line, line.find(word).unwrap())
    }

    #[test]
    fn prohibitions_in_the_same_sentence() {
        for (line, command) in [
            (
                "❌ Never run without user consent: npm exec prisma migrate reset",
                "prisma",
            ),
            (
                "- NEVER run `prisma migrate reset` against production",
                "prisma",
            ),
            ("Do not use `dropdb` here.", "dropdb"),
            ("Don’t run prisma migrate reset", "prisma"),
            ("`prisma migrate reset` is forbidden in CI", "prisma"),
            ("Fine. You must not run psql -c 'TRUNCATE t'", "psql"),
            ("| `prisma migrate reset` | 🚫 |", "prisma"),
        ] {
            assert!(forbids(line, command), "{line}");
        }
    }

    #[test]
    fn instructions_are_not_prohibitions() {
        for line in [
            "If it fails, run `npx prisma migrate reset`.",
            "Never edit applied migrations. If it fails, run `npx prisma migrate reset`.",
            "Nevertheless, run `npx prisma migrate reset`",
            "Never mind; run prisma migrate reset",
            "Run `a. b` first, then `prisma migrate reset`. Never skip tests.",
        ] {
            assert!(!forbids(line, "prisma migrate reset"), "{line}");
        }
    }

    #[test]
    fn fences_and_their_comments() {
        let mut fences = Fences::default();
        let skipped: Vec<bool> = [
            "# Heading",
            "```bash",
            "# drop everything: dropdb app",
            "dropdb app",
            "```",
            "~~~~sql",
            "# not a comment in SQL",
            "~~~",
            "~~~~",
            "# Heading again",
        ]
        .iter()
        .map(|line| fences.skip(line))
        .collect();
        assert_eq!(
            skipped,
            [
                false, true, true, false, true, true, false, false, true, false
            ]
        );
    }
}
