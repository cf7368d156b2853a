//! Term gauges: one row per term, label on the left and a horizontal bar on
//! the right running on the score scale (walk = 0, wish = 100). The zone
//! beyond walk is grey and hatched; walk/want/wish are ticks; their offer is
//! a solid triangle and the BATNA an open diamond, their walk a short stroke
//! across the bar, and the zone of agreement a band along its lower edge, each
//! with a text label, so the gauge reads in greyscale. Labels that would
//! collide are stacked into lanes rather than overprinted.

use super::Gauge;
use super::canvas::{GREY, Rgbf, TEXT, WHITE};
use super::fonts::Face;
use super::layout::Flow;
use super::text::{Span, wrap};

const LABEL_SIZE: f32 = 9.0;
const MARK_SIZE: f32 = 7.5;
const LANE: f32 = 9.5;
const BAR: f32 = 7.0;
const TRI: f32 = 6.5;
const ROW_PAD: f32 = 5.0;
/// Scale limits: a wild offer would squash the walk..wish span to nothing.
const FLOOR: f32 = -150.0;
const CEIL: f32 = 250.0;
const HATCH: Rgbf = Rgbf(0.45, 0.45, 0.45);
const BEYOND: Rgbf = Rgbf(0.8, 0.8, 0.8);
const INSIDE: Rgbf = Rgbf(0.97, 0.97, 0.97);
const OFFER_BAD: Rgbf = Rgbf(0.6, 0.08, 0.08);
const OFFER_OK: Rgbf = Rgbf(0.05, 0.3, 0.12);
const ZOPA: Rgbf = Rgbf(0.18, 0.36, 0.72);
const THEIRS: Rgbf = Rgbf(0.18, 0.36, 0.72);

/// A label placed on a lane above (offer) or below (everything else) the bar.
struct Mark {
    text: String,
    x: f32,
    above: bool,
}

struct Row {
    lines: Vec<super::text::Line>,
    marks: Vec<(String, f32, bool, usize)>,
    above: usize,
    below: usize,
}

fn finite(v: Option<f64>) -> Option<f32> {
    v.filter(|v| !v.is_nan()).map(|v| v as f32)
}

/// Scale range for one gauge (see DESIGN: -40..110, widened for outliers).
fn range(g: &Gauge) -> (f32, f32) {
    let vals = [
        finite(g.offer_pos),
        finite(g.batna_pos),
        finite(g.their_walk_pos),
    ];
    let lo = vals.iter().flatten().fold(-40.0f32, |a, v| a.min(*v));
    let hi = vals.iter().flatten().fold(110.0f32, |a, v| a.max(*v));
    (lo.max(FLOOR), hi.min(CEIL))
}

impl Flow<'_, '_> {
    fn gauge_geometry(&self, x: f32, width: f32) -> (f32, f32, f32) {
        let label_w = (width * 0.28).max(80.0);
        (label_w, x + label_w + 14.0, x + width - 14.0)
    }

