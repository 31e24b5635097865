//! Renames: the second run looks for the old name, which the first run
//! took away. Only renaming a relation has a built-in guard (`ALTER TABLE
//! IF EXISTS old RENAME TO new`); everything else needs a `DO` block that
//! checks the catalog first.

use drift_sdk::Finding;
use drift_sdk::sql::{Node, Statement};

use crate::migration::{Migration, Rerun, first_operand, literal, name_parts};

const CHECK: crate::Check = crate::Check::RenameUnguarded;

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    for statement in &m.statements {
        if !statement.kind().starts_with("ALTER_") {
            continue;
        }
        let node = statement.node;
        let renames = node.children().filter(|c| {
            !c.is_token() && (c.kind().ends_with("RENAME_TO") || c.kind().starts_with("RENAME_"))
        });
        for action in renames {
            // `ALTER TABLE IF EXISTS old RENAME TO new` skips once old is gone.
            let whole_object = action.kind().ends_with("RENAME_TO");
            if whole_object && node.has_child("IF_EXISTS") {
                continue;
            }
            if m.guarded(statement, Rerun::Renamed) {
                break;
            }
            out.push(unguarded(m, statement, action));
        }
    }
}

/// `ALTER` commands that take `IF EXISTS` before the name.
fn takes_if_exists(kind: &str) -> bool {
    matches!(
        kind,
        "ALTER_TABLE"
            | "ALTER_INDEX"
            | "ALTER_VIEW"
            | "ALTER_MATERIALIZED_VIEW"
            | "ALTER_SEQUENCE"
            | "ALTER_FOREIGN_TABLE"
    )
}

fn unguarded(m: &Migration<'_>, statement: &Statement<'_>, action: Node<'_>) -> Finding {
    let node = statement.node;
    let object = first_operand(node);
    let shown = m.rewrite(node, node.start(), "", action.end());
    let old = |kind: &str| action.child(kind).map(|n| m.show(n)).unwrap_or_default();
    let target = || object.map(|o| m.show(o)).unwrap_or_default();
    let (gone, query) = match action.kind() {
        "RENAME_COLUMN" => {
            let column = old("COLUMN_NAME_REF");
            let relation = object
                .and_then(|o| o.find("PATH_REF"))
                .map(|p| name_parts(p.text(m.text)))
                .unwrap_or_default();
            let mut query = format!(
                "SELECT 1 FROM information_schema.columns WHERE table_name = {} AND column_name = {}",
                literal(relation.last().map_or("", String::as_str)),
                literal(name_parts(&column).last().map_or("", String::as_str))
            );
            if let [schema, _] = relation.as_slice() {
                query.push_str(&format!(" AND table_schema = {}", literal(schema)));
            }
            (format!("column `{column}`"), Some(query))
        }
        "RENAME_CONSTRAINT" => {
            let constraint = old("CONSTRAINT_NAME_REF");
            let query = format!(
                "SELECT 1 FROM pg_constraint WHERE conname = {}",
                literal(name_parts(&constraint).last().map_or("", String::as_str))
            );
            (format!("constraint `{constraint}`"), Some(query))
        }
        "RENAME_VALUE" => {
            let value = old("LITERAL");
            let query = format!(
                "SELECT 1 FROM pg_enum WHERE enumtypid = {}::regtype AND enumlabel = {value}",
                literal(&target())
            );
            (format!("enum value {value}"), Some(query))
        }
        "RENAME_ATTRIBUTE" => {
            let attribute = old("COMPOSITE_FIELD_REF");
            let query = format!(
                "SELECT 1 FROM pg_attribute WHERE attrelid = {}::regclass AND attname = {}",
                literal(&target()),
                literal(name_parts(&attribute).last().map_or("", String::as_str))
            );
            (format!("attribute `{attribute}`"), Some(query))
        }
        "TYPE_RENAME_TO" => {
            let query = format!(
                "SELECT 1 FROM pg_type WHERE oid = to_regtype({})",
                literal(&target())
            );
            (format!("`{}`", target()), Some(query))
        }
        "SCHEMA_RENAME_TO" => {
            let schema = name_parts(&target()).pop().unwrap_or_default();
            let query = format!(
                "SELECT 1 FROM pg_namespace WHERE nspname = {}",
                literal(&schema)
            );
            (format!("`{}`", target()), Some(query))
        }
        _ if object.is_some() => (format!("`{}`", target()), None),
        _ => ("the old name".to_owned(), None),
    };
    let help = if action.kind().ends_with("RENAME_TO") && takes_if_exists(node.kind()) {
        let at = object.map_or(node.end(), |o| o.start());
        format!("use `{}`", m.rewrite(node, at, "IF EXISTS ", action.end()))
    } else {
        match query {
            Some(query) if statement.is_nested() => {
                format!("guard it in its block: `IF EXISTS ({query}) THEN ... END IF;`")
            }
            Some(query) => format!(
                "rename only while the old name exists: `DO $$ BEGIN IF EXISTS ({query}) THEN {shown}; END IF; END $$;`"
            ),
            None => {
                "rename in a `DO` block that checks the catalog for the old name first".to_owned()
            }
        }
    };
    m.finding(
        CHECK,
        action,
        format!("`{shown}` fails when the migration runs again: {gone} no longer exists"),
        help,
    )
}

#[cfg(test)]
mod tests {
    use crate::tests::check_sql;

    #[test]
    fn unguarded_renames() {
        insta::assert_snapshot!(check_sql(
            "ALTER TABLE orders RENAME TO purchases;\n\
             ALTER TABLE public.\"Order\" RENAME COLUMN \"userId\" TO owner_id;\n\
             ALTER TABLE IF EXISTS orders RENAME COLUMN a TO b;\n\
             ALTER TABLE orders RENAME CONSTRAINT orders_pkey TO purchases_pkey;\n\
             ALTER INDEX orders_idx RENAME TO purchases_idx;\n\
             ALTER TYPE mood RENAME TO feeling;\n\
             ALTER TYPE \"Mood\" RENAME VALUE 'sad' TO 'blue';\n\
             ALTER TYPE address RENAME ATTRIBUTE zip TO postcode;\n\
             ALTER SCHEMA old RENAME TO new;\n\
             ALTER FUNCTION f(int) RENAME TO g;\n\
             DO $$ BEGIN ALTER TABLE t RENAME COLUMN x TO y; END $$;\n"
        ));
    }

    #[test]
    fn guarded_renames_are_silent() {
        let sql = "ALTER TABLE IF EXISTS orders RENAME TO purchases;\n\
                   ALTER VIEW IF EXISTS v RENAME TO w;\n\
                   DO $$ BEGIN\n\
                     IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'x') THEN\n\
                       ALTER TABLE t RENAME COLUMN x TO y;\n\
                     END IF;\n\
                   END $$;\n\
                   DO $$ BEGIN\n\
                     ALTER TYPE mood RENAME VALUE 'a' TO 'b';\n\
                   EXCEPTION WHEN invalid_parameter_value THEN NULL;\n\
                   END $$;\n";
        assert_eq!(check_sql(sql), "");
    }
}
