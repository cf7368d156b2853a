//! Term gauges: for each numeric or choice term, where walk, want, wish, their
//! offer and the BATNA's value sit on the score scale (walk = 0, wish = 100),
//! with their labels. The PDF and the HTML page draw them; Typst draws its own
//! from the table rows.

use super::numbers::{describe, with_unit};
use crate::assess::derive::score;
use crate::brief::{Brief, TermKind, TermValue};

/// One gauge per numeric or choice term. Positions are on the score scale:
/// walk = 0, wish = 100, want in between; an offer beyond walk is negative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gauge {
    pub label: String,
    pub walk_label: String,
    pub want_label: Option<String>,
    pub wish_label: Option<String>,
    pub want_pos: Option<f64>,
    pub offer_pos: Option<f64>,
    pub offer_label: Option<String>,
    pub batna_pos: Option<f64>,
    pub batna_label: Option<String>,
}

/// The gauges of a brief, in file order; `batna` is the index of the best
/// alternative, whose values are marked.
pub fn gauges(b: &Brief, batna: Option<usize>) -> Vec<Gauge> {
    let batna_alt = batna.and_then(|i| b.alternatives.get(i));
    b.terms
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.kind, TermKind::YesNo))
        .map(|(i, t)| {
            let text = |v: TermValue| with_unit(&describe(v, t), t.unit.as_deref());
            let batna_value =
                batna_alt.and_then(|a| a.terms.iter().find(|(j, _)| *j == i).map(|(_, v)| *v));
            let label = match (&t.unit, &t.kind) {
                (Some(u), TermKind::Number { .. }) if !u.is_empty() => format!("{} ({u})", t.label),
                _ => t.label.clone(),
            };
            Gauge {
                label,
                walk_label: describe(t.walk, t),
                want_label: t.want.map(|v| describe(v, t)),
                wish_label: t.wish.map(|v| describe(v, t)),
                want_pos: t.want.map(|v| score(t, v)),
                offer_pos: t.offer.map(|v| score(t, v)),
                offer_label: t.offer.map(text),
                batna_pos: batna_value.map(|v| score(t, v)),
                batna_label: batna_value.map(text),
            }
        })
        .collect()
}
