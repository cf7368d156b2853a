//! `walkaway templates export [DIR]`: the built-in templates written into a
//! project, so that a user of the installed binary can change one. A file
//! already there is kept: the export never overwrites an edited template.

use std::path::{Path, PathBuf};

use crate::cli::{Common, TemplatesAction};
use crate::error::Error;
use crate::render::templates::BUILTIN;
use crate::terminal;

pub fn run(common: &Common, action: TemplatesAction) -> Result<(), Error> {
    match action {
        TemplatesAction::Export { dir } => {
            let dir = match dir.or_else(|| common.templates.clone()) {
                Some(d) => d,
                None => project_templates()?,
            };
            export(&dir)
        }
    }
}

/// walkaway.yaml's `templates` folder, else the project's `templates/` (next
/// to walkaway.yaml, found in this folder or a parent; else here): the folder a
/// build reads overrides from (`Settings::resolve`), so that an exported
/// template takes effect wherever in the project the command was run.
fn project_templates() -> Result<PathBuf, Error> {
    let config = crate::config::load(Path::new(".")).map_err(Error::Input)?;
    let root = config.root(Path::new("."));
    Ok(config.templates.unwrap_or_else(|| root.join("templates")))
}

/// Write every built-in template into `dir` (created if needed), keeping the
/// files that are there.
pub fn export(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Failure(format!("cannot create {}: {e}", dir.display())))?;
    super::write_new(dir, BUILTIN.iter().copied())?;
    terminal::note(
        "\nEdit the ones you want to change and delete the others: a template there \
         replaces the built-in one of the same name, and the others follow walkaway's updates.",
    );
    Ok(())
}
