//! What templates and rule texts see (DESIGN §4 and the README's "Texts see"):
//! the evaluation context under the same names conditions use, the brief as
//! written, and the terms met and not met. Typed views that borrow from the
//! brief; Tera's context is serialised from them, and from nothing else.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::assess::{Assessment, Leverage, Position, TermFacts, Verdict, WalkSource};
use crate::brief::{
    Authority, Brief, From, Level, Party, Relationship, Side, Stakeholder, Term, TermKind,
    TermValue, Tone,
};
use crate::markdown::sanitize_markdown;
use crate::words::Word;

use super::numbers::{fixed, format_score, gap_text, value_text, with_unit};

/// A number as templates print it: a whole number without a trailing ".0" (a
/// walk value of 44, a score of 100), any other as it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            s.serialize_i64(x as i64)
        } else {
            s.serialize_f64(x)
        }
    }
}

impl std::convert::From<f64> for Num {
    fn from(x: f64) -> Num {
        Num(x)
    }
}

/// A term value as the brief writes it: a number, an option's name, yes/no.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
pub enum ValueView<'a> {
    Number(Num),
    Option(&'a str),
    Index(usize),
    Bool(bool),
}

impl<'a> ValueView<'a> {
    pub fn of(t: &'a Term, v: TermValue) -> ValueView<'a> {
        match (v, &t.kind) {
            (TermValue::Number(x), _) => ValueView::Number(Num(x)),
            (TermValue::Choice(i), TermKind::Choice { options }) => {
                ValueView::Option(options.get(i).map_or("", String::as_str))
            }
            (TermValue::Choice(i), _) => ValueView::Index(i),
            (TermValue::Bool(b), _) => ValueView::Bool(b),
        }
    }
}

/// One term, as `terms` and `term.<id>` show it: the names conditions use,
/// and the same values as people read them (`*_text`).
#[derive(Debug, Clone, Serialize)]
pub struct TermView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub unit: Option<&'a str>,
    pub kind: &'static str,
    pub better: Option<&'static str>,
    pub deal_breaker: bool,
    pub weight: Num,
    pub wish: Option<ValueView<'a>>,
    pub want: Option<ValueView<'a>>,
    pub walk: ValueView<'a>,
    pub offer: Option<ValueView<'a>>,
    pub has_offer: bool,
    pub position: Position,
    /// Unknown (null) without an offer.
    pub beyond_walk: Option<bool>,
    pub near_walk: Option<bool>,
    pub gap_to_walk: Option<Num>,
    pub score: Option<Num>,
    pub our_last: Option<ValueView<'a>>,
    pub batna_value: Option<ValueView<'a>>,
    pub walk_below_batna: bool,
    pub their_walk: Option<ValueView<'a>>,
    pub their_walk_source: Option<WalkSource>,
    pub zopa: Option<ZopaView>,
    pub no_zopa: bool,
    pub wish_text: String,
    pub want_text: String,
    pub walk_text: String,
    pub offer_text: String,
    pub their_walk_text: String,
    pub our_last_text: String,
    pub batna_text: String,
    pub gap_text: String,
    pub score_text: String,
}

/// A zone of agreement, as numbers and as text ("9.40–10.20 EUR").
#[derive(Debug, Clone, Serialize)]
pub struct ZopaView {
    pub low: Num,
    pub high: Num,
    pub text: String,
}

