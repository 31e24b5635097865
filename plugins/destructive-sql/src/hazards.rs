//! The destructive commands this rule finds in files, as data: for each
//! command check, the literal words every command it reports contains.
//!
//! Documents are most of a repository and almost none of them hold such a
//! command, so before a document is split into lines or read as shell, one
//! literal search decides whether it could hold any: [`may_hold_hazard`],
//! built from [`HAZARDS`]. A README that only mentions `prisma generate`,
//! `prisma migrate dev` or `psql -c 'select …'` is done after a few SIMD
//! substring searches. The words are the table's, not a second list kept
//! by hand: the tests run every example through both the prefilter and
//! the scanner, and check the SQL keywords against every destructive
//! statement of PostgreSQL's regression suite.

use std::sync::OnceLock;

use memchr::memmem;

use crate::Check;

/// One kind of destructive command found in files.
#[derive(Debug)]
pub struct Hazard {
    /// Read by the tests, which hold the scanner to the table.
    #[cfg(test)]
    pub check: Check,
    /// Words every such command contains, matched exactly: command names
    /// and Prisma's subcommands and flags are case-sensitive. The word
    /// documents mention least comes first, so that most are ruled out by
    /// one search.
    pub words: &'static [&'static str],
    /// When not empty, the command also contains one of these, in any
    /// ASCII case: the SQL keywords of a statement on its command line.
    pub any_keyword: &'static [&'static str],
    /// Reported in documentation too. `pg_restore --clean` (a restore
    /// procedure) and `supabase db reset` (Supabase's local loop) are
    /// written in docs on purpose: only scripts that run them count.
    pub documents: bool,
    /// Lines the rule reports as this check.
    #[cfg(test)]
    pub examples: &'static [&'static str],
}

/// Every command check of [`crate::commands::scan`].
pub const HAZARDS: &[Hazard] = &[
    Hazard {
        #[cfg(test)]
        check: Check::MigrateReset,
        words: &["reset", "prisma", "migrate"],
        any_keyword: &[],
        documents: in_documents(Check::MigrateReset),
        #[cfg(test)]
        examples: &[
            "npx prisma migrate reset --force",
            "`pnpm dlx prisma@5.22.0 migrate reset`",
        ],
    },
    Hazard {
        #[cfg(test)]
        check: Check::DbPushForceReset,
        words: &["--force-reset", "prisma"],
        any_keyword: &[],
        documents: in_documents(Check::DbPushForceReset),
        #[cfg(test)]
        examples: &["bunx prisma db push --force-reset"],
    },
    Hazard {
        #[cfg(test)]
        check: Check::AcceptDataLoss,
        words: &["--accept-data-loss"],
        any_keyword: &[],
        documents: in_documents(Check::AcceptDataLoss),
        #[cfg(test)]
        examples: &[
            "npx prisma db push --accept-data-loss",
            "run it with --accept-data-loss",
        ],
    },
    Hazard {
        #[cfg(test)]
        check: Check::Dropdb,
        words: &["dropdb"],
        any_keyword: &[],
        documents: in_documents(Check::Dropdb),
        #[cfg(test)]
        examples: &["@dropdb --if-exists app_dev", "dropdb -h db -U app app"],
    },
    Hazard {
        #[cfg(test)]
        check: Check::PgRestoreClean,
        words: &["pg_restore"],
        any_keyword: &[],
        documents: in_documents(Check::PgRestoreClean),
        #[cfg(test)]
        examples: &[
            "pg_restore --clean -d app app.dump",
            "pg_restore -c -d app x",
        ],
    },
    Hazard {
        #[cfg(test)]
        check: Check::SupabaseDbReset,
        // `reset` first: documents without it (most) need no search for
        // `supabase`, since the reset hazard searched it already.
        words: &["reset", "supabase"],
        any_keyword: &[],
        documents: in_documents(Check::SupabaseDbReset),
        #[cfg(test)]
        examples: &["npx supabase db reset", "`supabase db reset --linked`"],
    },
    Hazard {
        #[cfg(test)]
        check: Check::PsqlDestructive,
        words: &["psql"],
        any_keyword: crate::sql::STATEMENT_KEYWORDS,
        documents: in_documents(Check::PsqlDestructive),
        #[cfg(test)]
        examples: &[
            "psql \"$DATABASE_URL\" -c 'TRUNCATE users'",
            "psql -c \"Drop Table accounts\"",
            "psql --command='delete from sessions'",
        ],
    },
];

