//! # destructive-sql
//!
//! Data-destroying SQL and commands are deliberate, never accidental.
//!
//! ## What it does
//!
//! Finds the statements of every `.sql` file that destroy data: dropped
//! tables, databases, schemas, columns and types, `TRUNCATE`, `DELETE` and
//! `UPDATE` without `WHERE`, column type changes, and `DROP ... CASCADE`.
//! It reads the syntax tree, so comments, string literals and a foreign
//! key's `ON DELETE CASCADE` never match, while statements in `DO` blocks,
//! in constant `EXECUTE '...'` strings and in `WITH` clauses count: they
//! run with the migration.
//!
//! It also finds commands that wipe a database: `prisma migrate reset`
//! (also through `npx`, `pnpm`, `yarn`, `bunx`, `npm exec`),
//! `prisma db push --force-reset`, `--accept-data-loss`, `dropdb`, and
//! `psql -c` running SQL that the SQL checks below report as errors
//! (parsed like a migration). It looks in Markdown
//! (`*.md`, `*.mdx`), shell scripts (`*.sh`, `*.bash`), the `"scripts"` of
//! `package.json`, CI configuration (`.github/workflows/*.yml`,
//! `.gitlab-ci.yml`, `.circleci/config.yml`), Makefiles and justfiles.
//!
//! Some occurrences are left alone:
//!
//! - rollback files (`*.down.sql`, `*_rollback.sql`, a `down.sql` beside
//!   its `up.sql`) and the down section of a goose or dbmate file: they
//!   undo a migration by design and never run on deploy; and SQL written
//!   for another engine (ClickHouse, MySQL, SQLite), which the host does
//!   not parse as PostgreSQL;
//! - dropping, emptying or altering a table (or dropping a type) that the
//!   same file created earlier, unconditionally and without
//!   `IF NOT EXISTS`: a staging or temporary table holds no data from
//!   before the migration (`CASCADE` is still reported: it reaches other
//!   objects);
//! - `EXPLAIN` without `ANALYZE`, which plans a statement without running
//!   it;
//! - in Markdown, a command in a sentence that forbids it (never, don't,
//!   do not, must not, should not, forbidden, prohibited, or ❌ 🚫 ⛔):
//!   "❌ Never run without user consent: npm exec prisma migrate reset" is
//!   guidance, not an instruction;
//! - comments: `#` comments in scripts, CI configuration, Makefiles and
//!   justfiles, and `#` lines in shell code blocks of Markdown.
//!
//! Statements in function and procedure bodies, rule actions and
//! `PREPARE` run later, each time they are called: they are reported as
//! warnings, with the reason in the message. Guards do not silence a
//! statement: `DROP TABLE IF EXISTS`, or a drop inside
//! `IF EXISTS (...) THEN`, destroys the same data when it runs.
//!
//! Out of reach in files: SQL built at run time (`EXECUTE format(...)`), function
//! bodies in `LANGUAGE sql` strings, SQL piped or fed from a file into
//! `psql`, and commands split over several lines (`\` continuations,
//! here-documents).
//!
//! ### Commands about to run (`drift-host guard`)
//!
//! The same rule judges the commands an agent or a script is about to
//! run. `drift-host guard` hands it the command line, which it splits into
//! simple commands with wrappers removed (`npx`, `npm exec`, `pnpm`,
//! `yarn`, `bunx`, `sh -c`, `bash -lc`, `env X=y`, `sudo`, `timeout`...)
//! and chains followed (`&&`, `||`, `;`, pipes, subshells, `$(...)`), so
//! quoting tricks (`"pri"sma`, `$'prisma'`) change nothing while
//! `echo "prisma migrate reset"` or a commit message mentioning it is
//! not a command. It blocks `prisma migrate reset`, `prisma db push
//! --force-reset`, `--accept-data-loss`, `dropdb`, destructive SQL given
//! to `psql` (`-c`, here-documents, here-strings, `echo ... | psql`) or
//! to `prisma db execute --stdin` (parsed with the PostgreSQL parser the
//! SQL checks use: `SELECT 'DROP TABLE x'` is not a drop), and
//! `prisma migrate dev` / `migrate deploy` when the database URL points at
//! a host that is not local. The URL is the one migrate connects with:
//! the Prisma config's `datasource` (`directUrl`, else `url`), else the
//! variable the schema's `datasource` names (`directUrl`, else
//! `url = env("DATABASE_URL")`), taken from the command's own
//! assignments, then the environment, then `.env` and `prisma/.env`;
//! a URL the guard cannot read (`$PROD_URL`) blocks too, no URL at all
//! does not. Read-only commands (`migrate status`, `validate`,
//! `generate`, `format`) pass.
//!
//! ## Why is this bad?
//!
//! A migration runs unattended in every environment, production
//! included, and nothing undoes a dropped table or a `DELETE` without
//! `WHERE` but a backup. Prisma generates `DROP COLUMN` and `DROP TABLE`
//! when a field or model disappears from the schema, so a rename done as
//! delete-and-add silently becomes data loss; a missing `WHERE` is a typo
//! away. Commands in scripts and CI run just as unattended, and an AI
//! assistant or a new colleague follows the documentation to the letter:
//! "if it fails, run `npx prisma migrate reset`" wipes whichever database
//! the environment points at.
//!
//! ## Example
//!
//! ```sql
//! -- prisma/migrations/20240301120000_cleanup/migration.sql
//! ALTER TABLE "User" DROP COLUMN "legacyEmail";   -- drop-column
//! DELETE FROM "Session";                          -- delete-without-where
//! DROP TABLE "Booking" CASCADE;                   -- drop-table, cascade
//! ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId")
//!     REFERENCES "User"("id") ON DELETE CASCADE;  -- fine: not a drop
//! ```
//!
//! ```text
//! package.json   "db:reset": "prisma migrate reset --force"          migrate-reset (error)
//! ci.yml         run: npx prisma db push --accept-data-loss          accept-data-loss (error)
//! README.md      If it fails, run `npx prisma migrate reset`.        migrate-reset (warning)
//! CLAUDE.md      ❌ Never run without user consent: npm exec prisma migrate reset    fine
//! ```
//!
//! ## How to fix
//!
//! Make destruction a decision someone took:
//!
//! - keep the data: rename instead of drop-and-add, add a `WHERE`, or
//!   copy the data to an archive table first;
//! - spread it over releases: stop using a column or table, then drop it
//!   in a later migration once nothing reads it, after a backup;
//! - when the statement is intended, record why next to it:
//!   `-- drift-ignore destructive-sql/drop-table: archived by 41_archive.sql`
//!   (`#` in scripts, `<!-- -->` in Markdown);
//! - in scripts and CI, apply migrations with `prisma migrate deploy`,
//!   which never resets; keep `migrate reset`, `--force-reset` and
//!   `dropdb` for disposable local databases, run by hand; in
//!   documentation, say when not to run them.
//!
//! Each finding's help names the safer alternative.
//!
//! ## Options
//!
//! ```toml
//! [rules.destructive-sql]
//! # Commands in Markdown: "off", "info", "warning" (default) or "error".
//! docs = "warning"
//! # Commands in scripts, package.json and CI configuration: "off", "info", "warning" or "error" (default).
//! scripts = "error"
//! # drift-host guard: database hosts that count as local, besides localhost,
//! # *.localhost and Unix sockets.
//! local-hosts = ["127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"]
//! # drift-host guard: environment variables that may hold the database URL
//! # (the schema's `env("...")` names the one in use).
//! url-variables = ["DATABASE_URL", "DIRECT_URL", "POSTGRES_PRISMA_URL", "POSTGRES_URL", "POSTGRES_URL_NON_POOLING"]
//! ```
//!
//! The options set the severity of the command checks per kind of file;
//! a per-check severity in `checks = { ... }` still wins over them. The
//! SQL checks have no options: set their severity with `checks`.
//!
//! In the guard, SQL whose check is a warning in files (`drop-type`,
//! `alter-column-type`, statements in function bodies) is a warning too,
//! and the command is then judged as the write it is (`database-write`,
//! `remote-migrate` or `unknown-database` by where it points). The guard's
//! policy decides what an error means: destructive commands and writes to
//! a local or unplaced database ask the user, writes to another database
//! are refused (docs/guard.md).

