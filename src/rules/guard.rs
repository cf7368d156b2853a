//! A work and size budget for Tera templates and rule texts.
//!
//! Tera 2.4 has no limit of its own (no fuel, no hook in its loop), and a text
//! can loop without end: `{% set_global s = s ~ s %}` forty times allocates a
//! terabyte, nested `range()` loops run for hours, and a loop that prints a
//! brief's notes a hundred thousand times writes gigabytes. Killing a render
//! from outside is impossible (a thread cannot be stopped), so the text itself
//! is made to report its work, before Tera compiles it:
//!
//! - each `{% for %}` body and each component body starts with a call that
//!   counts one step, plus the literal text the body writes;
//! - each list comprehension's source list goes through a call that counts its
//!   length in steps, and each element it makes through one that counts its size;
//! - each `{{ … }}` goes through a call that counts what it writes, and each
//!   `{% set … = … %}` through one that counts (and caps) the value kept;
//! - `join`, `replace` and `indent`, which can multiply a value's size in one
//!   call, are preceded by a filter that computes the size of their result first;
//! - `range()` is replaced by one that counts its length.
//!
//! The calls return their value unchanged (a safe string stays safe), so the
//! output is the same; past a budget they fail, and the failure names the
//! template or rule. Inserted text shifts positions: `Instrumented::original`
//! maps an error back to where the user wrote it.
//!
//! Only a user's templates and rule texts are instrumented. The built-in ones
//! loop over the pack's lists once each and print each value once, so their
//! work grows with the brief (read with a size limit) and nothing else; the
//! calls cost them more than the rest of their render (a tenth of a build's
//! instructions).

use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Steps (loop iterations, list items) one render may take.
pub const MAX_STEPS: u64 = 1_000_000;
/// Bytes one render may produce (written, kept in variables, made by lists).
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;
/// The largest single value a variable may keep, or a filter may make.
pub const MAX_VALUE: u64 = 4 * 1024 * 1024;
/// The time one render may take.
pub const MAX_TIME: Duration = Duration::from_secs(5);

/// Why a render was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Steps,
    Bytes,
    Value,
    Time,
    Cancelled,
}

impl Stop {
    pub fn message(self) -> String {
        match self {
            Stop::Steps => format!(
                "it does too much work: its loops ran more than {} steps",
                crate::english::thousands(MAX_STEPS)
            ),
            Stop::Bytes => format!(
                "it produces too much text: more than {} MB",
                MAX_BYTES / (1024 * 1024)
            ),
            Stop::Value => format!(
                "it builds a value larger than {} MB",
                MAX_VALUE / (1024 * 1024)
            ),
            Stop::Time => format!(
                "it does too much work: it ran for more than {} seconds",
                MAX_TIME.as_secs()
            ),
            Stop::Cancelled => "rendering was cancelled".into(),
        }
    }
}

#[derive(Clone, Copy)]
struct Budget {
    steps: u64,
    bytes: u64,
    deadline: Instant,
    /// The step count at which the clock is read next: reading it at every
    /// step was 0.7% of a build's samples, and a step is far shorter than the
    /// limit.
    clock_at: u64,
    stopped: Option<Stop>,
}

/// How many steps go between two readings of the clock.
const CLOCK_EVERY: u64 = 64;

