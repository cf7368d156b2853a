//! The concession plan of a term: the values to move through, from where we
//! open toward our target. Walk-away values are floors, never steps.

use super::derive::{want_ref, wish_ref};
use crate::brief::{Term, TermKind, TermValue};

/// The steps from wish toward want, never past walk: half-way, then most of the
/// rest, then want, rounded to the precision the brief writes its values in. A
/// choice term moves one option at a time; a yes/no term has one value.
pub fn steps(t: &Term) -> Vec<TermValue> {
    let wish = wish_ref(t);
    let want = want_ref(t);
    match (&t.kind, wish, want) {
        (TermKind::Number { .. }, TermValue::Number(a), TermValue::Number(b)) => {
            let mut steps = vec![wish];
            if a != b {
                let scale = 10f64.powi(decimals(a).max(decimals(b)));
                let round = |x: f64| (x * scale).round() / scale;
                for x in [round(a + (b - a) * 0.5), round(a + (b - a) * 0.8), b] {
                    steps.push(TermValue::Number(x));
                }
            }
            steps
        }
        (TermKind::Choice { .. }, TermValue::Choice(a), TermValue::Choice(b)) => {
            (a.min(b)..=b.max(a)).map(TermValue::Choice).collect()
        }
        _ => vec![wish],
    }
}

/// How many decimals a value is written with (at most 4).
pub fn decimals(x: f64) -> i32 {
    (0..4)
        .find(|d| {
            let s = 10f64.powi(*d);
            ((x * s).round() - x * s).abs() < 1e-9
        })
        .unwrap_or(4)
}
