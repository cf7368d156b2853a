//! Rule texts (`why`, `advice`, `say`, a letter's subject and body) are Tera
//! templates. Each is compiled once, when the rules load: a syntax mistake is
//! reported at its line before any brief is read, and the compiled template is
//! kept, so that rendering it for each brief (in the compose stage, within the
//! work budget of `guard`) does not parse it again.

use std::sync::Arc;

use tera::{ErrorKind, Tera};

use super::guard;

/// The name of the one template in a text's Tera instance.
const NAME: &str = "rule text";

/// How the values a text prints are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Printed as they are (a `say` line, a subject, a `why`).
    None,
    /// Markdown-escaped (a letter body, which is Markdown).
    Markdown,
}

/// A rule text: as written, and compiled (with the budget's calls in it).
#[derive(Clone)]
pub struct Text {
    pub source: String,
    compiled: Arc<Tera>,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Text").field(&self.source).finish()
    }
}

/// A Tera instance for rule texts: our filters and the budget's calls.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("join_and", crate::english::join_and_filter);
    guard::register(&mut tera);
    tera
}

impl Text {
    /// Compile a text. A syntax error is reported against the text as written
    /// (its line and column within the text); names are checked when it renders.
    pub fn compile(source: String, escape: Escape) -> Result<Text, String> {
        let mut tera = new_tera();
        if escape == Escape::Markdown {
            tera.set_escape_fn(crate::escape::tera_markdown);
            tera.autoescape_on([NAME]);
        }
        let inst = guard::instrument(&source);
        if let Err(e) = tera.add_raw_template(NAME, &inst.text) {
            // The error as the text was written (the instrumented one is only
            // refused near one of Tera's limits: then its own error).
            let mut plain = new_tera();
            let e = plain.add_raw_template(NAME, &source).err().unwrap_or(e);
            return Err(syntax_message(&e));
        }
        Ok(Text {
            source,
            compiled: Arc::new(tera),
        })
    }

    /// Render for one brief. A text that loops past the budget stops with a
    /// message that says so.
    pub fn render(&self, ctx: &tera::Context) -> Result<String, String> {
        let (result, stop) = guard::within(|| self.compiled.render(NAME, ctx));
        result.map_err(|e| match (stop, e.kind()) {
            (Some(stop), _) => stop.message(),
            (None, ErrorKind::RenderingError(r) | ErrorKind::SyntaxError(r)) => {
                r.message().to_string()
            }
            _ => e.to_string(),
        })
    }
}

fn syntax_message(e: &tera::Error) -> String {
    match e.kind() {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("name", "Finch *&* Co.");
        ctx.insert("items", &vec!["a", "b", "c"]);
        ctx
    }

    #[test]
    fn a_text_renders_many_times_with_its_escaping() {
        let plain = Text::compile("{{ name }}: {{ items | join_and }}".into(), Escape::None)
            .expect("compiles");
        let md = Text::compile("{{ name }}".into(), Escape::Markdown).expect("compiles");
        for _ in 0..3 {
            assert_eq!(
                plain.render(&ctx()).as_deref(),
                Ok("Finch *&* Co.: a, b and c")
            );
            assert_eq!(md.render(&ctx()).as_deref(), Ok(r"Finch \*&\* Co."));
        }
    }

    #[test]
    fn syntax_errors_point_into_the_text_as_written() {
        let e = Text::compile("line one\n{% if x %}never closed".into(), Escape::None)
            .expect_err("refused");
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn a_runaway_text_stops_within_the_budget() {
        let e = Text::compile(
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}{% endfor %}"
                .into(),
            Escape::None,
        )
        .expect("compiles")
        .render(&ctx())
        .expect_err("stopped");
        assert!(e.contains("too much"), "{e}");
    }
}
