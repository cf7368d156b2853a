//! Tests of SMTP delivery, against a real server on loopback (tests/smtp_sink.py).

use super::error::*;
use super::settings::*;
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
    let s =
        SmtpSettings::resolve(None, env_of(&[("WALKAWAY_SMTP_HOST", "::1")])).expect("resolves");
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
        let out = std::env::temp_dir().join(format!("walkaway-smtp-{}-{name}", std::process::id()));
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
