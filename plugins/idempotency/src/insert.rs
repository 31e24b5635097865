//! `INSERT`s of seed or backfill data: run again, they add every row a
//! second time, or fail on the first unique key they hit.

use drift_sdk::Finding;
use drift_sdk::sql::Node;

use crate::migration::{Migration, Rerun, same_name};

const CHECK: crate::Check = crate::Check::InsertWithoutConflictHandling;

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    // A temporary table starts empty in every session.
    let temporary: Vec<String> = m
        .statements
        .iter()
        .filter(|s| s.kind().starts_with("CREATE_TABLE") && s.node.has_child("TEMP"))
        .filter_map(|s| s.node.child("TABLE_NAME"))
        .map(|n| m.show(n))
        .collect();
    for statement in &m.statements {
        let insert = statement.node;
        if statement.kind() != "INSERT"
            || insert.has_child("ON_CONFLICT_CLAUSE")
            || inserts_only_missing_rows(insert)
            || m.guarded(statement, Rerun::Duplicate)
        {
            continue;
        }
        let Some(table) = insert.child("RELATION_NAME_REF") else {
            continue;
        };
        let name = m.show(table);
        if temporary.iter().any(|t| same_name(t, &name)) {
            continue;
        }
        // ON CONFLICT goes before RETURNING.
        let at = insert
            .child("RETURNING_CLAUSE")
            .map_or(insert.end(), |r| r.start());
        let fixed = m.rewrite(insert, at, " ON CONFLICT DO NOTHING ", insert.end());
        let not_exists = format!("`SELECT ... WHERE NOT EXISTS (SELECT 1 FROM {name} WHERE ...)`");
        let help = if fixed.ends_with("...") {
            format!(
                "add `ON CONFLICT DO NOTHING` (against a unique key) or `ON CONFLICT (...) DO UPDATE`, or insert only missing rows with {not_exists}"
            )
        } else {
            format!(
                "use `{fixed}` (it needs a unique key to conflict on), or insert only missing rows with {not_exists}"
            )
        };
        out.push(m.finding(
            CHECK,
            insert,
            format!(
                "`{}` inserts its rows again when the migration runs again (or fails on a unique key)",
                m.head(insert, table)
            ),
            help,
        ));
    }
}

/// `INSERT ... SELECT ... WHERE NOT EXISTS (...)`, `WHERE ... NOT IN
/// (SELECT ...)` and `SELECT ... EXCEPT SELECT ...` insert only the rows
/// that are not there yet.
fn inserts_only_missing_rows(insert: Node<'_>) -> bool {
    let Some(mut source) = insert
        .children()
        .find(|c| matches!(c.kind(), "SELECT" | "COMPOUND_SELECT" | "PAREN_SELECT"))
    else {
        return false;
    };
    while source.kind() == "PAREN_SELECT" {
        let paren = source;
        match paren.children().find(|c| !c.is_token()) {
            Some(inner) => source = inner,
            None => return false,
        }
    }
    if source.kind() == "COMPOUND_SELECT" {
        return source.has_child("EXCEPT");
    }
    let Some(filter) = source.child("WHERE_CLAUSE") else {
        return false;
    };
    filter.descendants().any(|n| match n.kind() {
        "PREFIX_EXPR" => {
            n.has_child("NOT_KW")
                && n.children()
                    .any(|c| c.kind() == "CALL_EXPR" && c.has_child("EXISTS_FN"))
        }
        "NOT_IN" => n.parent().is_some_and(|p| p.find("SELECT").is_some()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use crate::tests::check_sql;

    #[test]
    fn inserts_without_conflict_handling() {
        insta::assert_snapshot!(check_sql(
            "INSERT INTO settings (key, value) VALUES ('theme', 'dark');\n\
             INSERT INTO public.\"Role\" (name) VALUES ('admin') RETURNING id;\n\
             INSERT INTO audit SELECT * FROM legacy_audit WHERE created_at > now() - interval '1 year';\n\
             INSERT INTO big (a, b, c, d, e, f, g) VALUES (1, 2, 3, 4, 5, 6, 7), (8, 9, 10, 11, 12, 13, 14);\n\
             DO $$ BEGIN INSERT INTO t VALUES (1); END $$;\n"
        ));
    }

    #[test]
    fn conflict_handling_or_not_exists_is_silent() {
        let sql = "INSERT INTO settings (key, value) VALUES ('theme', 'dark') ON CONFLICT DO NOTHING;\n\
                   INSERT INTO settings (key, value) VALUES ('x', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value;\n\
                   INSERT INTO roles (name) SELECT 'admin' WHERE NOT EXISTS (SELECT 1 FROM roles WHERE name = 'admin');\n\
                   INSERT INTO roles (name) (SELECT name FROM staging WHERE name NOT IN (SELECT name FROM roles));\n\
                   INSERT INTO roles (name) SELECT name FROM staging EXCEPT SELECT name FROM roles;\n\
                   CREATE TEMP TABLE scratch (id int);\n\
                   INSERT INTO scratch VALUES (1);\n\
                   DO $$ BEGIN\n\
                     IF NOT EXISTS (SELECT 1 FROM roles) THEN INSERT INTO roles VALUES ('a'); END IF;\n\
                     INSERT INTO roles VALUES ('b');\n\
                   EXCEPTION WHEN unique_violation THEN NULL;\n\
                   END $$;\n\
                   CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$\n\
                   BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$;\n";
        let findings = check_sql(sql);
        // Only the function itself (no OR REPLACE) is reported, not its body.
        assert!(
            !findings.contains("insert-without-conflict-handling"),
            "{findings}"
        );
    }
}
