//! Checks on hand-written `NN_name.sql` migrations, which a runner applies in
//! number order: duplicates, gaps, padding, letter insertions, rollbacks and
//! files that fit no naming pattern.

use std::collections::{BTreeMap, BTreeSet};

use drift_sdk::Finding;
use drift_sdk::paths::{file_name, join};

use crate::Options;
use crate::layout::{Contents, Direction, HandWritten, Stray, list, slugify};
use crate::prisma::next_second;

/// Hands out free numbers after the highest one, so that suggestions never
/// collide with each other, and every finding about one file suggests the
/// same number.
struct FreeNumbers {
    next: u64,
    width: usize,
    given: BTreeMap<String, String>,
}

impl FreeNumbers {
    fn new(contents: &Contents) -> Self {
        // Rollbacks count too: a suggestion must not reuse their number.
        let highest = contents
            .handwritten
            .iter()
            .max_by_key(|h| (h.number, h.digits.len()));
        Self {
            next: highest.map_or(1, |h| h.number.saturating_add(1)),
            width: highest.map_or(2, |h| h.digits.len()),
            given: BTreeMap::new(),
        }
    }

    fn take(&mut self, path: &str) -> String {
        let (next, width) = (&mut self.next, self.width);
        self.given
            .entry(path.to_owned())
            .or_insert_with(|| {
                let n = *next;
                *next = next.saturating_add(1);
                format!("{n:0width$}")
            })
            .clone()
    }
}

/// Runs every hand-written check on one migrations folder. `applied` tells
/// whether a path existed at the base, so suggestions renumber new files
/// rather than applied ones.
pub fn check(
    dir: &str,
    contents: &Contents,
    options: &Options,
    applied: &dyn Fn(&str) -> bool,
    out: &mut Vec<Finding>,
) {
    let mut free = FreeNumbers::new(contents);
    duplicates(contents, applied, &mut free, out);
    gaps(contents, out);
    inconsistent_width(contents, out);
    let forward: BTreeSet<(u64, Option<char>)> = contents.forward().map(HandWritten::key).collect();
    for h in &contents.handwritten {
        match h.direction {
            Direction::Forward if h.suffix.is_some() => letter_suffix(h, options, &mut free, out),
            Direction::Forward => {}
            Direction::Rollback => rollback(h, contents, &forward, options, out),
        }
    }
    for stray in &contents.strays {
        unrecognized(dir, stray, contents, &mut free, out);
    }
}

fn duplicates(
    contents: &Contents,
    applied: &dyn Fn(&str) -> bool,
    free: &mut FreeNumbers,
    out: &mut Vec<Finding>,
) {
    let mut groups: BTreeMap<(u64, Option<char>), Vec<&HandWritten>> = BTreeMap::new();
    for h in contents.forward() {
        groups.entry(h.key()).or_default().push(h);
    }
    for mut group in groups.into_values().filter(|g| g.len() > 1) {
        // The file that keeps the number is an applied one if any.
        group.sort_by_key(|h| (!applied(&h.path), h.file_name.clone()));
        for (i, h) in group.iter().enumerate() {
            let others = list(
                group
                    .iter()
                    .filter(|o| o.path != h.path)
                    .map(|o| &o.file_name),
            );
            let help = if i == 0 {
                format!("keep this number and renumber {others}")
            } else {
                format!(
                    "rename it to `{}_{}.sql`, the next free number",
                    free.take(&h.path),
                    h.name
                )
            };
            out.push(
                Finding::new(
                    crate::Check::DuplicateNumber,
                    &h.path,
                    format!("migration number {} is also used by {others}", h.label()),
                )
                .help(help),
            );
        }
    }
}

fn gaps(contents: &Contents, out: &mut Vec<Finding>) {
    // Date- or timestamp-numbered files leave gaps by design.
    if contents.forward().any(|h| h.number >= 10_000_000) {
        return;
    }
    let mut sorted: Vec<&HandWritten> = contents.forward().collect();
    sorted.sort_by_key(|h| (h.key(), h.file_name.clone()));
    for pair in sorted.windows(2) {
        let [before, after] = pair else { continue };
        if after.number <= before.number.saturating_add(1) {
            continue;
        }
        let width = after.digits.len();
        let first = before.number + 1;
        let last = after.number - 1;
        let missing = if first == last {
            format!("no migration numbered {first:0width$}")
        } else {
            format!("no migrations numbered {first:0width$} to {last:0width$}")
        };
        out.push(
            Finding::new(
                crate::Check::Gap,
                &after.path,
                format!(
                    "{missing} between `{}` and `{}`",
                    before.file_name, after.file_name
                ),
            )
            .help(format!(
                "restore the missing migration, or rename `{}` to `{first:0width$}{}` if no environment has applied it yet",
                after.file_name,
                after.file_name.get(after.digits.len()..).unwrap_or_default()
            )),
        );
    }
}

