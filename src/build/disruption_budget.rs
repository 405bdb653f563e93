//! PodDisruptionBudgets (`policy/v1`).

use super::Labels;
use super::meta::{MetaBuilder, metadata_methods};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Builds a PodDisruptionBudget over the pods a selector picks.
///
/// ```
/// use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
/// use tack::build::DisruptionBudgetBuilder;
/// let pdb = DisruptionBudgetBuilder::new("mnist")
///     .selector([("app", "mnist"), ("track", "stable")])
///     .max_unavailable(IntOrString::Int(1))
///     .build();
/// let spec = pdb.spec.unwrap();
/// assert_eq!(spec.max_unavailable, Some(IntOrString::Int(1)));
/// assert_eq!(spec.selector.unwrap().match_labels.unwrap()["track"], "stable");
/// ```
#[derive(Debug, Clone)]
pub struct DisruptionBudgetBuilder {
    meta: MetaBuilder,
    selector: Labels,
    min_available: Option<IntOrString>,
    max_unavailable: Option<IntOrString>,
    unhealthy_pod_eviction_policy: Option<String>,
}

impl DisruptionBudgetBuilder {
    /// A budget called `name`.
    ///
    /// ```
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist").build();
    /// assert_eq!(pdb.metadata.name.as_deref(), Some("mnist"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DisruptionBudgetBuilder {
            meta: MetaBuilder::new(name),
            selector: Labels::new(),
            min_available: None,
            max_unavailable: None,
            unhealthy_pod_eviction_policy: None,
        }
    }

    metadata_methods!();

    /// The labels of the pods it covers (`matchLabels`).
    ///
    /// ```
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist").selector([("app", "mnist")]).build();
    /// assert_eq!(pdb.spec.unwrap().selector.unwrap().match_labels.unwrap().len(), 1);
    /// ```
    pub fn selector<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.selector
            .extend(labels.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Pods that must stay available.
    ///
    /// ```
    /// use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist")
    ///     .min_available(IntOrString::String("50%".into()))
    ///     .build();
    /// assert_eq!(pdb.spec.unwrap().min_available, Some(IntOrString::String("50%".into())));
    /// ```
    pub fn min_available(mut self, value: IntOrString) -> Self {
        self.min_available = Some(value);
        self
    }

    /// Pods that may be down at a time.
    ///
    /// ```
    /// use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist").max_unavailable(IntOrString::Int(2)).build();
    /// assert_eq!(pdb.spec.unwrap().max_unavailable, Some(IntOrString::Int(2)));
    /// ```
    pub fn max_unavailable(mut self, value: IntOrString) -> Self {
        self.max_unavailable = Some(value);
        self
    }

    /// `IfHealthyBudget` or `AlwaysAllow`.
    ///
    /// ```
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist")
    ///     .unhealthy_pod_eviction_policy("AlwaysAllow")
    ///     .build();
    /// assert_eq!(pdb.spec.unwrap().unhealthy_pod_eviction_policy.as_deref(), Some("AlwaysAllow"));
    /// ```
    pub fn unhealthy_pod_eviction_policy(mut self, policy: &str) -> Self {
        self.unhealthy_pod_eviction_policy = Some(policy.to_string());
        self
    }

    /// The PodDisruptionBudget.
    ///
    /// ```
    /// let pdb = tack::build::DisruptionBudgetBuilder::new("mnist").build();
    /// assert_eq!(pdb.spec.unwrap().selector, None); // no labels: no selector
    /// ```
    pub fn build(self) -> PodDisruptionBudget {
        PodDisruptionBudget {
            metadata: self.meta.build(),
            spec: Some(PodDisruptionBudgetSpec {
                selector: (!self.selector.is_empty()).then_some(LabelSelector {
                    match_labels: Some(self.selector),
                    match_expressions: None,
                }),
                min_available: self.min_available,
                max_unavailable: self.max_unavailable,
                unhealthy_pod_eviction_policy: self.unhealthy_pod_eviction_policy,
            }),
            status: None,
        }
    }
}
