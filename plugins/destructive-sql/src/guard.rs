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
/// variable, and the `package.json` that may name the schema: handed to
/// the check by the host (with [`drift_sdk::NAMED_FILES`], also from the
/// command's directory).
const FILES: &[&str] = &[
    ".env",
    "prisma/.env",
    "prisma/schema.prisma",
    "schema.prisma",
    "package.json",
];

/// Checks only commands can trigger (files run no migrations of their own).
#[cfg(test)]
pub const COMMAND_ONLY: &[crate::Check] = &[
    crate::Check::DbExecuteDestructive,
    crate::Check::RemoteMigrate,
    crate::Check::DatabaseWrite,
    crate::Check::UnknownDatabase,
];

/// How deep psql's `\!` → shell → psql `\!` → ... is followed.
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
        // Prisma 7 names the URL in its config, not in the schema.
        .files(drift_sdk::prisma_config::CONFIG_NAMES.iter().copied())
        // The same files from the command's directory, and the schema
        // `--schema` or package.json names.
        .named_files()
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
    for (index, command) in commands.iter().enumerate() {
        let earlier = commands.get(..index).unwrap_or(&[]);
        if command.program().is_none() || command.asks_for_help() {
            continue;
        }
        let written = shown(line, &command.range);
        if shell::basename(command.program().unwrap_or("")).starts_with("prisma") {
            shadow_database(command, &written, options, &mut out);
        }
        let hazards = hazard::recognise(command);
        let Some(first) = hazards.first() else {
            continue;
        };
        let before = out.len();
        // Whether the command changes a database beyond what a destructive
        // finding says, and SQL it runs that the guard cannot see.
        let mut writes = false;
        let mut unseen: Option<String> = None;
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
            match family {
                Family::SqlClient => {
                    let sql = psql_sql(&commands, command);
                    for (text, range) in &sql {
                        shell_escapes(input, options, text, range, &written, depth, &mut out);
                        destructive_sql(
                            text,
                            range.clone(),
                            crate::Check::PsqlDestructive,
                            "psql",
                            &mut out,
                        );
                    }
                    match psql_source(command, &sql) {
                        SqlSource::Reads => {}
                        SqlSource::Writes => writes = true,
                        SqlSource::Unseen(what) => unseen = Some(what),
                    }
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
                    writes |=
                        sql.is_empty() || !sql.iter().all(|(text, _)| crate::sql::only_reads(text));
                }
                Family::DbExecute => match command.flag_value("--file") {
                    // The host reads the file and judges its SQL as stdin.
                    Some(file) => unseen = Some(format!("from `{file}`")),
                    None => writes = true,
                },
                _ => writes = true,
            }
        }
        // A destructive finding asks already; a warning (`DROP TYPE`) lets
        // the command run, so the write behind it still needs judging.
        let destroys = asks_already(out.get(before..).unwrap_or(&[]));
        if let Some(what) = &unseen {
            out.push(
                CommandFinding::new(
                    crate::Check::UnknownDatabase,
                    command.range.clone(),
                    format!("`{written}` runs SQL {what}, which the guard cannot read"),
                )
                .help(WRITE_HELP),
            );
        }
        if !(writes || destroys || unseen.is_some()) {
            continue;
        }
        // Where it points, for everything that destroys or writes: a
        // database that is not local is refused even when the command
        // also asks for another reason.
        let family = hazards
            .iter()
            .map(|h| h.family)
            .find(|f| f.class() == Class::Write)
            .unwrap_or(first.family);
        let target = if family.is_prisma() {
            no_laxer(prisma_target, input, command, earlier, options)
        } else if shell::basename(command.program().unwrap_or("")) == "supabase" {
            supabase_target(command, family, options)
        } else {
            no_laxer(libpq_target, input, command, earlier, options)
        };
        let target = in_container(command, target);
        let quiet = destroys || unseen.is_some();
        if !quiet || matches!(target, Target::Remote(_)) {
            target_finding(&target, family, &written, command, &mut out);
        }
    }
    out
}

/// `--shadow-database-url`: Prisma resets the shadow database it is given
/// (`migrate diff --from-migrations`, `migrate dev`), so a URL that is not
/// local is a database it would wipe.
fn shadow_database(
    command: &Command,
    written: &str,
    options: &Options,
    out: &mut Vec<CommandFinding>,
) {
    let Some(url) = command.flag_value("--shadow-database-url") else {
        return;
    };
    match Target::of_url(url, "--shadow-database-url", "the command line", options) {
        Target::Local(_) => {}
        Target::Remote(what) => out.push(
            CommandFinding::new(
                crate::Check::RemoteMigrate,
                command.range.clone(),
                format!("`{written}` resets its shadow database: {what}"),
            )
            .help("give Prisma a disposable local shadow database"),
        ),
        Target::Unknown { why, .. } => out.push(
            CommandFinding::new(
                crate::Check::UnknownDatabase,
                command.range.clone(),
                format!("`{written}` resets its shadow database, but {why}"),
            )
            .help("give Prisma a disposable local shadow database"),
        ),
    }
}

