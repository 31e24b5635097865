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
";
    insta::assert_snapshot!(errors(text), @r"
    rules.toml:1:1: unknown key `unknown` (expected one of: include, exclude, max-file-size, limits, rules, plugins, guard)
    rules.toml:2:17: `max-file-size` must be a positive integer
    rules.toml:4:11: `time-ms` must be a positive integer, found string
    rules.toml:6:11: `enabled` must be true or false, found string
    rules.toml:7:12: invalid severity `fatal` for `severity` (expected error, warning, info or off)
    rules.toml:8:10: [plugins.x] needs `path` (the plugin's .wasm file)
    rules.toml:9:10: `sha256` must be 64 hexadecimal digits
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