/// Whether documentation is checked for `check` (see [`Hazard::documents`]).
pub const fn in_documents(check: Check) -> bool {
    !matches!(check, Check::PgRestoreClean | Check::SupabaseDbReset)
}

/// False when `text` cannot hold a command of any [`HAZARDS`] entry; true
/// when it may.
///
/// Each distinct word is searched for at most once, and a word that holds
/// a word already known to be absent (`--force-reset` holds `reset`) is
/// absent without a search: a typical document costs one pass per
/// distinct first word (`reset`, `--accept-data-loss`, `dropdb`, `psql`).
/// memchr's substring search uses WebAssembly SIMD (enabled for the
/// workspace's plugins in .cargo/config.toml); a scalar one-pass scan for
/// all the words at once was slower in the sandbox than these searches.
pub fn may_hold_hazard(text: &str, document: bool) -> bool {
    let bytes = text.as_bytes();
    let (words, finders) = searchers();
    let mut known: Vec<Option<bool>> = vec![None; words.len()];
    let mut has = |i: usize| -> bool {
        if let Some(found) = known.get(i).copied().flatten() {
            return found;
        }
        let word = words.get(i).copied().unwrap_or("");
        let implied_absent = words
            .iter()
            .zip(&known)
            .any(|(other, k)| *k == Some(false) && word.contains(other));
        let found = !implied_absent && finders.get(i).is_some_and(|f| f.find(bytes).is_some());
        if let Some(slot) = known.get_mut(i) {
            *slot = Some(found);
        }
        found
    };
    HAZARDS
        .iter()
        .filter(|h| h.documents || !document)
        .any(|hazard| {
            hazard
                .words
                .iter()
                .all(|word| words.iter().position(|w| w == word).is_some_and(&mut has))
                && (hazard.any_keyword.is_empty() || keyword_near(text, hazard))
        })
}

/// The rule's content filters: the host hands over a document (`documents`
/// globs) or script (`scripts`) only when it may hold a command of
/// [`HAZARDS`] (of those reported in documentation, for documents).
///
/// Each hazard contributes its first word, which every command it reports
/// holds; hazards with the same `any_keyword` share a filter, whose
/// `line_words` are those keywords (`psql` only on a line that says
/// `drop`, as [`may_hold_hazard`] asks). A word that holds another of its
/// filter (`--force-reset` holds `reset`) is left out. These are coarser
/// than [`may_hold_hazard`] (one word of several; keywords in any case
/// next to any case of the word), never finer: the rule still runs its own
/// prefilter on what it is handed.
pub fn filters(documents: &[&str], scripts: &[&str]) -> Vec<drift_sdk::TextFilter> {
    let mut out = Vec::new();
    for (globs, document) in [(documents, true), (scripts, false)] {
        let mut groups: Vec<(&[&str], Vec<&str>)> = Vec::new();
        for hazard in HAZARDS.iter().filter(|h| h.documents || !document) {
            let Some(&first) = hazard.words.first() else {
                continue;
            };
            match groups.iter_mut().find(|(k, _)| *k == hazard.any_keyword) {
                Some((_, words)) => words.push(first),
                None => groups.push((hazard.any_keyword, vec![first])),
            }
        }
        for (keywords, firsts) in groups {
            let mut words: Vec<&str> = Vec::new();
            for &word in &firsts {
                let covered = firsts.iter().any(|&o| o != word && word.contains(o));
                if !covered && !words.contains(&word) {
                    words.push(word);
                }
            }
            out.push(
                drift_sdk::TextFilter::new(globs.iter().copied(), words)
                    .on_line_with(keywords.iter().copied())
                    .ignore_ascii_case(!keywords.is_empty()),
            );
        }
    }
    out
}

