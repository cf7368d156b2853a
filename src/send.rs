//! SMTP delivery of the follow-up email (`walkaway send`).
//!
//! Settings come from `walkaway.yaml` `smtp:` and `WALKAWAY_SMTP_*` variables (the
//! environment wins, so a one-off override needs no file edit); the password comes
//! only from `WALKAWAY_SMTP_PASSWORD`, passed in by the caller, and never appears in
//! an error. Encryption is the default; `security: none` is refused for anything but
//! a loopback host, before any connection is made.
//!
//! lettre's `SmtpTransport` reports a failure without saying which step failed, so
//! this file drives lettre's blocking `SmtpConnection` step by step (connect,
//! STARTTLS, login, sender, each recipient, data) and turns each failure into one
//! plain line: "the SMTP server rejected recipient lee@acme.example (550 ...)".

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::{Address, Message};

/// Connecting, the greeting, EHLO, STARTTLS, login and envelope commands: a server
/// that has not answered in this long is not going to.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);
/// The reply to the end of the message may come only after the server has scanned
/// it (spam, viruses); RFC 5321 §4.5.3.2 even suggests minutes.
const DATA_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (implicit TLS, "SMTPS"); default port 465.
    Tls,
    /// Plain connection upgraded with STARTTLS, which is required: if the server does
    /// not offer it, nothing is sent. Default port 587.
    StartTls,
    /// No encryption; only allowed to a loopback host. Default port 25.
    None,
}

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

    /// The spelling used in `walkaway.yaml` and `WALKAWAY_SMTP_SECURITY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        }
    }
}

impl FromStr for Security {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tls" => Ok(Security::Tls),
            "starttls" => Ok(Security::StartTls),
            "none" => Ok(Security::None),
            _ => Err(format!(
                "`{}` is not a security setting: use tls, starttls or none",
                s.escape_debug()
            )),
        }
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
    fn server(&self) -> String {
        let port = self.port.unwrap_or(self.security.default_port());
        let host = bare_host(&self.host);
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }
}

/// Why a message was not sent: one line, meant to be printed as is. It never holds
/// the password, even when a server echoes it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The settings cannot be used; no connection was made.
    Settings(String),
    /// No SMTP session: refused, unreachable, unknown host, timed out, or the server
    /// turned us away in its greeting.
    Connect { server: String, reason: String },
    /// Encryption (TLS or STARTTLS) could not be set up; nothing was sent.
    Tls { server: String, reason: String },
    /// The server refused the login.
    Login { username: String, reply: String },
    /// The server refused the envelope sender.
    Sender { address: String, reply: String },
    /// The server refused a recipient.
    Recipient { address: String, reply: String },
    /// The server refused the message itself.
    Message { reply: String },
    /// The session broke off (network error, timeout, unreadable reply) at `step`.
    Session {
        server: String,
        step: &'static str,
        reason: String,
    },
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Settings(why) => f.write_str(why),
            SendError::Connect { server, reason } => {
                write!(f, "could not connect to {server}: {reason}")
            }
            SendError::Tls { server, reason } => {
                write!(f, "could not set up encryption with {server}: {reason}")
            }
            SendError::Login { username, reply } => {
                write!(
                    f,
                    "the SMTP server rejected the login for user {username} ({reply})"
                )
            }
            SendError::Sender { address, reply } => {
                write!(f, "the SMTP server rejected sender {address} ({reply})")
            }
            SendError::Recipient { address, reply } => {
                write!(f, "the SMTP server rejected recipient {address} ({reply})")
            }
            SendError::Message { reply } => {
                write!(f, "the SMTP server rejected the message ({reply})")
            }
            SendError::Session {
                server,
                step,
                reason,
            } => write!(
                f,
                "the SMTP session with {server} failed while {step}: {reason}"
            ),
        }
    }
}

impl StdError for SendError {}

