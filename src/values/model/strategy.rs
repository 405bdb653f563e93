//! The `strategy` section: which release strategy, and the settings of each.
//!
//! The section is a plain struct with a `type` and one optional sub-section per strategy,
//! not a serde-tagged enum: a chart's defaults can carry settings for every strategy, a value
//! file flips `type`, and positions survive for error messages.

use super::scalars::IntOrPercent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a new version replaces the running one.
///
/// ```
/// use tack::values::{Strategy, StrategyType};
/// let strategy: Strategy = Strategy::canary().weight(10).into();
/// assert_eq!(strategy.kind, StrategyType::Canary);
/// assert_eq!(strategy.canary.map(|canary| canary.weight), Some(10));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Strategy {
    /// The strategy in use; only its sub-section is read.
    #[serde(rename = "type", default)]
    pub kind: StrategyType,
    /// Settings of `rollingUpdate`. They also tune how each Deployment of the other
    /// strategies (except `recreate`) replaces its pods.
    pub rolling_update: Option<RollingUpdate>,
    /// Settings of `recreate`.
    pub recreate: Option<Recreate>,
    /// Settings of `blueGreen`.
    pub blue_green: Option<BlueGreen>,
    /// Settings of `canary`.
    pub canary: Option<Canary>,
    /// Settings of `routing`.
    pub routing: Option<Routing>,
}

/// The release strategies tack renders.
///
/// ```
/// use tack::values::StrategyType;
/// assert_eq!(StrategyType::default(), StrategyType::RollingUpdate);
/// assert_eq!(StrategyType::BlueGreen.as_str(), "blueGreen");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StrategyType {
    /// One Deployment whose pods are replaced gradually.
    #[default]
    RollingUpdate,
    /// One Deployment whose pods are all replaced at once.
    Recreate,
    /// Two Deployments (blue and green); the Service selects the active colour.
    BlueGreen,
    /// A stable and a canary Deployment; traffic split by replicas or by ingress weight.
    Canary,
    /// One Deployment and Service per version, routed by ingress path (`/v1`, `/v2`).
    Routing,
}

impl StrategyType {
    /// The name used in values files: `rollingUpdate`, `blueGreen`, ...
    ///
    /// ```
    /// assert_eq!(tack::values::StrategyType::RollingUpdate.as_str(), "rollingUpdate");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            StrategyType::RollingUpdate => "rollingUpdate",
            StrategyType::Recreate => "recreate",
            StrategyType::BlueGreen => "blueGreen",
            StrategyType::Canary => "canary",
            StrategyType::Routing => "routing",
        }
    }
}

/// Rolling update settings.
///
/// ```
/// use tack::values::{App, IntOrPercent, Strategy};
/// let rolling = Strategy::rolling_update().max_surge(IntOrPercent::Percent(25));
/// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
/// let manifests = release.strategy(rolling).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// assert_eq!(deployment.json()["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RollingUpdate {
    /// Pods above the desired count during an update (`1` or `25%`; Kubernetes default 25%).
    pub max_surge: Option<IntOrPercent>,
    /// Pods that may be unavailable during an update (`0` or `25%`; Kubernetes default 25%).
    pub max_unavailable: Option<IntOrPercent>,
    /// Seconds a new pod must be ready before it counts as available.
    pub min_ready_seconds: Option<u32>,
    /// Seconds before a stalled rollout is reported as failed.
    pub progress_deadline_seconds: Option<u32>,
    /// Old ReplicaSets kept for `kubectl rollout undo`.
    pub revision_history_limit: Option<u32>,
}

/// Recreate settings.
///
/// ```
/// use tack::values::{App, Strategy};
/// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
/// let manifests = release.strategy(Strategy::recreate()).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// assert_eq!(deployment.json()["spec"]["strategy"]["type"], "Recreate");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Recreate {
    /// Seconds a new pod must be ready before it counts as available.
    pub min_ready_seconds: Option<u32>,
    /// Seconds before a stalled rollout is reported as failed.
    pub progress_deadline_seconds: Option<u32>,
    /// Old ReplicaSets kept for `kubectl rollout undo`.
    pub revision_history_limit: Option<u32>,
}

