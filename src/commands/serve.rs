//! `walkaway serve`: loaded as for `watch`, then the server on top of the same
//! watch loop.

use std::path::PathBuf;

use super::watch::{first_setup, options, reload};
use crate::cli::{Common, OutArgs, ServeArgs, WatchArgs};
use crate::error::Error;
use crate::serve;

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
    let watch_opts = options(dir, watch);
    let Some((setup, sources)) = first_setup(common, out, &watch_opts)? else {
        return Ok(());
    };
    let opts = serve::Options {
        host: args.host.clone(),
        port: args.port,
        open: args.open,
    };
    let reload = || reload(common, out);
    serve::run(&opts, &watch_opts, setup, sources, &reload).map_err(Error::Failure)
}
