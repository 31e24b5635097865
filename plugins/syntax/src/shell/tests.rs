//! The shell splitter's tests: every form of command line agents write.

use super::wrappers::*;
use super::*;

/// Each command as its words joined with single spaces.
fn flat(line: &str) -> Vec<String> {
    commands(line).iter().map(|c| c.texts().join(" ")).collect()
}

/// The only command of `line`.
fn only(line: &str) -> Command {
    let all = commands(line);
    assert_eq!(all.len(), 1, "{line:?} gave {all:#?}");
    all.into_iter().next().unwrap()
}

fn check_table(table: &[(&str, &[&str])]) {
    for (line, expected) in table {
        assert_eq!(flat(line), *expected, "line {line:?}");
    }
}

#[test]
fn quoting() {
    let table: &[(&str, &[&str])] = &[
        ("echo 'a b' c", &["echo a b c"]),
        ("echo \"a b\"", &["echo a b"]),
        (r#"echo "a\"b""#, &[r#"echo a"b"#]),
        (r#"echo "a\$b \`c\` d\\e \x""#, &[r"echo a$b `c` d\e \x"]),
        ("echo \"a\\\nb\"", &["echo ab"]),
        ("echo 'a\\b'", &[r"echo a\b"]),
        (r"echo $'a\tb\n'", &["echo a\tb\n"]),
        (r"echo $'it\'s \\ \x41\0101\x'", &["echo it's \\ AA\\x"]),
        (r#"echo $'\"q\"'"#, &["echo \"q\""]),
        (r"echo a\ b", &["echo a b"]),
        ("echo a\\\nb", &["echo ab"]),
        ("npx pri\\\nsma", &["prisma"]),
        (r#"pri"sma" 'mig'rate"#, &["prisma migrate"]),
        (r#"echo "" x"#, &["echo  x"]),
        ("echo '' ''", &["echo  "]),
        ("echo 'unterminated", &["echo unterminated"]),
        ("echo \"unterminated $(", &["echo unterminated $("]),
        (r"p\risma migrate reset", &["prisma migrate reset"]),
        (r#""prisma" 'migrate' re"set""#, &["prisma migrate reset"]),
        (r"$'prisma' migrate reset", &["prisma migrate reset"]),
        ("echo $HOME ${X:-a b}", &["echo $HOME ${X:-a b}"]),
        ("echo $((1 + 2))", &["echo $((1 + 2))"]),
        ("echo $((echo hi) )", &["echo hi", "echo $((echo hi) )"]),
        ("echo é日本 'ü'", &["echo é日本 ü"]),
        ("echo trailing\\", &["echo trailing\\"]),
    ];
    check_table(table);
    // An empty quoted word is a word.
    assert_eq!(only(r#"echo """#).words.len(), 2);
}

#[test]
fn comments() {
    let table: &[(&str, &[&str])] = &[
        ("echo a # dropdb x", &["echo a"]),
        ("# only a comment", &[]),
        ("echo a#b", &["echo a#b"]),
        ("echo a;# c\ndropdb x", &["echo a", "dropdb x"]),
        ("echo '#not' \"#not\"", &["echo #not #not"]),
        ("echo $(echo a # c\n)", &["echo a", "echo $(echo a # c\n)"]),
    ];
    check_table(table);
}

#[test]
fn operators() {
    let table: &[(&str, &[&str])] = &[
        ("a; b", &["a", "b"]),
        ("a && b || c", &["a", "b", "c"]),
        ("a | b |& c", &["a", "b", "c"]),
        ("a & b", &["a", "b"]),
        ("a\nb\n\nc", &["a", "b", "c"]),
        ("(cd db && dropdb app_test)", &["cd db", "dropdb app_test"]),
        ("{ dropdb app; }", &["dropdb app"]),
        ("! dropdb app", &["dropdb app"]),
        ("x=$(dropdb app)", &["dropdb app"]),
        ("echo `dropdb app`", &["dropdb app", "echo `dropdb app`"]),
        (
            "echo \"$(dropdb app)\"",
            &["dropdb app", "echo $(dropdb app)"],
        ),
        (
            "diff <(psql -c 'a') >(cat)",
            &["psql -c a", "cat", "diff <(psql -c 'a') >(cat)"],
        ),
        ("echo $(a $(b))", &["b", "a $(b)", "echo $(a $(b))"]),
        ("echo `a \\`b\\``", &["b", "a `b`", "echo `a \\`b\\``"]),
        ("a;;b", &["a", "b"]),
        (";;;", &[]),
        ("a || (b; c) | d", &["a", "b", "c", "d"]),
        (
            "echo $(echo ')' \"(\")",
            &["echo ) (", "echo $(echo ')' \"(\")"],
        ),
    ];
    check_table(table);
    let all = commands("echo 'TRUNCATE orders;' | psql app");
    assert_eq!(all[1].piped_from, Some(0));
    assert_eq!(all[0].piped_from, None);
    let all = commands("a | b | c; d");
    let pipes: Vec<_> = all.iter().map(|c| c.piped_from).collect();
    assert_eq!(pipes, [None, Some(0), Some(1), None]);
    let all = commands("(a; b) | c");
    assert_eq!(all[2].piped_from, Some(1));
    let all = commands("echo $(x) | psql");
    assert_eq!(flat("echo $(x) | psql"), ["x", "echo $(x)", "psql"]);
    assert_eq!(all[2].piped_from, Some(1));
}

#[test]
fn keywords() {
    let table: &[(&str, &[&str])] = &[
        (
            r#"if [ -n "$CI" ]; then npx prisma migrate deploy; fi"#,
            &["[ -n $CI ]", "prisma migrate deploy"],
        ),
        (
            "if a; then b; elif c; then d; else e; fi",
            &["a", "b", "c", "d", "e"],
        ),
        ("while true; do dropdb x; done", &["true", "dropdb x"]),
        ("until a; do b; done", &["a", "b"]),
        ("for x in a b c; do dropdb $x; done", &["dropdb $x"]),
        ("for x in $(ls); do echo $x; done", &["ls", "echo $x"]),
        ("for x\ndo echo $x\ndone", &["echo $x"]),
        ("for ((i=0; i<3; i++)); do echo $i; done", &["echo $i"]),
        (
            "case $x in a|b) dropdb a;; c) echo c;; *) x;; esac; echo after",
            &["dropdb a", "echo c", "x", "echo after"],
        ),
        ("case $(env) in\n (x) y\n ;;\nesac", &["env", "y"]),
        ("f() { dropdb app; }; f", &["dropdb app", "f"]),
        ("function f { dropdb app; }", &["dropdb app"]),
        ("function f() { dropdb app; }", &["dropdb app"]),
        ("time dropdb app", &["dropdb app"]),
        ("echo if then fi", &["echo if then fi"]),
        ("'if' x", &["if x"]),
    ];
    check_table(table);
    assert_eq!(only("time -p dropdb app").wrappers, ["time"]);
}

#[test]
fn redirections() {
    let table: &[(&str, &[&str])] = &[
        ("psql > out.txt", &["psql"]),
        ("psql >> out 2> err 2>&1 &> all >| f <> rw", &["psql"]),
        ("2>/dev/null dropdb app", &["dropdb app"]),
        ("echo 2 > x", &["echo 2"]),
        ("echo a>b", &["echo a"]),
        ("cat <&3 >&-", &["cat"]),
        ("cat < in.sql | psql", &["cat", "psql"]),
        ("echo 10>x y", &["echo y"]),
    ];
    check_table(table);
    let c = only("psql app < dump.sql");
    assert_eq!(
        c.stdin_file.as_ref().map(|w| w.text.as_str()),
        Some("dump.sql")
    );
    let c = only("psql <<'SQL'\nDROP TABLE users;\nSQL");
    assert_eq!(
        c.stdin.as_ref().map(|w| w.text.as_str()),
        Some("DROP TABLE users;\n")
    );
    let c = only("psql <<EOF\nDROP TABLE a;\nDROP TABLE b;\nEOF\n");
    assert_eq!(c.stdin.unwrap().text, "DROP TABLE a;\nDROP TABLE b;\n");
    let c = only("psql <<-\"EOF\"\n\t\tDROP TABLE a;\n\tEOF");
    assert_eq!(c.stdin.unwrap().text, "DROP TABLE a;\n");
    let c = only("psql <<< \"DELETE FROM users\"");
    assert_eq!(c.stdin.unwrap().text, "DELETE FROM users");
    let c = only("psql <<EOF\nunterminated");
    assert_eq!(c.stdin.unwrap().text, "unterminated");
    // The command continues on the operator's line; the body follows.
    let all = commands("psql <<EOF && echo done\nDROP TABLE x;\nEOF\ndropdb y");
    assert_eq!(
        all.iter().map(|c| c.texts().join(" ")).collect::<Vec<_>>(),
        ["psql", "echo done", "dropdb y"]
    );
    assert_eq!(all[0].stdin.as_ref().unwrap().text, "DROP TABLE x;\n");
    // Two here-documents on one line.
    let all = commands("a <<X; b <<Y\n1\nX\n2\nY");
    assert_eq!(all[0].stdin.as_ref().unwrap().text, "1\n");
    assert_eq!(all[1].stdin.as_ref().unwrap().text, "2\n");
    // An expanding body runs its substitutions; a quoted one does not.
    assert_eq!(flat("cat <<EOF\n$(dropdb x)\nEOF"), ["dropdb x", "cat"]);
    assert_eq!(flat("cat <<'EOF'\n$(dropdb x)\nEOF"), ["cat"]);
    let line = "psql <<SQL\nDROP TABLE users;\nSQL";
    let c = only(line);
    assert_eq!(&line[c.stdin.unwrap().range], "DROP TABLE users;\n");
    assert_eq!(&line[c.range], "psql <<SQL");
}

#[test]
fn assignments() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        ("A=1 B='x y' cmd", &[("A", "1"), ("B", "x y")], "cmd"),
        (
            r#"DATABASE_URL="postgres://x@db.prod:5432/app" pnpm prisma migrate dev"#,
            &[("DATABASE_URL", "postgres://x@db.prod:5432/app")],
            "prisma migrate dev",
        ),
        ("A+=1 cmd", &[("A", "1")], "cmd"),
        ("cmd A=1", &[], "cmd A=1"),
        ("'A=1' cmd", &[], "A=1 cmd"),
        ("1A=x cmd", &[], "1A=x cmd"),
        (
            "A=1 env B=2 sudo C=3 cmd",
            &[("A", "1"), ("B", "2"), ("C", "3")],
            "cmd",
        ),
        (
            "cross-env NODE_ENV=test jest",
            &[("NODE_ENV", "test")],
            "jest",
        ),
        ("A=$(x) cmd", &[("A", "$(x)")], "cmd"),
    ];
    for (line, env, words) in cases {
        let all = commands(line);
        let c = all.last().unwrap();
        let got: Vec<(&str, &str)> = c
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, *env, "line {line:?}");
        assert_eq!(c.texts().join(" "), *words, "line {line:?}");
    }
    assert!(commands("A=1 B=2").is_empty());
    assert!(commands("> log").is_empty());
}

/// (line, program and args, wrappers)
const WRAPPERS: &[(&str, &str, &[&str])] = &[
    (
        "npx prisma migrate reset --force",
        "prisma migrate reset --force",
        &["npx"],
    ),
    (
        "npx --yes prisma@5.22.0 migrate reset",
        "prisma migrate reset",
        &["npx"],
    ),
    ("npx -y -q -- prisma db push", "prisma db push", &["npx"]),
    (
        "npx -p prisma@5 prisma migrate reset",
        "prisma migrate reset",
        &["npx"],
    ),
    (
        "npx --package=@prisma/cli prisma migrate",
        "prisma migrate",
        &["npx"],
    ),
    ("npx @scope/pkg@1 run", "@scope/pkg run", &["npx"]),
    (
        "npx -c 'prisma migrate reset'",
        "prisma migrate reset",
        &["npx"],
    ),
    (
        "npm exec -- prisma db execute --stdin",
        "prisma db execute --stdin",
        &["npm exec"],
    ),
    (
        "npm x --yes prisma migrate reset",
        "prisma migrate reset",
        &["npm exec"],
    ),
    (
        "npm exec -c 'prisma migrate reset'",
        "prisma migrate reset",
        &["npm exec"],
    ),
    (
        "npm -w api exec prisma migrate reset",
        "prisma migrate reset",
        &["npm exec"],
    ),
    ("npm run db:reset", "npm run db:reset", &[]),
    ("npm install", "npm install", &[]),
    (
        "pnpm exec prisma migrate reset",
        "prisma migrate reset",
        &["pnpm exec"],
    ),
    (
        "pnpm dlx prisma@5 migrate reset",
        "prisma migrate reset",
        &["pnpm dlx"],
    ),
    ("pnpm prisma migrate dev", "prisma migrate dev", &["pnpm"]),
    (
        "pnpm --filter api exec prisma migrate reset",
        "prisma migrate reset",
        &["pnpm exec"],
    ),
    (
        "pnpm -C packages/db prisma migrate reset",
        "prisma migrate reset",
        &["pnpm"],
    ),
    ("pnpm -F api prisma db push", "prisma db push", &["pnpm"]),
    ("pnpm run db:reset", "pnpm run db:reset", &[]),
    ("pnpm install", "pnpm install", &[]),
    (
        "pnpm exec -c 'prisma migrate reset'",
        "prisma migrate reset",
        &["pnpm exec"],
    ),
    (
        "pnpx prisma migrate reset",
        "prisma migrate reset",
        &["pnpx"],
    ),
    (
        "yarn dlx prisma@5.22.0 migrate reset",
        "prisma migrate reset",
        &["yarn dlx"],
    ),
    (
        "yarn exec prisma migrate reset",
        "prisma migrate reset",
        &["yarn exec"],
    ),
    (
        "yarn prisma migrate reset",
        "prisma migrate reset",
        &["yarn"],
    ),
    (
        "yarn workspace api prisma migrate reset",
        "prisma migrate reset",
        &["yarn"],
    ),
    (
        "yarn --cwd db prisma migrate reset",
        "prisma migrate reset",
        &["yarn"],
    ),
    ("yarn run db:reset", "yarn run db:reset", &[]),
    ("yarn add prisma", "yarn add prisma", &[]),
    (
        "bunx prisma migrate reset",
        "prisma migrate reset",
        &["bunx"],
    ),
    (
        "bunx --bun prisma@latest db push",
        "prisma db push",
        &["bunx"],
    ),
    (
        "bun x prisma migrate reset",
        "prisma migrate reset",
        &["bun x"],
    ),
    ("bun prisma migrate reset", "prisma migrate reset", &["bun"]),
    ("bun run db:reset", "bun run db:reset", &[]),
    ("bun ./seed.ts", "bun ./seed.ts", &[]),
    (
        "env DATABASE_URL=x npx prisma migrate deploy",
        "prisma migrate deploy",
        &["env", "npx"],
    ),
    (
        "env -i -u HOME --unset=PATH -C /tmp A=1 dropdb x",
        "dropdb x",
        &["env"],
    ),
    ("env - dropdb x", "dropdb x", &["env"]),
    (
        "env -S 'npx prisma migrate reset' -- --force",
        "prisma migrate reset --force",
        &["env", "npx"],
    ),
    ("env -S 'A=1 dropdb' x", "dropdb x", &["env"]),
    ("/usr/bin/env dropdb x", "dropdb x", &["env"]),
    ("env", "env", &[]),
    ("env A=1", "env A=1", &[]),
    (
        "sudo -u postgres dropdb production",
        "dropdb production",
        &["sudo"],
    ),
    (
        "sudo -E -H -- dropdb production",
        "dropdb production",
        &["sudo"],
    ),
    ("sudo -l dropdb", "sudo -l dropdb", &[]),
    ("doas -u postgres dropdb x", "dropdb x", &["doas"]),
    ("nohup dropdb x &", "dropdb x", &["nohup"]),
    ("time -p dropdb x", "dropdb x", &["time"]),
    ("nice -n 10 dropdb x", "dropdb x", &["nice"]),
    ("nice -5 dropdb x", "dropdb x", &["nice"]),
    ("ionice -c 3 dropdb x", "dropdb x", &["ionice"]),
    (
        "timeout 30 npx prisma migrate reset --force",
        "prisma migrate reset --force",
        &["timeout", "npx"],
    ),
    (
        "timeout -s KILL -k 5 30s dropdb x",
        "dropdb x",
        &["timeout"],
    ),
    ("command -p dropdb x", "dropdb x", &["command"]),
    ("command -v dropdb", "command -v dropdb", &[]),
    ("exec dropdb x", "dropdb x", &["exec"]),
    ("exec -a name dropdb x", "dropdb x", &["exec"]),
    ("builtin cd x", "cd x", &["builtin"]),
    ("stdbuf -oL -e0 dropdb x", "dropdb x", &["stdbuf"]),
    ("xargs -0 -n 1 -I{} dropdb {}", "dropdb {}", &["xargs"]),
    ("xargs", "xargs", &[]),
    (
        "watch -n 5 'npx prisma migrate status'",
        "prisma migrate status",
        &["watch", "npx"],
    ),
    ("watch -x dropdb x", "dropdb x", &["watch"]),
    (
        "sh -c \"npx prisma db push --force-reset\"",
        "prisma db push --force-reset",
        &["sh -c", "npx"],
    ),
    (
        "bash -lc 'yarn dlx prisma@5.22.0 migrate reset --skip-seed'",
        "prisma migrate reset --skip-seed",
        &["bash -c", "yarn dlx"],
    ),
    ("sh -e -c 'dropdb x'", "dropdb x", &["sh -c"]),
    ("bash -o pipefail -c 'dropdb x'", "dropdb x", &["bash -c"]),
    ("bash -euo pipefail -c 'dropdb x'", "dropdb x", &["bash -c"]),
    ("/bin/zsh +x -c 'dropdb x'", "dropdb x", &["zsh -c"]),
    ("fish -c 'dropdb x'", "dropdb x", &["fish -c"]),
    ("fish --command='dropdb x'", "dropdb x", &["fish -c"]),
    ("bash script.sh", "bash script.sh", &[]),
    ("bash -c", "bash -c", &[]),
    ("eval 'dropdb x'", "dropdb x", &["eval"]),
    ("eval dropdb x", "dropdb x", &["eval"]),
    (
        "dotenv -e .env.prod -- prisma migrate deploy",
        "prisma migrate deploy",
        &["dotenv"],
    ),
    (
        "dotenv -e .env prisma migrate deploy",
        "prisma migrate deploy",
        &["dotenv"],
    ),
    (
        "dotenv-flow -e .env -- prisma migrate reset --force",
        "prisma migrate reset --force",
        &["dotenv"],
    ),
    (
        "dotenvx run -f .env -- prisma migrate deploy",
        "prisma migrate deploy",
        &["dotenvx run"],
    ),
    (
        "cross-env NODE_ENV=prod prisma migrate deploy",
        "prisma migrate deploy",
        &["cross-env"],
    ),
    (
        "cross-env-shell A=1 'prisma migrate deploy && echo'",
        "prisma migrate deploy",
        &["cross-env-shell"],
    ),
    (
        "./node_modules/.bin/prisma migrate reset",
        "./node_modules/.bin/prisma migrate reset",
        &[],
    ),
    (
        "xargs -r npx prisma migrate reset",
        "prisma migrate reset",
        &["xargs", "npx"],
    ),
    (
        "sudo sh -c 'cd /srv && pnpm --filter db exec prisma db push'",
        "cd /srv",
        &["sudo", "sh -c"],
    ),
    (
        "nice -n 10 env A=1 npx --yes prisma migrate reset",
        "prisma migrate reset",
        &["nice", "env", "npx"],
    ),
    (
        "sudo -u app sh -c 'timeout 5 bash -c \"npx prisma migrate reset\"'",
        "prisma migrate reset",
        &["sudo", "sh -c", "timeout", "bash -c", "npx"],
    ),
];

#[test]
fn wrappers() {
    for (line, words, wrappers) in WRAPPERS {
        let all = commands(line);
        let c = all
            .first()
            .unwrap_or_else(|| panic!("no command in {line:?}"));
        assert_eq!(c.texts().join(" "), *words, "line {line:?}");
        assert_eq!(c.wrappers, *wrappers, "line {line:?}");
    }
    let c = only("nice -n 10 env A=1 npx --yes prisma migrate reset");
    assert_eq!(c.env, [("A".to_owned(), "1".to_owned())]);
    let c = only("dotenv -v A=b -- x");
    assert_eq!(c.env, [("A".to_owned(), "b".to_owned())]);
    let c = only("cross-env-shell A=1 'dropdb x'");
    assert_eq!(c.env, [("A".to_owned(), "1".to_owned())]);
    let c = only("A=1 sh -c 'B=2 dropdb x'");
    assert_eq!(c.env.len(), 2);
    assert_eq!(c.env[0].0, "A");
    // Several commands in one string all carry the wrapper.
    let all = commands("sh -c 'cd api && npx prisma migrate reset'");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].wrappers, ["sh -c", "npx"]);
    assert_eq!(all[0].wrappers, ["sh -c"]);
    // An outer here-document feeds the shell's commands.
    let all = commands("bash -c 'psql' <<EOF\nDROP TABLE x;\nEOF");
    assert_eq!(all[0].stdin.as_ref().unwrap().text, "DROP TABLE x;\n");
    let all = commands("echo 'DROP TABLE x' | sh -c psql");
    assert_eq!(all[1].piped_from, Some(0));
}

#[test]
fn basenames() {
    let table = [
        ("/usr/bin/env", "env"),
        ("./node_modules/.bin/prisma", "prisma"),
        ("prisma", "prisma"),
        ("", ""),
        ("dir/", ""),
    ];
    for (path, name) in table {
        assert_eq!(basename(path), name);
    }
    assert_eq!(
        only("/usr/local/bin/psql -c x").program_name(),
        Some("psql")
    );
    assert_eq!(
        only("/usr/local/bin/psql -c x").program(),
        Some("/usr/local/bin/psql")
    );
    assert_eq!(only("/usr/local/bin/psql -c x").args().len(), 2);
}

#[test]
fn versions() {
    let table = [
        ("prisma@5.22.0", "prisma"),
        ("@scope/pkg@1", "@scope/pkg"),
        ("@scope/pkg", "@scope/pkg"),
        ("prisma", "prisma"),
        ("@", "@"),
        ("@@x", "@"),
    ];
    for (package, name) in table {
        assert_eq!(strip_version(package), name);
    }
}

#[test]
fn examples() {
    let all = commands("cd api && npx prisma migrate reset -f; echo done");
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].texts(), ["prisma", "migrate", "reset", "-f"]);
    let c = only("env DATABASE_URL=postgres://prod.example.com/app npx prisma migrate deploy");
    assert_eq!(
        c.env,
        [(
            "DATABASE_URL".to_owned(),
            "postgres://prod.example.com/app".to_owned()
        )]
    );
    assert_eq!(c.program(), Some("prisma"));
    let c = only(r#"psql "$DATABASE_URL" -c 'DROP TABLE users;'"#);
    assert_eq!(
        c.texts(),
        ["psql", "$DATABASE_URL", "-c", "DROP TABLE users;"]
    );
    let c = only("npm exec -- prisma db execute --stdin <<< \"DELETE FROM users\"");
    assert_eq!(c.texts(), ["prisma", "db", "execute", "--stdin"]);
    assert_eq!(c.stdin.unwrap().text, "DELETE FROM users");
    assert_eq!(
        only("echo \"npx prisma migrate reset\"").program(),
        Some("echo")
    );
    assert_eq!(
        only("git commit -m \"don't run prisma migrate reset\"").program(),
        Some("git")
    );
    assert_eq!(only("npm run db:reset").program(), Some("npm"));
}

#[test]
fn nested_ranges() {
    let line = "bash -lc 'yarn dlx prisma@5.22.0 migrate reset'";
    let c = only(line);
    assert_eq!(&line[c.words[0].range.clone()], "prisma@5.22.0");
    assert_eq!(
        &line[c.range.clone()],
        "yarn dlx prisma@5.22.0 migrate reset"
    );
    // Escapes inside the string: ranges fall back to the whole argument.
    let line = r#"sh -c "echo \"x\" && dropdb a""#;
    let all = commands(line);
    assert_eq!(all[1].texts(), ["dropdb", "a"]);
    assert_eq!(
        &line[all[1].words[0].range.clone()],
        r#""echo \"x\" && dropdb a""#
    );
    let line = "echo $(dropdb app)";
    let all = commands(line);
    assert_eq!(&line[all[0].range.clone()], "dropdb app");
    assert_eq!(&line[all[1].range.clone()], line);
    let line = "eval dropdb   x";
    let c = only(line);
    assert_eq!(c.texts(), ["dropdb", "x"]);
    assert!(line.get(c.words[1].range.clone()).is_some());
}

#[test]
fn depth_is_capped() {
    // 40 levels of eval: the innermost levels stay unparsed but the
    // outer command is kept.
    let line = format!("{}dropdb x", "eval ".repeat(40));
    let all = commands(&line);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].wrappers.len(), MAX_DEPTH);
    assert_eq!(all[0].program(), Some("eval"));
    // Shallow nesting is fully unwrapped.
    let mut line = "dropdb x".to_owned();
    for _ in 0..5 {
        line = format!("sh -c {}", join(&[line]));
    }
    let c = only(&line);
    assert_eq!(c.texts(), ["dropdb", "x"]);
    assert_eq!(c.wrappers.len(), 5);
    let deep = "$(".repeat(100_000);
    let all = commands(&format!("echo {deep}"));
    assert!(all.len() <= MAX_DEPTH + 1);
}

