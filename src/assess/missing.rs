//! What the brief does not say: why a condition could not be decided ("no offer
//! for price"), and observed behaviours that no rule mentions (most likely typos).

use super::Facts;
use crate::brief::Brief;
use crate::diag::{Diagnostic, did_you_mean};
use crate::rules::Rules;

/// Something the brief does not say that a condition needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No term has an offer.
    NoOffer,
    /// No alternative has terms, so there is no BATNA to score.
    NoPricedAlternative,
    NoDeadline,
    /// These terms (by index) have no offer.
    NoOfferFor(Vec<usize>),
    /// Some alternative has no terms.
    UnpricedAlternative,
}

impl Missing {
    /// The words `assessment.json` has always used ("no offer for price").
    pub fn describe(&self, b: &Brief) -> String {
        match self {
            Missing::NoOffer => "no term has an offer".into(),
            Missing::NoPricedAlternative => "no alternative has terms".into(),
            Missing::NoDeadline => "the brief has no deadline".into(),
            Missing::NoOfferFor(terms) => format!(
                "no offer for {}",
                terms
                    .iter()
                    .map(|i| b.terms[*i].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Missing::UnpricedAlternative => "an alternative has no terms".into(),
        }
    }
}

/// What a condition that could not be decided was missing, from the context
/// names it reads.
pub(super) fn explain(b: &Brief, f: &Facts, reads: &[String]) -> Vec<Missing> {
    let reads = |n: &str| reads.iter().any(|r| r == n);
    let mut parts = Vec::new();
    if reads("score") && f.score.is_none() {
        parts.push(Missing::NoOffer);
    }
    if reads("batna_score") && f.batna.is_none() {
        parts.push(Missing::NoPricedAlternative);
    }
    if reads("days_to_deadline") && f.days_to_deadline.is_none() {
        parts.push(Missing::NoDeadline);
    }
    if reads("terms") || reads("term") {
        let no_offer: Vec<usize> = (0..b.terms.len())
            .filter(|&i| b.terms[i].offer.is_none())
            .collect();
        if !no_offer.is_empty() && !parts.contains(&Missing::NoOffer) {
            parts.push(Missing::NoOfferFor(no_offer));
        }
    }
    if reads("alternatives") && b.alternatives.iter().any(|a| a.terms.is_empty()) {
        parts.push(Missing::UnpricedAlternative);
    }
    parts
}

/// `explain` in the words of `assessment.json` ("no offer for price; the brief
/// has no deadline"), or None when nothing the condition reads is missing.
pub(super) fn describe(b: &Brief, f: &Facts, reads: &[String]) -> Option<String> {
    let why = explain(b, f, reads);
    (!why.is_empty()).then(|| {
        why.iter()
            .map(|m| m.describe(b))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A word that is the start of a known id, or the other way round
/// (`retracted` for `retracted_concession`): too far apart for "did you mean"
/// by letters, but the same idea.
fn part_of(word: &str, known: &[String]) -> Option<String> {
    if word.chars().count() < 4 {
        return None;
    }
    known
        .iter()
        .find(|k| k.starts_with(word) || word.starts_with(k.as_str()))
        .map(|k| format!("did you mean `{k}`?"))
}

/// An observed id that no loaded rule mentions is most likely a typo.
pub(super) fn observed_warnings(b: &Brief, rules: &Rules) -> Vec<Diagnostic> {
    let unknown: Vec<_> = b
        .observed
        .iter()
        .filter(|o| !rules.mentions(&o.id))
        .collect();
    if unknown.is_empty() {
        // The usual case: no list of the ids to suggest from is needed.
        return Vec::new();
    }
    let known = rules.mentioned_ids();
    unknown
        .into_iter()
        .map(|o| {
            let hint = did_you_mean(&o.id, known.iter().map(String::as_str))
                .or_else(|| part_of(&o.id, &known))
                .unwrap_or_else(|| "no rule tests for it, so it changes nothing".to_string());
            Diagnostic::warning(
                &b.path,
                Some(o.pos),
                format!("observed behaviour `{}` is not mentioned by any rule", o.id),
            )
            .with_hint(hint)
            .with_source(&b.source)
        })
        .collect()
}
