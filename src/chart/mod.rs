//! Charts: a folder with `Chart.yaml` (what the chart is), `values.yaml` (its defaults), an
//! optional `values.schema.json` (the schema of its `extra` values) and optional
//! `templates/`. A loaded [`Chart`] is data: it is read and checked once, and every release
//! of it is rendered by the [pipeline](crate::pipeline).
//!
//! ```
//! let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
//! assert_eq!(chart.meta().name, "model-serving");
//! assert!(chart.templates().is_empty());
//! # Ok::<(), tack::chart::Error>(())
//! ```

mod crds;
mod meta;
pub mod templates;

pub use crds::CrdDocument;
pub use meta::{ChartMeta, Maintainer};
pub use templates::{TemplateError, Templates};

use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::input::InputError;
use crate::kube_version::KubeVersion;
use crate::source::SourceMap;
use crate::values::{self, FieldPath, LoadedValues, ValuesLoader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest `Chart.yaml` and `values.schema.json` read.
const MAX_CHART_FILE_BYTES: u64 = 1024 * 1024;

/// A chart folder, loaded: what `Chart.yaml` says, its default values (parsed once), the
/// schema of its `extra` values (compiled once) and its templates (compiled once).
///
/// ```
/// let chart = tack::chart::Chart::load("charts/mnist-pipeline".as_ref())?;
/// assert_eq!(chart.meta().app_version.as_deref(), Some("1.0.0"));
/// assert!(!chart.templates().is_empty());
/// assert!(chart.extra_schema().is_some());
/// # Ok::<(), tack::chart::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Chart {
    dir: PathBuf,
    meta: ChartMeta,
    defaults: ValuesLoader,
    templates: Templates,
    crds: Vec<CrdDocument>,
    extra_schema: Option<ExtraSchema>,
}

/// Why a chart could not be loaded, or does not fit the target.
///
/// ```
/// use tack::chart::{Chart, Error};
/// assert!(matches!(Chart::load("no/such/chart".as_ref()), Err(Error::NotFound(_))));
/// assert!(matches!(Chart::load("Cargo.toml".as_ref()), Err(Error::NotAFolder(_))));
/// assert!(matches!(Chart::load("values".as_ref()), Err(Error::MissingFile(_)))); // no Chart.yaml
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The folder does not exist.
    #[error("chart folder {} does not exist", .0.display())]
    NotFound(PathBuf),
    /// The path is a file, not a folder.
    #[error("{} is not a chart folder: a chart is a folder holding Chart.yaml and values.yaml", .0.display())]
    NotAFolder(PathBuf),
    /// A file every chart needs is missing.
    #[error("{} is missing: every chart folder needs Chart.yaml and values.yaml", .0.display())]
    MissingFile(PathBuf),
    /// A file of the chart could not be read.
    #[error("{0}")]
    Read(#[source] InputError),
    /// A file was refused: it leads outside the chart folder, or is too large.
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
    /// The chart does not support the Kubernetes version rendered for.
    #[error("chart {chart} needs Kubernetes {range} (Chart.yaml kubeVersion), not {target}")]
    KubeVersion {
        /// The chart's name.
        chart: String,
        /// Its `kubeVersion`.
        range: String,
        /// The version rendered for.
        target: KubeVersion,
    },
    /// `Chart.yaml` has mistakes.
    #[error("invalid Chart.yaml:\n{0}")]
    Invalid(Diagnostics),
    /// The chart's `values.yaml` has mistakes or cannot be read.
    #[error(transparent)]
    Defaults(values::Error),
    /// A template does not compile.
    #[error(transparent)]
    Templates(#[from] TemplateError),
    /// A file of `crds/` that does not hold CustomResourceDefinitions.
    #[error("{}:{line}: {message}", path.display())]
    BadCrd {
        /// The file.
        path: PathBuf,
        /// The line.
        line: u32,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The error as diagnostics, for printing.
    ///
    /// ```
    /// let error = tack::chart::Chart::load("no/such/chart".as_ref()).unwrap_err();
    /// let all = error.diagnostics();
    /// assert!(all.items[0].message.contains("does not exist"));
    /// assert!(all.items[0].help.is_some());
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Invalid(diagnostics) => diagnostics.clone(),
            Error::Defaults(error) => error.diagnostics(),
            Error::Templates(TemplateError(diagnostics)) => diagnostics.clone(),
            Error::NotFound(_) | Error::NotAFolder(_) => single(
                Diagnostic::error(Check::Input, self.to_string()).help(
                    "pass the folder that holds Chart.yaml, e.g. `tack render charts/model-serving`",
                ),
            ),
            Error::MissingFile(_) | Error::Read(_) => {
                single(Diagnostic::error(Check::Input, self.to_string()))
            }
            Error::KubeVersion { .. } => single(
                Diagnostic::error(Check::Chart, self.to_string())
                    .help("render for a version the chart supports with --kube-version"),
            ),
            Error::Refused { .. } | Error::BadSchema { .. } => {
                single(Diagnostic::error(Check::Chart, self.to_string()))
            }
            Error::BadCrd { .. } => single(
                Diagnostic::error(Check::Chart, self.to_string()).help(
                    "crds/ is for CustomResourceDefinitions (installed first, never templated); put other objects under templates/",
                ),
            ),
        }
    }

    /// True for mistakes in the chart (exit 1); false when it cannot be found or read
    /// (exit 2).
    ///
    /// ```
    /// let error = tack::chart::Chart::load("no/such/chart".as_ref()).unwrap_err();
    /// assert!(!error.is_invalid_input());
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::NotFound(_) | Error::NotAFolder(_) | Error::MissingFile(_) | Error::Read(_) => {
                false
            }
            Error::Defaults(error) => error.is_invalid_input(),
            _ => true,
        }
    }
}

