//! One container of a pod.

use super::PullPolicy;
use super::non_empty;
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvFromSource, EnvVar, Lifecycle, Probe, ResourceRequirements,
    SecurityContext, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// Builds a container.
///
/// ```
/// use tack::build::ContainerBuilder;
/// let container = ContainerBuilder::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
///     .port("http", 5000)
///     .request("cpu", "250m")
///     .build();
/// assert_eq!(container.ports.unwrap()[0].container_port, 5000);
/// ```
#[derive(Debug, Clone)]
pub struct ContainerBuilder {
    container: Container,
    ports: Vec<ContainerPort>,
    env: Vec<EnvVar>,
    env_from: Vec<EnvFromSource>,
    mounts: Vec<VolumeMount>,
    requests: BTreeMap<String, Quantity>,
    limits: BTreeMap<String, Quantity>,
}

impl ContainerBuilder {
    /// A container called `name` running `image`.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").build();
    /// assert_eq!(container.name, "mnist");
    /// assert_eq!(container.image.as_deref(), Some("mnist:1"));
    /// ```
    pub fn new(name: impl Into<String>, image: impl Into<String>) -> Self {
        ContainerBuilder {
            container: Container {
                name: name.into(),
                image: Some(image.into()),
                ..Container::default()
            },
            ports: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            mounts: Vec::new(),
            requests: BTreeMap::new(),
            limits: BTreeMap::new(),
        }
    }

    /// Sets when the image is pulled.
    ///
    /// ```
    /// use tack::build::{ContainerBuilder, PullPolicy};
    /// let container = ContainerBuilder::new("mnist", "mnist:1").image_pull_policy(PullPolicy::Always).build();
    /// assert_eq!(container.image_pull_policy.as_deref(), Some("Always"));
    /// ```
    pub fn image_pull_policy(mut self, policy: PullPolicy) -> Self {
        self.container.image_pull_policy = Some(policy.as_str().to_string());
        self
    }

    /// Replaces the image's entrypoint.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// let container = ContainerBuilder::new("mnist", "mnist:1")
    ///     .command(vec!["python".into(), "serve.py".into()])
    ///     .build();
    /// assert_eq!(container.command.unwrap(), ["python", "serve.py"]);
    /// assert_eq!(ContainerBuilder::new("mnist", "mnist:1").command(vec![]).build().command, None);
    /// ```
    pub fn command(mut self, command: Vec<String>) -> Self {
        self.container.command = non_empty(command);
        self
    }

