//! The concession plan of a term (DESIGN §3, 0.2), from the table as it stands:
//! open at our last offer when we made one (a concession made is never taken
//! back), else at wish; move toward want in steps that never grow; stop at want
//! (between want and walk is reserve, shown only as the floor). No step is worse
//! for us than their current offer: when that offer already meets want, accept.
//! A must-have yes/no term is held.

use super::scale::{granularity, want_ref, wish_ref};
use crate::brief::{Term, TermKind, TermValue};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The values to offer in turn (empty when accepting or holding).
    pub steps: Vec<TermValue>,
    /// Walk: never offered, only the limit.
    pub floor: TermValue,
    /// Their offer already meets want: take it.
    pub accept: bool,
    /// A must-have: not for trading.
    pub hold: bool,
    /// Not a walk-away issue (`deal_breaker: false`): concede it for something.
    pub tradeable: bool,
}

/// The plan for a term, given our last offer on it.
pub fn plan(t: &Term, our_last: Option<TermValue>) -> Plan {
    let want = want_ref(t);
    let accept = t.offer.is_some_and(|o| t.advantage(o, want) >= 0.0);
    let hold =
        matches!(t.kind, TermKind::YesNo) && t.deal_breaker && t.walk == TermValue::Bool(true);
    let steps = if accept || matches!(t.kind, TermKind::YesNo) {
        Vec::new()
    } else {
        let open = our_last.unwrap_or_else(|| wish_ref(t));
        let mut steps = toward(t, open, want);
        // A step worse for us than what they already offer is never proposed.
        if let Some(o) = t.offer {
            steps.retain(|s| t.advantage(*s, o) >= 0.0);
        }
        steps
    };
    Plan {
        steps,
        floor: t.walk,
        accept,
        hold,
        tradeable: !t.deal_breaker,
    }
}

/// From `open` toward `want`: half-way, most of the rest, then want, rounded to
/// the term's decimals, each step no larger than the one before. An opening
/// already at or past want stays where it is.
fn toward(t: &Term, open: TermValue, want: TermValue) -> Vec<TermValue> {
    if t.advantage(open, want) <= 0.0 {
        return vec![open];
    }
    match (open, want) {
        (TermValue::Number(a), TermValue::Number(b)) => {
            // Rounded as people write the term, and never outside open..want.
            let g = granularity(t);
            let (lo, hi) = (a.min(b), a.max(b));
            let round = |x: f64| super::scale::tidy(((x / g).round() * g).clamp(lo, hi));
            let mut steps = vec![a];
            let mut gaps: Vec<f64> = Vec::new();
            for x in [round(a + (b - a) * 0.5), round(a + (b - a) * 0.8), b] {
                loop {
                    let gap = (x - steps[steps.len() - 1]).abs();
                    if gap == 0.0 {
                        break;
                    }
                    if gaps.last().is_none_or(|g| gap <= g + 1e-9) {
                        steps.push(x);
                        gaps.push(gap);
                        break;
                    }
                    // Rounding made this step grow: skip it, unless it is want,
                    // which the plan must reach: then drop the step before.
                    if x != b {
                        break;
                    }
                    steps.pop();
                    gaps.pop();
                }
            }
            steps.into_iter().map(TermValue::Number).collect()
        }
        (TermValue::Choice(a), TermValue::Choice(b)) => {
            (a.min(b)..=a.max(b)).map(TermValue::Choice).collect()
        }
        _ => vec![open],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::Better;

    fn price(wish: f64, want: f64, walk: f64, offer: Option<f64>, decimals: u32) -> Term {
        Term {
            id: "price".into(),
            label: "Price".into(),
            unit: None,
            kind: TermKind::Number {
                better: if wish < walk {
                    Better::Lower
                } else {
                    Better::Higher
                },
            },
            wish: Some(TermValue::Number(wish)),
            want: Some(TermValue::Number(want)),
            walk: TermValue::Number(walk),
            offer: offer.map(TermValue::Number),
            their_walk: None,
            weight: 1.0,
            deal_breaker: true,
            decimals,
        }
    }

    fn nums(p: &Plan) -> Vec<f64> {
        p.steps
            .iter()
            .map(|v| match v {
                TermValue::Number(x) => *x,
                _ => f64::NAN,
            })
            .collect()
    }

    #[test]
    fn opens_at_wish_and_stops_at_want_in_shrinking_steps() {
        let p = plan(&price(1800.0, 2000.0, 2200.0, Some(2100.0), 0), None);
        assert_eq!(nums(&p), [1800.0, 1900.0, 1960.0, 2000.0]);
        assert!(!p.accept && !p.hold && !p.tradeable);
        assert_eq!(p.floor, TermValue::Number(2200.0));
    }

    #[test]
    fn never_reopens_below_a_concession_already_made() {
        // We offered 1,900 already: the plan starts there, not at 1,800.
        let p = plan(
            &price(1800.0, 2000.0, 2200.0, Some(2100.0), 0),
            Some(TermValue::Number(1900.0)),
        );
        assert_eq!(nums(&p), [1900.0, 1950.0, 1980.0, 2000.0]);
        // Already past want: stay there, never walk it back.
        let p = plan(
            &price(1800.0, 2000.0, 2200.0, Some(2150.0), 0),
            Some(TermValue::Number(2050.0)),
        );
        assert_eq!(nums(&p), [2050.0]);
    }

    #[test]
    fn accepts_when_their_offer_meets_want() {
        let p = plan(&price(1800.0, 2000.0, 2200.0, Some(1950.0), 0), None);
        assert!(p.accept);
        assert!(p.steps.is_empty());
    }

    #[test]
    fn steps_never_grow_after_rounding() {
        for (a, b) in [(0.0, 3.0), (0.0, 5.0), (0.0, 7.0), (10.0, 11.0), (1.0, 2.0)] {
            let p = plan(&price(a, b, b + 5.0, None, 0), None);
            let s = nums(&p);
            assert_eq!(s.first(), Some(&a));
            assert_eq!(s.last(), Some(&b));
            let gaps: Vec<f64> = s.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
            assert!(gaps.windows(2).all(|g| g[1] <= g[0] + 1e-9), "{s:?}");
        }
    }
}
