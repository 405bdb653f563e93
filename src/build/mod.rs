//! Builders for the Kubernetes objects tack renders, over `k8s-openapi` types.
//!
//! Each builder reads like the manifest it produces and can be used on its own, without value
//! files. Empty maps and lists are never emitted (`None`, not `Some(empty)`), so the YAML
//! holds only what was set.
//!
//! ```
//! use tack::build::{ContainerBuilder, DeploymentBuilder};
//! let deployment = DeploymentBuilder::new("mnist")
//!     .namespace("ml")
//!     .selector([("app", "mnist")])
//!     .replicas(3)
//!     .container(
//!         ContainerBuilder::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
//!             .port("http", 5000)
//!             .env("MODEL_PATH", "/models/mnist.pt")
//!             .build(),
//!     )
//!     .build();
//! assert_eq!(deployment.spec.replicas, Some(3));
//! ```

mod autoscaler;
mod configmap;
mod container;
mod deployment;
mod disruption_budget;
mod gateway;
mod ingress;
mod kinds;
mod meta;
mod secret;
mod service;
mod service_account;

pub use autoscaler::AutoscalerBuilder;
pub use configmap::ConfigMapBuilder;
pub use container::ContainerBuilder;
pub use deployment::DeploymentBuilder;
pub use disruption_budget::DisruptionBudgetBuilder;
pub use gateway::{
    BackendRef, GATEWAY_API_VERSION, GrpcMethodMatch, GrpcRoute, GrpcRouteMatch, GrpcRouteRule,
    HeaderMatch, HttpRoute, HttpRouteMatch, HttpRouteRule, ParentReference, PathMatch, Route,
    RouteBuilder, RouteSpec,
};
pub use ingress::{IngressBuilder, IngressPath};
pub use kinds::{PathType, PullPolicy, ServiceType};
pub use meta::MetaBuilder;
pub use secret::SecretBuilder;
pub use service::ServiceBuilder;
pub use service_account::ServiceAccountBuilder;

use std::collections::BTreeMap;

/// A map of labels or annotations.
///
/// ```
/// use tack::build::{Labels, labels};
/// let map: Labels = labels([("app", "mnist")]);
/// assert_eq!(map.get("app").map(String::as_str), Some("mnist"));
/// ```
pub type Labels = BTreeMap<String, String>;

/// Turns pairs into a label map.
///
/// ```
/// let labels = tack::build::labels([("app", "mnist"), ("tier", "model")]);
/// assert_eq!(labels.len(), 2);
/// assert_eq!(labels["tier"], "model");
/// ```
pub fn labels<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Labels {
    pairs
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// `None` for an empty map, so it is not emitted.
pub(crate) fn non_empty_map<K: Ord, V>(map: BTreeMap<K, V>) -> Option<BTreeMap<K, V>> {
    (!map.is_empty()).then_some(map)
}

/// `None` for an empty list, so it is not emitted.
pub(crate) fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}
