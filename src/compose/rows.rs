//! The tables and lists of a prep pack: one row per term (values written as
//! people write them, with their walk and the zone of agreement), the offer
//! history with any concession they took back, and the before-the-meeting
//! checklist.

use serde::Serialize;

use super::numbers::{
    and_list, format_number, format_score, gap_text, their_walk_label, their_walk_shown, value_text,
};
use super::view::{Num, zopa_text};
use crate::assess::scale::{has_scale, score, want_ref};
use crate::assess::{Assessment, Position, Retraction, WalkSource};
use crate::brief::{Authority, Brief, From, Term, TermKind, TermValue};

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
    /// Their walk as text, "≈ " before an estimate.
    pub their_walk: String,
    /// The zone of agreement as text, or why there is none.
    pub zone: String,
    pub position: Position,
    pub gap: String,
    pub score: Option<String>,
    pub weight: String,
    pub deal_breaker: bool,
    pub beyond_walk: bool,
    /// Where want, the offer, the BATNA and their walk sit on the score scale
    /// (0 at walk, 100 at wish), for gauges drawn by the templates; a yes/no
    /// term, or one whose scale is empty, has no gauge.
    pub yes_no: bool,
    pub gauge: bool,
    pub want_pos: Num,
    pub offer_pos: Option<Num>,
    pub batna_pos: Option<Num>,
    pub their_walk_pos: Option<Num>,
    pub zopa_low_pos: Option<Num>,
    pub zopa_high_pos: Option<Num>,
}

/// How the table writes a term's walk: "must have" only for a yes/no term we
/// will not give up; a tradeable one is "wanted".
pub fn walk_words(t: &Term) -> String {
    match (&t.kind, t.walk) {
        (TermKind::YesNo, TermValue::Bool(true)) if t.deal_breaker => "must have".to_string(),
        (TermKind::YesNo, TermValue::Bool(true)) => "wanted".to_string(),
        (TermKind::YesNo, TermValue::Bool(false)) => "optional".to_string(),
        _ => value_text(t, Some(t.walk)),
    }
}

pub fn rows<'a>(b: &'a Brief, a: &Assessment) -> Vec<Row<'a>> {
    b.terms
        .iter()
        .zip(&a.facts.terms)
        .map(|(t, e)| {
            let pos = |v: TermValue| Num(score(t, v));
            let their_walk = their_walk_label(t, e);
            let zone = match (e.zopa, e.no_zopa) {
                (Some(z), _) => zopa_text(t, z.low, z.high),
                (None, true) => "none".to_string(),
                _ => String::new(),
            };
            let zopa_pos = e.zopa.map(|z| {
                let (lo, hi) = (
                    score(t, TermValue::Number(z.low)),
                    score(t, TermValue::Number(z.high)),
                );
                (Num(lo.min(hi)), Num(lo.max(hi)))
            });
            Row {
                id: &t.id,
                label: &t.label,
                unit: t.unit.as_deref(),
                wish: value_text(t, t.wish),
                want: value_text(t, t.want),
                walk: walk_words(t),
                offer: value_text(t, t.offer),
                batna: value_text(t, e.batna_value),
                their_walk,
                zone,
                position: e.position,
                gap: gap_text(t, e.gap_to_walk),
                score: e.score.map(format_score),
                weight: format_number(t.weight),
                deal_breaker: t.deal_breaker,
                beyond_walk: e.beyond_walk(),
                yes_no: matches!(t.kind, TermKind::YesNo),
                gauge: has_scale(t),
                want_pos: pos(want_ref(t)),
                offer_pos: e.score.map(Num),
                batna_pos: e.batna_value.map(pos),
                their_walk_pos: e.their_walk.map(pos),
                zopa_low_pos: zopa_pos.map(|z| z.0),
                zopa_high_pos: zopa_pos.map(|z| z.1),
            }
        })
        .collect()
}

