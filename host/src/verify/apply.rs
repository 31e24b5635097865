//! Sending a migration file to PostgreSQL the way its tool does, and
//! turning what PostgreSQL answers into positions in the file.
//!
//! A Prisma `migration.sql` goes as one simple-protocol script (Prisma's
//! engine does that: one implicit transaction, so a failure undoes the whole
//! file and a lone `CREATE INDEX CONCURRENTLY` works); a hand-written file
//! goes either the same way (`prisma db execute --file`, a runner that
//! wraps files in a transaction) or statement by statement in autocommit
//! (`psql -f`), cut by [`drift_syntax::script`].

use std::io::Write;
use std::ops::Range;

use drift_syntax::script::{self, Piece};
use postgres::Client;
use postgres::error::ErrorPosition;

/// How a file is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The whole file in one simple query (one implicit transaction).
    Script,
    /// Each statement on its own, in autocommit, going on after a failure
    /// (`psql -f` without `ON_ERROR_STOP`).
    Statements,
}

/// What PostgreSQL said about a statement that failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Where in the file: the error's position when PostgreSQL gave one,
    /// else the failing statement's start.
    pub at: usize,
    /// The failing statement, when known.
    pub statement: Option<Range<usize>>,
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// Not PostgreSQL's: a psql meta-command the run could not follow.
    pub meta: Option<String>,
}

impl Failure {
    fn from_error(text: &str, base: Range<usize>, error: &postgres::Error) -> Self {
        let Some(db) = error.as_db_error() else {
            return Self {
                at: base.start,
                statement: Some(base),
                code: String::new(),
                message: error.to_string(),
                detail: None,
                hint: None,
                meta: None,
            };
        };
        let stmt = &text[base.clone()];
        let at = match db.position() {
            Some(ErrorPosition::Original(position)) => char_offset(stmt, *position),
            Some(ErrorPosition::Internal { position, query }) => stmt
                .find(query.as_str())
                .and_then(|start| Some(start + char_offset(&stmt[start..], *position)?)),
            None => None,
        }
        .or_else(|| plpgsql_line(stmt, db.where_()))
        .map_or(base.start, |offset| base.start + offset);
        Self {
            at,
            statement: Some(base),
            code: db.code().code().to_owned(),
            message: db.message().to_owned(),
            detail: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
            meta: None,
        }
    }

    /// True when the failure says an object is missing: what an earlier
    /// failure (or a missing extension) leaves behind.
    pub fn is_missing_object(&self) -> bool {
        matches!(
            self.code.as_str(),
            "42P01" | "42703" | "42704" | "42883" | "3F000" | "42P02" | "42602"
        )
    }
}

/// The byte offset of the 1-based character `position` of `text`.
fn char_offset(text: &str, position: u32) -> Option<usize> {
    let index = usize::try_from(position).ok()?.checked_sub(1)?;
    text.char_indices().nth(index).map(|(at, _)| at)
}

/// An error inside a `DO` block or function body comes with its line in
/// the body (`PL/pgSQL function inline_code_block line 3 at …`): the offset
/// of that line's first character in `stmt`.
fn plpgsql_line(stmt: &str, where_: Option<&str>) -> Option<usize> {
    // The outermost frame is the statement's own body; an inner frame
    // (a function it calls) has lines of another body.
    let frame = where_?.lines().last()?;
    if !(frame.contains("inline_code_block") || frame.starts_with("compilation of PL/pgSQL")) {
        return None;
    }
    let line: usize = frame
        .rsplit(" line ")
        .next()?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    // The body is the first dollar-quoted string of the statement.
    let open = script::dollar_body(stmt)?;
    let mut at = open;
    for _ in 1..line {
        at += stmt[at..].find('\n')? + 1;
    }
    let indent = stmt[at..].len() - stmt[at..].trim_start_matches([' ', '\t']).len();
    Some(at + indent)
}

/// Where a file is applied: on its own (what a deploy does), or inside a
/// transaction the caller rolls back afterwards (a re-run that must leave
/// nothing behind), where each statement or script gets a savepoint so a
/// failure undoes only itself, as it would in autocommit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    Autocommit,
    Transaction,
}

/// True when `text` can run inside a transaction that is rolled back
/// afterwards with the same outcome as on its own: no transaction control
/// of its own, nothing PostgreSQL refuses inside a transaction block.
pub fn rollback_safe(text: &str) -> bool {
    script::statements(text).iter().all(|range| {
        let head: Vec<String> = text[range.clone()]
            .split_whitespace()
            .take(4)
            .map(|w| w.trim_end_matches(';').to_ascii_lowercase())
            .collect();
        let first = head.first().map_or("", String::as_str);
        let second = head.get(1).map_or("", String::as_str);
        let control = matches!(
            first,
            "begin" | "commit" | "end" | "rollback" | "savepoint" | "release" | "abort" | "vacuum"
        ) || (first == "start" && second == "transaction");
        let outside_only = head
            .iter()
            .any(|w| w == "concurrently" || w == "database" || w == "tablespace" || w == "system");
        !control && !outside_only
    })
}

