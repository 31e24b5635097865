//! `rules.toml`: the configuration model and its loader.
//!
//! The file is parsed into toml's spanned document tree and converted by hand
//! rather than through `#[derive(Deserialize)]`: every unknown key, wrong type
//! or unknown rule id is reported with the file, line and column of the key
//! (all problems at once, not just the first), and rule options stay an opaque
//! JSON object that the rule's own plugin validates (see `Locator` for how
//! its complaints are mapped back to a position in the file).

#[doc(hidden)]
pub mod fuzzing;
pub mod guard;
mod locate;
pub mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use guard::{Decision, GuardPattern, GuardSettings, Policy};
pub use locate::Locator;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The configuration compiled into the binary, used when the repository has
/// no `rules.toml` and no `--config` is given.
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

/// The file name looked up at the repository root.
pub const FILE_NAME: &str = "rules.toml";

/// Default per-call wall-clock budget for a plugin.
pub const DEFAULT_TIME_MS: u64 = 10_000;
/// Default linear-memory cap for one plugin instance.
pub const DEFAULT_MEMORY_MIB: u64 = 512;
/// Default largest file handed to rules as text.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// A configured severity; `Off` disables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    /// `off | info | warning | error`, and the deprecated `warn` and
    /// `allow` (the configuration notes them, see [`deprecated_level`]).
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "error" => Level::Error,
            "warning" | "warn" => Level::Warning,
            "info" => Level::Info,
            "off" | "allow" => Level::Off,
            _ => return None,
        })
    }
}

/// The canonical spelling of a deprecated level (`warn`, `allow`), which
/// rules.toml and rule options still accept.
pub fn deprecated_level(text: &str) -> Option<&'static str> {
    match text {
        "warn" => Some("warning"),
        "allow" => Some("off"),
        _ => None,
    }
}

/// The note for a deprecated level.
pub fn deprecated_level_note(text: &str, canonical: &str) -> String {
    format!(
        "`{text}` is a deprecated spelling of `{canonical}`: levels are off, info, warning \
         or error everywhere in rules.toml"
    )
}

/// Resource budget for each plugin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub time_ms: u64,
    pub memory_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            time_ms: DEFAULT_TIME_MS,
            memory_mib: DEFAULT_MEMORY_MIB,
        }
    }
}

/// How one rule is configured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub enabled: Option<bool>,
    /// Overrides the severity of every check of the rule.
    pub severity: Option<Level>,
    /// Per-check severity, by check id.
    pub checks: BTreeMap<String, Level>,
    /// The rule's own options, validated by the rule.
    pub options: serde_json::Map<String, serde_json::Value>,
    /// Where the options live in the file, for error positions.
    pub options_path: Vec<String>,
}

/// A custom rule plugin to load.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginSpec {
    pub id: String,
    /// Resolved against the config file's folder.
    pub path: PathBuf,
    pub sha256: Option<String>,
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Display name of the file (`<default>` for the embedded one).
    pub origin: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    /// The git ref whose migrations count as applied in full scans
    /// (`applied-ref`); `None`: the remote's default branch.
    pub applied_ref: Option<String>,
    pub limits: Limits,
    /// Settings by rule id (built-in and plugin rules alike).
    pub rules: BTreeMap<String, RuleSettings>,
    pub plugins: Vec<PluginSpec>,
    pub guard: GuardSettings,
    /// `[dialect]`: the engine of the SQL files a glob matches, over what
    /// drift-host detects, in file order (the first match decides).
    pub dialects: Vec<(String, drift_syntax::dialect::Engine)>,
    pub locator: Locator,
    /// What is accepted but deserves a word (deprecated spellings), with
    /// positions; commands print them as notes on stderr.
    pub notes: Vec<ConfigError>,
}

