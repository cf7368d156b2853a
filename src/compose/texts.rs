//! The rules' own words for one brief: each fired rule's `why` or `advice`, the
//! chosen exit script's `say` lines and letter, and the lines of every rung of
//! the withdrawal ladder, rendered with Tera against the views of `view.rs`. A
//! text that fails to render is a diagnostic against the rules file that holds
//! it (for a rung that does not apply, its lines are left out instead).

use serde::Serialize;

use super::numbers::and_list;
use super::plan::{Rung, purpose};
use super::rows::retraction_text;
use super::summary::stage_label;
use super::view::{BatnaView, ContextView, LazyBrief, LazyTerm};
use super::voice::{Voice, greeting, topic};
use crate::assess::Assessment;
use crate::brief::{Brief, TermValue, Tone};
use crate::diag::Diagnostic;
use crate::rules::text::{Reads, Text};
use crate::rules::{ExitScript, Rules, Severity, Stage};

/// A deal breaker that fired, with its `why` rendered.
#[derive(Debug, Clone, Serialize)]
pub struct DealBreakerText {
    pub id: String,
    pub title: String,
    pub why: String,
}

/// A red flag that fired, with its `advice` rendered.
#[derive(Debug, Clone, Serialize)]
pub struct RedFlagText {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub advice: String,
}

/// `fired` in texts and templates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FiredTexts {
    pub deal_breakers: Vec<DealBreakerText>,
    pub red_flags: Vec<RedFlagText>,
}

/// The chosen exit script's words.
#[derive(Debug, Clone)]
pub struct ExitWords {
    pub say: Vec<String>,
    /// The letter's subject (one line of plain text) and body (Markdown, with
    /// brief text escaped), when the script has a letter.
    pub letter: Option<(String, String)>,
}

/// A deal-breaker term past walk.
#[derive(Debug, Clone, Serialize)]
pub struct WalkGap {
    pub label: String,
    pub yes_no: bool,
    pub offer_text: String,
    pub walk_text: String,
    /// Which way the offer is past our limit: "above" (a number higher than
    /// we can accept), "below" (lower than we can accept), or "" (a choice or
    /// yes/no term), so that a sentence can name the gap without the limit.
    pub beyond: &'static str,
}

/// A concession they took back, as a letter names it.
#[derive(Debug, Clone, Serialize)]
pub struct TakenBack {
    pub label: String,
    /// What they had offered ("30%").
    pub offered: String,
    /// When ("6 November 2026"), or "" when the history has no date.
    pub date: String,
}

/// What rule texts see: the context and the brief, and what letters need.
#[derive(Debug, Clone, Serialize)]
pub struct TextViews<'a> {
    #[serde(flatten)]
    pub context: ContextView<'a>,
    pub brief: LazyBrief<'a>,
    pub met: Vec<LazyTerm<'a>>,
    pub unmet: Vec<LazyTerm<'a>>,
    pub batna: Option<BatnaView<'a>>,
    pub tone: Tone,
    pub sign_off: &'a str,
    /// "Dear Mr Berg," / "Hi Lee," / "Hello,".
    pub greeting: String,
    /// How sentences name the deal ("the 2027 carton supply", "your proposal").
    pub topic: String,
    pub voice: Voice,
    /// Each concession they took back, in a sentence.
    pub retractions: Vec<String>,
    /// Each concession they took back, for a letter to them: the term, what
    /// they had offered and when.
    pub taken_back: Vec<TakenBack>,
    /// The terms past walk, by label, joined with "and".
    pub past_walk: String,
    /// The deal-breaker terms past walk, one by one: what they offer against
    /// our limit.
    pub walk_gaps: Vec<WalkGap>,
    /// The deal's score as people read it ("37.5"), none without an offer.
    pub score_text: Option<String>,
}

