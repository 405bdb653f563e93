//! Services.

use super::meta::{MetaBuilder, metadata_methods};
use super::{Labels, ServiceType, non_empty, non_empty_map};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Builds a Service.
///
/// ```
/// use tack::build::ServiceBuilder;
/// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
/// let service = ServiceBuilder::new("mnist")
///     .selector([("app", "mnist")])
///     .port("http", 80, IntOrString::String("http".into()))
///     .build();
/// assert_eq!(service.spec.unwrap().ports.unwrap()[0].port, 80);
/// ```
#[derive(Debug, Clone)]
pub struct ServiceBuilder {
    meta: MetaBuilder,
    type_: Option<ServiceType>,
    selector: Labels,
    ports: Vec<ServicePort>,
}

impl ServiceBuilder {
    /// A Service called `name`.
    ///
    /// ```
    /// let service = tack::build::ServiceBuilder::new("mnist").build();
    /// assert_eq!(service.metadata.name.as_deref(), Some("mnist"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        ServiceBuilder {
            meta: MetaBuilder::new(name),
            type_: None,
            selector: Labels::new(),
            ports: Vec::new(),
        }
    }

    metadata_methods!();

    /// Sets how the Service is exposed.
    ///
    /// ```
    /// use tack::build::{ServiceBuilder, ServiceType};
    /// let service = ServiceBuilder::new("web").type_(ServiceType::NodePort).build();
    /// assert_eq!(service.spec.unwrap().type_.as_deref(), Some("NodePort"));
    /// ```
    pub fn type_(mut self, type_: ServiceType) -> Self {
        self.type_ = Some(type_);
        self
    }

    /// Sets the labels of the pods the Service sends traffic to.
    ///
    /// ```
    /// let service = tack::build::ServiceBuilder::new("mnist").selector([("app", "mnist")]).build();
    /// assert_eq!(service.spec.unwrap().selector.unwrap()["app"], "mnist");
    /// ```
    pub fn selector<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.selector.extend(super::labels(labels));
        self
    }

    /// Adds a TCP port `port` that forwards to `target_port` (number or container port name).
    ///
    /// ```
    /// use tack::build::ServiceBuilder;
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let service = ServiceBuilder::new("mnist").port("http", 80, IntOrString::Int(5000)).build();
    /// let port = &service.spec.unwrap().ports.unwrap()[0];
    /// assert_eq!((port.port, port.target_port.clone()), (80, Some(IntOrString::Int(5000))));
    /// assert_eq!(port.protocol.as_deref(), Some("TCP"));
    /// ```
    pub fn port(mut self, name: impl Into<String>, port: u16, target_port: IntOrString) -> Self {
        self.ports.push(ServicePort {
            name: Some(name.into()),
            port: i32::from(port),
            target_port: Some(target_port),
            protocol: Some("TCP".to_string()),
            ..ServicePort::default()
        });
        self
    }

    /// Pins the node port of the last port added (for `NodePort` and `LoadBalancer`).
    ///
    /// ```
    /// use tack::build::{ServiceBuilder, ServiceType};
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let service = ServiceBuilder::new("mnist")
    ///     .type_(ServiceType::NodePort)
    ///     .port("http", 80, IntOrString::Int(5000))
    ///     .node_port(Some(30080))
    ///     .build();
    /// assert_eq!(service.spec.unwrap().ports.unwrap()[0].node_port, Some(30080));
    /// ```
    pub fn node_port(mut self, node_port: Option<u16>) -> Self {
        if let Some(last) = self.ports.last_mut() {
            last.node_port = node_port.map(i32::from);
        }
        self
    }

    /// Sets the application protocol of the last port added (`kubernetes.io/h2c` tells a
    /// Gateway to speak HTTP/2 without TLS to it, as gRPC needs).
    ///
    /// ```
    /// use tack::build::ServiceBuilder;
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let service = ServiceBuilder::new("triton")
    ///     .port("grpc", 8001, IntOrString::Int(8001))
    ///     .app_protocol(Some("kubernetes.io/h2c"))
    ///     .build();
    /// assert_eq!(service.spec.unwrap().ports.unwrap()[0].app_protocol.as_deref(), Some("kubernetes.io/h2c"));
    /// ```
    pub fn app_protocol(mut self, protocol: Option<&str>) -> Self {
        if let Some(last) = self.ports.last_mut() {
            last.app_protocol = protocol.map(str::to_string);
        }
        self
    }

    /// The Service.
    ///
    /// ```
    /// let service = tack::build::ServiceBuilder::new("mnist").build();
    /// let spec = service.spec.unwrap();
    /// // Unset: the API server's defaults (ClusterIP), no empty lists.
    /// assert_eq!((spec.type_, spec.ports, spec.selector), (None, None, None));
    /// ```
    pub fn build(self) -> Service {
        Service {
            metadata: self.meta.build(),
            spec: Some(ServiceSpec {
                type_: self.type_.map(|t| t.as_str().to_string()),
                selector: non_empty_map(self.selector),
                ports: non_empty(self.ports),
                ..ServiceSpec::default()
            }),
            status: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancer_on_80_to_named_port() {
        let service = ServiceBuilder::new("mnist")
            .type_(ServiceType::LoadBalancer)
            .selector([("app", "mnist")])
            .port("http", 80, IntOrString::String("http".into()))
            .build();
        let json = serde_json::to_value(&service).unwrap();
        assert_eq!(
            json["spec"],
            serde_json::json!({
                "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
                "selector": {"app": "mnist"},
                "type": "LoadBalancer"
            })
        );
    }
}
