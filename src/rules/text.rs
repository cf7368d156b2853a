//! Rule texts (`why`, `advice`, `say`, a letter's subject and body) are Tera
//! templates, each compiled once and kept, so that rendering it for each brief
//! (in the compose stage, within the work budget of `guard`) does not parse it
//! again. A user's text is compiled when the rules load, so a syntax mistake is
//! reported at its line before any brief is read; a built-in text (known good:
//! a test compiles every one) is compiled the first time it renders, so that
//! checking one brief does not pay for the texts of rules that did not fire.

use std::sync::{Arc, OnceLock};

use tera::{ErrorKind, Tera};

use super::guard;

/// What rule texts see besides the names conditions see (`cond::CONTEXT_NAMES`
/// and `cond::EXIT_NAMES`): the compose stage's `TextViews`, whose test keeps
/// this list in step.
pub const TEXT_NAMES: &[&str] = &[
    "brief",
    "met",
    "unmet",
    "batna",
    "tone",
    "sign_off",
    "greeting",
    "topic",
    "voice",
    "retractions",
    "taken_back",
    "past_walk",
    "walk_gaps",
    "score_text",
];

/// What an exit script's lines and letter see besides: what fired, with its
/// rendered text (rendered after the deal breakers' and red flags' texts).
pub const EXIT_TEXT_NAMES: &[&str] = &["fired"];

/// The fields of the values rule texts see, as read after a `.` (`t.label`,
/// `brief.us.name`, `voice.We`), besides the keys that are a brief's term ids
/// (`term.price`, an offer's `terms.price`). The compose stage's test keeps
/// the list in step with the views.
pub const TEXT_FIELDS: &[&str] = &[
    "Our",
    "We",
    "We_re",
    "advice",
    "alternatives",
    "authority",
    "batna",
    "batna_score",
    "batna_text",
    "batna_value",
    "better",
    "beyond",
    "beyond_walk",
    "brief",
    "date",
    "days_to_deadline",
    "deadline",
    "deal_breaker",
    "deal_breakers",
    "email",
    "falls_short",
    "falls_short_text",
    "fired",
    "from",
    "gap_text",
    "gap_to_walk",
    "gives",
    "greeting",
    "has_offer",
    "has_terms",
    "high",
    "id",
    "investment",
    "kind",
    "label",
    "letter",
    "leverage",
    "limit",
    "low",
    "met",
    "name",
    "near_walk",
    "no_zopa",
    "notes",
    "observed",
    "offer",
    "offer_text",
    "offered",
    "offers",
    "options",
    "organisation",
    "our",
    "our_last",
    "our_last_text",
    "past_walk",
    "plural",
    "position",
    "red_flags",
    "relationship",
    "retracted",
    "retractions",
    "role",
    "rounds_without_movement",
    "salutation",
    "score",
    "score_text",
    "severity",
    "side",
    "sign_off",
    "signed_off",
    "stakeholders",
    "stakeholders_aligned",
    "summary",
    "taken_back",
    "term",
    "terms",
    "text",
    "their_walk",
    "their_walk_source",
    "their_walk_text",
    "them",
    "title",
    "tone",
    "topic",
    "unit",
    "unmet",
    "us",
    "verdict",
    "voice",
    "walk",
    "walk_below_batna",
    "walk_gaps",
    "walk_text",
    "want",
    "want_text",
    "we",
    "we_re",
    "weight",
    "why",
    "wish",
    "wish_text",
    "yes_no",
    "zopa",
];

/// The fields of Tera's `loop`.
const LOOP_FIELDS: &[&str] = &["index", "index0", "first", "last", "length"];

/// The fields a text reads that no value it is given has, each with its byte
/// offset and a suggestion. What follows `term.` or `terms.` is a term id
/// (the brief's own word), and is not checked.
pub fn unknown_fields(source: &str) -> Vec<(usize, String, Option<String>)> {
    super::guard_scan::field_names(source)
        .into_iter()
        .filter_map(|(at, name, owner)| {
            let known: &[&str] = match owner {
                Some("term" | "terms") => return None,
                Some("loop") => LOOP_FIELDS,
                _ => TEXT_FIELDS,
            };
            (!known.contains(&name)).then(|| {
                let hint = crate::diag::did_you_mean(name, known.iter().copied());
                (at, name.to_string(), hint)
            })
        })
        .collect()
}

