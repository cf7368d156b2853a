//! The assessment as data (DESIGN §5): the shape of `assessment.json` and of
//! `check --json`, with stable keys. Templates see the same under `assessment`,
//! with whole numbers printed without ".0" (`Report<Num>`); the file keeps JSON
//! numbers as they are (`Report<f64>`).

use serde::Serialize;

use super::texts::{DealBreakerText, FiredTexts, RedFlagText};
use crate::assess::Leverage;
use crate::assess::{Assessment, NotEvaluable, Position, Verdict};
use crate::brief::Brief;
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
}

#[derive(Debug, Clone, Serialize)]
pub struct BatnaReport<N> {
    pub name: String,
    pub score: N,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermReport<N> {
    pub id: String,
    pub label: String,
    pub position: Position,
    pub beyond_walk: bool,
    pub gap_to_walk: Option<N>,
    pub score: Option<N>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExitReport {
    pub id: String,
    pub stage: Stage,
}

impl<N: From<f64>> Report<N> {
    pub fn new(b: &Brief, a: &Assessment, fired: &FiredTexts) -> Report<N> {
        let f = &a.facts;
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
                })
                .collect(),
            deal_breakers: fired.deal_breakers.clone(),
            red_flags: fired.red_flags.clone(),
            not_evaluable: a.not_evaluable.clone(),
            exit_script: a.exit_script.as_ref().map(|e| ExitReport {
                id: e.id.clone(),
                stage: e.stage,
            }),
        }
    }
}
