//! The assessment as data (DESIGN §5): the shape of `assessment.json` and of
//! `check --json`, with stable keys; version 0.2 adds `reasons`, `packages`
//! and, per term, the zone of agreement and the concession plan. Templates see
//! the same under `assessment`, with whole numbers printed without ".0"
//! (`Report<Num>`); the file keeps JSON numbers as they are (`Report<f64>`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::texts::{DealBreakerText, FiredTexts, RedFlagText};
use crate::assess::{Assessment, Leverage, NotEvaluable, Position, Verdict, WalkSource};
use crate::brief::{Brief, Term, TermKind, TermValue};
use crate::rules::Stage;

#[derive(Debug, Clone, Serialize)]
pub struct Report<N> {
    pub brief: String,
    pub title: String,
    pub verdict: Verdict,
    pub score: Option<N>,
    pub batna: Option<BatnaReport<N>>,
    pub leverage: Leverage,
    pub terms: Vec<TermReport<N>>,
    pub deal_breakers: Vec<DealBreakerText>,
    pub red_flags: Vec<RedFlagText>,
    pub not_evaluable: Vec<NotEvaluable>,
    pub exit_script: Option<ExitReport>,
    pub reasons: Vec<String>,
    pub packages: Vec<PackageReport<N>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatnaReport<N> {
    pub name: String,
    pub score: N,
}

/// A term value as the brief writes it: a number, an option's name, yes/no.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ValueReport<N> {
    Number(N),
    Option(String),
    Bool(bool),
}

impl<N: From<f64>> ValueReport<N> {
    pub fn of(t: &Term, v: TermValue) -> ValueReport<N> {
        match (v, &t.kind) {
            (TermValue::Number(x), _) => ValueReport::Number(N::from(x)),
            (TermValue::Choice(i), TermKind::Choice { options }) => {
                ValueReport::Option(options.get(i).cloned().unwrap_or_default())
            }
            (TermValue::Choice(i), _) => ValueReport::Number(N::from(i as f64)),
            (TermValue::Bool(b), _) => ValueReport::Bool(b),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TermReport<N> {
    pub id: String,
    pub label: String,
    pub position: Position,
    pub beyond_walk: bool,
    pub gap_to_walk: Option<N>,
    pub score: Option<N>,
    pub our_last: Option<ValueReport<N>>,
    pub batna_value: Option<ValueReport<N>>,
    pub walk_below_batna: bool,
    pub their_walk: Option<ValueReport<N>>,
    pub their_walk_source: Option<WalkSource>,
    pub zopa: Option<ZopaReport<N>>,
    pub no_zopa: bool,
    pub concessions: ConcessionsReport<N>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZopaReport<N> {
    pub low: N,
    pub high: N,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConcessionsReport<N> {
    pub steps: Vec<ValueReport<N>>,
    pub floor: ValueReport<N>,
    pub accept: bool,
    pub hold: bool,
    pub tradeable: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageReport<N> {
    pub terms: BTreeMap<String, ValueReport<N>>,
    pub score: N,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExitReport {
    pub id: String,
    pub stage: Stage,
}

impl<N: From<f64>> Report<N> {
    pub fn new(b: &Brief, a: &Assessment, fired: &FiredTexts, reasons: &[String]) -> Report<N> {
        let f = &a.facts;
        let value = |t: &Term, v: Option<TermValue>| v.map(|v| ValueReport::of(t, v));
        Report {
            brief: b.name.clone(),
            title: b.title.clone(),
            verdict: a.verdict,
            score: f.score.map(N::from),
            batna: f.batna.map(|x| BatnaReport {
                name: b.alternatives[x.index].name.clone(),
                score: N::from(x.score),
            }),
            leverage: f.leverage,
            terms: b
                .terms
                .iter()
                .zip(&f.terms)
                .map(|(t, e)| TermReport {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    position: e.position,
                    beyond_walk: e.beyond_walk(),
                    gap_to_walk: e.gap_to_walk.map(N::from),
                    score: e.score.map(N::from),
                    our_last: value(t, e.our_last),
                    batna_value: value(t, e.batna_value),
                    walk_below_batna: e.walk_below_batna,
                    their_walk: value(t, e.their_walk),
                    their_walk_source: e.their_walk_source,
                    zopa: e.zopa.map(|z| ZopaReport {
                        low: N::from(z.low),
                        high: N::from(z.high),
                    }),
                    no_zopa: e.no_zopa,
                    concessions: ConcessionsReport {
                        steps: e
                            .concessions
                            .steps
                            .iter()
                            .map(|v| ValueReport::of(t, *v))
                            .collect(),
                        floor: ValueReport::of(t, e.concessions.floor),
                        accept: e.concessions.accept,
                        hold: e.concessions.hold,
                        tradeable: e.concessions.tradeable,
                    },
                })
                .collect(),
            deal_breakers: fired.deal_breakers.clone(),
            red_flags: fired.red_flags.clone(),
            not_evaluable: a.not_evaluable.clone(),
            exit_script: a.exit_script.as_ref().map(|e| ExitReport {
                id: e.id.clone(),
                stage: e.stage,
            }),
            reasons: reasons.to_vec(),
            packages: a
                .packages(b)
                .iter()
                .map(|p| PackageReport {
                    terms: p
                        .terms
                        .iter()
                        .map(|(i, v)| (b.terms[*i].id.clone(), ValueReport::of(&b.terms[*i], *v)))
                        .collect(),
                    score: N::from(p.score),
                })
                .collect(),
        }
    }
}