/// The names a text reads that it is not given, each with its byte offset and
/// a suggestion; `exit`: the text is an exit script's.
pub fn unknown_names(source: &str, exit: bool) -> Vec<(usize, String, Option<String>)> {
    use super::cond::{CONTEXT_NAMES, EXIT_NAMES};
    let known = || {
        CONTEXT_NAMES
            .iter()
            .chain(EXIT_NAMES)
            .chain(TEXT_NAMES)
            .chain(if exit { EXIT_TEXT_NAMES } else { &[] })
            .copied()
    };
    super::guard_scan::context_names(source)
        .into_iter()
        .filter(|(_, n)| !known().any(|k| k == *n))
        .map(|(at, n)| {
            let hint = if !exit && EXIT_TEXT_NAMES.contains(&n) {
                Some(format!(
                    "`{n}` is only known to exit scripts' lines and letters"
                ))
            } else {
                crate::diag::did_you_mean(n, known())
            };
            (at, n.to_string(), hint)
        })
        .collect()
}

/// Every name a text can be given, in the order of `Reads`' bits: the
/// context's, exit scripts', the views' and `fired`.
pub fn given_names() -> impl Iterator<Item = &'static str> {
    GIVEN.iter().flat_map(|names| names.iter()).copied()
}

/// The lists `given_names` reads, in order.
const GIVEN: [&[&str]; 4] = [
    super::cond::CONTEXT_NAMES,
    super::cond::EXIT_NAMES,
    TEXT_NAMES,
    EXIT_TEXT_NAMES,
];

/// The bit of `name` in [`Reads`]: its place in `given_names`.
pub const fn bit_of(name: &str) -> Option<u32> {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut bit = 0;
    let mut l = 0;
    while l < GIVEN.len() {
        let mut j = 0;
        while j < GIVEN[l].len() {
            if same(GIVEN[l][j], name) {
                return Some(bit);
            }
            bit += 1;
            j += 1;
        }
        l += 1;
    }
    None
}

/// Tera's name for the whole context: a text that mentions it reads every name.
const WHOLE_CONTEXT: &str = "__tera_context";

/// Which of the names a text can be given (`given_names`) it mentions, one
/// bit each, so that the texts rendered for a brief are given only what they
/// read: turning all the views into Tera's values was 8% of `check`'s samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reads(u64);

const _: () = assert!(
    super::cond::CONTEXT_NAMES.len()
        + super::cond::EXIT_NAMES.len()
        + TEXT_NAMES.len()
        + EXIT_TEXT_NAMES.len()
        <= 64,
    "one bit per name"
);

impl Reads {
    /// Every name.
    pub const ALL: Reads = Reads(u64::MAX);

    /// The names `source` mentions anywhere in its tags and expressions. A
    /// word that is also bound in the text (`for term in terms`) counts, so
    /// a name is never left out: at worst one more value is given.
    pub fn of(source: &str) -> Reads {
        let mut bits = 0;
        for word in super::guard_scan::identifiers(source) {
            if word == WHOLE_CONTEXT {
                return Reads::ALL;
            }
            if let Some(i) = bit_of(word) {
                bits |= 1 << i;
            }
        }
        Reads(bits)
    }

    /// Whether `name` is among them (a name no text can be given is not).
    pub fn has(self, name: &str) -> bool {
        bit_of(name).is_some_and(|i| self.has_bit(i))
    }

    /// Whether the name with bit `i` ([`bit_of`]) is among them: for a name
    /// known when compiling, `has_bit(const { … })` looks for it once, there.
    pub const fn has_bit(self, i: u32) -> bool {
        self.0 & (1 << i) != 0
    }

    /// The names either reads.
    pub fn with(self, other: Reads) -> Reads {
        Reads(self.0 | other.0)
    }
}

/// The name of the one template in a text's Tera instance.
const NAME: &str = "rule text";

/// How the values a text prints are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Printed as they are (a `say` line, a subject, a `why`).
    None,
    /// Markdown-escaped (a letter body, which is Markdown).
    Markdown,
}

/// A rule text: as written, and compiled (with the budget's calls in it).
#[derive(Clone)]
pub struct Text {
    pub source: String,
    escape: Escape,
    compiled: Arc<OnceLock<Result<Tera, SyntaxError>>>,
    reads: Arc<OnceLock<Reads>>,
    /// With the budget's calls (a user's text); the built-in texts render
    /// without them.
    guarded: bool,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Text").field(&self.source).finish()
    }
}

/// A Tera instance for rule texts: our filters and the budget's calls.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("join_and", crate::english::join_and_filter);
    guard::register(&mut tera);
    tera
}

impl Text {
    /// Compile a text. A syntax error is reported against the text as written
    /// (its line and column within the text); the names it reads are checked by the loader (`unknown_names`).
    pub fn compile(source: String, escape: Escape) -> Result<Text, SyntaxError> {
        let tera = build(&source, escape, true)?;
        Ok(Text {
            source,
            escape,
            compiled: Arc::new(OnceLock::from(Ok(tera))),
            reads: Arc::default(),
            guarded: true,
        })
    }

