//! Gateway API routes for the strategies (provider `gateway`): what each rule matches and
//! which Services it sends requests to, written as an HTTPRoute or, with protocol `grpc`, a
//! GRPCRoute.
//!
//! A rule here is the strategy's intent ("requests with header `X-Canary: always` go to the
//! canary"); [`route`] turns it into the protocol's matches: a `PathPrefix` match per path
//! for HTTP, a method match per gRPC service for gRPC, each carrying the rule's header.

use super::Context;
use super::labels::ReleaseLabels;
use crate::build::{
    BackendRef, GrpcMethodMatch, GrpcRouteMatch, GrpcRouteRule, HeaderMatch, HttpRouteMatch,
    HttpRouteRule, ParentReference, PathMatch, RouteBuilder,
};
use crate::manifest::Object;
use crate::values::TrafficProtocol;

/// The header a gRPC routing client sets to pick a version, unless `versionHeader` says.
pub const DEFAULT_VERSION_HEADER: &str = "x-model-version";

/// One rule of a route.
#[derive(Debug, Clone, Default)]
pub struct Rule {
    /// Only requests on these path prefixes (HTTP; default: the app's paths).
    pub paths: Option<Vec<String>>,
    /// Only requests carrying this header with this value.
    pub header: Option<(String, String)>,
    /// Where they go: Service name and weight (`None`: Gateway API's default, 1).
    pub backends: Vec<(String, Option<u32>)>,
}

impl Rule {
    /// Every request (on the app's paths) to `service`.
    pub fn to(service: &str) -> Rule {
        Rule {
            backends: vec![(service.to_string(), None)],
            ..Rule::default()
        }
    }

    /// Only requests carrying `name: value`.
    pub fn with_header(mut self, name: &str, value: &str) -> Rule {
        self.header = Some((name.to_string(), value.to_string()));
        self
    }
}

/// The host names the routes answer for: `traffic.gateway.hostnames`, else `ingress.host`.
pub fn hostnames(context: &Context<'_>) -> Vec<String> {
    let app = context.app;
    if app.traffic.gateway.hostnames.is_empty() {
        app.ingress.host.iter().cloned().collect()
    } else {
        app.traffic.gateway.hostnames.clone()
    }
}

/// The path prefixes routed to the app: `traffic.gateway.paths`, else `ingress.paths`.
pub fn paths(context: &Context<'_>) -> Vec<String> {
    let app = context.app;
    app.traffic
        .gateway
        .paths
        .clone()
        .unwrap_or_else(|| app.ingress.paths.clone())
}

/// `builder` with the route's metadata, its Gateways and its host names.
fn attached<Rule>(
    context: &Context<'_>,
    builder: RouteBuilder<Rule>,
    hostnames: &[String],
    tag: Option<&str>,
) -> RouteBuilder<Rule> {
    let gateway = &context.app.traffic.gateway;
    let mut labels = ReleaseLabels::new(context).common(tag);
    labels.extend(gateway.labels.clone());
    let mut builder = builder
        .namespace_opt(context.namespace)
        .labels(labels)
        .annotations(gateway.annotations.clone());
    for parent in &gateway.parent_refs {
        builder = builder.parent_ref(ParentReference {
            name: parent.name.clone(),
            namespace: parent.namespace.clone(),
            section_name: parent.section_name.clone(),
            port: parent.port,
        });
    }
    for hostname in hostnames {
        builder = builder.hostname(hostname);
    }
    builder
}

/// The route `name` for `rules`, answering for `hostnames`, labelled for `tag`.
pub fn route(
    context: &Context<'_>,
    name: &str,
    hostnames: &[String],
    tag: Option<&str>,
    rules: &[Rule],
) -> Object {
    let app = context.app;
    let gateway = &app.traffic.gateway;
    let port = app.service.port;
    let backends = |rule: &Rule| -> Vec<BackendRef> {
        rule.backends
            .iter()
            .map(|(service, weight)| BackendRef {
                name: service.clone(),
                port,
                weight: *weight,
            })
            .collect()
    };
    let headers = |rule: &Rule| -> Vec<HeaderMatch> {
        rule.header
            .iter()
            .map(|(name, value)| HeaderMatch::exact(name, value))
            .collect()
    };
    match app.traffic.protocol {
        TrafficProtocol::Http => {
            let mut builder = attached(context, RouteBuilder::http(name), hostnames, tag);
            for rule in rules {
                let matches = rule
                    .paths
                    .clone()
                    .unwrap_or_else(|| paths(context))
                    .into_iter()
                    .map(|path| HttpRouteMatch {
                        path: Some(PathMatch::prefix(path)),
                        headers: headers(rule),
                    })
                    .collect();
                builder = builder.rule(HttpRouteRule {
                    matches,
                    backend_refs: backends(rule),
                });
            }
            Object::HttpRoute(Box::new(builder.build()))
        }
        TrafficProtocol::Grpc => {
            let mut builder = attached(context, RouteBuilder::grpc(name), hostnames, tag);
            for rule in rules {
                let mut matches: Vec<GrpcRouteMatch> = gateway
                    .grpc_services
                    .iter()
                    .map(|service| GrpcRouteMatch {
                        method: Some(GrpcMethodMatch::service(service)),
                        headers: headers(rule),
                    })
                    .collect();
                if matches.is_empty() && rule.header.is_some() {
                    matches.push(GrpcRouteMatch {
                        method: None,
                        headers: headers(rule),
                    });
                }
                builder = builder.rule(GrpcRouteRule {
                    matches,
                    backend_refs: backends(rule),
                });
            }
            Object::GrpcRoute(Box::new(builder.build()))
        }
    }
}
