//! The SQL checks (`drop-table`, `drop-database`, `drop-schema`,
//! `drop-column`, `drop-type`, `truncate`, `delete-without-where`,
//! `update-without-where`, `alter-column-type`, `cascade`), read from the
//! syntax tree the host parsed.
//!
//! Every node of the tree is visited, not only statements: that covers
//! statements in `DO` blocks and `EXECUTE` strings (the host splices them
//! in), and also `DELETE`/`UPDATE` in a `WITH` clause, in `BEGIN ATOMIC`
//! function bodies, in rule actions, behind `EXPLAIN` and `PREPARE`, which
//! are no statements of their own in the tree. Comments and string
//! literals are tokens, so they never match.

use drift_sdk::sql::{Node, SqlTree};
use drift_sdk::{Finding, LineIndex, Severity};

use crate::one_line;

const DROP_TABLE_HELP: &str = "back up the data first, or rename the table and drop it in a later migration once nothing reads it; if the drop is intended, say why with `-- drift-ignore destructive-sql/drop-table: <reason>`";
const DROP_DATABASE_HELP: &str = "drop databases by hand after a backup, never from a migration";
const DROP_SCHEMA_HELP: &str = "drop the objects you mean to drop one by one, after a backup; if the drop is intended, say why with `-- drift-ignore destructive-sql/drop-schema: <reason>`";
const DROP_COLUMN_HELP: &str = "stop reading and writing the column first, copy or back up its data, then drop it in a later migration; if the drop is intended, say why with `-- drift-ignore destructive-sql/drop-column: <reason>`";
const DROP_TYPE_HELP: &str = "make sure no column still needs the type's values (Prisma drops an enum's old type after converting its columns: check that conversion)";
const TRUNCATE_HELP: &str = "delete only the rows you mean to with `DELETE ... WHERE`, or copy them to an archive table first";
const DELETE_HELP: &str = "add a `WHERE` clause naming the rows to delete; if every row must go, say why with `-- drift-ignore destructive-sql/delete-without-where: <reason>`";
const UPDATE_HELP: &str = "add a `WHERE` clause naming the rows to change (a backfill can say `WHERE \"column\" IS NULL`); if every row must change, say why with `-- drift-ignore destructive-sql/update-without-where: <reason>`";
const ALTER_TYPE_HELP: &str = "add a column of the new type, backfill it, switch readers over and drop the old column later; or make sure every value converts (`USING ...`)";
const CASCADE_HELP: &str =
    "drop the dependent objects explicitly first, so the migration shows everything it removes";

/// When the statement holding a node runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// When the migration runs.
    Now,
    /// Later, on a call or an event: still destructive, but the migration
    /// itself destroys nothing, so findings are warnings.
    Later(&'static str),
    /// Never: `EXPLAIN` without `ANALYZE` only plans the statement.
    Never,
}

fn runs(node: Node<'_>, source: &str) -> Runs {
    for ancestor in node.ancestors() {
        match ancestor.kind() {
            "EXPLAIN" if !explain_analyzes(ancestor, source) => return Runs::Never,
            "CREATE_FUNCTION" | "CREATE_PROCEDURE" => {
                return Runs::Later("in a function body: runs each time the function is called");
            }
            "CREATE_RULE" => return Runs::Later("in a rule: runs each time the rule fires"),
            "PREPARE" => return Runs::Later("prepared: runs on each EXECUTE"),
            _ => {}
        }
    }
    Runs::Now
}

/// `EXPLAIN ANALYZE` and `EXPLAIN (ANALYZE [true])` run the statement.
fn explain_analyzes(explain: Node<'_>, source: &str) -> bool {
    if explain.has_child("EXPLAIN_ANALYZE") {
        return true;
    }
    let Some(options) = explain.child("EXPLAIN_OPTION_LIST") else {
        return false;
    };
    options
        .children()
        .filter(|option| option.kind() == "EXPLAIN_OPTION")
        .any(|option| {
            let name = option
                .child("EXPLAIN_OPTION_NAME")
                .map_or("", |n| n.text(source));
            let value = option
                .child("EXPLAIN_OPTION_VALUE")
                .map_or("true", |v| v.text(source))
                .to_ascii_lowercase();
            (name.eq_ignore_ascii_case("analyze") || name.eq_ignore_ascii_case("analyse"))
                && !matches!(value.as_str(), "false" | "off" | "0")
        })
}

