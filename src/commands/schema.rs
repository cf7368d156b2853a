//! `walkaway schema brief|rules`: the JSON Schema editors read.

use crate::cli::SchemaKind;
use crate::error::Error;
use crate::{schema, terminal};

pub fn run(kind: SchemaKind) -> Result<(), Error> {
    terminal::print_stdout(match kind {
        SchemaKind::Brief => schema::BRIEF,
        SchemaKind::Rules => schema::RULES,
    })
}
