//! `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX
//! CONCURRENTLY` refuse to run inside a transaction block, so a migration
//! that runs in one fails every time, and a failed concurrent build leaves
//! an invalid index behind that `IF NOT EXISTS` then skips.

use drift_sdk::Finding;
use drift_sdk::sql::{Node, Statement};

use crate::Options;
use crate::migration::{Migration, Origin};

const CHECK: crate::Check = crate::Check::ConcurrentlyInTransaction;

pub fn check(m: &Migration<'_>, options: &Options, out: &mut Vec<Finding>) {
    // The line of the BEGIN whose transaction is open, if one is.
    let mut open: Option<u32> = None;
    for statement in &m.statements {
        let node = statement.node;
        match statement.kind() {
            "BEGIN" if !statement.is_nested() => open = Some(m.line(node.start())),
            // COMMIT AND CHAIN starts the next transaction at once.
            "COMMIT_TRANSACTION" | "ROLLBACK_TRANSACTION"
                if !statement.is_nested() && !node.has_child("AND_CHAIN") =>
            {
                open = None;
            }
            "CREATE_INDEX" | "DROP_INDEX" | "REINDEX" => {
                let Some(concurrently) = concurrently(node) else {
                    continue;
                };
                if let Some(reason) = reason(m, statement, open, options) {
                    let head = m.head(node, concurrently);
                    out.push(m.finding(
                        CHECK,
                        node,
                        format!("`{head}` cannot run inside a transaction block: {reason}"),
                        help(m.origin),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The `CONCURRENTLY` keyword of the statement (`REINDEX` has it one level
/// down, after its target kind).
fn concurrently(node: Node<'_>) -> Option<Node<'_>> {
    node.child("CONCURRENTLY_KW").or_else(|| {
        node.children()
            .find(|c| c.kind().starts_with("REINDEX_TARGET"))
            .and_then(|t| t.child("CONCURRENTLY_KW"))
    })
}

/// Why the statement runs in a transaction, if it does.
fn reason(
    m: &Migration<'_>,
    statement: &Statement<'_>,
    open: Option<u32>,
    options: &Options,
) -> Option<String> {
    if statement.is_nested() {
        return Some("a `DO` block runs inside the transaction of its statement".to_owned());
    }
    if let Some(line) = open {
        return Some(format!(
            "the transaction opened on line {line} is still open"
        ));
    }
    match m.origin {
        // A script of several statements sent at once runs as one implicit
        // transaction; a lone statement does not.
        Origin::Prisma if top_level_statements(m) > 1 => Some(
            "Prisma applies migration.sql in one go, which makes its statements one transaction"
                .to_owned(),
        ),
        Origin::HandWritten if options.transactional => {
            Some("hand-written migrations run in a transaction (option `transactional`)".to_owned())
        }
        _ => None,
    }
}

fn top_level_statements(m: &Migration<'_>) -> usize {
    m.tree.root().map_or(0, |root| {
        root.children()
            .filter(|c| !c.is_token() && !matches!(c.kind(), "EMPTY_STMT" | "ERROR"))
            .count()
    })
}

fn help(origin: Origin) -> &'static str {
    match origin {
        Origin::Prisma => {
            "move it into a migration of its own where it is the only statement, or drop CONCURRENTLY if locking the table while the index builds is acceptable"
        }
        Origin::HandWritten => {
            "move it into a migration file of its own that runs outside a transaction, or drop CONCURRENTLY if locking the table while the index builds is acceptable"
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::testing::{InputBuilder, run};

    use crate::Idempotency;
    use crate::tests::{check_sql, show};

    const CONCURRENT: &str =
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_idx ON orders (user_id);\n";

    #[test]
    fn explicit_transactions() {
        let sql = format!(
            "BEGIN;\n{CONCURRENT}COMMIT;\n{CONCURRENT}START TRANSACTION;\nDROP INDEX CONCURRENTLY IF EXISTS old_idx;\nCOMMIT AND CHAIN;\nREINDEX INDEX CONCURRENTLY orders_user_idx;\nROLLBACK;\nDO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)'; END $$;\n"
        );
        insta::assert_snapshot!(check_sql(&sql));
        assert_eq!(check_sql(CONCURRENT), "");
    }

    #[test]
    fn the_transactional_option() {
        let input = InputBuilder::new()
            .sql_file("migrations/01_index.sql", CONCURRENT)
            .build();
        assert_eq!(show(&run(&Idempotency, &input, "{}").unwrap()), "");
        let findings = run(&Idempotency, &input, r#"{"transactional": true}"#).unwrap();
        insta::assert_snapshot!(show(&findings));
    }

    #[test]
    fn prisma_migrations_are_one_transaction_unless_alone() {
        let alone = InputBuilder::new()
            .sql_file(
                "prisma/migrations/20240101120000_idx/migration.sql",
                CONCURRENT,
            )
            .build();
        assert_eq!(
            show(&run(&Idempotency, &alone, r#"{"prisma": true}"#).unwrap()),
            ""
        );
        let with_others = InputBuilder::new()
            .sql_file(
                "prisma/migrations/20240101120000_idx/migration.sql",
                &format!("-- CreateIndex\n{CONCURRENT}CREATE INDEX IF NOT EXISTS b ON t (b);\n"),
            )
            .build();
        assert_eq!(
            show(&run(&Idempotency, &with_others, "{}").unwrap()),
            "",
            "Prisma migrations are skipped by default"
        );
        let findings = run(&Idempotency, &with_others, r#"{"prisma": true}"#).unwrap();
        insta::assert_snapshot!(show(&findings));
    }
}
