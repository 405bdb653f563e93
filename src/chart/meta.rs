//! `Chart.yaml`: what a chart is. The keys are Helm's, so charts carried over keep working;
//! unknown keys are errors with a "did you mean".

use super::Error;
use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::source::{Location, SourceMap};
use crate::values::{FieldPath, NodeValue, from_tree, parse_yaml, problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The content of `Chart.yaml`.
///
/// ```
/// let chart = tack::chart::Chart::load("charts/mnist-pipeline".as_ref())?;
/// let meta = chart.meta();
/// assert_eq!(meta.name, "mnist-pipeline");
/// assert_eq!(meta.kube_version.as_deref(), Some(">=1.29.0"));
/// assert!(meta.maintainers.is_empty() && !meta.deprecated);
/// # Ok::<(), tack::chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChartMeta {
    /// `v2` for charts written for Helm 3; accepted and ignored.
    pub api_version: Option<String>,
    /// Chart name.
    pub name: String,
    /// Chart version (SemVer 2), e.g. `0.1.0`.
    pub version: String,
    /// Version of the app the chart deploys; the default image tag.
    pub app_version: Option<String>,
    /// One line about the chart.
    pub description: Option<String>,
    /// Kubernetes versions the chart supports, e.g. `>=1.29.0`.
    pub kube_version: Option<String>,
    /// `application` or `library` (Helm's); accepted and ignored.
    #[serde(rename = "type")]
    pub chart_type: Option<String>,
    /// Search keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Project home page.
    pub home: Option<String>,
    /// Source code addresses.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Maintainers.
    #[serde(default)]
    pub maintainers: Vec<Maintainer>,
    /// Icon address.
    pub icon: Option<String>,
    /// Marks the chart as deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A chart maintainer.
///
/// ```
/// use serde_json::{from_value, json};
/// use tack::chart::Maintainer;
/// let maintainer: Maintainer = from_value(json!({"name": "ML platform", "email": "ml@example.com"}))?;
/// assert_eq!((maintainer.email.as_deref(), maintainer.url), (Some("ml@example.com"), None));
/// assert!(from_value::<Maintainer>(json!({"name": "ML platform", "mail": "ml@example.com"})).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintainer {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Web address.
    pub url: Option<String>,
}

impl ChartMeta {
    /// Parses and checks the text of a `Chart.yaml`; `name` is how messages refer to it.
    ///
    /// # Errors
    /// Every mistake, as [`Error::Invalid`].
    ///
    /// ```
    /// use tack::chart::ChartMeta;
    /// let meta = ChartMeta::parse("Chart.yaml", "name: demo\nversion: 0.1.0\n")?;
    /// assert_eq!(meta.name, "demo");
    /// assert!(ChartMeta::parse("Chart.yaml", "name: demo\nversoin: 0.1.0\n").is_err());
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn parse(name: &str, text: &str) -> Result<ChartMeta, Error> {
        parse(name, text)
    }
}

/// Parses and checks `Chart.yaml`.
pub(super) fn parse(name: &str, text: &str) -> Result<ChartMeta, Error> {
    let mut sources = SourceMap::new();
    let invalid = |mut problems: Vec<Diagnostic>, sources: &SourceMap| {
        for problem in &mut problems {
            problem.check = Check::Chart;
        }
        Error::Invalid(Diagnostics::new(problems, sources.clone()))
    };
    let tree = match parse_yaml(&mut sources, name, text) {
        Ok(tree) => tree,
        Err(problem) => return Err(invalid(vec![problem], &sources)),
    };
    if matches!(&tree.value, NodeValue::Map(e) if e.is_empty()) {
        let at = Location {
            source: crate::source::SourceId(0),
            line: 1,
            column: 1,
        };
        let problem = problem(at, &FieldPath::root(), "Chart.yaml is empty")
            .help("it needs at least `name` and `version`, e.g. `name: model-serving` and `version: 0.1.0`");
        return Err(invalid(vec![problem], &sources));
    }
    let typed = from_tree::<ChartMeta>(&tree);
    let mut problems = typed.problems;
    if let (Some(meta), true) = (&typed.value, problems.is_empty()) {
        if !crate::names::is_dns1123_label(&meta.name) {
            problems.push(
                problem(
                    tree.locate(&FieldPath::parse("name"), false),
                    &FieldPath::parse("name"),
                    format!("`{}` is not a valid chart name", meta.name),
                )
                .help("use lowercase letters, digits and `-`"),
            );
        }
        if let Some(range) = &meta.kube_version
            && let Err(message) = crate::kube_version::kube_version_satisfies(range, 0)
        {
            problems.push(
                problem(
                    tree.locate(&FieldPath::parse("kubeVersion"), false),
                    &FieldPath::parse("kubeVersion"),
                    format!("kubeVersion is not a version range: {message}"),
                )
                .help("write it like `>=1.29.0` or `>= 1.27, < 1.36`"),
            );
        }
        if !is_semver(&meta.version) {
            problems.push(
                problem(
                    tree.locate(&FieldPath::parse("version"), false),
                    &FieldPath::parse("version"),
                    format!("`{}` is not a SemVer version", meta.version),
                )
                .help("write it as MAJOR.MINOR.PATCH, e.g. `0.1.0`"),
            );
        }
    }
    match typed.value {
        Some(meta) if problems.is_empty() => Ok(meta),
        _ => Err(invalid(problems, &sources)),
    }
}

/// True for a SemVer 2 version: `MAJOR.MINOR.PATCH` with optional `-pre` and `+build`.
fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver() {
        assert!(is_semver("0.1.0"));
        assert!(is_semver("1.2.3-rc.1+build.5"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("v1.2.3"));
    }

    #[test]
    fn reads_helm_chart_yaml() {
        let meta = parse(
            "Chart.yaml",
            "apiVersion: v2\nname: model-serving\nversion: 0.1.0\nappVersion: \"1.9.1\"\ntype: application\n",
        )
        .unwrap();
        assert_eq!(meta.app_version.as_deref(), Some("1.9.1"));
    }

    #[test]
    fn mistakes_are_reported() {
        let err = parse("Chart.yaml", "name: model-serving\nversoin: 0.1.0\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(
                "Chart.yaml:2:1: error[chart] versoin: unknown key `versoin` (help: did you mean `version`?)"
            ),
            "{text}"
        );
        let empty = parse("Chart.yaml", "").unwrap_err().to_string();
        assert!(empty.contains("Chart.yaml is empty"), "{empty}");
    }
}
