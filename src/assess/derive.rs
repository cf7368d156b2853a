//! The derived values of DESIGN §3 that need no rules: each term's position, gap
//! and score; the deal's score; the alternatives' scores and the BATNA; leverage;
//! movement in the offer history; stakeholder alignment; days to the deadline.
//! Every number produced here is finite, whatever the limits (wish = want = walk).

use super::scale::{Leverage, Position, finite, gap_to_walk, position, score, tidy};
use super::{Batna, Facts, TermFacts, concessions, history, zopa};
use crate::brief::{Brief, Level, Term, TermValue};
use jiff::civil::Date;

/// The deal-breaker terms on which the BATNA gives a value past our walk, with
/// that value, in the order of the brief: while there are any, it is no
/// option we could take.
pub fn short_of_walk(b: &Brief, batna: Batna) -> Vec<(usize, TermValue)> {
    let alternative = &b.alternatives[batna.index];
    b.terms
        .iter()
        .enumerate()
        .filter(|(_, t)| t.deal_breaker)
        .filter_map(|(i, t)| {
            let v = alternative.terms.iter().find(|(j, _)| *j == i)?.1;
            (t.advantage(v, t.walk) < 0.0).then_some((i, v))
        })
        .collect()
}

/// Everything DESIGN §3 derives from a brief before any rule runs.
pub fn facts(b: &Brief, today: Date) -> Facts {
    let alternatives = alternative_scores(b);
    let batna = batna(&alternatives);
    let our_last = history::our_last(b);
    // An alternative that fails a must-have is no floor for any term.
    let batna_lacks_must_have = batna.is_some_and(|x| !short_of_walk(b, x).is_empty());
    let terms: Vec<TermFacts> = b
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let batna_value = batna.and_then(|x| {
                b.alternatives[x.index]
                    .terms
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, v)| *v)
            });
            let their = zopa::their_walk(b, i);
            let (zopa, no_zopa) = zopa::zopa(t, their.map(|x| x.0));
            let (position, gap_to_walk, score) = match t.offer {
                Some(v) => (position(t, v), Some(gap_to_walk(t, v)), Some(score(t, v))),
                None => (Position::Unknown, None, None),
            };
            TermFacts {
                position,
                gap_to_walk,
                score,
                our_last: our_last[i],
                batna_value,
                walk_below_batna: batna_value.is_some_and(|v| t.advantage(v, t.walk) > 0.0),
                batna_lacks_must_have,
                their_walk: their.map(|x| x.0),
                their_walk_source: their.map(|x| x.1),
                zopa,
                no_zopa,
                concessions: concessions::plan(t, our_last[i]),
            }
        })
        .collect();
    Facts {
        terms,
        score: weighted_score(&b.terms, |i| b.terms[i].offer),
        batna,
        alternatives,
        leverage: leverage(b),
        rounds_without_movement: history::rounds_without_movement(b),
        retracted: !history::retractions(b).is_empty(),
        stakeholders_aligned: b.stakeholders.iter().all(|s| s.signed_off),
        days_to_deadline: days_to_deadline(b, today),
        retractions: history::retractions(b),
        packages: Default::default(),
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
    (weights > 0.0).then(|| finite(tidy(sum / weights)))
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

pub fn days_to_deadline(b: &Brief, today: Date) -> Option<i64> {
    let deadline = b.deadline?;
    let span = today.until(deadline).ok()?;
    Some(i64::from(span.get_days()))
}
