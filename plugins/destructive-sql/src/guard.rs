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
//! What each command is comes from the hazard catalogue
//! ([`drift_sdk::hazard`]), the same the file checks use. Destructive
//! families get their own check. Writing families (`migrate dev|deploy|
//! resolve`, `db push`, `db seed`, `db execute`, `supabase db push`,
//! `pg_restore -d`, SQL given to psql that writes) are judged by the
//! database they would change: `database-write` when it is local,
//! `remote-migrate` when it is not (see the `local-hosts` option),
//! `unknown-database` when the guard cannot place it (a variable set
//! nowhere it looks, a shell variable, a connection service, SQL from a
//! file). Prisma's commands use the URL migrate uses: the command's own
//! assignments, then the guarded process's environment, then the `.env`
//! files Prisma reads, under the variable the Prisma config or the schema's
//! `datasource` names; psql and pg_restore the server libpq would connect
//! to. The host's policy turns these into allow, ask or deny.

use std::ops::Range;

use drift_sdk::hazard::{self, Class, Family};
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
    crate::Check::DatabaseWrite,
    crate::Check::UnknownDatabase,
];

/// How deep `npm run a` → script `a` → `npm run b` → ... is followed.
const MAX_SCRIPT_DEPTH: usize = 4;

const SQL_HELP: &str =
    "put the change in a reviewed migration, or ask the user to run it after a backup";
const REMOTE_HELP: &str = "change a local database instead (point the URL at one); changing shared databases is for CI or a human";
const WRITE_HELP: &str = "propose the command and let the user run or approve it: it changes the database's schema or data";

/// The advice to an agent about to run a destructive command.
fn destructive_help(family: Family) -> &'static str {
    match family {
        Family::MigrateReset => {
            "ask the user: resetting drops every table; on a disposable local database they can run it themselves"
        }
        Family::DbPushForceReset => {
            "use `prisma migrate dev` (which asks before losing data) or ask the user to reset a disposable database themselves"
        }
        Family::AcceptDataLoss => {
            "create the migration with `prisma migrate dev --create-only`, review what it drops, and let the user apply it"
        }
        Family::Dropdb => {
            "ask the user: dropping a database loses everything in it; back it up first (`pg_dump`)"
        }
        Family::PgRestoreClean => {
            "restore into a new, empty database, or ask the user to restore over this one"
        }
        _ => "ask the user: this loses the local database's data; they can run it themselves",
    }
}

/// What the check needs: the URL variables, libpq's, and the files
/// Prisma reads.
pub fn needs(options: &Options) -> CommandNeeds {
    CommandNeeds::default()
        .env(options.url_variables.iter().cloned())
        .env(LIBPQ_VARIABLES.iter().map(|v| (*v).to_owned()))
        .files(FILES.iter().copied())
}

/// The environment variables libpq reads the server from.
const LIBPQ_VARIABLES: &[&str] = &["PGHOST", "PGHOSTADDR", "PGSERVICE"];

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
        if command.program().is_none() || command.asks_for_help() {
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
        let hazards = hazard::recognise(command);
        let destructive = hazards
            .iter()
            .any(|h| h.family.class() == Class::Destructive);
        let written = shown(line, &command.range);
        for found in &hazards {
            let family = found.family;
            if let Some(check) = crate::Check::of_family(family) {
                out.push(
                    CommandFinding::new(
                        check,
                        found.range.clone(),
                        format!("`{written}` {}", family.effect()),
                    )
                    .help(destructive_help(family)),
                );
                continue;
            }
            let before = out.len();
            match family {
                Family::SqlClient => {
                    let sql = psql_sql(&commands, command);
                    for (text, range) in &sql {
                        destructive_sql(
                            text,
                            range.clone(),
                            crate::Check::PsqlDestructive,
                            "psql",
                            &mut out,
                        );
                    }
                    // Destructive SQL asks already; a warning (`DROP TYPE`)
                    // still changes the database.
                    if asks_already(&out[before..]) {
                        continue;
                    }
                    match psql_source(command, &sql) {
                        SqlSource::Reads => {}
                        SqlSource::Writes => {
                            target_finding(
                                &libpq_target(input, command, options),
                                family,
                                &written,
                                command,
                                &mut out,
                            );
                        }
                        SqlSource::Unseen(what) => out.push(
                            CommandFinding::new(
                                crate::Check::UnknownDatabase,
                                command.range.clone(),
                                format!("`{written}` runs SQL {what}, which the guard cannot read"),
                            )
                            .help(WRITE_HELP),
                        ),
                    }
                    continue;
                }
                Family::DbExecute if command.args().iter().any(|w| w.text == "--stdin") => {
                    let sql = stdin_sql(&commands, command);
                    for (text, range) in &sql {
                        destructive_sql(
                            text,
                            range.clone(),
                            crate::Check::DbExecuteDestructive,
                            "prisma db execute",
                            &mut out,
                        );
                    }
                    if !sql.is_empty()
                        && out.len() == before
                        && sql.iter().all(|(text, _)| crate::sql::only_reads(text))
                    {
                        continue;
                    }
                }
                _ => {}
            }
            // A destructive finding on the same command already asks.
            if destructive || asks_already(&out[before..]) {
                continue;
            }
            let target = if family.is_prisma() {
                prisma_target(input, command, options)
            } else if family == Family::SupabaseDbPush {
                supabase_target(command, options)
            } else {
                libpq_target(input, command, options)
            };
            target_finding(&target, family, &written, command, &mut out);
        }
    }
    out
}

