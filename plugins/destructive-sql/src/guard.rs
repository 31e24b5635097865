//! The command checks behind `drift-host guard`: the same hazards as in
//! scripts and documentation, judged on one command line about to run.
//!
//! The line is split into simple commands by [`drift_sdk::shell`], which
//! peels wrappers (`npx`, `npm exec`, `pnpm`, `yarn`, `bunx`, `sh -c`,
//! `env X=y`, `sudo`...) and splits chains (`&&`, `;`, `|`, subshells), so
//! each check looks at the program and its own arguments, never at a
//! string that only mentions a command (`echo "prisma migrate reset"`).
//!
//! SQL handed to `psql` (`-c`, here-documents, here-strings, `echo ... |`)
//! and to `prisma db execute --stdin` is parsed with the same PostgreSQL
//! parser the host uses for migration files (in the component, by the host
//! through `drift_sdk::sql::parse`) and judged by the same analysis
//! ([`crate::sql::scan`]): a `DROP TABLE` inside a string literal or a
//! comment is not a statement.
//!
//! `prisma migrate dev` and `migrate deploy` are checked against the
//! database they would change: the URL comes from the command's own
//! assignments, then the guarded process's environment, then the `.env`
//! files Prisma reads, under the variable the schema's `datasource` names
//! (`env("DATABASE_URL")` by default). A host that is not local (see the
//! `local-hosts` option) blocks; an unknown URL does not (Prisma itself
//! stops when it has none), but a URL the guard cannot read (a shell
//! variable, an unparsable value) does.

use std::ops::Range;

use drift_sdk::shell::{self, Command, Word};
use drift_sdk::{CommandFinding, CommandInput, CommandNeeds, Severity};

use crate::Options;
use crate::commands::shown;

/// Files Prisma reads the database URL from, the schemas that name the
/// variable, and the `package.json` whose scripts `npm run` runs: handed
/// to the check by the host.
const FILES: &[&str] = &[
    ".env",
    "prisma/.env",
    "prisma/schema.prisma",
    "schema.prisma",
    "package.json",
    // Prisma 7 names the URL in its config, not in the schema.
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.js",
    "prisma.config.mjs",
    "prisma.config.cts",
    "prisma.config.cjs",
    ".config/prisma.ts",
    ".config/prisma.mts",
    ".config/prisma.cts",
    ".config/prisma.js",
    ".config/prisma.mjs",
    ".config/prisma.cjs",
];

/// Checks only commands can trigger (files run no migrations of their own).
#[cfg(test)]
pub const COMMAND_ONLY: &[crate::Check] = &[
    crate::Check::DbExecuteDestructive,
    crate::Check::RemoteMigrate,
];

/// How deep `npm run a` → script `a` → `npm run b` → ... is followed.
const MAX_SCRIPT_DEPTH: usize = 4;

const MIGRATE_RESET_HELP: &str = "ask the user: resetting drops every table; on a disposable local database they can run it themselves";
const FORCE_RESET_HELP: &str = "use `prisma migrate dev` (which asks before losing data) or ask the user to reset a disposable database themselves";
const DATA_LOSS_HELP: &str = "create the migration with `prisma migrate dev --create-only`, review what it drops, and let the user apply it";
const DROPDB_HELP: &str =
    "ask the user: dropping a database loses everything in it; back it up first (`pg_dump`)";
const SQL_HELP: &str =
    "put the change in a reviewed migration, or ask the user to run it after a backup";
const REMOTE_HELP: &str = "run migrations against a local database (set DATABASE_URL to one); deploying to shared databases is for CI or a human";

/// What the check needs: the URL variables and the files Prisma reads.
pub fn needs(options: &Options) -> CommandNeeds {
    CommandNeeds::default()
        .env(options.url_variables.iter().cloned())
        .files(FILES.iter().copied())
}

/// Every finding for `input`'s command line.
pub fn check(input: &CommandInput, options: &Options) -> Vec<CommandFinding> {
    check_line(input, options, &input.command, 0)
}

