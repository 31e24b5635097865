//! `drift-host verify`: the migrations applied to a real PostgreSQL, as
//! their tools apply them, and each hand-written file proven re-runnable.
//!
//! The static rules approximate what PostgreSQL would say; this asks it.
//! For every project (a schema and its migrations folders, as the rules
//! discover them) a scratch database is created on a throwaway server
//! ([`server`]) or on the server of `--database-url`, Prisma's
//! `migrations.initShadowDb` runs first, then every migration in the order
//! schema-drift replays them ([`apply`]). A failing statement is a finding
//! at its file, line and column, with PostgreSQL's SQLSTATE, message,
//! detail and hint; later migrations still run, and a failure that only
//! follows from an earlier one (a table that was never created) says so.
//!
//! Each hand-written file runs a second time right after its first run, on
//! a copy of the database (`CREATE DATABASE … TEMPLATE`): a statement that
//! fails, or a change of the catalog or of a table's row count
//! ([`state`]), means the file is not safe to re-run. Then the whole
//! hand-written sequence runs again on a copy of the final database, as
//! teams do when they re-apply their manual files.
//!
//! Findings are the `verify` rule's, rendered by the same outputs as
//! `run`'s. Every scratch database is dropped and the throwaway server
//! stopped, whatever happens.

pub mod apply;
pub mod introspect;
pub mod server;
pub mod state;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use drift_syntax::database::{self, At, Database, Expectation};
use drift_syntax::dialect;
use drift_syntax::project::{self, Order};
use drift_syntax::text::LineIndex;

use crate::config::Config;
use crate::diagnostic::{CheckMeta, Finding, RuleMeta, RunError, Severity, Span};
use crate::engine::Report;
use crate::snapshot::{Content, Snapshot};
use apply::{Failure, Mode, Within};

/// The rule id of verify's findings.
pub const RULE: &str = "verify";

/// verify's documentation, with a section per check (`drift-host explain
/// verify/<check>`).
pub const DOC: &str = include_str!("../../../docs/verify.md");

/// verify's checks: id, severity, summary.
pub const CHECKS: &[(&str, Severity, &str)] = &[
    (
        "apply-failed",
        Severity::Error,
        "PostgreSQL rejects a migration statement",
    ),
    (
        "after-failure",
        Severity::Warning,
        "a statement fails because an earlier one did",
    ),
    (
        "missing-extension",
        Severity::Error,
        "a migration needs an extension the server does not have",
    ),
    (
        "not-rerunnable",
        Severity::Error,
        "a hand-written migration fails or changes the database when run again",
    ),
    (
        "rerun-sequence",
        Severity::Warning,
        "re-running the hand-written migrations on the final database fails or changes it",
    ),
    (
        "psql-meta-command",
        Severity::Warning,
        "a psql meta-command verify does not run",
    ),
    (
        "init-shadow-db-failed",
        Severity::Error,
        "the config's migrations.initShadowDb SQL fails",
    ),
    // The database compared with schema.prisma: schema-drift's checks,
    // with its severities (a test holds them equal).
    (
        "missing-table",
        Severity::Error,
        "a model's table is not in the database the migrations build",
    ),
    (
        "db-schema-mismatch",
        Severity::Error,
        "a table or enum type is in another PostgreSQL schema than its @@schema",
    ),
    (
        "missing-column",
        Severity::Error,
        "a field's column is not in the database the migrations build",
    ),
    (
        "extra-table",
        Severity::Warning,
        "the database has a table no model maps to",
    ),
    (
        "extra-column",
        Severity::Warning,
        "the database has a column the model does not have",
    ),
    (
        "nullability-mismatch",
        Severity::Error,
        "a column's nullability differs from the field's",
    ),
    (
        "column-type-mismatch",
        Severity::Warning,
        "a column's type family differs from the field's",
    ),
    (
        "native-type-mismatch",
        Severity::Warning,
        "a column's native type differs from the field's",
    ),
    (
        "missing-primary-key",
        Severity::Error,
        "the model's primary key is not the table's",
    ),
    (
        "missing-unique",
        Severity::Error,
        "a unique constraint of the schema is not in the database",
    ),
    (
        "missing-index",
        Severity::Warning,
        "an index of the schema is not in the database",
    ),
    (
        "missing-enum",
        Severity::Error,
        "an enum type of the schema is not in the database",
    ),
    (
        "enum-value-missing",
        Severity::Error,
        "an enum value of the schema is not in the database",
    ),
    (
        "extra-enum-value",
        Severity::Warning,
        "the database has an enum value the schema does not list",
    ),
    (
        "missing-foreign-key",
        Severity::Warning,
        "a relation's foreign key is not in the database",
    ),
    (
        "foreign-key-action-mismatch",
        Severity::Warning,
        "a foreign key's ON DELETE/ON UPDATE differ from the relation's",
    ),
    (
        "extra-foreign-key",
        Severity::Warning,
        "the database has a foreign key no relation declares",
    ),
    (
        "default-mismatch",
        Severity::Warning,
        "a column's default is missing, extra, or another value than the field's",
    ),
    (
        "extra-index",
        Severity::Warning,
        "the database has an index or unique constraint the schema does not declare",
    ),
    (
        "name-mismatch",
        Severity::Warning,
        "a key or index has another name in the database than the schema's",
    ),
    (
        "index-mismatch",
        Severity::Warning,
        "an index is built otherwise than the schema declares it",
    ),
];

/// verify's metadata, for SARIF's rule list and `explain`.
pub fn meta() -> RuleMeta {
    RuleMeta {
        id: RULE.to_owned(),
        summary: "The migrations apply on a real PostgreSQL and hand-written ones re-run safely"
            .to_owned(),
        default_severity: Severity::Error,
        include: Vec::new(),
        checks: CHECKS
            .iter()
            .map(|(id, severity, summary)| CheckMeta {
                id: (*id).to_owned(),
                summary: (*summary).to_owned(),
                default_severity: *severity,
                history: false,
            })
            .collect(),
        per_file: false,
        sql: false,
    }
}

/// Where the databases come from.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The folder of `initdb` and `postgres`.
    pub pg_bin: Option<PathBuf>,
    /// A server to create scratch databases on, instead of a throwaway one.
    pub database_url: Option<String>,
    /// Accept a `database_url` whose host is not this machine.
    pub allow_remote: bool,
}

