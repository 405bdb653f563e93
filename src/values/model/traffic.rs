//! How requests reach the app: through an Ingress (ingress-nginx) or through Gateway API
//! routes, over HTTP or gRPC.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How requests reach the app's Services.
///
/// ```
/// use tack::values::{App, GatewayParent, Strategy, Traffic};
/// let app = App::new("mnist", "mnist:1")
///     .replicas(4)
///     .traffic(Traffic::gateway(GatewayParent::new("public")).hostname("mnist.example.com"));
/// let canary = Strategy::canary().weight(10).tag("2.0.0").mode(tack::values::CanaryMode::Ingress);
/// let manifests = tack::Release::new("prod", app).strategy(canary).render()?;
/// let route = manifests.iter().find(|m| m.kind() == "HTTPRoute").unwrap();
/// let backends = &route.json()["spec"]["rules"][0]["backendRefs"];
/// assert_eq!((backends[0]["weight"].as_u64(), backends[1]["weight"].as_u64()), (Some(90), Some(10)));
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Traffic {
    /// What routes requests to the Services: `ingress` (an Ingress per `ingress`, and
    /// ingress-nginx canary annotations) or `gateway` (Gateway API HTTPRoutes or GRPCRoutes
    /// attached to `gateway.parentRefs`).
    #[serde(default)]
    pub provider: TrafficProvider,
    /// What the app speaks: `http`, or `grpc` (GRPCRoutes, and Services marked
    /// `appProtocol: kubernetes.io/h2c`).
    #[serde(default)]
    pub protocol: TrafficProtocol,
    /// Settings of provider `gateway`.
    #[serde(default)]
    pub gateway: GatewayValues,
}

/// What routes requests to the Services.
///
/// ```
/// use tack::values::TrafficProvider;
/// assert_eq!(TrafficProvider::default(), TrafficProvider::Ingress);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TrafficProvider {
    /// A `networking.k8s.io/v1` Ingress, when `ingress.enabled` (canaries through
    /// ingress-nginx annotations).
    #[default]
    Ingress,
    /// Gateway API (`gateway.networking.k8s.io/v1`) routes.
    Gateway,
}

/// The protocol the app serves.
///
/// ```
/// use tack::values::TrafficProtocol;
/// assert_eq!(TrafficProtocol::default(), TrafficProtocol::Http);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TrafficProtocol {
    /// HTTP/1.1 or HTTP/2: HTTPRoutes.
    #[default]
    Http,
    /// gRPC (Triton, KServe's v2 protocol): GRPCRoutes (provider `gateway` only).
    Grpc,
}

/// Settings of the Gateway API provider.
///
/// ```
/// use tack::values::{GatewayParent, Traffic};
/// let traffic = Traffic::gateway(GatewayParent::new("public").namespace("gateways"));
/// assert_eq!(traffic.gateway.parent_refs[0].namespace.as_deref(), Some("gateways"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayValues {
    /// The Gateways (or their listeners) the routes attach to; at least one.
    #[serde(default)]
    pub parent_refs: Vec<GatewayParent>,
    /// Host names the routes answer for (default: `ingress.host`, when set; otherwise
    /// every host the Gateway's listeners accept).
    #[serde(default)]
    pub hostnames: Vec<String>,
    /// Path prefixes routed to the app (default: `ingress.paths`). HTTP only.
    pub paths: Option<Vec<String>>,
    /// gRPC services routed to the app, e.g. `inference.GRPCInferenceService` (default:
    /// every service). gRPC only.
    #[serde(default)]
    pub grpc_services: Vec<String>,
    /// gRPC routing strategy: the request header that picks a version (its value is the
    /// version's name; default `x-model-version`).
    pub version_header: Option<String>,
    /// Labels added to the routes, e.g. the label a Gateway's `allowedRoutes` selects.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations on the routes.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A Gateway, or one of its listeners, that a route attaches to (a Gateway API
/// `parentRef`).
///
/// ```
/// use tack::values::GatewayParent;
/// let parent = GatewayParent::new("public").namespace("gateways").section_name("https");
/// assert_eq!((parent.name.as_str(), parent.section_name.as_deref()), ("public", Some("https")));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayParent {
    /// The Gateway's name.
    pub name: String,
    /// The Gateway's namespace (default: the route's own).
    pub namespace: Option<String>,
    /// One listener of the Gateway, by name (e.g. `https`).
    pub section_name: Option<String>,
    /// The listeners on this port only.
    pub port: Option<u16>,
}

impl GatewayParent {
    /// A Gateway in the route's namespace.
    ///
    /// ```
    /// assert_eq!(tack::values::GatewayParent::new("public").namespace, None);
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        GatewayParent {
            name: name.into(),
            namespace: None,
            section_name: None,
            port: None,
        }
    }
    /// Sets the Gateway's namespace.
    ///
    /// ```
    /// let parent = tack::values::GatewayParent::new("public").namespace("gateways");
    /// assert_eq!(parent.namespace.as_deref(), Some("gateways"));
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }
    /// Attaches to one listener.
    ///
    /// ```
    /// let parent = tack::values::GatewayParent::new("public").section_name("https");
    /// assert_eq!(parent.section_name.as_deref(), Some("https"));
    /// ```
    pub fn section_name(mut self, section: impl Into<String>) -> Self {
        self.section_name = Some(section.into());
        self
    }
}

impl Traffic {
    /// Gateway API routes, over HTTP, attached to `parent`.
    ///
    /// ```
    /// use tack::values::{GatewayParent, Traffic, TrafficProvider};
    /// let traffic = Traffic::gateway(GatewayParent::new("public"));
    /// assert_eq!(traffic.provider, TrafficProvider::Gateway);
    /// ```
    pub fn gateway(parent: GatewayParent) -> Self {
        Traffic {
            provider: TrafficProvider::Gateway,
            protocol: TrafficProtocol::Http,
            gateway: GatewayValues {
                parent_refs: vec![parent],
                ..GatewayValues::default()
            },
        }
    }
    /// Adds a host name the routes answer for.
    ///
    /// ```
    /// use tack::values::{GatewayParent, Traffic};
    /// let traffic = Traffic::gateway(GatewayParent::new("public")).hostname("mnist.example.com");
    /// assert_eq!(traffic.gateway.hostnames, ["mnist.example.com"]);
    /// ```
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.gateway.hostnames.push(hostname.into());
        self
    }
    /// Sets the protocol.
    ///
    /// ```
    /// use tack::values::{GatewayParent, Traffic, TrafficProtocol};
    /// let traffic = Traffic::gateway(GatewayParent::new("public")).protocol(TrafficProtocol::Grpc);
    /// assert_eq!(traffic.protocol, TrafficProtocol::Grpc);
    /// ```
    pub fn protocol(mut self, protocol: TrafficProtocol) -> Self {
        self.protocol = protocol;
        self
    }
    /// True with provider `gateway`.
    ///
    /// ```
    /// use tack::values::{GatewayParent, Traffic};
    /// assert!(!Traffic::default().is_gateway());
    /// assert!(Traffic::gateway(GatewayParent::new("public")).is_gateway());
    /// ```
    pub fn is_gateway(&self) -> bool {
        self.provider == TrafficProvider::Gateway
    }
}
