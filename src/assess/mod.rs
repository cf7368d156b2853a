//! Evaluation (DESIGN §3): brief + rules + today's date → `Assessment`. Pure: no
//! I/O, no clock, no printing. Everything a template shows comes from here (plus
//! the brief itself).

pub mod context;
pub mod derive;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value, json};

pub use derive::{Leverage, Position};

use crate::brief::Brief;
use crate::diag::{Diagnostic, did_you_mean};
use crate::render::texts;
use crate::rules::{Outcome, Rules, Severity, Stage};
use context::{Derived, to_cel, word};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Walk,
    Caution,
    Proceed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Batna {
    pub name: String,
    pub score: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermResult {
    pub id: String,
    pub label: String,
    pub position: Position,
    pub beyond_walk: bool,
    pub gap_to_walk: Option<f64>,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiredDealBreaker {
    pub id: String,
    pub title: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiredRedFlag {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub advice: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotEvaluable {
    pub id: String,
    pub missing: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChosenExit {
    pub id: String,
    pub stage: Stage,
}

/// The exit script's words, rendered for this brief.
#[derive(Debug, Clone, Serialize)]
pub struct ExitWords {
    pub say: Vec<String>,
    /// Plain-text subject; Markdown body (brief text in it escaped for Markdown).
    pub letter: Option<(String, String)>,
}

/// The result of evaluating one brief. Serialises to `assessment.json` exactly as
/// DESIGN §5 shows; the skipped fields feed the templates.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub brief: String,
    pub title: String,
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub batna: Option<Batna>,
    pub leverage: Leverage,
    pub terms: Vec<TermResult>,
    pub deal_breakers: Vec<FiredDealBreaker>,
    pub red_flags: Vec<FiredRedFlag>,
    pub not_evaluable: Vec<NotEvaluable>,
    pub exit_script: Option<ChosenExit>,
    /// The whole evaluation context (DESIGN §4 names plus the exit scripts'), as
    /// templates see it.
    #[serde(skip)]
    pub context: Map<String, Value>,
    #[serde(skip)]
    pub exit_words: Option<ExitWords>,
    /// Warnings about the brief found while evaluating (unknown observed ids).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// The id the built-in "score below `caution_below`" check is reported under.
pub const SCORE_RULE: &str = "caution_below";

/// Evaluate a brief. Errors are problems of the rules' texts (a Tera text that
/// fails to render for this brief), located at the rules file.
pub fn assess(b: &Brief, rules: &Rules, today: Date) -> Result<Assessment, Vec<Diagnostic>> {
    let d = context::derive(b, today);
    let mut ctx = context::base(b, &d);
    let missing = |reads: &[String]| explain_missing(b, &d, reads);

    let mut cel = cel::Context::default();
    for (k, v) in &ctx {
        cel.add_variable_from_value(k.clone(), to_cel(v));
    }

    let mut not_evaluable = Vec::new();
    // A condition wrong in itself (not missing data) is an error of the rules.
    let mut rule_errors: Vec<Diagnostic> = Vec::new();
    let mut fired_breakers = Vec::new();
    let mut fired_flags = Vec::new();
    for rule in &rules.deal_breakers {
        match rule.when.eval(&cel, missing) {
            Outcome::True => fired_breakers.push(rule),
            Outcome::False => {}
            Outcome::NotEvaluable(m) => not_evaluable.push(NotEvaluable {
                id: rule.id.clone(),
                missing: m,
            }),
            Outcome::Error(d) => rule_errors.push(*d),
        }
    }
    for rule in &rules.red_flags {
        match rule.when.eval(&cel, missing) {
            Outcome::True => fired_flags.push(rule),
            Outcome::False => {}
            Outcome::NotEvaluable(m) => not_evaluable.push(NotEvaluable {
                id: rule.id.clone(),
                missing: m,
            }),
            Outcome::Error(d) => rule_errors.push(*d),
        }
    }
    let below = match d.score {
        Some(s) => s < rules.caution_below,
        None => {
            not_evaluable.push(NotEvaluable {
                id: SCORE_RULE.into(),
                missing: "no term has an offer".into(),
            });
            false
        }
    };
    let verdict = if !fired_breakers.is_empty() {
        Verdict::Walk
    } else if below
        || fired_flags
            .iter()
            .any(|r| r.severity == Some(Severity::High))
    {
        Verdict::Caution
    } else {
        Verdict::Proceed
    };

    let breaker_ids: Vec<&str> = fired_breakers.iter().map(|r| r.id.as_str()).collect();
    let flag_ids: Vec<&str> = fired_flags.iter().map(|r| r.id.as_str()).collect();
    ctx.insert("verdict".into(), json!(word(&verdict)));
    ctx.insert("deal_breakers".into(), json!(breaker_ids));
    ctx.insert("red_flags".into(), json!(flag_ids));
    for k in ["verdict", "deal_breakers", "red_flags"] {
        cel.add_variable_from_value(k, to_cel(&ctx[k]));
    }

    let mut chosen: Option<&crate::rules::ExitScript> = None;
    for script in &rules.exit_scripts {
        match script.when.eval(&cel, missing) {
            Outcome::True => {
                if chosen.is_none_or(|c| script.priority > c.priority) {
                    chosen = Some(script);
                }
            }
            Outcome::False => {}
            Outcome::NotEvaluable(m) => not_evaluable.push(NotEvaluable {
                id: script.id.clone(),
                missing: m,
            }),
            Outcome::Error(d) => rule_errors.push(*d),
        }
    }

    if !rule_errors.is_empty() {
        return Err(rule_errors);
    }

    // Rule texts are rendered with the whole context, plus what letters need;
    // say lines and letters also see what fired, with its rendered text.
    let mut text_ctx = ctx.clone();
    texts::extend_for_letters(&mut text_ctx, b, &d);
    let mut errors = Vec::new();
    let deal_breakers: Vec<FiredDealBreaker> = fired_breakers
        .iter()
        .map(|r| FiredDealBreaker {
            id: r.id.clone(),
            title: r.title.clone(),
            why: render(
                &r.text,
                &text_ctx,
                false,
                &r.origin,
                &format!("the `why` of deal breaker `{}`", r.id),
                b,
                &mut errors,
            ),
        })
        .collect();
    let red_flags: Vec<FiredRedFlag> = fired_flags
        .iter()
        .map(|r| FiredRedFlag {
            id: r.id.clone(),
            severity: r.severity.unwrap_or(Severity::Medium),
            title: r.title.clone(),
            advice: render(
                &r.text,
                &text_ctx,
                false,
                &r.origin,
                &format!("the `advice` of red flag `{}`", r.id),
                b,
                &mut errors,
            ),
        })
        .collect();
    text_ctx.insert(
        "fired".into(),
        json!({ "deal_breakers": deal_breakers, "red_flags": red_flags }),
    );
    let exit_words = chosen.map(|s| {
        let what = |part: &str| format!("{part} of exit script `{}`", s.id);
        let say = s
            .say
            .iter()
            .map(|line| {
                render(
                    line,
                    &text_ctx,
                    false,
                    &s.origin,
                    &what("a `say` line"),
                    b,
                    &mut errors,
                )
            })
            .collect();
        let letter = s.letter.as_ref().map(|l| {
            let subject = render(
                &l.subject,
                &text_ctx,
                false,
                &s.origin,
                &what("the letter subject"),
                b,
                &mut errors,
            );
            let body = render(
                &l.body,
                &text_ctx,
                true,
                &s.origin,
                &what("the letter body"),
                b,
                &mut errors,
            );
            (subject.replace(['\r', '\n'], " ").trim().to_string(), body)
        });
        ExitWords { say, letter }
    });
    if !errors.is_empty() {
        return Err(errors);
    }

    let terms = b
        .terms
        .iter()
        .zip(&d.evals)
        .map(|(t, e)| TermResult {
            id: t.id.clone(),
            label: t.label.clone(),
            position: e.position,
            beyond_walk: e.position == Position::Beyond,
            gap_to_walk: e.gap_to_walk,
            score: e.score,
        })
        .collect();
    Ok(Assessment {
        brief: b.name.clone(),
        title: b.title.clone(),
        verdict,
        score: d.score,
        batna: d.batna.map(|(i, s)| Batna {
            name: b.alternatives[i].name.clone(),
            score: s,
        }),
        leverage: d.leverage,
        terms,
        deal_breakers,
        red_flags,
        not_evaluable,
        exit_script: chosen.map(|s| ChosenExit {
            id: s.id.clone(),
            stage: s.stage,
        }),
        context: text_ctx,
        exit_words,
        warnings: observed_warnings(b, rules),
    })
}

/// Render one rule text; a failure is a diagnostic against the rules file.
fn render(
    text: &str,
    ctx: &Map<String, Value>,
    markdown: bool,
    origin: &std::path::Path,
    what: &str,
    b: &Brief,
    errors: &mut Vec<Diagnostic>,
) -> String {
    texts::render(text, ctx, markdown).unwrap_or_else(|e| {
        errors.push(Diagnostic::error(
            origin,
            None,
            format!("{what} failed to render for {}: {e}", b.path.display()),
        ));
        String::new()
    })
}

/// What a condition that could not be decided was missing, from what it reads.
fn explain_missing(b: &Brief, d: &Derived, reads: &[String]) -> Option<String> {
    let reads = |n: &str| reads.iter().any(|r| r == n);
    let mut parts = Vec::new();
    if reads("score") && d.score.is_none() {
        parts.push("no term has an offer".to_string());
    }
    if reads("batna_score") && d.batna.is_none() {
        parts.push("no alternative has terms".to_string());
    }
    if reads("days_to_deadline") && d.days_to_deadline.is_none() {
        parts.push("the brief has no deadline".to_string());
    }
    if reads("terms") || reads("term") {
        let no_offer: Vec<&str> = b
            .terms
            .iter()
            .filter(|t| t.offer.is_none())
            .map(|t| t.id.as_str())
            .collect();
        if !no_offer.is_empty() && !parts.iter().any(|p| p == "no term has an offer") {
            parts.push(format!("no offer for {}", no_offer.join(", ")));
        }
    }
    if reads("alternatives") && b.alternatives.iter().any(|a| a.terms.is_empty()) {
        parts.push("an alternative has no terms".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// An observed id that no loaded rule mentions is most likely a typo.
fn observed_warnings(b: &Brief, rules: &Rules) -> Vec<Diagnostic> {
    let known = rules.mentioned_ids();
    b.observed
        .iter()
        .filter(|o| !rules.mentions(&o.id))
        .map(|o| {
            let hint = did_you_mean(&o.id, known.iter().map(String::as_str))
                .unwrap_or_else(|| "no rule tests for it, so it changes nothing".to_string());
            Diagnostic::warning(
                &b.path,
                Some(o.pos),
                format!("observed behaviour `{}` is not mentioned by any rule", o.id),
            )
            .with_hint(hint)
            .with_source(&b.source)
        })
        .collect()
}
