//! `check --explain` as people read it: one line per rule, its values as a
//! condition reads them, with the brief's decimals (DESIGN §6:
//! `term.price.offer = 10.45, term.price.walk = 10.20`).

use std::fmt::Write as _;

use super::paint;
use crate::assess::explain::{Decision, Explanation, RuleKind};
use crate::assess::reading::{Measure, Val};
use crate::brief::{Brief, TermKind};
use crate::compose::numbers::{format_number, format_score};

/// `check --explain`: one line per rule — its kind, id, outcome, the values
/// its condition read (with the brief's decimals) and where its
/// `when:` is written.
pub fn explain_text(b: &Brief, rules: &[Explanation], color: bool) -> String {
    // Rules files named in walkaway.yaml are absolute: name them from here.
    let cwd = std::env::current_dir().ok();
    let width = rules
        .iter()
        .map(|e| e.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::from("  rule by rule:\n");
    for e in rules {
        let kind = match e.kind {
            RuleKind::DealBreaker => "deal breaker",
            RuleKind::RedFlag => "red flag",
            RuleKind::Score => "score",
            RuleKind::ExitScript => "exit script",
        };
        let (outcome, code) = match (e.outcome, e.chosen) {
            (Decision::Fired, Some(true)) => ("fired (chosen)".to_string(), "1"),
            (Decision::Fired, Some(false)) => ("fired (not chosen)".to_string(), "1"),
            (Decision::Fired, None) => ("fired".to_string(), "1"),
            (Decision::NotFired, _) => ("not fired".to_string(), "0"),
            (Decision::NotEvaluable, _) => (
                format!(
                    "not evaluable ({})",
                    e.missing.as_deref().unwrap_or("unknown")
                ),
                "33",
            ),
        };
        // Padded before painting: colour codes have no width.
        let outcome = paint(&format!("{outcome:<9}"), code, color && code != "0");
        let values = if e.values.is_empty() {
            "reads nothing from the brief".to_string()
        } else {
            e.values
                .iter()
                .map(|r| {
                    let mut v = format!("{} = {}", r.name, shown(b, r.term, &r.value));
                    if !r.because.is_empty() {
                        let inputs: Vec<String> = r
                            .because
                            .iter()
                            .map(|x| format!("{} = {}", x.name, shown(b, x.term, &x.value)))
                            .collect();
                        let _ = write!(v, " ({})", inputs.join(", "));
                    }
                    v
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(s, "    {kind:<12}  {:<width$}  {outcome}  {values}", e.id);
        if let Some(at) = e.location(cwd.as_deref()) {
            let _ = write!(s, "  {}", paint(&format!("at {at}"), "2", color));
        }
        s.push('\n');
    }
    s
}

/// A value a condition read, as a condition writes it: a term's values with
/// its decimals but no unit or thousands separator (`10.45`, `48500`), scores
/// with one decimal, text quoted.
fn shown(b: &Brief, term: Option<usize>, v: &Val) -> String {
    let t = term.and_then(|i| b.terms.get(i));
    match v {
        Val::Null => "null".into(),
        Val::Bool(x) => x.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Number(x, m) => match (m, t) {
            (Measure::Value, Some(t)) => format!("{:.*}", t.decimals as usize, x),
            (Measure::Amount, Some(t)) if matches!(t.kind, TermKind::Number { .. }) => {
                format!("{:.*}", t.decimals as usize, x)
            }
            (Measure::Score, _) => format_score(*x),
            _ => format_number(*x),
        },
        Val::Text(text) => format!("'{text}'"),
        // A list of terms or alternatives, read whole: how many.
        Val::List(items) if items.iter().any(|i| matches!(i, Val::Map(_))) => {
            format!("[{} items]", items.len())
        }
        Val::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| shown(b, term, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| match v {
                    Val::Map(_) => format!("{k}: {{…}}"),
                    _ => format!("{k}: {}", shown(b, term, v)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Error(e) => format!("(cannot be read: {e})"),
    }
}
