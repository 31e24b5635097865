//! # no-force-push
//!
//! An example organisation rule (not built in) that only judges commands:
//! `drift-host guard` blocks a force-push to a protected branch, however
//! it is wrapped (`sh -c`, `&&` chains, `env`, `sudo`...).
//!
//! ## What it does
//! Blocks `git push` with `--force`, `-f` or a `+refspec` when one of the
//! pushed branches matches a pattern of option `protected` (default
//! `["main", "master"]`; `*` matches any run of characters). A push with
//! no branch named pushes the current branch, which the guard cannot
//! see: it is blocked too. `--force-with-lease` and
//! `--force-if-includes` pass: they refuse to overwrite work they have not
//! seen.
//!
//! ## Why is this bad?
//! A force-push rewrites shared history: colleagues' commits disappear
//! from the branch, and CI may deploy what is left.
//!
//! ## Example
//! ```text
//! git push -f origin main                      force-push (error)
//! git push origin +release/2.4                 force-push (error)
//! git push --force-with-lease origin feature   fine
//! ```
//!
//! ## How to fix
//! Push a new commit that reverts or fixes, or use `--force-with-lease` on
//! your own branches.
//!
//! ## Options
//! ```toml
//! [plugins.no-force-push]
//! options = { protected = ["main", "release/*"] }
//! ```

use drift_sdk::shell;
use drift_sdk::{CommandFinding, CommandInput, Finding, Input, Metadata, Rule};

/// The `no-force-push` rule.
#[derive(Debug, Default)]
pub struct NoForcePush;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Branch patterns that must never be force-pushed.
    pub protected: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            protected: vec!["main".to_owned(), "master".to_owned()],
        }
    }
}

/// `*`-wildcard match of a whole branch name.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(tail) = name.strip_prefix(prefix) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| matches(rest, &tail[i..]))
        }
    }
}

drift_sdk::checks! {
    /// The checks of this rule.
    pub enum Check {
        /// A force-push to a protected branch.
        ForcePush = ("force-push", Error, "a force-push to a protected branch"),
    }
}

impl Rule for NoForcePush {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new("no-force-push", "No force-push to protected branches")
    }

    /// A command-only rule: no files.
    fn check(&self, _input: &Input, _options: &Options) -> Vec<Finding> {
        Vec::new()
    }

    fn check_command(&self, input: &CommandInput, options: &Options) -> Vec<CommandFinding> {
        let mut out = Vec::new();
        for command in shell::commands(&input.command) {
            let words: Vec<&str> = command.words.iter().map(|w| w.text.as_str()).collect();
            let ["git", "push", args @ ..] = words.as_slice() else {
                continue;
            };
            let force = args.iter().any(|a| *a == "--force" || *a == "-f");
            let positional: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect();
            // `git push [remote [refspec...]]`: the branch is the refspec's
            // destination (`src:dst`), without `+` and `refs/heads/`.
            let refspecs = positional.get(1..).unwrap_or(&[]);
            let protected = |spec: &str| {
                let dst = spec.rsplit(':').next().unwrap_or(spec);
                let dst = dst.trim_start_matches('+');
                let dst = dst.strip_prefix("refs/heads/").unwrap_or(dst);
                options.protected.iter().any(|p| matches(p, dst))
            };
            let hit = if refspecs.is_empty() {
                force
            } else {
                refspecs
                    .iter()
                    .any(|spec| (force || spec.starts_with('+')) && protected(spec))
            };
            if hit {
                out.push(
                    CommandFinding::new(
                        Check::ForcePush,
                        command.range.clone(),
                        format!(
                            "`{}` force-pushes a protected branch ({})",
                            words.join(" "),
                            options.protected.join(", ")
                        ),
                    )
                    .help("push a commit that reverts or fixes instead, or use --force-with-lease on your own branch"),
                );
            }
        }
        out
    }
}

drift_sdk::register_rule!(NoForcePush);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::CommandInput;
    use drift_sdk::testing::run_command;

    use super::*;

    #[test]
    fn force_pushes_to_protected_branches() {
        let options = r#"{"protected": ["main", "release/*"]}"#;
        for (command, blocked) in [
            ("git push -f origin main", true),
            ("git push --force origin release/2.4", true),
            ("git push origin +main", true),
            ("git push origin +HEAD:refs/heads/main", true),
            ("sh -c 'git push --force'", true),
            ("git fetch && git push -f origin release/x", true),
            ("git push --force-with-lease origin main", false),
            ("git push origin main", false),
            ("git push -f origin feature/login", false),
            ("echo git push -f origin main", false),
        ] {
            let findings = run_command(&NoForcePush, &CommandInput::new(command), options).unwrap();
            assert_eq!(!findings.is_empty(), blocked, "{command}: {findings:?}");
        }
    }

    /// The suite every built-in rule passes: documentation, strict
    /// options, odd inputs, and the fixtures of `tests/checks/`.
    #[test]
    fn conforms() {
        let problems = drift_sdk::testing::conformance::check::<NoForcePush>(std::path::Path::new(
            env!("CARGO_MANIFEST_DIR"),
        ));
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
