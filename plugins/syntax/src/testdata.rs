//! Test data kept beside our own checkouts, for the tests of every crate.
//!
//! PostgreSQL's regression SQL and the SARIF schema live in `../shared`
//! next to the workspace, not in the repository: a user's clone has no
//! `../shared`, so a test that needs it prints one line saying it was
//! skipped and passes, while CI (`.ci/run` sets [`REQUIRE_SHARED_ENV`])
//! fails when the data is missing.

use std::io::Write as _;

/// The environment variable that makes data from `../shared` mandatory:
/// `.ci/run` sets it, so a missing corpus fails there instead of skipping.
pub const REQUIRE_SHARED_ENV: &str = "DRIFT_REQUIRE_SHARED";

/// A file or folder of the shared test data that lives beside our own
/// checkouts (`../shared/<rel>` from the workspace root), or `None` when it
/// is absent: a user's clone has no `../shared`, so tests that need it
/// print one line saying they were skipped and return. With
/// [`REQUIRE_SHARED_ENV`] set, a missing path panics instead.
pub fn shared_data(rel: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var_os(REQUIRE_SHARED_ENV).is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "{REQUIRE_SHARED_ENV} is set but the shared test data {} is missing",
        path.display()
    );
    // Written to the stream itself, not through `eprintln!`, which the test
    // harness captures and shows only for failing tests: a skip must be
    // seen.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: needs ../shared/{rel} beside the workspace (not in a plain clone; \
         {REQUIRE_SHARED_ENV}=1 makes it mandatory)"
    );
    None
}

/// Every `.sql` file of PostgreSQL's regression suite (`pg-regress` in the
/// shared corpora beside the workspace), sorted: its `/`-separated path
/// inside the corpus and its full path. `None` (after one line saying the
/// test is skipped) when the corpus is absent, see [`shared_data`]; panics,
/// naming the folder, when it is present but incomplete: robustness tests
/// must not pass vacuously.
pub fn pg_regress_files() -> Option<Vec<(String, std::path::PathBuf)>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "sql") {
                out.push(path);
            }
        }
    }
    let corpus = shared_data("corpora/pg-regress")?;
    let mut files = Vec::new();
    walk(&corpus, &mut files);
    files.sort();
    assert!(
        files.len() >= 250,
        "expected the 256 .sql files of the pg-regress corpus in {}, found {}",
        corpus.display(),
        files.len()
    );
    Some(
        files
            .into_iter()
            .map(|path| {
                let rel = path
                    .strip_prefix(&corpus)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                (rel, path)
            })
            .collect(),
    )
}
