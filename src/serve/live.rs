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

    /// Every page refreshes (the rules, templates or settings broke or were
    /// fixed: that shows on every page).
    pub fn changed_all(&self) {
        self.send(Bytes::from_static(
            b"event: change\ndata: {\"briefs\":[],\"all\":true}\n\n",
        ));
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

/// What is broken, for the banners of a page: its brief's last save, and the
/// last save of the rules, templates or settings.
#[derive(Default)]
pub struct Broken<'a> {
    pub brief: Option<&'a [Problem]>,
    pub setup: &'a [Problem],
}

/// An HTML page as served: the banners (when the brief's last save is broken,
/// or that of the rules, templates or settings) right after `<body>`, the
/// script tag before `</body>`.
pub fn inject(page: &str, broken: &Broken) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>\n");
    let mut out = String::with_capacity(page.len() + tag.len() + 512);
    let lower = page.to_ascii_lowercase();
    let body_open = lower
        .find("<body")
        .and_then(|at| lower[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let body_close = lower.rfind("</body").filter(|c| *c >= body_open);
    out.push_str(&page[..body_open]);
    out.push_str(&banners(broken, true));
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

/// The banners of a page: the setup's, then the brief's (`last_good`: the
/// page below is the brief's last good content).
fn banners(broken: &Broken, last_good: bool) -> String {
    let mut s = String::new();
    if !broken.setup.is_empty() {
        s.push_str(&banner(
            "walkaway-setup-broken",
            "The last save of the rules, templates or settings is broken.",
            "Every page keeps what the previous ones built; it updates when they are fixed.",
            broken.setup,
        ));
    }
    if let Some(p) = broken.brief.filter(|p| !p.is_empty()) {
        let below = if last_good {
            "Below is the last good version; it updates when the brief is fixed."
        } else {
            "This page appears when the brief is fixed."
        };
        s.push_str(&banner(
            "walkaway-broken",
            "The last save of this brief is broken.",
            below,
            p,
        ));
    }
    s
}

/// One banner: what is broken, each problem where it is with its hint.
fn banner(id: &str, what: &str, below: &str, problems: &[Problem]) -> String {
    let mut s = format!(
        "<div id=\"{id}\" role=\"alert\" style=\"border:3px solid #c53030;background:#fff5f5;color:#1a202c;padding:.75rem 1rem;margin:1rem 0;border-radius:6px;font:16px/1.4 sans-serif\">\
         <strong>{what}</strong> {below}\n",
    );
    for p in problems {
        let hint = p
            .hint
            .as_deref()
            .map(|h| format!("\nhelp: {h}"))
            .unwrap_or_default();
        s.push_str(&format!(
            "<pre style=\"white-space:pre-wrap;margin:.5rem 0 0;font:14px/1.4 monospace\">{}{}</pre>\n",
            html(&p.located()),
            html(&hint)
        ));
    }
    s.push_str("</div>\n");
    s
}

/// The page shown for a path that names nothing in OUT. It carries the banner
/// when the path is a broken brief's (its page may never have been built) and
/// the script, so that it turns into the page once the brief builds.
pub fn not_found_page(broken: &Broken) -> String {
    let banner = banners(broken, false);
    inject(
        &format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Not found</title></head>\n<body>\n{banner}<h1>Not found</h1>\n<p>Nothing in the output folder has this name. <a href=\"/\">All briefs</a></p>\n</body></html>\n"
        ),
        &Broken::default(),
    )
}

/// The script every served HTML page loads. On an event about the page's
/// brief (any event, on the index) it fetches the page again and swaps it in,
/// keeping the scroll position; after a reconnect it refreshes once, since
/// events may have been missed. A "not found" page is swapped in too: it
/// carries the banner of a brief that has never built.
///
/// The tabs of one server share one event stream: a browser opens at most six
/// connections to a host over HTTP/1.1, and a stream holds one for as long as
/// its page is open, so a seventh tab would never load. The tab holding a Web
/// Lock listens and passes each event on over a BroadcastChannel; when it
/// closes, the next tab waiting for the lock takes over. Where those are
/// missing (a page reached by a LAN address over plain HTTP has no Web Locks),
/// each tab listens for itself.
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
      .then(function (r) {
        var html = (r.headers.get("content-type") || "").indexOf("text/html") === 0;
        return (r.ok || (r.status === 404 && html)) ? r.text() : null;
      })
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
  function changed(briefs, all) {
    if (all || isIndex || (brief !== null && briefs.indexOf(brief) >= 0)) { refresh(); }
  }
  function listen(relay) {
    var events = new EventSource("/.walkaway/events");
    events.addEventListener("hello", function () {
      if (connected) { refresh(); }
      connected = true;
      if (relay) { relay.postMessage({ kind: "hello" }); }
    });
    events.addEventListener("change", function (e) {
      var briefs = [], all = false;
      try {
        var d = JSON.parse(e.data);
        briefs = d.briefs || [];
        all = d.all === true;
      } catch (err) { briefs = []; }
      changed(briefs, all);
      if (relay) { relay.postMessage({ kind: "change", briefs: briefs, all: all }); }
    });
  }
  var shared = typeof BroadcastChannel === "function" && navigator.locks && navigator.locks.request;
  if (!shared) { listen(null); return; }
  var channel = new BroadcastChannel("walkaway-live");
  channel.onmessage = function (m) {
    var d = m.data || {};
    // A (new) listening tab connected: events may have been missed meanwhile.
    if (d.kind === "hello") { refresh(); }
    if (d.kind === "change" && Array.isArray(d.briefs)) { changed(d.briefs, d.all === true); }
  };
  navigator.locks.request("walkaway-live", function () {
    // Held until this tab closes or leaves the page.
    return new Promise(function () { listen(channel); });
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
            hint: Some("did you mean `weight`?".into()),
        }
    }

    #[test]
    fn the_script_tag_goes_before_the_end_of_the_body_and_the_banner_after_its_start() {
        let page = "<!DOCTYPE html><html><head><title>t</title></head>\n<BODY class=\"x\">\n<p>last good</p>\n</BODY></html>";
        let problems = [problem("expected a number")];
        let served = inject(
            page,
            &Broken {
                brief: Some(&problems),
                setup: &[],
            },
        );
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
        assert!(served.contains("van.yaml:3:7: expected a number\nhelp: did you mean `weight`?"));
        assert!(!served.contains("walkaway-setup-broken"));
        assert_eq!(served.matches("<script").count(), 1);
    }

    #[test]
    fn a_page_without_body_tags_still_gets_the_script_and_no_banner_without_problems() {
        let served = inject("<p>bare</p>", &Broken::default());
        assert_eq!(
            served,
            format!("<p>bare</p><script src=\"{SCRIPT_PATH}\"></script>\n")
        );
        let none = Broken {
            brief: Some(&[]),
            setup: &[],
        };
        assert!(!inject("<body></body>", &none).contains("walkaway-broken"));
    }

    #[test]
    fn the_diagnostic_in_the_banner_is_text_never_markup() {
        let problems = [problem("unknown key `</pre><script>alert(1)</script>`")];
        let served = inject(
            "<body></body>",
            &Broken {
                brief: None,
                setup: &problems,
            },
        );
        assert!(served.contains("The last save of the rules, templates or settings is broken."));
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
