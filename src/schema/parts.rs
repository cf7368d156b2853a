//! The building blocks of our schemas, each written to accept exactly what the
//! loaders' `Checker` accepts (src/fields.rs), no more and no less, so that an
//! editor and `walkaway check` agree:
//!
//! - text (`Checker::text`): a string that is not blank; a number or a
//!   true/false is kept as the text written, with a warning — so the schema
//!   accepts it too, and the editor shows the same warning through
//!   `deprecationMessage` (a hint yaml-language-server shows; JSON Schema
//!   validators ignore it);
//! - a key left empty (`offer:`) is the key left out, so every optional key
//!   also accepts null ([`optional`]);
//! - a day is a string in `format: date`;
//! - words come from the loaders' vocabularies (`Word`), each with a line of
//!   explanation for the editor's completion and hover.
//!
//! `errorMessage` and `patternErrorMessage` replace the editor's generic
//! messages ("Incorrect type") with ours; like `markdownEnumDescriptions`, they
//! are read by yaml-language-server and ignored by other validators.

use serde_json::{Map, Value, json};

use crate::words::Word;

/// What the editor says, as a warning, on text that YAML reads as a number or a
/// true/false: the same thing `walkaway check` says.
const KEPT_AS_WRITTEN: &str = "YAML reads this as a number or true/false; walkaway keeps the text \
     exactly as you wrote it, with a warning. Put it in quotes to say it is text.";

/// Text (`Checker::text`): not blank; a number or true/false is kept as written.
pub fn text(description: &str) -> Value {
    json!({
        "type": ["string", "number", "boolean"],
        "pattern": "\\S",
        "patternErrorMessage": "Empty text: write something, or leave the key out.",
        "description": description,
        "if": { "type": ["number", "boolean"] },
        "then": { "deprecationMessage": KEPT_AS_WRITTEN },
    })
}

/// Text on one line (`Checker::line`): a greeting, a topic, a name.
pub fn line(description: &str) -> Value {
    let mut v = text(description);
    v["pattern"] = json!("^[^\\r\\n]*\\S[^\\r\\n]*$");
    v["patternErrorMessage"] = json!("One line of text (not empty, no line break).");
    v
}

/// An id (`Checker::unique_id`): a-z, 0-9 and _. Numbers and true/false are
/// kept as the text written, like any text, so `1` and `true` are ids too.
/// That an id is used once in its file, draft-07 cannot say.
pub fn id(description: &str, examples: &[&str]) -> Value {
    let mut v = text(description);
    v["type"] = json!(["string", "integer", "boolean"]);
    v["minimum"] = json!(0);
    v["pattern"] = json!("^[a-z0-9_]+$");
    v["patternErrorMessage"] = json!("An id uses only a-z, 0-9 and _, e.g. payment_days.");
    v["examples"] = json!(examples);
    v
}

/// A day (`Checker::date`): `YYYY-MM-DD`, a real date, no time.
pub fn date(description: &str) -> Value {
    json!({
        "type": "string",
        "format": "date",
        "errorMessage": "A day written YYYY-MM-DD, e.g. 2026-12-03: a real date, without a time.",
        "description": description,
    })
}

/// true or false (`Checker::boolean`). YAML 1.2, as editors read it: `yes`,
/// `no`, `on` and `off` are text.
pub fn boolean(description: &str) -> Value {
    json!({
        "type": "boolean",
        "errorMessage": "true or false (`yes` and `no` are text in YAML 1.2, as editors and walkaway read it).",
        "description": description,
    })
}

/// A finite number (`Checker::number`), unquoted.
pub fn number(description: &str) -> Value {
    json!({
        "type": "number",
        "description": description,
    })
}

/// One word of a vocabulary (`Checker::word`), each explained. `explain`
/// gives the line for each word, in Markdown (a test checks that every word
/// has one).
pub fn words<T: Word>(description: &str, explain: &[(&str, &str)]) -> Value {
    let words: Vec<&str> = T::words().collect();
    choice(description, &words, explain)
}

/// One of `words`, each explained by its line in `explain`.
pub fn choice(description: &str, words: &[&str], explain: &[(&str, &str)]) -> Value {
    let lines: Vec<&str> = words
        .iter()
        .map(|w| {
            explain
                .iter()
                .find(|(k, _)| k == w)
                .map_or("", |(_, line)| *line)
        })
        .collect();
    json!({
        "enum": words,
        "description": description,
        "enumDescriptions": lines.iter().map(|l| plain(l)).collect::<Vec<_>>(),
        "markdownEnumDescriptions": lines,
    })
}

/// A key that may be given a value of its own or left empty: an empty key is a
/// key left out, for `walkaway check`, so the schema takes null too. In a list
/// of words, null is explained as such.
pub fn optional(mut schema: Value) -> Value {
    let Some(obj) = schema.as_object_mut() else {
        return schema;
    };
    if let Some(Value::Array(words)) = obj.get_mut("enum") {
        words.push(Value::Null);
        let empty = "(empty) the same as leaving the key out";
        for key in ["enumDescriptions", "markdownEnumDescriptions"] {
            if let Some(Value::Array(lines)) = obj.get_mut(key) {
                lines.push(json!(empty));
            }
        }
    } else if let Some(t) = obj.get_mut("type") {
        let mut types = match t.take() {
            Value::Array(a) => a,
            other => vec![other],
        };
        types.push(json!("null"));
        *t = Value::Array(types);
    } else if let Some(Value::Array(alts)) = obj.get_mut("anyOf") {
        alts.push(json!({ "type": "null" }));
    }
    schema
}

/// A key that a term of this kind must not have: only null (a key left empty)
/// passes, with our message for anything else.
pub fn not_here(message: &str) -> Value {
    json!({ "type": "null", "errorMessage": message })
}

/// A list of `items`.
pub fn list(description: &str, items: Value) -> Value {
    json!({ "type": "array", "description": description, "items": items })
}

/// A mapping with exactly these keys (an unknown key is an error, as in
/// `Checker::fields`); the keys not in `required` are [`optional`].
pub fn object(
    title: &str,
    description: &str,
    keys: Vec<(&str, Value)>,
    required: &[&str],
) -> Value {
    let mut properties = Map::new();
    for (key, schema) in keys {
        let schema = if required.contains(&key) {
            schema
        } else {
            optional(schema)
        };
        properties.insert(key.to_string(), schema);
    }
    let mut v = json!({
        "title": title,
        "description": description,
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    v
}

/// Set `key` on a schema object (a default, examples, a bound).
pub fn with(mut schema: Value, key: &str, value: Value) -> Value {
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(key.to_string(), value);
    }
    schema
}

/// Markdown's backticks and asterisks out, for the plain `enumDescriptions`.
fn plain(markdown: &str) -> String {
    markdown.replace(['`', '*'], "")
}

/// The root of a schema file.
pub fn root(id: &str, body: Value) -> Value {
    let mut v = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": format!("https://walkaway.example/schemas/{id}"),
    });
    if let (Some(out), Value::Object(body)) = (v.as_object_mut(), body) {
        out.extend(body);
    }
    v
}
