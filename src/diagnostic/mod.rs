//! The one problem type tack reports, for every stage: values, `Chart.yaml`, releases
//! files, templates, rendered objects and validation; and its writers.
//!
//! A [`Diagnostic`] knows how bad it is ([`Severity`]), which [`Check`] found it, where it is
//! (a [`Location`] in a [`SourceMap`], and a field path or JSON Pointer), what is wrong and
//! what to do. When it concerns a secret value it is `sensitive`: writers then never show the
//! source line. [`Diagnostics`] is a list of them with the sources they point into; it is
//! what the error types of every layer carry.
//!
//! Writers: [`human`] (compiler-style blocks through `annotate-snippets`), [`json`] and
//! [`junit`], behind one [`Output`] interface, so `render`, `lint` and `validate` print
//! problems the same way.
//!
//! ```
//! use tack::diagnostic::{Check, Diagnostic, Diagnostics, Severity};
//! use tack::source::{Location, SourceMap};
//!
//! let mut sources = SourceMap::new();
//! let file = sources.add("values/prod.yaml", "replicsa: 3\n");
//! let diagnostic = Diagnostic::error(Check::Values, "unknown key `replicsa`")
//!     .at(Location { source: file, line: 1, column: 1 })
//!     .path("replicsa")
//!     .help("did you mean `replicas`?");
//! assert_eq!(diagnostic.severity, Severity::Error);
//! let all = Diagnostics::new(vec![diagnostic], sources);
//! assert_eq!(
//!     all.to_string(),
//!     "values/prod.yaml:1:1: error[values] replicsa: unknown key `replicsa` (help: did you mean `replicas`?)"
//! );
//! ```

pub mod human;
pub mod json;
pub mod junit;
mod suggest;

pub use suggest::{closest, did_you_mean};

use crate::source::{Location, SourceMap};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::io;

/// How bad a [`Diagnostic`] is.
///
/// ```
/// use tack::diagnostic::Severity;
/// assert!(Severity::Error > Severity::Warning);
/// assert_eq!(Severity::Warning.to_string(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, but nothing is wrong enough to stop: a deprecated API, a reference to
    /// something that may live outside the input, an empty value file.
    Warning,
    /// The input is wrong: nothing is rendered, or the API server would reject the object.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Which stage or check found a [`Diagnostic`]: its code in human output (`error[schema]`)
/// and its `check` in JSON.
///
/// ```
/// use tack::diagnostic::Check;
/// assert_eq!(Check::RemovedApi.name(), "removed-api");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Check {
    /// An input could not be read (missing file, permission denied, too large).
    Input,
    /// A document is not YAML or JSON, or not a Kubernetes object at all.
    Syntax,
    /// Value files and `--set` flags: unknown keys, wrong types, nonsense settings.
    Values,
    /// `Chart.yaml` and the chart folder.
    Chart,
    /// A releases file (`tack.yaml`).
    Releases,
    /// A chart template failed or wrote something that is not YAML.
    Template,
    /// The object does not match its kind's JSON Schema, or its kind is unknown.
    Schema,
    /// The apiVersion is removed or deprecated in the target Kubernetes version.
    RemovedApi,
    /// Rules the API server enforces beyond the schema (ports, names, labels, selectors...).
    Rules,
    /// References between objects (Service -> pods, Ingress -> Service, pod -> Secret...).
    References,
    /// Best practices for production workloads (probes, resources, security, disruption).
    Practices,
}

