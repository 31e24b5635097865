//! History checks, run only against a base (`--base`, `--staged`): applied
//! migrations must never change, and new ones must sort after them.
//!
//! "Applied" means "present at the base": the base is what other
//! environments have already run.

use std::collections::BTreeSet;

use drift_sdk::paths::is_within;
use drift_sdk::{ChangeKind, Content, Finding, Input};

use crate::layout::{self, Direction, HandWritten, Project};
use crate::prisma::next_second;

const IMMUTABLE: &str =
    "applied migrations are immutable, so write a new migration that makes the change";

pub fn check(input: &Input, projects: &[Project], out: &mut Vec<Finding>) {
    let base: BTreeSet<&str> = input.base_paths.iter().collect();
    let dirs: Vec<&str> = projects.iter().map(|p| p.dir.as_str()).collect();
    let is_migration = |path: &str| dirs.iter().any(|dir| is_migration_in(path, dir));
    let was_applied = |path: &str| base.contains(path) && is_migration(path);
    for change in &input.changes {
        let path = change.path.as_str();
        match change.kind {
            ChangeKind::Modified if was_applied(path) && !same_text(input, path, path) => {
                out.push(
                    Finding::new(
                        crate::Check::ModifiedApplied,
                        path,
                        format!("applied migration `{path}` was modified"),
                    )
                    .help(format!("restore the file: {IMMUTABLE}")),
                );
            }
            ChangeKind::Renamed => {
                let Some(old) = change.old_path.as_deref() else {
                    continue;
                };
                // Prisma knows a migration by its folder name (a runner of
                // hand-written files by its file name): moving the
                // migrations folder, or the package holding it, renames
                // nothing a database has recorded.
                if was_applied(old)
                    && is_migration(path)
                    && identity(old) == identity(path)
                    && same_text(input, old, path)
                {
                    continue;
                }
                if was_applied(old) {
                    out.push(
                        Finding::new(
                            crate::Check::RenamedApplied,
                            path,
                            format!("applied migration `{old}` was renamed to `{path}`"),
                        )
                        .help(format!("rename it back to `{old}`: {IMMUTABLE}")),
                    );
                }
            }
            ChangeKind::Deleted if was_applied(path) => out.push(
                Finding::new(
                    crate::Check::DeletedApplied,
                    path,
                    format!("applied migration `{path}` was deleted"),
                )
                .help(format!("restore the file: {IMMUTABLE}")),
            ),
            _ => {}
        }
    }
    for dir in dirs {
        out_of_order(input, &base, dir, out);
    }
}

/// What a database records of the migration holding `path`: the Prisma
/// folder's name with the file's, or a hand-written file's name.
fn identity(path: &str) -> (&str, &str) {
    let file = drift_sdk::paths::file_name(path);
    let folder = drift_sdk::paths::parent(path);
    if file.ends_with(".sql") && layout::parse_handwritten(path, file).is_some() {
        ("", file)
    } else {
        (drift_sdk::paths::file_name(folder), file)
    }
}

/// True when the file at `new` holds what `old` held at the base, line
/// endings aside: a re-save that only switched CRLF and LF is not an edit.
/// Without both texts we cannot tell, so it counts as a change.
fn same_text(input: &Input, old: &str, new: &str) -> bool {
    let text = |content: &Content| match content {
        Content::Text(t) => Some(t.replace("\r\n", "\n")),
        _ => None,
    };
    let before = input.base_file(old).and_then(|f| text(&f.content));
    let after = input.file(new).and_then(|f| text(&f.content));
    matches!((before, after), (Some(b), Some(a)) if a == b)
}

/// A forward hand-written migration directly in `dir`, or any file of a
/// Prisma folder in it.
fn is_migration_in(path: &str, dir: &str) -> bool {
    if !is_within(path, dir) {
        return false;
    }
    let rest = if dir.is_empty() {
        path
    } else {
        path.get(dir.len() + 1..).unwrap_or_default()
    };
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [name] => {
            layout::parse_handwritten(path, name).is_some_and(|h| h.direction == Direction::Forward)
        }
        [_, name] => *name != "migration_lock.toml",
        _ => false,
    }
}

fn is_added(input: &Input, base: &BTreeSet<&str>, path: &str) -> bool {
    !base.contains(path)
        && input
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::Added && c.path == path)
}

