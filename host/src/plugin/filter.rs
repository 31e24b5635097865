//! Content filters: words a file must contain to be handed to a rule
//! (interface 0.6.0's `rule-metadata.filters`).
//!
//! Most of a repository is documentation, and a rule that looks for a few
//! commands in Markdown has nothing to say about the documents that never
//! name them. Searching for those words inside the sandbox means copying
//! every document in first; the host searches natively instead, once per
//! file and rule, before anything crosses, so a document costs one pass
//! over its bytes. Words that must share a line with others (`psql` with
//! `drop`) are checked on the few lines that hold the word.
//!
//! A rule's filters are checked when it loads (an error names the plugin)
//! but compiled when a run first asks: `drift-host guard` loads every rule
//! and never filters files, and its latency is the agent's wait.
//!
//! A filter only narrows what a rule is handed: files that are not text
//! pass (the host reports them), the path lists still hold every matching
//! path, and a filter that cannot be compiled admits everything. Limits
//! keep a hostile rule's metadata from costing the host more than a filter
//! could save.

use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;
use globset::GlobSet;

use crate::snapshot::Content;
use crate::wire;

/// At most this many filters per rule.
const MAX_FILTERS: usize = 64;
/// At most this many words per filter.
const MAX_WORDS: usize = 4096;
/// At most this many bytes per word.
const MAX_WORD_BYTES: usize = 1024;
/// At most this many bytes of words in all of a rule's filters: the
/// automata are built outside the sandbox's memory limit.
const MAX_RULE_BYTES: usize = 256 * 1024;

/// A rule's filters as declared, and compiled on first use.
#[derive(Debug, Default)]
struct Declared {
    filters: Vec<wire::TextFilter>,
    /// `None` once compiling failed: the filters then admit everything.
    compiled: OnceLock<Option<Compiled>>,
}

/// Every filter's globs in one set, so a path is matched once whatever
/// the number of filters (destructive-sql's four share two glob lists),
/// and each filter's words.
#[derive(Debug)]
struct Compiled {
    globs: GlobSet,
    /// The filter each glob of `globs` belongs to.
    owners: Vec<usize>,
    filters: Vec<Matcher>,
}

#[derive(Debug)]
struct Matcher {
    words: Search,
    /// `None`: any line will do.
    line_words: Option<Search>,
}

/// A multi-word search. Aho-Corasick's automaton chooses its own
/// prefilter, and on prose whose common letters start the words (`reset`,
/// `dropdb`) it scans at automaton speed; the packed SIMD searcher (Teddy)
/// it would use for leftmost matching is taken directly where it applies
/// (case-sensitive words, a few dozen at most, a CPU with the vector
/// instructions), and the automaton elsewhere.
#[derive(Debug)]
enum Search {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Search {
    fn new(words: &[String], ignore_ascii_case: bool) -> Option<Self> {
        if !ignore_ascii_case
            && let Some(packed) = aho_corasick::packed::Config::new()
                .builder()
                .extend(words)
                .build()
        {
            return Some(Self::Packed(packed));
        }
        AhoCorasick::builder()
            .ascii_case_insensitive(ignore_ascii_case)
            .build(words)
            .ok()
            .map(Self::Automaton)
    }

