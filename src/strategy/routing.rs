//! Path routing: per version `vN`, a Deployment `<app>-vN` and a Service `<app>-vN`
//! (label `version: vN`); one Ingress `<app>` with a Prefix path per version (`/v1`, `/v2`),
//! or with provider `gateway` one route `<app>` with a rule per version: a `PathPrefix` match
//! for HTTP, the version header (`x-model-version: vN`) for gRPC.
//! Clients pick the version by path; old and new run side by side until a version is removed
//! from the list.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::scaling::serving_replicas;
use super::traffic::{self, DEFAULT_VERSION_HEADER, Rule};
use super::{Context, shared};
use crate::build::{IngressBuilder, IngressPath, PathType};
use crate::manifest::Object;
use crate::values::TrafficProtocol;

/// The label that tells versions apart.
pub const VERSION: &str = "version";

/// One Service and Deployment per version, and the Ingress.
pub fn objects(context: &Context<'_>) -> Vec<Object> {
    let app = context.app;
    let versions = app
        .strategy
        .routing
        .as_ref()
        .map(|r| r.versions.clone())
        .unwrap_or_default();
    let labels = ReleaseLabels::new(context);
    let pod = AppPod::new(app);
    let mut services = Vec::new();
    let mut deployments = Vec::new();
    let mut rules = Vec::new();
    let ingress = &app.ingress;
    let mut router = IngressBuilder::new(&app.name)
        .namespace_opt(context.namespace)
        .labels(labels.common(app.image.tag.as_deref()))
        .annotations(ingress.annotations.clone())
        .class_name(ingress.class_name.as_deref())
        .host(ingress.host.as_deref())
        .tls_secret(ingress.tls_secret.as_deref());
    for version in &versions {
        let name = format!("{}-{}", app.name, version.name);
        let tag = version.tag.clone().or_else(|| app.image.tag.clone());
        let selector = labels.selector(Some((VERSION, &version.name)));
        services.push(Object::Service(Box::new(
            shared::internal_service(context, &name, selector.clone(), tag.as_deref()).build(),
        )));
        deployments.push(Object::Deployment(Box::new(
            shared::deployment(
                context,
                &name,
                &pod.image(version.repository.as_deref(), version.tag.as_deref()),
                tag.as_deref(),
                serving_replicas(context, version.replicas.unwrap_or(app.replicas)),
                selector,
            )
            .build(),
        )));
        router = router.path(IngressPath {
            path: version.path(),
            path_type: PathType::Prefix,
            service: name.clone(),
            port: app.service.port,
        });
        rules.push(match app.traffic.protocol {
            TrafficProtocol::Http => Rule {
                paths: Some(vec![version.path()]),
                ..Rule::to(&name)
            },
            TrafficProtocol::Grpc => Rule::to(&name).with_header(
                app.traffic
                    .gateway
                    .version_header
                    .as_deref()
                    .unwrap_or(DEFAULT_VERSION_HEADER),
                &version.name,
            ),
        });
    }
    let mut objects = services;
    objects.extend(deployments);
    if app.traffic.is_gateway() {
        let tag = app.image.tag.as_deref();
        let hostnames = traffic::hostnames(context);
        objects.push(traffic::route(context, &app.name, &hostnames, tag, &rules));
    } else {
        objects.push(Object::Ingress(Box::new(router.build())));
    }
    objects
}
