//! Shared helpers of the integration tests: running the binary and comparing with files that
//! are reviewed like code (golden files and case snapshots).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when expected files should be rewritten (`TACK_BLESS=1 cargo test`).
pub fn blessing() -> bool {
    std::env::var_os("TACK_BLESS").is_some_and(|v| v == "1")
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

/// Compares `actual` with the file at `expected`, or rewrites the file when blessing.
/// Returns a description of the difference, if any.
pub fn compare(expected: &Path, actual: &str) -> Option<String> {
    if blessing() {
        if let Some(dir) = expected.parent() {
            std::fs::create_dir_all(dir).expect("create golden folder");
        }
        std::fs::write(expected, actual).expect("write golden file");
        return None;
    }
    let Ok(wanted) = std::fs::read_to_string(expected) else {
        return Some(format!(
            "{} is missing; run `TACK_BLESS=1 cargo test` to create it, then review it",
            expected.display()
        ));
    };
    if wanted == actual {
        return None;
    }
    let first = wanted
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| wanted.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} differs from the output, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n(review the change; `TACK_BLESS=1 cargo test` rewrites golden files)",
        expected.display(),
        first + 1,
        wanted.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>"),
    ))
}
