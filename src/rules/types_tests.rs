//! Tests of `types.rs`: conditions that pass, and conditions no brief can decide.

use super::*;

fn problems(src: &str) -> Vec<String> {
    let p = Program::compile(src).expect("compiles");
    check(&p).into_iter().map(|p| p.message).collect()
}

#[test]
fn well_typed_conditions_pass() {
    for src in [
        "terms.exists(t, t.beyond_walk && t.deal_breaker) || score < 40",
        "'false_urgency' in observed",
        "term.price.score < 50 && leverage == 'weak'",
        "batna_score > score",
        "rounds_without_movement >= 2",
        "days_to_deadline <= 2",
        "size(red_flags) >= 2 && verdict == 'walk'",
        "terms.exists(t, t.offer == true) || term.price.offer > 10",
        "alternatives.exists(a, a.has_terms && a.score > 50)",
        "terms.map(t, t.score).exists(s, s < 0)",
        "score == null || score > 1.5",
        "[1, 2].size() == 2 && 'ab'.contains('a')",
        "authority == 'limited' ? stakeholders_aligned : retracted",
        // 0.2 term fields.
        "terms.exists(t, t.no_zopa || t.walk_below_batna)",
        "term.price.zopa != null && term.price.zopa.high - term.price.zopa.low < 1",
        "term.price.their_walk_source == 'offers' && term.price.their_walk > 9",
        "term.price.our_last != null && term.price.batna_value < 10",
    ] {
        assert_eq!(problems(src), Vec::<String>::new(), "{src}");
    }
}

#[test]
fn conditions_no_brief_can_decide_are_reported() {
    for (src, words) in [
        (
            "score > 'x'",
            "compares a number (`score`) with text (`'x'`)",
        ),
        (
            "leverage < 3",
            "compares text (`leverage`) with a number (`3`)",
        ),
        ("observed > 2", "`observed` is a list: it cannot be ordered"),
        (
            "score && retracted",
            "`&&` needs true or false, but `score` is a number",
        ),
        (
            "score",
            "a condition must be true or false, but this is a number",
        ),
        (
            "'x' in score",
            "`in` needs a list (or a map) on its right, but `score` is a number",
        ),
        (
            "score.exists(s, s > 1)",
            "`score` is a number; `exists`, `all`, `map` and `filter` need a list",
        ),
        (
            "terms.exists(t, t.name == 'x')",
            "`name` is not a field of a term",
        ),
        (
            "alternatives.exists(a, a.offer > 1)",
            "`offer` is not a field of an alternative",
        ),
        ("side == 2", "they can never be equal"),
        (
            "score + 'a' > 1",
            "`+` cannot add a number (`score`) and text (`'a'`)",
        ),
        (
            "retracted * 2 > 1",
            "arithmetic needs numbers, but `retracted` is true or false",
        ),
        (
            "terms.exists(t, t.no_zopa > 1)",
            "`t.no_zopa` is true or false: it cannot be ordered",
        ),
        (
            "term.price.their_walk_source > 1",
            "compares text (`term.price.their_walk_source`) with a number (`1`)",
        ),
        (
            "terms.exists(t, t.low > 1)",
            "`low` is not a field of a term",
        ),
        (
            "alternatives.exists(a, a.zopa != null)",
            "`zopa` is not a field of an alternative",
        ),
        (
            "leverage.foo == 1",
            "`leverage` is text: it has no field `foo`",
        ),
    ] {
        let found = problems(src);
        assert!(found.iter().any(|m| m.contains(words)), "{src}: {found:?}");
    }
}
