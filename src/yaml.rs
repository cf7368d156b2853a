//! A YAML document as a located tree: every node knows the line and column it was
//! written at. Briefs and rules are validated from this tree by hand, so that every
//! problem in a file can be reported at once, each with its own location (serde
//! would stop at the first one).
//!
//! Parsing goes through `serde-saphyr`, which brings budgets that refuse alias bombs
//! and deep nesting, and located syntax errors. Two faster readings come first,
//! each giving up on anything it does not decide exactly as serde-saphyr would:
//! - the lean reading ([`lean`]) reads the part of YAML briefs are written in,
//!   line by line; `cargo bench --bench yaml` times it against the others;
//! - the quick reading takes a document that uses only what briefs use (no
//!   anchors, aliases, tags, directives or repeated keys) straight from the
//!   events of the parser serde-saphyr is built on, `granit-parser`: serde's
//!   protocol for a located value took about two thirds of reading a brief.
//!
//! Anything else, and every error, goes through serde-saphyr, so its rules and
//! messages stay the only ones. The tests below and the YAML test suite
//! (`tests/yaml_suite.rs`) hold the three to the same trees.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::diag::{Diagnostic, Pos};
use crate::input::ReadError;

mod lean;

/// Briefs and rules files are small; anything past this is not one.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// For a number, a yes/no or a null: where its text is in the source (a
    /// byte range), so that a field that wants text can take it exactly as
    /// written (`0x1F`, not 31; `2027.10`, not 2027.1).
    pub raw: Option<std::ops::Range<usize>>,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The plain-words name of the kind of value, for "expected X, found Y".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a yes/no value",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl fmt::Display for Value {
    /// A short rendering of a scalar, for messages (`found \`abc\``).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => f.write_str(s),
            Value::Seq(_) => f.write_str("[...]"),
            Value::Map(_) => f.write_str("{...}"),
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A number as f64, also from an integer.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) => Some(x),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// Read and parse a YAML file into a located tree. Refuses, with a clear message,
/// files that are too large, not text, or that blow the parser's budgets.
pub fn parse_file(path: &Path) -> Result<(String, Node), Diagnostic> {
    let text = read_file(path)?;
    let node = parse_str(path, &text)?;
    Ok((text, node))
}

/// Read a YAML file's text, refusing what is not a regular file, files that are
/// too large, and files that are not text.
pub fn read_file(path: &Path) -> Result<String, Diagnostic> {
    match crate::input::read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => decode(path, bytes),
        Err(ReadError::NotAFile(what)) => {
            // A folder given where briefs are read one by one (`check DIR`).
            let hint = if path.is_dir() {
                // Joined, not pasted: `check b/` suggested `b//*.yaml`.
                format!(
                    "to check every brief in it: `walkaway check {}`; to build them: `walkaway build {}`",
                    path.join("*.yaml").display(),
                    path.display()
                )
            } else {
                "briefs, rules and walkaway.yaml are read from regular files".to_string()
            };
            Err(
                Diagnostic::error(path, None, format!("this is {what}, not a YAML file"))
                    .with_hint(hint),
            )
        }
        Err(ReadError::TooLarge { len, head }) => Err(too_large(path, len as usize, &head)),
        Err(ReadError::Io(e)) => Err(Diagnostic::error(
            path,
            None,
            format!("cannot read the file: {e}"),
        )),
    }
}

/// The size limit, located where the file passes it (which shows whether the
/// file is one runaway line or simply long).
fn too_large(path: &Path, len: usize, head: &[u8]) -> Diagnostic {
    let upto = &head[..head.len().min(MAX_FILE_BYTES)];
    Diagnostic::error(
        path,
        Some(pos_at(upto)),
        format!(
            "the file is {:.1} MB; a brief or rules file is at most {} KB",
            len as f64 / 1e6,
            MAX_FILE_BYTES / 1024
        ),
    )
    .with_hint("is this the right file? briefs and rules are short YAML documents")
}

/// The line and column just after `before` (columns count characters).
fn pos_at(before: &[u8]) -> Pos {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    Pos { line, col }
}

/// Bytes to text: refuses binary files (NUL bytes, invalid UTF-8) in plain
/// words, at the line and column of the first offending byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(path, bytes.len(), &bytes));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(Diagnostic::error(
            path,
            Some(pos_at(&bytes[..nul])),
            "this is a binary file, not YAML text",
        )
        .with_hint("briefs and rules are UTF-8 text files"));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let pos = pos_at(&e.as_bytes()[..valid]);
        Diagnostic::error(
            path,
            Some(pos),
            format!(
                "the file is not UTF-8 text: the byte 0x{:02X} here is not part of a UTF-8 character",
                e.as_bytes()[valid]
            ),
        )
        .with_hint("save the file as UTF-8")
    })
}

