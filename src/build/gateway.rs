//! Gateway API routes (`gateway.networking.k8s.io/v1`): HTTPRoutes and GRPCRoutes.
//!
//! `k8s-openapi` has no Gateway API types, and the `gateway-api` crate pins another
//! `k8s-openapi` (two copies would double the build), so these are written here: the part of
//! the v1 (Standard channel) spec that tack emits, with the upstream JSON names. Fields the
//! routes do not set are left out, so the YAML holds only what was set.

use super::meta::{MetaBuilder, metadata_methods};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// The API version of the routes.
///
/// ```
/// let route = tack::build::RouteBuilder::http("mnist").build();
/// assert_eq!(route.api_version, tack::build::GATEWAY_API_VERSION);
/// ```
pub const GATEWAY_API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// A Gateway (or one of its listeners) a route attaches to.
///
/// ```
/// use tack::build::ParentReference;
/// let parent = ParentReference { namespace: Some("gateways".into()), ..ParentReference::new("public") };
/// let json = serde_json::to_value(&parent).unwrap();
/// assert_eq!(json, serde_json::json!({"name": "public", "namespace": "gateways"}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// The Gateway's name.
    pub name: String,
    /// The Gateway's namespace (default: the route's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A listener of the Gateway, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// The listeners on this port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

impl ParentReference {
    /// A Gateway in the route's namespace.
    ///
    /// ```
    /// assert_eq!(tack::build::ParentReference::new("public").name, "public");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        ParentReference {
            name: name.into(),
            ..ParentReference::default()
        }
    }
}

/// A Service port a rule sends requests to, with its relative weight.
///
/// ```
/// use tack::build::BackendRef;
/// let backend = BackendRef::service("mnist-canary", 80).weight(10);
/// let json = serde_json::to_value(&backend).unwrap();
/// assert_eq!(json, serde_json::json!({"name": "mnist-canary", "port": 80, "weight": 10}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendRef {
    /// The Service's name.
    pub name: String,
    /// The Service port.
    pub port: u16,
    /// The share of requests, relative to the rule's other backends (0 to 1,000,000;
    /// Gateway API's default is 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

impl BackendRef {
    /// The Service `name` on `port`.
    ///
    /// ```
    /// assert_eq!(tack::build::BackendRef::service("mnist", 80).weight, None);
    /// ```
    pub fn service(name: impl Into<String>, port: u16) -> Self {
        BackendRef {
            name: name.into(),
            port,
            weight: None,
        }
    }
    /// Sets the weight.
    ///
    /// ```
    /// assert_eq!(tack::build::BackendRef::service("mnist", 80).weight(90).weight, Some(90));
    /// ```
    pub fn weight(mut self, weight: u32) -> Self {
        self.weight = Some(weight);
        self
    }
}

/// A request header that must have a value, exactly.
///
/// ```
/// use tack::build::HeaderMatch;
/// let json = serde_json::to_value(HeaderMatch::exact("X-Canary", "always")).unwrap();
/// assert_eq!(json, serde_json::json!({"name": "X-Canary", "value": "always"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderMatch {
    /// The header's name.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl HeaderMatch {
    /// The header `name` with value `value` (type `Exact`, Gateway API's default).
    ///
    /// ```
    /// assert_eq!(tack::build::HeaderMatch::exact("X-Preview", "true").value, "true");
    /// ```
    pub fn exact(name: impl Into<String>, value: impl Into<String>) -> Self {
        HeaderMatch {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// How an HTTP request path matches.
///
/// ```
/// use tack::build::PathMatch;
/// let json = serde_json::to_value(PathMatch::prefix("/v1")).unwrap();
/// assert_eq!(json, serde_json::json!({"type": "PathPrefix", "value": "/v1"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathMatch {
    /// `PathPrefix` or `Exact`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The path.
    pub value: String,
}

impl PathMatch {
    /// Paths starting with `path`, element by element (`/v1` matches `/v1/predict`, not
    /// `/v10`).
    ///
    /// ```
    /// assert_eq!(tack::build::PathMatch::prefix("/").kind, "PathPrefix");
    /// ```
    pub fn prefix(path: impl Into<String>) -> Self {
        PathMatch {
            kind: "PathPrefix".to_string(),
            value: path.into(),
        }
    }
    /// Exactly `path`.
    ///
    /// ```
    /// assert_eq!(tack::build::PathMatch::exact("/healthz").kind, "Exact");
    /// ```
    pub fn exact(path: impl Into<String>) -> Self {
        PathMatch {
            kind: "Exact".to_string(),
            value: path.into(),
        }
    }
}

/// One condition of an HTTPRoute rule: a path and headers that must all match.
///
/// ```
/// use tack::build::{HeaderMatch, HttpRouteMatch, PathMatch};
/// let condition = HttpRouteMatch {
///     path: Some(PathMatch::prefix("/")),
///     headers: vec![HeaderMatch::exact("X-Canary", "always")],
/// };
/// assert_eq!(serde_json::to_value(&condition).unwrap()["headers"][0]["name"], "X-Canary");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRouteMatch {
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathMatch>,
    /// Headers the request must carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderMatch>,
}

