//! A test plugin that misbehaves on request (`mode` option), so the host's
//! sandbox and failure handling are tested against a real component built
//! from source in the test run.
//!
//! Modes: `ok` (one finding per `.probe` file), `loop`, `alloc` (gigabytes),
//! `recursion`, `panic`, `read-file`, `network`, `env`, `clock`, `undeclared-check`,
//! `bad-span`, `bad-path`, `flood` (`count` findings), `huge-string` (a
//! 100 MB message), `residue` (memory isolation between calls, below).
//!
//! Its command check (`drift-host guard`) misbehaves in the same modes
//! (`loop`, `panic`, `bad-span` as a range past the command's end), and in
//! `env` reports what it can see: the declared `PROBE_VISIBLE` variable
//! and files, and the process environment (which the sandbox empties).

use drift_sdk::{
    CommandFinding, CommandInput, CommandNeeds, Finding, Input, Metadata, Rule, Scope, Span,
};

#[derive(Default)]
struct Probe;

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Options {
    mode: Mode,
    count: u32,
    /// A free-form string the probe ignores: any value is valid.
    #[allow(dead_code)]
    label: String,
}

#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    #[default]
    Ok,
    Loop,
    Alloc,
    Recursion,
    Panic,
    ReadFile,
    Network,
    Env,
    Clock,
    UndeclaredCheck,
    BadSpan,
    BadPath,
    Flood,
    HugeString,
    Residue,
}

/// `residue` mode: the host recycles linear memories from call to call, and
/// each call must still see what a fresh memory shows. The plugin grows its
/// memory, checks that the new pages are zero (the wasm spec's promise),
/// and dirties them for whichever call gets this memory next. A chunk that
/// holds `out-of-bounds.probe` instead grows nothing and reads past its
/// memory's end, into bytes an earlier, larger call could touch: that must
/// still trap.
#[cfg(target_family = "wasm")]
fn residue(files: &[&str]) -> Result<&'static str, &'static str> {
    use core::arch::wasm32::{memory_grow, memory_size};
    const PAGE: usize = 65536;
    /// Grown by each call: 4 MiB.
    const RESIDUE_PAGES: usize = 64;
    if files.iter().any(|p| p.ends_with("out-of-bounds.probe")) {
        let past_end = (memory_size(0) * PAGE + 4096) as *const u8;
        // SAFETY: none: this load must trap, which ends the call.
        #[allow(unsafe_code)]
        let byte = unsafe { core::ptr::read_volatile(past_end) };
        std::hint::black_box(byte);
        return Err("read past the end of memory without a trap");
    }
    let old = memory_grow(0, RESIDUE_PAGES);
    if old == usize::MAX {
        return Err("memory.grow failed");
    }
    // Pages fresh from memory.grow belong to no Rust allocation: the plugin
    // owns them outright.
    #[allow(unsafe_code)]
    let fresh =
        unsafe { std::slice::from_raw_parts_mut((old * PAGE) as *mut u8, RESIDUE_PAGES * PAGE) };
    let clean = fresh.iter().all(|&b| b == 0);
    fresh.fill(0xAB);
    Ok(if clean {
        "grown memory was zero"
    } else {
        "residue: grown memory was not zero"
    })
}

#[cfg(not(target_family = "wasm"))]
fn residue(_files: &[&str]) -> Result<&'static str, &'static str> {
    Err("only meaningful in wasm")
}

#[inline(never)]
fn recurse(n: u64) -> u64 {
    let local = std::hint::black_box([n; 16]);
    if std::hint::black_box(n) == u64::MAX {
        return local[0];
    }
    recurse(n + 1).wrapping_add(local[n as usize % 16])
}

drift_sdk::checks! {
    /// The checks of this rule.
    pub enum Check {
        /// A .probe file was seen.
        Seen = ("seen", Warning, "a .probe file was seen"),
        /// What the sandbox let the plugin observe.
        Observed = ("observed", Info, "what the sandbox let the plugin observe"),
    }
}

