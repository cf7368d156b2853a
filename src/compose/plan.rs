//! How to move in the room: the concession plan of each term, the packages of
//! equal value (MESO) as a small table, and the withdrawal ladder with the
//! stage that applies now.

use serde::Serialize;

use super::numbers::{format_score, their_walk_shown, value_text};
use crate::assess::{Assessment, Plan, TermFacts};
use crate::brief::{Brief, Term, TermKind, TermValue};
use crate::rules::Stage;

/// One term's concession plan, in values and in words.
#[derive(Debug, Clone, Serialize)]
pub struct Concession<'a> {
    pub label: &'a str,
    pub steps: Vec<String>,
    pub floor: String,
    pub accept: bool,
    pub hold: bool,
    pub tradeable: bool,
    pub yes_no: bool,
    /// The plan in one or two sentences.
    pub text: String,
}

pub fn concessions<'a>(b: &'a Brief, a: &Assessment) -> Vec<Concession<'a>> {
    // Every term already at target (or a must-have): there is no "elsewhere"
    // to spend effort on, and agreeing term by term gives the last ones away.
    let all_met = a.facts.terms.iter().any(|e| e.concessions.accept)
        && a.facts
            .terms
            .iter()
            .all(|e| e.concessions.accept || e.concessions.hold);
    let short = super::view::shortfalls(b, a);
    b.terms
        .iter()
        .zip(&a.facts.terms)
        .enumerate()
        .map(|(i, (t, e))| {
            let p = &e.concessions;
            let taken = a.facts.retractions.iter().find(|r| r.term == i);
            let steps: Vec<String> = p.steps.iter().map(|v| value_text(t, Some(*v))).collect();
            Concession {
                label: &t.label,
                floor: match t.kind {
                    TermKind::YesNo => super::rows::walk_words(t),
                    _ => value_text(t, Some(p.floor)),
                },
                accept: p.accept,
                hold: p.hold,
                tradeable: p.tradeable,
                yes_no: matches!(t.kind, TermKind::YesNo),
                text: words(t, p, e, &steps, all_met, taken, &short),
                steps,
            }
        })
        .collect()
}

