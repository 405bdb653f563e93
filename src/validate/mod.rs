//! Offline validation of Kubernetes objects: schema, removed APIs, API-server rules and
//! cross-object checks.
//!
//! A [`Validator`] checks objects the way the API server would, without a cluster:
//!
//! 1. **Schema**: each kind's JSON Schema, generated from `k8s-openapi` and repaired
//!    (IntOrString and Quantity typed, int32/int64 bounds, base64 `byte` fields, enums,
//!    `apiVersion`/`kind` pinned), strict by default (unknown fields are errors). Unknown
//!    kinds are custom resources: skipped, or errors with
//!    [`reject_unknown_kinds`](Validator::reject_unknown_kinds); their schemas can be added
//!    with [`schema_dir`](Validator::schema_dir).
//! 2. **Removed APIs**: apiVersions removed (or deprecated) in the target
//!    [`KubeVersion`], with their replacement and what changed ([`REMOVED_APIS`]).
//! 3. **Rules** the API server enforces beyond the schema: names, labels, ports,
//!    restart policies, selectors, container and volume names, requests within limits, no
//!    duplicate objects.
//! 4. **References** across objects: Services select pods and target declared ports,
//!    Ingress backends name a Service port, referenced Secrets and ConfigMaps exist. When the
//!    input is [`complete`](Validator::complete) (a rendered release) these are errors;
//!    otherwise the referent may live elsewhere and they are warnings.
//!
//! ```
//! use serde_json::json;
//! use tack::validate::{Document, Validator};
//!
//! let validator = Validator::default().complete(true);
//! let report = validator.validate_objects(&[Document::new(
//!     json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
//!            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
//!     "web.yaml",
//!     1,
//! )]);
//! assert!(!report.is_valid()); // no pod template carries app=web
//! assert!(report.problems[0].message.contains("matches no pod template"));
//! ```

mod cel;
mod check;
pub(crate) mod crd;
mod cross;
mod document;
mod object;
mod parse;
mod practices;
mod removed;
mod report;
mod rules;
mod schema;

pub(crate) use schema::{compile_values_schema, meta_problem};
mod split;
mod stream;

pub use crate::kube_version::{KubeVersion, KubeVersionError};
pub use document::Document;
pub use removed::{INTRODUCED_APIS, REMOVED_APIS, RemovedApi, introduced_in, removed_api};
pub use report::{Checks, Passed, Report, UnknownCheck};
pub(crate) use schema::definition_problems;

/// Every `(apiVersion, kind)` with a built-in schema in Kubernetes `version`.
pub(crate) fn builtin_kinds(
    version: crate::KubeVersion,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    schema::builtin::table(version).all_kinds()
}

use crate::diagnostic::{CheckedObject, Diagnostic, Severity};
use crate::source::SourceMap;
use check::{Compiled, Lookup};
use cross::{Collected, CrossOptions, Facts};
use object::Object;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// An error that stops validation before it starts.
///
/// ```
/// use tack::validate::{ValidateError, Validator, collect_inputs};
/// let missing = collect_inputs(&["no/such/folder".into()]).unwrap_err();
/// assert!(matches!(missing, ValidateError::Io { .. }));
/// let validator = Validator::default().schema_dir("no/such/schemas");
/// assert!(matches!(validator.check_schema_dirs(), Err(ValidateError::SchemaDir(_))));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// A path given to validate does not exist or cannot be listed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `--schema-dir` that is not a directory.
    #[error("schema directory {0} does not exist or is not a directory")]
    SchemaDir(PathBuf),
    /// A `--crd` file that cannot serve: unreadable, not YAML, not a CRD, or a second CRD
    /// for a kind.
    #[error("{0}")]
    Crd(String),
}

/// Objects that are not valid: the report holds every problem found (errors and warnings).
///
/// ```
/// use tack::validate::{Invalid, Report};
/// let error = Invalid(Report::default());
/// assert!(error.to_string().starts_with("the objects are not valid"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("the objects are not valid: {} error(s)\n{}", .0.error_count(), .0.diagnostics())]
pub struct Invalid(pub Report);

/// One input of [`Validator::validate_inputs`].
///
/// ```
/// use tack::validate::{Input, Validator};
/// let settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
/// let report = Validator::default().validate_inputs(vec![
///     Input::Text { name: "settings.yaml".into(), text: settings.into() },
///     Input::Path("no/such/file.yaml".into()),
/// ]);
/// assert_eq!(report.objects, 1);
/// assert!(report.has_input_errors()); // the missing file; the text was still checked
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file.
    Path(PathBuf),
    /// Standard input, named `<stdin>` in messages.
    Stdin,
    /// Text in memory, with a name for messages.
    Text {
        /// The name.
        name: String,
        /// The text.
        text: String,
    },
}

