//! Drawing a laid-out gauge row and the legend above the gauges. Every shape
//! reads in greyscale: beyond walk is hatched grey, the zone of agreement an
//! outlined band, their walk a dashed line, the offer a solid triangle and
//! the BATNA an open diamond; the legend names each.

use super::Gauge;
use super::canvas::{Canvas, GREY, Rgbf, TEXT, WHITE};
use super::fonts::Face;
use super::gauge::{BAR, LABEL_LEAD, LABEL_SIZE, MARK_SIZE, Row, TRI};
use super::layout::Flow;
use crate::render::gauge_plan::{self, Key, Kind};

const BEYOND: Rgbf = Rgbf(0.8, 0.8, 0.8);
const INSIDE: Rgbf = Rgbf(0.97, 0.97, 0.97);
const OFFER_BAD: Rgbf = Rgbf(0.6, 0.08, 0.08);
const OFFER_OK: Rgbf = Rgbf(0.05, 0.3, 0.12);
const THEIRS: Rgbf = Rgbf(0.18, 0.36, 0.72);
const ZONE_FILL: Rgbf = Rgbf(0.8, 0.86, 0.96);
const LEGEND_INK: Rgbf = Rgbf(0.3, 0.3, 0.3);
const LEGEND_LINE: f32 = 12.0;
const SWATCH: f32 = 14.0;

/// Diagonal hatching over `x0..x1`, `h` high from `top` (the beyond-walk zone).
fn hatch(cv: &mut Canvas, x0: f32, x1: f32, top: f32, h: f32) {
    cv.fill_rect(x0, top, x1 - x0, h, BEYOND);
    cv.hatch_rect(x0, top, x1 - x0, h);
}

/// A vertical dashed line (their walk).
fn dashed(cv: &mut Canvas, x: f32, y0: f32, y1: f32) {
    let mut y = y0;
    while y < y1 {
        cv.line(x, y, x, (y + 2.0).min(y1), 1.2, THEIRS);
        y += 3.2;
    }
}

fn diamond(cv: &mut Canvas, x: f32, y: f32, r: f32) {
    let pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
    cv.polygon(&pts, WHITE, Some(TEXT));
}

fn triangle(cv: &mut Canvas, x: f32, top: f32, tip: f32, ink: Rgbf) {
    cv.polygon(&[(x - 4.5, top), (x + 4.5, top), (x, tip)], ink, None);
}

fn zone(cv: &mut Canvas, x0: f32, x1: f32, top: f32, h: f32) {
    let w = (x1 - x0).max(1.5);
    cv.fill_rect(x0, top, w, h, ZONE_FILL);
    cv.stroke_rect(x0, top, w, h, 1.1, THEIRS);
}

impl Flow<'_, '_> {
    /// The legend's entries as lines of (key, x offset).
    fn legend_lines(&self, width: f32) -> Vec<Vec<(Key, f32)>> {
        let mut lines: Vec<Vec<(Key, f32)>> = vec![Vec::new()];
        let mut x = 0.0;
        for key in gauge_plan::legend(self.gauges) {
            let w = SWATCH + self.cv.fonts.width(Face::Regular, MARK_SIZE, key.words());
            if x > 0.0 && x + w > width {
                lines.push(Vec::new());
                x = 0.0;
            }
            if let Some(line) = lines.last_mut() {
                line.push((key, x));
            }
            x += w + 12.0;
        }
        lines
    }

    pub fn legend_height(&self, width: f32) -> f32 {
        self.legend_lines(width).len() as f32 * LEGEND_LINE + 3.0
    }

