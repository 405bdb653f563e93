//! The typed values model: what a chart's `values.yaml` and value files may hold.
//!
//! Every struct rejects unknown keys and uses camelCase keys, like Kubernetes. The JSON
//! Schema printed by `tack schema` is generated from these types, with their doc comments as
//! descriptions.

mod kube;
mod network;
mod patch;
mod pod;
mod scalars;
mod scaling;
mod secrets;
mod strategy;
mod traffic;
mod workload;

pub use crate::build::{PathType, PullPolicy, ServiceType};
pub use kube::{Kube, KubeType};
pub use network::{IngressValues, ServiceValues};
pub use patch::{Patch, PatchTarget};
pub use pod::{ServiceAccountValues, Spread, SpreadOver, WhenUnsatisfiable};
pub use scalars::{EnvValue, IntOrPercent, KeyRef, PortRef};
pub use scaling::{Autoscaling, DisruptionBudget, UnhealthyPodEvictionPolicy};
pub use secrets::{SecretValue, TlsSecret};
pub use strategy::{
    BlueGreen, Canary, CanaryMode, Colour, ColourImage, Recreate, RollingUpdate, RouteVersion,
    Routing, Strategy, StrategyType,
};
pub use traffic::{GatewayParent, GatewayValues, Traffic, TrafficProtocol, TrafficProvider};
pub use workload::{
    EmptyDir, EnvFrom, Exec, ExtraPort, Grpc, HttpGet, Image, Probe, Protocol, Resources,
    TaintEffect, TcpSocket, Toleration, TolerationOperator, Volume,
};

