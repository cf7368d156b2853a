//! The flow: lays the block tree out down the page, breaking pages where
//! needed. Headings are kept with the first lines of what follows, a
//! paragraph never leaves a single orphan line at a page foot, list markers
//! travel with their item's first line, and block-quote rules are redrawn
//! on every page a quote spans. Tables and gauges live in their own files.

use super::Gauge;
use super::canvas::{Canvas, RULE, Rgbf, TEXT};
use super::fonts::{Cleaner, Face};
use super::markdown::{Align, Block};
use super::text::{Line, Span, wrap};

pub const BODY: f32 = 10.0;
pub const LEAD: f32 = 13.6;
pub const PARA_GAP: f32 = 5.5;
const LIST_INDENT: f32 = 16.0;
const QUOTE_INDENT: f32 = 13.0;
const HEADING_INK: Rgbf = Rgbf(0.08, 0.14, 0.28);

/// (size, space before, space after) for heading levels 1..=6.
fn heading_style(level: u8) -> (f32, f32, f32) {
    match level {
        1 => (17.0, 14.0, 6.0),
        2 => (13.5, 12.0, 5.0),
        3 => (11.5, 9.0, 3.5),
        4 => (10.5, 7.0, 2.5),
        _ => (10.0, 6.0, 2.0),
    }
}

pub struct Flow<'a, 'f> {
    pub cv: &'a mut Canvas<'f>,
    pub clean: &'a mut Cleaner,
    pub gauges: &'a [Gauge],
    pub ink: Rgbf,
    /// Open block quotes: (x of the rule, top of the rule on this page).
    quotes: Vec<(f32, f32)>,
    /// A list marker waiting for its item's first line: (text, right edge).
    marker: Option<(String, f32)>,
    /// The table laid out last, by address and width: a heading measures the
    /// table it keeps with, which is then drawn with the same layout.
    pub(super) laid: Option<super::laid::LaidFor>,
}

/// Baseline for a line box of height `lead` starting at `top`: centres the
/// x-height band in the box so mixed sizes still look even.
pub fn baseline(top: f32, lead: f32, size: f32) -> f32 {
    top + (lead + size * 0.7) / 2.0
}

impl<'a, 'f> Flow<'a, 'f> {
    pub fn new(cv: &'a mut Canvas<'f>, clean: &'a mut Cleaner, gauges: &'a [Gauge]) -> Self {
        Flow {
            cv,
            clean,
            gauges,
            ink: TEXT,
            quotes: Vec::new(),
            marker: None,
            laid: None,
        }
    }

    /// Starts a new page, closing and reopening quote rules around the break.
    pub fn new_page(&mut self) {
        let bottom = self.cv.y;
        for (x, top) in &self.quotes {
            self.cv.line(*x, *top, *x, bottom, 1.6, RULE);
        }
        self.cv.new_page();
        let top = self.cv.y;
        for q in &mut self.quotes {
            q.1 = top;
        }
    }

    /// Moves to a new page unless `h` points still fit (or the page is empty:
    /// then breaking again would not help).
    pub fn ensure(&mut self, h: f32) {
        if h > self.cv.room() && !self.cv.at_page_top() {
            self.new_page();
        }
    }

    /// Vertical space that disappears at the top of a page.
    pub fn gap(&mut self, h: f32) {
        if !self.cv.at_page_top() {
            self.cv.y += h;
        }
    }

    /// Makes every span printable with the bundled faces (see `Cleaner`).
    pub fn clean_spans(&mut self, spans: &[Span]) -> Vec<Span> {
        let mut out = Vec::with_capacity(spans.len());
        for s in spans {
            // Most spans print as they are: copied once, not split.
            if !s.text.is_empty() && self.clean.as_is(self.cv.fonts, s.face, &s.text) {
                out.push(s.clone());
                continue;
            }
            let pieces = self.clean.pieces(self.cv.fonts, s.face, &s.text);
            let n = pieces.len();
            for (i, (face, text)) in pieces.into_iter().enumerate() {
                out.push(Span {
                    face,
                    text,
                    strike: s.strike,
                    muted: s.muted,
                    hard_break: s.hard_break && i + 1 == n,
                });
            }
            if n == 0 && s.hard_break {
                out.push(s.clone());
            }
        }
        out
    }

