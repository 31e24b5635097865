//! The `migrate-reset`, `db-push-force-reset`, `accept-data-loss`, `dropdb`,
//! `pg-restore-clean`, `supabase-db-reset` and `psql-destructive` checks:
//! commands that wipe a database, found in one line of a script, a CI step,
//! a `package.json` script or Markdown.
//!
//! The commands are found by the hazard catalogue's reader of written
//! text ([`drift_sdk::hazard::written`]), the catalogue the guard asks too:
//! a command's program as a whole word (`prisma`, `dropdb`, `pg_restore`,
//! `supabase`, `psql`), its runner, and its words up to the next operator,
//! so `npx prisma migrate reset --force && npm test` and `` `npx prisma
//! migrate reset` `` in Markdown both end where the command ends. Names
//! inside other words (`@prisma/client`, `schema.prisma`, `pg_dropdb`) do
//! not count. What `psql -c` runs is this rule's SQL analysis.

use std::ops::Range;

use drift_sdk::hazard::Family;
use drift_sdk::hazard::written::{self, Word};

use crate::one_line;

/// A destructive command on a line: which check, where (bytes of the
/// line), and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub check: crate::Check,
    pub range: Range<usize>,
    pub message: String,
    pub help: &'static str,
}

const MIGRATE_RESET_HELP: &str = "apply migrations with `prisma migrate deploy` (or `prisma migrate dev` locally), which never resets; reset only a disposable local database, by hand";
const FORCE_RESET_HELP: &str = "change databases that hold data through migrations (`prisma migrate dev`, then `prisma migrate deploy`); keep `--force-reset` for disposable ones";
const DATA_LOSS_HELP: &str = "create the migration with `prisma migrate dev --create-only`, move or back up the data in it, and apply it with `prisma migrate deploy`";
const DROPDB_HELP: &str = "back up first (`pg_dump`) and drop databases by hand; keep `dropdb` out of scripts unless they only ever target a disposable database";
const PG_RESTORE_CLEAN_HELP: &str =
    "restore into a new, empty database; keep `--clean` for disposable ones";
const SUPABASE_RESET_HELP: &str = "apply migrations with `supabase migration up`; reset only a disposable local database, by hand";
const PSQL_HELP: &str = "put the change in a reviewed migration, or run it by hand after a backup";

/// The advice for a destructive command written in a file.
fn help(family: Family) -> &'static str {
    match family {
        Family::MigrateReset => MIGRATE_RESET_HELP,
        Family::DbPushForceReset => FORCE_RESET_HELP,
        Family::AcceptDataLoss => DATA_LOSS_HELP,
        Family::Dropdb => DROPDB_HELP,
        Family::PgRestoreClean => PG_RESTORE_CLEAN_HELP,
        _ => SUPABASE_RESET_HELP,
    }
}

/// Every destructive command on `line`, in order.
pub fn scan(line: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for found in written::scan(line) {
        if found.family == Family::SqlClient {
            psql_command(&found, &mut hits);
            continue;
        }
        let Some(check) = crate::Check::of_family(found.family) else {
            continue;
        };
        hits.push(Hit {
            check,
            message: format!("`{}` {}", shown(line, &found.range), found.family.effect()),
            range: found.range,
            help: help(found.family),
        });
    }
    hits.sort_by_key(|h| (h.range.start, drift_sdk::Check::id(h.check)));
    hits
}

/// The command as shown in a message.
pub(crate) fn shown(line: &str, range: &Range<usize>) -> String {
    one_line(line.get(range.clone()).unwrap_or(""))
}

