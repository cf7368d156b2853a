//! Live reload: the subscribers of the event stream (server-sent events), the
//! messages sent to them, and what is added to an HTML page as it is served —
//! the script tag, and the banner of a brief whose last save is broken. Files
//! on disk never contain either.
//!
//! Nothing from a brief reaches the script as code. The script is a constant
//! served from `/.walkaway/live.js`; the page only gains a tag pointing at it.
//! The events carry brief names as JSON strings, which the script compares with
//! its own path and never inserts into the page; the banner's diagnostic is
//! HTML-escaped text in the page, like every other output.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame};
use tokio::sync::mpsc;

use crate::escape::html;
use crate::index::Problem;

/// Where the script and the event stream are served. A leading dot: no output
/// file can be there (briefs in hidden files are never built, and dotted paths
/// are never served from OUT).
pub const SCRIPT_PATH: &str = "/.walkaway/live.js";
pub const EVENTS_PATH: &str = "/.walkaway/events";

/// Events queued for one subscriber that has not read them; past this it is
/// dropped (its browser reconnects and refreshes).
const QUEUE: usize = 16;
/// Beyond this many open event streams a new one is refused (503); the browser
/// retries. Far above any real use; it keeps a runaway client from exhausting
/// file descriptors.
pub const MAX_SUBSCRIBERS: usize = 10_000;

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<mpsc::Sender<Bytes>>>,
}

