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
    /// The source line the position points into, for the snippet.
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            pos,
            message: message.into(),
            hint: None,
            line_text: None,
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
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(pos) = self.pos {
            self.line_text = source
                .lines()
                .nth(pos.line.saturating_sub(1))
                .map(str::to_owned);
        }
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
            let caret_at = pos.col.saturating_sub(1);
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

/// How many carets to draw: the length of the token starting at `at`
/// (a key, a number, a word), at least one.
fn marker_width(line: &str, at: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(at).collect();
    let n = rest
        .iter()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ':' | ',' | ']' | '}' | '#'))
        .count();
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
    let best = candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .min_by_key(|(d, _)| *d)?;
    // Close enough: a third of the word may be wrong (a typo, a swapped pair).
    let limit = (word.chars().count().max(3) / 3).max(1);
    (best.0 <= limit).then(|| format!("did you mean `{}`?", best.1))
}

#[cfg(test)]
mod tests {
    use super::*;

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
