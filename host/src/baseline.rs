//! Baselines: adopt drift-host on an existing repository without fixing
//! every old finding first.
//!
//! `drift-host baseline` records the current findings; later runs report
//! only findings that are not in the baseline, say how many baselined ones
//! remain, and report baseline entries that no longer match anything
//! (stale: the problem was fixed, so the entry should go).
//!
//! A fingerprint must survive unrelated edits that shift lines, so it hashes
//! the rule, check, path, message and the trimmed text of the finding's
//! first line, never its line number. Equal fingerprints (the same problem
//! twice in a file) are matched by count.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Finding, HOST_RULE, Severity};
use crate::snapshot::Content;

/// Default file name, at the repository root.
pub const FILE_NAME: &str = ".drift-baseline.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub check: String,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

pub fn fingerprint(finding: &Finding, sources: &HashMap<String, Arc<Content>>) -> String {
    let line_text = finding
        .span
        .and_then(|span| {
            let Content::Text(text) = sources.get(&finding.path)?.as_ref() else {
                return None;
            };
            text.lines()
                .nth(span.line.checked_sub(1)? as usize)
                .map(str::trim)
        })
        .unwrap_or("");
    let mut hasher = Sha256::new();
    for part in [
        &finding.rule,
        &finding.check,
        &finding.path,
        &finding.message,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(line_text.as_bytes());
    hasher.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the baseline of `findings` to `path`; returns how many entries.
pub fn write(
    path: &Path,
    findings: &[Finding],
    sources: &HashMap<String, Arc<Content>>,
) -> Result<usize> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.rule != HOST_RULE || f.check != "stale-baseline-entry")
        .map(|f| Entry {
            fingerprint: fingerprint(f, sources),
            rule: f.rule.clone(),
            check: f.check.clone(),
            path: f.path.clone(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort();
    let file = File {
        version: 1,
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    std::fs::write(path, text)
        .with_context(|| format!("cannot write baseline {}", path.display()))?;
    Ok(file.findings.len())
}

/// Reads a baseline file.
pub fn read(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline {}", path.display()))?;
    let file: File = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a drift-host baseline (regenerate it with `drift-host baseline`)",
            path.display()
        )
    })?;
    if file.version != 1 {
        anyhow::bail!(
            "{} has baseline format version {}, this drift-host reads version 1",
            path.display(),
            file.version
        );
    }
    Ok(file.findings)
}

/// Removes baselined findings; returns how many were baselined, and, with
/// `report_stale`, adds a warning for each stale entry.
pub fn apply(
    findings: &mut Vec<Finding>,
    entries: &[Entry],
    sources: &HashMap<String, Arc<Content>>,
    baseline_name: &str,
    report_stale: bool,
) -> usize {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        *remaining.entry(e.fingerprint.as_str()).or_insert(0) += 1;
    }
    let before = findings.len();
    findings.retain(|f| {
        let fp = fingerprint(f, sources);
        match remaining.get_mut(fp.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    let baselined = before - findings.len();
    if !report_stale {
        return baselined;
    }
    let mut stale_seen: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        let left = remaining.get(e.fingerprint.as_str()).copied().unwrap_or(0);
        let seen = stale_seen.entry(e.fingerprint.as_str()).or_insert(0);
        // Only the unmatched copies of a fingerprint are stale.
        if *seen < left {
            *seen += 1;
            findings.push(Finding {
                rule: HOST_RULE.to_owned(),
                check: "stale-baseline-entry".to_owned(),
                severity: Severity::Warning,
                path: e.path.clone(),
                span: None,
                message: format!(
                    "baselined `{}/{}` no longer occurs: \"{}\"",
                    e.rule, e.check, e.message
                ),
                help: Some(format!(
                    "the problem is gone: regenerate {baseline_name} with `drift-host baseline`"
                )),
            });
        }
    }
    baselined
}
