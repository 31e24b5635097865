//! Structural checks: a schema without migrations, migrations without a
//! schema, and migrations that do nothing.

use drift_sdk::paths::{file_name, join, parent};
use drift_sdk::{Finding, Input, Severity};

use crate::layout::{Contents, Project};

pub fn check(input: &Input, project: &Project, contents: &Contents, out: &mut Vec<Finding>) {
    let dir = &project.dir;
    if project.schema.is_none() && !project.placed {
        out.push(
            Finding::new(
                crate::Check::MissingSchema,
                dir,
                format!("no Prisma schema next to migrations folder `{dir}`"),
            )
            .help(format!(
                "add `{}` or point `migration-dirs` at the folder next to the schema",
                join(parent(dir), "schema.prisma")
            )),
        );
    }
    if contents.is_empty && !migrations_expected(input, project) {
        // Nothing to report: the schema is not migrated.
    } else if contents.is_empty {
        // Reported at the schema, the file that made us expect migrations.
        let at = project
            .schema
            .as_ref()
            .map_or(dir.as_str(), |s| s.path.as_str());
        let (message, help) = if project.configured {
            (
                format!("configured migrations folder `{dir}` contains no files"),
                format!("fix the path in `migration-dirs` or add the first migration to `{dir}`"),
            )
        } else {
            (
                format!("schema `{at}` has no migrations folder next to it"),
                format!(
                    "run `prisma migrate dev` to create `{dir}`, or list the real folder in `migration-dirs`"
                ),
            )
        };
        out.push(Finding::new(crate::Check::MissingMigrationsFolder, at, message).help(help));
    }
    let sql_files = contents
        .forward()
        .map(|h| h.path.clone())
        .chain(contents.prisma.iter().map(|f| f.migration_sql()));
    for path in sql_files {
        // Non-text content counts as non-empty: the host reports it itself.
        let Some(text) = input.file(&path).and_then(|f| f.text()) else {
            continue;
        };
        // Name the migration the way its folder listing shows it.
        let name = match file_name(&path) {
            "migration.sql" => file_name(parent(&path)),
            name => name,
        };
        match sql_content(text) {
            SqlContent::Statements => {}
            SqlContent::Empty => out.push(
                Finding::new(
                    crate::Check::EmptyMigration,
                    &path,
                    format!("migration `{name}` is empty"),
                )
                .help(
                    "write the migration's SQL, or delete it if no environment has applied it yet",
                ),
            ),
            SqlContent::CommentsOnly => out.push(
                Finding::new(
                    crate::Check::EmptyMigration,
                    &path,
                    format!("migration `{name}` contains only comments"),
                )
                .severity(Severity::Warning)
                .help(
                    "write the migration's SQL, or delete it if no environment has applied it yet",
                ),
            ),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum SqlContent {
    Empty,
    CommentsOnly,
    Statements,
}

/// Whether `text` has anything besides whitespace, `--` line comments and
/// (nestable, as in PostgreSQL) `/* */` block comments.
fn sql_content(text: &str) -> SqlContent {
    if text.trim().is_empty() {
        return SqlContent::Empty;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'-'), Some(b'-')) => {
                i = bytes
                    .iter()
                    .skip(i)
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p);
            }
            (Some(b'/'), Some(b'*')) => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (Some(b'/'), Some(b'*')) => (depth, i) = (depth + 1, i + 2),
                        (Some(b'*'), Some(b'/')) => (depth, i) = (depth - 1, i + 2),
                        _ => i += 1,
                    }
                    if depth == 0 {
                        break;
                    }
                }
            }
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            _ => return SqlContent::Statements,
        }
    }
    SqlContent::CommentsOnly
}