/// True when `found` holds an error (a warning lets the command run, so a
/// write behind it still needs judging).
fn asks_already(found: &[CommandFinding]) -> bool {
    found.iter().any(|f| f.severity != Some(Severity::Warning))
}

/// The finding for a writing command, by where it points.
fn target_finding(
    target: &Target,
    family: Family,
    written: &str,
    command: &Command,
    out: &mut Vec<CommandFinding>,
) {
    let effect = family.effect();
    let range = command.range.clone();
    out.push(match target {
        Target::Local(what) => CommandFinding::new(
            crate::Check::DatabaseWrite,
            range,
            format!("`{written}` {effect} ({what})"),
        )
        .help(WRITE_HELP),
        Target::Remote(what) => CommandFinding::new(
            crate::Check::RemoteMigrate,
            range,
            format!("`{written}` {effect}: {what}"),
        )
        .help(REMOTE_HELP),
        Target::Unknown { why, help } => CommandFinding::new(
            crate::Check::UnknownDatabase,
            range,
            format!("`{written}` {effect}, but {why}"),
        )
        .help(help.clone()),
    });
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

/// Where a writing command points.
enum Target {
    /// A local database (or none: Prisma itself stops then): what it is.
    Local(String),
    /// A database that is not local: which, and where the guard read it.
    Remote(String),
    /// The guard cannot tell: why, and what would let it.
    Unknown { why: String, help: String },
}

impl Target {
    /// The target a URL names, read from `from` under `name`.
    fn of_url(url: &str, name: &str, from: &str, options: &Options) -> Target {
        match url_host(url) {
            Host::Local => Target::Local(format!("a local database, {name} from {from}")),
            Host::Named(host) if is_local(&host, &options.local_hosts) => {
                Target::Local(format!("the database at `{host}`, {name} from {from}"))
            }
            Host::Named(host) => Target::Remote(format!(
                "the database at `{host}` ({name} from {from}) is not a local database"
            )),
            Host::Unknown => Target::Unknown {
                why: format!(
                    "the guard cannot tell whether the database {name} names ({from}) is local"
                ),
                help: WRITE_HELP.to_owned(),
            },
        }
    }
}

/// The database a Prisma command would change: the URL migrate uses.
fn prisma_target(input: &CommandInput, command: &Command, options: &Options) -> Target {
    if let Some(url) = command.flag_value("--url") {
        return Target::of_url(url, "--url", "the command line", options);
    }
    // Read once: it parses the config and the schema, on the hook's path.
    let source = url_source(input, command, options);
    let variable = match &source {
        UrlSource::Literal { value, from } => {
            return Target::of_url(value, "datasource.url", from, options);
        }
        UrlSource::Variable(variable) => variable.clone(),
    };
    if let Some((name, url, from)) = database_url(input, command, &source) {
        return Target::of_url(&url, &name, &from, options);
    }
    let given = options.url_variables.contains(&variable)
        || command.env.iter().any(|(n, _)| *n == variable);
    if given {
        Target::Unknown {
            why: format!(
                "`{variable}` is set nowhere the guard looks (the command, the environment, .env)"
            ),
            help: WRITE_HELP.to_owned(),
        }
    } else {
        Target::Unknown {
            why: format!(
                "the schema reads the database URL from `{variable}`, which the guard is not given"
            ),
            help: format!("add \"{variable}\" to `url-variables` in [rules.destructive-sql]"),
        }
    }
}

/// `supabase db push` changes the linked project, a hosted database,
/// unless `--local` or a `--db-url` says otherwise.
fn supabase_target(command: &Command, options: &Options) -> Target {
    if command.args().iter().any(|w| w.text == "--local") {
        return Target::Local("the local Supabase database (--local)".to_owned());
    }
    if let Some(url) = command.flag_value("--db-url") {
        return Target::of_url(url, "--db-url", "the command line", options);
    }
    Target::Remote("without `--local` it changes the linked Supabase project".to_owned())
}

/// The server libpq would connect to: `-h`/`--host`, a URI or `host=` in
/// `-d`/`--dbname` or the first positional argument, `PGHOST`, else the
/// local socket. A service (`PGSERVICE`, `service=`) is not read.
fn libpq_target(input: &CommandInput, command: &Command, options: &Options) -> Target {
    let args = command.args();
    let host_flag = command
        .flag_value("--host")
        .or_else(|| short_value(args, "-h"));
    let dbname = command
        .flag_value("--dbname")
        .or_else(|| short_value(args, "-d"))
        .or_else(|| first_positional(args));
    let expanded = |word: &str| -> Option<(String, String)> {
        let name = word
            .strip_prefix("${")
            .and_then(|w| w.strip_suffix('}'))
            .or_else(|| word.strip_prefix('$'))?;
        if let Some((_, v)) = command.env.iter().rev().find(|(n, _)| n == name) {
            return Some((v.clone(), format!("{name} from the command line")));
        }
        if let Some(v) = input.var(name) {
            return Some((v.to_owned(), format!("{name} from the environment")));
        }
        [".env", "prisma/.env"].iter().find_map(|path| {
            let value = input.file_text(path).and_then(|t| dotenv(t, name))?;
            Some((value, format!("{name} from {path}")))
        })
    };
    let unknown = |why: String| Target::Unknown {
        why,
        help: WRITE_HELP.to_owned(),
    };
    if let Some(host) = host_flag {
        return match expanded(host) {
            Some((value, from)) => host_target(&value, &from, options),
            None if host.contains('$') => {
                unknown(format!("the host `{host}` is not known to the guard"))
            }
            None => host_target(host, "-h", options),
        };
    }
    if let Some(db) = dbname {
        let (value, from) =
            expanded(db).unwrap_or_else(|| (db.to_owned(), "the command line".to_owned()));
        if value.contains('$') {
            return unknown(format!("the database `{db}` is not known to the guard"));
        }
        if value.contains("://") {
            return Target::of_url(&value, "the URL", &from, options);
        }
        if value.contains("service=") {
            return unknown("a connection service is not read by the guard".to_owned());
        }
        if let Some(host) = value
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix("host="))
        {
            return host_target(host, &from, options);
        }
    }
    let pg = |name: &str| {
        command
            .env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| input.var(name).map(str::to_owned))
    };
    if pg("PGSERVICE").is_some() {
        return unknown(
            "PGSERVICE names a connection service, which the guard does not read".to_owned(),
        );
    }
    if let Some(host) = pg("PGHOSTADDR").or_else(|| pg("PGHOST")) {
        return host_target(&host, "PGHOST", options);
    }
    Target::Local("the local server's socket".to_owned())
}

