//! The gauges as a reader meets them in the PDF, read back with `pdftotext
//! -bbox`: crowded labels never meet and stay in the text area; the gauges
//! keep with the terms table across page breaks; a legend names the shapes.
//! And, from the layout itself, no label touches the bar or its marks.

use super::canvas::Canvas;
use super::fonts::{Cleaner, Fonts};
use super::gauge::{BAR, MARK_SIZE, TRI};
use super::layout::Flow;
use super::samples::*;
use super::tests::{flat, poppler};
use super::*;
use crate::render::lanes::Side;

#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Word {
    fn meets(&self, o: &Word) -> bool {
        // 0.2 pt: glyph boxes of neighbours on one line may touch.
        self.x0 + 0.2 < o.x1 && o.x0 + 0.2 < self.x1 && self.y0 + 0.2 < o.y1 && o.y0 + 0.2 < self.y1
    }
}

/// The words of each page, from `pdftotext -bbox`; `None` without poppler.
fn pages(bytes: &[u8]) -> Option<Vec<Vec<Word>>> {
    let bbox = poppler("pdftotext", &["-bbox"], bytes)?;
    let attr = |line: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        line.split(&key)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f32::NAN)
    };
    let mut out: Vec<Vec<Word>> = Vec::new();
    for line in bbox.lines().map(str::trim) {
        if line.starts_with("<page") {
            out.push(Vec::new());
        } else if line.starts_with("<word")
            && let Some(page) = out.last_mut()
        {
            let text = line
                .split('>')
                .nth(1)
                .and_then(|t| t.split('<').next())
                .unwrap_or_default()
                .replace("&amp;", "&")
                .replace("&apos;", "'")
                .replace("&#39;", "'");
            page.push(Word {
                text,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
            });
        }
    }
    Some(out)
}

fn terms_table(rows: &[&str]) -> String {
    let mut md = String::from("## Terms\n\n| Term | Walk |\n|---|--:|\n");
    for r in rows {
        md.push_str(&format!("| {r} | 1 |\n"));
    }
    md.push_str("\n<!-- walkaway:gauges -->\n\n## After\n\nThe end.\n");
    md
}

