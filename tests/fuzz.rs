//! Generated hostile input (issue 14), thrown at the brief loader, the rules
//! loader, CEL conditions, the Markdown converters and the Tera budget's
//! instrumentation with proptest. Each target must never panic, overflow its
//! stack or hang: bad input is a located diagnostic, good input renders (and an
//! instrumented template renders exactly what it did before).
//!
//! A normal test run tries a few dozen cases per target. To fuzz for longer, set
//! `FUZZ_SECONDS` (README, "Fuzzing"): each target then runs batch after batch,
//! with fresh random seeds, until that many seconds have passed.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const TODAY: (i16, i8, i8) = (2026, 11, 23);

/// Run `test` on values of `strategy`: one batch normally, batches for
/// `FUZZ_SECONDS` when set. A failure panics with the (shrunk) input.
fn fuzz<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48);
    let mut batches = 0u64;
    loop {
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{e}");
        }
        batches += 1;
        if Instant::now() >= deadline {
            break;
        }
    }
    if seconds > 0 {
        eprintln!("{batches} batches of {cases} cases");
    }
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)
}

const EXAMPLE: &str = include_str!("../examples/car-purchase.yaml");

/// Pieces of YAML that briefs and rules files are made of, good and bad.
const YAML_BITS: &[&str] = &[
    "title: ",
    "side: buyer",
    "side: ",
    "terms:",
    "  - id: price",
    "    walk: ",
    "    offer: ",
    "    wish: ",
    "    want: ",
    "    options: [a, b]",
    "    better: higher",
    "    weight: ",
    "alternatives:",
    "  - name: x",
    "    terms: { price: 1 }",
    "observed: [",
    "notes: |",
    "offers:",
    "  - { from: them, terms: { price: 2 } }",
    "date: ",
    "deadline: ",
    "us: {",
    "them: { authority: limited }",
    "stakeholders: [{ name: a, signed_off: true }]",
    "letter: { tone: formal }",
    "version: 1",
    "extends: default",
    "red_flags:",
    "deal_breakers:",
    "exit_scripts:",
    "  - id: x",
    "    severity: high",
    "    title: t",
    "    when: ",
    "    advice: ",
    "    stage: warn",
    "    priority: 3",
    "    say: [a]",
    "---",
    "...",
    "&a ",
    "*a",
    "!!binary ",
    "!!str ",
    "? ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    "\"",
    "|",
    ">",
    "#",
    "0x1F",
    "1e308",
    "-1e308",
    ".nan",
    ".inf",
    "2026-02-30",
    "2026-12-03T10:00:00",
    "~",
    "null",
    "true",
    "yes",
    "0",
    "-1",
    "9999999999999999999999",
    "Łódź",
    "\t",
    "  ",
    "\n",
    "\r\n",
    "=?utf-8?q?x?=",
    "{{ x }}",
    "{% for %}",
];

/// YAML text: a valid brief with random edits, or a run of YAML pieces.
fn yaml_text() -> impl Strategy<Value = String> {
    let edited = vec(
        (0.0f64..1.0, prop::sample::select(YAML_BITS), 0usize..40),
        0..12,
    )
    .prop_map(|edits| {
        let mut text = EXAMPLE.to_string();
        for (at, bit, cut) in edits {
            let mut i = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut end = (i + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(i..end, bit);
        }
        text
    });
    let pieces = vec(prop::sample::select(YAML_BITS), 0..80).prop_map(|v| v.join(""));
    let chars = vec(any::<char>(), 0..200).prop_map(|v| v.into_iter().collect::<String>());
    prop_oneof![4 => edited, 3 => pieces, 1 => chars]
}

#[test]
fn brief_loader_never_panics() {
    let rules = walkaway::rules::load_default().expect("default rules");
    fuzz(yaml_text(), |text| {
        match walkaway::brief::load_str(Path::new("b.yaml"), &text) {
            Ok((brief, _)) => {
                let _ = walkaway::assess::assess(&brief, &rules, today());
            }
            Err(diags) => {
                prop_assert!(!diags.is_empty());
                // YAML breaks lines at \n, \r and \r\n.
                let lines = text.matches(['\n', '\r']).count() + 1;
                for d in diags {
                    if let Some(p) = d.pos {
                        prop_assert!(p.line >= 1 && p.line <= lines + 1, "{}", d.render());
                    }
                    let _ = d.render();
                }
            }
        }
        Ok(())
    });
}

/// CEL: well-formed expressions over the context's names, nested at random.
fn cel_expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "score",
        "batna_score",
        "options",
        "retracted",
        "leverage",
        "'weak'",
        "observed",
        "terms",
        "alternatives",
        "term.price.offer",
        "term.price.score",
        "days_to_deadline",
        "rounds_without_movement",
        "1",
        "0",
        "2.5",
        "-1",
        "true",
        "null",
        "'x'",
        "[]",
        "[1, 2, 3]",
        "{'a': 1}",
        "stakeholders_aligned",
        "'rude' in observed",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "in",
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("!({a})")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("size({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("{c} ? {a} : {b}")),
            (
                prop::sample::select(vec!["terms", "alternatives", "observed", "[1, 2, 3]"]),
                prop::sample::select(vec!["exists", "all", "exists_one", "map", "filter"]),
                inner.clone()
            )
                .prop_map(|(r, m, body)| format!("{r}.{m}(t, {body})")),
            inner.clone().prop_map(|a| format!("[{a}][0]")),
        ]
    })
}

