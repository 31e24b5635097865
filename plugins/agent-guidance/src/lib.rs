//! # agent-guidance
//!
//! AI coding agents are told the database rules, and never told to break
//! them.
//!
//! ## What it does
//!
//! Reads the instruction files AI coding agents load on every task —
//! `CLAUDE.md`, `AGENTS.md`, `GEMINI.md` (at any depth),
//! `.github/copilot-instructions.md`, `.cursor/rules/*` and
//! `.cursorrules` — in repositories that have a database: a Prisma schema
//! (`*.prisma`) or SQL migrations (`.sql` files under a `migrations`
//! folder).
//!
//! What an agent reads where the database lives (the folder of each
//! schema and of each `migrations` folder) must cover four points: every
//! schema change needs a migration, hand-written SQL must be idempotent,
//! applied migrations are never edited, and `prisma migrate reset` never
//! runs without the user's consent. Files are grouped by the agent that
//! reads them (all `CLAUDE.md` files, all `AGENTS.md` files, all Cursor
//! rules, ...). An agent working in a folder reads the files of its group
//! in that folder and above it (`.claude/CLAUDE.md`, Cursor's rules and
//! Copilot's instructions apply to the whole repository), so a nested
//! `packages/db/CLAUDE.md` covers its package; and Claude Code and Gemini
//! CLI read what those files import with `@path` (`@AGENTS.md` in a
//! one-line `CLAUDE.md`; imports in code are not imports, and only
//! instruction files can be followed). A
//! point is covered when that text (code included, Markdown quoted in a
//! code block excluded) contains one of the point's phrases, ignoring
//! case: the guidance counts by what it says, not by its heading.
//!
//! Missing points are reported at the section best placed to take them:
//! the first one under an accepted heading ("When Modifying Database
//! Schema" by default), else the one that already covers the most points.
//! When nothing an agent reads there covers any point, or none of its
//! files applies there, the section is missing: reported at line 1 of the
//! shallowest file of the group.
//!
//! It also reports guidance that tells agents to destroy data: a
//! `prisma migrate reset`, `prisma db push --force-reset`,
//! `--accept-data-loss` or `dropdb` anywhere, or a `DROP TABLE`,
//! `DROP DATABASE`, `DROP SCHEMA` or `TRUNCATE` that names what it
//! destroys, in inline code or a code block (a list of forms such as
//! "`DROP TABLE IF EXISTS …`" instructs nothing), unless the words around
//! it forbid it: never, don't, do not, must
//! not, should not, forbidden, prohibited, "without ... consent", or ❌ 🚫
//! ⛔ — in the same sentence (in a code block: the same line, or the
//! comment line above it), in the first paragraph of an enclosing list
//! item, in the sentence ending with `:` that introduces the enclosing list
//! or code block, or in an enclosing heading. Commented-out lines of code
//! blocks (`#`, `--`, `//`) are not instructions.
//!
//! The Markdown is parsed (CommonMark with tables and front matter), so a
//! heading inside a fenced code block is not a heading, and commands in
//! shell blocks count like commands in sentences.
//!
//! ## Why is this bad?
//!
//! An agent follows its instruction file to the letter and does not know
//! which database the environment points at. Without the rules it edits
//! `schema.prisma` and reaches for `prisma db push`, writes SQL that fails
//! the second time it runs, or "fixes" a checksum error by editing an
//! applied migration. And one line of troubleshooting advice — "if
//! migrations are out of sync, run `npx prisma migrate reset`" — is enough
//! for an agent to wipe a database to get a migration through.
//!
//! ## Example
//!
//! ```markdown
//! # MAIS
//!
//! ## When Modifying Database Schema
//!
//! - Every schema change needs a migration: `npm exec prisma migrate dev --name <change>`.
//! - Manual SQL goes in `server/prisma/migrations/NN_name.sql`.
//!
//! ## Troubleshooting
//!
//! If migrations are out of sync, run `npx prisma migrate reset` and re-seed.
//! ```
//!
//! The section says nothing about idempotent SQL, applied migrations or
//! `migrate reset` (three `missing-point` findings at its heading), and the
//! troubleshooting advice is a `destructive-instruction`.
//!
//! ## How to fix
//!
//! Paste the help of each finding: the missing bullet, the whole section,
//! or the whole file. The complete section:
//!
//! ```markdown
//! ## When Modifying Database Schema
//!
//! - Every schema change needs a migration: edit `schema.prisma`, then run `npx prisma migrate dev --name <change>` and commit the generated migration.
//! - Hand-written SQL must be idempotent: use `IF NOT EXISTS` / `IF EXISTS`, `ON CONFLICT DO NOTHING`, or a guarded `DO` block.
//! - Never edit an applied migration: add a new migration instead.
//! - ❌ Never run `npx prisma migrate reset` or `npx prisma db push --force-reset` without the user's explicit consent: they delete all data.
//! ```
//!
//! Turn a destructive instruction into a prohibition ("❌ Never run
//! `npx prisma migrate reset` without the user's explicit consent") and
//! give the safe fix instead (`prisma migrate dev`, `prisma migrate
//! resolve`).
//!
//! ## Options
//!
//! ```toml
//! [rules.agent-guidance]
//! # "database": only in repositories with a Prisma schema or SQL
//! # migrations; "always": in every repository.
//! require-when = "database"
//! # The instruction files to check, among those listed above: file names
//! # (any depth), paths, or folders ending with "/". Default: all of them.
//! files = ["CLAUDE.md", "AGENTS.md"]
//! # The headings of the database section: case-insensitive substrings of
//! # the heading text (no regular expressions). Missing points are reported
//! # under the first such section; the first heading titles the suggested
//! # section. Any section counts by its content. An empty list means the
//! # default.
//! headings = ["When Modifying Database Schema"]
//! # The points the section must cover: id = accepted phrases
//! # (case-insensitive substrings). Setting `points` replaces the whole
//! # table; a point with no phrases is not checked. The help for a point
//! # of your own is its first phrase as a bullet.
//! [rules.agent-guidance.points]
//! migrations = ["prisma migrate dev", "migration"]
//! idempotent = ["idempotent", "IF NOT EXISTS"]
//! applied-immutable = ["never edit", "applied migration", "do not modify"]
//! no-reset = ["migrate reset"]
//! ```
//!
//! The globs are fixed: `files` can only narrow them.

