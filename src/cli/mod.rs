//! Command-line front end: clap definitions and dispatch. Everything that does real work
//! lives in the library; this layer parses, calls and prints.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for valid input.
pub const EXIT_OK: u8 = 0;
/// Exit code for invalid values or manifests.
pub const EXIT_INVALID: u8 = 1;
/// Exit code for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// Typed, validated Kubernetes manifests for model-serving apps.
#[derive(Debug, Parser)]
#[command(name = "tack", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {}
}
