//! Running the loaded rules over a snapshot, in parallel, deterministically.
//!
//! Work is cut into tasks: one per repository-scoped rule, and one per chunk
//! of files for per-file rules. Every file any rule wants is read exactly once
//! and shared; each task gets a fresh sandboxed instance. The tasks start in
//! a fixed order (the longest indivisible ones first) on rayon's threads,
//! each thread taking the next as it becomes free; results are collected by
//! task index and then sorted, so the output is byte-identical whatever the
//! thread count or completion order.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use globset::GlobSet;
use rayon::prelude::*;

use crate::config::{Level, RuleSettings};
use crate::diagnostic::{Finding, RunError, Severity, Span, sort_findings};
use crate::plugin::{CallLimits, CheckMeta, Plugin, input, wire};
use crate::snapshot::{ChangeKind, Content, Snapshot, Source};

/// A rule ready to run: its plugin and its resolved settings.
#[derive(Debug)]
pub struct ActiveRule {
    pub plugin: Arc<Plugin>,
    pub settings: RuleSettings,
    /// The rule's options as JSON, as every call of the rule receives them.
    pub options_json: Arc<str>,
}

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<RunError>,
    /// Contents of the files rules saw, for source excerpts.
    pub sources: HashMap<String, Arc<Content>>,
    pub files_checked: usize,
    pub rules_run: usize,
    /// Findings hidden by `drift-ignore` comments.
    pub suppressed: Vec<Finding>,
    /// Findings hidden by the baseline file.
    pub baselined: usize,
    /// Wall time of the engine's phases, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Metadata of the rules that ran, sorted by id (for SARIF and docs).
    pub rules: Vec<crate::plugin::RuleMeta>,
}

/// Rule id under which the host reports files it could not hand over as text.
pub const HOST_RULE: &str = "drift-host";

/// The checks the host itself reports (here and in `suppress`), all
/// warnings, with their summaries: for SARIF's rule list and `explain`.
pub const HOST_CHECKS: &[(&str, &str)] = &[
    ("binary-file", "a file a rule asked for is binary"),
    ("invalid-utf8", "a file a rule asked for is not valid UTF-8"),
    (
        "file-too-large",
        "a file a rule asked for exceeds max-file-size",
    ),
    ("sql-syntax", "a SQL file rules read has a syntax error"),
    (
        "suppression-without-reason",
        "a drift-ignore comment gives no reason",
    ),
    (
        "unused-suppression",
        "a drift-ignore comment matches no finding",
    ),
];

/// Most findings kept from one rule in one run. Beyond this a rule is
/// broken or misconfigured, and keeping everything would let one plugin
/// exhaust the host's memory and bury every other rule's findings.
pub const MAX_FINDINGS_PER_RULE: usize = 100_000;

/// Longest message or help kept, in bytes.
pub const MAX_TEXT: usize = 4096;

/// Cuts `text` to [`MAX_TEXT`] bytes (at a character boundary), marking the cut.
pub(crate) fn truncate(text: &mut String) {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("… (truncated)");
    }
}

/// Smallest chunk handed to a per-file rule: below this the per-call cost
/// (≈13 µs instantiation plus marshalling) outweighs the parallelism.
const MIN_CHUNK: usize = 16;

struct Task {
    rule: usize,
    /// Indices into `Snapshot::paths` (and `Prepared`).
    files: Vec<usize>,
}

