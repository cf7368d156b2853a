//! Escaping of user text (brief text) for each output format, so that a brief can
//! never inject markup or code: Markdown, HTML. (Mail headers are encoded by
//! `lettre`; Typst has its own escaper with its format.)

use std::io::{self, Write};

/// Markdown inline text: a brief's text reaches a Markdown document as the
/// same text, never as markup. Line breaks become spaces (a value cannot start a
/// block or leave a table cell), and a backslash goes before exactly those
/// characters that would start markup where they stand, and no others, so that
/// "Finch & Co." or "lee_park" read as written in `letter.md` (DESIGN §5: no
/// escape is ever visible in a letter). Linear in the length of the text.
pub fn markdown(s: &str) -> String {
    // Read as a line: a line break is a space.
    let nl = |c: char| if c == '\n' { ' ' } else { c };
    let mut out = String::with_capacity(s.len() + 8);
    // Only spaces so far: a value may be laid at the start of a line.
    let mut line_start = true;
    // The digits of a "1." or "1)" list marker at the start.
    let mut leading_digits = true;
    let mut prev: Option<char> = None;
    let mut at = 0;
    while at < s.len() {
        // A run of characters no rule looks at (most of a sentence) is
        // copied whole; walking it a character at a time was most of the
        // cost. The special bytes are ASCII, so a run ends on a boundary.
        let end = s.as_bytes()[at..]
            .iter()
            .position(|&b| MARKDOWN_SPECIAL.has(b))
            .map_or(s.len(), |p| at + p);
        if end > at {
            let run = &s[at..end];
            out.push_str(run);
            // Once a list marker cannot start, neither can a heading.
            if leading_digits {
                for b in run.bytes() {
                    line_start &= b == b' ';
                    if !b.is_ascii_digit() && b != b' ' {
                        leading_digits = false;
                        break;
                    }
                }
            }
            prev = run.chars().next_back();
            at = end;
            continue;
        }
        let raw = char::from(s.as_bytes()[at]);
        at += 1;
        let c = nl(raw);
        let next = s[at..].chars().next().map(nl);
        let rest = || s[at..].chars().map(nl);
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let escape = match c {
            '\r' => {
                prev = Some(c);
                continue;
            }
            '\\' | '`' | '*' | '|' | '~' => true,
            // Emphasis with `_` only opens or closes at a word's edge.
            '_' => !(word(prev) && word(next)),
            // Links and images: `[text](url)`, `[text][ref]`, `[ref]: url`.
            ']' => matches!(next, Some('(' | '[' | ':')),
            '[' => next == Some('^'),
            '!' => next == Some('['),
            // Tags, autolinks and comments.
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            // Character references: `&amp;`, `&#38;`.
            '&' => entity_follows(rest()),
            // A heading's closing sequence: a space, then only `#`s to the
            // end ("Carton deal #" in a `# {{ title }}` heading loses its `#`).
            '#' if !line_start => {
                prev.is_none_or(|p| p == ' ' || p == '\t')
                    && rest().all(|c| matches!(c, '#' | ' ' | '\t'))
            }
            // Headings, quotes and list markers count only at a line's start.
            '#' | '>' | '-' | '+' | '=' => line_start,
            '.' | ')' => {
                leading_digits
                    && !line_start
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_none_or(char::is_whitespace)
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        if c != ' ' {
            line_start = false;
        }
        if !c.is_ascii_digit() && c != ' ' {
            leading_digits = false;
        }
        prev = Some(c);
    }
    out
}

/// Whether the text starts like a character reference (`amp;`, `#38;`): up
/// to 33 letters, digits or `#`, then `;`.
fn entity_follows(rest: impl Iterator<Item = char>) -> bool {
    let mut name = 0;
    for c in rest {
        if name < 33 && (c.is_ascii_alphanumeric() || c == '#') {
            name += 1;
        } else {
            return name > 0 && c == ';';
        }
    }
    false
}

/// The bytes `markdown` may escape, drop or change; a text with none of them
/// comes out as it is.
const MARKDOWN_SPECIAL: ByteSet = ByteSet::of(b"\\`*|~_[]!<&#>-+=.)\r\n");

/// The bytes `html` escapes.
const HTML_SPECIAL: ByteSet = ByteSet::of(b"&<>\"'");

/// A set of bytes: the quick test that a text needs no escape at all.
pub struct ByteSet([bool; 256]);

impl ByteSet {
    pub const fn of(bytes: &[u8]) -> ByteSet {
        let mut set = [false; 256];
        let mut i = 0;
        while i < bytes.len() {
            set[bytes[i] as usize] = true;
            i += 1;
        }
        ByteSet(set)
    }

    /// The set with the bytes `from..=to` added.
    pub const fn with_range(mut self, from: u8, to: u8) -> ByteSet {
        let mut b = from;
        while b <= to {
            self.0[b as usize] = true;
            if b == u8::MAX {
                break;
            }
            b += 1;
        }
        self
    }

    pub fn has(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }

    /// True when no byte of `s` is in the set.
    pub fn none_in(&self, s: &str) -> bool {
        !s.bytes().any(|b| self.has(b))
    }
}

pub fn html(s: &str) -> String {
    if HTML_SPECIAL.none_in(s) {
        return s.to_string();
    }
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
    if MARKDOWN_SPECIAL.none_in(s) {
        return w.write_all(s.as_bytes());
    }
    w.write_all(markdown(s).as_bytes())
}

pub fn tera_html(s: &str, w: &mut dyn Write) -> io::Result<()> {
    if HTML_SPECIAL.none_in(s) {
        return w.write_all(s.as_bytes());
    }
    w.write_all(html(s).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping as first written, over a copy of the characters: the
    /// reference the faster walk is held to.
    fn markdown_reference(s: &str) -> String {
        let chars: Vec<char> = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
        let entity_follows = |rest: &[char]| {
            let name: Vec<&char> = rest
                .iter()
                .take(33)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
                .collect();
            !name.is_empty() && rest.get(name.len()) == Some(&';')
        };
        let mut out = String::with_capacity(s.len() + 8);
        let mut line_start = true;
        let mut leading_digits = true;
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let escape = match c {
                '\r' => continue,
                '\\' | '`' | '*' | '|' | '~' => true,
                '_' => !(word(prev) && word(next)),
                ']' => matches!(next, Some('(' | '[' | ':')),
                '[' => next == Some('^'),
                '!' => next == Some('['),
                '<' => {
                    next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
                }
                '&' => entity_follows(&chars[i + 1..]),
                '#' if !line_start => {
                    prev.is_none_or(|p| p == ' ' || p == '\t')
                        && chars[i + 1..].iter().all(|c| matches!(c, '#' | ' ' | '\t'))
                }
                '#' | '>' | '-' | '+' | '=' => line_start,
                '.' | ')' => {
                    leading_digits
                        && !line_start
                        && prev.is_some_and(|p| p.is_ascii_digit())
                        && next.is_none_or(char::is_whitespace)
                }
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
            if c != ' ' {
                line_start = false;
            }
            if !c.is_ascii_digit() && c != ' ' {
                leading_digits = false;
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The walk over the text escapes exactly as the reference does.
        #[test]
        fn markdown_escapes_as_the_reference(s in "[ 0-9a-zé#&;_*\\[\\]()!<>.\\-+=|~`\\\\\r\n\t/?^:]{0,40}") {
            proptest::prop_assert_eq!(markdown(&s), markdown_reference(&s));
        }
    }

    #[test]
    fn markdown_neutralises_markup() {
        assert_eq!(markdown("*bold* [x](y) <b>"), r"\*bold\* [x\](y) \<b>");
        assert_eq!(markdown("a | b"), r"a \| b");
        assert_eq!(markdown("# title\n- item"), r"\# title - item");
        assert_eq!(markdown("1. first"), r"1\. first");
        assert_eq!(markdown("10.45 EUR - net"), "10.45 EUR - net");
        assert_eq!(markdown("2026-12-02"), "2026-12-02");
        assert_eq!(markdown("- x"), r"\- x");
        assert_eq!(markdown("7."), r"7\.");
        assert_eq!(markdown("Zoë Łukasiewicz"), "Zoë Łukasiewicz");
        // A `#` that would close a heading, and only such a `#`.
        assert_eq!(markdown("Carton deal #"), r"Carton deal \#");
        assert_eq!(markdown("Carton deal ## "), r"Carton deal \## ");
        assert_eq!(markdown("Deal #2"), "Deal #2");
        assert_eq!(markdown("C# job"), "C# job");
        assert_eq!(markdown("a # b"), "a # b");
        assert_eq!(markdown("_x_ and `c`"), r"\_x\_ and \`c\`");
        assert_eq!(markdown("![img](u) [r]: u"), r"\![img\](u) [r\]: u");
        assert_eq!(markdown("&amp; &#38; &"), r"\&amp; \&#38; &");
    }

    #[test]
    fn markdown_leaves_ordinary_text_as_written() {
        for plain in [
            "Finch & Co.",
            "lee_park@acme.example",
            "Smith [UK] Ltd",
            "a < b > c",
            "3 + 4 = 7",
            "Q3 (2027) price {net} $100",
            "Hi!",
        ] {
            assert_eq!(markdown(plain), plain);
        }
    }

    #[test]
    fn markdown_text_renders_as_itself() {
        use pulldown_cmark::{Event, Parser};
        for text in [
            "*bold* _it_ `code` [x](y) ![i](u) <b> &amp; # h",
            "1. one",
            "- two",
            "> quote",
            "a | b ~~c~~",
            "[r]: http://x",
        ] {
            let md = markdown(text);
            let rendered: String = Parser::new_ext(&md, crate::markdown::options())
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            assert_eq!(rendered, text, "{md}");
        }
    }

    #[test]
    fn markdown_escaping_is_linear() {
        // 200,000 characters on one line, full of would-be markers: one pass
        // (a look back along the line at each character was quadratic).
        let long = "a- 1. &amp;".repeat(20_000);
        let md = markdown(&long);
        assert!(md.len() >= long.len());
        assert!(md.starts_with(r"a- 1. \&amp;"));
    }

    #[test]
    fn html_escapes_specials() {
        assert_eq!(html("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
    }
}
