//! Plain Rust mirrors of the WIT types, so rule logic and its tests never
//! touch generated bindings.

pub use drift_syntax::Paths;
pub use drift_syntax::files::{Change, ChangeKind, Content};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// A severity a user writes in a rule's options (`letter-suffix =
/// "warning"`): the vocabulary of rules.toml's own `severity` and
/// `checks`, `off | info | warning | error`. `warn` and `allow` are
/// accepted as the deprecated spellings of `warning` and `off` (drift-host
/// prints a note where a rule's options use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    /// The severity findings get at this level; `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "off" | "allow" => Level::Off,
            "info" => Level::Info,
            "warning" | "warn" => Level::Warning,
            "error" => Level::Error,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "unknown level `{other}`, expected one of: off, info, warning, error"
                )));
            }
        })
    }
}

/// How the host may split a rule's work (see the WIT `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings depend on one file at a time: the host may batch files.
    PerFile,
    /// Findings relate files to each other: one call sees every file.
    Repository,
}

/// What a finding of a check means in a migration the project has already
/// applied (one committed at the applied ref; see the WIT's `applied`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Applied {
    /// Still actionable: reported (an idempotency problem in a hand-written
    /// file teams re-run, a duplicate number, drift).
    #[default]
    Report,
    /// History: its only fix would be editing a migration that never runs
    /// again (a `DROP` in a Prisma migration applied long ago): counted in
    /// the summary, not failing the run.
    History,
}

/// One specific check of a rule, addressed as `<rule>/<check>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMeta {
    pub id: String,
    pub summary: String,
    pub default_severity: Severity,
    pub applied: Applied,
}

impl CheckMeta {
    pub fn new(id: &str, summary: &str, default_severity: Severity) -> Self {
        Self {
            id: id.to_owned(),
            summary: summary.to_owned(),
            default_severity,
            applied: Applied::Report,
        }
    }
}

/// A rule's static description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub id: String,
    pub summary: String,
    pub default_severity: Severity,
    pub include: Vec<String>,
    pub checks: Vec<CheckMeta>,
    pub scope: Scope,
    /// The rule wants the parsed syntax tree of its `.sql` files.
    pub sql: bool,
    /// Words a file must hold to be handed to the rule ([`Metadata::filter`]).
    pub filters: Vec<TextFilter>,
}

/// Words a file must contain to be handed to the rule: the host searches
/// for them natively before copying a file into the sandbox, so a rule
/// that looks for a few commands in documentation is not handed the
/// thousands of documents that never name them.
///
/// The filter admits a text file holding one of `words` (anywhere, not as
/// whole words; byte for byte, or ignoring ASCII case) and, when
/// `line_words` is not empty, one of those on the same line. A text file
/// that some filters' globs match is handed over only when one of those
/// filters admits it; files that are not text, and files no filter's globs
/// match, are handed over as before. [`Input::paths`] still lists every
/// path the rule's globs match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFilter {
    pub globs: Vec<String>,
    pub words: Vec<String>,
    pub line_words: Vec<String>,
    pub ignore_ascii_case: bool,
}

impl TextFilter {
    /// Files matching `globs` are handed over when they hold one of
    /// `words`, in the same case.
    pub fn new<G, W, S, T>(globs: G, words: W) -> Self
    where
        G: IntoIterator<Item = S>,
        S: Into<String>,
        W: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            globs: globs.into_iter().map(Into::into).collect(),
            words: words.into_iter().map(Into::into).collect(),
            line_words: Vec::new(),
            ignore_ascii_case: false,
        }
    }

    /// Only a word on a line that also holds one of these counts (`psql`
    /// on a line that says `drop`).
    pub fn on_line_with<W, T>(mut self, words: W) -> Self
    where
        W: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.line_words = words.into_iter().map(Into::into).collect();
        self
    }

    /// Match the words in any ASCII case (`drop table`, `DROP TABLE`).
    pub fn ignore_ascii_case(mut self, ignore: bool) -> Self {
        self.ignore_ascii_case = ignore;
        self
    }

    /// Whether this filter admits `text` (the SDK's test harness applies
    /// filters as the host does, more slowly).
    pub fn admits_text(&self, text: &str) -> bool {
        let fold = |s: &str| {
            if self.ignore_ascii_case {
                s.to_ascii_lowercase()
            } else {
                s.to_owned()
            }
        };
        let holds = |line: &str, words: &[String]| words.iter().any(|w| line.contains(&fold(w)));
        let text = fold(text);
        if self.line_words.is_empty() {
            return holds(&text, &self.words);
        }
        text.split('\n')
            .any(|line| holds(line, &self.words) && holds(line, &self.line_words))
    }
}

