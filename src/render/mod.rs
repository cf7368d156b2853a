//! The backends: a composed pack → the bytes of each artifact. A closed set with
//! a `match`, not a trait: there are no plugins. Each artifact has one backend
//! function; the prep pack's Markdown is rendered once and feeds the HTML page
//! and the built-in PDF.

pub mod email;
pub mod gauge_plan;
pub mod gauges;
pub mod html;
pub mod lanes;
pub mod letter;
pub mod pdf;
pub mod templates;
pub mod typst;

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::artifact::Artifact;
use crate::compose::Pack;
use crate::diag::Diagnostic;
use templates::{Family, Templates};

/// What rendering needs besides the pack.
pub struct RenderOptions<'a> {
    pub templates: &'a Templates,
    /// Make the PDFs with this external Typst compiler instead of the built-in
    /// engine (`--typst-cmd`, `pdf_engine: typst`).
    pub typst_cmd: Option<&'a str>,
}

/// One output file and its bytes.
pub struct Output {
    pub artifact: Artifact,
    pub bytes: Vec<u8>,
}

/// The artifacts a pack gets for these formats: the prep pack always, the
/// letter when the pack has one.
pub fn plan(pack: &Pack, formats: &[crate::artifact::Format]) -> Vec<Artifact> {
    Artifact::plan(formats, pack.letter_wanted)
}

