//! The required guidance: a section under an accepted heading that covers
//! every point (`missing-section`, `missing-point`), and an instruction
//! file to hold it (`no-instructions`). Each finding's help is the
//! Markdown to paste.

use drift_sdk::{Finding, LineIndex, Span};

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

/// Checks the instruction files one agent reads: one of them must have
/// the section, and the most complete section must cover every point.
/// `files` is sorted shallowest first.
pub fn check(files: &[&Instructions<'_>], options: &Options, out: &mut Vec<Finding>) {
    let headings: Vec<String> = options
        .headings()
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let points = options.points();
    // (missing points, file, heading leaf) of the most complete section.
    let mut best: Option<(Vec<usize>, &Instructions<'_>, usize)> = None;
    for file in files {
        for h in file.doc.headings() {
            let Some(heading) = file.doc.leaves.get(h) else {
                continue;
            };
            let title = heading.text.to_lowercase();
            if !headings
                .iter()
                .any(|wanted| title.contains(wanted.as_str()))
            {
                continue;
            }
            let body: String = file
                .doc
                .section(h)
                .iter()
                .map(|l| format!("{}\n", l.text))
                .collect();
            let missing: Vec<usize> = points
                .iter()
                .enumerate()
                .filter(|(_, (_, phrases))| !phrases.iter().any(|p| contains(&body, p)))
                .map(|(i, _)| i)
                .collect();
            if best
                .as_ref()
                .is_none_or(|(m, _, _)| missing.len() < m.len())
            {
                best = Some((missing, file, h));
            }
        }
    }
    let Some((missing, file, h)) = best else {
        if let Some(file) = files.first() {
            let first_line = file.text.lines().next().map_or(0, str::len);
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
                .span(Span::of_range(file.text, 0..first_line))
                .help(section(options)),
            );
        }
        return;
    };
    let Some(heading) = file.doc.leaves.get(h) else {
        return;
    };
    let range = heading.range.start..line_end(file.text, heading.range.start);
    let span = LineIndex::new(file.text).span(file.text, range);
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
                    "the \"{}\" section does not tell AI agents {what} (none of {})",
                    heading.text.trim(),
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