/// The reader's budgets. Tight: a brief has at most a few thousand nodes. These
/// refuse a "billion laughs" alias bomb in well under a second, in bounded
/// memory.
fn budget_defaults() -> Budget {
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 2_000;
    budget.max_anchors = 2_000;
    budget.max_nodes = 100_000;
    budget.max_depth = 32;
    budget.max_total_scalar_bytes = 4 * MAX_FILE_BYTES;
    budget.max_documents = 1;
    budget
}

/// Parse YAML text (one document) into a located tree.
pub fn parse_str(path: &Path, text: &str) -> Result<Node, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            Some(Pos { line: 1, col: 1 }),
            "the file is empty",
        ));
    }
    if let Some(node) = lean::read(text) {
        return Ok(node);
    }
    if let Some(node) = quick::read(text, &budget_defaults()) {
        return Ok(node);
    }
    parse_full(path, text)
}

/// The lean reading alone: the tree, or `None` where it gives up (for
/// `benches/yaml.rs`, which times each reading).
pub fn lean_reading(text: &str) -> Option<Node> {
    lean::read(text)
}

/// The quick reading alone (granit-parser's events), as [`lean_reading`].
pub fn quick_reading(text: &str) -> Option<Node> {
    quick::read(text, &budget_defaults())
}

/// serde-saphyr's reading, with its budgets, rules and messages (what
/// `parse_str` falls back on; `benches/yaml.rs` times the two).
pub fn parse_full(path: &Path, text: &str) -> Result<Node, Diagnostic> {
    let mut options = Options::default();
    options.budget = Some(budget_defaults());
    options.with_snippet = false;
    // `!!binary` on a text value keeps the text as written (decoding it would
    // put other text in its place, unseen).
    options.ignore_binary_tag_for_string = true;
    // Scalars are read as YAML 1.2 (its core schema) reads them, as editors'
    // language servers do: `yes`, `no`, `on` and `off` are text, and so is a
    // number written with `_` (`1_000`); only `true` and `false` are yes/no.
    options.strict_booleans = true;
    options.underscored_numbers_as_strings = true;
    // Non-finite numbers reach the validator, which reports them with the rest.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    let parsed: Result<Node, _> = serde_saphyr::from_str_with_options(text, options);
    parsed.map_err(|e| {
        let pos = e.location().map(|l| Pos {
            line: l.line() as usize,
            col: l.column().max(1) as usize,
        });
        let message = first_line(&e.to_string());
        if message.contains("budget breached: Documents") {
            return Diagnostic::error(
                path,
                pos,
                "a second YAML document starts here; a brief or rules file is one document",
            )
            .with_hint("remove this `---` line (and what follows it, if that belongs in another file)")
            .with_source(text);
        }
        if message.contains("budget breached: Depth") {
            return Diagnostic::error(
                path,
                pos,
                "the YAML nests more than 32 levels deep here; no brief or rules file does",
            )
            .with_hint("check the indentation")
            .with_source(text);
        }
        // Without an anchor to repeat, the values are simply too many.
        let has_anchor = text
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'&' && (w[1].is_ascii_alphanumeric() || w[1] == b'_'));
        if !has_anchor
            && (message.contains("budget breached: Nodes")
                || message.contains("budget breached: Events")
                || message.contains("budget breached: ScalarBytes"))
        {
            return Diagnostic::error(
                path,
                pos,
                "this YAML holds far more values than any brief or rules file (more than 100,000); refused here",
            )
            .with_hint("is this the right file? briefs and rules are short YAML documents")
            .with_source(text);
        }
        if message.contains("budget breached") {
            return Diagnostic::error(
                path,
                pos,
                "this YAML expands to far more values than any brief has (aliases or nesting that multiply); refused",
            )
            .with_hint("write the values out; a brief needs no anchors (&) or aliases (*) that repeat whole lists")
            .with_source(text);
        }
        let help = pos.and_then(|at| syntax_help(&message, text, at));
        match help {
            Some(h) => Diagnostic::error(path, Some(h.at), h.message)
                .with_hint(h.hint)
                .with_source(text),
            None => {
                Diagnostic::error(path, pos, format!("this is not valid YAML: {}", plain(&message)))
                    .with_source(text)
            }
        }
    })
}

/// A YAML syntax error said in a brief writer's words: where the mistake is
/// (which may be before where the parser noticed it) and how to fix it.
struct SyntaxHelp {
    at: Pos,
    message: String,
    hint: String,
}

