//! Reading typed values out of the located YAML tree, collecting a diagnostic for
//! every problem instead of stopping: unknown keys (with "did you mean"), missing
//! required keys, wrong types, values outside an allowed set. Shared by the brief
//! and the rules loaders.

use std::collections::HashMap;
use std::fmt::Display;
use std::path::Path;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Pos, closest, did_you_mean};
use crate::words::Word;
use crate::yaml::{Node, Value};

/// Collects diagnostics for one file. Its readers take `what`, the value's
/// name in messages ("term `price` walk"), as anything `Display`: callers pass
/// `format_args!`, so the name is written only when a message needs it.
pub struct Checker<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub diags: Vec<Diagnostic>,
}

/// The entries of a mapping, by key, once its keys have been checked.
pub struct Fields<'n> {
    pub pos: Pos,
    /// The known keys in the order written, each with where it is and its
    /// value. A mapping has a handful of keys, so a search along them beats
    /// hashing each key (two hash maps per mapping were 2% of `check`).
    entries: Vec<(&'n str, Pos, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entry(key).map(|(_, n)| n).filter(|n| !n.is_null())
    }

    /// Where `key` is written and its value, null or not (the last, were a
    /// key repeated).
    fn entry(&self, key: &str) -> Option<(Pos, &'n Node)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _, _)| *k == key)
            .map(|(_, at, n)| (*at, *n))
    }
}

