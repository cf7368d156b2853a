//! Markdown (a brief's notes, a letter body) → Typst markup, over pulldown-cmark
//! events. Every construct becomes a function call with content arguments
//! (`#strong[..]`, `#list([..], [..])`, `#link("..")[..]`) rather than Typst's
//! own delimiters (`*..*`, `- `): calls nest to any depth without indentation
//! rules and cannot be unbalanced by the text around them.
//!
//! Text is escaped with [`super::escape::markup`]; raw HTML is shown as literal
//! text; images are shown as their description (Typst would read the file);
//! links keep only http, https, mailto and tel targets.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::escape::{markup, string};

/// How deep Typst's calls may nest, in units of its "show rule depth": a quote
/// costs about four, a list two, an emphasis one, and Typst gives up past 64
/// (16 nested quotes, 31 lists, fewer mixed). Half of it leaves room for the
/// template around the notes; deeper Markdown is flattened into the level kept.
const MAX_DEPTH: u32 = 32;

/// Smart punctuation stays off: a brief's `"` and `'` must print as written.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Convert Markdown to Typst markup. A Markdown heading of level `n` becomes a
/// Typst heading of level `n + heading_offset` (at most 6), so that the notes'
/// headings sit under the section that holds them.
pub fn to_typst(md: &str, heading_offset: u8) -> String {
    let mut w = Writer {
        out: String::with_capacity(md.len() * 2),
        text: String::new(),
        code: None,
        html: None,
        offset: heading_offset,
        depth: 0,
        opened: Vec::new(),
    };
    for ev in Parser::new_ext(md, options()) {
        w.event(ev);
    }
    w.flush();
    let trimmed = w.out.trim_end().len();
    w.out.truncate(trimmed);
    w.out.push('\n');
    w.out
}

struct Writer {
    out: String,
    /// Text not yet written: consecutive text events are escaped as one piece.
    text: String,
    /// The text of the code block being read, and its language.
    code: Option<(String, Option<String>)>,
    /// The lines of the HTML block being read (shown as text, line by line).
    html: Option<String>,
    offset: u8,
    /// The weight of the calls open now (see `MAX_DEPTH`).
    depth: u32,
    /// For each quote, list, item and inline call open: the weight it added,
    /// or None when it was flattened (no call written).
    opened: Vec<Option<u32>>,
}

impl Writer {
    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.out.push_str(&markup(&self.text));
            self.text.clear();
        }
    }

    fn raw(&mut self, s: &str) {
        self.flush();
        self.out.push_str(s);
    }

    /// Close a content block: the paragraph break its last paragraph ended with
    /// is not needed inside it.
    fn close(&mut self, s: &str) {
        self.flush();
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out.push_str(s);
    }

    /// Blocks start on their own line: inside a list item, text may precede them.
    fn block(&mut self, s: &str) {
        self.flush();
        if !self.out.is_empty() && !self.out.ends_with(['\n', '[']) {
            self.out.push('\n');
        }
        self.out.push_str(s);
    }

    /// A call of `weight` is about to open: whether it fits (else it is
    /// flattened). Either way it is recorded, for its end.
    fn open(&mut self, weight: u32) -> bool {
        let fits = self.depth + weight <= MAX_DEPTH;
        if fits {
            self.depth += weight;
        }
        self.opened.push(fits.then_some(weight));
        fits
    }

    fn inline(&mut self, call: &str) {
        if self.open(1) {
            self.raw(call);
        }
    }

    /// A quote, list, item or inline call ends: whether it had been written.
    fn close_call(&mut self) -> bool {
        match self.opened.pop().flatten() {
            Some(weight) => {
                self.depth -= weight;
                true
            }
            None => false,
        }
    }

    fn event(&mut self, ev: Event) {
        if let Some((code, _)) = self.code.as_mut() {
            match ev {
                Event::Text(t) => return code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {}
                _ => return,
            }
        }
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            // Typst folds a single line break into a space, as Markdown does.
            Event::Text(t) => self.text.push_str(&t),
            Event::SoftBreak => self.text.push('\n'),
            Event::HardBreak => self.raw("#linebreak()\n"),
            Event::Code(c) => {
                let call = format!("#raw({})", string(&c));
                self.raw(&call);
            }
            // Raw HTML is the writer's text, not markup to obey. A block comes
            // one line per event: its lines are kept apart.
            Event::Html(h) => match self.html.as_mut() {
                Some(block) => block.push_str(&h),
                None => {
                    self.flush();
                    self.out.push_str(&html_lines(&h));
                }
            },
            Event::InlineHtml(h) => self.text.push_str(&h),
            Event::Rule => self.block("#line(length: 100%, stroke: 0.5pt + luma(160))\n\n"),
            Event::TaskListMarker(done) => self.raw(if done { "☑ " } else { "☐ " }),
            // Not enabled in `options`; kept as literal text should that change.
            Event::InlineMath(m) | Event::DisplayMath(m) | Event::FootnoteReference(m) => {
                self.text.push_str(&m)
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                let n = (level as u8 + self.offset).min(6);
                self.block(&format!("#heading(level: {n})["));
            }
            Tag::BlockQuote(_) => {
                if self.open(4) {
                    self.block("#quote(block: true)[");
                }
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .filter(|l| is_lang(l))
                        .map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((String::new(), lang));
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                if self.open(2) {
                    match start {
                        Some(n) => self.block(&format!("#enum(start: {n},\n")),
                        None => self.block("#list(\n"),
                    }
                }
            }
            Tag::Item => {
                // An item of a flattened list is a paragraph of the level kept.
                let flat = self.opened.last().copied().flatten().is_none();
                self.opened.push(if flat { None } else { Some(0) });
                if !flat {
                    self.raw("[");
                }
            }
            Tag::Table(aligns) => {
                let align: Vec<&str> = aligns.iter().map(align_name).collect();
                self.block(&format!(
                    "#table(columns: {}, align: ({},), stroke: 0.5pt + luma(170), inset: 5pt,\n",
                    aligns.len().max(1),
                    align.join(", ")
                ));
            }
            Tag::TableHead => self.raw("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => self.raw("["),
            Tag::Emphasis => self.inline("#emph["),
            Tag::Strong => self.inline("#strong["),
            Tag::Strikethrough => self.inline("#strike["),
            Tag::Superscript => self.inline("#super["),
            Tag::Subscript => self.inline("#sub["),
            Tag::Link { dest_url, .. } => {
                if is_safe_url(&dest_url) {
                    self.inline(&format!("#link({})[", string(&dest_url)));
                } else {
                    self.inline("#text[");
                }
            }
            // The description only: `#image` would read a file from the disk.
            Tag::Image { .. } => self.inline("#emph["),
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let nests = matches!(
            tag,
            TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        );
        if nests && !self.close_call() {
            // Flattened: no call to close; a flattened block or item still
            // ends its paragraph.
            if matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) {
                self.raw("\n\n");
            }
            return;
        }
        match tag {
            TagEnd::Paragraph => self.raw("\n\n"),
            TagEnd::HtmlBlock => {
                let block = self.html.take().unwrap_or_default();
                self.raw(&html_lines(&block));
                self.raw("\n\n");
            }
            TagEnd::Heading(_) | TagEnd::BlockQuote(_) => self.close("]\n\n"),
            TagEnd::CodeBlock => {
                if let Some((code, lang)) = self.code.take() {
                    let lang = lang
                        .map(|l| format!(", lang: {}", string(&l)))
                        .unwrap_or_default();
                    let call = format!("#raw(block: true{lang}, {})\n\n", string(&code));
                    self.block(&call);
                }
            }
            TagEnd::List(_) => self.raw(")\n\n"),
            TagEnd::Item => self.close("],\n"),
            TagEnd::Table => self.raw(")\n\n"),
            TagEnd::TableHead => self.raw("),\n"),
            TagEnd::TableRow => self.raw("\n"),
            TagEnd::TableCell => self.raw("], "),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => self.raw("]"),
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush(),
        }
    }
}

