//! Drawing primitives written straight into each page's PDF content stream,
//! in points with y measured from the TOP of the page (how layout thinks),
//! converted to PDF's bottom-up coordinates only here. Also owns the page
//! list, the cursor and the glyphs each face has used so far.

use super::fonts::{Face, Fonts};
use super::text::{Line, face_size};
use super::writer::{Glyphs, HATCH, PART, code, font_name, num, thousandths};

pub const MM: f32 = 72.0 / 25.4;

/// An RGB colour with components in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgbf(pub f32, pub f32, pub f32);

pub const BLACK: Rgbf = Rgbf(0.0, 0.0, 0.0);
pub const WHITE: Rgbf = Rgbf(1.0, 1.0, 1.0);
pub const TEXT: Rgbf = Rgbf(0.1, 0.1, 0.1);
pub const GREY: Rgbf = Rgbf(0.42, 0.42, 0.42);
pub const RULE: Rgbf = Rgbf(0.7, 0.7, 0.7);

/// Page size and the body box, in points.
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    /// First body baseline area starts here (below the running header).
    pub top: f32,
    /// Body content must end above this line (the running footer sits below).
    pub bottom: f32,
}

impl Geometry {
    pub fn body_width(&self) -> f32 {
        self.right - self.left
    }
}

pub struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pub geo: Geometry,
    /// Each page's content stream, uncompressed.
    pub pages: Vec<Vec<u8>>,
    /// The glyphs used so far, per face (in `Face::index` order).
    pub glyphs: [Glyphs; 5],
    /// Current vertical position (top-based) on the last page.
    pub y: f32,
    /// What each page's content stream has set so far (as `pages`).
    states: Vec<PageState>,
    /// A page fills with the hatching pattern (the file then holds it).
    pub hatched: bool,
}

/// The font, colours and line width a page's content stream has set. PDF
/// keeps them from one operator to the next, across text objects too, and
/// we never save or restore the graphics state (`q`/`Q`): so each is written
/// only when it changes. Setting them again for every line and rule made the
/// streams a fifth larger, and deflating them is a tenth of a build.
#[derive(Default)]
struct PageState {
    /// The face, the part of its glyphs (`writer::PART`) and the size.
    font: Option<(Face, u16, f32)>,
    fill: Option<Rgbf>,
    stroke: Option<Rgbf>,
    width: Option<f32>,
    /// Where the open text object's current line starts (x, y from the
    /// page's bottom, as written); None right after `BT`.
    line_start: Option<(f32, f32)>,
}

