//! `walkaway.yaml`, the project file (DESIGN §6): found in the current folder or
//! its parents, like `Cargo.toml`. Paths in it are relative to the file's folder.
//! Command-line options override it.

use std::path::{Path, PathBuf};

use crate::artifact::{Format, Paper};
use crate::diag::{Diagnostic, Pos};
use crate::fields::Checker;
use crate::yaml;

pub const FILE_NAME: &str = "walkaway.yaml";

pub const KEYS: &[&str] = &[
    "rules",
    "templates",
    "out",
    "formats",
    "paper",
    "pdf_engine",
    "smtp",
];
pub const SMTP_KEYS: &[&str] = &["host", "port", "security", "username", "from"];

crate::vocabulary! {
    /// What makes the PDFs: the built-in engine or the Typst compiler.
    pub enum PdfEngine { Builtin = "builtin", Typst = "typst" }
}

crate::vocabulary! {
    /// How `send` talks to the SMTP server.
    pub enum Security {
        /// TLS from the first byte (implicit TLS, "SMTPS"); default port 465.
        Tls = "tls",
        /// Plain connection upgraded with STARTTLS, which is required: if the
        /// server does not offer it, nothing is sent. Default port 587.
        StartTls = "starttls",
        /// No encryption; only allowed to a loopback host. Default port 25.
        None = "none",
    }
}

#[derive(Debug, Clone, Default)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: Option<String>,
    pub from: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file this came from, when there is one.
    pub path: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    /// Where `rules:` is written, and as written, to say so when it names no file.
    pub rules_at: Option<(Pos, String)>,
    pub templates: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub formats: Option<Vec<Format>>,
    pub paper: Option<Paper>,
    pub pdf_engine: Option<PdfEngine>,
    pub smtp: Option<SmtpConfig>,
}

impl Config {
    /// The folder the project lives in: the config file's folder, else `start`.
    pub fn root(&self, start: &Path) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map_or_else(|| start.to_path_buf(), Path::to_path_buf)
    }
}

/// Find `walkaway.yaml` in `start` or its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Load the project file found from `start`, or an empty config when there is none.
pub fn load(start: &Path) -> Result<Config, Vec<Diagnostic>> {
    match find(start) {
        Some(path) => load_file(&path),
        None => Ok(Config::default()),
    }
}

pub fn load_file(path: &Path) -> Result<Config, Vec<Diagnostic>> {
    let (text, root) = yaml::parse_file(path).map_err(|d| vec![d])?;
    let mut c = Checker::new(path, &text);
    let base = path.parent().unwrap_or(Path::new("."));
    let mut cfg = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    if let Some(f) = c.fields(&root, "walkaway.yaml", KEYS, &[]) {
        let rel = |c: &mut Checker, key: &str| {
            f.get(key)
                .and_then(|n| c.text(n, &format!("`{key}`")))
                .map(|s| base.join(s))
        };
        cfg.rules = rel(&mut c, "rules");
        cfg.rules_at = f.get("rules").and_then(|n| match &n.value {
            crate::yaml::Value::Str(s) => Some((n.pos, s.clone())),
            _ => None,
        });
        cfg.templates = rel(&mut c, "templates");
        cfg.out = rel(&mut c, "out");
        if let Some(n) = f.get("formats") {
            let mut formats = Vec::new();
            for item in c.seq(n, "`formats`") {
                if let Some(s) = c.text(item, "a format") {
                    match Format::parse(&s) {
                        Ok(fmt) => formats.push(fmt),
                        Err(e) => c.error(item.pos, e, None),
                    }
                }
            }
            cfg.formats = Some(formats);
        }
        cfg.paper = f.get("paper").and_then(|n| c.word(n, "`paper`"));
        cfg.pdf_engine = f.get("pdf_engine").and_then(|n| c.word(n, "`pdf_engine`"));
        if let Some(n) = f.get("smtp")
            && let Some(sf) = c.fields(n, "`smtp`", SMTP_KEYS, &[])
        {
            let mut smtp = SmtpConfig {
                host: sf.get("host").and_then(|n| c.text(n, "`smtp.host`")),
                username: sf
                    .get("username")
                    .and_then(|n| c.text(n, "`smtp.username`")),
                from: sf.get("from").and_then(|n| c.text(n, "`smtp.from`")),
                security: sf
                    .get("security")
                    .and_then(|n| c.word(n, "`smtp.security`")),
                port: None,
            };
            if let Some(p) = sf.get("port") {
                match c.number(p, "`smtp.port`") {
                    Some(x) if x.fract() == 0.0 && (1.0..=65535.0).contains(&x) => {
                        smtp.port = Some(x as u16)
                    }
                    Some(_) => c.error(p.pos, "`smtp.port` must be a port number (1-65535)", None),
                    None => {}
                }
            }
            cfg.smtp = Some(smtp);
        }
    }
    if c.has_errors() {
        Err(c.diags)
    } else {
        Ok(cfg)
    }
}
