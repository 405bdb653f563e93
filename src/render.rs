//! The render pipeline behind `tack render`: chart, layered values, release, objects.

use crate::chart::Chart;
use crate::chart::templates::ReleaseInfo;
use crate::error::Error;
use crate::manifest::Manifests;
use crate::source::SourceMap;
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
}

/// The result of a render.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The objects, in install order.
    pub manifests: Manifests,
    /// Things worth telling the user that are not errors.
    pub warnings: Vec<String>,
    /// The texts read, for messages.
    pub sources: SourceMap,
}

/// Loads the chart and values, renders the release.
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
/// # Ok::<(), tack::Error>(())
/// ```
pub fn render(request: &RenderRequest) -> Result<Rendered, Error> {
    let chart = Chart::load(&request.chart)?;
    render_with_chart(&chart, request)
}

/// [`render`] with the chart already loaded (to render many releases of one chart).
pub fn render_with_chart(chart: &Chart, request: &RenderRequest) -> Result<Rendered, Error> {
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
    let manifests = chart.render(&loaded, &release)?;
    Ok(Rendered {
        manifests,
        warnings: loaded.warnings,
        sources: loaded.sources,
    })
}