/// Blue/green settings.
///
/// ```
/// use tack::values::{App, Colour, Strategy};
/// let blue_green = Strategy::blue_green().active(Colour::Green).tag(Colour::Green, "2.0.0");
/// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
/// let manifests = release.strategy(blue_green).render()?;
/// let service = manifests.iter().find(|m| m.kind() == "Service").unwrap();
/// assert_eq!(service.json()["spec"]["selector"]["color"], "green");
/// let green = manifests.iter().find(|m| m.name() == "mnist-green").unwrap();
/// assert_eq!(green.json()["spec"]["template"]["spec"]["containers"][0]["image"], "mnist:2.0.0");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BlueGreen {
    /// The colour the live Service sends traffic to.
    #[serde(default)]
    pub active: Colour,
    /// The blue Deployment's image.
    #[serde(default)]
    pub blue: ColourImage,
    /// The green Deployment's image.
    #[serde(default)]
    pub green: ColourImage,
    /// Also render `<name>-preview`, a Service on the idle colour, to test it before the flip.
    #[serde(default)]
    pub preview: bool,
    /// Provider `gateway`: the preview route's own host name (default: the live host names,
    /// for requests with `previewHeader: true`).
    pub preview_hostname: Option<String>,
    /// Provider `gateway`: the header that sends a request to the idle colour when the
    /// preview has no host name of its own (default `x-preview`; value `true`).
    pub preview_header: Option<String>,
    /// Replicas of the idle colour (0 scales it down; default: as many as the active one,
    /// so flipping back is instant).
    pub idle_replicas: Option<u32>,
}

impl Default for BlueGreen {
    fn default() -> Self {
        BlueGreen {
            active: Colour::Blue,
            blue: ColourImage::default(),
            green: ColourImage::default(),
            preview: false,
            preview_hostname: None,
            preview_header: None,
            idle_replicas: None,
        }
    }
}

/// One of the two colours of a blue/green release.
///
/// ```
/// use tack::values::Colour;
/// assert_eq!(Colour::default(), Colour::Blue);
/// assert_eq!(Colour::Blue.other().as_str(), "green");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Colour {
    /// Blue.
    #[default]
    Blue,
    /// Green.
    Green,
}

impl Colour {
    /// The other colour.
    ///
    /// ```
    /// use tack::values::Colour;
    /// assert_eq!(Colour::Green.other(), Colour::Blue);
    /// assert_eq!(Colour::Blue.other().other(), Colour::Blue);
    /// ```
    pub fn other(self) -> Colour {
        match self {
            Colour::Blue => Colour::Green,
            Colour::Green => Colour::Blue,
        }
    }

    /// `blue` or `green`.
    ///
    /// ```
    /// assert_eq!(tack::values::Colour::Green.as_str(), "green");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
        }
    }
}

/// The image of one colour; unset parts fall back to the app's `image`.
///
/// ```
/// use tack::values::{App, ColourImage, Strategy};
/// let mut blue_green = Strategy::blue_green();
/// blue_green.green = ColourImage { repository: None, tag: Some("2.0.0".into()) };
/// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
/// let manifests = release.strategy(blue_green).render()?;
/// let deployments = manifests.iter().filter(|m| m.kind() == "Deployment");
/// let images: Vec<_> = deployments
///     .map(|m| m.json()["spec"]["template"]["spec"]["containers"][0]["image"].as_str())
///     .collect();
/// assert_eq!(images, [Some("mnist:1"), Some("mnist:2.0.0")]); // blue keeps `image.tag`
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ColourImage {
    /// Image repository (default: `image.repository`).
    pub repository: Option<String>,
    /// Image tag (default: `image.tag`).
    pub tag: Option<String>,
}

