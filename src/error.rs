//! The library's top-level error.

use crate::values::{Problem, ValuesError};
use std::path::PathBuf;

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chart could not be loaded.
    #[error(transparent)]
    Chart(#[from] crate::chart::ChartError),
    /// The values could not be read or have mistakes.
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// The releases file could not be read or has mistakes.
    #[error("{0}")]
    Releases(ValuesError),
    /// An app built in code has mistakes (reported by field path).
    #[error("{}", describe_app(problems))]
    App {
        /// The mistakes.
        problems: Vec<Problem>,
    },
    /// The output could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn describe_app(problems: &[Problem]) -> String {
    let mut text = format!(
        "{} problem{} in the app",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for problem in problems {
        text.push_str("\n  ");
        if !problem.path.is_root() {
            text.push_str(&format!("`{}`: ", problem.path));
        }
        text.push_str(&problem.message);
        if let Some(help) = &problem.help {
            text.push_str(&format!(" (help: {help})"));
        }
    }
    text
}
