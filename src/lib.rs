//! walkaway: prepare to negotiate, and to leave a negotiation well.
//!
//! One pipeline, run one way: `brief`, `rules` and `config` load and validate
//! the inputs; `assess` derives the typed facts (pure); `compose` renders the
//! rules' texts and builds the typed `Pack`; `render` turns a pack into each
//! artifact's bytes; `output` writes atomically; `build` runs it for many
//! briefs; `fixture` runs rule fixtures through the same load and assess.
//! `commands` (with `cli`, `settings`, `terminal`), `watch` and `send` are thin
//! layers on top that the pipeline does not know.

// Diagnostics are the error type of everything a user can fix; they are large
// (file, message, hint, snippet) but returned only when something is wrong, so
// boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod address;
pub mod artifact;
pub mod assess;
pub mod brief;
pub mod build;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod config;
pub mod diag;
pub mod english;
pub mod error;
pub mod escape;
pub mod fields;
pub mod fixture;
pub mod index;
pub mod input;
pub mod markdown;
pub mod output;
pub mod render;
pub mod rules;
pub mod schema;
pub mod send;
pub mod serve;
pub mod settings;
pub mod terminal;
pub mod watch;
pub mod words;
pub mod yaml;