/// Why verify could not start: no server and no URL (exit 2 with the two
/// ways to fix it).
#[derive(Debug)]
pub struct NoServer(pub String);

impl std::fmt::Display for NoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n  = help: install PostgreSQL's server (Debian/Ubuntu: `apt-get install -y \
             --no-install-recommends postgresql-15`) or name its folder with `--pg-bin DIR`\n  \
             = help: or give a server to create a scratch database on: `--database-url \
             postgresql://user:password@localhost:5432/postgres`",
            self.0
        )
    }
}

impl std::error::Error for NoServer {}

/// The server scratch databases are created on.
enum Target {
    Throwaway(server::Server),
    Url(Box<postgres::Config>),
}

impl Target {
    fn open(options: &Options) -> Result<Self> {
        if let Some(url) = &options.database_url {
            let config: postgres::Config = url
                .parse()
                .map_err(|e| anyhow::anyhow!("--database-url is not a PostgreSQL URL: {e}"))?;
            let remote: Vec<String> = config
                .get_hosts()
                .iter()
                .filter_map(|h| match h {
                    postgres::config::Host::Tcp(name) => {
                        (!matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1"))
                            .then(|| name.clone())
                    }
                    _ => None,
                })
                .collect();
            let mut remote = remote;
            remote.extend(
                config
                    .get_hostaddrs()
                    .iter()
                    .filter(|a| !a.is_loopback())
                    .map(ToString::to_string),
            );
            if !remote.is_empty() && !options.allow_remote {
                bail!(
                    "--database-url points at {}, which is not this machine: verify creates and \
                     drops databases there; add --allow-remote if that server is meant for it",
                    remote.join(", ")
                );
            }
            return Ok(Target::Url(Box::new(config)));
        }
        let binaries = server::find_binaries(options.pg_bin.as_deref()).map_err(NoServer)?;
        Ok(Target::Throwaway(server::Server::start(&binaries)?))
    }

    fn config(&self, db: Option<&str>) -> postgres::Config {
        match self {
            Target::Throwaway(server) => server.config(db.unwrap_or("postgres")),
            Target::Url(config) => {
                let mut config = (**config).clone();
                if let Some(db) = db {
                    config.dbname(db);
                }
                config
            }
        }
    }

    fn connect(&self, db: Option<&str>) -> Result<postgres::Client> {
        let config = self.config(db);
        config
            .connect(postgres::NoTls)
            .with_context(|| format!("cannot connect to {}", self.describe(db)))
    }

    fn describe(&self, db: Option<&str>) -> String {
        match self {
            Target::Throwaway(server) => format!(
                "the throwaway server in {} (database {})",
                server.dir.display(),
                db.unwrap_or("postgres")
            ),
            Target::Url(config) => format!(
                "database {} of --database-url",
                db.or(config.get_dbname()).unwrap_or("postgres")
            ),
        }
    }
}

/// Scratch databases: created on the target, all dropped on drop.
struct Scratch<'t> {
    target: &'t Target,
    admin: postgres::Client,
    live: Vec<String>,
    next: usize,
    /// `STRATEGY FILE_COPY` (PostgreSQL 15 and later): a copy without
    /// writing every block to the WAL.
    file_copy: bool,
}

impl<'t> Scratch<'t> {
    fn new(target: &'t Target) -> Result<Self> {
        let mut admin = target.connect(None)?;
        let version: u32 = admin
            .simple_query("SHOW server_version_num")
            .ok()
            .and_then(|m| {
                m.into_iter().find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse().ok()),
                    _ => None,
                })
            })
            .unwrap_or(0);
        if let Target::Url(config) = target {
            server::watch_scratch((**config).clone());
        }
        Ok(Self {
            admin,
            target,
            live: Vec::new(),
            next: 0,
            file_copy: version >= 150_000,
        })
    }

    /// A new database, empty or a copy of `template` (which must have no
    /// connections).
    fn create(&mut self, template: Option<&str>) -> Result<String> {
        let name = format!("drift_verify_{}_{}", std::process::id(), self.next);
        self.next += 1;
        let template = template.unwrap_or("template0");
        let strategy = if self.file_copy {
            " STRATEGY FILE_COPY"
        } else {
            ""
        };
        // Registered before it exists, so an interrupt drops it too.
        server::scratch_created(&name);
        self.admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" ENCODING 'UTF8' \
                 LC_COLLATE 'C' LC_CTYPE 'C'{strategy}"
            ))
            .with_context(|| {
                format!(
                    "cannot create a scratch database on {}",
                    self.target.describe(None)
                )
            })?;
        self.live.push(name.clone());
        Ok(name)
    }

    fn drop_db(&mut self, name: &str) {
        server::drop_scratch(&mut self.admin, name);
        self.live.retain(|n| n != name);
        server::scratch_dropped(name);
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        for name in std::mem::take(&mut self.live) {
            self.drop_db(&name);
        }
    }
}

