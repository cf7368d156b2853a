//! The gauges end to end. Every label compose makes is drawn by all three
//! renderings (HTML, the built-in PDF, Typst) for every example. The Typst
//! prep pack's gauges, compiled with the real typst (its Python module), are
//! read back with `pdftotext -bbox`: every mark carries its label,
//! the labels never meet each other and stay inside the text area, the legend
//! names the zone and their walk, the first gauge keeps with the terms table
//! and no gauge is split across pages. With `CI=true` a missing tool fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::dedent;

/// Compiles argv[1] to argv[2] with only the fonts typst carries; prints the
/// warnings; exits 1 with the error when it does not compile.
const COMPILE_PY: &str = r#"
import sys, os, typst
src, out = sys.argv[1], sys.argv[2]
try:
    _, warnings = typst.compile_with_warnings(src, output=out, root=os.path.dirname(os.path.abspath(src)), ignore_system_fonts=True)
except Exception as e:
    print("compile error: %s" % e, file=sys.stderr)
    sys.exit(1)
for w in warnings:
    print("warning: %s %s" % (w.message, list(w.hints)))
"#;

fn tools() -> bool {
    let typst = Command::new("python3")
        .args(["-c", "import typst"])
        .output()
        .is_ok_and(|o| o.status.success());
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    common::tool_available(
        typst && poppler,
        "needs python3 with typst 0.15 (`pip install 'typst>=0.15,<0.16'`) and pdftotext (poppler-utils)",
    )
}

/// Renders the brief to Typst and compiles it without a warning; the PDF.
fn typst_pdf(dir: &Path, name: &str, yaml: &str) -> PathBuf {
    let brief = dir.join(format!("{name}.yaml"));
    std::fs::write(&brief, dedent(yaml)).expect("write brief");
    let o = Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .args([
            "render",
            "--format",
            "typst",
            "--today",
            common::TODAY,
            "-o",
        ])
        .arg(dir)
        .arg(&brief)
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    typst_compile(&dir.join(name).join("prep-pack.typ"))
}

/// Compiles a `.typ` without a warning; the PDF.
fn typst_compile(typ: &Path) -> PathBuf {
    let pdf = typ.with_extension("pdf");
    let o = Command::new("python3")
        .arg("-c")
        .arg(COMPILE_PY)
        .arg(typ)
        .arg(&pdf)
        .output()
        .expect("run python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let warnings = String::from_utf8_lossy(&o.stdout);
    assert!(warnings.trim().is_empty(), "typst warns:\n{warnings}");
    pdf
}

#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// Each page's size and words, in reading order.
fn pages(pdf: &Path) -> Vec<((f64, f64), Vec<Word>)> {
    let o = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let bbox = String::from_utf8_lossy(&o.stdout);
    let attr = |line: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        line.split(&key)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let mut out: Vec<((f64, f64), Vec<Word>)> = Vec::new();
    for line in bbox.lines().map(str::trim) {
        if line.starts_with("<page") {
            out.push(((attr(line, "width"), attr(line, "height")), Vec::new()));
        } else if line.starts_with("<word")
            && let Some((_, words)) = out.last_mut()
        {
            let text = line
                .split('>')
                .nth(1)
                .and_then(|t| t.split('<').next())
                .unwrap_or_default()
                .replace("&amp;", "&")
                .replace("&apos;", "'")
                .replace("&#39;", "'");
            words.push(Word {
                text,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
            });
        }
    }
    out
}

/// The page where `phrase` appears as consecutive words (a label is one run).
fn page_of(pages: &[((f64, f64), Vec<Word>)], phrase: &str) -> Option<usize> {
    let want: Vec<&str> = phrase.split_whitespace().collect();
    pages.iter().position(|(_, ws)| {
        ws.windows(want.len())
            .any(|w| w.iter().zip(&want).all(|(a, b)| a.text == *b))
    })
}

const CROWDED: &str = "
    title: Gauges that crowd
    side: buyer
    terms:
      - { id: rent, label: Monthly rent, unit: EUR, wish: 2150, want: 2250, walk: 2350, offer: 2345, their_walk: 2330 }
      - id: fit_out
        label: Landlord's fit-out contribution towards the works
        unit: EUR
        better: higher
        wish: 15000
        want: 8000
        walk: 0
        offer: 5000
      - id: mats
        label: Floor mats
        options: [rubber and textile sets, rubber set, none]
        wish: rubber and textile sets
        want: rubber set
        walk: none
        offer: rubber set
      - id: delivery
        label: Delivery
        options: [two working days from order, one week from order, within a calendar month of the order, six weeks from the order]
        wish: two working days from order
        want: one week from order
        walk: within a calendar month of the order
        offer: within a calendar month of the order
        their_walk: six weeks from the order
    alternatives:
      - { name: Canal Works, terms: { rent: 2340, fit_out: 0 } }
";

#[test]
fn crowded_gauge_labels_never_meet_and_stay_in_the_text_area() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = typst_pdf(dir.path(), "crowded", CROWDED);
    let pages = pages(&pdf);
    // The page's margins: 2 cm left and right.
    let margin = 2.0 * 72.0 / 2.54;
    for ((w, _), words) in &pages {
        for (i, a) in words.iter().enumerate() {
            assert!(
                a.x0 >= margin - 0.5 && a.x1 <= w - margin + 0.5,
                "outside the side margins: {a:?}"
            );
            for b in &words[i + 1..] {
                let meets = a.x0 + 0.2 < b.x1
                    && b.x0 + 0.2 < a.x1
                    && a.y0 + 0.2 < b.y1
                    && b.y0 + 0.2 < a.y1;
                assert!(!meets, "words overprint:\n{a:?}\n{b:?}");
            }
        }
    }
    for label in [
        "walk 2,350 EUR",
        "want 2,250 EUR",
        "wish 2,150 EUR",
        "offer 2,345 EUR",
        "BATNA 2,340 EUR",
        "their walk 2,330 EUR",
        "wish rubber and textile sets",
        "walk within a calendar month of the order",
        "wish two working days from order",
        "their walk six weeks from the order (no zone of agreement)",
        "BATNA 0 EUR",
    ] {
        assert!(page_of(&pages, label).is_some(), "no gauge label {label:?}");
    }
    for entry in [
        "their offer",
        "best alternative (BATNA)",
        "their walk",
        "zone of agreement",
        "beyond walk-away",
    ] {
        assert!(page_of(&pages, entry).is_some(), "legend lacks {entry:?}");
    }
}

