//! Terminal presentation: colour (only on a terminal, never with `NO_COLOR`), the
//! human summary of `check`, one line per built brief, and the progress bar.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::assess::derive::format_score;
use crate::assess::{Assessment, Verdict};
use crate::build::BriefReport;
use crate::diag::{Diagnostic, Severity};
use crate::render::pack::{headline, stage_label, verdict_label};

fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stdout_color() -> bool {
    color_allowed() && std::io::stdout().is_terminal()
}

pub fn stderr_color() -> bool {
    color_allowed() && std::io::stderr().is_terminal()
}

fn paint(text: &str, code: &str, on: bool) -> String {
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

/// The human output of `check` for one brief.
pub fn check_summary(path: &Path, a: &Assessment, caution_below: f64, color: bool) -> String {
    let mut s = format!(
        "{}: {} — {}",
        path.display(),
        paint(
            &verdict_label(a.verdict).to_uppercase(),
            verdict_code(a.verdict),
            color
        ),
        headline(a, caution_below)
    );
    match a.score {
        Some(x) => s.push_str(&format!(" (score {})\n", format_score(x))),
        None => s.push('\n'),
    }
    for d in &a.deal_breakers {
        s.push_str(&format!(
            "  deal breaker  {}: {}\n",
            d.id,
            one_line(&d.why, &d.title)
        ));
    }
    for f in &a.red_flags {
        let sev = crate::assess::context::word(&f.severity);
        s.push_str(&format!("  red flag      {} ({sev}): {}\n", f.id, f.title));
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

/// One line per built brief: name, verdict, what was written, time taken.
pub fn build_line(r: &BriefReport, color: bool) -> String {
    let ms = r.elapsed.as_secs_f64() * 1000.0;
    match (&r.assessment, r.failed()) {
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
