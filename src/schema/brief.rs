//! The brief's schema (DESIGN §2), key by key as `src/brief/` reads it: the
//! keys come from `brief::keys`, the words from the brief's vocabularies, and
//! each term (`term.rs`) is checked as the kind its keys make it (`options`: a
//! choice; `walk: true|false`: yes/no; otherwise numeric), as `brief/terms.rs`
//! decides.

use serde_json::{Value, json};

use super::parts::{boolean, choice, date, line, list, object, root, text, with, words};
use super::term::term;
use crate::brief::{Authority, From, Level, MAX_VALUE, Relationship, Side, Tone, keys};

pub fn schema() -> Value {
    let props = vec![
        (
            "title",
            text(
                "What this negotiation is: the heading of the prep pack, e.g. `Acme Components — 2027 supply renewal`. \
                 It is never pasted into a sentence (that is `topic`).",
            ),
        ),
        (
            "topic",
            with(
                line(
                    "How letters and lines name the deal inside a sentence, e.g. `the 2027 carton supply`. \
                     Default: \"your proposal\".",
                ),
                "default",
                json!("your proposal"),
            ),
        ),
        (
            "date",
            date("The meeting date, e.g. `2026-12-03`. Letters are dated with it."),
        ),
        (
            "side",
            words::<Side>(
                "Which side of the table you are on. It sets which way numeric terms are better \
                 (`better`) unless a term says otherwise.",
                &[
                    ("buyer", "You are buying: a lower price is better for you."),
                    (
                        "seller",
                        "You are selling: a higher price is better for you.",
                    ),
                ],
            ),
        ),
        (
            "us",
            party(
                "Us",
                "You: the person who signs the letters, and the organisation they write for.",
                false,
            ),
        ),
        ("them", party("Them", "The person across the table.", true)),
        (
            "relationship",
            with(
                words::<Relationship>(
                    "Whether you will deal with them again: an ongoing relationship is worth a softer exit. Default: ongoing.",
                    &[
                        ("ongoing", "You will deal with them again (the default)."),
                        ("one_off", "A single deal, e.g. buying a car."),
                    ],
                ),
                "default",
                json!("ongoing"),
            ),
        ),
        (
            "investment",
            with(
                words::<Level>(
                    "How much you have put into this deal already (time, money, hopes). High investment with \
                     no alternative is weak leverage. Default: medium.",
                    &[
                        ("low", "Little invested: easy to walk away."),
                        ("medium", "Some time and effort invested (the default)."),
                        (
                            "high",
                            "A lot invested: beware of staying in for that reason alone.",
                        ),
                    ],
                ),
                "default",
                json!("medium"),
            ),
        ),
        (
            "deadline",
            date(
                "The day by which the deal must be done, e.g. `2026-12-15`; two days before it, a red flag warns of time pressure.",
            ),
        ),
        (
            "terms",
            with(
                list(
                    "What is being negotiated: one entry per term (price, payment days, delivery...). At least one.",
                    term(),
                ),
                "minItems",
                json!(1),
            ),
        ),
        (
            "alternatives",
            list(
                "What you can do if this deal fails (another quote, doing it yourself, waiting). \
                 The best one is your BATNA.",
                alternative(),
            ),
        ),
        (
            "observed",
            list(
                "What you have seen them do, as behaviour ids, e.g. `[false_urgency, retracted_concession]`. \
                 Any id is allowed (your rules may define their own); the built-in rules know these.",
                observed(),
            ),
        ),
        (
            "offers",
            list(
                "The history of offers, oldest first: theirs and yours. It shows whether they move, \
                 take concessions back, and where they may stop.",
                offer(),
            ),
        ),
        (
            "stakeholders",
            list(
                "The people on your side who must agree to the walk-away point before the meeting.",
                stakeholder(),
            ),
        ),
        ("letter", letter()),
        (
            "notes",
            text(
                "Anything else for the prep pack, in Markdown, e.g. what they said in the last call.",
            ),
        ),
    ];
    let body = object(
        "walkaway negotiation brief (schema version 1)",
        "A negotiation brief: your wish, want and walk-away values per term, their latest offer, \
         your alternatives and what you have seen of their behaviour (schema version 1).",
        props,
        &["title", "side", "terms"],
    );
    root("brief.schema.json", body)
}

fn party(title: &str, description: &str, them: bool) -> Value {
    let who = if them { "their" } else { "your" };
    let mut props = vec![
        (
            "name",
            line(&format!(
                "The person's full name, e.g. `{}`.",
                if them { "Lee Park" } else { "Dana Ruiz" }
            )),
        ),
        (
            "organisation",
            text(&format!(
                "{} organisation, e.g. `{}`.{}",
                if them { "Their" } else { "Your" },
                if them {
                    "Acme Components"
                } else {
                    "Northwind Tools"
                },
                if them {
                    ""
                } else {
                    " With it, letters say \"we\"; without it, \"I\"."
                }
            )),
        ),
        (
            "email",
            email(&format!(
                "{who} e-mail address, e.g. `{}`: the follow-up e-mail is {}.",
                if them {
                    "lee.park@acme.example"
                } else {
                    "dana@northwind.example"
                },
                if them { "sent to it" } else { "sent from it" }
            )),
        ),
    ];
    if them {
        props.push((
            "authority",
            with(
                words::<Authority>(
                    "Whether they can agree final terms themselves. Default: unknown.",
                    &[
                        ("full", "They can sign off the deal themselves."),
                        (
                            "limited",
                            "They must ask someone else: a red flag (your concessions may be banked and the deal reopened).",
                        ),
                        ("unknown", "You do not know yet (the default)."),
                    ],
                ),
                "default",
                json!("unknown"),
            ),
        ));
        props.push((
            "salutation",
            line(
                "How a formal letter greets them, e.g. `Mr Berg` or `Dr Osei`. Without it a formal letter \
                 opens \"Dear <full name>,\" and a warm one \"Hi <first name>,\".",
            ),
        ));
    }
    let keys = if them { keys::THEM } else { keys::US };
    debug_assert_eq!(props.len(), keys.len());
    object(title, description, props, &[])
}

