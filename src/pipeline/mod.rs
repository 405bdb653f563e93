//! The render pipeline, owned by one [`Renderer`]: every stage runs once, in order.
//!
//! ```text
//! chart (loaded once, cached) -> values (defaults, -f files, --set flags: `layer`)
//!   -> typed app -> release objects (strategy, builders) -> templates
//!   -> validation of the whole set -> Rendered
//! ```
//!
//! `tack render`, `render -r`, `lint`, `diff` and `--debug` all go through a `Renderer`,
//! which holds the Kubernetes version, the validators and the charts it has loaded (with
//! their parsed defaults and compiled templates), so a run of many releases parses each
//! chart once.
//!
//! ```
//! use tack::{KubeVersion, RenderRequest, Renderer};
//! let renderer = Renderer::new(KubeVersion::LATEST);
//! let request = RenderRequest::new("charts/model-serving").values("values/canary.yaml");
//! let rendered = renderer.render(&request)?;
//! assert!(rendered.manifests.iter().any(|m| m.name() == "mnist-canary"));
//! assert!(rendered.report.is_valid());
//! # Ok::<(), tack::pipeline::Error>(())
//! ```

mod origin;

use crate::chart::templates::{ReleaseInfo, TemplateContext};
use crate::chart::{self, Chart, TemplateError};
use crate::diagnostic::{Check, Diagnostic, Diagnostics, Severity};
use crate::kube_version::KubeVersion;
use crate::manifest::{CLUSTER_SCOPED_KINDS, Manifest, Manifests, Object};
use crate::release::{InvalidApp, Release};
use crate::source::SourceMap;
use crate::validate::{self, Checks, Report, Validator};
use crate::values::{self, App, Node, SetFlag, SetKind, ValuesLoader};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Everything one render needs, as plain data (what the command line parsed).
///
/// ```
/// use tack::RenderRequest;
/// let request = RenderRequest::new("charts/model-serving")
///     .values("values/canary.yaml")
///     .set("strategy.canary.weight=50")
///     .namespace("ml");
/// assert_eq!(request.value_files.len(), 1);
/// assert_eq!(request.sets.len(), 1);
/// ```
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
    /// API versions the cluster serves beyond the built-in ones of `--kube-version`
    /// (`--api-versions`), for templates' `capabilities.apiVersions`.
    pub api_versions: Vec<String>,
}

impl RenderRequest {
    /// A request for the chart folder `chart` with its defaults only.
    ///
    /// ```
    /// let request = tack::RenderRequest::new("charts/model-serving");
    /// assert!(request.value_files.is_empty() && request.sets.is_empty());
    /// assert_eq!(request.cwd, std::path::Path::new("."));
    /// ```
    pub fn new(chart: impl Into<PathBuf>) -> Self {
        RenderRequest {
            chart: chart.into(),
            cwd: PathBuf::from("."),
            ..RenderRequest::default()
        }
    }

    /// Adds a value file (`-f`), merged over the ones before.
    ///
    /// ```
    /// let request = tack::RenderRequest::new("charts/model-serving")
    ///     .values("values/canary.yaml")
    ///     .values("values/canary-ingress.yaml");
    /// assert_eq!(request.value_files[1], std::path::Path::new("values/canary-ingress.yaml"));
    /// ```
    pub fn values(mut self, file: impl Into<PathBuf>) -> Self {
        self.value_files.push(file.into());
        self
    }

    /// Adds a `--set path=value`.
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let request = RenderRequest::new("charts/model-serving").set("replicas=5");
    /// let rendered = Renderer::default().render(&request)?;
    /// let deployment = rendered.manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
    /// assert_eq!(deployment.json()["spec"]["replicas"], 5);
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn set(mut self, assignment: impl Into<String>) -> Self {
        self.sets.push(SetFlag::new(SetKind::Typed, assignment));
        self
    }

