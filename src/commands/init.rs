//! `walkaway init`: scaffold a working project — a brief, a rules file that
//! extends the built-in rules, a rule fixture that pins the brief's verdict
//! (`walkaway test`), a templates folder, `walkaway.yaml`, the JSON Schemas of
//! all four kinds of file in `schemas/`, the editor settings that apply them,
//! and a README. Never overwrites a file.
//!
//! How an editor finds a file's schema: `.vscode/settings.json` maps globs to
//! the schemas (`yaml.schemas`; the README gives the same globs for Neovim and
//! Helix), so a brief anywhere under `briefs/` — `briefs/2026/acme.yaml` too —
//! and a fixture anywhere are checked. Briefs and fixtures are the files people
//! copy and move into subfolders, so they carry no modeline: a modeline's path is
//! relative to the file, it wins over the globs, and it breaks when the file
//! moves. `walkaway.yaml` and `rules/house.yaml` stay where they are and carry
//! a modeline correct for their depth, for editors without the project's settings.

use std::path::Path;

use crate::error::Error;
use crate::schema::Kind;
use crate::terminal;

/// The starter brief is the car purchase example.
const EXAMPLE: &str = include_str!("../../examples/car-purchase.yaml");

/// Where a project keeps the schemas, relative to its root.
const SCHEMAS: &str = "schemas";

/// `yaml.schemas` for VS Code (and, the same globs, for any editor with
/// yaml-language-server). yaml-language-server matches each glob against the
/// end of a file's path (it puts `**/` before it), so `briefs/**/*.yaml` is any
/// brief at any depth under a `briefs` folder; `!` excludes.
const VSCODE_SETTINGS: &str = r#"{
  "yaml.schemas": {
    "./schemas/brief.schema.json": ["briefs/**/*.yaml", "briefs/**/*.yml", "!*.test.yaml", "!*.test.yml"],
    "./schemas/rules.schema.json": ["rules/**/*.yaml", "rules/**/*.yml"],
    "./schemas/config.schema.json": ["walkaway.yaml"],
    "./schemas/fixture.schema.json": ["*.test.yaml", "*.test.yml"]
  }
}
"#;

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

const CONFIG: &str = "# yaml-language-server: $schema=schemas/config.schema.json
# walkaway project file: command-line options override it.
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
To change a template, run `walkaway templates export`: it writes the built-in ones into `templates/`.
Edit the one you want to change and delete the others (they then follow walkaway's updates).

Your editor checks every file against the schemas in `schemas/` as you type (VS Code with the
YAML extension reads `.vscode/settings.json`; for Neovim or Helix see the section Editors of walkaway's README).
After updating walkaway, refresh them with `walkaway schema brief > schemas/brief.schema.json`
(and `rules`, `config`, `fixture`).
";

/// The starter brief: the example's modeline first (DESIGN §6: `init` writes
/// the `$schema` line into new briefs; it is right for `briefs/`), then a word
/// on where it comes from, then the example.
fn starter_brief() -> String {
    let (modeline, body) = match EXAMPLE.split_once('\n') {
        Some((first, rest)) if first.starts_with("# yaml-language-server:") => (first, rest),
        _ => (
            "# yaml-language-server: $schema=../schemas/brief.schema.json",
            EXAMPLE,
        ),
    };
    format!(
        "{modeline}\n\
         # A starter brief: copy it for each negotiation, here or in a subfolder.\n\
         # The line above points your editor at schemas/brief.schema.json from this folder;\n\
         # in a subfolder, delete it: .vscode/settings.json checks briefs at any depth.\n{body}"
    )
}

pub fn run(dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir.unwrap_or(Path::new("."));
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a file: name a new or existing folder to create the project in",
            dir.display()
        )));
    }
    let brief = starter_brief();
    let mut files: Vec<(String, String)> = vec![
        ("walkaway.yaml".into(), CONFIG.into()),
        ("briefs/car-purchase.yaml".into(), brief),
        ("rules/house.yaml".into(), RULES.into()),
        ("tests/car-purchase.test.yaml".into(), FIXTURE.into()),
    ];
    for kind in Kind::ALL {
        files.push((
            format!("{SCHEMAS}/{}", kind.file_name()),
            crate::schema::text(kind),
        ));
    }
    files.push((".vscode/settings.json".into(), VSCODE_SETTINGS.into()));
    files.push(("README.md".into(), README.into()));
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates)
        .map_err(|e| Error::Failure(format!("cannot create {}: {e}", templates.display())))?;
    super::write_new(dir, files.iter().map(|(n, t)| (n.as_str(), t.as_str())))?;
    terminal::note(&format!(
        "\nNext: cd {} && walkaway build briefs && walkaway test",
        dir.display()
    ));
    Ok(())
}
