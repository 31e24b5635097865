//! Project discovery: which Prisma schemas a repository has, which
//! migrations folders build each one's database, what each path in those
//! folders is, and the order the migrations run in.
//!
//! One implementation for the host (`drift-host init`, the guard) and every
//! rule (numbering checks the folders, schema-drift replays them), so two
//! parts of drift-host never disagree about where the migrations are.
//!
//! It works on sorted path lists only, so the same code classifies the
//! current snapshot and the base of a diff. What a schema file and a
//! hand-written migration are called is [`crate::migrations`]'.

use std::collections::BTreeMap;

use crate::migrations::{
    Direction, HandWritten, is_schema_file, parse_handwritten, split_prisma_name,
};
use crate::paths::{file_name, is_within, join, parent};
use crate::prisma_config::PrismaConfig;

/// A Prisma schema: one `schema.prisma`, or a `schema/` folder of
/// `.prisma` files (one of them holds the `datasource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// Where schema-level findings are reported: the file, or the folder.
    pub path: String,
    /// Every `.prisma` file of the schema, sorted.
    pub files: Vec<String>,
}

/// A schema and the migrations folders that build its database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// `None` for a configured folder with no schema beside it.
    pub schema: Option<Schema>,
    /// The migrations folders: those that hold files, else the one Prisma
    /// would create. A folder belongs to the first schema that claims it.
    pub dirs: Vec<String>,
    /// The folders came from configuration rather than discovery.
    pub configured: bool,
    /// The Prisma config that placed the project, if one did: what Prisma
    /// Migrate ignores (`tables.external`), the shadow database's set-up.
    pub config: Option<PrismaConfig>,
}

/// Finds the projects of a repository: every schema with the `migrations`
/// folder beside it (a multi-file `schema/` folder's may also be inside
/// it), or, with `configured`, those folders and the schema next to each.
/// Multi-file schemas come first, so `X/schema/schema.prisma` is part of
/// its folder rather than a schema of its own.
pub fn discover(paths: &[String], configured: Option<&[String]>) -> Vec<Project> {
    discover_with(paths, configured, &[])
}

/// Where Prisma looks for the schema of a package whose config names
/// none, relative to the package root, in Prisma's order.
const DEFAULT_SCHEMAS: &[&str] = &["prisma/schema.prisma", "schema.prisma", "prisma/schema"];

