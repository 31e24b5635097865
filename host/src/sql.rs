//! The SQL layer: every `.sql` file an SQL-reading rule wants is parsed once
//! per run, natively, and the same tree is handed to each such rule.
//!
//! Parsing is the SDK's (`drift_syntax::sql::parse_packed`, squawk's tolerant
//! PostgreSQL parser with PL/pgSQL and `EXECUTE` strings spliced in, in the
//! wire form), so rules see in production exactly the trees their native
//! unit tests get from `drift_syntax::sql::parse`.

use crate::wire;

/// Parses `text`; a parser panic becomes an error instead of taking the run
/// down (the parser is tolerant by design, so this is a last line of defence).
pub fn parse(text: &str) -> Result<wire::SqlTree, String> {
    let (nodes, errors) = std::panic::catch_unwind(|| drift_syntax::sql::parse_packed(text))
        .map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("the SQL parser failed on this file ({what}); please report it")
        })?;
    Ok(wire::SqlTree {
        // Four numbers per node, the kind numbers indexing the parser's one
        // table (`drift_syntax::sql::kind_names`): one copy into the sandbox.
        nodes,
        errors: errors
            .into_iter()
            .map(|e| wire::SqlError {
                message: e.message,
                start: e.start,
                end: e.end,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    /// PostgreSQL's own regression SQL (256 files in `shared/corpora`, beside
    /// the repository): every file parses without a panic, and PL/pgSQL
    /// bodies and EXECUTE strings are spliced in with in-bounds ranges.
    #[test]
    fn parses_the_pg_regress_corpus() {
        let mut files = 0;
        let mut nodes = 0;
        let names = drift_syntax::sql::kind_names();
        let Some(corpus) = drift_syntax::testdata::pg_regress_files() else {
            return;
        };
        for (rel, path) in corpus {
            let bytes = std::fs::read(&path).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            let tree = super::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(tree.nodes.len() % 4, 0, "four numbers per node");
            for node in drift_syntax::sql::RawNode::unpack(&tree.nodes) {
                assert!(
                    names
                        .get(usize::from(node.kind))
                        .is_some_and(|k| *k != "TOMBSTONE")
                        && node.start <= node.end
                        && node.end as usize <= text.len(),
                    "{}: node out of bounds",
                    rel
                );
            }
            files += 1;
            nodes += tree.nodes.len() / 4;
        }
        assert!(files >= 250, "only {files} corpus files found");
        assert!(nodes > 1_000_000, "suspiciously small trees: {nodes} nodes");
    }
}