/// Applies `text` with `mode`; the failures, in file order.
pub fn apply(client: &mut Client, text: &str, mode: Mode, within: Within) -> Vec<Failure> {
    let pieces = script::split(text);
    let has_copy = pieces.iter().any(|p| matches!(p, Piece::CopyData(_)));
    // `COPY … FROM stdin` needs the data streamed after it: only possible
    // statement by statement.
    if mode == Mode::Script && !has_copy {
        return apply_script(client, text, &pieces, within);
    }
    let metas: Vec<Range<usize>> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Meta { range, name } if name != "gexec" => Some(range.clone()),
            _ => None,
        })
        .collect();
    let mut failures = Vec::new();
    let mut pieces = pieces.into_iter().peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Statement(range) => {
                let data = match pieces.peek() {
                    Some(Piece::CopyData(data)) => Some(data.clone()),
                    _ => None,
                };
                if data.is_some() {
                    pieces.next();
                }
                // `\gexec` runs the statement and then each value it
                // returns, as psql does.
                let gexec =
                    matches!(pieces.peek(), Some(Piece::Meta { name, .. }) if name == "gexec");
                if gexec {
                    pieces.next();
                }
                let sql = without_meta(text, range.clone(), &metas);
                let result = in_savepoint(client, within, &mut |client| match &data {
                    Some(data) => copy_in(client, &sql, &text[data.clone()]),
                    None if gexec => run_gexec(client, &sql),
                    None if is_copy_out(&sql) => copy_out(client, &sql),
                    None => client.batch_execute(&sql),
                });
                if let Err(error) = result {
                    failures.push(Failure::from_error(text, range, &error));
                }
            }
            Piece::Meta { range, name } => failures.push(meta_failure(range, &name)),
            Piece::CopyData(_) => {}
        }
    }
    failures
}

/// The statement at `range` with the meta-commands inside it blanked
/// (psql keeps them out of the query buffer; positions are kept).
fn without_meta(text: &str, range: Range<usize>, metas: &[Range<usize>]) -> String {
    let mut sql = text[range.clone()].to_owned();
    for meta in metas
        .iter()
        .filter(|m| m.start >= range.start && m.end <= range.end)
    {
        let local = meta.start - range.start..meta.end - range.start;
        sql.replace_range(local.clone(), &" ".repeat(local.len()));
    }
    sql
}

/// `SELECT … \gexec`: the query, then every non-null value of its result
/// as a statement of its own.
fn run_gexec(client: &mut Client, sql: &str) -> Result<(), postgres::Error> {
    let rows = client.simple_query(sql)?;
    for message in rows {
        if let postgres::SimpleQueryMessage::Row(row) = message {
            for i in 0..row.len() {
                if let Some(statement) = row.get(i) {
                    client.batch_execute(statement)?;
                }
            }
        }
    }
    Ok(())
}

/// `COPY … TO STDOUT` (psql prints the rows; nothing changes).
fn is_copy_out(sql: &str) -> bool {
    let lower = sql.trim_start().to_ascii_lowercase();
    lower.starts_with("copy")
        && lower
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == "to" && w[1] == "stdout")
}

fn copy_out(client: &mut Client, sql: &str) -> Result<(), postgres::Error> {
    use std::io::Read;
    let mut reader = client.copy_out(sql)?;
    let mut sink = Vec::new();
    // A read error ends the copy; PostgreSQL's error comes with it.
    let _ = reader.read_to_end(&mut sink);
    Ok(())
}

fn meta_failure(range: Range<usize>, name: &str) -> Failure {
    Failure {
        at: range.start,
        statement: Some(range),
        code: String::new(),
        message: String::new(),
        detail: None,
        hint: None,
        meta: Some(name.to_owned()),
    }
}

/// Streams `COPY … FROM stdin` data (the `\.` line is psql's end marker,
/// not data).
fn copy_in(client: &mut Client, statement: &str, data: &str) -> Result<(), postgres::Error> {
    let data = data
        .strip_suffix("\\.\n")
        .or_else(|| data.strip_suffix("\\.\r\n"))
        .or_else(|| data.strip_suffix("\\."))
        .unwrap_or(data);
    let mut writer = client.copy_in(statement)?;
    // A write error surfaces again at `finish`, with PostgreSQL's message.
    let _ = writer.write_all(data.as_bytes());
    writer.finish().map(drop)
}

