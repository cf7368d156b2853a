//! Loading a rules file: YAML → `Rules`, checked whole before any brief renders:
//! unknown keys, missing titles, duplicate ids, CEL syntax errors and unknown names
//! (located at the line and column inside the `when:` value), Tera syntax errors in
//! the texts.

use std::collections::HashMap;
use std::path::Path;

use super::cond::Condition;
use super::text::{Escape, Text};
use super::*;
use crate::diag::{Diagnostic, Pos};
use crate::fields::Checker;
use crate::yaml::{self, Node, Value};

pub const TOP: &[&str] = &[
    "version",
    "extends",
    "caution_below",
    "deal_breakers",
    "red_flags",
    "exit_scripts",
];
pub const DEAL_BREAKER: &[&str] = &["id", "title", "when", "why"];
pub const RED_FLAG: &[&str] = &["id", "severity", "title", "when", "advice"];
pub const EXIT: &[&str] = &["id", "stage", "priority", "when", "say", "letter"];
pub const LETTER: &[&str] = &["subject", "body"];

/// The built-in rules. They are part of the binary, so a problem in them is a bug:
/// the test suite loads them.
pub fn load_default() -> Result<Rules, Vec<Diagnostic>> {
    load_str(Path::new(DEFAULT_ORIGIN), DEFAULT_RULES, false)
}

/// Load a user rules file (merged over the defaults when it says `extends: default`).
pub fn load_file(path: &Path) -> Result<Rules, Vec<Diagnostic>> {
    let text = yaml::read_file(path).map_err(|d| vec![d])?;
    load_str(path, &text, true)
}

pub fn load_str(path: &Path, text: &str, is_user: bool) -> Result<Rules, Vec<Diagnostic>> {
    let root = yaml::parse_str(path, text).map_err(|d| vec![d])?;
    let mut c = Checker::new(path, text);
    // A user's texts are compiled now, to report their mistakes; the built-in
    // ones when they first render.
    let parsed = read(&mut c, &root, is_user);
    if c.has_errors() {
        return Err(c.diags);
    }
    let Some((mut rules, extends, caution_given)) = parsed else {
        return Err(c.diags);
    };
    if is_user {
        rules.files.push(path.to_path_buf());
    }
    if extends {
        let defaults = load_default()?;
        rules = defaults.extend_with(rules, caution_given);
    }
    Ok(rules)
}

fn read(c: &mut Checker, root: &Node, eager: bool) -> Option<(Rules, bool, bool)> {
    let f = c.fields(root, "the rules file", TOP, &["version"])?;
    if let Some(v) = f.get("version")
        && !matches!(v.value, Value::Int(1))
    {
        c.error(
            v.pos,
            format!("`version` must be 1, found `{}`", v.value),
            Some("this walkaway reads rules format version 1".into()),
        );
    }
    let extends = match f.get("extends") {
        Some(n) => c.choice(n, "`extends`", &["default"]).is_some(),
        None => false,
    };
    let caution_given = f.get("caution_below").is_some();
    let caution_below = f
        .get("caution_below")
        .and_then(|n| c.number(n, "`caution_below`"))
        .unwrap_or(40.0);
    let mut ids: HashMap<String, Pos> = HashMap::new();
    let mut deal_breakers = Vec::new();
    let mut red_flags = Vec::new();
    let mut exit_scripts = Vec::new();
    if let Some(list) = f.get("deal_breakers") {
        for item in c.seq(list, "`deal_breakers`") {
            if let Some(r) = read_rule(c, item, Kind::DealBreaker, &mut ids, eager) {
                deal_breakers.push(r);
            }
        }
    }
    if let Some(list) = f.get("red_flags") {
        for item in c.seq(list, "`red_flags`") {
            if let Some(r) = read_rule(c, item, Kind::RedFlag, &mut ids, eager) {
                red_flags.push(r);
            }
        }
    }
    if let Some(list) = f.get("exit_scripts") {
        for item in c.seq(list, "`exit_scripts`") {
            if let Some(s) = read_exit(c, item, &mut ids, eager) {
                exit_scripts.push(s);
            }
        }
    }
    let rules = Rules {
        caution_below,
        deal_breakers,
        red_flags,
        exit_scripts,
        files: Vec::new(),
    };
    Some((rules, extends, caution_given))
}

