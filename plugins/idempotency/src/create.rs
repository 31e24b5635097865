//! Statements that create what the first run already created: `CREATE`
//! without `IF NOT EXISTS` or `OR REPLACE`, `ADD COLUMN` and `ADD VALUE`
//! without `IF NOT EXISTS`, and `CREATE TYPE` / `CREATE DOMAIN`, which have
//! neither and need a guard.

use drift_sdk::Finding;
use drift_sdk::sql::{Node, Statement};

use crate::migration::{Migration, Rerun, bare_name, first_operand, literal};

const CREATE: crate::Check = crate::Check::CreateWithoutIfNotExists;
const ADD_COLUMN: crate::Check = crate::Check::AddColumnWithoutIfNotExists;
const CREATE_TYPE: crate::Check = crate::Check::CreateTypeUnguarded;
const ADD_VALUE: crate::Check = crate::Check::AddEnumValueWithoutIfNotExists;

pub fn check(m: &Migration<'_>, out: &mut Vec<Finding>) {
    for statement in &m.statements {
        let kind = statement.kind();
        let relevant = kind.starts_with("CREATE_") || matches!(kind, "ALTER_TABLE" | "ALTER_TYPE");
        if !relevant || m.guarded(statement, Rerun::Exists) {
            continue;
        }
        match kind {
            "CREATE_INDEX" => index(m, statement.node, out),
            "CREATE_TABLE"
            | "CREATE_TABLE_AS"
            | "CREATE_SCHEMA"
            | "CREATE_EXTENSION"
            | "CREATE_SEQUENCE"
            | "CREATE_MATERIALIZED_VIEW" => if_not_exists(m, statement.node, out),
            "CREATE_VIEW" | "CREATE_FUNCTION" | "CREATE_PROCEDURE" => {
                or_replace(m, statement.node, out);
            }
            "CREATE_TYPE" | "CREATE_DOMAIN" => create_type(m, statement, out),
            "ALTER_TABLE" => add_columns(m, statement.node, out),
            "ALTER_TYPE" => add_values(m, statement.node, out),
            _ => {}
        }
    }
}

/// What a `CREATE_*` statement creates, for messages.
fn object(kind: &str) -> &'static str {
    match kind {
        "CREATE_TABLE" | "CREATE_TABLE_AS" => "table",
        "CREATE_SCHEMA" => "schema",
        "CREATE_EXTENSION" => "extension",
        "CREATE_SEQUENCE" => "sequence",
        "CREATE_MATERIALIZED_VIEW" => "materialized view",
        "CREATE_VIEW" => "view",
        "CREATE_FUNCTION" => "function",
        "CREATE_PROCEDURE" => "procedure",
        "CREATE_DOMAIN" => "domain",
        _ => "type",
    }
}

