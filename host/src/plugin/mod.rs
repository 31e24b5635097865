//! Loading and calling rule plugins (WebAssembly components).
//!
//! Loading a plugin: verify its pin (sha256) when it is a custom rule, check
//! that it is a component and which interface version its exports carry
//! (before compiling anything, so a mismatch is a clear "upgrade X" message),
//! compile it or take it from the cache, pre-instantiate it, and ask for its
//! metadata. Calling it: a fresh sandboxed store per call ([`sandbox`]), the
//! epoch deadline as the time budget, and every failure turned into a
//! [`PluginError`] that names the plugin.

pub mod cache;
mod compat;
mod engine_config;
pub mod filter;
#[cfg(unix)]
mod memory;
mod sandbox;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, ComponentExportIndex, Linker};
use wasmtime::{Engine, Trap};

use crate::builtins::Builtin;
use crate::diagnostic::{CheckMeta, RuleMeta, RunError, Severity};
use crate::wire::bindings::v0_1_0 as v1;
use crate::wire::bindings::v0_2_0 as v2;
use crate::wire::bindings::v0_3_0 as v3;
use crate::wire::bindings::v0_4_0 as v4;
use crate::wire::bindings::v0_5_0 as v5;
use crate::wire::bindings::v0_6_0 as v6;
use crate::wire::{self, command as command_wire, input};
use filter::Filters;
use sandbox::State;

/// The interface versions this host can load, newest first.
pub const SUPPORTED_VERSIONS: &[&str] = &["0.6.0", "0.5.0", "0.4.0", "0.3.0", "0.2.0", "0.1.0"];

/// How often the epoch advances: the granularity of time budgets.
const TICK: Duration = Duration::from_millis(10);

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    Path(std::path::PathBuf),
}

/// A failure of one plugin; never aborts the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    pub plugin: String,
    pub message: String,
}

impl From<PluginError> for RunError {
    fn from(e: PluginError) -> Self {
        Self {
            kind: "plugin",
            subject: e.plugin,
            message: e.message,
        }
    }
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "plugin `{}`: {}", self.plugin, self.message)
    }
}

/// The wasmtime engine, linker and epoch ticker shared by all plugins.
pub struct Runtime {
    engine: Engine,
    linker: Linker<State>,
    cache: Option<cache::Cache>,
    stop_ticker: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            // Wake it rather than wait out its sleep: joining a sleeping
            // ticker cost every run half a tick (5 ms) on average.
            ticker.thread().unpark();
            let _ = ticker.join();
        }
    }
}

/// A compiled, pre-instantiated plugin with its metadata.
pub struct Plugin {
    pub meta: RuleMeta,
    pub origin: Origin,
    pub version: String,
    /// Words a file must hold to be handed to the rule (interface 0.6.0).
    pub filters: Filters,
    pre: Pre,
    engine: Engine,
}

/// Runs `$body` for the plugin's interface version, with `$pre` its
/// pre-instantiated component and `$adapt` the `compat` module that brings
/// that version's inputs and results to the newest types (`compat::v6`
/// passes them through).
macro_rules! each_version {
    ($plugin_pre:expr, |$adapt:ident, $pre:ident| $body:expr) => {
        match $plugin_pre {
            Pre::V1($pre) => {
                use compat::v1 as $adapt;
                $body
            }
            Pre::V2($pre) => {
                use compat::v2 as $adapt;
                $body
            }
            Pre::V3($pre) => {
                use compat::v3 as $adapt;
                $body
            }
            Pre::V4($pre, _) => {
                use compat::v4 as $adapt;
                $body
            }
            Pre::V5($pre, _) => {
                use compat::v5 as $adapt;
                $body
            }
            Pre::V6($pre, _) => {
                use compat::v6 as $adapt;
                $body
            }
        }
    };
}

