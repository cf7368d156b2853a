//! `OUT/index.html` (DESIGN §5): one page listing every brief of the build —
//! verdict, score, meeting date, deadline and days left, sorted by meeting date,
//! each linking to its prep pack, PDF and letter — and the located diagnostic of
//! each brief whose last build failed.
//!
//! The page is a pure function of typed entries (`index_html`), so that it can be
//! tested without a build and fed by any caller. `Tracker` keeps the entries of a
//! long-running `watch` or `serve` between rebuilds (a rebuild of one brief must
//! not drop the others, and a broken save keeps that brief's last good row);
//! `write` is the one-shot form for `build`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::assess::Verdict;
use crate::build::BriefReport;
use crate::compose::numbers::{fixed, format_score};
use crate::escape::html;
use crate::output::write_atomic;
use crate::words::Word;

/// The file name of the index page, at the top of OUT.
pub const FILE_NAME: &str = "index.html";

/// One problem of a failed build, as a reader needs it: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `file:line:col` (just the file when there is no position; empty for a
    /// failure of the machine, such as a write that failed).
    pub location: String,
    pub message: String,
    /// What to do about it, when the diagnostic says.
    pub hint: Option<String>,
}

impl Problem {
    /// The problem a diagnostic describes.
    pub fn of(d: &crate::diag::Diagnostic) -> Problem {
        Problem {
            location: d.location(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }

    /// A problem without a place (a failure of the machine, a setting).
    pub fn plain(message: impl Into<String>) -> Problem {
        Problem {
            location: String::new(),
            message: message.into(),
            hint: None,
        }
    }

    /// `file:line:col: message`.
    pub fn located(&self) -> String {
        if self.location.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.location, self.message)
        }
    }
}

/// Which of a brief's outputs exist in OUT (the index links only to these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Files {
    pub prep_pack_html: bool,
    pub prep_pack_pdf: bool,
    pub letter_pdf: bool,
    pub letter_md: bool,
}

impl Files {
    /// Look in `OUT/<name>/`.
    pub fn find(out: &Path, name: &str) -> Files {
        let dir = out.join(name);
        let has = |f: &str| dir.join(f).is_file();
        Files {
            prep_pack_html: has("prep-pack.html"),
            prep_pack_pdf: has("prep-pack.pdf"),
            letter_pdf: has("letter.pdf"),
            letter_md: has("letter.md"),
        }
    }

    /// (link text, file name) of each output that exists, in reading order.
    fn links(self) -> Vec<(&'static str, &'static str)> {
        [
            (self.prep_pack_html, "Prep pack", "prep-pack.html"),
            (self.prep_pack_pdf, "PDF", "prep-pack.pdf"),
            (self.letter_pdf, "Letter (PDF)", "letter.pdf"),
            (self.letter_md, "Letter (text)", "letter.md"),
        ]
        .into_iter()
        .filter(|(has, _, _)| *has)
        .map(|(_, text, file)| (text, file))
        .collect()
    }
}

/// One row of the index. The verdict, score and dates are those of the last
/// good build (None when there never was one); `problems` is non-empty when the
/// last build of the brief failed.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexEntry {
    /// The brief's output folder name (its file stem).
    pub name: String,
    pub title: Option<String>,
    pub verdict: Option<Verdict>,
    pub score: Option<f64>,
    pub meeting: Option<Date>,
    pub deadline: Option<Date>,
    pub files: Files,
    pub problems: Vec<Problem>,
}

impl IndexEntry {
    /// Days from `today` to the deadline (negative once it has passed).
    pub fn days_left(&self, today: Date) -> Option<i64> {
        let d = self.deadline?;
        today.until(d).ok().map(|span| i64::from(span.get_days()))
    }
}

/// The problems of a failed report (its errors, or the write that failed).
pub fn problems(report: &BriefReport) -> Vec<Problem> {
    let mut out: Vec<Problem> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(Problem::of)
        .collect();
    if let Some(e) = &report.io_error {
        out.push(Problem::plain(e.clone()));
    }
    out
}

/// The entries of a long-running build (`watch`, `serve`), kept between
/// rebuilds: a rebuild reports only the briefs it touched.
#[derive(Debug, Default)]
pub struct Tracker {
    /// By output name; with the brief's source path, to notice deleted briefs.
    entries: BTreeMap<String, (PathBuf, IndexEntry)>,
}

impl Tracker {
    /// Take in the reports of a (re)build. A failed brief keeps its last good
    /// values and gains its problems; with no last good values in memory (the
    /// first build), the title, verdict and score come from the previous run's
    /// `assessment.json` when there is one.
    pub fn update(&mut self, out: &Path, reports: &[BriefReport]) {
        for r in reports {
            let previous = self.entries.remove(&r.name).map(|(_, e)| e);
            let entry = match (&r.summary, r.failed()) {
                (Some(a), false) => IndexEntry {
                    name: r.name.clone(),
                    title: Some(a.title.clone()),
                    verdict: Some(a.verdict),
                    score: a.score,
                    meeting: a.meeting,
                    deadline: a.deadline,
                    files: Files::default(),
                    problems: Vec::new(),
                },
                _ => {
                    let last_good = previous.unwrap_or_else(|| from_disk(out, &r.name));
                    IndexEntry {
                        problems: problems(r),
                        ..last_good
                    }
                }
            };
            self.entries.insert(r.name.clone(), (r.path.clone(), entry));
        }
    }

