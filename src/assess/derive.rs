//! The derived values of DESIGN §3 that need no rules: each term's position, gap
//! and score; the deal's score; the alternatives' scores and the BATNA; leverage;
//! movement in the offer history; stakeholder alignment; days to the deadline.
//! Every number produced here is finite, whatever the limits (wish = want = walk).

use jiff::civil::Date;
use serde::Serialize;

use crate::brief::{Brief, From, Level, Term, TermKind, TermValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Wish,
    Want,
    Walk,
    Beyond,
    Unknown,
}

impl Position {
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Wish => "wish",
            Position::Want => "want",
            Position::Walk => "walk",
            Position::Beyond => "beyond",
            Position::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leverage {
    Strong,
    Moderate,
    Weak,
}

/// What the engine derives for one term from its offer.
#[derive(Debug, Clone, Copy)]
pub struct TermEval {
    pub position: Position,
    pub gap_to_walk: Option<f64>,
    pub score: Option<f64>,
}

/// Past this, a score is not a useful number any more; it also keeps sums finite.
const SCORE_LIMIT: f64 = 1e9;

fn finite(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(-SCORE_LIMIT, SCORE_LIMIT)
    }
}

/// The level that stands in for wish (wish, else want, else walk) and for want.
pub fn wish_ref(t: &Term) -> TermValue {
    t.wish.or(t.want).unwrap_or(t.walk)
}

pub fn want_ref(t: &Term) -> TermValue {
    t.want.unwrap_or(t.walk)
}

pub fn position(t: &Term, v: TermValue) -> Position {
    if t.advantage(v, wish_ref(t)) >= 0.0 {
        Position::Wish
    } else if t.advantage(v, want_ref(t)) >= 0.0 {
        Position::Want
    } else if t.advantage(v, t.walk) >= 0.0 {
        Position::Walk
    } else {
        Position::Beyond
    }
}

/// 0 at walk, 100 at wish (want when there is no wish), linear, not clamped.
/// A yes/no term scores 100 when the value meets walk, else -100. When wish and
/// walk coincide there is no span to scale by: at or inside walk is 100; beyond
/// walk is scaled by the walk value itself (percent past it), or per option step.
pub fn score(t: &Term, v: TermValue) -> f64 {
    let inside = t.advantage(v, t.walk);
    if matches!(t.kind, TermKind::YesNo) {
        return if inside >= 0.0 { 100.0 } else { -100.0 };
    }
    let span = t.advantage(wish_ref(t), t.walk);
    let s = if span > 0.0 {
        100.0 * inside / span
    } else if inside >= 0.0 {
        100.0
    } else {
        match (t.walk, &t.kind) {
            (TermValue::Number(w), _) if w != 0.0 => 100.0 * inside / w.abs(),
            _ => 100.0 * inside,
        }
    };
    finite(s)
}

/// How far the value is inside walk, in the term's unit (option steps for a choice
/// term; 0 or -1 for a yes/no term), negative beyond.
pub fn gap_to_walk(t: &Term, v: TermValue) -> f64 {
    let inside = t.advantage(v, t.walk);
    match t.kind {
        TermKind::YesNo => {
            if inside >= 0.0 {
                0.0
            } else {
                -1.0
            }
        }
        _ => tidy(finite(inside)),
    }
}

/// Drop floating-point noise (0.93 - 0.9 = 0.030000000000000027).
pub fn tidy(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

pub fn eval_term(t: &Term) -> TermEval {
    match t.offer {
        Some(v) => TermEval {
            position: position(t, v),
            gap_to_walk: Some(gap_to_walk(t, v)),
            score: Some(score(t, v)),
        },
        None => TermEval {
            position: Position::Unknown,
            gap_to_walk: None,
            score: None,
        },
    }
}

/// Weight-averaged score over the terms that have a value; None when none has.
pub fn weighted_score(
    terms: &[Term],
    value_of: impl Fn(usize) -> Option<TermValue>,
) -> Option<f64> {
    let mut sum = 0.0;
    let mut weights = 0.0;
    for (i, t) in terms.iter().enumerate() {
        if let Some(v) = value_of(i) {
            sum += t.weight * score(t, v);
            weights += t.weight;
        }
    }
    (weights > 0.0).then(|| finite(sum / weights))
}

/// The score of each alternative (None when it names no terms): a term it does not
/// name counts at the current offer's value.
pub fn alternative_scores(b: &Brief) -> Vec<Option<f64>> {
    b.alternatives
        .iter()
        .map(|a| {
            if a.terms.is_empty() {
                return None;
            }
            // Its values by term index (the first one given, as before): one
            // pass, not a search through its terms for every term.
            let mut named = vec![None; b.terms.len()];
            for (j, v) in &a.terms {
                if let Some(slot @ None) = named.get_mut(*j) {
                    *slot = Some(*v);
                }
            }
            weighted_score(&b.terms, |i| named[i].or(b.terms[i].offer))
        })
        .collect()
}

/// The best-scoring alternative (first on ties), with its index and score.
pub fn batna(scores: &[Option<f64>]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in scores.iter().enumerate() {
        if let Some(s) = *s
            && best.is_none_or(|(_, b)| s > b)
        {
            best = Some((i, s));
        }
    }
    best
}

pub fn leverage(b: &Brief) -> Leverage {
    let n = b.alternatives.len();
    match b.investment {
        Level::Low | Level::Medium if n >= 2 => Leverage::Strong,
        Level::High if n == 0 => Leverage::Weak,
        _ => Leverage::Moderate,
    }
}

/// Their last consecutive offers that improved nothing for us, each compared with
/// their offer before it.
pub fn rounds_without_movement(b: &Brief) -> usize {
    let theirs: Vec<_> = b.offers.iter().filter(|o| o.from == From::Them).collect();
    let mut count = 0;
    for pair in theirs.windows(2).rev() {
        let (prev, cur) = (pair[0], pair[1]);
        let improved = cur.terms.iter().any(|(i, v)| {
            prev.terms
                .iter()
                .find(|(j, _)| j == i)
                .is_some_and(|(_, p)| b.terms[*i].advantage(*v, *p) > 0.0)
        });
        if improved {
            break;
        }
        count += 1;
    }
    count
}

/// Whether they made some term worse for us after having offered better.
pub fn retracted(b: &Brief) -> bool {
    let mut best: Vec<Option<TermValue>> = vec![None; b.terms.len()];
    for offer in b.offers.iter().filter(|o| o.from == From::Them) {
        for (i, v) in &offer.terms {
            let t = &b.terms[*i];
            match best[*i] {
                Some(prev) if t.advantage(*v, prev) < 0.0 => return true,
                Some(prev) if t.advantage(*v, prev) <= 0.0 => {}
                _ => best[*i] = Some(*v),
            }
        }
    }
    false
}

pub fn days_to_deadline(b: &Brief, today: Date) -> Option<i64> {
    let deadline = b.deadline?;
    let span = today.until(deadline).ok()?;
    Some(i64::from(span.get_days()))
}

pub fn describe(v: TermValue, t: &Term) -> String {
    match (v, &t.kind) {
        (TermValue::Number(x), _) => format_number(x),
        (TermValue::Choice(i), TermKind::Choice { options }) => {
            options.get(i).cloned().unwrap_or_default()
        }
        (TermValue::Choice(i), _) => i.to_string(),
        (TermValue::Bool(true), _) => "yes".into(),
        (TermValue::Bool(false), _) => "no".into(),
    }
}

/// Scores to one decimal, as the rules' texts print them.
pub fn format_score(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Numbers as people write them: no trailing zeros, at most 2 decimals.
pub fn format_number(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}
