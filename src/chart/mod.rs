//! Charts: a folder with `Chart.yaml` (what the chart is) and `values.yaml` (its defaults).

mod kube_range;
mod meta;
pub mod templates;

pub use kube_range::kube_version_satisfies;
pub use meta::ChartMeta;

use crate::error::Error;
use crate::manifest::{CLUSTER_SCOPED_KINDS, Manifest, Manifests, Object};
use crate::release::Release;
use crate::source::SourceMap;
use crate::values::{self, App, FieldPath, LoadedValues, Problem, ValuesError};
use std::path::{Path, PathBuf};
use templates::{ReleaseInfo, TemplateContext, Templates};

/// The Kubernetes version templates see as `capabilities.kubeVersion` unless told otherwise:
/// the newest that k8s-openapi (and so tack's schemas) supports.
pub const DEFAULT_KUBE_VERSION: &str = "1.37.0";

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
    templates: Templates,
    extra_schema: Option<ExtraSchema>,
    /// `values.yaml`, parsed on first use and reused by every release of the chart.
    defaults: std::sync::OnceLock<values::ValuesLoader>,
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
    /// The chart does not support the Kubernetes version rendered for.
    #[error("chart {chart} needs Kubernetes {range} (Chart.yaml kubeVersion), not {target}")]
    KubeVersion {
        /// The chart's name.
        chart: String,
        /// Its `kubeVersion`.
        range: String,
        /// The version rendered for.
        target: String,
    },
    /// A file was refused (e.g. a template that is a symlink out of the chart).
    #[error("refused {}: {reason}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The chart's `values.schema.json` is not a usable JSON Schema.
    #[error("{} is not a valid JSON Schema: {message}", path.display())]
    BadSchema {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Templates failed to render or wrote invalid YAML.
    #[error("{}", describe_templates(problems, sources))]
    Template {
        /// The problems, at template positions.
        problems: Vec<Problem>,
        /// The template texts.
        sources: SourceMap,
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

/// The chart's `values.schema.json`, compiled once when the chart is loaded (every release
/// of the chart is checked with it).
#[derive(Clone)]
struct ExtraSchema {
    schema: serde_json::Value,
    validator: std::sync::Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for ExtraSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraSchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// The `values` templates see: every key of the typed model (empty ones too, so templates
/// can test them without `is defined`), and `extra`.
fn template_values(app: &App) -> serde_json::Value {
    serde_json::to_value(app).unwrap_or_default()
}

/// Every secret string of the values, to scrub from messages.
fn secret_strings(app: &App) -> Vec<String> {
    let mut secrets: Vec<String> = app
        .secrets
        .values()
        .filter_map(|s| s.value.clone())
        .collect();
    for tls in app.tls_secrets.values() {
        secrets.extend(tls.cert.clone());
        secrets.extend(tls.key.clone());
    }
    secrets
}

/// Puts a namespaced object without a namespace into `namespace`, as tack's own objects are.
fn set_namespace(object: &mut serde_json::Value, namespace: &str) {
    let kind = object
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if kind.is_empty() || CLUSTER_SCOPED_KINDS.contains(&kind) {
        return;
    }
    if let Some(serde_json::Value::Object(metadata)) = object.get_mut("metadata")
        && !metadata.contains_key("namespace")
    {
        metadata.insert(
            "namespace".to_string(),
            serde_json::Value::String(namespace.to_string()),
        );
    }
}

fn describe_templates(problems: &[Problem], sources: &SourceMap) -> String {
    let mut text = String::from("template errors");
    for problem in problems {
        text.push_str("\n  ");
        text.push_str(&problem.describe(sources));
    }
    text
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
        let templates = Templates::load(dir)?;
        let schema_file = dir.join("values.schema.json");
        let extra_schema = if schema_file.is_file() {
            let text =
                std::fs::read_to_string(&schema_file).map_err(|source| ChartError::Read {
                    path: schema_file.clone(),
                    source,
                })?;
            let schema: serde_json::Value =
                serde_json::from_str(&text).map_err(|err| ChartError::BadSchema {
                    path: schema_file.clone(),
                    message: err.to_string(),
                })?;
            let validator =
                jsonschema::validator_for(&schema).map_err(|err| ChartError::BadSchema {
                    path: schema_file.clone(),
                    message: err.to_string(),
                })?;
            Some(ExtraSchema {
                schema,
                validator: std::sync::Arc::new(validator),
            })
        } else {
            None
        };
        Ok(Chart {
            dir: dir.to_path_buf(),
            meta,
            templates,
            extra_schema,
            defaults: std::sync::OnceLock::new(),
        })
    }

    /// The chart's templates.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The JSON Schema of the `extra` values, from the chart's `values.schema.json`.
    pub fn extra_schema(&self) -> Option<&serde_json::Value> {
        self.extra_schema.as_ref().map(|extra| &extra.schema)
    }

    /// Reads the typed values from a loader holding this chart's defaults and any overlays:
    /// `appVersion` is the default image tag, and `extra` is checked against the chart's
    /// `values.schema.json`.
    pub fn finish_values(&self, loader: values::ValuesLoader) -> Result<LoadedValues, ValuesError> {
        let loaded = loader.finish(self.meta.app_version.as_deref())?;
        let problems = self.check_extra(&loaded);
        if problems.is_empty() {
            Ok(loaded)
        } else {
            Err(ValuesError::Invalid {
                problems,
                sources: loaded.sources,
            })
        }
    }

    fn check_extra(&self, loaded: &LoadedValues) -> Vec<Problem> {
        let Some(extra_schema) = &self.extra_schema else {
            return Vec::new();
        };
        let extra = serde_json::Value::Object(loaded.app.extra.clone());
        extra_schema
            .validator
            .iter_errors(&extra)
            .map(|error| {
                let mut path = FieldPath::root().key("extra");
                for segment in error.instance_path().as_str().split('/').skip(1) {
                    let segment = segment.replace("~1", "/").replace("~0", "~");
                    path = match segment.parse::<usize>() {
                        Ok(index) => path.index(index),
                        Err(_) => path.key(segment),
                    };
                }
                let location = loaded.tree.locate(&path, false);
                Problem::new(location, path, error.to_string())
                    .with_help("the chart's values.schema.json describes the `extra` values")
            })
            .collect()
    }

    /// Checks the chart's `kubeVersion` range against Kubernetes `1.<minor>`.
    pub fn check_kube_version(&self, minor: u32) -> Result<(), ChartError> {
        let Some(range) = &self.meta.kube_version else {
            return Ok(());
        };
        // The range's syntax was checked when Chart.yaml was loaded.
        match kube_version_satisfies(range, minor) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(ChartError::KubeVersion {
                chart: self.meta.name.clone(),
                range: range.clone(),
                target: format!("1.{minor}"),
            }),
        }
    }

    /// Renders the release: the typed strategy objects and the chart's templates, in install
    /// order, with the newest supported Kubernetes version as `capabilities.kubeVersion`.
    ///
    /// ```
    /// use tack::chart::{Chart, templates::ReleaseInfo};
    /// let chart = Chart::load("charts/mnist-pipeline".as_ref())?;
    /// let values = chart.finish_values(chart.values()?)?;
    /// let release = ReleaseInfo { name: "prod".into(), namespace: Some("ml".into()), revision: 1 };
    /// let manifests = chart.render(&values, &release)?;
    /// assert!(manifests.iter().any(|m| m.kind() == "CronJob" && m.namespace() == Some("ml")));
    /// # Ok::<(), tack::Error>(())
    /// ```
    pub fn render(&self, values: &LoadedValues, release: &ReleaseInfo) -> Result<Manifests, Error> {
        self.render_for(values, release, DEFAULT_KUBE_VERSION)
    }

    /// [`Chart::render`] for a given Kubernetes version (`1.33.0`).
    pub fn render_for(
        &self,
        values: &LoadedValues,
        release: &ReleaseInfo,
        kube_version: &str,
    ) -> Result<Manifests, Error> {
        let typed = Release::new(release.name.clone(), values.app.clone())
            .namespace_opt(release.namespace.as_deref())
            .chart(&self.meta.name)
            .render()?;
        let context = TemplateContext {
            values: template_values(&values.app),
            release: release.clone(),
            chart: serde_json::to_value(&self.meta).unwrap_or_default(),
            kube_version: kube_version.to_string(),
            secrets: secret_strings(&values.app),
        };
        let documents = self.templates.render(&context)?;
        let mut manifests = typed;
        let items = documents
            .into_iter()
            .map(|doc| {
                let mut value = doc.value;
                if let Some(namespace) = &release.namespace {
                    set_namespace(&mut value, namespace);
                }
                Manifest::new(
                    format!("{}/templates/{}", self.meta.name, doc.template),
                    Object::Other(value),
                )
            })
            .collect();
        manifests.extend(Manifests::new(items));
        Ok(manifests)
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

    /// Starts a values loader with the chart's defaults (`values.yaml` is read and parsed
    /// once per loaded chart).
    pub fn values(&self) -> Result<values::ValuesLoader, values::ValuesError> {
        if let Some(defaults) = self.defaults.get() {
            return Ok(defaults.clone());
        }
        let mut loader = values::ValuesLoader::new();
        loader.add_file(&self.values_file())?;
        Ok(self.defaults.get_or_init(|| loader).clone())
    }
}
