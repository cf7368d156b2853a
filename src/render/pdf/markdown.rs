//! Markdown → a small block tree (headings, paragraphs, lists, quotes,
//! tables, rules, the gauge marker) built from pulldown-cmark events.
//! A tree first, layout second: keeping a heading with what follows and
//! sizing table columns both need to look ahead.

use pulldown_cmark::{Alignment, Event, Parser, Tag, TagEnd};

use super::fonts::Face;
use super::text::Span;

/// Where the prep pack wants its term gauges drawn.
pub const GAUGE_MARKER: &str = "<!-- walkaway:gauges -->";

/// How many block quotes and lists may nest in the tree. The layout walks the
/// tree recursively (and dropping it recurses too), so a brief's notes with
/// thousands of nested `>` or `-` would overflow the stack; deeper levels are
/// flattened into the innermost one kept. Eight levels also keep the text at a
/// readable width.
pub const MAX_NESTING: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, PartialEq)]
pub struct Table {
    pub aligns: Vec<Align>,
    pub head: Vec<Vec<Span>>,
    pub rows: Vec<Vec<Vec<Span>>>,
}

#[derive(Debug, PartialEq)]
pub enum Block {
    Heading(u8, Vec<Span>),
    Para(Vec<Span>),
    /// Preformatted text: code blocks and literal HTML, one span per line.
    Pre(Vec<Span>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Table(Table),
    Rule,
    Gauges,
}

/// An open container while events stream in.
enum Frame {
    Blocks(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Table(Table, Vec<Vec<Span>>),
}

#[derive(Default)]
struct Inline {
    spans: Vec<Span>,
    bold: u32,
    italic: u32,
    strike: u32,
    links: Vec<String>,
}

impl Inline {
    fn push(&mut self, face: Option<Face>, text: &str, muted: bool) {
        let face = face.unwrap_or(Face::styled(self.bold > 0, self.italic > 0));
        let strike = self.strike > 0;
        if let Some(last) = self.spans.last_mut()
            && last.face == face
            && last.strike == strike
            && last.muted == muted
            && !last.hard_break
        {
            last.text.push_str(text);
            return;
        }
        self.spans.push(Span {
            face,
            text: text.to_string(),
            strike,
            muted,
            hard_break: false,
        });
    }

    fn hard_break(&mut self) {
        match self.spans.last_mut() {
            Some(s) => s.hard_break = true,
            None => {
                let mut s = Span::plain(Face::Regular, "");
                s.hard_break = true;
                self.spans.push(s);
            }
        }
    }
}

struct Builder {
    stack: Vec<Frame>,
    inline: Inline,
    heading: Option<u8>,
    in_code: bool,
    /// Quotes and lists open in the tree.
    nesting: usize,
    /// For each open quote, list and item: whether it was flattened (no frame).
    flattened: Vec<bool>,
}

impl Builder {
    /// The block list inline content should go to (the innermost one).
    fn blocks(&mut self) -> &mut Vec<Block> {
        if !matches!(self.stack.last(), Some(Frame::Blocks(_))) {
            self.stack.push(Frame::Blocks(Vec::new()));
        }
        match self.stack.last_mut() {
            Some(Frame::Blocks(b)) => b,
            _ => unreachable!("a Blocks frame was just pushed"),
        }
    }

    /// Ends an implicit paragraph (tight list items have text without one).
    fn flush(&mut self) {
        let spans = std::mem::take(&mut self.inline.spans);
        if spans.iter().any(|s| !s.text.trim().is_empty()) {
            let block = match self.heading {
                Some(level) => Block::Heading(level, spans),
                None => Block::Para(spans),
            };
            self.blocks().push(block);
        }
    }

