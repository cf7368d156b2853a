//! The value capture of `check --explain`: every kind of reference a
//! condition can make, read from the assessment's own context.

use std::path::{Path, PathBuf};

use super::*;
use crate::assess::assess;

const BRIEF: &str = "\
title: T
side: buyer
terms:
  - { id: price, unit: EUR, wish: 9.80, want: 10.00, walk: 10.20, offer: 10.45 }
  - { id: days, unit: days, better: higher, wish: 60, want: 45, walk: 30, offer: 40, their_walk: 50, deal_breaker: false }
  - { id: cover, walk: true }
alternatives:
  - { name: Beta, terms: { price: 10.05 } }
observed: [rude]
";

const RULES: &str = "\
version: 1
deal_breakers:
  - id: by_id
    title: t
    when: term.price.offer > term.price.walk && term['days'].offer >= 30.0
  - id: any_beyond
    title: t
    when: terms.exists(t, t.beyond_walk && t.deal_breaker)
red_flags:
  - id: top
    severity: low
    title: t
    when: \"'rude' in observed && leverage == 'weak' || score < batna_score\"
  - id: all_offered
    severity: low
    title: t
    when: terms.all(t, t.has_offer)
  - id: zopa_low
    severity: low
    title: t
    when: terms.exists(t, t.zopa != null && t.zopa.low < 40.0)
  - id: deadline
    severity: low
    title: t
    when: days_to_deadline <= 2
  - id: positions
    severity: low
    title: t
    when: terms.exists(t, t.kind == 'number' && t.position == 'wish' && !t.no_zopa)
exit_scripts:
  - id: leave
    stage: exit_open
    priority: 1
    when: verdict == 'walk' && size(red_flags) > 0
  - id: other
    stage: warn
    when: \"'by_id' in deal_breakers\"
";

/// A value as the tests write it: the raw number, 'text', a list, a map.
fn show(v: &Val) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Bool(x) => x.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Number(x, _) => x.to_string(),
        Val::Text(t) => format!("'{t}'"),
        Val::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Val::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Error(e) => format!("error: {e}"),
    }
}

fn explained() -> (Brief, Vec<Explanation>) {
    let (b, _) = crate::brief::load_str(Path::new("t.yaml"), BRIEF).expect("brief loads");
    let rules = crate::rules::load_str(Path::new("house.yaml"), RULES, true).expect("rules load");
    let a = assess(&b, &rules, jiff::civil::date(2026, 11, 23)).expect("assessed");
    let e = explain(&b, &a, &rules);
    (b, e)
}

/// One rule's outcome and its readings, `name = value` joined by ", ".
fn line(e: &[Explanation], id: &str) -> (Decision, String) {
    let x = e.iter().find(|x| x.id == id).expect(id);
    let values = x
        .values
        .iter()
        .map(|r| format!("{} = {}", r.name, show(&r.value)))
        .collect::<Vec<_>>()
        .join(", ");
    (x.outcome, values)
}

#[test]
fn fields_of_a_term_by_id_and_by_key_with_the_term_they_belong_to() {
    let (b, e) = explained();
    assert_eq!(
        line(&e, "by_id"),
        (
            Decision::Fired,
            "term.price.offer = 10.45, term.price.walk = 10.2, term.days.offer = 40".into()
        )
    );
    let by_id = e.iter().find(|x| x.id == "by_id").expect("by_id");
    let terms: Vec<&str> = by_id
        .values
        .iter()
        .map(|r| b.terms[r.term.expect("a term's value")].id.as_str())
        .collect();
    assert_eq!(terms, ["price", "price", "days"]);
    assert!(matches!(
        by_id.values[0].value,
        Val::Number(_, Measure::Value)
    ));
}

#[test]
fn top_level_names() {
    let (_, e) = explained();
    // `leverage` is moderate (one alternative, medium investment), and the
    // BATNA (10.05 EUR) beats an offer past walk.
    let (outcome, values) = line(&e, "top");
    assert_eq!(outcome, Decision::Fired);
    assert!(
        values.starts_with("observed = ['rude'], leverage = 'moderate', score = "),
        "{values}"
    );
    assert!(values.contains(", batna_score = "), "{values}");
}

#[test]
fn exists_over_terms_shows_the_terms_that_made_it_true() {
    let (b, e) = explained();
    // price is past walk and a deal breaker; days is inside walk.
    assert_eq!(
        line(&e, "any_beyond"),
        (
            Decision::Fired,
            "terms[price].beyond_walk = true, terms[price].deal_breaker = true".into()
        )
    );
    let x = e.iter().find(|x| x.id == "any_beyond").expect("rule");
    assert_eq!(
        x.values[0].term.map(|i| b.terms[i].id.as_str()),
        Some("price")
    );
}