/// A name as PostgreSQL resolves it: unquoted parts folded to lower case,
/// quoted parts as written.
fn normalize(name: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() != Some(&'"') {
                            break;
                        }
                        chars.next();
                    }
                    if let Some(part) = parts.last_mut() {
                        part.push(c);
                    }
                }
            }
            '.' => parts.push(String::new()),
            c if c.is_whitespace() => {}
            c => {
                if let Some(part) = parts.last_mut() {
                    part.push(c.to_ascii_lowercase());
                }
            }
        }
    }
    parts
}

/// Tables and types this file creates, with where each creation ends. A
/// table created earlier in the same migration holds no data from before
/// it (a staging or temporary table), so dropping or emptying it destroys
/// nothing. Only creations that certainly happen count: not
/// `IF NOT EXISTS` (the object may have existed), not under a PL/pgSQL
/// condition, not in a function body.
#[derive(Debug, Default)]
struct Created {
    tables: Vec<(Vec<String>, usize)>,
    types: Vec<(Vec<String>, usize)>,
    /// Columns added (`ALTER TABLE t ADD COLUMN c`): the table's name, the
    /// column's, and where the statement ends.
    columns: Vec<(Vec<String>, Vec<String>, usize)>,
}

impl Created {
    fn collect(tree: &SqlTree, source: &str) -> Self {
        let mut created = Self::default();
        for statement in tree.statements() {
            let node = statement.node;
            if statement.kind() == "ALTER_TABLE" && !statement.in_function_body() {
                // A column added here has no data but what the migration
                // puts in it, guarded (`IF NOT EXISTS`) or not: a backfill
                // of it loses nothing.
                let table = node
                    .child("TABLE_RELATION_NAME")
                    .or_else(|| node.child("RELATION_NAME"))
                    .map(|t| normalize(t.text(source)));
                if let Some(table) = table {
                    for add in node.children().filter(|c| c.kind() == "ADD_COLUMN") {
                        if let Some(column) = add.child("COLUMN_NAME") {
                            created.columns.push((
                                table.clone(),
                                normalize(column.text(source)),
                                node.end(),
                            ));
                        }
                    }
                }
                continue;
            }
            let (list, name) = match statement.kind() {
                "CREATE_TABLE" | "CREATE_TABLE_AS" => {
                    (&mut created.tables, node.child("TABLE_NAME"))
                }
                "SELECT_INTO" => (
                    &mut created.tables,
                    node.child("INTO_CLAUSE")
                        .and_then(|c| c.child("TABLE_NAME")),
                ),
                "CREATE_TYPE" => (&mut created.types, node.child("TYPE_NAME")),
                _ => continue,
            };
            if statement.has_own("IF_NOT_EXISTS")
                || statement.in_function_body()
                || !statement.guards(source).is_empty()
            {
                continue;
            }
            if let Some(name) = name {
                list.push((normalize(name.text(source)), node.end()));
            }
        }
        created
    }

    /// True when `name` was created before it is used here.
    fn before(list: &[(Vec<String>, usize)], name: Node<'_>, source: &str) -> bool {
        let normalized = normalize(name.text(source));
        list.iter()
            .any(|(created, end)| *end <= name.start() && *created == normalized)
    }

    fn table(&self, name: Node<'_>, source: &str) -> bool {
        Self::before(&self.tables, name, source)
    }

    fn type_(&self, name: Node<'_>, source: &str) -> bool {
        Self::before(&self.types, name, source)
    }

    /// True when every column `update` sets on `table` was added earlier
    /// in the file: a backfill, not a change to existing data.
    fn backfill(&self, update: Node<'_>, table: Node<'_>, source: &str) -> bool {
        let table = normalize(table.text(source));
        let mut targets = update
            .descendants()
            .filter(|n| n.kind() == "COLUMN_TARGET")
            .filter(|n| {
                // The targets of this UPDATE, not of a nested one.
                n.ancestors()
                    .find(|a| a.kind() == "UPDATE")
                    .is_some_and(|a| a.start() == update.start())
            })
            .peekable();
        targets.peek().is_some()
            && targets.all(|target| {
                let column = normalize(target.text(source));
                self.columns
                    .iter()
                    .any(|(t, c, end)| *end <= update.start() && *t == table && *c == column)
            })
    }
}

