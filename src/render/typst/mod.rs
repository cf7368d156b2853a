//! Typst output: `prep-pack.typ` and `letter.typ`, written through Tera templates
//! (`*.typ.tera`, autoescaped for Typst markup), for people who typeset with Typst
//! or compile with `typst-cli` in their own tool-chain; and, for `pdf_engine:
//! typst` / `--typst-cmd`, the PDF made by running that compiler.
//!
//! Nothing here links Typst: we write its source as text, and the tests prove it
//! compiles with the real compiler (typst 0.15).

pub mod escape;
pub mod markdown;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::compose::Pack;
use crate::diag::Diagnostic;

use super::templates::{Family, Templates};

/// Notes headings sit under the pack's sections (level 1 in the Typst pack).
const NOTES_HEADING_OFFSET: u8 = 1;

/// The context the Typst templates see: the pack's, plus the brief's notes and
/// the letter body (both Markdown) converted to Typst markup.
pub fn context(pack: &Pack, tctx: &tera::Context) -> tera::Context {
    let mut ctx = tctx.clone();
    let notes = pack
        .source
        .notes
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| markdown::to_typst(n, NOTES_HEADING_OFFSET));
    ctx.insert("notes_typst", &notes);
    let body = markdown::to_typst(&pack.letter.body, NOTES_HEADING_OFFSET);
    ctx.insert("letter_body_typst", &body);
    ctx
}

/// `prep-pack.typ` (also what `--typst-cmd` compiles).
pub fn prep_pack(t: &Templates, ctx: &tera::Context) -> Result<String, Diagnostic> {
    t.render(Family::Typst, "prep-pack.typ.tera", ctx)
}

/// `letter.typ`.
pub fn letter(t: &Templates, ctx: &tera::Context) -> Result<String, Diagnostic> {
    t.render(Family::Typst, "letter.typ.tera", ctx)
}

/// Compile Typst source to PDF bytes with an external `typst` executable (`cmd`:
/// a name looked up on the PATH, or a path). The source is written to a fresh
/// temporary folder that is also the compiler's `--root`, so the document can
/// read no file outside it; the caller writes the PDF atomically.
pub fn compile_with_typst_cli(typ_source: &str, cmd: &str) -> Result<Vec<u8>, String> {
    let dir = tempfile::Builder::new()
        .prefix("walkaway-typst-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder for typst: {e}"))?;
    let input = dir.path().join("prep-pack.typ");
    let output = dir.path().join("prep-pack.pdf");
    std::fs::File::create(&input)
        .and_then(|mut f| f.write_all(typ_source.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let result = Command::new(cmd)
        .arg("compile")
        .arg("--root")
        .arg(dir.path())
        .arg(&input)
        .arg(&output)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output();
    let run = match result {
        Ok(run) => run,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found(cmd)),
        Err(e) => return Err(format!("cannot run `{cmd}`: {e}")),
    };
    if !run.status.success() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        let stderr = stderr.trim();
        let why = if stderr.is_empty() {
            run.status.to_string()
        } else {
            stderr.to_string()
        };
        return Err(format!("`{cmd} compile` failed: {why}"));
    }
    std::fs::read(&output)
        .map_err(|e| format!("`{cmd} compile` wrote no PDF ({}): {e}", output.display()))
}

/// Where `cmd` (a name looked up on the PATH, or a path) is, or the error to show
/// (exit 1) before any brief is built, so that a missing compiler is reported once.
pub fn find_command(cmd: &str) -> Result<PathBuf, String> {
    let as_path = Path::new(cmd);
    if as_path.components().count() > 1 {
        return if as_path.is_file() {
            Ok(as_path.to_path_buf())
        } else {
            Err(format!(
                "the Typst compiler `{cmd}` does not exist. Pass the path of the typst \
                 executable with `--typst-cmd=PATH`, or use the built-in PDF engine (`pdf_engine: builtin`)"
            ))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| {
            let plain = dir.join(cmd);
            let exe = dir.join(format!("{cmd}{}", std::env::consts::EXE_SUFFIX));
            [plain, exe]
        })
        .find(|p| p.is_file())
        .ok_or_else(|| not_found(cmd))
}

fn not_found(cmd: &str) -> String {
    format!(
        "the Typst compiler `{cmd}` was not found on the PATH. Install typst \
         (https://github.com/typst/typst/releases, `cargo install --locked typst-cli`, or your package manager), \
         pass its path with `--typst-cmd=PATH`, or use the built-in PDF engine (`pdf_engine: builtin`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path that names no file is said to be missing, not "not found on the
    /// PATH" (it was never looked for there).
    #[test]
    fn a_typst_path_that_names_no_file_is_said_to_be_missing() {
        let e = find_command("/nonexistent/typst").expect_err("no such file");
        assert!(
            e.starts_with("the Typst compiler `/nonexistent/typst` does not exist."),
            "{e}"
        );
        assert!(!e.contains("PATH."), "{e}");
    }

    #[test]
    fn a_missing_compiler_is_named_with_how_to_install_it() {
        let e = compile_with_typst_cli("Hello", "walkaway-no-such-typst-binary").unwrap_err();
        assert!(
            e.contains("`walkaway-no-such-typst-binary` was not found"),
            "{e}"
        );
        assert!(e.contains("Install typst"), "{e}");
        let e = find_command("walkaway-no-such-typst-binary").unwrap_err();
        assert!(e.contains("Install typst"), "{e}");
        assert!(find_command("/no/such/dir/typst").is_err());
    }
}
