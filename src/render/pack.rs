//! The template context of a prep pack and a letter: the evaluation context, the
//! brief as written, the assessment, and what the templates lay out (table rows
//! with values written as people write them, the concession plan, the checklist,
//! the offer history, the exit script's words).

use serde_json::{Map, Value, json};

use crate::assess::derive::{describe, format_number, format_score, score, want_ref, wish_ref};
use crate::assess::{Assessment, Verdict};
use crate::brief::{Authority, Brief, From, Term, TermKind, TermValue};
use crate::render::texts::with_unit;
use crate::rules::Stage;

/// The line of the prep pack where the PDF and HTML draw the term gauges.
pub const GAUGES_MARKER: &str = "<!-- walkaway:gauges -->";

pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Walk => "Walk away",
        Verdict::Caution => "Caution",
        Verdict::Proceed => "Proceed",
    }
}

/// One line saying why the verdict is what it is.
pub fn headline(a: &Assessment, caution_below: f64) -> String {
    match a.verdict {
        Verdict::Walk => match a.deal_breakers.first() {
            Some(d) => format!("{}.", d.title.trim_end_matches('.')),
            None => "A deal breaker fired.".into(),
        },
        Verdict::Caution => {
            let high: Vec<&str> = a
                .red_flags
                .iter()
                .filter(|f| f.severity == crate::rules::Severity::High)
                .map(|f| f.title.as_str())
                .collect();
            if let Some(first) = high.first() {
                format!("{}.", first.trim_end_matches('.'))
            } else {
                match a.score {
                    Some(s) => format!(
                        "The deal scores {} (below {}).",
                        format_score(s),
                        format_number(caution_below)
                    ),
                    None => "Proceed with care.".into(),
                }
            }
        }
        Verdict::Proceed => match a.score {
            Some(s) => format!(
                "The deal scores {} and no deal breaker or serious red flag fired.",
                format_score(s)
            ),
            None => "No deal breaker or serious red flag fired.".into(),
        },
    }
}

pub fn stage_label(s: Stage) -> &'static str {
    match s {
        Stage::Warn => "Warn",
        Stage::Pause => "Pause",
        Stage::ExitOpen => "Exit, door open",
        Stage::ExitClosed => "Exit, door closed",
    }
}

fn value_text(t: &Term, v: Option<TermValue>) -> String {
    v.map_or_else(String::new, |v| {
        with_unit(&describe(v, t), t.unit.as_deref())
    })
}

/// The steps from wish toward want, never past walk.
fn concession_steps(t: &Term) -> Vec<String> {
    let wish = wish_ref(t);
    let want = want_ref(t);
    match (&t.kind, wish, want) {
        (TermKind::Number { .. }, TermValue::Number(a), TermValue::Number(b)) => {
            let mut steps = vec![value_text(t, Some(wish))];
            if a != b {
                // Concede in shrinking steps: half-way, then most of the rest, then
                // want; rounded to the precision the brief writes its values in.
                let scale = 10f64.powi(decimals(a).max(decimals(b)));
                let round = |x: f64| (x * scale).round() / scale;
                for x in [round(a + (b - a) * 0.5), round(a + (b - a) * 0.8), b] {
                    let s = value_text(t, Some(TermValue::Number(x)));
                    if !steps.contains(&s) {
                        steps.push(s);
                    }
                }
            }
            steps
        }
        (TermKind::Choice { options }, TermValue::Choice(a), TermValue::Choice(b)) => (a.min(b)
            ..=b.max(a))
            .filter_map(|i| options.get(i).cloned())
            .collect(),
        _ => vec![value_text(t, Some(wish))],
    }
}

/// How many decimals a value is written with (at most 4).
fn decimals(x: f64) -> i32 {
    (0..4)
        .find(|d| {
            let s = 10f64.powi(*d);
            ((x * s).round() - x * s).abs() < 1e-9
        })
        .unwrap_or(4)
}

fn gap_text(t: &Term, gap: Option<f64>) -> String {
    match (gap, &t.kind) {
        (None, _) => String::new(),
        (Some(g), TermKind::Choice { .. }) => {
            let n = g.abs();
            let word = if n == 1.0 { "step" } else { "steps" };
            format!(
                "{}{} {word}",
                if g < 0.0 { "−" } else { "" },
                format_number(n)
            )
        }
        (Some(g), TermKind::YesNo) => {
            if g < 0.0 {
                "not met".into()
            } else {
                "met".into()
            }
        }
        (Some(g), _) => {
            let s = with_unit(&format_number(g.abs()), t.unit.as_deref());
            if g < 0.0 { format!("−{s}") } else { s }
        }
    }
}