/// Expands paths into inputs: `-` is standard input, a folder is searched recursively for
/// `*.yaml`, `*.yml` and `*.json` (sorted, hidden entries skipped), a file is itself.
///
/// # Errors
/// A path that does not exist or a folder that cannot be listed.
///
/// ```
/// use tack::validate::{Input, collect_inputs};
/// let inputs = collect_inputs(&["-".into(), "charts/mnist-pipeline".into()])?;
/// assert_eq!(inputs[0], Input::Stdin);
/// assert_eq!(inputs[1], Input::Path("charts/mnist-pipeline/Chart.yaml".into()));
/// assert!(inputs.contains(&Input::Path("charts/mnist-pipeline/templates/job.yaml".into())));
/// # Ok::<(), tack::validate::ValidateError>(())
/// ```
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, ValidateError> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|source| ValidateError::Io {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            walk_dir(path, &mut inputs, &mut crate::walk::Visited::default())?;
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    Ok(inputs)
}

fn walk_dir(
    dir: &Path,
    inputs: &mut Vec<Input>,
    visited: &mut crate::walk::Visited,
) -> Result<(), ValidateError> {
    let io = |source| ValidateError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if !visited.first_visit(&std::fs::metadata(dir).map_err(io)?) {
        // A symlink back to a folder already walked.
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(metadata) = std::fs::metadata(&path) else {
            // A dangling symlink: nothing to read.
            continue;
        };
        if metadata.is_dir() {
            walk_dir(&path, inputs, visited)?;
        } else if metadata.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            inputs.push(Input::Path(path));
        }
    }
    Ok(())
}

/// The options of a [`Validator`].
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub strict: bool,
    pub kube_version: KubeVersion,
    pub complete: bool,
    pub externals: Vec<String>,
    pub checks: Checks,
    pub reject_unknown_kinds: bool,
    pub schema_dirs: Vec<PathBuf>,
    /// Threads for streams; 0: one per core (asked when a stream starts, as the question
    /// costs a few system calls).
    pub threads: usize,
    pub record_objects: bool,
    pub skip_non_objects: bool,
    pub values_hints: bool,
    /// The severity of best-practice problems.
    pub practices: Severity,
    /// The API server's `--service-node-port-range`.
    pub node_ports: NodePortRange,
    /// CustomResourceDefinitions given with `--crd` (or found in the input).
    pub crds: Arc<crd::CrdSet>,
}

/// The range NodePorts are taken from: the API server's `--service-node-port-range`
/// (default `30000-32767`). A Service asking for a port outside it is rejected.
///
/// ```
/// use tack::validate::NodePortRange;
/// let range: NodePortRange = "20000-22767".parse().unwrap();
/// assert!(range.contains(21000) && !range.contains(30000));
/// assert!(NodePortRange::default().contains(30080));
/// assert!("3-2".parse::<NodePortRange>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePortRange {
    first: u16,
    last: u16,
}

impl Default for NodePortRange {
    fn default() -> Self {
        NodePortRange {
            first: 30000,
            last: 32767,
        }
    }
}

impl NodePortRange {
    /// Whether `port` is in the range.
    ///
    /// ```
    /// assert!(!tack::validate::NodePortRange::default().contains(8080));
    /// ```
    pub fn contains(&self, port: i64) -> bool {
        (i64::from(self.first)..=i64::from(self.last)).contains(&port)
    }
}

impl std::fmt::Display for NodePortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl std::str::FromStr for NodePortRange {
    type Err = String;

    /// `FIRST-LAST`, both ports, `FIRST <= LAST`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a port range: write it like 30000-32767");
        let (first, last) = text.split_once('-').ok_or_else(bad)?;
        let first: u16 = first.trim().parse().map_err(|_| bad())?;
        let last: u16 = last.trim().parse().map_err(|_| bad())?;
        if first == 0 || first > last {
            return Err(bad());
        }
        Ok(NodePortRange { first, last })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            strict: true,
            kube_version: KubeVersion::LATEST,
            complete: false,
            externals: Vec::new(),
            checks: Checks::all(),
            reject_unknown_kinds: false,
            schema_dirs: Vec::new(),
            threads: 0,
            record_objects: false,
            skip_non_objects: false,
            values_hints: false,
            practices: Severity::Warning,
            node_ports: NodePortRange::default(),
            crds: Arc::default(),
        }
    }
}

type KindKey = (String, String);

