//! What the repository holds: whether it has a database (a Prisma schema
//! or SQL migrations), and which of the handed files are agent instruction
//! files, grouped by the agent that reads them.

use drift_sdk::Input;
use drift_sdk::migrations::is_schema_file;
use drift_sdk::paths::{file_name, parent};

pub use drift_sdk::project::{Agent, agent_of};

/// True when the repository has a Prisma schema or SQL migrations.
pub fn has_database(input: &Input) -> bool {
    drift_sdk::project::has_database(input.paths.iter())
}

/// The folders the database lives in: the folder of each Prisma schema
/// file and each `migrations` folder that holds SQL, sorted; the
/// repository root when there are none (`require-when = "always"`). An
/// agent working there must find the guidance.
pub fn database_locations(input: &Input) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in input.paths.iter() {
        let location = if is_schema_file(path) {
            parent(path)
        } else if path.ends_with(".sql") {
            match path.find("/migrations/") {
                Some(at) => path.get(..at + "/migrations".len()).unwrap_or(""),
                None if path.starts_with("migrations/") => "migrations",
                None => continue,
            }
        } else {
            continue;
        };
        if !out.iter().any(|l| l == location) {
            out.push(location.to_owned());
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out.sort();
    out
}

/// True when `path` is selected by the `files` option: an entry equal to
/// the path or to its file name, or a folder entry ending with `/` that
/// contains it.
pub fn selected(path: &str, files: Option<&[String]>) -> bool {
    files.is_none_or(|files| {
        files.iter().any(|f| {
            f == path || f == file_name(path) || (f.ends_with('/') && path.starts_with(f.as_str()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use drift_sdk::testing::InputBuilder;

    #[test]
    fn instruction_files() {
        assert_eq!(agent_of("CLAUDE.md"), Some(Agent::Claude));
        assert_eq!(agent_of("server/AGENTS.md"), Some(Agent::Agents));
        assert_eq!(
            agent_of(".github/copilot-instructions.md"),
            Some(Agent::Copilot)
        );
        assert_eq!(agent_of(".cursor/rules/db.mdc"), Some(Agent::Cursor));
        assert_eq!(agent_of(".cursorrules"), Some(Agent::Cursor));
        assert_eq!(agent_of("GEMINI.md"), Some(Agent::Gemini));
        assert_eq!(agent_of("prisma/schema.prisma"), None);
        assert_eq!(agent_of("docs/copilot-instructions.md"), None);
        assert_eq!(agent_of(".agents/skills/nestjs/AGENTS.md"), None);
        assert_eq!(agent_of("node_modules/x/CLAUDE.md"), None);
        assert_eq!(agent_of("skillset/CLAUDE.md"), Some(Agent::Claude));
    }

    #[test]
    fn database_signals() {
        let db = |path: &str| has_database(&InputBuilder::new().file(path, "").build());
        assert!(db("prisma/schema.prisma"));
        assert!(db("server/prisma/migrations/01_x.sql"));
        assert!(db("migrations/20240101_init/migration.sql"));
        assert!(!db("prisma/migrations/migration_lock.toml"));
        assert!(!db("CLAUDE.md"));
    }

    #[test]
    fn where_the_database_lives() {
        let input = InputBuilder::new()
            .file("packages/db/prisma/schema.prisma", "")
            .file("packages/db/prisma/migrations/1_init/migration.sql", "")
            .file("clickhouse/migrations/001_x.sql", "")
            .file("migrations/01_x.sql", "")
            .file("docs/example.sql", "")
            .file("node_modules/.prisma/client/schema.prisma", "")
            .build();
        assert_eq!(
            database_locations(&input),
            [
                "clickhouse/migrations",
                "migrations",
                "packages/db/prisma",
                "packages/db/prisma/migrations"
            ]
        );
        let empty = InputBuilder::new().file("README.md", "").build();
        assert_eq!(database_locations(&empty), [""]);
    }

    #[test]
    fn the_files_option() {
        let files = ["AGENTS.md".to_owned(), ".cursor/rules/".to_owned()];
        assert!(selected("CLAUDE.md", None));
        assert!(selected("server/AGENTS.md", Some(&files)));
        assert!(selected(".cursor/rules/db.mdc", Some(&files)));
        assert!(!selected("CLAUDE.md", Some(&files)));
    }
}
