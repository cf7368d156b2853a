//! The verdict in words: its label, the one line that says why, and the names
//! of the withdrawal ladder's stages.

use super::numbers::{format_number, format_score};
use crate::assess::{Assessment, Verdict};
use crate::rules::{Severity, Stage};

pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Walk => "Walk away",
        Verdict::Caution => "Caution",
        Verdict::Proceed => "Proceed",
    }
}

/// One line saying why the verdict is what it is.
pub fn headline(a: &Assessment, caution_below: f64) -> String {
    match a.verdict {
        Verdict::Walk => match a.deal_breakers.first() {
            Some(d) => format!("{}.", d.title.trim_end_matches('.')),
            None => "A deal breaker fired.".into(),
        },
        Verdict::Caution => {
            let high = a
                .red_flags
                .iter()
                .find(|f| f.severity == Some(Severity::High));
            if let Some(first) = high {
                format!("{}.", first.title.trim_end_matches('.'))
            } else {
                match a.facts.score {
                    Some(s) => format!(
                        "The deal scores {} (below {}).",
                        format_score(s),
                        format_number(caution_below)
                    ),
                    None => "Proceed with care.".into(),
                }
            }
        }
        Verdict::Proceed => match a.facts.score {
            Some(s) => format!(
                "The deal scores {} and no deal breaker or serious red flag fired.",
                format_score(s)
            ),
            None => "No deal breaker or serious red flag fired.".into(),
        },
    }
}

pub fn stage_label(s: Stage) -> &'static str {
    match s {
        Stage::Warn => "Warn",
        Stage::Pause => "Pause",
        Stage::ExitOpen => "Exit, door open",
        Stage::ExitClosed => "Exit, door closed",
    }
}
