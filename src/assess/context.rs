//! The evaluation context (DESIGN §4): the names rule conditions and rule texts
//! see, built once per brief as JSON and converted for CEL. Templates see the same
//! values, so what a rule can test is what a template can show.

use cel::Value as Cel;
use serde_json::{Map, Value, json};

use super::derive::{self, Leverage, Position, TermEval};
use crate::brief::{Better, Brief, Term, TermKind};

pub struct Derived {
    pub evals: Vec<TermEval>,
    pub score: Option<f64>,
    pub alt_scores: Vec<Option<f64>>,
    pub batna: Option<(usize, f64)>,
    pub leverage: Leverage,
    pub rounds_without_movement: usize,
    pub retracted: bool,
    pub stakeholders_aligned: bool,
    pub days_to_deadline: Option<i64>,
}

fn opt_num(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |x| json!(x))
}

pub fn term_json(t: &Term, e: &TermEval) -> Value {
    let (kind, better) = match &t.kind {
        TermKind::Number {
            better: Better::Lower,
        } => ("number", json!("lower")),
        TermKind::Number {
            better: Better::Higher,
        } => ("number", json!("higher")),
        TermKind::Choice { .. } => ("choice", Value::Null),
        TermKind::YesNo => ("yes_no", Value::Null),
    };
    let val = |v: Option<crate::brief::TermValue>| v.map_or(Value::Null, |v| t.display_value(v));
    json!({
        "id": t.id,
        "label": t.label,
        "unit": t.unit,
        "kind": kind,
        "better": better,
        "deal_breaker": t.deal_breaker,
        "weight": t.weight,
        "wish": val(t.wish),
        "want": val(t.want),
        "walk": val(Some(t.walk)),
        "offer": val(t.offer),
        "has_offer": t.offer.is_some(),
        "position": e.position.as_str(),
        // Unknown without an offer: a condition on them is then "not evaluable".
        "beyond_walk": t.offer.map(|_| e.position == Position::Beyond),
        "near_walk": t.offer.map(|_| e.position == Position::Walk),
        "gap_to_walk": opt_num(e.gap_to_walk),
        "score": opt_num(e.score),
    })
}

/// The context of DESIGN §4 (without the exit scripts' extras).
pub fn base(b: &Brief, d: &Derived) -> Map<String, Value> {
    let terms: Vec<Value> = b
        .terms
        .iter()
        .zip(&d.evals)
        .map(|(t, e)| term_json(t, e))
        .collect();
    let by_id: Map<String, Value> = b
        .terms
        .iter()
        .zip(&terms)
        .map(|(t, j)| (t.id.clone(), j.clone()))
        .collect();
    let alternatives: Vec<Value> = b
        .alternatives
        .iter()
        .zip(&d.alt_scores)
        .map(|(a, s)| json!({ "name": a.name, "summary": a.summary, "has_terms": !a.terms.is_empty(), "score": opt_num(*s) }))
        .collect();
    let mut m = Map::new();
    m.insert("side".into(), json!(word(&b.side)));
    m.insert("relationship".into(), json!(word(&b.relationship)));
    m.insert("investment".into(), json!(word(&b.investment)));
    m.insert("authority".into(), json!(word(&b.authority)));
    m.insert("terms".into(), Value::Array(terms));
    m.insert("term".into(), Value::Object(by_id));
    m.insert(
        "observed".into(),
        json!(b.observed.iter().map(|o| o.id.as_str()).collect::<Vec<_>>()),
    );
    m.insert("alternatives".into(), Value::Array(alternatives));
    m.insert("options".into(), json!(b.alternatives.len()));
    m.insert("score".into(), opt_num(d.score));
    m.insert("batna_score".into(), opt_num(d.batna.map(|(_, s)| s)));
    m.insert("leverage".into(), json!(word(&d.leverage)));
    m.insert(
        "rounds_without_movement".into(),
        json!(d.rounds_without_movement),
    );
    m.insert("retracted".into(), json!(d.retracted));
    m.insert("stakeholders_aligned".into(), json!(d.stakeholders_aligned));
    m.insert(
        "days_to_deadline".into(),
        d.days_to_deadline.map_or(Value::Null, |x| json!(x)),
    );
    m
}

/// A serde-serialised enum as its word (`"buyer"`, `"one_off"`).
pub fn word<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// JSON → CEL. Whole numbers become CEL ints, others doubles, so that conditions
/// such as `rounds_without_movement >= 2` and `score < 40` both compare as written.
pub fn to_cel(v: &Value) -> Cel {
    match v {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Cel::Int(i),
            _ => Cel::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Cel::String(s.clone().into()),
        Value::Array(a) => Cel::List(a.iter().map(to_cel).collect::<Vec<_>>().into()),
        Value::Object(o) => {
            let map: std::collections::HashMap<String, Cel> =
                o.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            Cel::Map(map.into())
        }
    }
}

pub fn derive(b: &Brief, today: jiff::civil::Date) -> Derived {
    let evals: Vec<TermEval> = b.terms.iter().map(derive::eval_term).collect();
    let score = derive::weighted_score(&b.terms, |i| b.terms[i].offer);
    let alt_scores = derive::alternative_scores(b);
    let batna = derive::batna(&alt_scores);
    Derived {
        evals,
        score,
        batna,
        alt_scores,
        leverage: derive::leverage(b),
        rounds_without_movement: derive::rounds_without_movement(b),
        retracted: derive::retracted(b),
        stakeholders_aligned: b.stakeholders.iter().all(|s| s.signed_off),
        days_to_deadline: derive::days_to_deadline(b, today),
    }
}
