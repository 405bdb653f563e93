//! How an [`App`]'s pods look: its container, volumes and scheduling, whatever the strategy.

use super::{Context, defaults};
use crate::build::{ContainerBuilder, DeploymentBuilder, Labels};
use crate::values::{App, EnvValue, Kube, PortRef, Probe, is_extended_resource};
use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapKeySelector, ConfigMapVolumeSource, Container,
    EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource, ExecAction, GRPCAction,
    HTTPGetAction, ObjectFieldSelector, PersistentVolumeClaimVolumeSource, Probe as K8sProbe,
    SecretEnvSource, SecretKeySelector, SecretVolumeSource, TCPSocketAction, Toleration,
    Volume as K8sVolume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The pod of an app: one container named like the app, its volumes and scheduling. This is
/// the glue between the values model and the builders, which know only k8s-openapi types.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppPod<'a> {
    app: &'a App,
}

impl<'a> AppPod<'a> {
    /// The pod of `app`.
    pub(crate) fn new(app: &'a App) -> Self {
        AppPod { app }
    }

    /// The name of the Secret holding the app's `secrets` (the app's name).
    pub(crate) fn secret_name(&self) -> &str {
        &self.app.name
    }

    /// The image reference: `repository:tag`, with the app's image as the default for each
    /// part; the app's own image with a digest is `repository@digest` (the digest wins over
    /// the tag).
    pub(crate) fn image(&self, repository: Option<&str>, tag: Option<&str>) -> String {
        let image = &self.app.image;
        if let (None, None, Some(digest)) = (repository, tag, &image.digest) {
            return format!("{}@{digest}", image.repository);
        }
        let repository = repository.unwrap_or(&image.repository);
        match tag.or(image.tag.as_deref()) {
            Some(tag) => format!("{repository}:{tag}"),
            None => repository.to_string(),
        }
    }

