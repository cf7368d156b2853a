//! Hostile input (issue 14): generated rules files, briefs and folders that once
//! crashed, hung or exhausted the tool. Each is run through the real binary and
//! must end with a located message and exit 2 (bad input) or a normal result —
//! never an abort, a hang or unbounded memory. Inputs are generated here, small
//! enough to keep the suite fast, in shapes that used to fail.

mod common;

use std::path::PathBuf;

use common::*;

/// A small valid brief.
pub const BRIEF: &str = "\
title: Van purchase
side: buyer
us: { name: Dana Ruiz, email: dana@example.com }
them: { name: Lee Park, email: lee@example.com }
terms:
  - id: price
    unit: EUR
    wish: 7500
    want: 8200
    walk: 9000
    offer: 8400
";

/// A temporary project: files written into it, the binary run inside it.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    fn temp() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }
}

/// `walkaway check` of one brief, written as `b.yaml` in a new project.
fn check_brief(text: &str) -> Run {
    let p = Project::temp();
    p.write("b.yaml", text);
    p.run(&["check", "b.yaml", "--today", TODAY])
}

/// A rules file that extends the defaults with one red flag.
fn rules_with(when: &str, advice: &str) -> String {
    format!(
        "version: 1\nextends: default\nred_flags:\n  - id: odd\n    severity: low\n    title: Odd\n    when: {}\n    advice: {}\n",
        serde_json::to_string(when).expect("json"),
        serde_json::to_string(advice).expect("json"),
    )
}

/// `check` the small brief against a rules file.
fn check_with_rules(rules: &str) -> Run {
    let p = Project::temp();
    p.write("b.yaml", BRIEF);
    p.write("house.yaml", rules);
    p.run(&["check", "b.yaml", "--rules", "house.yaml", "--today", TODAY])
}

/// At most the first 3,000 characters of a (possibly huge) output, for messages.
pub fn short(s: &str) -> String {
    s.chars().take(3000).collect()
}

fn assert_located_error(r: &Run, at: &str, words: &str) {
    let err = short(&r.stderr);
    assert_eq!(r.code, 2, "{}", err);
    assert!(r.stderr.contains(words), "{err}");
    assert!(
        r.stderr.contains(&format!("--> {at}")),
        "not at {at}: {err}"
    );
    assert!(!r.stderr.contains("OtherError"), "{err}");
    assert!(!r.stderr.contains("overflow"), "{err}");
}

// ---------------------------------------------------------------------------
// Item 1: conditions too deep for the parser's recursion.

#[test]
fn deep_conditions_are_refused_in_plain_words_not_by_a_stack_overflow() {
    let long_plus = format!("{}1 > 0", "1 + ".repeat(8000));
    let plus = format!("{}1 > 0", "1 + ".repeat(900));
    let index = format!("[0]{} == 0", "[0]".repeat(1300));
    let member = format!("term{} == 0", ".a".repeat(2000));
    let parens = format!("{}1{} > 0", "(".repeat(200), ")".repeat(200));
    let ternary = format!("{}1 > 0", "true ? 1 : ".repeat(200));
    for (when, words) in [
        (&long_plus, "characters long; a condition is at most 4096"),
        (&plus, "chains too many operations"),
        (&index, "chains too many operations"),
        (&member, "chains too many operations"),
        (&parens, "nests brackets or `? :` more than 32 levels deep"),
        (&ternary, "nests brackets or `? :` more than 32 levels deep"),
    ] {
        let r = check_with_rules(&rules_with(when, "A."));
        assert_located_error(&r, "house.yaml:7:", words);
    }
}

// ---------------------------------------------------------------------------
// Item 2: deep nesting in the notes, rendered by the PDF engine on the build's
// threads; one brief must never take the batch down.

fn brief_with_notes(notes: &str) -> String {
    format!(
        "{BRIEF}notes: {}\n",
        serde_json::to_string(notes).expect("json")
    )
}

