//! The HTTP side of `serve`: hyper (HTTP/1.1) on a single-threaded tokio
//! runtime, in one thread of its own, so it answers while a rebuild runs.
//!
//! One thread serves every connection: a thousand open event streams are a
//! thousand small tasks, not a thousand threads. Connections are capped, a client
//! that never finishes its headers is dropped after `HEADER_TIMEOUT`, and a
//! failed `accept` (out of file descriptors) pauses instead of spinning or
//! ending the server. Files are small and local, so they are read in place.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::State;
use super::files::{self, Target};
use super::live::{self, EVENTS_PATH, SCRIPT, SCRIPT_PATH};

/// Connections open at once; more wait in the kernel's queue.
const MAX_CONNECTIONS: usize = 12_000;
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
const PING_EVERY: Duration = Duration::from_secs(15);

/// The policy of every HTML page served: scripts only from this server (the
/// live-reload script), so that even a template that let markup through could
/// not run code; styles inline as the pages have them.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; object-src 'none'; base-uri 'none'; form-action 'none'";

type Body = BoxBody<Bytes, Infallible>;

/// Serve on `listener` from a thread of its own, until the process ends.
pub fn spawn(listener: TcpListener, state: Arc<State>) -> Result<(), String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot serve: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    std::thread::Builder::new()
        .name("serve".into())
        .spawn(move || runtime.block_on(accept_loop(listener, state)))
        .map_err(|e| format!("cannot start the server: {e}"))?;
    Ok(())
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            crate::terminal::warning(&format!("cannot serve: {e}"));
            return;
        }
    };
    let pinger = Arc::clone(&state);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PING_EVERY);
        loop {
            every.tick().await;
            pinger.hub.ping();
        }
    });
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // EMFILE and friends: wait for connections to close.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(respond(&state, &req)) }
            });
            // An error here is the client's (it went away, or spoke nonsense).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

fn respond(state: &State, req: &Request<Incoming>) -> Response<Body> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or_default();
    if state.loopback && !super::bind::local_host(host) {
        return plain(
            StatusCode::FORBIDDEN,
            "this server answers requests to 127.0.0.1 and localhost only\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = req.uri().path();
    match path {
        EVENTS_PATH => events(state),
        // Pages say they have no icon (`data:,`), but a browser may still ask
        // (an image, a PDF opened in a tab): no content, not an error in its
        // console.
        "/favicon.ico" => {
            let mut r = Response::new(full(Vec::new()));
            *r.status_mut() = StatusCode::NO_CONTENT;
            r
        }
        SCRIPT_PATH => with_type(
            Response::new(full(SCRIPT.as_bytes().to_vec())),
            "text/javascript; charset=utf-8",
        ),
        _ => file(state, path),
    }
}

fn events(state: &State) -> Response<Body> {
    match state.hub.subscribe() {
        Some(stream) => {
            let mut r = with_type(Response::new(stream.boxed()), "text/event-stream");
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        None => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live pages open\n",
        ),
    }
}

fn file(state: &State, path: &str) -> Response<Body> {
    let problems = files::brief_of(path).and_then(|b| state.problems(&b));
    let setup = state.setup_problems();
    let broken = live::Broken {
        brief: problems.as_deref(),
        setup: &setup,
    };
    let found = match files::resolve(&state.root, path) {
        Target::File(f) => std::fs::read(&f).ok().map(|bytes| (f, bytes)),
        Target::Redirect(to) => {
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        Target::NotFound => None,
    };
    let Some((file, bytes)) = found else {
        let page = live::not_found_page(&broken);
        let mut r = html_response(page);
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    };
    let ty = files::content_type(&file);
    if ty.starts_with("text/html") {
        let page = live::inject(&String::from_utf8_lossy(&bytes), &broken);
        html_response(page)
    } else {
        let mut r = with_type(Response::new(full(bytes)), ty);
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    }
}

fn html_response(page: String) -> Response<Body> {
    let mut r = with_type(
        Response::new(full(page.into_bytes())),
        "text/html; charset=utf-8",
    );
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = with_type(
        Response::new(full(text.as_bytes().to_vec())),
        "text/plain; charset=utf-8",
    );
    *r.status_mut() = status;
    r
}

fn with_type(mut r: Response<Body>, ty: &'static str) -> Response<Body> {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn full(bytes: Vec<u8>) -> Body {
    Full::new(Bytes::from(bytes)).boxed()
}