/// The commonest slips, recognised from the parser's message and the lines
/// around it: a `: ` inside a value, a key without its colon, a line indented
/// deeper or shallower than its neighbours, a tab, a bracket never closed.
fn syntax_help(message: &str, text: &str, at: Pos) -> Option<SyntaxHelp> {
    let lines: Vec<&str> = text.lines().collect();
    let line = *lines.get(at.line.checked_sub(1)?)?;
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // The nearest line above with content (not blank, not a comment).
    let above = lines[..at.line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .copied();
    let spaces = |n: usize| format!("{n} space{}", if n == 1 { "" } else { "s" });

    // A tab anywhere in the indentation: YAML indents with spaces only. The
    // parser notices it late (often on the line before), so find it.
    if message.contains("tab") {
        let (n, l) = lines
            .iter()
            .enumerate()
            .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))?;
        let col = l.chars().take_while(|c| *c == ' ').count() + 1;
        return Some(SyntaxHelp {
            at: Pos { line: n + 1, col },
            message: "this line is indented with a tab; YAML indents with spaces only".into(),
            hint: "replace the tab with spaces, as many as the lines around it use".into(),
        });
    }
    if message.starts_with("mapping values are not allowed") {
        let (key, value) = line.trim_start().split_once(": ")?;
        // `title: Colon test: part 2`: the value holds `: `.
        if value.contains(": ") && !value.trim_start().starts_with(['"', '\'', '[', '{']) {
            let key = key.trim_start_matches("- ");
            return Some(SyntaxHelp {
                at: Pos {
                    line: at.line,
                    col: indent(line) + 1,
                },
                message: "a `: ` inside a value would start another key".into(),
                hint: format!(
                    "put the value in quotes: `{key}: \"{}\"`",
                    value.trim().replace('"', "\\\"")
                ),
            });
        }
        // A key indented deeper than the key above it, which has a value.
        if let Some(prev) = above
            && indent(line) > indent(prev)
        {
            return Some(SyntaxHelp {
                at: Pos {
                    line: at.line,
                    col: indent(line) + 1,
                },
                message: "this line is indented deeper than the line above it".into(),
                hint: format!("indent it like the line above ({})", spaces(indent(prev))),
            });
        }
        return None;
    }
    if message.contains("did not find expected '-' indicator")
        || message.contains("did not find expected key")
    {
        let prev = above?;
        let item = |l: &str| l.trim_start().starts_with("- ");
        let want = if item(line) {
            // A list item lines up with the items above it.
            lines[..at.line - 1]
                .iter()
                .rev()
                .find(|l| item(l))
                .map_or(indent(prev), |l| indent(l))
        } else if item(prev) {
            indent(prev) + 2
        } else {
            indent(prev)
        };
        if indent(line) == want {
            return None;
        }
        let how = if indent(line) < want { "less" } else { "more" };
        return Some(SyntaxHelp {
            at: Pos {
                line: at.line,
                col: indent(line) + 1,
            },
            message: format!("this line is indented {how} than the lines above it"),
            hint: format!("indent it like the lines above ({})", spaces(want)),
        });
    }
    if message.starts_with("simple key expected ':'")
        || message.contains("could not find expected ':'")
    {
        let t = line.trim_start();
        let (key, rest) = t.split_once(' ')?;
        return Some(SyntaxHelp {
            at: Pos {
                line: at.line,
                col: indent(line) + 1,
            },
            message: "a key needs a `: ` after it".into(),
            hint: format!("write `{key}: {}`", rest.trim()),
        });
    }
    if message.contains("illegal placement of ':'") || message.contains("flow") {
        // A `[` or `{` opened above and never closed on its line.
        for n in (0..at.line.saturating_sub(1)).rev() {
            let l = lines[n];
            let (mut depth, mut opened, mut quote) = (0i32, None, None);
            for (i, c) in l.char_indices() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '#') if i > 0 && l[..i].ends_with(' ') => break,
                    (None, '[' | '{') => {
                        if depth == 0 {
                            opened = Some((i, c));
                        }
                        depth += 1;
                    }
                    (None, ']' | '}') => depth -= 1,
                    _ => {}
                }
            }
            if depth > 0
                && let Some((i, c)) = opened
            {
                let close = if c == '[' { ']' } else { '}' };
                return Some(SyntaxHelp {
                    at: Pos {
                        line: n + 1,
                        col: l[..i].chars().count() + 1,
                    },
                    message: format!("this `{c}` is never closed"),
                    hint: format!(
                        "close it with `{close}` on the same line, or put the value in quotes if the `{c}` is part of the text"
                    ),
                });
            }
        }
    }
    None
}

/// serde-saphyr's messages without the advice meant for programmers (the
/// names of its options).
fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return format!("the key `{key}` is given twice in this mapping; a key may appear once");
    }
    if message.starts_with("duplicate mapping key") {
        return "a key is given twice in this mapping; a key may appear once".into();
    }
    match message.find("in Options") {
        // "…, set X in Options if acceptable" / "…. If you …, set X in Options":
        // the message ends before the sentence or clause that says it.
        Some(i) => {
            let before = &message[..i];
            let cut = before.rfind('.').or_else(|| before.rfind(',')).unwrap_or(i);
            message[..cut].trim().to_string()
        }
        None => message.to_string(),
    }
}