impl<'a> TermView<'a> {
    pub fn new(t: &'a Term, e: &TermFacts) -> TermView<'a> {
        let (kind, better) = match &t.kind {
            TermKind::Number { better } => ("number", Some(better.word())),
            TermKind::Choice { .. } => ("choice", None),
            TermKind::YesNo => ("yes_no", None),
        };
        let val = |v: Option<TermValue>| v.map(|v| ValueView::of(t, v));
        let text = |v: Option<TermValue>| value_text(t, v);
        let has_offer = t.offer.is_some();
        TermView {
            id: &t.id,
            label: &t.label,
            unit: t.unit.as_deref(),
            kind,
            better,
            deal_breaker: t.deal_breaker,
            weight: Num(t.weight),
            wish: val(t.wish),
            want: val(t.want),
            walk: ValueView::of(t, t.walk),
            offer: val(t.offer),
            has_offer,
            position: e.position,
            beyond_walk: has_offer.then(|| e.beyond_walk()),
            near_walk: has_offer.then(|| e.near_walk()),
            gap_to_walk: e.gap_to_walk.map(Num),
            score: e.score.map(Num),
            our_last: val(e.our_last),
            batna_value: val(e.batna_value),
            walk_below_batna: e.walk_below_batna,
            their_walk: val(e.their_walk),
            their_walk_source: e.their_walk_source,
            zopa: e.zopa.map(|z| ZopaView {
                low: Num(z.low),
                high: Num(z.high),
                text: zopa_text(t, z.low, z.high),
            }),
            no_zopa: e.no_zopa,
            wish_text: text(t.wish),
            want_text: text(t.want),
            walk_text: text(Some(t.walk)),
            offer_text: text(t.offer),
            their_walk_text: text(e.their_walk),
            our_last_text: text(e.our_last),
            batna_text: text(e.batna_value),
            gap_text: gap_text(t, e.gap_to_walk),
            score_text: e.score.map(format_score).unwrap_or_default(),
        }
    }
}

/// "9.40–10.20 EUR", or "10.20 EUR" when the zone is a single value.
pub fn zopa_text(t: &Term, low: f64, high: f64) -> String {
    if low == high {
        value_text(t, Some(TermValue::Number(low)))
    } else {
        with_unit(
            &format!("{}–{}", fixed(low, t.decimals), fixed(high, t.decimals)),
            t.unit.as_deref(),
            Some(high),
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternativeView<'a> {
    pub name: &'a str,
    pub summary: Option<&'a str>,
    pub has_terms: bool,
    pub score: Option<Num>,
}

/// A term's view, made when something first reads it and then shared: a term
/// is in `terms`, in `term` and in `met` or `unmet`, and its clones share one
/// view and one Tera value, which Tera's serialiser then takes whole (other
/// serialisers, JSON, see the view itself). When no text that renders names
/// a term (`check` renders only the texts of the rules that fired), the
/// terms' texts are never written.
#[derive(Debug, Clone)]
pub struct LazyTerm<'a>(std::sync::Arc<TermCell<'a>>);

#[derive(Debug)]
struct TermCell<'a> {
    term: &'a Term,
    facts: &'a TermFacts,
    view: std::sync::OnceLock<TermView<'a>>,
    value: std::sync::OnceLock<tera::Value>,
}

impl<'a> LazyTerm<'a> {
    pub fn new(term: &'a Term, facts: &'a TermFacts) -> LazyTerm<'a> {
        LazyTerm(std::sync::Arc::new(TermCell {
            term,
            facts,
            view: Default::default(),
            value: Default::default(),
        }))
    }

    /// Where the offer stands, without making the view.
    pub fn position(&self) -> Position {
        self.0.facts.position
    }
}

impl<'a> std::ops::Deref for LazyTerm<'a> {
    type Target = TermView<'a>;
    fn deref(&self) -> &TermView<'a> {
        let cell = &*self.0;
        cell.view
            .get_or_init(|| TermView::new(cell.term, cell.facts))
    }
}

impl Serialize for LazyTerm<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0
            .value
            .get_or_init(|| tera::Value::from_serializable(&**self))
            .serialize(s)
    }
}

