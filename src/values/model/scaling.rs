//! Auto-scaling and auto-healing: a HorizontalPodAutoscaler and a PodDisruptionBudget for
//! each Deployment that serves traffic.

use super::kube::Kube;
use super::scalars::IntOrPercent;
use k8s_openapi::api::autoscaling::v2::{HorizontalPodAutoscalerBehavior, MetricSpec};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An `autoscaling/v2` HorizontalPodAutoscaler per Deployment that serves traffic (the
/// live colour, the stable track, each routed version); those Deployments then leave
/// `replicas` to it.
///
/// ```
/// use tack::values::{App, Autoscaling};
/// let app = App::new("mnist", "mnist:1").autoscaling(Autoscaling::between(2, 10).cpu(70));
/// let manifests = tack::Release::new("prod", app).render()?;
/// let hpa = manifests.iter().find(|m| m.kind() == "HorizontalPodAutoscaler").unwrap();
/// assert_eq!(hpa.json()["spec"]["maxReplicas"], 10);
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// assert!(deployment.json()["spec"].get("replicas").is_none()); // the HPA owns it
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscaling {
    /// Render the HorizontalPodAutoscalers.
    #[serde(default)]
    pub enabled: bool,
    /// The fewest pods (default: `replicas`).
    pub min_replicas: Option<u32>,
    /// The most pods.
    pub max_replicas: Option<u32>,
    /// Target average CPU use, in percent of the pods' CPU request (1-100; default 80 when
    /// no other metric is set).
    pub cpu_utilization: Option<u32>,
    /// Target average memory use, in percent of the pods' memory request (1-100).
    pub memory_utilization: Option<u32>,
    /// More metrics, as Kubernetes writes them (`Pods`, `Object`, `External`, ...), e.g.
    /// requests per second from a metrics adapter.
    #[serde(default)]
    pub metrics: Vec<Kube<MetricSpec>>,
    /// How fast to scale up and down (Kubernetes' `behavior`).
    pub behavior: Option<Kube<HorizontalPodAutoscalerBehavior>>,
}

impl Autoscaling {
    /// Autoscaling on, from `min` to `max` pods.
    ///
    /// ```
    /// let scaling = tack::values::Autoscaling::between(2, 10);
    /// assert_eq!((scaling.enabled, scaling.min_replicas, scaling.max_replicas), (true, Some(2), Some(10)));
    /// ```
    pub fn between(min: u32, max: u32) -> Self {
        Autoscaling {
            enabled: true,
            min_replicas: Some(min),
            max_replicas: Some(max),
            ..Autoscaling::default()
        }
    }
    /// Sets the target CPU utilization, in percent.
    ///
    /// ```
    /// let scaling = tack::values::Autoscaling::between(2, 10).cpu(70);
    /// assert_eq!(scaling.cpu_utilization, Some(70));
    /// ```
    pub fn cpu(mut self, percent: u32) -> Self {
        self.cpu_utilization = Some(percent);
        self
    }
}

/// A `policy/v1` PodDisruptionBudget per Deployment, selecting exactly that Deployment's
/// pods, so node drains and cluster upgrades keep enough of them serving.
///
/// ```
/// use tack::values::{App, DisruptionBudget, IntOrPercent};
/// let budget = DisruptionBudget::max_unavailable(IntOrPercent::Int(1));
/// let app = App::new("mnist", "mnist:1").replicas(3).disruption_budget(budget);
/// let manifests = tack::Release::new("prod", app).render()?;
/// let pdb = manifests.iter().find(|m| m.kind() == "PodDisruptionBudget").unwrap();
/// assert_eq!(pdb.json()["spec"]["maxUnavailable"], 1);
/// assert_eq!(pdb.json()["spec"]["selector"]["matchLabels"]["track"], "stable");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DisruptionBudget {
    /// Render the PodDisruptionBudgets.
    #[serde(default)]
    pub enabled: bool,
    /// Pods that must stay available during a voluntary disruption (`2` or `50%`). Set
    /// this or `maxUnavailable`.
    pub min_available: Option<IntOrPercent>,
    /// Pods that may be down during a voluntary disruption (`1` or `25%`; default 1 when
    /// neither is set).
    pub max_unavailable: Option<IntOrPercent>,
    /// Whether pods that are running but not ready may be evicted regardless of the budget
    /// (default `AlwaysAllow`, as Kubernetes recommends: a crash-looping pod never blocks a
    /// node drain).
    pub unhealthy_pod_eviction_policy: Option<UnhealthyPodEvictionPolicy>,
}

impl DisruptionBudget {
    /// A budget that lets `value` pods be down at a time.
    ///
    /// ```
    /// use tack::values::{DisruptionBudget, IntOrPercent};
    /// let budget = DisruptionBudget::max_unavailable(IntOrPercent::Percent(25));
    /// assert!(budget.enabled && budget.min_available.is_none());
    /// ```
    pub fn max_unavailable(value: IntOrPercent) -> Self {
        DisruptionBudget {
            enabled: true,
            max_unavailable: Some(value),
            ..DisruptionBudget::default()
        }
    }
}

/// Kubernetes' `unhealthyPodEvictionPolicy`.
///
/// ```
/// use tack::values::UnhealthyPodEvictionPolicy;
/// assert_eq!(UnhealthyPodEvictionPolicy::AlwaysAllow.as_str(), "AlwaysAllow");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum UnhealthyPodEvictionPolicy {
    /// Unready pods may be evicted only while the budget has room.
    IfHealthyBudget,
    /// Unready pods may always be evicted.
    AlwaysAllow,
}

impl UnhealthyPodEvictionPolicy {
    /// The name Kubernetes uses.
    ///
    /// ```
    /// use tack::values::UnhealthyPodEvictionPolicy;
    /// assert_eq!(UnhealthyPodEvictionPolicy::IfHealthyBudget.as_str(), "IfHealthyBudget");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            UnhealthyPodEvictionPolicy::IfHealthyBudget => "IfHealthyBudget",
            UnhealthyPodEvictionPolicy::AlwaysAllow => "AlwaysAllow",
        }
    }
}
