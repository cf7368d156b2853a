//! Helpers shared by the integration tests: inline briefs for the evaluation
//! tables, and running the `walkaway` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use walkaway::assess::Verdict;
use walkaway::brief::Brief;
use walkaway::compose::report::{BatnaReport, ExitReport, TermReport};
use walkaway::compose::texts::{self, DealBreakerText, RedFlagText};
use walkaway::compose::{ExitWords, Report};
use walkaway::diag::Diagnostic;
use walkaway::rules::Rules;

/// The date every test evaluates against.
pub const TODAY: &str = "2026-11-23";

pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 23)
}

/// Remove the common indentation of an indented literal (and a leading newline),
/// so that YAML can be written indented inside the test code.
pub fn dedent(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = s
        .lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

pub fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(Diagnostic::render).collect()
}

/// Load an inline brief (indented YAML); panics with the rendered diagnostics.
pub fn brief(yaml: &str) -> Brief {
    let text = dedent(yaml);
    match walkaway::brief::load_str(Path::new("test.yaml"), &text) {
        Ok((b, _warnings)) => b,
        Err(d) => panic!("brief does not load:\n{}\n{text}", render_all(&d)),
    }
}

pub fn default_rules() -> Rules {
    walkaway::rules::load_default().unwrap_or_else(|d| panic!("default rules:\n{}", render_all(&d)))
}

pub fn user_rules(yaml: &str) -> Rules {
    let text = dedent(yaml);
    walkaway::rules::load_str(Path::new("house.yaml"), &text, true)
        .unwrap_or_else(|d| panic!("rules do not load:\n{}", render_all(&d)))
}

/// The diagnostics of a rules text that must not load.
pub fn rules_errors(yaml: &str) -> String {
    let text = dedent(yaml);
    match walkaway::rules::load_str(Path::new("house.yaml"), &text, true) {
        Ok(_) => panic!("rules loaded, but should not:\n{text}"),
        Err(d) => render_all(&d),
    }
}

/// What the tables check about one assessed brief: the assessment as
/// `assessment.json` reports it (with the rules' texts rendered), the
/// evaluation context exactly as conditions see it (as JSON), the exit
/// script's words, and the warnings.
pub struct Assessed {
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub batna: Option<BatnaReport<f64>>,
    pub leverage: walkaway::assess::Leverage,
    pub terms: Vec<TermReport<f64>>,
    pub deal_breakers: Vec<DealBreakerText>,
    pub red_flags: Vec<RedFlagText>,
    pub not_evaluable: Vec<walkaway::assess::NotEvaluable>,
    pub exit_script: Option<ExitReport>,
    pub reasons: Vec<String>,
    pub packages: Vec<walkaway::compose::report::PackageReport<f64>>,
    /// The CEL context, exit scripts' names included.
    pub context: serde_json::Map<String, serde_json::Value>,
    pub exit_words: Option<ExitWords>,
    pub warnings: Vec<Diagnostic>,
    /// `assessment.json`.
    pub json: serde_json::Value,
}

/// Assess an inline brief with the default rules on `TODAY`.
pub fn assess(yaml: &str) -> Assessed {
    assess_with(yaml, &default_rules())
}

pub fn assess_with(yaml: &str, rules: &Rules) -> Assessed {
    let b = brief(yaml);
    let a = walkaway::assess::assess(&b, rules, today())
        .unwrap_or_else(|d| panic!("assess:\n{}", render_all(&d)));
    let t = texts::render(&b, &a, rules, false)
        .unwrap_or_else(|d| panic!("rule texts:\n{}", render_all(&d)));
    let reasons = walkaway::compose::summary::reasons(&b, &a, rules.caution_below);
    let report: Report<f64> = Report::new(&b, &a, &t.fired, &reasons);
    let mut vars = walkaway::assess::context::variables(&b, &a.facts);
    vars.extend(walkaway::assess::context::exit_variables(
        a.verdict,
        &a.deal_breakers,
        &a.red_flags,
    ));
    let context = vars
        .iter()
        .map(|(k, v)| {
            let v = cel::Value::try_from(v.as_ref()).expect("a plain CEL value");
            (k.to_string(), cel_json(&v))
        })
        .collect();
    Assessed {
        json: serde_json::to_value(&report).expect("serialises"),
        verdict: report.verdict,
        score: report.score,
        batna: report.batna,
        leverage: report.leverage,
        terms: report.terms,
        deal_breakers: report.deal_breakers,
        red_flags: report.red_flags,
        not_evaluable: report.not_evaluable,
        exit_script: report.exit_script,
        reasons: report.reasons,
        packages: report.packages,
        context,
        exit_words: t.exit,
        warnings: a.warnings,
    }
}

