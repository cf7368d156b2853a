//! Helpers for the `serve` tests: a running `walkaway serve` on a port the
//! system chose, a plain HTTP/1.1 client over `TcpStream` (so that requests
//! are sent byte for byte as written, `..` and all), and waiting with a
//! timeout for what a user would see.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);
pub const TODAY: &str = "2026-11-23";

/// A used-van brief; `offer` decides the verdict (8100 proceed, 9400 walk).
pub fn van(offer: &str) -> String {
    format!(
        "title: Used van\ndate: 2026-12-10\ndeadline: 2026-12-12\nside: buyer\nterms:\n  - id: price\n    unit: EUR\n    wish: 7500\n    want: 8200\n    walk: 9000\n    offer: {offer}\nus: {{ name: Dana Ruiz, email: dana@example.com }}\nthem: {{ name: Lee Park, email: lee@example.com }}\n"
    )
}

/// Save like an editor that writes a new file and renames it over the old one.
pub fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("yaml.tmp~");
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// The running server; killed when dropped, so a failing test leaves nothing behind.
pub struct Server {
    pub child: Child,
    log: Arc<Mutex<String>>,
    pub port: u16,
    pub dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `walkaway serve . -o out --port 0` in `dir` (plus `extra`), once the
    /// first build has written the index page.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::start_with(dir, extra, &[])
    }

    pub fn start_with(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_walkaway"));
        cmd.args(["serve", ".", "-o", "out", "--today", TODAY])
            .args(["--format", "md,html,pdf,json,eml,typst"]);
        if !extra.contains(&"--port") {
            cmd.args(["--port", "0"]);
        }
        cmd.args(extra)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start walkaway serve");
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut l = log.lock().expect("log");
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let mut s = Server {
            child,
            log,
            port: 0,
            dir: dir.to_path_buf(),
        };
        s.wait("the URL", || s.url_port().is_some());
        s.port = s.url_port().expect("port");
        s.wait("the first build", || dir.join("out/index.html").is_file());
        s
    }

    /// The port of the printed `http://127.0.0.1:PORT/`.
    fn url_port(&self) -> Option<u16> {
        let log = self.log();
        let at = log.find("http://127.0.0.1:")? + "http://127.0.0.1:".len();
        let digits: String = log[at..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Wait until `ok` holds, or fail with what the server printed.
    pub fn wait(&self, what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            if ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {what}; the server printed:\n{}",
            self.log()
        );
    }

    pub fn get(&self, target: &str) -> Response {
        request(
            self.port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// GET until `ok` holds for the response (the page a browser would load).
    pub fn wait_page(&self, target: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            last = self.get(target).text();
            if ok(&last) {
                return last;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {what} at {target}; last page:\n{last}\nthe server printed:\n{}",
            self.log()
        );
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Send `raw` as it is and read the whole answer (the request asks the server
/// to close the connection).
pub fn request(port: u16, raw: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    s.write_all(raw.as_bytes()).expect("send");
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).expect("read");
    parse(&bytes).unwrap_or_else(|| {
        panic!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&bytes)
        )
    })
}

fn parse(bytes: &[u8]) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Response {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    })
}

/// An open event stream: the response head has been read.
pub struct Events {
    stream: TcpStream,
    pub seen: String,
}

impl Events {
    pub fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .write_all(b"GET /.walkaway/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .expect("send");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        Events {
            stream,
            seen: String::new(),
        }
    }

    /// Read until what was received contains `needle`.
    pub fn wait_for(&mut self, needle: &str) {
        self.wait_for_count(needle, 1);
    }

    /// Read until what was received contains `needle` `n` times.
    pub fn wait_for_count(&mut self, needle: &str, n: usize) {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while self.seen.matches(needle).count() < n {
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {needle:?} on the event stream; got:\n{}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the event stream closed; got:\n{}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading the event stream: {e}"),
            }
        }
    }
}

/// A page's text, tags removed, entities decoded, whitespace collapsed.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.split("<body").nth(1).unwrap_or(html).chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
