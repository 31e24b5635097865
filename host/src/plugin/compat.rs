//! Adapters that let plugins built for older interface versions run on the
//! newest engine types: inputs are narrowed (0.1.0 has no SQL trees, 0.2.0
//! has node records instead of packed numbers), results are widened.
//!
//! Each binding module has its own Rust types for records that are the
//! same field for field, so the conversions that do not differ between
//! versions are written once, in `shared!`, and stamped out per version.

use super::wire;

/// Conversions whose shape is the same in every older version.
macro_rules! shared {
    // `$sql`: whether the version's metadata asks for SQL trees.
    ($types:path, $sql:expr) => {
        use super::wire;
        use $types as old;

        pub fn metadata_from(m: old::RuleMetadata) -> wire::RuleMetadata {
            let sql: fn(&old::RuleMetadata) -> bool = $sql;
            wire::RuleMetadata {
                sql: sql(&m),
                id: m.id,
                summary: m.summary,
                default_severity: severity_from(m.default_severity),
                globs: m.globs,
                checks: checks_from(m.checks),
                scope: scope_from(m.scope),
            }
        }

        fn severity_from(s: old::Severity) -> wire::Severity {
            match s {
                old::Severity::Error => wire::Severity::Error,
                old::Severity::Warning => wire::Severity::Warning,
                old::Severity::Info => wire::Severity::Info,
            }
        }

        fn checks_from(checks: Vec<old::CheckMeta>) -> Vec<wire::CheckMeta> {
            checks
                .into_iter()
                .map(|c| wire::CheckMeta {
                    id: c.id,
                    summary: c.summary,
                    default_severity: severity_from(c.default_severity),
                })
                .collect()
        }

        fn scope_from(scope: old::Scope) -> wire::Scope {
            match scope {
                old::Scope::PerFile => wire::Scope::PerFile,
                old::Scope::Repository => wire::Scope::Repository,
            }
        }

        fn content_to(content: &wire::Content) -> old::Content {
            match content {
                wire::Content::Text(t) => old::Content::Text(t.clone()),
                wire::Content::Binary => old::Content::Binary,
                wire::Content::InvalidUtf8(at) => old::Content::InvalidUtf8(*at),
                wire::Content::TooLarge(n) => old::Content::TooLarge(*n),
            }
        }

        pub fn input_to(input: &wire::Input) -> old::Input {
            old::Input {
                mode: match input.mode {
                    wire::Mode::WorkingTree => old::Mode::WorkingTree,
                    wire::Mode::Staged => old::Mode::Staged,
                    wire::Mode::Base => old::Mode::Base,
                },
                files: input.files.iter().map(file_to).collect(),
                paths: input.paths.clone(),
                changes: input
                    .changes
                    .iter()
                    .map(|c| old::Change {
                        kind: match c.kind {
                            wire::ChangeKind::Added => old::ChangeKind::Added,
                            wire::ChangeKind::Modified => old::ChangeKind::Modified,
                            wire::ChangeKind::Deleted => old::ChangeKind::Deleted,
                            wire::ChangeKind::Renamed => old::ChangeKind::Renamed,
                        },
                        path: c.path.clone(),
                        old_path: c.old_path.clone(),
                    })
                    .collect(),
                base_paths: input.base_paths.clone(),
                base_files: input.base_files.iter().map(file_to).collect(),
                options: input.options.clone(),
            }
        }

        pub fn option_errors_from(errors: Vec<old::OptionError>) -> Vec<wire::OptionError> {
            errors
                .into_iter()
                .map(|e| wire::OptionError {
                    key: e.key,
                    message: e.message,
                })
                .collect()
        }

        pub fn findings_from(findings: Vec<old::Finding>) -> Vec<wire::Finding> {
            findings
                .into_iter()
                .map(|f| wire::Finding {
                    check: f.check,
                    severity: f.severity.map(severity_from),
                    path: f.path,
                    span: f.span.map(|s| wire::Span {
                        line: s.line,
                        column: s.column,
                        end_line: s.end_line,
                        end_column: s.end_column,
                    }),
                    message: f.message,
                    help: f.help,
                })
                .collect()
        }
    };
}

/// 0.1.0: no SQL trees.
pub mod v1 {
    shared!(super::super::bindings::v0_1_0::drift::rule::types, |_| {
        false
    });

    fn file_to(f: &wire::File) -> old::File {
        old::File {
            path: f.path.clone(),
            content: content_to(&f.content),
        }
    }
}

/// 0.2.0: syntax-tree nodes are records, not packed numbers.
pub mod v2 {
    shared!(super::super::bindings::v0_2_0::drift::rule::types, |m| m
        .sql);

    fn file_to(f: &wire::File) -> old::File {
        old::File {
            path: f.path.clone(),
            content: content_to(&f.content),
            sql: f.sql.as_ref().map(|tree| old::SqlTree {
                kinds: tree.kinds.clone(),
                nodes: drift_sdk::sql::RawNode::unpack(&tree.nodes)
                    .map(|n| old::SqlNode {
                        kind: n.kind,
                        token: n.token,
                        start: n.start,
                        end: n.end,
                        parent: n.parent,
                    })
                    .collect(),
                errors: tree
                    .errors
                    .iter()
                    .map(|e| old::SqlError {
                        message: e.message.clone(),
                        start: e.start,
                        end: e.end,
                    })
                    .collect(),
            }),
        }
    }
}
