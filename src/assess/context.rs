//! The evaluation context of DESIGN §4 as CEL sees it: built here, in one place,
//! from the typed facts, and nowhere else. Numbers keep their types (a term's
//! values and scores are doubles, counts are ints), so that `t.weight * t.score`
//! and `rounds_without_movement >= 2` both work as written.
//!
//! The values are built as the `cel` crate's own value types, borrowing the
//! brief's text, rather than as `cel::Value`: binding a `Value` converts it, deep
//! copy and all, and that conversion cost more than evaluating every rule.
//!
//! Templates see the same names through the compose stage's views; a test keeps
//! both, and the names the rules checker accepts, in step.

use std::collections::HashMap;
use std::sync::Arc;

use cel::ExecutionError;
use cel::common::traits::{Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, Type,
};
use cel::common::value::{Builtin, BuiltinRef, CowVal, Val};

use super::{Facts, Fired, TermFacts, Verdict};
use crate::brief::{Brief, Term, TermKind, TermValue};
use crate::words::Word;

/// A CEL value that may borrow the brief's text for `'v`.
pub type CelVal<'v> = Box<dyn Val + 'v>;

/// The variables of the context, by name: what `cel_context` adds. The exit
/// scripts' extras come from `exit_variables`.
pub fn variables<'v>(b: &'v Brief, f: &Facts) -> Vec<(&'static str, CelVal<'v>)> {
    // `terms` and `term` hold the same maps, shared.
    let shared: Vec<Shared<'v>> = b
        .terms
        .iter()
        .zip(&f.terms)
        .map(|(t, e)| Shared(Arc::new(term(t, e))))
        .collect();
    let by_id: HashMap<CelMapKey<'v>, CelVal<'v>> = b
        .terms
        .iter()
        .zip(&shared)
        .map(|(t, m)| {
            (
                CelMapKey::from(t.id.as_str()),
                Box::new(m.clone()) as CelVal<'v>,
            )
        })
        .collect();
    let terms: Vec<CelVal<'v>> = shared
        .into_iter()
        .map(|m| Box::new(m) as CelVal<'v>)
        .collect();
    let alternatives: Vec<CelVal<'v>> = b
        .alternatives
        .iter()
        .zip(&f.alternatives)
        .map(|(a, score)| {
            map([
                ("name", string(&a.name)),
                ("summary", a.summary.as_deref().map_or_else(null, string)),
                ("has_terms", boolean(!a.terms.is_empty())),
                ("score", number(*score)),
            ])
        })
        .collect();
    vec![
        ("side", string(b.side.word())),
        ("relationship", string(b.relationship.word())),
        ("investment", string(b.investment.word())),
        ("authority", string(b.authority.word())),
        ("terms", list(terms)),
        ("term", Box::new(CelMap::from(by_id))),
        (
            "observed",
            list(b.observed.iter().map(|o| string(&o.id)).collect()),
        ),
        ("alternatives", list(alternatives)),
        ("options", int(b.alternatives.len())),
        ("score", number(f.score)),
        ("batna_score", number(f.batna.map(|x| x.score))),
        ("leverage", string(f.leverage.word())),
        ("rounds_without_movement", int(f.rounds_without_movement)),
        ("retracted", boolean(f.retracted)),
        ("stakeholders_aligned", boolean(f.stakeholders_aligned)),
        (
            "days_to_deadline",
            f.days_to_deadline
                .map_or_else(null, |d| Box::new(CelInt::from(d))),
        ),
    ]
}

/// What exit scripts see besides the rest: the verdict and the ids that fired.
pub fn exit_variables<'v>(
    verdict: Verdict,
    deal_breakers: &[Fired],
    red_flags: &[Fired],
) -> Vec<(&'static str, CelVal<'v>)> {
    let ids = |v: &[Fired]| {
        list(
            v.iter()
                .map(|f| Box::new(CelString::from(f.id.clone())) as CelVal<'v>)
                .collect(),
        )
    };
    vec![
        ("verdict", string(verdict.word())),
        ("deal_breakers", ids(deal_breakers)),
        ("red_flags", ids(red_flags)),
    ]
}

/// CEL's standard library, built once per thread: building it registers every
/// standard function, which cost more than evaluating a brief's rules.
fn stdlib() -> std::sync::Arc<cel::Env> {
    thread_local! {
        static STDLIB: std::sync::Arc<cel::Env> = std::sync::Arc::new(cel::Env::stdlib());
    }
    STDLIB.with(std::sync::Arc::clone)
}

/// The CEL context for the deal breakers and red flags.
pub fn cel_context<'v>(b: &'v Brief, f: &Facts) -> cel::Context<'v, 'v> {
    let mut ctx = cel::Context::with_env(stdlib());
    add(&mut ctx, variables(b, f));
    ctx
}