/// Verifies every project of `snapshot`.
pub fn verify(snapshot: &Snapshot, config: &Config, options: &Options) -> Result<Report> {
    let started = std::time::Instant::now();
    // Before a server starts: a setting verify cannot read stops it.
    let settings = Settings::of(config)?;
    let target = Target::open(options)?;
    let version = match &target {
        Target::Throwaway(server) => format!("PostgreSQL {} (throwaway server)", server.version),
        Target::Url(_) => "the server of --database-url".to_owned(),
    };
    let mut scratch = Scratch::new(&target)?;
    let server_version = scratch
        .admin
        .simple_query("SHOW server_version")
        .ok()
        .and_then(|m| {
            m.into_iter().find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            })
        })
        .unwrap_or_default();
    #[allow(clippy::print_stderr)]
    {
        match &target {
            Target::Throwaway(_) => eprintln!("drift-host verify: {version}"),
            Target::Url(_) => {
                eprintln!("drift-host verify: PostgreSQL {server_version} ({version})")
            }
        }
    }
    let base = snapshot.base_view();
    let mut run = Run {
        snapshot,
        findings: Vec::new(),
        sources: HashMap::new(),
        files: 0,
        rerun_seen: Default::default(),
        rerun_changes: Default::default(),
        applied: Default::default(),
        preexisting: Vec::new(),
        errors: Vec::new(),
        drift: Vec::new(),
    };
    let mut projects = snapshot.projects().to_vec();
    for dir in project::unclaimed_migration_dirs(&snapshot.paths, &projects) {
        projects.push(project::Project {
            schema: None,
            dirs: vec![dir],
            configured: false,
            config: None,
        });
    }
    for project in &projects {
        // Only PostgreSQL projects are applied (a schema without a
        // provider, or migrations without a schema, count as PostgreSQL).
        let schema = SchemaOf::read(snapshot, project);
        if schema
            .as_ref()
            .is_some_and(|s| !database::expected::is_postgres(&s.parsed))
        {
            continue;
        }
        // The Supabase CLI applies these on Supabase's own PostgreSQL,
        // whose `auth` and `storage` schemas a plain server lacks.
        if matches!(target, Target::Throwaway(_))
            && let Some(dir) = project
                .dirs
                .iter()
                .find(|d| d.ends_with("supabase/migrations"))
        {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "note: {dir} is applied by the Supabase CLI on Supabase's PostgreSQL (schemas \
                     `auth`, `storage`), not verified on a plain server: verify it with \
                     --database-url to a `supabase start` database"
                );
            }
            continue;
        }
        let migrations = plan(
            snapshot,
            base.as_ref(),
            project,
            settings.order,
            &mut run.applied,
        );
        if migrations.is_empty() {
            continue;
        }
        let job = Job {
            project,
            schema,
            migrations,
        };
        run.project(&target, &mut scratch, &job, base.as_ref(), &settings)?;
    }
    drop(scratch);
    drop(target);
    // With a base, what its migrations already did is not the change's.
    let (mut preexisting, mut findings): (Vec<Finding>, Vec<Finding>) = run
        .findings
        .into_iter()
        .partition(|f| run.applied.contains(&f.path));
    preexisting.extend(run.preexisting);
    findings.extend(run.drift);
    // `drift-ignore` comments hold for verify's findings as for run's: the
    // files they point at are read for their directives.
    let unread: Vec<String> = findings
        .iter()
        .chain(&preexisting)
        .map(|f| f.path.clone())
        .filter(|p| !run.sources.contains_key(p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    run.sources.extend(snapshot.read(&unread));
    let ran = std::collections::BTreeSet::from([RULE.to_owned()]);
    let mut suppressed = crate::suppress::apply(&mut findings, &run.sources, &ran);
    suppressed.extend(crate::suppress::apply(&mut preexisting, &run.sources, &ran));
    crate::diagnostic::sort_findings(&mut suppressed);
    let mut report = Report {
        findings,
        preexisting,
        suppressed,
        errors: run.errors,
        compared: base.is_some(),
        sources: run.sources,
        files_checked: run.files,
        rules_run: 1,
        rules: vec![meta()],
        ..Report::default()
    };
    crate::diagnostic::sort_findings(&mut report.findings);
    crate::diagnostic::sort_findings(&mut report.preexisting);
    report.timings = vec![("verify", started.elapsed())];
    Ok(report)
}

/// What the configuration says about how migrations run.
struct Settings {
    order: Order,
    handwritten: Mode,
    /// `[rules.schema-drift] ignore-tables`: tables the database may have
    /// that no model maps to.
    ignore_tables: Vec<String>,
    /// `[rules.schema-drift] prisma-version`.
    prisma_version: Option<String>,
}

impl Settings {
    /// The order schema-drift replays in (`[rules.schema-drift] order`) and
    /// how hand-written files run (`[rules.idempotency] transactional`: a
    /// runner that wraps each file in a transaction sends it whole).
    /// A value verify cannot read is a configuration error, as `run`'s
    /// rules make it: never a silent default.
    fn of(config: &Config) -> Result<Self> {
        let option = |rule: &str, key: &str| config.rule(rule).options.get(key).cloned();
        let wrong = |rule: &str, key: &str, want: &str, found: &serde_json::Value| {
            anyhow::anyhow!("rules.toml: `[rules.{rule}] {key}` must be {want}, not {found}")
        };
        let order = match option("schema-drift", "order") {
            None => Order::PrismaFirst,
            Some(value) => match value.as_str() {
                Some("prisma-first") => Order::PrismaFirst,
                Some("handwritten-first") => Order::HandwrittenFirst,
                _ => {
                    return Err(wrong(
                        "schema-drift",
                        "order",
                        "\"prisma-first\" or \"handwritten-first\"",
                        &value,
                    ));
                }
            },
        };
        let handwritten = match option("idempotency", "transactional") {
            None => Mode::Statements,
            Some(value) => match value.as_bool() {
                Some(true) => Mode::Script,
                Some(false) => Mode::Statements,
                None => {
                    return Err(wrong(
                        "idempotency",
                        "transactional",
                        "true or false",
                        &value,
                    ));
                }
            },
        };
        let ignore_tables = match option("schema-drift", "ignore-tables") {
            None => vec!["_prisma_migrations".to_owned()],
            Some(value) => value
                .as_array()
                .and_then(|tables| {
                    tables
                        .iter()
                        .map(|t| t.as_str().map(str::to_owned))
                        .collect::<Option<Vec<String>>>()
                })
                .ok_or_else(|| {
                    wrong(
                        "schema-drift",
                        "ignore-tables",
                        "a list of table names",
                        &value,
                    )
                })?,
        };
        let prisma_version = match option("schema-drift", "prisma-version") {
            None => None,
            Some(serde_json::Value::String(version)) => Some(version),
            Some(value) => {
                return Err(wrong("schema-drift", "prisma-version", "a string", &value));
            }
        };
        Ok(Self {
            order,
            handwritten,
            ignore_tables,
            prisma_version,
        })
    }
}

/// A project to verify: its schema, read and parsed once, and its
/// migrations in the order a deploy applies them.
struct Job<'p> {
    project: &'p project::Project,
    schema: Option<SchemaOf>,
    migrations: Vec<Migration>,
}

/// A project's schema as a snapshot has it.
struct SchemaOf {
    /// Its files' contents, for the excerpts of findings at the schema.
    contents: HashMap<String, Arc<Content>>,
    parsed: drift_syntax::prisma::Schema,
    /// Every file was read as text (else nothing is compared).
    complete: bool,
    /// The project's Prisma major version, as its lock file or
    /// package.json says (`drift_syntax::prisma_version`).
    prisma_major: Option<u32>,
}