/// Inside a container (`docker exec`, `kubectl exec`) `localhost` and the
/// environment are the container's: a database that reads as local there
/// may be any, so the guard cannot place it.
fn in_container(command: &Command, target: Target) -> Target {
    let Some(wrapper) = command
        .wrappers
        .iter()
        .find(|w| shell::is_container_wrapper(w))
    else {
        return target;
    };
    match target {
        Target::Local(what) => Target::Unknown {
            why: format!(
                "it runs inside a container (`{wrapper}`), where {what} is the container's, which the guard cannot place"
            ),
            help: "run it against a database the guard can see, or let the user run it".to_owned(),
        },
        other => other,
    }
}

/// psql's shell escapes in SQL it is given: `\! cmd` runs `cmd`, and
/// `\o |cmd`, `\g |cmd`, `\w |cmd` pipe into one. Each is judged as a
/// command line of its own.
fn shell_escapes(
    input: &CommandInput,
    options: &Options,
    sql: &str,
    range: &Range<usize>,
    written: &str,
    depth: usize,
    out: &mut Vec<CommandFinding>,
) {
    if depth >= MAX_SCRIPT_DEPTH {
        return;
    }
    for piece in drift_sdk::script::split(sql) {
        let drift_sdk::script::Piece::Meta { range: meta, .. } = piece else {
            continue;
        };
        let text = sql.get(meta).unwrap_or("");
        let body = text.trim_start().trim_start_matches('\\');
        let escaped = match body.strip_prefix('!') {
            Some(command) => command.trim(),
            None => {
                let name_end = body
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(body.len());
                let (name, rest) = body.split_at(name_end);
                match (name, rest.trim_start().strip_prefix('|')) {
                    ("o" | "out" | "g" | "gx" | "w" | "write", Some(pipe)) => pipe.trim(),
                    _ => continue,
                }
            }
        };
        for inner in check_line(input, options, escaped, depth + 1) {
            out.push(CommandFinding {
                range: range.clone(),
                message: format!(
                    "`{written}` runs the shell command `{escaped}`: {}",
                    inner.message
                ),
                ..inner
            });
        }
    }
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

/// The SQL a `psql` command runs that the guard can see: each `-c`
/// argument, its here-document or here-string, and what `echo`/`printf`
/// or a here-document pipes into it. Ranges are where the SQL is written.
fn psql_sql(commands: &[Command], command: &Command) -> Vec<(String, Range<usize>)> {
    let mut found: Vec<(String, Range<usize>)> = client(command)
        .values("c", "command")
        .into_iter()
        .map(|sql| (sql.text.clone(), sql.range.clone()))
        .collect();
    found.extend(stdin_sql(commands, command));
    found
}

/// The command's arguments as its PostgreSQL client reads them.
fn client(command: &Command) -> hazard::ClientArgs {
    hazard::client_args(
        shell::basename(command.program().unwrap_or("")),
        command.args(),
    )
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
    /// The stricter of two answers for one command: not local over
    /// unplaced over local.
    fn stricter(self, other: Target) -> Target {
        let rank = |t: &Target| match t {
            Target::Local(_) => 0,
            Target::Unknown { .. } => 1,
            Target::Remote(_) => 2,
        };
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }

    /// The target a URL names, read from `from` under `name`.
    fn of_url(url: &str, name: &str, from: &str, options: &Options) -> Target {
        let one = |host: Host| match host {
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
        };
        // Any host of a list may be the one reached: the strictest decides.
        url_hosts(url)
            .into_iter()
            .map(one)
            .reduce(Target::stricter)
            .unwrap_or_else(|| one(Host::Unknown))
    }
}

/// The target `resolve` gives for `command`, made no laxer by what the
/// line did before it and by env files its wrapper loads: an export or a
/// sourced file may not reach the command (a subshell, `false && …`), so
/// it can only make the answer stricter than the environment and `.env`
/// say. Lines with nothing that changes the environment are resolved
/// once.
fn no_laxer(
    resolve: fn(&CommandInput, &Command, &[Command], &Options) -> Target,
    input: &CommandInput,
    command: &Command,
    earlier: &[Command],
    options: &Options,
) -> Target {
    let with = resolve(input, command, earlier, options);
    let loads = command.env_file_loader().is_some();
    if !loads && !earlier.iter().any(Command::changes_environment) {
        return with;
    }
    // dotenv does not override a variable already set, and skips a
    // missing file: the command as if nothing were loaded counts too.
    let mut plain = command.clone();
    if loads {
        plain.env_files.clear();
        plain.wrappers.retain(|w| !w.starts_with("dotenv"));
    }
    with.stricter(resolve(input, &plain, &[], options))
}

/// The database a Prisma command would change: the URL migrate uses.
fn prisma_target(
    input: &CommandInput,
    command: &Command,
    earlier: &[Command],
    options: &Options,
) -> Target {
    if let Some(url) = command.flag_value("--url") {
        return Target::of_url(url, "--url", "the command line", options);
    }
    // Read once: it parses the config and the schema, on the hook's path.
    let source = url_source(input, command, options);
    let variable = match &source {
        UrlSource::Literal { value, from } => {
            return Target::of_url(value, "datasource.url", from, options);
        }
        UrlSource::Unread(path) => {
            return Target::Unknown {
                why: format!("the guard could not read its schema `{path}`"),
                help: WRITE_HELP.to_owned(),
            };
        }
        UrlSource::Variable { name, .. } => name.clone(),
    };
    // The command's own `VAR=…` wins; then what earlier commands of the
    // line exported or loaded; then the environment and `.env`.
    if !command.env.iter().any(|(n, _)| *n == variable) {
        match set_earlier(input, command, earlier, &variable) {
            Some(Earlier::Set(value)) => {
                return Target::of_url(
                    &value,
                    &variable,
                    "an `export` earlier in the line",
                    options,
                );
            }
            Some(Earlier::Unknown(why)) => {
                return Target::Unknown {
                    why: format!("`{variable}` may come from {why}, which the guard does not read"),
                    help: WRITE_HELP.to_owned(),
                };
            }
            None => {}
        }
    }
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

/// What the commands before one in its line did to a variable it
/// inherits.
enum Earlier {
    /// `export NAME=value` (or `declare -x`): the value.
    Set(String),
    /// Loaded from a file, unset, or a changed directory (whose `.env` is
    /// another): what did it.
    Unknown(String),
}

/// The last thing `earlier` (the commands before `command` in its line)
/// did that decides `name` for `command`: an export, a file sourced, an
/// unset, a `cd`; or a `dotenv`-style wrapper of `command` itself that
/// loads a file.
fn set_earlier(
    input: &CommandInput,
    command: &Command,
    earlier: &[Command],
    name: &str,
) -> Option<Earlier> {
    if let Some(wrapper) = command.env_file_loader() {
        // The files it loads, when the host handed them over; dotenv skips
        // a missing file, which the guard cannot tell from one not handed.
        for file in &command.env_files {
            match input.local_file(&file.text) {
                Some((_, text)) => {
                    if let Some(value) = dotenv(text, name) {
                        return Some(Earlier::Set(value));
                    }
                }
                None => {
                    return Some(Earlier::Unknown(format!(
                        "`{}`, which `{wrapper}` loads",
                        file.text
                    )));
                }
            }
        }
    }
    let mut found = None;
    for (index, before) in earlier.iter().enumerate() {
        let program = shell::basename(before.program().unwrap_or(""));
        let args = before.args();
        // An export reaches later commands only when it runs in their shell
        // (its wrappers lead theirs: both inside the same `bash -c`, not an
        // export inside one and the command outside), not in a pipeline.
        let in_this_shell = command.wrappers.starts_with(&before.wrappers)
            && before.piped_from.is_none()
            && !earlier
                .iter()
                .chain(std::iter::once(command))
                .any(|c| c.piped_from == Some(index));
        let exports = match program {
            "export" => true,
            "declare" | "typeset" => args
                .iter()
                .any(|w| w.text.starts_with('-') && w.text.contains('x')),
            _ => false,
        };
        match program {
            "export" | "declare" | "typeset"
                if !(exports && in_this_shell)
                    && args
                        .iter()
                        .any(|w| w.text.split_once('=').is_some_and(|(n, _)| n == name)) =>
            {
                found = Some(Earlier::Unknown(format!("`{program} {name}=…`")));
            }
            "export" | "declare" | "typeset" if !(exports && in_this_shell) => {}
            "export" | "declare" | "typeset" => {
                for word in args {
                    if let Some((n, value)) = word.text.split_once('=')
                        && n == name
                    {
                        found = Some(Earlier::Set(value.to_owned()));
                    } else if word.text.starts_with('$') || word.text.starts_with('`') {
                        // `export $(cat .env.production | xargs)`: names
                        // and values known only when the line runs.
                        found = Some(Earlier::Unknown(format!("`{program} {}`", word.text)));
                    }
                }
            }
            "source" | "." => {
                let file = args.first().map_or("", |w| w.text.as_str());
                // A file the host handed over (the line names it) is
                // read: it sets the variable, or leaves it as it was.
                match input.local_file(file) {
                    Some((_, text)) if in_this_shell => {
                        if let Some(value) = dotenv(text, name) {
                            found = Some(Earlier::Set(value));
                        }
                    }
                    _ => found = Some(Earlier::Unknown(format!("`{program} {file}`"))),
                }
            }
            "unset" if args.iter().any(|w| w.text == name) => {
                found = Some(Earlier::Unknown(format!("`unset {name}`")));
            }
            "cd" | "pushd" => {
                let dir = args.first().map_or("", |w| w.text.as_str());
                found = Some(Earlier::Unknown(format!(
                    "the `.env` files of `{dir}` (the line changes directory)"
                )));
            }
            _ => {}
        }
    }
    found
}

/// Supabase's commands change the linked project (a hosted database) with
/// `--linked`, and `supabase db push` does by default; `--local` or a
/// local `--db-url` say otherwise.
fn supabase_target(command: &Command, family: Family, options: &Options) -> Target {
    let has = |flag: &str| command.args().iter().any(|w| w.text == flag);
    if let Some(url) = command.flag_value("--db-url") {
        return Target::of_url(url, "--db-url", "the command line", options);
    }
    if has("--local") {
        return Target::Local("the local Supabase database (--local)".to_owned());
    }
    let linked = command
        .args()
        .iter()
        .any(|w| w.text == "--linked" || w.text.starts_with("--linked="));
    // `db push` and `migration repair` act on the linked project by default.
    let remote_by_default =
        family == Family::SupabaseDbPush || command.args().iter().any(|w| w.text == "repair");
    if linked || remote_by_default {
        return Target::Remote("it changes the linked Supabase project".to_owned());
    }
    Target::Local("the local Supabase database".to_owned())
}

/// The server libpq would connect to: `-h`/`--host`, a URI or `host=` in
/// `-d`/`--dbname` or the first positional argument, `PGHOST`, else the
/// local socket. A service (`PGSERVICE`, `service=`) is read from the
/// service files the host hands over.
fn libpq_target(
    input: &CommandInput,
    command: &Command,
    earlier: &[Command],
    options: &Options,
) -> Target {
    let args = client(command);
    let host_flag = args.value("h", "host");
    // `dropdb` and `createdb` take the database as an operand and connect
    // to `--maintenance-db`; psql's first operand is the database.
    let dbname = args
        .value("d", "dbname")
        .or_else(|| args.value("maintenance-db", "maintenance-db"))
        .or_else(|| {
            let program = shell::basename(command.program().unwrap_or(""));
            (program == "psql")
                .then(|| args.operands.first().map(|w| w.text.as_str()))
                .flatten()
        });
    let expanded = |word: &str| -> Option<(String, String)> {
        let name = word
            .strip_prefix("${")
            .and_then(|w| w.strip_suffix('}'))
            .or_else(|| word.strip_prefix('$'))?;
        if let Some((_, v)) = command.env.iter().rev().find(|(n, _)| n == name) {
            return Some((v.clone(), format!("{name} from the command line")));
        }
        match set_earlier(input, command, earlier, name) {
            Some(Earlier::Set(v)) => {
                return Some((v, format!("{name} from an `export` earlier in the line")));
            }
            // Unreadable: the value stays `$NAME`, which asks.
            Some(Earlier::Unknown(_)) => return None,
            None => {}
        }
        if let Some(v) = input.var(name) {
            return Some((v.to_owned(), format!("{name} from the environment")));
        }
        env_files(input, None).iter().find_map(|path| {
            let value = input.file_text(path).and_then(|t| dotenv(t, name))?;
            Some((value, format!("{name} from {path}")))
        })
    };
    let unknown = |why: String| Target::Unknown {
        why,
        help: WRITE_HELP.to_owned(),
    };
    // libpq's order of precedence between these is subtle (a connection
    // string given as the database overrides `-h`): every host named
    // anywhere may be the one reached, and the strictest decides.
    let mut targets: Vec<Target> = Vec::new();
    if let Some(host) = host_flag {
        targets.push(match expanded(host) {
            Some((value, from)) => host_target(&value, &from, options),
            None if host.contains('$') => {
                unknown(format!("the host `{host}` is not known to the guard"))
            }
            None => host_target(host, "-h", options),
        });
    }
    if let Some(db) = dbname {
        let (value, from) =
            expanded(db).unwrap_or_else(|| (db.to_owned(), "the command line".to_owned()));
        if value.contains('$') {
            targets.push(unknown(format!(
                "the database `{db}` is not known to the guard"
            )));
        } else if value.contains("://") {
            targets.push(Target::of_url(&value, "the URL", &from, options));
        } else if value.contains('=') {
            // A connection string: `host = x` may be written with spaces.
            let pairs = value.replace(" =", "=").replace("= ", "=");
            for pair in pairs.split_whitespace() {
                if let Some(name) = pair.strip_prefix("service=") {
                    targets.push(service_target(input, name.trim_matches('\''), options));
                } else if let Some(host) = pair
                    .strip_prefix("hostaddr=")
                    .or_else(|| pair.strip_prefix("host="))
                {
                    targets.push(host_target(host.trim_matches('\''), &from, options));
                }
            }
        }
    }
    let pg = |name: &str| {
        command
            .env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| match set_earlier(input, command, earlier, name) {
                Some(Earlier::Set(v)) => Some(v),
                Some(Earlier::Unknown(why)) => Some(format!("${{{name}}} ({why})")),
                None => None,
            })
            .or_else(|| input.var(name).map(str::to_owned))
    };
    if let Some(name) = pg("PGSERVICE") {
        targets.push(service_target(input, &name, options));
    }
    for name in ["PGHOSTADDR", "PGHOST"] {
        if let Some(host) = pg(name) {
            targets.push(host_target(&host, name, options));
        }
    }
    targets
        .into_iter()
        .reduce(Target::stricter)
        .unwrap_or_else(|| Target::Local("the local server's socket".to_owned()))
}

/// The server a libpq connection service names: its `host`/`hostaddr` in
/// the user's service file (the host hands it over), else the system's;
/// no host is the local socket. A service the guard cannot find, or one
/// named at run time, is unplaced.
fn service_target(input: &CommandInput, name: &str, options: &Options) -> Target {
    let unknown = |why: String| Target::Unknown {
        why,
        help: WRITE_HELP.to_owned(),
    };
    if name.contains('$') || name.contains('`') {
        return unknown(format!(
            "the connection service `{name}` is not known to the guard"
        ));
    }
    for file in [
        drift_sdk::files::PG_SERVICE_FILE,
        drift_sdk::files::PG_SYSTEM_SERVICE_FILE,
    ] {
        let Some(text) = input.file_text(file) else {
            continue;
        };
        let Some(section) = service_section(text, name) else {
            continue;
        };
        let from = format!("service `{name}` in {file}");
        let hosts: Vec<&str> = section
            .iter()
            .filter(|(key, _)| matches!(*key, "host" | "hostaddr"))
            .map(|(_, value)| *value)
            .collect();
        return hosts
            .iter()
            .map(|host| host_target(host, &from, options))
            .reduce(Target::stricter)
            .unwrap_or_else(|| Target::Local(format!("the local server's socket ({from})")));
    }
    unknown(format!(
        "the connection service `{name}` is in no service file the guard was given"
    ))
}

/// The `key=value` lines of `[name]` in a libpq service file.
fn service_section<'a>(text: &'a str, name: &str) -> Option<Vec<(&'a str, &'a str)>> {
    let mut found = None;
    let mut current = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = section.trim() == name;
            if current {
                found.get_or_insert_with(Vec::new);
            }
            continue;
        }
        if current && let Some((key, value)) = line.split_once('=') {
            found
                .get_or_insert_with(Vec::new)
                .push((key.trim(), value.trim()));
        }
    }
    found
}