/// The target of a libpq host (a name, an address, or a socket folder).
fn host_target(host: &str, from: &str, options: &Options) -> Target {
    let host = host
        .split(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if host.is_empty() || host.starts_with('/') || host.starts_with('@') {
        return Target::Local(format!("a local socket ({from})"));
    }
    if is_local(&host, &options.local_hosts) {
        Target::Local(format!("the database at `{host}` ({from})"))
    } else {
        Target::Remote(format!(
            "the database at `{host}` ({from}) is not a local database"
        ))
    }
}

/// The value of a short option written `-h value` or `-hvalue`.
fn short_value<'a>(args: &'a [Word], name: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, w)| {
        if w.text == name {
            return args.get(i + 1).map(|v| v.text.as_str());
        }
        w.text
            .strip_prefix(name)
            .filter(|v| !v.is_empty() && !w.text.starts_with("--"))
    })
}

/// libpq clients' options that take a separate value.
const LIBPQ_VALUE_OPTIONS: &[&str] = &[
    "-h", "-p", "-U", "-d", "-c", "-f", "-o", "-L", "-v", "-P", "-T", "-F", "-R", "-n", "-N", "-t",
    "-j", "-I", "-S",
];

/// The first argument that is not an option or an option's value: the
/// database (or a connection string) of `psql`, `pg_restore` a file.
fn first_positional(args: &[Word]) -> Option<&str> {
    let mut skip = false;
    for word in args {
        let text = word.text.as_str();
        if skip {
            skip = false;
            continue;
        }
        if text.starts_with('-') {
            skip = LIBPQ_VALUE_OPTIONS.contains(&text);
            continue;
        }
        return Some(text);
    }
    None
}

