//! `[guard]`: the command patterns `drift-host guard` always blocks or
//! always lets through, and their matcher. Patterns are validated when the
//! configuration loads, so a malformed one is a configuration error with
//! its position, not a surprise at the first guarded command.

use drift_syntax::hazard::Cell;
use drift_syntax::shell;

/// `[guard]`: command patterns `drift-host guard` always blocks or always
/// lets through, whatever the rules say, and the consent policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardSettings {
    pub allow: Vec<GuardPattern>,
    pub deny: Vec<GuardPattern>,
    pub policy: Policy,
}

/// What the guard answers for a command: run it, ask the user first, or
/// refuse. Ordered: the strictest answer of a line's findings wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    Allow,
    Ask,
    Deny,
}

impl Decision {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "allow" => Some(Self::Allow),
            "ask" => Some(Self::Ask),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Ask => "ask",
            Self::Deny => "deny",
        }
    }
}

/// `[guard.policy]`: the decision for an error-severity command finding,
/// by what the command does and where it points (docs/guard.md has the
/// table). The seed's policy is the default: destructive commands and
/// writes to local or unplaced databases need the user's consent, writes
/// to other databases are refused, and so is any other rule's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub cells: Vec<(Cell, Decision)>,
    /// Errors of checks outside the hazard catalogue (organisations' own
    /// command rules).
    pub other: Decision,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            cells: Cell::ALL
                .iter()
                .map(|&c| (c, Self::default_of(c)))
                .collect(),
            other: Decision::Deny,
        }
    }
}

impl Policy {
    /// The key for checks outside the catalogue.
    pub const OTHER: &'static str = "other";

    /// The seed's decision for `cell`.
    pub fn default_of(cell: Cell) -> Decision {
        match cell {
            Cell::WriteRemote => Decision::Deny,
            Cell::Destructive | Cell::WriteLocal | Cell::WriteUnknown => Decision::Ask,
        }
    }

    /// The decision for a finding in `cell` (`None`: outside the catalogue).
    pub fn decision(&self, cell: Option<Cell>) -> Decision {
        match cell {
            Some(cell) => self
                .cells
                .iter()
                .find(|(c, _)| *c == cell)
                .map_or(Self::default_of(cell), |(_, d)| *d),
            None => self.other,
        }
    }

    /// The `[guard.policy]` key of `cell`.
    pub fn key(cell: Option<Cell>) -> &'static str {
        cell.map_or(Self::OTHER, Cell::key)
    }

    pub fn set(&mut self, key: &str, decision: Decision) -> bool {
        if key == Self::OTHER {
            self.other = decision;
            return true;
        }
        match self.cells.iter_mut().find(|(c, _)| c.key() == key) {
            Some(slot) => {
                slot.1 = decision;
                true
            }
            None => false,
        }
    }
}

/// One `[guard]` pattern, with its position for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardPattern {
    pub pattern: String,
    /// `rules.toml:LINE:COLUMN` of the pattern.
    pub at: String,
}

/// A `[guard]` pattern compiled for matching. Words are globs (`*`, `?`,
/// `[...]`, `{a,b}`); the first is matched against the program's name.
///
/// A `deny` pattern matches loosely ([`Pattern::matches`]): its positional
/// words lead the command's, its flags appear anywhere. An `allow` pattern
/// matches exactly ([`Pattern::matches_exactly`]): a command with an extra
/// flag, argument or assignment (another schema, another database URL) is
/// not the command the pattern allowed.
#[derive(Debug, Clone)]
pub struct Pattern {
    positional: Vec<globset::GlobMatcher>,
    flags: Vec<globset::GlobMatcher>,
    /// `NAME=value` assignments written before the program.
    env: Vec<globset::GlobMatcher>,
}

fn glob(text: &str) -> Option<globset::GlobMatcher> {
    Some(
        globset::GlobBuilder::new(text)
            .literal_separator(false)
            .build()
            .ok()?
            .compile_matcher(),
    )
}

impl Pattern {
    /// Compiles `text`, one simple command without operators; `None` when it
    /// is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let commands = shell::commands(text);
        let [command] = commands.as_slice() else {
            return None;
        };
        if command.words.is_empty() {
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
            let compiled = glob(text)?;
            if i > 0 && word.text.starts_with('-') {
                flags.push(compiled);
            } else {
                positional.push(compiled);
            }
        }
        let env = command
            .env
            .iter()
            .map(|(name, value)| glob(&format!("{name}={value}")))
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            positional,
            flags,
            env,
        })
    }

    /// The command's positional words (program name first) and flags.
    fn split(command: &shell::Command) -> (Vec<&str>, Vec<&str>) {
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        for (i, word) in command.words.iter().enumerate() {
            if i == 0 {
                positional.push(shell::basename(&word.text));
            } else if word.text.starts_with('-') {
                flags.push(word.text.as_str());
            } else {
                positional.push(word.text.as_str());
            }
        }
        (positional, flags)
    }

    /// Whether the simple command `command` (wrappers already removed)
    /// matches loosely: the pattern's positional words lead the command's,
    /// and each of its flags and assignments appears somewhere. For `deny`.
    pub fn matches(&self, command: &shell::Command) -> bool {
        let (positional, flags) = Self::split(command);
        let mut positional = positional.into_iter();
        self.env.iter().all(|glob| {
            command
                .env
                .iter()
                .any(|(name, value)| glob.is_match(format!("{name}={value}")))
        }) && self
            .positional
            .iter()
            .all(|glob| positional.next().is_some_and(|w| glob.is_match(w)))
            && self
                .flags
                .iter()
                .all(|glob| flags.iter().any(|f| glob.is_match(f)))
    }

    /// Whether `command` is exactly the pattern's command: the same
    /// positional words in order, and the same flags and assignments in
    /// any order, each word matched by its glob. For `allow`.
    pub fn matches_exactly(&self, command: &shell::Command) -> bool {
        let (positional, flags) = Self::split(command);
        let assignments: Vec<String> = command
            .env
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        positional.len() == self.positional.len()
            && self
                .positional
                .iter()
                .zip(&positional)
                .all(|(glob, word)| glob.is_match(word))
            && same_set(&self.flags, &flags)
            && same_set(
                &self.env,
                &assignments.iter().map(String::as_str).collect::<Vec<_>>(),
            )
    }
}

/// Whether the globs and the words pair up one to one, in any order.
fn same_set(globs: &[globset::GlobMatcher], words: &[&str]) -> bool {
    if globs.len() != words.len() {
        return false;
    }
    // Patterns are short: a greedy pairing tried from each glob is enough
    // for the literal words patterns use; globs that overlap pair in order.
    let mut used = vec![false; words.len()];
    globs.iter().all(|glob| {
        let free = words
            .iter()
            .enumerate()
            .find(|(i, w)| !used.get(*i).copied().unwrap_or(true) && glob.is_match(w));
        match free {
            Some((i, _)) => {
                if let Some(slot) = used.get_mut(i) {
                    *slot = true;
                }
                true
            }
            None => false,
        }
    })
}