impl Metadata {
    /// A repository-scoped rule with error severity, no globs and no checks.
    pub fn new(id: &str, summary: &str) -> Self {
        Self {
            id: id.to_owned(),
            summary: summary.to_owned(),
            default_severity: Severity::Error,
            include: Vec::new(),
            checks: Vec::new(),
            scope: Scope::Repository,
            sql: false,
            filters: Vec::new(),
        }
    }

    /// Narrows the files handed over to those holding some words (see
    /// [`TextFilter`]); with several filters, one of those whose globs
    /// match a file must admit it.
    pub fn filter(mut self, filter: TextFilter) -> Self {
        self.filters.push(filter);
        self
    }

    /// [`Metadata::filter`] for each of `filters`.
    pub fn filters(mut self, filters: impl IntoIterator<Item = TextFilter>) -> Self {
        self.filters.extend(filters);
        self
    }

    /// Asks the host for the syntax tree of each `.sql` file ([`File::sql`]).
    pub fn sql(mut self, wanted: bool) -> Self {
        self.sql = wanted;
        self
    }

    pub fn include<I, S>(mut self, globs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.include.extend(globs.into_iter().map(Into::into));
        self
    }

    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    pub fn default_severity(mut self, severity: Severity) -> Self {
        self.default_severity = severity;
        self
    }
}

/// Where the snapshot came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    WorkingTree,
    Staged,
    Base,
}

/// One file of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub content: Content,
    /// The PostgreSQL syntax tree (for `.sql` files, when the rule's metadata
    /// asked for SQL and the file is text).
    pub sql: Option<crate::sql::SqlTree>,
}

impl File {
    /// The text, when the file is readable text.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// What one `check` call sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub mode: Mode,
    /// The files of this call, sorted by path ([`Input::file`] searches
    /// them by halves).
    pub files: Vec<File>,
    /// Every path matching the rule's globs, whatever the chunk (sorted).
    pub paths: Paths,
    /// Sorted by path.
    pub changes: Vec<Change>,
    /// Every path at the base matching the rule's globs (sorted).
    pub base_paths: Paths,
    /// The base versions of changed files, sorted by path.
    pub base_files: Vec<File>,
}

impl Input {
    /// True when the run compares against a base (`--base` or `--staged`).
    pub fn has_base(&self) -> bool {
        self.mode != Mode::WorkingTree
    }

    /// The file at `path`, if the rule was handed it.
    pub fn file(&self, path: &str) -> Option<&File> {
        by_path(&self.files, path)
    }

    /// The base version of `path` (a path at the base), if handed.
    pub fn base_file(&self, path: &str) -> Option<&File> {
        by_path(&self.base_files, path)
    }

    /// Files whose content is text, with that text.
    pub fn text_files(&self) -> impl Iterator<Item = (&File, &str)> {
        self.files.iter().filter_map(|f| f.text().map(|t| (f, t)))
    }

    /// The change that produced `path` (matching either side of a rename).
    pub fn change_for(&self, path: &str) -> Option<&Change> {
        self.changes
            .iter()
            .find(|c| c.path == path || c.old_path.as_deref() == Some(path))
    }
}

/// The file at `path` in a list sorted by path (the host sends both of
/// `Input`'s lists sorted).
fn by_path<'f>(files: &'f [File], path: &str) -> Option<&'f File> {
    files
        .binary_search_by(|f| f.path.as_str().cmp(path))
        .ok()
        .map(|i| &files[i])
}