/// Runs `run`; inside a transaction, under a savepoint, so that a failure
/// undoes only what `run` did. A savepoint that cannot be set is `run`'s
/// failure: never a clean result that was not checked.
fn in_savepoint(
    client: &mut Client,
    within: Within,
    run: &mut dyn FnMut(&mut Client) -> Result<(), postgres::Error>,
) -> Result<(), postgres::Error> {
    if within == Within::Autocommit {
        return run(client);
    }
    client.batch_execute("SAVEPOINT drift_verify")?;
    let result = run(client);
    let end = if result.is_ok() {
        "RELEASE SAVEPOINT drift_verify"
    } else {
        "ROLLBACK TO SAVEPOINT drift_verify"
    };
    let _ = client.batch_execute(end);
    result
}

/// The whole file in one simple query. PostgreSQL points at the failing
/// character when it can; otherwise the failing statement is found by
/// running the statements one by one in a transaction that is rolled back.
fn apply_script(client: &mut Client, text: &str, pieces: &[Piece], within: Within) -> Vec<Failure> {
    let mut failures: Vec<Failure> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Meta { range, name } => Some(meta_failure(range.clone(), name)),
            _ => None,
        })
        .collect();
    // Meta-commands are blanked (positions kept): the server never sees
    // them, as psql would not send them.
    let mut sent = text.to_owned();
    for piece in pieces {
        if let Piece::Meta { range, .. } = piece {
            sent.replace_range(range.clone(), &" ".repeat(range.len()));
        }
    }
    let result = in_savepoint(client, within, &mut |client| {
        client.batch_execute(&sent)?;
        if within == Within::Transaction {
            // On its own the script's transaction would end here, checking
            // its deferred constraints.
            client.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
        }
        Ok(())
    });
    let Err(error) = result else {
        return failures;
    };
    let whole = 0..text.len();
    let has_position = error
        .as_db_error()
        .is_some_and(|db| matches!(db.position(), Some(ErrorPosition::Original(_))));
    let mut failure = Failure::from_error(&sent, whole, &error);
    failure.statement = None;
    if !has_position && let Some(range) = locate(client, &sent, pieces, within) {
        failure = Failure::from_error(&sent, range.clone(), &error);
        failure.at = failure.at.max(range.start);
    } else if let Some(range) = pieces.iter().find_map(|p| match p {
        Piece::Statement(r) if r.contains(&failure.at) => Some(r.clone()),
        _ => None,
    }) {
        failure.statement = Some(range);
    }
    failures.push(failure);
    failures.sort_by_key(|f| f.at);
    failures
}

/// The statement of `text` that fails when they run one by one inside a
/// transaction that is then rolled back (a script that commits by itself
/// is not replayed: its statement stays unknown).
fn locate(
    client: &mut Client,
    text: &str,
    pieces: &[Piece],
    within: Within,
) -> Option<Range<usize>> {
    let statements: Vec<&Range<usize>> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Statement(r) => Some(r),
            _ => None,
        })
        .collect();
    let commits = statements.iter().any(|r| {
        let head = text[(*r).clone()].trim_start().to_ascii_lowercase();
        ["commit", "end", "rollback", "begin", "start transaction"]
            .iter()
            .any(|w| head.starts_with(w))
    });
    if commits {
        return None;
    }
    let (open, close) = match within {
        Within::Autocommit => ("BEGIN", "ROLLBACK"),
        Within::Transaction => (
            "SAVEPOINT drift_locate",
            "ROLLBACK TO SAVEPOINT drift_locate",
        ),
    };
    client.batch_execute(open).ok()?;
    let mut found = None;
    for range in statements {
        if client.batch_execute(&text[range.clone()]).is_err() {
            found = Some(range.clone());
            break;
        }
    }
    let _ = client.batch_execute(close);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(char_offset("SELECT é, x", 11), Some(11));
        assert_eq!(char_offset("abc", 0), None);
        let stmt = "DO $$\nBEGIN\n    PERFORM nope();\nEND $$";
        let at = plpgsql_line(
            stmt,
            Some("PL/pgSQL function inline_code_block line 3 at PERFORM"),
        );
        assert_eq!(at.map(|a| &stmt[a..a + 7]), Some("PERFORM"));
        // A function the block calls failed at its own line 9: the
        // block's line is the outermost frame.
        let nested = "PL/pgSQL function inner_fn() line 9 at RAISE\nSQL statement \"SELECT inner_fn()\"\nPL/pgSQL function inline_code_block line 3 at PERFORM";
        let at = plpgsql_line(stmt, Some(nested));
        assert_eq!(at.map(|a| &stmt[a..a + 7]), Some("PERFORM"));
        // A trigger's line is in another body.
        assert_eq!(
            plpgsql_line(
                "INSERT INTO t VALUES ('costs $5 or $6')",
                Some("PL/pgSQL function trg() line 4 at RAISE")
            ),
            None
        );
    }
}
