//! Determinism: the same repository gives byte-identical JSON whatever the
//! thread count (which changes how per-file rules are chunked and in which
//! order results arrive) and on repeated runs.

use crate::harness::Repo;

/// The SQL the large repository is made of: PostgreSQL's regression suite
/// where the shared corpora are beside the workspace, else every `.sql`
/// fixture of this workspace, taken round-robin up to the same count, so a
/// plain clone still checks determinism on a repository of this size.
/// Also returns the fewest findings the repository must produce (the
/// regression suite has far more to find than our fixtures).
fn sql_corpus() -> (Vec<(String, Vec<u8>)>, usize) {
    if let Some(files) = drift_syntax::testdata::pg_regress_files() {
        let files = files
            .into_iter()
            .map(|(_, path)| (stem(&path), std::fs::read(&path).expect("read")))
            .collect();
        return (files, 2000);
    }
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if !path.ends_with("target") && !path.ends_with(".git") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "sql") {
                out.push(path);
            }
        }
    }
    let root = crate::harness::workspace_dir();
    let mut files = Vec::new();
    for dir in ["tests/fixtures", "plugins"] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() >= 100, "{} SQL fixtures", files.len());
    let files = (0..256)
        .map(|i| {
            let path = &files[i % files.len()];
            (stem(path), std::fs::read(path).expect("read"))
        })
        .collect();
    (files, 500)
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("x")
        .replace(['.', '-'], "_")
}

/// A large repository with findings from every built-in rule: 256 SQL
/// files as hand-written migrations (numbering gaps and duplicates
/// included) and a third of them again as Prisma migrations, a file with a
/// syntax error, a schema of 60 models that drifts from them, agent
/// instructions with a contradiction, scripts, and 1,500 other files the
/// walk must skip over.
fn large_repo() -> (Repo, usize, usize) {
    let repo = Repo::new();
    let mut sql_files = 0;
    let (corpus, min_findings) = sql_corpus();
    for (stem, bytes) in corpus {
        sql_files += 1;
        // Every 17th number is used twice, every 23rd skipped.
        let number = sql_files + sql_files / 23 - usize::from(sql_files % 17 == 0);
        repo.write(&format!("migrations/{number:03}_{stem}.sql"), &bytes);
        if sql_files % 3 == 0 {
            let stamp = 20_240_101_000_000_u64 + sql_files as u64 * 100;
            repo.write(
                &format!("prisma/migrations/{stamp}_{stem}/migration.sql"),
                &bytes,
            );
        }
    }
    repo.write("migrations/999_broken.sql", "CREATE TABLE broken (;\n");
    let mut schema = String::from(
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
    );
    for m in 0..60 {
        schema.push_str(&format!(
            "\nmodel Model{m} {{\n  id    Int    @id @default(autoincrement())\n  name  String\n  email String? @unique\n  rank  Int    @default(0)\n\n  @@index([name, rank])\n}}\n"
        ));
    }
    repo.write("prisma/schema.prisma", schema);
    repo.write(
        "CLAUDE.md",
        "# Agents\n\n## When Modifying Database Schema\n\n- Create a migration for every schema change.\n\nIf a migration fails, run `npx prisma migrate reset --force`.\n",
    );
    repo.write(
        "package.json",
        "{\n  \"scripts\": {\n    \"db:reset\": \"prisma migrate reset --force\",\n    \"db:push\": \"prisma db push --accept-data-loss\"\n  }\n}\n",
    );
    for i in 0..1500 {
        repo.write(
            &format!("src/module_{}/file_{i}.ts", i % 40),
            format!("export const value{i} = {i};\n"),
        );
    }
    (repo, sql_files, min_findings)
}

#[test]
fn output_is_identical_across_thread_counts_and_runs() {
    let (repo, sql_files, min_findings) = large_repo();
    assert!(sql_files >= 250, "{sql_files} corpus files");
    let run = |threads: &str| {
        let run = repo.run(&["run", "--format", "json", "--threads", threads]);
        assert!(run.errors().is_empty(), "{:?}", run.errors());
        run.stdout
    };
    let reference = run("1");
    let findings = serde_json::from_str::<serde_json::Value>(&reference).expect("JSON")["findings"]
        .as_array()
        .expect("findings")
        .len();
    assert!(findings > min_findings, "{findings} findings");
    let mut rules: Vec<String> = serde_json::from_str::<serde_json::Value>(&reference)
        .expect("JSON")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_owned())
        .collect();
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "agent-guidance",
            "destructive-sql",
            // The syntax errors (999_broken.sql, and the regression
            // suite's deliberate ones).
            "drift-host",
            "idempotency",
            "numbering",
            "schema-drift"
        ],
        "every built-in rule reports"
    );
    for threads in ["2", "8", "8", "3"] {
        assert!(
            run(threads) == reference,
            "--threads {threads} changed the output"
        );
    }
}
