//! Diagnostics: errors a user can fix (a brief, a rules file, a template), located
//! by file, line and column, with a snippet of the offending line and a hint.
//!
//! The pipeline collects these instead of stopping at the first one; the CLI and the
//! watcher decide how to print them (`render` here produces the plain text form).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors stop a brief from rendering, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a text file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
    pub hint: Option<String>,
    /// The source line the position points into, for the snippet — or, for a
    /// long line, the part of it around the position (see `with_source`).
    pub line_text: Option<String>,
    /// How many characters of the line come before `line_text` (0 unless a
    /// long line was clipped; `line_text` then starts with "…").
    pub line_offset: usize,
}

/// A line longer than this is shown clipped around the position.
const SNIPPET_CHARS: usize = 100;

impl Diagnostic {
    pub fn error(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            pos,
            message: message.into(),
            hint: None,
            line_text: None,
            line_offset: 0,
        }
    }

    pub fn warning(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach the source line the position points into, so `render` can show it.
    /// A long line is clipped to about `SNIPPET_CHARS` characters around the
    /// position: a thousand warnings on one long line (a flow list of
    /// `observed` ids) must not print the line a thousand times, nor take time
    /// that grows with the file for each of them.
    pub fn with_source(mut self, source: &str) -> Self {
        let Some(pos) = self.pos else {
            return self;
        };
        let Some(line) = nth_line(source, pos.line.saturating_sub(1)) else {
            return self;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() <= SNIPPET_CHARS {
            self.line_text = Some(line.to_string());
            return self;
        }
        // Byte offsets of characters: direct on an ASCII line, counted otherwise.
        let byte_of = |chars: usize| -> usize {
            if line.is_ascii() {
                chars.min(line.len())
            } else {
                line.char_indices()
                    .nth(chars)
                    .map_or(line.len(), |(i, _)| i)
            }
        };
        let col = pos.col.saturating_sub(1);
        let first = col.saturating_sub(SNIPPET_CHARS / 2);
        let (from, to) = (byte_of(first), byte_of(first + SNIPPET_CHARS));
        let mut shown = String::new();
        if first > 0 {
            shown.push('…');
        }
        shown.push_str(&line[from..to]);
        if to < line.len() {
            shown.push('…');
        }
        self.line_text = Some(shown);
        self.line_offset = first;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or just the file when there is no position).
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.file.display(), p.line, p.col),
            None => self.file.display().to_string(),
        }
    }

    /// The full plain-text form:
    /// ```text
    /// error: unknown key `ofer` in term `price`
    ///   --> briefs/acme.yaml:14:5
    ///    |
    /// 14 |     ofer: 10.45
    ///    |     ^^^^
    ///    = help: did you mean `offer`?
    /// ```
    pub fn render(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{label}: {}\n  --> {}\n", self.message, self.location());
        if let (Some(pos), Some(text)) = (self.pos, &self.line_text) {
            let num = pos.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = text
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            // Past the clipped part, and the "…" that stands for it.
            let caret_at = pos.col.saturating_sub(1)
                - self.line_offset.min(pos.col.saturating_sub(1))
                + usize::from(self.line_offset > 0);
            let width = marker_width(&shown, caret_at);
            out.push_str(&format!("{pad} |\n{num} | {shown}\n{pad} | "));
            out.push_str(&" ".repeat(caret_at));
            out.push_str(&"^".repeat(width));
            out.push('\n');
            if let Some(hint) = &self.hint {
                out.push_str(&format!("{pad} = help: {hint}\n"));
            }
        } else if let Some(hint) = &self.hint {
            out.push_str(&format!("   = help: {hint}\n"));
        }
        out
    }
}

/// Line `n` (0-based) of `source`, without its line break.
fn nth_line(source: &str, n: usize) -> Option<&str> {
    let mut start = 0;
    for _ in 0..n {
        start += source[start..].find('\n')? + 1;
    }
    let rest = &source[start..];
    Some(rest.find('\n').map_or(rest, |e| &rest[..e]))
}

