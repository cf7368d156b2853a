//! Markdown → HTML with pulldown-cmark. Raw HTML in the Markdown (which could only
//! come from a brief's notes or a rules text) is shown as text, never passed
//! through: a brief cannot inject markup into the page.

use pulldown_cmark::{CowStr, Event, Parser, html};

use crate::compose::GAUGES_MARKER;
use crate::markdown::{is_safe_url, options};

/// Convert Markdown to an HTML fragment. `gauges` replaces the gauges marker line.
pub fn markdown_to_html(md: &str, gauges: &str) -> String {
    events_to_html(Parser::new_ext(md, options()), gauges, md.len() * 2)
}

/// [`markdown_to_html`] of a document already read into its events
/// ([`crate::markdown::events`]); `capacity` is a guess at the HTML's length.
pub fn events_to_html<'a>(
    events: impl Iterator<Item = Event<'a>>,
    gauges: &str,
    capacity: usize,
) -> String {
    let events = events.map(|ev| match ev {
        Event::Html(s) | Event::InlineHtml(s) if s.trim() == GAUGES_MARKER => {
            Event::Html(CowStr::from(gauges.to_string()))
        }
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        // Links from user text keep their text and target, never a script.
        Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_safe_url(&dest_url);
            Event::Start(pulldown_cmark::Tag::Link {
                link_type,
                dest_url: if safe { dest_url } else { CowStr::from("#") },
                title,
                id,
            })
        }
        Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_safe_url(&dest_url);
            Event::Start(pulldown_cmark::Tag::Image {
                link_type,
                dest_url: if safe { dest_url } else { CowStr::from("#") },
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(capacity);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = markdown_to_html("hello <script>alert(1)</script>\n\n<div>x</div>\n", "");
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(!out.contains("<div>"), "{out}");
    }

    #[test]
    fn javascript_links_are_defused() {
        let out = markdown_to_html("[x](javascript:alert(1)) [y](https://example.com)", "");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("https://example.com"));
    }

    #[test]
    fn gauges_marker_is_replaced() {
        let out = markdown_to_html(&format!("a\n\n{GAUGES_MARKER}\n\nb\n"), "<svg></svg>");
        assert!(out.contains("<svg></svg>"));
        assert!(!out.contains("walkaway:gauges"));
    }
}
