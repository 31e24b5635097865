//! Setting up a run: the repository folder, its configuration, and the
//! rules loaded and configured from it.
//!
//! Built-ins and configured plugins load in parallel; a plugin that fails
//! to load is an error of the run, and the other rules still run. Options
//! are validated by each rule's own plugin, and its complaints are mapped
//! back to positions in rules.toml. Shared by every command that runs
//! rules: `run`, `baseline`, `guard`, and the commands that describe them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::builtins::{BUILTINS, is_builtin};
use crate::config::{self, Config, ConfigError, ConfigErrors, Level, RuleSettings};
use crate::diagnostic::{CheckMeta, Severity};
use crate::plugin::{CallLimits, Origin, Plugin, PluginError, Runtime};
use crate::wire;

/// A rule ready to run: its plugin and its resolved settings.
#[derive(Debug)]
pub struct ActiveRule {
    pub plugin: Arc<Plugin>,
    pub settings: RuleSettings,
    /// The rule's options as JSON, as every call of the rule receives them.
    pub options_json: Arc<str>,
}

impl ActiveRule {
    /// A finding's severity: per-check configuration, then the rule's, then
    /// the finding's own, then the check's default. `None`: configured
    /// `off`.
    pub fn severity(&self, check: &CheckMeta, own: Option<wire::Severity>) -> Option<Severity> {
        let configured = self
            .settings
            .checks
            .get(&check.id)
            .copied()
            .or(self.settings.severity);
        match configured {
            Some(level) => level_to_severity(level),
            None => Some(own.map_or(check.default_severity, |s| match s {
                wire::Severity::Error => Severity::Error,
                wire::Severity::Warning => Severity::Warning,
                wire::Severity::Info => Severity::Info,
            })),
        }
    }
}

fn level_to_severity(level: Level) -> Option<Severity> {
    match level {
        Level::Error => Some(Severity::Error),
        Level::Warning => Some(Severity::Warning),
        Level::Info => Some(Severity::Info),
        Level::Off => None,
    }
}

pub fn resolve_root(path: &Path) -> Result<PathBuf> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path.to_path_buf()),
        Ok(_) => bail!(
            "{} is a file: pass the repository folder to check",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "{} does not exist: pass the repository folder to check",
                path.display()
            )
        }
        Err(e) => bail!("cannot access {}: {e}", path.display()),
    }
}

pub fn load_config(explicit: Option<&Path>, root: &Path) -> Result<Config> {
    if let Some(path) = explicit {
        return Config::load(path);
    }
    let default_path = root.join(config::FILE_NAME);
    if default_path.is_file() {
        let display = default_path
            .strip_prefix(".")
            .map(Path::to_path_buf)
            .unwrap_or(default_path);
        Config::load(&display)
    } else {
        Ok(Config::embedded())
    }
}

/// Loads built-ins and configured plugins, in parallel. A plugin that fails
/// to load is an error; the others still run.
pub fn load_plugins(
    runtime: &Runtime,
    config: &Config,
    limits: CallLimits,
) -> (Vec<Arc<Plugin>>, Vec<PluginError>) {
    enum Job<'a> {
        BuiltIn(&'a crate::builtins::Builtin),
        Custom(&'a config::PluginSpec),
    }
    let mut jobs: Vec<Job<'_>> = BUILTINS.iter().map(Job::BuiltIn).collect();
    jobs.extend(config.plugins.iter().map(Job::Custom));
    let results: Vec<Result<Plugin, PluginError>> = jobs
        .par_iter()
        .map(|job| match job {
            Job::BuiltIn(builtin) => {
                let plugin = runtime.load_builtin(builtin, limits)?;
                if plugin.meta.id != builtin.id {
                    return Err(PluginError {
                        plugin: builtin.id.to_owned(),
                        message: format!("built-in declares id `{}`", plugin.meta.id),
                    });
                }
                Ok(plugin)
            }
            Job::Custom(spec) => load_custom(runtime, spec, limits),
        })
        .collect();
    let mut plugins = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(p) => plugins.push(Arc::new(p)),
            Err(e) => errors.push(e),
        }
    }
    (plugins, errors)
}

fn load_custom(
    runtime: &Runtime,
    spec: &config::PluginSpec,
    limits: CallLimits,
) -> Result<Plugin, PluginError> {
    let err = |message: String| PluginError {
        plugin: spec.id.clone(),
        message,
    };
    if is_builtin(&spec.id) {
        return Err(err(format!(
            "`{}` is a built-in rule id; give the custom plugin its own id",
            spec.id
        )));
    }
    let bytes = std::fs::read(&spec.path)
        .map_err(|e| err(format!("cannot read {}: {e}", spec.path.display())))?;
    let Some(sha256) = spec.sha256.as_deref() else {
        return Err(err(format!(
            "custom plugins must be pinned: add `sha256 = \"{}\"` to [plugins.{}] after checking \
             that {} is the build you expect",
            crate::plugin::sha256_hex(&bytes),
            spec.id,
            spec.path.display()
        )));
    };
    let plugin = runtime.load(
        &spec.id,
        &bytes,
        Origin::Path(spec.path.clone()),
        Some(sha256),
        limits,
    )?;
    if is_builtin(&plugin.meta.id) {
        return Err(err(format!(
            "declares the built-in rule id `{}`; a plugin may not replace a built-in rule",
            plugin.meta.id
        )));
    }
    if plugin.meta.id != spec.id {
        return Err(err(format!(
            "{} declares rule id `{}`, but is configured as [plugins.{}]: use the same id",
            spec.path.display(),
            plugin.meta.id,
            spec.id
        )));
    }
    Ok(plugin)
}