/// A pre-instantiated plugin, by interface version.
enum Pre {
    V1(v1::PluginPre<State>),
    V2(v2::PluginPre<State>),
    V3(v3::PluginPre<State>),
    /// With the index of its `check` export, which the host calls with its
    /// own input types (see [`input`]) rather than through the bindings:
    /// 0.4.0's and 0.5.0's `input` and `finding` are 0.6.0's.
    V4(v4::PluginPre<State>, ComponentExportIndex),
    V5(v5::PluginPre<State>, ComponentExportIndex),
    V6(v6::PluginPre<State>, ComponentExportIndex),
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// Limits applied to every call: `[limits]` of rules.toml.
pub use crate::config::Limits as CallLimits;

fn wt(e: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{e:#}")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Runtime {
    pub fn new(cache_dir: Option<std::path::PathBuf>) -> Result<Self> {
        let mut config = engine_config::engine_config();
        // For profiling only: `perf` then names the plugins' functions
        // (wasmtime writes /tmp/perf-<pid>.map; build plugins unstripped to
        // get Rust names). Not in engine_config: it changes no machine code.
        if std::env::var_os("DRIFT_HOST_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        #[cfg(unix)]
        config.with_host_memory(Arc::new(memory::Creator::default()));
        let engine = Engine::new(&config).map_err(wt)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(wt)?;
        // The `host` interface of 0.6.0 down to 0.3.0 (pure functions);
        // older plugins do not import it.
        v6::drift::rule::host::add_to_linker::<State, wasmtime::component::HasSelf<State>>(
            &mut linker,
            |state| state,
        )
        .map_err(wt)?;
        v5::drift::rule::host::add_to_linker::<State, wasmtime::component::HasSelf<State>>(
            &mut linker,
            |state| state,
        )
        .map_err(wt)?;
        v4::drift::rule::host::add_to_linker::<State, wasmtime::component::HasSelf<State>>(
            &mut linker,
            |state| state,
        )
        .map_err(wt)?;
        v3::drift::rule::host::add_to_linker::<State, wasmtime::component::HasSelf<State>>(
            &mut linker,
            |state| state,
        )
        .map_err(wt)?;
        let stop_ticker = Arc::new(AtomicBool::new(false));
        let ticker = {
            let engine = engine.clone();
            let stop = stop_ticker.clone();
            std::thread::Builder::new()
                .name("drift-epoch".into())
                .spawn(move || {
                    // Parked, not asleep, so that `drop` can wake it; a
                    // spurious wake-up must not shorten a plugin's budget,
                    // hence the explicit next tick.
                    let mut next = std::time::Instant::now() + TICK;
                    while !stop.load(Ordering::Relaxed) {
                        let now = std::time::Instant::now();
                        if now < next {
                            std::thread::park_timeout(next - now);
                        } else {
                            engine.increment_epoch();
                            next = now + TICK;
                        }
                    }
                })?
        };
        let cache = cache_dir.map(|dir| cache::Cache::new(dir, &engine));
        Ok(Self {
            engine,
            linker,
            cache,
            stop_ticker,
            ticker: Some(ticker),
        })
    }

    /// Loads one plugin from its bytes. `id` is the name it is configured
    /// under (for messages); `expected_sha256` pins custom plugins.
    pub fn load(
        &self,
        id: &str,
        bytes: &[u8],
        origin: Origin,
        expected_sha256: Option<&str>,
        limits: CallLimits,
    ) -> Result<Plugin, PluginError> {
        let err = |message: String| PluginError {
            plugin: id.to_owned(),
            message,
        };
        let actual = sha256_hex(bytes);
        if let Some(expected) = expected_sha256
            && expected != actual
        {
            return Err(err(format!(
                "checksum mismatch: rules.toml pins sha256 {expected}, but the file has \
                 sha256 {actual}. If you rebuilt or updated the plugin on purpose, update \
                 `sha256` in rules.toml"
            )));
        }
        check_header(bytes).map_err(&err)?;
        let component = self
            .compile(&actual, bytes, None)
            .map_err(|e| err(format!("{e:#}")))?;
        self.prepare(id, component, origin, limits)
    }

    /// Loads a built-in rule: its hash was computed by build.rs, and its
    /// machine code usually ships in the binary (see [`Builtin`]).
    pub fn load_builtin(
        &self,
        builtin: &Builtin,
        limits: CallLimits,
    ) -> Result<Plugin, PluginError> {
        let component = self
            .compile(builtin.sha256, builtin.wasm, builtin.precompiled)
            .map_err(|e| PluginError {
                plugin: builtin.id.to_owned(),
                message: format!("{e:#}"),
            })?;
        self.prepare(builtin.id, component, Origin::BuiltIn, limits)
    }

    /// Links a compiled component and asks for its metadata.
    fn prepare(
        &self,
        id: &str,
        component: Component,
        origin: Origin,
        limits: CallLimits,
    ) -> Result<Plugin, PluginError> {
        let err = |message: String| PluginError {
            plugin: id.to_owned(),
            message,
        };
        let version = interface_version(&self.engine, &component).map_err(&err)?;
        let instance_pre = self.linker.instantiate_pre(&component).map_err(|e| {
            err(format!(
                "cannot link: {e:#} (the plugin imports something the sandbox does not provide)"
            ))
        })?;
        let mismatch = |e: wasmtime::Error| {
            err(format!(
                "does not implement drift:rule/rule@{version}: {e:#}"
            ))
        };
        let pre = match version.as_str() {
            "0.1.0" => Pre::V1(v1::PluginPre::new(instance_pre).map_err(mismatch)?),
            "0.2.0" => Pre::V2(v2::PluginPre::new(instance_pre).map_err(mismatch)?),
            "0.3.0" => Pre::V3(v3::PluginPre::new(instance_pre).map_err(mismatch)?),
            _ => {
                let check = component
                    .get_export_index(None, format!("drift:rule/rule@{version}"))
                    .and_then(|rule| component.get_export_index(Some(&rule), "check"))
                    .ok_or_else(|| mismatch(wasmtime::format_err!("no `check` export")))?;
                match version.as_str() {
                    "0.4.0" => Pre::V4(v4::PluginPre::new(instance_pre).map_err(mismatch)?, check),
                    "0.5.0" => Pre::V5(v5::PluginPre::new(instance_pre).map_err(mismatch)?, check),
                    _ => Pre::V6(v6::PluginPre::new(instance_pre).map_err(mismatch)?, check),
                }
            }
        };
        let mut plugin = Plugin {
            meta: RuleMeta {
                id: String::new(),
                summary: String::new(),
                default_severity: Severity::Error,
                include: Vec::new(),
                checks: Vec::new(),
                per_file: false,
                sql: false,
            },
            filters: Filters::default(),
            origin,
            version,
            pre,
            engine: self.engine.clone(),
        };
        let wire_meta = each_version!(&plugin.pre, |adapt, pre| plugin
            .call(id, limits, pre, |p, store| {
                p.drift_rule_rule().call_metadata(store)
            })
            .map(adapt::metadata_from))
        .map_err(|e| err(format!("metadata() failed: {}", e.message)))?;
        let (meta, filters) = validate_metadata(wire_meta).map_err(&err)?;
        plugin.meta = meta;
        plugin.filters = filters;
        Ok(plugin)
    }

    /// The machine code for a component: from the cache, else from the
    /// artifact build.rs precompiled (built-ins only), else from Cranelift.
    fn compile(
        &self,
        sha256: &str,
        bytes: &[u8],
        precompiled: Option<&'static [u8]>,
    ) -> Result<Component> {
        if let Some(component) = self
            .cache
            .as_ref()
            .and_then(|c| c.load(&self.engine, sha256))
        {
            return Ok(component);
        }
        if let Some(artifact) = precompiled
            && let Ok(component) = self.precompiled(artifact)
        {
            if let Some(cache) = &self.cache {
                // Later runs map the file instead of copying the artifact.
                let _ = cache.store_serialized(sha256, artifact);
            }
            return Ok(component);
        }
        let component = Component::new(&self.engine, bytes)
            .map_err(|e| anyhow::anyhow!("not a valid WebAssembly component: {e:#}"))?;
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only costs speed.
            let _ = cache.store(sha256, &component);
        }
        Ok(component)
    }
}

impl Runtime {
    /// A built-in's machine code from build.rs, if this host accepts it.
    fn precompiled(&self, artifact: &'static [u8]) -> Result<Component> {
        // SAFETY: the artifact is part of this binary (`'static`), written by
        // its own build.rs with `precompile_component` under the same engine
        // settings (engine_config.rs). wasmtime still checks its header and
        // that this host's CPU features and settings match, and refuses it
        // otherwise (the caller then compiles the component).
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize(&self.engine, artifact) };
        component.map_err(wt)
    }
}

/// A clear message for files that are not components at all.
fn check_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("not a WebAssembly file (bad magic number); is the path right?".to_owned());
    }
    // Core modules have layer 0 (version 1); components have layer 1.
    if bytes[4..8] == [1, 0, 0, 0] {
        return Err(
            "this is a core WebAssembly module, not a component: build the rule with \
             `cargo build --release --target wasm32-wasip2` (which emits a component)"
                .to_owned(),
        );
    }
    Ok(())
}

