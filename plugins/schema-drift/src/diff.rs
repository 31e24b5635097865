//! Diff mode: in a `--base` / `--staged` run, drift the change introduces
//! is raised to an error (the seed's gate: a schema change without its
//! migration fails the change), while drift the base already had keeps its
//! check's severity. The host then counts the latter as pre-existing
//! (it runs the rule on the base too), so only what the change did fails
//! the run.

use std::collections::BTreeSet;

use drift_sdk::{Finding, Severity};

use crate::drift::Drift;

/// Every drift of `now`, those not in `before` raised to errors and moved
/// to their owner when they have one (what an applied migration built and
/// the change made extra: reported where the change is). Drift the base
/// had keeps its place, so the host matches it with the base's finding.
/// Schema syntax errors are always the change's.
pub fn introduced(now: Vec<Drift>, before: &[Drift]) -> Vec<Finding> {
    let known: BTreeSet<(&str, &str, &str)> = before.iter().map(Drift::key).collect();
    now.into_iter()
        .map(|drift| {
            if drift.finding.check != "schema-syntax" && known.contains(&drift.key()) {
                return drift.finding;
            }
            let mut finding = drift.finding;
            if let Some((path, span)) = drift.owner {
                finding.path = path;
                finding.span = Some(span);
            }
            // A configured severity still wins over this one.
            finding.severity(Severity::Error)
        })
        .collect()
}
