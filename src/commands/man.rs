//! `walkaway man`: the man page (roff), generated from the command line's
//! definitions: synopsis, global options, then every command with its own
//! synopsis, description and options, and the exit status. One page: the
//! `walkaway-check(1)`-style pages clap_mangen would name are not installed
//! anywhere, so everything a reader looks for is here.

use clap::Command;
use clap_mangen::Man;

use crate::error::Error;
use crate::{cli, terminal};

pub fn run() -> Result<(), Error> {
    terminal::print_stdout(&page().map_err(Error::Failure)?)
}

/// walkaway(1).
pub fn page() -> Result<String, String> {
    let mut root = cli::command().disable_help_subcommand(true);
    // Gives each command its full name ("walkaway templates export").
    root.build();
    let io = |e: std::io::Error| e.to_string();
    let man = Man::new(root.clone());
    let mut out = Vec::new();
    man.render_title(&mut out).map_err(io)?;
    man.render_name_section(&mut out).map_err(io)?;
    man.render_synopsis_section(&mut out).map_err(io)?;
    man.render_description_section(&mut out).map_err(io)?;
    man.render_options_section(&mut out).map_err(io)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    // Two levels: the commands, and `templates export` (the definitions'
    // depth, not the user's).
    for cmd in root.get_subcommands() {
        entry(cmd, &mut out)?;
        for sub in cmd.get_subcommands() {
            entry(sub, &mut out)?;
        }
    }
    // The exit codes (the command's after-help) under the heading man pages
    // use for them, not clap_mangen's "EXTRA".
    let mut extra = Vec::new();
    man.render_extra_section(&mut extra).map_err(io)?;
    let extra = String::from_utf8(extra).map_err(|e| e.to_string())?;
    out.extend_from_slice(
        extra
            .replacen(".SH EXTRA", ".SH \"EXIT STATUS\"", 1)
            .as_bytes(),
    );
    out.extend_from_slice(FILES.as_bytes());
    man.render_version_section(&mut out).map_err(io)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The files walkaway reads, as a FILES section.
const FILES: &str = r#".SH FILES
.TP
\fIwalkaway.yaml\fR
The project's settings (rules, templates, out, formats, paper, pdf_engine, smtp), found in the current folder or above it.
.TP
\fI*.yaml\fR
Negotiation briefs, one per file; a build reads every one under DIR.
.TP
\fIrules/*.yaml\fR
A rules file (deal breakers, red flags, exit scripts); \fBextends: default\fR adds to the built-in rules.
.TP
\fItemplates/*.tera\fR
Templates that replace the built-in ones of the same name.
.TP
\fI*.test.yaml\fR
Rule fixtures that \fBwalkaway test\fR runs.
"#;

/// One command as a subsection: its synopsis, what it does, its own options
/// (the global ones are under OPTIONS above).
fn entry(cmd: &Command, out: &mut Vec<u8>) -> Result<(), String> {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let local = cmd
        .clone()
        .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
    let man = Man::new(local);
    let mut part = Vec::new();
    let io = |e: std::io::Error| e.to_string();
    man.render_synopsis_section(&mut part).map_err(io)?;
    man.render_description_section(&mut part).map_err(io)?;
    man.render_options_section(&mut part).map_err(io)?;
    let part = String::from_utf8(part).map_err(|e| e.to_string())?;
    out.extend_from_slice(format!(".SS \"{name}\"\n").as_bytes());
    for line in part.lines() {
        match line.strip_prefix(".SH ") {
            // The subsection's own parts need no headings but a break.
            Some("SYNOPSIS" | "DESCRIPTION") => out.extend_from_slice(b".PP\n"),
            Some(heading) => {
                let heading = if heading == "OPTIONS" {
                    "Options:".to_string()
                } else {
                    format!("{}:", heading.trim_matches('"'))
                };
                out.extend_from_slice(format!(".PP\n\\fI{heading}\\fR\n").as_bytes());
            }
            None => {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every command has its entry with its own options, and no page is named
    /// that does not exist.
    #[test]
    fn the_man_page_documents_every_command_and_its_options_and_the_exit_codes() {
        let page = super::page().expect("renders");
        assert!(page.contains(".TH walkaway 1"), "{page}");
        for sub in crate::cli::command().get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let entry = format!(".SS \"walkaway {}\"", sub.get_name());
            assert!(page.contains(&entry), "no entry for {entry}:\n{page}");
        }
        assert!(page.contains(".SS \"walkaway templates export\""), "{page}");
        assert!(!page.contains("walkaway\\-check(1)"), "{page}");
        // Options of commands, each under its command.
        let check = page.find(".SS \"walkaway check\"").expect("check");
        let render = page.find(".SS \"walkaway render\"").expect("render");
        let fail_on = page.find("\\-\\-fail\\-on").expect("--fail-on");
        assert!(check < fail_on && fail_on < render, "{page}");
        for option in ["\\-\\-explain", "\\-\\-prune", "\\-\\-port", "\\-\\-yes"] {
            assert!(page.contains(option), "no {option}:\n{page}");
        }
        // The global options once, under OPTIONS, not again under each command.
        assert_eq!(
            page.matches("\\fB\\-\\-rules\\fR \\fI<FILE>\\fR").count(),
            1,
            "{page}"
        );
        assert!(page.contains("Exit codes"), "{page}");
        assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
        assert!(!page.contains(".SH EXTRA"), "{page}");
        assert!(page.contains(".SH FILES"), "{page}");
    }
}