mod commands;
mod documents;
mod guard;
mod hazards;
mod markdown;
mod package_json;
mod sql;

use drift_sdk::{
    CommandFinding, CommandInput, CommandNeeds, Finding, Input, Level, Metadata, Rule, Scope,
};
use serde::Deserialize;

use crate::documents::Kind;

/// The `destructive-sql` rule.
#[derive(Debug, Default)]
pub struct DestructiveSql;

/// Options from the rule's table in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Commands in Markdown.
    pub docs: Level,
    /// Commands in scripts, `package.json` and CI configuration.
    pub scripts: Level,
    /// Database hosts `drift-host guard` treats as local besides
    /// `localhost`, `*.localhost` and Unix sockets.
    pub local_hosts: Vec<String>,
    /// Environment variables that may hold the database URL when the
    /// schema does not name one (`url = env("...")`).
    pub url_variables: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            docs: Level::Warning,
            scripts: Level::Error,
            local_hosts: ["127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"]
                .map(str::to_owned)
                .to_vec(),
            url_variables: [
                "DATABASE_URL",
                "DIRECT_URL",
                "POSTGRES_PRISMA_URL",
                "POSTGRES_URL",
                "POSTGRES_URL_NON_POOLING",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }
}

drift_sdk::checks! {
    /// Every check of the rule, in the order of its page.
    pub enum Check {
        /// `DROP TABLE` destroys a table and all its rows.
        DropTable = ("drop-table", Error, "DROP TABLE destroys a table and its rows", history),
        /// `DROP DATABASE` destroys a whole database.
        DropDatabase = ("drop-database", Error, "DROP DATABASE destroys a database", history),
        /// `DROP SCHEMA` destroys a schema.
        DropSchema = ("drop-schema", Error, "DROP SCHEMA destroys a schema", history),
        /// `ALTER TABLE ... DROP COLUMN` destroys a column's data.
        DropColumn = ("drop-column", Error, "ALTER TABLE ... DROP COLUMN destroys a column's data", history),
        /// `DROP TYPE` destroys a type (an enum's values, a composite type).
        DropType = ("drop-type", Warning, "DROP TYPE destroys a type", history),
        /// `TRUNCATE` deletes every row of a table.
        Truncate = ("truncate", Error, "TRUNCATE deletes every row", history),
        /// `DELETE` without `WHERE` deletes every row.
        DeleteWithoutWhere = ("delete-without-where", Error, "DELETE without WHERE deletes every row", history),
        /// `UPDATE` without `WHERE` changes every row.
        ///
        /// A backfill is not reported: an `UPDATE` that sets only columns
        /// added (`ALTER TABLE ... ADD COLUMN`, guarded or not) earlier in
        /// the same file, or rows of a table created there, loses nothing.
        ///
        /// ```sql
        /// ALTER TABLE "User" ADD COLUMN "slug" TEXT;
        /// UPDATE "User" SET "slug" = lower("name");   -- a backfill: fine
        /// UPDATE "User" SET "name" = upper("name");   -- update-without-where
        /// ```
        UpdateWithoutWhere = ("update-without-where", Error, "UPDATE without WHERE changes every row", history),
        /// `ALTER COLUMN ... TYPE` rewrites every row and may lose data that does
        /// not convert.
        AlterColumnType = ("alter-column-type", Warning, "ALTER COLUMN ... TYPE may lose data that does not convert", history),
        /// `DROP ... CASCADE` (or `TRUNCATE ... CASCADE`) also destroys every
        /// dependent object.
        Cascade = ("cascade", Error, "DROP ... CASCADE also destroys dependent objects", history),
        /// `prisma migrate reset` drops the database and recreates it.
        MigrateReset = ("migrate-reset", Error, "prisma migrate reset drops the database"),
        /// `prisma db push --force-reset` drops every table.
        DbPushForceReset = ("db-push-force-reset", Error, "prisma db push --force-reset drops every table"),
        /// `--accept-data-loss` lets Prisma drop data without asking.
        AcceptDataLoss = ("accept-data-loss", Error, "--accept-data-loss lets Prisma drop data"),
        /// The `dropdb` command drops a whole database.
        Dropdb = ("dropdb", Error, "dropdb drops a database"),
        /// `pg_restore --clean` drops a database's objects before restoring them.
        ///
        /// Reported in scripts, CI and package.json, and by the guard; not in
        /// documentation, where a restore procedure is written on purpose.
        PgRestoreClean = ("pg-restore-clean", Error, "pg_restore --clean drops objects before restoring"),
        /// `supabase db reset` drops the Supabase database (the local one, or the
        /// linked project with `--linked`).
        ///
        /// Reported in scripts, CI and package.json, and by the guard; not in
        /// documentation, where it is Supabase's local development loop.
        SupabaseDbReset = ("supabase-db-reset", Error, "supabase db reset drops the database"),
        /// `psql -c` runs destructive SQL outside any migration.
        PsqlDestructive = ("psql-destructive", Error, "psql -c runs destructive SQL"),
        /// `prisma db execute` runs destructive SQL outside any migration.
        DbExecuteDestructive = ("db-execute-destructive", Error, "prisma db execute runs destructive SQL"),
        /// A command would change a database that is not local: `prisma
        /// migrate dev|deploy|resolve`, `db push`, `db seed`, `db execute`,
        /// `supabase db push`, `pg_restore`, or SQL given to `psql` that
        /// writes. The URL is read as Prisma reads it (see docs/guard.md);
        /// psql and pg_restore's server as libpq finds it.
        ///
        /// The guard's policy denies these by default: shared databases are
        /// changed by CI or by a person.
        RemoteMigrate = ("remote-migrate", Error, "a command would change a database that is not local"),
        /// A command would change a local database: `prisma migrate dev`,
        /// `migrate deploy`, `db push`, `db seed`... The seed's policy is
        /// "propose, don't execute": the guard asks the user first.
        ///
        /// Set this check to `"off"` to let agents change local databases
        /// without asking.
        DatabaseWrite = ("database-write", Error, "a command would change a local database"),
        /// A command would change a database the guard cannot place: the
        /// URL's variable is set nowhere it looks, the host is a shell
        /// variable, a connection service names it, the schema or an env
        /// file it names is not there, it runs inside a container (whose
        /// `localhost` is the container's), or the SQL comes from another
        /// command or a file the guard could not read. The guard asks the
        /// user.
        UnknownDatabase = ("unknown-database", Error, "a command would change a database the guard cannot place"),
    }
}