    /// One line (or more) naming the shapes, at the cursor; moves it down.
    pub fn draw_legend(&mut self, x: f32, width: f32) {
        for line in self.legend_lines(width) {
            let base = self.cv.y + 9.0;
            let mid = base - 2.6;
            let cv = &mut *self.cv;
            for (key, dx) in line {
                let sx = x + dx;
                match key {
                    Key::Offer => triangle(cv, sx + 5.0, mid - 3.5, mid + 3.0, TEXT),
                    Key::Batna => diamond(cv, sx + 5.0, mid, 4.0),
                    Key::TheirWalk => dashed(cv, sx + 5.0, mid - 5.0, mid + 5.0),
                    Key::Zone => zone(cv, sx, sx + 10.0, mid - 3.5, 7.0),
                    Key::Beyond => {
                        hatch(cv, sx, sx + 10.0, mid - 3.5, 7.0);
                        cv.stroke_rect(sx, mid - 3.5, 10.0, 7.0, 0.5, GREY);
                    }
                }
                cv.text(
                    sx + SWATCH,
                    base,
                    Face::Regular,
                    MARK_SIZE,
                    LEGEND_INK,
                    key.words(),
                );
            }
            self.cv.y += LEGEND_LINE;
        }
        self.cv.y += 3.0;
    }

    /// Draws a laid-out row at the cursor (the cursor does not move).
    pub fn draw_row(&mut self, g: &Gauge, row: &Row, x: f32) {
        let top = self.cv.y;
        let bar_top = top + row.bar_top();
        let bar_bot = bar_top + BAR;
        let cv = &mut *self.cv;
        for (i, line) in row.lines.iter().enumerate() {
            let base = top + row.label_base() + i as f32 * LABEL_LEAD;
            cv.line_text(x, base, LABEL_SIZE, TEXT, line);
        }
        // Zones: beyond walk hatched grey, walk..wish light, the rest white.
        let (lo, hi) = row.range;
        let (x_lo, x_walk, x_hi) = (row.x(lo), row.x(0.0), row.x(hi));
        cv.fill_rect(x_lo, bar_top, x_hi - x_lo, BAR, WHITE);
        cv.fill_rect(x_walk, bar_top, row.x(100.0) - x_walk, BAR, INSIDE);
        if x_walk > x_lo {
            hatch(cv, x_lo, x_walk, bar_top, BAR);
        }
        if let Some((a, b)) = g.zopa {
            zone(
                cv,
                row.x(a as f32),
                row.x(b as f32),
                bar_top - 1.0,
                BAR + 2.0,
            );
        }
        cv.stroke_rect(x_lo, bar_top, x_hi - x_lo, BAR, 0.5, GREY);
        for l in &row.labels {
            match l.kind {
                Kind::Walk => cv.line(l.at, bar_top - 3.0, l.at, bar_bot + 3.0, 1.6, TEXT),
                Kind::Want => cv.line(l.at, bar_top - 2.0, l.at, bar_bot + 2.0, 1.0, TEXT),
                Kind::Wish => cv.line(l.at, bar_top - 2.0, l.at, bar_bot + 2.0, 0.6, TEXT),
                Kind::TheirWalk => {
                    // A white lane under the dashes keeps them visible on the hatching.
                    cv.line(l.at, bar_top, l.at, bar_bot, 2.8, WHITE);
                    dashed(cv, l.at, bar_top - TRI, bar_bot + 3.0);
                }
                _ => {}
            }
        }
        // Markers over the ticks: the BATNA, then the offer on top.
        for l in &row.labels {
            match l.kind {
                Kind::Batna => diamond(cv, l.at, bar_top + BAR / 2.0, 5.0),
                Kind::Offer => {
                    let bad = g.offer_pos.is_some_and(|o| o < 0.0);
                    let ink = if bad { OFFER_BAD } else { OFFER_OK };
                    triangle(cv, l.at, bar_top - TRI, bar_top + 1.0, ink);
                }
                _ => {}
            }
        }
        for l in &row.labels {
            let base = top + row.baseline(l.side, l.lane);
            cv.text(l.left, base, Face::Regular, MARK_SIZE, TEXT, &l.text);
        }
    }
}
