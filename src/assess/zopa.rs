//! Their limit and the zone of agreement (DESIGN §3, 0.2). Their walk is the
//! brief's estimate when it gives one; otherwise, on a numeric term, it is read
//! from how their concessions shrink: after at least two concessions, the last
//! smaller than the one before (ratio r < 1), they are assumed to go on
//! shrinking at that ratio, which adds up to last × r / (1 − r) more. The zone of
//! agreement is where our walk and theirs overlap.

use serde::Serialize;

use super::history;
use super::scale::tidy;
use crate::brief::{Better, Brief, Term, TermKind, TermValue};

crate::vocabulary! {
    /// Where an estimate of their walk comes from.
    pub enum WalkSource { Brief = "brief", Offers = "offers" }
}

/// Where a deal is possible on a numeric term: `low` ≤ `high`, in the term's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Zopa {
    pub low: f64,
    pub high: f64,
}

/// Their walk on a term and where it comes from.
pub fn their_walk(b: &Brief, term: usize) -> Option<(TermValue, WalkSource)> {
    let t = &b.terms[term];
    if let Some(v) = t.their_walk {
        return Some((v, WalkSource::Brief));
    }
    let TermKind::Number { better } = t.kind else {
        return None;
    };
    estimate(t, better, &history::theirs(b, term)).map(|v| (v, WalkSource::Offers))
}

/// The estimate from their offers on a numeric term, oldest first.
pub fn estimate(t: &Term, better: Better, offers: &[TermValue]) -> Option<TermValue> {
    let concessions: Vec<f64> = offers
        .windows(2)
        .map(|w| t.advantage(w[1], w[0]))
        .filter(|gain| *gain > 0.0)
        .collect();
    let [.., previous, last] = concessions[..] else {
        return None;
    };
    let r = last / previous;
    if r.is_nan() || r >= 1.0 {
        return None;
    }
    let TermValue::Number(latest) = *offers.last()? else {
        return None;
    };
    let more = last * r / (1.0 - r);
    let value = match better {
        Better::Lower => latest - more,
        Better::Higher => latest + more,
    };
    value.is_finite().then(|| TermValue::Number(tidy(value)))
}

/// The zone of agreement on a numeric term (None unless their walk is known and
/// overlaps ours), and whether no value can satisfy both sides.
pub fn zopa(t: &Term, their_walk: Option<TermValue>) -> (Option<Zopa>, bool) {
    let Some(theirs) = their_walk else {
        return (None, false);
    };
    if t.advantage(theirs, t.walk) < 0.0 {
        return (None, true);
    }
    match (theirs, t.walk) {
        (TermValue::Number(a), TermValue::Number(b)) => (
            Some(Zopa {
                low: a.min(b),
                high: a.max(b),
            }),
            false,
        ),
        _ => (None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(better: Better) -> Term {
        Term {
            id: "price".into(),
            label: "Price".into(),
            unit: None,
            kind: TermKind::Number { better },
            wish: None,
            want: None,
            walk: TermValue::Number(100.0),
            offer: None,
            their_walk: None,
            weight: 1.0,
            deal_breaker: true,
            decimals: 0,
        }
    }

    fn est(better: Better, offers: &[f64]) -> Option<f64> {
        let offers: Vec<TermValue> = offers.iter().map(|x| TermValue::Number(*x)).collect();
        estimate(&term(better), better, &offers).map(|v| match v {
            TermValue::Number(x) => x,
            _ => f64::NAN,
        })
    }

    #[test]
    fn the_estimate_needs_two_shrinking_concessions() {
        use Better::*;
        // 0 and 1 concession: nothing to extrapolate.
        assert_eq!(est(Lower, &[]), None);
        assert_eq!(est(Lower, &[120.0]), None);
        assert_eq!(est(Lower, &[120.0, 110.0]), None);
        // 2 concessions, shrinking 10 then 5 (r = 0.5): 5 × 0.5 / 0.5 = 5 more.
        assert_eq!(est(Lower, &[120.0, 110.0, 105.0]), Some(100.0));
        // 3 concessions: the last two count (8 then 2, r = 0.25: 2/3 more).
        let e = est(Lower, &[130.0, 120.0, 112.0, 110.0]).expect("estimate");
        assert!((e - (110.0 - 2.0 / 3.0)).abs() < 1e-6, "{e}");
        // Growing or equal concessions: no limit in sight.
        assert_eq!(est(Lower, &[120.0, 115.0, 105.0]), None);
        assert_eq!(est(Lower, &[120.0, 115.0, 110.0]), None);
        // Higher is better (we sell): their limit lies above their last offer.
        assert_eq!(est(Higher, &[80.0, 90.0, 95.0]), Some(100.0));
        // A round without movement between concessions is not a concession.
        assert_eq!(est(Lower, &[120.0, 110.0, 110.0, 105.0]), Some(100.0));
    }

    #[test]
    fn the_zone_of_agreement_in_both_directions() {
        let buyer = term(Better::Lower); // we pay at most 100
        assert_eq!(
            zopa(&buyer, Some(TermValue::Number(90.0))),
            (
                Some(Zopa {
                    low: 90.0,
                    high: 100.0
                }),
                false
            )
        );
        assert_eq!(zopa(&buyer, Some(TermValue::Number(110.0))), (None, true));
        assert_eq!(zopa(&buyer, None), (None, false));
        let seller = term(Better::Higher); // we take at least 100
        assert_eq!(
            zopa(&seller, Some(TermValue::Number(120.0))),
            (
                Some(Zopa {
                    low: 100.0,
                    high: 120.0
                }),
                false
            )
        );
        assert_eq!(zopa(&seller, Some(TermValue::Number(95.0))), (None, true));
        // Equal limits: one value satisfies both.
        assert_eq!(
            zopa(&seller, Some(TermValue::Number(100.0))),
            (
                Some(Zopa {
                    low: 100.0,
                    high: 100.0
                }),
                false
            )
        );
    }
}
