//! The built-in PDF engine: prep packs and walk-away letters laid out from
//! Markdown with the bundled DejaVu fonts (embedded and subset). This file is
//! the public surface; `markdown` turns text into blocks, `layout`/`table`/
//! `gauge` put blocks on pages (`laid` keeps a table's layout between them),
//! `page` adds the furniture, `letter` arranges a business letter, `canvas`
//! draws into content streams and `writer` writes the file.

mod canvas;
mod fonts;
mod gauge;
mod gauge_draw;
mod laid;
mod layout;
mod letter;
mod markdown;
mod page;
mod table;
mod text;
mod writer;

#[cfg(test)]
mod gauge_tests;
#[cfg(test)]
pub(crate) mod samples;
#[cfg(test)]
mod tests;

use std::fmt;

use canvas::Canvas;
use fonts::{Cleaner, Fonts};
use layout::Flow;

pub use letter::render_letter;

pub use crate::artifact::Paper;

pub use crate::assess::Verdict;
pub use crate::compose::Gauge;

pub struct PrepPackPdf<'a> {
    /// The rendered prep pack (CommonMark + GFM tables), read into its
    /// events ([`crate::markdown::events`]). A line holding only
    /// `<!-- walkaway:gauges -->` is where the gauges are drawn.
    pub markdown: &'a [pulldown_cmark::Event<'a>],
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub verdict: Verdict,
    pub verdict_headline: &'a str,
    pub gauges: &'a [Gauge],
    pub paper: Paper,
    /// Who prepared it (the document's Author), when the brief says.
    pub author: Option<&'a str>,
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
    let fonts = Fonts::load()?;
    let mut clean = Cleaner::default();
    let geo = page::geometry(doc.paper);
    let mut cv = Canvas::new(&fonts, geo);
    let blocks = markdown::from_events(doc.markdown.iter().cloned());
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
    finish(doc.title, doc.author, cv, clean.warnings)
}

/// Writes the canvas's pages into a file (fonts subset).
fn finish(
    title: &str,
    author: Option<&str>,
    cv: Canvas,
    warnings: Vec<String>,
) -> Result<PdfOutput, PdfError> {
    let bytes = writer::write(
        title,
        author,
        (cv.geo.width, cv.geo.height),
        &cv.pages,
        &cv.glyphs,
        cv.fonts,
        cv.hatched,
    )?;
    Ok(PdfOutput { bytes, warnings })
}
