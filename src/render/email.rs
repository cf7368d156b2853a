//! The follow-up email as an RFC 5322 message (`email.eml`, and what `send` delivers).
//!
//! `lettre` does the hard parts: header folding, MIME structure and transfer
//! encodings. The RFC 2047 encoding of a subject and of a name outside ASCII is
//! ours (`subject_header`, `mailbox_header`): lettre's breaks them where Python's
//! email package reads a space that is not there. This file decides what goes
//! in and keeps brief text from ever becoming a header: addresses are validated
//! strictly (no CR/LF, no display name, ASCII only), and names and subjects are
//! flattened to one line before lettre sees them.
//!
//! The output is deterministic: the Message-ID and the MIME boundary are derived from
//! the content, so rendering the same brief twice writes the same bytes (snapshots,
//! `watch` not churning files, and `send` delivering exactly the `.eml` on disk).

use std::time::SystemTime;

use lettre::Address;
use lettre::Message;

use crate::address::check_address;
use lettre::message::{Mailbox as LettreMailbox, MultiPart, SinglePart};

pub use crate::address::Mailbox;

/// Everything the message is made of.
#[derive(Debug, Clone)]
pub struct EmailParts<'a> {
    pub from: &'a Mailbox,
    pub to: &'a Mailbox,
    /// One line; CR/LF and other control characters become spaces.
    pub subject: &'a str,
    /// The `text/plain` alternative (UTF-8).
    pub text: &'a str,
    /// The `text/html` alternative (UTF-8), the same content as `text`.
    pub html: &'a str,
    /// The `Date` header: the letter's date, not the time of rendering, so that the
    /// output is reproducible.
    pub date: SystemTime,
}

/// Builds the message: From, To, Subject, Date, Message-ID, MIME-Version and a
/// `multipart/alternative` body (`text/plain` first, then `text/html`, both UTF-8).
///
/// The addresses are checked again here (the brief validation should have caught a
/// bad one already, with its location); the error then names the field.
pub fn build_message(p: &EmailParts) -> Result<Message, String> {
    let from = to_lettre(p.from).map_err(|e| format!("From: {e}"))?;
    let to = to_lettre(p.to).map_err(|e| format!("To: {e}"))?;
    let subject = one_line(p.subject);

    let digest = content_digest(p, &subject);
    // The id names the sender's domain, as RFC 5322 §3.6.4 recommends. The
    // address is ASCII (check_address), so the domain is a valid id-right.
    let message_id = format!("<{digest}.walkaway@{}>", from.email.domain());

    // A boundary must not occur in the parts. The parts are encoded by lettre (often
    // 7bit, i.e. verbatim), so check the raw text and perturb on the (astronomically
    // unlikely) hit, keeping the result deterministic.
    let mut boundary = format!("walkaway-{digest}");
    let mut n = 0u32;
    while p.text.contains(&boundary) || p.html.contains(&boundary) {
        n += 1;
        boundary = format!("walkaway-{digest}-{n}");
    }

    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(SinglePart::plain(p.text.to_owned()))
        .singlepart(SinglePart::html(p.html.to_owned()));

    let mut builder = Message::builder().from(from.clone()).to(to.clone());
    // Replaces lettre's own From and To where the name is not ASCII.
    for (field, m) in [("From", &from), ("To", &to)] {
        if let Some(h) = mailbox_header(field, m) {
            builder = builder.raw_header(h);
        }
    }
    builder
        .raw_header(subject_header(&subject))
        .date(p.date)
        .message_id(Some(message_id))
        .multipart(body)
        .map_err(|e| format!("the email could not be built: {e}"))
}

/// The message as `.eml` bytes (CRLF line endings, 7-bit clean).
pub fn to_eml(msg: &Message) -> Vec<u8> {
    msg.formatted()
}

fn to_lettre(m: &Mailbox) -> Result<LettreMailbox, String> {
    check_address(&m.address)?;
    let address = m
        .address
        .parse::<Address>()
        .map_err(|e| format!("`{}`: {e}", m.address.escape_debug()))?;
    // An empty (or all-whitespace) name means no name, not `"" <addr>`.
    let name = m.name.as_deref().map(one_line).filter(|n| !n.is_empty());
    Ok(LettreMailbox::new(name, address))
}

