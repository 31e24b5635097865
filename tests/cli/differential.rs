//! The static replay held to PostgreSQL: schema-drift's catalog
//! (`drift_rule_schema_drift::catalog`), built from migrations without a
//! database, must be the catalog PostgreSQL builds from the same
//! statements, for every kind of object schema-drift compares.
//!
//! Two inputs: every fixture repository with migrations, and a generated
//! corpus of random but valid migrations (tables, columns, types, defaults,
//! keys, indexes, enums, renames, drops, `DO`-guarded statements). Each
//! statement runs on a throwaway server (`drift_host::verify::server`, the
//! one `drift-host verify` starts); the statements PostgreSQL refuses are
//! left out of both sides, so a generator that is sometimes wrong about
//! what is valid costs statements, not truth. The server's catalog is read
//! by verify's introspection (`drift_host::verify::introspect`), the
//! replay's by the rule, and both are flattened into the same view.
//!
//! What the replay does not model on purpose is not generated; it is listed
//! under "Limitations" on the rule's page (docs/rules/schema-drift.md).
//!
//! Needs PostgreSQL's server binaries: without them the tests skip with one
//! line, and with `DRIFT_REQUIRE_POSTGRES` set (CI) they fail instead.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use drift_host::verify::introspect::{self, Marks};
use drift_host::verify::server::{Binaries, Server};
use drift_rule_schema_drift::catalog::Catalog;
use drift_syntax::database::compare::{significant, sql_family};
use drift_syntax::database::{Database, DefaultValue, Index, native_sql, native_type};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use crate::harness::{postgres, workspace_dir};

/// Scripts in the generated corpus, and statements per script.
const SCRIPTS: u64 = 400;
const STATEMENTS: usize = 45;

/// Each kind of generated statement must have run at least this often, so
/// a generator change that starves a kind fails rather than shrinks the
/// suite's reach.
const MIN_PER_KIND: usize = 20;

/// A catalog flattened into comparable entries: (kind, object) → what it
/// is. Kinds are those schema-drift compares; a column's type is its
/// family and its native type with modifiers (`String varchar(40)`).
type View = BTreeMap<(&'static str, String), String>;

/// A column's type as schema-drift tells types apart: Prisma's family
/// (`-` outside them) and the native type with its modifiers, or for
/// types it does not compare natively (enums, extension types) the name.
fn type_of(ty: &str, args: &[u32], array: bool, enums: &[&str]) -> String {
    let family = sql_family(ty, enums).unwrap_or_else(|| "-".to_owned());
    let native = native_type(ty, args).map_or_else(|| ty.to_owned(), |n| native_sql(&n));
    format!("{family} {native}{}", if array { "[]" } else { "" })
}

/// Whether schema-drift compares a default's value on a column of a
/// family: literals of strings, numbers, booleans and enums, and the current
/// time of a date-time (JSON's, for one, only by presence).
fn compares_default(family: &str, value: &DefaultValue) -> bool {
    match family {
        "String" | "Int" | "BigInt" | "Float" | "Decimal" | "Boolean" => true,
        "DateTime" => *value == DefaultValue::Now,
        family => family.starts_with("enum:"),
    }
}

fn shape_of(index: &Index) -> String {
    let Some(shape) = &index.shape else {
        return "?".to_owned();
    };
    let keys: Vec<String> = shape
        .keys
        .iter()
        .map(|(desc, class)| {
            let mut key = if *desc { "desc" } else { "asc" }.to_owned();
            if let Some(class) = significant(class) {
                let _ = write!(key, " {class}");
            }
            key
        })
        .collect();
    format!(
        "{} [{}]{}",
        shape.method,
        keys.join(", "),
        if shape.include { " include" } else { "" }
    )
}

fn view<O>(db: &Database<O>) -> View {
    let mut out = View::new();
    let enums: Vec<&str> = db.enums.iter().map(|e| e.name.as_str()).collect();
    for table in db.tables() {
        if table.name == "_prisma_migrations" {
            continue;
        }
        let t = &table.name;
        // Its PostgreSQL schema; unqualified means the search path's.
        out.insert(
            ("table", t.clone()),
            table.schema.clone().unwrap_or_else(|| "public".to_owned()),
        );
        for column in &table.columns {
            let key = format!("{t}.{}", column.name);
            out.insert(
                ("column", key.clone()),
                type_of(&column.ty, &column.args, column.array, &enums),
            );
            out.insert(
                ("nullability", key.clone()),
                if column.nullable { "NULL" } else { "NOT NULL" }.to_owned(),
            );
            // Whether there is one, and its value where schema-drift
            // compares it.
            let value = column
                .default
                .as_deref()
                .and_then(DefaultValue::of_sql)
                .zip(sql_family(&column.ty, &enums))
                .filter(|(v, family)| compares_default(family, v))
                .map(|(v, family)| format!(" {}", v.canonical(&family).sql(&family)))
                .unwrap_or_default();
            out.insert(
                ("default", key),
                if column.has_default {
                    format!("DEFAULT{value}")
                } else {
                    "none".to_owned()
                },
            );
        }
        for index in &table.indexes {
            let kind = match (index.primary, index.unique) {
                (true, _) => "primary key",
                (false, true) => "unique",
                (false, false) => "index",
            };
            out.insert(
                (kind, format!("{t}.{}", index.name)),
                format!(
                    "({}){}{} {}",
                    index.columns.join(", "),
                    if index.partial { " partial" } else { "" },
                    if index.constraint { " constraint" } else { "" },
                    shape_of(index)
                ),
            );
        }
        for key in &table.foreign_keys {
            out.insert(
                ("foreign key", format!("{t}.{}", key.name)),
                format!(
                    "({}) -> {}({}) ON DELETE {} ON UPDATE {}",
                    key.columns.join(", "),
                    key.table,
                    key.references.join(", "),
                    key.on_delete.sql(),
                    key.on_update.sql()
                ),
            );
        }
    }
    for e in &db.enums {
        let values: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
        let schema = e.schema.as_deref().unwrap_or("public");
        out.insert(
            ("enum", e.name.clone()),
            format!("{schema}: {}", values.join(", ")),
        );
    }
    out
}

/// Where the two views disagree, one line each.
fn differences(replay: &View, server: &View) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in replay {
        match server.get(key) {
            None => out.push(format!(
                "{} `{}`: replayed as {value:?}, PostgreSQL has none",
                key.0, key.1
            )),
            Some(other) if other != value => out.push(format!(
                "{} `{}`: replayed as {value:?}, PostgreSQL has {other:?}",
                key.0, key.1
            )),
            Some(_) => {}
        }
    }
    for (key, value) in server {
        if !replay.contains_key(key) {
            out.push(format!(
                "{} `{}`: PostgreSQL has {value:?}, the replay none",
                key.0, key.1
            ));
        }
    }
    out
}

