//! The follow-up e-mail of a letter: the same words as `letter.md` (greeting, the
//! exit script's body, sign-off), as `text/plain` and `text/html`, addressed from
//! `us` to `them`. The build writes it as `email.eml`; `send` delivers the same
//! message.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::email::{self, EmailParts};
use crate::compose::Letter;

/// Build the message from the composed letter: greeting and body, then the
/// sign-off and our name; `text/plain` and `text/html` with the same words.
/// Dated 09:00 UTC on the letter's date, so that a build is reproducible.
/// Fails (bad input) when the brief has no addresses to write from and to.
pub fn message(letter: &Letter) -> Result<lettre::Message, String> {
    message_dated(letter, system_time(letter.date))
}

/// The message as it leaves with `send`: dated when it is sent, as mail is
/// (a date in the future puts it out of order in the inbox, and spam filters
/// mark it down).
pub fn message_sent_now(letter: &Letter) -> Result<lettre::Message, String> {
    message_dated(letter, SystemTime::now())
}

fn message_dated(letter: &Letter, date: SystemTime) -> Result<lettre::Message, String> {
    let (from, to) = letter.mailboxes.clone()?;
    let closing = format!(
        "{},  \n{}",
        crate::escape::markdown(&letter.sign_off),
        crate::escape::markdown(&letter.signature)
    );
    let md = format!("{}\n\n{closing}\n", letter.body.trim_end());
    let text = markdown_to_text(&md);
    // A complete HTML5 document (a title, the language): mail clients show
    // it as it is, and strict validators pass it.
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family: sans-serif; line-height: 1.5\">\n{}</body></html>\n",
        crate::escape::html(&letter.subject),
        super::html::markdown_to_html(&md, "")
    );
    let parts = EmailParts {
        from: &from,
        to: &to,
        subject: &letter.subject,
        text: &text,
        html: &html,
        date,
    };
    email::build_message(&parts)
}

/// 09:00 UTC on the letter's date: a stable Date header.
fn system_time(d: jiff::civil::Date) -> SystemTime {
    let secs = d
        .at(9, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0);
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// Markdown → readable plain text: emphasis dropped, list items as "- ", links
/// as "text (url)", hard breaks kept, paragraphs separated by a blank line.
pub fn markdown_to_text(md: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    for ev in Parser::new_ext(md, crate::markdown::options()) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                out.push_str(&indent);
                out.push_str(&marker);
            }
            Event::Start(Tag::List(start)) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => {
                out.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => {
                if lists.is_empty() {
                    out.push_str("\n\n");
                } else if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    let mut text = out.trim_end().to_string();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_structure_and_drops_markup() {
        let text = markdown_to_text(
            "Hi Lee\\_Park,\n\nWe met on:\n\n- **Price**\n- Delivery\n\nKind regards,  \nDana\n",
        );
        assert_eq!(
            text,
            "Hi Lee_Park,\n\nWe met on:\n\n- Price\n- Delivery\n\nKind regards,\nDana\n"
        );
    }
}
