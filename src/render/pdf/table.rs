//! GFM tables: column widths from content (natural width, shrunk toward
//! each column's longest word when the page is too narrow), cells wrapped
//! inside their padding, the header row repeated on every page the table
//! reaches, and a row taller than a page split between pages.

use std::rc::Rc;

use super::canvas::{RULE, Rgbf};
use super::fonts::Face;
use super::laid::{Laid, LaidFor};
use super::layout::{Flow, align_offset, baseline};
use super::markdown::{Align, Table};
use super::text::{Line, Span, longest_word, natural_width, wrap};

const SIZE: f32 = 9.0;
const LEAD: f32 = 11.8;
const PAD_X: f32 = 4.0;
const PAD_Y: f32 = 3.0;
const MIN_COL: f32 = 22.0;
const HEAD_FILL: Rgbf = Rgbf(0.88, 0.9, 0.93);
const ZEBRA_FILL: Rgbf = Rgbf(0.965, 0.965, 0.965);
const BORDER: Rgbf = Rgbf(0.55, 0.55, 0.55);

fn row_lines(row: &[Vec<Line>]) -> usize {
    row.iter().map(Vec::len).max().unwrap_or(0).max(1)
}

fn row_height(lines: usize) -> f32 {
    lines as f32 * LEAD + 2.0 * PAD_Y
}

/// Column widths that add up to `width` (see the module doc for the rule).
pub fn column_widths(natural: &[f32], minimum: &[f32], width: f32) -> Vec<f32> {
    let sum_nat: f32 = natural.iter().sum();
    let sum_min: f32 = minimum.iter().sum();
    if sum_nat <= width && sum_nat > 0.0 {
        // Everything fits: spread the spare width in proportion to content.
        return natural.iter().map(|n| n * width / sum_nat).collect();
    }
    if sum_min <= width {
        let flex: f32 = natural.iter().zip(minimum).map(|(n, m)| n - m).sum();
        let spare = width - sum_min;
        return natural
            .iter()
            .zip(minimum)
            .map(|(n, m)| {
                if flex > 0.0 {
                    m + spare * (n - m) / flex
                } else {
                    m + spare / natural.len() as f32
                }
            })
            .collect();
    }
    // Even the longest words do not fit: scale down; long words will break.
    minimum.iter().map(|m| m * width / sum_min).collect()
}

impl Flow<'_, '_> {
    /// The table laid out for `width`, from the last call when it was the same.
    fn laid_table(&mut self, t: &Table, width: f32) -> Rc<Laid> {
        if let Some(c) = &self.laid
            && std::ptr::eq(c.table, t)
            && c.width == width
        {
            return Rc::clone(&c.laid);
        }
        let laid = Rc::new(self.lay_table(t, width));
        self.laid = Some(LaidFor {
            table: t,
            width,
            laid: Rc::clone(&laid),
        });
        laid
    }