    fn lay_gauge(&mut self, g: &Gauge, x: f32, width: f32) -> Row {
        let (label_w, bx0, bx1) = self.gauge_geometry(x, width);
        let (lo, hi) = range(g);
        let pos = |v: f32| bx0 + (v.clamp(lo, hi) - lo) / (hi - lo) * (bx1 - bx0);
        let mut marks = vec![Mark {
            text: g.walk_label.clone(),
            x: pos(0.0),
            above: false,
        }];
        if let (Some(w), Some(l)) = (finite(g.want_pos), &g.want_label) {
            marks.push(Mark {
                text: l.clone(),
                x: pos(w),
                above: false,
            });
        }
        if let Some(l) = &g.wish_label {
            marks.push(Mark {
                text: l.clone(),
                x: pos(100.0),
                above: false,
            });
        }
        let clip = |v: f32, text: String| {
            if v < lo {
                format!("◀ {text}")
            } else if v > hi {
                format!("{text} ▶")
            } else {
                text
            }
        };
        if let (Some(o), Some(l)) = (finite(g.offer_pos), &g.offer_label) {
            marks.push(Mark {
                text: clip(o, l.clone()),
                x: pos(o),
                above: true,
            });
        }
        if let (Some(b), Some(l)) = (finite(g.batna_pos), &g.batna_label) {
            marks.push(Mark {
                text: clip(b, l.clone()),
                x: pos(b),
                above: false,
            });
        }
        if let (Some(t), Some(l)) = (finite(g.their_walk_pos), &g.their_walk_label) {
            let text = if g.no_zopa {
                format!("{l} (no zone of agreement)")
            } else {
                l.clone()
            };
            marks.push(Mark {
                text: clip(t, text),
                x: pos(t),
                above: true,
            });
        }
        // Greedy lanes: each label takes the first lane where it overlaps nothing.
        let fonts = self.cv.fonts;
        let (min_x, max_x) = (x + label_w + 4.0, x + width);
        let mut lanes: [Vec<Vec<(f32, f32)>>; 2] = [Vec::new(), Vec::new()];
        let mut placed = Vec::new();
        for m in marks {
            let text = self.clean.clean(fonts, Face::Regular, &m.text);
            let w = fonts.width(Face::Regular, MARK_SIZE, &text);
            let left = (m.x - w / 2.0).clamp(min_x, (max_x - w).max(min_x));
            let side = &mut lanes[usize::from(m.above)];
            let free = |lane: &Vec<(f32, f32)>| {
                lane.iter()
                    .all(|(a, b)| left + w + 3.0 <= *a || left >= *b + 3.0)
            };
            let lane = match side.iter().position(free) {
                Some(i) => i,
                None => {
                    side.push(Vec::new());
                    side.len() - 1
                }
            };
            side[lane].push((left, left + w));
            placed.push((text, left, m.above, lane));
        }
        let spans = [Span::plain(Face::Bold, g.label.clone())];
        let spans = self.clean_spans(&spans);
        Row {
            lines: wrap(fonts, LABEL_SIZE, label_w, &spans),
            marks: placed,
            above: lanes[1].len(),
            below: lanes[0].len(),
        }
    }

    /// Baseline of the term label's first line, relative to the row's top
    /// padding: level with the bar, or lower when labels stack above it.
    fn label_base(row: &Row) -> f32 {
        (row.above as f32 * LANE + TRI + BAR / 2.0 + 3.0).max(9.0)
    }

    fn row_height(row: &Row) -> f32 {
        let bar_block = row.above as f32 * LANE + TRI + BAR + 4.0 + row.below as f32 * LANE;
        let lines = row.lines.len().max(1) as f32;
        let label_block = Self::label_base(row) + (lines - 1.0) * 11.5 + 3.0;
        bar_block.max(label_block) + 2.0 * ROW_PAD
    }

    pub fn gauges_keep_height(&mut self, width: f32) -> f32 {
        let x = self.cv.geo.left;
        match self.gauges.first() {
            Some(g) => {
                let row = self.lay_gauge(g, x, width);
                Self::row_height(&row)
            }
            None => 0.0,
        }
    }

    pub fn draw_gauges(&mut self, x: f32, width: f32) {
        let gauges = self.gauges;
        for g in gauges {
            let row = self.lay_gauge(g, x, width);
            let h = Self::row_height(&row);
            self.ensure(h);
            self.draw_row(g, &row, x, width);
            self.cv.y += h;
        }
        self.cv.y += 4.0;
    }

