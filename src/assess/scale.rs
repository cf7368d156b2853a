//! The scale of a term (DESIGN §3): where a value stands against wish, want and
//! walk, its score (walk 0, wish 100), how far it is inside walk, and the step
//! its values are written in. The leaf every other part of assess measures with.

use crate::brief::{Term, TermKind, TermValue};

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

pub fn finite(x: f64) -> f64 {
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

/// The step a numeric term's values are written in: the largest power of ten
/// that divides every value the brief gives for it (0.01 for 0.86, 0.90 and
/// 0.93; 1,000 for 92,000, 86,000 and 80,000), but no coarser than a fifth of
/// its scale and no finer than its decimals. Steps and packages are rounded
/// to it, so that they read as a person would propose them.
pub fn granularity(t: &Term) -> f64 {
    let finest = 10f64.powi(-(t.decimals as i32));
    // Not collected: packages ask for it at every rounding.
    let values = || {
        [t.wish, t.want, Some(t.walk), t.offer, t.their_walk]
            .into_iter()
            .filter_map(|v| match v {
                Some(TermValue::Number(x)) => Some(x),
                _ => None,
            })
    };
    let span = match (wish_ref(t), t.walk) {
        (TermValue::Number(a), TermValue::Number(b)) => (a - b).abs(),
        _ => 0.0,
    };
    let mut g = finest;
    while g * 10.0 <= span / 5.0
        && values().all(|x| {
            let q = x / (g * 10.0);
            (q - q.round()).abs() < 1e-6
        })
    {
        g *= 10.0;
    }
    g
}

/// Whether the term has a scale to score on: a numeric or choice term whose
/// wish (or the level standing in for it) differs from walk.
pub fn has_scale(t: &Term) -> bool {
    !matches!(t.kind, TermKind::YesNo) && t.advantage(wish_ref(t), t.walk) > 0.0
}

/// 0 at walk, 100 at wish (want when there is no wish), linear, not clamped.
/// A yes/no term, and a term whose scale is empty (wish = want = walk), scores
/// like a yes/no term: 100 when the value meets walk, else −100 — so that no
/// score depends on the term's unit (DESIGN §3).
pub fn score(t: &Term, v: TermValue) -> f64 {
    let inside = t.advantage(v, t.walk);
    if !has_scale(t) {
        return if inside >= 0.0 { 100.0 } else { -100.0 };
    }
    let span = t.advantage(wish_ref(t), t.walk);
    // Tidied: 100 × 0.4 / 1.0 is 39.99999999999999 in floating point, and a
    // score exactly on the caution line must not fall below it.
    finite(tidy(100.0 * inside / span))
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