/// Prints, as JSON, the geometry each Typst gauge records in its metadata.
const QUERY_PY: &str = r#"
import sys, typst
print(typst.query(sys.argv[1], "<walkaway-gauge>", field="value", ignore_system_fonts=True))
"#;

/// The geometry the Typst gauges were drawn with (the numbers `place` got):
/// no label box meets another, the bar and its marks, or leaves the gauge.
#[test]
fn typst_labels_clear_the_bar_and_each_other() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = typst_pdf(dir.path(), "crowded", CROWDED);
    let o = Command::new("python3")
        .arg("-c")
        .arg(QUERY_PY)
        .arg(pdf.with_extension("typ"))
        .output()
        .expect("run python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let gauges: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let gauges = gauges.as_array().expect("an array");
    assert_eq!(gauges.len(), 4, "{gauges:?}");
    let rect = |v: &serde_json::Value| -> [f64; 4] {
        let n: Vec<f64> = v
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default();
        assert_eq!(n.len(), 4, "{v}");
        [n[0], n[1], n[2], n[3]]
    };
    let meets = |a: &[f64; 4], b: &[f64; 4]| {
        a[0] < b[2] - 1e-6 && b[0] < a[2] - 1e-6 && a[1] < b[3] - 1e-6 && b[1] < a[3] - 1e-6
    };
    for g in gauges {
        let (w, h) = (
            g["width"].as_f64().unwrap_or(0.0),
            g["height"].as_f64().unwrap_or(0.0),
        );
        let marks = rect(&g["marks"]);
        let labels: Vec<[f64; 4]> = g["labels"]
            .as_array()
            .map(|a| a.iter().map(rect).collect())
            .unwrap_or_default();
        assert!(labels.len() >= 3, "{g}");
        for (i, a) in labels.iter().enumerate() {
            assert!(!meets(a, &marks), "a label over the bar: {a:?} {marks:?}");
            assert!(
                a[0] >= -1e-6 && a[2] <= w + 1e-6 && a[1] >= -1e-6 && a[3] <= h + 1e-6,
                "outside the gauge: {a:?} in {w}x{h}"
            );
            for b in &labels[i + 1..] {
                assert!(!meets(a, b), "labels meet: {a:?} {b:?}");
            }
        }
    }
}

