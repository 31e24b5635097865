//! Checks on Prisma migration folders (`<timestamp>_<name>/migration.sql`)
//! and on `migration_lock.toml`.

use std::collections::{BTreeMap, BTreeSet};

use drift_sdk::dialect::{assignment, datasource_provider};
use drift_sdk::paths::file_name;
use drift_sdk::{Finding, Input, LineIndex};

use crate::layout::{Contents, PrismaFolder, Project, list, slugify};

/// Runs the folder, timestamp and lock-file checks for one migrations folder.
/// `applied` tells whether a path existed at the base.
pub fn check(
    input: &Input,
    project: &Project,
    contents: &Contents,
    applied: &dyn Fn(&str) -> bool,
    out: &mut Vec<Finding>,
) {
    let used: BTreeSet<&str> = contents
        .prisma
        .iter()
        .filter_map(|f| f.timestamp.as_deref())
        .collect();
    // Without a base nothing says which folders a database has applied.
    let known = !input.base_paths.is_empty() || !input.changes.is_empty();
    let state = |folder: &PrismaFolder| match (known, folder.files.iter().any(|p| applied(p))) {
        (_, true) => State::Applied,
        (true, false) => State::New,
        (false, false) => State::Unknown,
    };
    for folder in &contents.prisma {
        check_folder(folder, state(folder), out);
    }
    duplicate_timestamps(contents, &used, applied, &state, out);
    duplicate_names(contents, out);
    if contents.prisma.is_empty() {
        return;
    }
    let schema_provider = project.schema.as_ref().and_then(|schema| {
        schema
            .files
            .iter()
            .filter_map(|f| input.file(f).and_then(|f| f.text()))
            .find_map(datasource_provider)
    });
    match &contents.lock {
        None => {
            let provider = schema_provider.as_deref().unwrap_or("postgresql");
            out.push(
                Finding::new(
                    crate::Check::MissingLockFile,
                    &project.dir,
                    format!(
                        "`{}` holds Prisma migrations but no migration_lock.toml",
                        project.dir
                    ),
                )
                .help(format!(
                    "create `{}/migration_lock.toml` containing `provider = \"{provider}\"`",
                    project.dir
                )),
            );
        }
        Some(lock) => {
            let text = input.file(lock).and_then(|f| f.text());
            if let (Some(text), Some(expected)) = (text, schema_provider) {
                provider_mismatch(lock, text, &expected, out);
            }
        }
    }
}

/// Whether a database may have applied a folder, which decides whether
/// renaming it is a fix: Prisma identifies a migration by its folder name,
/// so a renamed applied migration runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the base: applied somewhere.
    Applied,
    /// New in the change.
    New,
    /// A full scan: nothing says.
    Unknown,
}

/// The help for a folder whose name could be better: rename it while it
/// is new, never once applied.
fn rename_help(state: State, rename: &str) -> String {
    const KEEP: &str = "Prisma applies migrations in folder-name order whatever their names, and renaming an applied one makes Prisma run it again";
    match state {
        State::New => rename.to_owned(),
        State::Applied => format!("leave the folder as it is: {KEEP}"),
        State::Unknown => {
            format!("if no database has applied it yet, {rename}; once applied, leave it: {KEEP}")
        }
    }
}

