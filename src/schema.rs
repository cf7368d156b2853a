//! JSON Schemas (draft-07, what editors' YAML language servers read) for briefs and
//! rules files. Hand-written in `schemas/` and embedded; a test keeps their keys in
//! step with the validators'.

pub const BRIEF: &str = include_str!("../schemas/brief.schema.json");
pub const RULES: &str = include_str!("../schemas/rules.schema.json");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::keys;
    use serde_json::Value;

    fn props<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a str> {
        let mut node = v;
        for p in path {
            node = &node[*p];
        }
        let mut keys: Vec<&str> = node["properties"]
            .as_object()
            .expect("properties")
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
        let v: Value = serde_json::from_str(BRIEF).expect("valid JSON");
        assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(props(&v, &[]), sorted(keys::BRIEF));
        assert_eq!(
            props(&v, &["properties", "terms", "items"]),
            sorted(keys::TERM)
        );
        assert_eq!(props(&v, &["properties", "them"]), sorted(keys::THEM));
        assert_eq!(
            props(&v, &["properties", "offers", "items"]),
            sorted(keys::OFFER)
        );
        assert_eq!(
            props(&v, &["properties", "alternatives", "items"]),
            sorted(keys::ALTERNATIVE)
        );
        assert_eq!(
            props(&v, &["properties", "stakeholders", "items"]),
            sorted(keys::STAKEHOLDER)
        );
        assert_eq!(props(&v, &["properties", "letter"]), sorted(keys::LETTER));
    }

    #[test]
    fn rules_schema_is_draft_07() {
        let v: Value = serde_json::from_str(RULES).expect("valid JSON");
        assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(v["properties"]["exit_scripts"].is_object());
    }
}