    /// The first match at or after `from`, as a byte range.
    fn find(&self, text: &[u8], from: usize) -> Option<std::ops::Range<usize>> {
        let span = from..text.len();
        match self {
            Self::Packed(searcher) => searcher
                .find_in(text, aho_corasick::Span::from(span))
                .map(|m| m.range()),
            Self::Automaton(automaton) => automaton
                .find(aho_corasick::Input::new(text).span(span))
                .map(|m| m.range()),
        }
    }
}

/// A rule's filters. Empty: every file the rule's globs match is handed
/// over.
#[derive(Debug, Clone, Default)]
pub struct Filters(Arc<Declared>);

impl Filters {
    /// Checks a rule's declared filters, or says what is wrong with them
    /// (for an error naming the plugin).
    pub fn compile(declared: Vec<wire::TextFilter>) -> Result<Self, String> {
        if declared.len() > MAX_FILTERS {
            return Err(format!(
                "metadata: {} filters, more than the {MAX_FILTERS} a rule may declare",
                declared.len()
            ));
        }
        let bytes: usize = declared
            .iter()
            .flat_map(|f| f.words.iter().chain(&f.line_words))
            .map(String::len)
            .sum();
        if bytes > MAX_RULE_BYTES {
            return Err(format!(
                "metadata: filters of {bytes} bytes of words, more than the {MAX_RULE_BYTES} a rule may declare"
            ));
        }
        for (n, filter) in declared.iter().enumerate() {
            let at = |message: String| format!("metadata: filter {}: {message}", n + 1);
            if filter.globs.is_empty() {
                return Err(at(
                    "no globs: a filter applies to the files its globs match".into(),
                ));
            }
            if filter.words.is_empty() {
                return Err(at(
                    "no words: it would hand over no text file its globs match".into(),
                ));
            }
            for (list, words) in [("words", &filter.words), ("line-words", &filter.line_words)] {
                if words.len() > MAX_WORDS {
                    return Err(at(format!(
                        "{} {list}, more than the {MAX_WORDS} a filter may hold",
                        words.len()
                    )));
                }
                if let Some(word) = words
                    .iter()
                    .find(|w| w.is_empty() || w.len() > MAX_WORD_BYTES || w.contains('\n'))
                {
                    return Err(at(if word.is_empty() {
                        format!("an empty word in `{list}`, which every text holds")
                    } else if word.contains('\n') {
                        format!("{word:?} in `{list}` holds a line break")
                    } else {
                        format!(
                            "a word of {} bytes in `{list}`, over {MAX_WORD_BYTES}",
                            word.len()
                        )
                    }));
                }
            }
            for glob in &filter.globs {
                crate::snapshot::glob_parses(glob).map_err(|e| at(e.to_string()))?;
            }
        }
        Ok(Self(Arc::new(Declared {
            filters: declared,
            compiled: OnceLock::new(),
        })))
    }

    pub fn is_empty(&self) -> bool {
        self.0.filters.is_empty()
    }

    /// Whether the file at `path` is handed to the rule: it is not text,
    /// no filter's globs match it, or one of the filters that match it
    /// admits its text.
    pub fn admits(&self, path: &str, content: &Content) -> bool {
        let Content::Text(text) = content else {
            return true;
        };
        let Some(compiled) = self.compiled() else {
            return true;
        };
        let mut applies = compiled
            .globs
            .matches(path)
            .into_iter()
            .map(|glob| compiled.owners[glob])
            .peekable();
        applies.peek().is_none() || applies.any(|f| compiled.filters[f].holds(text.as_bytes()))
    }