/// The most one `--crd` file may hold (the largest real CRDs, Prometheus' and Argo's, are a
/// few MiB).
const MAX_CRD_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The CRDs of a `--crd` file: every document must be one.
fn read_crds(name: &str, text: &[u8]) -> Result<Vec<crd::Crd>, ValidateError> {
    let mut contents = parse::Contents::default();
    parse::read_text(text, 1, crate::source::SourceId(0), &mut contents);
    if let Some(problem) = contents
        .problems
        .iter()
        .find(|p| p.severity == Severity::Error)
    {
        return Err(ValidateError::Crd(format!(
            "{name}:{}: {}",
            problem.location.line, problem.message
        )));
    }
    contents
        .objects
        .iter()
        .map(|object| {
            crd::Crd::from_value(&object.value, &format!("{name}:{}", object.line()))
                .map_err(ValidateError::Crd)
        })
        .collect()
}

/// Validators compiled from full schemas, shared by every clone of a [`Validator`] and
/// every thread.
#[derive(Default)]
struct Cache {
    kinds: Mutex<HashMap<KindKey, Arc<OnceLock<Lookup>>>>,
    /// Objects validated per kind with cut-down schemas, to decide when a full compile pays.
    cut_down_uses: Mutex<HashMap<KindKey, usize>>,
}

/// After this many objects of one kind have been checked with cut-down schemas, the full
/// schema is compiled once instead (cutting down costs about a quarter of a full compile).
const FULL_COMPILE_AFTER: usize = 16;

/// Validates Kubernetes objects offline. `Default` is strict, targets the newest supported
/// Kubernetes version ([`KubeVersion::LATEST`]) and runs every check.
///
/// Compiled schemas are cached inside: clone a validator (cheap) or share it to reuse them.
/// Changing an option returns a validator with a fresh cache.
///
/// ```
/// use tack::validate::{Checks, KubeVersion, Validator};
/// let validator = Validator::default()
///     .strict(true)
///     .kube_version(KubeVersion::new(33))
///     .complete(true)
///     .external("registry-credentials")
///     .checks(Checks::all());
/// let report = validator.validate_str("ingress.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n");
/// assert!(report.problems.iter().any(|p| p.message.contains("removed in Kubernetes 1.22")));
/// ```
#[derive(Clone, Default)]
pub struct Validator {
    config: Arc<Config>,
    cache: Arc<Cache>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// The default validator.
    ///
    /// ```
    /// let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndatta: {x: y}\n";
    /// let report = tack::Validator::new().validate_str("config.yaml", config);
    /// assert!(!report.is_valid()); // strict by default: `datta` is not a field
    /// ```
    pub fn new() -> Self {
        Validator::default()
    }

    fn with(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self.cache = Arc::default();
        self
    }

    /// Rejects fields the schema does not define (default `true`, like `kubeconform -strict`).
    ///
    /// ```
    /// let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndatta: {x: y}\n";
    /// let report = tack::Validator::default().strict(false).validate_str("config.yaml", config);
    /// assert!(report.is_valid());
    /// ```
    pub fn strict(self, strict: bool) -> Self {
        self.with(|c| c.strict = strict)
    }

    /// The Kubernetes version to check removed and deprecated APIs against.
    ///
    /// ```
    /// use tack::validate::{KubeVersion, Validator};
    /// let pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n";
    /// let old = Validator::default().kube_version(KubeVersion::new(24)).validate_str("pdb.yaml", pdb);
    /// let new = Validator::default().kube_version(KubeVersion::new(25)).validate_str("pdb.yaml", pdb);
    /// assert!(old.is_valid() && old.warning_count() > 0); // deprecated
    /// assert!(!new.is_valid()); // removed in 1.25
    /// ```
    pub fn kube_version(self, version: KubeVersion) -> Self {
        self.with(|c| c.kube_version = version)
    }

