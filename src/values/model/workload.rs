//! What the app's pods look like: ports, env, probes, resources, volumes, scheduling.

use super::scalars::PortRef;
use crate::build::PullPolicy;
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
    pub tag: Option<String>,
    /// When the kubelet pulls the image.
    pub pull_policy: Option<PullPolicy>,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves for the container.
    #[serde(default)]
    pub requests: BTreeMap<String, String>,
    /// The most the container may use.
    #[serde(default)]
    pub limits: BTreeMap<String, String>,
}

/// A readiness, liveness or startup probe: one of `httpGet`, `tcpSocket`, `exec`, `grpc`.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpGet {
    /// Request path, e.g. `/healthz`.
    pub path: String,
    /// Port name or number (default: `http`, the main container port).
    pub port: Option<PortRef>,
}

/// A TCP probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpSocket {
    /// Port name or number (default: `http`).
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmptyDir {
    /// `Memory` for a tmpfs; empty for node disk.
    pub medium: Option<String>,
    /// Largest size, e.g. `1Gi`.
    pub size_limit: Option<String>,
}

/// Lets pods run on nodes with a matching taint.
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
