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

mod error;
mod settings;
#[cfg(test)]
mod tests;

pub use error::SendError;
use error::{Scrub, cause, clean, connect_error, reply, reply_or_cause, tls_reason};
pub use settings::{Security, SmtpSettings};
use settings::{bare_host, check_host, is_loopback, parse_address};

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