/// Diagnostics to print, with repeats capped: of the diagnostics of one file
/// that say the same thing about different names (their messages equal once
/// every `quoted` part is blanked), the first `keep` are kept and the rest
/// become one line saying how many more there are. Order is kept.
pub fn cap_repeats(diags: &[Diagnostic], keep: usize) -> Vec<Diagnostic> {
    let shape = |d: &Diagnostic| {
        let mut out = String::new();
        for (i, part) in d.message.split('`').enumerate() {
            out.push_str(if i % 2 == 1 { "`…`" } else { part });
        }
        (d.severity == Severity::Error, d.file.clone(), out)
    };
    let shapes: Vec<_> = diags.iter().map(shape).collect();
    let mut total: std::collections::HashMap<&(bool, PathBuf, String), usize> =
        std::collections::HashMap::new();
    for s in &shapes {
        *total.entry(s).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<&(bool, PathBuf, String), usize> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for (d, s) in diags.iter().zip(&shapes) {
        let n = seen.entry(s).or_default();
        *n += 1;
        if *n <= keep {
            out.push(d.clone());
        }
        let all = total[s];
        if *n == all && all > keep {
            let mut summary = Diagnostic {
                pos: None,
                hint: None,
                line_text: None,
                line_offset: 0,
                message: format!("{} more like this: {}", all - keep, s.2),
                ..d.clone()
            };
            summary.message = summary.message.replace("`…`", "…");
            out.push(summary);
        }
    }
    out
}

/// How many carets to draw, at least one. Where a YAML key or value starts
/// (at the start of the line's text, or after `: `, `- `, `[`, `{` or `,`):
/// the whole of it — a key up to its colon, a plain scalar up to the end of the
/// line or a comment (inside a flow collection, up to the next `,`, `]` or
/// `}`), a quoted scalar to its closing quote — so that `walk: 10 EUR` is
/// underlined whole. Elsewhere (a name inside a condition, a bracket): the
/// token at `at`.
fn marker_width(line: &str, at: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let at = at.min(chars.len());
    let rest = &chars[at..];
    let Some(&first) = rest.first() else {
        return 1;
    };
    let before = chars[..at].iter().rev().find(|c| !c.is_whitespace());
    let node_start = match before {
        None => true,
        Some(':' | '-') => chars[at - 1].is_whitespace(),
        Some('[' | '{' | ',') => true,
        _ => false,
    };
    // Inside a condition or a text: a name, or a run of operator signs
    // (`&&`), not what follows it (`exsts(t,` was underlined whole).
    if !node_start {
        let word = |c: &char| c.is_alphanumeric() || *c == '_';
        let sign = |c: &char| !word(c) && !c.is_whitespace() && !matches!(c, '"' | '\'');
        let n = if word(&first) {
            rest.iter().take_while(|c| word(c)).count()
        } else {
            rest.iter().take_while(|c| sign(c)).count()
        };
        return n.max(1);
    }
    if matches!(first, '[' | '{' | '|' | '>' | '&' | '*' | '!') {
        let n = rest
            .iter()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ':' | ',' | ']' | '}' | '#'))
            .count();
        return n.max(1);
    }
    if first == '"' || first == '\'' {
        let mut i = 1;
        while i < rest.len() {
            match rest[i] {
                '\\' if first == '"' => i += 2,
                '\'' if first == '\'' && rest.get(i + 1) == Some(&'\'') => i += 2,
                c if c == first => return i + 1,
                _ => i += 1,
            }
        }
        return rest.len();
    }
    // Inside `[...]` or `{...}` on this line, a plain scalar ends at a comma
    // or a closing bracket; in block style it runs to the end of the line.
    let in_flow = chars[..at].iter().fold(0i32, |d, c| match c {
        '[' | '{' => d + 1,
        ']' | '}' => d - 1,
        _ => d,
    }) > 0;
    let mut n = 0;
    while n < rest.len() {
        let c = rest[n];
        let ends_key = c == ':' && rest.get(n + 1).is_none_or(|x| x.is_whitespace());
        let comment = c == '#' && n > 0 && rest[n - 1].is_whitespace();
        if ends_key || comment || (in_flow && matches!(c, ',' | ']' | '}')) {
            break;
        }
        n += 1;
    }
    while n > 0 && rest[n - 1].is_whitespace() {
        n -= 1;
    }
    n.max(1)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// "did you mean `x`?" for the closest candidate, when one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `word`, when one is close enough to be what was