/// Add variables to a context (the exit scripts' extras, after the rules ran).
pub fn add<'v>(ctx: &mut cel::Context<'_, 'v>, vars: Vec<(&'static str, CelVal<'v>)>) {
    for (name, value) in vars {
        ctx.add_variable_as_val(name, value);
    }
}

/// A term's map, shared rather than copied. A comprehension binds each item it
/// visits to its variable by cloning it (`terms.exists(t, …)`), and the deep
/// clones of the terms' maps were 5% of `check`'s samples on 400 briefs. It
/// is a map in every way CEL looks at one (fields, `has()`, `in`, `size()`,
/// equality, conversion), by delegation.
#[derive(Debug, Clone)]
struct Shared<'v>(Arc<CelMap<'v>>);

impl<'v> Val for Shared<'v> {
    fn get_type(&self) -> &Type {
        self.0.get_type()
    }

    fn cel_type() -> &'static Type {
        <CelMap as Val>::cel_type()
    }

    fn as_container(&self) -> Option<&dyn Container> {
        self.0.as_container()
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        self.0.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        self.0.as_sizer()
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        self.0.as_zeroer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.0.equals(other)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(self.clone())
    }

    fn as_builtin<'b, 'w>(&'b self) -> BuiltinRef<'b, 'w>
    where
        Self: 'w,
    {
        self.0.as_builtin()
    }

    fn into_builtin<'w>(self: Box<Self>) -> Option<Builtin<'w>>
    where
        Self: 'w,
    {
        Some(Builtin::Map(Arc::unwrap_or_clone(self.0)))
    }
}

impl<'v> Indexer for Shared<'v> {
    fn get<'b, 'w>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.0.get(idx)
    }

    fn steal<'w>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

/// One term as conditions see it (DESIGN §4: `terms` and `term.<id>`).
fn term<'v>(t: &'v Term, e: &TermFacts) -> CelMap<'v> {
    let (kind, better) = match &t.kind {
        TermKind::Number { better } => ("number", string(better.word())),
        TermKind::Choice { .. } => ("choice", null()),
        TermKind::YesNo => ("yes_no", null()),
    };
    let val = |v: Option<TermValue>| v.map_or_else(null, |v| term_value(t, v));
    let has_offer = t.offer.is_some();
    map_of([
        ("id", string(&t.id)),
        ("label", string(&t.label)),
        ("unit", t.unit.as_deref().map_or_else(null, string)),
        ("kind", string(kind)),
        ("better", better),
        ("deal_breaker", boolean(t.deal_breaker)),
        ("weight", double(t.weight)),
        ("wish", val(t.wish)),
        ("want", val(t.want)),
        ("walk", val(Some(t.walk))),
        ("offer", val(t.offer)),
        ("has_offer", boolean(has_offer)),
        ("position", string(e.position.word())),
        // Unknown without an offer: a condition on them is then "not evaluable".
        ("beyond_walk", opt_bool(has_offer.then(|| e.beyond_walk()))),
        ("near_walk", opt_bool(has_offer.then(|| e.near_walk()))),
        ("gap_to_walk", number(e.gap_to_walk)),
        ("score", number(e.score)),
        ("our_last", val(e.our_last)),
        ("batna_value", val(e.batna_value)),
        ("walk_below_batna", boolean(e.walk_below_batna)),
        ("their_walk", val(e.their_walk)),
        (
            "their_walk_source",
            e.their_walk_source.map_or_else(null, |s| string(s.word())),
        ),
        (
            "zopa",
            e.zopa.map_or_else(null, |z| {
                map([("low", double(z.low)), ("high", double(z.high))])
            }),
        ),
        ("no_zopa", boolean(e.no_zopa)),
    ])
}

/// A term value as the brief writes it: a number, an option's name, yes/no.
fn term_value<'v>(t: &'v Term, v: TermValue) -> CelVal<'v> {
    match (v, &t.kind) {
        (TermValue::Number(x), _) => double(x),
        (TermValue::Choice(i), TermKind::Choice { options }) => {
            string(options.get(i).map_or("", String::as_str))
        }
        (TermValue::Choice(i), _) => int(i),
        (TermValue::Bool(b), _) => boolean(b),
    }
}

fn map<'v, const N: usize>(entries: [(&'static str, CelVal<'v>); N]) -> CelVal<'v> {
    Box::new(map_of(entries))
}

fn map_of<'v, const N: usize>(entries: [(&'static str, CelVal<'v>); N]) -> CelMap<'v> {
    let map: HashMap<CelMapKey<'v>, CelVal<'v>> = entries
        .into_iter()
        .map(|(k, v)| (CelMapKey::from(k), v))
        .collect();
    CelMap::from(map)
}

fn list(items: Vec<CelVal<'_>>) -> CelVal<'_> {
    Box::new(CelList::from(items))
}

fn string(s: &str) -> CelVal<'_> {
    Box::new(CelString::from(s))
}

