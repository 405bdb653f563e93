//! Shared helpers of the integration tests: running the binary and comparing with files that
//! are reviewed like code (golden files and case transcripts), through snapbox.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tack` with `args` in `cwd`, with a fixed environment (no colour).
pub fn tack(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tack"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the tack binary runs")
}

/// Compares `actual` with the file at `expected`, byte for byte (only line endings are
/// normalised), through snapbox: a failure shows a diff, and `SNAPSHOTS=overwrite cargo test`
/// rewrites the file instead (the one way to bless; review the diff afterwards).
/// Returns the failure, if any, so a test can report every file that differs.
pub fn compare(expected: &Path, actual: &str) -> Option<String> {
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .try_eq(
            Some(&expected.display()),
            snapbox::Data::text(actual.to_string()),
            snapbox::Data::read_from(expected, None).raw(),
        )
        .err()
        .map(|err| err.to_string())
}

/// Bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}
