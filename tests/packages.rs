//! Properties of the packages of equal value (MESO, DESIGN §3) and of the
//! concession plan, over generated briefs: every package within 2.5 points of
//! the all-at-want score, every value between walk and wish, must-haves at
//! walk, any two packages different on at least two terms; every plan opening
//! where the table stands and moving toward want in steps that never grow.

mod common;

use proptest::prelude::*;
use walkaway::assess::scale::{has_scale, score, want_ref, wish_ref};
use walkaway::brief::{Brief, Term, TermKind, TermValue};

/// One generated term, written as YAML.
#[derive(Debug, Clone)]
enum Gen {
    /// (lower is better?, wish, want step, walk step, offer fraction, weight)
    Number(bool, u32, u32, u32, i32, u8),
    /// (option count, wish, want, walk, weight)
    Choice(usize, usize, usize, usize, u8),
    /// must have?
    YesNo(bool),
}

fn term_yaml(i: usize, g: &Gen) -> String {
    match g {
        Gen::Number(lower, wish, a, b, offer, weight) => {
            let (wish, want, walk) = if *lower {
                (*wish, wish + a, wish + a + b)
            } else {
                (wish + a + b, wish + a, *wish)
            };
            let offer = i64::from(walk) + i64::from(*offer);
            format!(
                "  - {{ id: n{i}, better: {}, wish: {wish}, want: {want}, walk: {walk}, offer: {offer}, weight: {weight} }}\n",
                if *lower { "lower" } else { "higher" }
            )
        }
        Gen::Choice(n, a, b, c, weight) => {
            let options: Vec<String> = (0..*n).map(|k| format!("o{k}")).collect();
            let mut idx = [*a % n, *b % n, *c % n];
            idx.sort_unstable();
            format!(
                "  - {{ id: c{i}, options: [{}], wish: o{}, want: o{}, walk: o{}, offer: o{}, weight: {weight} }}\n",
                options.join(", "),
                idx[0],
                idx[1],
                idx[2],
                idx[1]
            )
        }
        Gen::YesNo(must) => {
            format!("  - {{ id: y{i}, walk: true, offer: true, deal_breaker: {must} }}\n")
        }
    }
}

fn gen_term() -> impl Strategy<Value = Gen> {
    prop_oneof![
        4 => (any::<bool>(), 1u32..5000, 0u32..800, 1u32..800, -300i32..300, 1u8..6)
            .prop_map(|(l, w, a, b, o, k)| Gen::Number(l, w, a, b, o, k)),
        1 => (2usize..6, 0usize..6, 0usize..6, 0usize..6, 1u8..4)
            .prop_map(|(n, a, b, c, k)| Gen::Choice(n, a, b, c, k)),
        1 => any::<bool>().prop_map(Gen::YesNo),
    ]
}

fn brief(terms: &[Gen], side: &str) -> Brief {
    let mut yaml = format!("title: Generated\nside: {side}\nterms:\n");
    for (i, t) in terms.iter().enumerate() {
        yaml.push_str(&term_yaml(i, t));
    }
    match walkaway::brief::load_str(std::path::Path::new("gen.yaml"), &yaml) {
        Ok((b, _)) => b,
        Err(d) => panic!("{}\n{yaml}", common::render_all(&d)),
    }
}

/// The deal score with these values for some terms and walk for the rest.
fn deal_score(b: &Brief, values: &[(usize, TermValue)]) -> f64 {
    let (mut sum, mut weights) = (0.0, 0.0);
    for (i, t) in b.terms.iter().enumerate() {
        let v = values
            .iter()
            .find(|(j, _)| *j == i)
            .map_or(t.walk, |(_, v)| *v);
        sum += t.weight * score(t, v);
        weights += t.weight;
    }
    sum / weights
}

