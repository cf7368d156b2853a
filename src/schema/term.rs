//! A term of a brief (DESIGN §2): its keys, and the values each kind of term
//! takes. The kind is chosen as `brief/terms.rs` chooses it (`options`: a
//! choice; `walk: true|false`: yes/no; otherwise numeric), and the bounds are
//! the loader's own constants.

use serde_json::{Value, json};

use super::parts::{boolean, id, list, not_here, number, object, optional, text, with, words};
use crate::brief::{Better, MAX_DECIMALS, MAX_VALUE, MAX_WEIGHT, keys};
use crate::compose::numbers::format_number;

pub fn term() -> Value {
    let value =
        |what: &str| json!({ "type": ["number", "string", "boolean"], "description": what });
    let props = vec![
        (
            "id",
            id(
                "A short name for the term, unique in the brief: a-z, 0-9 and _. Offers, alternatives and rules name the term by it.",
                &["price", "payment_days", "delivery", "guarantee"],
            ),
        ),
        (
            "label",
            text("How the term is shown, e.g. `Unit price`. Default: the id."),
        ),
        (
            "unit",
            text("The unit of a numeric term, e.g. `EUR`, `days`, `%`."),
        ),
        (
            "better",
            words::<Better>(
                "Numeric terms: which way is good for you. Default: lower for a buyer, higher for a seller.",
                &[
                    (
                        "lower",
                        "Less is better for you (a price you pay, a delivery time).",
                    ),
                    (
                        "higher",
                        "More is better for you (a price you get, payment days you are given).",
                    ),
                ],
            ),
        ),
        (
            "options",
            with(
                with(
                    list(
                        "Makes this a choice term: the options, best first, e.g. `[weekly, fortnightly, monthly]`. \
                         `wish`, `want`, `walk` and `offer` are then options.",
                        text("An option of this choice term."),
                    ),
                    "minItems",
                    json!(1),
                ),
                "uniqueItems",
                json!(true),
            ),
        ),
        ("wish", value("The best you hope for, e.g. `wish: 9.10`.")),
        ("want", value("Your realistic target, e.g. `want: 9.60`.")),
        (
            "walk",
            value(
                "Your walk-away point: the worst you accept, decided before the meeting, e.g. `walk: 10.20`. \
                 On a yes/no term, `walk: true` means \"must have\".",
            ),
        ),
        (
            "offer",
            value(
                "Their latest position on this term, e.g. `offer: 10.45`. Leave it out until they make one.",
            ),
        ),
        (
            "their_walk",
            value(
                "Your estimate of their limit on this term (a number, or an option of a choice term).",
            ),
        ),
        (
            "weight",
            with(
                with(
                    with(
                        with(
                            number(
                                "How much this term counts against the others, e.g. `weight: 5`. Above 0; default 1.",
                            ),
                            "exclusiveMinimum",
                            json!(0),
                        ),
                        "maximum",
                        json!(MAX_WEIGHT),
                    ),
                    "default",
                    json!(1),
                ),
                "errorMessage",
                json!(format!(
                    "A number above 0 (at most {}), e.g. 5.",
                    format_number(MAX_WEIGHT)
                )),
            ),
        ),
        (
            "deal_breaker",
            with(
                boolean(
                    "true (the default): an offer past walk on this term makes the verdict walk. \
                     false: it is a red flag only, and the term can be traded.",
                ),
                "default",
                json!(true),
            ),
        ),
        (
            "decimals",
            json!({
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_DECIMALS,
                "description": "How many decimals the term's values print with, e.g. `2` for 0.90 EUR. \
                                Default: as many as its values are written with.",
                "errorMessage": format!("A whole number from 0 to {MAX_DECIMALS}."),
            }),
        ),
    ];
    debug_assert_eq!(props.len(), keys::TERM.len());
    let mut t = object(
        "Term",
        "One thing being negotiated. Numeric (a number per level), a choice (`options`, best first) \
         or yes/no (`walk: true` for a must-have).",
        props,
        &["id", "walk"],
    );
    if let Some(o) = t.as_object_mut() {
        o.extend(kinds());
    }
    t
}

/// Each kind of term takes values of its kind: the branch that applies is
/// chosen as `brief/terms.rs` chooses the kind.
fn kinds() -> serde_json::Map<String, Value> {
    let num = json!({
        "type": "number",
        "minimum": -MAX_VALUE,
        "maximum": MAX_VALUE,
        "errorMessage": format!(
            "A numeric term takes a number, without quotes or unit, e.g. 9000 (at most {MAX_VALUE:e} either way). \
             A yes/no term is written `walk: true` or `walk: false`; a choice term lists `options`."
        ),
    });
    let yes_no = json!({
        "type": "boolean",
        "errorMessage": "A yes/no term (its walk is true or false) takes true or false here. \
                         (`yes` and `no` are text in YAML 1.2.)",
    });
    let mut option = text("");
    if let Some(o) = option.as_object_mut() {
        o.remove("description");
        o.insert(
            "errorMessage".into(),
            json!("A choice term takes one of its options here, e.g. monthly."),
        );
    }
    let numeric_only = "`better` applies to numeric terms only: options are listed best first, and true is better than false.";
    let branch = |v: &Value, walk_too: bool, their_walk: Option<Value>| {
        let mut p = serde_json::Map::new();
        for k in ["wish", "want", "offer"] {
            p.insert(k.into(), optional(v.clone()));
        }
        if walk_too {
            p.insert("walk".into(), v.clone());
        }
        p.insert(
            "their_walk".into(),
            their_walk.unwrap_or_else(|| optional(v.clone())),
        );
        p
    };
    let mut choice_props = branch(&option, true, None);
    choice_props.insert("better".into(), not_here(numeric_only));
    let mut yes_no_props = branch(
        &yes_no,
        false,
        Some(not_here(
            "A yes/no term has no `their_walk`: it applies to numeric and choice terms.",
        )),
    );
    yes_no_props.insert("better".into(), not_here(numeric_only));
    let numeric_props = branch(&num, true, None);
    let mut m = serde_json::Map::new();
    m.insert(
        "if".into(),
        json!({ "required": ["options"], "properties": { "options": { "not": { "type": "null" } } } }),
    );
    m.insert("then".into(), json!({ "properties": choice_props }));
    m.insert(
        "else".into(),
        json!({
            "if": { "required": ["walk"], "properties": { "walk": { "type": "boolean" } } },
            "then": { "properties": yes_no_props },
            "else": { "properties": numeric_props },
        }),
    );
    m
}
