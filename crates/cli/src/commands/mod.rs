//! One module per subcommand; [`run`] dispatches.

mod export;
mod init;
mod lint;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command line.
pub(crate) fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Export(args) => export::run(&cli.global, args),
        Command::Init(args) => init::run(&cli.global, args),
        Command::Lint(args) => lint::run(args),
    }
}
