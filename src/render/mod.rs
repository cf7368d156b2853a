//! Rendering: an assessed brief → the bytes of each output file. A closed set of
//! formats with a `match`, not a trait: there are no plugins.

pub mod email;
pub mod gauges;
pub mod html;
pub mod index;
pub mod letter;
pub mod pack;
pub mod pdf;
pub mod templates;
pub mod texts;
pub mod typst;

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::assess::{Assessment, Verdict};
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
    pub const ALL: [Format; 6] = [
        Format::Markdown,
        Format::Html,
        Format::Pdf,
        Format::Typst,
        Format::Email,
        Format::Json,
    ];

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
        matches!(
            self,
            Format::Markdown
                | Format::Html
                | Format::Pdf
                | Format::Typst
                | Format::Email
                | Format::Json
        )
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
                let hint = crate::diag::did_you_mean(other, names)
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown format `{other}`{hint}; the formats are: {}",
                    names.join(", ")
                ));
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
    /// Make the PDFs with this external Typst compiler instead of the built-in
    /// engine (`--typst-cmd`, `pdf_engine: typst`).
    pub typst_cmd: Option<&'a str>,
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
    let mut ctx = pack::context(b, a, opts.caution_below, opts.today);
    let paper = match opts.paper {
        Paper::A4 => "a4",
        Paper::Letter => "letter",
    };
    ctx.insert("paper".into(), Value::from(paper));
    let tctx = texts::tera_context(&ctx).map_err(|e| vec![Diagnostic::error(&b.path, None, e)])?;
    let mut warnings = Vec::new();
    let mut outputs = Vec::new();
    let wants = |f: Format| formats.contains(&f);
    // DESIGN §5: a letter wherever an exit script applies (one without letter
    // text in the rules gets the neutral note), or when forced.
    let letter_wanted = a.exit_script.is_some() || opts.force_letter;

    let md = opts
        .templates
        .render(Family::Markdown, "prep-pack.md.tera", &tctx)
        .map_err(|d| vec![d])?;
    let gauge_data = gauges::gauges(b, a.batna.as_ref().map(|x| x.name.as_str()));
    if wants(Format::Markdown) {
        outputs.push(Output {
            name: "prep-pack.md",
            bytes: md.clone().into_bytes(),
        });
    }
    if wants(Format::Html) {
        let body = html::markdown_to_html(&md, &gauges::svg(&gauge_data));
        let mut hctx = tctx.clone();
        hctx.insert("body", &body);
        let page = opts
            .templates
            .render(Family::Html, "prep-pack.html.tera", &hctx)
            .map_err(|d| vec![d])?;
        outputs.push(Output {
            name: "prep-pack.html",
            bytes: page.into_bytes(),
        });
    }
    if letter_wanted && wants(Format::Markdown) {
        let letter = opts
            .templates
            .render(Family::Markdown, "letter.md.tera", &tctx)
            .map_err(|d| vec![d])?;
        outputs.push(Output {
            name: "letter.md",
            bytes: letter.into_bytes(),
        });
    }
    if wants(Format::Typst) {
        let typ_ctx = typst::context(b, a, &tctx);
        outputs.extend(typst::outputs(opts.templates, &typ_ctx, letter_wanted)?);
    }
    if let (true, Some(cmd)) = (wants(Format::Pdf), opts.typst_cmd) {
        let typ_ctx = typst::context(b, a, &tctx);
        outputs.extend(typst::pdfs_with_typst_cli(
            opts.templates,
            b,
            &typ_ctx,
            letter_wanted,
            cmd,
        )?);
    } else if wants(Format::Pdf) {
        let headline = pack::headline(a, opts.caution_below);
        let date = b.date.map(|d| d.to_string());
        let doc = pdf::PrepPackPdf {
            markdown: &md,
            title: &b.title,
            date: date.as_deref(),
            verdict: match a.verdict {
                Verdict::Walk => pdf::Verdict::Walk,
                Verdict::Caution => pdf::Verdict::Caution,
                Verdict::Proceed => pdf::Verdict::Proceed,
            },
            verdict_headline: &headline,
            gauges: &gauge_data,
            paper: pdf_paper(opts.paper),
        };
        let out = pdf::render_prep_pack(&doc)
            .map_err(|e| vec![Diagnostic::error(&b.path, None, e.to_string())])?;
        pdf_warnings(b, &out.warnings, &mut warnings);
        outputs.push(Output {
            name: "prep-pack.pdf",
            bytes: out.bytes,
        });
        if letter_wanted {
            let out = letter_pdf(b, &ctx, opts.paper)
                .map_err(|e| vec![Diagnostic::error(&b.path, None, e)])?;
            pdf_warnings(b, &out.warnings, &mut warnings);
            outputs.push(Output {
                name: "letter.pdf",
                bytes: out.bytes,
            });
        }
    }
    if letter_wanted && wants(Format::Email) {
        let date = letter_date(b, opts.today);
        let msg = letter::message(b, &ctx, date)
            .map_err(|e| vec![Diagnostic::error(&b.path, None, e)])?;
        outputs.push(Output {
            name: "email.eml",
            bytes: email::to_eml(&msg),
        });
    }
    if wants(Format::Json) {
        let mut json = serde_json::to_string_pretty(a)
            .map_err(|e| vec![Diagnostic::error(&b.path, None, e.to_string())])?;
        json.push('\n');
        outputs.push(Output {
            name: "assessment.json",
            bytes: json.into_bytes(),
        });
    }
    Ok((outputs, warnings))
}

fn pdf_paper(p: Paper) -> pdf::Paper {
    match p {
        Paper::A4 => pdf::Paper::A4,
        Paper::Letter => pdf::Paper::Letter,
    }
}

/// Glyphs the bundled font lacks: a warning on the brief, once each.
fn pdf_warnings(b: &Brief, found: &[String], warnings: &mut Vec<Diagnostic>) {
    for w in found {
        if !warnings.iter().any(|d| d.message == *w) {
            warnings.push(Diagnostic::warning(&b.path, None, w.clone()));
        }
    }
}

/// The letter as a printable business letter.
fn letter_pdf(b: &Brief, ctx: &Map<String, Value>, paper: Paper) -> Result<pdf::PdfOutput, String> {
    let s = |k: &str| ctx.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let lines = |p: &crate::brief::Party| -> Vec<String> {
        [&p.name, &p.organisation, &p.email]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    };
    let subject = letter::subject(b, ctx);
    let body = letter::body(b, ctx);
    let date = s("letter_date");
    let sign_off = s("sign_off");
    let doc = pdf::LetterPdf {
        sender_lines: lines(&b.us),
        date: &date,
        recipient_lines: lines(&b.them),
        subject: &subject,
        body_markdown: &body,
        sign_off: &sign_off,
        signature: b.us.name.as_deref().unwrap_or(""),
        paper: pdf_paper(paper),
    };
    pdf::render_letter(&doc).map_err(|e| e.to_string())
}

/// The letter's date: the meeting date, or today once the meeting has passed.
pub fn letter_date(b: &Brief, today: jiff::civil::Date) -> jiff::civil::Date {
    b.date.unwrap_or(today).max(today)
}
