//! The one place the command line writes: command output to stdout, diagnostics and notes
//! to stderr, each in colour only when *that* stream is a terminal (or `--color` says so).
//!
//! A closed stdout (`tack render ... | head -1`) ends the command quietly with exit 0, as
//! ripgrep does; any other write error (a full disk) is reported and exits with 2.

use super::{ColorChoice, EXIT_USAGE, Outcome};
use crate::diagnostic::human::Human;
use crate::diagnostic::{Diagnostics, Severity};
use std::io::{self, IsTerminal, Write};

/// Why a command stopped writing.
#[derive(Debug)]
pub enum Failure {
    /// Stdout was closed by its reader: stop, quietly.
    BrokenPipe,
    /// Stdout could not be written.
    Write(io::Error),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Write(error)
        }
    }
}

/// Stdout and stderr, with the colour choice made for each.
pub struct Console {
    stdout_colour: bool,
    stderr: Human,
}

fn wants_colour(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

impl Console {
    /// A console for this process's streams.
    pub fn new(choice: ColorChoice) -> Self {
        Console {
            stdout_colour: wants_colour(choice, io::stdout().is_terminal()),
            stderr: Human::new(wants_colour(choice, io::stderr().is_terminal())),
        }
    }

    /// Whether output written to stdout may be coloured.
    pub fn stdout_colour(&self) -> bool {
        self.stdout_colour
    }

    /// Writes command output to stdout.
    pub fn out(&self, text: impl AsRef<[u8]>) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_ref())?;
        stdout.flush()?;
        Ok(())
    }

    /// Writes held-back output to stdout.
    pub(crate) fn out_spool(&self, spool: crate::spool::Spool) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        spool.copy_to(&mut stdout)?;
        stdout.flush()?;
        Ok(())
    }

    /// Writes a line to stderr (progress notes such as "wrote 5 files"). Failing to write
    /// to stderr is not reported: there is nowhere left to report it.
    pub fn note(&self, line: &str) {
        let _ = writeln!(io::stderr().lock(), "{line}");
    }

    /// Prints diagnostics to stderr, each followed by a blank line.
    pub fn diagnostics(&self, diagnostics: &Diagnostics) {
        let mut stderr = io::stderr().lock();
        for diagnostic in &diagnostics.items {
            let _ = writeln!(
                stderr,
                "{}\n",
                self.stderr.render(diagnostic, &diagnostics.sources)
            );
        }
    }

    /// Prints an error with no position to stderr.
    pub fn error(&self, message: &str, help: Option<&str>) {
        self.note(&self.stderr.message(Severity::Error, message, help));
    }

    /// Prints a warning with no position to stderr.
    pub fn warning(&self, message: &str) {
        self.note(&self.stderr.message(Severity::Warning, message, None));
    }

    /// Prints a warning with no position, and what to do about it, to stderr.
    pub fn warning_with_help(&self, message: &str, help: &str) {
        self.note(&self.stderr.message(Severity::Warning, message, Some(help)));
    }

    /// The exit code of a command's outcome, reporting a failed write.
    pub fn finish(&self, outcome: Outcome) -> u8 {
        match outcome {
            Ok(code) => code,
            Err(Failure::BrokenPipe) => super::EXIT_OK,
            Err(Failure::Write(error)) => {
                self.error(&format!("cannot write output: {error}"), None);
                EXIT_USAGE
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_pipes_are_told_apart_from_other_write_errors() {
        assert!(matches!(
            Failure::from(io::Error::from(io::ErrorKind::BrokenPipe)),
            Failure::BrokenPipe
        ));
        assert!(matches!(
            Failure::from(io::Error::other("disk full")),
            Failure::Write(_)
        ));
    }

    #[test]
    fn colour_follows_the_choice_and_the_stream() {
        assert!(wants_colour(ColorChoice::Always, false));
        assert!(!wants_colour(ColorChoice::Never, true));
        assert!(!wants_colour(ColorChoice::Auto, false));
    }
}
