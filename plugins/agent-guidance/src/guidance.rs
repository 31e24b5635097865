//! The required guidance: a section under an accepted heading that covers
//! every point (`missing-section`, `missing-point`), and an instruction
//! file to hold it (`no-instructions`). Each finding's help is the
//! Markdown to paste.

use drift_sdk::{Finding, LineIndex, Span};

use drift_sdk::paths::{is_within, parent};

use crate::markdown::Doc;
use crate::options::Options;

/// The ready-to-paste bullet and the message text of each default point.
const BULLETS: &[(&str, &str, &str)] = &[
    (
        "migrations",
        "- Every schema change needs a migration: edit `schema.prisma`, then run `npx prisma migrate dev --name <change>` and commit the generated migration.",
        "that every schema change needs a migration",
    ),
    (
        "idempotent",
        "- Hand-written SQL must be idempotent: use `IF NOT EXISTS` / `IF EXISTS`, `ON CONFLICT DO NOTHING`, or a guarded `DO` block.",
        "that hand-written SQL must be idempotent",
    ),
    (
        "applied-immutable",
        "- Never edit an applied migration: add a new migration instead.",
        "that applied migrations must never be edited",
    ),
    (
        "no-reset",
        "- ❌ Never run `npx prisma migrate reset` or `npx prisma db push --force-reset` without the user's explicit consent: they delete all data.",
        "that `prisma migrate reset` must never run without the user's consent",
    ),
];

/// One instruction file, parsed.
#[derive(Debug)]
pub struct Instructions<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub doc: Doc,
    /// Everything the file tells an agent, lowercase: the text of every
    /// block (code spans and blocks included, front matter excluded).
    pub body: String,
    /// The files it imports (`@AGENTS.md`), resolved against its folder.
    pub imports: Vec<String>,
}

impl<'a> Instructions<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        let doc = Doc::parse(text);
        let body = text_of(&doc.leaves);
        let imports = imports(path, text, &doc);
        Self {
            path,
            text,
            doc,
            body,
            imports,
        }
    }

    /// The folder whose files the agent reads this file for: its own, or
    /// the repository for the files that live in tool folders
    /// (`.claude/CLAUDE.md`, Cursor's rules, Copilot's instructions).
    pub fn scope(&self) -> &'a str {
        let path = self.path;
        if path == ".cursorrules" || path.starts_with(".cursor/") || path.starts_with(".github/") {
            return "";
        }
        let dir = parent(path);
        match dir.strip_suffix(".claude") {
            Some(rest) if rest.is_empty() || rest.ends_with('/') => rest.trim_end_matches('/'),
            _ => dir,
        }
    }

    /// True when an agent working in `location` reads this file.
    pub fn applies_to(&self, location: &str) -> bool {
        let scope = self.scope();
        location == scope || is_within(location, scope)
    }
}

/// The bullet for point `id`: the default one when it mentions one of the
/// accepted phrases, else the first phrase as a bullet.
pub fn bullet(id: &str, phrases: &[String]) -> String {
    BULLETS
        .iter()
        .find(|(d, b, _)| *d == id && phrases.iter().any(|p| contains(b, p)))
        .map_or_else(
            || format!("- {}", phrases.first().map_or("", String::as_str)),
            |(_, b, _)| (*b).to_owned(),
        )
}

/// The whole section to paste.
pub fn section(options: &Options) -> String {
    let heading = options.headings().first().copied().unwrap_or_default();
    let mut out = format!("## {heading}\n\n");
    for (id, phrases) in options.points() {
        out.push_str(&bullet(id, phrases));
        out.push('\n');
    }
    out
}

/// The lowercase text of `leaves`, a line each, without Markdown quoted
/// in code blocks (a template to copy tells this reader nothing).
fn text_of(leaves: &[crate::markdown::Leaf]) -> String {
    leaves
        .iter()
        .filter(|l| !l.quoted)
        .map(|l| format!("{}\n", l.text.to_lowercase()))
        .collect()
}

