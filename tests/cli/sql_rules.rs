//! The SQL rules end to end, through the WASM path: PostgreSQL's own
//! regression suite as migrations (robustness), and a realistic hybrid
//! repository (expected findings, snapshot-tested).

use crate::harness::Repo;

/// Every file of `shared/corpora/pg-regress` (256 files of PostgreSQL's
/// regression SQL) as a hand-written migration: the run must finish with
/// findings and without a single failure (no trap, no parser crash, no
/// budget overrun).
#[test]
fn pg_regress_corpus_runs_without_failures() {
    let repo = Repo::new();
    repo.write(
        "db/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    );
    let Some(corpus) = drift_syntax::testdata::pg_regress_files() else {
        return;
    };
    let mut n = 0;
    for (_, path) in corpus {
        n += 1;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .replace(['.', '-'], "_");
        let bytes = std::fs::read(&path).expect("read");
        repo.write(&format!("db/migrations/{n:03}_{name}.sql"), bytes);
    }
    assert!(n >= 250, "{n} corpus files");
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "failures: {:?}", run.errors());
    assert_eq!(run.code, 1, "the corpus is full of non-idempotent SQL");
    let checks = run.checks();
    assert!(
        checks
            .iter()
            .filter(|c| c.starts_with("idempotency/"))
            .count()
            > 1000,
        "{} findings",
        checks.len()
    );
}

/// A hybrid Prisma + hand-written SQL repository in the style the seed
/// describes (3 Prisma migrations, 23 hand-written files, agent docs,
/// package.json scripts), with its expected findings.
#[test]
fn hybrid_repository_findings() {
    let run = Repo::fixture("hybrid").run(&["run"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}
