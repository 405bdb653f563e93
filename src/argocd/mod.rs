//! tack as an Argo CD config management plugin (CMP v2): `generate` renders the app's
//! source folder (a chart, or a folder with a `tack.yaml`) as the repo-server asks,
//! `parameters` announces the parameters the UI shows, and `discover` says whether a folder
//! is a tack source.
//!
//! Argo CD runs each command in the app's source folder inside a copy of the repository,
//! with the app's settings in the environment ([`ArgoEnv`]). Nothing here reads outside that
//! repository: value files are confined to it, whatever a parameter says.

mod params;

pub use params::NAMES;
use params::Parameters;

use crate::KubeVersion;
use crate::diagnostic::Diagnostics;
use crate::manifest::Manifests;
use crate::pipeline::{self, RenderRequest, Renderer};
use crate::releases::Releases;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Why a plugin command failed.
///
/// ```
/// use tack::argocd::{ArgoEnv, Error, generate};
/// let env = ArgoEnv::from_pairs([("ARGOCD_APP_PARAMETERS", r#"[{"name":"valuesFiles","array":[]}]"#)]);
/// let error = generate(&env, "charts/model-serving".as_ref()).unwrap_err();
/// assert!(matches!(error, Error::Parameters(_)));
/// assert!(error.to_string().starts_with("unknown parameter `valuesFiles`"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The parameters are not Argo CD's format, or name something tack does not read.
    #[error("{0}")]
    Parameters(String),
    /// An environment variable holds something unusable.
    #[error("{name}={value:?}: {reason}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value (never a secret: these are versions and paths).
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The source folder cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The source folder is neither a chart nor a folder with a `tack.yaml`.
    #[error("{} is not a tack source: it has neither a tack.yaml nor a Chart.yaml (point the Application's `source.path` at a chart folder or a folder with a tack.yaml)", .0.display())]
    NotASource(PathBuf),
    /// A value file is outside the repository, or missing.
    #[error("value file {given:?}: {reason}")]
    ValueFile {
        /// As the parameter gave it.
        given: String,
        /// What is wrong.
        reason: String,
    },
    /// The releases file is unusable.
    #[error(transparent)]
    Releases(#[from] crate::releases::Error),
    /// A release did not render; the problems say why.
    #[error("release `{release}` did not render")]
    Render {
        /// The release.
        release: String,
        /// What went wrong.
        #[source]
        error: Box<pipeline::Error>,
    },
    /// Everything rendered, and it is nothing: printing an empty stream would make Argo CD
    /// prune every object of the app.
    #[error(
        "the source rendered no objects; tack prints nothing and fails, since an empty output makes Argo CD (with prune) delete every resource of the app"
    )]
    Empty,
}

impl Error {
    /// The problems behind the error, for the CLI to print (empty when the message says
    /// it all).
    ///
    /// ```
    /// assert!(tack::argocd::Error::Empty.diagnostics().items.is_empty());
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Render { error, .. } => error.diagnostics(),
            Error::Releases(error) => error.diagnostics(),
            _ => Diagnostics::default(),
        }
    }
}

/// The environment a plugin command runs in: the variables Argo CD sets that tack reads.
///
/// ```
/// use tack::argocd::ArgoEnv;
/// let env = ArgoEnv::from_pairs([("ARGOCD_APP_NAME", "mnist"), ("HOME", "/home/argocd")]);
/// assert_eq!(env.get("ARGOCD_APP_NAME"), Some("mnist"));
/// assert_eq!(env.get("HOME"), None); // only Argo CD's variables are kept
/// ```
#[derive(Debug, Clone, Default)]
pub struct ArgoEnv {
    vars: BTreeMap<String, String>,
}

impl ArgoEnv {
    /// Whether tack reads a variable of this name.
    fn wanted(name: &str) -> bool {
        name.starts_with("ARGOCD_")
            || name.starts_with("PARAM_")
            || name == "KUBE_VERSION"
            || name == "KUBE_API_VERSIONS"
    }

