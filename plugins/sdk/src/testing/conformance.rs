//! The conformance suite: what every rule, built-in or custom, must do to
//! be a good citizen of drift-host, checked natively in one call.
//!
//! - **Metadata**: a kebab-case id, globs that compile, checks declared
//!   once with kebab-case ids.
//! - **Docs**: the crate's `//!` documentation has the sections a rule page
//!   needs (*What it does*, *Why is this bad?*, *Example*, *How to fix*),
//!   every check has a summary and a doc comment, and every ```toml example
//!   in them parses, and validates against the rule's own options (strictly,
//!   as the host would) and the host's keys (`enabled`, `severity`, `checks`
//!   with declared ids and canonical levels).
//! - **Strict options**: an unknown key is refused, `{}` accepted.
//! - **Odd inputs**: empty, binary, non-UTF-8, oversized, BOM, CRLF, very
//!   long lines, deep nesting, unicode paths, changes whose files are
//!   missing: no panic, and every finding well-formed.
//! - **PostgreSQL's regression suite** (where `../shared` has it, see
//!   [`crate::testing::pg_regress_files`]): as hand-written and as Prisma
//!   migrations, no panic, findings well-formed.
//! - **A firing and a silent fixture per check**, in one layout for every
//!   rule: `tests/checks/<check-id>/fires/` is a repository where the check
//!   reports at least once, `silent/` one where it does not report at all
//!   (the same situation done right). Beside either: `<name>.toml`, the
//!   rule's options (a TOML table); `<name>.base/`, the repository at the
//!   base of a diff (the run is then a `--base` run, with changes computed
//!   by comparing the two); `<name>.renames`, `old -> new` lines for renames
//!   among those changes. Files are handed to the rule as the host would:
//!   only those its globs match, `.sql` files with their syntax tree.
//!
//! A well-formed finding names a declared check, a repository-relative path
//! without `..`, and a span inside its file's text.
//!
//! ```ignore
//! #[test]
//! fn conforms() {
//!     let problems = drift_sdk::testing::conformance::check::<MyRule>(
//!         std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
//!     );
//!     assert!(problems.is_empty(), "{}", problems.join("\n"));
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use crate::testing::{InputBuilder, crate_doc, pg_regress_files};
use crate::types::{ChangeKind, Content, Finding, Input, Metadata, Mode};
use crate::{Check, Rule, parse_options};

/// The sections every rule page has, in its crate documentation.
pub const PAGE_SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## How to fix",
];

/// Runs the whole suite on rule `R`, whose crate is at `crate_dir` (its
/// `src/lib.rs` holds the rule's documentation, `tests/checks/` its
/// fixtures). Returns every problem found, each naming the rule.
pub fn check<R: Rule>(crate_dir: &Path) -> Vec<String> {
    let meta = crate::metadata(&R::default());
    let mut problems = Problems {
        rule: meta.id.clone(),
        list: Vec::new(),
    };
    metadata(&meta, &mut problems);
    let lib_rs = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap_or_default();
    docs::<R>(&meta, &lib_rs, &mut problems);
    strict_options::<R>(&mut problems);
    odd_inputs::<R>(&meta, &mut problems);
    pg_regress::<R>(&mut problems);
    fixtures::<R>(&meta, &crate_dir.join("tests/checks"), &mut problems);
    problems.list
}