pub fn run(
    snapshot: &Snapshot,
    rules: &[ActiveRule],
    limits: CallLimits,
    threads: usize,
) -> Report {
    let started = std::time::Instant::now();
    let globs: Vec<GlobSet> = rules
        .iter()
        .map(|r| crate::snapshot::glob_set(&r.plugin.meta.include).unwrap_or_default())
        .collect();
    // Which current and base paths each rule sees (one rule per task: on a
    // large tree each is thousands of glob matches), as indices into the
    // snapshot's sorted paths.
    let matched: Vec<Vec<usize>> = globs
        .par_iter()
        .map(|g| {
            (0..snapshot.paths.len())
                .filter(|&i| g.is_match(snapshot.paths[i].as_str()))
                .collect()
        })
        .collect();
    // The path lists as they cross into the sandbox (interface 0.4.0: one
    // NUL-terminated string, see `drift_syntax::Paths`), built once per rule
    // rather than once per chunk.
    let matched_joined: Vec<Arc<str>> = matched
        .iter()
        .map(|m| {
            m.iter()
                .map(|&i| &snapshot.paths[i])
                .collect::<drift_syntax::Paths>()
                .into_joined()
                .into()
        })
        .collect();
    let base_joined: Vec<Arc<str>> = globs
        .iter()
        .map(|g| {
            snapshot
                .base_paths
                .iter()
                .filter(|p| g.is_match(p.as_str()))
                .collect::<drift_syntax::Paths>()
                .into_joined()
                .into()
        })
        .collect();

    // Read every wanted file once, whatever the number of rules wanting it.
    let wanted: BTreeSet<usize> = matched.iter().flatten().copied().collect();
    let wanted_index: Vec<usize> = wanted.into_iter().collect();
    let wanted: Vec<String> = wanted_index
        .iter()
        .map(|&i| snapshot.paths[i].clone())
        .collect();
    let sources = snapshot.read(&wanted);
    // Each wanted file's content, looked up once and indexed like
    // `Snapshot::paths`: parsing, the host's findings and the sandbox
    // records below all need it, and a lookup hashes a long path.
    let mut contents: Vec<Option<&Content>> = vec![None; snapshot.paths.len()];
    for (&index, path) in wanted_index.iter().zip(&wanted) {
        contents[index] = sources.get(path).map(AsRef::as_ref);
    }
    let read_done = std::time::Instant::now();
    let changed_base: Vec<String> = snapshot
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Added)
        .map(|c| c.old_path.clone().unwrap_or_else(|| c.path.clone()))
        .filter(|p| globs.iter().any(|g| g.is_match(p.as_str())))
        .collect();
    let base_sources = snapshot.read_base(&changed_base);

    // Parse every SQL file an SQL-reading rule wants, once, in parallel.
    let sql_wanted: BTreeSet<usize> = rules
        .iter()
        .zip(&matched)
        .filter(|(rule, _)| rule.plugin.meta.sql)
        .flat_map(|(_, paths)| paths.iter().copied())
        .filter(|&i| snapshot.paths[i].ends_with(".sql"))
        .collect();
    let parsed: Vec<(usize, Result<wire::SqlTree, String>)> = sql_wanted
        .into_par_iter()
        .filter_map(|i| match contents[i]? {
            Content::Text(text) => Some((i, crate::sql::parse(text))),
            _ => None,
        })
        .collect();
    // The base versions of changed SQL files, for rules that rebuild the
    // base state (schema drift introduced by a change).
    let any_sql_rule = rules.iter().any(|r| r.plugin.meta.sql);
    let base_trees: HashMap<String, Arc<wire::SqlTree>> = changed_base
        .par_iter()
        .filter(|p| any_sql_rule && p.ends_with(".sql"))
        .filter_map(|path| match base_sources.get(path)?.as_ref() {
            Content::Text(text) => Some((path.clone(), Arc::new(crate::sql::parse(text).ok()?))),
            _ => None,
        })
        .collect();
    let parse_done = std::time::Instant::now();

    let mut report = Report {
        files_checked: wanted.len(),
        rules_run: rules.len(),
        rules: rules.iter().map(|r| r.plugin.meta.clone()).collect(),
        ..Report::default()
    };
    host_findings(
        wanted_index
            .iter()
            .zip(&wanted)
            .filter_map(|(&index, path)| Some((path, contents[index]?))),
        &mut report,
    );

    // Each wanted file as it crosses into the sandbox, resolved once here
    // rather than once per rule in the tasks (two hash lookups of a long
    // path per file and rule were a tenth of the rules phase on 2,000
    // small migrations); the path is shared, not copied per rule, and so is
    // the tree, set below for SQL files.
    let mut prepared: Vec<Option<Prepared>> = Vec::new();
    prepared.resize_with(snapshot.paths.len(), || None);
    for (&index, path) in wanted_index.iter().zip(&wanted) {
        prepared[index] = contents[index]
            .and_then(|content| input_file(path, content))
            .map(|file| Prepared { file, tree: None });
    }
    for (index, tree) in parsed {
        match tree {
            Ok(tree) => {
                let path = &snapshot.paths[index];
                // The earliest error: those of spliced bodies (`DO`,
                // `EXECUTE`) come after the file's own in the list.
                let first = tree.errors.iter().min_by_key(|e| (e.start, e.end));
                if let (Some(finding), Some(Content::Text(text))) = (first, contents[index]) {
                    report
                        .findings
                        .push(syntax_finding(path, text, finding, tree.errors.len()));
                }
                if let Some(prepared) = &mut prepared[index] {
                    prepared.tree = Some(Arc::new(tree));
                }
            }
            Err(message) => report.errors.push(RunError {
                kind: "sql",
                subject: snapshot.paths[index].clone(),
                message,
            }),
        }
    }

    let mut tasks = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let files = &matched[index];
        if rule.plugin.meta.per_file {
            if files.is_empty() {
                continue;
            }
            let chunk = files.len().div_ceil(threads.max(1) * 4).max(MIN_CHUNK);
            for part in files.chunks(chunk) {
                tasks.push(Task {
                    rule: index,
                    files: part.to_vec(),
                });
            }
        } else {
            tasks.push(Task {
                rule: index,
                files: files.clone(),
            });
        }
    }

    let mode = match snapshot.source {
        Source::WorkingTree => wire::Mode::WorkingTree,
        Source::Staged => wire::Mode::Staged,
        Source::Base(_) => wire::Mode::Base,
    };
    // Start the indivisible work first: a repository-scoped rule is one task
    // (schema-drift replays every migration in one call), and started late
    // it would run alone while the other threads idle. Of those, rules that
    // read syntax trees first (replaying them is the longest work), then by
    // file count; then the per-file chunks, largest first. Results go back
    // to task order, so the output does not depend on the schedule.
    let mut schedule: Vec<usize> = (0..tasks.len()).collect();
    schedule.sort_by_key(|&i| {
        let task = &tasks[i];
        let meta = &rules[task.rule].plugin.meta;
        (
            meta.per_file,
            !meta.sql,
            std::cmp::Reverse(task.files.len()),
            i,
        )
    });
    let mut results: Vec<(
        usize,
        usize,
        Result<Vec<wire::Finding>, crate::plugin::PluginError>,
    )> = in_order(&schedule, rayon::current_num_threads(), |task_index| {
        let task = &tasks[task_index];
        let rule = &rules[task.rule];
        let glob = &globs[task.rule];
        let input = input::Input {
            mode,
            files: task
                .files
                .iter()
                .filter_map(|&i| {
                    let prepared = prepared[i].as_ref()?;
                    let mut file = prepared.file.clone();
                    if rule.plugin.meta.sql {
                        file.sql = prepared.tree.clone();
                    }
                    Some(file)
                })
                .collect(),
            paths: matched_joined[task.rule].clone(),
            changes: snapshot
                .changes
                .iter()
                .filter(|c| {
                    glob.is_match(c.path.as_str())
                        || c.old_path.as_deref().is_some_and(|p| glob.is_match(p))
                })
                .map(|c| wire::Change {
                    kind: match c.kind {
                        ChangeKind::Added => wire::ChangeKind::Added,
                        ChangeKind::Modified => wire::ChangeKind::Modified,
                        ChangeKind::Deleted => wire::ChangeKind::Deleted,
                        ChangeKind::Renamed => wire::ChangeKind::Renamed,
                    },
                    path: c.path.clone(),
                    old_path: c.old_path.clone(),
                })
                .collect(),
            base_paths: base_joined[task.rule].clone(),
            base_files: {
                let mut files: Vec<input::File> = changed_base
                    .iter()
                    .filter(|p| glob.is_match(p.as_str()))
                    .filter_map(|p| {
                        let mut file = input_file(p, base_sources.get(p)?)?;
                        if rule.plugin.meta.sql {
                            file.sql = base_trees.get(p).cloned();
                        }
                        Some(file)
                    })
                    .collect();
                files.sort_by(|a, b| a.path.cmp(&b.path));
                files
            },
            options: rule.options_json.clone(),
        };
        (task_index, task.rule, rule.plugin.check(limits, &input))
    });
    results.sort_unstable_by_key(|(task_index, _, _)| *task_index);

    let rules_done = std::time::Instant::now();
    report.timings = vec![
        ("read", read_done - started),
        ("parse-sql", parse_done - read_done),
        ("rules", rules_done - parse_done),
    ];
    let mut failed = BTreeSet::new();
    let mut per_rule: HashMap<usize, usize> = HashMap::new();
    for (_, index, result) in results {
        let rule = &rules[index];
        match result {
            Ok(findings) => {
                let returned = findings.len();
                let kept = per_rule.entry(index).or_insert(0);
                let room = MAX_FINDINGS_PER_RULE.saturating_sub(*kept);
                if returned > room {
                    report.errors.push(RunError {
                        kind: "plugin",
                        subject: rule.plugin.meta.id.clone(),
                        message: format!(
                            "returned more than {MAX_FINDINGS_PER_RULE} findings; the rest were \
                             dropped (a rule this noisy is misconfigured or broken)"
                        ),
                    });
                }
                *kept += returned.min(room);
                for mut finding in findings.into_iter().take(room) {
                    truncate(&mut finding.message);
                    if let Some(help) = &mut finding.help {
                        truncate(help);
                    }
                    match resolve(rule, finding) {
                        Ok(Some(f)) => report.findings.push(f),
                        Ok(None) => {}
                        Err(message) => report.errors.push(RunError {
                            kind: "plugin",
                            subject: rule.plugin.meta.id.clone(),
                            message,
                        }),
                    }
                }
            }
            // A per-file rule that fails on several chunks is one error.
            Err(e) => {
                if failed.insert((index, e.message.clone())) {
                    report.errors.push(RunError::from(e));
                }
            }
        }
    }
    let ran: BTreeSet<String> = rules.iter().map(|r| r.plugin.meta.id.clone()).collect();
    report.suppressed = crate::suppress::apply(&mut report.findings, &sources, &ran);
    sort_findings(&mut report.findings);
    sort_findings(&mut report.suppressed);
    report.errors.sort();
    report.errors.dedup();
    report.sources = sources;
    report
}

