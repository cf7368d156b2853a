//! The rules format (DESIGN §4): deal breakers, red flags and exit scripts, each
//! with a CEL condition and Tera texts. The built-in rules are embedded from
//! `rules/default.yaml`; a user file may `extends: default` and replace a default
//! rule by id.

pub mod budget;
pub mod cond;
pub mod guard;
pub(crate) mod guard_scan;
mod load;
pub mod reads;
mod shape;
pub mod text;
pub mod types;

use std::path::PathBuf;

use crate::diag::Pos;

pub use cond::{Condition, Outcome};
pub use load::{load_default, load_file, load_str};
/// The longest condition accepted: the schema of a rules file states it too.
pub use shape::MAX_CHARS as MAX_CONDITION_CHARS;

/// The keys a rules file may use, per mapping: the loader and the JSON Schema share them.
/// The id the built-in "score below `caution_below`" check is reported
/// under; no rule may take it.
pub const SCORE_RULE: &str = "caution_below";

pub mod keys {
    pub use super::load::{DEAL_BREAKER, EXIT, LETTER, RED_FLAG, TOP};
}

/// The built-in rules, embedded in the binary.
pub const DEFAULT_RULES: &str = include_str!("../../rules/default.yaml");

/// The `origin` of a built-in rule: where it is written in walkaway's sources.
pub const DEFAULT_ORIGIN: &str = "rules/default.yaml (built in)";

crate::vocabulary! {
    /// How serious a red flag is.
    pub enum Severity { Low = "low", Medium = "medium", High = "high" }
}

crate::vocabulary! {
    /// A step of the withdrawal ladder (DESIGN §4), in order.
    pub enum Stage {
        Signal = "signal",
        Warn = "warn",
        Pause = "pause",
        ExitOpen = "exit_open",
        ExitClosed = "exit_closed",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    DealBreaker,
    RedFlag,
}

/// A deal breaker or a red flag.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    /// Red flags only.
    pub severity: Option<Severity>,
    pub title: String,
    pub when: Condition,
    /// `why` for a deal breaker, `advice` for a red flag (Tera text).
    pub text: text::Text,
    pub origin: PathBuf,
    /// Where its `when:` is written in `origin`.
    pub when_at: Pos,
}

#[derive(Debug)]
pub struct ExitScript {
    pub id: String,
    pub stage: Stage,
    pub priority: i64,
    pub when: Condition,
    pub say: Vec<text::Text>,
    pub letter: Option<LetterText>,
    pub origin: PathBuf,
    /// Where its `when:` is written in `origin`.
    pub when_at: Pos,
}

#[derive(Debug, Clone)]
pub struct LetterText {
    pub subject: text::Text,
    /// Markdown: the values it prints are escaped.
    pub body: text::Text,
}

#[derive(Debug)]
pub struct Rules {
    pub caution_below: f64,
    pub deal_breakers: Vec<Rule>,
    pub red_flags: Vec<Rule>,
    pub exit_scripts: Vec<ExitScript>,
    /// The files these rules came from (none for the built-in ones alone).
    pub files: Vec<PathBuf>,
}

impl Rules {
    /// All deal breakers and red flags, in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.deal_breakers.iter().chain(&self.red_flags)
    }

    /// Whether any condition mentions this observed id as a string literal: an
    /// observed id that no rule mentions is most likely a typo.
    pub fn mentions(&self, id: &str) -> bool {
        let single = format!("'{id}'");
        let double = format!("\"{id}\"");
        self.rules()
            .map(|r| &r.when.source)
            .chain(self.exit_scripts.iter().map(|e| &e.when.source))
            .any(|s| s.contains(&single) || s.contains(&double))
    }

    /// The observed ids the rules mention, for "did you mean".
    pub fn mentioned_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for r in self.rules() {
            for part in r.when.source.split(['\'', '"']).skip(1).step_by(2) {
                if !part.is_empty() && !ids.iter().any(|i| i == part) {
                    ids.push(part.to_string());
                }
            }
        }
        ids
    }

    /// Merge `user` rules over `self` (the defaults): same id replaces, in place;
    /// new ids are appended.
    fn extend_with(mut self, user: Rules, caution_given: bool) -> Rules {
        if caution_given {
            self.caution_below = user.caution_below;
        }
        for rule in user.deal_breakers.into_iter().chain(user.red_flags) {
            self.deal_breakers
                .retain(|r| r.id != rule.id || rule.kind == Kind::DealBreaker);
            self.red_flags
                .retain(|r| r.id != rule.id || rule.kind == Kind::RedFlag);
            let list = match rule.kind {
                Kind::DealBreaker => &mut self.deal_breakers,
                Kind::RedFlag => &mut self.red_flags,
            };
            match list.iter_mut().find(|r| r.id == rule.id) {
                Some(slot) => *slot = rule,
                None => list.push(rule),
            }
        }
        for script in user.exit_scripts {
            match self.exit_scripts.iter_mut().find(|s| s.id == script.id) {
                Some(slot) => *slot = script,
                None => self.exit_scripts.push(script),
            }
        }
        self.files.extend(user.files);
        self
    }
}
