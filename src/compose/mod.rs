//! Compose: the typed content of a prep pack and a letter, from a brief, its
//! assessment and the rules' texts. Pure: no I/O, no clock. Every backend (md,
//! html, pdf, typst, eml, json) and `send` read the one `Pack` built here; Tera
//! templates see it serialised, under the names the README documents.
//!
//! - `view`: what texts and templates see (the evaluation context, the brief as
//!   written, met and unmet terms);
//! - `texts`: the rules' `why`, `advice`, `say` and letter, rendered;
//! - `rows`: the terms table, the zone of agreement, the history, the checklist;
//! - `plan`: the concession plan, the packages of equal value, the ladder;
//! - `letter`: the letter, chosen once; `gauges`: the term gauges;
//! - `report`: the assessment as data; `summary`: the verdict in words;
//! - `voice`: who writes to whom (we or I, the greeting, the topic);
//! - `numbers`: values as people read them.

pub mod gauges;
pub mod letter;
pub mod numbers;
pub mod plan;
pub mod report;
pub mod rows;
pub mod summary;
pub mod texts;
pub mod view;
pub mod voice;

use serde::Serialize;

use crate::artifact::Paper;
use crate::assess::Assessment;
use crate::brief::Brief;
use crate::diag::Diagnostic;
use crate::rules::{Rules, Stage};

pub use gauges::Gauge;
pub use letter::Letter;
pub use report::Report;
pub use summary::{headline, stage_label, verdict_label};
pub use texts::{ExitWords, FiredTexts, Texts};
pub use view::Num;

/// The line of the prep pack where the PDF and HTML draw the term gauges.
pub const GAUGES_MARKER: &str = "<!-- walkaway:gauges -->";

/// What composing needs besides the brief, its assessment and the rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub today: jiff::civil::Date,
    pub paper: Paper,
    /// Write the letter even when no exit script applies.
    pub force_letter: bool,
}

/// The exit script as the pack shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ExitView {
    pub id: String,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub say: Vec<String>,
    pub subject: Option<String>,
}

/// Everything a prep pack and its letter say, typed.
#[derive(Debug, Clone, Serialize)]
pub struct Pack<'a> {
    /// The evaluation context, the brief as written, `met`, `unmet`, `batna`,
    /// `tone`, `sign_off`, `greeting`, `topic`, `voice`: what the rules' texts saw.
    #[serde(flatten)]
    pub views: texts::TextViews<'a>,
    pub fired: FiredTexts,
    /// The assessment as `assessment.json` has it.
    pub assessment: Report<Num>,
    pub verdict_label: &'static str,
    pub headline: String,
    /// Every reason for the verdict (DESIGN §3).
    pub reasons: Vec<String>,
    /// What to do about the verdict.
    pub advice: String,
    pub caution_below: String,
    pub batna_text: String,
    pub leverage_text: String,
    /// Their walk and the zone of agreement, per term where known.
    pub zones: Vec<String>,
    /// What the brief does not say, in plain words.
    pub missing: Vec<String>,
    pub rows: Vec<rows::Row<'a>>,
    pub concessions: Vec<plan::Concession<'a>>,
    pub packages: Option<plan::PackagesTable>,
    pub ladder: Vec<plan::Rung>,
    /// A walk pack shows the plan and packages as what it would take to return.
    pub come_back: bool,
    pub history: Vec<rows::HistoryRow>,
    pub checklist: Vec<rows::Check>,
    pub exit: Option<ExitView>,
    pub gauges_marker: &'static str,
    pub today: String,
    #[serde(flatten)]
    pub letter: Letter,
    pub paper: Paper,
    /// Whether the letter is written (DESIGN §5: an exit script of stage
    /// `warn` or later applies, or the letter is forced).
    #[serde(skip)]
    pub letter_wanted: bool,
    #[serde(skip)]
    pub gauges: Vec<Gauge>,
    /// `assessment.json`.
    #[serde(skip)]
    pub report: Report<f64>,
    #[serde(skip)]
    pub source: &'a Brief,
}

/// The names a template reads at its top level besides those the rules' texts
/// see (`rules::cond::CONTEXT_NAMES`, `EXIT_NAMES`, `rules::text::TEXT_NAMES`,
/// flattened into the pack from its views): the pack's own fields and the
/// letter's. A template that reads any other name is refused when the
/// templates load; a test in `texts.rs` keeps this list in step with `Pack`.
pub const PACK_NAMES: &[&str] = &[
    "fired",
    "assessment",
    "verdict_label",
    "headline",
    "reasons",
    "advice",
    "caution_below",
    "batna_text",
    "leverage_text",
    "zones",
    "missing",
    "rows",
    "concessions",
    "packages",
    "ladder",
    "come_back",
    "history",
    "checklist",
    "exit",
    "gauges_marker",
    "today",
    "letter_subject",
    "letter_body",
    "letter_date",
    "paper",
];

/// Every name a template sees at its top level (`PACK_NAMES` and the views').
pub fn pack_names() -> impl Iterator<Item = &'static str> + Clone {
    use crate::rules::{cond, text};
    cond::CONTEXT_NAMES
        .iter()
        .chain(cond::EXIT_NAMES)
        .chain(text::TEXT_NAMES)
        .chain(PACK_NAMES)
        .copied()
}

/// Compose a brief's pack: render the rules' texts, then lay out the rest.
pub fn compose<'a>(
    b: &'a Brief,
    a: &'a Assessment,
    rules: &Rules,
    opts: Options,
) -> Result<Pack<'a>, Vec<Diagnostic>> {
    let t = texts::render(b, a, rules, true)?;
    Ok(Pack::new(b, a, rules, t, opts))
}

impl<'a> Pack<'a> {
    pub fn new(
        b: &'a Brief,
        a: &'a Assessment,
        rules: &Rules,
        t: Texts<'a>,
        opts: Options,
    ) -> Pack<'a> {
        let exit = match (&a.exit_script, &t.exit) {
            (Some(e), Some(w)) => Some(ExitView {
                id: e.id.clone(),
                stage: e.stage,
                stage_label: stage_label(e.stage),
                say: w.say.clone(),
                subject: w.letter.as_ref().map(|l| l.0.clone()),
            }),
            _ => None,
        };
        let caution = rules.caution_below;
        let reasons = summary::reasons(b, a, caution);
        let stage_letter = a
            .exit_script
            .as_ref()
            .is_some_and(|e| e.stage >= Stage::Warn);
        Pack {
            assessment: Report::new(b, a, &t.fired, &reasons),
            report: Report::new(b, a, &t.fired, &reasons),
            verdict_label: verdict_label(a.verdict),
            headline: headline(b, a, caution),
            advice: summary::advice(b, a),
            reasons,
            caution_below: numbers::format_score(caution),
            batna_text: summary::batna(b, a),
            leverage_text: summary::leverage(b, a),
            zones: rows::zones(b, a),
            missing: summary::missing(b, a, rules),
            rows: rows::rows(b, a),
            concessions: plan::concessions(b, a),
            packages: plan::packages(b, a),
            ladder: t.ladder,
            come_back: a.verdict == crate::assess::Verdict::Walk,
            history: rows::history(b),
            checklist: rows::checklist(b, a),
            exit,
            gauges_marker: GAUGES_MARKER,
            today: opts.today.to_string(),
            letter: Letter::new(b, t.exit.as_ref(), opts.today),
            paper: opts.paper,
            letter_wanted: stage_letter || opts.force_letter,
            gauges: gauges::gauges(b, &a.facts.terms),
            source: b,
            views: t.views,
            fired: t.fired,
        }
    }
}
