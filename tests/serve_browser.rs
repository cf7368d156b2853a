//! `walkaway serve` in a real browser: Debian's headless Chromium, driven over
//! the DevTools protocol, shows a brief's prep pack and the index while the
//! brief is saved, broken and fixed — and the pages change by themselves.
//!
//! The protocol goes over a pipe (`--remote-debugging-pipe`: JSON messages ended
//! by a NUL byte, on the browser's file descriptors 3 and 4), so the test needs
//! no WebSocket client and opens no debugging port. `sh` hands our stdin and
//! stdout pipes to the browser as fds 3 and 4. Every check polls the page with a
//! timeout; no fixed sleep is an assertion. With `CI=true` a missing Chromium is
//! a failure (scripts/test.sh installs it); elsewhere the test is skipped.

mod serve_support;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serve_support::{Server, TIMEOUT, save, van};

/// The browser, or None (skip) when it is not installed outside CI.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is required in CI (scripts/test.sh installs Debian's `chromium`)"
        );
        eprintln!("skipping: chromium is not installed (scripts/test.sh installs it)");
    }
    found
}

/// A headless Chromium with one page attached; killed when dropped.
struct Browser {
    child: Child,
    to_browser: ChildStdin,
    from_browser: mpsc::Receiver<Value>,
    next_id: u64,
    _profile: tempfile::TempDir,
    stderr: tempfile::NamedTempFile,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(program: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let stderr = tempfile::NamedTempFile::new().expect("stderr file");
        // This machine's network is closed, and a test must not reach out:
        // no first-run, sync, component or background traffic.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 4>&1 </dev/null >/dev/null")
            .arg(program)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().expect("reopen"))
            .spawn()
            .expect("start chromium");
        let to_browser = child.stdin.take().expect("stdin");
        let from = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from);
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    return;
                }
                buf.clear();
            }
        });
        Browser {
            child,
            to_browser,
            from_browser: rx,
            next_id: 0,
            _profile: profile,
            stderr,
        }
    }

    /// Send one command and wait for its answer (events in between are skipped).
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .expect("write to chromium");
        self.to_browser.flush().expect("flush");
        let start = Instant::now();
        loop {
            let left = TIMEOUT.saturating_sub(start.elapsed());
            let Ok(v) = self.from_browser.recv_timeout(left) else {
                panic!(
                    "no answer from chromium to {method}; it printed:\n{}",
                    std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
                );
            };
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Open `url` in a new tab; the session to talk to it.
    fn open(&mut self, url: &str) -> String {
        let target = self.call(None, "Target.createTarget", json!({ "url": url }));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string()
    }

    /// Evaluate `expr` in the page; its value.
    fn eval(&mut self, session: &str, expr: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true }),
        );
        r["result"]["value"].clone()
    }

    /// What the page shows: the verdict banner, the broken-save banner, the
    /// whole text, and whether the live-reload script runs in it.
    fn view(&mut self, session: &str) -> View {
        let v = self.eval(
            session,
            r#"JSON.stringify({
                verdict: (document.querySelector(".banner") || {}).textContent || "",
                broken: (document.getElementById("walkaway-broken") || {}).textContent || "",
                text: document.body ? document.body.innerText : "",
                live: window.__walkawayLive === true,
                marker: window.__testMarker === true
            })"#,
        );
        let v: Value = serde_json::from_str(v.as_str().unwrap_or("{}")).expect("view JSON");
        let s = |k: &str| {
            v[k].as_str()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        View {
            verdict: s("verdict"),
            broken: s("broken"),
            // As shown (innerText: table cells apart, CSS capitals applied),
            // compared in lower case.
            text: s("text").to_lowercase(),
            live: v["live"] == json!(true),
            marker: v["marker"] == json!(true),
        }
    }

    /// Poll the page until `ok` holds; the view then.
    fn wait(&mut self, session: &str, what: &str, ok: impl Fn(&View) -> bool) -> View {
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < TIMEOUT {
            let v = self.view(session);
            if ok(&v) {
                return v;
            }
            last = Some(v);
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; the page showed:\n{last:#?}");
    }
}

impl View {
    /// Whether the page shows `needle` (in any case).
    fn has(&self, needle: &str) -> bool {
        self.text.contains(&needle.to_lowercase())
    }

    fn find(&self, needle: &str) -> Option<usize> {
        self.text.find(&needle.to_lowercase())
    }
}

#[derive(Debug)]
struct View {
    verdict: String,
    broken: String,
    text: String,
    live: bool,
    marker: bool,
}

#[test]
fn pages_follow_saves_broken_saves_and_fixes_without_a_reload() {
    let Some(program) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let brief = p.join("van.yaml");
    std::fs::write(&brief, van("8100")).expect("write");
    std::fs::write(p.join("sofa.yaml"), van("8000").replace("Used van", "Sofa")).expect("write");
    let server = Server::start(p, &[]);
    let base = format!("http://127.0.0.1:{}", server.port);

    let mut browser = Browser::launch(&program);
    let pack = browser.open(&format!("{base}/van/prep-pack.html"));
    let index = browser.open(&format!("{base}/"));
    let first = browser.wait(&pack, "the prep pack", |v| {
        v.live && v.verdict.starts_with("Proceed")
    });
    assert!(first.broken.is_empty(), "{first:#?}");
    browser.wait(&index, "the index", |v| {
        v.live && v.has("Used van van ✓ Proceed 60.0")
    });
    // Marks this page's JavaScript world: it survives a swap of the content,
    // not a reload, so the test sees which one happened.
    browser.eval(&pack, "window.__testMarker = true");

    // A save that changes the verdict.
    let saved = Instant::now();
    save(&brief, &van("9400"));
    let v = browser.wait(&pack, "the new verdict", |v| {
        v.verdict.starts_with("Walk away")
    });
    // Reported, not asserted (other work shares the machine): DESIGN asks
    // for under a second; the polling adds up to 50 ms.
    eprintln!("save → new verdict on the page: {:?}", saved.elapsed());
    assert!(v.marker, "the page was swapped in place, not reloaded");
    assert!(v.broken.is_empty(), "{v:#?}");
    browser.wait(&index, "the index's new verdict", |v| {
        v.has("Used van van ✕ Walk away −26.7")
    });

    // A broken save: the located diagnostic above the last good content.
    save(&brief, &van("lots"));
    let v = browser.wait(&pack, "the banner", |v| !v.broken.is_empty());
    assert!(
        v.broken
            .contains("./van.yaml:11:12: term `price` offer must be a number"),
        "{v:#?}"
    );
    assert!(
        v.verdict.starts_with("Walk away"),
        "last good content: {v:#?}"
    );
    let banner_at = v
        .find("The last save of this brief is broken")
        .expect("banner");
    let pack_at = v.find("Walk away").expect("last good verdict");
    assert!(banner_at < pack_at, "{v:#?}");
    let idx = browser.wait(&index, "the index's banner", |v| v.has("Build failed"));
    assert!(idx.has("The last save of 1 brief is broken"), "{idx:#?}");
    assert!(
        idx.has("Build failed: ./van.yaml:11:12: term `price` offer must be a number"),
        "{idx:#?}"
    );

    // Fixed: the banner goes, on the page and on the index.
    save(&brief, &van("8100"));
    let v = browser.wait(&pack, "the banner to go", |v| {
        v.broken.is_empty() && v.verdict.starts_with("Proceed")
    });
    assert!(v.marker && v.live, "{v:#?}");
    let idx = browser.wait(&index, "the index to recover", |v| {
        !v.has("Build failed") && v.has("Used van van ✓ Proceed 60.0")
    });
    assert!(idx.has("Sofa sofa"), "{idx:#?}");
    let on_disk = std::fs::read_to_string(p.join("out/van/prep-pack.html")).expect("read");
    assert!(
        !on_disk.contains("walkaway/live.js") && !on_disk.contains("walkaway-broken"),
        "the file on disk has no script or banner"
    );
}

/// More tabs than a browser opens connections to one host (six over HTTP/1.1)
/// all load and all follow saves: the tabs share one event stream. A page
/// opened before its brief exists shows the brief's banner when the brief
/// first appears broken, and turns into the pack when it is fixed.
#[test]
fn many_tabs_and_a_page_waiting_for_its_brief_follow_saves() {
    let Some(program) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let brief = p.join("van.yaml");
    std::fs::write(&brief, van("8100")).expect("write");
    let server = Server::start(p, &[]);
    let base = format!("http://127.0.0.1:{}", server.port);

    let mut browser = Browser::launch(&program);
    let tabs: Vec<String> = (0..8)
        .map(|_| browser.open(&format!("{base}/van/prep-pack.html")))
        .collect();
    let waiting = browser.open(&format!("{base}/bike/prep-pack.html"));
    for (k, tab) in tabs.iter().enumerate() {
        browser.wait(tab, &format!("tab {k} to load"), |v| {
            v.live && v.verdict.starts_with("Proceed")
        });
    }
    browser.wait(&waiting, "the not-found page", |v| {
        v.live && v.has("Not found")
    });

    save(&brief, &van("9400"));
    for (k, tab) in tabs.iter().enumerate() {
        browser.wait(tab, &format!("tab {k} to follow the save"), |v| {
            v.verdict.starts_with("Walk away")
        });
    }

    let bike = p.join("bike.yaml");
    save(&bike, &van("lots").replace("Used van", "Bike"));
    let v = browser.wait(&waiting, "the new brief's banner", |v| !v.broken.is_empty());
    assert!(
        v.broken
            .contains("./bike.yaml:11:12: term `price` offer must be a number"),
        "{v:#?}"
    );
    save(&bike, &van("8100").replace("Used van", "Bike"));
    browser.wait(&waiting, "the new brief's pack", |v| {
        v.broken.is_empty() && v.verdict.starts_with("Proceed") && v.has("Bike")
    });
}
