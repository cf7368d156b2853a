//! The prep pack as a negotiation coach reads it (issue "DESIGN 0.2"): one test
//! per piece of advice that was wrong before 0.2 and would have hurt the person
//! walking into the room, each on a small brief, asserting on what the pack, the
//! assessment or the letter says.

mod common;

use common::*;
use serde_json::json;

/// Render a brief's outputs with the default rules; returns the output folder
/// of the brief (kept alive by the returned guard).
fn render(name: &str, yaml: &str, formats: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    render_with(name, yaml, formats, None)
}

/// As `render`, with the rules of `rules` (YAML) when given.
fn render_with(
    name: &str,
    yaml: &str,
    formats: &str,
    rules: Option<&str>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(format!("{name}.yaml")), dedent(yaml)).expect("write");
    let brief = format!("{name}.yaml");
    let mut args = vec![
        "render", &brief, "-o", "out", "--format", formats, "--today", TODAY,
    ];
    if let Some(rules) = rules {
        std::fs::write(dir.path().join("house.yaml"), dedent(rules)).expect("write rules");
        args.extend(["--rules", "house.yaml"]);
    }
    let r = run_in(dir.path(), &args);
    assert_eq!(r.code, 0, "{r:?}");
    let out = dir.path().join("out").join(name);
    (dir, out)
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// 1. Scores that depend on the unit: see `scores_do_not_depend_on_the_unit`
//    and `degenerate_limits_give_finite_sensible_scores` in tests/assess.rs.

/// 2. The concession plan follows the table: it opens at the offer we already
///    made (never retracting our own concession), and accepts what already
///    meets want instead of stepping toward it.
#[test]
fn the_concession_plan_starts_where_the_table_stands() {
    let a = assess(
        "
        title: Procurement
        side: buyer
        terms:
          - { id: units, wish: 1800, want: 2000, walk: 2200, offer: 2150 }
          - { id: days, unit: days, better: higher, wish: 60, want: 45, walk: 30, offer: 50 }
        offers:
          - { date: 2026-11-02, from: them, terms: { units: 2300 } }
          - { date: 2026-11-09, from: us, terms: { units: 1900 } }
          - { date: 2026-11-16, from: them, terms: { units: 2150 } }
        ",
    );
    let units = &a.json["terms"][0]["concessions"];
    assert_eq!(
        units,
        &json!({ "steps": [1900.0, 1950.0, 1980.0, 2000.0], "floor": 2200.0, "accept": false, "hold": false, "tradeable": false })
    );
    let days = &a.json["terms"][1]["concessions"];
    assert_eq!(days["accept"], true);
    assert_eq!(days["steps"], json!([]));
}

/// 3. No offer: the verdict is proceed, the first reason says there is nothing
///    to accept yet, and no output says that an offer is inside your limits.
#[test]
fn no_offer_is_never_inside_your_limits() {
    let brief = "
        title: First meeting
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100 }
        stakeholders:
          - { name: CFO, signed_off: true }
        alternatives:
          - { name: Other, terms: { price: 99 } }
        ";
    let a = assess(brief);
    assert_eq!(a.verdict, walkaway::assess::Verdict::Proceed);
    assert!(
        a.reasons[0].starts_with("There is no offer yet to accept or refuse"),
        "{:?}",
        a.reasons
    );
    let (_dir, out) = render("first", brief, "md,html");
    for file in ["prep-pack.md", "prep-pack.html"] {
        let text = read(&out.join(file)).to_lowercase();
        assert!(!text.contains("inside your limits"), "{file}: {text}");
        assert!(text.contains("no offer yet"), "{file}");
    }
}

/// 4. Every reason for the verdict, the score among them when it is below the
///    caution line, even when a red flag already made the verdict caution.
#[test]
fn verdict_and_why_gives_every_reason() {
    let a = assess(
        "
        title: Lease
        side: buyer
        terms:
          - { id: rent, wish: 900, want: 1000, walk: 1100, offer: 1090 }
        observed: [hidden_fees, intimidation, bullying, extreme_concessions]
        stakeholders:
          - { name: Partner, signed_off: false }
        ",
    );
    // Every reason a sentence, a behaviour said as what they did.
    assert_eq!(
        a.reasons,
        [
            "They have added costs that were not in the offer.",
            "They are demanding concessions far beyond what the deal can bear.",
            "They have tried to intimidate us.",
            "They have bullied rather than negotiated.",
            "Our own side has not signed off: waiting for Partner.",
            "The deal scores 5.0, below the caution line of 40.0."
        ]
    );
}

