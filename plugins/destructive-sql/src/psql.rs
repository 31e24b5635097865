//! Destructive SQL in a `psql -c` argument, found without a parser.
//!
//! The host parses `.sql` files only, and a rule has no parser of its own,
//! so the SQL of a command line is read with a token scan: comments,
//! string literals, quoted identifiers and dollar-quoted bodies are skipped
//! as units, the text is cut into statements at `;`, and a statement counts
//! when its first keywords are `DROP TABLE`, `DROP DATABASE`,
//! `DROP SCHEMA`, `TRUNCATE`, or `DELETE FROM` with no `WHERE` anywhere in
//! it. A keyword inside a string (`SELECT 'DROP TABLE x'`) is never at the
//! start of a statement, so it cannot match.

use crate::one_line;

/// A token of the scan: a keyword-like word (upper-cased) or `;`.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Semicolon,
    Other,
}

/// The first destructive statement of `sql`, as written (trimmed, with
/// runs of whitespace collapsed).
pub fn destructive(sql: &str) -> Option<String> {
    let mut statement: Vec<String> = Vec::new();
    let mut start = None;
    let mut end = 0;
    for (token, range) in tokens(sql) {
        match token {
            Token::Semicolon => {
                if is_destructive(&statement) {
                    return Some(one_line(sql.get(start.unwrap_or(0)..end)?));
                }
                statement.clear();
                start = None;
            }
            Token::Word(word) => {
                start.get_or_insert(range.start);
                end = range.end;
                statement.push(word);
            }
            Token::Other => {
                start.get_or_insert(range.start);
                end = range.end;
                // Keeps `DELETE FROM t` and `DELETE "FROM" t` apart.
                statement.push(String::new());
            }
        }
    }
    is_destructive(&statement).then(|| one_line(sql.get(start.unwrap_or(0)..end).unwrap_or("")))
}

fn is_destructive(words: &[String]) -> bool {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    match word(0) {
        "DROP" => matches!(word(1), "TABLE" | "DATABASE" | "SCHEMA"),
        "TRUNCATE" => true,
        "DELETE" => word(1) == "FROM" && !words.iter().any(|w| w == "WHERE"),
        _ => false,
    }
}

/// The tokens of `sql` with their byte ranges; comments and whitespace
/// are dropped.
fn tokens(sql: &str) -> Vec<(Token, std::ops::Range<usize>)> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let next = bytes.get(i + 1).copied();
        let token = match b {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if next == Some(b'-') => {
                i = find(bytes, i, b"\n").map_or(bytes.len(), |e| e + 1);
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2);
                continue;
            }
            b';' => {
                i += 1;
                Token::Semicolon
            }
            // Doubled quotes inside are two adjacent literals: same result.
            b'\'' | b'"' => {
                i = find(bytes, i + 1, &[b]).map_or(bytes.len(), |e| e + 1);
                Token::Other
            }
            b'$' => {
                let tag_end = bytes
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().position(|c| !is_word_byte(*c)))
                    .map(|p| i + 1 + p);
                match tag_end {
                    Some(e) if bytes.get(e) == Some(&b'$') => {
                        let tag = bytes.get(i..=e).unwrap_or_default();
                        i = find(bytes, e + 1, tag).map_or(bytes.len(), |x| x + tag.len());
                    }
                    _ => i += 1,
                }
                Token::Other
            }
            b if is_word_byte(b) => {
                while bytes.get(i).is_some_and(|c| is_word_byte(*c)) {
                    i += 1;
                }
                Token::Word(sql.get(start..i).unwrap_or("").to_ascii_uppercase())
            }
            _ => {
                i += 1;
                // Skip the rest of a multi-byte character.
                while i < bytes.len() && !sql.is_char_boundary(i) {
                    i += 1;
                }
                Token::Other
            }
        };
        out.push((token, start..i));
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The offset of `needle` in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::destructive;

    #[test]
    fn destructive_statements_are_found() {
        assert_eq!(
            destructive("DROP TABLE users").as_deref(),
            Some("DROP TABLE users")
        );
        assert_eq!(
            destructive("select 1; drop   database\n app;").as_deref(),
            Some("drop database app")
        );
        assert_eq!(
            destructive("BEGIN; TRUNCATE \"Session\" CASCADE; COMMIT").as_deref(),
            Some("TRUNCATE \"Session\" CASCADE")
        );
        assert_eq!(
            destructive("DELETE FROM t").as_deref(),
            Some("DELETE FROM t")
        );
        assert_eq!(
            destructive("/* x */ -- y\nDROP SCHEMA s").as_deref(),
            Some("DROP SCHEMA s")
        );
    }

    #[test]
    fn harmless_statements_are_not() {
        for sql in [
            "SELECT 'DROP TABLE x'",
            "SELECT 1; -- DROP TABLE x",
            "/* TRUNCATE t; */ SELECT 1",
            "DELETE FROM t WHERE id = 1",
            "DELETE FROM t WHERE CURRENT OF c",
            "DROP INDEX i",
            "DROP VIEW v",
            "COMMENT ON TABLE t IS 'drop table later'",
            "SELECT $$TRUNCATE t$$",
            "SELECT $a$ ; DROP TABLE x; $a$",
            "CREATE TABLE drop_table (id int)",
            "SELECT truncate_log()",
            "",
            "'unterminated; DROP TABLE x",
            "é; $",
        ] {
            assert_eq!(destructive(sql), None, "{sql}");
        }
    }
}
