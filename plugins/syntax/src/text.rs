//! Positions in text: byte offsets to 1-based line/column spans.
//!
//! Columns count Unicode scalar values, like rustc, so a finding lines up
//! with what an editor shows regardless of multi-byte characters.

/// A 1-based, inclusive range of lines and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    /// A span covering one whole line's first `len` columns.
    pub fn line(line: u32, column: u32, end_column: u32) -> Self {
        Self {
            line,
            column,
            end_line: line,
            end_column,
        }
    }

    /// The span of the byte range `range` in `text` (computes a line index;
    /// use [`LineIndex`] when converting many ranges of one text).
    pub fn of_range(text: &str, range: std::ops::Range<usize>) -> Self {
        LineIndex::new(text).span(text, range)
    }
}

/// Byte offsets of line starts, for repeated offset to line/column lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // memchr, not `match_indices`: core's search is scalar in WASM,
        // memchr's uses SIMD128 (enabled for the workspace's plugins).
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 1-based (line, column) of byte `offset` (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = text[self.starts[line]..offset].chars().count() + 1;
        (to_u32(line + 1), to_u32(column))
    }

    /// The span of `range`; the end is the last character inside the range.
    pub fn span(&self, text: &str, range: std::ops::Range<usize>) -> Span {
        let (line, column) = self.position(text, range.start);
        let last = if range.end > range.start {
            let end = floor_char_boundary(text, range.end.min(text.len()));
            // Step back to the start of the last character in the range.
            text[..end]
                .char_indices()
                .next_back()
                .map_or(range.start, |(i, _)| i.max(range.start))
        } else {
            range.start
        };
        let (end_line, end_column) = self.position(text, last);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// True when `word` occurs in `text` as a whole word: not inside a longer
/// name (`dropdb` in `pg_dropdb` or `dropdbs` is not the word; `dropdb` in
/// `os.system('dropdb app')` is).
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word).any(|(at, _)| {
        let before = text.get(..at).and_then(|b| b.chars().next_back());
        let after = text.get(at + word.len()..).and_then(|a| a.chars().next());
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
}

/// The pieces of `text` between occurrences of the ASCII byte `sep`, as
/// `text.split(sep)` yields them, found with memchr: core's `split` looks
/// for each separator with a fresh scalar search, which in WASM made
/// splitting the host's 2,000-name kind table (once per instance) a
/// twentieth of the SQL rules phase on 2,000 small migrations.
pub fn split_ascii(text: &str, sep: u8) -> SplitAscii<'_> {
    debug_assert!(sep.is_ascii());
    SplitAscii {
        text,
        start: 0,
        end: text.len(),
        seps: memchr::memchr_iter(sep, text.as_bytes()),
        done: false,
    }
}

/// Like [`split_ascii`], but a `sep` ending `text` ends the last piece
/// rather than starting an empty one (`str::split_terminator`).
pub fn split_ascii_terminated(text: &str, sep: u8) -> SplitAscii<'_> {
    let mut split = split_ascii(text.strip_suffix(char::from(sep)).unwrap_or(text), sep);
    split.done = text.is_empty();
    split
}

/// The pieces of a string between occurrences of one ASCII byte, in order
/// (what [`Paths::iter`](crate::Paths::iter) returns).
#[derive(Debug, Clone)]
pub struct SplitAscii<'a> {
    text: &'a str,
    /// The unreturned pieces lie in `text[start..end]`.
    start: usize,
    end: usize,
    seps: memchr::Memchr<'a>,
    done: bool,
}

impl<'a> Iterator for SplitAscii<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let start = self.start;
        match self.seps.next() {
            Some(at) => {
                self.start = at + 1;
                // An ASCII byte is always a character boundary.
                Some(&self.text[start..at])
            }
            None => {
                self.done = true;
                Some(&self.text[start..self.end])
            }
        }
    }
}

impl<'a> DoubleEndedIterator for SplitAscii<'a> {
    fn next_back(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let end = self.end;
        match self.seps.next_back() {
            Some(at) => {
                self.end = at;
                Some(&self.text[at + 1..end])
            }
            None => {
                self.done = true;
                Some(&self.text[self.start..end])
            }
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_splits_match_core_splits() {
        // Long enough that memchr takes its vectorised path, with
        // separators at the ends, doubled, and next to multi-byte text.
        let long = format!("{}\nçé\n\n{}\n", "a".repeat(100), "b".repeat(70));
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\n\nb\n\n",
            long.as_str(),
        ] {
            let split: Vec<&str> = split_ascii(text, b'\n').collect();
            assert_eq!(split, text.split('\n').collect::<Vec<_>>(), "{text:?}");
            let back: Vec<&str> = split_ascii(text, b'\n').rev().collect();
            assert_eq!(back, text.split('\n').rev().collect::<Vec<_>>(), "{text:?}");
            // From both ends at once, meeting in the middle.
            let mut both = split_ascii(text, b'\n');
            let mut front = Vec::new();
            let mut rear = Vec::new();
            while let Some(piece) = both.next() {
                front.push(piece);
                let Some(piece) = both.next_back() else { break };
                rear.push(piece);
            }
            front.extend(rear.into_iter().rev());
            assert_eq!(front, split, "{text:?}");
            let terminated: Vec<&str> = split_ascii_terminated(text, b'\n').collect();
            assert_eq!(
                terminated,
                text.split_terminator('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
            let back: Vec<&str> = split_ascii_terminated(text, b'\n').rev().collect();
            assert_eq!(
                back,
                text.split_terminator('\n').rev().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let text = "ab\nçd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 1));
        // 'd' is after the two-byte 'ç'.
        assert_eq!(index.position(text, 5), (2, 2));
        assert_eq!(
            index.span(text, 3..6),
            Span {
                line: 2,
                column: 1,
                end_line: 2,
                end_column: 2
            }
        );
    }

    #[test]
    fn empty_range_and_out_of_bounds_are_clamped() {
        let text = "x";
        assert_eq!(Span::of_range(text, 5..9), Span::line(1, 2, 2));
        assert_eq!(Span::of_range(text, 0..0), Span::line(1, 1, 1));
    }
}
