//! The pipeline for many briefs: load → assess → render → write, in parallel. It
//! prints nothing: it returns a report per brief (what was written, diagnostics,
//! what was read) and the CLI and the watcher decide how to show it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::artifact::{Artifact, Format, Paper};
use crate::assess::{self, Assessment, Verdict};
use crate::brief::{self, Brief};
use crate::compose;
use crate::diag::Diagnostic;
use crate::output::{new_folder, remove_stale_temporaries, write_atomic, write_new};
use crate::render::templates::Templates;
use crate::render::{self, RenderOptions};
use crate::rules::Rules;

/// Everything shared by the briefs of one build.
pub struct Setup {
    pub rules: Rules,
    pub templates: Templates,
    pub today: jiff::civil::Date,
    pub paper: Paper,
    pub formats: Vec<Format>,
    pub force_letter: bool,
    pub out: PathBuf,
    /// The external Typst compiler that makes the PDFs, when not the built-in engine.
    pub typst_cmd: Option<String>,
}

/// What happened to one brief.
pub struct BriefReport {
    pub path: PathBuf,
    pub name: String,
    /// Errors (the brief's outputs were left untouched) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// A failure of the machine (a write that failed).
    pub io_error: Option<String>,
    /// What the terminal and the index page show of a brief that was built.
    pub summary: Option<Summary>,
    pub written: Vec<PathBuf>,
    pub elapsed: Duration,
}

/// A built brief in a line: its title, verdict and score, and its dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub title: String,
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub meeting: Option<jiff::civil::Date>,
    pub deadline: Option<jiff::civil::Date>,
}

