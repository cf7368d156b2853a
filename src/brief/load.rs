//! Brief loading and validation: YAML text → `Brief`, or every problem in the
//! file, each located (DESIGN §2 "Rules on values").

use std::collections::HashMap;
use std::path::Path;

use super::keys;
use super::*;
use crate::diag::{Diagnostic, Pos, did_you_mean};
use crate::fields::{Checker, Fields, clip};
use crate::yaml::{self, Node, Value};

/// Load a brief file. `Err` holds every error found (and any warnings); `Ok`
/// holds the brief and its warnings.
pub fn load_file(path: &Path) -> Result<(Brief, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (text, node) = yaml::parse_file(path).map_err(|d| vec![d])?;
    from_node(path, &text, &node)
}

pub fn load_str(path: &Path, text: &str) -> Result<(Brief, Vec<Diagnostic>), Vec<Diagnostic>> {
    let node = yaml::parse_str(path, text).map_err(|d| vec![d])?;
    from_node(path, text, &node)
}

fn from_node(
    path: &Path,
    text: &str,
    root: &Node,
) -> Result<(Brief, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut c = Checker::new(path, text);
    let brief = read_brief(&mut c, path, root);
    match brief {
        Some(b) if !c.has_errors() => Ok((b, c.diags)),
        _ => Err(c.diags),
    }
}

fn read_brief(c: &mut Checker, path: &Path, root: &Node) -> Option<Brief> {
    let f = c.fields(root, "the brief", keys::BRIEF, &["title", "side", "terms"])?;
    let title = f.get("title").and_then(|n| c.text(n, "`title`"));
    let topic = f.get("topic").and_then(|n| c.line(n, "`topic`"));
    let side: Option<Side> = f.get("side").and_then(|n| c.word(n, "`side`"));
    let date = f.get("date").and_then(|n| c.date(n, "`date`"));
    let deadline = f.get("deadline").and_then(|n| c.date(n, "`deadline`"));
    let us = f
        .get("us")
        .map(|n| party(c, n, "`us`", keys::US))
        .unwrap_or_default();
    let (them, authority) = match f.get("them") {
        Some(n) => {
            let p = party(c, n, "`them`", keys::THEM);
            let authority = n
                .as_map()
                .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("authority")))
                .filter(|(_, v)| !v.is_null())
                .and_then(|(_, v)| c.word(v, "`them.authority`"))
                .unwrap_or(Authority::Unknown);
            (p, authority)
        }
        None => (Party::default(), Authority::Unknown),
    };
    let relationship = f
        .get("relationship")
        .and_then(|n| c.word(n, "`relationship`"))
        .unwrap_or(Relationship::Ongoing);
    let investment = f
        .get("investment")
        .and_then(|n| c.word(n, "`investment`"))
        .unwrap_or(Level::Medium);

    // Terms come first: offers and alternatives refer to them.
    // Unknown when `side` itself is wrong: then the terms that rely on it are not
    // checked for order, so one typo does not become an error per term.
    let default_better = side.map(|s| match s {
        Side::Seller => Better::Higher,
        Side::Buyer => Better::Lower,
    });
    let terms = match f.get("terms") {
        Some(n) => read_terms(c, n, default_better),
        None => Vec::new(),
    };
    let alternatives = f
        .get("alternatives")
        .map(|n| read_alternatives(c, n, &terms))
        .unwrap_or_default();
    let offers = f
        .get("offers")
        .map(|n| read_offers(c, n, &terms))
        .unwrap_or_default();
    if let Some(n) = f.get("terms") {
        warn_stale_offers(c, n, &terms, &offers);
    }
    let observed = f
        .get("observed")
        .map(|n| read_observed(c, n))
        .unwrap_or_default();
    let stakeholders = f
        .get("stakeholders")
        .map(|n| read_stakeholders(c, n))
        .unwrap_or_default();
    let letter = read_letter(c, &f);
    let notes = f.get("notes").and_then(|n| c.text(n, "`notes`"));

    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief".into());
    Some(Brief {
        name,
        path: path.to_path_buf(),
        source: c.source.to_string(),
        title: title?,
        topic,
        date,
        side: side?,
        us,
        them,
        us_pos: f.get("us").map(|n| n.pos),
        them_pos: f.get("them").map(|n| n.pos),
        authority,
        relationship,
        investment,
        deadline,
        terms,
        alternatives,
        observed,
        offers,
        stakeholders,
        letter,
        notes,
    })
}

