//! What the repository holds: whether it has a database (a Prisma schema
//! or SQL migrations), and which of the handed files are agent instruction
//! files, grouped by the agent that reads them.

use drift_sdk::Input;
use drift_sdk::paths::file_name;

pub use drift_sdk::project::{Agent, agent_of};

/// True when the repository has a Prisma schema or SQL migrations.
pub fn has_database(input: &Input) -> bool {
    drift_sdk::project::has_database(input.paths.iter())
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
    fn the_files_option() {
        let files = ["AGENTS.md".to_owned(), ".cursor/rules/".to_owned()];
        assert!(selected("CLAUDE.md", None));
        assert!(selected("server/AGENTS.md", Some(&files)));
        assert!(selected(".cursor/rules/db.mdc", Some(&files)));
        assert!(!selected("CLAUDE.md", Some(&files)));
    }
}
