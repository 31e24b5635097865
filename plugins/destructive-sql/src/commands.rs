//! The `migrate-reset`, `db-push-force-reset`, `accept-data-loss`, `dropdb`,
//! `pg-restore-clean`, `supabase-db-reset` and `psql-destructive` checks:
//! commands that wipe a database, found in one line of a script, a CI step,
//! a `package.json` script or Markdown.
//!
//! A command is found by its name as a whole word (`prisma`, `dropdb`,
//! `pg_restore`, `supabase`, `psql`), then its arguments are read as shell
//! words up to the next operator and handed to the hazard catalogue
//! ([`drift_sdk::hazard`]), which the guard asks too, so `npx prisma migrate reset --force && npm test` and
//! `` `npx prisma migrate reset` `` in Markdown both end where the command
//! ends. Names inside other words (`@prisma/client`, `schema.prisma`,
//! `pg_dropdb`) do not count.

use std::ops::Range;

use drift_sdk::hazard::Family;

use crate::one_line;
use crate::shell::{Word, command_words};

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

/// Package runners that may precede `prisma` (`npx prisma`, `npm exec --
/// prisma`, `pnpm dlx prisma`, `bunx prisma`...).
const RUNNERS: &[&str] = &["npx", "bunx", "pnpx", "pnpm", "yarn", "bun", "npm"];
const RUNNER_WORDS: &[&str] = &["exec", "dlx", "x", "--", "-y", "--yes", "--no-install"];

/// `dropdb` options that take a separate value (the value is not the
/// database name).
const DROPDB_VALUE_OPTIONS: &[&str] = &[
    "-h",
    "--host",
    "-p",
    "--port",
    "-U",
    "--username",
    "--maintenance-db",
];

/// Every destructive command on `line`, in order.
pub fn scan(line: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    // `--accept-data-loss` flags already reported with their prisma command.
    let mut claimed: Vec<usize> = Vec::new();
    // Commands the hazard catalogue recognises once their words are read:
    // Prisma's, `pg_restore --clean`, `supabase db reset`.
    for program in ["prisma", "pg_restore", "supabase"] {
        for at in occurrences(line, program, program == "prisma") {
            recognised(line, at, &mut hits, &mut claimed);
        }
    }
    for at in occurrences(line, "--accept-data-loss", false) {
        if !claimed.contains(&at) {
            let range = at..at + "--accept-data-loss".len();
            hits.push(Hit {
                check: crate::Check::AcceptDataLoss,
                range,
                message: format!("`--accept-data-loss` {}", Family::AcceptDataLoss.effect()),
                help: DATA_LOSS_HELP,
            });
        }
    }
    for at in occurrences(line, "dropdb", false) {
        dropdb(line, at, &mut hits);
    }
    for at in occurrences(line, "psql", false) {
        psql_command(line, at, &mut hits);
    }
    hits.sort_by_key(|h| (h.range.start, drift_sdk::Check::id(h.check)));
    hits
}

/// Start offsets of `name` as a whole command word in `line`.
fn occurrences<'a>(
    line: &'a str,
    name: &'a str,
    versioned: bool,
) -> impl Iterator<Item = usize> + 'a {
    line.match_indices(name)
        .map(|(at, _)| at)
        .filter(move |&at| starts_word(line, at) && ends_word(line, at + name.len(), versioned))
}

fn starts_word(line: &str, at: usize) -> bool {
    let before = line.get(..at).unwrap_or("");
    match before.chars().next_back() {
        None => true,
        Some(c) if c.is_whitespace() || "`\"'(=/:{[".contains(c) => true,
        // Make's recipe prefixes (`@dropdb x`, `-dropdb x`).
        Some('@' | '-' | '+') => before
            .trim_start()
            .chars()
            .all(|c| matches!(c, '@' | '-' | '+')),
        Some(_) => false,
    }
}

/// `versioned`: `prisma@5.22.0` is still the prisma command.
fn ends_word(line: &str, end: usize, versioned: bool) -> bool {
    let mut after = line.get(end..).unwrap_or("").chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '-' | '/') => false,
        // `prisma.config.ts`, `dropdb.sh`; a full stop ends a sentence.
        Some('.') => !after.next().is_some_and(char::is_alphanumeric),
        Some('@') => versioned,
        Some(_) => true,
    }
}

/// The quote right before `start`, if the command is written in quotes.
fn quote_before(line: &str, start: usize) -> Option<char> {
    line.get(..start)?
        .chars()
        .next_back()
        .filter(|c| matches!(c, '"' | '\''))
}

/// The command as shown in a message.
pub(crate) fn shown(line: &str, range: &Range<usize>) -> String {
    one_line(line.get(range.clone()).unwrap_or(""))
}

