//! Values as people read them, in every human output (DESIGN §5): a term's
//! values with its decimals (0.90 EUR, not 0.9 EUR), thousands grouped
//! (104,000), a true minus sign (−0.03), counts that agree with their unit
//! (1 day, 2 days), scores with one decimal, dates written out.

use crate::assess::{TermFacts, WalkSource};
use crate::brief::{Term, TermKind, TermValue};

/// A number with `decimals` decimals, thousands grouped with commas and a true
/// minus sign: `fixed(-104000.5, 2)` is "−104,000.50".
pub fn fixed(x: f64, decimals: u32) -> String {
    // Usually written from a buffer on the stack into one string of the
    // right size: every value of every term comes through here.
    let kept;
    let owned;
    let s = match std_fixed(x.abs(), decimals) {
        Some(f) => {
            kept = f;
            kept.as_str()
        }
        None => {
            owned = format!("{:.*}", decimals as usize, x.abs());
            owned.as_str()
        }
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    // "−0.00" is zero.
    let zero = s.bytes().all(|b| matches!(b, b'0' | b'.'));
    let negative = x < 0.0 && !zero;
    let digits = int.len();
    let mut grouped = String::with_capacity(
        usize::from(negative) * '−'.len_utf8() + digits + digits / 3 + 1 + frac.len(),
    );
    if negative {
        grouped.push('−');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if !frac.is_empty() {
        grouped.push('.');
        grouped.push_str(frac);
    }
    grouped
}

/// `a` (not negative) with exactly `decimals` decimals, as
/// `format!("{:.*}", decimals, a)` writes it.
#[cfg(test)]
fn plain_decimal(a: f64, decimals: u32) -> String {
    std_decimals(a, decimals).unwrap_or_else(|| format!("{:.*}", decimals as usize, a))
}

/// `v` with `decimals` decimals, as `format!("{v:.decimals$}")` writes it,
/// but without std's exact float formatting, which falls back to its slowest
/// algorithm for most numbers we print (whole amounts, coordinates). The
/// digits come from the integer nearest to `v × 10^decimals`. `None` where that
/// could differ from std, which rounds the exact binary value half to even: a
/// tie or near one, a product too large to be exact, NaN or an infinity.
pub fn std_decimals(v: f64, decimals: u32) -> Option<String> {
    std_fixed(v, decimals).map(|f| f.as_str().to_string())
}

/// What [`std_decimals`] writes, in a buffer of its own (no allocation: an SVG
/// coordinate is formatted this way thousands of times a build).
pub struct Fixed {
    buf: [u8; 32],
    len: usize,
}

impl Fixed {
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }
}

/// [`std_decimals`] without the allocation.
pub fn std_fixed(v: f64, decimals: u32) -> Option<Fixed> {
    if decimals > 9 {
        return None;
    }
    let t = v * 10f64.powi(decimals as i32);
    // A whole product below 10^15 is the exact one: its rounding error is far
    // below a half.
    let whole = t.fract() == 0.0 && t.abs() < 1e15;
    // Below 10^9 the product is within 10^-7 of the exact one, so a value
    // further than 10^-6 from a tie rounds the same way for both.
    let clear = t.abs() < 1e9 && (t.fract().abs() - 0.5).abs() >= 1e-6;
    if !(whole || clear) {
        return None;
    }
    // At most 16 digits (below 10^15, rounded), a sign, a point and nine
    // zeros: 27 bytes of the 32.
    let mut n = t.round().abs() as u64;
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = &digits[start..];
    let d = decimals as usize;
    let mut out = Fixed {
        buf: [0; 32],
        len: 0,
    };
    if v.is_sign_negative() {
        out.push(b'-');
    }
    let int = digits.len().saturating_sub(d);
    if int == 0 {
        out.push(b'0');
    } else {
        digits[..int].iter().for_each(|&b| out.push(b));
    }
    if d > 0 {
        out.push(b'.');
        (digits.len()..d).for_each(|_| out.push(b'0'));
        digits[int..].iter().for_each(|&b| out.push(b));
    }
    Some(out)
}

/// A plain number as people write it (a weight, a setting): as few decimals
/// as it needs, up to two, grouped, with a true minus.
pub fn format_number(x: f64) -> String {
    let d = (0..=2)
        .find(|d| {
            let s = 10f64.powi(*d);
            ((x * s).round() - x * s).abs() < 1e-9
        })
        .unwrap_or(2);
    fixed(x, d as u32)
}

/// A score: one decimal, always ("100.0", "−62.5").
pub fn format_score(x: f64) -> String {
    fixed(x, 1)
}

/// A term value as the brief would write it, without the unit: a number with
/// the term's decimals, an option's name, yes or no.
pub fn describe(v: TermValue, t: &Term) -> String {
    match (v, &t.kind) {
        (TermValue::Number(x), _) => fixed(x, t.decimals),
        (TermValue::Choice(i), TermKind::Choice { options }) => {
            options.get(i).cloned().unwrap_or_default()
        }
        (TermValue::Choice(i), _) => i.to_string(),
        (TermValue::Bool(true), _) => "yes".into(),
        (TermValue::Bool(false), _) => "no".into(),
    }
}

/// Their walk as the pack shows it, None when unknown: an estimate from their
/// concessions is rounded to the step the term's values are written in
/// ("about 97,600 zł", not 97,609: the estimate is not that precise); a value
/// from the brief is shown as written. A term written with decimals keeps
/// them: its estimate is rounded to the last one ("98.50 EUR", as in
/// `assessment.json`), never to a coarser step that the decimals would
/// print as exact ("99.00 EUR").
pub fn their_walk_shown(t: &Term, e: &TermFacts) -> Option<TermValue> {
    let estimated = e.their_walk_source == Some(WalkSource::Offers);
    e.their_walk.map(|v| match v {
        TermValue::Number(x) if estimated => {
            let g = match t.decimals {
                0 => crate::assess::scale::granularity(t),
                d => 10f64.powi(-(d as i32)),
            };
            TermValue::Number(crate::assess::scale::tidy((x / g).round() * g))
        }
        other => other,
    })
}

/// Their walk as a table cell or gauge label: "≈ 97,600 zł" for an estimate,
/// "23,500 zł" for the brief's own figure, empty when unknown.
pub fn their_walk_label(t: &Term, e: &TermFacts) -> String {
    let estimated = e.their_walk_source == Some(WalkSource::Offers);
    their_walk_shown(t, e).map_or_else(String::new, |v| {
        format!(
            "{}{}",
            if estimated { "≈ " } else { "" },
            value_text(t, Some(v))
        )
    })
}

/// A value with its unit ("0.90 EUR", "1 day", "30 days"), or empty when there
/// is no value.
pub fn value_text(t: &Term, v: Option<TermValue>) -> String {
    let Some(v) = v else {
        return String::new();
    };
    match v {
        TermValue::Number(x) => with_unit(&describe(v, t), t.unit.as_deref(), Some(x)),
        _ => describe(v, t),
    }
}

/// A distance in the term's unit ("3 days", "−0.03 EUR"), its decimals kept.
pub fn amount_text(t: &Term, x: f64) -> String {
    with_unit(&fixed(x, t.decimals), t.unit.as_deref(), Some(x))
}

/// `value` followed by its unit, the unit in the singular or plural as the
/// count asks ("1 day", "2 days", "1 week") when it is a unit people count.
pub fn with_unit(value: &str, unit: Option<&str>, count: Option<f64>) -> String {
    // Joined by hand rather than with `format!`: every value of every term
    // is written through here, several times a brief.
    let join = |parts: &[&str]| {
        let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|p| s.push_str(p));
        s
    };
    match unit.map(str::trim) {
        // A percentage is written against its number.
        Some(u @ ("%" | "‰")) => join(&[value, u]),
        // A currency symbol goes before the number and after its sign, as
        // English writes it: "$899", "−£5". A code or a word ("EUR", "zł")
        // follows the number.
        Some(u) if currency_symbol(u) => match value.chars().next() {
            Some(sign @ ('−' | '-' | '+')) => {
                let (sign, rest) = value.split_at(sign.len_utf8());
                join(&[sign, u, rest])
            }
            _ => join(&[u, value]),
        },
        Some(u) if !u.is_empty() => match count {
            Some(n) => join(&[value, " ", &counted(u, n)]),
            None => join(&[value, " ", u]),
        },
        _ => value.to_string(),
    }
}