    /// The name of the ServiceAccount the pods run as, if not the namespace's default.
    pub(crate) fn service_account(&self) -> Option<&'a str> {
        let app: &'a App = self.app;
        let account = &app.service_account;
        if account.create {
            return Some(account.name.as_deref().unwrap_or(&app.name));
        }
        account
            .name
            .as_deref()
            .or(app.service_account_name.as_deref())
    }

    /// Adds the containers, volumes, pod labels and annotations, security settings and
    /// scheduling to a Deployment whose pods `selector` selects.
    pub(crate) fn fill(
        &self,
        deployment: DeploymentBuilder,
        image: &str,
        context: &Context<'_>,
        selector: &Labels,
    ) -> DeploymentBuilder {
        let app = self.app;
        let mut containers = vec![self.container(image, context)];
        let mut init_containers = Vec::new();
        for sidecar in &app.sidecars {
            init_containers.extend(defaults::extra_container(context, sidecar, true));
        }
        for init in &app.init_containers {
            init_containers.extend(defaults::extra_container(context, init, false));
        }
        for extra in &app.containers {
            containers.extend(defaults::extra_container(context, extra, false));
        }
        let needs_tmp = containers.iter().chain(&init_containers).any(|c| {
            c.volume_mounts
                .iter()
                .flatten()
                .any(|m| m.name == defaults::TMP_VOLUME)
        });
        let mut deployment = deployment
            .pod_labels(app.pod_labels.clone())
            .pod_annotations(app.pod_annotations.clone())
            .security_context(defaults::pod_security(context))
            .node_selector(app.node_selector.clone())
            .affinity(app.affinity.as_ref().and_then(Kube::typed))
            .tolerations(app.tolerations.iter().map(toleration).collect())
            .image_pull_secrets(&app.image_pull_secrets)
            .service_account(self.service_account())
            .automount_service_account_token(defaults::automount_token(context))
            .termination_grace_period_seconds(defaults::grace_period(context))
            .priority_class_name(app.priority_class_name.as_deref())
            .runtime_class_name(app.runtime_class_name.as_deref())
            .host_aliases(app.host_aliases.iter().filter_map(Kube::typed).collect())
            .dns_config(app.dns_config.as_ref().and_then(Kube::typed));
        for container in init_containers {
            deployment = deployment.init_container(container);
        }
        for container in containers {
            deployment = deployment.container(container);
        }
        for constraint in defaults::spread(context, selector) {
            deployment = deployment.topology_spread(constraint);
        }
        for volume in &app.volumes {
            deployment = deployment.volume(pod_volume(volume));
        }
        if needs_tmp {
            deployment = deployment.volume(defaults::tmp_volume());
        }
        deployment
    }

    /// The app's container running `image`.
    pub(crate) fn container(&self, image: &str, context: &Context<'_>) -> Container {
        let app = self.app;
        let mut container = ContainerBuilder::new(&app.name, image)
            .command(app.command.clone())
            .args(app.args.clone())
            .port("http", app.container_port);
        if let Some(policy) = app.image.pull_policy {
            container = container.image_pull_policy(policy);
        }
        for port in &app.ports {
            container = container.port_with_protocol(
                &port.name,
                port.container_port,
                port.protocol.map(|p| p.as_str()),
            );
        }
        for (name, value) in &app.env {
            container = container.env_var(env_var(name, value));
        }
        for (key, secret) in &app.secrets {
            if let Some(env_name) = &secret.env_name {
                container = container.env_var(EnvVar {
                    name: env_name.clone(),
                    value: None,
                    value_from: Some(EnvVarSource {
                        secret_key_ref: Some(SecretKeySelector {
                            name: self.secret_name().to_string(),
                            key: key.clone(),
                            optional: None,
                        }),
                        ..EnvVarSource::default()
                    }),
                });
            }
        }
        for source in &app.env_from {
            container = container.env_from(EnvFromSource {
                prefix: source.prefix.clone(),
                secret_ref: source.secret.as_ref().map(|name| SecretEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
                config_map_ref: source.config_map.as_ref().map(|name| ConfigMapEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
            });
        }
        let resources = &app.resources;
        for (resource, quantity) in &resources.requests {
            container = container.request(resource, quantity);
            // Extended resources (GPUs) cannot be overcommitted: the limit is the request.
            if is_extended_resource(resource) && !resources.limits.contains_key(resource) {
                container = container.limit(resource, quantity);
            }
        }
        for (resource, quantity) in &resources.limits {
            container = container.limit(resource, quantity);
            if is_extended_resource(resource) && !resources.requests.contains_key(resource) {
                container = container.request(resource, quantity);
            }
        }
        if let Some(probe) = &app.readiness_probe {
            container = container.readiness_probe(k8s_probe(probe));
        }
        if let Some(probe) = &app.liveness_probe {
            container = container.liveness_probe(k8s_probe(probe));
        }
        if let Some(probe) = &app.startup_probe {
            container = container.startup_probe(k8s_probe(probe));
        }
        for volume in &app.volumes {
            container = container.mount(VolumeMount {
                name: volume.name.clone(),
                mount_path: volume.mount_path.clone(),
                read_only: volume.read_only.then_some(true),
                sub_path: volume.sub_path.clone(),
                ..VolumeMount::default()
            });
        }
        let mut container = container
            .security_context(defaults::container_security(context))
            .lifecycle(defaults::lifecycle(context))
            .build();
        defaults::mount_tmp(&mut container);
        container
    }
}

fn env_var(name: &str, value: &EnvValue) -> EnvVar {
    let (value, value_from) = match value {
        EnvValue::Value(text) => (Some(text.clone()), None),
        EnvValue::SecretKeyRef(r) => (
            None,
            Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: r.name.clone(),
                    key: r.key.clone(),
                    optional: None,
                }),
                ..EnvVarSource::default()
            }),
        ),
        EnvValue::ConfigMapKeyRef(r) => (
            None,
            Some(EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: r.name.clone(),
                    key: r.key.clone(),
                    optional: None,
                }),
                ..EnvVarSource::default()
            }),
        ),
        EnvValue::FieldRef(path) => (
            None,
            Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: path.clone(),
                    api_version: None,
                }),
                ..EnvVarSource::default()
            }),
        ),
    };
    EnvVar {
        name: name.to_string(),
        value,
        value_from,
    }
}

fn port(port: Option<&PortRef>) -> IntOrString {
    match port {
        Some(PortRef::Number(n)) => IntOrString::Int(i32::from(*n)),
        Some(PortRef::Name(name)) => IntOrString::String(name.clone()),
        None => IntOrString::String("http".to_string()),
    }
}