/// The evaluation context of DESIGN §4, exit scripts' names included: what a
/// condition can test is what a text can show.
#[derive(Debug, Clone, Serialize)]
pub struct ContextView<'a> {
    pub side: Side,
    pub relationship: Relationship,
    pub investment: Level,
    pub authority: Authority,
    pub terms: Vec<LazyTerm<'a>>,
    pub term: BTreeMap<&'a str, LazyTerm<'a>>,
    pub observed: Vec<&'a str>,
    pub alternatives: Vec<AlternativeView<'a>>,
    pub options: usize,
    pub score: Option<Num>,
    pub batna_score: Option<Num>,
    pub leverage: Leverage,
    pub rounds_without_movement: usize,
    pub retracted: bool,
    pub stakeholders_aligned: bool,
    pub days_to_deadline: Option<i64>,
    pub verdict: Verdict,
    pub deal_breakers: Vec<&'a str>,
    pub red_flags: Vec<&'a str>,
}

impl<'a> ContextView<'a> {
    pub fn new(b: &'a Brief, a: &'a Assessment) -> ContextView<'a> {
        let f = &a.facts;
        let terms: Vec<LazyTerm> = b
            .terms
            .iter()
            .zip(&f.terms)
            .map(|(t, e)| LazyTerm::new(t, e))
            .collect();
        let term = b
            .terms
            .iter()
            .zip(&terms)
            .map(|(t, v)| (t.id.as_str(), v.clone()))
            .collect();
        let alternatives = b
            .alternatives
            .iter()
            .zip(&f.alternatives)
            .map(|(alt, score)| AlternativeView {
                name: &alt.name,
                summary: alt.summary.as_deref(),
                has_terms: !alt.terms.is_empty(),
                score: score.map(Num),
            })
            .collect();
        ContextView {
            side: b.side,
            relationship: b.relationship,
            investment: b.investment,
            authority: b.authority,
            terms,
            term,
            observed: b.observed.iter().map(|o| o.id.as_str()).collect(),
            alternatives,
            options: b.alternatives.len(),
            score: f.score.map(Num),
            batna_score: f.batna.map(|x| Num(x.score)),
            leverage: f.leverage,
            rounds_without_movement: f.rounds_without_movement,
            retracted: f.retracted,
            stakeholders_aligned: f.stakeholders_aligned,
            days_to_deadline: f.days_to_deadline,
            verdict: a.verdict,
            deal_breakers: a.deal_breakers.iter().map(|x| x.id.as_str()).collect(),
            red_flags: a.red_flags.iter().map(|x| x.id.as_str()).collect(),
        }
    }

    /// The terms at want or better (`met`) and the others with an offer (`unmet`).
    pub fn met_and_unmet(&self, b: &'a Brief) -> (Vec<LazyTerm<'a>>, Vec<LazyTerm<'a>>) {
        let pick = |keep: &dyn Fn(Position) -> bool| -> Vec<LazyTerm<'a>> {
            b.terms
                .iter()
                .zip(&self.terms)
                .filter(|(_, v)| keep(v.position()))
                .map(|(_, v)| v.clone())
                .collect()
        };
        (
            pick(&|p| matches!(p, Position::Wish | Position::Want)),
            pick(&|p| matches!(p, Position::Walk | Position::Beyond)),
        )
    }
}