/// Runs `job` on every item of `order`, starting them in that order: each
/// of `workers` threads takes the next item as soon as it is free. (A rayon
/// parallel iterator splits the list in halves instead, so the item
/// scheduled first may start last: on 2,000 migrations schema-drift's one
/// task started a third of the way into the rules phase and then ran
/// alone.) The results come back in no particular order.
fn in_order<T: Send>(order: &[usize], workers: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(order.len()));
    rayon::scope(|scope| {
        for _ in 0..workers.clamp(1, order.len().max(1)) {
            scope.spawn(|_| {
                let mut done = Vec::new();
                while let Some(&item) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    done.push(job(item));
                }
                results
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(done);
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// A wanted file, resolved once for every task that hands it to a rule.
struct Prepared {
    /// Without its tree (`sql: None`): only rules that read SQL get one.
    file: input::File,
    tree: Option<Arc<wire::SqlTree>>,
}

fn input_file(path: &str, content: &Content) -> Option<input::File> {
    let content = match content {
        Content::Text(text) => input::Content::Text(text.clone()),
        Content::Binary => input::Content::Binary,
        Content::InvalidUtf8(at) => input::Content::InvalidUtf8(*at),
        Content::TooLarge(size) => input::Content::TooLarge(*size),
        Content::Unreadable(_) => return None,
    };
    Some(input::File {
        path: path.into(),
        content,
        sql: None,
    })
}

/// Files a rule asked for that are not text: a warning finding (rules skip
/// them), or an error when they could not be read at all.
fn host_findings<'a>(files: impl Iterator<Item = (&'a String, &'a Content)>, report: &mut Report) {
    for (path, content) in files {
        let (check, message, help) = match content {
            Content::Text(_) => continue,
            Content::Unreadable(e) => {
                report.errors.push(RunError {
                    kind: "io",
                    subject: path.clone(),
                    message: format!("cannot read `{path}`: {e}"),
                });
                continue;
            }
            Content::Binary => (
                "binary-file",
                "file contains NUL bytes, so rules cannot check it as text".to_owned(),
                "if this is a migration, save it as UTF-8 text; otherwise exclude it in rules.toml",
            ),
            Content::InvalidUtf8(at) => (
                "invalid-utf8",
                format!(
                    "file is not valid UTF-8 (first invalid byte at offset {at}), so rules cannot check it"
                ),
                "re-save the file as UTF-8 (PostgreSQL clients expect UTF-8 migrations)",
            ),
            Content::TooLarge(size) => (
                "file-too-large",
                format!("file is {size} bytes, over the `max-file-size` limit, so rules skip it"),
                "raise `max-file-size` in rules.toml, or exclude the file",
            ),
        };
        report.findings.push(Finding {
            rule: HOST_RULE.to_owned(),
            check: check.to_owned(),
            severity: Severity::Warning,
            path: path.clone(),
            span: None,
            message,
            help: Some(help.to_owned()),
        });
    }
}

/// A SQL file an SQL-reading rule wanted has a syntax error: rules skip
/// the statements it damages (a half-parsed statement would be misnamed or
/// misjudged), so the host says so rather than let them pass silently. One
/// finding per file, at the first error: after one error the parser's
/// recovery makes the later ones mostly echoes of it. A warning, not an
/// error: the parser is tolerant of PostgreSQL it does not know, but may
/// still be wrong where PostgreSQL is right.
fn syntax_finding(path: &str, text: &str, first: &wire::SqlError, count: usize) -> Finding {
    let start = first.start as usize;
    let end = (first.end as usize).max(start);
    let more = match count {
        0 | 1 => String::new(),
        2 => " (and 1 more syntax error in this file)".to_owned(),
        n => format!(" (and {} more syntax errors in this file)", n - 1),
    };
    Finding {
        rule: HOST_RULE.to_owned(),
        check: "sql-syntax".to_owned(),
        severity: Severity::Warning,
        path: path.to_owned(),
        span: Some(Span::of_range(text, start..end)),
        message: format!(
            "syntax error: {}; rules may not check the statement it damages{more}",
            first.message
        ),
        help: Some(
            "fix the SQL (PostgreSQL would reject it too); if PostgreSQL accepts it, the parser \
             is wrong: say so with `-- drift-ignore drift-host/sql-syntax: <reason>` and report it"
                .to_owned(),
        ),
    }
}

fn level_to_severity(level: Level) -> Option<Severity> {
    match level {
        Level::Error => Some(Severity::Error),
        Level::Warning => Some(Severity::Warning),
        Level::Info => Some(Severity::Info),
        Level::Off => None,
    }
}

/// The check a finding names, which the rule must have declared.
pub(crate) fn declared_check<'m>(
    meta: &'m crate::plugin::RuleMeta,
    id: &str,
) -> Result<&'m CheckMeta, String> {
    meta.checks.iter().find(|c| c.id == id).ok_or_else(|| {
        format!(
            "returned a finding for undeclared check `{id}` (declared: {})",
            meta.checks
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Applies configuration to a raw finding and validates it. `Ok(None)`: the
/// check is turned off. `Err`: the plugin returned something malformed.
fn resolve(rule: &ActiveRule, finding: wire::Finding) -> Result<Option<Finding>, String> {
    let meta = &rule.plugin.meta;
    let check = declared_check(meta, &finding.check)?;
    let path = finding.path;
    if path.is_empty()
        || path.starts_with('/')
        || path.split('/').any(|c| c == ".." || c.is_empty())
    {
        return Err(format!(
            "returned a finding with an invalid path `{path}` (expected a repository-relative path)"
        ));
    }
    let span = match finding.span {
        None => None,
        Some(s) => {
            if s.line == 0 || s.column == 0 || (s.end_line, s.end_column) < (s.line, s.column) {
                return Err(format!(
                    "returned a finding with an invalid span {}:{}-{}:{} in `{path}`",
                    s.line, s.column, s.end_line, s.end_column
                ));
            }
            Some(Span {
                line: s.line,
                column: s.column,
                end_line: s.end_line,
                end_column: s.end_column,
            })
        }
    };
    let Some(severity) = resolve_severity(&rule.settings, check, finding.severity) else {
        return Ok(None);
    };
    Ok(Some(Finding {
        rule: meta.id.clone(),
        check: check.id.clone(),
        severity,
        path,
        span,
        message: finding.message,
        help: finding.help,
    }))
}

/// A finding's severity: per-check configuration, then the rule's, then the
/// finding's own, then the check's default. `None`: configured `off`.
pub fn resolve_severity(
    settings: &RuleSettings,
    check: &CheckMeta,
    own: Option<wire::Severity>,
) -> Option<Severity> {
    let configured = settings
        .checks
        .get(&check.id)
        .copied()
        .or(settings.severity);
    match configured {
        Some(level) => level_to_severity(level),
        None => Some(own.map_or(check.default_severity, |s| match s {
            wire::Severity::Error => Severity::Error,
            wire::Severity::Warning => Severity::Warning,
            wire::Severity::Info => Severity::Info,
        })),
    }
}

/// Counts by severity, for summaries.
pub fn counts(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.severity).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::in_order;
    use std::sync::Mutex;

    #[test]
    fn one_worker_starts_the_items_in_the_given_order() {
        let order = [3, 0, 2, 1];
        let started = Mutex::new(Vec::new());
        let done = in_order(&order, 1, |item| {
            started.lock().unwrap().push(item);
            item * 10
        });
        assert_eq!(started.into_inner().unwrap(), order);
        assert_eq!(done, [30, 0, 20, 10]);
    }

    #[test]
    fn several_workers_run_every_item_once() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let order: Vec<usize> = (0..1000).rev().collect();
        let mut done = pool.install(|| in_order(&order, 4, |item| item));
        done.sort_unstable();
        assert_eq!(done, (0..1000).collect::<Vec<_>>());
        // More workers than items, and no items at all.
        assert_eq!(in_order(&[7], 8, |item| item), [7]);
        assert!(in_order(&[], 2, |item| item).is_empty());
    }
}
