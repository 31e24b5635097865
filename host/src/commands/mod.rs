//! The subcommands, one module each, and what they share: the exit codes,
//! the run every checking command makes, and the rules the describing
//! commands load.
//!
//! The top of the host's layers: commands call everything below them, and
//! nothing below calls back into a command.

pub mod baseline;
pub mod explain;
pub mod guard;
pub mod init;
pub mod new_rule;
pub mod pin;
pub mod rules;
pub mod run;
mod scaffold;
pub mod schema;
pub mod verify;

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::cli::Color;
use crate::config::{Config, ConfigError};
use crate::diagnostic::RunError;
use crate::engine::{self, Report};
use crate::plugin::{Plugin, Runtime};
use crate::setup::{all_plugins, configure, load_config, load_plugins, resolve_root};
use crate::snapshot::{Filter, Snapshot, Source};

/// Process exit codes (a public contract, documented in README.md).
pub mod exit {
    /// No error-severity finding.
    pub const CLEAN: u8 = 0;
    /// At least one error-severity finding.
    pub const FINDINGS: u8 = 1;
    /// Usage, configuration, plugin or I/O failure.
    pub const FAILURE: u8 = 2;
}

/// Loads plugins, takes the snapshot and runs the rules: everything a
/// report needs, shared by `run` and `baseline`.
pub(crate) fn check(
    root: &Path,
    config: &Config,
    source: &Source,
    threads: Option<usize>,
    no_cache: bool,
) -> Result<Report> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let cache_dir = if no_cache {
        None
    } else {
        crate::plugin::cache::default_dir()
    };
    let runtime = Runtime::new(cache_dir)?;
    let limits = config.limits;
    pool.install(|| -> Result<Report> {
        let started = std::time::Instant::now();
        let load = || {
            let (plugins, mut load_errors) = load_plugins(&runtime, config, limits);
            configure(config, &plugins, &mut load_errors, limits)
                .map(|configured| (configured, load_errors))
        };
        let snapshot = |wanted: &[String]| -> Result<Snapshot> {
            let filter = Filter::new(&config.include, &config.exclude)?;
            let mut snapshot = Snapshot::take(root, source, &filter, config.max_file_size, wanted)?;
            snapshot.dialects = crate::snapshot::Dialects::new(&config.dialects)?;
            Ok(snapshot)
        };
        let (loaded, snapshot) = if *source == Source::WorkingTree {
            // Loading plugins (mapping compiled code) and walking the tree
            // are independent: overlapped, the shorter one is free.
            rayon::join(load, || snapshot(&[]))
        } else {
            // A diff looks only at the files the rules read (its rename
            // detection reads blobs), so the rules come first.
            let loaded = load();
            let wanted: Vec<String> = match &loaded {
                Ok((configured, _)) => configured
                    .rules
                    .iter()
                    .flat_map(|r| r.plugin.meta.include.iter().cloned())
                    .collect(),
                Err(_) => Vec::new(),
            };
            let snapshot = snapshot(&wanted);
            (loaded, snapshot)
        };
        let (configured, load_errors) = loaded?;
        print_notes(config.notes.iter().chain(&configured.notes));
        let rules = configured.rules;
        let snapshot = snapshot?;
        print_notices(&snapshot, root);
        let prepared = started.elapsed();
        let base = snapshot.base_view();
        // A full scan asks git which migrations are applied: a few git
        // processes, run while the rules do instead of after them.
        let applied = std::thread::scope(|scope| {
            let applied = base.is_none().then(|| {
                scope.spawn(|| crate::snapshot::applied(root, config.applied_ref.as_deref()))
            });
            let report = engine::run(&snapshot, &rules, limits, threads);
            let applied = applied.map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the applied ref panicked")))
            });
            (report, applied)
        });
        let (mut report, applied) = applied;
        print_not_postgres(&report.not_postgres);
        report.timings.insert(0, ("load+snapshot", prepared));
        match (base, applied) {
            (Some(base), _) => {
                let started = std::time::Instant::now();
                separate_preexisting(&snapshot, &base, &rules, limits, threads, &mut report);
                report.timings.push(("base", started.elapsed()));
            }
            (None, Some(applied)) => separate_history(applied?, &snapshot, &mut report),
            (None, None) => {}
        }
        report
            .errors
            .extend(load_errors.into_iter().map(RunError::from));
        report.errors.sort();
        Ok(report)
    })
}

