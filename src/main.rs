//! The `walkaway` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    walkaway::cli::run(walkaway::cli::Cli::parse())
}