/// Raw HTML as text, each of its lines on a line of its own.
fn html_lines(h: &str) -> String {
    let lines: Vec<String> = h.trim_end().lines().map(markup).collect();
    lines.join(" #linebreak()\n")
}

fn align_name(a: &Alignment) -> &'static str {
    match a {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

/// A code block's language goes into a string, but an odd one could still make
/// Typst look for a syntax it does not have: keep plain names only.
fn is_lang(l: &str) -> bool {
    l.len() <= 20
        && l.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

/// Links from user text keep web, mail and phone targets only; anything else
/// (`file:`, `javascript:`, a bare path) is shown as its text without a link.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    matches!(lower.split_once(':'), Some(("http" | "https" | "mailto" | "tel", rest)) if !rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_becomes_calls() {
        let t = to_typst(
            "Some *emph*, **strong**, `code` and [a link](https://example.com).",
            1,
        );
        assert_eq!(
            t,
            "Some #emph[emph], #strong[strong], #raw(\"code\") and #link(\"https://example.com\")[a link]\\.\n"
        );
    }

    #[test]
    fn nested_lists_and_headings() {
        let t = to_typst("# Head\n\n- a\n  - b\n  - c\n- d\n\n3. x\n4. y\n", 1);
        assert!(t.contains("#heading(level: 2)[Head]"), "{t}");
        assert!(
            t.contains("#list(\n[a\n#list(\n[b],\n[c],\n)],\n[d],\n)"),
            "{t}"
        );
        assert!(t.contains("#enum(start: 3,\n[x],\n[y],\n)"), "{t}");
    }

    #[test]
    fn hostile_text_stays_text() {
        let t = to_typst(
            "#read(\"/etc/passwd\") <b>x</b> $y$ @ref <lbl>\n\n<div>#panic()</div>\n",
            1,
        );
        assert!(t.contains(r#"\#read\(\"\/etc\/passwd\")"#), "{t}");
        assert!(t.contains(r"\<div\>\#panic\()\<\/div\>"), "{t}");
        assert!(t.contains(r"\$y\$ \@ref \<lbl\>"), "{t}");
        assert!(t.contains(r"\<b\>x\<\/b\>"), "{t}");
    }

    #[test]
    fn unsafe_links_and_images_are_not_followed() {
        let t = to_typst(
            "[x](javascript:alert(1)) ![pic](/etc/passwd) [f](file:///etc/passwd)",
            1,
        );
        assert!(!t.contains("#link"), "{t}");
        assert!(!t.contains("#image"), "{t}");
        assert!(!t.contains("passwd"), "{t}");
    }

    #[test]
    fn code_blocks_are_string_literals() {
        let t = to_typst("```rust\nlet x = \"]\\\";\n```\n", 1);
        assert_eq!(
            t,
            "#raw(block: true, lang: \"rust\", \"let x = \\\"]\\\\\\\";\\n\")\n"
        );
    }
}
