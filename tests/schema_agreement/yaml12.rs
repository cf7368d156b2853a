//! YAML as an editor's language server reads it — YAML 1.2, core schema:
//! only `true`/`false` are booleans, `yes` is text, `1_000` is text, `0x1F` is a
//! number — read with the event parser serde-saphyr is built on, but resolved
//! here by the spec's own rules, independently of walkaway's loader. Also
//! writes a tree back as YAML, so that mutated briefs can be made from it.

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value, json};

/// A YAML node as written: a scalar keeps its text and whether it was plain
/// (unquoted), so that it is written back the same way.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    Scalar { text: String, plain: bool },
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    pub fn plain(s: &str) -> Y {
        Y::Scalar {
            text: s.to_string(),
            plain: true,
        }
    }
    pub fn quoted(s: &str) -> Y {
        Y::Scalar {
            text: s.to_string(),
            plain: false,
        }
    }
}

/// Parse one YAML document into a tree (our test inputs: no anchors, no tags).
pub fn parse(text: &str) -> Y {
    enum Frame {
        Seq(Vec<Y>),
        Map(Vec<(String, Y)>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut done: Option<Y> = None;
    for item in Parser::new_from_str(text) {
        let (event, _) = item.expect("valid YAML");
        let node = match event {
            Event::Scalar(text, style, _, _) => Y::Scalar {
                text: text.into_owned(),
                plain: style == ScalarStyle::Plain,
            },
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Vec::new(), None));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Y::Seq(items),
                _ => panic!("unbalanced sequence"),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _)) => Y::Map(entries),
                _ => panic!("unbalanced mapping"),
            },
            Event::Alias(_) => panic!("no aliases in test inputs"),
            _ => continue,
        };
        match stack.last_mut() {
            Some(Frame::Seq(items)) => items.push(node),
            Some(Frame::Map(entries, key)) => match key.take() {
                None => match node {
                    Y::Scalar { text, .. } => *key = Some(text),
                    _ => panic!("complex keys are not used"),
                },
                Some(k) => entries.push((k, node)),
            },
            None => done = Some(node),
        }
    }
    done.expect("a document")
}

/// The tree as JSON, each plain scalar resolved by the YAML 1.2 core schema.
/// JSON has no infinity or NaN: `.inf` becomes the text "Infinity" and `.nan`
/// the text "NaN", so that where a number is wanted they are refused, as
/// editors refuse infinity past a bound and the loader refuses both, and where
/// text is wanted they are accepted, as both accept them.
pub fn to_json(y: &Y) -> Value {
    match y {
        Y::Scalar { text, plain: false } => json!(text),
        Y::Scalar { text, plain: true } => resolve(text),
        Y::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Y::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), to_json(v));
            }
            Value::Object(m)
        }
    }
}

fn resolve(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return json!(true),
        "false" | "False" | "FALSE" => return json!(false),
        _ => {}
    }
    let digits = |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(ok);
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits(unsigned, |c| c.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .map(|i| json!(i))
            .unwrap_or_else(|_| json!(s.parse::<f64>().unwrap_or(f64::MAX)));
    }
    if let Some(h) = s.strip_prefix("0x")
        && digits(h, |c| c.is_ascii_hexdigit())
    {
        return i64::from_str_radix(h, 16).map_or(json!(f64::MAX), |i| json!(i));
    }
    if let Some(o) = s.strip_prefix("0o")
        && digits(o, |c| ('0'..='7').contains(&c))
    {
        return i64::from_str_radix(o, 8).map_or(json!(f64::MAX), |i| json!(i));
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return json!(format!("{}Infinity", &s[..s.len() - unsigned.len()]));
        }
        ".nan" | ".NaN" | ".NAN" if unsigned == s => return json!("NaN"),
        _ => {}
    }
    if is_core_float(unsigned) {
        let x: f64 = s.parse().unwrap_or(f64::MAX);
        return json!(if x.is_finite() { x } else { f64::MAX });
    }
    json!(s)
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(t: &str) -> bool {
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let num = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => num(frac),
        Some((int, frac)) => num(int) && (frac.is_empty() || num(frac)),
        None => num(mantissa),
    };
    let exp_ok = exp.is_none_or(|e| num(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exp_ok
}

/// The tree as block YAML: keys and quoted scalars as JSON strings (valid
/// YAML double-quoted scalars), plain scalars as written.
pub fn write(y: &Y) -> String {
    let mut out = String::new();
    block(y, 0, &mut out);
    out
}

fn scalar(text: &str, plain: bool) -> String {
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

fn block(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                out.push_str(&format!("{pad}{}:", scalar(k, false)));
                value(v, indent, out);
            }
        }
        Y::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Y::Map(e) if !e.is_empty() => {
                        out.push('\n');
                        block(item, indent + 2, out);
                    }
                    _ => value(item, indent, out),
                }
            }
        }
        _ => value(y, indent, out),
    }
}

/// A value after `key:` or `-`: on the same line when it is a scalar or empty.
fn value(v: &Y, indent: usize, out: &mut String) {
    match v {
        Y::Scalar { text, plain } => {
            if !(text.is_empty() && *plain) {
                out.push(' ');
                out.push_str(&scalar(text, *plain));
            }
            out.push('\n');
        }
        Y::Map(e) if e.is_empty() => out.push_str(" {}\n"),
        Y::Seq(i) if i.is_empty() => out.push_str(" []\n"),
        _ => {
            out.push('\n');
            block(v, indent + 2, out);
        }
    }
}
