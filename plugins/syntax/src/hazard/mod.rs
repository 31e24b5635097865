//! The commands that destroy or change a database, recognised in one place.
//!
//! `drift-host guard` judges a command line about to run; destructive-sql
//! reports the same commands written in scripts, package.json, CI files and
//! Markdown. Both hand a parsed simple command ([`shell::Command`], wrappers
//! already peeled) to [`recognise`], so they agree about which commands are
//! hazards, which [`Family`] each belongs to, what it does
//! ([`Family::effect`]) and which check reports it ([`Family::check`]).
//! Each front end adds its own advice: a script's fix is not an agent's.
//!
//! Two classes, which the guard's consent policy treats differently:
//! [`Class::Destructive`] commands lose data wherever they point;
//! [`Class::Write`] commands change a database, which is routine on a
//! disposable local one and not something an agent does to a shared one.
//! Read-only commands (`prisma migrate status`, `validate`, `format`,
//! `generate`, `studio`, `migrate diff`, `db pull`) are not hazards, and
//! neither is asking a program for its help or version
//! ([`shell::Command::asks_for_help`]).
//!
//! [`written`] finds the same commands written in text (a script's line,
//! Markdown prose), for the file checks.
//!
//! What a client such as `psql` runs depends on the SQL it is given, which
//! only the caller can see (an argument, a here-document, a pipe): it is
//! [`Family::SqlClient`], a write until the SQL says more.

pub mod written;

use std::ops::Range;

use crate::shell::{self, Command};

/// How a hazard treats the data it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Loses data wherever it points.
    Destructive,
    /// Changes a database (its schema or its rows).
    Write,
}

/// One family of commands that destroy or change a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `prisma migrate reset`.
    MigrateReset,
    /// `prisma db push --force-reset`.
    DbPushForceReset,
    /// `--accept-data-loss` on a Prisma command.
    AcceptDataLoss,
    /// `dropdb`.
    Dropdb,
    /// `pg_restore --clean` (`-c`) into a database (`-d`).
    PgRestoreClean,
    /// `supabase db reset`.
    SupabaseDbReset,
    /// `prisma migrate dev`.
    MigrateDev,
    /// `prisma migrate deploy`.
    MigrateDeploy,
    /// `prisma migrate resolve`.
    MigrateResolve,
    /// `prisma db push` without `--force-reset`.
    DbPush,
    /// `prisma db seed`.
    DbSeed,
    /// `prisma db execute`.
    DbExecute,
    /// `pg_restore -d` without `--clean`.
    PgRestore,
    /// `supabase db push`.
    SupabaseDbPush,
    /// `supabase migration up|down|repair`.
    SupabaseMigration,
    /// `psql`: whatever SQL it is given.
    SqlClient,
}

