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
    /// The rendered objects are not valid Kubernetes objects (a schema, API-server rule or
    /// cross-object check failed); nothing should be applied.
    #[error("{}", describe_report(report))]
    Invalid {
        /// Every problem found, errors and warnings.
        report: crate::validate::Report,
    },
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

fn describe_report(report: &crate::validate::Report) -> String {
    let mut text = format!(
        "the rendered objects are not valid: {} error{}",
        report.error_count(),
        if report.error_count() == 1 { "" } else { "s" }
    );
    for problem in &report.problems {
        text.push_str("\n  ");
        text.push_str(&problem.to_string());
    }
    text
}
