//! Phase 3: each rule's files narrowed by its content filters.
//!
//! A rule may declare words a file must hold to be handed to it (interface
//! 0.6.0, [`crate::plugin::filter`]). The files were read once in phase 2;
//! here each rule with filters keeps the matched files that pass them,
//! searched natively and in parallel, so a document no filter admits is
//! neither parsed for that rule nor copied into its sandbox. The order of
//! each list is kept, so tasks and output do not change with the search.

use rayon::prelude::*;

use super::read::Files;
use super::select::Selection;
use crate::setup::ActiveRule;
use crate::snapshot::Snapshot;

/// Drops from each rule's matched files, and from the base versions of
/// changed files, those its filters do not admit. Unread files stay: the
/// tasks skip them, and the host reports them.
pub(super) fn narrow(
    snapshot: &Snapshot,
    rules: &[ActiveRule],
    files: &Files,
    selection: &mut Selection,
) {
    for (index, rule) in rules.iter().enumerate() {
        let filters = &rule.plugin.filters;
        if filters.is_empty() {
            continue;
        }
        selection.base_refused[index] = selection
            .changed_base
            .iter()
            .filter(|path| {
                files
                    .base
                    .get(path.as_str())
                    .is_some_and(|content| !filters.admits(path, content))
            })
            .cloned()
            .collect();
        let matched = &mut selection.matched[index];
        *matched = matched
            .par_iter()
            .copied()
            .filter(|&i| {
                files.contents[i]
                    .as_deref()
                    .is_none_or(|content| filters.admits(&snapshot.paths[i], content))
            })
            .collect();
    }
}