/// Tools that sort by file name run `10_x` before `9_y`, and `08_x` before
/// `7_y`: report the first file that name order puts after a higher number.
fn inconsistent_width(contents: &Contents, out: &mut Vec<Finding>) {
    let mut by_name: Vec<&HandWritten> = contents.forward().collect();
    by_name.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    let width = by_name.iter().map(|h| h.digits.len()).max().unwrap_or(0);
    let mut highest: Option<&HandWritten> = None;
    for h in by_name {
        match highest {
            Some(top) if h.number < top.number => {
                let padded = format!(
                    "{:0width$}{}",
                    h.number,
                    h.file_name.get(h.digits.len()..).unwrap_or_default()
                );
                out.push(
                    Finding::new(
                        crate::Check::InconsistentWidth,
                        &h.path,
                        format!(
                            "`{}` sorts after `{}` by name but has a lower number",
                            h.file_name, top.file_name
                        ),
                    )
                    .help(format!(
                        "pad every migration number to {width} digits, e.g. rename `{}` to `{padded}`",
                        h.file_name
                    )),
                );
                return;
            }
            Some(top) if top.number >= h.number => {}
            _ => highest = Some(h),
        }
    }
}

fn letter_suffix(
    h: &HandWritten,
    options: &Options,
    free: &mut FreeNumbers,
    out: &mut Vec<Finding>,
) {
    let Some(severity) = options.letter_suffix.severity() else {
        return;
    };
    out.push(
        Finding::new(
            crate::Check::LetterSuffix,
            &h.path,
            format!(
                "`{}` uses a letter suffix to insert a migration after {}",
                h.file_name, h.digits
            ),
        )
        .severity(severity)
        .help(format!(
            "rename it to `{}_{}.sql`, the next free number, unless it must run right after {}",
            free.take(&h.path),
            h.name,
            h.digits
        )),
    );
}

fn rollback(
    h: &HandWritten,
    contents: &Contents,
    forward: &BTreeSet<(u64, Option<char>)>,
    options: &Options,
    out: &mut Vec<Finding>,
) {
    if let Some(severity) = options.rollback.severity() {
        out.push(
            Finding::new(
                crate::Check::RollbackFile,
                &h.path,
                format!("`{}` is a rollback script in the migrations folder", h.file_name),
            )
            .severity(severity)
            .help("move rollback scripts out of the migrations folder and undo changes with a new forward migration"),
        );
    }
    if forward.contains(&h.key()) {
        return;
    }
    // A forward migration of the same name is what it most likely rolls back.
    let help = match contents.forward().find(|f| f.name == h.name) {
        Some(f) => format!(
            "rename it to `{}{}` to match `{}`, or delete it",
            f.label(),
            h.file_name.get(h.label().len()..).unwrap_or_default(),
            f.file_name
        ),
        None => "delete it, or renumber it to match the migration it rolls back".to_owned(),
    };
    out.push(
        Finding::new(
            crate::Check::OrphanRollback,
            &h.path,
            format!(
                "rollback `{}` has no forward migration numbered {}",
                h.file_name,
                h.label()
            ),
        )
        .help(help),
    );
}

