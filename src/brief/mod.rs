//! The negotiation brief (DESIGN §2): the typed model that the rest of the pipeline
//! works on. `load` turns a YAML file into a `Brief`, collecting every problem it
//! finds as a located diagnostic.

mod load;
mod terms;

// The bounds a term's values are checked against, which the schema states too.
pub(crate) use terms::{MAX_DECIMALS, MAX_VALUE, MAX_WEIGHT};

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

pub use load::{load_file, load_str};

use crate::diag::Pos;

crate::vocabulary! {
    /// Which side of the table we are on.
    pub enum Side { Buyer = "buyer", Seller = "seller" }
}

crate::vocabulary! {
    /// Whether the person across the table can agree final terms.
    pub enum Authority { Full = "full", Limited = "limited", Unknown = "unknown" }
}

crate::vocabulary! {
    /// Whether we will deal with them again.
    pub enum Relationship { Ongoing = "ongoing", OneOff = "one_off" }
}

crate::vocabulary! {
    /// How much we have invested in this deal.
    pub enum Level { Low = "low", Medium = "medium", High = "high" }
}

crate::vocabulary! {
    /// Which direction is good for us on a numeric term.
    pub enum Better { Lower = "lower", Higher = "higher" }
}

crate::vocabulary! {
    /// The register of the letters.
    pub enum Tone { Warm = "warm", Formal = "formal" }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Party {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    /// How a formal letter greets them ("Mr Berg"); `them` only.
    pub salutation: Option<String>,
}

/// A value of a term, of the term's kind. Choice values are indexes into `options`
/// (0 is the best option), so that comparing them is comparing numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TermValue {
    Number(f64),
    Choice(usize),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub enum TermKind {
    Number {
        better: Better,
    },
    /// `options` are best first.
    Choice {
        options: Vec<String>,
    },
    YesNo,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub label: String,
    pub unit: Option<String>,
    pub kind: TermKind,
    pub wish: Option<TermValue>,
    pub want: Option<TermValue>,
    pub walk: TermValue,
    pub offer: Option<TermValue>,
    /// Our estimate of their limit on the term (DESIGN §2, 0.2).
    pub their_walk: Option<TermValue>,
    pub weight: f64,
    pub deal_breaker: bool,
    /// How many decimals its values print with: `decimals:`, else the most any
    /// of its own values has as written (`0.90` → 2).
    pub decimals: u32,
}

impl Term {
    /// A term value as the brief would write it (a number, an option's name, a
    /// yes/no), for templates and JSON.
    pub fn display_value(&self, v: TermValue) -> serde_json::Value {
        match (v, &self.kind) {
            (TermValue::Number(x), _) => serde_json::json!(x),
            (TermValue::Choice(i), TermKind::Choice { options }) => {
                serde_json::json!(options.get(i).cloned().unwrap_or_default())
            }
            (TermValue::Choice(i), _) => serde_json::json!(i),
            (TermValue::Bool(b), _) => serde_json::json!(b),
        }
    }

    /// How many units `a` is better for us than `b` (negative: worse). Choice
    /// values count steps; yes/no counts "yes" as one step better than "no".
    pub fn advantage(&self, a: TermValue, b: TermValue) -> f64 {
        match (a, b, &self.kind) {
            (TermValue::Number(a), TermValue::Number(b), TermKind::Number { better }) => {
                match better {
                    Better::Lower => b - a,
                    Better::Higher => a - b,
                }
            }
            (TermValue::Choice(a), TermValue::Choice(b), _) => b as f64 - a as f64,
            (TermValue::Bool(a), TermValue::Bool(b), _) => {
                f64::from(u8::from(a)) - f64::from(u8::from(b))
            }
            _ => 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub name: String,
    pub summary: Option<String>,
    /// Values by term index.
    pub terms: Vec<(usize, TermValue)>,
}

crate::vocabulary! {
    /// Who made an offer.
    pub enum From { Us = "us", Them = "them" }
}

#[derive(Debug, Clone)]
pub struct OfferRound {
    pub date: Option<Date>,
    pub from: From,
    /// Values by term index.
    pub terms: Vec<(usize, TermValue)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stakeholder {
    pub name: String,
    pub role: Option<String>,
    pub signed_off: bool,
}

#[derive(Debug, Clone)]
pub struct Letter {
    pub tone: Tone,
    pub sign_off: String,
}

/// An observed behaviour id, with where it was written (for "did you mean" warnings).
#[derive(Debug, Clone)]
pub struct Observed {
    pub id: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Brief {
    /// The file stem: outputs go to `OUT/<name>/`.
    pub name: String,
    pub path: PathBuf,
    /// The file's text, for snippets in diagnostics found after loading.
    pub source: String,
    pub title: String,
    /// How letters name the deal inside a sentence ("the 2027 carton supply").
    pub topic: Option<String>,
    pub date: Option<Date>,
    pub side: Side,
    pub us: Party,
    pub them: Party,
    /// Where `us:` and `them:` are written (for messages about them).
    pub us_pos: Option<Pos>,
    pub them_pos: Option<Pos>,
    pub authority: Authority,
    pub relationship: Relationship,
    pub investment: Level,
    pub deadline: Option<Date>,
    pub terms: Vec<Term>,
    pub alternatives: Vec<Alternative>,
    pub observed: Vec<Observed>,
    pub offers: Vec<OfferRound>,
    pub stakeholders: Vec<Stakeholder>,
    pub letter: Letter,
    pub notes: Option<String>,
}

impl Brief {
    /// The stakeholders who have not signed off, by name.
    pub fn waiting_for(&self) -> Vec<&str> {
        self.stakeholders
            .iter()
            .filter(|s| !s.signed_off)
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Why the follow-up e-mail cannot be written (a missing `us.email` or
    /// `them.email`), as a warning located at the block that lacks it: the
    /// letter is still written, the e-mail is not.
    pub fn email_gap(&self) -> Option<crate::diag::Diagnostic> {
        let (key, pos) = if self.us.email.is_none() {
            ("us", self.us_pos)
        } else if self.them.email.is_none() {
            ("them", self.them_pos)
        } else {
            return None;
        };
        let (message, hint) = match pos {
            Some(p) => (
                format!(
                    "the follow-up e-mail cannot be written: `{key}` (line {}) has no `email`",
                    p.line
                ),
                format!("add `email: ...` to `{key}:`; the letter is written without it"),
            ),
            None => (
                format!(
                    "the follow-up e-mail cannot be written: the brief has no `{key}:` with an `email`"
                ),
                format!(
                    "add `{key}: {{ name: ..., email: ... }}`; the letter is written without it"
                ),
            ),
        };
        let d = crate::diag::Diagnostic::warning(
            &self.path,
            pos.or(Some(Pos { line: 1, col: 1 })),
            message,
        )
        .with_hint(hint);
        // Without the block there is no line to show: underlining the first
        // key would point at something unrelated.
        Some(match pos {
            Some(_) => d.with_source(&self.source),
            None => d,
        })
    }
}

/// The keys a brief may use, per mapping: the validator and the JSON Schema share them.
pub mod keys {
    pub const BRIEF: &[&str] = &[
        "title",
        "topic",
        "date",
        "side",
        "us",
        "them",
        "relationship",
        "investment",
        "deadline",
        "terms",
        "alternatives",
        "observed",
        "offers",
        "stakeholders",
        "letter",
        "notes",
    ];
    pub const US: &[&str] = &["name", "organisation", "email"];
    pub const THEM: &[&str] = &["name", "organisation", "email", "authority", "salutation"];
    pub const TERM: &[&str] = &[
        "id",
        "label",
        "unit",
        "better",
        "options",
        "wish",
        "want",
        "walk",
        "offer",
        "their_walk",
        "weight",
        "deal_breaker",
        "decimals",
    ];
    pub const ALTERNATIVE: &[&str] = &["name", "summary", "terms"];
    pub const OFFER: &[&str] = &["date", "from", "terms"];
    pub const STAKEHOLDER: &[&str] = &["name", "role", "signed_off"];
    pub const LETTER: &[&str] = &["tone", "sign_off"];
}
