//! What validation found: a [`Report`] of [`Diagnostic`]s, and the objects it checked or
//! had to skip.

use crate::diagnostic::{Check, CheckedObject, Diagnostic, Severity, Summary};
use crate::source::SourceMap;
use std::collections::BTreeMap;
use std::str::FromStr;

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
    /// Best practices (off unless named: `--checks all,practices`).
    pub practices: bool,
}

impl Checks {
    /// Every check of correctness: schema, removed APIs, rules and references. The
    /// best-practice check is not one of them; it is asked for by name.
    ///
    /// ```
    /// use tack::validate::Checks;
    /// let all = Checks::all();
    /// assert!(all.schema && all.removed_apis && all.rules && all.references);
    /// assert!(!all.practices);
    /// assert_eq!("all".parse::<Checks>(), Ok(all));
    /// assert!("all,practices".parse::<Checks>().unwrap().practices);
    /// ```
    pub const fn all() -> Self {
        Checks {
            schema: true,
            removed_apis: true,
            rules: true,
            references: true,
            practices: false,
        }
    }

    /// Only the JSON Schema check (`--checks schema`).
    ///
    /// ```
    /// use tack::validate::Checks;
    /// assert_eq!("schema".parse::<Checks>(), Ok(Checks::schema_only()));
    /// assert!(!Checks::schema_only().rules);
    /// ```
    pub const fn schema_only() -> Self {
        Checks {
            schema: true,
            removed_apis: false,
            rules: false,
            references: false,
            practices: false,
        }
    }

    /// Whether problems of this check are reported (reading the input, and the stages
    /// before validation, always are).
    ///
    /// ```
    /// use tack::diagnostic::Check;
    /// use tack::validate::Checks;
    /// assert!(Checks::schema_only().enabled(Check::Syntax));
    /// assert!(!Checks::schema_only().enabled(Check::Rules));
    /// ```
    pub fn enabled(&self, check: Check) -> bool {
        match check {
            Check::Schema => self.schema,
            Check::RemovedApi => self.removed_apis,
            Check::Rules => self.rules,
            Check::References => self.references,
            Check::Practices => self.practices,
            _ => true,
        }
    }
}

impl Default for Checks {
    fn default() -> Self {
        Checks::all()
    }
}

/// A `--checks` list naming a check that does not exist.
///
/// ```
/// use tack::validate::Checks;
/// let error = "schema,spelling".parse::<Checks>().unwrap_err();
/// assert_eq!(error.name, "spelling");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown check `{name}`: expected a comma-separated list of all, schema, removed-api, rules, references, practices"
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
            practices: false,
        };
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => {
                    checks = Checks {
                        practices: checks.practices,
                        ..Checks::all()
                    }
                }
                "practices" => checks.practices = true,
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

/// The outcome of a validation run.
///
/// ```
/// use tack::validate::Validator;
/// let report = Validator::default().validate_str("inline.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
/// assert!(report.is_valid(), "{:?}", report.problems);
/// assert_eq!(report.objects, 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Everything found, in input order; cross-object problems come last.
    pub problems: Vec<Diagnostic>,
    /// The inputs the problems point into (names; texts when they were kept).
    pub sources: SourceMap,
    /// Non-empty documents read.
    pub documents: usize,
    /// Objects checked (each item of a `List` counts).
    pub objects: usize,
    /// Objects whose kind has no schema, and, when recording is on, every object checked.
    pub checked: Vec<CheckedObject>,
    /// CEL rules of CRDs not evaluated (transition rules, functions tack does not provide).
    pub cel_skipped: usize,
    /// Problems handed to a sink as they were found ([`Validator::validate_inputs_to`])
    /// instead of kept in [`problems`](Report::problems): counted here, so the totals and
    /// the exit code stay right.
    ///
    /// [`Validator::validate_inputs_to`]: crate::validate::Validator::validate_inputs_to
    pub passed: Passed,
}

/// Counts of the problems a streaming validation handed on instead of keeping.
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, Severity};
/// use tack::validate::Passed;
/// let mut passed = Passed::default();
/// passed.count(&Diagnostic::new(Severity::Warning, Check::References, "no pod template matches"));
/// passed.count(&Diagnostic::new(Severity::Error, Check::Input, "cannot read k8s/app.yaml"));
/// assert_eq!((passed.errors, passed.warnings, passed.input_errors), (1, 1, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Passed {
    /// Errors, input errors included.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Problems reading the input ([`Check::Input`]): the CLI exits with 2.
    pub input_errors: usize,
}

impl Passed {
    /// Counts one problem.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Severity};
    /// let mut passed = tack::validate::Passed::default();
    /// passed.count(&Diagnostic::new(Severity::Error, Check::Schema, "unknown field"));
    /// assert_eq!(passed.errors, 1);
    /// ```
    pub fn count(&mut self, problem: &Diagnostic) {
        match problem.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if problem.check == Check::Input {
            self.input_errors += 1;
        }
    }
}