impl<'a> Checker<'a> {
    pub fn new(path: &'a Path, source: &'a str) -> Self {
        Checker {
            path,
            source,
            diags: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Pos, message: impl Into<String>, hint: Option<String>) {
        let mut d = Diagnostic::error(self.path, Some(pos), message).with_source(self.source);
        d.hint = hint;
        self.diags.push(d);
    }

    pub fn warning(&mut self, pos: Pos, message: impl Into<String>, hint: Option<String>) {
        let mut d = Diagnostic::warning(self.path, Some(pos), message).with_source(self.source);
        d.hint = hint;
        self.diags.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Check that `node` is a mapping whose keys are all in `known`, and that the
    /// `required` ones are present. `what` names the mapping in messages
    /// ("term `price`", "the brief").
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: impl Display + Copy,
        known: &[&str],
        required: &[&str],
    ) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            self.error(
                node.pos,
                format!(
                    "{what} must be a mapping of keys to values, found {}",
                    node.value.kind()
                ),
                None,
            );
            return None;
        };
        let mut fields = Fields {
            pos: node.pos,
            entries: Vec::with_capacity(entries.len()),
        };
        // What misspelt keys were taken for: a required key that one of them
        // names is that mistake, not a second one.
        let mut meant: Vec<&str> = Vec::new();
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                self.error(
                    k.pos,
                    format!("keys must be text, found `{}`", k.value),
                    None,
                );
                continue;
            };
            if known.contains(&key) {
                fields.entries.push((key, k.pos, v));
            } else {
                meant.extend(closest(key, known.iter().copied()));
                let hint = did_you_mean(key, known.iter().copied())
                    .or_else(|| Some(format!("the keys allowed here are: {}", known.join(", "))));
                self.error(k.pos, format!("unknown key `{key}` in {what}"), hint);
            }
        }
        for req in required {
            match fields.entry(req) {
                // Written, but with nothing after it (`terms:` and no list).
                Some((at, n)) if n.is_null() => self.error(
                    at,
                    format!("`{req}` in {what} has no value"),
                    Some(format!(
                        "write its value after `{req}:`, or on the lines below it, indented"
                    )),
                ),
                // Present, or a misspelt key already said to mean it.
                Some(_) => {}
                None if meant.contains(req) => {}
                None => {
                    // No snippet: the mapping's first line would point at an unrelated key.
                    let d = Diagnostic::error(
                        self.path,
                        Some(node.pos),
                        format!("{what} is missing the required key `{req}`"),
                    )
                    .with_hint(format!("add `{req}: ...` to {what}"));
                    self.diags.push(d);
                }
            }
        }
        Some(fields)
    }

    fn expected(
        &mut self,
        node: &Node,
        what: impl Display + Copy,
        expected: &str,
        hint: Option<String>,
    ) {
        let found = match &node.value {
            Value::Str(s) => format!("text `{}`", clip(s)),
            Value::Seq(_) | Value::Map(_) => node.value.kind().to_string(),
            v => format!("{} `{v}`", v.kind()),
        };
        self.error(
            node.pos,
            format!("{what} must be {expected}, found {found}"),
            hint,
        );
    }

    /// Text. A number or a yes/no where text is wanted (a title of `2027`) is
    /// taken exactly as written — YAML would read `0x1F` as 31, `2027.10` as
    /// 2027.1 and `yes` as true — with a warning that it is. Empty text is an
    /// error: a key with nothing to say is left out.
    pub fn text(&mut self, node: &Node, what: impl Display + Copy) -> Option<String> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let written = node
                    .raw
                    .clone()
                    .and_then(|r| self.source.get(r))
                    .map(str::trim)
                    .filter(|t| !t.is_empty());
                let text = written.map_or_else(|| node.value.to_string(), str::to_string);
                self.warning(
                    node.pos,
                    format!(
                        "{what} is written `{}`, which YAML reads as {}; it is kept as the text `{}`",
                        clip(&text),
                        match node.value {
                            Value::Bool(b) => format!("yes/no ({b})"),
                            _ => format!("the number {}", node.value),
                        },
                        clip(&text)
                    ),
                    Some(format!("put it in quotes to say it is text: \"{}\"", clip(&text))),
                );
                text
            }
            _ => {
                self.expected(node, what, "text", None);
                return None;
            }
        };
        if text.trim().is_empty() {
            self.error(
                node.pos,
                format!("{what} is empty"),
                Some("write something, or leave the key out".into()),
            );
            return None;
        }
        // Printable ASCII, tabs and line breaks (most text) need no closer look.
        let plain = text
            .bytes()
            .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'));
        let found = if plain {
            None
        } else {
            text.chars().find(|&c| unshowable(c))
        };
        if let Some(c) = found {
            let (kind, hint) = if c.is_control() {
                (
                    "a control character",
                    "remove it: no output can show it (it often comes with text copied from a terminal)",
                )
            } else {
                (
                    "an invisible direction override",
                    "remove it: it makes the text read differently from what it is; right-to-left text needs no marks",
                )
            };
            self.error(
                node.pos,
                format!("{what} holds {kind} (U+{:04X})", u32::from(c)),
                Some(hint.into()),
            );
            return None;
        }
        Some(text)
    }

    /// Text on one line (a greeting, a topic): a line break in it is an error.
    pub fn line(&mut self, node: &Node, what: impl Display + Copy) -> Option<String> {
        let s = self.text(node, what)?;
        if s.contains(['\r', '\n', '\u{2028}', '\u{2029}']) {
            self.error(node.pos, format!("{what} must be on one line"), None);
            return None;
        }
        Some(s)
    }

    /// A whole number from 0 to `max`.
    pub fn count(&mut self, node: &Node, what: impl Display + Copy, max: u32) -> Option<u32> {
        match node.value {
            Value::Int(i) if (0..=i64::from(max)).contains(&i) => u32::try_from(i).ok(),
            _ => {
                self.expected(node, what, &format!("a whole number from 0 to {max}"), None);
                None
            }
        }
    }

    /// A finite number.
    pub fn number(&mut self, node: &Node, what: impl Display + Copy) -> Option<f64> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            Value::Float(x) => {
                self.error(
                    node.pos,
                    format!("{what} must be a finite number, found `{x}`"),
                    Some("write an ordinary number such as 10.5".into()),
                );
                None
            }
            Value::Str(ref s) if looks_non_finite(s) => {
                self.error(
                    node.pos,
                    format!("{what} must be a finite number, found `{s}`"),
                    Some("write an ordinary number such as 10.5".into()),
                );
                None
            }
            Value::Str(ref s) if s.trim().parse::<f64>().is_ok() => {
                let hint = Some("remove the quotes so that it reads as a number".into());
                self.expected(node, what, "a number", hint);
                None
            }
            // `1_000`: YAML 1.2 reads a number with `_` as text.
            Value::Str(ref s) if s.contains('_') && s.replace('_', "").parse::<f64>().is_ok() => {
                let hint = Some(format!("write it without `_`: {}", s.replace('_', "")));
                self.expected(node, what, "a number", hint);
                None
            }
            _ => {
                // `2,350 EUR`, `€2,350`, `10 000`: a number as people write it.
                let hint = node.as_str().and_then(number_as_written).map(|n| {
                    format!("write the number alone: {n} (thousands are not grouped here, and the unit goes in `unit`)")
                });
                self.expected(node, what, "a number", hint);
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, what: impl Display + Copy) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => {
                let hint = yaml11_bool(s).map(|b| {
                    format!("write `{b}`: YAML 1.2, as editors read it, takes only true and false")
                });
                self.expected(node, what, "true or false", hint);
                None
            }
            _ => {
                self.expected(node, what, "true or false", None);
                None
            }
        }
    }

    /// One of a fixed set of words; suggests the closest one.
    pub fn choice<'c>(
        &mut self,
        node: &Node,
        what: impl Display + Copy,
        allowed: &[&'c str],
    ) -> Option<&'c str> {
        // Only a message lists them.
        let list = || {
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &node.value {
            Value::Str(s) => {
                if let Some(hit) = allowed.iter().find(|a| **a == s.as_str()) {
                    return Some(hit);
                }
                let hint = did_you_mean(s, allowed.iter().copied());
                self.error(
                    node.pos,
                    format!("{what} must be one of {}, found `{}`", list(), clip(s)),
                    hint,
                );
                None
            }
            _ => {
                self.expected(node, what, &format!("one of {}", list()), None);
                None
            }
        }
    }

    /// One word of a vocabulary (`side: buyer`); suggests the closest one.
    pub fn word<T: Word>(&mut self, node: &Node, what: impl Display + Copy) -> Option<T> {
        let allowed: Vec<&str> = T::words().collect();
        self.choice(node, what, &allowed).and_then(T::from_word)
    }

    pub fn date(&mut self, node: &Node, what: impl Display + Copy) -> Option<Date> {
        let text = match &node.value {
            Value::Str(s) => s.trim().to_string(),
            _ => {
                self.expected(node, what, "a date (YYYY-MM-DD)", None);
                return None;
            }
        };
        // A date with a time would be read as its day alone, the time dropped
        // without a word: only a day is accepted.
        let shape_ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let day = text.get(..10).filter(|d| d.parse::<Date>().is_ok());
        if let Some(day) = day.filter(|_| !shape_ok) {
            self.error(
                node.pos,
                format!(
                    "{what} must be a day written YYYY-MM-DD, found `{}`: the time is not used",
                    clip(&text)
                ),
                Some(format!("write just the day: {day}")),
            );
            return None;
        }
        match text.parse::<Date>().ok().filter(|_| shape_ok) {
            Some(d) => Some(d),
            // Written right, but the calendar has no such day (30 February).
            None if shape_ok => {
                let month = text
                    .get(..8)
                    .and_then(|ym| format!("{ym}01").parse::<Date>().ok());
                let hint = match month {
                    Some(first) => format!(
                        "{} {} has {} days",
                        crate::english::month_name(first.month()),
                        first.year(),
                        first.days_in_month()
                    ),
                    None => "months run from 01 to 12".to_string(),
                };
                self.error(
                    node.pos,
                    format!("{what}: `{}` is not a day of the calendar", clip(&text)),
                    Some(hint),
                );
                None
            }
            None => {
                self.error(
                    node.pos,
                    format!(
                        "{what} must be a date written YYYY-MM-DD, found `{}`",
                        clip(&text)
                    ),
                    Some("for example 2026-12-03".into()),
                );
                None
            }
        }
    }

    /// An id (`[a-z0-9_]+`) not used before in `seen`; `kind` names what it
    /// identifies in messages ("term", "rule").
    pub fn unique_id(
        &mut self,
        node: &Node,
        what: impl Display + Copy,
        kind: &str,
        seen: &mut HashMap<String, Pos>,
    ) -> Option<String> {
        let id = self.text(node, what)?;
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !valid {
            let fixed: String = id
                .to_lowercase()
                .chars()
                .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
                .collect();
            self.error(
                node.pos,
                format!("{kind} id `{}` may only use a-z, 0-9 and _", clip(&id)),
                Some(format!("for example `{fixed}`")),
            );
            return None;
        }
        if let Some(first) = seen.get(&id) {
            self.error(
                node.pos,
                format!(
                    "{kind} id `{id}` is used twice (first at line {})",
                    first.line
                ),
                Some(format!("give every {kind} its own id")),
            );
            return None;
        }
        seen.insert(id.clone(), node.pos);
        Some(id)
    }

    pub fn seq<'n>(&mut self, node: &'n Node, what: impl Display + Copy) -> &'n [Node] {
        match node.as_seq() {
            Some(items) => items,
            None => {
                self.expected(node, what, "a list", None);
                &[]
            }
        }
    }
}

