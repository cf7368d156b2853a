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
use crate::{init, schema, term, watch};

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
    /// Build every brief under DIR, then regenerate on every save
    Watch {
        /// Folder holding the briefs (default: the current folder)
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
        /// Milliseconds the files must be quiet before a save is built
        #[arg(long, value_name = "MS", default_value_t = 50)]
        debounce: u64,
        /// Poll for changes (every 200 ms) instead of native events, for
        /// file systems without them (network shares, some containers)
        #[arg(long)]
        poll: bool,
        /// Remove the outputs of a brief that was deleted (default: keep them)
        #[arg(long)]
        prune: bool,
    },
    /// Build and watch like `watch`, and serve OUT over HTTP with live reload
    Serve {
        /// Folder holding the briefs (default: the current folder)
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
        #[command(flatten)]
        serve: crate::serve::Args,
    },
    /// Send the follow-up e-mail of a brief over SMTP (asks first)
    Send {
        brief: PathBuf,
        /// Send without asking
        #[arg(long)]
        yes: bool,
        /// Print the whole message and send nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the JSON Schema (draft-07) of a brief or a rules file
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
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
    /// Make the PDFs with the Typst compiler (`typst`, or the given command)
    /// instead of the built-in engine
    #[arg(long, value_name = "CMD", num_args = 0..=1, require_equals = true, default_missing_value = "typst")]
    pub typst_cmd: Option<String>,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date written YYYY-MM-DD"))
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Init { dir } => init::run(dir.as_deref().unwrap_or(Path::new("."))),
        Command::Check {
            briefs,
            json,
            fail_on,
        } => check(&cli.common, &briefs, json, fail_on),
        Command::Render { briefs, out } => render(&cli.common, &briefs, &out, None),
        Command::Build { dir, out } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            render(&cli.common, &[], &out, Some(&dir))
        }
        Command::Watch {
            dir,
            out,
            debounce,
            poll,
            prune,
        } => watch(&cli.common, dir, &out, debounce, poll, prune),
        Command::Serve { dir, out, serve } => serve_cmd(&cli.common, dir, &out, &serve),
        Command::Send {
            brief,
            yes,
            dry_run,
        } => send(&cli.common, &brief, yes, dry_run),
        Command::Schema { kind } => {
            let text = match kind {
                SchemaKind::Brief => schema::BRIEF,
                SchemaKind::Rules => schema::RULES,
            };
            print_stdout(text)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "walkaway", &mut buf);
            print_stdout(&String::from_utf8_lossy(&buf))
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
    Ok(Loaded {
        config,
        rules,
        today,
    })
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
            Ok((_, a, warnings)) => {
                print_diagnostics(warnings);
                if !json {
                    text.push_str(&term::check_summary(
                        path,
                        a,
                        loaded.rules.caution_below,
                        color,
                    ));
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
    let (setup, _) = match resolve(common, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let paths = match dir {
        Some(d) => {
            let mut exclude: Vec<PathBuf> = setup.rules.files.clone();
            exclude.extend(setup.templates.files.iter().cloned());
            match build::discover(d, &setup.out, &exclude) {
                Ok(p) if p.is_empty() => {
                    eprintln!(
                        "error: no briefs (*.yaml, *.yml) found under {}",
                        d.display()
                    );
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
    let (paths, clashes) = build::split_name_clashes(paths);
    for (kept, skipped) in &clashes {
        eprintln!(
            "error: {} and {} would both write to {}: rename one (it was skipped)",
            kept.display(),
            skipped.display(),
            setup.out.join(build::output_name(skipped)).display()
        );
    }
    let progress = term::Progress::new(paths.len(), dir.is_some());
    let reports = build::build_all(&paths, &setup, &|r| progress.done(r));
    progress.finish();
    let mut code = report_build(&reports);
    if dir.is_some()
        && let Err(e) = crate::render::index::write(&setup.out, setup.today, &reports)
    {
        eprintln!("error: {e}");
        code = code.max(FAILURE);
    }
    if clashes.is_empty() {
        code
    } else {
        code.max(BAD_INPUT)
    }
}

/// The setup every brief of a build shares, from the options and walkaway.yaml,
/// and where its inputs came from (what `watch` watches besides the briefs).
fn resolve(common: &Common, out: &OutArgs) -> Result<(Setup, watch::Sources), u8> {
    let loaded = load_common(common)?;
    let Loaded {
        config,
        rules,
        today,
    } = loaded;
    let root = config.root(Path::new("."));
    let templates_dir = common
        .templates
        .clone()
        .or_else(|| config.templates.clone())
        .or_else(|| {
            // A `templates/` folder in the project overrides by file name.
            let t = root.join("templates");
            t.is_dir().then_some(t)
        });
    let templates = match Templates::load(templates_dir.as_deref()) {
        Ok(t) => t,
        Err(d) => {
            print_diagnostics(&d);
            return Err(BAD_INPUT);
        }
    };
    let out_dir = out
        .out
        .clone()
        .or_else(|| config.out.clone())
        .unwrap_or_else(|| PathBuf::from("out"));
    let requested: Vec<Format> = out
        .format
        .clone()
        .or_else(|| config.formats.clone())
        .unwrap_or_else(|| Format::ALL.to_vec());
    let explicit = out.format.is_some() || config.formats.is_some();
    let mut formats: Vec<Format> = Vec::new();
    for f in requested {
        if f.available() {
            formats.push(f);
        } else if explicit {
            eprintln!(
                "error: the `{}` format is not available in this version of walkaway",
                f.name()
            );
            return Err(BAD_INPUT);
        }
    }
    let paper = match common.paper {
        Some(PaperArg::Letter) => Paper::Letter,
        Some(PaperArg::A4) => Paper::A4,
        None => config.paper.unwrap_or(Paper::A4),
    };
    let rules_path = common.rules.clone().or_else(|| config.rules.clone());
    let sources = watch::Sources {
        config: config.path.clone(),
        rules: rules_path,
        templates: templates_dir,
    };
    let typst_cmd = out.typst_cmd.clone().or_else(|| {
        (config.pdf_engine == Some(crate::config::PdfEngine::Typst)).then(|| "typst".to_string())
    });
    if let Some(cmd) = &typst_cmd
        && formats.contains(&Format::Pdf)
        && let Err(e) = crate::render::typst::find_command(cmd)
    {
        eprintln!("error: {e}");
        return Err(FAILURE);
    }
    let setup = Setup {
        rules,
        templates,
        today,
        paper,
        formats,
        force_letter: out.letter,
        out: out_dir,
        typst_cmd,
    };
    Ok((setup, sources))
}

/// `walkaway watch`: the first load as for `build`, then the watcher, which
/// calls `resolve` again whenever walkaway.yaml, the rules or a template change.
fn watch(
    common: &Common,
    dir: Option<PathBuf>,
    out: &OutArgs,
    debounce: u64,
    poll: bool,
    prune: bool,
) -> u8 {
    let (setup, sources) = match resolve(common, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = watch::Options {
        dir: dir.unwrap_or_else(|| PathBuf::from(".")),
        debounce: std::time::Duration::from_millis(debounce),
        poll,
        prune,
    };
    match watch::run(&opts, setup, sources, &|| resolve(common, out).ok()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

/// `walkaway serve`: loaded as for `watch`, then `serve::run`.
fn serve_cmd(
    common: &Common,
    dir: Option<PathBuf>,
    out: &OutArgs,
    args: &crate::serve::Args,
) -> u8 {
    let (setup, sources) = match resolve(common, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = args.watch_options(dir.unwrap_or_else(|| PathBuf::from(".")));
    match crate::serve::run(&args.options(), &opts, setup, sources, &|| {
        resolve(common, out).ok()
    }) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
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
        eprintln!(
            "{failed} of {} briefs failed; their previous outputs were left in place",
            reports.len()
        );
    }
    code
}

/// `walkaway send`: the same message `render` writes as `email.eml`, delivered.
fn send(common: &Common, path: &Path, yes: bool, dry_run: bool) -> u8 {
    use std::io::IsTerminal;

    let loaded = match load_common(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let (b, a) = match build::assess_file(path, &loaded.rules, loaded.today) {
        Ok((b, a, warnings)) => {
            print_diagnostics(&warnings);
            (b, a)
        }
        Err(d) => {
            print_diagnostics(&d);
            return BAD_INPUT;
        }
    };
    if a.exit_script.is_none() {
        eprintln!(
            "error: no exit script applies to {} (verdict: {}), so there is no e-mail to send",
            path.display(),
            crate::render::pack::verdict_label(a.verdict).to_lowercase()
        );
        return BAD_INPUT;
    }
    let ctx = crate::render::pack::context(&b, &a, loaded.rules.caution_below, loaded.today);
    let date = crate::render::letter_date(&b, loaded.today);
    let msg = match crate::render::letter::message(&b, &ctx, date) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return BAD_INPUT;
        }
    };
    if dry_run {
        let eml = crate::render::email::to_eml(&msg);
        return print_stdout(&String::from_utf8_lossy(&eml));
    }
    let file = loaded
        .config
        .smtp
        .as_ref()
        .map(|s| crate::send::SmtpSettings {
            host: s.host.clone().unwrap_or_default(),
            port: s.port,
            security: s
                .security
                .as_deref()
                .and_then(|x| x.parse().ok())
                .unwrap_or_else(|| crate::send::Security::default_for_port(s.port)),
            username: s.username.clone(),
            from: s.from.clone(),
        });
    let settings = match crate::send::SmtpSettings::resolve(file, |k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: SMTP settings: {e}");
            return BAD_INPUT;
        }
    };
    let to = b.them.email.clone().unwrap_or_default();
    let subject = crate::render::letter::subject(&b, &ctx);
    match &b.them.name {
        Some(n) => eprintln!("To:      {n} <{to}>"),
        None => eprintln!("To:      {to}"),
    }
    eprintln!("Subject: {subject}");
    eprintln!(
        "Via:     {}:{} ({})",
        settings.host,
        settings.port.unwrap_or(settings.security.default_port()),
        settings.security.as_str()
    );
    if !yes {
        if !std::io::stdin().is_terminal() {
            eprintln!(
                "error: not sending without confirmation: there is no terminal to ask on; pass --yes to send"
            );
            return BAD_INPUT;
        }
        eprint!("Send this e-mail? [y/N] ");
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err()
            || !matches!(answer.trim(), "y" | "Y" | "yes")
        {
            eprintln!("not sent");
            return OK;
        }
    }
    let password = std::env::var("WALKAWAY_SMTP_PASSWORD").ok();
    match crate::send::send(&msg, &settings, password.as_deref()) {
        Ok(()) => {
            eprintln!("sent to {to}");
            OK
        }
        Err(e @ crate::send::SendError::Settings(_)) => {
            eprintln!("error: {e}");
            BAD_INPUT
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
