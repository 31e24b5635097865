//! The WIT bindings and the conversions between wire and SDK types.
//!
//! Everything here is called from the code that [`crate::register_rule!`]
//! expands to; rule authors never see it.

use crate::sql::SqlTree;
use crate::types::{
    Applied, Change, ChangeKind, CommandFinding, CommandInput, Content, File, Finding, Input,
    Metadata, Mode, OptionError, Paths, Scope, Severity,
};
use crate::{Rule, Span};

#[allow(unsafe_code, missing_debug_implementations, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/v0.6.0",
        world: "drift:rule/plugin",
        pub_export_macro: true,
        default_bindings_module: "drift_sdk::__private::bindings",
    });
}

use bindings::drift::rule::types as wire;
use bindings::exports::drift::rule::command_check as command_wire;

pub fn metadata<R: Rule>() -> wire::RuleMetadata {
    let meta: Metadata = crate::metadata(&R::default());
    wire::RuleMetadata {
        id: meta.id,
        summary: meta.summary,
        default_severity: severity_to_wire(meta.default_severity),
        globs: meta.include,
        checks: meta
            .checks
            .into_iter()
            .map(|c| wire::CheckMeta {
                id: c.id,
                summary: c.summary,
                default_severity: severity_to_wire(c.default_severity),
                applied: match c.applied {
                    Applied::Report => wire::Applied::Report,
                    Applied::History => wire::Applied::History,
                },
            })
            .collect(),
        scope: match meta.scope {
            Scope::PerFile => wire::Scope::PerFile,
            Scope::Repository => wire::Scope::Repository,
        },
        sql: meta.sql,
        filters: meta
            .filters
            .into_iter()
            .map(|f| wire::TextFilter {
                globs: f.globs,
                words: f.words,
                line_words: f.line_words,
                ignore_ascii_case: f.ignore_ascii_case,
            })
            .collect(),
    }
}

pub fn validate_options<R: Rule>(options: &str) -> Vec<wire::OptionError> {
    match parse_options::<R::Options>(options) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| wire::OptionError {
                key: e.key,
                message: e.message,
            })
            .collect(),
    }
}

pub fn check<R: Rule>(input: wire::Input) -> Result<Vec<wire::Finding>, String> {
    let options = options_or_message::<R::Options>(&input.options)?;
    let input = input_from_wire(input);
    let findings = R::default().check(&input, &options);
    // The instance ends with this call (the host gives every call a fresh
    // store), so walking the input's trees and strings to free them is
    // wasted work: a few percent of a call on thousands of small files.
    std::mem::forget(input);
    Ok(findings.into_iter().map(finding_to_wire).collect())
}

pub fn command_needs<R: Rule>(options: &str) -> command_wire::CommandNeeds {
    // Options were validated before; unreadable ones mean no extra needs.
    let options = parse_options::<R::Options>(options).unwrap_or_default();
    let needs = R::default().command_needs(&options);
    command_wire::CommandNeeds {
        env: needs.env,
        files: needs.files,
    }
}

pub fn check_command<R: Rule>(
    input: command_wire::CommandInput,
) -> Result<Vec<command_wire::CommandFinding>, String> {
    let options = options_or_message::<R::Options>(&input.options)?;
    let input = CommandInput {
        command: input.command,
        cwd: input.cwd,
        env: input.env,
        files: input.files.into_iter().map(file_from_wire).collect(),
    };
    let findings = R::default().check_command(&input, &options);
    Ok(findings
        .into_iter()
        .map(|f: CommandFinding| command_wire::CommandFinding {
            check: f.check,
            severity: f.severity.map(severity_to_wire),
            start: u32::try_from(f.range.start).unwrap_or(u32::MAX),
            end: u32::try_from(f.range.end).unwrap_or(u32::MAX),
            message: f.message,
            help: f.help,
        })
        .collect())
}

fn options_or_message<O: serde::de::DeserializeOwned + Default>(json: &str) -> Result<O, String> {
    parse_options::<O>(json).map_err(|errors| {
        let list: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.key, e.message))
            .collect();
        format!("invalid options: {}", list.join("; "))
    })
}

