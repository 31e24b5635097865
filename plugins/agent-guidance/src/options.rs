//! The rule's options and their defaults.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The heading the guidance lives under by default.
pub const DEFAULT_HEADING: &str = "When Modifying Database Schema";

/// The default points: id, accepted phrases.
pub const DEFAULT_POINTS: &[(&str, &[&str])] = &[
    ("migrations", &["prisma migrate dev", "migration"]),
    ("idempotent", &["idempotent", "IF NOT EXISTS"]),
    (
        "applied-immutable",
        &["never edit", "applied migration", "do not modify"],
    ),
    ("no-reset", &["migrate reset"]),
];

/// When the rule applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequireWhen {
    /// Only in repositories with a Prisma schema or SQL migrations.
    #[default]
    Database,
    /// In every repository.
    Always,
}

/// Options from the rule's table in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    pub require_when: RequireWhen,
    /// Instruction files to consider (names, paths, or folders ending `/`).
    pub files: Option<Vec<String>>,
    /// Headings of the database section (case-insensitive substrings): where
    /// missing points are reported, and the suggested section's title.
    pub headings: Vec<String>,
    /// Point id to accepted phrases (case-insensitive substrings).
    pub points: BTreeMap<String, Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            require_when: RequireWhen::default(),
            files: None,
            headings: vec![DEFAULT_HEADING.to_owned()],
            points: DEFAULT_POINTS
                .iter()
                .map(|(id, phrases)| {
                    (
                        (*id).to_owned(),
                        phrases.iter().map(|p| (*p).to_owned()).collect(),
                    )
                })
                .collect(),
        }
    }
}

impl Options {
    /// The accepted headings (the default when the list is empty).
    pub fn headings(&self) -> Vec<&str> {
        if self.headings.is_empty() {
            vec![DEFAULT_HEADING]
        } else {
            self.headings.iter().map(String::as_str).collect()
        }
    }

    /// The points in display order: the default ids first, in their
    /// order, then the others alphabetically. Points without phrases
    /// cannot be checked and are left out.
    pub fn points(&self) -> Vec<(&str, &[String])> {
        let rank = |id: &str| {
            DEFAULT_POINTS
                .iter()
                .position(|(d, _)| *d == id)
                .unwrap_or(DEFAULT_POINTS.len())
        };
        let mut points: Vec<(&str, &[String])> = self
            .points
            .iter()
            .filter(|(_, phrases)| !phrases.is_empty())
            .map(|(id, phrases)| (id.as_str(), phrases.as_slice()))
            .collect();
        points.sort_by_key(|(id, _)| (rank(id), *id));
        points
    }
}
