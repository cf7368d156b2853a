//! What the offer history says (DESIGN §3): our last offer on each term, their
//! offers on a term in order, how many of their last rounds moved nothing, and
//! each concession they took back (which term, when, from what to what).

use jiff::civil::Date;

use crate::brief::{Brief, From, TermValue};

/// A concession they took back: on `term`, their offer of `date` was worse for
/// us than the `before` they had offered on `before_date`.
#[derive(Debug, Clone, PartialEq)]
pub struct Retraction {
    pub term: usize,
    pub date: Option<Date>,
    pub before_date: Option<Date>,
    pub before: TermValue,
    pub after: TermValue,
}

/// Our latest offer on each term (the last `from: us` entry that names it).
pub fn our_last(b: &Brief) -> Vec<Option<TermValue>> {
    let mut last = vec![None; b.terms.len()];
    for offer in b.offers.iter().filter(|o| o.from == From::Us) {
        for (i, v) in &offer.terms {
            last[*i] = Some(*v);
        }
    }
    last
}

/// Their offers on one term, oldest first.
pub fn theirs(b: &Brief, term: usize) -> Vec<TermValue> {
    b.offers
        .iter()
        .filter(|o| o.from == From::Them)
        .filter_map(|o| o.terms.iter().find(|(i, _)| *i == term).map(|(_, v)| *v))
        .collect()
}

/// Their last consecutive offers that improved nothing for us. Each offer is
/// compared, term by term, with their last offer on that term before it
/// (however many offers ago: an offer may name only some terms); their first
/// offer has nothing to be compared with and is never counted.
pub fn rounds_without_movement(b: &Brief) -> usize {
    let mut last: Vec<Option<TermValue>> = vec![None; b.terms.len()];
    let mut improved = Vec::new();
    for offer in b.offers.iter().filter(|o| o.from == From::Them) {
        improved.push(
            offer
                .terms
                .iter()
                .any(|(i, v)| last[*i].is_some_and(|prev| b.terms[*i].advantage(*v, prev) > 0.0)),
        );
        for (i, v) in &offer.terms {
            last[*i] = Some(*v);
        }
    }
    improved
        .iter()
        .skip(1)
        .rev()
        .take_while(|moved| !**moved)
        .count()
}

/// The concessions they took back: one per term, from the best they had
/// offered on it to the latest value worse than that (dated when they first
/// offered that value), in the order the terms were first taken back. Saying
/// the same worse value again is not another retraction.
pub fn retractions(b: &Brief) -> Vec<Retraction> {
    let mut by_term: Vec<Retraction> = Vec::new();
    for r in each_retraction(b) {
        match by_term.iter_mut().find(|o| o.term == r.term) {
            Some(o) if o.after == r.after && o.before == r.before => {}
            Some(o) => *o = r,
            None => by_term.push(r),
        }
    }
    by_term
}

/// Every offer that made a term worse for us than the best they had offered
/// on it before, in the order of the history.
fn each_retraction(b: &Brief) -> Vec<Retraction> {
    let mut best: Vec<Option<(TermValue, Option<Date>)>> = vec![None; b.terms.len()];
    let mut found = Vec::new();
    for offer in b.offers.iter().filter(|o| o.from == From::Them) {
        for (i, v) in &offer.terms {
            let t = &b.terms[*i];
            match best[*i] {
                Some((prev, prev_date)) if t.advantage(*v, prev) < 0.0 => {
                    found.push(Retraction {
                        term: *i,
                        date: offer.date,
                        before_date: prev_date,
                        before: prev,
                        after: *v,
                    });
                }
                Some((prev, _)) if t.advantage(*v, prev) <= 0.0 => {}
                _ => best[*i] = Some((*v, offer.date)),
            }
        }
    }
    found
}
