//! Auto-scaling and auto-healing for the Deployments a strategy made: a
//! HorizontalPodAutoscaler `<deployment>` for each one that serves traffic (the strategy left
//! its `replicas` out for it), and a PodDisruptionBudget `<deployment>` for each one,
//! selecting exactly its pods. With blueGreen the autoscaler is `<name>` and targets the live
//! colour, so a switch retargets it instead of leaving the old colour's autoscaler running
//! (it would keep scaling the idle colour against its fixed replicas).

use super::labels::ReleaseLabels;
use super::shared::int_or_percent;
use super::{Context, Rendered};
use crate::build::{AutoscalerBuilder, DisruptionBudgetBuilder};
use crate::manifest::Object;
use crate::values::{IntOrPercent, StrategyType, UnhealthyPodEvictionPolicy};
use k8s_openapi::api::apps::v1::Deployment;

/// CPU utilization targeted when autoscaling sets no metric (Kubernetes' own default).
const DEFAULT_CPU_UTILIZATION: u32 = 80;

/// Replicas of a Deployment that serves traffic: none when autoscaling owns them.
pub fn serving_replicas(context: &Context<'_>, replicas: u32) -> Option<u32> {
    (!context.app.autoscaling.enabled).then_some(replicas)
}

/// The autoscalers and budgets of `objects`' Deployments, in their order.
pub fn objects(context: &Context<'_>, objects: &[Object]) -> Vec<Rendered> {
    let deployments: Vec<&Deployment> = objects
        .iter()
        .filter_map(|object| match object {
            Object::Deployment(deployment) => Some(deployment.as_ref()),
            _ => None,
        })
        .collect();
    let mut rendered = Vec::new();
    if context.app.autoscaling.enabled {
        rendered.extend(
            deployments
                .iter()
                .filter(|d| d.spec.replicas.is_none())
                .map(|deployment| Rendered {
                    origin: "autoscaling",
                    object: Object::HorizontalPodAutoscaler(Box::new(autoscaler(
                        context, deployment,
                    ))),
                }),
        );
    }
    if context.app.disruption_budget.enabled {
        rendered.extend(deployments.iter().map(|deployment| Rendered {
            origin: "disruptionBudget",
            object: Object::PodDisruptionBudget(Box::new(budget(context, deployment))),
        }));
    }
    rendered
}

fn name_of(deployment: &Deployment) -> String {
    deployment.metadata.name.clone().unwrap_or_default()
}

fn tag_of(deployment: &Deployment) -> Option<&str> {
    deployment
        .metadata
        .labels
        .as_ref()?
        .get("app.kubernetes.io/version")
        .map(String::as_str)
}

fn autoscaler(
    context: &Context<'_>,
    deployment: &Deployment,
) -> k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler {
    let app = context.app;
    let scaling = &app.autoscaling;
    let min = scaling.min_replicas.unwrap_or(app.replicas);
    let max = scaling.max_replicas.unwrap_or(min);
    let target = name_of(deployment);
    let name = if app.strategy.kind == StrategyType::BlueGreen {
        app.name.clone()
    } else {
        target.clone()
    };
    let mut builder = AutoscalerBuilder::new(&name, &target)
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag_of(deployment)))
        .replicas(Some(min), max)
        .behavior(scaling.behavior.as_ref().and_then(|b| b.typed()));
    let no_metric = scaling.cpu_utilization.is_none()
        && scaling.memory_utilization.is_none()
        && scaling.metrics.is_empty();
    if let Some(cpu) = scaling
        .cpu_utilization
        .or(no_metric.then_some(DEFAULT_CPU_UTILIZATION))
    {
        builder = builder.utilization("cpu", cpu);
    }
    if let Some(memory) = scaling.memory_utilization {
        builder = builder.utilization("memory", memory);
    }
    for metric in scaling.metrics.iter().filter_map(|m| m.typed()) {
        builder = builder.metric(metric);
    }
    builder.build()
}

fn budget(
    context: &Context<'_>,
    deployment: &Deployment,
) -> k8s_openapi::api::policy::v1::PodDisruptionBudget {
    let settings = &context.app.disruption_budget;
    let selector = deployment
        .spec
        .selector
        .match_labels
        .clone()
        .unwrap_or_default();
    let mut builder = DisruptionBudgetBuilder::new(name_of(deployment))
        .namespace_opt(context.namespace)
        .labels(ReleaseLabels::new(context).common(tag_of(deployment)))
        .selector(selector)
        .unhealthy_pod_eviction_policy(
            settings
                .unhealthy_pod_eviction_policy
                .unwrap_or(UnhealthyPodEvictionPolicy::AlwaysAllow)
                .as_str(),
        );
    builder = match (settings.min_available, settings.max_unavailable) {
        (Some(min), _) => builder.min_available(int_or_percent(min)),
        (None, max) => builder.max_unavailable(int_or_percent(max.unwrap_or(IntOrPercent::Int(1)))),
    };
    builder.build()
}
