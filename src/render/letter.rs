//! The follow-up e-mail of a letter: the same words as `letter.md` (greeting, the
//! exit script's body, sign-off), as `text/plain` and `text/html`, addressed from
//! `us` to `them`. `render` writes it as `email.eml`; `send` delivers the same
//! message.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use super::email::{self, EmailParts, Mailbox};
use crate::brief::Brief;

/// Why a brief cannot have an e-mail (no addresses): bad input, exit code 2.
pub fn mailboxes(b: &Brief) -> Result<(Mailbox, Mailbox), String> {
    let from =
        b.us.email
            .clone()
            .ok_or("the brief has no `us.email`: add our address to write the e-mail")?;
    let to = b
        .them
        .email
        .clone()
        .ok_or("the brief has no `them.email`: add their address to write the e-mail")?;
    Ok((
        Mailbox {
            name: b.us.name.clone(),
            address: from,
        },
        Mailbox {
            name: b.them.name.clone(),
            address: to,
        },
    ))
}

/// Build the message from the letter's parts in the template context.
pub fn message(
    b: &Brief,
    ctx: &Map<String, Value>,
    date: jiff::civil::Date,
) -> Result<lettre::Message, String> {
    let (from, to) = mailboxes(b)?;
    let text_of = |k: &str| ctx.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let subject = subject(b, ctx);
    let body_md = body(b, ctx);
    let name = b.us.name.clone().unwrap_or_default();
    let closing = format!(
        "{},  \n{}",
        crate::escape::markdown(&text_of("sign_off")),
        crate::escape::markdown(&name)
    );
    let md = format!("{}\n\n{closing}\n", body_md.trim_end());
    let text = markdown_to_text(&md);
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"font-family: sans-serif; line-height: 1.5\">\n{}</body></html>\n",
        super::html::markdown_to_html(&md, "")
    );
    let parts = EmailParts {
        from: &from,
        to: &to,
        subject: &subject,
        text: &text,
        html: &html,
        date: system_time(date),
    };
    email::build_message(&parts)
}

/// The letter's subject, as `pack::context` chose it.
pub fn subject(b: &Brief, ctx: &Map<String, Value>) -> String {
    ctx.get("letter_subject")
        .and_then(Value::as_str)
        .map_or_else(|| b.title.clone(), str::to_owned)
}

/// The letter's body (Markdown), as `pack::context` chose it.
pub fn body(b: &Brief, ctx: &Map<String, Value>) -> String {
    ctx.get("letter_body")
        .and_then(Value::as_str)
        .map_or_else(|| holding_note(b), str::to_owned)
}

/// The body of a letter the rules give no words for (`--letter` without an exit
/// script, or a script without letter text): greeting and a neutral holding note.
pub fn holding_note(b: &Brief) -> String {
    let greeting = match b.letter.tone {
        crate::brief::Tone::Formal => "Dear",
        crate::brief::Tone::Warm => "Hi",
    };
    let name = b
        .them
        .name
        .as_deref()
        .map_or_else(|| "there".to_string(), crate::escape::markdown);
    format!(
        "{greeting} {name},\n\nThank you for your time on {}. We are reviewing where things stand and will come back to you shortly.\n",
        crate::escape::markdown(&b.title)
    )
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
    for ev in Parser::new_ext(md, super::html::options()) {
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