    /// Adds a `--set-string path=value`.
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let request = RenderRequest::new("charts/model-serving").set_string("image.tag=010");
    /// let rendered = Renderer::default().render(&request)?;
    /// let deployment = rendered.manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
    /// let image = &deployment.json()["spec"]["template"]["spec"]["containers"][0]["image"];
    /// assert_eq!(image, "ghcr.io/acme/mnist-serving:010"); // `--set` would read the number 10
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn set_string(mut self, assignment: impl Into<String>) -> Self {
        self.sets.push(SetFlag::new(SetKind::String, assignment));
        self
    }

    /// Names the release (`app.kubernetes.io/instance`).
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let request = RenderRequest::new("charts/model-serving").release("prod");
    /// let rendered = Renderer::default().render(&request)?;
    /// let labels = &rendered.manifests.iter().next().unwrap().json()["metadata"]["labels"];
    /// assert_eq!(labels["app.kubernetes.io/instance"], "prod");
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn release(mut self, name: impl Into<String>) -> Self {
        self.release = Some(name.into());
        self
    }

    /// Puts every object in `namespace`.
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let request = RenderRequest::new("charts/model-serving").namespace("ml");
    /// let rendered = Renderer::default().render(&request)?;
    /// assert!(rendered.manifests.iter().all(|m| m.namespace() == Some("ml")));
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The folder relative `--set-file` paths start from.
    ///
    /// ```
    /// use tack::values::{SetFlag, SetKind};
    /// use tack::{RenderRequest, Renderer};
    /// let dir = std::env::temp_dir().join(format!("tack-doc-cwd-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("api-key"), "hunter2")?;
    /// let mut request = RenderRequest::new("charts/model-serving").cwd(&dir);
    /// request.sets.push(SetFlag::new(SetKind::File, "secrets.apiKey.value=api-key"));
    /// let rendered = Renderer::default().render(&request);
    /// std::fs::remove_dir_all(&dir)?;
    /// let manifests = rendered?.manifests;
    /// let secret = manifests.iter().find(|m| m.kind() == "Secret").unwrap();
    /// assert_eq!(secret.json()["data"]["apiKey"], "aHVudGVyMg=="); // base64 of `hunter2`
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = dir.into();
        self
    }
}

/// The values of a request, layered but not yet typed: what `--debug` prints.
#[derive(Debug, Clone)]
pub(crate) struct Layered {
    chart: Arc<Chart>,
    values: ValuesLoader,
}

impl Layered {
    /// The merged tree: every value with the file or flag that set it last.
    pub(crate) fn tree(&self) -> &Node {
        self.values.tree()
    }

    /// The texts read.
    pub(crate) fn sources(&self) -> &SourceMap {
        self.values.sources()
    }
}

/// The result of a render.
///
/// ```
/// use tack::{RenderRequest, Renderer};
/// let rendered = Renderer::default().render(&RenderRequest::new("charts/model-serving"))?;
/// assert!(rendered.report.is_valid());
/// assert!(rendered.warnings.items.is_empty());
/// assert_eq!(rendered.manifests.iter().next().map(|m| m.kind()), Some("Secret")); // install order
/// # Ok::<(), tack::pipeline::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The objects, in install order, all valid.
    pub manifests: Manifests,
    /// Things worth telling the user that are not errors (an empty value file).
    pub warnings: Diagnostics,
    /// What validation found: no errors, maybe warnings and kinds skipped (custom resources).
    pub report: Report,
    /// The chart's `templates/NOTES.txt`, rendered (Helm's usage notes), if it has one.
    pub notes: Option<String>,
}

