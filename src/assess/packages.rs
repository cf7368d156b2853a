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
//!
//! The room on each term is first what the table allows: never less than their
//! current offer (a package that asks for less gives back what they already
//! gave), never past the alternative's value where that is the floor that
//! matters, and never more than their limit where it is known (asked for, it
//! would be refused). A package that cannot be built in that room is built
//! between walk and wish alone, as before.

use super::TermFacts;
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
pub fn packages(b: &Brief, facts: &[TermFacts]) -> Vec<Package> {
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

    // Candidates in order: one around each of those pivots, then, while the
    // set is short (a pivot with no ground to give, or two packages alike),
    // around the other terms, all within the table's room; then the same
    // between walk and wish; then the deal with every term at want, which
    // scores the target exactly. Built lazily: most briefs stop early.
    let at_want = || {
        let mut values = base.clone();
        for &i in &negotiable {
            values[i] = target_values[i];
        }
        values
    };
    let table = Room::of_table(terms, facts);
    let open = Room::open(terms);
    let order: Vec<usize> = pivots.iter().chain(&rest).copied().collect();
    let candidates = order
        .iter()
        .map(|&pivot| build(terms, &negotiable, &base, pivot, target, &table))
        .chain(
            order
                .iter()
                .map(|&pivot| build(terms, &negotiable, &base, pivot, target, &open)),
        )
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
    // One package alone is no choice to put on the table (DESIGN §3 asks for
    // two or three): where no second one of equal value fits, there are none.
    if found.len() < 2 {
        found.clear();
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
    weighted(terms, terms.iter().zip(values).map(|(t, v)| score(t, *v)))
}

/// [`deal_score`] from each term's score, already worked out.
fn deal_score_of(terms: &[Term], scores: &[f64]) -> f64 {
    weighted(terms, scores.iter().copied())
}

/// The weight-averaged score, summed in the terms' order: the same sums, so
/// the same bits, however the scores were come by.
fn weighted(terms: &[Term], scores: impl Iterator<Item = f64>) -> f64 {
    let (sum, weights) = terms.iter().zip(scores).fold((0.0, 0.0), |(s, w), (t, x)| {
        (s + t.weight * x, w + t.weight)
    });
    if weights > 0.0 {
        tidy(sum / weights)
    } else {
        0.0
    }
}

/// How far a package may go on each term, in score (0 at walk, 100 at wish),
/// with the values at the two ends.
struct Room {
    lo: Vec<(f64, Option<TermValue>)>,
    hi: Vec<(f64, Option<TermValue>)>,
}

impl Room {
    /// Anywhere between walk and wish.
    fn open(terms: &[Term]) -> Room {
        Room {
            lo: vec![(0.0, None); terms.len()],
            hi: vec![(100.0, None); terms.len()],
        }
    }

    /// What the table allows: from their offer (or the alternative's value,
    /// where that is the floor) up to their limit, within walk and wish.
    fn of_table(terms: &[Term], facts: &[TermFacts]) -> Room {
        let mut room = Room::open(terms);
        for (i, (t, e)) in terms.iter().zip(facts).enumerate() {
            if !has_scale(t) {
                continue;
            }
            let at = |v: TermValue| (score(t, v).clamp(0.0, 100.0), Some(v));
            for floor in [t.offer, e.batna_floor(t)].into_iter().flatten() {
                let f = at(floor);
                if f.0 > room.lo[i].0 {
                    room.lo[i] = f;
                }
            }
            if let Some(theirs) = e.their_walk {
                room.hi[i] = at(theirs);
            }
            // Their limit short of our floor: no room at all; hold the floor.
            if room.hi[i].0 < room.lo[i].0 {
                room.hi[i] = room.lo[i];
            }
        }
        room
    }

    /// `t`'s value at score `s`, rounded as the brief writes it, and never
    /// past either end of the room (rounding may not cross one).
    fn value(&self, t: &Term, i: usize, s: f64) -> TermValue {
        let (lo, hi) = (self.lo[i], self.hi[i]);
        let v = value_at(t, s.clamp(lo.0, hi.0));
        let sv = score(t, v);
        match (lo.1, hi.1) {
            (Some(l), _) if sv < lo.0 - 1e-9 => l,
            (_, Some(h)) if sv > hi.0 + 1e-9 => h,
            _ => v,
        }
    }
}

/// One package around `pivot`, within `room`, or None when it cannot reach
/// the target there.
fn build(
    terms: &[Term],
    negotiable: &[usize],
    base: &[TermValue],
    pivot: usize,
    target: f64,
    room: &Room,
) -> Option<Vec<TermValue>> {
    let want_score = |i: usize| score(&terms[i], want_ref(&terms[i])).clamp(0.0, 100.0);
    let (lo, hi) = (|i: usize| room.lo[i].0, |i: usize| room.hi[i].0);
    let others: Vec<usize> = negotiable.iter().copied().filter(|&i| i != pivot).collect();
    let weight = |i: usize| terms[i].weight;
    let total: f64 = terms.iter().map(|t| t.weight).sum();
    if total <= 0.0 || weight(pivot) <= 0.0 {
        return None;
    }
    let mut scores: Vec<f64> = (0..terms.len())
        .map(|i| score(&terms[i], base[i]))
        .collect();
    for &i in negotiable {
        scores[i] = want_score(i).clamp(lo(i), hi(i));
    }
    // Conceding on the pivot is the point of its package: most of the ground
    // it has above its floor. The others then ask for more, each in
    // proportion to its room, so that the whole is worth the target.
    let down = 0.6 * (scores[pivot] - lo(pivot));
    let up_room = hi(pivot) - scores[pivot];
    let weighted = |s: &[f64]| terms.iter().zip(s).map(|(t, x)| t.weight * x).sum::<f64>();
    if down > 1.0 || up_room <= 1.0 {
        scores[pivot] -= down;
    } else {
        // A pivot with no ground to give (at its floor) asks for more on
        // itself instead, and the others give ground.
        scores[pivot] += 0.6 * up_room;
    }
    let need = target * total - weighted(&scores);
    if need > 0.0 {
        let capacity: f64 = others
            .iter()
            .map(|&i| weight(i) * (hi(i) - scores[i]))
            .sum();
        let f = if capacity > 0.0 {
            (need / capacity).min(1.0)
        } else {
            0.0
        };
        for &i in &others {
            scores[i] += f * (hi(i) - scores[i]);
        }
        let short = need - capacity.min(need);
        scores[pivot] = (scores[pivot] + short / weight(pivot)).min(hi(pivot));
    } else if need < 0.0 {
        let capacity: f64 = others
            .iter()
            .map(|&i| weight(i) * (scores[i] - lo(i)))
            .sum();
        let f = if capacity > 0.0 {
            (-need / capacity).min(1.0)
        } else {
            0.0
        };
        for &i in &others {
            scores[i] -= f * (scores[i] - lo(i));
        }
        let over = -need - capacity.min(-need);
        scores[pivot] = (scores[pivot] - over / weight(pivot)).max(lo(pivot));
    }
    let mut values = base.to_vec();
    for &i in negotiable {
        values[i] = room.value(&terms[i], i, scores[i]);
    }
    // Rounding moved the score: bring it back, on the term whose correction
    // lands closest (the pivot last, so that it keeps its concession). Each
    // term's score is kept beside its value, so that a trial scores only the
    // term it changes (scoring every term for every trial cost 2.4% of the
    // instructions of a `check` of 100 briefs).
    let mut at: Vec<f64> = terms
        .iter()
        .zip(&values)
        .map(|(t, v)| score(t, *v))
        .collect();
    for _ in 0..8 {
        let err = deal_score_of(terms, &at) - target;
        if err.abs() <= TOLERANCE / 5.0 {
            break;
        }
        // Each trial changes one score in place and puts it back.
        let mut best: Option<(f64, usize, TermValue, f64)> = None;
        for &i in others.iter().chain(std::iter::once(&pivot)) {
            let t = &terms[i];
            let wanted = at[i] - err * total / t.weight;
            let trial = room.value(t, i, wanted);
            let trial_score = score(t, trial);
            let kept = std::mem::replace(&mut at[i], trial_score);
            let e = (deal_score_of(terms, &at) - target).abs();
            at[i] = kept;
            // The first of equals wins.
            if best.is_none_or(|(b, ..)| e.total_cmp(&b).is_lt()) {
                best = Some((e, i, trial, trial_score));
            }
        }
        match best {
            Some((e, i, trial, trial_score)) if e < err.abs() => {
                values[i] = trial;
                at[i] = trial_score;
            }
            _ => break,
        }
    }
    ((deal_score_of(terms, &at) - target).abs() <= TOLERANCE).then_some(values)
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

#[cfg(test)]
mod tests {
    /// Assessing a brief leaves its packages to whoever shows them (the prep
    /// pack, `assessment.json`): `check` never pays for them.
    #[test]
    fn packages_are_worked_out_when_first_asked_for() {
        let text = "title: T\nside: buyer\nterms:\n  - { id: price, wish: 90, want: 100, walk: 120, offer: 110, better: lower }\n  - { id: days, wish: 60, want: 45, walk: 30, offer: 40, better: higher }\n";
        let (b, _, a) = crate::assess::assessed(text);
        assert!(a.facts.packages.get().is_none());
        let expected = super::packages(&b, &a.facts.terms);
        assert!(!expected.is_empty());
        assert_eq!(a.packages(&b), expected.as_slice());
        assert!(a.facts.packages.get().is_some());
    }
}
