//! The `"scripts"` of a `package.json`, with the position of every
//! character of each command in the file, and the schema its `"prisma"`
//! key names.
//!
//! Only script values are commands: a description or a dependency named
//! like a command is not run. A JSON parser would give the values but not
//! where they are, so this small reader walks the top-level object, skips
//! every other value, and decodes the script strings itself, keeping for
//! each decoded byte the offset it came from (escapes like `\"` make the
//! two differ). Malformed JSON yields the scripts read before the error.

use std::ops::Range;

/// One script: its name, its command (decoded), and where each byte of the
/// command comes from in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub name: String,
    pub command: String,
    /// `offsets[i]`: file offset of the character that decoded to byte
    /// `i`; one extra entry, the offset of the closing quote.
    offsets: Vec<usize>,
}

impl Script {
    /// The file range of the bytes `range` of the command.
    pub fn file_range(&self, range: Range<usize>) -> Range<usize> {
        let at = |i: usize| self.offsets.get(i).copied().unwrap_or_default();
        let start = at(range.start);
        // The character after the range starts where the range ends; for
        // the last character that is the closing quote.
        start..at(range.end).max(start)
    }
}

/// The scripts of a `package.json`, in file order.
pub fn scripts(text: &str) -> Vec<Script> {
    let mut reader = Reader { text, pos: 0 };
    let mut found = Vec::new();
    reader.object(|reader, key| {
        if key == "scripts" && reader.peek() == Some('{') {
            reader.object(|reader, name| {
                if reader.peek() == Some('"') {
                    let (command, offsets) = reader.string()?;
                    found.push(Script {
                        name: name.to_owned(),
                        command,
                        offsets,
                    });
                    Some(())
                } else {
                    reader.skip_value()
                }
            })
        } else {
            reader.skip_value()
        }
    });
    found
}

/// The `prisma.schema` a `package.json` names (Prisma before 7 reads its
/// schema's place there).
pub fn prisma_schema(text: &str) -> Option<String> {
    let mut reader = Reader { text, pos: 0 };
    let mut found = None;
    reader.object(|reader, key| {
        if key == "prisma" && reader.peek() == Some('{') {
            reader.object(|reader, name| {
                if name == "schema" && reader.peek() == Some('"') {
                    found = Some(reader.string()?.0);
                    Some(())
                } else {
                    reader.skip_value()
                }
            })
        } else {
            reader.skip_value()
        }
    });
    found
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn eat(&mut self, expected: char) -> Option<()> {
        self.whitespace();
        (self.bump()? == expected).then_some(())
    }

    /// Reads `{ "key": value, ... }`, handing each value to `member`, which
    /// must consume it. `None` on malformed input.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat('{')?;
        self.whitespace();
        if self.peek() == Some('}') {
            self.bump();
            return Some(());
        }
        loop {
            self.whitespace();
            let (key, _) = self.string()?;
            self.eat(':')?;
            self.whitespace();
            member(self, &key)?;
            self.whitespace();
            match self.bump()? {
                ',' => {}
                '}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Reads a string literal, returning its value and the offsets of its
    /// characters (see [`Script`]).
    fn string(&mut self) -> Option<(String, Vec<usize>)> {
        if self.bump()? != '"' {
            return None;
        }
        let mut value = String::new();
        let mut offsets = Vec::new();
        loop {
            let at = self.pos;
            let c = match self.bump()? {
                '"' => {
                    offsets.push(at);
                    return Some((value, offsets));
                }
                '\\' => match self.bump()? {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => self.unicode_escape()?,
                    other => other,
                },
                c => c,
            };
            value.push(c);
            offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
        }
    }

    /// The character of `\uXXXX` (the `\u` already read), joining UTF-16
    /// surrogate pairs; unpaired surrogates become U+FFFD.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Some(char::from_u32(high).unwrap_or('\u{FFFD}'));
        }
        let rest = self.text.get(self.pos..)?;
        if rest.starts_with("\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Some(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Some('\u{FFFD}')
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(value)
    }

    /// Skips one JSON value of any kind.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            '"' => self.string().map(drop),
            '{' | '[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        '"' => {
                            self.string()?;
                            continue;
                        }
                        '{' | '[' => depth += 1,
                        '}' | ']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.bump();
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.bump();
                }
            }
            _ => {
                // Numbers, true, false, null.
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace())
                {
                    self.bump();
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_top_level_scripts() {
        let text = r#"{
  "name": "app",
  "description": "run \"prisma migrate reset\" for fun",
  "config": {"scripts": {"x": "dropdb nested"}},
  "list": [1, {"a": "]"}, null, true, -1.5e3],
  "scripts": {
    "db:reset": "prisma migrate reset --force",
    "n": 1,
    "wipe": "psql -c \"DROP TABLE \\\"User\\\"\" \u00e9"
  }
}"#;
        let scripts = scripts(text);
        let names: Vec<&str> = scripts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["db:reset", "wipe"]);
        assert_eq!(scripts[0].command, "prisma migrate reset --force");
        assert_eq!(scripts[1].command, r#"psql -c "DROP TABLE \"User\"" é"#);
        // Byte ranges of the command map back onto the file.
        let reset = &scripts[0];
        assert_eq!(&text[reset.file_range(0..6)], "prisma");
        let wipe = &scripts[1];
        let whole = wipe.file_range(0..wipe.command.len());
        assert_eq!(
            &text[whole],
            r#"psql -c \"DROP TABLE \\\"User\\\"\" \u00e9"#
        );
        let quote = wipe.command.find('"').unwrap();
        assert_eq!(&text[wipe.file_range(quote..quote + 1)], r#"\""#);
    }

    #[test]
    fn escapes_and_malformed_input() {
        let text = r#"{"scripts": {"a": "\ud83d\ude00 \ud800 x", "b": "#;
        let found = scripts(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].command, "😀 \u{FFFD} x");
        for text in [
            "",
            "[]",
            "{",
            "{\"scripts\": [\"dropdb x\"]}",
            "{\"a\" 1}",
            "{\"s\": \"\\u12\"}",
            "{\"a\": ]}",
        ] {
            assert_eq!(scripts(text), Vec::new(), "{text}");
        }
        assert_eq!(scripts("{}"), Vec::new());
    }
}
