//! What validation found: [`Report`], its [`Problem`]s and the kinds it had to skip.

use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, but the manifests would apply: a deprecated API, or a reference to
    /// something that may live outside the input.
    Warning,
    /// The API server would reject the object, or it could never work.
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

/// Which check found a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// An input could not be read (missing file, permission denied). Always on.
    Input,
    /// A document is not YAML or JSON, or not a Kubernetes object at all. Always on.
    Syntax,
    /// The object does not match its kind's JSON Schema, or its kind is unknown.
    Schema,
    /// The apiVersion is removed or deprecated in the target Kubernetes version.
    RemovedApi,
    /// Rules the API server enforces beyond the schema (ports, names, labels, selectors...).
    Rules,
    /// References between objects (Service -> pods, Ingress -> Service, pod -> Secret...).
    References,
}

impl Check {
    /// The name used on the command line (`--checks`) and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Check::Input => "input",
            Check::Syntax => "syntax",
            Check::Schema => "schema",
            Check::RemovedApi => "removed-api",
            Check::Rules => "rules",
            Check::References => "references",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of optional checks to run. Reading the input (`input`, `syntax`) is always on.
///
/// ```
/// use tack::validate::Checks;
/// let checks: Checks = "schema,rules".parse().unwrap();
/// assert!(checks.schema && checks.rules && !checks.references);
/// assert_eq!(Checks::default(), Checks::all());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checks {
    /// JSON Schema of each kind, and unknown kinds.
    pub schema: bool,
    /// Removed and deprecated apiVersions for the target Kubernetes version.
    pub removed_apis: bool,
    /// API-server rules beyond the schema.
    pub rules: bool,
    /// Cross-object references.
    pub references: bool,
}

impl Checks {
    /// Every check.
    pub const fn all() -> Self {
        Checks {
            schema: true,
            removed_apis: true,
            rules: true,
            references: true,
        }
    }

    /// Only the JSON Schema check (`--checks schema`).
    pub const fn schema_only() -> Self {
        Checks {
            schema: true,
            removed_apis: false,
            rules: false,
            references: false,
        }
    }

    /// Whether problems of this check are reported.
    pub fn enabled(&self, check: Check) -> bool {
        match check {
            Check::Input | Check::Syntax => true,
            Check::Schema => self.schema,
            Check::RemovedApi => self.removed_apis,
            Check::Rules => self.rules,
            Check::References => self.references,
        }
    }
}

impl Default for Checks {
    fn default() -> Self {
        Checks::all()
    }
}

/// A `--checks` list naming a check that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown check `{name}`: expected a comma-separated list of all, schema, removed-api, rules, references"
)]
pub struct UnknownCheck {
    /// The name as given.
    pub name: String,
}

impl FromStr for Checks {
    type Err = UnknownCheck;

    /// Parses a comma-separated list such as `schema,rules`; `all` turns everything on.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut checks = Checks {
            schema: false,
            removed_apis: false,
            rules: false,
            references: false,
        };
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => checks = Checks::all(),
                "schema" => checks.schema = true,
                "removed-api" | "removed-apis" | "deprecations" => checks.removed_apis = true,
                "rules" => checks.rules = true,
                "references" | "refs" => checks.references = true,
                _ => {
                    return Err(UnknownCheck {
                        name: name.to_string(),
                    });
                }
            }
        }
        Ok(checks)
    }
}

fn serialize_arc_str<S: Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

