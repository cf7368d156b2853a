//! `walkaway serve` over HTTP: the real binary on a temporary project, spoken to
//! with a plain `TcpStream` so that every request goes out byte for byte (a
//! browser or an HTTP library would clean up the `..` these tests send). Every
//! step waits, with a timeout, for what a reader would see; none sleeps as its
//! assertion.

mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use serve_support::{Events, Server, TIMEOUT, request, save, text, van};

/// A project with two briefs and a file next to OUT that must never be served.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("van.yaml"), van("8100")).expect("write");
    std::fs::write(
        p.join("sofa.yaml"),
        van("9400").replace("Used van", "Sofa <em>deal</em>"),
    )
    .expect("write");
    std::fs::write(p.join("secret.txt"), "TOP SECRET\n").expect("write");
    dir
}

#[test]
fn every_way_out_of_out_is_a_404() {
    let dir = project();
    let p = dir.path();
    let server = Server::start(p, &[]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(p.join("secret.txt"), p.join("out/van/leak.txt"))
            .expect("symlink");
        std::os::unix::fs::symlink(p, p.join("out/up")).expect("symlink");
    }
    // The same server does serve what is inside OUT.
    let ok = server.get("/van/prep-pack.html");
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(text(&ok.text()).contains("Used van"));

    let secret = p.join("secret.txt").canonicalize().expect("canonical");
    let absolute = secret.to_string_lossy().into_owned();
    let attempts = [
        "/../secret.txt".to_string(),
        "/van/../../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E/secret.txt".to_string(),
        "/..%2fsecret.txt".to_string(),
        "/..%2Fsecret.txt".to_string(),
        "/van/..%2f..%2fsecret.txt".to_string(),
        "/%2e%2e%2fsecret.txt".to_string(),
        "/.%2e/secret.txt".to_string(),
        "/%252e%252e/secret.txt".to_string(),
        "/..%5csecret.txt".to_string(),
        "/van%5c..%5c..%5csecret.txt".to_string(),
        "/%2f..%2fsecret.txt".to_string(),
        "//../secret.txt".to_string(),
        absolute.clone(),
        format!("/{}", absolute.replace('/', "%2f")),
        format!("/..{absolute}"),
        "/van/leak.txt".to_string(),
        "/up/secret.txt".to_string(),
        "/up/".to_string(),
        "/van/".to_string(),
        "/van".to_string(),
        "/%00".to_string(),
    ];
    for target in &attempts {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target} answered {}", r.status);
        assert!(!r.text().contains("TOP SECRET"), "{target} leaked");
        assert!(
            !r.text().contains("prep-pack.html\""),
            "{target} listed a folder"
        );
    }
    // Absolute-form request targets and backslashes, as a raw client may send them.
    for raw in [
        "GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "GET /..\\secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ] {
        let r = request(server.port, raw);
        assert_eq!(r.status, 404, "{raw:?} answered {}", r.status);
        assert!(!r.text().contains("TOP SECRET"), "{raw:?} leaked");
    }
}

