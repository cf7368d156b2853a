//! Escaping of brief text for Typst source, so that a brief can never run code
//! (`#read(..)`, `#include ..`), open math (`$`), emphasis, a reference or a label,
//! close the content block it sits in, or start a comment, heading or list.
//!
//! Two contexts: markup (text inside `[...]` or at the top level of a document)
//! and string literals (`"..."` in code). Typst reads a backslash before any
//! non-whitespace character as that character, literally, so markup escaping is a
//! backslash before every character that could mean something.

use std::io::{self, Write};

use crate::escape::ByteSet;

/// Characters that are markup (or start a shorthand or smart quote) anywhere in a
/// line. `(` is on the list because text that directly follows an embedded
/// expression (`#strong[a]` then `(b)`) would otherwise become call arguments.
const ALWAYS: &[char] = &[
    '\\', '#', '$', '*', '_', '`', '<', '>', '@', '[', ']', '{', '}', '(', '~', '/', '=', '-', '+',
    '\'', '"',
];

/// Text for Typst markup. Line breaks become spaces (a value never starts a
/// paragraph, a heading or a list item, and stays in its table cell), control
/// characters are dropped, and every character with a meaning is backslash-escaped.
/// The value is treated as if it started a line and followed an expression,
/// because a template may put it in either place.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4 + 4);
    let mut prev: Option<char> = None;
    // Whether all so far, past the leading spaces, are digits (a `.` after
    // them would end a list number).
    let (mut past_spaces, mut digits) = (false, true);
    let mut at = 0;
    while at < s.len() {
        // A run of characters that are text as they are is copied whole
        // (walking each was most of the cost). A run ends before a byte of
        // `MARKUP_SPECIAL`, which is ASCII or starts a character.
        let end = s.as_bytes()[at..]
            .iter()
            .position(|&b| MARKUP_SPECIAL.has(b))
            .map_or(s.len(), |p| at + p);
        if end > at {
            let run = &s[at..end];
            out.push_str(run);
            // Once `digits` is false it stays so (and spaces are past).
            if digits {
                for b in run.bytes() {
                    past_spaces |= b != b' ';
                    if past_spaces && !b.is_ascii_digit() {
                        digits = false;
                        break;
                    }
                }
            }
            prev = run.chars().next_back();
            at = end;
            continue;
        }
        let Some(raw) = s[at..].chars().next() else {
            break;
        };
        at += raw.len_utf8();
        let c = if is_newline(raw) { ' ' } else { raw };
        let next = s[at..]
            .chars()
            .next()
            .map(|n| if is_newline(n) { ' ' } else { n });
        if !(c.is_control() && c != '\t') {
            let escape = ALWAYS.contains(&c) || (c == '.' && dot_means(prev, next, digits));
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
        past_spaces |= c != ' ';
        if past_spaces && !c.is_ascii_digit() {
            digits = false;
        }
        prev = Some(c);
    }
    out
}

/// The bytes that start a character `markup` may escape, drop or change:
/// the ASCII ones, and the first byte of the C1 controls (U+0085 among them)
/// and of U+2028/U+2029. (Other characters start with those two bytes too,
/// U+00A0 for one: they take the slower path, to the same result.)
const MARKUP_SPECIAL: ByteSet = ByteSet::of(b"\\#$*_`<>@[]{}(~/=-+'\".\x7f\xc2\xe2")
    // The ASCII controls but the tab.
    .with_range(0x00, 0x08)
    .with_range(0x0a, 0x1f);

/// A `.` means something when it is part of `...` (an ellipsis shorthand), ends a
/// leading number (`1.` starts a numbered list), or opens the text (right after an
/// embedded expression it would be a field access: `#strong[a].b`). `digits`:
/// all before it, past leading spaces, are digits.
fn dot_means(prev: Option<char>, next: Option<char>, digits: bool) -> bool {
    match prev {
        None | Some('.') => true,
        Some(_) if next == Some('.') => true,
        Some(_) => digits && next.is_none_or(char::is_whitespace),
    }
}