/// More and more yes/no terms (table rows without a gauge) push the table's
/// end down the page: the first gauge stays on the table's last page unless
/// the legend and it do not fit there, a gauge row is never split, and the
/// legend is on every page that holds a gauge.
#[test]
fn gauges_keep_with_the_table_and_rows_never_split() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut moved, mut split) = (0, 0);
    for extra in (8..30).step_by(2) {
        let (terms, alternatives) = CROWDED
            .split_once("    alternatives:")
            .expect("alternatives");
        let mut yaml = terms.to_string();
        for i in 0..extra {
            yaml.push_str(&format!(
                "      - {{ id: clause_{i}, label: Clause {i}, walk: true, offer: true }}\n"
            ));
        }
        yaml.push_str("    alternatives:");
        yaml.push_str(alternatives);
        let name = format!("push{extra}");
        let pdf = typst_pdf(dir.path(), &name, &yaml);
        let pages = pages(&pdf);
        let find = |p: &str| page_of(&pages, p).unwrap_or_else(|| panic!("{name}: no {p:?}"));
        let last_clause = format!("Clause {}", extra - 1);
        let table_end = find(&last_clause);
        // Each gauge: one label from above its bar and one from below.
        let rows = [
            ("offer 2,345 EUR", "BATNA 2,340 EUR"),
            ("offer 5,000 EUR", "wish 15,000 EUR"),
            ("offer rubber set", "wish rubber and textile sets"),
            ("offer within a calendar month", "wish two working days"),
        ];
        let at: Vec<usize> = rows
            .iter()
            .map(|(a, b)| {
                let p = find(a);
                assert_eq!(find(b), p, "{name}: the gauge of {a:?} is split");
                p
            })
            .collect();
        for p in &at {
            let legend = &pages[*p].1;
            assert!(
                legend
                    .windows(2)
                    .any(|w| w[0].text == "zone" && w[1].text == "of"),
                "{name}: no legend on page {p}"
            );
        }
        assert!(at.windows(2).all(|w| w[0] <= w[1]), "{name}: {at:?}");
        assert!(
            at[0] == table_end || at[0] == table_end + 1,
            "{name}: {at:?}"
        );
        if at[0] > table_end {
            // Moved on only when the legend and the first gauge did not fit
            // below the table: measure them on their page.
            let ((_, height), words) = &pages[table_end];
            let bottom = height - 2.2 * 72.0 / 2.54;
            let table = words
                .iter()
                .filter(|w| w.y1 <= bottom)
                .map(|w| w.y1)
                .fold(0.0, f64::max);
            let on = &pages[at[0]].1;
            let y = |t: &str| on.iter().find(|w| w.text == t).map(|w| (w.y0, w.y1));
            let top = y("their").map_or(f64::NAN, |v| v.0);
            let first_bottom = y("2,340").map_or(f64::NAN, |v| v.1);
            assert!(
                table + (first_bottom - top) > bottom - 12.0,
                "{name}: the first gauge left a page where it fitted ({table} + {} < {bottom})",
                first_bottom - top
            );
            moved += 1;
        }
        split += usize::from(at[0] == table_end && at[3] > at[0]);
    }
    assert!(
        moved > 0 && split > 0,
        "the sweep must cross a page end: {moved} {split}"
    );
}

/// The labels compose gives a brief's gauges, as each rendering must show them.
fn labels(brief: &Path) -> Vec<String> {
    let (b, _) = walkaway::brief::load_file(brief).expect("loads");
    let a =
        walkaway::assess::assess(&b, &common::default_rules(), common::today()).expect("assesses");
    let mut out = Vec::new();
    for g in walkaway::compose::gauges::gauges(&b, &a.facts.terms) {
        out.push(g.walk_label.clone());
        out.extend(g.want_label.clone());
        out.extend(g.wish_label.clone());
        out.extend(g.offer_label.clone());
        out.extend(g.batna_label.clone());
        out.extend(g.their_walk_label.as_ref().map(|l| {
            if g.no_zopa {
                format!("{l} (no zone of agreement)")
            } else {
                l.clone()
            }
        }));
    }
    out
}

#[test]
fn every_gauge_label_is_drawn_by_all_three_renderings() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let crowded = dir.path().join("crowded.yaml");
    std::fs::write(&crowded, dedent(CROWDED)).expect("write");
    let mut briefs: Vec<PathBuf> = std::fs::read_dir(common::manifest_dir().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    briefs.sort();
    briefs.push(crowded);
    let out = dir.path().join("out");
    for brief in &briefs {
        let o = Command::new(env!("CARGO_BIN_EXE_walkaway"))
            .args([
                "render",
                "--format",
                "html,pdf,typst",
                "--today",
                common::TODAY,
                "-o",
            ])
            .arg(&out)
            .arg(brief)
            .output()
            .expect("run walkaway");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stem = brief
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let folder = out.join(stem);
        let html = std::fs::read_to_string(folder.join("prep-pack.html")).expect("html");
        let svg = html.split("<svg").nth(1).unwrap_or_default();
        let o = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(folder.join("prep-pack.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext");
        let pdf = String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let typst = pages(&typst_compile(&folder.join("prep-pack.typ")));
        let labels = labels(brief);
        assert!(!labels.is_empty(), "{stem}: no gauges");
        for l in labels {
            assert!(
                svg.contains(&walkaway::escape::html(&l)),
                "{stem}: the HTML gauges lack {l:?}"
            );
            assert!(pdf.contains(&l), "{stem}: the PDF gauges lack {l:?}");
            assert!(
                page_of(&typst, &l).is_some(),
                "{stem}: the Typst gauges lack {l:?}"
            );
        }
    }
}