/// False for a schema Prisma Migrate does not migrate: a MongoDB schema
/// (Migrate does not support it: `db push` is the way), or one whose
/// package's scripts push it (`prisma db push`) and never migrate it. The
/// nearest package.json holding the schema decides. A configured folder
/// is always expected to hold migrations.
fn migrations_expected(input: &Input, project: &Project) -> bool {
    let Some(schema) = project.schema.as_ref().filter(|_| !project.configured) else {
        return true;
    };
    let mongodb = schema.files.iter().any(|f| {
        input
            .file(f)
            .and_then(|f| f.text())
            .and_then(drift_sdk::dialect::datasource_provider)
            .is_some_and(|p| p == "mongodb")
    });
    if mongodb {
        return false;
    }
    let mut dir = parent(&schema.path);
    loop {
        if let Some(text) = input
            .file(&join(dir, "package.json"))
            .and_then(|f| f.text())
        {
            let workflow = drift_sdk::prisma_config::workflow(text);
            if workflow.pushes || workflow.migrates {
                return !workflow.push_only();
            }
        }
        if dir.is_empty() {
            return true;
        }
        dir = parent(dir);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use drift_sdk::Content;
    use drift_sdk::testing::{InputBuilder, render, run};

    use super::*;
    use crate::Numbering;
    use crate::tests::show;

    #[test]
    fn classifies_sql_content() {
        assert_eq!(sql_content(""), SqlContent::Empty);
        assert_eq!(sql_content(" \r\n\t"), SqlContent::Empty);
        assert_eq!(
            sql_content("-- x\n  /* a /* nested */ b */\n--"),
            SqlContent::CommentsOnly
        );
        assert_eq!(sql_content("/* unterminated"), SqlContent::CommentsOnly);
        assert_eq!(sql_content("-- x\nSELECT 1;"), SqlContent::Statements);
        assert_eq!(
            sql_content("/* a */ SELECT 1; /* b"),
            SqlContent::Statements
        );
        assert_eq!(sql_content("- 1"), SqlContent::Statements);
        assert_eq!(sql_content("/"), SqlContent::Statements);
    }

    #[test]
    fn empty_migrations() {
        let input = InputBuilder::new()
            .file("schema.prisma", "")
            .file("migrations/01_empty.sql", "  \n")
            .file("migrations/02_comment.sql", "-- nothing yet\n")
            .file("migrations/03_ok.sql", "SELECT 1;\n")
            .file("migrations/03_ok_rollback.sql", "")
            .file(
                "migrations/migration_lock.toml",
                "provider = \"postgresql\"\n",
            )
            .file("migrations/20240101120000_init/migration.sql", "")
            .raw_file("migrations/04_binary.sql", Content::Binary)
            .raw_file(
                "migrations/20240102120000_big/migration.sql",
                Content::TooLarge(1 << 30),
            )
            .raw_file("migrations/05_latin1.sql", Content::InvalidUtf8(3))
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    #[test]
    fn schema_without_migrations() {
        let input = InputBuilder::new()
            .file("api/schema.prisma", "")
            .file("web/prisma/schema/main.prisma", "")
            .file("ok/schema.prisma", "")
            .file("ok/migrations/01_a.sql", "SELECT 1;")
            .build();
        insta::assert_snapshot!(show(&run(&Numbering, &input, "{}").unwrap()));
    }

    #[test]
    fn configured_folders() {
        let input = InputBuilder::new()
            .file("db/schema.prisma", "")
            .file("db/migrations/01_a.sql", "SELECT 1;")
            .file("empty/schema.prisma", "")
            .file("orphan/migrations/01_a.sql", "SELECT 1;")
            .build();
        let options = r#"{"migration-dirs": ["db/migrations", "empty/migrations", "orphan/migrations", "nowhere/migrations"]}"#;
        insta::assert_snapshot!(show(&run(&Numbering, &input, options).unwrap()));
        let fine = r#"{"migration-dirs": ["./db/migrations/"]}"#;
        assert_eq!(render(&run(&Numbering, &input, fine).unwrap()), "");
    }
}