/// Runs the rules on the base of a diff and moves the findings the base has
/// too from `report.findings` to `report.preexisting`. A per-file rule's
/// findings on a file the change did not touch are the same before and
/// after, so per-file rules run on the touched files only. A rule that
/// fails on the base cannot say what was there: its findings all count as
/// new.
fn separate_preexisting(
    snapshot: &Snapshot,
    base: &Snapshot,
    rules: &[crate::setup::ActiveRule],
    limits: crate::plugin::CallLimits,
    threads: usize,
    report: &mut Report,
) {
    use std::collections::{BTreeSet, HashMap};
    let touched: BTreeSet<String> = snapshot
        .changes
        .iter()
        .flat_map(|c| std::iter::once(c.path.clone()).chain(c.old_path.clone()))
        .collect();
    let at_base = engine::run_scoped(base, rules, limits, threads, Some(&touched));
    let failed: BTreeSet<&str> = at_base
        .errors
        .iter()
        .filter(|e| e.kind == "plugin")
        .map(|e| e.subject.as_str())
        .collect();
    let per_file: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.plugin.meta.per_file)
        .map(|r| r.plugin.meta.id.as_str())
        .chain([crate::diagnostic::HOST_RULE])
        .collect();
    let renamed: HashMap<&str, &str> = snapshot
        .changes
        .iter()
        .filter_map(|c| Some((c.path.as_str(), c.old_path.as_deref()?)))
        .collect();
    let (unknown, known): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| failed.contains(f.rule.as_str()));
    let (settled, open): (Vec<_>, Vec<_>) = known
        .into_iter()
        .partition(|f| per_file.contains(f.rule.as_str()) && !touched.contains(&f.path));
    let split = crate::introduced::split(
        open,
        &report.sources,
        &at_base.findings,
        &at_base.sources,
        &|path| {
            renamed
                .get(path)
                .map_or_else(|| path.to_owned(), |old| (*old).to_owned())
        },
    );
    report.compared = true;
    report.findings = split.new;
    report.findings.extend(unknown);
    report.preexisting = split.preexisting;
    report.preexisting.extend(settled);
    crate::diagnostic::sort_findings(&mut report.findings);
    crate::diagnostic::sort_findings(&mut report.preexisting);
}

/// In a full scan, moves the findings of history checks in migrations the
/// applied ref already has from `report.findings` to `report.history`:
/// their only fix would be editing a migration that never runs again.
fn separate_history(applied: crate::snapshot::Applied, snapshot: &Snapshot, report: &mut Report) {
    use crate::snapshot::Applied;
    use drift_syntax::project;
    let applied = match applied {
        Applied::At { paths, .. } => paths,
        Applied::NoHistory => return,
        Applied::Unknown(why) => {
            // Said once per run, and only where it matters: a repository
            // with migrations.
            if project::has_database(snapshot.paths.iter().map(String::as_str)) {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("note: {why}");
                }
            }
            return;
        }
    };
    let applied: std::collections::HashSet<&str> = applied.iter().map(String::as_str).collect();
    // A Prisma migration is its folder as much as its `migration.sql`:
    // folder-name checks report at the folder.
    let migrations: std::collections::HashSet<String> = snapshot
        .projects()
        .iter()
        .flat_map(|p| project::run_order(&snapshot.paths, &p.dirs, project::Order::PrismaFirst))
        .filter(|path| applied.contains(path.as_str()))
        .flat_map(|path| {
            let folder = (drift_syntax::paths::file_name(&path) == "migration.sql")
                .then(|| drift_syntax::paths::parent(&path).to_owned());
            std::iter::once(path).chain(folder)
        })
        .collect();
    if migrations.is_empty() {
        return;
    }
    let history_check = |f: &crate::diagnostic::Finding| {
        if f.rule == crate::diagnostic::HOST_RULE {
            return crate::diagnostic::HOST_HISTORY_CHECKS.contains(&f.check.as_str());
        }
        report
            .rules
            .iter()
            .find(|r| r.id == f.rule)
            .and_then(|r| r.checks.iter().find(|c| c.id == f.check))
            .is_some_and(|c| c.history)
    };
    let (history, findings): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| migrations.contains(&f.path) && history_check(f));
    report.findings = findings;
    report.history = history;
}

