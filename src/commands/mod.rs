//! The subcommands, one file each. Each resolves its settings, calls the
//! pipeline, prints through `terminal`, and returns `Ok` or the one `Error`
//! that `main` prints.

mod build;
mod check;
mod completions;
mod init;
mod man;
mod schema;
mod send;
mod serve;
mod templates;
mod test;
mod watch;

use crate::cli::{Cli, Command};
use crate::error::Error;

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let Cli { command, common } = cli;
    match command {
        Command::Init { dir } => init::run(dir.as_deref()),
        Command::Check {
            briefs,
            json,
            explain,
            fail_on,
        } => check::run(&common, &briefs, check::Output { json, explain }, fail_on),
        Command::Render { briefs, out } => build::render(&common, &out, &briefs),
        Command::Build { dir, out } => build::build(&common, &out, dir.as_deref()),
        Command::Watch { dir, out, watch } => watch::run(&common, &out, dir, &watch),
        Command::Serve {
            dir,
            out,
            serve,
            watch,
        } => serve::run(&common, &out, dir, &serve, &watch),
        Command::Send {
            brief,
            yes,
            dry_run,
        } => send::run(&common, &brief, yes, dry_run),
        Command::Test { dir } => test::run(&common, dir.as_deref()),
        Command::Templates { action } => templates::run(&common, action),
        Command::Schema { kind } => schema::run(kind),
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(),
    }
}

/// Writes each `(name, text)` under `dir`, keeping a file that is already
/// there (`init` and `templates export` never overwrite what a user edited),
/// and says which were created and which kept.
fn write_new<'a>(
    dir: &std::path::Path,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), Error> {
    for (name, text) in files {
        let path = dir.join(name);
        if path.exists() {
            crate::terminal::note(&format!("kept     {} (already there)", path.display()));
            continue;
        }
        crate::output::write_atomic(&path, text.as_bytes())
            .map_err(|e| Error::Failure(format!("cannot write {}: {e}", path.display())))?;
        crate::terminal::note(&format!("created  {}", path.display()));
    }
    Ok(())
}

/// A folder named on the command line that is not there is a usage mistake
/// (exit 2), whichever command was given it.
pub(crate) fn existing(dir: &std::path::Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(dir).is_err() {
        return Err(Error::Usage(format!("{} does not exist", dir.display())));
    }
    Ok(())
}

/// The folder of briefs that `build`, `watch` and `serve` take: one that is
/// not there, or a file, is a usage mistake (exit 2).
pub(crate) fn folder(dir: &std::path::Path) -> Result<(), Error> {
    existing(dir)?;
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: give the folder that holds the briefs (`walkaway render {}` writes the outputs of one brief)",
            dir.display(),
            dir.display()
        )));
    }
    Ok(())
}
