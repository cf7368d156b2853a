//! The schemas and the loaders agree (issue 16, item 1): every
//! key of the example briefs (and of a rules file, `walkaway.yaml` and a
//! fixture) is dropped, misspelt and given values of every kind — numbers,
//! text, `yes`, true, empty, lists, mappings, bad words, impossible dates — and
//! each mutated file goes through walkaway's loader and through a JSON Schema
//! validator (boon, draft-07, formats asserted), reading the YAML as editors do
//! (YAML 1.2, `yaml12.rs`).
//!
//! - The schema never refuses a file the loader accepts.
//! - A file the schema accepts loads, or fails only for a reason draft-07
//!   cannot express — each listed in `INEXPRESSIBLE_*` below, matched against
//!   every error the loader gives.

mod yaml12;

use std::path::Path;

use serde_json::Value;
use walkaway::schema::{self, Kind};
use yaml12::Y;

/// What draft-07 cannot say about a brief: it cannot compare two values of
/// the document (the order of wish, want and walk; that an id is used once;
/// that a value is one of the term's own options; that a term id in an offer or
/// alternative names a term of this brief, with a value of that term's kind;
/// that two options are the same text once numbers are read as text).
const INEXPRESSIBLE_BRIEF: &[&str] = &[
    "the levels must run wish → want → walk",
    "is used twice",
    "is not one of the term's options",
    "in the terms of",
    "` in offer ",
    "` in alternative ",
    "is listed twice",
    // How a number was written: JSON keeps its value only, so `id: 0x1F` is
    // the number 31 to a validator, and the text `0x1F` (not an id) to walkaway.
    "id `0x",
];

/// A rules file's conditions are CEL and its texts Tera, which the loader
/// checks against the evaluation context; ids are unique in the file.
/// `priority: 1e16` is a whole number to JSON, and a float to walkaway. (`found
/// a number`: `.inf`, which `yaml12.rs` reads as the text "Infinity".)
const INEXPRESSIBLE_RULES: &[&str] = &[
    "is not valid CEL",
    "is not a name in the evaluation context",
    "this condition can never be evaluated",
    "not a valid Tera template",
    "is used twice",
    "id `0x",
    "priority must be a whole number, found `",
    "a condition must be text (a CEL expression), found a number",
];

/// A fixture names files that must exist and rules that must be in them.
/// (`found a number `inf``: JSON has no infinity; `yaml12.rs` reads `.inf` as
/// the text "Infinity", which is a rule id to the schema.)
const INEXPRESSIBLE_FIXTURE: &[&str] = &[
    "does not exist",
    "is not a rule of",
    "both to fire",
    "found a number `inf`",
];

/// The replacement values every key is given, as written in YAML.
fn values() -> Vec<Y> {
    let mut v: Vec<Y> = [
        "7",
        "-5",
        "2.5",
        "1e16",
        "0x1F",
        "1_000",
        ".inf",
        "seven",
        "sideways",
        "true",
        "yes",
        "off",
        "",
        "2026-13-45",
        "2026-02-30",
        "2026-12-03T10:00:00",
    ]
    .iter()
    .map(|s| Y::plain(s))
    .collect();
    v.extend(["7", "", " ", "two\nlines", "dana@", "a@b.example"].map(Y::quoted));
    // Valid CEL one character longer than a condition may be (rules/shape.rs).
    v.push(Y::quoted(&format!(
        "'{}' in observed",
        "a".repeat(4097 - 14)
    )));
    v.push(Y::Seq(vec![Y::plain("a")]));
    v.push(Y::Seq(vec![]));
    v.push(Y::Map(vec![("a".into(), Y::plain("1"))]));
    v
}