fn party(c: &mut Checker, node: &Node, what: &str, known: &[&str]) -> Party {
    let Some(f) = c.fields(node, what, known, &[]) else {
        return Party::default();
    };
    let name = f
        .get("name")
        .and_then(|n| c.text(n, &format!("{what} name")));
    let organisation = f
        .get("organisation")
        .and_then(|n| c.text(n, &format!("{what} organisation")));
    let email = f.get("email").and_then(|n| {
        let s = c.text(n, &format!("{what} email"))?;
        match crate::address::check_address(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                c.error(
                    n.pos,
                    format!("{what} email: {why}"),
                    Some("write a plain address such as lee.park@acme.example".into()),
                );
                None
            }
        }
    });
    if let Some(n) = f.get("name")
        && let Some(s) = n.as_str()
        && s.contains(['\r', '\n'])
    {
        c.error(n.pos, format!("{what} name must be on one line"), None);
    }
    let salutation = f
        .get("salutation")
        .and_then(|n| c.line(n, &format!("{what} salutation")));
    Party {
        name,
        organisation,
        email,
        salutation,
    }
}

fn read_terms(c: &mut Checker, node: &Node, default_better: Option<Better>) -> Vec<Term> {
    let items = c.seq(node, "`terms`");
    if items.is_empty() && node.as_seq().is_some() {
        c.error(node.pos, "`terms` must list at least one term", None);
    }
    let mut seen: HashMap<String, crate::diag::Pos> = HashMap::new();
    let mut terms = Vec::new();
    for (i, item) in items.iter().enumerate() {
        // Name the term by its id in messages when it has a usable one.
        let written_id = crate::fields::peek_str(item, "id").filter(|id| !seen.contains_key(*id));
        let what = written_id.map_or_else(
            || format!("term {}", i + 1),
            |id| format!("term `{}`", clip(id)),
        );
        let Some(f) = c.fields(item, &what, keys::TERM, &["id", "walk"]) else {
            continue;
        };
        let id = f
            .get("id")
            .and_then(|n| c.unique_id(n, "the term `id`", "term", &mut seen));
        if let Some(t) = read_term(c, &f, id, &what, default_better) {
            terms.push(t);
        }
    }
    terms
}

