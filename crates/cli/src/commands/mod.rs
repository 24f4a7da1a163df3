//! One module per subcommand; [`run`] dispatches.

mod compile;
mod export;
mod init;
mod lint;
mod logs;
mod plan;
mod resubmit;
mod run_local;
mod schedule;
mod status;
mod submit;
mod watch;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command line.
pub(crate) fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Export(args) => export::run(&cli.global, args),
        Command::Init(args) => init::run(&cli.global, args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "argo-kedro", &mut script);
            crate::output::stdout(&String::from_utf8_lossy(&script))
        }
        Command::Lint(args) => lint::run(args),
        Command::Compile(args) => compile::run(&cli.global, args),
        Command::Plan(args) => plan::run(&cli.global, args),
        Command::RunLocal(args) => run_local::run(&cli.global, args),
        Command::Submit(args) => submit::run(&cli.global, args),
        Command::Resubmit(args) => resubmit::run(&cli.global, args),
        Command::Schedule(args) => schedule::run(&cli.global, args),
        Command::Status(args) => status::run(&cli.global, args),
        Command::Watch(args) => watch::run(&cli.global, args),
        Command::Logs(args) => logs::run(&cli.global, args),
        Command::List(args) => status::list(&cli.global, args),
        Command::Stop(args) => status::shutdown(&cli.global, args, argo_client::Shutdown::Stop),
        Command::Terminate(args) => {
            status::shutdown(&cli.global, args, argo_client::Shutdown::Terminate)
        }
    }
}
