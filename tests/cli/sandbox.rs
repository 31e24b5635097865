//! The sandbox, proven with a real misbehaving plugin built from source:
//! every failure is an error naming the plugin, other rules still report,
//! exit code 2.

use crate::harness::{Repo, build_plugin, sha256, with_probe};

/// A repository where the built-in numbering rule has something to say, so
/// each test can check that it still reports while the probe fails.
fn repo_with_numbering_error() -> Repo {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    )
    .write("prisma/migrations/01_a.sql", "SELECT 1;\n")
    .write("prisma/migrations/01_b.sql", "SELECT 2;\n")
    .write("notes.probe", "probe\n");
    repo
}

fn assert_fails_but_numbering_reports(repo: &Repo, expected: &str) {
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 2, "{run:?}");
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{run:?}");
    assert!(
        errors[0].starts_with("plugin `sandbox-probe`: "),
        "{errors:?}"
    );
    assert!(
        errors[0].contains(expected),
        "expected `{expected}` in {errors:?}"
    );
    let checks = run.checks();
    assert_eq!(
        checks
            .iter()
            .filter(|c| *c == "numbering/duplicate-number")
            .count(),
        2,
        "{run:?}"
    );
}

#[test]
fn infinite_loop_is_stopped_by_the_time_budget() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "loop", "[limits]\ntime-ms = 300");
    assert_fails_but_numbering_reports(&repo, "exceeded its time budget of 300 ms");
}

#[test]
fn gigabyte_allocation_hits_the_memory_cap() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "alloc", "[limits]\nmemory-mib = 64");
    assert_fails_but_numbering_reports(&repo, "exceeded its memory cap of 64 MiB");
}

#[test]
fn panic_is_reported_with_its_message() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "panic", "");
    assert_fails_but_numbering_reports(&repo, "panicked: ");
    let run = repo.run(&["run", "--format", "json"]);
    assert!(
        run.errors()[0].contains("probe panicked on purpose"),
        "{run:?}"
    );
}

#[test]
fn unbounded_recursion_is_stopped() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "recursion", "");
    assert_fails_but_numbering_reports(&repo, "stack overflow");
}

#[test]
fn no_files_network_environment_or_clock() {
    for (mode, observed) in [
        ("read-file", "file read denied"),
        (
            "network",
            "network: tcp denied (PermissionDenied), dns denied",
        ),
        ("env", "0 env vars, 0 args"),
        ("clock", "clock reads 0"),
    ] {
        let repo = repo_with_numbering_error();
        with_probe(&repo, mode, "");
        let run = repo.run(&["run", "--format", "json"]);
        assert_eq!(run.code, 1, "{run:?}");
        let messages: Vec<String> = run.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["check"] == "observed")
            .map(|f| f["message"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(messages.len(), 1, "{run:?}");
        assert!(messages[0].starts_with(observed), "{mode}: {messages:?}");
    }
}

#[test]
fn malformed_results_are_plugin_errors() {
    for (mode, expected) in [
        ("undeclared-check", "undeclared check `nope`"),
        ("bad-span", "invalid span 0:0-0:0"),
        ("bad-path", "invalid path `../outside`"),
    ] {
        let repo = repo_with_numbering_error();
        with_probe(&repo, mode, "");
        let run = repo.run(&["run", "--format", "json"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.errors().iter().any(|e| e.contains(expected)),
            "{mode}: {run:?}"
        );
        // The well-formed findings of the same plugin are kept.
        assert!(
            run.checks().contains(&"sandbox-probe/seen".to_owned()),
            "{run:?}"
        );
    }
}

#[test]
fn checksum_mismatch_shows_expected_and_actual() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "ok", "");
    let actual = sha256(&build_plugin("sandbox-probe"));
    let wrong = "0".repeat(64);
    let config = std::fs::read_to_string(repo.path().join("rules.toml")).expect("read");
    repo.write("rules.toml", config.replace(&actual, &wrong));
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "pins sha256 {wrong}, but the file has sha256 {actual}"
        )),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("error[numbering/duplicate-number]"),
        "{run:?}"
    );
}