/// One finding before its severity and span are settled.
struct Found {
    check: crate::Check,
    range: std::ops::Range<usize>,
    message: String,
    help: &'static str,
}

/// A destructive statement found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destructive {
    pub check: crate::Check,
    /// Bytes of the source (the statement's head, up to the names).
    pub range: std::ops::Range<usize>,
    /// Bytes of the whole statement (or clause) that destroys.
    pub statement: std::ops::Range<usize>,
    pub message: String,
    pub help: &'static str,
    /// Runs later (function body, rule, `PREPARE`): why, for the message.
    pub later: Option<&'static str>,
}

impl Destructive {
    /// The statement as written, on one line, without its `;`.
    pub fn statement_text(&self, source: &str) -> String {
        let text = source.get(self.statement.clone()).unwrap_or("");
        one_line(text.trim_end().trim_end_matches(';'))
    }

    /// Reported as a warning rather than an error: a check that is a
    /// warning by default, or a statement that runs later.
    pub fn is_warning(&self) -> bool {
        use drift_sdk::Check as _;
        self.later.is_some() || self.check.default_severity() != Severity::Error
    }
}

/// Every statement [`scan`] reports starts with one of these keywords, in
/// any case (`CASCADE` only follows `DROP` or `TRUNCATE`); keywords cannot
/// be quoted or escaped.
pub const STATEMENT_KEYWORDS: &[&str] = &["drop", "truncate", "delete", "update", "alter"];

/// The destructive statements of SQL found outside `.sql` files (a
/// `psql -c` argument, a here-document): parsed like a migration (in the
/// component, by the host) and judged by [`scan`].
pub fn scan_text(sql: &str) -> Vec<Destructive> {
    // SQL without any of these (most `psql -c` queries) needs no parse.
    let lower = sql.to_ascii_lowercase();
    if !STATEMENT_KEYWORDS
        .iter()
        .any(|keyword| lower.contains(keyword))
    {
        return Vec::new();
    }
    scan(sql, &drift_sdk::sql::parse(sql))
}

/// True when SQL given to a client only reads: every statement a query
/// (`SELECT`, `VALUES`, `SHOW`, `EXPLAIN` without `ANALYZE`) with no data-
/// changing statement inside (`WITH d AS (DELETE ...) SELECT`), or one of
/// psql's describe commands (`\dt`, `\l`, ...). SQL that does not parse is
/// not known to only read. Functions a query calls are not looked into.
pub fn only_reads(sql: &str) -> bool {
    let trimmed = sql.trim();
    if let Some(meta) = trimmed.strip_prefix('\\') {
        // psql meta-commands: the describe family reads; `\!` runs a shell
        // command, `\i` a file, `\copy` writes.
        let name: String = meta
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '?')
            .collect();
        // A backquote runs a shell command inside a meta-command's
        // arguments; a second backslash starts another command (`\\`).
        return !meta.contains('\n')
            && !meta.contains('`')
            && !meta.contains('\\')
            && (name.starts_with('d') && name != "do"
                || matches!(
                    name.as_str(),
                    "l" | "list" | "conninfo" | "x" | "timing" | "?" | "h" | "help" | "encoding"
                ));
    }
    let tree = drift_sdk::sql::parse(sql);
    if !tree.errors().is_empty() {
        return false;
    }
    let mut statements = tree.statements().peekable();
    if statements.peek().is_none() {
        return !trimmed.chars().any(char::is_alphanumeric);
    }
    statements.all(|statement| {
        let reads = match statement.kind() {
            "SELECT" | "COMPOUND_SELECT" | "PAREN_SELECT" | "VALUES" | "SHOW" => true,
            "EXPLAIN" => !explain_analyzes(statement.node, sql),
            _ => false,
        };
        reads
            && !["INSERT", "UPDATE", "DELETE", "MERGE", "SELECT_INTO"]
                .iter()
                .any(|kind| statement.has(kind))
    })
}

