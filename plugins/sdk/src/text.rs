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
