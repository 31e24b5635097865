//! `drift-host verify` against a real PostgreSQL: a throwaway server, or a
//! scratch database on a server given by URL. These tests need the server
//! binaries; without them they skip with one line, and with
//! `DRIFT_REQUIRE_POSTGRES` set (CI) they fail instead.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Repo, postgres, run_with_env};

/// A folder for verify's temporary folders, to see that nothing is left.
fn tmp_parent() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("dv")
        .tempdir_in("/tmp")
        .expect("tempdir")
}

/// Processes whose command line mentions `needle`.
fn processes_mentioning(needle: &Path) -> Vec<String> {
    let needle = needle.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

#[test]
fn failures_reruns_and_extensions_are_found_where_they_are() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::fixture("verify-basic");
    let parent = tmp_parent();
    let run = run_with_env(
        repo.path(),
        &["verify", "--format", "text"],
        &[("DRIFT_VERIFY_TMPDIR", &parent.path().to_string_lossy())],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.starts_with("drift-host verify: PostgreSQL "),
        "{run:?}"
    );
    insta::assert_snapshot!(run.stdout);
    // Stopped and removed.
    assert_eq!(std::fs::read_dir(parent.path()).expect("read").count(), 0);
    assert!(processes_mentioning(parent.path()).is_empty());

    // JSON: every finding is verify's, and at a line.
    let run = run_with_env(
        repo.path(),
        &["verify", "--format", "json"],
        &[("DRIFT_VERIFY_TMPDIR", &parent.path().to_string_lossy())],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = run.json();
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 10, "{run:?}");
    assert!(findings.iter().all(|f| f["rule"] == "verify"), "{run:?}");
    // Each at a line, but a file's change of the database as a whole.
    let unplaced: Vec<&str> = findings
        .iter()
        .filter(|f| !f["line"].is_u64())
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(unplaced, ["prisma/migrations/01_seed.sql"], "{run:?}");
}

/// Ctrl-C and SIGTERM in the middle of a migration: the server is stopped
/// and its folder removed before drift-host exits.
#[test]
fn signals_stop_the_server_and_remove_its_folder() {
    if postgres().is_none() {
        return;
    }
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let repo = Repo::new();
        repo.write(
            "migrations/01_slow.sql",
            "CREATE TABLE IF NOT EXISTS t (id int);\nSELECT pg_sleep(60);\n",
        );
        let parent = tmp_parent();
        let mut child = Command::new(env!("CARGO_BIN_EXE_drift-host"))
            .current_dir(repo.path())
            .args(["verify"])
            .env("DRIFT_VERIFY_TMPDIR", parent.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("drift-host starts");
        // Wait until the slow statement runs.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let running = processes_mentioning(parent.path())
                .iter()
                .any(|p| p.contains("postgres"));
            let slow = running && sleeping_backend(parent.path());
            if slow {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the server never ran the migration"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        #[allow(unsafe_code)]
        // SAFETY: kill(2) on the child this test started.
        unsafe {
            libc::kill(i32::try_from(child.id()).expect("pid"), signal);
        }
        let status = wait_timeout(&mut child, Duration::from_secs(30));
        assert_eq!(status, Some(130), "signal {signal}");
        assert_eq!(
            std::fs::read_dir(parent.path()).expect("read").count(),
            0,
            "signal {signal}: the folder is left"
        );
        let left = processes_mentioning(parent.path());
        assert!(left.is_empty(), "signal {signal}: {left:?}");
    }
}

/// True when a backend of the server under `parent` is in `pg_sleep`.
fn sleeping_backend(parent: &Path) -> bool {
    let Ok(mut dirs) = std::fs::read_dir(parent) else {
        return false;
    };
    let Some(Ok(dir)) = dirs.next() else {
        return false;
    };
    let Ok(mut client) = postgres::Config::new()
        .host_path(dir.path())
        .user("postgres")
        .dbname("postgres")
        .connect(postgres::NoTls)
    else {
        return false;
    };
    client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()",
            &[],
        )
        .map(|row| row.get::<_, i64>(0) > 0)
        .unwrap_or(false)
}

