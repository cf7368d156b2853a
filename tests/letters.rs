//! Golden letters: for one fixture deal, the letter of each exit stage (warn,
//! pause, exit with the door open, exit with the door closed), in both tones,
//! rendered by the binary and compared with reviewed snapshots. The words come
//! from the default rules' exit scripts.

use std::path::Path;
use std::process::Command;

/// Who signs: for an organisation ("we"), or on one's own ("I").
#[derive(Clone, Copy)]
enum Voice {
    We,
    I,
}

/// A buyer's brief; `observed` and the offer decide which exit script applies.
fn brief(observed: &str, offer: u32, tone: &str, voice: Voice) -> String {
    let organisation = match voice {
        Voice::We => ", organisation: Northwind Tools",
        Voice::I => "",
    };
    format!(
        "title: Office chairs for the Leeds site
topic: the chairs for the Leeds office
date: 2026-11-25
side: buyer
us: {{ name: Dana Ruiz{organisation}, email: dana@northwind.example }}
them: {{ name: Zoë Łukasiewicz, organisation: Seating & Co., email: zoe@seating.example, salutation: Ms Łukasiewicz }}
relationship: ongoing
terms:
  - {{ id: price, label: Price per chair, unit: EUR, wish: 180, want: 200, walk: 230, offer: {offer}, weight: 3 }}
  - {{ id: delivery_weeks, label: Delivery time, unit: weeks, wish: 2, want: 4, walk: 6, offer: 3 }}
observed: [{observed}]
letter: {{ tone: {tone} }}
"
    )
}

/// A letter says "we" exactly when an organisation signs, never both voices
/// for the writer's side.
fn assert_voice(text: &str, voice: Voice) {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .collect();
    let we = words.iter().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "we" | "we've" | "we're" | "we'd" | "we'll" | "us" | "ourselves"
        )
    });
    // The signer of an organisation's letter speaks for it throughout (DESIGN
    // §5): no "I would be glad" after "we have decided".
    let i = words.iter().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "i" | "i'd" | "i'm" | "i'll" | "i've" | "me" | "my" | "myself"
        )
    });
    match voice {
        Voice::We => assert!(
            we && !i,
            "an organisation writes \"we\", never \"I\": {text}"
        ),
        Voice::I => assert!(!we, "one person never writes \"we\": {text}"),
    }
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
    // Two behaviour flags: a warning (one alone is a signal, with no letter).
    let text = letter("warn", &brief("sarcasm, rude", 210, "warm", Voice::We));
    assert!(text.contains("\nHi Zoë,\n"), "{text}");
    assert!(
        text.contains("- Sarcastic remarks\n- Discourteous remarks"),
        "{text}"
    );
    assert!(
        text.contains("The point still open on our side: Price per chair."),
        "{text}"
    );
    assert_voice(&text, Voice::We);
    insta::assert_snapshot!("letter_warn_warm_we", text);
}

#[test]
fn a_single_behaviour_flag_writes_no_letter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signal.yaml");
    std::fs::write(&path, brief("sarcasm", 210, "warm", Voice::We)).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .arg("render")
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("out"))
        .args(["--today", "2026-11-23", "--format", "md,eml"])
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written: Vec<String> = std::fs::read_dir(dir.path().join("out/signal"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["prep-pack.md"]);
}

#[test]
fn pause_proposes_a_break_and_a_condition_for_resuming() {
    let text = letter("pause", &brief("high_pressure", 210, "formal", Voice::I));
    // A formal letter greets by `them.salutation`.
    assert!(text.contains("\nDear Ms Łukasiewicz,\n"), "{text}");
    assert!(text.contains("the chairs for the Leeds office"), "{text}");
    assert!(
        text.contains("The point still open on my side: Price per chair."),
        "{text}"
    );
    assert_voice(&text, Voice::I);
    insta::assert_snapshot!("letter_pause_formal_i", text);
}

#[test]
fn exit_open_says_what_was_met_and_leaves_the_door_open() {
    for (tone, voice, name) in [
        ("warm", Voice::I, "letter_exit_open_warm_i"),
        ("formal", Voice::We, "letter_exit_open_formal_we"),
    ] {
        let text = letter("open", &brief("", 240, tone, voice));
        assert!(
            text.contains("common ground on Delivery time."),
            "met interest missing: {text}"
        );
        assert!(
            text.contains("- Price per chair: outside what"),
            "unmet interest missing: {text}"
        );
        // One point is "this point"; the title is never pasted into a sentence.
        assert!(text.contains("on this point changes"), "{text}");
        assert!(
            !text.contains("Office chairs for the Leeds site:"),
            "{text}"
        );
        assert_voice(&text, voice);
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn exit_closed_ends_it_without_inviting_a_return() {
    for (tone, voice, name) in [
        ("formal", Voice::We, "letter_exit_closed_formal_we"),
        ("warm", Voice::I, "letter_exit_closed_warm_i"),
    ] {
        let text = letter("closed", &brief("dishonesty", 210, tone, voice));
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
        // Brief text reaches the letter without a visible Markdown escape.
        assert!(text.contains("Seating & Co."), "{text}");
        assert_voice(&text, voice);
        insta::assert_snapshot!(name, text);
    }
}