/// [`discover`], with the repository's Prisma configurations
/// ([`crate::prisma_config::read_all`]) first: each names its schema (a
/// file, or a folder whose `.prisma` files at any depth are the schema;
/// Prisma's default locations in the package when it names none) and its
/// migrations folder (default: `migrations` beside the schema file, or
/// inside the schema folder). What a config claims is not discovered
/// again from the paths alone.
pub fn discover_with(
    paths: &[String],
    configured: Option<&[String]>,
    configs: &[PrismaConfig],
) -> Vec<Project> {
    if let Some(dirs) = configured {
        return dirs
            .iter()
            .map(|d| normalize_dir(d))
            .map(|dir| Project {
                schema: schema_beside(paths, &dir),
                dirs: vec![dir],
                configured: true,
                config: None,
            })
            .collect();
    }
    let mut out: Vec<Project> = Vec::new();
    let mut claim =
        |schema: Option<Schema>, candidates: Vec<String>, config: Option<&PrismaConfig>| {
            let taken = |dir: &String| out.iter().any(|p| p.dirs.contains(dir));
            let existing: Vec<String> = candidates
                .iter()
                .filter(|d| has_files(paths, d))
                .cloned()
                .collect();
            let dirs: Vec<String> = if existing.is_empty() {
                candidates.into_iter().take(1).collect()
            } else {
                existing
            };
            let dirs: Vec<String> = dirs.into_iter().filter(|d| !taken(d)).collect();
            if !dirs.is_empty() {
                out.push(Project {
                    schema,
                    dirs,
                    configured: false,
                    config: config.cloned(),
                });
            }
        };
    // Schema files a config places in a project.
    let mut placed: Vec<String> = Vec::new();
    for config in configs {
        let named = match config.schema.as_deref() {
            Some(schema) => vec![schema.to_owned()],
            // Only a config file makes Prisma look in its package's
            // default places; a script or package.json names its schema.
            None if config.origin == crate::prisma_config::Origin::ConfigFile => DEFAULT_SCHEMAS
                .iter()
                .map(|d| join(config.base(), d))
                .collect(),
            None => continue,
        };
        let found = named.iter().find_map(|schema| schema_at(paths, schema));
        let Some((schema, default_dir)) = found else {
            // A schema that is not in the repository (generated by a
            // build step, a container path) still has its migrations: the
            // config's folder, else the one Prisma puts beside the schema
            // it names.
            let dir = match (&config.migrations, &config.schema) {
                (Some(dir), _) => Some(dir.clone()),
                (None, Some(schema)) => {
                    Some(default_migrations(schema)).filter(|d| has_files(paths, d))
                }
                (None, None) => None,
            };
            if let Some(dir) = dir {
                claim(None, vec![dir], Some(config));
            }
            continue;
        };
        if schema.files.iter().any(|f| placed.contains(f)) {
            continue;
        }
        let dir = config.migrations.clone().unwrap_or(default_dir);
        placed.extend(schema.files.iter().cloned());
        claim(Some(schema), vec![dir], Some(config));
    }
    // Multi-file schemas: a folder named `schema` with `.prisma` files in
    // it, and those of its subfolders (Prisma reads the folder
    // recursively).
    let mut multi: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in paths
        .iter()
        .filter(|p| is_schema_file(p) && !placed.contains(p))
    {
        let dir = parent(path);
        if file_name(dir) == "schema" {
            multi.entry(dir).or_default();
        }
    }
    let folders: Vec<&str> = multi.keys().copied().collect();
    for path in paths
        .iter()
        .filter(|p| is_schema_file(p) && !placed.contains(p))
    {
        // The nearest enclosing multi-file folder.
        if let Some(folder) = folders
            .iter()
            .filter(|f| is_within(path, f))
            .max_by_key(|f| f.len())
            && let Some(files) = multi.get_mut(folder)
        {
            files.push(path.clone());
        }
    }
    for (folder, files) in &multi {
        let dirs = vec![
            join(parent(folder), "migrations"),
            join(folder, "migrations"),
        ];
        if is_reference_copy(folder, &dirs, paths) {
            continue;
        }
        let schema = Schema {
            path: (*folder).to_owned(),
            files: files.clone(),
        };
        claim(Some(schema), dirs, None);
    }
    for path in paths
        .iter()
        .filter(|p| is_schema_file(p) && !placed.contains(p))
    {
        let dir = parent(path);
        if file_name(path) == "schema.prisma"
            && !folders.iter().any(|f| is_within(path, f))
            && !is_reference_copy(path, &[join(dir, "migrations")], paths)
        {
            // Models in other files below it (`models/*.prisma`) make the
            // folder the schema: a `schema.prisma` holding the datasource
            // alone is never compared as an empty schema.
            let others: Vec<&String> = paths
                .iter()
                .filter(|p| {
                    is_schema_file(p)
                        && *p != path
                        && is_within(p, dir)
                        && !placed.contains(p)
                        && !folders.iter().any(|f| is_within(p, f))
                        && !has_own_schema(paths, p, dir)
                })
                .collect();
            let schema = if others.is_empty() {
                Schema {
                    path: path.clone(),
                    files: vec![path.clone()],
                }
            } else {
                let mut files: Vec<String> = others.into_iter().cloned().collect();
                files.push(path.clone());
                files.sort();
                Schema {
                    path: dir.to_owned(),
                    files,
                }
            };
            claim(Some(schema), vec![join(dir, "migrations")], None);
        }
    }
    adopt_locked_folders(paths, &mut out);
    out
}

/// Folders of documentation and test inputs: a schema kept there is a
/// copy for reference or a fixture, not a project Prisma's CLI finds.
const REFERENCE_FOLDERS: &[&str] = &[
    "docs",
    "doc",
    "__tests__",
    "__fixtures__",
    "fixtures",
    "testdata",
];

/// True for a schema no config names, inside a documentation or fixture
/// folder, with no migrations in `dirs`: nothing a user would migrate (a
/// migrations folder beside it makes it a project after all).
fn is_reference_copy(schema: &str, dirs: &[String], paths: &[String]) -> bool {
    schema
        .split('/')
        .any(|part| REFERENCE_FOLDERS.contains(&part))
        && !dirs.iter().any(|d| has_files(paths, d))
}

