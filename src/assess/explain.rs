//! `check --explain` (DESIGN §6): for every rule — deal breakers, red flags,
//! the score line (`caution_below`) and exit scripts — whether it fired, did
//! not fire or could not be evaluated (and what was missing), with the values
//! of the names its condition read and where the rule is written.
//!
//! Computed only on request, from the brief, its assessment and the rules,
//! against the context `assess` evaluated (built by `context`, in one place):
//! each condition is evaluated again as `assess` did, so the outcomes agree.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::capture;
use super::reading::{self, Measure, Reading, Val};
use super::{Assessment, SCORE_RULE, context, missing};
use crate::brief::Brief;
use crate::diag::Pos;
use crate::rules::{Condition, DEFAULT_ORIGIN, Outcome, Rules};

crate::vocabulary! {
    /// What kind of rule an explanation is about.
    pub enum RuleKind {
        DealBreaker = "deal_breaker",
        RedFlag = "red_flag",
        /// The built-in check of the deal's score against `caution_below`.
        Score = "score",
        ExitScript = "exit_script",
    }
}

crate::vocabulary! {
    /// What a rule's condition came to.
    pub enum Decision {
        Fired = "fired",
        NotFired = "not_fired",
        NotEvaluable = "not_evaluable",
    }
}

/// Why one rule fired or did not.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub id: String,
    pub kind: RuleKind,
    pub outcome: Decision,
    /// The names the condition read and their values, in the order written.
    #[serde(serialize_with = "reading::serialize_readings")]
    pub values: Vec<Reading>,
    /// What the brief does not say that the condition needed (not evaluable).
    pub missing: Option<String>,
    /// Exit scripts: whether this is the one chosen (the highest priority of
    /// those that fired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<bool>,
    /// The rules file (`rules/default.yaml (built in)` for a built-in rule),
    /// None for the score line.
    pub file: Option<PathBuf>,
    /// The line of the rule's `when:` in `file`.
    pub line: Option<usize>,
}

impl Explanation {
    /// `rules/house.yaml:12`, `rules/default.yaml:56 (built in)`, or None;
    /// a file under `base` (the current folder) is named from there.
    pub fn location(&self, base: Option<&Path>) -> Option<String> {
        let file = self.file.as_deref()?;
        let file = base.and_then(|b| file.strip_prefix(b).ok()).unwrap_or(file);
        let line = self.line.unwrap_or(0);
        Some(if file == Path::new(DEFAULT_ORIGIN) {
            let plain = DEFAULT_ORIGIN.trim_end_matches(" (built in)");
            format!("{plain}:{line} (built in)")
        } else {
            format!("{}:{line}", file.display())
        })
    }
}

/// Explain every rule of `rules` for a brief and its assessment.
pub fn explain(b: &Brief, a: &Assessment, rules: &Rules) -> Vec<Explanation> {
    explain_with(b, a, rules, true)
}

/// Every rule's outcome alone, without the values it read (`walkaway test`
/// asks whether an exit script's condition held).
pub fn outcomes(b: &Brief, a: &Assessment, rules: &Rules) -> Vec<Explanation> {
    explain_with(b, a, rules, false)
}

fn explain_with(b: &Brief, a: &Assessment, rules: &Rules, values: bool) -> Vec<Explanation> {
    let f = &a.facts;
    let mut cel = context::cel_context(b, f);
    // The rules cannot name the exit scripts' extras (the checker refuses
    // them), so one context with them serves every rule.
    context::add(
        &mut cel,
        context::exit_variables(a.verdict, &a.deal_breakers, &a.red_flags),
    );
    let one = |id: &str, kind, when: &Condition, origin: &Path, at: Pos| {
        let (outcome, missing) = match when.eval(&cel, |r| missing::describe(b, f, r)) {
            Outcome::True => (Decision::Fired, None),
            Outcome::False => (Decision::NotFired, None),
            Outcome::NotEvaluable(m) => (Decision::NotEvaluable, Some(m)),
            // Not reached after an assessment that succeeded (a failing
            // condition fails the assessment), but said plainly if it were.
            Outcome::Error(d) => (Decision::NotEvaluable, Some(d.message)),
        };
        Explanation {
            id: id.to_string(),
            kind,
            outcome,
            values: if values {
                capture::capture(b, &cel, when)
            } else {
                Vec::new()
            },
            missing,
            chosen: None,
            file: Some(origin.to_path_buf()),
            line: Some(at.line),
        }
    };
    let mut out: Vec<Explanation> = Vec::new();
    for r in &rules.deal_breakers {
        out.push(one(
            &r.id,
            RuleKind::DealBreaker,
            &r.when,
            &r.origin,
            r.when_at,
        ));
    }
    for r in &rules.red_flags {
        out.push(one(&r.id, RuleKind::RedFlag, &r.when, &r.origin, r.when_at));
    }
    out.push(score_line(a, rules.caution_below, b));
    for (i, s) in rules.exit_scripts.iter().enumerate() {
        let mut e = one(&s.id, RuleKind::ExitScript, &s.when, &s.origin, s.when_at);
        let chosen = a.exit_script.as_ref().is_some_and(|c| c.index == i);
        e.chosen = Some(chosen);
        out.push(e);
    }
    out
}

/// The verdict's score check: `score < caution_below`.
fn score_line(a: &Assessment, caution_below: f64, b: &Brief) -> Explanation {
    let score = a.facts.score;
    let (outcome, missing) = match score {
        Some(s) if s < caution_below => (Decision::Fired, None),
        Some(_) => (Decision::NotFired, None),
        None => (
            Decision::NotEvaluable,
            Some(missing::Missing::NoOffer.describe(b)),
        ),
    };
    let number = |name: &str, x: Option<f64>| Reading {
        name: name.to_string(),
        value: x.map_or(Val::Null, |x| Val::Number(x, Measure::Score)),
        term: None,
        because: Vec::new(),
    };
    Explanation {
        id: SCORE_RULE.to_string(),
        kind: RuleKind::Score,
        outcome,
        values: vec![
            number("score", score),
            number("caution_below", Some(caution_below)),
        ],
        missing,
        chosen: None,
        file: None,
        line: None,
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
