//! The bundled DejaVu faces: parsed once per process, measured by their real
//! `hmtx` advance widths, and used to clean text before it reaches a page
//! (a character the faces lack becomes '?' and one warning, never a silent gap).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont, PdfDocument};

use super::PdfError;

/// The five faces the layout uses. `Mono` is for inline code and code blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    Mono,
}

impl Face {
    pub const ALL: [Face; 5] = [
        Face::Regular,
        Face::Bold,
        Face::Italic,
        Face::BoldItalic,
        Face::Mono,
    ];

    pub fn styled(bold: bool, italic: bool) -> Face {
        match (bold, italic) {
            (false, false) => Face::Regular,
            (true, false) => Face::Bold,
            (false, true) => Face::Italic,
            (true, true) => Face::BoldItalic,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Italic => dejavu::sans::oblique(),
            Face::BoldItalic => dejavu::sans::bold_oblique(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }
}

/// Characters below this code point get a precomputed advance table: they are
/// nearly all the text we print, and a table lookup beats a cmap search per glyph.
const FAST_RANGE: usize = 0x0250;

struct Metrics {
    font: ParsedFont,
    units_per_em: f32,
    /// Advance in em for each char below `FAST_RANGE`; `None` = not in the face.
    fast: Vec<Option<f32>>,
}

impl Metrics {
    fn parse(face: Face) -> Result<Metrics, String> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
            .ok_or_else(|| format!("cannot parse bundled font {face:?}: {warnings:?}"))?;
        let units_per_em = match font.font_metrics.units_per_em as f32 {
            u if u > 0.0 => u,
            _ => 2048.0,
        };
        let mut m = Metrics {
            font,
            units_per_em,
            fast: Vec::new(),
        };
        m.fast = (0..FAST_RANGE as u32)
            .map(|cp| char::from_u32(cp).and_then(|c| m.lookup(c)))
            .collect();
        Ok(m)
    }

    fn lookup(&self, c: char) -> Option<f32> {
        let gid = self.font.lookup_glyph_index(c as u32)?;
        if gid == 0 {
            return None;
        }
        Some(f32::from(self.font.get_horizontal_advance(gid)) / self.units_per_em)
    }

    /// Advance of `c` in em, or `None` when the face has no glyph for it.
    fn advance(&self, c: char) -> Option<f32> {
        match self.fast.get(c as usize) {
            Some(a) => *a,
            None => self.lookup(c),
        }
    }
}

static FACES: OnceLock<Result<Vec<Metrics>, String>> = OnceLock::new();

/// The parsed faces plus, once registered with a document, their font ids.
/// Parsing happens once per process (it costs more than a whole render);
/// each document gets its own cheap copy to embed and subset.
pub struct Fonts {
    faces: &'static [Metrics],
    ids: Vec<FontId>,
}

impl Fonts {
    pub fn load(doc: &mut PdfDocument) -> Result<Fonts, PdfError> {
        let faces = FACES
            .get_or_init(|| Face::ALL.iter().map(|f| Metrics::parse(*f)).collect())
            .as_ref()
            .map_err(|e| PdfError(e.clone()))?;
        let ids = faces.iter().map(|m| doc.add_font(&m.font)).collect();
        Ok(Fonts { faces, ids })
    }

    pub fn id(&self, face: Face) -> FontId {
        self.ids[face.index()].clone()
    }

    fn metrics(&self, face: Face) -> &Metrics {
        &self.faces[face.index()]
    }

    pub fn has(&self, face: Face, c: char) -> bool {
        self.metrics(face).advance(c).is_some()
    }

    /// Width in points of `text` set in `face` at `size`. Characters the face
    /// lacks were already replaced by [`Cleaner`], so none are expected here;
    /// they count as the '?' that the viewer would not draw either.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let m = self.metrics(face);
        let em: f32 = text
            .chars()
            .map(|c| {
                let c = if c == '\u{a0}' { ' ' } else { c };
                m.advance(c).unwrap_or(0.6)
            })
            .sum();
        em * size
    }
}

/// Makes text printable with the bundled faces and remembers what it had to
/// replace, so each missing character is reported exactly once per document.
#[derive(Default)]
pub struct Cleaner {
    reported: BTreeSet<char>,
    pub warnings: Vec<String>,
}

impl Cleaner {
    /// Splits `text` into (face, text) pieces: characters `face` lacks fall
    /// back to the regular face (DejaVu Sans has the widest coverage), and
    /// characters no face has become '?' with a warning.
    pub fn pieces(&mut self, fonts: &Fonts, face: Face, text: &str) -> Vec<(Face, String)> {
        let mut out: Vec<(Face, String)> = Vec::new();
        for c in text.chars() {
            let (f, c) = match c {
                // Layout-only characters: invisible by design, not missing.
                '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => continue,
                '\t' | '\n' | '\r' => (face, ' '),
                '\u{a0}' => (face, '\u{a0}'),
                c if fonts.has(face, c) => (face, c),
                c if fonts.has(Face::Regular, c) => (Face::Regular, c),
                c => {
                    self.report(c);
                    (face, '?')
                }
            };
            match out.last_mut() {
                Some((lf, s)) if *lf == f => s.push(c),
                _ => out.push((f, c.to_string())),
            }
        }
        out
    }

    /// Returns `text` with every unprintable character replaced by '?'
    /// (for single-face strings such as the header or gauge labels).
    pub fn clean(&mut self, fonts: &Fonts, face: Face, text: &str) -> String {
        self.pieces(fonts, face, text)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    }

    fn report(&mut self, c: char) {
        if self.reported.insert(c) {
            let shown = if c.is_control() {
                String::new()
            } else {
                format!(" '{c}'")
            };
            self.warnings.push(format!(
                "glyph U+{:04X}{shown} is not in the bundled font; printed as '?'",
                c as u32
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        let mut doc = PdfDocument::new("t");
        Fonts::load(&mut doc).expect("bundled fonts parse")
    }

    #[test]
    fn widths_come_from_the_font() {
        let f = fonts();
        // DejaVu Sans: 'i' is much narrower than 'W'; monospace is uniform.
        assert!(f.width(Face::Regular, 10.0, "i") < f.width(Face::Regular, 10.0, "W") / 2.0);
        let a = f.width(Face::Mono, 10.0, "iiii");
        let b = f.width(Face::Mono, 10.0, "WWWW");
        assert!((a - b).abs() < 0.01);
        assert!(f.width(Face::Bold, 10.0, "Łódź") > f.width(Face::Regular, 10.0, "Łódź"));
    }

    #[test]
    fn missing_glyph_reported_once() {
        let f = fonts();
        let mut c = Cleaner::default();
        let s = c.clean(&f, Face::Regular, "a🦀b🦀 Дмитрий €");
        assert_eq!(s, "a?b? Дмитрий €");
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("U+1F980"));
    }
}