/// New migrations that sort before the newest applied one: environments
/// that already ran it would skip them (or run them out of order).
fn out_of_order(input: &Input, base: &BTreeSet<&str>, dir: &str, out: &mut Vec<Finding>) {
    let before = layout::scan(&input.base_paths.to_vec(), dir);
    let now = layout::scan(&input.paths.to_vec(), dir);

    if let Some(newest) = before.forward().max_by_key(|h| h.key()) {
        let highest = now
            .forward()
            .chain(before.forward())
            .max_by_key(|h| (h.number, h.digits.len()));
        let mut next = highest
            .map_or(newest.number, |h| h.number)
            .saturating_add(1);
        let width = highest.map_or(newest.digits.len(), |h| h.digits.len());
        for h in now.forward() {
            if h.key() < newest.key() && is_added(input, base, &h.path) {
                out.push(late_handwritten(h, newest, &format!("{next:0width$}")));
                // Several late files each get their own number.
                next = next.saturating_add(1);
            }
        }
    }

    let newest = before
        .prisma
        .iter()
        .filter_map(|f| f.timestamp.as_deref().map(|ts| (ts, f)))
        .max_by_key(|(ts, _)| *ts);
    let Some((newest_ts, newest)) = newest else {
        return;
    };
    let latest = now
        .prisma
        .iter()
        .chain(&before.prisma)
        .filter_map(|f| f.timestamp.as_deref())
        .max()
        .unwrap_or(newest_ts);
    for folder in &now.prisma {
        let Some(ts) = folder.timestamp.as_deref() else {
            continue;
        };
        let is_new = !base.iter().any(|p| is_within(p, &folder.path))
            && folder.files.iter().any(|f| is_added(input, base, f));
        if is_new && ts < newest_ts {
            let target = match next_second(latest) {
                Some(next) => format!("`{next}_{}`", folder.slug.as_deref().unwrap_or_default()),
                None => format!("a timestamp after {latest}"),
            };
            out.push(
                Finding::new(
                    crate::Check::OutOfOrder,
                    &folder.path,
                    format!(
                        "new migration `{}` sorts before `{}`, the newest migration at the base",
                        folder.name, newest.name
                    ),
                )
                .help(format!(
                    "rename the folder to {target} so it runs after every applied migration"
                )),
            );
        }
    }
}