mod destructive;
mod guidance;
mod markdown;
mod options;
mod repo;

use drift_sdk::{Finding, Input, Metadata, Rule, Scope};

use crate::guidance::Instructions;
pub use crate::options::{Options, RequireWhen};
use crate::repo::{agent_of, database_locations, has_database, selected};

/// The `agent-guidance` rule.
#[derive(Debug, Default)]
pub struct AgentGuidance;

drift_sdk::checks! {
    /// Every check of the rule, in the order of its page.
    pub enum Check {
        /// The repository has a database but no instruction file (or none selected
        /// by `files`); reported at `CLAUDE.md` (or the first file entry of
        /// `files`), the file to create, with its content as help.
        NoInstructions = ("no-instructions", Warning, "a database but no AI agent instruction file"),
        /// Nothing an agent reads where the database lives covers any point, or no
        /// instruction file of the agent applies there; reported at line 1 of the
        /// group's shallowest file, with the section as help.
        MissingSection = ("missing-section", Error, "no \"When Modifying Database Schema\" section for an agent"),
        /// What an agent reads where the database lives does not cover a point; one
        /// finding per point, at the heading of the section to add it to, with the
        /// bullet as help.
        MissingPoint = ("missing-point", Error, "the section misses a required point"),
        /// The guidance tells agents to run a data-destroying command without
        /// forbidding it; reported at the command.
        DestructiveInstruction = ("destructive-instruction", Error, "guidance tells agents to run a data-destroying command"),
    }
}

impl Rule for AgentGuidance {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new(
            "agent-guidance",
            "AI coding agents are told the database rules, and never told to break them",
        )
        .scope(Scope::Repository)
        .include([
            "**/CLAUDE.md",
            "**/AGENTS.md",
            ".github/copilot-instructions.md",
            ".cursor/rules/*",
            ".cursorrules",
            "**/GEMINI.md",
            "**/*.prisma",
            "**/migrations/**",
        ])
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        if options.require_when == RequireWhen::Database && !has_database(input) {
            return out;
        }
        let mut files: Vec<(repo::Agent, Instructions<'_>)> = input
            .text_files()
            .filter(|(file, _)| selected(&file.path, options.files.as_deref()))
            .filter_map(|(file, text)| {
                Some((agent_of(&file.path)?, Instructions::new(&file.path, text)))
            })
            .collect();
        if files.is_empty() {
            out.push(guidance::no_instructions(options));
            return out;
        }
        // Shallowest first, then by path: the order findings about a group
        // pick their file in.
        files.sort_by(|(_, x), (_, y)| {
            (x.path.matches('/').count(), x.path).cmp(&(y.path.matches('/').count(), y.path))
        });
        for (_, file) in &files {
            destructive::check(file.path, file.text, &file.doc, &mut out);
        }
        let mut agents: Vec<repo::Agent> = files.iter().map(|(a, _)| *a).collect();
        agents.sort_unstable();
        agents.dedup();
        let (kinds, all): (Vec<repo::Agent>, Vec<Instructions<'_>>) = files.into_iter().unzip();
        let locations = database_locations(input);
        for agent in agents {
            let group: Vec<usize> = (0..kinds.len())
                .filter(|&i| kinds.get(i) == Some(&agent))
                .collect();
            // Claude Code and Gemini CLI expand `@path` imports; the others
            // read the file as written.
            let imports = matches!(agent, repo::Agent::Claude | repo::Agent::Gemini);
            guidance::check(&all, &group, &locations, imports, options, &mut out);
        }
        // Two agents that read the same file (`CLAUDE.md` importing
        // `AGENTS.md`) miss the same points there: one finding each.
        let mut seen: Vec<(String, String, Option<drift_sdk::Span>, String)> = Vec::new();
        out.retain(|f| {
            let key = (
                f.check.clone(),
                f.path.clone(),
                f.span,
                f.help.clone().unwrap_or_default(),
            );
            let new = f.check != Check::MissingPoint.to_string() || !seen.contains(&key);
            seen.push(key);
            new
        });
        out
    }
}

drift_sdk::register_rule!(AgentGuidance);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
