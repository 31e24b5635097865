//! Prisma's project configuration, read without running it: a
//! `prisma.config.{ts,mts,cts,js,mjs,cjs}` (at a package root, or as
//! `.config/prisma.*`), package.json's `"prisma": {"schema": …}`, and the
//! `--schema` a package.json script hands to the Prisma CLI.
//!
//! A config is a program, but the fields that move a project are nearly
//! always literals: `schema: "./schema"`, `path.join(__dirname, "prisma")`,
//! `path.resolve(__dirname, "prisma/migrations")`. Those are read; anything
//! else (a variable, an absolute path of a container, a template string)
//! leaves the field unknown, is listed in [`PrismaConfig::dynamic`] so the
//! user is told, and discovery falls back to Prisma's defaults for it.
//! Paths are relative to the config file's folder, as Prisma resolves them
//! (for a script, the package's folder, where npm runs it).
//!
//! Besides where the project lives, a config says what Prisma Migrate
//! leaves alone (`tables.external`, `enums.external`), the SQL it runs on
//! the shadow database before replaying the migrations
//! (`migrations.initShadowDb`), and which variables hold the database URLs
//! (`datasource.url`, `directUrl`, `shadowDatabaseUrl`).

use crate::paths::{file_name, parent};

/// Where a [`PrismaConfig`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A `prisma.config.*` file.
    ConfigFile,
    /// package.json's `"prisma"` key (deprecated by Prisma, still read
    /// when the package has no config file).
    PackageJson,
    /// A package.json script running `prisma … --schema <path>`.
    Script,
}

/// A value a config gives a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// `env("X")`, `process.env.X`, `process.env["X"]`.
    Env(String),
    /// A literal URL.
    Literal(String),
}

/// The database URLs of a config's `datasource`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    pub url: Option<UrlSource>,
    pub direct_url: Option<UrlSource>,
    pub shadow_database_url: Option<UrlSource>,
}

/// What a Prisma config says about a project. Paths are repository paths,
/// resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismaConfig {
    /// The file it was read from.
    pub path: String,
    pub origin: Origin,
    /// The schema file, or the folder of a multi-file schema.
    pub schema: Option<String>,
    /// The migrations folder.
    pub migrations: Option<String>,
    /// `migrations.initShadowDb`: SQL Prisma runs on an empty shadow
    /// database before it replays the migrations.
    pub init_shadow_db: Option<String>,
    /// `tables.external`: tables Prisma Migrate neither creates nor
    /// compares, as written (`"users"` or `"auth.users"`).
    pub external_tables: Vec<String>,
    /// `enums.external`, likewise.
    pub external_enums: Vec<String>,
    pub urls: Urls,
    /// Fields the config sets in a way only running it would tell
    /// (`schema: process.env.SCHEMA`): their defaults are used.
    pub dynamic: Vec<&'static str>,
}

impl PrismaConfig {
    fn empty(path: &str, origin: Origin) -> Self {
        Self {
            path: path.to_owned(),
            origin,
            schema: None,
            migrations: None,
            init_shadow_db: None,
            external_tables: Vec::new(),
            external_enums: Vec::new(),
            urls: Urls::default(),
            dynamic: Vec::new(),
        }
    }

    /// The folder its relative paths start from (the package root).
    pub fn base(&self) -> &str {
        base_dir(&self.path)
    }

    /// True when `table` of PostgreSQL schema `schema` (`None`: `public`)
    /// is one of `tables.external` (`schema.table`, or a bare name in any
    /// schema).
    pub fn is_external_table(&self, schema: Option<&str>, table: &str) -> bool {
        names_match(&self.external_tables, schema, table)
    }

    /// True when enum type `name` of `schema` is one of `enums.external`.
    pub fn is_external_enum(&self, schema: Option<&str>, name: &str) -> bool {
        names_match(&self.external_enums, schema, name)
    }
}

/// True when `list` names `name` of `schema`: `auth.users` is not
/// `public.users`.
pub fn names_match(list: &[String], schema: Option<&str>, name: &str) -> bool {
    list.iter().any(|entry| match entry.rsplit_once('.') {
        Some((s, n)) => n == name && s == schema.unwrap_or("public"),
        None => entry == name,
    })
}

const EXTENSIONS: &[&str] = &["ts", "mts", "cts", "js", "mjs", "cjs"];