impl PageState {
    /// Opens a text object: its first line starts at the page's origin.
    fn begin_text(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"BT\n");
        self.line_start = None;
    }

    /// Moves to a new line starting at (`x`, `y`) with `Td`, which moves
    /// from the current line's start: `x y Td` is eight bytes shorter than
    /// `1 0 0 1 x y Tm`, and the next run on a line moves by its offset.
    fn line_to(&mut self, out: &mut Vec<u8>, x: f32, y: f32) {
        // Where a viewer puts it: the numbers as written, to the thousandth.
        let at = |v: f32| (thousandths(v) as f64 / 1000.0) as f32;
        let (x, y) = (at(x), at(y));
        let (dx, dy) = match self.line_start {
            Some((lx, ly)) => (x - lx, y - ly),
            None => (x, y),
        };
        num(out, dx);
        out.push(b' ');
        num(out, dy);
        out.extend_from_slice(b" Td\n");
        self.line_start = Some((x, y));
    }

    fn fill(&mut self, out: &mut Vec<u8>, c: Rgbf) {
        if self.fill != Some(c) {
            rgb(out, c);
            out.extend_from_slice(b" rg\n");
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, out: &mut Vec<u8>, c: Rgbf, width: f32) {
        if self.stroke != Some(c) {
            rgb(out, c);
            out.extend_from_slice(b" RG\n");
            self.stroke = Some(c);
        }
        if self.width != Some(width) {
            num(out, width);
            out.extend_from_slice(b" w\n");
            self.width = Some(width);
        }
    }

    fn font(&mut self, out: &mut Vec<u8>, face: Face, part: u16, size: f32) {
        if self.font != Some((face, part, size)) {
            out.push(b'/');
            font_name(out, face, part);
            out.push(b' ');
            num(out, size);
            out.extend_from_slice(b" Tf\n");
            self.font = Some((face, part, size));
        }
    }
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f Fonts, geo: Geometry) -> Canvas<'f> {
        Canvas {
            fonts,
            geo,
            pages: vec![Vec::new()],
            glyphs: Default::default(),
            y: geo.top,
            states: vec![PageState::default()],
            hatched: false,
        }
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.states.push(PageState::default());
        self.y = self.geo.top;
    }

    /// Room left on this page below the cursor.
    pub fn room(&self) -> f32 {
        self.geo.bottom - self.y
    }

    /// True when nothing has been placed on this page's body yet.
    pub fn at_page_top(&self) -> bool {
        self.y <= self.geo.top + 0.01
    }

    fn page_mut(&mut self, page: usize) -> (&mut Vec<u8>, &mut PageState) {
        let i = page.min(self.pages.len() - 1);
        (&mut self.pages[i], &mut self.states[i])
    }

    /// One run of text inside an open text object (`BT` … `ET`): font and
    /// colour when they change, the position, and the glyphs.
    #[allow(clippy::too_many_arguments)]
    fn run(&mut self, page: usize, x: f32, y: f32, face: Face, size: f32, c: Rgbf, s: &str) {
        let (fonts, h) = (self.fonts, self.geo.height);
        let i = page.min(self.pages.len() - 1);
        let (out, st) = (&mut self.pages[i], &mut self.states[i]);
        let glyphs = &mut self.glyphs[face.index()];
        // The part of the face's glyphs the open string shows (None: no
        // string yet). A glyph of another part ends the string and switches
        // font resources; the text position carries on from where it ended.
        let mut showing: Option<u16> = None;
        for ch in s.chars() {
            // U+00A0 only mattered for line breaking; a plain space extracts better.
            let ch = if ch == '\u{a0}' { ' ' } else { ch };
            let cid = glyphs.cid(fonts, face, ch);
            let part = cid / PART;
            if showing != Some(part) {
                if showing.is_some() {
                    out.extend_from_slice(b") Tj\n");
                }
                st.font(out, face, part, size);
                if showing.is_none() {
                    st.fill(out, c);
                    st.line_to(out, x, h - y);
                }
                out.push(b'(');
                showing = Some(part);
            }
            code(out, (cid % PART) as u8);
        }
        if showing.is_some() {
            out.extend_from_slice(b") Tj\n");
        }
    }

    /// Text with its baseline at top-based `y`, on page `page`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_on(
        &mut self,
        page: usize,
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        c: Rgbf,
        s: &str,
    ) {
        if s.is_empty() {
            return;
        }
        let (out, st) = self.page_mut(page);
        st.begin_text(out);
        self.run(page, x, y, face, size, c, s);
        self.page_mut(page).0.extend_from_slice(b"ET\n");
    }

    pub fn text(&mut self, x: f32, y: f32, face: Face, size: f32, c: Rgbf, s: &str) {
        self.text_on(self.page_index(), x, y, face, size, c, s);
    }

    /// Draws a wrapped line with its baseline at `y`, starting at `x`: one
    /// text object for the whole line (smaller, faster to compress).
    pub fn line_text(&mut self, x: f32, y: f32, size: f32, c: Rgbf, line: &Line) {
        let page = self.page_index();
        let (out, st) = self.page_mut(page);
        st.begin_text(out);
        for f in line.frags.iter().filter(|f| !f.text.is_empty()) {
            let col = if f.muted { GREY } else { c };
            let size = face_size(f.face, size);
            self.run(page, x + f.x, y, f.face, size, col, &f.text);
        }
        self.page_mut(page).0.extend_from_slice(b"ET\n");
        for f in line.frags.iter().filter(|f| f.strike) {
            let sy = y - size * 0.3;
            let col = if f.muted { GREY } else { c };
            self.line(x + f.x, sy, x + f.x + f.width, sy, 0.6, col);
        }
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgbf) {
        self.fill_rect_on(self.page_index(), x, y, w, h, c);
    }

    pub fn fill_rect_on(&mut self, page: usize, x: f32, y: f32, w: f32, h: f32, c: Rgbf) {
        let bottom = self.geo.height - y - h;
        let (out, st) = self.page_mut(page);
        st.fill(out, c);
        for v in [x, bottom, w, h] {
            num(out, v);
            out.push(b' ');
        }
        out.extend_from_slice(b"re f\n");
    }

    /// Hatches a rectangle (grey diagonals over what is under it) with the
    /// file's pattern, `writer::HATCH`.
    pub fn hatch_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let bottom = self.geo.height - y - h;
        let page = self.page_index();
        let (out, st) = self.page_mut(page);
        out.extend_from_slice(b"/Pattern cs /");
        out.extend_from_slice(HATCH.as_bytes());
        out.extend_from_slice(b" scn\n");
        for v in [x, bottom, w, h] {
            num(out, v);
            out.push(b' ');
        }
        out.extend_from_slice(b"re f\n");
        // The fill is now the pattern: the next colour must be set again.
        st.fill = None;
        self.hatched = true;
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, c: Rgbf) {
        let pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
        self.polyline(&pts, width, c);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, c: Rgbf) {
        self.line_on(self.page_index(), x1, y1, x2, y2, width, c);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn line_on(&mut self, page: usize, x1: f32, y1: f32, x2: f32, y2: f32, w: f32, c: Rgbf) {
        self.stroke_on(page, &[(x1, y1), (x2, y2)], w, c);
    }

    pub fn polyline(&mut self, pts: &[(f32, f32)], width: f32, c: Rgbf) {
        self.stroke_on(self.page_index(), pts, width, c);
    }

    fn stroke_on(&mut self, page: usize, pts: &[(f32, f32)], width: f32, c: Rgbf) {
        let h = self.geo.height;
        let (out, st) = self.page_mut(page);
        st.stroke(out, c, width);
        path(out, h, pts);
        out.extend_from_slice(b"S\n");
    }

    /// A closed shape, filled with `fill` and, when given, outlined.
    pub fn polygon(&mut self, pts: &[(f32, f32)], fill: Rgbf, outline: Option<Rgbf>) {
        let h = self.geo.height;
        let page = self.page_index();
        let (out, st) = self.page_mut(page);
        st.fill(out, fill);
        if let Some(o) = outline {
            st.stroke(out, o, 0.8);
        }
        path(out, h, pts);
        // Close the path, then fill (non-zero winding), outlining it too if asked.
        out.extend_from_slice(if outline.is_some() {
            b"h B\n"
        } else {
            b"h f\n"
        });
    }
}