/// CEL as token soup: mostly not valid, for the parser's sake.
fn cel_soup() -> impl Strategy<Value = String> {
    vec(
        prop::sample::select(vec![
            "score", "terms", "term", ".", "exists", "(", ")", "[", "]", "{", "}", ",", "t", "+",
            "1", "'", "\"", "?", ":", "&&", "||", "!", "in", "==", "<", "0x", "1e9", "\\", "`",
            "@", "#", "null", "size", "map", " ", "\n", "Ł", "'''", "r'", "b'",
        ]),
        0..60,
    )
    .prop_map(|v| v.join(""))
}

/// Tera text: pieces of tags, expressions and text.
fn tera_text() -> impl Strategy<Value = String> {
    vec(
        prop::sample::select(vec![
            "{{ ",
            " }}",
            "{% ",
            " %}",
            "{%- ",
            " -%}",
            "{# ",
            " #}",
            "for t in terms",
            "endfor",
            "if score > 1",
            "endif",
            "set_global s = s ~ s",
            "set s = 'a'",
            "range(end=9)",
            "[x for x in terms]",
            " | join(sep=', ')",
            " | replace(from='a', to='b')",
            "t.label",
            "brief.title",
            "raw",
            "endraw",
            "'}}'",
            "\"%}\"",
            "text ",
            "\n",
            "(",
            ")",
            "[",
            "]",
        ]),
        0..40,
    )
    .prop_map(|v| v.join(""))
}

fn rules_yaml(when: &str, advice: &str) -> String {
    format!(
        "version: 1\nextends: default\nred_flags:\n  - id: fuzz\n    severity: high\n    title: Fuzz\n    when: {}\n    advice: {}\n",
        serde_json::to_string(when).expect("json"),
        serde_json::to_string(advice).expect("json")
    )
}

fn example_brief() -> walkaway::brief::Brief {
    walkaway::brief::load_str(Path::new("car.yaml"), EXAMPLE)
        .expect("the example loads")
        .0
}

#[test]
fn cel_conditions_compile_and_evaluate_or_are_refused() {
    let brief = example_brief();
    let soup_or_expr = prop_oneof![3 => cel_expr(), 1 => cel_soup()];
    fuzz(soup_or_expr, |when| {
        let text = rules_yaml(&when, "A.");
        if let Ok(rules) = walkaway::rules::load_str(Path::new("house.yaml"), &text, true) {
            match walkaway::assess::assess(&brief, &rules, today()) {
                Ok(_) => {}
                Err(diags) => {
                    for d in diags {
                        prop_assert!(d.pos.is_some(), "a rule error is located: {}", d.render());
                    }
                }
            }
        }
        Ok(())
    });
}

#[test]
fn rules_loader_never_panics() {
    let brief = example_brief();
    let rules_text = prop_oneof![
        2 => (cel_expr(), tera_text()).prop_map(|(w, a)| rules_yaml(&w, &a)),
        1 => yaml_text().prop_map(|t| format!("version: 1\nred_flags:\n{t}")),
    ];
    fuzz(rules_text, |text| {
        if let Ok(rules) = walkaway::rules::load_str(Path::new("house.yaml"), &text, true) {
            let _ = walkaway::assess::assess(&brief, &rules, today());
        }
        Ok(())
    });
}

/// Markdown: block and inline markers, HTML, links and text, nested at random.
fn markdown() -> impl Strategy<Value = String> {
    vec(
        prop::sample::select(vec![
            "> ",
            "- ",
            "1. ",
            "* ",
            "+ ",
            "*",
            "_",
            "**",
            "__",
            "`",
            "```\n",
            "~~~\n",
            "[",
            "]",
            "](",
            ")",
            "<",
            ">",
            "<div>",
            "</div>",
            "<b>",
            "# ",
            "###### ",
            "|",
            "| --- |",
            "---\n",
            "\n",
            "\n\n",
            "  ",
            "    ",
            "\t",
            "word ",
            "Łódź ",
            "https://a.example",
            "<irc://x.example>",
            "javascript:x",
            "[x]: ",
            "&amp;",
            "\\",
            "~~",
            "![",
            "<!-- c -->",
            "$",
            "#set page(",
            "{{",
            "}}",
            "=?utf-8?q?x?=",
            "\u{200f}", // a direction mark (overrides are refused when the brief loads)
            "🤝",
        ]),
        0..120,
    )
    .prop_map(|v| v.concat())
}