    fn pop_blocks(&mut self) -> Vec<Block> {
        self.flush();
        match self.stack.pop() {
            Some(Frame::Blocks(b)) => b,
            Some(other) => {
                self.stack.push(other);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// A quote or a list starts: whether it gets its own level in the tree
    /// (false past `MAX_NESTING`: its content joins the enclosing level).
    fn open_container(&mut self) -> bool {
        let keep = self.nesting < MAX_NESTING;
        if keep {
            self.nesting += 1;
        }
        self.flattened.push(!keep);
        keep
    }

    /// A quote or a list ends: whether it had its own level.
    fn close_container(&mut self) -> bool {
        let kept = !self.flattened.pop().unwrap_or(false);
        if kept {
            self.nesting = self.nesting.saturating_sub(1);
        } else {
            self.flush();
        }
        kept
    }

    fn literal(&mut self, text: &str) {
        let lines: Vec<&str> = text.lines().collect();
        let mut spans = Vec::new();
        for line in lines {
            if line.trim() == GAUGE_MARKER {
                if !spans.is_empty() {
                    self.blocks().push(Block::Pre(std::mem::take(&mut spans)));
                }
                self.blocks().push(Block::Gauges);
                continue;
            }
            let mut s = Span::plain(Face::Mono, line);
            s.muted = true;
            s.hard_break = true;
            spans.push(s);
        }
        if !spans.is_empty() {
            self.blocks().push(Block::Pre(spans));
        }
    }
}

/// The blocks of a Markdown text.
pub fn parse(markdown: &str) -> Vec<Block> {
    from_events(Parser::new_ext(markdown, crate::markdown::options()))
}

/// The blocks of a Markdown document already read into its events.
pub fn from_events<'a>(events: impl IntoIterator<Item = Event<'a>>) -> Vec<Block> {
    let mut b = Builder {
        stack: vec![Frame::Blocks(Vec::new())],
        inline: Inline::default(),
        heading: None,
        in_code: false,
        nesting: 0,
        flattened: Vec::new(),
    };
    for ev in events {
        match ev {
            Event::Start(tag) => start(&mut b, tag),
            Event::End(tag) => end(&mut b, tag),
            Event::Text(t) if b.in_code => {
                for line in t.lines() {
                    b.inline.push(Some(Face::Mono), line, false);
                    b.inline.hard_break();
                }
            }
            Event::Text(t) => b.inline.push(None, &t, false),
            Event::Code(t) => b.inline.push(Some(Face::Mono), &t, false),
            Event::InlineMath(t) | Event::DisplayMath(t) => b.inline.push(None, &t, false),
            Event::InlineHtml(t) => b.inline.push(None, &t, true),
            Event::Html(t) => b.literal(&t),
            Event::FootnoteReference(t) => b.inline.push(None, &format!("[^{t}]"), false),
            Event::SoftBreak => b.inline.push(None, " ", false),
            Event::HardBreak => b.inline.hard_break(),
            Event::Rule => {
                b.flush();
                b.blocks().push(Block::Rule);
            }
            Event::TaskListMarker(done) => {
                b.inline
                    .push(None, if done { "[x] " } else { "[ ] " }, false)
            }
        }
    }
    b.pop_blocks()
}

fn start(b: &mut Builder, tag: Tag) {
    match tag {
        Tag::Paragraph => b.flush(),
        Tag::Heading { level: l, .. } => {
            b.flush();
            b.heading = Some(l as u8);
        }
        Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) => {
            b.flush();
            if b.open_container() {
                b.stack.push(Frame::Blocks(Vec::new()));
            }
        }
        Tag::CodeBlock(_) => {
            b.flush();
            b.in_code = true;
        }
        Tag::List(start) => {
            b.flush();
            if b.open_container() {
                b.stack.push(Frame::List(start, Vec::new()));
            }
        }
        Tag::Item => {
            b.flush();
            // An item of a flattened list is flattened too.
            let flat = b.flattened.last().copied().unwrap_or(false);
            b.flattened.push(flat);
            if !flat {
                b.stack.push(Frame::Blocks(Vec::new()));
            }
        }
        Tag::Table(aligns) => {
            b.flush();
            let aligns = aligns
                .iter()
                .map(|a| match a {
                    Alignment::Right => Align::Right,
                    Alignment::Center => Align::Center,
                    _ => Align::Left,
                })
                .collect();
            let t = Table {
                aligns,
                head: Vec::new(),
                rows: Vec::new(),
            };
            b.stack.push(Frame::Table(t, Vec::new()));
        }
        Tag::TableCell => b.inline.spans.clear(),
        Tag::Emphasis => b.inline.italic += 1,
        Tag::Strong => b.inline.bold += 1,
        Tag::Strikethrough => b.inline.strike += 1,
        Tag::Link { dest_url, .. } => b.inline.links.push(dest_url.to_string()),
        Tag::Image { dest_url, .. } => {
            b.inline.push(None, "[image: ", true);
            b.inline.links.push(dest_url.to_string());
        }
        _ => {}
    }
}

fn end(b: &mut Builder, tag: TagEnd) {
    match tag {
        TagEnd::Paragraph => b.flush(),
        TagEnd::Heading(_) => {
            b.flush();
            b.heading = None;
        }
        TagEnd::CodeBlock => {
            b.in_code = false;
            let spans = std::mem::take(&mut b.inline.spans);
            b.blocks().push(Block::Pre(spans));
        }
        TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => {
            if !b.close_container() {
                return; // flattened: its content is already in place
            }
            let inner = b.pop_blocks();
            b.blocks().push(Block::Quote(inner));
        }
        TagEnd::Item => {
            if b.flattened.pop().unwrap_or(false) {
                b.flush();
            } else {
                let inner = b.pop_blocks();
                if let Some(Frame::List(_, items)) = b.stack.last_mut() {
                    items.push(inner);
                }
            }
        }
        TagEnd::List(_) => {
            if b.close_container()
                && let Some(Frame::List(start, items)) = b.stack.pop()
            {
                b.blocks().push(Block::List { start, items });
            }
        }
        TagEnd::TableCell => {
            let spans = std::mem::take(&mut b.inline.spans);
            if let Some(Frame::Table(_, row)) = b.stack.last_mut() {
                row.push(spans);
            }
        }
        TagEnd::TableHead | TagEnd::TableRow => {
            if let Some(Frame::Table(t, row)) = b.stack.last_mut() {
                let cells = std::mem::take(row);
                if t.head.is_empty() && tag == TagEnd::TableHead {
                    t.head = cells;
                } else {
                    t.rows.push(cells);
                }
            }
        }
        TagEnd::Table => {
            if let Some(Frame::Table(t, _)) = b.stack.pop() {
                b.blocks().push(Block::Table(t));
            }
        }
        TagEnd::Emphasis => b.inline.italic = b.inline.italic.saturating_sub(1),
        TagEnd::Strong => b.inline.bold = b.inline.bold.saturating_sub(1),
        TagEnd::Strikethrough => b.inline.strike = b.inline.strike.saturating_sub(1),
        TagEnd::Link => {
            // Print the target after the text, unless the text already is it.
            if let Some(url) = b.inline.links.pop() {
                let shown: String = b.inline.spans.iter().map(|s| s.text.as_str()).collect();
                let bare = url.trim_start_matches("mailto:");
                if !url.is_empty() && !shown.ends_with(bare) {
                    b.inline
                        .push(Some(Face::Regular), &format!(" ({url})"), true);
                }
            }
        }
        TagEnd::Image => {
            let url = b.inline.links.pop().unwrap_or_default();
            b.inline.push(None, &format!(" ({url})]"), true);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_blocks() {
        let md = "# Title\n\nSome **bold** and *it*.\n\n- a\n  - b\n- c\n\n> quote\n\n\
                  | A | B |\n|---|--:|\n| 1 | 2 |\n\n<!-- walkaway:gauges -->\n\n<div>x</div>\n\n---\n";
        let blocks = parse(md);
        assert!(matches!(&blocks[0], Block::Heading(1, s) if s[0].text == "Title"));
        assert!(matches!(&blocks[1], Block::Para(s) if s.len() == 5 && s[1].face == Face::Bold));
        match &blocks[2] {
            Block::List { start: None, items } => {
                assert_eq!(items.len(), 2);
                assert!(matches!(items[0][1], Block::List { .. }));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&blocks[3], Block::Quote(q) if q.len() == 1));
        match &blocks[4] {
            Block::Table(t) => {
                assert_eq!(t.aligns, vec![Align::Left, Align::Right]);
                assert_eq!(t.head.len(), 2);
                assert_eq!(t.rows.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(blocks[5], Block::Gauges);
        assert!(matches!(&blocks[6], Block::Pre(s) if s[0].text == "<div>x</div>"));
        assert_eq!(blocks[7], Block::Rule);
    }

    #[test]
    fn inline_html_is_kept_as_text_and_links_show_targets() {
        let blocks = parse("a <b>x</b> [site](https://e.example) <https://f.example>");
        let Block::Para(spans) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            text,
            "a <b>x</b> site (https://e.example) https://f.example"
        );
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    /// How deep quotes and lists nest in a block tree.
    fn depth(blocks: &[Block]) -> usize {
        // A loop over an explicit stack: the test must not recurse either.
        let mut deepest = 0;
        let mut stack: Vec<(&[Block], usize)> = vec![(blocks, 0)];
        while let Some((list, d)) = stack.pop() {
            deepest = deepest.max(d);
            for b in list {
                match b {
                    Block::Quote(inner) => stack.push((inner, d + 1)),
                    Block::List { items, .. } => {
                        for item in items {
                            stack.push((item, d + 1));
                        }
                    }
                    _ => {}
                }
            }
        }
        deepest
    }

    fn text(blocks: &[Block]) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Block> = blocks.iter().rev().collect();
        while let Some(b) = stack.pop() {
            match b {
                Block::Para(s) => out.extend(s.iter().map(|s| s.text.as_str())),
                Block::Quote(inner) => stack.extend(inner.iter().rev()),
                Block::List { items, .. } => {
                    for item in items.iter().rev() {
                        stack.extend(item.iter().rev());
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn deep_quotes_and_lists_are_flattened_and_keep_their_text() {
        for md in [
            format!("{} deep\n", ">".repeat(12_000)),
            format!("{}deep\n", "- ".repeat(3_000)),
            format!("{}deep\n", "1. ".repeat(3_000)),
            format!("{}deep\n", "> - ".repeat(2_000)),
            (0..40)
                .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
                .collect(),
        ] {
            let blocks = parse(&md);
            assert_eq!(depth(&blocks), MAX_NESTING, "{}", &md[..20]);
            assert!(text(&blocks).contains("deep") || text(&blocks).contains("level 39"));
        }
    }

    #[test]
    fn shallow_nesting_is_kept_as_written() {
        let blocks = parse("> a\n>\n> > b\n\n- x\n  - y\n    - z\n");
        assert_eq!(depth(&blocks), 3);
        assert_eq!(text(&blocks), "abxyz");
    }
}