impl Rule for Probe {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new("sandbox-probe", "test plugin that misbehaves on request")
            .include(["**/*.probe"])
            .scope(Scope::PerFile)
    }

    fn command_needs(&self, _options: &Options) -> CommandNeeds {
        CommandNeeds::default().env(["PROBE_VISIBLE"]).files([
            "probe.txt",
            "../outside.txt",
            "/etc/passwd",
        ])
    }

    fn check_command(&self, input: &CommandInput, options: &Options) -> Vec<CommandFinding> {
        let all = 0..input.command.len();
        match options.mode {
            Mode::Loop => loop {
                std::hint::black_box(&input.command);
            },
            Mode::Panic => panic!("probe panicked on purpose"),
            Mode::BadSpan => vec![CommandFinding::new(
                Check::Seen,
                0..input.command.len() + 10,
                "x",
            )],
            Mode::Env => {
                let env: Vec<String> = input.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let files: Vec<&str> = input.files.iter().map(|f| f.path.as_str()).collect();
                vec![CommandFinding::new(
                    Check::Observed,
                    all,
                    format!(
                        "env [{}], files [{}], {} process env vars",
                        env.join(", "),
                        files.join(", "),
                        std::env::vars().count()
                    ),
                )]
            }
            _ => Vec::new(),
        }
    }

    fn check(&self, input: &Input, options: &Options) -> Vec<Finding> {
        let mut findings = Vec::new();
        let first = input
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default();
        match options.mode {
            Mode::Ok => {}
            Mode::Loop => {
                let mut x: u64 = 0;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            Mode::Alloc => {
                let mut blocks: Vec<Vec<u8>> = Vec::new();
                loop {
                    blocks.push(vec![1u8; 256 * 1024 * 1024]);
                    std::hint::black_box(&blocks);
                }
            }
            Mode::Recursion => {
                let n = recurse(0);
                findings.push(Finding::new(Check::Observed, &first, format!("{n}")));
            }
            Mode::Panic => panic!("probe panicked on purpose"),
            Mode::ReadFile => {
                let result = std::fs::read_to_string("/etc/passwd")
                    .or_else(|_| std::fs::read_to_string("rules.toml"));
                let message = match result {
                    Ok(_) => "read a file".to_owned(),
                    Err(e) => format!("file read denied: {}", e.kind()),
                };
                findings.push(Finding::new(Check::Observed, &first, message));
            }
            Mode::Network => {
                // A TCP connection and a DNS lookup, both through WASI sockets.
                let tcp = match std::net::TcpStream::connect(("127.0.0.1", 9)) {
                    Ok(_) => "connected".to_owned(),
                    Err(e) => format!("denied ({:?})", e.kind()),
                };
                let dns = match std::net::ToSocketAddrs::to_socket_addrs(&("example.com", 80)) {
                    Ok(_) => "resolved".to_owned(),
                    Err(e) => format!("denied ({:?})", e.kind()),
                };
                findings.push(Finding::new(
                    Check::Observed,
                    &first,
                    format!("network: tcp {tcp}, dns {dns}"),
                ));
            }
            Mode::Env => {
                let vars = std::env::vars().count();
                let args = std::env::args().count();
                findings.push(Finding::new(
                    Check::Observed,
                    &first,
                    format!("{vars} env vars, {args} args"),
                ));
            }
            Mode::Clock => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(u64::MAX);
                findings.push(Finding::new(
                    Check::Observed,
                    &first,
                    format!("clock reads {now}"),
                ));
            }
            // Typed checks make this impossible by accident: spelled out.
            Mode::UndeclaredCheck => findings.push(Finding {
                check: "nope".to_owned(),
                ..Finding::new(Check::Seen, &first, "x")
            }),
            Mode::BadSpan => {
                findings.push(Finding::new(Check::Seen, &first, "x").span(Span::line(0, 0, 0)))
            }
            Mode::BadPath => findings.push(Finding::new(Check::Seen, "../outside", "x")),
            Mode::HugeString => {
                let huge = "x".repeat(100 * 1024 * 1024);
                findings.push(Finding::new(Check::Seen, &first, huge));
            }
            Mode::Residue => {
                let paths: Vec<&str> = input.files.iter().map(|f| f.path.as_str()).collect();
                match residue(&paths) {
                    Ok(verdict) => findings.extend(
                        paths
                            .iter()
                            .map(|p| Finding::new(Check::Observed, p, verdict.to_owned())),
                    ),
                    Err(message) => panic!("{message}"),
                }
                return findings;
            }
            Mode::Flood => {
                for i in 0..options.count {
                    findings.push(Finding::new(Check::Seen, &first, format!("finding {i}")));
                }
            }
        }
        for (file, text) in input.text_files() {
            if let Some(at) = text.find("probe") {
                findings.push(
                    Finding::new(Check::Seen, &file.path, "probe file seen")
                        .span(Span::of_range(text, at..at + 5))
                        .help("nothing to do: this is a test plugin"),
                );
            }
        }
        findings
    }
}

drift_sdk::register_rule!(Probe);
