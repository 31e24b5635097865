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

use drift_sdk::hazard::written;
use drift_sdk::hazard::{Class, Family};
use drift_sdk::{Finding, LineIndex};

use crate::markdown::{Doc, Leaf, LeafKind, forbids};

/// A destructive SQL statement: its lowercase keywords, what it does.
/// Commands (`prisma migrate reset`, `dropdb`, ...) come from the hazard
/// catalogue ([`drift_sdk::hazard::written`]), as in destructive-sql's
/// checks and the guard.
struct Sql {
    pattern: &'static str,
    effect: &'static str,
}

const PRISMA_INSTEAD: &str = "`npx prisma migrate dev` creates and applies a migration without resetting, `npx prisma migrate resolve` marks a failed one";
const SQL_INSTEAD: &str = "write the change as a migration for the user to review";

const SQL: &[Sql] = &[
    Sql {
        pattern: "drop table",
        effect: "deletes the table and its data",
    },
    Sql {
        pattern: "drop database",
        effect: "deletes the whole database",
    },
    Sql {
        pattern: "drop schema",
        effect: "deletes the schema and everything in it",
    },
    Sql {
        pattern: "truncate",
        effect: "deletes every row of the table",
    },
];

/// The safe fix to suggest instead of a destructive command of `family`.
fn instead(family: Family) -> &'static str {
    if family.is_prisma() {
        PRISMA_INSTEAD
    } else {
        SQL_INSTEAD
    }
}

/// Reports every destructive command `doc` tells agents to run.
pub fn check(path: &str, text: &str, doc: &Doc, out: &mut Vec<Finding>) {
    let index = LineIndex::new(text);
    for leaf in &doc.leaves {
        let Some(source) = text.get(leaf.range.clone()) else {
            continue;
        };
        let mut found: Vec<(std::ops::Range<usize>, &'static str, &'static str)> = Vec::new();
        // Commands, in prose, inline code and code blocks alike.
        let mut line_start = leaf.range.start;
        for line in source.split_inclusive('\n') {
            for hazard in written::scan(line.trim_end_matches('\n')) {
                if hazard.family.class() != Class::Destructive {
                    continue;
                }
                let range = line_start + hazard.range.start..line_start + hazard.range.end;
                if prohibited(text, doc, leaf, range.start)
                    || commented_out(text, leaf, range.start)
                {
                    continue;
                }
                found.push((range, hazard.family.effect(), instead(hazard.family)));
            }
            line_start += line.len();
        }
        // SQL, only in code, and only when it names what it destroys.
        let lower = source.to_ascii_lowercase();
        for sql in SQL {
            for (at, _) in lower.match_indices(sql.pattern) {
                let start = leaf.range.start + at;
                let end = start + sql.pattern.len();
                if !is_word(text, start, end) {
                    continue;
                }
                let in_code =
                    leaf.kind == LeafKind::Code || leaf.code.iter().any(|r| r.contains(&start));
                if !in_code || names_no_object(text, leaf, end) {
                    continue;
                }
                if sql.pattern == "truncate"
                    && !text
                        .get(end..)
                        .is_some_and(|r| r.starts_with([' ', '\t', '\n']))
                {
                    continue;
                }
                if prohibited(text, doc, leaf, start) || commented_out(text, leaf, start) {
                    continue;
                }
                found.push((start..end, sql.effect, SQL_INSTEAD));
            }
        }
        found.sort_by_key(|(r, _, _)| (r.start, r.end));
        let mut covered = 0;
        for (range, effect, instead) in found {
            if range.start < covered {
                continue;
            }
            covered = range.end;
            let cmd = text.get(range.clone()).unwrap_or("");
            out.push(
                Finding::new(
                    crate::Check::DestructiveInstruction,
                    path,
                    format!(
                        "tells AI agents to run `{cmd}`, which {effect}, and nothing here says never or asks for the user's consent"
                    ),
                )
                .span(index.span(text, range))
                .help(format!(
                    "forbid it instead (\"❌ Never run `{cmd}` without the user's explicit consent\"), and give the safe fix: {instead}"
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
