//! `walkaway test [DIR]`: run the rule fixtures (`*.test.yaml`) under DIR,
//! print `ok` or `FAILED` (with what differed) for each and a closing count;
//! exit 3 when one failed, 2 when a fixture, brief or rules file does not
//! validate (DESIGN §6).

use std::collections::HashSet;
use std::path::Path;

use crate::cli::{Common, OutArgs};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::fixture::{self, Defaults, Status};
use crate::settings::Settings;
use crate::terminal;

pub fn run(common: &Common, dir: Option<&Path>) -> Result<(), Error> {
    // The project DIR lies in (its walkaway.yaml names the rules the
    // fixtures run against); without DIR, the project of the current
    // folder, from its root (DESIGN §6).
    let start = dir.unwrap_or(Path::new("."));
    super::existing(start)?;
    let settings = Settings::load_from(common, &OutArgs::default(), start)?;
    let root = settings.config.root(Path::new("."));
    let here = std::path::absolute(".").ok();
    let dir: &Path = match dir {
        Some(d) => d,
        None if here.as_deref() == Some(root.as_path()) => Path::new("."),
        None => &root,
    };
    let paths = fixture::discover(dir, &settings.out)
        .map_err(|e| Error::Failure(format!("cannot read {}: {e}", dir.display())))?;
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "no rule fixtures (*.test.yaml) found under {}",
            dir.display()
        )));
    }
    let defaults = Defaults {
        rules: settings.rules.clone(),
        today: settings.today,
    };
    let outcome = fixture::run_all(&paths, &defaults);

    let color = terminal::stdout_color();
    let mut text = String::new();
    let (mut passed, mut failed, mut invalid) = (0, 0, 0);
    // Warnings of the briefs that failed (they may say why), then errors;
    // each once, however many fixtures share a brief.
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut errors: Vec<Diagnostic> = outcome.rules_errors;
    for r in &outcome.fixtures {
        text.push_str(&terminal::fixture_report(r, color));
        match &r.status {
            Status::Passed => passed += 1,
            Status::Failed { warnings: w, .. } => {
                failed += 1;
                warnings.extend(w.iter().cloned());
            }
            Status::Invalid { errors: e, .. } => {
                invalid += 1;
                errors.extend(e.iter().cloned());
            }
        }
    }
    text.push_str(&terminal::fixtures_total(passed, failed + invalid));
    terminal::print_stdout(&text)?;
    let mut diags = once_each(warnings);
    if invalid > 0 {
        diags.extend(once_each(errors));
        return Err(Error::Input(diags));
    }
    terminal::print_diagnostics(&diags);
    if failed > 0 {
        Err(Error::FixturesFailed { failed })
    } else {
        Ok(())
    }
}

fn once_each(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diags
        .into_iter()
        .filter(|d| seen.insert(d.render()))
        .collect()
}