/// Why a render failed; each variant is the error of one stage.
///
/// ```
/// use tack::{RenderRequest, Renderer, pipeline::Error};
/// let error = Renderer::default().render(&RenderRequest::new("no/such/chart")).unwrap_err();
/// assert!(matches!(error, Error::Chart(_)));
/// assert_eq!(error.place(), "in the chart");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chart could not be loaded, or does not support the target Kubernetes version.
    #[error(transparent)]
    Chart(#[from] chart::Error),
    /// The values could not be read or have mistakes.
    #[error(transparent)]
    Values(#[from] values::Error),
    /// The release name or namespace has mistakes.
    #[error(transparent)]
    Release(#[from] InvalidApp),
    /// Templates failed.
    #[error(transparent)]
    Templates(#[from] TemplateError),
    /// The rendered objects are not valid Kubernetes objects; nothing should be applied.
    #[error(transparent)]
    Invalid(#[from] validate::Invalid),
}

impl Error {
    /// The error as diagnostics, for printing.
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let error = Renderer::default()
    ///     .render(&RenderRequest::new("charts/model-serving").set("replicsa=3"))
    ///     .unwrap_err();
    /// let all = error.diagnostics();
    /// assert_eq!(all.items[0].message, "unknown key `replicsa`");
    /// assert_eq!(all.items[0].help.as_deref(), Some("did you mean `replicas`?"));
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Chart(error) => error.diagnostics(),
            Error::Values(error) => error.diagnostics(),
            Error::Release(InvalidApp(diagnostics))
            | Error::Templates(TemplateError(diagnostics)) => diagnostics.clone(),
            Error::Invalid(validate::Invalid(report)) => report.diagnostics(),
        }
    }

    /// True for mistakes in the input (exit 1); false when something could not be found
    /// or read, or a flag is malformed (exit 2).
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let renderer = Renderer::default();
    /// let missing = renderer.render(&RenderRequest::new("no/such/chart")).unwrap_err();
    /// assert!(!missing.is_invalid_input()); // exit 2
    /// let request = RenderRequest::new("charts/model-serving").set("replicas=many");
    /// assert!(renderer.render(&request).unwrap_err().is_invalid_input()); // exit 1
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Chart(error) => error.is_invalid_input(),
            Error::Values(error) => error.is_invalid_input(),
            Error::Release(_) | Error::Templates(_) | Error::Invalid(_) => true,
        }
    }

    /// Where the problems are, for a summary line: "in values", "in templates"...
    ///
    /// ```
    /// use tack::pipeline::Error;
    /// let error = Error::Templates(tack::chart::TemplateError(Default::default()));
    /// assert_eq!(error.place(), "in templates");
    /// ```
    pub fn place(&self) -> &'static str {
        match self {
            Error::Chart(chart::Error::Invalid(_)) => "in Chart.yaml",
            Error::Chart(chart::Error::Defaults(_)) => "in the chart's values.yaml",
            Error::Chart(chart::Error::Templates(_)) | Error::Templates(_) => "in templates",
            Error::Chart(_) => "in the chart",
            Error::Values(_) | Error::Release(_) => "in values",
            Error::Invalid(_) => "in the rendered objects",
        }
    }
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
struct RenderValidators {
    checks: Validator,
    schema: Validator,
}