fn late_handwritten(h: &HandWritten, newest: &HandWritten, next: &str) -> Finding {
    Finding::new(
        crate::Check::OutOfOrder,
        &h.path,
        format!(
            "new migration `{}` sorts before `{}`, the newest migration at the base",
            h.file_name, newest.file_name
        ),
    )
    .help(format!(
        "rename it to `{next}_{}.sql` so it runs after every applied migration",
        h.name
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::testing::{InputBuilder, render, run};
    use drift_sdk::{ChangeKind, Content};

    use crate::Numbering;
    use crate::tests::show;

    const SCHEMA: &str = "datasource db {\n  provider = \"postgresql\"\n}\n";
    const LOCK: &str = "provider = \"postgresql\"\n";

    /// A base with two hand-written and two Prisma migrations.
    fn base() -> InputBuilder {
        InputBuilder::new()
            .file("prisma/schema.prisma", SCHEMA)
            .file("prisma/migrations/migration_lock.toml", LOCK)
            .base_path("prisma/schema.prisma")
            .base_file("prisma/migrations/migration_lock.toml", LOCK)
            .base_file("prisma/migrations/01_a.sql", "SELECT 1;\n")
            .base_file("prisma/migrations/02_b.sql", "SELECT 2;\n")
            .base_file(
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 3;\n",
            )
            .base_file(
                "prisma/migrations/20240201120000_users/migration.sql",
                "SELECT 4;\n",
            )
    }

    #[test]
    fn untouched_history_is_silent() {
        let input = base()
            .file("prisma/migrations/01_a.sql", "SELECT 1;\n")
            .file("prisma/migrations/02_b.sql", "SELECT 2;\n")
            .file("prisma/migrations/03_c.sql", "SELECT 5;\n")
            .file(
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 3;\n",
            )
            .file(
                "prisma/migrations/20240201120000_users/migration.sql",
                "SELECT 4;\n",
            )
            .file(
                "prisma/migrations/20240301120000_posts/migration.sql",
                "SELECT 6;\n",
            )
            .change(ChangeKind::Added, "prisma/migrations/03_c.sql", None)
            .change(
                ChangeKind::Added,
                "prisma/migrations/20240301120000_posts/migration.sql",
                None,
            )
            // Only the line endings changed, and the lock file is not a migration.
            .change(ChangeKind::Modified, "prisma/migrations/01_a.sql", None)
            .change(
                ChangeKind::Modified,
                "prisma/migrations/migration_lock.toml",
                None,
            )
            .build();
        let mut input = input;
        for file in &mut input.files {
            if file.path.ends_with("01_a.sql") {
                file.content = Content::Text("SELECT 1;\r\n".into());
            }
        }
        assert_eq!(render(&run(&Numbering, &input, "{}").unwrap()), "");
    }

    /// Moving the migrations folder (with its schema) keeps every
    /// migration's name: nothing a database recorded changes. A move that
    /// also edits a migration, or renames its folder, is still reported.
    #[test]
    fn moving_the_migrations_folder_renames_nothing() {
        let moved = |path: &str| path.replacen("prisma/", "packages/db/prisma/", 1);
        let mut builder = InputBuilder::new().file("packages/db/prisma/schema.prisma", "");
        let files = [
            ("prisma/migrations/01_a.sql", "SELECT 1;\n"),
            (
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 3;\n",
            ),
            (
                "prisma/migrations/20240201120000_users/migration.sql",
                "SELECT 4;\n",
            ),
        ];
        for (path, text) in files {
            builder = builder.base_file(path, text);
        }
        builder = builder
            .base_path("prisma/schema.prisma")
            .file(&moved(files[0].0), files[0].1)
            .file(&moved(files[1].0), files[1].1)
            // Moved and edited.
            .file(
                &moved(files[2].0).replace("20240201120000_users", "20240201120000_people"),
                "SELECT 4;\n",
            );
        for (path, _) in files {
            let new = if path.contains("_users") {
                moved(path).replace("20240201120000_users", "20240201120000_people")
            } else {
                moved(path)
            };
            builder = builder.change(ChangeKind::Renamed, &new, Some(path));
        }
        let findings = run(&Numbering, &builder.build(), "{}").unwrap();
        let renamed: Vec<&str> = findings
            .iter()
            .filter(|f| f.check == "renamed-applied")
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(
            renamed,
            ["packages/db/prisma/migrations/20240201120000_people/migration.sql"],
            "{}",
            show(&findings)
        );
    }

    #[test]
    fn edits_to_applied_migrations() {
        let input = base()
            .file("prisma/migrations/01_a.sql", "SELECT 10;\n")
            .file(
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 3;\n",
            )
            .file("prisma/migrations/20240101120000_init/notes.md", "why\n")
            .file(
                "prisma/migrations/20240215120000_users/migration.sql",
                "SELECT 4;\n",
            )
            .base_path("prisma/migrations/20240101120000_init/notes.md")
            .change(ChangeKind::Modified, "prisma/migrations/01_a.sql", None)
            .change(
                ChangeKind::Modified,
                "prisma/migrations/20240101120000_init/notes.md",
                None,
            )
            .change(ChangeKind::Deleted, "prisma/migrations/02_b.sql", None)
            .change(
                ChangeKind::Renamed,
                "prisma/migrations/20240215120000_users/migration.sql",
                Some("prisma/migrations/20240201120000_users/migration.sql"),
            )
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    #[test]
    fn new_migrations_before_the_newest_applied_one() {
        let input = base()
            .file("prisma/migrations/01_a.sql", "SELECT 1;\n")
            .file("prisma/migrations/01b_late.sql", "SELECT 1;\n")
            .file("prisma/migrations/02_b.sql", "SELECT 2;\n")
            .file(
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 3;\n",
            )
            .file(
                "prisma/migrations/20240115120000_late/migration.sql",
                "SELECT 7;\n",
            )
            .file(
                "prisma/migrations/20240201120000_users/migration.sql",
                "SELECT 4;\n",
            )
            .change(ChangeKind::Added, "prisma/migrations/01b_late.sql", None)
            .change(
                ChangeKind::Added,
                "prisma/migrations/20240115120000_late/migration.sql",
                None,
            )
            .build();
        insta::assert_snapshot!(show(
            &run(&Numbering, &input, r#"{"letter-suffix": "off"}"#).unwrap()
        ));
    }

    #[test]
    fn missing_base_content_still_counts_as_modified() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file("migrations/01_a.sql", "SELECT 1;\n")
            .base_path("migrations/01_a.sql")
            .change(ChangeKind::Modified, "migrations/01_a.sql", None)
            .build();
        let findings = run(&Numbering, &input, "{}").unwrap();
        assert_eq!(
            render(&findings),
            "migrations/01_a.sql: modified-applied: applied migration `migrations/01_a.sql` was modified\n"
        );
    }

    #[test]
    fn history_is_ignored_without_a_base() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file("migrations/01_a.sql", "SELECT 1;\n")
            .build();
        let mut input = input;
        input.changes.push(drift_sdk::Change {
            kind: ChangeKind::Deleted,
            path: "migrations/02_b.sql".into(),
            old_path: None,
        });
        input.base_paths.push("migrations/02_b.sql");
        assert_eq!(render(&run(&Numbering, &input, "{}").unwrap()), "");
    }
}
