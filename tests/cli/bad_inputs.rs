//! Inputs that must never crash or silently pass.

use crate::harness::Repo;

#[test]
fn symlink_loops_are_not_followed() {
    let repo = Repo::fixture("numbering-clean");
    std::os::unix::fs::symlink("..", repo.path().join("prisma/migrations/loop")).expect("symlink");
    std::os::unix::fs::symlink("loop", repo.path().join("prisma/self")).expect("symlink");
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_200_mb_migration_is_reported_not_read() {
    let repo = Repo::fixture("numbering-clean");
    let file =
        std::fs::File::create(repo.path().join("prisma/migrations/04_huge.sql")).expect("create");
    // Sparse: costs no disk, but is 200 MB to anything that reads it.
    file.set_len(200 * 1024 * 1024).expect("set_len");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "a warning: {run:?}");
    assert_eq!(run.checks(), ["drift-host/file-too-large"], "{run:?}");
}

#[test]
fn binary_and_non_utf8_migrations_are_reported() {
    let repo = Repo::fixture("numbering-clean");
    repo.write(
        "prisma/migrations/04_binary.sql",
        b"\x00\x01\x02 not text".as_slice(),
    )
    .write(
        "prisma/migrations/05_latin1.sql",
        b"-- caf\xe9\nSELECT 1;\n".as_slice(),
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.checks(),
        ["drift-host/binary-file", "drift-host/invalid-utf8"],
        "{run:?}"
    );
}

/// A statement the parser cannot read is one rules may skip: the host
/// reports it instead of letting it pass silently, once per file, at the
/// first error, and `drift-ignore` hides it where the parser is wrong.
#[test]
fn sql_syntax_errors_are_reported_not_passed_silently() {
    let repo = Repo::fixture("numbering-clean");
    repo.write(
        "prisma/migrations/04_broken.sql",
        "SELECT count(*) FROM pg_class WHERE (relkind = 'r';\nSELECT 2 +;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "a warning: {run:?}");
    assert_eq!(run.checks(), ["drift-host/sql-syntax"], "{run:?}");
    let text = repo.run(&["run", "--color", "never"]);
    insta::assert_snapshot!(text.stdout);

    // The earliest error, although the parser lists a `DO` body's errors
    // after the file's own.
    repo.write(
        "prisma/migrations/04_broken.sql",
        "DO $$ BEGIN IF THEN RAISE NOTICE 'x'; END IF; END $$;\nSELECT 2 +;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.checks(), ["drift-host/sql-syntax"], "{run:?}");
    let finding = &run.json()["findings"][0];
    assert_eq!(
        (&finding["line"], &finding["column"], &finding["message"]),
        (
            &serde_json::json!(1),
            &serde_json::json!(15),
            &serde_json::json!(
                "syntax error: in PL/pgSQL body: expected an expression; rules may not check \
                 the statement it damages (and 1 more syntax error in this file)"
            )
        ),
        "{run:?}"
    );

    // Valid PL/pgSQL squawk's body grammar rejects (`SELECT ... INTO`,
    // `... RETURNING ... INTO`) is parsed as PostgreSQL parses it, so not
    // reported: every DO block that reads a value would warn.
    repo.write(
        "prisma/migrations/04_broken.sql",
        "DO $$ DECLARE n int; BEGIN\n  SELECT count(*) INTO n FROM pg_class;\n  \
         WITH c AS (SELECT 1 AS x) SELECT x INTO n FROM c;\n  \
         UPDATE pg_class SET relname = relname WHERE false RETURNING oid INTO n;\n  \
         INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING RETURNING id INTO n;\nEND $$;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.checks().is_empty(), "{run:?}");

    repo.write(
        "prisma/migrations/04_broken.sql",
        "-- drift-ignore drift-host/sql-syntax: PostgreSQL 18 syntax\nSELECT 2 +;\n",
    );
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.checks().is_empty(), "suppressed: {run:?}");
    assert_eq!(run.json()["summary"]["suppressed"], 1, "{run:?}");
}

#[test]
fn an_empty_repository_is_clean_and_says_so() {
    let repo = Repo::new();
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("no problems found (0 files checked by 5 rules)"),
        "{run:?}"
    );
    // A git repository without commits has nothing to compare with.
    repo.git(&["init", "-q", "-b", "main"]);
    let run = repo.run(&["run", "--base", "main"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("the repository has no commits yet: there is nothing to compare with `main`"),
        "{run:?}"
    );
}

#[test]
fn a_path_that_does_not_exist_is_an_error() {
    let repo = Repo::new();
    let run = repo.run(&["run", "no/such/folder"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: no/such/folder does not exist: pass the repository folder to check\n"
    );
    let file = repo.write("file.txt", "x").path().join("file.txt");
    let run = repo.run(&["run", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("is a file: pass the repository folder"),
        "{run:?}"
    );
}

/// FIFOs, sockets and devices are skipped like symbolic links: reading a
/// FIFO would block forever, and none of them is a migration.
#[test]
fn special_files_are_skipped_without_blocking() {
    let repo = Repo::fixture("numbering-clean");
    let fifo = repo.path().join("prisma/migrations/05_pipe.sql");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.checks(), Vec::<String>::new(), "{run:?}");
}
