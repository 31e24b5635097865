//! `drift-host rules`: every rule and check, with its configured severity.

use std::io::Write;

use anyhow::Result;

use super::{exit, loaded_rules};
use crate::cli::{ListFormat, RulesArgs};
use crate::config::Level;
use crate::plugin::Origin;

/// `drift-host rules`.
pub fn rules(args: &RulesArgs, stdout: &mut dyn Write) -> Result<u8> {
    let (config, plugins) = loaded_rules(&args.path, args.config.as_deref())?;
    let mut rows = Vec::new();
    for plugin in &plugins {
        let settings = config.rule(&plugin.meta.id);
        let rule_on = settings.enabled != Some(false) && settings.severity != Some(Level::Off);
        let origin = match &plugin.origin {
            Origin::BuiltIn => "built-in".to_owned(),
            Origin::Path(p) => p.display().to_string(),
        };
        for check in &plugin.meta.checks {
            let configured = settings
                .checks
                .get(&check.id)
                .copied()
                .or(settings.severity);
            let (severity, enabled) = match configured {
                Some(Level::Off) => (check.default_severity.as_str(), false),
                Some(Level::Error) => ("error", rule_on),
                Some(Level::Warning) => ("warning", rule_on),
                Some(Level::Info) => ("info", rule_on),
                None => (check.default_severity.as_str(), rule_on),
            };
            rows.push(serde_json::json!({
                "rule": plugin.meta.id,
                "check": check.id,
                "severity": severity,
                "enabled": enabled,
                "origin": origin,
                "interface": plugin.version,
                "summary": check.summary,
            }));
        }
    }
    if args.format == ListFormat::Json {
        serde_json::to_writer_pretty(
            &mut *stdout,
            &serde_json::json!({ "version": 1, "checks": rows }),
        )?;
        writeln!(stdout)?;
        return Ok(exit::CLEAN);
    }
    let mut current = "";
    for (plugin, row) in plugins
        .iter()
        .flat_map(|p| std::iter::repeat_n(p, p.meta.checks.len()))
        .zip(&rows)
    {
        if plugin.meta.id != current {
            current = &plugin.meta.id;
            writeln!(
                stdout,
                "{} ({}, interface {}): {}",
                plugin.meta.id,
                row["origin"].as_str().unwrap_or(""),
                plugin.version,
                plugin.meta.summary
            )?;
        }
        writeln!(
            stdout,
            "  {:<44} {:<8} {:<9} {}",
            format!(
                "{}/{}",
                row["rule"].as_str().unwrap_or(""),
                row["check"].as_str().unwrap_or("")
            ),
            row["severity"].as_str().unwrap_or(""),
            if row["enabled"] == true {
                "enabled"
            } else {
                "disabled"
            },
            row["summary"].as_str().unwrap_or("")
        )?;
    }
    Ok(exit::CLEAN)
}