#[test]
fn outputs_are_served_with_their_content_types_and_html_gains_the_script_only_in_transit() {
    let dir = project();
    let server = Server::start(dir.path(), &[]);
    // A browser's own request for an icon is no error in its console.
    assert_eq!(server.get("/favicon.ico").status, 204);
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/sofa/prep-pack.html", "text/html; charset=utf-8"),
        ("/sofa/prep-pack.pdf", "application/pdf"),
        ("/sofa/assessment.json", "application/json"),
        ("/sofa/email.eml", "text/plain; charset=utf-8"),
        ("/sofa/letter.md", "text/plain; charset=utf-8"),
        ("/sofa/prep-pack.md", "text/plain; charset=utf-8"),
        ("/sofa/prep-pack.typ", "text/plain; charset=utf-8"),
    ];
    for (target, ty) in cases {
        let r = server.get(target);
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.header("content-type"), Some(ty), "{target}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let pdf = server.get("/sofa/prep-pack.pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    let json = server.get("/sofa/assessment.json").text();
    assert!(json.contains("\"verdict\": \"walk\""), "{json}");

    let tag = "<script src=\"/.walkaway/live.js\"></script>";
    for (target, file) in [
        ("/", "out/index.html"),
        ("/van/prep-pack.html", "out/van/prep-pack.html"),
    ] {
        let served = server.get(target);
        assert_eq!(served.text().matches(tag).count(), 1, "{target}");
        assert!(
            served
                .header("content-security-policy")
                .is_some_and(|c| c.contains("script-src 'self'"))
        );
        let on_disk = std::fs::read_to_string(dir.path().join(file)).expect("read");
        assert!(
            !on_disk.contains("walkaway/live.js"),
            "{file} on disk has the script"
        );
    }
    let script = server.get("/.walkaway/live.js");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(
        script
            .text()
            .contains("new EventSource(\"/.walkaway/events\")")
    );

    // A request addressed to another name (DNS rebinding) is refused.
    let rebound = request(
        server.port,
        "GET /sofa/letter.md HTTP/1.1\r\nHost: attacker.example:4000\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(rebound.status, 403);
    assert!(!rebound.text().contains("Lee"), "{}", rebound.text());
    let local = request(
        server.port,
        "GET /sofa/letter.md HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(local.status, 200);

    let post = request(
        server.port,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn the_index_lists_each_brief_and_links_to_its_outputs() {
    let dir = project();
    let server = Server::start(dir.path(), &[]);
    let page = server.get("/").text();
    let t = text(&page);
    assert!(t.contains("2 briefs, as of 23 Nov 2026."), "{t}");
    assert!(
        t.contains("10 Dec 2026 Sofa <em>deal</em> sofa ✕ Walk away −26.7 12 Dec 2026 19 days Prep pack PDF Letter (PDF) Letter (text)"),
        "{t}"
    );
    assert!(
        t.contains("10 Dec 2026 Used van van ✓ Proceed 60.0 12 Dec 2026 19 days Prep pack PDF"),
        "{t}"
    );
    assert!(!page.contains("<em>deal"), "the title is escaped");
    // Each link resolves on the same server.
    for link in [
        "sofa/prep-pack.html",
        "sofa/prep-pack.pdf",
        "sofa/letter.pdf",
        "sofa/letter.md",
    ] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
        assert_eq!(server.get(&format!("/{link}")).status, 200, "{link}");
    }
}

#[test]
fn a_save_is_announced_and_a_broken_save_shows_its_diagnostic_above_the_last_good_page() {
    let dir = project();
    let p = dir.path();
    let server = Server::start(p, &[]);
    let mut events = Events::open(server.port);
    events.wait_for("event: hello");
    assert!(
        events.seen.contains("content-type: text/event-stream"),
        "{}",
        events.seen
    );

    save(&p.join("van.yaml"), &van("9400"));
    events.wait_for("\"briefs\":[\"van\"]");
    let page = server.wait_page("/van/prep-pack.html", "the new verdict", |t| {
        t.contains("class=\"banner walk\"")
    });
    assert!(!page.contains("walkaway-broken"));

    // Broken: the banner names the place and the problem; the last good page stays.
    save(&p.join("van.yaml"), &van("lots"));
    let page = server.wait_page("/van/prep-pack.html", "the banner", |t| {
        t.contains("walkaway-broken")
    });
    let t = text(&page);
    let banner = t
        .find("The last save of this brief is broken.")
        .expect("banner text");
    let located = t.find("./van.yaml:11:12: ").expect("file:line:col");
    let last_good = page
        .find("class=\"banner walk\"")
        .expect("last good verdict");
    assert!(banner < located, "{t}");
    assert!(page.find("walkaway-broken").is_some_and(|b| b < last_good));
    let index = text(&server.get("/").text());
    assert!(
        index.contains("The last save of 1 brief is broken"),
        "{index}"
    );
    assert!(index.contains("Build failed: ./van.yaml:11:12:"), "{index}");

    // Fixed: the banner goes, on the page and on the index.
    save(&p.join("van.yaml"), &van("8100"));
    let page = server.wait_page("/van/prep-pack.html", "the banner to go", |t| {
        !t.contains("walkaway-broken")
    });
    assert!(page.contains("class=\"banner proceed\""), "{page}");
    let index = text(&server.get("/").text());
    assert!(!index.contains("Build failed"), "{index}");
    assert!(index.contains("Used van van ✓ Proceed 60.0"), "{index}");
}

#[test]
fn a_taken_port_moves_to_the_next_free_one_and_says_so() {
    let dir = project();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let server = Server::start(dir.path(), &["--port", &port.to_string()]);
    assert!(server.port > port, "{}", server.log());
    assert!(
        server.log().contains(&format!(
            "port {port} is taken; using port {} instead",
            server.port
        )),
        "{}",
        server.log()
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn another_host_is_served_with_a_warning() {
    let dir = project();
    let server = Server::start(dir.path(), &["--host", "0.0.0.0"]);
    let log = server.log();
    assert!(
        log.contains(&format!(
            "warning: serving on 0.0.0.0:{}, not on this machine alone",
            server.port
        )),
        "{log}"
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn the_default_binds_loopback_only() {
    let dir = project();
    let server = Server::start(dir.path(), &[]);
    assert!(
        !server.log().contains("warning: serving on"),
        "{}",
        server.log()
    );
    assert!(
        server
            .log()
            .contains(&format!("serving out at http://127.0.0.1:{}/", server.port))
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_with_code_0() {
    let dir = project();
    let mut server = Server::start(dir.path(), &[]);
    // A client in the middle of a request and an open event stream must not hold it up.
    let mut half = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    half.write_all(b"GET /van/prep").expect("send");
    let mut events = Events::open(server.port);
    events.wait_for("event: hello");
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let start = std::time::Instant::now();
    let code = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s.code();
        }
        assert!(start.elapsed() < TIMEOUT, "still running after Ctrl-C");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "{}", server.log());
}

use std::process::Command;

/// `--open` runs the system's opener with the URL; without one it warns and serves on.
#[cfg(target_os = "linux")]
#[test]
fn open_runs_the_browser_opener_and_a_missing_one_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let bin = tempfile::tempdir().expect("tempdir");
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .expect("write");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let server = Server::start_with(dir.path(), &["--open"], &[("PATH", &path)]);
    let url = format!("http://127.0.0.1:{}/", server.port);
    server.wait("the opener to run", || {
        std::fs::read_to_string(&opened).is_ok_and(|s| s.trim() == url)
    });
    drop(server);

    let empty = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(
        dir.path(),
        &["--open"],
        &[("PATH", &empty.path().display().to_string())],
    );
    server.wait("the warning", || {
        server
            .log()
            .contains("warning: cannot open a browser (xdg-open:")
    });
    assert_eq!(server.get("/").status, 200);
}

/// Open, then abandon: event streams, half-sent requests, readers that vanish
/// mid-stream. The server stays one thread for all of them, and gives every
/// socket back.
#[cfg(target_os = "linux")]
#[test]
fn a_thousand_live_pages_and_clients_that_vanish_do_not_crash_or_leak_the_server() {
    // The test and the server each hold a thousand sockets at once.
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let open_files: u64 = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    assert!(
        open_files >= 1200,
        "this test needs about 1100 open files; the limit is {open_files} (ulimit -n 4096)"
    );
    let dir = project();
    let p = dir.path();
    let server = Server::start(p, &[]);
    let pid = server.child.id();
    let count = |what: &str| {
        std::fs::read_dir(format!("/proc/{pid}/{what}"))
            .map(|d| d.count())
            .unwrap_or(usize::MAX)
    };
    let fds_before = count("fd");
    let threads_before = count("task");

    let mut streams: Vec<Events> = (0..1000).map(|_| Events::open(server.port)).collect();
    for s in &mut streams {
        s.wait_for("event: hello");
    }
    let mut half: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
            s.write_all(b"GET /van/prep-pack.html HTTP/1.1\r\nHo")
                .expect("send");
            s
        })
        .collect();
    assert!(count("fd") >= fds_before + 1000, "the streams are open");
    assert!(
        count("task") <= threads_before + 1,
        "threads grew from {threads_before} to {} with a thousand streams",
        count("task")
    );
    // A save reaches every one of them.
    save(&p.join("van.yaml"), &van("9400"));
    for s in &mut streams {
        s.wait_for("\"briefs\":[\"van\"]");
    }
    // Half vanish without a word, mid-stream; the half-sent requests too.
    streams.truncate(500);
    half.clear();
    assert_eq!(server.get("/").status, 200);
    save(&p.join("van.yaml"), &van("8100"));
    for s in &mut streams {
        s.wait_for_count("\"briefs\":[\"van\"]", 2);
    }
    // Then the rest; every socket is given back.
    streams.clear();
    server.wait("the sockets to be closed", || count("fd") <= fds_before + 2);
    let mut r = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    r.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    r.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        Path::new(&format!("/proc/{pid}")).exists(),
        "the server is still running"
    );
}

/// A rebuild that takes its time (held inside a stand-in Typst compiler) does
/// not stop the server: pages load, with the last good content, until it is done.
#[cfg(unix)]
#[test]
fn the_server_answers_while_a_rebuild_runs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let p = dir.path();
    let hold = p.join("hold");
    let waiting = p.join("waiting");
    let typst = p.join("fake-typst");
    std::fs::write(
        &typst,
        format!(
            "#!/bin/sh\nwhile [ -e '{hold}' ]; do touch '{waiting}'; sleep 0.05; done\nprintf '%%PDF-1.4 stand-in' > \"$5\"\n",
            hold = hold.display(),
            waiting = waiting.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(&typst, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let arg = format!("--typst-cmd={}", typst.display());
    let server = Server::start(p, &[&arg]);
    server.wait_page("/van/prep-pack.html", "the first build", |t| {
        t.contains("class=\"banner proceed\"")
    });

    std::fs::write(&hold, "").expect("write");
    save(&p.join("van.yaml"), &van("9400"));
    server.wait("the rebuild to start", || waiting.exists());
    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(text(&index.text()).contains("Used van van ✓ Proceed 60.0"));
    let page = server.get("/van/prep-pack.html");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("class=\"banner proceed\""));
    let mut events = Events::open(server.port);
    events.wait_for("event: hello");
    assert!(
        waiting.exists() && hold.exists(),
        "the rebuild was still running"
    );

    std::fs::remove_file(&hold).expect("release");
    events.wait_for("\"briefs\":[\"van\"]");
    server.wait_page("/van/prep-pack.html", "the rebuilt page", |t| {
        t.contains("class=\"banner walk\"")
    });
}

/// A broken rules file shows on every page and on the index, located and with
/// its hint, above what the previous rules built; fixed, the banner goes.
#[test]
fn a_broken_rules_file_shows_on_every_page_until_it_is_fixed() {
    let dir = project();
    let p = dir.path();
    let rules = p.join("house.yaml");
    let good = "version: 1\nred_flags:\n  - id: pricey\n    severity: low\n    title: Pricey\n    when: score < 80\n    advice: Push on price.\n";
    std::fs::write(&rules, good).expect("write");
    let server = Server::start(p, &["--rules", "house.yaml"]);
    server.wait_page("/van/prep-pack.html", "the first build", |t| {
        t.contains("Pricey")
    });

    save(&rules, &good.replace("score < 80", "scor < 80"));
    let page = server.wait_page("/van/prep-pack.html", "the rules banner", |t| {
        t.contains("walkaway-setup-broken")
    });
    let t = text(&page);
    assert!(
        t.contains("The last save of the rules, templates or settings is broken."),
        "{t}"
    );
    assert!(t.contains("house.yaml:6:11: "), "{t}");
    assert!(t.contains("help: did you mean `score`?"), "{t}");
    assert!(t.contains("Pricey"), "the last good page stays below: {t}");
    let index = text(&server.get("/").text());
    assert!(index.contains("house.yaml:6:11: "), "{index}");

    save(&rules, good);
    server.wait_page("/van/prep-pack.html", "the banner to go", |t| {
        !t.contains("walkaway-setup-broken") && t.contains("Pricey")
    });
    assert!(!server.get("/").text().contains("walkaway-setup-broken"));
}

/// A second brief with the same file name in another folder is refused, as
/// `build` refuses it: the first brief's page keeps its own content and shows
/// why; when the copy goes, the banner goes and the first brief is intact.
#[test]
fn a_brief_with_the_same_name_in_another_folder_is_refused_not_built_over_the_first() {
    let dir = project();
    let p = dir.path();
    let server = Server::start(p, &[]);
    server.wait_page("/van/prep-pack.html", "the first build", |t| {
        t.contains("Used van")
    });
    std::fs::create_dir(p.join("2027")).expect("mkdir");
    let copy = p.join("2027/van.yaml");
    save(&copy, &van("8100").replace("Used van", "Copy of the van"));
    let page = server.wait_page("/van/prep-pack.html", "the refusal", |t| {
        t.contains("walkaway-broken")
    });
    let t = text(&page);
    assert!(t.contains("would write to"), "{t}");
    assert!(t.contains("rename one"), "{t}");
    assert!(
        t.contains("Used van") && !t.contains("Copy of the van"),
        "{t}"
    );
    let index = text(&server.get("/").text());
    assert!(index.contains("rename one"), "{index}");

    std::fs::remove_file(&copy).expect("remove");
    let page = server.wait_page("/van/prep-pack.html", "the banner to go", |t| {
        !t.contains("walkaway-broken")
    });
    assert!(text(&page).contains("Used van"), "{page}");
    let index = text(&server.get("/").text());
    assert!(index.contains("Used van"), "{index}");
}

/// A brief broken and then deleted takes its banner with it, and its open
/// page is told; with `--prune`, the page is told again when its outputs go.
#[test]
fn a_deleted_brief_takes_its_banner_with_it_and_its_page_is_told() {
    let dir = project();
    let p = dir.path();
    let server = Server::start(p, &["--prune"]);
    let mut events = Events::open(server.port);
    events.wait_for("event: hello");
    save(&p.join("van.yaml"), &van("lots"));
    server.wait_page("/van/prep-pack.html", "the banner", |t| {
        t.contains("walkaway-broken")
    });
    events.seen.clear();
    std::fs::remove_file(p.join("van.yaml")).expect("delete");
    // Told when the brief goes, and its banner goes with it.
    events.wait_for("\"briefs\":[\"van\"]");
    server.wait_page("/van/prep-pack.html", "the banner to go", |t| {
        !t.contains("walkaway-broken")
    });
    // With --prune, the outputs go too, a moment later (the page is told
    // again then): the page is a 404, without the banner.
    let start = std::time::Instant::now();
    let mut r = server.get("/van/prep-pack.html");
    while r.status != 404 && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        r = server.get("/van/prep-pack.html");
    }
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(!r.text().contains("walkaway-broken"), "{}", r.text());
}
