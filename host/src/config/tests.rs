use super::*;

fn parse(text: &str) -> Result<Config, ConfigErrors> {
    Config::parse(text, "rules.toml", Path::new("/repo"))
}

fn errors(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn embedded_default_parses() {
    let config = Config::embedded();
    assert!(config.rules.contains_key("numbering"));
    assert_eq!(config.limits, Limits::default());
}

#[test]
fn full_config_round_trips() {
    let config = parse(
        r#"
include = ["server/**"]
exclude = ["fixtures/**"]
max-file-size = 1024

[limits]
time-ms = 500
memory-mib = 64

[rules.numbering]
severity = "warning"
checks = { gap = "off", duplicate-number = "error" }
letter-suffix = "error"
migration-dirs = ["a/migrations"]

[plugins.tenant]
path = "rules/tenant.wasm"
sha256 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
options = { column = "orgId" }
"#,
    )
    .map_err(|e| e.to_string())
    .unwrap();
    assert_eq!(config.include, ["server/**"]);
    assert_eq!(config.exclude, ["fixtures/**"]);
    assert_eq!(config.max_file_size, 1024);
    assert_eq!(
        config.limits,
        Limits {
            time_ms: 500,
            memory_mib: 64
        }
    );
    let numbering = &config.rules["numbering"];
    assert_eq!(numbering.severity, Some(Level::Warning));
    assert_eq!(numbering.checks["gap"], Level::Off);
    assert_eq!(
        serde_json::Value::Object(numbering.options.clone()),
        serde_json::json!({"letter-suffix": "error", "migration-dirs": ["a/migrations"]})
    );
    assert_eq!(config.plugins.len(), 1);
    assert_eq!(config.plugins[0].path, Path::new("/repo/rules/tenant.wasm"));
    assert_eq!(
        config.plugins[0].sha256.as_deref(),
        Some("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")
    );
    assert_eq!(
        config.rules["tenant"].options_path,
        ["plugins", "tenant", "options"]
    );
}

#[test]
fn reports_every_problem_with_position() {
    let text = "\
unknown = 1
max-file-size = -3
[limits]
time-ms = \"fast\"
[rules.numbering]
enabled = \"yes\"
severity = \"fatal\"
[plugins.x]
sha256 = \"nope\"
[dialect]
\"a/[b\" = \"mysql\"
\"c/**\" = 3
\"d/**\" = \"oracle\"
";
    insta::assert_snapshot!(errors(text), @r"
    rules.toml:1:1: unknown key `unknown` (expected one of: include, exclude, max-file-size, applied-ref, limits, dialect, rules, plugins, guard)
    rules.toml:2:17: `max-file-size` must be a positive integer
    rules.toml:4:11: `time-ms` must be a positive integer, found string
    rules.toml:6:11: `enabled` must be true or false, found string
    rules.toml:7:12: invalid severity `fatal` for `severity` (expected off, info, warning or error)
    rules.toml:8:10: [plugins.x] needs `path` (the plugin's .wasm file)
    rules.toml:9:10: `sha256` must be 64 hexadecimal digits
    rules.toml:11:1: invalid glob `a/[b` in [dialect]: unclosed character class; missing ']'
    rules.toml:12:10: `c/**` must be a string, found integer
    rules.toml:13:10: unknown dialect `oracle` for `d/**` (expected one of: postgresql, clickhouse, mysql, sqlite, sqlserver)
    ");
}

#[test]
fn syntax_error_has_position() {
    insta::assert_snapshot!(errors("[rules.numbering\nenabled = true\n"), @"rules.toml:1:17: invalid TOML: unclosed table, expected `]`");
}

#[test]
fn unknown_rule_and_check_ids() {
    let config =
        parse("[rules.numbring]\n[rules.numbering]\nchecks = { gapp = \"off\" }\n").unwrap();
    let known = BTreeMap::from([("numbering".to_owned(), vec!["gap".to_owned()])]);
    let errors: Vec<String> = config
        .check_rule_ids(&known)
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(errors.join("\n"), @r"
    rules.toml:3:12: rule `numbering` has no check `gapp` (its checks: gap)
    rules.toml:1:8: unknown rule `numbring` (known rules: numbering; custom rules need a [plugins.numbring] table)
    ");
}

#[test]
fn locator_finds_nested_option_keys() {
    let config = parse("[rules.numbering]\nmigration-dirs = [\"a\", 3]\n").unwrap();
    let path: Vec<String> = ["rules", "numbering", "migration-dirs", "1"]
        .map(String::from)
        .into();
    assert_eq!(config.locator.locate(&path), (2, 24));
    let missing: Vec<String> = ["rules", "numbering", "nope"].map(String::from).into();
    assert_eq!(config.locator.locate(&missing), (1, 8));
}

#[test]
fn settings_in_both_places_conflict() {
    let text =
        "[rules.t]\nseverity = \"warning\"\n[plugins.t]\npath = \"t.wasm\"\nseverity = \"error\"\n";
    assert!(errors(text).contains("configured both in [rules.t] and in [plugins.t]"));
}

/// The `config` fuzz target's regressions (`tests/fuzz/regressions/config/`,
/// minimised inputs that once crashed it) and edge cases, through the same
/// checks as the target: no panic, every error position inside the text.
#[test]
fn fuzz_regressions_and_edge_cases_keep_the_invariants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz/regressions/config");
    let mut cases: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("read_dir").path())
        .filter(|path| path.file_name().is_some_and(|n| n != "README.md"))
        .filter_map(|path| {
            // The target skips non-UTF-8 input, so no regression is one.
            let text = String::from_utf8(std::fs::read(&path).expect("read")).ok()?;
            Some((path.display().to_string(), text))
        })
        .collect();
    cases.sort();
    let deep_arrays = format!("include = {}{}", "[".repeat(5_000), "]".repeat(5_000));
    let deep_tables = format!(
        "[rules.x]\na = {}1{}",
        "{ b = ".repeat(5_000),
        " }".repeat(5_000)
    );
    for text in [
        "",
        "\n",
        "=",
        "[",
        "[[rules]]",
        "rules = 1",
        "[rules]\nx = 1",
        "[rules.x]\nchecks = 1",
        "[plugins]\nx = 1",
        "[plugins.x]\npath = 1\nsha256 = \"é\"",
        "max-file-size = 0x_1",
        "max-file-size = 99999999999999999999999",
        "[limits]\ntime-ms = -0\nmemory-mib = 1e3",
        "include = [\"[\", \"{a\", \"**/é\"]",
        "[rules.x]\na = inf\nb = nan\nc = 1979-05-27T07:32:00Z\nd = 0o777\ne = -0x1",
        "é = 1\r\n[rules.\"ü\"]\r\nchecks = { \"☃\" = \"off\" }",
        "\u{feff}[rules.numbering]",
        "a = \"\\u00e9",
        "a = '''\n\n",
        deep_arrays.as_str(),
        deep_tables.as_str(),
    ] {
        cases.push((
            format!("{:?}", text.get(..60).unwrap_or(text)),
            text.to_owned(),
        ));
    }
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, text)| {
            fuzzing::check_config(text)
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
