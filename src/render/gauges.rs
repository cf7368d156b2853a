//! The term gauges as inline SVG for the HTML page (the PDF draws the same
//! `Gauge`s with its own shapes). One row per term: the term's label, wrapped,
//! on the left; the bar on the right with its labels on lanes above (their
//! offer, their walk) and below (walk, want, wish, BATNA), placed by `lanes`
//! so none touches another or the bar, and kept inside the viewBox. A legend
//! above the first row says what the shapes mean; the zone of agreement is an
//! outlined band and their walk a dashed line, so both read in greyscale.
//!
//! Text widths are estimated (the page's font is the reader's), generously:
//! the larger of a per-character table shaped like DejaVu Sans, one of the
//! wider sans faces, and 0.6 em a character.

use std::fmt::Write as _;

use super::gauge_plan::{self, Key, Kind, Mark};
use super::lanes::{self, Side, Want};
use crate::compose::Gauge;
use crate::compose::numbers::std_fixed;
use crate::escape;

#[cfg(test)]
mod tests;

const W: f64 = 640.0;
/// The term label's column, and where the labels' box and the bar begin.
const TERM_W: f64 = 166.0;
const BOX_X0: f64 = 176.0;
const BOX_X1: f64 = W - 2.0;
const BAR_X: f64 = 190.0;
const BAR_W: f64 = 420.0;
const TERM_SIZE: f64 = 12.0;
const TERM_LEAD: f64 = 15.0;
const SIZE: f64 = 10.0;
const LANE: f64 = 13.0;
const BAR_H: f64 = 12.0;
/// Room above the bar for the offer's triangle.
const TRI: f64 = 11.0;
const GAP: f64 = 8.0;
const ROW_PAD: f64 = 7.0;
const LEGEND_LINE: f64 = 18.0;
const INK: &str = "#1a202c";
const THEIRS: &str = "#2e5cb8";

/// Estimated advance of `text` at `size`, never below 0.6 em a character.
fn width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            ' ' | ',' | '.' | ':' | ';' | '\'' | '!' | '|' => 0.34,
            'i' | 'j' | 'l' | 'I' | 'f' | 't' | 'r' | '(' | ')' => 0.45,
            '0'..='9' => 0.64,
            'm' | 'w' | 'M' | 'W' => 0.98,
            'A'..='Z' => 0.74,
            c if c.is_ascii() => 0.62,
            _ => 0.86,
        })
        .sum();
    let n = text.chars().count() as f64;
    let bold = if bold { 1.1 } else { 1.0 };
    (em * bold).max(0.6 * n) * size
}

/// Greedy word wrap by estimated width; a word wider than a line is cut.
fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&joined, size, bold) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line = word.to_string();
        while width(&line, size, bold) > max {
            let mut head: String = String::new();
            for c in line.chars() {
                if width(&format!("{head}{c}"), size, bold) > max && !head.is_empty() {
                    break;
                }
                head.push(c);
            }
            let rest = line[head.len()..].to_string();
            lines.push(head);
            line = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A coordinate, written as std writes an `f64`, but where the precision is
/// one decimal (all of ours) without std's exact float formatting, which was
/// 3% of a 400-brief build (`numbers::std_fixed`).
#[derive(Clone, Copy)]
struct Dec1(f64);

impl std::fmt::Display for Dec1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = f.precision() == Some(1) && f.width().is_none() && !f.sign_plus();
        match plain.then(|| std_fixed(self.0, 1)).flatten() {
            Some(s) => f.write_str(s.as_str()),
            None => std::fmt::Display::fmt(&self.0, f),
        }
    }
}

fn text(out: &mut String, x: f64, y: f64, size: f64, extra: &str, s: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\"{extra}>{}</text>",
        escape::html(s),
        x = Dec1(x),
        y = Dec1(y),
    );
}