/// The plan of a term in words.
fn words(
    t: &Term,
    p: &Plan,
    e: &TermFacts,
    steps: &[String],
    all_met: bool,
    taken: Option<&crate::assess::history::Retraction>,
    shortfalls: &[super::view::Shortfall],
) -> String {
    let opened = e.our_last.is_some();
    let floor = value_text(t, Some(p.floor));
    let want_v = crate::assess::scale::want_ref(t);
    let want = value_text(t, Some(want_v));
    if matches!(t.kind, TermKind::YesNo) {
        return if p.hold {
            "must have: not for trading. Without it there is no deal.".to_string()
        } else if t.walk == TermValue::Bool(true) {
            "wanted, not essential: trade it for something of value, never give it away."
                .to_string()
        } else {
            "optional: a bonus if it comes, never worth a concession.".to_string()
        };
    }
    if p.accept {
        // "their offer of 4 years", but "their offer (rubber set)": an
        // option's name is not a quantity.
        let offer = match t.kind {
            TermKind::Choice { .. } => format!("({})", value_text(t, t.offer)),
            _ => format!("of {}", value_text(t, t.offer)),
        };
        // Their limit lies further our way than the offer: room left.
        let room = match (e.their_walk, t.offer) {
            (Some(theirs), Some(o)) if t.advantage(theirs, o) > 0.0 => format!(
                " Their limit, about {}, leaves a little more room if you want to try.",
                value_text(t, their_walk_shown(t, e))
            ),
            _ => String::new(),
        };
        if all_met {
            // Every term at target: the pack says to confirm the deal and
            // reopen nothing, so no nudge to push for more.
            return format!(
                "their offer {offer} already meets your target ({want}): concede nothing here, and agree it only with the rest, as one package."
            );
        }
        return format!(
            "their offer {offer} already meets your target ({want}): accept it, and spend your effort elsewhere.{room}"
        );
    }
    // What the alternative gives, where it is the floor that matters (the
    // red flag says to tighten walk to it).
    let alt_floor = e.batna_floor(t);
    // Held at one value the alternative already matches: no ground is left
    // to give, in exchange or not.
    let no_ground = alt_floor.is_some_and(|f| match p.steps.as_slice() {
        [] => true,
        [only] => t.advantage(f, *only) >= 0.0,
        _ => false,
    });
    let tradeable = if p.tradeable && !no_ground {
        " Not a walk-away issue: give ground here only in exchange for something you value."
    } else {
        ""
    };
    let their_limit = || value_text(t, their_walk_shown(t, e));
    // Their limit short of our target (the zone of agreement says so too):
    // holding at the target would only stall, so the plan says where it ends;
    // short even of the alternative, no deal on this term is worth having.
    let short = match (e.zopa, e.their_walk) {
        (Some(_), Some(theirs)) if alt_floor.is_some_and(|f| t.advantage(f, theirs) > 0.0) => {
            format!(
                " Their limit, about {}, is short of what your alternative gives: no deal on this term beats it, so win it back on other terms or prepare to leave.",
                their_limit()
            )
        }
        (Some(_), Some(theirs)) if t.advantage(want_v, theirs) > 0.0 => format!(
            " Their limit, about {}, is short of your target: expect to settle near it, and win the difference on other terms.",
            their_limit()
        ),
        _ => String::new(),
    };
    let batna = match (alt_floor, e.batna_value) {
        (Some(v), _) => format!(
            " Your alternative already gives {}: treat that, not {floor}, as your floor.",
            value_text(t, Some(v))
        ),
        (None, Some(v)) if e.walk_below_batna && e.batna_lacks_must_have => format!(
            " Your alternative gives {} here, but it falls short of your limit on {}: it is no floor until that is solved.",
            value_text(t, Some(v)),
            super::view::shortfall_text(shortfalls, "your")
        ),
        (None, Some(v)) if e.walk_below_batna => format!(
            " Your alternative gives {} here, better than your target: weigh it against this deal as a whole, not term by term.",
            value_text(t, Some(v))
        ),
        _ => String::new(),
    };
    // A concession they took back is the first thing to ask for again: they
    // have shown they can give it.
    let back = taken
        .map(|r| {
            let when = r
                .before_date
                .map(|d| format!(" on {}", super::numbers::long_date(d)))
                .unwrap_or_default();
            let then = match alt_floor {
                // Their old offer is no better than what the alternative
                // gives: it shows there is room, but is no number to ask for.
                Some(f) if t.advantage(f, r.before) >= 0.0 => {
                    "that shows there is room to move, but your alternative does at least as well, so ask from there"
                }
                // Short of our target, it is no number to open with: asking
                // for it first would set the bar below the target.
                _ if t.advantage(want_v, r.before) > 0.0 => {
                    "remind them of it, expect nothing worse than that, and keep asking for more, toward your target"
                }
                _ => "ask for it again before anything else",
            };
            format!(
                " They offered {}{when} and took it back: {then}.",
                value_text(t, Some(r.before))
            )
        })
        .unwrap_or_default();
    let trade = format!("{back}{batna}{short}{tradeable}");
    let start = if opened {
        "stay at your last offer,"
    } else {
        "open at"
    };
    let open = if opened {
        "open at your last offer,"
    } else {
        "open at"
    };
    // Their limit lies further our way than our target: a step past it gives
    // away what they would have conceded, so the steps end there.
    if let Some(theirs) = e.their_walk.filter(|&x| t.advantage(x, want_v) > 0.0) {
        let kept: Vec<&String> = p
            .steps
            .iter()
            .zip(steps)
            .take_while(|(v, _)| t.advantage(**v, theirs) > 0.0)
            .map(|(_, s)| s)
            .collect();
        if let [first, rest @ ..] = kept.as_slice() {
            let mut path: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
            let limit = their_limit();
            path.push(&limit);
            return format!(
                "{open} {first}, then {} (about their limit: go no further); never past {floor}.{trade}",
                path.join(" → ")
            );
        }
        if let Some(first) = steps.first() {
            return format!(
                "{start} {first}, and hold there: their limit, about {}, is better for you than your target; never past {floor}.{trade}",
                their_limit()
            );
        }
    }
    match steps {
        [] => format!("never past {floor}.{trade}"),
        [only] => format!("{start} {only}, and hold there; never past {floor}.{trade}"),
        [first, rest @ ..] => format!(
            "{open} {first}, then {} (your target); never past {floor}.{trade}",
            rest.join(" → "),
        ),
    }
}

