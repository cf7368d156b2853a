//! Rule conditions: CEL expressions compiled once when the rules load, checked
//! against the names of the evaluation context (the `cel` crate does not check
//! names at compile time), and evaluated three-valued: true, false, or "not
//! evaluable" when the data a condition needs is missing from the brief.

use std::collections::HashSet;

use cel::common::ast::{EntryExpr, Expr};
use cel::{Context, ExecutionError, IdedExpr, Program, Value};

use crate::diag::{Diagnostic, did_you_mean};

/// The variables every condition may use (DESIGN §4).
pub const CONTEXT_NAMES: &[&str] = &[
    "side",
    "relationship",
    "investment",
    "authority",
    "terms",
    "term",
    "observed",
    "alternatives",
    "options",
    "score",
    "batna_score",
    "leverage",
    "rounds_without_movement",
    "retracted",
    "stakeholders_aligned",
    "days_to_deadline",
];

/// The extra variables exit scripts see.
pub const EXIT_NAMES: &[&str] = &["verdict", "deal_breakers", "red_flags"];

/// Fields of a term map (and of its `zopa`) and of an alternative map: a
/// `.field` that is none of these (outside `term.<id>`) is a typo.
pub const FIELD_NAMES: &[&str] = &[
    "id",
    "label",
    "unit",
    "kind",
    "better",
    "deal_breaker",
    "weight",
    "wish",
    "want",
    "walk",
    "offer",
    "has_offer",
    "position",
    "beyond_walk",
    "near_walk",
    "gap_to_walk",
    "score",
    "our_last",
    "batna_value",
    "walk_below_batna",
    "their_walk",
    "their_walk_source",
    "zopa",
    "no_zopa",
    "low",
    "high",
    "name",
    "summary",
    "has_terms",
];

/// CEL's standard functions and methods (those the `cel` crate implements).
const FUNCTIONS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "bytes",
    "type",
    "dyn",
    "timestamp",
    "duration",
    "max",
    "min",
    "has",
    "exists",
    "all",
    "exists_one",
    "map",
    "filter",
    "getFullYear",
    "getMonth",
    "getDayOfYear",
    "getDayOfMonth",
    "getDate",
    "getDayOfWeek",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
];

#[derive(Debug)]
pub struct Condition {
    pub source: String,
    /// The compiled tree as written: what `reads` and `explain` look into.
    expression: IdedExpr,
    /// The same tree with the budget's ticks in it (`budget.rs`), which runs
    /// within the budget. None without a comprehension: then nothing the
    /// budget counts can happen, and `expression` runs as it is, without the
    /// scope that answers the ticks, which each name read passed through.
    guarded: Option<IdedExpr>,
    /// The context variables the condition reads.
    pub reads: Vec<String>,
    /// Where the condition is written, as a diagnostic to fill in when it fails
    /// at evaluation (set by the rules loader).
    site: Option<Diagnostic>,
}

pub use super::shape::CondError;

pub enum Outcome {
    True,
    False,
    /// Could not be decided because data the brief does not give is missing;
    /// says what.
    NotEvaluable(String),
    /// The condition itself is wrong (a division by zero, values of types that
    /// do not go together, more work than the budget allows): an error in the
    /// rules file, located at the condition.
    Error(Box<Diagnostic>),
}

