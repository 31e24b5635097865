//! Checks on the repository itself: generated docs are current, the frozen
//! WIT is untouched, and CI runs README's test command.

use crate::harness::{Repo, sha256, workspace_dir};

/// Compares a generated file with its committed copy; with
/// `DRIFT_UPDATE_DOCS=1` rewrites the copy instead.
fn check_generated(path: &std::path::Path, generated: &str, how: &str) {
    if std::env::var_os("DRIFT_UPDATE_DOCS").is_some() {
        std::fs::write(path, generated).expect("write generated file");
        return;
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "{} is stale: {how}, or run the tests with DRIFT_UPDATE_DOCS=1",
        path.display()
    );
}

/// A released WIT version never changes: a change goes into a new
/// `wit/vX.Y.Z/` folder with a new package version, and the host keeps
/// loading the old one.
#[test]
fn released_wit_is_frozen() {
    let frozen = [
        (
            "plugins/sdk/wit/v0.1.0/rule.wit",
            "f492f8548339b624ca9207f5a5bc97a2162f5f9c93c1866dd85c9f70ecedc072",
        ),
        (
            "plugins/sdk/wit/v0.2.0/rule.wit",
            "25472fe33b5d3054bbf4b7cf8efbe269c729b3149e2d46ba6c09e8f648bb3109",
        ),
        (
            "plugins/sdk/wit/v0.3.0/rule.wit",
            "196cb32d52f0132fdcd78afd7830d2192ed865eef45661b56cafd794d695d058",
        ),
        (
            "plugins/sdk/wit/v0.4.0/rule.wit",
            "c1b460e25b31f2a52fa8f8b90e142ba1a8c71fb41a6920ace007d17f8333638f",
        ),
        (
            "plugins/sdk/wit/v0.5.0/rule.wit",
            "6f0b6e6d9b855990c725495c52c6181a44e8ee5a3225a53fb681ba03a953f608",
        ),
        (
            "plugins/sdk/wit/v0.6.0/rule.wit",
            "fa4154c596eb117a95d4edee4cd9b516138456fc0bf0ef05813b7c2a6d97ed23",
        ),
    ];
    for (path, expected) in frozen {
        let actual = sha256(&workspace_dir().join(path));
        assert_eq!(
            actual, expected,
            "{path} changed: released interfaces are frozen; add a new version folder instead"
        );
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let root = workspace_dir();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    let command = "cargo test --workspace";
    assert!(readme.contains(&format!("rustup toolchain install && {command}")));
    assert!(ci.contains(command) && ci.contains("rustup toolchain install"));
}

/// docs/rules.schema.json is generated from the configuration model and the
/// built-in rules' metadata (`drift-host schema`).
#[test]
fn rules_toml_schema_is_current() {
    let run = Repo::new().run(&["schema"]);
    assert_eq!(run.code, 0, "{run:?}");
    check_generated(
        &workspace_dir().join("docs/rules.schema.json"),
        &run.stdout,
        "regenerate it with `drift-host schema > docs/rules.schema.json`",
    );
    let schema = run.json();
    assert!(schema["properties"]["rules"]["properties"]["numbering"]["properties"]["checks"]["properties"]["gap"].is_object());
}

#[test]
fn rules_and_explain() {
    let repo = Repo::new();
    repo.write(
        "rules.toml",
        "[rules.numbering]\nchecks = { gap = \"off\", letter-suffix = \"error\" }\n",
    );
    let run = repo.run(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let checks = run.json()["checks"].as_array().expect("checks").clone();
    let find = |id: &str| checks.iter().find(|c| c["check"] == id).cloned().expect(id);
    assert_eq!(find("gap")["enabled"], false);
    assert_eq!(find("letter-suffix")["severity"], "error");
    assert_eq!(find("duplicate-number")["origin"], "built-in");
    let run = repo.run(&["rules"]);
    assert!(run.stdout.contains("numbering/gap"), "{run:?}");
    // The report formats describe findings: refused, not printed as text.
    for format in ["sarif", "github", "junit"] {
        let run = repo.run(&["rules", "--format", format]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(
            run.stderr.contains("invalid value")
                && run.stderr.contains("[possible values: text, json]"),
            "{run:?}"
        );
    }
    let run = repo.run(&["explain", "numbering/gap"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("numbering/gap (warning): "),
        "{run:?}"
    );
    // The check's own section of the rule page, not the whole page.
    assert!(run.stdout.contains("A number is missing"), "{run:?}");
    assert!(!run.stdout.contains("## Why is this bad?"), "{run:?}");
    assert!(
        run.stdout.contains("`drift-host explain numbering`"),
        "{run:?}"
    );
    let run = repo.run(&["explain", "numbering"]);
    assert!(run.stdout.contains("## Why is this bad?"), "{run:?}");
    assert!(run.stdout.contains("### `gap` (warning)"), "{run:?}");
    let run = repo.run(&["explain", "numbering/nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no check `nope`"), "{run:?}");
    // The host's own checks have no plugin, but are explained too.
    let run = repo.run(&["explain", "drift-host/sql-syntax"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with(
            "drift-host/sql-syntax (warning): a SQL file rules read has a syntax error"
        ),
        "{run:?}"
    );
    assert!(run.stdout.contains("docs/configuration.md"), "{run:?}");
    assert!(
        run.stdout.contains("- `unused-suppression` (warning)"),
        "{run:?}"
    );
    let run = repo.run(&["explain", "drift-host/nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no check `nope`"), "{run:?}");
}