/// Sends `msg` to its To recipients as `settings` say. `password` is the value of
/// `WALKAWAY_SMTP_PASSWORD` (the caller reads it, so tests control it); it is
/// required exactly when a username is set.
///
/// `security: none` is refused unless the host is loopback (`localhost`,
/// 127.0.0.0/8, `::1`); the check is on the name as written, without resolving it.
pub fn send(
    msg: &Message,
    settings: &SmtpSettings,
    password: Option<&str>,
) -> Result<(), SendError> {
    let server = settings.server();
    let host = bare_host(&settings.host).to_owned();
    let port = settings.port.unwrap_or(settings.security.default_port());
    let scrub = Scrub(password.filter(|p| !p.is_empty()));

    // Everything that can be refused without the network is refused first.
    check_host(&settings.host).map_err(SendError::Settings)?;
    if settings.security == Security::None && !is_loopback(&host) {
        return Err(SendError::Settings(format!(
            "security: none would send the message{} unencrypted, so it is only allowed \
             for a loopback host (localhost, 127.0.0.1, ::1), not {host}; use tls or starttls",
            if settings.username.is_some() {
                " and the password"
            } else {
                ""
            },
        )));
    }
    let credentials = match (&settings.username, password.filter(|p| !p.is_empty())) {
        (Some(user), Some(pw)) => Some(Credentials::new(user.clone(), pw.to_owned())),
        (None, None) => None,
        (Some(user), None) => {
            return Err(SendError::Settings(format!(
                "the SMTP username {} is set but WALKAWAY_SMTP_PASSWORD is not",
                clean(user, &scrub)
            )));
        }
        (None, Some(_)) => {
            return Err(SendError::Settings(
                "WALKAWAY_SMTP_PASSWORD is set but no SMTP username is configured \
                 (smtp.username or WALKAWAY_SMTP_USERNAME)"
                    .to_owned(),
            ));
        }
    };
    let sender = match &settings.from {
        Some(f) => {
            Some(parse_address(f).map_err(|e| SendError::Settings(format!("smtp from: {e}")))?)
        }
        None => msg.envelope().from().cloned(),
    };
    let recipients = msg.envelope().to();
    let tls = match settings.security {
        Security::None => None,
        Security::Tls | Security::StartTls => Some(TlsParameters::new(host.clone()).map_err(
            |e| SendError::Tls {
                server: server.clone(),
                reason: cause(&e, &scrub),
            },
        )?),
    };

    // Connect: TCP, TLS for `tls`, the greeting and EHLO. The EHLO name is lettre's
    // default without its `hostname` feature, [127.0.0.1]: it does not reveal the
    // machine's name to the server.
    let hello = ClientId::default();
    let wrapper = tls.as_ref().filter(|_| settings.security == Security::Tls);
    let mut conn = SmtpConnection::connect(
        (host.as_str(), port),
        Some(COMMAND_TIMEOUT),
        &hello,
        wrapper,
        None,
    )
    .map_err(|e| connect_error(&e, settings.security, &server, &scrub))?;

    let result = session(
        &mut conn,
        msg,
        settings,
        tls.as_ref(),
        &hello,
        credentials.as_ref(),
        sender,
        recipients,
        &server,
        &scrub,
    );
    match result {
        Ok(()) => {
            // The message is accepted once the server has answered the final dot; a
            // failed QUIT changes nothing.
            let _ = conn.quit();
            Ok(())
        }
        Err(e) => {
            conn.abort();
            Err(e)
        }
    }
}

