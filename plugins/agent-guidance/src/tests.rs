//! The rule's tests: metadata and docs, options, and one fixture
//! repository per situation (`tests/fixtures/<case>/`), snapshotted.

use std::path::Path;

use drift_sdk::testing::{InputBuilder, render, run};
use drift_sdk::{Finding, Input};

use super::*;

/// The fixture repository `tests/fixtures/<name>`.
fn fixture(name: &str) -> Input {
    InputBuilder::new()
        .dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .build()
}

/// `testing::render` with each finding's help below it, so snapshots pin
/// the suggested Markdown too.
fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let line = render(std::slice::from_ref(f));
            match &f.help {
                Some(help) => format!(
                    "{line}  = help:\n{}",
                    help.lines()
                        .map(|l| format!("    {l}\n"))
                        .collect::<String>()
                ),
                None => line,
            }
        })
        .collect()
}

fn check(case: &str, options: &str) -> String {
    show(&run(&AgentGuidance, &fixture(case), options).unwrap())
}

#[test]
fn metadata() {
    let meta = AgentGuidance.metadata();
    assert_eq!(meta.id, "agent-guidance");
    assert_eq!(meta.scope, Scope::Repository);
    assert!(!meta.sql);
    assert!(meta.include.iter().any(|g| g == "**/CLAUDE.md"));
    assert!(meta.include.iter().any(|g| g == "**/*.prisma"));
}

/// The section the docs show under "How to fix" is the one the rule
/// suggests.
#[test]
fn docs_show_the_suggested_section() {
    let section = guidance::section(&Options::default());
    assert!(
        drift_sdk::testing::crate_doc(include_str!("lib.rs")).contains(&section),
        "{section}"
    );
}