/// A problem in the configuration, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// All the problems found in one configuration file.
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// The embedded default configuration.
    pub fn embedded() -> Self {
        // The default is tested to parse; a failure here is a build defect.
        #[allow(clippy::expect_used)]
        Self::parse(DEFAULT_CONFIG, "<default rules.toml>", Path::new("."))
            .expect("the embedded default rules.toml is valid")
    }

    /// Reads and parses `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read configuration {}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Self::parse(&text, &path.display().to_string(), base)?)
    }

    /// Parses configuration text. `origin` names the file in errors; plugin
    /// paths are resolved against `base_dir`.
    pub fn parse(text: &str, origin: &str, base_dir: &Path) -> Result<Self, ConfigErrors> {
        let doc = DeTable::parse(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let locator = Locator::empty(text, origin);
            let (line, column) = locator.position(offset);
            ConfigErrors(vec![ConfigError {
                file: origin.to_owned(),
                line,
                column,
                message: format!("invalid TOML: {}", e.message().trim()),
            }])
        })?;
        let locator = Locator::new(text, origin, doc.get_ref());
        let mut p = Parser {
            locator: &locator,
            errors: Vec::new(),
            notes: Vec::new(),
        };
        let mut config = Config {
            origin: origin.to_owned(),
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            applied_ref: None,
            limits: Limits::default(),
            rules: BTreeMap::new(),
            plugins: Vec::new(),
            guard: GuardSettings::default(),
            dialects: Vec::new(),
            locator: locator.clone(),
            notes: Vec::new(),
        };
        // `plugins` last: its tables may only add settings for ids that
        // [rules] does not configure, which needs [rules] parsed first.
        let mut entries: Vec<_> = doc.get_ref().iter().collect();
        entries.sort_by_key(|(key, _)| key.get_ref() == "plugins");
        for (key, value) in entries {
            let k = key.get_ref().as_ref();
            match k {
                "include" => config.include = p.globs(key, value),
                "exclude" => config.exclude = p.globs(key, value),
                "max-file-size" => {
                    if let Some(n) = p.positive_int(key, value) {
                        config.max_file_size = n;
                    }
                }
                "applied-ref" => config.applied_ref = p.string(key, value),
                "limits" => config.limits = p.limits(key, value),
                "guard" => config.guard = p.guard(key, value),
                "dialect" => config.dialects = p.dialects(key, value),
                "rules" => {
                    if let Some(table) = p.table(key, value) {
                        for (id, settings) in table {
                            let id_str = id.get_ref().to_string();
                            let path = vec!["rules".to_owned(), id_str.clone()];
                            if let Some(s) = p.rule(id, settings, path, false) {
                                config.rules.insert(id_str, s);
                            }
                        }
                    }
                }
                "plugins" => {
                    if let Some(table) = p.table(key, value) {
                        for (id, spec) in table {
                            p.plugin(base_dir, id, spec, &mut config);
                        }
                    }
                }
                _ => p.error_at(
                    key.span().start,
                    format!(
                        "unknown key `{k}` (expected one of: include, exclude, max-file-size, \
                         applied-ref, limits, dialect, rules, plugins, guard)"
                    ),
                ),
            }
        }
        if p.errors.is_empty() {
            p.notes.sort_by_key(|e| (e.line, e.column));
            config.notes = p.notes;
            Ok(config)
        } else {
            p.errors.sort_by_key(|e| (e.line, e.column));
            Err(ConfigErrors(p.errors))
        }
    }

    /// Settings for `rule` (defaults when the file does not mention it).
    pub fn rule(&self, rule: &str) -> RuleSettings {
        self.rules
            .get(rule)
            .cloned()
            .unwrap_or_else(|| RuleSettings {
                options_path: vec!["rules".to_owned(), rule.to_owned()],
                ..RuleSettings::default()
            })
    }

    /// Errors for `[rules.<id>]` tables naming no known rule, and for
    /// per-check settings naming no check of their rule.
    pub fn check_rule_ids(&self, known: &BTreeMap<String, Vec<String>>) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        for (id, settings) in &self.rules {
            let Some(checks) = known.get(id) else {
                let names: Vec<&str> = known.keys().map(String::as_str).collect();
                errors.push(self.locator.error(
                    &settings.options_path,
                    format!(
                        "unknown rule `{id}` (known rules: {}; custom rules need a \
                         [plugins.{id}] table)",
                        names.join(", ")
                    ),
                ));
                continue;
            };
            for check in settings.checks.keys() {
                if !checks.contains(check) {
                    let mut path = settings.options_path.clone();
                    path.truncate(2);
                    path.push("checks".to_owned());
                    path.push(check.clone());
                    errors.push(self.locator.error(
                        &path,
                        format!(
                            "rule `{id}` has no check `{check}` (its checks: {})",
                            checks.join(", ")
                        ),
                    ));
                }
            }
        }
        errors
    }
}