fn check_folder(folder: &PrismaFolder, state: State, out: &mut Vec<Finding>) {
    match &folder.timestamp {
        None => out.push(
            Finding::new(
                crate::Check::PrismaFolderName,
                &folder.path,
                format!(
                    "migration folder `{}` is not named `<14-digit timestamp>_<name>`",
                    folder.name
                ),
            )
            .help(rename_help(
                state,
                &format!(
                    "rename the folder to `YYYYMMDDHHMMSS_{}` using the time the migration was created",
                    slugify(&folder.name)
                ),
            )),
        ),
        Some(ts) if parse_timestamp(ts).is_none() => out.push(
            Finding::new(
                crate::Check::InvalidTimestamp,
                &folder.path,
                format!(
                    "`{ts}` in `{}` is not a valid YYYYMMDDHHMMSS date-time",
                    folder.name
                ),
            )
            .help(rename_help(
                state,
                "rename the folder with the real creation time as `YYYYMMDDHHMMSS`",
            )),
        ),
        Some(_) => {}
    }
    let sql = folder.migration_sql();
    if !folder.files.contains(&sql) {
        out.push(
            Finding::new(
                crate::Check::MissingMigrationSql,
                &folder.path,
                format!("migration folder `{}` has no migration.sql", folder.name),
            )
            .help(format!(
                "add `{sql}` with the migration's SQL, or delete the folder"
            )),
        );
    }
    for file in &folder.files {
        if file.ends_with(".sql") && *file != sql {
            out.push(
                Finding::new(
                    crate::Check::UnexpectedFile,
                    file,
                    format!(
                        "`{}` is never run: Prisma only applies migration.sql",
                        file_name(file)
                    ),
                )
                .help(format!(
                    "move its SQL into `{sql}` or into a new migration folder"
                )),
            );
        }
    }
}

fn duplicate_timestamps(
    contents: &Contents,
    used: &BTreeSet<&str>,
    applied: &dyn Fn(&str) -> bool,
    state: &dyn Fn(&PrismaFolder) -> State,
    out: &mut Vec<Finding>,
) {
    let mut by_ts: BTreeMap<&str, Vec<&PrismaFolder>> = BTreeMap::new();
    for folder in &contents.prisma {
        if let Some(ts) = &folder.timestamp {
            by_ts.entry(ts).or_default().push(folder);
        }
    }
    // Suggestions must not collide with each other either.
    let mut taken: BTreeSet<String> = used.iter().map(|s| (*s).to_owned()).collect();
    for (ts, mut group) in by_ts.into_iter().filter(|(_, g)| g.len() > 1) {
        // The folder that keeps the timestamp is an applied one if any;
        // otherwise the first, so renaming the rest keeps the current order.
        group.sort_by_key(|f| (!f.files.iter().any(|p| applied(p)), f.name.clone()));
        // The folder that keeps the timestamp needs no change: the findings
        // go to the folders to rename, which a change that adds one touches.
        for folder in group.iter().skip(1) {
            let others = list(
                group
                    .iter()
                    .filter(|f| f.path != folder.path)
                    .map(|f| &f.name),
            );
            let rename = match next_free_timestamp(ts, &taken) {
                None => format!(
                    "give the folder a timestamp no other migration uses (`{}` keeps {ts})",
                    group.first().map_or("", |f| f.name.as_str())
                ),
                Some(next) => {
                    let rename = format!(
                        "rename the folder to `{next}_{}`",
                        folder.slug.as_deref().unwrap_or_default()
                    );
                    taken.insert(next);
                    rename
                }
            };
            let help = rename_help(state(folder), &rename);
            out.push(
                Finding::new(
                    crate::Check::DuplicateTimestamp,
                    &folder.path,
                    format!("timestamp {ts} is also used by {others}"),
                )
                .help(help),
            );
        }
    }
}

/// Reports every use of a name after the first: the earliest is the
/// legitimate one.
fn duplicate_names(contents: &Contents, out: &mut Vec<Finding>) {
    let mut first: BTreeMap<&str, &PrismaFolder> = BTreeMap::new();
    for folder in &contents.prisma {
        let Some(slug) = folder.slug.as_deref() else {
            continue;
        };
        match first.get(slug) {
            None => {
                first.insert(slug, folder);
            }
            Some(earlier) => {
                let ts = folder.timestamp.as_deref().unwrap_or_default();
                out.push(
                    Finding::new(
                        crate::Check::DuplicateName,
                        &folder.path,
                        format!(
                            "migration name `{slug}` is already used by `{}`",
                            earlier.name
                        ),
                    )
                    .help(format!(
                        "rename the folder to `{ts}_<what_it_changes>` so the two can be told apart"
                    )),
                );
            }
        }
    }
}