/// One thing wrong with the input.
///
/// Lines start at 1; `0` means unknown. `path` is a JSON Pointer into the object
/// (`/spec/template/spec/containers/0/ports/0/containerPort`), empty for the whole document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The check that found it.
    pub check: Check,
    /// The input: a file path, `<stdin>`, or the display name render gives a template.
    #[serde(serialize_with = "serialize_arc_str")]
    pub file: Arc<str>,
    /// The line where the document (or `List` item) starts.
    pub document_line: u32,
    /// The most precise line known: the offending field's line when the input was YAML
    /// text, else the document's line.
    pub line: u32,
    /// The object, as `Kind/namespace/name` (`Deployment/ml/mnist`), when it is known.
    pub object: Option<String>,
    /// Where in the object, as a JSON Pointer.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it, when there is an obvious fix.
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    /// `file:line: error[check] Object /path: message (hint)`, one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": {}[{}]", self.severity, self.check)?;
        if let Some(object) = &self.object {
            write!(f, " {object}")?;
        }
        if !self.path.is_empty() {
            write!(f, " {}", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// An object whose kind has no schema (a custom resource), so only the generic checks ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// The input it is in.
    #[serde(serialize_with = "serialize_arc_str")]
    pub file: Arc<str>,
    /// The line where its document starts.
    pub line: u32,
    /// `Kind/namespace/name`.
    pub object: String,
    /// Its `apiVersion`.
    pub api_version: String,
    /// Its `kind`.
    pub kind: String,
}

/// One object that was checked, recorded when [`Validator::record_objects`] is on (the
/// JUnit output lists every object as a test case).
///
/// [`Validator::record_objects`]: crate::validate::Validator::record_objects
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedObject {
    /// The input it is in.
    #[serde(serialize_with = "serialize_arc_str")]
    pub file: Arc<str>,
    /// The line where its document starts.
    pub line: u32,
    /// `Kind/namespace/name`.
    pub object: String,
}

/// The outcome of a validation run.
///
/// ```
/// use tack::validate::Validator;
/// let report = Validator::default().validate_str("inline.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
/// assert!(report.is_valid(), "{:?}", report.problems);
/// assert_eq!(report.objects, 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Everything found, in input order; cross-object problems come last.
    pub problems: Vec<Problem>,
    /// Objects whose kind has no schema.
    pub skipped: Vec<Skipped>,
    /// Non-empty documents read.
    pub documents: usize,
    /// Objects checked (each item of a `List` counts).
    pub objects: usize,
    /// Every object checked, when recording is on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<CheckedObject>,
}

impl Report {
    /// True when there is no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self.has_errors()
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// True when an input could not be read at all (the CLI exits with 2).
    pub fn has_input_errors(&self) -> bool {
        self.problems.iter().any(|p| p.check == Check::Input)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    /// The distinct `apiVersion/kind`s that were skipped, sorted.
    pub fn skipped_kinds(&self) -> Vec<String> {
        let kinds: BTreeSet<String> = self
            .skipped
            .iter()
            .map(|s| format!("{}/{}", s.api_version, s.kind))
            .collect();
        kinds.into_iter().collect()
    }

    /// Appends another report (of a later input) to this one.
    pub fn merge(&mut self, other: Report) {
        self.problems.extend(other.problems);
        self.skipped.extend(other.skipped);
        self.documents += other.documents;
        self.objects += other.objects;
        self.checked.extend(other.checked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(severity: Severity, check: Check) -> Problem {
        Problem {
            severity,
            check,
            file: Arc::from("a.yaml"),
            document_line: 1,
            line: 7,
            object: Some("Deployment/ml/mnist".into()),
            path: "/spec/replicas".into(),
            message: "expected an integer, found a string".into(),
            hint: Some("remove the quotes".into()),
        }
    }

    #[test]
    fn counts_and_validity() {
        let mut report = Report::default();
        assert!(report.is_valid());
        report
            .problems
            .push(problem(Severity::Warning, Check::References));
        assert!(report.is_valid());
        report
            .problems
            .push(problem(Severity::Error, Check::Schema));
        assert!(!report.is_valid());
        assert_eq!((report.error_count(), report.warning_count()), (1, 1));
        assert!(!report.has_input_errors());
        report.problems.push(problem(Severity::Error, Check::Input));
        assert!(report.has_input_errors());
    }

    #[test]
    fn a_problem_prints_on_one_line() {
        let text = problem(Severity::Error, Check::Schema).to_string();
        assert_eq!(
            text,
            "a.yaml:7: error[schema] Deployment/ml/mnist /spec/replicas: expected an integer, found a string (hint: remove the quotes)"
        );
    }

    #[test]
    fn checks_parse_from_lists() {
        assert_eq!("schema".parse::<Checks>(), Ok(Checks::schema_only()));
        assert_eq!("all".parse::<Checks>(), Ok(Checks::all()));
        let checks: Checks = "rules, references".parse().unwrap_or_default();
        assert!(checks.rules && checks.references && !checks.schema);
        let err = "schema,spelling".parse::<Checks>().unwrap_err();
        assert_eq!(err.name, "spelling");
        assert!(Checks::schema_only().enabled(Check::Syntax));
        assert!(!Checks::schema_only().enabled(Check::References));
    }
}