/// Whether a unit is a currency symbol written before the number: `$` and
/// its prefixed forms (`US$`, `A$`, `R$`), `£`, `€`, `¥`, `₹` and the other
/// single-sign symbols.
fn currency_symbol(unit: &str) -> bool {
    const SIGNS: &[&str] = &[
        "£", "€", "¥", "₹", "₩", "₪", "₱", "₦", "₺", "₫", "₴", "₽", "₿", "¢",
    ];
    SIGNS.contains(&unit)
        || unit.strip_suffix('$').is_some_and(|before| {
            before.len() <= 3 && before.chars().all(|c| c.is_ascii_uppercase())
        })
}

/// Units that are counts of things, singular and plural.
const COUNTED: &[(&str, &str)] = &[
    ("day", "days"),
    ("week", "weeks"),
    ("month", "months"),
    ("year", "years"),
    ("hour", "hours"),
    ("minute", "minutes"),
    ("night", "nights"),
    ("step", "steps"),
    ("seat", "seats"),
    ("user", "users"),
    ("licence", "licences"),
    ("license", "licenses"),
    ("unit", "units"),
    ("item", "items"),
    ("piece", "pieces"),
    ("box", "boxes"),
    ("carton", "cartons"),
    ("pallet", "pallets"),
    ("visit", "visits"),
    ("session", "sessions"),
    ("delivery", "deliveries"),
    ("payment", "payments"),
    ("instalment", "instalments"),
    ("employee", "employees"),
    ("person", "people"),
    ("point", "points"),
    ("round", "rounds"),
    ("working day", "working days"),
    ("business day", "business days"),
];

