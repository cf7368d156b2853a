//! The Markdown we read and write: the dialect (CommonMark with tables and
//! strikethrough), which link targets are safe, and a brief's notes made safe
//! to paste into a Markdown document.

use pulldown_cmark::{Event, Options, Parser};

/// No smart punctuation: it would turn a brief's `O'Neil`, `"Quote"` or `--`
/// into other characters on the HTML page and in the e-mail only, while the
/// Markdown, the PDF and the Typst source keep them as written.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// A Markdown document read into its events, once for every backend that
/// lays it out: the prep pack's HTML page and its PDF read the same events.
pub fn events(md: &str) -> Vec<Event<'_>> {
    Parser::new_ext(md, options()).collect()
}

/// A brief's Markdown (its notes) made safe to paste into a Markdown document:
/// raw HTML is escaped so that it reads as text, and links with a scheme other
/// than http(s), mailto or tel lose their target. The Markdown otherwise stays as
/// written.
pub fn sanitize_markdown(md: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut events = Parser::new_ext(md, options()).into_offset_iter();
    // Reference definitions (`[x]: javascript:…`) make no event of their own,
    // but any Markdown renderer turns them into live links: an unsafe one keeps
    // its label and loses its target.
    for (_, def) in events.reference_definitions().iter() {
        if !is_safe_url(&def.dest) {
            let text = &md[def.span.clone()];
            edits.push((def.span.start, def.span.end, neutral_definition(text)));
        }
    }
    for (ev, range) in events.by_ref() {
        match ev {
            Event::Html(_) | Event::InlineHtml(_) => {
                let text = &md[range.clone()];
                edits.push((range.start, range.end, text.replace('<', "\\<")));
            }
            // An autolink (`<irc://…>`) is its own text: it becomes that text.
            Event::Start(pulldown_cmark::Tag::Link {
                link_type: pulldown_cmark::LinkType::Autolink | pulldown_cmark::LinkType::Email,
                dest_url,
                ..
            }) if !is_safe_url(&dest_url) => {
                let text = crate::escape::markdown(&dest_url);
                edits.push((range.start, range.end, text));
            }
            Event::Start(
                pulldown_cmark::Tag::Link { dest_url, .. }
                | pulldown_cmark::Tag::Image { dest_url, .. },
            ) if !is_safe_url(&dest_url) => match md[range.clone()].find(dest_url.as_ref()) {
                Some(at) => {
                    let start = range.start + at;
                    edits.push((start, start + dest_url.len(), "#".to_string()));
                }
                // Written differently from what it means (`&colon;`, escapes):
                // the whole link becomes plain text.
                None => {
                    let text = crate::escape::markdown(&md[range.clone()]);
                    edits.push((range.start, range.end, text));
                }
            },
            _ => {}
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(md.len() + 16);
    let mut at = 0;
    for (start, end, text) in edits {
        if start < at {
            continue;
        }
        out.push_str(&md[at..start]);
        out.push_str(&text);
        at = end;
    }
    out.push_str(&md[at..]);
    out
}

/// `[label]: dest "title"` → `[label]: #` (the label as written).
fn neutral_definition(text: &str) -> String {
    let bytes = text.as_bytes();
    let close = (1..bytes.len())
        .find(|&i| bytes[i] == b']' && bytes[i - 1] != b'\\' && bytes.get(i + 1) == Some(&b':'));
    match close {
        Some(i) => format!("{}: #", &text[..=i]),
        None => String::new(),
    }
}

/// Links keep web, mail and phone targets (and relative ones); any other
/// scheme (`javascript:`, `file:`) is unsafe.
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::html::markdown_to_html;

    #[test]
    fn notes_lose_raw_html_and_unsafe_links() {
        let md = sanitize_markdown(
            "Lee said <script>alert(1)</script>\n\n<div onclick=x>hi</div>\n\nSee [link](javascript:x) and [ok](https://a.example) **bold**.\n",
        );
        assert!(
            !md.contains("<script>") || md.contains("\\<script>"),
            "{md}"
        );
        assert!(md.contains("\\<div"), "{md}");
        assert!(md.contains("[link](#)"), "{md}");
        assert!(md.contains("[ok](https://a.example) **bold**"), "{md}");
        let html = markdown_to_html(&md, "");
        assert!(
            !html.contains("<script>") && !html.contains("<div"),
            "{html}"
        );
    }

    #[test]
    fn unsafe_reference_definitions_lose_their_target() {
        let md = sanitize_markdown(
            "See [x] and [ok].\n\n[x]: javascript:alert(1) \"t\"\n[ok]: https://a.example\n[y]:\n  <vbscript:msgbox(1)>\n",
        );
        assert!(!md.contains("javascript"), "{md}");
        assert!(!md.contains("vbscript"), "{md}");
        assert!(md.contains("[x]: #"), "{md}");
        assert!(md.contains("[ok]: https://a.example"), "{md}");
        let md = sanitize_markdown("[a](javascript&colon;alert(1))");
        let html = markdown_to_html(&md, "");
        assert!(!html.contains("href=\"javascript"), "{md} → {html}");
    }

    #[test]
    fn unsafe_autolinks_keep_their_text() {
        let md = sanitize_markdown("Chat at <irc://irc.example.org/deals> or <https://a.example>.");
        assert!(md.contains("irc://irc.example.org/deals"), "{md}");
        let html = markdown_to_html(&md, "");
        assert!(html.contains("irc://irc.example.org/deals"), "{html}");
        assert!(!html.contains("href=\"irc"), "{html}");
        assert!(html.contains("href=\"https://a.example\""), "{html}");
    }
}
