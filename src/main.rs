//! The `walkaway` binary: parse the command line, run it, print its error once
//! and exit with its code (DESIGN §6).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = walkaway::cli::Cli::parse();
    match walkaway::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            walkaway::terminal::print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
