//! What the app's pods look like: ports, env, probes, resources, volumes, scheduling.

use super::scalars::PortRef;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The container image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Registry and repository, e.g. `ghcr.io/acme/mnist-serving`.
    pub repository: String,
    /// Tag, e.g. `"1.9.1"` (default: the chart's `appVersion`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// When the kubelet pulls the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<PullPolicy>,
}

/// When the kubelet pulls the image.
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
    pub fn as_str(&self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

/// A container port besides the main `http` one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExtraPort {
    /// Port name (up to 15 lowercase letters, digits and `-`), e.g. `metrics`.
    pub name: String,
    /// Port number.
    pub container_port: u16,
    /// Protocol (default TCP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

/// A network protocol.
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
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// All keys of a Secret or ConfigMap as environment variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvFrom {
    /// Name of a Secret (set this or `configMap`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Name of a ConfigMap (set this or `secret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    /// Prefix added to every variable name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// CPU, memory and other resources, e.g. `{requests: {cpu: 250m, memory: 512Mi}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves for the container.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, String>,
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, String>,
}

/// A readiness, liveness or startup probe: one of `httpGet`, `tcpSocket`, `exec`, `grpc`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// HTTP GET on the container; healthy on a 2xx or 3xx answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGet>,
    /// A TCP connection to the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<TcpSocket>,
    /// A command run in the container; healthy on exit code 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<Exec>,
    /// A gRPC health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc: Option<Grpc>,
    /// Seconds after start before the first probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<u32>,
    /// Seconds before a probe times out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Failures in a row that count as failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<u32>,
    /// Successes in a row that count as healthy again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<u32>,
}

/// An HTTP GET probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpGet {
    /// Request path, e.g. `/healthz`.
    pub path: String,
    /// Port name or number (default: `http`, the main container port).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<PortRef>,
}

/// A TCP probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpSocket {
    /// Port name or number (default: `http`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<PortRef>,
}

/// A command probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Exec {
    /// The command and its arguments.
    pub command: Vec<String>,
}

/// A gRPC health probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Grpc {
    /// Port number.
    pub port: u16,
    /// Service name sent in the health check request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// A volume and where the container mounts it; set exactly one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Volume {
    /// Volume name, e.g. `model`.
    pub name: String,
    /// Absolute path in the container, e.g. `/models`.
    pub mount_path: String,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    /// Mount only this path inside the volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Source: the name of a PersistentVolumeClaim (e.g. one holding model files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<String>,
    /// Source: the name of a ConfigMap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    /// Source: the name of a Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Source: scratch space that lives as long as the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDir>,
}

/// Scratch space for a pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmptyDir {
    /// `Memory` for a tmpfs; empty for node disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// Largest size, e.g. `1Gi`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<String>,
}

/// Lets pods run on nodes with a matching taint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// Taint key (empty with operator `Exists` matches all taints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` (default) or `Exists`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// Taint value, for `Equal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Taint effect to tolerate (empty: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// With `NoExecute`: seconds the pod stays after the taint appears.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// How a toleration matches a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    /// Key and value must match.
    Equal,
    /// The key must exist.
    Exists,
}

/// What a taint does to pods that do not tolerate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// New pods are not scheduled.
    NoSchedule,
    /// New pods are avoided when possible.
    PreferNoSchedule,
    /// Running pods are evicted.
    NoExecute,
}
