//! The rules' own words for one brief: each fired rule's `why` or `advice`, and
//! the chosen exit script's `say` lines and letter, rendered with Tera against
//! the views of `view.rs`. A text that fails to render is a diagnostic against
//! the rules file that holds it.

use serde::Serialize;

use super::view::{BatnaView, BriefView, ContextView, MetTerm};
use crate::assess::Assessment;
use crate::brief::{Brief, Tone};
use crate::diag::Diagnostic;
use crate::rules::{Rules, Severity, text};

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

/// What rule texts see: the context and the brief, and what letters need.
#[derive(Debug, Clone, Serialize)]
pub struct TextViews<'a> {
    #[serde(flatten)]
    pub context: ContextView<'a>,
    pub brief: BriefView<'a>,
    pub met: Vec<MetTerm<'a>>,
    pub unmet: Vec<MetTerm<'a>>,
    pub batna: Option<BatnaView<'a>>,
    pub tone: Tone,
    pub sign_off: &'a str,
}

impl<'a> TextViews<'a> {
    pub fn new(b: &'a Brief, a: &'a Assessment) -> TextViews<'a> {
        let context = ContextView::new(b, a);
        let (met, unmet) = context.met_and_unmet(b);
        TextViews {
            brief: BriefView::new(b),
            met,
            unmet,
            batna: a.facts.batna.map(|x| BatnaView {
                name: &b.alternatives[x.index].name,
                score: x.score.into(),
            }),
            tone: b.letter.tone,
            sign_off: &b.letter.sign_off,
            context,
        }
    }
}

/// The views and every text the rules give this brief.
pub struct Texts<'a> {
    pub views: TextViews<'a>,
    pub fired: FiredTexts,
    pub exit: Option<ExitWords>,
}

/// Render the texts of what fired and of the chosen exit script. All errors are
/// collected, each naming the rule and the rules file.
pub fn render<'a>(
    b: &'a Brief,
    a: &'a Assessment,
    rules: &Rules,
) -> Result<Texts<'a>, Vec<Diagnostic>> {
    let views = TextViews::new(b, a);
    let mut errors = Vec::new();
    let mut ctx = match tera::Context::from_serialize(&views) {
        Ok(c) => c,
        Err(e) => return Err(vec![Diagnostic::error(&b.path, None, e.to_string())]),
    };
    let mut render_one = |ctx: &tera::Context,
                          source: &str,
                          markdown: bool,
                          origin: &std::path::Path,
                          what: String| {
        text::render(source, ctx, markdown).unwrap_or_else(|e| {
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
                    false,
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
                    false,
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
    ctx.insert("fired", &fired);
    let exit = a.exit_script.as_ref().map(|chosen| {
        let s = &rules.exit_scripts[chosen.index];
        let what = |part: &str| format!("{part} of exit script `{}`", s.id);
        let say = s
            .say
            .iter()
            .map(|line| render_one(&ctx, line, false, &s.origin, what("a `say` line")))
            .collect();
        let letter = s.letter.as_ref().map(|l| {
            let subject = render_one(
                &ctx,
                &l.subject,
                false,
                &s.origin,
                what("the letter subject"),
            );
            let body = render_one(&ctx, &l.body, true, &s.origin, what("the letter body"));
            (subject.replace(['\r', '\n'], " ").trim().to_string(), body)
        });
        ExitWords { say, letter }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Texts { views, fired, exit })
}
