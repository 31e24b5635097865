//! `drift-host guard`: the command table (every line through both front
//! ends: the Claude Code hook with a real `PreToolUse` event, and
//! `guard -- bash -c LINE`), the hook protocol, `[guard]` allow and deny
//! lists, the human override, `.env` and package.json lookups, and failing
//! closed when a plugin breaks.

use serde_json::json;

use crate::harness::{Repo, build_plugin, run_in, run_with_stdin, sha256};

/// What the guard must answer for a command line: `Ok(())` lets it run;
/// `Err(checks)` blocks it with exactly these `rule/check` ids.
type Expect = Result<(), &'static [&'static str]>;

const RESET: Expect = Err(&["destructive-sql/migrate-reset"]);
const FORCE_RESET: Expect = Err(&["destructive-sql/db-push-force-reset"]);
const DATA_LOSS: Expect = Err(&["destructive-sql/accept-data-loss"]);
const DROPDB: Expect = Err(&["destructive-sql/dropdb"]);
const PSQL: Expect = Err(&["destructive-sql/psql-destructive"]);
const EXECUTE: Expect = Err(&["destructive-sql/db-execute-destructive"]);
const REMOTE: Expect = Err(&["destructive-sql/remote-migrate"]);
const ALLOW: Expect = Ok(());
const POLICY: Expect = Err(&["drift-host/guard-policy-file"]);
const UNEXAMINED: Expect = Err(&["drift-host/guard-unexamined"]);

