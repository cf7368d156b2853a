//! The command line (DESIGN §6), as clap definitions and nothing else: what each
//! subcommand takes. `settings` decides what the options mean together with
//! `walkaway.yaml` and the environment; `commands` runs them.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::artifact::{Format, Paper};
use crate::words::Word;

#[derive(Parser)]
#[command(
    name = "walkaway",
    version,
    about = "Prepare to negotiate, and to leave a negotiation well.",
    long_about = None,
    after_help = "Exit codes: 0 done; 1 a failure while working (I/O, SMTP, a missing typst); \
                  2 bad input (usage, a brief, rules or template that does not validate); \
                  3 --fail-on was met, or a test fixture failed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: Common,
}

/// Options every subcommand takes.
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
    pub paper: Option<Paper>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Caution,
    Walk,
}

/// Which file's schema `walkaway schema` prints.
#[derive(Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// A negotiation brief
    Brief,
    /// A rules file
    Rules,
    /// The project file, walkaway.yaml
    Config,
    /// A rule fixture, *.test.yaml
    Fixture,
}

/// What `walkaway templates` does.
#[derive(Subcommand)]
pub enum TemplatesAction {
    /// Write the built-in templates into DIR, to edit: a file there replaces
    /// the built-in one of the same name. Existing files are kept
    Export {
        /// Where to write them (default: walkaway.yaml's `templates`, else the project's templates/)
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum Command {
    /// Scaffold a project: briefs/, rules/, templates/, walkaway.yaml, the
    /// schemas and the editor settings that use them
    Init {
        /// Where to create it (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// Print the verdict of each brief and why
    Check {
        /// Brief files (YAML), one or more
        #[arg(required = true)]
        briefs: Vec<PathBuf>,
        /// Print a JSON array of assessments instead
        #[arg(long)]
        json: bool,
        /// Also say, for every rule, whether it fired, did not fire or could not
        /// be evaluated, with the values its condition read and where it is written
        #[arg(long)]
        explain: bool,
        /// Exit with code 3 when a brief's verdict is this or worse
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Write the outputs of the given briefs
    Render {
        /// Brief files (YAML), one or more
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
        #[command(flatten)]
        watch: WatchArgs,
    },
    /// Build and watch like `watch`, and serve OUT over HTTP with live reload
    Serve {
        /// Folder holding the briefs (default: the current folder)
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        watch: WatchArgs,
    },
    /// Run the rule fixtures (*.test.yaml) under DIR: each brief's verdict,
    /// fired rules and exit stage against what the fixture expects
    Test {
        /// Folder holding the fixtures, or one fixture (default: the project: the folder of the walkaway.yaml found from here up, else the current folder)
        dir: Option<PathBuf>,
    },
    /// Send the follow-up e-mail of a brief over SMTP (asks first)
    Send {
        /// The brief (YAML) whose follow-up e-mail to send
        brief: PathBuf,
        /// Send without asking
        #[arg(long)]
        yes: bool,
        /// Print the whole message and send nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Work with the built-in templates (export them to override one)
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Print the JSON Schema (draft-07) of a brief, a rules file, walkaway.yaml
    /// or a rule fixture, for editors
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
}

/// Where the outputs go and which ones.
#[derive(Args, Clone, Default)]
pub struct OutArgs {
    /// Output folder (default: walkaway.yaml's `out`, else ./out)
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated: md,html,pdf,typst,eml,json (default: all)
    #[arg(long, value_delimiter = ',', value_enum, ignore_case = true)]
    pub format: Option<Vec<Format>>,
    /// Write the letter and email even when no exit script applies
    #[arg(long)]
    pub letter: bool,
    /// Make the PDFs with the Typst compiler (`typst`, or the given command)
    /// instead of the built-in engine
    #[arg(long, value_name = "CMD", num_args = 0..=1, require_equals = true, default_missing_value = "typst")]
    pub typst_cmd: Option<String>,
}

/// How the watcher notices saves.
#[derive(Args, Clone)]
pub struct WatchArgs {
    /// Milliseconds the files must be quiet before a save is built
    #[arg(long, value_name = "MS", default_value_t = 50)]
    pub debounce: u64,
    /// Poll for changes (every 200 ms) instead of native events, for
    /// file systems without them (network shares, some containers)
    #[arg(long)]
    pub poll: bool,
    /// Remove the outputs of a brief that was deleted (default: keep them)
    #[arg(long)]
    pub prune: bool,
}

/// Where `serve` listens.
#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Port to serve on; when it is taken, the next free one is used
    #[arg(long, value_name = "N", default_value_t = 4000)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address lets other
    /// machines read the prep packs and letters
    #[arg(long, value_name = "H", default_value = "127.0.0.1")]
    pub host: String,
    /// Open the index page in a browser once the first build is done
    #[arg(long)]
    pub open: bool,
}

/// A day, written YYYY-MM-DD and nothing more: jiff would also read a date
/// with a time and drop the time, which a brief's dates refuse too.
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let t = s.trim();
    let plain = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !plain {
        return Err(format!(
            "`{s}` is not a date written YYYY-MM-DD (a day, without a time)"
        ));
    }
    t.parse()
        .map_err(|_| format!("`{s}` is not a day of the calendar"))
}

/// The command line offers the words of these vocabularies (and their other
/// spellings, for formats: `markdown`, `typ`, `email`).
impl ValueEnum for Paper {
    fn value_variants<'a>() -> &'a [Self] {
        Paper::VALUES
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.word()))
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        Format::VALUES
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        let aliases = Format::ALIASES
            .iter()
            .filter(|(_, f)| f == self)
            .map(|(w, _)| *w);
        Some(PossibleValue::new(self.word()).aliases(aliases))
    }
}

/// The whole command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
