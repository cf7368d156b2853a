//! `walkaway serve` (DESIGN §6): build and watch exactly as `watch` does (the
//! same loop, told about each build through its observer), and serve OUT over
//! HTTP with live reload.
//!
//! - `files.rs`: request path → file under OUT, or 404 (the security rules);
//! - `live.rs`: the event stream's subscribers, the injected script and banner;
//! - `http.rs`: the server (hyper on a one-thread tokio runtime);
//! - `bind.rs`: the listening socket (the next free port), the URL, `--open`.
//!
//! The watch loop runs on the main thread and owns Ctrl-C (it returns within its
//! 100 ms tick, and the process exits 0); the server runs on a thread of its own,
//! so pages load while a rebuild runs. Readers see the old file or the new one,
//! never half: every output is written atomically.
//!
//! The folder served is OUT as it was at the start: a `walkaway.yaml` edited to
//! another `out:` while serving moves the outputs, not the server (restart it).

mod bind;
mod files;
mod http;
mod live;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::build::{BriefReport, Setup};
use crate::index::{Problem, Tracker, problems};
use crate::watch;

/// The options of `walkaway serve` beyond those of `watch`.
pub struct Options {
    /// Address to bind (default 127.0.0.1: the packs stay on this machine).
    pub host: String,
    /// First port to try; 0 lets the system choose.
    pub port: u16,
    /// Open a browser on the index page once the first build is done.
    pub open: bool,
}

/// What the server reads and the watch loop updates.
pub struct State {
    /// OUT, canonical: nothing outside it is served.
    pub root: PathBuf,
    /// Served on a loopback address: only requests addressed to a loopback
    /// name are answered (see `bind::local_host`).
    pub loopback: bool,
    pub hub: live::Hub,
    /// The briefs whose last build failed, with why.
    broken: RwLock<BTreeMap<String, Vec<Problem>>>,
    /// Why the last reload of the rules, templates or settings failed (empty
    /// when it did not): every page is then built with the previous ones.
    setup: RwLock<Vec<Problem>>,
}

impl State {
    /// Why the brief's last build failed; None when it did not.
    pub fn problems(&self, brief: &str) -> Option<Vec<Problem>> {
        self.broken
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(brief)
            .cloned()
    }

    /// Why the last reload failed; empty when it did not.
    pub fn setup_problems(&self) -> Vec<Problem> {
        self.setup
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Record why the last reload failed (empty: it did not); whether a
    /// page's banner changes (it was broken, or is now).
    fn record_setup(&self, problems: Vec<Problem>) -> bool {
        let mut setup = self.setup.write().unwrap_or_else(PoisonError::into_inner);
        let changed = !setup.is_empty() || !problems.is_empty();
        *setup = problems;
        changed
    }

    /// Record why each brief built failed, or that it did not; a brief that is
    /// gone takes its failure with it.
    fn record(&self, reports: &[BriefReport], gone: &[String]) {
        let mut broken = self.broken.write().unwrap_or_else(PoisonError::into_inner);
        for r in reports {
            if r.failed() {
                broken.insert(r.name.clone(), problems(r));
            } else {
                broken.remove(&r.name);
            }
        }
        for name in gone {
            broken.remove(name);
        }
    }
}

/// Serve until Ctrl-C. `setup`, `sources` and `reload` are as for `watch::run`.
pub fn run<'a>(
    opts: &Options,
    watch_opts: &'a watch::Options,
    setup: Setup,
    sources: watch::Sources,
    reload: &'a watch::Reload<'a>,
) -> Result<(), String> {
    std::fs::create_dir_all(&setup.out)
        .map_err(|e| format!("cannot create {}: {e}", setup.out.display()))?;
    let root = std::fs::canonicalize(&setup.out)
        .map_err(|e| format!("cannot serve {}: {e}", setup.out.display()))?;
    let (listener, addr) = bind::bind(&opts.host, opts.port)?;
    let url = bind::browser_url(addr);
    let state = Arc::new(State {
        root,
        loopback: addr.ip().is_loopback(),
        hub: live::Hub::default(),
        broken: RwLock::default(),
        setup: RwLock::default(),
    });
    http::spawn(listener, Arc::clone(&state))?;
    crate::terminal::note(&format!(
        "serving {} at {url} with live reload; Ctrl-C to stop",
        setup.out.display()
    ));

    let index = Mutex::new(Tracker::default());
    let first = AtomicBool::new(true);
    let observer = |setup: &Setup, reports: &[BriefReport], pruned: &[String]| {
        let gone = {
            let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
            index.update(&setup.out, reports);
            let gone = index.gone();
            if let Err(e) = index.write(&setup.out, setup.today) {
                crate::terminal::warning(&e);
            }
            gone
        };
        // A brief deleted or renamed takes its banner with it, and its open
        // page is told: it shows the outputs left, or, once `--prune` has
        // removed them (a moment later, in case the brief comes back), the
        // 404 page.
        state.record(reports, &gone);
        let mut names: Vec<String> = reports.iter().map(|r| r.name.clone()).collect();
        names.extend(gone);
        names.extend_from_slice(pruned);
        names.sort();
        names.dedup();
        state.hub.changed(&names);
        if first.swap(false, Ordering::Relaxed) && opts.open {
            bind::open_browser(&url);
        }
    };
    // A reload that fails shows on every page; one that succeeds clears it
    // (and rebuilds every brief, which refreshes every page).
    let reload_seen = || {
        let result = reload();
        let problems = result.as_ref().err().cloned().unwrap_or_default();
        if state.record_setup(problems) {
            state.hub.changed_all();
        }
        result
    };
    watch::run_observed(watch_opts, setup, sources, &reload_seen, &observer)
}