impl Check {
    /// The name used on the command line (`--checks`), in human output and in JSON.
    ///
    /// ```
    /// use tack::diagnostic::Check;
    /// assert_eq!(Check::References.name(), "references");
    /// assert_eq!(Check::RemovedApi.to_string(), Check::RemovedApi.name());
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Check::Input => "input",
            Check::Syntax => "syntax",
            Check::Values => "values",
            Check::Chart => "chart",
            Check::Releases => "releases",
            Check::Template => "template",
            Check::Schema => "schema",
            Check::RemovedApi => "removed-api",
            Check::Rules => "rules",
            Check::References => "references",
            Check::Practices => "practices",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem, with everything needed to say where it is and what to do about it.
///
/// Lines and columns start at 1; `0` means unknown. `path` is a field path in values
/// (`strategy.canary.weight`) or a JSON Pointer in an object
/// (`/spec/template/spec/containers/0/image`), empty for a whole file or document.
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic};
/// let d = Diagnostic::warning(Check::References, "Secret \"api\" is not in the input")
///     .object("Deployment/ml/mnist")
///     .path("/spec/template/spec/containers/0/env/0");
/// assert!(!d.is_error());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The check that found it.
    pub check: Check,
    /// The file (or `--set` flag), line and column.
    pub location: Location,
    /// The line where the object's document starts (validation; `0` otherwise).
    pub document_line: u32,
    /// The object, as `Kind/namespace/name` (`Deployment/ml/mnist`), when it is known.
    pub object: Option<String>,
    /// The field path or JSON Pointer, empty for the whole input.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// What to do about it, e.g. "did you mean `replicas`?".
    pub help: Option<String>,
    /// True when it concerns a secret value: the source line is never shown.
    pub sensitive: bool,
}

impl Diagnostic {
    /// A diagnostic of `severity` found by `check`, located nowhere yet.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Severity};
    /// let d = Diagnostic::new(Severity::Error, Check::Chart, "Chart.yaml is empty");
    /// assert!(d.is_error() && !d.location.is_known());
    /// ```
    pub fn new(severity: Severity, check: Check, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            check,
            location: Location::UNKNOWN,
            document_line: 0,
            object: None,
            path: String::new(),
            message: capped(message.into()),
            help: None,
            sensitive: false,
        }
    }

    /// An error found by `check`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert!(Diagnostic::error(Check::Values, "bad").is_error());
    /// ```
    pub fn error(check: Check, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, check, message)
    }

    /// A warning found by `check`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert!(!Diagnostic::warning(Check::Values, "empty file").is_error());
    /// ```
    pub fn warning(check: Check, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, check, message)
    }

    /// The same diagnostic at `location`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// use tack::source::{Location, SourceId};
    /// let at = Location { source: SourceId(0), line: 3, column: 5 };
    /// assert_eq!(Diagnostic::error(Check::Values, "x").at(at).location.line, 3);
    /// ```
    pub fn at(mut self, location: Location) -> Self {
        self.location = location;
        self
    }

    /// The same diagnostic about the field or JSON Pointer `path`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert_eq!(Diagnostic::error(Check::Values, "x").path("image.tag").path, "image.tag");
    /// ```
    pub fn path(mut self, path: impl fmt::Display) -> Self {
        self.path = path.to_string();
        self
    }

    /// The same diagnostic about `object` (`Kind/namespace/name`).
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// let d = Diagnostic::error(Check::Rules, "x").object("Service/web");
    /// assert_eq!(d.object.as_deref(), Some("Service/web"));
    /// ```
    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// The same diagnostic with advice on how to fix it.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// let d = Diagnostic::error(Check::Values, "x").help("remove the quotes");
    /// assert_eq!(d.help.as_deref(), Some("remove the quotes"));
    /// ```
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(capped(help.into()));
        self
    }

    /// The same diagnostic with advice, if there is any.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert!(Diagnostic::error(Check::Values, "x").help_opt(None::<String>).help.is_none());
    /// ```
    pub fn help_opt(mut self, help: Option<impl Into<String>>) -> Self {
        self.help = help.map(|h| capped(h.into()));
        self
    }

    /// Marks the diagnostic as being about a secret value (or not): writers never show the
    /// source line of a sensitive one.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert!(Diagnostic::error(Check::Values, "x").sensitive(true).sensitive);
    /// ```
    pub fn sensitive(mut self, sensitive: bool) -> Self {
        self.sensitive = sensitive;
        self
    }

    /// True for errors.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// assert!(Diagnostic::error(Check::Values, "x").is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line for logs and plain text: `file:line:col: error[check] object path: message
    /// (help: ...)`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic};
    /// use tack::source::SourceMap;
    /// let d = Diagnostic::error(Check::Values, "missing").path("name");
    /// assert_eq!(d.describe(&SourceMap::new()), "<unknown>: error[values] name: missing");
    /// ```
    pub fn describe(&self, sources: &SourceMap) -> String {
        let mut line = sources.describe(self.location);
        line.push_str(&format!(": {}[{}]", self.severity, self.check));
        if let Some(object) = &self.object {
            line.push(' ');
            line.push_str(object);
        }
        if !self.path.is_empty() {
            line.push(' ');
            line.push_str(&self.path);
        }
        line.push_str(": ");
        line.push_str(&self.message);
        if let Some(help) = &self.help {
            line.push_str(&format!(" (help: {help})"));
        }
        line
    }
}