/// Reads the `drift:rule/rule@X.Y.Z` export name and checks X.Y.Z is
/// supported, saying which side to upgrade when it is not.
fn interface_version(engine: &Engine, component: &Component) -> Result<String, String> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    let Some(version) = exports
        .iter()
        .find_map(|name| name.strip_prefix("drift:rule/rule@"))
    else {
        return Err(format!(
            "not a drift-host rule: it exports no `drift:rule/rule` interface (exports: {})",
            if exports.is_empty() {
                "none".to_owned()
            } else {
                exports.join(", ")
            }
        ));
    };
    if SUPPORTED_VERSIONS.contains(&version) {
        return Ok(version.to_owned());
    }
    let newest = SUPPORTED_VERSIONS[0];
    let parse = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    if parse(version) > parse(newest) {
        Err(format!(
            "built for rule interface {version}, but this drift-host supports {}: upgrade \
             drift-host (or rebuild the plugin against drift-sdk {newest})",
            SUPPORTED_VERSIONS.join(", ")
        ))
    } else {
        Err(format!(
            "built for rule interface {version}, which this drift-host no longer supports \
             (supported: {}): rebuild the plugin against drift-sdk {newest}",
            SUPPORTED_VERSIONS.join(", ")
        ))
    }
}

fn severity(s: wire::Severity) -> Severity {
    match s {
        wire::Severity::Error => Severity::Error,
        wire::Severity::Warning => Severity::Warning,
        wire::Severity::Info => Severity::Info,
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn validate_metadata(meta: wire::RuleMetadata) -> Result<(RuleMeta, Filters), String> {
    if !is_kebab(&meta.id) {
        return Err(format!("metadata: rule id `{}` is not kebab-case", meta.id));
    }
    let mut seen = BTreeSet::new();
    for check in &meta.checks {
        if !is_kebab(&check.id) {
            return Err(format!(
                "metadata: check id `{}` is not kebab-case",
                check.id
            ));
        }
        if !seen.insert(check.id.as_str()) {
            return Err(format!(
                "metadata: check id `{}` is declared twice",
                check.id
            ));
        }
    }
    // Parsed, not compiled: the run compiles them into one set, and the
    // guard, which loads every rule, never needs them.
    for glob in &meta.globs {
        crate::snapshot::glob_parses(glob).map_err(|e| format!("metadata: {e}"))?;
    }
    let filters = Filters::compile(meta.filters)?;
    let meta = RuleMeta {
        id: meta.id,
        summary: meta.summary,
        default_severity: severity(meta.default_severity),
        include: meta.globs,
        checks: meta
            .checks
            .into_iter()
            .map(|c| CheckMeta {
                id: c.id,
                summary: c.summary,
                default_severity: severity(c.default_severity),
                history: c.applied == wire::Applied::History,
            })
            .collect(),
        per_file: meta.scope == wire::Scope::PerFile,
        sql: meta.sql,
    };
    Ok((meta, filters))
}

impl Plugin {
    /// Runs `f` against a fresh instance in a fresh sandboxed store.
    fn call<P: Instantiate, T>(
        &self,
        id: &str,
        limits: CallLimits,
        pre: &P,
        f: impl FnOnce(&P::Instance, &mut wasmtime::Store<State>) -> wasmtime::Result<T>,
    ) -> Result<T, PluginError> {
        let ticks = limits.time_ms.div_ceil(TICK.as_millis() as u64).max(1) + 1;
        let mut store = sandbox::store(&self.engine, limits.memory_mib, ticks);
        let result = pre
            .instantiate(&mut store)
            .and_then(|instance| f(&instance, &mut store));
        result.map_err(|e| PluginError {
            plugin: id.to_owned(),
            message: describe_failure(&e, &store.data().stderr.contents(), limits),
        })
    }

    /// Validates the user's options with the plugin.
    pub fn validate_options(
        &self,
        limits: CallLimits,
        options: &str,
    ) -> Result<Vec<wire::OptionError>, PluginError> {
        let id = &self.meta.id;
        each_version!(&self.pre, |adapt, pre| self
            .call(id, limits, pre, |p, store| {
                p.drift_rule_rule().call_validate_options(store, options)
            })
            .map(adapt::option_errors_from))
    }

    /// Runs one batch.
    pub fn check(
        &self,
        limits: CallLimits,
        input: &input::Input,
    ) -> Result<Vec<wire::Finding>, PluginError> {
        let id = &self.meta.id;
        // Older versions get an owned copy in their own types.
        macro_rules! older {
            ($pre:ident, $version:ident) => {{
                let input = compat::$version::input_to(input);
                self.call(id, limits, $pre, |p, store| {
                    p.drift_rule_rule().call_check(store, &input)
                })?
                .map(compat::$version::findings_from)
            }};
        }
        // The host's input as it is, lowered straight from its shared texts
        // and trees into the sandbox (0.4.0's and 0.5.0's records are 0.6.0's).
        let raw = |pre: &wasmtime::component::InstancePre<State>, check| {
            self.call(id, limits, &Raw(pre), |instance, store| {
                let func = instance
                    .get_typed_func::<(&input::Input,), (Result<Vec<wire::Finding>, String>,)>(
                        &mut *store,
                        check,
                    )?;
                Ok(func.call(store, (input,))?.0)
            })
        };
        let result = match &self.pre {
            Pre::V6(pre, check) => raw(pre.instance_pre(), check)?,
            Pre::V5(pre, check) => raw(pre.instance_pre(), check)?,
            Pre::V4(pre, check) => raw(pre.instance_pre(), check)?,
            Pre::V1(pre) => older!(pre, v1),
            Pre::V2(pre) => older!(pre, v2),
            Pre::V3(pre) => older!(pre, v3),
        };
        result.map_err(|message| PluginError {
            plugin: self.meta.id.clone(),
            message: format!("check failed: {message}"),
        })
    }
}

impl Plugin {
    /// Whether the plugin's interface has command checks (0.3.0 and later).
    pub fn has_command_checks(&self) -> bool {
        matches!(
            self.pre,
            Pre::V3(_) | Pre::V4(..) | Pre::V5(..) | Pre::V6(..)
        )
    }

    /// What the plugin's command check wants to see (empty before 0.3.0).
    pub fn command_needs(
        &self,
        limits: CallLimits,
        options: &str,
    ) -> Result<command_wire::CommandNeeds, PluginError> {
        match &self.pre {
            Pre::V3(pre) => self
                .call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check().call_needs(store, options)
                })
                .map(compat::v3::needs_from),
            Pre::V4(pre, _) => self
                .call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check().call_needs(store, options)
                })
                .map(compat::v4::needs_from),
            Pre::V5(pre, _) => self
                .call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check().call_needs(store, options)
                })
                .map(compat::v5::needs_from),
            Pre::V6(pre, _) => self.call(&self.meta.id, limits, pre, |p, store| {
                p.drift_rule_command_check().call_needs(store, options)
            }),
            Pre::V1(_) | Pre::V2(_) => Ok(command_wire::CommandNeeds {
                env: Vec::new(),
                files: Vec::new(),
            }),
        }
    }

    /// Judges one command line (no findings before 0.3.0).
    pub fn check_command(
        &self,
        limits: CallLimits,
        input: &command_wire::CommandInput,
    ) -> Result<Vec<command_wire::CommandFinding>, PluginError> {
        let result = match &self.pre {
            Pre::V3(pre) => {
                let input = compat::v3::command_input_to(input);
                self.call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check()
                        .call_check_command(store, &input)
                })?
                .map(compat::v3::command_findings_from)
            }
            Pre::V4(pre, _) => {
                let input = compat::v4::command_input_to(input);
                self.call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check()
                        .call_check_command(store, &input)
                })?
                .map(compat::v4::command_findings_from)
            }
            Pre::V5(pre, _) => {
                let input = compat::v5::command_input_to(input);
                self.call(&self.meta.id, limits, pre, |p, store| {
                    p.drift_rule_command_check()
                        .call_check_command(store, &input)
                })?
                .map(compat::v5::command_findings_from)
            }
            Pre::V6(pre, _) => self.call(&self.meta.id, limits, pre, |p, store| {
                p.drift_rule_command_check()
                    .call_check_command(store, input)
            })?,
            Pre::V1(_) | Pre::V2(_) => Ok(Vec::new()),
        };
        result.map_err(|message| PluginError {
            plugin: self.meta.id.clone(),
            message: format!("check-command failed: {message}"),
        })
    }
}

