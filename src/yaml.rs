//! A YAML document as a located tree: every node knows the line and column it was
//! written at. Briefs and rules are validated from this tree by hand, so that every
//! problem in a file can be reported at once, each with its own location (serde
//! would stop at the first one).
//!
//! Parsing goes through `serde-saphyr`, which brings budgets that refuse alias bombs
//! and deep nesting, and located syntax errors.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::diag::{Diagnostic, Pos};
use crate::input::ReadError;

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
                format!(
                    "to check every brief in it: `walkaway check {0}/*.yaml`; to build them: `walkaway build {0}`",
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

/// Parse YAML text (one document) into a located tree.
pub fn parse_str(path: &Path, text: &str) -> Result<Node, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            Some(Pos { line: 1, col: 1 }),
            "the file is empty",
        ));
    }
    // Tight budgets: a brief has at most a few thousand nodes. These refuse a
    // "billion laughs" alias bomb in well under a second, in bounded memory.
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 2_000;
    budget.max_anchors = 2_000;
    budget.max_nodes = 100_000;
    budget.max_depth = 32;
    budget.max_total_scalar_bytes = 4 * MAX_FILE_BYTES;
    budget.max_documents = 1;
    let mut options = Options::default();
    options.budget = Some(budget);
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

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("a: [1, 2\nb: 3\n").expect_err("bad yaml");
        assert!(e.pos.is_some());
    }
}
