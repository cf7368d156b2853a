//! The SVG gauges read back as geometry: every `<text>` becomes a box from its
//! x/y, font size and an estimated width (0.6 em a character, the brief's rule
//! of thumb), and every bar a rectangle; no two text boxes may meet, none may
//! touch a bar, and all must lie inside the viewBox.

use super::{Dec1, svg};
use crate::compose::Gauge;
use crate::render::pdf::samples::{crowded_gauges, sample_gauges};

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box2 {
    fn meets(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

#[derive(Debug)]
struct Text {
    content: String,
    b: Box2,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric {name} in {tag}"))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` element (no nested elements: one line each) as a box.
fn texts(svg: &str) -> Vec<Text> {
    let mut out = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let (tag, rest) = piece.split_once('>').expect("tag closes");
        let content = unescape(rest.split("</text>").next().expect("text closes"));
        assert!(!content.contains('<'), "nested element in a text: {piece}");
        let (x, y, size) = (num(tag, "x"), num(tag, "y"), num(tag, "font-size"));
        let w = 0.6 * size * content.chars().count() as f64;
        let x0 = match attr(tag, "text-anchor").as_deref() {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        out.push(Text {
            content,
            b: Box2 {
                x0,
                y0: y - 0.8 * size,
                x1: x0 + w,
                y1: y + 0.25 * size,
            },
        });
    }
    out
}

/// The rectangles marked as a gauge's bar.
fn bars(svg: &str) -> Vec<Box2> {
    svg.split("<rect")
        .skip(1)
        .map(|p| p.split_once('>').expect("tag closes").0)
        .filter(|tag| attr(tag, "class").as_deref() == Some("bar"))
        .map(|tag| {
            let (x, y) = (num(tag, "x"), num(tag, "y"));
            Box2 {
                x0: x,
                y0: y,
                x1: x + num(tag, "width"),
                y1: y + num(tag, "height"),
            }
        })
        .collect()
}

fn view_box(svg: &str) -> (f64, f64) {
    let vb = attr(svg, "viewBox").expect("viewBox");
    let v: Vec<f64> = vb.split(' ').filter_map(|n| n.parse().ok()).collect();
    assert_eq!(v.len(), 4, "{vb}");
    (v[2], v[3])
}

/// Asserts the geometry rules and returns the texts for further checks.
fn check(gauges: &[Gauge]) -> Vec<Text> {
    let s = svg(gauges);
    let (w, h) = view_box(&s);
    let texts = texts(&s);
    let bars = bars(&s);
    assert_eq!(bars.len(), gauges.len(), "one bar per gauge:\n{s}");
    for (i, a) in texts.iter().enumerate() {
        assert!(
            a.b.x0 >= 0.0 && a.b.x1 <= w && a.b.y0 >= 0.0 && a.b.y1 <= h,
            "outside the viewBox {w}x{h}: {a:?}"
        );
        for b in &texts[i + 1..] {
            assert!(!a.b.meets(&b.b), "overlap:\n{a:?}\n{b:?}");
        }
        for bar in &bars {
            assert!(!a.b.meets(bar), "over a bar: {a:?} {bar:?}");
        }
    }
    texts
}

fn all_text(texts: &[Text]) -> String {
    texts
        .iter()
        .map(|t| t.content.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn crowded_labels_stack_without_overlap_inside_the_view_box() {
    let texts = check(&crowded_gauges());
    let all = all_text(&texts);
    for label in [
        "walk 2,350 EUR",
        "offer 2,345 EUR",
        "BATNA 2,340 EUR",
        "their walk ≈ 2,330 EUR",
        "wish rubber and textile sets",
        "wish two working days from order",
        "(no zone of agreement)",
    ] {
        assert!(all.contains(label), "{label:?} missing from {all}");
    }
    // The term label wraps rather than running under the bar.
    assert!(all.contains("Landlord's fit-out"), "{all}");
    assert!(all.contains("contribution"), "{all}");
}

#[test]
fn the_sample_gauges_pass_too() {
    check(&sample_gauges());
}

#[test]
fn a_legend_names_the_band_and_the_marker() {
    let s = svg(&crowded_gauges());
    let texts = texts(&s);
    let all = all_text(&texts);
    for entry in [
        "their offer",
        "best alternative (BATNA)",
        "their walk",
        "zone of agreement",
        "beyond walk-away",
    ] {
        assert!(all.contains(entry), "legend lacks {entry:?}: {all}");
    }
    // Greyscale: the zone is outlined and their walk is dashed, not colour alone.
    assert!(s.contains("class=\"zone\""), "{s}");
    let zone = s.split("class=\"zone\"").nth(1).unwrap_or_default();
    assert!(
        zone.split('>')
            .next()
            .unwrap_or_default()
            .contains("stroke="),
        "{s}"
    );
    assert!(s.contains("stroke-dasharray"), "{s}");
    // A legend entry appears only for what some gauge shows.
    let plain = [Gauge {
        label: "Price".into(),
        walk_label: "walk 10".into(),
        wish_label: Some("wish 8".into()),
        ..Gauge::default()
    }];
    let all = all_text(&check(&plain));
    assert!(!all.contains("zone of agreement"), "{all}");
    assert!(all.contains("beyond walk-away"), "{all}");
}

#[test]
fn no_gauges_no_svg() {
    assert_eq!(svg(&[]), "");
}

/// `WALKAWAY_SVG_OUT=FILE` writes the crowded sample as a page, for viewing.
#[test]
fn write_sample_for_viewing() {
    let Ok(path) = std::env::var("WALKAWAY_SVG_OUT") else {
        return;
    };
    let page = format!(
        "<!doctype html><meta charset=utf-8><body style=\"font: 16px/1.5 -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; max-width: 52rem; margin: 2rem auto\">{}{}</body>",
        svg(&crowded_gauges()),
        svg(&sample_gauges())
    );
    std::fs::write(path, page).expect("write");
}

#[test]
fn coordinates_are_written_as_std_writes_them() {
    let mut values = vec![
        0.0,
        -0.0,
        0.05,
        0.25,
        -0.25,
        0.35,
        1.45,
        2.5,
        -0.04,
        -0.05,
        123.456,
        599.95,
        1e8,
        1e9,
        1e12,
        -1e12,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
    ];
    // Ties and near-ties of every tenth, and coordinates as the layout makes them.
    for k in -2000..2000 {
        let tie = f64::from(k) * 0.05;
        values.extend([
            tie,
            tie + 1e-9,
            tie - 1e-9,
            f64::from(k) / 3.0,
            f64::from(k) * 0.1,
        ]);
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values.push((x % 2_000_000) as f64 / 997.0 - 1000.0);
    }
    for v in values {
        assert_eq!(format!("{:.1}", Dec1(v)), format!("{v:.1}"), "{v:e}");
    }
    // Other precisions are std's own.
    assert_eq!(format!("{:.3}", Dec1(2.0 / 3.0)), "0.667");
    assert_eq!(format!("{}", Dec1(1.5)), "1.5");
}
