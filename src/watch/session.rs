//! The watcher's state between events: the current setup, what is watched, the
//! briefs known, and what to do with a batch of changes (build what it touched,
//! reload the shared inputs, notice briefs that came and went). `mod.rs` owns the
//! event loop around it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{Change, Observer, Options, Reload, Scope, Sources};
use crate::build::{self, BriefReport, Setup};
use crate::diag::Diagnostic;
use crate::terminal;

/// How long a brief that vanished is waited for before it counts as deleted:
/// editors that save by rename leave a short gap with no file.
const GRACE: Duration = Duration::from_millis(300);

/// The changes seen since the last build.
#[derive(Default)]
pub(super) struct Batch {
    /// Canonical paths of briefs that changed (or may have).
    pub(super) briefs: BTreeSet<PathBuf>,
    /// Something that may be a folder changed. Every batch looks for new and
    /// vanished briefs anyway; this only makes sure the batch happens.
    pub(super) tree: bool,
    /// Reload `walkaway.yaml`, the rules and the templates, then build everything.
    pub(super) reload: bool,
    /// Events were lost: build everything.
    pub(super) rescan: bool,
}

impl Batch {
    /// Record a change; whether it matters.
    pub(super) fn add(&mut self, change: Change) -> bool {
        match change {
            Change::Brief(p) => {
                self.briefs.insert(p);
            }
            Change::Tree => self.tree = true,
            Change::Rules | Change::Template | Change::Config => self.reload = true,
            Change::Ignore => return false,
        }
        true
    }
}

pub(super) struct Session<'a> {
    pub(super) opts: &'a Options,
    /// `opts.dir`, canonical: the watcher reports paths under it.
    pub(super) dir: PathBuf,
    pub(super) watcher: Box<dyn Watcher>,
    /// What is being watched now.
    pub(super) roots: Vec<(PathBuf, RecursiveMode)>,
    /// The identity (device, inode) each root had when it was watched: a root
    /// removed and made again (`rm -rf d && mkdir d`) is a new folder that the
    /// old watch does not see.
    pub(super) root_ids: Vec<(PathBuf, Option<FolderId>)>,
    pub(super) scope: Scope,
    pub(super) setup: Setup,
    pub(super) sources: Sources,
    /// The briefs: canonical path → the path as shown to the user.
    pub(super) known: BTreeMap<PathBuf, PathBuf>,
    /// Briefs that vanished: canonical path → (shown path, when to give up on them).
    pub(super) missing: BTreeMap<PathBuf, (PathBuf, Instant)>,
    /// Briefs (shown paths) with the same output name as another: when the
    /// clash ends each that is left is built again (to clear the refusal, or
    /// to build the one that was refused).
    pub(super) clashed: BTreeSet<PathBuf>,
    /// Which brief each output folder was last built from: in a clash, the
    /// brief already there keeps its folder, and the newcomer is refused.
    pub(super) owners: BTreeMap<String, PathBuf>,
    pub(super) reload: &'a Reload<'a>,
    pub(super) observer: &'a Observer<'a>,
    /// When to try a reload again (walkaway.yaml vanished mid-save).
    pub(super) retry_reload: Option<Instant>,
    /// walkaway.yaml vanished and has been waited for once.
    pub(super) config_waited: bool,
    pub(super) color: bool,
}

