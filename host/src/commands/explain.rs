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
    if rule == crate::verify::RULE {
        return explain_verify(check, stdout);
    }
    let (_, plugins) = loaded_rules(&args.path, args.config.as_deref())?;
    let Some(plugin) = plugins.iter().find(|p| p.meta.id == rule) else {
        let mut known: Vec<&str> = plugins.iter().map(|p| p.meta.id.as_str()).collect();
        known.extend([HOST_RULE, crate::verify::RULE]);
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
            "{rule}/{check} ({}): {}",
            meta.default_severity.as_str(),
            meta.summary
        )?;
        // A built-in's page has a section per check; a custom rule's
        // documentation lives with the rule.
        if let Some(section) =
            crate::builtins::doc(rule).and_then(|page| check_section(page, check))
        {
            writeln!(stdout, "\n{}", section.trim_end())?;
            writeln!(stdout, "\nThe whole page: `drift-host explain {rule}`.")?;
        }
        return Ok(exit::CLEAN);
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

/// The section of check `id` in a rule page: the lines after its
/// ``### `id` (severity)`` heading, up to the next heading.
fn check_section<'p>(page: &'p str, id: &str) -> Option<&'p str> {
    let heading = format!("### `{id}` (");
    let start = page
        .match_indices(&heading)
        .find(|(at, _)| *at == 0 || page.as_bytes()[at - 1] == b'\n')?
        .0;
    let body = &page[start..];
    let body = &body[body.find('\n').map_or(body.len(), |n| n + 1)..];
    let end = body
        .match_indices("\n#")
        .map(|(at, _)| at + 1)
        .next()
        .unwrap_or(body.len());
    Some(body[..end].trim_matches('\n'))
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

/// `drift-host explain verify[/check]`: `drift-host verify`'s findings,
/// documented in docs/verify.md (compiled in).
fn explain_verify(check: Option<&str>, stdout: &mut dyn Write) -> Result<u8> {
    let rule = crate::verify::RULE;
    let Some(check) = check else {
        write!(stdout, "{}", crate::verify::DOC)?;
        return Ok(exit::CLEAN);
    };
    let checks = crate::verify::CHECKS;
    let Some((_, severity, summary)) = checks.iter().find(|(id, _, _)| *id == check) else {
        let known: Vec<&str> = checks.iter().map(|(id, _, _)| *id).collect();
        bail!(
            "rule `{rule}` has no check `{check}` (its checks: {})",
            known.join(", ")
        );
    };
    writeln!(stdout, "{rule}/{check} ({}): {summary}", severity.as_str())?;
    if let Some(section) = check_section(crate::verify::DOC, &format!("{rule}/{check}")) {
        writeln!(stdout, "\n{}", section.trim_end())?;
    }
    writeln!(stdout, "\nThe whole page: `drift-host explain {rule}`.")?;
    Ok(exit::CLEAN)
}

#[cfg(test)]
mod tests {
    /// Every check of verify has its section in docs/verify.md, under its
    /// severity.
    #[test]
    fn every_verify_check_has_a_section() {
        for (id, severity, _) in crate::verify::CHECKS {
            let heading = format!("### `verify/{id}` ({})", severity.as_str());
            assert!(
                crate::verify::DOC.lines().any(|l| l == heading),
                "docs/verify.md lacks `{heading}`"
            );
            assert!(super::check_section(crate::verify::DOC, &format!("verify/{id}")).is_some());
        }
    }

    #[test]
    fn a_check_section_ends_at_the_next_heading() {
        let page =
            "# r\n\n## Checks\n\n### `a` (error)\n\nA.\n\nMore.\n\n### `ab` (warning)\n\nAB.\n";
        assert_eq!(super::check_section(page, "a"), Some("A.\n\nMore."));
        assert_eq!(super::check_section(page, "ab"), Some("AB."));
        assert_eq!(super::check_section(page, "b"), None);
    }

    /// Every check of every built-in has its section.
    #[test]
    fn every_built_in_check_has_a_section() {
        for (rule, page) in crate::builtins::RULE_DOCS {
            let ids: Vec<&str> = page
                .lines()
                .filter_map(|l| l.strip_prefix("### `"))
                .filter_map(|l| l.split_once('`').map(|(id, _)| id))
                .collect();
            assert!(ids.len() >= 4, "{rule}: {ids:?}");
            for id in ids {
                assert!(
                    super::check_section(page, id).is_some_and(|s| !s.is_empty()),
                    "{rule}/{id}"
                );
            }
        }
    }
}