/// Render each artifact of the plan, all at once: in `watch`, a saved brief's
/// files are ready when the slowest of them is. Warnings (glyphs a font
/// lacks) come back with the outputs, once each; the first failure in the
/// plan's order stops the brief.
pub fn render(
    pack: &Pack,
    plan: &[Artifact],
    opts: &RenderOptions,
) -> Result<(Vec<Output>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = &pack.source.path;
    let err = |e: String| vec![Diagnostic::error(path, None, e)];
    let tctx = tera::Context::from_serialize(pack).map_err(|e| err(e.to_string()))?;
    // Rendered on first use, once (an artifact that needs one meanwhile
    // waits for it): the prep pack's Markdown feeds three artifacts, the
    // Typst context two to four.
    let markdown = OnceLock::new();
    let prep_pack_md = || -> Result<&String, Vec<Diagnostic>> {
        markdown
            .get_or_init(|| {
                opts.templates
                    .render(Family::Markdown, "prep-pack.md.tera", &tctx)
                    .map_err(|d| vec![d])
            })
            .as_ref()
            .map_err(Clone::clone)
    };
    // Read once into its events, for the HTML page and the PDF.
    let events = OnceLock::new();
    let prep_pack_events = || -> Result<&[pulldown_cmark::Event], Vec<Diagnostic>> {
        let md = prep_pack_md()?;
        Ok(events.get_or_init(|| crate::markdown::events(md)))
    };
    let typst_ctx = OnceLock::new();
    let typst_ctx = || typst_ctx.get_or_init(|| typst::context(pack, &tctx));

    let one = |&artifact: &Artifact| -> Rendered {
        let mut warnings = Vec::new();
        let bytes = match artifact {
            Artifact::PrepPackMarkdown => prep_pack_md()?.clone().into_bytes(),
            Artifact::PrepPackHtml => {
                let body = html::events_to_html(
                    prep_pack_events()?.iter().cloned(),
                    &gauges::svg(&pack.gauges),
                    prep_pack_md()?.len() * 2,
                );
                let mut hctx = tctx.clone();
                hctx.insert("body", &body);
                opts.templates
                    .render(Family::Html, "prep-pack.html.tera", &hctx)
                    .map_err(|d| vec![d])?
                    .into_bytes()
            }
            Artifact::LetterMarkdown => opts
                .templates
                .render(Family::Markdown, "letter.md.tera", &tctx)
                .map_err(|d| vec![d])?
                .into_bytes(),
            Artifact::PrepPackTypst => typst::prep_pack(opts.templates, typst_ctx())
                .map_err(|d| vec![d])?
                .into_bytes(),
            Artifact::LetterTypst => typst::letter(opts.templates, typst_ctx())
                .map_err(|d| vec![d])?
                .into_bytes(),
            Artifact::PrepPackPdf | Artifact::LetterPdf if opts.typst_cmd.is_some() => {
                let cmd = opts.typst_cmd.unwrap_or("typst");
                let source = if artifact == Artifact::PrepPackPdf {
                    typst::prep_pack(opts.templates, typst_ctx())
                } else {
                    typst::letter(opts.templates, typst_ctx())
                }
                .map_err(|d| vec![d])?;
                typst::compile_with_typst_cli(&source, cmd)
                    .map_err(|e| err(format!("{}: {e}", artifact.file_name())))?
            }
            Artifact::PrepPackPdf => {
                let doc = pdf::PrepPackPdf {
                    markdown: prep_pack_events()?,
                    title: &pack.source.title,
                    date: pack.views.brief.date.as_deref(),
                    verdict: pack.views.context.verdict,
                    verdict_headline: &pack.headline,
                    gauges: &pack.gauges,
                    paper: pack.paper,
                    author: pack.source.us.name.as_deref(),
                };
                let out = pdf::render_prep_pack(&doc).map_err(|e| err(e.to_string()))?;
                warnings.extend(pdf_warnings(pack, &out.warnings));
                out.bytes
            }
            Artifact::LetterPdf => {
                let l = &pack.letter;
                let doc = pdf::LetterPdf {
                    sender_lines: l.sender_lines.clone(),
                    date: &l.date_text,
                    recipient_lines: l.recipient_lines.clone(),
                    subject: &l.subject,
                    body_markdown: &l.body,
                    sign_off: &format!("{},", l.sign_off),
                    signature: &l.signature,
                    paper: pack.paper,
                };
                let out = pdf::render_letter(&doc).map_err(|e| err(e.to_string()))?;
                warnings.extend(pdf_warnings(pack, &out.warnings));
                out.bytes
            }
            Artifact::Email => match (&pack.letter.mailboxes, pack.source.email_gap()) {
                // No address to write from or to: the letter without its
                // e-mail, and a warning that says which key is missing.
                (Err(_), Some(gap)) => return Ok((None, vec![gap])),
                _ => email::to_eml(&letter::message(&pack.letter).map_err(err)?),
            },
            Artifact::Assessment => {
                let mut json =
                    serde_json::to_string_pretty(&pack.report).map_err(|e| err(e.to_string()))?;
                json.push('\n');
                json.into_bytes()
            }
        };
        Ok((Some(Output { artifact, bytes }), warnings))
    };
    let rendered = pdfs_first(plan, |a| *a, one);
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut outputs = Vec::new();
    for r in rendered {
        let (output, found) = r?;
        for w in found {
            if !warnings.iter().any(|x| x.message == w.message) {
                warnings.push(w);
            }
        }
        outputs.extend(output);
    }
    Ok((outputs, warnings))
}

/// `work` on each of `items` (of which `artifact` says which artifact each
/// is) in parallel, each its own job, started in the order of
/// [`Artifact::slowest_first`]: the PDFs first. Rayon would otherwise hand a
/// second core half the items as one piece. The results are in `items`' order.
pub fn pdfs_first<T: Sync, R: Send>(
    items: &[T],
    artifact: impl Fn(&T) -> Artifact,
    work: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    let plan: Vec<Artifact> = items.iter().map(artifact).collect();
    let mut done: Vec<(usize, R)> = Artifact::slowest_first(&plan)
        .into_par_iter()
        .with_max_len(1)
        .map(|i| (i, work(&items[i])))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// One artifact (none: left out), with its warnings.
type Rendered = Result<(Option<Output>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Glyphs the bundled font lacks: a warning on the brief each (`render`
/// keeps one of each).
fn pdf_warnings(pack: &Pack, found: &[String]) -> Vec<Diagnostic> {
    found
        .iter()
        .map(|w| Diagnostic::warning(&pack.source.path, None, w.clone()))
        .collect()
}