fn between(t: &Term, v: TermValue) -> bool {
    t.advantage(v, t.walk) >= -1e-9 && t.advantage(wish_ref(t), v) >= -1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn packages_are_of_equal_value_and_within_the_limits(
        terms in prop::collection::vec(gen_term(), 1..6),
        seller in any::<bool>(),
    ) {
        let b = brief(&terms, if seller { "seller" } else { "buyer" });
        let a = walkaway::assess::assess(&b, &common::default_rules(), common::today()).expect("assesses");
        let packages = a.packages(&b);
        let negotiable: Vec<usize> = (0..b.terms.len()).filter(|&i| has_scale(&b.terms[i])).collect();
        if negotiable.len() < 2 {
            prop_assert!(packages.is_empty());
            return Ok(());
        }
        prop_assert!(packages.len() <= 3.min(negotiable.len()));
        // With numeric terms that have room to move (want well inside the
        // scale, and at least 20 steps between walk and wish as the brief
        // writes them), the full set is always found.
        let roomy = negotiable.iter().all(|&i| {
            let t = &b.terms[i];
            let want = score(t, want_ref(t));
            let steps = match (wish_ref(t), t.walk) {
                (TermValue::Number(a), TermValue::Number(w)) => {
                    (a - w).abs() / walkaway::assess::scale::granularity(t)
                }
                _ => 0.0,
            };
            matches!(t.kind, TermKind::Number { .. }) && (10.0..=90.0).contains(&want) && steps >= 20.0
        });
        if roomy {
            prop_assert_eq!(packages.len(), 3.min(negotiable.len()), "{:?}", b.terms);
        }
        let target_values: Vec<(usize, TermValue)> = b
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (i, if matches!(t.kind, TermKind::YesNo) { t.walk } else { want_ref(t) }))
            .collect();
        let target = deal_score(&b, &target_values);
        for p in packages {
            let s = deal_score(&b, &p.terms);
            prop_assert!((s - target).abs() <= 2.5, "score {} target {}", s, target);
            prop_assert!((s - p.score).abs() < 1e-6);
            for &i in &negotiable {
                let v = p.terms.iter().find(|(j, _)| *j == i).map(|(_, v)| *v);
                prop_assert!(v.is_some_and(|v| between(&b.terms[i], v)), "term {} {:?}", i, v);
            }
            for (i, t) in b.terms.iter().enumerate() {
                if matches!(t.kind, TermKind::YesNo) && t.deal_breaker {
                    prop_assert_eq!(
                        p.terms.iter().find(|(j, _)| *j == i).map(|(_, v)| *v),
                        Some(t.walk)
                    );
                }
            }
        }
        for (k, p) in packages.iter().enumerate() {
            for q in &packages[k + 1..] {
                let differ = negotiable
                    .iter()
                    .filter(|i| {
                        let get = |x: &walkaway::assess::Package| {
                            x.terms.iter().find(|(j, _)| j == *i).map(|(_, v)| *v)
                        };
                        get(p) != get(q)
                    })
                    .count();
                prop_assert!(differ >= 2, "{:?} vs {:?}", p, q);
            }
        }
    }

    #[test]
    fn concession_plans_start_at_the_table_and_never_grow(
        terms in prop::collection::vec(gen_term(), 1..4),
        ours in prop::collection::vec(-400i32..400, 1..4),
    ) {
        let mut b = brief(&terms, "buyer");
        // Their offer well short of want, and our last offer somewhere
        // around want (before it, at it, or already past it).
        let mut ours_rounds = Vec::new();
        for (i, (t, delta)) in b.terms.iter_mut().zip(&ours).enumerate() {
            if let (TermKind::Number { .. }, TermValue::Number(w)) = (&t.kind, want_ref(t)) {
                let worse = t.advantage(TermValue::Number(0.0), TermValue::Number(1.0)).signum();
                t.offer = Some(TermValue::Number(w + 1000.0 * worse));
                ours_rounds.push((i, TermValue::Number(w + f64::from(*delta))));
            }
        }
        for (i, v) in ours_rounds {
            b.offers.push(walkaway::brief::OfferRound {
                date: None,
                from: walkaway::brief::From::Us,
                terms: vec![(i, v)],
            });
        }
        let a = walkaway::assess::assess(&b, &common::default_rules(), common::today()).expect("assesses");
        for (i, (t, e)) in b.terms.iter().zip(&a.facts.terms).enumerate() {
            let plan = &e.concessions;
            let TermKind::Number { .. } = t.kind else { continue };
            if plan.accept {
                prop_assert!(plan.steps.is_empty());
                continue;
            }
            let steps: Vec<f64> = plan.steps.iter().map(|v| match v { TermValue::Number(x) => *x, _ => f64::NAN }).collect();
            let open = e.our_last.unwrap_or(wish_ref(t));
            prop_assert_eq!(plan.steps.first().copied(), Some(open), "term {}", i);
            let gaps: Vec<f64> = steps.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
            prop_assert!(gaps.windows(2).all(|g| g[1] <= g[0] + 1e-9), "{:?}", steps);
            for s in &plan.steps {
                // Never a step back from what we already offered, never past want.
                prop_assert!(t.advantage(open, *s) >= -1e-9, "{:?}", steps);
                if t.advantage(open, want_ref(t)) > 0.0 {
                    prop_assert!(t.advantage(*s, want_ref(t)) >= -1e-9, "{:?}", steps);
                }
            }
        }
    }
}

/// Two negotiable terms give two packages (DESIGN §3), also when one of them
/// has no wish, so that its want is also the best it can be.
#[test]
fn two_negotiable_terms_give_two_packages() {
    for yaml in [
        "title: MP2\nside: buyer\nterms:\n  - { id: price, wish: 90, want: 96, walk: 102, offer: 100 }\n  - { id: days, better: higher, want: 45, walk: 30, offer: 30 }\n",
        "title: MP1\nside: buyer\nterms:\n  - { id: price, wish: 9.10, want: 9.60, walk: 10.20, offer: 10.45, weight: 5 }\n  - { id: delivery, options: [weekly, fortnightly, monthly], want: fortnightly, walk: monthly, offer: monthly }\n",
    ] {
        let b = match walkaway::brief::load_str(std::path::Path::new("p.yaml"), yaml) {
            Ok((b, _)) => b,
            Err(d) => panic!("{}", common::render_all(&d)),
        };
        let a = walkaway::assess::assess(&b, &common::default_rules(), common::today())
            .expect("assesses");
        let packages = a.packages(&b);
        assert_eq!(packages.len(), 2, "{yaml}{packages:?}");
        let target_values: Vec<(usize, TermValue)> = b
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (i, want_ref(t)))
            .collect();
        let target = deal_score(&b, &target_values);
        for p in packages {
            assert!((deal_score(&b, &p.terms) - target).abs() <= 2.5, "{p:?}");
            assert!(
                p.terms.iter().all(|(i, v)| between(&b.terms[*i], *v)),
                "{p:?}"
            );
        }
        assert!(
            packages[0]
                .terms
                .iter()
                .zip(&packages[1].terms)
                .all(|(x, y)| x != y),
            "the two differ on both terms: {packages:?}"
        );
    }
}