#[test]
fn markdown_converts_to_typst_and_renders_to_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let setup = walkaway::build::Setup {
        rules: walkaway::rules::load_default().expect("rules"),
        templates: walkaway::render::templates::Templates::load(None).expect("templates"),
        today: today(),
        paper: walkaway::artifact::Paper::A4,
        formats: walkaway::artifact::Format::ALL.to_vec(),
        force_letter: true,
        out: dir.path().join("out"),
        typst_cmd: None,
    };
    let brief_path = dir.path().join("notes.yaml");
    fuzz(markdown(), |md| {
        let typ = walkaway::render::typst::markdown::to_typst(&md, 1);
        prop_assert!(typ.ends_with('\n'));
        std::fs::write(&brief_path, with_notes(&md)).expect("write");
        let report = walkaway::build::build_one(&brief_path, &setup);
        prop_assert!(report.io_error.is_none(), "{:?}", report.io_error);
        prop_assert!(
            !report.failed(),
            "{}",
            report
                .diagnostics
                .iter()
                .map(|d| d.render())
                .collect::<String>()
        );
        Ok(())
    });
}

/// The example brief with its own `notes:` replaced by `md`.
fn with_notes(md: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in EXAMPLE.lines() {
        if line.starts_with("notes:") {
            skipping = true;
            continue;
        }
        if skipping && (line.starts_with(' ') || line.is_empty()) {
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    // Blank notes are an error ("`notes` is empty"): leave them out instead.
    if !md.trim().is_empty() {
        out.push_str(&format!(
            "notes: {}\n",
            serde_json::to_string(md).expect("json")
        ));
    }
    out
}

/// Tera templates built from balanced constructs, so that most are valid.
fn tera_template() -> impl Strategy<Value = String> {
    let expr = prop::sample::select(vec![
        "x",
        "n",
        "xs",
        "'a<b'",
        "\"}}\"",
        "n * 2",
        "x ~ 'y'",
        "xs | length",
        "xs | join(sep=', ')",
        "x | upper",
        "x | replace(from='a', to='bb')",
        "[y for y in xs if y != 'c']",
        "range(end=3)",
        "xs[0]",
        "x | safe",
        "notes | indent(prefix='> ')",
        "n > 1",
        "{'k': 1}",
        "x is string",
        "not n",
        "missing | default(value='d')",
    ]);
    let text = prop::sample::select(vec!["", "a", " ", "\n", "{ ", "} ", "%", "#", "Łódź", "-"]);
    let leaf = prop_oneof![
        text.prop_map(str::to_string),
        expr.clone().prop_map(|e| format!("{{{{ {e} }}}}")),
        expr.clone().prop_map(|e| format!("{{{{- {e} -}}}}")),
        expr.clone().prop_map(|e| format!("{{% set v = {e} %}}")),
        Just("{# a {{ comment }} #}".to_string()),
        Just("{% raw %}{{ x }}{% for %}{% endraw %}".to_string()),
    ];
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            (expr.clone(), inner.clone())
                .prop_map(|(e, body)| format!("{{% if {e} %}}{body}{{% else %}}-{{% endif %}}")),
            inner
                .clone()
                .prop_map(|body| format!("{{% for y in xs %}}{body}{{{{ y }}}}{{% endfor %}}")),
            inner.clone().prop_map(|body| format!(
                "{{%- for i in range(end=2) -%}}\n {body}\n{{%- endfor %}}"
            )),
            inner
                .clone()
                .prop_map(|body| format!("{{% filter upper %}}{body}{{% endfilter %}}")),
            inner
                .clone()
                .prop_map(|body| format!("{{% set_global g %}}{body}{{% endset %}}{{{{ g }}}}")),
        ]
    })
}

#[test]
fn tera_instrumentation_keeps_what_renders() {
    use walkaway::rules::guard;
    let mut ctx = tera::Context::new();
    ctx.insert("x", "a<b");
    ctx.insert("n", &3);
    ctx.insert("xs", &vec!["a", "b", "c"]);
    ctx.insert("notes", "one\ntwo");
    let plain = || {
        let mut t = tera::Tera::new();
        t.autoescape_on([".html"]);
        t
    };
    let guarded = || {
        let mut t = plain();
        guard::register(&mut t);
        t
    };
    let any_tera = prop_oneof![3 => tera_template(), 1 => tera_text()];
    fuzz(any_tera, |src| {
        let Ok(expected) = plain().render_str(&src, &ctx, true) else {
            return Ok(()); // not valid Tera (or fails for this context): nothing to keep
        };
        let inst = guard::instrument(&src);
        let (got, stop) = guard::within(|| guarded().render_str(&inst.text, &ctx, true));
        prop_assert_eq!(stop, None);
        match got {
            Ok(got) => prop_assert_eq!(got, expected, "instrumented as {}", inst.text),
            Err(e) => prop_assert!(false, "{e}\ninstrumented as {}", inst.text),
        }
        Ok(())
    });
}