/// `@path` imports in the prose of a file (not in code, which Claude Code
/// does not import from), resolved against the file's folder. Imports of
/// the home folder (`@~/...`) and absolute paths are not the repository's.
fn imports(path: &str, text: &str, doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    for leaf in doc
        .leaves
        .iter()
        .filter(|l| l.kind != crate::markdown::LeafKind::Code)
    {
        let Some(source) = text.get(leaf.range.clone()) else {
            continue;
        };
        for (at, _) in source.match_indices('@') {
            let start = leaf.range.start + at;
            let in_code = leaf.code.iter().any(|r| r.contains(&start));
            let after_word = source
                .get(..at)
                .and_then(|b| b.chars().next_back())
                .is_some_and(|c| !c.is_whitespace() && !"([".contains(c));
            if in_code || after_word {
                continue;
            }
            let target: &str = source
                .get(at + 1..)
                .unwrap_or("")
                .split(|c: char| c.is_whitespace() || "()[]<>\"'`,;".contains(c))
                .next()
                .unwrap_or("")
                .trim_end_matches(['.', ':', '!', '?']);
            if target.is_empty() || target.starts_with(['~', '/']) || !target.contains('.') {
                continue;
            }
            if let Some(resolved) = drift_sdk::paths::resolve(parent(path), target) {
                out.push(resolved);
            }
        }
    }
    out
}

/// What an agent reads when it works in one place: the instruction files
/// of its kind that apply there, and what they import; indices into the
/// rule's list of instruction files, in its order (shallowest first).
fn reading(all: &[Instructions<'_>], group: &[usize], location: &str, imports: bool) -> Vec<usize> {
    let mut set: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| all.get(i).is_some_and(|f| f.applies_to(location)))
        .collect();
    let mut next = 0;
    while let Some(&i) = set.get(next).filter(|_| imports) {
        next += 1;
        let Some(file) = all.get(i) else { continue };
        for import in &file.imports {
            if let Some(j) = all.iter().position(|f| f.path == import.as_str())
                && !set.contains(&j)
            {
                set.push(j);
            }
        }
    }
    set.sort_unstable();
    set
}