/// A pre-instantiated component of some interface version.
trait Instantiate {
    type Instance;
    fn instantiate(&self, store: &mut wasmtime::Store<State>) -> wasmtime::Result<Self::Instance>;
}

/// The bindings' pre-instantiated components, one per interface version.
macro_rules! instantiate_bindings {
    ($($version:ident),*) => {$(
        impl Instantiate for $version::PluginPre<State> {
            type Instance = $version::Plugin;
            fn instantiate(
                &self,
                store: &mut wasmtime::Store<State>,
            ) -> wasmtime::Result<$version::Plugin> {
                $version::PluginPre::instantiate(self, store)
            }
        }
    )*};
}

instantiate_bindings!(v1, v2, v3, v4, v5, v6);

/// A component instantiated without bindings, for calls the host types
/// itself.
struct Raw<'a>(&'a wasmtime::component::InstancePre<State>);

impl Instantiate for Raw<'_> {
    type Instance = wasmtime::component::Instance;
    fn instantiate(
        &self,
        store: &mut wasmtime::Store<State>,
    ) -> wasmtime::Result<wasmtime::component::Instance> {
        self.0.instantiate(store)
    }
}

/// Turns a trap into a sentence a user can act on.
fn describe_failure(error: &wasmtime::Error, stderr: &[u8], limits: CallLimits) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    let panic = stderr
        .lines()
        .skip_while(|l| !l.contains("panicked at"))
        .take_while(|l| !l.starts_with("note: "))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!("{error:#}");
    if let Some(trap) = error.downcast_ref::<Trap>() {
        match trap {
            Trap::Interrupt => {
                return format!(
                    "exceeded its time budget of {} ms and was stopped (raise [limits] time-ms \
                     in rules.toml if the rule is legitimately slow)",
                    limits.time_ms
                );
            }
            Trap::StackOverflow => {
                return "overflowed its stack (unbounded recursion?) and was stopped".to_owned();
            }
            // Rust guests keep their stack in linear memory; running off its
            // end is an out-of-bounds access rather than a wasm stack overflow.
            Trap::MemoryOutOfBounds if panic.is_empty() => {
                return "made an out-of-bounds memory access and was stopped (in Rust plugins \
                        usually a stack overflow from unbounded recursion)"
                    .to_owned();
            }
            _ if panic.is_empty() && !text.contains("forcing trap when growing memory") => {
                return format!("trapped: {trap}");
            }
            _ => {}
        }
    }
    if text.contains("fuel allocated for hostcalls has been exhausted") {
        return "returned more data than the host accepts from one call (128 MiB) and the \
                result was discarded"
            .to_owned();
    }
    if text.contains("forcing trap when growing memory") {
        return format!(
            "exceeded its memory cap of {} MiB and was stopped (raise [limits] memory-mib in \
             rules.toml if the rule legitimately needs more)",
            limits.memory_mib
        );
    }
    if !panic.is_empty() {
        // `thread '<unnamed>' (1) panicked at src/lib.rs:9:5: message`
        // becomes `panicked: message (at src/lib.rs:9:5)`: the plugin's
        // words first, and no text that reads like a host panic.
        let panic = panic.trim();
        return match panic.split_once(" panicked at ") {
            Some((_, rest)) => match rest.split_once(": ") {
                Some((at, message)) => format!("panicked: {} (at {at})", message.trim()),
                None => format!("panicked ({})", rest.trim_end_matches(':')),
            },
            None => format!("panicked: {panic}"),
        };
    }
    if stderr.contains("memory allocation of") {
        return format!(
            "ran out of memory (cap {} MiB): {}",
            limits.memory_mib,
            stderr.lines().next().unwrap_or("").trim()
        );
    }
    let first_line = text.lines().next().unwrap_or("unknown failure");
    format!("trapped: {first_line}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::BUILTINS;

    #[test]
    fn built_in_hashes_are_their_components_hashes() {
        for builtin in BUILTINS {
            assert_eq!(builtin.sha256, sha256_hex(builtin.wasm), "{}", builtin.id);
        }
    }

    #[test]
    fn precompiled_built_ins_match_the_runtime_engine() {
        // build.rs compiled them with engine_config.rs on this machine: if the
        // runtime's settings drifted from it, wasmtime would refuse every
        // artifact and each first run would silently pay Cranelift again.
        let runtime = Runtime::new(None).unwrap();
        for builtin in BUILTINS {
            let artifact = builtin.precompiled.expect("native builds precompile");
            if let Err(e) = runtime.precompiled(artifact) {
                panic!("{}: {e:#}", builtin.id);
            }
        }
    }

    #[test]
    fn a_refused_artifact_falls_back_to_compiling() {
        let runtime = Runtime::new(None).unwrap();
        let original = BUILTINS
            .iter()
            .find(|b| b.id == "idempotency")
            .expect("idempotency is built in");
        // A truncated artifact stands for one wasmtime refuses (built for
        // another CPU or other settings): the built-in must still load.
        let artifact = original.precompiled.unwrap();
        let truncated: &'static [u8] = &artifact[..artifact.len() / 2];
        assert!(runtime.precompiled(truncated).is_err());
        let broken = Builtin {
            precompiled: Some(truncated),
            ..*original
        };
        let plugin = runtime
            .load_builtin(&broken, CallLimits::default())
            .unwrap();
        assert_eq!(plugin.meta.id, "idempotency");
    }
}
