//! One module per subcommand; [`run`] dispatches.

mod compile;
mod export;
mod init;
mod lint;
mod plan;
mod run_local;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command line.
pub(crate) fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Export(args) => export::run(&cli.global, args),
        Command::Init(args) => init::run(&cli.global, args),
        Command::Lint(args) => lint::run(args),
        Command::Compile(args) => compile::run(&cli.global, args),
        Command::Plan(args) => plan::run(&cli.global, args),
        Command::RunLocal(args) => run_local::run(&cli.global, args),
    }
}