/// Every mutation of a tree: each mapping entry dropped, its key misspelt, its
/// value replaced; each list item dropped, replaced or given twice.
fn mutations(root: &Y) -> Vec<(String, Y)> {
    let replacements = values();
    let mut out = Vec::new();
    // Paths to every node, as indexes into maps and lists.
    let mut stack: Vec<Vec<usize>> = vec![vec![]];
    while let Some(path) = stack.pop() {
        let Some(node) = at(root, &path) else {
            continue;
        };
        let len = match node {
            Y::Map(e) => e.len(),
            Y::Seq(i) => i.len(),
            Y::Scalar { .. } => 0,
        };
        for i in 0..len {
            let mut child = path.clone();
            child.push(i);
            stack.push(child.clone());
            let name = describe(root, &child);
            out.push((format!("{name}: dropped"), edit(root, &path, i, None, None)));
            if let Y::Seq(items) = node {
                out.push((
                    format!("{name}: twice"),
                    edit(root, &path, items.len(), None, Some(items[i].clone())),
                ));
            }
            if let Y::Map(e) = node {
                let key = &e[i].0;
                let typo = format!("{}{}", &key[..key.len() - 1], "x");
                out.push((
                    format!("{name}: key misspelt `{typo}`"),
                    edit(root, &path, i, Some(typo), None),
                ));
            }
            for r in &replacements {
                let written = yaml12::write(r);
                let mut label: String = written.trim().chars().take(40).collect();
                if written.trim().chars().count() > 40 {
                    label.push('…');
                }
                out.push((
                    format!("{name}: {label}"),
                    edit(root, &path, i, None, Some(r.clone())),
                ));
            }
        }
    }
    out
}

fn at<'a>(root: &'a Y, path: &[usize]) -> Option<&'a Y> {
    let mut node = root;
    for &i in path {
        node = match node {
            Y::Map(e) => &e.get(i)?.1,
            Y::Seq(items) => items.get(i)?,
            Y::Scalar { .. } => return None,
        };
    }
    Some(node)
}

fn describe(root: &Y, path: &[usize]) -> String {
    let mut node = root;
    let mut name = String::new();
    for &i in path {
        match node {
            Y::Map(e) => {
                name.push('.');
                name.push_str(&e[i].0);
                node = &e[i].1;
            }
            Y::Seq(items) => {
                name.push_str(&format!("[{i}]"));
                node = &items[i];
            }
            Y::Scalar { .. } => {}
        }
    }
    name
}

/// A copy of `root` where child `i` of the node at `path` is dropped (no
/// `key` nor `value`), renamed, or given another value.
fn edit(root: &Y, path: &[usize], i: usize, key: Option<String>, value: Option<Y>) -> Y {
    let mut copy = root.clone();
    let mut node = &mut copy;
    for &j in path {
        node = match node {
            Y::Map(e) => &mut e[j].1,
            Y::Seq(items) => &mut items[j],
            Y::Scalar { .. } => unreachable!("paths lead through collections"),
        };
    }
    match (node, key, value) {
        (Y::Map(e), Some(k), _) => e[i].0 = k,
        (Y::Map(e), None, Some(v)) => e[i].1 = v,
        (Y::Map(e), None, None) => {
            e.remove(i);
        }
        (Y::Seq(items), _, Some(v)) if i == items.len() => items.push(v),
        (Y::Seq(items), _, Some(v)) => items[i] = v,
        (Y::Seq(items), _, None) => {
            items.remove(i);
        }
        (Y::Scalar { .. }, _, _) => {}
    }
    copy
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(kind: Kind) -> Validator {
        let json = schema::json(kind);
        let url = json["$id"].as_str().expect("$id").to_string();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler.add_resource(&url, json).expect("add schema");
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile(&url, &mut schemas)
            .expect("schema compiles");
        Validator { schemas, index }
    }

    /// The schema's first complaint, if any.
    fn check(&self, doc: &Value) -> Result<(), String> {
        self.schemas.validate(doc, self.index).map_err(|e| {
            format!("{e:#}")
                .lines()
                .take(4)
                .collect::<Vec<_>>()
                .join(" / ")
        })
    }
}