/// Canary settings.
///
/// ```
/// use tack::values::{App, Strategy};
/// let app = App::new("mnist", "mnist:1").replicas(10);
/// let canary = Strategy::canary().weight(20).tag("2.0.0");
/// let manifests = tack::Release::new("prod", app).strategy(canary).render()?;
/// let deployments = manifests.iter().filter(|m| m.kind() == "Deployment");
/// let replicas: Vec<_> = deployments
///     .map(|m| (m.name(), m.json()["spec"]["replicas"].as_u64()))
///     .collect();
/// assert_eq!(replicas, [("mnist", Some(8)), ("mnist-canary", Some(2))]);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Canary {
    /// Percentage of traffic (mode `ingress`) or of replicas (mode `replicas`) on the canary,
    /// 0 to 100. With provider `gateway`, mode `ingress` gives the route's two backends the
    /// weights `100 - weight` and `weight`.
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub weight: u32,
    /// Image tag of the canary (the version under test).
    pub tag: Option<String>,
    /// Image repository of the canary (default: `image.repository`).
    pub repository: Option<String>,
    /// How traffic is split.
    #[serde(default)]
    pub mode: CanaryMode,
    /// Mode `ingress`: requests with this header go to the canary
    /// (`nginx.ingress.kubernetes.io/canary-by-header`, or a route rule matching it).
    pub header: Option<String>,
    /// Mode `ingress`: the header value that selects the canary
    /// (`canary-by-header-value`; default: `always`).
    pub header_value: Option<String>,
    /// Mode `ingress`: canary replicas (default: the share of `replicas` given by `weight`).
    pub replicas: Option<u32>,
}

/// How a canary gets its share of traffic.
///
/// ```
/// use tack::values::{App, CanaryMode, IngressValues, Strategy};
/// let ingress = IngressValues { enabled: true, ..IngressValues::default() };
/// let app = App::new("mnist", "mnist:1").ingress(ingress);
/// let canary = Strategy::canary().weight(10).tag("2.0.0").mode(CanaryMode::Ingress);
/// let manifests = tack::Release::new("prod", app).strategy(canary).render()?;
/// let ingress = manifests.iter().find(|m| m.display_name() == "Ingress/mnist-canary").unwrap();
/// let annotations = &ingress.json()["metadata"]["annotations"];
/// assert_eq!(annotations["nginx.ingress.kubernetes.io/canary-weight"], "10");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CanaryMode {
    /// One Service over both tracks; the share is the share of replicas.
    #[default]
    Replicas,
    /// A Service per track and an exact weight: an ingress-nginx canary Ingress, or with
    /// provider `gateway` a route with two weighted backends. Each track keeps its own
    /// replicas.
    Ingress,
}

/// Path routing settings.
///
/// ```
/// use tack::values::{App, IngressValues, Strategy};
/// let ingress = IngressValues { enabled: true, ..IngressValues::default() };
/// let app = App::new("mnist", "mnist:1").ingress(ingress);
/// let routing = Strategy::routing().version("v1", "1.9.1").version("v2", "2.0.0");
/// let manifests = tack::Release::new("prod", app).strategy(routing).render()?;
/// let ingress = manifests.iter().find(|m| m.kind() == "Ingress").unwrap();
/// let paths = &ingress.json()["spec"]["rules"][0]["http"]["paths"];
/// assert_eq!((paths[0]["path"].as_str(), paths[1]["path"].as_str()), (Some("/v1"), Some("/v2")));
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Routing {
    /// The versions served side by side, each on its own path.
    #[serde(default)]
    pub versions: Vec<RouteVersion>,
}

/// One version of a routed release.
///
/// ```
/// use tack::values::Strategy;
/// let routing = Strategy::routing().version("v2", "2.0.0");
/// let v2 = &routing.versions[0];
/// assert_eq!((v2.name.as_str(), v2.tag.as_deref(), v2.replicas), ("v2", Some("2.0.0"), None));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteVersion {
    /// Version name, used in object names: `<name>-v1` (lowercase letters, digits, `-`).
    pub name: String,
    /// Ingress path (default: `/<version name>`).
    pub path: Option<String>,
    /// Image tag of this version (default: `image.tag`).
    pub tag: Option<String>,
    /// Image repository of this version (default: `image.repository`).
    pub repository: Option<String>,
    /// Replicas of this version (default: `replicas`).
    pub replicas: Option<u32>,
}

impl RouteVersion {
    /// The ingress path of this version.
    ///
    /// ```
    /// use tack::values::Strategy;
    /// let mut routing = Strategy::routing().version("v1", "1.9.1").version("v2", "2.0.0");
    /// routing.versions[1].path = Some("/beta".into());
    /// assert_eq!(routing.versions[0].path(), "/v1");
    /// assert_eq!(routing.versions[1].path(), "/beta");
    /// ```
    pub fn path(&self) -> String {
        self.path
            .clone()
            .unwrap_or_else(|| format!("/{}", self.name))
    }
}

