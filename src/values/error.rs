//! Errors about values: where the mistake is, which field, what was expected.

use super::path::FieldPath;
use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::input::InputError;
use crate::source::{Location, SourceMap};

/// A mistake in the values at `location` and `path`: a [`Diagnostic`] of the `values`
/// check, sensitive when the field holds a secret.
pub(crate) fn problem(
    location: Location,
    path: &FieldPath,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(Check::Values, message)
        .at(location)
        .path(if path.is_root() {
            String::new()
        } else {
            path.to_string()
        })
        .sensitive(is_sensitive(path))
}

/// True for paths under the sections that hold secret values.
pub(crate) fn is_sensitive(path: &FieldPath) -> bool {
    matches!(path.segments().first(), Some(super::path::Segment::Key(k)) if k == "secrets" || k == "tlsSecrets")
}

/// True when the field path `path` (as a diagnostic holds it) is `prefix` or lies below it.
pub(crate) fn path_within(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Why values could not be loaded.
///
/// ```
/// use tack::values::{Error, SetFlag, SetKind, ValuesLoader};
/// let flag = SetFlag::new(SetKind::Typed, "replicas");
/// let error = ValuesLoader::new().apply_set(&flag, ".".as_ref()).unwrap_err();
/// assert!(matches!(error, Error::BadFlag { flag: "--set", .. }));
/// assert!(!error.is_invalid_input()); // a malformed flag: exit 2
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value file could not be read (missing, not a regular file, too large).
    #[error("{0}")]
    Input(#[source] InputError),
    /// A file named by `--set-file` could not be read.
    #[error("{flag}: {source}")]
    FlagFile {
        /// The flag.
        flag: &'static str,
        /// Why.
        #[source]
        source: InputError,
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
    #[error("{} in values:\n{}", plural(.0.len()), .0)]
    Invalid(Diagnostics),
}

fn plural(count: usize) -> String {
    format!("{count} problem{}", if count == 1 { "" } else { "s" })
}

impl Error {
    /// The error as diagnostics, for printing.
    ///
    /// ```
    /// let error = tack::values::Error::BadFlag { flag: "--set", text: "a".into(), message: "no `=`".into() };
    /// assert_eq!(error.diagnostics().items[0].message, "--set \"a\": no `=`");
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Invalid(diagnostics) => diagnostics.clone(),
            Error::BadFlag { flag, .. } => {
                let help = flag
                    .starts_with("--set")
                    .then_some("write `--set path.to.key=value`; escape dots in keys as `\\.`");
                single(Diagnostic::error(Check::Values, self.to_string()).help_opt(help))
            }
            _ => single(Diagnostic::error(Check::Input, self.to_string())),
        }
    }

    /// True for mistakes in the values themselves (exit 1), false for files that cannot be
    /// read and malformed flags (exit 2).
    ///
    /// ```
    /// let error = tack::values::Error::Invalid(Default::default());
    /// assert!(error.is_invalid_input());
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::Invalid(_))
    }
}

fn single(diagnostic: Diagnostic) -> Diagnostics {
    Diagnostics::new(vec![diagnostic], SourceMap::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_paths_are_sensitive() {
        assert!(is_sensitive(&FieldPath::parse("secrets.apiKey.value")));
        assert!(is_sensitive(&FieldPath::parse("tlsSecrets.web.key")));
        assert!(!is_sensitive(&FieldPath::parse("env.API_KEY")));
        let d = problem(
            Location::UNKNOWN,
            &FieldPath::parse("secrets.apiKey.value"),
            "x",
        );
        assert!(d.sensitive);
        assert_eq!(d.path, "secrets.apiKey.value");
    }

    #[test]
    fn paths_nest_by_segment() {
        assert!(path_within("strategy.canary.weight", "strategy.canary"));
        assert!(path_within("versions[1].tag", "versions"));
        assert!(!path_within("strategy.canaryX", "strategy.canary"));
        assert!(path_within("anything", ""));
    }

    #[test]
    fn describes_problem_with_position_path_and_help() {
        let mut sources = SourceMap::new();
        let id = sources.add("values/canary.yaml", "x\n");
        let d = problem(
            Location {
                source: id,
                line: 12,
                column: 5,
            },
            &FieldPath::parse("strategy.canary.weight"),
            "expected an integer from 0 to 100, found 150",
        )
        .help("a weight is a percentage");
        assert_eq!(
            d.describe(&sources),
            "values/canary.yaml:12:5: error[values] strategy.canary.weight: expected an integer from 0 to 100, found 150 (help: a weight is a percentage)"
        );
    }
}
