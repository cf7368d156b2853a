//! `walkaway test`, run as a user would on a generated project: fixtures that
//! pass, fail (exit 3, expected against actual) or do not validate (exit 2,
//! located, with "did you mean"); the closing line; the rules each fixture is
//! judged by; `init`'s fixture; fixtures are never built as briefs.

mod common;

use std::path::Path;

use common::*;

const BRIEF: &str = "
    title: Acme supply
    side: buyer
    deadline: 2026-11-24
    terms:
      - { id: price, unit: EUR, want: 9.60, walk: 10.20, offer: 10.45 }
      - { id: payment_days, unit: days, better: higher, want: 45, walk: 30, offer: 45 }
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
";

/// A project: `briefs/acme.yaml`, `rules/house.yaml`, `walkaway.yaml` using
/// them, and the given fixtures under `tests/`.
fn project(fixtures: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("briefs/acme.yaml", &dedent(BRIEF));
    write("rules/house.yaml", &dedent(HOUSE));
    write("walkaway.yaml", "rules: rules/house.yaml\n");
    for (name, text) in fixtures {
        write(&format!("tests/{name}.test.yaml"), &dedent(text));
    }
    dir
}

fn test_in(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["test"];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

const PASSING: &str = "
    brief: ../briefs/acme.yaml
    today: 2026-11-23
    expect:
      verdict: walk
      fired: [beyond_walk, pays_late, deadline_pressure]
      not_fired: [bad_faith, near_walk]
      stage: exit_open
";

#[test]
fn passing_fixtures_print_ok_and_the_count_and_exit_0() {
    let dir = project(&[
        ("walks", PASSING),
        (
            "verdict_only",
            "brief: ../briefs/acme.yaml\nexpect: { verdict: walk }\n",
        ),
    ]);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "ok verdict_only (tests/verdict_only.test.yaml)\nok walks (tests/walks.test.yaml)\n2 passed, 0 failed\n"
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn a_failing_fixture_says_what_differed_expected_against_actual_and_exits_3() {
    let dir = project(&[
        ("walks", PASSING),
        (
            "hopeful",
            "
            brief: ../briefs/acme.yaml
            today: 2026-11-01
            expect:
              verdict: proceed
              fired: [near_walk, deadline_pressure]
              not_fired: [pays_late, bad_faith]
              stage: none
            ",
        ),
    ]);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(
        r.stdout,
        "FAILED hopeful (tests/hopeful.test.yaml)\n  \
         verdict: expected proceed, actual walk\n  \
         fired: expected near_walk, deadline_pressure to fire, actual fired: beyond_walk, pays_late\n  \
         not_fired: expected pays_late not to fire, actual fired: beyond_walk, pays_late\n  \
         stage: expected none, actual exit_open (walk_away)\n\
         ok walks (tests/walks.test.yaml)\n\
         1 passed, 1 failed\n"
    );
}

#[test]
fn a_rule_that_could_not_be_evaluated_says_what_was_missing() {
    let dir = project(&[(
        "no_deadline",
        "
        brief: ../briefs/undated.yaml
        expect: { fired: [deadline_pressure] }
        ",
    )]);
    let undated = dedent(BRIEF).replace("deadline: 2026-11-24\n", "");
    std::fs::write(dir.path().join("briefs/undated.yaml"), undated).expect("write");
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stdout.contains(
            "  fired: expected deadline_pressure to fire, actual fired: beyond_walk, pays_late; \
             deadline_pressure could not be evaluated (the brief has no deadline)\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn an_invalid_fixture_is_a_located_error_with_did_you_mean_and_exits_2() {
    let dir = project(&[
        ("walks", PASSING),
        (
            "typo",
            "brief: ../briefs/acme.yaml\nexpect: { verdict: walk }\nnot_fired: [rude]\n",
        ),
        (
            "ids",
            "brief: ../briefs/acme.yaml\nexpect:\n  fired: [beyond_wlak]\n",
        ),
        (
            "nobrief",
            "brief: ../briefs/acne.yaml\nexpect: { verdict: walk }\n",
        ),
    ]);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stdout,
        "FAILED ids (tests/ids.test.yaml)\n  the fixture names a rule that does not exist: see the errors on stderr\n\
         FAILED nobrief (tests/nobrief.test.yaml)\n  the fixture does not validate: see the errors on stderr\n\
         FAILED typo (tests/typo.test.yaml)\n  the fixture does not validate: see the errors on stderr\n\
         ok walks (tests/walks.test.yaml)\n\
         1 passed, 3 failed\n"
    );
    assert!(
        r.stderr.contains(
            "error: `beyond_wlak` is not a rule of rules/house.yaml\n  \
             --> tests/ids.test.yaml:3:11\n  |\n3 |   fired: [beyond_wlak]\n  |           ^^^^^^^^^^^\n  \
             = help: did you mean `beyond_walk`?\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "error: the brief `../briefs/acne.yaml` does not exist\n  --> tests/nobrief.test.yaml:1:8\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("= help: did you mean `../briefs/acme.yaml`?\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "error: unknown key `not_fired` in the fixture\n  --> tests/typo.test.yaml:3:1\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_brief_or_rules_file_that_does_not_validate_exits_2_and_is_reported_once() {
    let dir = project(&[
        (
            "one",
            "brief: ../briefs/broken.yaml\nexpect: { verdict: walk }\n",
        ),
        (
            "two",
            "brief: ../briefs/broken.yaml\nexpect: { verdict: walk }\n",
        ),
        (
            "rules",
            "brief: ../briefs/acme.yaml\nrules: ../rules/broken.yaml\nexpect: { verdict: walk }\n",
        ),
    ]);
    std::fs::write(
        dir.path().join("briefs/broken.yaml"),
        "title: T\nside: buyer\nterms:\n  - { id: price, walk: 10, ofer: 9 }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("rules/broken.yaml"),
        "version: 1\nred_flags:\n  - { id: x, severity: high, title: X, when: \"scor < 1.0\" }\n",
    )
    .expect("write");
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.contains(
            "FAILED one (tests/one.test.yaml)\n  its brief briefs/broken.yaml does not validate"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  its rules file rules/broken.yaml does not validate"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("0 passed, 3 failed\n"), "{}", r.stdout);
    assert_eq!(
        r.stderr
            .matches("unknown key `ofer` in term `price`")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--> briefs/broken.yaml:4:28"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("`scor` is not a name").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `score`?"), "{}", r.stderr);
}

#[test]
fn each_fixture_is_judged_by_its_own_rules_else_by_those_of_check() {
    // The built-in rules know no `pays_late`.
    let builtin = "brief: ../briefs/acme.yaml\nexpect: { not_fired: [near_walk] }\n";
    let dir = project(&[
        (
            "house",
            "brief: ../briefs/acme.yaml\nexpect: { fired: [pays_late] }\n",
        ),
        ("builtin", builtin),
    ]);
    std::fs::write(dir.path().join("walkaway.yaml"), "out: out/\n").expect("write");
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("`pays_late` is not a rule of the built-in rules"),
        "{}",
        r.stderr
    );
    // `--rules` gives the fixtures that name none their rules; a fixture's
    // own `rules:` wins.
    let r = test_in(dir.path(), &["--rules", "rules/house.yaml"]);
    assert_eq!(r.code, 0, "{r:?}");
    std::fs::write(
        dir.path().join("tests/builtin.test.yaml"),
        format!("rules: ../rules/house.yaml\n{builtin}"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("rules/empty.yaml"),
        "version: 1\nred_flags:\n  - { id: near_walk, severity: low, title: N, when: \"true\" }\n",
    )
    .expect("write");
    let r = test_in(
        dir.path(),
        &["--rules", "rules/empty.yaml", "tests/builtin.test.yaml"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "ok builtin (tests/builtin.test.yaml)\n1 passed, 0 failed\n"
    );
}

#[test]
fn exit_scripts_and_the_score_line_fire_as_check_explain_says() {
    let dir = project(&[
        (
            "exits",
            "
            brief: ../briefs/acme.yaml
            today: 2026-11-23
            expect: { fired: [walk_away, caution_below], not_fired: [bad_faith_exit, cooling_off] }
            ",
        ),
        (
            "wrong",
            "
            brief: ../briefs/acme.yaml
            today: 2026-11-23
            expect: { fired: [cooling_off], not_fired: [walk_away] }
            ",
        ),
    ]);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(
        r.stdout,
        "ok exits (tests/exits.test.yaml)\n\
         FAILED wrong (tests/wrong.test.yaml)\n  \
         fired: expected cooling_off to fire, actual fired: beyond_walk, deadline_pressure, pays_late, caution_below, walk_away\n  \
         not_fired: expected walk_away not to fire, actual fired: beyond_walk, deadline_pressure, pays_late, caution_below, walk_away\n\
         1 passed, 1 failed\n"
    );
}

#[test]
fn no_fixtures_is_a_usage_error() {
    let dir = project(&[]);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stderr,
        "error: no rule fixtures (*.test.yaml) found under .\n"
    );
}

#[test]
fn many_fixtures_run_in_parallel_and_print_in_order() {
    let many: Vec<(String, &str)> = (0..200).map(|i| (format!("f{i:03}"), PASSING)).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let dir = project(&refs);
    let r = test_in(dir.path(), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 201);
    assert_eq!(lines[0], "ok f000 (tests/f000.test.yaml)");
    assert_eq!(lines[199], "ok f199 (tests/f199.test.yaml)");
    assert_eq!(lines[200], "200 passed, 0 failed");
}

#[test]
fn init_scaffolds_a_fixture_that_passes_and_that_build_does_not_take_for_a_brief() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run_in(tmp.path(), &["init", "negotiations"]);
    assert_eq!(r.code, 0, "{r:?}");
    let project = tmp.path().join("negotiations");
    let r = run_in(&project, &["test"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "ok car-purchase (tests/car-purchase.test.yaml)\n1 passed, 0 failed\n"
    );
    // `build` of the whole project builds the brief, not the fixture.
    let r = run_in(&project, &["build", "--format", "json", "--today", TODAY]);
    assert_eq!(r.code, 0, "{r:?}");
    let built: Vec<String> = std::fs::read_dir(project.join("out"))
        .expect("out/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(built, ["car-purchase"]);
}

/// `test` without DIR runs the project's fixtures from anywhere inside it,
/// and `test DIR` runs against DIR's own walkaway.yaml (its rules), not the
/// current folder's (DESIGN §6: "default: the project").
#[test]
fn test_finds_the_project_and_its_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = common::run_in(dir.path(), &["init", "proj"]);
    assert_eq!(r.code, 0, "{r:?}");
    let proj = dir.path().join("proj");
    let inside = common::run_in(&proj.join("briefs"), &["test"]);
    assert_eq!(inside.code, 0, "{inside:?}");
    assert!(inside.stdout.contains("1 passed, 0 failed"), "{inside:?}");
    let outside = common::run_in(dir.path(), &["test", "proj"]);
    assert_eq!(outside.code, 0, "{outside:?}");
    assert!(outside.stdout.contains("1 passed, 0 failed"), "{outside:?}");
}
