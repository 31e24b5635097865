//! A throwaway PostgreSQL server: found, initialised in a fresh temporary
//! folder with fast and unsafe settings, reachable only through a Unix
//! socket, and always stopped and removed.
//!
//! "Always" covers the ways a run ends: [`Server`]'s `Drop` (success,
//! errors, panics), Ctrl-C and SIGTERM (a handler stops every live server
//! and removes its folder before the process exits), and even SIGKILL of
//! drift-host (the postmaster is started with Linux's parent-death signal,
//! so it shuts itself down). The server runs as the `postgres` user (else
//! `nobody`) when drift-host runs as root, since PostgreSQL refuses root.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The server binaries, and where they were found.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
}

/// Finds `initdb` and `postgres`: in `dir` when given, else on `PATH`,
/// else in the highest `/usr/lib/postgresql/<version>/bin`.
pub fn find_binaries(dir: Option<&Path>) -> Result<Binaries, String> {
    let pair = |dir: &Path| {
        let initdb = dir.join("initdb");
        let postgres = dir.join("postgres");
        (initdb.is_file() && postgres.is_file()).then_some(Binaries { initdb, postgres })
    };
    if let Some(dir) = dir {
        return pair(dir).ok_or_else(|| {
            format!(
                "--pg-bin {}: no `initdb` and `postgres` there",
                dir.display()
            )
        });
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if let Some(found) = pair(&dir) {
                return Ok(found);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions
        .iter()
        .rev()
        .find_map(|(_, dir)| pair(dir))
        .ok_or_else(|| "no PostgreSQL server binaries (`initdb`, `postgres`) found".to_owned())
}

/// The user the server runs as: `None` when drift-host is not root.
fn server_user() -> Option<(u32, u32, String)> {
    if current_uid() != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let find = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.first() != Some(&name) {
                return None;
            }
            let uid = fields.get(2)?.parse().ok()?;
            let gid = fields.get(3)?.parse().ok()?;
            Some((uid, gid, name.to_owned()))
        })
    };
    find("postgres").or_else(|| find("nobody"))
}

#[allow(unsafe_code)]
fn current_uid() -> u32 {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    unsafe { libc::geteuid() }
}

/// Servers alive in this process, for the signal handler.
static LIVE: Mutex<Vec<(u32, PathBuf)>> = Mutex::new(Vec::new());

/// Set by the signal handler before it stops anything.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once Ctrl-C or SIGTERM arrived: the handler is stopping the
/// servers and will exit with 130. What the interrupted work returns
/// (errors of a server going away) must not be reported or exit first.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Scratch databases alive on a `--database-url` server, with its
/// connection settings, for the signal handler to drop.
static SCRATCH: Mutex<Option<(postgres::Config, Vec<String>)>> = Mutex::new(None);

/// Makes the signal handler drop the scratch databases created on the
/// server of `config` (see [`scratch_created`]).
pub fn watch_scratch(config: postgres::Config) {
    install_signal_handler();
    if let Ok(mut scratch) = SCRATCH.lock() {
        *scratch = Some((config, Vec::new()));
    }
}

/// A scratch database is about to be created.
pub fn scratch_created(name: &str) {
    if let Ok(mut scratch) = SCRATCH.lock()
        && let Some((_, names)) = scratch.as_mut()
    {
        names.push(name.to_owned());
    }
}

/// A scratch database was dropped.
pub fn scratch_dropped(name: &str) {
    if let Ok(mut scratch) = SCRATCH.lock()
        && let Some((_, names)) = scratch.as_mut()
    {
        names.retain(|n| n != name);
    }
}

/// Installs the Ctrl-C/SIGTERM handler once: it drops the scratch
/// databases of a `--database-url` server, stops every live server and
/// removes its folder, and exits with 130.
fn install_signal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
            let scratch = SCRATCH.lock().ok().and_then(|mut s| s.take());
            if let Some((config, names)) = scratch
                && !names.is_empty()
                && let Ok(mut client) = config.connect(postgres::NoTls)
            {
                for name in names {
                    drop_scratch(&mut client, &name);
                }
            }
            let live = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
            for (pid, dir) in live {
                // 0: the folder exists but no server was started in it.
                if pid != 0 {
                    stop_pid(pid);
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
            #[allow(clippy::print_stderr)]
            {
                eprintln!("drift-host verify: interrupted; the throwaway server was stopped");
            }
            std::process::exit(130);
        });
    });
}

