//! The bundled DejaVu faces: parsed once per process, measured by their real
//! `hmtx` advance widths, and used to clean text before it reaches a page
//! (a character the faces lack becomes '?' and one warning, never a silent gap).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::PdfError;

/// The five faces the layout uses. `Mono` is for inline code and code blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Italic => dejavu::sans::oblique(),
            Face::BoldItalic => dejavu::sans::bold_oblique(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }

    /// The PostScript name of the bundled face (its `name` table, ID 6).
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
            Face::Italic => "DejaVuSans-Oblique",
            Face::BoldItalic => "DejaVuSans-BoldOblique",
            Face::Mono => "DejaVuSansMono",
        }
    }
}

/// Characters below this code point get a precomputed glyph and advance
/// table: they are nearly all the text we print, and a table lookup beats a
/// cmap search per character.
const FAST_RANGE: usize = 0x0250;

/// What the PDF's font descriptor says about a face, in 1/1000 em.
#[derive(Clone, Copy, Debug)]
pub struct Descriptor {
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
    pub monospaced: bool,
}

struct Metrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// Glyph and advance (em) for each char below `FAST_RANGE`; `None` = not
    /// in the face.
    fast: Vec<Option<(u16, f32)>>,
    /// Bit `b` set: the printable ASCII character `b` is in the face.
    ascii: u128,
    /// The advance (em) of each ASCII character, 0.6 where the face lacks
    /// it (as [`Fonts::width`] counts it): text is measured a byte at a time.
    ascii_advance: [f32; 128],
    descriptor: Descriptor,
}

impl Metrics {
    fn parse(which: Face) -> Result<Metrics, String> {
        let face = ttf_parser::Face::parse(which.bytes(), 0)
            .map_err(|e| format!("cannot parse bundled font {which:?}: {e}"))?;
        let units_per_em = match face.units_per_em() {
            0 => 2048.0,
            u => f32::from(u),
        };
        let k = 1000.0 / units_per_em;
        let b = face.global_bounding_box();
        let descriptor = Descriptor {
            ascent: f32::from(face.ascender()) * k,
            descent: f32::from(face.descender()) * k,
            cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())) * k,
            bbox: [
                f32::from(b.x_min) * k,
                f32::from(b.y_min) * k,
                f32::from(b.x_max) * k,
                f32::from(b.y_max) * k,
            ],
            italic_angle: face.italic_angle(),
            monospaced: face.is_monospaced(),
        };
        let mut m = Metrics {
            face,
            units_per_em,
            fast: Vec::new(),
            ascii: 0,
            ascii_advance: [0.0; 128],
            descriptor,
        };
        m.fast = (0..FAST_RANGE as u32)
            .map(|cp| char::from_u32(cp).and_then(|c| m.lookup(c)))
            .collect();
        m.ascii_advance =
            std::array::from_fn(|b| m.glyph(char::from(b as u8)).map_or(0.6, |(_, a)| a));
        m.ascii = (b' '..=b'~')
            .filter(|&b| m.fast.get(usize::from(b)).is_some_and(Option::is_some))
            .fold(0, |set, b| set | 1 << b);
        Ok(m)
    }

    fn lookup(&self, c: char) -> Option<(u16, f32)> {
        let gid = self.face.glyph_index(c)?;
        if gid.0 == 0 {
            return None;
        }
        let advance = self.face.glyph_hor_advance(gid).unwrap_or(0);
        Some((gid.0, f32::from(advance) / self.units_per_em))
    }

    /// Glyph and advance of `c` in em, or `None` when the face lacks it.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        match self.fast.get(c as usize) {
            Some(a) => *a,
            None => self.lookup(c),
        }
    }
}

static FACES: OnceLock<Result<Vec<Metrics>, String>> = OnceLock::new();

/// The parsed faces, shared by every document of the process: parsing costs
/// more than a whole render, so it happens once.
#[derive(Clone, Copy)]
pub struct Fonts {
    faces: &'static [Metrics],
}

impl Fonts {
    pub fn load() -> Result<Fonts, PdfError> {
        let faces = FACES
            .get_or_init(|| Face::ALL.iter().map(|f| Metrics::parse(*f)).collect())
            .as_ref()
            .map_err(|e| PdfError(e.clone()))?;
        Ok(Fonts { faces })
    }

    fn metrics(&self, face: Face) -> &Metrics {
        &self.faces[face.index()]
    }

    pub fn has(&self, face: Face, c: char) -> bool {
        self.metrics(face).glyph(c).is_some()
    }

