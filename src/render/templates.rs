//! The Tera templates: the built-in ones are embedded in the binary; a user's
//! templates folder overrides any of them by file name. One Tera instance per
//! output family, because Tera has one escape function per instance: brief text
//! reaches each format escaped for that format.

use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};

use crate::diag::{Diagnostic, Pos};
use crate::escape;
use crate::rules::guard;

/// The built-in templates, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "prep-pack.md.tera",
        include_str!("../../templates/prep-pack.md.tera"),
    ),
    (
        "prep-pack.html.tera",
        include_str!("../../templates/prep-pack.html.tera"),
    ),
    (
        "letter.md.tera",
        include_str!("../../templates/letter.md.tera"),
    ),
    (
        "prep-pack.typ.tera",
        include_str!("../../templates/prep-pack.typ.tera"),
    ),
    (
        "letter.typ.tera",
        include_str!("../../templates/letter.typ.tera"),
    ),
];

/// Which escaping a family of templates gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Markdown,
    Html,
    Typst,
}

impl Family {
    fn suffix(self) -> &'static str {
        match self {
            Family::Markdown => ".md.tera",
            Family::Html => ".html.tera",
            Family::Typst => ".typ.tera",
        }
    }
}

/// The loaded templates, ready to render.
pub struct Templates {
    markdown: Tera,
    html: Tera,
    typst: Tera,
    /// Template files read from the user's folder (for the watcher).
    pub files: Vec<PathBuf>,
    /// Files of the user's folder that nothing uses (a misspelt name).
    pub warnings: Vec<Diagnostic>,
    /// Each template as written and as instrumented (`guard`), by name: render
    /// errors are located in the text as written.
    texts: Vec<(String, String, guard::Instrumented, Option<PathBuf>)>,
}

