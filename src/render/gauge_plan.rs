//! What a gauge shows, the same in the PDF and the HTML page: the stretch of
//! the score scale it draws, its marks with their labels (in the order they
//! claim a lane) and the legend entries the gauges need. Each backend measures
//! text and draws shapes its own way; `lanes` places the labels.

use super::lanes::Side;
use crate::compose::Gauge;

/// Scale limits: a wild offer would squash the walk..wish span to nothing.
const FLOOR: f64 = -150.0;
const CEIL: f64 = 250.0;

/// What a mark stands for (its shape and ink follow from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Walk,
    Want,
    Wish,
    Offer,
    Batna,
    TheirWalk,
}

/// A mark on the bar and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub kind: Kind,
    /// Position on the score scale, clamped to the drawn range.
    pub pos: f64,
    /// The label; "◀ " / " ▶" when the value lies beyond the drawn range.
    pub text: String,
    pub side: Side,
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// The stretch of the scale one gauge draws: −40..110, widened to show the
/// offer, the BATNA and their walk, within FLOOR..CEIL.
pub fn range(g: &Gauge) -> (f64, f64) {
    let vals = [g.offer_pos, g.batna_pos, g.their_walk_pos];
    let vals = vals.into_iter().filter_map(finite);
    let lo = vals.clone().fold(-40.0f64, f64::min);
    let hi = vals.fold(110.0f64, f64::max);
    (lo.max(FLOOR), hi.min(CEIL))
}

/// The gauge's marks, ours first (they are the frame a reader needs), then
/// the offer, the BATNA and their walk. Their walk carries the "no zone of
/// agreement" note, so the note takes part in the lanes like any label.
pub fn marks(g: &Gauge) -> Vec<Mark> {
    let (lo, hi) = range(g);
    let mut out = Vec::new();
    let mut push = |kind: Kind, pos: Option<f64>, text: Option<&String>, side: Side| {
        let (Some(pos), Some(text)) = (finite(pos), text) else {
            return;
        };
        let text = if pos < lo {
            format!("◀ {text}")
        } else if pos > hi {
            format!("{text} ▶")
        } else {
            text.clone()
        };
        out.push(Mark {
            kind,
            pos: pos.clamp(lo, hi),
            text,
            side,
        });
    };
    push(Kind::Walk, Some(0.0), Some(&g.walk_label), Side::Below);
    push(Kind::Want, g.want_pos, g.want_label.as_ref(), Side::Below);
    push(Kind::Wish, Some(100.0), g.wish_label.as_ref(), Side::Below);
    push(
        Kind::Offer,
        g.offer_pos,
        g.offer_label.as_ref(),
        Side::Above,
    );
    push(
        Kind::Batna,
        g.batna_pos,
        g.batna_label.as_ref(),
        Side::Below,
    );
    let theirs = g.their_walk_label.as_ref().map(|l| {
        if g.no_zopa {
            format!("{l} (no zone of agreement)")
        } else {
            l.clone()
        }
    });
    push(
        Kind::TheirWalk,
        g.their_walk_pos,
        theirs.as_ref(),
        Side::Above,
    );
    out
}

/// A legend entry: the shape drawn and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Offer,
    Batna,
    TheirWalk,
    Zone,
    Beyond,
}

impl Key {
    pub fn words(self) -> &'static str {
        match self {
            Key::Offer => "their offer",
            Key::Batna => "best alternative (BATNA)",
            Key::TheirWalk => "their walk",
            Key::Zone => "zone of agreement",
            Key::Beyond => "beyond walk-away",
        }
    }
}

/// The legend for a set of gauges: only what at least one of them shows.
pub fn legend(gauges: &[Gauge]) -> Vec<Key> {
    let any = |f: fn(&Gauge) -> bool| gauges.iter().any(f);
    [
        (Key::Offer, any(|g| finite(g.offer_pos).is_some())),
        (Key::Batna, any(|g| finite(g.batna_pos).is_some())),
        (Key::TheirWalk, any(|g| finite(g.their_walk_pos).is_some())),
        (Key::Zone, any(|g| g.zopa.is_some())),
        (Key::Beyond, !gauges.is_empty()),
    ]
    .into_iter()
    .filter_map(|(k, shown)| shown.then_some(k))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_scale_marks_sit_at_the_edge_with_an_arrow() {
        let g = Gauge {
            walk_label: "walk 10".into(),
            offer_pos: Some(900.0),
            offer_label: Some("offer 1".into()),
            their_walk_pos: Some(-20.0),
            their_walk_label: Some("their walk 12".into()),
            no_zopa: true,
            ..Gauge::default()
        };
        assert_eq!(range(&g), (-40.0, 250.0));
        let m = marks(&g);
        let offer = m.iter().find(|m| m.kind == Kind::Offer).expect("offer");
        assert_eq!((offer.pos, offer.text.as_str()), (250.0, "offer 1 ▶"));
        let theirs = m
            .iter()
            .find(|m| m.kind == Kind::TheirWalk)
            .expect("theirs");
        assert_eq!(theirs.text, "their walk 12 (no zone of agreement)");
        assert_eq!(
            legend(&[g]),
            vec![Key::Offer, Key::TheirWalk, Key::Beyond],
            "no zone, no BATNA: not in the legend"
        );
    }
}
