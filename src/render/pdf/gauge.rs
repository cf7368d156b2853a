//! Term gauges: one row per term, label on the left (wrapped) and a
//! horizontal bar on the right running on the score scale (walk = 0, wish =
//! 100). Labels sit on lanes above the bar (their offer, their walk) and below
//! it (walk, want, wish, BATNA), placed by `render::lanes` so none touches
//! another, the bar or its marks, and all stay inside the body's width.
//!
//! On the page, the gauges follow the terms table: the table keeps its last
//! row with the legend and the first gauge (`keep_after`), a gauge row is
//! never split, the last gauge is not left alone on a new page when the one
//! before can go with it, and the legend is repeated on every page the gauges
//! reach. Shapes and the legend are drawn in `gauge_draw`.

use super::Gauge;
use super::fonts::Face;
use super::layout::{Flow, PARA_GAP};
use super::markdown::Block;
use super::text::{Line, Span, wrap};
use crate::render::gauge_plan::{self, Kind};
use crate::render::lanes::{self, Side, Want};

pub const LABEL_SIZE: f32 = 9.0;
pub const LABEL_LEAD: f32 = 11.5;
pub const MARK_SIZE: f32 = 7.5;
pub const LANE: f32 = 9.5;
pub const BAR: f32 = 7.0;
/// Room above the bar for the offer's triangle and their walk's dashes.
pub const TRI: f32 = 6.5;
const ROW_PAD: f32 = 5.0;
const GAP: f32 = 6.0;
/// Space after the gauges block.
const AFTER: f32 = 4.0;

/// A placed label.
pub struct Label {
    pub kind: Kind,
    /// The mark's x.
    pub at: f32,
    pub text: String,
    pub left: f32,
    pub width: f32,
    pub side: Side,
    pub lane: usize,
}

/// One gauge laid out: positions are absolute in x, relative to the row's
/// top in y (see `bar_top`).
pub struct Row {
    pub lines: Vec<Line>,
    pub labels: Vec<Label>,
    pub above: usize,
    pub below: usize,
    /// The bar's ends in x and the drawn stretch of the scale.
    pub bar: (f32, f32),
    pub range: (f32, f32),
}

impl Row {
    /// x of a score on this row's bar.
    pub fn x(&self, score: f32) -> f32 {
        let (lo, hi) = self.range;
        self.bar.0 + (score.clamp(lo, hi) - lo) / (hi - lo) * (self.bar.1 - self.bar.0)
    }

    /// The bar's top, from the row's top.
    pub fn bar_top(&self) -> f32 {
        ROW_PAD + self.above as f32 * LANE + TRI
    }

    /// Baseline of a label, from the row's top.
    pub fn baseline(&self, side: Side, lane: usize) -> f32 {
        match side {
            Side::Above => self.bar_top() - TRI - 2.5 - lane as f32 * LANE,
            Side::Below => self.bar_top() + BAR + 11.5 + lane as f32 * LANE,
        }
    }

    /// Baseline of the term label's first line, from the row's top: level with
    /// the bar, or lower when labels stack above it.
    pub fn label_base(&self) -> f32 {
        (self.bar_top() + BAR / 2.0 + 3.0).max(ROW_PAD + 9.0)
    }

    pub fn height(&self) -> f32 {
        let bars = self.bar_top() + BAR + 4.0 + self.below as f32 * LANE;
        let lines = self.lines.len().max(1) as f32;
        let label = self.label_base() + (lines - 1.0) * LABEL_LEAD + 3.0;
        bars.max(label) + ROW_PAD
    }
}

impl Flow<'_, '_> {
    /// Where the term label, the labels' box and the bar go across the body.
    fn gauge_columns(x: f32, width: f32) -> (f32, f32, f32, f32) {
        let label_w = (width * 0.28).max(80.0);
        // (term label width, labels' left limit, bar start, bar end)
        (
            label_w,
            x + label_w + 6.0,
            x + label_w + 14.0,
            x + width - 14.0,
        )
    }

