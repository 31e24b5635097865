//! Which SQL is PostgreSQL, and how much of a file runs forward.
//!
//! Repositories keep other engines' migrations beside Prisma's: ClickHouse
//! DDL (goose files under `clickhouse/`), a MySQL or SQLite copy of the
//! schema's migrations (`db/mysql/...`). Read as PostgreSQL they yield
//! syntax errors and findings built on misparses (`DROP PROJECTION` as a
//! dropped column, ClickHouse's `ALTER TABLE … UPDATE … WHERE` as an
//! `UPDATE` without `WHERE`) whose help only fits PostgreSQL. The host
//! parses only what [`engine_of`] calls PostgreSQL, and of a file with a
//! down section (goose's `-- +goose Down`, dbmate's `-- migrate:down`)
//! only the part before it ([`forward_end`]).
//!
//! A folder that declares its engine decides for its files: Prisma's
//! `migration_lock.toml` (`provider = "mysql"`) and drizzle's
//! `meta/_journal.json` (`"dialect": "sqlite"`). Otherwise the engine is
//! read from the file itself, so it needs no configuration and holds for
//! each file of a mixed folder: PostgreSQL never quotes
//! identifiers with backticks (MySQL always does in generated migrations),
//! never writes `ENGINE = MergeTree` or `ON CLUSTER` (ClickHouse), and
//! never writes `PRAGMA` or `AUTOINCREMENT` (SQLite). A folder named
//! `clickhouse` on the path says ClickHouse too.

/// The database engine a SQL file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    PostgreSql,
    ClickHouse,
    MySql,
    Sqlite,
    SqlServer,
}

impl Engine {
    /// Every engine, in [`Engine::id`] order of the docs.
    pub const ALL: [Engine; 5] = [
        Engine::PostgreSql,
        Engine::ClickHouse,
        Engine::MySql,
        Engine::Sqlite,
        Engine::SqlServer,
    ];

    /// The engine's id in configuration (`dialect` in rules.toml).
    pub fn id(self) -> &'static str {
        match self {
            Engine::PostgreSql => "postgresql",
            Engine::ClickHouse => "clickhouse",
            Engine::MySql => "mysql",
            Engine::Sqlite => "sqlite",
            Engine::SqlServer => "sqlserver",
        }
    }

    /// The engine an id names ([`Engine::id`], or `postgres`).
    pub fn from_id(id: &str) -> Option<Engine> {
        if id == "postgres" {
            return Some(Engine::PostgreSql);
        }
        Self::ALL.into_iter().find(|e| e.id() == id)
    }

    /// The engine's name, as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Engine::PostgreSql => "PostgreSQL",
            Engine::ClickHouse => "ClickHouse",
            Engine::MySql => "MySQL",
            Engine::Sqlite => "SQLite",
            Engine::SqlServer => "SQL Server",
        }
    }
}

/// ClickHouse's table engines, as they follow `ENGINE =` (lowercase).
const CLICKHOUSE_ENGINES: &[&str] = &[
    "mergetree",
    "replacingmergetree",
    "summingmergetree",
    "aggregatingmergetree",
    "collapsingmergetree",
    "versionedcollapsingmergetree",
    "graphitemergetree",
    "replicated",
    "shared",
    "distributed",
    "memory",
    "log",
    "tinylog",
    "stripelog",
    "kafka",
    "null",
    "buffer",
    "dictionary",
    "join",
    "set",
    "url",
    "file",
    "s3",
];

/// The files that may declare the engine of the SQL file at `path`,
/// nearest first: Prisma's `migration_lock.toml` beside a migration folder
/// (or beside the file), and drizzle's `meta/_journal.json`.
pub fn markers(path: &str) -> Vec<String> {
    let dir = crate::paths::parent(path);
    let up = crate::paths::parent(dir);
    let join = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_owned()
        } else {
            format!("{dir}/{name}")
        }
    };
    vec![
        join(dir, "migration_lock.toml"),
        join(up, "migration_lock.toml"),
        join(dir, "meta/_journal.json"),
    ]
}

