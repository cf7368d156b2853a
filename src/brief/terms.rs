//! Reading the `terms` of a brief: each term's kind (numeric, choice or yes/no,
//! from its keys), its levels checked for order against `better`, its values
//! bounded so that the evaluation stays exact, and the decimals it is written
//! with; and the term values that offers and alternatives give.

use std::collections::HashMap;

use super::keys;
use super::*;
use crate::diag::did_you_mean;
use crate::fields::{Checker, Fields, clip};
use crate::yaml::{Node, Value};

/// The terms that could be read, and the ids of those that could not (their
/// errors are reported): offers and alternatives may still name those ids
/// without being told the term is unknown.
pub(super) fn read_terms(
    c: &mut Checker,
    node: &Node,
    default_better: Option<Better>,
) -> (Vec<Term>, Vec<String>) {
    let items = c.seq(node, "`terms`");
    if items.is_empty() && node.as_seq().is_some() {
        c.error(node.pos, "`terms` must list at least one term", None);
    }
    let mut seen: HashMap<String, crate::diag::Pos> = HashMap::new();
    let mut terms = Vec::new();
    let mut broken = Vec::new();
    for (i, item) in items.iter().enumerate() {
        // Name the term by its id in messages when it has a usable one.
        let written_id = crate::fields::peek_str(item, "id").filter(|id| !seen.contains_key(*id));
        let what = written_id.map_or_else(
            || format!("term {}", i + 1),
            |id| format!("term `{}`", clip(id)),
        );
        let Some(f) = c.fields(item, &what, keys::TERM, &["id", "walk"]) else {
            continue;
        };
        let id = f
            .get("id")
            .and_then(|n| c.unique_id(n, "the term `id`", "term", &mut seen));
        match read_term(c, &f, id.clone(), &what, default_better) {
            Some(t) => terms.push(t),
            None => broken.extend(id),
        }
    }
    (terms, broken)
}

fn read_term(
    c: &mut Checker,
    f: &Fields,
    id: Option<String>,
    what: &str,
    default_better: Option<Better>,
) -> Option<Term> {
    let label = f
        .get("label")
        .and_then(|n| c.text(n, format_args!("{what} label")));
    let unit = f
        .get("unit")
        .and_then(|n| c.text(n, format_args!("{what} unit")));
    let weight = match f.get("weight") {
        Some(n) => match c.number(n, format_args!("{what} weight")) {
            Some(w) if w > MAX_WEIGHT => {
                c.error(
                    n.pos,
                    format!("{what} weight is too large: at most 1,000,000"),
                    Some("weights only compare terms with each other: 1 to 10 is plenty".into()),
                );
                1.0
            }
            Some(w) if w > 0.0 => w,
            Some(w) => {
                c.error(
                    n.pos,
                    format!("{what} weight must be greater than 0, found `{w}`"),
                    Some("leave it out for the default weight of 1".into()),
                );
                1.0
            }
            None => 1.0,
        },
        None => 1.0,
    };
    let deal_breaker = f
        .get("deal_breaker")
        .and_then(|n| c.boolean(n, format_args!("{what} deal_breaker")))
        .unwrap_or(true);
    let walk_node = f.get("walk");

    // The kind follows from the keys: `options` make a choice term, a yes/no
    // `walk` a yes/no term, anything else is numeric.
    // Whether "better for us" is known (a numeric term needs `better` or a valid `side`).
    let mut direction_known = true;
    let kind = if let Some(opts) = f.get("options") {
        if let Some(b) = f.get("better") {
            c.error(
                b.pos,
                format!("{what} has `options`: `better` only applies to numeric terms"),
                Some("options are listed best first; remove `better`".into()),
            );
        }
        let mut options = Vec::new();
        let items = c.seq(opts, format_args!("{what} options"));
        if items.is_empty() && opts.as_seq().is_some() {
            c.error(
                opts.pos,
                format!("{what} options must list at least one option"),
                None,
            );
        }
        for o in items {
            if let Some(s) = c.text(o, format_args!("an option of {what}")) {
                if options.contains(&s) {
                    c.error(
                        o.pos,
                        format!("option `{}` is listed twice in {what}", clip(&s)),
                        None,
                    );
                } else {
                    options.push(s);
                }
            }
        }
        TermKind::Choice { options }
    } else if walk_node.is_some_and(|n| match &n.value {
        Value::Bool(_) => true,
        // `walk: yes` meant a yes/no term: say so as one (YAML 1.2 reads it as text).
        Value::Str(s) => crate::fields::yaml11_bool(s).is_some(),
        _ => false,
    }) {
        if let Some(b) = f.get("better") {
            c.error(
                b.pos,
                format!("{what} is a yes/no term: `better` only applies to numeric terms"),
                Some("remove `better`".into()),
            );
        }
        TermKind::YesNo
    } else {
        let better = match f.get("better") {
            Some(n) => c.word(n, format_args!("{what} better")),
            None => default_better,
        };
        direction_known = better.is_some();
        TermKind::Number {
            better: better.unwrap_or(Better::Lower),
        }
    };

    let mut value = |key: &str| {
        f.get(key)
            .and_then(|n| term_value(c, n, &kind, format_args!("{what} {key}")).map(|v| (v, n)))
    };
    let wish = value("wish");
    let want = value("want");
    let walk = value("walk");
    let offer = value("offer");
    let their_walk = match (&kind, f.get("their_walk")) {
        (TermKind::YesNo, Some(n)) => {
            c.error(
                n.pos,
                format!(
                    "{what} is a yes/no term: `their_walk` applies to numeric and choice terms"
                ),
                Some("remove `their_walk`".into()),
            );
            None
        }
        _ => value("their_walk"),
    };
    let decimals = match f.get("decimals") {
        Some(n) => c.count(n, format_args!("{what} decimals"), MAX_DECIMALS),
        None => None,
    }
    .unwrap_or_else(|| {
        [&wish, &want, &walk, &offer, &their_walk]
            .into_iter()
            .flatten()
            .filter(|(v, _)| matches!(v, TermValue::Number(_)))
            .map(|(_, n)| crate::fields::written_decimals(c.source, n).min(MAX_DECIMALS))
            .max()
            .unwrap_or(0)
    });

    // Ordering: wish no worse than want, want no worse than walk.
    let probe = Term {
        id: String::new(),
        label: String::new(),
        unit: None,
        kind: kind.clone(),
        wish: None,
        want: None,
        walk: TermValue::Bool(false),
        offer: None,
        their_walk: None,
        weight,
        deal_breaker,
        decimals,
    };
    if direction_known && !matches!(kind, TermKind::YesNo) {
        let limits = [("wish", wish), ("want", want), ("walk", walk)];
        let given: Vec<_> = limits
            .iter()
            .filter_map(|(k, v)| v.map(|(v, n)| (*k, v, n)))
            .collect();
        for pair in given.windows(2) {
            let (ka, va, _) = pair[0];
            let (kb, vb, nb) = pair[1];
            if probe.advantage(va, vb) < 0.0 {
                let dir = match &kind {
                    TermKind::Number {
                        better: Better::Lower,
                    } => format!("lower is better here, so {ka} ≤ {kb}"),
                    TermKind::Number {
                        better: Better::Higher,
                    } => format!("higher is better here, so {ka} ≥ {kb}"),
                    _ => format!("options are best first, so {ka} comes no later than {kb}"),
                };
                let hint = match &kind {
                    TermKind::Number { .. } => Some(format!(
                        "{dir}; if the direction is wrong, set `better: {}`",
                        match &kind {
                            TermKind::Number {
                                better: Better::Lower,
                            } => "higher",
                            _ => "lower",
                        }
                    )),
                    _ => Some(dir.clone()),
                };
                c.error(nb.pos, format!("{what}: `{kb}` is better for us than `{ka}`, but the levels must run wish → want → walk from best to worst"), hint);
            }
        }
    }
    let label = label.or_else(|| id.clone());
    Some(Term {
        id: id?,
        label: label.unwrap_or_default(),
        unit,
        kind,
        wish: wish.map(|v| v.0),
        want: want.map(|v| v.0),
        walk: walk?.0,
        offer: offer.map(|v| v.0),
        their_walk: their_walk.map(|v| v.0),
        weight,
        deal_breaker,
        decimals,
    })
}

