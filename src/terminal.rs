//! Everything walkaway prints: colour (only on a terminal, never with
//! `NO_COLOR`), diagnostics and errors, the human summary of `check` (and its
//! `--explain` lines), the results of `walkaway test`, the report
//! of each built brief (for `build` and the watcher alike), the watcher's
//! time-stamped lines, the progress bar, and stdout that tolerates a closed pipe.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::assess::{Assessment, Verdict};
use crate::brief::Brief;
use crate::build::BriefReport;
use crate::compose::numbers::format_score;
use crate::compose::{FiredTexts, headline, stage_label, verdict_label};
use crate::diag::{Diagnostic, Severity};
use crate::error::Error;

mod explain;
mod fixtures;

pub use explain::explain_text;
pub use fixtures::{fixture_report, fixtures_total};

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
    // Ten thousand warnings of one kind are read as five and a count.
    for d in &crate::diag::cap_repeats(diags, REPEATS) {
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

/// How many diagnostics of one kind are printed before the rest are counted.
const REPEATS: usize = 20;

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

/// The human output of `check` for one brief (`reasons`: the verdict's, as
/// `summary::reasons` gives them).
pub fn check_summary(
    path: &Path,
    b: &Brief,
    a: &Assessment,
    fired: &FiredTexts,
    reasons: &[String],
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
    // The score, unless the head line has just said it.
    match a.facts.score.map(format_score) {
        Some(x) if !head.contains(&format!("scores {x}")) => s.push_str(&format!(" (score {x})\n")),
        _ => s.push('\n'),
    }
    for r in reasons.iter().filter(|r| **r != head) {
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
    for d in &crate::diag::cap_repeats(&r.diagnostics, REPEATS) {
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
