//! Page furniture: paper geometry, the running header (title, meeting date,
//! thin rule), the footer ("Page N of M" and the verdict), and the verdict
//! banner that opens the prep pack. The header and footer are drawn after
//! the body is laid out, because only then is M known.

use super::canvas::{BLACK, Canvas, GREY, Geometry, MM, RULE, Rgbf, WHITE};
use super::fonts::{Cleaner, Face};
use super::layout::{Flow, baseline};
use super::text::{Span, wrap};
use super::{Paper, Verdict};

const SMALL: f32 = 8.5;

pub fn geometry(paper: Paper) -> Geometry {
    let (w, h) = match paper {
        Paper::A4 => (210.0, 297.0),
        Paper::Letter => (215.9, 279.4),
    };
    Geometry {
        width: w * MM,
        height: h * MM,
        left: 19.0 * MM,
        right: (w - 19.0) * MM,
        top: 22.0 * MM,
        bottom: (h - 19.0) * MM,
    }
}

/// The verdict in capitals, as printed in the banner and the footer.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Walk => "WALK AWAY",
        Verdict::Caution => "CAUTION",
        Verdict::Proceed => "PROCEED",
    }
}

/// Fill and text colour. Luminances (~0.2, ~0.77, ~0.45) stay distinct
/// when printed in greyscale; the word itself says it as well.
fn banner_colours(v: Verdict) -> (Rgbf, Rgbf) {
    match v {
        Verdict::Walk => (Rgbf(0.58, 0.07, 0.07), WHITE),
        Verdict::Caution => (Rgbf(1.0, 0.76, 0.18), BLACK),
        Verdict::Proceed => (Rgbf(0.2, 0.55, 0.28), WHITE),
    }
}

/// Draws the verdict banner at the cursor, full body width.
pub fn banner(flow: &mut Flow, verdict: Verdict, headline: &str) {
    let geo = flow.cv.geo;
    let (fill, ink) = banner_colours(verdict);
    let pad = 9.0;
    let word_size = 16.0;
    let spans = flow.clean_spans(&[Span::plain(Face::Bold, headline)]);
    let lines = wrap(flow.cv.fonts, 10.5, geo.body_width() - 2.0 * pad, &spans);
    let h = pad + word_size * 1.25 + lines.len() as f32 * 14.0 + pad;
    flow.ensure(h);
    let y = flow.cv.y;
    flow.cv.fill_rect(geo.left, y, geo.body_width(), h, fill);
    let word = verdict_word(verdict);
    let base = baseline(y + pad, word_size * 1.25, word_size);
    flow.cv
        .text(geo.left + pad, base, Face::Bold, word_size, ink, word);
    let mut top = y + pad + word_size * 1.25;
    for line in &lines {
        flow.cv
            .line_text(geo.left + pad, baseline(top, 14.0, 10.5), 10.5, ink, line);
        top += 14.0;
    }
    flow.cv.y = y + h + 12.0;
}

/// Shortens `text` with an ellipsis until it fits `max` points: the longest
/// prefix that fits with "…" after it, found in one pass over the characters
/// (removing one character at a time and measuring again was quadratic, and
/// ran on every page).
fn fit(cv: &Canvas, face: Face, text: &str, max: f32) -> String {
    if cv.fonts.width(face, SMALL, text) <= max {
        return text.to_string();
    }
    let room = max - cv.fonts.width(face, SMALL, "…");
    let mut used = 0.0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        used += cv.fonts.width(face, SMALL, c.encode_utf8(&mut [0; 4]));
        if used > room {
            break;
        }
        end = i + c.len_utf8();
    }
    let kept = text[..end].trim_end();
    if kept.is_empty() && room < 0.0 {
        return String::new();
    }
    format!("{kept}…")
}

/// Running header and footer on every page.
/// `header`: (title, date); `verdict`: printed left in the footer.
pub fn furniture(
    cv: &mut Canvas,
    clean: &mut Cleaner,
    header: Option<(&str, Option<&str>)>,
    verdict: Option<Verdict>,
    page_numbers_if_single: bool,
) {
    let geo = cv.geo;
    let total = cv.pages.len();
    // The same header on every page: fitted once.
    let head = header.map(|(t, d)| {
        let title = clean.clean(cv.fonts, Face::Bold, t);
        let date = d.map(|d| clean.clean(cv.fonts, Face::Regular, d));
        let date_w = date
            .as_ref()
            .map_or(0.0, |d| cv.fonts.width(Face::Regular, SMALL, d) + 12.0);
        let title = fit(cv, Face::Bold, &title, geo.body_width() - date_w);
        (title, date, date_w)
    });
    for page in 0..total {
        if let Some((title, date, date_w)) = &head {
            let base = 13.0 * MM;
            if let Some(d) = date {
                let x = geo.right - (date_w - 12.0);
                cv.text_on(page, x, base, Face::Regular, SMALL, GREY, d);
            }
            cv.text_on(page, geo.left, base, Face::Bold, SMALL, GREY, title);
            let ry = 15.5 * MM;
            cv.line_on(page, geo.left, ry, geo.right, ry, 0.5, RULE);
        }
        let base = geo.height - 11.0 * MM;
        if total > 1 || page_numbers_if_single {
            let label = format!("Page {} of {}", page + 1, total);
            let w = cv.fonts.width(Face::Regular, SMALL, &label);
            cv.text_on(
                page,
                geo.right - w,
                base,
                Face::Regular,
                SMALL,
                GREY,
                &label,
            );
        }
        if let Some(v) = verdict {
            let word = format!("Verdict: {}", verdict_word(v));
            cv.text_on(page, geo.left, base, Face::Bold, SMALL, GREY, &word);
        }
        if header.is_some() {
            let ry = geo.height - 14.5 * MM;
            cv.line_on(page, geo.left, ry, geo.right, ry, 0.5, RULE);
        }
    }
}
