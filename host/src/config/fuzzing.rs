//! Invariant checks for the `rules.toml` loader, shared by the `config`
//! fuzz target (`tests/fuzz/`) and the regression test in `tests.rs`. Not
//! part of the crate's API.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Config, ConfigError};

/// Parses `text` as `rules.toml` and checks that the loader reports
/// problems instead of failing otherwise: an `Err` holds at least one
/// error, and every error position (syntax errors, unknown keys, wrong
/// types, unknown rule and check ids, located option paths) is a 1-based
/// line of the text and a column at most one past that line's last
/// character.
pub fn check_config(text: &str) -> Result<(), String> {
    let lines: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
    let in_text = |what: &str, (line, column): (u32, u32)| -> Result<(), String> {
        let ok = line >= 1
            && column >= 1
            && lines
                .get(line as usize - 1)
                .is_some_and(|&len| column as usize <= len + 1);
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{what}: position {line}:{column} is outside the text ({} lines)",
                lines.len()
            ))
        }
    };
    let check_error = |e: &ConfigError| -> Result<(), String> {
        if e.file != "rules.toml" {
            return Err(format!("{e}: wrong file name"));
        }
        in_text(&e.to_string(), (e.line, e.column))
    };
    match Config::parse(text, "rules.toml", Path::new(".")) {
        Err(errors) => {
            if errors.0.is_empty() {
                return Err("Err without errors".to_owned());
            }
            errors.0.iter().try_for_each(check_error)?;
            let _ = errors.to_string();
        }
        Ok(config) => {
            // Every configured rule unknown but the first, whose checks
            // are all unknown but `gap`: exercises both error kinds.
            let known: BTreeMap<String, Vec<String>> = config
                .rules
                .keys()
                .take(1)
                .map(|id| (id.clone(), vec!["gap".to_owned()]))
                .collect();
            config
                .check_rule_ids(&known)
                .iter()
                .try_for_each(check_error)?;
            for settings in config.rules.values() {
                in_text(
                    "options path",
                    config.locator.locate(&settings.options_path),
                )?;
                for key in settings.options.keys() {
                    let mut path = settings.options_path.clone();
                    path.push(key.clone());
                    path.push("0".to_owned());
                    in_text("option key", config.locator.locate(&path))?;
                }
            }
            let _ = config.rule("numbering");
        }
    }
    Ok(())
}
