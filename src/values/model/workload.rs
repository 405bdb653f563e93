//! What the app's pods look like: ports, env, probes, resources, volumes, scheduling.

use super::scalars::PortRef;
use crate::build::PullPolicy;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The container image.
///
/// ```
/// use tack::build::PullPolicy;
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: ghcr.io/acme/mnist, pullPolicy: Always}\n")?;
/// let image = values.finish(Some("1.9.1"))?.app.image;
/// assert_eq!(image.tag.as_deref(), Some("1.9.1")); // the chart's appVersion
/// assert_eq!(image.pull_policy, Some(PullPolicy::Always));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Registry and repository, e.g. `ghcr.io/acme/mnist-serving`.
    pub repository: String,
    /// Tag, e.g. `"1.9.1"` (default: the chart's `appVersion`).
    pub tag: Option<String>,
    /// Digest, `sha256:` and 64 hex digits: pins the image exactly and wins over the tag.
    pub digest: Option<String>,
    /// When the kubelet pulls the image.
    pub pull_policy: Option<PullPolicy>,
}

/// A container port besides the main `http` one.
///
/// ```
/// use tack::values::{App, ExtraPort};
/// let mut app = App::new("mnist", "mnist:1");
/// app.ports.push(ExtraPort { name: "metrics".into(), container_port: 9090, protocol: None });
/// let manifests = tack::Release::new("prod", app).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// let ports = &deployment.json()["spec"]["template"]["spec"]["containers"][0]["ports"];
/// assert_eq!(ports[0]["name"], "http");
/// assert_eq!(ports[1]["name"], "metrics");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExtraPort {
    /// Port name (up to 15 lowercase letters, digits and `-`), e.g. `metrics`.
    pub name: String,
    /// Port number.
    pub container_port: u16,
    /// Protocol (default TCP).
    pub protocol: Option<Protocol>,
}

/// A network protocol.
///
/// ```
/// use tack::values::{Protocol, ValuesLoader};
/// let mut values = ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: dns\nimage: {repository: coredns, tag: '1.11'}\n")?;
/// values.add_yaml("udp.yaml", "ports: [{name: dns, containerPort: 53, protocol: UDP}]\n")?;
/// assert_eq!(values.finish(None)?.app.ports[0].protocol, Some(Protocol::Udp));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Protocol {
    /// TCP.
    #[serde(rename = "TCP")]
    Tcp,
    /// UDP.
    #[serde(rename = "UDP")]
    Udp,
    /// SCTP.
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    /// The Kubernetes spelling.
    ///
    /// ```
    /// assert_eq!(tack::values::Protocol::Sctp.as_str(), "SCTP");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// All keys of a Secret or ConfigMap as environment variables.
///
/// ```
/// use tack::values::{App, EnvFrom};
/// let mut app = App::new("mnist", "mnist:1");
/// app.env_from.push(EnvFrom { secret: None, config_map: Some("settings".into()), prefix: None });
/// let manifests = tack::Release::new("prod", app).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// let container = &deployment.json()["spec"]["template"]["spec"]["containers"][0];
/// assert_eq!(container["envFrom"][0]["configMapRef"]["name"], "settings");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvFrom {
    /// Name of a Secret (set this or `configMap`).
    pub secret: Option<String>,
    /// Name of a ConfigMap (set this or `secret`).
    pub config_map: Option<String>,
    /// Prefix added to every variable name.
    pub prefix: Option<String>,
}

/// CPU, memory and other resources, e.g. `{requests: {cpu: 250m, memory: 512Mi}}`.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_file("charts/model-serving/values.yaml".as_ref())?;
/// let resources = values.finish(None)?.app.resources;
/// assert_eq!(resources.requests["cpu"], "250m");
/// assert_eq!(resources.limits["memory"], "1Gi");
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves for the container.
    #[serde(default)]
    #[schemars(schema_with = "quantities")]
    pub requests: BTreeMap<String, String>,
    /// The most the container may use.
    #[serde(default)]
    #[schemars(schema_with = "quantities")]
    pub limits: BTreeMap<String, String>,
}

/// A map of quantities: `250m`, `1Gi`, or a plain number (`nvidia.com/gpu: 1`).
fn quantities(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {"type": ["string", "number"]},
    })
}

/// A readiness, liveness or startup probe: one of `httpGet`, `tcpSocket`, `exec`, `grpc`.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_file("charts/model-serving/values.yaml".as_ref())?;
/// let probe = values.finish(None)?.app.readiness_probe.unwrap();
/// assert_eq!((probe.initial_delay_seconds, probe.period_seconds), (Some(5), Some(10)));
/// assert_eq!(probe.http_get.unwrap().path, "/healthz");
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// HTTP GET on the container; healthy on a 2xx or 3xx answer.
    pub http_get: Option<HttpGet>,
    /// A TCP connection to the container.
    pub tcp_socket: Option<TcpSocket>,
    /// A command run in the container; healthy on exit code 0.
    pub exec: Option<Exec>,
    /// A gRPC health check.
    pub grpc: Option<Grpc>,
    /// Seconds after start before the first probe.
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes.
    pub period_seconds: Option<u32>,
    /// Seconds before a probe times out.
    pub timeout_seconds: Option<u32>,
    /// Failures in a row that count as failed.
    pub failure_threshold: Option<u32>,
    /// Successes in a row that count as healthy again.
    pub success_threshold: Option<u32>,
}