    /// Changes an option that compiled schemas do not depend on: the cache is kept, so a
    /// render pipeline can set these per release on one shared validator.
    fn keeping_cache(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Says the input is the whole app, so a reference to something not in it is an error
    /// rather than a warning. The render pipeline sets this.
    ///
    /// ```
    /// use tack::Validator;
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    /// let partial = Validator::default().validate_str("service.yaml", service);
    /// assert!(partial.is_valid() && partial.warning_count() == 1); // the pods may be elsewhere
    /// let whole = Validator::default().complete(true).validate_str("service.yaml", service);
    /// assert!(!whole.is_valid());
    /// ```
    pub fn complete(self, complete: bool) -> Self {
        self.keeping_cache(|c| c.complete = complete)
    }

    /// Reads CustomResourceDefinitions from a file or a folder (its `.yaml`, `.yml` and
    /// `.json` files, as `tack validate` finds them), so custom resources of their kinds are checked
    /// against their schemas, and their scope is known (the `--crd` flag).
    ///
    /// # Errors
    /// A file that cannot be read or parsed, a document that is not a CRD, two CRDs for one
    /// kind.
    ///
    /// ```
    /// use tack::Validator;
    /// let validator = Validator::default().crd("tests/fixtures/crds")?;
    /// let certificate = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\nspec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: letsencrypt}}\n";
    /// assert!(validator.validate_str("certificate.yaml", certificate).is_valid());
    /// let missing = certificate.replace("secretName: web-tls, ", "");
    /// assert!(!validator.validate_str("certificate.yaml", &missing).is_valid());
    /// # Ok::<(), tack::validate::ValidateError>(())
    /// ```
    pub fn crd(self, path: impl AsRef<Path>) -> Result<Self, ValidateError> {
        let path = path.as_ref();
        // Files as `tack validate` finds them: a folder's YAML and JSON files, recursively,
        // each folder entered once however links lead to it.
        let files: Vec<PathBuf> = collect_inputs(&[path.to_path_buf()])?
            .into_iter()
            .map(|input| match input {
                Input::Path(file) => Ok(file),
                _ => Err(ValidateError::Crd(
                    "--crd reads files and folders, not standard input".into(),
                )),
            })
            .collect::<Result<_, _>>()?;
        let mut crds = (*self.config.crds).clone();
        for file in files {
            let text = crate::input::read_limited(&file, MAX_CRD_FILE_BYTES)
                .map_err(|e| ValidateError::Crd(e.to_string()))?;
            let name = file.display().to_string();
            for crd in read_crds(&name, &text)? {
                crds.add(crd).map_err(ValidateError::Crd)?;
            }
        }
        Ok(self.with(|c| c.crds = Arc::new(crds)))
    }

    /// The API server's NodePort range (`--service-node-port-range`); a Service asking for a
    /// NodePort outside it gets a warning.
    ///
    /// ```
    /// use tack::Validator;
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 20080}]}\n";
    /// let default = Validator::default().validate_str("service.yaml", service);
    /// assert!(default.problems.iter().any(|p| p.message.contains("outside the NodePort range 30000-32767")));
    /// let wide = Validator::default().node_port_range("20000-32767".parse().unwrap());
    /// assert!(!wide.validate_str("service.yaml", service).problems.iter().any(|p| p.message.contains("NodePort range")));
    /// ```
    pub fn node_port_range(self, range: NodePortRange) -> Self {
        self.keeping_cache(|c| c.node_ports = range)
    }

    /// Declares an object that exists outside the input (`NAME`, or `Kind/NAME` such as
    /// `Secret/registry-credentials`), so references to it are fine.
    ///
    /// ```
    /// use tack::{App, Release, Validator, values::EnvFrom};
    /// let mut app = App::new("mnist", "mnist:1");
    /// app.env_from.push(EnvFrom { secret: Some("api".into()), config_map: None, prefix: None });
    /// let manifests = Release::new("prod", app).render()?;
    /// let validator = Validator::default().complete(true);
    /// assert!(manifests.validate(&validator).is_err()); // Secret "api" is not in the input
    /// assert!(manifests.validate(&validator.external("Secret/api")).is_ok());
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn external(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.keeping_cache(|c| c.externals.push(name))
    }

    /// Says the input was rendered from chart values, so hints about missing Secrets and
    /// ConfigMaps name the values that declare them (`externalSecrets`,
    /// `externalConfigMaps`) rather than `--external`. The render pipeline sets this.
    ///
    /// ```
    /// use tack::{App, Release, Validator, values::EnvFrom};
    /// let mut app = App::new("mnist", "mnist:1");
    /// app.env_from.push(EnvFrom { secret: Some("api".into()), config_map: None, prefix: None });
    /// let manifests = Release::new("prod", app).render()?;
    /// let validator = Validator::default().complete(true).values_hints(true);
    /// let report = manifests.validate(&validator).unwrap_err().0;
    /// assert!(report.problems[0].help.as_deref().unwrap().contains("externalSecrets"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn values_hints(self, yes: bool) -> Self {
        self.keeping_cache(|c| c.values_hints = yes)
    }

    /// Skips documents that are not Kubernetes objects (not a mapping, or with neither `kind`
    /// nor `metadata`) instead of reporting them, as the pre-commit hook does for every YAML
    /// file of a repository (value files, `Chart.yaml`, CI configs). A document with
    /// `metadata` but no `kind` is still an error: it looks like a broken manifest.
    ///
    /// ```
    /// use tack::Validator;
    /// let values = "name: mnist\nreplicas: 3\n"; // a value file, not an object
    /// assert!(!Validator::default().validate_str("values.yaml", values).is_valid());
    /// let report = Validator::default().skip_non_objects(true).validate_str("values.yaml", values);
    /// assert!(report.is_valid() && report.objects == 0);
    /// ```
    pub fn skip_non_objects(self, skip: bool) -> Self {
        self.keeping_cache(|c| c.skip_non_objects = skip)
    }

    /// Which checks run (reading the input always does).
    ///
    /// ```
    /// use tack::validate::{Checks, Validator};
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    /// let schema_only = Validator::default().complete(true).checks(Checks::schema_only());
    /// assert!(schema_only.validate_str("service.yaml", service).is_valid()); // no reference check
    /// ```
    pub fn checks(self, checks: Checks) -> Self {
        self.with(|c| c.checks = checks)
    }

    /// Turns the best-practice check on, its problems reported as `severity` (see
    /// `practices`: probes, resources, security settings, disruption budgets...).
    ///
    /// ```
    /// use tack::Validator;
    /// use tack::diagnostic::Severity;
    /// let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: web, image: nginx}]}\n";
    /// assert!(Validator::default().validate_str("pod.yaml", pod).problems.is_empty());
    /// let warned = Validator::default().practices(Severity::Warning).validate_str("pod.yaml", pod);
    /// assert!(warned.is_valid() && warned.problems.iter().any(|p| p.message.starts_with("image-tag:")));
    /// let strict = Validator::default().practices(Severity::Error);
    /// assert!(!strict.validate_str("pod.yaml", pod).is_valid());
    /// ```
    pub fn practices(self, severity: Severity) -> Self {
        self.keeping_cache(|c| {
            c.checks.practices = true;
            c.practices = severity;
        })
    }

    /// Makes kinds without a schema errors instead of skipped objects.
    ///
    /// ```
    /// use tack::Validator;
    /// let monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n";
    /// assert!(Validator::default().validate_str("monitor.yaml", monitor).is_valid()); // skipped
    /// let strict = Validator::default().reject_unknown_kinds(true);
    /// assert!(!strict.validate_str("monitor.yaml", monitor).is_valid());
    /// ```
    pub fn reject_unknown_kinds(self, reject: bool) -> Self {
        self.with(|c| c.reject_unknown_kinds = reject)
    }

    /// Adds a folder of JSON Schemas for custom kinds, looked up as
    /// `<group>/<kind>_<version>.json` or `<kind>_<version>.json` (kind in lower case), as
    /// kubeconform does. Folders are searched in the order added, before the built-in schemas.
    ///
    /// ```
    /// use tack::Validator;
    /// let dir = std::env::temp_dir().join(format!("tack-doc-schemas-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("servicemonitor_v1.json"), r#"{"type": "object", "required": ["spec"]}"#)?;
    /// let monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n";
    /// let report = Validator::default().schema_dir(&dir).validate_str("monitor.yaml", monitor);
    /// std::fs::remove_dir_all(&dir)?;
    /// assert!(report.problems.iter().any(|p| p.message.contains("spec")));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn schema_dir(self, dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        self.with(|c| c.schema_dirs.push(dir))
    }

    /// How many threads read and check a stream (default: the number of cores).
    ///
    /// ```
    /// let stream = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
    /// let report = tack::Validator::default().threads(1).validate_reader("<stdin>", stream.as_bytes());
    /// assert_eq!(report.objects, 2);
    /// ```
    pub fn threads(self, threads: usize) -> Self {
        self.with(|c| c.threads = threads.max(1))
    }

    /// Records every object checked in [`Report::checked`] (for JUnit output).
    ///
    /// ```
    /// use tack::Validator;
    /// let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    /// assert!(Validator::default().validate_str("config.yaml", config).checked.is_empty());
    /// let report = Validator::default().record_objects(true).validate_str("config.yaml", config);
    /// assert_eq!(report.checked[0].object, "ConfigMap/settings");
    /// ```
    pub fn record_objects(self, record: bool) -> Self {
        self.with(|c| c.record_objects = record)
    }

    /// Checks that every `schema_dir` is a directory.
    ///
    /// # Errors
    /// The first one that is not.
    ///
    /// ```
    /// use tack::Validator;
    /// assert!(Validator::default().schema_dir("schemas").check_schema_dirs().is_ok());
    /// let error = Validator::default().schema_dir("no/such/schemas").check_schema_dirs().unwrap_err();
    /// assert_eq!(error.to_string(), "schema directory no/such/schemas does not exist or is not a directory");
    /// ```
    pub fn check_schema_dirs(&self) -> Result<(), ValidateError> {
        match self.config.schema_dirs.iter().find(|d| !d.is_dir()) {
            Some(dir) => Err(ValidateError::SchemaDir(dir.clone())),
            None => Ok(()),
        }
    }

    /// The `(group, kind)`s its CRDs declare cluster-scoped.
    pub(crate) fn cluster_scoped_custom_kinds(&self) -> Vec<(String, String)> {
        self.config.crds.cluster_scoped()
    }

    /// This validator with the CRDs of the input added (those given with `--crd` win), or
    /// `None` when the input holds none. A second CRD of the input for one kind is a
    /// problem, reported at it.
    fn with_input_crds(
        &self,
        crds: Vec<crd::Crd>,
        problems: &mut Vec<crate::diagnostic::Diagnostic>,
    ) -> Option<Validator> {
        if crds.is_empty() {
            return None;
        }
        let mut input = crd::CrdSet::default();
        for found in crds {
            let location = found.location;
            if let Err(message) = input.add(found) {
                let mut problem =
                    crate::diagnostic::Diagnostic::error(crate::diagnostic::Check::Schema, message);
                if let Some(location) = location {
                    problem = problem.at(location);
                    problem.document_line = location.line;
                }
                problems.push(problem);
            }
        }
        let merged = self.config.crds.extended(&input);
        Some(self.clone().with(|c| c.crds = Arc::new(merged)))
    }

    /// The cached full-schema validator of a kind, compiling it on first use.
    fn full_lookup(&self, api_version: &str, kind: &str) -> Lookup {
        let cell = {
            let mut kinds = self.cache.kinds.lock().unwrap_or_else(|p| p.into_inner());
            kinds
                .entry((api_version.to_string(), kind.to_string()))
                .or_default()
                .clone()
        };
        cell.get_or_init(|| self.compile(api_version, kind, None))
            .clone()
    }

    fn cached(&self, api_version: &str, kind: &str) -> Option<Lookup> {
        let kinds = self.cache.kinds.lock().unwrap_or_else(|p| p.into_inner());
        kinds
            .get(&(api_version.to_string(), kind.to_string()))
            .and_then(|cell| cell.get().cloned())
    }

    fn compile(&self, api_version: &str, kind: &str, objects: Option<&[&Value]>) -> Lookup {
        let source = match schema::find(
            api_version,
            kind,
            &self.config.schema_dirs,
            self.config.strict,
            &self.config.crds,
            self.config.kube_version,
        ) {
            Ok(Some(source)) => source,
            Ok(None) => return Lookup::NoSchema,
            Err(message) => return Lookup::Failed(message),
        };
        match schema::compile_kind(&source, objects, self.config.strict, api_version, kind) {
            Ok(validator) => Lookup::Found(Arc::new(Compiled { validator, source })),
            Err(message) => Lookup::Failed(message),
        }
    }

    /// Validates objects that are already parsed, such as a rendered release converted to
    /// `serde_json::Value`. Every object is checked, then the cross-object checks run over
    /// the whole slice (missing referents are errors only with
    /// [`complete`](Validator::complete), as for a rendered release).
    ///
    /// For a handful of objects, each kind's schema is compiled cut down to what these
    /// objects use (a cold Deployment validator then costs a fraction of a millisecond);
    /// after a few calls a kind's full validator is compiled once and cached.
    ///
    /// ```
    /// use serde_json::json;
    /// use tack::validate::{Document, Validator};
    /// let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"n": 1}});
    /// let report = Validator::default().validate_objects(&[Document::new(config, "config.yaml", 1)]);
    /// assert_eq!(report.error_count(), 1); // ConfigMap data values are strings
    /// ```
    pub fn validate_objects(&self, documents: &[Document]) -> Report {
        let mut contents = parse::Contents {
            skip_non_objects: self.config.skip_non_objects,
            ..parse::Contents::default()
        };
        let mut sources = SourceMap::new();
        for document in documents {
            contents.documents += 1;
            let source = sources.id_of(&document.source);
            parse::add_document(
                without_nulls(&document.value),
                source,
                document.line,
                document.lines.0.clone(),
                &mut contents,
            );
        }
        let mut problems = contents.problems;
        let input_crds: Vec<crd::Crd> = contents
            .objects
            .iter()
            .filter(|o| crd::is_crd(&o.value))
            .filter_map(|o| {
                let found = crd::Crd::from_value(&o.value, &o.name).ok()?;
                Some(crd::Crd {
                    location: Some(crate::source::Location {
                        source: o.source,
                        line: o.line(),
                        column: 0,
                    }),
                    ..found
                })
            })
            .collect();
        let with_crds = self.with_input_crds(input_crds, &mut problems);
        let this = with_crds.as_ref().unwrap_or(self);
        let lookups = this.prepare(&contents.objects);
        let lookup = |api_version: &str, kind: &str| {
            lookups
                .get(&(api_version.to_string(), kind.to_string()))
                .cloned()
                .unwrap_or_else(|| this.full_lookup(api_version, kind))
        };
        let mut report = Report {
            problems,
            documents: contents.documents,
            sources,
            ..Report::default()
        };
        let mut facts = Collected::default();
        for object in &contents.objects {
            let outcome = check::check_object(&this.config, object, &lookup);
            self.absorb(&mut report, &mut facts, object, outcome);
        }
        self.finish(&mut report, facts.all(), &mut None);
        report
    }

    /// Compiles the validators `objects` need: cached full ones where there are, else cut
    /// down to these objects. The first compilation of a process also builds `jsonschema`'s
    /// meta-schema validator, which happens on a second thread while this one prepares.
    fn prepare<'o>(
        &self,
        objects: impl IntoIterator<Item = &'o Object>,
    ) -> HashMap<KindKey, Lookup> {
        let mut lookups = HashMap::new();
        if !self.config.checks.schema {
            return lookups;
        }
        let mut by_kind: BTreeMap<KindKey, Vec<&Value>> = BTreeMap::new();
        for object in objects {
            let (api_version, kind) = (object.api_version(), object.kind());
            if !api_version.is_empty() && !kind.is_empty() {
                by_kind
                    .entry((api_version.to_string(), kind.to_string()))
                    .or_default()
                    .push(&object.value);
            }
        }
        let mut to_compile = Vec::new();
        for (key, values) in by_kind {
            if let Some(found) = self.cached(&key.0, &key.1) {
                lookups.insert(key, found);
                continue;
            }
            let uses = {
                let mut uses = self
                    .cache
                    .cut_down_uses
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                let count = uses.entry(key.clone()).or_default();
                *count += values.len();
                *count
            };
            if uses > FULL_COMPILE_AFTER {
                let found = self.full_lookup(&key.0, &key.1);
                lookups.insert(key, found);
            } else {
                to_compile.push((key, values));
            }
        }
        if to_compile.is_empty() {
            return lookups;
        }
        // The kind with a pod template is by far the biggest schema: it is prepared and
        // compiled here while a second thread builds the meta-schema validator (once per
        // process) and then compiles the other kinds.
        to_compile.sort_by_key(|(key, _)| rules::pod_template(&key.1).is_none());
        let mut rest = to_compile.split_off(1);
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| {
                WARM.get_or_init(schema::warm_up);
                rest.drain(..)
                    .map(|(key, values)| {
                        let found = self.compile(&key.0, &key.1, Some(&values));
                        (key, found)
                    })
                    .collect::<Vec<_>>()
            });
            for (key, values) in to_compile {
                let found = self.compile(&key.0, &key.1, Some(&values));
                lookups.insert(key, found);
            }
            // A panic in `jsonschema` would be a bug there; the kinds it did not compile
            // then fall back to the cached full validators.
            if let Ok(found) = helper.join() {
                lookups.extend(found);
            }
        });
        lookups
    }

    fn absorb(
        &self,
        report: &mut Report,
        facts: &mut Collected,
        object: &Object,
        outcome: check::Outcome,
    ) {
        report.objects += 1;
        report.cel_skipped += outcome.cel_skipped;
        report.problems.extend(outcome.problems);
        facts.extend(outcome.facts);
        if outcome.skipped.is_some() || self.config.record_objects {
            report.checked.push(CheckedObject {
                source: object.source,
                line: object.line(),
                object: object.name.clone(),
                skipped: outcome.skipped,
            });
        }
    }

    /// Adds the cross-object problems, to `report` or, when there is one, to `sink`.
    fn finish(&self, report: &mut Report, facts: &[Facts], sink: &mut Option<stream::Sink<'_>>) {
        let options = CrossOptions {
            complete: self.config.complete,
            externals: &self.config.externals,
            rules: self.config.checks.rules,
            references: self.config.checks.references,
            practices: self
                .config
                .checks
                .practices
                .then_some(self.config.practices),
            values_hints: self.config.values_hints,
            sources: &report.sources,
        };
        let (kept, passed) = (&mut report.problems, &mut report.passed);
        cross::emit_cross_problems(facts, &options, &mut |problem| match sink {
            Some(sink) => stream::hand_on(sink, passed, problem, options.sources),
            None => kept.push(problem),
        });
    }

    /// Validates text: multi-document YAML, JSON (one value or several), or a `v1/List`.
    ///
    /// ```
    /// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}\n";
    /// let report = tack::Validator::default().validate_str("two.yaml", text);
    /// assert_eq!((report.documents, report.objects), (2, 1));
    /// assert!(report.is_valid());
    /// ```
    pub fn validate_str(&self, name: &str, text: &str) -> Report {
        self.validate_inputs(vec![Input::Text {
            name: name.to_string(),
            text: text.to_string(),
        }])
    }

    /// Validates a stream of text read from `reader`, in bounded memory: documents are cut
    /// apart as they arrive and parsed and checked on every core.
    ///
    /// ```
    /// let stream = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ml}\n";
    /// let report = tack::Validator::default().validate_reader("<stdin>", stream.as_bytes());
    /// assert!(report.is_valid() && report.objects == 1);
    /// ```
    pub fn validate_reader<R: std::io::Read + Send>(&self, name: &str, reader: R) -> Report {
        stream::run(self, vec![stream::Source::reader(name, reader)], None)
    }

    /// Validates files, standard input or text, in order, as one input (duplicates and
    /// references are checked across all of them). A file that cannot be read is reported as
    /// an [`Check::Input`](crate::diagnostic::Check::Input) problem and the others are still checked.
    ///
    /// ```
    /// use tack::validate::{Input, Validator};
    /// let settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    /// let text = |name: &str| Input::Text { name: name.into(), text: settings.into() };
    /// let report = Validator::default().validate_inputs(vec![text("a.yaml"), text("b.yaml")]);
    /// assert!(!report.is_valid()); // the same object twice, across inputs
    /// ```
    pub fn validate_inputs(&self, inputs: Vec<Input>) -> Report {
        stream::run(
            self,
            inputs.into_iter().map(stream::Source::from).collect(),
            None,
        )
    }

    /// Validates like [`validate_inputs`](Validator::validate_inputs), handing each problem
    /// to `sink` as soon as it is found instead of keeping it: a stream of any length is
    /// reported in bounded memory. Problems arrive in input order, with the inputs' names
    /// to print them with; those found across objects (references, duplicates) come last.
    /// The report counts them in [`Report::passed`], so its totals and
    /// [`is_valid`](Report::is_valid) are those of the whole run.
    ///
    /// ```
    /// use tack::validate::{Input, Validator};
    /// let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    /// let mut seen = Vec::new();
    /// let report = Validator::default().validate_inputs_to(
    ///     vec![Input::Text { name: "service.yaml".into(), text: service.into() }],
    ///     &mut |problem, sources| seen.push(format!("{}: {}", sources.name(problem.location.source), problem.message)),
    /// );
    /// assert!(report.problems.is_empty() && report.is_valid());
    /// assert_eq!(report.warning_count(), 1);
    /// assert!(seen[0].starts_with("service.yaml: "), "{seen:?}");
    /// ```
    pub fn validate_inputs_to(
        &self,
        inputs: Vec<Input>,
        sink: &mut dyn FnMut(Diagnostic, &SourceMap),
    ) -> Report {
        let sources = inputs.into_iter().map(stream::Source::from).collect();
        stream::run(self, sources, Some(sink))
    }
}