fn provider_mismatch(lock: &str, text: &str, expected: &str, out: &mut Vec<Finding>) {
    let Some((range, provider)) = lock_provider(text) else {
        return;
    };
    if provider == expected {
        return;
    }
    let span = LineIndex::new(text).span(text, range);
    out.push(
        Finding::new(
            crate::Check::ProviderMismatch,
            lock,
            format!(
                "migration_lock.toml records provider \"{provider}\" but the schema's datasource uses \"{expected}\""
            ),
        )
        .span(span)
        .help(format!(
            "regenerate the migrations for \"{expected}\" so the lock file can say `provider = \"{expected}\"`"
        )),
    );
}

/// The `provider = "..."` value of a lock file, with the byte range of the
/// quoted value.
fn lock_provider(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if let Some((value_at, value)) = assignment(line, "provider") {
            let from = start + value_at;
            return Some((from..from + value.len() + 2, value.to_owned()));
        }
    }
    None
}

/// Validates `YYYYMMDDHHMMSS`, returning its fields.
pub fn parse_timestamp(ts: &str) -> Option<[u32; 6]> {
    if ts.len() != 14 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| ts.get(range)?.parse::<u32>().ok();
    let fields = [
        field(0..4)?,
        field(4..6)?,
        field(6..8)?,
        field(8..10)?,
        field(10..12)?,
        field(12..14)?,
    ];
    let [year, month, day, hour, minute, second] = fields;
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then_some(fields)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The timestamp one second after `ts`, carrying into minutes, days, etc.
pub fn next_second(ts: &str) -> Option<String> {
    let [mut y, mut mo, mut d, mut h, mut mi, mut s] = parse_timestamp(ts)?;
    s += 1;
    if s == 60 {
        (s, mi) = (0, mi + 1);
    }
    if mi == 60 {
        (mi, h) = (0, h + 1);
    }
    if h == 24 {
        (h, d) = (0, d + 1);
    }
    if d > days_in_month(y, mo) {
        (d, mo) = (1, mo + 1);
    }
    if mo == 13 {
        (mo, y) = (1, y + 1);
    }
    (y <= 9999).then(|| format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"))
}

/// The first timestamp after `ts` that no folder (or earlier suggestion)
/// uses.
pub fn next_free_timestamp(ts: &str, taken: &BTreeSet<String>) -> Option<String> {
    let mut next = next_second(ts)?;
    while taken.contains(&next) {
        next = next_second(&next)?;
    }
    Some(next)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::testing::{InputBuilder, render, run};

    use super::*;
    use crate::Numbering;
    use crate::tests::{fixture, show};

    #[test]
    fn timestamps_are_real_date_times() {
        assert!(parse_timestamp("20240229235959").is_some());
        assert!(parse_timestamp("20000229000000").is_some());
        for bad in [
            "20230229000000",
            "19000229000000",
            "20241301000000",
            "20240001000000",
            "20240431000000",
            "20240100000000",
            "20240101240000",
            "20240101006000",
            "20240101000060",
            "2024010100000",
            "2024010100000x",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn next_second_carries() {
        assert_eq!(next_second("20240101120000").unwrap(), "20240101120001");
        assert_eq!(next_second("20231231235959").unwrap(), "20240101000000");
        assert_eq!(next_second("20240228235959").unwrap(), "20240229000000");
        assert_eq!(next_second("20230228235959").unwrap(), "20230301000000");
        assert_eq!(next_second("99991231235959"), None);
        let taken = ["20240101120001".to_owned()].into_iter().collect();
        assert_eq!(
            next_free_timestamp("20240101120000", &taken).unwrap(),
            "20240101120002"
        );
    }

    #[test]
    fn reads_lock_providers() {
        let lock = "# comment\nprovider = \"postgresql\"\n";
        let (range, value) = lock_provider(lock).unwrap();
        assert_eq!(value, "postgresql");
        assert_eq!(lock.get(range).unwrap(), "\"postgresql\"");
    }

    #[test]
    fn a_clean_prisma_history_is_silent() {
        let findings = run(&Numbering, &fixture("prisma_clean"), "{}").unwrap();
        assert_eq!(render(&findings), "");
    }

    #[test]
    fn broken_prisma_folders() {
        let findings = run(&Numbering, &fixture("prisma_broken"), "{}").unwrap();
        insta::assert_snapshot!(show(&findings));
    }

    #[test]
    fn the_applied_folder_keeps_a_duplicate_timestamp() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file(
                "migrations/migration_lock.toml",
                "provider = \"postgresql\"\n",
            )
            .file("migrations/20240101120000_a/migration.sql", "SELECT 1;")
            .file("migrations/20240101120000_b/migration.sql", "SELECT 1;")
            .file("migrations/20240101120001_c/migration.sql", "SELECT 1;")
            .base_file("migrations/20240101120000_b/migration.sql", "SELECT 1;")
            .base_file("migrations/20240101120001_c/migration.sql", "SELECT 1;")
            .change(
                drift_sdk::ChangeKind::Added,
                "migrations/20240101120000_a/migration.sql",
                None,
            )
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    /// Help never renames an applied folder: Prisma identifies a migration
    /// by its folder name.
    #[test]
    fn applied_folders_are_never_renamed() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file(
                "migrations/migration_lock.toml",
                "provider = \"postgresql\"\n",
            )
            .file("migrations/01_init/migration.sql", "SELECT 1;")
            .file("migrations/20240101120000_a/migration.sql", "SELECT 1;")
            .file("migrations/20240101120000_b/migration.sql", "SELECT 1;")
            .file("migrations/20241301000000_c/migration.sql", "SELECT 1;")
            .base_file("migrations/01_init/migration.sql", "SELECT 1;")
            .base_file("migrations/20240101120000_a/migration.sql", "SELECT 1;")
            .base_file("migrations/20240101120000_b/migration.sql", "SELECT 1;")
            .base_file("migrations/20241301000000_c/migration.sql", "SELECT 1;")
            .build();
        let findings = run(&Numbering, &input, "{}").unwrap();
        assert_eq!(findings.len(), 3, "{}", show(&findings));
        for f in &findings {
            use drift_sdk::Check as _;
            let check = crate::Check::ALL
                .iter()
                .find(|c| c.to_string() == f.check)
                .unwrap();
            assert_eq!(f.severity, None, "{f:?}");
            assert_eq!(
                check.default_severity(),
                drift_sdk::Severity::Warning,
                "{f:?}"
            );
            let help = f.help.as_deref().unwrap_or("");
            assert!(help.starts_with("leave the folder as it is"), "{help}");
        }
    }

    #[test]
    fn provider_mismatch_points_at_the_lock_file_line() {
        let findings = run(&Numbering, &fixture("prisma_provider_mismatch"), "{}").unwrap();
        insta::assert_snapshot!(show(&findings));
    }

    #[test]
    fn multi_file_schema_provider_is_found_in_any_file() {
        let input = InputBuilder::new()
            .file("prisma/schema/models.prisma", "model A { id Int @id }\n")
            .file(
                "prisma/schema/main.prisma",
                "datasource db {\n  provider = \"postgresql\"\n}\n",
            )
            .file(
                "prisma/migrations/migration_lock.toml",
                "provider = \"mysql\"\n",
            )
            .file(
                "prisma/migrations/20240101120000_init/migration.sql",
                "SELECT 1;\n",
            )
            .build();
        let findings = run(&Numbering, &input, "{}").unwrap();
        assert_eq!(
            render(&findings),
            "prisma/migrations/migration_lock.toml:1:12: provider-mismatch: migration_lock.toml records provider \"mysql\" but the schema's datasource uses \"postgresql\"\n"
        );
    }

    #[test]
    fn missing_lock_file_only_with_prisma_folders() {
        let handwritten_only = InputBuilder::new()
            .file("schema.prisma", "")
            .file("migrations/01_a.sql", "SELECT 1;")
            .build();
        assert_eq!(
            render(&run(&Numbering, &handwritten_only, "{}").unwrap()),
            ""
        );
        let prisma = InputBuilder::new()
            .file(
                "schema.prisma",
                "datasource db {\n provider = \"postgresql\"\n}",
            )
            .file("migrations/20240101120000_init/migration.sql", "SELECT 1;")
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &prisma, "{}").unwrap()));
    }
}
