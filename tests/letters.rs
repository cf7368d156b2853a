//! Golden letters: for one fixture deal, the letter of each exit stage (warn,
//! pause, exit with the door open, exit with the door closed), in both tones,
//! rendered by the binary and compared with reviewed snapshots. The words come
//! from the default rules' exit scripts.

use std::path::Path;
use std::process::Command;

/// A buyer's brief; `observed` and the offer decide which exit script applies.
fn brief(observed: &str, offer: u32, tone: &str) -> String {
    format!(
        "title: Office chairs for the Leeds site
date: 2026-11-25
side: buyer
us: {{ name: Dana Ruiz, organisation: Northwind Tools, email: dana@northwind.example }}
them: {{ name: Zoë Łukasiewicz, organisation: Seating Co, email: zoe@seating.example }}
relationship: ongoing
terms:
  - {{ id: price, label: Price per chair, unit: EUR, wish: 180, want: 200, walk: 230, offer: {offer}, weight: 3 }}
  - {{ id: delivery_weeks, label: Delivery time, unit: weeks, wish: 2, want: 4, walk: 6, offer: 3 }}
observed: [{observed}]
letter: {{ tone: {tone} }}
"
    )
}

fn letter(name: &str, yaml: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).expect("write brief");
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .current_dir(dir.path())
        .arg("render")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .args(["--today", "2026-11-23", "--format", "md"])
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(Path::new(&out).join(name).join("letter.md"))
        .expect("a letter was written")
}

#[test]
fn warn_names_the_behaviour_and_what_happens_next() {
    let text = letter("warn", &brief("sarcasm", 210, "warm"));
    assert!(text.contains("Hi Zoë Łukasiewicz,"), "{text}");
    insta::assert_snapshot!("letter_warn_warm", text);
}

#[test]
fn pause_proposes_a_break_and_a_condition_for_resuming() {
    let text = letter("pause", &brief("high_pressure", 210, "formal"));
    assert!(text.contains("Dear Zoë Łukasiewicz,"), "{text}");
    insta::assert_snapshot!("letter_pause_formal", text);
}

#[test]
fn exit_open_says_what_was_met_and_leaves_the_door_open() {
    let text = letter("open", &brief("", 240, "warm"));
    assert!(
        text.contains("Delivery time"),
        "met interest missing: {text}"
    );
    assert!(
        text.contains("Price per chair"),
        "unmet interest missing: {text}"
    );
    insta::assert_snapshot!("letter_exit_open_warm", text);
}

#[test]
fn exit_closed_ends_it_without_inviting_a_return() {
    let text = letter("closed", &brief("dishonesty", 210, "formal"));
    let lower = text.to_lowercase();
    for phrase in [
        "come back",
        "door",
        "look at it again",
        "open mind",
        "hear from you",
    ] {
        assert!(
            !lower.contains(phrase),
            "the closed-door letter invites a return (`{phrase}`): {text}"
        );
    }
    insta::assert_snapshot!("letter_exit_closed_formal", text);
}