/// serde-saphyr's messages may carry their own location suffix (the diagnostic
/// shows the location already); keep the first line, without it.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    line.split(" at line ").next().unwrap_or(line).to_string()
}

mod quick {
    //! The quick reading of a plain document: granit-parser's events straight
    //! into a [`Node`] tree, with the positions, raw ranges and scalar types
    //! serde-saphyr gives under `parse_str`'s options. It gives up (`None`) at
    //! the first thing it does not decide exactly as serde-saphyr would: an
    //! anchor, alias, tag or directive, a second document, a key that is not
    //! text, a key given twice, a merge key, a plain scalar that might be a
    //! number in a form other than `12`, `-5` or `48500.50`, an error, or a
    //! document near a budget. serde-saphyr then reads the document from the
    //! start. `tests::the_quick_reading_agrees_with_serde_saphyr` holds the two
    //! to the same trees.

    use std::borrow::Cow;

    use granit_parser::{Event, Parser, ScalarStyle, Span};
    use serde_saphyr::Budget;

    use super::{Node, Value};
    use crate::diag::Pos;

    /// A collection being read, with where it starts.
    enum Open {
        Seq(Vec<Node>),
        /// The entries so far, and a key waiting for its value.
        Map(Vec<(Node, Node)>, Option<Node>),
    }

    /// Maps longer than this are compared key by key no further (the repeated-
    /// key check is quadratic): serde-saphyr reads them.
    const MAX_QUICK_MAP: usize = 64;

    pub(super) fn read(text: &str, budget: &Budget) -> Option<Node> {
        let mut options = granit_parser::Options::default();
        options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        options.flow_nesting_limit = budget.flow_nesting_limit;
        options.set_emit_comments(false);
        let mut parser = Parser::new_from_str_with_options(text, options);
        let mut stack: Vec<(Pos, Open)> = Vec::new();
        let mut root = None;
        let (mut documents, mut nodes, mut events) = (0usize, 0usize, 0usize);
        while let Some(item) = parser.next_event() {
            let (event, span) = item.ok()?;
            events += 1;
            if events >= budget.max_events / 2 {
                return None;
            }
            let pos = Pos {
                line: span.start.line(),
                col: span.start.col() + 1,
            };
            let node = match event {
                Event::StreamStart | Event::DocumentEnd => continue,
                Event::StreamEnd => break,
                Event::DocumentStart(_, version) => {
                    documents += 1;
                    if documents > 1 || version.is_some() {
                        return None;
                    }
                    continue;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    let (value, raw) = scalar(value, style, &span)?;
                    Node { value, pos, raw }
                }
                Event::SequenceStart(_, anchor, ref tag)
                | Event::MappingStart(_, anchor, ref tag) => {
                    // Well inside the depth budget (serde-saphyr counts its own way).
                    if anchor != 0 || tag.is_some() || stack.len() + 2 >= budget.max_depth {
                        return None;
                    }
                    let open = if matches!(event, Event::SequenceStart(..)) {
                        Open::Seq(Vec::new())
                    } else {
                        Open::Map(Vec::new(), None)
                    };
                    stack.push((pos, open));
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                    (pos, Open::Seq(items)) => Node {
                        value: Value::Seq(items),
                        pos,
                        raw: None,
                    },
                    (pos, Open::Map(entries, None)) => Node {
                        value: Value::Map(entries),
                        pos,
                        raw: None,
                    },
                    (_, Open::Map(_, Some(_))) => return None,
                },
                _ => return None,
            };
            nodes += 1;
            if nodes >= budget.max_nodes / 2 {
                return None;
            }
            match stack.last_mut() {
                None if root.is_none() => root = Some(node),
                None => return None,
                Some((_, Open::Seq(items))) => items.push(node),
                Some((_, Open::Map(entries, waiting))) => match waiting.take() {
                    Some(key) => entries.push((key, node)),
                    None => {
                        let name = node.as_str()?;
                        if name == "<<"
                            || entries.len() >= MAX_QUICK_MAP
                            || entries.iter().any(|(k, _)| k.as_str() == Some(name))
                        {
                            return None;
                        }
                        *waiting = Some(node);
                    }
                },
            }
        }
        if documents != 1 || !stack.is_empty() {
            return None;
        }
        root
    }

