//! The `walkaway` binary: parse the command line, run it, print its error once
//! and exit with its code (DESIGN §6).

use std::process::ExitCode;

use clap::Parser;

// mimalloc rather than the system allocator: building a pack allocates many
// short-lived strings and maps on every core (README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
