//! `[guard]`: the command patterns `drift-host guard` always blocks or
//! always lets through, and their matcher. Patterns are validated when the
//! configuration loads, so a malformed one is a configuration error with
//! its position, not a surprise at the first guarded command.

use drift_syntax::shell;

/// `[guard]`: command patterns `drift-host guard` always blocks or always
/// lets through, whatever the rules say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardSettings {
    pub allow: Vec<GuardPattern>,
    pub deny: Vec<GuardPattern>,
}

/// One `[guard]` pattern, with its position for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardPattern {
    pub pattern: String,
    /// `rules.toml:LINE:COLUMN` of the pattern.
    pub at: String,
}

/// A `[guard]` pattern compiled for matching: the program and leading
/// positional words must match in order; each flag must appear anywhere.
/// Words are globs (`*`, `?`, `[...]`, `{a,b}`).
#[derive(Debug, Clone)]
pub struct Pattern {
    positional: Vec<globset::GlobMatcher>,
    flags: Vec<globset::GlobMatcher>,
}

impl Pattern {
    /// Compiles `text`, one simple command without operators; `None` when it
    /// is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let commands = shell::commands(text);
        let [command] = commands.as_slice() else {
            return None;
        };
        if command.words.is_empty() || !command.env.is_empty() {
            return None;
        }
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        for (i, word) in command.words.iter().enumerate() {
            let text = if i == 0 {
                shell::basename(&word.text)
            } else {
                &word.text
            };
            let glob = globset::GlobBuilder::new(text)
                .literal_separator(false)
                .build()
                .ok()?
                .compile_matcher();
            if i > 0 && word.text.starts_with('-') {
                flags.push(glob);
            } else {
                positional.push(glob);
            }
        }
        Some(Self { positional, flags })
    }

    /// Whether the simple command `command` (wrappers already removed)
    /// matches.
    pub fn matches(&self, command: &shell::Command) -> bool {
        let mut positional = command
            .words
            .iter()
            .enumerate()
            .filter(|(i, w)| *i == 0 || !w.text.starts_with('-'))
            .map(|(i, w)| {
                if i == 0 {
                    shell::basename(&w.text)
                } else {
                    w.text.as_str()
                }
            });
        let prefix = self
            .positional
            .iter()
            .all(|glob| positional.next().is_some_and(|w| glob.is_match(w)));
        prefix
            && self.flags.iter().all(|glob| {
                command
                    .words
                    .iter()
                    .skip(1)
                    .any(|w| w.text.starts_with('-') && glob.is_match(&w.text))
            })
    }
}