impl BriefReport {
    pub fn failed(&self) -> bool {
        self.io_error.is_some() || self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Load and assess one brief (no rendering, no writing), with every warning
/// about it: what `check`, `send` and each build step start from.
pub fn assess_file(
    path: &Path,
    rules: &Rules,
    today: jiff::civil::Date,
) -> Result<(Brief, Assessment, Vec<Diagnostic>), Vec<Diagnostic>> {
    assess_loaded(brief::load_file(path), rules, today)
}

/// A brief as `brief::load_file` read it: the brief and its warnings, or its
/// errors.
pub type Loaded = Result<(Brief, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Assess a brief already read, as [`assess_file`] does (`check` reads its
/// briefs while the rules load).
pub fn assess_loaded(
    loaded: Loaded,
    rules: &Rules,
    today: jiff::civil::Date,
) -> Result<(Brief, Assessment, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (b, mut warnings) = loaded?;
    let a = assess::assess(&b, rules, today)?;
    warnings.extend(a.warnings.iter().cloned());
    Ok((b, a, warnings))
}

/// Load, assess, render and write one brief. A panic (a bug) while doing so
/// becomes this brief's failure, so that it cannot take a whole batch down.
pub fn build_one(path: &Path, setup: &Setup) -> BriefReport {
    guarded(path, || build_one_unguarded(path, setup))
}

/// Run `build`; a panic in it becomes a failed report for `path`.
fn guarded(path: &Path, build: impl FnOnce() -> BriefReport) -> BriefReport {
    let started = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(build));
    result.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        BriefReport {
            path: path.to_path_buf(),
            name: output_name(path),
            diagnostics: Vec::new(),
            io_error: Some(format!(
                "{}: walkaway failed on this brief (an internal error: {what}); its previous outputs were left in place. Please report this.",
                path.display()
            )),
            summary: None,
            written: Vec::new(),
            elapsed: started.elapsed(),
        }
    })
}

fn build_one_unguarded(path: &Path, setup: &Setup) -> BriefReport {
    let started = Instant::now();
    let name = output_name(path);
    let mut report = BriefReport {
        path: path.to_path_buf(),
        name: name.clone(),
        diagnostics: Vec::new(),
        io_error: None,
        summary: None,
        written: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let result = load_and_render(path, setup);
    match result {
        Ok((a, outputs, warnings)) => {
            report.diagnostics = warnings;
            let dir = setup.out.join(&name);
            // A folder made now holds no earlier outputs: nothing to compare
            // the new ones with, to keep safe while they replace it, or to
            // tidy (ten questions to the file system a brief, on a first build).
            let fresh = new_folder(&dir);
            if !fresh {
                remove_stale_temporaries(&dir);
            }
            // All at once: a file that replaces one waits for its disk sync
            // (`write_atomic`), and a rebuild in `watch` replaces them all;
            // the syncs overlap. The first failure, in the plan's order, is
            // the one reported.
            let results = render::pdfs_first(
                &outputs,
                |o| o.artifact,
                |o| {
                    let target = dir.join(o.artifact.file_name());
                    let written = if fresh {
                        write_new(&target, &o.bytes)
                    } else {
                        write_atomic(&target, &o.bytes)
                    };
                    (target, written)
                },
            );
            for (target, written) in results {
                match written {
                    Ok(()) => report.written.push(target),
                    Err(e) if report.io_error.is_none() => {
                        report.io_error = Some(format!("cannot write {}: {e}", target.display()));
                    }
                    Err(_) => {}
                }
            }
            if report.io_error.is_none() && !fresh {
                remove_stale_letters(&dir, &setup.formats, &report.written);
            }
            report.summary = Some(a);
        }
        Err(diags) => report.diagnostics = diags,
    }
    report.elapsed = started.elapsed();
    report
}

/// The pipeline for one brief, up to the bytes of each artifact.
fn load_and_render(
    path: &Path,
    setup: &Setup,
) -> Result<(Summary, Vec<render::Output>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (b, a, mut warnings) = assess_file(path, &setup.rules, setup.today)?;
    let summary = Summary {
        title: b.title.clone(),
        verdict: a.verdict,
        score: a.facts.score,
        meeting: b.date,
        deadline: b.deadline,
    };
    let opts = compose::Options {
        today: setup.today,
        paper: setup.paper,
        force_letter: setup.force_letter,
    };
    let (outputs, render_warnings) = {
        let pack = compose::compose(&b, &a, &setup.rules, opts)?;
        let plan = render::plan(&pack, &setup.formats);
        let render_opts = RenderOptions {
            templates: &setup.templates,
            typst_cmd: setup.typst_cmd.as_deref(),
        };
        render::render(&pack, &plan, &render_opts)?
    };
    for w in render_warnings {
        if !warnings.iter().any(|x| x.message == w.message) {
            warnings.push(w);
        }
    }
    Ok((summary, outputs, warnings))
}

/// When a brief no longer has an exit script, the letter written for it earlier
/// would be stale (and could be sent by mistake): remove it, for the formats this
/// build writes.
fn remove_stale_letters(dir: &Path, formats: &[Format], written: &[PathBuf]) {
    for artifact in Artifact::letters_of(formats) {
        let path = dir.join(artifact.file_name());
        if !written.contains(&path) && path.is_file() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Build many briefs in parallel; `done` is called as each finishes (for progress).
pub fn build_all(
    paths: &[PathBuf],
    setup: &Setup,
    done: &(dyn Fn(&BriefReport) + Sync),
) -> Vec<BriefReport> {
    let work = || -> Vec<BriefReport> {
        paths
            .par_iter()
            .map(|p| {
                let r = build_one(p, setup);
                done(&r);
                r
            })
            .collect()
    };
    let mut reports = in_pool(work);
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    reports
}

/// Run `work` (which uses rayon's parallel iterators) on the briefs' threads.
pub fn in_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The threads briefs are built on. Rayon's own threads have 2 MiB stacks, a
/// quarter of the main thread's: a brief that renders on the main thread must
/// render here too. Depth limits keep every recursion far below either; this is
/// the margin.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(16 * 1024 * 1024)
            .thread_name(|i| format!("walkaway-build-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// The output folder's name for a brief: its file stem (DESIGN §5).
pub fn output_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Briefs that would write to the same output folder (`a/x.yaml`, `b/x.yaml`):
/// the first is kept, the others are returned as (kept, skipped) pairs.
pub fn split_name_clashes(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<(PathBuf, PathBuf)>) {
    // By name, so that a folder of thousands of briefs is not compared pair
    // by pair: the index of the first brief that took each name.
    let mut first_of: std::collections::HashMap<String, usize> = Default::default();
    let mut kept: Vec<PathBuf> = Vec::new();
    let mut clashes = Vec::new();
    for p in paths {
        match first_of.entry(output_name(&p)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let first = &kept[*e.get()];
                if *first != p {
                    clashes.push((first.clone(), p));
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(kept.len());
                kept.push(p);
            }
        }
    }
    (kept, clashes)
}

/// Folder names that never hold briefs.
const SKIP_DIRS: &[&str] = &["rules", "templates", "target", "node_modules", "out"];

/// The briefs under `dir`: every `*.yaml`/`*.yml` regular file, except the project file
/// and rule fixtures, and except what lives in hidden folders, the output
/// folder, or the folders that hold rules and templates.
pub fn discover(dir: &Path, out: &Path, exclude: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    find_files(dir, out, exclude, SKIP_DIRS, is_brief_name)
}

/// The files under `dir` whose name `accept` takes, sorted, except in hidden
/// folders, the output folder `out`, folders named in `skip`, and `exclude`.
pub fn find_files(
    dir: &Path,
    out: &Path,
    exclude: &[PathBuf],
    skip: &[&str],
    accept: impl Fn(&str) -> bool,
) -> std::io::Result<Vec<PathBuf>> {
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::path::absolute(p).ok())
        .collect();
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // A link back up the tree (`loop -> ..`) would make the walk endless.
    let mut seen = std::collections::HashSet::new();
    while let Some(d) = stack.pop() {
        if !seen.insert(std::fs::canonicalize(&d).unwrap_or_else(|_| d.clone())) {
            continue;
        }
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            // What the listing says the entry is, without two more system
            // calls an entry (they ran before any brief could start); a link
            // is followed.
            let kind = match entry.file_type() {
                Ok(t) if !t.is_symlink() => Some(t),
                _ => std::fs::metadata(&path).ok().map(|m| m.file_type()),
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let abs = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            if name.starts_with('.') || abs == out || exclude.contains(&abs) {
                continue;
            }
            let Some(kind) = kind else {
                // A link to nothing.
                continue;
            };
            if kind.is_dir() {
                if !skip.contains(&name.as_str()) {
                    stack.push(path);
                }
            } else if accept(&name) && kind.is_file() {
                // A named pipe or a device with such a name is not a file to
                // read (reading it would block or never end).
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A brief's file name: YAML, but not the project file nor a rule fixture.
pub fn is_brief_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && name != crate::config::FILE_NAME
        && name != "walkaway.yml"
        && !is_fixture_name(name)
}

/// A rule fixture of `walkaway test` (DESIGN §6): `*.test.yaml`.
pub fn is_fixture_name(name: &str) -> bool {
    name.ends_with(".test.yaml") || name.ends_with(".test.yml")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files are written the PDFs first (`render::pdfs_first`), but reported
    /// in the plan's order, on a first build and on one that replaces them.
    #[test]
    fn the_files_written_are_reported_in_the_plans_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let brief = dir.path().join("supplier-renewal.yaml");
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/supplier-renewal.yaml");
        std::fs::copy(&example, &brief).expect("copy");
        let mut setup = Setup {
            rules: crate::rules::load_default().expect("rules"),
            templates: Templates::load(None).expect("templates"),
            today: jiff::civil::date(2026, 11, 23),
            paper: Paper::A4,
            formats: Format::ALL.to_vec(),
            force_letter: false,
            out: dir.path().join("out"),
            typst_cmd: None,
        };
        let plan: Vec<PathBuf> = Artifact::plan(Format::ALL, true)
            .into_iter()
            .map(|a| setup.out.join("supplier-renewal").join(a.file_name()))
            .collect();
        for round in ["first build", "rebuild with another date"] {
            let reports = build_all(std::slice::from_ref(&brief), &setup, &|_| {});
            let r = &reports[0];
            assert!(!r.failed(), "{round}: {:?}", r.io_error);
            assert_eq!(r.written, plan, "{round}");
            // The folder is there now: the files replace those of the first round.
            setup.today = jiff::civil::date(2026, 11, 24);
        }
    }

    #[test]
    fn a_panic_while_building_is_that_briefs_failure() {
        let r = guarded(Path::new("b/x.yaml"), || panic!("boom"));
        assert!(r.failed());
        assert_eq!(r.name, "x");
        let e = r.io_error.expect("an error");
        assert!(e.contains("internal error: boom"), "{e}");
    }

    #[test]
    fn briefs_with_the_same_name_in_two_folders_clash() {
        let paths = vec![
            PathBuf::from("a/x.yaml"),
            PathBuf::from("b/x.yml"),
            PathBuf::from("b/y.yaml"),
        ];
        let (kept, clashes) = split_name_clashes(paths);
        assert_eq!(
            kept,
            vec![PathBuf::from("a/x.yaml"), PathBuf::from("b/y.yaml")]
        );
        assert_eq!(
            clashes,
            vec![(PathBuf::from("a/x.yaml"), PathBuf::from("b/x.yml"))]
        );
    }

    #[cfg(unix)]
    #[test]
    fn discover_follows_links_to_briefs_and_folders_and_skips_broken_ones() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let (root, elsewhere) = (dir.path().join("briefs"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(elsewhere.join("more")).expect("mkdir");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(elsewhere.join("a.yaml"), "x").expect("write");
        std::fs::write(elsewhere.join("more/b.yaml"), "x").expect("write");
        symlink(elsewhere.join("a.yaml"), root.join("linked.yaml")).expect("symlink");
        symlink(elsewhere.join("more"), root.join("more")).expect("symlink");
        symlink(elsewhere.join("gone.yaml"), root.join("broken.yaml")).expect("symlink");
        let found = discover(&root, &root.join("out"), &[]).expect("discover");
        let rel: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(&root).expect("inside").to_path_buf())
            .collect();
        assert_eq!(
            rel,
            vec![PathBuf::from("linked.yaml"), PathBuf::from("more/b.yaml")]
        );
    }

    #[test]
    fn discover_skips_project_files_fixtures_outputs_and_hidden_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for f in [
            "briefs/a.yaml",
            "briefs/deep/b.yml",
            "briefs/a.test.yaml",
            "tests/deep/b.test.yml",
            "walkaway.yaml",
            "rules/house.yaml",
            "out/a/x.yaml",
            ".git/c.yaml",
            "notes.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "x").expect("write");
        }
        let found = discover(root, &root.join("out"), &[]).expect("discover");
        let rel: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(root).expect("inside").to_path_buf())
            .collect();
        assert_eq!(
            rel,
            vec![
                PathBuf::from("briefs/a.yaml"),
                PathBuf::from("briefs/deep/b.yml")
            ]
        );
    }
}
