//! What production pods need beyond the app container: spreading replicas, the service
//! account, and the settings written in Kubernetes' own shape ([`Kube`](super::Kube)).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the app's pods spread over failure domains (rendered as
/// `topologySpreadConstraints` over the app's own pods).
///
/// Without `spread`, an app with more than one replica spreads over nodes, softly
/// (`ScheduleAnyway`), so one node going down does not take every pod.
///
/// ```
/// use tack::values::{Spread, SpreadOver};
/// let spread = Spread { over: vec![SpreadOver::Nodes, SpreadOver::Zones], ..Spread::default() };
/// assert_eq!(spread.max_skew, 1);
/// assert_eq!(SpreadOver::Zones.topology_key(), "topology.kubernetes.io/zone");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Spread {
    /// The domains to spread over: `nodes`, `zones`, or both; `[]` turns spreading off.
    #[serde(default = "default_over")]
    pub over: Vec<SpreadOver>,
    /// The most the number of pods may differ between two domains.
    #[serde(default = "default_max_skew")]
    pub max_skew: u32,
    /// What the scheduler does when it cannot spread: `ScheduleAnyway` (default: prefer
    /// spreading) or `DoNotSchedule` (leave the pod pending).
    #[serde(default)]
    pub when_unsatisfiable: WhenUnsatisfiable,
}

impl Default for Spread {
    fn default() -> Self {
        Spread {
            over: default_over(),
            max_skew: default_max_skew(),
            when_unsatisfiable: WhenUnsatisfiable::default(),
        }
    }
}

fn default_over() -> Vec<SpreadOver> {
    vec![SpreadOver::Nodes]
}

fn default_max_skew() -> u32 {
    1
}

/// A failure domain pods spread over.
///
/// ```
/// assert_eq!(tack::values::SpreadOver::Nodes.topology_key(), "kubernetes.io/hostname");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SpreadOver {
    /// Nodes (`kubernetes.io/hostname`).
    Nodes,
    /// Zones (`topology.kubernetes.io/zone`).
    Zones,
}

impl SpreadOver {
    /// The node label that names the domain.
    ///
    /// ```
    /// assert_eq!(tack::values::SpreadOver::Zones.topology_key(), "topology.kubernetes.io/zone");
    /// ```
    pub fn topology_key(self) -> &'static str {
        match self {
            SpreadOver::Nodes => "kubernetes.io/hostname",
            SpreadOver::Zones => "topology.kubernetes.io/zone",
        }
    }
}

/// What the scheduler does with a pod it cannot place without breaking the spread.
///
/// ```
/// use tack::values::WhenUnsatisfiable;
/// assert_eq!(WhenUnsatisfiable::default().as_str(), "ScheduleAnyway");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WhenUnsatisfiable {
    /// Place it anyway, preferring domains with fewer pods.
    #[default]
    ScheduleAnyway,
    /// Leave it pending.
    DoNotSchedule,
}

impl WhenUnsatisfiable {
    /// The Kubernetes spelling.
    ///
    /// ```
    /// assert_eq!(tack::values::WhenUnsatisfiable::DoNotSchedule.as_str(), "DoNotSchedule");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            WhenUnsatisfiable::ScheduleAnyway => "ScheduleAnyway",
            WhenUnsatisfiable::DoNotSchedule => "DoNotSchedule",
        }
    }
}

/// The pods' Kubernetes service account: created by the release (with annotations, e.g. for
/// workload identity to read the model from S3 or GCS), or an existing one by name.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: r, tag: '1'}\nserviceAccount: {create: true, annotations: {eks.amazonaws.com/role-arn: arn}}\n")?;
/// let account = values.finish(None)?.app.service_account;
/// assert!(account.create);
/// assert_eq!(account.annotations["eks.amazonaws.com/role-arn"], "arn");
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceAccountValues {
    /// Render a ServiceAccount for the app.
    #[serde(default)]
    pub create: bool,
    /// Its name (default: the app's name); without `create`, an existing account to use.
    pub name: Option<String>,
    /// Annotations of the created ServiceAccount, e.g. `eks.amazonaws.com/role-arn` or
    /// `iam.gke.io/gcp-service-account`.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}