#[test]
fn exists_that_did_not_fire_shows_every_term_and_merges_equal_values() {
    let (_, e) = explained();
    // No numeric term is at wish: every term decided it. `no_zopa` is the
    // same for all of them, `kind` and `position` are not.
    assert_eq!(
        line(&e, "positions"),
        (
            Decision::NotFired,
            "terms[*].no_zopa = false, \
             terms[price].kind = 'number', terms[price].position = 'beyond', \
             terms[days].kind = 'number', terms[days].position = 'walk', \
             terms[cover].kind = 'yes_no', terms[cover].position = 'unknown'"
                .into()
        )
    );
}

#[test]
fn all_over_terms_shows_the_terms_that_made_it_false() {
    let (_, e) = explained();
    assert_eq!(
        line(&e, "all_offered"),
        (Decision::NotFired, "terms[cover].has_offer = false".into())
    );
}

#[test]
fn a_nested_map_of_a_term() {
    let (_, e) = explained();
    // Only days has a zone of agreement: [30, 50].
    assert_eq!(
        line(&e, "zopa_low"),
        (
            Decision::Fired,
            "terms[days].zopa = {high: 50, low: 30}, terms[days].zopa.low = 30".into()
        )
    );
}

#[test]
fn not_evaluable_says_what_is_missing_and_shows_the_null() {
    let (_, e) = explained();
    let x = e.iter().find(|x| x.id == "deadline").expect("rule");
    assert_eq!(x.outcome, Decision::NotEvaluable);
    assert_eq!(x.missing.as_deref(), Some("the brief has no deadline"));
    assert_eq!(line(&e, "deadline").1, "days_to_deadline = null");
}

#[test]
fn exit_scripts_see_the_verdict_and_say_which_was_chosen() {
    let (_, e) = explained();
    let leave = e.iter().find(|x| x.id == "leave").expect("leave");
    let other = e.iter().find(|x| x.id == "other").expect("other");
    assert_eq!(leave.outcome, Decision::Fired);
    assert_eq!(other.outcome, Decision::Fired);
    assert_eq!((leave.chosen, other.chosen), (Some(true), Some(false)));
    assert_eq!(
        line(&e, "leave").1,
        "verdict = 'walk', red_flags = ['top', 'zopa_low']"
    );
    assert_eq!(
        line(&e, "other").1,
        "deal_breakers = ['by_id', 'any_beyond']"
    );
}

#[test]
fn every_rule_once_in_order_with_where_it_is_written() {
    let (_, e) = explained();
    let ids: Vec<(&str, RuleKind)> = e.iter().map(|x| (x.id.as_str(), x.kind)).collect();
    assert_eq!(
        ids,
        [
            ("by_id", RuleKind::DealBreaker),
            ("any_beyond", RuleKind::DealBreaker),
            ("top", RuleKind::RedFlag),
            ("all_offered", RuleKind::RedFlag),
            ("zopa_low", RuleKind::RedFlag),
            ("deadline", RuleKind::RedFlag),
            ("positions", RuleKind::RedFlag),
            ("caution_below", RuleKind::Score),
            ("leave", RuleKind::ExitScript),
            ("other", RuleKind::ExitScript),
        ]
    );
    let at = |id: &str| e.iter().find(|x| x.id == id).and_then(|x| x.location(None));
    assert_eq!(at("by_id").as_deref(), Some("house.yaml:5"));
    assert_eq!(at("other").as_deref(), Some("house.yaml:37"));
    assert_eq!(at("caution_below"), None);
    let by_id = e.iter().find(|x| x.id == "by_id").expect("by_id");
    let mut absolute = by_id.clone();
    absolute.file = Some(PathBuf::from("/p/rules/house.yaml"));
    assert_eq!(
        absolute.location(Some(Path::new("/p"))).as_deref(),
        Some("rules/house.yaml:5")
    );
    assert_eq!(
        absolute.location(Some(Path::new("/q"))).as_deref(),
        Some("/p/rules/house.yaml:5")
    );
}