impl RenderValidators {
    fn new(version: KubeVersion) -> Self {
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
    /// declare as created elsewhere.
    fn validate(
        &self,
        manifests: &Manifests,
        externals: Vec<String>,
    ) -> Result<Report, validate::Invalid> {
        let mut checks = self.checks.clone();
        for external in externals {
            checks = checks.external(external);
        }
        let all: Vec<_> = manifests.iter().map(Manifest::document).collect();
        let mut report = checks.validate_objects(&all);
        let templated: Vec<_> = manifests
            .iter()
            .filter(|m| !m.is_typed())
            .map(Manifest::document)
            .collect();
        if !templated.is_empty() {
            let schema_report = self.schema.validate_objects(&templated);
            // Both reports name their inputs the same way; re-point the schema report's.
            for mut problem in schema_report.problems {
                let name = schema_report
                    .sources
                    .name(problem.location.source)
                    .to_string();
                problem.location.source = report.sources.id_of(&name);
                report.problems.push(problem);
            }
            for mut object in schema_report.checked {
                let name = schema_report.sources.name(object.source).to_string();
                object.source = report.sources.id_of(&name);
                report.checked.push(object);
            }
        }
        if report.has_errors() {
            Err(validate::Invalid(report))
        } else {
            Ok(report)
        }
    }
}

/// Renders charts: holds the Kubernetes version, the validators, and every chart it has
/// loaded. Share one renderer (it is `Sync`) to render many releases.
///
/// ```
/// use tack::{RenderRequest, Renderer};
/// let renderer = Renderer::default();
/// for values in ["values/canary.yaml", "values/blue-green.yaml"] {
///     let request = RenderRequest::new("charts/model-serving").values(values);
///     assert!(renderer.render(&request)?.report.is_valid()); // the chart is loaded once
/// }
/// # Ok::<(), tack::pipeline::Error>(())
/// ```
#[derive(Debug)]
pub struct Renderer {
    kube_version: KubeVersion,
    validators: RenderValidators,
    charts: Mutex<HashMap<PathBuf, Arc<Chart>>>,
}

impl Default for Renderer {
    /// A renderer for the newest Kubernetes version tack knows.
    fn default() -> Self {
        Renderer::new(KubeVersion::LATEST)
    }
}

impl Renderer {
    /// A renderer for Kubernetes `kube_version`.
    ///
    /// ```
    /// use tack::{KubeVersion, RenderRequest, Renderer};
    /// let renderer = Renderer::new(KubeVersion::new(28));
    /// let error = renderer.render(&RenderRequest::new("charts/model-serving")).unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "chart model-serving needs Kubernetes >=1.29.0 (Chart.yaml kubeVersion), not 1.28"
    /// );
    /// ```
    pub fn new(kube_version: KubeVersion) -> Self {
        Renderer {
            kube_version,
            validators: RenderValidators::new(kube_version),
            charts: Mutex::new(HashMap::new()),
        }
    }

    /// What templates see as `capabilities.apiVersions`: every `group/version` and
    /// `group/version/Kind` built in for the target Kubernetes version, and `extra`
    /// (`--api-versions`), sorted.
    fn api_versions(&self, extra: &[String]) -> Vec<String> {
        let mut versions: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (api_version, kind) in crate::validate::builtin_kinds(self.kube_version) {
            versions.insert(api_version.to_string());
            versions.insert(format!("{api_version}/{kind}"));
        }
        versions.extend(extra.iter().cloned());
        versions.into_iter().collect()
    }

    /// Also checks best practices (see [`Validator::practices`]), their problems reported
    /// as `severity`; `None` turns the check off (the default; `tack lint` turns it on).
    ///
    /// ```
    /// use tack::diagnostic::Severity;
    /// use tack::{RenderRequest, Renderer};
    /// let request = RenderRequest::new("charts/model-serving").set("readinessProbe=null");
    /// let renderer = Renderer::default().practices(Some(Severity::Warning));
    /// let rendered = renderer.render(&request)?;
    /// assert!(rendered.report.problems.iter().any(|p| p.message.starts_with("readiness-probe:")));
    /// let strict = Renderer::default().practices(Some(Severity::Error));
    /// assert!(strict.render(&request).is_err());
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn practices(mut self, severity: Option<Severity>) -> Self {
        self.validators.checks = match severity {
            Some(severity) => self.validators.checks.practices(severity),
            None => self.validators.checks.checks(Checks {
                schema: false,
                ..Checks::all()
            }),
        };
        self
    }

    /// CustomResourceDefinitions the cluster has (a file or a folder, see
    /// [`Validator::crd`]): templates' custom resources of their kinds are checked against
    /// them, and `--namespace` leaves their cluster-scoped kinds alone.
    ///
    /// # Errors
    /// A file that cannot be read, or does not hold CRDs only.
    ///
    /// ```
    /// use tack::Renderer;
    /// let renderer = Renderer::default().crd("tests/fixtures/crds")?;
    /// assert!(Renderer::default().crd("charts/model-serving/values.yaml").is_err());
    /// # Ok::<(), tack::validate::ValidateError>(())
    /// ```
    pub fn crd(mut self, path: impl AsRef<Path>) -> Result<Self, validate::ValidateError> {
        self.validators.checks = self.validators.checks.crd(path.as_ref())?;
        self.validators.schema = self.validators.schema.crd(path.as_ref())?;
        Ok(self)
    }

