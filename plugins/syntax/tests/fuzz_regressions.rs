//! Regression tests for the `sql` and `prisma` fuzz targets (`tests/fuzz/`).
//!
//! Every file under `tests/fuzz/regressions/<target>/` (a minimised input
//! that once crashed the target, or broke an invariant) goes through the
//! same checks as the fuzz target, `drift_syntax::fuzzing::check_sql` or
//! `check_prisma`, with plain `cargo test`: no nightly, no libFuzzer. The
//! edge cases below are seeds worth keeping whether or not they ever
//! crashed: empty input, lone dollar quotes, deep nesting, splices in
//! splices.
#![cfg(feature = "parser")]

use std::path::PathBuf;

fn regressions(target: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fuzz/regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("read_dir").path())
        .filter(|path| path.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).expect("read");
            // The targets skip non-UTF-8 input, so no regression is one.
            let text = String::from_utf8(bytes).ok()?;
            Some((path.display().to_string(), text))
        })
        .collect()
}

fn sql_edge_cases() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = [
        "",
        "$$",
        "$$$",
        "DO $$",
        "DO $$ $$",
        "DO $$$$;",
        "DO $x$ BEGIN END $x$ LANGUAGE plpgsql;",
        "DO $$ BEGIN EXECUTE '",
        "DO $$ BEGIN EXECUTE ''; END $$;",
        "DO $$ BEGIN EXECUTE E'\\'; END $$;",
        "DO $$ BEGIN EXECUTE E'\\x41\\u00e9\\U0001F600 DROP TABLE t'; END $$;",
        "DO $$ BEGIN EXECUTE 'DO $q$ BEGIN EXECUTE ''DROP TABLE t''; END $q$'; END $$;",
        "DO 'BEGIN EXECUTE ''CREATE TABLE t ()''; END';",
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'é'; END $$;",
        "CREATE PROCEDURE p() LANGUAGE plpgsql AS 'BEGIN IF NOT EXISTS (SELECT) THEN DROP TABLE t; END IF; END';",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN ELSIF FOUND THEN ELSE END IF; EXCEPTION WHEN others THEN NULL; END $$;",
        "\u{feff}SELECT 'é' AS \"ü\"; -- ☃\n/* ✓ */",
        "E'\\",
        "U&'\\0041' UESCAPE '!'",
        "\0",
    ]
    .iter()
    .map(|s| (format!("{s:?}"), (*s).to_owned()))
    .collect();
    // Deep nesting: squawk's parser and rowan recurse per level, so past
    // `MAX_NESTING` the file is refused (an error, no statements); below
    // it, it parses. Both sides must hold on a 2 MiB test thread in a
    // debug build.
    let limit = drift_syntax::sql::MAX_NESTING;
    for depth in [limit - 8, 50_000] {
        for (name, text) in nested_sql(depth) {
            cases.push((format!("{name} x{depth}"), text));
        }
    }
    cases
}

/// Nesting `depth` levels deep, in each way the parser recurses.
fn nested_sql(depth: usize) -> Vec<(&'static str, String)> {
    let mut execute = "DROP TABLE t".to_owned();
    for level in 0..depth.min(12) {
        execute = format!(
            "DO $t{level}$ BEGIN EXECUTE '{}'; END $t{level}$",
            execute.replace('\'', "''")
        );
    }
    vec![
        (
            "parens",
            format!("SELECT {}1{};", "(".repeat(depth), ")".repeat(depth)),
        ),
        (
            "arrays",
            format!("SELECT ARRAY{}1{};", "[".repeat(depth), "]".repeat(depth)),
        ),
        ("minus", format!("SELECT {}1;", "- ".repeat(depth))),
        ("not", format!("SELECT {}true;", "NOT ".repeat(depth))),
        (
            "case",
            format!(
                "SELECT {}1{};",
                "CASE WHEN true THEN ".repeat(depth),
                " END".repeat(depth)
            ),
        ),
        (
            "do-if",
            format!(
                "DO $$ BEGIN {}NULL;{} END $$;",
                "IF true THEN ".repeat(depth),
                " END IF;".repeat(depth)
            ),
        ),
        (
            "execute-parens",
            format!(
                "DO $$ BEGIN EXECUTE 'SELECT {}1{}'; END $$;",
                "(".repeat(depth),
                ")".repeat(depth)
            ),
        ),
        ("do-in-execute", format!("{execute};")),
    ]
}

