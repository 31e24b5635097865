//! `CREATE POLICY` and `CREATE TRIGGER`: neither has `IF NOT EXISTS`, so a
//! re-runnable migration drops the old one first (or, for triggers, uses
//! `CREATE OR REPLACE TRIGGER`).

use drift_sdk::Finding;
use drift_sdk::sql::Node;

use crate::migration::{Migration, Rerun, same_name};

const CHECK: crate::Check = crate::Check::PolicyOrTriggerUnguarded;

/// A policy or trigger dropped earlier in the file.
struct Dropped {
    trigger: bool,
    name: String,
    table: String,
}

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    let mut dropped: Vec<Dropped> = Vec::new();
    for statement in &m.statements {
        let node = statement.node;
        match statement.kind() {
            // A DROP without IF EXISTS is reported by drop-without-if-exists;
            // it still clears the way for the CREATE after it.
            "DROP_POLICY" | "DROP_TRIGGER" => {
                let trigger = statement.kind() == "DROP_TRIGGER";
                if let Some((name, table)) = name_and_table(m, node) {
                    dropped.push(Dropped {
                        trigger,
                        name,
                        table,
                    });
                }
            }
            "CREATE_POLICY" | "CREATE_TRIGGER" => {
                let trigger = statement.kind() == "CREATE_TRIGGER";
                if node.has_child("OR_REPLACE") || m.guarded(statement, Rerun::Exists) {
                    continue;
                }
                let Some((name, table)) = name_and_table(m, node) else {
                    continue;
                };
                let cleared = dropped.iter().any(|d| {
                    d.trigger == trigger && same_name(&d.name, &name) && same_name(&d.table, &table)
                });
                if !cleared {
                    out.push(unguarded(m, node, trigger, &name, &table));
                }
            }
            _ => {}
        }
    }
}

/// The name and table of a policy or trigger statement, as written.
fn name_and_table(m: &Migration<'_>, node: Node<'_>) -> Option<(String, String)> {
    let name = node.children().find(|c| {
        matches!(
            c.kind(),
            "POLICY" | "POLICY_REF" | "TRIGGER" | "TRIGGER_REF"
        )
    })?;
    let on = node
        .children()
        .find(|c| matches!(c.kind(), "ON_TABLE" | "ON_RELATION"))?;
    let table = on.children().find(|c| !c.is_token())?;
    Some((m.show(name), m.show(table)))
}

fn unguarded(m: &Migration<'_>, node: Node<'_>, trigger: bool, name: &str, table: &str) -> Finding {
    let what = if trigger { "TRIGGER" } else { "POLICY" };
    // `CREATE CONSTRAINT TRIGGER` cannot be replaced.
    let constraint = node.has_child("CONSTRAINT_KW");
    let keyword = if constraint {
        "CONSTRAINT TRIGGER"
    } else {
        what
    };
    let drop = format!("DROP {what} IF EXISTS {name} ON {table};");
    let help = if trigger && !constraint {
        format!(
            "use `CREATE OR REPLACE TRIGGER {name}` (PostgreSQL 14+), or add `{drop}` before it"
        )
    } else {
        format!("add `{drop}` before it")
    };
    m.finding(
        CHECK,
        node,
        format!(
            "`CREATE {keyword} {name} ON {table}` fails when the migration runs again: the {} already exists",
            what.to_ascii_lowercase()
        ),
        help,
    )
}

#[cfg(test)]
mod tests {
    use crate::tests::check_sql;

    #[test]
    fn unguarded_policies_and_triggers() {
        insta::assert_snapshot!(check_sql(
            "CREATE POLICY \"owner can read\" ON public.orders FOR SELECT USING (owner = current_user);\n\
             DROP POLICY IF EXISTS other ON orders;\n\
             CREATE POLICY p ON orders USING (true);\n\
             DROP TRIGGER IF EXISTS t ON items;\n\
             CREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n\
             CREATE CONSTRAINT TRIGGER c AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();\n"
        ));
    }

    #[test]
    fn dropped_first_or_replaced_is_silent() {
        let sql = "DROP POLICY IF EXISTS \"owner can read\" ON orders;\n\
                   CREATE POLICY \"owner can read\" ON public.orders FOR SELECT USING (true);\n\
                   DROP TRIGGER IF EXISTS set_updated_at ON public.orders;\n\
                   CREATE TRIGGER set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n\
                   CREATE OR REPLACE TRIGGER t2 BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n\
                   DO $$ BEGIN\n\
                     IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE policyname = 'p2') THEN\n\
                       CREATE POLICY p2 ON orders USING (true);\n\
                     END IF;\n\
                   END $$;\n";
        assert_eq!(check_sql(sql), "");
    }

    #[test]
    fn a_drop_clears_only_its_own_table() {
        let sql = "DROP POLICY IF EXISTS p ON a.orders;\n\
                   CREATE POLICY p ON b.orders USING (true);\n\
                   DROP POLICY IF EXISTS \"P\" ON c.orders;\n\
                   CREATE POLICY p ON c.orders USING (true);\n\
                   CREATE POLICY q ON orders USING (true);\n\
                   DROP POLICY IF EXISTS q ON orders;\n";
        insta::assert_snapshot!(check_sql(sql));
    }
}
