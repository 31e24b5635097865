//! The `drift-host` binary: parse arguments, run, map the result to an exit
//! code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use drift_host::cli::{Cli, Command};
use drift_host::commands::{self, exit};

/// mimalloc rather than glibc's malloc: the run is thousands of small
/// allocations on several threads (paths, texts, syntax trees), where
/// glibc's per-thread arenas grow their heaps a page at a time with
/// `mprotect` (736 calls on 2,000 migrations) and each call takes the
/// address-space lock. 0.85-0.91x the wall time for about 37 MB more peak
/// memory on the largest benchmark: bench/NOTEBOOK.md ("Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Line-buffered stdout would make one write(2) per line of output;
    // thousands of findings render as one buffered stream instead.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let result = match &cli.command {
        Command::Run(args) => commands::run::run(args, &mut stdout),
        Command::Rules(args) => commands::rules::rules(args, &mut stdout),
        Command::Explain(args) => commands::explain::explain(args, &mut stdout),
        Command::Schema => commands::schema::schema(&mut stdout),
        Command::NewRule(args) => commands::new_rule::new_rule(args, &mut stdout),
        Command::Pin(args) => commands::pin::pin(args, &mut stdout),
        Command::Baseline(args) => commands::baseline::baseline(args, &mut stdout),
        Command::Init(args) => commands::init::init(args, &mut stdout),
        Command::Verify(args) => commands::verify::verify(args, &mut stdout),
        Command::Guard(args) => {
            commands::guard::guard(args, &mut std::io::stdin().lock(), &mut stdout)
        }
    };
    let flushed = std::io::Write::flush(&mut stdout);
    let result = result.and_then(|code| {
        flushed.map_err(|e| anyhow::anyhow!("cannot write the output: {e}"))?;
        Ok(code)
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // `{:#}` prints the context chain on one line: what was being
            // done, then why it failed.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(exit::FAILURE)
        }
    }
}