#[test]
fn nesting_past_the_limit_is_refused_not_parsed() {
    for (name, text) in nested_sql(50_000) {
        if name == "do-in-execute" {
            continue;
        }
        let tree = drift_syntax::sql::parse(&text);
        assert_eq!(tree.len(), 1, "{name}");
        assert!(
            tree.errors()[0].message.contains("nested more than"),
            "{name}: {:?}",
            tree.errors()
        );
    }
    for (name, text) in nested_sql(drift_syntax::sql::MAX_NESTING - 8) {
        let tree = drift_syntax::sql::parse(&text);
        assert!(
            tree.errors()
                .iter()
                .all(|e| !e.message.contains("nested more than")),
            "{name}: {:?}",
            tree.errors()
        );
    }
}

/// Nesting is counted, not the number of constructs that could nest.
#[test]
fn long_flat_files_are_not_too_deep() {
    let limit = drift_syntax::sql::MAX_NESTING;
    for (name, text) in [
        ("if-not-exists", "CREATE TABLE IF NOT EXISTS t (a int);\nDROP TABLE IF EXISTS u;\n".repeat(limit)),
        ("transactions", "BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nEND;\n".repeat(limit)),
        ("cases", "SELECT CASE WHEN a THEN (1) ELSE -2 END;\n".repeat(limit * 2)),
        (
            "do-ifs",
            format!("DO $$ BEGIN {} END $$;", "IF NOT EXISTS (SELECT 1) THEN CREATE TABLE IF NOT EXISTS t (); END IF; LOOP EXIT; END LOOP;".repeat(limit * 2)),
        ),
        ("prose", format!("COMMENT ON TABLE t IS '{}';", "if this happens, what if? (see below) ".repeat(limit * 2))),
    ] {
        let tree = drift_syntax::sql::parse(&text);
        assert!(
            tree.errors().iter().all(|e| !e.message.contains("nested more than")),
            "{name}: {:?}",
            tree.errors()
        );
    }
}

/// The nesting limit never refuses real SQL: PostgreSQL's regression
/// files (`shared/corpora`, beside the repository) all parse.
#[test]
fn the_pg_regress_corpus_is_never_too_deep() {
    let Some(corpus) = drift_syntax::testdata::pg_regress_files() else {
        return;
    };
    for (_, path) in corpus {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
        let tree = drift_syntax::sql::parse(&text);
        assert!(
            tree.errors()
                .iter()
                .all(|e| !e.message.contains("nested more than")),
            "{}: {:?}",
            path.display(),
            tree.errors()
                .iter()
                .find(|e| e.message.contains("nested more than"))
        );
    }
}

#[test]
fn sql_regressions_and_edge_cases_keep_the_invariants() {
    let mut failures = Vec::new();
    for (name, text) in regressions("sql").into_iter().chain(sql_edge_cases()) {
        if let Err(broken) = drift_syntax::fuzzing::check_sql(&text) {
            failures.push(format!("{name}: {broken}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn prisma_regressions_and_edge_cases_keep_the_invariants() {
    let mut cases = regressions("prisma");
    for text in [
        "",
        "}",
        "{",
        "model",
        "model A {",
        "model A { id Int }",
        "model A {\n  id Int @default(\n}",
        "model A {\n  id Int @default(\"\\u12\")\n}",
        "model A {\n  id Int @default(\"é\\\n}",
        "enum E {\n  A @map(\"\\uD800\")\n}",
        "/// doc\n/* é */\nmodel A {\n  id Int @id /// ü\n  @@index([a(sort: Desc, ops: raw(\"x\"))])\n}",
        "datasource db {\n  url = env(\"X\"\n}",
        "\u{feff}model A {\r\n  id Int\r\n}\r\n",
    ] {
        cases.push((format!("{text:?}"), text.to_owned()));
    }
    // Deep nesting: attribute arguments recurse per level.
    let depth = 2_000;
    cases.push((
        "deep lists".to_owned(),
        format!(
            "model A {{\n  id Int @default({}1{})\n}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    ));
    cases.push((
        "deep calls".to_owned(),
        format!(
            "model A {{\n  id Int @default({}1{})\n}}\n",
            "f(".repeat(depth),
            ")".repeat(depth)
        ),
    ));
    let mut failures = Vec::new();
    for (name, text) in cases {
        if let Err(broken) = drift_syntax::fuzzing::check_prisma(&text) {
            failures.push(format!("{name}: {broken}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
