//! `walkaway send`: the same message the build writes as `email.eml`, delivered
//! over SMTP after showing who it goes to and asking.

use std::path::Path;

use crate::build::assess_file;
use crate::cli::{Common, OutArgs};
use crate::compose::{self, verdict_label};
use crate::error::Error;
use crate::render::{email, letter};
use crate::send::{self, SendError};
use crate::settings::Settings;
use crate::terminal;

pub fn run(common: &Common, path: &Path, yes: bool, dry_run: bool) -> Result<(), Error> {
    let settings = Settings::load(common, &OutArgs::default())?;
    let rules = settings.load_rules()?;
    let (b, a, mut warnings) = assess_file(path, &rules, settings.today)?;
    // The missing address is the error below, not a warning as well.
    if let Some(gap) = b.email_gap() {
        warnings.retain(|w| w.message != gap.message);
    }
    terminal::print_diagnostics(&warnings);
    if a.exit_script.is_none() {
        return Err(Error::Usage(format!(
            "no exit script applies to {} (verdict: {}), so there is no e-mail to send",
            path.display(),
            verdict_label(a.verdict).to_lowercase()
        )));
    }
    let opts = compose::Options {
        today: settings.today,
        paper: settings.paper,
        force_letter: false,
    };
    if let Some(mut gap) = b.email_gap() {
        gap.severity = crate::diag::Severity::Error;
        gap.hint = Some("add the address to the brief to send the letter".into());
        return Err(Error::Input(vec![gap]));
    }
    let pack = compose::compose(&b, &a, &rules, opts)?;
    let msg = letter::message_sent_now(&pack.letter)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    if dry_run {
        return terminal::print_stdout(&String::from_utf8_lossy(&email::to_eml(&msg)));
    }
    let smtp = settings
        .smtp
        .clone()
        .map_err(|e| Error::Usage(format!("SMTP settings: {e}")))?;
    let to = b.them.email.clone().unwrap_or_default();
    match &b.them.name {
        Some(n) => terminal::note(&format!("To:      {n} <{to}>")),
        None => terminal::note(&format!("To:      {to}")),
    }
    terminal::note(&format!("Subject: {}", pack.letter.subject));
    terminal::note(&format!(
        "Via:     {}:{} ({})",
        smtp.host,
        smtp.port.unwrap_or(smtp.security.default_port()),
        smtp.security
    ));
    if !yes {
        match terminal::confirm("Send this e-mail? [y/N] ") {
            None => {
                return Err(Error::Usage(
                    "not sending without confirmation: there is no terminal to ask on; pass --yes to send"
                        .into(),
                ));
            }
            Some(false) => {
                terminal::note("not sent");
                return Ok(());
            }
            Some(true) => {}
        }
    }
    let password = std::env::var("WALKAWAY_SMTP_PASSWORD").ok();
    match send::send(&msg, &smtp, password.as_deref()) {
        Ok(()) => {
            terminal::note(&format!("sent to {to}"));
            Ok(())
        }
        Err(e @ SendError::Settings(_)) => Err(Error::Usage(e.to_string())),
        Err(e) => Err(Error::Failure(e.to_string())),
    }
}
