//! End-to-end tests: render realistic prep packs and letters, extract the
//! text with poppler's `pdftotext` (and `pdffonts`) and assert on what a
//! reader sees. Without poppler the tests print a note and pass, except
//! under `CI=true`, where a missing tool is a failure.
//! Set `WALKAWAY_PDF_OUT=DIR` to also write the sample PDFs for viewing.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::samples::*;
use super::*;

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn temp_pdf(bytes: &[u8]) -> PathBuf {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let p = std::env::temp_dir().join(format!("walkaway-pdf-{}-{n}.pdf", std::process::id()));
    std::fs::write(&p, bytes).expect("write temp pdf");
    p
}

/// Runs a poppler tool on the PDF; `None` (with a note) when it is not
/// installed, a panic when it is missing under `CI=true`.
pub(super) fn poppler(tool: &str, args: &[&str], bytes: &[u8]) -> Option<String> {
    let path = temp_pdf(bytes);
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) => {
            assert!(
                o.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Some(String::from_utf8_lossy(&o.stdout).into_owned())
        }
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{tool} is required under CI=true (apt-get install poppler-utils): {e}");
            }
            eprintln!("note: {tool} not found ({e}); skipping PDF text checks");
            None
        }
    }
}

/// Collapses whitespace runs so a check does not depend on line breaks.
pub(super) fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_count(text: &str) -> usize {
    text.matches('\u{c}').count()
}

#[test]
fn prep_pack_carries_what_a_reader_needs() {
    let gauges = sample_gauges();
    let out = render_sample(SAMPLE, &gauges, Paper::A4).expect("render");
    assert!(out.bytes.len() < 120_000, "{} bytes", out.bytes.len());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let Some(text) = poppler("pdftotext", &["-layout"], &out.bytes) else {
        return;
    };
    let n = page_count(&text);
    for needle in [
        "Acme Components — 2027 supply renewal",
        "3 December 2026",
        "WALK AWAY",
        "Verdict: WALK AWAY",
        "Zoë Łukasiewicz",
        "Grace Müller",
        "Łódź",
        "10.05 €",
        "Дмитрий",
        "Unit price",
        "Payment terms",
        "Delivery frequency",
        "Performance guarantee",
        "Warranty (months)",
        "offer 10.45",
        "BATNA 10.05",
        "walk 10.20",
        "want 9.60",
        "wish 9.10",
        "offer 1,000 ▶",
        "their walk ≈ 9.87 EUR",
        "their walk 14,000 (no zone of agreement)",
        "<span>tag</span>",
        "(https://beta-parts.example/",
        "Page 1 of",
    ] {
        assert!(
            flat(&text).contains(needle),
            "missing {needle:?} in:\n{text}"
        );
    }
    assert!(text.contains(&format!("Page {n} of {n}")), "{text}");
    assert!(
        !text.contains("walkaway:gauges"),
        "the gauge marker must not print"
    );
}

#[test]
fn missing_glyphs_are_reported_once_each() {
    // DejaVu Sans has U+1F600 but neither the crab emoji nor CJK.
    let md = "Crab 🦀 and again 🦀, plus 中 and 🦀.";
    let out = render_sample(md, &[], Paper::Letter).expect("render");
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(
        out.warnings[0].contains("U+1F980 '🦀'"),
        "{:?}",
        out.warnings
    );
    assert!(out.warnings[1].contains("U+4E2D"), "{:?}", out.warnings);
    if let Some(text) = poppler("pdftotext", &[], &out.bytes) {
        assert!(text.contains("Crab ? and again ?, plus ? and ?."), "{text}");
    }
}

/// A long brief: 40-row table with long cells, long notes, many gauges.
fn long_markdown() -> String {
    let mut md = String::from(
        "# Long brief\n\n## Terms\n\n| Term | Wish | Want | Walk | Their offer | Position | Gap to walk |\n|---|--:|--:|--:|--:|---|--:|\n",
    );
    for i in 0..40 {
        md.push_str(&format!(
            "| Term number {i} with a rather long descriptive label that must wrap | {i}.10 | {i}.60 | {i}.90 | {i}.95 | beyond | −0.05 |\n"
        ));
    }
    md.push_str("\n<!-- walkaway:gauges -->\n\n## Notes\n\n");
    for i in 0..30 {
        md.push_str(&format!(
            "Paragraph {i}: the counterpart repeated that *the price is final*, yet moved twice on **payment terms**; \
             keep notes of every concession and who made it, with dates, so the follow-up letter is accurate. \
             Supercalifragilisticexpialidocious-and-then-some-more-characters-to-force-a-break-{i}.\n\n"
        ));
    }
    md
}

