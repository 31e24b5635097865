//! The store a plugin runs in: no capabilities, bounded time and memory.
//!
//! Every call gets a fresh store (≈13 µs with a pre-instantiated component),
//! so a trap can never leave a half-mutated instance behind and no state leaks
//! between batches. WASI is linked because Rust's std imports it, but the
//! context is bare: no preopened folders, no environment, no arguments, no
//! sockets; clocks are frozen at the epoch and randomness is a fixed-seed
//! generator, so a plugin cannot observe time or produce run-to-run noise
//! (std's `HashMap` seeds itself from WASI randomness; fixing the seed keeps
//! plugin output deterministic).

use wasmtime::{ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{ResourceTable, WasiCtx, WasiCtxView, WasiView};

/// Fixed seed for the guest's "random" numbers (ASCII `drift`).
const SEED: u64 = 0x0064_7269_6674;

/// How much of a plugin's stderr we keep for error messages.
const STDERR_CAPACITY: usize = 64 * 1024;

pub struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
    pub stderr: MemoryOutputPipe,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").finish_non_exhaustive()
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

struct FrozenClock;

impl wasmtime_wasi::HostWallClock for FrozenClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }
    fn now(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

impl wasmtime_wasi::HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// A new store for one call, with `memory_mib` of linear memory at most and
/// an epoch deadline of `ticks` ticks.
pub fn store(engine: &wasmtime::Engine, memory_mib: u64, ticks: u64) -> Store<State> {
    use rand::SeedableRng;
    let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
    let wasi = WasiCtx::builder()
        .stderr(stderr.clone())
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        .secure_random(rand::rngs::StdRng::seed_from_u64(SEED))
        .insecure_random(rand::rngs::StdRng::seed_from_u64(SEED))
        .insecure_random_seed(0)
        .build();
    let bytes = usize::try_from(memory_mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
    let limits = StoreLimitsBuilder::new()
        .memory_size(bytes)
        .table_elements(1_000_000)
        .instances(64)
        .tables(64)
        .memories(16)
        .trap_on_grow_failure(true)
        .build();
    let mut store = Store::new(
        engine,
        State {
            wasi,
            table: ResourceTable::new(),
            limits,
            stderr,
        },
    );
    store.limiter(|state| &mut state.limits as &mut dyn ResourceLimiter);
    store.set_epoch_deadline(ticks);
    store.epoch_deadline_trap();
    store
}

/// Largest SQL text `parse-sql` parses: commands and snippets, not files
/// (those the host parses itself); parsing runs outside the plugin's time
/// budget, so its size is bounded here.
const MAX_PARSE_SQL: usize = 1024 * 1024;

impl crate::wire::bindings::v0_6_0::drift::rule::host::Host for State {
    fn parse_sql(&mut self, text: String) -> crate::wire::SqlTree {
        parse_sql(&text)
    }

    fn sql_kind_names(&mut self) -> String {
        kind_names()
    }
}

/// 0.5.0 plugins: the same functions, in 0.5.0's (identical) records.
impl crate::wire::bindings::v0_5_0::drift::rule::host::Host for State {
    fn parse_sql(
        &mut self,
        text: String,
    ) -> crate::wire::bindings::v0_5_0::drift::rule::types::SqlTree {
        super::compat::v5::tree_to(&parse_sql(&text))
    }

    fn sql_kind_names(&mut self) -> String {
        kind_names()
    }
}

/// 0.4.0 plugins: the same functions, in 0.4.0's (identical) records.
impl crate::wire::bindings::v0_4_0::drift::rule::host::Host for State {
    fn parse_sql(
        &mut self,
        text: String,
    ) -> crate::wire::bindings::v0_4_0::drift::rule::types::SqlTree {
        super::compat::v4::tree_to(&parse_sql(&text))
    }

    fn sql_kind_names(&mut self) -> String {
        kind_names()
    }
}

/// The kind-name table, joined once per process.
fn kind_names() -> String {
    static JOINED: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| drift_syntax::sql::kind_names().join("\n"));
    JOINED.clone()
}

/// 0.3.0 plugins: the same parse, with the tree's own kind-name table.
impl crate::wire::bindings::v0_3_0::drift::rule::host::Host for State {
    fn parse_sql(
        &mut self,
        text: String,
    ) -> crate::wire::bindings::v0_3_0::drift::rule::types::SqlTree {
        super::compat::v3::tree_to(&parse_sql(&text))
    }
}

fn parse_sql(text: &str) -> crate::wire::SqlTree {
    // A bare root, as the parser gives for text it refuses.
    let failed = |message: String| crate::wire::SqlTree {
        nodes: vec![drift_syntax::sql::SOURCE_FILE_KIND, 0, 0, 0],
        errors: vec![crate::wire::SqlError {
            message,
            start: 0,
            end: 0,
        }],
    };
    if text.len() > MAX_PARSE_SQL {
        return failed(format!(
            "not parsed: {} bytes is over the {MAX_PARSE_SQL}-byte limit of parse-sql",
            text.len()
        ));
    }
    crate::sql::parse(text).unwrap_or_else(failed)
}
