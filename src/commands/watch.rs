//! `walkaway watch`: the first build as for `build`, then the watcher, which
//! resolves the settings again whenever walkaway.yaml, the rules or a template
//! change.

use std::path::PathBuf;
use std::time::Duration;

use crate::build::Setup;
use crate::cli::{Common, OutArgs, WatchArgs};
use crate::error::Error;
use crate::index::Problem;
use crate::settings::Settings;
use crate::watch::Sources;
use crate::{terminal, watch};

pub fn run(
    common: &Common,
    out: &OutArgs,
    dir: Option<PathBuf>,
    args: &WatchArgs,
) -> Result<(), Error> {
    if let Some(dir) = &dir {
        super::folder(dir)?;
    }
    let settings = Settings::load(common, out)?;
    let setup = settings.setup()?;
    let opts = options(dir, args);
    let reload = || reload(common, out);
    watch::run(&opts, setup, settings.sources(), &reload).map_err(Error::Failure)
}

/// The watch loop's options, for the briefs under `dir`.
pub fn options(dir: Option<PathBuf>, args: &WatchArgs) -> watch::Options {
    watch::Options {
        dir: dir.unwrap_or_else(|| PathBuf::from(".")),
        debounce: Duration::from_millis(args.debounce),
        poll: args.poll,
        prune: args.prune,
    }
}

/// Resolve the settings and load the setup again (after walkaway.yaml, the
/// rules or a template changed); when that failed, its problems, after saying
/// them.
pub fn reload(common: &Common, out: &OutArgs) -> Result<(Setup, Sources), Vec<Problem>> {
    let loaded = Settings::load(common, out).and_then(|s| Ok((s.setup()?, s.sources())));
    loaded.map_err(|e| {
        terminal::print_error(&e);
        match &e {
            Error::Input(diags) => diags
                .iter()
                .filter(|d| d.is_error())
                .map(Problem::of)
                .collect(),
            other => vec![Problem::plain(other.to_string())],
        }
    })
}