fn read_term(
    c: &mut Checker,
    f: &Fields,
    id: Option<String>,
    what: &str,
    default_better: Option<Better>,
) -> Option<Term> {
    let label = f
        .get("label")
        .and_then(|n| c.text(n, &format!("{what} label")));
    let unit = f
        .get("unit")
        .and_then(|n| c.text(n, &format!("{what} unit")));
    let weight = match f.get("weight") {
        Some(n) => match c.number(n, &format!("{what} weight")) {
            Some(w) if w > MAX_WEIGHT => {
                c.error(
                    n.pos,
                    format!("{what} weight is too large: at most 1,000,000"),
                    Some("weights only compare terms with each other: 1 to 10 is plenty".into()),
                );
                1.0
            }
            Some(w) if w > 0.0 => w,
            Some(w) => {
                c.error(
                    n.pos,
                    format!("{what} weight must be greater than 0, found `{w}`"),
                    Some("leave it out for the default weight of 1".into()),
                );
                1.0
            }
            None => 1.0,
        },
        None => 1.0,
    };
    let deal_breaker = f
        .get("deal_breaker")
        .and_then(|n| c.boolean(n, &format!("{what} deal_breaker")))
        .unwrap_or(true);
    let walk_node = f.get("walk");

    // The kind follows from the keys: `options` make a choice term, a yes/no
    // `walk` a yes/no term, anything else is numeric.
    // Whether "better for us" is known (a numeric term needs `better` or a valid `side`).
    let mut direction_known = true;
    let kind = if let Some(opts) = f.get("options") {
        if let Some(b) = f.get("better") {
            c.error(
                b.pos,
                format!("{what} has `options`: `better` only applies to numeric terms"),
                Some("options are listed best first; remove `better`".into()),
            );
        }
        let mut options = Vec::new();
        let items = c.seq(opts, &format!("{what} options"));
        if items.is_empty() && opts.as_seq().is_some() {
            c.error(
                opts.pos,
                format!("{what} options must list at least one option"),
                None,
            );
        }
        for o in items {
            if let Some(s) = c.text(o, &format!("an option of {what}")) {
                if options.contains(&s) {
                    c.error(
                        o.pos,
                        format!("option `{}` is listed twice in {what}", clip(&s)),
                        None,
                    );
                } else {
                    options.push(s);
                }
            }
        }
        TermKind::Choice { options }
    } else if walk_node.is_some_and(|n| matches!(n.value, Value::Bool(_))) {
        if let Some(b) = f.get("better") {
            c.error(
                b.pos,
                format!("{what} is a yes/no term: `better` only applies to numeric terms"),
                Some("remove `better`".into()),
            );
        }
        TermKind::YesNo
    } else {
        let better = match f.get("better") {
            Some(n) => c.word(n, &format!("{what} better")),
            None => default_better,
        };
        direction_known = better.is_some();
        TermKind::Number {
            better: better.unwrap_or(Better::Lower),
        }
    };

    let mut value = |key: &str| {
        f.get(key)
            .and_then(|n| term_value(c, n, &kind, &format!("{what} {key}")).map(|v| (v, n)))
    };
    let wish = value("wish");
    let want = value("want");
    let walk = value("walk");
    let offer = value("offer");
    let their_walk = match (&kind, f.get("their_walk")) {
        (TermKind::YesNo, Some(n)) => {
            c.error(
                n.pos,
                format!(
                    "{what} is a yes/no term: `their_walk` applies to numeric and choice terms"
                ),
                Some("remove `their_walk`".into()),
            );
            None
        }
        _ => value("their_walk"),
    };
    let decimals = match f.get("decimals") {
        Some(n) => c.count(n, &format!("{what} decimals"), MAX_DECIMALS),
        None => None,
    }
    .unwrap_or_else(|| {
        [&wish, &want, &walk, &offer, &their_walk]
            .into_iter()
            .flatten()
            .filter(|(v, _)| matches!(v, TermValue::Number(_)))
            .map(|(_, n)| crate::fields::written_decimals(c.source, n.pos).min(MAX_DECIMALS))
            .max()
            .unwrap_or(0)
    });

    // Ordering: wish no worse than want, want no worse than walk.
    let probe = Term {
        id: String::new(),
        label: String::new(),
        unit: None,
        kind: kind.clone(),
        wish: None,
        want: None,
        walk: TermValue::Bool(false),
        offer: None,
        their_walk: None,
        weight,
        deal_breaker,
        decimals,
    };
    if direction_known && !matches!(kind, TermKind::YesNo) {
        let limits = [("wish", wish), ("want", want), ("walk", walk)];
        let given: Vec<_> = limits
            .iter()
            .filter_map(|(k, v)| v.map(|(v, n)| (*k, v, n)))
            .collect();
        for pair in given.windows(2) {
            let (ka, va, _) = pair[0];
            let (kb, vb, nb) = pair[1];
            if probe.advantage(va, vb) < 0.0 {
                let dir = match &kind {
                    TermKind::Number {
                        better: Better::Lower,
                    } => format!("lower is better here, so {ka} ≤ {kb}"),
                    TermKind::Number {
                        better: Better::Higher,
                    } => format!("higher is better here, so {ka} ≥ {kb}"),
                    _ => format!("options are best first, so {ka} comes no later than {kb}"),
                };
                let hint = match &kind {
                    TermKind::Number { .. } => Some(format!(
                        "{dir}; if the direction is wrong, set `better: {}`",
                        match &kind {
                            TermKind::Number {
                                better: Better::Lower,
                            } => "higher",
                            _ => "lower",
                        }
                    )),
                    _ => Some(dir.clone()),
                };
                c.error(nb.pos, format!("{what}: `{kb}` is better for us than `{ka}`, but the levels must run wish → want → walk from best to worst"), hint);
            }
        }
    }
    let label = label.or_else(|| id.clone());
    Some(Term {
        id: id?,
        label: label.unwrap_or_default(),
        unit,
        kind,
        wish: wish.map(|v| v.0),
        want: want.map(|v| v.0),
        walk: walk?.0,
        offer: offer.map(|v| v.0),
        their_walk: their_walk.map(|v| v.0),
        weight,
        deal_breaker,
        decimals,
    })
}

