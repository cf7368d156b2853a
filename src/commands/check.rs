//! `walkaway check`: each brief's verdict and why, as text or as JSON
//! (`--json`), every rule's outcome and the values it read (`--explain`), and
//! `--fail-on` for scripts.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::assess::Verdict;
use crate::assess::explain::{Explanation, explain};
use crate::brief;
use crate::build::{Loaded, assess_loaded};
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
    let json = output.json;
    // A rule fixture next to the briefs (as the README suggests) is caught by
    // `check briefs/*.yaml`: it is not a brief, and is passed over, said once.
    let (fixtures, briefs): (Vec<&PathBuf>, Vec<&PathBuf>) = briefs.iter().partition(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::build::is_fixture_name)
    });
    if !fixtures.is_empty() {
        let names: Vec<String> = fixtures.iter().map(|p| p.display().to_string()).collect();
        if briefs.is_empty() {
            return Err(Error::Usage(format!(
                "{} {} a rule fixture, not a brief: run `walkaway test` on it",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are each" }
            )));
        }
        terminal::note(&format!(
            "passed over {}: rule fixtures, not briefs (`walkaway test` runs them)",
            names.join(", ")
        ));
    }
    let briefs: Vec<PathBuf> = briefs.into_iter().cloned().collect();
    let briefs = briefs.as_slice();
    let settings = Settings::load(common, &OutArgs::default())?;
    let color = terminal::stdout_color();
    // Briefs are checked in parallel and reported in the order given. Reading
    // them needs no rules, so they are read while the rules' conditions
    // compile (one thread's work, most of a cold start), on the other threads.
    let checked: Vec<Checked> = if briefs.len() > 1 {
        crate::build::in_pool(|| {
            let (rules, loaded) = rayon::join(
                || settings.load_rules(),
                || {
                    briefs
                        .par_iter()
                        .map(|p| brief::load_file(p))
                        .collect::<Vec<_>>()
                },
            );
            let rules = rules?;
            Ok::<_, Error>(
                briefs
                    .par_iter()
                    .zip(loaded)
                    .map(|(path, loaded)| check_one(path, loaded, &rules, &settings, output, color))
                    .collect(),
            )
        })?
    } else {
        let rules = settings.load_rules()?;
        briefs
            .iter()
            .map(|p| check_one(p, brief::load_file(p), &rules, &settings, output, color))
            .collect()
    };
    let mut text = String::new();
    let mut reports: Vec<Explained> = Vec::new();
    let mut verdicts = Vec::new();
    // Every warning and error, in the order of the briefs.
    let mut diags = Vec::new();
    let mut bad = false;
    for c in checked {
        match c {
            Ok(c) => {
                text.push_str(&c.text);
                reports.extend(c.report);
                verdicts.push(c.verdict);
                diags.extend(c.warnings);
            }
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

/// One brief checked: what is printed for it, its report, its warnings.
type Checked = Result<CheckedBrief, Vec<crate::diag::Diagnostic>>;

struct CheckedBrief {
    text: String,
    report: Option<Explained>,
    verdict: Verdict,
    warnings: Vec<crate::diag::Diagnostic>,
}

fn check_one(
    path: &Path,
    loaded: Loaded,
    rules: &crate::rules::Rules,
    settings: &Settings,
    output: Output,
    color: bool,
) -> Checked {
    let (b, a, warnings) = assess_loaded(loaded, rules, settings.today)?;
    let t = texts::render(&b, &a, rules, false)?;
    let explained = output.explain.then(|| explain(&b, &a, rules));
    let reasons = reasons(&b, &a, rules.caution_below);
    let mut text = String::new();
    if !output.json {
        text.push_str(&terminal::check_summary(
            path,
            &b,
            &a,
            &t.fired,
            &reasons,
            rules.caution_below,
            color,
        ));
        if let Some(e) = &explained {
            text.push_str(&terminal::explain_text(&b, e, color));
        }
    }
    Ok(CheckedBrief {
        text,
        // Only `--json` prints the reports: without it, making 400 of them
        // and freeing them on the main thread was a cost with no output.
        report: output.json.then(|| Explained {
            report: Report::new(&b, &a, &t.fired, &reasons),
            explain: explained,
        }),
        verdict: a.verdict,
        warnings,
    })
}