/// Real-looking commands an agent might run, blocked and allowed.
const TABLE: &[(&str, Expect)] = &[
    // The reset family, through every runner.
    ("npx prisma migrate reset", RESET),
    ("npx prisma migrate reset --force --skip-seed", RESET),
    ("prisma migrate reset -f", RESET),
    ("npm exec prisma migrate reset", RESET),
    ("npm exec -- prisma migrate reset --force", RESET),
    ("pnpm prisma migrate reset", RESET),
    ("pnpm exec prisma migrate reset --force", RESET),
    ("pnpm dlx prisma migrate reset", RESET),
    ("yarn prisma migrate reset", RESET),
    ("yarn dlx prisma@5.22.0 migrate reset --force", RESET),
    ("bunx prisma migrate reset", RESET),
    ("bun x prisma migrate reset --force", RESET),
    ("npx --yes prisma@latest migrate reset --force", RESET),
    ("./node_modules/.bin/prisma migrate reset --force", RESET),
    // Wrapped in shells, env, sudo, timeout...
    ("sh -c \"npx prisma migrate reset --force\"", RESET),
    (
        "bash -lc 'cd apps/api && npx prisma migrate reset --force'",
        RESET,
    ),
    ("env NODE_ENV=development npx prisma migrate reset", RESET),
    (
        "NODE_OPTIONS=--max-old-space-size=4096 npx prisma migrate reset",
        RESET,
    ),
    ("sudo -u deploy npx prisma migrate reset", RESET),
    ("timeout 60 npx prisma migrate reset --force", RESET),
    ("nohup npx prisma migrate reset --force &", RESET),
    ("eval \"npx prisma migrate reset --force\"", RESET),
    ("npx -c 'prisma migrate reset --force'", RESET),
    // Chains, pipes, subshells, control flow.
    (
        "cd api && npx prisma migrate reset --force && npm test",
        RESET,
    ),
    ("npm test; npx prisma migrate reset --force", RESET),
    ("npm run build || npx prisma migrate reset", RESET),
    (
        "(cd packages/db && npx prisma migrate reset --force)",
        RESET,
    ),
    ("echo y | npx prisma migrate reset", RESET),
    (
        "if [ \"$CI\" != true ]; then npx prisma migrate reset --force; fi",
        RESET,
    ),
    ("out=$(npx prisma migrate reset --force 2>&1)", RESET),
    // Quoting tricks.
    ("npx \"prisma\" 'migrate' re\"set\"", RESET),
    ("npx pri\\sma migrate reset", RESET),
    ("npx $'prisma' migrate $'\\x72eset'", RESET),
    ("npx prisma migrate \\\n  reset --force", RESET),
    // db push.
    ("npx prisma db push --force-reset", FORCE_RESET),
    ("npx prisma db push --accept-data-loss", DATA_LOSS),
    (
        "pnpm prisma db push --force-reset --accept-data-loss",
        Err(&[
            "destructive-sql/db-push-force-reset",
            "destructive-sql/accept-data-loss",
        ]),
    ),
    // dropdb.
    ("dropdb app_production", DROPDB),
    ("dropdb -h db.internal -U postgres app", DROPDB),
    ("sudo -u postgres dropdb app", DROPDB),
    ("PGPASSWORD=secret dropdb --if-exists app_dev", DROPDB),
    ("for db in app app_test; do dropdb \"$db\"; done", DROPDB),
    ("echo `dropdb app`", DROPDB),
    // SQL given to psql, parsed.
    ("psql -c 'DROP TABLE users;'", PSQL),
    ("psql \"$DATABASE_URL\" -c \"TRUNCATE orders\"", PSQL),
    ("psql -d app --command=\"DELETE FROM sessions\"", PSQL),
    ("psql app -c 'drop schema public cascade'", PSQL),
    ("psql -c \"UPDATE users SET admin = true\"", PSQL),
    (
        "psql app <<'SQL'\nBEGIN;\nDROP TABLE users;\nCOMMIT;\nSQL",
        PSQL,
    ),
    ("psql app <<< \"DROP DATABASE app\"", PSQL),
    ("echo 'TRUNCATE orders;' | psql app", PSQL),
    ("printf 'DELETE FROM users;' | psql \"$DATABASE_URL\"", PSQL),
    (
        "docker compose up -d && psql -c 'DROP TABLE audit_log'",
        PSQL,
    ),
    // ... and to prisma db execute.
    (
        "npx prisma db execute --stdin <<< 'DROP TABLE \"User\"'",
        EXECUTE,
    ),
    (
        "echo 'DELETE FROM \"Session\"' | npx prisma db execute --stdin --schema prisma/schema.prisma",
        EXECUTE,
    ),
    // migrate dev/deploy against databases that are not local.
    (
        "DATABASE_URL=postgres://admin@db.prod.example.com/app npx prisma migrate deploy",
        REMOTE,
    ),
    (
        "env DATABASE_URL=postgresql://u:p@prod-db:5432/app pnpm prisma migrate dev",
        REMOTE,
    ),
    (
        "DATABASE_URL=$PROD_DATABASE_URL npx prisma migrate deploy",
        REMOTE,
    ),
    // Allowed: the seed's read-only list and everyday commands.
    ("npx prisma migrate status", ALLOW),
    ("npx prisma validate", ALLOW),
    ("npx prisma generate", ALLOW),
    ("npx prisma format", ALLOW),
    ("bunx prisma migrate status", ALLOW),
    ("yarn prisma generate && yarn build", ALLOW),
    ("npx prisma migrate dev --name add_users", ALLOW),
    (
        "npx prisma migrate dev --create-only --name add_index",
        ALLOW,
    ),
    (
        "DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app npx prisma migrate dev",
        ALLOW,
    ),
    (
        "DATABASE_URL=postgresql://u@127.0.0.1/app npx prisma migrate deploy",
        ALLOW,
    ),
    ("DATABASE_URL=file:./dev.db npx prisma migrate dev", ALLOW),
    (
        "npx prisma migrate diff --from-empty --to-schema-datamodel prisma/schema.prisma --script",
        ALLOW,
    ),
    (
        "npx prisma migrate resolve --applied 20240101000000_init",
        ALLOW,
    ),
    ("npx prisma db pull", ALLOW),
    ("npx prisma db seed", ALLOW),
    ("npx prisma studio", ALLOW),
    ("npx prisma db push", ALLOW),
    // Mentions are not commands.
    ("echo \"npx prisma migrate reset\"", ALLOW),
    (
        "git commit -m \"docs: never run prisma migrate reset\"",
        ALLOW,
    ),
    ("grep -rn 'migrate reset' docs/ CLAUDE.md", ALLOW),
    ("cat <<'EOF' > notes.md\nnever run dropdb\nEOF", ALLOW),
    // SQL that reads, or destroys only inside a string or comment.
    ("psql -c 'SELECT count(*) FROM users'", ALLOW),
    ("psql -c \"SELECT 'DROP TABLE users'\"", ALLOW),
    (
        "psql app -c 'DELETE FROM sessions WHERE expires_at < now()'",
        ALLOW,
    ),
    ("psql -c $'-- DROP TABLE users\\nSELECT 1'", ALLOW),
    ("psql -c 'DROP TYPE mood'", ALLOW),
    // Help is not action; for PostgreSQL's programs `-h` is the host.
    ("npx prisma migrate reset --help", ALLOW),
    ("prisma db push --force-reset -h", ALLOW),
    ("dropdb --help", ALLOW),
    ("dropdb -h localhost app", DROPDB),
    // The policy is the user's: rules.toml and Claude Code's settings.
    (
        "printf '[rules.destructive-sql]\\nenabled = false\\n' > rules.toml && npx prisma migrate reset",
        Err(&[
            "drift-host/guard-policy-file",
            "destructive-sql/migrate-reset",
        ]),
    ),
    ("sed -i 's/error/off/' rules.toml", POLICY),
    ("echo '{}' > .claude/settings.local.json", POLICY),
    ("git checkout HEAD~3 -- rules.toml", POLICY),
    ("cat rules.toml", ALLOW),
    ("git diff rules.toml", ALLOW),
    // Nested past what the guard reads: never allowed unread.
    (
        "eval eval eval eval eval eval eval eval eval eval eval eval eval eval eval eval eval dropdb app",
        UNEXAMINED,
    ),
    // A file written earlier in the line is unknown when the line is judged.
    ("echo 'dropdb app' > x.sh && bash x.sh", UNEXAMINED),
    (
        "echo DATABASE_URL=postgresql://u@db.example.com/app >> .env && npx prisma migrate deploy",
        UNEXAMINED,
    ),
    ("npm test > out.txt; grep FAIL out.txt", ALLOW),
    // Other database tools that do not destroy.
    ("createdb app_test", ALLOW),
    ("pg_dump app > backup.sql", ALLOW),
    ("npm run test", ALLOW),
    ("ls -la prisma/migrations", ALLOW),
];