use k8s_openapi::api::core::v1::{
    Affinity, Container, HostAlias, Lifecycle, PodDNSConfig, PodSecurityContext, SecurityContext,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A model-serving app: the typed form of a chart's values.
///
/// Read from value files by the chart loader, or built in code:
///
/// ```
/// use tack::App;
/// let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
///     .port(5000)
///     .replicas(10)
///     .env("MODEL_PATH", "/models/mnist.pt");
/// assert_eq!(app.image.tag.as_deref(), Some("1.9.1"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "tack values")]
pub struct App {
    /// App name: names the Deployments, Services and Ingresses (lowercase letters, digits
    /// and `-`, starting with a letter, at most 55 characters).
    pub name: String,
    /// The container image.
    pub image: Image,
    /// Secrets holding registry credentials for pulling the image.
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    /// Pods to run (split between tracks or colours by the strategy).
    #[serde(default = "default_replicas")]
    pub replicas: u32,
    /// The port the app listens on, named `http`.
    #[serde(default = "default_container_port")]
    pub container_port: u16,
    /// More container ports, e.g. for metrics.
    #[serde(default)]
    pub ports: Vec<ExtraPort>,
    /// Replaces the image's entrypoint.
    #[serde(default)]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables: text, or references to Secret and ConfigMap keys.
    #[serde(default)]
    pub env: BTreeMap<String, EnvValue>,
    /// Secrets and ConfigMaps whose keys all become environment variables.
    #[serde(default)]
    pub env_from: Vec<EnvFrom>,
    /// CPU and memory requests and limits.
    #[serde(default)]
    pub resources: Resources,
    /// When a pod may receive traffic.
    pub readiness_probe: Option<Probe>,
    /// When a pod is restarted.
    pub liveness_probe: Option<Probe>,
    /// Holds off the other probes while a slow model loads.
    pub startup_probe: Option<Probe>,
    /// Volumes and their mounts, e.g. a PersistentVolumeClaim with model files.
    #[serde(default)]
    pub volumes: Vec<Volume>,
    /// Keys of the app's Secret (named like the app), e.g. an API key passed as env.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretValue>,
    /// TLS Secrets to render, by Secret name, from PEM files or text.
    #[serde(default)]
    pub tls_secrets: BTreeMap<String, TlsSecret>,
    /// Secrets the app uses that exist in the cluster but are not rendered here
    /// (e.g. made by cert-manager).
    #[serde(default)]
    pub external_secrets: Vec<String>,
    /// ConfigMaps the app uses that exist in the cluster but are not rendered here.
    #[serde(default)]
    pub external_config_maps: Vec<String>,
    /// The Service in front of the app.
    #[serde(default)]
    pub service: ServiceValues,
    /// The Ingress in front of the Service (provider `ingress`).
    #[serde(default)]
    pub ingress: IngressValues,
    /// How requests reach the Services: an Ingress or Gateway API routes, HTTP or gRPC.
    #[serde(default)]
    pub traffic: Traffic,
    /// A HorizontalPodAutoscaler for each Deployment that serves traffic.
    #[serde(default)]
    pub autoscaling: Autoscaling,
    /// A PodDisruptionBudget for each Deployment.
    #[serde(default)]
    pub disruption_budget: DisruptionBudget,
    /// Extra labels on the pods.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// Annotations on the pods, e.g. `prometheus.io/scrape: "true"`.
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// Node labels the pods must run on, e.g. a GPU node pool.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Taints the pods tolerate.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// An existing ServiceAccount the pods run as (or use `serviceAccount`).
    pub service_account_name: Option<String>,
    /// Security settings of the app container (Kubernetes' `securityContext`), merged over
    /// tack's secure defaults (see `secureDefaults`): set a key to change one default.
    pub security_context: Option<Kube<SecurityContext>>,
    /// Security settings of the pods (Kubernetes' pod `securityContext`), merged over
    /// tack's secure defaults.
    pub pod_security_context: Option<Kube<PodSecurityContext>>,
    /// Apply tack's secure, zero-downtime defaults: run as non-root, no privilege
    /// escalation, all capabilities dropped, the runtime's seccomp profile, a read-only root
    /// filesystem with `/tmp` writable, no service account token unless a ServiceAccount is
    /// created, and a pause before stopping (default true; `false` renders only what the
    /// values set).
    #[serde(default = "yes")]
    pub secure_defaults: bool,
    /// Where the pods may run: node affinity, pod affinity and anti-affinity (Kubernetes'
    /// `affinity`).
    pub affinity: Option<Kube<Affinity>>,
    /// Spreading the app's pods over nodes and zones (default with more than one replica:
    /// over nodes, softly).
    pub spread: Option<Spread>,
    /// Containers that run to completion before the app starts (Kubernetes containers).
    #[serde(default)]
    pub init_containers: Vec<Kube<Container>>,
    /// Containers that run beside the app for the pod's whole life: native sidecars (init
    /// containers with `restartPolicy: Always`, Kubernetes 1.29 and later), started before
    /// the app and stopped after it.
    #[serde(default)]
    pub sidecars: Vec<Kube<Container>>,
    /// More regular containers of the pod, besides the app's.
    #[serde(default)]
    pub containers: Vec<Kube<Container>>,
    /// The app container's `lifecycle` hooks; without `preStop`, tack pauses
    /// `shutdownDelaySeconds` before the container is stopped.
    pub lifecycle: Option<Kube<Lifecycle>>,
    /// How long a stopping pod keeps serving while its endpoint is removed from Services and
    /// load balancers (default 5; 0 turns the pause off).
    pub shutdown_delay_seconds: Option<u32>,
    /// How long a stopping pod may take before it is killed (default 30; must exceed
    /// `shutdownDelaySeconds`).
    pub termination_grace_period_seconds: Option<u32>,
    /// The pods' PriorityClass.
    pub priority_class_name: Option<String>,
    /// The pods' RuntimeClass (GPU nodes often need `nvidia`).
    pub runtime_class_name: Option<String>,
    /// Extra `/etc/hosts` entries (Kubernetes' `hostAliases`).
    #[serde(default)]
    pub host_aliases: Vec<Kube<HostAlias>>,
    /// DNS settings of the pods (Kubernetes' `dnsConfig`).
    pub dns_config: Option<Kube<PodDNSConfig>>,
    /// The ServiceAccount: created with annotations (workload identity), or named.
    #[serde(default)]
    pub service_account: ServiceAccountValues,
    /// Mount the ServiceAccount's token into the pods (default: only when a ServiceAccount
    /// is created).
    pub automount_service_account_token: Option<bool>,
    /// Changes to the rendered objects, applied after the strategy and the templates and
    /// before validation: the escape hatch for what the model does not cover.
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// The release strategy and its settings.
    #[serde(default)]
    pub strategy: Strategy,
    /// Free-form values for the chart's templates (e.g. a PVC size or a training schedule),
    /// checked by the chart's optional `values.schema.json`.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

fn default_replicas() -> u32 {
    1
}

fn default_container_port() -> u16 {
    8080
}

/// Splits `repo/name:tag` into repository and tag; a `:` inside a registry host:port
/// is not a tag, and a digest (`@sha256:...`) stays with the repository.
pub(crate) fn split_image(image: &str) -> (String, Option<String>) {
    if image.contains('@') {
        return (image.to_string(), None);
    }
    match image.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => {
            (repository.to_string(), Some(tag.to_string()))
        }
        _ => (image.to_string(), None),
    }
}

impl App {
    /// An app with one replica listening on port 8080, from an image reference
    /// (`repository:tag`).
    ///
    /// ```
    /// use tack::App;
    /// let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1");
    /// assert_eq!(app.image.repository, "ghcr.io/acme/mnist-serving");
    /// assert_eq!((app.replicas, app.container_port), (1, 8080));
    /// // A registry port is not a tag:
    /// assert_eq!(App::new("mnist", "localhost:5000/mnist").image.tag, None);
    /// ```
    pub fn new(name: impl Into<String>, image: &str) -> Self {
        let (repository, tag) = split_image(image);
        App {
            name: name.into(),
            image: Image {
                repository,
                tag,
                digest: None,
                pull_policy: None,
            },
            image_pull_secrets: Vec::new(),
            replicas: default_replicas(),
            container_port: default_container_port(),
            ports: Vec::new(),
            command: Vec::new(),
            args: Vec::new(),
            env: BTreeMap::new(),
            env_from: Vec::new(),
            resources: Resources::default(),
            readiness_probe: None,
            liveness_probe: None,
            startup_probe: None,
            volumes: Vec::new(),
            secrets: BTreeMap::new(),
            tls_secrets: BTreeMap::new(),
            external_secrets: Vec::new(),
            external_config_maps: Vec::new(),
            service: ServiceValues::default(),
            ingress: IngressValues::default(),
            pod_labels: BTreeMap::new(),
            pod_annotations: BTreeMap::new(),
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            service_account_name: None,
            security_context: None,
            pod_security_context: None,
            secure_defaults: true,
            affinity: None,
            spread: None,
            init_containers: Vec::new(),
            sidecars: Vec::new(),
            containers: Vec::new(),
            lifecycle: None,
            shutdown_delay_seconds: None,
            termination_grace_period_seconds: None,
            priority_class_name: None,
            runtime_class_name: None,
            host_aliases: Vec::new(),
            dns_config: None,
            service_account: ServiceAccountValues::default(),
            automount_service_account_token: None,
            patches: Vec::new(),
            traffic: Traffic::default(),
            autoscaling: Autoscaling::default(),
            disruption_budget: DisruptionBudget::default(),
            strategy: Strategy::default(),
            extra: serde_json::Map::new(),
        }
    }

    /// Sets the port the app listens on.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").port(5000);
    /// assert_eq!(app.container_port, 5000);
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.container_port = port;
        self
    }

    /// Sets the number of pods.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").replicas(3);
    /// assert_eq!(app.replicas, 3);
    /// ```
    pub fn replicas(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    /// Adds a plain environment variable.
    ///
    /// ```
    /// use tack::values::{App, EnvValue};
    /// let app = App::new("mnist", "mnist:1").env("MODEL_PATH", "/models/mnist.pt");
    /// assert_eq!(app.env["MODEL_PATH"], EnvValue::Value("/models/mnist.pt".into()));
    /// ```
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), EnvValue::Value(value.into()));
        self
    }

    /// Sets the container arguments.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").args(["--port", "5000"]);
    /// assert_eq!(app.args, ["--port", "5000"]);
    /// ```
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a resource request, e.g. `("cpu", "250m")`.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").request("cpu", "250m");
    /// assert_eq!(app.resources.requests["cpu"], "250m");
    /// ```
    pub fn request(mut self, resource: &str, quantity: &str) -> Self {
        self.resources
            .requests
            .insert(resource.to_string(), quantity.to_string());
        self
    }

    /// Adds a resource limit, e.g. `("memory", "1Gi")`.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").limit("memory", "1Gi");
    /// assert_eq!(app.resources.limits["memory"], "1Gi");
    /// ```
    pub fn limit(mut self, resource: &str, quantity: &str) -> Self {
        self.resources
            .limits
            .insert(resource.to_string(), quantity.to_string());
        self
    }

    /// Sets an HTTP readiness probe on the main port.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").readiness_http("/healthz");
    /// let http_get = app.readiness_probe.unwrap().http_get.unwrap();
    /// assert_eq!(http_get.path, "/healthz");
    /// assert_eq!(http_get.port, None); // the main port, `http`
    /// ```
    pub fn readiness_http(mut self, path: impl Into<String>) -> Self {
        self.readiness_probe = Some(Probe {
            http_get: Some(HttpGet {
                path: path.into(),
                port: None,
            }),
            ..Probe::default()
        });
        self
    }

    /// Adds a key to the app's Secret, passed to the container as `env_name`.
    ///
    /// ```
    /// let app = tack::App::new("mnist", "mnist:1").secret_env("apiKey", "API_KEY", "hunter2");
    /// let manifests = tack::Release::new("prod", app).render()?;
    /// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
    /// let env = &deployment.json()["spec"]["template"]["spec"]["containers"][0]["env"][0];
    /// assert_eq!(env["name"], "API_KEY");
    /// assert_eq!(env["valueFrom"]["secretKeyRef"], serde_json::json!({"name": "mnist", "key": "apiKey"}));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn secret_env(
        mut self,
        key: impl Into<String>,
        env_name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.secrets.insert(
            key.into(),
            SecretValue {
                env_name: Some(env_name.into()),
                value: Some(value.into()),
                file: None,
            },
        );
        self
    }

    /// Sets the Service.
    ///
    /// ```
    /// use tack::build::ServiceType;
    /// use tack::values::{App, ServiceValues};
    /// let service = ServiceValues { kind: ServiceType::LoadBalancer, ..ServiceValues::default() };
    /// let app = App::new("mnist", "mnist:1").service(service);
    /// assert_eq!((app.service.kind, app.service.port), (ServiceType::LoadBalancer, 80));
    /// ```
    pub fn service(mut self, service: ServiceValues) -> Self {
        self.service = service;
        self
    }

    /// Sets the Ingress.
    ///
    /// ```
    /// use tack::values::{App, IngressValues};
    /// let ingress = IngressValues { enabled: true, ..IngressValues::default() };
    /// let app = App::new("mnist", "mnist:1").ingress(ingress);
    /// let manifests = tack::Release::new("prod", app).render()?;
    /// assert!(manifests.iter().any(|m| m.display_name() == "Ingress/mnist"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn ingress(mut self, ingress: IngressValues) -> Self {
        self.ingress = ingress;
        self
    }

    /// Sets how requests reach the Services.
    ///
    /// ```
    /// use tack::values::{App, GatewayParent, Traffic};
    /// let app = App::new("mnist", "mnist:1").traffic(Traffic::gateway(GatewayParent::new("public")));
    /// let manifests = tack::Release::new("prod", app).render()?;
    /// assert!(manifests.iter().any(|m| m.display_name() == "HTTPRoute/mnist"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn traffic(mut self, traffic: Traffic) -> Self {
        self.traffic = traffic;
        self
    }

    /// Sets the autoscaling.
    ///
    /// ```
    /// use tack::values::{App, Autoscaling};
    /// let app = App::new("mnist", "mnist:1").autoscaling(Autoscaling::between(1, 5));
    /// assert_eq!(app.autoscaling.max_replicas, Some(5));
    /// ```
    pub fn autoscaling(mut self, autoscaling: Autoscaling) -> Self {
        self.autoscaling = autoscaling;
        self
    }

    /// Sets the disruption budget.
    ///
    /// ```
    /// use tack::values::{App, DisruptionBudget, IntOrPercent};
    /// let budget = DisruptionBudget::max_unavailable(IntOrPercent::Int(1));
    /// let app = App::new("mnist", "mnist:1").disruption_budget(budget);
    /// assert!(app.disruption_budget.enabled);
    /// ```
    pub fn disruption_budget(mut self, budget: DisruptionBudget) -> Self {
        self.disruption_budget = budget;
        self
    }

    /// Sets the release strategy.
    ///
    /// ```
    /// use tack::values::{App, Strategy, StrategyType};
    /// let app = App::new("mnist", "mnist:1").strategy(Strategy::blue_green());
    /// assert_eq!(app.strategy.kind, StrategyType::BlueGreen);
    /// ```
    pub fn strategy(mut self, strategy: impl Into<Strategy>) -> Self {
        self.strategy = strategy.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        assert_eq!(
            split_image("ghcr.io/acme/mnist:1.9.1"),
            ("ghcr.io/acme/mnist".into(), Some("1.9.1".into()))
        );
        assert_eq!(
            split_image("localhost:5000/mnist"),
            ("localhost:5000/mnist".into(), None)
        );
        assert_eq!(
            split_image("mnist@sha256:abc"),
            ("mnist@sha256:abc".into(), None)
        );
    }
}
