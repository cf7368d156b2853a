//! Everything walkaway prints: colour (only on a terminal, never with
//! `NO_COLOR`), diagnostics and errors, the human summary of `check` (and its
//! `--explain` lines), the results of `walkaway test`, the report
//! of each built brief (for `build` and the watcher alike), the watcher's
//! time-stamped lines, the progress bar, and stdout that tolerates a closed pipe.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::assess::capture::{Measure, Val};
use crate::assess::explain::{Decision, Explanation, RuleKind};
use crate::assess::{Assessment, Verdict};
use crate::brief::{Brief, TermKind, TermValue};
use crate::build::BriefReport;
use crate::compose::numbers::{amount_text, format_number, format_score, value_text};
use crate::compose::summary::reasons;
use crate::compose::{FiredTexts, headline, stage_label, verdict_label};
use crate::diag::{Diagnostic, Severity};
use crate::error::Error;
use crate::fixture::{Difference, FixtureReport, Status};
use crate::words::Word;

fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stdout_color() -> bool {
    color_allowed() && std::io::stdout().is_terminal()
}

pub fn stderr_color() -> bool {
    color_allowed() && std::io::stderr().is_terminal()
}

/// `text` in an ANSI colour (`code`, e.g. "1;31") when `on`.
pub fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Walk => "1;31",
        Verdict::Caution => "1;33",
        Verdict::Proceed => "1;32",
    }
}

pub fn diagnostic(d: &Diagnostic, color: bool) -> String {
    let text = d.render();
    if !color {
        return text;
    }
    let (label, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    text.replacen(label, &paint(label, code, true), 1)
}

/// Print diagnostics to stderr, coloured on a terminal.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let color = stderr_color();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", diagnostic(d, color));
    }
}

/// Print a command's error once (`main` calls this).
pub fn print_error(e: &Error) {
    match e {
        Error::Input(diags) => print_diagnostics(diags),
        Error::Usage(m) | Error::Failure(m) => {
            eprintln!("{}: {m}", paint("error", "1;31", stderr_color()))
        }
        Error::Briefs { .. } | Error::FailOnMet | Error::FixturesFailed { .. } => eprint!("{e}"),
    }
}

/// A line for the person at the terminal (what `init` created, whom `send`
/// writes to), on stderr so that stdout stays the command's output.
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// A warning that is not about a file ("cannot open a browser"), on stderr.
pub fn warning(text: &str) {
    eprintln!("{}: {text}", paint("warning", "1;33", stderr_color()));
}

/// Print what `brief_report` says about a built brief.
pub fn print_report(r: &BriefReport, color: bool, watching: bool) {
    eprint!("{}", brief_report(r, color, watching));
}

/// Ask a yes/no question on the terminal: None when there is no terminal to
/// ask on; only "y" or "yes" is a yes.
pub fn confirm(question: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    eprint!("{question}");
    let mut answer = String::new();
    Some(
        std::io::stdin().read_line(&mut answer).is_ok()
            && matches!(answer.trim(), "y" | "Y" | "yes"),
    )
}

/// Print to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Failure(format!("cannot write to stdout: {e}"))),
    }
}

/// The human output of `check` for one brief.
pub fn check_summary(
    path: &Path,
    b: &Brief,
    a: &Assessment,
    fired: &FiredTexts,
    caution_below: f64,
    color: bool,
) -> String {
    let head = headline(b, a, caution_below);
    let mut s = format!(
        "{}: {} — {}",
        path.display(),
        paint(
            &verdict_label(a.verdict).to_uppercase(),
            verdict_code(a.verdict),
            color
        ),
        head
    );
    match a.facts.score {
        Some(x) => s.push_str(&format!(" (score {})\n", format_score(x))),
        None => s.push('\n'),
    }
    for r in reasons(b, a, caution_below).iter().filter(|r| **r != head) {
        s.push_str(&format!("  reason        {r}\n"));
    }
    for d in &fired.deal_breakers {
        s.push_str(&format!(
            "  deal breaker  {}: {}\n",
            d.id,
            one_line(&d.why, &d.title)
        ));
    }
    for f in &fired.red_flags {
        s.push_str(&format!(
            "  red flag      {} ({}): {}\n",
            f.id, f.severity, f.title
        ));
    }
    for n in &a.not_evaluable {
        s.push_str(&format!("  not evaluable {}: {}\n", n.id, n.missing));
    }
    match &a.exit_script {
        Some(e) => s.push_str(&format!(
            "  exit script   {} ({})\n",
            e.id,
            stage_label(e.stage).to_lowercase()
        )),
        None => s.push_str("  exit script   none\n"),
    }
    s
}