/// The target of a libpq host (a name, an address, or a socket folder).
fn host_target(hosts: &str, from: &str, options: &Options) -> Target {
    if hosts.contains('$') || hosts.contains('`') {
        return Target::Unknown {
            why: format!("the host `{hosts}` ({from}) is not known to the guard"),
            help: WRITE_HELP.to_owned(),
        };
    }
    // libpq tries each host of a list in turn: any that is not local may be
    // the one it reaches.
    let mut local = None;
    for host in hosts.split(',') {
        let host = host.trim().to_ascii_lowercase();
        if host.is_empty() || host.starts_with('/') || host.starts_with('@') {
            local.get_or_insert_with(|| format!("a local socket ({from})"));
        } else if is_local(&host, &options.local_hosts) {
            local.get_or_insert_with(|| format!("the database at `{host}` ({from})"));
        } else {
            return Target::Remote(format!(
                "the database at `{host}` ({from}) is not a local database"
            ));
        }
    }
    Target::Local(local.unwrap_or_else(|| format!("a local socket ({from})")))
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
    if let Some(file) = client(command).value("f", "file") {
        return SqlSource::Unseen(format!("from `{file}`"));
    }
    if let Some(file) = &command.stdin_file {
        return SqlSource::Unseen(format!("from `{}`", file.text));
    }
    // `\i file` in the SQL given: the file's statements run too (the host
    // reads the files `psql -f` names, not those named inside SQL).
    for (text, _) in sql {
        for piece in drift_sdk::script::split(text) {
            if let drift_sdk::script::Piece::Meta { range, name } = piece
                && matches!(name.as_str(), "i" | "ir" | "include" | "include_relative")
            {
                let line = text.get(range).unwrap_or("").trim();
                return SqlSource::Unseen(format!("from the file `{line}` includes"));
            }
        }
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

/// Where the URL migrate uses comes from.
enum UrlSource {
    /// A variable, looked up in the command's environment, then in the
    /// `.env` files Prisma loads (repository paths, in order).
    Variable {
        name: String,
        env_files: Vec<String>,
    },
    /// A URL the Prisma config or the schema writes.
    Literal { value: String, from: String },
    /// The schema that says was not handed to the guard: its path.
    Unread(String),
}

/// The URL migrate uses, found as Prisma finds it from the command's
/// directory: the Prisma config (`--config`, else the first at its
/// default places) and its `datasource` (`directUrl`, else `url`); else
/// the schema (`--schema`, else the one package.json's `prisma.schema` or
/// the config names, else `prisma/schema.prisma`, `schema.prisma`) and
/// its datasource's `directUrl`, else `url`, as `env("X")` or a literal;
/// else the first of `url-variables`.
fn url_source(input: &CommandInput, command: &Command, options: &Options) -> UrlSource {
    use drift_sdk::prisma_config::{self, UrlSource as Config};
    let configs: Vec<&str> = match command.flag_value("--config") {
        Some(path) => vec![path],
        None => prisma_config::CONFIG_NAMES.to_vec(),
    };
    let mut config_schema = None;
    if let Some((path, text)) = configs.iter().find_map(|p| input.local_file(p)) {
        let config = prisma_config::read(&path, text);
        config_schema = config.schema.clone();
        match config.urls.direct_url.or(config.urls.url) {
            Some(Config::Env(name)) => {
                return UrlSource::Variable {
                    name,
                    env_files: env_files(input, None),
                };
            }
            Some(Config::Literal(value)) => return UrlSource::Literal { value, from: path },
            None => {}
        }
    }
    let named = command
        .flag_value("--schema")
        .and_then(|p| drift_sdk::paths::resolve(&input.cwd, p))
        .or_else(|| {
            let (path, text) = input.local_file("package.json")?;
            let schema = crate::package_json::prisma_schema(text)?;
            drift_sdk::paths::resolve(drift_sdk::paths::parent(&path), &schema)
        })
        .or(config_schema);
    let schema = match named {
        Some(path) => match input.file_text(&path) {
            Some(text) => Some((path, text)),
            None => return UrlSource::Unread(path),
        },
        None => input
            .local_file("prisma/schema.prisma")
            .or_else(|| input.local_file("schema.prisma")),
    };
    let env_files = env_files(input, schema.as_ref().map(|(p, _)| p.as_str()));
    match schema
        .as_ref()
        .and_then(|(path, text)| datasource_url(path, text))
    {
        Some(source) => source.with_env_files(env_files),
        None => UrlSource::Variable {
            name: options
                .url_variables
                .first()
                .cloned()
                .unwrap_or_else(|| "DATABASE_URL".to_owned()),
            env_files,
        },
    }
}

impl UrlSource {
    fn with_env_files(self, files: Vec<String>) -> Self {
        match self {
            UrlSource::Variable { name, .. } => UrlSource::Variable {
                name,
                env_files: files,
            },
            other => other,
        }
    }
}

/// The `.env` files Prisma loads for a command: the one in its directory,
/// the one beside the schema, `prisma/.env`; those handed over, in order.
fn env_files(input: &CommandInput, schema: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let beside =
        schema.and_then(|s| drift_sdk::paths::resolve(drift_sdk::paths::parent(s), ".env"));
    let candidates = [
        input.local_file(".env").map(|(p, _)| p),
        beside.filter(|p| input.file_text(p).is_some()),
        input.local_file("prisma/.env").map(|(p, _)| p),
    ];
    for path in candidates.into_iter().flatten() {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The URL `source` names, its value and where it came from.
fn database_url(
    input: &CommandInput,
    command: &Command,
    source: &UrlSource,
) -> Option<(String, String, String)> {
    let (variable, env_files) = match source {
        UrlSource::Variable { name, env_files } => (name.clone(), env_files),
        UrlSource::Literal { value, from } => {
            return Some(("datasource.url".to_owned(), value.clone(), from.clone()));
        }
        UrlSource::Unread(_) => return None,
    };
    if let Some((_, value)) = command.env.iter().rev().find(|(n, _)| *n == variable) {
        return Some((variable, value.clone(), "the command line".to_owned()));
    }
    if let Some(value) = input.var(&variable) {
        return Some((variable, value.to_owned(), "the environment".to_owned()));
    }
    for path in env_files {
        if let Some(value) = input.file_text(path).and_then(|t| dotenv(t, &variable)) {
            return Some((variable, value, path.clone()));
        }
    }
    None
}

/// The first datasource's `directUrl` (what migrate connects with), else
/// its `url`: `env("X")` as the variable X, a string as a literal URL.
fn datasource_url(path: &str, schema: &str) -> Option<UrlSource> {
    let parsed = drift_sdk::prisma::parse(schema);
    let datasource = parsed.datasources.first()?;
    ["directUrl", "url"]
        .iter()
        .find_map(|key| match &datasource.property(key)?.value {
            drift_sdk::prisma::Expr::Call { name, args } if name == "env" => {
                Some(UrlSource::Variable {
                    name: args.first()?.value.as_str()?.to_owned(),
                    env_files: Vec::new(),
                })
            }
            drift_sdk::prisma::Expr::String(value) => Some(UrlSource::Literal {
                value: value.clone(),
                from: path.to_owned(),
            }),
            _ => None,
        })
}

/// The value of `name` in a `.env` file (`NAME=value`, `export NAME=...`,
/// quotes removed, the last assignment wins as in dotenv).
fn dotenv(text: &str, name: &str) -> Option<String> {
    let mut value = None;
    // dotenv reads a file saved with a byte-order mark as if it had none.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
#[cfg(test)]
fn url_host(url: &str) -> Host {
    url_hosts(url).into_iter().next().unwrap_or(Host::Unknown)
}

/// Every host of a database URL: libpq URIs may list several
/// (`postgresql://a:5432,b:5432/app`), and a `host=` in the query adds its
/// own.
fn url_hosts(url: &str) -> Vec<Host> {
    let url = url.trim();
    if url.contains('$') || url.contains('`') {
        return vec![Host::Unknown];
    }
    if url.starts_with("file:") {
        return vec![Host::Local];
    }
    let Some((_, rest)) = url.split_once("://") else {
        return vec![Host::Unknown];
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let mut found: Vec<Host> = hosts
        .split(',')
        .filter_map(|host_port| {
            let host = if let Some(inner) = host_port.strip_prefix('[') {
                inner.split(']').next().unwrap_or("")
            } else {
                host_port.split(':').next().unwrap_or("")
            };
            (!host.is_empty()).then(|| Host::Named(host.to_ascii_lowercase()))
        })
        .collect();
    // libpq's `?host=` (a name, or a socket folder).
    let query_hosts = tail
        .split_once('?')
        .map(|(_, q)| q)
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| {
            pair.strip_prefix("host=")
                .or_else(|| pair.strip_prefix("hostaddr="))
        });
    for h in query_hosts {
        found.push(
            if h.starts_with('/') || h.starts_with("%2F") || h.is_empty() {
                Host::Local
            } else {
                Host::Named(h.to_ascii_lowercase())
            },
        );
    }
    if found.is_empty() {
        // No host: libpq's default socket.
        found.push(Host::Local);
    }
    found
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
        judge_in("", command, env, files)
    }

    /// The findings for `command` run from the repository folder `cwd`, as
    /// `start..end check [severity]: message` lines.
    fn judge_in(
        cwd: &str,
        command: &str,
        env: &[(&str, &str)],
        files: &[(&str, &str)],
    ) -> Vec<String> {
        let mut input = CommandInput::new(command);
        input.cwd = cwd.to_owned();
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

    /// The check of each line [`judge_in`] gives.
    fn checks(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let check = l.split_whitespace().nth(1).unwrap_or("");
                check.trim_end_matches(':').to_owned()
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

    /// The project Prisma finds from the command's directory: files the
    /// host hands over from there come first, package.json names the
    /// schema, a schema writes its URL, a schema that is not handed over
    /// asks.
    #[test]
    fn the_schema_is_found_from_the_command_s_directory() {
        let schema = |var: &str| {
            format!("datasource db {{\n  provider = \"postgresql\"\n  url = env(\"{var}\")\n}}\n")
        };
        let local = "DATABASE_URL=postgres://u@localhost/app\nPG_URL=postgres://u@localhost/app\n";
        let remote = "DATABASE_URL=postgres://u@db.prod.internal/app\nPG_URL=postgres://u@db.prod.internal/app\n";
        let in_web =
            |command: &str, files: &[(&str, &str)]| judge_in("apps/web", command, &[], files);
        // The package's own .env and schema, not the root's.
        let web_schema = schema("DATABASE_URL");
        let files = [
            (".env", local),
            ("prisma/schema.prisma", web_schema.as_str()),
            ("apps/web/.env", remote),
            ("apps/web/prisma/schema.prisma", web_schema.as_str()),
        ];
        assert_eq!(
            checks(&in_web("npx prisma migrate deploy", &files)),
            ["remote-migrate"]
        );
        // package.json names the schema; its variable decides.
        let pg_schema = schema("PG_URL");
        let files = [
            (
                "apps/web/package.json",
                r#"{"prisma": {"schema": "db/schema.prisma"}}"#,
            ),
            ("apps/web/db/schema.prisma", pg_schema.as_str()),
            (
                "apps/web/.env",
                "DATABASE_URL=postgres://u@localhost/app\nPG_URL=postgres://u@db.prod.internal/app\n",
            ),
        ];
        assert_eq!(
            checks(&in_web("npx prisma migrate deploy", &files)),
            ["remote-migrate"]
        );
        // A named schema the host did not hand over: unplaced.
        let files = [("apps/web/.env", local)];
        assert_eq!(
            checks(&in_web(
                "npx prisma migrate deploy --schema db/other.prisma",
                &files
            )),
            ["unknown-database"]
        );
        // A URL written into the schema.
        let literal = "datasource db {\n  provider = \"postgresql\"\n  url = \"postgres://u@db.prod.internal/app\"\n}\n";
        let files = [
            ("apps/web/.env", local),
            ("apps/web/prisma/schema.prisma", literal),
        ];
        assert_eq!(
            checks(&in_web("npx prisma db push", &files)),
            ["remote-migrate"]
        );
        // A BOM before the first variable of a .env.
        let bom = format!("\u{feff}{remote}");
        let files = [("apps/web/.env", bom.as_str())];
        assert_eq!(
            checks(&in_web("npx prisma migrate deploy", &files)),
            ["remote-migrate"]
        );
        // dotenv's files, and a sourced file, when handed over.
        let files = [(".env.production", remote), (".env", local)];
        assert_eq!(
            checks(&judge(
                "dotenv -e .env.production -- npx prisma migrate deploy",
                &[],
                &files
            )),
            ["remote-migrate"]
        );
        assert_eq!(
            checks(&judge(
                "set -a; . ./.env.production; npx prisma migrate deploy",
                &[],
                &files
            )),
            ["remote-migrate"]
        );
    }

    /// psql's `\!` runs a shell command; a container's database is its own.
    #[test]
    fn shell_escapes_and_containers() {
        assert_eq!(
            checks(&judge("psql -c '\\! dropdb app'", &[], &[])),
            ["dropdb"]
        );
        assert_eq!(
            checks(&judge(
                "psql <<'EOF'\n\\o | dropdb app\nSELECT 1;\nEOF",
                &[],
                &[]
            )),
            ["dropdb"]
        );
        assert_eq!(
            checks(&judge("psql -c '\\i other.sql'", &[], &[])),
            ["unknown-database"]
        );
        assert_eq!(
            checks(&judge(
                "docker exec db psql -c 'INSERT INTO t VALUES (1)'",
                &[],
                &[]
            )),
            ["unknown-database"]
        );
        assert_eq!(
            checks(&judge("psql -c 'INSERT INTO t VALUES (1)'", &[], &[])),
            ["database-write"]
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
        for url in [
            "postgresql://postgres:postgres@localhost:5432/app",
            "postgresql://u@db.localhost/app",
            "postgresql://u@host.docker.internal/app",
            "postgresql:///app?host=/var/run/postgresql",
            "postgresql://u@127.0.0.2:5432/app",
            "postgresql://u@[::1]:5432/app",
        ] {
            assert_eq!(
                checks(&judge(
                    "npx prisma migrate dev",
                    &[("DATABASE_URL", url)],
                    &[]
                )),
                ["database-write"],
                "{url}"
            );
        }
        assert_eq!(
            checks(&judge("npx prisma migrate dev", &[], &[])),
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
            assert_eq!(checks(&judge(line, &[], &[])), expected, "{line}");
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
