//! Evaluation (DESIGN §3): brief + rules + today's date → `Assessment`. Pure: no
//! I/O, no clock, no printing, no templates. It derives the facts (`derive`),
//! builds the conditions' context from them (`context`), runs the rules three-
//! valued, and decides the verdict and the exit script. What fired is reported by
//! id and by its place in the rules; the rules' texts are rendered later, in the
//! compose stage.

pub mod capture;
pub mod concessions;
pub mod context;
pub mod derive;
pub mod explain;
pub mod history;
pub mod missing;
pub mod packages;
pub mod reading;
pub mod scale;
pub mod zopa;

use jiff::civil::Date;
use serde::Serialize;

pub use scale::{Leverage, Position};

pub use concessions::Plan;
pub use history::Retraction;
pub use missing::Missing;
pub use packages::Package;
pub use zopa::{WalkSource, Zopa};

use crate::brief::{Brief, TermValue};
use crate::diag::Diagnostic;
use crate::rules::{Kind, Outcome, Rule, Rules, Severity, Stage};

crate::vocabulary! {
    /// Where the deal stands (DESIGN §3).
    pub enum Verdict { Walk = "walk", Caution = "caution", Proceed = "proceed" }
}

/// What the engine derives for one term (DESIGN §3).
#[derive(Debug, Clone, PartialEq)]
pub struct TermFacts {
    pub position: Position,
    /// How far the offer is inside walk, in the term's unit; negative beyond.
    pub gap_to_walk: Option<f64>,
    pub score: Option<f64>,
    /// Our latest offer on the term.
    pub our_last: Option<TermValue>,
    /// The BATNA's value for the term, when it names it.
    pub batna_value: Option<TermValue>,
    /// The BATNA already gives us better than our walk: tighten walk.
    pub walk_below_batna: bool,
    /// The BATNA fails one of our must-haves (a deal-breaker term it names is
    /// past walk): it is not a real alternative yet, and sets no floor.
    pub batna_lacks_must_have: bool,
    pub their_walk: Option<TermValue>,
    pub their_walk_source: Option<WalkSource>,
    pub zopa: Option<Zopa>,
    /// Their (known or estimated) walk lies past ours: no value satisfies both.
    pub no_zopa: bool,
    pub concessions: Plan,
}

impl TermFacts {
    pub fn beyond_walk(&self) -> bool {
        self.position == Position::Beyond
    }

    /// Between want and walk: acceptable, but not where we meant to finish.
    pub fn near_walk(&self) -> bool {
        self.position == Position::Walk
    }

    /// The alternative's value on the term, when that is the floor that
    /// matters: better for us than walk, and no better than want. (An
    /// alternative that beats even our target on one term is not comparable
    /// term by term: it is weighed whole.)
    pub fn batna_floor(&self, t: &crate::brief::Term) -> Option<TermValue> {
        let v = self.batna_value?;
        (self.walk_below_batna
            && !self.batna_lacks_must_have
            && t.advantage(scale::want_ref(t), v) >= 0.0)
            .then_some(v)
    }
}

/// The best alternative: its place in the brief's `alternatives` and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batna {
    pub index: usize,
    pub score: f64,
}

/// Everything derived from the brief alone, before any rule runs.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Per term, in the brief's order.
    pub terms: Vec<TermFacts>,
    /// Per alternative, in the brief's order: its score (None without terms).
    pub alternatives: Vec<Option<f64>>,
    /// The weight-averaged score of the offer (None when no term has an offer).
    pub score: Option<f64>,
    pub batna: Option<Batna>,
    pub leverage: Leverage,
    pub rounds_without_movement: usize,
    pub retracted: bool,
    pub stakeholders_aligned: bool,
    pub days_to_deadline: Option<i64>,
    /// Each concession they took back, in the order of the history.
    pub retractions: Vec<Retraction>,
    /// Packages of equal value to put on the table together (MESO), worked
    /// out when first asked for ([`Assessment::packages`]): only the prep
    /// pack and `assessment.json` show them, and they were a tenth of `check`.
    pub(crate) packages: std::sync::OnceLock<Vec<Package>>,
}

/// A deal breaker or red flag that fired: its place in `Rules::deal_breakers`
/// (or `red_flags`), so that the compose stage can render its text.
#[derive(Debug, Clone)]
pub struct Fired {
    pub index: usize,
    pub id: String,
    pub title: String,
    /// Red flags only.
    pub severity: Option<Severity>,
}

/// A rule that could not be decided, and what it lacked.
#[derive(Debug, Clone, Serialize)]
pub struct NotEvaluable {
    pub id: String,
    /// In words, as `assessment.json` reports it.
    pub missing: String,
    /// The same, for the pack's plain words (empty when the condition failed
    /// for another reason).
    #[serde(skip)]
    pub why: Vec<Missing>,
}

/// The exit script chosen: its place in `Rules::exit_scripts`, id and stage.
#[derive(Debug, Clone)]
pub struct ChosenExit {
    pub index: usize,
    pub id: String,
    pub stage: Stage,
}