    fn draw_row(&mut self, g: &Gauge, row: &Row, x: f32, width: f32) {
        let (_, bx0, bx1) = self.gauge_geometry(x, width);
        let (lo, hi) = range(g);
        let pos = |v: f32| bx0 + (v.clamp(lo, hi) - lo) / (hi - lo) * (bx1 - bx0);
        let y0 = self.cv.y + ROW_PAD;
        let bar_top = y0 + row.above as f32 * LANE + TRI;
        let bar_bot = bar_top + BAR;
        let cv = &mut *self.cv;

        for (i, line) in row.lines.iter().enumerate() {
            let base = y0 + Self::label_base(row) + i as f32 * 11.5;
            cv.line_text(x, base, LABEL_SIZE, TEXT, line);
        }
        // Zones: beyond walk hatched grey, walk..wish light, the rest white.
        let (x_lo, x_walk, x_hi) = (pos(lo), pos(0.0), pos(hi));
        cv.fill_rect(x_lo, bar_top, x_hi - x_lo, BAR, WHITE);
        cv.fill_rect(x_walk, bar_top, pos(100.0) - x_walk, BAR, INSIDE);
        if x_walk > x_lo {
            cv.fill_rect(x_lo, bar_top, x_walk - x_lo, BAR, BEYOND);
            let mut s = x_lo - BAR;
            while s < x_walk {
                let t0 = ((x_lo - s) / BAR).max(0.0);
                let t1 = ((x_walk - s) / BAR).min(1.0);
                if t1 > t0 {
                    let (xa, xb) = (s + t0 * BAR, s + t1 * BAR);
                    cv.line(xa, bar_bot - t0 * BAR, xb, bar_bot - t1 * BAR, 0.5, HATCH);
                }
                s += 3.5;
            }
        }
        // The zone of agreement: a band along the bar's lower edge.
        if let Some((a, b)) = g.zopa {
            let (za, zb) = (pos(a as f32), pos(b as f32));
            cv.fill_rect(za, bar_bot - 2.5, (zb - za).max(1.5), 2.5, ZOPA);
        }
        cv.stroke_rect(x_lo, bar_top, x_hi - x_lo, BAR, 0.5, GREY);
        // Ticks: walk heaviest, then want, then wish.
        cv.line(x_walk, bar_top - 3.0, x_walk, bar_bot + 3.0, 1.6, TEXT);
        if let Some(w) = finite(g.want_pos) {
            cv.line(pos(w), bar_top - 2.0, pos(w), bar_bot + 2.0, 1.0, TEXT);
        }
        // Their walk: a dashed-looking pair of short strokes above and below.
        if let Some(t) = finite(g.their_walk_pos) {
            let tx = pos(t);
            cv.line(tx, bar_top - TRI, tx, bar_top, 1.2, THEIRS);
            cv.line(tx, bar_bot, tx, bar_bot + 3.0, 1.2, THEIRS);
        }
        if g.wish_label.is_some() {
            cv.line(
                pos(100.0),
                bar_top - 2.0,
                pos(100.0),
                bar_bot + 2.0,
                0.6,
                TEXT,
            );
        }
        if let Some(b) = finite(g.batna_pos) {
            let (bx, cy, r) = (pos(b), bar_top + BAR / 2.0, 5.0);
            cv.polygon(
                &[(bx, cy - r), (bx + r, cy), (bx, cy + r), (bx - r, cy)],
                WHITE,
                Some(TEXT),
            );
        }
        if let Some(o) = finite(g.offer_pos) {
            let ox = pos(o);
            let ink = if o < 0.0 { OFFER_BAD } else { OFFER_OK };
            cv.polygon(
                &[
                    (ox - 4.5, bar_top - TRI),
                    (ox + 4.5, bar_top - TRI),
                    (ox, bar_top + 1.0),
                ],
                ink,
                None,
            );
        }
        for (text, left, above, lane) in &row.marks {
            let base = if *above {
                bar_top - TRI - *lane as f32 * LANE - 2.5
            } else {
                bar_bot + 4.0 + (*lane as f32 + 1.0) * LANE - 2.0
            };
            cv.text(*left, base, Face::Regular, MARK_SIZE, TEXT, text);
        }
    }
}
