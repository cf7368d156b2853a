//! The walk-away letter as a business letter: sender block top right, date,
//! recipient block, bold subject, body from Markdown, sign-off and the
//! signature name with room to sign. One page for a normal letter; page
//! numbers appear only when it runs longer.

use super::canvas::{Canvas, TEXT};
use super::fonts::{Cleaner, Face, Fonts};
use super::layout::{BODY, Flow, LEAD, baseline};
use super::text::Span;
use super::{LetterPdf, PdfError, PdfOutput, finish, markdown, page};

/// Right-aligned lines (the sender block and the date), first one bold.
fn right_block(flow: &mut Flow, lines: &[String], bold_first: bool) {
    let right = flow.cv.geo.right;
    for (i, l) in lines.iter().enumerate() {
        let face = if bold_first && i == 0 {
            Face::Bold
        } else {
            Face::Regular
        };
        let text = flow.clean.clean(flow.cv.fonts, face, l);
        let w = flow.cv.fonts.width(face, BODY, &text);
        let max = flow.cv.geo.body_width() * 0.6;
        if w > max {
            // An over-long line wraps left-aligned in the right column instead.
            let x = right - max;
            flow.text_block(&[Span::plain(face, l.clone())], x, max, BODY, LEAD);
            continue;
        }
        flow.ensure(LEAD);
        let base = baseline(flow.cv.y, LEAD, BODY);
        flow.cv.text(right - w, base, face, BODY, TEXT, &text);
        flow.cv.y += LEAD;
    }
}

pub fn render_letter(doc: &LetterPdf) -> Result<PdfOutput, PdfError> {
    let fonts = Fonts::load()?;
    let mut clean = Cleaner::default();
    let mut geo = page::geometry(doc.paper);
    // No running header on a letter: the body starts at the top margin.
    geo.top = 20.0 * super::canvas::MM;
    let mut cv = Canvas::new(&fonts, geo);
    let body = markdown::parse(doc.body_markdown);
    {
        let mut flow = Flow::new(&mut cv, &mut clean, &[]);
        let (x, width) = (geo.left, geo.body_width());
        right_block(&mut flow, &doc.sender_lines, true);
        flow.cv.y += 14.0;
        right_block(&mut flow, &[doc.date.to_string()], false);
        flow.cv.y += 14.0;
        for l in &doc.recipient_lines {
            flow.text_block(
                &[Span::plain(Face::Regular, l.clone())],
                x,
                width,
                BODY,
                LEAD,
            );
        }
        flow.cv.y += 20.0;
        let subject = [Span::plain(Face::Bold, doc.subject)];
        flow.text_block(&subject, x, width, 11.0, 15.0);
        flow.cv.y += 10.0;
        flow.blocks(&body, x, width, false);
        // Sign-off, room for a handwritten signature, and the name stay together.
        flow.ensure(2.0 * LEAD + 30.0);
        flow.gap(4.0);
        flow.text_block(
            &[Span::plain(Face::Regular, doc.sign_off)],
            x,
            width,
            BODY,
            LEAD,
        );
        flow.cv.y += 30.0;
        flow.text_block(
            &[Span::plain(Face::Regular, doc.signature)],
            x,
            width,
            BODY,
            LEAD,
        );
    }
    page::furniture(&mut cv, &mut clean, None, None, false);
    let author = Some(doc.signature).filter(|s| !s.trim().is_empty());
    finish(doc.subject, author, cv, clean.warnings)
}