impl Family {
    /// Every family, destructive ones first.
    pub const ALL: &'static [Family] = &[
        Family::MigrateReset,
        Family::DbPushForceReset,
        Family::AcceptDataLoss,
        Family::Dropdb,
        Family::PgRestoreClean,
        Family::SupabaseDbReset,
        Family::MigrateDev,
        Family::MigrateDeploy,
        Family::MigrateResolve,
        Family::DbPush,
        Family::DbSeed,
        Family::DbExecute,
        Family::PgRestore,
        Family::SupabaseDbPush,
        Family::SupabaseMigration,
        Family::SqlClient,
    ];

    /// Whether the family loses data wherever it points, or changes a
    /// database.
    pub fn class(self) -> Class {
        match self {
            Family::MigrateReset
            | Family::DbPushForceReset
            | Family::AcceptDataLoss
            | Family::Dropdb
            | Family::PgRestoreClean
            | Family::SupabaseDbReset => Class::Destructive,
            Family::MigrateDev
            | Family::MigrateDeploy
            | Family::MigrateResolve
            | Family::DbPush
            | Family::DbSeed
            | Family::DbExecute
            | Family::PgRestore
            | Family::SupabaseDbPush
            | Family::SupabaseMigration
            | Family::SqlClient => Class::Write,
        }
    }

    /// The destructive-sql check that reports a destructive family, in
    /// files and on a guarded command line. Writing families are reported
    /// by the guard's target checks (`database-write`, `unknown-database`,
    /// `remote-migrate`), SQL clients by what their SQL does.
    pub fn check(self) -> Option<&'static str> {
        Some(match self {
            Family::MigrateReset => "migrate-reset",
            Family::DbPushForceReset => "db-push-force-reset",
            Family::AcceptDataLoss => "accept-data-loss",
            Family::Dropdb => "dropdb",
            Family::PgRestoreClean => "pg-restore-clean",
            Family::SupabaseDbReset => "supabase-db-reset",
            _ => return None,
        })
    }

    /// What a command of the family does, completing "`<command>` …".
    pub fn effect(self) -> &'static str {
        match self {
            Family::MigrateReset => "drops the database and recreates it: all data is lost",
            Family::DbPushForceReset => {
                "drops every table and recreates the schema: all data is lost"
            }
            Family::AcceptDataLoss => {
                "lets Prisma drop columns and tables that hold data without asking"
            }
            Family::Dropdb => "drops a whole database with all its data",
            Family::PgRestoreClean => {
                "drops the database's objects before restoring them: data written since the dump is lost"
            }
            Family::SupabaseDbReset => {
                "drops the Supabase database and recreates it: all data is lost"
            }
            Family::MigrateDev => {
                "creates and applies migrations, and may ask to reset the database"
            }
            Family::MigrateDeploy => "applies pending migrations to the database",
            Family::MigrateResolve => "rewrites the database's record of applied migrations",
            Family::DbPush => "changes the database's schema without a migration",
            Family::DbSeed => "writes seed data into the database",
            Family::DbExecute => "runs SQL against the database",
            Family::PgRestore => "writes a dump into a database",
            Family::SupabaseDbPush => "applies migrations to the linked Supabase database",
            Family::SupabaseMigration => {
                "applies, reverts or rewrites migrations on a Supabase database"
            }
            Family::SqlClient => "runs SQL against a database",
        }
    }

    /// True for Prisma commands, whose database is the one the schema's
    /// datasource (or the Prisma config) names.
    pub fn is_prisma(self) -> bool {
        matches!(
            self,
            Family::MigrateReset
                | Family::DbPushForceReset
                | Family::AcceptDataLoss
                | Family::MigrateDev
                | Family::MigrateDeploy
                | Family::MigrateResolve
                | Family::DbPush
                | Family::DbSeed
                | Family::DbExecute
        )
    }

    /// The programs whose commands belong to some family: a text that names
    /// none of them holds no hazard.
    pub const PROGRAMS: &'static [&'static str] =
        &["prisma", "dropdb", "pg_restore", "supabase", "psql"];
}

/// The cells of the guard's consent policy: what a command does, and,
/// for writing commands, where it points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cell {
    /// Loses data wherever it points.
    Destructive,
    /// Changes a local database.
    WriteLocal,
    /// Changes a database that is not local.
    WriteRemote,
    /// Changes a database the guard cannot place.
    WriteUnknown,
}

impl Cell {
    /// Every cell, in the order of the policy's table.
    pub const ALL: &'static [Cell] = &[
        Cell::Destructive,
        Cell::WriteLocal,
        Cell::WriteRemote,
        Cell::WriteUnknown,
    ];

    /// The cell's key in `[guard.policy]`.
    pub fn key(self) -> &'static str {
        match self {
            Cell::Destructive => "destructive",
            Cell::WriteLocal => "write-local",
            Cell::WriteRemote => "write-remote",
            Cell::WriteUnknown => "write-unknown",
        }
    }
}

/// The rule whose command checks report the catalogue's hazards.
pub const RULE: &str = "destructive-sql";

/// The policy cell of a command finding `rule/check`; `None` for checks
/// outside the catalogue (an organisation's own command rules).
pub fn cell(rule: &str, check: &str) -> Option<Cell> {
    if rule != RULE {
        return None;
    }
    match check {
        "psql-destructive" | "db-execute-destructive" => Some(Cell::Destructive),
        "database-write" => Some(Cell::WriteLocal),
        "remote-migrate" => Some(Cell::WriteRemote),
        "unknown-database" => Some(Cell::WriteUnknown),
        _ => Family::ALL
            .iter()
            .any(|f| f.check() == Some(check))
            .then_some(Cell::Destructive),
    }
}

/// A hazard in one simple command: its family, the bytes that show it
/// (the whole command, or the flag that makes it one), and the word that
/// decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    pub family: Family,
    pub range: Range<usize>,
    /// Index in the command's words of the word that makes the command
    /// this family (`reset` of `migrate reset`, the `--force-reset` flag,
    /// the program itself for `dropdb`).
    pub word: usize,
}