/// An e-mail address as `address::check_address` takes it: one bare address,
/// ASCII, no spaces, no name or angle brackets.
fn email(description: &str) -> Value {
    let mut v = text(description);
    v["type"] = json!("string");
    v["pattern"] = json!(
        "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$"
    );
    v["patternErrorMessage"] =
        json!("One plain address, e.g. lee.park@acme.example (no name, no angle brackets).");
    if let Some(o) = v.as_object_mut() {
        o.remove("if");
        o.remove("then");
    }
    v
}

/// `terms: { price: 10.05, payment_days: 45 }` in offers and alternatives. That
/// each id names a term of the brief, with a value of its kind, draft-07
/// cannot say (it cannot look at the brief's own terms).
fn term_values(description: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "propertyNames": {
            "pattern": "^[a-z0-9_]+$",
            "patternErrorMessage": "A term id of this brief.",
        },
        "additionalProperties": {
            "type": ["number", "string", "boolean", "null"],
            "minimum": -MAX_VALUE,
            "maximum": MAX_VALUE,
        },
    })
}

fn alternative() -> Value {
    let props = vec![
        (
            "name",
            text("What the alternative is, e.g. `Beta Parts quote` or `Make in-house from Q3`."),
        ),
        (
            "summary",
            text("A line about it, e.g. `Valid until 2027-01-15`."),
        ),
        (
            "terms",
            term_values(
                "What it gives on the brief's terms, by term id, e.g. `{ price: 10.05, payment_days: 45 }`: \
                 lets walkaway score it and compare the deal with it.",
            ),
        ),
    ];
    debug_assert_eq!(props.len(), keys::ALTERNATIVE.len());
    object(
        "Alternative",
        "Something you can do instead of this deal.",
        props,
        &["name"],
    )
}

/// An observed behaviour: any id; the ones the built-in rules know are offered
/// and explained by the title of the rule that tests for them.
fn observed() -> Value {
    let known = known_behaviours();
    let words: Vec<&str> = known.iter().map(|(id, _)| id.as_str()).collect();
    let explain: Vec<(&str, &str)> = known
        .iter()
        .map(|(id, title)| (id.as_str(), title.as_str()))
        .collect();
    let mut any = text("A behaviour id of your own rules.");
    if let Some(o) = any.as_object_mut() {
        o.remove("description");
    }
    json!({
        "description": "A behaviour you have seen, e.g. `false_urgency`.",
        "anyOf": [choice("A behaviour the built-in rules test for.", &words, &explain), any],
    })
}

/// The observed ids the built-in rules test for, each with the title of the
/// first rule that tests for it.
fn known_behaviours() -> Vec<(String, String)> {
    let Ok(rules) = crate::rules::load_default() else {
        return Vec::new();
    };
    rules
        .mentioned_ids()
        .into_iter()
        .map(|id| {
            let quoted = format!("'{id}'");
            let title = rules
                .rules()
                .find(|r| r.when.source.contains(&quoted))
                .map(|r| r.title.clone())
                .unwrap_or_default();
            (id, title)
        })
        .collect()
}

fn offer() -> Value {
    let props = vec![
        ("date", date("When the offer was made, e.g. `2026-11-09`.")),
        (
            "from",
            words::<From>(
                "Who made the offer.",
                &[
                    (
                        "us",
                        "An offer you made: concession plans open at your last one.",
                    ),
                    (
                        "them",
                        "An offer they made: shows whether they move, and where they may stop.",
                    ),
                ],
            ),
        ),
        (
            "terms",
            term_values(
                "The values offered, by term id, e.g. `{ price: 10.80, payment_days: 30 }`.",
            ),
        ),
    ];
    debug_assert_eq!(props.len(), keys::OFFER.len());
    object(
        "Offer",
        "One offer of the history, theirs or yours.",
        props,
        &["from", "terms"],
    )
}

fn stakeholder() -> Value {
    let props = vec![
        ("name", text("Who, e.g. `Sam Okafor` or `Ops lead`.")),
        ("role", text("Their role, e.g. `CFO`.")),
        (
            "signed_off",
            with(
                boolean("Whether they have agreed to the walk-away point. Default: false."),
                "default",
                json!(false),
            ),
        ),
    ];
    debug_assert_eq!(props.len(), keys::STAKEHOLDER.len());
    object(
        "Stakeholder",
        "Someone on your side whose agreement you need.",
        props,
        &["name"],
    )
}

fn letter() -> Value {
    let props = vec![
        (
            "tone",
            with(
                words::<Tone>(
                    "The register of the letters. Default: warm.",
                    &[
                        ("warm", "\"Hi Tomas,\" ... \"Kind regards\" (the default)."),
                        ("formal", "\"Dear Mr Berg,\" ... \"Yours sincerely\"."),
                    ],
                ),
                "default",
                json!("warm"),
            ),
        ),
        (
            "sign_off",
            text(
                "The closing line above your name, e.g. `Best wishes`. Default: \"Kind regards\" (warm) \
                 or \"Yours sincerely\" (formal).",
            ),
        ),
    ];
    debug_assert_eq!(props.len(), keys::LETTER.len());
    object(
        "Letter",
        "How the walk-away letter and the follow-up e-mail are written.",
        props,
        &[],
    )
}
