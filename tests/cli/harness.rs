//! Test harness: temporary repositories with real git history, the
//! `drift-host` binary, and test plugins built from source.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A temporary repository.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// An empty folder (no git).
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("drift-test")
                .tempdir()
                .expect("tempdir"),
        }
    }

    /// A folder holding a copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let repo = Self::new();
        copy_dir(&fixtures_dir().join(name), repo.path());
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
        self
    }

    /// Writes a complete CLAUDE.md (the `agent-guidance` rule's required
    /// section), as a repository that follows the rules has: tests of other
    /// rules then see only their own findings, with nothing filtered out.
    pub fn with_agent_instructions(&self) -> &Self {
        let claude = std::fs::read_to_string(fixtures_dir().join("numbering-clean/CLAUDE.md"))
            .expect("the clean fixture's CLAUDE.md");
        self.write("CLAUDE.md", claude)
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).expect("remove");
        self
    }

    /// Runs git in the repository, with a fixed identity and dates so
    /// history is reproducible.
    pub fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `git init` on branch main, with everything committed.
    pub fn init_git(&self) -> &Self {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["config", "core.autocrlf", "false"]);
        self.commit_all("initial");
        self
    }

    pub fn commit_all(&self, message: &str) -> &Self {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self
    }

    /// Runs drift-host with `args` in this repository.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// The result of one drift-host invocation.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// `rule/check` of every finding, in output order.
    pub fn checks(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                format!(
                    "{}/{}",
                    f["rule"].as_str().unwrap_or(""),
                    f["check"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    /// `rule/check path` of every finding, in output order.
    pub fn located(&self) -> Vec<String> {
        let paths = self.listed("findings", &["path"]);
        self.checks()
            .into_iter()
            .zip(paths)
            .map(|(check, path)| format!("{check} {path}"))
            .collect()
    }

    /// The findings under `key` of the JSON report (`findings`,
    /// `preexisting`, `history`), each as its `fields` joined by spaces.
    pub fn listed(&self, key: &str, fields: &[&str]) -> Vec<String> {
        self.json()[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|f| {
                fields
                    .iter()
                    .map(|k| f[*k].as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn errors(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                format!(
                    "{} `{}`: {}",
                    e["kind"].as_str().unwrap_or(""),
                    e["subject"].as_str().unwrap_or(""),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with_env(dir, args, &[])
}

/// Runs drift-host with extra environment variables (the GitHub ones are
/// otherwise removed, so tests behave the same inside GitHub Actions).
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_with_stdin(dir, args, env, None)
}

/// Runs drift-host with extra environment variables and `stdin` fed to it.
/// Variables that would change a guard's verdict (the database URL, the
/// override) are removed unless `env` sets them.
pub fn run_with_stdin(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drift-host"));
    cmd.current_dir(dir)
        .args(args)
        .env("DRIFT_HOST_CACHE_DIR", cache_dir())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("DATABASE_URL")
        .env_remove("DIRECT_URL")
        .env_remove("PGHOST")
        .env_remove("PGHOSTADDR")
        .env_remove("PGSERVICE")
        // The machine's libpq service files are not the test's.
        .env("PGSERVICEFILE", "/nonexistent/drift-test/pg_service.conf")
        .env("PGSYSCONFDIR", "/nonexistent/drift-test")
        .env_remove("CLAUDE_CODE_ENTRYPOINT")
        .env_remove("DRIFT_GUARD_OVERRIDE")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().expect("drift-host starts");
    let input = child.stdin.take().expect("stdin");
    let feeder = stdin.map(str::to_owned);
    let writer = std::thread::spawn(move || {
        let mut input = input;
        if let Some(text) = feeder {
            // A closed pipe (drift-host did not read) is not the test's failure.
            let _ = input.write_all(text.as_bytes());
        }
    });
    let output: Output = child.wait_with_output().expect("drift-host runs");
    writer.join().expect("stdin writer");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked at") && !run.stdout.contains("RUST_BACKTRACE"),
        "drift-host panicked:\n{run:?}"
    );
    run
}

/// One compiled-plugin cache for the whole test run (tests that measure the
/// cache use their own).
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("drift-cache")
}

pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

pub fn fixtures_dir() -> PathBuf {
    workspace_dir().join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Builds a wasm32-wasip2 plugin crate of this workspace from source (once
/// per test run) and returns the component's path.
pub fn build_plugin(package: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> =
        OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = built.get(package) {
        return path.clone();
    }
    let workspace = workspace_dir();
    // The same nested target folder build.rs uses: separate from the outer
    // one (whose lock `cargo test` holds), shared so it is built only once.
    let target_dir = workspace.join("target/wasm-plugins");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&workspace)
        .args([
            "build",
            "--profile",
            "plugin",
            "--target",
            "wasm32-wasip2",
            "-p",
            package,
            "--target-dir",
        ])
        .arg(&target_dir);
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "building {package} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = target_dir
        .join("wasm32-wasip2/plugin")
        .join(format!("{}.wasm", package.replace('-', "_")));
    assert!(path.is_file(), "{} missing", path.display());
    built.insert(package.to_owned(), path.clone());
    path
}

pub fn sha256(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("read");
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Copies the probe plugin into `repo` and writes a rules.toml enabling it
/// with `mode` plus extra TOML lines.
pub fn with_probe(repo: &Repo, mode: &str, extra: &str) {
    let wasm = build_plugin("sandbox-probe");
    std::fs::copy(&wasm, repo.path().join("probe.wasm")).expect("copy probe");
    let sha = sha256(&wasm);
    repo.write(
        "rules.toml",
        format!(
            "{extra}\n[plugins.sandbox-probe]\npath = \"probe.wasm\"\nsha256 = \"{sha}\"\noptions = {{ mode = \"{mode}\" }}\n"
        ),
    );
}

/// Set by `.ci/run`: a missing PostgreSQL fails the tests that need one
/// instead of skipping them.
pub const REQUIRE_POSTGRES: &str = "DRIFT_REQUIRE_POSTGRES";

/// PostgreSQL's server binaries, or `None` after one line saying the test
/// skipped (a panic instead when `DRIFT_REQUIRE_POSTGRES` is set).
pub fn postgres() -> Option<drift_host::verify::server::Binaries> {
    match drift_host::verify::server::find_binaries(None) {
        Ok(found) => Some(found),
        Err(why) => {
            assert!(
                std::env::var_os(REQUIRE_POSTGRES).is_none_or(|v| v.is_empty()),
                "{REQUIRE_POSTGRES} is set but {why}"
            );
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: needs PostgreSQL's server binaries ({why}; {REQUIRE_POSTGRES}=1 makes them mandatory)"
            );
            None
        }
    }
}