impl Check {
    /// The check that reports a destructive command of `family`.
    pub fn of_family(family: drift_sdk::hazard::Family) -> Option<Check> {
        use drift_sdk::Check as _;
        let id = family.check()?;
        Check::ALL.iter().copied().find(|c| c.id() == id)
    }
}

/// Documentation, whose commands are `docs` findings ([`documents::kind`]
/// reads the same names).
const DOCUMENTS: [&str; 2] = ["**/*.md", "**/*.mdx"];

/// Files that run commands: scripts, `package.json`, CI configuration,
/// Makefiles and justfiles.
const SCRIPTS: [&str; 13] = [
    "**/*.sh",
    "**/*.bash",
    "**/package.json",
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    "**/.circleci/config.yml",
    "**/Makefile",
    "**/makefile",
    "**/GNUmakefile",
    "**/justfile",
    "**/Justfile",
    "**/.justfile",
];

impl Rule for DestructiveSql {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new(
            "destructive-sql",
            "Data-destroying SQL and commands are deliberate, never accidental",
        )
        .scope(Scope::PerFile)
        .sql(true)
        .include(["**/*.sql"])
        .include(DOCUMENTS)
        .include(SCRIPTS)
        // A document or script that cannot hold a command this rule
        // reports is left out by the host before anything is copied into
        // the sandbox (see `hazards::filters`).
        .filters(hazards::filters(&DOCUMENTS, &SCRIPTS))
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for (file, text) in input.text_files() {
            match documents::kind(&file.path) {
                Some(Kind::Sql) => {
                    // The host parses every PostgreSQL `.sql` file it
                    // hands over. A rollback destroys what its migration
                    // created, by design, and never runs on deploy.
                    if drift_sdk::migrations::is_rollback_file(&file.path) {
                        continue;
                    }
                    if let Some(tree) = &file.sql {
                        sql::check(&file.path, text, tree, &mut out);
                    }
                }
                Some(kind) => documents::check(&file.path, text, kind, options, &mut out),
                None => {}
            }
        }
        out
    }

    fn command_needs(&self, options: &Options) -> CommandNeeds {
        guard::needs(options)
    }

    fn check_command(&self, input: &CommandInput, options: &Options) -> Vec<CommandFinding> {
        guard::check(input, options)
    }
}

