//! A release: an app, a name and a namespace, rendered into objects by its strategy.

mod kube_checks;
mod view;

use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::kube_version::KubeVersion;
use crate::manifest::{Manifest, Manifests};
use crate::names;
use crate::source::SourceMap;
use crate::strategy::{self, Context};
use crate::values::{self, App, Strategy};

/// An app or release built in code has mistakes, reported by field path (the same checks as
/// for value files).
///
/// ```
/// use tack::{App, Release};
/// let error = Release::new("prod", App::new("MNIST", "mnist:1")).render().unwrap_err();
/// let problem = &error.0.items[0];
/// assert_eq!(problem.path, "name");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("the app has mistakes:\n{0}")]
pub struct InvalidApp(pub Diagnostics);

/// One installation of an app: what `tack render` prints and `kubectl apply` installs.
///
/// ```
/// use tack::{App, Release, Strategy};
/// let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1").port(5000).replicas(10);
/// let release = Release::new("prod", app)
///     .namespace("ml")
///     .strategy(Strategy::canary().weight(10).image("ghcr.io/acme/mnist-serving:2.0.0"));
/// let manifests = release.render()?;
/// let names: Vec<String> = manifests.iter().map(|m| m.display_name()).collect();
/// assert_eq!(names, ["Service/ml/mnist", "Deployment/ml/mnist", "Deployment/ml/mnist-canary"]);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    name: String,
    namespace: Option<String>,
    app: App,
    chart: Option<String>,
    kube_version: KubeVersion,
}

impl Release {
    /// A release called `name` of `app`, in the namespace `kubectl` applies to.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1"));
    /// assert_eq!((release.name(), release.namespace_name()), ("prod", None));
    /// ```
    pub fn new(name: impl Into<String>, app: App) -> Self {
        Release {
            name: name.into(),
            namespace: None,
            app,
            chart: None,
            kube_version: KubeVersion::LATEST,
        }
    }

    /// Puts every object in `namespace`.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).namespace("ml").render()?;
    /// assert!(manifests.iter().all(|m| m.namespace() == Some("ml")));
    /// let invalid = Release::new("prod", App::new("mnist", "mnist:1")).namespace("ML");
    /// assert!(invalid.render().is_err());
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Puts every object in `namespace`, if there is one; `None` unsets a namespace set
    /// before.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1")).namespace_opt(Some("ml"));
    /// assert_eq!(release.namespace_name(), Some("ml"));
    /// assert_eq!(release.namespace_opt(None).namespace_name(), None);
    /// ```
    pub fn namespace_opt(mut self, namespace: Option<&str>) -> Self {
        self.namespace = namespace.map(str::to_string);
        self
    }

    /// Sets the release strategy.
    ///
    /// ```
    /// use tack::{App, Release, Strategy, values::StrategyType};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1")).strategy(Strategy::recreate());
    /// assert_eq!(release.app().strategy.kind, StrategyType::Recreate);
    /// ```
    pub fn strategy(mut self, strategy: impl Into<Strategy>) -> Self {
        self.app.strategy = strategy.into();
        self
    }

