//! The command line (DESIGN §6): clap definitions and one function per
//! subcommand. Each calls the pipeline and turns its reports into output and an
//! exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::assess::Verdict;
use crate::build::{self, BriefReport, Setup};
use crate::config::{self, Config};
use crate::diag::Diagnostic;
use crate::render::templates::Templates;
use crate::render::{Format, Paper};
use crate::rules::{self, Rules};
use crate::{init, schema, term};

/// Exit codes (DESIGN §6).
pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const BAD_INPUT: u8 = 2;
pub const FAIL_ON_MET: u8 = 3;

#[derive(Parser)]
#[command(name = "walkaway", version, about = "Prepare to negotiate, and to leave a negotiation well.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Clone, Default)]
pub struct Common {
    /// Rules file (default: walkaway.yaml's `rules`, else the built-in rules)
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Folder of templates that override the built-in ones by file name
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The date to evaluate against, YYYY-MM-DD (default: today)
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Paper size for printed outputs
    #[arg(long, global = true, value_enum)]
    pub paper: Option<PaperArg>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Caution,
    Walk,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Brief,
    Rules,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scaffold a project: briefs/, rules/, templates/, walkaway.yaml
    Init {
        /// Where to create it (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// Print the verdict of each brief and why
    Check {
        #[arg(required = true)]
        briefs: Vec<PathBuf>,
        /// Print a JSON array of assessments instead
        #[arg(long)]
        json: bool,
        /// Exit with code 3 when a brief's verdict is this or worse
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Write the outputs of the given briefs
    Render {
        #[arg(required = true)]
        briefs: Vec<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Write the outputs of every brief under DIR, in parallel
    Build {
        /// Folder holding the briefs (default: the current folder)
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Print the JSON Schema (draft-07) of a brief or a rules file
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print shell completions
    Completions {
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
pub struct OutArgs {
    /// Output folder (default: walkaway.yaml's `out`, else ./out)
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated: md,html,pdf,typst,eml,json (default: all)
    #[arg(long, value_delimiter = ',', value_parser = parse_format)]
    pub format: Option<Vec<Format>>,
    /// Write the letter and email even when no exit script applies
    #[arg(long)]
    pub letter: bool,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse().map_err(|_| format!("`{s}` is not a date written YYYY-MM-DD"))
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Init { dir } => init::run(dir.as_deref().unwrap_or(Path::new("."))),
        Command::Check { briefs, json, fail_on } => check(&cli.common, &briefs, json, fail_on),
        Command::Render { briefs, out } => render(&cli.common, &briefs, &out, None),
        Command::Build { dir, out } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            render(&cli.common, &[], &out, Some(&dir))
        }
        Command::Schema { kind } => {
            let text = match kind {
                SchemaKind::Brief => schema::BRIEF,
                SchemaKind::Rules => schema::RULES,
            };
            print_stdout(text)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "walkaway", &mut std::io::stdout());
            OK
        }
    };
    ExitCode::from(code)
}

/// Print to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            FAILURE
        }
    }
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    let color = term::stderr_color();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", term::diagnostic(d, color));
    }
}

/// The project file, the rules and the date: what every brief-reading command needs.
struct Loaded {
    config: Config,
    rules: Rules,
    today: jiff::civil::Date,
}

fn load_common(common: &Common) -> Result<Loaded, u8> {
    let config = config::load(Path::new(".")).map_err(|d| {
        print_diagnostics(&d);
        BAD_INPUT
    })?;
    let rules_path = common.rules.clone().or_else(|| config.rules.clone());
    let rules = match &rules_path {
        Some(p) => rules::load_file(p),
        None => rules::load_default(),
    }
    .map_err(|d| {
        print_diagnostics(&d);
        BAD_INPUT
    })?;
    let today = common.today.unwrap_or_else(|| jiff::Zoned::now().date());
    Ok(Loaded { config, rules, today })
}