    /// This process's environment (variables that are not UTF-8 are left out).
    ///
    /// ```
    /// let env = tack::argocd::ArgoEnv::from_process();
    /// assert_eq!(env.get("PATH"), None);
    /// ```
    pub fn from_process() -> ArgoEnv {
        ArgoEnv::from_pairs(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// An environment from pairs, for tests and tools.
    ///
    /// ```
    /// let env = tack::argocd::ArgoEnv::from_pairs([("KUBE_VERSION", "1.33")]);
    /// assert_eq!(env.get("KUBE_VERSION"), Some("1.33"));
    /// ```
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> ArgoEnv {
        let vars = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _)| ArgoEnv::wanted(k))
            .collect();
        ArgoEnv { vars }
    }

    /// A variable, when set and not empty.
    ///
    /// ```
    /// let env = tack::argocd::ArgoEnv::from_pairs([("ARGOCD_APP_NAMESPACE", "")]);
    /// assert_eq!(env.get("ARGOCD_APP_NAMESPACE"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The Kubernetes version to render for: `ARGOCD_ENV_TACK_KUBE_VERSION` (set in the
    /// Application to pin it), else the cluster's `KUBE_VERSION`, else tack's newest. A
    /// cluster newer than tack knows is rendered for tack's newest, with a warning.
    fn kube_version(&self, warnings: &mut Vec<String>) -> Result<KubeVersion, Error> {
        let (name, value) = match (
            self.get("ARGOCD_ENV_TACK_KUBE_VERSION"),
            self.get("KUBE_VERSION"),
        ) {
            (Some(pinned), _) => ("ARGOCD_ENV_TACK_KUBE_VERSION", pinned),
            (None, Some(cluster)) => ("KUBE_VERSION", cluster),
            (None, None) => return Ok(KubeVersion::LATEST),
        };
        match value.parse::<KubeVersion>() {
            Ok(version) => Ok(version),
            Err(crate::kube_version::KubeVersionError::TooNew(_)) if name == "KUBE_VERSION" => {
                warnings.push(format!(
                    "the cluster runs Kubernetes {value}, newer than tack knows; rendering and validating for {} (pin one with the Application env TACK_KUBE_VERSION)",
                    KubeVersion::LATEST
                ));
                Ok(KubeVersion::LATEST)
            }
            Err(error) => Err(Error::Env {
                name,
                value: crate::diagnostic::shorten(value, 80).into_owned(),
                reason: error.to_string(),
            }),
        }
    }

    /// `KUBE_API_VERSIONS`: the cluster's API versions, comma-separated.
    fn api_versions(&self) -> Vec<String> {
        self.get("KUBE_API_VERSIONS")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What a source folder holds.
///
/// ```
/// use tack::argocd::{SourceKind, source_kind};
/// assert_eq!(source_kind("charts/model-serving".as_ref()), Some(SourceKind::Chart));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A `tack.yaml`: its releases are rendered.
    Releases,
    /// A tack chart (`Chart.yaml` without Helm's `templates/*.tpl`).
    Chart,
}

/// What `dir` holds, if it is a tack source: a `tack.yaml` wins over a `Chart.yaml`. A
/// chart with `.tpl` files in `templates/` is Helm's (its `_helpers.tpl`), left to Argo
/// CD's Helm support.
///
/// ```
/// use tack::argocd::{SourceKind, source_kind};
/// assert_eq!(source_kind(".".as_ref()), Some(SourceKind::Releases));
/// assert_eq!(source_kind("charts/mnist-pipeline".as_ref()), Some(SourceKind::Chart));
/// assert_eq!(source_kind("tests/fixtures/helm-create/fraud-detector".as_ref()), None);
/// assert_eq!(source_kind("src".as_ref()), None);
/// ```
pub fn source_kind(dir: &Path) -> Option<SourceKind> {
    if dir.join("tack.yaml").is_file() {
        return Some(SourceKind::Releases);
    }
    if !dir.join("Chart.yaml").is_file() {
        return None;
    }
    let helm = std::fs::read_dir(dir.join("templates"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "tpl"))
        })
        .unwrap_or(false);
    (!helm).then_some(SourceKind::Chart)
}