/// What the pack says about their walk and the zone of agreement, per term
/// where something is known.
pub fn zones(b: &Brief, a: &Assessment) -> Vec<String> {
    b.terms
        .iter()
        .zip(&a.facts.terms)
        .filter_map(|(t, e)| {
            let theirs = e.their_walk?;
            // A bound of the zone that is their (estimated) limit reads as it.
            let bound = |x: f64| {
                let v = Some(TermValue::Number(x));
                value_text(t, if v == e.their_walk { their_walk_shown(t, e) } else { v })
            };
            let how = match e.their_walk_source {
                Some(WalkSource::Offers) => {
                    "estimated from how their concessions are shrinking".to_string()
                }
                _ => "your estimate".to_string(),
            };
            let limit = value_text(t, their_walk_shown(t, e));
            // Our target past their limit: the term will settle near their
            // limit, and the rest has to be won elsewhere.
            let want = want_ref(t);
            let beyond_them = if e.zopa.is_some() && t.advantage(want, theirs) > 0.0 {
                format!(
                    " Our target ({}) lies past their limit: expect to settle near {limit} and win the difference on other terms.",
                    value_text(t, Some(want))
                )
            } else {
                String::new()
            };
            // Where the alternative already beats walk on this term, the part
            // of the zone worse than the alternative is worth nothing to us:
            // the zone runs from the alternative's value to their limit.
            let alt = match (e.batna_floor(t), e.zopa) {
                (Some(TermValue::Number(f)), Some(_)) => Some(f),
                _ => None,
            };
            if let (Some(f), TermValue::Number(th)) = (alt, theirs) {
                let gives = value_text(t, Some(TermValue::Number(f)));
                let line = if t.advantage(TermValue::Number(f), theirs) > 0.0 {
                    format!(
                        "{}: their limit is about {limit} ({how}), short of the {gives} our alternative already gives: \
                         no deal on this term beats the alternative. Win it back on other terms, or prepare to leave.",
                        t.label
                    )
                } else if f == th {
                    format!(
                        "{}: their limit is about {limit} ({how}), exactly what our alternative already gives: \
                         no deal on this term is better than the alternative.",
                        t.label
                    )
                } else {
                    format!(
                        "{}: their limit is about {limit} ({how}); our alternative already gives {gives}, \
                         so a deal worth having lies between {} and {}. \
                         Aim for the end that is better for us, and do not reveal our walk-away.{beyond_them}",
                        t.label,
                        bound(f.min(th)),
                        bound(f.max(th))
                    )
                };
                return Some(line);
            }
            let line = match e.zopa {
                Some(z) if z.low == z.high => format!(
                    "{}: their limit is about {limit} ({how}), exactly our walk-away: \
                     there is one value both sides can accept, and no room either side of it.",
                    t.label
                ),
                Some(z) => format!(
                    "{}: their limit is about {limit} ({how}); a deal is possible between {} and {}. \
                     Aim for the end that is better for us, and do not reveal our walk-away.",
                    t.label,
                    bound(z.low),
                    bound(z.high)
                ),
                None if e.no_zopa => format!(
                    "{}: their limit, about {limit} ({how}), lies past ours ({}): no value \
                     satisfies both. Trade on another term to close the gap, or prepare to leave.",
                    t.label,
                    value_text(t, Some(t.walk))
                ),
                None => format!("{}: their limit is about {limit} ({how}).", t.label),
            };
            Some(format!("{line}{beyond_them}"))
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

/// A concession they took back, in a sentence: which term, when, from what to
/// what.
pub fn retraction_text(b: &Brief, r: &Retraction) -> String {
    let t = &b.terms[r.term];
    // Dates as the rest of the pack writes them ("on 6 November 2026").
    let when = |d: Option<jiff::civil::Date>| {
        d.map_or_else(String::new, |d| {
            format!(" on {}", super::numbers::long_date(d))
        })
    };
    format!(
        "{}: they offered {}{}, then {}{}",
        t.label,
        value_text(t, Some(r.before)),
        when(r.before_date),
        value_text(t, Some(r.after)),
        when(r.date)
    )
}

/// One line of the before-the-meeting checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub done: bool,
    pub item: &'static str,
    pub detail: String,
}

pub fn checklist(b: &Brief, a: &Assessment) -> Vec<Check> {
    let unsigned = b.waiting_for();
    let priced = b
        .alternatives
        .iter()
        .filter(|x| !x.terms.is_empty())
        .count();
    let mut checks = vec![
        Check {
            done: unsigned.is_empty() && !b.stakeholders.is_empty(),
            item: "Walk-away point agreed with stakeholders",
            detail: if b.stakeholders.is_empty() {
                "no stakeholders listed: who else must agree?".to_string()
            } else if unsigned.is_empty() {
                "everyone has signed off".to_string()
            } else {
                format!("waiting for {}", and_list(&unsigned))
            },
        },
        Check {
            done: a.facts.batna.is_some(),
            item: "Alternatives ready and priced",
            detail: match (b.alternatives.len(), a.facts.batna) {
                (0, _) => "no alternative listed: what will you do if this fails?".to_string(),
                (n, Some(bt)) => format!(
                    "{n} listed, {priced} priced; the best, {}, scores {}",
                    b.alternatives[bt.index].name,
                    format_score(bt.score)
                ),
                (n, None) => format!(
                    "{n} listed, none priced: add their terms so that the offer can be compared"
                ),
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
    ];
    let loose: Vec<&str> = b
        .terms
        .iter()
        .zip(&a.facts.terms)
        .filter(|(_, e)| e.walk_below_batna && !e.batna_lacks_must_have)
        .map(|(t, _)| t.label.as_str())
        .collect();
    if !loose.is_empty() {
        checks.push(Check {
            done: false,
            item: "Walk-away points no looser than the alternative",
            detail: format!(
                "the alternative already does better on {}: tighten walk-away there",
                and_list(&loose)
            ),
        });
    }
    checks.push(Check {
        done: false,
        item: "After each meeting: confirm what was agreed in writing",
        detail: if a.facts.retractions.is_empty() {
            "a short e-mail the same day, so that nothing agreed can drift".to_string()
        } else {
            "they have taken a concession back: from now on nothing counts until it is in writing"
                .to_string()
        },
    });
    checks
}