/// A project whose migrations folder does not exist in the repository (a
/// config pointing at a generated, git-ignored folder; a schema whose
/// folder has another name) takes the folder of its package that holds
/// Prisma's `migration_lock.toml`, the file Prisma writes into every
/// migrations folder, when exactly one such folder is unclaimed there.
fn adopt_locked_folders(paths: &[String], projects: &mut [Project]) {
    let locked: Vec<&str> = paths
        .iter()
        .filter(|p| file_name(p) == "migration_lock.toml")
        .map(|p| parent(p))
        .collect();
    if locked.is_empty() {
        return;
    }
    let claimed =
        |projects: &[Project], dir: &str| projects.iter().any(|p| p.dirs.iter().any(|d| d == dir));
    for index in 0..projects.len() {
        let project = &projects[index];
        if project.dirs.iter().any(|d| has_files(paths, d)) {
            continue;
        }
        let package = match (&project.config, &project.schema) {
            (Some(config), _) => config.base().to_owned(),
            (None, Some(schema)) => parent(&schema.path).to_owned(),
            (None, None) => continue,
        };
        let candidates: Vec<&str> = locked
            .iter()
            .copied()
            .filter(|dir| is_within(dir, &package) && !claimed(projects, dir))
            .collect();
        if let [dir] = candidates.as_slice() {
            projects[index].dirs = vec![(*dir).to_owned()];
        }
    }
}

/// True when `file` (below `dir`) sits in a folder below `dir` that has a
/// `schema.prisma` of its own: another project's.
fn has_own_schema(paths: &[String], file: &str, dir: &str) -> bool {
    let mut folder = parent(file);
    while folder != dir && is_within(folder, dir) {
        if paths.iter().any(|p| *p == join(folder, "schema.prisma")) {
            return true;
        }
        folder = parent(folder);
    }
    false
}

/// The schema a config's `schema` value names, with the migrations folder
/// Prisma uses by default for it: a `.prisma` file (`migrations` beside
/// it), or a folder of them at any depth (`migrations` inside it).
fn schema_at(paths: &[String], schema: &str) -> Option<(Schema, String)> {
    let dir = default_migrations(schema);
    if schema.ends_with(".prisma") {
        if !paths.iter().any(|p| p == schema) {
            return None;
        }
        return Some((
            Schema {
                path: schema.to_owned(),
                files: vec![schema.to_owned()],
            },
            dir,
        ));
    }
    let files: Vec<String> = paths
        .iter()
        .filter(|p| is_within(p, schema) && is_schema_file(p))
        .cloned()
        .collect();
    if files.is_empty() {
        return None;
    }
    Some((
        Schema {
            path: schema.to_owned(),
            files,
        },
        dir,
    ))
}

/// Prisma's migrations folder for a schema: beside a schema file, inside
/// a schema folder.
fn default_migrations(schema: &str) -> String {
    if schema.ends_with(".prisma") {
        join(parent(schema), "migrations")
    } else {
        join(schema, "migrations")
    }
}

/// Accepts `./a/b/`, `a\b` and friends for a configured folder.
fn normalize_dir(dir: &str) -> String {
    let dir = dir.trim().replace('\\', "/");
    let dir = dir.trim_start_matches("./").trim_matches('/');
    dir.to_owned()
}

/// The schema next to a configured migrations folder `dir`: a
/// `schema.prisma` beside it, a `schema/` folder beside it, or another
/// `.prisma` file beside it.
fn schema_beside(paths: &[String], dir: &str) -> Option<Schema> {
    let up = parent(dir);
    let single = join(up, "schema.prisma");
    if paths.contains(&single) {
        return Some(Schema {
            files: vec![single.clone()],
            path: single,
        });
    }
    for folder in [join(up, "schema"), up.to_owned()] {
        let files: Vec<String> = paths
            .iter()
            .filter(|p| parent(p) == folder && is_schema_file(p))
            .cloned()
            .collect();
        if let Some(first) = files.first() {
            // A folder named `schema` is a multi-file schema; otherwise a
            // custom-named schema file sits next to the migrations.
            let path = if file_name(&folder) == "schema" {
                folder.clone()
            } else {
                first.clone()
            };
            return Some(Schema { path, files });
        }
    }
    None
}

fn has_files(paths: &[String], dir: &str) -> bool {
    paths.iter().any(|p| is_within(p, dir))
}

