//! JSON Schemas (draft-07, what editors' YAML language servers read) for every
//! file of a project: briefs, rules files, `walkaway.yaml` and rule fixtures.
//!
//! They are generated, not written by hand: the keys come from the loaders' own
//! key lists, the words from their vocabularies, and each building block
//! (`parts`) accepts what the loaders' `Checker` accepts. `schemas/*.json` in
//! the repository are these, written out (a test keeps them equal), and
//! `tests/schema_agreement/` runs mutated briefs through the schema and the
//! loader to prove that the two agree.

mod brief;
mod parts;
mod project;
mod rules;
mod term;

use serde_json::Value;

/// The files a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Brief,
    Rules,
    Config,
    Fixture,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Brief, Kind::Rules, Kind::Config, Kind::Fixture];

    /// The schema's file name in a project's `schemas/` folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Brief => "brief.schema.json",
            Kind::Rules => "rules.schema.json",
            Kind::Config => "config.schema.json",
            Kind::Fixture => "fixture.schema.json",
        }
    }
}

/// The schema as JSON.
pub fn json(kind: Kind) -> Value {
    match kind {
        Kind::Brief => brief::schema(),
        Kind::Rules => rules::schema(),
        Kind::Config => project::config(),
        Kind::Fixture => project::fixture(),
    }
}

/// The schema as the text of its file (pretty-printed, ending in a newline).
pub fn text(kind: Kind) -> String {
    let mut s = serde_json::to_string_pretty(&json(kind)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests;