/// Everything after the connection is up; any error leaves `conn` to be aborted.
#[allow(clippy::too_many_arguments)]
fn session(
    conn: &mut SmtpConnection,
    msg: &Message,
    settings: &SmtpSettings,
    tls: Option<&TlsParameters>,
    hello: &ClientId,
    credentials: Option<&Credentials>,
    sender: Option<Address>,
    recipients: &[Address],
    server: &str,
    scrub: &Scrub,
) -> Result<(), SendError> {
    let broke = |step: &'static str| {
        move |e: SmtpError| SendError::Session {
            server: server.to_owned(),
            step,
            reason: cause(&e, scrub),
        }
    };

    if let (Security::StartTls, Some(tls)) = (settings.security, tls) {
        if !conn.server_info().supports_feature(Extension::StartTls) {
            let hint = if settings.port == Some(465) {
                " (port 465 normally means security: tls)"
            } else {
                ""
            };
            return Err(SendError::Tls {
                server: server.to_owned(),
                reason: format!("the server does not offer STARTTLS, so nothing was sent{hint}"),
            });
        }
        conn.starttls(tls, hello).map_err(|e| SendError::Tls {
            server: server.to_owned(),
            reason: tls_reason(reply_or_cause(&e, scrub)),
        })?;
    }

    if let Some(credentials) = credentials {
        let username = clean(settings.username.as_deref().unwrap_or_default(), scrub);
        let mechanisms = [Mechanism::Plain, Mechanism::Login];
        if !mechanisms
            .iter()
            .any(|&m| conn.server_info().supports_auth_mechanism(m))
        {
            return Err(SendError::Session {
                server: server.to_owned(),
                step: "logging in",
                reason: "the server offers no login method walkaway supports (PLAIN, LOGIN)"
                    .to_owned(),
            });
        }
        conn.auth(&mechanisms, credentials).map_err(|e| {
            if e.status().is_some() {
                SendError::Login {
                    username,
                    reply: reply(&e, scrub),
                }
            } else {
                broke("logging in")(e)
            }
        })?;
    }

    let email = msg.formatted();
    let mut params = Vec::new();
    // SMTPUTF8 and 8BITMIME as lettre's own send does: ask for them only when needed,
    // and refuse rather than send what the server said it cannot take.
    let non_ascii = sender
        .iter()
        .chain(recipients)
        .any(|a| !a.to_string().is_ascii());
    if non_ascii {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(SendError::Session {
                server: server.to_owned(),
                step: "giving the sender",
                reason: "an address has non-ASCII characters and the server does not \
                         support SMTPUTF8"
                    .to_owned(),
            });
        }
        params.push(MailParameter::SmtpUtfEight);
    }
    if !email.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(SendError::Session {
                server: server.to_owned(),
                step: "giving the sender",
                reason: "the message is not 7-bit and the server does not support 8BITMIME"
                    .to_owned(),
            });
        }
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }

    let sender_shown = sender
        .as_ref()
        .map_or_else(|| "<>".to_owned(), |a| clean(a.as_ref(), scrub));
    conn.command(Mail::new(sender, params)).map_err(|e| {
        if e.status().is_some() {
            SendError::Sender {
                address: sender_shown,
                reply: reply(&e, scrub),
            }
        } else {
            broke("giving the sender")(e)
        }
    })?;
    for to in recipients {
        conn.command(Rcpt::new(to.clone(), vec![])).map_err(|e| {
            if e.status().is_some() {
                SendError::Recipient {
                    address: clean(to.as_ref(), scrub),
                    reply: reply(&e, scrub),
                }
            } else {
                broke("giving the recipients")(e)
            }
        })?;
    }
    conn.command(Data).map_err(|e| {
        if e.status().is_some() {
            SendError::Message {
                reply: reply(&e, scrub),
            }
        } else {
            broke("starting the message")(e)
        }
    })?;
    conn.set_timeout(Some(DATA_TIMEOUT))
        .map_err(|e| SendError::Session {
            server: server.to_owned(),
            step: "sending the message",
            reason: clean(&e.to_string(), scrub),
        })?;
    conn.message(&email).map_err(|e| {
        if e.status().is_some() {
            SendError::Message {
                reply: reply(&e, scrub),
            }
        } else {
            broke("sending the message")(e)
        }
    })?;
    Ok(())
}

/// The password to remove from anything shown.
struct Scrub<'a>(Option<&'a str>);

/// Server and OS text made safe to print on one line: control characters (a server
/// could send escape sequences) become spaces, the length is bounded, and the
/// password is masked in case a server echoes what it was sent.
fn clean(s: &str, scrub: &Scrub) -> String {
    let mask = |s: String| match scrub.0 {
        Some(pw) => s.replace(pw, "********"),
        None => s,
    };
    // Masked before and after flattening, whatever characters the password holds.
    let s = mask(s.to_owned());
    let s = mask(
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    );
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// "535 5.7.8 Authentication credentials invalid": the reply code and the server's
/// text. lettre keeps the code as the error's status and the text as its source.
fn reply(e: &SmtpError, scrub: &Scrub) -> String {
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    clean(&format!("{code} {text}"), scrub)
}

fn reply_or_cause(e: &SmtpError, scrub: &Scrub) -> String {
    if e.status().is_some() {
        reply(e, scrub)
    } else {
        cause(e, scrub)
    }
}

/// The most specific description of a non-reply error: a friendly phrase for the
/// common I/O failures, else the innermost cause, without lettre's "network error:"
/// wrapping or the OS's "(os error N)".
fn cause(e: &SmtpError, scrub: &Scrub) -> String {
    if let Some(kind) = io_kind(e) {
        match kind {
            io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                // A read timeout surfaces as WouldBlock on Unix.
                return "the server did not answer in time".to_owned();
            }
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof => {
                return "the server closed the connection".to_owned();
            }
            io::ErrorKind::HostUnreachable => return "host unreachable".to_owned(),
            io::ErrorKind::NetworkUnreachable => return "network unreachable".to_owned(),
            _ => {}
        }
    }
    let mut innermost: &dyn StdError = e;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    let text = innermost.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let text = if text.is_empty() || text == "incomplete response" {
        // lettre's wording when the server hangs up mid-reply.
        "the server closed the connection"
    } else {
        text
    };
    // OS messages start with a capital ("Name or service not known"); we continue a
    // sentence.
    let mut chars = text.chars();
    let text = match chars.next() {
        Some(first) if !text.starts_with("TLS") && !text.starts_with("STARTTLS") => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    };
    clean(&text, scrub)
}

