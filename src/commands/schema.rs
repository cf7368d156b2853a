//! `walkaway schema brief|rules|config|fixture`: the JSON Schema editors read.

use crate::cli::SchemaKind;
use crate::error::Error;
use crate::schema::{self, Kind};
use crate::terminal;

pub fn run(kind: SchemaKind) -> Result<(), Error> {
    terminal::print_stdout(&schema::text(kind_of(kind)))
}

/// The schema of the file the command line names.
fn kind_of(kind: SchemaKind) -> Kind {
    match kind {
        SchemaKind::Brief => Kind::Brief,
        SchemaKind::Rules => Kind::Rules,
        SchemaKind::Config => Kind::Config,
        SchemaKind::Fixture => Kind::Fixture,
    }
}
