//! Why a message was not sent, as one printable line, and the cleaning of server
//! text that goes into it (control characters, length, the password).

use std::error::Error as StdError;
use std::fmt;
use std::io;

use lettre::transport::smtp::Error as SmtpError;

use super::settings::Security;

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

/// The password to remove from anything shown.
pub(super) struct Scrub<'a>(pub(super) Option<&'a str>);

/// Server and OS text made safe to print on one line: control characters (a server
/// could send escape sequences) become spaces, the length is bounded, and the
/// password is masked in case a server echoes what it was sent.
pub(super) fn clean(s: &str, scrub: &Scrub) -> String {
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
pub(super) fn reply(e: &SmtpError, scrub: &Scrub) -> String {
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    clean(&format!("{code} {text}"), scrub)
}

pub(super) fn reply_or_cause(e: &SmtpError, scrub: &Scrub) -> String {
    if e.status().is_some() {
        reply(e, scrub)
    } else {
        cause(e, scrub)
    }
}

/// The most specific description of a non-reply error: a friendly phrase for the
/// common I/O failures, else the innermost cause, without lettre's "network error:"
/// wrapping or the OS's "(os error N)".
pub(super) fn cause(e: &SmtpError, scrub: &Scrub) -> String {
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
pub(super) fn tls_reason(reason: String) -> String {
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

pub(super) fn io_kind(e: &SmtpError) -> Option<io::ErrorKind> {
    let mut source = e.source();
    while let Some(err) = source {
        if let Some(io_err) = err.downcast_ref::<io::Error>() {
            return Some(io_err.kind());
        }
        source = err.source();
    }
    None
}

pub(super) fn connect_error(
    e: &SmtpError,
    security: Security,
    server: &str,
    scrub: &Scrub,
) -> SendError {
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
