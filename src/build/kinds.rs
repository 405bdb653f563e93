//! Closed sets of Kubernetes values the builders take, as enums rather than strings (so a
//! typo is a compile error), shared with the values model that reads them from YAML.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a Service is exposed.
///
/// ```
/// use tack::build::ServiceType;
/// assert_eq!(ServiceType::default(), ServiceType::ClusterIP);
/// assert_eq!(ServiceType::LoadBalancer.to_string(), "LoadBalancer");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ServiceType {
    /// Inside the cluster only.
    #[default]
    ClusterIP,
    /// On a port of every node.
    NodePort,
    /// Through a cloud load balancer.
    LoadBalancer,
}

impl ServiceType {
    /// The Kubernetes spelling.
    ///
    /// ```
    /// assert_eq!(tack::build::ServiceType::NodePort.as_str(), "NodePort");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

/// How an Ingress path matches request paths.
///
/// ```
/// use tack::build::PathType;
/// assert_eq!(PathType::default(), PathType::Prefix);
/// assert_eq!(PathType::ImplementationSpecific.to_string(), "ImplementationSpecific");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PathType {
    /// By path prefix, element by element (`/v1` matches `/v1/predict`).
    #[default]
    Prefix,
    /// The exact path only.
    Exact,
    /// As the IngressClass decides.
    ImplementationSpecific,
}

impl PathType {
    /// The Kubernetes spelling.
    ///
    /// ```
    /// assert_eq!(tack::build::PathType::Exact.as_str(), "Exact");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            PathType::Prefix => "Prefix",
            PathType::Exact => "Exact",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// When the kubelet pulls the image.
///
/// ```
/// use tack::build::PullPolicy;
/// assert_eq!(PullPolicy::IfNotPresent.to_string(), "IfNotPresent");
/// assert_ne!(PullPolicy::Always, PullPolicy::Never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// Pull on every start.
    Always,
    /// Pull when the image is not on the node.
    IfNotPresent,
    /// Never pull; the image must be on the node.
    Never,
}

impl PullPolicy {
    /// The Kubernetes spelling.
    ///
    /// ```
    /// assert_eq!(tack::build::PullPolicy::Never.as_str(), "Never");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

macro_rules! display_as_str {
    ($($name:ident),*) => {
        $(impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        })*
    };
}

display_as_str!(ServiceType, PathType, PullPolicy);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spell_like_kubernetes() {
        assert_eq!(ServiceType::LoadBalancer.to_string(), "LoadBalancer");
        assert_eq!(
            PathType::ImplementationSpecific.as_str(),
            "ImplementationSpecific"
        );
        assert_eq!(PullPolicy::IfNotPresent.to_string(), "IfNotPresent");
    }
}
