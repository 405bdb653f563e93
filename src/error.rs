//! The library's top-level error: one variant per layer, each wrapping that layer's own
//! error. Functions of a layer return that layer's error; only callers that cross layers
//! (the command line) need this one.

use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::source::SourceMap;

/// Any error of tack.
///
/// ```
/// use tack::{Error, RenderRequest, Renderer};
/// let error: Error = Renderer::default()
///     .render(&RenderRequest::new("no/such/chart"))
///     .unwrap_err()
///     .into();
/// assert!(!error.is_invalid_input()); // a missing chart is a usage error (exit 2)
/// assert!(error.diagnostics().items[0].message.contains("does not exist"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A render failed.
    #[error(transparent)]
    Render(#[from] crate::pipeline::Error),
    /// A releases file could not be read or has mistakes.
    #[error(transparent)]
    Releases(#[from] crate::releases::Error),
    /// Validation could not start (a path to validate or a schema folder is missing).
    #[error(transparent)]
    Validate(#[from] crate::validate::ValidateError),
    /// Objects are not valid.
    #[error(transparent)]
    Invalid(#[from] crate::validate::Invalid),
    /// An app built in code has mistakes.
    #[error(transparent)]
    App(#[from] crate::release::InvalidApp),
    /// A chart could not be loaded.
    #[error(transparent)]
    Chart(#[from] crate::chart::Error),
    /// Values could not be read.
    #[error(transparent)]
    Values(#[from] crate::values::Error),
    /// Output could not be written.
    #[error(transparent)]
    Write(#[from] crate::manifest::WriteError),
}

impl Error {
    /// The error as diagnostics, for printing (see [`crate::diagnostic::human`]).
    ///
    /// ```
    /// use tack::{App, Error, Release};
    /// let release = Release::new("prod", App::new("MNIST", "mnist:1"));
    /// let error: Error = release.render().unwrap_err().into();
    /// let all = error.diagnostics();
    /// assert_eq!(all.items[0].path, "name");
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Render(error) => error.diagnostics(),
            Error::Releases(error) => error.diagnostics(),
            Error::Invalid(crate::validate::Invalid(report)) => report.diagnostics(),
            Error::App(crate::release::InvalidApp(diagnostics)) => diagnostics.clone(),
            Error::Chart(error) => error.diagnostics(),
            Error::Values(error) => error.diagnostics(),
            Error::Validate(_) | Error::Write(_) => Diagnostics::new(
                vec![Diagnostic::error(Check::Input, self.to_string())],
                SourceMap::new(),
            ),
        }
    }

    /// True for mistakes in the input (the command line exits with 1); false for what
    /// could not be found, read or written, and malformed flags (exit 2).
    ///
    /// ```
    /// use tack::{App, Error, Release};
    /// let release = Release::new("prod", App::new("MNIST", "mnist:1"));
    /// let app: Error = release.render().unwrap_err().into();
    /// assert!(app.is_invalid_input()); // a mistake in the input: exit 1
    /// let inputs = tack::validate::collect_inputs(&["no/such.yaml".into()]);
    /// let missing: Error = inputs.unwrap_err().into();
    /// assert!(!missing.is_invalid_input()); // nothing to read: exit 2
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Render(error) => error.is_invalid_input(),
            Error::Releases(error) => error.is_invalid_input(),
            Error::Chart(error) => error.is_invalid_input(),
            Error::Values(error) => error.is_invalid_input(),
            Error::Invalid(_) | Error::App(_) => true,
            Error::Validate(_) | Error::Write(_) => false,
        }
    }
}
