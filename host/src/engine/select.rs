//! Phase 1: which paths each rule sees.
//!
//! Each rule's globs are matched once against the snapshot's sorted paths
//! (one rule per task of the pool: on a large tree each rule is thousands
//! of glob matches), and the results kept as indices into
//! `Snapshot::paths`, so later phases never hash a long path again.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use globset::GlobSet;
use rayon::prelude::*;

use crate::setup::ActiveRule;
use crate::snapshot::{ChangeKind, Snapshot};

/// What the rules of a run see.
#[derive(Debug)]
pub(super) struct Selection {
    /// Each rule's globs, compiled.
    pub globs: Vec<GlobSet>,
    /// Each rule's matching paths, as indices into `Snapshot::paths`.
    pub matched: Vec<Vec<usize>>,
    /// Each rule's matching paths as they cross into the sandbox
    /// (interface 0.4.0: one NUL-terminated string, see
    /// `drift_syntax::Paths`), built once per rule rather than per chunk.
    pub matched_joined: Vec<Arc<str>>,
    /// Each rule's matching paths at the base, joined likewise.
    pub base_joined: Vec<Arc<str>>,
    /// Every path some rule wants, sorted, as indices.
    pub wanted: Vec<usize>,
    /// The base paths of changed files some rule wants (what a modified,
    /// deleted or renamed file was), for rules that compare with the base.
    pub changed_base: Vec<String>,
    /// Per rule, the base versions of changed files its content filters
    /// refuse (filled in by `narrow`).
    pub base_refused: Vec<HashSet<String>>,
}

impl Selection {
    /// `per_file`, when given, limits what per-file rules are handed.
    pub fn new(
        snapshot: &Snapshot,
        rules: &[ActiveRule],
        per_file: Option<&BTreeSet<String>>,
    ) -> Self {
        let globs: Vec<GlobSet> = rules
            .iter()
            .map(|r| crate::snapshot::glob_set(&r.plugin.meta.include).unwrap_or_default())
            .collect();
        let all: Vec<Vec<usize>> = globs
            .par_iter()
            .map(|g| {
                (0..snapshot.paths.len())
                    .filter(|&i| g.is_match(snapshot.paths[i].as_str()))
                    .collect()
            })
            .collect();
        let matched_joined = all
            .iter()
            .map(|m| {
                m.iter()
                    .map(|&i| &snapshot.paths[i])
                    .collect::<drift_syntax::Paths>()
                    .into_joined()
                    .into()
            })
            .collect();
        let base_joined = globs
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
        // Every matching path is listed to each rule; the files handed to a
        // per-file rule are limited when asked.
        let matched: Vec<Vec<usize>> = all
            .into_iter()
            .zip(rules)
            .map(
                |(paths, rule)| match per_file.filter(|_| rule.plugin.meta.per_file) {
                    Some(only) => paths
                        .into_iter()
                        .filter(|&i| only.contains(&snapshot.paths[i]))
                        .collect(),
                    None => paths,
                },
            )
            .collect();
        let wanted: BTreeSet<usize> = matched.iter().flatten().copied().collect();
        let changed_base = snapshot
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Added)
            .map(|c| c.old_path.clone().unwrap_or_else(|| c.path.clone()))
            .filter(|p| globs.iter().any(|g| g.is_match(p.as_str())))
            .collect();
        Self {
            globs,
            matched,
            matched_joined,
            base_joined,
            wanted: wanted.into_iter().collect(),
            changed_base,
            base_refused: vec![HashSet::new(); rules.len()],
        }
    }
}