fn unique_id(
    c: &mut Checker,
    node: Option<&Node>,
    what: &str,
    ids: &mut HashMap<String, Pos>,
) -> Option<String> {
    let node = node?;
    // The score line is reported (in `check --explain`, fixtures, the pack)
    // under this id; a rule of the same id could not be told from it.
    if node.as_str() == Some(super::SCORE_RULE) {
        c.error(
            node.pos,
            format!(
                "the {what} `id` `{}` is taken by the score line (the score below `caution_below`)",
                super::SCORE_RULE
            ),
            Some("choose another id".into()),
        );
        return None;
    }
    c.unique_id(node, format_args!("the {what} `id`"), "rule", ids)
}

fn read_rule(
    c: &mut Checker,
    node: &Node,
    kind: Kind,
    ids: &mut HashMap<String, Pos>,
    eager: bool,
) -> Option<Rule> {
    let (what, keys, text_key) = match kind {
        Kind::DealBreaker => ("deal breaker", DEAL_BREAKER, "why"),
        Kind::RedFlag => ("red flag", RED_FLAG, "advice"),
    };
    let required: &[&str] = match kind {
        Kind::DealBreaker => &["id", "title", "when"],
        Kind::RedFlag => &["id", "severity", "title", "when"],
    };
    let named = crate::fields::peek_str(node, "id")
        .map_or_else(|| format!("a {what}"), |id| format!("{what} `{id}`"));
    let f = c.fields(node, &named, keys, required)?;
    let id = unique_id(c, f.get("id"), what, ids);
    let label = id
        .as_ref()
        .map_or_else(|| format!("a {what}"), |id| format!("{what} `{id}`"));
    let severity: Option<Severity> = f
        .get("severity")
        .and_then(|n| c.word(n, format_args!("{label} severity")));
    let title = f
        .get("title")
        .and_then(|n| c.text(n, format_args!("{label} title")));
    let when_at = f.get("when").map(|n| n.pos).unwrap_or(f.pos);
    let when = f.get("when").and_then(|n| condition(c, n, false, &label));
    let text = match f.get(text_key) {
        Some(n) => tera_text(
            c,
            n,
            &format!("{label} {text_key}"),
            Escape::None,
            eager,
            false,
        ),
        None => Text::compile(String::new(), Escape::None).ok(),
    };
    Some(Rule {
        id: id?,
        kind,
        severity,
        title: title?,
        when: when?,
        text: text?,
        origin: c.path.to_path_buf(),
        when_at,
    })
}

fn read_exit(
    c: &mut Checker,
    node: &Node,
    ids: &mut HashMap<String, Pos>,
    eager: bool,
) -> Option<ExitScript> {
    let named = crate::fields::peek_str(node, "id").map_or_else(
        || "an exit script".to_string(),
        |id| format!("exit script `{id}`"),
    );
    let f = c.fields(node, &named, EXIT, &["id", "stage", "when"])?;
    let id = unique_id(c, f.get("id"), "exit script", ids);
    let label = id.as_ref().map_or_else(
        || "an exit script".to_string(),
        |id| format!("exit script `{id}`"),
    );
    let stage: Option<Stage> = f
        .get("stage")
        .and_then(|n| c.word(n, format_args!("{label} stage")));
    let priority = match f.get("priority") {
        Some(n) => match n.value {
            Value::Int(i) => i,
            _ => {
                c.error(
                    n.pos,
                    format!(
                        "{label} priority must be a whole number, found `{}`",
                        n.value
                    ),
                    None,
                );
                0
            }
        },
        None => 0,
    };
    let when_at = f.get("when").map(|n| n.pos).unwrap_or(f.pos);
    let when = f.get("when").and_then(|n| condition(c, n, true, &label));
    let mut say = Vec::new();
    if let Some(n) = f.get("say") {
        let items: Vec<Node> = match &n.value {
            Value::Seq(items) => items.clone(),
            _ => vec![n.clone()],
        };
        for item in &items {
            if let Some(s) = tera_text(
                c,
                item,
                &format!("a `say` line of {label}"),
                Escape::None,
                eager,
                true,
            ) {
                say.push(s);
            }
        }
    }
    let letter = f.get("letter").and_then(|n| {
        let lf = c.fields(
            n,
            format_args!("the letter of {label}"),
            LETTER,
            &["subject", "body"],
        )?;
        let subject = lf.get("subject").and_then(|s| {
            tera_text(
                c,
                s,
                &format!("{label} letter subject"),
                Escape::None,
                eager,
                true,
            )
        });
        let body = lf.get("body").and_then(|b| {
            tera_text(
                c,
                b,
                &format!("{label} letter body"),
                Escape::Markdown,
                eager,
                true,
            )
        });
        Some(LetterText {
            subject: subject?,
            body: body?,
        })
    });
    Some(ExitScript {
        id: id?,
        stage: stage?,
        priority,
        when: when?,
        say,
        letter,
        origin: c.path.to_path_buf(),
        when_at,
    })
}

