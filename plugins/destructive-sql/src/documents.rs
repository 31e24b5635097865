//! Which files hold commands, how each kind is read, and how loud its
//! findings are: Markdown is documentation (the `docs` option, a warning
//! by default); shell scripts, `package.json` scripts, CI configuration,
//! Makefiles and justfiles run (the `scripts` option, an error by default).

use drift_sdk::paths::{file_name, parent};
use drift_sdk::{Finding, LineIndex};

use crate::Options;
use crate::commands::{Hit, scan};
use crate::markdown::{Fences, forbidden};
use crate::package_json::scripts;
use crate::shell::comment_start;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SQL, checked on its syntax tree.
    Sql,
    Markdown,
    /// Shell scripts, CI configuration, Makefiles, justfiles: lines of
    /// commands with `#` comments.
    Script,
    /// Only the values of `"scripts"` are commands.
    PackageJson,
}

/// The kind of the file at `path`, `None` for files the rule ignores.
/// Mirrors the rule's include globs.
pub fn kind(path: &str) -> Option<Kind> {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let dir = parent(path);
    let extension = lower.rsplit_once('.').map(|(_, e)| e);
    match extension {
        Some("sql") => return Some(Kind::Sql),
        Some("md" | "mdx") => return Some(Kind::Markdown),
        Some("sh" | "bash") => return Some(Kind::Script),
        _ => {}
    }
    let ci = (dir == ".github/workflows" && matches!(extension, Some("yml" | "yaml")))
        || path == ".gitlab-ci.yml"
        || (name == "config.yml" && (dir == ".circleci" || dir.ends_with("/.circleci")));
    if ci
        || matches!(
            name,
            "Makefile" | "makefile" | "GNUmakefile" | "justfile" | "Justfile" | ".justfile"
        )
    {
        return Some(Kind::Script);
    }
    (name == "package.json").then_some(Kind::PackageJson)
}

/// The words `scan` looks for.
const COMMAND_WORDS: &[&str] = &["prisma", "dropdb", "psql", "--accept-data-loss"];

/// True when `text` holds one of [`COMMAND_WORDS`]. memchr's substring
/// search rather than `str::contains`: in WebAssembly the latter is a scalar
/// Two-Way search, and these four searches over every document were a fifth
/// of a warm run's CPU on a documentation-heavy repository; memchr uses WASM
/// SIMD (enabled for the workspace's plugins in .cargo/config.toml).
fn mentions_command_word(text: &str) -> bool {
    COMMAND_WORDS
        .iter()
        .any(|word| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some())
}

/// Reports the destructive commands of one non-SQL file.
pub fn check(path: &str, text: &str, kind: Kind, options: &Options, out: &mut Vec<Finding>) {
    let level = match kind {
        Kind::Markdown => options.docs,
        Kind::Script | Kind::PackageJson => options.scripts,
        Kind::Sql => return,
    };
    let Some(severity) = level.severity() else {
        return;
    };
    // Every command this rule reports starts with one of these words
    // (matched case-sensitively by `scan`): most documents hold none, and
    // are done without being split into lines.
    if !mentions_command_word(text) {
        return;
    }
    let index = LineIndex::new(text);
    let mut report = |hit: Hit, range: std::ops::Range<usize>| {
        out.push(
            Finding::new(hit.check, path, hit.message)
                .span(index.span(text, range))
                .severity(severity)
                .help(hit.help),
        );
    };
    match kind {
        Kind::Markdown => {
            let mut fences = Fences::default();
            for (start, line) in lines(text) {
                if fences.skip(line) {
                    continue;
                }
                for hit in scan(line) {
                    if !forbidden(line, hit.range.start) {
                        let range = start + hit.range.start..start + hit.range.end;
                        report(hit, range);
                    }
                }
            }
        }
        Kind::Script => {
            for (start, line) in lines(text) {
                let code = line.get(..comment_start(line)).unwrap_or("");
                for hit in scan(code) {
                    let range = start + hit.range.start..start + hit.range.end;
                    report(hit, range);
                }
            }
        }
        Kind::PackageJson => {
            for script in scripts(text) {
                for hit in scan(&script.command) {
                    let range = script.file_range(hit.range.clone());
                    report(hit, range);
                }
            }
        }
        Kind::Sql => {}
    }
}

/// The lines of `text` with their start offsets, without line endings.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |start, line| {
        let at = *start;
        *start += line.len();
        Some((at, line.trim_end_matches(['\n', '\r'])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_include_globs() {
        for (path, expected) in [
            (
                "server/prisma/migrations/1_x/migration.sql",
                Some(Kind::Sql),
            ),
            ("README.md", Some(Kind::Markdown)),
            ("docs/setup.mdx", Some(Kind::Markdown)),
            ("scripts/reset.sh", Some(Kind::Script)),
            ("bin/x.bash", Some(Kind::Script)),
            (".github/workflows/ci.yml", Some(Kind::Script)),
            (".github/workflows/deploy.yaml", Some(Kind::Script)),
            (".gitlab-ci.yml", Some(Kind::Script)),
            (".circleci/config.yml", Some(Kind::Script)),
            ("app/.circleci/config.yml", Some(Kind::Script)),
            ("Makefile", Some(Kind::Script)),
            ("server/justfile", Some(Kind::Script)),
            ("package.json", Some(Kind::PackageJson)),
            ("server/package.json", Some(Kind::PackageJson)),
            ("server/.github/workflows/ci.yml", None),
            (".github/workflows/nested/ci.yml", None),
            ("ci.yml", None),
            ("package-lock.json", None),
            ("src/index.ts", None),
            ("Makefile.old", None),
        ] {
            assert_eq!(kind(path), expected, "{path}");
        }
    }

    #[test]
    fn the_pre_filter_finds_exactly_the_command_words() {
        let contains = |text: &str| COMMAND_WORDS.iter().any(|word| text.contains(word));
        for text in [
            "",
            "p",
            "prism",
            "prisma",
            "npx prisma migrate reset",
            "ps",
            "psq psql",
            "pdropd",
            "xxdropdb",
            "--accept-data-los",
            "run with --accept-data-loss",
            "Prisma PSQL DROPDB",
            "é prisma",
            "ppsql",
            "dropd\nb",
        ] {
            assert_eq!(mentions_command_word(text), contains(text), "{text:?}");
        }
    }

    #[test]
    fn lines_keep_their_offsets() {
        let text = "a\r\nbc\n\nd";
        let lines: Vec<(usize, &str)> = lines(text).collect();
        assert_eq!(lines, [(0, "a"), (3, "bc"), (6, ""), (7, "d")]);
    }
}