    /// The Kubernetes version it renders and validates for.
    ///
    /// ```
    /// use tack::{KubeVersion, Renderer};
    /// assert_eq!(Renderer::new(KubeVersion::new(33)).kube_version().to_string(), "1.33");
    /// assert_eq!(Renderer::default().kube_version(), KubeVersion::LATEST);
    /// ```
    pub fn kube_version(&self) -> KubeVersion {
        self.kube_version
    }

    /// The chart in folder `dir`, loaded on first use.
    ///
    /// # Errors
    /// The chart cannot be loaded.
    ///
    /// ```
    /// use std::{path::Path, sync::Arc};
    /// let renderer = tack::Renderer::default();
    /// let chart = renderer.chart(Path::new("charts/model-serving"))?;
    /// assert_eq!(chart.meta().name, "model-serving");
    /// assert!(Arc::ptr_eq(&chart, &renderer.chart(Path::new("charts/model-serving"))?)); // cached
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn chart(&self, dir: &Path) -> Result<Arc<Chart>, chart::Error> {
        let cached = self
            .charts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(dir)
            .cloned();
        if let Some(chart) = cached {
            return Ok(chart);
        }
        let chart = Arc::new(Chart::load(dir)?);
        let mut charts = self.charts.lock().unwrap_or_else(|p| p.into_inner());
        Ok(charts.entry(dir.to_path_buf()).or_insert(chart).clone())
    }

    /// The first stages: the chart, checked against the Kubernetes version, and the values
    /// of the request layered over its defaults.
    ///
    /// # Errors
    /// The chart cannot be loaded or does not support the version; a value file or flag
    /// cannot be read.
    pub(crate) fn layer(&self, request: &RenderRequest) -> Result<Layered, Error> {
        let chart = self.chart(&request.chart)?;
        chart.check_kube_version(self.kube_version)?;
        let mut values = chart.defaults();
        for file in &request.value_files {
            values.add_file(file)?;
        }
        for flag in &request.sets {
            values.apply_set(flag, &request.cwd)?;
        }
        Ok(Layered { chart, values })
    }

    /// Renders a request: every stage, in order.
    ///
    /// # Errors
    /// The first stage that fails, with every problem it found.
    ///
    /// ```
    /// use tack::{RenderRequest, Renderer};
    /// let request =
    ///     RenderRequest::new("charts/mnist-pipeline").values("values/mnist-pipeline/prod.yaml");
    /// let rendered = Renderer::default().render(&request)?;
    /// assert!(rendered.manifests.iter().any(|m| m.kind() == "CronJob")); // written by a template
    /// # Ok::<(), tack::pipeline::Error>(())
    /// ```
    pub fn render(&self, request: &RenderRequest) -> Result<Rendered, Error> {
        let layered = self.layer(request)?;
        self.render_layered(layered, request)
    }