    /// The glyph of `c` in `face` and its advance in 1/1000 em; glyph 0
    /// (.notdef) when the face lacks it, which [`Cleaner`] prevents.
    pub fn glyph(&self, face: Face, c: char) -> (u16, f32) {
        self.metrics(face)
            .glyph(c)
            .map_or((0, 600.0), |(g, em)| (g, em * 1000.0))
    }

    /// The glyphs of the printable ASCII characters `face` has.
    pub fn ascii_glyphs(&self, face: Face) -> impl Iterator<Item = u16> + '_ {
        let m = self.metrics(face);
        (b' '..=b'~').filter_map(|b| m.glyph(char::from(b)).map(|(g, _)| g))
    }

    /// True when `text` is printable ASCII that `face` has, all of it: it
    /// prints as it is (the usual case, answered without a lookup each).
    fn prints_ascii(&self, face: Face, text: &str) -> bool {
        let set = self.metrics(face).ascii;
        text.bytes().all(|b| b < 128 && set & (1 << b) != 0)
    }

    /// Whether `c`, ASCII, prints as it is in `face` (what [`place`] says).
    fn prints_ascii_char(&self, face: Face, c: u8) -> bool {
        c < 128 && self.metrics(face).ascii & (1 << c) != 0
    }

    pub fn descriptor(&self, face: Face) -> Descriptor {
        self.metrics(face).descriptor
    }

    /// The advances of the ASCII characters in `face`, in 1/1000 em, by byte:
    /// for measuring many words of one ASCII text without asking each time.
    pub fn ascii_advances(&self, face: Face) -> &[f32; 128] {
        &self.metrics(face).ascii_advance
    }

    /// Width in points of `text` set in `face` at `size`. Characters the face
    /// lacks were already replaced by [`Cleaner`], so none are expected here;
    /// they count as the '?' that the viewer would not draw either.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let m = self.metrics(face);
        if text.is_ascii() {
            // Nearly all text: a table lookup a byte, no decoding.
            let em: f32 = text
                .bytes()
                .map(|b| m.ascii_advance[usize::from(b & 0x7f)])
                .sum();
            return em * size;
        }
        let em: f32 = text
            .chars()
            .map(|c| {
                let c = if c == '\u{a0}' { ' ' } else { c };
                m.glyph(c).map_or(0.6, |(_, a)| a)
            })
            .sum();
        em * size
    }
}

/// Where a character of text set in a face prints.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// A layout-only character: invisible by design, not missing.
    Dropped,
    /// In this face, as this character.
    In(Face, char),
    /// In no face.
    Missing,
}

/// Where `c`, set in `face`, prints: a line break or tab as a space, a
/// character `face` lacks in the regular face (DejaVu Sans has the widest
/// coverage).
fn place(fonts: &Fonts, face: Face, c: char) -> Place {
    match c {
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => Place::Dropped,
        '\t' | '\n' | '\r' => Place::In(face, ' '),
        '\u{a0}' => Place::In(face, '\u{a0}'),
        c if fonts.has(face, c) => Place::In(face, c),
        c if fonts.has(Face::Regular, c) => Place::In(Face::Regular, c),
        _ => Place::Missing,
    }
}

/// Makes text printable with the bundled faces and remembers what it had to
/// replace, so each missing character is reported exactly once per document.
#[derive(Default)]
pub struct Cleaner {
    reported: BTreeSet<char>,
    /// Right-to-left text was met (said once).
    rtl: bool,
    pub warnings: Vec<String>,
}

impl Cleaner {
    /// Whether every character of `text` is printed as it is in `face` (the
    /// usual case): then `pieces` gives it back whole, and nothing is said.
    pub fn as_is(&self, fonts: &Fonts, face: Face, text: &str) -> bool {
        // Text with a few characters beyond ASCII (a dash, a currency sign)
        // looks up only those.
        fonts.prints_ascii(face, text)
            || text.chars().all(|c| match u8::try_from(c) {
                Ok(b) if b < 128 => fonts.prints_ascii_char(face, b),
                _ => place(fonts, face, c) == Place::In(face, c) && (self.rtl || !right_to_left(c)),
            })
    }