    fn lay_table<'t>(&mut self, t: &'t Table, width: f32) -> Laid {
        let ncols = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.head.len()])
            .max()
            .unwrap_or(0)
            .max(1);
        let bold = |spans: &[Span]| -> Vec<Span> {
            spans
                .iter()
                .map(|s| Span {
                    face: if s.face == Face::Mono {
                        s.face
                    } else {
                        Face::Bold
                    },
                    ..s.clone()
                })
                .collect()
        };
        let cell = |row: &'t [Vec<Span>], c: usize| row.get(c).map_or(&[][..], Vec::as_slice);
        let head: Vec<Vec<Span>> = (0..ncols)
            .map(|c| self.clean_spans(&bold(cell(&t.head, c))))
            .collect();
        let rows: Vec<Vec<Vec<Span>>> = t
            .rows
            .iter()
            .map(|r| (0..ncols).map(|c| self.clean_spans(cell(r, c))).collect())
            .collect();

        let fonts = self.cv.fonts;
        let mut natural = vec![0.0f32; ncols];
        let mut minimum = vec![MIN_COL; ncols];
        for row in std::iter::once(&head).chain(rows.iter()) {
            for (c, spans) in row.iter().enumerate() {
                natural[c] = natural[c].max(natural_width(fonts, SIZE, spans) + 2.0 * PAD_X);
                let word = (longest_word(fonts, SIZE, spans) + 2.0 * PAD_X).min(width * 0.4);
                minimum[c] = minimum[c].max(word);
            }
        }
        for (n, m) in natural.iter_mut().zip(&minimum) {
            *n = n.max(*m);
        }
        let widths = column_widths(&natural, &minimum, width);
        let wrap_row = |row: &Vec<Vec<Span>>| -> Vec<Vec<Line>> {
            row.iter()
                .zip(&widths)
                .map(|(spans, w)| wrap(fonts, SIZE, w - 2.0 * PAD_X, spans))
                .collect()
        };
        let aligns = (0..ncols)
            .map(|c| t.aligns.get(c).copied().unwrap_or(Align::Left))
            .collect();
        Laid {
            head: wrap_row(&head),
            rows: rows.iter().map(wrap_row).collect(),
            widths,
            aligns,
        }
    }

    /// Header plus first row: what a heading above the table must keep.
    pub fn table_keep_height(&mut self, t: &Table, width: f32) -> f32 {
        let laid = self.laid_table(t, width);
        let first = laid.rows.first().map(|r| row_height(row_lines(r)));
        row_height(row_lines(&laid.head)) + first.unwrap_or(0.0)
    }

    /// Draws lines `from..to` of each cell as one band of height `h`.
    #[allow(clippy::too_many_arguments)]
    fn band(
        &mut self,
        laid: &Laid,
        row: &[Vec<Line>],
        x: f32,
        from: usize,
        to: usize,
        fill: Option<Rgbf>,
        head: bool,
    ) {
        let h = row_height(to - from);
        let y = self.cv.y;
        let total: f32 = laid.widths.iter().sum();
        if let Some(f) = fill {
            self.cv.fill_rect(x, y, total, h, f);
        }
        let mut cx = x;
        for (c, lines) in row.iter().enumerate() {
            let w = laid.widths[c];
            let align = laid.aligns[c];
            for (i, line) in lines.iter().enumerate().take(to).skip(from) {
                let top = y + PAD_Y + (i - from) as f32 * LEAD;
                let off = align_offset(align, w - 2.0 * PAD_X, line.width);
                let ink = self.ink;
                self.cv
                    .line_text(cx + PAD_X + off, baseline(top, LEAD, SIZE), SIZE, ink, line);
            }
            if c > 0 {
                self.cv.line(cx, y, cx, y + h, 0.4, RULE);
            }
            cx += w;
        }
        let (bw, bc) = if head { (0.9, BORDER) } else { (0.4, RULE) };
        self.cv.line(x, y + h, x + total, y + h, bw, bc);
        self.cv.y += h;
    }

    fn table_head(&mut self, laid: &Laid, x: f32) {
        let total: f32 = laid.widths.iter().sum();
        let y = self.cv.y;
        self.cv.line(x, y, x + total, y, 0.9, BORDER);
        let head = laid.head.clone();
        self.band(laid, &head, x, 0, row_lines(&head), Some(HEAD_FILL), true);
    }

    /// Draws the table; `keep` is the height that must follow its last row on
    /// the same page (what comes next and belongs with it, e.g. the gauges).
    pub fn table(&mut self, t: &Table, x: f32, width: f32, keep: f32) {
        let laid = self.laid_table(t, width);
        let head_h = row_height(row_lines(&laid.head));
        let first = laid.rows.first().map(|r| row_height(row_lines(r)));
        let page_body = self.cv.geo.bottom - self.cv.geo.top - head_h;
        let last = laid.rows.len().saturating_sub(1);
        // Whether the last row and `keep` would fit together on a fresh page.
        let keepable = |rest: f32| rest + keep <= page_body;
        let lone = if laid.rows.len() == 1 && first.is_some_and(keepable) {
            keep
        } else {
            0.0
        };
        self.ensure(head_h + first.unwrap_or(0.0).min(3.0 * LEAD + 2.0 * PAD_Y) + lone);
        self.table_head(&laid, x);
        for (r, row) in laid.rows.iter().enumerate() {
            let fill = (r % 2 == 1).then_some(ZEBRA_FILL);
            let n = row_lines(row);
            let mut k = 0;
            while k < n {
                let rest = row_height(n - k);
                // The last row moves on with what must follow it, when the
                // two fit together on the next page (a table of one row was
                // placed with it already).
                let kept = r == last && r > 0 && k == 0 && keepable(rest);
                let need = if kept { rest + keep } else { rest };
                if need <= self.cv.room() {
                    self.band(&laid, row, x, k, n, fill, false);
                    break;
                }
                // Only a row taller than a whole page is split; others move on.
                if rest > page_body {
                    let fit = ((self.cv.room() - 2.0 * PAD_Y) / LEAD).floor();
                    if fit >= 1.0 {
                        let to = (k + fit as usize).min(n);
                        self.band(&laid, row, x, k, to, fill, false);
                        k = to;
                        if k >= n {
                            break;
                        }
                    }
                }
                self.new_page();
                self.table_head(&laid, x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn widths_fill_the_line_and_respect_minimums() {
        let w = column_widths(&[50.0, 100.0], &[30.0, 30.0], 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01);
        assert!(w[1] > w[0]);
        let w = column_widths(&[400.0, 100.0, 40.0], &[60.0, 30.0, 40.0], 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01);
        assert!(
            w.iter()
                .zip([60.0, 30.0, 40.0])
                .all(|(a, m)| *a >= m - 0.01)
        );
        let w = column_widths(&[400.0, 400.0], &[200.0, 200.0], 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01);
    }
}