/// A number for a message, as short as it can be written (10.45, 30).
pub fn plain_number(x: f64) -> String {
    let s = format!("{x}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

/// How many decimals a number is written with in the source (`0.90` → 2,
/// `45` → 0, `1.5e3` → 0): the scalar `node`, as typed.
pub fn written_decimals(source: &str, node: &Node) -> u32 {
    // Where the scalar starts: at its byte range when that agrees with its
    // column, which spares a walk through the file from its first line for
    // every number (2% of `check`); else by its line and column.
    let at_raw = node.raw.as_ref().and_then(|r| {
        let before = source.get(..r.start)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (col == node.pos.col).then(|| &source[r.start..])
    });
    let rest = match at_raw {
        Some(rest) => rest,
        None => {
            let Some(line) = source.lines().nth(node.pos.line.saturating_sub(1)) else {
                return 0;
            };
            let skip: usize = line
                .chars()
                .take(node.pos.col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            &line[skip..]
        }
    };
    scalar_decimals(rest)
}

/// The decimals of the plain scalar at the start of `rest` (which ends at a
/// space, a comma, a closing bracket or a comment).
fn scalar_decimals(rest: &str) -> u32 {
    let scalar: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | '#'))
        .collect();
    if scalar.contains(['e', 'E']) {
        return 0;
    }
    scalar.split_once('.').map_or(0, |(_, frac)| {
        frac.chars().take_while(char::is_ascii_digit).count() as u32
    })
}

/// The text value of `key` in a mapping node, before the mapping is checked (to
/// name it in messages: "term `price`", "red flag `slow`").
pub fn peek_str<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .and_then(|(_, v)| v.as_str())
}

