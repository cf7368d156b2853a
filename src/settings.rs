//! What the options mean, decided once: the command line wins over
//! `walkaway.yaml`, which wins over the defaults (and, for SMTP, the environment
//! wins over the file). Every command starts from `Settings::resolve`, and then
//! loads what it needs (the rules; for a build, the templates too).

use std::path::{Path, PathBuf};

use crate::artifact::{Format, Paper};
use crate::build::Setup;
use crate::cli::{Common, OutArgs};
use crate::config::{self, Config, PdfEngine};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::render::templates::Templates;
use crate::rules::{self, Rules};
use crate::send::{Security, SmtpSettings};
use crate::watch::Sources;

/// Where each input comes from and what to write.
pub struct Settings {
    /// `walkaway.yaml`, when one was found.
    pub config: Config,
    /// The rules file (None: the built-in rules).
    pub rules: Option<PathBuf>,
    /// The templates folder (None: the built-in templates only).
    pub templates: Option<PathBuf>,
    pub out: PathBuf,
    pub formats: Vec<Format>,
    pub paper: Paper,
    pub today: jiff::civil::Date,
    pub force_letter: bool,
    /// The external Typst compiler that makes the PDFs, when not the built-in engine.
    pub typst_cmd: Option<String>,
    /// How to send e-mail, or why it cannot be sent.
    pub smtp: Result<SmtpSettings, String>,
}

impl Settings {
    /// Resolve the options of a command: `common` and `out` from the command
    /// line, `config` from `walkaway.yaml`, `env` the environment (read through a
    /// function, so that tests control it). Reads no file but the templates
    /// folder's existence.
    pub fn resolve(
        common: &Common,
        out: &OutArgs,
        config: Config,
        env: impl Fn(&str) -> Option<String>,
    ) -> Settings {
        let root = config.root(Path::new("."));
        let templates = common
            .templates
            .clone()
            .or_else(|| config.templates.clone())
            .or_else(|| {
                // A `templates/` folder in the project overrides by file name.
                let t = root.join("templates");
                t.is_dir().then_some(t)
            });
        let smtp_file = config.smtp.as_ref().map(|s| SmtpSettings {
            host: s.host.clone().unwrap_or_default(),
            port: s.port,
            security: s
                .security
                .unwrap_or_else(|| Security::default_for_port(s.port)),
            username: s.username.clone(),
            from: s.from.clone(),
        });
        Settings {
            rules: common.rules.clone().or_else(|| config.rules.clone()),
            templates,
            out: out
                .out
                .clone()
                .or_else(|| config.out.clone())
                .unwrap_or_else(|| PathBuf::from("out")),
            formats: out
                .format
                .clone()
                .or_else(|| config.formats.clone())
                .unwrap_or_else(|| Format::ALL.to_vec()),
            paper: common.paper.or(config.paper).unwrap_or(Paper::A4),
            today: common.today.unwrap_or_else(|| jiff::Zoned::now().date()),
            force_letter: out.letter,
            typst_cmd: out.typst_cmd.clone().or_else(|| {
                (config.pdf_engine == Some(PdfEngine::Typst)).then(|| "typst".to_string())
            }),
            smtp: SmtpSettings::resolve(smtp_file, env),
            config,
        }
    }

    /// Find and read `walkaway.yaml` from the current folder up, then resolve.
    pub fn load(common: &Common, out: &OutArgs) -> Result<Settings, Error> {
        Settings::load_from(common, out, Path::new("."))
    }

    /// Find and read `walkaway.yaml` from `start` up, then resolve.
    pub fn load_from(common: &Common, out: &OutArgs, start: &Path) -> Result<Settings, Error> {
        let config = config::load(start)?;
        Ok(Settings::resolve(common, out, config, |k| {
            std::env::var(k).ok()
        }))
    }

    /// The rules: the file in use, or the built-in ones.
    pub fn load_rules(&self) -> Result<Rules, Error> {
        Ok(match &self.rules {
            Some(p) if !p.exists() => return Err(Error::Input(vec![self.no_rules_file(p)])),
            Some(p) => rules::load_file(p)?,
            None => rules::load_default()?,
        })
    }