/// Where the command that runs `prisma` at `at` starts: at a package
/// runner right before it (`npx`, `pnpm dlx`, `npm exec --`), else at
/// `prisma` itself.
fn runner_start(line: &str, at: usize) -> usize {
    let before = line.get(..at).unwrap_or("");
    let mut start = at;
    let mut cursor = before.trim_end();
    while let Some((rest, word)) = last_word(cursor) {
        if !RUNNER_WORDS.contains(&word) {
            // Quotes and inline code before the runner, Make's `@` prefix.
            let bare = word.trim_start_matches(['`', '"', '\'', '(', '@', '-', '+']);
            if !RUNNERS.contains(&bare) {
                break;
            }
            start = rest.len() + (word.len() - bare.len());
        }
        cursor = rest.trim_end();
    }
    start
}

/// Splits `text` into everything before its last whitespace-separated word
/// and that word.
fn last_word(text: &str) -> Option<(&str, &str)> {
    if text.is_empty() {
        return None;
    }
    let split = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some((text.get(..split)?, text.get(split..)?))
}

/// End of the word at `index`, extended over the flags right after it
/// (`prisma migrate reset --force --skip-seed`), without the full stop of
/// a sentence in prose.
fn end_with_flags(line: &str, words: &[Word], index: usize) -> usize {
    let Some(last) = words
        .iter()
        .skip(index)
        .enumerate()
        .take_while(|(i, w)| *i == 0 || w.is_flag())
        .map(|(_, w)| w)
        .last()
    else {
        return 0;
    };
    // The quote that closes a quoted command (`run: "npx prisma migrate
    // reset"`) opens a new one for the shell reader: it is not part of the
    // command, nor is the full stop of a sentence.
    let raw = line.get(last.range.clone()).unwrap_or("");
    let unquoted = if last.text.ends_with(['"', '\'']) {
        raw
    } else {
        raw.trim_end_matches(['"', '\''])
    };
    let punctuation = last.text.get(last.bare().len()..).unwrap_or("");
    let kept = unquoted.strip_suffix(punctuation).unwrap_or(unquoted);
    last.range.start + kept.len()
}

/// The destructive commands the catalogue recognises in the command that
/// runs the program named at `at` (its runner included).
fn recognised(line: &str, at: usize, hits: &mut Vec<Hit>, claimed: &mut Vec<usize>) {
    let start = runner_start(line, at);
    let words = command_words(line, at, quote_before(line, start));
    let Some(last) = words.last() else {
        return;
    };
    // In prose the words carry a sentence's punctuation (`reset.`).
    let command = drift_sdk::shell::Command {
        words: words
            .iter()
            .map(|w| drift_sdk::shell::Word {
                text: w.bare().to_owned(),
                range: w.range.clone(),
            })
            .collect(),
        range: start..last.range.end,
        ..Default::default()
    };
    for hazard in drift_sdk::hazard::recognise(&command) {
        let Some(check) = crate::Check::of_family(hazard.family) else {
            continue;
        };
        if hazard.family == Family::AcceptDataLoss
            && let Some(word) = words.get(hazard.word)
        {
            claimed.push(word.range.start);
        }
        // Prisma's commands end with their subcommand's flags (later words
        // may be prose); the others run to the end of the command.
        let through = if hazard.family.is_prisma() {
            hazard.word
        } else {
            words.len() - 1
        };
        let range = start..end_with_flags(line, &words, through);
        hits.push(Hit {
            check,
            message: format!("`{}` {}", shown(line, &range), hazard.family.effect()),
            range,
            help: help(hazard.family),
        });
    }
}

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

fn dropdb(line: &str, at: usize, hits: &mut Vec<Hit>) {
    let words = command_words(line, at, quote_before(line, at));
    // The command ends with its one positional argument, the database.
    let mut end = at + "dropdb".len();
    let mut expects_value = false;
    for word in words.iter().skip(1) {
        end = word.range.end;
        if expects_value {
            expects_value = false;
        } else if word.is_flag() {
            expects_value = DROPDB_VALUE_OPTIONS.contains(&word.text.as_str());
        } else {
            break;
        }
    }
    let range = at..end;
    hits.push(Hit {
        check: crate::Check::Dropdb,
        message: format!("`{}` {}", shown(line, &range), Family::Dropdb.effect()),
        range,
        help: DROPDB_HELP,
    });
}

/// `psql ... -c "<sql>"` (also `--command <sql>`, `--command=<sql>` and
/// `-c<sql>`): one hit per destructive `-c` argument.
fn psql_command(line: &str, at: usize, hits: &mut Vec<Hit>) {
    let words = command_words(line, at, quote_before(line, at));
    let mut iter = words.iter().skip(1);
    while let Some(word) = iter.next() {
        let text = word.text.as_str();
        let (sql, end) = if text == "-c" || text == "--command" {
            match iter.next() {
                Some(arg) => (arg.text.as_str(), arg.range.end),
                None => break,
            }
        } else if let Some(sql) = text.strip_prefix("--command=") {
            (sql, word.range.end)
        } else if let Some(sql) = text.strip_prefix("-c")
            && !sql.is_empty()
        {
            (sql, word.range.end)
        } else {
            continue;
        };
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