/// Diagnostics and the sources they point into: what every layer's error carries.
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, Diagnostics};
/// use tack::source::SourceMap;
/// let all = Diagnostics::new(
///     vec![Diagnostic::warning(Check::Values, "a"), Diagnostic::error(Check::Values, "b")],
///     SourceMap::new(),
/// );
/// assert_eq!((all.error_count(), all.warning_count()), (1, 1));
/// assert!(all.has_errors());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// The diagnostics, in the order found (usually input order).
    pub items: Vec<Diagnostic>,
    /// The inputs they point into.
    pub sources: SourceMap,
}

impl Diagnostics {
    /// Diagnostics pointing into `sources`.
    ///
    /// ```
    /// use tack::diagnostic::Diagnostics;
    /// assert!(Diagnostics::new(Vec::new(), Default::default()).is_empty());
    /// ```
    pub fn new(items: Vec<Diagnostic>, sources: SourceMap) -> Self {
        Diagnostics { items, sources }
    }

    /// True when there are none.
    ///
    /// ```
    /// assert!(tack::diagnostic::Diagnostics::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many there are.
    ///
    /// ```
    /// assert_eq!(tack::diagnostic::Diagnostics::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when at least one is an error.
    ///
    /// ```
    /// assert!(!tack::diagnostic::Diagnostics::default().has_errors());
    /// ```
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    ///
    /// ```
    /// assert_eq!(tack::diagnostic::Diagnostics::default().error_count(), 0);
    /// ```
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    ///
    /// ```
    /// assert_eq!(tack::diagnostic::Diagnostics::default().warning_count(), 0);
    /// ```
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Appends `other`, whose locations point into its own sources (they are re-pointed
    /// into this one's).
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Diagnostics};
    /// use tack::source::{Location, SourceMap};
    /// let mut a = Diagnostics::default();
    /// a.sources.add("a.yaml", "x: 1\n");
    /// let mut b_sources = SourceMap::new();
    /// let b_file = b_sources.add("b.yaml", "y: 2\n");
    /// let at = Location { source: b_file, line: 1, column: 1 };
    /// a.append(Diagnostics::new(vec![Diagnostic::error(Check::Values, "bad").at(at)], b_sources));
    /// assert_eq!(a.sources.name(a.items[0].location.source), "b.yaml");
    /// ```
    pub fn append(&mut self, other: Diagnostics) {
        let offset = self.sources.append(other.sources);
        self.items.extend(other.items.into_iter().map(|mut d| {
            d.location = d.location.offset(offset);
            d
        }));
    }
}

impl fmt::Display for Diagnostics {
    /// One line per diagnostic (see [`Diagnostic::describe`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&diagnostic.describe(&self.sources))?;
        }
        Ok(())
    }
}

/// An object that was checked, or skipped because its kind has no schema: the test cases
/// of JUnit output and the totals of every format.
///
/// ```
/// use tack::diagnostic::CheckedObject;
/// use tack::source::SourceId;
/// let o = CheckedObject { source: SourceId(0), line: 1, object: "Service/web".into(), skipped: None };
/// assert!(o.skipped.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedObject {
    /// The input it is in.
    pub source: crate::source::SourceId,
    /// The line where its document starts.
    pub line: u32,
    /// `Kind/namespace/name`.
    pub object: String,
    /// `apiVersion/kind` when its kind has no schema, so only generic checks ran.
    pub skipped: Option<String>,
}