impl SchemaOf {
    /// `None` for a project without a schema.
    fn read(snapshot: &Snapshot, project: &project::Project) -> Option<Self> {
        let files = &project.schema.as_ref()?.files;
        let contents = snapshot.read(files);
        let texts: Vec<(&str, &str)> = files
            .iter()
            .filter_map(|path| match contents.get(path).map(|c| c.as_ref()) {
                Some(Content::Text(text)) => Some((path.as_str(), text.as_str())),
                _ => None,
            })
            .collect();
        let complete = texts.len() == files.len();
        let parsed = drift_syntax::prisma::parse_files(&texts);
        let prisma_major = files.first().and_then(|schema| {
            let manifests = snapshot.read(&drift_syntax::prisma_version::candidates(schema));
            drift_syntax::prisma_version::major(schema, |path| {
                match manifests.get(path).map(|c| c.as_ref()) {
                    Some(Content::Text(text)) => Some(text.as_str()),
                    _ => None,
                }
            })
        });
        Some(Self {
            contents,
            parsed,
            complete,
            prisma_major,
        })
    }

    /// What the database should hold: `None` when the schema is
    /// incomplete or does not parse (schema-drift reports that).
    fn expectation(&self, project: &project::Project, settings: &Settings) -> Option<Expectation> {
        (self.complete && self.parsed.errors.is_empty()).then(|| {
            Expectation::new(
                &self.parsed,
                project.config.as_ref(),
                &settings.ignore_tables,
                match &settings.prisma_version {
                    Some(version) => drift_syntax::prisma_version::range_major(version),
                    None => self.prisma_major,
                },
            )
        })
    }
}

struct Run<'s> {
    snapshot: &'s Snapshot,
    findings: Vec<Finding>,
    sources: HashMap<String, Arc<Content>>,
    files: usize,
    /// Failures and changes the files' own second runs reported, which the
    /// sequence's re-run does not repeat.
    rerun_seen: HashSet<(String, usize)>,
    rerun_changes: HashSet<String>,
    /// With `--base`, the migrations the base has: applied first, as
    /// deployed; their findings are not the change's.
    applied: HashSet<String>,
    /// Drift the base's database already had against the base's schema.
    preexisting: Vec<Finding>,
    /// What kept verify from finishing a comparison.
    errors: Vec<RunError>,
    /// The database's drift against the schema: new or pre-existing by
    /// the base's drift, not by the file it points at (an extra column
    /// the change leaves behind is at the base migration that made it).
    drift: Vec<Finding>,
}

/// A migration to apply, with the content it is applied with.
struct Migration {
    path: String,
    content: Arc<Content>,
}

/// The migrations of `project` in the order a deploy applies them: with
/// a base, the base's migrations (as the base has them: an applied file
/// edited by the change does not run again) and then the change's new
/// ones, in order; without, every migration in order.
fn plan(
    snapshot: &Snapshot,
    base: Option<&Snapshot>,
    project: &project::Project,
    order: Order,
    old: &mut HashSet<String>,
) -> Vec<Migration> {
    let current = project::run_order(&snapshot.paths, &project.dirs, order);
    let mut out = Vec::new();
    if let Some(base) = base {
        let applied = project::run_order(&base.paths, &project.dirs, order);
        let texts = base.read(&applied);
        for path in applied {
            if let Some(content) = texts.get(&path) {
                out.push(Migration {
                    path: path.clone(),
                    content: content.clone(),
                });
            }
            old.insert(path);
        }
    }
    let new: Vec<String> = current.into_iter().filter(|p| !old.contains(p)).collect();
    let texts = snapshot.read(&new);
    for path in new {
        if let Some(content) = texts.get(&path) {
            out.push(Migration {
                path,
                content: content.clone(),
            });
        }
    }
    out
}

/// A failure on the way, for later failures to point at.
#[derive(Debug, Clone)]
struct Earlier {
    path: String,
    /// The failed statement, lower-cased: what it would have created.
    statement: String,
    /// The missing extension this failure comes from: its own
    /// `CREATE EXTENSION`, or the one an earlier failure it follows from
    /// could not create. With the extension finding's line.
    extension: Option<(String, String, u32)>,
    /// The failure this one follows from, at the start of the chain
    /// (itself when it follows from none).
    root: (String, u32),
}

/// The object a "does not exist" failure names: the first quoted name
/// (`relation "x"`, `type "geometry"`), or a function's name.
fn missing_name(message: &str) -> Option<String> {
    if let Some(start) = message.find('"') {
        let rest = &message[start + 1..];
        return rest.find('"').map(|end| rest[..end].to_lowercase());
    }
    let rest = message.strip_prefix("function ")?;
    let name = rest.split('(').next()?;
    Some(name.rsplit('.').next().unwrap_or(name).to_lowercase())
}

/// The earlier failure `failure` (in `path`) follows from: the latest
/// failed statement that mentions the missing object, or a missing
/// extension earlier in the same file.
fn cause<'e>(earlier: &'e [Earlier], path: &str, failure: &Failure) -> Option<&'e Earlier> {
    if !failure.is_missing_object() {
        return None;
    }
    let name = missing_name(&failure.message);
    let mentions = |e: &Earlier| {
        name.as_ref()
            .is_some_and(|n| mentions_identifier(&e.statement, n))
    };
    let needs_extension = matches!(failure.code.as_str(), "42704" | "42883");
    // A failed statement that would have created the object, else the
    // latest that mentions it, else a missing extension of the same file.
    earlier
        .iter()
        .rev()
        .find(|e| mentions(e) && e.statement.trim_start().starts_with("create"))
        .or_else(|| earlier.iter().rev().find(|e| mentions(e)))
        .or_else(|| {
            earlier
                .iter()
                .rev()
                .find(|e| needs_extension && e.path == path && e.extension.is_some())
        })
}

/// True when `text` (lower-cased SQL) names `name` as a whole identifier
/// (`user_logins` does not name `log`).
fn mentions_identifier(text: &str, name: &str) -> bool {
    find_identifier(text, name).is_some()
}

/// Where `text` first names `name` as a whole identifier.
fn find_identifier(text: &str, name: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name)
        .find(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(ident) && !after.is_some_and(ident)
        })
        .map(|(at, _)| at)
}