/// What `command` (wrappers peeled) does to a database, in the order the
/// families are listed; empty for read-only commands, for commands that
/// only ask for help, and for programs that are not database tools.
pub fn recognise(command: &Command) -> Vec<Hazard> {
    if command.asks_for_help() {
        return Vec::new();
    }
    // `prisma@5.22.0`, as package runners take it.
    let Some(program) = command
        .program_name()
        .and_then(|name| name.split('@').next())
    else {
        return Vec::new();
    };
    let args = command.args();
    // (index in `command.words`, text) of the arguments that are not flags.
    let positional: Vec<(usize, &str)> = args
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.text.starts_with('-'))
        .map(|(i, w)| (i + 1, w.text.as_str()))
        .collect();
    let flag = |name: &str| args.iter().position(|w| w.text == name).map(|i| i + 1);
    let whole = |family, word| Hazard {
        family,
        range: command.range.clone(),
        word,
    };
    // The subcommand: the first `group action` pair of positional words
    // (`prisma --schema db/schema.prisma migrate reset`: the schema path
    // is a flag's value, not the group).
    let pairs = || {
        positional
            .windows(2)
            .filter_map(|pair| Some((pair.first()?.1, pair.get(1)?.1, pair.get(1)?.0)))
    };
    let mut found = Vec::new();
    match program {
        "prisma" => {
            // The first pair of positional words that names a subcommand:
            // a flag's value may come first (`--schema db migrate reset`).
            let subcommand = pairs().find_map(|(group, action, at)| {
                let family = match (group, action) {
                    ("migrate", "reset") => Family::MigrateReset,
                    ("db", "push") => match flag("--force-reset") {
                        Some(_) => Family::DbPushForceReset,
                        None => Family::DbPush,
                    },
                    ("migrate", "dev") => Family::MigrateDev,
                    ("migrate", "deploy") => Family::MigrateDeploy,
                    ("migrate", "resolve") => Family::MigrateResolve,
                    ("db", "seed") => Family::DbSeed,
                    ("db", "execute") => Family::DbExecute,
                    _ => return None,
                };
                Some((family, at))
            });
            if let Some((family, at)) = subcommand {
                let word = match family {
                    Family::DbPushForceReset => flag("--force-reset").unwrap_or(at),
                    _ => at,
                };
                found.push(whole(family, word));
            }
            if let Some(at) = flag("--accept-data-loss") {
                found.push(Hazard {
                    family: Family::AcceptDataLoss,
                    range: command
                        .words
                        .get(at)
                        .map_or(command.range.clone(), |w| w.range.clone()),
                    word: at,
                });
            }
        }
        "dropdb" => found.push(whole(Family::Dropdb, 0)),
        // Without a database to connect to, pg_restore writes a script
        // to stdout (`pg_restore --clean x.dump | psql app`: the client
        // that runs it is judged).
        "pg_restore" => {
            let parsed = client_args("pg_restore", args);
            // Without a database to connect to, pg_restore writes a script
            // to stdout (`pg_restore --clean x.dump | psql app`: the client
            // that runs it is judged).
            if parsed.value("d", "dbname").is_some() {
                let clean = parsed
                    .options
                    .iter()
                    .any(|o| o.name == "c" || o.name == "clean");
                found.push(if clean {
                    whole(Family::PgRestoreClean, 0)
                } else {
                    whole(Family::PgRestore, 0)
                });
            }
        }
        "supabase" => {
            let subcommand = pairs().find_map(|(group, action, at)| {
                let family = match (group, action) {
                    ("db", "reset") => Family::SupabaseDbReset,
                    ("db", "push") => Family::SupabaseDbPush,
                    ("migration", "up" | "down" | "repair") => Family::SupabaseMigration,
                    _ => return None,
                };
                Some((family, at))
            });
            if let Some((family, at)) = subcommand {
                found.push(whole(family, at));
            }
        }
        "psql" => found.push(whole(Family::SqlClient, 0)),
        _ => {}
    }
    found
}

/// An option of a PostgreSQL client command line, as getopt reads it:
/// `-tAc SQL` is `t`, `A` and `c` with the value `SQL`; `--command=SQL`
/// and `--command SQL` are `command` with `SQL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOption {
    /// The option's name without dashes: one letter, or the long name.
    pub name: String,
    /// Its value, for options that take one (the word holding it: glued
    /// values keep the range of the whole word).
    pub value: Option<shell::Word>,
}

/// A PostgreSQL client's arguments: its options and its operands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientArgs {
    pub options: Vec<ClientOption>,
    pub operands: Vec<shell::Word>,
}

impl ClientArgs {
    /// The values of the option named `short` or `long`, in order.
    pub fn values(&self, short: &str, long: &str) -> Vec<&shell::Word> {
        self.options
            .iter()
            .filter(|o| o.name == short || o.name == long)
            .filter_map(|o| o.value.as_ref())
            .collect()
    }