    /// The remaining stages of a request whose values are layered: the typed app, the
    /// release's objects, the templates, and validation of the whole set.
    ///
    /// # Errors
    /// The first stage that fails, with every problem it found.
    pub(crate) fn render_layered(
        &self,
        layered: Layered,
        request: &RenderRequest,
    ) -> Result<Rendered, Error> {
        let Layered { chart, values } = layered;
        let meta = chart.meta();
        let loaded = values.finish(meta.app_version.as_deref())?;
        let extra = chart.check_extra(&loaded);
        if !extra.is_empty() {
            return Err(values::Error::Invalid(Diagnostics::new(extra, loaded.sources)).into());
        }
        let name = request
            .release
            .clone()
            .unwrap_or_else(|| loaded.app.name.clone());
        let externals = externals(&loaded.app);
        let secrets = secret_strings(&loaded.app, &loaded.tree);
        let values::LoadedValues {
            app,
            tree,
            sources,
            warnings,
        } = loaded;
        let release = Release::new(name, app)
            .namespace_opt(request.namespace.as_deref())
            .chart(&meta.name)
            .kube_version(self.kube_version);
        let problems = release.check_app();
        if !problems.is_empty() {
            return Err(values::located_error(&tree, &sources, problems).into());
        }
        check_names(&release, request)?;
        let mut manifests = release.objects();
        // Helm's `crds/`: first in install order, never templated, never namespaced.
        manifests.extend(Manifests::new(
            chart
                .crds()
                .iter()
                .map(|crd| {
                    Manifest::new(
                        format!("{}/crds/{}", meta.name, crd.file),
                        Object::Other(crd.value.clone()),
                    )
                })
                .collect(),
        ));
        let mut cluster_scoped = cluster_scoped_custom_kinds(chart.crds());
        cluster_scoped.extend(self.validators.schema.cluster_scoped_custom_kinds());
        let mut template_warnings = Vec::new();
        let templates = chart.templates();
        let mut template_context = None;
        let mut notes = None;
        if !templates.is_empty() {
            let context = TemplateContext {
                values: serde_json::to_value(release.app()).unwrap_or_default(),
                release: ReleaseInfo {
                    name: release.name().to_string(),
                    namespace: request.namespace.clone(),
                    revision: 1,
                },
                chart: serde_json::to_value(meta).unwrap_or_default(),
                kube_version: self.kube_version,
                secrets,
                objects: release.template_objects(&manifests),
                api_versions: self.api_versions(&request.api_versions),
            };
            let items = templates
                .render(&context)?
                .into_iter()
                .map(|doc| {
                    let source = format!("{}/templates/{}", meta.name, doc.template);
                    for (line, key) in &doc.identical_duplicates {
                        template_warnings.push(
                            Diagnostic::warning(
                                Check::Syntax,
                                format!(
                                    "{source}, line {line} of its output: duplicate key \"{}\" with the same value as before: kubectl and Helm keep the last",
                                    crate::diagnostic::shorten(key, 80)
                                ),
                            )
                            .help("remove one of the two from the template"),
                        );
                    }
                    let mut value = doc.value;
                    if let Some(namespace) = &request.namespace {
                        set_namespace(&mut value, namespace, &cluster_scoped);
                    }
                    Manifest::new(source, Object::Other(value)).with_lines(doc.lines)
                })
                .collect();
            manifests.extend(Manifests::new(items));
            notes = templates.render_notes(&context)?;
            template_context = Some(context);
        }
        let at_template_lines = |report: &mut Report| {
            if let Some(context) = &template_context {
                origin::template_lines(report, templates, context, &meta.name);
            }
        };
        let patched = release
            .finish(&mut manifests)
            .map_err(|problems| values::located_error(&tree, &sources, problems))?;
        let report = match self.validators.validate(&manifests, externals) {
            Ok(mut report) => {
                origin::add_origins(&mut report.problems, &manifests, &tree, &sources);
                at_template_lines(&mut report);
                report
            }
            Err(mut invalid) => {
                let at_patches = patch_problems(&invalid.0, &patched);
                if at_patches.is_empty() {
                    origin::add_origins(&mut invalid.0.problems, &manifests, &tree, &sources);
                    at_template_lines(&mut invalid.0);
                    return Err(invalid.into());
                }
                return Err(values::located_error(&tree, &sources, at_patches).into());
            }
        };
        let mut warnings = warnings;
        warnings.extend(template_warnings);
        Ok(Rendered {
            manifests,
            warnings: Diagnostics::new(warnings, sources),
            report,
            notes,
        })
    }
}

/// Mistakes in the release name and namespace, which come from the request (`--release`,
/// `--namespace`): pointed at the flags.
fn check_names(release: &Release, request: &RenderRequest) -> Result<(), InvalidApp> {
    let mut problems = release.check_release();
    if problems.is_empty() {
        return Ok(());
    }
    let mut sources = SourceMap::new();
    for problem in &mut problems {
        let (flag, text) = match problem.path.as_str() {
            "release" => ("--release", request.release.clone().unwrap_or_default()),
            _ => ("--namespace", request.namespace.clone().unwrap_or_default()),
        };
        let text = crate::diagnostic::shorten(&text, 200).into_owned();
        let source = sources.add(format!("{flag} {text}"), text);
        problem.location = crate::source::Location {
            source,
            line: 1,
            column: 1,
        };
        problem.path.clear();
    }
    Err(InvalidApp(Diagnostics::new(problems, sources)))
}

/// The errors of objects that patches changed, as problems of the last patch that changed
/// each (with the values path of the patch, to be located there).
fn patch_problems(report: &Report, patched: &[crate::patch::Patched]) -> Vec<Diagnostic> {
    report
        .problems
        .iter()
        .filter(|problem| problem.is_error())
        .filter_map(|problem| {
            let object = problem.object.as_deref()?;
            let by = patched.iter().find(|p| p.object == object)?;
            let at = if problem.path.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", problem.path)
            };
            let mut moved = Diagnostic::error(
                Check::Values,
                format!("after this patch, {at}{}", problem.message),
            )
            .object(object)
            .path(values::FieldPath::parse("patches").index(by.patch))
            .help_opt(problem.help.clone());
            moved.sensitive = problem.sensitive;
            Some(moved)
        })
        .collect()
}

