//! Statements that drop what the first run already dropped: `DROP ...`,
//! and the `DROP` actions of `ALTER` (columns, constraints, attributes,
//! identities, generation expressions), without `IF EXISTS`.

use drift_sdk::Finding;
use drift_sdk::sql::Node;

use crate::migration::{Migration, Rerun, first_operand};

const CHECK: crate::Check = crate::Check::DropWithoutIfExists;

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    for statement in &m.statements {
        let kind = statement.kind();
        // DROP OWNED has no IF EXISTS: it is idempotent by itself.
        let dropping = kind.starts_with("DROP_") && kind != "DROP_OWNED";
        let altering = kind.starts_with("ALTER_");
        if !(dropping || altering) || m.guarded(statement, Rerun::Gone) {
            continue;
        }
        if dropping {
            drop(m, statement.node, out);
        } else {
            for action in statement.own_nodes() {
                match action.kind() {
                    "DROP_COLUMN" | "DROP_CONSTRAINT" | "DROP_ATTRIBUTE" => {
                        drop_action(m, statement.node, action, out);
                    }
                    "DROP_IDENTITY" | "DROP_EXPRESSION" => {
                        drop_column_property(m, statement.node, action, out);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn drop(m: &Migration<'_>, statement: Node<'_>, out: &mut Vec<Finding>) {
    if statement.has_child("IF_EXISTS") {
        return;
    }
    let Some(name) = first_operand(statement) else {
        return;
    };
    // `DROP USER MAPPING FOR ...` and `DROP TRANSFORM FOR ...` take IF EXISTS
    // before the FOR.
    let at = statement
        .children()
        .take_while(|c| c.start() < name.start())
        .last()
        .filter(|c| c.kind() == "FOR_KW")
        .map_or(name.start(), |f| f.start());
    // Policies, triggers and rules are named with their table.
    let until = statement
        .children()
        .find(|c| matches!(c.kind(), "ON_TABLE" | "ON_RELATION"))
        .unwrap_or(name);
    out.push(m.finding(
        CHECK,
        statement,
        gone(&m.head(statement, until)),
        format!(
            "use `{}`",
            m.rewrite(statement, at, "IF EXISTS ", until.end())
        ),
    ));
}

fn gone(head: &str) -> String {
    format!("`{head}` fails when the migration runs again: it was already dropped")
}

/// `ALTER TABLE t DROP COLUMN c`, `DROP CONSTRAINT`, `ALTER TYPE DROP
/// ATTRIBUTE`: `IF EXISTS` goes before the name.
fn drop_action(m: &Migration<'_>, alter: Node<'_>, action: Node<'_>, out: &mut Vec<Finding>) {
    if action.has_child("IF_EXISTS") {
        return;
    }
    let Some(name) = first_operand(action) else {
        return;
    };
    let target = m.target(alter);
    // `DROP c` is `DROP COLUMN c`; the help spells it out.
    let insert = if action.kind() == "DROP_COLUMN" && !action.has_child("COLUMN_KW") {
        "COLUMN IF EXISTS "
    } else {
        "IF EXISTS "
    };
    out.push(m.finding(
        CHECK,
        action,
        gone(&format!("{target} {}", m.head(action, name))),
        format!(
            "use `{target} {}`",
            m.rewrite(action, name.start(), insert, name.end())
        ),
    ));
}

/// `ALTER COLUMN c DROP IDENTITY` / `DROP EXPRESSION`: `IF EXISTS` goes at
/// the end, and the finding covers the whole `ALTER COLUMN` action.
fn drop_column_property(
    m: &Migration<'_>,
    alter: Node<'_>,
    action: Node<'_>,
    out: &mut Vec<Finding>,
) {
    if action.has_child("IF_EXISTS") {
        return;
    }
    let column = action.parent().filter(|p| p.kind() == "ALTER_COLUMN");
    let whole = column.unwrap_or(action);
    let target = m.target(alter);
    let what = if action.kind() == "DROP_IDENTITY" {
        "identity"
    } else {
        "generation expression"
    };
    out.push(m.finding(
        CHECK,
        whole,
        format!(
            "`{target} {}` fails when the migration runs again: the {what} was already dropped",
            m.show(whole)
        ),
        format!(
            "use `{target} {}`",
            m.rewrite(whole, action.end(), " IF EXISTS", action.end())
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::tests::check_sql;

    #[test]
    fn drops_without_if_exists() {
        insta::assert_snapshot!(check_sql(
            "DROP TABLE legacy_orders, legacy_items CASCADE;\n\
             DROP INDEX CONCURRENTLY orders_old_idx;\n\
             DROP TYPE mood;\n\
             DROP VIEW v;\n\
             DROP MATERIALIZED VIEW mv;\n\
             DROP FUNCTION f(int);\n\
             DROP SCHEMA old CASCADE;\n\
             DROP SEQUENCE s;\n\
             DROP POLICY \"owner can read\" ON public.orders;\n\
             DROP TRIGGER set_updated_at ON orders;\n\
             DROP CAST (int AS text);\n\
             DROP USER MAPPING FOR bob SERVER files;\n\
             ALTER TABLE orders DROP COLUMN note, DROP CONSTRAINT orders_note_check, DROP total;\n\
             ALTER TABLE orders ALTER COLUMN id DROP IDENTITY, ALTER COLUMN total DROP EXPRESSION;\n\
             ALTER TYPE address DROP ATTRIBUTE zip;\n"
        ));
    }

    #[test]
    fn guarded_drops_are_silent() {
        let sql = "DROP TABLE IF EXISTS legacy;\n\
                   DROP INDEX CONCURRENTLY IF EXISTS i;\n\
                   DROP POLICY IF EXISTS p ON t;\n\
                   DROP OWNED BY old_role;\n\
                   ALTER TABLE t DROP COLUMN IF EXISTS a, DROP CONSTRAINT IF EXISTS c, ALTER COLUMN b DROP DEFAULT, ALTER COLUMN b DROP NOT NULL;\n\
                   ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS;\n\
                   DO $$ BEGIN\n\
                     IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'x') THEN\n\
                       DROP TABLE x;\n\
                     END IF;\n\
                     DROP TYPE y;\n\
                   EXCEPTION WHEN undefined_object THEN NULL;\n\
                   END $$;\n";
        assert_eq!(check_sql(sql), "");
    }
}