    /// Sets wrapped text at `x`, `width` wide, one line box of `lead` each.
    pub fn text_block(&mut self, spans: &[Span], x: f32, width: f32, size: f32, lead: f32) {
        let lines = self.lines(spans, width, size);
        self.text_lines(&lines, x, size, lead);
    }

    /// `spans` made printable and broken into lines `width` wide.
    fn lines(&mut self, spans: &[Span], width: f32, size: f32) -> Vec<Line> {
        let spans = self.clean_spans(spans);
        wrap(self.cv.fonts, size, width, &spans)
    }

    /// Sets lines that [`Flow::lines`] made, at `x`, one line box of `lead` each.
    fn text_lines(&mut self, lines: &[Line], x: f32, size: f32, lead: f32) {
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            // No orphan: a paragraph's first line does not sit alone at a page foot.
            let need = if i == 0 && n > 1 { 2.0 * lead } else { lead };
            self.ensure(need);
            let base = baseline(self.cv.y, lead, size);
            if let Some((m, right)) = self.marker.take() {
                let w = self.cv.fonts.width(Face::Regular, size, &m);
                self.cv
                    .text(right - w, base, Face::Regular, size, self.ink, &m);
            }
            self.cv.line_text(x, base, size, self.ink, line);
            self.cv.y += lead;
        }
    }

    /// Height to keep with a heading: the first lines of the next block.
    fn keep_height(&mut self, next: Option<&Block>, width: f32) -> f32 {
        match next {
            None => 0.0,
            Some(Block::Heading(level, _)) => {
                let (size, before, after) = heading_style(*level);
                before + size * 1.3 + 2.0 + after + 2.0 * LEAD
            }
            Some(Block::Table(t)) => self.table_keep_height(t, width),
            Some(Block::Gauges) => self.gauges_keep_height(width),
            Some(Block::Rule) => 10.0,
            Some(_) => 2.0 * LEAD,
        }
    }

    pub fn blocks(&mut self, blocks: &[Block], x: f32, width: f32, in_list: bool) {
        for (i, block) in blocks.iter().enumerate() {
            let after = if in_list { 2.5 } else { PARA_GAP };
            match block {
                Block::Heading(level, spans) => {
                    self.heading(*level, spans, x, width, blocks.get(i + 1));
                }
                Block::Para(spans) => {
                    // A list item's lead paragraph ("5. Exit, door closed: …")
                    // keeps the first lines of what it introduces with it,
                    // as a heading does.
                    let lines = self.lines(spans, width, BODY);
                    if in_list
                        && matches!(
                            blocks.get(i + 1),
                            Some(Block::List { .. } | Block::Quote(_))
                        )
                    {
                        let n = lines.len().max(1);
                        self.ensure(n as f32 * LEAD + after + 2.0 * LEAD + 1.0);
                    }
                    self.text_lines(&lines, x, BODY, LEAD);
                    self.cv.y += after;
                }
                Block::Pre(spans) => {
                    let ink = self.ink;
                    self.text_block(spans, x + 6.0, width - 6.0, 9.5, 12.0);
                    self.ink = ink;
                    self.cv.y += after;
                }
                Block::List { start, items } => {
                    self.list(*start, items, x, width);
                    self.cv.y += if in_list { 0.0 } else { PARA_GAP };
                }
                Block::Quote(inner) => self.quote(inner, x, width),
                Block::Table(t) => {
                    // The gauges that follow the terms table stay with it (gauge.rs).
                    let keep = self.keep_after(blocks.get(i + 1), width);
                    self.table(t, x, width, keep);
                    self.cv.y += PARA_GAP + 2.0;
                }
                Block::Rule => {
                    self.ensure(12.0);
                    let y = self.cv.y + 6.0;
                    self.cv.line(x, y, x + width, y, 0.6, RULE);
                    self.cv.y += 12.0;
                }
                Block::Gauges => self.draw_gauges(x, width),
            }
        }
    }

    /// A heading, moved to the next page unless the first lines of what
    /// follows fit below it (a heading is never stranded at a page foot).
    fn heading(&mut self, level: u8, spans: &[Span], x: f32, width: f32, next: Option<&Block>) {
        let (size, before, after) = heading_style(level);
        let lead = size * 1.3;
        let spans: Vec<Span> = spans
            .iter()
            .map(|s| Span {
                face: match s.face {
                    Face::Mono => Face::Mono,
                    Face::Italic | Face::BoldItalic => Face::BoldItalic,
                    _ => Face::Bold,
                },
                ..s.clone()
            })
            .collect();
        let rule = if level <= 2 { 2.0 } else { 0.0 };
        let lines = self.lines(&spans, width, size);
        self.gap(before);
        let keep = self.keep_height(next, width);
        // +1: rounding must never tip the kept block onto the next page.
        self.ensure(lines.len().max(1) as f32 * lead + rule + after + keep + 1.0);
        let ink = self.ink;
        self.ink = HEADING_INK;
        self.text_lines(&lines, x, size, lead);
        self.ink = ink;
        if rule > 0.0 {
            let y = self.cv.y + 1.0;
            self.cv.line(x, y, x + width, y, 0.5, RULE);
            self.cv.y += rule;
        }
        self.cv.y += after;
    }

    fn list(&mut self, start: Option<u64>, items: &[Vec<Block>], x: f32, width: f32) {
        let depth = self.list_depth(x);
        let bullet = ["•", "◦", "▪"][depth % 3];
        // Widest number decides the marker column, so items line up.
        let last = start.unwrap_or(1).saturating_add(items.len() as u64);
        let indent = match start {
            Some(_) => {
                let w = self
                    .cv
                    .fonts
                    .width(Face::Regular, BODY, &format!("{last}."));
                (w + 6.0).max(LIST_INDENT)
            }
            None => LIST_INDENT,
        };
        for (n, item) in items.iter().enumerate() {
            let m = match start {
                Some(s) => format!("{}.", s.saturating_add(n as u64)),
                None => bullet.to_string(),
            };
            self.marker = Some((m, x + indent - 5.0));
            self.blocks(item, x + indent, width - indent, true);
            // An item with no text (e.g. "- " alone) must not leak its marker.
            self.marker = None;
        }
    }

    /// Nesting depth from the indentation (lists only ever nest by indenting).
    fn list_depth(&self, x: f32) -> usize {
        ((x - self.cv.geo.left) / LIST_INDENT).round().max(0.0) as usize
    }

    fn quote(&mut self, inner: &[Block], x: f32, width: f32) {
        self.ensure(2.0 * LEAD);
        let rule_x = x + 3.0;
        self.quotes.push((rule_x, self.cv.y));
        let ink = self.ink;
        self.ink = Rgbf(0.25, 0.25, 0.25);
        self.blocks(inner, x + QUOTE_INDENT, width - QUOTE_INDENT, false);
        self.ink = ink;
        // The last paragraph's gap is below the text; the rule stops at the text.
        let bottom = self.cv.y - PARA_GAP;
        if let Some((rx, top)) = self.quotes.pop()
            && bottom > top
        {
            self.cv.line(rx, top, rx, bottom, 1.6, RULE);
        }
    }
}

/// Horizontal offset of a line of `w` points inside `width`, by alignment.
pub fn align_offset(align: Align, width: f32, w: f32) -> f32 {
    match align {
        Align::Left => 0.0,
        Align::Center => ((width - w) / 2.0).max(0.0),
        Align::Right => (width - w).max(0.0),
    }
}
