//! `walkaway render` (the given briefs) and `walkaway build` (every brief under
//! a folder): the pipeline in parallel, with a progress bar on a terminal and
//! one report per brief.

use std::path::{Path, PathBuf};

use crate::build::{self, build_all, discover, output_name, split_name_clashes};
use crate::cli::{Common, OutArgs};
use crate::error::Error;
use crate::settings::Settings;
use crate::terminal;

pub fn render(common: &Common, out: &OutArgs, briefs: &[PathBuf]) -> Result<(), Error> {
    let settings = Settings::load(common, out)?;
    let setup = settings.setup()?;
    run(&setup, briefs.to_vec(), false).1
}

pub fn build(common: &Common, out: &OutArgs, dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir.unwrap_or(Path::new("."));
    super::folder(dir)?;
    let settings = Settings::load(common, out)?;
    let setup = settings.setup()?;
    let mut exclude: Vec<PathBuf> = setup.rules.files.clone();
    exclude.extend(setup.templates.files.iter().cloned());
    let paths = discover(dir, &setup.out, &exclude)
        .map_err(|e| Error::Failure(format!("cannot read {}: {e}", dir.display())))?;
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "no briefs (*.yaml, *.yml) found under {}",
            dir.display()
        )));
    }
    let result = run(&setup, paths, true);
    // The index lists the whole build (a `render` of some briefs would list
    // only those, so it writes none).
    if let Err(e) = crate::index::write(&setup.out, setup.today, &result.0) {
        return Err(Error::Failure(e));
    }
    result.1
}

/// Build the briefs and report each; the briefs that failed (or were skipped
/// because they would share an output folder) make the error.
fn run(
    setup: &build::Setup,
    paths: Vec<PathBuf>,
    progress: bool,
) -> (Vec<build::BriefReport>, Result<(), Error>) {
    let (paths, clashes) = split_name_clashes(paths);
    for (kept, skipped) in &clashes {
        terminal::print_error(&Error::Usage(format!(
            "{} and {} would both write to {}: rename one (it was skipped)",
            kept.display(),
            skipped.display(),
            setup.out.join(output_name(skipped)).display()
        )));
    }
    let bar = terminal::Progress::new(paths.len(), progress);
    let reports = build_all(&paths, setup, &|r| bar.done(r));
    bar.finish();
    let color = terminal::stderr_color();
    for r in &reports {
        terminal::print_report(r, color, false);
    }
    let failed = reports.iter().filter(|r| r.failed()).count() + clashes.len();
    if failed == 0 {
        return (reports, Ok(()));
    }
    let input_errors = reports
        .iter()
        .any(|r| r.diagnostics.iter().any(|d| d.is_error()));
    let error = Error::Briefs {
        failed,
        total: reports.len() + clashes.len(),
        io_only: !input_errors && clashes.is_empty(),
    };
    (reports, Err(error))
}