impl<'a> TextViews<'a> {
    pub fn new(b: &'a Brief, a: &'a Assessment) -> TextViews<'a> {
        let context = ContextView::new(b, a);
        let (met, unmet) = context.met_and_unmet(b);
        let past: Vec<&str> = b
            .terms
            .iter()
            .zip(&a.facts.terms)
            .filter(|(_, e)| e.beyond_walk())
            .map(|(t, _)| t.label.as_str())
            .collect();
        TextViews {
            brief: LazyBrief::new(b),
            met,
            unmet,
            batna: a.facts.batna.map(|x| {
                let falls_short = super::view::shortfalls(b, a);
                BatnaView {
                    name: &b.alternatives[x.index].name,
                    score: x.score.into(),
                    score_text: super::numbers::format_score(x.score),
                    falls_short_text: super::view::shortfall_text(&falls_short, "our"),
                    falls_short,
                }
            }),
            tone: b.letter.tone,
            sign_off: &b.letter.sign_off,
            greeting: greeting(b),
            topic: topic(b),
            voice: Voice::of(b),
            retractions: a
                .facts
                .retractions
                .iter()
                .map(|r| retraction_text(b, r))
                .collect(),
            taken_back: a
                .facts
                .retractions
                .iter()
                .map(|r| {
                    let t = &b.terms[r.term];
                    TakenBack {
                        label: t.label.clone(),
                        offered: super::numbers::value_text(t, Some(r.before)),
                        date: r
                            .before_date
                            .map(super::numbers::long_date)
                            .unwrap_or_default(),
                    }
                })
                .collect(),
            past_walk: and_list(&past),
            walk_gaps: b
                .terms
                .iter()
                .zip(&a.facts.terms)
                .filter(|(t, e)| e.beyond_walk() && t.deal_breaker)
                .map(|(t, _)| WalkGap {
                    label: t.label.clone(),
                    yes_no: matches!(t.kind, crate::brief::TermKind::YesNo),
                    offer_text: super::numbers::value_text(t, t.offer),
                    walk_text: super::numbers::value_text(t, Some(t.walk)),
                    beyond: match (t.offer, t.walk) {
                        (Some(TermValue::Number(o)), TermValue::Number(w)) if o > w => "above",
                        (Some(TermValue::Number(_)), TermValue::Number(_)) => "below",
                        _ => "",
                    },
                })
                .collect(),
            score_text: a.facts.score.map(super::numbers::format_score),
            context,
        }
    }
}

impl TextViews<'_> {
    /// The views as Tera's values, only those `reads` names: a text is given
    /// what it mentions, and turning the rest into values would be wasted.
    pub fn context(&self, reads: Reads) -> tera::TeraResult<tera::Context> {
        let mut ctx = tera::Context::new();
        let c = &self.context;
        // One line per name: a name missing here fails the test that gives
        // every name and compares with the views serialised whole.
        macro_rules! give {
            ($($name:ident: $value:expr),* $(,)?) => {$(
                // The name's bit, found when compiling (a name that is not
                // one of `given_names` does not compile).
                if reads.has_bit(const {
                    match crate::rules::text::bit_of(stringify!($name)) {
                        Some(bit) => bit,
                        None => panic!(concat!("not a name texts are given: ", stringify!($name))),
                    }
                }) {
                    ctx.insert_value(
                        stringify!($name),
                        tera::Value::try_from_serializable(&$value)?,
                    );
                }
            )*};
        }
        give!(
            side: c.side,
            relationship: c.relationship,
            investment: c.investment,
            authority: c.authority,
            terms: c.terms,
            term: c.term,
            observed: c.observed,
            alternatives: c.alternatives,
            options: c.options,
            score: c.score,
            batna_score: c.batna_score,
            leverage: c.leverage,
            rounds_without_movement: c.rounds_without_movement,
            retracted: c.retracted,
            stakeholders_aligned: c.stakeholders_aligned,
            days_to_deadline: c.days_to_deadline,
            verdict: c.verdict,
            deal_breakers: c.deal_breakers,
            red_flags: c.red_flags,
            brief: self.brief,
            met: self.met,
            unmet: self.unmet,
            batna: self.batna,
            tone: self.tone,
            sign_off: self.sign_off,
            greeting: self.greeting,
            topic: self.topic,
            voice: self.voice,
            retractions: self.retractions,
            taken_back: self.taken_back,
            past_walk: self.past_walk,
            walk_gaps: self.walk_gaps,
            score_text: self.score_text,
        );
        Ok(ctx)
    }
}

/// The views and the texts the rules give this brief for what happened.
pub struct Texts<'a> {
    pub views: TextViews<'a>,
    pub fired: FiredTexts,
    pub exit: Option<ExitWords>,
    /// The withdrawal ladder, every stage, with its lines (a prep pack needs
    /// it; `check` does not, and gets none).
    pub ladder: Vec<Rung>,
}