impl Condition {
    /// Compile and check names. `exit` allows the exit scripts' extra names.
    pub fn compile(source: &str, exit: bool) -> Result<Condition, Vec<CondError>> {
        // Before the parser recurses: a tree too deep would overflow the stack.
        super::shape::check(source).map_err(|e| vec![e])?;
        let program = Program::compile(source).map_err(|errs| {
            errs.errors
                .iter()
                .map(|e| {
                    let line = usize::try_from(e.pos.0).unwrap_or(1).max(1);
                    // The parser's column is already 1-based: `+ 1` put every
                    // caret one character past the token.
                    let col = usize::try_from(e.pos.1).unwrap_or(1).max(1);
                    CondError {
                        offset: offset_of(source, line, col),
                        message: format!(
                            "this condition is not valid CEL: {}",
                            plain_syntax_error(&e.msg)
                        ),
                        hint: Some(
                            "conditions are CEL, e.g. `score < 40 && 'false_urgency' in observed`"
                                .into(),
                        ),
                        names_rule: false,
                    }
                })
                .collect::<Vec<_>>()
        })?;
        let mut names: Vec<&str> = CONTEXT_NAMES.to_vec();
        if exit {
            names.extend_from_slice(EXIT_NAMES);
        }
        let mut walk = Walk {
            names: &names,
            bound: Vec::new(),
            reads: HashSet::new(),
            problems: Vec::new(),
        };
        walk.expr(program.expression());
        let mut errors = Vec::new();
        for (id, skip, message, hint) in walk.problems {
            let offset = program
                .source_info()
                .offset_for(id)
                .map_or(0, |o| (o.0 as usize).saturating_add_signed(skip));
            errors.push(CondError {
                offset,
                message,
                hint,
                names_rule: false,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Names are right: now their types (`score > 'x'` can never be decided).
        let type_errors: Vec<CondError> = super::types::check(&program)
            .into_iter()
            .map(|p| CondError {
                offset: program
                    .source_info()
                    .offset_for(p.id)
                    .map_or(0, |o| o.0 as usize),
                message: format!("this condition can never be evaluated: {}", p.message),
                hint: None,
                names_rule: true,
            })
            .collect();
        if !type_errors.is_empty() {
            return Err(type_errors);
        }
        let mut reads: Vec<String> = walk.reads.into_iter().collect();
        reads.sort();
        let guarded = super::budget::instrument(program.expression());
        Ok(Condition {
            source: source.to_string(),
            expression: program.expression().clone(),
            guarded: (guarded != *program.expression()).then_some(guarded),
            reads,
            site: None,
        })
    }

    /// The compiled expression, for reading which names it uses and their
    /// values (`reads`, `assess::explain`).
    pub fn expression(&self) -> &IdedExpr {
        &self.expression
    }

    /// Where the condition is written: `at` is a diagnostic located at it (with
    /// its source line), `rule` names the rule ("red flag `x`"). Failures at
    /// evaluation are reported there.
    pub fn locate(mut self, at: Diagnostic, rule: &str) -> Self {
        self.site = Some(Diagnostic {
            message: rule.to_string(),
            ..at
        });
        self
    }

    /// Evaluate against a context, within the work budget. Null (a missing
    /// value: an offer not made, no deadline), a missing term or list item, make
    /// the condition "not evaluable", explained by `missing` from the names it
    /// reads; any other failure is the condition's own fault (`Outcome::Error`).
    pub fn eval(&self, ctx: &Context, missing: impl Fn(&[String]) -> Option<String>) -> Outcome {
        let result = match &self.guarded {
            Some(guarded) => match super::budget::execute(guarded, ctx) {
                Ok(result) => result,
                Err(stop) => return self.error(stop.message(), None),
            },
            None => Value::resolve(&self.expression, ctx),
        };
        let not_evaluable =
            |default: String| Outcome::NotEvaluable(missing(&self.reads).unwrap_or(default));
        match result {
            Ok(Value::Bool(true)) => Outcome::True,
            Ok(Value::Bool(false)) => Outcome::False,
            Ok(Value::Null) => not_evaluable("the condition gave no answer (null)".into()),
            Ok(other) => self.error(
                format!(
                    "the condition gives {} instead of true or false",
                    type_name(&other)
                ),
                None,
            ),
            Err(ExecutionError::NoSuchKey(key)) => {
                not_evaluable(format!("the brief has no `{key}`"))
            }
            Err(ExecutionError::IndexOutOfBounds(_)) => {
                not_evaluable("the brief has fewer items than the condition reads".into())
            }
            Err(e)
                if format!("{e:?}").contains("null_type") || format!("{e:?}").contains("Null") =>
            {
                not_evaluable("a value it needs is missing (null)".into())
            }
            Err(e) => {
                let (message, hint) = plain_failure(&e);
                self.error(message, hint)
            }
        }
    }

    fn error(&self, message: String, hint: Option<String>) -> Outcome {
        let mut d = self.site.clone().unwrap_or_else(|| {
            Diagnostic::error(std::path::Path::new("rules"), None, "a condition")
        });
        d.message = format!("{}: {message}", d.message);
        d.hint = Some(hint.unwrap_or_else(|| {
            "a rule that fails for this reason fails for every brief like this one: fix its `when:`"
                .into()
        }));
        Outcome::Error(Box::new(d))
    }
}

/// A failure of a condition at evaluation, in plain words (and a hint).
fn plain_failure(e: &ExecutionError) -> (String, Option<String>) {
    let mixed_numbers = || {
        Some("CEL does not mix whole and decimal numbers in arithmetic: write `double(x)` around the whole one".to_string())
    };
    match e {
        ExecutionError::DivisionByZero(_) => ("the condition divides by zero".into(), None),
        ExecutionError::RemainderByZero(_) => {
            ("the condition takes a remainder by zero".into(), None)
        }
        ExecutionError::Overflow(..) => ("a calculation in the condition overflows".into(), None),
        ExecutionError::NoSuchOverload(o) => {
            let types = o.argument_types().join(" and ");
            let hint = (types.contains("int") && types.contains("double"))
                .then(mixed_numbers)
                .flatten();
            (
                format!(
                    "the condition applies `{}` to values that do not go together ({types})",
                    o.function().trim_matches('_')
                ),
                hint,
            )
        }
        ExecutionError::UnsupportedBinaryOperator(op, a, b) => {
            let whole = |v: &Value| matches!(v, Value::Int(_) | Value::UInt(_));
            let decimal = |v: &Value| matches!(v, Value::Float(_));
            let mixed = whole(a) && decimal(b) || decimal(a) && whole(b);
            let kind = |v: &Value| match v {
                Value::Int(_) | Value::UInt(_) => "a whole number",
                Value::Float(_) => "a decimal number",
                other => type_name(other),
            };
            let verb = match *op {
                "add" => "add",
                "sub" => "subtract",
                "mul" => "multiply",
                "div" => "divide",
                "rem" => "take the remainder of",
                other => other,
            };
            (
                format!("the condition cannot {verb} {} and {}", kind(a), kind(b)),
                mixed.then(mixed_numbers).flatten(),
            )
        }
        other => (format!("the condition failed: {other}"), None),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "a number",
        Value::String(_) => "text",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        _ => "a value",
    }
}

/// The character offset of a 1-based (line, column) in `source`.
pub(super) fn offset_of(source: &str, line: usize, col: usize) -> usize {
    let before: usize = source
        .split_inclusive('\n')
        .take(line - 1)
        .map(|l| l.chars().count())
        .sum();
    before + col - 1
}

/// The CEL parser's messages, in plain words: no grammar token lists.
fn plain_syntax_error(msg: &str) -> String {
    // The parser's own limits surface as internal errors; `shape` keeps
    // conditions below them, but never show their debug form.
    if msg.contains("Recursion limit") {
        return "the condition nests too deeply".into();
    }
    if msg.contains("error recovery attempt limit") || msg.starts_with("OtherError") {
        return "the condition could not be read (too many errors in it)".into();
    }
    let msg = msg.trim_start_matches("Syntax error: ");
    let msg = msg.split(" expecting").next().unwrap_or(msg);
    if msg.contains("'<EOF>'") {
        return "the condition ends too early (something is missing at the end)".into();
    }
    msg.replace("mismatched input", "unexpected")
        .replace("extraneous input", "unexpected")
        .replace("token recognition error at:", "unexpected character")
}

/// Walks a compiled expression: collects the free variables it reads and reports
/// unknown names, unknown functions and unknown fields.
struct Walk<'a> {
    names: &'a [&'a str],
    bound: Vec<String>,
    reads: HashSet<String>,
    /// Each with how many characters from the expression's position its word
    /// starts: a field's position is its `.`, a call's its `(`.
    problems: Vec<(u64, isize, String, Option<String>)>,
}

impl Walk<'_> {
    fn expr(&mut self, e: &IdedExpr) {
        match &e.expr {
            Expr::Ident(name) => {
                if name.starts_with('@') || self.bound.iter().any(|b| b == name) {
                    return;
                }
                if self.names.contains(&name.as_str()) {
                    self.reads.insert(name.clone());
                } else {
                    let hint = did_you_mean(name, self.names.iter().copied()).or_else(|| {
                        Some(format!(
                            "the names a condition can use are: {}",
                            self.names.join(", ")
                        ))
                    });
                    self.problems.push((
                        e.id,
                        0,
                        format!("`{name}` is not a name in the evaluation context"),
                        hint,
                    ));
                }
            }
            Expr::Select(sel) => {
                let on_term_map = matches!(&sel.operand.expr, Expr::Ident(n) if n == "term");
                if !on_term_map && !FIELD_NAMES.contains(&sel.field.as_str()) {
                    let hint = did_you_mean(&sel.field, FIELD_NAMES.iter().copied());
                    self.problems.push((
                        e.id,
                        1,
                        format!("`{}` is not a field of a term or an alternative", sel.field),
                        hint,
                    ));
                }
                self.expr(&sel.operand);
            }
            Expr::Call(call) => {
                let name = call.func_name.as_str();
                let is_word = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if is_word && !FUNCTIONS.contains(&name) {
                    let hint = did_you_mean(name, FUNCTIONS.iter().copied());
                    self.problems.push((
                        e.id,
                        -(name.chars().count() as isize),
                        format!("`{name}` is not a CEL function"),
                        hint,
                    ));
                }
                if let Some(t) = &call.target {
                    self.expr(t);
                }
                for a in &call.args {
                    self.expr(a);
                }
            }
            Expr::Comprehension(c) => {
                self.expr(&c.iter_range);
                self.expr(&c.accu_init);
                let before = self.bound.len();
                self.bound.push(c.iter_var.clone());
                if let Some(v) = &c.iter_var2 {
                    self.bound.push(v.clone());
                }
                self.bound.push(c.accu_var.clone());
                self.expr(&c.loop_cond);
                self.expr(&c.loop_step);
                self.expr(&c.result);
                self.bound.truncate(before);
            }
            Expr::List(list) => list.elements.iter().for_each(|x| self.expr(x)),
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::StructField(f) => self.expr(&f.value),
                        EntryExpr::MapEntry(m) => {
                            self.expr(&m.key);
                            self.expr(&m.value);
                        }
                    }
                }
            }
            Expr::Struct(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_context_names_and_bound_variables() {
        let c = Condition::compile(
            "terms.exists(t, t.beyond_walk && t.deal_breaker) || score < 40",
            false,
        )
        .expect("valid");
        assert_eq!(c.reads, vec!["score".to_string(), "terms".to_string()]);
    }

    /// Only a condition with a comprehension runs within the budget; one
    /// without runs directly, to the same outcomes.
    #[test]
    fn only_comprehensions_run_within_the_budget() {
        let cases = [
            ("terms.exists(t, t.deal_breaker)", true),
            ("size(red_flags.filter(f, f == 'rude')) > 0", true),
            ("'rude' in observed || score < 40", false),
            ("term.price.offer > 3 && leverage == 'weak'", false),
        ];
        let text = "title: T\nside: seller\nobserved: [rude]\nterms:\n  - { id: price, wish: 9, want: 6, walk: 4, offer: 5, deal_breaker: true }\n";
        let (b, _) = crate::brief::load_str(std::path::Path::new("t.yaml"), text).expect("loads");
        let facts = crate::assess::derive::facts(&b, jiff::civil::date(2026, 11, 23));
        let mut ctx = crate::assess::context::cel_context(&b, &facts);
        crate::assess::context::add(
            &mut ctx,
            crate::assess::context::exit_variables(crate::assess::Verdict::Caution, &[], &[]),
        );
        for (src, budgeted) in cases {
            let c = Condition::compile(src, true).expect(src);
            assert_eq!(c.guarded.is_some(), budgeted, "{src}");
            let direct = matches!(c.eval(&ctx, |_| None), Outcome::True);
            let ticked = super::super::budget::instrument(&c.expression);
            let within = matches!(
                super::super::budget::execute(&ticked, &ctx),
                Ok(Ok(Value::Bool(true)))
            );
            assert_eq!(direct, within, "{src}");
        }
    }

    #[test]
    fn rejects_unknown_names_with_position_and_suggestion() {
        let errs = Condition::compile("'x' in observd", false).expect_err("unknown name");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].offset, 7);
        assert!(errs[0].message.contains("`observd`"));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `observed`?"));
    }

    #[test]
    fn exit_names_only_in_exit_scripts() {
        assert!(Condition::compile("verdict == 'walk'", false).is_err());
        assert!(Condition::compile("verdict == 'walk'", true).is_ok());
    }

    #[test]
    fn rejects_unknown_fields_and_functions() {
        assert!(Condition::compile("terms.exists(t, t.beyond_wlak)", false).is_err());
        assert!(Condition::compile("sise(terms) > 1", false).is_err());
        assert!(Condition::compile("term.price.beyond_walk", false).is_ok());
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = Condition::compile("score <", false).expect_err("syntax");
        assert_eq!(
            errs[0].message,
            "this condition is not valid CEL: the condition ends too early (something is missing at the end)"
        );
    }
}
