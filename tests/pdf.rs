//! The printed outputs end to end: the binary renders briefs to PDF, and the
//! tests read the PDFs back with poppler's tools (pdftotext, pdffonts, pdfinfo) to
//! check what a reader sees: the title, the parties with their Unicode names,
//! every term label, the verdict, page numbers, embedded fonts, the paper size,
//! and that a long brief paginates with no text outside the page.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_walkaway")
}

/// Whether poppler's tools are here; in CI their absence is a failure.
fn have_poppler() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    common::tool_available(ok, "pdftotext (poppler-utils) is not installed")
}

fn render(brief: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = Command::new(bin())
        .arg("render")
        .arg(brief)
        .arg("-o")
        .arg(out)
        .args(["--today", "2026-11-23", "--format", "pdf"])
        .args(extra)
        .output()
        .expect("run walkaway");
    assert!(
        o.status.success(),
        "render failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn pdftotext(pdf: &Path, args: &[&str]) -> String {
    let o = Command::new("pdftotext")
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Text with line breaks and runs of spaces folded, so wrapped phrases match.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn prep_pack_pdf_carries_title_parties_terms_verdict_and_page_numbers() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "car-purchase.yaml",
            "PROCEED",
            &[
                "Škoda Octavia Combi — purchase in Łódź",
                "Zoë Łukasiewicz",
                "Auto Widzew, Łódź",
                "Daniel Ferreira",
            ][..],
        ),
        (
            "supplier-renewal.yaml",
            "WALK AWAY",
            &[
                "Halvorsen Packaging — 2027 carton supply",
                "Tomas Berg",
                "Priya Raman",
            ][..],
        ),
        (
            "job-offer.yaml",
            "CAUTION",
            &["Senior data engineer offer", "Hannah Whitcombe"][..],
        ),
    ];
    for (file, verdict, must) in cases {
        let brief = example(file);
        render(&brief, dir.path(), &[]);
        let stem = file.trim_end_matches(".yaml");
        let pdf = dir.path().join(stem).join("prep-pack.pdf");
        let text = flat(&pdftotext(&pdf, &["-layout"]));
        assert!(
            text.contains(verdict),
            "{file}: no verdict {verdict} in {text}"
        );
        assert!(text.contains("Page 1 of"), "{file}: no page numbers");
        for s in must {
            assert!(text.contains(s), "{file}: `{s}` missing from the PDF text");
        }
        let (b, _) = walkaway::brief::load_file(&brief).expect("example loads");
        for t in &b.terms {
            assert!(
                text.contains(&flat(&t.label)),
                "{file}: term label `{}` missing",
                t.label
            );
        }
        let fonts = Command::new("pdffonts")
            .arg(&pdf)
            .output()
            .expect("pdffonts");
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "no fonts listed: {fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type encoding emb sub uni object ID: "emb" and "sub" must be yes.
            let n = cols.len();
            assert!(
                n >= 7 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
                "font not embedded and subset: {row}"
            );
        }
    }
}

#[test]
fn letter_pdf_is_a_one_page_business_letter() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    render(&example("supplier-renewal.yaml"), dir.path(), &[]);
    let pdf = dir.path().join("supplier-renewal/letter.pdf");
    let text = flat(&pdftotext(&pdf, &[]));
    for s in [
        "Priya Raman",
        "Larkfield Foods",
        "Tomas Berg",
        "Halvorsen Packaging",
        "2 December 2026",
        "Our decision on the 2027 carton supply",
        "Dear Mr Berg,",
        "Yours sincerely,",
    ] {
        assert!(text.contains(s), "`{s}` missing from the letter: {text}");
    }
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")),
        "{info}"
    );
}

#[test]
fn paper_size_follows_the_option() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (paper, size) in [("a4", "595.276 x 841.89"), ("letter", "612 x 792")] {
        let out = dir.path().join(paper);
        render(&example("car-purchase.yaml"), &out, &["--paper", paper]);
        let info = Command::new("pdfinfo")
            .arg(out.join("car-purchase/prep-pack.pdf"))
            .output()
            .expect("pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout);
        let line = info
            .lines()
            .find(|l| l.starts_with("Page size:"))
            .unwrap_or_default();
        let got = flat(line);
        let want: Vec<f64> = size
            .split(" x ")
            .map(|x| x.parse().expect("number"))
            .collect();
        let nums: Vec<f64> = got.split(' ').filter_map(|w| w.parse().ok()).collect();
        assert!(
            nums.len() >= 2 && (nums[0] - want[0]).abs() < 1.0 && (nums[1] - want[1]).abs() < 1.0,
            "{paper}: {got}"
        );
    }
}

/// A brief with 40 terms and long notes, written for this test.
fn long_brief() -> String {
    let mut s = String::from(
        "title: Framework agreement — forty-line schedule for Zoë Łukasiewicz\nside: buyer\nthem: { name: Grace Müller, organisation: Müller & Söhne }\nterms:\n",
    );
    for i in 0..40 {
        let walk = 100 + i;
        s.push_str(&format!(
            "  - {{ id: line_{i}, label: \"Schedule line {i}: component with a rather long descriptive name\", unit: EUR, wish: {}, want: {}, walk: {walk}, offer: {} }}\n",
            walk - 20,
            walk - 10,
            walk + (i % 3) * 5 - 5
        ));
    }
    s.push_str("notes: |\n");
    for i in 0..60 {
        s.push_str(&format!("  Paragraph {i}: a longer note about the supplier's history, their pricing over the last three years, and averyveryveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanybreak{i}.\n\n"));
    }
    s
}