/// The repository's root: the working directory without `ARGOCD_APP_SOURCE_PATH` at its
/// end (Argo CD runs commands in `<repository copy>/<source path>`).
fn repository_root(cwd: &Path, env: &ArgoEnv) -> Result<PathBuf, Error> {
    let Some(source) = env.get("ARGOCD_APP_SOURCE_PATH") else {
        return Ok(cwd.to_path_buf());
    };
    let bad = |reason: &str| Error::Env {
        name: "ARGOCD_APP_SOURCE_PATH",
        value: crate::diagnostic::shorten(source, 200).into_owned(),
        reason: reason.to_string(),
    };
    let mut root = cwd.to_path_buf();
    let parts: Vec<Component> = Path::new(source)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    for part in parts.iter().rev() {
        let Component::Normal(name) = part else {
            return Err(bad(
                "the source path must be relative and stay inside the repository",
            ));
        };
        if root.file_name() != Some(name) {
            return Err(bad(
                "the working directory does not end with it; run the command in the app's source folder",
            ));
        }
        root.pop();
    }
    Ok(root)
}

/// A value file given by a parameter: relative to the source folder `cwd` (`absolute` is it
/// canonical), inside the repository (`root`, canonical).
fn value_file(cwd: &Path, absolute: &Path, root: &Path, given: &str) -> Result<PathBuf, Error> {
    let bad = |reason: String| Error::ValueFile {
        given: crate::diagnostic::shorten(given, 200).into_owned(),
        reason,
    };
    if Path::new(given).is_absolute() {
        return Err(bad(
            "value files are relative to the source path, as Argo CD's Helm `valueFiles` are"
                .into(),
        ));
    }
    let outside =
        || bad("it is outside the repository; value files must be in the app's repository".into());
    if !crate::input::lexically_inside(root, absolute, Path::new(given)) {
        return Err(outside());
    }
    let path = cwd.join(given);
    let real = path
        .canonicalize()
        .map_err(|e| bad(format!("cannot be read: {e}")))?;
    if !real.starts_with(root) {
        return Err(outside());
    }
    Ok(path)
}

/// What `generate` made: the objects and the warnings.
///
/// ```
/// let env = tack::argocd::ArgoEnv::from_pairs([("ARGOCD_APP_NAME", "mnist")]);
/// let generated = tack::argocd::generate(&env, "charts/model-serving".as_ref())?;
/// assert!(generated.manifests.iter().any(|m| m.kind() == "Deployment"));
/// assert!(generated.warning_lines().is_empty());
/// # Ok::<(), tack::argocd::Error>(())
/// ```
#[derive(Debug)]
pub struct Generated {
    /// Every object, in install order per release, releases in file order.
    pub manifests: Manifests,
    /// Warnings of the renders and of the environment.
    pub warnings: Vec<String>,
    /// Warnings of the renders, as diagnostics.
    pub diagnostics: Vec<Diagnostics>,
}

impl Generated {
    /// Every warning as one line (newlines and control characters escaped), for YAML
    /// comments: the environment's, then each release's diagnostics.
    ///
    /// ```
    /// let generated = tack::argocd::Generated { manifests: Default::default(), warnings: vec!["a\nb".into()], diagnostics: vec![] };
    /// assert_eq!(generated.warning_lines(), ["a b"]);
    /// ```
    pub fn warning_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.warnings.clone();
        for diagnostics in &self.diagnostics {
            for item in &diagnostics.items {
                lines.push(item.describe(&diagnostics.sources));
            }
        }
        lines
            .iter()
            .map(|line| {
                crate::diagnostic::escape_controls(
                    &line.split_whitespace().collect::<Vec<_>>().join(" "),
                )
                .into_owned()
            })
            .collect()
    }
}

