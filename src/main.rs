//! The `tack` command line tool: parses arguments, calls the library, maps errors to exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
