//! Which names a condition reads, found in its compiled expression: each
//! context variable with the fields selected on it (`term.price.offer`,
//! `t.zopa.low`), and each comprehension over a context list
//! (`terms.exists(t, t.beyond_walk)`) with what it reads on each element and
//! the predicate that decides for an element. Syntax only: `assess::explain`
//! evaluates what is found here against the assessment's context.
//!
//! The walk uses an explicit stack, not recursion: how deep an expression
//! nests is up to whoever writes the rules.

use cel::IdedExpr;
use cel::common::ast::{ComprehensionExpr, EntryExpr, Expr, LiteralValue, operators};

/// One step of a path: `.field`, or `[key]` with a literal key.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Field(String),
    Key(String),
    Index(i64),
}

/// A variable and the steps taken into it, as written: `term.price.offer`.
#[derive(Debug, Clone)]
pub struct Path<'a> {
    /// A context name, or the element variable of a comprehension.
    pub root: String,
    pub steps: Vec<Step>,
    /// `has(a.b)`: whether the field is there, not its value.
    pub presence: bool,
    /// The expression that spells the path (what `explain` evaluates).
    pub expr: &'a IdedExpr,
}

impl Path<'_> {
    /// The steps as written after the root: `.price.offer`, `['net 30']`.
    pub fn tail(&self) -> String {
        let mut s = String::new();
        for step in &self.steps {
            match step {
                Step::Field(f) => {
                    s.push('.');
                    s.push_str(f);
                }
                Step::Key(k) if is_identifier(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Step::Key(k) => s.push_str(&format!("['{k}']")),
                Step::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// The path as people read it: `term.price.offer` (a literal key that is
    /// a plain word reads as a field), `has(term.price.offer)`.
    pub fn name(&self) -> String {
        self.named(&self.root)
    }

    /// The path with its root written as `root` (`terms[price]` for an
    /// element of `terms`).
    pub fn named(&self, root: &str) -> String {
        if self.presence {
            format!("has({root}{})", self.tail())
        } else {
            format!("{root}{}", self.tail())
        }
    }
}

/// How a comprehension combines what its predicate says about each element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `exists`: true as soon as one element is.
    Exists,
    /// `all`: false as soon as one element is.
    All,
    /// `filter`, `exists_one`, `map` with a filter: the elements it is true for.
    Select,
    /// `map`: every element.
    Every,
}

/// A comprehension over a context list or map (`terms`, `alternatives`,
/// `observed`, `red_flags`, `term`).
#[derive(Debug, Clone)]
pub struct Each<'a> {
    pub range: Path<'a>,
    pub var: String,
    /// The second variable of a two-variable comprehension (index or key, value).
    pub var2: Option<String>,
    pub quantifier: Quantifier,
    /// What decides for one element (None for a plain `map`).
    pub predicate: Option<&'a IdedExpr>,
    /// The paths read on an element (their root is `var` or `var2`), in order.
    pub fields: Vec<Path<'a>>,
    /// The element itself is used (`f in ['rude', 'sarcasm']`): the range is
    /// shown whole.
    pub whole: bool,
}

/// Something a condition reads, in the order it is written.
#[derive(Debug, Clone)]
pub enum Reference<'a> {
    Name(Path<'a>),
    Each(Each<'a>),
}

/// What a variable in scope stands for.
#[derive(Clone, Copy)]
enum Binding {
    /// The element variable of the comprehension `references[i]`.
    Element(usize),
    /// A variable whose values are not shown (an accumulator, the element of
    /// a list that is not a context name).
    Other,
}

enum Task<'a> {
    Visit(&'a IdedExpr),
    Bind(Vec<(String, Binding)>),
    Unbind(usize),
}

/// The references of an expression, in the order they are written; each
/// path once.
pub fn references(root: &IdedExpr) -> Vec<Reference<'_>> {
    let mut refs: Vec<Reference> = Vec::new();
    let mut scope: Vec<(String, Binding)> = Vec::new();
    let mut stack = vec![Task::Visit(root)];
    while let Some(task) = stack.pop() {
        let e = match task {
            Task::Visit(e) => e,
            Task::Bind(vars) => {
                scope.extend(vars);
                continue;
            }
            Task::Unbind(n) => {
                scope.truncate(n);
                continue;
            }
        };
        if let Some((root, steps)) = chain(e) {
            let presence = matches!(&e.expr, Expr::Select(sel) if sel.test);
            let path = Path {
                root,
                steps,
                presence,
                expr: e,
            };
            match scope.iter().rev().find(|(n, _)| *n == path.root) {
                Some((_, Binding::Element(i))) => {
                    if let Some(Reference::Each(each)) = refs.get_mut(*i) {
                        if path.steps.is_empty() {
                            each.whole = true;
                        } else if !each.fields.iter().any(|f| f.name() == path.name()) {
                            each.fields.push(path);
                        }
                    }
                }
                Some((_, Binding::Other)) => {}
                None if path.root.starts_with('@') => {}
                None => {
                    let seen = refs
                        .iter()
                        .any(|r| matches!(r, Reference::Name(p) if p.name() == path.name()));
                    if !seen {
                        refs.push(Reference::Name(path));
                    }
                }
            }
            continue;
        }
        match &e.expr {
            Expr::Select(sel) => stack.push(Task::Visit(&sel.operand)),
            Expr::Call(call) => {
                // Pushed last, visited first: the target, then the arguments in order.
                stack.extend(call.args.iter().rev().map(Task::Visit));
                if let Some(t) = &call.target {
                    stack.push(Task::Visit(t));
                }
            }
            Expr::Comprehension(c) => comprehension(c, &mut refs, &scope, &mut stack),
            Expr::List(list) => stack.extend(list.elements.iter().rev().map(Task::Visit)),
            Expr::Map(map) => {
                for entry in map.entries.iter().rev() {
                    match &entry.expr {
                        EntryExpr::StructField(f) => stack.push(Task::Visit(&f.value)),
                        EntryExpr::MapEntry(m) => {
                            stack.push(Task::Visit(&m.value));
                            stack.push(Task::Visit(&m.key));
                        }
                    }
                }
            }
            Expr::Ident(_) | Expr::Struct(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
    refs
}

/// Plan the visit of a comprehension: its range in the outer scope, then its
/// body with its variables bound. A range that is a context name is tracked
/// (its elements are shown); any other range is visited as an expression.
fn comprehension<'a>(
    c: &'a ComprehensionExpr,
    refs: &mut Vec<Reference<'a>>,
    scope: &[(String, Binding)],
    stack: &mut Vec<Task<'a>>,
) {
    let free = chain(&c.iter_range)
        .filter(|(root, _)| !root.starts_with('@') && !scope.iter().any(|(n, _)| n == root));
    let element = match free {
        Some((root, steps)) => {
            let (quantifier, predicate) = quantifier(c);
            refs.push(Reference::Each(Each {
                range: Path {
                    root,
                    steps,
                    presence: false,
                    expr: &c.iter_range,
                },
                var: c.iter_var.clone(),
                var2: c.iter_var2.clone(),
                quantifier,
                predicate,
                fields: Vec::new(),
                whole: false,
            }));
            Binding::Element(refs.len() - 1)
        }
        None => Binding::Other,
    };
    let mut vars = vec![(c.iter_var.clone(), element)];
    if let Some(v) = &c.iter_var2 {
        vars.push((v.clone(), element));
    }
    vars.push((c.accu_var.clone(), Binding::Other));
    // A stack: the last pushed runs first.
    stack.push(Task::Unbind(scope.len()));
    stack.push(Task::Visit(&c.result));
    stack.push(Task::Visit(&c.loop_step));
    stack.push(Task::Visit(&c.loop_cond));
    stack.push(Task::Bind(vars));
    stack.push(Task::Visit(&c.accu_init));
    if matches!(element, Binding::Other) {
        stack.push(Task::Visit(&c.iter_range));
    }
}

/// The macro a comprehension was expanded from, by the shape of its step
/// (cel's `exists`, `all`, `exists_one`, `filter` and `map` expanders), and
/// its predicate.
fn quantifier(c: &ComprehensionExpr) -> (Quantifier, Option<&IdedExpr>) {
    let Expr::Call(step) = &c.loop_step.expr else {
        return (Quantifier::Every, None);
    };
    let is_accu = |e: &IdedExpr| matches!(&e.expr, Expr::Ident(n) if *n == c.accu_var);
    match (step.func_name.as_str(), step.args.as_slice()) {
        (operators::LOGICAL_OR, [acc, p]) if is_accu(acc) => (Quantifier::Exists, Some(p)),
        (operators::LOGICAL_AND, [acc, p]) if is_accu(acc) => (Quantifier::All, Some(p)),
        (operators::CONDITIONAL, [p, _, _]) => (Quantifier::Select, Some(p)),
        _ => (Quantifier::Every, None),
    }
}

/// `a.b['c'].d`: a variable followed by fields and literal keys, or None.
fn chain(e: &IdedExpr) -> Option<(String, Vec<Step>)> {
    let mut steps = Vec::new();
    let mut cur = e;
    loop {
        match &cur.expr {
            Expr::Ident(name) => {
                steps.reverse();
                return Some((name.clone(), steps));
            }
            Expr::Select(sel) => {
                steps.push(Step::Field(sel.field.clone()));
                cur = &sel.operand;
            }
            Expr::Call(call)
                if call.func_name == operators::INDEX
                    && call.target.is_none()
                    && call.args.len() == 2 =>
            {
                steps.push(match &call.args[1].expr {
                    Expr::Literal(LiteralValue::String(s)) => Step::Key(s.inner().to_string()),
                    Expr::Literal(LiteralValue::Int(i)) => Step::Index(*i.inner()),
                    _ => return None,
                });
                cur = &call.args[0];
            }
            _ => return None,
        }
    }
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Condition;

    /// The references of a condition, in words: `name` for a name,
    /// `range[var]{fields}` for a comprehension (`*` when the element is used whole).
    fn refs(source: &str) -> Vec<String> {
        let c = Condition::compile(source, true).expect("compiles");
        references(c.expression())
            .iter()
            .map(|r| match r {
                Reference::Name(p) => p.name(),
                Reference::Each(e) => {
                    let mut fields: Vec<String> = e.fields.iter().map(Path::name).collect();
                    if e.whole {
                        fields.push("*".into());
                    }
                    format!(
                        "{}[{}]{:?}{{{}}}",
                        e.range.name(),
                        e.var,
                        e.quantifier,
                        fields.join(", ")
                    )
                }
            })
            .collect()
    }

    #[test]
    fn top_level_names_in_the_order_written_and_once() {
        assert_eq!(
            refs("batna_score > score || score < 10"),
            ["batna_score", "score"]
        );
        assert_eq!(refs("'rude' in observed"), ["observed"]);
        assert_eq!(refs("!stakeholders_aligned"), ["stakeholders_aligned"]);
    }

    #[test]
    fn fields_of_a_term_by_id_and_by_literal_key() {
        assert_eq!(
            refs("term.price.offer > term.price.walk && term['price'].zopa.low < 3"),
            ["term.price.offer", "term.price.walk", "term.price.zopa.low"]
        );
        assert_eq!(
            refs("has(term.price.offer) && term.price.offer > 1.0"),
            ["has(term.price.offer)", "term.price.offer"]
        );
        assert_eq!(refs("terms[0].offer > 1.0"), ["terms[0].offer"]);
    }

    #[test]
    fn comprehensions_over_context_lists() {
        assert_eq!(
            refs("terms.exists(t, t.beyond_walk && t.deal_breaker)"),
            ["terms[t]Exists{t.beyond_walk, t.deal_breaker}"]
        );
        assert_eq!(
            refs("terms.all(t, t.zopa.low < t.walk) || score > 1.0"),
            ["terms[t]All{t.zopa.low, t.walk}", "score"]
        );
        assert_eq!(
            refs("size(red_flags.filter(f, f in ['rude', 'sarcasm'])) >= 2"),
            ["red_flags[f]Select{*}"]
        );
        // A context name inside the predicate is read once, on its own.
        assert_eq!(
            refs("alternatives.exists(a, a.score > score)"),
            ["alternatives[a]Exists{a.score}", "score"]
        );
    }

    #[test]
    fn nested_comprehensions_and_shadowing() {
        // The inner range is made of fields of the outer element; the inner
        // element is not shown.
        assert_eq!(
            refs("terms.exists(t, [t.walk, t.want].exists(x, x > 1.0) && t.offer > 2.0)"),
            ["terms[t]Exists{t.walk, t.want, t.offer}"]
        );
        // An inner comprehension over another context list is tracked too.
        assert_eq!(
            refs("terms.exists(t, alternatives.exists(a, a.score > t.score))"),
            ["terms[t]Exists{t.score}", "alternatives[a]Exists{a.score}"]
        );
        // A variable named like a context name shadows it inside the body.
        assert_eq!(
            refs("observed.exists(score, score == 'rude')"),
            ["observed[score]Exists{*}"]
        );
    }
}