impl Report {
    /// True when there is no error (warnings allowed).
    ///
    /// ```
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    /// let report = tack::Validator::default().validate_str("service.yaml", service);
    /// assert_eq!(report.warning_count(), 1); // no pod template in the input selects it
    /// assert!(report.is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        !self.has_errors()
    }

    /// True when at least one problem is an error.
    ///
    /// ```
    /// let report = tack::Validator::default().validate_str("bad.yaml", "apiVersion: v1\nkind: Pod\n");
    /// assert!(report.has_errors());
    /// assert!(!tack::validate::Report::default().has_errors());
    /// ```
    pub fn has_errors(&self) -> bool {
        self.passed.errors > 0 || self.problems.iter().any(Diagnostic::is_error)
    }

    /// True when an input could not be read at all (the CLI exits with 2).
    ///
    /// ```
    /// use tack::validate::{Input, Validator};
    /// let report = Validator::default().validate_inputs(vec![Input::Path("no/such/file.yaml".into())]);
    /// assert!(report.has_input_errors());
    /// let invalid = Validator::default().validate_str("bad.yaml", "apiVersion: v1\nkind: Pod\n");
    /// assert!(invalid.has_errors() && !invalid.has_input_errors()); // read, but wrong
    /// ```
    pub fn has_input_errors(&self) -> bool {
        self.passed.input_errors > 0 || self.problems.iter().any(|p| p.check == Check::Input)
    }

    /// Number of errors.
    ///
    /// ```
    /// let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ML}\n";
    /// let report = tack::Validator::default().validate_str("ns.yaml", namespace);
    /// assert_eq!(report.error_count(), 1); // not a valid name
    /// ```
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    ///
    /// ```
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    /// let report = tack::Validator::default().validate_str("service.yaml", service);
    /// assert_eq!((report.error_count(), report.warning_count()), (0, 1));
    /// ```
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        let passed = match severity {
            Severity::Error => self.passed.errors,
            Severity::Warning => self.passed.warnings,
        };
        passed
            + self
                .problems
                .iter()
                .filter(|p| p.severity == severity)
                .count()
    }

    /// The errors only.
    ///
    /// ```
    /// let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ML}\n";
    /// let report = tack::Validator::default().validate_str("ns.yaml", namespace);
    /// let errors: Vec<&str> = report.errors().map(|e| e.path.as_str()).collect();
    /// assert_eq!(errors, ["/metadata/name"]);
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems.iter().filter(|p| p.is_error())
    }

    /// The objects whose kind had no schema.
    ///
    /// ```
    /// let monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n";
    /// let report = tack::Validator::default().validate_str("monitor.yaml", monitor);
    /// let skipped: Vec<&str> = report.skipped().map(|c| c.object.as_str()).collect();
    /// assert_eq!(skipped, ["ServiceMonitor/web"]);
    /// ```
    pub fn skipped(&self) -> impl Iterator<Item = &CheckedObject> {
        self.checked.iter().filter(|c| c.skipped.is_some())
    }

    /// The distinct `apiVersion/kind`s that were skipped, sorted.
    ///
    /// ```
    /// let monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n";
    /// let report = tack::Validator::default().validate_str("monitor.yaml", monitor);
    /// assert_eq!(report.skipped_kinds(), ["monitoring.coreos.com/v1/ServiceMonitor"]);
    /// ```
    pub fn skipped_kinds(&self) -> Vec<String> {
        self.skipped_counts()
            .into_iter()
            .map(|(kind, _)| kind)
            .collect()
    }

    fn skipped_counts(&self) -> Vec<(String, usize)> {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for kind in self.skipped().filter_map(|c| c.skipped.as_ref()) {
            *kinds.entry(kind.clone()).or_default() += 1;
        }
        kinds.into_iter().collect()
    }

    /// The totals for a report writer.
    ///
    /// ```
    /// let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    /// let summary = tack::Validator::default().validate_str("config.yaml", config).summary(true);
    /// assert_eq!((summary.documents, summary.objects, summary.totals_only), (1, 1, true));
    /// ```
    pub fn summary(&self, totals_only: bool) -> Summary {
        Summary {
            documents: self.documents,
            objects: self.objects,
            skipped_kinds: self.skipped_counts(),
            checked: self.checked.clone(),
            totals_only,
            cel_skipped: self.cel_skipped,
        }
    }

    /// Appends another report of the same run (its locations point into the same sources).
    ///
    /// ```
    /// use tack::Validator;
    /// let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    /// let mut report = Validator::default().validate_str("config.yaml", config);
    /// report.merge(Validator::default().validate_str("config.yaml", config));
    /// assert_eq!(report.objects, 2);
    /// ```
    pub fn merge(&mut self, other: Report) {
        self.problems.extend(other.problems);
        self.documents += other.documents;
        self.objects += other.objects;
        self.checked.extend(other.checked);
        self.cel_skipped += other.cel_skipped;
        self.passed.errors += other.passed.errors;
        self.passed.warnings += other.passed.warnings;
        self.passed.input_errors += other.passed.input_errors;
    }

    /// The problems as [`crate::diagnostic::Diagnostics`], with the sources they point into.
    ///
    /// ```
    /// let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ML}\n";
    /// let report = tack::Validator::default().validate_str("ns.yaml", namespace);
    /// let text = report.diagnostics().to_string();
    /// assert!(text.starts_with("ns.yaml:3:"), "{text}");
    /// ```
    pub fn diagnostics(&self) -> crate::diagnostic::Diagnostics {
        crate::diagnostic::Diagnostics::new(self.problems.clone(), self.sources.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(severity: Severity, check: Check) -> Diagnostic {
        Diagnostic::new(severity, check, "expected an integer, found a string")
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