/// The replay's view of migrations (path, text), in order.
fn replayed(files: &[(String, String)]) -> View {
    let mut catalog = Catalog::default();
    for (path, text) in files {
        catalog.apply(path, text, &drift_syntax::sql::parse(text));
    }
    view(&catalog.db)
}

/// A server with one database that each case empties before it runs.
struct Db {
    _server: Server,
    client: postgres::Client,
}

impl Db {
    fn start(binaries: &Binaries) -> Self {
        let server = Server::start(binaries).expect("start PostgreSQL");
        let mut admin = server.connect("postgres").expect("connect");
        admin
            .batch_execute("CREATE DATABASE differential")
            .expect("create database");
        let client = server.connect("differential").expect("connect");
        Self {
            _server: server,
            client,
        }
    }

    /// Back to an empty database and a fresh session: pg_dump baselines
    /// clear `search_path`, and migrations create schemas of their own.
    fn reset(&mut self) {
        self.client.batch_execute("DISCARD ALL").expect("discard");
        let schemas: Vec<String> = self
            .client
            .query(
                "SELECT quote_ident(nspname) FROM pg_namespace \
                 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
                &[],
            )
            .expect("schemas")
            .iter()
            .map(|row| row.get(0))
            .collect();
        for schema in schemas {
            self.client
                .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                .expect("drop schema");
        }
        self.client
            .batch_execute("CREATE SCHEMA public")
            .expect("create public");
    }

    /// Runs one statement; whether PostgreSQL accepted it.
    fn run(&mut self, statement: &str) -> bool {
        match self.client.batch_execute(statement) {
            Ok(()) => true,
            Err(e) => {
                if std::env::var_os("DRIFT_DIFFERENTIAL_DEBUG").is_some() {
                    eprintln!("refused: {statement}\n  {e:?}");
                }
                false
            }
        }
    }

    fn view(&mut self) -> View {
        view(&introspect::read(&mut self.client, &Marks::default()).expect("introspect"))
    }
}

/// Runs each statement of each file, keeping those PostgreSQL accepts;
/// returns the files as run and the server's view.
fn run_files(db: &mut Db, files: &[(String, String)]) -> (Vec<(String, String)>, usize, View) {
    db.reset();
    let mut kept = Vec::new();
    let mut refused = 0;
    for (path, text) in files {
        let mut accepted = String::new();
        for range in drift_syntax::script::statements(text) {
            let statement = &text[range];
            // Data, not catalog: and `COPY … FROM stdin` needs the copy
            // protocol, which a plain query cannot feed.
            if statement
                .trim_start()
                .get(..5)
                .is_some_and(|w| w.eq_ignore_ascii_case("copy "))
            {
                continue;
            }
            if db.run(statement) {
                accepted.push_str(statement.trim_end().trim_end_matches(';'));
                accepted.push_str(";\n");
            } else {
                refused += 1;
            }
        }
        kept.push((path.clone(), accepted));
    }
    (kept, refused, db.view())
}

/// The first statement after which the two catalogs part, to name in a
/// failure: replays the accepted statements one at a time on both sides.
fn first_divergence(db: &mut Db, statements: &[String]) -> String {
    db.reset();
    let mut so_far = String::new();
    for statement in statements {
        assert!(db.run(statement), "ran before: {statement}");
        so_far.push_str(statement);
        so_far.push_str(";\n");
        let files = [("m.sql".to_owned(), so_far.clone())];
        let found = differences(&replayed(&files), &db.view());
        if !found.is_empty() {
            return format!("after `{statement}`:\n    {}", found.join("\n    "));
        }
    }
    "no single statement (the whole script differs only together)".to_owned()
}

#[test]
fn replay_agrees_with_postgres_on_every_fixture() {
    let Some(binaries) = postgres() else {
        return;
    };
    let workspace = workspace_dir();
    let mut fixtures = Vec::new();
    for root in ["plugins/schema-drift/tests", "tests/fixtures"] {
        crate::engine_corpus::fixture_folders(&workspace, Path::new(root), &mut fixtures);
    }
    let mut db = Db::start(&binaries);
    let mut failures = Vec::new();
    let (mut statements, mut refused) = (0, 0);
    for fixture in &fixtures {
        let files = fixture_migrations(&workspace.join(fixture));
        let (kept, not_run, server) = run_files(&mut db, &files);
        refused += not_run;
        statements += kept
            .iter()
            .map(|(_, t)| drift_syntax::script::statements(t).len())
            .sum::<usize>();
        let found = differences(&replayed(&kept), &server);
        if !found.is_empty() {
            failures.push(format!("{fixture}:\n  {}", found.join("\n  ")));
        }
    }
    eprintln!(
        "differential: {} fixtures, {statements} statements run ({refused} refused by PostgreSQL and left out)",
        fixtures.len()
    );
    assert!(fixtures.len() > 40, "fixtures found: {fixtures:?}");
    // Fixtures are meant to apply: many refusals mean the statements are
    // split or sent wrong, and the suite would compare less than it says.
    assert!(
        refused * 10 < statements,
        "{refused} statements refused of {statements}"
    );
    assert!(
        failures.is_empty(),
        "the replay and PostgreSQL disagree:\n{}",
        failures.join("\n")
    );
}