#[test]
fn crowded_gauge_labels_never_meet_and_stay_in_the_text_area() {
    let gauges = crowded_gauges();
    let md = terms_table(&["Rent", "Fit-out"]);
    for paper in [Paper::A4, Paper::Letter] {
        let out = render_sample(&md, &gauges, paper).expect("render");
        let Some(pages) = pages(&out.bytes) else {
            return;
        };
        let geo = page::geometry(paper);
        let footer = ["Verdict:", "WALK", "AWAY", "Page", "of"];
        for words in &pages {
            for (i, a) in words.iter().enumerate() {
                assert!(
                    a.x0 >= geo.left - 0.5 && a.x1 <= geo.right + 0.5,
                    "{paper:?}: past the side margin: {a:?}"
                );
                let in_footer = footer.contains(&a.text.as_str()) || a.text.parse::<u32>().is_ok();
                assert!(
                    a.y1 <= geo.bottom + 0.5 || in_footer,
                    "{paper:?}: past the bottom margin: {a:?}"
                );
                for b in &words[i + 1..] {
                    assert!(!a.meets(b), "{paper:?}: words overprint:\n{a:?}\n{b:?}");
                }
            }
        }
        let text = flat(
            &pages
                .iter()
                .flatten()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        for label in [
            "walk 2,350 EUR",
            "offer 2,345 EUR",
            "BATNA 2,340 EUR",
            "their walk ≈ 2,330 EUR",
            "wish rubber and textile sets",
            "wish two working days from order",
            "their walk ≈ six weeks from the order (no zone of agreement)",
            "◀ BATNA 12.40 EUR",
            "offer 5.00 EUR ▶",
            "Landlord's fit-out contribution towards the works",
        ] {
            assert!(text.contains(label), "{paper:?}: {label:?} missing: {text}");
        }
        // The one label wider than the gauge is shortened, not run off the page.
        assert!(text.contains("wish every day around the clock"), "{text}");
        assert!(!text.contains("stops the line"), "{text}");
    }
}

#[test]
fn a_legend_above_the_gauges_names_the_band_and_the_marker() {
    let gauges = sample_gauges();
    let out = render_sample(SAMPLE, &gauges, Paper::A4).expect("render");
    let Some(pages) = pages(&out.bytes) else {
        return;
    };
    let words: Vec<&Word> = pages.iter().flatten().collect();
    let text = flat(
        &words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    for entry in [
        "their offer",
        "best alternative (BATNA)",
        "their walk",
        "zone of agreement",
        "beyond walk-away",
    ] {
        assert!(text.contains(entry), "legend lacks {entry:?}: {text}");
    }
    // Above the first gauge: the legend's line is higher on the page than the
    // first gauge's their-walk label ("≈", found nowhere else), on its page.
    let find = |t: &str| {
        pages
            .iter()
            .enumerate()
            .find_map(|(p, ws)| ws.iter().find(|w| w.text == t).map(|w| (p, w.y0)))
    };
    let (legend_page, legend_y) = find("agreement").expect("legend");
    let (gauge_page, gauge_y) = find("≈").expect("first gauge");
    assert_eq!(legend_page, gauge_page);
    assert!(legend_y < gauge_y, "{legend_y} {gauge_y}");
}

/// Pushes the terms table down a line at a time so its end meets the page
/// foot, and checks where the gauges go.
#[test]
fn gauges_keep_with_the_table_and_are_never_split() {
    let gauges = crowded_gauges();
    let (mut crossed, mut split) = (0, 0);
    for filler in 20..62 {
        let mut md = String::new();
        for i in 0..filler {
            md.push_str(&format!("Line {i} of filler text.\n\n"));
        }
        md.push_str(&terms_table(&["Alpha", "Beta", "Gamma", "Omega"]));
        let out = render_sample(&md, &gauges, Paper::A4).expect("render");
        let Some(pages) = pages(&out.bytes) else {
            return;
        };
        let page_of = |t: &str| {
            pages
                .iter()
                .position(|ws| ws.iter().any(|w| w.text == t))
                .unwrap_or_else(|| panic!("filler {filler}: no {t:?}"))
        };
        let table_end = page_of("Omega");
        // Each gauge: its term label's first word and a word from its labels.
        let rows = [
            ("Monthly", "2,340"),
            ("Landlord's", "15,000"),
            ("Floor", "textile"),
            ("Delivery", "six"),
            ("Unit", "12.40"),
            ("Support", "business"),
        ];
        let at: Vec<usize> = rows.iter().map(|(t, _)| page_of(t)).collect();
        assert_eq!(
            at[0], table_end,
            "filler {filler}: the first gauge left its table"
        );
        for ((term, label), p) in rows.iter().zip(&at) {
            assert_eq!(page_of(label), *p, "filler {filler}: {term} split");
        }
        assert_eq!(at[5], at[4], "filler {filler}: the last gauge went alone");
        // The legend is on every page that holds a gauge.
        for p in &at {
            assert!(
                pages[*p].iter().any(|w| w.text == "agreement"),
                "filler {filler}: no legend on page {p}"
            );
        }
        crossed += usize::from(table_end > 0);
        split += usize::from(at[5] > at[0]);
    }
    assert!(
        crossed > 3 && split > 3,
        "must cross pages: {crossed} {split}"
    );
}

/// From the layout: no label box meets another, the bar or its marks, and
/// every label lies between the term label's column and the right margin.
#[test]
fn labels_clear_the_bar_and_each_other() {
    let fonts = Fonts::load().expect("fonts");
    let mut clean = Cleaner::default();
    for paper in [Paper::A4, Paper::Letter] {
        let geo = page::geometry(paper);
        let mut cv = Canvas::new(&fonts, geo);
        let gauges: Vec<Gauge> = crowded_gauges()
            .into_iter()
            .chain(sample_gauges())
            .collect();
        let mut flow = Flow::new(&mut cv, &mut clean, &gauges);
        let (x, width) = (geo.left, geo.body_width());
        for g in &gauges {
            let row = flow.lay_gauge(g, x, width);
            // DejaVu Sans: ascent 0.93 em, descent 0.24 em.
            let boxes: Vec<[f32; 4]> = row
                .labels
                .iter()
                .map(|l| {
                    let base = row.baseline(l.side, l.lane);
                    [
                        l.left,
                        base - 0.93 * MARK_SIZE,
                        l.left + l.width,
                        base + 0.24 * MARK_SIZE,
                    ]
                })
                .collect();
            let top = row.bar_top();
            let marks = [row.bar.0 - 5.0, top - TRI, row.bar.1 + 5.0, top + BAR + 3.0];
            let meets = |a: &[f32; 4], b: &[f32; 4]| {
                a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
            };
            for (i, (a, l)) in boxes.iter().zip(&row.labels).enumerate() {
                assert!(!meets(a, &marks), "{}: {:?} over the bar", g.label, l.text);
                assert!(
                    a[0] >= x + width * 0.28 && a[2] <= x + width + 0.01,
                    "{}: {:?}",
                    g.label,
                    l.text
                );
                assert!(
                    a[1] >= 0.0 && a[3] <= row.height(),
                    "{}: {:?} outside its row",
                    g.label,
                    l.text
                );
                for (b, m) in boxes[i + 1..].iter().zip(&row.labels[i + 1..]) {
                    assert!(!meets(a, b), "{}: {:?} meets {:?}", g.label, l.text, m.text);
                }
            }
            // Their things above, ours below.
            for l in &row.labels {
                let theirs = matches!(
                    l.kind,
                    crate::render::gauge_plan::Kind::Offer
                        | crate::render::gauge_plan::Kind::TheirWalk
                );
                assert_eq!(l.side == Side::Above, theirs, "{}", l.text);
            }
            for line in &row.lines {
                assert!(line.width <= width * 0.28 + 0.01, "{}", g.label);
            }
        }
    }
}

/// `WALKAWAY_PDF_OUT=DIR` also writes the crowded gauges, for viewing.
#[test]
fn write_crowded_sample_for_viewing() {
    let Ok(dir) = std::env::var("WALKAWAY_PDF_OUT") else {
        return;
    };
    let gauges = crowded_gauges();
    let md = terms_table(&["Rent", "Fit-out"]);
    let out = render_sample(&md, &gauges, Paper::A4).expect("render");
    std::fs::write(std::path::Path::new(&dir).join("crowded.pdf"), out.bytes).expect("write");
}
