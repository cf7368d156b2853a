//! The index page as a reader sees it: order, verdict words, numbers, dates,
//! links, failures, escaping.

use super::*;
use jiff::civil::date;

const TODAY: Date = date(2026, 11, 23);

fn entry(name: &str, verdict: Verdict, score: f64, meeting: Option<Date>) -> IndexEntry {
    IndexEntry {
        name: name.into(),
        title: Some(format!("Title of {name}")),
        verdict: Some(verdict),
        score: Some(score),
        meeting,
        deadline: None,
        files: Files {
            prep_pack_html: true,
            prep_pack_pdf: true,
            ..Files::default()
        },
        problems: Vec::new(),
    }
}

/// The page with tags removed and whitespace collapsed: what a reader reads.
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
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn rows_are_sorted_by_meeting_date_then_undated_by_name() {
    let page = index_html(
        &[
            entry("zeta", Verdict::Proceed, 80.0, None),
            entry("late", Verdict::Walk, -62.5, Some(date(2027, 1, 5))),
            entry("alpha", Verdict::Caution, 12.26, None),
            entry("soon", Verdict::Proceed, 100.0, Some(date(2026, 12, 3))),
        ],
        TODAY,
    );
    let t = text(&page);
    let order: Vec<usize> = [
        "Title of soon",
        "Title of late",
        "Title of alpha",
        "Title of zeta",
    ]
    .iter()
    .map(|n| t.find(n).unwrap_or_else(|| panic!("{n} missing from {t}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{t}");
    assert!(t.contains("4 briefs, as of 23 Nov 2026."), "{t}");
    assert!(
        t.contains("3 Dec 2026 Title of soon soon ✓ Proceed 100.0"),
        "{t}"
    );
    assert!(
        t.contains("5 Jan 2027 Title of late late ✕ Walk away −62.5"),
        "{t}"
    );
    assert!(t.contains("— Title of alpha alpha ! Caution 12.3"), "{t}");
}

#[test]
fn deadlines_count_the_days_left() {
    let mut e = entry("a", Verdict::Proceed, 50.0, None);
    let cases = [
        (date(2026, 11, 24), "24 Nov 2026 1 day"),
        (date(2026, 12, 5), "5 Dec 2026 12 days"),
        (TODAY, "23 Nov 2026 today"),
        (date(2026, 11, 20), "20 Nov 2026 passed 3 days ago"),
        (date(2026, 11, 22), "22 Nov 2026 passed 1 day ago"),
    ];
    for (deadline, shown) in cases {
        e.deadline = Some(deadline);
        let t = text(&index_html(std::slice::from_ref(&e), TODAY));
        assert!(t.contains(shown), "{shown:?} not in {t}");
    }
    e.deadline = None;
    assert!(text(&index_html(&[e], TODAY)).contains("50.0 — —"));
}

#[test]
fn links_are_relative_encoded_and_only_to_files_that_exist() {
    let mut e = entry("a b#1", Verdict::Walk, -5.0, None);
    e.files.letter_pdf = true;
    let page = index_html(&[e], TODAY);
    assert!(page.contains("<a href=\"a%20b%231/prep-pack.html\">Prep pack</a>"));
    assert!(page.contains("<a href=\"a%20b%231/prep-pack.pdf\">PDF</a>"));
    assert!(page.contains("<a href=\"a%20b%231/letter.pdf\">Letter (PDF)</a>"));
    assert!(!page.contains("letter.md"), "{page}");
}

#[test]
fn a_failed_brief_shows_its_located_diagnostic_above_its_last_good_row() {
    let mut e = entry("van", Verdict::Proceed, 87.5, Some(date(2026, 12, 1)));
    e.problems = vec![Problem {
        location: "briefs/van.yaml:9:12".into(),
        message: "expected a number, found `lots`".into(),
        hint: None,
    }];
    let t = text(&index_html(&[e], TODAY));
    assert!(
        t.contains("The last save of 1 brief is broken ; its outputs and its row below are from the last good build. van : briefs/van.yaml:9:12: expected a number, found `lots`"),
        "{t}"
    );
    assert!(
        t.contains("Title of van van Build failed: briefs/van.yaml:9:12: expected a number, found `lots` ✓ Proceed 87.5"),
        "{t}"
    );
}

#[test]
fn two_failed_briefs_are_counted_in_the_plural() {
    let failed = |name: &str| {
        let mut e = entry(name, Verdict::Proceed, 50.0, None);
        e.problems = vec![Problem {
            location: format!("briefs/{name}.yaml:1:1"),
            message: "broken".into(),
            hint: None,
        }];
        e
    };
    let t = text(&index_html(&[failed("a"), failed("b")], TODAY));
    assert!(
        t.contains("The last saves of 2 briefs are broken ; their outputs and their rows below are from the last good build."),
        "{t}"
    );
}

#[test]
fn a_brief_never_built_is_listed_by_name_as_not_built() {
    let e = IndexEntry {
        name: "new".into(),
        title: None,
        verdict: None,
        score: None,
        meeting: None,
        deadline: None,
        files: Files::default(),
        problems: vec![Problem {
            location: "new.yaml:1:1".into(),
            message: "missing `title`".into(),
            hint: Some("add `title: ...` at the top".into()),
        }],
    };
    let t = text(&index_html(std::slice::from_ref(&e), TODAY));
    // No last good build to speak of; the hint the brief's page gives, too.
    assert!(
        t.contains("The last save of 1 brief is broken ; it has never built, so it has no outputs yet. new : new.yaml:1:1: missing `title` help: add `title: ...` at the top"),
        "{t}"
    );
    assert!(!t.contains("last good build"), "{t}");
    assert!(
        t.contains("— new Build failed: new.yaml:1:1: missing `title` help: add `title: ...` at the top ? Not built — — —"),
        "{t}"
    );
    let mut built = entry("van", Verdict::Proceed, 87.5, None);
    built.problems = e.problems.clone();
    let t = text(&index_html(&[e.clone(), built], TODAY));
    assert!(
        t.contains("The last saves of 2 briefs are broken ; the outputs and rows below of those that built before are from their last good build."),
        "{t}"
    );
    let t = text(&index_html(&[e.clone(), e], TODAY));
    assert!(
        t.contains("The last saves of 2 briefs are broken ; they have never built, so they have no outputs yet."),
        "{t}"
    );
}

#[test]
fn brief_text_and_diagnostics_are_escaped() {
    let mut e = entry("x", Verdict::Caution, 1.0, None);
    e.title = Some("<script>alert(1)</script> & \"co\"".into());
    e.problems = vec![Problem {
        location: "x.yaml:1:1".into(),
        message: "unknown key `<img src=x onerror=alert(1)>`".into(),
        hint: None,
    }];
    let page = index_html(&[e], TODAY);
    assert!(!page.contains("<script>"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn scores_print_with_one_decimal_grouping_and_a_true_minus() {
    assert_eq!(format_score(62.5), "62.5");
    assert_eq!(format_score(40.0), "40.0");
    assert_eq!(format_score(-0.04), "0.0");
    assert_eq!(format_score(-1250.0), "−1,250.0");
    assert_eq!(format_score(12.26), "12.3");
    assert_eq!(format_score(100.0), "100.0");
}

#[test]
fn an_empty_build_says_so() {
    let t = text(&index_html(&[], TODAY));
    assert_eq!(
        t,
        "Negotiations 0 briefs, as of 23 Nov 2026. No briefs yet."
    );
}
