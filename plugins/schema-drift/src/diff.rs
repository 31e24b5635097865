//! Diff mode: in a `--base` / `--staged` run, only drift the change
//! introduces is reported, as errors; drift that already existed at the
//! base is summarised in one `pre-existing-drift` finding per schema.

use std::collections::{BTreeMap, BTreeSet};

use drift_sdk::{Finding, Severity};

use crate::drift::Drift;

/// The drift of `now` that is not in `before`, and one summary per schema
/// of the drift that is. Schema syntax errors are always reported.
pub fn introduced(now: Vec<Drift>, before: &[Drift]) -> Vec<Finding> {
    let known: BTreeSet<(&str, &str, &str)> = before.iter().map(Drift::key).collect();
    let mut out = Vec::new();
    let mut pre_existing: BTreeMap<String, usize> = BTreeMap::new();
    for drift in now {
        if drift.finding.check != "schema-syntax" && known.contains(&drift.key()) {
            *pre_existing.entry(drift.schema).or_default() += 1;
        } else {
            // Drift the change introduces fails the change, whatever the
            // check's default (a configured severity still wins).
            out.push(drift.finding.severity(Severity::Error));
        }
    }
    for (schema, count) in pre_existing {
        let (noun, verb) = if count == 1 {
            ("difference", "was")
        } else {
            ("differences", "were")
        };
        out.push(
            Finding::new(
                crate::Check::PreExistingDrift,
                &schema,
                format!(
                    "{count} {noun} between this schema and its migrations existed before this change and {verb} not reported"
                ),
            )
            .help("run drift-host without `--base` / `--staged` to see them"),
        );
    }
    out
}