/// The Subject header. lettre encodes only words with characters a header cannot
/// hold, so a plain-ASCII title such as `=?utf-8?q?Hello?=` would go out as is,
/// and every mail reader would decode it as an encoded word (and show something
/// else than the brief said). It also folds between a plain word and an encoded
/// one, a space that some readers drop ("dlaŁodzi"). A subject with `=?` or
/// any character outside ASCII is therefore encoded whole (RFC 2047, base64),
/// its spaces inside the encoded words, which readers show exactly as written.
fn subject_header(subject: &str) -> lettre::message::header::HeaderValue {
    use lettre::message::header::{HeaderName, HeaderValue};
    let name = HeaderName::new_from_ascii_str("Subject");
    if subject.is_ascii() && !subject.contains("=?") && !has_long_word(subject) {
        return HeaderValue::new(name, subject.to_string());
    }
    let mut encoded = String::new();
    {
        let mut w = email_encoding::headers::writer::EmailWriter::new(
            &mut encoded,
            "Subject: ".len(),
            0,
            false,
        );
        // Writing to a String cannot fail.
        let _ = email_encoding::headers::rfc2047::encode(subject, &mut w);
    }
    HeaderValue::dangerous_new_pre_encoded(name, subject.to_string(), encoded)
}

/// The bytes of a name one encoded word holds: `=?utf-8?b?` and `?=` around 60
/// characters of base64 make 72, within RFC 2047's 75, and `From: ` and the
/// word fit in a 78-character line.
const WORD_BYTES: usize = 45;

/// A From or To header whose name is not ASCII or has a word too long to
/// fold, or `None` (lettre's own is right). lettre splits such a name into encoded words wherever a line fills,
/// often mid-word ("Κωνσταντινοπούλ", "ου"); Python's email package, whose
/// address parser keeps the space between two encoded words where RFC 2047
/// drops it, then reads a space inside the word. Here a name of up to 45 bytes
/// (23 Greek or Cyrillic letters, 15 Chinese) is one encoded word, which every
/// reader reads exactly; a longer one breaks after a space where it has one,
/// so that a reader that keeps the space shows two between whole words.
fn mailbox_header(
    field: &'static str,
    m: &LettreMailbox,
) -> Option<lettre::message::header::HeaderValue> {
    use lettre::message::header::{HeaderName, HeaderValue};
    let name = m
        .name
        .as_deref()
        .filter(|n| !n.is_ascii() || has_long_word(n))?;
    let mut encoded = String::new();
    let mut line = field.len() + ": ".len();
    for (i, chunk) in name_chunks(name).into_iter().enumerate() {
        if i > 0 {
            encoded.push_str("\r\n ");
            line = 1;
        }
        let start = encoded.len();
        encoded.push_str("=?utf-8?b?");
        // Writing to a String cannot fail; 45 bytes are 60 characters of
        // base64, under the 76 at which it would break the line.
        let _ = email_encoding::body::base64::encode(chunk.as_bytes(), &mut encoded);
        encoded.push_str("?=");
        line += encoded.len() - start;
    }
    let address = format!("<{}>", m.email);
    encoded.push_str(if line + 1 + address.len() > 78 {
        "\r\n "
    } else {
        " "
    });
    encoded.push_str(&address);
    Some(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(field),
        m.to_string(),
        encoded,
    ))
}

/// Whether text has a word too long to fold at a space: a header line must
/// stay under 998 characters (RFC 5322), and should under 78. Such text is
/// sent as encoded words, which may break anywhere.
fn has_long_word(text: &str) -> bool {
    text.split(' ').any(|w| w.len() > 60)
}

