//! `walkaway watch`: build every brief once, then re-run the pipeline for what
//! each save touched — that brief alone, or every brief when the rules, a
//! template or `walkaway.yaml` changed. typst-cli's `watch.rs` is the model.
//!
//! Why it is shaped this way:
//! - Folders are watched, not files: an editor that saves by renaming a new file
//!   over the old one replaces the inode, and a watch on the old file would go
//!   deaf. Events are filtered by path (`filter.rs`), so swap files, backups and
//!   our own outputs never trigger a build.
//! - Events are batched until the files have been quiet for `--debounce` ms, so a
//!   save that takes several steps (write a temporary, rename it over, delete the
//!   backup) builds once, from the finished file. Batching is ten lines here
//!   rather than `notify-debouncer-full`: we only need the set of touched paths,
//!   not its rename stitching, and our own timer fires exactly when the quiet
//!   period ends instead of on the debouncer's next tick.
//! - Nothing a user saves is fatal. A broken brief, rules file or template prints
//!   its diagnostic and the last good outputs stay (writes are atomic, and a
//!   failed build writes nothing); a failed reload keeps the previous rules and
//!   templates. A file that vanishes mid-rename is waited for before it counts
//!   as deleted.
//! - The pipeline prints nothing; this loop prints one line per regeneration.

mod filter;
mod session;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::Watcher;

pub use filter::{Change, Scope, classify, is_editor_temp, matters};

use session::{Batch, Session};

use crate::build::{BriefReport, Setup};
use crate::terminal;

/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// How often the loop wakes when nothing happens, to notice Ctrl-C.
const TICK: Duration = Duration::from_millis(100);
/// A batch is built at the latest this long after its first event, even if the
/// files never go quiet (a program writing continuously must not starve us).
const MAX_BATCH: Duration = Duration::from_secs(1);

/// The options of `walkaway watch`.
pub struct Options {
    /// The folder holding the briefs, as the user wrote it (for messages).
    pub dir: PathBuf,
    pub debounce: Duration,
    /// Poll instead of native events (network and container file systems).
    pub poll: bool,
    /// Remove a deleted brief's outputs.
    pub prune: bool,
}

/// Where the inputs shared by every brief came from: what to watch besides the briefs.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `walkaway.yaml` when one was found.
    pub config: Option<PathBuf>,
    /// The rules file given (None: the built-in rules).
    pub rules: Option<PathBuf>,
    /// The templates folder in use (None: the built-in templates only).
    pub templates: Option<PathBuf>,
}

/// Loads the setup again (after `walkaway.yaml`, the rules or a template
/// changed). When that failed, the loader has printed why, and the problems
/// are returned for a page to show (`serve`).
pub type Reload<'a> = dyn Fn() -> Result<(Setup, Sources), Vec<crate::index::Problem>> + 'a;

/// Told after every build of the loop — the first one and each rebuild, even
/// one that had nothing to build (a brief was deleted) — with the setup in use
/// and the reports of the briefs just built; and when `--prune` removed the
/// outputs of briefs that are gone, with their names. `serve` learns here
/// what changed.
pub type Observer<'a> = dyn Fn(&Setup, &[BriefReport], &[String]) + 'a;

/// Watch until Ctrl-C, writing `OUT/index.html` after every build. `setup` and
/// `sources` come from the first load; `reload` repeats it. An error only when
/// watching itself is impossible.
pub fn run<'a>(
    opts: &'a Options,
    setup: Setup,
    sources: Sources,
    reload: &'a Reload<'a>,
) -> Result<(), String> {
    let index = std::sync::Mutex::new(crate::index::Tracker::default());
    let write_index = |setup: &Setup, reports: &[BriefReport], _pruned: &[String]| {
        let mut index = index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        index.update(&setup.out, reports);
        if let Err(e) = index.write(&setup.out, setup.today) {
            terminal::warning(&e);
        }
    };
    run_observed(opts, setup, sources, reload, &write_index)
}

