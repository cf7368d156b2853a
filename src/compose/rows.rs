//! The tables and lists of a prep pack: one row per term (values written as
//! people write them), the concession plan, the offer history and the
//! before-the-meeting checklist.

use serde::Serialize;

use super::numbers::{format_number, format_score, gap_text, value_text};
use super::view::Num;
use crate::assess::derive::{score, want_ref};
use crate::assess::{Assessment, Position, concessions};
use crate::brief::{Authority, Brief, From, TermKind, TermValue};

/// One row of the terms table (and, for the templates, a gauge's positions).
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub unit: Option<&'a str>,
    pub wish: String,
    pub want: String,
    pub walk: String,
    pub offer: String,
    pub batna: String,
    pub position: Position,
    pub gap: String,
    pub score: Option<String>,
    pub weight: String,
    pub deal_breaker: bool,
    pub beyond_walk: bool,
    /// Where want, the offer and the BATNA sit on the score scale (0 at walk,
    /// 100 at wish), for gauges drawn by the templates; a yes/no term has no
    /// scale to draw.
    pub yes_no: bool,
    pub want_pos: Num,
    pub offer_pos: Option<Num>,
    pub batna_pos: Option<Num>,
}

pub fn rows<'a>(b: &'a Brief, a: &Assessment) -> Vec<Row<'a>> {
    let batna_alt = a.facts.batna.and_then(|x| b.alternatives.get(x.index));
    b.terms
        .iter()
        .zip(&a.facts.terms)
        .enumerate()
        .map(|(i, (t, r))| {
            let batna_value =
                batna_alt.and_then(|alt| alt.terms.iter().find(|(j, _)| *j == i).map(|(_, v)| *v));
            Row {
                id: &t.id,
                label: &t.label,
                unit: t.unit.as_deref(),
                wish: value_text(t, t.wish),
                want: value_text(t, t.want),
                walk: match (&t.kind, t.walk) {
                    (TermKind::YesNo, TermValue::Bool(true)) => "must have".to_string(),
                    (TermKind::YesNo, TermValue::Bool(false)) => "optional".to_string(),
                    _ => value_text(t, Some(t.walk)),
                },
                offer: value_text(t, t.offer),
                batna: value_text(t, batna_value),
                position: r.position,
                gap: gap_text(t, r.gap_to_walk),
                score: r.score.map(format_score),
                weight: format_number(t.weight),
                deal_breaker: t.deal_breaker,
                beyond_walk: r.beyond_walk(),
                yes_no: matches!(t.kind, TermKind::YesNo),
                want_pos: Num(score(t, want_ref(t))),
                offer_pos: r.score.map(Num),
                batna_pos: batna_value.map(|v| Num(score(t, v))),
            }
        })
        .collect()
}

/// One term's concession plan.
#[derive(Debug, Clone, Serialize)]
pub struct Concession<'a> {
    pub label: &'a str,
    pub steps: Vec<String>,
    pub floor: String,
    pub tradeable: bool,
    pub yes_no: bool,
}

pub fn concessions(b: &Brief) -> Vec<Concession<'_>> {
    b.terms
        .iter()
        .map(|t| {
            let mut steps: Vec<String> = Vec::new();
            for v in concessions::steps(t) {
                let s = value_text(t, Some(v));
                if !steps.contains(&s) {
                    steps.push(s);
                }
            }
            Concession {
                label: &t.label,
                steps,
                floor: match t.kind {
                    TermKind::YesNo => "must have".to_string(),
                    _ => value_text(t, Some(t.walk)),
                },
                tradeable: !t.deal_breaker,
                yes_no: matches!(t.kind, TermKind::YesNo),
            }
        })
        .collect()
}

/// One round of the offer history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub date: String,
    pub from: From,
    pub who: String,
    pub terms: String,
}

pub fn history(b: &Brief) -> Vec<HistoryRow> {
    let name = |p: &crate::brief::Party, fallback: &str| {
        p.organisation
            .clone()
            .or(p.name.clone())
            .unwrap_or_else(|| fallback.into())
    };
    b.offers
        .iter()
        .map(|o| {
            let terms: Vec<String> = o
                .terms
                .iter()
                .map(|(i, v)| {
                    let t = &b.terms[*i];
                    format!("{}: {}", t.label, value_text(t, Some(*v)))
                })
                .collect();
            HistoryRow {
                date: o.date.map(|d| d.to_string()).unwrap_or_default(),
                from: o.from,
                who: match o.from {
                    From::Us => name(&b.us, "Us"),
                    From::Them => name(&b.them, "Them"),
                },
                terms: terms.join("; "),
            }
        })
        .collect()
}

/// One line of the before-the-meeting checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub done: bool,
    pub item: &'static str,
    pub detail: String,
}

pub fn checklist(b: &Brief, a: &Assessment) -> Vec<Check> {
    let unsigned: Vec<&str> = b
        .stakeholders
        .iter()
        .filter(|s| !s.signed_off)
        .map(|s| s.name.as_str())
        .collect();
    vec![
        Check {
            done: unsigned.is_empty() && !b.stakeholders.is_empty(),
            item: "Walk-away point agreed with stakeholders",
            detail: if b.stakeholders.is_empty() {
                "no stakeholders listed: who else must agree?".to_string()
            } else if unsigned.is_empty() {
                "everyone has signed off".to_string()
            } else {
                format!("waiting for {}", unsigned.join(", "))
            },
        },
        Check {
            done: !b.alternatives.is_empty(),
            item: "Alternatives ready",
            detail: match (b.alternatives.len(), a.facts.batna) {
                (0, _) => "no alternative listed: what will you do if this fails?".to_string(),
                (n, Some(bt)) => format!(
                    "{n} listed; best: {} (scores {})",
                    b.alternatives[bt.index].name,
                    format_score(bt.score)
                ),
                (n, None) => format!("{n} listed, none priced: add their terms to compare"),
            },
        },
        Check {
            done: b.authority == Authority::Full,
            item: "Counterpart's authority confirmed",
            detail: match b.authority {
                Authority::Full => "they can sign".to_string(),
                Authority::Limited => {
                    "limited: ask who else must approve, before you concede".to_string()
                }
                Authority::Unknown => "unknown: ask early whether they can sign".to_string(),
            },
        },
    ]
}