impl Run<'_> {
    fn project(
        &mut self,
        target: &Target,
        scratch: &mut Scratch<'_>,
        job: &Job<'_>,
        base: Option<&Snapshot>,
        settings: &Settings,
    ) -> Result<()> {
        let (project, migrations) = (job.project, &job.migrations);
        let db = scratch.create(None)?;
        let mut client = Some(target.connect(Some(&db))?);
        if let Some(config) = &project.config
            && let Some(sql) = &config.init_shadow_db
            && let Some(Err(error)) = client.as_mut().map(|c| c.batch_execute(sql))
        {
            let failure = Failure {
                at: 0,
                statement: None,
                code: error
                    .as_db_error()
                    .map(|d| d.code().code().to_owned())
                    .unwrap_or_default(),
                message: error
                    .as_db_error()
                    .map_or_else(|| error.to_string(), |d| d.message().to_owned()),
                detail: None,
                hint: None,
                meta: None,
            };
            self.findings.push(finding(
                "init-shadow-db-failed",
                config.path.clone(),
                None,
                format!("`migrations.initShadowDb` fails: {}", describe(&failure)),
                Some(
                    "fix the SQL: Prisma runs it on the shadow database before every replay"
                        .to_owned(),
                ),
            ));
        }
        let mut earlier: Vec<Earlier> = Vec::new();
        let mut handwritten: Vec<(String, Arc<Content>)> = Vec::new();
        // Extension failures and the failures they explain, counted.
        let mut explained: BTreeMap<String, usize> = BTreeMap::new();
        let mut marks = introspect::Marks::default();
        // With a base, its drift: the base's schema against the database
        // its migrations built, read before the change's first migration.
        let mut base_drift: Option<HashSet<(String, String)>> = None;
        let mut base_read = false;
        for (i, Migration { path, content }) in migrations.iter().enumerate() {
            let content = content.clone();
            let Content::Text(full) = content.as_ref() else {
                continue;
            };
            // Another engine's file is not PostgreSQL's to run, and a goose
            // or dbmate file's down section does not run forward.
            let engine = self.snapshot.declared_engine(path);
            if dialect::engine_of(path, full, engine) != dialect::Engine::PostgreSql {
                continue;
            }
            let text = full.get(..dialect::forward_end(full)).unwrap_or(full);
            self.files += 1;
            let is_prisma = project
                .dirs
                .iter()
                .any(|d| drift_syntax::paths::parent(drift_syntax::paths::parent(path)) == d);
            let mode = if is_prisma {
                Mode::Script
            } else {
                settings.handwritten
            };
            // Each hand-written file gets a session of its own, as `psql -f`
            // gives it: a `SET search_path` or a temporary table of one file
            // does not reach the next.
            let Some(main) = client.as_mut() else {
                bail!("lost the connection to the scratch database");
            };
            if let Some(base) = base
                && !base_read
                && !self.applied.contains(path)
            {
                base_drift = drift_keys(main, &marks, base, project, settings);
                base_read = true;
            }
            marks.mark(main, i)?;
            let failures = if is_prisma {
                apply::apply(main, text, mode, Within::Autocommit)
            } else {
                // `DISCARD ALL` makes the session as new (settings, role,
                // temporary tables), before and after, at a fraction of a
                // new connection's cost.
                main.batch_execute("DISCARD ALL")?;
                let failures = apply::apply(main, text, mode, Within::Autocommit);
                end_session(main)?;
                failures
            };
            let index = LineIndex::new(text);
            let first_run_clean = failures.iter().all(|f| f.meta.is_some());
            // The sequence's re-run does not repeat what failed the first time.
            self.rerun_seen
                .extend(failures.iter().map(|f| (path.clone(), f.at)));
            for failure in &failures {
                let line = index.position(text, failure.at).0;
                let cause = cause(&earlier, path, failure).cloned();
                let own = missing_extension(text, failure).map(|e| (e, path.clone(), line));
                let extension = own.or_else(|| cause.as_ref().and_then(|c| c.extension.clone()));
                let reported = self.failure_finding(
                    path,
                    text,
                    &index,
                    failure,
                    cause.as_ref(),
                    &mut explained,
                );
                self.findings.extend(reported);
                if failure.meta.is_none() {
                    let root = cause
                        .as_ref()
                        .map_or_else(|| (path.clone(), line), |c| c.root.clone());
                    earlier.push(Earlier {
                        root,
                        path: path.clone(),
                        // A script fails whole: what its other statements
                        // created is gone too.
                        statement: match mode {
                            Mode::Script => format!(
                                "{}\n{text}",
                                failure
                                    .statement
                                    .clone()
                                    .and_then(|r| text.get(r))
                                    .unwrap_or_default()
                            ),
                            Mode::Statements => failure
                                .statement
                                .clone()
                                .and_then(|r| text.get(r))
                                .unwrap_or_default()
                                .to_owned(),
                        }
                        .to_lowercase(),
                        extension,
                    });
                }
            }
            if !failures.is_empty() {
                self.sources.insert(path.clone(), content.clone());
            }
            if !is_prisma {
                if first_run_clean {
                    self.rerun(target, scratch, &db, &mut client, path, text, mode)?;
                }
                handwritten.push((path.clone(), content.clone()));
            }
        }
        self.extension_counts(&explained);
        if let Some(main) = client.as_mut() {
            if let Some(base) = base
                && !base_read
            {
                base_drift = drift_keys(main, &marks, base, project, settings);
            }
            if let Some(schema) = &job.schema
                && let Some(expectation) = schema.expectation(project, settings)
            {
                match introspect::read(main, &marks) {
                    Ok(built) => {
                        self.schema_drift(&built, job, &expectation, &earlier, base_drift.as_ref())
                    }
                    // PostgreSQL older than 12 lacks catalog columns the
                    // comparison reads: said, and the rest of verify still
                    // holds. Any other failure is the run's error.
                    Err(error) if server_version_num(main) < 120_000 => {
                        #[allow(clippy::print_stderr)]
                        {
                            eprintln!(
                                "note: the database was not compared with the schema: verify reads the catalog of PostgreSQL 12 or later ({error})"
                            );
                        }
                    }
                    Err(error) => self.errors.push(RunError {
                        kind: "verify",
                        subject: project
                            .schema
                            .as_ref()
                            .map_or_else(String::new, |s| s.path.clone()),
                        message: format!(
                            "reading the database's catalog to compare it with the schema: {error}"
                        ),
                    }),
                }
            }
        }
        if !handwritten.is_empty() {
            self.rerun_sequence(
                target,
                scratch,
                &db,
                &mut client,
                &handwritten,
                settings.handwritten,
            )?;
        }
        drop(client);
        scratch.drop_db(&db);
        Ok(())
    }

    /// Compares the database the migrations built with `expectation`, the
    /// project's schema's, as schema-drift compares its replay: same differences,
    /// same check ids and messages. What is missing is reported at the
    /// schema, what the database has beyond it at the migration that
    /// wrote it. With a base, drift the base already had is pre-existing.
    fn schema_drift(
        &mut self,
        built: &Database<Option<usize>>,
        job: &Job<'_>,
        expectation: &Expectation,
        earlier: &[Earlier],
        base_drift: Option<&HashSet<(String, String)>>,
    ) {
        let (project, migrations) = (job.project, &job.migrations);
        let fallback = project
            .config
            .as_ref()
            .map(|c| c.path.clone())
            .or_else(|| project.schema.as_ref().map(|s| s.path.clone()))
            .unwrap_or_default();
        for difference in database::compare(expectation, built) {
            let check = difference.drift.id();
            let (path, span) = match difference.at {
                At::Schema { path, span } => {
                    if let Some(content) = job.schema.as_ref().and_then(|s| s.contents.get(path)) {
                        self.sources
                            .entry(path.to_owned())
                            .or_insert_with(|| content.clone());
                    }
                    (path.to_owned(), Some(span))
                }
                At::Built(Some(i)) => {
                    let migration = &migrations[*i];
                    let span = match migration.content.as_ref() {
                        Content::Text(text) => {
                            self.sources
                                .entry(migration.path.clone())
                                .or_insert_with(|| migration.content.clone());
                            Some(name_span(text, difference.subject))
                        }
                        _ => None,
                    };
                    (migration.path.clone(), span)
                }
                At::Built(None) => (fallback.clone(), None),
            };
            // What a failed migration would have built is missing because
            // it failed: that failure is the one to fix.
            let key = (check.to_owned(), difference.message.clone());
            let cause = explained_by(earlier, &difference);
            let mut finding = match cause {
                Some(cause) => finding(
                    "after-failure",
                    path,
                    span,
                    format!(
                        "{} — this follows from the failure at {}:{}",
                        difference.message, cause.root.0, cause.root.1
                    ),
                    Some("fix the earlier failure first; this one goes with it".to_owned()),
                ),
                None => finding(check, path, span, difference.message, Some(difference.help)),
            };
            if base_drift.is_some_and(|known| known.contains(&key)) {
                self.preexisting.push(finding);
            } else {
                if base_drift.is_some() {
                    // Drift the change introduces fails it, as schema-drift
                    // raises it in diff mode.
                    finding.severity = Severity::Error;
                }
                self.drift.push(finding);
            }
        }
    }

    /// The finding for one failure, or `None` when a missing extension
    /// already explains it (counted in `explained`).
    fn failure_finding(
        &mut self,
        path: &str,
        text: &str,
        index: &LineIndex,
        failure: &Failure,
        cause: Option<&Earlier>,
        explained: &mut BTreeMap<String, usize>,
    ) -> Option<Finding> {
        let span = span_at(text, index, failure.at);
        if let Some(name) = &failure.meta {
            return Some(finding(
                "psql-meta-command",
                path.to_owned(),
                Some(span),
                format!("`\\{name}` is a psql meta-command: verify does not run it, so the file was applied without it"),
                Some("write it as SQL if the migration needs it, or run the file with psql and suppress this with a drift-ignore comment".to_owned()),
            ));
        }
        if let Some(extension) = missing_extension(text, failure) {
            let image = match extension.as_str() {
                "vector" => " (e.g. a `pgvector/pgvector:pg15` service container)",
                "postgis" | "postgis_topology" => {
                    " (e.g. a `postgis/postgis:15-3.4` service container)"
                }
                "timescaledb" => " (e.g. a `timescale/timescaledb:latest-pg15` service container)",
                _ => "",
            };
            return Some(finding(
                "missing-extension",
                path.to_owned(),
                Some(span),
                format!(
                    "the server has no extension `{extension}`: {}",
                    describe(failure)
                ),
                Some(format!(
                    "run verify against a server that has it: `--database-url postgresql://…`{image}, or install it where `--pg-bin` points; what fails for want of `{extension}` is not reported separately"
                )),
            ));
        }
        if let Some(cause) = cause {
            if let Some((extension, at, line)) = &cause.extension {
                *explained
                    .entry(format!("{at}\0{line}\0{extension}"))
                    .or_default() += 1;
                return None;
            }
            return Some(finding(
                "after-failure",
                path.to_owned(),
                Some(span),
                format!(
                    "{} — this follows from the failure at {}:{}",
                    describe(failure),
                    cause.root.0,
                    cause.root.1
                ),
                Some("fix the earlier failure first; this one goes with it".to_owned()),
            ));
        }
        Some(finding(
            "apply-failed",
            path.to_owned(),
            Some(span),
            format!("PostgreSQL rejects this migration: {}", describe(failure)),
            help_of(failure),
        ))
    }

    /// Adds to each missing-extension finding how many later failures it
    /// explains.
    fn extension_counts(&mut self, explained: &BTreeMap<String, usize>) {
        for (key, count) in explained {
            let mut parts = key.split('\0');
            let (Some(path), Some(line)) = (
                parts.next(),
                parts.next().and_then(|l| l.parse::<u32>().ok()),
            ) else {
                continue;
            };
            if let Some(finding) = self.findings.iter_mut().find(|f| {
                f.check == "missing-extension"
                    && f.path == path
                    && f.span.is_some_and(|s| s.line == line)
            }) {
                finding.message.push_str(&format!(
                    " ({count} later statement{} failed without it)",
                    if *count == 1 { "" } else { "s" }
                ));
            }
        }
    }

    /// Runs hand-written `path` a second time on `db`, leaving it as it
    /// was (see [`run_again`]).
    #[allow(clippy::too_many_arguments)]
    fn rerun(
        &mut self,
        target: &Target,
        scratch: &mut Scratch<'_>,
        db: &str,
        client: &mut Option<postgres::Client>,
        path: &str,
        text: &str,
        mode: Mode,
    ) -> Result<()> {
        let (before, mut failures, after) = run_again(target, scratch, db, client, &[text], mode)?;
        let failures = failures.pop().unwrap_or_default();
        let index = LineIndex::new(text);
        for failure in &failures {
            self.findings.push(finding(
                "not-rerunnable",
                path.to_owned(),
                Some(span_at(text, &index, failure.at)),
                format!("run a second time, this statement fails: {}", describe(failure)),
                Some("guard it so a second run does nothing: `IF NOT EXISTS`/`IF EXISTS`, `ON CONFLICT DO NOTHING`, `CREATE OR REPLACE`, or a `DO` block that checks the catalog".to_owned()),
            ));
        }
        let changes = before.changes(&after);
        self.rerun_seen
            .extend(failures.iter().map(|f| (path.to_owned(), f.at)));
        self.rerun_changes.extend(changes.iter().cloned());
        if !changes.is_empty() {
            self.findings.push(finding(
                "not-rerunnable",
                path.to_owned(),
                None,
                format!(
                    "run a second time, the file changes the database again: {}",
                    summarize(&changes)
                ),
                Some("make every statement a no-op when its work is done: `ON CONFLICT DO NOTHING` for inserts, a `WHERE` that skips rows already updated".to_owned()),
            ));
        }
        if !failures.is_empty() || !changes.is_empty() {
            self.sources
                .entry(path.to_owned())
                .or_insert_with(|| Arc::new(Content::Text(Arc::new(text.to_owned()))));
        }
        Ok(())
    }

    /// Runs every hand-written file again, in order, on a copy of the
    /// final database.
    fn rerun_sequence(
        &mut self,
        target: &Target,
        scratch: &mut Scratch<'_>,
        db: &str,
        client: &mut Option<postgres::Client>,
        files: &[(String, Arc<Content>)],
        mode: Mode,
    ) -> Result<()> {
        let texts: Vec<&str> = files
            .iter()
            .map(|(_, c)| match c.as_ref() {
                Content::Text(text) => text.as_str(),
                _ => "",
            })
            .collect();
        let (before, failures, after) = run_again(target, scratch, db, client, &texts, mode)?;
        for ((path, content), failures) in files.iter().zip(&failures) {
            let Content::Text(text) = content.as_ref() else {
                continue;
            };
            let index = LineIndex::new(text);
            // What the file's own second run already reported is not
            // reported again.
            let new = failures
                .iter()
                .filter(|f| f.meta.is_none() && !self.rerun_seen.contains(&(path.clone(), f.at)));
            for failure in new {
                self.findings.push(finding(
                "rerun-sequence",
                path.clone(),
                Some(span_at(text, &index, failure.at)),
                format!(
                        "re-applying the hand-written migrations on the final database, this statement fails: {}",
                        describe(failure)
                    ),
                Some("a later migration changed what this one expects; guard it on the state it needs, or stop re-applying applied files".to_owned()),
            ));
                self.sources
                    .entry(path.clone())
                    .or_insert_with(|| content.clone());
            }
        }
        let changes: Vec<String> = before
            .changes(&after)
            .into_iter()
            .filter(|c| !self.rerun_changes.contains(c))
            .collect();
        if let (false, Some((first, _))) = (changes.is_empty(), files.first()) {
            self.findings.push(finding(
                "rerun-sequence",
                first.clone(),
                None,
                format!(
                    "re-applying the {} hand-written migrations on the final database changes it: {}",
                    files.len(),
                    summarize(&changes)
                ),
                Some("each file must leave a database it already migrated as it is".to_owned()),
            ));
        }
        Ok(())
    }
}