#[test]
fn a_long_brief_paginates_with_all_text_inside_the_page() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = dir.path().join("long.yaml");
    std::fs::write(&brief, long_brief()).expect("write brief");
    for paper in ["a4", "letter"] {
        let out = dir.path().join(paper);
        render(&brief, &out, &["--paper", paper]);
        let pdf = out.join("long/prep-pack.pdf");
        let bbox = pdftotext(&pdf, &["-bbox"]);
        let mut page = (0.0_f64, 0.0_f64);
        let mut pages = 0;
        let mut words = 0;
        let attr = |line: &str, name: &str| -> f64 {
            let key = format!("{name}=\"");
            line.split(&key)
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        for line in bbox.lines() {
            let line = line.trim();
            if line.starts_with("<page") {
                page = (attr(line, "width"), attr(line, "height"));
                pages += 1;
            } else if line.starts_with("<word") {
                words += 1;
                let (x0, y0, x1, y1) = (
                    attr(line, "xMin"),
                    attr(line, "yMin"),
                    attr(line, "xMax"),
                    attr(line, "yMax"),
                );
                // 10 mm = 28.35 pt: nothing may come closer to the edge than that.
                let m = 28.0;
                assert!(
                    x0 >= m && x1 <= page.0 - m && y0 >= m && y1 <= page.1 - m,
                    "{paper}: word outside the margins: {line} on page {pages} ({page:?})"
                );
            }
        }
        assert!(pages >= 3, "{paper}: expected several pages, got {pages}");
        assert!(words > 1000, "{paper}: too little text: {words} words");
        let text = flat(&pdftotext(&pdf, &[]));
        assert!(
            text.contains(&format!("Page {pages} of {pages}")),
            "{paper}: last page number missing"
        );
        assert!(
            text.contains("Schedule line 39"),
            "{paper}: the last term is missing"
        );
        assert!(
            text.contains("Grace Müller"),
            "{paper}: counterpart missing"
        );
    }
}

#[test]
fn a_glyph_the_font_lacks_is_reported_once() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = dir.path().join("crab.yaml");
    std::fs::write(&brief, "title: Rust crab 🦀 plush order 🦀\nside: buyer\nterms: [{ id: price, walk: 10, offer: 9 }]\nnotes: More 🦀 here.\n").expect("write");
    let o = render(&brief, dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches("U+1F980").count(), 1, "{stderr}");
    assert!(stderr.contains("warning:"), "{stderr}");
}

/// The bytes depend only on the brief: rendering again gives the same file,
/// so it is not rewritten (its modification time stays, a viewer does not
/// reload), and the document's title is the brief's, Unicode intact.
#[test]
fn rendering_again_gives_the_same_bytes_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = example("car-purchase.yaml");
    render(&brief, dir.path(), &[]);
    let pdf = dir.path().join("car-purchase/prep-pack.pdf");
    let first = std::fs::read(&pdf).expect("prep pack written");
    let stamp = std::fs::metadata(&pdf)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    render(&brief, dir.path(), &[]);
    assert_eq!(std::fs::read(&pdf).expect("prep pack"), first);
    let again = std::fs::metadata(&pdf)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(stamp, again, "an unchanged PDF was written again");
    if !have_poppler() {
        return;
    }
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:")
                && l.ends_with("Škoda Octavia Combi — purchase in Łódź")),
        "{info}"
    );
}

/// Every PDF of the examples (prep packs and letters, A4 and Letter) reads
/// without a complaint from poppler: its parser reports any syntax or
/// cross-reference problem on stderr, even when it recovers.
#[test]
fn poppler_reads_every_example_pdf_without_a_complaint() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut read = 0;
    for paper in ["a4", "letter"] {
        let out = dir.path().join(paper);
        for entry in std::fs::read_dir(example("")).expect("examples/").flatten() {
            let brief = entry.path();
            if brief.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            render(&brief, &out, &["--paper", paper, "--letter"]);
        }
        for pdf in walk_pdfs(&out) {
            for tool in ["pdfinfo", "pdffonts", "pdftotext"] {
                let mut cmd = Command::new(tool);
                cmd.arg(&pdf);
                if tool == "pdftotext" {
                    cmd.arg("-");
                }
                let o = cmd.output().expect("poppler tool");
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(
                    o.status.success() && err.trim().is_empty(),
                    "{tool} {}: {err}",
                    pdf.display()
                );
            }
            read += 1;
        }
    }
    assert!(read >= 20, "only {read} PDFs read");
}

fn walk_pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read output").flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "pdf") {
                found.push(p);
            }
        }
    }
    found
}

/// A step of the withdrawal ladder ("5. Exit, door closed: …") never ends a
/// page without the first of its lines below it.
#[test]
fn a_ladder_step_is_never_stranded_at_a_page_foot() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "freelance-project.yaml",
        "supplier-renewal.yaml",
        "job-offer.yaml",
        "car-purchase.yaml",
        "lease-renewal.yaml",
        "software-licences.yaml",
    ] {
        render(&example(name), dir.path(), &[]);
        let stem = name.trim_end_matches(".yaml");
        let pdf = dir.path().join(stem).join("prep-pack.pdf");
        // Pages are separated by form feeds; each ends with its footer line.
        let text = pdftotext(&pdf, &["-layout"]);
        for (n, page) in text.split('\u{c}').enumerate() {
            let body: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("Verdict:"))
                .collect();
            if let Some(last) = body.last() {
                let step = last.split_once(". ").is_some_and(|(k, rest)| {
                    k.chars().all(|c| c.is_ascii_digit()) && rest.contains(": ")
                });
                assert!(
                    !step,
                    "{name}, page {}: ends with a ladder step: {last}",
                    n + 1
                );
            }
        }
    }
}
