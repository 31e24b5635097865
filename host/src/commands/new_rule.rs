//! `drift-host new-rule`: a custom rule crate, ready to build.

use std::io::Write;

use anyhow::Result;

use super::exit;
use crate::cli::NewRuleArgs;

/// `drift-host new-rule`.
pub fn new_rule(args: &NewRuleArgs, stdout: &mut dyn Write) -> Result<u8> {
    let dir = super::scaffold::new_rule(&args.id, args.path.as_deref())?;
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
