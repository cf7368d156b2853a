//! The Typst outputs, proven with the real compiler: every example and a hostile
//! brief are rendered to `.typ` by the binary, compiled by typst 0.15 (its Python
//! module, `pip install typst`) with only the fonts typst carries, and must
//! compile without a warning; the PDF's text (pdftotext) must show the brief's
//! text literally. With `CI=true` a missing tool fails the test; elsewhere the
//! test says what is missing and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-23";

/// Compiles argv[1] to argv[2] with typst 0.15's Python module: the file's folder
/// is the root (no reading outside it) and system fonts are ignored, so only the
/// fonts built into typst count. Prints the warnings, one per line; exits 1 with
/// the error when it does not compile.
const COMPILE_PY: &str = r#"
import sys, os, typst
src, out = sys.argv[1], sys.argv[2]
try:
    _, warnings = typst.compile_with_warnings(src, output=out, root=os.path.dirname(os.path.abspath(src)), ignore_system_fonts=True)
except Exception as e:
    print("compile error: %s" % e, file=sys.stderr)
    sys.exit(1)
for w in warnings:
    print("warning: %s %s" % (w.message, list(w.hints)))
"#;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_walkaway")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether python3 with the typst module, pdftotext and pdfinfo are here. In CI
/// their absence is a failure, not a skip.
fn tools() -> bool {
    let typst = Command::new("python3")
        .args([
            "-c",
            "import typst, sys; sys.exit(0 if typst.__version__.startswith('0.15') else 1)",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    let poppler = ["pdftotext", "pdfinfo"]
        .iter()
        .all(|t| Command::new(t).arg("-v").output().is_ok());
    if typst && poppler {
        return true;
    }
    let why = format!(
        "needs python3 with typst 0.15 (`pip install 'typst>=0.15,<0.16'`: {}) and poppler-utils (pdftotext, pdfinfo: {})",
        if typst { "found" } else { "missing" },
        if poppler { "found" } else { "missing" }
    );
    common::tool_available(false, &why)
}

/// Run `walkaway render` on a brief into `out`; panics with its output on failure.
fn render(brief: &Path, out: &Path, extra: &[&str]) {
    let o = Command::new(bin())
        .arg("render")
        .arg(brief)
        .args(["--today", TODAY, "-o"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run walkaway");
    assert!(
        o.status.success(),
        "walkaway render {} failed: {}\n{}",
        brief.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Compile a `.typ` with the real compiler; returns the PDF's path. Panics on an
/// error or any warning.
fn compile(typ: &Path) -> PathBuf {
    let pdf = typ.with_extension("pdf");
    let o = Command::new("python3")
        .arg("-c")
        .arg(COMPILE_PY)
        .arg(typ)
        .arg(&pdf)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{} does not compile: {}",
        typ.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.trim().is_empty(),
        "{} compiles with warnings:\n{stdout}",
        typ.display()
    );
    pdf
}

/// The PDF's text with all whitespace removed: line breaks fall wherever the
/// layout puts them, so texts are compared without it.
fn pdf_text(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        o.status.success(),
        "pdftotext {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    squeeze(&String::from_utf8_lossy(&o.stdout))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn page_size(pdf: &Path) -> String {
    let o = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("run pdfinfo");
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_default()
        .to_string()
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn examples_compile_without_warnings_on_a4_and_letter() {
    if !tools() {
        return;
    }
    for (paper, size) in [("a4", "595.276 x 841.89"), ("letter", "612 x 792")] {
        let dir = tempfile::tempdir().expect("temp dir");
        for brief in examples() {
            render(
                &brief,
                dir.path(),
                &["--format", "typst,md", "--paper", paper],
            );
            let out = dir.path().join(stem(&brief));
            let pdf = compile(&out.join("prep-pack.typ"));
            assert!(
                page_size(&pdf).contains(size),
                "{}: {} on {paper}",
                brief.display(),
                page_size(&pdf)
            );
            let text = pdf_text(&pdf);
            // What a reader looks for: the sections, the verdict, each term.
            for section in [
                "Verdictand why",
                "Terms",
                "BATNAandleverage",
                "Redflags",
                "Withdrawalladder",
                "Beforethemeeting",
                "Offerhistory",
                "Verdict:",
            ] {
                assert!(
                    text.contains(&squeeze(section)),
                    "{}: no `{section}` in the PDF",
                    brief.display()
                );
            }
            let md = std::fs::read_to_string(out.join("prep-pack.md")).expect("prep-pack.md");
            for label in md
                .lines()
                .skip_while(|l| !l.starts_with("| Term |"))
                .skip(2)
                .take_while(|l| l.starts_with('|'))
            {
                let label = label
                    .split('|')
                    .nth(1)
                    .unwrap_or_default()
                    .replace('\\', "")
                    .replace(" (tradeable)", "");
                assert!(
                    text.contains(&squeeze(&label)),
                    "{}: term `{label}` not in the PDF",
                    brief.display()
                );
            }
            // The letter exactly where the Markdown one is.
            assert_eq!(
                out.join("letter.typ").exists(),
                out.join("letter.md").exists(),
                "{}",
                brief.display()
            );
            if out.join("letter.typ").exists() {
                let letter = compile(&out.join("letter.typ"));
                assert!(page_size(&letter).contains(size), "{}", page_size(&letter));
            }
        }
    }
}

#[test]
fn example_typst_snapshots() {
    let dir = tempfile::tempdir().expect("temp dir");
    for brief in examples() {
        render(&brief, dir.path(), &["--format", "typst", "--paper", "a4"]);
        let out = dir.path().join(stem(&brief));
        for file in ["prep-pack.typ", "letter.typ"] {
            let Ok(text) = std::fs::read_to_string(out.join(file)) else {
                continue;
            };
            insta::assert_snapshot!(format!("{}__{file}", stem(&brief)), text);
        }
    }
}

/// Every text in the hostile brief, as it must read in the PDF.
const HOSTILE: &[&str] = &[
    r#"Hostile #read("/etc/passwd") $x^2$ *bold* _em_ @ref <label> ] } \ end"#,
    r#"#panic("boom") Dana"#,
    r#"#include "/etc/passwd" Ltd"#,
    r#"Lee `raw` ~ O'Brien "quoted""#,
    "// not a comment /* nor this */ Corp",
    "= Heading? - list? + enum? 1. numbered?",
    "$EUR]",
    "Delivery [x](y) #{1+1}",
    "weekly*",
    "_fortnightly_",
    "#sym.arrow",
    r"Guarantee \u{41} \\ back\slash",
    "Alt #let x = 1 {x}",
    "Valid... until ~ 2027 -- maybe --- or -? not",
    "@sam <sam>",
];

/// The notes are Markdown: what they must show once their markup is applied.
const HOSTILE_NOTES: &[&str] = &[
    r#"Notes heading with #read("/etc/passwd")"#,
    r#"Plain #panic("no") and $a + b$ and @ref and <label> and \ backslash."#,
    "Some emphasis, strong, code #x, and a link.",
    "first item with under_scores",
    "nested item ] }",
    "1. numbered",
    r#"#read("/etc/passwd")"#,
    r#"<script>alert("x")</script>"#,
    "= not a heading // not a comment",
];

#[test]
fn hostile_brief_compiles_and_shows_its_text_literally() {
    let dir = tempfile::tempdir().expect("temp dir");
    let brief = root().join("tests/fixtures/typst/hostile.yaml");
    render(&brief, dir.path(), &["--format", "typst"]);
    let out = dir.path().join("hostile");
    // Whatever the compiler does, no brief text reaches Typst as code.
    for file in ["prep-pack.typ", "letter.typ"] {
        let typ = outside_strings(&std::fs::read_to_string(out.join(file)).expect(file));
        for code in [
            "#read", "#panic", "#include", "#let x", "#sym", "#{", "#emph[x]",
        ] {
            let bare = typ
                .match_indices(code)
                .any(|(i, _)| !typ[..i].ends_with('\\'));
            assert!(!bare, "{file} has an unescaped `{code}`:\n{typ}");
        }
    }
    if !tools() {
        return;
    }
    let pack = pdf_text(&compile(&out.join("prep-pack.typ")));
    for s in HOSTILE.iter().chain(HOSTILE_NOTES) {
        assert!(
            pack.contains(&squeeze(s)),
            "prep pack does not show `{s}` literally:\n{pack}"
        );
    }
    let letter = pdf_text(&compile(&out.join("letter.typ")));
    for s in [
        HOSTILE[0],
        HOSTILE[1],
        HOSTILE[2],
        HOSTILE[3],
        HOSTILE[4],
        "Regards #emph[x] ],",
    ] {
        assert!(
            letter.contains(&squeeze(s)),
            "letter does not show `{s}` literally:\n{letter}"
        );
    }
    for text in [&pack, &letter] {
        assert!(!text.contains("root:x:0:0"), "the PDF shows /etc/passwd");
    }
}

/// Typst source without the contents of its string literals (text in a string,
/// such as a code block's, is data, never code). Outside strings a backslash
/// escapes the next character, so `\"` is a quote in the text, not a string.
fn outside_strings(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (c, in_string) {
            ('\\', _) => {
                let next = chars.next();
                if !in_string {
                    out.push(c);
                    out.extend(next);
                }
            }
            ('"', _) => {
                in_string = !in_string;
                out.push(c);
            }
            (_, false) => out.push(c),
            (_, true) => {}
        }
    }
    out
}

/// A stand-in `typst` on the PATH: the same command line as typst-cli
/// (`typst compile --root DIR IN OUT`), compiled by the Python module.
fn typst_shim(dir: &Path) -> PathBuf {
    let shim = dir.join("typst");
    let script = r#"#!/bin/sh
# test shim for typst-cli: typst compile [--root DIR] IN OUT
exec python3 - "$@" <<'PY'
import sys, typst
args = sys.argv[1:]
assert args[0] == "compile", args
rest, root = [], None
i = 1
while i < len(args):
    if args[i] == "--root":
        root = args[i + 1]; i += 2
    else:
        rest.append(args[i]); i += 1
try:
    typst.compile(rest[0], output=rest[1], root=root)
except Exception as e:
    print("error: %s" % e, file=sys.stderr); sys.exit(1)
PY
"#;
    std::fs::write(&shim, script).expect("write shim");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755))
            .expect("chmod shim");
    }
    shim
}

#[cfg(unix)]
#[test]
fn compile_with_typst_cli_runs_the_command_and_returns_the_pdf() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let shim = typst_shim(dir.path());
    let src = r#"#set page(paper: "a4")
Hello \#read\(\"\/etc\/passwd\"\) from the shim.
"#;
    let pdf = walkaway::render::typst::compile_with_typst_cli(src, &shim.to_string_lossy())
        .expect("compiles");
    assert!(pdf.starts_with(b"%PDF-"));
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    assert!(pdf_text(&path).contains(&squeeze(r#"Hello #read("/etc/passwd") from the shim."#)));
    // A document that does not compile is an error carrying the compiler's words.
    let e = walkaway::render::typst::compile_with_typst_cli(
        "#panic(\"stop\")",
        &shim.to_string_lossy(),
    )
    .unwrap_err();
    assert!(e.contains("stop"), "{e}");
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

#[cfg(unix)]
#[test]
fn pdf_engine_typst_makes_the_prep_pack_pdf() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir(&bin_dir).expect("bin dir");
    typst_shim(&bin_dir);
    let brief = root().join("examples/supplier-renewal.yaml");
    let title = "Halvorsen Packaging — 2027 carton supply renewal";

    // From the command line...
    let out = dir.path().join("flag");
    let o = Command::new(bin())
        .args([
            "render",
            "--typst-cmd",
            "--format",
            "pdf",
            "--today",
            TODAY,
            "-o",
        ])
        .arg(&out)
        .arg(&brief)
        .env("PATH", path_with(&bin_dir))
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(pdf_text(&out.join("supplier-renewal/prep-pack.pdf")).contains(&squeeze(title)));

    // ...and from walkaway.yaml.
    let project = dir.path().join("project");
    std::fs::create_dir(&project).expect("project dir");
    std::fs::write(project.join("walkaway.yaml"), "pdf_engine: typst\n").expect("config");
    let o = Command::new(bin())
        .args(["render", "--format", "pdf", "--today", TODAY, "-o", "out"])
        .arg(&brief)
        .current_dir(&project)
        .env("PATH", path_with(&bin_dir))
        .output()
        .expect("run walkaway");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = pdf_text(&project.join("out/supplier-renewal/prep-pack.pdf"));
    assert!(text.contains(&squeeze(title)));
    assert!(text.contains("Verdict:Walkaway."), "{text}");
}

#[cfg(unix)]
#[test]
fn a_missing_typst_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("walkaway.yaml"), "pdf_engine: typst\n").expect("config");
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir(&empty).expect("dir");
    let o = Command::new(bin())
        .args(["render", "--format", "pdf", "--today", TODAY, "-o", "out"])
        .arg(root().join("examples/car-purchase.yaml"))
        .current_dir(dir.path())
        .env("PATH", &empty)
        .output()
        .expect("run walkaway");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`typst` was not found on the PATH"),
        "{stderr}"
    );
    assert!(stderr.contains("Install typst"), "{stderr}");
    assert!(!dir.path().join("out/car-purchase/prep-pack.pdf").exists());
}

/// Issue 14: notes nested deeper than Typst allows (quotes, lists, emphasis),
/// a raw-HTML block of several lines, and an autolink with another scheme.
#[test]
fn deeply_nested_notes_still_compile_and_keep_their_text() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let notes = format!(
        "{q} deep quote\n\n{l}deep list\n\n{e}deep emphasis{e}\n\n{m}deep mix\n\n<div>\nfirst line\nsecond line\n</div>\n\nChat at <irc://irc.example.org/deals> today.\n",
        q = ">".repeat(40),
        l = "- ".repeat(40),
        e = "*_".repeat(20),
        m = "> - ".repeat(20),
    );
    let brief = format!(
        "title: Deep notes\nside: buyer\nterms:\n  - {{ id: price, walk: 10, offer: 9 }}\nnotes: {}\n",
        serde_json::to_string(&notes).expect("json")
    );
    let path = dir.path().join("deep.yaml");
    std::fs::write(&path, brief).expect("write");
    let out = dir.path().join("out");
    render(&path, &out, &["--format", "typst"]);
    let typ = out.join("deep/prep-pack.typ");
    let pdf = compile(&typ);
    let text = pdf_text(&pdf);
    for words in [
        "deepquote",
        "deeplist",
        "deepemphasis",
        "deepmix",
        "irc://irc.example.org/deals",
    ] {
        assert!(text.contains(words), "{words} missing from {text}");
    }
    let plain = String::from_utf8_lossy(
        &Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext")
            .stdout,
    )
    .into_owned();
    assert!(
        plain.lines().any(|l| l.trim() == "first line"),
        "the HTML block's lines stay apart:\n{plain}"
    );
}