/// The brief as written (`brief.*` in texts and templates): enums as their
/// words, term values as the brief wrote them, dates as YYYY-MM-DD, notes made
/// safe to paste into Markdown.
#[derive(Debug, Clone, Serialize)]
pub struct BriefView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub date: Option<String>,
    pub side: Side,
    pub us: &'a Party,
    pub them: ThemView<'a>,
    pub relationship: Relationship,
    pub investment: Level,
    pub deadline: Option<String>,
    pub alternatives: Vec<AlternativeAsWritten<'a>>,
    pub observed: Vec<&'a str>,
    pub offers: Vec<OfferAsWritten<'a>>,
    pub stakeholders: &'a [Stakeholder],
    pub letter: LetterAsWritten<'a>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemView<'a> {
    #[serde(flatten)]
    pub party: &'a Party,
    pub authority: Authority,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternativeAsWritten<'a> {
    pub name: &'a str,
    pub summary: Option<&'a str>,
    pub terms: BTreeMap<&'a str, ValueView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfferAsWritten<'a> {
    pub date: Option<String>,
    pub from: From,
    pub terms: BTreeMap<&'a str, ValueView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LetterAsWritten<'a> {
    pub tone: Tone,
    pub sign_off: &'a str,
}

/// The brief as written, made when something first reads it: a rule text
/// that does not name `brief` (most of those `check` renders) never pays for
/// it; templates always read it.
#[derive(Debug, Clone)]
pub struct LazyBrief<'a> {
    brief: &'a Brief,
    view: std::sync::OnceLock<BriefView<'a>>,
}

impl<'a> LazyBrief<'a> {
    pub fn new(brief: &'a Brief) -> LazyBrief<'a> {
        LazyBrief {
            brief,
            view: Default::default(),
        }
    }
}

impl<'a> std::ops::Deref for LazyBrief<'a> {
    type Target = BriefView<'a>;
    fn deref(&self) -> &BriefView<'a> {
        self.view.get_or_init(|| BriefView::new(self.brief))
    }
}

impl Serialize for LazyBrief<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'a> BriefView<'a> {
    pub fn new(b: &'a Brief) -> BriefView<'a> {
        let values = |vals: &'a [(usize, TermValue)]| -> BTreeMap<&'a str, ValueView<'a>> {
            vals.iter()
                .map(|(i, v)| {
                    let t = &b.terms[*i];
                    (t.id.as_str(), ValueView::of(t, *v))
                })
                .collect()
        };
        BriefView {
            name: &b.name,
            title: &b.title,
            date: b.date.map(|d| d.to_string()),
            side: b.side,
            us: &b.us,
            them: ThemView {
                party: &b.them,
                authority: b.authority,
            },
            relationship: b.relationship,
            investment: b.investment,
            deadline: b.deadline.map(|d| d.to_string()),
            alternatives: b
                .alternatives
                .iter()
                .map(|a| AlternativeAsWritten {
                    name: &a.name,
                    summary: a.summary.as_deref(),
                    terms: values(&a.terms),
                })
                .collect(),
            observed: b.observed.iter().map(|o| o.id.as_str()).collect(),
            offers: b
                .offers
                .iter()
                .map(|o| OfferAsWritten {
                    date: o.date.map(|d| d.to_string()),
                    from: o.from,
                    terms: values(&o.terms),
                })
                .collect(),
            stakeholders: &b.stakeholders,
            letter: LetterAsWritten {
                tone: b.letter.tone,
                sign_off: &b.letter.sign_off,
            },
            notes: b.notes.as_deref().map(sanitize_markdown),
        }
    }
}

/// `batna` in texts: the best alternative's name and score.
#[derive(Debug, Clone, Serialize)]
pub struct BatnaView<'a> {
    pub name: &'a str,
    pub score: Num,
    pub score_text: String,
    /// The deal-breaker terms on which it is past our limit: while it falls
    /// short, it is no option we could take.
    pub falls_short: Vec<Shortfall<'a>>,
    /// The same in a sentence's words: "Days (8 days; our limit is 10 days)
    /// and Fully remote (not included)".
    pub falls_short_text: String,
}

/// A deal-breaker term on which the BATNA is past our limit.
#[derive(Debug, Clone, Serialize)]
pub struct Shortfall<'a> {
    pub label: &'a str,
    pub yes_no: bool,
    /// What it gives ("8 days"; for a yes/no term, "no").
    pub gives: String,
    /// Our limit ("10 days").
    pub limit: String,
}

/// The deal-breaker terms the BATNA names at a value past our walk, in the
/// order of the brief.
pub fn shortfalls<'a>(b: &'a Brief, a: &Assessment) -> Vec<Shortfall<'a>> {
    let Some(batna) = a.facts.batna else {
        return Vec::new();
    };
    crate::assess::derive::short_of_walk(b, batna)
        .into_iter()
        .map(|(i, v)| {
            let t = &b.terms[i];
            Shortfall {
                label: &t.label,
                yes_no: matches!(t.kind, crate::brief::TermKind::YesNo),
                gives: value_text(t, Some(v)),
                limit: value_text(t, Some(t.walk)),
            }
        })
        .collect()
}