    /// The entries now, with the files that exist in OUT; briefs whose source
    /// file is gone are left out.
    pub fn entries(&self, out: &Path) -> Vec<IndexEntry> {
        // Five questions to the file system a brief, on the briefs' threads:
        // after a build of hundreds, nothing else is left to run beside them.
        let entries: Vec<&(PathBuf, IndexEntry)> = self.entries.values().collect();
        crate::build::in_pool(|| {
            entries
                .par_iter()
                .filter_map(|(path, e)| {
                    path.exists().then(|| IndexEntry {
                        files: Files::find(out, &e.name),
                        ..e.clone()
                    })
                })
                .collect()
        })
    }

    /// Forget the briefs whose file is gone (deleted or renamed); their names.
    pub fn gone(&mut self) -> Vec<String> {
        let names: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, (path, _))| !path.exists())
            .map(|(name, _)| name.clone())
            .collect();
        for name in &names {
            self.entries.remove(name);
        }
        names
    }

    /// Write `OUT/index.html`.
    pub fn write(&self, out: &Path, today: Date) -> Result<(), String> {
        let target = out.join(FILE_NAME);
        write_atomic(&target, index_html(&self.entries(out), today).as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", target.display()))
    }
}

/// `build`: write `OUT/index.html` listing the briefs of this build.
pub fn write(out: &Path, today: Date, reports: &[BriefReport]) -> Result<(), String> {
    let mut t = Tracker::default();
    t.update(out, reports);
    t.write(out, today)
}

