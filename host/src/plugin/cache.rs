//! The compiled-component cache.
//!
//! Cranelift takes ≈45 ms for a small rule in a release host (seconds for a
//! large one), every run. A precompiled `.cwasm` loads in ≈0.1 ms via mmap. The
//! key covers everything that makes a compiled artifact valid: the
//! component's content hash, drift-host's version, wasmtime's version and the
//! engine's compatibility hash (target, enabled features, epoch
//! interruption...); an artifact built under other settings is never looked up.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wasmtime::Engine;
use wasmtime::component::Component;

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    engine_key: String,
}

/// The user's cache folder: `$DRIFT_HOST_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/drift-host`, else `~/.cache/drift-host`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DRIFT_HOST_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("drift-host"));
    }
    if cfg!(windows) {
        return std::env::var_os("LOCALAPPDATA").map(|d| PathBuf::from(d).join("drift-host"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("drift-host"))
}

impl Cache {
    pub fn new(dir: PathBuf, engine: &Engine) -> Self {
        #[allow(deprecated)]
        // SipHasher: stable output for a given Rust release, which the key also names.
        let mut hasher = std::hash::SipHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_key = format!(
            "drift-host-{}-wasmtime-{}-{}-{:016x}",
            env!("CARGO_PKG_VERSION"),
            wasmtime_version(),
            std::env::consts::ARCH,
            hasher.finish()
        );
        Self { dir, engine_key }
    }

    fn path(&self, content_sha256: &str) -> PathBuf {
        self.dir
            .join(&self.engine_key)
            .join(format!("{content_sha256}.cwasm"))
    }

    /// Loads the compiled artifact for `content_sha256`, if cached and usable.
    pub fn load(&self, engine: &Engine, content_sha256: &str) -> Option<Component> {
        let path = self.path(content_sha256);
        if !path.is_file() {
            return None;
        }
        // SAFETY: deserialising trusts the file to be a wasmtime artifact. The
        // cache folder is the user's own, files are written atomically by
        // `store` below and named by the hash of their source, and wasmtime
        // checks the header and engine compatibility before using them.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize_file(engine, &path) };
        component.ok()
    }

    /// Stores a compiled artifact; failures only cost speed, so they are
    /// returned for a debug note but never fail the run.
    pub fn store(&self, content_sha256: &str, component: &Component) -> Result<()> {
        let bytes = component.serialize().map_err(|e| anyhow::anyhow!("{e}"))?;
        self.store_serialized(content_sha256, &bytes)
    }

    /// Stores an artifact that is already serialised (a built-in's
    /// precompiled code).
    pub fn store_serialized(&self, content_sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(content_sha256);
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        // Write then rename, so a concurrent run never maps a half-written file.
        let tmp = dir.join(format!(".{content_sha256}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("renaming to {}", path.display()))?;
        Ok(())
    }
}

fn wasmtime_version() -> &'static str {
    // The Cargo.lock pin; bumping wasmtime changes the compatibility hash too.
    "48"
}
