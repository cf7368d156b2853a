//! The schemas list exactly the keys the loaders accept, explain every key and
//! every word, and are what `schemas/` holds.

use serde_json::Value;

use super::*;
use crate::brief::keys;

fn props<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a str> {
    let mut node = v;
    for p in path {
        node = &node[*p];
    }
    let mut keys: Vec<&str> = node["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("properties at {path:?}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

fn sorted(k: &[&'static str]) -> Vec<&'static str> {
    let mut v = k.to_vec();
    v.sort();
    v
}

#[test]
fn brief_schema_lists_exactly_the_validator_keys() {
    let v = json(Kind::Brief);
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(props(&v, &[]), sorted(keys::BRIEF));
    let p = |path: &[&str]| props(&v, path);
    assert_eq!(p(&["properties", "terms", "items"]), sorted(keys::TERM));
    assert_eq!(p(&["properties", "us"]), sorted(keys::US));
    assert_eq!(p(&["properties", "them"]), sorted(keys::THEM));
    assert_eq!(p(&["properties", "offers", "items"]), sorted(keys::OFFER));
    assert_eq!(
        p(&["properties", "alternatives", "items"]),
        sorted(keys::ALTERNATIVE)
    );
    assert_eq!(
        p(&["properties", "stakeholders", "items"]),
        sorted(keys::STAKEHOLDER)
    );
    assert_eq!(p(&["properties", "letter"]), sorted(keys::LETTER));
}

#[test]
fn the_other_schemas_list_exactly_the_loader_keys() {
    use crate::fixture::keys as fx;
    use crate::rules::keys as rk;
    let r = json(Kind::Rules);
    assert_eq!(props(&r, &[]), sorted(rk::TOP));
    let item = |list: &str| props(&r, &["properties", list, "items"]);
    assert_eq!(item("deal_breakers"), sorted(rk::DEAL_BREAKER));
    assert_eq!(item("red_flags"), sorted(rk::RED_FLAG));
    assert_eq!(item("exit_scripts"), sorted(rk::EXIT));
    assert_eq!(
        props(
            &r,
            &[
                "properties",
                "exit_scripts",
                "items",
                "properties",
                "letter"
            ]
        ),
        sorted(rk::LETTER)
    );
    let c = json(Kind::Config);
    assert_eq!(props(&c, &[]), sorted(crate::config::KEYS));
    assert_eq!(
        props(&c, &["properties", "smtp"]),
        sorted(crate::config::SMTP_KEYS)
    );
    let f = json(Kind::Fixture);
    assert_eq!(props(&f, &[]), sorted(fx::FIXTURE));
    assert_eq!(props(&f, &["properties", "expect"]), sorted(fx::EXPECT));
}

/// Every property of every schema, with where it is: each must be explained,
/// and each nested object must have a title (hover and completion show it).
fn walk<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    let mut stack = vec![(at, v)];
    while let Some((at, node)) = stack.pop() {
        let Some(obj) = node.as_object() else {
            continue;
        };
        if let Some(Value::Object(ps)) = obj.get("properties") {
            for (k, p) in ps {
                out.push((format!("{at}.{k}"), p));
                stack.push((format!("{at}.{k}"), p));
            }
        }
        if let Some(items) = obj.get("items") {
            stack.push((format!("{at}[]"), items));
        }
    }
}

#[test]
fn every_key_is_explained_every_object_titled_every_word_described() {
    for kind in Kind::ALL {
        let v = json(kind);
        let mut all = Vec::new();
        walk(&v, kind.file_name().to_string(), &mut all);
        assert!(all.len() > 5, "{kind:?}");
        for (at, p) in all {
            let description = p["description"].as_str().unwrap_or("");
            assert!(description.len() > 10, "{at} has no description");
            let objects = [p, &p["items"]];
            for o in objects {
                if o["type"] == "object" && o.get("properties").is_some() {
                    assert!(o["title"].is_string(), "{at} has no title");
                }
            }
            for e in [p, &p["anyOf"][0]] {
                if let Some(words) = e["enum"].as_array() {
                    let md = e["markdownEnumDescriptions"].as_array();
                    let plain = e["enumDescriptions"].as_array();
                    assert_eq!(md.map(Vec::len), Some(words.len()), "{at}");
                    assert_eq!(plain.map(Vec::len), Some(words.len()), "{at}");
                    for (w, d) in words.iter().zip(md.into_iter().flatten()) {
                        assert!(d.as_str().is_some_and(|d| d.len() > 3), "{at}: {w}");
                    }
                }
            }
        }
    }
}

#[test]
fn the_vocabularies_are_the_loaders() {
    use crate::words::Word;
    let v = json(Kind::Brief);
    let side = &v["properties"]["side"]["enum"];
    assert_eq!(
        side,
        &serde_json::json!(crate::brief::Side::words().collect::<Vec<_>>())
    );
    let r = json(Kind::Rules);
    let stage = &r["properties"]["exit_scripts"]["items"]["properties"]["stage"]["enum"];
    assert_eq!(
        stage,
        &serde_json::json!(crate::rules::Stage::words().collect::<Vec<_>>())
    );
    // The behaviours the built-in rules test for are offered, each explained.
    let observed = &v["properties"]["observed"]["items"]["anyOf"][0];
    let ids = observed["enum"].as_array().expect("observed ids");
    assert!(ids.contains(&serde_json::json!("false_urgency")), "{ids:?}");
    assert!(ids.len() >= 15, "{ids:?}");
}

/// `schemas/` in the repository holds exactly what `walkaway schema` prints.
/// `WALKAWAY_WRITE_SCHEMAS=1 cargo test --lib schema` writes them.
#[test]
fn the_schema_files_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        let want = text(kind);
        if std::env::var_os("WALKAWAY_WRITE_SCHEMAS").is_some() {
            std::fs::write(&path, &want).expect("write schema");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is not current: run `WALKAWAY_WRITE_SCHEMAS=1 cargo test --lib schema`",
            path.display()
        );
    }
}
