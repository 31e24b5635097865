//! Determinism: the same repository gives byte-identical JSON whatever the
//! thread count (which changes how per-file rules are chunked and in which
//! order results arrive) and on repeated runs.

use crate::harness::Repo;

/// A large repository with findings from every built-in rule: PostgreSQL's
/// regression SQL as hand-written migrations (numbering gaps and
/// duplicates included) and again as Prisma migrations, a schema of 60
/// models that drifts from them, agent instructions with a contradiction,
/// scripts, and 1,500 other files the walk must skip over.
fn large_repo() -> (Repo, usize) {
    let repo = Repo::new();
    let mut sql_files = 0;
    for (_, path) in drift_sdk::testing::pg_regress_files() {
        sql_files += 1;
        let bytes = std::fs::read(&path).expect("read");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .replace(['.', '-'], "_");
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
    (repo, sql_files)
}

#[test]
fn output_is_identical_across_thread_counts_and_runs() {
    let (repo, sql_files) = large_repo();
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
    assert!(findings > 2000, "{findings} findings");
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
            // The regression suite's deliberate syntax errors.
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