/// Runs `files` again, in order, on the database `db` (whose connection
/// is `client`), and leaves it as it was: inside a transaction that is
/// rolled back when every file allows it (a few milliseconds), else on a
/// template copy (`CREATE DATABASE … TEMPLATE`, which needs `db` without
/// connections). The state before, each file's failures, the state after.
fn run_again(
    target: &Target,
    scratch: &mut Scratch<'_>,
    db: &str,
    client: &mut Option<postgres::Client>,
    files: &[&str],
    mode: Mode,
) -> Result<(state::State, Vec<Vec<Failure>>, state::State)> {
    let read = |c: &mut postgres::Client, in_transaction: bool| {
        state::State::read(c, in_transaction).context("reading the database's catalog")
    };
    let run = |c: &mut postgres::Client, within: Within| -> Vec<Vec<Failure>> {
        files
            .iter()
            .enumerate()
            .map(|(i, text)| {
                // Each file as in a session of its own: what one file SETs
                // or creates as temporary does not reach the next.
                if i > 0 {
                    let _ = match within {
                        Within::Transaction => c.batch_execute("RESET ALL; DISCARD TEMP"),
                        Within::Autocommit => end_session(c),
                    };
                }
                apply::apply(c, text, mode, within)
                    .into_iter()
                    .filter(|f| f.meta.is_none())
                    .collect()
            })
            .collect()
    };
    if files.iter().all(|t| apply::rollback_safe(t))
        && let Some(session) = client.as_mut()
    {
        // As a session of its own, as `psql -f` gets.
        session.batch_execute("DISCARD ALL")?;
        let positions = state::sequences(session).context("reading the sequences")?;
        session.batch_execute("BEGIN")?;
        // In autocommit each statement's deferred constraints are
        // checked when it commits.
        if mode == Mode::Statements {
            session.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
        }
        let before = read(session, true)?;
        let failures = run(session, Within::Transaction);
        let after = read(session, true)?;
        session.batch_execute("ROLLBACK")?;
        if !positions.is_empty() {
            session.batch_execute(&format!("{};", positions.join("; ")))?;
        }
        session.batch_execute("DISCARD ALL")?;
        // 25001 and 2D000: something refused inside a transaction block
        // (CONCURRENTLY, a procedure that commits) after all.
        let refused = |f: &Failure| f.code == "25001" || f.code == "2D000";
        if !failures.iter().flatten().any(refused) {
            return Ok((before, failures, after));
        }
    }
    drop(client.take());
    let copy = scratch.create(Some(db))?;
    let mut other = target.connect(Some(&copy))?;
    let before = read(&mut other, false)?;
    let failures = run(&mut other, Within::Autocommit);
    // As the last file's session ends.
    end_session(&mut other)?;
    let after = read(&mut other, false)?;
    drop(other);
    scratch.drop_db(&copy);
    *client = Some(target.connect(Some(db))?);
    Ok((before, failures, after))
}