/// A repository with a schema, so the guard has something to protect.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.init_git();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
    );
    repo
}

fn hook_event(repo: &Repo, command: &str) -> String {
    json!({
        "session_id": "7c1f9d2e",
        "transcript_path": "/home/dev/.claude/projects/app/7c1f9d2e.jsonl",
        "cwd": repo.path().to_str().expect("utf-8 temp path"),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": { "command": command, "description": "Run a command" },
        "tool_use_id": "toolu_01ABC"
    })
    .to_string()
}

/// The hook's answer: `None` when it printed nothing (no objection).
fn hook(repo: &Repo, command: &str, env: &[(&str, &str)]) -> Option<serde_json::Value> {
    let run = run_with_stdin(
        repo.path(),
        &["guard", "--hook", "claude-code"],
        env,
        Some(&hook_event(repo, command)),
    );
    assert_eq!(run.code, 0, "the hook always exits 0: {run:?}");
    if run.stdout.trim().is_empty() {
        return None;
    }
    Some(serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:?}")))
}

fn denial(answer: &Option<serde_json::Value>) -> Option<String> {
    let output = &answer.as_ref()?["hookSpecificOutput"];
    (output["permissionDecision"] == "deny").then(|| {
        assert_eq!(output["hookEventName"], "PreToolUse");
        output["permissionDecisionReason"]
            .as_str()
            .expect("reason")
            .to_owned()
    })
}

/// `rule/check` ids named in a denial reason (`- rule/check: ...` lines).
fn reason_checks(reason: &str) -> Vec<String> {
    let mut checks: Vec<String> = reason
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect();
    checks.sort();
    checks.dedup();
    checks
}

fn sorted(checks: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = checks.iter().map(|c| (*c).to_owned()).collect();
    v.sort();
    v
}

#[test]
fn the_table_has_sixty_commands_of_each_kind_that_matters() {
    let blocked = TABLE.iter().filter(|(_, e)| e.is_err()).count();
    let allowed = TABLE.len() - blocked;
    assert!(TABLE.len() >= 60, "{} commands", TABLE.len());
    assert!(
        blocked >= 30 && allowed >= 20,
        "{blocked} blocked, {allowed} allowed"
    );
}