/// What to say of a Prisma config whose paths are computed when it runs.
fn dynamic_config_note(config: &drift_syntax::prisma_config::PrismaConfig) -> String {
    let fields: Vec<String> = config.dynamic.iter().map(|f| format!("`{f}`")).collect();
    format!(
        "{}: {} {} computed when Prisma runs it, so drift-host uses Prisma's default{} \
         (write {} as a string literal or `path.join(__dirname, \"...\")` to have it read)",
        config.path,
        fields.join(" and "),
        if fields.len() == 1 { "is" } else { "are" },
        if fields.len() == 1 { "" } else { "s" },
        if fields.len() == 1 { "it" } else { "them" },
    )
}

/// What the user should know about the snapshot, on stderr, where it
/// changes neither the output nor the exit code: what git could not do,
/// and a repository with nothing for the database rules to look at.
fn print_notices(snapshot: &Snapshot, root: &Path) {
    #[allow(clippy::print_stderr)]
    {
        for note in &snapshot.notes {
            eprintln!("note: {note}");
        }
        if !drift_syntax::project::has_database(snapshot.paths.iter().map(String::as_str)) {
            eprintln!(
                "note: no Prisma schema and no SQL migrations under {}: the database rules \
                 have nothing to check here (point drift-host at the folder that holds them)",
                root.display()
            );
            return;
        }
        for config in snapshot.prisma_configs() {
            if !config.dynamic.is_empty() {
                eprintln!("note: {}", dynamic_config_note(config));
            }
        }
    }
}

/// Says, on stderr, which SQL files were not linted because they are
/// another engine's: counted per engine, with the first few paths.
fn print_not_postgres(files: &[(String, drift_syntax::dialect::Engine)]) {
    if files.is_empty() {
        return;
    }
    let mut counts: std::collections::BTreeMap<drift_syntax::dialect::Engine, usize> =
        Default::default();
    for (_, engine) in files {
        *counts.entry(*engine).or_default() += 1;
    }
    let by_engine: Vec<String> = counts
        .iter()
        .map(|(engine, n)| format!("{}: {n}", engine.name()))
        .collect();
    let shown: Vec<&str> = files.iter().take(2).map(|(p, _)| p.as_str()).collect();
    let more = files.len().saturating_sub(shown.len());
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "note: {} SQL file{} not PostgreSQL ({}) and {} not linted: {}{}",
            files.len(),
            if files.len() == 1 { " is" } else { "s are" },
            by_engine.join(", "),
            if files.len() == 1 { "was" } else { "were" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
}

/// Prints configuration notes (deprecated spellings) on stderr, where they
/// never change the output or the exit code.
fn print_notes<'a>(notes: impl Iterator<Item = &'a ConfigError>) {
    let mut notes: Vec<&ConfigError> = notes.collect();
    notes.sort_by_key(|n| (n.line, n.column));
    #[allow(clippy::print_stderr)]
    for note in notes {
        eprintln!("note: {note}");
    }
}

/// Loads the configuration and every plugin it names, for the commands that
/// describe rules rather than run them. Plugin failures are fatal here.
pub(crate) fn loaded_rules(
    path: &Path,
    config: Option<&Path>,
) -> Result<(Config, Vec<Arc<Plugin>>)> {
    let root = resolve_root(path)?;
    let config = load_config(config, &root)?;
    let plugins = all_plugins(&config)?;
    Ok((config, plugins))
}

/// Whether to colour output written to a stream: `auto` colours a
/// terminal unless `NO_COLOR` is set.
pub(crate) fn use_color(choice: Color, is_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