/// A word that YAML 1.1 read as yes/no (`yes`, `off`...), which YAML 1.2 — and
/// so walkaway and editors — reads as text: the boolean it meant.
pub fn yaml11_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" => Some(true),
        "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

fn looks_non_finite(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().trim_start_matches(['+', '-']),
        "inf" | ".inf" | "infinity" | "nan" | ".nan"
    )
}

/// Long values are cut in messages.
pub fn clip(s: &str) -> String {
    const MAX: usize = 40;
    let one_line = s.replace(['\n', '\r'], " ");
    if one_line.chars().count() > MAX {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    } else {
        one_line
    }
}

/// The number in text as people write it — grouped thousands (`2,350`,
/// `10 000`), a currency or unit before or after (`€2,350`, `2,350 EUR`,
/// `45 days`) — written plainly (`2350`), or None when the text is not such a
/// number.
fn number_as_written(s: &str) -> Option<String> {
    let t = s.trim();
    // The unit: letters, currency signs and `%` at either end.
    let is_unit = |c: char| c.is_alphabetic() || matches!(c, '€' | '$' | '£' | '¥' | '%' | '.');
    let core = t
        .trim_start_matches(|c: char| is_unit(c) && c != '.')
        .trim_end_matches(is_unit)
        .trim();
    // Text with nothing around the number, no grouping and a plain minus is
    // not this case.
    if core.is_empty() || (core == t && !core.contains([',', ' ', '\u{a0}', '−'])) {
        return None;
    }
    // "12k", "€1.5 million": the number is that many thousands or millions.
    // A bare "m" may as well be metres or months: no guess then.
    let after = t[t.find(core).map_or(t.len(), |i| i + core.len())..].trim();
    let word = after
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    let times = match word {
        "k" | "K" | "thousand" => Some(1e3),
        "M" | "mn" | "million" | "millions" => Some(1e6),
        "bn" | "billion" | "billions" => Some(1e9),
        "m" => return None,
        _ => None,
    };
    let (sign, digits) = match core.strip_prefix(['-', '−']) {
        Some(rest) => ("-", rest),
        None => ("", core),
    };
    // A decimal comma ("48500,50", "1.000,50"): one or two digits after the
    // last comma, and no point after it. (Three digits is a thousands group.)
    let european;
    let digits = match digits.rsplit_once(',') {
        Some((whole, cents))
            if (1..=2).contains(&cents.len())
                && cents.bytes().all(|b| b.is_ascii_digit())
                && !cents.contains('.') =>
        {
            european = format!("{}.{cents}", whole.replace(['.', ' ', '\u{a0}'], ""));
            european.as_str()
        }
        _ => digits,
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let groups: Vec<&str> = int.split([',', ' ', '\u{a0}']).collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !grouped || !groups.iter().all(|g| all_digits(g)) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let mut n = format!("{sign}{}", groups.concat());
    if let Some(f) = frac {
        n.push('.');
        n.push_str(f);
    }
    match times {
        Some(k) => {
            let x = n.parse::<f64>().ok()? * k;
            // Whole after multiplying ("1.5k" is 1500), else left alone.
            (x.fract() == 0.0 && x.abs() < 1e15).then(|| format!("{x:.0}"))
        }
        None => Some(n),
    }
}

/// A character no output can show, or one that makes text read differently
/// from what it is: control characters other than tab and line breaks, and
/// the bidirectional embeddings, overrides and isolates ("Trojan Source").
/// Letters of right-to-left scripts, and the plain direction marks, are kept.
fn unshowable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decimals of the scalar at its line and column, found from the top
    /// of the file: what `written_decimals` must agree with.
    fn by_line(source: &str, pos: Pos) -> u32 {
        let line = source.lines().nth(pos.line - 1).unwrap_or_default();
        let rest: String = line.chars().skip(pos.col - 1).collect();
        scalar_decimals(&rest)
    }

    #[test]
    fn written_decimals_agree_with_the_line_and_column() {
        let docs = [
            "a: 0.90\nb: 45\nc: 1.5e3\nd: -12.250 # note\n",
            "é: {x: 1.50, y: [2.125, 3]}\r\nżółw: 4.0\r\n",
            "list:\n  - 7.75\n  -   8.5\n  - \"2,350.50\"\n  - '9.99'\nnull: ~\nyes: true\n",
            "  deep:\n    deeper:\n      n: 100.000\n      m: .5\n",
        ];
        let mut checked = 0;
        for doc in docs {
            let root = crate::yaml::parse_str(Path::new("t.yaml"), doc).expect("valid YAML");
            let mut stack = vec![&root];
            while let Some(n) = stack.pop() {
                match &n.value {
                    Value::Seq(items) => stack.extend(items),
                    Value::Map(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
                    _ => {
                        assert_eq!(
                            written_decimals(doc, n),
                            by_line(doc, n.pos),
                            "{:?} at {:?} in {doc:?}",
                            n.value,
                            n.pos
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 20, "{checked}");
        let doc = "x: 12.345\n";
        let root = crate::yaml::parse_str(Path::new("t.yaml"), doc).expect("valid YAML");
        let (_, v) = &root.as_map().expect("a mapping")[0];
        assert!(v.raw.is_some());
        assert_eq!(written_decimals(doc, v), 3);
    }
}