/// The unit agreeing with the count: exactly 1 (or −1) is singular. A unit
/// that starts with a counted noun agrees by that noun ("1 day a week").
pub fn counted(unit: &str, n: f64) -> String {
    // A brief writes each of its few units many times (every level, offer
    // and step of a term): each agreement is worked out once per thread, and
    // the list starts again rather than grow with every brief.
    thread_local! {
        static AGREED: std::cell::RefCell<Vec<(String, bool, String)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    const KEPT: usize = 32;
    let singular = (n.abs() - 1.0).abs() < 1e-12;
    let known = AGREED.with(|seen| {
        seen.borrow()
            .iter()
            .find(|(u, s, _)| u == unit && *s == singular)
            .map(|(_, _, agreed)| agreed.clone())
    });
    if let Some(agreed) = known {
        return agreed;
    }
    let agreed = agree(unit, singular);
    AGREED.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= KEPT {
            seen.clear();
        }
        seen.push((unit.to_string(), singular, agreed.clone()));
    });
    agreed
}

/// `unit` in the singular or the plural (`counted`, worked out).
fn agree(unit: &str, singular: bool) -> String {
    let lower = unit.to_lowercase();
    for (one, many) in COUNTED {
        for form in [one, many] {
            let rest = match lower.strip_prefix(form) {
                // "days a week", "days/year".
                Some(rest) if rest.is_empty() || rest.starts_with([' ', '/']) => rest,
                _ => continue,
            };
            let word = if singular { one } else { many };
            return format!(
                "{}{}",
                match_case(unit, word),
                &unit[unit.len() - rest.len()..]
            );
        }
    }
    // A counted noun after its adjective: "calendar months", "working day"
    // (two words: in "calls a month" the month is not what is counted).
    if let Some((head, last)) = unit.split_once(' ')
        && !last.contains(' ')
        && let Some((one, many)) = COUNTED
            .iter()
            .find(|(one, many)| last.eq_ignore_ascii_case(one) || last.eq_ignore_ascii_case(many))
    {
        let word = if singular { one } else { many };
        return format!("{head} {}", match_case(last, word));
    }
    if singular && let Some(one) = singular_of(unit) {
        return one;
    }
    unit.to_string()
}

/// A plural English noun at the start of `unit` in the singular ("rounds" →
/// "round", "copies" → "copy", "batches" → "batch"), for counted nouns not on
/// the list; None for what does not look like a plain plural (abbreviations,
/// capitals, "series", "bonus").
fn singular_of(unit: &str) -> Option<String> {
    let (word, rest) = unit.split_at(unit.find(' ').unwrap_or(unit.len()));
    let plain = word.len() >= 4 && word.bytes().all(|b| b.is_ascii_lowercase());
    if !plain || !word.ends_with('s') || ["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return None;
    }
    let one = if let Some(stem) = word.strip_suffix("ies") {
        if matches!(word, "series" | "species") {
            return None;
        }
        format!("{stem}y")
    } else if ["ches", "shes", "xes", "sses"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        word[..word.len() - 2].to_string()
    } else {
        word[..word.len() - 1].to_string()
    };
    Some(format!("{one}{rest}"))
}

