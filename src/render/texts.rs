//! The rules' own texts (`why`, `advice`, `say`, letter subject and body): rendered
//! with Tera against the evaluation context plus what a letter needs (the brief as
//! written, the interests met and not met, tone and sign-off).

use serde_json::{Map, Value, json};

use crate::assess::context::{Derived, word};
use crate::assess::derive::{Position, describe};
use crate::brief::Brief;

/// The brief as written, for templates: enums as their words, term values as the
/// brief wrote them, dates as YYYY-MM-DD.
pub fn brief_json(b: &Brief) -> Value {
    let party = |p: &crate::brief::Party| json!({ "name": p.name, "organisation": p.organisation, "email": p.email });
    let mut them = party(&b.them);
    them["authority"] = json!(word(&b.authority));
    let value_list = |vals: &[(usize, crate::brief::TermValue)]| -> Value {
        let m: Map<String, Value> = vals
            .iter()
            .map(|(i, v)| (b.terms[*i].id.clone(), b.terms[*i].display_value(*v)))
            .collect();
        Value::Object(m)
    };
    json!({
        "name": b.name,
        "title": b.title,
        "date": b.date.map(|d| d.to_string()),
        "side": word(&b.side),
        "us": party(&b.us),
        "them": them,
        "relationship": word(&b.relationship),
        "investment": word(&b.investment),
        "deadline": b.deadline.map(|d| d.to_string()),
        "alternatives": b.alternatives.iter().map(|a| json!({
            "name": a.name, "summary": a.summary, "terms": value_list(&a.terms),
        })).collect::<Vec<_>>(),
        "observed": b.observed.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        "offers": b.offers.iter().map(|o| json!({
            "date": o.date.map(|d| d.to_string()), "from": word(&o.from), "terms": value_list(&o.terms),
        })).collect::<Vec<_>>(),
        "stakeholders": b.stakeholders,
        "letter": { "tone": word(&b.letter.tone), "sign_off": b.letter.sign_off },
        "notes": b.notes.as_deref().map(super::html::sanitize_markdown),
    })
}

/// Adds `brief`, `met`, `unmet`, `batna`, `tone`, `sign_off` to a context.
pub fn extend_for_letters(ctx: &mut Map<String, Value>, b: &Brief, d: &Derived) {
    let terms = ctx
        .get("terms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let pick = |keep: &dyn Fn(Position) -> bool| -> Vec<Value> {
        b.terms
            .iter()
            .zip(&d.evals)
            .zip(&terms)
            .filter(|((_, e), _)| keep(e.position))
            .map(|((t, _), j)| {
                let mut j = j.clone();
                j["offer_text"] = json!(
                    t.offer
                        .map(|v| with_unit(&describe(v, t), t.unit.as_deref()))
                );
                j
            })
            .collect()
    };
    let met = pick(&|p| matches!(p, Position::Wish | Position::Want));
    let unmet = pick(&|p| matches!(p, Position::Walk | Position::Beyond));
    ctx.insert("brief".into(), brief_json(b));
    ctx.insert("met".into(), Value::Array(met));
    ctx.insert("unmet".into(), Value::Array(unmet));
    ctx.insert(
        "batna".into(),
        d.batna.map_or(
            Value::Null,
            |(i, s)| json!({ "name": b.alternatives[i].name, "score": s }),
        ),
    );
    ctx.insert("tone".into(), json!(word(&b.letter.tone)));
    ctx.insert("sign_off".into(), json!(b.letter.sign_off));
}

pub fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) if !u.is_empty() => format!("{value} {u}"),
        _ => value.to_string(),
    }
}

/// A Tera context from JSON. Whole numbers stored as floats (a walk value of 44,
/// a score of 100) become integers, so that templates print `44`, not `44.0`.
pub fn tera_context(ctx: &Map<String, Value>) -> Result<tera::Context, String> {
    fn tidy(v: &Value) -> Value {
        match v {
            Value::Number(n) => match n.as_f64() {
                Some(x) if n.is_f64() && x.fract() == 0.0 && x.abs() < 9.0e15 => {
                    Value::from(x as i64)
                }
                _ => v.clone(),
            },
            Value::Array(a) => Value::Array(a.iter().map(tidy).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), tidy(v))).collect())
            }
            _ => v.clone(),
        }
    }
    let tidied: Map<String, Value> = ctx.iter().map(|(k, v)| (k.clone(), tidy(v))).collect();
    tera::Context::from_serialize(&tidied).map_err(|e| e.to_string())
}

/// Render a rule text against a context.
pub fn render(text: &str, ctx: &Map<String, Value>, markdown: bool) -> Result<String, String> {
    let ctx = tera_context(ctx)?;
    super::templates::render_text(text, &ctx, markdown)
}
