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
    /// Each flag with the value written right after it, if any.
    flags: Vec<(globset::GlobMatcher, Option<globset::GlobMatcher>)>,
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

/// A command's words as patterns compare them: the positional words (the
/// program's name first) in order, and each flag with the word right after
/// it when that word is not a flag (its value: `-h localhost`, `--schema
/// x`). A pattern and a command are split alike, so `-h localhost -U prod`
/// and `-U localhost -h prod` differ.
fn units<'w>(
    words: impl Iterator<Item = &'w str>,
) -> (Vec<&'w str>, Vec<(&'w str, Option<&'w str>)>) {
    let mut positional = Vec::new();
    let mut flags: Vec<(&str, Option<&str>)> = Vec::new();
    let mut open_flag = false;
    for (i, word) in words.enumerate() {
        if i == 0 {
            positional.push(shell::basename(word));
        } else if word.starts_with('-') {
            // `--flag=value` carries its value.
            open_flag = !word.contains('=');
            flags.push((word, None));
        } else if open_flag && let Some(last) = flags.last_mut() {
            last.1 = Some(word);
            open_flag = false;
        } else {
            positional.push(word);
        }
    }
    (positional, flags)
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
        let (positional, flags) = units(command.words.iter().map(|w| w.text.as_str()));
        let positional = positional
            .into_iter()
            .map(glob)
            .collect::<Option<Vec<_>>>()?;
        let flags = flags
            .into_iter()
            .map(|(flag, value)| {
                Some((
                    glob(flag)?,
                    match value {
                        Some(value) => Some(glob(value)?),
                        None => None,
                    },
                ))
            })
            .collect::<Option<Vec<_>>>()?;
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

    /// Whether the simple command `command` (wrappers already removed)
    /// matches loosely: the pattern's positional words lead the command's,
    /// and each of its flags (with its value, when the pattern gives one)
    /// and assignments appears somewhere. For `deny`.
    pub fn matches(&self, command: &shell::Command) -> bool {
        // A word after a flag may be the flag's value or an operand
        // (`git --no-pager push`): a deny pattern matches either reading.
        let words = || command.words.iter().map(|w| w.text.as_str());
        let (positional, flags) = units(words());
        let operands: Vec<&str> = words()
            .enumerate()
            .filter(|(i, w)| *i == 0 || !w.starts_with('-'))
            .map(|(i, w)| if i == 0 { shell::basename(w) } else { w })
            .collect();
        self.matches_units(command, positional, &flags)
            || self.matches_units(command, operands, &flags)
    }

    fn matches_units(
        &self,
        command: &shell::Command,
        positional: Vec<&str>,
        flags: &[(&str, Option<&str>)],
    ) -> bool {
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
                .all(|unit| flags.iter().any(|flag| unit_matches(unit, flag, false)))
    }

    /// Whether `command` is exactly the pattern's command: the same
    /// positional words in order, and the same flags (each with its value)
    /// and assignments in any order, each word matched by its glob. For
    /// `allow`.
    pub fn matches_exactly(&self, command: &shell::Command) -> bool {
        let (positional, flags) = units(command.words.iter().map(|w| w.text.as_str()));
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
            && pair_up(&self.flags, &flags, |unit, flag| {
                unit_matches(unit, flag, true)
            })
            && pair_up(
                &self.env,
                &assignments.iter().map(String::as_str).collect::<Vec<_>>(),
                |glob, word| glob.is_match(word),
            )
    }
}

/// Whether a pattern's flag unit matches a command's: the flag, and the
/// value when the pattern gives one (`exact`: the command must not carry a
/// value the pattern lacks).
fn unit_matches(
    (flag, value): &(globset::GlobMatcher, Option<globset::GlobMatcher>),
    (word, given): &(&str, Option<&str>),
    exact: bool,
) -> bool {
    flag.is_match(word)
        && match (value, given) {
            (Some(value), Some(given)) => value.is_match(given),
            (Some(_), None) => false,
            (None, Some(_)) => !exact,
            (None, None) => true,
        }
}

/// Whether the pattern's items and the command's pair up one to one, in
/// any order.
fn pair_up<P, W>(patterns: &[P], words: &[W], matches: impl Fn(&P, &W) -> bool) -> bool {
    if patterns.len() != words.len() {
        return false;
    }
    // Patterns are short: a greedy pairing tried from each item is enough
    // for the literal words patterns use.
    let mut used = vec![false; words.len()];
    patterns.iter().all(|pattern| {
        let free = words
            .iter()
            .enumerate()
            .find(|(i, w)| !used.get(*i).copied().unwrap_or(true) && matches(pattern, w));
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