/// Run every mutation of every source through both; panic with every
/// disagreement. `load` gives the loader's error messages.
fn agree(
    kind: Kind,
    sources: &[(String, String)],
    inexpressible: &[&str],
    load: impl Fn(&str) -> Result<(), Vec<String>>,
) -> usize {
    let validator = Validator::new(kind);
    let mut disagreements = Vec::new();
    let mut count = 0;
    let mut by_reason: std::collections::BTreeMap<&str, usize> = Default::default();
    for (name, text) in sources {
        let tree = yaml12::parse(text);
        // The source itself: both accept it.
        let doc = yaml12::to_json(&tree);
        assert_eq!(validator.check(&doc), Ok(()), "{name} as it is");
        assert_eq!(load(text), Ok(()), "{name} as it is");
        for (what, mutated) in mutations(&tree) {
            count += 1;
            let yaml = yaml12::write(&mutated);
            let schema = validator.check(&yaml12::to_json(&yaml12::parse(&yaml)));
            let loader = load(&yaml);
            match (&schema, &loader) {
                (Ok(()), Ok(())) | (Err(_), Err(_)) => {}
                (Err(why), Ok(())) => disagreements.push(format!(
                    "{name} {what}: the schema refuses what walkaway accepts: {why}"
                )),
                (Ok(()), Err(errors)) => {
                    let unexplained: Vec<&String> = errors
                        .iter()
                        .filter(|e| !inexpressible.iter().any(|p| e.contains(p)))
                        .collect();
                    if unexplained.is_empty() {
                        for e in errors {
                            if let Some(p) = inexpressible.iter().find(|p| e.contains(*p)) {
                                *by_reason.entry(p).or_default() += 1;
                            }
                        }
                    } else {
                        disagreements.push(format!(
                            "{name} {what}: the schema accepts what walkaway refuses: {unexplained:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {count} mutated files disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    eprintln!(
        "{kind:?}: {count} mutated files agree; errors only walkaway can give, by reason: {by_reason:?}"
    );
    count
}

fn errors(diags: Vec<walkaway::diag::Diagnostic>) -> Result<(), Vec<String>> {
    let errors: Vec<String> = diags
        .into_iter()
        .filter(walkaway::diag::Diagnostic::is_error)
        .map(|d| d.message)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("examples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                std::fs::read_to_string(&p).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn briefs_the_schema_and_the_loader_agree_on_mutated_examples() {
    let sources = examples();
    assert!(sources.len() >= 6, "{sources:?}");
    let n = agree(
        Kind::Brief,
        &sources,
        INEXPRESSIBLE_BRIEF,
        |text| match walkaway::brief::load_str(Path::new("b.yaml"), text) {
            Ok((_, diags)) => errors(diags),
            Err(diags) => errors(diags),
        },
    );
    assert!(n > 1000, "{n} mutations");
}

const RULES: &str = r#"version: 1
extends: default
caution_below: 35
deal_breakers:
  - id: no_guarantee
    title: No performance guarantee
    when: "term.price.beyond_walk"
    why: They will not move on {{ term.price.label }}.
red_flags:
  - id: pays_late
    severity: medium
    title: They have paid late before
    when: "'pays_late' in observed"
    advice: Ask for a deposit.
exit_scripts:
  - id: polite_exit
    stage: exit_open
    priority: 20
    when: verdict == 'walk'
    say: ["We cannot get there today.", "Thank you for your time."]
    letter:
      subject: "Our {{ topic }}"
      body: |
        {{ greeting }}

        Thank you.
"#;

#[test]
fn rules_files_the_schema_and_the_loader_agree() {
    let sources = [("house.yaml".to_string(), RULES.to_string())];
    agree(
        Kind::Rules,
        &sources,
        INEXPRESSIBLE_RULES,
        |text| match walkaway::rules::load_str(Path::new("house.yaml"), text, true) {
            Ok(_) => Ok(()),
            Err(diags) => errors(diags),
        },
    );
}

const CONFIG: &str = "rules: rules/house.yaml
templates: templates/
out: out/
formats: [md, PDF, typ]
paper: a4
pdf_engine: builtin
smtp: { host: smtp.example.com, port: 587, security: starttls, username: dana, from: dana@northwind.example }
";

#[test]
fn project_files_the_schema_and_the_loader_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("walkaway.yaml");
    let sources = [("walkaway.yaml".to_string(), CONFIG.to_string())];
    agree(Kind::Config, &sources, &[], |text| {
        std::fs::write(&path, text).expect("write");
        match walkaway::config::load_file(&path) {
            Ok(_) => Ok(()),
            Err(diags) => errors(diags),
        }
    });
}

#[test]
fn fixtures_the_schema_and_the_loader_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("tests")).expect("mkdir");
    std::fs::write(dir.path().join("b.yaml"), "title: t\n").expect("write");
    std::fs::write(dir.path().join("house.yaml"), RULES).expect("write");
    let path = dir.path().join("tests/b.test.yaml");
    let fixture = "brief: ../b.yaml
today: 2026-11-23
rules: ../house.yaml
expect: { verdict: walk, fired: [beyond_walk], not_fired: pays_late, stage: exit_open }
";
    let sources = [("b.test.yaml".to_string(), fixture.to_string())];
    agree(Kind::Fixture, &sources, INEXPRESSIBLE_FIXTURE, |text| {
        std::fs::write(&path, text).expect("write");
        match walkaway::fixture::load(&path) {
            Ok(_) => Ok(()),
            Err(diags) => errors(diags),
        }
    });
}
