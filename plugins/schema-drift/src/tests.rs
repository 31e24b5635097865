//! The rule's tests: fixtures (small repositories under
//! `tests/fixtures/<case>/`) with snapshots of their findings.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use drift_sdk::Input;
use drift_sdk::testing::{InputBuilder, render, run};

use super::*;

/// The fixture repository `tests/fixtures/<name>`.
fn fixture(name: &str) -> Input {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    InputBuilder::new().dir(dir).build()
}

use drift_sdk::testing::render_with_help as show;

fn check(name: &str) -> String {
    show(&run(&SchemaDrift, &fixture(name), "{}").unwrap())
}

#[test]
fn options_are_parsed_strictly() {
    let options: Options = drift_sdk::parse_options(
        r#"{"order": "handwritten-first", "ignore-tables": ["audit_log"]}"#,
    )
    .unwrap();
    assert_eq!(options.order, MigrationOrder::HandwrittenFirst);
    assert_eq!(options.ignore_tables, ["audit_log"]);
    assert_eq!(
        drift_sdk::parse_options::<Options>("").unwrap(),
        Options::default()
    );
    assert_eq!(Options::default().ignore_tables, ["_prisma_migrations"]);
    let unknown = drift_sdk::parse_options::<Options>(r#"{"paths": []}"#).unwrap_err();
    assert!(unknown[0].message.contains("unknown field"), "{unknown:?}");
    let bad = drift_sdk::parse_options::<Options>(r#"{"order": "random"}"#).unwrap_err();
    assert_eq!(bad[0].key, "order");
}

/// Prisma-generated migrations plus hand-written SQL Prisma cannot express
/// (RLS, partial and expression indexes, functions, views, sequences,
/// comments, grants) and a rollback script.
#[test]
fn in_sync_is_silent() {
    assert_eq!(check("in-sync"), "");
}

#[test]
fn field_added_without_migration() {
    insta::assert_snapshot!(check("field-added"));
}

/// The enum value was migrated, the new column was not.
#[test]
fn partial_migration() {
    insta::assert_snapshot!(check("partial-migration"));
}

/// A guarded `DO` block adds the column: it ran, so there is no drift.
#[test]
fn manual_fix_in_do_block_is_in_sync() {
    assert_eq!(check("manual-fix"), "");
}

#[test]
fn dropped_model_with_its_migration_is_silent() {
    assert_eq!(check("dropped-model"), "");
}

#[test]
fn implicit_many_to_many_join_tables() {
    assert_eq!(check("many-to-many"), "");
    // Without the join tables, they are missing.
    let mut input = fixture("many-to-many");
    let path = "prisma/migrations/20240101000000_init/migration.sql";
    let sql = input.file(path).unwrap().text().unwrap().to_owned();
    let cut = sql
        .find("-- CreateTable\nCREATE TABLE \"_PostToTag\"")
        .unwrap();
    let trimmed = sql.get(..cut).unwrap();
    input.files.retain(|f| f.path != path);
    let input = input
        .files
        .iter()
        .fold(InputBuilder::new(), |b, f| {
            b.file(&f.path, f.text().unwrap())
        })
        .sql_file(path, trimmed)
        .build();
    insta::assert_snapshot!(show(&run(&SchemaDrift, &input, "{}").unwrap()));
}

/// The same join tables as Prisma 5 builds them (a unique index on
/// (A, B)) in a project on Prisma 6, which keys them by a primary key: the
/// next `prisma migrate dev` adds the key and drops the index. The
/// version comes from package.json, or from `prisma-version`.
#[test]
fn join_tables_are_keyed_as_the_projects_prisma_keys_them() {
    let on_six = fixture_edited(
        "many-to-many",
        &[(
            "package.json",
            Some(r#"{"devDependencies": {"prisma": "^6.19.0"}}"#),
        )],
    );
    let six = show(&run(&SchemaDrift, &on_six, "{}").unwrap());
    insta::assert_snapshot!(six);
    let forced = run(
        &SchemaDrift,
        &fixture("many-to-many"),
        r#"{"prisma-version": "6"}"#,
    )
    .unwrap();
    assert_eq!(show(&forced), six);
    // On Prisma 5 the older table is right, and the newer one, keyed by a
    // primary key, is not what Prisma 5 builds.
    let five = show(&run(&SchemaDrift, &on_six, r#"{"prisma-version": "5.22.0"}"#).unwrap());
    assert!(five.starts_with("prisma/schema.prisma:8:3: missing-unique: join table `_PostToTag` is keyed by the primary key `_PostToTag_AB_pkey`, but the project's Prisma (before 6) keys an implicit many-to-many table by the unique index `_PostToTag_AB_unique`"), "{five}");
    assert_eq!(five.matches("missing-unique").count(), 1, "{five}");
    assert!(!five.contains("_Follows"), "{five}");
}

#[test]
fn map_and_table_map_are_followed() {
    assert_eq!(check("mapped"), "");
}

/// One of nearly every check.
#[test]
fn drifted() {
    let findings = run(&SchemaDrift, &fixture("drifted"), "{}").unwrap();
    insta::assert_snapshot!(show(&findings));
    let ignored = run(
        &SchemaDrift,
        &fixture("drifted"),
        r#"{"ignore-tables": ["audit_log", "_prisma_migrations"]}"#,
    )
    .unwrap();
    assert!(ignored.iter().all(|f| f.check != "extra-table"));
}

#[test]
fn schema_syntax_errors_are_reported_and_nothing_compared() {
    insta::assert_snapshot!(check("syntax-error"));
}

#[test]
fn migration_order_option() {
    // Hand-written first: the Prisma migration then fails to create the
    // table the hand-written one already made, so the column is missing.
    let schema = "model T {\n  id Int @id\n  a  Int\n}\n";
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file(
            "prisma/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));",
        )
        .sql_file(
            "prisma/migrations/01_a.sql",
            "ALTER TABLE \"T\" ADD COLUMN \"a\" INTEGER NOT NULL;",
        )
        .build();
    assert_eq!(render(&run(&SchemaDrift, &input, "{}").unwrap()), "");
    let findings = run(&SchemaDrift, &input, r#"{"order": "handwritten-first"}"#).unwrap();
    assert_eq!(
        render(&findings),
        "prisma/schema.prisma:3:3: missing-column: column `T`.`a` is in the schema but no migration creates it\n"
    );
}

#[test]
fn schemas_without_migrations_or_postgres_are_not_checked() {
    let input = InputBuilder::new()
        .file("a/schema.prisma", "model T {\n  id Int @id\n}\n")
        .file(
            "b/schema.prisma",
            "datasource db {\n  provider = \"mysql\"\n  url = env(\"X\")\n}\nmodel T {\n  id Int @id\n}\n",
        )
        .sql_file("b/migrations/20240101000000_x/migration.sql", "SELECT 1;")
        .build();
    assert_eq!(render(&run(&SchemaDrift, &input, "{}").unwrap()), "");
}

#[test]
fn multi_file_schema_folder() {
    let input = InputBuilder::new()
        .file("prisma/schema/base.prisma", "datasource db {\n  provider = \"postgresql\"\n  url = env(\"X\")\n}\n")
        .file("prisma/schema/user.prisma", "model User {\n  id Int @id\n  email String\n}\n")
        .sql_file(
            "prisma/migrations/20240101000000_x/migration.sql",
            "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));",
        )
        .build();
    assert_eq!(
        render(&run(&SchemaDrift, &input, "{}").unwrap()),
        "prisma/schema/user.prisma:3:3: missing-column: column `User`.`email` is in the schema but no migration creates it\n"
    );
}

/// Renames, type changes, constraint changes and enum renames replay.
#[test]
fn alterations_replay() {
    let schema = "enum Kind {\n  A\n  Bee\n}\nmodel Item {\n  id   Int    @id\n  kind Kind\n  note String? @db.VarChar(10)\n  code String @unique\n}\n";
    let sql = r#"
CREATE TYPE kind_old AS ENUM ('A', 'B');
CREATE TABLE items (id int, k kind_old NOT NULL, note varchar(10) NOT NULL, code int);
ALTER TABLE items RENAME TO "Item";
ALTER TABLE "Item" RENAME COLUMN k TO kind;
ALTER TYPE kind_old RENAME TO "Kind";
ALTER TYPE "Kind" RENAME VALUE 'B' TO 'Bee';
ALTER TABLE "Item" ALTER COLUMN note DROP NOT NULL, ALTER COLUMN code SET DATA TYPE text, ALTER COLUMN code SET NOT NULL;
ALTER TABLE "Item" ADD PRIMARY KEY (id);
ALTER TABLE "Item" ADD CONSTRAINT item_code UNIQUE (code);
ALTER TABLE "Item" DROP CONSTRAINT item_code;
CREATE UNIQUE INDEX item_code_idx ON public."Item" (code);
ALTER INDEX item_code_idx RENAME TO "Item_code_key";
ALTER TABLE "Item" RENAME CONSTRAINT "Item_pkey" TO "Item_pk";
ALTER TABLE "Item" DROP CONSTRAINT "Item_pk", ADD CONSTRAINT "Item_pkey" PRIMARY KEY (id);
-- Prisma's enum value removal.
CREATE TYPE "Kind_new" AS ENUM ('A', 'Bee');
ALTER TABLE "Item" ALTER COLUMN "kind" TYPE "Kind_new" USING ("kind"::text::"Kind_new");
ALTER TYPE "Kind" RENAME TO "Kind_old";
ALTER TYPE "Kind_new" RENAME TO "Kind";
DROP TYPE "Kind_old";
"#;
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file("prisma/migrations/01_init.sql", sql)
        .build();
    assert_eq!(show(&run(&SchemaDrift, &input, "{}").unwrap()), "");
}

/// Nothing the host can hand over makes the rule panic.
#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        "",
        ";;;",
        "DO $$",
        "CREATE TABLE (",
        "CREATE TABLE t (",
        "ALTER TABLE",
        "ALTER TABLE t ADD CONSTRAINT",
        "ALTER TABLE t ADD COLUMN",
        "ALTER TYPE t ADD VALUE",
        "CREATE TYPE t AS ENUM (",
        "CREATE INDEX ON",
        "DROP",
        "\u{0}\u{feff}$$$$",
        "CREATE TABLE é (ü int); ALTER TABLE \"é\" RENAME COLUMN ü TO \"\u{1F600}\";",
    ];
    for sql in odd {
        let input = InputBuilder::new()
            .file("prisma/schema.prisma", "model T {\n  id Int @id\n}\n")
            .sql_file("prisma/migrations/01_odd.sql", sql)
            .sql_file("prisma/migrations/20240101000000_x/migration.sql", sql)
            .build();
        run(&SchemaDrift, &input, "{}").unwrap();
    }
}

mod diff_mode {
    use drift_sdk::ChangeKind;

    use super::*;

    const SCHEMA: &str = "model User {\n  id       Int     @id\n  nickname String?\n}\n";
    const INIT: &str = "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));";
    const SCHEMA_PATH: &str = "prisma/schema.prisma";
    const INIT_PATH: &str = "prisma/migrations/20240101000000_init/migration.sql";

    /// The base: `nickname` already had no migration.
    fn base() -> InputBuilder {
        InputBuilder::new()
            .base_file(SCHEMA_PATH, SCHEMA)
            .base_path(INIT_PATH)
            .sql_file(INIT_PATH, INIT)
    }

    /// Drift the change introduces is raised to an error; what the base
    /// had keeps its severity (the host counts it as pre-existing).
    #[test]
    fn only_introduced_drift_is_raised() {
        let schema = SCHEMA.replace("}\n", "  karma    Int\n}\n");
        let input = base()
            .file(SCHEMA_PATH, &schema)
            .change(ChangeKind::Modified, SCHEMA_PATH, None)
            .build();
        insta::assert_snapshot!(show(&run(&SchemaDrift, &input, "{}").unwrap()));
    }

    /// A change with its migration raises nothing: the drift left is the
    /// base's, at its own severity.
    #[test]
    fn a_change_with_its_migration_raises_nothing() {
        let schema = SCHEMA.replace("}\n", "  karma    Int\n}\n");
        let added = "prisma/migrations/20240201000000_karma/migration.sql";
        let input = base()
            .file(SCHEMA_PATH, &schema)
            .sql_file(
                added,
                "ALTER TABLE \"User\" ADD COLUMN \"karma\" INTEGER NOT NULL;",
            )
            .change(ChangeKind::Modified, SCHEMA_PATH, None)
            .change(ChangeKind::Added, added, None)
            .build();
        let findings = run(&SchemaDrift, &input, "{}").unwrap();
        assert_eq!(
            render(&findings),
            "prisma/schema.prisma:3:3: missing-column: column `User`.`nickname` is in the schema but no migration creates it\n"
        );
    }

    #[test]
    fn fixing_drift_leaves_nothing() {
        let added = "prisma/migrations/20240201000000_nickname/migration.sql";
        let input = base()
            .file(SCHEMA_PATH, SCHEMA)
            .sql_file(added, "ALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;")
            .change(ChangeKind::Added, added, None)
            .build();
        assert_eq!(render(&run(&SchemaDrift, &input, "{}").unwrap()), "");
    }

    /// A base migration that no current file matches has no syntax tree:
    /// the base cannot be rebuilt, so everything is reported.
    #[test]
    fn an_unknown_base_reports_everything() {
        let input = InputBuilder::new()
            .base_file(SCHEMA_PATH, SCHEMA)
            .base_file(INIT_PATH, "CREATE TABLE \"User\" (\"id\" INTEGER);")
            .file(SCHEMA_PATH, SCHEMA)
            .sql_file(INIT_PATH, INIT)
            .change(ChangeKind::Modified, INIT_PATH, None)
            .build();
        let findings = run(&SchemaDrift, &input, "{}").unwrap();
        assert_eq!(
            render(&findings),
            "prisma/schema.prisma:3:3: missing-column: column `User`.`nickname` is in the schema but no migration creates it\n"
        );
    }
}

/// Index options Prisma writes (sort order, operator class, method),
/// `IF [NOT] EXISTS` forms, `@@ignore` models and views.
#[test]
fn realistic_variants_are_silent() {
    let schema = r#"
model Post {
  id    Int    @id @default(autoincrement())
  title String
  slug  String

  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@index([slug(sort: Desc)])
}

model Legacy {
  id Int @id

  @@ignore
}

view PostStats {
  id    Int @unique
  count Int
}
"#;
    let sql = r#"
CREATE TABLE IF NOT EXISTS "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "slug" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_title_idx" ON "Post" USING GIN ("title" gin_trgm_ops);
CREATE INDEX "Post_slug_idx" ON "Post"("slug" DESC);
CREATE TABLE "Legacy" ("id" INTEGER NOT NULL);
CREATE TABLE "Old1" ("id" INTEGER);
CREATE TABLE old2 ("id" INTEGER);
DROP TABLE IF EXISTS "Old1", old2 CASCADE;
CREATE VIEW "PostStats" AS SELECT 1 AS id, 2 AS count;
CREATE TEMP TABLE scratch (id int);
CREATE SCHEMA audit;
CREATE TABLE audit.log (id int);
"#;
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file("prisma/migrations/20240101000000_init/migration.sql", sql)
        .build();
    assert_eq!(show(&run(&SchemaDrift, &input, "{}").unwrap()), "");
}

/// PostgreSQL's regression suite as migrations: thousands of statements of
/// every kind, many odd on purpose. The rule must not panic, and every
/// finding about a migration must point into its file.
#[test]
fn the_postgres_regression_suite_does_not_panic() {
    let Some(files) = drift_sdk::testing::pg_regress_files() else {
        return;
    };
    let schema = "enum mood {\n  sad\n  ok\n  happy\n}\nmodel tenk1 {\n  unique1 Int @id\n  stringu1 String\n}\n";
    let mut builder = InputBuilder::new().file("db/schema.prisma", schema);
    let mut line_counts = std::collections::BTreeMap::new();
    for (i, (_, path)) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let migration = if i % 2 == 0 {
            format!("db/migrations/{i:03}_{name}.sql")
        } else {
            format!("db/migrations/20240101{i:06}_{name}/migration.sql")
        };
        builder = builder.sql_file(&migration, &text);
        line_counts.insert(migration, text.lines().count().max(1) as u32);
    }
    let findings = run(&SchemaDrift, &builder.build(), "{}").unwrap();
    assert!(
        findings.iter().any(|f| f.check == "extra-table"),
        "the replay found no tables"
    );
    for finding in &findings {
        let Some(lines) = line_counts.get(&finding.path) else {
            assert_eq!(finding.path, "db/schema.prisma", "{finding:?}");
            continue;
        };
        let span = finding.span.unwrap();
        assert!(
            span.line >= 1 && span.line <= span.end_line && span.end_line <= *lines,
            "{finding:?}"
        );
    }
}

/// A realistic history in a monorepo: `@map`/`@@map`, native types,
/// Prisma's enum value removal, dropped and added columns, renamed index,
/// the Prisma 6 join-table primary key, `Unsupported`, a trigger and a
/// policy in a hand-written file. It ends in sync.
#[test]
fn a_realistic_history_is_in_sync() {
    assert_eq!(check("history"), "");
    // The same history against a schema that moved on is checked.
    let input = fixture("history");
    let path = "apps/api/prisma/schema.prisma";
    let schema = input.file(path).unwrap().text().unwrap();
    let schema = schema.replace("  views     BigInt", "  likes     Int\n  views     BigInt");
    let mut builder = InputBuilder::new().file(path, &schema);
    for file in input.files.iter().filter(|f| f.path != path) {
        builder = match &file.sql {
            Some(_) => builder.sql_file(&file.path, file.text().unwrap()),
            None => builder.file(&file.path, file.text().unwrap()),
        };
    }
    let findings = run(&SchemaDrift, &builder.build(), "{}").unwrap();
    assert_eq!(
        render(&findings),
        "apps/api/prisma/schema.prisma:38:3: missing-column: column `articles`.`likes` is in the schema but no migration creates it\n"
    );
}

/// A `0_init` baseline made with `pg_dump --schema-only`, as Prisma's
/// baselining guide describes: schema-qualified names, `ALTER TABLE ONLY`,
/// sequences, owners, `SET` lines.
#[test]
fn a_pg_dump_baseline_is_in_sync() {
    assert_eq!(check("baseline"), "");
}

/// The fixture `name` with some files replaced (`Some`) or removed
/// (`None`).
fn fixture_edited(name: &str, edits: &[(&str, Option<&str>)]) -> Input {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    let mut builder = InputBuilder::new();
    for (path, text) in files {
        let text = match edits.iter().find(|(p, _)| *p == path) {
            Some((_, Some(replaced))) => (*replaced).to_owned(),
            Some((_, None)) => continue,
            None => text,
        };
        builder = if path.ends_with(".sql") {
            builder.sql_file(&path, &text)
        } else {
            builder.file(&path, &text)
        };
    }
    // Edits of paths the fixture lacks add files.
    for (path, text) in edits {
        if let Some(text) = text
            && !root.join(path).exists()
        {
            builder = builder.file(path, text);
        }
    }
    builder.build()
}

/// A Prisma 7 layout: `prisma.config.ts` names a schema folder (models in
/// nested folders) and the migrations folder, and calls the auth
/// provider's table and enum external; a partial unique index
/// (`partialIndexes`) is created with its `WHERE`.
#[test]
fn prisma_config_layout_external_objects_and_partial_indexes() {
    assert_eq!(check("prisma7-config"), "");
    // Without `tables.external`/`enums.external`, Prisma Migrate would
    // create them: their absence is drift.
    let config = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/prisma7-config/prisma.config.ts"),
    )
    .unwrap();
    let managed = config
        .replace("tables: { external: [\"public.clerk_users\"] },", "")
        .replace("enums: { external: [\"public.clerk_role\"] },", "");
    let input = fixture_edited("prisma7-config", &[("prisma.config.ts", Some(&managed))]);
    insta::assert_snapshot!(render(&run(&SchemaDrift, &input, "{}").unwrap()), @r"
    db/schema/models/auth/clerk.prisma:2:7: missing-table: table `clerk_users` is in the schema but no migration creates it
    db/schema/models/auth/clerk.prisma:10:6: missing-enum: enum type `clerk_role` is in the schema but no migration creates it
    ");
    // A unique index without the schema's `WHERE` is another index.
    let full = "ALTER TABLE \"Account\" ADD COLUMN \"deletedAt\" TIMESTAMP(3);\nCREATE UNIQUE INDEX \"Account_email_key\" ON \"Account\"(\"email\");\n";
    let input = fixture_edited(
        "prisma7-config",
        &[(
            "db/migrations/20250201000000_soft_delete/migration.sql",
            Some(full),
        )],
    );
    insta::assert_snapshot!(render(&run(&SchemaDrift, &input, "{}").unwrap()), @r#"db/schema/models/account.prisma:8:3: missing-unique: the unique constraint on ("email") of `Account` is not created by any migration"#);
}

/// A schema the Prisma CLI only finds through a script's `--schema`.
#[test]
fn schema_named_by_a_package_script() {
    let input = InputBuilder::new()
        .file(
            "services/billing/package.json",
            r#"{"scripts": {"db:deploy": "prisma migrate deploy --schema=./db/billing.prisma"}}"#,
        )
        .file(
            "services/billing/db/billing.prisma",
            "datasource db {\n  provider = \"postgresql\"\n}\nmodel Invoice {\n  id Int @id\n  total Int\n}\n",
        )
        .sql_file(
            "services/billing/db/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE \"Invoice\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"Invoice_pkey\" PRIMARY KEY (\"id\"));",
        )
        .build();
    assert_eq!(
        render(&run(&SchemaDrift, &input, "{}").unwrap()),
        "services/billing/db/billing.prisma:6:3: missing-column: column `Invoice`.`total` is in the schema but no migration creates it\n"
    );
}

/// `ADD CONSTRAINT … PRIMARY KEY | UNIQUE USING INDEX i` turns the unique
/// index `i` into the constraint (renamed to the constraint's name): the
/// replay must see the key, or every later commit reports it missing.
#[test]
fn constraints_using_an_existing_index() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel Item {\n  id   Int    @id\n  code String @unique\n}\n";
    let run_with = |sql: &str| one_migration(schema, sql);
    let create = "CREATE TABLE \"Item\" (\"id\" INTEGER NOT NULL, \"code\" TEXT NOT NULL);\n\
        CREATE UNIQUE INDEX \"Item_id_idx\" ON \"Item\"(\"id\");\n\
        CREATE UNIQUE INDEX \"Item_code_idx\" ON \"Item\"(\"code\");\n";
    let keyed = format!(
        "{create}ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_pkey\" PRIMARY KEY USING INDEX \"Item_id_idx\";\n\
         ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_code_key\" UNIQUE USING INDEX \"Item_code_idx\";\n"
    );
    assert_eq!(run_with(&keyed), "");
    // Without the constraint, the primary key is missing indeed.
    let unkeyed = run_with(create);
    assert!(unkeyed.contains("missing-primary-key"), "{unkeyed}");
}

/// Foreign keys are replayed as PostgreSQL builds them: inline and
/// table-level, `REFERENCES t` without columns (t's primary key), added
/// and dropped by name, renamed, following renamed columns and tables,
/// and gone with a dropped column or a dropped referenced table. The
/// schema's relations are compared with what is left.
#[test]
fn foreign_keys_replay() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model Team {\n  id    Int    @id\n  users User[]\n}\n\n\
        model User {\n  id     Int   @id\n  teamId Int\n  team   Team  @relation(fields: [teamId], references: [id], onDelete: Cascade)\n  bossId Int?\n  boss   User? @relation(\"Boss\", fields: [bossId], references: [id])\n  staff  User[] @relation(\"Boss\")\n}\n";
    let run_with = |sql: &str| one_migration(schema, sql);
    let tables = "CREATE TABLE \"Team\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"Team_pkey\" PRIMARY KEY (\"id\"));\n\
        CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"teamId\" INTEGER NOT NULL, \"bossId\" INTEGER);\n";
    let keys = "ALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n\
        ALTER TABLE \"User\" ADD CONSTRAINT \"User_bossId_fkey\" FOREIGN KEY (\"bossId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n";
    // As Prisma writes them.
    assert_eq!(run_with(&format!("{tables}{keys}")), "");
    // Inline, without referenced columns (the primary key), in the table.
    let inline = "CREATE TABLE \"Team\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n\
        CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \
        \"teamId\" INTEGER NOT NULL REFERENCES \"Team\" ON DELETE CASCADE ON UPDATE CASCADE, \
        \"bossId\" INTEGER, FOREIGN KEY (\"bossId\") REFERENCES \"User\" ON DELETE SET NULL ON UPDATE CASCADE);\n";
    assert_eq!(run_with(inline), "");
    // None: both missing, at the relation fields.
    let none = run_with(tables);
    assert_eq!(none.matches("missing-foreign-key").count(), 2, "{none}");
    // Dropped by name.
    let dropped = run_with(&format!(
        "{tables}{keys}ALTER TABLE \"User\" DROP CONSTRAINT IF EXISTS \"User_teamId_fkey\";\n"
    ));
    assert_eq!(
        dropped.matches("missing-foreign-key").count(),
        1,
        "{dropped}"
    );
    // Renamed, then dropped under the new name.
    let renamed = run_with(&format!(
        "{tables}{keys}ALTER TABLE \"User\" RENAME CONSTRAINT \"User_teamId_fkey\" TO \"fk_team\";\n\
         ALTER TABLE \"User\" DROP CONSTRAINT \"fk_team\";\n"
    ));
    assert_eq!(
        renamed.matches("missing-foreign-key").count(),
        1,
        "{renamed}"
    );
    // Other actions than the relation's (Prisma's defaults for the optional
    // self-relation: SetNull, Cascade).
    let actions = run_with(&format!(
        "{tables}ALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n\
         ALTER TABLE \"User\" ADD CONSTRAINT \"User_bossId_fkey\" FOREIGN KEY (\"bossId\") REFERENCES \"User\"(\"id\");\n"
    ));
    assert_eq!(
        actions.matches("foreign-key-action-mismatch").count(),
        2,
        "{actions}"
    );
    // A key no relation declares, and keys that follow renamed columns
    // and tables back to what the schema says.
    let extra = run_with(&format!(
        "{tables}{keys}ALTER TABLE \"User\" ADD CONSTRAINT \"User_id_fkey\" FOREIGN KEY (\"id\") REFERENCES \"Team\"(\"id\");\n"
    ));
    assert!(extra.contains("extra-foreign-key"), "{extra}");
    let moved = run_with(
        "CREATE TABLE \"Group\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n\
         CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"groupId\" INTEGER NOT NULL, \"boss\" INTEGER);\n\
         ALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"groupId\") REFERENCES \"Group\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n\
         ALTER TABLE \"User\" ADD CONSTRAINT \"User_bossId_fkey\" FOREIGN KEY (\"boss\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n\
         ALTER TABLE \"Group\" RENAME TO \"Team\";\n\
         ALTER TABLE \"User\" RENAME COLUMN \"groupId\" TO \"teamId\";\n\
         ALTER TABLE \"User\" RENAME COLUMN \"boss\" TO \"bossId\";\n",
    );
    // Only the primary key's name stays behind, as PostgreSQL leaves it.
    assert!(
        moved.starts_with("prisma/schema.prisma:7:16: name-mismatch: the primary key on (\"id\") of `Team` is named `Group_pkey`"),
        "{moved}"
    );
    assert_eq!(moved.matches("name-mismatch").count(), 1, "{moved}");
    // A dropped column takes its key along; so does a dropped table
    // the key references (with CASCADE).
    let gone = run_with(&format!(
        "{tables}{keys}ALTER TABLE \"User\" DROP COLUMN \"bossId\";\nALTER TABLE \"User\" ADD COLUMN \"bossId\" INTEGER;\n\
         DROP TABLE \"Team\" CASCADE;\nCREATE TABLE \"Team\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n"
    ));
    assert_eq!(gone.matches("missing-foreign-key").count(), 2, "{gone}");
    // An added column's inline key counts.
    let added = run_with(&format!(
        "{tables}{}ALTER TABLE \"User\" DROP COLUMN \"bossId\";\n\
         ALTER TABLE \"User\" ADD COLUMN \"bossId\" INTEGER REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n",
        keys.lines().next().unwrap_or_default().to_owned() + "\n"
    ));
    assert_eq!(added, "");
}

/// Under `relationMode = "prisma"` relations have no foreign keys: none
/// is missing, and one a migration creates is extra.
#[test]
fn relation_mode_prisma_has_no_foreign_keys() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n  relationMode = \"prisma\"\n}\n\n\
        model Team {\n  id    Int    @id\n  users User[]\n}\n\n\
        model User {\n  id     Int  @id\n  teamId Int\n  team   Team @relation(fields: [teamId], references: [id])\n\n  @@index([teamId])\n}\n";
    let run_with = |sql: &str| one_migration(schema, sql);
    let tables = "CREATE TABLE \"Team\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n\
        CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"teamId\" INTEGER NOT NULL);\n\
        CREATE INDEX \"User_teamId_idx\" ON \"User\"(\"teamId\");\n";
    assert_eq!(run_with(tables), "");
    let keyed = run_with(&format!(
        "{tables}ALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\");\n"
    ));
    assert!(keyed.contains("extra-foreign-key"), "{keyed}");
}

/// In a diff run the base's migrations replay first and the change's new
/// ones after them, as on a database the base was deployed to: a new
/// migration whose name sorts before an applied one (numbering reports
/// that) is not drift at the applied, untouched migration. A full scan
/// replays in name order, as a fresh database would, and finds it.
#[test]
fn a_diff_run_replays_the_change_after_what_the_base_deployed() {
    use drift_sdk::{ChangeKind, Mode};
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel Sub {\n  id Int @id\n}\n";
    let init = "prisma/migrations/20240101000000_init/migration.sql";
    let add = "prisma/migrations/20240301000000_add_env/migration.sql";
    let drop = "prisma/migrations/20240201000000_drop_env/migration.sql";
    let init_sql = "CREATE TABLE \"Sub\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"Sub_pkey\" PRIMARY KEY (\"id\"));\n";
    let add_sql = "ALTER TABLE \"Sub\" ADD COLUMN \"env\" TEXT;\n";
    let drop_sql = "ALTER TABLE \"Sub\" DROP COLUMN \"env\";\n";
    let full = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file(init, init_sql)
        .sql_file(add, add_sql)
        .sql_file(drop, drop_sql)
        .build();
    let scan = show(&run(&SchemaDrift, &full, "{}").unwrap());
    assert!(scan.contains("extra-column"), "{scan}");
    let diff = InputBuilder::new()
        .mode(Mode::Base)
        .file("prisma/schema.prisma", schema)
        .sql_file(init, init_sql)
        .sql_file(add, add_sql)
        .sql_file(drop, drop_sql)
        .base_path(init)
        .base_path(add)
        .base_path("prisma/schema.prisma")
        .base_file(
            "prisma/schema.prisma",
            &schema.replace("id Int @id", "id  Int    @id\n  env String?"),
        )
        .change(ChangeKind::Added, drop, None)
        .change(ChangeKind::Modified, "prisma/schema.prisma", None)
        .build();
    assert_eq!(show(&run(&SchemaDrift, &diff, "{}").unwrap()), "");
}

/// An index no key of the schema accounts for is extra (the next
/// `prisma migrate dev` drops it), at the model; one the schema declares
/// on the same columns, of any kind, is not; partial indexes and the keys
/// of implicit many-to-many tables are left alone.
#[test]
fn extra_indexes_are_reported_at_the_model() {
    let schema = |extra: &str| {
        format!(
            "datasource db {{\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}}\n\n\
             model Post {{\n  id    Int    @id\n  title String\n  slug  String\n  tags  Tag[]\n{extra}}}\n\n\
             model Tag {{\n  id    Int    @id\n  posts Post[]\n}}\n"
        )
    };
    let run_with = one_migration;
    let sql = "CREATE TABLE \"Post\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"title\" TEXT NOT NULL, \"slug\" TEXT NOT NULL);\n\
        CREATE TABLE \"Tag\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n\
        CREATE TABLE \"_PostToTag\" (\"A\" INTEGER NOT NULL, \"B\" INTEGER NOT NULL, CONSTRAINT \"_PostToTag_AB_pkey\" PRIMARY KEY (\"A\", \"B\"));\n\
        CREATE INDEX \"_PostToTag_B_index\" ON \"_PostToTag\"(\"B\");\n\
        ALTER TABLE \"_PostToTag\" ADD CONSTRAINT \"_PostToTag_A_fkey\" FOREIGN KEY (\"A\") REFERENCES \"Post\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n\
        ALTER TABLE \"_PostToTag\" ADD CONSTRAINT \"_PostToTag_B_fkey\" FOREIGN KEY (\"B\") REFERENCES \"Tag\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n\
        CREATE INDEX \"Post_title_idx\" ON \"Post\" USING GIN (\"title\" gin_trgm_ops);\n\
        CREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");\n\
        CREATE INDEX \"Post_live_idx\" ON \"Post\"(\"id\") WHERE \"slug\" <> '';\n";
    let found = run_with(&schema(""), sql);
    assert_eq!(found.matches("extra-index").count(), 2, "{found}");
    assert!(
        found.contains("prisma/schema.prisma:6:7: extra-index: the migrations create the index `Post_title_idx`"),
        "{found}"
    );
    assert!(found.contains("unique index `Post_slug_key`"), "{found}");
    // Declared on the same columns: not extra; built otherwise than
    // declared (no operator class, a unique index for an `@@index`), which
    // Prisma replaces.
    let declared = run_with(
        &schema("  @@index([title], type: Gin)\n  @@index([slug])\n"),
        sql,
    );
    assert!(!declared.contains("extra-index"), "{declared}");
    assert!(
        declared.contains("index-mismatch: the index `Post_title_idx` of `Post` is not built as the schema declares it: `title` has the operator class `gin_trgm_ops` where the schema declares none"),
        "{declared}"
    );
    assert!(
        declared.contains("index-mismatch: the index `Post_slug_key` of `Post` is not built as the schema declares it: it is a unique index"),
        "{declared}"
    );
    // Declared as built: nothing.
    let alike = run_with(
        &schema("  @@index([title(ops: raw(\"gin_trgm_ops\"))], type: Gin)\n  @@unique([slug])\n"),
        sql,
    );
    assert_eq!(alike, "");
}

/// A change that removes a relation (or a field) from the schema and
/// leaves its key (or column) in the database introduces drift that an
/// applied migration built: reported at the model, where the change is,
/// not at the migration it cannot edit. A full scan reports it at the
/// migration.
#[test]
fn drift_a_change_makes_of_applied_objects_is_reported_at_the_model() {
    use drift_sdk::{ChangeKind, Mode};
    let with = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model Team {\n  id    Int    @id\n  users User[]\n}\n\n\
        model User {\n  id     Int  @id\n  teamId Int\n  team   Team @relation(fields: [teamId], references: [id])\n}\n";
    let without = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model Team {\n  id Int @id\n}\n\n\
        model User {\n  id     Int @id\n  teamId Int\n}\n";
    let init = "prisma/migrations/20240101000000_init/migration.sql";
    let sql = "CREATE TABLE \"Team\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n\
        CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"teamId\" INTEGER NOT NULL);\n\
        ALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n";
    let diff = InputBuilder::new()
        .mode(Mode::Base)
        .file("prisma/schema.prisma", without)
        .sql_file(init, sql)
        .base_path(init)
        .base_path("prisma/schema.prisma")
        .base_file("prisma/schema.prisma", with)
        .change(ChangeKind::Modified, "prisma/schema.prisma", None)
        .build();
    let found = render(&run(&SchemaDrift, &diff, "{}").unwrap());
    assert!(
        found.starts_with("prisma/schema.prisma:10:7: extra-foreign-key [Error]:"),
        "{found}"
    );
    let full = InputBuilder::new()
        .file("prisma/schema.prisma", without)
        .sql_file(init, sql)
        .build();
    let found = render(&run(&SchemaDrift, &full, "{}").unwrap());
    assert!(found.starts_with(&format!("{init}:3:")), "{found}");
    // Drift the base already had stays where the base's run reports it
    // (the host matches the two), at its severity.
    let later = "prisma/migrations/20240301000000_other/migration.sql";
    let unrelated = InputBuilder::new()
        .mode(Mode::Base)
        .file("prisma/schema.prisma", without)
        .sql_file(init, sql)
        .sql_file(later, "CREATE TABLE \"Other\" (\"id\" INTEGER);\n")
        .base_path(init)
        .base_path("prisma/schema.prisma")
        .change(ChangeKind::Added, later, None)
        .build();
    let found = render(&run(&SchemaDrift, &unrelated, "{}").unwrap());
    assert!(
        found.contains(&format!("{init}:3:24: extra-foreign-key: ")),
        "{found}"
    );
}

/// The findings, with help, of a project whose only migration is `sql`.
fn one_migration(schema: &str, sql: &str) -> String {
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .file(
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        )
        .sql_file("prisma/migrations/20240101000000_init/migration.sql", sql)
        .build();
    show(&run(&SchemaDrift, &input, "{}").unwrap())
}

/// Defaults are compared by presence: `@updatedAt` has none, `@default`
/// one. A default of an enum type goes when the type is dropped with
/// `CASCADE`, even after the column changed to another type (PostgreSQL
/// keeps the default's dependency on the type); one set afterwards stays.
#[test]
fn defaults_follow_the_types_they_depend_on() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model Account {\n  id        Int      @id\n  currency  String?\n  updatedAt DateTime @updatedAt\n}\n";
    let base = "CREATE TYPE \"Currency\" AS ENUM ('EUR', 'USD');\n\
        CREATE TABLE \"Account\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"currency\" \"Currency\" NOT NULL DEFAULT E'USD', \"updatedAt\" TIMESTAMP(3) NOT NULL);\n\
        ALTER TABLE \"Account\" ALTER COLUMN \"currency\" TYPE TEXT;\n\
        ALTER TABLE \"Account\" ALTER COLUMN \"currency\" DROP NOT NULL;\n";
    assert_eq!(
        one_migration(schema, &format!("{base}DROP TYPE \"Currency\" CASCADE;\n")),
        ""
    );
    let kept = one_migration(
        schema,
        &format!(
            "{base}DROP TYPE \"Currency\" CASCADE;\nALTER TABLE \"Account\" ALTER COLUMN \"currency\" SET DEFAULT 'USD';\n"
        ),
    );
    assert!(
        kept.starts_with("prisma/schema.prisma:8:3: default-mismatch: `Account`.`currency` has no database default in the schema but the database gives it one"),
        "{kept}"
    );
    let stamped = one_migration(
        schema,
        &format!(
            "{base}DROP TYPE \"Currency\" CASCADE;\nALTER TABLE \"Account\" ALTER COLUMN \"updatedAt\" SET DEFAULT CURRENT_TIMESTAMP;\n"
        ),
    );
    assert!(
        stamped.contains("default-mismatch: `Account`.`updatedAt` has no database default"),
        "{stamped}"
    );
    assert_eq!(stamped.matches("default-mismatch").count(), 1, "{stamped}");
}

/// Indexes are compared as Prisma compares them: column order, method,
/// sort order, operator classes that are not a type's default, and
/// `INCLUDE`; a default class written out is the same as none.
#[test]
fn indexes_are_built_as_declared() {
    let schema = |index: &str| {
        format!(
            "datasource db {{\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}}\n\n\
             model Run {{\n  id     Int      @id\n  envId  Int\n  at     DateTime\n  tags   String[]\n  {index}\n}}\n"
        )
    };
    let table = "CREATE TABLE \"Run\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"envId\" INTEGER NOT NULL, \"at\" TIMESTAMP(3) NOT NULL, \"tags\" TEXT[]);\n";
    let check = |index: &str, sql: &str| one_migration(&schema(index), &format!("{table}{sql}"));
    let desc = "@@index([envId, at(sort: Desc)])";
    assert_eq!(
        check(
            desc,
            "CREATE INDEX \"Run_envId_at_idx\" ON \"Run\"(\"envId\", \"at\" DESC);\n"
        ),
        ""
    );
    let included = check(
        desc,
        "CREATE INDEX \"Run_envId_at_idx\" ON \"Run\"(\"envId\", \"at\" DESC) INCLUDE (\"id\") WITH (fillfactor = 90);\n",
    );
    assert!(
        included.contains("it has `INCLUDE` columns, which a Prisma schema cannot declare"),
        "{included}"
    );
    let ascending = check(
        desc,
        "CREATE INDEX \"Run_envId_at_idx\" ON \"Run\"(\"envId\", \"at\");\n",
    );
    assert!(
        ascending.contains("`at` is sorted ascending where the schema sorts it descending"),
        "{ascending}"
    );
    let order = check(
        desc,
        "CREATE INDEX \"Run_envId_at_idx\" ON \"Run\"(\"at\" DESC, \"envId\");\n",
    );
    assert!(order.contains("its columns are in the order (\"at\", \"envId\") where the schema has (\"envId\", \"at\")"), "{order}");
    let gin = "@@index([tags(ops: ArrayOps)], type: Gin)";
    assert_eq!(
        check(
            gin,
            "CREATE INDEX \"Run_tags_idx\" ON \"Run\" USING GIN (\"tags\" array_ops);\n"
        ),
        ""
    );
    assert_eq!(
        check(
            gin,
            "CREATE INDEX \"Run_tags_idx\" ON \"Run\" USING GIN (\"tags\");\n"
        ),
        ""
    );
    let btree = check(gin, "CREATE INDEX \"Run_tags_idx\" ON \"Run\"(\"tags\");\n");
    assert!(
        btree.contains("it is a `btree` index where the schema declares `gin`"),
        "{btree}"
    );
    // One of two indexes on the same columns built as declared is the key.
    assert_eq!(
        check(
            desc,
            "CREATE INDEX \"Run_env_at_plain\" ON \"Run\"(\"envId\", \"at\");\nCREATE INDEX \"Run_envId_at_idx\" ON \"Run\"(\"envId\", \"at\" DESC);\n"
        ),
        ""
    );
}

/// `DEFAULT NULL` and `SET DEFAULT NULL` store no default; an identity
/// added to a column is one (Prisma reads it as `autoincrement()`), and
/// dropping it removes it; a type dropped with `CASCADE` takes its
/// columns' indexes along.
#[test]
fn null_defaults_identities_and_cascaded_types() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model Item {\n  id  Int     @id @default(autoincrement())\n  bio String?\n}\n";
    let table = "CREATE TABLE \"Item\" (\"id\" INTEGER NOT NULL, \"bio\" TEXT DEFAULT NULL, CONSTRAINT \"Item_pkey\" PRIMARY KEY (\"id\"));\n";
    let identity =
        "ALTER TABLE \"Item\" ALTER COLUMN \"id\" ADD GENERATED BY DEFAULT AS IDENTITY;\n";
    assert_eq!(one_migration(schema, &format!("{table}{identity}")), "");
    let nulled = one_migration(
        schema,
        &format!(
            "{table}{identity}ALTER TABLE \"Item\" ALTER COLUMN \"bio\" SET DEFAULT 'x';\nALTER TABLE \"Item\" ALTER COLUMN \"bio\" SET DEFAULT NULL::text;\n"
        ),
    );
    assert_eq!(nulled, "");
    let dropped = one_migration(
        schema,
        &format!("{table}{identity}ALTER TABLE \"Item\" ALTER COLUMN \"id\" DROP IDENTITY;\n"),
    );
    assert!(
        dropped.contains(
            "default-mismatch: `Item`.`id` has a default in the schema but none in the database"
        ),
        "{dropped}"
    );
    let cascaded = one_migration(
        schema,
        &format!(
            "{table}{identity}CREATE TYPE \"S\" AS ENUM ('a');\nALTER TABLE \"Item\" ADD COLUMN \"s\" \"S\";\nCREATE INDEX \"Item_s_idx\" ON \"Item\"(\"s\");\nDROP TYPE \"S\" CASCADE;\n"
        ),
    );
    assert_eq!(cascaded, "");
}

