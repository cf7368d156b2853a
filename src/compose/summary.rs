//! The verdict in words: every reason for it (DESIGN §3 `reasons`), the one
//! line that heads the pack, what to do about it, the BATNA and leverage as a
//! coach would put them, and what the brief does not say, in plain words.

use super::numbers::{and_list, format_score, value_text};
use super::rows::retraction_text;
use crate::assess::{
    Assessment, Fired, Leverage, Missing, NotEvaluable, Position, SCORE_RULE, Verdict,
};
use crate::brief::Brief;
use crate::rules::{Rules, Severity, Stage};

pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Walk => "Walk away",
        Verdict::Caution => "Caution",
        Verdict::Proceed => "Proceed",
    }
}

pub fn stage_label(s: Stage) -> &'static str {
    match s {
        Stage::Signal => "Signal",
        Stage::Warn => "Warn",
        Stage::Pause => "Pause",
        Stage::ExitOpen => "Exit, door open",
        Stage::ExitClosed => "Exit, door closed",
    }
}

/// Whether any term has an offer.
pub fn has_offer(b: &Brief) -> bool {
    b.terms.iter().any(|t| t.offer.is_some())
}

const NO_OFFER: &str = "There is no offer yet to accept or refuse: hear their first offer and measure it against your walk-away points before you answer.";

/// Every reason for the verdict, as plain sentences, in order: that there is
/// no offer yet (when so), each deal breaker that fired, each high red flag,
/// and the score when it is below `caution_below`.
pub fn reasons(b: &Brief, a: &Assessment, caution_below: f64) -> Vec<String> {
    let mut out = Vec::new();
    if !has_offer(b) {
        out.push(NO_OFFER.to_string());
    }
    out.extend(a.deal_breakers.iter().map(|d| deal_breaker(b, a, d)));
    out.extend(
        a.red_flags
            .iter()
            .filter(|f| f.severity == Some(Severity::High))
            .map(|f| red_flag(b, a, f)),
    );
    if let Some(s) = a.facts.score
        && s < caution_below
    {
        out.push(format!(
            "The deal scores {}, below the caution line of {}.",
            format_score(s),
            format_score(caution_below)
        ));
    }
    out
}

fn sentence(title: &str) -> String {
    let t = title.trim().trim_end_matches('.');
    format!("{t}.")
}

/// The terms past walk (deal breakers or not), in words.
fn past_walk(b: &Brief, a: &Assessment, deal_breaker: bool) -> Vec<String> {
    b.terms
        .iter()
        .zip(&a.facts.terms)
        .filter(|(t, e)| e.beyond_walk() && t.deal_breaker == deal_breaker)
        .map(|(t, _)| match t.kind {
            crate::brief::TermKind::YesNo => format!("{} (not in the offer)", t.label),
            _ => format!(
                "{} (they offer {}; our limit is {})",
                t.label,
                value_text(t, t.offer),
                value_text(t, Some(t.walk))
            ),
        })
        .collect()
}

fn deal_breaker(b: &Brief, a: &Assessment, d: &Fired) -> String {
    match d.id.as_str() {
        "beyond_walk" => {
            let terms = past_walk(b, a, true);
            if terms.is_empty() {
                sentence(&d.title)
            } else {
                format!("Past our walk-away point: {}.", and_list(&terms))
            }
        }
        "worse_than_batna" => match (a.facts.batna, a.facts.score) {
            (Some(x), Some(s)) => format!(
                "Our alternative, {}, scores {} against this offer's {}: taking it would leave us better off than this deal.",
                b.alternatives[x.index].name,
                format_score(x.score),
                format_score(s)
            ),
            _ => sentence(&d.title),
        },
        "bad_faith" => {
            "They have not dealt honestly: something we were told has turned out to be untrue, and no agreement can rest on it.".to_string()
        }
        _ => sentence(&d.title),
    }
}

