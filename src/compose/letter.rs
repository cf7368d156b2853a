//! The walk-away letter of a brief: its subject and body are chosen here, once
//! (the exit script's letter, or the neutral holding note when the rules give
//! none or the letter is forced), with its date, sign-off, and who writes to
//! whom. `letter.md`, `letter.pdf`, `letter.typ`, `email.eml` and `send` all
//! take it from here.

use serde::Serialize;

use super::numbers::long_date;
use super::texts::ExitWords;
use super::voice::{Voice, greeting, topic};
use crate::address::Mailbox;
use crate::brief::{Brief, Party};

#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// One line of plain text.
    #[serde(rename = "letter_subject")]
    pub subject: String,
    /// Markdown, starting with the greeting; brief text in it is escaped.
    #[serde(rename = "letter_body")]
    pub body: String,
    /// "2 December 2026".
    #[serde(rename = "letter_date")]
    pub date_text: String,
    #[serde(skip)]
    pub date: jiff::civil::Date,
    #[serde(skip)]
    pub sign_off: String,
    /// Our name under the sign-off (may be empty).
    #[serde(skip)]
    pub signature: String,
    #[serde(skip)]
    pub sender_lines: Vec<String>,
    #[serde(skip)]
    pub recipient_lines: Vec<String>,
    /// From us to them; why not, when the brief lacks an address.
    #[serde(skip)]
    pub mailboxes: Result<(Mailbox, Mailbox), String>,
}

impl Letter {
    pub fn new(b: &Brief, exit: Option<&ExitWords>, today: jiff::civil::Date) -> Letter {
        let words = exit.and_then(|w| w.letter.as_ref());
        let date = letter_date(b, today);
        Letter {
            subject: words.map_or_else(|| b.title.clone(), |l| l.0.clone()),
            body: words.map_or_else(|| holding_note(b), |l| l.1.clone()),
            date_text: long_date(date),
            date,
            sign_off: b.letter.sign_off.clone(),
            signature: b.us.name.clone().unwrap_or_default(),
            sender_lines: lines(&b.us),
            recipient_lines: lines(&b.them),
            mailboxes: mailboxes(b),
        }
    }
}

fn lines(p: &Party) -> Vec<String> {
    [&p.name, &p.organisation, &p.email]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// The letter's date: the meeting date, or today once the meeting has passed.
pub fn letter_date(b: &Brief, today: jiff::civil::Date) -> jiff::civil::Date {
    b.date.unwrap_or(today).max(today)
}

/// From us to them, or why the brief cannot have an e-mail (no addresses).
fn mailboxes(b: &Brief) -> Result<(Mailbox, Mailbox), String> {
    let from =
        b.us.email
            .clone()
            .ok_or("the brief has no `us.email`: add our address to write the e-mail")?;
    let to = b
        .them
        .email
        .clone()
        .ok_or("the brief has no `them.email`: add their address to write the e-mail")?;
    Ok((
        Mailbox {
            name: b.us.name.clone(),
            address: from,
        },
        Mailbox {
            name: b.them.name.clone(),
            address: to,
        },
    ))
}

/// The body of a letter the rules give no words for (`--letter` without an exit
/// script, or a script without letter text): greeting and a neutral holding
/// note, in the signer's voice.
pub fn holding_note(b: &Brief) -> String {
    let we_are = if Voice::of(b).plural {
        "We are"
    } else {
        "I am"
    };
    format!(
        "{}\n\nThank you for your time discussing {}. {we_are} reviewing where things stand and will come back to you shortly.\n",
        crate::escape::markdown(&greeting(b)),
        crate::escape::markdown(&topic(b))
    )
}
