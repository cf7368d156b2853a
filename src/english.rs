//! Small rules of English prose that every text follows: lists joined with
//! "and" ("price, delivery and payment terms"), and the Tera filter that gives
//! rule texts and templates the same (`{{ labels | join_and }}`).

/// "A, B and C"; "A and B"; "A".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// `n` with its thousands grouped by commas, as limits are quoted in
/// messages: 1,000,000.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The `join_and` filter: a list of texts as one phrase. Its items are user
/// text, so the result is escaped like any value when printed.
pub fn join_and_filter(v: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    let items: Vec<String> = match v.as_array() {
        Some(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect(),
        None => return v.clone(),
    };
    tera::Value::from(and_list(&items))
}

/// The English name of a month, 1 to 12 ("November").
pub fn month_name(month: i8) -> &'static str {
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
    MONTHS[usize::try_from(month - 1).unwrap_or(0).min(11)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_joined_with_and() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["price"]), "price");
        assert_eq!(and_list(&["price", "delivery"]), "price and delivery");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn the_filter_joins_in_a_template() {
        let mut tera = tera::Tera::new();
        tera.register_filter("join_and", join_and_filter);
        let mut ctx = tera::Context::new();
        ctx.insert("xs", &["Price", "Lead time", "Delivery"]);
        let out = tera
            .render_str("{{ xs | join_and }}", &ctx, false)
            .expect("renders");
        assert_eq!(out, "Price, Lead time and Delivery");
    }
}