/// What the previous run left in `OUT/<name>/assessment.json` (a failed brief
/// of a one-shot build has nothing newer): title, verdict and score.
fn from_disk(out: &Path, name: &str) -> IndexEntry {
    let json: Option<serde_json::Value> = std::fs::read(out.join(name).join("assessment.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let field = |k: &str| json.as_ref().and_then(|j| j.get(k));
    IndexEntry {
        name: name.to_string(),
        title: field("title").and_then(|v| v.as_str()).map(str::to_owned),
        verdict: field("verdict")
            .and_then(|v| v.as_str())
            .and_then(Verdict::from_word),
        score: field("score").and_then(serde_json::Value::as_f64),
        meeting: None,
        deadline: None,
        files: Files::default(),
        problems: Vec::new(),
    }
}

/// The page. Entries are sorted by meeting date, briefs without one last, then
/// by name. Every text from a brief or a diagnostic is HTML-escaped; links are
/// relative to OUT, so the folder can be opened from disk or served.
pub fn index_html(entries: &[IndexEntry], today: Date) -> String {
    let mut rows: Vec<&IndexEntry> = entries.iter().collect();
    rows.sort_by(|a, b| {
        (a.meeting.is_none(), a.meeting, &a.name).cmp(&(b.meeting.is_none(), b.meeting, &b.name))
    });
    let mut body = String::new();
    let failed: Vec<&&IndexEntry> = rows.iter().filter(|e| !e.problems.is_empty()).collect();
    if !failed.is_empty() {
        body.push_str(&failure_banner(&failed));
    }
    if rows.is_empty() {
        body.push_str("<p>No briefs yet.</p>\n");
    } else {
        body.push_str(TABLE_HEAD);
        for e in &rows {
            body.push_str(&row(e, today));
        }
        body.push_str("</tbody>\n</table>\n");
    }
    let count = match rows.len() {
        1 => "1 brief".to_string(),
        n => format!("{n} briefs"),
    };
    format!(
        "{PAGE_HEAD}<h1>Negotiations</h1>\n<p class=\"as-of\">{count}, as of {}.</p>\n{body}</body>\n</html>\n",
        short_date(today)
    )
}

const PAGE_HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Negotiations</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a202c; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { margin-bottom: .25rem; }
  .as-of { color: #4a5568; margin-top: 0; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #cbd5e0; padding: .5rem; text-align: left; vertical-align: top; }
  th { background: #edf2f7; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .name { color: #4a5568; font-size: .85rem; }
  /* The verdict is a word and a sign, and each has its own fill and border,
     so that it reads the same printed in black and white. */
  .verdict { display: inline-block; padding: .1rem .5rem; border-radius: 4px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; white-space: nowrap; border: 2px solid transparent; }
  .verdict.walk { background: #8b1a1a; color: #fff; border-color: #000; }
  .verdict.caution { background: #f6d58e; color: #000; border: 2px dashed #000; }
  .verdict.proceed { background: #fff; color: #1c4532; border-color: #276749; }
  .verdict.none { background: #fff; color: #4a5568; border: 1px dotted #4a5568; }
  tr.failed td { background: #fff5f5; }
  tr.failed td:first-child { box-shadow: inset 4px 0 0 #c53030; }
  .problem { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; color: #742a2a; margin: .25rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .failures { border: 2px solid #c53030; background: #fff5f5; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
  .failures ul { margin: .25rem 0; padding-left: 1.25rem; }
  .hint { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a202c; }
  .links a { margin-right: .75rem; white-space: nowrap; }
  .passed { font-weight: 700; }
  /* On a phone the table scrolls by itself, not the page. */
  @media screen and (max-width: 48rem) {
    body { margin: 1rem auto; }
    table { display: block; overflow-x: auto; }
  }
</style>
</head>
<body>
"#;

const TABLE_HEAD: &str = "<table>\n<thead><tr><th>Meeting</th><th>Brief</th><th>Verdict</th><th>Score</th><th>Deadline</th><th>Days left</th><th>Outputs</th></tr></thead>\n<tbody>\n";

/// The box above the table naming each brief whose last save is broken, with
/// what to do about each problem when its diagnostic says.
fn failure_banner(failed: &[&&IndexEntry]) -> String {
    let n = failed.len();
    // A brief that never built has no last good build to show.
    let built = failed.iter().filter(|e| e.verdict.is_some()).count();
    let what = match n {
        1 => "The last save of 1 brief is broken".to_string(),
        n => format!("The last saves of {n} briefs are broken"),
    };
    let whose = match (n, built) {
        (1, 1) => "its outputs and its row below are from the last good build",
        (1, _) => "it has never built, so it has no outputs yet",
        (_, 0) => "they have never built, so they have no outputs yet",
        (n, b) if n == b => "their outputs and their rows below are from the last good build",
        _ => "the outputs and rows below of those that built before are from their last good build",
    };
    let mut s =
        format!("<div class=\"failures\" role=\"alert\"><strong>{what}</strong>; {whose}.\n<ul>\n");
    for e in failed {
        for p in &e.problems {
            s.push_str(&format!(
                "<li><strong>{}</strong>: <code>{}</code>{}</li>\n",
                html(&e.name),
                html(&p.located()),
                hint(p)
            ));
        }
    }
    s.push_str("</ul></div>\n");
    s
}

/// A problem's hint, as the brief's own page shows it under the diagnostic.
fn hint(p: &Problem) -> String {
    p.hint
        .as_ref()
        .map(|h| format!("<br><span class=\"hint\">help: {}</span>", html(h)))
        .unwrap_or_default()
}

fn row(e: &IndexEntry, today: Date) -> String {
    let class = if e.problems.is_empty() {
        ""
    } else {
        " class=\"failed\""
    };
    let mut brief = match &e.title {
        Some(title) => format!(
            "<strong>{}</strong><br><span class=\"name\">{}</span>",
            html(title),
            html(&e.name)
        ),
        None => format!("<strong>{}</strong>", html(&e.name)),
    };
    for p in &e.problems {
        brief.push_str(&format!(
            "<p class=\"problem\">Build failed: {}{}</p>",
            html(&p.located()),
            hint(p)
        ));
    }
    let days = match e.days_left(today) {
        None => "—".to_string(),
        Some(0) => "<span class=\"passed\">today</span>".to_string(),
        Some(d) if d < 0 => format!("<span class=\"passed\">passed {} ago</span>", days(-d)),
        Some(d) => days(d),
    };
    let links: Vec<String> = e
        .files
        .links()
        .into_iter()
        .map(|(text, file)| {
            format!(
                "<a href=\"{}/{file}\">{text}</a>",
                html(&url_segment(&e.name))
            )
        })
        .collect();
    format!(
        "<tr{class}><td>{}</td><td>{brief}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{days}</td><td class=\"links\">{}</td></tr>\n",
        e.meeting.map_or_else(|| "—".to_string(), short_date),
        verdict_badge(e.verdict),
        e.score.map_or_else(|| "—".to_string(), format_score),
        e.deadline.map_or_else(|| "—".to_string(), short_date),
        links.join(" ")
    )
}

fn verdict_badge(v: Option<Verdict>) -> String {
    let (class, sign, word) = match v {
        Some(Verdict::Walk) => ("walk", "✕", "Walk away"),
        Some(Verdict::Caution) => ("caution", "!", "Caution"),
        Some(Verdict::Proceed) => ("proceed", "✓", "Proceed"),
        None => ("none", "?", "Not built"),
    };
    format!("<span class=\"verdict {class}\">{sign} {word}</span>")
}

/// "1 day", "12 days".
fn days(n: i64) -> String {
    crate::compose::numbers::with_unit(&fixed(n as f64, 0), Some("days"), Some(n as f64))
}

/// "3 Dec 2026".
fn short_date(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// A brief name as one URL path segment: everything but unreserved characters
/// percent-encoded, so that a name with `#`, `?`, `%` or a space still links.
pub fn url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
