//! Every built-in rule (the list in plugins/builtins.rs, the one the host's
//! build embeds) passes the conformance suite, and its page under
//! docs/rules/ is the one its code generates.
//!
//! `DRIFT_UPDATE_DOCS=1 cargo test -p drift-conformance` rewrites the pages
//! after a rule's documentation changed.

use std::path::{Path, PathBuf};

use drift_sdk::Rule;
use drift_sdk::testing::conformance;

fn plugins_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("plugins/")
        .to_path_buf()
}

/// A built-in rule, with the suite and the page check instantiated for its
/// type.
struct Builtin {
    id: &'static str,
    dir: &'static str,
    suite: fn(&str, &str) -> Vec<String>,
    page: fn(&str, &str) -> Vec<String>,
}

/// Every built-in, in the order of plugins/builtins.rs.
macro_rules! builtins {
    ($($id:literal => $dir:literal, $package:literal, $rule:path;)*) => {
        fn builtins() -> Vec<Builtin> {
            vec![$(Builtin { id: $id, dir: $dir, suite: suite::<$rule>, page: page::<$rule> }),*]
        }
    };
}
include!("../../builtins.rs");

fn suite<R: Rule>(_id: &str, dir: &str) -> Vec<String> {
    conformance::check::<R>(&plugins_dir().join(dir))
}

#[test]
fn every_builtin_rule_conforms() {
    let builtins = builtins();
    assert!(builtins.len() >= 5, "{} built-ins", builtins.len());
    let problems: Vec<String> = builtins
        .iter()
        .flat_map(|b| (b.suite)(b.id, b.dir))
        .collect();
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

fn page<R: Rule>(id: &str, dir: &str) -> Vec<String> {
    let lib_rs = std::fs::read_to_string(plugins_dir().join(dir).join("src/lib.rs"))
        .expect("the rule's lib.rs");
    let expected = conformance::rule_page::<R>(&lib_rs);
    let path = plugins_dir().join("../docs/rules").join(format!("{id}.md"));
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == expected {
        return Vec::new();
    }
    if std::env::var_os("DRIFT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("writing the rule page");
        return Vec::new();
    }
    vec![format!(
        "docs/rules/{id}.md is not the page the code of `{id}` generates: run \
         `DRIFT_UPDATE_DOCS=1 cargo test -p drift-conformance` and commit the result"
    )]
}

#[test]
fn rule_pages_are_generated_from_the_code() {
    let problems: Vec<String> = builtins()
        .iter()
        .flat_map(|b| (b.page)(b.id, b.dir))
        .collect();
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