/// rustls says "invalid peer certificate: UnknownIssuer"; say what it means first.
fn tls_reason(reason: String) -> String {
    let Some(detail) = reason.strip_prefix("invalid peer certificate: ") else {
        return reason;
    };
    let meaning = if detail.starts_with("UnknownIssuer") {
        "it is not signed by an authority this system trusts"
    } else if detail.starts_with("Expired") {
        "it has expired"
    } else if detail.starts_with("NotValidForName") {
        "it is not valid for this host name"
    } else {
        "it was not accepted"
    };
    format!("the server's certificate is refused: {meaning} ({detail})")
}

fn io_kind(e: &SmtpError) -> Option<io::ErrorKind> {
    let mut source = e.source();
    while let Some(err) = source {
        if let Some(io_err) = err.downcast_ref::<io::Error>() {
            return Some(io_err.kind());
        }
        source = err.source();
    }
    None
}

fn connect_error(e: &SmtpError, security: Security, server: &str, scrub: &Scrub) -> SendError {
    let server = server.to_owned();
    if e.status().is_some() {
        // The server answered, but turned the session down (greeting or EHLO).
        return SendError::Connect {
            server,
            reason: format!("the server refused the session ({})", reply(e, scrub)),
        };
    }
    let tcp_level = matches!(
        io_kind(e),
        Some(
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::TimedOut
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::AddrNotAvailable
        )
    );
    // With implicit TLS the handshake runs on the first read, so anything else that
    // goes wrong before the greeting is a TLS failure (bad certificate, a server that
    // does not speak TLS on this port...).
    if security == Security::Tls && !tcp_level {
        let mut reason = tls_reason(cause(e, scrub));
        if io_kind(e) == Some(io::ErrorKind::InvalidData) && reason.contains("corrupt message") {
            reason.push_str(" (does this port expect starttls instead of tls?)");
        }
        return SendError::Tls { server, reason };
    }
    SendError::Connect {
        server,
        reason: cause(e, scrub),
    }
}

