//! Canary: the stable Deployment `<app>` (`track: stable`) and the canary `<app>-canary`
//! (`track: canary`), both labelled `app: <app>`.
//!
//! - mode `replicas`: one Service over both tracks; the canary gets
//!   `ceil(replicas x weight / 100)` pods (at least 1 while weight > 0) and the stable track
//!   the rest, so its share of requests is its share of pods.
//! - mode `ingress`: Services `<app>` (stable) and `<app>-canary`, and an ingress-nginx canary
//!   Ingress `<app>-canary` that sends exactly `weight`% of requests (or those with a header)
//!   to the canary. The stable track keeps all its replicas. With provider `gateway` the
//!   Ingresses give way to one route `<app>`: a rule for the canary header (when set) to the
//!   canary, then one rule with two weighted backends, stable `100 - weight` and canary
//!   `weight`.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::rolling::STABLE;
use super::scaling::serving_replicas;
use super::traffic::{self, Rule};
use super::{Context, shared};
use crate::build::{IngressBuilder, IngressPath};
use crate::manifest::Object;
use crate::values::{Canary, CanaryMode};

/// The label value of the canary track.
pub const CANARY: (&str, &str) = ("track", "canary");

/// Pods of the canary track for `replicas` pods in all at `weight` percent: rounded up, and at
/// least 1 while the weight is above 0.
///
/// ```
/// use tack::strategy::canary_replicas;
/// assert_eq!(canary_replicas(10, 10), 1);
/// assert_eq!(canary_replicas(10, 25), 3);
/// assert_eq!(canary_replicas(3, 1), 1);
/// assert_eq!(canary_replicas(10, 0), 0);
/// assert_eq!(canary_replicas(4, 100), 4);
/// ```
pub fn canary_replicas(replicas: u32, weight: u32) -> u32 {
    if weight == 0 {
        return 0;
    }
    let share = (u64::from(replicas) * u64::from(weight.min(100))).div_ceil(100);
    u32::try_from(share).unwrap_or(replicas).max(1)
}

/// The Services, both Deployments and the Ingresses.
pub fn objects(context: &Context<'_>) -> Vec<Object> {
    let app = context.app;
    let canary = app.strategy.canary.clone().unwrap_or_default();
    let labels = ReleaseLabels::new(context);
    let pod = AppPod::new(app);
    let stable_tag = app.image.tag.as_deref();
    let canary_tag = canary.tag.clone().or_else(|| app.image.tag.clone());
    let canary_name = format!("{}-canary", app.name);
    let (stable_replicas, canary_pods) = match canary.mode {
        CanaryMode::Replicas => {
            let pods = canary_replicas(app.replicas, canary.weight);
            (app.replicas.saturating_sub(pods), pods)
        }
        CanaryMode::Ingress => (
            app.replicas,
            canary
                .replicas
                .unwrap_or_else(|| canary_replicas(app.replicas, canary.weight)),
        ),
    };
    let mut objects = Vec::new();
    match canary.mode {
        CanaryMode::Replicas => objects.push(Object::Service(Box::new(
            shared::service(context, &app.name, labels.selector(None), stable_tag).build(),
        ))),
        CanaryMode::Ingress => {
            objects.push(Object::Service(Box::new(
                shared::service(
                    context,
                    &app.name,
                    labels.selector(Some(STABLE)),
                    stable_tag,
                )
                .build(),
            )));
            objects.push(Object::Service(Box::new(
                shared::internal_service(
                    context,
                    &canary_name,
                    labels.selector(Some(CANARY)),
                    canary_tag.as_deref(),
                )
                .build(),
            )));
        }
    }
    objects.push(Object::Deployment(Box::new(
        shared::deployment(
            context,
            &app.name,
            &pod.image(None, None),
            stable_tag,
            serving_replicas(context, stable_replicas),
            labels.selector(Some(STABLE)),
        )
        .build(),
    )));
    objects.push(Object::Deployment(Box::new(
        shared::deployment(
            context,
            &canary_name,
            &pod.image(canary.repository.as_deref(), canary.tag.as_deref()),
            canary_tag.as_deref(),
            Some(canary_pods),
            labels.selector(Some(CANARY)),
        )
        .build(),
    )));
    if app.traffic.is_gateway() && canary.mode == CanaryMode::Ingress {
        objects.push(weighted_route(context, &canary, &canary_name, stable_tag));
        return objects;
    }
    objects.extend(shared::entry(context, &app.name, stable_tag));
    if canary.mode == CanaryMode::Ingress {
        objects.push(Object::Ingress(Box::new(
            canary_ingress(context, &canary, &canary_name, canary_tag.as_deref()).build(),
        )));
    }
    objects
}

/// The route `<app>` of a canary by weight: requests with the canary header (when set) to
/// the canary; the others split `100 - weight` to stable and `weight` to the canary.
fn weighted_route(
    context: &Context<'_>,
    canary: &Canary,
    canary_service: &str,
    tag: Option<&str>,
) -> Object {
    let app = context.app;
    let weight = canary.weight.min(100);
    let mut rules = Vec::new();
    if let Some(header) = &canary.header {
        let value = canary.header_value.as_deref().unwrap_or("always");
        rules.push(Rule::to(canary_service).with_header(header, value));
    }
    rules.push(Rule {
        backends: vec![
            (app.name.clone(), Some(100 - weight)),
            (canary_service.to_string(), Some(weight)),
        ],
        ..Rule::default()
    });
    traffic::route(
        context,
        &app.name,
        &traffic::hostnames(context),
        tag,
        &rules,
    )
}

/// The ingress-nginx canary Ingress: same host and paths as the main one, to the canary
/// Service, with the weight (and header) as annotations.
fn canary_ingress(
    context: &Context<'_>,
    canary: &Canary,
    name: &str,
    tag: Option<&str>,
) -> IngressBuilder {
    let app = context.app;
    let ingress = &app.ingress;
    let mut annotations = vec![
        (
            "nginx.ingress.kubernetes.io/canary".to_string(),
            "true".to_string(),
        ),
        (
            "nginx.ingress.kubernetes.io/canary-weight".to_string(),
            canary.weight.to_string(),
        ),
    ];
    if let Some(header) = &canary.header {
        annotations.push((
            "nginx.ingress.kubernetes.io/canary-by-header".to_string(),
            header.clone(),
        ));
        annotations.push((
            "nginx.ingress.kubernetes.io/canary-by-header-value".to_string(),
            canary
                .header_value
                .clone()
                .unwrap_or_else(|| "always".to_string()),
        ));
    }
    let mut builder = IngressBuilder::new(name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag))
        .annotations(annotations)
        .class_name(ingress.class_name.as_deref())
        .host(ingress.host.as_deref());
    for path in &ingress.paths {
        builder = builder.path(IngressPath {
            path: path.clone(),
            path_type: ingress.path_type,
            service: name.to_string(),
            port: app.service.port,
        });
    }
    builder
}
