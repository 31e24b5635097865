//! Checks on the repository itself: generated docs are current, the frozen
//! WIT is untouched, and CI runs README's test command.

use crate::harness::{sha256, workspace_dir};

/// Each rule's documentation is written once, in its crate's README (the
/// same text as the crate's `//!` doc); `docs/rules/<id>.md` is a copy.
#[test]
fn rule_doc_pages_are_current() {
    let root = workspace_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("plugins")).expect("plugins/") {
        let dir = entry.expect("entry").path();
        let id = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if id == "sdk" || id == "examples" || !dir.join("README.md").is_file() {
            continue;
        }
        let source = std::fs::read_to_string(dir.join("README.md")).expect("README");
        let page = root.join("docs/rules").join(format!("{id}.md"));
        let current = std::fs::read_to_string(&page).unwrap_or_default();
        assert!(
            current == source,
            "{} is stale: copy plugins/{id}/README.md over it",
            page.display()
        );
        checked += 1;
    }
    assert!(checked >= 1);
}

/// A released WIT version never changes: a change goes into a new
/// `wit/vX.Y.Z/` folder with a new package version, and the host keeps
/// loading the old one.
#[test]
fn released_wit_is_frozen() {
    let frozen = [(
        "plugins/sdk/wit/v0.1.0/rule.wit",
        "f492f8548339b624ca9207f5a5bc97a2162f5f9c93c1866dd85c9f70ecedc072",
    )];
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
