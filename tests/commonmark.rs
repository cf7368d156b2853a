//! The CommonMark spec's examples (652 of them, from npm's `commonmark-spec`,
//! which `scripts/test.sh` installs under `target/`) as a brief's notes, built
//! through every format: none may fail or panic, and every prep pack's Typst
//! source must compile with the real compiler (typst 0.15's Python module).
//! With `CI=true` a missing spec or compiler fails the test; elsewhere it says
//! what is missing and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = include_str!("../examples/car-purchase.yaml");

fn spec_path() -> PathBuf {
    std::env::var_os("WALKAWAY_COMMONMARK_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/commonmark-spec/spec.json")
        })
}

fn missing(what: &str) -> bool {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} (scripts/test.sh installs it)"
    );
    eprintln!("skipped: {what} (scripts/test.sh installs it)");
    true
}

/// The example brief with `md` as its notes.
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

/// Compiles every `.typ` named on stdin (one per line); prints the ones that
/// fail, with the error.
const COMPILE_ALL_PY: &str = r#"
import sys, os, typst
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        typst.compile(path, output=path[:-4] + ".pdf", root=os.path.dirname(path), ignore_system_fonts=True)
    except Exception as e:
        print("%s: %s" % (path, str(e).splitlines()[0] if str(e) else e))
"#;

#[test]
fn the_commonmark_spec_examples_build_in_every_format() {
    let spec = spec_path();
    let Ok(text) = std::fs::read_to_string(&spec) else {
        missing(&format!(
            "the CommonMark spec examples ({})",
            spec.display()
        ));
        return;
    };
    let examples: Vec<serde_json::Value> = serde_json::from_str(&text).expect("spec.json");
    assert!(examples.len() > 600, "{} examples", examples.len());

    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for ex in &examples {
        let n = ex["number"].as_u64().expect("number");
        // The spec writes a tab as →.
        let md = ex["markdown"]
            .as_str()
            .expect("markdown")
            .replace('→', "\t");
        let path = dir.path().join(format!("ex{n:03}.yaml"));
        std::fs::write(&path, with_notes(&md)).expect("write");
        paths.push(path);
    }
    let setup = walkaway::build::Setup {
        rules: walkaway::rules::load_default().expect("rules"),
        templates: walkaway::render::templates::Templates::load(None).expect("templates"),
        today: jiff::civil::date(2026, 11, 23),
        paper: walkaway::artifact::Paper::A4,
        formats: walkaway::artifact::Format::ALL.to_vec(),
        force_letter: true,
        out: dir.path().join("out"),
        typst_cmd: None,
    };
    let reports = walkaway::build::build_all(&paths, &setup, &|_| {});
    let failed: Vec<String> = reports
        .iter()
        .filter(|r| r.failed())
        .map(|r| {
            let diags: String = r.diagnostics.iter().map(|d| d.render()).collect();
            format!(
                "{}: {diags}{}",
                r.name,
                r.io_error.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    for r in &reports {
        let names: Vec<String> = r
            .written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        for want in [
            "prep-pack.md",
            "prep-pack.html",
            "prep-pack.pdf",
            "prep-pack.typ",
            "email.eml",
            "assessment.json",
        ] {
            assert!(
                names.iter().any(|n| n == want),
                "{}: no {want} in {names:?}",
                r.name
            );
        }
    }

    let typst = Command::new("python3")
        .args(["-c", "import typst"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !typst && missing("python3 with the typst module") {
        return;
    }
    // One compiler process per core, each with its share of the files.
    let files: Vec<String> = reports
        .iter()
        .map(|r| {
            setup
                .out
                .join(&r.name)
                .join("prep-pack.typ")
                .display()
                .to_string()
        })
        .collect();
    let procs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = files.len().div_ceil(procs);
    let children: Vec<_> = files
        .chunks(chunk.max(1))
        .map(|part| {
            let mut child = Command::new("python3")
                .args(["-c", COMPILE_ALL_PY])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("python3");
            let mut stdin = child.stdin.take().expect("stdin");
            use std::io::Write;
            stdin
                .write_all(part.join("\n").as_bytes())
                .expect("write list");
            drop(stdin);
            child
        })
        .collect();
    let mut errors = String::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "the compile script failed");
        errors.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    assert!(
        errors.trim().is_empty(),
        "Typst does not compile:\n{errors}"
    );
}