/// Asks the postmaster `pid` for a fast shutdown and waits for it (then
/// kills it): used by the signal handler, which does not own the `Child`.
fn stop_pid(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else {
        return;
    };
    signal(pid, libc::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if reaped(pid) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(pid, libc::SIGKILL);
    let _ = reaped(pid);
}

#[allow(unsafe_code)]
fn signal(pid: i32, sig: i32) {
    // SAFETY: kill(2) with a pid this process started; no memory involved.
    unsafe {
        libc::kill(pid, sig);
    }
}

/// True once the child `pid` has exited (and is reaped), or is not ours.
#[allow(unsafe_code)]
fn reaped(pid: i32) -> bool {
    let mut status = 0;
    // SAFETY: waitpid(2) on our own child with a valid status pointer.
    let r = unsafe { libc::waitpid(pid, &raw mut status, libc::WNOHANG) };
    r == pid || r == -1
}

/// A running throwaway server.
#[derive(Debug)]
pub struct Server {
    pub version: String,
    /// The temporary folder: data directory, socket, log.
    pub dir: PathBuf,
    child: Option<Child>,
    pub port: u16,
}

/// Where temporary folders go: `TMPDIR` unless a socket path there would
/// exceed the ~104-byte limit, else `/tmp`. `DRIFT_VERIFY_TMPDIR` wins
/// (tests use it to check that nothing is left behind).
fn temp_parent() -> PathBuf {
    if let Some(dir) = std::env::var_os("DRIFT_VERIFY_TMPDIR") {
        return PathBuf::from(dir);
    }
    let tmp = std::env::temp_dir();
    // `<tmp>/drift-verify-XXXXXXXX/.s.PGSQL.5432` must fit in sun_path.
    if tmp.as_os_str().len() + 40 < 100 {
        tmp
    } else {
        PathBuf::from("/tmp")
    }
}

impl Server {
    /// Initialises and starts a server with `binaries`.
    pub fn start(binaries: &Binaries) -> Result<Self> {
        install_signal_handler();
        let parent = temp_parent();
        let dir = (0..100)
            .find_map(|_| {
                let name = format!("drift-verify-{:08x}", rand::random::<u32>());
                let dir = parent.join(name);
                // Only the server's user may reach the socket: the server
                // trusts every connection.
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new()
                    .mode(0o700)
                    .create(&dir)
                    .ok()
                    .map(|()| dir)
            })
            .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
        // Registered before anything runs in it, so a signal removes it.
        if let Ok(mut live) = LIVE.lock() {
            live.push((0, dir.clone()));
        }
        let mut server = Server {
            version: String::new(),
            dir,
            child: None,
            port: 5432,
        };
        server.init_and_run(binaries)?;
        Ok(server)
    }

    fn init_and_run(&mut self, binaries: &Binaries) -> Result<()> {
        let user = server_user();
        if let Some((uid, gid, _)) = &user {
            std::os::unix::fs::chown(&self.dir, Some(*uid), Some(*gid)).with_context(|| {
                format!("cannot hand {} to the server user", self.dir.display())
            })?;
        }
        let as_user = |command: &mut Command| {
            use std::os::unix::process::CommandExt;
            if let Some((uid, gid, _)) = &user {
                command.uid(*uid).gid(*gid);
            }
        };
        let data = self.dir.join("data");
        let mut initdb = Command::new(&binaries.initdb);
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .current_dir(&self.dir);
        as_user(&mut initdb);
        let out = initdb
            .output()
            .with_context(|| format!("cannot run {}", binaries.initdb.display()))?;
        if !out.status.success() {
            bail!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let version = Command::new(&binaries.postgres)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        self.version = version
            .strip_prefix("postgres (PostgreSQL) ")
            .unwrap_or(&version)
            .to_owned();
        let log = std::fs::File::create(self.dir.join("server.log"))?;
        if let Some((uid, gid, _)) = &user {
            std::os::unix::fs::chown(self.dir.join("server.log"), Some(*uid), Some(*gid))?;
        }
        let mut postgres = Command::new(&binaries.postgres);
        postgres
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&self.dir)
            .args([
                "-c",
                "listen_addresses=",
                "-p",
                &self.port.to_string(),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=20",
                "-c",
                "unix_socket_permissions=0700",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .current_dir(&self.dir);
        as_user(&mut postgres);
        die_with_parent(&mut postgres);
        let child = postgres
            .spawn()
            .with_context(|| format!("cannot run {}", binaries.postgres.display()))?;
        if let Ok(mut live) = LIVE.lock()
            && let Some(entry) = live.iter_mut().find(|(_, d)| *d == self.dir)
        {
            entry.0 = child.id();
        }
        self.child = Some(child);
        self.wait_ready()
    }

    /// Waits until the server accepts connections (its socket answers).
    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(child) = &mut self.child
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                bail!(
                    "the server exited ({status}) while starting:\n{}",
                    log.trim()
                );
            }
            if self.connect("postgres").is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the server did not accept connections within 30 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The connection settings of database `db`.
    pub fn config(&self, db: &str) -> postgres::Config {
        let mut config = postgres::Config::new();
        config
            .host_path(&self.dir)
            .port(self.port)
            .user("postgres")
            .dbname(db)
            .connect_timeout(Duration::from_secs(10));
        config
    }

    pub fn connect(&self, db: &str) -> Result<postgres::Client, postgres::Error> {
        self.config(db).connect(postgres::NoTls)
    }

    /// Stops the server and removes its folder.
    pub fn stop(&mut self) {
        // Out of the handler's reach first: it must not signal a pid this
        // thread is about to reap.
        if let Ok(mut live) = LIVE.lock()
            && let Some(entry) = live.iter_mut().find(|(_, d)| *d == self.dir)
        {
            entry.0 = 0;
        }
        if let Some(mut child) = self.child.take() {
            if let Ok(pid) = i32::try_from(child.id()) {
                signal(pid, libc::SIGINT);
            }
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|(_, d)| *d != self.dir);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes the child receive SIGQUIT (PostgreSQL's immediate shutdown) when
/// the thread that started it dies, however drift-host ends.
#[allow(unsafe_code)]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl(2) is async-signal-safe and touches no memory of the
    // parent; the closure runs in the child between fork and exec.
    unsafe {
        command.pre_exec(|| {
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT);
            Ok(())
        });
    }
}

/// Drops scratch database `name`, disconnecting whoever is still on it;
/// best effort (the caller is cleaning up).
pub fn drop_scratch(admin: &mut postgres::Client, name: &str) {
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
}
