//! Brief loading and validation: YAML text → `Brief`, or every problem in the
//! file, each located (DESIGN §2 "Rules on values").

use std::path::Path;

use super::keys;
use super::terms::{read_terms, term_values};
use super::*;
use crate::diag::{Diagnostic, Pos};
use crate::fields::{Checker, Fields};
use crate::yaml::{self, Node};

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
    // In the order of the file, as a reader goes through it (the checks run
    // field by field); what has no place first. The sort is stable.
    c.diags
        .sort_by_key(|d| d.pos.map_or((0, 0), |p| (p.line, p.col)));
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
    let (terms, broken) = match f.get("terms") {
        Some(n) => read_terms(c, n, default_better),
        None => (Vec::new(), Vec::new()),
    };
    let alternatives = f
        .get("alternatives")
        .map(|n| read_alternatives(c, n, &terms, &broken))
        .unwrap_or_default();
    let offers = f
        .get("offers")
        .map(|n| read_offers(c, n, &terms, &broken))
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
        .and_then(|n| c.text(n, format_args!("{what} name")));
    let organisation = f
        .get("organisation")
        .and_then(|n| c.text(n, format_args!("{what} organisation")));
    let email = f.get("email").and_then(|n| {
        let s = c.text(n, format_args!("{what} email"))?;
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
        .and_then(|n| c.line(n, format_args!("{what} salutation")));
    Party {
        name,
        organisation,
        email,
        salutation,
    }
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

fn read_alternatives(
    c: &mut Checker,
    node: &Node,
    terms: &[Term],
    broken: &[String],
) -> Vec<Alternative> {
    let mut out = Vec::new();
    for (i, item) in c.seq(node, "`alternatives`").iter().enumerate() {
        let what = format!("alternative {}", i + 1);
        let Some(f) = c.fields(item, &what, keys::ALTERNATIVE, &["name"]) else {
            continue;
        };
        let name = f
            .get("name")
            .and_then(|n| c.text(n, format_args!("{what} name")));
        let summary = f
            .get("summary")
            .and_then(|n| c.text(n, format_args!("{what} summary")));
        let values = f
            .get("terms")
            .map(|n| term_values(c, n, terms, broken, &what))
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

fn read_offers(c: &mut Checker, node: &Node, terms: &[Term], broken: &[String]) -> Vec<OfferRound> {
    let mut out = Vec::new();
    for (i, item) in c.seq(node, "`offers`").iter().enumerate() {
        let what = format!("offer {}", i + 1);
        let Some(f) = c.fields(item, &what, keys::OFFER, &["from", "terms"]) else {
            continue;
        };
        let date = f
            .get("date")
            .and_then(|n| c.date(n, format_args!("{what} date")));
        let from: Option<From> = f
            .get("from")
            .and_then(|n| c.word(n, format_args!("{what} from")));
        let values = f
            .get("terms")
            .map(|n| term_values(c, n, terms, broken, &what))
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
            .and_then(|n| c.text(n, format_args!("{what} name")));
        let role = f
            .get("role")
            .and_then(|n| c.text(n, format_args!("{what} role")));
        let signed_off = f
            .get("signed_off")
            .and_then(|n| c.boolean(n, format_args!("{what} signed_off")))
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
