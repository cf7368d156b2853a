//! The types of the evaluation context, and a check of each condition against
//! them when the rules load: `score > 'x'` compares a number with text, and no
//! brief can ever make it true or false — the rule itself is wrong, so it is an
//! error in the rules file (with its line and column), not a rule listed as
//! "not evaluable" for every brief.
//!
//! The table is keyed by the names `cond.rs` accepts (`CONTEXT_NAMES`,
//! `EXIT_NAMES`, `FIELD_NAMES`); a name missing from it is checked as "any
//! type". Values that may be missing (a term's offer, the score without any
//! offer) are typed by what they are when present: missing data is decided per
//! brief, at evaluation.

use cel::common::ast::{EntryExpr, Expr, LiteralValue, operators};
use cel::{IdedExpr, Program};

/// A type as far as the check needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Bool,
    Num,
    Str,
    /// A list of this.
    List(Box<Ty>),
    /// A map from text to this (`term`, by id).
    Map(Box<Ty>),
    /// A term of the brief.
    Term,
    /// An alternative of the brief.
    Alt,
    /// `null` written in the condition.
    Null,
    /// Not known here: accepted everywhere.
    Any,
}

impl Ty {
    fn word(&self) -> &'static str {
        match self {
            Ty::Bool => "true or false",
            Ty::Num => "a number",
            Ty::Str => "text",
            Ty::List(_) => "a list",
            Ty::Map(_) | Ty::Term | Ty::Alt => "a map",
            Ty::Null => "null",
            Ty::Any => "a value",
        }
    }

    fn known(&self) -> bool {
        !matches!(self, Ty::Any | Ty::Null)
    }
}

/// The type of a name of the evaluation context (DESIGN §4).
pub fn context_type(name: &str) -> Ty {
    match name {
        "side" | "relationship" | "investment" | "authority" | "leverage" | "verdict" => Ty::Str,
        "terms" => Ty::List(Box::new(Ty::Term)),
        "term" => Ty::Map(Box::new(Ty::Term)),
        "observed" | "deal_breakers" | "red_flags" => Ty::List(Box::new(Ty::Str)),
        "alternatives" => Ty::List(Box::new(Ty::Alt)),
        "options" | "score" | "batna_score" | "rounds_without_movement" | "days_to_deadline" => {
            Ty::Num
        }
        "retracted" | "stakeholders_aligned" => Ty::Bool,
        _ => Ty::Any,
    }
}

/// The type of a field of a term; None when a term has no such field.
fn term_field(name: &str) -> Option<Ty> {
    Some(match name {
        "id" | "label" | "unit" | "kind" | "better" | "position" => Ty::Str,
        "deal_breaker" | "has_offer" | "beyond_walk" | "near_walk" | "walk_below_batna"
        | "no_zopa" => Ty::Bool,
        "weight" | "gap_to_walk" | "score" => Ty::Num,
        "their_walk_source" => Ty::Str,
        // `{low, high}`, or null.
        "zopa" => Ty::Map(Box::new(Ty::Num)),
        // A number, an option (text) or yes/no, by the term's kind.
        "wish" | "want" | "walk" | "offer" | "our_last" | "batna_value" | "their_walk" => Ty::Any,
        "name" | "summary" | "has_terms" | "low" | "high" => return None,
        _ => Ty::Any,
    })
}

/// The type of a field of an alternative; None when it has no such field.
fn alt_field(name: &str) -> Option<Ty> {
    Some(match name {
        "name" | "summary" => Ty::Str,
        "has_terms" => Ty::Bool,
        "score" => Ty::Num,
        "id" | "label" | "unit" | "kind" | "better" | "deal_breaker" | "weight" | "wish"
        | "want" | "walk" | "offer" | "has_offer" | "position" | "beyond_walk" | "near_walk"
        | "gap_to_walk" | "our_last" | "batna_value" | "walk_below_batna" | "their_walk"
        | "their_walk_source" | "zopa" | "no_zopa" | "low" | "high" => return None,
        _ => Ty::Any,
    })
}

