//! Path routing: per version `vN`, a Deployment `<app>-vN` and a Service `<app>-vN`
//! (label `version: vN`); one Ingress `<app>` with a Prefix path per version (`/v1`, `/v2`).
//! Clients pick the version by path; old and new run side by side until a version is removed
//! from the list.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::{Context, shared};
use crate::build::{IngressBuilder, IngressPath, PathType};
use crate::manifest::Object;

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
                version.replicas.unwrap_or(app.replicas),
                selector,
            )
            .build(),
        )));
        router = router.path(IngressPath {
            path: version.path(),
            path_type: PathType::Prefix,
            service: name,
            port: app.service.port,
        });
    }
    let mut objects = services;
    objects.extend(deployments);
    objects.push(Object::Ingress(Box::new(router.build())));
    objects
}
