//! `drift-host pin`: the rules.toml lines (path and sha256) that enable a
//! built rule.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::exit;
use crate::builtins::is_builtin;
use crate::cli::PinArgs;
use crate::plugin::{CallLimits, Origin, Runtime};

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
        super::scaffold::pin_lines(&plugin.meta.id, &args.wasm, &bytes)
    )?;
    Ok(exit::CLEAN)
}
