//! Markdown as the rule reads it: a flat list of leaf blocks (paragraphs,
//! list-item text, headings, code blocks, table cells), each with its byte
//! range in the file and the context that can turn a command into a
//! prohibition (enclosing list items, the sentence introducing a list or a
//! code block, enclosing headings).
//!
//! Parsed with pulldown-cmark, so a `#` line inside a fenced code block is
//! code, not a heading, and YAML front matter (Cursor's `.mdc` rules) is
//! skipped.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What kind of block a leaf is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// A paragraph, the text of a list item or a table cell.
    Prose,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// The content of a fenced or indented code block.
    Code,
}

/// One leaf block.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub kind: LeafKind,
    /// The source range: from the first to the last inline of the block
    /// (the whole heading line for headings).
    pub range: Range<usize>,
    /// The plain text (code spans without backticks, line breaks as spaces).
    pub text: String,
    /// Source ranges of the inline code spans (backticks included).
    pub code: Vec<Range<usize>>,
    /// Leaves whose words apply to this one: the first block of every
    /// enclosing list item, and the sentence ending with `:` that
    /// introduces an enclosing list or this code block.
    pub context: Vec<usize>,
    /// Enclosing headings, outermost first.
    pub headings: Vec<usize>,
    /// A fenced code block of Markdown: text quoted for a reader to copy
    /// (a template), not guidance to this reader.
    pub quoted: bool,
    /// The innermost list or list item holding the leaf (0: none).
    parent: usize,
}

/// A parsed Markdown file.
#[derive(Debug, Clone)]
pub struct Doc {
    pub leaves: Vec<Leaf>,
}

impl Doc {
    pub fn parse(text: &str) -> Self {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
        let mut b = Builder::default();
        for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
            match event {
                Event::Start(tag) => b.start(tag, range),
                Event::End(tag) => b.end(tag),
                Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) if !b.in_metadata => {
                    b.inline(&t, range, false);
                }
                Event::Code(t) => b.inline(&t, range, true),
                Event::SoftBreak | Event::HardBreak => b.text.push(' '),
                _ => {}
            }
        }
        b.flush();
        Self { leaves: b.leaves }
    }

    /// The headings, as leaf indices.
    pub fn headings(&self) -> impl Iterator<Item = usize> + '_ {
        self.leaves
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LeafKind::Heading(_)))
            .map(|(i, _)| i)
    }

    /// The leaves of the section under heading `h` (its subsections
    /// included, the heading itself excluded).
    pub fn section(&self, h: usize) -> &[Leaf] {
        let Some(LeafKind::Heading(level)) = self.leaves.get(h).map(|l| l.kind) else {
            return &[];
        };
        let start = h + 1;
        let end = self
            .leaves
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, l)| matches!(l.kind, LeafKind::Heading(n) if n <= level))
            .map_or(self.leaves.len(), |(i, _)| i);
        self.leaves.get(start..end).unwrap_or(&[])
    }
}

/// An open list or list item.
#[derive(Debug, Clone, Copy)]
struct Container {
    id: usize,
    item: bool,
    /// For an item, its first leaf; for a list, the sentence introducing it.
    leaf: Option<usize>,
}

#[derive(Debug, Default)]
struct Builder {
    leaves: Vec<Leaf>,
    kind: Option<LeafKind>,
    block: Option<Range<usize>>,
    range: Option<Range<usize>>,
    text: String,
    code: Vec<Range<usize>>,
    containers: Vec<Container>,
    headings: Vec<(u8, usize)>,
    in_metadata: bool,
    quoted: bool,
    next_id: usize,
}