/// The names the texts rendered for this brief read: those of what fired,
/// of the chosen exit script and, with `ladder`, of the ladder's scripts.
fn reads(a: &Assessment, rules: &Rules, ladder: bool) -> Reads {
    let fired = a
        .deal_breakers
        .iter()
        .map(|f| &rules.deal_breakers[f.index].text)
        .chain(a.red_flags.iter().map(|f| &rules.red_flags[f.index].text));
    let exit = a.exit_script.iter().flat_map(|c| {
        let s = &rules.exit_scripts[c.index];
        s.say
            .iter()
            .chain(s.letter.iter().flat_map(|l| [&l.subject, &l.body]))
    });
    let stages: &[Stage] = if ladder { Stage::VALUES } else { &[] };
    let rungs = stages
        .iter()
        .filter_map(|&stage| best_script(rules, stage))
        .flat_map(|(_, s)| &s.say);
    fired
        .chain(exit)
        .chain(rungs)
        .fold(Reads::default(), |r, t| r.with(t.reads()))
}

/// Render the texts of what fired and of the chosen exit script, and with
/// `ladder` the withdrawal ladder's. All errors are collected, each naming
/// the rule and the rules file.
pub fn render<'a>(
    b: &'a Brief,
    a: &'a Assessment,
    rules: &Rules,
    with_ladder: bool,
) -> Result<Texts<'a>, Vec<Diagnostic>> {
    let views = TextViews::new(b, a);
    let reads = reads(a, rules, with_ladder);
    let mut errors = Vec::new();
    let mut ctx = match views.context(reads) {
        Ok(c) => c,
        Err(e) => return Err(vec![Diagnostic::error(&b.path, None, e.to_string())]),
    };
    let mut render_one =
        |ctx: &tera::Context, source: &Text, origin: &std::path::Path, what: String| {
            source.render(ctx).unwrap_or_else(|e| {
                errors.push(Diagnostic::error(
                    origin,
                    None,
                    format!("{what} failed to render for {}: {e}", b.path.display()),
                ));
                String::new()
            })
        };
    let deal_breakers: Vec<DealBreakerText> = a
        .deal_breakers
        .iter()
        .map(|f| {
            let r = &rules.deal_breakers[f.index];
            DealBreakerText {
                id: r.id.clone(),
                title: r.title.clone(),
                why: render_one(
                    &ctx,
                    &r.text,
                    &r.origin,
                    format!("the `why` of deal breaker `{}`", r.id),
                ),
            }
        })
        .collect();
    let red_flags: Vec<RedFlagText> = a
        .red_flags
        .iter()
        .map(|f| {
            let r = &rules.red_flags[f.index];
            RedFlagText {
                id: r.id.clone(),
                severity: f.severity.unwrap_or(Severity::Medium),
                title: r.title.clone(),
                advice: render_one(
                    &ctx,
                    &r.text,
                    &r.origin,
                    format!("the `advice` of red flag `{}`", r.id),
                ),
            }
        })
        .collect();
    let fired = FiredTexts {
        deal_breakers,
        red_flags,
    };
    // `say` lines and letters also see what fired, with its rendered text.
    if reads.has("fired") {
        ctx.insert("fired", &fired);
    }
    let exit = a.exit_script.as_ref().map(|chosen| {
        let s = &rules.exit_scripts[chosen.index];
        let what = |part: &str| format!("{part} of exit script `{}`", s.id);
        let say = s
            .say
            .iter()
            .map(|line| render_one(&ctx, line, &s.origin, what("a `say` line")))
            .map(|line| line.trim().to_string())
            .filter(|line| !line.is_empty())
            .collect();
        let letter = s.letter.as_ref().map(|l| {
            let subject = render_one(&ctx, &l.subject, &s.origin, what("the letter subject"));
            let body = render_one(&ctx, &l.body, &s.origin, what("the letter body"));
            (subject.replace(['\r', '\n'], " ").trim().to_string(), body)
        });
        ExitWords { say, letter }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let ladder = if with_ladder {
        ladder(a, rules, &ctx, exit.as_ref())
    } else {
        Vec::new()
    };
    Ok(Texts {
        views,
        fired,
        exit,
        ladder,
    })
}

/// The rules' highest-priority exit script of `stage` (the first written, of
/// equals), with its index.
fn best_script(rules: &Rules, stage: Stage) -> Option<(usize, &ExitScript)> {
    rules
        .exit_scripts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stage == stage)
        .fold(
            None,
            |best: Option<(usize, &ExitScript)>, (i, s)| match best {
                Some((_, b)) if b.priority >= s.priority => best,
                _ => Some((i, s)),
            },
        )
}