/// Where Prisma looks for its config by itself, relative to the package
/// root, in its order.
pub const CONFIG_NAMES: &[&str] = &[
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.cts",
    "prisma.config.js",
    "prisma.config.mjs",
    "prisma.config.cjs",
    ".config/prisma.ts",
    ".config/prisma.mts",
    ".config/prisma.cts",
    ".config/prisma.js",
    ".config/prisma.mjs",
    ".config/prisma.cjs",
];

/// True when `path` is where Prisma looks for its config by itself:
/// `prisma.config.*`, `.config/prisma.*`.
fn is_default_config(path: &str) -> bool {
    let name = file_name(path);
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !EXTENSIONS.contains(&ext) {
        return false;
    }
    stem == "prisma.config" || (stem == "prisma" && file_name(parent(path)) == ".config")
}

/// True when `path` is a Prisma config file: at a default place, or named
/// like one for a script's `--config` (`prisma.e2e.config.ts`,
/// `db-prisma.config.mjs`).
pub fn is_prisma_config(path: &str) -> bool {
    if is_default_config(path) {
        return true;
    }
    let name = file_name(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        EXTENSIONS.contains(&ext) && stem.ends_with(".config") && stem.contains("prisma")
    })
}

/// True when `path` may configure a Prisma project: a config file or a
/// `package.json`.
pub fn is_config_source(path: &str) -> bool {
    is_prisma_config(path) || file_name(path) == "package.json"
}

/// The globs of the files [`read_all`] reads, for a rule's `include`.
pub const GLOBS: &[&str] = &[
    // Named like a config for a script's `--config` too
    // ([`is_prisma_config`]): `prisma.e2e.config.ts`.
    "**/*prisma*.config.*",
    "**/.config/prisma.*",
    "**/package.json",
];

/// Reads every Prisma configuration among `files` (path, text): config
/// files first, then package.json keys and scripts, each group sorted by
/// path. A config file with another name than Prisma's defaults counts
/// when a script passes it as `--config`. A package's `"prisma"` key is
/// ignored when the package has a config file, as Prisma does. Other
/// files are skipped.
pub fn read_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<PrismaConfig> {
    let mut configs: Vec<PrismaConfig> = Vec::new();
    let mut packages: Vec<PrismaConfig> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for (path, text) in files {
        if is_prisma_config(path) {
            configs.push(read(path, text));
        } else if file_name(path) == "package.json" && configures_prisma(text) {
            let (found, configs_named) = package_json(path, text);
            packages.extend(found);
            named.extend(configs_named);
        }
    }
    configs.retain(|c| is_default_config(&c.path) || named.contains(&c.path));
    configs.sort_by(|a, b| a.path.cmp(&b.path));
    packages.retain(|p| {
        p.origin != Origin::PackageJson || !configs.iter().any(|c| c.base() == p.base())
    });
    packages.sort_by(|a, b| (a.origin, &a.path, &a.schema).cmp(&(b.origin, &b.path, &b.schema)));
    packages.dedup_by(|a, b| a.origin == b.origin && a.path == b.path && a.schema == b.schema);
    configs.extend(packages);
    configs
}

/// The folder a config's relative paths start from: its own, or the
/// package root for `.config/prisma.ts`.
fn base_dir(path: &str) -> &str {
    let dir = parent(path);
    if file_name(dir) == ".config" {
        parent(dir)
    } else {
        dir
    }
}

/// Reads the config at `path` with content `text`.
pub fn read(path: &str, text: &str) -> PrismaConfig {
    let code = strip_comments(text);
    let base = base_dir(path);
    let mut config = PrismaConfig::empty(path, Origin::ConfigFile);
    let mut dynamic = Vec::new();
    let mut path_field = |value: Option<String>, present: bool, name: &'static str| {
        let resolved = value.as_deref().and_then(|v| resolve(base, v));
        if present && resolved.is_none() {
            dynamic.push(name);
        }
        resolved
    };
    config.schema = path_field(
        value_of(&code, "schema", 0),
        property(&code, "schema", 0).is_some(),
        "schema",
    );
    if let Some((start, end)) = object_of(&code, "migrations") {
        let inner = code.get(..end).unwrap_or_default();
        config.migrations = path_field(
            value_of(inner, "path", start),
            property(inner, "path", start).is_some(),
            "migrations.path",
        );
        config.init_shadow_db = property(inner, "initShadowDb", start)
            .and_then(|at| string_literal(code.get(at..)?.trim_start()));
    }
    config.dynamic = dynamic;
    config.external_tables = external(&code, "tables");
    config.external_enums = external(&code, "enums");
    if let Some((start, end)) = object_of(&code, "datasource") {
        let inner = code.get(..end).unwrap_or_default();
        let url = |key| url_of(inner, key, start);
        config.urls = Urls {
            url: url("url"),
            direct_url: url("directUrl"),
            shadow_database_url: url("shadowDatabaseUrl"),
        };
    }
    config
}