/// Past the nesting limit the line says so: a safety check must not call
/// what it could not look into safe. Up to the limit it does not.
#[test]
fn nesting_past_the_limit_is_flagged() {
    for n in [MAX_DEPTH + 1, MAX_DEPTH + 10] {
        let line = format!("{}dropdb x", "eval ".repeat(n));
        assert!(examine(&line).too_deep, "{n} evals");
    }
    let line = format!("{}dropdb x", "eval ".repeat(MAX_DEPTH));
    assert!(!examine(&line).too_deep);
    let mut nested = "dropdb x".to_owned();
    for _ in 0..MAX_DEPTH + 2 {
        nested = format!("echo $({nested})");
    }
    assert!(examine(&nested).too_deep);
    // A command string (`sh -c`) past the limit.
    let quoted = format!("{}sh -c 'dropdb x'", "eval ".repeat(MAX_DEPTH));
    assert!(examine(&quoted).too_deep);
    assert!(!examine("sh -c 'sh -c \"dropdb x\"'").too_deep);
}

#[test]
fn output_redirections_are_writes() {
    let writes = |line: &str| -> Vec<String> {
        examine(line)
            .writes
            .into_iter()
            .map(|w| w.file.text)
            .collect()
    };
    assert_eq!(writes("echo x > rules.toml"), ["rules.toml"]);
    assert_eq!(writes("> rules.toml"), ["rules.toml"]);
    assert_eq!(writes("cat a >> 'b c' 2>&1"), ["b c"]);
    assert_eq!(writes("cmd &> log; cmd 2> err >&-"), ["log", "err"]);
    assert_eq!(
        writes("sh -c 'printf x > .claude/settings.json'"),
        [".claude/settings.json"]
    );
    assert!(writes("cat < in.txt | grep x").is_empty());
    // Which commands run after the file is written.
    let e = examine("echo a > x.sh && bash x.sh; > y; cat y");
    let after: Vec<(String, usize)> = e
        .writes
        .iter()
        .map(|w| (w.file.text.clone(), w.after))
        .collect();
    assert_eq!(after, [("x.sh".to_owned(), 1), ("y".to_owned(), 2)]);
    assert_eq!(e.commands[1].texts(), ["bash", "x.sh"]);
    assert_eq!(e.commands[2].texts(), ["cat", "y"]);
}