    /// A scalar's value as serde-saphyr's untyped reading gives it, with the
    /// raw range of a typed one; `None` where that is not certain.
    fn scalar(
        text: Cow<'_, str>,
        style: ScalarStyle,
        span: &Span,
    ) -> Option<(Value, Option<std::ops::Range<usize>>)> {
        if style != ScalarStyle::Plain {
            return Some((Value::Str(text.into_owned()), None));
        }
        match super::plain_type(&text)? {
            None => Some((Value::Str(text.into_owned()), None)),
            Some(typed) => {
                let raw = span.start.byte_offset()?..span.end.byte_offset()?;
                Some((typed, Some(raw)))
            }
        }
    }
}

/// How serde-saphyr's untyped reading types a plain scalar (YAML 1.2's core
/// schema, `strict_booleans`, `underscored_numbers_as_strings`): `Some(None)`
/// for text, `Some(Some(value))` for a null, a yes/no or a number, and `None`
/// where that is not certain (a number in a form other than `12`, `-5` or
/// `48500.50`), which sends the document to serde-saphyr.
fn plain_type(t: &str) -> Option<Option<Value>> {
    Some(Some(match t {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t if is_text(t) => return Some(None),
        t => match decimal(t)? {
            false => Value::Int(t.parse().ok()?),
            true => Value::Float(t.parse().ok().filter(|x: &f64| x.is_finite())?),
        },
    }))
}

/// Whether a plain scalar (not null or a yes/no) is certainly text: no
/// integer form (any radix) or float form (YAML's `.inf`, Rust's `1e-5`)
/// can read it.
fn is_text(t: &str) -> bool {
    let b = t.as_bytes();
    let numeric_start = |c: u8| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.');
    if !numeric_start(b[0]) || t.contains('_') {
        return true;
    }
    // A character no number is written with ("3 years", "09:00"), or a
    // minus sign neither leading nor after an exponent ("2026-11-20").
    b.iter().enumerate().any(|(i, &c)| {
        !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
            || (c == b'-' && i > 0 && !matches!(b[i - 1], b'e' | b'E'))
    })
}

/// `Some(false)` for an integer written `-?(0|[1-9][0-9]*)`, `Some(true)`
/// for a decimal written with digits on both sides of the point; `None`
/// for any other form.
fn decimal(t: &str) -> Option<bool> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    if !digits(whole) || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    match fraction {
        Some(f) if digits(f) => Some(true),
        Some(_) => None,
        None => Some(false),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<RawValue>::deserialize(d)?;
        let value = spanned.value.0;
        let raw = match value {
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Null => {
                let span = spanned.defined.span();
                let start = span.byte_offset().and_then(|o| usize::try_from(o).ok());
                let len = span.byte_len().and_then(|l| usize::try_from(l).ok());
                start.zip(len).map(|(s, l)| s..s + l)
            }
            _ => None,
        };
        Ok(Node {
            value,
            pos: Pos {
                line: spanned.referenced.line() as usize,
                col: spanned.referenced.column() as usize,
            },
            raw,
        })
    }
}