/// Validates rule ids, checks and options against the loaded plugins, and
/// returns the rules to run.
pub fn configure(
    config: &Config,
    plugins: &[Arc<Plugin>],
    load_errors: &mut Vec<PluginError>,
    limits: CallLimits,
) -> Result<Configured> {
    let mut known: BTreeMap<String, Vec<String>> = plugins
        .iter()
        .map(|p| {
            (
                p.meta.id.clone(),
                p.meta.checks.iter().map(|c| c.id.clone()).collect(),
            )
        })
        .collect();
    // A configured plugin that failed to load is still a known id: its
    // failure is reported once, as a plugin error.
    let failed: Vec<&str> = load_errors.iter().map(|e| e.plugin.as_str()).collect();
    let mut errors: Vec<ConfigError> = config
        .check_rule_ids(&known)
        .into_iter()
        .filter(|e| {
            !failed
                .iter()
                .any(|id| e.message.contains(&format!("unknown rule `{id}`")))
        })
        .collect();
    known.clear();

    let mut rules = Vec::new();
    let validations: Vec<_> = plugins
        .par_iter()
        .filter_map(|plugin| {
            let settings = config.rule(&plugin.meta.id);
            if settings.enabled == Some(false) || settings.severity == Some(Level::Off) {
                return None;
            }
            let options_json = serde_json::Value::Object(settings.options.clone()).to_string();
            let result = plugin.validate_options(limits, &options_json);
            let deprecated = match &result {
                Ok(problems) if problems.is_empty() => {
                    deprecated_levels(plugin, limits, &settings.options)
                }
                _ => Vec::new(),
            };
            Some((plugin.clone(), settings, options_json, result, deprecated))
        })
        .collect();
    let mut notes = Vec::new();
    for (plugin, settings, options_json, result, deprecated) in validations {
        for (path, text, canonical) in deprecated {
            let mut at = settings.options_path.clone();
            at.extend(path);
            notes.push(
                config
                    .locator
                    .error(&at, config::deprecated_level_note(&text, canonical)),
            );
        }
        match result {
            Ok(problems) if problems.is_empty() => rules.push(ActiveRule {
                plugin,
                settings,
                options_json: options_json.into(),
            }),
            Ok(problems) => {
                for problem in problems {
                    let mut path = settings.options_path.clone();
                    path.extend(
                        problem
                            .key
                            .split('.')
                            .filter(|k| !k.is_empty())
                            .map(str::to_owned),
                    );
                    errors.push(config.locator.error(
                        &path,
                        format!(
                            "rule `{}`: invalid option{}: {}",
                            plugin.meta.id,
                            if problem.key.is_empty() {
                                String::new()
                            } else {
                                format!(" `{}`", problem.key)
                            },
                            problem.message
                        ),
                    ));
                }
            }
            Err(e) => load_errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.column));
        return Err(ConfigErrors(errors).into());
    }
    rules.sort_by(|a, b| a.plugin.meta.id.cmp(&b.plugin.meta.id));
    notes.sort_by_key(|e| (e.line, e.column));
    Ok(Configured { rules, notes })
}

/// The rules of a run, and notes about their options.
#[derive(Debug)]
pub struct Configured {
    /// Sorted by id.
    pub rules: Vec<ActiveRule>,
    /// Deprecated level spellings in the rules' options, with positions.
    pub notes: Vec<ConfigError>,
}

/// The option values of `plugin` that are deprecated level spellings
/// (`warn`, `allow`): key path, text, canonical spelling. Rules do not say
/// which options are levels, so the plugin is asked: a value is a level
/// when the rule accepts it spelled canonically and refuses a word that is
/// no level at all in its place. A free-form string option accepts both,
/// and a custom rule whose own `"allow"` means something else refuses
/// `"off"`: neither gets a note.
fn deprecated_levels(
    plugin: &Plugin,
    limits: CallLimits,
    options: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(Vec<String>, String, &'static str)> {
    fn walk(
        value: &mut serde_json::Value,
        path: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, String, &'static str)>,
    ) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(canonical) = config::deprecated_level(text) {
                    out.push((path.clone(), text.clone(), canonical));
                    *text = canonical.to_owned();
                }
            }
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    path.push(key.clone());
                    walk(value, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let accepts = |options: &serde_json::Value| matches!(plugin.validate_options(limits, &options.to_string()), Ok(p) if p.is_empty());
    let mut canonical = serde_json::Value::Object(options.clone());
    let mut found = Vec::new();
    walk(&mut canonical, &mut Vec::new(), &mut found);
    if found.is_empty() || !accepts(&canonical) {
        return Vec::new();
    }
    found
        .into_iter()
        .filter(|(path, _, _)| {
            let mut probe = canonical.clone();
            let slot = path.iter().try_fold(&mut probe, |v, key| v.get_mut(key));
            if let Some(slot) = slot {
                *slot = serde_json::Value::String("\u{1}not a level".to_owned());
            }
            !accepts(&probe)
        })
        .collect()
}

/// Every plugin `config` names (built-ins included), sorted by id; the
/// first one that fails to load is the error.
pub fn all_plugins(config: &Config) -> Result<Vec<Arc<Plugin>>> {
    let runtime = Runtime::new(crate::plugin::cache::default_dir())?;
    let (mut plugins, errors) = load_plugins(&runtime, config, config.limits);
    if let Some(e) = errors.first() {
        bail!("{e}");
    }
    plugins.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Ok(plugins)
}
