//! The render pipeline behind `tack render`: chart, layered values, release, objects, and
//! validation of the whole set before anything is printed.

use crate::chart::Chart;
use crate::chart::templates::ReleaseInfo;
use crate::error::Error;
use crate::manifest::Manifests;
use crate::source::SourceMap;
use crate::validate::{KubeVersion, Report, Validator};
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
    // Schema setup runs on another thread while the values are read.
    crate::validate::warm_up();
    let chart = Chart::load(&request.chart)?;
    let validator = Validator::default().kube_version(request.kube_version.unwrap_or_default());
    render_with_chart(&chart, request, &validator)
}

/// [`render`] with the chart loaded and the validator built (to render many releases, sharing
/// both). The validator's Kubernetes version should be the request's.
pub fn render_with_chart(
    chart: &Chart,
    request: &RenderRequest,
    validator: &Validator,
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
    let mut validator = validator.clone().complete(true).values_hints(true);
    for name in &loaded.app.external_secrets {
        validator = validator.external(format!("Secret/{name}"));
    }
    for name in &loaded.app.external_config_maps {
        validator = validator.external(format!("ConfigMap/{name}"));
    }
    let report = manifests.validate(&validator)?;
    Ok(Rendered {
        manifests,
        warnings: loaded.warnings,
        sources: loaded.sources,
        report,
    })
}
