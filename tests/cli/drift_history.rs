//! schema-drift over a real git history that mirrors how teams drift: for
//! every commit, the verdict of the working-tree mode (is the repository in
//! sync?) and of `--base HEAD~1` (did this commit introduce drift?).

use crate::harness::Repo;

const MIGRATIONS: &str = "prisma/migrations";

fn schema(models: &str) -> String {
    format!(
        "datasource db {{\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}}\n\n{models}"
    )
}

fn drift(run: &crate::harness::Run) -> Vec<String> {
    assert!(run.errors().is_empty(), "{run:?}");
    run.checks()
        .into_iter()
        .filter(|c| c.starts_with("schema-drift/") && c != "schema-drift/pre-existing-drift")
        .collect()
}

/// (description, files to write, expected working-tree drift, expected
/// drift introduced relative to the previous commit)
type Step<'a> = (&'a str, Vec<(String, String)>, Vec<&'a str>, Vec<&'a str>);

#[test]
fn verdicts_along_a_drifting_history() {
    let repo = Repo::new();
    let user =
        "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";
    repo.write("prisma/schema.prisma", schema(user))
        .write(
            &format!("{MIGRATIONS}/20240101000000_init/migration.sql"),
            "CREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"email\" TEXT NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n",
        )
        .write(&format!("{MIGRATIONS}/migration_lock.toml"), "provider = \"postgresql\"\n")
        .init_git();

    // (description, files to write, expected working-tree drift, expected introduced drift)
    let with_name = "model User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n}\n";
    let with_role = "enum Role {\n  USER\n  ADMIN\n}\n\nmodel User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n  role  Role    @default(USER)\n}\n";
    let with_moderator = with_role.replace("  ADMIN\n", "  ADMIN\n  MODERATOR\n");
    let with_post = format!(
        "{with_moderator}\nmodel Post {{\n  id    Int    @id @default(autoincrement())\n  title String\n}}\n"
    );
    let steps: Vec<Step> = vec![
        ("field added without a migration", vec![("prisma/schema.prisma".into(), schema(with_name))],
            vec!["schema-drift/missing-column"], vec!["schema-drift/missing-column"]),
        ("the migration that implements it, later", vec![(format!("{MIGRATIONS}/20240102000000_user_name/migration.sql"), "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;\n".into())],
            vec![], vec![]),
        ("comment-only schema edit", vec![("prisma/schema.prisma".into(), schema(&format!("// Users of the platform.\n{with_name}")))],
            vec![], vec![]),
        ("enum and field with a partial migration (enum only)", vec![
            ("prisma/schema.prisma".into(), schema(with_role)),
            (format!("{MIGRATIONS}/20240103000000_role/migration.sql"), "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n".into())],
            vec!["schema-drift/missing-column"], vec!["schema-drift/missing-column"]),
        ("the missing column", vec![(format!("{MIGRATIONS}/20240104000000_user_role/migration.sql"), "ALTER TABLE \"User\" ADD COLUMN \"role\" \"Role\" NOT NULL DEFAULT 'USER';\n".into())],
            vec![], vec![]),
        ("enum value added without a migration", vec![("prisma/schema.prisma".into(), schema(&with_moderator))],
            vec!["schema-drift/enum-value-missing"], vec!["schema-drift/enum-value-missing"]),
        ("hand-written fix inside a guarded DO block", vec![(format!("{MIGRATIONS}/01_role_moderator.sql"),
            "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'MODERATOR') THEN\n    EXECUTE 'ALTER TYPE \"Role\" ADD VALUE ''MODERATOR''';\n  END IF;\nEND\n$$;\n".into())],
            vec![], vec![]),
        ("model added with its migration", vec![
            ("prisma/schema.prisma".into(), schema(&with_post)),
            (format!("{MIGRATIONS}/20240105000000_post/migration.sql"), "CREATE TABLE \"Post\" (\n    \"id\" SERIAL NOT NULL,\n    \"title\" TEXT NOT NULL,\n    CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\")\n);\n".into())],
            vec![], vec![]),
        ("model dropped with its migration", vec![
            ("prisma/schema.prisma".into(), schema(&with_moderator)),
            (format!("{MIGRATIONS}/20240106000000_drop_post/migration.sql"), "DROP TABLE \"Post\";\n".into())],
            vec![], vec![]),
        ("formatting-only edit", vec![("prisma/schema.prisma".into(), schema(&with_moderator.replace("  name  String?\n", "  name String?\n")))],
            vec![], vec![]),
        ("unique added without a migration", vec![("prisma/schema.prisma".into(), schema(&with_moderator.replace("  name  String?\n", "  name  String? @unique\n")))],
            vec!["schema-drift/missing-unique"], vec!["schema-drift/missing-unique"]),
        ("an unrelated commit while drift is outstanding", vec![("README.md".into(), "# app\n".into())],
            vec!["schema-drift/missing-unique"], vec![]),
        ("the unique index, fixed", vec![(format!("{MIGRATIONS}/20240107000000_name_unique/migration.sql"), "CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");\n".into())],
            vec![], vec![]),
    ];
    let mut commits = 1;
    for (what, files, tree_expected, introduced_expected) in steps {
        for (path, text) in &files {
            repo.write(path, text);
        }
        repo.commit_all(what);
        commits += 1;
        let tree = drift(&repo.run(&["run", "--format", "json"]));
        assert_eq!(tree, tree_expected, "working tree after: {what}");
        let introduced = drift(&repo.run(&["run", "--base", "HEAD~1", "--format", "json"]));
        assert_eq!(introduced, introduced_expected, "introduced by: {what}");
    }
    // More ordinary commits: documentation and code, never drift.
    for i in 0..8 {
        repo.write("src/app.ts", format!("export const version = {i};\n"))
            .commit_all("code change");
        commits += 1;
        assert!(drift(&repo.run(&["run", "--base", "HEAD~1", "--format", "json"])).is_empty());
    }
    assert!(commits >= 20, "{commits} commits");
    assert!(drift(&repo.run(&["run", "--format", "json"])).is_empty());
}
