//! The `tack` command line tool. Everything it does lives in the library ([`tack::cli`]).

fn main() -> std::process::ExitCode {
    tack::cli::run()
}