/// A file watcher sending its events to `tx`: the system's, or with `poll` a
/// poller (for file systems without native events).
pub fn new_watcher(
    poll: bool,
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> Result<Box<dyn Watcher>, String> {
    Ok(if poll {
        // notify's poller keeps mtimes in whole seconds, so a second save within
        // the same second would go unseen: compare contents too (briefs are small).
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        Box::new(
            notify::PollWatcher::new(tx, config)
                .map_err(|e| format!("cannot start polling: {e}"))?,
        )
    } else {
        Box::new(
            notify::recommended_watcher(tx)
                .map_err(|e| format!("cannot watch for changes: {e}"))?,
        )
    })
}

/// `run`, telling `observer` about every build.
pub fn run_observed<'a>(
    opts: &'a Options,
    setup: Setup,
    sources: Sources,
    reload: &'a Reload<'a>,
    observer: &'a Observer<'a>,
) -> Result<(), String> {
    // Ctrl-C (and SIGTERM) set a flag the loop checks between builds, so a
    // build is never cut half-way and the exit is clean (code 0). A second
    // Ctrl-C while the flag is set exits at once, for a build that hangs.
    // The same signal also cancels a condition or a template under way at its
    // next step (their budgets watch `CANCEL`), so Ctrl-C is heard within
    // moments even in the middle of a slow build.
    let stop = Arc::new(AtomicBool::new(false));
    let cancel = Arc::clone(&crate::rules::budget::CANCEL);
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&stop)))
            .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&cancel)))
            .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))?;
    }

    let dir = std::fs::canonicalize(&opts.dir)
        .map_err(|e| format!("cannot watch {}: {e}", opts.dir.display()))?;
    let (tx, rx) = mpsc::channel();
    let watcher = new_watcher(opts.poll, tx)?;
    let mut w = Session {
        opts,
        dir,
        watcher,
        roots: Vec::new(),
        root_ids: Vec::new(),
        scope: Scope::default(),
        setup,
        sources,
        known: BTreeMap::new(),
        missing: BTreeMap::new(),
        clashed: BTreeSet::new(),
        owners: BTreeMap::new(),
        reload,
        observer,
        retry_reload: None,
        config_waited: false,
        color: terminal::stderr_color(),
    };
    // Watch before the first build, so a save made while it runs is not lost.
    w.apply_sources()?;
    terminal::note(&w.banner());
    let found = w.discover().unwrap_or_default();
    if found.is_empty() {
        w.say(&format!(
            "no briefs (*.yaml, *.yml) under {} yet; waiting for one",
            opts.dir.display()
        ));
    }
    w.known = found;
    let all: Vec<PathBuf> = w.known.values().cloned().collect();
    w.build_known(all);

    let mut batch = Batch::default();
    let mut quiet_at: Option<Instant> = None;
    let mut first_at: Option<Instant> = None;
    loop {
        if stop.load(Ordering::Relaxed) {
            w.say("stopped");
            return Ok(());
        }
        let now = Instant::now();
        let mut wake = now + TICK;
        for t in [quiet_at, first_at.map(|f| f + MAX_BATCH), w.retry_reload]
            .into_iter()
            .flatten()
        {
            wake = wake.min(t);
        }
        if let Some(t) = w.missing.values().map(|(_, t)| *t).min() {
            wake = wake.min(t);
        }
        match rx.recv_timeout(wake.saturating_duration_since(now)) {
            Ok(Ok(event)) => {
                let relevant = if event.need_rescan() {
                    // The kernel's queue overflowed: events were lost, so
                    // look at everything again.
                    batch.rescan = true;
                    true
                } else if matters(&event.kind) {
                    // Every path is recorded (no short-circuit): a rename
                    // names both the old and the new file.
                    // Made canonical first: through a symbolic link inside the
                    // folder (`up -> ..`) the same file is reported under
                    // another name, which would match no brief and no output.
                    let mut any = false;
                    for p in &event.paths {
                        any |= batch.add(classify(&session::canonical(p), &w.scope));
                    }
                    any
                } else {
                    false
                };
                if relevant {
                    let now = Instant::now();
                    quiet_at = Some(now + opts.debounce);
                    first_at.get_or_insert(now);
                }
            }
            Ok(Err(e)) => w.say(&format!("warning: {e}")),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err("the file watcher stopped".into()),
        }
        let now = Instant::now();
        let due =
            quiet_at.is_some_and(|t| now >= t) || first_at.is_some_and(|t| now >= t + MAX_BATCH);
        if due {
            w.process(std::mem::take(&mut batch))?;
            quiet_at = None;
            first_at = None;
        }
        if w.retry_reload.is_some_and(|t| now >= t) {
            w.retry_reload = None;
            w.process(Batch {
                reload: true,
                ..Batch::default()
            })?;
        }
        w.expire_missing();
        w.check_roots()?;
    }
}
