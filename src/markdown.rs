//! The Markdown we read and write: the dialect (CommonMark with tables,
//! strikethrough and smart punctuation), which link targets are safe, and a
//! brief's notes made safe to paste into a Markdown document.

use pulldown_cmark::{Event, Options, Parser};

pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// A brief's Markdown (its notes) made safe to paste into a Markdown document:
/// raw HTML is escaped so that it reads as text, and links with a scheme other
/// than http(s), mailto or tel lose their target. The Markdown otherwise stays as
/// written.
pub fn sanitize_markdown(md: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (ev, range) in Parser::new_ext(md, options()).into_offset_iter() {
        match ev {
            Event::Html(_) | Event::InlineHtml(_) => {
                let text = &md[range.clone()];
                edits.push((range.start, range.end, text.replace('<', "\\<")));
            }
            Event::Start(
                pulldown_cmark::Tag::Link { dest_url, .. }
                | pulldown_cmark::Tag::Image { dest_url, .. },
            ) if !is_safe_url(&dest_url) => {
                if let Some(at) = md[range.clone()].find(dest_url.as_ref()) {
                    let start = range.start + at;
                    edits.push((start, start + dest_url.len(), "#".to_string()));
                }
            }
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
}