/// The string array of `<key>: { external: [...] }`.
fn external(code: &str, key: &str) -> Vec<String> {
    let Some((start, end)) = object_of(code, key) else {
        return Vec::new();
    };
    let inner = code.get(..end).unwrap_or_default();
    let Some(at) = property(inner, "external", start) else {
        return Vec::new();
    };
    let Some(list) = inner
        .get(at..)
        .and_then(|r| r.trim_start().strip_prefix('['))
    else {
        return Vec::new();
    };
    let list = list
        .get(..list.find(']').unwrap_or(list.len()))
        .unwrap_or_default();
    list.split(',')
        .filter_map(|item| string_literal(item.trim()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A datasource URL: `env("X")`, `process.env.X`, `process.env["X"]` or a
/// literal.
fn url_of(code: &str, key: &str, from: usize) -> Option<UrlSource> {
    let at = property(code, key, from)?;
    let rest = code.get(at..)?.trim_start();
    if let Some(literal) = string_literal(rest) {
        return Some(UrlSource::Literal(literal));
    }
    if let Some(call) = rest.strip_prefix("env(") {
        return string_literal(call.trim_start()).map(UrlSource::Env);
    }
    let after = rest.strip_prefix("process.env")?;
    let name: String = if let Some(index) = after.strip_prefix('[') {
        string_literal(index.trim_start())?
    } else {
        after
            .strip_prefix('.')?
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    (!name.is_empty()).then_some(UrlSource::Env(name))
}

/// True when a package.json may say something [`package_json`] reads: a
/// `"prisma": {…}` key, or a script passing `--schema` or `--config`. Every
/// package of a monorepo is read on every run, and most merely depend on
/// `prisma` or `@prisma/client`: those are not parsed.
fn configures_prisma(text: &str) -> bool {
    text.contains("--schema")
        || text.contains("--config")
        // The key holds a schema path (a key with only `seed` places none).
        || (text.contains("\"schema\"")
            && text.match_indices("\"prisma\"").any(|(at, key)| {
                let rest = text[at + key.len()..].trim_start();
                rest.strip_prefix(':')
                    .is_some_and(|value| value.trim_start().starts_with('{'))
            }))
}

/// The configurations a package.json holds (its `"prisma"` key's
/// `schema`, and each distinct `--schema` its scripts give the Prisma
/// CLI), and the config files its scripts pass as `--config`: the JSON
/// parsed once. Paths resolve from the package's folder, where npm runs
/// scripts.
fn package_json(path: &str, text: &str) -> (Vec<PrismaConfig>, Vec<String>) {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return (Vec::new(), Vec::new());
    };
    let base = parent(path);
    let mut out = Vec::new();
    if let Some(prisma) = json.get("prisma").and_then(|p| p.as_object()) {
        let mut config = PrismaConfig::empty(path, Origin::PackageJson);
        match prisma.get("schema") {
            Some(serde_json::Value::String(s)) => config.schema = resolve(base, s),
            Some(_) => config.dynamic.push("schema"),
            None => {}
        }
        if config.schema.is_some() || !config.dynamic.is_empty() {
            out.push(config);
        }
    }
    let mut schemas: Vec<String> = Vec::new();
    let mut configs: Vec<String> = Vec::new();
    let scripts = json.get("scripts").and_then(|s| s.as_object());
    for line in scripts
        .into_iter()
        .flat_map(|s| s.values())
        .filter_map(|v| v.as_str())
        .filter(|line| line.contains("--schema") || line.contains("--config"))
    {
        for command in crate::shell::commands(line) {
            if command.program_name() != Some("prisma") {
                continue;
            }
            for (flag, found) in [("--schema", &mut schemas), ("--config", &mut configs)] {
                if let Some(value) = command.flag_value(flag).and_then(|v| resolve(base, v))
                    && !found.contains(&value)
                {
                    found.push(value);
                }
            }
        }
    }
    out.extend(schemas.into_iter().map(|schema| {
        let mut config = PrismaConfig::empty(path, Origin::Script);
        config.schema = Some(schema);
        config
    }));
    (out, configs)
}

/// How a package's scripts change its database with the Prisma CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Workflow {
    /// A script runs `prisma db push`.
    pub pushes: bool,
    /// A script runs `prisma migrate …`.
    pub migrates: bool,
}

impl Workflow {
    /// The schema is pushed, never migrated: no migrations are expected.
    pub fn push_only(self) -> bool {
        self.pushes && !self.migrates
    }
}

/// What the scripts of the package.json `text` run: `prisma db push`,
/// `prisma migrate …`, through any runner or wrapper the shell parser
/// peels (`npx`, `pnpm exec`, `dotenv -e .env --`).
pub fn workflow(text: &str) -> Workflow {
    let mut found = Workflow::default();
    // Most packages run neither: not parsed.
    if !text.contains("prisma") || !(text.contains("db push") || text.contains("migrate")) {
        return found;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return found;
    };
    let lines = json
        .get("scripts")
        .and_then(|s| s.as_object())
        .into_iter()
        .flat_map(|s| s.values())
        .filter_map(|v| v.as_str());
    for line in lines.filter(|l| l.contains("prisma")) {
        for command in crate::shell::commands(line) {
            if command.program_name() != Some("prisma") {
                continue;
            }
            let args: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
            match args.as_slice() {
                ["db", "push", ..] => found.pushes = true,
                ["migrate", ..] => found.migrates = true,
                _ => {}
            }
        }
    }
    found
}

/// `text` with `//` and `/* */` comments blanked (strings kept).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// The offset just after `key:` as an object property (`key` not part of a
/// longer name, not inside a string), searching from `from`.
fn property(code: &str, key: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = code.get(at..)?.find(key) {
        let start = at + found;
        let end = start + key.len();
        at = end;
        let before = code.get(..start)?.chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            continue;
        }
        let rest = code.get(end..)?;
        let trimmed = rest.trim_start();
        // `key:` or a quoted key `"key":`.
        let trimmed = trimmed
            .strip_prefix(['"', '\''])
            .unwrap_or(trimmed)
            .trim_start();
        if let Some(after) = trimmed.strip_prefix(':') {
            return Some(code.len() - after.len());
        }
    }
    None
}

/// The offsets inside the braces of `key: { … }` (strings are not
/// scanned for braces).
fn object_of(code: &str, key: &str) -> Option<(usize, usize)> {
    let at = property(code, key, 0)?;
    let rest = code.get(at..)?;
    let after = rest.trim_start().strip_prefix('{')?;
    let start = code.len() - after.len();
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in after.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((start, start + i));
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of `key:` from `from` on, when it is a path Prisma would see
/// without running anything: a string literal, or `path.join`/
/// `path.resolve`/`join`/`resolve` of `__dirname`, `import.meta.dirname` or
/// `process.cwd()` and string literals. Relative to the config's folder.
fn value_of(code: &str, key: &str, from: usize) -> Option<String> {
    let at = property(code, key, from)?;
    let rest = code.get(at..)?.trim_start();
    if let Some(literal) = string_literal(rest) {
        return Some(literal);
    }
    let call = ["path.join(", "path.resolve(", "join(", "resolve("]
        .iter()
        .find_map(|f| rest.strip_prefix(f))?;
    // The CLI runs at the package root, where the config is.
    let call = call.replacen("process.cwd()", "__dirname", 1);
    let args = call.get(..call.find(')')?)?;
    let mut parts: Vec<String> = Vec::new();
    for (i, arg) in args.split(',').map(str::trim).enumerate() {
        if arg.is_empty() {
            continue;
        }
        if i == 0 && matches!(arg, "__dirname" | "import.meta.dirname") {
            continue;
        }
        parts.push(string_literal(arg)?);
    }
    Some(parts.join("/"))
}

/// The content of a `"…"`, `'…'` or backtick literal without `${`, at the
/// start of `text`.
fn string_literal(text: &str) -> Option<String> {
    let quote = text
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = text.get(1..)?;
    let end = body.find(quote)?;
    let value = body.get(..end)?;
    (!value.contains('\\') && !value.contains("${")).then(|| value.to_owned())
}

/// `target` relative to `base`, `.`/`..` resolved, without a trailing `/`;
/// `None` for an absolute path or one that leaves the repository.
fn resolve(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains(':') {
        return None;
    }
    crate::paths::resolve(base, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files() {
        for path in [
            "prisma.config.ts",
            "packages/db/prisma.config.mjs",
            "apps/web/.config/prisma.ts",
            "apps/api/prisma.e2e.config.ts",
        ] {
            assert!(is_prisma_config(path), "{path}");
        }
        for path in [
            "prisma.ts",
            "prisma.config.json",
            "src/prisma.config.tsx",
            "prisma/config.ts",
        ] {
            assert!(!is_prisma_config(path), "{path}");
        }
    }

    #[test]
    fn reads_the_fields_that_move_a_project() {
        let formbricks = r#"
import path from "node:path";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
export default defineConfig({
  schema: "./schema",
  migrations: {
    path: "./.prisma-migrations",
  },
  datasource: { url: env("DATABASE_URL") },
});"#;
        let c = read("packages/database/prisma.config.ts", formbricks);
        assert_eq!(c.schema.as_deref(), Some("packages/database/schema"));
        assert_eq!(
            c.migrations.as_deref(),
            Some("packages/database/.prisma-migrations")
        );

        let rallly = r#"
export default defineConfig({
  schema: path.join(__dirname, "prisma"),
  migrations: {
    path: path.join(__dirname, "prisma/migrations"),
    seed: "tsx prisma/seed.ts",
  },
});"#;
        let c = read("packages/database/prisma.config.ts", rallly);
        assert_eq!(c.schema.as_deref(), Some("packages/database/prisma"));
        assert_eq!(
            c.migrations.as_deref(),
            Some("packages/database/prisma/migrations")
        );

        let root = "export default { schema: 'packages/database/schema', migrations: { seed: 'x' }, other: { path: 'no' } };";
        let c = read("prisma.config.mjs", root);
        assert_eq!(c.schema.as_deref(), Some("packages/database/schema"));
        assert_eq!(c.migrations, None);

        // Dynamic or absolute values are unknown; comments say nothing.
        let docker = r#"
// schema: "wrong/schema.prisma",
/* migrations: { path: "wrong" } */
export default defineConfig({
  schema: "/app/apps/web/prisma/schema.prisma",
  migrations: { path: process.env.MIGRATIONS },
  datasource: { url: migrationUrl },
});"#;
        let c = read("docker/scripts/prisma.config.ts", docker);
        assert_eq!((c.schema, c.migrations), (None, None));

        let dot = read(
            ".config/prisma.ts",
            "export default { schema: `db/schema.prisma` }",
        );
        assert_eq!(dot.schema.as_deref(), Some("db/schema.prisma"));
        let resolved = read(
            "a/b/prisma.config.ts",
            "export default { schema: path.resolve(process.cwd(), '../shared', 'schema.prisma') }",
        );
        assert_eq!(resolved.schema.as_deref(), Some("a/shared/schema.prisma"));
        let none = read(
            "prisma.config.ts",
            "export default defineConfig({ datasource: { url: env('X') } })",
        );
        assert_eq!((none.schema, none.migrations), (None, None));
    }

    #[test]
    fn reads_what_migrate_ignores_runs_and_connects_to() {
        let text = r#"
import { defineConfig, env } from "prisma/config";
export default defineConfig({
  experimental: { externalTables: true },
  schema: process.env.PRISMA_SCHEMA,
  migrations: {
    path: "db/migrations",
    initShadowDb: `
      CREATE TABLE public.users (id SERIAL PRIMARY KEY);
    `,
  },
  tables: { external: ["public.users", 'audit_log'] },
  enums: { external: ["auth.role"] },
  datasource: {
    url: env("DATABASE_URL"),
    directUrl: process.env.DIRECT_URL,
    shadowDatabaseUrl: "postgresql://localhost/shadow",
  },
});"#;
        let c = read("apps/api/prisma.config.ts", text);
        assert_eq!(c.schema, None);
        assert_eq!(c.dynamic, ["schema"]);
        assert_eq!(c.migrations.as_deref(), Some("apps/api/db/migrations"));
        assert_eq!(
            c.init_shadow_db.as_deref().map(str::trim),
            Some("CREATE TABLE public.users (id SERIAL PRIMARY KEY);")
        );
        assert_eq!(c.external_tables, ["public.users", "audit_log"]);
        assert!(c.is_external_table(None, "users") && c.is_external_table(Some("x"), "audit_log"));
        assert!(!c.is_external_table(Some("auth"), "users"));
        assert!(!c.is_external_table(None, "public"));
        assert!(c.is_external_enum(Some("auth"), "role") && !c.is_external_enum(None, "role"));
        assert_eq!(c.urls.url, Some(UrlSource::Env("DATABASE_URL".into())));
        assert_eq!(c.urls.direct_url, Some(UrlSource::Env("DIRECT_URL".into())));
        assert_eq!(
            c.urls.shadow_database_url,
            Some(UrlSource::Literal("postgresql://localhost/shadow".into()))
        );
        let computed = read(
            "prisma.config.ts",
            "export default { migrations: { path: dir + '/m' }, datasource: { url: makeUrl() } }",
        );
        assert_eq!(computed.dynamic, ["migrations.path"]);
        assert_eq!(computed.urls.url, None);
    }

    /// Pushing and migrating are told apart through runners and wrappers.
    #[test]
    fn package_scripts_push_or_migrate() {
        let pushed = workflow(
            r#"{"scripts": {"push": "dotenv-flow -e .env -- prisma db push --schema=./prisma/schema", "gen": "prisma generate"}}"#,
        );
        assert!(pushed.push_only());
        let both = workflow(
            r#"{"scripts": {"push": "npx prisma db push", "deploy": "pnpm exec prisma migrate deploy"}}"#,
        );
        assert_eq!(
            both,
            Workflow {
                pushes: true,
                migrates: true
            }
        );
        assert_eq!(
            workflow(r#"{"scripts": {"x": "echo prisma"}}"#),
            Workflow::default()
        );
        assert_eq!(workflow("{ not json prisma"), Workflow::default());
    }

    /// Only a package.json that can configure Prisma is parsed: a
    /// dependency on `prisma` is not a `"prisma"` key.
    #[test]
    fn only_packages_that_configure_prisma_are_parsed() {
        assert!(!configures_prisma(
            r#"{"dependencies": {"@prisma/client": "6"}, "devDependencies": {"prisma" : "6"}}"#
        ));
        assert!(configures_prisma(
            r#"{"prisma" : { "schema": "db/s.prisma" }}"#
        ));
        assert!(!configures_prisma(
            r#"{"prisma": { "seed": "tsx seed.ts" }}"#
        ));
        assert!(configures_prisma(
            r#"{"scripts": {"m": "prisma migrate deploy --schema db/s.prisma"}}"#
        ));
        assert!(configures_prisma(
            r#"{"scripts": {"m": "prisma migrate deploy --config prisma.e2e.config.ts"}}"#
        ));
    }

    #[test]
    fn package_json_key_and_script_flags() {
        let text = r#"{
  "name": "api",
  "prisma": { "schema": "db/main.prisma", "seed": "tsx db/seed.ts" },
  "scripts": {
    "migrate": "prisma migrate deploy --schema ./db/main.prisma",
    "migrate:audit": "npx prisma migrate deploy --schema=audit/audit.prisma && echo done",
    "gen": "prisma generate",
    "other": "eslint --schema x.json"
  },
  "devDependencies": { "prisma": "^6.0.0" }
}"#;
        let got: Vec<(Origin, Option<String>)> = package_json("apps/api/package.json", text)
            .0
            .into_iter()
            .map(|c| (c.origin, c.schema))
            .collect();
        assert_eq!(
            got,
            [
                (Origin::PackageJson, Some("apps/api/db/main.prisma".into())),
                (Origin::Script, Some("apps/api/db/main.prisma".into())),
                (Origin::Script, Some("apps/api/audit/audit.prisma".into())),
            ]
        );
        assert!(package_json("package.json", "{ not json").0.is_empty());
        assert!(
            package_json("package.json", r#"{"prisma": "5"}"#)
                .0
                .is_empty()
        );

        // The key is ignored beside a config file; scripts are not.
        let all = read_all([
            ("apps/api/package.json", text),
            (
                "apps/api/prisma.config.ts",
                "export default { schema: 'db' }",
            ),
        ]);
        let origins: Vec<Origin> = all.iter().map(|c| c.origin).collect();
        assert_eq!(
            origins,
            [Origin::ConfigFile, Origin::Script, Origin::Script]
        );
    }
}