/// What Typst counts as a line break (its lexer's list).
fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A Typst string literal, quotes included: `\` and `"` escaped, control
/// characters written as `\u{..}` escapes so that the literal stays on one line.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_newline(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Tera's escape function for `*.typ.tera` templates (Tera takes a plain `fn`).
pub fn tera_markup(s: &str, w: &mut dyn Write) -> io::Result<()> {
    if MARKUP_SPECIAL.none_in(s) {
        return w.write_all(s.as_bytes());
    }
    w.write_all(markup(s).as_bytes())
}

/// The `typst_str` filter: `{{ brief.title | typst_str }}` writes a complete
/// string literal. Its output is marked safe so that autoescaping does not escape
/// the literal a second time; `none` stays `none`.
pub fn typst_str_filter(v: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if v.is_none() {
        return tera::Value::safe_string("none");
    }
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    tera::Value::safe_string(&string(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping as first written, over a copy of the characters: the
    /// reference the faster walk is held to.
    fn markup_reference(s: &str) -> String {
        let chars: Vec<char> = s
            .chars()
            .map(|c| if is_newline(c) { ' ' } else { c })
            .collect();
        let needs_dot_escape = |i: usize| {
            if i == 0 || chars.get(i + 1) == Some(&'.') || chars[i - 1] == '.' {
                return true;
            }
            let leading = chars[..i]
                .iter()
                .skip_while(|c| **c == ' ')
                .all(char::is_ascii_digit);
            leading && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
        };
        let mut out = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if c.is_control() && c != '\t' {
                continue;
            }
            if ALWAYS.contains(&c) || (c == '.' && needs_dot_escape(i)) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The walk over the text escapes exactly as the reference does.
        #[test]
        fn markup_escapes_as_the_reference(s in "[ 0-9a-z.é#$*\\[\\]()\\-\\\\\r\n\t\u{0}\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{a0}\u{bf}\u{2013}\u{2027}\u{2028}\u{2029}\u{202a}]{0,30}") {
            proptest::prop_assert_eq!(markup(&s), markup_reference(&s));
        }
    }

    #[test]
    fn markup_escapes_code_math_and_markup() {
        assert_eq!(
            markup(r#"#read("/etc/passwd")"#),
            r#"\#read\(\"\/etc\/passwd\")"#
        );
        assert_eq!(markup("$x$ *b* _i_ `c`"), r"\$x\$ \*b\* \_i\_ \`c\`");
        assert_eq!(markup("@ref <label> ] }"), r"\@ref \<label\> \] \}");
        assert_eq!(markup(r"a\b"), r"a\\b");
        assert_eq!(markup("// c /* d */"), r"\/\/ c \/\* d \*\/");
        assert_eq!(markup("= h\n- l\n+ e"), r"\= h \- l \+ e");
        assert_eq!(markup("~ 'q' \"q\""), r#"\~ \'q\' \"q\""#);
    }

    #[test]
    fn markup_escapes_dots_only_where_they_mean_something() {
        assert_eq!(markup("10.45 EUR"), "10.45 EUR");
        assert_eq!(markup("1. first"), r"1\. first");
        assert_eq!(markup("wait..."), r"wait\.\.\.");
        assert_eq!(markup(".field"), r"\.field");
        assert_eq!(markup("7."), r"7\.");
        assert_eq!(markup("Zoë Łukasiewicz"), "Zoë Łukasiewicz");
    }

    #[test]
    fn markup_flattens_lines_and_drops_controls() {
        assert_eq!(markup("a\r\nb\u{2028}c\u{0}d"), "a  b cd");
    }

    #[test]
    fn strings_are_closed_literals() {
        assert_eq!(string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string("l1\nl2\u{1}"), r#""l1\nl2\u{1}""#);
    }
}
