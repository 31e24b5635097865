//! `destructive-instruction`: guidance that tells agents to run a command
//! that wipes data, outside a prohibition.
//!
//! A command counts in prose, inline code and code blocks alike (a shell
//! block is an instruction too); the SQL ones (`DROP TABLE`,
//! `DROP DATABASE`, `DROP SCHEMA`, `TRUNCATE`) only in code, and only
//! when they name what they destroy: a list of SQL forms ("use
//! `DROP TABLE IF EXISTS`", "`TRUNCATE …`") instructs nothing. It is a
//! prohibition, not an instruction, when the words that forbid it
//! ([`forbids`]) are in the same sentence (in a code block: the same line
//! or the comment line above it), in the first block of an enclosing list
//! item, in the sentence ending with `:` that introduces the enclosing
//! list or code block, or in an enclosing heading.

use drift_sdk::{Finding, LineIndex};

use crate::markdown::{Doc, Leaf, LeafKind, forbids};

/// A destructive command: lowercase pattern, only in code, what it does,
/// the safe alternative.
struct Command {
    pattern: &'static str,
    code_only: bool,
    /// Extend the span back to `prisma` on the same line (for flags).
    flag: bool,
    effect: &'static str,
    instead: &'static str,
}

const PRISMA_INSTEAD: &str = "`npx prisma migrate dev` creates and applies a migration without resetting, `npx prisma migrate resolve` marks a failed one";
const SQL_INSTEAD: &str = "write the change as a migration for the user to review";

const COMMANDS: &[Command] = &[
    Command {
        pattern: "prisma migrate reset",
        code_only: false,
        flag: false,
        effect: "drops the database and all its data",
        instead: PRISMA_INSTEAD,
    },
    Command {
        pattern: "--force-reset",
        code_only: false,
        flag: true,
        effect: "drops the database and all its data before pushing the schema",
        instead: PRISMA_INSTEAD,
    },
    Command {
        pattern: "--accept-data-loss",
        code_only: false,
        flag: true,
        effect: "lets Prisma drop tables and columns that still hold data",
        instead: PRISMA_INSTEAD,
    },
    Command {
        pattern: "dropdb",
        code_only: false,
        flag: false,
        effect: "deletes the whole database",
        instead: SQL_INSTEAD,
    },
    Command {
        pattern: "drop table",
        code_only: true,
        flag: false,
        effect: "deletes the table and its data",
        instead: SQL_INSTEAD,
    },
    Command {
        pattern: "drop database",
        code_only: true,
        flag: false,
        effect: "deletes the whole database",
        instead: SQL_INSTEAD,
    },
    Command {
        pattern: "drop schema",
        code_only: true,
        flag: false,
        effect: "deletes the schema and everything in it",
        instead: SQL_INSTEAD,
    },
    Command {
        pattern: "truncate",
        code_only: true,
        flag: false,
        effect: "deletes every row of the table",
        instead: SQL_INSTEAD,
    },
];

/// Reports every destructive command `doc` tells agents to run.
pub fn check(path: &str, text: &str, doc: &Doc, out: &mut Vec<Finding>) {
    let index = LineIndex::new(text);
    for leaf in &doc.leaves {
        let Some(source) = text.get(leaf.range.clone()) else {
            continue;
        };
        let lower = source.to_ascii_lowercase();
        let mut found: Vec<(std::ops::Range<usize>, &Command)> = Vec::new();
        for command in COMMANDS {
            for (at, _) in lower.match_indices(command.pattern) {
                let start = leaf.range.start + at;
                let end = start + command.pattern.len();
                if !is_word(text, start, end) {
                    continue;
                }
                let in_code =
                    leaf.kind == LeafKind::Code || leaf.code.iter().any(|r| r.contains(&start));
                if command.code_only && (!in_code || names_no_object(text, leaf, end)) {
                    continue;
                }
                if command.pattern == "truncate"
                    && !text
                        .get(end..)
                        .is_some_and(|r| r.starts_with([' ', '\t', '\n']))
                {
                    continue;
                }
                let start = if command.flag {
                    prisma_before(text, leaf, start)
                } else {
                    start
                };
                if prohibited(text, doc, leaf, start) || commented_out(text, leaf, start) {
                    continue;
                }
                found.push((start..end, command));
            }
        }
        found.sort_by_key(|(r, _)| (r.start, r.end));
        let mut covered = 0;
        for (range, command) in found {
            if range.start < covered {
                continue;
            }
            covered = range.end;
            let cmd = text.get(range.clone()).unwrap_or(command.pattern);
            out.push(
                Finding::new(
                    crate::Check::DestructiveInstruction,
                    path,
                    format!(
                        "tells AI agents to run `{cmd}`, which {}, and nothing here says never or asks for the user's consent",
                        command.effect
                    ),
                )
                .span(index.span(text, range))
                .help(format!(
                    "forbid it instead (\"❌ Never run `{cmd}` without the user's explicit consent\"), and give the safe fix: {}",
                    command.instead
                )),
            );
        }
    }
}