/// The findings for one command line (the input's, or a script's text),
/// with ranges in `line`.
fn check_line(
    input: &CommandInput,
    options: &Options,
    line: &str,
    depth: usize,
) -> Vec<CommandFinding> {
    let commands = shell::commands(line);
    let mut out = Vec::new();
    for command in &commands {
        let Some(program) = command.program() else {
            continue;
        };
        // Help is not action: `dropdb --help` drops nothing.
        if command.asks_for_help() {
            continue;
        }
        if let Some((name, script)) = package_script(input, command) {
            if depth < MAX_SCRIPT_DEPTH {
                let written = shown(line, &command.range);
                for inner in check_line(input, options, &script, depth + 1) {
                    out.push(CommandFinding {
                        range: command.range.clone(),
                        message: format!(
                            "`{written}` runs the package.json script `{name}`: {}",
                            inner.message
                        ),
                        ..inner
                    });
                }
            }
            continue;
        }
        match shell::basename(program) {
            "prisma" => prisma(input, line, &commands, command, options, &mut out),
            "dropdb" => out.push(
                CommandFinding::new(
                    crate::Check::Dropdb,
                    command.range.clone(),
                    format!(
                        "`{}` drops a whole database with all its data",
                        shown(line, &command.range)
                    ),
                )
                .help(DROPDB_HELP),
            ),
            "psql" => {
                for (sql, range) in psql_sql(&commands, command) {
                    destructive_sql(&sql, range, crate::Check::PsqlDestructive, "psql", &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// `npm run X` (also `run-script`, `pnpm`/`yarn`/`bun run X`, and `yarn X`
/// / `pnpm X` / `bun X` naming a script): the script's name and command
/// from the repository's package.json.
fn package_script(input: &CommandInput, command: &Command) -> Option<(String, String)> {
    let runner = command.program().map(shell::basename)?;
    let args = command.args();
    let name = match runner {
        "npm" | "pnpm" | "yarn" | "bun" => {
            let mut positional = args.iter().filter(|w| !w.text.starts_with('-'));
            match positional.next()?.text.as_str() {
                "run" | "run-script" => positional.next()?.text.clone(),
                _ => return None,
            }
        }
        // `yarn db:reset`: the shell module peeled `yarn` as a runner of
        // the binary `db:reset`; a script of that name is what yarn runs.
        other
            if command
                .wrappers
                .last()
                .is_some_and(|w| matches!(w.as_str(), "yarn" | "pnpm" | "bun")) =>
        {
            other.to_owned()
        }
        _ => return None,
    };
    let text = input.file_text("package.json")?;
    let script = crate::package_json::scripts(text)
        .into_iter()
        .find(|s| s.name == name)?;
    Some((name, script.command))
}

fn prisma(
    input: &CommandInput,
    line: &str,
    commands: &[Command],
    command: &Command,
    options: &Options,
    out: &mut Vec<CommandFinding>,
) {
    let args = command.args();
    let positional: Vec<&str> = args
        .iter()
        .filter(|w| !w.text.starts_with('-'))
        .map(|w| w.text.as_str())
        .collect();
    let flag = |name: &str| args.iter().find(|w| w.text == name);
    let range = command.range.clone();
    let written = shown(line, &range);
    match positional.as_slice() {
        ["migrate", "reset", ..] => out.push(
            CommandFinding::new(
                crate::Check::MigrateReset,
                range.clone(),
                format!("`{written}` drops the database and recreates it: all data is lost"),
            )
            .help(MIGRATE_RESET_HELP),
        ),
        ["db", "push", ..] if flag("--force-reset").is_some() => out.push(
            CommandFinding::new(
                crate::Check::DbPushForceReset,
                range.clone(),
                format!("`{written}` drops every table and recreates the schema: all data is lost"),
            )
            .help(FORCE_RESET_HELP),
        ),
        ["migrate", sub @ ("dev" | "deploy"), ..] => {
            match remote_database(input, command, options) {
                Remote::No => {}
                Remote::Yes(problem) => out.push(
                    CommandFinding::new(
                        crate::Check::RemoteMigrate,
                        range.clone(),
                        format!("`prisma migrate {sub}` would change {problem}"),
                    )
                    .help(REMOTE_HELP),
                ),
                Remote::Unseen(variable) => out.push(
                    CommandFinding::new(
                        crate::Check::RemoteMigrate,
                        range.clone(),
                        format!(
                            "the schema reads the database URL from `{variable}`, which the guard \
                             is not given, so it cannot tell which database `prisma migrate {sub}` \
                             would change"
                        ),
                    )
                    .severity(Severity::Warning)
                    .help(format!(
                        "add \"{variable}\" to `url-variables` in [rules.destructive-sql]"
                    )),
                ),
            }
        }
        ["db", "execute", ..] => {
            let stdin = flag("--stdin").is_some();
            if stdin {
                for (sql, range) in stdin_sql(commands, command) {
                    destructive_sql(
                        &sql,
                        range,
                        crate::Check::DbExecuteDestructive,
                        "prisma db execute",
                        out,
                    );
                }
            }
        }
        _ => {}
    }
    if let Some(loss) = flag("--accept-data-loss") {
        out.push(
            CommandFinding::new(
                crate::Check::AcceptDataLoss,
                loss.range.clone(),
                format!(
                    "`{written}` lets Prisma drop columns and tables that hold data without asking"
                ),
            )
            .help(DATA_LOSS_HELP),
        );
    }
}

/// The SQL a `psql` command runs that the guard can see: each `-c`
/// argument, its here-document or here-string, and what `echo`/`printf`
/// or a here-document pipes into it. Ranges are where the SQL is written.
fn psql_sql(commands: &[Command], command: &Command) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    let mut args = command.args().iter();
    while let Some(word) = args.next() {
        let text = word.text.as_str();
        if text == "-c" || text == "--command" {
            if let Some(sql) = args.next() {
                found.push((sql.text.clone(), sql.range.clone()));
            }
        } else if let Some(sql) = text.strip_prefix("--command=") {
            found.push((sql.to_owned(), word.range.clone()));
        } else if let Some(sql) = text.strip_prefix("-c")
            && !sql.is_empty()
            && !text.starts_with("--")
        {
            found.push((sql.to_owned(), word.range.clone()));
        }
    }
    found.extend(stdin_sql(commands, command));
    found
}

/// What reaches the command's stdin, when the line shows it.
fn stdin_sql(commands: &[Command], command: &Command) -> Vec<(String, Range<usize>)> {
    if let Some(stdin) = &command.stdin {
        return vec![(stdin.text.clone(), stdin.range.clone())];
    }
    let Some(source) = command.piped_from.and_then(|i| commands.get(i)) else {
        return Vec::new();
    };
    if let Some(stdin) = &source.stdin {
        // `cat <<SQL ... SQL | psql`
        return vec![(stdin.text.clone(), stdin.range.clone())];
    }
    match source.program().map(shell::basename) {
        Some("echo" | "printf") => {
            let words: Vec<&Word> = source
                .args()
                .iter()
                .skip_while(|w| w.text.starts_with('-'))
                .collect();
            match (words.first(), words.last()) {
                (Some(first), Some(last)) => vec![(
                    words
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    first.range.start..last.range.end,
                )],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Parses `sql` and reports each destructive statement at `range`.
fn destructive_sql(
    sql: &str,
    range: Range<usize>,
    check: crate::Check,
    runner: &str,
    out: &mut Vec<CommandFinding>,
) {
    for found in crate::sql::scan_text(sql) {
        let statement = found.statement_text(sql);
        let mut finding = CommandFinding::new(
            check,
            range.clone(),
            format!(
                "`{runner}` would run `{statement}` ({}): {}",
                found.check, found.message
            ),
        )
        .help(SQL_HELP);
        if found.is_warning() {
            finding = finding.severity(Severity::Warning);
        }
        out.push(finding);
    }
}

/// Whether a migration would reach a database that is not local.
enum Remote {
    /// Local, or no URL anywhere (Prisma itself stops then).
    No,
    /// Not local, or unreadable: why.
    Yes(String),
    /// The schema's variable is not among those the guard is given.
    Unseen(String),
}

fn remote_database(input: &CommandInput, command: &Command, options: &Options) -> Remote {
    // Read once: it parses the config and the schema, on the hook's path.
    let source = url_source(input, command, options);
    let Some((name, url, from)) = database_url(input, command, &source) else {
        let UrlSource::Variable(variable) = source else {
            return Remote::No;
        };
        let seen = options.url_variables.contains(&variable)
            || command.env.iter().any(|(n, _)| *n == variable);
        return if seen {
            Remote::No
        } else {
            Remote::Unseen(variable)
        };
    };
    match url_host(&url) {
        Host::Local => Remote::No,
        Host::Named(host) if is_local(&host, &options.local_hosts) => Remote::No,
        Host::Named(host) => Remote::Yes(format!(
            "the database at `{host}` ({name} from {from}), which is not a local database"
        )),
        Host::Unknown => Remote::Yes(format!(
            "the database {name} names ({from}), and the guard cannot tell whether it is local"
        )),
    }
}

/// Where the URL migrate uses comes from: a variable, or a literal the
/// Prisma config writes.
enum UrlSource {
    Variable(String),
    Literal { value: String, from: String },
}

/// The URL migrate uses: the Prisma config's `datasource` (`directUrl`,
/// else `url`; the config `--config` names when the host handed it over,
/// which it does for the default places only), else the schema's
/// (`directUrl = env("...")`, else `url`), else the first of
/// `url-variables`.
fn url_source(input: &CommandInput, command: &Command, options: &Options) -> UrlSource {
    use drift_sdk::prisma_config::{self, UrlSource as Config};
    let flag = |name: &str| {
        command
            .flag_value(name)
            .and_then(|p| drift_sdk::paths::resolve("", p))
    };
    // An explicit `--config` replaces the default places, even when the
    // host did not hand it over (then the schema decides).
    let config_paths: Vec<String> = match flag("--config") {
        Some(path) => vec![path],
        None => FILES
            .iter()
            .filter(|f| prisma_config::is_prisma_config(f))
            .map(|f| (*f).to_owned())
            .collect(),
    };
    for path in &config_paths {
        let Some(text) = input.file_text(path) else {
            continue;
        };
        let urls = prisma_config::read(path, text).urls;
        match urls.direct_url.or(urls.url) {
            Some(Config::Env(name)) => return UrlSource::Variable(name),
            Some(Config::Literal(value)) => {
                return UrlSource::Literal {
                    value,
                    from: path.clone(),
                };
            }
            None => {}
        }
    }
    let schema = flag("--schema")
        .as_deref()
        .and_then(|p| input.file_text(p))
        .or_else(|| input.file_text("prisma/schema.prisma"))
        .or_else(|| input.file_text("schema.prisma"));
    UrlSource::Variable(
        schema
            .and_then(url_variable)
            .or_else(|| options.url_variables.first().cloned())
            .unwrap_or_else(|| "DATABASE_URL".to_owned()),
    )
}

/// The URL `source` names, its value and where it came from.
fn database_url(
    input: &CommandInput,
    command: &Command,
    source: &UrlSource,
) -> Option<(String, String, String)> {
    let variable = match source {
        UrlSource::Variable(name) => name.clone(),
        UrlSource::Literal { value, from } => {
            return Some(("datasource.url".to_owned(), value.clone(), from.clone()));
        }
    };
    if let Some((_, value)) = command.env.iter().rev().find(|(n, _)| *n == variable) {
        return Some((variable, value.clone(), "the command line".to_owned()));
    }
    if let Some(value) = input.var(&variable) {
        return Some((variable, value.to_owned(), "the environment".to_owned()));
    }
    for path in [".env", "prisma/.env"] {
        if let Some(value) = input.file_text(path).and_then(|t| dotenv(t, &variable)) {
            return Some((variable, value, path.to_owned()));
        }
    }
    None
}

/// `X` of the first datasource's `directUrl = env("X")` (what migrate
/// connects with), else of its `url = env("X")`.
fn url_variable(schema: &str) -> Option<String> {
    let parsed = drift_sdk::prisma::parse(schema);
    let datasource = parsed.datasources.first()?;
    ["directUrl", "url"]
        .iter()
        .find_map(|key| match &datasource.property(key)?.value {
            drift_sdk::prisma::Expr::Call { name, args } if name == "env" => {
                args.first()?.value.as_str().map(str::to_owned)
            }
            _ => None,
        })
}

/// The value of `name` in a `.env` file (`NAME=value`, `export NAME=...`,
/// quotes removed, the last assignment wins as in dotenv).
fn dotenv(text: &str, name: &str) -> Option<String> {
    let mut value = None;
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((key, rest)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != name {
            continue;
        }
        let rest = rest.trim();
        let unquoted = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(" #").next().unwrap_or(rest).trim(),
        };
        value = Some(unquoted.to_owned());
    }
    value
}

#[derive(Debug, PartialEq, Eq)]
enum Host {
    /// A Unix socket, a file (SQLite), or no host at all.
    Local,
    Named(String),
    /// A shell variable or a value that is not a URL.
    Unknown,
}

/// The host of a database URL.
fn url_host(url: &str) -> Host {
    let url = url.trim();
    if url.contains('$') || url.contains('`') {
        return Host::Unknown;
    }
    if url.starts_with("file:") {
        return Host::Local;
    }
    let Some((_, rest)) = url.split_once("://") else {
        return Host::Unknown;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if !host.is_empty() {
        return Host::Named(host.to_ascii_lowercase());
    }
    // No host: libpq's `?host=/socket/dir` or its default socket.
    let query_host = tail
        .split_once('?')
        .map(|(_, q)| q)
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("host="));
    match query_host {
        Some(h) if !h.starts_with('/') && !h.starts_with("%2F") && !h.is_empty() => {
            Host::Named(h.to_ascii_lowercase())
        }
        _ => Host::Local,
    }
}

fn is_local(host: &str, local_hosts: &[String]) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || local_hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::testing::run_command;

    use super::*;
    use crate::DestructiveSql;

    fn judge(command: &str, env: &[(&str, &str)], files: &[(&str, &str)]) -> Vec<String> {
        let mut input = CommandInput::new(command);
        input.env = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        input.files = files
            .iter()
            .map(|(path, text)| drift_sdk::File {
                path: (*path).to_owned(),
                content: drift_sdk::Content::Text((*text).to_owned()),
                sql: None,
            })
            .collect();
        run_command(&DestructiveSql, &input, "{}")
            .unwrap()
            .iter()
            .map(|f| {
                let sev = f.severity.map(|s| format!(" [{s:?}]")).unwrap_or_default();
                format!(
                    "{}..{} {}{sev}: {}",
                    f.range.start, f.range.end, f.check, f.message
                )
            })
            .collect()
    }

    /// Each command-only check fires on a command, and its range is the
    /// part of the line that runs it.
    #[test]
    fn command_only_checks_fire() {
        insta::assert_snapshot!(
            "command_only_checks",
            [
                judge(
                    "npx prisma db execute --stdin <<< 'DELETE FROM \"User\"'",
                    &[],
                    &[]
                ),
                judge(
                    "npx prisma migrate deploy",
                    &[("DATABASE_URL", "postgres://u@db.prod.example.com/app")],
                    &[],
                ),
                judge(
                    "npx prisma migrate dev",
                    &[],
                    &[(".env", "DATABASE_URL=postgres://u@10.0.0.9/app\n")],
                ),
                judge("cd db && psql -c 'DROP TABLE a; DROP TYPE b'", &[], &[]),
            ]
            .concat()
            .join("\n")
        );
        assert!(
            COMMAND_ONLY
                .iter()
                .all(|c| <crate::Check as drift_sdk::Check>::ALL.contains(c))
        );
    }

    /// The URL migrate uses: a Prisma 7 config's `datasource` (a variable
    /// read from `.env`, or a literal), and a schema's `directUrl` before
    /// its pooled `url`.
    #[test]
    fn the_url_migrate_uses_is_judged() {
        let remote = |lines: Vec<String>| lines.iter().any(|l| l.contains("remote-migrate"));
        let config = "export default defineConfig({\n  schema: 'prisma/schema.prisma',\n  datasource: { url: env('APP_DB') },\n});\n";
        let env = ".env";
        assert!(remote(judge(
            "npx prisma migrate deploy",
            &[("DATABASE_URL", "postgres://u@localhost/app")],
            &[
                ("prisma.config.ts", config),
                (env, "APP_DB=postgres://u@db.prod.example.com/app\n")
            ],
        )));
        assert!(!remote(judge(
            "npx prisma migrate deploy",
            &[],
            &[
                ("prisma.config.ts", config),
                (env, "APP_DB=postgres://u@localhost/app\n")
            ],
        )));
        let literal = "export default { datasource: { url: 'postgresql://u@10.1.2.3:5432/app' } }";
        assert!(remote(judge(
            "npx prisma migrate deploy",
            &[],
            &[(".config/prisma.ts", literal)],
        )));
        let schema = "datasource db {\n  provider  = \"postgresql\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}\n";
        assert!(remote(judge(
            "npx prisma migrate deploy",
            &[
                ("DATABASE_URL", "postgres://u@localhost:6432/app"),
                ("DIRECT_URL", "postgres://u@db.prod.example.com/app"),
            ],
            &[("prisma/schema.prisma", schema)],
        )));
    }

    #[test]
    fn local_and_unknown_urls_pass() {
        for url in [
            "postgresql://postgres:postgres@localhost:5432/app",
            "postgresql://u@db.localhost/app",
            "postgresql://u@host.docker.internal/app",
            "postgresql:///app?host=/var/run/postgresql",
        ] {
            assert_eq!(
                judge("npx prisma migrate dev", &[("DATABASE_URL", url)], &[]),
                Vec::<String>::new(),
                "{url}"
            );
        }
        assert_eq!(
            judge("npx prisma migrate dev", &[], &[]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn hosts_of_database_urls() {
        let cases = [
            (
                "postgresql://u:p@localhost:5432/app",
                Host::Named("localhost".into()),
            ),
            (
                "postgres://u:p@db.prod.example.com/app?schema=public",
                Host::Named("db.prod.example.com".into()),
            ),
            ("postgresql://u@[::1]:5432/app", Host::Named("::1".into())),
            ("postgresql:///app?host=/var/run/postgresql", Host::Local),
            ("postgresql:///app", Host::Local),
            (
                "postgresql:///app?host=db.internal",
                Host::Named("db.internal".into()),
            ),
            ("file:./dev.db", Host::Local),
            ("$PROD_URL", Host::Unknown),
            ("not a url", Host::Unknown),
            (
                "postgresql://u:p%40ss@127.0.0.1/app",
                Host::Named("127.0.0.1".into()),
            ),
        ];
        for (url, host) in cases {
            assert_eq!(url_host(url), host, "{url}");
        }
    }

    #[test]
    fn dotenv_values() {
        let text = "# comment\nexport DATABASE_URL=\"postgres://a@prod/x\"\nOTHER=1\n";
        assert_eq!(
            dotenv(text, "DATABASE_URL").as_deref(),
            Some("postgres://a@prod/x")
        );
        assert_eq!(
            dotenv(
                "DATABASE_URL=postgres://l@localhost/x # dev\n",
                "DATABASE_URL"
            )
            .as_deref(),
            Some("postgres://l@localhost/x")
        );
        assert_eq!(dotenv("A=1\nA=2\n", "A").as_deref(), Some("2"));
        assert_eq!(dotenv("DATABASE_URL_X=1\n", "DATABASE_URL"), None);
    }
}
