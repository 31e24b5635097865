//! `drift-host explain rule[/check]`: a rule's documentation.

use std::io::Write;

use anyhow::{Result, bail};

use super::{exit, loaded_rules};
use crate::cli::ExplainArgs;
use crate::diagnostic::{HOST_CHECKS, HOST_RULE};

/// `drift-host explain rule[/check]`.
pub fn explain(args: &ExplainArgs, stdout: &mut dyn Write) -> Result<u8> {
    let (rule, check) = match args.selector.split_once('/') {
        Some((r, c)) => (r, Some(c)),
        None => (args.selector.as_str(), None),
    };
    if rule == HOST_RULE {
        return explain_host(check, stdout);
    }
    let (_, plugins) = loaded_rules(&args.path, args.config.as_deref())?;
    let Some(plugin) = plugins.iter().find(|p| p.meta.id == rule) else {
        let mut known: Vec<&str> = plugins.iter().map(|p| p.meta.id.as_str()).collect();
        known.push(HOST_RULE);
        bail!("no rule `{rule}` (known rules: {})", known.join(", "));
    };
    if let Some(check) = check {
        let Some(meta) = plugin.meta.checks.iter().find(|c| c.id == check) else {
            let known: Vec<&str> = plugin.meta.checks.iter().map(|c| c.id.as_str()).collect();
            bail!(
                "rule `{rule}` has no check `{check}` (its checks: {})",
                known.join(", ")
            );
        };
        writeln!(
            stdout,
            "{rule}/{check} ({}): {}\n",
            meta.default_severity.as_str(),
            meta.summary
        )?;
    }
    match crate::builtins::doc(rule) {
        Some(doc) => write!(stdout, "{doc}")?,
        None => {
            writeln!(stdout, "# {rule}\n\n{}\n\n## Checks\n", plugin.meta.summary)?;
            for c in &plugin.meta.checks {
                writeln!(
                    stdout,
                    "- `{}` ({}): {}",
                    c.id,
                    c.default_severity.as_str(),
                    c.summary
                )?;
            }
        }
    }
    Ok(exit::CLEAN)
}

/// `drift-host explain drift-host[/check]`: the checks the host itself
/// reports have no plugin, and so no metadata or rule page of their own.
fn explain_host(check: Option<&str>, stdout: &mut dyn Write) -> Result<u8> {
    let rule = HOST_RULE;
    if let Some(check) = check {
        let Some((_, summary)) = HOST_CHECKS.iter().find(|(id, _)| *id == check) else {
            let known: Vec<&str> = HOST_CHECKS.iter().map(|(id, _)| *id).collect();
            bail!(
                "rule `{rule}` has no check `{check}` (its checks: {})",
                known.join(", ")
            );
        };
        writeln!(stdout, "{rule}/{check} (warning): {summary}\n")?;
    }
    writeln!(
        stdout,
        "# {rule}\n\nWhat drift-host itself reports about the files rules read and the \
         `drift-ignore` comments in them; see docs/configuration.md, \"Files rules cannot \
         read as text\" and \"Suppressing a finding\".\n\n## Checks\n"
    )?;
    for (id, summary) in HOST_CHECKS {
        writeln!(stdout, "- `{id}` (warning): {summary}")?;
    }
    Ok(exit::CLEAN)
}