/// Shortfalls in a sentence's words: "Days (8 days; {whose} limit is 10
/// days) and Fully remote (not included)".
pub fn shortfall_text(short: &[Shortfall], whose: &str) -> String {
    let parts: Vec<String> = short
        .iter()
        .map(|s| match s.yes_no {
            true => format!("{} (not included)", s.label),
            false => format!("{} ({}; {whose} limit is {})", s.label, s.gives, s.limit),
        })
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    super::numbers::and_list(&parts)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rules::cond::{CONTEXT_NAMES, EXIT_NAMES};

    /// Texts and templates see the names conditions see, with the same values.
    #[test]
    fn texts_see_the_names_conditions_see() {
        let text = "title: T\nside: seller\nterms:\n  - { id: fee, wish: 120, want: 100, walk: 80, offer: 90 }\n";
        let (b, _, a) = crate::assess::assessed(text);
        let json = serde_json::to_value(ContextView::new(&b, &a)).expect("serialises");
        let mut keys: Vec<&str> = json
            .as_object()
            .expect("map")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut expected: Vec<&str> = CONTEXT_NAMES.iter().chain(EXIT_NAMES).copied().collect();
        expected.sort();
        assert_eq!(keys, expected);
        // Whole numbers print without ".0"; others as they are.
        assert_eq!(json["term"]["fee"]["walk"], serde_json::json!(80));
        assert_eq!(json["term"]["fee"]["score"], serde_json::json!(25));
        assert_eq!(json["score"], serde_json::json!(25));
        assert_eq!(json["terms"][0]["better"], "higher");
    }

    /// A term's view is made when something reads it, once, and shared by
    /// `terms`, `term` and `met`/`unmet`.
    #[test]
    fn a_terms_view_is_made_once_when_read() {
        let text = "title: T\nside: seller\nterms:\n  - { id: fee, wish: 120, want: 100, walk: 80, offer: 110 }\n  - { id: days, wish: 10, want: 20, walk: 30, offer: 40, better: lower }\n";
        let (b, _, a) = crate::assess::assessed(text);
        let c = ContextView::new(&b, &a);
        let (met, unmet) = c.met_and_unmet(&b);
        let made = |o: &LazyTerm| o.0.view.get().is_some();
        assert!(!c.terms.iter().any(made), "nothing read a term yet");
        assert_eq!((met.len(), unmet.len()), (1, 1));
        assert!(std::sync::Arc::ptr_eq(&c.terms[0].0, &c.term["fee"].0));
        assert!(std::sync::Arc::ptr_eq(&c.terms[0].0, &met[0].0));
        assert!(std::sync::Arc::ptr_eq(&c.terms[1].0, &unmet[0].0));
        assert_eq!(unmet[0].offer_text, "40");
        assert!(made(&c.terms[1]) && !made(&c.terms[0]));
        let json = serde_json::to_value(&c.term).expect("serialises");
        assert_eq!(json["fee"]["offer_text"], "110");
        assert!(made(&c.terms[0]));
    }

    /// The brief's view is made when something reads it, and serialises as
    /// the view itself.
    #[test]
    fn the_briefs_view_is_made_when_read() {
        let text = "title: T\nside: seller\nterms:\n  - { id: fee, wish: 120, want: 100, walk: 80, offer: 90 }\n";
        let (b, _) = crate::brief::load_str(Path::new("t.yaml"), text).expect("loads");
        let lazy = LazyBrief::new(&b);
        assert!(lazy.view.get().is_none());
        assert_eq!(
            serde_json::to_value(&lazy).expect("serialises"),
            serde_json::to_value(BriefView::new(&b)).expect("serialises")
        );
        assert!(lazy.view.get().is_some());
        assert_eq!(lazy.title, "T");
    }
}