fn wait_timeout(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

/// With `--database-url`, one scratch database is created and dropped;
/// the server's other databases are untouched.
#[test]
fn a_database_url_gets_a_scratch_database_and_nothing_else() {
    let Some(binaries) = postgres() else {
        return;
    };
    let server = drift_host::verify::server::Server::start(&binaries).expect("server");
    let mut admin = server.connect("postgres").expect("connect");
    admin
        .batch_execute("CREATE DATABASE keep; ")
        .expect("create keep");
    let mut keep = server.connect("keep").expect("connect keep");
    keep.batch_execute("CREATE TABLE precious (id int); INSERT INTO precious VALUES (1);")
        .expect("seed");
    drop(keep);
    // A role only that server has: the migration applies there and
    // nowhere else.
    admin
        .batch_execute("CREATE ROLE keeper")
        .expect("create role");
    let repo = Repo::new();
    repo.write(
        "db/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS precious (id int);\nINSERT INTO precious VALUES (2);\nGRANT SELECT ON precious TO keeper;\n",
    );
    let url = format!(
        "postgresql://postgres@localhost/keep?host={}",
        server.dir.display()
    );
    let run = repo.run(&["verify", "--database-url", &url]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("(the server of --database-url)"),
        "{run:?}"
    );
    assert!(run.stdout.contains("verify/not-rerunnable"), "{run:?}");
    assert!(!run.stdout.contains("verify/apply-failed"), "{run:?}");
    let databases: Vec<String> = admin
        .query("SELECT datname FROM pg_database ORDER BY 1", &[])
        .expect("list")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(databases, ["keep", "postgres", "template0", "template1"]);
    let mut keep = server.connect("keep").expect("connect keep");
    let rows: i64 = keep
        .query_one("SELECT count(*) FROM precious", &[])
        .expect("count")
        .get(0);
    assert_eq!(rows, 1);
}

#[test]
fn no_server_and_remote_urls_are_refused_with_the_fix() {
    let repo = Repo::new();
    repo.write("migrations/01_init.sql", "CREATE TABLE t (id int);\n");
    let empty = tmp_parent();
    let run = repo.run(&["verify", "--pg-bin", &empty.path().to_string_lossy()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("no `initdb` and `postgres` there"),
        "{run:?}"
    );
    assert!(run.stderr.contains("apt-get install"), "{run:?}");
    assert!(run.stderr.contains("--database-url"), "{run:?}");
    let run = repo.run(&[
        "verify",
        "--database-url",
        "postgresql://u:p@db.example.com/app",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("db.example.com, which is not this machine"),
        "{run:?}"
    );
}

/// `--base`: the base's migrations are replayed first, as deployed (an
/// applied file the change edits runs as the base has it), then the
/// change's new ones; only what they introduce fails the run.
#[test]
fn base_replays_what_is_deployed_and_reports_what_the_change_adds() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "db/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS account (id int PRIMARY KEY, email text);\n",
    );
    // Already broken on main: pre-existing, never the change's fault.
    repo.write(
        "db/migrations/02_seed.sql",
        "INSERT INTO account VALUES (1, 'a@example.com');\n",
    );
    repo.init_git();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "db/migrations/03_unique_email.sql",
        "CREATE UNIQUE INDEX account_email ON account (email);\n",
    );
    // Editing an applied file does not re-run it in a deploy.
    repo.write(
        "db/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS account (id int PRIMARY KEY, email text NOT NULL);\n",
    );
    repo.commit_all("unique email");
    let run = repo.run(&["verify", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let paths = |key: &str| run.listed(key, &["check", "path"]);
    assert_eq!(
        paths("findings"),
        ["not-rerunnable db/migrations/03_unique_email.sql"],
        "{run:?}"
    );
    assert_eq!(
        paths("preexisting"),
        ["not-rerunnable db/migrations/02_seed.sql"],
        "{run:?}"
    );
}

/// What teams write in hand-written files and psql runs cleanly, twice:
/// each file in a session of its own (a `SET search_path` or a temporary
/// table stays in its file), sequences as the first run left them (a
/// re-run's `nextval` is not rolled back by PostgreSQL), `\gexec`, a long
/// `COPY … FROM stdin`, a procedure that commits, a deferred constraint.
#[test]
fn what_psql_runs_cleanly_twice_is_clean() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "db/migrations/01_roles.sql",
        "CREATE TABLE IF NOT EXISTS roles (id serial PRIMARY KEY, name text UNIQUE);\nINSERT INTO roles (name) VALUES ('admin') ON CONFLICT DO NOTHING;\n",
    );
    repo.write(
        "db/migrations/02_user_role.sql",
        "INSERT INTO roles (name) VALUES ('user') ON CONFLICT DO NOTHING;\n",
    );
    repo.write(
        "db/migrations/03_members.sql",
        "CREATE TABLE IF NOT EXISTS members (id int PRIMARY KEY, role_id int REFERENCES roles (id));\nINSERT INTO members VALUES (1, 2) ON CONFLICT DO NOTHING;\n",
    );
    repo.write(
        "db/migrations/04_app_schema.sql",
        "CREATE SCHEMA IF NOT EXISTS app;\nSET search_path TO app;\nCREATE TABLE IF NOT EXISTS widgets (id int);\nCREATE TEMP TABLE import_rows (id int);\n",
    );
    repo.write(
        "db/migrations/05_public_again.sql",
        "CREATE TABLE IF NOT EXISTS widgets (id int);\nALTER TABLE public.widgets ADD COLUMN IF NOT EXISTS name text;\nCREATE TEMP TABLE import_rows (id int);\n",
    );
    repo.write(
        "db/migrations/06_gexec.sql",
        "SELECT 'CREATE INDEX widgets_name ON public.widgets (name)' WHERE NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'widgets_name')\\gexec\nCREATE TABLE IF NOT EXISTS people (a int, b int, c int, d int, e int, f int, g int, h int, i int, j int, k int, l int, m int);\nTRUNCATE people;\nCOPY public.people (a, b, c, d, e, f, g, h, i, j, k, l, m) FROM stdin;\n1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\n\\.\n",
    );
    repo.write(
        "db/migrations/07_backfill.sql",
        "CREATE OR REPLACE PROCEDURE backfill() LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE public.widgets SET name = 'w' WHERE name IS NULL;\n  COMMIT;\nEND $$;\nCALL backfill();\n",
    );
    let run = repo.run(&["verify"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("no problems found (7 files checked"),
        "{run:?}"
    );
}

/// The schema every schema-comparison test starts from, and its
/// migrations: the Prisma migration leaves out a field and an enum value;
/// the hand-written file builds a unique index and a table through a
/// function, which only a real database shows (the static replay does
/// not run function bodies); a foreign key cascades where the relation
/// says `Restrict` (Prisma's default for a required relation), and a
/// column has a default the field does not.
fn schema_repo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nenum Role {\n  USER\n  ADMIN\n}\n\nmodel User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n  role  Role    @default(USER)\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id @default(autoincrement())\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n",
    );
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "-- CreateEnum\nCREATE TYPE \"Role\" AS ENUM ('USER');\n\n-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"email\" TEXT NOT NULL DEFAULT '',\n    \"role\" \"Role\" NOT NULL DEFAULT 'USER',\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateTable\nCREATE TABLE \"Post\" (\n    \"id\" SERIAL NOT NULL,\n    \"authorId\" INTEGER NOT NULL,\n    CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n",
    );
    repo.write(
        "prisma/migrations/01_helpers.sql",
        "CREATE OR REPLACE FUNCTION ensure_objects() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %I (email)', 'User_email_key', 'User');\n  EXECUTE 'CREATE TABLE IF NOT EXISTS audit_log (id bigserial PRIMARY KEY, at timestamptz)';\nEND $$;\nSELECT ensure_objects();\n",
    );
    repo
}

