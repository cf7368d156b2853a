//! The one error type of the commands, and the exit codes of DESIGN §6: 0 done;
//! 1 a failure while working (I/O, SMTP, a missing compiler); 2 bad input (usage,
//! a brief, rules or template that does not validate); 3 `--fail-on` was met or a
//! fixture failed. `main` prints an error once and exits with its code.

use std::fmt;

use crate::diag::Diagnostic;

/// Exit codes (DESIGN §6).
pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const BAD_INPUT: u8 = 2;
pub const UNMET: u8 = 3;

#[derive(Debug)]
pub enum Error {
    /// Files a user can fix: located diagnostics (warnings among them, in the
    /// order they were found). Exit 2.
    Input(Vec<Diagnostic>),
    /// Bad input said in one line (a usage mistake, settings that do not make
    /// sense). Exit 2.
    Usage(String),
    /// A failure while working: I/O, SMTP, an external tool. Exit 1.
    Failure(String),
    /// Some briefs of a build failed; each was reported as it was built, and
    /// the others were still written. Exit 1 when only the machine failed, else 2.
    Briefs {
        failed: usize,
        total: usize,
        io_only: bool,
    },
    /// `--fail-on` was met: the verdicts were printed. Exit 3.
    FailOnMet,
    /// Some rule fixtures of `walkaway test` failed: each was printed with
    /// what differed. Exit 3.
    FixturesFailed { failed: usize },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Usage(_) => BAD_INPUT,
            Error::Failure(_) => FAILURE,
            Error::Briefs { io_only: true, .. } => FAILURE,
            Error::Briefs { .. } => BAD_INPUT,
            Error::FailOnMet | Error::FixturesFailed { .. } => UNMET,
        }
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(d: Vec<Diagnostic>) -> Error {
        Error::Input(d)
    }
}

impl fmt::Display for Error {
    /// The plain-text form (`terminal` adds colour to diagnostics).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(diags) => diags.iter().try_for_each(|d| write!(f, "{d}")),
            Error::Usage(m) | Error::Failure(m) => writeln!(f, "error: {m}"),
            Error::Briefs { failed, total, .. } => writeln!(
                f,
                "{failed} of {total} briefs failed; their previous outputs were left in place"
            ),
            Error::FailOnMet | Error::FixturesFailed { .. } => Ok(()),
        }
    }
}
