//! What the brief does not say: why a condition could not be decided ("no offer
//! for price"), and observed behaviours that no rule mentions (most likely typos).

use super::Facts;
use crate::brief::Brief;
use crate::diag::{Diagnostic, did_you_mean};
use crate::rules::Rules;

/// What a condition that could not be decided was missing, from the context
/// names it reads.
pub(super) fn explain(b: &Brief, f: &Facts, reads: &[String]) -> Option<String> {
    let reads = |n: &str| reads.iter().any(|r| r == n);
    let mut parts = Vec::new();
    if reads("score") && f.score.is_none() {
        parts.push("no term has an offer".to_string());
    }
    if reads("batna_score") && f.batna.is_none() {
        parts.push("no alternative has terms".to_string());
    }
    if reads("days_to_deadline") && f.days_to_deadline.is_none() {
        parts.push("the brief has no deadline".to_string());
    }
    if reads("terms") || reads("term") {
        let no_offer: Vec<&str> = b
            .terms
            .iter()
            .filter(|t| t.offer.is_none())
            .map(|t| t.id.as_str())
            .collect();
        if !no_offer.is_empty() && !parts.iter().any(|p| p == "no term has an offer") {
            parts.push(format!("no offer for {}", no_offer.join(", ")));
        }
    }
    if reads("alternatives") && b.alternatives.iter().any(|a| a.terms.is_empty()) {
        parts.push("an alternative has no terms".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// An observed id that no loaded rule mentions is most likely a typo.
pub(super) fn observed_warnings(b: &Brief, rules: &Rules) -> Vec<Diagnostic> {
    let known = rules.mentioned_ids();
    b.observed
        .iter()
        .filter(|o| !rules.mentions(&o.id))
        .map(|o| {
            let hint = did_you_mean(&o.id, known.iter().map(String::as_str))
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