    /// A rules file that does not exist, said where it is named: the line of
    /// walkaway.yaml, or `--rules`; with the closest file of its folder.
    fn no_rules_file(&self, path: &Path) -> Diagnostic {
        let folder = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let names = crate::input::yaml_file_names(folder);
        let asked = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let hint = crate::diag::did_you_mean(asked, names.iter().map(String::as_str))
            .unwrap_or_else(|| {
                "write the path of a rules file, or leave `rules` out for the built-in rules"
                    .to_string()
            });
        match (&self.config.path, &self.config.rules_at) {
            (Some(config), Some((pos, written))) if self.config.rules.as_deref() == Some(path) => {
                Diagnostic::error(
                    config,
                    Some(*pos),
                    format!("the rules file `{written}` does not exist"),
                )
                .with_hint(hint)
            }
            _ => Diagnostic::error(
                path,
                None,
                format!("the rules file {} does not exist", path.display()),
            )
            .with_hint(hint),
        }
    }

    /// What every brief of a build shares: rules, templates and the options.
    /// A missing Typst compiler is a failure (exit 1), reported once here.
    pub fn setup(&self) -> Result<Setup, Error> {
        // Side by side: each is a few milliseconds of one core (compiling the
        // rules' CEL, parsing the templates) before any brief can start. The
        // rules' error comes first, as when they were loaded one after the other.
        // The thread gets the main thread's stack (8 MiB, where a spawned one
        // has 2): templates that load on one load on the other. Tera bounds
        // its own nesting far below either.
        let (rules, templates) = std::thread::scope(|s| {
            let templates = std::thread::Builder::new()
                .stack_size(8 * 1024 * 1024)
                .spawn_scoped(s, || Templates::load(self.templates.as_deref()));
            let rules = self.load_rules();
            (rules, templates.map(|t| t.join()))
        });
        let rules = rules?;
        let templates = match templates {
            Ok(Ok(loaded)) => loaded?,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread to be had: load them here.
            Err(_) => Templates::load(self.templates.as_deref())?,
        };
        crate::terminal::print_diagnostics(&templates.warnings);
        if let Some(cmd) = &self.typst_cmd
            && self.formats.contains(&Format::Pdf)
        {
            crate::render::typst::find_command(cmd).map_err(Error::Failure)?;
        }
        Ok(Setup {
            rules,
            templates,
            today: self.today,
            paper: self.paper,
            formats: self.formats.clone(),
            force_letter: self.force_letter,
            out: self.out.clone(),
            typst_cmd: self.typst_cmd.clone(),
        })
    }

    /// The inputs every brief shares, as the watcher watches them.
    pub fn sources(&self) -> Sources {
        Sources {
            config: self.config.path.clone(),
            rules: self.rules.clone(),
            templates: self.templates.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_command_line_wins_over_the_project_file() {
        let config = Config {
            out: Some(PathBuf::from("project-out")),
            paper: Some(Paper::Letter),
            formats: Some(vec![Format::Pdf]),
            pdf_engine: Some(PdfEngine::Typst),
            ..Config::default()
        };
        let common = Common {
            paper: Some(Paper::A4),
            ..Common::default()
        };
        let out = OutArgs {
            out: Some(PathBuf::from("cli-out")),
            ..OutArgs::default()
        };
        let s = Settings::resolve(&common, &out, config.clone(), env(&[]));
        assert_eq!(s.out, PathBuf::from("cli-out"));
        assert_eq!(s.paper, Paper::A4);
        assert_eq!(s.formats, [Format::Pdf]);
        assert_eq!(s.typst_cmd.as_deref(), Some("typst"));

        let s = Settings::resolve(&Common::default(), &OutArgs::default(), config, env(&[]));
        assert_eq!(s.out, PathBuf::from("project-out"));
        assert_eq!(s.paper, Paper::Letter);
    }

    #[test]
    fn defaults_without_a_project_file() {
        let s = Settings::resolve(
            &Common::default(),
            &OutArgs::default(),
            Config::default(),
            env(&[]),
        );
        assert_eq!(s.out, PathBuf::from("out"));
        assert_eq!(s.formats, Format::ALL);
        assert_eq!(s.paper, Paper::A4);
        assert!(s.rules.is_none() && s.typst_cmd.is_none());
        assert!(s.smtp.is_err(), "no SMTP host configured");
    }

    #[test]
    fn smtp_comes_from_the_file_overlaid_by_the_environment() {
        let config = Config {
            smtp: Some(config::SmtpConfig {
                host: Some("smtp.example.com".into()),
                port: Some(465),
                ..config::SmtpConfig::default()
            }),
            ..Config::default()
        };
        let s = Settings::resolve(
            &Common::default(),
            &OutArgs::default(),
            config,
            env(&[("WALKAWAY_SMTP_HOST", "mail.example.org")]),
        );
        let smtp = s.smtp.expect("settings");
        assert_eq!(smtp.host, "mail.example.org");
        assert_eq!(smtp.security, Security::Tls, "TLS on the SMTPS port");
    }
}