/// No term of a negotiation is worth more than this (a quadrillion), and below
/// it every difference and ratio the evaluation takes stays exact enough and
/// finite: a larger value is refused where it is written, rather than giving a
/// quietly wrong score.
pub(crate) const MAX_VALUE: f64 = 1e15;

/// Weights only compare terms with each other.
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// More decimals than this are not how anyone writes a price or a count.
pub(crate) const MAX_DECIMALS: u32 = 6;

/// A value for a term of the given kind.
fn term_value(
    c: &mut Checker,
    node: &Node,
    kind: &TermKind,
    what: impl std::fmt::Display + Copy,
) -> Option<TermValue> {
    match kind {
        TermKind::Number { .. } => {
            let x = c.number(node, what)?;
            if x.abs() > MAX_VALUE {
                c.error(
                    node.pos,
                    format!("{what} is too large: at most {MAX_VALUE:e} either way"),
                    Some("write the amount in a larger unit (thousands, millions)".into()),
                );
                return None;
            }
            Some(TermValue::Number(x))
        }
        TermKind::YesNo => c.boolean(node, what).map(TermValue::Bool),
        TermKind::Choice { options } => {
            let s = c.text(node, what)?;
            match options.iter().position(|o| *o == s) {
                Some(i) => Some(TermValue::Choice(i)),
                None => {
                    let hint = did_you_mean(&s, options.iter().map(String::as_str))
                        .or_else(|| Some(format!("the options are: {}", options.join(", "))));
                    c.error(
                        node.pos,
                        format!("{what} `{}` is not one of the term's options", clip(&s)),
                        hint,
                    );
                    None
                }
            }
        }
    }
}

/// `terms: { price: 10.05, ... }` in offers and alternatives. A value for a
/// term in `broken` (named, but not readable) is passed over in silence.
pub(super) fn term_values(
    c: &mut Checker,
    node: &Node,
    terms: &[Term],
    broken: &[String],
    what: &str,
) -> Vec<(usize, TermValue)> {
    let ids: Vec<&str> = terms
        .iter()
        .map(|t| t.id.as_str())
        .chain(broken.iter().map(String::as_str))
        .collect();
    let Some(f) = c.fields(node, format_args!("the terms of {what}"), &ids, &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        if let Some(n) = f.get(&t.id)
            && let Some(v) = term_value(c, n, &t.kind, format_args!("`{}` in {what}", t.id))
        {
            out.push((i, v));
        }
    }
    out
}
