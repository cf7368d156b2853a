//! Evaluation (DESIGN §3) and the default rules (DESIGN §4), as tables over small
//! inline briefs: every derived value, every default rule firing and not firing,
//! the verdict, the exit script, rules merging and rules load errors.

mod common;

use common::*;
use serde_json::json;
use walkaway::assess::{Leverage, Position, Verdict};
use walkaway::rules::{Severity, Stage};

use Position::{Beyond, Unknown, Walk, Want, Wish};

/// One brief with a single term written inline (`{ id: x, walk: 1, ... }`).
fn one_term(side: &str, term: &str) -> walkaway::compose::report::TermReport<f64> {
    let a = assess(&format!("title: T\nside: {side}\nterms:\n  - {term}\n"));
    a.terms[0].clone()
}

/// Check position, gap to walk and score of one term.
#[track_caller]
fn check_term(side: &str, term: &str, position: Position, gap: Option<f64>, score: Option<f64>) {
    let t = one_term(side, term);
    assert_eq!(t.position, position, "position of {term}");
    assert_eq!(t.beyond_walk, position == Beyond, "beyond_walk of {term}");
    match (t.gap_to_walk, gap) {
        (Some(a), Some(e)) => assert!(approx(a, e), "gap_to_walk of {term}: {a} != {e}"),
        (a, e) => assert_eq!(a, e, "gap_to_walk of {term}"),
    }
    match (t.score, score) {
        (Some(a), Some(e)) => assert!(approx(a, e), "score of {term}: {a} != {e}"),
        (a, e) => assert_eq!(a, e, "score of {term}"),
    }
}

// ---------------------------------------------------------------------------
// Terms: position, gap to walk, score.

#[test]
fn scores_do_not_depend_on_the_unit() {
    // A 25 USD fee the brief will not pay at all, in dollars and in cents: the
    // same fee, the same score and the same deal score (it was -2,500 and
    // -250,000 before DESIGN 0.2).
    for (unit, walk, offer) in [("USD", 0, 25), ("cents", 0, 2500)] {
        let a = assess(&format!(
            "title: T\nside: buyer\nterms:\n  - {{ id: fee, unit: {unit}, wish: {walk}, want: {walk}, walk: {walk}, offer: {offer} }}\n  - {{ id: price, wish: 90, want: 95, walk: 100, offer: 95 }}\n"
        ));
        assert_eq!(a.terms[0].score, Some(-100.0), "{unit}");
        assert_eq!(a.score, Some(-25.0), "{unit}: mean of -100 and 50");
    }
}

#[test]
fn numeric_lower_is_better() {
    let cases = [
        (85.0, Wish, 15.0, 150.0),
        (90.0, Wish, 10.0, 100.0),
        (92.0, Want, 8.0, 80.0),
        (95.0, Want, 5.0, 50.0),
        (97.0, Walk, 3.0, 30.0),
        (100.0, Walk, 0.0, 0.0),
        (104.0, Beyond, -4.0, -40.0),
    ];
    for (offer, pos, gap, score) in cases {
        let term = format!("{{ id: price, wish: 90, want: 95, walk: 100, offer: {offer} }}");
        check_term("buyer", &term, pos, Some(gap), Some(score));
    }
}

#[test]
fn numeric_higher_is_better() {
    let cases = [
        (70.0, Wish, 40.0, 133.333_333_333_333_3),
        (60.0, Wish, 30.0, 100.0),
        (50.0, Want, 20.0, 66.666_666_666_666_7),
        (45.0, Want, 15.0, 50.0),
        (35.0, Walk, 5.0, 16.666_666_666_666_7),
        (30.0, Walk, 0.0, 0.0),
        (20.0, Beyond, -10.0, -33.333_333_333_333_3),
    ];
    for (offer, pos, gap, score) in cases {
        let term =
            format!("{{ id: days, better: higher, wish: 60, want: 45, walk: 30, offer: {offer} }}");
        check_term("buyer", &term, pos, Some(gap), Some(score));
    }
}

#[test]
fn better_defaults_from_side() {
    // A seller wants more: higher is better unless the term says otherwise.
    check_term(
        "seller",
        "{ id: salary, wish: 100, want: 90, walk: 80, offer: 85 }",
        Walk,
        Some(5.0),
        Some(25.0),
    );
    check_term(
        "seller",
        "{ id: salary, wish: 100, want: 90, walk: 80, offer: 75 }",
        Beyond,
        Some(-5.0),
        Some(-25.0),
    );
    // A buyer wants less.
    check_term(
        "buyer",
        "{ id: price, wish: 80, want: 90, walk: 100, offer: 85 }",
        Want,
        Some(15.0),
        Some(75.0),
    );
    // An explicit `better` wins over the side.
    check_term(
        "seller",
        "{ id: hours, better: lower, wish: 35, want: 38, walk: 40, offer: 36 }",
        Want,
        Some(4.0),
        Some(80.0),
    );
}

#[test]
fn gap_to_walk_has_no_float_noise() {
    check_term(
        "buyer",
        "{ id: price, wish: 0.8, want: 0.85, walk: 0.9, offer: 0.93 }",
        Beyond,
        Some(-0.03),
        Some(-30.0),
    );
    let t = one_term(
        "buyer",
        "{ id: price, wish: 0.8, want: 0.85, walk: 0.9, offer: 0.93 }",
    );
    assert_eq!(t.gap_to_walk, Some(-0.03));
}

#[test]
fn choice_terms_count_option_steps() {
    let options = "options: [weekly, fortnightly, monthly, quarterly]";
    let cases = [
        ("weekly", Wish, 2.0, 100.0),
        ("fortnightly", Want, 1.0, 50.0),
        ("monthly", Walk, 0.0, 0.0),
        ("quarterly", Beyond, -1.0, -50.0),
    ];
    for (offer, pos, gap, score) in cases {
        let term = format!(
            "{{ id: delivery, {options}, wish: weekly, want: fortnightly, walk: monthly, offer: {offer} }}"
        );
        check_term("buyer", &term, pos, Some(gap), Some(score));
    }
    // Without wish, want stands in for it: 100 at want.
    let term = format!(
        "{{ id: delivery, {options}, want: fortnightly, walk: quarterly, offer: fortnightly }}"
    );
    check_term("buyer", &term, Wish, Some(2.0), Some(100.0));
    let term = format!(
        "{{ id: delivery, {options}, want: fortnightly, walk: quarterly, offer: monthly }}"
    );
    check_term("buyer", &term, Walk, Some(1.0), Some(50.0));
}

