//! The SQL layer: every `.sql` file an SQL-reading rule wants is parsed once
//! per run, natively, and the same tree is handed to each such rule.
//!
//! Parsing is the SDK's (`drift_sdk::sql::parse`, squawk's tolerant
//! PostgreSQL parser with PL/pgSQL and `EXECUTE` strings spliced in), so
//! rules see in production exactly the trees their native unit tests see.

use crate::plugin::wire;

/// Parses `text`; a parser panic becomes an error instead of taking the run
/// down (the parser is tolerant by design, so this is a last line of defence).
pub fn parse(text: &str) -> Result<wire::SqlTree, String> {
    let tree = std::panic::catch_unwind(|| drift_sdk::sql::parse(text)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("the SQL parser failed on this file ({what}); please report it")
    })?;
    Ok(wire::SqlTree {
        kinds: tree.raw_kinds().to_vec(),
        nodes: tree
            .raw_nodes()
            .iter()
            .map(|n| wire::SqlNode {
                kind: n.kind,
                start: n.start,
                end: n.end,
                parent: n.parent,
                token: n.token,
            })
            .collect(),
        errors: tree
            .errors()
            .iter()
            .map(|e| wire::SqlError {
                message: e.message.clone(),
                start: e.start,
                end: e.end,
            })
            .collect(),
    })
}
