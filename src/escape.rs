//! Escaping of user text (brief text) for each output format, so that a brief can
//! never inject markup or code: Markdown, HTML. (Mail headers are encoded by
//! `lettre`; Typst has its own escaper with its format.)

use std::io::{self, Write};

/// Markdown inline text: every character that could start markup is
/// backslash-escaped (CommonMark allows a backslash before any ASCII punctuation),
/// and line breaks become spaces so that a value cannot start a block (a heading,
/// a list, a table row) or break out of a table cell.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    // What the current line holds before this character, kept as we go (one
    // pass: looking back along the line at each character was quadratic).
    let mut line = LineStart::Spaces;
    while let Some(c) = chars.next() {
        match c {
            '\r' => {}
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
            | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // List markers and setext underlines only count at the start of a line.
            '-' | '+' | '=' if line == LineStart::Spaces => {
                out.push('\\');
                out.push(c);
            }
            // "1." or "1)" followed by a space starts an ordered list.
            '.' | ')'
                if line == LineStart::Digits && chars.peek().is_none_or(|n| n.is_whitespace()) =>
            {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        line = match (c, line) {
            ('\n', _) => LineStart::Spaces,
            (' ', LineStart::Spaces) => LineStart::Spaces,
            ('0'..='9', LineStart::Spaces | LineStart::Digits) => LineStart::Digits,
            _ => LineStart::Other,
        };
    }
    out
}

/// What a line holds so far: only spaces, spaces then digits, or anything else.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineStart {
    Spaces,
    Digits,
    Other,
}

pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Tera escape functions (Tera takes a plain `fn`).
pub fn tera_markdown(s: &str, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(markdown(s).as_bytes())
}

pub fn tera_html(s: &str, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(html(s).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_neutralises_markup() {
        assert_eq!(markdown("*bold* [x](y) <b>"), r"\*bold\* \[x\](y) \<b\>");
        assert_eq!(markdown("a | b"), r"a \| b");
        assert_eq!(markdown("# title\n- item"), r"\# title \- item");
        assert_eq!(markdown("1. first"), r"1\. first");
        assert_eq!(markdown("10.45 EUR - net"), "10.45 EUR - net");
        assert_eq!(markdown("2026-12-02"), "2026-12-02");
        assert_eq!(markdown("- x"), r"\- x");
        assert_eq!(markdown("7."), r"7\.");
        assert_eq!(markdown("Zoë Łukasiewicz"), "Zoë Łukasiewicz");
    }

    /// The former implementation (quadratic), kept as the reference.
    fn markdown_reference(s: &str) -> String {
        fn line_start_digits(chars: &[char], i: usize) -> bool {
            let mut j = i;
            while j > 0 && chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            j < i
                && chars[..j]
                    .iter()
                    .rev()
                    .take_while(|c| **c != '\n')
                    .all(|c| *c == ' ')
        }
        let mut out = String::new();
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let at_line_start = chars[..i]
                .iter()
                .rev()
                .take_while(|c| **c != '\n')
                .all(|c| *c == ' ');
            match c {
                '\r' => {}
                '\n' => out.push(' '),
                '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
                | '!' | '&' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' | '+' | '=' if at_line_start => {
                    out.push('\\');
                    out.push(c);
                }
                '.' | ')'
                    if line_start_digits(&chars, i)
                        && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) =>
                {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    #[test]
    fn markdown_escaping_is_unchanged_and_linear() {
        // Every string of up to four characters from an alphabet of the ones
        // that matter gives the same result as before.
        let alphabet = [
            ' ', '1', '.', ')', '-', '+', '=', 'a', '\n', '\r', '*', '\t',
        ];
        let mut cases = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = cases
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            cases.extend(next);
        }
        for s in &cases {
            assert_eq!(markdown(s), markdown_reference(s), "{s:?}");
        }
        // 200,000 characters on one line: instant now (it used to take minutes).
        let long = "a- 1. ".repeat(40_000);
        assert_eq!(markdown(&long).len(), long.len());
    }

    #[test]
    fn html_escapes_specials() {
        assert_eq!(html("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
    }
}
