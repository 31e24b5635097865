//! Adapters that let plugins built for older interface versions run on the
//! newest engine types: inputs are narrowed (0.1.0 has no SQL trees, 0.2.0
//! has node records instead of packed numbers, 0.2.0 and 0.3.0 want a
//! kind-name table in every tree), results are widened (checks before
//! 0.5.0 report their findings in applied migrations; rules before 0.6.0
//! filter nothing by content).
//!
//! Each binding module has its own Rust types for records that are the
//! same field for field, so the conversions that do not differ between
//! versions are written once, in `shared!`, and stamped out per version.

/// Conversions whose shape is the same in every older version.
macro_rules! shared {
    // `$sql`: whether the version's metadata asks for SQL trees; `$paths`:
    // a path list in the version's form (a list before 0.4.0); `$applied`:
    // what a check's findings in applied migrations mean (reported, before
    // 0.5.0).
    ($types:path, $sql:expr, $paths:expr) => {
        shared!($types, $sql, $paths, |_| wire::Applied::Report);
    };
    ($types:path, $sql:expr, $paths:expr, $applied:expr) => {
        use crate::wire;
        use crate::wire::input::{ContentRef, FileParts, Input};
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
                // Before 0.6.0 a rule could not narrow its files by content.
                filters: Vec::new(),
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
            let applied: fn(&old::CheckMeta) -> wire::Applied = $applied;
            checks
                .into_iter()
                .map(|c| wire::CheckMeta {
                    applied: applied(&c),
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

        fn content_to(content: ContentRef<'_>) -> old::Content {
            match content {
                ContentRef::Text(t) => old::Content::Text(t.to_owned()),
                ContentRef::Binary => old::Content::Binary,
                ContentRef::InvalidUtf8(at) => old::Content::InvalidUtf8(at),
                ContentRef::TooLarge(n) => old::Content::TooLarge(n),
            }
        }

        pub fn input_to(input: &Input) -> old::Input {
            old::Input {
                mode: match input.mode {
                    wire::Mode::WorkingTree => old::Mode::WorkingTree,
                    wire::Mode::Staged => old::Mode::Staged,
                    wire::Mode::Base => old::Mode::Base,
                },
                files: input.files.iter().map(file_to).collect(),
                paths: $paths(&input.paths),
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
                base_paths: $paths(&input.base_paths),
                base_files: input.base_files.iter().map(file_to).collect(),
                options: input.options.to_string(),
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

/// The command-check conversions of a version with command checks (0.3.0
/// and later), whose records are the newest's field for field; `old_command`
/// is that version's command-check module and `file_to` its file record.
macro_rules! command_checks {
    () => {
        pub fn needs_from(needs: old_command::CommandNeeds) -> command_wire::CommandNeeds {
            command_wire::CommandNeeds {
                env: needs.env,
                files: needs.files,
            }
        }

        pub fn command_input_to(input: &command_wire::CommandInput) -> old_command::CommandInput {
            old_command::CommandInput {
                command: input.command.clone(),
                cwd: input.cwd.clone(),
                env: input.env.clone(),
                files: input.files.iter().map(file_to).collect(),
                options: input.options.clone(),
            }
        }

        pub fn command_findings_from(
            findings: Vec<old_command::CommandFinding>,
        ) -> Vec<command_wire::CommandFinding> {
            findings
                .into_iter()
                .map(|f| command_wire::CommandFinding {
                    check: f.check,
                    severity: f.severity.map(severity_from),
                    start: f.start,
                    end: f.end,
                    message: f.message,
                    help: f.help,
                })
                .collect()
        }
    };
}

/// Files and trees of a version whose trees are the newest's (0.4.0 and
/// later: packed nodes, kind numbers into the run's table).
macro_rules! flat_trees {
    () => {
        fn file_to(f: &impl FileParts) -> old::File {
            old::File {
                path: f.path().to_owned(),
                content: content_to(f.content()),
                sql: f.sql().map(tree_to),
            }
        }

        pub fn tree_to(tree: &wire::SqlTree) -> old::SqlTree {
            old::SqlTree {
                nodes: tree.nodes.clone(),
                errors: sql_errors_to!(tree.errors),
            }
        }
    };
}

/// 0.1.0: no SQL trees.
pub mod v1 {
    shared!(
        crate::wire::bindings::v0_1_0::drift::rule::types,
        |_| false,
        super::split_paths
    );

    fn file_to(f: &impl FileParts) -> old::File {
        old::File {
            path: f.path().to_owned(),
            content: content_to(f.content()),
        }
    }
}

/// A path list as older versions take it (`list<string>`), from the wire
/// form of 0.4.0 (the SDK's `Paths` defines it).
fn split_paths(joined: &str) -> Vec<String> {
    drift_syntax::Paths::from_joined(joined.to_owned()).to_vec()
}

/// A tree's errors in an older version's record (the same fields in 0.2.0
/// and 0.3.0); `old` is that version's types module.
macro_rules! sql_errors_to {
    ($errors:expr) => {
        $errors
            .iter()
            .map(|e| old::SqlError {
                message: e.message.clone(),
                start: e.start,
                end: e.end,
            })
            .collect()
    };
}

/// A tree's nodes renumbered to index a kind-name table of their own, and
/// that table (what 0.2.0 and 0.3.0 trees carry): the kinds in order of
/// first use, as the host's parser produced them before 0.4.0.
pub fn local_kinds(nodes: &[u32]) -> (Vec<String>, Vec<u32>) {
    let names = drift_syntax::sql::kind_names();
    let mut local = vec![u32::MAX; names.len()];
    let mut kinds = Vec::new();
    let mut renumbered = Vec::with_capacity(nodes.len());
    for (i, &n) in nodes.iter().enumerate() {
        if i % 4 != 0 {
            renumbered.push(n);
            continue;
        }
        let token = n & drift_syntax::sql::RawNode::TOKEN_BIT;
        let global = (n & 0xffff) as usize;
        let k = match local.get_mut(global) {
            Some(k) if *k != u32::MAX => *k,
            Some(k) => {
                *k = kinds.len() as u32;
                kinds.push(names[global].to_owned());
                *k
            }
            // Not a kind of this parser: the table's first entry, as the
            // SDK repairs any out-of-range kind.
            None => 0,
        };
        renumbered.push(k | token);
    }
    (kinds, renumbered)
}

/// 0.2.0: syntax-tree nodes are records, not packed numbers.
pub mod v2 {
    shared!(
        crate::wire::bindings::v0_2_0::drift::rule::types,
        |m| m.sql,
        super::split_paths
    );

    fn file_to(f: &impl FileParts) -> old::File {
        old::File {
            path: f.path().to_owned(),
            content: content_to(f.content()),
            sql: f.sql().map(|tree| {
                let (kinds, nodes) = super::local_kinds(&tree.nodes);
                old::SqlTree {
                    kinds,
                    nodes: drift_syntax::sql::RawNode::unpack(&nodes)
                        .map(|n| old::SqlNode {
                            kind: n.kind,
                            token: n.token,
                            start: n.start,
                            end: n.end,
                            parent: n.parent,
                        })
                        .collect(),
                    errors: sql_errors_to!(tree.errors),
                }
            }),
        }
    }
}

/// 0.3.0: every syntax tree carries its own kind-name table.
pub mod v3 {
    shared!(
        crate::wire::bindings::v0_3_0::drift::rule::types,
        |m| m.sql,
        super::split_paths
    );
    use crate::wire::bindings::v0_3_0::exports::drift::rule::command_check as old_command;
    use crate::wire::command as command_wire;

    fn file_to(f: &impl FileParts) -> old::File {
        old::File {
            path: f.path().to_owned(),
            content: content_to(f.content()),
            sql: f.sql().map(tree_to),
        }
    }

    pub fn tree_to(tree: &wire::SqlTree) -> old::SqlTree {
        let (kinds, nodes) = super::local_kinds(&tree.nodes);
        old::SqlTree {
            kinds,
            nodes,
            errors: sql_errors_to!(tree.errors),
        }
    }

    command_checks!();
}

/// 0.4.0: the same records as 0.6.0 but for `check-meta.applied` and
/// `rule-metadata.filters`. Its
/// `check` input and results are lowered and lifted straight from the
/// newest types (identical there); metadata, options and command checks go
/// through its own bindings.
pub mod v4 {
    // `input_to` and `findings_from` go unused: 0.4.0's `check` is called
    // with the newest types, which it shares.
    #![allow(dead_code)]
    shared!(
        crate::wire::bindings::v0_4_0::drift::rule::types,
        |m| m.sql,
        |paths: &str| paths.to_owned()
    );
    use crate::wire::bindings::v0_4_0::exports::drift::rule::command_check as old_command;
    use crate::wire::command as command_wire;

    flat_trees!();

    command_checks!();
}

/// 0.5.0: the same records as 0.6.0 but for `rule-metadata.filters`. Its
/// `check` input and results are lowered and lifted straight from the
/// newest types (identical there); metadata, options and command checks go
/// through its own bindings.
pub mod v5 {
    // `input_to` and `findings_from` go unused: 0.5.0's `check` is called
    // with the newest types, which it shares.
    #![allow(dead_code)]
    shared!(
        crate::wire::bindings::v0_5_0::drift::rule::types,
        |m| m.sql,
        |paths: &str| paths.to_owned(),
        |c| match c.applied {
            old::Applied::Report => wire::Applied::Report,
            old::Applied::History => wire::Applied::History,
        }
    );
    use crate::wire::bindings::v0_5_0::exports::drift::rule::command_check as old_command;
    use crate::wire::command as command_wire;

    flat_trees!();

    command_checks!();
}

/// 0.6.0, the newest: nothing to adapt. The same names as the older
/// modules, so the plugin runtime calls every version the same way (except
/// `check`, whose input the host lowers from its own types: `input.rs`).
pub mod v6 {
    use crate::wire;

    pub fn metadata_from(m: wire::RuleMetadata) -> wire::RuleMetadata {
        m
    }

    pub fn option_errors_from(errors: Vec<wire::OptionError>) -> Vec<wire::OptionError> {
        errors
    }
}

#[cfg(test)]
mod tests {
    use drift_syntax::sql::RawNode;

    /// Renumbering keeps every node's kind name and token bit, and the
    /// table holds exactly the kinds the tree uses, in order of first use.
    #[test]
    fn local_kinds_name_every_node_as_the_shared_table_does() {
        let text = "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$;\nCREATE TABLE a (id int);";
        let tree = crate::sql::parse(text).expect("parses");
        let names = drift_syntax::sql::kind_names();
        let (kinds, nodes) = super::local_kinds(&tree.nodes);
        let global: Vec<RawNode> = RawNode::unpack(&tree.nodes).collect();
        let local: Vec<RawNode> = RawNode::unpack(&nodes).collect();
        assert_eq!(global.len(), local.len());
        let mut first_use = Vec::new();
        for (g, l) in global.iter().zip(&local) {
            assert_eq!(names[usize::from(g.kind)], kinds[usize::from(l.kind)]);
            assert_eq!(
                (g.token, g.start, g.end, g.parent),
                (l.token, l.start, l.end, l.parent)
            );
            if !first_use.contains(&kinds[usize::from(l.kind)]) {
                first_use.push(kinds[usize::from(l.kind)].clone());
            }
        }
        assert_eq!(kinds, first_use);
        assert!(kinds.iter().any(|k| k == "PLPGSQL_DYN_EXECUTE_STMT"));
    }

    #[test]
    fn a_kind_outside_the_table_becomes_the_first_entry() {
        let (kinds, nodes) = super::local_kinds(&[0xfffe | RawNode::TOKEN_BIT, 0, 1, 0]);
        assert!(kinds.is_empty());
        assert_eq!(nodes, [RawNode::TOKEN_BIT, 0, 1, 0]);
    }

    #[test]
    fn path_lists_survive_joining_and_splitting() {
        for paths in [
            vec![],
            vec!["a.sql".to_owned()],
            vec!["a b/c.sql".to_owned(), "d".to_owned()],
        ] {
            let joined = paths.iter().collect::<drift_syntax::Paths>().into_joined();
            assert_eq!(super::split_paths(&joined), paths);
        }
    }
}