/// The drift of the database `client` holds against the schema of
/// `project` as `base` has it: the keys (check, message) a finding of the
/// change's run must have to be pre-existing. Empty when the base has no
/// schema for the project (all drift is the change's); `None` when the
/// base's schema cannot be compared (nothing is raised or pre-existing).
fn drift_keys(
    client: &mut postgres::Client,
    marks: &introspect::Marks,
    base: &Snapshot,
    project: &project::Project,
    settings: &Settings,
) -> Option<HashSet<(String, String)>> {
    // The project as the base has it: its own schema files and config.
    let Some(then) = base
        .projects()
        .iter()
        .find(|p| p.dirs == project.dirs && p.schema.is_some())
    else {
        return Some(HashSet::new());
    };
    let expectation = SchemaOf::read(base, then)?.expectation(then, settings)?;
    let built = introspect::read(client, marks).ok()?;
    Some(
        database::compare(&expectation, &built)
            .into_iter()
            .map(|d| (d.drift.id().to_owned(), d.message))
            .collect(),
    )
}

/// The failed migration that explains `difference`: something missing or
/// different whose names (the subject, and the table or type the message
/// names first) all appear in the failed statement, or in the failed
/// script, which PostgreSQL undid whole.
fn explained_by<'e, O>(
    earlier: &'e [Earlier],
    difference: &database::Difference<'_, O>,
) -> Option<&'e Earlier> {
    if matches!(
        difference.drift,
        database::Drift::ExtraTable
            | database::Drift::ExtraColumn
            | database::Drift::ExtraEnumValue
            | database::Drift::ExtraForeignKey
    ) {
        return None;
    }
    let mut names: Vec<String> = difference
        .message
        .split('`')
        .skip(1)
        .step_by(2)
        .take(2)
        .map(str::to_lowercase)
        .collect();
    names.push(difference.subject.to_lowercase());
    earlier
        .iter()
        .rev()
        .find(|e| names.iter().all(|n| mentions_identifier(&e.statement, n)))
}

