//! A work budget for evaluating one condition.
//!
//! CEL has no loops but its macros (`all`, `exists`, `exists_one`, `map`,
//! `filter`) expand into comprehensions, and nesting them multiplies: eight
//! nested `[1, 2, …, 10].all(…)` take 10⁸ steps (110 s), and the `cel` crate
//! offers no limit of its own. Everything else in a condition is bounded by the
//! size of its text (see `shape.rs`) and of the brief.
//!
//! So when a condition is compiled, every comprehension in its tree gets a
//! *tick*: a read of the variable `@tick` (a name no condition can write), at a
//! place evaluated once per iteration. The evaluation runs in a scope whose
//! variable resolver answers `@tick` with `true` while the budget lasts, and not
//! at all once it is spent — the read then fails, and the failure ends the
//! evaluation. The budget counts steps (deterministic) and, as a safety net for
//! steps that are each slow, time; a cancellation flag (Ctrl-C in `watch`)
//! ends it too. A condition without a comprehension has no tick, so nothing
//! here could stop it: it runs without the scope (`Condition::eval`).
//!
//! Where the tick goes keeps the crate's own optimisations and semantics: in
//! the loop condition of `all` and `exists` (their step must stay `@result &&
//! x` for errors to be absorbed as CEL says), and inside the appended element of
//! `map` and `filter` (whose step must stay `@result + [x]` to be appended in
//! place rather than copied each time).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use cel::common::ast::{CallExpr, EntryExpr, Expr, ListExpr, LiteralValue, operators};
use cel::common::types::CelBool;
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, IdedExpr, Value};

/// The name the ticks read. CEL identifiers cannot start with `@`, so no
/// condition can name it.
const TICK: &str = "@tick";

/// Iterations of comprehensions one evaluation may run.
pub const MAX_STEPS: u64 = 1_000_000;
/// And the time it may take.
pub const MAX_TIME: Duration = Duration::from_secs(2);

/// Set (by `watch` on Ctrl-C) to end every evaluation and render under way at
/// its next step. An `Arc` because signal handlers are registered with one.
pub static CANCEL: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// Why an evaluation was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Steps,
    Time,
    Cancelled,
}

impl Stop {
    pub fn message(self) -> String {
        match self {
            Stop::Steps => format!(
                "the condition does too much work: its `all`, `exists`, `map` or `filter` loops ran more than {} steps",
                crate::english::thousands(MAX_STEPS)
            ),
            Stop::Time => format!(
                "the condition does too much work: it ran for more than {} seconds",
                MAX_TIME.as_secs()
            ),
            Stop::Cancelled => "the evaluation was cancelled".into(),
        }
    }
}

#[derive(Clone, Copy)]
struct Budget {
    steps: u64,
    max_steps: u64,
    deadline: Instant,
    stopped: Option<Stop>,
}

thread_local! {
    /// The budget of the evaluation running on this thread (one at a time: an
    /// evaluation is synchronous and never nests).
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// Answers `@tick` while the budget of this thread's evaluation lasts.
struct Ticker;

static TRUE: CelBool = CelBool::TRUE;

impl VariableResolver for Ticker {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        if name != TICK {
            return None;
        }
        let go = BUDGET.with(|cell| {
            let Some(mut b) = cell.get() else {
                return true;
            };
            if b.stopped.is_none() {
                b.steps += 1;
                if b.steps > b.max_steps {
                    b.stopped = Some(Stop::Steps);
                } else if b.steps % 16 == 0 {
                    if Instant::now() > b.deadline {
                        b.stopped = Some(Stop::Time);
                    } else if CANCEL.load(Ordering::Relaxed) {
                        b.stopped = Some(Stop::Cancelled);
                    }
                }
            }
            cell.set(Some(b));
            b.stopped.is_none()
        });
        go.then_some(CowVal::Borrowed(&TRUE))
    }
}

static TICKER: Ticker = Ticker;

/// Evaluate an instrumented expression within the budget: the result, or why
/// the budget stopped it.
pub fn execute(expr: &IdedExpr, ctx: &Context) -> Result<cel::ResolveResult, Stop> {
    execute_within(expr, ctx, MAX_STEPS, MAX_TIME)
}

fn execute_within(
    expr: &IdedExpr,
    ctx: &Context,
    max_steps: u64,
    max_time: Duration,
) -> Result<cel::ResolveResult, Stop> {
    let mut scope = ctx.new_inner_scope();
    scope.set_variable_resolver(&TICKER);
    let previous = BUDGET.with(|cell| {
        cell.replace(Some(Budget {
            steps: 0,
            max_steps,
            deadline: Instant::now() + max_time,
            stopped: None,
        }))
    });
    let result = Value::resolve(expr, &scope);
    let stopped = BUDGET
        .with(|cell| cell.replace(previous))
        .and_then(|b| b.stopped);
    match stopped {
        Some(stop) => Err(stop),
        None => Ok(result),
    }
}

/// A copy of `expr` with a tick in every comprehension (see the module docs).
/// Recursion is bounded: `shape` capped the tree's depth before it was parsed.
pub fn instrument(expr: &IdedExpr) -> IdedExpr {
    let mut e = expr.clone();
    add_ticks(&mut e);
    e
}

