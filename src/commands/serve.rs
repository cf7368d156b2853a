//! `walkaway serve`: loaded as for `watch`, then the server on top of the same
//! watch loop.

use std::path::PathBuf;

use super::watch::{options, reload};
use crate::cli::{Common, OutArgs, ServeArgs, WatchArgs};
use crate::error::Error;
use crate::serve;
use crate::settings::Settings;

pub fn run(
    common: &Common,
    out: &OutArgs,
    dir: Option<PathBuf>,
    args: &ServeArgs,
    watch: &WatchArgs,
) -> Result<(), Error> {
    if let Some(dir) = &dir {
        super::folder(dir)?;
    }
    let settings = Settings::load(common, out)?;
    let setup = settings.setup()?;
    let opts = serve::Options {
        host: args.host.clone(),
        port: args.port,
        open: args.open,
    };
    let reload = || reload(common, out);
    serve::run(
        &opts,
        &options(dir, watch),
        setup,
        settings.sources(),
        &reload,
    )
    .map_err(Error::Failure)
}