/// SQL or a command as written, on one line for a message, cut short when
/// prose ran on.
fn one_line(text: &str) -> String {
    let mut shown = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = shown.char_indices().nth(80) {
        shown.truncate(cut);
        shown.push('…');
    }
    shown
}

drift_sdk::register_rule!(DestructiveSql);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use drift_sdk::testing::{InputBuilder, render, run};
    use drift_sdk::{Content, Input};

    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    /// The fixture folder `tests/fixtures/<name>` as a repository.
    fn fixture(name: &str) -> Input {
        InputBuilder::new().dir(fixtures().join(name)).build()
    }

    use drift_sdk::testing::render_with_help as show;

    /// The checks files can trigger (the others judge commands only and
    /// are tested in `guard.rs`).
    fn file_checks() -> impl Iterator<Item = Check> {
        <Check as drift_sdk::Check>::ALL
            .iter()
            .copied()
            .filter(|c| !guard::COMMAND_ONLY.contains(c))
    }

    /// The findings of `tests/checks/<check>/<name>`.
    fn check_fixture(check: Check, name: &str) -> (Vec<String>, Vec<Finding>) {
        use drift_sdk::Check as _;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/checks")
            .join(check.id())
            .join(name);
        let files = InputBuilder::new().dir(&dir).build().paths.to_vec();
        let findings = drift_sdk::testing::conformance::fixture_findings::<DestructiveSql>(&dir);
        (files, findings)
    }

    #[test]
    fn options_are_parsed_strictly() {
        let options: Options =
            drift_sdk::parse_options(r#"{"docs": "off", "scripts": "warning"}"#).unwrap();
        assert_eq!(options.docs, Level::Off);
        assert_eq!(options.scripts, Level::Warning);
        assert_eq!(
            drift_sdk::parse_options::<Options>("").unwrap(),
            Options::default()
        );
        let unknown = drift_sdk::parse_options::<Options>(r#"{"doc": "off"}"#).unwrap_err();
        assert!(unknown[0].message.contains("unknown field"), "{unknown:?}");
        let bad = drift_sdk::parse_options::<Options>(r#"{"scripts": "sometimes"}"#).unwrap_err();
        assert_eq!(bad[0].key, "scripts");
    }

    /// Every file of the firing fixture `tests/checks/<check>/fires/`
    /// reports `<check>`; the findings are pinned in a snapshot.
    #[test]
    fn every_check_fires() {
        let mut shown = String::new();
        for check in file_checks() {
            let (files, findings) = check_fixture(check, "fires");
            assert!(!files.is_empty(), "no fixture for {check}");
            for file in &files {
                assert!(
                    findings
                        .iter()
                        .any(|f| f.path == *file && f.check == check.to_string()),
                    "fires/{check}/{file} does not report {check}:\n{}",
                    render(&findings)
                );
            }
            shown.push_str(&format!("## fires/{check}\n{}\n", show(&findings)));
        }
        insta::assert_snapshot!(shown);
    }

    /// The silent fixture `tests/checks/<check>/silent/` holds near misses
    /// of `<check>` (comments, strings, guidance, look-alikes) and reports
    /// nothing at all.
    #[test]
    fn near_misses_stay_silent() {
        for check in file_checks() {
            let (files, findings) = check_fixture(check, "silent");
            assert!(!files.is_empty(), "no near-miss fixture for {check}");
            assert_eq!(render(&findings), "", "silent/{check}");
        }
    }

    #[test]
    fn docs_warn_and_scripts_fail_by_default() {
        let input = InputBuilder::new()
            .file(
                "README.md",
                "Never run `npx prisma migrate reset` on staging.\nIf it fails, run `npx prisma migrate reset`.\n",
            )
            .file(
                "package.json",
                r#"{"scripts": {"db:reset": "prisma migrate reset --force"}}"#,
            )
            .file(
                ".github/workflows/ci.yml",
                "jobs:\n  test:\n    steps:\n      - run: npx prisma db push --accept-data-loss\n",
            )
            .build();
        let findings = run(&DestructiveSql, &input, "{}").unwrap();
        insta::assert_snapshot!(render(&findings), @r"
        .github/workflows/ci.yml:4:14: accept-data-loss [Error]: `npx prisma db push --accept-data-loss` lets Prisma drop columns and tables that hold data without asking
        README.md:2:19: migrate-reset [Warning]: `npx prisma migrate reset` drops the database and recreates it: all data is lost
        package.json:1:27: migrate-reset [Error]: `prisma migrate reset --force` drops the database and recreates it: all data is lost
        ");
        let span = findings[1].span.unwrap();
        assert_eq!((span.line, span.column, span.end_column), (2, 19, 42));

        let quiet = run(
            &DestructiveSql,
            &input,
            r#"{"docs": "off", "scripts": "warning"}"#,
        )
        .unwrap();
        use drift_sdk::Severity;
        let severities: Vec<(&str, Option<Severity>)> = quiet
            .iter()
            .map(|f| (f.path.as_str(), f.severity))
            .collect();
        assert_eq!(
            severities,
            [
                (".github/workflows/ci.yml", Some(Severity::Warning)),
                ("package.json", Some(Severity::Warning)),
            ]
        );
        let loud = run(&DestructiveSql, &input, r#"{"docs": "error"}"#).unwrap();
        assert!(loud.iter().all(|f| f.severity == Some(Severity::Error)));
    }

    #[test]
    fn function_bodies_warn_and_explain_stays_silent() {
        let sql = "\
CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM \"Session\";
END $$;
CREATE FUNCTION purge2() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM \"Log\"; END;
CREATE RULE r AS ON DELETE TO a DO INSTEAD DELETE FROM b;
PREPARE p AS TRUNCATE t;
EXPLAIN (COSTS OFF) DELETE FROM t;
EXPLAIN (ANALYZE false) UPDATE t SET a = 1;
EXPLAIN ANALYZE DELETE FROM t;
EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1;
";
        let input = InputBuilder::new().sql_file("m.sql", sql).build();
        let findings = run(&DestructiveSql, &input, "{}").unwrap();
        insta::assert_snapshot!(render(&findings), @r#"
        m.sql:3:3: delete-without-where [Warning]: DELETE FROM "Session" without WHERE deletes every row (in a function body: runs each time the function is called)
        m.sql:5:65: delete-without-where [Warning]: DELETE FROM "Log" without WHERE deletes every row (in a function body: runs each time the function is called)
        m.sql:6:44: delete-without-where [Warning]: DELETE FROM b without WHERE deletes every row (in a rule: runs each time the rule fires)
        m.sql:7:14: truncate [Warning]: TRUNCATE t deletes every row of the table (prepared: runs on each EXECUTE)
        m.sql:10:17: delete-without-where: DELETE FROM t without WHERE deletes every row
        m.sql:11:28: update-without-where: UPDATE t without WHERE changes every row
        "#);
    }

    #[test]
    fn tables_created_in_the_same_file_are_scratch() {
        let sql = "\
DROP TABLE early;
CREATE TABLE early (id int);
CREATE TEMP TABLE staging AS SELECT * FROM \"User\";
UPDATE staging SET name = lower(name);
DELETE FROM staging;
CREATE TABLE IF NOT EXISTS maybe (id int);
DROP TABLE maybe;
SELECT * INTO copy FROM \"User\";
TRUNCATE copy;
CREATE TYPE \"Mood\" AS ENUM ('a');
DROP TYPE \"Mood\", mood;
DO $$ BEGIN IF true THEN CREATE TABLE cond (id int); END IF; END $$;
DROP TABLE cond, staging CASCADE;
ALTER TABLE staging DROP COLUMN name;
DROP TABLE Staging;
";
        let input = InputBuilder::new().sql_file("m.sql", sql).build();
        let findings = run(&DestructiveSql, &input, "{}").unwrap();
        insta::assert_snapshot!(render(&findings), @r"
        m.sql:1:1: drop-table: DROP TABLE early destroys the table and all its rows
        m.sql:7:1: drop-table: DROP TABLE maybe destroys the table and all its rows
        m.sql:11:1: drop-type: DROP TYPE mood destroys the type
        m.sql:13:1: drop-table: DROP TABLE cond destroys the table and all its rows
        m.sql:13:1: cascade: DROP TABLE cond, staging CASCADE also drops every object that depends on it
        ");
    }

    /// Nothing the host can hand over makes the rule panic.
    #[test]
    fn odd_inputs_do_not_panic() {
        let input = InputBuilder::new()
            .sql_file("a.sql", "DROP TABLE;\nDELETE FROM;\nALTER TABLE DROP COLUMN;\nTRUNCATE;\nUPDATE SET;\nDROP TYPE ;\nDROP ( CASCADE")
            .sql_file("b.sql", "DO $$ BEGIN EXECUTE 'DROP TABLE'; END $$; DO $$")
            .sql_file("é.sql", "\u{feff}DROP TABLE \"é\"; DELETE FROM \"\"\"")
            .file("plain.sql", "DROP TABLE x;")
            .raw_file("bin.sql", Content::Binary)
            .raw_file("README.md", Content::InvalidUtf8(3))
            .file("package.json", "{\"scripts\": {\"a\": \"psql -c '\\ud800\", ")
            .file("x.md", "```\n# dropdb\n~~~\nprisma migrate reset `\n\"psql -c \"DROP")
            .file("run.sh", "\\\npsql -c\ndropdb '\nprisma \"\n#")
            .file("Makefile", "\t@-dropdb \"$(DB)\"\n")
            .build();
        for options in ["{}", r#"{"docs": "error", "scripts": "off"}"#] {
            run(&DestructiveSql, &input, options).unwrap();
        }
    }

    /// A realistic repository: Prisma migrations with both harmless and
    /// destructive changes, documentation and scripts.
    #[test]
    fn a_realistic_repository() {
        let findings = run(&DestructiveSql, &fixture("repo"), "{}").unwrap();
        insta::assert_snapshot!(show(&findings));
    }

    /// PostgreSQL's own regression suite: every statement form the parser
    /// knows, plenty of drops, and not a single panic.
    #[test]
    fn the_postgres_regression_suite() {
        let Some(files) = drift_sdk::testing::pg_regress_files() else {
            return;
        };
        let builder = files.iter().fold(InputBuilder::new(), |b, (rel, path)| {
            let bytes = std::fs::read(path).unwrap();
            b.sql_file(rel, &String::from_utf8_lossy(&bytes))
        });
        let findings = run(&DestructiveSql, &builder.build(), "{}").unwrap();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &findings {
            *counts.entry(f.check.as_str()).or_default() += 1;
        }
        eprintln!(
            "pg-regress: {} findings in {} files: {counts:#?}",
            findings.len(),
            files.len()
        );
        // The suite mostly drops and empties tables it created earlier in
        // the same file, which the rule leaves alone (1715 `DROP TABLE`
        // statements, 41 findings); what is left is still plenty.
        for (id, at_least) in [
            ("drop-table", 20),
            ("drop-database", 1),
            ("drop-schema", 50),
            ("drop-column", 5),
            ("drop-type", 3),
            ("truncate", 1),
            ("delete-without-where", 10),
            ("update-without-where", 40),
            ("alter-column-type", 1),
            ("cascade", 200),
        ] {
            let count = counts.get(id).copied().unwrap_or(0);
            assert!(
                count >= at_least,
                "only {count} `{id}` findings: {counts:#?}"
            );
        }
        assert!(
            (300..=2000).contains(&findings.len()),
            "implausible number of findings: {}",
            findings.len()
        );
        // No command check can fire on SQL.
        assert!(findings.iter().all(|f| {
            <Check as drift_sdk::Check>::ALL[..10]
                .iter()
                .any(|c| c.to_string() == f.check)
        }));
    }
}