/// A subfolder of a migrations folder: a Prisma migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismaFolder {
    pub path: String,
    pub name: String,
    /// The 14-digit prefix when the name has the `<timestamp>_<name>` shape.
    pub timestamp: Option<String>,
    /// The part after the timestamp, when the name has that shape.
    pub slug: Option<String>,
    /// Files directly inside the folder (full paths).
    pub files: Vec<String>,
}

impl PrismaFolder {
    pub fn migration_sql(&self) -> String {
        join(&self.path, "migration.sql")
    }

    /// Whether Prisma applies it: it has a `migration.sql`.
    pub fn has_migration_sql(&self) -> bool {
        let sql = self.migration_sql();
        self.files.contains(&sql)
    }
}

/// A path in a migrations folder that no migration runner will pick up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    pub path: String,
    /// True for a `.sql` file nested below a Prisma folder.
    pub nested: bool,
}

/// Everything found in one migrations folder.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub handwritten: Vec<HandWritten>,
    /// Sorted by name, the order Prisma applies them in.
    pub prisma: Vec<PrismaFolder>,
    pub strays: Vec<Stray>,
    pub lock: Option<String>,
    pub is_empty: bool,
}

impl Contents {
    /// The hand-written migrations that move forward (not rollbacks).
    pub fn forward(&self) -> impl Iterator<Item = &HandWritten> {
        self.handwritten
            .iter()
            .filter(|h| h.direction == Direction::Forward)
    }
}

/// Files that live in migrations folders without being migrations.
fn is_ignored(name: &str) -> bool {
    name == "migration_lock.toml" || name.starts_with("README") || name.starts_with('.')
}

/// Sorts the paths inside `dir` into hand-written files, Prisma folders and
/// strays.
pub fn scan(paths: &[String], dir: &str) -> Contents {
    let mut contents = Contents {
        is_empty: true,
        ..Contents::default()
    };
    let mut folders: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in paths.iter().filter(|p| is_within(p, dir)) {
        contents.is_empty = false;
        let rest = if dir.is_empty() {
            path.as_str()
        } else {
            path.get(dir.len() + 1..).unwrap_or_default()
        };
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [name] if *name == "migration_lock.toml" => contents.lock = Some(path.clone()),
            [name] if is_ignored(name) => {}
            [name] => match parse_handwritten(path, name) {
                Some(h) => contents.handwritten.push(h),
                None => contents.strays.push(Stray {
                    path: path.clone(),
                    nested: false,
                }),
            },
            [folder, _] => folders.entry(folder).or_default().push(path.clone()),
            _ if path.ends_with(".sql") => contents.strays.push(Stray {
                path: path.clone(),
                nested: true,
            }),
            _ => {}
        }
    }
    contents.prisma = folders
        .into_iter()
        .map(|(name, files)| {
            let (timestamp, slug) = match split_prisma_name(name) {
                Some((ts, slug)) => (Some(ts.to_owned()), Some(slug.to_owned())),
                None => (None, None),
            };
            PrismaFolder {
                path: join(dir, name),
                name: name.to_owned(),
                timestamp,
                slug,
                files,
            }
        })
        .collect();
    contents
}

/// Which kind of migration runs first when a folder has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    PrismaFirst,
    HandwrittenFirst,
}

/// The forward migrations in `dirs`, in the order they run: Prisma's
/// folders that have a `migration.sql` in name order (baselines such as
/// `0_init` included, as Prisma applies them), the hand-written files in
/// number order, one kind before the other.
pub fn run_order(paths: &[String], dirs: &[String], order: Order) -> Vec<String> {
    let mut prisma: Vec<(String, String)> = Vec::new();
    let mut handwritten: Vec<((u64, String), String)> = Vec::new();
    for dir in dirs {
        let contents = scan(paths, dir);
        for folder in contents.prisma.iter().filter(|f| f.has_migration_sql()) {
            prisma.push((folder.name.clone(), folder.migration_sql()));
        }
        for h in contents.forward() {
            handwritten.push(((h.number, h.file_name.clone()), h.path.clone()));
        }
    }
    prisma.sort();
    handwritten.sort();
    let prisma = prisma.into_iter().map(|(_, p)| p);
    let handwritten = handwritten.into_iter().map(|(_, p)| p);
    match order {
        Order::PrismaFirst => prisma.chain(handwritten).collect(),
        Order::HandwrittenFirst => handwritten.chain(prisma).collect(),
    }
}