/// The engine a marker file (see [`markers`]) declares: the `provider` of
/// a `migration_lock.toml`, the `dialect` of a drizzle journal.
pub fn declared_engine(marker: &str, text: &str) -> Option<Engine> {
    let key = if marker.ends_with("migration_lock.toml") {
        "provider"
    } else {
        "\"dialect\""
    };
    let at = text.find(key)? + key.len();
    let rest = text
        .get(at..)?
        .trim_start()
        .strip_prefix(['=', ':'])?
        .trim_start();
    let value = rest.strip_prefix('"')?.split('"').next()?;
    provider_engine(value)
}

/// The engine `text` (at `path`) is written for: the one its folder
/// declares (`declared`, see [`declared_engine`]), else what the file
/// itself shows.
pub fn engine_of(path: &str, text: &str, declared: Option<Engine>) -> Engine {
    if let Some(engine) = declared {
        return engine;
    }
    if path
        .split('/')
        .rev()
        .skip(1)
        .any(|c| c.eq_ignore_ascii_case("clickhouse"))
    {
        return Engine::ClickHouse;
    }
    let code = code_of(text);
    let lower = code.to_ascii_lowercase();
    if on_cluster(&lower) || clickhouse_engine(&lower) {
        return Engine::ClickHouse;
    }
    if code.contains('`') {
        return Engine::MySql;
    }
    if keyword(&lower, "autoincrement") || starts_a_statement(&lower, "pragma ") {
        return Engine::Sqlite;
    }
    Engine::PostgreSql
}

/// A misread engine hides a file from every check, so each test below
/// leans towards PostgreSQL: a PostgreSQL file read as PostgreSQL at worst
/// gets a syntax warning, one read as another engine gets nothing.
///
/// `ON CLUSTER <name>` as ClickHouse writes it; PostgreSQL's `ON cluster`
/// names a table followed by `(`, `TO`, `USING`, `FOR`... or nothing.
fn on_cluster(lower: &str) -> bool {
    lower.match_indices(" on cluster ").any(|(at, found)| {
        let next = lower
            .get(at + found.len()..)
            .unwrap_or("")
            .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
            .find(|w| !w.is_empty());
        next.is_some_and(|w| {
            !matches!(
                w,
                "to" | "using"
                    | "for"
                    | "is"
                    | "from"
                    | "in"
                    | "as"
                    | "where"
                    | "with"
                    | "rename"
                    | "depends"
                    | "instead"
                    | "do"
                    | "execute"
                    | "referencing"
                    | "not"
                    | "deferrable"
                    | "no"
            )
        }) && lower.get(at + found.len()..).is_some_and(|rest| {
            // `ON cluster (name)` and `ON cluster;` name a table.
            let rest = rest.trim_start();
            !rest.starts_with(['(', ';'])
        })
    })
}

/// `word` as a keyword of its own: not part of a longer name, not quoted.
fn keyword(lower: &str, word: &str) -> bool {
    lower.match_indices(word).any(|(at, _)| {
        let before = lower.get(..at).and_then(|b| b.chars().next_back());
        let after = lower.get(at + word.len()..).and_then(|a| a.chars().next());
        before.is_none_or(char::is_whitespace)
            && after.is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ')' | ';'))
    })
}

/// `ENGINE = <a ClickHouse engine>` right after a column list, where
/// ClickHouse puts it (`UPDATE cars SET engine = NULL`, on one line or
/// several, is a column; MySQL writes `ENGINE=InnoDB`, which the backtick
/// test catches in its generated files).
fn clickhouse_engine(lower: &str) -> bool {
    lower.match_indices("engine").any(|(at, _)| {
        let before = lower.get(..at).unwrap_or("");
        let placed = before.trim_end().ends_with(')');
        if !placed {
            return false;
        }
        let rest = lower.get(at + "engine".len()..).unwrap_or("").trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            return false;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        CLICKHOUSE_ENGINES
            .iter()
            .any(|e| name == *e || (name.starts_with(e) && name.ends_with("mergetree")))
    })
}

/// True when a line of `lower` starts with `keyword`.
fn starts_a_statement(lower: &str, keyword: &str) -> bool {
    lower.lines().any(|l| l.trim_start().starts_with(keyword))
}