/// The text of a PDF (poppler's pdftotext), whitespace folded; None when the
/// tool is missing outside CI.
fn pdf_text(pdf: &std::path::Path) -> Option<String> {
    let o = match std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "pdftotext is required in CI"
            );
            return None;
        }
    };
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8_lossy(&o.stdout);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn deeply_nested_notes_build_beside_other_briefs() {
    let p = Project::temp();
    p.write(
        "briefs/a-quotes.yaml",
        &brief_with_notes(&format!("{} deep quote\n", ">".repeat(12_000))),
    );
    p.write(
        "briefs/b-lists.yaml",
        &brief_with_notes(&format!("{}deep list\n", "- ".repeat(2_766))),
    );
    p.write(
        "briefs/c-numbered.yaml",
        &brief_with_notes(&format!("{}deep numbers\n", "1. ".repeat(3_000))),
    );
    p.write("briefs/d-plain.yaml", BRIEF);
    let r = p.run(&["build", "briefs", "-o", "out", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", short(&r.stderr));
    for (name, words) in [
        ("a-quotes", "deep quote"),
        ("b-lists", "deep list"),
        ("c-numbered", "deep numbers"),
        ("d-plain", "Van purchase"),
    ] {
        let pdf = p.path(&format!("out/{name}/prep-pack.pdf"));
        if let Some(text) = pdf_text(&pdf) {
            assert!(text.contains(words), "{name}: {}", short(&text));
        }
    }
}

// ---------------------------------------------------------------------------
// Item 5: named pipes and devices where files are expected.

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_as_briefs_rules_and_templates() {
    let p = Project::temp();
    p.write("good.yaml", BRIEF);
    mkfifo(&p.path("pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", p.path("zero.yaml")).expect("symlink");
    std::os::unix::fs::symlink("/dev/urandom", p.path("random.yaml")).expect("symlink");
    mkfifo(&p.path("tpl/prep-pack.md.tera"));
    for (args, at, words) in [
        (
            vec!["check", "pipe.yaml"],
            "pipe.yaml",
            "this is a named pipe (FIFO), not a YAML file",
        ),
        (
            vec!["check", "zero.yaml"],
            "zero.yaml",
            "this is a device, not a YAML file",
        ),
        (
            vec!["render", "random.yaml", "-o", "out"],
            "random.yaml",
            "this is a device, not a YAML file",
        ),
        (
            vec!["check", "good.yaml", "--rules", "pipe.yaml"],
            "pipe.yaml",
            "this is a named pipe (FIFO), not a YAML file",
        ),
        (
            vec!["check", "good.yaml", "--rules", "zero.yaml"],
            "zero.yaml",
            "this is a device, not a YAML file",
        ),
        (
            vec!["render", "good.yaml", "-o", "out", "--templates", "tpl"],
            "tpl/prep-pack.md.tera",
            "this is a named pipe (FIFO), not a file",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--today", TODAY]);
        let r = p.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", short(&r.stderr));
        assert!(r.stderr.contains(words), "{args:?}: {}", short(&r.stderr));
        assert!(
            r.stderr.contains(&format!("--> {at}")),
            "{}",
            short(&r.stderr)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_skips_pipes_and_devices_named_like_briefs() {
    let p = Project::temp();
    p.write("briefs/good.yaml", BRIEF);
    mkfifo(&p.path("briefs/pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", p.path("briefs/zero.yaml")).expect("symlink");
    // A link back up the tree must not make the walk endless.
    std::os::unix::fs::symlink("..", p.path("briefs/up")).expect("symlink");
    let r = p.run(&["build", "briefs", "-o", "out", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", short(&r.stderr));
    assert!(p.path("out/good/prep-pack.md").is_file());
    assert!(!p.path("out/pipe").exists());
    assert!(!p.path("out/zero").exists());
}

// ---------------------------------------------------------------------------
// Item 15 (part): where a file stops being text, or passes the size limit.

#[test]
fn invalid_utf8_is_located_by_line_and_column() {
    let p = Project::temp();
    std::fs::write(
        p.path("latin1.yaml"),
        b"title: Caf\xe9 order\nside: buyer\n",
    )
    .expect("write");
    let r = p.run(&["check", "latin1.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: the file is not UTF-8 text: the byte 0xE9 here is not part of a UTF-8 character\n  --> latin1.yaml:1:11\n   = help: save the file as UTF-8\n"
    );
}

// ---------------------------------------------------------------------------
// Items 4 and 9: conditions that run away, or are wrong in themselves, are
// errors of the rules file (exit 2, the rule named, located); missing data is
// still "not evaluable".

#[test]
fn nested_loops_in_a_condition_stop_at_the_budget() {
    let ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    let alls = format!(
        "{}true{}",
        format!("{ten}.all(a, ").repeat(8),
        ")".repeat(8)
    );
    let maps = format!(
        "{ten}.map(a, {ten}.map(b, {ten}.map(c, {ten}.map(d, {ten}.map(e, {ten}.map(f, {ten}.map(g, g))))))).size() > 0"
    );
    for when in [alls, maps] {
        let r = check_with_rules(&rules_with(&when, "A."));
        assert_located_error(
            &r,
            "house.yaml:7:",
            "the condition of red flag `odd`: the condition does too much work",
        );
    }
}

#[test]
fn a_condition_wrong_in_itself_is_a_rules_error() {
    for (when, words) in [
        (
            "score > 'x'",
            "the condition of red flag `odd`: this condition can never be evaluated: this compares a number (`score`) with text (`'x'`)",
        ),
        (
            "observed > 2",
            "the condition of red flag `odd`: this condition can never be evaluated: `observed` is a list: it cannot be ordered",
        ),
        (
            "1 / 0 > 1",
            "the condition of red flag `odd`: the condition divides by zero",
        ),
        (
            "int(term.price.offer) / (term.price.walk - term.price.walk) > 1",
            "the condition of red flag `odd`: the condition cannot divide a whole number and a decimal number",
        ),
    ] {
        let r = check_with_rules(&rules_with(when, "A."));
        assert_located_error(&r, "house.yaml:7:", words);
        assert_eq!(r.stdout, "", "no verdict from wrong rules");
    }
}

/// `check` of several briefs reads them while the rules load: wrong rules
/// are still the one error, before any brief's, and no verdict is printed.
#[test]
fn wrong_rules_stop_a_check_of_several_briefs() {
    let p = Project::temp();
    p.write("a.yaml", BRIEF);
    p.write("b.yaml", BRIEF);
    p.write("c.yaml", "title: [\n");
    p.write("house.yaml", &rules_with("scroe > 50", "A."));
    let r = p.run(&[
        "check",
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "--rules",
        "house.yaml",
        "--today",
        TODAY,
    ]);
    assert_located_error(&r, "house.yaml:7:", "`scroe`");
    assert!(!r.stderr.contains("c.yaml"), "{}", short(&r.stderr));
    assert_eq!(r.stdout, "", "no verdict from wrong rules");
}

#[test]
fn missing_data_is_still_not_evaluable() {
    let p = Project::temp();
    p.write("b.yaml", &BRIEF.replace("    offer: 8400\n", ""));
    p.write(
        "house.yaml",
        &rules_with(
            "term.price.offer > 1 || term.delivery.offer == 'weekly'",
            "A.",
        ),
    );
    let r = p.run(&["check", "b.yaml", "--rules", "house.yaml", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("not evaluable odd: no offer for price"),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------
// Item 3: rule texts and templates that loop without end or grow without bound.

#[test]
fn runaway_rule_texts_are_rules_errors() {
    for (advice, words) in [
        (
            "{% set_global s = 'ab' %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
            "the `advice` of red flag `odd` failed to render for b.yaml: it builds a value larger than 4 MB",
        ),
        (
            "{% for a in range(end=1000) %}{% for b in range(end=1000) %}{% for c in range(end=1000) %}x{% endfor %}{% endfor %}{% endfor %}",
            "the `advice` of red flag `odd` failed to render for b.yaml: it does too much work: its loops ran more than 1,000,000 steps",
        ),
    ] {
        let r = check_with_rules(&rules_with("true", advice));
        assert_eq!(r.code, 2, "{}", short(&r.stderr));
        assert!(r.stderr.contains(words), "{}", short(&r.stderr));
        assert!(r.stderr.contains("--> house.yaml"), "{}", short(&r.stderr));
    }
}

#[test]
fn runaway_templates_fail_their_brief_located_in_the_template() {
    for (template, words, at) in [
        (
            "# {{ brief.title }}\n{% for a in range(end=1000) %}{% for b in range(end=1000) %}{% for c in range(end=1000) %}{% endfor %}{% endfor %}{% endfor %}\n",
            "the template prep-pack.md.tera stopped: it does too much work",
            "tpl/prep-pack.md.tera:2:",
        ),
        (
            &format!(
                "# x\n{{% for i in range(end=100000) %}}{{{{ brief.title }}}}{}{{% endfor %}}\n",
                // Text is cheap to write: the limit on bytes is reached long
                // before the one on time, even on a loaded machine.
                "x".repeat(4096)
            ),
            "the template prep-pack.md.tera stopped: it produces too much text",
            "tpl/prep-pack.md.tera:2:",
        ),
    ] {
        let p = Project::temp();
        p.write("b.yaml", BRIEF);
        p.write("tpl/prep-pack.md.tera", template);
        let r = p.run(&[
            "render",
            "b.yaml",
            "-o",
            "out",
            "--templates",
            "tpl",
            "--format",
            "md",
            "--today",
            TODAY,
        ]);
        assert_located_error(&r, at, words);
        assert!(!p.path("out/b/prep-pack.md").exists());
    }
}

// ---------------------------------------------------------------------------
// Item 6: work that grew faster than the input.

#[test]
fn ten_thousand_unknown_observed_ids_print_a_bounded_report() {
    let ids: Vec<String> = (0..10_000).map(|i| format!("unknown_{i:05}")).collect();
    let r = check_brief(&format!("{BRIEF}observed: [{}]\n", ids.join(", ")));
    assert_eq!(r.code, 0, "{}", short(&r.stderr));
    // Each warning shows its own part of the line, not the whole 150 KB line.
    assert!(
        r.stderr.len() < 5_000_000,
        "{} bytes of warnings",
        r.stderr.len()
    );
    // The first twenty are shown, each with its own part of the line; the
    // rest are counted in one line.
    assert!(
        r.stderr
            .contains("observed behaviour `unknown_00019` is not mentioned by any rule"),
        "{}",
        short(&r.stderr)
    );
    assert!(
        !r.stderr.contains("`unknown_00020`"),
        "{}",
        short(&r.stderr)
    );
    assert!(
        r.stderr.contains("9980 more like this"),
        "{}",
        short(&r.stderr)
    );
    let snippet = r
        .stderr
        .lines()
        .find(|l| l.contains("unknown_00019, unknown_00020"))
        .expect("the snippet of the twentieth id");
    assert!(snippet.len() < 200, "{snippet}");
}

#[test]
fn a_very_long_title_lays_out_in_linear_time() {
    // 100,000 characters: the page header's fitting was quadratic (per page).
    let p = Project::temp();
    let title = "word ".repeat(20_000);
    p.write("b.yaml", &BRIEF.replace("Van purchase", title.trim()));
    let r = p.run(&[
        "render", "b.yaml", "-o", "out", "--format", "pdf,md", "--today", TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", short(&r.stderr));
    if let Some(text) = pdf_text(&p.path("out/b/prep-pack.pdf")) {
        assert!(text.starts_with("word word"), "{}", short(&text));
        assert!(
            text.contains("wor…"),
            "the running header is shortened with …"
        );
    }
}

// ---------------------------------------------------------------------------
// Item 12: a reference definition in the notes stays inert in prep-pack.md.

#[test]
fn unsafe_reference_definitions_in_notes_are_neutralised() {
    let p = Project::temp();
    let notes = "Call [the portal][x] or [home][ok].\n\n[x]: javascript:alert(1) \"go\"\n[ok]: https://example.com\n";
    p.write("b.yaml", &brief_with_notes(notes));
    let r = p.run(&[
        "render", "b.yaml", "-o", "out", "--format", "md,html", "--today", TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(p.path("out/b/prep-pack.md")).expect("md");
    assert!(!md.contains("javascript"), "{md}");
    assert!(md.contains("[x]: #"), "{md}");
    assert!(md.contains("[ok]: https://example.com"), "{md}");
    let html = std::fs::read_to_string(p.path("out/b/prep-pack.html")).expect("html");
    assert!(!html.contains("javascript"), "{html}");
}

// ---------------------------------------------------------------------------
// Item 17: temporaries a killed build left behind go with the next build.

#[test]
fn a_killed_builds_temporaries_are_removed_by_the_next_build() {
    let p = Project::temp();
    p.write("b.yaml", BRIEF);
    let left = p.write("out/b/.walkaway-Q1w2E3.tmp", "half a PDF");
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&left)
        .and_then(|f| f.set_modified(hour_ago))
        .expect("age it");
    let r = p.run(&[
        "render", "b.yaml", "-o", "out", "--format", "md", "--today", TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!left.exists());
    assert!(p.path("out/b/prep-pack.md").is_file());
}

// ---------------------------------------------------------------------------
// Item 11: text that YAML reads as something else is kept exactly as written
// (and said so); a date with a time is an error, not a day silently.

#[test]
fn text_is_kept_exactly_as_written() {
    let p = Project::temp();
    let brief = BRIEF
        .replace("title: Van purchase", "title: 0x1F")
        .replace("    unit: EUR\n", "    unit: EUR\n    label: 2027.10\n")
        + "notes: yes\n";
    p.write("b.yaml", &brief);
    let r = p.run(&[
        "render", "b.yaml", "-o", "out", "--format", "md,json", "--today", TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: `title` is written `0x1F`, which YAML reads as the number 31; it is kept as the text `0x1F`\n  --> b.yaml:1:8"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("b.yaml:8:12"), "{}", r.stderr);
    let json = std::fs::read_to_string(p.path("out/b/assessment.json")).expect("json");
    assert!(json.contains("\"title\": \"0x1F\""), "{json}");
    assert!(json.contains("\"label\": \"2027.10\""), "{json}");
    let md = std::fs::read_to_string(p.path("out/b/prep-pack.md")).expect("md");
    assert!(md.contains("yes"), "{md}");
}

#[test]
fn empty_text_and_dates_with_a_time_are_errors() {
    let r = check_brief(&BRIEF.replace(
        "title: Van purchase",
        "title: ''\ndate: 2026-12-03T10:00:00",
    ));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: `title` is empty\n  --> b.yaml:1:8"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("error: `date` must be a day written YYYY-MM-DD, found `2026-12-03T10:00:00`: the time is not used\n  --> b.yaml:2:7"),
        "{}",
        r.stderr
    );
}

/// A date written right that the calendar does not have is called that, with
/// how many days its month has, not "must be written YYYY-MM-DD".
#[test]
fn a_day_the_calendar_lacks_is_called_that() {
    for (date, hint) in [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("2026-11-31", "November 2026 has 30 days"),
        ("2026-13-01", "months run from 01 to 12"),
    ] {
        let r = check_brief(
            &BRIEF.replace("title: Van purchase", &format!("title: Van\ndate: {date}")),
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "error: `date`: `{date}` is not a day of the calendar\n  --> b.yaml:2:7"
            )),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(hint), "{}", r.stderr);
        assert!(!r.stderr.contains("must be a date written"), "{}", r.stderr);
    }
}

/// A number written as people write it (grouped, with its unit) is refused
/// with the plain number to write instead.
#[test]
fn a_number_written_with_grouping_or_a_unit_gets_the_plain_number_as_a_hint() {
    for (written, plain) in [
        ("2,350 EUR", "2350"),
        ("10,000", "10000"),
        ("€9,000", "9000"),
        ("0.90 EUR", "0.90"),
        ("45 days", "45"),
        ("12k", "12000"),
        ("€1.5k", "1500"),
        ("2 million", "2000000"),
        ("\"−5\"", "-5"),
        ("48500,50", "48500.50"),
        ("€1.000,50", "1000.50"),
    ] {
        let r = check_brief(&BRIEF.replace("walk: 9000", &format!("walk: {written}")));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("found text `{}`", written.trim_matches('"'))),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains(&format!("help: write the number alone: {plain} (")),
            "{}",
            r.stderr
        );
    }
    // Text that is no number, or a number whose meaning is a guess (2m:
    // millions, metres or months?), gets no such hint.
    for written in ["ten", "2m"] {
        let r = check_brief(&BRIEF.replace("walk: 9000", &format!("walk: {written}")));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(!r.stderr.contains("write the number alone"), "{}", r.stderr);
    }
}

// ---------------------------------------------------------------------------
// Item 15: what YAML problems are called.

#[test]
fn yaml_problems_are_named_in_plain_words() {
    for (text, at, words) in [
        (
            format!("{BRIEF}---\n"),
            "b.yaml:12:1",
            "a second YAML document starts here; a brief or rules file is one document",
        ),
        (
            format!("{BRIEF}---\n{BRIEF}"),
            "b.yaml:12:1",
            "a second YAML document starts here",
        ),
        (
            BRIEF.replace("side: buyer", "side: buyer\nside: seller"),
            "b.yaml:3:1",
            "the key `side` is given twice in this mapping",
        ),
    ] {
        let r = check_brief(&text);
        assert_located_error(&r, at, words);
        assert!(!r.stderr.contains("Options"), "{}", r.stderr);
        assert!(!r.stderr.contains("aliases"), "{}", r.stderr);
    }
}

#[test]
fn a_brief_with_too_many_values_is_told_so_not_about_aliases() {
    let ids: Vec<String> = (0..110_000).map(|i| format!("i{i}")).collect();
    let r = check_brief(&format!("{BRIEF}observed: [{}]\n", ids.join(", ")));
    assert_located_error(
        &r,
        "b.yaml:12:",
        "this YAML holds far more values than any brief or rules file (more than 100,000); refused here",
    );
    assert!(!r.stderr.contains("aliases"), "{}", short(&r.stderr));
}

/// Text that no output can show, or that reads differently from what it is,
/// is refused where it is written: control characters (an escape sequence
/// that would drive a terminal), direction overrides (a spoofed name).
#[test]
fn control_characters_and_direction_overrides_are_refused_where_written() {
    for (line, code, kind) in [
        (
            r#"topic: "the deal \e]0;pwned\a""#,
            "U+001B",
            "a control character",
        ),
        (r#"topic: "a \0 b""#, "U+0000", "a control character"),
        (r#"topic: "one\u2028two""#, "", "must be on one line"),
        (
            r#"them: { name: "Lee \u202Ekraп", email: lee@example.com }"#,
            "U+202E",
            "an invisible direction override",
        ),
    ] {
        let p = Project::temp();
        let brief = if line.starts_with("them:") {
            BRIEF.replace("them: { name: Lee Park, email: lee@example.com }", line)
        } else {
            BRIEF.replace("title: Van purchase", &format!("title: Van\n{line}"))
        };
        p.write("b.yaml", &brief);
        let r = p.run(&["check", "b.yaml", "--today", TODAY]);
        assert_eq!(r.code, 2, "{line}: {}", r.stderr);
        assert!(r.stderr.contains(kind), "{line}: {}", r.stderr);
        assert!(r.stderr.contains(code), "{line}: {}", r.stderr);
        assert!(r.stderr.contains("--> b.yaml:"), "{line}: {}", r.stderr);
        assert!(
            !r.stderr.contains('\u{1b}'),
            "the escape reached the terminal"
        );
    }
    // Right-to-left text itself, with its plain marks, is kept.
    let r = check_brief(&BRIEF.replace(
        "them: { name: Lee Park,",
        "them: { name: \"محمد عبد الله\u{200F}\",",
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A name a rule text is not given is an error when the rules load, located
/// at the name, with a suggestion — also for a rule that never fires — and
/// the built-in rules, loaded as a user's file, have none.
#[test]
fn a_name_a_rule_text_is_not_given_is_an_error_when_the_rules_load() {
    let p = Project::temp();
    p.write("b.yaml", BRIEF);
    p.write(
        "r.yaml",
        "version: 1\nred_flags:\n  - id: never\n    severity: low\n    title: Never\n    when: \"false\"\n    advice: \"On {{ term.price.label }}: {{ scor }}\"\n",
    );
    let r = p.run(&["check", "b.yaml", "--rules", "r.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("error: red flag `never` advice: `scor` is not a name rule texts are given\n  --> r.yaml:7:44"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `score`?"), "{}", r.stderr);
    // A field no value has, after a term id.
    p.write(
        "r.yaml",
        "version: 1\nred_flags:\n  - id: never\n    severity: low\n    title: Never\n    when: \"false\"\n    advice: \"On {{ term.price.lable }}\"\n",
    );
    let r = p.run(&["check", "b.yaml", "--rules", "r.yaml", "--today", TODAY]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "advice: `lable` is not a field of any value rule texts are given\n  --> r.yaml:7:31"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `label`?"), "{}", r.stderr);

    let default = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/default.yaml"),
    )
    .expect("read");
    p.write("default.yaml", &default);
    let r = p.run(&[
        "check",
        "b.yaml",
        "--rules",
        "default.yaml",
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The commonest YAML slips are said in a brief writer's words, where the
/// mistake is, with the fix: a `: ` inside a value, a key without its colon,
/// a line indented too deep or too shallow, a tab, a bracket never closed,
/// and a required key written with nothing after it.
#[test]
fn common_yaml_slips_are_named_where_they_are_with_the_fix() {
    let head = "title: T\nside: buyer\nterms:\n";
    for (yaml, at, says, hint) in [
        (
            "title: Colon test: part 2\nside: buyer\nterms:\n  - { id: p, walk: 10, offer: 9 }\n"
                .to_string(),
            "b.yaml:1:1",
            "a `: ` inside a value would start another key",
            "put the value in quotes: `title: \"Colon test: part 2\"`",
        ),
        (
            "title: T\nside buyer\nterms:\n  - { id: p, walk: 10, offer: 9 }\n".to_string(),
            "b.yaml:2:1",
            "a key needs a `: ` after it",
            "write `side: buyer`",
        ),
        (
            format!("{head}  - id: p\n    walk: 10\n      offer: 9\n"),
            "b.yaml:6:7",
            "this line is indented deeper than the line above it",
            "indent it like the line above (4 spaces)",
        ),
        (
            format!("{head}  - id: p\n    walk: 10\n   offer: 9\n"),
            "b.yaml:6:4",
            "this line is indented less than the lines above it",
            "indent it like the lines above (4 spaces)",
        ),
        (
            format!("{head}  - id: p\n    walk: 10\n- id: q\n  walk: 5\n"),
            "b.yaml:6:1",
            "this line is indented less than the lines above it",
            "indent it like the lines above (2 spaces)",
        ),
        (
            format!("{head}  - id: p\n\tlabel: x\n    walk: 10\n"),
            "b.yaml:5:1",
            "this line is indented with a tab; YAML indents with spaces only",
            "replace the tab with spaces",
        ),
        (
            format!("{head}  - id: p\n    walk: 10\n    offer: [oops\n    weight: 2\n"),
            "b.yaml:6:12",
            "this `[` is never closed",
            "close it with `]` on the same line",
        ),
        (
            head.to_string(),
            "b.yaml:3:1",
            "`terms` in the brief has no value",
            "write its value after `terms:`",
        ),
    ] {
        let r = check_brief(&yaml);
        assert_eq!(r.code, 2, "{yaml}\n{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("error: {says}\n  --> {at}")),
            "{yaml}\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("help: {hint}")),
            "{yaml}\n{}",
            r.stderr
        );
    }
}

/// The mistakes of one brief are reported in the order of the file, as a
/// reader goes through it.
#[test]
fn a_briefs_mistakes_come_in_the_order_of_the_file() {
    let r = check_brief(
        &BRIEF
            .replace(
                "title: Van purchase\nside: buyer",
                "title: Van\ndate: 2026-13-01\nside: buyr",
            )
            .replace("    wish: 7500", "    wish: lots"),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let at = |s: &str| {
        r.stderr
            .find(s)
            .unwrap_or_else(|| panic!("no {s} in\n{}", r.stderr))
    };
    assert!(at("b.yaml:2:") < at("b.yaml:3:"), "{}", r.stderr);
    assert!(at("b.yaml:3:") < at("b.yaml:9:"), "{}", r.stderr);
}