/// The unlocated value; `Node` wraps it with its position.
struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor).map(RawValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
        Err(E::custom("binary values are not supported"))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder given as a brief: the hint's glob has one slash however the
    /// folder was written (`check b/` suggested `b//*.yaml`).
    #[test]
    fn a_folder_given_as_a_brief_suggests_its_briefs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let with_slash = format!("{}/", dir.path().display());
        let d = read_file(Path::new(&with_slash)).expect_err("a folder");
        let hint = d.hint.expect("a hint");
        assert!(
            hint.contains(&format!("`walkaway check {}/*.yaml`", dir.path().display())),
            "{hint}"
        );
        assert!(!hint.contains("//"), "{hint}");
    }

    fn parse(s: &str) -> Result<Node, Diagnostic> {
        parse_str(Path::new("t.yaml"), s)
    }

    #[test]
    fn locates_nested_values() {
        let n = parse("a: 1\nb:\n  - x: true\n    y: 2.5\n").expect("parses");
        let map = n.as_map().expect("map");
        assert_eq!(map[1].0.as_str(), Some("b"));
        let item = &map[1].1.as_seq().expect("seq")[0];
        let inner = item.as_map().expect("map");
        assert_eq!(inner[1].0.pos, Pos { line: 4, col: 5 });
        assert!(matches!(inner[1].1.value, Value::Float(x) if x == 2.5));
        assert!(matches!(inner[0].1.value, Value::Bool(true)));
    }

    #[test]
    fn refuses_alias_bomb_quickly() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        let err = parse(bomb).expect_err("must refuse");
        assert!(
            err.message.contains("expands to far more values"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_binary_and_non_utf8() {
        let e = decode(Path::new("x"), vec![0x89, b'P', b'N', b'G', 0, 1]).expect_err("binary");
        assert!(e.message.contains("binary file"));
        let e = decode(Path::new("x"), vec![b'a', 0xff, b'b']).expect_err("latin1");
        assert!(e.message.contains("not UTF-8"));
        let e = decode(Path::new("x"), vec![b' '; MAX_FILE_BYTES + 1]).expect_err("big");
        assert!(e.message.contains("at most"));
    }

    /// Where two trees differ, if they do: values (floats by their bits),
    /// positions and raw ranges, node by node.
    fn difference(a: &Node, b: &Node) -> Option<String> {
        let mut pairs = vec![(a, b)];
        while let Some((a, b)) = pairs.pop() {
            let same = a.pos == b.pos
                && a.raw == b.raw
                && match (&a.value, &b.value) {
                    (Value::Null, Value::Null) => true,
                    (Value::Bool(x), Value::Bool(y)) => x == y,
                    (Value::Int(x), Value::Int(y)) => x == y,
                    (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
                    (Value::Str(x), Value::Str(y)) => x == y,
                    (Value::Seq(x), Value::Seq(y)) if x.len() == y.len() => {
                        pairs.extend(x.iter().zip(y));
                        true
                    }
                    (Value::Map(x), Value::Map(y)) if x.len() == y.len() => {
                        for ((k1, v1), (k2, v2)) in x.iter().zip(y) {
                            pairs.push((k1, k2));
                            pairs.push((v1, v2));
                        }
                        true
                    }
                    _ => false,
                };
            if !same {
                return Some(format!("{a:?}\n  against serde-saphyr's\n{b:?}"));
            }
        }
        None
    }

    /// The quick reading and the lean one, where each reads a document at
    /// all, give the tree serde-saphyr gives. Whether the quick one read it.
    fn agree(text: &str) -> Result<bool, String> {
        lean_agrees(text)?;
        let Some(quick) = quick::read(text, &budget_defaults()) else {
            return Ok(false);
        };
        same_as_full("quick", text, &quick)?;
        Ok(true)
    }

    /// The lean reading, where it reads a document, gives serde-saphyr's
    /// tree. Whether it read it.
    fn lean_agrees(text: &str) -> Result<bool, String> {
        let Some(lean) = lean::read(text) else {
            return Ok(false);
        };
        same_as_full("lean", text, &lean)?;
        Ok(true)
    }

    fn same_as_full(which: &str, text: &str, tree: &Node) -> Result<(), String> {
        let full = parse_full(Path::new("t.yaml"), text)
            .map_err(|e| format!("only the {which} reading reads {text:?}: {}", e.message))?;
        match difference(tree, &full) {
            Some(d) => Err(format!("the {which} reading of {text:?}: {d}")),
            None => Ok(()),
        }
    }

    /// Every YAML file of the project's own: briefs, rules, fixtures, configs.
    fn project_yaml() -> Vec<(std::path::PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders = vec![
            root.join("examples"),
            root.join("rules"),
            root.join("tests"),
        ];
        let mut files = Vec::new();
        while let Some(dir) = folders.pop() {
            for entry in std::fs::read_dir(&dir).expect("a project folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    files.push((path, text));
                }
            }
        }
        files
    }

    #[test]
    fn the_quick_reading_agrees_with_serde_saphyr() {
        let files = project_yaml();
        assert!(files.len() > 20, "{} files", files.len());
        for (path, text) in &files {
            let quick = agree(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The bundled briefs and rules are what users write: read quickly.
            let ours = path.components().any(|c| c.as_os_str() == "examples")
                || path.ends_with("rules/default.yaml");
            assert!(quick || !ours, "{} is not read quickly", path.display());
            let lean = lean_agrees(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let brief = path.components().any(|c| c.as_os_str() == "examples");
            assert!(
                lean || !brief,
                "{} is not read the lean way",
                path.display()
            );
        }
        // Scalars of every kind, as values, list items and keys.
        let scalars = [
            "12",
            "-5",
            "0",
            "-0",
            "007",
            "1.50",
            "-0.25",
            "0.0",
            "1.",
            ".5",
            "1e3",
            "1E-3",
            "+12",
            "0x1F",
            "0o17",
            "0b11",
            "1_000",
            "12k",
            "2 million",
            "2026-11-20",
            "2026-11-20T10:00:00Z",
            "09:00",
            "1:30:00",
            "3 years",
            "10%",
            "$45",
            "1,000",
            "48500,50",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "1e400",
            "123456789012345678901234567890.5",
            ".inf",
            "-.Inf",
            ".NaN",
            "inf",
            "nan",
            "Infinity",
            "true",
            "True",
            "TRUE",
            "false",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "",
            "'12'",
            "\"true\"",
            "'~'",
            "\"\"",
            "a: b",
            "-",
            "--",
            "-a",
            "+",
            ".",
            "..",
            "1.2.3",
            "1-2",
            "1e-5",
            "1e+5",
            "1+2",
            "e5",
            "x12",
            "\u{2212}5",
            "١٢",
            "12\u{a0}",
            "é",
            "\"a\\nb\"",
        ];
        for v in scalars {
            for doc in [
                format!("k: {v}\n"),
                format!("- {v}\n- x\n"),
                format!("{v}: x\n"),
                format!("a:\n  k: {v}\n  m: [{v}, 1]\n"),
                format!("k: |\n  {v}\n"),
            ] {
                agree(&doc).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        // Documents at the edges: the quick reading gives up or agrees.
        for doc in [
            "a: 1\na: 2\n",
            "a: 1\n'a': 2\n",
            "<<: {a: 1}\nb: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 12\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "---\na: 1\n...\n",
            "# only a comment\n",
            "? [a, b]\n: c\n",
            "[1, 2]\n",
            "just text\n",
            "a:\n",
            "a:\n-\n",
            "a: [\n",
            "a: 'x\n",
            "a:\tb\n",
            "\ta: 1\n",
            "a: b: c\n",
            "a:\n  - x\n   - y\n",
            "a: 1\r\nb: 2\r\n",
            "{a: 1, b: [x, {c: d}]}\n",
            "a: >-\n  folded\n  text\n",
        ] {
            agree(doc).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    /// The lean reading reads the forms briefs use, as serde-saphyr reads
    /// them, and gives up on their neighbours or reads them the same.
    #[test]
    fn the_lean_reading_agrees_with_serde_saphyr() {
        let read = [
            "k: |\n  a\n  b\n",
            "k: |-\n  a\n\n  b\n\n",
            "k: |+\n  a\n\n\nx: 1\n",
            "k: >\n  a\n  b\n\n  c\n",
            "k: >-\n  a\n  b\n\n\n  c\n",
            "k: >+\n  a\n\n",
            "k: |\n  a\n  # not a comment\n# a comment\nx: 1\n",
            "k: |\n  a  \n  b\n",
            "k: |\n  a\n \n  b\n",
            "k: |\n  a\n    b\n",
            "k: |  # a comment\n  a\n",
            "- |\n  a\n- >-\n  b\n  c\n",
            "- a: |\n    x\n  b: 1\n",
            "k: []\n",
            "k: {}\n",
            "k: [a, 'b', \"c\", [d, {e: f}]]\n",
            "k: { a: 1, b: -2.5 }   # c\n",
            "k: [a,b]\n",
            "k: {a: 1,b: 2}\n",
            "k: [09:00, 10:30]\n",
            "k: [-1, -a b]\n",
            "k: [ a , b ]\n",
            "k: {a: 'x''y', b: \"q\\\"r\"}\n",
            "k: [a] # c\n",
            "k: 'a # b'\n",
            "k: \"a\\nb\\tc\\\\d\\/e\"\n",
            "k: 'it''s'\n",
            "k: 'x'  # c\n",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a:\n- 1\n- 2\nb: x\n",
            "a:\n- [1]\n",
            "a:\n- 'q'\n",
            "a:\n- k: v\n  j: w\nb: 1\n",
            "- a\n- b\n",
            "-\n  a: 1\n",
            "- a: 1\n  b: 2\n- c: 3\n",
            "-   a: 1\n    b: 2\n",
            "a:\n  - x\n  -\n    y: 1\n",
            "a: b # c\n#d\n\n  # e\nf: g\n",
            "a:   b   \n",
            "a: b#c\n",
            "key with spaces: v\n",
            "a: x:y\n",
            "ünï: cödé\n",
            "k: Łódź — x\n  # c\nł: [ż, {ó: ę}]\n",
            "  a: 1\n  b: 2\n",
            "a: 1\n\n\nb: 2\n",
            "a : 1\n",
            "a  :  1\n",
            "a: -5\nb: 1.50\nc: true\nd: ~\ne: 2026-11-20\n",
        ];
        for doc in read {
            assert!(
                lean_agrees(doc).unwrap_or_else(|e| panic!("{e}")),
                "{doc:?} is not read the lean way"
            );
        }
        let either = [
            "k: |\n  a\n   \n  b\n",
            "k: >\n  a\n    b\n  c\n",
            "k: |\n    a\n  x: 1\n",
            "k: |\n\n  a\n",
            "k: |2\n  a\n",
            "k: |\nx: 1\n",
            "k: [a, b,]\n",
            "k: [a: b]\n",
            "k: {a:b}\n",
            "k: {a: }\n",
            "k: {a}\n",
            "k: [a]x\n",
            "k: [a]#c\n",
            "k: [a,\n  b]\n",
            "k: [- b]\n",
            "k: {\"a\": 1}\n",
            "k: \"\\u00e9\"\n",
            "k: 'x' y\n",
            "'k': v\n",
            "k: \"a\": b\n",
            "k: 'a\n  b'\n",
            "- - a\n",
            "a:\n-\n  x: 1\n",
            "a:\n- |\n  x\n",
            "a: 1\n  b: 2\n",
            "a: 1\n- b\n",
            "a: x: y\n",
            "a: x:\n",
            "a: -\n",
            "a: - b\n",
            "a: ?x\n",
            "a: :x\n",
            "a: plain\n  continued\n",
            "- a\n  b\n",
            "  a: 1\nb: 2\n",
            "a: 1",
            "a: 1\r\n",
            "a:\tb\n",
            "\u{feff}a: 1\n",
            "a: \u{85}\n",
            "a: x\u{2028}y\n",
            "a: x\u{7f}\n",
            "--- a: 1\n",
            "a: 1\n...\n",
            "a: &x 1\nb: *x\n",
            "a: !t 1\n",
            "a: 1\na: 2\n",
            "<<: 1\n",
            "1: a\n",
            "a:\n",
            "a:\n-\n",
            "a: [\n",
            "a: {b: [c, {d: e}]}}\n",
        ];
        for doc in either {
            lean_agrees(doc).unwrap_or_else(|e| panic!("{e}"));
        }
        // Characters the lean reading does not take as they are.
        for c in [
            '\t', '\r', '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{2028}', '\u{2029}',
            '\u{feff}', '\u{fffe}', '\u{ffff}',
        ] {
            for doc in [
                format!("a: x{c}y\n"),
                format!("a: 'é{c}'\n"),
                format!("a: [b]\n# {c}\n"),
            ] {
                assert!(lean::read(&doc).is_none(), "{doc:?}");
            }
        }
        assert!(lean::read("a: x\u{a0}y é\u{a0}\n").is_some());
        // Deep nesting is left to the general readings.
        let mut deep = String::new();
        for i in 0..40 {
            deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        deep.push_str(&format!("{}end: 1\n", " ".repeat(40)));
        assert!(lean::read(&deep).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// A brief with slips typed into it: where the quick reading reads
        /// it, serde-saphyr reads the same tree.
        #[test]
        fn the_quick_reading_agrees_on_edited_briefs(
            which in 0usize..6,
            edits in proptest::collection::vec(
                (0usize..4000, 0usize..3, proptest::sample::select(vec![
                    ":", ": ", "-", "- ", " ", "  ", "\t", "\n", "#", "'", "\"", "[", "]", "{",
                    "}", ",", "&a", "*a", "!", "|", ">", "?", "0", "1.5", "_", "e", ".", "%",
                ])),
                1..4,
            ),
        ) {
            let examples = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
                .expect("examples")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect::<Vec<_>>();
            let mut text = std::fs::read_to_string(&examples[which % examples.len()]).expect("example");
            for (at, how, piece) in edits {
                let mut at = at % text.len();
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match how {
                    0 => text.insert_str(at, piece),
                    1 => {
                        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let end = (at + piece.len()).min(text.len());
                        if text.is_char_boundary(end) {
                            text.replace_range(at..end, piece);
                        }
                    }
                }
            }
            if let Err(e) = agree(&text) {
                panic!("{e}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]

        /// Documents put together from the pieces briefs are made of, at
        /// random indentations: where the lean reading reads one, serde-saphyr
        /// reads the same tree.
        #[test]
        fn the_lean_reading_agrees_on_random_documents(
            lines in proptest::collection::vec(
                (
                    proptest::sample::select(vec![0usize, 0, 0, 1, 2, 2, 4, 4, 6]),
                    proptest::sample::select(vec!["", "- ", "k: ", "key two: ", "- k: ", "-   j: ", "k:", "-", "# c", "k2: "]),
                    proptest::sample::select(vec![
                        "", "x", "12", "-5", "1.50", "a b", "a: b", "a:b", "a #b", "a#b", "'q'", "'q''r'",
                        "\"d\\\"e\"", "\"a\\n\"", "[a, b]", "[]", "{a: 1, b: [c]}", "{}", "[a, {b: c}]",
                        "|", "|-", "|+", ">", ">-", "true", "~", "null", "Łódź", "x  # note", "- y",
                        "[a,", "{a: }", "'open", "&a x", "*a", "!t x", "? k", ": v", "2026-11-20", "09:00",
                        "🙂 x", "e\u{301}", "a\u{a0}b", "[ł, 🙂]", "'ż # 🙂'", "\u{a0}",
                    ]),
                ),
                1..12,
            ),
        ) {
            let mut text = String::new();
            for (indent, lead, value) in lines {
                text.push_str(&" ".repeat(indent));
                text.push_str(lead);
                text.push_str(value);
                text.push('\n');
            }
            if let Err(e) = lean_agrees(&text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("a: [1, 2\nb: 3\n").expect_err("bad yaml");
        assert!(e.pos.is_some());
    }
}