/// `text` without its comments, string literals (`E'…'` escapes
/// included) and dollar-quoted bodies, each replaced by a space: a backtick
/// in a comment, `'ENGINE = Log'` in a string or a template literal in a
/// PL/v8 function says nothing about the engine.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        let escapes = matches!(prev, 'e' | 'E')
            && !out
                .chars()
                .rev()
                .nth(1)
                .is_some_and(|p| p.is_alphanumeric() || p == '_');
        prev = c;
        match c {
            '$' => {
                // `$tag$ … $tag$` (a positional `$1` is not one).
                let rest = text.get(i + 1..).unwrap_or("");
                let tag_len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let opens = rest.get(tag_len..).is_some_and(|r| r.starts_with('$'))
                    && !rest.starts_with(|c: char| c.is_ascii_digit());
                if !opens {
                    out.push(c);
                    continue;
                }
                let delimiter = format!("${}$", rest.get(..tag_len).unwrap_or(""));
                let body_start = i + delimiter.len();
                let end = text
                    .get(body_start..)
                    .and_then(|b| b.find(&delimiter))
                    .map_or(text.len(), |e| body_start + e + delimiter.len());
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
                out.push(' ');
                prev = ' ';
            }
            '\'' => {
                while let Some((_, c)) = chars.next() {
                    if escapes && c == '\\' {
                        chars.next();
                    } else if c == '\'' {
                        break;
                    }
                }
                out.push(' ');
                prev = ' ';
            }
            '-' if chars.peek().is_some_and(|(_, c)| *c == '-') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, c)| *c == '*') => {
                chars.next();
                let mut last = ' ';
                for (_, c) in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// The end of the part of `text` that runs forward: the start of the line
/// that opens a down section (`-- +goose Down`, `-- migrate:down`, any
/// case), else the end of the text.
pub fn forward_end(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let marker = line.trim().to_ascii_lowercase();
        let marker: String = marker.split_whitespace().collect::<Vec<_>>().join(" ");
        let marker = marker.strip_prefix("--").unwrap_or("").trim_start();
        // dbmate takes options after its marker (`transaction:false`).
        if marker == "+goose down"
            || marker == "migrate:down"
            || marker.starts_with("migrate:down ")
        {
            return at;
        }
        at += line.len();
    }
    text.len()
}

/// The `provider` of the schema's `datasource` block, if this file has one.
pub fn datasource_provider(text: &str) -> Option<String> {
    let mut inside = false;
    for line in text.lines() {
        let mut code = strip_line_comment(line);
        if !inside {
            let Some(open) = code.find('{') else {
                continue;
            };
            if code.split_whitespace().next() != Some("datasource") {
                continue;
            }
            code = code.get(open + 1..).unwrap_or_default();
        }
        let (body, closes) = match code.find('}') {
            Some(close) => (code.get(..close).unwrap_or_default(), true),
            None => (code, false),
        };
        if let Some((_, value)) = assignment(body, "provider") {
            return Some(value.to_owned());
        }
        inside = !closes;
    }
    None
}

/// Matches `key = "value"` on one line; returns the byte offset of the
/// opening quote and the value.
pub fn assignment<'a>(line: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let trimmed = line.trim_start();
    let rest = trimmed.strip_prefix(key)?.trim_start().strip_prefix('=')?;
    let value = rest.trim_start();
    let inner = value.strip_prefix('"')?;
    let end = inner.find('"')?;
    let at = line.len() - value.len();
    Some((at, inner.get(..end)?))
}

/// Cuts a `//` comment, ignoring `//` inside strings (connection URLs).
fn strip_line_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_string = !in_string,
            '/' if !in_string && prev == '/' => return line.get(..i - 1).unwrap_or(line),
            _ => {}
        }
        prev = c;
    }
    line
}

/// True for Prisma's PostgreSQL connector itself (`postgresql`,
/// `postgres`): what schema-drift compares and verify applies to a real
/// PostgreSQL. CockroachDB speaks PostgreSQL's SQL ([`provider_engine`])
/// but Prisma maps its schemas differently.
pub fn is_postgres_provider(provider: &str) -> bool {
    matches!(provider, "postgresql" | "postgres")
}

