//! `check --explain`, run as a user would: every rule's outcome with the values
//! its condition read (in the brief's units and decimals) and where the rule is
//! written, for house rules that extend the built-in ones; the same as JSON; and
//! a snapshot of the explanation of every brief in `examples/`.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const BRIEF: &str = "
    title: Acme supply
    side: buyer
    terms:
      - { id: price, label: Unit price, unit: EUR, wish: 9.10, want: 9.60, walk: 10.20, offer: 10.45 }
      - { id: payment_days, unit: days, better: higher, wish: 60, want: 45, walk: 30, offer: 30 }
    observed: [pays_late]
";

const HOUSE: &str = "
    version: 1
    extends: default
    red_flags:
      - id: pays_late
        severity: medium
        title: They have paid late before
        when: \"'pays_late' in observed\"
      - id: over_walk
        severity: high
        title: The price is over our walk
        when: >-
          term.price.offer > term.price.walk
";

/// A project with the brief and the house rules.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("rules")).expect("rules/");
    std::fs::write(dir.path().join("acme.yaml"), dedent(BRIEF)).expect("brief");
    std::fs::write(dir.path().join("rules/house.yaml"), dedent(HOUSE)).expect("rules");
    dir
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "acme.yaml",
        "--rules",
        "rules/house.yaml",
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    let r = run_in(dir, &args);
    assert_eq!(r.code, 0, "{r:?}");
    r
}

/// The `--explain` line of a rule.
fn line<'a>(stdout: &'a str, id: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with("    ") && l.split_whitespace().any(|w| w == id))
        .unwrap_or_else(|| panic!("no line for {id} in:\n{stdout}"))
}

#[test]
fn house_rules_are_explained_with_values_as_design_writes_them_and_their_file_and_line() {
    let dir = project();
    let r = check(dir.path(), &["--explain"]);
    assert!(r.stdout.contains("\n  rule by rule:\n"), "{}", r.stdout);
    assert_eq!(
        line(&r.stdout, "over_walk")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "red flag over_walk fired term.price.offer = 10.45, term.price.walk = 10.20 at rules/house.yaml:12"
    );
    assert_eq!(
        line(&r.stdout, "pays_late")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "red flag pays_late fired observed = ['pays_late'] at rules/house.yaml:7"
    );
    // A built-in rule: the term that decided it, with the values it was
    // derived from, and the built-in file.
    let beyond = line(&r.stdout, "beyond_walk");
    assert!(
        beyond.contains(
            " fired      terms[price].beyond_walk = true (term.price.offer = 10.45, \
             term.price.walk = 10.20), terms[price].deal_breaker = true  at rules/default.yaml:"
        ),
        "{beyond}"
    );
    assert!(beyond.ends_with(" (built in)"), "{beyond}");
    assert!(
        beyond.starts_with("    deal breaker  beyond_walk "),
        "{beyond}"
    );
    // Values as a condition reads them; the want of a term is shown for near_walk.
    assert!(
        line(&r.stdout, "near_walk").contains(
            "terms[payment_days].near_walk = true (term.payment_days.offer = 30, \
             term.payment_days.want = 45, term.payment_days.walk = 30)"
        ),
        "{}",
        r.stdout
    );
    // What could not be decided says what was missing and what it saw.
    assert!(
        line(&r.stdout, "deadline_pressure")
            .contains("not evaluable (the brief has no deadline)  days_to_deadline = null"),
        "{}",
        r.stdout
    );
    // Scores with one decimal; the exit script chosen is marked.
    let score = line(&r.stdout, "caution_below");
    assert!(score.contains(", caution_below = 40.0"), "{score}");
    assert!(
        line(&r.stdout, "walk_away").contains("fired (chosen)  verdict = 'walk'"),
        "{}",
        r.stdout
    );
    // Every rule of the merged rules has its line: the built-in ones, the
    // house ones, the score line.
    let lines = r.stdout.lines().filter(|l| l.starts_with("    ")).count();
    let defaults = default_rules();
    let expected = defaults.deal_breakers.len()
        + defaults.red_flags.len()
        + 2
        + 1
        + defaults.exit_scripts.len();
    assert_eq!(lines, expected, "{}", r.stdout);
}