impl Strategy {
    /// A rolling update with Kubernetes' defaults.
    ///
    /// ```
    /// use tack::values::{Strategy, StrategyType};
    /// let rolling = Strategy::rolling_update();
    /// assert_eq!((rolling.max_surge, rolling.max_unavailable), (None, None));
    /// assert_eq!(Strategy::from(rolling).kind, StrategyType::RollingUpdate);
    /// ```
    pub fn rolling_update() -> RollingUpdate {
        RollingUpdate::default()
    }

    /// A recreate strategy.
    ///
    /// ```
    /// use tack::values::{Strategy, StrategyType};
    /// let strategy: Strategy = Strategy::recreate().into();
    /// assert_eq!(strategy.kind, StrategyType::Recreate);
    /// ```
    pub fn recreate() -> Recreate {
        Recreate::default()
    }

    /// A blue/green strategy, blue active.
    ///
    /// ```
    /// use tack::values::{Colour, Strategy};
    /// let blue_green = Strategy::blue_green();
    /// assert_eq!((blue_green.active, blue_green.preview), (Colour::Blue, false));
    /// ```
    pub fn blue_green() -> BlueGreen {
        BlueGreen::default()
    }

    /// A canary at weight 0, mode `replicas`.
    ///
    /// ```
    /// use tack::Strategy;
    /// let canary = Strategy::canary().weight(10).image("ghcr.io/acme/mnist-serving:2.0.0");
    /// assert_eq!(canary.tag.as_deref(), Some("2.0.0"));
    /// ```
    pub fn canary() -> Canary {
        Canary::default()
    }

    /// Path routing with no versions yet.
    ///
    /// ```
    /// assert!(tack::values::Strategy::routing().versions.is_empty());
    /// ```
    pub fn routing() -> Routing {
        Routing::default()
    }
}

impl RollingUpdate {
    /// Sets `maxSurge`.
    ///
    /// ```
    /// use tack::values::{IntOrPercent, Strategy};
    /// let rolling = Strategy::rolling_update().max_surge(IntOrPercent::Int(1));
    /// assert_eq!(rolling.max_surge, Some(IntOrPercent::Int(1)));
    /// ```
    pub fn max_surge(mut self, value: IntOrPercent) -> Self {
        self.max_surge = Some(value);
        self
    }
    /// Sets `maxUnavailable`.
    ///
    /// ```
    /// use tack::values::{IntOrPercent, Strategy};
    /// let rolling = Strategy::rolling_update().max_unavailable(IntOrPercent::Int(0));
    /// assert!(rolling.max_unavailable.unwrap().is_zero());
    /// ```
    pub fn max_unavailable(mut self, value: IntOrPercent) -> Self {
        self.max_unavailable = Some(value);
        self
    }
    /// Sets `minReadySeconds`.
    ///
    /// ```
    /// let rolling = tack::values::Strategy::rolling_update().min_ready_seconds(10);
    /// assert_eq!(rolling.min_ready_seconds, Some(10));
    /// ```
    pub fn min_ready_seconds(mut self, seconds: u32) -> Self {
        self.min_ready_seconds = Some(seconds);
        self
    }
}

impl BlueGreen {
    /// Sets the live colour.
    ///
    /// ```
    /// use tack::values::{Colour, Strategy};
    /// assert_eq!(Strategy::blue_green().active(Colour::Green).active, Colour::Green);
    /// ```
    pub fn active(mut self, colour: Colour) -> Self {
        self.active = colour;
        self
    }
    /// Sets the image tag of one colour.
    ///
    /// ```
    /// use tack::values::{Colour, Strategy};
    /// let blue_green = Strategy::blue_green().tag(Colour::Green, "2.0.0");
    /// assert_eq!(blue_green.green.tag.as_deref(), Some("2.0.0"));
    /// assert_eq!(blue_green.blue.tag, None); // falls back to `image.tag`
    /// ```
    pub fn tag(mut self, colour: Colour, tag: impl Into<String>) -> Self {
        let image = match colour {
            Colour::Blue => &mut self.blue,
            Colour::Green => &mut self.green,
        };
        image.tag = Some(tag.into());
        self
    }
    /// Renders the preview Service on the idle colour.
    ///
    /// ```
    /// use tack::values::{App, Strategy};
    /// let blue_green = Strategy::blue_green().preview(true);
    /// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
    /// let manifests = release.strategy(blue_green).render()?;
    /// assert!(manifests.iter().any(|m| m.display_name() == "Service/mnist-preview"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn preview(mut self, preview: bool) -> Self {
        self.preview = preview;
        self
    }
    /// Sets the idle colour's replicas.
    ///
    /// ```
    /// use tack::values::{App, Strategy};
    /// let blue_green = Strategy::blue_green().idle_replicas(0);
    /// let release = tack::Release::new("prod", App::new("mnist", "mnist:1"));
    /// let manifests = release.strategy(blue_green).render()?;
    /// let green = manifests.iter().find(|m| m.name() == "mnist-green").unwrap();
    /// assert_eq!(green.json()["spec"]["replicas"], 0); // blue is active, green scaled down
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn idle_replicas(mut self, replicas: u32) -> Self {
        self.idle_replicas = Some(replicas);
        self
    }
}