/// 5. A walk pack never coaches you to keep conceding: the plan and the
///    packages are what it would take to return.
#[test]
fn a_walk_pack_does_not_coach_conceding() {
    let (_dir, out) = render(
        "walk",
        "
        title: Van
        side: buyer
        terms:
          - { id: price, unit: EUR, wish: 7500, want: 8200, walk: 9000, offer: 9400 }
          - { id: warranty, unit: months, better: higher, wish: 24, want: 12, walk: 6, offer: 6 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("\n## If they come back\n\nDo not concede to save this deal."),
        "{md}"
    );
    assert!(!md.contains("## Concession plan"), "{md}");
    assert!(!md.to_lowercase().contains("it is acceptable"), "{md}");
}

/// A walk for bad faith closes the door (`exit_closed`): its "If they come
/// back" section does not coach a return, and its packages are for if they do
/// come back, not to table now ("Put these 3 on the table together").
#[test]
fn a_closed_door_pack_does_not_invite_a_return() {
    let (_dir, out) = render(
        "closed",
        "
        title: Van
        side: seller
        terms:
          - { id: price, unit: EUR, wish: 9500, want: 9000, walk: 8200, offer: 8800 }
          - { id: warranty, unit: months, better: lower, wish: 0, want: 3, walk: 6, offer: 3 }
          - { id: handover, unit: days, better: higher, wish: 14, want: 7, walk: 3, offer: 7 }
        observed: [dishonesty]
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("\n## If they come back\n\nDo not reopen this deal yourself: what you were told did not hold up."),
        "{md}"
    );
    assert!(!md.contains("Do not concede to save this deal"), "{md}");
    assert!(md.contains("If they come back, put these 3"), "{md}");
    assert!(!md.contains("\nPut these"), "{md}");
}

/// A meeting after their deadline is pointed out where the deadline is: the
/// offer may have lapsed by then.
#[test]
fn a_meeting_after_the_deadline_is_pointed_out() {
    let brief = |date: &str| {
        format!(
            "
        title: Lease
        side: buyer
        date: {date}
        deadline: 2026-11-25
        terms:
          - {{ id: rent, unit: EUR, wish: 1200, want: 1300, walk: 1400, offer: 1350 }}
        "
        )
    };
    let (_dir, out) = render("late", &brief("2026-11-27"), "md,typst");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("- **Deadline:** 2026-11-25 (2 days from 2026-11-23): the meeting is after it, so ask them to confirm that the offer still stands"),
        "{md}"
    );
    let typ = read(&out.join("prep-pack.typ"));
    assert!(typ.contains("the meeting is after it"), "{typ}");
    let (_dir, out) = render("early", &brief("2026-11-24"), "md");
    let md = read(&out.join("prep-pack.md"));
    assert!(!md.contains("the meeting is after it"), "{md}");
}