fn seconds(value: Option<u32>) -> Option<i32> {
    value.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

fn k8s_probe(probe: &Probe) -> K8sProbe {
    K8sProbe {
        http_get: probe.http_get.as_ref().map(|http| HTTPGetAction {
            path: Some(http.path.clone()),
            port: port(http.port.as_ref()),
            ..HTTPGetAction::default()
        }),
        tcp_socket: probe.tcp_socket.as_ref().map(|tcp| TCPSocketAction {
            port: port(tcp.port.as_ref()),
            host: None,
        }),
        exec: probe.exec.as_ref().map(|exec| ExecAction {
            command: Some(exec.command.clone()),
        }),
        grpc: probe.grpc.as_ref().map(|grpc| GRPCAction {
            port: i32::from(grpc.port),
            service: grpc.service.clone(),
            ..GRPCAction::default()
        }),
        initial_delay_seconds: seconds(probe.initial_delay_seconds),
        period_seconds: seconds(probe.period_seconds),
        timeout_seconds: seconds(probe.timeout_seconds),
        failure_threshold: seconds(probe.failure_threshold),
        success_threshold: seconds(probe.success_threshold),
        termination_grace_period_seconds: None,
    }
}

fn pod_volume(volume: &crate::values::Volume) -> K8sVolume {
    K8sVolume {
        name: volume.name.clone(),
        persistent_volume_claim: volume.persistent_volume_claim.as_ref().map(|claim| {
            PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: volume.read_only.then_some(true),
            }
        }),
        config_map: volume
            .config_map
            .as_ref()
            .map(|name| ConfigMapVolumeSource {
                name: name.clone(),
                ..ConfigMapVolumeSource::default()
            }),
        secret: volume.secret.as_ref().map(|name| SecretVolumeSource {
            secret_name: Some(name.clone()),
            ..SecretVolumeSource::default()
        }),
        empty_dir: volume.empty_dir.as_ref().map(|dir| EmptyDirVolumeSource {
            medium: dir.medium.clone(),
            size_limit: dir.size_limit.clone().map(Quantity),
            ..EmptyDirVolumeSource::default()
        }),
        ..K8sVolume::default()
    }
}

fn toleration(toleration: &crate::values::Toleration) -> Toleration {
    Toleration {
        key: toleration.key.clone(),
        operator: toleration.operator.map(|o| format!("{o:?}")),
        value: toleration.value.clone(),
        effect: toleration.effect.map(|e| format!("{e:?}")),
        toleration_seconds: toleration.toleration_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_a_deployment_with_the_app_container() {
        let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1").port(5000);
        let context = Context {
            app: &app,
            release: "prod",
            namespace: None,
            kube_version: crate::KubeVersion::LATEST,
        };
        let pod = AppPod::new(&app);
        let selector = Labels::from([("app".to_string(), "mnist".to_string())]);
        let deployment = pod
            .fill(
                DeploymentBuilder::new("mnist"),
                &pod.image(None, None),
                &context,
                &selector,
            )
            .build();
        let spec = deployment.spec.template.spec.unwrap_or_default();
        assert_eq!(
            spec.containers[0].image.as_deref(),
            Some("ghcr.io/acme/mnist-serving:1.9.1")
        );
        // The read-only root filesystem comes with a writable /tmp.
        assert_eq!(
            spec.volumes.unwrap_or_default()[0].name,
            defaults::TMP_VOLUME
        );
    }

    #[test]
    fn a_digest_wins_over_the_tag_of_the_apps_own_image() {
        let mut app = App::new("mnist", "ghcr.io/acme/mnist:1.9.1");
        let digest = format!("sha256:{}", "a".repeat(64));
        app.image.digest = Some(digest.clone());
        let pod = AppPod::new(&app);
        assert_eq!(
            pod.image(None, None),
            format!("ghcr.io/acme/mnist@{digest}")
        );
        // A canary's own tag is another image: the digest does not apply.
        assert_eq!(pod.image(None, Some("2.0.0")), "ghcr.io/acme/mnist:2.0.0");
    }

    #[test]
    fn gpu_requests_and_limits_are_filled_in_from_each_other() {
        let app = App::new("mnist", "mnist:1")
            .limit("nvidia.com/gpu", "1")
            .request("cpu", "1");
        let context = Context {
            app: &app,
            release: "prod",
            namespace: None,
            kube_version: crate::KubeVersion::LATEST,
        };
        let container = AppPod::new(&app).container("mnist:1", &context);
        let resources = container.resources.unwrap();
        assert_eq!(resources.requests.unwrap()["nvidia.com/gpu"].0, "1");
        assert!(!resources.limits.unwrap().contains_key("cpu"));
    }
}
