//! Running the loaded rules over a snapshot, in parallel, deterministically.
//!
//! A run is a sequence of phases, one module each:
//!
//! 1. [`select`]: which paths each rule sees (its globs over the snapshot
//!    and the base), and the union of the files any rule wants;
//! 2. [`read`]: every wanted file read exactly once, whatever the number of
//!    rules wanting it, and the base versions of changed files; files that
//!    are not text become the host's own findings;
//! 3. [`narrow`]: each rule's files narrowed by the words its content
//!    filters ask for, searched natively;
//! 4. [`parse`]: every `.sql` file an SQL-reading rule wants parsed once,
//!    natively, and each wanted file resolved into what crosses into the
//!    sandbox (shared, not copied per rule);
//! 5. [`tasks`]: the work cut into tasks (one per repository-scoped rule,
//!    one per chunk of files for per-file rules) and started in a fixed
//!    order, the longest indivisible ones first, each on a fresh sandboxed
//!    instance;
//! 6. [`collect`]: results taken back in task order, severities resolved
//!    from the configuration, malformed findings turned into errors naming
//!    the plugin;
//!
//! then `drift-ignore` suppressions ([`crate::suppress`]) and the sort.
//! Results are collected by task index and sorted, so the output is
//! byte-identical whatever the thread count or completion order.

mod collect;
mod narrow;
mod parse;
mod read;
mod select;
mod tasks;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostic::{Finding, RuleMeta, RunError, sort_findings};
use crate::plugin::CallLimits;
use crate::setup::ActiveRule;
use crate::snapshot::{Content, Snapshot};

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
    /// In `--base` and `--staged` runs, findings the base has too: counted,
    /// listed with `--all`, never failing the run (see `introduced`).
    pub preexisting: Vec<Finding>,
    /// The findings were compared with the base's (`--base`, `--staged`).
    pub compared: bool,
    /// In full scans, findings of history checks in migrations the applied
    /// ref already has: counted, listed with `--all`, never failing the run.
    pub history: Vec<Finding>,
    /// SQL files of other engines (ClickHouse, MySQL, SQLite), sorted by
    /// path: not parsed, so no rule read them as PostgreSQL.
    pub not_postgres: Vec<(String, drift_syntax::dialect::Engine)>,
    /// Wall time of the engine's phases, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Metadata of the rules that ran, sorted by id (for SARIF and docs).
    pub rules: Vec<RuleMeta>,
}

/// Runs `rules` over `snapshot` on the current rayon pool (`threads` is its
/// size, for cutting per-file work into chunks).
pub fn run(
    snapshot: &Snapshot,
    rules: &[ActiveRule],
    limits: CallLimits,
    threads: usize,
) -> Report {
    run_scoped(snapshot, rules, limits, threads, None)
}

/// [`run`], with per-file rules handed only the paths in `per_file` when
/// given: on a base tree, the files a change touched (a per-file rule's
/// findings on any other file are the same before and after).
pub fn run_scoped(
    snapshot: &Snapshot,
    rules: &[ActiveRule],
    limits: CallLimits,
    threads: usize,
    per_file: Option<&std::collections::BTreeSet<String>>,
) -> Report {
    let started = Instant::now();
    let mut selection = select::Selection::new(snapshot, rules, per_file);
    let files = read::Files::read(snapshot, &selection);
    let read_done = Instant::now();
    narrow::narrow(snapshot, rules, &files, &mut selection);
    let narrow_done = Instant::now();

    let mut report = Report {
        files_checked: selection.wanted.len(),
        rules_run: rules.len(),
        rules: rules.iter().map(|r| r.plugin.meta.clone()).collect(),
        ..Report::default()
    };
    files.content_findings(snapshot, &selection, &mut report);
    let prepared = parse::Prepared::new(snapshot, rules, &selection, &files, &mut report);
    let parse_done = Instant::now();

    let tasks = tasks::plan(rules, &selection, threads);
    let results = tasks::run(snapshot, rules, &selection, &prepared, &tasks, limits);
    let rules_done = Instant::now();
    report.timings = vec![
        ("read", read_done - started),
        ("narrow", narrow_done - read_done),
        ("parse-sql", parse_done - narrow_done),
        ("rules", rules_done - parse_done),
    ];

    collect::collect(rules, results, &mut report);
    let ran = rules.iter().map(|r| r.plugin.meta.id.clone()).collect();
    report.suppressed = crate::suppress::apply(&mut report.findings, &files.sources, &ran);
    sort_findings(&mut report.findings);
    sort_findings(&mut report.suppressed);
    report.errors.sort();
    report.errors.dedup();
    report.sources = files.sources;
    report
}
