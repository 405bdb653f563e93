//! The render pipeline behind `tack render`: chart, layered values, release, objects, and
//! validation of the whole set before anything is printed.

use crate::chart::Chart;
use crate::chart::templates::ReleaseInfo;
use crate::error::Error;
use crate::manifest::Manifests;
use crate::source::SourceMap;
use crate::validate::{Checks, KubeVersion, Report, Validator};
use crate::values::SetFlag;
use std::path::PathBuf;

/// Everything one render needs, as plain data (what the command line parsed).
#[derive(Debug, Clone, Default)]
pub struct RenderRequest {
    /// The chart folder.
    pub chart: PathBuf,
    /// Value files, merged over the chart's `values.yaml` in order.
    pub value_files: Vec<PathBuf>,
    /// `--set`-family flags, applied after the files in order.
    pub sets: Vec<SetFlag>,
    /// Release name (default: the app's name).
    pub release: Option<String>,
    /// Namespace of every object (default: none, so `kubectl` uses its current one).
    pub namespace: Option<String>,
    /// Folder that relative `--set-file` paths start from.
    pub cwd: PathBuf,
    /// The Kubernetes version to render and validate for (default: the newest supported).
    pub kube_version: Option<KubeVersion>,
}

/// The result of a render.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The objects, in install order, all valid.
    pub manifests: Manifests,
    /// Things worth telling the user that are not errors.
    pub warnings: Vec<String>,
    /// The texts read, for messages.
    pub sources: SourceMap,
    /// What validation found: no errors, maybe warnings and kinds skipped (custom resources).
    pub report: Report,
}

/// Loads the chart and values, renders the release and validates it.
///
/// ```
/// use tack::RenderRequest;
/// let request = RenderRequest {
///     chart: "charts/model-serving".into(),
///     value_files: vec!["values/canary.yaml".into()],
///     ..RenderRequest::default()
/// };
/// let rendered = tack::render(&request)?;
/// assert!(rendered.manifests.iter().any(|m| m.name() == "mnist-canary"));
/// assert!(rendered.report.is_valid());
/// # Ok::<(), tack::Error>(())
/// ```
pub fn render(request: &RenderRequest) -> Result<Rendered, Error> {
    let chart = Chart::load(&request.chart)?;
    let validators = RenderValidators::new(request.kube_version.unwrap_or_default());
    render_with_chart(&chart, request, &validators)
}

/// The validation of rendered releases, built once and shared by every release of a run.
///
/// Every object gets the removed-API, API-server rule and cross-object checks, as one
/// complete release. The JSON Schema check runs on the objects templates wrote; objects tack
/// builds from k8s-openapi types have the schema's structure by construction (the types and
/// the schemas come from the same OpenAPI document, and the golden tests check every typed
/// object of the examples against the full schemas), so compiling their schemas on every run
/// would cost about 2 ms of a 3 ms render for nothing.
#[derive(Debug, Clone)]
pub struct RenderValidators {
    checks: Validator,
    schema: Validator,
}

impl RenderValidators {
    /// Validators for Kubernetes `version`.
    pub fn new(version: KubeVersion) -> Self {
        let base = Validator::default()
            .kube_version(version)
            .complete(true)
            .values_hints(true);
        RenderValidators {
            checks: base.clone().checks(Checks {
                schema: false,
                ..Checks::all()
            }),
            schema: base.checks(Checks::schema_only()),
        }
    }

    /// Validates a rendered release; `externals` are `Kind/name` of objects the values
    /// declare as created elsewhere. Errors make [`Error::Invalid`].
    pub fn validate(&self, manifests: &Manifests, externals: &[String]) -> Result<Report, Error> {
        let mut checks = self.checks.clone();
        for external in externals {
            checks = checks.external(external.clone());
        }
        let all: Vec<_> = manifests.iter().map(|m| m.document()).collect();
        let mut report = checks.validate_objects(&all);
        let templated: Vec<_> = manifests
            .iter()
            .filter(|m| !m.is_typed())
            .map(|m| m.document())
            .collect();
        if !templated.is_empty() {
            let schema_report = self.schema.validate_objects(&templated);
            report.problems.extend(schema_report.problems);
            report.skipped.extend(schema_report.skipped);
        }
        if report.has_errors() {
            Err(Error::Invalid { report })
        } else {
            Ok(report)
        }
    }
}

/// [`render`] with the chart loaded and the validators built (to render many releases,
/// sharing both). The validators' Kubernetes version should be the request's.
pub fn render_with_chart(
    chart: &Chart,
    request: &RenderRequest,
    validators: &RenderValidators,
) -> Result<Rendered, Error> {
    let kube_version = request.kube_version.unwrap_or_default();
    chart.check_kube_version(kube_version.minor)?;
    let mut loader = chart.values()?;
    for file in &request.value_files {
        loader.add_file(file)?;
    }
    for flag in &request.sets {
        loader.apply_set(flag, &request.cwd)?;
    }
    let loaded = chart.finish_values(loader)?;
    let release = ReleaseInfo {
        name: request
            .release
            .clone()
            .unwrap_or_else(|| loaded.app.name.clone()),
        namespace: request.namespace.clone(),
        revision: 1,
    };
    let manifests = chart.render_for(&loaded, &release, &format!("{kube_version}.0"))?;
    let externals: Vec<String> = loaded
        .app
        .external_secrets
        .iter()
        .map(|name| format!("Secret/{name}"))
        .chain(
            loaded
                .app
                .external_config_maps
                .iter()
                .map(|name| format!("ConfigMap/{name}")),
        )
        .collect();
    let report = validators.validate(&manifests, &externals)?;
    Ok(Rendered {
        manifests,
        warnings: loaded.warnings,
        sources: loaded.sources,
        report,
    })
}
