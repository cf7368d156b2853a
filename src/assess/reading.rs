//! A name a condition read and its value, typed for showing: what
//! `capture` produces and `explain` reports. `terminal` writes the values in
//! the brief's units and decimals; JSON has them as they are.

use cel::Value;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// One name a condition read, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// As people read it: `term.price.offer`, `terms[price].beyond_walk`,
    /// `terms[*].no_zopa` (the same for every term).
    pub name: String,
    pub value: Val,
    /// The brief's term the value belongs to (its unit and decimals).
    pub term: Option<usize>,
    /// For a value derived from a term's values (`beyond_walk`, `near_walk`,
    /// `no_zopa`...): those values (`term.price.offer`, `term.price.walk`...),
    /// so that the reader sees why it came out as it did.
    pub because: Vec<Reading>,
}

/// A value of the context, typed for showing.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Number(f64, Measure),
    Text(String),
    List(Vec<Val>),
    /// Entries by key, sorted.
    Map(Vec<(String, Val)>),
    /// The name could not be read (a key that is not there): the message.
    Error(String),
}

/// What a number measures, which decides how people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A term's value (`offer`, `walk`, `zopa.low`...): its unit and decimals.
    Value,
    /// A distance in the term's unit (`gap_to_walk`).
    Amount,
    /// A score: one decimal.
    Score,
    Plain,
}

impl Reading {
    /// A reading of something that is no term's value.
    pub(super) fn plain(name: String, value: Val) -> Reading {
        Reading {
            name,
            value,
            term: None,
            because: Vec::new(),
        }
    }
}

fn measure(field: &str) -> Measure {
    match field {
        "wish" | "want" | "walk" | "offer" | "our_last" | "batna_value" | "their_walk" | "low"
        | "high" => Measure::Value,
        "gap_to_walk" => Measure::Amount,
        "score" | "batna_score" => Measure::Score,
        _ => Measure::Plain,
    }
}

/// A CEL value for showing. The context's values nest a few levels at most
/// (a map of terms, each with a `zopa` map), whatever the condition says.
pub(super) fn val(v: &Value, field: &str) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(x) => Val::Bool(*x),
        Value::Int(i) => Val::Int(*i),
        Value::UInt(u) => Val::Int(i64::try_from(*u).unwrap_or(i64::MAX)),
        Value::Float(x) => Val::Number(*x, measure(field)),
        Value::String(s) => Val::Text(s.to_string()),
        Value::List(items) => Val::List(items.iter().map(|i| val(i, field)).collect()),
        Value::Map(m) => {
            let mut entries: Vec<(String, Val)> = m
                .map
                .iter()
                .map(|(k, v)| {
                    let k = k.to_string();
                    let v = val(v, &k);
                    (k, v)
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Val::Map(entries)
        }
        other => Val::Error(format!("{other:?}")),
    }
}

impl Serialize for Val {
    /// As JSON: numbers as numbers, a name that could not be read as null.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null | Val::Error(_) => s.serialize_none(),
            Val::Bool(x) => s.serialize_bool(*x),
            Val::Int(i) => s.serialize_i64(*i),
            Val::Number(x, _) if x.is_finite() => s.serialize_f64(*x),
            Val::Number(..) => s.serialize_none(),
            Val::Text(t) => s.serialize_str(t),
            Val::List(items) => s.collect_seq(items),
            Val::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// Readings as a JSON object `{name: value}`, in the order they were read,
/// each followed by the term values it was derived from; each name once.
pub fn serialize_readings<S: Serializer>(readings: &[Reading], s: S) -> Result<S::Ok, S::Error> {
    let mut seen: Vec<&str> = Vec::new();
    let mut m = s.serialize_map(None)?;
    for r in readings
        .iter()
        .flat_map(|r| std::iter::once(r).chain(&r.because))
    {
        if !seen.contains(&r.name.as_str()) {
            seen.push(&r.name);
            m.serialize_entry(&r.name, &r.value)?;
        }
    }
    m.end()
}
