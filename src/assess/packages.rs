//! Packages of equal value (MESO, DESIGN §3, 0.2): two or three offers to put on
//! the table together, each as good for us as the deal with every term at want,
//! each built differently, so that the one they choose shows what they value.
//!
//! Package k gives ground on one negotiable term (toward walk) and asks for more
//! on the others (toward wish), in proportion to the room each has, so that the
//! deal score stays at the target; values are then rounded to how the brief
//! writes them and nudged back to the target. A package that cannot be brought
//! within 2.5 points, or that differs from another on fewer than two terms, is
//! left out.

use super::scale::{granularity, has_scale, score, tidy, want_ref, wish_ref};
use crate::brief::{Brief, Term, TermKind, TermValue};

/// How close a package's score must be to the target (DESIGN §3).
pub const TOLERANCE: f64 = 2.5;

#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// A value per negotiable term and per must-have yes/no term, by term index.
    pub terms: Vec<(usize, TermValue)>,
    /// The deal score of the package.
    pub score: f64,
}

/// The packages of a brief (empty when fewer than two terms are negotiable).
pub fn packages(b: &Brief) -> Vec<Package> {
    let terms = &b.terms;
    let negotiable: Vec<usize> = (0..terms.len()).filter(|&i| has_scale(&terms[i])).collect();
    if negotiable.len() < 2 {
        return Vec::new();
    }
    // Everything outside a package counts at its walk value.
    let base: Vec<TermValue> = terms.iter().map(|t| t.walk).collect();
    let target_values = target_values(terms);
    let target = deal_score(terms, &target_values);

    // The terms to give ground on: the heaviest three (file order on ties),
    // presented in file order.
    let mut pivots = negotiable.clone();
    pivots.sort_by(|a, b| terms[*b].weight.total_cmp(&terms[*a].weight));
    let rest = pivots.split_off(3.min(pivots.len()));
    pivots.sort_unstable();
    let wanted = 3.min(negotiable.len());

    // Candidates in order: one around each of those pivots; then, while the
    // set is short (a pivot with no ground to give, or two packages alike),
    // around the other terms; then the deal with every term at want, which
    // scores the target exactly.
    let at_want = || {
        let mut values = base.clone();
        for &i in &negotiable {
            values[i] = target_values[i];
        }
        values
    };
    let candidates = pivots
        .iter()
        .chain(&rest)
        .map(|&pivot| build(terms, &negotiable, &base, pivot, target))
        .chain(std::iter::once_with(|| Some(at_want())));

    let mut found: Vec<Package> = Vec::new();
    for values in candidates {
        if found.len() == wanted {
            break;
        }
        let Some(values) = values else {
            continue;
        };
        let differs = |p: &Package| {
            negotiable
                .iter()
                .filter(|i| {
                    p.terms.iter().find(|(j, _)| j == *i).map(|(_, v)| *v) != Some(values[**i])
                })
                .count()
                >= 2
        };
        if !found.iter().all(differs) {
            continue;
        }
        let mut in_package: Vec<(usize, TermValue)> =
            negotiable.iter().map(|&i| (i, values[i])).collect();
        for (i, t) in terms.iter().enumerate() {
            if matches!(t.kind, TermKind::YesNo)
                && t.deal_breaker
                && t.walk == TermValue::Bool(true)
            {
                in_package.push((i, t.walk));
            }
        }
        in_package.sort_by_key(|(i, _)| *i);
        found.push(Package {
            terms: in_package,
            score: deal_score(terms, &values),
        });
    }
    found
}

/// The values of the target deal: every term at want (or the level that
/// stands in for it), a yes/no term meeting its walk.
fn target_values(terms: &[Term]) -> Vec<TermValue> {
    terms
        .iter()
        .map(|t| match t.kind {
            TermKind::YesNo => t.walk,
            _ => want_ref(t),
        })
        .collect()
}

/// The score every package is built to: the deal at the target values.
pub fn target(terms: &[Term]) -> f64 {
    deal_score(terms, &target_values(terms))
}