/// The engine a Prisma `provider` names (`postgresql`, `mysql`, ...);
/// `None` for one that is not SQL (`mongodb`) or unknown.
pub fn provider_engine(provider: &str) -> Option<Engine> {
    match provider.to_ascii_lowercase().as_str() {
        "postgresql" | "postgres" | "cockroachdb" => Some(Engine::PostgreSql),
        "mysql" | "singlestore" => Some(Engine::MySql),
        "sqlite" | "turso" => Some(Engine::Sqlite),
        "sqlserver" => Some(Engine::SqlServer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines() {
        for (path, text, engine) in [
            (
                "prisma/migrations/1_x/migration.sql",
                "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL);",
                Engine::PostgreSql,
            ),
            (
                "db/mysql/migrations/1_x/migration.sql",
                "CREATE TABLE `user` (`id` VARCHAR(36) NOT NULL) DEFAULT CHARACTER SET utf8mb4;",
                Engine::MySql,
            ),
            (
                "internal/clickhouse/schema/001_x.sql",
                "CREATE TABLE t (id UInt64);",
                Engine::ClickHouse,
            ),
            (
                "migrations/002_events.sql",
                "CREATE TABLE events (id UInt64) ENGINE = ReplicatedReplacingMergeTree ORDER BY id;",
                Engine::ClickHouse,
            ),
            (
                "migrations/003_x.sql",
                "ALTER TABLE events ON CLUSTER default DROP COLUMN x;",
                Engine::ClickHouse,
            ),
            (
                "migrations/004_x.sql",
                "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);",
                Engine::Sqlite,
            ),
            (
                "migrations/005_x.sql",
                "PRAGMA foreign_keys=OFF;\nCREATE TABLE t (id INTEGER);",
                Engine::Sqlite,
            ),
            // What comments and strings say is not code.
            (
                "migrations/006_x.sql",
                "-- like MySQL's `ENGINE = MergeTree`\nCOMMENT ON TABLE t IS 'uses `x`, ENGINE = Log';\n/* on cluster */ SELECT 1;",
                Engine::PostgreSql,
            ),
            // A column named engine is PostgreSQL.
            (
                "migrations/007_x.sql",
                "UPDATE cars SET engine = 'v8' WHERE id = 1;\nUPDATE cars SET engine = NULL, b = 1;\nALTER TABLE cars ADD COLUMN engine_log TEXT;",
                Engine::PostgreSql,
            ),
            // PostgreSQL that looks like another engine at a glance.
            (
                "migrations/010_x.sql",
                "UPDATE \"Car\"\nSET\n  engine = NULL\nWHERE id = 1;",
                Engine::PostgreSql,
            ),
            (
                "migrations/011_x.sql",
                "CREATE INDEX cluster_name_idx ON cluster (name);\nCREATE POLICY p ON cluster USING (true);\nGRANT SELECT ON cluster TO ro;\nCREATE TRIGGER t AFTER INSERT ON cluster FOR EACH ROW EXECUTE FUNCTION f();",
                Engine::PostgreSql,
            ),
            (
                "migrations/012_x.sql",
                "ALTER TABLE \"Counter\" ADD COLUMN \"autoIncrement\" BOOLEAN;\nCREATE SEQUENCE order_autoincrement_seq;",
                Engine::PostgreSql,
            ),
            (
                "migrations/013_x.sql",
                "CREATE FUNCTION g(n text) RETURNS text AS $$ return `Hi ${n}`; $$ LANGUAGE plv8;\nINSERT INTO t VALUES ($b$Use `x`$b$, $1);",
                Engine::PostgreSql,
            ),
            (
                "migrations/014_x.sql",
                "INSERT INTO t VALUES (E'it\\'s');\nCOMMENT ON COLUMN t.c IS 'e.g. `x`';",
                Engine::PostgreSql,
            ),
            (
                "migrations/015_x.sql",
                "ALTER TABLE events ON CLUSTER '{cluster}' ADD COLUMN x UInt8;",
                Engine::ClickHouse,
            ),
            (
                "migrations/009_x.sql",
                "CREATE TABLE t\n(\n  id UInt64\n)\nENGINE = MergeTree\nORDER BY id;",
                Engine::ClickHouse,
            ),
            (
                "migrations/008_x.sql",
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;",
                Engine::PostgreSql,
            ),
        ] {
            assert_eq!(engine_of(path, text, None), engine, "{path}: {text}");
        }
        // What the folder declares wins: drizzle's SQLite `ALTER TABLE`
        // looks like PostgreSQL.
        assert_eq!(
            engine_of(
                "drizzle/0001_x.sql",
                "ALTER TABLE t ADD c integer;",
                Some(Engine::Sqlite)
            ),
            Engine::Sqlite
        );
    }

    #[test]
    fn declared_engines() {
        assert_eq!(
            markers("db/migrations/2024_x/migration.sql"),
            [
                "db/migrations/2024_x/migration_lock.toml",
                "db/migrations/migration_lock.toml",
                "db/migrations/2024_x/meta/_journal.json"
            ]
        );
        assert_eq!(markers("0001_x.sql")[0], "migration_lock.toml");
        for (marker, text, engine) in [
            (
                "m/migration_lock.toml",
                "# comment\nprovider = \"mysql\"\n",
                Some(Engine::MySql),
            ),
            (
                "m/migration_lock.toml",
                "provider = \"postgresql\"",
                Some(Engine::PostgreSql),
            ),
            (
                "m/migration_lock.toml",
                "provider=\"sqlite\"",
                Some(Engine::Sqlite),
            ),
            (
                "m/migration_lock.toml",
                "provider = \"sqlserver\"",
                Some(Engine::SqlServer),
            ),
            ("m/migration_lock.toml", "provider = \"mongodb\"", None),
            ("m/migration_lock.toml", "", None),
            (
                "m/meta/_journal.json",
                "{\"version\": \"7\", \"dialect\": \"turso\", \"entries\": []}",
                Some(Engine::Sqlite),
            ),
            (
                "m/meta/_journal.json",
                "{\"dialect\":\"postgresql\"}",
                Some(Engine::PostgreSql),
            ),
        ] {
            assert_eq!(declared_engine(marker, text), engine, "{marker}: {text}");
        }
    }

    #[test]
    fn reads_schema_providers() {
        let schema = "// datasource old { provider = \"mysql\" }\n\
                      generator client {\n  provider = \"prisma-client-js\"\n}\n\
                      datasource db {\n  // provider = \"sqlite\"\n  url = \"postgres://u@h/db\" // x\n  provider = \"postgresql\"\n}\n";
        assert_eq!(datasource_provider(schema).as_deref(), Some("postgresql"));
        assert_eq!(datasource_provider("model A { id Int @id }"), None);
        assert_eq!(
            datasource_provider("datasource db {\n}\nprovider = \"x\""),
            None
        );
        assert_eq!(
            datasource_provider("datasource db { provider = \"postgresql\" }").as_deref(),
            Some("postgresql")
        );
        assert_eq!(strip_line_comment("a = \"x//y\" // c"), "a = \"x//y\" ");
    }

    #[test]
    fn down_sections_are_cut_off() {
        let goose = "-- +goose Up\nCREATE TABLE t (id int);\n\n-- +goose Down\nDROP TABLE t;\n";
        assert_eq!(
            &goose[..forward_end(goose)],
            "-- +goose Up\nCREATE TABLE t (id int);\n\n"
        );
        let dbmate = "-- migrate:up\ncreate table t (id int);\n--  migrate:down\ndrop table t;\n";
        assert_eq!(
            &dbmate[..forward_end(dbmate)],
            "-- migrate:up\ncreate table t (id int);\n"
        );
        let options = "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:down transaction:false\nDROP INDEX i;\n";
        assert_eq!(
            &options[..forward_end(options)],
            "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
        );
        let plain = "DROP TABLE t; -- +goose Down is not a marker here\n";
        assert_eq!(forward_end(plain), plain.len());
        assert_eq!(forward_end(""), 0);
    }
}
