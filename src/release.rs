//! A release: an app, a name and a namespace, rendered into objects by its strategy.

use crate::diagnostic::{Check, Diagnostic, Diagnostics};
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

    /// Renders the release's objects in install order. Checks the app first (the same checks
    /// as for value files, reported by field path).
    ///
    /// # Errors
    /// The app or the release name or namespace has mistakes.
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
        problems.extend(self.check_release());
        if !problems.is_empty() {
            return Err(InvalidApp(Diagnostics::new(problems, SourceMap::new())));
        }
        Ok(self.objects())
    }

    /// The release's objects, for an app that was checked already (the pipeline checks
    /// values once, when it reads them).
    pub(crate) fn objects(&self) -> Manifests {
        let context = Context {
            app: &self.app,
            release: &self.name,
            namespace: self.namespace.as_deref(),
        };
        let chart = self.chart.as_deref().unwrap_or(&self.app.name);
        let items = strategy::objects(&context)
            .into_iter()
            .map(|rendered| Manifest::new(format!("{chart}/{}", rendered.origin), rendered.object))
            .collect();
        Manifests::new(items)
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
