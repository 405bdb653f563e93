//! Errors about values: where the mistake is, which field, what was expected.

use super::path::FieldPath;
use crate::source::{Location, SourceMap};
use std::fmt;
use std::path::PathBuf;

/// One mistake in the values, reported where it was made.
///
/// `sensitive` problems concern secret values: front ends must not print the source line
/// (it could hold the secret), only its position and the field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file (or `--set` flag), line and column.
    pub location: Location,
    /// The field, e.g. `strategy.canary.weight`; the root for problems of a whole file.
    pub path: FieldPath,
    /// What is wrong and what was expected.
    pub message: String,
    /// What to do about it, e.g. "did you mean `replicas`?".
    pub help: Option<String>,
    /// True when the field holds a secret: never show the value or its line.
    pub sensitive: bool,
}

impl Problem {
    /// A problem at a location and field.
    pub fn new(location: Location, path: FieldPath, message: impl Into<String>) -> Self {
        let sensitive = is_sensitive(&path);
        Problem {
            location,
            path,
            message: message.into(),
            help: None,
            sensitive,
        }
    }

    /// The same problem with advice on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// One line for logs and plain output: `file:line:col: field `path`: message (help)`.
    pub fn describe(&self, sources: &SourceMap) -> String {
        let mut line = sources.describe(self.location);
        line.push_str(": ");
        if !self.path.is_root() {
            line.push_str(&format!("`{}`: ", self.path));
        }
        line.push_str(&self.message);
        if let Some(help) = &self.help {
            line.push_str(&format!(" (help: {help})"));
        }
        line
    }
}

/// True for paths under the sections that hold secret values.
pub fn is_sensitive(path: &FieldPath) -> bool {
    matches!(path.segments().first(), Some(super::path::Segment::Key(k)) if k == "secrets" || k == "tlsSecrets")
}

/// Why values could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ValuesError {
    /// A values file could not be read.
    #[error("cannot read values file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file named by `--set-file` could not be read.
    #[error("{flag}: cannot read {}: {source}", path.display())]
    ReadFlagFile {
        /// The flag.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A values file is larger than tack accepts.
    #[error(
        "values file {} is {size} bytes; tack reads value files of up to {limit} bytes",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The largest size accepted.
        limit: u64,
    },
    /// A `--set` family flag is not well formed.
    #[error("{flag} {text:?}: {message}")]
    BadFlag {
        /// The flag, e.g. `--set`.
        flag: &'static str,
        /// What followed the flag (never a secret: the value part is not echoed when secret).
        text: String,
        /// What is wrong.
        message: String,
    },
    /// The values have mistakes; every one found is listed.
    #[error("{}", Problems(problems, sources))]
    Invalid {
        /// The mistakes, in file order.
        problems: Vec<Problem>,
        /// The inputs, to show the lines the problems point at.
        sources: SourceMap,
    },
}

struct Problems<'a>(&'a [Problem], &'a SourceMap);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} in values",
            if count == 1 { "" } else { "s" }
        )?;
        for problem in self.0 {
            write!(f, "\n  {}", problem.describe(self.1))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_paths_are_sensitive() {
        assert!(is_sensitive(&FieldPath::parse("secrets.apiKey.value")));
        assert!(!is_sensitive(&FieldPath::parse("env.API_KEY")));
    }

    #[test]
    fn describes_problem_with_position_path_and_help() {
        let mut sources = SourceMap::new();
        let id = sources.add("values/canary.yaml", "x\n");
        let problem = Problem::new(
            Location {
                source: id,
                line: 12,
                column: 5,
            },
            FieldPath::parse("strategy.canary.weight"),
            "expected an integer from 0 to 100, found 150",
        )
        .with_help("a weight is a percentage");
        assert_eq!(
            problem.describe(&sources),
            "values/canary.yaml:12:5: `strategy.canary.weight`: expected an integer from 0 to 100, found 150 (help: a weight is a percentage)"
        );
    }
}