/// The result of evaluating one brief against the rules.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub facts: Facts,
    pub verdict: Verdict,
    pub deal_breakers: Vec<Fired>,
    pub red_flags: Vec<Fired>,
    pub not_evaluable: Vec<NotEvaluable>,
    pub exit_script: Option<ChosenExit>,
    /// Warnings about the brief found while evaluating (unknown observed ids).
    pub warnings: Vec<Diagnostic>,
}

impl Assessment {
    /// The packages of equal value (MESO) for `b`, the brief this assessment
    /// is of: worked out on the first call, then kept.
    pub fn packages(&self, b: &Brief) -> &[Package] {
        self.facts
            .packages
            .get_or_init(|| packages::packages(b, &self.facts.terms))
    }
}

/// For tests: the brief written in `text`, the built-in rules, and the
/// brief assessed against them on 23 November 2026.
#[cfg(test)]
pub(crate) fn assessed(text: &str) -> (Brief, Rules, Assessment) {
    let (b, _) = crate::brief::load_str(std::path::Path::new("t.yaml"), text).expect("loads");
    let rules = crate::rules::load_default().expect("rules");
    let a = assess(&b, &rules, jiff::civil::date(2026, 11, 23)).expect("assesses");
    (b, rules, a)
}

pub use crate::rules::SCORE_RULE;

/// Evaluate a brief. An error is a rule whose condition is wrong in itself (a
/// type mismatch, a division by zero, its work budget spent), located at the
/// rules file; missing data is never an error ("not evaluable").
pub fn assess(b: &Brief, rules: &Rules, today: Date) -> Result<Assessment, Vec<Diagnostic>> {
    let facts = derive::facts(b, today);
    let mut cel = context::cel_context(b, &facts);
    let explain = |reads: &[String]| missing::explain(b, &facts, reads);
    let missing = |reads: &[String]| missing::describe(b, &facts, reads);

    let mut not_evaluable = Vec::new();
    // A condition wrong in itself (not missing data) is an error of the rules.
    let mut rule_errors: Vec<Diagnostic> = Vec::new();
    let mut run = |list: &[Rule]| -> Vec<Fired> {
        let mut fired = Vec::new();
        for (index, rule) in list.iter().enumerate() {
            match rule.when.eval(&cel, missing) {
                Outcome::True => fired.push(Fired {
                    index,
                    id: rule.id.clone(),
                    title: rule.title.clone(),
                    severity: match rule.kind {
                        Kind::RedFlag => Some(rule.severity.unwrap_or(Severity::Medium)),
                        Kind::DealBreaker => None,
                    },
                }),
                Outcome::False => {}
                Outcome::NotEvaluable(m) => not_evaluable.push(NotEvaluable {
                    id: rule.id.clone(),
                    missing: m,
                    why: explain(&rule.when.reads),
                }),
                Outcome::Error(d) => rule_errors.push(*d),
            }
        }
        fired
    };
    let deal_breakers = run(&rules.deal_breakers);
    let red_flags = run(&rules.red_flags);
    let below = match facts.score {
        Some(s) => s < rules.caution_below,
        None => {
            not_evaluable.push(NotEvaluable {
                id: SCORE_RULE.into(),
                missing: Missing::NoOffer.describe(b),
                why: vec![Missing::NoOffer],
            });
            false
        }
    };
    let verdict = if !deal_breakers.is_empty() {
        Verdict::Walk
    } else if below || red_flags.iter().any(|r| r.severity == Some(Severity::High)) {
        Verdict::Caution
    } else {
        Verdict::Proceed
    };

    context::add(
        &mut cel,
        context::exit_variables(verdict, &deal_breakers, &red_flags),
    );
    let mut chosen: Option<ChosenExit> = None;
    let mut best_priority = i64::MIN;
    for (index, script) in rules.exit_scripts.iter().enumerate() {
        match script.when.eval(&cel, missing) {
            Outcome::True => {
                if chosen.is_none() || script.priority > best_priority {
                    best_priority = script.priority;
                    chosen = Some(ChosenExit {
                        index,
                        id: script.id.clone(),
                        stage: script.stage,
                    });
                }
            }
            Outcome::False => {}
            Outcome::NotEvaluable(m) => not_evaluable.push(NotEvaluable {
                id: script.id.clone(),
                missing: m,
                why: explain(&script.when.reads),
            }),
            Outcome::Error(d) => rule_errors.push(*d),
        }
    }

    if !rule_errors.is_empty() {
        return Err(rule_errors);
    }
    let mut warnings = missing::observed_warnings(b, rules);
    // A letter is due (DESIGN §5: an exit script of stage warn or later): say
    // now, located, when its e-mail cannot be written.
    if chosen
        .as_ref()
        .is_some_and(|c| c.stage >= Stage::Warn && rules.exit_scripts[c.index].letter.is_some())
        && let Some(d) = b.email_gap()
    {
        warnings.push(d);
    }
    Ok(Assessment {
        facts,
        verdict,
        deal_breakers,
        red_flags,
        not_evaluable,
        exit_script: chosen,
        warnings,
    })
}