    /// The first value of the option named `short` or `long`.
    pub fn value(&self, short: &str, long: &str) -> Option<&str> {
        self.values(short, long).first().map(|w| w.text.as_str())
    }
}

/// The short options that take a value, per PostgreSQL client.
fn short_with_value(program: &str) -> &'static str {
    match program {
        "psql" => "cdfFhLopPRTUv",
        "pg_restore" => "dfFhIjLnNpPStTU",
        "pg_dump" | "pg_dumpall" => "dEfFhjlnNpStTUZ",
        _ => "DEhlOpTU",
    }
}

/// The long options that take a value (`--host x`), across the clients.
const LONG_WITH_VALUE: &[&str] = &[
    "command",
    "dbname",
    "file",
    "host",
    "port",
    "username",
    "set",
    "variable",
    "log-file",
    "output",
    "pset",
    "field-separator",
    "record-separator",
    "table-attr",
    "format",
    "index",
    "jobs",
    "use-list",
    "schema",
    "exclude-schema",
    "superuser",
    "table",
    "trigger",
    "maintenance-db",
    "tablespace",
    "encoding",
    "template",
    "locale",
    "owner",
    "role",
    "section",
    "compress",
    "function",
];

/// Long options without a value that matter to the guard, for expanding
/// getopt_long's abbreviations (`--cle` is `--clean`).
const LONG_WITHOUT_VALUE: &[&str] = &[
    "clean",
    "create",
    "list",
    "if-exists",
    "single-transaction",
    "exit-on-error",
    "data-only",
    "schema-only",
    "no-owner",
    "no-privileges",
    "no-psqlrc",
    "tuples-only",
    "no-align",
    "quiet",
    "echo-all",
    "echo-queries",
    "expanded",
    "html",
    "no-password",
    "password",
    "verbose",
    "version",
    "help",
    "interactive",
    "force",
];

/// The long option `name` stands for: itself, or the one long option it
/// abbreviates (getopt_long accepts any unique prefix).
fn long_name(name: &str) -> &str {
    if LONG_WITH_VALUE.contains(&name) || LONG_WITHOUT_VALUE.contains(&name) {
        return name;
    }
    let mut matches = LONG_WITH_VALUE
        .iter()
        .chain(LONG_WITHOUT_VALUE)
        .filter(|full| full.starts_with(name));
    match (matches.next(), matches.next()) {
        (Some(full), None) if !name.is_empty() => full,
        _ => name,
    }
}

/// `args` of the PostgreSQL client `program` (`psql`, `pg_restore`,
/// `pg_dump`, `dropdb`, `createdb`), read as its getopt reads them
/// (abbreviated long options included).
pub fn client_args(program: &str, args: &[shell::Word]) -> ClientArgs {
    let with_value = short_with_value(program);
    let mut out = ClientArgs::default();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        if text == "--" {
            out.operands.extend(words.cloned());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, glued) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let name = long_name(name);
            let value = match glued {
                Some(value) => Some(shell::Word {
                    text: value.to_owned(),
                    range: word.range.clone(),
                }),
                None if LONG_WITH_VALUE.contains(&name) => words.next().cloned(),
                None => None,
            };
            out.options.push(ClientOption {
                name: name.to_owned(),
                value,
            });
            continue;
        }
        let Some(letters) = text.strip_prefix('-').filter(|l| !l.is_empty()) else {
            out.operands.push(word.clone());
            continue;
        };
        for (i, c) in letters.char_indices() {
            if !with_value.contains(c) {
                out.options.push(ClientOption {
                    name: c.to_string(),
                    value: None,
                });
                continue;
            }
            let rest = letters.get(i + c.len_utf8()..).unwrap_or("");
            let value = if rest.is_empty() {
                words.next().cloned()
            } else {
                Some(shell::Word {
                    text: rest.to_owned(),
                    range: word.range.clone(),
                })
            };
            out.options.push(ClientOption {
                name: c.to_string(),
                value,
            });
            break;
        }
    }
    out
}