/// A term held at a value the alternative already gives has no ground left
/// to trade: "hold there … give ground here only in exchange" contradicted
/// itself.
#[test]
fn a_term_held_at_the_alternative_has_no_ground_to_trade() {
    let (_dir, out) = render(
        "fee",
        "
        title: Car
        side: buyer
        terms:
          - { id: price, unit: \"$\", wish: 27000, want: 28500, walk: 29900, offer: 29400 }
          - { id: fee, label: Fee, unit: \"$\", wish: 0, want: 0, walk: 500, offer: 899, deal_breaker: false }
        offers:
          - { date: 2026-11-10, from: us, terms: { price: 27900, fee: 0 } }
        alternatives:
          - { name: Other dealer, terms: { price: 29800, fee: 0 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    let fee = md
        .lines()
        .find(|l| l.starts_with("- **Fee:**"))
        .expect("the fee's plan");
    assert!(
        fee.contains("stay at your last offer, $0, and hold there"),
        "{fee}"
    );
    assert!(!fee.contains("give ground"), "{fee}");
}

/// 6. When it is the alternative that beats the offer, the walk-away lines say
///    so (and invite them to match it) instead of calling the terms a gap.
#[test]
fn the_walk_away_lines_name_the_better_alternative() {
    let a = assess(
        "
        title: Supply
        side: buyer
        us: { name: Dana, organisation: Northwind }
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 98 }
        alternatives:
          - { name: Beta Parts, terms: { price: 91 } }
        ",
    );
    let say = a.exit_words.expect("walk away").say.join("\n");
    assert!(
        say.contains("We have another option that, taken as a whole, works better for us"),
        "{say}"
    );
    assert!(
        say.contains("Can you improve the offer enough to match what the other option gives us?"),
        "{say}"
    );
    assert!(!say.contains("too wide"), "{say}");
}

/// 7. Proportion: one behaviour flag is a signal, a calm question in the room,
///    and no letter; a warning needs two.
#[test]
fn one_behaviour_flag_is_a_signal_without_a_letter() {
    let brief = "
        title: Job offer
        side: seller
        us: { name: Alex, email: alex@mail.example }
        them: { name: Rosa Diaz, email: rosa@lumen.example }
        terms:
          - { id: salary, wish: 82000, want: 76000, walk: 70000, offer: 80000 }
        observed: [false_urgency]
        ";
    let a = assess(brief);
    let exit = a.exit_script.as_ref().expect("exit script");
    assert_eq!(
        (exit.id.as_str(), exit.stage.to_string()),
        ("early_signal", "signal".into())
    );
    let (_dir, out) = render("job", brief, "md,eml");
    assert!(!out.join("letter.md").exists());
    assert!(!out.join("email.eml").exists());
}

/// 8. No contradictions: a tradeable yes/no term is "wanted", leverage says
///    what it rests on, alternatives without terms are not "done", and a
///    retraction is named with its term and date.
#[test]
fn the_pack_does_not_contradict_itself() {
    let (_dir, out) = render(
        "contradictions",
        "
        title: Supply
        side: buyer
        investment: medium
        terms:
          - { id: price, unit: EUR, wish: 90, want: 95, walk: 100, offer: 97 }
          - { id: guarantee, label: Guarantee, walk: true, offer: true, deal_breaker: false }
        alternatives:
          - { name: Beta }
          - { name: Gamma }
        offers:
          - { date: 2026-11-02, from: them, terms: { price: 96 } }
          - { date: 2026-11-09, from: them, terms: { price: 97 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("| Guarantee (tradeable) |  |  | wanted |"),
        "{md}"
    );
    assert!(!md.contains("must have"), "{md}");
    assert!(
        md.contains("strong: you have 2 alternatives and a medium investment in this deal"),
        "{md}"
    );
    assert!(!md.contains("little invested"), "{md}");
    assert!(
        md.contains("**To do:** Alternatives ready and priced (2 listed, none priced"),
        "{md}"
    );
    assert!(
        md.contains(
            "price: they offered 96 EUR on 2 November 2026, then 97 EUR on 9 November 2026"
        ),
        "{md}"
    );
}

// 9. Letters read as written by the person who signs them: see
//    tests/letters.rs (both voices, both tones, salutation, topic, "this
//    point", no visible escape).

/// 10. Numbers as people write them: decimals as written, thousands grouped,
///     a true minus, counts that agree, scores with one decimal.
#[test]
fn numbers_read_as_people_write_them() {
    let (_dir, out) = render(
        "numbers",
        "
        title: Numbers
        side: buyer
        terms:
          - { id: price, unit: EUR, wish: 0.80, want: 0.85, walk: 0.90, offer: 0.93 }
          - { id: deposit, unit: zł, wish: 100000, want: 102000, walk: 104000, offer: 103000 }
          - { id: lead, unit: days, wish: 5, want: 6, walk: 8, offer: 7 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    for expected in [
        "| 0.80 EUR | 0.85 EUR | 0.90 EUR | 0.93 EUR |",
        "104,000 zł",
        "−0.03 EUR",
        "| 1 day |",
    ] {
        assert!(md.contains(expected), "{expected}: {md}");
    }
    assert!(!md.contains("0.9 EUR"), "{md}");
    assert!(!md.contains("104000"), "{md}");
    assert!(!md.contains("-0.03"), "{md}");
    assert!(!md.contains("1 days"), "{md}");
}

/// 11. The missing information speaks plain words (no rule ids, no escapes),
///     and a missing deadline is not worth a line.
#[test]
fn missing_information_in_plain_words() {
    let (_dir, out) = render(
        "missing",
        "
        title: Missing
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 97 }
        alternatives:
          - { name: Beta }
        ",
        "md,html",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("- Cannot tell whether our alternative is better than this offer: none of the alternatives is priced (add their terms to compare)."),
        "{md}"
    );
    assert!(!md.contains("worse_than_batna"), "{md}");
    assert!(!md.contains("worse\\_than\\_batna"), "{md}");
    assert!(!md.contains("deadline"), "{md}");
    let html = read(&out.join("prep-pack.html"));
    assert!(!html.contains('\\'), "a Markdown escape shows on the page");
}

/// 12. Gauges: levels that coincide are one tick with one label.
#[test]
fn equal_limits_are_one_tick() {
    let (b, _) = walkaway::brief::load_str(
        std::path::Path::new("g.yaml"),
        &dedent(
            "
            title: G
            side: buyer
            terms:
              - { id: a, unit: EUR, wish: 10, want: 10, walk: 20, offer: 15 }
              - { id: b, unit: EUR, wish: 10, want: 20, walk: 20, offer: 15 }
              - { id: c, unit: EUR, wish: 20, want: 20, walk: 20, offer: 15 }
            ",
        ),
    )
    .expect("loads");
    let a = walkaway::assess::assess(&b, &default_rules(), today()).expect("assesses");
    let g = walkaway::compose::gauges::gauges(&b, &a.facts.terms);
    assert_eq!(g.len(), 2, "an empty scale has no gauge: {g:?}");
    assert_eq!(g[0].wish_label.as_deref(), Some("want = wish 10 EUR"));
    assert_eq!(g[0].want_pos, None);
    assert_eq!(g[1].walk_label, "walk = want 20 EUR");
    assert_eq!(g[1].want_pos, None);
}

/// 12. Gauges: with no wish, want stands at the top of the scale and is
///     labelled there (it used to vanish from the gauge).
#[test]
fn want_without_wish_is_labelled_at_the_top() {
    let (b, _) = walkaway::brief::load_str(
        std::path::Path::new("g.yaml"),
        "title: G\nside: buyer\nterms: [{ id: a, unit: EUR, want: 90, walk: 100, offer: 95 }]\n",
    )
    .expect("loads");
    let a = walkaway::assess::assess(&b, &default_rules(), today()).expect("assesses");
    let g = walkaway::compose::gauges::gauges(&b, &a.facts.terms);
    assert_eq!(g[0].wish_label.as_deref(), Some("want 90 EUR"));
    assert_eq!(
        (g[0].want_pos, g[0].walk_label.as_str()),
        (None, "walk 100 EUR")
    );
}

/// 13. Validation: `retracted` suggests `retracted_concession`, and a term's
///     offer that disagrees with their latest recorded offer is a located
///     warning saying which one counts.
#[test]
fn validation_catches_what_a_coach_would_ask_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("v.yaml"),
        "title: T\nside: buyer\nterms:\n  - { id: price, walk: 100, offer: 95 }\nobserved: [retracted]\noffers:\n  - { date: 2026-11-01, from: them, terms: { price: 97 } }\n",
    )
    .expect("write");
    let r = run_in(dir.path(), &["check", "v.yaml", "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains(
            "warning: term `price` offer 95 differs from their latest offer in `offers` of 2026-11-01 (97)\n  --> v.yaml:4:36\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("= help: the evaluation uses the term's `offer`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("  --> v.yaml:5:12\n  |\n5 | observed: [retracted]\n  |            ^^^^^^^^^\n  = help: did you mean `retracted_concession`?"),
        "{}",
        r.stderr
    );
}

/// No Markdown escape (a backslash before `_`, `*`, `&`...) is ever visible in
/// the PDF, the HTML page or a letter of any example (DESIGN §5).
#[test]
fn no_example_shows_a_markdown_escape() {
    let have = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    let examples = manifest_dir().join("examples");
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run_in(
        dir.path(),
        &[
            "build",
            examples.to_str().expect("utf-8"),
            "-o",
            "out",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let escaped = |text: &str| {
        text.char_indices().any(|(i, c)| {
            c == '\\'
                && text[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_punctuation())
        })
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.path().join("out")).expect("out") {
        let brief = entry.expect("entry").path();
        if !brief.is_dir() {
            continue;
        }
        for name in ["prep-pack.html", "letter.md"] {
            let path = brief.join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                assert!(!escaped(&text), "{}: {text}", path.display());
                checked += 1;
            }
        }
        if tool_available(have, "pdftotext (poppler-utils) is not installed") {
            for name in ["prep-pack.pdf", "letter.pdf"] {
                let path = brief.join(name);
                if !path.exists() {
                    continue;
                }
                let o = std::process::Command::new("pdftotext")
                    .arg(&path)
                    .arg("-")
                    .output()
                    .expect("pdftotext");
                let text = String::from_utf8_lossy(&o.stdout);
                assert!(!escaped(&text), "{}: {text}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} files checked");
}

// Found by a coach's read-through of 0.2's packs (second session).

#[test]
fn a_pack_without_alternatives_says_none_is_listed_and_plans_read_cleanly() {
    let (_dir, out) = render(
        "bare",
        "
        title: Bare
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 99 }
          - { id: delivery, options: [weekly, fortnightly, monthly], want: fortnightly, walk: monthly, offer: monthly }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    // Not "none of the alternatives is priced" when there are none at all.
    assert!(
        md.contains("no alternative is listed (add your best one, with its terms)"),
        "{md}"
    );
    assert!(!md.contains("none of the alternatives"), "{md}");
    // One step, and no comma before it: "open at fortnightly, and hold there".
    assert!(md.contains("open at fortnightly, and hold there"), "{md}");
    assert!(!md.contains("open at,"), "{md}");
}

#[test]
fn a_caution_pack_points_down_to_its_reasons() {
    let (_dir, out) = render(
        "low",
        "
        title: Low
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 99 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    let advice = md.find("settle nothing in the room until you have dealt with each point below.");
    let reason = md.find("- The deal scores 10.0, below the caution line of 40.0.");
    assert!(
        advice.is_some_and(|a| reason.is_some_and(|r| a < r)),
        "{md}"
    );
    assert!(!md.contains("point above"), "{md}");
}

#[test]
fn an_exit_line_names_the_gap_the_right_way_round_without_giving_away_the_limit() {
    for (side, term, says) in [
        (
            "buyer",
            "{ id: price, label: Price, unit: EUR, wish: 90, want: 95, walk: 100, offer: 104 }",
            "you offer 104 EUR, which is more than I can accept",
        ),
        (
            "seller",
            "{ id: salary, label: Base salary, unit: GBP, wish: 90000, want: 85000, walk: 80000, offer: 76000 }",
            "you offer 76,000 GBP, which is less than I can accept",
        ),
    ] {
        let (_dir, out) = render(
            "gap",
            &format!(
                "\n        title: Gap\n        side: {side}\n        terms:\n          - {term}\n        "
            ),
            "md",
        );
        let md = read(&out.join("prep-pack.md"));
        assert!(md.contains(says), "{md}");
        assert!(!md.contains("the most I can accept"), "{md}");
        assert!(!md.contains("the least I can accept"), "{md}");
    }
}

#[test]
fn packages_never_hand_back_what_their_offer_already_gives() {
    // The car: their offer scores 67.4, the packages about 62.5.
    let car = read(&manifest_dir().join("examples/car-purchase.yaml"));
    let (_dir, out) = render("car", &car, "md");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("Their offer already scores 67.4, more than any of these 3 (each worth about 62.5): do not put them on the table now"),
        "{md}"
    );
    assert!(!md.contains("Put these 3 on the table"), "{md}");
    // Every term already at target: no "spend your effort elsewhere".
    assert!(!md.contains("spend your effort elsewhere"), "{md}");
    assert!(
        md.contains("already meets your target (4 years): concede nothing here, and agree it only with the rest, as one package."),
        "{md}"
    );
    // An option's name is not a quantity: "their offer (rubber set)".
    assert!(
        md.contains("their offer (rubber set) already meets your target (rubber set)"),
        "{md}"
    );
    // An estimate of their limit is as precise as the brief's own numbers.
    assert!(md.contains("| ≈ 97,600 zł |"), "{md}");
    assert!(md.contains("their limit is about 97,600 zł"), "{md}");
    assert!(!md.contains("97,609"), "{md}");

    // The supplier: packages to table, none asking for less than they
    // already offer (lead time 7 days: no package asks for 9).
    let supplier = read(&manifest_dir().join("examples/supplier-renewal.yaml"));
    let (_dir, out) = render("supplier", &supplier, "md");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("| Lead time | 6 days | 7 days | 7 days |"),
        "{md}"
    );
    assert!(!md.contains('†'), "{md}");
}

/// Packages stay where the table is: never below their offer, never past
/// their limit, never below the alternative where that is the floor.
#[test]
fn packages_stay_between_their_offer_and_their_limit() {
    let (_d, out) = render(
        "lease",
        "
        title: Flat renewal
        side: buyer
        terms:
          - { id: rent, label: Monthly rent, unit: GBP, wish: 1400, want: 1450, walk: 1550, offer: 1475, their_walk: 1425, weight: 5 }
          - { id: deposit, label: Deposit, unit: weeks, wish: 4, want: 5, walk: 6, offer: 5 }
          - { id: months, label: Fixed term, unit: months, better: higher, wish: 24, want: 18, walk: 12, offer: 12, weight: 2 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    let packages = md
        .split("### Packages of equal value")
        .nth(1)
        .unwrap_or_else(|| panic!("no packages in\n{md}"));
    let row = |label: &str| -> Vec<f64> {
        let line = packages
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no {label} row in\n{md}"));
        line.split('|')
            .skip(2)
            .filter_map(|c| c.trim().split(' ').next()?.replace(',', "").parse().ok())
            .collect()
    };
    let rent = row("Monthly rent");
    assert_eq!(rent.len(), 3, "{md}");
    assert!(
        rent.iter().all(|r| (1425.0..=1475.0).contains(r)),
        "{rent:?}\n{md}"
    );
    assert!(row("Deposit").iter().all(|d| *d <= 5.0), "{md}");
    assert!(!md.contains('†'), "{md}");
}

#[test]
fn what_cannot_be_told_yet_reads_as_a_sentence() {
    let (_dir, out) = render(
        "early",
        "
        title: Early
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100 }
          - { id: days, better: higher, wish: 60, want: 45, walk: 30 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains(
            "- Cannot tell whether an offer is close to our walk-away point: there is no offer yet"
        ),
        "{md}"
    );
    assert!(!md.contains("Cannot tell whether close"), "{md}");
}

#[test]
fn a_plan_whose_target_lies_past_their_limit_says_where_it_will_end() {
    // The lease: our target 2,250 EUR, their limit estimated at about 2,330.
    // The zone of agreement says to expect to settle near their limit; the
    // plan must not only say "hold there".
    let lease = read(&manifest_dir().join("examples/lease-renewal.yaml"));
    let (_dir, out) = render("lease", &lease, "md");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("- **Monthly rent:** stay at your last offer, 2,250 EUR, and hold there; never past 2,350 EUR. Your alternative already gives 2,340 EUR: treat that, not 2,350 EUR, as your floor. Their limit, about 2,330 EUR, is short of your target: expect to settle near it, and win the difference on other terms."),
        "{md}"
    );
}

#[test]
fn a_floor_looser_than_the_alternative_is_not_left_as_the_floor() {
    // The job offer: walk-away 80,000 GBP, but staying at Corvid Labs already
    // gives 81,000 GBP; the pack's red flag says to tighten, and the plan
    // says which floor to use.
    let job = read(&manifest_dir().join("examples/job-offer.yaml"));
    let (_dir, out) = render("job", &job, "md");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains(
            "Your alternative already gives 81,000 GBP: treat that, not 80,000 GBP, as your floor."
        ),
        "{md}"
    );
}

/// A concession taken back is told once per term: from the best they offered
/// to where they are now. Repeating the worse value is not another one.
#[test]
fn a_concession_taken_back_is_told_once_per_term() {
    let (_d, out) = render(
        "retract",
        "
        title: App build
        side: seller
        terms:
          - { id: fee, unit: EUR, wish: 48000, want: 42000, walk: 36000, offer: 37500 }
          - { id: upfront, label: Paid up front, unit: \"%\", wish: 40, want: 30, walk: 20, offer: 10 }
          - { id: weeks, label: Delivery time, unit: weeks, better: higher, wish: 14, want: 12, walk: 10, offer: 10 }
        offers:
          - { date: 2026-11-06, from: them, terms: { fee: 35000, upfront: 30, weeks: 12 } }
          - { date: 2026-11-16, from: them, terms: { fee: 39000, upfront: 20, weeks: 10 } }
          - { date: 2026-11-20, from: them, terms: { fee: 37500, upfront: 10, weeks: 10 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    let flag = md
        .lines()
        .find(|l| l.contains("They took back a concession"))
        .unwrap_or_else(|| panic!("no retraction line in\n{md}"));
    assert_eq!(flag.matches("Delivery time:").count(), 1, "{flag}");
    assert_eq!(flag.matches("Paid up front:").count(), 1, "{flag}");
    assert!(
        flag.contains(
            "Paid up front: they offered 30% on 6 November 2026, then 10% on 20 November 2026"
        ),
        "{flag}"
    );
    assert!(
        flag.contains(
            "Delivery time: they offered 12 weeks on 6 November 2026, then 10 weeks on 16 November 2026"
        ),
        "{flag}"
    );
    assert!(
        flag.contains(
            "fee: they offered 39,000 EUR on 16 November 2026, then 37,500 EUR on 20 November 2026"
        ),
        "{flag}"
    );
}

/// The zone of agreement and the concession plan weigh what is already known:
/// the part of the zone worse than the alternative is worth nothing; a step
/// past their limit gives away what they would have conceded; an alternative
/// better than the target on one term is weighed whole, not made a floor.
#[test]
fn the_zone_and_the_plan_stop_at_their_limit_and_at_the_alternative() {
    let (_d, out) = render(
        "lease",
        "
        title: Flat renewal
        side: buyer
        terms:
          - { id: rent, label: Monthly rent, unit: GBP, wish: 1400, want: 1450, walk: 1550, offer: 1475, their_walk: 1425 }
          - { id: volume, unit: tonnes, wish: 1500, want: 2000, walk: 2600, offer: 2100 }
        alternatives:
          - { name: Harcourt Road, terms: { rent: 1520, volume: 0 } }
        offers:
          - { date: 2026-11-08, from: us, terms: { rent: 1400 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("our alternative already gives 1,520 GBP, so a deal worth having lies between 1,425 GBP and 1,520 GBP"),
        "{md}"
    );
    assert!(
        md.contains("**Monthly rent:** open at your last offer, 1,400 GBP, then 1,425 GBP (about their limit: go no further); never past 1,550 GBP."),
        "{md}"
    );
    assert!(!md.contains("1,450 GBP (your target)"), "{md}");
    assert!(
        md.contains("Your alternative gives 0 tonnes here, better than your target: weigh it against this deal as a whole"),
        "{md}"
    );
    assert!(!md.contains("treat that, not 2,600 tonnes"), "{md}");
    // The rent's floor is the alternative's 1,520, not 1,550.
    assert!(
        md.contains(
            "Your alternative already gives 1,520 GBP: treat that, not 1,550 GBP, as your floor."
        ),
        "{md}"
    );

    // Their limit short of the alternative: no zone worth having.
    let (_d, out) = render(
        "renewal",
        "
        title: Renewal
        side: seller
        terms:
          - { id: fee, unit: USD, wish: 240000, want: 215000, walk: 190000, offer: 182500, their_walk: 190000 }
          - { id: days, unit: days, better: lower, wish: 30, want: 45, walk: 60, offer: 60 }
        alternatives:
          - { name: Other buyer, terms: { fee: 200000 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("fee: their limit is about 190,000 USD (your estimate), short of the 200,000 USD our alternative already gives: no deal on this term beats the alternative."),
        "{md}"
    );
    assert!(!md.contains("expect to settle near 190,000 USD"), "{md}");
}

/// The walk-away letter gives as reasons only the terms past our limit, and
/// names the others as still to move, in words that fit either direction.
/// The lines for the room agree in number and start cleanly.
#[test]
fn a_walk_letter_gives_only_the_terms_past_the_limit_as_reasons() {
    let (_d, out) = render(
        "walk",
        "
        title: Renewal
        side: seller
        us: { name: Chloé Marchand, email: chloe@orbitly.example }
        them: { name: Robert Kingsley, email: rk@fenwick.example }
        terms:
          - { id: fee, label: Annual fee, unit: USD, wish: 240000, want: 215000, walk: 190000, offer: 182500 }
          - { id: days, label: Payment terms, unit: days, better: lower, wish: 30, want: 45, walk: 60, offer: 75 }
          - { id: years, label: Contract length, unit: years, better: higher, wish: 3, want: 2, walk: 1, offer: 1 }
          - { id: tyres, label: Onboarding workshop, walk: true, offer: false, deal_breaker: false }
        ",
        "md",
    );
    let letter = read(&out.join("letter.md"));
    assert!(
        letter.contains("- Annual fee: outside what I can accept"),
        "{letter}"
    );
    assert!(
        letter.contains("- Onboarding workshop: not included"),
        "{letter}"
    );
    assert!(
        letter.contains("Contract length would also need to move closer to what I hoped for."),
        "{letter}"
    );
    assert!(!letter.contains("short of what"), "{letter}");
    assert!(!letter.contains("- Contract length"), "{letter}");
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("The sticking points are Annual fee (you offer 182,500 USD) and Payment terms (you offer 75 days): both are further than I can go."),
        "{md}"
    );
    assert!(
        !md.contains("\" "),
        "a line for the room starts with a space:\n{md}"
    );
}

/// An alternative that fails a must-have is no floor: the pack says it lacks
/// it, and asks to find out before tightening anything to it.
#[test]
fn an_alternative_without_a_must_have_sets_no_floor() {
    let (_d, out) = render(
        "flat",
        "
        title: Flat renewal
        side: buyer
        terms:
          - { id: rent, label: Monthly rent, unit: GBP, wish: 1400, want: 1450, walk: 1550, offer: 1475 }
          - { id: pets, label: Cat allowed, walk: true, offer: true }
        alternatives:
          - { name: Harcourt Road, terms: { rent: 1520, pets: false } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("But it falls short of our limit on Cat allowed (not included): it is not a real alternative until that is solved."),
        "{md}"
    );
    assert!(
        !md.contains("treat that, not 1,550 GBP, as your floor"),
        "{md}"
    );
    assert!(
        md.contains(
            "but it falls short of your limit on Cat allowed (not included): it is no floor"
        ),
        "{md}"
    );
    assert!(!md.contains("tighten walk-away there"), "{md}");
}

/// A concession they took back is asked for again: first in the plan, and
/// for the record in the warning letter, in words addressed to them.
#[test]
fn a_concession_taken_back_is_asked_for_again() {
    let (_d, out) = render(
        "warn",
        "
        title: App build
        side: seller
        us: { name: Noah Kim, email: noah@kim.example }
        them: { name: Jessica Alvarez, email: jess@brightfern.example }
        terms:
          - { id: fee, label: Fixed fee, unit: EUR, wish: 48000, want: 42000, walk: 36000, offer: 41000 }
          - { id: upfront, label: Paid up front, unit: \"%\", wish: 40, want: 30, walk: 10, offer: 20 }
        offers:
          - { date: 2026-11-06, from: them, terms: { fee: 41000, upfront: 30 } }
          - { date: 2026-11-16, from: them, terms: { fee: 41000, upfront: 20 } }
        observed: [sarcasm, guilt_trip]
        letter: { tone: warm }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("They offered 30% on 6 November 2026 and took it back: ask for it again before anything else."),
        "{md}"
    );
    let letter = read(&out.join("letter.md"));
    assert!(
        letter.contains("For the record, I understood this to be on the table, and would ask you to confirm where it stands:\n\n- Paid up front: 30%, as offered on 6 November 2026"),
        "{letter}"
    );
    // What they took back was short of the target: no number to open with.
    let (_d, out) = render(
        "short",
        "
        title: App build
        side: seller
        terms:
          - { id: upfront, label: Paid up front, unit: \"%\", wish: 40, want: 30, walk: 10, offer: 20 }
        offers:
          - { date: 2026-11-06, from: them, terms: { upfront: 25 } }
          - { date: 2026-11-16, from: them, terms: { upfront: 20 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("They offered 25% on 6 November 2026 and took it back: remind them of it, expect nothing worse than that, and keep asking for more, toward your target."),
        "{md}"
    );
    assert!(!md.contains("ask for it again"), "{md}");
}

/// An alternative that falls short of a limit on a numeric term, not only a
/// yes/no one, is named for what it lacks: the plan and the red flag give the
/// same reason, and neither tells the user to tighten to it.
#[test]
fn an_alternative_short_of_a_numeric_limit_is_named_for_it() {
    let (_dir, out) = render(
        "rate",
        "
        title: Day rate
        side: seller
        terms:
          - { id: day_rate, label: Day rate, unit: EUR, wish: 750, want: 700, walk: 620, offer: 560, weight: 5 }
          - { id: days, label: Days booked, unit: days, better: higher, wish: 20, want: 15, walk: 10, offer: 12, weight: 2 }
        alternatives:
          - { name: Kestrel Studio, terms: { day_rate: 680, days: 8 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(!md.contains("lacks something you must have"), "{md}");
    assert!(
        md.contains("Your alternative gives 680 EUR here, but it falls short of your limit on Days booked (8 days; your limit is 10 days): it is no floor until that is solved."),
        "{md}"
    );
    assert!(
        md.contains("But it falls short of our limit on Days booked (8 days; our limit is 10 days): it is not a real alternative until that is solved."),
        "{md}"
    );
    assert!(!md.contains("Tighten the walk-away point"), "{md}");
}

/// An alternative that lacks a must-have still scores (DESIGN §3), but the
/// pack says what it lacks where it counts, and the lines for the room do not
/// claim an option the user could not take.
#[test]
fn an_alternative_lacking_a_must_have_is_no_bluff_in_the_room() {
    let a = assess(
        "
        title: Offer
        side: seller
        us: { name: Tomás Reyes }
        terms:
          - { id: salary, label: Salary, unit: USD, wish: 145000, want: 135000, walk: 125000, offer: 128000, weight: 5 }
          - { id: remote, label: Fully remote, walk: true, offer: true }
          - { id: pto, label: Paid leave, unit: days, better: higher, wish: 30, want: 25, walk: 20, offer: 20, weight: 2 }
        alternatives:
          - { name: Northgate Bank, terms: { salary: 142000, remote: false, pto: 25 } }
        ",
    );
    let why = &a
        .deal_breakers
        .iter()
        .find(|d| d.id == "worse_than_batna")
        .expect("worse_than_batna fires, as DESIGN §4 defines it")
        .why;
    assert!(
        why.contains("But Northgate Bank falls short of our limit on Fully remote (not included)"),
        "{why}"
    );
    let exit = a.exit_words.expect("walk away");
    let say = exit.say.join("\n");
    assert!(!say.contains("another option"), "{say}");
    assert!(!say.contains("match what the other option"), "{say}");
    let letter = exit.letter.expect("a letter").1;
    assert!(!letter.contains("another option open to"), "{letter}");
}

/// A letter names a missing yes/no term as missing, not as "outside" a limit.
#[test]
fn a_letter_names_a_missing_must_have_as_not_included() {
    let a = assess(
        "
        title: Renewal
        side: buyer
        us: { name: Dana }
        terms:
          - { id: seat_price, label: Price per seat, unit: EUR, wish: 38, want: 41.5, walk: 44, offer: 43 }
          - { id: sla, label: 99.9% uptime SLA, walk: true, offer: false }
        ",
    );
    let letter = a.exit_words.expect("walk away").letter.expect("a letter").1;
    assert!(
        letter.contains("- 99.9% uptime SLA: not included, and I need it"),
        "{letter}"
    );
    assert!(!letter.contains("outside what we can accept"), "{letter}");
}

/// Packages: a term outside them that the score counts as included is shown
/// as included; and one package alone is no choice, so none is offered.
#[test]
fn packages_show_what_their_score_counts_and_come_at_least_two() {
    let (_dir, out) = render(
        "tenant",
        "
        title: Lease
        side: buyer
        terms:
          - { id: rent, label: Rent, unit: GBP, wish: 1500, want: 1560, walk: 1620, offer: 1680, weight: 5 }
          - { id: notice, label: Notice, unit: days, better: higher, wish: 90, want: 75, walk: 60, offer: 60 }
          - { id: boiler, label: Boiler replaced, walk: true, offer: false, deal_breaker: false }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("| Boiler replaced | included | included |"),
        "{md}"
    );

    let (_dir, out) = render(
        "flour",
        "
        title: Flour
        side: buyer
        terms:
          - { id: price, label: Price, unit: EUR, wish: 380, want: 400, walk: 430 }
          - { id: delivery, label: Delivery, options: [weekly, fortnightly, monthly], want: weekly, walk: fortnightly }
        ",
        "md,json",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(!md.contains("Put these 1"), "{md}");
    assert!(!md.contains("Package A"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("assessment.json"))).expect("json");
    assert_eq!(json["packages"], json!([]), "{json}");
}

/// An estimate of their limit on a term written with decimals is shown with
/// them, as `assessment.json` gives it, not rounded to a whole number that the
/// decimals then print as exact.
#[test]
fn an_estimated_limit_keeps_the_terms_decimals() {
    let (_dir, out) = render(
        "seats",
        "
        title: Seats
        side: buyer
        terms:
          - { id: seat_price, label: Seat price, unit: EUR, wish: 80.00, want: 90.00, walk: 100.00, offer: 100.00 }
        offers:
          - { date: 2026-10-15, from: them, terms: { seat_price: 104.50 } }
          - { date: 2026-11-01, from: them, terms: { seat_price: 101.50 } }
          - { date: 2026-11-15, from: them, terms: { seat_price: 100.00 } }
        ",
        "md,json",
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("assessment.json"))).expect("json");
    assert_eq!(json["terms"][0]["their_walk"], json!(98.5), "{json}");
    let md = read(&out.join("prep-pack.md"));
    assert!(md.contains("≈ 98.50 EUR"), "{md}");
    assert!(!md.contains("99.00 EUR"), "{md}");
}

/// DESIGN §4: the ladder shows, for each stage, the lines of the stage's
/// highest-priority script in the rules, whether or not it fired; the stage
/// that applies now is marked.
#[test]
fn the_ladder_shows_each_stages_highest_priority_script() {
    let (_dir, out) = render_with(
        "deal",
        "
        title: Deal
        side: buyer
        terms:
          - { id: price, wish: 80, want: 90, walk: 100, offer: 95 }
        observed: [sarcasm, rude]
        ",
        "md",
        Some(
            "
            version: 1
            extends: default
            exit_scripts:
              - id: warn_high
                stage: warn
                priority: 90
                when: 'false'
                say: [\"HIGH WARN LINE\"]
              - id: warn_low
                stage: warn
                priority: 80
                when: \"'sarcasm' in observed && 'rude' in observed\"
                say: [\"LOW WARN LINE\"]
            ",
        ),
    );
    let md = read(&out.join("prep-pack.md"));
    let ladder = &md[md.find("## Withdrawal ladder").expect("a ladder")..];
    assert!(ladder.contains("HIGH WARN LINE"), "{ladder}");
    assert!(!ladder.contains("LOW WARN LINE"), "{ladder}");
    assert!(ladder.contains("(now)"), "{ladder}");
}

/// A proceed pack says what a proceed means: with a term still without an
/// offer, that it needs one; with every term at target, to confirm and
/// reopen nothing (not to "work toward your targets").
#[test]
fn a_proceed_pack_says_what_is_missing_or_that_the_targets_are_met() {
    let (_dir, out) = render(
        "partial",
        "
        title: Partial
        side: buyer
        terms:
          - { id: p, label: Price, wish: 80, want: 90, walk: 100, offer: 82 }
          - { id: q, label: Quantity, wish: 1, want: 2, walk: 3 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(!md.contains("The offer is inside your limits"), "{md}");
    assert!(
        md.contains("What they have offered so far is inside your limits, but Quantity has no offer yet: get one before you agree to anything."),
        "{md}"
    );

    let (_dir, out) = render(
        "met",
        "
        title: Met
        side: buyer
        terms:
          - { id: fee, label: Fee, unit: GBP, wish: 1800, want: 1950, walk: 2100, offer: 1900, their_walk: 1850 }
          - { id: days, label: Notice, unit: days, better: higher, wish: 90, want: 60, walk: 30, offer: 60 }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(
        md.contains("Every term meets or beats your target: confirm the deal as it stands, get it in writing, and reopen nothing."),
        "{md}"
    );
    assert!(!md.contains("Work toward your targets"), "{md}");
    // Nor, term by term, to try for more because their limit leaves room.
    assert!(!md.contains("leaves a little more room"), "{md}");
}

/// Advice fits who is speaking: a seller is not told what "we would pay", and
/// with no alternative nobody is told to compare with it.
#[test]
fn advice_fits_the_side_and_what_we_hold() {
    let a = assess(
        "
        title: Contract
        side: seller
        terms:
          - { id: rate, wish: 700, want: 650, walk: 600, offer: 640 }
        offers:
          - { date: 2026-11-01, from: them, terms: { rate: 640 } }
          - { date: 2026-11-08, from: them, terms: { rate: 640 } }
          - { date: 2026-11-15, from: them, terms: { rate: 640 } }
        observed: [hidden_fees]
        ",
    );
    let advice = |id: &str| {
        a.red_flags
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id} fires"))
            .advice
            .clone()
    };
    let fees = advice("hidden_fees");
    assert!(fees.contains("would come off what we receive"), "{fees}");
    assert!(!fees.contains("we would pay"), "{fees}");
    let stuck = advice("no_movement");
    assert!(!stuck.contains("our alternative"), "{stuck}");
    assert!(stuck.contains("we have no alternative lined up"), "{stuck}");
}

/// A warm walk letter thanks them once, and does not say talking helped
/// when they behaved badly (a serious red flag fired).
#[test]
fn a_warm_walk_letter_thanks_once_and_not_for_bad_behaviour() {
    let a = assess(
        "
        title: Car
        side: buyer
        us: { name: Sam }
        terms:
          - { id: price, unit: USD, wish: 31000, want: 32500, walk: 34000, offer: 34900 }
        observed: [hidden_fees]
        letter: { tone: warm }
        ",
    );
    let letter = a.exit_words.expect("walk away").letter.expect("a letter").1;
    assert!(!letter.contains("patience"), "{letter}");
    assert!(!letter.contains("helped to talk it through"), "{letter}");
    assert_eq!(letter.matches("Thank").count(), 1, "{letter}");
}

/// A concession they took back is asked for again only when it is worth more
/// than what the alternative already gives.
#[test]
fn a_taken_back_offer_worse_than_the_alternative_is_not_asked_for_again() {
    let (_dir, out) = render(
        "car",
        "
        title: Car
        side: buyer
        terms:
          - { id: price, label: Price, unit: USD, wish: 31000, want: 32500, walk: 34500, offer: 34900 }
        alternatives:
          - { name: Other dealer, terms: { price: 33200 } }
        offers:
          - { date: 2026-11-16, from: them, terms: { price: 33400 } }
          - { date: 2026-11-20, from: them, terms: { price: 34900 } }
        ",
        "md",
    );
    let md = read(&out.join("prep-pack.md"));
    assert!(!md.contains("ask for it again"), "{md}");
    assert!(
        md.contains("They offered 33,400 USD on 16 November 2026 and took it back: that shows there is room to move, but your alternative does at least as well, so ask from there."),
        "{md}"
    );
}
