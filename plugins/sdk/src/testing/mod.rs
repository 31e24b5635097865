//! Helpers for testing a rule's logic natively, without building `.wasm`,
//! and (feature `conformance`) the suite every rule passes.

#[cfg(feature = "conformance")]
pub mod conformance;

use crate::types::{
    Change, ChangeKind, CommandFinding, CommandInput, Content, File, Finding, Input, Mode,
    OptionError, Paths,
};
use crate::{Rule, parse_options};

/// Builds an [`Input`] the way the host would hand it to a rule.
#[derive(Debug, Clone)]
pub struct InputBuilder {
    input: Input,
}

impl Default for InputBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl InputBuilder {
    pub fn new() -> Self {
        Self {
            input: Input {
                mode: Mode::WorkingTree,
                files: Vec::new(),
                paths: Paths::default(),
                changes: Vec::new(),
                base_paths: Paths::default(),
                base_files: Vec::new(),
            },
        }
    }

    /// Adds a text file to the snapshot.
    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.input.files.push(File {
            path: path.to_owned(),
            content: Content::Text(text.to_owned()),
            sql: None,
        });
        self
    }

    /// Adds a `.sql` file with its syntax tree, as the host hands it to a
    /// rule whose metadata asks for SQL (feature `parser`).
    #[cfg(feature = "parser")]
    pub fn sql_file(mut self, path: &str, text: &str) -> Self {
        self.input.files.push(File {
            path: path.to_owned(),
            content: Content::Text(text.to_owned()),
            sql: Some(crate::sql::parse(text)),
        });
        self
    }

    /// Adds a file with non-text content.
    pub fn raw_file(mut self, path: &str, content: Content) -> Self {
        self.input.files.push(File {
            path: path.to_owned(),
            content,
            sql: None,
        });
        self
    }

    /// Adds every file under `dir` (recursively), with paths relative to it
    /// (with feature `parser`, `.sql` files get their syntax tree).
    /// Panics on I/O errors: this is for tests.
    pub fn dir(mut self, dir: impl AsRef<std::path::Path>) -> Self {
        fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<File>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let bytes = std::fs::read(&path)
                        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                    let rel = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    let content = match String::from_utf8(bytes) {
                        Ok(text) => Content::Text(text),
                        Err(e) => Content::InvalidUtf8(e.utf8_error().valid_up_to() as u64),
                    };
                    #[cfg(feature = "parser")]
                    let sql = match &content {
                        Content::Text(text) if rel.ends_with(".sql") => {
                            Some(crate::sql::parse(text))
                        }
                        _ => None,
                    };
                    #[cfg(not(feature = "parser"))]
                    let sql = None;
                    out.push(File {
                        path: rel,
                        content,
                        sql,
                    });
                }
            }
        }
        let dir = dir.as_ref();
        walk(dir, dir, &mut self.input.files);
        self
    }

    /// Switches to a diff mode and records a change.
    pub fn change(mut self, kind: ChangeKind, path: &str, old_path: Option<&str>) -> Self {
        if self.input.mode == Mode::WorkingTree {
            self.input.mode = Mode::Base;
        }
        self.input.changes.push(Change {
            kind,
            path: path.to_owned(),
            old_path: old_path.map(str::to_owned),
        });
        self
    }

    /// Adds a path (and its text) as it was at the base.
    pub fn base_file(mut self, path: &str, text: &str) -> Self {
        if self.input.mode == Mode::WorkingTree {
            self.input.mode = Mode::Base;
        }
        self.input.base_paths.push(path);
        self.input.base_files.push(File {
            path: path.to_owned(),
            content: Content::Text(text.to_owned()),
            sql: None,
        });
        self
    }

    /// Adds a `.sql` file as it was at the base, with its syntax tree, as
    /// the host hands a changed SQL file's base version to a rule that
    /// reads SQL (feature `parser`).
    #[cfg(feature = "parser")]
    pub fn base_sql_file(mut self, path: &str, text: &str) -> Self {
        if self.input.mode == Mode::WorkingTree {
            self.input.mode = Mode::Base;
        }
        self.input.base_paths.push(path);
        self.input.base_files.push(File {
            path: path.to_owned(),
            content: Content::Text(text.to_owned()),
            sql: Some(crate::sql::parse(text)),
        });
        self
    }

    /// Adds a path that existed at the base without its content.
    pub fn base_path(mut self, path: &str) -> Self {
        if self.input.mode == Mode::WorkingTree {
            self.input.mode = Mode::Base;
        }
        self.input.base_paths.push(path);
        self
    }

    pub fn mode(mut self, mode: Mode) -> Self {
        self.input.mode = mode;
        self
    }

    /// Sorts everything the way the host does.
    pub fn build(mut self) -> Input {
        self.input.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.input.files.dedup_by(|a, b| a.path == b.path);
        self.input.paths = self.input.files.iter().map(|f| &f.path).collect();
        let mut base_paths = self.input.base_paths.to_vec();
        base_paths.sort();
        base_paths.dedup();
        self.input.base_paths = base_paths.into_iter().collect();
        self.input.base_files.sort_by(|a, b| a.path.cmp(&b.path));
        self.input
    }
}

/// Runs `rule` on `input` with `options` (JSON), as the host would, and
/// returns its findings sorted by path, line, column and check.
pub fn run<R: Rule>(
    rule: &R,
    input: &Input,
    options: &str,
) -> Result<Vec<Finding>, Vec<OptionError>> {
    let options = parse_options::<R::Options>(options)?;
    let mut findings = rule.check(input, &options);
    findings.sort_by(|a, b| {
        (&a.path, a.span, &a.check, &a.message).cmp(&(&b.path, b.span, &b.check, &b.message))
    });
    Ok(findings)
}

/// Runs `rule`'s command check on `input` with `options` (JSON), as
/// `drift-host guard` would, and returns its findings in range order.
pub fn run_command<R: Rule>(
    rule: &R,
    input: &CommandInput,
    options: &str,
) -> Result<Vec<CommandFinding>, Vec<OptionError>> {
    let options = parse_options::<R::Options>(options)?;
    let mut findings = rule.check_command(input, &options);
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.check).cmp(&(b.range.start, b.range.end, &b.check))
    });
    Ok(findings)
}

/// Renders findings one per line (`path:line:col: check: message`), a
/// compact form for assertions and snapshots.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let pos = f
            .span
            .map(|s| format!(":{}:{}", s.line, s.column))
            .unwrap_or_default();
        let sev = f.severity.map(|s| format!(" [{s:?}]")).unwrap_or_default();
        out.push_str(&format!(
            "{}{}: {}{}: {}\n",
            f.path, pos, f.check, sev, f.message
        ));
    }
    out
}

/// [`render`] with each finding's help on the line below it
/// (`  = help: ...`), so snapshots pin the suggested fix too.
pub fn render_with_help(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let line = render(std::slice::from_ref(f));
            match &f.help {
                Some(help) => format!("{line}  = help: {help}\n"),
                None => line,
            }
        })
        .collect()
}

/// The shared test data beside our checkouts (see drift_syntax::testdata).
pub use drift_syntax::testdata::{REQUIRE_SHARED_ENV, pg_regress_files, shared_data};

/// A crate's `//!` documentation as Markdown, from the text of its
/// `lib.rs` (pass `include_str!("lib.rs")`).
pub fn crate_doc(lib_rs: &str) -> String {
    lib_rs
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect()
}