/// `check --explain`: one line per rule — its kind, id, outcome, the values
/// its condition read (in the brief's units and decimals) and where its
/// `when:` is written.
pub fn explain_text(b: &Brief, rules: &[Explanation], color: bool) -> String {
    // Rules files named in walkaway.yaml are absolute: name them from here.
    let cwd = std::env::current_dir().ok();
    let width = rules
        .iter()
        .map(|e| e.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::from("  rule by rule:\n");
    for e in rules {
        let kind = match e.kind {
            RuleKind::DealBreaker => "deal breaker",
            RuleKind::RedFlag => "red flag",
            RuleKind::Score => "score",
            RuleKind::ExitScript => "exit script",
        };
        let (outcome, code) = match (e.outcome, e.chosen) {
            (Decision::Fired, Some(true)) => ("fired (chosen)".to_string(), "1"),
            (Decision::Fired, Some(false)) => ("fired (not chosen)".to_string(), "1"),
            (Decision::Fired, None) => ("fired".to_string(), "1"),
            (Decision::NotFired, _) => ("not fired".to_string(), "0"),
            (Decision::NotEvaluable, _) => (
                format!(
                    "not evaluable ({})",
                    e.missing.as_deref().unwrap_or("unknown")
                ),
                "33",
            ),
        };
        // Padded before painting: colour codes have no width.
        let outcome = paint(&format!("{outcome:<9}"), code, color && code != "0");
        let values = if e.values.is_empty() {
            "reads nothing from the brief".to_string()
        } else {
            e.values
                .iter()
                .map(|r| {
                    let mut v = format!("{} = {}", r.name, shown(b, r.term, &r.value));
                    if !r.because.is_empty() {
                        let inputs: Vec<String> = r
                            .because
                            .iter()
                            .map(|x| format!("{} = {}", x.name, shown(b, x.term, &x.value)))
                            .collect();
                        let _ = write!(v, " ({})", inputs.join(", "));
                    }
                    v
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(s, "    {kind:<12}  {:<width$}  {outcome}  {values}", e.id);
        if let Some(at) = e.location(cwd.as_deref()) {
            let _ = write!(s, "  {}", paint(&format!("at {at}"), "2", color));
        }
        s.push('\n');
    }
    s
}

/// A value a condition read, as people read it: a term's values with its
/// unit and decimals, scores with one decimal, text quoted as in a condition.
fn shown(b: &Brief, term: Option<usize>, v: &Val) -> String {
    let t = term.and_then(|i| b.terms.get(i));
    match v {
        Val::Null => "null".into(),
        Val::Bool(x) => x.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Number(x, m) => match (m, t) {
            (Measure::Value, Some(t)) => value_text(t, Some(TermValue::Number(*x))),
            (Measure::Amount, Some(t)) if matches!(t.kind, TermKind::Number { .. }) => {
                amount_text(t, *x)
            }
            (Measure::Score, _) => format_score(*x),
            _ => format_number(*x),
        },
        Val::Text(text) => format!("'{text}'"),
        // A list of terms or alternatives, read whole: how many.
        Val::List(items) if items.iter().any(|i| matches!(i, Val::Map(_))) => {
            format!("[{} items]", items.len())
        }
        Val::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| shown(b, term, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| match v {
                    Val::Map(_) => format!("{k}: {{…}}"),
                    _ => format!("{k}: {}", shown(b, term, v)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Error(e) => format!("(cannot be read: {e})"),
    }
}

/// `walkaway test`: `ok NAME (path)` or `FAILED NAME (path)`, and under a
/// failure what differed, expected against actual, one field a line.
pub fn fixture_report(r: &FixtureReport, color: bool) -> String {
    let head = |word: &str, code: &str| {
        format!(
            "{} {} ({})\n",
            paint(word, code, color),
            r.name,
            r.path.display()
        )
    };
    match &r.status {
        Status::Passed => head("ok", "1;32"),
        Status::Failed { differences, .. } => {
            let mut s = head("FAILED", "1;31");
            for d in differences {
                let _ = writeln!(s, "  {}", difference(d));
            }
            s
        }
        Status::Invalid { what, .. } => {
            let mut s = head("FAILED", "1;31");
            let _ = writeln!(s, "  {what}: see the errors on stderr");
            s
        }
    }
}

fn difference(d: &Difference) -> String {
    let ids = |ids: &[String]| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    match d {
        Difference::Verdict { expected, actual } => {
            format!("verdict: expected {expected}, actual {actual}")
        }
        Difference::Fired {
            expected,
            fired,
            not_evaluable,
        } => {
            let mut s = format!(
                "fired: expected {} to fire, actual fired: {}",
                ids(expected),
                ids(fired)
            );
            for (id, why) in not_evaluable {
                let _ = write!(s, "; {id} could not be evaluated ({why})");
            }
            s
        }
        Difference::NotFired { expected, fired } => format!(
            "not_fired: expected {} not to fire, actual fired: {}",
            ids(expected),
            ids(fired)
        ),
        Difference::Stage { expected, actual } => format!(
            "stage: expected {}, actual {}",
            expected.map_or("none", |s| s.word()),
            actual
                .as_ref()
                .map_or_else(|| "none".to_string(), |(s, id)| format!("{s} ({id})"))
        ),
    }
}

/// The closing line of `walkaway test`.
pub fn fixtures_total(passed: usize, failed: usize) -> String {
    format!("{passed} passed, {failed} failed\n")
}

fn one_line(text: &str, fallback: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        fallback.to_string()
    } else {
        t
    }
}

/// What to print about one built brief: its diagnostics, a failure to write,
/// and one line with the name, the verdict, what was written and the time
/// taken. The watcher's line starts with the time of day, and says that a
/// failed brief kept its last good outputs.
pub fn brief_report(r: &BriefReport, color: bool, watching: bool) -> String {
    let mut out = String::new();
    for d in &r.diagnostics {
        out.push_str(&diagnostic(d, color));
    }
    if let Some(e) = &r.io_error {
        let _ = writeln!(out, "{}: {e}", paint("error", "1;31", color));
    }
    if watching {
        out.push_str(&stamp(color));
        out.push(' ');
    }
    out.push_str(&build_line(r, color));
    if watching && r.failed() {
        out.push_str(" — the last good outputs were kept");
    }
    out.push('\n');
    out
}

/// The time of day, dimmed, for the watcher's lines.
pub fn stamp(color: bool) -> String {
    let time = jiff::Zoned::now().strftime("%H:%M:%S").to_string();
    paint(&time, "2", color)
}

/// One line per built brief: name, verdict, what was written, time taken.
fn build_line(r: &BriefReport, color: bool) -> String {
    let ms = r.elapsed.as_secs_f64() * 1000.0;
    match (&r.summary, r.failed()) {
        (Some(a), false) => {
            let files: Vec<String> = r
                .written
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            format!(
                "{:<24} {:<9} {} ({ms:.0} ms)",
                r.name,
                paint(
                    &verdict_label(a.verdict).to_lowercase(),
                    verdict_code(a.verdict),
                    color
                ),
                files.join(", ")
            )
        }
        _ => format!(
            "{:<24} {} ({ms:.0} ms)",
            r.name,
            paint("failed", "1;31", color)
        ),
    }
}

/// A progress bar on a terminal for builds of several briefs; silent otherwise.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(total: usize, show: bool) -> Progress {
        if !show || total < 2 || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} briefs {msg}") {
            bar.set_style(style);
        }
        Progress(Some(bar))
    }

    pub fn done(&self, r: &BriefReport) {
        if let Some(bar) = &self.0 {
            bar.set_message(r.name.clone());
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