/// The database the migrations built, compared with schema.prisma by
/// schema-drift's own comparison: the same checks and messages, what is
/// missing at the schema, what is extra at the migration that made it.
/// Where the static replay can only approximate (SQL a function runs),
/// the real database decides.
#[test]
fn the_database_is_compared_with_the_schema_as_schema_drift_compares_its_replay() {
    if postgres().is_none() {
        return;
    }
    let repo = schema_repo();
    let run = repo.run(&["verify", "--format", "text"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
    // The static rule, on the same repository: the same missing column,
    // enum value, default and foreign key actions, but it cannot see what
    // the function built.
    let static_run = repo.run(&["run", "--format", "json"]);
    let checks: Vec<String> = static_run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "schema-drift")
        .map(|f| f["check"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        checks,
        [
            "enum-value-missing",
            "default-mismatch",
            "missing-unique",
            "missing-column",
            "foreign-key-action-mismatch"
        ],
        "{static_run:?}"
    );
}

/// How an index is built (method, sort order, operator class, `INCLUDE`)
/// is read from `pg_index`, and found to differ from the schema exactly
/// where schema-drift's replay finds it from the `CREATE INDEX`
/// statements: the same findings, the same messages.
#[test]
fn index_shapes_are_read_from_the_server_as_the_replay_reads_them() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel Post {\n  id    Int    @id @default(autoincrement())\n  slug  String\n  title String\n  body  String\n  tag   String\n\n  @@index([slug])\n  @@index([title(sort: Desc)])\n  @@index([body])\n  @@index([tag(ops: raw(\"text_pattern_ops\"))])\n}\n",
    );
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"Post\" (\n    \"id\" SERIAL NOT NULL,\n    \"slug\" TEXT NOT NULL,\n    \"title\" TEXT NOT NULL,\n    \"body\" TEXT NOT NULL,\n    \"tag\" TEXT NOT NULL,\n    CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\")\n);\n\nCREATE INDEX \"Post_slug_idx\" ON \"Post\" USING hash (\"slug\");\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\nCREATE INDEX \"Post_body_idx\" ON \"Post\"(\"body\" text_pattern_ops) INCLUDE (\"id\");\nCREATE INDEX \"Post_tag_idx\" ON \"Post\"(\"tag\" text_ops);\n",
    );
    let messages = |args: &[&str], rule: &str| -> Vec<String> {
        let run = repo.run(args);
        run.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                format!(
                    "{} {}",
                    f["check"].as_str().unwrap_or(""),
                    f["message"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let verify = messages(&["verify", "--format", "json"], "verify");
    let replay = messages(&["run", "--format", "json"], "schema-drift");
    assert_eq!(verify.len(), 4, "{verify:#?}");
    assert!(
        verify.iter().all(|m| m.starts_with("index-mismatch ")),
        "{verify:#?}"
    );
    assert_eq!(verify, replay);
}

/// With a base, the base's schema is compared with the database its
/// migrations built: drift it already had is pre-existing, drift the
/// change brings fails the run as an error.
#[test]
fn base_drift_is_preexisting_and_the_change_s_is_an_error() {
    if postgres().is_none() {
        return;
    }
    let repo = schema_repo();
    repo.init_git();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let schema = std::fs::read_to_string(repo.path().join("prisma/schema.prisma")).unwrap();
    repo.write(
        "prisma/schema.prisma",
        format!("{schema}\nmodel Comment {{\n  id Int @id\n}}\n"),
    );
    repo.commit_all("a model without its migration");
    let run = repo.run(&["verify", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let list = |key: &str| run.listed(key, &["severity", "check", "path"]);
    assert_eq!(
        list("findings"),
        ["error missing-table prisma/schema.prisma"],
        "{run:?}"
    );
    assert_eq!(
        list("preexisting"),
        [
            "warning extra-table prisma/migrations/01_helpers.sql",
            "error enum-value-missing prisma/schema.prisma",
            "warning default-mismatch prisma/schema.prisma",
            "error missing-column prisma/schema.prisma",
            "warning foreign-key-action-mismatch prisma/schema.prisma",
        ],
        "{run:?}"
    );
}

/// verify reports the database's drift under schema-drift's check ids, so
/// it uses schema-drift's severities: every kind of drift is one of
/// verify's checks, with the severity `drift-host rules` gives
/// schema-drift's check of that id.
#[test]
fn drift_checks_have_schema_drift_s_ids_and_severities() {
    let repo = Repo::new();
    let rules = repo.run(&["rules", "--format", "json"]);
    assert_eq!(rules.code, 0, "{rules:?}");
    let json = rules.json();
    let schema_drift = |id: &str| -> Option<String> {
        json["checks"]
            .as_array()?
            .iter()
            .find(|c| c["rule"] == "schema-drift" && c["check"] == id)
            .and_then(|c| c["severity"].as_str().map(str::to_owned))
    };
    for kind in drift_syntax::database::Drift::ALL {
        let id = kind.id();
        let (_, severity, _) = drift_host::verify::CHECKS
            .iter()
            .find(|(check, _, _)| *check == id)
            .unwrap_or_else(|| panic!("verify has no check `{id}`"));
        assert_eq!(schema_drift(id), Some(severity.as_str().to_owned()), "{id}");
    }
}

/// What `psql -f` does with a file that leaves a transaction open (rolls
/// it back when the session ends) does not stop verify, and a
/// `drift-ignore` comment holds for verify's findings as for run's.
#[test]
fn an_open_transaction_is_rolled_back_and_drift_ignore_holds() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "db/migrations/01_open.sql",
        "BEGIN;\nCREATE TABLE IF NOT EXISTS lost (id int);\n",
    );
    repo.write(
        "db/migrations/02_meta.sql",
        "-- drift-ignore verify/psql-meta-command: run with psql\n\\set ON_ERROR_STOP on\nCREATE TABLE IF NOT EXISTS kept (id int);\n",
    );
    repo.write(
        "db/migrations/03_uses.sql",
        "INSERT INTO lost VALUES (1) ON CONFLICT DO NOTHING;\n",
    );
    let run = repo.run(&["verify", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    // The table the open transaction created is gone, as under psql.
    assert_eq!(
        run.listed("findings", &["check", "path"]),
        ["apply-failed db/migrations/03_uses.sql"],
        "{run:?}"
    );
    assert_eq!(run.json()["summary"]["suppressed"], 1, "{run:?}");
}

/// A folder whose lock file declares another engine is not applied to
/// PostgreSQL: the engine comes from where `run` reads it.
#[test]
fn a_folder_declared_for_another_engine_is_not_applied() {
    if postgres().is_none() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "mysql/migrations/migration_lock.toml",
        "provider = \"mysql\"\n",
    );
    repo.write(
        "mysql/migrations/20240101000000_init/migration.sql",
        // Nothing in the text says MySQL; PostgreSQL would refuse it.
        "CREATE TABLE t (id int);\nCREATE TABLE t (id int);\n",
    );
    repo.write(
        "db/migrations/01_init.sql",
        "CREATE TABLE IF NOT EXISTS t (id int);\n",
    );
    let run = repo.run(&["verify"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("no problems found (1 file checked"),
        "{run:?}"
    );
}

/// The settings verify shares with the rules: `ignore-tables` holds for
/// the database's drift too, and a value verify cannot read stops it
/// before any server starts, never falling back to a default.
#[test]
fn rules_toml_settings_hold_and_a_wrong_one_stops_verify() {
    let repo = schema_repo();
    repo.write(
        "rules.toml",
        "[rules.schema-drift]\norder = \"handwriten-first\"\n",
    );
    let run = repo.run(&["verify"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "`[rules.schema-drift] order` must be \"prisma-first\" or \"handwritten-first\", not \"handwriten-first\""
        ),
        "{run:?}"
    );
    if postgres().is_none() {
        return;
    }
    repo.write(
        "rules.toml",
        "[rules.schema-drift]\nignore-tables = [\"_prisma_migrations\", \"audit_log\"]\n",
    );
    let run = repo.run(&["verify", "--format", "json"]);
    assert!(
        !run.checks().contains(&"verify/extra-table".to_owned()),
        "{run:?}"
    );
    assert!(
        run.checks().contains(&"verify/missing-column".to_owned()),
        "{run:?}"
    );
}
