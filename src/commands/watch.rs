//! `walkaway watch`: the first build as for `build`, then the watcher, which
//! resolves the settings again whenever walkaway.yaml, the rules or a template
//! change.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Common, OutArgs, WatchArgs};
use crate::error::Error;
use crate::settings::Settings;
use crate::{terminal, watch};

pub fn run(
    common: &Common,
    out: &OutArgs,
    dir: Option<PathBuf>,
    args: &WatchArgs,
) -> Result<(), Error> {
    let settings = Settings::load(common, out)?;
    let setup = settings.setup()?;
    let opts = watch::Options {
        dir: dir.unwrap_or_else(|| PathBuf::from(".")),
        debounce: Duration::from_millis(args.debounce),
        poll: args.poll,
        prune: args.prune,
    };
    let reload = || {
        let loaded = Settings::load(common, out).and_then(|s| Ok((s.setup()?, s.sources())));
        match loaded {
            Ok(x) => Some(x),
            Err(e) => {
                terminal::print_error(&e);
                None
            }
        }
    };
    watch::run(&opts, setup, settings.sources(), &reload).map_err(Error::Failure)
}
