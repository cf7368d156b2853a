//! The schemas of a project's other files: `walkaway.yaml` (`src/config.rs`)
//! and the rule fixtures, `*.test.yaml` (`src/fixture/load.rs`). That the
//! files they name exist, and that a fixture's rule ids are rules of its rules
//! file, draft-07 cannot say: the loaders say it, at its line.

use serde_json::{Value, json};

use super::parts::{choice, date, list, object, root, text, with, words};
use crate::artifact::{Format, Paper};
use crate::assess::Verdict;
use crate::config::{self, PdfEngine, Security};
use crate::fixture::keys as fixture_keys;
use crate::rules::Stage;
use crate::words::Word;

pub fn config() -> Value {
    let props = vec![
        (
            "rules",
            text(
                "Your rules file, relative to this file, e.g. `rules/house.yaml`. Default: the built-in rules.",
            ),
        ),
        (
            "templates",
            text(
                "A folder of templates that replace the built-in ones by file name, e.g. `templates/` \
                 (`walkaway templates export` writes the built-in ones there to start from). Default: built-in only.",
            ),
        ),
        (
            "out",
            with(
                text(
                    "Where outputs are written, relative to this file, e.g. `out/`. Default: `out` in the current folder.",
                ),
                "examples",
                json!(["out/"]),
            ),
        ),
        (
            "formats",
            list(
                "The formats to write, e.g. `[md, pdf]`. Default: all of them.",
                format(),
            ),
        ),
        (
            "paper",
            with(
                words::<Paper>(
                    "The paper size of the PDFs. Default: a4.",
                    &[
                        ("a4", "A4, 210 × 297 mm (the default)."),
                        ("letter", "US Letter, 8.5 × 11 in."),
                    ],
                ),
                "default",
                json!("a4"),
            ),
        ),
        (
            "pdf_engine",
            with(
                words::<PdfEngine>(
                    "What makes the PDFs. Default: builtin.",
                    &[
                        ("builtin", "walkaway's own PDF engine (the default)."),
                        ("typst", "The Typst compiler, `typst` on your PATH."),
                    ],
                ),
                "default",
                json!("builtin"),
            ),
        ),
        ("smtp", smtp()),
    ];
    debug_assert_eq!(props.len(), config::KEYS.len());
    let body = object(
        "walkaway project file (walkaway.yaml)",
        "Settings for every command run in this folder or below it; command-line options override them.",
        props,
        &[],
    );
    root("config.schema.json", body)
}

/// A format as `Format::parse` reads it: a word or another spelling of one,
/// in any case, with spaces around it.
fn format() -> Value {
    let mut spellings: Vec<&str> = Format::words().collect();
    spellings.extend(Format::ALIASES.iter().map(|(w, _)| *w));
    let explain: Vec<(&str, String)> = spellings
        .iter()
        .map(|w| {
            let what = match Format::from_word(w) {
                Some(Format::Markdown) => "Markdown: prep-pack.md, letter.md",
                Some(Format::Html) => "HTML: prep-pack.html",
                Some(Format::Pdf) => "PDF: prep-pack.pdf, letter.pdf",
                Some(Format::Typst) => "Typst source: prep-pack.typ, letter.typ",
                Some(Format::Email) => "The follow-up e-mail: email.eml",
                Some(Format::Json) | None => "assessment.json",
            };
            (*w, what.to_string())
        })
        .collect();
    let explain: Vec<(&str, &str)> = explain.iter().map(|(w, l)| (*w, l.as_str())).collect();
    let any_case = spellings
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|");
    json!({
        "description": "An output format.",
        "anyOf": [
            choice("An output format.", &spellings, &explain),
            { "type": "string", "pattern": format!("^\\s*({any_case})\\s*$") },
        ],
    })
}

