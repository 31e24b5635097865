//! Builds the built-in rule plugins from source and embeds them.
//!
//! `cargo build -p drift-host` on a fresh clone must produce a binary that
//! runs every built-in rule with no other step, without committing `.wasm`
//! files. So this script runs a nested `cargo build --target wasm32-wasip2`
//! of the rule crates and writes `builtins.rs`, which `include_bytes!`s them,
//! with their sha256 and their machine code: Cranelift compiles them here,
//! once, with the runtime's engine settings, instead of on every first run
//! with an empty cache (≈1.1 s on two cores).
//!
//! Lessons from the prototype (WASM-HOST-NOTES.md), each handled below: a
//! separate target folder (sharing the outer one deadlocks on cargo's lock);
//! the outer build's flags cleared so they do not leak into the wasm build;
//! `rerun-if-changed` only on real inputs; and a missing wasm target reported
//! as one clear line instead of pages of nested errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The runtime's engine settings, shared so the precompiled code matches.
#[path = "src/plugin/engine_config.rs"]
mod engine_config;

/// The built-in rules, `(rule id, crate folder under plugins/, package
/// name)`, from plugins/builtins.rs: the list the conformance suite runs
/// over too.
macro_rules! builtins {
    ($($id:literal => $dir:literal, $package:literal, $rule:path;)*) => {
        const BUILTINS: &[(&str, &str, &str)] = &[$(($id, $dir, $package)),*];
    };
}
include!("../plugins/builtins.rs");

const TARGET: &str = "wasm32-wasip2";

/// The workspace's size-optimised profile for plugins (see Cargo.toml).
const PROFILE: &str = "plugin";

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("host/ has a parent")
        .to_path_buf();
    let out_dir = PathBuf::from(env("OUT_DIR"));

    for input in [
        "Cargo.toml",
        "Cargo.lock",
        "plugins/builtins.rs",
        ".cargo/config.toml",
        "host/src/plugin/engine_config.rs",
        "plugins/syntax/Cargo.toml",
        "plugins/syntax/src",
        "plugins/sdk/Cargo.toml",
        "plugins/sdk/src",
        "plugins/sdk/wit",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(input).display());
    }
    for (_, dir, _) in BUILTINS {
        for input in ["Cargo.toml", "src"] {
            println!(
                "cargo:rerun-if-changed={}",
                workspace.join("plugins").join(dir).join(input).display()
            );
        }
    }

    check_target_installed();

    let target_dir = nested_target_dir(&out_dir);
    let mut cmd = Command::new(env("CARGO"));
    cmd.current_dir(&workspace)
        .args([
            "build",
            "--profile",
            PROFILE,
            "--target",
            TARGET,
            "--target-dir",
        ])
        .arg(&target_dir)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"));
    for (_, _, package) in BUILTINS {
        cmd.args(["-p", package]);
    }
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_LLVM_COV",
        "CARGO_INCREMENTAL",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .expect("cannot run the nested cargo build of the built-in rules");
    if !status.success() {
        panic!("building the built-in rule plugins for {TARGET} failed (see the errors above)");
    }

    let engine = precompiling_engine();
    let mut code = String::from(
        "/// The built-in rule plugins, built and precompiled by build.rs.\n\
         pub const BUILTINS: &[Builtin] = &[\n",
    );
    for (id, _, package) in BUILTINS {
        let stem = package.replace('-', "_");
        let wasm = target_dir
            .join(TARGET)
            .join(PROFILE)
            .join(format!("{stem}.wasm"));
        let bytes = std::fs::read(&wasm)
            .unwrap_or_else(|e| panic!("expected {} after the nested build: {e}", wasm.display()));
        let sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let precompiled =
            engine
                .as_ref()
                .and_then(|engine| match engine.precompile_component(&bytes) {
                    Ok(artifact) => {
                        let path = out_dir.join(format!("{stem}.cwasm"));
                        std::fs::write(&path, artifact).expect("writing a precompiled built-in");
                        Some(path)
                    }
                    Err(e) => {
                        println!(
                            "cargo:warning=cannot precompile {id} ({e}); it is compiled at run time"
                        );
                        None
                    }
                });
        let precompiled = match precompiled {
            Some(path) => format!("Some(include_bytes!({:?}))", path.display().to_string()),
            None => "None".to_owned(),
        };
        code.push_str(&format!(
            "    Builtin {{ id: {id:?}, wasm: include_bytes!({:?}), sha256: {sha256:?}, \
             precompiled: {precompiled} }},\n",
            wasm.display().to_string()
        ));
    }
    code.push_str("];\n\n");
    code.push_str(
        "/// Each built-in rule's page, docs/rules/<id>.md (generated from the rule's \
         code and checked current by plugins/conformance).\npub const RULE_DOCS: &[(&str, &str)] = &[\n",
    );
    for (id, _, _) in BUILTINS {
        let page = workspace.join("docs/rules").join(format!("{id}.md"));
        println!("cargo:rerun-if-changed={}", page.display());
        code.push_str(&format!(
            "    ({id:?}, include_str!({:?})),\n",
            page.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("builtins.rs"), code).expect("writing builtins.rs");
}

/// The engine that compiles the built-ins' machine code into the binary
/// (Cranelift once at build time instead of on every cold cache). Only for
/// native builds: a cross-compiled binary's artifacts would be for the wrong
/// machine, so it compiles them at run time.
fn precompiling_engine() -> Option<wasmtime::Engine> {
    if std::env::var("TARGET").ok() != std::env::var("HOST").ok() {
        return None;
    }
    match wasmtime::Engine::new(&engine_config::engine_config()) {
        Ok(engine) => Some(engine),
        Err(e) => {
            println!("cargo:warning=cannot precompile the built-in rules ({e})");
            None
        }
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("cargo sets {name} for build scripts"))
}

/// `<outer target dir>/wasm-plugins`: found as the ancestor of OUT_DIR that
/// holds cargo's CACHEDIR.TAG, so debug and release builds share one nested
/// build and it survives `cargo clean -p drift-host`.
fn nested_target_dir(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map_or_else(
            || out_dir.join("wasm-plugins"),
            |dir| dir.join("wasm-plugins"),
        )
}

fn check_target_installed() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(sysroot) = sysroot
        && !sysroot.join("lib/rustlib").join(TARGET).is_dir()
    {
        panic!(
            "\n\nthe {TARGET} target is not installed; run `rustup toolchain install` in the \
             repository (it installs what rust-toolchain.toml lists)\n\n"
        );
    }
}