    /// A built-in rule's text: compiled the first time it renders, and
    /// without the budget's calls. Each prints a few names of the brief once
    /// (no loop runs longer than a list of the brief), and the calls cost
    /// more than the rest of its render.
    pub fn deferred(source: String, escape: Escape) -> Text {
        Text {
            source,
            escape,
            compiled: Arc::new(OnceLock::new()),
            reads: Arc::default(),
            guarded: false,
        }
    }

    /// The names the text mentions, found the first time they are asked for.
    pub fn reads(&self) -> Reads {
        *self.reads.get_or_init(|| Reads::of(&self.source))
    }

    /// Compiles the text now if it was deferred; its syntax error if any.
    pub fn check(&self) -> Result<(), String> {
        self.compiled().map(|_| ())
    }

    fn compiled(&self) -> Result<&Tera, String> {
        self.compiled
            .get_or_init(|| build(&self.source, self.escape, self.guarded))
            .as_ref()
            .map_err(ToString::to_string)
    }

    /// Render for one brief. A text that loops past the budget stops with a
    /// message that says so.
    pub fn render(&self, ctx: &tera::Context) -> Result<String, String> {
        let tera = self.compiled()?;
        let (result, stop) = guard::within(|| tera.render(NAME, ctx));
        result.map_err(|e| match (stop, e.kind()) {
            (Some(stop), _) => stop.message(),
            (None, ErrorKind::RenderingError(r) | ErrorKind::SyntaxError(r)) => {
                r.message().to_string()
            }
            _ => e.to_string(),
        })
    }
}

/// The text's Tera instance: its escaping, and the budget's calls
/// instrumented in when `guarded`.
fn build(source: &str, escape: Escape, guarded: bool) -> Result<Tera, SyntaxError> {
    let mut tera = new_tera();
    if escape == Escape::Markdown {
        tera.set_escape_fn(crate::escape::tera_markdown);
        tera.autoescape_on([NAME]);
    }
    let inst = if guarded {
        guard::instrument(source)
    } else {
        guard::Instrumented::as_written(source)
    };
    if let Err(e) = tera.add_raw_template(NAME, &inst.text) {
        // The error as the text was written (the instrumented one is only
        // refused near one of Tera's limits: then its own error).
        let mut plain = new_tera();
        return Err(match plain.add_raw_template(NAME, source) {
            Err(e) => SyntaxError::from(&e),
            // Its line and column are in the instrumented text, not the
            // user's: said, but not used to place the error.
            Ok(()) => SyntaxError {
                message: SyntaxError::from(&e).to_string(),
                at: None,
            },
        });
    }
    Ok(tera)
}

/// Why a text does not compile: Tera's message, and where in the text it is
/// (1-based line and column) when Tera says, for the loader to place it in
/// the rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub at: Option<(usize, usize)>,
}