impl Session<'_> {
    /// Print a line, stamped with the time.
    pub(super) fn say(&self, text: &str) {
        terminal::note(&format!("{} {text}", terminal::stamp(self.color)));
    }

    pub(super) fn banner(&self) -> String {
        format!(
            "watching {} ({}); Ctrl-C to stop",
            self.opts.dir.display(),
            self.inputs()
        )
    }

    /// Which rules and templates are in use, and where the outputs go.
    fn inputs(&self) -> String {
        let shown = |p: &Option<PathBuf>| {
            p.as_ref()
                .map_or_else(|| "built-in".to_string(), |p| p.display().to_string())
        };
        format!(
            "rules: {}, templates: {}, output: {}",
            shown(&self.sources.rules),
            shown(&self.sources.templates),
            self.setup.out.display()
        )
    }

    /// Recompute the filter's scope from the current setup and watch what it
    /// needs: the briefs' folder, and the folders of the rules file, the
    /// templates and `walkaway.yaml` when they lie outside it.
    pub(super) fn apply_sources(&mut self) -> Result<(), String> {
        // With no walkaway.yaml, watch where one would be found (the current
        // folder), so creating one takes effect.
        let config = self
            .sources
            .config
            .clone()
            .or_else(|| std::path::absolute(crate::config::FILE_NAME).ok());
        let mut rules: Vec<PathBuf> = self
            .setup
            .rules
            .files
            .iter()
            .chain(&self.sources.rules)
            .map(|p| canonical(p))
            .collect();
        rules.dedup();
        self.scope = Scope {
            dir: self.dir.clone(),
            out: canonical(&self.setup.out),
            config: config.as_deref().map(canonical),
            rules,
            // With no templates folder in use, watch where the project's would be
            // (next to walkaway.yaml, as `cli` looks for it), so creating one takes effect.
            templates: self
                .sources
                .templates
                .clone()
                .or_else(|| Some(config.as_deref()?.parent()?.join("templates")))
                .as_deref()
                .map(canonical),
        };
        let mut roots = vec![(self.dir.clone(), RecursiveMode::Recursive)];
        let parents = self
            .scope
            .rules
            .iter()
            .chain(&self.scope.config)
            .filter_map(|p| p.parent().map(Path::to_path_buf));
        for extra in parents.chain(self.scope.templates.clone()) {
            if !extra.starts_with(&self.dir)
                && extra.is_dir()
                && !roots.iter().any(|(r, _)| *r == extra)
            {
                roots.push((extra, RecursiveMode::NonRecursive));
            }
        }
        for (old, _) in &self.roots {
            if !roots.iter().any(|(r, _)| r == old) {
                let _ = self.watcher.unwatch(old);
            }
        }
        for (root, mode) in &roots {
            if self.roots.iter().any(|(r, m)| r == root && m == mode) {
                continue;
            }
            self.root_ids.retain(|(r, _)| r != root);
            self.root_ids.push((root.clone(), folder_id(root)));
            match self.watcher.watch(root, *mode) {
                Ok(()) => {}
                Err(e) if *root == self.dir => {
                    return Err(format!("cannot watch {}: {e}", self.opts.dir.display()));
                }
                Err(e) => self.say(&format!("warning: cannot watch {}: {e}", root.display())),
            }
        }
        self.root_ids
            .retain(|(r, _)| roots.iter().any(|(root, _)| root == r));
        self.roots = roots;
        Ok(())
    }

    /// A watched folder as the user named it.
    fn shown(&self, root: &Path) -> String {
        if root == self.dir {
            self.opts.dir.display().to_string()
        } else {
            root.display().to_string()
        }
    }

    /// Notice a watched folder that was removed, or removed and made again:
    /// watch the new one and build everything (a native watch stays on the old
    /// folder, which no longer exists, and would hear nothing again).
    pub(super) fn check_roots(&mut self) -> Result<(), String> {
        // (An error only when building fails to start: see `process`.)
        let mut renewed = Vec::new();
        let mut gone = Vec::new();
        for (root, id) in &mut self.root_ids {
            let now = folder_id(root);
            if now == *id {
                continue;
            }
            match now {
                None => gone.push(root.clone()),
                Some(_) => renewed.push(root.clone()),
            }
            *id = now;
        }
        for root in gone {
            let shown = self.shown(&root);
            self.say(&format!("{shown} was removed; waiting for it to come back"));
        }
        if renewed.is_empty() {
            return Ok(());
        }
        for root in &renewed {
            let _ = self.watcher.unwatch(root);
            self.roots.retain(|(r, _)| r != root);
            let shown = self.shown(root);
            self.say(&format!("{shown} is there again; watching it"));
        }
        if let Err(e) = self.apply_sources() {
            // Gone again already: the next look retries.
            self.say(&format!("warning: {e}"));
            self.root_ids.iter_mut().for_each(|(_, id)| *id = None);
            return Ok(());
        }
        let reload = renewed.iter().any(|r| *r != self.dir);
        self.process(Batch {
            rescan: true,
            reload,
            ..Batch::default()
        })
    }

    /// The briefs under the folder now (canonical → shown), by the same rules as `build`.
    pub(super) fn discover(&self) -> Option<BTreeMap<PathBuf, PathBuf>> {
        let mut exclude = self.setup.rules.files.clone();
        exclude.extend(self.setup.templates.files.iter().cloned());
        match build::discover(&self.opts.dir, &self.setup.out, &exclude) {
            Ok(found) => Some(
                found
                    .into_iter()
                    .map(|shown| {
                        let rel = shown.strip_prefix(&self.opts.dir).unwrap_or(&shown);
                        (self.dir.join(rel), shown)
                    })
                    .collect(),
            ),
            Err(e) => {
                // Often transient (a folder removed while we walk it): the
                // next event looks again.
                self.say(&format!(
                    "warning: cannot read {}: {e}",
                    self.opts.dir.display()
                ));
                None
            }
        }
    }

    /// Build these briefs (in parallel), print one line for each, and tell the
    /// observer (also when there was nothing to build: a brief may have gone).
    pub(super) fn build(&self, paths: &[PathBuf], refusals: Vec<BriefReport>) {
        let mut reports = if paths.is_empty() {
            Vec::new()
        } else {
            build::build_all(paths, &self.setup, &|_| {})
        };
        // After the builds: a refusal outlasts the first brief's own success.
        reports.extend(refusals);
        if crate::rules::budget::CANCEL.load(std::sync::atomic::Ordering::Relaxed) {
            return; // Ctrl-C: what was cut short is not news
        }
        for r in &reports {
            self.report(r);
        }
        (self.observer)(&self.setup, &reports, &[]);
    }

    fn report(&self, r: &BriefReport) {
        terminal::print_report(r, self.color, true);
    }

    /// Act on a batch of changes.
    pub(super) fn process(&mut self, batch: Batch) -> Result<(), String> {
        let mut everything = batch.rescan;
        if batch.reload {
            everything |= self.reload()?;
        }
        let Some(found) = self.discover() else {
            return Ok(());
        };
        let mut todo: BTreeSet<PathBuf> = BTreeSet::new();
        for canon in found.keys() {
            let touched =
                everything || batch.briefs.contains(canon) || !self.known.contains_key(canon);
            if touched {
                todo.insert(canon.clone());
            }
            self.missing.remove(canon);
        }
        // A brief that is gone may be mid-rename: wait before calling it deleted.
        let deadline = Instant::now() + GRACE.max(self.opts.debounce * 2);
        for (canon, shown) in &self.known {
            if !found.contains_key(canon) && !self.missing.contains_key(canon) {
                self.missing
                    .insert(canon.clone(), (shown.clone(), deadline));
            }
        }
        let paths: Vec<PathBuf> = todo.iter().filter_map(|c| found.get(c).cloned()).collect();
        self.known = found;
        if everything && !batch.reload && !paths.is_empty() {
            self.say("events were lost; building every brief again");
        }
        self.build_known(paths);
        Ok(())
    }

    /// Build these of the known briefs. As in `build`, of two briefs that
    /// would write to the same output folder (`a/x.yaml`, `b/x.yaml`) the
    /// first is built and the other refused; the refusal is reported against
    /// the first one's name, so that its page and the index show it, and once
    /// the clash ends the first is built again, which clears it.
    pub(super) fn build_known(&mut self, mut paths: Vec<PathBuf>) {
        // Each brief already built first, so that it keeps its folder (a
        // stable sort: the rest stay in path order, as `build` takes them).
        let mut order: Vec<PathBuf> = self.known.values().cloned().collect();
        order.sort_by_cached_key(|p| self.owners.get(&build::output_name(p)) != Some(p));
        let (_, clashes) = build::split_name_clashes(order);
        let clashed: BTreeSet<PathBuf> = clashes
            .iter()
            .flat_map(|(kept, skip)| [kept.clone(), skip.clone()])
            .collect();
        for resolved in self.clashed.difference(&clashed) {
            if self.known.values().any(|k| k == resolved) && !paths.contains(resolved) {
                paths.push(resolved.clone());
            }
        }
        let skipped: BTreeSet<&PathBuf> = clashes.iter().map(|(_, s)| s).collect();
        let touched: Vec<&(PathBuf, PathBuf)> = clashes
            .iter()
            .filter(|(kept, skip)| paths.contains(kept) || paths.contains(skip))
            .collect();
        paths.retain(|p| !skipped.contains(p));
        let refusals: Vec<BriefReport> = touched
            .into_iter()
            .map(|(kept, skip)| {
                let name = build::output_name(kept);
                BriefReport {
                    path: kept.clone(),
                    diagnostics: vec![Diagnostic::error(
                        skip,
                        None,
                        format!(
                            "this brief would write to {}, as {} does: rename one (this one is not built)",
                            self.setup.out.join(&name).display(),
                            kept.display()
                        ),
                    )],
                    name,
                    io_error: None,
                    summary: None,
                    written: Vec::new(),
                    elapsed: std::time::Duration::ZERO,
                }
            })
            .collect();
        self.clashed = clashed;
        for p in &paths {
            self.owners.insert(build::output_name(p), p.clone());
        }
        self.build(&paths, refusals);
    }

    /// Reload walkaway.yaml, the rules and the templates; whether it worked
    /// (then every brief must be built again).
    fn reload(&mut self) -> Result<bool, String> {
        // A rules file or walkaway.yaml that is missing is most likely being
        // replaced by an editor: keep what we have and wait for it to return
        // (its return is an event; walkaway.yaml is also retried, since
        // deleting it is a legitimate way to go back to the defaults).
        if let Some(rules) = self.sources.rules.as_ref().filter(|p| !p.exists()) {
            self.say(&format!(
                "{} is missing; keeping the previous rules until it is back",
                rules.display()
            ));
            return Ok(false);
        }
        match self.sources.config.as_ref().filter(|p| !p.exists()) {
            Some(config) if !self.config_waited => {
                self.config_waited = true;
                self.retry_reload = Some(Instant::now() + GRACE * 3);
                self.say(&format!("{} is missing; waiting for it", config.display()));
                return Ok(false);
            }
            _ => self.config_waited = false,
        }
        match (self.reload)() {
            Ok((setup, sources)) => {
                self.setup = setup;
                self.sources = sources;
                self.apply_sources()?;
                self.say(&format!(
                    "reloaded ({}); building every brief",
                    self.inputs()
                ));
                Ok(true)
            }
            Err(_) => {
                self.say(&format!(
                    "{}: the previous rules, templates and settings are kept; fix and save to try again",
                    terminal::paint("not reloaded", "1;31", self.color)
                ));
                Ok(false)
            }
        }
    }

    /// Give up on briefs that vanished and did not come back. The observer is
    /// told when outputs were removed (`serve` tells their pages).
    pub(super) fn expire_missing(&mut self) {
        let mut pruned = Vec::new();
        let now = Instant::now();
        let expired: Vec<PathBuf> = self
            .missing
            .iter()
            .filter(|(_, (_, t))| now >= *t)
            .map(|(c, _)| c.clone())
            .collect();
        for canon in expired {
            let Some((shown, _)) = self.missing.remove(&canon) else {
                continue;
            };
            if canon.exists() {
                continue; // back again; its event builds it
            }
            let name = crate::build::output_name(&shown);
            let outputs = self.setup.out.join(&name);
            // Another brief writes there (it clashed with this one): its outputs.
            let owner = self
                .known
                .values()
                .find(|k| crate::build::output_name(k) == name);
            if let Some(owner) = owner {
                self.say(&format!(
                    "{} was removed; {} belongs to {}",
                    shown.display(),
                    outputs.display(),
                    owner.display()
                ));
            } else if name.is_empty() || !outputs.is_dir() {
                self.say(&format!("{} was removed", shown.display()));
            } else if self.opts.prune {
                match std::fs::remove_dir_all(&outputs) {
                    Ok(()) => {
                        pruned.push(name);
                        self.say(&format!(
                            "{} was removed; removed its outputs in {}",
                            shown.display(),
                            outputs.display()
                        ));
                    }
                    Err(e) => self.say(&format!(
                        "{} was removed; cannot remove {}: {e}",
                        shown.display(),
                        outputs.display()
                    )),
                }
            } else {
                self.say(&format!(
                    "{} was removed; its outputs in {} are left in place (--prune removes them)",
                    shown.display(),
                    outputs.display()
                ));
            }
        }
        if !pruned.is_empty() {
            (self.observer)(&self.setup, &[], &pruned);
        }
    }
}

