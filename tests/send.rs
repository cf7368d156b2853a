//! `walkaway send` end to end: the message goes to a real SMTP server on loopback
//! (tests/smtp_sink.py, aiosmtpd), `--dry-run` sends nothing, confirmation is
//! required without `--yes`, and the password never appears in any output.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

const PASSWORD: &str = "pa55-Not-For-Print";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_walkaway")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// A running SMTP sink; it exits when its stdin (held here) is dropped.
struct Sink {
    child: Child,
    _stdin: ChildStdin,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the sink, or None when python3/aiosmtpd are missing outside CI.
fn sink() -> Option<Sink> {
    let have = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !common::tool_available(have, "python3 with aiosmtpd is not installed") {
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--out"])
        .arg(dir.path())
        .args(["--auth", &format!("dana:{PASSWORD}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start smtp_sink.py");
    let stdin = child.stdin.take().expect("stdin");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("READY line");
    let port = line
        .trim()
        .strip_prefix("READY ")
        .and_then(|p| p.parse().ok())
        .expect("READY <port>");
    Some(Sink {
        child,
        _stdin: stdin,
        port,
        dir,
    })
}

fn send(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.arg("send")
        .args(args)
        .args(["--today", "2026-11-23"])
        .stdin(Stdio::null());
    for k in [
        "WALKAWAY_SMTP_HOST",
        "WALKAWAY_SMTP_PORT",
        "WALKAWAY_SMTP_SECURITY",
        "WALKAWAY_SMTP_USERNAME",
        "WALKAWAY_SMTP_PASSWORD",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run walkaway send")
}

fn smtp_env(port: u16, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WALKAWAY_SMTP_HOST", "127.0.0.1".into()),
        ("WALKAWAY_SMTP_PORT", port.to_string()),
        ("WALKAWAY_SMTP_SECURITY", "none".into()),
        ("WALKAWAY_SMTP_USERNAME", "dana".into()),
        ("WALKAWAY_SMTP_PASSWORD", password.into()),
    ]
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn yes_delivers_the_email_to_the_smtp_server() {
    let Some(sink) = sink() else { return };
    let brief = example("supplier-renewal.yaml");
    let out = send(
        &[brief.to_str().expect("utf-8 path"), "--yes"],
        &smtp_env(sink.port, PASSWORD),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("To:      Tomas Berg <tomas.berg@halvorsen.example>"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "password printed: {text}");

    let eml = std::fs::read(sink.dir.path().join("1.eml")).expect("a message arrived");
    let msg = mail_parser::MessageParser::default()
        .parse(&eml)
        .expect("parses");
    assert_eq!(
        msg.subject(),
        Some("Our decision on the 2027 carton supply")
    );
    // Dated when it was sent, not at 09:00 on the letter's date.
    let sent = msg.date().expect("a Date header").to_timestamp();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert!(
        (now - sent).abs() < 600,
        "Date {sent} is not the time of sending {now}"
    );
    assert_eq!(
        msg.from().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("priya.raman@larkfield.example")
    );
    assert_eq!(
        msg.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("tomas.berg@halvorsen.example")
    );
    let body = msg.body_text(0).expect("text part").replace("\r\n", "\n");
    assert!(body.starts_with("Dear Mr Berg,"), "{body}");
    assert!(
        body.trim_end().ends_with("Yours sincerely,\nPriya Raman"),
        "{body}"
    );
    assert!(
        msg.body_html(0)
            .expect("html part")
            .contains("<p>Dear Mr Berg,</p>")
    );
    let meta = std::fs::read_to_string(sink.dir.path().join("1.json")).expect("metadata");
    assert!(meta.contains("\"login\": \"dana\""), "{meta}");
}

#[test]
fn a_wrong_password_is_a_clear_error_that_does_not_print_it() {
    let Some(sink) = sink() else { return };
    let brief = example("supplier-renewal.yaml");
    let out = send(
        &[brief.to_str().expect("utf-8 path"), "--yes"],
        &smtp_env(sink.port, "Wrong-Secret-77"),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("rejected the login for user dana"), "{text}");
    assert!(
        !text.contains("Wrong-Secret-77"),
        "password printed: {text}"
    );
    assert!(!sink.dir.path().join("1.eml").exists());
}

#[test]
fn dry_run_prints_the_message_and_sends_nothing() {
    let brief = example("supplier-renewal.yaml");
    // No SMTP settings at all: a dry run must not need them.
    let out = send(&[brief.to_str().expect("utf-8 path"), "--dry-run"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert!(
        stdout.starts_with("From: \"Priya Raman\" <priya.raman@larkfield.example>\r\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("To: \"Tomas Berg\" <tomas.berg@halvorsen.example>\r\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Content-Type: multipart/alternative;"),
        "{stdout}"
    );
    assert!(!stdout.contains("sent to"));
}

#[test]
fn without_a_terminal_it_refuses_unless_yes() {
    let brief = example("supplier-renewal.yaml");
    let out = send(
        &[brief.to_str().expect("utf-8 path")],
        &smtp_env(9, PASSWORD),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("pass --yes to send"), "{text}");
}

#[test]
fn a_brief_without_an_exit_script_has_nothing_to_send() {
    let brief = example("car-purchase.yaml");
    let out = send(
        &[brief.to_str().expect("utf-8 path"), "--yes"],
        &smtp_env(9, PASSWORD),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("no exit script applies"), "{text}");
}

#[test]
fn unencrypted_smtp_to_a_remote_host_is_refused_before_connecting() {
    let brief = example("supplier-renewal.yaml");
    let env = vec![
        ("WALKAWAY_SMTP_HOST", "smtp.example.com".to_string()),
        ("WALKAWAY_SMTP_SECURITY", "none".to_string()),
    ];
    let out = send(&[brief.to_str().expect("utf-8 path"), "--yes"], &env);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("only allowed for a loopback host"), "{text}");
}
