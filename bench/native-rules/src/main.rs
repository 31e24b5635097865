//! The SQL rules compiled natively, for comparison with the WASM path
//! (bench/sql-rules.sh). Reads every `.sql` file under a folder, parses each
//! once, runs the rules' logic in-process on one thread, and prints the
//! time of each phase as `timing <phase> <ms> ms` (the format of
//! `drift-host run --timings`).
//!
//!     cargo run --release -p bench-native-rules -- DIR [--packed]
//!
//! By default the rules get navigable trees, as their unit tests do: the
//! rule logic alone. With `--packed` they get each tree in the form it
//! crosses into the sandbox (`drift_sdk::sql::parse_packed`), which the
//! SDK lifts on first use as it does in a plugin: that splits the WASM
//! path's extra cost into the lift, which native code pays too, and the
//! rest (copies into the sandbox, instances, code generation).

use std::time::Instant;

use drift_sdk::testing::InputBuilder;

/// The allocator of the `drift-host` binary, so that the comparison is of
/// the rule logic only.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let packed = args.iter().any(|a| a == "--packed");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| ".".to_owned());
    let started = Instant::now();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if entry.path().extension().is_some_and(|e| e == "sql") {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            files.push((
                rel.to_string_lossy().into_owned(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    let read = started.elapsed();
    let parse_start = Instant::now();
    let mut builder = InputBuilder::new();
    for (path, text) in &files {
        builder = if packed {
            builder.file(path, text)
        } else {
            builder.sql_file(path, text)
        };
    }
    let mut input = builder.build();
    if packed {
        for file in &mut input.files {
            if let drift_sdk::Content::Text(text) = &file.content {
                let (nodes, errors) = drift_sdk::sql::parse_packed(text);
                file.sql = Some(drift_sdk::sql::SqlTree::packed(
                    nodes,
                    drift_sdk::sql::kind_names,
                    errors,
                ));
            }
        }
    }
    let parse = parse_start.elapsed();
    let rules_start = Instant::now();
    let mut findings = 0;
    findings += drift_sdk::testing::run(&drift_rule_idempotency::Idempotency, &input, "{}")
        .map_or(0, |f| f.len());
    findings += drift_sdk::testing::run(&drift_rule_destructive_sql::DestructiveSql, &input, "{}")
        .map_or(0, |f| f.len());
    let rules = rules_start.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    #[allow(clippy::print_stderr)]
    {
        eprintln!("timing read {:.3} ms", ms(read));
        eprintln!("timing parse-sql {:.3} ms", ms(parse));
        eprintln!("timing rules {:.3} ms", ms(rules));
        eprintln!("findings {findings}");
    }
}