    /// Names the chart in `# Source:` lines (default: the app's name).
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).chart("model-serving").render()?;
    /// assert!(manifests.iter().all(|m| m.source().starts_with("model-serving/")));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn chart(mut self, chart: impl Into<String>) -> Self {
        self.chart = Some(chart.into());
        self
    }

    /// Renders for Kubernetes `version` (default: the newest tack knows): some settings
    /// exist only from a version on, e.g. native sidecars (1.29).
    ///
    /// ```
    /// use tack::{App, KubeVersion, Release};
    /// let mut app = App::new("mnist", "mnist:1");
    /// app.sidecars.push(tack::values::Kube::from_json(serde_json::json!({"name": "proxy", "image": "envoy:1"})));
    /// let release = Release::new("prod", app);
    /// assert!(release.clone().kube_version(KubeVersion::new(29)).render().is_ok());
    /// let error = release.kube_version(KubeVersion::new(28)).render().unwrap_err();
    /// assert_eq!(error.0.items[0].path, "sidecars");
    /// ```
    pub fn kube_version(mut self, version: KubeVersion) -> Self {
        self.kube_version = version;
        self
    }

    /// The release name.
    ///
    /// ```
    /// let release = tack::Release::new("prod", tack::App::new("mnist", "mnist:1"));
    /// assert_eq!(release.name(), "prod");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace, if set.
    ///
    /// ```
    /// let release = tack::Release::new("prod", tack::App::new("mnist", "mnist:1")).namespace("ml");
    /// assert_eq!(release.namespace_name(), Some("ml"));
    /// ```
    pub fn namespace_name(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The app.
    ///
    /// ```
    /// let release = tack::Release::new("prod", tack::App::new("mnist", "mnist:1").replicas(3));
    /// assert_eq!((release.app().name.as_str(), release.app().replicas), ("mnist", 3));
    /// ```
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Renders the release's objects in install order, with the app's `patches` applied and
    /// the checksum annotations added. Checks the app first (the same checks as for value
    /// files, reported by field path). It does not validate what patches leave: use
    /// [`Manifests::validate`] for that, as the render pipeline does.
    ///
    /// # Errors
    /// The app or the release name or namespace has mistakes, or a patch cannot be applied.
    ///
    /// ```
    /// use tack::{App, Release, Strategy};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1"));
    /// assert_eq!(release.render()?.len(), 2); // a Service and a Deployment
    /// let error = release.strategy(Strategy::canary().weight(150)).render().unwrap_err();
    /// assert_eq!(error.0.items[0].path, "strategy.canary.weight");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn render(&self) -> Result<Manifests, InvalidApp> {
        let mut problems = values::check(&self.app);
        problems.extend(self.check_app());
        problems.extend(self.check_release());
        if !problems.is_empty() {
            return Err(InvalidApp(Diagnostics::new(problems, SourceMap::new())));
        }
        let mut manifests = self.objects();
        self.finish(&mut manifests)
            .map_err(|problems| InvalidApp(Diagnostics::new(problems, SourceMap::new())))?;
        Ok(manifests)
    }

    /// The last steps on the rendered objects (the release's and, in a chart, its
    /// templates'): the values' `patches`, then the checksum annotations that roll pods when
    /// a Secret or ConfigMap they use changes. Returns which objects patches changed.
    pub(crate) fn finish(
        &self,
        manifests: &mut Manifests,
    ) -> Result<Vec<crate::patch::Patched>, Vec<Diagnostic>> {
        let patched = crate::patch::apply(manifests, &self.app.patches)?;
        crate::checksum::annotate(manifests);
        Ok(patched)
    }

    /// The release's objects, for an app that was checked already (the pipeline checks
    /// values once, when it reads them).
    pub(crate) fn objects(&self) -> Manifests {
        let context = Context {
            app: &self.app,
            release: &self.name,
            namespace: self.namespace.as_deref(),
            kube_version: self.kube_version,
        };
        let chart = self.chart.as_deref().unwrap_or(&self.app.name);
        let items = strategy::objects(&context)
            .into_iter()
            .map(|rendered| Manifest::new(format!("{chart}/{}", rendered.origin), rendered.object))
            .collect();
        Manifests::new(items)
    }

    /// What templates see of `manifests`, the objects this release's strategy rendered:
    /// names and selector labels (see the `view` module).
    pub(crate) fn template_objects(&self, manifests: &Manifests) -> serde_json::Value {
        view::template_objects(&self.app, manifests)
    }

    /// Mistakes in the app that need Kubernetes to find: values written in Kubernetes' own
    /// shape against its schema, and settings the target version does not have. Each has
    /// its values path.
    pub(crate) fn check_app(&self) -> Vec<Diagnostic> {
        kube_checks::problems(&self.app, self.kube_version)
    }

    /// Mistakes in the release name and namespace.
    pub(crate) fn check_release(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let shown = |text: &str| crate::diagnostic::shorten(text, 80).into_owned();
        if !names::is_dns1123_label(&self.name) {
            problems.push(
                Diagnostic::error(
                    Check::Values,
                    format!("release name `{}` is not valid", shown(&self.name)),
                )
                .path("release")
                .help("use lowercase letters, digits and `-`, at most 63 characters"),
            );
        }
        if let Some(namespace) = &self.namespace
            && !names::is_dns1123_label(namespace)
        {
            problems.push(
                Diagnostic::error(
                    Check::Values,
                    format!("namespace `{}` is not valid", shown(namespace)),
                )
                .path("namespace")
                .help("use lowercase letters, digits and `-`, at most 63 characters"),
            );
        }
        problems
    }
}