    /// Sets the arguments.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// let container = ContainerBuilder::new("mnist", "mnist:1")
    ///     .args(vec!["--workers".into(), "4".into()])
    ///     .build();
    /// assert_eq!(container.args.unwrap(), ["--workers", "4"]);
    /// ```
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.container.args = non_empty(args);
        self
    }

    /// Adds a named TCP port.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").port("http", 5000).build();
    /// let port = &container.ports.unwrap()[0];
    /// assert_eq!((port.name.as_deref(), port.container_port), (Some("http"), 5000));
    /// assert_eq!(port.protocol, None); // TCP, the Kubernetes default
    /// ```
    pub fn port(self, name: impl Into<String>, port: u16) -> Self {
        self.port_with_protocol(name, port, None)
    }

    /// Adds a named port with a protocol (`None`: TCP).
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// let container = ContainerBuilder::new("dns", "coredns:1.11")
    ///     .port_with_protocol("dns", 53, Some("UDP"))
    ///     .build();
    /// assert_eq!(container.ports.unwrap()[0].protocol.as_deref(), Some("UDP"));
    /// ```
    pub fn port_with_protocol(
        mut self,
        name: impl Into<String>,
        port: u16,
        protocol: Option<&str>,
    ) -> Self {
        self.ports.push(ContainerPort {
            name: Some(name.into()),
            container_port: i32::from(port),
            protocol: protocol.map(str::to_string),
            ..ContainerPort::default()
        });
        self
    }

    /// Adds a plain environment variable.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").env("DEBUG", "no").build();
    /// let env = &container.env.unwrap()[0];
    /// assert_eq!((env.name.as_str(), env.value.as_deref()), ("DEBUG", Some("no")));
    /// ```
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push(EnvVar {
            name: name.into(),
            value: Some(value.into()),
            value_from: None,
        });
        self
    }

    /// Adds an environment variable with any source.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector};
    /// let field = ObjectFieldSelector { field_path: "metadata.name".into(), api_version: None };
    /// let source = EnvVarSource { field_ref: Some(field), ..EnvVarSource::default() };
    /// let var = EnvVar { name: "POD_NAME".into(), value: None, value_from: Some(source) };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").env_var(var).build();
    /// assert!(container.env.unwrap()[0].value_from.is_some());
    /// ```
    pub fn env_var(mut self, var: EnvVar) -> Self {
        self.env.push(var);
        self
    }

    /// Adds a Secret or ConfigMap whose keys all become environment variables.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{ConfigMapEnvSource, EnvFromSource};
    /// let settings = ConfigMapEnvSource { name: "settings".into(), optional: None };
    /// let source = EnvFromSource { config_map_ref: Some(settings), ..EnvFromSource::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").env_from(source).build();
    /// assert_eq!(container.env_from.unwrap()[0].config_map_ref.as_ref().unwrap().name, "settings");
    /// ```
    pub fn env_from(mut self, source: EnvFromSource) -> Self {
        self.env_from.push(source);
        self
    }

    /// Adds a resource request, e.g. `("cpu", "250m")`.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").request("cpu", "250m").build();
    /// let resources = container.resources.unwrap();
    /// assert_eq!(resources.requests.unwrap()["cpu"].0, "250m");
    /// assert_eq!(resources.limits, None);
    /// ```
    pub fn request(mut self, resource: impl Into<String>, quantity: impl Into<String>) -> Self {
        self.requests
            .insert(resource.into(), Quantity(quantity.into()));
        self
    }

    /// Adds a resource limit, e.g. `("memory", "1Gi")`.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").limit("memory", "1Gi").build();
    /// let resources = container.resources.unwrap();
    /// assert_eq!(resources.limits.unwrap()["memory"].0, "1Gi");
    /// assert_eq!(resources.requests, None);
    /// ```
    pub fn limit(mut self, resource: impl Into<String>, quantity: impl Into<String>) -> Self {
        self.limits
            .insert(resource.into(), Quantity(quantity.into()));
        self
    }

    /// Sets the readiness probe.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{HTTPGetAction, Probe};
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let get = HTTPGetAction {
    ///     path: Some("/ready".into()),
    ///     port: IntOrString::Int(5000),
    ///     ..HTTPGetAction::default()
    /// };
    /// let probe = Probe { http_get: Some(get), ..Probe::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").readiness_probe(probe).build();
    /// assert!(container.readiness_probe.unwrap().http_get.is_some());
    /// ```
    pub fn readiness_probe(mut self, probe: Probe) -> Self {
        self.container.readiness_probe = Some(probe);
        self
    }

    /// Sets the liveness probe.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{Probe, TCPSocketAction};
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let socket = TCPSocketAction { port: IntOrString::Int(5000), host: None };
    /// let probe = Probe { tcp_socket: Some(socket), period_seconds: Some(10), ..Probe::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").liveness_probe(probe).build();
    /// assert_eq!(container.liveness_probe.unwrap().period_seconds, Some(10));
    /// ```
    pub fn liveness_probe(mut self, probe: Probe) -> Self {
        self.container.liveness_probe = Some(probe);
        self
    }

    /// Sets the startup probe.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{ExecAction, Probe};
    /// let exec = ExecAction { command: Some(vec!["cat".into(), "/tmp/loaded".into()]) };
    /// let probe = Probe { exec: Some(exec), failure_threshold: Some(30), ..Probe::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").startup_probe(probe).build();
    /// assert_eq!(container.startup_probe.unwrap().failure_threshold, Some(30));
    /// ```
    pub fn startup_probe(mut self, probe: Probe) -> Self {
        self.container.startup_probe = Some(probe);
        self
    }

    /// Mounts a volume of the pod.
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::VolumeMount;
    /// let mount = VolumeMount { name: "models".into(), mount_path: "/models".into(), ..Default::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").mount(mount).build();
    /// assert_eq!(container.volume_mounts.unwrap()[0].mount_path, "/models");
    /// ```
    pub fn mount(mut self, mount: VolumeMount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// The container's security settings (user, capabilities, read-only root filesystem...).
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::SecurityContext;
    /// let context = SecurityContext { read_only_root_filesystem: Some(true), ..Default::default() };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").security_context(Some(context)).build();
    /// assert_eq!(container.security_context.unwrap().read_only_root_filesystem, Some(true));
    /// ```
    pub fn security_context(mut self, context: Option<SecurityContext>) -> Self {
        self.container.security_context = context;
        self
    }

    /// What runs right after the container starts and before it stops (`preStop`).
    ///
    /// ```
    /// use tack::build::ContainerBuilder;
    /// use tack::k8s_openapi::api::core::v1::{Lifecycle, LifecycleHandler, SleepAction};
    /// let wait = Lifecycle {
    ///     pre_stop: Some(LifecycleHandler { sleep: Some(SleepAction { seconds: 5 }), ..Default::default() }),
    ///     ..Default::default()
    /// };
    /// let container = ContainerBuilder::new("mnist", "mnist:1").lifecycle(Some(wait)).build();
    /// assert!(container.lifecycle.unwrap().pre_stop.is_some());
    /// ```
    pub fn lifecycle(mut self, lifecycle: Option<Lifecycle>) -> Self {
        self.container.lifecycle = lifecycle;
        self
    }

    /// The container.
    ///
    /// ```
    /// let container = tack::build::ContainerBuilder::new("mnist", "mnist:1").build();
    /// // Nothing set, nothing emitted: no empty lists.
    /// assert_eq!((container.ports, container.env, container.resources), (None, None, None));
    /// ```
    pub fn build(self) -> Container {
        let resources =
            (!self.requests.is_empty() || !self.limits.is_empty()).then(|| ResourceRequirements {
                requests: super::non_empty_map(self.requests),
                limits: super::non_empty_map(self.limits),
                ..ResourceRequirements::default()
            });
        Container {
            ports: non_empty(self.ports),
            env: non_empty(self.env),
            env_from: non_empty(self.env_from),
            volume_mounts: non_empty(self.mounts),
            resources,
            ..self.container
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_container_has_only_name_and_image() {
        let container = ContainerBuilder::new("mnist", "mnist:1").build();
        let json = serde_json::to_value(&container).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "mnist", "image": "mnist:1"})
        );
    }

    #[test]
    fn ports_env_and_resources() {
        let container = ContainerBuilder::new("mnist", "mnist:1")
            .port("http", 5000)
            .env("DEBUG", "no")
            .request("cpu", "250m")
            .build();
        let json = serde_json::to_value(&container).unwrap();
        assert_eq!(json["ports"][0]["containerPort"], 5000);
        assert_eq!(json["env"][0]["value"], "no");
        assert_eq!(
            json["resources"],
            serde_json::json!({"requests": {"cpu": "250m"}})
        );
    }
}
