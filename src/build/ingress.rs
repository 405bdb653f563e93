//! Ingresses (`networking.k8s.io/v1`).

use super::meta::{MetaBuilder, metadata_methods};
use super::{PathType, non_empty};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};

/// One path of an Ingress rule and the Service port it goes to.
///
/// ```
/// use tack::build::{IngressBuilder, IngressPath, PathType};
/// let v1 = IngressPath {
///     path: "/v1".into(),
///     path_type: PathType::Prefix,
///     service: "mnist".into(),
///     port: 80,
/// };
/// let ingress = IngressBuilder::new("mnist").path(v1).build();
/// let rule = &ingress.spec.unwrap().rules.unwrap()[0];
/// assert_eq!(rule.http.as_ref().unwrap().paths[0].path_type, "Prefix");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressPath {
    /// The path, e.g. `/v1`.
    pub path: String,
    /// How the path matches request paths.
    pub path_type: PathType,
    /// The Service that receives the traffic.
    pub service: String,
    /// The Service port number.
    pub port: u16,
}

/// Builds an Ingress with one rule (one host, or all hosts).
///
/// ```
/// use tack::build::{IngressBuilder, IngressPath, PathType};
/// let ingress = IngressBuilder::new("mnist")
///     .host(Some("mnist.example.com"))
///     .path(IngressPath { path: "/".into(), path_type: PathType::Prefix, service: "mnist".into(), port: 80 })
///     .build();
/// let rules = ingress.spec.unwrap().rules.unwrap();
/// assert_eq!((rules.len(), rules[0].host.as_deref()), (1, Some("mnist.example.com")));
/// ```
#[derive(Debug, Clone)]
pub struct IngressBuilder {
    meta: MetaBuilder,
    class_name: Option<String>,
    host: Option<String>,
    paths: Vec<IngressPath>,
    tls_secret: Option<String>,
}

impl IngressBuilder {
    /// An Ingress called `name`.
    ///
    /// ```
    /// let ingress = tack::build::IngressBuilder::new("mnist").build();
    /// assert_eq!(ingress.metadata.name.as_deref(), Some("mnist"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        IngressBuilder {
            meta: MetaBuilder::new(name),
            class_name: None,
            host: None,
            paths: Vec::new(),
            tls_secret: None,
        }
    }

    metadata_methods!();

    /// Sets the IngressClass, e.g. `nginx`.
    ///
    /// ```
    /// let ingress = tack::build::IngressBuilder::new("mnist").class_name(Some("nginx")).build();
    /// assert_eq!(ingress.spec.unwrap().ingress_class_name.as_deref(), Some("nginx"));
    /// ```
    pub fn class_name(mut self, class: Option<&str>) -> Self {
        self.class_name = class.map(str::to_string);
        self
    }

    /// Sets the host the rule applies to (unset: all hosts).
    ///
    /// ```
    /// let ingress = tack::build::IngressBuilder::new("mnist").host(Some("mnist.example.com")).build();
    /// assert_eq!(ingress.spec.unwrap().rules.unwrap()[0].host.as_deref(), Some("mnist.example.com"));
    /// ```
    pub fn host(mut self, host: Option<&str>) -> Self {
        self.host = host.map(str::to_string);
        self
    }

    /// Routes a path to a Service port.
    ///
    /// ```
    /// use tack::build::{IngressBuilder, IngressPath, PathType};
    /// let ingress = IngressBuilder::new("mnist")
    ///     .path(IngressPath { path: "/v2".into(), path_type: PathType::Exact, service: "mnist-v2".into(), port: 80 })
    ///     .build();
    /// let rule = &ingress.spec.unwrap().rules.unwrap()[0];
    /// let backend = rule.http.as_ref().unwrap().paths[0].backend.service.as_ref().unwrap();
    /// assert_eq!(backend.name, "mnist-v2");
    /// ```
    pub fn path(mut self, path: IngressPath) -> Self {
        self.paths.push(path);
        self
    }

    /// Serves HTTPS on the host with the certificate in this Secret.
    ///
    /// ```
    /// use tack::build::IngressBuilder;
    /// let ingress = IngressBuilder::new("mnist")
    ///     .host(Some("mnist.example.com"))
    ///     .tls_secret(Some("mnist-tls"))
    ///     .build();
    /// let tls = &ingress.spec.unwrap().tls.unwrap()[0];
    /// assert_eq!(tls.secret_name.as_deref(), Some("mnist-tls"));
    /// assert_eq!(tls.hosts.as_deref(), Some(&["mnist.example.com".to_string()][..]));
    /// ```
    pub fn tls_secret(mut self, secret: Option<&str>) -> Self {
        self.tls_secret = secret.map(str::to_string);
        self
    }

    /// The Ingress.
    ///
    /// ```
    /// let ingress = tack::build::IngressBuilder::new("mnist").build();
    /// assert_eq!(serde_json::to_value(&ingress)?["apiVersion"], "networking.k8s.io/v1");
    /// assert_eq!(ingress.spec.unwrap().tls, None);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn build(self) -> Ingress {
        let tls = self.tls_secret.map(|secret| {
            vec![IngressTLS {
                hosts: self.host.clone().map(|h| vec![h]),
                secret_name: Some(secret),
            }]
        });
        let paths = self
            .paths
            .into_iter()
            .map(|p| HTTPIngressPath {
                path: Some(p.path),
                path_type: p.path_type.as_str().to_string(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: p.service,
                        port: Some(ServiceBackendPort {
                            number: Some(i32::from(p.port)),
                            name: None,
                        }),
                    }),
                    resource: None,
                },
            })
            .collect();
        Ingress {
            metadata: self.meta.build(),
            spec: Some(IngressSpec {
                ingress_class_name: self.class_name,
                rules: Some(vec![IngressRule {
                    host: self.host,
                    http: Some(HTTPIngressRuleValue { paths }),
                }]),
                tls: tls.and_then(non_empty),
                default_backend: None,
            }),
            status: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_paths_and_tls() {
        let ingress = IngressBuilder::new("mnist")
            .class_name(Some("nginx"))
            .host(Some("mnist.example.com"))
            .path(IngressPath {
                path: "/v1".into(),
                path_type: PathType::Prefix,
                service: "mnist".into(),
                port: 80,
            })
            .tls_secret(Some("mnist-tls"))
            .build();
        let json = serde_json::to_value(&ingress).unwrap();
        assert_eq!(
            json["spec"],
            serde_json::json!({
                "ingressClassName": "nginx",
                "rules": [{
                    "host": "mnist.example.com",
                    "http": {"paths": [{
                        "backend": {"service": {"name": "mnist", "port": {"number": 80}}},
                        "path": "/v1",
                        "pathType": "Prefix"
                    }]}
                }],
                "tls": [{"hosts": ["mnist.example.com"], "secretName": "mnist-tls"}]
            })
        );
    }
}