struct Parser<'a> {
    locator: &'a Locator,
    errors: Vec<ConfigError>,
    notes: Vec<ConfigError>,
}

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

impl Parser<'_> {
    fn error_at(&mut self, offset: usize, message: String) {
        let (line, column) = self.locator.position(offset);
        self.errors.push(ConfigError {
            file: self.locator.origin().to_owned(),
            line,
            column,
            message,
        });
    }

    fn type_error(&mut self, key: &Key<'_>, value: &Value<'_>, expected: &str) {
        self.error_at(
            value.span().start,
            format!(
                "`{}` must be {expected}, found {}",
                key.get_ref(),
                value.get_ref().type_str()
            ),
        );
    }

    fn table<'v, 'i>(&mut self, key: &Key<'_>, value: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.type_error(key, value, "a table");
                None
            }
        }
    }

    fn string(&mut self, key: &Key<'_>, value: &Value<'_>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.type_error(key, value, "a string");
                None
            }
        }
    }

    fn bool(&mut self, key: &Key<'_>, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.type_error(key, value, "true or false");
                None
            }
        }
    }

    fn positive_int(&mut self, key: &Key<'_>, value: &Value<'_>) -> Option<u64> {
        match value.get_ref() {
            DeValue::Integer(i) => match u64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    self.error_at(
                        value.span().start,
                        format!("`{}` must be a positive integer", key.get_ref()),
                    );
                    None
                }
            },
            _ => {
                self.type_error(key, value, "a positive integer");
                None
            }
        }
    }

    fn level(&mut self, key: &Key<'_>, value: &Value<'_>) -> Option<Level> {
        let s = self.string(key, value)?;
        let level = Level::parse(&s);
        if let Some(canonical) = deprecated_level(&s) {
            let (line, column) = self.locator.position(value.span().start);
            self.notes.push(ConfigError {
                file: self.locator.origin().to_owned(),
                line,
                column,
                message: deprecated_level_note(&s, canonical),
            });
        }
        if level.is_none() {
            self.error_at(
                value.span().start,
                format!(
                    "invalid severity `{s}` for `{}` (expected off, info, warning or error)",
                    key.get_ref()
                ),
            );
        }
        level
    }

    /// An array of strings, each checked by `accept` (whose `Err` is the
    /// message at that string); returns the accepted ones with their
    /// offsets. `what` names the strings in type errors ("glob").
    fn strings(
        &mut self,
        key: &Key<'_>,
        value: &Value<'_>,
        what: &str,
        accept: impl Fn(&str) -> Result<(), String>,
    ) -> Vec<(String, usize)> {
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, &format!("an array of {what} strings"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let start = item.span().start;
            match item.get_ref() {
                DeValue::String(s) => match accept(s) {
                    Ok(()) => out.push((s.to_string(), start)),
                    Err(message) => self.error_at(start, message),
                },
                other => self.error_at(
                    start,
                    format!(
                        "`{}` must contain {what} strings, found {}",
                        key.get_ref(),
                        other.type_str()
                    ),
                ),
            }
        }
        out
    }

    fn globs(&mut self, key: &Key<'_>, value: &Value<'_>) -> Vec<String> {
        let name = key.get_ref().to_string();
        self.strings(key, value, "glob", |s| {
            globset::Glob::new(s)
                .map(drop)
                .map_err(|e| format!("invalid glob `{s}` in `{name}`: {}", e.kind()))
        })
        .into_iter()
        .map(|(s, _)| s)
        .collect()
    }

    fn guard(&mut self, key: &Key<'_>, value: &Value<'_>) -> GuardSettings {
        let mut guard = GuardSettings::default();
        let Some(table) = self.table(key, value) else {
            return guard;
        };
        for (key, value) in table {
            let name = key.get_ref().to_string();
            let list = match name.as_str() {
                "allow" => &mut guard.allow,
                "deny" => &mut guard.deny,
                "policy" => {
                    self.guard_policy(key, value, &mut guard.policy);
                    continue;
                }
                other => {
                    self.error_at(
                        key.span().start,
                        format!("unknown key `{other}` in [guard] (expected allow, deny, policy)"),
                    );
                    continue;
                }
            };
            let patterns =
                self.strings(key, value, "command", |s| match guard::Pattern::parse(s) {
                    Some(_) => Ok(()),
                    None => Err(format!(
                        "`{s}` in `{name}` is not a command pattern: give the program and its \
                     leading words, e.g. \"prisma migrate reset\""
                    )),
                });
            for (pattern, start) in patterns {
                let (line, column) = self.locator.position(start);
                list.push(GuardPattern {
                    pattern,
                    at: format!("{}:{line}:{column}", self.locator.origin()),
                });
            }
        }
        guard
    }

    /// `[guard.policy]`: cell = "allow" | "ask" | "deny".
    fn guard_policy(&mut self, key: &Key<'_>, value: &Value<'_>, policy: &mut Policy) {
        let Some(table) = self.table(key, value) else {
            return;
        };
        let keys: Vec<&str> = drift_syntax::hazard::Cell::ALL
            .iter()
            .map(|c| c.key())
            .chain([Policy::OTHER])
            .collect();
        for (key, value) in table {
            let name = key.get_ref().to_string();
            if !keys.contains(&name.as_str()) {
                self.error_at(
                    key.span().start,
                    format!(
                        "unknown key `{name}` in [guard.policy] (expected {})",
                        keys.join(", ")
                    ),
                );
                continue;
            }
            let Some(text) = self.string(key, value) else {
                continue;
            };
            match Decision::parse(&text) {
                Some(decision) => {
                    policy.set(&name, decision);
                }
                None => self.error_at(
                    value.span().start,
                    format!("`{name}` in [guard.policy] must be \"allow\", \"ask\" or \"deny\", found \"{text}\""),
                ),
            }
        }
    }

    /// `[dialect]`: glob = engine id, kept in file order.
    fn dialects(
        &mut self,
        key: &Key<'_>,
        value: &Value<'_>,
    ) -> Vec<(String, drift_syntax::dialect::Engine)> {
        use drift_syntax::dialect::Engine;
        let Some(table) = self.table(key, value) else {
            return Vec::new();
        };
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        let mut out = Vec::new();
        for (glob, value) in entries {
            let pattern = glob.get_ref().to_string();
            if let Err(e) = globset::Glob::new(&pattern) {
                self.error_at(
                    glob.span().start,
                    format!("invalid glob `{pattern}` in [dialect]: {}", e.kind()),
                );
                continue;
            }
            let Some(name) = self.string(glob, value) else {
                continue;
            };
            match Engine::from_id(&name) {
                Some(engine) => out.push((pattern, engine)),
                None => {
                    let ids: Vec<&str> = Engine::ALL.iter().map(|e| e.id()).collect();
                    self.error_at(
                        value.span().start,
                        format!(
                            "unknown dialect `{name}` for `{pattern}` (expected one of: {})",
                            ids.join(", ")
                        ),
                    );
                }
            }
        }
        out
    }

    fn limits(&mut self, key: &Key<'_>, value: &Value<'_>) -> Limits {
        let mut limits = Limits::default();
        let Some(table) = self.table(key, value) else {
            return limits;
        };
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "time-ms" => {
                    if let Some(n) = self.positive_int(key, value) {
                        limits.time_ms = n;
                    }
                }
                "memory-mib" => {
                    if let Some(n) = self.positive_int(key, value) {
                        limits.memory_mib = n;
                    }
                }
                other => self.error_at(
                    key.span().start,
                    format!("unknown key `{other}` in [limits] (expected time-ms, memory-mib)"),
                ),
            }
        }
        limits
    }

    /// Parses a rule table. In `[rules.<id>]` unknown keys are the rule's
    /// options; in `[plugins.<id>]` (`in_plugin`) options sit in `options`.
    fn rule(
        &mut self,
        id: &Key<'_>,
        value: &Value<'_>,
        path: Vec<String>,
        in_plugin: bool,
    ) -> Option<RuleSettings> {
        let table = self.table(id, value)?;
        let mut settings = RuleSettings {
            options_path: path.clone(),
            ..RuleSettings::default()
        };
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "enabled" => settings.enabled = self.bool(key, value),
                "severity" => settings.severity = self.level(key, value),
                "checks" => {
                    if let Some(checks) = self.table(key, value) {
                        for (check, level) in checks {
                            if let Some(level) = self.level(check, level) {
                                settings.checks.insert(check.get_ref().to_string(), level);
                            }
                        }
                    }
                }
                "path" | "sha256" if in_plugin => {}
                "options" if in_plugin => {
                    if let Some(options) = self.table(key, value) {
                        settings.options = to_json_table(options);
                        settings.options_path.push("options".to_owned());
                    }
                }
                other if in_plugin => self.error_at(
                    key.span().start,
                    format!(
                        "unknown key `{other}` in [plugins.{}] (expected path, sha256, enabled, \
                         severity, checks, options)",
                        id.get_ref()
                    ),
                ),
                other => {
                    settings
                        .options
                        .insert(other.to_owned(), to_json(value.get_ref()));
                }
            }
        }
        Some(settings)
    }

    fn plugin(&mut self, base_dir: &Path, id: &Key<'_>, value: &Value<'_>, config: &mut Config) {
        let id_str = id.get_ref().to_string();
        let Some(table) = self.table(id, value) else {
            return;
        };
        let mut path = None;
        let mut sha256 = None;
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "path" => path = self.string(key, value),
                "sha256" => {
                    if let Some(s) = self.string(key, value) {
                        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                            sha256 = Some(s.to_ascii_lowercase());
                        } else {
                            self.error_at(
                                value.span().start,
                                "`sha256` must be 64 hexadecimal digits".to_owned(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        let Some(path) = path else {
            self.error_at(
                id.span().start,
                format!("[plugins.{id_str}] needs `path` (the plugin's .wasm file)"),
            );
            return;
        };
        let rule_path = vec!["plugins".to_owned(), id_str.clone()];
        if let Some(settings) = self.rule(id, value, rule_path, true) {
            let mentions_settings = settings.enabled.is_some()
                || settings.severity.is_some()
                || !settings.checks.is_empty()
                || settings.options_path.len() > 2;
            if config.rules.contains_key(&id_str) && mentions_settings {
                self.error_at(
                    id.span().start,
                    format!(
                        "`{id_str}` is configured both in [rules.{id_str}] and in \
                         [plugins.{id_str}]: keep one"
                    ),
                );
            } else if mentions_settings {
                config.rules.insert(id_str.clone(), settings);
            }
        }
        config.plugins.push(PluginSpec {
            id: id_str,
            path: base_dir.join(path),
            sha256,
        });
    }
}

fn to_json_table(table: &DeTable<'_>) -> serde_json::Map<String, serde_json::Value> {
    table
        .iter()
        .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
        .collect()
}

fn to_json(value: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(J::from)
            .unwrap_or_else(|_| J::String(i.as_str().to_owned())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(J::Null, J::Number),
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(d) => J::String(d.to_string()),
        DeValue::Array(items) => J::Array(items.iter().map(|v| to_json(v.get_ref())).collect()),
        DeValue::Table(t) => J::Object(to_json_table(t)),
    }
}

#[cfg(test)]
mod tests;
