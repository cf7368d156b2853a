//! Where a gauge's labels go: each label sits on a lane above or below the
//! bar, as close to its mark as it can without touching another label, and
//! always inside the gauge's box. The PDF and the HTML page's SVG place their
//! labels with this one function (each measuring text its own way); Typst does
//! the same in its template, with its own text measurement.
//!
//! A label is first tried centred on its mark; when that overlaps a label on a
//! lane, it may slide sideways as long as it still spans its mark (so it reads
//! as that mark's label), else it tries the next lane out, and a new lane is
//! opened only when no existing one has room.

/// Which side of the bar a label belongs to: their things (offer, their walk)
/// above, ours (walk, want, wish, BATNA) below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

/// A label to place: the x of its mark and its width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Want {
    pub anchor: f64,
    pub width: f64,
    pub side: Side,
}

/// Where a label went: its left edge and its lane (0 next to the bar).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    pub left: f64,
    pub lane: usize,
}

/// The placed labels (in the order given) and how many lanes each side uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub spots: Vec<Spot>,
    pub above: usize,
    pub below: usize,
}

/// How far inside its own ends a label must still cover its mark when it
/// slides: a fifth of its width, so the mark is never at the label's very edge.
const HOLD: f64 = 0.2;

/// Places `wants` in order between `min` and `max`, `gap` apart at least.
/// A label wider than `max - min` starts at `min` (callers shorten first).
pub fn place(wants: &[Want], min: f64, max: f64, gap: f64) -> Placement {
    let mut lanes: [Vec<Vec<(f64, f64)>>; 2] = [Vec::new(), Vec::new()];
    let mut spots = Vec::with_capacity(wants.len());
    for w in wants {
        let side = &mut lanes[usize::from(w.side == Side::Below)];
        let hi = (max - w.width).max(min);
        let centred = (w.anchor - w.width / 2.0).clamp(min, hi);
        // Slide range: the label keeps covering its mark (or, for a mark at
        // the box's edge, as much as the box allows).
        let slide_lo = (w.anchor - (1.0 - HOLD) * w.width).clamp(min, hi);
        let slide_hi = (w.anchor - HOLD * w.width).clamp(min, hi);
        let (slide_lo, slide_hi) = (slide_lo.min(centred), slide_hi.max(centred));
        let found = side.iter().enumerate().find_map(|(i, lane)| {
            nearest_free(lane, centred, slide_lo, slide_hi, w.width, gap).map(|left| (i, left))
        });
        let (lane, left) = match found {
            Some(f) => f,
            None => {
                side.push(Vec::new());
                (side.len() - 1, centred)
            }
        };
        side[lane].push((left, left + w.width));
        spots.push(Spot { left, lane });
    }
    Placement {
        spots,
        above: lanes[0].len(),
        below: lanes[1].len(),
    }
}

/// The left edge within `lo..=hi` closest to `want` where a label `width`
/// wide keeps `gap` from everything on the lane.
fn nearest_free(
    lane: &[(f64, f64)],
    want: f64,
    lo: f64,
    hi: f64,
    width: f64,
    gap: f64,
) -> Option<f64> {
    let free = |left: f64| {
        lane.iter()
            .all(|(a, b)| left + width + gap <= *a + 1e-3 || left >= *b + gap - 1e-3)
    };
    // The best spot is the wanted one or touches a neighbour's gap.
    std::iter::once(want)
        .chain(lane.iter().flat_map(|(a, b)| [b + gap, a - gap - width]))
        .filter(|c| *c >= lo - 1e-3 && *c <= hi + 1e-3 && free(*c))
        .min_by(|x, y| (x - want).abs().total_cmp(&(y - want).abs()))
}

/// `text` shortened with an ellipsis until `width` says it fits in `max`.
pub fn shorten(text: &str, max: f64, width: impl Fn(&str) -> f64) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while chars.pop().is_some() {
        let t = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width(&t) <= max {
            return t;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(anchor: f64, width: f64, side: Side) -> Want {
        Want {
            anchor,
            width,
            side,
        }
    }

    fn overlaps(p: &Placement, wants: &[Want], gap: f64) -> bool {
        for (i, (a, wa)) in p.spots.iter().zip(wants).enumerate() {
            for (b, wb) in p.spots.iter().zip(wants).skip(i + 1) {
                if wa.side == wb.side
                    && a.lane == b.lane
                    && a.left < b.left + wb.width + gap - 1e-3
                    && b.left < a.left + wa.width + gap - 1e-3
                {
                    return true;
                }
            }
        }
        false
    }

    #[test]
    fn close_labels_take_separate_lanes_and_stay_inside() {
        // walk, BATNA, their walk, offer within a few points (a lease's rent).
        let wants = [
            want(100.0, 60.0, Side::Below),
            want(104.0, 66.0, Side::Below),
            want(98.0, 80.0, Side::Above),
            want(102.0, 62.0, Side::Above),
            want(300.0, 70.0, Side::Below),
        ];
        let p = place(&wants, 50.0, 320.0, 3.0);
        assert!(!overlaps(&p, &wants, 3.0), "{p:?}");
        assert_eq!((p.above, p.below), (2, 2), "{p:?}");
        for (s, w) in p.spots.iter().zip(&wants) {
            assert!(s.left >= 50.0 && s.left + w.width <= 320.0, "{s:?} {w:?}");
        }
        // The label at the right edge is shifted inward, not cut.
        assert!((p.spots[4].left - 250.0).abs() < 1e-3, "{:?}", p.spots[4]);
    }

    #[test]
    fn a_label_slides_but_keeps_covering_its_mark() {
        let wants = [
            want(100.0, 40.0, Side::Below),
            want(135.0, 40.0, Side::Below),
        ];
        let p = place(&wants, 0.0, 400.0, 3.0);
        assert_eq!(p.below, 1, "sliding saves a lane: {p:?}");
        let s = p.spots[1];
        assert!(
            s.left <= 135.0 - 0.2 * 40.0 + 1e-3 && s.left >= 123.0 - 1e-3,
            "{s:?}"
        );
        assert!(!overlaps(&p, &wants, 3.0));
    }

    #[test]
    fn shorten_adds_an_ellipsis_only_when_needed() {
        let w = |s: &str| s.chars().count() as f64;
        assert_eq!(shorten("walk 10", 10.0, w), "walk 10");
        assert_eq!(shorten("rubber and textile sets", 10.0, w), "rubber an…");
        assert_eq!(shorten("abc", 0.0, w), "");
    }
}
