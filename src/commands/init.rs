//! `walkaway init`: scaffold a working project — a brief (with the editor's schema
//! line), a rules file that extends the built-in rules, a rule fixture that pins
//! the brief's verdict (`walkaway test`), a templates folder, `walkaway.yaml`,
//! the JSON Schemas, and a README line. Never overwrites a file.

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

/// A rule fixture for the starter brief: what the rules must make of it.
const FIXTURE: &str =
    "# A rule fixture: `walkaway test` runs the brief through the rules and checks
# what comes out. Add one for each brief whose verdict must not change when
# you edit the rules.
brief: ../briefs/car-purchase.yaml     # relative to this file
today: 2026-11-23                      # the date to judge it on (default: today)
# rules: ../rules/house.yaml           # default: as `walkaway check` (walkaway.yaml's rules)
expect:
  verdict: proceed                     # walk | caution | proceed
  fired: [walk_below_batna]            # each of these must fire
  not_fired: [beyond_walk, pays_late]  # none of these may fire
  stage: none                          # the exit script's stage, or none
";

const CONFIG: &str = "# walkaway project file: command-line options override it.
rules: rules/house.yaml
templates: templates/
out: out/
paper: a4
# formats: [md, html, pdf, typst, eml, json]
";

const README: &str = "# Negotiation briefs

Run `walkaway build briefs` to write the prep packs into `out/`; `walkaway check briefs/*.yaml` prints each verdict
(`--explain` says why each rule fired or did not).
After changing `rules/house.yaml`, run `walkaway test`: the fixtures in `tests/` say what each brief must come to.
Copy a template from walkaway's `templates/` into `templates/` to change it.
";

pub fn run(dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir.unwrap_or(Path::new("."));
    let files: [(&str, &str); 7] = [
        ("walkaway.yaml", CONFIG),
        ("briefs/car-purchase.yaml", BRIEF),
        ("rules/house.yaml", RULES),
        ("tests/car-purchase.test.yaml", FIXTURE),
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
        "\nNext: cd {} && walkaway build briefs && walkaway test",
        dir.display()
    ));
    Ok(())
}