/// True when the SQL keywords ending at `end` are a form rather than a
/// statement: nothing names the object they would destroy before the code
/// span or the line ends (`DROP TABLE IF EXISTS`, `TRUNCATE ... CASCADE`
/// in a list of idempotent forms), or a placeholder does (`…`, `<name>`,
/// `{table}`, `$1`).
fn names_no_object(text: &str, leaf: &Leaf, end: usize) -> bool {
    let limit = leaf
        .code
        .iter()
        .find(|r| r.contains(&end) || r.end == end)
        .map_or_else(
            || {
                text.get(end..)
                    .and_then(|t| t.find('\n'))
                    .map_or(text.len(), |i| end + i)
            },
            |r| r.end,
        );
    let rest = text.get(end..limit).unwrap_or("").trim_start();
    let rest = rest.trim_start_matches('`');
    let lower = rest.to_ascii_lowercase();
    let mut rest = lower.as_str();
    // `TRUNCATE TABLE ONLY x`, `DROP TABLE IF EXISTS x`.
    for keyword in ["table", "if exists", "only"] {
        if let Some(after) = rest.strip_prefix(keyword)
            && after.starts_with(char::is_whitespace)
        {
            rest = after.trim_start();
        }
    }
    let object = rest
        .split(|c: char| c.is_whitespace() || c == ';' || c == '`' || c == ',')
        .next()
        .unwrap_or("");
    object.is_empty()
        || object.starts_with(['…', '<', '{', '[', '$', ':', '/', '('])
        || object.starts_with("..")
        || matches!(object, "cascade" | "if" | "table")
}

/// True when `start..end` is not part of a longer word.
fn is_word(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    !before.is_some_and(|c| word(c) || c == '-') && !after.is_some_and(word)
}

/// The start of `prisma` earlier on the line of `flag`, within the leaf.
fn prisma_before(text: &str, leaf: &Leaf, flag: usize) -> usize {
    let line_start = text
        .get(..flag)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
        .max(leaf.range.start);
    text.get(line_start..flag)
        .and_then(|t| t.to_ascii_lowercase().rfind("prisma"))
        .map_or(flag, |i| line_start + i)
}

/// True when the words around the command at `at` forbid it.
fn prohibited(text: &str, doc: &Doc, leaf: &Leaf, at: usize) -> bool {
    let near = if leaf.kind == LeafKind::Code {
        code_line_context(text, leaf, at)
    } else {
        sentence(text, leaf, at)
    };
    forbids(near)
        || leaf
            .context
            .iter()
            .chain(&leaf.headings)
            .filter_map(|i| doc.leaves.get(*i))
            .any(|l| forbids(&l.text))
}

/// The sentence of prose `leaf` around `at`: sentences end at `.`, `!`,
/// `?` or `;` followed by white space, outside inline code.
fn sentence<'t>(text: &'t str, leaf: &Leaf, at: usize) -> &'t str {
    let Some(source) = text.get(leaf.range.clone()) else {
        return "";
    };
    let mut start = leaf.range.start;
    let mut end = leaf.range.end;
    for (i, c) in source.char_indices() {
        let abs = leaf.range.start + i;
        if !matches!(c, '.' | '!' | '?' | ';') || leaf.code.iter().any(|r| r.contains(&abs)) {
            continue;
        }
        let next = source.get(i + 1..).and_then(|r| r.chars().next());
        if !next.is_none_or(char::is_whitespace) {
            continue;
        }
        if abs < at {
            start = abs + 1;
        } else {
            end = abs + 1;
            break;
        }
    }
    text.get(start..end).unwrap_or("")
}

/// True when `at` is on a comment line of a code block (`#`, `--`, `//`).
fn commented_out(text: &str, leaf: &Leaf, at: usize) -> bool {
    let start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
        .max(leaf.range.start);
    let line = text.get(start..at).unwrap_or("").trim_start();
    leaf.kind == LeafKind::Code && ["#", "--", "//"].iter().any(|c| line.starts_with(c))
}

/// In a code block: the line of `at`, with the comment line right above it.
fn code_line_context<'t>(text: &'t str, leaf: &Leaf, at: usize) -> &'t str {
    let line_start = |offset: usize| {
        text.get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
            .max(leaf.range.start)
    };
    let start = line_start(at);
    let end = text
        .get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i);
    let above = if start > leaf.range.start {
        line_start(start - 1)
    } else {
        start
    };
    let previous = text.get(above..start).unwrap_or("").trim_start();
    let is_comment = ["#", "--", "//"].iter().any(|c| previous.starts_with(c));
    text.get(if is_comment { above } else { start }..end)
        .unwrap_or("")
}