fn add_ticks(e: &mut IdedExpr) {
    match &mut e.expr {
        Expr::Comprehension(c) => {
            for part in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                add_ticks(part);
            }
            if !matches!(c.loop_cond.expr, Expr::Literal(_)) {
                // `all`, `exists`: once per iteration, before the step.
                tick_before(
                    &mut c.loop_cond,
                    literal(LiteralValue::Boolean(false.into())),
                );
            } else if let Some(slot) = appended(&mut c.loop_step, &c.accu_var) {
                // `map`, `filter`: in the element appended (or its guard).
                tick_before(slot, literal(LiteralValue::Null));
            } else {
                // Anything else (`exists_one`): around the step.
                let keep = ident(&c.accu_var);
                tick_before(&mut c.loop_step, keep);
            }
        }
        Expr::Call(call) => {
            if let Some(t) = &mut call.target {
                add_ticks(t);
            }
            call.args.iter_mut().for_each(add_ticks);
        }
        Expr::Select(sel) => add_ticks(&mut sel.operand),
        Expr::List(list) => list.elements.iter_mut().for_each(add_ticks),
        Expr::Map(map) => {
            for entry in &mut map.entries {
                match &mut entry.expr {
                    EntryExpr::StructField(f) => add_ticks(&mut f.value),
                    EntryExpr::MapEntry(m) => {
                        add_ticks(&mut m.key);
                        add_ticks(&mut m.value);
                    }
                }
            }
        }
        Expr::Struct(_) | Expr::Literal(_) | Expr::Ident(_) | Expr::Unspecified => {}
    }
}

/// In a `map`/`filter` step — `@result + [x]`, or `cond ? @result + [x] :
/// @result` — the expression evaluated once per iteration: the guard `cond`
/// when there is one, else the element `x`.
fn appended<'e>(step: &'e mut IdedExpr, accu: &str) -> Option<&'e mut IdedExpr> {
    let Expr::Call(call) = &mut step.expr else {
        return None;
    };
    if call.func_name == operators::CONDITIONAL && call.args.len() == 3 {
        return call.args.first_mut();
    }
    if call.func_name != operators::ADD || call.args.len() != 2 {
        return None;
    }
    let is_accu = matches!(&call.args[0].expr, Expr::Ident(n) if n == accu);
    match &mut call.args[1].expr {
        Expr::List(ListExpr { elements, .. }) if is_accu && elements.len() == 1 => {
            elements.first_mut()
        }
        _ => None,
    }
}

/// `slot` becomes `@tick ? slot : otherwise` (`otherwise` is never taken:
/// `@tick` is true or fails).
fn tick_before(slot: &mut IdedExpr, otherwise: IdedExpr) {
    let inner = std::mem::take(slot);
    *slot = IdedExpr {
        id: inner.id,
        expr: Expr::Call(CallExpr {
            func_name: operators::CONDITIONAL.to_string(),
            target: None,
            args: vec![ident(TICK), inner, otherwise],
        }),
    };
}

fn ident(name: &str) -> IdedExpr {
    IdedExpr {
        id: 0,
        expr: Expr::Ident(name.to_string()),
    }
}

fn literal(v: LiteralValue) -> IdedExpr {
    IdedExpr {
        id: 0,
        expr: Expr::Literal(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run with a small step budget and time enough never to matter: the
    /// outcome must not depend on the machine's speed.
    fn run(src: &str) -> Result<cel::ResolveResult, Stop> {
        let p = cel::Program::compile(src).expect("compiles");
        let mut ctx = Context::default();
        ctx.add_variable_from_value("xs", vec![1i64, 2, 3]);
        execute_within(
            &instrument(p.expression()),
            &ctx,
            20_000,
            Duration::from_secs(3600),
        )
    }

    #[test]
    fn instrumented_macros_give_the_same_answers() {
        for (src, want) in [
            ("xs.all(x, x > 0)", Value::Bool(true)),
            ("xs.exists(x, x > 2)", Value::Bool(true)),
            ("xs.exists_one(x, x > 1)", Value::Bool(false)),
            ("xs.map(x, x * 2) == [2, 4, 6]", Value::Bool(true)),
            ("xs.map(x, x > 1, x) == [2, 3]", Value::Bool(true)),
            ("xs.filter(x, x != 2) == [1, 3]", Value::Bool(true)),
            ("[].all(x, x)", Value::Bool(true)),
            // An error in one element is absorbed by a deciding other one.
            ("[1, 'a'].exists(x, x == 1 || x > 0)", Value::Bool(true)),
            ("xs.all(x, xs.exists(y, y == x))", Value::Bool(true)),
        ] {
            assert_eq!(run(src), Ok(Ok(want)), "{src}");
        }
    }

    #[test]
    fn nested_loops_stop_at_the_step_budget() {
        let ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
        let deep = format!(
            "{}true{}",
            format!("{ten}.all(a, ").repeat(5),
            ")".repeat(5)
        );
        assert_eq!(run(&deep), Err(Stop::Steps));
        let maps = format!(
            "{ten}.map(a, {ten}.map(b, {ten}.map(c, {ten}.map(d, {ten}.map(e, e))))) == []"
        );
        assert_eq!(run(&maps), Err(Stop::Steps));
        let mut filters = format!("{ten}.exists_one(f, true)");
        for v in ["d", "c", "b", "a"] {
            filters = format!("{ten}.filter({v}, {filters}).size() > 0");
        }
        assert_eq!(run(&filters), Err(Stop::Steps));
        // The budget is per evaluation: the next one starts afresh.
        assert_eq!(run("xs.all(x, x > 0)"), Ok(Ok(Value::Bool(true))));
    }
}