/// An HTTP GET probe.
///
/// ```
/// let app = tack::App::new("mnist", "mnist:1").readiness_http("/healthz");
/// let manifests = tack::Release::new("prod", app).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// let probe = &deployment.json()["spec"]["template"]["spec"]["containers"][0]["readinessProbe"];
/// assert_eq!(probe["httpGet"], serde_json::json!({"path": "/healthz", "port": "http"}));
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpGet {
    /// Request path, e.g. `/healthz`.
    pub path: String,
    /// Port name or number (default: `http`, the main container port).
    pub port: Option<PortRef>,
}

/// A TCP probe.
///
/// ```
/// use tack::values::{PortRef, ValuesLoader};
/// let mut values = ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("probes.yaml", "livenessProbe: {tcpSocket: {port: 5000}}\n")?;
/// let probe = values.finish(None)?.app.liveness_probe.unwrap();
/// assert_eq!(probe.tcp_socket.unwrap().port, Some(PortRef::Number(5000)));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpSocket {
    /// Port name or number (default: `http`).
    pub port: Option<PortRef>,
}

/// A command probe.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("probes.yaml", "startupProbe: {exec: {command: [cat, /tmp/ready]}, failureThreshold: 30}\n")?;
/// let probe = values.finish(None)?.app.startup_probe.unwrap();
/// assert_eq!(probe.exec.unwrap().command, ["cat", "/tmp/ready"]);
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Exec {
    /// The command and its arguments.
    pub command: Vec<String>,
}

/// A gRPC health probe.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("probes.yaml", "readinessProbe: {grpc: {port: 9000}}\n")?;
/// let grpc = values.finish(None)?.app.readiness_probe.unwrap().grpc.unwrap();
/// assert_eq!((grpc.port, grpc.service), (9000, None));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Grpc {
    /// Port number.
    pub port: u16,
    /// Service name sent in the health check request.
    pub service: Option<String>,
}

/// A volume and where the container mounts it; set exactly one source.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("model.yaml", "volumes: [{name: model, mountPath: /models, persistentVolumeClaim: mnist-model}]\n")?;
/// let volume = &values.finish(None)?.app.volumes[0];
/// assert_eq!(volume.persistent_volume_claim.as_deref(), Some("mnist-model"));
/// assert!(!volume.read_only);
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Volume {
    /// Volume name, e.g. `model`.
    pub name: String,
    /// Absolute path in the container, e.g. `/models`.
    pub mount_path: String,
    /// Mount read-only.
    #[serde(default)]
    pub read_only: bool,
    /// Mount only this path inside the volume.
    pub sub_path: Option<String>,
    /// Source: the name of a PersistentVolumeClaim (e.g. one holding model files).
    pub persistent_volume_claim: Option<String>,
    /// Source: the name of a ConfigMap.
    pub config_map: Option<String>,
    /// Source: the name of a Secret.
    pub secret: Option<String>,
    /// Source: scratch space that lives as long as the pod.
    pub empty_dir: Option<EmptyDir>,
}

/// Scratch space for a pod.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("scratch.yaml", "volumes: [{name: scratch, mountPath: /scratch, emptyDir: {sizeLimit: 1Gi}}]\n")?;
/// let empty_dir = values.finish(None)?.app.volumes[0].empty_dir.clone().unwrap();
/// assert_eq!((empty_dir.medium, empty_dir.size_limit.as_deref()), (None, Some("1Gi")));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmptyDir {
    /// `Memory` for a tmpfs; empty for node disk.
    pub medium: Option<String>,
    /// Largest size, e.g. `1Gi`.
    pub size_limit: Option<String>,
}

/// Lets pods run on nodes with a matching taint.
///
/// ```
/// use tack::values::{TaintEffect, ValuesLoader};
/// let mut values = ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("gpu.yaml", "tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]\n")?;
/// let toleration = &values.finish(None)?.app.tolerations[0];
/// assert_eq!(toleration.key.as_deref(), Some("nvidia.com/gpu"));
/// assert_eq!(toleration.effect, Some(TaintEffect::NoSchedule));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// Taint key (empty with operator `Exists` matches all taints).
    pub key: Option<String>,
    /// `Equal` (default) or `Exists`.
    pub operator: Option<TolerationOperator>,
    /// Taint value, for `Equal`.
    pub value: Option<String>,
    /// Taint effect to tolerate (empty: all).
    pub effect: Option<TaintEffect>,
    /// With `NoExecute`: seconds the pod stays after the taint appears.
    pub toleration_seconds: Option<i64>,
}

/// How a toleration matches a taint.
///
/// ```
/// use tack::values::TolerationOperator;
/// assert_eq!(serde_json::to_value(TolerationOperator::Exists)?, "Exists");
/// assert_eq!(serde_json::from_str::<TolerationOperator>("\"Equal\"")?, TolerationOperator::Equal);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    /// Key and value must match.
    Equal,
    /// The key must exist.
    Exists,
}

/// What a taint does to pods that do not tolerate it.
///
/// ```
/// use tack::values::TaintEffect;
/// assert_eq!(serde_json::to_value(TaintEffect::PreferNoSchedule)?, "PreferNoSchedule");
/// assert_eq!(serde_json::from_str::<TaintEffect>("\"NoExecute\"")?, TaintEffect::NoExecute);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// New pods are not scheduled.
    NoSchedule,
    /// New pods are avoided when possible.
    PreferNoSchedule,
    /// Running pods are evicted.
    NoExecute,
}
