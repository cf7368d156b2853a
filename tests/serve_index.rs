//! `OUT/index.html` written by `walkaway build` (DESIGN §5): every brief of the
//! build, failed ones included with their located diagnostic, in meeting order.

mod common;

use common::run_in;

fn brief(title: &str, date: Option<&str>, offer: &str) -> String {
    let date = date
        .map(|d| format!("date: {d}\ndeadline: {d}\n"))
        .unwrap_or_default();
    format!(
        "title: {title}\n{date}side: buyer\nterms:\n  - id: price\n    wish: 7500\n    want: 8200\n    walk: 9000\n    offer: {offer}\n"
    )
}

/// The page's text, tags removed and whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.split("<body>").nth(1).unwrap_or(html).chars() {
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

#[test]
fn build_lists_every_brief_in_meeting_order_with_failures_and_their_last_good_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("van.yaml"),
        brief("Used van", Some("2026-12-10"), "8100"),
    )
    .expect("write");
    std::fs::write(
        p.join("sofa.yaml"),
        brief("Sofa <b>bold</b>", Some("2026-11-30"), "9400"),
    )
    .expect("write");
    std::fs::write(p.join("bike.yaml"), brief("Bike", None, "8000")).expect("write");
    let args = [
        "build",
        ".",
        "-o",
        "out",
        "--today",
        "2026-11-23",
        "--format",
        "html,pdf,json,md",
    ];
    let first = run_in(p, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);

    // Break the bike: its row keeps the verdict and score of the last good build
    // (read back from its assessment.json) and shows the located diagnostic.
    std::fs::write(
        p.join("bike.yaml"),
        "title: Bike\nside: buyer\nterms:\n  - id: price\n    walk: lots\n",
    )
    .expect("write");
    let second = run_in(p, &args);
    assert_eq!(second.code, 2, "{}", second.stderr);
    let page = std::fs::read_to_string(p.join("out/index.html")).expect("index.html");
    let t = text(&page);
    let sofa = t.find("Sofa <b>bold</b>").expect("sofa row");
    let van = t.find("Used van").expect("van row");
    let bike = t.find("Build failed").expect("bike row");
    assert!(sofa < van && van < bike, "{t}");
    assert!(
        t.contains("30 Nov 2026 Sofa <b>bold</b> sofa ✕ Walk away −26.7 30 Nov 2026 7 days Prep pack PDF Letter (PDF) Letter (text)"),
        "{t}"
    );
    assert!(
        t.contains("10 Dec 2026 Used van van ✓ Proceed 60.0 10 Dec 2026 17 days Prep pack PDF"),
        "{t}"
    );
    assert!(
        t.contains("— Bike bike Build failed: ./bike.yaml:5:11: term `price` walk must be a number, found text `lots` ✓ Proceed 66.7 — — Prep pack PDF"),
        "{t}"
    );
    assert!(t.contains("The last save of 1 brief is broken"), "{t}");
    assert!(page.contains("<a href=\"sofa/letter.pdf\">"), "{page}");
    assert!(!page.contains("<b>bold"), "the title is escaped: {page}");
}

/// `watch` keeps the index in step: a save changes its row, a broken save adds
/// the diagnostic and keeps the row's last good values, and the other briefs stay.
#[test]
fn watch_rewrites_the_index_after_every_save() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("van.yaml"),
        brief("Used van", Some("2026-12-10"), "8100"),
    )
    .expect("write");
    std::fs::write(p.join("bike.yaml"), brief("Bike", None, "8000")).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .args([
            "watch",
            ".",
            "-o",
            "out",
            "--today",
            "2026-11-23",
            "--format",
            "html,json",
        ])
        .current_dir(p)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start walkaway watch");
    let index = p.join("out/index.html");
    let mut wait = |what: &str, needle: &str| {
        let start = Instant::now();
        loop {
            let t = std::fs::read_to_string(&index)
                .map(|s| text(&s))
                .unwrap_or_default();
            if t.contains(needle) {
                return t;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("timed out waiting for {what}; the index reads:\n{t}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait("the first build", "Used van van ✓ Proceed 60.0");
    std::fs::write(
        p.join("van.yaml"),
        brief("Used van", Some("2026-12-10"), "9400"),
    )
    .expect("write");
    let t = wait("the new verdict", "Used van van ✕ Walk away −26.7");
    assert!(t.contains("Bike bike ✓ Proceed 66.7"), "{t}");
    std::fs::write(
        p.join("van.yaml"),
        brief("Used van", Some("2026-12-10"), "lots"),
    )
    .expect("write");
    let t = wait("the diagnostic", "Build failed: ./van.yaml:");
    assert!(t.contains("Used van van Build failed: ./van.yaml:"), "{t}");
    assert!(t.contains("✕ Walk away −26.7 10 Dec 2026 17 days"), "{t}");
    assert!(t.contains("Bike bike ✓ Proceed 66.7"), "{t}");
    // A deleted brief leaves the index (its outputs stay without --prune).
    std::fs::remove_file(p.join("bike.yaml")).expect("remove");
    let t = wait("the deleted brief to go", "1 brief, as of");
    assert!(!t.contains("Bike"), "{t}");
    let _ = child.kill();
    let _ = child.wait();
}
