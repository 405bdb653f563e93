//! How the app is reached: the Service and the Ingress.

use super::scalars::PortRef;
use crate::build::{PathType, ServiceType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Service in front of the app.
///
/// ```
/// use tack::build::ServiceType;
/// use tack::values::{App, ServiceValues};
/// let service = ServiceValues {
///     kind: ServiceType::NodePort,
///     node_port: Some(30080),
///     ..ServiceValues::default()
/// };
/// let app = App::new("mnist", "mnist:1").service(service);
/// let manifests = tack::Release::new("prod", app).render()?;
/// let service = manifests.iter().find(|m| m.kind() == "Service").unwrap();
/// assert_eq!(service.json()["spec"]["ports"][0]["nodePort"], 30080);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceValues {
    /// How the Service is exposed.
    #[serde(rename = "type", default)]
    pub kind: ServiceType,
    /// The port clients connect to.
    #[serde(default = "default_service_port")]
    pub port: u16,
    /// The container port traffic goes to (default: `http`, the main container port).
    pub target_port: Option<PortRef>,
    /// Fixed node port, for `NodePort` and `LoadBalancer` (default: assigned by the cluster).
    pub node_port: Option<u16>,
    /// Annotations, e.g. for a cloud load balancer.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

fn default_service_port() -> u16 {
    80
}

impl Default for ServiceValues {
    fn default() -> Self {
        ServiceValues {
            kind: ServiceType::ClusterIP,
            port: default_service_port(),
            target_port: None,
            node_port: None,
            annotations: BTreeMap::new(),
        }
    }
}

/// The Ingress that routes HTTP traffic to the Service.
///
/// ```
/// use tack::values::{App, IngressValues};
/// let ingress = IngressValues {
///     enabled: true,
///     host: Some("mnist.example.com".into()),
///     ..IngressValues::default()
/// };
/// let app = App::new("mnist", "mnist:1").ingress(ingress);
/// let manifests = tack::Release::new("prod", app).render()?;
/// let ingress = manifests.iter().find(|m| m.kind() == "Ingress").unwrap();
/// let rule = &ingress.json()["spec"]["rules"][0];
/// assert_eq!(rule["host"], "mnist.example.com");
/// assert_eq!(rule["http"]["paths"][0]["path"], "/"); // the default path
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressValues {
    /// Render the Ingress.
    #[serde(default)]
    pub enabled: bool,
    /// The IngressClass, e.g. `nginx`.
    pub class_name: Option<String>,
    /// Host name, e.g. `mnist.example.com` (default: all hosts).
    pub host: Option<String>,
    /// Paths routed to the app (default: `/`).
    #[serde(default = "default_paths")]
    pub paths: Vec<String>,
    /// How paths match.
    #[serde(default)]
    pub path_type: PathType,
    /// A Secret of type `kubernetes.io/tls` for HTTPS on `host`.
    pub tls_secret: Option<String>,
    /// Annotations, e.g. for ingress-nginx or cert-manager.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

fn default_paths() -> Vec<String> {
    vec!["/".to_string()]
}

impl Default for IngressValues {
    fn default() -> Self {
        IngressValues {
            enabled: false,
            class_name: None,
            host: None,
            paths: default_paths(),
            path_type: PathType::Prefix,
            tls_secret: None,
            annotations: BTreeMap::new(),
        }
    }
}