/// Real repositories' migrations (their files are not ours to commit):
/// `DRIFT_DIFFERENTIAL_REPOS=<dir>` holds one folder per repository, and
/// each of its projects is replayed both ways. Skips with one line without
/// it, so it does not run in CI.
#[test]
fn replay_agrees_with_postgres_on_real_repositories() {
    let Some(dir) = std::env::var_os("DRIFT_DIFFERENTIAL_REPOS") else {
        eprintln!(
            "skipped: set DRIFT_DIFFERENTIAL_REPOS to a folder of repository checkouts to replay theirs"
        );
        return;
    };
    let Some(binaries) = postgres() else {
        return;
    };
    let mut repos: Vec<_> = std::fs::read_dir(&dir)
        .expect("DRIFT_DIFFERENTIAL_REPOS")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let mut db = Db::start(&binaries);
    let mut failures = Vec::new();
    for repo in &repos {
        let files = fixture_migrations(repo);
        let (kept, refused, server) = run_files(&mut db, &files);
        let found = differences(&replayed(&kept), &server);
        eprintln!(
            "differential: {}: {} migrations, {refused} statements refused, {} disagreements",
            repo.display(),
            files.len(),
            found.len()
        );
        if !found.is_empty() {
            failures.push(format!("{}:\n  {}", repo.display(), found.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "the replay and PostgreSQL disagree:\n{}",
        failures.join("\n")
    );
}

/// A fixture's migrations in the order schema-drift replays them.
fn fixture_migrations(root: &Path) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).expect("below root");
            paths.push(rel.to_str().expect("UTF-8").to_owned());
        }
    }
    let read = |p: &str| std::fs::read_to_string(root.join(p)).ok();
    let configs = drift_syntax::prisma_config::read_all(
        paths
            .iter()
            .filter(|p| drift_syntax::prisma_config::is_config_source(p))
            .filter_map(|p| read(p).map(|t| (p.clone(), t)))
            .collect::<Vec<_>>()
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str())),
    );
    let mut out = Vec::new();
    for project in drift_syntax::project::discover_with(&paths, None, &configs) {
        for path in drift_syntax::project::run_order(
            &paths,
            &project.dirs,
            drift_syntax::project::Order::PrismaFirst,
        ) {
            if let Some(text) = read(&path) {
                out.push((path, text));
            }
        }
    }
    out
}

#[test]
fn replay_agrees_with_postgres_on_generated_migrations() {
    let Some(binaries) = postgres() else {
        return;
    };
    let mut db = Db::start(&binaries);
    let mut coverage: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for seed in 0..SCRIPTS {
        db.reset();
        let mut generator = Generator::new(seed);
        let mut accepted: Vec<String> = Vec::new();
        for _ in 0..STATEMENTS {
            let (kind, statement) = generator.next();
            let ran = db.run(&statement);
            let counts = coverage.entry(kind).or_default();
            if ran {
                counts.0 += 1;
                generator.ran(&statement);
                accepted.push(statement);
            } else {
                counts.1 += 1;
                generator.refused();
            }
        }
        let script: String = accepted.iter().map(|s| format!("{s};\n")).collect();
        let files = [(format!("generated/{seed}.sql"), script)];
        let found = differences(&replayed(&files), &db.view());
        if !found.is_empty() {
            let first = first_divergence(&mut db, &accepted);
            failures.push(format!("seed {seed}: {first}"));
        }
    }
    let mut report =
        String::from("differential coverage (statements run / refused by PostgreSQL):\n");
    for (kind, (ran, refused)) in &coverage {
        let _ = writeln!(report, "  {kind:<22} {ran:>5} {refused:>5}");
    }
    eprint!("{report}");
    let starved: Vec<&&str> = coverage
        .iter()
        .filter(|(_, (ran, _))| *ran < MIN_PER_KIND)
        .map(|(kind, _)| kind)
        .collect();
    assert!(
        failures.is_empty(),
        "the replay and PostgreSQL disagree on {} of {SCRIPTS} scripts:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        starved.is_empty(),
        "kinds run fewer than {MIN_PER_KIND} times: {starved:?}\n{report}"
    );
}