/// `word` in the capitalisation of `like` ("Days" → "Day").
fn match_case(like: &str, word: &str) -> String {
    if like.chars().next().is_some_and(char::is_uppercase) {
        let mut c = word.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        word.to_string()
    }
}

/// "1 step", "3 steps": a count and its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How far the offer is inside walk, in words: "3 days", "−0.03 EUR",
/// "1 step", "met".
pub fn gap_text(t: &Term, gap: Option<f64>) -> String {
    match (gap, &t.kind) {
        (None, _) => String::new(),
        (Some(g), TermKind::Choice { .. }) => {
            let n = g.abs().round() as usize;
            let words = count(n, "step", "steps");
            if g < 0.0 {
                format!("−{words}")
            } else {
                words
            }
        }
        (Some(g), TermKind::YesNo) => {
            if g < 0.0 {
                "not met".into()
            } else {
                "met".into()
            }
        }
        (Some(g), _) => amount_text(t, g),
    }
}

pub use crate::english::and_list;

/// "23 November 2026".
pub fn long_date(d: jiff::civil::Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::english::month_name(d.month()),
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_std_writes_them() {
        let mut values = vec![
            0.0,
            0.5,
            1.005,
            2.675,
            0.001,
            0.0049,
            12.0,
            12.5,
            48_500.5,
            99_999.995,
            123_456_789.125,
            1e14,
            1e15 - 1.0,
            1e15,
            1e16,
            3.0e-7,
            1.0 / 3.0,
            0.86,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ];
        // Amounts as briefs write them: whole, halves, cents, thousandths.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let cents = (x % 100_000_000) as f64;
            values.extend([
                cents,
                cents / 2.0,
                cents / 100.0,
                cents / 1000.0,
                cents / 7.0,
            ]);
        }
        for v in values {
            for d in 0..=6 {
                assert_eq!(
                    plain_decimal(v, d),
                    format!("{:.*}", d as usize, v),
                    "{v} with {d}"
                );
            }
        }
    }

    /// Signed values, large and small, whole and not, at every precision:
    /// `std_fixed` writes what `format!` does, or declines.
    #[test]
    fn std_fixed_writes_what_std_writes() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut checked = 0;
        for _ in 0..5_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let base = (x % 2_000_000_000) as f64 - 1_000_000_000.0;
            for v in [
                base,
                base / 10.0,
                base / 1e4,
                base / 1e9,
                base / 3.0,
                -0.0,
                0.04,
                -0.04,
            ] {
                for d in 0..=9 {
                    if let Some(f) = std_fixed(v, d) {
                        assert_eq!(f.as_str(), format!("{:.*}", d as usize, v), "{v} with {d}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 250_000, "{checked}");
    }

    /// `fixed` is std's digits, grouped by threes, with a true minus sign on
    /// anything that does not print as zero.
    #[test]
    fn fixed_is_std_grouped_with_a_true_minus() {
        let reference = |x: f64, d: u32| {
            let s = format!("{:.*}", d as usize, x.abs());
            let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
            let mut out = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
            let zero = s.bytes().all(|b| matches!(b, b'0' | b'.'));
            if x < 0.0 && !zero {
                format!("−{out}")
            } else {
                out
            }
        };
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..60_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mag = 10f64.powi((k % 14) - 3);
            let x = ((seed % 2_000_001) as f64 - 1_000_000.0) / 1_000_000.0 * mag;
            let x = if k % 5 == 0 {
                (x * 100.0).round() / 100.0
            } else {
                x
            };
            for d in 0..=4 {
                assert_eq!(fixed(x, d), reference(x, d), "{x} with {d}");
            }
        }
        for x in [
            0.0,
            -0.0,
            0.005,
            -0.005,
            0.125,
            -2.5,
            1e15,
            -1e15,
            123456789.0,
        ] {
            for d in 0..=6 {
                assert_eq!(fixed(x, d), reference(x, d), "{x} with {d}");
            }
        }
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(fixed(0.9, 2), "0.90");
        assert_eq!(fixed(104000.0, 0), "104,000");
        assert_eq!(fixed(1234567.891, 2), "1,234,567.89");
        assert_eq!(fixed(-0.03, 2), "−0.03");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(999.0, 0), "999");
        assert_eq!(format_score(-62.5), "−62.5");
        assert_eq!(format_score(100.0), "100.0");
        assert_eq!(format_score(37.54), "37.5");
        assert_eq!(format_number(40.0), "40");
        assert_eq!(format_number(0.5), "0.5");
    }

    #[test]
    fn counts_agree_with_their_unit() {
        assert_eq!(with_unit("1", Some("days"), Some(1.0)), "1 day");
        assert_eq!(with_unit("2", Some("day"), Some(2.0)), "2 days");
        assert_eq!(with_unit("1", Some("week"), Some(1.0)), "1 week");
        assert_eq!(with_unit("−1", Some("Days"), Some(-1.0)), "−1 Day");
        assert_eq!(with_unit("1.5", Some("days"), Some(1.5)), "1.5 days");
        assert_eq!(with_unit("1", Some("EUR"), Some(1.0)), "1 EUR");
        assert_eq!(with_unit("1", Some("zł"), Some(1.0)), "1 zł");
        assert_eq!(
            with_unit("1", Some("days a week"), Some(1.0)),
            "1 day a week"
        );
        assert_eq!(
            with_unit("3", Some("day a week"), Some(3.0)),
            "3 days a week"
        );
        assert_eq!(with_unit("6", Some("%"), Some(6.0)), "6%");
        // After an adjective, and before a slash.
        assert_eq!(
            with_unit("1", Some("calendar months"), Some(1.0)),
            "1 calendar month"
        );
        assert_eq!(
            with_unit("2", Some("calendar month"), Some(2.0)),
            "2 calendar months"
        );
        assert_eq!(with_unit("1", Some("days/year"), Some(1.0)), "1 day/year");
        assert_eq!(with_unit("1", Some("daysx"), Some(1.0)), "1 daysx");
        // Counted nouns not on the list agree too, by the usual English ending.
        assert_eq!(with_unit("1", Some("rounds"), Some(1.0)), "1 round");
        assert_eq!(with_unit("2", Some("rounds"), Some(2.0)), "2 rounds");
        assert_eq!(with_unit("1", Some("revisions"), Some(1.0)), "1 revision");
        assert_eq!(with_unit("1", Some("copies"), Some(1.0)), "1 copy");
        assert_eq!(with_unit("1", Some("batches"), Some(1.0)), "1 batch");
        assert_eq!(
            with_unit("1", Some("calls a month"), Some(1.0)),
            "1 call a month"
        );
        // ...but not words that only look plural, nor abbreviations.
        assert_eq!(with_unit("1", Some("series"), Some(1.0)), "1 series");
        assert_eq!(with_unit("1", Some("bonus"), Some(1.0)), "1 bonus");
        assert_eq!(with_unit("1", Some("hrs"), Some(1.0)), "1 hrs");
        assert_eq!(with_unit("1", Some("GBs"), Some(1.0)), "1 GBs");
        assert_eq!(count(1, "step", "steps"), "1 step");
        assert_eq!(count(3, "step", "steps"), "3 steps");
    }

    /// "$899", not "899 $": a currency symbol goes first, after the sign.
    #[test]
    fn currency_symbols_go_before_the_number() {
        assert_eq!(with_unit("29,400", Some("$"), Some(29400.0)), "$29,400");
        assert_eq!(with_unit("−500", Some("£"), Some(-500.0)), "−£500");
        assert_eq!(with_unit("0.90", Some("€"), Some(0.9)), "€0.90");
        assert_eq!(with_unit("1,200", Some("US$"), Some(1200.0)), "US$1,200");
        assert_eq!(
            with_unit("9.40–10.20", Some("$"), Some(10.2)),
            "$9.40–10.20"
        );
        // Codes and words follow the number.
        assert_eq!(with_unit("98,500", Some("zł"), Some(98500.0)), "98,500 zł");
        assert_eq!(
            with_unit("98,500", Some("EUR"), Some(98500.0)),
            "98,500 EUR"
        );
        assert_eq!(with_unit("5", Some("usd$"), Some(5.0)), "5 usd$");
    }
}