/// Where a migration names `name`: its first mention as a whole
/// identifier (quoted, else in any case), else the file's first line.
fn name_span(text: &str, name: &str) -> Span {
    let index = LineIndex::new(text);
    let quoted = format!("\"{name}\"");
    let at = text
        .find(&quoted)
        .map(|at| at..at + quoted.len())
        .or_else(|| {
            let lower = text.to_lowercase();
            let name = name.to_lowercase();
            // Lower-casing keeps byte offsets only for ASCII text.
            if lower.len() != text.len() {
                return None;
            }
            find_identifier(&lower, &name).map(|at| at..at + name.len())
        });
    index.span(text, at.unwrap_or(0..0))
}

/// The server's `server_version_num` (0 when it cannot be read).
fn server_version_num(client: &mut postgres::Client) -> u32 {
    client
        .query_one("SELECT current_setting('server_version_num')::int4", &[])
        .ok()
        .and_then(|row| u32::try_from(row.get::<_, i32>(0)).ok())
        .unwrap_or(0)
}

/// Ends a hand-written file's session as `psql -f` does when the file
/// ends: a transaction the file left open (a `BEGIN` without `COMMIT`) is
/// rolled back, then the session is made new (`DISCARD ALL`, which a
/// transaction block would refuse).
fn end_session(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    // Outside a transaction, PostgreSQL answers ROLLBACK with a warning.
    client.batch_execute("ROLLBACK")?;
    client.batch_execute("DISCARD ALL")
}

/// A finding of verify's `check`, with the check's severity.
fn finding(
    check: &str,
    path: impl Into<String>,
    span: Option<Span>,
    message: String,
    help: Option<String>,
) -> Finding {
    let severity = CHECKS
        .iter()
        .find(|(id, _, _)| *id == check)
        .map_or(Severity::Error, |(_, severity, _)| *severity);
    Finding {
        rule: RULE.to_owned(),
        check: check.to_owned(),
        severity,
        path: path.into(),
        span,
        message,
        help,
    }
}

/// The extension a failed `CREATE EXTENSION` statement names.
fn missing_extension(text: &str, failure: &Failure) -> Option<String> {
    let statement = &text[failure.statement.clone()?];
    let words: Vec<String> = statement
        .split_whitespace()
        .take(6)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.first().map(String::as_str) != Some("create")
        || words.get(1).map(String::as_str) != Some("extension")
    {
        return None;
    }
    // PostgreSQL 15: "could not open extension control file"; 16+:
    // "extension … is not available".
    let unavailable = failure.code == "58P01" || failure.code == "0A000";
    if !unavailable {
        return None;
    }
    let name = words
        .iter()
        .skip(2)
        .find(|w| !matches!(w.as_str(), "if" | "not" | "exists"))?;
    Some(name.trim_matches(|c| c == '"' || c == ';').to_owned())
}

/// `message (SQLSTATE code)`.
fn describe(failure: &Failure) -> String {
    if failure.code.is_empty() {
        failure.message.clone()
    } else {
        format!("{} (SQLSTATE {})", failure.message, failure.code)
    }
}

/// PostgreSQL's detail and hint as the finding's help, and the fix of
/// failures Prisma's generated SQL is known for.
fn help_of(failure: &Failure) -> Option<String> {
    let mut lines = Vec::new();
    if failure.code == "42804" && failure.message.starts_with("default for column") {
        lines.push(
            "PostgreSQL cannot convert the column's default to the new type: drop the default \
             first (`ALTER COLUMN … DROP DEFAULT`), change the type, then set the default \
             again (`ALTER COLUMN … SET DEFAULT …`)"
                .to_owned(),
        );
    }
    if let Some(detail) = &failure.detail {
        lines.push(format!("PostgreSQL: {detail}"));
    }
    if let Some(hint) = &failure.hint {
        lines.push(format!("hint: {hint}"));
    }
    if lines.is_empty() {
        lines.push("fix the migration so it applies on an empty database, in order".to_owned());
    }
    Some(lines.join("\n"))
}

/// The first few changes, and how many more.
fn summarize(changes: &[String]) -> String {
    let shown: Vec<&str> = changes.iter().take(3).map(String::as_str).collect();
    let more = changes.len().saturating_sub(shown.len());
    if more == 0 {
        shown.join("; ")
    } else {
        format!("{}; and {more} more", shown.join("; "))
    }
}

/// A span from `at` to the end of its word.
fn span_at(text: &str, index: &LineIndex, at: usize) -> Span {
    let at = at.min(text.len());
    let end = text[at..]
        .find(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == ',')
        .map_or(text.len(), |n| at + n)
        .max((at + 1).min(text.len()));
    index.span(text, at..end)
}