/// What a `psql` command does, beyond the destructive SQL already judged.
enum SqlSource {
    /// Only reads (or opens an interactive session, or lists databases).
    Reads,
    /// Runs SQL that changes something.
    Writes,
    /// Runs SQL the guard cannot see: from where.
    Unseen(String),
}

fn psql_source(command: &Command, sql: &[(String, Range<usize>)]) -> SqlSource {
    let args = command.args();
    if let Some(file) = command
        .flag_value("--file")
        .or_else(|| short_value(args, "-f"))
    {
        return SqlSource::Unseen(format!("from `{file}`"));
    }
    if let Some(file) = &command.stdin_file {
        return SqlSource::Unseen(format!("from `{}`", file.text));
    }
    if sql.is_empty() {
        return if command.piped_from.is_some() {
            SqlSource::Unseen("from another command's output".to_owned())
        } else {
            SqlSource::Reads
        };
    }
    if sql.iter().all(|(text, _)| crate::sql::only_reads(text)) {
        SqlSource::Reads
    } else {
        SqlSource::Writes
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
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
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

    /// A writing command on a local database is `database-write` (the
    /// policy asks), on one the guard cannot place `unknown-database`.
    #[test]
    fn local_and_unknown_targets() {
        let checks = |lines: Vec<String>| -> Vec<String> {
            lines
                .iter()
                .map(|l| {
                    l.split(' ')
                        .nth(1)
                        .unwrap_or("")
                        .trim_end_matches(':')
                        .to_owned()
                })
                .collect()
        };
        for url in [
            "postgresql://postgres:postgres@localhost:5432/app",
            "postgresql://u@db.localhost/app",
            "postgresql://u@host.docker.internal/app",
            "postgresql:///app?host=/var/run/postgresql",
            "postgresql://u@127.0.0.2:5432/app",
            "postgresql://u@[::1]:5432/app",
        ] {
            assert_eq!(
                checks(judge(
                    "npx prisma migrate dev",
                    &[("DATABASE_URL", url)],
                    &[]
                )),
                ["database-write"],
                "{url}"
            );
        }
        assert_eq!(
            checks(judge("npx prisma migrate dev", &[], &[])),
            ["unknown-database"]
        );
        for (line, expected) in [
            ("psql -c 'SELECT count(*) FROM users'", vec![]),
            ("psql -c '\\dt'", vec![]),
            ("psql app", vec![]),
            ("psql -c 'INSERT INTO t VALUES (1)'", vec!["database-write"]),
            (
                "psql -h db.prod.example.com -c 'INSERT INTO t VALUES (1)'",
                vec!["remote-migrate"],
            ),
            (
                "psql postgres://u@10.2.3.4/app -c 'UPDATE t SET a = 1 WHERE id = 2'",
                vec!["remote-migrate"],
            ),
            (
                "PGHOST=db.internal psql -c 'CREATE TABLE t (a int)'",
                vec!["remote-migrate"],
            ),
            ("psql -f seed.sql", vec!["unknown-database"]),
            ("psql app < seed.sql", vec!["unknown-database"]),
            ("cat seed.sql | psql app", vec!["unknown-database"]),
            (
                "psql -c 'WITH d AS (DELETE FROM t WHERE a = 1 RETURNING *) SELECT * FROM d'",
                vec!["database-write"],
            ),
            ("pg_restore --clean -d app x.dump", vec!["pg-restore-clean"]),
            (
                "pg_restore -h db.prod.example.com -d app x.dump",
                vec!["remote-migrate"],
            ),
            ("supabase db push", vec!["remote-migrate"]),
            ("supabase db push --local", vec!["database-write"]),
            ("supabase db reset", vec!["supabase-db-reset"]),
            (
                "prisma db push --accept-data-loss",
                vec!["accept-data-loss"],
            ),
        ] {
            assert_eq!(checks(judge(line, &[], &[])), expected, "{line}");
        }
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