/// A CEL value as JSON: ints stay ints, doubles stay doubles.
fn cel_json(v: &cel::Value) -> serde_json::Value {
    use serde_json::json;
    match v {
        cel::Value::Null => serde_json::Value::Null,
        cel::Value::Bool(b) => json!(b),
        cel::Value::Int(i) => json!(i),
        cel::Value::UInt(u) => json!(u),
        cel::Value::Float(f) => json!(f),
        cel::Value::String(s) => json!(s.as_str()),
        cel::Value::List(items) => serde_json::Value::Array(items.iter().map(cel_json).collect()),
        cel::Value::Map(m) => serde_json::Value::Object(
            m.map
                .iter()
                .map(|(k, v)| (k.to_string(), cel_json(v)))
                .collect(),
        ),
        other => panic!("unexpected CEL value {other:?}"),
    }
}

pub fn red_flag_ids(a: &Assessed) -> Vec<&str> {
    a.red_flags.iter().map(|f| f.id.as_str()).collect()
}

pub fn deal_breaker_ids(a: &Assessed) -> Vec<&str> {
    a.deal_breakers.iter().map(|f| f.id.as_str()).collect()
}

pub fn not_evaluable(a: &Assessed) -> Vec<(&str, &str)> {
    a.not_evaluable
        .iter()
        .map(|n| (n.id.as_str(), n.missing.as_str()))
        .collect()
}

pub fn approx(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

// ---------------------------------------------------------------------------
// Tools the tests need besides the binary (scripts/test.sh installs them).

/// Whether a tool a test needs is here. With `CI=true` a missing tool is a
/// failure, never a skip; elsewhere the test says why it skips and returns.
pub fn tool_available(found: bool, why: &str) -> bool {
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{why} (required in CI; scripts/test.sh installs it)"
        );
        eprintln!("skipping: {why} (scripts/test.sh installs it)");
    }
    found
}

// ---------------------------------------------------------------------------
// Running the binary.

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary, with an environment that does not depend on the developer's.
pub fn walkaway_cmd(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_walkaway"));
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null());
    cmd
}

/// Run the binary in `cwd` to completion (with a generous deadline: a hang is a
/// failure, not a stuck test run).
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = walkaway_cmd(cwd);
    cmd.args(args);
    run_with_deadline(cmd, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("walkaway {args:?} did not finish within 60 s"))
}

/// Run the binary in the fixtures folder, so that paths in messages are short.
pub fn run(args: &[&str]) -> Run {
    run_in(&fixtures(), args)
}

/// Spawn a command and wait for it, polling, until `limit`; kill it and return
/// None if it is still running then.
pub fn run_with_deadline(mut cmd: Command, limit: Duration) -> Option<Run> {
    let out_file = tempfile::NamedTempFile::new().expect("temp file");
    let err_file = tempfile::NamedTempFile::new().expect("temp file");
    cmd.stdout(out_file.reopen().expect("reopen"))
        .stderr(err_file.reopen().expect("reopen"));
    let mut child = cmd.spawn().expect("spawn walkaway");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read =
        |f: &tempfile::NamedTempFile| std::fs::read_to_string(f.path()).expect("read output");
    Some(Run {
        code: status.code().unwrap_or(-1),
        stdout: read(&out_file),
        stderr: read(&err_file),
    })
}

/// Copy a folder tree (for building fixtures into a temporary project).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
