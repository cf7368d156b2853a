//! Term gauges: for each term with a scale (numeric or choice, wish ≠ walk),
//! where our levels, their offer, the BATNA's value and their walk sit on the
//! score scale (walk = 0, wish = 100), with the zone of agreement as a band.
//! Levels that coincide are one tick with one label ("want = wish"), never one
//! value drawn at two places. The PDF and the HTML page draw these; Typst
//! draws its own from the table rows.

use super::numbers::{their_walk_label, value_text};
use crate::assess::TermFacts;
use crate::assess::scale::{has_scale, score, want_ref, wish_ref};
use crate::brief::{Brief, TermValue};

/// One gauge. Positions are on the score scale: walk = 0, wish = 100, want in
/// between; an offer beyond walk is negative. Labels are complete ("walk 10.20
/// EUR") and carry the unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gauge {
    /// The term's label.
    pub label: String,
    pub walk_label: String,
    /// Want's tick, when want differs from walk and from wish.
    pub want_pos: Option<f64>,
    pub want_label: Option<String>,
    /// The tick at 100: wish ("want = wish" when they coincide), or want
    /// when the brief gives no wish (want then stands at 100).
    pub wish_label: Option<String>,
    pub offer_pos: Option<f64>,
    pub offer_label: Option<String>,
    pub batna_pos: Option<f64>,
    pub batna_label: Option<String>,
    pub their_walk_pos: Option<f64>,
    pub their_walk_label: Option<String>,
    /// The zone of agreement on the scale (low ≤ high).
    pub zopa: Option<(f64, f64)>,
    /// Their walk lies past ours: nothing satisfies both.
    pub no_zopa: bool,
}

/// The gauges of a brief, in file order.
pub fn gauges(b: &Brief, facts: &[TermFacts]) -> Vec<Gauge> {
    b.terms
        .iter()
        .zip(facts)
        .filter(|(t, _)| has_scale(t))
        .map(|(t, e)| {
            let text = |v: TermValue| value_text(t, Some(v));
            let pos = |v: TermValue| score(t, v);
            let want = want_ref(t);
            let wish = wish_ref(t);
            let want_is_walk = t.want.is_none() || want == t.walk;
            let want_is_wish = !want_is_walk && want == wish;
            let walk_label = if want_is_walk && t.want.is_some() {
                format!("walk = want {}", text(t.walk))
            } else {
                format!("walk {}", text(t.walk))
            };
            let wish_label = match t.wish {
                Some(w) if want_is_wish => Some(format!("want = wish {}", text(w))),
                Some(w) => Some(format!("wish {}", text(w))),
                // No wish: want is the top of the scale, and says so.
                None if !want_is_walk => Some(format!("want {}", text(want))),
                None => None,
            };
            let (want_pos, want_label) = if want_is_walk || want_is_wish {
                (None, None)
            } else {
                (Some(pos(want)), Some(format!("want {}", text(want))))
            };
            Gauge {
                label: t.label.clone(),
                walk_label,
                want_pos,
                want_label,
                wish_label,
                offer_pos: t.offer.map(pos),
                offer_label: t.offer.map(|v| format!("offer {}", text(v))),
                batna_pos: e.batna_value.map(pos),
                batna_label: e.batna_value.map(|v| format!("BATNA {}", text(v))),
                their_walk_pos: e.their_walk.map(pos),
                their_walk_label: e
                    .their_walk
                    .map(|_| format!("their walk {}", their_walk_label(t, e))),
                zopa: e.zopa.map(|z| {
                    let (a, b) = (
                        pos(TermValue::Number(z.low)),
                        pos(TermValue::Number(z.high)),
                    );
                    (a.min(b), a.max(b))
                }),
                no_zopa: e.no_zopa,
            }
        })
        .collect()
}