/// A name cut into pieces of at most `WORD_BYTES`, each ending after a space
/// where the piece has one (not at its start), else at a character boundary.
fn name_chunks(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = name;
    while rest.len() > WORD_BYTES {
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            if i + c.len_utf8() > WORD_BYTES {
                break;
            }
            end = i + c.len_utf8();
        }
        if let Some(space) = rest[..end].rfind(' ').filter(|&at| at > 0) {
            end = space + 1;
        }
        // A first character longer than a piece cannot be: WORD_BYTES > 4.
        let (piece, tail) = rest.split_at(end.max(rest.chars().next().map_or(1, char::len_utf8)));
        out.push(piece);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Flattens text to one header-safe line: control characters (CR, LF, tab...)
/// become spaces, runs of whitespace collapse, the ends are trimmed. lettre would
/// encode a CR/LF rather than let it through, but an encoded line break in a
/// subject is still a surprise to every reader.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 128 bits (hex) identifying this message's content: two FNV-1a passes with
/// different seeds. Not cryptographic; it only needs to be stable across runs and
/// Rust versions (std's hasher is not) and distinct for distinct messages.
fn content_digest(p: &EmailParts, subject: &str) -> String {
    let secs = p
        .date
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let fields: [&[u8]; 9] = [
        p.from.address.as_bytes(),
        p.from.name.as_deref().unwrap_or("").as_bytes(),
        p.to.address.as_bytes(),
        p.to.name.as_deref().unwrap_or("").as_bytes(),
        subject.as_bytes(),
        &secs.to_be_bytes(),
        p.text.as_bytes(),
        p.html.as_bytes(),
        b"walkaway-email-v1",
    ];
    let hash = |seed: u64| {
        let mut h = seed;
        let mut eat = |b: u8| {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        };
        for f in fields {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            (f.len() as u64)
                .to_be_bytes()
                .into_iter()
                .for_each(&mut eat);
            f.iter().copied().for_each(&mut eat);
        }
        h
    };
    format!(
        "{:016x}{:016x}",
        hash(0xcbf2_9ce4_8422_2325),
        hash(0x6c62_272e_07bb_0142)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::{MessageParser, MimeHeaders};
    use std::time::Duration;

    /// 2026-12-03 09:30:00 UTC.
    fn letter_date() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_290_200)
    }

    fn dana() -> Mailbox {
        Mailbox {
            name: Some("Zoë Łukasiewicz".into()),
            address: "dana@northwind.example".into(),
        }
    }

    fn lee() -> Mailbox {
        Mailbox {
            name: Some("Lee Park".into()),
            address: "lee.park@acme.example".into(),
        }
    }

    const TEXT: &str =
        "Dear Lee,\n\nThank you for your time — we will not go ahead.\n\nKind regards\nZoë\n";
    const HTML: &str = "<p>Dear Lee,</p>\n<p>Thank you for your time — we will not go ahead.</p>\n<p>Kind regards<br>Zoë</p>\n";

    fn eml(from: &Mailbox, to: &Mailbox, subject: &str) -> Vec<u8> {
        let msg = build_message(&EmailParts {
            from,
            to,
            subject,
            text: TEXT,
            html: HTML,
            date: letter_date(),
        })
        .expect("builds");
        to_eml(&msg)
    }

    /// The header section, unfolded, as (name, raw value) pairs.
    fn raw_headers(eml: &[u8]) -> Vec<(String, String)> {
        let text = String::from_utf8(eml.to_vec()).expect("7-bit output");
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let mut out: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                out.last_mut().expect("continuation after a header").1 += line;
            } else {
                let (k, v) = line.split_once(':').expect("a header line has a colon");
                out.push((k.to_owned(), v.trim().to_owned()));
            }
        }
        out
    }

    #[test]
    fn a_subject_that_looks_encoded_reads_as_written() {
        for subject in [
            "=?utf-8?q?Hello?=",
            "Re: =?ISO-8859-1?B?SGFsbG8=?= and more",
            "a =?x?q?y?= b =?utf-8?q?=C3=A9?= c — long enough to be folded over more than one header line, surely",
        ] {
            let bytes = eml(&dana(), &lee(), subject);
            let raw = raw_headers(&bytes);
            let value = &raw.iter().find(|(k, _)| k == "Subject").expect("Subject").1;
            assert!(!value.contains(subject), "written verbatim: {value}");
            let msg = MessageParser::default().parse(&bytes).expect("parses");
            assert_eq!(msg.subject(), Some(subject));
            let head = String::from_utf8_lossy(&bytes);
            assert!(head.lines().all(|l| l.len() <= 78), "{head}");
        }
    }

    /// A subject with words outside ASCII is encoded whole, its spaces inside
    /// the encoded words: a fold between a plain word and an encoded one is a
    /// space some readers drop (python's mail-parser read "dlaŁodzi").
    #[test]
    fn a_subject_outside_ascii_is_encoded_whole() {
        let subject = "My decision on dostawę węgla dla Łodzi i Gdańska";
        let bytes = eml(&dana(), &lee(), subject);
        let raw = raw_headers(&bytes);
        let value = &raw.iter().find(|(k, _)| k == "Subject").expect("Subject").1;
        assert!(value.starts_with("=?utf-8?b?"), "{value}");
        assert!(
            value
                .split_whitespace()
                .all(|w| w.starts_with("=?utf-8?b?") && w.ends_with("?=")),
            "a plain word beside an encoded one: {value}"
        );
        let msg = MessageParser::default().parse(&bytes).expect("parses");
        assert_eq!(msg.subject(), Some(subject));
    }

    #[test]
    fn headers_and_parts_parse_back() {
        let bytes = eml(&dana(), &lee(), "Łódź — next steps");
        assert!(bytes.is_ascii(), "the .eml is 7-bit clean");
        let raw = raw_headers(&bytes);
        let raw_value = |name: &str| {
            raw.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("{name} header missing"))
        };
        // RFC 2047 encoded words, not raw UTF-8.
        assert!(raw_value("Subject").starts_with("=?utf-8?"), "{raw:?}");
        assert!(raw_value("From").starts_with("=?utf-8?"), "{raw:?}");
        assert_eq!(raw_value("MIME-Version"), "1.0");
        assert_eq!(raw_value("Date"), "Thu, 03 Dec 2026 09:30:00 +0000");

        let msg = MessageParser::default().parse(&bytes).expect("parses");
        assert_eq!(msg.subject(), Some("Łódź — next steps"));
        let from = msg.from().and_then(|a| a.first()).expect("From");
        assert_eq!(from.name(), Some("Zoë Łukasiewicz"));
        assert_eq!(from.address(), Some("dana@northwind.example"));
        let to = msg.to().and_then(|a| a.first()).expect("To");
        assert_eq!(to.name(), Some("Lee Park"));
        assert_eq!(to.address(), Some("lee.park@acme.example"));
        assert_eq!(
            msg.date().map(|d| d.to_timestamp()),
            Some(1_796_290_200),
            "Date is the letter date"
        );
        let id = msg.message_id().expect("Message-ID");
        assert!(id.ends_with("@northwind.example"), "{id}");

        let ct = msg.content_type().expect("Content-Type");
        assert_eq!(
            (ct.ctype(), ct.subtype()),
            ("multipart", Some("alternative"))
        );
        // parts[0] is the multipart container itself; then plain, then html.
        assert_eq!(msg.parts.len(), 3);
        let plain = &msg.parts[1];
        let html = &msg.parts[2];
        let ct = plain.content_type().expect("part type");
        assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("plain")));
        assert_eq!(ct.attribute("charset"), Some("utf-8"));
        let ct = html.content_type().expect("part type");
        assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("html")));
        assert_eq!(ct.attribute("charset"), Some("utf-8"));
        // Line endings become CRLF on the wire; the text is otherwise intact.
        assert_eq!(
            msg.body_text(0).map(|t| t.replace("\r\n", "\n")).as_deref(),
            Some(TEXT)
        );
        assert_eq!(
            msg.body_html(0).map(|t| t.replace("\r\n", "\n")).as_deref(),
            Some(HTML)
        );
    }

    #[test]
    fn output_is_deterministic_and_distinct() {
        let a = eml(&dana(), &lee(), "Next steps");
        assert_eq!(a, eml(&dana(), &lee(), "Next steps"));
        let b = eml(&dana(), &lee(), "Next steps, again");
        let id = |e: &[u8]| {
            raw_headers(e)
                .into_iter()
                .find(|(k, _)| k == "Message-ID")
                .map(|(_, v)| v)
        };
        assert_ne!(id(&a), id(&b));
    }

    #[test]
    fn no_header_can_be_injected() {
        let evil_from = Mailbox {
            name: Some("Dana\r\nBcc: evil@x.y\r\nX-Evil: 1".into()),
            address: "dana@northwind.example".into(),
        };
        let bytes = eml(&evil_from, &lee(), "Hello\r\nBcc: evil@x.y\nX-Evil: 2");
        let names: Vec<String> = raw_headers(&bytes).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID",
                "MIME-Version",
                "Content-Type"
            ],
            "only the headers we set"
        );
        let msg = MessageParser::default().parse(&bytes).expect("parses");
        assert_eq!(msg.subject(), Some("Hello Bcc: evil@x.y X-Evil: 2"));
        let from = msg.from().and_then(|a| a.first()).expect("From");
        assert_eq!(from.name(), Some("Dana Bcc: evil@x.y X-Evil: 1"));
        assert!(msg.bcc().is_none());
    }

    /// A word too long to fold (a 1,100-character topic, a 300-letter name)
    /// goes out as encoded words: the subject line was 1,110 characters, past
    /// RFC 5322's limit of 998.
    #[test]
    fn a_word_too_long_to_fold_keeps_every_line_short() {
        let word = format!("the-{}-deal", "x".repeat(1100));
        let subject = format!("Our decision on {word}");
        let to = Mailbox {
            name: Some("y".repeat(300)),
            address: "lee.park@acme.example".into(),
        };
        let bytes = eml(&dana(), &to, &subject);
        let text = String::from_utf8(bytes.clone()).expect("7-bit output");
        let longest = text.split("\r\n").map(str::len).max().unwrap_or(0);
        assert!(longest <= 78, "a line of {longest} characters:\n{text}");
        let msg = MessageParser::default().parse(&bytes).expect("parses");
        assert_eq!(msg.subject(), Some(subject.as_str()));
        let name = msg.to().and_then(|a| a.first()).and_then(|a| a.name());
        assert_eq!(name, Some("y".repeat(300).as_str()));
    }

    /// A name outside ASCII reads back whole in mail-parser and in Python's
    /// email package with its strict policy. lettre split "Ζοφία
    /// Κωνσταντινοπούλου" into two encoded words mid-word, and Python read
    /// "Κωνσταντινοπούλ ου".
    #[test]
    fn names_outside_ascii_read_back_whole() {
        let short = "Ζοφία Κωνσταντινοπούλου"; // 44 bytes: one encoded word
        let long = "Παπαχριστοδουλόπουλος Αλεξανδρόπουλος Κωνσταντινίδης";
        let from = Mailbox {
            name: Some(short.into()),
            address: "zofia@northwind.example".into(),
        };
        let to = Mailbox {
            name: Some(long.into()),
            address: "p.a.k@acme.example".into(),
        };
        let bytes = eml(&from, &to, "Next steps");
        let text = String::from_utf8(bytes.clone()).expect("7-bit output");
        assert!(
            text.lines().all(|l| l.len() <= 78),
            "a header line over 78 characters:\n{text}"
        );
        let raw = raw_headers(&bytes);
        let value = |k: &str| raw.iter().find(|(n, _)| n == k).expect(k).1.clone();
        assert_eq!(value("From").matches("=?utf-8?b?").count(), 1, "{text}");
        // Each word of the long name is whole in one encoded word.
        let pieces: Vec<String> = value("To")
            .split_whitespace()
            .filter_map(|w| w.strip_prefix("=?utf-8?b?")?.strip_suffix("?="))
            .map(|b| {
                let header = format!("Subject: =?utf-8?b?{b}?=\r\n\r\n");
                let parsed = MessageParser::default()
                    .parse(header.as_bytes())
                    .expect("parses");
                parsed.subject().expect("decodes").to_owned()
            })
            .collect();
        assert_eq!(
            pieces,
            [
                "Παπαχριστοδουλόπουλος ",
                "Αλεξανδρόπουλος ",
                "Κωνσταντινίδης"
            ]
        );
        let msg = MessageParser::default().parse(&bytes).expect("parses");
        let name = |a: Option<&mail_parser::Address>| {
            a.and_then(|a| a.first())
                .and_then(|a| a.name())
                .map(str::to_owned)
        };
        assert_eq!(name(msg.from()).as_deref(), Some(short));
        assert_eq!(name(msg.to()).as_deref(), Some(long));

        let python = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, email, email.policy\n\
                 m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)\n\
                 for h in ('From', 'To'):\n    print(m[h].addresses[0].display_name)",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut python) = python else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "python3 is missing"
            );
            return;
        };
        use std::io::Write as _;
        python
            .stdin
            .take()
            .expect("stdin")
            .write_all(&bytes)
            .expect("writes");
        let out = python.wait_with_output().expect("runs");
        assert!(out.status.success());
        let out = String::from_utf8(out.stdout).expect("utf-8");
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some(short));
        // Python keeps the space between the encoded words: two spaces, but
        // every word whole.
        let words: Vec<&str> = lines.next().expect("To").split_whitespace().collect();
        assert_eq!(words.join(" "), long);
    }

    #[test]
    fn names_with_specials_stay_one_mailbox() {
        let to = Mailbox {
            name: Some("Park, Lee \"the buyer\" <Acme>".into()),
            address: "lee.park@acme.example".into(),
        };
        let bytes = eml(&dana(), &to, "s");
        let msg = MessageParser::default().parse(&bytes).expect("parses");
        let to = msg.to().expect("To");
        assert_eq!(
            to.iter().count(),
            1,
            "a comma in a name is not a second address"
        );
        let first = to.first().expect("one");
        assert_eq!(first.name(), Some("Park, Lee \"the buyer\" <Acme>"));
        assert_eq!(first.address(), Some("lee.park@acme.example"));

        let nameless = Mailbox {
            name: Some(" \r\n ".into()),
            address: "lee.park@acme.example".into(),
        };
        let raw = raw_headers(&eml(&dana(), &nameless, "s"));
        assert!(raw.contains(&("To".to_owned(), "lee.park@acme.example".to_owned())));
    }

    #[test]
    fn bad_address_is_refused_by_build() {
        let bad = Mailbox {
            name: None,
            address: "lee@acme.example\r\nBcc: evil@x.y".into(),
        };
        let err = build_message(&EmailParts {
            from: &dana(),
            to: &bad,
            subject: "s",
            text: "t",
            html: "h",
            date: letter_date(),
        })
        .unwrap_err();
        assert!(err.starts_with("To: "), "{err}");
    }
}
