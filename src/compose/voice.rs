//! Who writes and to whom: the voice of the letters and lines ("we" for an
//! organisation, "I" for one person, DESIGN §5), the greeting (DESIGN §2:
//! `them.salutation`, else the full name when formal, the first name when
//! warm), and how a sentence names the deal (`topic`).

use serde::Serialize;

use crate::brief::{Brief, Tone};

/// Who speaks in the letters and lines: "we" for an organisation, "I" for a
/// person on their own (DESIGN §5).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Voice {
    pub plural: bool,
    pub we: &'static str,
    #[serde(rename = "We")]
    pub we_cap: &'static str,
    pub our: &'static str,
    #[serde(rename = "Our")]
    pub our_cap: &'static str,
    pub us: &'static str,
    /// "we're" / "I'm".
    pub we_re: &'static str,
    #[serde(rename = "We_re")]
    pub we_re_cap: &'static str,
}

impl Voice {
    pub fn of(b: &Brief) -> Voice {
        if b.us.organisation.is_some() {
            Voice {
                plural: true,
                we: "we",
                we_cap: "We",
                our: "our",
                our_cap: "Our",
                us: "us",
                we_re: "we're",
                we_re_cap: "We're",
            }
        } else {
            Voice {
                plural: false,
                we: "I",
                we_cap: "I",
                our: "my",
                our_cap: "My",
                us: "me",
                we_re: "I'm",
                we_re_cap: "I'm",
            }
        }
    }
}

/// How the letter greets them (DESIGN §2, 0.2): a formal letter "Dear" and
/// `them.salutation`, else their full name; a warm one "Hi" and their first
/// name. A name that is a role ("Counter clerk"), or no name, gets a greeting
/// without one.
pub fn greeting(b: &Brief) -> String {
    let name = b
        .them
        .name
        .as_deref()
        .map(as_addressed)
        .filter(|n| !n.is_empty());
    let person = name.as_deref().filter(|n| is_personal_name(n));
    // "Hiring Manager": greeted by the role when formal, as people write.
    let role = name
        .as_deref()
        .filter(|n| n.chars().next().is_some_and(char::is_uppercase) && is_role(n));
    match b.letter.tone {
        Tone::Formal => match (&b.them.salutation, person, role) {
            (Some(s), _, _) if !s.trim().is_empty() => format!("Dear {},", s.trim()),
            (_, Some(n), _) | (_, _, Some(n)) => format!("Dear {n},"),
            _ => "Dear Sir or Madam,".to_string(),
        },
        // A name in a script without capitals may put the family name first
        // (李 小龍): it is greeted whole rather than guessed at.
        Tone::Warm => match person {
            Some(n) if n.chars().next().is_some_and(caseless) => format!("Hi {n},"),
            Some(n) => format!("Hi {},", first_name(n)),
            None => "Hello,".to_string(),
        },
    }
}

/// A name as a letter addresses it: without what is in brackets ("Lee Park
/// (Sales)"), and given name first ("Smith, John" is John Smith).
fn as_addressed(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    match plain.split_once(',') {
        Some((family, given)) if !given.contains(',') && !given.trim().is_empty() => {
            format!("{} {}", given.trim(), family.trim())
        }
        _ => plain,
    }
}

/// Titles that come before a name and are not the name ("Dr Jane Doe" is
/// Jane), with or without their full stop.
const TITLES: &[&str] = &[
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "sir",
    "dame",
];

/// The first name: the first word that is not a title.
fn first_name(name: &str) -> &str {
    let mut words = name.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let title = w.trim_end_matches('.').to_lowercase();
        if words.peek().is_some() && TITLES.contains(&title.as_str()) {
            continue;
        }
        return w;
    }
    name
}

/// Words that make a name a role or a team, not a person ("Hiring Manager",
/// "Lettings Team").
const ROLES: &[&str] = &[
    "manager",
    "team",
    "department",
    "office",
    "desk",
    "support",
    "sales",
    "recruiter",
    "recruitment",
    "committee",
    "board",
    "services",
    "agency",
    "landlord",
    "lettings",
    "procurement",
    "purchasing",
    "accounts",
    "partner",
    "partners",
];

/// Whether a name ends in a word of a role or team ("Hiring Manager").
fn is_role(name: &str) -> bool {
    name.split_whitespace()
        .last()
        .is_some_and(|w| ROLES.contains(&w.to_lowercase().as_str()))
}

/// A person's name starts and ends with a capitalised word ("Lee Park",
/// "Ludwig van Beethoven"), or is written in a script without capitals
/// (محمد عبد الله, 李 小龍); a role does not ("Counter clerk", "the landlord").
fn is_personal_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    let capital = |w: &&str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || caseless(c))
    };
    !is_role(name) && words.first().is_some_and(capital) && words.last().is_some_and(capital)
}

/// A letter of a script that has no capitals (Arabic, Hebrew, Chinese…).
fn caseless(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

/// How sentences name the deal: the brief's `topic`, else "your proposal".
/// The title is a heading and never pasted into a sentence.
pub fn topic(b: &Brief) -> String {
    b.topic
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("your proposal")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn greet(name: &str, tone: &str) -> String {
        let yaml = format!(
            "title: T\nside: buyer\nthem: {{ name: \"{name}\" }}\nletter: {{ tone: {tone} }}\nterms:\n  - {{ id: price, walk: 10, offer: 9 }}\n"
        );
        let (b, _) = crate::brief::load_str(std::path::Path::new("t.yaml"), &yaml).expect("loads");
        greeting(&b)
    }

    #[test]
    fn names_in_scripts_without_capitals_are_greeted_by_name() {
        assert_eq!(greet("Lee Park", "warm"), "Hi Lee,");
        assert_eq!(greet("Counter clerk", "warm"), "Hello,");
        assert_eq!(greet("Counter clerk", "formal"), "Dear Sir or Madam,");
        assert_eq!(greet("محمد عبد الله", "formal"), "Dear محمد عبد الله,");
        assert_eq!(greet("李 小龍", "warm"), "Hi 李 小龍,");
        assert_eq!(greet("Γιώργος Παπαδόπουλος", "warm"), "Hi Γιώργος,");
    }

    #[test]
    fn names_are_greeted_as_people_write_them() {
        assert_eq!(greet("Smith, John", "warm"), "Hi John,");
        assert_eq!(greet("Smith, John", "formal"), "Dear John Smith,");
        assert_eq!(greet("O'Brien, Pat", "warm"), "Hi Pat,");
        assert_eq!(greet("Dr Jane Doe", "warm"), "Hi Jane,");
        assert_eq!(greet("Dr Jane Doe", "formal"), "Dear Dr Jane Doe,");
        assert_eq!(greet("Lee Park (Sales)", "warm"), "Hi Lee,");
        assert_eq!(greet("Lee Park (Sales)", "formal"), "Dear Lee Park,");
        assert_eq!(greet("Hiring Manager", "warm"), "Hello,");
        assert_eq!(greet("Hiring Manager", "formal"), "Dear Hiring Manager,");
        assert_eq!(greet("the landlord", "formal"), "Dear Sir or Madam,");
    }
}