fn unrecognized(
    dir: &str,
    stray: &Stray,
    contents: &Contents,
    free: &mut FreeNumbers,
    out: &mut Vec<Finding>,
) {
    let name = file_name(&stray.path);
    let Some(stem) = name.strip_suffix(".sql") else {
        out.push(
            Finding::new(
                crate::Check::UnrecognizedName,
                &stray.path,
                format!("`{name}` is not a migration"),
            )
            .help(format!("move it out of `{dir}`")),
        );
        return;
    };
    let message = if stray.nested {
        format!("`{name}` is nested too deep in the migrations folder to ever be applied")
    } else {
        format!("`{name}` is not named like a migration (`NN_name.sql`), so it is never applied")
    };
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    let slug = slugify(stem.get(digits.len()..).unwrap_or_default());
    let prisma_only = contents.handwritten.is_empty() && !contents.prisma.is_empty();
    let target = if prisma_only {
        let ts = contents
            .prisma
            .iter()
            .filter_map(|f| f.timestamp.as_deref())
            .max()
            .and_then(next_second)
            .unwrap_or_else(|| "YYYYMMDDHHMMSS".to_owned());
        join(dir, &format!("{ts}_{slug}/migration.sql"))
    } else {
        // Keep the author's number unless another migration has it.
        let taken = |n: u64| contents.handwritten.iter().any(|h| h.number == n);
        let number = match digits.parse::<u64>() {
            Ok(n) if !taken(n) => format!("{n:0width$}", width = free.width),
            _ => free.take(&stray.path),
        };
        join(dir, &format!("{number}_{slug}.sql"))
    };
    out.push(
        Finding::new(crate::Check::UnrecognizedName, &stray.path, message).help(format!(
            "move it to `{target}` or out of the migrations folder"
        )),
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::ChangeKind;
    use drift_sdk::testing::{InputBuilder, render, run};

    use crate::Numbering;
    use crate::tests::{fixture, show};

    fn folder(files: &[&str]) -> drift_sdk::Input {
        files
            .iter()
            .fold(InputBuilder::new().file("db/schema.prisma", ""), |b, f| {
                b.file(&format!("db/migrations/{f}"), "SELECT 1;\n")
            })
            .build()
    }

    fn check(files: &[&str], options: &str) -> String {
        show(&run(&Numbering, &folder(files), options).unwrap())
    }

    #[test]
    fn a_clean_sequence_is_silent() {
        let findings = run(&Numbering, &fixture("handwritten_clean"), "{}").unwrap();
        assert_eq!(render(&findings), "");
    }

    #[test]
    fn a_messy_folder() {
        let findings = run(&Numbering, &fixture("handwritten_messy"), "{}").unwrap();
        insta::assert_snapshot!(show(&findings));
    }

    #[test]
    fn duplicates_compare_numerically() {
        insta::assert_snapshot!(check(
            &["7_a.sql", "07_b.sql", "08_c.sql", "09_d.sql"],
            "{}"
        ));
    }

    #[test]
    fn the_applied_duplicate_keeps_its_number() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file("migrations/01_a.sql", "SELECT 1;")
            .file("migrations/02_b.sql", "SELECT 1;")
            .file("migrations/02_a.sql", "SELECT 1;")
            .base_file("migrations/01_a.sql", "SELECT 1;")
            .base_file("migrations/02_b.sql", "SELECT 1;")
            .change(ChangeKind::Added, "migrations/02_a.sql", None)
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    #[test]
    fn unrecognized_sql_next_to_prisma_folders_goes_into_a_new_folder() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file(
                "migrations/migration_lock.toml",
                "provider = \"postgresql\"\n",
            )
            .file("migrations/20240101120000_init/migration.sql", "SELECT 1;")
            .file("migrations/add index.sql", "SELECT 1;")
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    #[test]
    fn letter_suffixes_are_insertions_not_duplicates() {
        let files = ["17_a.sql", "17b_x.sql", "17B_y.sql", "18_c.sql"];
        insta::assert_snapshot!(check(&files, "{}"));
        let allowed = check(
            &["17_a.sql", "17b_x.sql", "18_c.sql"],
            r#"{"letter-suffix": "off"}"#,
        );
        assert_eq!(allowed, "");
        let error = check(&["17_a.sql", "17b_x.sql"], r#"{"letter-suffix": "error"}"#);
        assert!(error.contains("letter-suffix [Error]"), "{error}");
    }

    #[test]
    fn gaps_are_reported_once_per_hole() {
        insta::assert_snapshot!(check(
            &["01_a.sql", "02_b.sql", "04_c.sql", "08_d.sql"],
            "{}"
        ));
        let letters = ["3_a.sql", "4_b.sql", "4b_c.sql", "5_d.sql"];
        assert_eq!(check(&letters, r#"{"letter-suffix": "off"}"#), "");
        let timestamps = ["20240101_a.sql", "20240305_b.sql"];
        assert_eq!(check(&timestamps, "{}"), "");
    }

    #[test]
    fn rollbacks_are_not_duplicates_or_gap_fillers() {
        let files = [
            "01_a.sql",
            "01_a_rollback.sql",
            "02_b.sql",
            "02_b.down.sql",
            "02_b_down.sql",
        ];
        assert_eq!(check(&files, "{}"), "");
        insta::assert_snapshot!(check(&files, r#"{"rollback": "warning"}"#));
        let error = check(
            &["01_a.sql", "01_a_rollback.sql"],
            r#"{"rollback": "error"}"#,
        );
        assert!(error.contains("rollback-file [Error]"), "{error}");
        // A rollback does not fill the hole at 02.
        let gap = check(&["01_a.sql", "02_b_rollback.sql", "03_c.sql"], "{}");
        assert!(gap.contains("gap"), "{gap}");
    }

    #[test]
    fn orphan_rollbacks() {
        insta::assert_snapshot!(check(
            &["01_a.sql", "02_a_rollback.sql", "03_x.down.sql"],
            "{}"
        ));
    }

    #[test]
    fn inconsistent_width() {
        insta::assert_snapshot!(check(&["7_a.sql", "08_b.sql"], "{}"));
        insta::assert_snapshot!(check(&["8_a.sql", "9_b.sql", "10_c.sql"], "{}"));
        assert_eq!(check(&["08_a.sql", "09_b.sql", "10_c.sql"], "{}"), "");
        assert_eq!(check(&["1_a.sql", "2_b.sql", "3_c.sql"], "{}"), "");
    }

    #[test]
    fn unrecognized_names() {
        let files = [
            "01_a.sql",
            "7-add users.sql",
            "cleanup.sql",
            "notes.txt",
            "README.md",
            ".gitkeep",
            ".hidden.sql",
            "migration_lock.toml",
        ];
        insta::assert_snapshot!(check(&files, "{}"));
    }
}
