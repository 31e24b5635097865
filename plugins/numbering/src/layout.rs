//! Discovery: which folders hold migrations, which schema they belong to, and
//! what kind of migration each path inside them is.
//!
//! Everything here works on path lists only, so the same code classifies the
//! current snapshot and the base (for the history checks).

use std::collections::BTreeMap;

pub use drift_sdk::migrations::{
    Direction, HandWritten, is_schema_file, parse_handwritten, split_prisma_name,
};
use drift_sdk::paths::{file_name, is_within, join, parent};

/// A Prisma schema: one `schema.prisma` or a multi-file `schema/` folder.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Where schema-level findings are reported (the file, or the folder).
    pub path: String,
    /// Every `.prisma` file of the schema (one holds the `datasource`).
    pub files: Vec<String>,
}

/// A migrations folder and the schema next to it.
#[derive(Debug, Clone)]
pub struct Project {
    pub dir: String,
    pub schema: Option<Schema>,
    /// True when the folder came from the `migration-dirs` option.
    pub configured: bool,
}

/// A subfolder of a migrations folder (a Prisma migration).
#[derive(Debug, Clone)]
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
}

/// A path in a migrations folder that no migration runner will pick up.
#[derive(Debug, Clone)]
pub struct Stray {
    pub path: String,
    /// True for a `.sql` file nested below a Prisma folder.
    pub nested: bool,
}

/// Everything found in one migrations folder.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub handwritten: Vec<HandWritten>,
    pub prisma: Vec<PrismaFolder>,
    pub strays: Vec<Stray>,
    pub lock: Option<String>,
    pub is_empty: bool,
}

impl Contents {
    pub fn forward(&self) -> impl Iterator<Item = &HandWritten> {
        self.handwritten
            .iter()
            .filter(|h| h.direction == Direction::Forward)
    }
}

/// Finds the migrations folders: the configured ones, or every `migrations`
/// folder next to a schema.
pub fn projects(paths: &[String], configured: Option<&[String]>) -> Vec<Project> {
    match configured {
        Some(dirs) => dirs
            .iter()
            .map(|d| normalize_dir(d))
            .map(|dir| Project {
                schema: schema_for(paths, &dir),
                dir,
                configured: true,
            })
            .collect(),
        None => discover(paths),
    }
}

/// Accepts `./a/b/`, `a\b` and friends for a configured folder.
fn normalize_dir(dir: &str) -> String {
    let dir = dir.trim().replace('\\', "/");
    let dir = dir.trim_start_matches("./").trim_matches('/');
    dir.to_owned()
}

fn discover(paths: &[String]) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::new();
    let mut push = |dir: String, schema: Schema| {
        if !out.iter().any(|p| p.dir == dir) {
            out.push(Project {
                dir,
                schema: Some(schema),
                configured: false,
            });
        }
    };
    // Multi-file schemas first, so `X/schema/schema.prisma` is treated as
    // part of its folder rather than as a single-file schema.
    let mut multi: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in paths.iter().filter(|p| is_schema_file(p)) {
        let dir = parent(path);
        if file_name(dir) == "schema" {
            multi.entry(dir).or_default().push(path.clone());
        }
    }
    for (folder, files) in multi {
        let beside = join(parent(folder), "migrations");
        let inside = join(folder, "migrations");
        let schema = Schema {
            path: folder.to_owned(),
            files,
        };
        let existing: Vec<String> = [beside.clone(), inside]
            .into_iter()
            .filter(|d| has_files(paths, d))
            .collect();
        if existing.is_empty() {
            push(beside, schema);
        } else {
            for dir in existing {
                push(dir, schema.clone());
            }
        }
    }
    for path in paths.iter().filter(|p| is_schema_file(p)) {
        let dir = parent(path);
        if file_name(path) == "schema.prisma" && file_name(dir) != "schema" {
            let schema = Schema {
                path: path.clone(),
                files: vec![path.clone()],
            };
            push(join(dir, "migrations"), schema);
        }
    }
    out
}

/// The schema next to a configured migrations folder `dir`.
fn schema_for(paths: &[String], dir: &str) -> Option<Schema> {
    let up = parent(dir);
    let single = join(up, "schema.prisma");
    if paths.contains(&single) {
        return Some(Schema {
            files: vec![single.clone()],
            path: single,
        });
    }
    let folders = [join(up, "schema"), up.to_owned()];
    for folder in folders {
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

/// Makes a name safe for `<timestamp>_<name>` (letters, digits, `_`).
pub fn slugify(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug.trim_matches(|c: char| c == '_' || c.is_ascii_digit());
    if slug.is_empty() {
        "migration".to_owned()
    } else {
        slug.to_owned()
    }
}

/// `` `a` `` / `` `a` and `b` `` / `` `a`, `b` and `c` ``.
pub fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn parses_handwritten_names() {
        let h = parse_handwritten("m/07_add_users.sql", "07_add_users.sql").unwrap();
        assert_eq!(
            (h.number, h.suffix, h.name.as_str()),
            (7, None, "add_users")
        );
        assert_eq!(h.direction, Direction::Forward);
        let h = parse_handwritten("", "17B_x-y.sql").unwrap();
        assert_eq!((h.number, h.suffix, h.label()), (17, Some('b'), "17B"));
        for rollback in [
            "3_x_rollback.sql",
            "3_x.down.sql",
            "3_x_down.sql",
            "03_rollback.sql",
        ] {
            let h = parse_handwritten("", rollback).unwrap();
            assert_eq!(h.direction, Direction::Rollback, "{rollback}");
            assert_eq!(h.number, 3);
        }
        assert_eq!(parse_handwritten("", "3_x.down.sql").unwrap().name, "x");
        for bad in [
            "x.sql",
            "07.sql",
            "07_.sql",
            "07-x.sql",
            "07ab_x.sql",
            "07_a b.sql",
            "07_x.SQL",
            "99999999999999999999999_x.sql",
        ] {
            assert!(parse_handwritten("", bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn splits_prisma_names() {
        assert_eq!(
            split_prisma_name("20240101120000_init"),
            Some(("20240101120000", "init"))
        );
        assert_eq!(split_prisma_name("2024010112000_init"), None);
        assert_eq!(split_prisma_name("20240101120000_"), None);
        assert_eq!(split_prisma_name("20240101120000-init"), None);
        assert_eq!(split_prisma_name("2024010112000é_x"), None);
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
            "node_modules/.prisma/client/schema.prisma",
        ]);
        let found: Vec<(String, String)> = discover(&p)
            .into_iter()
            .map(|p| (p.dir, p.schema.unwrap().path))
            .collect();
        let expect = [
            ("b/prisma/migrations", "b/prisma/schema"),
            ("c/schema/migrations", "c/schema"),
            ("d/migrations", "d/schema"),
            ("a/migrations", "a/schema.prisma"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(found, expect);
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
        let found: Vec<(String, Option<String>)> = projects(&p, Some(&dirs))
            .into_iter()
            .map(|p| (p.dir, p.schema.map(|s| s.path)))
            .collect();
        assert_eq!(
            found,
            vec![
                ("x/migrations".into(), Some("x/schema.prisma".into())),
                ("y/sql".into(), Some("y/app.prisma".into())),
                ("z/schema/migrations".into(), Some("z/schema".into())),
                ("w/migrations".into(), Some("w/schema".into())),
                ("v/m".into(), None),
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
        assert_eq!(c.lock.as_deref(), Some("m/migration_lock.toml"));
        assert_eq!(c.prisma.len(), 1);
        assert_eq!(c.prisma[0].timestamp.as_deref(), Some("20240101120000"));
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
}
