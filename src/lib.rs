//! walkaway: prepare to negotiate, and to leave a negotiation well.
//!
//! The pipeline: `brief` and `rules` load and validate the inputs; `assess` is
//! the pure evaluation; `render` turns an assessment into each output format;
//! `output` writes atomically; `build` runs it for many briefs. `cli` is a thin
//! layer on top.

// Diagnostics are the error type of everything a user can fix; they are large
// (file, message, hint, snippet) but returned only when something is wrong, so
// boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod assess;
pub mod brief;
pub mod build;
pub mod cli;
pub mod config;
pub mod diag;
pub mod escape;
pub mod fields;
pub mod init;
pub mod input;
pub mod output;
pub mod render;
pub mod rules;
pub mod schema;
pub mod send;
pub mod term;
pub mod watch;
pub mod yaml;