fn rgb(out: &mut Vec<u8>, c: Rgbf) {
    num(out, c.0);
    out.push(b' ');
    num(out, c.1);
    out.push(b' ');
    num(out, c.2);
}

/// `m` to the first point and `l` to the rest, in PDF's bottom-up space.
fn path(out: &mut Vec<u8>, height: f32, pts: &[(f32, f32)]) {
    for (i, (x, y)) in pts.iter().enumerate() {
        num(out, *x);
        out.push(b' ');
        num(out, height - y);
        out.extend_from_slice(if i == 0 { b" m\n" } else { b" l\n" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::Paper;
    use crate::render::pdf::text::Frag;

    #[test]
    fn a_line_moves_to_its_start_then_by_each_runs_offset() {
        let fonts = Fonts::load().expect("fonts");
        let geo = super::super::page::geometry(Paper::A4);
        let mut cv = Canvas::new(&fonts, geo);
        let frag = |face, text: &str, x| Frag {
            face,
            text: text.into(),
            x,
            width: 20.0,
            strike: false,
            muted: false,
        };
        let line = Line {
            frags: vec![
                frag(Face::Bold, "Term:", 0.0),
                frag(Face::Regular, "price", 30.25),
            ],
            width: 50.25,
        };
        cv.line_text(50.0, 100.0, 10.0, TEXT, &line);
        cv.line_text(50.0, 114.5, 10.0, TEXT, &line);
        let page = String::from_utf8_lossy(&cv.pages[0]).into_owned();
        let y = geo.height - 100.0;
        let mut start = Vec::new();
        num(&mut start, 50.0);
        start.push(b' ');
        num(&mut start, y);
        let start = String::from_utf8_lossy(&start).into_owned();
        // Each text object starts from the page's origin; the second run
        // moves from the first's start, along the line only.
        assert_eq!(
            page.matches(&format!("\n{start} Td\n")).count(),
            1,
            "{page}"
        );
        assert_eq!(page.matches("\n30.25 0 Td\n").count(), 2, "{page}");
        assert_eq!(page.matches("BT\n").count(), 2, "{page}");
        assert!(!page.contains(" Tm"), "{page}");
    }
}
