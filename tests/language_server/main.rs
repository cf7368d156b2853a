//! Editing a project in an editor (issue 16): the real yaml-language-server
//! (npm's, which `scripts/test.sh` installs under `target/`; VS Code, Neovim,
//! Helix and others run it) is started over stdio on a project scaffolded by
//! `walkaway init`, with the settings `init` writes (`.vscode/settings.json`),
//! and asked what an editor asks: the diagnostics of each file, completion,
//! hover. A brief moved into `briefs/2026/` is checked like one in `briefs/`,
//! and every problem the editor shows in it, `walkaway check` reports at the
//! same line (`check` also sees what draft-07 cannot: a choice term's walk that
//! is not one of its options). With `CI=true` a missing server fails the test;
//! the timeouts only guard against a hung server.

mod lsp;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn server() -> Option<PathBuf> {
    let path = std::env::var_os("WALKAWAY_YAML_LANGUAGE_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/yaml-language-server/node_modules/.bin/yaml-language-server")
        });
    if path.is_file() {
        return Some(path);
    }
    let what = format!("yaml-language-server ({})", path.display());
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} is missing (scripts/test.sh installs it)"
    );
    eprintln!("skipped: {what} is missing (scripts/test.sh installs it)");
    None
}

fn walkaway(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run walkaway")
}

/// The 0-based line of the first line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line {line:?} in:\n{text}"))
}

/// `text` with the first line equal to `from` replaced by `to`.
fn replace_line(text: &str, from: &str, to: &str) -> String {
    let n = line_of(text, from);
    text.lines()
        .enumerate()
        .map(|(i, l)| if i == n { to } else { l })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Each diagnostic as (0-based line, message).
fn lines(diags: &[Value]) -> Vec<(usize, String)> {
    let mut v: Vec<(usize, String)> = diags
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX) as usize,
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn has(diags: &[(usize, String)], line: usize, part: &str) -> bool {
    diags.iter().any(|(l, m)| *l == line && m.contains(part))
}

/// A project scaffolded by `walkaway init`, its editor settings read the way
/// VS Code passes them to the server.
fn scaffold() -> (tempfile::TempDir, PathBuf, Value) {
    // Not under a hidden folder (tempfile's default `.tmpXXXX`): the server's
    // globs do not match paths through folders whose name starts with a dot.
    let tmp = tempfile::Builder::new()
        .prefix("walkaway-editor-")
        .tempdir()
        .expect("temp dir");
    let out = walkaway(tmp.path(), &["init", "project"]);
    assert!(out.status.success(), "{out:?}");
    let root = tmp.path().join("project");
    let vscode: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".vscode/settings.json")).expect("settings"),
    )
    .expect("settings JSON");
    // The schema store is off: nothing is fetched from the network.
    let settings = json!({ "yaml": { "schemas": vscode["yaml.schemas"], "validate": true,
                                     "hover": true, "completion": true,
                                     "schemaStore": { "enable": false } } });
    (tmp, root, settings)
}

