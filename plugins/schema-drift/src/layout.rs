//! Discovery: each Prisma schema (a `schema.prisma` file or a `schema/`
//! folder of `.prisma` files), the migrations folder next to it, and the
//! order in which its migrations run.
//!
//! It works on path lists only. What counts as a schema file and as a
//! hand-written migration is the SDK's (`drift_sdk::migrations`), shared
//! with the numbering rule, so the two never disagree about which files
//! are migrations.

use std::collections::BTreeMap;

use drift_sdk::migrations::{Direction, is_schema_file, parse_handwritten};
use drift_sdk::paths::{file_name, is_within, join, parent};

/// A Prisma schema and the migrations folders that build its database.
#[derive(Debug, Clone)]
pub struct Project {
    /// Every `.prisma` file of the schema.
    pub schema_files: Vec<String>,
    /// Candidate migrations folders (usually one).
    pub migration_dirs: Vec<String>,
}

/// The order hand-written and Prisma migrations run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    PrismaFirst,
    HandwrittenFirst,
}

/// Finds the schemas and their migrations folders.
pub fn projects(paths: &[String]) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::new();
    let mut multi: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in paths.iter().filter(|p| is_schema_file(p)) {
        let dir = parent(path);
        if file_name(dir) == "schema" {
            multi.entry(dir).or_default().push(path.clone());
        }
    }
    for (folder, files) in multi {
        out.push(Project {
            schema_files: files,
            migration_dirs: vec![
                join(parent(folder), "migrations"),
                join(folder, "migrations"),
            ],
        });
    }
    for path in paths.iter().filter(|p| is_schema_file(p)) {
        let dir = parent(path);
        if file_name(path) == "schema.prisma" && file_name(dir) != "schema" {
            out.push(Project {
                schema_files: vec![path.clone()],
                migration_dirs: vec![join(dir, "migrations")],
            });
        }
    }
    out
}

/// The forward migrations in `dirs`, in the order they run.
pub fn migrations(paths: &[String], dirs: &[String], order: Order) -> Vec<String> {
    let mut prisma: Vec<(String, String)> = Vec::new();
    let mut handwritten: Vec<((u64, String), String)> = Vec::new();
    for dir in dirs {
        for path in paths.iter().filter(|p| is_within(p, dir)) {
            let rest = if dir.is_empty() {
                path.as_str()
            } else {
                path.get(dir.len() + 1..).unwrap_or_default()
            };
            let parts: Vec<&str> = rest.split('/').collect();
            match parts.as_slice() {
                // Prisma applies every folder with a `migration.sql`, in
                // name order: `<timestamp>_<name>`, and baselines such as
                // `0_init` too.
                [folder, "migration.sql"] => prisma.push(((*folder).to_owned(), path.clone())),
                [name] => {
                    if let Some(h) = parse_handwritten(path, name)
                        && h.direction == Direction::Forward
                    {
                        handwritten.push(((h.number, (*name).to_owned()), path.clone()));
                    }
                }
                _ => {}
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_in_order() {
        let paths: Vec<String> = [
            "prisma/migrations/02_seed.sql",
            "prisma/migrations/02_seed_rollback.sql",
            "prisma/migrations/10_more.sql",
            "prisma/migrations/1_first.down.sql",
            "prisma/migrations/20240201000000_b/migration.sql",
            "prisma/migrations/20240101000000_a/migration.sql",
            "prisma/migrations/0_init/migration.sql",
            "prisma/migrations/0_init/notes.md",
            "prisma/migrations/migration_lock.toml",
            "prisma/schema.prisma",
        ]
        .map(str::to_owned)
        .to_vec();
        let projects = projects(&paths);
        assert_eq!(projects.len(), 1);
        let dirs = &projects[0].migration_dirs;
        assert_eq!(
            migrations(&paths, dirs, Order::PrismaFirst),
            [
                "prisma/migrations/0_init/migration.sql",
                "prisma/migrations/20240101000000_a/migration.sql",
                "prisma/migrations/20240201000000_b/migration.sql",
                "prisma/migrations/02_seed.sql",
                "prisma/migrations/10_more.sql",
            ]
        );
        assert_eq!(
            migrations(&paths, dirs, Order::HandwrittenFirst)[0],
            "prisma/migrations/02_seed.sql"
        );
    }
}