#[test]
fn help_is_not_action() {
    for line in [
        "prisma migrate reset --help",
        "npx prisma migrate reset -h",
        "prisma db push --force-reset --help",
        "prisma --version",
        "dropdb --help",
        "dropdb -V",
        "psql -?",
        "pg_restore --version",
    ] {
        assert!(only(line).asks_for_help(), "{line}");
    }
    for line in [
        "dropdb -h localhost app",
        "dropdb app --help",
        "psql -h db -c 'DROP TABLE x'",
        "prisma migrate reset --force",
        "prisma migrate reset -v",
        "pg_restore --clean -d app dump --help",
        "rm --help",
    ] {
        assert!(!only(line).asks_for_help(), "{line}");
    }
}

#[test]
fn join_round_trips() {
    let cases: Vec<Vec<&str>> = vec![
        vec!["prisma", "migrate", "reset"],
        vec!["psql", "-c", "DROP TABLE users;"],
        vec![
            "echo", "it's", "", "a b", "$HOME", "`x`", "\\", "\"", "#c", "~", "*",
        ],
        vec!["A=b", "c=d"],
        vec!["if", "then"],
        vec!["multi\nline", "tab\there", "é日本"],
        vec!["--flag=value", "@scope/pkg@1", "a,b:c/d.e%f+g"],
    ];
    for case in cases {
        let argv: Vec<String> = case.iter().map(|s| (*s).to_owned()).collect();
        let line = join(&argv);
        let back: Vec<String> = words(&line).into_iter().map(|w| w.text).collect();
        assert_eq!(back, argv, "line {line:?}");
        let all = commands(&line);
        assert_eq!(all.len(), 1, "line {line:?}");
        assert!(all[0].env.is_empty());
    }
    assert_eq!(join(&["npx".to_owned(), "prisma".to_owned()]), "npx prisma");
    assert_eq!(join(&["it's".to_owned()]), r"'it'\''s'");
}