/// A rule's page: its crate documentation, then a section per check
/// (`### `id` (severity)`, the summary, the check's doc comment). The one
/// source of `docs/rules/<id>.md` and of `drift-host explain rule/check`.
pub fn rule_page<R: Rule>(lib_rs: &str) -> String {
    let mut page = crate_doc(lib_rs).trim_end().to_owned();
    page.push_str("\n\n## Checks\n");
    for &check in <R::Check as Check>::ALL {
        let severity = format!("{:?}", check.default_severity()).to_lowercase();
        page.push_str(&format!(
            "\n### `{}` ({severity})\n\n{}.\n",
            check.id(),
            capitalise(check.summary())
        ));
        if check.applied() == crate::Applied::History {
            page.push_str(
                "\nIn a migration the project has already applied, a finding of this \
                 check is history: its only fix would be editing a migration that never \
                 runs again, so a full scan counts it in the summary instead of failing \
                 (`--all` lists it; see `applied-ref` in the configuration reference).\n",
            );
        }
        let doc = crate::check::doc(check);
        if !doc.is_empty() {
            page.push('\n');
            page.push_str(&doc);
            page.push('\n');
        }
    }
    page
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

struct Problems {
    rule: String,
    list: Vec<String>,
}

impl Problems {
    fn push(&mut self, problem: String) {
        self.list.push(format!("{}: {problem}", self.rule));
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn metadata(meta: &Metadata, problems: &mut Problems) {
    if !is_kebab(&meta.id) {
        problems.push(format!("rule id `{}` is not kebab-case", meta.id));
    }
    if let Err(e) = Selected::new(meta) {
        problems.push(e);
    }
    let mut seen = BTreeSet::new();
    for check in &meta.checks {
        if !is_kebab(&check.id) {
            problems.push(format!("check id `{}` is not kebab-case", check.id));
        }
        if !seen.insert(&check.id) {
            problems.push(format!("check `{}` is declared twice", check.id));
        }
    }
    if meta.checks.is_empty() {
        problems.push("the rule declares no checks".to_owned());
    }
}

fn docs<R: Rule>(meta: &Metadata, lib_rs: &str, problems: &mut Problems) {
    let doc = crate_doc(lib_rs);
    if doc.trim().is_empty() {
        problems.push("src/lib.rs has no `//!` documentation".to_owned());
    }
    for section in PAGE_SECTIONS {
        if !doc.lines().any(|l| l.trim_end() == *section) {
            problems.push(format!(
                "the crate documentation has no `{section}` section"
            ));
        }
    }
    let mut texts = vec![("the crate documentation".to_owned(), doc)];
    for &check in <R::Check as Check>::ALL {
        if check.summary().trim().is_empty() {
            problems.push(format!("check `{}` has no summary", check.id()));
        }
        let text = crate::check::doc(check);
        if text.is_empty() {
            problems.push(format!("check `{}` has no doc comment", check.id()));
        }
        texts.push((format!("the doc of check `{}`", check.id()), text));
    }
    for (place, text) in texts {
        for (n, example) in toml_blocks(&text).into_iter().enumerate() {
            if let Err(e) = toml_example::<R>(meta, &example) {
                problems.push(format!("TOML example {} of {place}: {e}", n + 1));
            }
        }
    }
}

/// The ```toml fenced blocks of Markdown text.
fn toml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match &mut current {
            None if trimmed == "```toml" => current = Some(String::new()),
            Some(block) if trimmed == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// Parses a TOML example and validates its `[rules.<id>]` table as the
/// host and the rule would.
fn toml_example<R: Rule>(meta: &Metadata, text: &str) -> Result<(), String> {
    let doc: toml::Table = text.parse().map_err(|e| format!("invalid TOML: {e}"))?;
    let Some(table) = doc
        .get("rules")
        .and_then(|r| r.get(&meta.id))
        .and_then(|t| t.as_table())
    else {
        return Ok(());
    };
    let levels = ["off", "info", "warning", "error"];
    let mut options = serde_json::Map::new();
    for (key, value) in table {
        match key.as_str() {
            "enabled" if value.is_bool() => {}
            "severity" if value.as_str().is_some_and(|s| levels.contains(&s)) => {}
            "checks" => {
                let checks = value.as_table().ok_or("`checks` is not a table")?;
                for (id, level) in checks {
                    if !meta.checks.iter().any(|c| c.id == *id) {
                        return Err(format!("`checks` names undeclared check `{id}`"));
                    }
                    if !level.as_str().is_some_and(|s| levels.contains(&s)) {
                        return Err(format!("`checks.{id}` is not one of {}", levels.join(", ")));
                    }
                }
            }
            "enabled" | "severity" => return Err(format!("`{key}` has an invalid value")),
            _ => {
                let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
                options.insert(key.clone(), json);
            }
        }
    }
    let json = serde_json::Value::Object(options).to_string();
    parse_options::<R::Options>(&json)
        .map(drop)
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("option `{}`: {}", e.key, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        })
}

fn strict_options<R: Rule>(problems: &mut Problems) {
    if parse_options::<R::Options>(r#"{"surely-not-an-option-of-this-rule": true}"#).is_ok() {
        problems.push(
            "an unknown option is accepted: use #[serde(deny_unknown_fields)] so users hear of \
             their typos"
                .to_owned(),
        );
    }
    for empty in ["", "{}"] {
        if let Err(e) = parse_options::<R::Options>(empty) {
            problems.push(format!("the default options `{empty}` are refused: {e:?}"));
        }
    }
}

/// Paths of every kind a rule may ask for; each rule gets those its globs
/// match.
const CANDIDATE_PATHS: &[&str] = &[
    "migrations/01_init.sql",
    "prisma/schema.prisma",
    "prisma/migrations/01_hand.sql",
    "prisma/migrations/20240101000000_init/migration.sql",
    "prisma/migrations/migration_lock.toml",
    "prisma/schema/models.prisma",
    "packages/db/prisma/schema.prisma",
    "CLAUDE.md",
    "AGENTS.md",
    "docs/database.md",
    "docs/guide.mdx",
    "scripts/db.sh",
    "package.json",
    ".github/workflows/ci.yml",
    "Makefile",
    "db/ünïcode 名前.sql",
];

/// Texts no rule should trip over.
fn odd_texts() -> Vec<(&'static str, Content)> {
    let deep = format!("{}x{}", "(".repeat(300), ")".repeat(300));
    let long = format!("SELECT '{}';", "x".repeat(100_000));
    vec![
        ("empty", Content::Text(String::new())),
        ("a byte-order mark", Content::Text("\u{feff}".to_owned())),
        ("whitespace", Content::Text(" \n\t\r\n".to_owned())),
        (
            "CRLF lines",
            Content::Text("CREATE TABLE a (id int);\r\nDROP TABLE a;\r\n".to_owned()),
        ),
        ("a very long line", Content::Text(long)),
        ("deep nesting", Content::Text(deep)),
        (
            "unicode",
            Content::Text("-- ünïcode 名前 🚀\nCREATE TABLE \"名前\" (\"ü\" text);\n".to_owned()),
        ),
        (
            "half a statement",
            Content::Text("CREATE TABLE (\nmodel {\n\"scripts\": {".to_owned()),
        ),
        ("binary", Content::Binary),
        ("invalid UTF-8", Content::InvalidUtf8(3)),
        ("too large", Content::TooLarge(u64::MAX)),
    ]
}

fn odd_inputs<R: Rule>(meta: &Metadata, problems: &mut Problems) {
    let Ok(globs) = globs(&meta.include) else {
        return;
    };
    let paths: Vec<&str> = CANDIDATE_PATHS
        .iter()
        .copied()
        .filter(|p| globs.is_match(p))
        .collect();
    for (what, content) in odd_texts() {
        let mut builder = InputBuilder::new();
        for path in &paths {
            builder = match &content {
                Content::Text(text) => add_text(builder, path, text),
                other => builder.raw_file(path, other.clone()),
            };
        }
        run_checked::<R>(
            &builder.build(),
            "{}",
            &format!("odd input ({what})"),
            problems,
        );
    }
    // A diff whose changes name files the rule was not handed.
    let mut builder = InputBuilder::new()
        .change(ChangeKind::Deleted, "prisma/migrations/02_gone.sql", None)
        .change(
            ChangeKind::Renamed,
            "prisma/migrations/03_new.sql",
            Some("prisma/migrations/03_old.sql"),
        )
        .change(ChangeKind::Modified, "prisma/schema.prisma", None)
        .base_path("prisma/migrations/02_gone.sql");
    for path in &paths {
        builder = add_text(builder, path, "SELECT 1;\n");
    }
    run_checked::<R>(
        &builder.build(),
        "{}",
        "odd input (dangling changes)",
        problems,
    );
    // Nothing at all.
    run_checked::<R>(
        &InputBuilder::new().build(),
        "{}",
        "odd input (no files)",
        problems,
    );
    run_checked::<R>(
        &InputBuilder::new().mode(Mode::Staged).build(),
        "{}",
        "odd input (no files, staged)",
        problems,
    );
}

fn pg_regress<R: Rule>(problems: &mut Problems) {
    let Some(files) = pg_regress_files() else {
        return;
    };
    let mut builder = InputBuilder::new().file(
        "db/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    );
    for (i, (_, path)) in files.iter().enumerate() {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .replace(['.', '-'], "_");
        let migration = if i % 2 == 0 {
            format!("db/migrations/{i:03}_{stem}.sql")
        } else {
            format!("db/migrations/20240101{i:06}_{stem}/migration.sql")
        };
        builder = add_text(builder, &migration, &text);
    }
    run_checked::<R>(
        &builder.build(),
        "{}",
        "PostgreSQL's regression suite",
        problems,
    );
}

fn add_text(builder: InputBuilder, path: &str, text: &str) -> InputBuilder {
    #[cfg(feature = "parser")]
    if path.ends_with(".sql") {
        return builder.sql_file(path, text);
    }
    builder.file(path, text)
}

/// Runs the rule, catching a panic, and validates what it returns.
fn run_checked<R: Rule>(
    input: &Input,
    options: &str,
    what: &str,
    problems: &mut Problems,
) -> Option<Vec<Finding>> {
    let options = match parse_options::<R::Options>(options) {
        Ok(options) => options,
        Err(e) => {
            problems.push(format!("{what}: the options are refused: {e:?}"));
            return None;
        }
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| R::default().check(input, &options)));
    let Ok(findings) = result else {
        problems.push(format!("{what}: the rule panicked"));
        return None;
    };
    let declared: BTreeSet<&str> = <R::Check as Check>::ALL.iter().map(|c| c.id()).collect();
    for finding in &findings {
        if let Err(e) = well_formed(finding, input, &declared) {
            problems.push(format!("{what}: {e}: {finding:?}"));
        }
    }
    Some(findings)
}

fn well_formed(finding: &Finding, input: &Input, declared: &BTreeSet<&str>) -> Result<(), String> {
    if !declared.contains(finding.check.as_str()) {
        return Err(format!("undeclared check `{}`", finding.check));
    }
    let path = &finding.path;
    if path.is_empty()
        || path.starts_with('/')
        || path.split('/').any(|c| c == ".." || c.is_empty())
    {
        return Err(format!("path `{path}` is not repository-relative"));
    }
    let Some(span) = finding.span else {
        return Ok(());
    };
    if span.line == 0
        || span.column == 0
        || (span.end_line, span.end_column) < (span.line, span.column)
    {
        return Err("malformed span".to_owned());
    }
    let text = input.file(path).and_then(|f| f.text());
    let Some(text) = text else {
        return Err(format!(
            "a span in `{path}`, which is not a text file of the input"
        ));
    };
    let lines = text.split('\n').count() as u32;
    if span.end_line > lines {
        return Err(format!(
            "span ends on line {}, the file has {lines}",
            span.end_line
        ));
    }
    Ok(())
}

/// The fixtures of every check: `fires` reports it, `silent` does not.
fn fixtures<R: Rule>(meta: &Metadata, dir: &Path, problems: &mut Problems) {
    let Ok(selected) = Selected::new(meta) else {
        return;
    };
    let declared: BTreeSet<&str> = <R::Check as Check>::ALL.iter().map(|c| c.id()).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !declared.contains(name.as_str()) {
                problems.push(format!(
                    "tests/checks/{name} is the fixture of no declared check"
                ));
            }
        }
    }
    for &check in <R::Check as Check>::ALL {
        let id = check.id();
        for (name, should_fire) in [("fires", true), ("silent", false)] {
            let root = dir.join(id).join(name);
            let what = format!("tests/checks/{id}/{name}");
            let command = sibling_file(&root, "command");
            let checks: Vec<String> = if command.is_file() {
                match run_command_fixture::<R>(&root, &command, &what, problems) {
                    Some(found) => found,
                    None => continue,
                }
            } else if root.is_dir() {
                let (input, options) = match fixture_input(&root, &selected) {
                    Ok(found) => found,
                    Err(e) => {
                        problems.push(format!("{what}: {e}"));
                        continue;
                    }
                };
                match run_checked::<R>(&input, &options, &what, problems) {
                    Some(findings) => findings.into_iter().map(|f| f.check).collect(),
                    None => continue,
                }
            } else {
                problems.push(format!(
                    "{what} is missing: every check has a firing and a silent fixture (a \
                     repository folder, or `{name}.command` for a check of commands)"
                ));
                continue;
            };
            let fired = checks.iter().filter(|c| *c == id).count();
            if should_fire && fired == 0 {
                problems.push(format!(
                    "{what}: `{id}` did not fire (it found: {checks:?})"
                ));
            }
            if !should_fire && fired > 0 {
                problems.push(format!("{what}: `{id}` fired {fired} time(s)"));
            }
        }
    }
}

/// The findings of a repository fixture (`tests/checks/<id>/fires`, say),
/// run as the suite runs it: for a rule's snapshot of its messages.
/// Panics when the fixture cannot be read or the rule refuses its options.
pub fn fixture_findings<R: Rule>(root: &Path) -> Vec<Finding> {
    let meta = crate::metadata(&R::default());
    let selected = Selected::new(&meta).unwrap_or_else(|e| panic!("{e}"));
    let (input, options) = fixture_input(root, &selected).unwrap_or_else(|e| panic!("{e}"));
    crate::testing::run(&R::default(), &input, &options)
        .unwrap_or_else(|e| panic!("{}: options refused: {e:?}", root.display()))
}

/// A command fixture: `<name>.command` holds one command line, judged by
/// the rule's command check with the files of `<name>/` (when present) as
/// the files it asked for, and `<name>.env` (`NAME=value` lines) as its
/// environment. Returns the checks it reported.
fn run_command_fixture<R: Rule>(
    root: &Path,
    command: &Path,
    what: &str,
    problems: &mut Problems,
) -> Option<Vec<String>> {
    let line = std::fs::read_to_string(command).ok()?;
    let mut input = crate::types::CommandInput::new(line.trim_end_matches('\n'));
    input.env = std::fs::read_to_string(sibling_file(root, "env"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    input.env.sort();
    if root.is_dir() {
        let files = read_tree(root)
            .map_err(|e| problems.push(format!("{what}: {e}")))
            .ok()?;
        input.files = files
            .into_iter()
            .map(|(path, text)| crate::types::File {
                path,
                content: Content::Text(text),
                sql: None,
            })
            .collect();
    }
    let options = std::fs::read_to_string(sibling_file(root, "toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| serde_json::to_string(&table).ok())
        .unwrap_or_else(|| "{}".to_owned());
    let options = match parse_options::<R::Options>(&options) {
        Ok(options) => options,
        Err(e) => {
            problems.push(format!("{what}: the options are refused: {e:?}"));
            return None;
        }
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        R::default().check_command(&input, &options)
    }));
    let Ok(findings) = result else {
        problems.push(format!("{what}: the rule's command check panicked"));
        return None;
    };
    let declared: BTreeSet<&str> = <R::Check as Check>::ALL.iter().map(|c| c.id()).collect();
    for finding in &findings {
        let in_line =
            finding.range.start <= finding.range.end && finding.range.end <= input.command.len();
        if !declared.contains(finding.check.as_str()) || !in_line {
            problems.push(format!("{what}: malformed command finding {finding:?}"));
        }
    }
    Some(findings.into_iter().map(|f| f.check).collect())
}

/// The input and options of a fixture repository at `root`.
fn fixture_input(root: &Path, selected: &Selected) -> Result<(Input, String), String> {
    let globs = &selected.globs;
    let current = read_tree(root)?;
    let base_dir = sibling(root, "base");
    let base = if base_dir.is_dir() {
        Some(read_tree(&base_dir)?)
    } else {
        None
    };
    let options = match std::fs::read_to_string(sibling_file(root, "toml")) {
        Ok(text) => {
            let table: toml::Table = text.parse().map_err(|e| format!("options: {e}"))?;
            serde_json::to_string(&table).map_err(|e| e.to_string())?
        }
        Err(_) => "{}".to_owned(),
    };
    let renames: Vec<(String, String)> = std::fs::read_to_string(sibling_file(root, "renames"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once("->"))
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .collect();
    let mut builder = InputBuilder::new();
    for (path, text) in current.iter().filter(|(p, _)| globs.is_match(p)) {
        if selected.admits(path, text) {
            builder = add_text(builder, path, text);
        }
    }
    if let Some(base) = &base {
        // As the host does: every base path, the content of changed ones.
        builder = builder.mode(Mode::Base);
        for (path, text) in base.iter().filter(|(p, _)| globs.is_match(p)) {
            let changed = current.get(path) != Some(text) && selected.admits(path, text);
            builder = if changed && path.ends_with(".sql") {
                builder.base_sql_file(path, text)
            } else if changed {
                builder.base_file(path, text)
            } else {
                builder.base_path(path)
            };
        }
        let renamed_from: BTreeSet<&str> = renames.iter().map(|(a, _)| a.as_str()).collect();
        let renamed_to: BTreeSet<&str> = renames.iter().map(|(_, b)| b.as_str()).collect();
        for (old, new) in &renames {
            builder = builder.change(ChangeKind::Renamed, new, Some(old));
        }
        let paths: BTreeSet<&String> = current.keys().chain(base.keys()).collect();
        for path in paths {
            let kind = match (base.get(path), current.get(path)) {
                (Some(_), None) if !renamed_from.contains(path.as_str()) => ChangeKind::Deleted,
                (None, Some(_)) if !renamed_to.contains(path.as_str()) => ChangeKind::Added,
                (Some(a), Some(b)) if a != b => ChangeKind::Modified,
                _ => continue,
            };
            if globs.is_match(path) {
                builder = builder.change(kind, path, None);
            }
        }
    }
    Ok((builder.build(), options))
}

/// `fires` → `fires.base`.
fn sibling(root: &Path, suffix: &str) -> PathBuf {
    let mut name = root.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    root.with_file_name(name)
}

fn sibling_file(root: &Path, extension: &str) -> PathBuf {
    sibling(root, extension)
}

/// Every file under `root`, by `/`-separated relative path.
fn read_tree(root: &Path) -> Result<BTreeMap<String, String>, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, text);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out)?;
    Ok(out)
}

/// What the host hands a rule: files its globs match, less the text files
/// its content filters refuse (checked here as the host checks them).
struct Selected {
    globs: globset::GlobSet,
    filters: Vec<(globset::GlobSet, crate::TextFilter)>,
}

impl Selected {
    fn new(meta: &Metadata) -> Result<Self, String> {
        let mut filters = Vec::new();
        for (n, filter) in meta.filters.iter().enumerate() {
            let at = |message: &str| format!("filter {}: {message}", n + 1);
            if filter.globs.is_empty() {
                return Err(at("no globs"));
            }
            let bad = |w: &String| w.is_empty() || w.contains('\n');
            if filter.words.is_empty() || filter.words.iter().chain(&filter.line_words).any(bad) {
                return Err(at(
                    "no words, or an empty word or one with a line break (the host refuses them)",
                ));
            }
            let globs = globs(&filter.globs).map_err(|e| at(&e))?;
            filters.push((globs, filter.clone()));
        }
        Ok(Self {
            globs: globs(&meta.include)?,
            filters,
        })
    }

    fn admits(&self, path: &str, text: &str) -> bool {
        let mut applies = self
            .filters
            .iter()
            .filter(|(globs, _)| globs.is_match(path))
            .peekable();
        applies.peek().is_none() || applies.any(|(_, filter)| filter.admits_text(text))
    }
}

/// The rule's globs, compiled as the host compiles them (`*` stays in a
/// folder, `**` crosses folders).
fn globs(include: &[String]) -> Result<globset::GlobSet, String> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in include {
        let glob = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{glob}`: {e}"))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| e.to_string())
}