fn single(diagnostic: Diagnostic) -> Diagnostics {
    Diagnostics::new(vec![diagnostic], SourceMap::new())
}

/// The chart's `values.schema.json`, compiled once when the chart is loaded.
#[derive(Clone)]
struct ExtraSchema {
    schema: serde_json::Value,
    validator: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for ExtraSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraSchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl Chart {
    /// Loads a chart folder: reads and checks `Chart.yaml`, parses `values.yaml`, compiles
    /// `values.schema.json` and the templates. Files that resolve outside the folder
    /// (through symlinks) are refused.
    ///
    /// # Errors
    /// A missing or unreadable file, a mistake in one of them, a template that does not
    /// compile.
    ///
    /// ```
    /// use tack::chart::Chart;
    /// let chart = Chart::load("charts/model-serving".as_ref())?;
    /// assert_eq!(chart.meta().kube_version.as_deref(), Some(">=1.29.0"));
    /// let error = Chart::load("values".as_ref()).unwrap_err();
    /// assert!(error.to_string().starts_with("values/Chart.yaml is missing"));
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn load(dir: &Path) -> Result<Chart, Error> {
        if !dir.exists() {
            return Err(Error::NotFound(dir.to_path_buf()));
        }
        if !dir.is_dir() {
            return Err(Error::NotAFolder(dir.to_path_buf()));
        }
        let root = dir.canonicalize().map_err(|source| {
            Error::Read(InputError::Io {
                path: dir.to_path_buf(),
                source,
            })
        })?;
        let chart_file = dir.join("Chart.yaml");
        let values_file = dir.join("values.yaml");
        for required in [&chart_file, &values_file] {
            if std::fs::symlink_metadata(required).is_err() {
                return Err(Error::MissingFile(required.clone()));
            }
            inside(&root, required)?;
        }
        let text = read_text(&chart_file)?;
        let meta = meta::parse(&chart_file.display().to_string(), &text)?;
        let mut defaults = ValuesLoader::new();
        defaults.add_file(&values_file).map_err(Error::Defaults)?;
        let templates = Templates::load(dir, &root)?;
        let crds = crds::load(dir, &root)?;
        let schema_file = dir.join("values.schema.json");
        let extra_schema = if std::fs::symlink_metadata(&schema_file).is_ok() {
            inside(&root, &schema_file)?;
            let text = read_text(&schema_file)?;
            let bad = |message: String| Error::BadSchema {
                path: schema_file.clone(),
                message,
            };
            let schema: serde_json::Value =
                serde_json::from_str(&text).map_err(|err| bad(err.to_string()))?;
            let validator = crate::validate::compile_values_schema(&schema).map_err(bad)?;
            Some(ExtraSchema {
                schema,
                validator: Arc::new(validator),
            })
        } else {
            None
        };
        Ok(Chart {
            dir: dir.to_path_buf(),
            meta,
            defaults,
            templates,
            extra_schema,
            crds,
        })
    }

    /// The CustomResourceDefinitions of its `crds/` folder (never templated), which render
    /// first and define the kinds of the chart's custom resources.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// assert!(chart.crds().is_empty());
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn crds(&self) -> &[CrdDocument] {
        &self.crds
    }

    /// The chart folder.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// assert_eq!(chart.dir(), std::path::Path::new("charts/model-serving"));
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What `Chart.yaml` says.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// let meta = chart.meta();
    /// assert_eq!((meta.name.as_str(), meta.version.as_str()), ("model-serving", "0.1.0"));
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn meta(&self) -> &ChartMeta {
        &self.meta
    }

    /// The chart's `values.yaml`.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// assert_eq!(chart.values_file(), std::path::Path::new("charts/model-serving/values.yaml"));
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn values_file(&self) -> PathBuf {
        self.dir.join("values.yaml")
    }

    /// A values loader holding the chart's defaults, ready for value files and `--set`
    /// flags on top.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// let values = chart.defaults().finish(chart.meta().app_version.as_deref())?;
    /// assert_eq!(values.app.name, "mnist");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn defaults(&self) -> ValuesLoader {
        self.defaults.clone()
    }