fn smtp() -> Value {
    let props = vec![
        ("host", text("The SMTP server, e.g. `smtp.example.com`.")),
        (
            "port",
            json!({
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "The port, e.g. `587`. Default: 465 for tls, 587 for starttls, 25 for none.",
                "errorMessage": "A port number, 1 to 65535.",
            }),
        ),
        (
            "security",
            words::<Security>(
                "How the connection is protected. Default: from the port (465: tls, else starttls).",
                &[
                    ("tls", "TLS from the first byte (port 465)."),
                    (
                        "starttls",
                        "A plain connection upgraded with STARTTLS, which is required (port 587).",
                    ),
                    (
                        "none",
                        "No encryption: only allowed to this machine (loopback).",
                    ),
                ],
            ),
        ),
        (
            "username",
            text(
                "The login name. The password is read from WALKAWAY_SMTP_PASSWORD only, never from a file.",
            ),
        ),
        (
            "from",
            text(
                "The sender address, e.g. `dana@northwind.example`. Default: the brief's `us.email`.",
            ),
        ),
    ];
    debug_assert_eq!(props.len(), config::SMTP_KEYS.len());
    object(
        "SMTP settings",
        "How `walkaway send` sends the follow-up e-mail. The environment (WALKAWAY_SMTP_HOST, ...) wins, field by field.",
        props,
        &[],
    )
}

pub fn fixture() -> Value {
    let props = vec![
        (
            "brief",
            text("The brief to judge, relative to this file, e.g. `../briefs/acme.yaml`."),
        ),
        (
            "today",
            date("The date to judge it on, e.g. `2026-11-23`. Default: `--today`, else today."),
        ),
        (
            "rules",
            text(
                "The rules file, relative to this file, e.g. `../rules/house.yaml`. Default: as `walkaway check` (walkaway.yaml's rules).",
            ),
        ),
        ("expect", expect()),
    ];
    debug_assert_eq!(props.len(), fixture_keys::FIXTURE.len());
    let body = object(
        "walkaway rule fixture (*.test.yaml)",
        "What the rules must make of one brief: `walkaway test` checks it.",
        props,
        &["brief", "expect"],
    );
    root("fixture.schema.json", body)
}

fn expect() -> Value {
    let ids = |description: &str| {
        let id = text("A rule id: a deal breaker, a red flag, an exit script, or caution_below.");
        json!({
            "description": description,
            "anyOf": [
                { "type": "string", "pattern": "\\S" },
                { "type": "array", "items": id },
            ],
        })
    };
    let mut stages: Vec<&str> = Stage::words().collect();
    stages.push("none");
    let props = vec![
        (
            "verdict",
            words::<Verdict>(
                "The verdict the brief must come to.",
                &[
                    ("walk", "A deal breaker fired."),
                    (
                        "caution",
                        "A high red flag fired, or the score is below caution_below.",
                    ),
                    ("proceed", "Neither."),
                ],
            ),
        ),
        (
            "fired",
            ids("Rules that must fire, e.g. `[walk_below_batna]`."),
        ),
        (
            "not_fired",
            ids("Rules that must not fire, e.g. `[beyond_walk, pays_late]`."),
        ),
        (
            "stage",
            choice(
                "The stage of the exit script that must apply, or `none`.",
                &stages,
                &[
                    ("signal", "Show that something is not working."),
                    ("warn", "Name the behaviour or the gap."),
                    ("pause", "A break, with a condition for resuming."),
                    ("exit_open", "End, door open."),
                    ("exit_closed", "End, door closed."),
                    ("none", "No exit script applies."),
                ],
            ),
        ),
    ];
    debug_assert_eq!(props.len(), fixture_keys::EXPECT.len());
    let mut e = object(
        "Expected",
        "What must hold; give at least one of verdict, fired, not_fired, stage.",
        props,
        &[],
    );
    let given =
        |k: &str| json!({ "required": [k], "properties": { k: { "not": { "type": "null" } } } });
    e["anyOf"] = json!([
        given("verdict"),
        given("fired"),
        given("not_fired"),
        { "required": ["stage"] },
    ]);
    e
}
