//! The built-in PDF engine: prep packs and walk-away letters laid out from
//! Markdown with printpdf's low-level `Op` API and the bundled DejaVu fonts
//! (embedded and subset). This file is the public surface; `markdown` turns
//! text into blocks, `layout`/`table`/`gauge` put blocks on pages, `page`
//! adds the furniture and `letter` arranges a business letter.

mod canvas;
mod fonts;
mod gauge;
mod gauge_draw;
mod layout;
mod letter;
mod markdown;
mod page;
mod table;
mod text;

#[cfg(test)]
mod gauge_tests;
#[cfg(test)]
pub(crate) mod samples;
#[cfg(test)]
mod tests;

use std::fmt;

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use canvas::{Canvas, Geometry, MM};
use fonts::{Cleaner, Fonts};
use layout::Flow;

pub use letter::render_letter;

pub use crate::artifact::Paper;

pub use crate::assess::Verdict;
pub use crate::compose::Gauge;

pub struct PrepPackPdf<'a> {
    /// The rendered prep pack (CommonMark + GFM tables). A line holding only
    /// `<!-- walkaway:gauges -->` is where the gauges are drawn.
    pub markdown: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub verdict: Verdict,
    pub verdict_headline: &'a str,
    pub gauges: &'a [Gauge],
    pub paper: Paper,
}

pub struct LetterPdf<'a> {
    pub sender_lines: Vec<String>,
    pub date: &'a str,
    pub recipient_lines: Vec<String>,
    pub subject: &'a str,
    /// Greeting and paragraphs (maybe lists); the sign-off is separate.
    pub body_markdown: &'a str,
    pub sign_off: &'a str,
    pub signature: &'a str,
    pub paper: Paper,
}

pub struct PdfOutput {
    pub bytes: Vec<u8>,
    /// Things a reader should know, e.g. characters the font cannot print.
    pub warnings: Vec<String>,
}

/// A failure to produce the PDF at all (the bundled fonts failing to parse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfError(String);

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PdfError {}

pub fn render_prep_pack(doc: &PrepPackPdf) -> Result<PdfOutput, PdfError> {
    let mut pdf = PdfDocument::new(doc.title);
    let fonts = Fonts::load(&mut pdf)?;
    let mut clean = Cleaner::default();
    let geo = page::geometry(doc.paper);
    let mut cv = Canvas::new(&fonts, geo);
    let blocks = markdown::parse(doc.markdown);
    {
        let mut flow = Flow::new(&mut cv, &mut clean, doc.gauges);
        page::banner(&mut flow, doc.verdict, doc.verdict_headline);
        flow.blocks(&blocks, geo.left, geo.body_width(), false);
    }
    page::furniture(
        &mut cv,
        &mut clean,
        Some((doc.title, doc.date)),
        Some(doc.verdict),
        true,
    );
    let pages = cv.pages;
    Ok(finish(pdf, pages, geo, clean.warnings))
}

/// Wraps the pages' ops into a document and serialises it (fonts subset).
fn finish(
    mut pdf: PdfDocument,
    pages: Vec<Vec<printpdf::Op>>,
    geo: Geometry,
    warnings: Vec<String>,
) -> PdfOutput {
    let (w, h) = (Mm(geo.width / MM), Mm(geo.height / MM));
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(w, h, ops))
        .collect();
    pdf.with_pages(pages);
    // printpdf's own notes (e.g. about unused resources) are not the user's
    // concern; every condition a user can act on is in `warnings`.
    let mut save_warnings = Vec::new();
    let mut doc = pdf.to_lopdf_document(&PdfSaveOptions::default(), &mut save_warnings);
    compress_fast(&mut doc);
    let mut bytes = Vec::new();
    if let Err(e) = doc.save_to(&mut bytes) {
        // Writing into memory only fails on a bug; say so rather than panic.
        return PdfOutput {
            bytes: Vec::new(),
            warnings: vec![format!("the PDF could not be written: {e}")],
        };
    }
    PdfOutput { bytes, warnings }
}

/// Deflate every stream at zlib's fastest level. printpdf's own save compresses
/// at the best level, which is about half of a prep pack's render time for a
/// few kilobytes less; a viewer reads both the same.
fn compress_fast(doc: &mut lopdf::Document) {
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
        let Ok(compressed) = encoder
            .write_all(&stream.content)
            .and_then(|()| encoder.finish())
        else {
            continue;
        };
        // A filter costs ~19 bytes of dictionary: only worth it when it saves more.
        if compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}
