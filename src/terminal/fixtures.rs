//! What `walkaway test` prints: a line per fixture, what differed, the count.

use std::fmt::Write as _;

use super::paint;
use crate::fixture::{Difference, FixtureReport, Status};
use crate::words::Word;

/// `walkaway test`: `ok NAME (path)` or `FAILED NAME (path)`, and under a
/// failure what differed, expected against actual, one field a line.
pub fn fixture_report(r: &FixtureReport, color: bool) -> String {
    let head = |word: &str, code: &str| {
        format!(
            "{} {} ({})\n",
            paint(word, code, color),
            r.name,
            r.path.display()
        )
    };
    match &r.status {
        Status::Passed => head("ok", "1;32"),
        Status::Failed { differences, .. } => {
            let mut s = head("FAILED", "1;31");
            for d in differences {
                let _ = writeln!(s, "  {}", difference(d));
            }
            s
        }
        Status::Invalid { what, .. } => {
            let mut s = head("FAILED", "1;31");
            let _ = writeln!(s, "  {what}: see the errors on stderr");
            s
        }
    }
}

fn difference(d: &Difference) -> String {
    let ids = |ids: &[String]| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    match d {
        Difference::Verdict { expected, actual } => {
            format!("verdict: expected {expected}, actual {actual}")
        }
        Difference::Fired {
            expected,
            fired,
            not_evaluable,
        } => {
            let mut s = format!(
                "fired: expected {} to fire, actual fired: {}",
                ids(expected),
                ids(fired)
            );
            for (id, why) in not_evaluable {
                let _ = write!(s, "; {id} could not be evaluated ({why})");
            }
            s
        }
        Difference::NotFired { expected, fired } => format!(
            "not_fired: expected {} not to fire, actual fired: {}",
            ids(expected),
            ids(fired)
        ),
        Difference::Stage { expected, actual } => format!(
            "stage: expected {}, actual {}",
            expected.map_or("none", |s| s.word()),
            actual
                .as_ref()
                .map_or_else(|| "none".to_string(), |(s, id)| format!("{s} ({id})"))
        ),
    }
}

/// The closing line of `walkaway test`.
pub fn fixtures_total(passed: usize, failed: usize) -> String {
    format!("{passed} passed, {failed} failed\n")
}
