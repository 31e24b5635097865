//! Phase 5: the work cut into tasks and run on the pool.
//!
//! One task per repository-scoped rule, and one per chunk of files for
//! per-file rules (about four chunks per thread, never smaller than
//! [`MIN_CHUNK`]); each task gets a fresh sandboxed instance. Tasks start
//! in a fixed order, the longest indivisible ones first, each thread taking
//! the next as it becomes free ([`in_order`]); results carry their task
//! index, so the output does not depend on the schedule.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::parse::Prepared;
use super::select::Selection;
use crate::plugin::{CallLimits, PluginError};
use crate::setup::ActiveRule;
use crate::snapshot::{ChangeKind, Snapshot, Source};
use crate::wire::{self, input};

/// Smallest chunk handed to a per-file rule: below this the per-call cost
/// (≈13 µs instantiation plus marshalling) outweighs the parallelism.
const MIN_CHUNK: usize = 16;

/// One call of one rule.
#[derive(Debug)]
pub(super) struct Task {
    /// Index into the run's rules.
    pub rule: usize,
    /// Indices into `Snapshot::paths`.
    pub files: Vec<usize>,
}

/// What one task returned, with its task and rule indices.
pub(super) type TaskResult = (usize, usize, Result<Vec<wire::Finding>, PluginError>);

/// Cuts the rules' work into tasks, in rule order.
pub(super) fn plan(rules: &[ActiveRule], selection: &Selection, threads: usize) -> Vec<Task> {
    let mut tasks = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let files = &selection.matched[index];
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
    tasks
}

/// Runs every task on the current pool; the results come back sorted by
/// task index.
pub(super) fn run(
    snapshot: &Snapshot,
    rules: &[ActiveRule],
    selection: &Selection,
    prepared: &Prepared,
    tasks: &[Task],
    limits: CallLimits,
) -> Vec<TaskResult> {
    let mode = match snapshot.source {
        Source::WorkingTree | Source::BaseTree => wire::Mode::WorkingTree,
        Source::Staged => wire::Mode::Staged,
        Source::Base(_) => wire::Mode::Base,
    };
    // Start the indivisible work first: a repository-scoped rule is one task
    // (schema-drift replays every migration in one call), and started late
    // it would run alone while the other threads idle. Of those, rules that
    // read syntax trees first (replaying them is the longest work), then by
    // file count; then the per-file chunks, largest first.
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
    let mut results = in_order(&schedule, rayon::current_num_threads(), |task_index| {
        let task = &tasks[task_index];
        let rule = &rules[task.rule];
        let input = task_input(snapshot, rule, selection, prepared, task, mode);
        (task_index, task.rule, rule.plugin.check(limits, &input))
    });
    results.sort_unstable_by_key(|(task_index, _, _)| *task_index);
    results
}

/// What one task's call receives.
fn task_input(
    snapshot: &Snapshot,
    rule: &ActiveRule,
    selection: &Selection,
    prepared: &Prepared,
    task: &Task,
    mode: wire::Mode,
) -> input::Input {
    let glob = &selection.globs[task.rule];
    let sql = rule.plugin.meta.sql;
    input::Input {
        mode,
        files: task
            .files
            .iter()
            .filter_map(|&i| {
                let prepared = prepared.files[i].as_ref()?;
                let mut file = prepared.file.clone();
                if sql {
                    file.sql = prepared.tree.clone();
                }
                Some(file)
            })
            .collect(),
        paths: selection.matched_joined[task.rule].clone(),
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
        base_paths: selection.base_joined[task.rule].clone(),
        base_files: {
            let mut files: Vec<input::File> = selection
                .changed_base
                .iter()
                .filter(|p| glob.is_match(p.as_str()))
                .filter(|p| !selection.base_refused[task.rule].contains(p.as_str()))
                .filter_map(|p| {
                    let prepared = prepared.base.get(p)?;
                    let mut file = prepared.file.clone();
                    if sql {
                        file.sql = prepared.tree.clone();
                    }
                    Some(file)
                })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files
        },
        options: rule.options_json.clone(),
    }
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