    pub fn lay_gauge(&mut self, g: &Gauge, x: f32, width: f32) -> Row {
        let (label_w, min_x, bx0, bx1) = Self::gauge_columns(x, width);
        let max_x = x + width;
        let (lo, hi) = gauge_plan::range(g);
        let mut row = Row {
            lines: Vec::new(),
            labels: Vec::new(),
            above: 0,
            below: 0,
            bar: (bx0, bx1),
            range: (lo as f32, hi as f32),
        };
        let fonts = self.cv.fonts;
        let mut labels = Vec::new();
        for m in gauge_plan::marks(g) {
            let text = self.clean.clean(fonts, Face::Regular, &m.text);
            let measure = |t: &str| f64::from(fonts.width(Face::Regular, MARK_SIZE, t));
            let text = lanes::shorten(&text, f64::from(max_x - min_x), measure);
            let width = fonts.width(Face::Regular, MARK_SIZE, &text);
            labels.push(Label {
                kind: m.kind,
                at: row.x(m.pos as f32),
                text,
                left: 0.0,
                width,
                side: m.side,
                lane: 0,
            });
        }
        let wants: Vec<Want> = labels
            .iter()
            .map(|l| Want {
                anchor: f64::from(l.at),
                width: f64::from(l.width),
                side: l.side,
            })
            .collect();
        let placed = lanes::place(&wants, f64::from(min_x), f64::from(max_x), f64::from(GAP));
        for (l, s) in labels.iter_mut().zip(&placed.spots) {
            l.left = s.left as f32;
            l.lane = s.lane;
        }
        let spans = [Span::plain(Face::Bold, g.label.clone())];
        let spans = self.clean_spans(&spans);
        row.lines = wrap(fonts, LABEL_SIZE, label_w, &spans);
        row.labels = labels;
        row.above = placed.above;
        row.below = placed.below;
        row
    }

    /// What a heading above the gauges must keep with it: the legend and the
    /// first gauge.
    pub fn gauges_keep_height(&mut self, width: f32) -> f32 {
        let x = self.cv.geo.left;
        match self.gauges.first() {
            Some(g) => self.legend_height(width) + self.lay_gauge(g, x, width).height(),
            None => 0.0,
        }
    }

    /// What a table must keep below its last row: when the gauges follow it,
    /// the gap, the legend and the first gauge.
    pub fn keep_after(&mut self, next: Option<&Block>, width: f32) -> f32 {
        match next {
            Some(Block::Gauges) if !self.gauges.is_empty() => {
                // +1: rounding must never tip the kept block onto the next page.
                PARA_GAP + 2.0 + self.gauges_keep_height(width) + 1.0
            }
            _ => 0.0,
        }
    }

    pub fn draw_gauges(&mut self, x: f32, width: f32) {
        let gauges = self.gauges;
        if gauges.is_empty() {
            return;
        }
        let rows: Vec<Row> = gauges.iter().map(|g| self.lay_gauge(g, x, width)).collect();
        let legend = self.legend_height(width);
        let body = self.cv.geo.bottom - self.cv.geo.top;
        let mut on_page = 0;
        for (i, (g, row)) in gauges.iter().zip(&rows).enumerate() {
            let h = row.height();
            if i == 0 {
                self.ensure(legend + h);
                self.draw_legend(x, width);
            } else {
                // The last gauge does not go alone: the one before goes with it.
                let widow = i + 2 == rows.len()
                    && on_page > 0
                    && h <= self.cv.room()
                    && h + rows[i + 1].height() > self.cv.room()
                    && legend + h + rows[i + 1].height() <= body;
                if widow || h > self.cv.room() {
                    self.new_page();
                    self.draw_legend(x, width);
                    on_page = 0;
                }
            }
            self.draw_row(g, row, x);
            self.cv.y += h;
            on_page += 1;
        }
        self.cv.y += AFTER;
    }
}
