//! Rule texts (`why`, `advice`, `say`, a letter's subject and body) are Tera
//! templates. Their syntax is checked when the rules load, so that a mistake is
//! reported at its line before any brief is read; they are rendered per brief in
//! the compose stage, within the work budget of `guard`.

use tera::{ErrorKind, Tera};

use super::guard;

/// A Tera instance for rule texts: our filters and the budget's calls.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("join_and", crate::english::join_and_filter);
    guard::register(&mut tera);
    tera
}

/// Whether a rule text is valid Tera (its syntax only; names are checked when it
/// renders).
pub fn check_syntax(text: &str) -> Result<(), String> {
    let mut tera = new_tera();
    tera.add_raw_template("rule text", text)
        .map_err(|e| match e.kind() {
            ErrorKind::SyntaxError(r) => {
                let s = r.span();
                format!(
                    "{} (line {}, column {} of the text)",
                    r.message(),
                    s.start_line,
                    s.start_col + 1
                )
            }
            _ => e.to_string(),
        })
}

/// Render a rule text for one brief, with Markdown escaping of the values it
/// prints (a letter body) or none (a `say` line, a subject). A text that loops
/// past the budget stops with a message that says so.
pub fn render(text: &str, ctx: &tera::Context, markdown: bool) -> Result<String, String> {
    let mut tera = new_tera();
    if markdown {
        tera.set_escape_fn(crate::escape::tera_markdown);
    }
    let inst = guard::instrument(text);
    let (result, stop) = guard::within(|| tera.render_str(&inst.text, ctx, markdown));
    result.map_err(|e| match (stop, e.kind()) {
        (Some(stop), _) => stop.message(),
        (None, ErrorKind::RenderingError(r) | ErrorKind::SyntaxError(r)) => r.message().to_string(),
        _ => e.to_string(),
    })
}