#[test]
fn an_editor_checks_every_file_of_a_scaffolded_project() {
    let Some(server) = server() else { return };
    let (_tmp, root, settings) = scaffold();
    let brief_text = std::fs::read_to_string(root.join("briefs/car-purchase.yaml")).expect("brief");

    // The brief moved into a subfolder, with the mistakes people make.
    std::fs::create_dir_all(root.join("briefs/2026")).expect("mkdir");
    let moved = root.join("briefs/2026/car-purchase.yaml");
    std::fs::rename(root.join("briefs/car-purchase.yaml"), &moved).expect("move");
    // Its `$schema` line is relative to `briefs/`: moved deeper, it is
    // deleted (README, Editors), and the settings' globs check it.
    let mut text = brief_text
        .lines()
        .filter(|l| !l.starts_with("# yaml-language-server:"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    text = replace_line(&text, "    offer: 98500", "    ofer: 98500");
    text = replace_line(&text, "    walk: 14", "    walk: ten");
    text = replace_line(&text, "    walk: true", "    walk: true\n    offer: 7");
    text = replace_line(&text, "    offer: true", "    deal_breaker: yes");
    text = replace_line(&text, "    walk: none", "    walk: nothing");
    text = replace_line(&text, "date: 2026-11-28", "date: 2026-13-45");
    text = replace_line(&text, "side: buyer", "side: buyr");
    text = replace_line(
        &text,
        "title: Škoda Octavia Combi — purchase in Łódź",
        "title: 2027",
    );
    std::fs::write(&moved, &text).expect("write");

    let mut client = lsp::Client::start(&server, &root, settings);
    let diags = lines(&client.open(&moved, &text));
    let at = |l: &str| line_of(&text, l);
    let expected = [
        (at("    ofer: 98500"), "ofer"),
        (at("    walk: ten"), "numeric term takes a number"),
        (at("    offer: 7"), "yes/no term"),
        (at("    deal_breaker: yes"), "true or false"),
        (at("date: 2026-13-45"), "YYYY-MM-DD"),
        (at("side: buyr"), "Value is not accepted"),
        (at("title: 2027"), "keeps the text exactly as you wrote it"),
    ];
    for (line, part) in expected {
        assert!(
            has(&diags, line, part),
            "no {part:?} at line {} of the moved brief; the editor says {diags:#?}",
            line + 1
        );
    }
    assert_eq!(diags.len(), expected.len(), "{diags:#?}");

    // `walkaway check` reports a problem at each of the same lines, and no other.
    let check = walkaway(&root, &["check", "briefs/2026/car-purchase.yaml"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    let mut tool_lines: Vec<usize> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> briefs/2026/car-purchase.yaml:"))
        .filter_map(|l| l.split(':').next()?.parse::<usize>().ok())
        .map(|l| l - 1)
        .collect();
    tool_lines.sort();
    tool_lines.dedup();
    // A choice term's walk that is not one of its options is the one mistake
    // here the editor cannot see: draft-07 cannot compare a value with another
    // value of the same file (the term's own `options`). `walkaway check` says it.
    let not_an_option = at("    walk: nothing");
    assert!(
        !diags.iter().any(|(l, _)| *l == not_an_option),
        "the editor now sees a walk that is not an option: add it to the expected diagnostics\n{diags:#?}"
    );
    assert!(
        stderr.contains("is not one of the term's options"),
        "{stderr}"
    );
    let mut editor_lines: Vec<usize> = diags.iter().map(|(l, _)| *l).collect();
    editor_lines.push(not_an_option);
    editor_lines.sort();
    editor_lines.dedup();
    assert_eq!(editor_lines, tool_lines, "walkaway check says:\n{stderr}");

    // The brief as scaffolded, copied beside it: nothing to say (its `$schema`
    // line is right for `briefs/`); copied into the subfolder without that
    // line: nothing to say either (the settings find the schema at any depth).
    let copy = root.join("briefs/copy.yaml");
    std::fs::write(&copy, &brief_text).expect("write");
    assert_eq!(lines(&client.open(&copy, &brief_text)), vec![]);
    let deeper = root.join("briefs/2026/copy.yaml");
    let without: String = brief_text
        .lines()
        .filter(|l| !l.starts_with("# yaml-language-server:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&deeper, &without).expect("write");
    assert_eq!(lines(&client.open(&deeper, &without)), vec![]);

    // Completion inside a term offers the term's keys it lacks, and at the top
    // level the brief's keys it lacks.
    let in_term = replace_line(
        &brief_text,
        "    label: Warranty",
        "    label: Warranty\n    ",
    );
    std::fs::write(&copy, &in_term).expect("write");
    client.open(&copy, &in_term);
    let blank = line_of(&in_term, "    label: Warranty") + 1;
    let labels = client.completion(&copy, blank, 4);
    for key in ["deal_breaker", "decimals", "their_walk", "options"] {
        assert!(labels.iter().any(|l| l == key), "{key} in {labels:?}");
    }
    assert!(!labels.iter().any(|l| l == "title"), "{labels:?}");
    let top = format!("{brief_text}\n");
    std::fs::write(&copy, &top).expect("write");
    client.open(&copy, &top);
    let labels = client.completion(&copy, top.lines().count(), 0);
    let present: Vec<&str> = brief_text
        .lines()
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .filter(|k| !k.starts_with([' ', '-', '#']))
        .collect();
    for key in walkaway::brief::keys::BRIEF {
        if !present.contains(key) {
            assert!(labels.iter().any(|l| l == key), "{key} in {labels:?}");
        }
    }
    assert!(!labels.iter().any(|l| l == "walk"), "{labels:?}");
    // Hover explains keys and words.
    let hover = client.hover(&copy, line_of(&top, "side: buyer"), 1);
    assert!(hover.contains("Which side of the table"), "{hover}");
    let hover = client.hover(&copy, line_of(&top, "side: buyer"), 7);
    // On a word: every word of the list, each explained.
    assert!(
        hover.contains("`buyer`: You are buying: a lower price is better for you")
            && hover.contains("`seller`: You are selling"),
        "{hover}"
    );
    let hover = client.hover(&copy, line_of(&top, "    walk: 104000"), 5);
    assert!(
        hover.contains("Term") && hover.contains("walk-away point"),
        "{hover}"
    );
    let hover = client.hover(&copy, line_of(&top, "  authority: full"), 4);
    assert!(hover.contains("agree final terms themselves"), "{hover}");

    // A word's value: the words of its list.
    let no_side = replace_line(&brief_text, "side: buyer", "side: ");
    std::fs::write(&copy, &no_side).expect("write");
    client.open(&copy, &no_side);
    let labels = client.completion(&copy, line_of(&no_side, "side: "), 6);
    assert!(
        labels.iter().any(|l| l == "buyer") && labels.iter().any(|l| l == "seller"),
        "{labels:?}"
    );
}

#[test]
fn an_editor_checks_walkaway_yaml_rules_and_fixtures() {
    let Some(server) = server() else { return };
    let (_tmp, root, settings) = scaffold();
    let mut client = lsp::Client::start(&server, &root, settings);

    // As scaffolded: nothing to say.
    for file in [
        "walkaway.yaml",
        "rules/house.yaml",
        "tests/car-purchase.test.yaml",
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(lines(&client.open(&path, &text)), vec![], "{file}");
    }

    // A fixture kept next to the briefs it pins, in a subfolder, is checked as
    // a fixture, not as a brief (the brief globs exclude `*.test.yaml`).
    std::fs::create_dir_all(root.join("briefs/2026")).expect("mkdir");
    let fixture = root.join("briefs/2026/car-purchase.test.yaml");
    let text = std::fs::read_to_string(root.join("tests/car-purchase.test.yaml"))
        .expect("read")
        .replace("../briefs/car-purchase.yaml", "../car-purchase.yaml");
    std::fs::write(&fixture, &text).expect("write");
    assert_eq!(lines(&client.open(&fixture, &text)), vec![]);
    let text = text.replace("  stage: none", "  stage: nowhere");
    let diags = lines(&client.open(&fixture, &text));
    let line = text
        .lines()
        .position(|l| l.starts_with("  stage: nowhere"))
        .expect("stage line");
    assert!(has(&diags, line, "Value is not accepted"), "{diags:#?}");
    assert_eq!(diags.len(), 1, "{diags:#?}");

    let cases = [
        ("walkaway.yaml", "paper: a4", "papr: a4", "papr"),
        (
            "walkaway.yaml",
            "out: out/",
            "out: out/\nformats: [md, docx]",
            "Valid values: \"md\"",
        ),
        (
            "rules/house.yaml",
            "    severity: medium",
            "    severity: severe",
            "Value is not accepted",
        ),
        (
            "tests/car-purchase.test.yaml",
            "  verdict: proceed                     # walk | caution | proceed",
            "  verdict: proceeed",
            "Value is not accepted",
        ),
    ];
    for (file, from, to, part) in cases {
        let path = root.join(file);
        let original = std::fs::read_to_string(&path).expect("read");
        let text = replace_line(&original, from, to);
        let diags = lines(&client.open(&path, &text));
        let changed = to.lines().last().unwrap_or(to);
        let line = line_of(&text, changed);
        assert!(
            has(&diags, line, part),
            "{file}: no {part:?} at line {}: {diags:#?}",
            line + 1
        );
        assert_eq!(diags.len(), 1, "{file}: {diags:#?}");
        // And walkaway refuses the same file, at the same line.
        std::fs::write(&path, &text).expect("write");
        let out = match file {
            "tests/car-purchase.test.yaml" => walkaway(&root, &["test"]),
            _ => walkaway(&root, &["check", "briefs/car-purchase.yaml"]),
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("{file}:{}:", line + 1)),
            "{file}: walkaway says {stderr}"
        );
        std::fs::write(&path, original).expect("restore");
    }
}

/// Without the project's editor settings (an editor opened on one file, or
/// one not set up as the README says), `walkaway.yaml` and the rules file still
/// find their schemas through their modelines, which are relative to the file.
#[test]
fn the_modelines_of_files_that_stay_put_are_right_for_their_depth() {
    let Some(server) = server() else { return };
    let (_tmp, root, mut settings) = scaffold();
    settings["yaml"]["schemas"] = json!({});
    let mut client = lsp::Client::start(&server, &root, settings);
    let cases = [
        ("walkaway.yaml", "paper: a4", "papr: a4", "papr"),
        (
            "rules/house.yaml",
            "    severity: medium",
            "    severity: severe",
            "Value is not accepted",
        ),
    ];
    for (file, from, to, part) in cases {
        let path = root.join(file);
        let original = std::fs::read_to_string(&path).expect("read");
        assert!(
            original.starts_with("# yaml-language-server: $schema="),
            "{file}"
        );
        assert_eq!(lines(&client.open(&path, &original)), vec![], "{file}");
        let text = replace_line(&original, from, to);
        let diags = lines(&client.open(&path, &text));
        let line = line_of(&text, to);
        assert!(
            has(&diags, line, part),
            "{file}: no {part:?} at line {}: {diags:#?}",
            line + 1
        );
        assert_eq!(diags.len(), 1, "{file}: {diags:#?}");
    }
}