/// One rule of an HTTPRoute: requests matching any of `matches` go to `backend_refs`.
///
/// ```
/// use tack::build::{BackendRef, HttpRouteRule};
/// let rule = HttpRouteRule { backend_refs: vec![BackendRef::service("mnist", 80)], ..HttpRouteRule::default() };
/// assert!(serde_json::to_value(&rule).unwrap().get("matches").is_none()); // every request
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// The conditions, any of which selects this rule (none: every request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<HttpRouteMatch>,
    /// Where matching requests go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backend_refs: Vec<BackendRef>,
}

/// A gRPC service (and optionally one method) a request calls.
///
/// ```
/// use tack::build::GrpcMethodMatch;
/// let json = serde_json::to_value(GrpcMethodMatch::service("inference.GRPCInferenceService")).unwrap();
/// assert_eq!(json, serde_json::json!({"service": "inference.GRPCInferenceService"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrpcMethodMatch {
    /// The fully qualified service name.
    pub service: String,
}

impl GrpcMethodMatch {
    /// Every method of `service` (type `Exact`, the default).
    ///
    /// ```
    /// assert_eq!(tack::build::GrpcMethodMatch::service("a.B").service, "a.B");
    /// ```
    pub fn service(service: impl Into<String>) -> Self {
        GrpcMethodMatch {
            service: service.into(),
        }
    }
}

/// One condition of a GRPCRoute rule.
///
/// ```
/// use tack::build::{GrpcMethodMatch, GrpcRouteMatch};
/// let condition = GrpcRouteMatch { method: Some(GrpcMethodMatch::service("a.B")), headers: vec![] };
/// assert_eq!(serde_json::to_value(&condition).unwrap()["method"]["service"], "a.B");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrpcRouteMatch {
    /// The service called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<GrpcMethodMatch>,
    /// Metadata (headers) the request must carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderMatch>,
}

/// One rule of a GRPCRoute.
///
/// ```
/// use tack::build::{BackendRef, GrpcRouteRule};
/// let rule = GrpcRouteRule { backend_refs: vec![BackendRef::service("triton", 8001)], ..GrpcRouteRule::default() };
/// assert_eq!(serde_json::to_value(&rule).unwrap()["backendRefs"][0]["port"], 8001);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcRouteRule {
    /// The conditions, any of which selects this rule (none: every request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<GrpcRouteMatch>,
    /// Where matching requests go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backend_refs: Vec<BackendRef>,
}

/// The spec of a route: where it attaches, the hosts it answers for, and its rules.
///
/// ```
/// use tack::build::{HttpRouteRule, ParentReference, RouteSpec};
/// let spec: RouteSpec<HttpRouteRule> = RouteSpec {
///     parent_refs: vec![ParentReference::new("public")],
///     hostnames: vec![],
///     rules: vec![],
/// };
/// assert_eq!(serde_json::to_value(&spec).unwrap(), serde_json::json!({"parentRefs": [{"name": "public"}]}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteSpec<Rule> {
    /// The Gateways it attaches to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parent_refs: Vec<ParentReference>,
    /// The host names it answers for (none: every host of the listener).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    /// Its rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// A Gateway API route object: `kind` is `HTTPRoute` or `GRPCRoute`.
///
/// ```
/// use tack::build::RouteBuilder;
/// let route = RouteBuilder::http("mnist").parent("public").build();
/// let json = serde_json::to_value(&route).unwrap();
/// assert_eq!((json["apiVersion"].as_str(), json["kind"].as_str()), (Some("gateway.networking.k8s.io/v1"), Some("HTTPRoute")));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route<Rule> {
    /// `gateway.networking.k8s.io/v1`.
    pub api_version: String,
    /// `HTTPRoute` or `GRPCRoute`.
    pub kind: String,
    /// Name, namespace, labels and annotations.
    pub metadata: ObjectMeta,
    /// What it routes.
    pub spec: RouteSpec<Rule>,
}