/// The weight-averaged score of a full set of values.
pub fn deal_score(terms: &[Term], values: &[TermValue]) -> f64 {
    let (sum, weights) = terms.iter().zip(values).fold((0.0, 0.0), |(s, w), (t, v)| {
        (s + t.weight * score(t, *v), w + t.weight)
    });
    if weights > 0.0 {
        tidy(sum / weights)
    } else {
        0.0
    }
}

/// One package around `pivot`, or None when it cannot reach the target.
fn build(
    terms: &[Term],
    negotiable: &[usize],
    base: &[TermValue],
    pivot: usize,
    target: f64,
) -> Option<Vec<TermValue>> {
    let want_score = |i: usize| score(&terms[i], want_ref(&terms[i])).clamp(0.0, 100.0);
    let others: Vec<usize> = negotiable.iter().copied().filter(|&i| i != pivot).collect();
    let weight = |i: usize| terms[i].weight;
    // Give ground on the pivot (down from want) and ask more elsewhere, or, when
    // the pivot has no ground to give (want = walk), the other way round.
    let down_room = want_score(pivot);
    let up_capacity: f64 = others
        .iter()
        .map(|&i| weight(i) * (100.0 - want_score(i)))
        .sum();
    let up_room = 100.0 - want_score(pivot);
    let down_capacity: f64 = others.iter().map(|&i| weight(i) * want_score(i)).sum();
    let down = down_room.min(up_capacity / weight(pivot));
    let up = up_room.min(down_capacity / weight(pivot));
    // Conceding on the pivot is the point of its package; only a pivot with no
    // ground to give (want at walk) asks for more on itself instead.
    let (shift, capacity, room): (f64, f64, Box<dyn Fn(usize) -> f64>) = if down > 1.0 || down >= up
    {
        (
            -0.6 * down,
            up_capacity,
            Box::new(move |i| 100.0 - want_score(i)),
        )
    } else {
        (0.6 * up, down_capacity, Box::new(move |i| -want_score(i)))
    };
    if shift.abs() < 1e-9 || capacity <= 0.0 {
        return None;
    }
    let mut scores: Vec<f64> = (0..terms.len()).map(want_score).collect();
    scores[pivot] += shift;
    let moved = -shift * weight(pivot);
    for &i in &others {
        scores[i] += room(i) * moved.abs() / capacity;
    }
    let mut values = base.to_vec();
    for &i in negotiable {
        values[i] = value_at(&terms[i], scores[i]);
    }
    // Rounding moved the score: bring it back, on the term whose correction
    // lands closest (the pivot last, so that it keeps its concession).
    for _ in 0..8 {
        let err = deal_score(terms, &values) - target;
        if err.abs() <= TOLERANCE / 5.0 {
            break;
        }
        let total: f64 = terms.iter().map(|t| t.weight).sum();
        let best = others
            .iter()
            .chain(std::iter::once(&pivot))
            .map(|&i| {
                let t = &terms[i];
                let wanted = score(t, values[i]) - err * total / t.weight;
                let mut trial = values.clone();
                trial[i] = value_at(t, wanted);
                ((deal_score(terms, &trial) - target).abs(), i, trial)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((e, _, trial)) if e < err.abs() => values = trial,
            _ => break,
        }
    }
    ((deal_score(terms, &values) - target).abs() <= TOLERANCE).then_some(values)
}

/// The value of a term at a score between 0 (walk) and 100 (wish), rounded to
/// how the brief writes it (a whole option for a choice term).
pub fn value_at(t: &Term, s: f64) -> TermValue {
    let s = s.clamp(0.0, 100.0);
    match (t.walk, wish_ref(t)) {
        (TermValue::Number(walk), TermValue::Number(wish)) => {
            let g = granularity(t);
            let x = ((walk + (wish - walk) * s / 100.0) / g).round() * g;
            TermValue::Number(tidy(x.clamp(walk.min(wish), walk.max(wish))))
        }
        (TermValue::Choice(walk), TermValue::Choice(wish)) => {
            let span = walk as f64 - wish as f64;
            let i = (walk as f64 - span * s / 100.0).round();
            TermValue::Choice((i.max(wish as f64).min(walk as f64)) as usize)
        }
        (walk, _) => walk,
    }
}