    /// The chart's templates.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/mnist-pipeline".as_ref())?;
    /// let names: Vec<&str> = chart.templates().files().iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, ["_labels.yaml", "_security.yaml", "configmap.yaml", "cronjob.yaml", "job.yaml", "pdb.yaml", "pvc.yaml"]);
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The JSON Schema of the `extra` values, from the chart's `values.schema.json`.
    ///
    /// ```
    /// use tack::chart::Chart;
    /// let pipeline = Chart::load("charts/mnist-pipeline".as_ref())?;
    /// assert_eq!(pipeline.extra_schema().unwrap()["required"][0], "storage");
    /// assert!(Chart::load("charts/model-serving".as_ref())?.extra_schema().is_none());
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn extra_schema(&self) -> Option<&serde_json::Value> {
        self.extra_schema.as_ref().map(|extra| &extra.schema)
    }

    /// Checks the chart's `values.schema.json` against its draft's meta-schema. A render
    /// only compiles the schema (a valid one compiles; most mistakes of form do not, but a
    /// misspelt keyword is silently ignored); `tack lint` runs this once per chart.
    ///
    /// # Errors
    /// The schema is not a valid JSON Schema of its draft.
    ///
    /// ```
    /// use tack::chart::Chart;
    /// Chart::load("charts/mnist-pipeline".as_ref())?.check_values_schema()?;
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn check_values_schema(&self) -> Result<(), Error> {
        match self
            .extra_schema
            .as_ref()
            .and_then(|extra| crate::validate::meta_problem(&extra.schema))
        {
            Some(message) => Err(Error::BadSchema {
                path: self.dir.join("values.schema.json"),
                message,
            }),
            None => Ok(()),
        }
    }

    /// Checks the chart's `kubeVersion` range against `target`.
    ///
    /// # Errors
    /// The chart does not support `target`.
    ///
    /// ```
    /// let chart = tack::chart::Chart::load("charts/model-serving".as_ref())?;
    /// assert!(chart.check_kube_version(tack::KubeVersion::LATEST).is_ok());
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn check_kube_version(&self, target: KubeVersion) -> Result<(), Error> {
        let Some(range) = &self.meta.kube_version else {
            return Ok(());
        };
        // The range's syntax was checked when Chart.yaml was loaded.
        match target.satisfies(range) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(Error::KubeVersion {
                chart: self.meta.name.clone(),
                range: range.clone(),
                target,
            }),
        }
    }

    /// The mistakes in `extra` according to the chart's `values.schema.json`, at the file
    /// and line that set each value.
    ///
    /// ```
    /// use tack::values::{SetFlag, SetKind};
    /// let chart = tack::chart::Chart::load("charts/mnist-pipeline".as_ref())?;
    /// let mut values = chart.defaults();
    /// values.apply_set(&SetFlag::new(SetKind::Typed, "extra.training.epochs=0"), ".".as_ref())?;
    /// let loaded = values.finish(chart.meta().app_version.as_deref())?;
    /// let problems = chart.check_extra(&loaded);
    /// assert_eq!(problems[0].path, "extra.training.epochs"); // the schema's minimum is 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_extra(&self, loaded: &LoadedValues) -> Vec<Diagnostic> {
        let Some(extra_schema) = &self.extra_schema else {
            return Vec::new();
        };
        let extra = serde_json::Value::Object(loaded.app.extra.clone());
        extra_schema
            .validator
            .iter_errors(&extra)
            .map(|error| {
                let mut path = FieldPath::root().key("extra");
                for segment in crate::yaml::lines::pointer_segments(error.instance_path().as_str())
                {
                    path = match segment.parse::<usize>() {
                        Ok(index) => path.index(index),
                        Err(_) => path.key(segment),
                    };
                }
                // An unknown key is reported where the key was written (the file or flag
                // that added it), not at the mapping, which the chart's defaults may hold.
                let (path, prefer_key) = match error.kind() {
                    jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                        match unexpected.first() {
                            Some(key) => (path.key(key.as_str()), true),
                            None => (path, false),
                        }
                    }
                    _ => (path, false),
                };
                let location = loaded.tree.locate(&path, prefer_key);
                let message = crate::diagnostic::shorten(&error.to_string(), 300).into_owned();
                values::problem(location, &path, message)
                    .help("the chart's values.schema.json describes the `extra` values")
            })
            .collect()
    }
}

/// Refuses a chart file that resolves outside the chart folder `root` (canonical).
fn inside(root: &Path, path: &Path) -> Result<(), Error> {
    let real = path.canonicalize().map_err(|source| {
        Error::Read(InputError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    if real.starts_with(root) {
        Ok(())
    } else {
        Err(Error::Refused {
            path: path.to_path_buf(),
            reason: "it resolves outside the chart folder (a symlink?); chart files must live in the chart".to_string(),
        })
    }
}

/// Reads a small chart file as text.
fn read_text(path: &Path) -> Result<String, Error> {
    let bytes =
        crate::input::read_limited(path, MAX_CHART_FILE_BYTES).map_err(|error| match error {
            InputError::TooLarge { .. } => Error::Refused {
                path: path.to_path_buf(),
                reason: format!(
                    "it is larger than {}, the most tack reads from a chart file",
                    crate::input::human_bytes(MAX_CHART_FILE_BYTES)
                ),
            },
            other => Error::Read(other),
        })?;
    String::from_utf8(bytes).map_err(|_| Error::Refused {
        path: path.to_path_buf(),
        reason: "it is not UTF-8 text".to_string(),
    })
}