/// `psql ... -c "<sql>"` (also `--command <sql>`, `--command=<sql>` and
/// `-c<sql>`): one hit per destructive `-c` argument.
fn psql_command(found: &written::Written, hits: &mut Vec<Hit>) {
    let at = found.range.start;
    let words: Vec<drift_sdk::shell::Word> = found
        .words
        .iter()
        .skip(1)
        .map(|w: &Word| drift_sdk::shell::Word {
            text: w.text.clone(),
            range: w.range.clone(),
        })
        .collect();
    let args = drift_sdk::hazard::client_args("psql", &words);
    for sql_word in args.values("c", "command") {
        let (sql, end) = (sql_word.text.as_str(), sql_word.range.end);
        // The first statement that destroys data when it runs (the SQL
        // checks' errors), parsed and judged as in a migration.
        if let Some(found) = crate::sql::scan_text(sql)
            .into_iter()
            .find(|f| !f.is_warning())
        {
            hits.push(Hit {
                check: crate::Check::PsqlDestructive,
                range: at..end,
                message: format!(
                    "psql runs `{}`, destroying data outside any migration",
                    found.statement_text(sql)
                ),
                help: PSQL_HELP,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check: shown text` for each hit.
    fn hits(line: &str) -> Vec<String> {
        scan(line)
            .into_iter()
            .map(|h| format!("{}: {}", h.check, &line[h.range]))
            .collect()
    }

    #[test]
    fn prisma_commands_through_any_runner() {
        for (line, shown) in [
            ("prisma migrate reset", "prisma migrate reset"),
            (
                "npx prisma migrate reset --force",
                "npx prisma migrate reset --force",
            ),
            ("pnpm prisma migrate reset", "pnpm prisma migrate reset"),
            (
                "pnpm dlx prisma migrate reset",
                "pnpm dlx prisma migrate reset",
            ),
            (
                "yarn prisma migrate reset -f",
                "yarn prisma migrate reset -f",
            ),
            ("bunx prisma migrate reset", "bunx prisma migrate reset"),
            (
                "npm exec -- prisma migrate reset",
                "npm exec -- prisma migrate reset",
            ),
            (
                "npm exec prisma migrate reset",
                "npm exec prisma migrate reset",
            ),
            (
                "npx prisma@5.22.0 migrate reset",
                "npx prisma@5.22.0 migrate reset",
            ),
            (
                "./node_modules/.bin/prisma migrate reset",
                "prisma migrate reset",
            ),
            (
                "run `npx prisma migrate reset`.",
                "npx prisma migrate reset",
            ),
            (
                "x && npx prisma migrate reset --force && npm test",
                "npx prisma migrate reset --force",
            ),
            (
                "prisma --schema db/schema.prisma migrate reset",
                "prisma --schema db/schema.prisma migrate reset",
            ),
            ("then prisma migrate reset.", "prisma migrate reset"),
            (
                "run: \"npx prisma migrate reset\"",
                "npx prisma migrate reset",
            ),
            (
                "Run \"npx prisma migrate reset\" and \"x\".",
                "npx prisma migrate reset",
            ),
            (
                "'prisma migrate reset --force'",
                "prisma migrate reset --force",
            ),
        ] {
            assert_eq!(hits(line), [format!("migrate-reset: {shown}")], "{line}");
        }
    }

    #[test]
    fn other_prisma_commands() {
        assert_eq!(
            hits("npx prisma db push --force-reset"),
            ["db-push-force-reset: npx prisma db push --force-reset"]
        );
        assert_eq!(
            hits("npx prisma db push --accept-data-loss"),
            ["accept-data-loss: npx prisma db push --accept-data-loss"]
        );
        assert_eq!(
            hits("prisma db push --force-reset --accept-data-loss"),
            [
                "accept-data-loss: prisma db push --force-reset --accept-data-loss",
                "db-push-force-reset: prisma db push --force-reset --accept-data-loss",
            ]
        );
        assert_eq!(
            hits("$PRISMA db push --accept-data-loss"),
            ["accept-data-loss: --accept-data-loss"]
        );
    }

    #[test]
    fn harmless_prisma_commands_and_lookalikes() {
        for line in [
            "npx prisma migrate deploy",
            "npx prisma migrate dev --name init",
            "npx prisma db push",
            "npx prisma migrate resolve --applied x",
            "import { PrismaClient } from '@prisma/client'",
            "edit prisma/schema.prisma, then prisma generate",
            "prisma migrate; reset",
            "prisma migrate && reset",
            "myprisma migrate reset",
            "prisma-cli migrate reset",
            "see prisma.config.ts for migrate reset",
            "--accept-data-loss-later",
            "x--accept-data-loss",
            "prisma db push # --force-reset",
        ] {
            assert_eq!(hits(line), Vec::<String>::new(), "{line}");
        }
    }

    #[test]
    fn dropdb_takes_one_database() {
        assert_eq!(hits("dropdb app_dev"), ["dropdb: dropdb app_dev"]);
        assert_eq!(
            hits("dropdb -U postgres --if-exists app_test && createdb app_test"),
            ["dropdb: dropdb -U postgres --if-exists app_test"]
        );
        assert_eq!(hits("\t@dropdb app"), ["dropdb: dropdb app"]);
        assert_eq!(
            hits("\t@npx prisma migrate reset"),
            ["migrate-reset: npx prisma migrate reset"]
        );
        assert_eq!(hits("/usr/bin/dropdb app"), ["dropdb: dropdb app"]);
        assert_eq!(
            hits("Run 'dropdb app' and 'createdb app'."),
            ["dropdb: dropdb app"]
        );
        for line in ["pg_dropdb x", "dropdb.sh", "my-dropdb x", "dropdbs"] {
            assert_eq!(hits(line), Vec::<String>::new(), "{line}");
        }
    }

    #[test]
    fn psql_with_destructive_sql() {
        assert_eq!(
            hits(r#"psql "$DATABASE_URL" -c "DROP TABLE users""#),
            [r#"psql-destructive: psql "$DATABASE_URL" -c "DROP TABLE users""#]
        );
        assert_eq!(
            hits("psql -c 'TRUNCATE \"Session\"' app"),
            ["psql-destructive: psql -c 'TRUNCATE \"Session\"'"]
        );
        assert_eq!(
            hits("docker compose exec db psql -U postgres --command='DROP DATABASE app'"),
            ["psql-destructive: psql -U postgres --command='DROP DATABASE app'"]
        );
        assert_eq!(
            hits("psql -c\"DELETE FROM logs\""),
            ["psql-destructive: psql -c\"DELETE FROM logs\""]
        );
        assert_eq!(
            scan("psql -c 'SELECT 1; DELETE FROM t'")[0].message,
            "psql runs `DELETE FROM t`, destroying data outside any migration"
        );
        for line in [
            "psql -c 'SELECT 1'",
            "psql -c \"DELETE FROM t WHERE id = 1\"",
            "psql -c \"SELECT 'DROP TABLE x'\"",
            "psql -f drop.sql",
            "psql -c",
            "psql app # -c 'DROP TABLE x'",
            "echo 'DROP TABLE x' | psql",
            "psqlx -c 'DROP TABLE x'",
        ] {
            assert_eq!(hits(line), Vec::<String>::new(), "{line}");
        }
    }

    #[test]
    fn long_prose_is_cut_short_in_messages() {
        let line = format!("dropdb {}", "x".repeat(200));
        let message = &scan(&line)[0].message;
        assert!(message.contains('…'), "{message}");
    }
}