/// The packages of equal value as a table: a column per package, a row per
/// term in them.
#[derive(Debug, Clone, Serialize)]
pub struct PackagesTable {
    pub headers: Vec<String>,
    pub rows: Vec<PackageRow>,
    pub scores: Vec<String>,
    /// The target score they are all worth.
    pub target: String,
    /// How to use them, in a sentence or two: put them on the table together,
    /// or, when their offer already scores more, keep them back; and what a
    /// value marked † means.
    pub advice: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageRow {
    pub label: String,
    pub values: Vec<String>,
}

pub fn packages(b: &Brief, a: &Assessment) -> Option<PackagesTable> {
    let packages = a.packages(b);
    if packages.is_empty() {
        return None;
    }
    let best = packages.iter().map(|p| p.score).fold(f64::MIN, f64::max);
    // Every term has an offer and the offer is worth more to us than any
    // package: tabling them would hand back what they already gave.
    let offer_beats = a
        .facts
        .score
        .filter(|s| *s > best && b.terms.iter().all(|t| t.offer.is_some()));
    // Values worse than their offer are marked only for packages to table.
    let marked = |t: &Term, v: Option<TermValue>| offer_beats.is_none() && behind(t, v);
    let mut ids: Vec<usize> = packages
        .iter()
        .flat_map(|p| p.terms.iter().map(|(i, _)| *i))
        .collect();
    // A yes/no term outside the packages counts in their score at its walk
    // value: when that is "included", the table says so, as it does for a
    // must-have.
    ids.extend(
        b.terms
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.kind, TermKind::YesNo) && t.walk == TermValue::Bool(true))
            .map(|(i, _)| i),
    );
    ids.sort_unstable();
    ids.dedup();
    let rows = ids
        .iter()
        .map(|&i| {
            let t = &b.terms[i];
            PackageRow {
                label: t.label.clone(),
                values: packages
                    .iter()
                    .map(|p| {
                        let v = p
                            .terms
                            .iter()
                            .find(|(j, _)| *j == i)
                            .map_or(Some(t.walk), |(_, v)| Some(*v));
                        let text = match (v, &t.kind) {
                            (Some(TermValue::Bool(true)), TermKind::YesNo) => {
                                "included".to_string()
                            }
                            (v, _) => value_text(t, v),
                        };
                        if marked(t, v) {
                            format!("{text} †")
                        } else {
                            text
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let letters = ["A", "B", "C", "D"];
    let waiting = b.waiting_for();
    let target = crate::assess::packages::target(&b.terms);
    let n = packages.len();
    let mut advice = match offer_beats {
        Some(s) => format!(
            "Their offer already scores {}, more than any of these {n} (each worth about {}): do not put them on the table now, since each would give back ground they have already given. Keep them for if they take something back.",
            format_score(s),
            format_score(target)
        ),
        // Our own side has not signed off: tabled packages are offers, and
        // the pack says to commit to nothing until it has.
        None if !waiting.is_empty() => format!(
            "Prepare these {n}, but do not put them on the table until {} {} signed off: each is worth the same to you (a deal score of about {}), and the one they pick will show what they value.",
            crate::english::and_list(&waiting),
            if waiting.len() == 1 { "has" } else { "have" },
            format_score(target)
        ),
        None => format!(
            "{} these {n} on the table together and ask which works best for them: each is worth the same to you (a deal score of about {}), and the one they pick shows what they value.",
            // A walk pack shows them as what it would take to return (DESIGN §5).
            if a.verdict == crate::assess::Verdict::Walk {
                "If they come back, put"
            } else {
                "Put"
            },
            format_score(target)
        ),
    };
    let any_marked = packages
        .iter()
        .any(|p| p.terms.iter().any(|(i, v)| marked(&b.terms[*i], Some(*v))));
    if any_marked {
        advice.push_str(
            " A value marked † is worse for you than what they already offer on that term: ask for their offer there instead.",
        );
    }
    Some(PackagesTable {
        advice,
        headers: (0..packages.len())
            .map(|k| format!("Package {}", letters.get(k).unwrap_or(&"?")))
            .collect(),
        rows,
        scores: packages.iter().map(|p| format_score(p.score)).collect(),
        target: format_score(target),
    })
}

/// Whether a package's value for `t` is worse for us than their current offer
/// on it (a package should never ask for less than is already on the table).
fn behind(t: &Term, v: Option<TermValue>) -> bool {
    matches!((v, t.offer), (Some(v), Some(o)) if t.advantage(v, o) < 0.0)
}

/// One rung of the withdrawal ladder (DESIGN §4).
#[derive(Debug, Clone, Serialize)]
pub struct Rung {
    pub stage: Stage,
    pub label: &'static str,
    /// What the stage is for, in a few words.
    pub purpose: &'static str,
    /// The exit script the rules have for it (the highest priority).
    pub id: Option<String>,
    pub say: Vec<String>,
    /// The stage that applies now.
    pub now: bool,
    /// Whether leaving at this stage is followed by a letter.
    pub letter: bool,
}

pub fn purpose(s: Stage) -> &'static str {
    match s {
        Stage::Signal => "show, calmly, that you noticed; a question, not a complaint",
        Stage::Warn => "name the behaviour or the gap, and what happens if it goes on",
        Stage::Pause => "take a break, with a condition for resuming",
        Stage::ExitOpen => "end it, and leave the door open",
        Stage::ExitClosed => "end it, and do not invite a return",
    }
}
