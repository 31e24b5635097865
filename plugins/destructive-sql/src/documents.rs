//! Which files hold commands, how each kind is read, and how loud its
//! findings are: Markdown is documentation (the `docs` option, a warning
//! by default); shell scripts, `package.json` scripts, CI configuration,
//! Makefiles and justfiles run (the `scripts` option, an error by default).

use drift_sdk::paths::{file_name, parent};
use drift_sdk::{Finding, LineIndex};

use crate::Options;
use crate::commands::{Hit, scan};
use crate::hazards::may_hold_hazard;
use crate::markdown::{Fences, forbidden};
use crate::package_json::scripts;
use drift_sdk::hazard::written::comment_start;

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
    // Most documents cannot hold any command this rule reports, and are
    // done without being split into lines.
    if !may_hold_hazard(text, kind == Kind::Markdown) {
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
                    if crate::hazards::in_documents(hit.check) && !forbidden(line, hit.range.start)
                    {
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
    fn lines_keep_their_offsets() {
        let text = "a\r\nbc\n\nd";
        let lines: Vec<(usize, &str)> = lines(text).collect();
        assert_eq!(lines, [(0, "a"), (3, "bc"), (6, ""), (7, "d")]);
    }
}