/// A term's `offer` is their latest position; when the history's latest offer
/// from them says otherwise, one of the two is out of date. The evaluation
/// uses `offer`: say so, at the term's `offer`.
fn warn_stale_offers(c: &mut Checker, terms_node: &Node, terms: &[Term], offers: &[OfferRound]) {
    for (i, t) in terms.iter().enumerate() {
        let Some(offer) = t.offer else { continue };
        let latest = offers
            .iter()
            .rev()
            .filter(|o| o.from == From::Them)
            .find_map(|o| {
                o.terms
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, v)| (*v, o.date))
            });
        let Some((v, date)) = latest else { continue };
        if v == offer {
            continue;
        }
        let Some(pos) = term_offer_pos(terms_node, &t.id) else {
            continue;
        };
        let shown = |v: TermValue| match v {
            TermValue::Number(x) => crate::fields::plain_number(x),
            TermValue::Choice(k) => match &t.kind {
                TermKind::Choice { options } => options.get(k).cloned().unwrap_or_default(),
                _ => k.to_string(),
            },
            TermValue::Bool(b) => b.to_string(),
        };
        let when = date.map_or_else(String::new, |d| format!(" of {d}"));
        c.warning(
            pos,
            format!(
                "term `{}` offer {} differs from their latest offer in `offers`{when} ({})",
                t.id,
                shown(offer),
                shown(v)
            ),
            Some("the evaluation uses the term's `offer`; update whichever is out of date".into()),
        );
    }
}

/// Where the term with this id writes its `offer`.
fn term_offer_pos(terms_node: &Node, id: &str) -> Option<Pos> {
    terms_node
        .as_seq()?
        .iter()
        .find(|item| crate::fields::peek_str(item, "id") == Some(id))?
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some("offer"))
        .map(|(_, v)| v.pos)
}

/// No term of a negotiation is worth more than this (a quadrillion), and below
/// it every difference and ratio the evaluation takes stays exact enough and
/// finite: a larger value is refused where it is written, rather than giving a
/// quietly wrong score.
const MAX_VALUE: f64 = 1e15;

/// Weights only compare terms with each other.
const MAX_WEIGHT: f64 = 1e6;

/// More decimals than this are not how anyone writes a price or a count.
const MAX_DECIMALS: u32 = 6;

/// A value for a term of the given kind.
fn term_value(c: &mut Checker, node: &Node, kind: &TermKind, what: &str) -> Option<TermValue> {
    match kind {
        TermKind::Number { .. } => {
            let x = c.number(node, what)?;
            if x.abs() > MAX_VALUE {
                c.error(
                    node.pos,
                    format!("{what} is too large: at most {MAX_VALUE:e} either way"),
                    Some("write the amount in a larger unit (thousands, millions)".into()),
                );
                return None;
            }
            Some(TermValue::Number(x))
        }
        TermKind::YesNo => c.boolean(node, what).map(TermValue::Bool),
        TermKind::Choice { options } => {
            let s = c.text(node, what)?;
            match options.iter().position(|o| *o == s) {
                Some(i) => Some(TermValue::Choice(i)),
                None => {
                    let hint = did_you_mean(&s, options.iter().map(String::as_str))
                        .or_else(|| Some(format!("the options are: {}", options.join(", "))));
                    c.error(
                        node.pos,
                        format!("{what} `{}` is not one of the term's options", clip(&s)),
                        hint,
                    );
                    None
                }
            }
        }
    }
}

