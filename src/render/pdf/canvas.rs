//! Drawing primitives over printpdf's `Op` list, in points with y measured
//! from the TOP of the page (how layout thinks), converted to PDF's
//! bottom-up coordinates only here. Also owns the page list and the cursor.

use printpdf::{
    Color, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rect, Rgb,
    TextItem, TextMatrix, WindingOrder,
};

use super::fonts::{Face, Fonts};
use super::text::{Line, face_size};

pub const MM: f32 = 72.0 / 25.4;

/// An RGB colour with components in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgbf(pub f32, pub f32, pub f32);

pub const BLACK: Rgbf = Rgbf(0.0, 0.0, 0.0);
pub const WHITE: Rgbf = Rgbf(1.0, 1.0, 1.0);
pub const TEXT: Rgbf = Rgbf(0.1, 0.1, 0.1);
pub const GREY: Rgbf = Rgbf(0.42, 0.42, 0.42);
pub const RULE: Rgbf = Rgbf(0.7, 0.7, 0.7);

fn colour(c: Rgbf) -> Color {
    Color::Rgb(Rgb::new(c.0, c.1, c.2, None))
}

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
    pub pages: Vec<Vec<Op>>,
    /// Current vertical position (top-based) on the last page.
    pub y: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f Fonts, geo: Geometry) -> Canvas<'f> {
        Canvas {
            fonts,
            geo,
            pages: vec![Vec::new()],
            y: geo.top,
        }
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
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

    fn ops(&mut self, page: usize) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[page.min(last)]
    }

    fn pt(&self, x: f32, y: f32) -> Point {
        Point {
            x: Pt(x),
            y: Pt(self.geo.height - y),
        }
    }

    /// The ops that set one run of text, without the surrounding BT/ET, so a
    /// whole line can share one text object (smaller, faster to compress).
    #[allow(clippy::too_many_arguments)]
    fn text_ops(&self, out: &mut Vec<Op>, x: f32, y: f32, face: Face, size: f32, c: Rgbf, s: &str) {
        // U+00A0 only mattered for line breaking; a plain space extracts better.
        let s = s.replace('\u{a0}', " ");
        out.extend([
            Op::SetFont {
                font: PdfFontHandle::External(self.fonts.id(face)),
                size: Pt(size),
            },
            Op::SetFillColor { col: colour(c) },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(self.geo.height - y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s)],
            },
        ]);
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
        let mut ops = vec![Op::StartTextSection];
        self.text_ops(&mut ops, x, y, face, size, c, s);
        ops.push(Op::EndTextSection);
        self.ops(page).append(&mut ops);
    }

    pub fn text(&mut self, x: f32, y: f32, face: Face, size: f32, c: Rgbf, s: &str) {
        self.text_on(self.page_index(), x, y, face, size, c, s);
    }

    /// Draws a wrapped line with its baseline at `y`, starting at `x`.
    pub fn line_text(&mut self, x: f32, y: f32, size: f32, c: Rgbf, line: &Line) {
        let mut ops = vec![Op::StartTextSection];
        for f in line.frags.iter().filter(|f| !f.text.is_empty()) {
            let col = if f.muted { GREY } else { c };
            self.text_ops(
                &mut ops,
                x + f.x,
                y,
                f.face,
                face_size(f.face, size),
                col,
                &f.text,
            );
        }
        dedupe_state(&mut ops);
        ops.push(Op::EndTextSection);
        let page = self.page_index();
        self.ops(page).append(&mut ops);
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
        let rect = Rect {
            x: Pt(x),
            y: Pt(self.geo.height - y - h),
            width: Pt(w),
            height: Pt(h),
            mode: Some(PaintMode::Fill),
            winding_order: Some(WindingOrder::NonZero),
        };
        self.ops(page).extend([
            Op::SetFillColor { col: colour(c) },
            Op::DrawRectangle { rectangle: rect },
        ]);
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
        let points = vec![
            LinePoint {
                p: self.pt(x1, y1),
                bezier: false,
            },
            LinePoint {
                p: self.pt(x2, y2),
                bezier: false,
            },
        ];
        self.ops(page).extend([
            Op::SetOutlineColor { col: colour(c) },
            Op::SetOutlineThickness { pt: Pt(w) },
            Op::DrawLine {
                line: printpdf::Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    /// Straight-line points in PDF space.
    fn points(&self, pts: &[(f32, f32)]) -> Vec<LinePoint> {
        pts.iter()
            .map(|(x, y)| LinePoint {
                p: self.pt(*x, *y),
                bezier: false,
            })
            .collect()
    }

    pub fn polyline(&mut self, pts: &[(f32, f32)], width: f32, c: Rgbf) {
        let points = self.points(pts);
        self.ops(self.page_index()).extend([
            Op::SetOutlineColor { col: colour(c) },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: printpdf::Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    /// A closed shape, filled with `fill` and, when given, outlined.
    pub fn polygon(&mut self, pts: &[(f32, f32)], fill: Rgbf, outline: Option<Rgbf>) {
        let points = self.points(pts);
        let mode = if outline.is_some() {
            PaintMode::FillStroke
        } else {
            PaintMode::Fill
        };
        let page = self.page_index();
        let ops = self.ops(page);
        ops.push(Op::SetFillColor { col: colour(fill) });
        if let Some(o) = outline {
            ops.push(Op::SetOutlineColor { col: colour(o) });
            ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
        }
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// Drops font and colour settings that repeat the one already in force
/// within a text object: a line in one style then sets them only once.
fn dedupe_state(ops: &mut Vec<Op>) {
    let mut font: Option<(printpdf::FontId, f32)> = None;
    let mut fill: Option<Color> = None;
    ops.retain(|op| match op {
        Op::SetFont {
            font: PdfFontHandle::External(id),
            size,
        } => {
            let new = Some((id.clone(), size.0));
            let keep = font != new;
            font = new;
            keep
        }
        Op::SetFillColor { col } => {
            let keep = fill.as_ref() != Some(col);
            fill = Some(col.clone());
            keep
        }
        _ => true,
    });
}