thread_local! {
    /// The budget of the render running on this thread.
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// Run one render within a fresh budget: its result, and whether the budget
/// stopped it (then the error Tera made of that is best replaced by the plain
/// reason).
pub fn within<T, E>(render: impl FnOnce() -> Result<T, E>) -> (Result<T, E>, Option<Stop>) {
    let previous = BUDGET.with(|cell| {
        cell.replace(Some(Budget {
            steps: 0,
            bytes: 0,
            deadline: Instant::now() + MAX_TIME,
            clock_at: CLOCK_EVERY,
            stopped: None,
        }))
    });
    let result = render();
    let stopped = BUDGET
        .with(|cell| cell.replace(previous))
        .and_then(|b| b.stopped);
    let stopped = if result.is_err() { stopped } else { None };
    (result, stopped)
}

/// Count work; an error once the budget is spent. Outside `within` (a
/// template checked but not rendered), nothing is counted.
fn charge(steps: u64, bytes: u64) -> TeraResult<()> {
    let stop = BUDGET.with(|cell| {
        let mut b = cell.get()?;
        if b.stopped.is_none() {
            b.steps = b.steps.saturating_add(steps);
            b.bytes = b.bytes.saturating_add(bytes);
            b.stopped = if b.steps > MAX_STEPS {
                Some(Stop::Steps)
            } else if b.bytes > MAX_BYTES {
                Some(Stop::Bytes)
            } else if super::budget::CANCEL.load(Ordering::Relaxed) {
                Some(Stop::Cancelled)
            } else if b.steps >= b.clock_at {
                b.clock_at = b.steps.saturating_add(CLOCK_EVERY);
                (Instant::now() > b.deadline).then_some(Stop::Time)
            } else {
                None
            };
        }
        cell.set(Some(b));
        b.stopped
    });
    match stop {
        Some(s) => Err(tera::Error::message(s.message())),
        None => Ok(()),
    }
}

/// Stop the render: a single value is too large.
fn too_large() -> tera::Error {
    BUDGET.with(|cell| {
        if let Some(mut b) = cell.get() {
            b.stopped.get_or_insert(Stop::Value);
            cell.set(Some(b));
        }
    });
    tera::Error::message(Stop::Value.message())
}

/// An upper bound of the bytes a value prints as, counting at most `cap`.
fn size(v: &Value, cap: u64) -> u64 {
    // A loop over an explicit stack: values nest as deep as a template likes.
    let mut total: u64 = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        if total > cap {
            break;
        }
        total += if let Some(s) = v.as_str() {
            s.len() as u64
        } else if let Some(items) = v.as_array() {
            stack.extend(items.iter());
            2 + 2 * items.len() as u64
        } else if let Some(map) = v.as_map() {
            stack.extend(map.values());
            2 + 4 * map.len() as u64 + map.keys().map(|k| k.to_string().len() as u64).sum::<u64>()
        } else if let Some(b) = v.as_bytes() {
            b.len() as u64
        } else {
            24
        };
    }
    total
}

/// Register the budget's functions and filters (and the counting `range`).
pub fn register(tera: &mut Tera) {
    tera.register_function(
        "__walkaway_step",
        |kw: Kwargs, _: &State| -> TeraResult<Value> {
            let bytes = kw.get::<u64>("bytes")?.unwrap_or(0);
            charge(1, bytes)?;
            Ok(Value::from(""))
        },
    );
    tera.register_function(
        "__walkaway_out",
        |kw: Kwargs, _: &State| -> TeraResult<Value> {
            let v = kw.must_get::<Value>("v")?;
            charge(0, size(&v, MAX_BYTES))?;
            Ok(v)
        },
    );
    tera.register_function(
        "__walkaway_keep",
        |kw: Kwargs, _: &State| -> TeraResult<Value> {
            let v = kw.must_get::<Value>("v")?;
            let n = size(&v, MAX_VALUE);
            if n > MAX_VALUE {
                return Err(too_large());
            }
            charge(0, n)?;
            Ok(v)
        },
    );
    tera.register_function(
        "__walkaway_each",
        |kw: Kwargs, _: &State| -> TeraResult<Value> {
            let v = kw.must_get::<Value>("v")?;
            let n = v.len().unwrap_or(0) as u64;
            charge(n, 0)?;
            Ok(v)
        },
    );
    tera.register_function("range", counting_range);
    tera.register_filter(
        "__walkaway_pre_join",
        |v: Value, kw: Kwargs, _: &State| -> TeraResult<Value> {
            let sep = kw.get::<Value>("sep")?.map_or(0, |s| size(&s, MAX_VALUE));
            let items = v.as_array().map_or(0, |a| a.len() as u64);
            let n = size(&v, MAX_VALUE).saturating_add(items.saturating_mul(sep));
            if n > MAX_VALUE {
                return Err(too_large());
            }
            Ok(v)
        },
    );
    tera.register_filter(
        "__walkaway_pre_replace",
        |v: Value, kw: Kwargs, _: &State| -> TeraResult<Value> {
            let from = kw.get::<Value>("from")?;
            let to = kw.get::<Value>("to")?.map_or(0, |s| size(&s, MAX_VALUE));
            if let (Some(s), Some(from)) = (v.as_str(), from.as_ref().and_then(Value::as_str)) {
                let count = if from.is_empty() {
                    s.chars().count() as u64 + 1
                } else {
                    s.matches(from).count() as u64
                };
                let n = (s.len() as u64).saturating_add(count.saturating_mul(to));
                if n > MAX_VALUE {
                    return Err(too_large());
                }
            }
            Ok(v)
        },
    );
    tera.register_filter(
        "__walkaway_pre_indent",
        |v: Value, kw: Kwargs, _: &State| -> TeraResult<Value> {
            let prefix = kw
                .get::<Value>("prefix")?
                .map_or(4, |s| size(&s, MAX_VALUE));
            if let Some(s) = v.as_str() {
                let lines = s.lines().count() as u64 + 1;
                let n = (s.len() as u64).saturating_add(lines.saturating_mul(prefix));
                if n > MAX_VALUE {
                    return Err(too_large());
                }
            }
            Ok(v)
        },
    );
}