#[test]
fn options_are_parsed_strictly() {
    let options: Options = drift_sdk::parse_options(
        r#"{"require-when": "always", "files": ["AGENTS.md"], "headings": ["Database"], "points": {"x": ["y"]}}"#,
    )
    .unwrap();
    assert_eq!(options.require_when, RequireWhen::Always);
    assert_eq!(
        options.files.as_deref(),
        Some(&["AGENTS.md".to_owned()][..])
    );
    assert_eq!(options.points.len(), 1);
    assert_eq!(
        drift_sdk::parse_options::<Options>("").unwrap(),
        Options::default()
    );
    let unknown = drift_sdk::parse_options::<Options>(r#"{"paths": []}"#).unwrap_err();
    assert!(unknown[0].message.contains("unknown field"), "{unknown:?}");
    let bad = drift_sdk::parse_options::<Options>(r#"{"require-when": "sometimes"}"#).unwrap_err();
    assert_eq!(bad[0].key, "require-when");
    let bad = drift_sdk::parse_options::<Options>(r#"{"points": {"x": "y"}}"#).unwrap_err();
    assert_eq!(bad[0].key, "points.x");
}

#[test]
fn a_complete_section_is_silent() {
    assert_eq!(check("complete", "{}"), "");
}

#[test]
fn section_missing() {
    insta::assert_snapshot!(check("section-missing", "{}"));
}

/// A section counts by what it tells agents, whatever its title; the
/// `headings` option only says where missing points belong.
#[test]
fn a_section_counts_by_its_content() {
    assert_eq!(check("renamed-heading", "{}"), "");
    assert_eq!(
        check("renamed-heading", r#"{"headings": ["database CHANGES"]}"#),
        ""
    );
    // Under an accepted heading, a missing point is reported there even
    // when another section covers more.
    let options = r#"{"headings": ["database CHANGES"], "points": {"seeds": ["npm run seed"], "migrations": ["migration"]}}"#;
    let findings = check("renamed-heading", options);
    assert!(
        findings.starts_with("CLAUDE.md:3:1: missing-point: ")
            && findings.contains("\"Database changes\" section"),
        "{findings}"
    );
}

/// A nested instruction file covers its package: the guidance in
/// `packages/db/CLAUDE.md` is what an agent reads when it works on the
/// schema there; an `AGENTS.md` in another package does not apply (the
/// file to create is the root one), a vendored skill's `AGENTS.md` is
/// not an instruction file, and Cursor rules that say nothing about the
/// database call for a rule of its own.
#[test]
fn a_nested_file_covers_its_package() {
    let findings = check("nested-package", "{}");
    assert!(!findings.contains("CLAUDE.md:"), "{findings}");
    insta::assert_snapshot!(findings);
}

/// `@AGENTS.md` in a `CLAUDE.md` imports it; a link or a mention does
/// not, and `@prisma/client` is a package, not an import. A point both
/// miss in the file they share is reported once.
#[test]
fn imported_files_are_read() {
    let findings = check("imports", "{}");
    assert!(!findings.contains("CLAUDE.md:"), "{findings}");
    // Claude (through the import) and Codex miss the same point in the
    // same file: one finding.
    assert_eq!(findings.matches("missing-point").count(), 1, "{findings}");
    insta::assert_snapshot!(findings);
}

#[test]
fn a_heading_inside_a_code_block_does_not_count() {
    insta::assert_snapshot!(check("heading-in-code-block", "{}"));
}

#[test]
fn one_point_missing() {
    insta::assert_snapshot!(check("one-point-missing", "{}"));
}

#[test]
fn contradicting_instructions() {
    let findings = run(&AgentGuidance, &fixture("contradiction"), "{}").unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.check == "destructive-instruction"),
        "{}",
        show(&findings)
    );
    insta::assert_snapshot!(show(&findings));
}

/// A list of SQL forms instructs nothing; statements that name a table
/// do, guarded or not.
#[test]
fn sql_forms_are_not_instructions() {
    let findings = check("sql-forms", "{}");
    assert_eq!(
        findings.matches("destructive-instruction").count(),
        2,
        "{findings}"
    );
    insta::assert_snapshot!(findings);
}

/// The seed's own wording: the ❌ line is guidance, the troubleshooting
/// line is an instruction.
#[test]
fn the_seed_wording() {
    let findings = run(&AgentGuidance, &fixture("seed"), "{}").unwrap();
    assert!(
        findings.iter().all(|f| f.span.is_none_or(|s| s.line != 7)),
        "{}",
        show(&findings)
    );
    insta::assert_snapshot!(show(&findings));
}

#[test]
fn no_instruction_file() {
    insta::assert_snapshot!(check("no-instructions", "{}"));
    let narrowed = check("complete", r#"{"files": ["AGENTS.md"]}"#);
    assert!(
        narrowed.starts_with("AGENTS.md: no-instructions: "),
        "{narrowed}"
    );
}

#[test]
fn a_repository_without_a_database_is_silent_by_default() {
    assert_eq!(check("no-database", "{}"), "");
    insta::assert_snapshot!(check("no-database", r#"{"require-when": "always"}"#));
}

/// Files are grouped by agent: one section per agent, at any depth.
#[test]
fn each_agent_needs_the_guidance() {
    insta::assert_snapshot!(check("agents", "{}"));
    assert_eq!(
        check("agents", r#"{"files": ["CLAUDE.md", ".cursor/rules/"]}"#),
        ""
    );
}

#[test]
fn custom_points() {
    let options =
        r#"{"points": {"seeds": ["npm run seed"], "idempotent": ["idempotent"], "empty": []}}"#;
    insta::assert_snapshot!(check("complete", options));
}

/// Pasting the help makes the findings go away, and the pasted text does
/// not contradict itself.
#[test]
fn the_suggested_text_is_silent() {
    let options = Options::default();
    let schema = ("prisma/schema.prisma", "model A { id Int @id }");
    for file in [
        guidance::section(&options),
        guidance::no_instructions(&options).help.unwrap(),
    ] {
        let input = InputBuilder::new()
            .file(schema.0, schema.1)
            .file("CLAUDE.md", &file)
            .build();
        let findings = run(&AgentGuidance, &input, "{}").unwrap();
        assert_eq!(show(&findings), "", "{file}");
    }
}

/// Nothing the host can hand over makes the rule panic.
#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        "",
        "#",
        "```",
        "- ",
        "---\n",
        "## When Modifying Database Schema",
        "## When Modifying Database Schema\n```sh\nprisma migrate reset",
        "`prisma migrate reset",
        "prisma db push --force-reset",
        "--accept-data-loss",
        "é--force-resetü. ❌; prisma migrate reset\u{0}",
        "| a | b |\n|---|---|\n| `DROP TABLE x` | never |",
        "> - [ ] `TRUNCATE t`\n>   ```\n>   dropdb x\n",
    ];
    for text in odd {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file("CLAUDE.md", text)
            .file(".cursorrules", text)
            .build();
        for finding in run(&AgentGuidance, &input, "{}").unwrap() {
            if let Some(span) = finding.span {
                assert!(span.line >= 1 && span.line <= span.end_line, "{finding:?}");
            }
        }
    }
}

/// Only Claude Code and Gemini CLI expand `@path`: an `AGENTS.md` that
/// imports a complete `CLAUDE.md` tells Codex nothing.
#[test]
fn imports_are_followed_for_the_agents_that_expand_them() {
    let complete = guidance::section(&Options::default());
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", "model A { id Int @id }")
        .file("CLAUDE.md", &complete)
        .file("AGENTS.md", "Read @CLAUDE.md first.\n")
        .file("GEMINI.md", "Read @CLAUDE.md first.\n")
        .build();
    let findings = run(&AgentGuidance, &input, "{}").unwrap();
    let paths: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["AGENTS.md"], "{}", show(&findings));
}