/// The gauges as one inline SVG block for the HTML page.
pub fn svg(gauges: &[Gauge]) -> String {
    if gauges.is_empty() {
        return String::new();
    }
    let mut body = String::new();
    let mut y = legend(&mut body, &gauge_plan::legend(gauges));
    for g in gauges {
        y = row(&mut body, g, y);
    }
    let h = (y + 4.0).ceil();
    format!(
        "<figure class=\"gauges\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" aria-label=\"Where each term stands between walk-away and wish\">\n\
         <defs><pattern id=\"walkaway-beyond\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#d9d9d9\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"#6b6b6b\" stroke-width=\"1.2\"/></pattern></defs>\n\
         {body}</svg></figure>\n"
    )
}

/// One line (or more, wrapped) of legend entries: the shape, then its words.
fn legend(out: &mut String, keys: &[Key]) -> f64 {
    let mut x = 0.0;
    let mut base = 13.0;
    for key in keys {
        let w = 16.0 + width(key.words(), SIZE, false);
        if x > 0.0 && x + w > BOX_X1 {
            x = 0.0;
            base += LEGEND_LINE;
        }
        let mid = base - 3.5;
        out.push_str(&match key {
            Key::Offer => triangle(x + 6.0, mid - 4.0, mid + 4.0, INK),
            Key::Batna => diamond(x + 6.0, mid),
            Key::TheirWalk => dashed(x + 6.0, mid - 6.0, mid + 6.0),
            Key::Zone => format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"8\" fill=\"#c9d8f2\" stroke=\"{THEIRS}\" stroke-width=\"1.5\"/>\n",
                Dec1(mid - 4.0),
                x = Dec1(x),
            ),
            Key::Beyond => format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"8\" fill=\"url(#walkaway-beyond)\" stroke=\"#718096\" stroke-width=\"0.5\"/>\n",
                Dec1(mid - 4.0),
                x = Dec1(x),
            ),
        });
        text(out, x + 16.0, base, SIZE, " fill=\"#4a5568\"", key.words());
        x += w + 14.0;
    }
    base + 8.0
}

fn triangle(x: f64, top: f64, tip: f64, fill: &str) -> String {
    format!(
        "<polygon points=\"{:.1},{top:.1} {:.1},{top:.1} {x:.1},{tip:.1}\" fill=\"{fill}\"/>\n",
        Dec1(x - 5.0),
        Dec1(x + 5.0),
        x = Dec1(x),
        top = Dec1(top),
        tip = Dec1(tip),
    )
}

fn diamond(x: f64, y: f64) -> String {
    format!(
        "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"#fff\" stroke=\"{INK}\" stroke-width=\"1.5\"/>\n",
        Dec1(y - 5.5),
        Dec1(x + 5.5),
        Dec1(y + 5.5),
        Dec1(x - 5.5),
        x = Dec1(x),
        y = Dec1(y),
    )
}

fn dashed(x: f64, y0: f64, y1: f64) -> String {
    format!(
        "<line x1=\"{x:.1}\" y1=\"{y0:.1}\" x2=\"{x:.1}\" y2=\"{y1:.1}\" stroke=\"{THEIRS}\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n",
        x = Dec1(x),
        y0 = Dec1(y0),
        y1 = Dec1(y1),
    )
}