/// Every stage of the withdrawal ladder with the lines of the rules' highest-
/// priority script for it, whether or not it applies; the one that applies is
/// marked. The lines of a script that does not apply are rendered as if it did;
/// when they cannot be (they need something this brief lacks), they are left out.
fn ladder(
    a: &Assessment,
    rules: &Rules,
    ctx: &tera::Context,
    exit: Option<&ExitWords>,
) -> Vec<Rung> {
    Stage::VALUES
        .iter()
        .map(|&stage| {
            let best = best_script(rules, stage);
            let chosen = a.exit_script.as_ref().filter(|c| c.stage == stage);
            let now = chosen.is_some();
            // DESIGN §4: the highest-priority script of the stage, whether or
            // not it fired; the one that fired speaks for itself where it is
            // that script (its lines are already rendered).
            let (id, say, letter) = match (chosen, best) {
                (Some(c), Some((i, _))) if c.index == i => (
                    Some(c.id.clone()),
                    exit.map(|w| w.say.clone()).unwrap_or_default(),
                    rules.exit_scripts[c.index].letter.is_some(),
                ),
                (_, Some((_, s))) => {
                    let say: Result<Vec<String>, String> =
                        s.say.iter().map(|l| l.render(ctx)).collect();
                    let say = say
                        .unwrap_or_default()
                        .into_iter()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect();
                    (Some(s.id.clone()), say, s.letter.is_some())
                }
                (_, None) => (None, Vec::new(), false),
            };
            Rung {
                stage,
                label: stage_label(stage),
                purpose: purpose(stage),
                id,
                say,
                now,
                letter: letter && stage != Stage::Signal,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::rules::cond::{CONTEXT_NAMES, EXIT_NAMES};
    use crate::rules::text::{Reads, TEXT_NAMES, Text};

    /// The names the rules checker lets a text read are exactly the names the
    /// views give it: a name added to one and not the other fails here.
    #[test]
    fn the_checkers_know_exactly_the_names_of_the_text_views_and_the_pack() {
        let brief = "title: T\nside: buyer\nterms:\n  - { id: price, walk: 10, offer: 9 }\n";
        let (b, rules, a) = crate::assess::assessed(brief);
        // A serialised value's keys, sorted.
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().expect("a map").keys().cloned().collect();
            k.sort_unstable();
            k
        };
        let views = serde_json::to_value(super::TextViews::new(&b, &a)).expect("serialises");
        let mut known: Vec<&str> = CONTEXT_NAMES
            .iter()
            .chain(EXIT_NAMES)
            .chain(TEXT_NAMES)
            .copied()
            .collect();
        known.sort_unstable();
        assert_eq!(keys(&views), known);

        // And a template of the user's is refused for reading a name the pack
        // does not give it: the pack's names are exactly its keys.
        let opts = crate::compose::Options {
            today: jiff::civil::date(2026, 11, 23),
            paper: crate::artifact::Paper::A4,
            force_letter: true,
        };
        let pack = crate::compose::compose(&b, &a, &rules, opts).expect("composes");
        let pack = serde_json::to_value(&pack).expect("serialises");
        let mut known: Vec<&str> = crate::compose::pack_names().collect();
        known.sort_unstable();
        assert_eq!(keys(&pack), known);
    }

    /// A brief with something in every part, so that every view has its
    /// fields (a value that is none has no fields to show).
    const RICH: &str = "title: Rich
topic: the rich deal
date: 2026-12-01
deadline: 2026-12-20
side: buyer
us: { name: Dana Ruiz, organisation: Northwind, email: dana@example.com }
them: { name: Lee Park, organisation: Acme, email: lee@example.com, salutation: Mr Park, authority: limited }
relationship: ongoing
investment: high
terms:
  - { id: price, label: Price, unit: EUR, wish: 80, want: 90, walk: 100, offer: 110, their_walk: 95, weight: 3 }
  - { id: days, unit: days, better: higher, wish: 60, want: 45, walk: 30, offer: 40 }
  - { id: colour, options: [red, blue, green], wish: red, want: blue, walk: green, offer: blue }
  - { id: support, walk: true, offer: false }
  - { id: extra, walk: true, offer: true, deal_breaker: false }
alternatives:
  - { name: Other, summary: the other one, terms: { price: 96, days: 20, support: true } }
offers:
  - { date: 2026-11-01, from: them, terms: { price: 100, days: 45 } }
  - { date: 2026-11-05, from: us, terms: { price: 85 } }
  - { date: 2026-11-10, from: them, terms: { price: 110, days: 40 } }
stakeholders:
  - { name: CFO, signed_off: false }
observed: [sarcasm, rude, hidden_fees]
letter: { tone: formal, sign_off: Regards }
notes: Some notes.
";

    /// The example briefs and `RICH`, loaded and assessed.
    fn briefs() -> Vec<(crate::brief::Brief, crate::assess::Assessment)> {
        let rules = crate::rules::load_default().expect("rules");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut sources = vec![("rich.yaml".to_string(), RICH.to_string())];
        for entry in std::fs::read_dir(dir).expect("examples") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("reads");
            sources.push((path.display().to_string(), text));
        }
        sources
            .iter()
            .map(|(name, text)| {
                let (b, _) = crate::brief::load_str(Path::new(name), text).expect("loads");
                let a = crate::assess::assess(&b, &rules, jiff::civil::date(2026, 11, 23))
                    .expect("assesses");
                (b, a)
            })
            .collect()
    }

    /// Given every name, the context is the views serialised whole: no name
    /// is given as another value, or left out.
    #[test]
    fn given_every_name_a_text_sees_the_views_whole() {
        for (b, a) in briefs() {
            let views = super::TextViews::new(&b, &a);
            assert_eq!(
                views.context(Reads::ALL).expect("serialises"),
                tera::Context::from_serialize(&views).expect("serialises"),
                "{}",
                b.path.display()
            );
        }
    }

    /// Every built-in text, rendered for every example brief, given only the
    /// names it reads, says what it says when given them all (or fails the
    /// same way, where it needs what a brief lacks).
    #[test]
    fn a_text_given_only_what_it_reads_says_the_same() {
        let rules = crate::rules::load_default().expect("rules");
        let mut texts: Vec<&Text> = rules
            .deal_breakers
            .iter()
            .chain(&rules.red_flags)
            .map(|r| &r.text)
            .collect();
        for s in &rules.exit_scripts {
            texts.extend(&s.say);
            texts.extend(s.letter.iter().flat_map(|l| [&l.subject, &l.body]));
        }
        let mut rendered = 0;
        for (b, a) in briefs() {
            let t = super::render(&b, &a, &rules, true).expect("renders");
            let mut all = t.views.context(Reads::ALL).expect("serialises");
            all.insert("fired", &t.fired);
            for text in &texts {
                let mut own = t.views.context(text.reads()).expect("serialises");
                if text.reads().has("fired") {
                    own.insert("fired", &t.fired);
                }
                let whole = text.render(&all);
                rendered += usize::from(whole.is_ok());
                assert_eq!(text.render(&own), whole, "{}", text.source);
            }
        }
        assert!(rendered > 100, "only {rendered} texts rendered");
    }

    /// The fields the rules checker lets a text read after a `.` are exactly
    /// the fields of the values a text is given (less the keys that are term
    /// ids): a field added to a view and not to the list fails here.
    #[test]
    fn the_checker_knows_exactly_the_fields_of_the_text_views() {
        let (b, rules, a) = crate::assess::assessed(RICH);
        let t = super::render(&b, &a, &rules, true).expect("renders");
        let mut v = serde_json::to_value(&t.views).expect("serialises");
        v["fired"] = serde_json::to_value(&t.fired).expect("serialises");
        let ids: Vec<&str> = b.terms.iter().map(|t| t.id.as_str()).collect();
        let mut keys = std::collections::BTreeSet::new();
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        if !ids.contains(&k.as_str()) {
                            keys.insert(k);
                        }
                        stack.push(x);
                    }
                }
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        let listed: std::collections::BTreeSet<String> = crate::rules::text::TEXT_FIELDS
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(keys, listed);
    }
}