fn check(common: &Common, briefs: &[PathBuf], json: bool, fail_on: Option<FailOn>) -> u8 {
    let loaded = match load_common(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let results: Vec<_> = briefs
        .iter()
        .map(|p| (p, build::assess_file(p, &loaded.rules, loaded.today)))
        .collect();
    let mut code = OK;
    let mut assessments = Vec::new();
    let color = term::stdout_color();
    let mut text = String::new();
    for (path, result) in &results {
        match result {
            Ok((a, warnings)) => {
                print_diagnostics(warnings);
                if !json {
                    text.push_str(&term::check_summary(path, a, loaded.rules.caution_below, color));
                }
                assessments.push(a);
            }
            Err(diags) => {
                print_diagnostics(diags);
                code = BAD_INPUT;
            }
        }
    }
    if json {
        let mut s = serde_json::to_string_pretty(&assessments).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        text = s;
    }
    if print_stdout(&text) != OK {
        return FAILURE;
    }
    let met = fail_on.is_some_and(|f| {
        assessments.iter().any(|a| match f {
            FailOn::Walk => a.verdict == Verdict::Walk,
            FailOn::Caution => a.verdict != Verdict::Proceed,
        })
    });
    if code == OK && met { FAIL_ON_MET } else { code }
}

fn render(common: &Common, briefs: &[PathBuf], out: &OutArgs, dir: Option<&Path>) -> u8 {
    let loaded = match load_common(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let Loaded { config, rules, today } = loaded;
    let root = config.root(Path::new("."));
    let templates_dir = common.templates.clone().or_else(|| config.templates.clone()).or_else(|| {
        // A `templates/` folder in the project overrides by file name.
        let t = root.join("templates");
        t.is_dir().then_some(t)
    });
    let templates = match Templates::load(templates_dir.as_deref()) {
        Ok(t) => t,
        Err(d) => {
            print_diagnostics(&d);
            return BAD_INPUT;
        }
    };
    let out_dir = out.out.clone().or_else(|| config.out.clone()).unwrap_or_else(|| PathBuf::from("out"));
    let requested: Vec<Format> = out.format.clone().or_else(|| config.formats.clone()).unwrap_or_else(|| Format::ALL.to_vec());
    let explicit = out.format.is_some() || config.formats.is_some();
    let mut formats: Vec<Format> = Vec::new();
    for f in requested {
        if f.available() {
            formats.push(f);
        } else if explicit {
            eprintln!("error: the `{}` format is not available in this version of walkaway", f.name());
            return BAD_INPUT;
        }
    }
    let paper = match common.paper {
        Some(PaperArg::Letter) => Paper::Letter,
        Some(PaperArg::A4) => Paper::A4,
        None => config.paper.unwrap_or(Paper::A4),
    };
    let paths = match dir {
        Some(d) => {
            let mut exclude: Vec<PathBuf> = rules.files.clone();
            exclude.extend(templates.files.iter().cloned());
            match build::discover(d, &out_dir, &exclude) {
                Ok(p) if p.is_empty() => {
                    eprintln!("error: no briefs (*.yaml, *.yml) found under {}", d.display());
                    return BAD_INPUT;
                }
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", d.display());
                    return FAILURE;
                }
            }
        }
        None => briefs.to_vec(),
    };
    let setup = Setup { rules, templates, today, paper, formats, force_letter: out.letter, out: out_dir };
    let progress = term::Progress::new(paths.len(), dir.is_some());
    let reports = build::build_all(&paths, &setup, &|r| progress.done(r));
    progress.finish();
    report_build(&reports)
}

/// Print each brief's outcome; the exit code of the whole build.
fn report_build(reports: &[BriefReport]) -> u8 {
    let color = term::stderr_color();
    let mut code = OK;
    for r in reports {
        print_diagnostics(&r.diagnostics);
        if let Some(e) = &r.io_error {
            eprintln!("error: {e}");
            code = code.max(FAILURE);
        }
        if r.diagnostics.iter().any(Diagnostic::is_error) {
            code = BAD_INPUT;
        }
        eprintln!("{}", term::build_line(r, color));
    }
    let failed = reports.iter().filter(|r| r.failed()).count();
    if failed > 0 {
        eprintln!("{failed} of {} briefs failed; their previous outputs were left in place", reports.len());
    }
    code
}