/// A tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn check_ranges(line: &str) {
    for c in commands(line) {
        assert!(!c.words.is_empty());
        assert!(line.get(c.range.clone()).is_some(), "{line:?} {c:?}");
        for w in c.words.iter().chain(&c.stdin).chain(&c.stdin_file) {
            assert!(line.get(w.range.clone()).is_some(), "{line:?} {w:?}");
        }
        if let Some(p) = c.piped_from {
            assert!(p < commands(line).len());
        }
    }
    for w in words(line) {
        assert!(line.get(w.range.clone()).is_some(), "{line:?} {w:?}");
    }
}

#[test]
fn fuzz_ranges_never_panic() {
    const PIECES: &[&str] = &[
        " ",
        " ",
        "a",
        "b",
        "x",
        "'",
        "\"",
        "\\",
        "$",
        "$(",
        "(",
        ")",
        "`",
        "{",
        "}",
        ";",
        "&",
        "|",
        "<",
        ">",
        "<<",
        "<<-",
        "<<<",
        "EOF",
        "\n",
        "\t",
        "#",
        "=",
        "A=",
        "é",
        "日",
        "\u{1F600}",
        "$'",
        "\\x",
        "\\0",
        "\\u",
        "sh -c ",
        "eval ",
        "npx ",
        "env -S ",
        "if ",
        "then ",
        "fi",
        "case ",
        " in ",
        "esac",
        "for ",
        "do ",
        "done",
        "${",
        "$((",
        "))",
        "2>&1",
        "<(",
        "npm exec ",
        "pnpm ",
        "yarn ",
        "sudo -u ",
        "--",
        "-c",
        "\r",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = rng.below(40);
        let line: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        check_ranges(&line);
    }
    // Random bytes made valid UTF-8.
    for _ in 0..300 {
        let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
        check_ranges(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn large_inputs_stay_linear() {
    let start = std::time::Instant::now();
    let inputs = [
        ";".repeat(1 << 20),
        "a ".repeat(1 << 19),
        "$(".repeat(1 << 19),
        "$(a)".repeat(1 << 18),
        "'".repeat(1 << 20),
        "\"$(".repeat(1 << 18),
        "`".repeat(1 << 20),
        "(".repeat(1 << 20),
        "<<a ".repeat(1 << 18) + "\n" + &"x\n".repeat(1 << 18),
        "env ".repeat(1 << 18) + "x",
        "sh -c ".repeat(1 << 17) + "x",
        "a | ".repeat(1 << 18),
        "$'\\".repeat(1 << 18),
        "x=$(y) ".repeat(1 << 17),
    ];
    for input in &inputs {
        let all = commands(input);
        assert!(all.len() <= input.len());
    }
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}

#[test]
fn a_shell_reading_a_here_document_runs_it() {
    for line in [
        "bash <<< 'dropdb app'",
        "sh <<EOF\ndropdb app\nEOF",
        "bash -s -- x <<< 'dropdb app'",
        "sudo -u postgres bash --norc <<<\"dropdb app\"",
    ] {
        let found = commands(line);
        let dropdb = found
            .iter()
            .find(|c| c.program() == Some("dropdb"))
            .unwrap_or_else(|| panic!("{line}: {found:?}"));
        assert!(
            dropdb.wrappers.iter().any(|w| w.ends_with("<<<")),
            "{line}: {:?}",
            dropdb.wrappers
        );
        assert_eq!(&line[dropdb.range.clone()], "dropdb app", "{line}");
    }
    // A script file, `-c`, or another program: the here-document is data.
    for line in [
        "bash x.sh <<< 'dropdb app'",
        "cat <<< 'dropdb app'",
        "psql <<< 'select 1'",
    ] {
        assert!(
            commands(line).iter().all(|c| c.program() != Some("dropdb")),
            "{line}"
        );
    }
}

#[test]
fn containers_run_the_command_inside() {
    let table: &[(&str, &str, &[&str])] = &[
        (
            "docker exec -it -e A=1 -u postgres db psql -c 'DROP TABLE x'",
            "psql -c DROP TABLE x",
            &["container exec"],
        ),
        (
            "docker compose -f dev.yml exec -T db psql -U app",
            "psql -U app",
            &["container exec"],
        ),
        (
            "docker-compose run --rm -e X=1 app npx prisma migrate deploy",
            "prisma migrate deploy",
            &["container run", "npx"],
        ),
        (
            "podman container exec web sh -c 'dropdb app'",
            "dropdb app",
            &["container exec", "sh -c"],
        ),
        (
            "docker run --rm --network host postgres:16 psql -h db",
            "psql -h db",
            &["container run"],
        ),
        (
            "kubectl -n prod exec -it deploy/api -c api -- npx prisma migrate reset",
            "prisma migrate reset",
            &["kubectl exec", "npx"],
        ),
        ("oc exec pod/db -- psql", "psql", &["kubectl exec"]),
        (
            "script -qc 'npx prisma migrate reset --force' /dev/null",
            "prisma migrate reset --force",
            &["script -c", "npx"],
        ),
        (
            "node --require dotenv/config ./node_modules/prisma/build/index.js migrate reset",
            "prisma migrate reset",
            &["node"],
        ),
    ];
    for (line, words, wrappers) in table {
        let all = commands(line);
        let c = all
            .last()
            .unwrap_or_else(|| panic!("no command in {line:?}"));
        assert_eq!(c.texts().join(" "), *words, "line {line:?}");
        assert_eq!(c.wrappers, *wrappers, "line {line:?}");
    }
    let c = only("docker exec -e DATABASE_URL=postgres://db/app api npx prisma migrate deploy");
    assert_eq!(
        c.env,
        [("DATABASE_URL".to_owned(), "postgres://db/app".to_owned())]
    );
    assert!(c.wrappers.iter().any(|w| is_container_wrapper(w)));
    // What runs no command in a container stays itself.
    for line in [
        "docker compose up -d db",
        "docker ps",
        "kubectl get pods",
        "node scripts/build.js",
        "script",
    ] {
        let c = only(line);
        assert!(c.wrappers.is_empty(), "{line:?}: {c:?}");
    }
}

#[test]
fn variables_assigned_a_literal_are_the_program() {
    let table: &[(&str, &[&str])] = &[
        (
            "PRISMA='npx prisma'; $PRISMA migrate reset --force",
            &["prisma migrate reset --force"],
        ),
        (
            "export P=dropdb && ${P} app",
            &["export P=dropdb", "dropdb app"],
        ),
        ("x=dropdb; x=echo; $x app", &["echo app"]),
        // A computed value is not known: the program stays as written.
        ("x=$(printf dropdb); $x app", &["printf dropdb", "$x app"]),
        ("$UNSET app", &["$UNSET app"]),
    ];
    check_table(table);
}

#[test]
fn env_files_a_wrapper_loads() {
    let files = |line: &str| -> Vec<String> {
        only(line)
            .env_files
            .iter()
            .map(|w| w.text.clone())
            .collect()
    };
    assert_eq!(
        files("dotenv -e .env.production -e .env -- prisma migrate deploy"),
        [".env.production", ".env"]
    );
    assert_eq!(files("dotenv -- prisma migrate deploy"), [".env"]);
    assert_eq!(
        files("dotenvx run -f .env.prod -- prisma migrate deploy"),
        [".env.prod"]
    );
    assert!(files("env A=1 prisma migrate deploy").is_empty());
    // Inner commands of a string inherit them.
    let all = commands("dotenv -e .env.ci -- sh -c 'prisma migrate deploy'");
    assert_eq!(all[0].env_files[0].text, ".env.ci");
}

#[test]
fn arrays_and_tests_are_not_commands() {
    let table: &[(&str, &[&str])] = &[
        ("PIDS+=($!); wait", &["wait"]),
        ("PIDS=(\"${PIDS[@]:1}\") && dropdb app", &["dropdb app"]),
        ("A=(a b c)", &[]),
        ("A=($(dropdb app))", &["dropdb app"]),
        (
            "[[ ${#v} -eq 32 || \"${v}\" =~ ^x$ ]] && echo ok",
            &["[[ ${#v} -eq 32 || ${v} =~ ^x$ ]]", "echo ok"],
        ),
        (
            "[[ -f a && ! -d b ]] || dropdb app",
            &["[[ -f a && ! -d b ]]", "dropdb app"],
        ),
        (
            "echo a && echo '[['; dropdb x",
            &["echo a", "echo [[", "dropdb x"],
        ),
    ];
    check_table(table);
}
