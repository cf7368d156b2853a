//! The derived values of DESIGN §3 that need no rules: each term's position, gap
//! and score; the deal's score; the alternatives' scores and the BATNA; leverage;
//! movement in the offer history; stakeholder alignment; days to the deadline.
//! Every number produced here is finite, whatever the limits (wish = want = walk).

use super::{Batna, Facts, TermFacts};
use crate::brief::{Brief, From, Level, Term, TermKind, TermValue};
use jiff::civil::Date;

/// Everything DESIGN §3 derives from a brief before any rule runs.
pub fn facts(b: &Brief, today: Date) -> Facts {
    let alternatives = alternative_scores(b);
    Facts {
        terms: b.terms.iter().map(eval_term).collect(),
        score: weighted_score(&b.terms, |i| b.terms[i].offer),
        batna: batna(&alternatives),
        alternatives,
        leverage: leverage(b),
        rounds_without_movement: rounds_without_movement(b),
        retracted: retracted(b),
        stakeholders_aligned: b.stakeholders.iter().all(|s| s.signed_off),
        days_to_deadline: days_to_deadline(b, today),
    }
}

crate::vocabulary! {
    /// Where an offer stands against the term's levels.
    pub enum Position {
        Wish = "wish",
        Want = "want",
        Walk = "walk",
        Beyond = "beyond",
        Unknown = "unknown",
    }
}

crate::vocabulary! {
    /// Who holds the cards (DESIGN §3).
    pub enum Leverage { Strong = "strong", Moderate = "moderate", Weak = "weak" }
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

pub fn eval_term(t: &Term) -> TermFacts {
    match t.offer {
        Some(v) => TermFacts {
            position: position(t, v),
            gap_to_walk: Some(gap_to_walk(t, v)),
            score: Some(score(t, v)),
        },
        None => TermFacts {
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
            weighted_score(&b.terms, |i| {
                a.terms
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, v)| *v)
                    .or(b.terms[i].offer)
            })
        })
        .collect()
}

/// The best-scoring alternative (first on ties), with its index and score.
pub fn batna(scores: &[Option<f64>]) -> Option<Batna> {
    let mut best: Option<Batna> = None;
    for (index, s) in scores.iter().enumerate() {
        if let Some(score) = *s
            && best.is_none_or(|b| score > b.score)
        {
            best = Some(Batna { index, score });
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
