//! Configuration errors: exit 2 with file, line and column.

use crate::harness::Repo;

fn config_error(config: &str) -> String {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    )
    .write("prisma/migrations/01_a.sql", "SELECT 1;\n")
    .write("rules.toml", config);
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "no findings on config errors: {run:?}"
    );
    run.stderr
}

#[test]
fn malformed_configurations() {
    let cases = [
        "[rules.numbering\n",
        "colour = true\n",
        "[rules.numbring]\nenabled = true\n",
        "[rules.numbering]\nenabled = \"yes\"\n",
        "[rules.numbering]\nseverity = \"fatal\"\n",
        "[rules.numbering]\nchecks = { gapp = \"off\" }\n",
        "[rules.numbering]\nletter-suffix = \"sometimes\"\n",
        "[rules.numbering]\nmigration-dirs = \"prisma/migrations\"\n",
        "[rules.numbering]\nnot-an-option = 1\n",
        "exclude = [\"[\"]\n",
        "[limits]\ntime-ms = 0\n",
        "limits = 5\n",
        "guard = \"deny\"\n",
        "[plugins.x]\nsha256 = \"abc\"\n",
    ];
    let mut out = String::new();
    for case in cases {
        out.push_str(&format!(
            "--- {}\n{}",
            case.escape_debug(),
            config_error(case)
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn explicit_config_file_overrides_the_repository_one() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    )
    .write("prisma/migrations/01_a.sql", "SELECT 1;\n")
    .write("prisma/migrations/01_b.sql", "SELECT 1;\n")
    .write("rules.toml", "this is not toml")
    .write(
        "other.toml",
        "[rules.numbering]\nchecks = { duplicate-number = \"warning\" }\n",
    );
    let run = repo.run(&["run", "--config", "other.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "duplicates downgraded to warnings: {run:?}");
    assert_eq!(
        run.checks(),
        ["numbering/duplicate-number", "numbering/duplicate-number"]
    );
    assert_eq!(run.json()["findings"][1]["severity"], "warning");
    let run = repo.run(&["run", "--config", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read configuration missing.toml"),
        "{run:?}"
    );
}

#[test]
fn rule_severity_and_enabled() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    )
    .write("prisma/migrations/01_a.sql", "SELECT 1;\n")
    .write("prisma/migrations/01_b.sql", "SELECT 1;\n");
    assert_eq!(repo.run(&["run"]).code, 1);
    repo.write("rules.toml", "[rules.numbering]\nseverity = \"info\"\n");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["summary"]["infos"], 2);
    repo.write("rules.toml", "[rules.numbering]\nenabled = false\n");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.json()["summary"]["rules_run"],
        4,
        "the other built-ins run"
    );
    repo.write(
        "rules.toml",
        "[rules.numbering]\nchecks = { duplicate-number = \"off\" }\n",
    );
    assert!(repo.run(&["run", "--format", "json"]).checks().is_empty());
}

#[test]
fn bad_paths_exit_2() {
    let repo = Repo::new();
    let run = repo.run(&["run", "does-not-exist"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("does-not-exist does not exist"),
        "{run:?}"
    );
    repo.write("file.txt", "x");
    let run = repo.run(&["run", "file.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a file"), "{run:?}");
    let run = repo.run(&["run", "--staged", "--base", "main"]);
    assert_eq!(run.code, 2, "clap usage errors exit 2: {run:?}");
}

/// `warn` and `allow` still work wherever a level is written, in
/// rules.toml's own keys and in a rule's options, each with a note naming
/// its position; a free-form string option that happens to say `allow`
/// gets none.
#[test]
fn deprecated_level_spellings_are_accepted_with_a_note() {
    let repo = Repo::fixture("numbering-clean");
    crate::harness::with_probe(
        &repo,
        "ok\", label = \"allow",
        "[rules.numbering]\nseverity = \"warn\"\nletter-suffix = \"allow\"\nchecks = { gap = \"allow\" }\n",
    );
    repo.write("prisma/migrations/03b_fix.sql", "SELECT 1;\n");
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("note: "))
        .collect();
    insta::assert_snapshot!(notes.join("\n"));
    // `letter-suffix = "allow"` is `off`: no letter-suffix finding.
    assert!(
        !run.checks().iter().any(|c| c == "numbering/letter-suffix"),
        "{run:?}"
    );
}