impl Templates {
    /// Built-in templates, overridden by `*.tera` files in `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String, Option<PathBuf>)> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string(), None))
            .collect();
        let mut files = Vec::new();
        let mut diags = Vec::new();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                vec![Diagnostic::error(
                    dir,
                    None,
                    format!("cannot read the templates folder: {e}"),
                )]
            })?;
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
                else {
                    continue;
                };
                // A `.tera` that is not a regular file (a named pipe, a device) is
                // reported by `read_template`, not silently skipped.
                if !name.ends_with(".tera") || path.is_dir() {
                    continue;
                }
                match read_template(&path) {
                    Ok(text) => {
                        sources.retain(|(n, _, _)| *n != name);
                        sources.push((name, text, Some(path.clone())));
                        files.push(path);
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        let texts: Vec<(String, String, guard::Instrumented, Option<PathBuf>)> = sources
            .iter()
            .map(|(n, t, p)| {
                // Only a user's template gets the budget's calls. The
                // built-in ones loop over the pack's lists once each and
                // print each value once, so their work grows with the brief,
                // which is read with a size limit; the calls were a twentieth
                // of a build.
                // A file that `walkaway templates export` wrote and nobody
                // edited is the built-in template, trusted like it: the
                // calls made rendering three times as costly.
                let inst = match p {
                    Some(_) if !BUILTIN.contains(&(n.as_str(), t.as_str())) => guard::instrument(t),
                    _ => guard::Instrumented::as_written(t),
                };
                (n.clone(), t.clone(), inst, p.clone())
            })
            .collect();
        let markdown = build(Family::Markdown, &sources, &texts, &mut diags);
        let html = build(Family::Html, &sources, &texts, &mut diags);
        let typst = build(Family::Typst, &sources, &texts, &mut diags);
        for (name, text, path) in &sources {
            // Only the user's (a test runs the check on the built-in ones), and
            // not one with a syntax error, which is its only error: its names
            // are not read reliably (an unclosed tag swallows the next one).
            if let Some(path) = path
                && !diags.iter().any(|d| d.file == *path)
            {
                diags.extend(unknown_names(name, text).into_iter().map(|(at, n, hint)| {
                    let d = Diagnostic::error(
                        path,
                        Some(pos_at(text, at)),
                        format!("template error: `{n}` is not a name templates are given"),
                    )
                    .with_source(text);
                    match hint {
                        Some(h) => d.with_hint(h),
                        None => d,
                    }
                }));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let warnings = unused(&sources);
        Ok(Templates {
            markdown,
            html,
            typst,
            files,
            warnings,
            texts,
        })
    }

    /// Render a template, within the work budget (`guard`).
    pub fn render(&self, family: Family, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let tera = match family {
            Family::Markdown => &self.markdown,
            Family::Html => &self.html,
            Family::Typst => &self.typst,
        };
        let (result, stop) = guard::within(|| tera.render(name, ctx));
        result.map_err(|e| {
            let mut d = to_diag(Path::new(name), None, &e);
            if let ErrorKind::RenderingError(r) = e.kind()
                && let Some((_, text, inst, path)) =
                    self.texts.iter().find(|(n, ..)| n == r.filename())
            {
                d.pos = Some(pos_at(text, inst.original(r.span().range.start)));
                if let Some(p) = path {
                    d.file = p.clone();
                }
                d = d.with_source(text);
            }
            if let Some(stop) = stop {
                d.message = format!("the template {name} stopped: {}", stop.message());
                d.hint = Some("a loop in it repeats too often or builds text without end".into());
            }
            d
        })
    }
}

/// A file of the user's folder that replaces no built-in template and that no
/// template names (to include it) is not used: most likely a misspelt name,
/// which would otherwise leave the built-in template in use without a word.
fn unused(sources: &[(String, String, Option<PathBuf>)]) -> Vec<Diagnostic> {
    let builtin = || BUILTIN.iter().map(|(n, _)| *n);
    sources
        .iter()
        .filter_map(|(name, _, path)| path.as_ref().map(|p| (name, p)))
        .filter(|(name, _)| !builtin().any(|b| b == name.as_str()))
        .filter(|(name, _)| {
            !sources.iter().any(|(other, text, _)| {
                other != *name
                    && (text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'")))
            })
        })
        .map(|(name, path)| {
            let hint = crate::diag::did_you_mean(name, builtin()).unwrap_or_else(|| {
                format!(
                    "a template replaces the built-in one of the same name: {}",
                    builtin().collect::<Vec<_>>().join(", ")
                )
            });
            Diagnostic::warning(
                path,
                None,
                format!("`{name}` replaces no built-in template and no template includes it, so it is not used"),
            )
            .with_hint(hint)
        })
        .collect()
}

/// The names a template reads at its top level that it is not given, each
/// with its byte offset and a suggestion. Tera renders an unknown name passed
/// through a filter (`{{ bodyy | safe }}`) or tested (`{% if bodyy %}`) as
/// nothing, without an error: a misspelt name in an edited template would
/// silently empty a part of every pack.
fn unknown_names(name: &str, text: &str) -> Vec<(usize, String, Option<String>)> {
    // What each family's render adds to the pack (render::render, typst::context).
    const HTML: &[&str] = &["body"];
    const TYPST: &[&str] = &["notes_typst", "letter_body_typst"];
    let extra: Vec<&str> = if name.ends_with(Family::Html.suffix()) {
        HTML.to_vec()
    } else if name.ends_with(Family::Typst.suffix()) {
        TYPST.to_vec()
    } else if name.ends_with(Family::Markdown.suffix()) {
        Vec::new()
    } else {
        // A partial is added to every family: it may read any of their names.
        HTML.iter().chain(TYPST).copied().collect()
    };
    // Tera's own: the whole context, for a template being debugged.
    const TERA: &[&str] = &["__tera_context"];
    let known = || {
        crate::compose::pack_names()
            .chain(extra.iter().copied())
            .chain(TERA.iter().copied())
    };
    crate::rules::guard_scan::context_names(text)
        .into_iter()
        .filter(|(_, n)| !known().any(|k| k == *n))
        .map(|(at, n)| (at, n.to_string(), crate::diag::did_you_mean(n, known())))
        .collect()
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn pos_at(text: &str, at: usize) -> Pos {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, col }
}

/// Templates are small; anything past this is not one.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// A template file's text: a regular file, at most `MAX_TEMPLATE_BYTES`, UTF-8.
fn read_template(path: &Path) -> Result<String, Diagnostic> {
    let bytes = crate::input::read_limited(path, MAX_TEMPLATE_BYTES).map_err(|e| {
        let message = match e {
            crate::input::ReadError::TooLarge { len, .. } => format!(
                "the template is {:.1} MB; a template is at most {} KB",
                len as f64 / 1e6,
                MAX_TEMPLATE_BYTES / 1024
            ),
            other => format!("cannot read the template: {other}"),
        };
        Diagnostic::error(path, None, message)
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(path, None, "the template is not UTF-8 text")
            .with_hint("save the template as UTF-8")
    })
}

/// A Tera instance for a family: its escaping, our filters, the budget's calls.
fn new_tera(family: Family) -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(match family {
        Family::Markdown => escape::tera_markdown,
        Family::Html => escape::tera_html,
        Family::Typst => crate::render::typst::escape::tera_markup,
    });
    // Brief text that goes into a Typst string literal needs its own escaping.
    tera.register_filter("typst_str", crate::render::typst::escape::typst_str_filter);
    tera.register_filter("join_and", crate::english::join_and_filter);
    guard::register(&mut tera);
    tera.autoescape_on([family.suffix()]);
    tera
}

fn build(
    family: Family,
    sources: &[(String, String, Option<PathBuf>)],
    texts: &[(String, String, guard::Instrumented, Option<PathBuf>)],
    diags: &mut Vec<Diagnostic>,
) -> Tera {
    let mut tera = new_tera(family);
    // All at once first: a template may include one that sorts after it.
    let all = sources
        .iter()
        .zip(texts)
        .map(|((name, _, _), (_, _, inst, _))| (name.as_str(), inst.text.as_str()));
    if tera.add_raw_templates(all).is_ok() {
        return tera;
    }
    let mut tera = new_tera(family);
    // Then one at a time, so that each syntax error is reported
    // against its own file. Their instrumented forms are what render; when one
    // is refused, the texts as written are added to a fresh instance, in the
    // same order, for an error that points into what the user wrote.
    for (i, ((name, text, path), (_, _, inst, _))) in sources.iter().zip(texts).enumerate() {
        let Err(e) = tera.add_raw_template(name, &inst.text) else {
            continue;
        };
        let file = path
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name} (built in)")));
        let mut check = new_tera(family);
        for (n, t, _) in &sources[..i] {
            let _ = check.add_raw_template(n, t);
        }
        let d = match check.add_raw_template(name, text) {
            Err(original) => to_diag(&file, Some(text), &original),
            // Only the instrumented form fails (near one of Tera's limits):
            // its error, placed back in the text as written.
            Ok(()) => {
                let mut d = to_diag(&file, Some(text), &e);
                if let ErrorKind::SyntaxError(r) = e.kind() {
                    d.pos = Some(pos_at(text, inst.original(r.span().range.start)));
                    d = d.with_source(text);
                }
                d
            }
        };
        if !diags
            .iter()
            .any(|x| x.file == d.file && x.message == d.message)
        {
            diags.push(d);
        }
    }
    tera
}

/// A Tera error as a located diagnostic.
pub fn to_diag(file: &Path, source: Option<&str>, e: &tera::Error) -> Diagnostic {
    let (message, pos) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let s = r.span();
            (
                r.message().to_string(),
                Some(Pos {
                    line: s.start_line,
                    col: s.start_col + 1,
                }),
            )
        }
        _ => (e.to_string(), None),
    };
    let file = match e.kind() {
        ErrorKind::RenderingError(r) if !r.filename().is_empty() && source.is_none() => {
            PathBuf::from(r.filename())
        }
        _ => file.to_path_buf(),
    };
    let mut d = Diagnostic::error(&file, pos, format!("template error: {message}"));
    if let Some(src) = source {
        d = d.with_source(src);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check that refuses an edited template for an unknown name passes
    /// every built-in one: the names they read are the ones they are given.
    #[test]
    fn the_built_in_templates_read_only_names_they_are_given() {
        for (name, text) in BUILTIN {
            assert_eq!(unknown_names(name, text), vec![], "{name}");
        }
    }

    /// The budget's calls go into a user's template only: the built-in ones
    /// render as written (their work grows only with the brief).
    #[test]
    fn only_a_users_templates_carry_the_budgets_calls() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mine = "{% for r in rows %}{{ r.label }}{% endfor %}\n";
        std::fs::write(dir.path().join("prep-pack.md.tera"), mine).expect("writes");
        let t = Templates::load(Some(dir.path())).expect("loads");
        for (name, text, inst, path) in &t.texts {
            if path.is_some() {
                assert_eq!(name, "prep-pack.md.tera");
                assert!(inst.text.contains("__walkaway_step"), "{}", inst.text);
                assert!(inst.text.contains("__walkaway_out"), "{}", inst.text);
            } else {
                assert_eq!(&inst.text, text, "{name}");
                assert!(!inst.text.contains("__walkaway_"), "{name}");
            }
        }
        assert_eq!(t.texts.iter().filter(|x| x.3.is_some()).count(), 1);
    }

    /// An exported template left as it is renders as the built-in one does,
    /// without the calls; the same file edited carries them.
    #[test]
    fn an_exported_template_left_as_it_is_carries_no_calls() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (name, builtin) = BUILTIN
            .iter()
            .find(|(n, _)| *n == "prep-pack.typ.tera")
            .expect("built in");
        std::fs::write(dir.path().join(name), builtin).expect("writes");
        std::fs::write(dir.path().join("letter.md.tera"), "{{ letter_body }}\n").expect("writes");
        let t = Templates::load(Some(dir.path())).expect("loads");
        let of = |wanted: &str| t.texts.iter().find(|(n, ..)| n == wanted).expect("loaded");
        let (_, text, inst, path) = of(name);
        assert!(path.is_some(), "read from the folder");
        assert_eq!(&inst.text, text);
        assert!(!inst.text.contains("__walkaway_"));
        let (_, _, inst, path) = of("letter.md.tera");
        assert!(path.is_some());
        assert!(inst.text.contains("__walkaway_out"), "{}", inst.text);
    }

    #[test]
    fn an_edited_template_that_reads_an_unknown_name_is_refused_where_it_reads_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("prep-pack.html.tera");
        std::fs::write(&path, "<main>\n  {{ bodyy | safe }}\n</main>\n").expect("writes");
        let Err(diags) = Templates::load(Some(dir.path())) else {
            panic!("a template reading `bodyy` loaded");
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!(d.file, path);
        assert_eq!(d.pos, Some(Pos { line: 2, col: 6 }));
        assert_eq!(
            d.message,
            "template error: `bodyy` is not a name templates are given"
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `body`?"));
        // `body` is given to the HTML page only; a Markdown template that
        // reads it is refused too.
        std::fs::remove_file(&path).expect("removes");
        std::fs::write(dir.path().join("letter.md.tera"), "{{ body }}").expect("writes");
        assert!(Templates::load(Some(dir.path())).is_err());
        std::fs::write(dir.path().join("letter.md.tera"), "{{ letter_body }}").expect("writes");
        assert!(Templates::load(Some(dir.path())).is_ok());
    }

    /// A syntax error is the only error of its template: an unclosed tag
    /// (`{% for r in reasons %`) swallowed the next and made `endfor` look
    /// like a name it reads.
    #[test]
    fn a_template_with_a_syntax_error_has_that_error_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("prep-pack.md.tera");
        std::fs::write(&path, "{% for r in reasons %\n- {{ r }}\n{% endfor %}\n").expect("writes");
        let Err(diags) = Templates::load(Some(dir.path())) else {
            panic!("a template with an unclosed tag loaded");
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].message.contains("endfor"), "{diags:?}");
    }

    /// A misspelt override is not used: it says so, with the name it was
    /// meant to have; a partial that a template includes is used.
    #[test]
    fn a_template_file_nothing_uses_is_a_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("prep-pak.md.tera"), "# {{ brief.title }}\n")
            .expect("writes");
        std::fs::write(dir.path().join("part.md.tera"), "{{ headline }}").expect("writes");
        std::fs::write(
            dir.path().join("letter.md.tera"),
            "{% include \"part.md.tera\" %}\n{{ letter_body }}",
        )
        .expect("writes");
        let t = Templates::load(Some(dir.path())).expect("loads");
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        let w = &t.warnings[0];
        assert_eq!(w.file, dir.path().join("prep-pak.md.tera"));
        assert_eq!(
            w.message,
            "`prep-pak.md.tera` replaces no built-in template and no template includes it, so it is not used"
        );
        assert_eq!(w.hint.as_deref(), Some("did you mean `prep-pack.md.tera`?"));
    }

    /// What Tera binds or gives itself is not unknown: loop and set
    /// variables, macro arguments, an imported file's name, `__tera_context`.
    #[test]
    fn names_a_template_binds_itself_are_known() {
        for t in [
            "{% import \"macros.md.tera\" as m %}{{ m::x(a=1) }}",
            "{% macro hi(name, greeting=\"Hi\") %}{{ greeting }} {{ name }}{% endmacro %}{{ self::hi(name=brief.title) }}",
            "{{ __tera_context }}",
            "{% for k, v in assessment %}{{ k }}{{ v }}{{ loop.index }}{% endfor %}",
            "{% set x = 1 %}{% set_global y = 2 %}{{ x }}{{ y }}",
            "{% for t in terms if t.offer %}{{ t }}{% endfor %}{{ \"a\" if come_back else \"b\" }}",
        ] {
            assert_eq!(unknown_names("prep-pack.md.tera", t), vec![], "{t}");
        }
    }
}