    /// Splits `text` into (face, text) pieces: characters `face` lacks fall
    /// back to the regular face (DejaVu Sans has the widest coverage), and
    /// characters no face has become '?' with a warning.
    pub fn pieces(&mut self, fonts: &Fonts, face: Face, text: &str) -> Vec<(Face, String)> {
        // The usual case, every character printed as it is in `face`: one
        // piece, copied whole rather than a character at a time.
        if self.as_is(fonts, face, text) {
            return if text.is_empty() {
                Vec::new()
            } else {
                vec![(face, text.to_string())]
            };
        }
        let mut out: Vec<(Face, String)> = Vec::new();
        for c in text.chars() {
            // The layout has no bidirectional reordering or Arabic shaping:
            // the letters come out in the order typed, left to right. Said,
            // since the font has the glyphs and nothing else would show it.
            if !self.rtl && right_to_left(c) {
                self.rtl = true;
                self.warnings.push(
                    "right-to-left text (Hebrew, Arabic) is printed left to right in the PDF, its letters unjoined; the HTML, Markdown and e-mail show it correctly".to_string(),
                );
            }
            let (f, c) = match place(fonts, face, c) {
                Place::Dropped => continue,
                Place::In(f, shown) => (f, shown),
                Place::Missing => {
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

/// A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko
/// and their presentation forms).
fn right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_measured_as_each_glyphs_advance() {
        let fonts = Fonts::load().expect("fonts");
        // Every ASCII byte, controls (which the face lacks) included, alone
        // and all together, against the advances looked up one by one.
        let all: String = (0u8..128).map(char::from).collect();
        for face in Face::ALL {
            let m = fonts.metrics(face);
            let by_char = |t: &str| -> f32 {
                t.chars()
                    .map(|c| m.glyph(c).map_or(0.6, |(_, a)| a))
                    .sum::<f32>()
                    * 9.5
            };
            for c in all.chars() {
                let t = c.to_string();
                assert_eq!(fonts.width(face, 9.5, &t), by_char(&t), "{face:?} {c:?}");
            }
            assert_eq!(fonts.width(face, 9.5, &all), by_char(&all), "{face:?}");
            assert!(
                fonts.width(face, 9.5, "W") > fonts.width(face, 9.5, "i") || face == Face::Mono
            );
        }
    }

    #[test]
    fn right_to_left_text_is_told_once() {
        let fonts = Fonts::load().expect("fonts");
        let mut clean = Cleaner::default();
        let _ = clean.pieces(&fonts, Face::Regular, "Lee Park, עסקת הספקים");
        let _ = clean.pieces(&fonts, Face::Regular, "محمد عبد الله");
        assert_eq!(clean.warnings.len(), 1, "{:?}", clean.warnings);
        assert!(clean.warnings[0].contains("right-to-left"));
        let mut latin = Cleaner::default();
        let _ = latin.pieces(&fonts, Face::Regular, "Zoë Łukasiewicz, Γιώργος");
        assert!(latin.warnings.is_empty());
    }

    fn fonts() -> Fonts {
        Fonts::load().expect("bundled fonts parse")
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
    fn glyphs_and_descriptors_are_the_faces_own() {
        let f = fonts();
        let (a, wa) = f.glyph(Face::Regular, 'a');
        let (b, _) = f.glyph(Face::Regular, 'b');
        assert!(a != 0 && b != 0 && a != b);
        assert!((wa - 1000.0 * f.width(Face::Regular, 1.0, "a")).abs() < 0.01);
        // Outside the fast table: found through the cmap all the same.
        assert_ne!(f.glyph(Face::Regular, 'Д').0, 0);
        assert_eq!(f.glyph(Face::Regular, '🦀').0, 0);
        assert!(f.descriptor(Face::Mono).monospaced);
        assert!(!f.descriptor(Face::Regular).monospaced);
        assert!(f.descriptor(Face::Italic).italic_angle < 0.0);
        let d = f.descriptor(Face::Regular);
        assert!(d.ascent > 700.0 && d.descent < -150.0, "{d:?}");
    }

    /// The ASCII shortcut says "as it is" for exactly the characters that
    /// `place` leaves as they are, in every face.
    #[test]
    fn the_ascii_shortcut_agrees_with_place() {
        let f = fonts();
        for face in Face::ALL {
            for b in 0u8..128 {
                let c = char::from(b);
                let as_is = place(&f, face, c) == Place::In(face, c);
                assert_eq!(
                    f.prints_ascii(face, c.encode_utf8(&mut [0; 4])),
                    as_is,
                    "{face:?} {b}"
                );
                assert_eq!(f.prints_ascii_char(face, b), as_is, "{face:?} {b}");
            }
            assert!(f.prints_ascii(face, "Price: 48,500 EUR (net)"));
            assert!(!f.prints_ascii(face, "48\u{a0}500"));
        }
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