impl From<&tera::Error> for SyntaxError {
    fn from(e: &tera::Error) -> SyntaxError {
        match e.kind() {
            ErrorKind::SyntaxError(r) => {
                let s = r.span();
                SyntaxError {
                    message: r.message().to_string(),
                    at: Some((s.start_line, s.start_col + 1)),
                }
            }
            _ => SyntaxError {
                message: e.to_string(),
                at: None,
            },
        }
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((line, col)) => write!(
                f,
                "{} (line {line}, column {col} of the text)",
                self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(src: &str, exit: bool) -> Vec<String> {
        unknown_names(src, exit)
            .into_iter()
            .map(|(at, n, _)| format!("{at}:{n}"))
            .collect()
    }

    #[test]
    fn only_names_the_text_is_not_given_are_unknown() {
        // Fields, filters, tests, functions, keyword arguments, loop and set
        // variables, comprehensions, comments and raw blocks are not names.
        let fine = "{{ score | round(precision=1) }} {% for t in terms %}{{ t.label | lower }}{{ loop.index }}{% endfor %}\
            {% set n = [t.label for t in terms if t.weight > 1] | length %}{{ n }}\
            {% for k, v in term %}{{ k }}{{ v.offer }}{% endfor %}{% if batna is not none and brief.title is defined %}x{% endif %}\
            {# {{ nosuch }} #}{% raw %}{{ nosuch }}{% endraw %}{{ \"{{ nosuch }}\" }}{{ range(end=3) | join(sep=\",\") }}";
        assert_eq!(unknown(fine, false), Vec::<String>::new());
        assert_eq!(
            unknown("{{ scor }} and {{ term.x.lable }}", false),
            ["3:scor"]
        );
        assert_eq!(unknown("{{ fired.red_flags }}", false), ["3:fired"]);
        assert_eq!(unknown("{{ fired.red_flags }}", true), Vec::<String>::new());
        let (_, _, hint) = unknown_names("{{ scor }}", false).remove(0);
        assert_eq!(hint.as_deref(), Some("did you mean `score`?"));
    }

    #[test]
    fn only_fields_no_value_has_are_unknown() {
        let fields = |src: &str| -> Vec<String> {
            unknown_fields(src)
                .into_iter()
                .map(|(at, n, _)| format!("{at}:{n}"))
                .collect()
        };
        // A term id after `term.` or `terms.` is the brief's own word.
        let fine = "{{ term.price.label }}{% for t in terms %}{{ t.offer_text }}{{ loop.index }}{% endfor %}\
            {{ brief.offers.0.terms.price }}{{ voice.We }}{{ batna.name }}";
        assert_eq!(fields(fine), Vec::<String>::new());
        assert_eq!(fields("{{ term.price.lable }}"), ["14:lable"]);
        assert_eq!(fields("{{ loop.idx }}"), ["8:idx"]);
        let (_, _, hint) = unknown_fields("{{ t.lable }}").remove(0);
        assert_eq!(hint.as_deref(), Some("did you mean `label`?"));
    }

    fn ctx() -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("name", "Finch *&* Co.");
        ctx.insert("items", &vec!["a", "b", "c"]);
        ctx
    }

    #[test]
    fn a_text_reads_every_name_it_mentions_and_no_other() {
        let r = Reads::of(
            "{% for t in terms %}{{ t.label }}{% endfor %}{% for term in met %}{{ term.id }}{% endfor %}\
             {{ brief.us.name | default(value=greeting) }}{# {{ batna }} #}{{ \"tone\" }}{{ fired.red_flags }}",
        );
        let mentioned: Vec<&str> = given_names().filter(|n| r.has(n)).collect();
        // `term` is bound by the loop, and still given: it may be read
        // outside it. A comment and a string read nothing.
        assert_eq!(
            mentioned,
            ["terms", "term", "brief", "met", "greeting", "fired"]
        );
        assert!(!r.has("nosuch"));
        // Each name's bit is its place among the names, found the same way
        // when compiling.
        for (i, n) in given_names().enumerate() {
            assert_eq!(bit_of(n), u32::try_from(i).ok(), "{n}");
        }
        assert_eq!(bit_of("nosuch"), None);
        assert_eq!(bit_of("term_"), None);
        assert_eq!(Reads::of("{{ __tera_context }}"), Reads::ALL);
        assert_eq!(Reads::of("plain"), Reads::default());
        assert_eq!(
            Reads::of("{{ score }}").with(Reads::of("{{ topic }}")),
            Reads::of("{{ topic }}{{ score }}")
        );
    }

    #[test]
    fn a_text_renders_many_times_with_its_escaping() {
        let plain = Text::compile("{{ name }}: {{ items | join_and }}".into(), Escape::None)
            .expect("compiles");
        let md = Text::compile("{{ name }}".into(), Escape::Markdown).expect("compiles");
        for _ in 0..3 {
            assert_eq!(
                plain.render(&ctx()).as_deref(),
                Ok("Finch *&* Co.: a, b and c")
            );
            assert_eq!(md.render(&ctx()).as_deref(), Ok(r"Finch \*&\* Co."));
        }
    }

    #[test]
    fn a_deferred_text_compiles_when_it_first_renders() {
        let t = Text::deferred("{{ name }}".into(), Escape::Markdown);
        assert_eq!(t.render(&ctx()).as_deref(), Ok(r"Finch \*&\* Co."));
        let bad = Text::deferred("{% if x %}never closed".into(), Escape::None);
        let e = bad.render(&ctx()).expect_err("refused");
        assert!(e.contains("line 1"), "{e}");
        assert_eq!(bad.check(), Err(e));
    }

    /// The built-in texts are compiled only when they render: each of them
    /// must compile.
    #[test]
    fn every_built_in_text_compiles() {
        let rules = crate::rules::load_default().expect("built-in rules");
        let mut n = 0;
        for r in rules.deal_breakers.iter().chain(&rules.red_flags) {
            assert_eq!(r.text.check(), Ok(()), "{}", r.id);
            n += 1;
        }
        for x in &rules.exit_scripts {
            for t in x
                .say
                .iter()
                .chain(x.letter.iter().flat_map(|l| [&l.subject, &l.body]))
            {
                assert_eq!(t.check(), Ok(()), "{}", x.id);
                n += 1;
            }
        }
        assert!(n > 20, "only {n} texts");
    }

    #[test]
    fn syntax_errors_point_into_the_text_as_written() {
        let e = Text::compile("line one\n{% if x %}never closed".into(), Escape::None)
            .expect_err("refused")
            .to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn a_runaway_text_stops_within_the_budget() {
        let e = Text::compile(
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}{% endfor %}"
                .into(),
            Escape::None,
        )
        .expect("compiles")
        .render(&ctx())
        .expect_err("stopped");
        assert!(e.contains("too much"), "{e}");
    }
}