/// `terms: { price: 10.05, ... }` in offers and alternatives.
fn term_values(
    c: &mut Checker,
    node: &Node,
    terms: &[Term],
    what: &str,
) -> Vec<(usize, TermValue)> {
    let ids: Vec<&str> = terms.iter().map(|t| t.id.as_str()).collect();
    let Some(f) = c.fields(node, &format!("the terms of {what}"), &ids, &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        if let Some(n) = f.get(&t.id)
            && let Some(v) = term_value(c, n, &t.kind, &format!("`{}` in {what}", t.id))
        {
            out.push((i, v));
        }
    }
    out
}

fn read_alternatives(c: &mut Checker, node: &Node, terms: &[Term]) -> Vec<Alternative> {
    let mut out = Vec::new();
    for (i, item) in c.seq(node, "`alternatives`").iter().enumerate() {
        let what = format!("alternative {}", i + 1);
        let Some(f) = c.fields(item, &what, keys::ALTERNATIVE, &["name"]) else {
            continue;
        };
        let name = f
            .get("name")
            .and_then(|n| c.text(n, &format!("{what} name")));
        let summary = f
            .get("summary")
            .and_then(|n| c.text(n, &format!("{what} summary")));
        let values = f
            .get("terms")
            .map(|n| term_values(c, n, terms, &what))
            .unwrap_or_default();
        if let Some(name) = name {
            out.push(Alternative {
                name,
                summary,
                terms: values,
            });
        }
    }
    out
}

fn read_offers(c: &mut Checker, node: &Node, terms: &[Term]) -> Vec<OfferRound> {
    let mut out = Vec::new();
    for (i, item) in c.seq(node, "`offers`").iter().enumerate() {
        let what = format!("offer {}", i + 1);
        let Some(f) = c.fields(item, &what, keys::OFFER, &["from", "terms"]) else {
            continue;
        };
        let date = f
            .get("date")
            .and_then(|n| c.date(n, &format!("{what} date")));
        let from: Option<From> = f
            .get("from")
            .and_then(|n| c.word(n, &format!("{what} from")));
        let values = f
            .get("terms")
            .map(|n| term_values(c, n, terms, &what))
            .unwrap_or_default();
        if let Some(from) = from {
            out.push(OfferRound {
                date,
                from,
                terms: values,
            });
        }
    }
    out
}

fn read_observed(c: &mut Checker, node: &Node) -> Vec<Observed> {
    let mut out = Vec::new();
    for item in c.seq(node, "`observed`") {
        if let Some(id) = c.text(item, "an `observed` behaviour") {
            out.push(Observed { id, pos: item.pos });
        }
    }
    out
}

fn read_stakeholders(c: &mut Checker, node: &Node) -> Vec<Stakeholder> {
    let mut out = Vec::new();
    for (i, item) in c.seq(node, "`stakeholders`").iter().enumerate() {
        let what = format!("stakeholder {}", i + 1);
        let Some(f) = c.fields(item, &what, keys::STAKEHOLDER, &["name"]) else {
            continue;
        };
        let name = f
            .get("name")
            .and_then(|n| c.text(n, &format!("{what} name")));
        let role = f
            .get("role")
            .and_then(|n| c.text(n, &format!("{what} role")));
        let signed_off = f
            .get("signed_off")
            .and_then(|n| c.boolean(n, &format!("{what} signed_off")))
            .unwrap_or(false);
        if let Some(name) = name {
            out.push(Stakeholder {
                name,
                role,
                signed_off,
            });
        }
    }
    out
}

fn read_letter(c: &mut Checker, f: &Fields) -> Letter {
    let mut tone = Tone::Warm;
    let mut sign_off = None;
    if let Some(node) = f.get("letter")
        && let Some(lf) = c.fields(node, "`letter`", keys::LETTER, &[])
    {
        if let Some(t) = lf.get("tone").and_then(|n| c.word(n, "`letter.tone`")) {
            tone = t;
        }
        sign_off = lf
            .get("sign_off")
            .and_then(|n| c.text(n, "`letter.sign_off`"));
    }
    let sign_off = sign_off.unwrap_or_else(|| match tone {
        Tone::Warm => "Kind regards".into(),
        Tone::Formal => "Yours sincerely".into(),
    });
    Letter { tone, sign_off }
}
