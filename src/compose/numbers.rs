//! Values as people read them in a pack or a letter: a term's values with their
//! unit, scores to one decimal, gaps with a true minus sign, dates written out.
//! Every human output takes its numbers from here.

use crate::brief::{Term, TermKind, TermValue};

/// A term value as the brief would write it: a number, an option, yes or no.
pub fn describe(v: TermValue, t: &Term) -> String {
    match (v, &t.kind) {
        (TermValue::Number(x), _) => format_number(x),
        (TermValue::Choice(i), TermKind::Choice { options }) => {
            options.get(i).cloned().unwrap_or_default()
        }
        (TermValue::Choice(i), _) => i.to_string(),
        (TermValue::Bool(true), _) => "yes".into(),
        (TermValue::Bool(false), _) => "no".into(),
    }
}

/// A value with its unit ("0.93 EUR"), or empty when there is no value.
pub fn value_text(t: &Term, v: Option<TermValue>) -> String {
    v.map_or_else(String::new, |v| {
        with_unit(&describe(v, t), t.unit.as_deref())
    })
}

pub fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) if !u.is_empty() => format!("{value} {u}"),
        _ => value.to_string(),
    }
}

/// Scores to one decimal, as the rules' texts print them.
pub fn format_score(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Numbers as people write them: no trailing zeros, at most 2 decimals.
pub fn format_number(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// How far the offer is inside walk, in words: "3 days", "−0.03 EUR",
/// "1 step", "met".
pub fn gap_text(t: &Term, gap: Option<f64>) -> String {
    match (gap, &t.kind) {
        (None, _) => String::new(),
        (Some(g), TermKind::Choice { .. }) => {
            let n = g.abs();
            let word = if n == 1.0 { "step" } else { "steps" };
            format!(
                "{}{} {word}",
                if g < 0.0 { "−" } else { "" },
                format_number(n)
            )
        }
        (Some(g), TermKind::YesNo) => {
            if g < 0.0 {
                "not met".into()
            } else {
                "met".into()
            }
        }
        (Some(g), _) => {
            let s = with_unit(&format_number(g.abs()), t.unit.as_deref());
            if g < 0.0 { format!("−{s}") } else { s }
        }
    }
}

/// "23 November 2026".
pub fn long_date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = MONTHS[usize::try_from(d.month() - 1).unwrap_or(0).min(11)];
    format!("{} {m} {}", d.day(), d.year())
}
