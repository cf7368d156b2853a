//! The values of the names a condition read (`rules::reads` finds them),
//! captured from the context the assessment used: `term.price.offer = 10.45`,
//! and, for a comprehension over `terms`, the terms that decided it
//! (`terms[price].beyond_walk = true`), with the term values a derived field
//! came from. Pure.

use cel::common::ast::Expr;
use cel::objects::Key;
use cel::{Context, Value};

use super::reading::{Measure, Reading, Val, val};
use crate::brief::Brief;
use crate::rules::Condition;
use crate::rules::reads::{self, Each, Path, Quantifier, Reference, Step};

/// What `cond` read, with the values it saw in `ctx`, in the order written.
pub fn capture(b: &Brief, ctx: &Context, cond: &Condition) -> Vec<Reading> {
    let mut out = Vec::new();
    for r in reads::references(cond.expression()) {
        match r {
            Reference::Name(p) => {
                let term = term_of(b, &p);
                let because = match (term, p.steps.len(), &p.expr.expr) {
                    (Some(t), 2, Expr::Select(sel)) => match Value::resolve(&sel.operand, ctx) {
                        Ok(map) => inputs(b, t, &sel.field, &map),
                        Err(_) => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                push(
                    &mut out,
                    Reading {
                        name: p.name(),
                        value: resolve(&p, ctx),
                        term,
                        because,
                    },
                )
            }
            Reference::Each(e) => each(b, ctx, &e, &mut out),
        }
    }
    out
}

/// One element of a comprehension's range: how it is labelled and the
/// values its variables take.
struct Element {
    label: String,
    term: Option<usize>,
    vars: Vec<(String, Value)>,
}

/// A comprehension: the range whole when the element itself is used, and
/// the fields it read on the elements that decided it.
fn each(b: &Brief, ctx: &Context, e: &Each, out: &mut Vec<Reading>) {
    let range = match Value::resolve(e.range.expr, ctx) {
        Ok(v) => v,
        Err(err) => {
            let value = Val::Error(unreadable(&err));
            let name = e.range.name();
            return push(out, Reading::plain(name, value));
        }
    };
    if e.whole || !matches!(range, Value::List(_) | Value::Map(_)) {
        let name = e.range.name();
        let value = val(&range, field_of(&e.range));
        push(out, Reading::plain(name, value));
    }
    let elements = elements(b, e, &range);
    if elements.is_empty() && !e.whole {
        // Nothing to decide on: an empty list decided it.
        let value = val(&range, field_of(&e.range));
        return push(out, Reading::plain(e.range.name(), value));
    }
    if e.fields.is_empty() {
        return;
    }
    let says: Vec<Option<bool>> = elements
        .iter()
        .map(|el| match e.predicate {
            Some(p) => match Value::resolve(p, &scope(ctx, el)) {
                Ok(Value::Bool(x)) => Some(x),
                _ => None,
            },
            None => Some(true),
        })
        .collect();
    let shown = deciding(e.quantifier, &says);
    let values: Vec<Vec<Val>> = shown
        .iter()
        .map(|&i| {
            let inner = scope(ctx, &elements[i]);
            e.fields.iter().map(|f| resolve(f, &inner)).collect()
        })
        .collect();
    // A field with the same value on every element reads once, as `[*]`;
    // numbers in a term's unit are not merged (the units may differ).
    let everyone = shown.len() == elements.len() && shown.len() > 1;
    let merged: Vec<bool> = (0..e.fields.len())
        .map(|f| {
            everyone
                && !matches!(
                    values[0][f],
                    Val::Number(_, Measure::Value | Measure::Amount) | Val::Error(_)
                )
                && values.iter().all(|v| v[f] == values[0][f])
        })
        .collect();
    let name = |label: &str, f: &Path| f.named(&format!("{}[{label}]", e.range.name()));
    for (f, field) in e.fields.iter().enumerate().filter(|(f, _)| merged[*f]) {
        let value = values[0][f].clone();
        push(out, Reading::plain(name("*", field), value));
    }
    for (row, &i) in shown.iter().enumerate() {
        for (f, field) in e.fields.iter().enumerate().filter(|(f, _)| !merged[*f]) {
            let el = &elements[i];
            // The element's value is bound last (after its index, if any).
            let because = match (el.term, field.steps.as_slice(), el.vars.last()) {
                (Some(t), [Step::Field(f)], Some((_, term))) => inputs(b, t, f, term),
                _ => Vec::new(),
            };
            let reading = Reading {
                name: name(&el.label, field),
                value: values[row][f].clone(),
                term: el.term,
                because,
            };
            push(out, reading);
        }
    }
}

/// The values a derived field of term `t` comes from, read from the term as
/// conditions see it (`wish` and `want` only when the brief gives them).
fn inputs(b: &Brief, t: usize, field: &str, term: &Value) -> Vec<Reading> {
    let Some(id) = b.terms.get(t).map(|t| &t.id) else {
        return Vec::new();
    };
    let names: &[&str] = match field {
        "beyond_walk" | "gap_to_walk" => &["offer", "walk"],
        "near_walk" => &["offer", "want", "walk"],
        "position" | "score" => &["offer", "wish", "want", "walk"],
        "walk_below_batna" => &["walk", "batna_value"],
        "no_zopa" | "zopa" => &["walk", "their_walk"],
        _ => return Vec::new(),
    };
    let Value::Map(m) = term else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|n| {
            let v = m.map.iter().find_map(|(k, v)| match k {
                Key::String(k) if k.as_str() == *n => Some(v),
                _ => None,
            })?;
            let optional = matches!(*n, "wish" | "want");
            (!(optional && matches!(v, Value::Null))).then(|| Reading {
                name: format!("term.{id}.{n}"),
                value: val(v, n),
                term: Some(t),
                because: Vec::new(),
            })
        })
        .collect()
}

/// The elements of a range, each with its variables bound as CEL binds them:
/// a list's elements (with their index for a two-variable comprehension), a
/// map's keys (and values).
fn elements(b: &Brief, e: &Each, range: &Value) -> Vec<Element> {
    let bind = |first: Value, second: Value| match &e.var2 {
        Some(v2) => vec![(e.var.clone(), first), (v2.clone(), second)],
        None => vec![(e.var.clone(), second)],
    };
    let over_terms = e.range.steps.is_empty() && e.range.root == "terms";
    let over_term_map = e.range.steps.is_empty() && e.range.root == "term";
    match range {
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| Element {
                label: label(v).unwrap_or_else(|| i.to_string()),
                term: over_terms.then_some(i),
                vars: bind(Value::Int(i64::try_from(i).unwrap_or(i64::MAX)), v.clone()),
            })
            .collect(),
        Value::Map(m) => {
            let mut entries: Vec<(&Key, &Value)> = m.map.iter().collect();
            entries.sort_by_key(|(k, _)| k.to_string());
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = k.to_string();
                    Element {
                        term: over_term_map
                            .then(|| b.terms.iter().position(|t| t.id == key))
                            .flatten(),
                        label: key,
                        vars: match &e.var2 {
                            Some(_) => bind(Value::from(k), v.clone()),
                            None => vec![(e.var.clone(), Value::from(k))],
                        },
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A term's id, an alternative's name.
fn label(v: &Value) -> Option<String> {
    let Value::Map(m) = v else { return None };
    let get = |name: &str| {
        m.map.iter().find_map(|(k, v)| match (k, v) {
            (Key::String(k), Value::String(s)) if k.as_str() == name => Some(s.to_string()),
            _ => None,
        })
    };
    get("id").or_else(|| get("name"))
}

/// The context with an element's variables bound.
fn scope<'b, 'v>(ctx: &'b Context<'_, 'v>, el: &Element) -> Context<'b, 'v> {
    let mut inner = ctx.new_inner_scope();
    for (name, value) in &el.vars {
        inner.add_variable_from_value(name.clone(), value.clone());
    }
    inner
}

/// The elements that decided a comprehension: for `exists` (and a filter)
/// those it held for, for `all` those it failed for; when none did, those it
/// could not decide for; else all of them.
fn deciding(q: Quantifier, says: &[Option<bool>]) -> Vec<usize> {
    let with = |want: Option<bool>| -> Vec<usize> {
        (0..says.len()).filter(|&i| says[i] == want).collect()
    };
    let decided = match q {
        Quantifier::Exists | Quantifier::Select => with(Some(true)),
        Quantifier::All => with(Some(false)),
        Quantifier::Every => Vec::new(),
    };
    if !decided.is_empty() {
        return decided;
    }
    let unknown = with(None);
    if !unknown.is_empty() {
        return unknown;
    }
    (0..says.len()).collect()
}

fn push(out: &mut Vec<Reading>, r: Reading) {
    if !out.iter().any(|o| o.name == r.name) {
        out.push(r);
    }
}

fn resolve(p: &Path, ctx: &Context) -> Val {
    match Value::resolve(p.expr, ctx) {
        Ok(v) => val(&v, field_of(p)),
        Err(e) => Val::Error(unreadable(&e)),
    }
}

/// Why a value could not be read, in the brief's terms rather than CEL's
/// (as "not evaluable" says it for a whole condition).
fn unreadable(e: &cel::ExecutionError) -> String {
    match e {
        cel::ExecutionError::NoSuchKey(key) => format!("the brief has no `{key}`"),
        cel::ExecutionError::IndexOutOfBounds(_) => {
            "the brief has fewer items than this reads".to_string()
        }
        e if format!("{e:?}").contains("null_type") || format!("{e:?}").contains("Null") => {
            "a value it needs is missing (null)".to_string()
        }
        e => e.to_string(),
    }
}

/// The name a path ends with, which says what its number measures.
fn field_of<'p>(p: &'p Path) -> &'p str {
    match p.steps.last() {
        Some(Step::Field(f) | Step::Key(f)) => f,
        Some(Step::Index(_)) => "",
        None => &p.root,
    }
}

/// The term a path reads: `term.<id>...`, `terms[<i>]...`.
fn term_of(b: &Brief, p: &Path) -> Option<usize> {
    match (p.root.as_str(), p.steps.first()) {
        ("term", Some(Step::Field(id) | Step::Key(id))) => b.terms.iter().position(|t| t.id == *id),
        ("terms", Some(Step::Index(i))) => usize::try_from(*i).ok().filter(|i| *i < b.terms.len()),
        _ => None,
    }
}