impl Canary {
    /// Sets the canary's share, 0 to 100.
    ///
    /// ```
    /// assert_eq!(tack::values::Strategy::canary().weight(50).weight, 50);
    /// ```
    pub fn weight(mut self, weight: u32) -> Self {
        self.weight = weight;
        self
    }
    /// Sets the canary image from a full reference (`repository:tag`).
    ///
    /// ```
    /// let canary = tack::values::Strategy::canary().image("ghcr.io/acme/mnist-serving:2.0.0");
    /// assert_eq!(canary.repository.as_deref(), Some("ghcr.io/acme/mnist-serving"));
    /// assert_eq!(canary.tag.as_deref(), Some("2.0.0"));
    /// ```
    pub fn image(mut self, image: &str) -> Self {
        let (repository, tag) = super::split_image(image);
        self.repository = Some(repository);
        self.tag = tag;
        self
    }
    /// Sets the canary image tag.
    ///
    /// ```
    /// let canary = tack::values::Strategy::canary().tag("2.0.0");
    /// assert_eq!(canary.tag.as_deref(), Some("2.0.0"));
    /// assert_eq!(canary.repository, None); // the app's `image.repository`
    /// ```
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }
    /// Sets how traffic is split.
    ///
    /// ```
    /// use tack::values::{CanaryMode, Strategy};
    /// assert_eq!(Strategy::canary().mode, CanaryMode::Replicas);
    /// assert_eq!(Strategy::canary().mode(CanaryMode::Ingress).mode, CanaryMode::Ingress);
    /// ```
    pub fn mode(mut self, mode: CanaryMode) -> Self {
        self.mode = mode;
        self
    }
    /// Mode `ingress`: sends requests carrying this header to the canary.
    ///
    /// ```
    /// use tack::values::{CanaryMode, Strategy};
    /// let canary = Strategy::canary().mode(CanaryMode::Ingress).header("X-Canary");
    /// assert_eq!(canary.header.as_deref(), Some("X-Canary"));
    /// ```
    pub fn header(mut self, header: impl Into<String>) -> Self {
        self.header = Some(header.into());
        self
    }
}

impl Routing {
    /// Adds a version served at `/<name>` with the given image tag.
    ///
    /// ```
    /// let routing = tack::values::Strategy::routing().version("v2", "2.0.0");
    /// assert_eq!(routing.versions[0].path(), "/v2");
    /// assert_eq!(routing.versions[0].tag.as_deref(), Some("2.0.0"));
    /// ```
    pub fn version(mut self, name: impl Into<String>, tag: impl Into<String>) -> Self {
        self.versions.push(RouteVersion {
            name: name.into(),
            path: None,
            tag: Some(tag.into()),
            repository: None,
            replicas: None,
        });
        self
    }
}

macro_rules! into_strategy {
    ($section:ident, $field:ident, $kind:ident) => {
        impl From<$section> for Strategy {
            fn from(section: $section) -> Strategy {
                Strategy {
                    kind: StrategyType::$kind,
                    $field: Some(section),
                    ..Strategy::default()
                }
            }
        }
    };
}

into_strategy!(RollingUpdate, rolling_update, RollingUpdate);
into_strategy!(Recreate, recreate, Recreate);
into_strategy!(BlueGreen, blue_green, BlueGreen);
into_strategy!(Canary, canary, Canary);
into_strategy!(Routing, routing, Routing);
