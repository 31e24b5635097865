//! `drift-host schema`: the JSON schema of rules.toml for the built-ins
//! (docs/rules.schema.json).

use std::io::Write;

use anyhow::Result;

use super::exit;
use crate::config::{self, Config};
use crate::setup::all_plugins;

/// `drift-host schema`: the JSON schema of rules.toml for the built-ins.
pub fn schema(stdout: &mut dyn Write) -> Result<u8> {
    let plugins = all_plugins(&Config::embedded())?;
    let metas: Vec<_> = plugins.iter().map(|p| p.meta.clone()).collect();
    serde_json::to_writer_pretty(&mut *stdout, &config::schema::generate(&metas))?;
    writeln!(stdout)?;
    Ok(exit::CLEAN)
}
