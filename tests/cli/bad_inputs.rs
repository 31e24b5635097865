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
