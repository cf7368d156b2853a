//! `walkaway init`: scaffold a working project — a brief (with the editor's schema
//! line), a rules file that extends the built-in rules, a templates folder,
//! `walkaway.yaml`, the JSON Schemas, and a README line. Never overwrites a file.

use std::path::Path;

use crate::error::Error;
use crate::terminal;

const BRIEF: &str = include_str!("../../examples/car-purchase.yaml");

const RULES: &str = r#"# yaml-language-server: $schema=../schemas/rules.schema.json
# House rules: the built-in rules (walkaway's rules/default.yaml) plus these.
# A rule with the id of a built-in one replaces it.
version: 1
extends: default
# caution_below: 40

red_flags:
  - id: pays_late
    severity: medium
    title: They have paid late before
    when: "'pays_late' in observed"
    advice: Ask for shorter payment terms or a deposit before you concede on price.
"#;

const CONFIG: &str = "# walkaway project file: command-line options override it.
rules: rules/house.yaml
templates: templates/
out: out/
paper: a4
# formats: [md, html, pdf, typst, eml, json]
";

const README: &str = "# Negotiation briefs

Run `walkaway build briefs` to write the prep packs into `out/`; `walkaway check briefs/*.yaml` prints each verdict.
Copy a template from walkaway's `templates/` into `templates/` to change it.
";

pub fn run(dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir.unwrap_or(Path::new("."));
    let files: [(&str, &str); 6] = [
        ("walkaway.yaml", CONFIG),
        ("briefs/car-purchase.yaml", BRIEF),
        ("rules/house.yaml", RULES),
        ("schemas/brief.schema.json", crate::schema::BRIEF),
        ("schemas/rules.schema.json", crate::schema::RULES),
        ("README.md", README),
    ];
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates)
        .map_err(|e| Error::Failure(format!("cannot create {}: {e}", templates.display())))?;
    for (name, text) in files {
        let path = dir.join(name);
        if path.exists() {
            terminal::note(&format!("kept     {} (already there)", path.display()));
            continue;
        }
        crate::output::write_atomic(&path, text.as_bytes())
            .map_err(|e| Error::Failure(format!("cannot write {}: {e}", path.display())))?;
        terminal::note(&format!("created  {}", path.display()));
    }
    terminal::note(&format!(
        "\nNext: cd {} && walkaway build briefs",
        dir.display()
    ));
    Ok(())
}
