//! `drift-host run`: check a repository (working tree, index or a base
//! diff), apply the baseline, render the report, and map it to an exit
//! code.

use std::io::Write;

use anyhow::Result;

use super::{check, exit, use_color};
use crate::baseline;
use crate::cli::{Deny, RunArgs};
use crate::diagnostic::Severity;
use crate::engine::Report;
use crate::output;
use crate::setup::{load_config, resolve_root};
use crate::snapshot::Source;

pub fn run(args: &RunArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let config = load_config(args.config.as_deref(), &root)?;
    let source = match (&args.base, args.staged) {
        (Some(base), _) => Source::Base(base.clone()),
        (None, true) => Source::Staged,
        (None, false) => match github_pull_request_base() {
            Some(base) => {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!(
                        "drift-host: checking against {base} (GITHUB_BASE_REF of this pull request)"
                    );
                }
                Source::Base(base)
            }
            None => Source::WorkingTree,
        },
    };
    let threads = args.threads.map(usize::from);
    let started = std::time::Instant::now();
    let mut report = check(&root, &config, &source, threads, args.no_cache)?;
    if args.timings {
        #[allow(clippy::print_stderr)]
        {
            for (phase, took) in &report.timings {
                eprintln!("timing {phase} {:.3} ms", took.as_secs_f64() * 1e3);
            }
            eprintln!(
                "timing total {:.3} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }

    let baseline_path = match &args.baseline {
        Some(path) => Some(path.clone()),
        None if args.no_baseline => None,
        None => Some(root.join(baseline::FILE_NAME)).filter(|p| p.is_file()),
    };
    if let Some(path) = baseline_path {
        let entries = baseline::read(&path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        // A baseline is about the whole repository: in a diff run, entries
        // the change did not touch are not stale news.
        let whole = source == Source::WorkingTree;
        report.baselined = baseline::apply(
            &mut report.findings,
            &entries,
            &report.sources,
            &name,
            whole,
        );
        crate::diagnostic::sort_findings(&mut report.findings);
    }

    let style = output::Style {
        color: use_color(args.color, {
            use std::io::IsTerminal;
            std::io::stdout().is_terminal()
        }),
        quiet: args.quiet,
        all: args.all,
    };
    output::render(args.format, &report, style, stdout)?;
    Ok(exit_code(&report, args.deny == Some(Deny::Warnings)))
}

/// In a GitHub Actions pull-request run, the PR's base branch.
fn github_pull_request_base() -> Option<String> {
    if std::env::var("GITHUB_ACTIONS").ok()? != "true" {
        return None;
    }
    let base = std::env::var("GITHUB_BASE_REF").ok()?;
    (!base.is_empty()).then(|| format!("origin/{base}"))
}

/// The exit code of a report: 2 when a rule or the run failed, 1 for an
/// error finding (or a warning with `--deny warnings`), else 0.
pub(super) fn exit_code(report: &Report, deny_warnings: bool) -> u8 {
    let fails = |s: Severity| s == Severity::Error || (deny_warnings && s == Severity::Warning);
    if !report.errors.is_empty() {
        exit::FAILURE
    } else if report.findings.iter().any(|f| fails(f.severity)) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