    /// The compiled filters, built by the first caller.
    fn compiled(&self) -> Option<&Compiled> {
        self.0
            .compiled
            .get_or_init(|| {
                let mut globs = Vec::new();
                let mut owners = Vec::new();
                let mut filters = Vec::new();
                for (n, filter) in self.0.filters.iter().enumerate() {
                    globs.extend(filter.globs.iter().cloned());
                    owners.extend(std::iter::repeat_n(n, filter.globs.len()));
                    let search = |words: &[String]| Search::new(words, filter.ignore_ascii_case);
                    filters.push(Matcher {
                        words: search(&filter.words)?,
                        line_words: match filter.line_words.as_slice() {
                            [] => None,
                            words => Some(search(words)?),
                        },
                    });
                }
                Some(Compiled {
                    globs: crate::snapshot::glob_set(&globs).ok()?,
                    owners,
                    filters,
                })
            })
            .as_ref()
    }
}

impl Matcher {
    fn holds(&self, text: &[u8]) -> bool {
        let Some(line_words) = &self.line_words else {
            return self.words.find(text, 0).is_some();
        };
        // Words hold no line break, so every match lies within one line;
        // after a line that fails, the search resumes at the next.
        let mut from = 0;
        while let Some(found) = self.words.find(text, from) {
            let start = memchr::memrchr(b'\n', &text[..found.start]).map_or(0, |i| i + 1);
            let end =
                memchr::memchr(b'\n', &text[found.end..]).map_or(text.len(), |i| found.end + i);
            if line_words.find(&text[start..end], 0).is_some() {
                return true;
            }
            from = end;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(globs: &[&str], words: &[&str], line_words: &[&str]) -> wire::TextFilter {
        wire::TextFilter {
            globs: globs.iter().map(|&g| g.to_owned()).collect(),
            words: words.iter().map(|&w| w.to_owned()).collect(),
            line_words: line_words.iter().map(|&w| w.to_owned()).collect(),
            ignore_ascii_case: false,
        }
    }

    fn text(s: &str) -> Content {
        Content::Text(Arc::new(s.to_owned()))
    }

    #[test]
    fn a_file_passes_when_a_filter_matching_its_path_admits_it() {
        let mut near = declared(&["**/*.md", "**/*.sh"], &["psql"], &["drop", "truncate"]);
        near.ignore_ascii_case = true;
        let filters = Filters::compile(vec![
            declared(&["**/*.md"], &["dropdb", "reset"], &[]),
            near,
        ])
        .expect("compiles");
        // Either filter admits a document.
        assert!(filters.admits("README.md", &text("run dropdb app")));
        assert!(filters.admits("a/b.md", &text("PSQL -c 'Drop table t'")));
        // Words are substrings, not whole words; case as written.
        assert!(filters.admits("a/b.md", &text("xresetx")));
        assert!(!filters.admits("a/b.md", &text("RESET")));
        // A line word on another line does not count; any line may hold it.
        assert!(!filters.admits("a.md", &text("psql -c 'select 1'\ndrop it")));
        assert!(filters.admits("a.md", &text("psql x\n\nnot here\necho truncate | psql")));
        assert!(filters.admits("a.md", &text("psql\npsql\npsql drop")));
        // Only the second filter applies to scripts.
        assert!(!filters.admits("x.sh", &text("dropdb app")));
        assert!(filters.admits("x.sh", &text("psql -c 'TRUNCATE t'")));
        // No filter applies.
        assert!(filters.admits("a.sql", &text("nothing")));
        // Not text: the host reports it, the rule is handed it as before.
        assert!(filters.admits("README.md", &Content::Binary));
        assert!(filters.admits("README.md", &Content::TooLarge(1 << 30)));
    }

    #[test]
    fn filters_that_cannot_work_are_refused_with_their_number() {
        let error = |filters: Vec<wire::TextFilter>| Filters::compile(filters).unwrap_err();
        assert_eq!(
            error(vec![
                declared(&["*.md"], &["x"], &[]),
                declared(&["*.md"], &[], &[])
            ]),
            "metadata: filter 2: no words: it would hand over no text file its globs match"
        );
        assert_eq!(
            error(vec![declared(&["*.md"], &["x"], &["y", ""])]),
            "metadata: filter 1: an empty word in `line-words`, which every text holds"
        );
        assert_eq!(
            error(vec![declared(&["*.md"], &["a\nb"], &[])]),
            "metadata: filter 1: \"a\\nb\" in `words` holds a line break"
        );
        assert_eq!(
            error(vec![declared(&[], &["x"], &[])]),
            "metadata: filter 1: no globs: a filter applies to the files its globs match"
        );
        assert!(error(vec![declared(&["a/{b"], &["x"], &[])]).starts_with("metadata: filter 1: "));
        let long = "x".repeat(MAX_WORD_BYTES + 1);
        assert!(error(vec![declared(&["*"], &[&long], &[])]).contains("over 1024"));
        let many = vec![declared(&["*"], &["x"], &[]); MAX_FILTERS + 1];
        assert!(error(many).contains("more than the 64"));
        let word = "w".repeat(MAX_WORD_BYTES);
        let words: Vec<&str> = vec![word.as_str(); 300];
        assert!(error(vec![declared(&["*"], &words, &[])]).contains("bytes of words"));
    }
}