fn red_flag(b: &Brief, a: &Assessment, f: &Fired) -> String {
    match f.id.as_str() {
        "retracted_concession" if !a.facts.retractions.is_empty() => format!(
            "They took back a concession: {}.",
            a.facts
                .retractions
                .iter()
                .map(|r| retraction_text(b, r))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        // The built-in behaviour flags, said as what they did.
        "hidden_fees" => "They have added costs that were not in the offer.".to_string(),
        "extreme_concessions" => {
            "They are demanding concessions far beyond what the deal can bear.".to_string()
        }
        "intimidation" => "They have tried to intimidate us.".to_string(),
        "bullying" => "They have bullied rather than negotiated.".to_string(),
        "stakeholders_not_aligned" => {
            format!(
                "Our own side has not signed off: waiting for {}.",
                and_list(&b.waiting_for())
            )
        }
        "soft_walk_crossed" => {
            let terms = past_walk(b, a, false);
            format!(
                "Past a limit we agreed we could give way on: {}. Decide what we get in return before conceding.",
                and_list(&terms)
            )
        }
        _ => sentence(&f.title),
    }
}

/// The one line that heads the pack: the first reason that decided the verdict.
pub fn headline(b: &Brief, a: &Assessment, caution_below: f64) -> String {
    let reasons = reasons(b, a, caution_below);
    let deciding = reasons.iter().find(|r| r.as_str() != NO_OFFER);
    match (a.verdict, deciding) {
        (Verdict::Walk | Verdict::Caution, Some(r)) => r.clone(),
        (_, _) => match a.facts.score {
            Some(s) => format!(
                "The deal scores {} and no deal breaker or serious red flag fired.",
                format_score(s)
            ),
            None => "No offer yet, and no deal breaker or serious red flag so far.".into(),
        },
    }
}

/// What to do about the verdict, in one sentence.
pub fn advice(b: &Brief, a: &Assessment) -> String {
    match a.verdict {
        Verdict::Walk => "Do not agree to this deal as it stands.".into(),
        Verdict::Caution => {
            "Proceed only with care: settle nothing in the room until you have dealt with each point below.".into()
        }
        Verdict::Proceed if has_offer(b) => {
            let waiting: Vec<&str> = b
                .terms
                .iter()
                .filter(|t| t.offer.is_none())
                .map(|t| t.label.as_str())
                .collect();
            let at_target = a
                .facts
                .terms
                .iter()
                .all(|e| matches!(e.position, Position::Wish | Position::Want));
            if !waiting.is_empty() {
                format!(
                    "What they have offered so far is inside your limits, but {} {} no offer yet: get one before you agree to anything.",
                    and_list(&waiting),
                    if waiting.len() == 1 { "has" } else { "have" }
                )
            } else if at_target {
                "Every term meets or beats your target: confirm the deal as it stands, get it in writing, and reopen nothing.".into()
            } else {
                "The offer is inside your limits. Work toward your targets rather than settling just above walk-away.".into()
            }
        }
        Verdict::Proceed => {
            "Nothing so far stops you from negotiating: go in prepared, and let them make the first offer.".into()
        }
    }
}

fn things(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {one}"),
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

/// Leverage, said as what it rests on (DESIGN §3).
pub fn leverage(b: &Brief, a: &Assessment) -> String {
    let alternatives = things(b.alternatives.len(), "alternative", "alternatives");
    let investment = b.investment.to_string();
    match a.facts.leverage {
        Leverage::Strong => format!(
            "strong: you have {alternatives} and a {investment} investment in this deal, so you can afford to walk."
        ),
        Leverage::Weak => format!(
            "weak: {alternatives} and a {investment} investment in this deal; build an alternative before you concede, and do not show how much you need this."
        ),
        Leverage::Moderate => {
            let but = if b.alternatives.len() >= 2 {
                "but"
            } else {
                "and"
            };
            format!(
                "moderate: {alternatives} {but} a {investment} investment in this deal; neither side holds all the cards."
            )
        }
    }
}

/// The BATNA in a sentence.
pub fn batna(b: &Brief, a: &Assessment) -> String {
    match a.facts.batna {
        Some(x) => {
            let name = &b.alternatives[x.index].name;
            match a.facts.score {
                Some(s) => format!(
                    "{name}, scoring {} against this deal's {}.",
                    format_score(x.score),
                    format_score(s)
                ),
                None => format!("{name}, scoring {}.", format_score(x.score)),
            }
        }
        None if !b.alternatives.is_empty() => {
            "not scored: none of the alternatives lists terms to compare. Price at least one before the meeting.".into()
        }
        None => {
            "none listed. Without one, walking away costs more: line one up before the meeting.".into()
        }
    }
}

/// What the brief does not say, in plain words: one line per rule that could
/// not be decided, leaving out what is not worth a line (no deadline).
pub fn missing(b: &Brief, a: &Assessment, rules: &Rules) -> Vec<String> {
    a.not_evaluable
        .iter()
        .filter_map(|n| missing_line(b, n, rules))
        .collect()
}

fn missing_line(b: &Brief, n: &NotEvaluable, rules: &Rules) -> Option<String> {
    let words: Vec<String> = n
        .why
        .iter()
        .filter_map(|m| match m {
            Missing::NoOffer => Some("there is no offer yet".to_string()),
            Missing::NoPricedAlternative if b.alternatives.is_empty() => {
                Some("no alternative is listed (add your best one, with its terms)".to_string())
            }
            Missing::NoPricedAlternative => {
                Some("none of the alternatives is priced (add their terms to compare)".to_string())
            }
            Missing::NoDeadline => None,
            Missing::NoOfferFor(terms) => {
                let labels: Vec<&str> = terms.iter().map(|i| b.terms[*i].label.as_str()).collect();
                Some(format!("there is no offer yet on {}", and_list(&labels)))
            }
            Missing::UnpricedAlternative => Some("an alternative is not priced".to_string()),
        })
        .collect();
    if words.is_empty() && !n.why.is_empty() {
        return None;
    }
    let what = if n.id == SCORE_RULE {
        "The deal cannot be scored".to_string()
    } else if let Some(r) = rules.rules().find(|r| r.id == n.id) {
        format!(
            "Cannot tell whether {}",
            lower_first(r.title.trim_end_matches('.'))
        )
    } else {
        format!("Cannot tell whether the exit script `{}` applies", n.id)
    };
    let why = if words.is_empty() {
        n.missing.clone()
    } else {
        and_list(&words)
    };
    Some(format!("{what}: {why}."))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f)
            if c.clone().next().is_some_and(char::is_lowercase) || c.clone().next().is_none() =>
        {
            f.to_lowercase().chain(c).collect()
        }
        Some(f) => std::iter::once(f).chain(c).collect(),
        None => String::new(),
    }
}