/// Set once `jsonschema`'s meta-schema validator is built (see [`warm_up`]).
static WARM: OnceLock<()> = OnceLock::new();

/// Starts the one-time setup of schema compilation on a background thread, and returns at
/// once: `jsonschema` builds its own meta-schema validator on first use (about 0.5 ms), and
/// the built-in schemas of the kinds a release is made of (Deployment, Service, Ingress,
/// Secret...) are parsed (about as long again).
///
/// A program that will validate soon, such as `tack render`, calls this first thing, so the
/// setup overlaps its other work instead of adding to it. Calling it again does nothing;
/// validating without calling it is fine too (the setup then runs on a second core while
/// the schemas are prepared).
///
/// ```
/// tack::validate::warm_up();
/// ```
pub fn warm_up() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let _ = std::thread::Builder::new()
            .name("tack-warm-up".into())
            .spawn(|| {
                WARM.get_or_init(schema::warm_up);
                // Parse the schemas of the kinds a release is made of.
                schema::builtin::preload(&[
                    "io.k8s.api.apps.v1.Deployment",
                    "io.k8s.api.core.v1.Service",
                    "io.k8s.api.networking.v1.Ingress",
                    "io.k8s.api.core.v1.Secret",
                    "io.k8s.api.core.v1.ConfigMap",
                ]);
            });
    });
}

/// A copy of a value without `null` members (the API server treats them as unset).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
