//! The `argo-kedro` command: compile Kedro pipelines into Argo Workflows.
//!
//! This binary only composes the library crates; errors are rendered here
//! and nowhere else (`error:` / `Caused by:` / `hint:`).
#![forbid(unsafe_code)]

mod cli;
mod cluster;
mod commands;
mod discover;
mod error;
mod exporter;
mod fsutil;
mod image;
mod output;
mod project;
mod size;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the C library's allocator: the compile of a large pipeline allocates
/// many small strings and maps, and spends about a quarter less time with it (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    output::configure(&cli.global);
    let json_errors = cli.command.wants_json();
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::render_error(&err, json_errors);
            ExitCode::from(err.exit_code())
        }
    }
}