/// Tera's `range(start=0, end, step_by=1)`, counting its length in steps.
fn counting_range(kw: Kwargs, _: &State) -> TeraResult<Vec<i64>> {
    let start = kw.get::<i64>("start")?.unwrap_or(0);
    let end = kw.must_get::<i64>("end")?;
    let step = kw.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `step_by` argument of 0",
        ));
    }
    if start > end && step > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    let span = (i128::from(end) - i128::from(start)).unsigned_abs();
    let len = if (end > start) == (step > 0) {
        span.div_ceil(i128::from(step).unsigned_abs())
    } else {
        0
    };
    charge(u64::try_from(len).unwrap_or(u64::MAX), 0)?;
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i);
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    Ok(out)
}

/// A text with the budget's calls inserted, and where they were inserted.
pub struct Instrumented {
    pub text: String,
    /// (offset in `text` where an insertion starts, its length), in order.
    inserts: Vec<(usize, usize)>,
}

impl Instrumented {
    /// A text left as it is: no calls, no budget.
    pub fn as_written(src: &str) -> Instrumented {
        Instrumented {
            text: src.to_string(),
            inserts: Vec::new(),
        }
    }

    /// The offset in the original text of an offset in the instrumented one
    /// (inside an insertion: where it was inserted).
    pub fn original(&self, at: usize) -> usize {
        let mut shift = 0;
        for &(pos, len) in &self.inserts {
            if at < pos {
                break;
            }
            if at < pos + len {
                return pos - shift;
            }
            shift += len;
        }
        at - shift
    }
}

/// Insert the budget's calls into a template or rule text (see the module
/// docs). The text is expected to be valid Tera; anything not understood is
/// left as it is.
pub fn instrument(src: &str) -> Instrumented {
    let edits = super::guard_scan::edits(src);
    let mut text = String::with_capacity(src.len() + edits.len() * 24);
    let mut inserts = Vec::with_capacity(edits.len());
    let mut from = 0;
    for (at, insert) in edits {
        text.push_str(&src[from..at]);
        inserts.push((text.len(), insert.len()));
        text.push_str(&insert);
        from = at;
    }
    text.push_str(&src[from..]);
    Instrumented { text, inserts }
}