/// A generated table, as the generator believes it is.
#[derive(Debug, Clone)]
struct GenTable {
    name: String,
    columns: Vec<(String, &'static str)>,
    /// The type of its `id` column, when it has one with a primary key.
    id: Option<&'static str>,
}

/// Random migrations over a small pool of names, so that statements meet:
/// renames land on names in use, `IF NOT EXISTS` finds things, drops
/// cascade into keys. The generator's model follows the statements
/// PostgreSQL accepted ([`Generator::ran`]); it is a guide, not an oracle.
struct Generator {
    rng: StdRng,
    tables: Vec<GenTable>,
    enums: Vec<(String, Vec<String>)>,
    /// Indexes and constraints as (table, name).
    indexes: Vec<(String, String)>,
    constraints: Vec<(String, String)>,
    /// Unique indexes a constraint can be made from (`USING INDEX`).
    unique_indexes: Vec<(String, String)>,
    /// Names used once only, for guarded statements whose guard must pass.
    fresh: u32,
    /// What the last statement would change, applied if it ran.
    pending: Option<Change>,
}

#[derive(Debug)]
enum Change {
    AddTable(GenTable),
    DropTable(String),
    RenameTable(String, String),
    AddColumns(String, Vec<(String, &'static str)>),
    DropColumn(String, String),
    RenameColumn(String, String, String),
    RetypeColumn(String, String, &'static str),
    AddEnum(String, Vec<String>),
    AddEnumValue(String, String),
    RenameEnumValue(String, String, String),
    RenameEnum(String, String),
    DropEnum(String),
    AddIndex(String, String, bool),
    DropIndex(String),
    RenameIndex(String, String),
    AddConstraint(String, String),
    DropConstraint(String, String),
    RenameConstraint(String, String, String),
    SetId(String, &'static str),
}

const TYPES: &[&str] = &[
    "integer",
    "int4",
    "bigint",
    "text",
    "varchar(40)",
    "character varying(12)",
    "boolean",
    "timestamp(3)",
    "timestamptz",
    "timestamp(3) with time zone",
    "jsonb",
    "json",
    "numeric(10,2)",
    "decimal",
    "double precision",
    "bytea",
    "uuid",
    "date",
    "smallint",
    "text[]",
    "integer[]",
    "char",
    "character(3)",
    "float(10)",
    "time(2)",
    "timestamp",
    "numeric",
    "numeric(10)",
    "varchar(8)[]",
];

/// Every name [`Generator::name`] gives an enum (pool `e`, 4), quoted.
const ENUM_TYPES: &[&str] = &[
    "\"e1\"", "\"e2\"", "\"e3\"", "\"e4\"", "\"E1\"", "\"E2\"", "\"E3\"", "\"E4\"",
];

const ID_TYPES: &[&str] = &["serial", "integer", "bigint", "text", "uuid", "bigserial"];

const ACTIONS: &[&str] = &[
    "CASCADE",
    "SET NULL",
    "RESTRICT",
    "NO ACTION",
    "SET DEFAULT",
];

/// The column type a key referencing an `id` of type `id` has.
fn key_type(id: &str) -> &'static str {
    match id {
        "serial" | "integer" => "integer",
        "bigserial" | "bigint" => "bigint",
        "uuid" => "uuid",
        _ => "text",
    }
}

/// A default for a column of type `ty`, spelled as migrations spell them;
/// `variant` picks among spellings and values.
fn default_for(ty: &str, enums: &[(String, Vec<String>)], variant: usize) -> Option<String> {
    let pick = |options: &[&str]| options[variant % options.len()].to_owned();
    Some(match ty {
        "integer" | "int4" | "bigint" | "smallint" => {
            pick(&["0", "1", "(-1)", "'7'::integer", "42", "'01'"])
        }
        "text" | "varchar(40)" | "character varying(12)" | "char" | "character(3)" => {
            pick(&["'x'", "''::text", "'it''s'", "'y'::character varying"])
        }
        "boolean" => pick(&["false", "TRUE", "'t'::boolean", "'t'", "'no'"]),
        "timestamp(3)" | "timestamptz" | "timestamp(3) with time zone" | "timestamp" => {
            pick(&["CURRENT_TIMESTAMP", "now()", "(now() + '1 day'::interval)"])
        }
        "jsonb" | "json" => "'{}'".to_owned(),
        "numeric(10,2)" | "decimal" | "double precision" | "numeric" | "numeric(10)"
        | "float(10)" => pick(&["0", "1.50", "2.0", "3.25"]),
        "uuid" => "gen_random_uuid()".to_owned(),
        "date" => "CURRENT_DATE".to_owned(),
        "text[]" | "integer[]" => "'{}'".to_owned(),
        other => {
            let name = other.trim_matches('"');
            let (_, values) = enums.iter().find(|(e, _)| e == name)?;
            let value = values.get(variant % values.len().max(1))?;
            if variant.is_multiple_of(2) {
                format!("'{value}'")
            } else {
                format!("'{value}'::\"{name}\"")
            }
        }
    })
}

impl Generator {
    fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            tables: Vec::new(),
            enums: Vec::new(),
            indexes: Vec::new(),
            constraints: Vec::new(),
            unique_indexes: Vec::new(),
            fresh: 0,
            pending: None,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.choose(&mut self.rng)
    }

    /// A name from a pool of `n`, written as PostgreSQL would fold it or
    /// quoted, returned as (written, stored).
    fn name(&mut self, prefix: &str, n: u32) -> (String, String) {
        let i = self.rng.random_range(1..=n);
        match self.rng.random_range(0..3) {
            0 => (format!("{prefix}{i}"), format!("{prefix}{i}")),
            1 => {
                let upper = format!("{}{i}", prefix.to_ascii_uppercase());
                (upper.clone(), upper.to_ascii_lowercase())
            }
            _ => {
                let mixed = format!("{}{i}", capitalise(prefix));
                (format!("\"{mixed}\""), mixed)
            }
        }
    }

    fn column_type(&mut self) -> &'static str {
        if !self.enums.is_empty() && self.chance(0.15) {
            let i = self.rng.random_range(0..self.enums.len());
            let name = quote(&self.enums[i].0);
            if let Some(ty) = ENUM_TYPES.iter().find(|t| **t == name) {
                return ty;
            }
        }
        self.pick(TYPES).copied().unwrap_or("text")
    }

    fn table(&mut self) -> Option<GenTable> {
        self.pick(&self.tables.clone()).cloned()
    }

    fn column_definition(&mut self, name: &str, ty: &'static str) -> String {
        let mut def = format!("{name} {ty}");
        if self.chance(0.3) {
            def.push_str(" NOT NULL");
        } else if self.chance(0.05) {
            def.push_str(" NULL");
        }
        if self.chance(0.3) {
            if let Some(value) = default_for(ty, &self.enums, self.rng.random_range(0..12)) {
                let _ = write!(def, " DEFAULT {value}");
            }
        } else if self.chance(0.05) {
            def.push_str(" DEFAULT NULL");
        }
        if self.chance(0.08) {
            def.push_str(" UNIQUE");
        }
        def
    }

    /// A reference to a table with an `id` key: (clause, column type).
    fn reference(&mut self) -> Option<(String, &'static str)> {
        let targets: Vec<GenTable> = self
            .tables
            .iter()
            .filter(|t| t.id.is_some())
            .cloned()
            .collect();
        let target = self.pick(&targets)?.clone();
        let mut clause = format!("REFERENCES {}", quote(&target.name));
        if self.chance(0.6) {
            clause.push_str(" (id)");
        }
        if self.chance(0.5) {
            let action = self.pick(ACTIONS).copied().unwrap_or("CASCADE");
            let _ = write!(clause, " ON DELETE {action}");
        }
        if self.chance(0.3) {
            let action = self.pick(ACTIONS).copied().unwrap_or("CASCADE");
            let _ = write!(clause, " ON UPDATE {action}");
        }
        Some((clause, key_type(target.id.unwrap_or("text"))))
    }

    /// The next statement and its kind.
    fn next(&mut self) -> (&'static str, String) {
        loop {
            let roll = self.rng.random_range(0..100);
            let made = match roll {
                0..12 => self.create_table(),
                12..15 => self.drop_table(),
                15..18 => self.rename_table(),
                18..28 => self.add_column(),
                28..32 => self.drop_column(),
                32..35 => self.rename_column(),
                35..39 => self.retype_column(),
                39..43 => self.nullability(),
                43..48 => self.column_default(),
                48..51 => self.add_primary_key(),
                51..55 => self.add_unique(),
                55..60 => self.add_foreign_key(),
                60..64 => self.drop_constraint(),
                64..66 => self.rename_constraint(),
                66..73 => self.create_index(),
                73..76 => self.drop_index(),
                76..78 => self.rename_index(),
                78..82 => self.using_index(),
                82..85 => self.create_enum(),
                85..88 => self.add_enum_value(),
                88..90 => self.rename_enum_value(),
                90..92 => self.rename_enum(),
                92..94 => self.drop_enum(),
                94..97 => self.guarded(),
                _ => self.identity(),
            };
            if let Some((kind, statement)) = made {
                return (kind, self.dress(statement));
            }
        }
    }

    /// The same statement written another way migrations write it:
    /// `ONLY`, `IF EXISTS`, a schema-qualified table, or run by `EXECUTE`
    /// in a `DO` block.
    fn dress(&mut self, statement: String) -> String {
        let mut statement = statement;
        if let Some(rest) = statement.strip_prefix("ALTER TABLE ") {
            statement = match self.rng.random_range(0..10) {
                0 => format!("ALTER TABLE ONLY {rest}"),
                1 => format!("ALTER TABLE IF EXISTS {rest}"),
                2 => format!("ALTER TABLE public.{rest}"),
                _ => statement,
            };
        }
        if !statement.contains("$$") && !statement.contains(';') && self.chance(0.05) {
            statement = format!(
                "DO $$ BEGIN\n  EXECUTE '{}';\nEND $$",
                statement.replace('\'', "''")
            );
        }
        statement
    }

    fn ran(&mut self, _statement: &str) {
        let Some(change) = self.pending.take() else {
            return;
        };
        match change {
            Change::AddTable(table) => {
                if !self.tables.iter().any(|t| t.name == table.name) {
                    self.tables.push(table);
                }
            }
            Change::DropTable(name) => {
                self.tables.retain(|t| t.name != name);
                self.indexes.retain(|(t, _)| *t != name);
                self.constraints.retain(|(t, _)| *t != name);
            }
            Change::RenameTable(old, new) => {
                for t in &mut self.tables {
                    if t.name == old {
                        t.name.clone_from(&new);
                    }
                }
                for (t, _) in self.indexes.iter_mut().chain(self.constraints.iter_mut()) {
                    if *t == old {
                        t.clone_from(&new);
                    }
                }
            }
            Change::AddColumns(table, columns) => {
                if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
                    for column in columns {
                        if !t.columns.iter().any(|(c, _)| *c == column.0) {
                            t.columns.push(column);
                        }
                    }
                }
            }
            Change::DropColumn(table, column) => {
                if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
                    t.columns.retain(|(c, _)| *c != column);
                    if column == "id" {
                        t.id = None;
                    }
                }
            }
            Change::RenameColumn(table, old, new) => {
                if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
                    for (c, _) in &mut t.columns {
                        if *c == old {
                            c.clone_from(&new);
                        }
                    }
                    if old == "id" {
                        t.id = None;
                    }
                }
            }
            Change::RetypeColumn(table, column, ty) => {
                if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
                    for (c, old) in &mut t.columns {
                        if *c == column {
                            *old = ty;
                        }
                    }
                    if column == "id" {
                        t.id = None;
                    }
                }
            }
            Change::AddEnum(name, values) => {
                if !self.enums.iter().any(|(e, _)| *e == name) {
                    self.enums.push((name, values));
                }
            }
            Change::AddEnumValue(name, value) => {
                if let Some((_, values)) = self.enums.iter_mut().find(|(e, _)| *e == name) {
                    values.push(value);
                }
            }
            Change::RenameEnumValue(name, old, new) => {
                if let Some((_, values)) = self.enums.iter_mut().find(|(e, _)| *e == name) {
                    for v in values {
                        if *v == old {
                            v.clone_from(&new);
                        }
                    }
                }
            }
            Change::RenameEnum(old, new) => {
                for (e, _) in &mut self.enums {
                    if *e == old {
                        e.clone_from(&new);
                    }
                }
            }
            Change::DropEnum(name) => self.enums.retain(|(e, _)| *e != name),
            Change::AddIndex(table, name, plain_unique) => {
                if plain_unique {
                    self.unique_indexes.push((table.clone(), name.clone()));
                }
                self.indexes.push((table, name));
            }
            Change::DropIndex(name) => {
                self.indexes.retain(|(_, n)| *n != name);
                self.unique_indexes.retain(|(_, n)| *n != name);
            }
            Change::RenameIndex(old, new) => {
                for (_, n) in &mut self.indexes {
                    if *n == old {
                        n.clone_from(&new);
                    }
                }
            }
            Change::AddConstraint(table, name) => {
                self.unique_indexes
                    .retain(|(t, n)| !(*t == table && *n == name));
                self.constraints.push((table, name));
            }
            Change::DropConstraint(table, name) => {
                self.constraints
                    .retain(|(t, n)| !(*t == table && *n == name));
            }
            Change::RenameConstraint(table, old, new) => {
                for (t, n) in &mut self.constraints {
                    if *t == table && *n == old {
                        n.clone_from(&new);
                    }
                }
            }
            Change::SetId(table, ty) => {
                if let Some(t) = self.tables.iter_mut().find(|t| t.name == table) {
                    t.id = Some(ty);
                }
            }
        }
    }

    fn refused(&mut self) {
        self.pending = None;
    }

    fn create_table(&mut self) -> Option<(&'static str, String)> {
        let (written, name) = self.name("t", 7);
        let id = self.pick(ID_TYPES).copied().unwrap_or("integer");
        let mut defs = Vec::new();
        let mut columns = vec![("id".to_owned(), id)];
        let inline_pk = self.chance(0.6);
        let has_pk = inline_pk || self.chance(0.6);
        defs.push(format!(
            "id {id}{}",
            if inline_pk {
                " PRIMARY KEY"
            } else {
                " NOT NULL"
            }
        ));
        for _ in 0..self.rng.random_range(0..5) {
            let (column, stored) = self.name("c", 6);
            if columns.iter().any(|(c, _)| *c == stored) {
                continue;
            }
            if self.chance(0.2)
                && let Some((clause, ty)) = self.reference()
            {
                defs.push(format!("{column} {ty} {clause}"));
                columns.push((stored, ty));
                continue;
            }
            let ty = self.column_type();
            defs.push(self.column_definition(&column, ty));
            columns.push((stored, ty));
        }
        if has_pk && !inline_pk {
            if self.chance(0.5) {
                let (k, _) = self.name("k", 6);
                defs.push(format!("CONSTRAINT {k} PRIMARY KEY (id)"));
            } else {
                defs.push("PRIMARY KEY (id)".to_owned());
            }
        }
        // A key written twice (inline, then at table level): one index.
        if columns.len() > 1 && self.chance(0.1) {
            defs.push(format!("UNIQUE ({})", quote(&columns[1].0)));
            defs.push(format!("UNIQUE ({})", quote(&columns[1].0)));
        }
        if columns.len() > 2 && self.chance(0.3) {
            defs.push(format!(
                "UNIQUE ({}, {})",
                quote(&columns[1].0),
                quote(&columns[2].0)
            ));
        }
        let exists = if self.chance(0.2) {
            "IF NOT EXISTS "
        } else {
            ""
        };
        self.pending = Some(Change::AddTable(GenTable {
            name,
            columns,
            id: has_pk.then_some(id),
        }));
        Some((
            "create table",
            format!(
                "CREATE TABLE {exists}{written} (\n  {}\n)",
                defs.join(",\n  ")
            ),
        ))
    }

    fn drop_table(&mut self) -> Option<(&'static str, String)> {
        let name = match self.table() {
            Some(t) if self.chance(0.9) => quote(&t.name),
            _ => self.name("t", 7).0,
        };
        let exists = if self.chance(0.3) { "IF EXISTS " } else { "" };
        let cascade = if self.chance(0.4) { " CASCADE" } else { "" };
        self.pending = Some(Change::DropTable(unquote(&name)));
        Some(("drop table", format!("DROP TABLE {exists}{name}{cascade}")))
    }

    fn rename_table(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let (written, stored) = self.name("t", 7);
        self.pending = Some(Change::RenameTable(table.name.clone(), stored));
        Some((
            "rename table",
            format!("ALTER TABLE {} RENAME TO {written}", quote(&table.name)),
        ))
    }

    fn add_column(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let mut actions = Vec::new();
        let mut added = Vec::new();
        for _ in 0..self.rng.random_range(1..=2) {
            let (column, stored) = self.name("c", 6);
            let exists = if self.chance(0.25) {
                "IF NOT EXISTS "
            } else {
                ""
            };
            let keyword = if self.chance(0.5) { "COLUMN " } else { "" };
            if self.chance(0.2)
                && let Some((clause, ty)) = self.reference()
            {
                actions.push(format!("ADD {keyword}{exists}{column} {ty} {clause}"));
                added.push((stored, ty));
                continue;
            }
            let ty = self.column_type();
            let def = self.column_definition(&column, ty);
            actions.push(format!("ADD {keyword}{exists}{def}"));
            added.push((stored, ty));
        }
        self.pending = Some(Change::AddColumns(table.name.clone(), added));
        Some((
            "add column",
            format!("ALTER TABLE {} {}", quote(&table.name), actions.join(", ")),
        ))
    }

    fn drop_column(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let column = self.pick(&table.columns)?.0.clone();
        let exists = if self.chance(0.3) { "IF EXISTS " } else { "" };
        let cascade = if self.chance(0.4) { " CASCADE" } else { "" };
        self.pending = Some(Change::DropColumn(table.name.clone(), column.clone()));
        Some((
            "drop column",
            format!(
                "ALTER TABLE {} DROP COLUMN {exists}{}{cascade}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn rename_column(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let column = self.pick(&table.columns)?.0.clone();
        let (written, stored) = self.name("c", 6);
        self.pending = Some(Change::RenameColumn(
            table.name.clone(),
            column.clone(),
            stored,
        ));
        Some((
            "rename column",
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {written}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn retype_column(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let column = self.pick(&table.columns)?.0.clone();
        let ty = self.column_type();
        let using = if self.chance(0.5) {
            format!(" USING {}::{}", quote(&column), ty)
        } else {
            String::new()
        };
        let set_data = if self.chance(0.3) { "SET DATA " } else { "" };
        self.pending = Some(Change::RetypeColumn(table.name.clone(), column.clone(), ty));
        Some((
            "alter column type",
            format!(
                "ALTER TABLE {} ALTER COLUMN {} {set_data}TYPE {ty}{using}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn nullability(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let column = self.pick(&table.columns)?.0.clone();
        let what = if self.chance(0.5) { "SET" } else { "DROP" };
        Some((
            "set/drop not null",
            format!(
                "ALTER TABLE {} ALTER COLUMN {} {what} NOT NULL",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn column_default(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let (column, ty) = self.pick(&table.columns)?.clone();
        let action = match default_for(ty, &self.enums, self.rng.random_range(0..12)) {
            Some(value) if self.chance(0.6) => format!("SET DEFAULT {value}"),
            _ if self.chance(0.2) => "SET DEFAULT NULL".to_owned(),
            _ => "DROP DEFAULT".to_owned(),
        };
        Some((
            "set/drop default",
            format!(
                "ALTER TABLE {} ALTER COLUMN {} {action}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    /// `CONSTRAINT name ` (and its stored name), or nothing.
    fn constraint_name(&mut self) -> (String, Option<String>) {
        if self.chance(0.6) {
            let (written, stored) = self.name("k", 6);
            (format!("CONSTRAINT {written} "), Some(stored))
        } else {
            (String::new(), None)
        }
    }

    fn add_primary_key(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let (column, ty) = self.pick(&table.columns)?.clone();
        let (named, stored) = self.constraint_name();
        self.pending = Some(if column == "id" {
            Change::SetId(table.name.clone(), ty)
        } else {
            Change::AddConstraint(
                table.name.clone(),
                stored.unwrap_or_else(|| format!("{}_pkey", table.name)),
            )
        });
        Some((
            "add primary key",
            format!(
                "ALTER TABLE {} ADD {named}PRIMARY KEY ({})",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn add_unique(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let n = self.rng.random_range(1..=2).min(table.columns.len());
        let mut columns: Vec<String> = Vec::new();
        for _ in 0..n {
            let c = self.pick(&table.columns)?.0.clone();
            if !columns.contains(&c) {
                columns.push(c);
            }
        }
        let (named, stored) = self.constraint_name();
        if let Some(stored) = stored {
            self.pending = Some(Change::AddConstraint(table.name.clone(), stored));
        }
        let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
        Some((
            "add unique",
            format!(
                "ALTER TABLE {} ADD {named}UNIQUE ({})",
                quote(&table.name),
                list.join(", ")
            ),
        ))
    }

    fn add_foreign_key(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let (clause, ty) = self.reference()?;
        let existing: Vec<String> = table
            .columns
            .iter()
            .filter(|(_, t)| *t == ty || (ty == "integer" && *t == "int4"))
            .map(|(c, _)| c.clone())
            .collect();
        let (named, stored) = self.constraint_name();
        if let Some(stored) = stored {
            self.pending = Some(Change::AddConstraint(table.name.clone(), stored));
        }
        let column = match self.pick(&existing) {
            Some(c) if self.chance(0.7) => c.clone(),
            _ => {
                // A new column and its key in one statement.
                let (written, stored) = self.name("c", 6);
                let statement = format!(
                    "ALTER TABLE {} ADD COLUMN {written} {ty}, ADD {named}FOREIGN KEY ({written}) {clause}",
                    quote(&table.name)
                );
                self.pending = Some(Change::AddColumns(table.name.clone(), vec![(stored, ty)]));
                return Some(("add foreign key", statement));
            }
        };
        let not_valid = if self.chance(0.1) { " NOT VALID" } else { "" };
        Some((
            "add foreign key",
            format!(
                "ALTER TABLE {} ADD {named}FOREIGN KEY ({}) {clause}{not_valid}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }

    fn drop_constraint(&mut self) -> Option<(&'static str, String)> {
        let (table, name) = if !self.constraints.is_empty() && self.chance(0.7) {
            self.pick(&self.constraints.clone())?.clone()
        } else {
            // Constraints PostgreSQL named.
            let table = self.table()?;
            let column = self.pick(&table.columns)?.0.clone();
            let suffix = self.pick(&["pkey", "key", "fkey"]).copied()?;
            let name = if suffix == "pkey" {
                format!("{}_pkey", table.name)
            } else {
                format!("{}_{column}_{suffix}", table.name)
            };
            (table.name, name)
        };
        let exists = if self.chance(0.3) { "IF EXISTS " } else { "" };
        let cascade = if self.chance(0.3) { " CASCADE" } else { "" };
        self.pending = Some(Change::DropConstraint(table.clone(), name.clone()));
        Some((
            "drop constraint",
            format!(
                "ALTER TABLE {} DROP CONSTRAINT {exists}{}{cascade}",
                quote(&table),
                quote(&name)
            ),
        ))
    }

    fn rename_constraint(&mut self) -> Option<(&'static str, String)> {
        let (table, name) = self.pick(&self.constraints.clone())?.clone();
        let (written, stored) = self.name("k", 6);
        self.pending = Some(Change::RenameConstraint(
            table.clone(),
            name.clone(),
            stored,
        ));
        Some((
            "rename constraint",
            format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {written}",
                quote(&table),
                quote(&name)
            ),
        ))
    }

    fn create_index(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let unique = if self.chance(0.3) { "UNIQUE " } else { "" };
        let n = self.rng.random_range(1..=3).min(table.columns.len());
        let mut keys: Vec<String> = Vec::new();
        let mut chosen: Vec<(String, &'static str)> = Vec::new();
        if n == 0 {
            return None;
        }
        for _ in 0..n {
            let (c, ty) = self.pick(&table.columns)?.clone();
            if chosen.iter().any(|(k, _)| *k == c) {
                continue;
            }
            chosen.push((c, ty));
        }
        let method = match chosen.first().map(|(_, t)| *t) {
            Some("jsonb" | "text[]" | "integer[]") if chosen.len() == 1 && self.chance(0.7) => {
                " USING gin"
            }
            Some("text" | "integer" | "uuid")
                if chosen.len() == 1 && unique.is_empty() && self.chance(0.2) =>
            {
                " USING hash"
            }
            _ if self.chance(0.2) => " USING btree",
            _ => "",
        };
        for (c, ty) in &chosen {
            let mut key = quote(c);
            if method.is_empty() || method == " USING btree" {
                match *ty {
                    "text" if self.chance(0.3) => key.push_str(" text_pattern_ops"),
                    "varchar(40)" | "character varying(12)" if self.chance(0.3) => {
                        key.push_str(" varchar_pattern_ops")
                    }
                    "integer" | "int4" if self.chance(0.1) => key.push_str(" int4_ops"),
                    _ => {}
                }
                if self.chance(0.2) {
                    key.push_str(" DESC");
                } else if self.chance(0.1) {
                    key.push_str(" ASC");
                }
            } else if method == " USING gin" && *ty == "jsonb" && self.chance(0.5) {
                key.push_str(" jsonb_path_ops");
            }
            keys.push(key);
        }
        let exists = if self.chance(0.2) {
            "IF NOT EXISTS "
        } else {
            ""
        };
        let (name, stored) = if self.chance(0.8) || !exists.is_empty() {
            let (written, stored) = self.name("i", 6);
            (format!("{exists}{written} "), Some(stored))
        } else {
            (String::new(), None)
        };
        let include = match table
            .columns
            .iter()
            .find(|(c, _)| !chosen.iter().any(|(k, _)| k == c))
        {
            Some((c, _)) if (method.is_empty() || method == " USING btree") && self.chance(0.1) => {
                format!(" INCLUDE ({})", quote(c))
            }
            _ => String::new(),
        };
        let partial = if self.chance(0.1) {
            let (column, _) = self.pick(&table.columns)?.clone();
            format!(" WHERE {} IS NOT NULL", quote(&column))
        } else {
            String::new()
        };
        let plain_unique = !unique.is_empty()
            && matches!(method, "" | " USING btree")
            && !keys.iter().any(|k| k.contains(' '))
            && include.is_empty()
            && partial.is_empty();
        if let Some(stored) = stored {
            self.pending = Some(Change::AddIndex(table.name.clone(), stored, plain_unique));
        }
        Some((
            "create index",
            format!(
                "CREATE {unique}INDEX {name}ON {}{method} ({}){include}{partial}",
                quote(&table.name),
                keys.join(", ")
            ),
        ))
    }

    fn drop_index(&mut self) -> Option<(&'static str, String)> {
        let (_, name) = self.pick(&self.indexes.clone())?.clone();
        let exists = if self.chance(0.3) { "IF EXISTS " } else { "" };
        self.pending = Some(Change::DropIndex(name.clone()));
        Some(("drop index", format!("DROP INDEX {exists}{}", quote(&name))))
    }

    fn rename_index(&mut self) -> Option<(&'static str, String)> {
        let (_, name) = self.pick(&self.indexes.clone())?.clone();
        let (written, stored) = self.name("i", 6);
        self.pending = Some(Change::RenameIndex(name.clone(), stored));
        Some((
            "rename index",
            format!("ALTER INDEX {} RENAME TO {written}", quote(&name)),
        ))
    }

    /// A unique index made a primary key or unique constraint.
    fn using_index(&mut self) -> Option<(&'static str, String)> {
        // An index of its own, made in the same statement, when none is
        // at hand (both run or neither: one implicit transaction).
        let (table, index, made) = match self.pick(&self.unique_indexes.clone()) {
            Some((table, index)) if self.chance(0.5) => {
                (table.clone(), index.clone(), String::new())
            }
            _ => {
                let table = self.table()?;
                let column = self.pick(&table.columns)?.0.clone();
                self.fresh += 1;
                let index = format!("made{}", self.fresh);
                let made = format!(
                    "CREATE UNIQUE INDEX {} ON {} ({});\n",
                    quote(&index),
                    quote(&table.name),
                    quote(&column)
                );
                (table.name, index, made)
            }
        };
        let (named, stored) = if self.chance(0.5) {
            let (written, stored) = self.name("k", 6);
            (format!("CONSTRAINT {written} "), stored)
        } else {
            (String::new(), index.clone())
        };
        let kind = if self.chance(0.4) {
            "PRIMARY KEY"
        } else {
            "UNIQUE"
        };
        self.pending = Some(Change::AddConstraint(table.clone(), stored));
        Some((
            "constraint using index",
            format!(
                "{made}ALTER TABLE {} ADD {named}{kind} USING INDEX {}",
                quote(&table),
                quote(&index)
            ),
        ))
    }

    fn enum_values(&mut self) -> Vec<String> {
        let n = self.rng.random_range(1..=3);
        (1..=n).map(|i| format!("V{i}")).collect()
    }

    fn create_enum(&mut self) -> Option<(&'static str, String)> {
        let (written, stored) = self.name("e", 4);
        let values = self.enum_values();
        let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        self.pending = Some(Change::AddEnum(stored, values));
        Some((
            "create enum",
            format!("CREATE TYPE {written} AS ENUM ({})", list.join(", ")),
        ))
    }

    fn add_enum_value(&mut self) -> Option<(&'static str, String)> {
        let (name, values) = self.pick(&self.enums.clone())?.clone();
        let value = format!("W{}", self.rng.random_range(1..=4));
        let exists = if self.chance(0.4) {
            "IF NOT EXISTS "
        } else {
            ""
        };
        let place = match self.pick(&values) {
            Some(v) if self.chance(0.3) => format!(" BEFORE '{v}'"),
            Some(v) if self.chance(0.3) => format!(" AFTER '{v}'"),
            _ => String::new(),
        };
        if exists.is_empty() || !values.contains(&value) {
            self.pending = Some(Change::AddEnumValue(name.clone(), value.clone()));
        }
        Some((
            "add enum value",
            format!(
                "ALTER TYPE {} ADD VALUE {exists}'{value}'{place}",
                quote(&name)
            ),
        ))
    }

    fn rename_enum_value(&mut self) -> Option<(&'static str, String)> {
        let (name, values) = self.pick(&self.enums.clone())?.clone();
        let old = self.pick(&values)?.clone();
        let new = format!("R{}", self.rng.random_range(1..=3));
        self.pending = Some(Change::RenameEnumValue(
            name.clone(),
            old.clone(),
            new.clone(),
        ));
        Some((
            "rename enum value",
            format!(
                "ALTER TYPE {} RENAME VALUE '{old}' TO '{new}'",
                quote(&name)
            ),
        ))
    }

    fn rename_enum(&mut self) -> Option<(&'static str, String)> {
        let (name, _) = self.pick(&self.enums.clone())?.clone();
        let (written, stored) = self.name("e", 4);
        self.pending = Some(Change::RenameEnum(name.clone(), stored));
        Some((
            "rename enum",
            format!("ALTER TYPE {} RENAME TO {written}", quote(&name)),
        ))
    }

    fn drop_enum(&mut self) -> Option<(&'static str, String)> {
        let (name, _) = self.pick(&self.enums.clone())?.clone();
        let exists = if self.chance(0.3) { "IF EXISTS " } else { "" };
        let cascade = if self.chance(0.5) { " CASCADE" } else { "" };
        self.pending = Some(Change::DropEnum(name.clone()));
        Some((
            "drop enum",
            format!("DROP TYPE {exists}{}{cascade}", quote(&name)),
        ))
    }

    /// A statement inside a `DO` block, as hand-written migrations guard
    /// them: an exception handler, or an `IF NOT EXISTS` on the catalog.
    /// Only guards the replay reads the same whichever way they go: the
    /// statement either runs, or would change nothing.
    fn guarded(&mut self) -> Option<(&'static str, String)> {
        match self.rng.random_range(0..3) {
            0 => {
                // A new enum, or one that exists with the same values.
                let (written, stored) = self.name("e", 4);
                let values = match self.enums.iter().find(|(e, _)| *e == stored) {
                    Some((_, values)) => values.clone(),
                    None => self.enum_values(),
                };
                let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
                self.pending = Some(Change::AddEnum(stored, values));
                Some((
                    "guarded (DO)",
                    format!(
                        "DO $$ BEGIN\n  CREATE TYPE {written} AS ENUM ({});\nEXCEPTION\n  WHEN duplicate_object THEN null;\nEND $$",
                        list.join(", ")
                    ),
                ))
            }
            1 => {
                let table = self.table()?;
                let (clause, ty) = self.reference()?;
                let column = table
                    .columns
                    .iter()
                    .find(|(_, t)| *t == ty)
                    .map(|(c, _)| c.clone())?;
                self.fresh += 1;
                let stored = format!("guarded{}", self.fresh);
                let written = quote(&stored);
                self.pending = Some(Change::AddConstraint(table.name.clone(), stored.clone()));
                Some((
                    "guarded (DO)",
                    format!(
                        "DO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{stored}') THEN\n    ALTER TABLE {} ADD CONSTRAINT {written} FOREIGN KEY ({}) {clause};\n  END IF;\nEND $$",
                        quote(&table.name),
                        quote(&column)
                    ),
                ))
            }
            _ => {
                let table = self.table()?;
                let (column, stored) = self.name("c", 6);
                if table.columns.iter().any(|(c, _)| *c == stored) {
                    return None;
                }
                let ty = self.column_type();
                let def = self.column_definition(&column, ty);
                self.pending = Some(Change::AddColumns(table.name.clone(), vec![(stored, ty)]));
                Some((
                    "guarded (DO)",
                    format!(
                        "DO $$ BEGIN\n  ALTER TABLE {} ADD COLUMN {def};\nEXCEPTION\n  WHEN duplicate_column THEN null;\nEND $$",
                        quote(&table.name)
                    ),
                ))
            }
        }
    }

    fn identity(&mut self) -> Option<(&'static str, String)> {
        let table = self.table()?;
        let (column, _) = self.pick(&table.columns)?.clone();
        let action = if self.chance(0.6) {
            let how = if self.chance(0.5) {
                "ALWAYS"
            } else {
                "BY DEFAULT"
            };
            format!("ADD GENERATED {how} AS IDENTITY")
        } else {
            "DROP IDENTITY IF EXISTS".to_owned()
        };
        Some((
            "identity",
            format!(
                "ALTER TABLE {} ALTER COLUMN {} {action}",
                quote(&table.name),
                quote(&column)
            ),
        ))
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An identifier as a statement writes a stored name.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The stored name of an identifier as written.
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => name.to_ascii_lowercase(),
    }
}