/// Checks what one agent reads about the database. For each place the
/// database lives (`locations`: the folders of the schemas and migrations),
/// the instruction files of the agent that apply there (a file applies to
/// its folder and everything below it) and the files they import must
/// together cover every point. Missing points are reported at the section
/// best placed to take them: one under an accepted heading, else the one
/// that already covers the most points. `group` indexes `all`, shallowest
/// first.
pub fn check(
    all: &[Instructions<'_>],
    group: &[usize],
    locations: &[String],
    imports: bool,
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let mut judged: Vec<Vec<usize>> = Vec::new();
    let mut unreached: Vec<&str> = Vec::new();
    for location in locations {
        let set = reading(all, group, location, imports);
        if set.is_empty() {
            unreached.push(location);
        } else if !judged.contains(&set) {
            judge(all, &set, options, out);
            judged.push(set);
        }
    }
    if let (Some(&first), false) = (group.first(), unreached.is_empty())
        && let Some(file) = all.get(first)
    {
        out.push(unreached_finding(file, &unreached, options));
    }
}

/// No file of the group applies where the database lives: as for a
/// repository without instruction files, the file to create.
fn unreached_finding(file: &Instructions<'_>, unreached: &[&str], options: &Options) -> Finding {
    let name = drift_sdk::paths::file_name(file.path);
    let shown: Vec<String> = unreached
        .iter()
        .take(3)
        .map(|l| format!("`{}`", if l.is_empty() { "." } else { l }))
        .collect();
    let more = unreached.len().saturating_sub(3);
    Finding::new(
        crate::Check::NoInstructions,
        name,
        format!(
            "AI agents reading {name} get no database guidance in {}{}: no {name} applies there (each covers its own folder and the folders below it); create {name} at the repository root with the database rules",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
        ),
    )
    .help(section(options))
}

/// One reading set: every point covered somewhere in it.
fn judge(all: &[Instructions<'_>], set: &[usize], options: &Options, out: &mut Vec<Finding>) {
    let headings: Vec<String> = options
        .headings()
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let points = options.points();
    let files: Vec<&Instructions<'_>> = set.iter().filter_map(|&i| all.get(i)).collect();
    let covers = |body: &str, phrases: &[String]| {
        phrases
            .iter()
            .any(|p| body.contains(p.to_lowercase().as_str()))
    };
    let missing: Vec<usize> = points
        .iter()
        .enumerate()
        .filter(|(_, (_, phrases))| !files.iter().any(|f| covers(&f.body, phrases)))
        .map(|(i, _)| i)
        .collect();
    if missing.is_empty() && !points.is_empty() {
        return;
    }
    // The home of the guidance: (under an accepted heading, points its
    // text covers, the narrowest on a tie, file, heading leaf), the best
    // one first.
    let mut home: Option<(bool, usize, usize, &Instructions<'_>, Option<usize>)> = None;
    for file in &files {
        let mut candidates: Vec<(bool, &[crate::markdown::Leaf], Option<usize>)> = Vec::new();
        let first_heading = file.doc.headings().next();
        let preamble = file
            .doc
            .leaves
            .get(..first_heading.unwrap_or(file.doc.leaves.len()))
            .unwrap_or(&[]);
        candidates.push((false, preamble, None));
        for h in file.doc.headings() {
            let title = file
                .doc
                .leaves
                .get(h)
                .map(|l| l.text.to_lowercase())
                .unwrap_or_default();
            let accepted = headings.iter().any(|w| title.contains(w.as_str()));
            candidates.push((accepted, file.doc.section(h), Some(h)));
        }
        for (accepted, leaves, h) in candidates {
            let body = text_of(leaves);
            let covered = points.iter().filter(|(_, p)| covers(&body, p)).count();
            let narrow = usize::MAX - leaves.len();
            if (accepted || covered > 0)
                && home
                    .as_ref()
                    .is_none_or(|(a, c, n, _, _)| (accepted, covered, narrow) > (*a, *c, *n))
            {
                home = Some((accepted, covered, narrow, file, h));
            }
        }
    }
    let Some((_, _, _, file, h)) = home else {
        // Nothing this agent reads here says anything about the database.
        if files.iter().all(|f| f.path.starts_with(".cursor/rules/")) {
            // One rule among many: the fix is a rule of its own.
            out.push(
                Finding::new(
                    crate::Check::MissingSection,
                    CURSOR_RULE,
                    format!(
                        "no Cursor rule tells AI agents how to change the database schema safely: create {CURSOR_RULE}",
                    ),
                )
                .help(format!(
                    "---\ndescription: Changing the database schema\nalwaysApply: true\n---\n\n{}",
                    section(options)
                )),
            );
        } else if let Some(file) = files.first() {
            out.push(
                Finding::new(
                    crate::Check::MissingSection,
                    file.path,
                    format!(
                        "no \"{}\" section: AI agents reading {} are not told how to change the database schema safely",
                        options.headings().first().copied().unwrap_or_default(),
                        drift_sdk::paths::file_name(file.path),
                    ),
                )
                .span(first_line(file.text))
                .help(section(options)),
            );
        }
        return;
    };
    let heading = h.and_then(|h| file.doc.leaves.get(h));
    let span = match heading {
        Some(heading) => {
            let range = heading.range.start..line_end(file.text, heading.range.start);
            LineIndex::new(file.text).span(file.text, range)
        }
        None => first_line(file.text),
    };
    let place = heading.map_or_else(
        || format!("add it to {}", file.path),
        |h| format!("add it to the \"{}\" section", h.text.trim()),
    );
    for (id, phrases) in missing.iter().filter_map(|i| points.get(*i)) {
        let what = BULLETS
            .iter()
            .find(|(d, _, _)| d == id)
            .map_or_else(|| format!("point `{id}`"), |(_, _, m)| (*m).to_owned());
        out.push(
            Finding::new(
                crate::Check::MissingPoint,
                file.path,
                format!(
                    "no instruction file AI agents read where the database lives tells them {what} (none of {}): {place}",
                    phrases
                        .iter()
                        .map(|p| format!("\"{p}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .span(span)
            .help(bullet(id, phrases)),
        );
    }
}

/// The rule to create when no Cursor rule covers the database.
const CURSOR_RULE: &str = ".cursor/rules/database.mdc";

/// The span of a file's first line.
fn first_line(text: &str) -> Span {
    Span::of_range(text, 0..text.lines().next().map_or(0, str::len))
}

/// The finding for a repository without any instruction file: the file
/// to create is the first `files` entry, else `CLAUDE.md`.
pub fn no_instructions(options: &Options) -> Finding {
    let path = options
        .files
        .as_deref()
        .and_then(|f| f.iter().find(|p| !p.ends_with('/')))
        .map_or("CLAUDE.md", String::as_str);
    Finding::new(
        crate::Check::NoInstructions,
        path,
        format!(
            "the repository has a database but no AI agent instruction file: create {path} so agents are told the database rules"
        ),
    )
    .help(format!("# Agent instructions\n\n{}", section(options)))
}

/// Case-insensitive substring test.
fn contains(text: &str, phrase: &str) -> bool {
    text.to_lowercase().contains(&phrase.to_lowercase())
}

/// The end of the line holding `offset` (newline excluded).
fn line_end(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_each_file_applies() {
        let applies = |path: &str, location: &str| Instructions::new(path, "").applies_to(location);
        assert!(applies("CLAUDE.md", "packages/db/prisma"));
        assert!(applies(".claude/CLAUDE.md", "prisma"));
        assert!(applies(".cursor/rules/db.mdc", "packages/db"));
        assert!(applies(".github/copilot-instructions.md", "prisma"));
        assert!(applies("packages/db/CLAUDE.md", "packages/db"));
        assert!(applies("packages/db/CLAUDE.md", "packages/db/prisma"));
        assert!(applies(
            "packages/db/.claude/CLAUDE.md",
            "packages/db/prisma"
        ));
        assert!(!applies("packages/db/CLAUDE.md", "packages/dbx/prisma"));
        assert!(!applies("apps/web/AGENTS.md", "packages/db/prisma"));
        assert!(!applies("packages/db/CLAUDE.md", ""));
    }

    #[test]
    fn imports_are_resolved_against_the_file() {
        let imports = |path: &str, text: &str| Instructions::new(path, text).imports;
        assert_eq!(imports("CLAUDE.md", "@AGENTS.md"), ["AGENTS.md"]);
        assert_eq!(
            imports(
                "apps/web/CLAUDE.md",
                "Read @../../docs/db.md and @./AGENTS.md."
            ),
            ["docs/db.md", "apps/web/AGENTS.md"]
        );
        for text in [
            "`@AGENTS.md`",
            "```\n@AGENTS.md\n```",
            "mail me@example.com",
            "@~/.claude/mine.md",
            "@/etc/passwd.md",
            "@prisma/client",
            "@../../../outside.md",
        ] {
            assert!(imports("a/CLAUDE.md", text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn each_default_bullet_covers_its_point() {
        let options = Options::default();
        for (id, phrases) in options.points() {
            let b = bullet(id, phrases);
            assert!(phrases.iter().any(|p| contains(&b, p)), "{id}: {b}");
            assert!(BULLETS.iter().any(|(d, bb, _)| *d == id && *bb == b));
        }
        assert_eq!(bullet("custom", &["Run seeds".to_owned()]), "- Run seeds");
    }
}