/// Reports the destructive statements of one SQL file.
pub fn check(path: &str, source: &str, tree: &SqlTree, out: &mut Vec<Finding>) {
    let found = scan(source, tree);
    if found.is_empty() {
        // Most files destroy nothing: no line index to build.
        return;
    }
    let index = LineIndex::new(source);
    for found in found {
        let span = index.span(source, found.range);
        let finding = match found.later {
            Some(why) => Finding::new(found.check, path, format!("{} ({why})", found.message))
                .severity(Severity::Warning),
            None => Finding::new(found.check, path, found.message),
        };
        out.push(finding.span(span).help(found.help));
    }
}

/// The destructive statements of `source`, in tree order: the same
/// analysis for migration files and for SQL on a command line.
pub fn scan(source: &str, tree: &SqlTree) -> Vec<Destructive> {
    let mut out = Vec::new();
    let created = Created::collect(tree, source);
    for node in tree.nodes().filter(|n| !n.is_token()) {
        let found = match node.kind() {
            "DROP_TABLE" => drop_table(node, source, &created),
            "DROP_DATABASE" => {
                drop_object(node, source, "DATABASE_REF", crate::Check::DropDatabase)
            }
            "DROP_SCHEMA" => drop_object(node, source, "SCHEMA_REF", crate::Check::DropSchema),
            "DROP_TYPE" => drop_type(node, source, &created),
            "TRUNCATE" => truncate(node, source, &created),
            "DELETE" | "UPDATE" => without_where(node, source, &created),
            "ALTER_TABLE" => alter_table(node, source, &created),
            "CASCADE" => cascade(node, source),
            _ => continue,
        };
        if found.is_empty() {
            continue;
        }
        let runs = runs(node, source);
        if runs == Runs::Never {
            continue;
        }
        // `CASCADE` is a clause: the statement is what holds it.
        let statement = match node.kind() {
            "CASCADE" => node.parent().unwrap_or(node),
            _ => node,
        };
        for found in found {
            out.push(Destructive {
                check: found.check,
                range: found.range,
                statement: statement.start()..statement.end(),
                message: found.message,
                help: found.help,
                later: match runs {
                    Runs::Later(why) => Some(why),
                    _ => None,
                },
            });
        }
    }
    out
}

/// The names of `kind` directly under `node`; a statement the parser
/// recovered from (`DROP TYPE;`) may hold empty ones.
fn names<'a>(node: Node<'a>, kind: &str, source: &str) -> Vec<Node<'a>> {
    node.children()
        .filter(|c| c.kind() == kind && !c.text(source).trim().is_empty())
        .collect()
}