/// The distinct words of [`HAZARDS`] and a searcher for each, built once:
/// building a searcher costs more than searching a typical document.
fn searchers() -> &'static (Vec<&'static str>, Vec<memmem::Finder<'static>>) {
    static SEARCHERS: OnceLock<(Vec<&'static str>, Vec<memmem::Finder<'static>>)> = OnceLock::new();
    SEARCHERS.get_or_init(|| {
        let mut words: Vec<&'static str> = Vec::new();
        for word in HAZARDS.iter().flat_map(|h| h.words.iter().copied()) {
            if !words.contains(&word) {
                words.push(word);
            }
        }
        let finders = words
            .iter()
            .map(|&word| memmem::Finder::new(word))
            .collect();
        (words, finders)
    })
}

/// True when a line that holds the hazard's first word also holds one of
/// its keywords, in any case: the scanner reads one line at a time, and
/// only these lines (a few per document) need lowering.
fn keyword_near(text: &str, hazard: &Hazard) -> bool {
    let Some(first) = hazard.words.first() else {
        return true;
    };
    memmem::find_iter(text.as_bytes(), first.as_bytes()).any(|at| {
        let start = text
            .get(..at)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(at..)
            .and_then(|a| a.find('\n'))
            .map_or(text.len(), |i| at + i);
        let line = text.get(start..end).unwrap_or("").to_ascii_lowercase();
        hazard
            .any_keyword
            .iter()
            .any(|keyword| line.contains(keyword))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::scan;
    use drift_sdk::Check as _;

    #[test]
    fn every_command_check_has_a_hazard() {
        // The command checks follow the ten SQL checks; some only the
        // guard reports.
        let in_files: Vec<Check> = Check::ALL[10..]
            .iter()
            .copied()
            .filter(|c| !crate::guard::COMMAND_ONLY.contains(c))
            .collect();
        let covered: Vec<Check> = HAZARDS.iter().map(|h| h.check).collect();
        assert_eq!(in_files, covered);
    }

    #[test]
    fn every_example_is_reported_and_passes_the_prefilter() {
        for hazard in HAZARDS {
            assert!(!hazard.examples.is_empty(), "{}", hazard.check);
            for example in hazard.examples {
                let checks: Vec<Check> = scan(example).into_iter().map(|h| h.check).collect();
                assert!(
                    checks.contains(&hazard.check),
                    "{example:?} is not reported as {}: {checks:?}",
                    hazard.check
                );
                assert!(may_hold_hazard(example, false), "{example:?}");
                assert!(passes_filter(example, false), "{example:?}");
                assert!(
                    passes_filter(example, true) || !hazard.documents,
                    "{example:?}"
                );
                assert_eq!(
                    may_hold_hazard(example, true),
                    hazard.documents,
                    "{example:?}"
                );
                // Each word of the hazard is needed: without it, the
                // example is no longer this hazard.
                for word in hazard.words {
                    let without = example.replace(word, "");
                    let checks: Vec<Check> = scan(&without).into_iter().map(|h| h.check).collect();
                    assert!(
                        !checks.contains(&hazard.check),
                        "{word:?} is not needed by {example:?}"
                    );
                }
            }
        }
    }

    /// What the host's content filters do with `text` in a document or a
    /// script.
    fn passes_filter(text: &str, document: bool) -> bool {
        let kind = if document { "D" } else { "S" };
        filters(&["D"], &["S"])
            .iter()
            .filter(|f| f.globs == [kind])
            .any(|f| f.admits_text(text))
    }

    /// The filters are the table's first words and keywords; a hazard
    /// whose first word no filter holds would never reach the rule.
    #[test]
    fn the_filters_come_from_the_table() {
        type Shown = (Vec<String>, Vec<String>, Vec<String>, bool);
        let shown: Vec<Shown> = filters(&["D"], &["S"])
            .into_iter()
            .map(|f| (f.globs, f.words, f.line_words, f.ignore_ascii_case))
            .collect();
        let v = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let keywords = v(crate::sql::STATEMENT_KEYWORDS);
        assert_eq!(
            shown,
            [
                (
                    v(&["D"]),
                    v(&["reset", "--accept-data-loss", "dropdb"]),
                    v(&[]),
                    false
                ),
                (v(&["D"]), v(&["psql"]), keywords.clone(), true),
                (
                    v(&["S"]),
                    v(&["reset", "--accept-data-loss", "dropdb", "pg_restore"]),
                    v(&[]),
                    false
                ),
                (v(&["S"]), v(&["psql"]), keywords, true),
            ]
        );
        for hazard in HAZARDS {
            for document in [false, true] {
                if document && !hazard.documents {
                    continue;
                }
                let line = hazard.words.join(" ") + " " + hazard.any_keyword.first().unwrap_or(&"");
                assert!(passes_filter(&line, document), "{line:?}");
            }
        }
    }

    /// The documents the prefilter skips, the host's filters skip too
    /// (the synthetic and real setup guides: `psql` with a `select`).
    #[test]
    fn harmless_documents_are_filtered_by_the_host() {
        for text in [
            "psql $DATABASE_URL -c 'select count(*) from users'",
            "Use psql to inspect the data.\nDrop nothing.",
            "npx prisma migrate dev",
        ] {
            assert!(!passes_filter(text, true), "{text:?}");
        }
    }

    #[test]
    fn harmless_documents_are_skipped() {
        for text in [
            "",
            "Run `npx prisma generate`, then `npx prisma migrate dev`.",
            "psql $DATABASE_URL -c 'select count(*) from users'",
            "Install @prisma/client and reset your password in settings.",
            "The dropdown resets.",
            "Use psql to inspect the data.\nprisma studio",
            "Read with psql.\nDrop nothing, truncate nothing.",
        ] {
            assert!(!may_hold_hazard(text, false), "{text:?}");
        }
    }

    /// The prefilter passes every line the scanner reports, on lines built
    /// from the scanner's own tests and from real SQL.
    #[test]
    fn the_prefilter_passes_whatever_the_scanner_reports() {
        let mut lines: Vec<String> = HAZARDS
            .iter()
            .flat_map(|h| h.examples.iter().map(|e| (*e).to_owned()))
            .collect();
        for sql in [
            "TRUNCATE t",
            "DELETE FROM t",
            "UPDATE t SET a = 1",
            "DROP SCHEMA s",
        ] {
            for form in [
                format!("psql -c '{sql}'"),
                format!("psql -c '{}'", sql.to_lowercase()),
                format!("psql --command=\"{sql}\""),
            ] {
                lines.push(form);
            }
        }
        for line in &lines {
            if !scan(line).is_empty() {
                assert!(may_hold_hazard(line, false), "{line:?}");
                assert!(passes_filter(line, false), "{line:?}");
            }
        }
    }

    /// Every statement the SQL checks report as an error, in PostgreSQL's
    /// regression suite, holds one of the statement keywords the
    /// prefilter looks for.
    #[test]
    fn statement_keywords_cover_the_regression_suite() {
        let Some(files) = drift_sdk::testing::pg_regress_files() else {
            return;
        };
        let mut errors = 0;
        for (rel, path) in files {
            let source = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let tree = drift_sdk::sql::parse(&source);
            for found in crate::sql::scan(&source, &tree) {
                if found.is_warning() {
                    continue;
                }
                errors += 1;
                let statement = found.statement_text(&source).to_ascii_lowercase();
                assert!(
                    crate::sql::STATEMENT_KEYWORDS
                        .iter()
                        .any(|k| statement.contains(k)),
                    "{rel}: {statement}"
                );
            }
        }
        assert!(errors >= 300, "only {errors} destructive statements");
    }
}
