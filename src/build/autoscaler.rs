//! HorizontalPodAutoscalers (`autoscaling/v2`).

use super::meta::{MetaBuilder, metadata_methods};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior,
    HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget, ResourceMetricSource,
};

/// Builds a HorizontalPodAutoscaler that scales one Deployment.
///
/// ```
/// use tack::build::AutoscalerBuilder;
/// let hpa = AutoscalerBuilder::new("mnist", "mnist")
///     .replicas(Some(2), 10)
///     .utilization("cpu", 70)
///     .build();
/// let spec = hpa.spec;
/// assert_eq!((spec.min_replicas, spec.max_replicas), (Some(2), 10));
/// assert_eq!(spec.scale_target_ref.kind, "Deployment");
/// assert_eq!(spec.metrics.unwrap()[0].resource.as_ref().unwrap().name, "cpu");
/// ```
#[derive(Debug, Clone)]
pub struct AutoscalerBuilder {
    meta: MetaBuilder,
    deployment: String,
    min_replicas: Option<i32>,
    max_replicas: i32,
    metrics: Vec<MetricSpec>,
    behavior: Option<HorizontalPodAutoscalerBehavior>,
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl AutoscalerBuilder {
    /// An autoscaler called `name` for the Deployment `deployment`, at 1 pod until
    /// [`replicas`](Self::replicas) is set.
    ///
    /// ```
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist-blue").build();
    /// assert_eq!(hpa.spec.scale_target_ref.name, "mnist-blue");
    /// ```
    pub fn new(name: impl Into<String>, deployment: impl Into<String>) -> Self {
        AutoscalerBuilder {
            meta: MetaBuilder::new(name),
            deployment: deployment.into(),
            min_replicas: None,
            max_replicas: 1,
            metrics: Vec::new(),
            behavior: None,
        }
    }

    metadata_methods!();

    /// The range of pods (`minReplicas` defaults to 1 in Kubernetes).
    ///
    /// ```
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist").replicas(None, 4).build();
    /// assert_eq!(hpa.spec.min_replicas, None);
    /// ```
    pub fn replicas(mut self, min: Option<u32>, max: u32) -> Self {
        self.min_replicas = min.map(to_i32);
        self.max_replicas = to_i32(max);
        self
    }

    /// Scales on the pods' average use of `resource` (`cpu`, `memory`), in percent of
    /// their request.
    ///
    /// ```
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist").utilization("memory", 80).build();
    /// let metric = &hpa.spec.metrics.unwrap()[0];
    /// assert_eq!(metric.resource.as_ref().unwrap().target.average_utilization, Some(80));
    /// ```
    pub fn utilization(mut self, resource: &str, percent: u32) -> Self {
        self.metrics.push(MetricSpec {
            type_: "Resource".to_string(),
            resource: Some(ResourceMetricSource {
                name: resource.to_string(),
                target: MetricTarget {
                    type_: "Utilization".to_string(),
                    average_utilization: Some(to_i32(percent)),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        });
        self
    }

    /// Adds a metric as Kubernetes writes it.
    ///
    /// ```
    /// use k8s_openapi::api::autoscaling::v2::MetricSpec;
    /// let metric = MetricSpec { type_: "External".into(), ..MetricSpec::default() };
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist").metric(metric).build();
    /// assert_eq!(hpa.spec.metrics.unwrap()[0].type_, "External");
    /// ```
    pub fn metric(mut self, metric: MetricSpec) -> Self {
        self.metrics.push(metric);
        self
    }

    /// Sets how fast it scales up and down.
    ///
    /// ```
    /// use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist")
    ///     .behavior(Some(HorizontalPodAutoscalerBehavior::default()))
    ///     .build();
    /// assert!(hpa.spec.behavior.is_some());
    /// ```
    pub fn behavior(mut self, behavior: Option<HorizontalPodAutoscalerBehavior>) -> Self {
        self.behavior = behavior;
        self
    }

    /// The HorizontalPodAutoscaler.
    ///
    /// ```
    /// let hpa = tack::build::AutoscalerBuilder::new("mnist", "mnist").build();
    /// assert_eq!(hpa.spec.metrics, None); // none set: Kubernetes' default, 80% CPU
    /// ```
    pub fn build(self) -> HorizontalPodAutoscaler {
        HorizontalPodAutoscaler {
            metadata: self.meta.build(),
            spec: HorizontalPodAutoscalerSpec {
                scale_target_ref: CrossVersionObjectReference {
                    api_version: Some("apps/v1".to_string()),
                    kind: "Deployment".to_string(),
                    name: self.deployment,
                },
                min_replicas: self.min_replicas,
                max_replicas: self.max_replicas,
                metrics: (!self.metrics.is_empty()).then_some(self.metrics),
                behavior: self.behavior,
            },
            status: None,
        }
    }
}
