//! Linting: render and check every chart with every value file that targets it.
//!
//! A chart is rendered with its `values.yaml` alone, with each file of its `values/` folder,
//! and with each release of the releases file (`tack.yaml`) that uses it. Rendering runs
//! every check tack has (values, templates, Kubernetes schemas, cross-object checks).

use crate::pipeline::{Error, RenderRequest, Rendered, Renderer};
use crate::releases::Releases;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One combination to lint: a chart and the values layered over its defaults.
///
/// ```
/// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
/// let targets = tack::lint::targets("charts/model-serving".as_ref(), Some(&releases));
/// let label = "values/canary.yaml (release ml-canary/mnist-canary)";
/// let canary = targets.iter().find(|t| t.label == label).unwrap();
/// assert_eq!(canary.request.namespace.as_deref(), Some("ml-canary"));
/// assert_eq!(canary.chart, std::path::Path::new("charts/model-serving"));
/// # Ok::<(), tack::releases::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Target {
    /// The chart folder.
    pub chart: PathBuf,
    /// What the values are, for the summary: `values.yaml`, `values/canary.yaml`,
    /// `release ml/mnist`.
    pub label: String,
    /// The render request.
    pub request: RenderRequest,
}

/// The outcome of one target.
///
/// ```
/// use tack::lint::{run, targets};
/// let outcomes = run(targets("charts/model-serving".as_ref(), None), &tack::Renderer::default());
/// let outcome = &outcomes[0];
/// assert_eq!(outcome.target.label, "values.yaml");
/// assert!(outcome.result.as_ref().is_ok_and(|rendered| rendered.report.is_valid()));
/// ```
#[derive(Debug)]
pub struct Outcome {
    /// The target.
    pub target: Target,
    /// The render, or why it failed.
    pub result: Result<Rendered, Error>,
}

/// Finds the chart folders that `paths` belong to: a chart folder itself, or any file or
/// folder inside one (as pre-commit passes changed files), or a value file or releases file
/// that targets charts through `releases`. Sorted, without duplicates.
///
/// ```
/// use std::path::PathBuf;
/// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
/// let changed = [
///     PathBuf::from("charts/model-serving/values.yaml"), // inside a chart
///     PathBuf::from("values/mnist-pipeline/prod.yaml"),  // used by a release
/// ];
/// let charts = tack::lint::charts_for(&changed, Some(&releases));
/// assert_eq!(charts, [PathBuf::from("charts/mnist-pipeline"), PathBuf::from("charts/model-serving")]);
/// # Ok::<(), tack::releases::Error>(())
/// ```
pub fn charts_for(paths: &[PathBuf], releases: Option<&Releases>) -> Vec<PathBuf> {
    let mut charts = BTreeSet::new();
    for path in paths {
        if let Some(chart) = enclosing_chart(path) {
            charts.insert(chart);
            continue;
        }
        let Some(releases) = releases else { continue };
        let canonical = path.canonicalize().ok();
        let is_releases_file =
            canonical.is_some() && canonical == releases.path().canonicalize().ok();
        for index in 0..releases.entries().len() {
            let Some(request) = releases.request(index) else {
                continue;
            };
            let uses = is_releases_file
                || request
                    .value_files
                    .iter()
                    .any(|f| canonical.is_some() && f.canonicalize().ok() == canonical);
            if uses {
                charts.insert(normalize(&request.chart));
            }
        }
    }
    charts.into_iter().collect()
}

/// True when `path` exists and resolves (through symlinks) inside `folder`.
fn resolves_inside(path: &Path, folder: &Path) -> bool {
    match (path.canonicalize(), folder.canonicalize()) {
        (Ok(real), Ok(folder)) => real.starts_with(folder),
        _ => false,
    }
}

/// The chart folder holding `path` (itself included), if any.
fn enclosing_chart(path: &Path) -> Option<PathBuf> {
    let mut current = Some(path);
    while let Some(dir) = current {
        if dir.join("Chart.yaml").is_file() {
            return Some(normalize(dir));
        }
        current = dir.parent().filter(|p| !p.as_os_str().is_empty());
    }
    None
}

fn normalize(path: &Path) -> PathBuf {
    path.components().collect()
}

/// The lint targets of one chart, in a fixed order.
///
/// ```
/// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
/// let targets = tack::lint::targets("charts/mnist-pipeline".as_ref(), Some(&releases));
/// let labels: Vec<&str> = targets.iter().map(|t| t.label.as_str()).collect();
/// assert_eq!(labels[0], "values.yaml"); // the chart's defaults alone come first
/// assert!(labels.contains(&"values/mnist-pipeline/prod.yaml (release ml/mnist-pipeline)"));
/// # Ok::<(), tack::releases::Error>(())
/// ```
pub fn targets(chart: &Path, releases: Option<&Releases>) -> Vec<Target> {
    let base = RenderRequest::new(chart);
    let mut targets = vec![Target {
        chart: chart.to_path_buf(),
        label: "values.yaml".to_string(),
        request: base.clone(),
    }];
    let mut files: Vec<PathBuf> = std::fs::read_dir(chart.join("values"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for file in files {
        let label = file
            .strip_prefix(chart)
            .unwrap_or(&file)
            .display()
            .to_string();
        targets.push(Target {
            chart: chart.to_path_buf(),
            label,
            request: RenderRequest {
                value_files: vec![file],
                ..base.clone()
            },
        });
    }
    if let Some(releases) = releases {
        let canonical = chart.canonicalize().ok();
        for (index, entry) in releases.entries().iter().enumerate() {
            let Some(request) = releases.request(index) else {
                continue;
            };
            if canonical.is_some() && request.chart.canonicalize().ok() == canonical {
                let files = if entry.values.is_empty() {
                    "values.yaml".to_string()
                } else {
                    entry.values.join(" + ")
                };
                targets.push(Target {
                    chart: chart.to_path_buf(),
                    label: format!("{files} (release {})", entry.id()),
                    request,
                });
            }
        }
    }
    targets
}

/// Renders every target with `renderer` on all cores (each chart is loaded once); outcomes
/// come back in target order. A file of a chart's `values/` folder that resolves outside
/// the chart (a symlink) is refused, not read: anyone can commit one.
///
/// ```
/// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
/// let targets = tack::lint::targets("charts/model-serving".as_ref(), Some(&releases));
/// let count = targets.len();
/// let outcomes = tack::lint::run(targets, &tack::Renderer::default());
/// assert_eq!(outcomes.len(), count);
/// assert!(outcomes.iter().all(|outcome| outcome.result.is_ok()));
/// # Ok::<(), tack::releases::Error>(())
/// ```
pub fn run(targets: Vec<Target>, renderer: &Renderer) -> Vec<Outcome> {
    let results = crate::parallel::map_in_order(&targets, |target| {
        let own_values = target.chart.join("values");
        for file in &target.request.value_files {
            if file.starts_with(&own_values) && !resolves_inside(file, &target.chart) {
                return Err(Error::Chart(crate::chart::Error::Refused {
                    path: file.clone(),
                    reason: "it resolves outside the chart folder (a symlink?); value files in a chart's values/ folder must live in the chart".into(),
                }));
            }
        }
        // The chart's values schema is checked against its meta-schema here, not at
        // every render (see `Chart::check_values_schema`).
        if let Ok(chart) = renderer.chart(&target.chart) {
            chart.check_values_schema().map_err(Error::Chart)?;
        }
        renderer.render(&target.request)
    });
    targets
        .into_iter()
        .zip(results)
        .map(|(target, result)| Outcome { target, result })
        .collect()
}