/// The node naming what a `CREATE_*` statement creates.
fn name(create: Node<'_>) -> Option<Node<'_>> {
    let kinds: &[&str] = match create.kind() {
        "CREATE_TABLE" | "CREATE_TABLE_AS" => &["TABLE_NAME"],
        "CREATE_SCHEMA" => &["NAMED_SCHEMA", "AUTHORIZATION_SCHEMA"],
        "CREATE_EXTENSION" => &["EXTENSION"],
        "CREATE_SEQUENCE" => &["SEQUENCE"],
        "CREATE_MATERIALIZED_VIEW" | "CREATE_VIEW" => &["VIEW"],
        "CREATE_FUNCTION" => &["FUNCTION_NAME"],
        "CREATE_PROCEDURE" => &["PROCEDURE_NAME"],
        "CREATE_DOMAIN" => &["DOMAIN"],
        "CREATE_TYPE" => &["TYPE_NAME"],
        _ => &[],
    };
    create.children().find(|c| kinds.contains(&c.kind()))
}

fn fails(head: &str, what: &str) -> String {
    format!("`{head}` fails when the migration runs again: the {what} already exists")
}

fn if_not_exists(m: &Migration<'_>, create: Node<'_>, out: &mut Vec<Finding>) {
    // A temporary table or sequence goes away with the session that made it.
    if create.has_child("IF_NOT_EXISTS") || create.has_child("TEMP") {
        return;
    }
    let Some(name) = name(create) else { return };
    out.push(m.finding(
        CREATE,
        create,
        fails(&m.head(create, name), object(create.kind())),
        format!(
            "use `{}`",
            m.rewrite(create, name.start(), "IF NOT EXISTS ", name.end())
        ),
    ));
}

fn index(m: &Migration<'_>, create: Node<'_>, out: &mut Vec<Finding>) {
    if create.has_child("IF_NOT_EXISTS") {
        return;
    }
    let table = create.child("TABLE_RELATION_NAME");
    let until = table.map_or(create.end(), |t| t.end());
    if let Some(name) = create.child("INDEX") {
        out.push(m.finding(
            CREATE,
            create,
            fails(&m.head(create, name), "index"),
            format!(
                "use `{}`",
                m.rewrite(create, name.start(), "IF NOT EXISTS ", until)
            ),
        ));
        return;
    }
    // Without a name PostgreSQL picks a new one (`t_a_idx1`, ...) each run,
    // and IF NOT EXISTS needs a name to look for.
    let (Some(on), Some(table)) = (create.child("ON_KW"), table) else {
        return;
    };
    let name = default_index_name(m, create, table);
    out.push(m.finding(
        CREATE,
        create,
        format!(
            "`{}` has no name, so every run adds another copy of the index",
            m.head(create, table)
        ),
        format!(
            "name it so IF NOT EXISTS can find it: `{}`",
            m.rewrite(create, on.start(), &format!("IF NOT EXISTS {name} "), until)
        ),
    ));
}

/// The name PostgreSQL would give the index (`<table>_<columns>_idx`),
/// quoted when it needs to be.
fn default_index_name(m: &Migration<'_>, create: Node<'_>, table: Node<'_>) -> String {
    let mut parts = vec![bare_name(
        table.find("PATH_REF").unwrap_or(table).text(m.text),
    )];
    if let Some(items) = create.child("PARTITION_ITEM_LIST") {
        for item in items.children().filter(|c| c.kind() == "PARTITION_ITEM") {
            parts.push(match item.child("NAME_REF") {
                Some(column) => bare_name(column.text(m.text)),
                None => "expr".to_owned(),
            });
        }
    }
    parts.push("idx".to_owned());
    identifier(&parts.join("_"))
}

/// `name` as an SQL identifier: bare when PostgreSQL would not fold or
/// reject it, double-quoted otherwise.
pub fn identifier(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn or_replace(m: &Migration<'_>, create: Node<'_>, out: &mut Vec<Finding>) {
    if create.has_child("OR_REPLACE") || create.has_child("TEMP") {
        return;
    }
    let (Some(keyword), Some(name)) = (create.child("CREATE_KW"), name(create)) else {
        return;
    };
    // A function is named with its parameters: `f(int)`.
    let end = create.child("PARAM_LIST").unwrap_or(name);
    out.push(m.finding(
        CREATE,
        create,
        fails(&m.head(create, end), object(create.kind())),
        format!(
            "use `{}`",
            m.rewrite(create, keyword.end(), " OR REPLACE", end.end())
        ),
    ));
}

fn create_type(m: &Migration<'_>, statement: &Statement<'_>, out: &mut Vec<Finding>) {
    let create = statement.node;
    let Some(name) = name(create) else { return };
    let what = object(create.kind());
    let message = format!(
        "`{}` fails when the migration runs again, and PostgreSQL has no `CREATE {} IF NOT EXISTS`",
        m.head(create, name),
        what.to_ascii_uppercase()
    );
    let help = if statement.is_nested() {
        format!(
            "guard it in its block: `IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = {}) THEN ... END IF;`, or add `EXCEPTION WHEN duplicate_object THEN NULL` to the block",
            literal(&bare_name(name.text(m.text)))
        )
    } else {
        format!(
            "wrap it so a second run skips it: `DO $$ BEGIN {}; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`",
            m.rewrite(create, create.start(), "", name.end())
        )
    };
    out.push(m.finding(CREATE_TYPE, create, message, help));
}

fn add_columns(m: &Migration<'_>, alter: Node<'_>, out: &mut Vec<Finding>) {
    let target = m.target(alter);
    for action in alter.children().filter(|c| c.kind() == "ADD_COLUMN") {
        if action.has_child("IF_NOT_EXISTS") {
            continue;
        }
        let (Some(name), Some(operand)) = (action.child("COLUMN_NAME"), first_operand(action))
        else {
            continue;
        };
        // `ADD c int` is `ADD COLUMN c int`; the help spells it out.
        let insert = if action.has_child("COLUMN_KW") {
            "IF NOT EXISTS "
        } else {
            "COLUMN IF NOT EXISTS "
        };
        out.push(m.finding(
            ADD_COLUMN,
            action,
            fails(&format!("{target} {}", m.head(action, name)), "column"),
            format!(
                "use `{target} {}`",
                m.rewrite(action, operand.start(), insert, name.end())
            ),
        ));
    }
}

fn add_values(m: &Migration<'_>, alter: Node<'_>, out: &mut Vec<Finding>) {
    let target = m.target(alter);
    for action in alter.children().filter(|c| c.kind() == "ADD_VALUE") {
        if action.has_child("IF_NOT_EXISTS") {
            continue;
        }
        let (Some(value), Some(operand)) = (action.child("LITERAL"), first_operand(action)) else {
            continue;
        };
        out.push(m.finding(
            ADD_VALUE,
            action,
            fails(&format!("{target} {}", m.head(action, value)), "enum value"),
            format!(
                "use `{target} {}`",
                m.rewrite(action, operand.start(), "IF NOT EXISTS ", value.end())
            ),
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::identifier;
    use crate::tests::check_sql;

    #[test]
    fn creates_without_if_not_exists() {
        insta::assert_snapshot!(check_sql(
            "CREATE TABLE orders (id bigint PRIMARY KEY);\n\
             CREATE UNLOGGED TABLE cache AS SELECT 1;\n\
             CREATE UNIQUE INDEX CONCURRENTLY users_email ON \"User\" (email);\n\
             CREATE INDEX ON public.\"User\" USING btree (\"orgId\", lower(email));\n\
             CREATE SCHEMA audit;\n\
             CREATE SCHEMA AUTHORIZATION admin;\n\
             CREATE EXTENSION \"uuid-ossp\";\n\
             CREATE SEQUENCE order_no;\n\
             CREATE MATERIALIZED VIEW totals AS SELECT 1;\n\
             CREATE VIEW active AS SELECT 1;\n\
             CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';\n\
             CREATE PROCEDURE tidy() LANGUAGE sql AS 'SELECT 1';\n"
        ));
    }

    #[test]
    fn guarded_and_temporary_creates_are_silent() {
        let sql = "CREATE TABLE IF NOT EXISTS orders (id int);\n\
                   CREATE TEMP TABLE scratch (id int);\n\
                   CREATE TEMPORARY SEQUENCE s;\n\
                   CREATE INDEX IF NOT EXISTS i ON t (a);\n\
                   CREATE OR REPLACE VIEW v AS SELECT 1;\n\
                   CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n\
                   DO $$ BEGIN\n\
                     IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'x') THEN\n\
                       CREATE TABLE x (id int);\n\
                     END IF;\n\
                     CREATE SCHEMA y;\n\
                   EXCEPTION WHEN duplicate_schema THEN NULL;\n\
                   END $$;\n";
        assert_eq!(check_sql(sql), "");
    }

    #[test]
    fn a_guard_must_catch_the_right_error() {
        let sql = "DO $$ BEGIN\n\
                     IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'old') THEN\n\
                       CREATE TABLE x (id int);\n\
                     END IF;\n\
                   END $$;\n\
                   DO $$ BEGIN\n\
                     CREATE TYPE mood AS ENUM ('a');\n\
                   EXCEPTION WHEN undefined_object THEN NULL;\n\
                   END $$;\n";
        insta::assert_snapshot!(check_sql(sql));
    }

    #[test]
    fn types_need_a_guard() {
        insta::assert_snapshot!(check_sql(
            "CREATE TYPE mood AS ENUM ('sad', 'ok');\n\
             CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');\n\
             DO $$ BEGIN CREATE TYPE \"Role\" AS ENUM ('USER'); END $$;\n"
        ));
    }

    #[test]
    fn columns_and_enum_values() {
        insta::assert_snapshot!(check_sql(
            "ALTER TABLE orders ADD COLUMN note text, ADD COLUMN IF NOT EXISTS paid bool, ADD total numeric(10, 2) NOT NULL DEFAULT 0;\n\
             ALTER TYPE mood ADD VALUE 'happy' BEFORE 'ok';\n\
             ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';\n"
        ));
    }

    #[test]
    fn identifiers_are_quoted_when_needed() {
        assert_eq!(identifier("users_email_idx"), "users_email_idx");
        assert_eq!(identifier("User_email_idx"), "\"User_email_idx\"");
        assert_eq!(identifier("1a"), "\"1a\"");
    }
}
