//! `walkaway check`: each brief's verdict and why, as text or as JSON
//! (`--json`), and `--fail-on` for scripts.

use std::path::PathBuf;

use crate::assess::Verdict;
use crate::build::assess_file;
use crate::cli::{Common, FailOn, OutArgs};
use crate::compose::summary::reasons;
use crate::compose::{Report, texts};
use crate::error::Error;
use crate::settings::Settings;
use crate::terminal;

pub fn run(
    common: &Common,
    briefs: &[PathBuf],
    json: bool,
    fail_on: Option<FailOn>,
) -> Result<(), Error> {
    let settings = Settings::load(common, &OutArgs::default())?;
    let rules = settings.load_rules()?;
    let color = terminal::stdout_color();
    let mut text = String::new();
    let mut reports: Vec<Report<f64>> = Vec::new();
    let mut verdicts = Vec::new();
    // Every warning and error, in the order of the briefs.
    let mut diags = Vec::new();
    let mut bad = false;
    for path in briefs {
        let checked = assess_file(path, &rules, settings.today).and_then(|(b, a, warnings)| {
            let t = texts::render(&b, &a, &rules)?;
            if !json {
                text.push_str(&terminal::check_summary(
                    path,
                    &b,
                    &a,
                    &t.fired,
                    rules.caution_below,
                    color,
                ));
            }
            let reasons = reasons(&b, &a, rules.caution_below);
            reports.push(Report::new(&b, &a, &t.fired, &reasons));
            verdicts.push(a.verdict);
            Ok(warnings)
        });
        match checked {
            Ok(warnings) => diags.extend(warnings),
            Err(errors) => {
                bad = true;
                diags.extend(errors);
            }
        }
    }
    if json {
        text = serde_json::to_string_pretty(&reports).unwrap_or_else(|_| "[]".into());
        text.push('\n');
    }
    if bad {
        terminal::print_stdout(&text)?;
        return Err(Error::Input(diags));
    }
    terminal::print_diagnostics(&diags);
    terminal::print_stdout(&text)?;
    let met = fail_on.is_some_and(|f| {
        verdicts.iter().any(|v| match f {
            FailOn::Walk => *v == Verdict::Walk,
            FailOn::Caution => *v != Verdict::Proceed,
        })
    });
    if met { Err(Error::FailOnMet) } else { Ok(()) }
}