/// 1-based position range, see [`crate::Span`].
pub use drift_syntax::Span;

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: String,
    pub severity: Option<Severity>,
    pub path: String,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// A finding of `check` about the whole file `path`, with the check's
    /// severity.
    pub fn new(check: impl crate::Check, path: &str, message: impl Into<String>) -> Self {
        Self {
            check: check.id().to_owned(),
            severity: None,
            path: path.to_owned(),
            span: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the check's default severity for this finding (the user's
    /// configured severity still wins).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// A problem with a rule's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// Dotted path of the key inside the rule's options table.
    pub key: String,
    pub message: String,
}

/// What a rule's command check may see besides the command line (see
/// [`crate::Rule::command_needs`]). The host hands over these and nothing
/// else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandNeeds {
    /// Environment variables of the guarded process, e.g. `DATABASE_URL`.
    pub env: Vec<String>,
    /// Repository-relative paths read from the working tree even when git
    /// ignores them, e.g. `.env`.
    pub files: Vec<String>,
}

impl CommandNeeds {
    pub fn env<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.env.extend(names.into_iter().map(Into::into));
        self
    }

    pub fn files<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.files.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Also the files the command names, see [`NAMED_FILES`].
    pub fn named_files(self) -> Self {
        self.files([NAMED_FILES])
    }
}

pub use drift_syntax::files::NAMED_FILES;

/// A command line about to run (`drift-host guard`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandInput {
    /// The command line as a shell reads it; split it with
    /// [`crate::shell::commands`].
    pub command: String,
    /// Working directory relative to the repository root (`""` at the root).
    pub cwd: String,
    /// The declared environment variables that are set, sorted by name.
    pub env: Vec<(String, String)>,
    /// The declared files that exist, sorted by path.
    pub files: Vec<File>,
}

impl CommandInput {
    /// A command with no environment and no files, run at the root.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            ..Self::default()
        }
    }

    /// The value of a declared environment variable.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of a declared file, when it exists and is text.
    pub fn file_text(&self, path: &str) -> Option<&str> {
        self.files.iter().find(|f| f.path == path)?.text()
    }

    /// The file `path` names from the command's working directory (as
    /// the command would open it), else from the repository root: its
    /// repository path and text. See [`NAMED_FILES`].
    pub fn local_file(&self, path: &str) -> Option<(String, &str)> {
        let here = crate::paths::resolve(&self.cwd, path);
        let root = crate::paths::resolve("", path);
        [here, root].into_iter().flatten().find_map(|p| {
            let text = self.file_text(&p)?;
            Some((p, text))
        })
    }
}

/// Why a command is dangerous. An error blocks it; warnings and infos are
/// shown and the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandFinding {
    pub check: String,
    pub severity: Option<Severity>,
    /// Byte range of the offending part of the command line.
    pub range: std::ops::Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl CommandFinding {
    pub fn new(
        check: impl crate::Check,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            check: check.id().to_owned(),
            severity: None,
            range,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the check's default severity (the user's configured
    /// severity still wins).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

#[cfg(test)]
mod tests {
    /// Files and base files are found by path in their sorted lists,
    /// whatever order they were added in.
    #[test]
    fn files_and_base_files_are_found_by_path() {
        let mut builder = crate::testing::InputBuilder::new();
        let names = ["m/10_j.sql", "m/02_b.sql", "a.prisma", "m/01_a.sql", "z.md"];
        for name in names {
            builder = builder
                .file(name, &format!("now {name}"))
                .base_file(name, &format!("was {name}"));
        }
        let input = builder.build();
        for name in names {
            assert_eq!(
                input.file(name).and_then(|f| f.text()),
                Some(format!("now {name}").as_str())
            );
            assert_eq!(
                input.base_file(name).and_then(|f| f.text()),
                Some(format!("was {name}").as_str())
            );
        }
        assert!(input.file("m/03_c.sql").is_none() && input.base_file("m").is_none());
    }

    /// One vocabulary, and the deprecated spellings still read.
    #[test]
    fn levels_read_every_spelling() {
        let read = |text: &str| serde_json::from_value::<super::Level>(serde_json::json!(text));
        for (text, level) in [
            ("off", super::Level::Off),
            ("info", super::Level::Info),
            ("warning", super::Level::Warning),
            ("error", super::Level::Error),
            ("warn", super::Level::Warning),
            ("allow", super::Level::Off),
        ] {
            assert_eq!(read(text).unwrap(), level, "{text}");
        }
        let error = read("fatal").unwrap_err().to_string();
        assert!(
            error.contains("expected one of: off, info, warning, error"),
            "{error}"
        );
        assert_eq!(
            super::Level::Warning.severity(),
            Some(super::Severity::Warning)
        );
        assert_eq!(super::Level::Off.severity(), None);
    }
}