impl Builder {
    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => {}
            Tag::MetadataBlock(_) => {
                self.flush();
                self.in_metadata = true;
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.kind = Some(LeafKind::Heading(level as u8));
                self.block = Some(range);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.kind = Some(LeafKind::Code);
                self.quoted = matches!(
                    kind,
                    pulldown_cmark::CodeBlockKind::Fenced(info)
                        if matches!(info.split_whitespace().next(), Some("markdown" | "md" | "mdx"))
                );
            }
            Tag::List(_) => {
                self.flush();
                let leaf = self.lead_in();
                self.push(false, leaf);
            }
            Tag::Item => {
                self.flush();
                self.push(true, None);
            }
            _ => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {}
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            TagEnd::List(_) | TagEnd::Item => {
                self.flush();
                self.containers.pop();
            }
            _ => self.flush(),
        }
    }

    fn inline(&mut self, text: &str, range: Range<usize>, code: bool) {
        if code {
            self.code.push(range.clone());
        }
        self.text.push_str(text);
        self.range = Some(match self.range.take() {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range,
        });
    }

    fn push(&mut self, item: bool, leaf: Option<usize>) {
        self.next_id += 1;
        self.containers.push(Container {
            id: self.next_id,
            item,
            leaf,
        });
    }

    fn parent(&self) -> usize {
        self.containers.last().map_or(0, |c| c.id)
    }

    /// The last leaf, when it ends with `:` and is in the same list item
    /// (or outside lists, like what follows): it introduces what follows.
    fn lead_in(&self) -> Option<usize> {
        let last = self.leaves.len().checked_sub(1)?;
        let leaf = self.leaves.get(last)?;
        (leaf.kind != LeafKind::Code
            && leaf.parent == self.parent()
            && leaf.text.trim_end().ends_with(':'))
        .then_some(last)
    }

    fn flush(&mut self) {
        let kind = self.kind.take().unwrap_or(LeafKind::Prose);
        let block = self.block.take();
        let range = self.range.take();
        let text = std::mem::take(&mut self.text);
        let code = std::mem::take(&mut self.code);
        let quoted = std::mem::take(&mut self.quoted);
        let range = match (kind, block, range) {
            (LeafKind::Heading(_), Some(block), _) => block,
            (_, _, Some(range)) => range,
            _ => return,
        };
        let index = self.leaves.len();
        let mut context: Vec<usize> = self.containers.iter().filter_map(|c| c.leaf).collect();
        if kind == LeafKind::Code {
            context.extend(self.lead_in());
        }
        if let LeafKind::Heading(level) = kind {
            while self.headings.last().is_some_and(|(l, _)| *l >= level) {
                self.headings.pop();
            }
        }
        let headings = self.headings.iter().map(|(_, i)| *i).collect();
        if let LeafKind::Heading(level) = kind {
            self.headings.push((level, index));
        }
        if let Some(c) = self.containers.last_mut()
            && c.item
            && c.leaf.is_none()
        {
            c.leaf = Some(index);
        }
        let parent = self.parent();
        self.leaves.push(Leaf {
            kind,
            range,
            text,
            code,
            context,
            headings,
            quoted,
            parent,
        });
    }
}

/// True when `text` forbids something: never, don't, do not, must not,
/// should not, forbidden, prohibited, "without ... consent", or ❌ 🚫 ⛔.
pub fn forbids(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "never",
        "don't",
        "dont",
        "mustn't",
        "shouldn't",
        "forbidden",
        "prohibited",
    ];
    const PAIRS: &[(&str, &str)] = &[("do", "not"), ("must", "not"), ("should", "not")];
    const SIGNS: &[char] = &['❌', '🚫', '⛔'];
    if text.contains(SIGNS) {
        return true;
    }
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let without = words.iter().position(|w| *w == "without");
    words.iter().any(|w| WORDS.contains(w))
        || words
            .windows(2)
            .any(|p| matches!(p, [a, b] if PAIRS.contains(&(*a, *b))))
        || without.is_some_and(|i| words.iter().skip(i).any(|w| w.starts_with("consent")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(LeafKind, String)> {
        Doc::parse(text)
            .leaves
            .into_iter()
            .map(|l| (l.kind, l.text))
            .collect()
    }

    #[test]
    fn headings_in_code_blocks_are_code() {
        let leaves = kinds("# A\n\n```md\n## When Modifying Database Schema\n```\n\ntext\n");
        assert_eq!(
            leaves,
            [
                (LeafKind::Heading(1), "A".to_owned()),
                (
                    LeafKind::Code,
                    "## When Modifying Database Schema\n".to_owned()
                ),
                (LeafKind::Prose, "text".to_owned()),
            ]
        );
    }

    #[test]
    fn list_items_carry_their_context() {
        let text = "## Rules\n\nNever do this:\n\n- ❌ Forbidden:\n  - `x`\n- y\n";
        let doc = Doc::parse(text);
        let texts: Vec<&str> = doc.leaves.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Rules", "Never do this:", "❌ Forbidden:", "x", "y"]
        );
        assert_eq!(doc.leaves[3].context, [1, 2, 2]);
        assert_eq!(doc.leaves[4].context, [1]);
        assert_eq!(doc.leaves[4].headings, [0]);
        assert_eq!(&text[doc.leaves[3].range.clone()], "`x`");
    }

    #[test]
    fn a_lead_in_introduces_only_its_own_item() {
        let doc = Doc::parse("- Never do this:\n- run:\n  ```\n  x\n  ```\n");
        let texts: Vec<&str> = doc.leaves.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Never do this:", "run:", "x\n"]);
        assert_eq!(doc.leaves[2].context, [1, 1]);
    }

    #[test]
    fn front_matter_is_skipped() {
        let leaves = kinds("---\ndescription: db\n---\n\n# Rules\n");
        assert_eq!(leaves, [(LeafKind::Heading(1), "Rules".to_owned())]);
    }

    #[test]
    fn sections_end_at_the_next_heading_of_the_same_level() {
        let doc = Doc::parse("## A\n\na\n\n### B\n\nb\n\n## C\n\nc\n");
        let texts: Vec<&str> = doc.section(0).iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["a", "B", "b"]);
        assert!(doc.section(1).is_empty());
    }

    #[test]
    fn prohibitions() {
        for yes in [
            "❌ run it",
            "Never run",
            "don’t run",
            "You must not",
            "only without user consent",
            "FORBIDDEN",
        ] {
            assert!(forbids(yes), "{yes}");
        }
        for no in ["run it", "nothing", "consent without", "note"] {
            assert!(!forbids(no), "{no}");
        }
    }
}
