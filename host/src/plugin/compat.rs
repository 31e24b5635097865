//! Adapters that let plugins built for older interface versions run on the
//! newest engine types: inputs are narrowed (0.1.0 has no SQL trees),
//! results are widened.

use super::bindings::v0_1_0::drift::rule::types as v1;
use super::wire;

pub fn metadata_from_v1(m: v1::RuleMetadata) -> wire::RuleMetadata {
    wire::RuleMetadata {
        id: m.id,
        summary: m.summary,
        default_severity: severity_from_v1(m.default_severity),
        globs: m.globs,
        checks: m
            .checks
            .into_iter()
            .map(|c| wire::CheckMeta {
                id: c.id,
                summary: c.summary,
                default_severity: severity_from_v1(c.default_severity),
            })
            .collect(),
        scope: match m.scope {
            v1::Scope::PerFile => wire::Scope::PerFile,
            v1::Scope::Repository => wire::Scope::Repository,
        },
        sql: false,
    }
}

fn severity_from_v1(s: v1::Severity) -> wire::Severity {
    match s {
        v1::Severity::Error => wire::Severity::Error,
        v1::Severity::Warning => wire::Severity::Warning,
        v1::Severity::Info => wire::Severity::Info,
    }
}

pub fn option_errors_from_v1(errors: Vec<v1::OptionError>) -> Vec<wire::OptionError> {
    errors
        .into_iter()
        .map(|e| wire::OptionError {
            key: e.key,
            message: e.message,
        })
        .collect()
}

fn file_to_v1(f: &wire::File) -> v1::File {
    v1::File {
        path: f.path.clone(),
        content: match &f.content {
            wire::Content::Text(t) => v1::Content::Text(t.clone()),
            wire::Content::Binary => v1::Content::Binary,
            wire::Content::InvalidUtf8(at) => v1::Content::InvalidUtf8(*at),
            wire::Content::TooLarge(n) => v1::Content::TooLarge(*n),
        },
    }
}

pub fn input_to_v1(input: &wire::Input) -> v1::Input {
    v1::Input {
        mode: match input.mode {
            wire::Mode::WorkingTree => v1::Mode::WorkingTree,
            wire::Mode::Staged => v1::Mode::Staged,
            wire::Mode::Base => v1::Mode::Base,
        },
        files: input.files.iter().map(file_to_v1).collect(),
        paths: input.paths.clone(),
        changes: input
            .changes
            .iter()
            .map(|c| v1::Change {
                kind: match c.kind {
                    wire::ChangeKind::Added => v1::ChangeKind::Added,
                    wire::ChangeKind::Modified => v1::ChangeKind::Modified,
                    wire::ChangeKind::Deleted => v1::ChangeKind::Deleted,
                    wire::ChangeKind::Renamed => v1::ChangeKind::Renamed,
                },
                path: c.path.clone(),
                old_path: c.old_path.clone(),
            })
            .collect(),
        base_paths: input.base_paths.clone(),
        base_files: input.base_files.iter().map(file_to_v1).collect(),
        options: input.options.clone(),
    }
}

pub fn findings_from_v1(findings: Vec<v1::Finding>) -> Vec<wire::Finding> {
    findings
        .into_iter()
        .map(|f| wire::Finding {
            check: f.check,
            severity: f.severity.map(severity_from_v1),
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

// 0.2.0: the same records as 0.3.0 (distinct Rust types, one per binding
// module), except that syntax-tree nodes are records instead of packed
// numbers.

use super::bindings::v0_2_0::drift::rule::types as v2;

pub fn metadata_from_v2(m: v2::RuleMetadata) -> wire::RuleMetadata {
    wire::RuleMetadata {
        id: m.id,
        summary: m.summary,
        default_severity: severity_from_v2(m.default_severity),
        globs: m.globs,
        checks: m
            .checks
            .into_iter()
            .map(|c| wire::CheckMeta {
                id: c.id,
                summary: c.summary,
                default_severity: severity_from_v2(c.default_severity),
            })
            .collect(),
        scope: match m.scope {
            v2::Scope::PerFile => wire::Scope::PerFile,
            v2::Scope::Repository => wire::Scope::Repository,
        },
        sql: m.sql,
    }
}

fn severity_from_v2(s: v2::Severity) -> wire::Severity {
    match s {
        v2::Severity::Error => wire::Severity::Error,
        v2::Severity::Warning => wire::Severity::Warning,
        v2::Severity::Info => wire::Severity::Info,
    }
}

pub fn option_errors_from_v2(errors: Vec<v2::OptionError>) -> Vec<wire::OptionError> {
    errors
        .into_iter()
        .map(|e| wire::OptionError {
            key: e.key,
            message: e.message,
        })
        .collect()
}

fn tree_to_v2(tree: &wire::SqlTree) -> v2::SqlTree {
    v2::SqlTree {
        kinds: tree.kinds.clone(),
        nodes: tree
            .nodes
            .chunks_exact(4)
            .map(|n| v2::SqlNode {
                kind: (n[0] & 0xffff) as u16,
                token: n[0] & crate::sql::TOKEN_BIT != 0,
                start: n[1],
                end: n[2],
                parent: n[3],
            })
            .collect(),
        errors: tree
            .errors
            .iter()
            .map(|e| v2::SqlError {
                message: e.message.clone(),
                start: e.start,
                end: e.end,
            })
            .collect(),
    }
}

fn file_to_v2(f: &wire::File) -> v2::File {
    v2::File {
        path: f.path.clone(),
        content: match &f.content {
            wire::Content::Text(t) => v2::Content::Text(t.clone()),
            wire::Content::Binary => v2::Content::Binary,
            wire::Content::InvalidUtf8(at) => v2::Content::InvalidUtf8(*at),
            wire::Content::TooLarge(n) => v2::Content::TooLarge(*n),
        },
        sql: f.sql.as_ref().map(tree_to_v2),
    }
}

pub fn input_to_v2(input: &wire::Input) -> v2::Input {
    v2::Input {
        mode: match input.mode {
            wire::Mode::WorkingTree => v2::Mode::WorkingTree,
            wire::Mode::Staged => v2::Mode::Staged,
            wire::Mode::Base => v2::Mode::Base,
        },
        files: input.files.iter().map(file_to_v2).collect(),
        paths: input.paths.clone(),
        changes: input
            .changes
            .iter()
            .map(|c| v2::Change {
                kind: match c.kind {
                    wire::ChangeKind::Added => v2::ChangeKind::Added,
                    wire::ChangeKind::Modified => v2::ChangeKind::Modified,
                    wire::ChangeKind::Deleted => v2::ChangeKind::Deleted,
                    wire::ChangeKind::Renamed => v2::ChangeKind::Renamed,
                },
                path: c.path.clone(),
                old_path: c.old_path.clone(),
            })
            .collect(),
        base_paths: input.base_paths.clone(),
        base_files: input.base_files.iter().map(file_to_v2).collect(),
        options: input.options.clone(),
    }
}

pub fn findings_from_v2(findings: Vec<v2::Finding>) -> Vec<wire::Finding> {
    findings
        .into_iter()
        .map(|f| wire::Finding {
            check: f.check,
            severity: f.severity.map(severity_from_v2),
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