/// A type error: the node it is about, and what is wrong.
pub struct TypeProblem {
    pub id: u64,
    pub message: String,
}

/// Check a compiled condition; every problem found.
pub fn check(program: &Program) -> Vec<TypeProblem> {
    let mut c = Checker {
        bound: Vec::new(),
        problems: Vec::new(),
    };
    let t = c.expr(program.expression());
    if t.known() && t != Ty::Bool {
        c.problem(
            program.expression(),
            format!(
                "a condition must be true or false, but this is {}",
                t.word()
            ),
        );
    }
    c.problems
}

struct Checker {
    /// Variables bound by comprehensions, innermost last.
    bound: Vec<(String, Ty)>,
    problems: Vec<TypeProblem>,
}

impl Checker {
    fn problem(&mut self, e: &IdedExpr, message: String) {
        if !self.problems.iter().any(|p| p.id == e.id) {
            self.problems.push(TypeProblem { id: e.id, message });
        }
    }

    /// The type of `e`. Recursion is bounded by `shape`'s depth limit.
    fn expr(&mut self, e: &IdedExpr) -> Ty {
        match &e.expr {
            Expr::Literal(l) => match l {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Int(_) | LiteralValue::UInt(_) | LiteralValue::Double(_) => Ty::Num,
                LiteralValue::String(_) => Ty::Str,
                LiteralValue::Null => Ty::Null,
                LiteralValue::Bytes(_) => Ty::Any,
            },
            Expr::Ident(name) => match self.bound.iter().rev().find(|(n, _)| n == name) {
                Some((_, t)) => t.clone(),
                None => context_type(name),
            },
            Expr::Select(sel) => {
                let on = self.expr(&sel.operand);
                let field = &sel.field;
                let found = match &on {
                    Ty::Term => term_field(field).ok_or("a term"),
                    Ty::Alt => alt_field(field).ok_or("an alternative"),
                    Ty::Map(inner) => Ok((**inner).clone()),
                    Ty::Any | Ty::Null => Ok(Ty::Any),
                    other => {
                        let what = other.word();
                        self.problem(
                            e,
                            format!(
                                "{} is {what}: it has no field `{field}`",
                                name(&sel.operand)
                            ),
                        );
                        Ok(Ty::Any)
                    }
                };
                let t = found.unwrap_or_else(|of| {
                    self.problem(e, format!("`{field}` is not a field of {of}"));
                    Ty::Any
                });
                if sel.test { Ty::Bool } else { t }
            }
            Expr::List(list) => {
                let items: Vec<Ty> = list.elements.iter().map(|x| self.expr(x)).collect();
                let first = items.first().cloned().unwrap_or(Ty::Any);
                let same = items.iter().all(|t| *t == first);
                Ty::List(Box::new(if same { first } else { Ty::Any }))
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::StructField(f) => {
                            self.expr(&f.value);
                        }
                        EntryExpr::MapEntry(m) => {
                            self.expr(&m.key);
                            self.expr(&m.value);
                        }
                    }
                }
                Ty::Map(Box::new(Ty::Any))
            }
            Expr::Comprehension(c) => {
                let range = self.expr(&c.iter_range);
                let item = match &range {
                    Ty::List(t) => (**t).clone(),
                    Ty::Map(_) | Ty::Term | Ty::Alt => Ty::Str,
                    Ty::Any | Ty::Null => Ty::Any,
                    other => {
                        let what = other.word();
                        self.problem(
                            &c.iter_range,
                            format!(
                                "{} is {what}; `exists`, `all`, `map` and `filter` need a list",
                                name(&c.iter_range)
                            ),
                        );
                        Ty::Any
                    }
                };
                let init = self.expr(&c.accu_init);
                let before = self.bound.len();
                self.bound.push((c.iter_var.clone(), item));
                if let Some(v) = &c.iter_var2 {
                    self.bound.push((v.clone(), Ty::Any));
                }
                // The accumulator's type is the macro's; lists are typed loosely.
                let accu = match init {
                    Ty::List(_) => Ty::List(Box::new(Ty::Any)),
                    other => other,
                };
                self.bound.push((c.accu_var.clone(), accu));
                self.expr(&c.loop_cond);
                self.expr(&c.loop_step);
                let t = self.expr(&c.result);
                self.bound.truncate(before);
                t
            }
            Expr::Call(call) => {
                let target = call.target.as_deref().map(|t| (t, self.expr(t)));
                let args: Vec<Ty> = call.args.iter().map(|a| self.expr(a)).collect();
                self.call(e, &call.func_name, target, &call.args, &args)
            }
            Expr::Struct(_) | Expr::Unspecified => Ty::Any,
        }
    }

    fn call(
        &mut self,
        e: &IdedExpr,
        func: &str,
        target: Option<(&IdedExpr, Ty)>,
        arg_exprs: &[IdedExpr],
        args: &[Ty],
    ) -> Ty {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Ty::Any);
        let shown = |i: usize| arg_exprs.get(i).map_or_else(|| "it".to_string(), name);
        match func {
            operators::LOGICAL_AND | operators::LOGICAL_OR | operators::LOGICAL_NOT => {
                let op = match func {
                    operators::LOGICAL_AND => "`&&`",
                    operators::LOGICAL_OR => "`||`",
                    _ => "`!`",
                };
                for (i, x) in arg_exprs.iter().enumerate() {
                    let t = arg(i);
                    if t.known() && t != Ty::Bool {
                        self.problem(
                            x,
                            format!("{op} needs true or false, but {} is {}", shown(i), t.word()),
                        );
                    }
                }
                Ty::Bool
            }
            operators::EQUALS | operators::NOT_EQUALS => {
                let (a, b) = (arg(0), arg(1));
                if a.known() && b.known() && scalar(&a) && scalar(&b) && a != b {
                    self.problem(
                        e,
                        format!(
                            "this compares {} ({}) with {} ({}): they can never be equal",
                            a.word(),
                            shown(0),
                            b.word(),
                            shown(1)
                        ),
                    );
                }
                Ty::Bool
            }
            operators::LESS
            | operators::LESS_EQUALS
            | operators::GREATER
            | operators::GREATER_EQUALS => {
                let (a, b) = (arg(0), arg(1));
                for (i, t) in [(0, &a), (1, &b)] {
                    if t.known() && !matches!(t, Ty::Num | Ty::Str) {
                        self.problem(
                            &arg_exprs[i],
                            format!("{} is {}: it cannot be ordered", shown(i), t.word()),
                        );
                        return Ty::Bool;
                    }
                }
                if a.known() && b.known() && a != b {
                    self.problem(
                        e,
                        format!(
                            "this compares {} ({}) with {} ({})",
                            a.word(),
                            shown(0),
                            b.word(),
                            shown(1)
                        ),
                    );
                }
                Ty::Bool
            }
            operators::ADD => {
                let (a, b) = (arg(0), arg(1));
                let fits = |t: &Ty| matches!(t, Ty::Num | Ty::Str | Ty::List(_));
                if a.known() && b.known() {
                    let same_kind = std::mem::discriminant(&a) == std::mem::discriminant(&b);
                    if !fits(&a) || !fits(&b) || !same_kind {
                        self.problem(
                            e,
                            format!(
                                "`+` cannot add {} ({}) and {} ({})",
                                a.word(),
                                shown(0),
                                b.word(),
                                shown(1)
                            ),
                        );
                        return Ty::Any;
                    }
                }
                if a.known() { a } else { b }
            }
            operators::SUBSTRACT
            | operators::MULTIPLY
            | operators::DIVIDE
            | operators::MODULO
            | operators::NEGATE => {
                for (i, x) in arg_exprs.iter().enumerate() {
                    let t = arg(i);
                    if t.known() && t != Ty::Num {
                        self.problem(
                            x,
                            format!("arithmetic needs numbers, but {} is {}", shown(i), t.word()),
                        );
                    }
                }
                Ty::Num
            }
            operators::IN => {
                let within = arg(1);
                match within {
                    Ty::List(_) | Ty::Map(_) | Ty::Term | Ty::Alt | Ty::Any | Ty::Null => {}
                    other => self.problem(
                        e,
                        format!(
                            "`in` needs a list (or a map) on its right, but {} is {}",
                            shown(1),
                            other.word()
                        ),
                    ),
                }
                Ty::Bool
            }
            operators::INDEX => match (arg(0), arg(1)) {
                (Ty::List(t), i) => {
                    if i.known() && i != Ty::Num {
                        self.problem(
                            e,
                            format!("a list is indexed by a number, not {}", i.word()),
                        );
                    }
                    *t
                }
                (Ty::Map(t), _) => *t,
                (Ty::Term, Ty::Str) | (Ty::Alt, Ty::Str) => Ty::Any,
                (Ty::Any | Ty::Null, _) => Ty::Any,
                (other, _) => {
                    self.problem(
                        e,
                        format!("{} is {}: it cannot be indexed", shown(0), other.word()),
                    );
                    Ty::Any
                }
            },
            operators::CONDITIONAL => {
                let c = arg(0);
                if c.known() && c != Ty::Bool {
                    self.problem(
                        &arg_exprs[0],
                        format!(
                            "`? :` needs true or false before `?`, but this is {}",
                            c.word()
                        ),
                    );
                }
                let (a, b) = (arg(1), arg(2));
                if a == b { a } else { Ty::Any }
            }
            operators::NOT_STRICTLY_FALSE => Ty::Bool,
            "size" => {
                let t = target
                    .as_ref()
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| arg(0));
                if t.known()
                    && !matches!(t, Ty::List(_) | Ty::Map(_) | Ty::Str | Ty::Term | Ty::Alt)
                {
                    let shown_t = target.map_or_else(|| shown(0), |(x, _)| name(x));
                    self.problem(
                        e,
                        format!("`size` needs a list or text, but {shown_t} is {}", t.word()),
                    );
                }
                Ty::Num
            }
            "contains" | "startsWith" | "endsWith" | "matches" => {
                if let Some((x, t)) = &target
                    && t.known()
                    && *t != Ty::Str
                {
                    self.problem(
                        e,
                        format!("`{func}` works on text, but {} is {}", name(x), t.word()),
                    );
                }
                Ty::Bool
            }
            "int" | "uint" | "double" | "max" | "min" => Ty::Num,
            "string" => Ty::Str,
            "bool" => Ty::Bool,
            _ => Ty::Any,
        }
    }
}

fn scalar(t: &Ty) -> bool {
    matches!(t, Ty::Bool | Ty::Num | Ty::Str)
}

/// How to name an expression in a message: its path (`term.price.offer`), a
/// literal as written, or "this value".
fn name(e: &IdedExpr) -> String {
    fn path(e: &IdedExpr) -> Option<String> {
        match &e.expr {
            Expr::Ident(n) => Some(n.clone()),
            Expr::Select(s) => Some(format!("{}.{}", path(&s.operand)?, s.field)),
            _ => None,
        }
    }
    if let Some(p) = path(e) {
        return format!("`{p}`");
    }
    match &e.expr {
        Expr::Literal(LiteralValue::String(s)) => format!("`'{}'`", s.inner()),
        Expr::Literal(LiteralValue::Int(i)) => format!("`{}`", i.inner()),
        Expr::Literal(LiteralValue::Double(d)) => format!("`{}`", d.inner()),
        Expr::Literal(LiteralValue::Boolean(b)) => format!("`{}`", b.inner()),
        _ => "this value".into(),
    }
}

#[cfg(test)]
#[path = "types_tests.rs"]
mod tests;
