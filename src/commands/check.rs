//! `walkaway check`: each brief's verdict and why, as text or as JSON
//! (`--json`), every rule's outcome and the values it read (`--explain`), and
//! `--fail-on` for scripts.

use std::path::PathBuf;

use serde::Serialize;

use crate::assess::Verdict;
use crate::assess::explain::{Explanation, explain};
use crate::build::assess_file;
use crate::cli::{Common, FailOn, OutArgs};
use crate::compose::summary::reasons;
use crate::compose::{Report, texts};
use crate::error::Error;
use crate::settings::Settings;
use crate::terminal;

/// What `check` prints.
#[derive(Clone, Copy)]
pub struct Output {
    pub json: bool,
    pub explain: bool,
}

/// An assessment with `--explain`: `assessment.json`'s keys, unchanged, and
/// `explain`.
#[derive(Serialize)]
struct Explained {
    #[serde(flatten)]
    report: Report<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<Vec<Explanation>>,
}

pub fn run(
    common: &Common,
    briefs: &[PathBuf],
    output: Output,
    fail_on: Option<FailOn>,
) -> Result<(), Error> {
    let Output {
        json,
        explain: explaining,
    } = output;
    let settings = Settings::load(common, &OutArgs::default())?;
    let rules = settings.load_rules()?;
    let color = terminal::stdout_color();
    let mut text = String::new();
    let mut reports: Vec<Explained> = Vec::new();
    let mut verdicts = Vec::new();
    // Every warning and error, in the order of the briefs.
    let mut diags = Vec::new();
    let mut bad = false;
    for path in briefs {
        let checked = assess_file(path, &rules, settings.today).and_then(|(b, a, warnings)| {
            let t = texts::render(&b, &a, &rules)?;
            let explained = explaining.then(|| explain(&b, &a, &rules));
            if !json {
                text.push_str(&terminal::check_summary(
                    path,
                    &b,
                    &a,
                    &t.fired,
                    rules.caution_below,
                    color,
                ));
                if let Some(e) = &explained {
                    text.push_str(&terminal::explain_text(&b, e, color));
                }
            }
            let reasons = reasons(&b, &a, rules.caution_below);
            reports.push(Explained {
                report: Report::new(&b, &a, &t.fired, &reasons),
                explain: explained,
            });
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