/// Every hazard of `line`, read as a shell command line.
pub fn in_line(line: &str) -> Vec<Hazard> {
    shell::commands(line).iter().flat_map(recognise).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families(line: &str) -> Vec<Family> {
        in_line(line).into_iter().map(|h| h.family).collect()
    }

    #[test]
    fn each_family_is_recognised_through_wrappers() {
        use Family::*;
        let cases: &[(&str, &[Family])] = &[
            ("npx prisma migrate reset --force", &[MigrateReset]),
            ("pnpm prisma db push --force-reset", &[DbPushForceReset]),
            (
                "prisma db push --accept-data-loss",
                &[DbPush, AcceptDataLoss],
            ),
            ("sudo -u postgres dropdb app", &[Dropdb]),
            ("pg_restore --clean -d app dump.sql", &[PgRestoreClean]),
            ("pg_restore -cd app dump.sql", &[PgRestoreClean]),
            ("pg_restore -d app dump.sql", &[PgRestore]),
            ("pg_restore -dc dump.sql", &[PgRestore]),
            ("pg_restore --dbname=app dump.sql", &[PgRestore]),
            ("pg_restore --cle --dbn=app dump.sql", &[PgRestoreClean]),
            ("npx supabase db reset", &[SupabaseDbReset]),
            ("supabase db push", &[SupabaseDbPush]),
            ("npx prisma migrate dev --name init", &[MigrateDev]),
            ("bunx prisma migrate deploy", &[MigrateDeploy]),
            (
                "npx prisma migrate resolve --applied 20240101_x",
                &[MigrateResolve],
            ),
            ("yarn prisma db seed", &[DbSeed]),
            ("npx prisma db execute --file x.sql", &[DbExecute]),
            (
                "prisma --schema db/schema.prisma migrate reset",
                &[MigrateReset],
            ),
            ("npx prisma migrate dev --name reset", &[MigrateDev]),
            ("psql -c 'select 1'", &[SqlClient]),
        ];
        for (line, expected) in cases {
            assert_eq!(families(line), *expected, "{line}");
        }
    }

    #[test]
    fn client_options_are_read_as_getopt_reads_them() {
        let words = |line: &str| shell::commands(line).remove(0).words;
        let psql = |line: &str| {
            let w = words(line);
            client_args("psql", w.get(1..).unwrap_or(&[]))
        };
        let args = psql("psql -tAc 'DROP TABLE x' app");
        assert_eq!(args.value("c", "command"), Some("DROP TABLE x"));
        assert_eq!(args.operands.len(), 1);
        let args = psql("psql -Xf drop.sql -hdb.internal");
        assert_eq!(args.value("f", "file"), Some("drop.sql"));
        assert_eq!(args.value("h", "host"), Some("db.internal"));
        let args = psql("psql --command 'INSERT INTO t VALUES (1)' postgres://u@prod/app");
        assert_eq!(args.value("c", "command"), Some("INSERT INTO t VALUES (1)"));
        assert_eq!(
            args.operands.first().map(|w| w.text.as_str()),
            Some("postgres://u@prod/app")
        );
        let args = psql("psql --dbname=app -c'SELECT 1'");
        assert_eq!(args.value("d", "dbname"), Some("app"));
        assert_eq!(args.value("c", "command"), Some("SELECT 1"));
        // `-n` takes a value for pg_restore, not for psql.
        let w = words("pg_restore -n public -d app x.dump");
        let args = client_args("pg_restore", w.get(1..).unwrap_or(&[]));
        assert_eq!(args.value("n", "schema"), Some("public"));
        assert_eq!(args.operands.len(), 1);
    }

    #[test]
    fn read_only_commands_and_help_are_not_hazards() {
        for line in [
            "npx prisma migrate status",
            "npx prisma validate",
            "npx prisma format",
            "npx prisma generate",
            "npx prisma studio",
            "npx prisma migrate diff --from-empty --to-schema-datamodel s.prisma",
            "npx prisma db pull",
            "npx prisma migrate reset --help",
            "dropdb --help",
            "pg_restore --version",
            "pg_restore --clean --list x.dump",
            "pg_restore -c x.dump",
            "supabase status",
            "supabase migration new add_users",
            "supabase migration list",
            "echo prisma migrate reset",
            "git commit -m 'dropdb app'",
        ] {
            assert!(families(line).is_empty(), "{line}: {:?}", families(line));
        }
    }

    #[test]
    fn every_destructive_family_has_a_check_and_no_write_family_does() {
        for family in Family::ALL {
            assert_eq!(
                family.check().is_some(),
                family.class() == Class::Destructive,
                "{family:?}"
            );
            assert!(!family.effect().is_empty());
        }
    }

    #[test]
    fn every_family_is_listed_once_destructive_first() {
        let mut seen = std::collections::HashSet::new();
        assert!(Family::ALL.iter().all(|f| seen.insert(*f)));
        let first_write = Family::ALL
            .iter()
            .position(|f| f.class() == Class::Write)
            .unwrap();
        assert!(
            Family::ALL[first_write..]
                .iter()
                .all(|f| f.class() == Class::Write)
        );
    }
}
