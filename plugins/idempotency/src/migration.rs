//! One migration file as the checks see it: which files are checked, the
//! statements that run when the file runs, the guards around them, and the
//! helpers every check uses to name objects and spell out the fixed SQL.

use drift_sdk::sql::{Guard, Node, SqlTree, Statement};
use drift_sdk::{Finding, LineIndex};

/// Who wrote a migration, which decides whether it is checked and how it
/// runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `migrations/NN_name.sql`: applied by a script or by hand.
    HandWritten,
    /// `migrations/<timestamp>_<name>/migration.sql`: applied by Prisma.
    Prisma,
}

impl Origin {
    /// The kind of migration at `path`, or `None` for files that are not
    /// migrations (the include globs are broad: `**/migrations/*.sql` also
    /// matches `seed.sql` or `README.sql`).
    pub fn of(path: &str) -> Option<Self> {
        let mut parts = path.rsplit('/');
        let name = parts.next()?;
        let dir = parts.next()?;
        if name == "migration.sql" && parts.next() == Some("migrations") {
            return Some(Self::Prisma);
        }
        let numbered = name.starts_with(|c: char| c.is_ascii_digit());
        (dir == "migrations" && numbered && name.ends_with(".sql")).then_some(Self::HandWritten)
    }
}

/// What a second run finds, which decides the PL/pgSQL guards that make a
/// nested statement safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rerun {
    /// The object the statement creates already exists.
    Exists,
    /// The object the statement drops is already gone.
    Gone,
    /// The rows the statement inserts are already there.
    Duplicate,
    /// The old name a rename reads is gone; any guard at all is taken as
    /// the author's way of handling that.
    Renamed,
}

impl Rerun {
    /// True when an `EXCEPTION WHEN <condition>` handler catches the error
    /// the second run raises.
    fn caught_by(self, condition: &str) -> bool {
        if condition == "others" {
            return true;
        }
        // `SQLSTATE '42710'` is the same condition as `duplicate_object`.
        let code = condition
            .strip_prefix("sqlstate")
            .map(|c| c.trim().trim_matches('\''));
        match self {
            Self::Exists => {
                condition.starts_with("duplicate_")
                    || condition == "invalid_table_definition"
                    || code.is_some_and(|c| {
                        matches!(
                            c,
                            "42710" | "42p07" | "42p06" | "42701" | "42723" | "42712" | "42p16"
                        )
                    })
            }
            Self::Gone => {
                condition.starts_with("undefined_")
                    || condition == "invalid_schema_name"
                    || code.is_some_and(|c| {
                        matches!(c, "42p01" | "42704" | "42703" | "42883" | "3f000")
                    })
            }
            Self::Duplicate => {
                matches!(
                    condition,
                    "unique_violation" | "integrity_constraint_violation"
                ) || code.is_some_and(|c| matches!(c, "23505" | "23000"))
            }
            Self::Renamed => true,
        }
    }
}

/// The longest statement a help message shows whole, in characters.
const MAX_SHOWN: usize = 100;

/// A migration file with its parsed statements.
#[derive(Debug)]
pub struct Migration<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub tree: &'a SqlTree,
    pub origin: Origin,
    /// The statements that run when the file runs, in source order: not
    /// those in function bodies (they run when the function is called), and
    /// not those a syntax error damaged (the host reports the error, and a
    /// half-parsed statement would be misnamed).
    pub statements: Vec<Statement<'a>>,
    /// Built on the first finding: most migrations have none.
    lines: std::cell::OnceCell<LineIndex>,
}

