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