#[test]
fn without_explain_the_summary_is_unchanged() {
    let dir = project();
    let plain = check(dir.path(), &[]);
    let explained = check(dir.path(), &["--explain"]);
    assert!(!plain.stdout.contains("rule by rule"));
    assert!(
        explained.stdout.starts_with(&plain.stdout),
        "{}",
        explained.stdout
    );
}

#[test]
fn json_adds_explain_to_each_assessment_and_changes_nothing_else() {
    let dir = project();
    let plain: Value = serde_json::from_str(&check(dir.path(), &["--json"]).stdout).expect("JSON");
    let mut explained: Value =
        serde_json::from_str(&check(dir.path(), &["--json", "--explain"]).stdout).expect("JSON");
    let explain = explained[0]
        .as_object_mut()
        .and_then(|o| o.remove("explain"))
        .expect("an explain key");
    assert_eq!(explained, plain, "the other keys are unchanged");

    let list = explain.as_array().expect("a list");
    let find = |id: &str| {
        list.iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {explain}"))
    };
    let over = find("over_walk");
    assert_eq!(
        *over,
        serde_json::json!({
            "id": "over_walk", "kind": "red_flag", "outcome": "fired",
            "values": { "term.price.offer": 10.45, "term.price.walk": 10.2 },
            "missing": null, "file": "rules/house.yaml", "line": 12
        })
    );
    let deadline = find("deadline_pressure");
    assert_eq!(deadline["outcome"], "not_evaluable");
    assert_eq!(deadline["missing"], "the brief has no deadline");
    assert_eq!(
        deadline["values"],
        serde_json::json!({ "days_to_deadline": null })
    );
    assert_eq!(
        find("beyond_walk")["values"]["terms[price].beyond_walk"],
        true
    );
    assert_eq!(find("walk_away")["chosen"], true);
    assert_eq!(find("no_movement")["outcome"], "not_fired");
    for e in list {
        let mut keys: Vec<&str> = e
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "chosen")
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["file", "id", "kind", "line", "missing", "outcome", "values"]
        );
    }
}

/// `rules/default.yaml:56 (built in)` → `rules/default.yaml:N (built in)`.
fn without_default_lines(text: &str) -> String {
    const AT: &str = "at rules/default.yaml:";
    text.lines()
        .map(|l| match l.split_once(AT) {
            Some((before, after)) => {
                let rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
                format!("{before}{AT}N{rest}\n")
            }
            None => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn example_explanations() {
    let examples = manifest_dir().join("examples");
    let mut briefs: Vec<_> = std::fs::read_dir(&examples)
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    briefs.sort();
    assert!(briefs.len() >= 3, "{briefs:?}");
    for brief in briefs {
        let name = brief
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        // Outside the repository: the built-in rules, a short path in the output.
        let work = tempfile::tempdir().expect("temp dir");
        std::fs::copy(&brief, work.path().join(&name)).expect("copy");
        let r = run_in(
            work.path(),
            &["check", "--explain", &name, "--today", TODAY],
        );
        assert_eq!(r.code, 0, "{name}: {r:?}");
        let stem = name.trim_end_matches(".yaml");
        // The built-in rules' line numbers move whenever a rule is added
        // above; the house-rules test pins real line numbers.
        insta::assert_snapshot!(format!("explain_{stem}"), without_default_lines(&r.stdout));
    }
}

/// A value a rule cannot read is said in the brief's terms, not CEL's.
#[test]
fn a_value_that_cannot_be_read_is_said_in_the_briefs_terms() {
    let dir = project();
    std::fs::write(
        dir.path().join("rules/house.yaml"),
        "version: 1\nextends: default\nred_flags:\n  - id: typo\n    severity: low\n    title: Typo\n    when: \"term.prcie.offer > 1.0\"\n    advice: x\n",
    )
    .expect("rules");
    let r = check(dir.path(), &["--explain"]);
    let typo = line(&r.stdout, "typo");
    assert!(
        typo.contains("term.prcie.offer = (cannot be read: the brief has no `prcie`)"),
        "{typo}"
    );
    assert!(!r.stdout.contains("No such key"), "{}", r.stdout);
}