fn null<'v>() -> CelVal<'v> {
    Box::new(CelNull)
}

fn boolean<'v>(b: bool) -> CelVal<'v> {
    Box::new(CelBool::from(b))
}

fn double<'v>(x: f64) -> CelVal<'v> {
    Box::new(CelDouble::from(x))
}

fn number<'v>(x: Option<f64>) -> CelVal<'v> {
    x.map_or_else(null, double)
}

fn int<'v>(n: usize) -> CelVal<'v> {
    Box::new(CelInt::from(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn opt_bool<'v>(b: Option<bool>) -> CelVal<'v> {
    b.map_or_else(null, boolean)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use cel::Value;

    use super::*;
    use crate::rules::cond::{CONTEXT_NAMES, EXIT_NAMES, FIELD_NAMES};

    const BRIEF: &str = "title: T\nside: buyer\nterms:\n  - { id: cover, walk: true, offer: false }\n  - { id: price, wish: 8, want: 9, walk: 10, offer: 9.5, their_walk: 9.2 }\nalternatives:\n  - { name: A, terms: { price: 9.8 } }\n";

    fn keys(v: &Value) -> Vec<String> {
        let Value::Map(m) = v else {
            panic!("not a map: {v:?}")
        };
        let mut k: Vec<String> = m.map.keys().map(|k| k.to_string()).collect();
        k.sort();
        k
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The names the rules checker accepts are exactly the names built here:
    /// a name added to one and not the other fails this test.
    #[test]
    fn the_checker_knows_exactly_the_names_of_the_context() {
        let (b, _) = crate::brief::load_str(Path::new("t.yaml"), BRIEF).expect("loads");
        let facts = super::super::derive::facts(&b, jiff::civil::date(2026, 11, 23));
        // Back to `cel::Value`, whose maps and lists can be looked into.
        let vars: Vec<(&str, Value)> = variables(&b, &facts)
            .into_iter()
            .map(|(k, v)| (k, Value::try_from(v.as_ref()).expect("a plain value")))
            .collect();
        let mut top: Vec<&str> = vars.iter().map(|(k, _)| *k).collect();
        top.extend(
            exit_variables(Verdict::Proceed, &[], &[])
                .iter()
                .map(|(k, _)| *k),
        );
        let mut expected: Vec<&str> = CONTEXT_NAMES.to_vec();
        expected.extend_from_slice(EXIT_NAMES);
        assert_eq!(sorted(&top), sorted(&expected));

        let get = |name: &str| &vars.iter().find(|(k, _)| *k == name).expect(name).1;
        let Value::List(terms) = get("terms") else {
            panic!("terms is a list")
        };
        let Value::List(alts) = get("alternatives") else {
            panic!("alternatives is a list")
        };
        let mut fields = keys(&terms[0]);
        fields.extend(keys(&alts[0]));
        let Value::Map(price) = &terms[1] else {
            panic!("a term is a map")
        };
        let zopa = price
            .map
            .iter()
            .find(|(k, _)| k.to_string() == "zopa")
            .map(|(_, v)| v)
            .expect("zopa");
        fields.extend(keys(zopa));
        assert_eq!(
            sorted(&fields.iter().map(String::as_str).collect::<Vec<_>>()),
            sorted(FIELD_NAMES)
        );
        assert_eq!(keys(get("term")), ["cover", "price"]);
    }

    /// A shared term map is a map to every operation a condition can apply.
    #[test]
    fn a_shared_term_is_a_map_to_cel() {
        let (b, _) = crate::brief::load_str(Path::new("t.yaml"), BRIEF).expect("loads");
        let facts = super::super::derive::facts(&b, jiff::civil::date(2026, 11, 23));
        let ctx = cel_context(&b, &facts);
        for expr in [
            "terms.exists(t, t.id == 'price' && t.offer == 9.5)",
            "terms.all(t, has(t.walk))",
            "!has(terms[1].nothing)",
            "'zopa' in terms[1] && !('nothing' in term.price)",
            "size(term.price) == size(terms[1]) && size(terms[1]) > 10",
            "terms[1] == term.price && term.price != term.cover",
            "term.price.zopa.low == 9.2",
            "[terms[1]][0].their_walk == 9.2",
            "terms.map(t, t.id) == ['cover', 'price']",
            "terms.filter(t, t.kind == 'yes_no').size() == 1",
            "{'a': term.price}.a.offer == 9.5",
            "terms[1].map(k, k).exists(k, k == 'offer')",
        ] {
            let program = cel::Program::compile(expr).expect(expr);
            assert_eq!(
                program.execute(&ctx).map_err(|e| e.to_string()),
                Ok(Value::Bool(true)),
                "{expr}"
            );
        }
    }
}
