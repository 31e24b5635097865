//! The `run` command: configuration, plugins, snapshot, engine, output.
//!
//! Failures before any rule ran (bad path, bad config, git problems) return
//! an error and exit code 2; plugin failures during the run are collected as
//! errors beside the findings, so the other rules still report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::baseline;
use crate::builtins::{BUILTINS, is_builtin};
use crate::cli::{
    BaselineArgs, Color, Deny, ExplainArgs, Format, GuardArgs, Hook, InitArgs, NewRuleArgs,
    PinArgs, RulesArgs, RunArgs,
};
use crate::config::{self, Config, ConfigError, ConfigErrors, Level};
use crate::diagnostic::{RunError, Severity};
use crate::engine::{self, ActiveRule, Report};
use crate::guard;
use crate::output;
use crate::plugin::{CallLimits, Origin, Plugin, PluginError, Runtime};
use crate::snapshot::{Filter, Snapshot, Source};

/// Process exit codes (a public contract, documented in README.md).
pub mod exit {
    /// No error-severity finding.
    pub const CLEAN: u8 = 0;
    /// At least one error-severity finding.
    pub const FINDINGS: u8 = 1;
    /// Usage, configuration, plugin or I/O failure.
    pub const FAILURE: u8 = 2;
}

pub fn run(args: &RunArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let config = load_config(args.config.as_deref(), &root)?;
    let source = match (&args.base, args.staged) {
        (Some(base), _) => Source::Base(base.clone()),
        (None, true) => Source::Staged,
        (None, false) => match github_pull_request_base() {
            Some(base) => {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!(
                        "drift-host: checking against {base} (GITHUB_BASE_REF of this pull request)"
                    );
                }
                Source::Base(base)
            }
            None => Source::WorkingTree,
        },
    };
    let threads = args.threads.map(usize::from);
    let started = std::time::Instant::now();
    let mut report = check(&root, &config, &source, threads, args.no_cache)?;
    if args.timings {
        #[allow(clippy::print_stderr)]
        {
            for (phase, took) in &report.timings {
                eprintln!("timing {phase} {:.3} ms", took.as_secs_f64() * 1e3);
            }
            eprintln!(
                "timing total {:.3} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }

    let baseline_path = match &args.baseline {
        Some(path) => Some(path.clone()),
        None if args.no_baseline => None,
        None => Some(root.join(baseline::FILE_NAME)).filter(|p| p.is_file()),
    };
    if let Some(path) = baseline_path {
        let entries = baseline::read(&path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        report.baselined = baseline::apply(&mut report.findings, &entries, &report.sources, &name);
        crate::diagnostic::sort_findings(&mut report.findings);
    }

    let style = output::Style {
        color: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                use std::io::IsTerminal;
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        },
        quiet: args.quiet,
    };
    output::render(args.format, &report, style, stdout)?;
    Ok(exit_code(&report, args.deny == Some(Deny::Warnings)))
}

/// In a GitHub Actions pull-request run, the PR's base branch.
fn github_pull_request_base() -> Option<String> {
    if std::env::var("GITHUB_ACTIONS").ok()? != "true" {
        return None;
    }
    let base = std::env::var("GITHUB_BASE_REF").ok()?;
    (!base.is_empty()).then(|| format!("origin/{base}"))
}

fn exit_code(report: &Report, deny_warnings: bool) -> u8 {
    let fails = |s: Severity| s == Severity::Error || (deny_warnings && s == Severity::Warning);
    if !report.errors.is_empty() {
        exit::FAILURE
    } else if report.findings.iter().any(|f| fails(f.severity)) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Loads plugins, takes the snapshot and runs the rules: everything a
/// report needs, shared by `run` and `baseline`.
fn check(
    root: &Path,
    config: &Config,
    source: &Source,
    threads: Option<usize>,
    no_cache: bool,
) -> Result<Report> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let cache_dir = if no_cache {
        None
    } else {
        crate::plugin::cache::default_dir()
    };
    let runtime = Runtime::new(cache_dir)?;
    let limits = config.limits;
    pool.install(|| -> Result<Report> {
        let started = std::time::Instant::now();
        // Loading plugins (mapping compiled code) and walking the tree are
        // independent: overlapped, the shorter one is free.
        let (loaded, snapshot) = rayon::join(
            || {
                let (plugins, mut load_errors) = load_plugins(&runtime, config, limits);
                configure(config, &plugins, &mut load_errors, limits)
                    .map(|rules| (rules, load_errors))
            },
            || {
                let filter = Filter::new(&config.include, &config.exclude)?;
                Snapshot::take(root, source, &filter, config.max_file_size)
            },
        );
        let (rules, load_errors) = loaded?;
        let snapshot = snapshot?;
        let prepared = started.elapsed();
        let mut report = engine::run(&snapshot, &rules, limits, threads);
        report.timings.insert(0, ("load+snapshot", prepared));
        report
            .errors
            .extend(load_errors.into_iter().map(RunError::from));
        report.errors.sort();
        Ok(report)
    })
}

/// `drift-host baseline`.
pub fn baseline(args: &BaselineArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let config = load_config(args.config.as_deref(), &root)?;
    let report = check(&root, &config, &Source::WorkingTree, None, false)?;
    if !report.errors.is_empty() {
        let first = &report.errors[0];
        bail!(
            "not writing a baseline while the run has failures: {} `{}`: {}",
            first.kind,
            first.subject,
            first.message
        );
    }
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(baseline::FILE_NAME));
    let n = baseline::write(&path, &report.findings, &report.sources)?;
    writeln!(
        stdout,
        "drift-host: wrote {n} finding{} to {}; later runs report only new findings",
        if n == 1 { "" } else { "s" },
        path.display()
    )?;
    Ok(exit::CLEAN)
}

pub(crate) fn resolve_root(path: &Path) -> Result<PathBuf> {
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

pub(crate) fn load_config(explicit: Option<&Path>, root: &Path) -> Result<Config> {
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
pub(crate) fn load_plugins(
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
pub(crate) fn configure(
    config: &Config,
    plugins: &[Arc<Plugin>],
    load_errors: &mut Vec<PluginError>,
    limits: CallLimits,
) -> Result<Vec<ActiveRule>> {
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
            Some((plugin.clone(), settings, options_json, result))
        })
        .collect();
    for (plugin, settings, options_json, result) in validations {
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
    Ok(rules)
}

/// Loads the configuration and every plugin it names, for the commands that
/// describe rules rather than run them. Plugin failures are fatal here.
fn loaded_rules(path: &Path, config: Option<&Path>) -> Result<(Config, Vec<Arc<Plugin>>)> {
    let root = resolve_root(path)?;
    let config = load_config(config, &root)?;
    let plugins = all_plugins(&config)?;
    Ok((config, plugins))
}

/// Every plugin `config` names (built-ins included), sorted by id; the
/// first one that fails to load is the error.
fn all_plugins(config: &Config) -> Result<Vec<Arc<Plugin>>> {
    let runtime = Runtime::new(crate::plugin::cache::default_dir())?;
    let (mut plugins, errors) = load_plugins(&runtime, config, config.limits);
    if let Some(e) = errors.first() {
        bail!("{e}");
    }
    plugins.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Ok(plugins)
}

/// `drift-host rules`.
pub fn rules(args: &RulesArgs, stdout: &mut dyn Write) -> Result<u8> {
    let (config, plugins) = loaded_rules(&args.path, args.config.as_deref())?;
    let mut rows = Vec::new();
    for plugin in &plugins {
        let settings = config.rule(&plugin.meta.id);
        let rule_on = settings.enabled != Some(false) && settings.severity != Some(Level::Off);
        let origin = match &plugin.origin {
            Origin::BuiltIn => "built-in".to_owned(),
            Origin::Path(p) => p.display().to_string(),
        };
        for check in &plugin.meta.checks {
            let configured = settings
                .checks
                .get(&check.id)
                .copied()
                .or(settings.severity);
            let (severity, enabled) = match configured {
                Some(Level::Off) => (check.default_severity.as_str(), false),
                Some(Level::Error) => ("error", rule_on),
                Some(Level::Warning) => ("warning", rule_on),
                Some(Level::Info) => ("info", rule_on),
                None => (check.default_severity.as_str(), rule_on),
            };
            rows.push(serde_json::json!({
                "rule": plugin.meta.id,
                "check": check.id,
                "severity": severity,
                "enabled": enabled,
                "origin": origin,
                "interface": plugin.version,
                "summary": check.summary,
            }));
        }
    }
    if args.format == Format::Json {
        serde_json::to_writer_pretty(
            &mut *stdout,
            &serde_json::json!({ "version": 1, "checks": rows }),
        )?;
        writeln!(stdout)?;
        return Ok(exit::CLEAN);
    }
    let mut current = "";
    for (plugin, row) in plugins
        .iter()
        .flat_map(|p| std::iter::repeat_n(p, p.meta.checks.len()))
        .zip(&rows)
    {
        if plugin.meta.id != current {
            current = &plugin.meta.id;
            writeln!(
                stdout,
                "{} ({}, interface {}): {}",
                plugin.meta.id,
                row["origin"].as_str().unwrap_or(""),
                plugin.version,
                plugin.meta.summary
            )?;
        }
        writeln!(
            stdout,
            "  {:<44} {:<8} {:<9} {}",
            format!(
                "{}/{}",
                row["rule"].as_str().unwrap_or(""),
                row["check"].as_str().unwrap_or("")
            ),
            row["severity"].as_str().unwrap_or(""),
            if row["enabled"] == true {
                "enabled"
            } else {
                "disabled"
            },
            row["summary"].as_str().unwrap_or("")
        )?;
    }
    Ok(exit::CLEAN)
}

/// `drift-host explain rule[/check]`.
pub fn explain(args: &ExplainArgs, stdout: &mut dyn Write) -> Result<u8> {
    let (rule, check) = match args.selector.split_once('/') {
        Some((r, c)) => (r, Some(c)),
        None => (args.selector.as_str(), None),
    };
    if rule == engine::HOST_RULE {
        return explain_host(check, stdout);
    }
    let (_, plugins) = loaded_rules(&args.path, args.config.as_deref())?;
    let Some(plugin) = plugins.iter().find(|p| p.meta.id == rule) else {
        let mut known: Vec<&str> = plugins.iter().map(|p| p.meta.id.as_str()).collect();
        known.push(engine::HOST_RULE);
        bail!("no rule `{rule}` (known rules: {})", known.join(", "));
    };
    if let Some(check) = check {
        let Some(meta) = plugin.meta.checks.iter().find(|c| c.id == check) else {
            let known: Vec<&str> = plugin.meta.checks.iter().map(|c| c.id.as_str()).collect();
            bail!(
                "rule `{rule}` has no check `{check}` (its checks: {})",
                known.join(", ")
            );
        };
        writeln!(
            stdout,
            "{rule}/{check} ({}): {}\n",
            meta.default_severity.as_str(),
            meta.summary
        )?;
    }
    match crate::builtins::doc(rule) {
        Some(doc) => write!(stdout, "{doc}")?,
        None => {
            writeln!(stdout, "# {rule}\n\n{}\n\n## Checks\n", plugin.meta.summary)?;
            for c in &plugin.meta.checks {
                writeln!(
                    stdout,
                    "- `{}` ({}): {}",
                    c.id,
                    c.default_severity.as_str(),
                    c.summary
                )?;
            }
        }
    }
    Ok(exit::CLEAN)
}

/// `drift-host explain drift-host[/check]`: the checks the host itself
/// reports have no plugin, and so no metadata or rule page of their own.
fn explain_host(check: Option<&str>, stdout: &mut dyn Write) -> Result<u8> {
    let rule = engine::HOST_RULE;
    if let Some(check) = check {
        let Some((_, summary)) = engine::HOST_CHECKS.iter().find(|(id, _)| *id == check) else {
            let known: Vec<&str> = engine::HOST_CHECKS.iter().map(|(id, _)| *id).collect();
            bail!(
                "rule `{rule}` has no check `{check}` (its checks: {})",
                known.join(", ")
            );
        };
        writeln!(stdout, "{rule}/{check} (warning): {summary}\n")?;
    }
    writeln!(
        stdout,
        "# {rule}\n\nWhat drift-host itself reports about the files rules read and the \
         `drift-ignore` comments in them; see docs/configuration.md, \"Files rules cannot \
         read as text\" and \"Suppressing a finding\".\n\n## Checks\n"
    )?;
    for (id, summary) in engine::HOST_CHECKS {
        writeln!(stdout, "- `{id}` (warning): {summary}")?;
    }
    Ok(exit::CLEAN)
}

/// `drift-host schema`: the JSON schema of rules.toml for the built-ins.
pub fn schema(stdout: &mut dyn Write) -> Result<u8> {
    let plugins = all_plugins(&Config::embedded())?;
    let metas: Vec<_> = plugins.iter().map(|p| p.meta.clone()).collect();
    serde_json::to_writer_pretty(&mut *stdout, &config::schema::generate(&metas))?;
    writeln!(stdout)?;
    Ok(exit::CLEAN)
}

/// `drift-host init`.
pub fn init(args: &InitArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let survey = crate::init::survey(&root)?;
    let config_path = root.join(config::FILE_NAME);
    if config_path.exists() && !args.force && args.hook {
        writeln!(
            stdout,
            "drift-host: keeping the existing {}",
            config_path.display()
        )?;
    } else {
        let path =
            crate::init::write_config(&root, &crate::init::starter_config(&survey), args.force)?;
        writeln!(
            stdout,
            "drift-host: wrote {} ({} schema(s), {} migrations folder(s), {} agent instruction file(s) found)",
            path.display(),
            survey.schemas.len(),
            survey.migration_dirs.len(),
            survey.agent_files.len()
        )?;
    }
    if args.hook {
        let hook = crate::init::install_hook(&root, args.force)?;
        writeln!(
            stdout,
            "drift-host: installed {} (runs `drift-host run --staged`)",
            hook.display()
        )?;
    }
    Ok(exit::CLEAN)
}

/// `drift-host new-rule`.
pub fn new_rule(args: &NewRuleArgs, stdout: &mut dyn Write) -> Result<u8> {
    let dir = crate::scaffold::new_rule(&args.id, args.path.as_deref())?;
    let crate_name = args.id.replace('-', "_");
    writeln!(stdout, "drift-host: created {}", dir.display())?;
    writeln!(stdout, "  cd {}", dir.display())?;
    writeln!(
        stdout,
        "  cargo test                                     # the rule's logic, natively"
    )?;
    writeln!(
        stdout,
        "  cargo build --release --target wasm32-wasip2   # the component"
    )?;
    writeln!(
        stdout,
        "  drift-host pin target/wasm32-wasip2/release/{crate_name}.wasm   # the rules.toml lines"
    )?;
    Ok(exit::CLEAN)
}

/// `drift-host pin`.
pub fn pin(args: &PinArgs, stdout: &mut dyn Write) -> Result<u8> {
    let bytes = std::fs::read(&args.wasm)
        .with_context(|| format!("cannot read {}", args.wasm.display()))?;
    let runtime = Runtime::new(crate::plugin::cache::default_dir())?;
    let limits = CallLimits::default();
    let name = args.wasm.display().to_string();
    let plugin = runtime
        .load(&name, &bytes, Origin::Path(args.wasm.clone()), None, limits)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if is_builtin(&plugin.meta.id) {
        bail!(
            "{} declares the built-in rule id `{}`: give it its own id",
            name,
            plugin.meta.id
        );
    }
    write!(
        stdout,
        "{}",
        crate::scaffold::pin_lines(&plugin.meta.id, &args.wasm, &bytes)
    )?;
    Ok(exit::CLEAN)
}

/// `drift-host guard`.
pub fn guard(
    args: &GuardArgs,
    stdin: &mut dyn std::io::Read,
    stdout: &mut dyn Write,
) -> Result<u8> {
    let overridden = guard::override_reason(args.override_reason.as_deref());
    let here = std::env::current_dir().context("cannot read the working directory")?;
    let Some(Hook::ClaudeCode) = args.hook else {
        let command = drift_syntax::shell::join(&args.command);
        let root = match &args.path {
            Some(path) => resolve_root(path)?,
            None => guard::find_root(&here),
        };
        let config = load_config(args.config.as_deref(), &root)?;
        let verdict = guard::judge(&root, &here, &config, &command, overridden)?;
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                use std::io::IsTerminal;
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        guard::render_text(&verdict, color, &mut std::io::stderr().lock())?;
        return Ok(if verdict.allows() {
            exit::CLEAN
        } else if verdict.errors.is_empty() {
            exit::FINDINGS
        } else {
            exit::FAILURE
        });
    };
    // Hook mode always answers in the hook's protocol: a failure to check
    // becomes a "deny" with the reason, never a crash the agent reads as
    // "no objection".
    let answer = match hook_verdict(args, stdin, &here, overridden) {
        Ok(verdict) => guard::claude_code_answer(verdict.as_ref(), None),
        Err(e) => guard::claude_code_answer(None, Some(&format!("{e:#}"))),
    };
    if let Some(answer) = answer {
        writeln!(stdout, "{answer}")?;
    }
    Ok(exit::CLEAN)
}

/// Reads the hook event and judges its command (`None`: not a command).
fn hook_verdict(
    args: &GuardArgs,
    stdin: &mut dyn std::io::Read,
    here: &Path,
    overridden: Option<String>,
) -> Result<Option<guard::Verdict>> {
    let guard::HookEvent::Command { command, cwd } = guard::read_hook_event(stdin)? else {
        return Ok(None);
    };
    let cwd = cwd
        .filter(|c| c.is_dir())
        .unwrap_or_else(|| here.to_path_buf());
    let root = match &args.path {
        Some(path) => resolve_root(path)?,
        None => guard::find_root(&cwd),
    };
    let config = load_config(args.config.as_deref(), &root)?;
    guard::judge(&root, &cwd, &config, &command, overridden).map(Some)
}
