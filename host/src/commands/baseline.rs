//! `drift-host baseline`: record today's findings so later runs report
//! only new ones.

use std::io::Write;

use anyhow::{Result, bail};

use super::{check, exit};
use crate::baseline;
use crate::cli::BaselineArgs;
use crate::setup::{load_config, resolve_root};
use crate::snapshot::Source;

/// `drift-host baseline`.
pub fn baseline(args: &BaselineArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let config = load_config(args.config.as_deref(), &root)?;
    let report = check(&root, &config, &Source::WorkingTree, None, false)?;
    if !report.errors.is_empty() {
        let first = &report.errors[0];
        bail!(
            "not writing a baseline while the run has failures: {} `{}`: {}",
            first.kind,
            first.subject,
            first.message
        );
    }
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(baseline::FILE_NAME));
    let n = baseline::write(&path, &report.findings, &report.sources)?;
    writeln!(
        stdout,
        "drift-host: wrote {n} finding{} to {}; later runs report only new findings",
        if n == 1 { "" } else { "s" },
        path.display()
    )?;
    Ok(exit::CLEAN)
}