/// Folders named `migrations` that hold SQL files and that no project
/// claims (a repository of hand-written migrations without a Prisma
/// schema), sorted.
pub fn unclaimed_migration_dirs(paths: &[String], projects: &[Project]) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for path in paths.iter().filter(|p| p.ends_with(".sql")) {
        let parts: Vec<&str> = path.split('/').collect();
        let Some(at) = parts.iter().rposition(|c| *c == "migrations") else {
            continue;
        };
        let dir = parts[..=at].join("/");
        let claimed = projects.iter().any(|p| p.dirs.contains(&dir));
        if !claimed && !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs.sort();
    dirs
}

/// True when the repository has a database for drift-host to look at: a
/// Prisma schema, or SQL files in a `migrations` folder.
pub fn has_database<'a>(paths: impl IntoIterator<Item = &'a str>) -> bool {
    paths.into_iter().any(|p| {
        is_schema_file(p)
            || (p.ends_with(".sql") && (p.starts_with("migrations/") || p.contains("/migrations/")))
    })
}

/// The agent (family) that reads an instruction file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Agent {
    /// `CLAUDE.md`, at any depth.
    Claude,
    /// `AGENTS.md`, at any depth (Codex, Jules, Amp, ...).
    Agents,
    /// `.github/copilot-instructions.md`.
    Copilot,
    /// `.cursor/rules/*` and `.cursorrules`.
    Cursor,
    /// `GEMINI.md`, at any depth.
    Gemini,
}

