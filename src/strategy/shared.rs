//! What every strategy renders the same way: the app's Secrets, the main Service and the main
//! Ingress, and each Deployment's pod replacement settings.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::{Context, Rendered, traffic};
use crate::build::{
    DeploymentBuilder, IngressBuilder, IngressPath, SecretBuilder, ServiceAccountBuilder,
    ServiceBuilder, ServiceType,
};
use crate::manifest::Object;
use crate::values::{IntOrPercent, PortRef};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The Secret `<app>` with the app's `secrets`, and one TLS Secret per `tlsSecrets` entry.
pub fn secrets(context: &Context<'_>) -> Vec<Rendered> {
    let app = context.app;
    let labels = ReleaseLabels::new(context).common(app.image.tag.as_deref());
    let mut objects = Vec::new();
    if !app.secrets.is_empty() {
        let mut secret = SecretBuilder::opaque(AppPod::new(app).secret_name())
            .namespace_opt(context.namespace)
            .labels(labels.clone());
        for (key, value) in &app.secrets {
            secret = secret.data(key, value.value.as_deref().unwrap_or_default());
        }
        objects.push(Rendered {
            origin: "secrets",
            object: Object::Secret(Box::new(secret.build())),
        });
    }
    for (name, tls) in &app.tls_secrets {
        let secret = SecretBuilder::tls(
            name,
            tls.cert.as_deref().unwrap_or_default(),
            tls.key.as_deref().unwrap_or_default(),
        )
        .namespace_opt(context.namespace)
        .labels(labels.clone());
        objects.push(Rendered {
            origin: "secrets",
            object: Object::Secret(Box::new(secret.build())),
        });
    }
    objects
}

/// The ServiceAccount `serviceAccount.name` (default: the app's name), when
/// `serviceAccount.create` is on.
pub fn service_account(context: &Context<'_>) -> Option<Rendered> {
    let app = context.app;
    if !app.service_account.create {
        return None;
    }
    let name = AppPod::new(app).service_account()?;
    let account = ServiceAccountBuilder::new(name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(app.image.tag.as_deref()))
        .annotations(app.service_account.annotations.clone())
        .build();
    Some(Rendered {
        origin: "serviceAccount",
        object: Object::ServiceAccount(Box::new(account)),
    })
}

/// The port the Services forward to: `service.targetPort`, or the `http` container port.
pub fn target_port(context: &Context<'_>) -> IntOrString {
    match &context.app.service.target_port {
        Some(PortRef::Number(n)) => IntOrString::Int(i32::from(*n)),
        Some(PortRef::Name(name)) => IntOrString::String(name.clone()),
        None => IntOrString::String("http".to_string()),
    }
}

/// A Service called `name` of the app's type and port, selecting `selector`, labelled for
/// `tag`.
pub fn service(
    context: &Context<'_>,
    name: &str,
    selector: crate::build::Labels,
    tag: Option<&str>,
) -> ServiceBuilder {
    let app = context.app;
    ServiceBuilder::new(name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag))
        .annotations(app.service.annotations.clone())
        .type_(app.service.kind)
        .selector(selector)
        .port("http", app.service.port, target_port(context))
        .app_protocol(app_protocol(context))
        .node_port(app.service.node_port)
}

/// `kubernetes.io/h2c` for a gRPC app, so the Gateway speaks HTTP/2 to its pods.
fn app_protocol(context: &Context<'_>) -> Option<&'static str> {
    (context.app.traffic.protocol == crate::values::TrafficProtocol::Grpc)
        .then_some("kubernetes.io/h2c")
}

/// An internal (`ClusterIP`) Service called `name`: for previews, canaries and versions,
/// which are reached through the Ingress or port-forwarding, not from outside.
pub fn internal_service(
    context: &Context<'_>,
    name: &str,
    selector: crate::build::Labels,
    tag: Option<&str>,
) -> ServiceBuilder {
    ServiceBuilder::new(name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag))
        .type_(ServiceType::ClusterIP)
        .selector(selector)
        .port("http", context.app.service.port, target_port(context))
        .app_protocol(app_protocol(context))
}

/// What sends outside requests to the Service `service`: with provider `gateway` the route
/// `<app>`, otherwise the Ingress `<app>` when it is on.
pub fn entry(context: &Context<'_>, service: &str, tag: Option<&str>) -> Option<Object> {
    if context.app.traffic.is_gateway() {
        let hostnames = traffic::hostnames(context);
        return Some(traffic::route(
            context,
            &context.app.name,
            &hostnames,
            tag,
            &[traffic::Rule::to(service)],
        ));
    }
    ingress(context, service, tag).map(|ingress| Object::Ingress(Box::new(ingress.build())))
}

/// The Ingress `<app>` on the app's paths to the Service `service`, if the Ingress is on.
pub fn ingress(context: &Context<'_>, service: &str, tag: Option<&str>) -> Option<IngressBuilder> {
    let app = context.app;
    let ingress = &app.ingress;
    if !ingress.enabled {
        return None;
    }
    let mut builder = IngressBuilder::new(&app.name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag))
        .annotations(ingress.annotations.clone())
        .class_name(ingress.class_name.as_deref())
        .host(ingress.host.as_deref())
        .tls_secret(ingress.tls_secret.as_deref());
    for path in &ingress.paths {
        builder = builder.path(IngressPath {
            path: path.clone(),
            path_type: ingress.path_type,
            service: service.to_string(),
            port: app.service.port,
        });
    }
    Some(builder)
}

/// A Deployment called `name` running `image` with `replicas` pods (`None`: left to its
/// HorizontalPodAutoscaler) selected by `selector`: the app's pod, labels, and rollout
/// settings from `strategy.rollingUpdate`.
pub fn deployment(
    context: &Context<'_>,
    name: &str,
    image: &str,
    tag: Option<&str>,
    replicas: Option<u32>,
    selector: crate::build::Labels,
) -> DeploymentBuilder {
    let app = context.app;
    let rolling = app.strategy.rolling_update.clone().unwrap_or_default();
    let mut builder = DeploymentBuilder::new(name)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag))
        .selector(selector.clone())
        .pod_labels(ReleaseLabels::new(context).common(tag))
        .rolling_update(
            Some(int_or_percent(
                rolling.max_surge.unwrap_or(IntOrPercent::Percent(25)),
            )),
            Some(int_or_percent(
                rolling.max_unavailable.unwrap_or(IntOrPercent::Percent(25)),
            )),
        )
        .min_ready_seconds(rolling.min_ready_seconds)
        .progress_deadline_seconds(rolling.progress_deadline_seconds)
        .revision_history_limit(rolling.revision_history_limit);
    if let Some(replicas) = replicas {
        builder = builder.replicas(replicas);
    }
    AppPod::new(app).fill(builder, image, context, &selector)
}

/// Kubernetes' form of a count or percentage.
pub fn int_or_percent(value: IntOrPercent) -> IntOrString {
    match value {
        IntOrPercent::Int(n) => IntOrString::Int(i32::try_from(n).unwrap_or(i32::MAX)),
        IntOrPercent::Percent(_) => IntOrString::String(value.to_string()),
    }
}