impl Hub {
    /// A new stream, starting with the hello event; None when there are too many.
    pub fn subscribe(&self) -> Option<EventStream> {
        let mut subs = self.lock();
        subs.retain(|s| !s.is_closed());
        if subs.len() >= MAX_SUBSCRIBERS {
            return None;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        // Reconnect after a second when the stream breaks; `hello` tells the
        // page that it (re)connected, so it catches up on anything missed.
        let _ = tx.try_send(Bytes::from_static(
            b"retry: 1000\nevent: hello\ndata: {}\n\n",
        ));
        subs.push(tx);
        Some(EventStream(rx))
    }

    /// Send to every stream. A stream whose reader is gone (its connection
    /// closed) or far behind is dropped here, so none accumulates.
    pub fn send(&self, message: Bytes) {
        self.lock().retain(|s| s.try_send(message.clone()).is_ok());
    }

    /// The briefs built (or failed) just now: the pages that show them refresh;
    /// the index page refreshes on every event.
    pub fn changed(&self, briefs: &[String]) {
        let data = serde_json::json!({ "briefs": briefs }).to_string();
        self.send(Bytes::from(format!("event: change\ndata: {data}\n\n")));
    }

    /// A comment line, every few seconds: keeps proxies from closing idle
    /// streams, and finds streams whose reader went away without a word.
    pub fn ping(&self) {
        self.send(Bytes::from_static(b": ping\n\n"));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::Sender<Bytes>>> {
        self.subscribers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The body of one `text/event-stream` response: whatever the hub sends it.
/// When the connection closes, hyper drops the body, and with it the receiver,
/// so the hub's sender sees it closed.
pub struct EventStream(mpsc::Receiver<Bytes>);

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

/// An HTML page as served: the banner (when the brief's last save is broken)
/// right after `<body>`, the script tag before `</body>`.
pub fn inject(page: &str, problems: Option<&[Problem]>) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>\n");
    let mut out = String::with_capacity(page.len() + tag.len() + 512);
    let lower = page.to_ascii_lowercase();
    let body_open = lower
        .find("<body")
        .and_then(|at| lower[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let body_close = lower.rfind("</body").filter(|c| *c >= body_open);
    out.push_str(&page[..body_open]);
    if let Some(p) = problems.filter(|p| !p.is_empty()) {
        out.push_str(&banner(p, true));
    }
    match body_close {
        Some(close) => {
            out.push_str(&page[body_open..close]);
            out.push_str(&tag);
            out.push_str(&page[close..]);
        }
        None => {
            out.push_str(&page[body_open..]);
            out.push_str(&tag);
        }
    }
    out
}

/// The banner above the last good content of a brief whose last save is
/// broken (`last_good`: there is such content below it).
fn banner(problems: &[Problem], last_good: bool) -> String {
    let below = if last_good {
        "Below is the last good version; it updates when the brief is fixed."
    } else {
        "This page appears when the brief is fixed."
    };
    let mut s = format!(
        "<div id=\"walkaway-broken\" role=\"alert\" style=\"border:3px solid #c53030;background:#fff5f5;color:#1a202c;padding:.75rem 1rem;margin:1rem 0;border-radius:6px;font:16px/1.4 sans-serif\">\
         <strong>The last save of this brief is broken.</strong> {below}\n",
    );
    for p in problems {
        s.push_str(&format!(
            "<pre style=\"white-space:pre-wrap;margin:.5rem 0 0;font:14px/1.4 monospace\">{}</pre>\n",
            html(&p.located())
        ));
    }
    s.push_str("</div>\n");
    s
}

/// The page shown for a path that names nothing in OUT. It carries the banner
/// when the path is a broken brief's (its page may never have been built) and
/// the script, so that it turns into the page once the brief builds.
pub fn not_found_page(problems: Option<&[Problem]>) -> String {
    let banner = problems
        .filter(|p| !p.is_empty())
        .map(|p| banner(p, false))
        .unwrap_or_default();
    inject(
        &format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body>\n{banner}<h1>Not found</h1>\n<p>Nothing in the output folder has this name. <a href=\"/\">All briefs</a></p>\n</body></html>\n"
        ),
        None,
    )
}

/// The script every served HTML page loads. On an event about the page's
/// brief (any event, on the index) it fetches the page again and swaps it in,
/// keeping the scroll position; after a reconnect it refreshes once, since
/// events may have been missed.
pub const SCRIPT: &str = r#"// walkaway serve: live reload (added as the page is served; not in the files on disk).
(function () {
  "use strict";
  if (window.__walkawayLive) { return; }
  window.__walkawayLive = true;
  var parts = location.pathname.split("/").filter(function (s) { return s.length > 0; });
  var brief = null;
  try { brief = parts.length > 1 ? decodeURIComponent(parts[0]) : null; } catch (e) { brief = null; }
  var isIndex = parts.length === 0 || (parts.length === 1 && parts[0] === "index.html");
  var busy = false, again = false, connected = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text === null) { return; }
        var doc = new DOMParser().parseFromString(text, "text/html");
        var x = window.scrollX, y = window.scrollY;
        document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
        window.scrollTo(x, y);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  var events = new EventSource("/.walkaway/events");
  events.addEventListener("hello", function () {
    if (connected) { refresh(); }
    connected = true;
  });
  events.addEventListener("change", function (e) {
    var briefs = [];
    try { briefs = JSON.parse(e.data).briefs || []; } catch (err) { briefs = []; }
    if (isIndex || (brief !== null && briefs.indexOf(brief) >= 0)) { refresh(); }
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(message: &str) -> Problem {
        Problem {
            location: "van.yaml:3:7".into(),
            message: message.into(),
        }
    }

    #[test]
    fn the_script_tag_goes_before_the_end_of_the_body_and_the_banner_after_its_start() {
        let page = "<!DOCTYPE html><html><head><title>t</title></head>\n<BODY class=\"x\">\n<p>last good</p>\n</BODY></html>";
        let served = inject(page, Some(&[problem("expected a number")]));
        let banner_at = served.find("walkaway-broken").expect("banner");
        let content_at = served.find("last good").expect("content");
        let script_at = served.find(SCRIPT_PATH).expect("script");
        assert!(
            served
                .find("<BODY class=\"x\">")
                .is_some_and(|b| b < banner_at)
        );
        assert!(banner_at < content_at && content_at < script_at);
        assert!(served.ends_with("</BODY></html>"));
        assert!(served.contains("van.yaml:3:7: expected a number"));
        assert_eq!(served.matches("<script").count(), 1);
    }

    #[test]
    fn a_page_without_body_tags_still_gets_the_script_and_no_banner_without_problems() {
        let served = inject("<p>bare</p>", None);
        assert_eq!(
            served,
            format!("<p>bare</p><script src=\"{SCRIPT_PATH}\"></script>\n")
        );
        assert!(!inject("<body></body>", Some(&[])).contains("walkaway-broken"));
    }

    #[test]
    fn the_diagnostic_in_the_banner_is_text_never_markup() {
        let served = inject(
            "<body></body>",
            Some(&[problem("unknown key `</pre><script>alert(1)</script>`")]),
        );
        assert!(!served.contains("<script>alert"), "{served}");
        assert!(served.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn events_carry_brief_names_as_json_data() {
        let hub = Hub::default();
        let mut stream = hub.subscribe().expect("subscribe");
        hub.changed(&["a\"b\nevent: x".to_string()]);
        let hello = stream.0.try_recv().expect("hello");
        assert!(hello.starts_with(b"retry: 1000\nevent: hello\n"));
        let change = stream.0.try_recv().expect("change");
        assert_eq!(
            std::str::from_utf8(&change).expect("utf-8"),
            "event: change\ndata: {\"briefs\":[\"a\\\"b\\nevent: x\"]}\n\n"
        );
    }

    #[test]
    fn closed_and_stalled_streams_are_dropped() {
        let hub = Hub::default();
        let closed = hub.subscribe().expect("subscribe");
        let mut stalled = hub.subscribe().expect("subscribe");
        let _kept = hub.subscribe().expect("subscribe");
        drop(closed);
        hub.ping();
        assert_eq!(hub.lock().len(), 2);
        let _ = stalled.0.try_recv();
        for _ in 0..QUEUE + 1 {
            hub.ping();
        }
        // Both unread streams filled up: dropped, so their browsers reconnect.
        assert_eq!(hub.lock().len(), 0);
    }
}