#[test]
fn unpinned_plugin_is_refused_with_the_line_to_add() {
    let repo = repo_with_numbering_error();
    let wasm = build_plugin("sandbox-probe");
    std::fs::copy(&wasm, repo.path().join("probe.wasm")).expect("copy");
    repo.write(
        "rules.toml",
        "[plugins.sandbox-probe]\npath = \"probe.wasm\"\n",
    );
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("add `sha256 = \"{}\"`", sha256(&wasm))),
        "{run:?}"
    );
}

fn sha256_bytes(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` as probe.wasm and a rules.toml pinning it.
fn install_probe_bytes(repo: &Repo, bytes: &[u8]) {
    pin_plugin(repo, "sandbox-probe", bytes);
}

/// Writes `bytes` as `<id>.wasm` and a rules.toml that pins it as `id`.
fn pin_plugin(repo: &Repo, id: &str, bytes: &[u8]) {
    repo.write(&format!("{id}.wasm"), bytes);
    repo.write(
        "rules.toml",
        format!(
            "[plugins.{id}]\npath = \"{id}.wasm\"\nsha256 = \"{}\"\n",
            sha256_bytes(bytes)
        ),
    );
}

/// Builds the test plugin `package` (its rule id is the package name),
/// pins it, runs with JSON output, and returns the run and the messages of
/// that rule's findings.
fn run_test_plugin(repo: &Repo, package: &str) -> (crate::harness::Run, Vec<String>) {
    let wasm = std::fs::read(build_plugin(package)).expect("read plugin");
    pin_plugin(repo, package, &wasm);
    let run = repo.run(&["run", "--format", "json"]);
    let messages = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == package)
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect();
    (run, messages)
}

fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
}

/// Rewrites the interface version in the component's names (same length,
/// so the binary stays valid).
fn probe_with_version(repo: &Repo, version: &str) {
    let mut wasm = std::fs::read(build_plugin("sandbox-probe")).expect("read");
    for interface in ["rule", "types", "command-check"] {
        let from = format!("drift:rule/{interface}@0.6.0");
        let to = format!("drift:rule/{interface}@{version}");
        replace_all(&mut wasm, from.as_bytes(), to.as_bytes());
    }
    install_probe_bytes(repo, &wasm);
}

/// A plugin built for 0.2.0 without the SDK (syntax-tree nodes as
/// records; 0.3.0 packs them) still runs, receives intact trees, and is
/// asked nothing by the guard.
#[test]
fn previous_interface_version_still_runs_with_sql_trees() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "db/migrations/01_users.sql",
        "-- users\nCREATE TABLE users (id int);\n",
    );
    let (run, messages) = run_test_plugin(&repo, "legacy-v0-2");
    assert!(run.errors().is_empty(), "{run:?}");
    assert_eq!(
        messages,
        ["SOURCE_FILE > CREATE_TABLE `CREATE TABLE users (id int);`, 8 tokens, parents ok"],
        "{run:?}"
    );
    let guard = crate::harness::run_in(repo.path(), &["guard", "--", "ls"]);
    assert_eq!((guard.code, guard.stderr.as_str()), (0, ""), "{guard:?}");
}

/// A plugin built for 0.3.0 without the SDK: each tree arrives with a
/// kind-name table of its own holding exactly the kinds it uses (0.4.0
/// shares one table per run), the path list as a list (0.4.0 joins it), and
/// its command check's `host.parse-sql` answers in 0.3.0's shape too.
#[test]
fn interface_0_3_plugins_get_their_own_kind_tables_and_path_lists() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    let users = "CREATE TABLE users (id int);\n";
    repo.write("db/migrations/01_users.sql", users);
    repo.write(
        "db/migrations/02_backfill.sql",
        "DO $$ BEGIN UPDATE users SET id = 1; END $$;\n",
    );
    let (run, messages) = run_test_plugin(&repo, "legacy-v0-3");
    assert!(run.errors().is_empty(), "{run:?}");
    // The number of distinct kinds, from the SDK's own parse of the file.
    let distinct = |text: &str| {
        let tree = drift_syntax::sql::parse(text);
        let kinds: std::collections::BTreeSet<&str> = tree.nodes().map(|n| n.kind()).collect();
        kinds.len()
    };
    let paths = r#"["db/migrations/01_users.sql", "db/migrations/02_backfill.sql"]"#;
    assert_eq!(
        messages,
        [
            format!(
                "SOURCE_FILE > CREATE_TABLE `CREATE TABLE users (id int);`, {} kinds all used, paths {paths}",
                distinct(users)
            ),
            format!(
                "SOURCE_FILE > DO `DO $$ BEGIN UPDATE users SET id = 1; END $$;`, {} kinds all used, paths {paths}",
                distinct("DO $$ BEGIN UPDATE users SET id = 1; END $$;\n")
            ),
        ],
        "{run:?}"
    );
    let guard = crate::harness::run_in(repo.path(), &["guard", "--", "SELECT", "1"]);
    assert!(
        guard.stderr.contains("parsed as SOURCE_FILE > SELECT"),
        "{guard:?}"
    );
}

/// A plugin built for 0.4.0 without the SDK (no `applied` in its check
/// metadata; 0.5.0 added it): it loads, its checks report in applied
/// migrations, trees index the host's one kind table, the path list is one
/// string, and its command check's `host.parse-sql` answers in 0.4.0's
/// records.
#[test]
fn interface_0_4_plugins_still_run() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write(
        "db/migrations/01_users.sql",
        "CREATE TABLE users (id int);\n",
    );
    let (run, messages) = run_test_plugin(&repo, "legacy-v0-4");
    assert!(run.errors().is_empty(), "{run:?}");
    assert_eq!(
        messages,
        [
            r#"SOURCE_FILE > CREATE_TABLE `CREATE TABLE users (id int);`, paths ["db/migrations/01_users.sql"]"#
        ],
        "{run:?}"
    );
    let guard = crate::harness::run_in(repo.path(), &["guard", "--", "SELECT", "1"]);
    assert!(
        guard.stderr.contains("parsed as SOURCE_FILE > SELECT"),
        "{guard:?}"
    );
}

#[test]
fn newer_interface_version_asks_to_upgrade_the_host() {
    let repo = repo_with_numbering_error();
    probe_with_version(&repo, "0.9.0");
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains(
            "built for rule interface 0.9.0, but this drift-host supports 0.6.0, 0.5.0, 0.4.0, 0.3.0, 0.2.0, 0.1.0: upgrade drift-host"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("error[numbering/duplicate-number]"),
        "{run:?}"
    );
}

#[test]
fn older_interface_version_asks_to_rebuild_the_plugin() {
    let repo = repo_with_numbering_error();
    probe_with_version(&repo, "0.0.1");
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains(
            "no longer supports (supported: 0.6.0, 0.5.0, 0.4.0, 0.3.0, 0.2.0, 0.1.0): rebuild the plugin against drift-sdk 0.6.0"
        ),
        "{run:?}"
    );
}

#[test]
fn corrupt_and_core_module_files_are_clear_errors() {
    for (bytes, expected) in [
        (b"not wasm at all".to_vec(), "not a WebAssembly file"),
        (
            b"\0asm\x01\0\0\0".to_vec(),
            "core WebAssembly module, not a component",
        ),
        (
            b"\0asm\x0d\0\x01\0garbage".to_vec(),
            "not a valid WebAssembly component",
        ),
    ] {
        let repo = repo_with_numbering_error();
        install_probe_bytes(&repo, &bytes);
        let run = repo.run(&["run", "--format", "json"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.errors().iter().any(|e| e.contains(expected)),
            "{expected}: {run:?}"
        );
        assert_eq!(run.checks().len(), 2, "numbering still reports: {run:?}");
    }
}

#[test]
fn plugin_may_not_claim_a_builtin_id() {
    let repo = repo_with_numbering_error();
    let wasm = build_plugin("sandbox-probe");
    std::fs::copy(&wasm, repo.path().join("probe.wasm")).expect("copy");
    repo.write(
        "rules.toml",
        format!(
            "[plugins.numbering]\npath = \"probe.wasm\"\nsha256 = \"{}\"\n",
            sha256(&wasm)
        ),
    );
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains("`numbering` is a built-in rule id"),
        "{run:?}"
    );
}

#[test]
fn plugins_built_for_an_older_interface_still_load() {
    let repo = repo_with_numbering_error();
    repo.write("old.legacy", "x");
    let (run, _) = run_test_plugin(&repo, "legacy-v0-1");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.checks().contains(&"legacy-v0-1/seen".to_owned()),
        "{run:?}"
    );
}

fn flood(count: u32) -> crate::harness::Run {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "flood", "");
    let config = std::fs::read_to_string(repo.path().join("rules.toml")).expect("read");
    repo.write(
        "rules.toml",
        config.replace(
            "mode = \"flood\"",
            &format!("mode = \"flood\", count = {count}"),
        ),
    );
    repo.run(&["run", "--format", "json"])
}

#[test]
fn findings_beyond_the_per_rule_cap_are_dropped() {
    let run = flood(150_000);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.errors()
            .iter()
            .any(|e| e.contains("returned more than 100000 findings")),
        "{:?}",
        run.errors()
    );
    let seen = run
        .checks()
        .iter()
        .filter(|c| *c == "sandbox-probe/seen")
        .count();
    assert_eq!(seen, 100_000);
    assert_eq!(
        run.checks()
            .iter()
            .filter(|c| *c == "numbering/duplicate-number")
            .count(),
        2
    );
}

#[test]
fn a_million_findings_exceed_what_one_call_may_return() {
    let run = flood(1_000_000);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.errors()
            .iter()
            .any(|e| e.contains("returned more data than the host accepts from one call")),
        "{:?}",
        run.errors()
    );
    assert_eq!(
        run.checks()
            .iter()
            .filter(|c| *c == "numbering/duplicate-number")
            .count(),
        2
    );
}

#[test]
fn a_100_mb_message_is_truncated() {
    let repo = repo_with_numbering_error();
    with_probe(&repo, "huge-string", "");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    let longest = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").len())
        .max()
        .unwrap_or(0);
    assert!(longest < 5000, "message kept at {longest} bytes");
    assert!(run.stdout.contains("(truncated)"));
}

#[test]
fn calls_never_see_each_others_memory() {
    // The host recycles plugin memories between calls (host/src/plugin/
    // memory.rs). 40 files make three calls on one thread (chunks of 16,
    // 16 and 8, the smallest last): the first two each check that memory
    // they grow is zero and dirty it; the last, holding
    // `zz-out-of-bounds.probe`, reads past its smaller memory's end, into
    // bytes the earlier calls could use.
    let repo = Repo::new();
    repo.with_agent_instructions();
    for i in 0..39 {
        repo.write(&format!("probes/p{i:02}.probe"), "probe\n");
    }
    repo.write("probes/zz-out-of-bounds.probe", "probe\n");
    with_probe(&repo, "residue", "");
    let run = repo.run(&["run", "--format", "json", "--threads", "1"]);
    assert_eq!(run.code, 2, "{run:?}");
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("plugin `sandbox-probe`: ")
            && errors[0].contains("out-of-bounds memory access"),
        "{errors:?}"
    );
    let json = run.json();
    let verdicts: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "observed")
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts.len(), 32, "{verdicts:?}");
    assert!(
        verdicts.iter().all(|v| *v == "grown memory was zero"),
        "{verdicts:?}"
    );
}

/// A plugin built for 0.5.0 without the SDK (no `filters` in its metadata;
/// 0.6.0 added them): it loads, is handed every file its globs match, its
/// history check counts in applied migrations as 0.5.0 promised, and its
/// command check's `host.parse-sql` answers in 0.5.0's records.
#[test]
fn interface_0_5_plugins_still_run() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write("README.md", "Nothing about databases here.\n")
        .write(
            "prisma/schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
        )
        .write(
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        )
        .write(
            "prisma/migrations/01_users.sql",
            "CREATE TABLE IF NOT EXISTS users (id int);\n",
        )
        .write(
            "prisma/migrations/20240201000000_drop/migration.sql",
            "DROP TABLE users;\n",
        );
    let wasm = std::fs::read(build_plugin("legacy-v0-5")).expect("read plugin");
    pin_plugin(&repo, "legacy-v0-5", &wasm);
    repo.init_git();
    let found = |run: &crate::harness::Run, key: &str| -> Vec<String> {
        run.json()[key]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "legacy-v0-5")
            .map(|f| {
                format!(
                    "{} {}",
                    f["check"].as_str().unwrap_or(""),
                    f["path"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let run = repo.run(&["run", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    assert_eq!(
        found(&run, "findings"),
        [
            "handed CLAUDE.md",
            "handed README.md",
            "handed prisma/migrations/01_users.sql",
            "drop prisma/migrations/20240201000000_drop/migration.sql",
            "handed prisma/migrations/20240201000000_drop/migration.sql",
        ],
        "{run:?}"
    );
    // Committed on the deployed branch, the DROP is applied history.
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let run = repo.run(&["run", "--format", "json"]);
    let drop = "drop prisma/migrations/20240201000000_drop/migration.sql".to_owned();
    assert_eq!(
        found(&run, "history"),
        std::slice::from_ref(&drop),
        "{run:?}"
    );
    assert!(!found(&run, "findings").contains(&drop), "{run:?}");
    let guard = crate::harness::run_in(repo.path(), &["guard", "--", "SELECT", "1"]);
    assert!(guard.stderr.contains("parsed as SELECT"), "{guard:?}");
}

/// Content filters (0.6.0): the host hands a rule only the text files one
/// of its filters admits (a word, or a word on a line with another), lists
/// every matching path all the same, and narrows the base versions of
/// changed files alike.
#[test]
fn content_filters_narrow_what_a_rule_is_handed() {
    let repo = Repo::new();
    repo.with_agent_instructions();
    repo.write("README.md", "Run `psql -c 'select 1'` to look.\n")
        .write("guide.md", "Reset with `dropdb app`.\n")
        .write("docs/ops.md", "psql $URL\nDROP nothing\n")
        .write("docs/wipe.md", "PSQL -c 'Drop table t'\n")
        .write("db/01.sql", "CREATE TABLE t (id int);\n");
    let (run, messages) = run_test_plugin(&repo, "filter-probe");
    assert!(run.errors().is_empty(), "{run:?}");
    let located = |run: &crate::harness::Run| -> Vec<String> {
        run.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "filter-probe")
            .map(|f| f["path"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // README.md and CLAUDE.md hold no `dropdb`; docs/ops.md's `psql` is
    // not on a line with `drop`; docs/wipe.md's is (in any case); SQL has
    // no filter.
    assert_eq!(
        located(&run),
        ["db/01.sql", "docs/wipe.md", "guide.md"],
        "{run:?}"
    );
    let paths = r#"paths ["CLAUDE.md", "README.md", "db/01.sql", "docs/ops.md", "docs/wipe.md", "guide.md"]"#;
    assert!(messages.iter().all(|m| m.contains(paths)), "{messages:?}");

    // A change: the base versions of changed files are narrowed alike.
    repo.init_git();
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write("guide.md", "Nothing to see.\n")
        .write("README.md", "Nothing here either.\n")
        .write("docs/wipe.md", "psql -c 'drop table t'\n");
    repo.commit_all("change");
    let run = repo.run(&["run", "--base", "main", "--format", "json"]);
    assert!(run.errors().is_empty(), "{run:?}");
    // guide.md no longer holds its word: not handed now, but its base
    // version did, and is handed as one; README.md held none at the base.
    let new: Vec<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "filter-probe")
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let handed = r#"handed; paths ["CLAUDE.md", "README.md", "db/01.sql", "docs/ops.md", "docs/wipe.md", "guide.md"]; base files ["docs/wipe.md", "guide.md"]"#;
    assert_eq!(
        new,
        [
            format!("db/01.sql {handed}"),
            format!("docs/wipe.md {handed}")
        ],
        "{run:?}"
    );
}