#[test]
fn claude_code_hook_judges_every_command_of_the_table() {
    let repo = repo();
    let mut wrong = Vec::new();
    for (command, expect) in TABLE {
        let answer = hook(&repo, command, &[]);
        let got = denial(&answer).map(|reason| reason_checks(&reason));
        let want = expect.err().map(sorted);
        if got != want {
            wrong.push(format!(
                "{command:?}: expected {want:?}, got {got:?} ({answer:?})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn guard_argv_judges_every_command_of_the_table_through_bash_c() {
    let repo = repo();
    let mut wrong = Vec::new();
    for (command, expect) in TABLE {
        let run = run_in(repo.path(), &["guard", "--", "bash", "-c", command]);
        let want = if expect.is_ok() { 0 } else { 1 };
        let named = expect
            .err()
            .unwrap_or(&[])
            .iter()
            .all(|check| run.stderr.contains(&format!("error[{check}]")));
        if run.code != want || !named || (want == 0 && run.stderr.contains("error[")) {
            wrong.push(format!("{command:?}: expected exit {want}: {run:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_blocked_command_is_explained_like_a_compiler_error() {
    let repo = repo();
    let run = run_in(
        repo.path(),
        &[
            "guard", "--", "npx", "prisma", "migrate", "reset", "--force",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "", "stdout stays clean");
    insta::assert_snapshot!("guard_blocked_text", run.stderr);
}

#[test]
fn an_allowed_command_prints_nothing() {
    let repo = repo();
    let run = run_in(
        repo.path(),
        &["guard", "--", "npx", "prisma", "migrate", "status"],
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn argv_words_with_spaces_and_quotes_are_judged_as_one_word_each() {
    let repo = repo();
    // One argument holding a whole reset command is text for echo.
    let run = run_with_stdin(
        repo.path(),
        &[
            "guard",
            "--",
            "echo",
            "npx prisma migrate reset; dropdb app",
        ],
        &[],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    // The same words as a psql -c argument are SQL, and parsed as such.
    let run = run_with_stdin(
        repo.path(),
        &["guard", "--", "psql", "-c", "DROP TABLE \"it's\"; SELECT 1"],
        &[],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error[destructive-sql/psql-destructive]"),
        "{run:?}"
    );
}

#[test]
fn hook_protocol_denies_with_a_reason_for_the_agent() {
    let repo = repo();
    let answer = hook(&repo, "cd api && npx prisma migrate reset --force", &[]).expect("answer");
    insta::assert_json_snapshot!("guard_hook_deny", answer);
}

#[test]
fn hook_protocol_stays_silent_for_safe_commands_and_other_tools() {
    let repo = repo();
    assert_eq!(hook(&repo, "npx prisma migrate status", &[]), None);
    // Another tool, another event: not the guard's business.
    for event in [
        json!({"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": {"file_path": "/x", "old_string": "a", "new_string": "b"}}),
        json!({"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "dropdb app"}}),
    ] {
        let run = run_with_stdin(
            repo.path(),
            &["guard", "--hook", "claude-code"],
            &[],
            Some(&event.to_string()),
        );
        assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
    }
}

/// Editor tools may not change the policy files either; other files are
/// not the guard's business.
#[test]
fn hook_refuses_editor_writes_to_the_policy() {
    let repo = repo();
    let event = |tool: &str, path: &str| {
        json!({
            "session_id": "7c1f9d2e",
            "cwd": repo.path().to_str().expect("utf-8 temp path"),
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": { "file_path": path, "content": "[rules.destructive-sql]\nenabled = false\n" },
        })
        .to_string()
    };
    let rules = repo.path().join("rules.toml");
    let rules = rules.to_str().expect("utf-8 temp path");
    for (tool, path, denied) in [
        ("Write", rules, true),
        ("Edit", ".claude/settings.json", true),
        ("MultiEdit", rules, true),
        ("Write", "src/app.ts", false),
        ("Edit", "prisma/schema.prisma", false),
    ] {
        let run = run_with_stdin(
            repo.path(),
            &["guard", "--hook", "claude-code"],
            &[],
            Some(&event(tool, path)),
        );
        assert_eq!(run.code, 0, "{run:?}");
        if denied {
            let answer: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
            let reason = denial(&Some(answer)).expect("a denial");
            assert!(reason.contains("drift-host/guard-policy-file"), "{reason}");
        } else {
            assert_eq!(run.stdout.trim(), "", "{tool} {path}: {run:?}");
        }
    }
}

#[test]
fn hook_fails_closed_on_a_malformed_event() {
    let repo = repo();
    for (stdin, why) in [
        ("", "not JSON"),
        ("{\"tool_name\": \"Bash\"", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (
            "{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Bash\", \"tool_input\": {}}",
            "no `tool_input.command`",
        ),
        (
            "{\"hook_event_name\": \"PreToolUse\", \"tool_input\": {\"command\": \"ls\"}}",
            "no `tool_name`",
        ),
    ] {
        let run = run_with_stdin(
            repo.path(),
            &["guard", "--hook", "claude-code"],
            &[],
            Some(stdin),
        );
        assert_eq!(run.code, 0, "{run:?}");
        let answer: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON answer");
        let reason = denial(&Some(answer.clone())).unwrap_or_default();
        assert!(
            reason.contains("could not check") && reason.contains(why),
            "{stdin:?}: {answer}"
        );
    }
}

#[test]
fn dotenv_and_the_schema_name_the_database_migrate_would_change() {
    let repo = repo();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"POSTGRES_PRISMA_URL\")\n}\n",
    );
    repo.write(".env", "POSTGRES_PRISMA_URL=\"postgres://app:secret@aws-0-eu.pooler.supabase.com:6543/postgres\"\n");
    let run = run_in(
        repo.path(),
        &["guard", "--", "npx", "prisma", "migrate", "deploy"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "the database at `aws-0-eu.pooler.supabase.com` (POSTGRES_PRISMA_URL from .env)"
        ),
        "{run:?}"
    );
    // The environment wins over .env, the command line over both.
    let local = [("POSTGRES_PRISMA_URL", "postgresql://localhost/app")];
    let run = run_with_stdin(
        repo.path(),
        &["guard", "--", "npx", "prisma", "migrate", "deploy"],
        &local,
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let run = run_with_stdin(
        repo.path(),
        &[
            "guard",
            "--",
            "env",
            "POSTGRES_PRISMA_URL=postgresql://u@10.0.0.5/app",
            "npx",
            "prisma",
            "migrate",
            "dev",
        ],
        &local,
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("`10.0.0.5` (POSTGRES_PRISMA_URL from the command line)"),
        "{run:?}"
    );
}

#[test]
fn package_json_scripts_are_followed() {
    let repo = repo();
    repo.write(
        "package.json",
        r#"{
  "name": "app",
  "scripts": {
    "test": "vitest run",
    "db:reset": "prisma migrate reset --force && npm run db:seed",
    "db:seed": "tsx prisma/seed.ts",
    "fresh": "npm run db:reset"
  }
}
"#,
    );
    for (command, blocked) in [
        ("npm run db:reset", true),
        ("pnpm run fresh", true),
        ("yarn db:reset", true),
        ("npm run test", false),
        ("npm run db:seed", false),
    ] {
        let answer = hook(&repo, command, &[]);
        let reason = denial(&answer);
        assert_eq!(reason.is_some(), blocked, "{command}: {answer:?}");
        if let Some(reason) = reason {
            assert!(reason.contains("runs the package.json script"), "{reason}");
            assert_eq!(reason_checks(&reason), ["destructive-sql/migrate-reset"]);
        }
    }
}

#[test]
fn guard_allow_and_deny_lists_come_from_rules_toml() {
    let repo = repo();
    repo.write(
        "rules.toml",
        r#"[guard]
# A disposable database for end-to-end tests.
allow = ["prisma migrate reset --schema=e2e/schema.prisma"]
deny = ["prisma db seed", "supabase db reset", "git push --force"]
"#,
    );
    let check = |command: &str| {
        let run = run_in(repo.path(), &["guard", "--", "bash", "-c", command]);
        (run.code, run.stderr)
    };
    let (code, stderr) = check("npx prisma migrate reset --force --schema=e2e/schema.prisma");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("rules.toml:3:10): destructive-sql/migrate-reset"),
        "{stderr}"
    );
    // The allow pattern covers its own command only.
    let (code, stderr) = check("npx prisma migrate reset --force");
    assert_eq!(code, 1, "{stderr}");
    let (code, stderr) = check("npx prisma migrate reset --schema=e2e/schema.prisma && dropdb app");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[destructive-sql/dropdb]"), "{stderr}");
    // Deny patterns block what the rules allow, through wrappers.
    for command in [
        "npx prisma db seed",
        "pnpm exec prisma db seed -- --env test",
        "npx supabase db reset --linked",
        "git push --force origin main",
    ] {
        let (code, stderr) = check(command);
        assert_eq!(code, 1, "{command}: {stderr}");
        assert!(
            stderr.contains("error[drift-host/guard-deny]"),
            "{command}: {stderr}"
        );
    }
    assert_eq!(check("git push origin main").0, 0);
}

#[test]
fn guard_patterns_are_validated_with_positions() {
    let repo = repo();
    repo.write(
        "rules.toml",
        "[guard]\ndeny = [\"prisma && dropdb\", 3]\nask = []\n",
    );
    let run = run_in(repo.path(), &["guard", "--", "ls"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("rules.toml:2:9: `prisma && dropdb` in `deny` is not a command pattern"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("rules.toml:2:29: `deny` must contain command strings, found integer"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("rules.toml:3:1: unknown key `ask` in [guard]"),
        "{run:?}"
    );
}

#[test]
fn a_human_override_lets_the_command_through_and_is_logged() {
    let repo = repo();
    let reason = [(
        "DRIFT_GUARD_OVERRIDE",
        "resetting the disposable review database, ticket OPS-812",
    )];
    let run = run_with_stdin(
        repo.path(),
        &[
            "guard", "--", "npx", "prisma", "migrate", "reset", "--force",
        ],
        &reason,
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("error[destructive-sql/migrate-reset]"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "drift-host guard: OVERRIDDEN by a human (DRIFT_GUARD_OVERRIDE): resetting the disposable review database, ticket OPS-812"
        ),
        "{run:?}"
    );
    // The flag does the same.
    let run = run_in(
        repo.path(),
        &[
            "guard",
            "--override",
            "approved by Ana",
            "--",
            "dropdb",
            "scratch",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("OVERRIDDEN by a human (DRIFT_GUARD_OVERRIDE): approved by Ana"),
        "{run:?}"
    );
    // In the hook, the override is shown to the user, not a denial.
    let answer = hook(&repo, "dropdb scratch", &reason).expect("answer");
    assert_eq!(denial(&Some(answer.clone())), None, "{answer}");
    let message = answer["systemMessage"].as_str().expect("systemMessage");
    assert!(
        message.contains("OVERRIDDEN by a human") && message.contains("OPS-812"),
        "{message}"
    );
    // An override set inside the command is not a human's: the agent
    // cannot wave its own command through.
    let answer = hook(&repo, "DRIFT_GUARD_OVERRIDE=yes dropdb scratch", &[]);
    assert!(denial(&answer).is_some(), "{answer:?}");
}

#[test]
fn warnings_are_shown_and_the_command_runs() {
    let repo = repo();
    let answer = hook(&repo, "psql -c 'DROP TYPE mood'", &[]).expect("a message");
    assert_eq!(denial(&Some(answer.clone())), None);
    let message = answer["systemMessage"].as_str().expect("systemMessage");
    assert!(
        message.contains("warning: destructive-sql/psql-destructive"),
        "{message}"
    );
}

#[test]
fn configured_severities_apply_to_commands() {
    let repo = repo();
    repo.write(
        "rules.toml",
        "[rules.destructive-sql.checks]\nmigrate-reset = \"warning\"\ndropdb = \"off\"\n",
    );
    let run = run_in(
        repo.path(),
        &[
            "guard",
            "--",
            "bash",
            "-c",
            "npx prisma migrate reset && dropdb app",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("warning[destructive-sql/migrate-reset]"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("dropdb]"), "{run:?}");
}

#[test]
fn an_organisation_adds_its_own_command_rule() {
    let repo = repo();
    let wasm = build_plugin("no-force-push");
    std::fs::copy(&wasm, repo.path().join("no-force-push.wasm")).expect("copy");
    repo.write(
        "rules.toml",
        format!(
            "[plugins.no-force-push]\npath = \"no-force-push.wasm\"\nsha256 = \"{}\"\noptions = {{ protected = [\"main\", \"release/*\"] }}\n",
            sha256(&wasm)
        ),
    );
    let run = run_in(
        repo.path(),
        &[
            "guard",
            "--",
            "bash",
            "-c",
            "git fetch && git push -f origin release/2.4",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("error[no-force-push/force-push]"),
        "{run:?}"
    );
    let run = run_in(
        repo.path(),
        &[
            "guard",
            "--",
            "git",
            "push",
            "--force-with-lease",
            "origin",
            "feature/x",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    // The built-in rules still judge alongside it.
    let answer = hook(
        &repo,
        "git push origin main && npx prisma migrate reset",
        &[],
    );
    assert_eq!(
        reason_checks(&denial(&answer).expect("denied")),
        ["destructive-sql/migrate-reset"]
    );
}

#[test]
fn a_broken_plugin_blocks_the_command_and_is_named() {
    let repo = repo();
    crate::harness::with_probe(&repo, "panic", "");
    let run = run_in(repo.path(), &["guard", "--", "ls"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("error: plugin `sandbox-probe`"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("the command could not be checked"),
        "{run:?}"
    );
    let answer = hook(&repo, "ls", &[]);
    let reason = denial(&answer).expect("fails closed");
    assert!(reason.contains("sandbox-probe"), "{reason}");
}

#[test]
fn a_broken_rules_toml_blocks_with_its_position() {
    let repo = repo();
    repo.write("rules.toml", "[guard\nallow = []\n");
    let answer = hook(&repo, "ls", &[]);
    let reason = denial(&answer).expect("fails closed");
    assert!(reason.contains("rules.toml:1:"), "{reason}");
}

#[test]
fn a_command_check_sees_only_what_it_declared() {
    let repo = repo();
    crate::harness::with_probe(&repo, "env", "");
    repo.write("probe.txt", "declared\n");
    let run = run_with_stdin(
        repo.path(),
        &["guard", "--", "ls"],
        &[("PROBE_VISIBLE", "yes"), ("PROBE_SECRET", "no")],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("info[sandbox-probe/observed]: env [PROBE_VISIBLE=yes], files [probe.txt], 0 process env vars"),
        "{run:?}"
    );
}

#[test]
fn a_hostile_command_check_is_stopped_and_named() {
    for (mode, message) in [
        ("loop", "exceeded its time budget of 300 ms"),
        (
            "bad-span",
            "returned a command finding with an invalid range 0..16 (the command is 6 bytes)",
        ),
    ] {
        let repo = repo();
        crate::harness::with_probe(&repo, mode, "[limits]\ntime-ms = 300\n");
        let run = run_in(repo.path(), &["guard", "--", "ls", "-la"]);
        assert_eq!(run.code, 2, "{mode}: {run:?}");
        assert!(
            run.stderr
                .contains(&format!("error: plugin `sandbox-probe`: {message}")),
            "{mode}: {run:?}"
        );
    }
}

#[test]
fn a_url_variable_the_guard_is_not_given_is_a_warning_until_configured() {
    let repo = repo();
    repo.write(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"MY_DB_URL\")\n}\n",
    );
    let prod = [("MY_DB_URL", "postgres://app@10.1.2.3/app")];
    let migrate = ["guard", "--", "npx", "prisma", "migrate", "dev"];
    let run = run_with_stdin(repo.path(), &migrate, &prod, None);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "warning[destructive-sql/remote-migrate]: the schema reads the database URL from `MY_DB_URL`"
        ),
        "{run:?}"
    );
    repo.write(
        "rules.toml",
        "[rules.destructive-sql]\nurl-variables = [\"MY_DB_URL\"]\n",
    );
    let run = run_with_stdin(repo.path(), &migrate, &prod, None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("`10.1.2.3` (MY_DB_URL from the environment)"),
        "{run:?}"
    );
}