#[test]
fn outcomes_agree_with_the_assessment_on_the_default_rules() {
    let (b, _) = crate::brief::load_str(Path::new("t.yaml"), BRIEF).expect("brief loads");
    let rules = crate::rules::load_default().expect("default rules");
    let a = assess(&b, &rules, jiff::civil::date(2026, 11, 23)).expect("assessed");
    let e = explain(&b, &a, &rules);
    let with = |d: Decision| -> Vec<&str> {
        e.iter()
            .filter(|x| {
                x.outcome == d && matches!(x.kind, RuleKind::DealBreaker | RuleKind::RedFlag)
            })
            .map(|x| x.id.as_str())
            .collect()
    };
    let fired: Vec<&str> = a
        .deal_breakers
        .iter()
        .chain(&a.red_flags)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(with(Decision::Fired), fired);
    let not_evaluable: Vec<&str> = a.not_evaluable.iter().map(|n| n.id.as_str()).collect();
    let explained_ne: Vec<&str> = e
        .iter()
        .filter(|x| x.outcome == Decision::NotEvaluable)
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(explained_ne, not_evaluable);
    // The score line agrees with the verdict's reasons: −… is below 40.
    let score = e
        .iter()
        .find(|x| x.kind == RuleKind::Score)
        .expect("score line");
    assert_eq!(score.outcome, Decision::Fired);
    assert!(a.facts.score.is_some_and(|s| s < rules.caution_below));
    let chosen: Vec<&str> = e
        .iter()
        .filter(|x| x.chosen == Some(true))
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(
        chosen,
        a.exit_script
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
    );
    let loc = e
        .iter()
        .find(|x| x.id == "beyond_walk")
        .and_then(|x| x.location(None));
    assert!(
        loc.as_deref()
            .is_some_and(|l| l.starts_with("rules/default.yaml:") && l.ends_with(" (built in)")),
        "{loc:?}"
    );
}

#[test]
fn a_derived_field_of_a_term_comes_with_the_values_it_was_derived_from() {
    let (_, e) = explained();
    let x = e.iter().find(|x| x.id == "any_beyond").expect("rule");
    let because: Vec<String> = x.values[0]
        .because
        .iter()
        .map(|r| format!("{} = {}", r.name, show(&r.value)))
        .collect();
    assert_eq!(
        because,
        ["term.price.offer = 10.45", "term.price.walk = 10.2"]
    );
    // In JSON, after the name that was read, each name once.
    let json = serde_json::to_value(x).expect("serialises");
    let keys: Vec<&String> = json["values"]
        .as_object()
        .expect("an object")
        .keys()
        .collect();
    let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "term.price.offer",
            "term.price.walk",
            "terms[price].beyond_walk",
            "terms[price].deal_breaker"
        ]
    );
    assert_eq!(json["values"]["term.price.offer"], 10.45);
    assert_eq!(json["kind"], "deal_breaker");
    assert_eq!(json["outcome"], "fired");
    assert_eq!(json["missing"], serde_json::Value::Null);
}

#[test]
fn presence_tests_empty_lists_and_names_that_cannot_be_read() {
    let (b, _) = crate::brief::load_str(Path::new("t.yaml"), BRIEF).expect("brief loads");
    let rules = crate::rules::load_str(
        Path::new("odd.yaml"),
        "version: 1\nred_flags:\n\
         \x20 - { id: has, severity: low, title: t, when: \"has(term.price.offer) && has(term.cover.wish)\" }\n\
         \x20 - { id: typo, severity: low, title: t, when: \"term.pric.offer > 1.0\" }\n\
         \x20 - { id: empty, severity: low, title: t, when: \"alternatives.all(a, a.score > 1.0) && stakeholders_aligned\" }\n\
         \x20 - { id: const, severity: low, title: t, when: \"true\" }\n",
        true,
    )
    .expect("rules load");
    // A brief without alternatives: `all` over an empty list holds, and the
    // empty list is what decided it.
    let (bare, _) = crate::brief::load_str(
        Path::new("bare.yaml"),
        "title: T\nside: buyer\nterms:\n  - { id: price, walk: 10, offer: 9 }\n",
    )
    .expect("brief loads");
    let a = assess(&b, &rules, jiff::civil::date(2026, 11, 23)).expect("assessed");
    let e = explain(&b, &a, &rules);
    // `has(...)` is whether the key is there: every term map has every key.
    assert_eq!(
        line(&e, "has"),
        (
            Decision::Fired,
            "has(term.price.offer) = true, has(term.cover.wish) = true".into()
        )
    );
    let (outcome, values) = line(&e, "typo");
    assert_eq!(outcome, Decision::NotEvaluable);
    assert!(values.starts_with("term.pric.offer = error: "), "{values}");
    assert!(values.contains("pric"), "{values}");
    assert_eq!(line(&e, "const"), (Decision::Fired, String::new()));
    let a = assess(&bare, &rules, jiff::civil::date(2026, 11, 23)).expect("assessed");
    let e = explain(&bare, &a, &rules);
    assert_eq!(
        line(&e, "empty"),
        (
            Decision::Fired,
            "alternatives = [], stakeholders_aligned = true".into()
        )
    );
}
