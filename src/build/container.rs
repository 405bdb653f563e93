//! One container of a pod.

use super::PullPolicy;
use super::non_empty;
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvFromSource, EnvVar, Probe, ResourceRequirements, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// Builds a container.
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
    pub fn command(mut self, command: Vec<String>) -> Self {
        self.container.command = non_empty(command);
        self
    }

    /// Sets the arguments.
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.container.args = non_empty(args);
        self
    }

    /// Adds a named TCP port.
    pub fn port(self, name: impl Into<String>, port: u16) -> Self {
        self.port_with_protocol(name, port, None)
    }

    /// Adds a named port with a protocol (`None`: TCP).
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
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push(EnvVar {
            name: name.into(),
            value: Some(value.into()),
            value_from: None,
        });
        self
    }

    /// Adds an environment variable with any source.
    pub fn env_var(mut self, var: EnvVar) -> Self {
        self.env.push(var);
        self
    }

    /// Adds a Secret or ConfigMap whose keys all become environment variables.
    pub fn env_from(mut self, source: EnvFromSource) -> Self {
        self.env_from.push(source);
        self
    }

    /// Adds a resource request, e.g. `("cpu", "250m")`.
    pub fn request(mut self, resource: impl Into<String>, quantity: impl Into<String>) -> Self {
        self.requests
            .insert(resource.into(), Quantity(quantity.into()));
        self
    }

    /// Adds a resource limit, e.g. `("memory", "1Gi")`.
    pub fn limit(mut self, resource: impl Into<String>, quantity: impl Into<String>) -> Self {
        self.limits
            .insert(resource.into(), Quantity(quantity.into()));
        self
    }

    /// Sets the readiness probe.
    pub fn readiness_probe(mut self, probe: Probe) -> Self {
        self.container.readiness_probe = Some(probe);
        self
    }

    /// Sets the liveness probe.
    pub fn liveness_probe(mut self, probe: Probe) -> Self {
        self.container.liveness_probe = Some(probe);
        self
    }

    /// Sets the startup probe.
    pub fn startup_probe(mut self, probe: Probe) -> Self {
        self.container.startup_probe = Some(probe);
        self
    }

    /// Mounts a volume of the pod.
    pub fn mount(mut self, mount: VolumeMount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// The container.
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
