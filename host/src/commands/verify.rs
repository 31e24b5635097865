//! `drift-host verify`: the repository's migrations applied to a real
//! PostgreSQL (see [`crate::verify`]), reported like `run`'s findings,
//! with `run`'s exit codes.

use std::io::Write;

use anyhow::Result;

use super::use_color;
use crate::cli::{Deny, VerifyArgs};
use crate::output;
use crate::setup::{load_config, resolve_root};
use crate::snapshot::{Dialects, Filter, Snapshot, Source};

pub fn verify(args: &VerifyArgs, stdout: &mut dyn Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let config = load_config(args.config.as_deref(), &root)?;
    let filter = Filter::new(&config.include, &config.exclude)?;
    let source = match &args.base {
        Some(base) => Source::Base(base.clone()),
        None => Source::WorkingTree,
    };
    // What discovery and the replay read: schemas, configs, migrations.
    let wanted: Vec<String> = ["**/*.sql", "**/*.prisma", "**/migration_lock.toml"]
        .iter()
        .chain(drift_syntax::prisma_config::GLOBS)
        .map(|g| (*g).to_owned())
        .collect();
    let mut snapshot = Snapshot::take(&root, &source, &filter, config.max_file_size, &wanted)?;
    snapshot.dialects = Dialects::new(&config.dialects)?;
    let options = crate::verify::Options {
        pg_bin: args.pg_bin.clone(),
        database_url: args.database_url.clone(),
        allow_remote: args.allow_remote,
    };
    let report = crate::verify::verify(&snapshot, &config, &options);
    if crate::verify::server::interrupted() {
        // The signal handler is stopping the server and exits with 130.
        loop {
            std::thread::park();
        }
    }
    let report = report?;
    if args.timings {
        #[allow(clippy::print_stderr)]
        {
            for (phase, took) in &report.timings {
                eprintln!("timing {phase} {:.3} ms", took.as_secs_f64() * 1e3);
            }
        }
    }
    let style = output::Style {
        color: use_color(args.color, {
            use std::io::IsTerminal;
            std::io::stdout().is_terminal()
        }),
        quiet: args.quiet,
        all: false,
    };
    output::render(args.format, &report, style, stdout)?;
    Ok(super::run::exit_code(
        &report,
        args.deny == Some(Deny::Warnings),
    ))
}