/// The names the guard adds (for messages that must not show them).
pub fn is_internal(name: &str) -> bool {
    name.starts_with("__walkaway_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera() -> Tera {
        let mut t = Tera::new();
        t.autoescape_on([".html"]);
        register(&mut t);
        t
    }

    fn ctx() -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("xs", &vec!["a<b", "c", "d"]);
        c.insert("n", &3);
        c.insert("notes", &"line one\nline two");
        c
    }

    /// The clock is read every `CLOCK_EVERY` steps, not at each: a render
    /// past its time still stops within that many.
    #[test]
    fn a_render_past_its_time_stops_within_a_few_steps() {
        let (result, stop) = within(|| {
            BUDGET.with(|cell| {
                let mut b = cell.get().expect("a budget");
                b.deadline = Instant::now();
                cell.set(Some(b));
            });
            let mut steps = 0u64;
            while charge(1, 0).is_ok() && steps < 10 * CLOCK_EVERY {
                steps += 1;
            }
            Err::<(), u64>(steps)
        });
        let steps = result.expect_err("stopped");
        assert!(steps < CLOCK_EVERY, "{steps} steps");
        assert!(matches!(stop, Some(Stop::Time)));
    }

    /// The same output, instrumented or not.
    #[test]
    fn instrumented_templates_render_the_same() {
        for src in [
            "{% for x in xs %}[{{ x }}]{% else %}none{% endfor %}",
            "{%- for x in xs -%}\n  {{- x | upper -}}\n{%- endfor %}",
            "{{ xs | join(sep=', ') }} {{ notes | replace(from='line', to='row') }}",
            "{{ notes | indent(prefix='> ') }}",
            "{% set s = 'a' %}{% for i in range(end=n) %}{% set_global s = s ~ i %}{% endfor %}{{ s }}",
            "{{ [x | upper for x in xs if x != 'c'] | join(sep='') }}",
            "{% set b %}{{ xs | length }}{% endset %}{{ b }}{{ xs[0] | safe }}",
            "{% filter upper %}{% for x in xs %}{{ x }}{% endfor %}{% endfilter %}",
            "{% for i in range(start=5, end=0, step_by=-2) %}{{ i }},{% endfor %}",
            "{{ \"}}\" }}{# {{ for }} #}{% raw %}{{ raw }}{% endraw %}",
            "{% if n > 2 %}{{ n * 2 }}{% elif n %}one{% endif %}",
            "{% for k, v in {'a': 1} %}{{ k }}={{ v }};{% endfor %}",
        ] {
            let plain = tera().render_str(src, &ctx(), true).expect(src);
            let inst = instrument(src);
            let (guarded, stop) = within(|| tera().render_str(&inst.text, &ctx(), true));
            assert_eq!(guarded.expect(&inst.text), plain, "{src}");
            assert_eq!(stop, None);
        }
    }

    fn stopped(src: &str) -> Option<Stop> {
        let inst = instrument(src);
        let (result, stop) = within(|| tera().render_str(&inst.text, &ctx(), true));
        assert!(result.is_err(), "{src} rendered");
        stop
    }

    #[test]
    fn runaway_templates_stop() {
        let doubling = "{% set_global s = 'ab' %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}";
        assert_eq!(stopped(doubling), Some(Stop::Value));
        let nested = "{% for a in range(end=1000) %}{% for b in range(end=1000) %}{% for c in range(end=1000) %}{% endfor %}{% endfor %}{% endfor %}";
        assert_eq!(stopped(nested), Some(Stop::Steps));
        let comprehension =
            "{{ [[y for y in range(end=100000)] | length for x in range(end=100000)] | length }}";
        assert_eq!(stopped(comprehension), Some(Stop::Steps));
        let output = "{% for i in range(end=100000) %}{{ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes ~ notes }}{% endfor %}";
        assert_eq!(stopped(output), Some(Stop::Bytes));
        let capture = "{% set_global s = 'ab' %}{% for i in range(end=40) %}{% set_global s %}{{ s }}{{ s }}{% endset %}{% endfor %}";
        assert_eq!(stopped(capture), Some(Stop::Bytes));
        let join = "{% set big = range(end=50000) | join(sep='abcdefgh') %}{{ range(end=100000) | join(sep=big) | length }}";
        assert_eq!(stopped(join), Some(Stop::Value));
        let replace = "{% set big = range(end=50000) | join(sep='abcdefgh') %}{{ big | replace(from='a', to=big) | length }}";
        assert_eq!(stopped(replace), Some(Stop::Value));
        let literal = "{% for i in range(end=200000) %}0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789{% endfor %}";
        assert_eq!(stopped(literal), Some(Stop::Bytes));
    }
}
