//! `walkaway completions SHELL`: shell completions, generated from the command
//! line's definitions.

use crate::error::Error;
use crate::{cli, terminal};

pub fn run(shell: clap_complete::Shell) -> Result<(), Error> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "walkaway", &mut buf);
    terminal::print_stdout(&String::from_utf8_lossy(&buf))
}
