//! Output formats, determinism, the compiled-plugin cache and defaults.

use crate::harness::{Repo, with_probe};

/// A repository with findings of every kind: whole-file, spanned, multi-byte
/// text, a tab, a host finding for a non-UTF-8 file.
fn sample_repo() -> Repo {
    let repo = Repo::fixture("numbering-messy");
    repo.write("docs/a.probe", "probe é\n")
        .write("docs/b.probe", "\tprobe with a tab\n")
        .write("docs/c.probe", b"probe \xff\xfe not utf-8\n".as_slice())
        .write(
            "docs/d.probe",
            "probe # drift-ignore sandbox-probe/seen: a suppressed sample\n",
        );
    with_probe(&repo, "ok", "");
    repo
}

#[test]
fn text_output() {
    let run = sample_repo().run(&["run"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_output() {
    let run = sample_repo().run(&["run", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let run = sample_repo().run(&["run", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{run:?}");
    let sarif = run.json();
    // Validated against the official schema where the shared data has it;
    // the snapshot and the checks below run everywhere.
    if let Some(schema_path) =
        drift_syntax::testdata::shared_data("schemas/sarif-schema-2.1.0.json")
    {
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&schema_path)
                .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
        )
        .expect("schema is JSON");
        let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    }
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "inSource"),
        "suppressed finding marked"
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn github_output() {
    let run = sample_repo().run(&["run", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn junit_output() {
    let run = sample_repo().run(&["run", "--format", "junit"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn colour_quiet_and_deny_warnings() {
    let repo = Repo::fixture("numbering-clean");
    repo.write("prisma/migrations/03b_fix.sql", "SELECT 1;\n");
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 0, "a warning alone passes: {run:?}");
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when piped: {run:?}"
    );
    let run = repo.run(&["run", "--deny", "warnings"]);
    assert_eq!(run.code, 1, "--deny warnings fails on warnings: {run:?}");
    let run = repo.run(&["run", "--color", "always"]);
    // Bold yellow, as rustc and cargo colour a warning's header.
    assert!(
        run.stdout
            .contains("\x1b[1m\x1b[33mwarning[numbering/letter-suffix]"),
        "{run:?}"
    );
    let run = repo.run(&["run", "--quiet"]);
    assert!(
        !run.stdout.contains("drift-host:"),
        "no summary with --quiet: {run:?}"
    );
    assert!(
        run.stdout.contains("warning[numbering/letter-suffix]"),
        "{run:?}"
    );
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let repo = Repo::new();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n",
    );
    // Enough files that the per-file probe is split into many chunks.
    for i in 0..400 {
        let n = if i % 7 == 0 { i - 1 } else { i };
        repo.write(
            &format!("prisma/migrations/{n:04}_m{i}.sql"),
            format!("SELECT {i};\n"),
        );
        repo.write(&format!("notes/{i:04}.probe"), format!("probe {i}\n"));
    }
    with_probe(&repo, "ok", "");
    let outputs: Vec<String> = ["1", "2", "8", "2", "1"]
        .iter()
        .map(|threads| {
            let run = repo.run(&["run", "--format", "json", "--threads", threads]);
            assert_eq!(run.code, 1, "{run:?}");
            run.stdout
        })
        .collect();
    assert!(
        outputs.windows(2).all(|w| w[0] == w[1]),
        "outputs differ between thread counts"
    );
    let json: serde_json::Value = serde_json::from_str(&outputs[0]).expect("json");
    assert!(json["findings"].as_array().expect("findings").len() > 400);
}

#[test]
fn compiled_plugins_are_cached_unless_disabled() {
    let repo = Repo::fixture("numbering-clean");
    let cache = tempfile::tempdir().expect("tempdir");
    let run = |extra: &[&str]| {
        let mut args = vec!["run"];
        args.extend_from_slice(extra);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_drift-host"))
            .current_dir(repo.path())
            .args(&args)
            .env("DRIFT_HOST_CACHE_DIR", cache.path())
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    };
    let count = || {
        walkdir::WalkDir::new(cache.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
            .count()
    };
    run(&["--no-cache"]);
    assert_eq!(count(), 0, "--no-cache writes nothing");
    run(&[]);
    let cached = count();
    assert!(cached >= 1, "the built-in rules are cached");
    run(&[]);
    assert_eq!(count(), cached, "a warm run reuses the cache");
}

#[test]
fn embedded_default_config_applies_without_rules_toml() {
    let repo = Repo::fixture("numbering-messy");
    assert!(!repo.path().join("rules.toml").exists());
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(
        run.json()["summary"]["rules_run"],
        5,
        "every built-in rule: {run:?}"
    );
    assert!(!run.checks().is_empty());
}

#[test]
fn an_empty_folder_is_clean() {
    let repo = Repo::new();
    let run = repo.run(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout, @"drift-host: no problems found (0 files checked by 5 rules)");
}

#[test]
fn drift_ignore_comments_work_for_any_rule() {
    let repo = Repo::new();
    repo.write(
        "a.probe",
        "probe # drift-ignore sandbox-probe/seen: fixture data\n",
    )
    .write(
        "b.probe",
        "probe\n# drift-ignore sandbox-probe\nplain text\n",
    );
    with_probe(&repo, "ok", "");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.json()["summary"]["suppressed"], 1, "{run:?}");
    assert_eq!(
        run.checks(),
        [
            "sandbox-probe/seen",
            "drift-host/suppression-without-reason",
            "drift-host/unused-suppression"
        ],
        "{run:?}"
    );
}

#[test]
fn baseline_reports_only_new_findings_and_stale_entries() {
    let repo = Repo::new();
    repo.write("a.probe", "probe one\n")
        .write("b.probe", "probe two\n");
    with_probe(&repo, "ok", "");
    let run = repo.run(&["baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("wrote 2 findings to"), "{run:?}");
    assert!(repo.path().join(".drift-baseline.json").is_file());

    // Nothing new: both are baselined.
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.json()["summary"]["baselined"], 2, "{run:?}");
    assert!(run.checks().is_empty(), "{run:?}");

    // Lines shift, a new finding appears, an old one is fixed.
    repo.write("a.probe", "\n\nprobe one\n")
        .write("c.probe", "probe three\n");
    repo.remove("b.probe");
    let run = repo.run(&["run", "--format", "json"]);
    assert_eq!(run.json()["summary"]["baselined"], 1, "{run:?}");
    let findings = run.json()["findings"].clone();
    let pairs: Vec<(String, String)> = findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_owned(),
                f["check"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("b.probe".to_owned(), "stale-baseline-entry".to_owned()),
            ("c.probe".to_owned(), "seen".to_owned())
        ],
        "{run:?}"
    );
    // --no-baseline shows everything.
    let run = repo.run(&["run", "--format", "json", "--no-baseline"]);
    assert_eq!(run.checks().len(), 2, "{run:?}");
}