/// An HTTPRoute.
///
/// ```
/// let route: tack::build::HttpRoute = tack::build::RouteBuilder::http("mnist").build();
/// assert_eq!(route.kind, "HTTPRoute");
/// ```
pub type HttpRoute = Route<HttpRouteRule>;

/// A GRPCRoute.
///
/// ```
/// let route: tack::build::GrpcRoute = tack::build::RouteBuilder::grpc("triton").build();
/// assert_eq!(route.kind, "GRPCRoute");
/// ```
pub type GrpcRoute = Route<GrpcRouteRule>;

/// Builds an HTTPRoute or a GRPCRoute.
///
/// ```
/// use tack::build::{BackendRef, HttpRouteRule, RouteBuilder};
/// let route = RouteBuilder::http("mnist")
///     .parent("public")
///     .hostname("mnist.example.com")
///     .rule(HttpRouteRule { backend_refs: vec![BackendRef::service("mnist", 80)], ..HttpRouteRule::default() })
///     .build();
/// assert_eq!(route.spec.hostnames, ["mnist.example.com"]);
/// assert_eq!(route.spec.rules[0].backend_refs[0].name, "mnist");
/// ```
#[derive(Debug, Clone)]
pub struct RouteBuilder<Rule> {
    kind: &'static str,
    meta: MetaBuilder,
    spec: RouteSpec<Rule>,
}

impl RouteBuilder<HttpRouteRule> {
    /// An HTTPRoute called `name`.
    ///
    /// ```
    /// assert_eq!(tack::build::RouteBuilder::http("mnist").build().kind, "HTTPRoute");
    /// ```
    pub fn http(name: impl Into<String>) -> Self {
        RouteBuilder::new("HTTPRoute", name)
    }
}

impl RouteBuilder<GrpcRouteRule> {
    /// A GRPCRoute called `name`.
    ///
    /// ```
    /// assert_eq!(tack::build::RouteBuilder::grpc("triton").build().kind, "GRPCRoute");
    /// ```
    pub fn grpc(name: impl Into<String>) -> Self {
        RouteBuilder::new("GRPCRoute", name)
    }
}

impl<Rule> RouteBuilder<Rule> {
    fn new(kind: &'static str, name: impl Into<String>) -> Self {
        RouteBuilder {
            kind,
            meta: MetaBuilder::new(name),
            spec: RouteSpec {
                parent_refs: Vec::new(),
                hostnames: Vec::new(),
                rules: Vec::new(),
            },
        }
    }

    metadata_methods!();

    /// Attaches to the Gateway `name` in the route's namespace.
    ///
    /// ```
    /// let route = tack::build::RouteBuilder::http("mnist").parent("public").build();
    /// assert_eq!(route.spec.parent_refs[0].name, "public");
    /// ```
    pub fn parent(self, name: impl Into<String>) -> Self {
        self.parent_ref(ParentReference::new(name))
    }

    /// Attaches to a Gateway or listener.
    ///
    /// ```
    /// use tack::build::{ParentReference, RouteBuilder};
    /// let https = ParentReference { section_name: Some("https".into()), ..ParentReference::new("public") };
    /// let route = RouteBuilder::http("mnist").parent_ref(https).build();
    /// assert_eq!(route.spec.parent_refs[0].section_name.as_deref(), Some("https"));
    /// ```
    pub fn parent_ref(mut self, parent: ParentReference) -> Self {
        self.spec.parent_refs.push(parent);
        self
    }

    /// Adds a host name.
    ///
    /// ```
    /// let route = tack::build::RouteBuilder::http("mnist").hostname("a.example.com").build();
    /// assert_eq!(route.spec.hostnames.len(), 1);
    /// ```
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.spec.hostnames.push(hostname.into());
        self
    }

    /// Adds a rule (rules are listed in the order added).
    ///
    /// ```
    /// use tack::build::{GrpcRouteRule, RouteBuilder};
    /// let route = RouteBuilder::grpc("triton").rule(GrpcRouteRule::default()).build();
    /// assert_eq!(route.spec.rules.len(), 1);
    /// ```
    pub fn rule(mut self, rule: Rule) -> Self {
        self.spec.rules.push(rule);
        self
    }

    /// The route.
    ///
    /// ```
    /// let route = tack::build::RouteBuilder::http("mnist").labels([("app", "mnist")]).build();
    /// assert_eq!(route.metadata.labels.unwrap()["app"], "mnist");
    /// ```
    pub fn build(self) -> Route<Rule> {
        Route {
            api_version: GATEWAY_API_VERSION.to_string(),
            kind: self.kind.to_string(),
            metadata: self.meta.build(),
            spec: self.spec,
        }
    }
}