/// Draws one gauge starting at `top`; returns where the next one starts.
fn row(out: &mut String, g: &Gauge, top: f64) -> f64 {
    let (lo, hi) = gauge_plan::range(g);
    let x = |p: f64| BAR_X + (p.clamp(lo, hi) - lo) / (hi - lo) * BAR_W;
    let marks: Vec<(Mark, String, f64)> = gauge_plan::marks(g)
        .into_iter()
        .map(|m| {
            let bold = m.kind == Kind::Offer;
            let s = lanes::shorten(&m.text, BOX_X1 - BOX_X0, |t| width(t, SIZE, bold));
            let w = width(&s, SIZE, bold);
            (m, s, w)
        })
        .collect();
    let wants: Vec<Want> = marks
        .iter()
        .map(|(m, _, w)| Want {
            anchor: x(m.pos),
            width: *w,
            side: m.side,
        })
        .collect();
    let placed = lanes::place(&wants, BOX_X0, BOX_X1, GAP);
    let bar_y = top + ROW_PAD + placed.above as f64 * LANE + TRI;
    let bar_bot = bar_y + BAR_H;
    let bars_end = bar_bot + 5.0 + placed.below as f64 * LANE;

    // The term label, wrapped, centred on the bar where it can be.
    let lines = wrap(&g.label, TERM_SIZE, true, TERM_W);
    let n = lines.len() as f64;
    let first = (bar_y + BAR_H / 2.0 + 4.0 - (n - 1.0) * TERM_LEAD / 2.0).max(top + ROW_PAD + 10.0);
    for (i, l) in lines.iter().enumerate() {
        let base = first + i as f64 * TERM_LEAD;
        text(out, 0.0, base, TERM_SIZE, " font-weight=\"600\"", l);
    }
    let label_end = first + (n - 1.0) * TERM_LEAD + 4.0;

    // Zones: the whole bar light, walk..wish lighter, beyond walk hatched.
    let (x_lo, x_walk, x_hi) = (x(lo), x(0.0), x(hi));
    let _ = write!(
        out,
        "<rect x=\"{x_lo:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"#fff\"/>\n\
         <rect x=\"{x_walk:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"#eef2f7\"/>\n\
         <rect x=\"{x_lo:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"url(#walkaway-beyond)\"/>\n",
        Dec1(x_hi - x_lo),
        Dec1(x(100.0) - x_walk),
        Dec1(x_walk - x_lo),
        x_lo = Dec1(x_lo),
        x_walk = Dec1(x_walk),
        bar_y = Dec1(bar_y),
    );
    if let Some((a, b)) = g.zopa {
        let _ = writeln!(
            out,
            "<rect class=\"zone\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#c9d8f2\" stroke=\"{THEIRS}\" stroke-width=\"1.5\"><title>zone of agreement</title></rect>",
            Dec1(x(a)),
            Dec1(bar_y - 1.0),
            Dec1((x(b) - x(a)).max(1.5)),
            Dec1(BAR_H + 2.0),
        );
    }
    let _ = writeln!(
        out,
        "<rect class=\"bar\" x=\"{x_lo:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"none\" stroke=\"#718096\" stroke-width=\"0.5\"/>",
        Dec1(x_hi - x_lo),
        x_lo = Dec1(x_lo),
        bar_y = Dec1(bar_y),
    );
    for (m, _, _) in &marks {
        let mx = x(m.pos);
        out.push_str(&match m.kind {
            Kind::Walk | Kind::Want | Kind::Wish => {
                let (reach, stroke) = match m.kind {
                    Kind::Walk => (3.0, 2.0),
                    Kind::Want => (2.0, 1.5),
                    _ => (2.0, 1.0),
                };
                format!(
                    "<line x1=\"{mx:.1}\" y1=\"{:.1}\" x2=\"{mx:.1}\" y2=\"{:.1}\" stroke=\"{INK}\" stroke-width=\"{stroke}\"/>\n",
                    Dec1(bar_y - reach),
                    Dec1(bar_bot + reach),
                    mx = Dec1(mx),
                )
            }
            Kind::TheirWalk => dashed(mx, bar_y - TRI + 2.0, bar_bot + 4.0),
            Kind::Batna => diamond(mx, bar_y + BAR_H / 2.0),
            Kind::Offer => {
                let ink = if m.pos < 0.0 { "#9b1c1c" } else { INK };
                triangle(mx, bar_y - TRI + 1.0, bar_y + 1.0, ink)
            }
        });
    }
    for ((m, s, _), spot) in marks.iter().zip(&placed.spots) {
        let base = match m.side {
            Side::Above => bar_y - TRI - 3.0 - spot.lane as f64 * LANE,
            Side::Below => bar_bot + 13.0 + spot.lane as f64 * LANE,
        };
        let style = match m.kind {
            Kind::Offer => " font-weight=\"600\"",
            Kind::TheirWalk => " fill=\"#2b4c8c\"",
            _ => "",
        };
        text(out, spot.left, base, SIZE, style, s);
    }
    bars_end.max(label_end) + ROW_PAD
}