/// `Kind/name` of the objects the values declare as created elsewhere.
fn externals(app: &App) -> Vec<String> {
    app.external_secrets
        .iter()
        .map(|name| format!("Secret/{name}"))
        .chain(
            app.external_config_maps
                .iter()
                .map(|name| format!("ConfigMap/{name}")),
        )
        // tack renders no claims: a claim the values name is made elsewhere.
        .chain(app.volumes.iter().filter_map(|volume| {
            volume
                .persistent_volume_claim
                .as_ref()
                .map(|claim| format!("PersistentVolumeClaim/{claim}"))
        }))
        .collect()
}

/// Every secret string of the values (`secrets`, `tlsSecrets`, `--set-file` contents), to
/// scrub from template messages.
fn secret_strings(app: &App, tree: &Node) -> Vec<String> {
    let mut secrets: Vec<String> = app
        .secrets
        .values()
        .filter_map(|s| s.value.clone())
        .collect();
    secrets.extend(tree.sensitive_texts());
    for tls in app.tls_secrets.values() {
        secrets.extend(tls.cert.clone());
        secrets.extend(tls.key.clone());
    }
    secrets
}

/// The `(group, kind)`s the chart's CRDs declare cluster-scoped (`spec.scope: Cluster`).
fn cluster_scoped_custom_kinds(crds: &[chart::CrdDocument]) -> Vec<(String, String)> {
    crds.iter()
        .filter_map(|crd| validate::crd::Crd::from_value(&crd.value, &crd.file).ok())
        .filter(|crd| !crd.namespaced)
        .map(|crd| (crd.group, crd.kind))
        .collect()
}

/// Puts a namespaced object without a namespace into `namespace`, as tack's own objects are:
/// not the cluster-scoped kinds of Kubernetes, nor those the chart's CRDs declare so.
fn set_namespace(
    object: &mut serde_json::Value,
    namespace: &str,
    cluster_scoped: &[(String, String)],
) {
    let kind = object
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if kind.is_empty() || CLUSTER_SCOPED_KINDS.contains(&kind) {
        return;
    }
    let group = object
        .get("apiVersion")
        .and_then(serde_json::Value::as_str)
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(group, _)| group);
    if cluster_scoped.iter().any(|(g, k)| g == group && k == kind) {
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