pub fn parse_options<O: serde::de::DeserializeOwned + Default>(
    json: &str,
) -> Result<O, Vec<OptionError>> {
    let trimmed = json.trim();
    if trimmed.is_empty() {
        return Ok(O::default());
    }
    let mut de = serde_json::Deserializer::from_str(trimmed);
    serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let key = err.path().to_string();
        let key = if key == "." { String::new() } else { key };
        // serde_json appends " at line L column C" of the JSON text the host
        // built, which means nothing to the user: the host reports the key's
        // position in rules.toml instead.
        let message = err.into_inner().to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        vec![OptionError { key, message }]
    })
}

fn severity_to_wire(severity: Severity) -> wire::Severity {
    match severity {
        Severity::Error => wire::Severity::Error,
        Severity::Warning => wire::Severity::Warning,
        Severity::Info => wire::Severity::Info,
    }
}

fn file_from_wire(file: wire::File) -> File {
    File {
        sql: file.sql.map(tree_from_wire),
        path: file.path,
        content: match file.content {
            wire::Content::Text(text) => Content::Text(text),
            wire::Content::Binary => Content::Binary,
            wire::Content::InvalidUtf8(at) => Content::InvalidUtf8(at),
            wire::Content::TooLarge(size) => Content::TooLarge(size),
        },
    }
}

/// Lifted when a rule first navigates it ([`SqlTree::packed`]).
fn tree_from_wire(tree: wire::SqlTree) -> SqlTree {
    SqlTree::packed(
        tree.nodes,
        kind_names,
        tree.errors
            .into_iter()
            .map(|e| crate::sql::SyntaxError {
                message: e.message,
                start: e.start,
                end: e.end,
            })
            .collect(),
    )
}

/// The host's kind-name table, asked for once per instance (interface
/// 0.4.0's `host.sql-kind-names`): every tree of the call shares it.
fn kind_names() -> crate::sql::KindNames {
    #[cfg(target_family = "wasm")]
    {
        static NAMES: std::sync::OnceLock<crate::sql::KindNames> = std::sync::OnceLock::new();
        NAMES
            .get_or_init(|| {
                // Leaked: the instance, and its memory, ends with the call.
                let joined: &'static str =
                    Box::leak(bindings::drift::rule::host::sql_kind_names().into_boxed_str());
                drift_syntax::text::split_ascii(joined, b'\n').collect()
            })
            .clone()
    }
    // Natively (the `register_rule!` type check) there is no host to ask and
    // no tree to lift.
    #[cfg(not(target_family = "wasm"))]
    {
        crate::sql::KindNames::from([])
    }
}

/// `drift_sdk::sql::parse` in plugins built without the `parser`
/// feature: the host parses (`host.parse-sql`).
#[cfg(all(target_family = "wasm", not(feature = "parser")))]
pub fn host_parse_sql(text: &str) -> SqlTree {
    tree_from_wire(bindings::drift::rule::host::parse_sql(text))
}

fn input_from_wire(input: wire::Input) -> Input {
    Input {
        mode: match input.mode {
            wire::Mode::WorkingTree => Mode::WorkingTree,
            wire::Mode::Staged => Mode::Staged,
            wire::Mode::Base => Mode::Base,
        },
        files: input.files.into_iter().map(file_from_wire).collect(),
        paths: Paths::from_joined(input.paths),
        changes: input
            .changes
            .into_iter()
            .map(|c| Change {
                kind: match c.kind {
                    wire::ChangeKind::Added => ChangeKind::Added,
                    wire::ChangeKind::Modified => ChangeKind::Modified,
                    wire::ChangeKind::Deleted => ChangeKind::Deleted,
                    wire::ChangeKind::Renamed => ChangeKind::Renamed,
                },
                path: c.path,
                old_path: c.old_path,
            })
            .collect(),
        base_paths: Paths::from_joined(input.base_paths),
        base_files: input.base_files.into_iter().map(file_from_wire).collect(),
    }
}

fn finding_to_wire(finding: Finding) -> wire::Finding {
    wire::Finding {
        check: finding.check,
        severity: finding.severity.map(severity_to_wire),
        path: finding.path,
        span: finding.span.map(|s: Span| wire::Span {
            line: s.line,
            column: s.column,
            end_line: s.end_line,
            end_column: s.end_column,
        }),
        message: finding.message,
        help: finding.help,
    }
}