/// The host without IPv6 brackets, as sockets and TLS want it.
fn bare_host(host: &str) -> &str {
    let host = host.trim();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// A host is a name or an IP address: not a URL, not `host:port`, nothing blank.
fn check_host(host: &str) -> Result<(), String> {
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
fn is_loopback(host: &str) -> bool {
    let host = bare_host(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn parse_address(s: &str) -> Result<Address, String> {
    if s.contains(['\r', '\n']) {
        return Err(format!("`{}` contains a line break", s.escape_debug()));
    }
    s.trim()
        .parse::<Address>()
        .map_err(|_| format!("`{}` is not a valid email address", s.escape_debug()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::message::{Mailbox, MultiPart};
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::time::Instant;

    const PASSWORD: &str = "c0rrect-h0rse-b4ttery";

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn file_settings() -> SmtpSettings {
        SmtpSettings {
            host: "smtp.example.com".into(),
            port: Some(587),
            security: Security::StartTls,
            username: Some("dana".into()),
            from: Some("dana@northwind.example".into()),
        }
    }

    fn local(port: u16, username: Option<&str>) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: Some(port),
            security: Security::None,
            username: username.map(str::to_owned),
            from: None,
        }
    }

    fn message(to: &str) -> Message {
        Message::builder()
            .from(Mailbox::new(
                Some("Zoë Łukasiewicz".into()),
                "dana@northwind.example".parse().expect("address"),
            ))
            .to(Mailbox::new(
                Some("Lee Park".into()),
                to.parse().expect("address"),
            ))
            .subject("Łódź — next steps")
            .multipart(MultiPart::alternative_plain_html(
                "Dear Lee,\nthank you.\n".to_owned(),
                "<p>Dear Lee,</p><p>thank you.</p>".to_owned(),
            ))
            .expect("message")
    }

    #[test]
    fn env_overrides_file_field_by_field() {
        let s = SmtpSettings::resolve(
            Some(file_settings()),
            env_of(&[
                ("WALKAWAY_SMTP_HOST", "mail.other.example"),
                ("WALKAWAY_SMTP_USERNAME", ""),
            ]),
        )
        .expect("resolves");
        assert_eq!(s.host, "mail.other.example");
        assert_eq!(s.port, Some(587));
        assert_eq!(s.security, Security::StartTls);
        assert_eq!(
            s.username.as_deref(),
            Some("dana"),
            "empty variable = unset"
        );
        assert_eq!(s.from.as_deref(), Some("dana@northwind.example"));

        let s = SmtpSettings::resolve(
            Some(file_settings()),
            env_of(&[
                ("WALKAWAY_SMTP_PORT", "465"),
                ("WALKAWAY_SMTP_SECURITY", "TLS"),
                ("WALKAWAY_SMTP_USERNAME", "sam"),
            ]),
        )
        .expect("resolves");
        assert_eq!((s.port, s.security), (Some(465), Security::Tls));
        assert_eq!(s.username.as_deref(), Some("sam"));
    }

    #[test]
    fn env_alone_and_defaults() {
        let s = SmtpSettings::resolve(None, env_of(&[("WALKAWAY_SMTP_HOST", "smtp.example.com")]))
            .expect("resolves");
        assert_eq!((s.port, s.security), (None, Security::StartTls));
        assert_eq!(s.server(), "smtp.example.com:587");
        let s = SmtpSettings::resolve(
            None,
            env_of(&[
                ("WALKAWAY_SMTP_HOST", "smtp.example.com"),
                ("WALKAWAY_SMTP_PORT", "465"),
            ]),
        )
        .expect("resolves");
        assert_eq!(s.security, Security::Tls);
        assert_eq!(Security::None.default_port(), 25);
        let s = SmtpSettings::resolve(None, env_of(&[("WALKAWAY_SMTP_HOST", "::1")]))
            .expect("resolves");
        assert_eq!(s.server(), "[::1]:587");
    }

    #[test]
    fn bad_settings_are_explained() {
        let err = |pairs: &[(&str, &str)]| {
            SmtpSettings::resolve(None, env_of(pairs)).expect_err("should fail")
        };
        assert!(err(&[]).contains("no SMTP server is configured"));
        let e = err(&[
            ("WALKAWAY_SMTP_HOST", "h.example"),
            ("WALKAWAY_SMTP_PORT", "smtp"),
        ]);
        assert_eq!(
            e,
            "WALKAWAY_SMTP_PORT is `smtp`, not a port number (1-65535)"
        );
        let e = err(&[
            ("WALKAWAY_SMTP_HOST", "h.example"),
            ("WALKAWAY_SMTP_SECURITY", "ssl"),
        ]);
        assert!(e.contains("use tls, starttls or none"), "{e}");
        assert!(err(&[("WALKAWAY_SMTP_HOST", "smtps://h.example")]).contains("URL"));
        assert!(err(&[("WALKAWAY_SMTP_HOST", "h.example:587")]).contains("includes a port"));
    }

    #[test]
    fn loopback_is_recognised_by_name() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "smtp.example.com",
            "10.0.0.1",
            "localhost.example.com",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn security_none_to_a_remote_host_is_refused_before_connecting() {
        // A listener that records whether anyone connected.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let settings = SmtpSettings {
            host: "smtp.example.com".into(),
            port: Some(listener.local_addr().expect("addr").port()),
            security: Security::None,
            username: Some("dana".into()),
            from: None,
        };
        let started = Instant::now();
        let err = send(&message("lee@acme.example"), &settings, Some(PASSWORD)).unwrap_err();
        assert!(matches!(err, SendError::Settings(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("only allowed for a loopback host"), "{text}");
        assert!(text.contains("smtp.example.com"), "{text}");
        assert!(!text.contains(PASSWORD));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "no DNS, no connection"
        );
    }

    #[test]
    fn missing_password_or_username_is_refused() {
        let err = send(&message("lee@acme.example"), &local(9, Some("dana")), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the SMTP username dana is set but WALKAWAY_SMTP_PASSWORD is not"
        );
        let err = send(
            &message("lee@acme.example"),
            &local(9, None),
            Some(PASSWORD),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("WALKAWAY_SMTP_PASSWORD is set but no SMTP username")
        );
    }

    #[test]
    fn refused_connection_is_one_clear_line() {
        // Bind to learn a free port, then close it: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let err = send(
            &message("lee@acme.example"),
            &local(port, Some("dana")),
            Some(PASSWORD),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("could not connect to 127.0.0.1:{port}: connection refused")
        );
    }

    #[test]
    fn password_is_scrubbed_from_server_text() {
        let scrub = Scrub(Some(PASSWORD));
        let shown = clean(
            &format!("535 no\r\n\x1b[31muser dana pass {PASSWORD}"),
            &scrub,
        );
        assert_eq!(shown, "535 no [31muser dana pass ********");
    }

    // ---- against a real SMTP server on loopback (aiosmtpd) ----

    /// A running `tests/smtp_sink.py`; it exits when we drop its stdin.
    struct Sink {
        child: Child,
        stdin: Option<ChildStdin>,
        port: u16,
        out: PathBuf,
    }

    impl Drop for Sink {
        fn drop(&mut self) {
            drop(self.stdin.take());
            let _ = self.child.kill();
            let _ = self.child.wait();
            let _ = std::fs::remove_dir_all(&self.out);
        }
    }

    impl Sink {
        /// Starts the sink, or returns `None` (after saying why) when python3 or
        /// aiosmtpd is missing, except under CI=true, where that is a failure.
        fn start(name: &str, extra: &[&str]) -> Option<Sink> {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
            let have = Command::new("python3")
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !have {
                let why = "python3 with aiosmtpd is needed (pip install aiosmtpd)";
                assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
                eprintln!("skipping {name}: {why}");
                return None;
            }
            let out =
                std::env::temp_dir().join(format!("walkaway-smtp-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&out);
            std::fs::create_dir_all(&out).expect("sink dir");
            let mut child = Command::new("python3")
                .arg(&script)
                .arg("--out")
                .arg(&out)
                .args(extra)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start smtp_sink.py");
            let stdin = child.stdin.take();
            let mut line = String::new();
            let stdout = child.stdout.take().expect("stdout");
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("READY line");
            let port = line
                .strip_prefix("READY ")
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or_else(|| panic!("smtp_sink.py did not start: {line:?}"));
            Some(Sink {
                child,
                stdin,
                port,
                out,
            })
        }

        fn received(&self) -> Vec<(String, String)> {
            let mut found = Vec::new();
            for n in 1.. {
                let eml = self.out.join(format!("{n}.eml"));
                let Ok(eml) = std::fs::read_to_string(&eml) else {
                    break;
                };
                let meta =
                    std::fs::read_to_string(self.out.join(format!("{n}.json"))).expect("metadata");
                found.push((eml, meta));
            }
            found
        }
    }

    #[test]
    fn delivers_to_a_real_server_with_login() {
        let Some(sink) = Sink::start("login", &["--auth", &format!("dana:{PASSWORD}")]) else {
            return;
        };
        let msg = message("lee.park@acme.example");
        send(&msg, &local(sink.port, Some("dana")), Some(PASSWORD)).expect("sent");

        let got = sink.received();
        assert_eq!(got.len(), 1);
        let (eml, meta) = &got[0];
        assert!(
            meta.contains(r#""mail_from": "dana@northwind.example""#),
            "{meta}"
        );
        assert!(
            meta.contains(r#""rcpt_tos": ["lee.park@acme.example"]"#),
            "{meta}"
        );
        assert!(meta.contains(r#""login": "dana""#), "{meta}");
        // What arrived is the message, byte for byte (the server may add a trailing
        // CRLF handling difference, so compare on the formatted text).
        let sent = String::from_utf8(msg.formatted()).expect("ascii");
        assert_eq!(eml.trim_end(), sent.trim_end());
        let parsed = mail_parser::MessageParser::default()
            .parse(eml.as_bytes())
            .expect("parses");
        assert_eq!(parsed.subject(), Some("Łódź — next steps"));
        assert_eq!(
            parsed.from().and_then(|a| a.first()).and_then(|a| a.name()),
            Some("Zoë Łukasiewicz")
        );
        assert_eq!(
            parsed
                .body_text(0)
                .as_deref()
                .map(|t| t.replace("\r\n", "\n")),
            Some("Dear Lee,\nthank you.\n".to_owned())
        );
        assert_eq!(
            parsed.body_html(0).as_deref(),
            Some("<p>Dear Lee,</p><p>thank you.</p>")
        );
    }

    #[test]
    fn envelope_sender_from_settings() {
        let Some(sink) = Sink::start("from", &[]) else {
            return;
        };
        let mut settings = local(sink.port, None);
        settings.host = "localhost".into();
        settings.from = Some("bounces@northwind.example".into());
        send(&message("lee@acme.example"), &settings, None).expect("sent");
        let got = sink.received();
        assert!(
            got[0]
                .1
                .contains(r#""mail_from": "bounces@northwind.example""#)
        );
    }

    #[test]
    fn bad_login_is_one_clear_line_without_the_password() {
        let Some(sink) = Sink::start("badlogin", &["--auth", "dana:another-secret"]) else {
            return;
        };
        let err = send(
            &message("lee@acme.example"),
            &local(sink.port, Some("dana")),
            Some(PASSWORD),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the SMTP server rejected the login for user dana \
             (535 5.7.8 Authentication credentials invalid)"
        );
        assert!(!format!("{err} {err:?}").contains(PASSWORD));
        assert!(sink.received().is_empty());
    }

    #[test]
    fn rejected_recipient_is_named() {
        let Some(sink) = Sink::start("rcpt", &["--reject-rcpt", "lee@acme.example"]) else {
            return;
        };
        let err = send(&message("lee@acme.example"), &local(sink.port, None), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the SMTP server rejected recipient lee@acme.example \
             (550 5.1.1 <lee@acme.example>: mailbox unavailable)"
        );
        assert!(sink.received().is_empty());
    }

    #[test]
    fn encryption_failures_send_nothing() {
        let Some(sink) = Sink::start("tls", &["--auth", &format!("dana:{PASSWORD}")]) else {
            return;
        };
        // The sink offers no STARTTLS: required STARTTLS must stop before the login.
        let mut settings = local(sink.port, Some("dana"));
        settings.security = Security::StartTls;
        let err = send(&message("lee@acme.example"), &settings, Some(PASSWORD)).unwrap_err();
        assert!(matches!(err, SendError::Tls { .. }), "{err:?}");
        assert!(err.to_string().contains("does not offer STARTTLS"), "{err}");

        // Implicit TLS against a plain-text server: the handshake fails.
        settings.security = Security::Tls;
        let err = send(&message("lee@acme.example"), &settings, Some(PASSWORD)).unwrap_err();
        assert!(matches!(err, SendError::Tls { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "could not set up encryption with 127.0.0.1:{}",
                sink.port
            )),
            "{text}"
        );
        assert!(!text.contains(PASSWORD));
        assert!(sink.received().is_empty());
    }

    #[test]
    fn untrusted_certificates_are_refused() {
        // The sink's certificate is self-signed: a real handshake (rustls with ring)
        // happens and fails on verification, before any login or message.
        for mode in ["implicit", "starttls"] {
            let args = ["--tls", mode, "--auth", &format!("dana:{PASSWORD}")];
            let Some(sink) = Sink::start(&format!("tls-{mode}"), &args) else {
                return;
            };
            let mut settings = local(sink.port, Some("dana"));
            settings.host = "localhost".into();
            settings.security = if mode == "implicit" {
                Security::Tls
            } else {
                Security::StartTls
            };
            let err = send(&message("lee@acme.example"), &settings, Some(PASSWORD)).unwrap_err();
            assert!(matches!(err, SendError::Tls { .. }), "{mode}: {err:?}");
            let text = err.to_string();
            assert!(
                text.ends_with(
                    "the server's certificate is refused: it is not signed by an authority \
                     this system trusts (UnknownIssuer)"
                ),
                "{mode}: {text}"
            );
            assert!(!text.contains(PASSWORD));
            assert!(sink.received().is_empty());
        }
    }
}