/// Names as written, `a, b`.
fn list(names: &[Node<'_>], source: &str) -> String {
    one_line(
        &names
            .iter()
            .map(|n| n.text(source))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// From the start of `node` to the end of its last name.
fn head(node: Node<'_>, names: &[Node<'_>]) -> std::ops::Range<usize> {
    node.start()..names.last().map_or(node.end(), Node::end)
}

fn drop_table(node: Node<'_>, source: &str, created: &Created) -> Vec<Found> {
    let names = names(node, "TABLE_NAME_REF", source);
    let existing: Vec<Node<'_>> = names
        .iter()
        .copied()
        .filter(|n| !created.table(*n, source))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let what = if existing.len() == 1 {
        "the table and all its rows"
    } else {
        "the tables and all their rows"
    };
    vec![Found {
        check: crate::Check::DropTable,
        range: head(node, &names),
        message: format!("DROP TABLE {} destroys {what}", list(&existing, source)),
        help: DROP_TABLE_HELP,
    }]
}

fn drop_object(node: Node<'_>, source: &str, kind: &str, check: crate::Check) -> Vec<Found> {
    let names = names(node, kind, source);
    if names.is_empty() {
        return Vec::new();
    }
    let (keyword, what, help) = if check == crate::Check::DropDatabase {
        ("DATABASE", "the whole database", DROP_DATABASE_HELP)
    } else if names.len() == 1 {
        ("SCHEMA", "the schema", DROP_SCHEMA_HELP)
    } else {
        ("SCHEMA", "the schemas", DROP_SCHEMA_HELP)
    };
    vec![Found {
        check,
        range: head(node, &names),
        message: format!("DROP {keyword} {} destroys {what}", list(&names, source)),
        help,
    }]
}

fn drop_type(node: Node<'_>, source: &str, created: &Created) -> Vec<Found> {
    let names = names(node, "TYPE_NAME_REF", source);
    let existing: Vec<Node<'_>> = names
        .iter()
        .copied()
        .filter(|n| !created.type_(*n, source))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let what = if existing.len() == 1 {
        "the type"
    } else {
        "the types"
    };
    vec![Found {
        check: crate::Check::DropType,
        range: head(node, &names),
        message: format!("DROP TYPE {} destroys {what}", list(&existing, source)),
        help: DROP_TYPE_HELP,
    }]
}

fn truncate(node: Node<'_>, source: &str, created: &Created) -> Vec<Found> {
    let Some(tables) = node.child("TABLE_LIST") else {
        return Vec::new();
    };
    let names: Vec<Node<'_>> = tables
        .children()
        .filter_map(|t| t.child("TABLE_NAME_REF"))
        .filter(|n| !n.text(source).trim().is_empty())
        .collect();
    let existing: Vec<Node<'_>> = names
        .iter()
        .copied()
        .filter(|n| !created.table(*n, source))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let what = if existing.len() == 1 {
        "every row of the table"
    } else {
        "every row of the tables"
    };
    vec![Found {
        check: crate::Check::Truncate,
        range: head(node, &names),
        message: format!("TRUNCATE {} deletes {what}", list(&existing, source)),
        help: TRUNCATE_HELP,
    }]
}

/// `DELETE` and `UPDATE` with neither `WHERE` nor `WHERE CURRENT OF`.
fn without_where(node: Node<'_>, source: &str, created: &Created) -> Vec<Found> {
    if node.has_child("WHERE_CLAUSE") || node.has_child("WHERE_CURRENT_OF") {
        return Vec::new();
    }
    let Some(relation) = node.child("RELATION_NAME") else {
        return Vec::new();
    };
    let Some(name) = relation.child("RELATION_NAME_REF") else {
        return Vec::new();
    };
    if created.table(name, source)
        || (node.kind() == "UPDATE" && created.backfill(node, name, source))
    {
        return Vec::new();
    }
    let name_text = one_line(name.text(source));
    let found = if node.kind() == "DELETE" {
        Found {
            check: crate::Check::DeleteWithoutWhere,
            range: node.start()..relation.end(),
            message: format!("DELETE FROM {name_text} without WHERE deletes every row"),
            help: DELETE_HELP,
        }
    } else {
        Found {
            check: crate::Check::UpdateWithoutWhere,
            range: node.start()..relation.end(),
            message: format!("UPDATE {name_text} without WHERE changes every row"),
            help: UPDATE_HELP,
        }
    };
    vec![found]
}

/// `DROP COLUMN` and `ALTER COLUMN ... TYPE` of `ALTER TABLE`.
fn alter_table(node: Node<'_>, source: &str, created: &Created) -> Vec<Found> {
    let Some(table) = node
        .child("TABLE_RELATION_NAME")
        .and_then(|r| r.child("TABLE_NAME_REF"))
    else {
        return Vec::new();
    };
    if created.table(table, source) {
        return Vec::new();
    }
    let table_text = one_line(table.text(source));
    let mut found = Vec::new();
    for action in node.children() {
        let column = action.child("COLUMN_NAME_REF");
        let column_text = column.map_or_else(String::new, |c| one_line(c.text(source)));
        match action.kind() {
            "DROP_COLUMN" => found.push(Found {
                check: crate::Check::DropColumn,
                range: action.start()..column.map_or(action.end(), |c| c.end()),
                message: format!(
                    "DROP COLUMN {column_text} destroys the column's data in every row of {table_text}"
                ),
                help: DROP_COLUMN_HELP,
            }),
            "ALTER_COLUMN" => {
                let Some(set_type) = action.child("SET_TYPE") else {
                    continue;
                };
                // The new type, without a long `USING` expression.
                let end = set_type
                    .child("USING_EXPR")
                    .map_or(set_type.end(), |u| u.start());
                let change = one_line(source.get(set_type.start()..end).unwrap_or(""));
                found.push(Found {
                    check: crate::Check::AlterColumnType,
                    range: action.start()..end,
                    message: format!(
                        "ALTER COLUMN {column_text} {change} on {table_text} rewrites every row and may lose data that does not convert"
                    ),
                    help: ALTER_TYPE_HELP,
                });
            }
            _ => {}
        }
    }
    found
}

/// `CASCADE` of a `DROP ...` (also `ALTER TABLE ... DROP COLUMN ...
/// CASCADE`) or of a `TRUNCATE`. A foreign key's `ON DELETE CASCADE` has
/// the same node under `ON_DELETE_ACTION`, and `REVOKE ... CASCADE` under
/// `REVOKE`: neither is a drop.
fn cascade(node: Node<'_>, source: &str) -> Vec<Found> {
    let Some(parent) = node.parent() else {
        return Vec::new();
    };
    let statement = one_line(source.get(parent.start()..node.start()).unwrap_or(""));
    let message = match parent.kind() {
        "TRUNCATE" => format!(
            "{statement} CASCADE also empties every table with a foreign key to it, and theirs"
        ),
        kind if kind.starts_with("DROP_") => {
            format!("{statement} CASCADE also drops every object that depends on it")
        }
        _ => return Vec::new(),
    };
    vec![Found {
        check: crate::Check::Cascade,
        range: parent.start()..node.end(),
        message,
        help: CASCADE_HELP,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_like_postgres() {
        assert_eq!(normalize("Public.Users"), ["public", "users"]);
        assert_eq!(normalize("\"User\""), ["User"]);
        assert_eq!(normalize("s . \"a\"\"b.c\""), ["s", "a\"b.c"]);
        assert_ne!(normalize("\"User\""), normalize("User"));
        assert_eq!(normalize("\"unterminated"), ["unterminated"]);
    }
}

#[cfg(test)]
mod text_tests {
    use super::scan_text;

    /// The first statement that destroys data, as `psql -c` would run it.
    fn first_error(sql: &str) -> Option<String> {
        scan_text(sql)
            .into_iter()
            .find(|f| !f.is_warning())
            .map(|f| f.statement_text(sql))
    }

    #[test]
    fn destructive_statements_are_found() {
        for (sql, statement) in [
            ("DROP TABLE users", "DROP TABLE users"),
            ("select 1; drop   database\n app;", "drop database app"),
            (
                "BEGIN; TRUNCATE \"Session\" CASCADE; COMMIT",
                "TRUNCATE \"Session\" CASCADE",
            ),
            ("DELETE FROM t", "DELETE FROM t"),
            ("/* x */ -- y\nDROP SCHEMA s", "DROP SCHEMA s"),
            (
                "UPDATE users SET admin = true",
                "UPDATE users SET admin = true",
            ),
            ("ALTER TABLE t DROP COLUMN c", "ALTER TABLE t DROP COLUMN c"),
        ] {
            assert_eq!(first_error(sql).as_deref(), Some(statement), "{sql}");
        }
    }

    #[test]
    fn harmless_statements_are_not() {
        for sql in [
            "SELECT 'DROP TABLE x'",
            "SELECT 1; -- DROP TABLE x",
            "/* TRUNCATE t; */ SELECT 1",
            "DELETE FROM t WHERE id = 1",
            "DELETE FROM t WHERE CURRENT OF c",
            "DROP INDEX i",
            "DROP VIEW v",
            "COMMENT ON TABLE t IS 'drop table later'",
            "SELECT $$TRUNCATE t$$",
            "SELECT $a$ ; DROP TABLE x; $a$",
            "CREATE TABLE drop_table (id int)",
            "SELECT truncate_log()",
            "",
            "'unterminated; DROP TABLE x",
            "é; $",
            // A warning, not an error: shown by the guard, not blocked.
            "DROP TYPE mood",
        ] {
            assert_eq!(first_error(sql), None, "{sql}");
        }
    }
}