/// `tack argocd generate`: renders the source folder `cwd` as the repo-server asks.
///
/// # Errors
/// Bad parameters or environment, a source that is not tack's, a value file outside the
/// repository, a release that does not render, or no objects at all.
///
/// ```
/// use tack::argocd::{ArgoEnv, generate};
/// let env = ArgoEnv::from_pairs([
///     ("ARGOCD_APP_NAME", "mnist-canary"),
///     ("ARGOCD_APP_NAMESPACE", "ml"),
///     ("ARGOCD_APP_SOURCE_PATH", "charts/model-serving"),
///     ("ARGOCD_APP_PARAMETERS", r#"[{"name":"valueFiles","array":["../../values/canary.yaml"]},{"name":"canaryWeight","string":"30"}]"#),
/// ]);
/// let generated = generate(&env, "charts/model-serving".as_ref())?;
/// let canary = generated.manifests.iter().find(|m| m.name() == "mnist-canary").unwrap();
/// assert_eq!(canary.namespace(), Some("ml"));
/// # Ok::<(), tack::argocd::Error>(())
/// ```
pub fn generate(env: &ArgoEnv, cwd: &Path) -> Result<Generated, Error> {
    let parameters = Parameters::from_env(&env.vars)?;
    let mut warnings = Vec::new();
    let kube_version = env.kube_version(&mut warnings)?;
    let absolute = cwd.canonicalize().map_err(|source| Error::Read {
        path: cwd.to_path_buf(),
        source,
    })?;
    // Canonical, as the working directory it is cut from.
    let root = repository_root(&absolute, env)?;
    let kind = source_kind(cwd).ok_or_else(|| Error::NotASource(cwd.to_path_buf()))?;
    let value_files = parameters
        .value_files
        .iter()
        .map(|given| value_file(cwd, &absolute, &root, given))
        .collect::<Result<Vec<_>, _>>()?;
    let sets = parameters.set_flags();
    let api_versions = env.api_versions();
    let namespace = env.get("ARGOCD_APP_NAMESPACE").map(str::to_string);
    let requests: Vec<(String, RenderRequest)> = match kind {
        SourceKind::Chart => {
            if parameters.only.is_some() {
                return Err(Error::Parameters(
                    "parameter `only` picks a release of a tack.yaml; this source is a chart"
                        .into(),
                ));
            }
            let release = parameters
                .release
                .clone()
                .or_else(|| env.get("ARGOCD_APP_NAME").map(str::to_string));
            let request = RenderRequest {
                chart: cwd.to_path_buf(),
                value_files,
                sets,
                release: release.clone(),
                namespace,
                cwd: cwd.to_path_buf(),
                api_versions,
            };
            vec![(
                release.unwrap_or_else(|| "(the app's name)".into()),
                request,
            )]
        }
        SourceKind::Releases => {
            if parameters.release.is_some() {
                return Err(Error::Parameters("parameter `release` names a chart's release; for a tack.yaml, pick one of its releases with `only`".into()));
            }
            let releases = Releases::load(&cwd.join("tack.yaml"))?;
            let selected = releases.select(parameters.only.as_deref())?;
            selected
                .into_iter()
                .filter_map(|index| {
                    let mut request = releases.request(index)?;
                    request.value_files.extend(value_files.iter().cloned());
                    request.sets.extend(sets.iter().cloned());
                    request.api_versions.clone_from(&api_versions);
                    if request.namespace.is_none() {
                        request.namespace.clone_from(&namespace);
                    }
                    Some((releases.entries()[index].id(), request))
                })
                .collect()
        }
    };
    let renderer = Renderer::new(kube_version);
    let mut manifests = Manifests::default();
    let mut diagnostics = Vec::new();
    for (release, request) in requests {
        let rendered = renderer.render(&request).map_err(|error| Error::Render {
            release,
            error: Box::new(error),
        })?;
        let mut notes = rendered.warnings.clone();
        notes.append(rendered.report.diagnostics());
        diagnostics.push(notes);
        manifests.append(rendered.manifests);
    }
    if manifests.is_empty() {
        return Err(Error::Empty);
    }
    Ok(Generated {
        manifests,
        warnings,
        diagnostics,
    })
}

