//! `ALTER TABLE ... ADD CONSTRAINT`: PostgreSQL has no `IF NOT EXISTS` for
//! constraints, so a re-runnable migration drops the constraint first
//! (`DROP CONSTRAINT IF EXISTS`) or adds it in a guarded `DO` block. And the
//! trap in the first way: `DROP CONSTRAINT` does not remove a unique
//! *index* of the same name, which Prisma creates for `@@unique`.

use drift_sdk::Finding;
use drift_sdk::sql::Node;

use crate::create::identifier;
use crate::migration::{Migration, Rerun, bare_name, same_name};

const CHECK: crate::Check = crate::Check::AddConstraintUnguarded;
const TRAP: crate::Check = crate::Check::UniqueIndexTrap;

/// A constraint dropped earlier in the file.
struct Dropped {
    table: String,
    name: String,
    line: u32,
}

/// A unique index created earlier in the file.
struct UniqueIndex {
    name: String,
    line: u32,
}

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    let mut dropped: Vec<Dropped> = Vec::new();
    let mut unique_indexes: Vec<UniqueIndex> = Vec::new();
    for statement in &m.statements {
        let node = statement.node;
        match statement.kind() {
            "CREATE_INDEX" if node.has_child("UNIQUE_KW") => {
                if let Some(name) = node.child("INDEX") {
                    unique_indexes.push(UniqueIndex {
                        name: m.show(name),
                        line: m.line(node.start()),
                    });
                }
            }
            "DROP_INDEX" => {
                for index in node.children().filter(|c| c.kind() == "INDEX_REF") {
                    unique_indexes.retain(|i| !same_name(&i.name, &m.show(index)));
                }
            }
            "ALTER_TABLE" => {
                let Some(table) = table(m, node) else {
                    continue;
                };
                let guarded = m.guarded(statement, Rerun::Exists);
                // Actions run in order: `DROP CONSTRAINT IF EXISTS x, ADD
                // CONSTRAINT x ...` in one statement is the usual idiom.
                for action in node.children() {
                    match action.kind() {
                        // Without IF EXISTS the DROP is reported by
                        // drop-without-if-exists; it still clears the way.
                        "DROP_CONSTRAINT" => {
                            if let Some(name) = action.child("CONSTRAINT_NAME_REF") {
                                dropped.push(Dropped {
                                    table: table.clone(),
                                    name: m.show(name),
                                    line: m.line(action.start()),
                                });
                            }
                        }
                        "ADD_CONSTRAINT" if !guarded => {
                            add(m, action, &table, &dropped, &unique_indexes, out);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// The table an `ALTER TABLE` changes, without `ONLY`.
fn table(m: &Migration<'_>, alter: Node<'_>) -> Option<String> {
    let relation = alter.child("TABLE_RELATION_NAME")?;
    Some(m.show(relation.child("TABLE_NAME_REF").unwrap_or(relation)))
}

fn add(
    m: &Migration<'_>,
    action: Node<'_>,
    table: &str,
    dropped: &[Dropped],
    unique_indexes: &[UniqueIndex],
    out: &mut Vec<Finding>,
) {
    let Some(constraint) = action.children().find(|c| !c.is_token()) else {
        return;
    };
    let Some(name) = constraint
        .child("CONSTRAINT_NAME_CLAUSE")
        .and_then(|c| c.child("CONSTRAINT_NAME"))
    else {
        unnamed(m, action, constraint, table, out);
        return;
    };
    let shown = m.show(name);
    let head = format!("ALTER TABLE {table} {}", m.head(action, name));
    let Some(drop) = dropped
        .iter()
        .find(|d| same_name(&d.table, table) && same_name(&d.name, &shown))
    else {
        out.push(m.finding(
            CHECK,
            action,
            format!("`{head}` fails when the migration runs again: the constraint already exists"),
            format!(
                "add `ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {shown};` before it, or add it in a `DO` block that checks `pg_constraint` first"
            ),
        ));
        return;
    };
    // UNIQUE, PRIMARY KEY and EXCLUDE constraints create an index named like
    // the constraint; `USING INDEX` adopts an existing one instead.
    let makes_index = matches!(
        constraint.kind(),
        "UNIQUE_CONSTRAINT" | "PRIMARY_KEY_CONSTRAINT" | "EXCLUDE_CONSTRAINT"
    ) && !constraint.has_child("USING_INDEX_NAME");
    let index = unique_indexes.iter().find(|i| same_name(&i.name, &shown));
    if let (true, Some(index)) = (makes_index, index) {
        out.push(m.finding(
            TRAP,
            action,
            format!(
                "`{head}` fails: `{shown}` is the unique index created on line {}, not a constraint, so `DROP CONSTRAINT` on line {} does not remove it, and the constraint's index cannot take its name",
                index.line, drop.line
            ),
            format!("add `DROP INDEX IF EXISTS {};` before it", index.name),
        ));
    }
}

/// `ADD UNIQUE (a)`, `ADD PRIMARY KEY (id)`, `ADD CHECK (...)`: PostgreSQL
/// names the constraint itself, so a second run adds a copy (or, for a
/// primary key, fails).
fn unnamed(
    m: &Migration<'_>,
    action: Node<'_>,
    constraint: Node<'_>,
    table: &str,
    out: &mut Vec<Finding>,
) {
    let keywords = constraint
        .children()
        .take_while(|c| c.kind().ends_with("_KW"))
        .last()
        .unwrap_or(constraint);
    let head = format!("ALTER TABLE {table} {}", m.head(action, keywords));
    let (suffix, columns) = match constraint.kind() {
        "PRIMARY_KEY_CONSTRAINT" => ("pkey", false),
        "UNIQUE_CONSTRAINT" => ("key", true),
        "FOREIGN_KEY_CONSTRAINT" => ("fkey", true),
        "EXCLUDE_CONSTRAINT" => ("excl", false),
        _ => ("check", false),
    };
    let mut parts = vec![bare_name(table)];
    if columns
        && let Some(list) = constraint
            .children()
            .find(|c| c.kind().ends_with("_LIST") || c.kind() == "INDEX_PARAMETERS")
    {
        parts.extend(
            list.descendants()
                .filter(|c| c.kind() == "COLUMN_NAME_REF")
                .map(|c| bare_name(c.text(m.text))),
        );
    }
    parts.push(suffix.to_owned());
    let name = identifier(&parts.join("_"));
    let message = if suffix == "pkey" {
        format!("`{head}` fails when the migration runs again: the table already has a primary key")
    } else {
        format!("`{head}` has no name, so every run adds another copy of the constraint")
    };
    out.push(m.finding(
        CHECK,
        action,
        message,
        format!(
            "name it and drop it first: `ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}, {}`",
            m.rewrite(
                action,
                constraint.start(),
                &format!("CONSTRAINT {name} "),
                keywords.end()
            )
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::tests::check_sql;

    #[test]
    fn unguarded_constraints() {
        insta::assert_snapshot!(check_sql(
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n\
             ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;\n\
             ALTER TABLE orders ADD PRIMARY KEY (id), ADD UNIQUE (\"userId\", number), ADD FOREIGN KEY (a) REFERENCES b (id), ADD CHECK (a > 0);\n\
             ALTER TABLE orders DROP CONSTRAINT IF EXISTS other, ADD CONSTRAINT mine UNIQUE (a);\n\
             ALTER TABLE items DROP CONSTRAINT IF EXISTS mine;\n\
             ALTER TABLE orders ADD CONSTRAINT mine UNIQUE (b);\n"
        ));
    }

    #[test]
    fn dropped_first_or_guarded_is_silent() {
        let sql = "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;\n\
                   ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n\
                   ALTER TABLE public.orders DROP CONSTRAINT IF EXISTS u, ADD CONSTRAINT u UNIQUE (a);\n\
                   DO $$ BEGIN\n\
                     IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk') THEN\n\
                       ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id);\n\
                     END IF;\n\
                   END $$;\n\
                   DO $$ BEGIN\n\
                     EXECUTE 'ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY (id)';\n\
                   EXCEPTION WHEN invalid_table_definition OR duplicate_table THEN NULL;\n\
                   END $$;\n";
        assert_eq!(check_sql(sql), "");
    }

    #[test]
    fn drop_constraint_does_not_drop_a_unique_index() {
        let sql = "CREATE UNIQUE INDEX IF NOT EXISTS \"User_email_key\" ON \"User\" (email);\n\
                   ALTER TABLE \"User\" DROP CONSTRAINT IF EXISTS \"User_email_key\";\n\
                   ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_key\" UNIQUE (email);\n";
        insta::assert_snapshot!(check_sql(sql));
        // Dropping the index too, adopting it, or a constraint that makes no
        // index are fine.
        let fixed = "CREATE UNIQUE INDEX IF NOT EXISTS k ON t (a);\n\
                     ALTER TABLE t DROP CONSTRAINT IF EXISTS k;\n\
                     DROP INDEX IF EXISTS k;\n\
                     ALTER TABLE t ADD CONSTRAINT k UNIQUE (a);\n\
                     CREATE UNIQUE INDEX IF NOT EXISTS j ON t (a);\n\
                     ALTER TABLE t DROP CONSTRAINT IF EXISTS j, ADD CONSTRAINT j CHECK (a > 0);\n\
                     ALTER TABLE t DROP CONSTRAINT IF EXISTS j;\n\
                     ALTER TABLE t ADD CONSTRAINT j UNIQUE USING INDEX j;\n";
        assert_eq!(check_sql(fixed), "");
        // The index is in the way wherever it was created before the ADD.
        let later = "ALTER TABLE t DROP CONSTRAINT IF EXISTS k;\n\
                     CREATE UNIQUE INDEX IF NOT EXISTS k ON t (a);\n\
                     ALTER TABLE t ADD CONSTRAINT k UNIQUE (a);\n";
        assert!(check_sql(later).contains("unique-index-trap"));
    }
}