/// The full context for the prep pack and letter templates.
pub fn context(
    b: &Brief,
    a: &Assessment,
    caution_below: f64,
    today: jiff::civil::Date,
) -> Map<String, Value> {
    let mut ctx = a.context.clone();
    let batna_alt = a
        .batna
        .as_ref()
        .and_then(|bt| b.alternatives.iter().find(|x| x.name == bt.name));
    let rows: Vec<Value> = b
        .terms
        .iter()
        .zip(&a.terms)
        .enumerate()
        .map(|(i, (t, r))| {
            let batna_value =
                batna_alt.and_then(|alt| alt.terms.iter().find(|(j, _)| *j == i).map(|(_, v)| *v));
            json!({
                "id": t.id,
                "label": t.label,
                "unit": t.unit,
                "wish": value_text(t, t.wish),
                "want": value_text(t, t.want),
                "walk": match (&t.kind, t.walk) {
                    (TermKind::YesNo, TermValue::Bool(true)) => "must have".to_string(),
                    (TermKind::YesNo, TermValue::Bool(false)) => "optional".to_string(),
                    _ => value_text(t, Some(t.walk)),
                },
                "offer": value_text(t, t.offer),
                "batna": value_text(t, batna_value),
                "position": r.position.as_str(),
                "gap": gap_text(t, r.gap_to_walk),
                "score": r.score.map(format_score),
                "weight": format_number(t.weight),
                "deal_breaker": t.deal_breaker,
                "beyond_walk": r.beyond_walk,
                // Where want, the offer and the BATNA sit on the score scale (0 at
                // walk, 100 at wish), for gauges drawn by the templates; a yes/no
                // term has no scale to draw.
                "yes_no": matches!(t.kind, TermKind::YesNo),
                "want_pos": score(t, want_ref(t)),
                "offer_pos": r.score,
                "batna_pos": batna_value.map(|v| score(t, v)),
            })
        })
        .collect();
    let concessions: Vec<Value> = b
        .terms
        .iter()
        .map(|t| {
            json!({
                "label": t.label,
                "steps": concession_steps(t),
                "floor": match t.kind {
                    TermKind::YesNo => "must have".to_string(),
                    _ => value_text(t, Some(t.walk)),
                },
                "tradeable": !t.deal_breaker,
                "yes_no": matches!(t.kind, TermKind::YesNo),
            })
        })
        .collect();
    let history: Vec<Value> = b
        .offers
        .iter()
        .map(|o| {
            let terms: Vec<String> = o
                .terms
                .iter()
                .map(|(i, v)| format!("{}: {}", b.terms[*i].label, value_text(&b.terms[*i], Some(*v))))
                .collect();
            json!({
                "date": o.date.map(|d| d.to_string()).unwrap_or_default(),
                "from": if o.from == From::Us { "us" } else { "them" },
                "who": if o.from == From::Us { b.us.organisation.clone().or(b.us.name.clone()).unwrap_or_else(|| "Us".into()) } else { b.them.organisation.clone().or(b.them.name.clone()).unwrap_or_else(|| "Them".into()) },
                "terms": terms.join("; "),
            })
        })
        .collect();
    let unsigned: Vec<&str> = b
        .stakeholders
        .iter()
        .filter(|s| !s.signed_off)
        .map(|s| s.name.as_str())
        .collect();
    let checklist = vec![
        json!({
            "done": unsigned.is_empty() && !b.stakeholders.is_empty(),
            "item": "Walk-away point agreed with stakeholders",
            "detail": if b.stakeholders.is_empty() { "no stakeholders listed: who else must agree?".to_string() }
                      else if unsigned.is_empty() { "everyone has signed off".to_string() }
                      else { format!("waiting for {}", unsigned.join(", ")) },
        }),
        json!({
            "done": !b.alternatives.is_empty(),
            "item": "Alternatives ready",
            "detail": match (b.alternatives.len(), &a.batna) {
                (0, _) => "no alternative listed: what will you do if this fails?".to_string(),
                (n, Some(bt)) => format!("{n} listed; best: {} (scores {})", bt.name, format_score(bt.score)),
                (n, None) => format!("{n} listed, none priced: add their terms to compare"),
            },
        }),
        json!({
            "done": b.authority == Authority::Full,
            "item": "Counterpart's authority confirmed",
            "detail": match b.authority {
                Authority::Full => "they can sign".to_string(),
                Authority::Limited => "limited: ask who else must approve, before you concede".to_string(),
                Authority::Unknown => "unknown: ask early whether they can sign".to_string(),
            },
        }),
    ];
    let exit = match (&a.exit_script, &a.exit_words) {
        (Some(e), Some(w)) => json!({
            "id": e.id,
            "stage": crate::assess::context::word(&e.stage),
            "stage_label": stage_label(e.stage),
            "say": w.say,
            "subject": w.letter.as_ref().map(|l| l.0.clone()),
        }),
        _ => Value::Null,
    };
    ctx.insert(
        "assessment".into(),
        serde_json::to_value(a).unwrap_or(Value::Null),
    );
    ctx.insert("verdict_label".into(), json!(verdict_label(a.verdict)));
    ctx.insert("headline".into(), json!(headline(a, caution_below)));
    ctx.insert("score_text".into(), json!(a.score.map(format_score)));
    ctx.insert("caution_below".into(), json!(format_number(caution_below)));
    ctx.insert("rows".into(), Value::Array(rows));
    ctx.insert("concessions".into(), Value::Array(concessions));
    ctx.insert("history".into(), Value::Array(history));
    ctx.insert("checklist".into(), Value::Array(checklist));
    ctx.insert("exit".into(), exit);
    ctx.insert("gauges_marker".into(), json!(GAUGES_MARKER));
    ctx.insert("today".into(), json!(today.to_string()));
    ctx.insert(
        "letter_date".into(),
        json!(long_date(super::letter_date(b, today))),
    );
    // The exit script's letter; a forced letter (no exit script, or a script
    // without letter text) gets the neutral holding note.
    let letter = a.exit_words.as_ref().and_then(|w| w.letter.as_ref());
    let subject = letter.map_or_else(|| b.title.clone(), |l| l.0.clone());
    let body = letter.map_or_else(|| super::letter::holding_note(b), |l| l.1.clone());
    ctx.insert("letter_subject".into(), json!(subject));
    ctx.insert("letter_body".into(), json!(body));
    ctx
}

/// "23 November 2026".
pub fn long_date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = MONTHS[usize::try_from(d.month() - 1).unwrap_or(0).min(11)];
    format!("{} {m} {}", d.day(), d.year())
}
