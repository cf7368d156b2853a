//! Rendering: an assessed brief → the bytes of each output file. A closed set of
//! formats with a `match`, not a trait: there are no plugins.

pub mod html;
pub mod pack;
pub mod templates;
pub mod texts;

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::assess::Assessment;
use crate::brief::Brief;
use crate::diag::Diagnostic;
use templates::{Family, Templates};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Markdown,
    Html,
    Pdf,
    Typst,
    Email,
    Json,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Markdown, Format::Html, Format::Pdf, Format::Typst, Format::Email, Format::Json];

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Typst => "typst",
            Format::Email => "eml",
            Format::Json => "json",
        }
    }

    /// The formats this build can write.
    pub fn available(self) -> bool {
        matches!(self, Format::Markdown | Format::Html | Format::Json)
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let f = match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Format::Markdown,
            "html" => Format::Html,
            "pdf" => Format::Pdf,
            "typst" | "typ" => Format::Typst,
            "eml" | "email" => Format::Email,
            "json" => Format::Json,
            other => {
                let names = Format::ALL.map(Format::name);
                let hint = crate::diag::did_you_mean(other, names).map(|h| format!(" ({h})")).unwrap_or_default();
                return Err(format!("unknown format `{other}`{hint}; the formats are: {}", names.join(", ")));
            }
        };
        Ok(f)
    }
}

/// Paper size for printed outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

/// What rendering needs besides the brief and its assessment.
pub struct RenderOptions<'a> {
    pub templates: &'a Templates,
    pub caution_below: f64,
    pub today: jiff::civil::Date,
    pub paper: Paper,
    /// Write the letter even when no exit script applies.
    pub force_letter: bool,
}

/// One output file: its name inside `OUT/<brief>/` and its bytes.
pub struct Output {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// Render the requested formats. The prep pack's Markdown is rendered once and
/// feeds the HTML (and the printed formats).
pub fn render(
    b: &Brief,
    a: &Assessment,
    formats: &[Format],
    opts: &RenderOptions,
) -> Result<(Vec<Output>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let ctx = pack::context(b, a, opts.caution_below, opts.today);
    let tctx = tera::Context::from_serialize(&ctx).map_err(|e| vec![Diagnostic::error(&b.path, None, e.to_string())])?;
    let warnings = Vec::new();
    let mut outputs = Vec::new();
    let wants = |f: Format| formats.contains(&f);
    let letter_wanted = a.exit_words.as_ref().is_some_and(|w| w.letter.is_some()) || opts.force_letter;

    let md = opts.templates.render(Family::Markdown, "prep-pack.md.tera", &tctx).map_err(|d| vec![d])?;
    if wants(Format::Markdown) {
        outputs.push(Output { name: "prep-pack.md", bytes: md.clone().into_bytes() });
    }
    if wants(Format::Html) {
        let body = html::markdown_to_html(&md, "");
        let mut hctx = tctx.clone();
        hctx.insert("body", &body);
        let page = opts.templates.render(Family::Html, "prep-pack.html.tera", &hctx).map_err(|d| vec![d])?;
        outputs.push(Output { name: "prep-pack.html", bytes: page.into_bytes() });
    }
    if letter_wanted && wants(Format::Markdown) {
        let letter = letter_markdown(opts.templates, &ctx, &tctx)?;
        outputs.push(Output { name: "letter.md", bytes: letter.into_bytes() });
    }
    if wants(Format::Json) {
        let mut json = serde_json::to_string_pretty(a).map_err(|e| vec![Diagnostic::error(&b.path, None, e.to_string())])?;
        json.push('\n');
        outputs.push(Output { name: "assessment.json", bytes: json.into_bytes() });
    }
    Ok((outputs, warnings))
}

/// The letter as Markdown. Without an exit script (a forced letter), the body is
/// a neutral holding note.
fn letter_markdown(t: &Templates, ctx: &Map<String, Value>, tctx: &tera::Context) -> Result<String, Vec<Diagnostic>> {
    let _ = ctx;
    t.render(Family::Markdown, "letter.md.tera", tctx).map_err(|d| vec![d])
}
