//! `walkaway watch`: the first build as for `build`, then the watcher, which
//! resolves the settings again whenever walkaway.yaml, the rules or a template
//! change.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};

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
    let opts = options(dir, args);
    let Some((setup, sources)) = first_setup(common, out, &opts)? else {
        return Ok(());
    };
    let reload = || reload(common, out);
    watch::run(&opts, setup, sources, &reload).map_err(Error::Failure)
}

/// The setup of the first build. When walkaway.yaml, the rules or a template
/// do not load, `watch` and `serve` do not give up (DESIGN §6: `watch` keeps
/// running whatever happens to the inputs): they say what is wrong and wait
/// for a save that fixes it, as they do when one breaks later. `None`: Ctrl-C
/// while waiting (exit 0).
pub fn first_setup(
    common: &Common,
    out: &OutArgs,
    opts: &watch::Options,
) -> Result<Option<(Setup, Sources)>, Error> {
    let load = || Settings::load(common, out).and_then(|s| Ok((s.setup()?, s.sources())));
    match load() {
        Ok(loaded) => return Ok(Some(loaded)),
        Err(e @ (Error::Input(_) | Error::Usage(_))) => terminal::print_error(&e),
        Err(e) => return Err(e),
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Error::Failure(format!("cannot install the Ctrl-C handler: {e}")))?;
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = watch::new_watcher(opts.poll, tx).map_err(Error::Failure)?;
    // The project, the briefs' folder, and the rules and templates named on
    // the command line, wherever they are.
    let parent = |p: &PathBuf| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let roots = [Some(PathBuf::from(".")), Some(opts.dir.clone())]
        .into_iter()
        .chain([common.rules.as_ref().map(parent), common.templates.clone()]);
    for root in roots.flatten() {
        // A folder that does not exist yet is not watched; the project is.
        let _ = watcher.watch(&root, RecursiveMode::Recursive);
    }
    terminal::note("waiting for a fix: the first build starts when this loads (Ctrl-C to stop)");
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            // Reading the files to load them is an event too (an open, an
            // access): only a change is a reason to load again.
            Ok(Ok(event)) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(Err(_)) => {}
            Ok(Ok(_)) => {
                // A save is often several events: take them all, then load once.
                std::thread::sleep(opts.debounce);
                while rx.try_recv().is_ok() {}
                match load() {
                    Ok(loaded) => return Ok(Some(loaded)),
                    Err(e @ (Error::Input(_) | Error::Usage(_))) => terminal::print_error(&e),
                    Err(e) => return Err(e),
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Failure("the file watcher stopped".into()));
            }
        }
    }
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