/// Prisma 2 named keys `User.email_unique` and read `@@index(name:)` as the
/// database name: on it, names are not compared; from Prisma 3 on they are.
#[test]
fn names_are_compared_from_prisma_3_on() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
        model User {\n  id    Int    @id\n  email String @unique\n}\n";
    let sql = "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, \"email\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n\
        CREATE UNIQUE INDEX \"User.email_unique\" ON \"User\"(\"email\");\n";
    let input = |version: &str| {
        let input = InputBuilder::new()
            .file("prisma/schema.prisma", schema)
            .file(
                "package.json",
                &format!("{{\"dependencies\": {{\"@prisma/client\": \"{version}\"}}}}"),
            )
            .sql_file("prisma/migrations/20210101000000_init/migration.sql", sql)
            .build();
        show(&run(&SchemaDrift, &input, "{}").unwrap())
    };
    assert_eq!(input("2.30.3"), "");
    let three = input("^3.0.0");
    assert!(three.contains("name-mismatch: the unique constraint on (\"email\") of `User` is named `User.email_unique`"), "{three}");
}

/// Defaults and schemas that PostgreSQL and Prisma's engine find equal
/// are not drift: enum labels and strings that look like booleans or
/// numbers, a boolean written `'t'`, a number written `'01'`; and an
/// unqualified table is not placed in `public` when the datasource's
/// `schemas` do not list it (the connection's search path decides).
#[test]
fn equal_defaults_and_unknown_search_paths_are_not_drift() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n  schemas  = [\"app\"]\n}\n\n\
        enum Answer {\n  TRUE\n  FALSE\n\n  @@schema(\"app\")\n}\n\n\
        model T {\n  id   Int     @id\n  a    Answer  @default(TRUE)\n  b    Boolean @default(true)\n  c    Int     @default(1)\n  d    String  @default(\"1.0\")\n\n  @@schema(\"app\")\n}\n";
    let sql = "CREATE TYPE \"Answer\" AS ENUM ('TRUE', 'FALSE');\n\
        CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, \"a\" \"Answer\" NOT NULL DEFAULT 'TRUE', \
        \"b\" BOOLEAN NOT NULL DEFAULT 't', \"c\" INTEGER NOT NULL DEFAULT '01', \
        \"d\" TEXT NOT NULL DEFAULT '1.0', CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\n";
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file("prisma/migrations/20240101000000_init/migration.sql", sql)
        .build();
    assert_eq!(render(&run(&SchemaDrift, &input, "{}").unwrap()), "");
    // A string default that only looks like the database's is drift.
    let input = InputBuilder::new()
        .file("prisma/schema.prisma", schema)
        .sql_file(
            "prisma/migrations/20240101000000_init/migration.sql",
            &sql.replace("DEFAULT '1.0'", "DEFAULT '1'"),
        )
        .build();
    assert_eq!(
        render(&run(&SchemaDrift, &input, "{}").unwrap()),
        "prisma/schema.prisma:19:3: default-mismatch: `T`.`d` defaults to '1.0' in the schema but to '1' in the database\n"
    );
}
