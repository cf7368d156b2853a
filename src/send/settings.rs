//! SMTP settings: `walkaway.yaml`'s `smtp:` overlaid with `WALKAWAY_SMTP_*`, and
//! the checks made on them before any connection (a host, not a URL; loopback).

use std::net::IpAddr;
use std::str::FromStr;

use lettre::Address;

pub use crate::config::Security;
use crate::words::Word;

impl Security {
    /// The port used when none is configured.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        }
    }

    /// The security used when none is configured: TLS on the SMTPS port, else
    /// STARTTLS (never none by default).
    pub fn default_for_port(port: Option<u16>) -> Security {
        if port == Some(465) {
            Security::Tls
        } else {
            Security::StartTls
        }
    }
}

impl FromStr for Security {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Security::from_word(&s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "`{}` is not a security setting: use tls, starttls or none",
                s.escape_debug()
            )
        })
    }
}

/// Where and how to send. (The password is deliberately not here: it is never stored
/// with settings that might be printed or serialised.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    /// `None`: the default port of `security`.
    pub port: Option<u16>,
    pub security: Security,
    /// Log in as this user (with `WALKAWAY_SMTP_PASSWORD`); `None`: no login.
    pub username: Option<String>,
    /// The envelope sender (`MAIL FROM`) when it must differ from the message's
    /// From, e.g. the account's own address; `None`: the message's From.
    pub from: Option<String>,
}

impl SmtpSettings {
    /// Overlays `WALKAWAY_SMTP_HOST`, `_PORT`, `_SECURITY` and `_USERNAME` (read through
    /// `env`, so tests control it) onto the settings from `walkaway.yaml`, if any.
    ///
    /// The environment wins over the file, one field at a time; an empty variable
    /// counts as unset. Without a file and without `WALKAWAY_SMTP_SECURITY`, security
    /// is TLS on port 465 and STARTTLS otherwise. The result is checked (a host name,
    /// not a URL; a port number) so that a mistake is reported before connecting.
    pub fn resolve(
        file: Option<SmtpSettings>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<SmtpSettings, String> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());

        let port = match var("WALKAWAY_SMTP_PORT") {
            Some(p) => Some(
                p.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|&p| p != 0)
                    .ok_or_else(|| {
                        format!(
                            "WALKAWAY_SMTP_PORT is `{}`, not a port number (1-65535)",
                            p.escape_debug()
                        )
                    })?,
            ),
            None => file.as_ref().and_then(|f| f.port),
        };
        let security = match var("WALKAWAY_SMTP_SECURITY") {
            Some(s) => s
                .parse::<Security>()
                .map_err(|e| format!("WALKAWAY_SMTP_SECURITY: {e}"))?,
            None => file
                .as_ref()
                .map_or_else(|| Security::default_for_port(port), |f| f.security),
        };
        let host = var("WALKAWAY_SMTP_HOST")
            .or_else(|| file.as_ref().map(|f| f.host.clone()))
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .ok_or(
                "no SMTP server is configured: set `smtp: { host: ... }` in walkaway.yaml \
                 or WALKAWAY_SMTP_HOST",
            )?;
        let username = var("WALKAWAY_SMTP_USERNAME")
            .or_else(|| file.as_ref().and_then(|f| f.username.clone()))
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        let from = file.and_then(|f| f.from).filter(|f| !f.trim().is_empty());

        check_host(&host)?;
        if let Some(u) = &username
            && u.chars().any(char::is_control)
        {
            return Err("the SMTP username contains a control character".to_owned());
        }
        if let Some(f) = &from {
            parse_address(f).map_err(|e| format!("smtp from: {e}"))?;
        }
        Ok(SmtpSettings {
            host,
            port,
            security,
            username,
            from,
        })
    }

    /// `host:port` as shown in messages (IPv6 in brackets).
    pub(super) fn server(&self) -> String {
        let port = self.port.unwrap_or(self.security.default_port());
        let host = bare_host(&self.host);
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }
}

/// The host without IPv6 brackets, as sockets and TLS want it.
pub(super) fn bare_host(host: &str) -> &str {
    let host = host.trim();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// A host is a name or an IP address: not a URL, not `host:port`, nothing blank.
pub(super) fn check_host(host: &str) -> Result<(), String> {
    let shown = host.escape_debug();
    let bare = bare_host(host);
    if bare.is_empty() {
        return Err("the SMTP host is empty".to_owned());
    }
    if bare.contains("://") {
        return Err(format!(
            "the SMTP host `{shown}` looks like a URL: give the host name only \
             (e.g. smtp.example.com) and set port and security separately"
        ));
    }
    if bare.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the SMTP host `{shown}` contains a space or control character"
        ));
    }
    if bare.contains(':') && bare.parse::<IpAddr>().is_err() {
        return Err(format!(
            "the SMTP host `{shown}` includes a port: put the port in `port` \
             (or WALKAWAY_SMTP_PORT)"
        ));
    }
    Ok(())
}

/// Loopback by its name as written: `localhost`, 127.0.0.0/8 or `::1`. No DNS: a
/// name that merely resolves to 127.0.0.1 today is not trusted with a password.
pub(super) fn is_loopback(host: &str) -> bool {
    let host = bare_host(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub(super) fn parse_address(s: &str) -> Result<Address, String> {
    if s.contains(['\r', '\n']) {
        return Err(format!("`{}` contains a line break", s.escape_debug()));
    }
    s.trim()
        .parse::<Address>()
        .map_err(|_| format!("`{}` is not a valid email address", s.escape_debug()))
}
