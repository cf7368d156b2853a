//! The rules file's schema (DESIGN §4), key by key as `src/rules/load.rs`
//! reads it. Whether a condition is valid CEL over the evaluation context, a
//! text valid Tera, and an id used once in the file, draft-07 cannot say: the
//! loader says it, at its line, when the rules load.

use serde_json::{Value, json};

use super::parts::{id, list, number, object, root, text, with, words};
use crate::rules::{Severity, Stage, keys as load};

const CONTEXT: &str = "side, relationship, investment, authority, terms, term.<id>, observed, alternatives, \
     options, score, batna_score, leverage, rounds_without_movement, retracted, \
     stakeholders_aligned, days_to_deadline";

pub fn schema() -> Value {
    let props = vec![
        (
            "version",
            json!({
                "const": 1,
                "description": "The rules format version: 1.",
                "errorMessage": "This walkaway reads rules format version 1: write `version: 1`.",
            }),
        ),
        (
            "extends",
            json!({
                "enum": ["default"],
                "description": "`extends: default` adds these rules to the built-in ones; a rule with the id of a built-in one replaces it.",
                "enumDescriptions": ["The built-in rules (walkaway's rules/default.yaml)."],
                "markdownEnumDescriptions": ["The built-in rules (walkaway's `rules/default.yaml`)."],
            }),
        ),
        (
            "caution_below",
            with(
                with(
                    with(
                        number(
                            "A deal scoring below this is `caution` (0 is at walk-away, 100 at wish), e.g. `caution_below: 40`. Default: 40.",
                        ),
                        "default",
                        json!(40),
                    ),
                    // Any finite number: an editor reads `.inf` as a number past these.
                    "maximum",
                    json!(f64::MAX),
                ),
                "minimum",
                json!(-f64::MAX),
            ),
        ),
        (
            "deal_breakers",
            list(
                "Rules that make the verdict walk when their condition holds.",
                rule(
                    "Deal breaker",
                    "A reason to walk away.",
                    "why",
                    "Why this is a deal breaker, as a Tera text over the evaluation context, e.g. \
                     `Their offer on {{ term.price.label }} is past our limit.`",
                ),
            ),
        ),
        (
            "red_flags",
            list(
                "Rules that warn; a high one makes the verdict caution.",
                rule(
                    "Red flag",
                    "A warning sign, with advice.",
                    "advice",
                    "What to do about it, as a Tera text over the evaluation context, e.g. \
                     `Ask what really changes if the date passes.`",
                ),
            ),
        ),
        (
            "exit_scripts",
            list(
                "What to say and write when it is time to withdraw, a step of the ladder each.",
                exit_script(),
            ),
        ),
    ];
    debug_assert_eq!(props.len(), load::TOP.len());
    let body = object(
        "walkaway rules file (version 1)",
        "Deal breakers, red flags and exit scripts: CEL conditions over the evaluation context, Tera texts.",
        props,
        &["version"],
    );
    root("rules.schema.json", body)
}

fn condition(exit: bool) -> Value {
    json!({
        "type": ["string", "boolean"],
        "pattern": "\\S",
        "maxLength": crate::rules::MAX_CONDITION_CHARS,
        "description": format!(
            "A CEL condition, e.g. `\"'false_urgency' in observed\"` or `terms.exists(t, t.beyond_walk && t.deal_breaker)`. \
             It can read: {CONTEXT}{}.",
            if exit { ", and verdict, deal_breakers, red_flags (the ids that fired)" } else { "" }
        ),
        "errorMessage": "A CEL condition, e.g. \"score < 40\" (quote it when it starts with a quote or contains `: `).",
    })
}

fn rule(title: &str, description: &str, text_key: &'static str, text_help: &str) -> Value {
    let red_flag = text_key == "advice";
    let mut props = vec![
        (
            "id",
            id(
                "The rule's id, unique in the file: a-z, 0-9 and _. Test fixtures and `check --explain` name it.",
                &["pays_late", "beyond_walk", "false_urgency"],
            ),
        ),
        (
            "title",
            text("The rule as a heading, e.g. `They have paid late before`."),
        ),
        ("when", condition(false)),
        (text_key, text(text_help)),
    ];
    if red_flag {
        props.push((
            "severity",
            words::<Severity>(
                "How serious it is: a high red flag makes the verdict caution.",
                &[
                    ("low", "Worth noticing."),
                    ("medium", "Worth raising in the meeting."),
                    ("high", "The verdict becomes caution."),
                ],
            ),
        ));
    }
    let (keys, required): (&[&str], &[&str]) = if red_flag {
        (load::RED_FLAG, &["id", "severity", "title", "when"])
    } else {
        (load::DEAL_BREAKER, &["id", "title", "when"])
    };
    debug_assert_eq!(props.len(), keys.len());
    object(title, description, props, required)
}

fn exit_script() -> Value {
    let letter = object(
        "Exit letter",
        "The letter (and follow-up e-mail) for this exit; none is written for `signal`.",
        vec![
            (
                "subject",
                text("The subject line, a Tera text, e.g. `Our {{ topic }}`."),
            ),
            (
                "body",
                text(
                    "The letter, in Markdown and Tera, e.g. `{{ greeting }}` ... `{{ sign_off }}`.",
                ),
            ),
        ],
        &["subject", "body"],
    );
    let say_line = text("A line to say in the room (a Tera text).");
    let props = vec![
        (
            "id",
            id(
                "The exit script's id, unique in the file: a-z, 0-9 and _.",
                &["walk_away", "cooling_off"],
            ),
        ),
        (
            "stage",
            words::<Stage>(
                "The step of the withdrawal ladder this script is for.",
                &[
                    (
                        "signal",
                        "Show, calmly, that something is not working (no letter).",
                    ),
                    (
                        "warn",
                        "Name the behaviour or the gap, and what happens if it goes on.",
                    ),
                    ("pause", "Take a break, with a condition for resuming."),
                    ("exit_open", "End, and leave the door open."),
                    (
                        "exit_closed",
                        "End, and do not invite a return (bad faith).",
                    ),
                ],
            ),
        ),
        (
            "priority",
            json!({
                "type": "integer",
                "default": 0,
                "description": "Of the scripts whose condition holds, the highest priority applies (ties: first in the file). Default: 0.",
                "errorMessage": "A whole number, e.g. 10.",
            }),
        ),
        ("when", condition(true)),
        (
            "say",
            json!({
                "description": "The lines to say in the room, e.g. `[\"I don't think we can get there today.\"]` (one line or a list).",
                "anyOf": [say_line.clone(), { "type": "array", "items": say_line }],
            }),
        ),
        ("letter", letter),
    ];
    debug_assert_eq!(props.len(), load::EXIT.len());
    object(
        "Exit script",
        "What to say, and write, at one step of withdrawing.",
        props,
        &["id", "stage", "when"],
    )
}