#[test]
fn yes_no_terms() {
    // walk: true is "must have": met is at wish and scores 100; missing is beyond.
    check_term(
        "buyer",
        "{ id: guarantee, walk: true, offer: true }",
        Wish,
        Some(0.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        "{ id: guarantee, walk: true, offer: false }",
        Beyond,
        Some(-1.0),
        Some(-100.0),
    );
    // walk: false is "nice to have": either answer meets it.
    check_term(
        "buyer",
        "{ id: mats, walk: false, offer: false }",
        Wish,
        Some(0.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        "{ id: mats, walk: false, offer: true }",
        Wish,
        Some(0.0),
        Some(100.0),
    );
}

#[test]
fn no_offer_is_unknown() {
    check_term(
        "buyer",
        "{ id: price, wish: 90, want: 95, walk: 100 }",
        Unknown,
        None,
        None,
    );
    check_term(
        "buyer",
        "{ id: guarantee, walk: true }",
        Unknown,
        None,
        None,
    );
    check_term(
        "buyer",
        "{ id: d, options: [a, b], walk: b }",
        Unknown,
        None,
        None,
    );
}

#[test]
fn score_is_100_at_want_when_there_is_no_wish() {
    check_term(
        "buyer",
        "{ id: price, want: 95, walk: 100, offer: 95 }",
        Wish,
        Some(5.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        "{ id: price, want: 95, walk: 100, offer: 97.5 }",
        Walk,
        Some(2.5),
        Some(50.0),
    );
    check_term(
        "buyer",
        "{ id: price, want: 95, walk: 100, offer: 90 }",
        Wish,
        Some(10.0),
        Some(200.0),
    );
    check_term(
        "buyer",
        "{ id: price, want: 95, walk: 100, offer: 105 }",
        Beyond,
        Some(-5.0),
        Some(-100.0),
    );
}

#[test]
fn degenerate_limits_give_finite_sensible_scores() {
    // An empty scale (wish = want = walk, want = walk with no wish, only walk)
    // scores like a yes/no term (DESIGN §3, 0.2): 100 at or inside walk, −100
    // past it, however far past and whatever the unit.
    let same = "wish: 100, want: 100, walk: 100";
    check_term(
        "buyer",
        &format!("{{ id: p, {same}, offer: 100 }}"),
        Wish,
        Some(0.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        &format!("{{ id: p, {same}, offer: 90 }}"),
        Wish,
        Some(10.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        &format!("{{ id: p, {same}, offer: 110 }}"),
        Beyond,
        Some(-10.0),
        Some(-100.0),
    );
    // want = walk, no wish.
    check_term(
        "buyer",
        "{ id: p, want: 100, walk: 100, offer: 100 }",
        Wish,
        Some(0.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        "{ id: p, want: 100, walk: 100, offer: 120 }",
        Beyond,
        Some(-20.0),
        Some(-100.0),
    );
    // Only walk.
    check_term(
        "buyer",
        "{ id: p, walk: 100, offer: 99 }",
        Wish,
        Some(1.0),
        Some(100.0),
    );
    check_term(
        "buyer",
        "{ id: p, walk: 100, offer: 150 }",
        Beyond,
        Some(-50.0),
        Some(-100.0),
    );
    // A walk value of 0 is no different.
    check_term(
        "buyer",
        "{ id: p, wish: 0, want: 0, walk: 0, offer: 5 }",
        Beyond,
        Some(-5.0),
        Some(-100.0),
    );
    // A choice term with want = walk and one option past it.
    check_term(
        "buyer",
        "{ id: d, options: [a, b, c], want: b, walk: b, offer: c }",
        Beyond,
        Some(-1.0),
        Some(-100.0),
    );
    check_term(
        "buyer",
        "{ id: d, options: [a, b, c], want: b, walk: b, offer: a }",
        Wish,
        Some(1.0),
        Some(100.0),
    );

    // And the deal score, and everything in the JSON, stays finite.
    let a = assess(
        "
        title: Degenerate
        side: buyer
        terms:
          - { id: a, wish: 0, want: 0, walk: 0, offer: 1e15 }
          - { id: b, walk: 5, offer: 5 }
        alternatives:
          - { name: Alt, terms: { a: -1e15 } }
        ",
    );
    for t in &a.terms {
        assert!(t.score.is_some_and(f64::is_finite), "{t:?}");
        assert!(t.gap_to_walk.is_some_and(f64::is_finite), "{t:?}");
    }
    assert!(a.score.is_some_and(f64::is_finite), "{:?}", a.score);
    assert!(a.batna.as_ref().is_some_and(|b| b.score.is_finite()));
    // serde_json writes a non-finite number as null: none may be.
    let json = &a.json;
    assert!(json["score"].is_f64(), "{json}");
    assert!(json["batna"]["score"].is_f64(), "{json}");
    for t in json["terms"].as_array().expect("terms") {
        assert!(t["score"].is_f64() && t["gap_to_walk"].is_f64(), "{t}");
    }
}

// ---------------------------------------------------------------------------
// The deal: score, BATNA, leverage, offer history, stakeholders, deadline.

#[test]
fn deal_score_is_weight_averaged_over_terms_with_an_offer() {
    let a = assess(
        "
        title: Weights
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 92, weight: 3 }
          - { id: days, better: higher, wish: 60, want: 45, walk: 30, offer: 30 }
          - { id: extra, wish: 1, want: 2, walk: 3, weight: 10 }
        ",
    );
    // (3 * 80 + 1 * 0) / 4; `extra` has no offer and does not count.
    assert_eq!(a.score, Some(60.0));
    assert_eq!(a.context["score"], json!(60.0));
}

#[test]
fn a_score_on_the_caution_line_is_not_below_it() {
    // (2.5 - 2.1) / (2.5 - 1.5) is 40 exactly, though floating point makes it
    // 39.99999999999999: the deal is not below a caution line of 40 (DESIGN §3),
    // and the same prices in cents score the same.
    for term in [
        "{ id: a, wish: 1.5, walk: 2.5, offer: 2.1 }",
        "{ id: a, wish: 150, walk: 250, offer: 210 }",
        "{ id: a, better: higher, wish: 2.5, walk: 1.5, offer: 1.9 }",
        "{ id: a, wish: 9.10, walk: 10.20, offer: 9.76 }",
    ] {
        let a = assess(&format!("title: V\nside: buyer\nterms:\n  - {term}\n"));
        assert_eq!(a.score, Some(40.0), "{term}");
        assert_eq!(a.terms[0].score, Some(40.0), "{term}");
        assert_eq!(a.verdict, Verdict::Proceed, "{term}");
        assert!(a.reasons.is_empty(), "{term}: {:?}", a.reasons);
    }
}

#[test]
fn no_offer_at_all_means_no_score_and_caution_below_not_evaluable() {
    let a = assess(
        "
        title: Early days
        side: buyer
        deadline: 2026-12-31
        terms:
          - { id: price, wish: 90, want: 95, walk: 100 }
        alternatives:
          - { name: Other, terms: { price: 99 } }
        ",
    );
    assert_eq!(a.score, None);
    assert_eq!(a.context["score"], json!(null));
    assert_eq!(a.verdict, Verdict::Proceed);
    // The alternative names every term, so it has a score of its own.
    assert_eq!(
        a.batna.as_ref().map(|b| (b.name.as_str(), b.score)),
        Some(("Other", 10.0))
    );
    assert_eq!(
        not_evaluable(&a),
        [
            ("beyond_walk", "no offer for price"),
            ("worse_than_batna", "no term has an offer"),
            ("near_walk", "no offer for price"),
            ("caution_below", "no term has an offer")
        ]
    );
}

#[test]
fn alternatives_take_the_offer_for_terms_they_do_not_name() {
    let a = assess(
        "
        title: Alternatives
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 97 }
          - { id: days, better: higher, wish: 60, want: 45, walk: 30, offer: 30 }
        alternatives:
          - { name: Cheaper, terms: { price: 95 } }
          - { name: Longer terms, terms: { days: 60 } }
          - { name: Do nothing }
        ",
    );
    assert_eq!(a.score, Some(15.0));
    // Cheaper: price 50, days at the offer (0) → 25. Longer terms: price at the
    // offer (30), days 100 → 65. Do nothing: no terms, no score.
    assert_eq!(
        a.context["alternatives"],
        json!([
            { "name": "Cheaper", "summary": null, "has_terms": true, "score": 25.0 },
            { "name": "Longer terms", "summary": null, "has_terms": true, "score": 65.0 },
            { "name": "Do nothing", "summary": null, "has_terms": false, "score": null },
        ])
    );
    let batna = a.batna.as_ref().expect("a BATNA");
    assert_eq!((batna.name.as_str(), batna.score), ("Longer terms", 65.0));
    assert_eq!(a.context["batna_score"], json!(65.0));
    assert!(deal_breaker_ids(&a).contains(&"worse_than_batna"));
    assert_eq!(a.verdict, Verdict::Walk);
}

#[test]
fn batna_ties_go_to_the_first_alternative() {
    let a = assess(
        "
        title: Ties
        side: buyer
        terms:
          - { id: price, wish: 90, want: 95, walk: 100, offer: 92 }
        alternatives:
          - { name: First, terms: { price: 98 } }
          - { name: Second, terms: { price: 98 } }
        ",
    );
    assert_eq!(a.batna.as_ref().map(|b| b.name.as_str()), Some("First"));
}

#[test]
fn no_alternative_with_terms_means_no_batna() {
    for alternatives in [
        "",
        "alternatives: [{ name: Wait a year }, { name: Rent instead }]",
    ] {
        let a = assess(&format!(
            "title: T\nside: buyer\ndeadline: 2026-12-31\nterms:\n  - {{ id: price, walk: 100, offer: 99 }}\n{alternatives}\n"
        ));
        assert!(a.batna.is_none());
        assert_eq!(a.context["batna_score"], json!(null));
        assert!(deal_breaker_ids(&a).is_empty());
        assert_eq!(
            not_evaluable(&a),
            [("worse_than_batna", "no alternative has terms")],
            "{alternatives}"
        );
    }
}

#[test]
fn leverage() {
    let cases = [
        (2, "low", Leverage::Strong),
        (2, "medium", Leverage::Strong),
        (3, "medium", Leverage::Strong),
        (2, "high", Leverage::Moderate),
        (1, "low", Leverage::Moderate),
        (1, "high", Leverage::Moderate),
        (0, "low", Leverage::Moderate),
        (0, "medium", Leverage::Moderate),
        (0, "high", Leverage::Weak),
    ];
    for (n, investment, expected) in cases {
        let alternatives: String = (0..n)
            .map(|i| format!("  - {{ name: Alt {i} }}\n"))
            .collect();
        let alternatives = if n == 0 {
            String::new()
        } else {
            format!("alternatives:\n{alternatives}")
        };
        let a = assess(&format!(
            "title: T\nside: buyer\ninvestment: {investment}\nterms:\n  - {{ id: price, walk: 100 }}\n{alternatives}"
        ));
        assert_eq!(
            a.leverage, expected,
            "{n} alternatives, investment {investment}"
        );
        assert_eq!(a.context["options"], json!(n));
        // `weak_leverage` fires exactly when leverage is weak.
        assert_eq!(
            red_flag_ids(&a).contains(&"weak_leverage"),
            expected == Leverage::Weak
        );
    }
}

/// A brief with the given offer history on a price term and a days term.
fn history(offers: &str) -> Assessed {
    assess(&format!(
        "title: T\nside: buyer\ndeadline: 2026-12-31\nterms:\n  - {{ id: price, wish: 90, want: 95, walk: 100, offer: 92 }}\n  - {{ id: days, better: higher, want: 45, walk: 30, offer: 45 }}\noffers:\n{offers}"
    ))
}

#[test]
fn rounds_without_movement_and_retracted() {
    let cases = [
        // (offers, rounds_without_movement, retracted)
        ("  - { from: them, terms: { price: 100 } }\n", 0, false),
        (
            "  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 98 } }\n",
            0,
            false,
        ),
        (
            "  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 100 } }\n",
            1,
            false,
        ),
        (
            "  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 100 } }\n",
            2,
            false,
        ),
        (
            // Our own offers in between do not count.
            "  - { from: them, terms: { price: 100 } }\n  - { from: us, terms: { price: 90 } }\n  - { from: them, terms: { price: 100 } }\n  - { from: us, terms: { price: 91 } }\n  - { from: them, terms: { price: 100 } }\n",
            2,
            false,
        ),
        (
            // Movement earlier, then two rounds of nothing.
            "  - { from: them, terms: { price: 105 } }\n  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { price: 100 } }\n",
            2,
            false,
        ),
        (
            // Worse after better: a retracted concession, and no movement.
            "  - { from: them, terms: { price: 95 } }\n  - { from: them, terms: { price: 97 } }\n",
            1,
            true,
        ),
        (
            // Retracted even if they later improve again.
            "  - { from: them, terms: { price: 95 } }\n  - { from: them, terms: { price: 97 } }\n  - { from: them, terms: { price: 96 } }\n",
            0,
            true,
        ),
        (
            // Better on one term counts as movement, even if another got worse.
            "  - { from: them, terms: { price: 98, days: 30 } }\n  - { from: them, terms: { price: 99, days: 45 } }\n",
            0,
            true,
        ),
        (
            // A concession is measured against their last offer on that term,
            // however many offers ago it was: cutting the price from 100 to 95
            // is movement although the offer before named only the days.
            "  - { from: them, terms: { price: 100, days: 30 } }\n  - { from: them, terms: { days: 30 } }\n  - { from: them, terms: { price: 95 } }\n",
            0,
            false,
        ),
        (
            "  - { from: them, terms: { price: 100, days: 30 } }\n  - { from: them, terms: { price: 100 } }\n  - { from: them, terms: { days: 30 } }\n",
            2,
            false,
        ),
        (
            // Our offers never count as theirs being retracted.
            "  - { from: us, terms: { price: 90 } }\n  - { from: us, terms: { price: 93 } }\n",
            0,
            false,
        ),
    ];
    for (offers, rounds, retracted) in cases {
        let a = history(offers);
        assert_eq!(
            a.context["rounds_without_movement"],
            json!(rounds),
            "{offers}"
        );
        assert_eq!(a.context["retracted"], json!(retracted), "{offers}");
        assert_eq!(
            red_flag_ids(&a).contains(&"no_movement"),
            rounds >= 2,
            "{offers}"
        );
        assert_eq!(
            red_flag_ids(&a).contains(&"retracted_concession"),
            retracted,
            "{offers}"
        );
    }
    let none = history("  []\n");
    assert_eq!(none.context["rounds_without_movement"], json!(0));
    assert_eq!(none.context["retracted"], json!(false));
}

#[test]
fn stakeholders_aligned() {
    let cases = [
        ("", true),
        ("stakeholders:\n  - { name: CFO, signed_off: true }\n", true),
        (
            "stakeholders:\n  - { name: CFO, signed_off: true }\n  - { name: Ops, signed_off: false }\n",
            false,
        ),
        ("stakeholders:\n  - { name: Ops }\n", false),
    ];
    for (stakeholders, aligned) in cases {
        let a = assess(&format!(
            "title: T\nside: buyer\nterms:\n  - {{ id: price, walk: 100, offer: 90 }}\n{stakeholders}"
        ));
        assert_eq!(
            a.context["stakeholders_aligned"],
            json!(aligned),
            "{stakeholders}"
        );
        assert_eq!(
            red_flag_ids(&a).contains(&"stakeholders_not_aligned"),
            !aligned,
            "{stakeholders}"
        );
    }
}

#[test]
fn days_to_deadline_counts_from_today() {
    let cases = [
        ("2026-12-15", 22, false),
        ("2026-11-26", 3, false),
        ("2026-11-25", 2, true),
        ("2026-11-23", 0, true),
        ("2026-11-20", -3, true),
    ];
    for (deadline, days, pressure) in cases {
        let a = assess(&format!(
            "title: T\nside: buyer\ndeadline: {deadline}\nterms:\n  - {{ id: price, walk: 100, offer: 90 }}\n"
        ));
        assert_eq!(a.context["days_to_deadline"], json!(days), "{deadline}");
        assert_eq!(
            red_flag_ids(&a).contains(&"deadline_pressure"),
            pressure,
            "{deadline}"
        );
    }
    // Another "today" moves it.
    let b = brief(
        "title: T\nside: buyer\ndeadline: 2026-12-15\nterms:\n  - { id: price, walk: 100 }\n",
    );
    let a = walkaway::assess::assess(&b, &default_rules(), jiff::civil::date(2026, 12, 14))
        .expect("assesses");
    assert_eq!(a.facts.days_to_deadline, Some(1));
}

#[test]
fn no_deadline_leaves_deadline_pressure_undecided() {
    let a = assess(
        "title: T\nside: buyer\nterms:\n  - { id: price, walk: 100, offer: 90 }\nalternatives: [{ name: A, terms: { price: 99 } }]\n",
    );
    assert_eq!(a.context["days_to_deadline"], json!(null));
    assert_eq!(
        not_evaluable(&a),
        [("deadline_pressure", "the brief has no deadline")]
    );
}

// ---------------------------------------------------------------------------
// The default rules.

#[test]
fn default_rules_are_the_designed_set() {
    let rules = default_rules();
    let breakers: Vec<&str> = rules.deal_breakers.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(breakers, ["beyond_walk", "worse_than_batna", "bad_faith"]);
    let flags: Vec<(&str, Severity)> = rules
        .red_flags
        .iter()
        .map(|r| (r.id.as_str(), r.severity.expect("severity")))
        .collect();
    use Severity::{High, Low, Medium};
    let expected = [
        ("hidden_fees", High),
        ("extreme_concessions", High),
        ("intimidation", High),
        ("bullying", High),
        ("retracted_concession", High),
        ("stakeholders_not_aligned", High),
        ("soft_walk_crossed", High),
        ("one_sided_terms", Medium),
        ("no_transparency", Medium),
        ("take_it_or_leave_it", Medium),
        ("ignores_concerns", Medium),
        ("high_pressure", Medium),
        ("guilt_trip", Medium),
        ("false_urgency", Medium),
        ("limited_authority", Medium),
        ("no_movement", Medium),
        ("weak_leverage", Medium),
        ("deadline_pressure", Medium),
        ("walk_below_batna", Medium),
        ("no_zopa", Medium),
        ("sarcasm", Low),
        ("rude", Low),
        ("near_walk", Low),
    ];
    assert_eq!(flags, expected);
    let scripts: Vec<(&str, Stage, i64)> = rules
        .exit_scripts
        .iter()
        .map(|s| (s.id.as_str(), s.stage, s.priority))
        .collect();
    assert_eq!(
        scripts,
        [
            ("bad_faith_exit", Stage::ExitClosed, 40),
            ("walk_away", Stage::ExitOpen, 30),
            ("cooling_off", Stage::Pause, 20),
            ("warning_shot", Stage::Warn, 10),
            ("early_signal", Stage::Signal, 5),
        ]
    );
    assert_eq!(rules.caution_below, 40.0);
    for r in rules.rules() {
        assert!(
            !r.title.trim().is_empty() && !r.text.source.trim().is_empty(),
            "rule `{}` needs a title and a text",
            r.id
        );
    }
    for s in &rules.exit_scripts {
        assert!(
            !s.say.is_empty(),
            "exit script `{}` needs lines to say",
            s.id
        );
        // A signal is a remark in the room: no letter (DESIGN §4).
        if s.stage == Stage::Signal {
            assert!(s.letter.is_none(), "`{}` is a signal: no letter", s.id);
            continue;
        }
        let letter = s
            .letter
            .as_ref()
            .unwrap_or_else(|| panic!("exit script `{}` needs a letter", s.id));
        assert!(!letter.subject.source.trim().is_empty() && !letter.body.source.trim().is_empty());
    }
}

/// A brief that fires nothing and leaves nothing undecided: the baseline that each
/// rule test changes in one way.
const CLEAN: &str = "
    title: Clean
    side: buyer
    deadline: 2026-12-31
    them: { name: Lee Park, authority: full }
    terms:
      - { id: price, wish: 90, want: 95, walk: 100, offer: 92 }
      - { id: support, walk: true, offer: true, deal_breaker: false }
    alternatives:
      - { name: Other supplier, terms: { price: 101, support: false } }
    stakeholders:
      - { name: CFO, signed_off: true }
";

fn clean_with(extra: &str) -> Assessed {
    assess(&format!("{}{}", dedent(CLEAN), dedent(extra)))
}

fn clean_replacing(from: &str, to: &str) -> Assessed {
    let text = dedent(CLEAN);
    assert!(text.contains(from), "{from}");
    assess(&text.replace(from, to))
}

#[test]
fn the_clean_brief_fires_nothing() {
    let a = clean_with("");
    assert!(a.deal_breakers.is_empty(), "{:?}", deal_breaker_ids(&a));
    assert!(a.red_flags.is_empty(), "{:?}", red_flag_ids(&a));
    assert!(a.not_evaluable.is_empty(), "{:?}", not_evaluable(&a));
    assert!(a.exit_script.is_none());
    assert_eq!(a.verdict, Verdict::Proceed);
    assert_eq!(a.score, Some(90.0));
    assert_eq!(a.leverage, Leverage::Moderate);
}

#[test]
fn each_observed_behaviour_fires_its_rule_and_only_that() {
    use Severity::{High, Low, Medium};
    let cases = [
        ("hidden_fees", High),
        ("extreme_concessions", High),
        ("intimidation", High),
        ("bullying", High),
        ("retracted_concession", High),
        ("one_sided_terms", Medium),
        ("no_transparency", Medium),
        ("take_it_or_leave_it", Medium),
        ("ignores_concerns", Medium),
        ("high_pressure", Medium),
        ("guilt_trip", Medium),
        ("false_urgency", Medium),
        ("sarcasm", Low),
        ("rude", Low),
    ];
    for (id, severity) in cases {
        let a = clean_with(&format!("observed: [{id}]"));
        assert_eq!(red_flag_ids(&a), [id]);
        assert_eq!(a.red_flags[0].severity, severity, "{id}");
        assert!(
            !a.red_flags[0].title.is_empty() && !a.red_flags[0].advice.is_empty(),
            "{id}"
        );
        assert!(a.deal_breakers.is_empty(), "{id}");
        let verdict = if severity == High {
            Verdict::Caution
        } else {
            Verdict::Proceed
        };
        assert_eq!(a.verdict, verdict, "{id}");
        // Every default id is known to the rules: no "unknown behaviour"
        // warning (a letter's missing address is another matter).
        assert!(
            !a.warnings
                .iter()
                .any(|w| w.message.contains("observed behaviour")),
            "{id}: {}",
            render_all(&a.warnings)
        );
    }
}

#[test]
fn dishonesty_is_the_bad_faith_deal_breaker() {
    let a = clean_with("observed: [dishonesty]");
    assert_eq!(deal_breaker_ids(&a), ["bad_faith"]);
    assert!(a.red_flags.is_empty());
    assert_eq!(a.verdict, Verdict::Walk);
    assert!(
        a.deal_breakers[0]
            .why
            .contains("has turned out to be untrue"),
        "{}",
        a.deal_breakers[0].why
    );
}

#[test]
fn beyond_walk_fires_only_for_deal_breaker_terms() {
    let a = clean_replacing("offer: 92", "offer: 101");
    assert_eq!(deal_breaker_ids(&a), ["beyond_walk"]);
    assert_eq!(a.verdict, Verdict::Walk);
    let why = &a.deal_breakers[0].why;
    assert!(
        why.starts_with("price: they offer 101; our limit is 100."),
        "{why}"
    );
    assert!(
        why.ends_with("it would be a different deal, and one we have already decided against."),
        "{why}"
    );
    // At walk exactly is not beyond.
    let a = clean_replacing("offer: 92", "offer: 100");
    assert!(!deal_breaker_ids(&a).contains(&"beyond_walk"));
    // A yes/no term that is missing is beyond.
    let a = clean_replacing(
        "{ id: support, walk: true, offer: true, deal_breaker: false }",
        "{ id: support, walk: true, offer: false }",
    );
    assert_eq!(deal_breaker_ids(&a), ["beyond_walk"]);
    assert!(
        a.deal_breakers[0]
            .why
            .starts_with("support: we need this and the offer does not include it."),
        "{}",
        a.deal_breakers[0].why
    );
}

#[test]
fn soft_walk_crossed_is_a_red_flag_not_a_deal_breaker() {
    let a = clean_replacing(
        "offer: true, deal_breaker: false",
        "offer: false, deal_breaker: false",
    );
    assert!(a.deal_breakers.is_empty(), "{:?}", deal_breaker_ids(&a));
    assert_eq!(red_flag_ids(&a), ["soft_walk_crossed"]);
    assert_eq!(a.red_flags[0].severity, Severity::High);
    assert!(
        a.red_flags[0]
            .advice
            .starts_with("The offer on support is past the limit we set"),
        "{}",
        a.red_flags[0].advice
    );
    assert_eq!(a.verdict, Verdict::Caution);
}

#[test]
fn worse_than_batna_fires_when_the_alternative_scores_higher() {
    let a = clean_replacing(
        "terms: { price: 101, support: false }",
        "terms: { price: 91 }",
    );
    // The alternative's price scores 90; support takes the offer's value (100).
    assert_eq!(a.batna.as_ref().map(|b| b.score), Some(95.0));
    assert_eq!(deal_breaker_ids(&a), ["worse_than_batna"]);
    assert_eq!(
        a.deal_breakers[0].why,
        "Scored on the same terms, Other supplier comes out ahead of the current offer (95.0 against 90.0 out \
         of 100). Accepting would leave us worse off than taking the alternative, so the offer has to improve \
         before there is anything to agree. Say so in the room: the alternative is what gives us the right to ask."
    );
    // Equal is not worse.
    let a = clean_replacing(
        "terms: { price: 101, support: false }",
        "terms: { price: 92 }",
    );
    assert!(a.deal_breakers.is_empty(), "{:?}", deal_breaker_ids(&a));
}

#[test]
fn derived_red_flags_fire_and_do_not_fire() {
    // (change to the clean brief, rule id, fires)
    let cases: [(&str, &str, &str, bool); 12] = [
        (
            "authority: full",
            "authority: limited",
            "limited_authority",
            true,
        ),
        (
            "authority: full",
            "authority: unknown",
            "limited_authority",
            false,
        ),
        (
            "signed_off: true",
            "signed_off: false",
            "stakeholders_not_aligned",
            true,
        ),
        (
            "deadline: 2026-12-31",
            "deadline: 2026-11-25",
            "deadline_pressure",
            true,
        ),
        (
            "deadline: 2026-12-31",
            "deadline: 2026-11-26",
            "deadline_pressure",
            false,
        ),
        ("offer: 92", "offer: 96", "near_walk", true),
        ("offer: 92", "offer: 95", "near_walk", false),
        ("offer: 92", "offer: 100", "near_walk", true),
        (
            "alternatives:\n  - { name: Other supplier, terms: { price: 101, support: false } }\n",
            "investment: high\n",
            "weak_leverage",
            true,
        ),
        (
            "alternatives:\n  - { name: Other supplier, terms: { price: 101, support: false } }\n",
            "investment: medium\n",
            "weak_leverage",
            false,
        ),
        (
            "stakeholders:",
            "offers:\n  - { from: them, terms: { price: 95 } }\n  - { from: them, terms: { price: 95 } }\n  - { from: them, terms: { price: 95 } }\nstakeholders:",
            "no_movement",
            true,
        ),
        (
            "stakeholders:",
            "offers:\n  - { from: them, terms: { price: 95 } }\n  - { from: them, terms: { price: 97 } }\nstakeholders:",
            "retracted_concession",
            true,
        ),
    ];
    for (from, to, id, fires) in cases {
        let a = clean_replacing(from, to);
        let flags = red_flag_ids(&a);
        if fires {
            assert!(
                flags.contains(&id),
                "{id} should fire after `{to}`: {flags:?}"
            );
        } else {
            assert!(
                !flags.contains(&id),
                "{id} should not fire after `{to}`: {flags:?}"
            );
        }
    }
}

#[test]
fn red_flag_texts_are_rendered_for_the_brief() {
    let a = clean_replacing("authority: full", "authority: limited");
    assert_eq!(
        a.red_flags[0].advice,
        "Lee Park may not be able to agree final terms. Ask early who else has to approve the deal, and keep \
         our last concessions back until someone who can say yes is involved."
    );
    let a = clean_replacing("offer: 92", "offer: 96");
    assert_eq!(
        a.red_flags[0].advice,
        "The offer on price sits between our target and our limit. It is acceptable, but not where we meant \
         to finish: push towards the target, or trade it for something we value."
    );
    let a = clean_replacing("deadline: 2026-12-31", "deadline: 2026-11-24");
    assert!(
        a.red_flags[0]
            .advice
            .starts_with("The deadline is 1 day away, which makes"),
        "{}",
        a.red_flags[0].advice
    );
    let a = clean_replacing("deadline: 2026-12-31", "deadline: 2026-11-23");
    assert!(
        a.red_flags[0]
            .advice
            .starts_with("The deadline is today, which makes"),
        "{}",
        a.red_flags[0].advice
    );
    let a = clean_replacing("deadline: 2026-12-31", "deadline: 2026-11-01");
    assert!(
        a.red_flags[0]
            .advice
            .starts_with("The deadline passed 22 days ago. Ask whether their offer still stands"),
        "{}",
        a.red_flags[0].advice
    );
}

#[test]
fn unknown_observed_ids_are_warnings_with_a_suggestion() {
    let a = clean_with("observed: [false_urgncy, made_up]");
    assert!(a.red_flags.is_empty());
    assert_eq!(
        render_all(&a.warnings),
        "warning: observed behaviour `false_urgncy` is not mentioned by any rule\n  --> test.yaml:12:12\n   |\n12 | observed: [false_urgncy, made_up]\n   |            ^^^^^^^^^^^^\n   = help: did you mean `false_urgency`?\n\
         warning: observed behaviour `made_up` is not mentioned by any rule\n  --> test.yaml:12:26\n   |\n12 | observed: [false_urgncy, made_up]\n   |                          ^^^^^^^\n   = help: no rule tests for it, so it changes nothing\n"
    );
}

// ---------------------------------------------------------------------------
// Verdict and exit script.

#[test]
fn verdict() {
    // walk: a deal breaker, whatever else.
    assert_eq!(
        clean_with("observed: [dishonesty, sarcasm]").verdict,
        Verdict::Walk
    );
    // caution: a high red flag with a good score.
    let a = clean_with("observed: [hidden_fees]");
    assert_eq!((a.verdict, a.score), (Verdict::Caution, Some(90.0)));
    // caution: a score below 40 with no high flag; exactly 40 is not below.
    let one_term = |offer: u32| {
        assess(&format!(
            "title: T\nside: buyer\ndeadline: 2026-12-31\nterms:\n  - {{ id: price, wish: 90, want: 95, walk: 100, offer: {offer} }}\nalternatives: [{{ name: A, terms: {{ price: 100 }} }}]\n"
        ))
    };
    let a = one_term(98);
    assert_eq!(red_flag_ids(&a), ["near_walk"]);
    assert_eq!((a.verdict, a.score), (Verdict::Caution, Some(20.0)));
    let a = one_term(96);
    assert_eq!(red_flag_ids(&a), ["near_walk"]);
    assert_eq!((a.verdict, a.score), (Verdict::Proceed, Some(40.0)));
    // proceed: medium and low flags only.
    let a = clean_with("observed: [one_sided_terms, rude]");
    assert_eq!(a.verdict, Verdict::Proceed);
}

#[test]
fn exit_script_by_priority() {
    let cases: [(&str, Option<(&str, Stage)>); 9] = [
        (
            "observed: [dishonesty]",
            Some(("bad_faith_exit", Stage::ExitClosed)),
        ),
        (
            "observed: [intimidation]",
            Some(("cooling_off", Stage::Pause)),
        ),
        ("observed: [bullying]", Some(("cooling_off", Stage::Pause))),
        (
            "observed: [high_pressure, sarcasm]",
            Some(("cooling_off", Stage::Pause)),
        ),
        // One behaviour flag is a signal (no letter); two or more a warning.
        ("observed: [sarcasm]", Some(("early_signal", Stage::Signal))),
        (
            "observed: [sarcasm, rude]",
            Some(("warning_shot", Stage::Warn)),
        ),
        (
            "observed: [take_it_or_leave_it, guilt_trip]",
            Some(("warning_shot", Stage::Warn)),
        ),
        ("observed: [hidden_fees, one_sided_terms]", None),
        ("", None),
    ];
    for (extra, expected) in cases {
        let a = clean_with(extra);
        let got = a.exit_script.as_ref().map(|e| (e.id.as_str(), e.stage));
        assert_eq!(got, expected, "{extra}");
    }
    // Bad faith wins over a walk for another reason too.
    let text = dedent(CLEAN).replace("offer: 92", "offer: 101");
    let a = assess(&format!("{text}observed: [dishonesty, intimidation]\n"));
    assert_eq!(deal_breaker_ids(&a), ["beyond_walk", "bad_faith"]);
    assert_eq!(
        a.exit_script.as_ref().map(|e| (e.id.as_str(), e.stage)),
        Some(("bad_faith_exit", Stage::ExitClosed))
    );
    // walk_away for a walk without bad faith, even with intimidation and sarcasm.
    let text = dedent(CLEAN).replace("offer: 92", "offer: 101");
    let a = assess(&format!("{text}observed: [intimidation, sarcasm]\n"));
    assert_eq!(
        a.exit_script.as_ref().map(|e| (e.id.as_str(), e.stage)),
        Some(("walk_away", Stage::ExitOpen))
    );
    // The deal breaker is named, and they are asked whether they can resolve
    // it, before leaving (DESIGN §4). No `us.organisation`: the voice is "I".
    let words = a.exit_words.as_ref().expect("words");
    assert_eq!(
        words.say,
        [
            "Thank you for the work you've put into this; there's real common ground on support.",
            // The gap is named, the limit is not given away (it would
            // become their next offer), and a price is "more than" we accept.
            "The sticking point is price: you offer 101, which is more than I can accept.",
            "Is there a way you can resolve that?",
            "If not, I'm not able to go ahead on these terms, and I'd rather tell you that plainly than keep you waiting.",
            "If your position changes, please come back to me; I'd be glad to look at it again.",
        ]
    );
    assert_eq!(
        words.letter.as_ref().map(|l| l.0.as_str()),
        Some("My decision on your proposal")
    );
}

/// Two terms past a limit are spoken of in the plural: "the offers on … are
/// past the limits we set … give way on them"; "resolve those". Both read in
/// the singular whatever their number.
#[test]
fn two_terms_past_their_limits_are_spoken_of_in_the_plural() {
    let text = dedent(CLEAN)
        .replace(
            "- { id: price, wish: 90, want: 95, walk: 100, offer: 92 }",
            "- { id: price, wish: 90, want: 95, walk: 100, offer: 101 }\n  - { id: fee, wish: 0, want: 10, walk: 20, offer: 30, deal_breaker: false }",
        )
        .replace("offer: true, deal_breaker: false", "offer: false, deal_breaker: false");
    let a = assess(&text);
    let soft = a
        .red_flags
        .iter()
        .find(|f| f.id == "soft_walk_crossed")
        .expect("soft_walk_crossed");
    assert!(
        soft.advice.starts_with(
            "The offers on fee and support are past the limits we set, although we agreed we could give way on them. Before conceding"
        ),
        "{}",
        soft.advice
    );
    let a = assess(&dedent(CLEAN).replace("offer: 92", "offer: 101").replace(
        "offer: true, deal_breaker: false",
        "offer: false, deal_breaker: true",
    ));
    let words = a.exit_words.as_ref().expect("words");
    assert_eq!(words.say[2], "Is there a way you can resolve those?");
}

#[test]
fn the_closed_door_letter_does_not_invite_a_return() {
    let a = clean_with("observed: [dishonesty]");
    let (subject, body) = a
        .exit_words
        .as_ref()
        .and_then(|w| w.letter.clone())
        .expect("letter");
    assert_eq!(subject, "My decision on your proposal");
    assert!(body.contains("the decision is final"), "{body}");
    for inviting in [
        "come back",
        "get in touch",
        "revised proposal with",
        "hear from you",
    ] {
        assert!(!body.contains(inviting), "{inviting}: {body}");
    }
}

#[test]
fn warning_shot_names_the_behaviour() {
    let a = clean_with("observed: [sarcasm, false_urgency]");
    let words = a.exit_words.as_ref().expect("words");
    assert_eq!(
        words.say[1],
        "I've noticed pressure from an unexplained deadline and sarcastic remarks, and they are making an agreement harder to reach."
    );
}

// ---------------------------------------------------------------------------
// User rules: extends, replacement, errors.

#[test]
fn extends_default_replaces_by_id_and_adds() {
    let rules = user_rules(
        "
        version: 1
        extends: default
        red_flags:
          - id: near_walk
            severity: high
            title: Too close to our limit
            when: terms.exists(t, t.near_walk)
            advice: Push for the target.
          - id: pays_late
            severity: medium
            title: They have paid late before
            when: \"'pays_late' in observed\"
            advice: Ask for a deposit.
        ",
    );
    assert_eq!(rules.deal_breakers.len(), 3);
    assert_eq!(rules.red_flags.len(), 24);
    assert_eq!(rules.exit_scripts.len(), 5);
    // Replaced in place, added at the end.
    assert_eq!(rules.red_flags[22].id, "near_walk");
    assert_eq!(rules.red_flags[22].title, "Too close to our limit");
    assert_eq!(rules.red_flags[23].id, "pays_late");
    assert_eq!(rules.files, [std::path::PathBuf::from("house.yaml")]);

    let brief = format!(
        "{}observed: [pays_late]\n",
        dedent(CLEAN).replace("offer: 92", "offer: 96")
    );
    let a = assess_with(&brief, &rules);
    assert_eq!(red_flag_ids(&a), ["near_walk", "pays_late"]);
    assert_eq!(a.red_flags[0].severity, Severity::High);
    assert_eq!(a.red_flags[0].advice, "Push for the target.");
    assert_eq!(a.verdict, Verdict::Caution);
    assert!(a.warnings.is_empty(), "{}", render_all(&a.warnings));
    // With the defaults alone the same brief proceeds, and `pays_late` is unknown.
    let a = assess(&brief);
    assert_eq!(red_flag_ids(&a), ["near_walk"]);
    assert_eq!(a.verdict, Verdict::Proceed);
    assert_eq!(a.warnings.len(), 1);
}

#[test]
fn user_rules_without_extends_stand_alone() {
    let rules = user_rules(
        "
        version: 1
        caution_below: 95
        deal_breakers:
          - id: too_expensive
            title: Too expensive
            when: term.price.offer > 93
            why: Over budget.
        ",
    );
    assert_eq!(rules.red_flags.len(), 0);
    assert!(rules.exit_scripts.is_empty());
    let a = assess_with(&dedent(CLEAN), &rules);
    // Score 90 is below this file's caution_below; nothing else fires.
    assert_eq!(
        (a.verdict, a.exit_script.is_none()),
        (Verdict::Caution, true)
    );
    let a = assess_with(&dedent(CLEAN).replace("offer: 92", "offer: 94"), &rules);
    assert_eq!(deal_breaker_ids(&a), ["too_expensive"]);
    assert_eq!(a.deal_breakers[0].why, "Over budget.");
    assert_eq!(a.verdict, Verdict::Walk);
}

#[test]
fn caution_below_can_be_changed_while_extending() {
    let rules = user_rules("version: 1\nextends: default\ncaution_below: 95\n");
    assert_eq!(rules.caution_below, 95.0);
    assert_eq!(rules.red_flags.len(), 23);
    assert_eq!(assess_with(CLEAN, &rules).verdict, Verdict::Caution);
    let rules = user_rules("version: 1\nextends: default\n");
    assert_eq!(rules.caution_below, 40.0);
}

#[test]
fn a_rule_that_needs_a_missing_offer_is_not_evaluable() {
    let rules = user_rules(
        "
        version: 1
        red_flags:
          - id: cheap_support
            severity: high
            title: Support is cheap
            when: term.support_fee.offer < 10
            advice: Check what is included.
        ",
    );
    let brief = "title: T\nside: buyer\nterms:\n  - { id: price, walk: 100, offer: 90 }\n  - { id: support_fee, walk: 20 }\n";
    let a = assess_with(brief, &rules);
    assert!(a.red_flags.is_empty());
    assert_eq!(
        not_evaluable(&a),
        [("cheap_support", "no offer for support_fee")]
    );
    assert_eq!(a.verdict, Verdict::Proceed);
}

/// A Tera syntax error in a rule text is placed where it is in the file, in
/// a block scalar as in a quoted string (it pointed at the text's first line,
/// with "line 3, column 65 of the text" in the message).
#[test]
fn rules_errors_a_text_syntax_error_is_located_in_the_file() {
    let errors = rules_errors(
        "
        version: 1
        exit_scripts:
          - id: s1
            stage: warn
            when: \"'sarcasm' in observed\"
            say: [Let us keep this constructive.]
            letter:
              subject: About our talks
              body: |
                Dear {{ greeting }},

                {% if verdict == 'walk' %}We are done.{% endfi %}
        ",
    );
    assert!(
        errors.starts_with("error: exit script `s1` letter body is not a valid Tera template: "),
        "{errors}"
    );
    assert!(errors.contains("--> house.yaml:12:50\n"), "{errors}");
    assert!(!errors.contains("of the text"), "{errors}");
}

/// Carets sit on what is wrong: a syntax error on its token (they were one
/// character past it), a field on its name (not on its `.`), a function on
/// its name (not on its `(`), each underlined alone.
#[test]
fn rules_errors_carets_sit_on_the_token() {
    let caret = |when: &str| {
        let errors = rules_errors(&format!(
            "
            version: 1
            red_flags:
              - id: o
                severity: low
                title: O
                when: \"{when}\"
                advice: x
            "
        ));
        let lines: Vec<&str> = errors.lines().collect();
        let at = lines[1].trim().to_string();
        let marks = lines[4].trim_start_matches(' ').trim_start_matches('|');
        let start = marks.find('^').expect("a caret");
        let code = lines[3].split_once(" | ").map(|x| x.1).expect("the line");
        // `marks` starts after "  |", `code` after "6 | ": one column apart.
        let shown: String = code
            .chars()
            .skip(start - 1)
            .take(marks.trim().len())
            .collect();
        (at, shown)
    };
    assert_eq!(
        caret("score > && 3"),
        ("--> house.yaml:6:20".into(), "&&".into())
    );
    assert_eq!(
        caret("score > 3)"),
        ("--> house.yaml:6:21".into(), ")".into())
    );
    assert_eq!(
        caret("terms.exists(t, t.ofer > 3)"),
        ("--> house.yaml:6:30".into(), "ofer".into())
    );
    assert_eq!(
        caret("terms.exsts(t, t.offer > 3)"),
        ("--> house.yaml:6:18".into(), "exsts".into())
    );
}

#[test]
fn rules_errors_unknown_name_is_located_inside_the_condition() {
    let errors = rules_errors(
        "
        version: 1
        red_flags:
          - id: stalling
            severity: medium
            title: Stalling
            when: \"rounds_without_movment >= 3\"
            advice: Ask what would change.
        ",
    );
    assert_eq!(
        errors,
        "error: `rounds_without_movment` is not a name in the evaluation context\n  --> house.yaml:6:12\n  |\n6 |     when: \"rounds_without_movment >= 3\"\n  |            ^^^^^^^^^^^^^^^^^^^^^^\n  = help: did you mean `rounds_without_movement`?\n"
    );
    // Unquoted, later in the expression.
    let errors = rules_errors(
        "
        version: 1
        deal_breakers:
          - id: weak
            title: Weak
            when: score < 10 && leverag == 'weak'
        ",
    );
    assert_eq!(
        errors,
        "error: `leverag` is not a name in the evaluation context\n  --> house.yaml:5:25\n  |\n5 |     when: score < 10 && leverag == 'weak'\n  |                         ^^^^^^^\n  = help: did you mean `leverage`?\n"
    );
    // Exit-script names are not available to red flags.
    let errors = rules_errors(
        "
        version: 1
        red_flags:
          - { id: x, severity: low, title: X, when: \"verdict == 'walk'\" }
        ",
    );
    assert!(
        errors.starts_with(
            "error: `verdict` is not a name in the evaluation context\n  --> house.yaml:3:46\n"
        ),
        "{errors}"
    );
    // An unknown field of a term.
    let errors = rules_errors(
        "
        version: 1
        red_flags:
          - { id: x, severity: low, title: X, when: \"terms.exists(t, t.beyond_wlak)\" }
        ",
    );
    assert!(
        errors.starts_with("error: `beyond_wlak` is not a field of a term or an alternative\n"),
        "{errors}"
    );
    assert!(
        errors.ends_with("= help: did you mean `beyond_walk`?\n"),
        "{errors}"
    );
}

#[test]
fn rules_errors_in_a_multi_line_condition_are_on_the_right_line() {
    let errors = rules_errors(
        "
        version: 1
        deal_breakers:
          - id: weak
            title: Weak
            when: |
              score < 10 &&
              leverag == 'weak'
        ",
    );
    assert!(errors.contains("  --> house.yaml:7:7\n"), "{errors}");
}

#[test]
fn rules_errors_cel_syntax() {
    let errors = rules_errors(
        "
        version: 1
        red_flags:
          - id: bad
            severity: low
            title: Bad
            when: score <
        ",
    );
    assert!(
        errors.starts_with("error: this condition is not valid CEL: "),
        "{errors}"
    );
    assert!(
        errors.contains("  --> house.yaml:6:18\n  |\n6 |     when: score <\n"),
        "{errors}"
    );
    assert_eq!(
        errors.lines().filter(|l| l.starts_with("error: ")).count(),
        1,
        "{errors}"
    );
}

#[test]
fn rules_errors_duplicate_id_and_unknown_key_all_reported() {
    let errors = rules_errors(
        "
        version: 1
        red_flags:
          - id: slow
            severity: medium
            title: Slow
            when: rounds_without_movement >= 3
          - id: slow
            severity: low
            title: Slow again
            when: \"true\"
            colour: red
        ",
    );
    assert_eq!(
        errors,
        "error: unknown key `colour` in red flag `slow`\n  --> house.yaml:11:5\n   |\n11 |     colour: red\n   |     ^^^^^^\n   = help: the keys allowed here are: id, severity, title, when, advice\n\
         error: rule id `slow` is used twice (first at line 3)\n  --> house.yaml:7:9\n  |\n7 |   - id: slow\n  |         ^^^^\n  = help: give every rule its own id\n"
    );
}

#[test]
fn rules_errors_misspelt_key_suggests_the_right_one() {
    let errors = rules_errors(
        "
        version: 1
        deal_breakers:
          - id: x
            title: X
            wen: score < 10
        ",
    );
    assert_eq!(
        errors,
        // One mistake, said once: not also "missing the required key `when`".
        "error: unknown key `wen` in deal breaker `x`\n  --> house.yaml:5:5\n  |\n5 |     wen: score < 10\n  |     ^^^\n  = help: did you mean `when`?\n"
    );
}