impl<'a> Migration<'a> {
    pub fn new(path: &'a str, text: &'a str, tree: &'a SqlTree, origin: Origin) -> Self {
        let mut errors: Vec<usize> = tree.errors().iter().map(|e| e.start as usize).collect();
        errors.sort_unstable();
        let all: Vec<Statement<'a>> = tree.statements().collect();
        let damaged = |i: usize, s: &Statement<'a>| {
            let range = s.node.range();
            let first_error = errors.partition_point(|&e| e < range.start);
            // Errors in a spliced body (a `DO` block's PL/pgSQL, an EXECUTE
            // string) damage the statements in it, not the one holding it.
            let error_inside = errors
                .get(first_error..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&e| e <= range.end)
                .any(|&e| {
                    !s.node.descendants().any(|d| {
                        matches!(d.kind(), "PLPGSQL" | "SOURCE_FILE")
                            && d.start() <= e
                            && e <= d.end()
                    })
                });
            // The parser ends a statement early and turns the rest into
            // ERROR siblings (`CREATE TYPE IF NOT EXISTS x` is `CREATE TYPE
            // IF` followed by errors).
            let error_follows = all
                .get(i + 1)
                .is_some_and(|n| n.kind() == "ERROR" && n.node.parent() == s.node.parent());
            error_inside || error_follows
        };
        let statements = all
            .iter()
            .enumerate()
            .filter(|(i, s)| !s.in_function_body() && !damaged(*i, s))
            .map(|(_, s)| *s)
            .collect();
        Self {
            path,
            text,
            tree,
            origin,
            statements,
            lines: std::cell::OnceCell::new(),
        }
    }

    /// A finding of `check` at `node`.
    pub fn finding(
        &self,
        check: crate::Check,
        node: Node<'_>,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(check, self.path, message)
            .span(self.lines().span(self.text, node.range()))
            .help(help)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.lines().position(self.text, offset).0
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// True when PL/pgSQL around `statement` keeps its second run from
    /// failing or repeating its effect.
    pub fn guarded(&self, statement: &Statement<'_>, rerun: Rerun) -> bool {
        statement.guards(self.text).iter().any(|guard| match guard {
            Guard::Conditional => true,
            Guard::IfNotExists => rerun != Rerun::Gone,
            Guard::IfExists => matches!(rerun, Rerun::Gone | Rerun::Renamed),
            Guard::Handles(conditions) => conditions.iter().any(|c| rerun.caught_by(c)),
        })
    }

    /// `node`'s text on one line.
    pub fn show(&self, node: Node<'_>) -> String {
        collapse(node.text(self.text))
    }

    /// The text from `from` to the end of `to`, on one line: the head of a
    /// statement that names it in a message, e.g. `CREATE TABLE orders`.
    pub fn head(&self, from: Node<'_>, to: Node<'_>) -> String {
        collapse(self.text.get(from.start()..to.end()).unwrap_or_default())
    }

    /// The start of an `ALTER` statement up to the object it alters, e.g.
    /// `ALTER TABLE orders`, to name the statement an action belongs to.
    pub fn target(&self, alter: Node<'_>) -> String {
        first_operand(alter).map_or_else(|| self.show(alter), |o| self.head(alter, o))
    }

    /// `node`'s SQL with `insert` added at byte `at`, on one line: all of it
    /// when short, else up to byte `until` followed by `...`.
    pub fn rewrite(&self, node: Node<'_>, at: usize, insert: &str, until: usize) -> String {
        let text = node.text(self.text);
        let text = text.trim_end().trim_end_matches(';').trim_end();
        let end = node.start() + text.len();
        let at = at.clamp(node.start(), end);
        let part = |from: usize, to: usize| self.text.get(from..to).unwrap_or_default();
        // Keywords in the author's case: `create table if not exists`.
        let lower = text.starts_with(|c: char| c.is_ascii_lowercase());
        let insert = if lower {
            insert
                .split(' ')
                .map(|word| {
                    if word.chars().all(|c| c.is_ascii_uppercase()) {
                        word.to_ascii_lowercase()
                    } else {
                        word.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            insert.to_owned()
        };
        let before = part(node.start(), at);
        let whole = collapse(&format!("{before}{insert}{}", part(at, end)));
        if whole.chars().count() <= MAX_SHOWN {
            return whole;
        }
        let until = until.clamp(at, end);
        format!(
            "{} ...",
            collapse(&format!("{before}{insert}{}", part(at, until)))
        )
    }
}

/// `text` with every run of whitespace turned into one space.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first direct child of `node` that is not a keyword, IF EXISTS or
/// CONCURRENTLY: where `IF EXISTS` / `IF NOT EXISTS` go in most commands
/// (`DROP TABLE <here>a`, `ADD COLUMN <here>c int`).
pub fn first_operand(node: Node<'_>) -> Option<Node<'_>> {
    node.children()
        .find(|c| !c.kind().ends_with("_KW") && !matches!(c.kind(), "IF_EXISTS" | "IF_NOT_EXISTS"))
}

/// The parts of a possibly qualified name as PostgreSQL resolves them:
/// unquoted parts folded to lower case, quoted ones verbatim.
pub fn name_parts(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                push(&mut parts, '"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c if quoted => push(&mut parts, c),
            c if c.is_whitespace() => {}
            c => push(&mut parts, c.to_ascii_lowercase()),
        }
    }
    parts
}

fn push(parts: &mut [String], c: char) {
    if let Some(last) = parts.last_mut() {
        last.push(c);
    }
}

/// The unqualified name PostgreSQL resolves `text` to (for catalog lookups
/// like `typname = '...'`).
pub fn bare_name(text: &str) -> String {
    name_parts(text).pop().unwrap_or_default()
}

/// True when two names refer to the same object: equal names, and equal
/// schemas when both are qualified (an unqualified name is taken to be in
/// the schema the other one names).
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (name_parts(a), name_parts(b));
    match (a.len(), b.len()) {
        (x, y) if x > 1 && y > 1 => a == b,
        _ => a.last() == b.last(),
    }
}

/// `name` quoted as a SQL string literal.
pub fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_migration_files() {
        let cases = [
            ("migrations/01_init.sql", Some(Origin::HandWritten)),
            ("db/migrations/7b_fix.sql", Some(Origin::HandWritten)),
            (
                "db/migrations/01_init_rollback.sql",
                Some(Origin::HandWritten),
            ),
            ("db/migrations/seed.sql", None),
            ("db/migrations/old/01_init.sql", None),
            ("db/migrations/01_init.SQL", None),
            ("01_init.sql", None),
            (
                "prisma/migrations/20240101120000_init/migration.sql",
                Some(Origin::Prisma),
            ),
            (
                "migrations/20240101120000_init/migration.sql",
                Some(Origin::Prisma),
            ),
            ("prisma/migrations/migration.sql", None),
            ("prisma/migrations/x/y/migration.sql", None),
        ];
        for (path, expected) in cases {
            assert_eq!(Origin::of(path), expected, "{path}");
        }
    }

    #[test]
    fn names_resolve_like_postgres() {
        assert_eq!(name_parts(r#"public."Order""#), ["public", "Order"]);
        assert_eq!(name_parts("Public . Orders"), ["public", "orders"]);
        assert_eq!(name_parts(r#""a.b""c""#), [r#"a.b"c"#]);
        assert!(same_name("orders", "public.ORDERS"));
        assert!(same_name(r#""p x""#, r#""p x""#));
        assert!(!same_name(r#""Orders""#, "orders"));
        assert!(!same_name("a.t", "b.t"));
        assert_eq!(bare_name(r#"public."Mood""#), "Mood");
        assert_eq!(literal("it's"), "'it''s'");
    }

    #[test]
    fn rerun_conditions() {
        assert!(Rerun::Exists.caught_by("duplicate_object"));
        assert!(Rerun::Exists.caught_by("sqlstate '42p07'"));
        assert!(Rerun::Exists.caught_by("others"));
        assert!(!Rerun::Exists.caught_by("undefined_table"));
        assert!(Rerun::Gone.caught_by("undefined_column"));
        assert!(Rerun::Gone.caught_by("sqlstate '42p01'"));
        assert!(!Rerun::Gone.caught_by("duplicate_object"));
        assert!(Rerun::Duplicate.caught_by("unique_violation"));
        assert!(!Rerun::Duplicate.caught_by("duplicate_object"));
    }

    #[test]
    fn rewrites_shorten_long_statements() {
        let sql = "CREATE TABLE orders (\n  id bigint PRIMARY KEY\n);";
        let tree = drift_sdk::sql::parse(sql);
        let m = Migration::new("migrations/01_a.sql", sql, &tree, Origin::HandWritten);
        let create = m.statements[0].node;
        let name = create.child("TABLE_NAME").unwrap();
        assert_eq!(
            m.rewrite(create, name.start(), "IF NOT EXISTS ", name.end()),
            "CREATE TABLE IF NOT EXISTS orders ( id bigint PRIMARY KEY )"
        );
        let long = format!("CREATE TABLE orders ({});", "a int, ".repeat(20) + "b int");
        let tree = drift_sdk::sql::parse(&long);
        let m = Migration::new("migrations/01_a.sql", &long, &tree, Origin::HandWritten);
        let create = m.statements[0].node;
        let name = create.child("TABLE_NAME").unwrap();
        assert_eq!(
            m.rewrite(create, name.start(), "IF NOT EXISTS ", name.end()),
            "CREATE TABLE IF NOT EXISTS orders ..."
        );
        let lower = "create index \"Idx\" on t (a);";
        let tree = drift_sdk::sql::parse(lower);
        let m = Migration::new("migrations/01_a.sql", lower, &tree, Origin::HandWritten);
        let create = m.statements[0].node;
        let name = create.child("INDEX").unwrap();
        assert_eq!(
            m.rewrite(create, name.start(), "IF NOT EXISTS ", name.end()),
            "create index if not exists \"Idx\" on t (a)"
        );
    }

    #[test]
    fn damaged_statements_are_skipped() {
        let sql = "CREATE TYPE IF NOT EXISTS mood AS ENUM ('a');\nCREATE TABLE broken (;\nCREATE TABLE fine (id int);\n";
        let tree = drift_sdk::sql::parse(sql);
        let m = Migration::new("migrations/01_a.sql", sql, &tree, Origin::HandWritten);
        let kept: Vec<String> = m.statements.iter().map(|s| m.show(s.node)).collect();
        assert!(
            kept.contains(&"CREATE TABLE fine (id int);".to_owned()),
            "{kept:?}"
        );
        assert!(
            !kept.iter().any(|s| s.starts_with("CREATE TYPE")),
            "{kept:?}"
        );
        assert!(!kept.iter().any(|s| s.contains("broken")), "{kept:?}");
    }
}
