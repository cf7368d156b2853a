//! `walkaway man`: the man page (roff), generated from the command line's
//! definitions: synopsis, options, every subcommand, exit status.

use crate::error::Error;
use crate::{cli, terminal};

pub fn run() -> Result<(), Error> {
    terminal::print_stdout(&page().map_err(Error::Failure)?)
}

/// walkaway(1).
pub fn page() -> Result<String, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cli::command())
        .render(&mut out)
        .map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_man_page_names_every_subcommand_and_the_exit_codes() {
        let page = super::page().expect("renders");
        assert!(page.contains(".TH walkaway 1"), "{page}");
        for sub in crate::cli::command().get_subcommands() {
            let name = format!("walkaway\\-{}", sub.get_name());
            assert!(page.contains(&name), "no entry for {name}:\n{page}");
        }
        assert!(page.contains("Exit codes"), "{page}");
    }
}