/// Compile a `when:` condition; errors are placed inside the YAML value. The
/// condition remembers where it is, for failures at evaluation.
fn condition(c: &mut Checker, node: &Node, exit: bool, label: &str) -> Option<Condition> {
    let source = match &node.value {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        _ => {
            c.error(
                node.pos,
                format!(
                    "a condition must be text (a CEL expression), found {}",
                    node.value.kind()
                ),
                None,
            );
            return None;
        }
    };
    match Condition::compile(&source, exit) {
        Ok(cond) => {
            let at = Diagnostic::error(c.path, Some(node.pos), "").with_source(c.source);
            Some(cond.locate(at, &format!("the condition of {label}")))
        }
        Err(errors) => {
            for e in errors {
                let pos = pos_in_value(c.source, node.pos, e.offset, &source);
                let message = if e.names_rule {
                    format!("the condition of {label}: {}", e.message)
                } else {
                    e.message
                };
                c.error(pos, message, e.hint);
            }
            None
        }
    }
}

/// Where a character offset inside a scalar's text lies in the file. The scalar
/// starts at `at` (after its opening quote, if any); its text then runs along the
/// file's lines: a line break in the text (a literal block) or the end of a file
/// line (a folded or plain scalar, where the break became a space) moves to the
/// next line, past its indentation.
fn pos_in_value(source: &str, at: Pos, offset: usize, text: &str) -> Pos {
    let lines: Vec<Vec<char>> = source.lines().map(|l| l.chars().collect()).collect();
    let mut line = at.line;
    let mut col = at.col;
    if matches!(
        lines.get(line - 1).and_then(|l| l.get(col - 1)),
        Some('\'' | '"')
    ) {
        col += 1;
    }
    for ch in text.chars().take(offset) {
        let len = lines.get(line - 1).map_or(0, Vec::len);
        if ch == '\n' || col > len {
            line += 1;
            let next = lines.get(line - 1).map_or(&[][..], Vec::as_slice);
            col = next.iter().take_while(|c| **c == ' ').count() + 1;
            continue;
        }
        col += 1;
    }
    Pos { line, col }
}

/// A Tera text: compiled now (a syntax error is reported here), rendered per
/// brief later.
fn tera_text(
    c: &mut Checker,
    node: &Node,
    what: &str,
    escape: Escape,
    eager: bool,
    exit: bool,
) -> Option<Text> {
    let text = c.text(node, what)?;
    if !eager {
        return Some(Text::deferred(text, escape));
    }
    // A name the text is not given is an error here, located, before any
    // brief renders it (DESIGN §4).
    let names = super::text::unknown_names(&text, exit);
    let fields = super::text::unknown_fields(&text);
    let unknown: Vec<(usize, String, Option<String>, &str)> = names
        .into_iter()
        .map(|(a, n, h)| (a, n, h, "a name rule texts are given"))
        .chain(
            fields
                .into_iter()
                .map(|(a, n, h)| (a, n, h, "a field of any value rule texts are given")),
        )
        .collect();
    for (at, name, hint, kind) in &unknown {
        let offset = text[..*at].chars().count();
        let pos = pos_in_value(c.source, node.pos, offset, &text);
        c.error(pos, format!("{what}: `{name}` is not {kind}"), hint.clone());
    }
    if !unknown.is_empty() {
        return None;
    }
    let source = text.clone();
    match Text::compile(text, escape) {
        Ok(t) => Some(t),
        Err(e) => {
            // Placed where it is in the file, not at the start of the text.
            let pos = e.at.map_or(node.pos, |(line, col)| {
                let offset = super::cond::offset_of(&source, line, col);
                pos_in_value(c.source, node.pos, offset, &source)
            });
            c.error(
                pos,
                format!("{what} is not a valid Tera template: {}", e.message),
                None,
            );
            None
        }
    }
}