/// `tack argocd parameters`: the parameter announcement Argo CD's UI shows, as JSON. The
/// defaults shown are what the source renders with when a parameter is not set (Argo CD
/// does not send announced defaults); the value files found are listed in the tooltip.
///
/// ```
/// let env = tack::argocd::ArgoEnv::from_pairs([("ARGOCD_APP_NAME", "mnist")]);
/// let announced = tack::argocd::announce(&env, "charts/model-serving".as_ref());
/// let names: Vec<&str> = announced.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
/// assert_eq!(names, tack::argocd::NAMES);
/// assert_eq!(announced[5]["string"], "rollingUpdate"); // the chart's default strategy
/// ```
pub fn announce(env: &ArgoEnv, cwd: &Path) -> serde_json::Value {
    use serde_json::json;
    let defaults = chart_defaults(cwd);
    let default = |pointer: &str| {
        defaults
            .pointer(pointer)
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    let found = value_files_found(cwd, env);
    let releases: Vec<String> = Releases::load(&cwd.join("tack.yaml"))
        .map(|r| {
            r.entries()
                .iter()
                .map(crate::releases::ReleaseEntry::id)
                .collect()
        })
        .unwrap_or_default();
    let array = |name: &str, title: &str, tooltip: String| json!({"name": name, "title": title, "tooltip": tooltip, "collectionType": "array", "array": []});
    let string = |name: &str, title: &str, tooltip: &str, value: String| json!({"name": name, "title": title, "tooltip": tooltip, "string": value});
    json!([
        array(
            "valueFiles",
            "Value files",
            if found.is_empty() {
                "Value files merged over the chart's values.yaml, in order; relative to the source path, inside the repository".to_string()
            } else {
                format!(
                    "Value files merged over the chart's values.yaml, in order; relative to the source path. Found: {}",
                    found.join(", ")
                )
            }
        ),
        array(
            "set",
            "--set",
            "PATH=VALUE pairs, typed as Helm's --set types them (e.g. replicas=4)".to_string()
        ),
        array(
            "setString",
            "--set-string",
            "PATH=VALUE pairs, always text (e.g. image.tag=010)".to_string()
        ),
        string(
            "release",
            "Release name",
            "Names the release (app.kubernetes.io/instance); default: the Application's name",
            env.get("ARGOCD_APP_NAME").unwrap_or_default().to_string()
        ),
        string(
            "only",
            "Only this release",
            &format!(
                "One release of tack.yaml (default: all){}",
                if releases.is_empty() {
                    String::new()
                } else {
                    format!(": {}", releases.join(", "))
                }
            ),
            String::new()
        ),
        string(
            "strategy",
            "Strategy",
            "rollingUpdate, recreate, blueGreen, canary or routing",
            default("/strategy/type")
        ),
        string(
            "canaryWeight",
            "Canary weight",
            "Percent of pods or requests on the canary (0-100); raise it to promote",
            default("/strategy/canary/weight")
        ),
        string(
            "activeColour",
            "Active colour",
            "blue or green: which colour the Service sends traffic to",
            default("/strategy/blueGreen/active")
        ),
        string(
            "imageTag",
            "Image tag",
            "image.tag (default: the chart's appVersion)",
            default("/image/tag")
        ),
    ])
}

/// The chart's `values.yaml` as JSON (nothing when there is none or it is not YAML).
fn chart_defaults(cwd: &Path) -> serde_json::Value {
    let Ok(bytes) = crate::input::read_limited(
        &cwd.join("values.yaml"),
        crate::values::MAX_VALUES_FILE_BYTES,
    ) else {
        return serde_json::Value::Null;
    };
    let text = String::from_utf8_lossy(&bytes);
    crate::yaml::read_tree(
        crate::source::SourceId(0),
        &text,
        &crate::yaml::Limits::VALUES,
    )
    .map(|tree| tree.to_json())
    .unwrap_or(serde_json::Value::Null)
}

/// Value files for the source: those under its `values/`, and those the repository's
/// `tack.yaml` gives releases of this chart; relative to the source folder, sorted.
fn value_files_found(cwd: &Path, env: &ArgoEnv) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(cwd.join("values"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x == "yaml" || x == "yml")
                        && e.path().is_file()
                })
                .map(|e| format!("values/{}", e.file_name().to_string_lossy()))
                .take(200)
                .collect()
        })
        .unwrap_or_default();
    let here = cwd.canonicalize().ok();
    let releases = here
        .as_deref()
        .and_then(|here| repository_root(here, env).ok())
        .and_then(|root| Releases::load(&root.join("tack.yaml")).ok());
    if let (Some(here), Some(releases)) = (here, releases) {
        let dir = releases
            .path()
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        for entry in releases.entries() {
            if dir.join(&entry.chart).canonicalize().ok().as_ref() != Some(&here) {
                continue;
            }
            for file in &entry.values {
                if let Ok(real) = dir.join(file).canonicalize() {
                    found.push(
                        crate::scaffold::relative(&here, &real)
                            .display()
                            .to_string(),
                    );
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found.truncate(200);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_working_directory_without_the_source_path() {
        let env = ArgoEnv::from_pairs([("ARGOCD_APP_SOURCE_PATH", "apps/mnist")]);
        assert_eq!(
            repository_root(Path::new("/tmp/repo/apps/mnist"), &env).expect("root"),
            Path::new("/tmp/repo")
        );
        assert!(repository_root(Path::new("/tmp/repo/other"), &env).is_err());
        let escape = ArgoEnv::from_pairs([("ARGOCD_APP_SOURCE_PATH", "../x")]);
        assert!(repository_root(Path::new("/tmp/x"), &escape).is_err());
        let dot = ArgoEnv::from_pairs([("ARGOCD_APP_SOURCE_PATH", ".")]);
        assert_eq!(
            repository_root(Path::new("/tmp/repo"), &dot).expect("root"),
            Path::new("/tmp/repo")
        );
    }

    #[test]
    fn kube_versions_come_from_the_cluster_unless_pinned() {
        let mut warnings = Vec::new();
        let cluster = ArgoEnv::from_pairs([("KUBE_VERSION", "1.33")]);
        assert_eq!(
            cluster.kube_version(&mut warnings).expect("version"),
            KubeVersion::new(33)
        );
        let pinned = ArgoEnv::from_pairs([
            ("KUBE_VERSION", "1.33"),
            ("ARGOCD_ENV_TACK_KUBE_VERSION", "1.31"),
        ]);
        assert_eq!(
            pinned.kube_version(&mut warnings).expect("version"),
            KubeVersion::new(31)
        );
        let newer = ArgoEnv::from_pairs([("KUBE_VERSION", "1.99")]);
        assert_eq!(
            newer.kube_version(&mut warnings).expect("version"),
            KubeVersion::LATEST
        );
        assert_eq!(warnings.len(), 1);
        let bad = ArgoEnv::from_pairs([("KUBE_VERSION", "banana")]);
        assert!(
            bad.kube_version(&mut warnings)
                .expect_err("bad")
                .to_string()
                .starts_with("KUBE_VERSION=\"banana\"")
        );
    }
}
