//! Charts: a folder with `Chart.yaml` (what the chart is) and `values.yaml` (its defaults).

mod meta;

pub use meta::ChartMeta;

use crate::source::SourceMap;
use crate::values::{self, Problem};
use std::path::{Path, PathBuf};

/// A chart folder, loaded.
///
/// ```
/// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
/// assert_eq!(chart.meta().name, "model-serving");
/// # Ok::<(), tack::chart::ChartError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Chart {
    dir: PathBuf,
    meta: ChartMeta,
}

/// Why a chart could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The folder does not exist.
    #[error("chart folder {} does not exist", .0.display())]
    NotFound(PathBuf),
    /// The path is a file, not a folder.
    #[error("{} is not a chart folder: a chart is a folder holding Chart.yaml and values.yaml", .0.display())]
    NotAFolder(PathBuf),
    /// A file every chart needs is missing.
    #[error("{} is missing: every chart folder needs Chart.yaml and values.yaml", .0.display())]
    MissingFile(PathBuf),
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `Chart.yaml` has mistakes.
    #[error("{}", describe(problems, sources))]
    Invalid {
        /// The mistakes.
        problems: Vec<Problem>,
        /// The text of `Chart.yaml`, to show the lines.
        sources: SourceMap,
    },
}

fn describe(problems: &[Problem], sources: &SourceMap) -> String {
    let mut text = String::from("invalid Chart.yaml");
    for problem in problems {
        text.push_str("\n  ");
        text.push_str(&problem.describe(sources));
    }
    text
}

impl Chart {
    /// Loads `Chart.yaml` from a chart folder and checks that `values.yaml` is there.
    pub fn load(dir: &Path) -> Result<Chart, ChartError> {
        if !dir.exists() {
            return Err(ChartError::NotFound(dir.to_path_buf()));
        }
        if !dir.is_dir() {
            return Err(ChartError::NotAFolder(dir.to_path_buf()));
        }
        let chart_file = dir.join("Chart.yaml");
        if !chart_file.is_file() {
            return Err(ChartError::MissingFile(chart_file));
        }
        if !dir.join("values.yaml").is_file() {
            return Err(ChartError::MissingFile(dir.join("values.yaml")));
        }
        let text = std::fs::read_to_string(&chart_file).map_err(|source| ChartError::Read {
            path: chart_file.clone(),
            source,
        })?;
        let meta = meta::parse(&chart_file.display().to_string(), &text)?;
        Ok(Chart {
            dir: dir.to_path_buf(),
            meta,
        })
    }

    /// The chart folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What `Chart.yaml` says.
    pub fn meta(&self) -> &ChartMeta {
        &self.meta
    }

    /// The chart's `values.yaml`.
    pub fn values_file(&self) -> PathBuf {
        self.dir.join("values.yaml")
    }

    /// Starts a values loader with the chart's defaults.
    pub fn values(&self) -> Result<values::ValuesLoader, values::ValuesError> {
        let mut loader = values::ValuesLoader::new();
        loader.add_file(&self.values_file())?;
        Ok(loader)
    }
}