/// A folder's identity (device, inode), or None when it is not there.
/// What tells one folder from another made at the same path: device, inode
/// and, where the file system records it, creation time.
type FolderId = (u64, u64, Option<u128>);

fn folder_id(path: &Path) -> Option<FolderId> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    // The creation time as well as the inode: a folder removed and made again
    // at once may get the freed inode number back, and would then look like
    // the old one (the watcher would stay on the dead folder and hear nothing).
    let born = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino(), born))
    }
    #[cfg(not(unix))]
    {
        Some((0, 0, born))
    }
}

/// `path` made absolute and canonical as far as it exists: event paths are
/// reported under canonical roots, and the output folder or a rules file may not
/// exist yet (or just now).
pub(super) fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => abs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder removed and made again is a new folder, even when the file
    /// system gives it the freed inode number back (ext4 does, for an empty
    /// folder made again at once).
    #[test]
    fn a_folder_made_again_is_told_from_the_old_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("briefs");
        for _ in 0..20 {
            std::fs::create_dir(&p).expect("mkdir");
            let before = folder_id(&p);
            assert!(before.is_some());
            std::fs::remove_dir(&p).expect("rmdir");
            std::fs::create_dir(&p).expect("mkdir again");
            assert_ne!(folder_id(&p), before);
            std::fs::remove_dir(&p).expect("rmdir");
        }
    }
}