#[test]
fn long_document_paginates_inside_the_margins() {
    let md = long_markdown();
    let gauges: Vec<Gauge> = (0..40)
        .map(|i| Gauge {
            label: format!("Term number {i}"),
            walk_label: format!("walk {i}.90"),
            want_pos: Some(50.0),
            want_label: Some(format!("want {i}.60")),
            offer_pos: Some(-10.0 * f64::from(i)),
            offer_label: Some(format!("offer {i}.95")),
            ..Gauge::default()
        })
        .collect();
    for paper in [Paper::A4, Paper::Letter] {
        let out = render_sample(&md, &gauges, paper).expect("render");
        let Some(bbox) = poppler("pdftotext", &["-bbox"], &out.bytes) else {
            return;
        };
        let geo = page::geometry(paper);
        let mut pages = 0;
        let mut words = 0;
        let mut table_heads = 0;
        for line in bbox.lines() {
            let line = line.trim();
            if line.starts_with("<page ") {
                pages += 1;
                let w = line.split('"').nth(1).and_then(|w| w.parse::<f32>().ok());
                assert!(w.is_some_and(|w| (w - geo.width).abs() < 0.01), "{line}");
            }
            if !line.starts_with("<word ") {
                continue;
            }
            words += 1;
            let attr = |name: &str| -> f32 {
                let key = format!("{name}=\"");
                let start = line.find(&key).map(|i| i + key.len()).unwrap_or(0);
                let end = line[start..].find('"').map(|e| start + e).unwrap_or(start);
                line[start..end].parse().unwrap_or(f32::NAN)
            };
            let (x0, y0, x1, y1) = (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"));
            assert!(
                x0 >= geo.left - 0.5 && x1 <= geo.right + 0.5,
                "outside margins: {line}"
            );
            assert!(
                y0 >= 8.0 * canvas::MM && y1 <= geo.height - 8.0 * canvas::MM,
                "{line}"
            );
            if line.ends_with(">Gap</word>") {
                table_heads += 1;
            }
        }
        assert!(pages >= 4, "{pages} pages");
        assert!(words > 2000);
        assert!(table_heads >= 2, "header row repeated: {table_heads}");
        assert!(out.bytes.len() < 120_000, "{} bytes", out.bytes.len());
    }
}

#[test]
fn headings_stay_with_what_follows() {
    // Push the heading down a line at a time so it meets the page foot.
    let mut checked = 0;
    for filler in 30..60 {
        let mut md = String::new();
        for i in 0..filler {
            md.push_str(&format!("Line {i} of filler text.\n\n"));
        }
        md.push_str("## Offer history\n\n| Date | From |\n|---|---|\n| 2026-11-02 | them |\n\n");
        md.push_str("## Closing\n\nFirst line of the closing paragraph.\n");
        let out = render_sample(&md, &[], Paper::A4).expect("render");
        let Some(text) = poppler("pdftotext", &[], &out.bytes) else {
            return;
        };
        let page_of = |needle: &str| {
            text.find(needle)
                .map(|i| text[..i].matches('\u{c}').count())
        };
        assert_eq!(
            page_of("Offer history"),
            page_of("2026-11-02"),
            "filler {filler}"
        );
        assert_eq!(
            page_of("Closing"),
            page_of("First line of the closing"),
            "filler {filler}"
        );
        checked += usize::from(page_count(&text) > 1);
    }
    assert!(checked > 10, "the test must cross page boundaries");
}

/// The beyond-walk hatching is one tiling pattern in the file, named by the
/// pages' resources, and only in a file that hatches something.
#[test]
fn hatching_is_one_pattern_and_only_where_used() {
    let gauges = sample_gauges();
    let with = render_sample(SAMPLE, &gauges, Paper::A4).expect("render");
    let text = String::from_utf8_lossy(&with.bytes);
    assert_eq!(text.matches("/Type /Pattern /PatternType 1").count(), 1);
    assert_eq!(text.matches("/Pattern <</H ").count(), 1);
    let without = render_sample(SAMPLE, &[], Paper::A4).expect("render");
    let text = String::from_utf8_lossy(&without.bytes);
    assert!(!text.contains("/Pattern"), "no gauges, no hatching");
}

#[test]
fn fonts_are_embedded_and_subset() {
    let out = render_sample(SAMPLE, &[], Paper::A4).expect("render");
    let Some(list) = poppler("pdffonts", &[], &out.bytes) else {
        return;
    };
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert!(rows.len() >= 4, "{list}");
    for r in rows {
        assert!(r.contains("DejaVu"), "{list}");
        assert!(r.contains(" yes yes "), "embedded and subset: {list}");
    }
}

#[test]
fn letter_fits_one_page_and_reads_right() {
    for paper in [Paper::A4, Paper::Letter] {
        let out = render_letter(&sample_letter(paper)).expect("render");
        assert!(out.warnings.is_empty());
        assert!(out.bytes.len() < 120_000);
        let Some(text) = poppler("pdftotext", &["-layout"], &out.bytes) else {
            return;
        };
        assert_eq!(page_count(&text), 1, "{text}");
        for needle in [
            "Dana Ruiz",
            "Northwind Tools",
            "23 November 2026",
            "Lee Park",
            "Our 2027 supply renewal — where we stand",
            "Dear Lee,",
            "Zoë Łukasiewicz",
            "Kind regards",
        ] {
            assert!(flat(&text).contains(needle), "missing {needle:?}:\n{text}");
        }
        assert!(
            !text.contains("Page 1"),
            "no page number on a one-page letter"
        );
    }
}

#[test]
fn write_samples_for_viewing() {
    let Ok(dir) = std::env::var("WALKAWAY_PDF_OUT") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let gauges = sample_gauges();
    let long = long_markdown();
    for (name, paper) in [("a4", Paper::A4), ("letter", Paper::Letter)] {
        let pack = render_sample(SAMPLE, &gauges, paper).expect("render");
        std::fs::write(dir.join(format!("pack-{name}.pdf")), pack.bytes).expect("write");
        let long = render_sample(&long, &gauges, paper).expect("render");
        std::fs::write(dir.join(format!("long-{name}.pdf")), long.bytes).expect("write");
        let letter = render_letter(&sample_letter(paper)).expect("render");
        std::fs::write(dir.join(format!("letter-{name}.pdf")), letter.bytes).expect("write");
    }
}

#[test]
fn a_face_with_more_than_256_glyphs_shows_them_through_a_second_font() {
    // Latin, Latin-1 and Latin Extended-A letters, Greek and Cyrillic, all
    // in DejaVu Sans: about 360 glyphs of the regular face.
    let groups: Vec<String> = [
        ('a'..='z')
            .chain('A'..='Z')
            .chain('0'..='9')
            .collect::<String>(),
        ('À'..='ÿ').filter(|c| !matches!(c, '×' | '÷')).collect(),
        ('Ā'..='ž').collect(),
        ('α'..='ω')
            .chain('Α'..='Ω')
            .filter(|c| *c != '\u{3a2}')
            .collect(),
        ('а'..='я').chain('А'..='Я').collect(),
    ]
    .into();
    let words: Vec<String> = groups
        .iter()
        .flat_map(|g| {
            let chars: Vec<char> = g.chars().collect();
            chars
                .chunks(8)
                .map(|w| w.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    let md = words.join(" ");
    let out = render_sample(&md, &[], Paper::A4).expect("render");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let raw = String::from_utf8_lossy(&out.bytes);
    // The second part's resource, its CMap from CID 256, and its text.
    assert!(raw.contains("/F0.1 "), "no second font resource");
    assert!(
        raw.contains("/CMapName /Walkaway-OneByte-1 def"),
        "no second CMap"
    );
    assert!(
        raw.contains("<00> <FF> 256\nendcidrange"),
        "second CMap's CIDs"
    );
    if let Ok(dir) = std::env::var("WALKAWAY_PDF_OUT") {
        let _ = std::fs::write(PathBuf::from(dir).join("many-glyphs.pdf"), &out.bytes);
    }
    if let Some(text) = poppler("pdftotext", &[], &out.bytes) {
        let text = flat(&text);
        for w in &words {
            assert!(text.contains(w.as_str()), "missing {w:?} in:\n{text}");
        }
    }
}