/// The agent that reads `path`, when it is an instruction file. Files in
/// a `skills` folder are not: a skill is read on demand, by name, and
/// vendored skills carry their own `AGENTS.md`; nor are dependencies'.
pub fn agent_of(path: &str) -> Option<Agent> {
    if path
        .split('/')
        .any(|c| c == "skills" || c == "node_modules")
    {
        return None;
    }
    match file_name(path) {
        "CLAUDE.md" => Some(Agent::Claude),
        "AGENTS.md" => Some(Agent::Agents),
        "GEMINI.md" => Some(Agent::Gemini),
        _ if path == ".github/copilot-instructions.md" => Some(Agent::Copilot),
        _ if path == ".cursorrules" || path.starts_with(".cursor/rules/") => Some(Agent::Cursor),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    }

    /// A schema package.json names but a build step generates (not in the
    /// repository) still owns the migrations folder beside it; copies of
    /// schemas kept in documentation or fixtures are not projects unless
    /// migrations sit beside them.
    #[test]
    fn generated_schemas_keep_their_migrations_and_reference_copies_are_not_projects() {
        let p = paths(&[
            "package.json",
            "packages/db/prisma/schema.full.prisma",
            "packages/db/prisma/migrations/migration_lock.toml",
            "packages/db/prisma/migrations/20240101000000_init/migration.sql",
            "apps/engine/docs/reference/schema.prisma",
            "apps/engine/docs/reference/schema-full.prisma",
            "src/__tests__/fixtures/schema.prisma",
            "examples/docs/prisma/schema.prisma",
            "examples/docs/prisma/migrations/1_x/migration.sql",
        ]);
        let configs = crate::prisma_config::read_all([(
            "package.json",
            r#"{"prisma": {"schema": "packages/db/prisma/schema.prisma"}}"#,
        )]);
        let found = discover_with(&p, None, &configs);
        let shape: Vec<(Option<&str>, Vec<&str>, bool)> = found
            .iter()
            .map(|p| {
                (
                    p.schema.as_ref().map(|s| s.path.as_str()),
                    p.dirs.iter().map(String::as_str).collect(),
                    p.config.is_some(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (None, vec!["packages/db/prisma/migrations"], true),
                (
                    Some("examples/docs/prisma/schema.prisma"),
                    vec!["examples/docs/prisma/migrations"],
                    false
                ),
            ]
        );
    }

    /// A config's schema folder holds every `.prisma` file below it (a
    /// datasource-only `schema.prisma` beside `models/*.prisma`), and its
    /// migrations folder is the config's, not one guessed from paths.
    #[test]
    fn prisma_configs_place_schemas_and_migrations() {
        let p = paths(&[
            "packages/database/prisma.config.ts",
            "packages/database/prisma/schema.prisma",
            "packages/database/prisma/models/user.prisma",
            "packages/database/prisma/models/poll.prisma",
            "packages/database/prisma/migrations/20240101000000_init/migration.sql",
            "apps/web/prisma/schema.prisma",
            "apps/web/prisma/migrations/1_x/migration.sql",
            "db/schema.prisma",
            "db/sql/01_x.sql",
        ]);
        let configs = [
            crate::prisma_config::read(
                "packages/database/prisma.config.ts",
                "export default { schema: path.join(__dirname, 'prisma'), migrations: { path: 'prisma/migrations' } }",
            ),
            crate::prisma_config::read(
                "db/prisma.config.ts",
                "export default { schema: 'schema.prisma', migrations: { path: './sql' } }",
            ),
        ];
        let found = discover_with(&p, None, &configs);
        let shape: Vec<(String, usize, Vec<String>)> = found
            .iter()
            .map(|p| {
                let s = p.schema.as_ref().unwrap();
                (s.path.clone(), s.files.len(), p.dirs.clone())
            })
            .collect();
        assert_eq!(
            shape,
            [
                (
                    "packages/database/prisma".to_owned(),
                    3,
                    vec!["packages/database/prisma/migrations".to_owned()]
                ),
                ("db/schema.prisma".to_owned(), 1, vec!["db/sql".to_owned()]),
                (
                    "apps/web/prisma/schema.prisma".to_owned(),
                    1,
                    vec!["apps/web/prisma/migrations".to_owned()]
                ),
            ]
        );
        // Without the configs, the models below the datasource-only file
        // still make its folder the schema.
        let plain = discover(&p, None);
        let database = plain
            .iter()
            .find_map(|p| {
                p.schema
                    .as_ref()
                    .filter(|s| s.path == "packages/database/prisma")
            })
            .unwrap();
        assert_eq!(
            database.files,
            [
                "packages/database/prisma/models/poll.prisma",
                "packages/database/prisma/models/user.prisma",
                "packages/database/prisma/schema.prisma"
            ]
        );
    }

    /// Prisma's defaults for a config that names no schema, a config whose
    /// schema is computed, a script's `--schema`, and a schema folder read
    /// recursively.
    #[test]
    fn configs_without_a_schema_and_nested_schema_folders() {
        use crate::prisma_config::{read, read_all};
        let p = paths(&[
            "api/prisma.config.ts",
            "api/prisma/schema.prisma",
            "api/db/migrations/20240101000000_init/migration.sql",
            "worker/prisma.config.ts",
            "worker/sql/0001_init/migration.sql",
            "audit/package.json",
            "audit/db/audit.prisma",
            "audit/db/migrations/20240101000000_init/migration.sql",
            "web/prisma/schema/main.prisma",
            "web/prisma/schema/models/user.prisma",
            "web/prisma/schema/models/billing/invoice.prisma",
            "web/prisma/migrations/20240101000000_init/migration.sql",
            "packages/schema/prisma/schema.prisma",
        ]);
        let mut configs = vec![
            read(
                "api/prisma.config.ts",
                "export default { migrations: { path: 'db/migrations' } }",
            ),
            read(
                "worker/prisma.config.ts",
                "export default { schema: process.env.SCHEMA, migrations: { path: 'sql' } }",
            ),
        ];
        configs.extend(read_all([(
            "audit/package.json",
            r#"{"scripts": {"migrate": "prisma migrate deploy --schema db/audit.prisma"}}"#,
        )]));
        let found = discover_with(&p, None, &configs);
        let shape: Vec<(Option<String>, usize, Vec<String>, bool)> = found
            .iter()
            .map(|p| {
                (
                    p.schema.as_ref().map(|s| s.path.clone()),
                    p.schema.as_ref().map_or(0, |s| s.files.len()),
                    p.dirs.clone(),
                    p.config.is_some(),
                )
            })
            .collect();
        let s = |x: &str| x.to_owned();
        assert_eq!(
            shape,
            [
                (
                    Some(s("api/prisma/schema.prisma")),
                    1,
                    vec![s("api/db/migrations")],
                    true
                ),
                (None, 0, vec![s("worker/sql")], true),
                (
                    Some(s("audit/db/audit.prisma")),
                    1,
                    vec![s("audit/db/migrations")],
                    true
                ),
                (
                    Some(s("web/prisma/schema")),
                    3,
                    vec![s("web/prisma/migrations")],
                    false
                ),
                // A package named `schema` is not a schema folder.
                (
                    Some(s("packages/schema/prisma/schema.prisma")),
                    1,
                    vec![s("packages/schema/prisma/migrations")],
                    false
                ),
            ]
        );
    }

    /// A config pointing at a generated, git-ignored folder: the package's
    /// folder holding `migration_lock.toml` is the migrations folder.
    #[test]
    fn a_missing_folder_adopts_the_packages_locked_one() {
        let p = paths(&[
            "packages/database/prisma.config.ts",
            "packages/database/schema/main.prisma",
            "packages/database/migration/migration_lock.toml",
            "packages/database/migration/20230329205933_init/migration.sql",
            "packages/database/migration/20240101000000_backfill/migration.ts",
            "packages/other/migrations/migration_lock.toml",
        ]);
        let configs = [crate::prisma_config::read(
            "packages/database/prisma.config.ts",
            "export default { schema: './schema', migrations: { path: './.prisma-migrations' } }",
        )];
        let found = discover_with(&p, None, &configs);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].dirs, ["packages/database/migration"]);
        // Two candidates in the package: neither is guessed.
        let mut two = p.clone();
        two.push("packages/database/legacy/migration_lock.toml".to_owned());
        two.sort();
        let found = discover_with(&two, None, &configs);
        assert_eq!(found[0].dirs, ["packages/database/.prisma-migrations"]);
    }

    #[test]
    fn discovers_single_and_multi_file_schemas() {
        let p = paths(&[
            "a/schema.prisma",
            "a/migrations/01_x.sql",
            "b/prisma/schema/models.prisma",
            "b/prisma/schema/main.prisma",
            "b/prisma/migrations/01_x.sql",
            "c/schema/base.prisma",
            "c/schema/migrations/01_x.sql",
            "d/schema/base.prisma",
            "e/schema/base.prisma",
            "e/migrations/01_x.sql",
            "e/schema/migrations/01_x.sql",
            "f/prisma/schema.prisma",
            "f/prisma/models/user.prisma",
            "f/prisma/models/billing/invoice.prisma",
            "f/prisma/migrations/20240101000000_x/migration.sql",
            "f/prisma/tenant/schema.prisma",
            "f/prisma/tenant/views.prisma",
            "node_modules/.prisma/client/schema.prisma",
        ]);
        let found: Vec<(Vec<String>, String)> = discover(&p, None)
            .into_iter()
            .map(|p| (p.dirs, p.schema.unwrap().path))
            .collect();
        let expect: Vec<(Vec<String>, String)> = [
            (&["b/prisma/migrations"][..], "b/prisma/schema"),
            (&["c/schema/migrations"], "c/schema"),
            (&["d/migrations"], "d/schema"),
            (&["e/migrations", "e/schema/migrations"], "e/schema"),
            (&["a/migrations"], "a/schema.prisma"),
            // A datasource-only `schema.prisma` with models below it.
            (&["f/prisma/migrations"], "f/prisma"),
            (&["f/prisma/tenant/migrations"], "f/prisma/tenant"),
        ]
        .iter()
        .map(|(dirs, s)| {
            (
                dirs.iter().map(|d| (*d).to_owned()).collect(),
                (*s).to_owned(),
            )
        })
        .collect();
        assert_eq!(found, expect);
        // The tenant's files are its own, not the enclosing schema's.
        let files = |path: &str| -> Vec<String> {
            discover(&p, None)
                .into_iter()
                .filter_map(|p| p.schema)
                .find(|s| s.path == path)
                .map(|s| s.files)
                .unwrap_or_default()
        };
        assert_eq!(
            files("f/prisma"),
            [
                "f/prisma/models/billing/invoice.prisma",
                "f/prisma/models/user.prisma",
                "f/prisma/schema.prisma"
            ]
        );
        assert_eq!(
            files("f/prisma/tenant"),
            [
                "f/prisma/tenant/schema.prisma",
                "f/prisma/tenant/views.prisma"
            ]
        );
    }

    #[test]
    fn a_folder_belongs_to_one_schema() {
        let p = paths(&[
            "a/schema.prisma",
            "a/schema/x.prisma",
            "a/migrations/01_x.sql",
        ]);
        let found = discover(&p, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].schema.as_ref().unwrap().path, "a/schema");
    }

    #[test]
    fn configured_dirs_find_their_schema() {
        let p = paths(&[
            "x/schema.prisma",
            "y/app.prisma",
            "z/schema/one.prisma",
            "w/schema/one.prisma",
        ]);
        let dirs: Vec<String> = [
            "./x/migrations/",
            "y/sql",
            "z/schema/migrations",
            "w/migrations",
            "v/m",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let found: Vec<(String, Option<String>, bool)> = discover(&p, Some(&dirs))
            .into_iter()
            .map(|p| (p.dirs.join(","), p.schema.map(|s| s.path), p.configured))
            .collect();
        assert_eq!(
            found,
            vec![
                ("x/migrations".into(), Some("x/schema.prisma".into()), true),
                ("y/sql".into(), Some("y/app.prisma".into()), true),
                ("z/schema/migrations".into(), Some("z/schema".into()), true),
                ("w/migrations".into(), Some("w/schema".into()), true),
                ("v/m".into(), None, true),
            ]
        );
    }

    #[test]
    fn scan_sorts_paths_by_kind() {
        let p = paths(&[
            "m/01_a.sql",
            "m/01_a_rollback.sql",
            "m/migration_lock.toml",
            "m/README.md",
            "m/.gitkeep",
            "m/notes.txt",
            "m/20240101120000_init/migration.sql",
            "m/20240101120000_init/deep/x.sql",
            "m/20240101120000_init/deep/x.txt",
            "other/01_b.sql",
        ]);
        let c = scan(&p, "m");
        assert_eq!(c.handwritten.len(), 2);
        assert_eq!(c.forward().count(), 1);
        assert_eq!(c.lock.as_deref(), Some("m/migration_lock.toml"));
        assert_eq!(c.prisma.len(), 1);
        assert_eq!(c.prisma[0].timestamp.as_deref(), Some("20240101120000"));
        assert!(c.prisma[0].has_migration_sql());
        let strays: Vec<(&str, bool)> = c
            .strays
            .iter()
            .map(|s| (s.path.as_str(), s.nested))
            .collect();
        assert_eq!(
            strays,
            vec![
                ("m/20240101120000_init/deep/x.sql", true),
                ("m/notes.txt", false)
            ]
        );
        assert!(scan(&p, "nothing").is_empty);
    }

    #[test]
    fn migrations_run_in_order() {
        let paths: Vec<String> = paths(&[
            "prisma/migrations/02_seed.sql",
            "prisma/migrations/02_seed_rollback.sql",
            "prisma/migrations/10_more.sql",
            "prisma/migrations/1_first.down.sql",
            "prisma/migrations/20240201000000_b/migration.sql",
            "prisma/migrations/20240101000000_a/migration.sql",
            "prisma/migrations/0_init/migration.sql",
            "prisma/migrations/0_init/notes.md",
            "prisma/migrations/30000101000000_empty/notes.md",
            "prisma/migrations/migration_lock.toml",
            "prisma/schema.prisma",
        ]);
        let projects = discover(&paths, None);
        assert_eq!(projects.len(), 1);
        let dirs = &projects[0].dirs;
        assert_eq!(
            run_order(&paths, dirs, Order::PrismaFirst),
            [
                "prisma/migrations/0_init/migration.sql",
                "prisma/migrations/20240101000000_a/migration.sql",
                "prisma/migrations/20240201000000_b/migration.sql",
                "prisma/migrations/02_seed.sql",
                "prisma/migrations/10_more.sql",
            ]
        );
        assert_eq!(
            run_order(&paths, dirs, Order::HandwrittenFirst)[0],
            "prisma/migrations/02_seed.sql"
        );
    }

    #[test]
    fn databases_and_agent_files() {
        assert!(has_database(["prisma/schema.prisma"]));
        assert!(has_database(["server/prisma/migrations/01_x.sql"]));
        assert!(has_database(["migrations/20240101_init/migration.sql"]));
        assert!(!has_database(["prisma/migrations/migration_lock.toml"]));
        assert!(!has_database(["node_modules/.prisma/client/schema.prisma"]));
        assert_eq!(agent_of("a/b/CLAUDE.md"), Some(Agent::Claude));
        assert_eq!(agent_of(".cursor/rules/db.mdc"), Some(Agent::Cursor));
        assert_eq!(agent_of("prisma/schema.prisma"), None);
    }
}