/// The totals that close a report: what was read, and which kinds had no schema.
///
/// ```
/// use tack::diagnostic::Summary;
/// let summary = Summary { documents: 2, objects: 3, ..Summary::default() };
/// assert_eq!(summary.objects, 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Non-empty documents read.
    pub documents: usize,
    /// Objects checked (each item of a `List` counts).
    pub objects: usize,
    /// `apiVersion/kind`s without a schema, sorted, and how many objects had each.
    pub skipped_kinds: Vec<(String, usize)>,
    /// Every object checked, when recorded (JUnit lists each as a test case).
    pub checked: Vec<CheckedObject>,
    /// Print only the totals, not each diagnostic.
    pub totals_only: bool,
    /// CEL rules of CRDs not evaluated (transition rules, functions tack does not provide).
    pub cel_skipped: usize,
}

/// Where diagnostics go, in one format (kubeconform's shape: write each, then finish).
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, Output, Summary, json::JsonOutput};
/// use tack::source::SourceMap;
/// let mut out = JsonOutput::new(Vec::new());
/// out.write(&Diagnostic::error(Check::Schema, "bad"), &SourceMap::new())?;
/// let bytes = out.finish(&Summary::default(), &SourceMap::new())?;
/// let report: serde_json::Value = serde_json::from_slice(&bytes)?;
/// assert_eq!(report["summary"]["errors"], 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Output {
    /// What the output was written into, returned by [`finish`](Output::finish).
    type Target;

    /// Writes (or collects) one diagnostic.
    ///
    /// # Errors
    /// Writing to the target failed.
    fn write(&mut self, diagnostic: &Diagnostic, sources: &SourceMap) -> io::Result<()>;

    /// Writes what closes the output (totals, or the whole document for collected formats)
    /// and hands back the target.
    ///
    /// # Errors
    /// Writing to the target failed.
    fn finish(self, summary: &Summary, sources: &SourceMap) -> io::Result<Self::Target>;
}

/// The longest message or help kept: a value echoed whole (a 15 MB string) must not become a
/// 15 MB message.
const MAX_MESSAGE_CHARS: usize = 2000;

fn capped(text: String) -> String {
    match shorten(&text, MAX_MESSAGE_CHARS) {
        Cow::Borrowed(_) => text,
        Cow::Owned(short) => short,
    }
}

/// `text` cut to at most `max` characters, with `...` when it was longer: for values echoed
/// in messages, so a 15 MB value does not become a 15 MB message.
///
/// ```
/// assert_eq!(tack::diagnostic::shorten("abcdef", 4), "a...");
/// assert_eq!(tack::diagnostic::shorten("abc", 4), "abc");
/// ```
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let keep = max.saturating_sub(3);
    let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}...", &text[..cut]))
}

/// `text` with control characters (escape sequences, carriage returns, NUL...) shown as
/// `\u{1b}`-style escapes, so input cannot move the cursor or fake lines in a terminal or log.
///
/// ```
/// assert_eq!(tack::diagnostic::escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
/// assert_eq!(tack::diagnostic::escape_controls("plain"), "plain");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Control characters other than tab and line feed, and the Unicode ones that reorder or
/// hide text.
fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_with_position_object_path_and_help() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.yaml", "x\n");
        let d = Diagnostic::error(Check::Schema, "expected an integer, found a string")
            .at(Location {
                source: id,
                line: 7,
                column: 0,
            })
            .object("Deployment/ml/mnist")
            .path("/spec/replicas")
            .help("remove the quotes");
        assert_eq!(
            d.describe(&sources),
            "a.yaml:7: error[schema] Deployment/ml/mnist /spec/replicas: expected an integer, found a string (help: remove the quotes)"
        );
    }

    #[test]
    fn shortens_by_characters_not_bytes() {
        assert_eq!(shorten("ééééé", 4), "é...");
        assert_eq!(shorten(&"x".repeat(1000), 10).len(), 10);
    }

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape_controls("a\rb\u{0}"), "a\\u{d}b\\u{0}");
        assert_eq!(escape_controls("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape_controls("tab\tok\n"), "tab\tok\n");
    }
}