/// meant: a third of the word may be wrong (a typo, a swapped pair).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let best = candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .min_by_key(|(d, _)| *d)?;
    let limit = (word.chars().count().max(3) / 3).max(1);
    (best.0 <= limit).then_some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The carets under `line` for a mark at the first `^` of `marks`.
    fn carets(line: &str, at: &str) -> String {
        let col = line.find(at).expect("in line");
        let at = line[..col].chars().count();
        let w = marker_width(line, at);
        line.chars().skip(at).take(w).collect()
    }

    #[test]
    fn a_key_or_value_is_underlined_whole() {
        assert_eq!(carets("    walk: 10 EUR", "10"), "10 EUR");
        assert_eq!(carets("    walk: 10 EUR  # per month", "10"), "10 EUR");
        assert_eq!(carets("    walk: 10,000", "10"), "10,000");
        assert_eq!(
            carets("date: 2026-12-03T10:00:00", "2026"),
            "2026-12-03T10:00:00"
        );
        assert_eq!(
            carets("  - id: délai livraison", "délai"),
            "délai livraison"
        );
        assert_eq!(carets("    ofer: 98500", "ofer"), "ofer");
        assert_eq!(carets("  - { id: a, walk: 10 EUR }", "10"), "10 EUR");
        assert_eq!(carets("us: { email: \"dana@\" }", "\"dana"), "\"dana@\"");
        assert_eq!(carets("side: 'the buyer'", "'the"), "'the buyer'");
        // Not at the start of a node: the token only.
        assert_eq!(
            carets("    when: \"rounds_without_movment >= 3\"", "rounds"),
            "rounds_without_movment"
        );
        assert_eq!(carets("  - { id: price, walk: 100", "{"), "{");
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["offer", "walk", "want", "wish"];
        assert_eq!(
            did_you_mean("ofer", keys).as_deref(),
            Some("did you mean `offer`?")
        );
        assert_eq!(
            did_you_mean("wlak", keys).as_deref(),
            Some("did you mean `walk`?")
        );
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn long_lines_are_clipped_around_the_position() {
        let line = format!(
            "observed: [{}]",
            (0..2000)
                .map(|i| format!("id{i:04}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let source = format!("title: x\n{line}\n");
        let col = line.find("id1000").expect("id1000") + 1;
        let d = Diagnostic::warning(
            Path::new("b.yaml"),
            Some(Pos { line: 2, col }),
            "unknown `id1000`",
        )
        .with_source(&source);
        let shown = d.render();
        assert!(shown.len() < 400, "{shown}");
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[1].ends_with(&format!("b.yaml:2:{col}")), "{shown}");
        // The caret sits under the id, inside the clipped snippet.
        let code = lines[3].split_once("| ").expect("code").1;
        let marks = lines[4].split_once("| ").expect("marks").1;
        let at = marks.find('^').expect("caret");
        let under: String = code.chars().skip(at).collect();
        assert!(under.starts_with("id1000"), "{code}\n{marks}");
        assert!(code.starts_with('…') && code.ends_with('…'));
    }

    #[test]
    fn repeats_are_capped_with_a_count() {
        let w = |id: &str| {
            Diagnostic::warning(
                Path::new("b.yaml"),
                None,
                format!("observed behaviour `{id}` is not mentioned by any rule"),
            )
        };
        let mut diags: Vec<Diagnostic> = (0..10).map(|i| w(&format!("x{i}"))).collect();
        diags.insert(
            3,
            Diagnostic::error(Path::new("b.yaml"), None, "unknown key `ofer`"),
        );
        let capped = cap_repeats(&diags, 2);
        let messages: Vec<&str> = capped.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "observed behaviour `x0` is not mentioned by any rule",
                "observed behaviour `x1` is not mentioned by any rule",
                "unknown key `ofer`",
                "8 more like this: observed behaviour … is not mentioned by any rule",
            ]
        );
    }

    #[test]
    fn renders_snippet_with_carets() {
        let d = Diagnostic::error(
            Path::new("b.yaml"),
            Some(Pos { line: 2, col: 3 }),
            "unknown key `ofer`",
        )
        .with_hint("did you mean `offer`?")
        .with_source("a: 1\n  ofer: 2\n");
        assert_eq!(
            d.render(),
            "error: unknown key `ofer`\n  --> b.yaml:2:3\n  |\n2 |   ofer: 2\n  |   ^^^^\n  = help: did you mean `offer`?\n"
        );
    }
}
