//! Deployments.

use super::meta::{MetaBuilder, metadata_methods};
use super::{Labels, non_empty, non_empty_map};
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Affinity, Container, HostAlias, LocalObjectReference, PodDNSConfig, PodSecurityContext,
    PodSpec, PodTemplateSpec, Toleration, TopologySpreadConstraint, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Builds a Deployment. Selector labels are also put on the pod template, so the selector
/// always matches its own pods.
///
/// ```
/// use tack::build::DeploymentBuilder;
/// let deployment = DeploymentBuilder::new("mnist").selector([("app", "mnist")]).build();
/// let pod_labels = deployment.spec.template.metadata.unwrap().labels.unwrap();
/// assert_eq!(pod_labels["app"], "mnist");
/// ```
#[derive(Debug, Clone)]
pub struct DeploymentBuilder {
    meta: MetaBuilder,
    selector: Labels,
    replicas: Option<i32>,
    strategy: Option<DeploymentStrategy>,
    min_ready_seconds: Option<i32>,
    progress_deadline_seconds: Option<i32>,
    revision_history_limit: Option<i32>,
    pod_labels: Labels,
    pod_annotations: Labels,
    pod: PodSpec,
    containers: Vec<Container>,
}

impl DeploymentBuilder {
    /// A Deployment called `name`.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").build();
    /// assert_eq!(deployment.metadata.name.as_deref(), Some("mnist"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DeploymentBuilder {
            meta: MetaBuilder::new(name),
            selector: Labels::new(),
            replicas: None,
            strategy: None,
            min_ready_seconds: None,
            progress_deadline_seconds: None,
            revision_history_limit: None,
            pod_labels: Labels::new(),
            pod_annotations: Labels::new(),
            pod: PodSpec::default(),
            containers: Vec::new(),
        }
    }

    metadata_methods!();

    /// Sets the labels that select the Deployment's pods (added to the pod template too).
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").selector([("app", "mnist")]).build();
    /// assert_eq!(deployment.spec.selector.match_labels.unwrap()["app"], "mnist");
    /// ```
    pub fn selector<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.selector.extend(super::labels(labels));
        self
    }

    /// Sets the number of pods.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").replicas(3).build();
    /// assert_eq!(deployment.spec.replicas, Some(3));
    /// ```
    pub fn replicas(mut self, replicas: u32) -> Self {
        self.replicas = Some(i32::try_from(replicas).unwrap_or(i32::MAX));
        self
    }

    /// Replaces pods gradually: at most `max_surge` extra and `max_unavailable` missing pods
    /// (numbers or percentages such as `25%`).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    /// let deployment = DeploymentBuilder::new("mnist")
    ///     .rolling_update(Some(IntOrString::String("25%".into())), Some(IntOrString::Int(0)))
    ///     .build();
    /// let strategy = deployment.spec.strategy.unwrap();
    /// assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
    /// assert_eq!(strategy.rolling_update.unwrap().max_unavailable, Some(IntOrString::Int(0)));
    /// ```
    pub fn rolling_update(
        mut self,
        max_surge: Option<IntOrString>,
        max_unavailable: Option<IntOrString>,
    ) -> Self {
        let rolling =
            (max_surge.is_some() || max_unavailable.is_some()).then_some(RollingUpdateDeployment {
                max_surge,
                max_unavailable,
            });
        self.strategy = Some(DeploymentStrategy {
            type_: Some("RollingUpdate".to_string()),
            rolling_update: rolling,
        });
        self
    }

    /// Replaces all pods at once.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").recreate().build();
    /// let strategy = deployment.spec.strategy.unwrap();
    /// assert_eq!(strategy.type_.as_deref(), Some("Recreate"));
    /// assert_eq!(strategy.rolling_update, None);
    /// ```
    pub fn recreate(mut self) -> Self {
        self.strategy = Some(DeploymentStrategy {
            type_: Some("Recreate".to_string()),
            rolling_update: None,
        });
        self
    }

    /// Seconds a new pod must be ready before it counts as available.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").min_ready_seconds(Some(10)).build();
    /// assert_eq!(deployment.spec.min_ready_seconds, Some(10));
    /// ```
    pub fn min_ready_seconds(mut self, seconds: Option<u32>) -> Self {
        self.min_ready_seconds = seconds.map(saturate);
        self
    }

    /// Seconds before a stalled rollout is reported as failed.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// let deployment = DeploymentBuilder::new("mnist").progress_deadline_seconds(Some(600)).build();
    /// assert_eq!(deployment.spec.progress_deadline_seconds, Some(600));
    /// ```
    pub fn progress_deadline_seconds(mut self, seconds: Option<u32>) -> Self {
        self.progress_deadline_seconds = seconds.map(saturate);
        self
    }

    /// Old ReplicaSets kept for rollbacks.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// let deployment = DeploymentBuilder::new("mnist").revision_history_limit(Some(3)).build();
    /// assert_eq!(deployment.spec.revision_history_limit, Some(3));
    /// ```
    pub fn revision_history_limit(mut self, limit: Option<u32>) -> Self {
        self.revision_history_limit = limit.map(saturate);
        self
    }

    /// Adds labels to the pods (besides the selector labels).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// let deployment = DeploymentBuilder::new("mnist")
    ///     .selector([("app", "mnist")])
    ///     .pod_labels([("team", "ml")])
    ///     .build();
    /// let labels = deployment.spec.template.metadata.unwrap().labels.unwrap();
    /// assert_eq!((labels["app"].as_str(), labels["team"].as_str()), ("mnist", "ml"));
    /// ```
    pub fn pod_labels<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.pod_labels.extend(super::labels(labels));
        self
    }

    /// Adds annotations to the pods.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// let deployment = DeploymentBuilder::new("mnist")
    ///     .pod_annotations([("prometheus.io/scrape", "true")])
    ///     .build();
    /// let pod = deployment.spec.template.metadata.unwrap();
    /// assert_eq!(pod.annotations.unwrap()["prometheus.io/scrape"], "true");
    /// ```
    pub fn pod_annotations<K: Into<String>, V: Into<String>>(
        mut self,
        annotations: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.pod_annotations.extend(super::labels(annotations));
        self
    }

    /// Adds a container.
    ///
    /// ```
    /// use tack::build::{ContainerBuilder, DeploymentBuilder};
    /// let deployment = DeploymentBuilder::new("mnist")
    ///     .container(ContainerBuilder::new("mnist", "mnist:1").build())
    ///     .build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().containers[0].name, "mnist");
    /// ```
    pub fn container(mut self, container: Container) -> Self {
        self.containers.push(container);
        self
    }

    /// Adds a volume to the pods.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::{EmptyDirVolumeSource, Volume};
    /// let cache = Volume {
    ///     name: "cache".into(),
    ///     empty_dir: Some(EmptyDirVolumeSource::default()),
    ///     ..Volume::default()
    /// };
    /// let deployment = DeploymentBuilder::new("mnist").volume(cache).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().volumes.unwrap()[0].name, "cache");
    /// ```
    pub fn volume(mut self, volume: Volume) -> Self {
        self.pod.volumes.get_or_insert_with(Vec::new).push(volume);
        self
    }

    /// Restricts the pods to nodes with these labels.
    ///
    /// ```
    /// use tack::build::{DeploymentBuilder, labels};
    /// let deployment = DeploymentBuilder::new("mnist").node_selector(labels([("gpu", "a100")])).build();
    /// let pod = deployment.spec.template.spec.unwrap();
    /// assert_eq!(pod.node_selector.unwrap()["gpu"], "a100");
    /// ```
    pub fn node_selector(mut self, selector: Labels) -> Self {
        self.pod.node_selector = non_empty_map(selector);
        self
    }

    /// Lets the pods run on tainted nodes.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::Toleration;
    /// let gpu = Toleration {
    ///     key: Some("gpu".into()),
    ///     operator: Some("Exists".into()),
    ///     ..Toleration::default()
    /// };
    /// let deployment = DeploymentBuilder::new("mnist").tolerations(vec![gpu]).build();
    /// let pod = deployment.spec.template.spec.unwrap();
    /// assert_eq!(pod.tolerations.unwrap()[0].key.as_deref(), Some("gpu"));
    /// ```
    pub fn tolerations(mut self, tolerations: Vec<Toleration>) -> Self {
        self.pod.tolerations = non_empty(tolerations);
        self
    }

    /// Secrets with registry credentials for pulling images.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// let deployment = DeploymentBuilder::new("mnist").image_pull_secrets(&["regcred".into()]).build();
    /// let pod = deployment.spec.template.spec.unwrap();
    /// assert_eq!(pod.image_pull_secrets.unwrap()[0].name, "regcred");
    /// ```
    pub fn image_pull_secrets(mut self, names: &[String]) -> Self {
        self.pod.image_pull_secrets = non_empty(
            names
                .iter()
                .map(|name| LocalObjectReference { name: name.clone() })
                .collect(),
        );
        self
    }

    /// The ServiceAccount the pods run as.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").service_account(Some("mnist")).build();
    /// let pod = deployment.spec.template.spec.unwrap();
    /// assert_eq!(pod.service_account_name.as_deref(), Some("mnist"));
    /// ```
    pub fn service_account(mut self, name: Option<&str>) -> Self {
        self.pod.service_account_name = name.map(str::to_string);
        self
    }

    /// Adds an init container (one with `restartPolicy: Always` is a native sidecar: it
    /// starts before the app and runs beside it).
    ///
    /// ```
    /// use tack::build::{ContainerBuilder, DeploymentBuilder};
    /// let setup = ContainerBuilder::new("fetch-model", "curl:8").build();
    /// let deployment = DeploymentBuilder::new("mnist").init_container(setup).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().init_containers.unwrap()[0].name, "fetch-model");
    /// ```
    pub fn init_container(mut self, container: Container) -> Self {
        self.pod
            .init_containers
            .get_or_insert_with(Vec::new)
            .push(container);
        self
    }

    /// The pods' security settings (user, group, filesystem group, seccomp...).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::PodSecurityContext;
    /// let context = PodSecurityContext { run_as_non_root: Some(true), ..Default::default() };
    /// let deployment = DeploymentBuilder::new("mnist").security_context(Some(context)).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().security_context.unwrap().run_as_non_root, Some(true));
    /// ```
    pub fn security_context(mut self, context: Option<PodSecurityContext>) -> Self {
        self.pod.security_context = context;
        self
    }

    /// Where the pods may be scheduled (node affinity, pod affinity and anti-affinity).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::Affinity;
    /// let deployment = DeploymentBuilder::new("mnist").affinity(Some(Affinity::default())).build();
    /// assert!(deployment.spec.template.spec.unwrap().affinity.is_some());
    /// ```
    pub fn affinity(mut self, affinity: Option<Affinity>) -> Self {
        self.pod.affinity = affinity;
        self
    }

    /// Adds a topology spread constraint.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::TopologySpreadConstraint;
    /// let spread = TopologySpreadConstraint {
    ///     max_skew: 1,
    ///     topology_key: "kubernetes.io/hostname".into(),
    ///     when_unsatisfiable: "ScheduleAnyway".into(),
    ///     ..Default::default()
    /// };
    /// let deployment = DeploymentBuilder::new("mnist").topology_spread(spread).build();
    /// let pod = deployment.spec.template.spec.unwrap();
    /// assert_eq!(pod.topology_spread_constraints.unwrap()[0].max_skew, 1);
    /// ```
    pub fn topology_spread(mut self, constraint: TopologySpreadConstraint) -> Self {
        self.pod
            .topology_spread_constraints
            .get_or_insert_with(Vec::new)
            .push(constraint);
        self
    }

    /// How long a pod may take to stop before it is killed.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").termination_grace_period_seconds(Some(30)).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().termination_grace_period_seconds, Some(30));
    /// ```
    pub fn termination_grace_period_seconds(mut self, seconds: Option<u32>) -> Self {
        self.pod.termination_grace_period_seconds = seconds.map(i64::from);
        self
    }

    /// The PriorityClass of the pods.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").priority_class_name(Some("serving")).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().priority_class_name.as_deref(), Some("serving"));
    /// ```
    pub fn priority_class_name(mut self, name: Option<&str>) -> Self {
        self.pod.priority_class_name = name.map(str::to_string);
        self
    }

    /// The RuntimeClass of the pods (GPU nodes often need `nvidia`).
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").runtime_class_name(Some("nvidia")).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().runtime_class_name.as_deref(), Some("nvidia"));
    /// ```
    pub fn runtime_class_name(mut self, name: Option<&str>) -> Self {
        self.pod.runtime_class_name = name.map(str::to_string);
        self
    }

    /// Extra `/etc/hosts` entries of the pods.
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::HostAlias;
    /// let alias = HostAlias { ip: "10.0.0.5".into(), hostnames: Some(vec!["models.internal".into()]) };
    /// let deployment = DeploymentBuilder::new("mnist").host_aliases(vec![alias]).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().host_aliases.unwrap()[0].ip, "10.0.0.5");
    /// ```
    pub fn host_aliases(mut self, aliases: Vec<HostAlias>) -> Self {
        self.pod.host_aliases = non_empty(aliases);
        self
    }

    /// The pods' DNS settings (nameservers, searches, options such as `ndots`).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::k8s_openapi::api::core::v1::PodDNSConfig;
    /// let dns = PodDNSConfig { searches: Some(vec!["ml.svc.cluster.local".into()]), ..Default::default() };
    /// let deployment = DeploymentBuilder::new("mnist").dns_config(Some(dns)).build();
    /// assert!(deployment.spec.template.spec.unwrap().dns_config.is_some());
    /// ```
    pub fn dns_config(mut self, config: Option<PodDNSConfig>) -> Self {
        self.pod.dns_config = config;
        self
    }

    /// Whether the pods get a token of their ServiceAccount mounted.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").automount_service_account_token(Some(false)).build();
    /// assert_eq!(deployment.spec.template.spec.unwrap().automount_service_account_token, Some(false));
    /// ```
    pub fn automount_service_account_token(mut self, mount: Option<bool>) -> Self {
        self.pod.automount_service_account_token = mount;
        self
    }

    /// The Deployment.
    ///
    /// ```
    /// let deployment = tack::build::DeploymentBuilder::new("mnist").build();
    /// assert_eq!(serde_json::to_value(&deployment)?["apiVersion"], "apps/v1");
    /// assert_eq!(deployment.spec.replicas, None); // unset: the API server's default
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn build(self) -> Deployment {
        let mut pod_labels = self.pod_labels;
        pod_labels.extend(self.selector.clone());
        Deployment {
            metadata: self.meta.build(),
            spec: DeploymentSpec {
                replicas: self.replicas,
                selector: LabelSelector {
                    match_labels: non_empty_map(self.selector),
                    match_expressions: None,
                },
                strategy: self.strategy,
                min_ready_seconds: self.min_ready_seconds,
                progress_deadline_seconds: self.progress_deadline_seconds,
                revision_history_limit: self.revision_history_limit,
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: non_empty_map(pod_labels),
                        annotations: non_empty_map(self.pod_annotations),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(PodSpec {
                        containers: self.containers,
                        ..self.pod
                    }),
                },
                ..DeploymentSpec::default()
            },
            status: None,
        }
    }
}

fn saturate(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_labels_reach_the_pods() {
        let deployment = DeploymentBuilder::new("mnist")
            .selector([("app", "mnist")])
            .pod_labels([("team", "ml")])
            .build();
        let template = deployment.spec.template.metadata.unwrap();
        let labels = template.labels.unwrap();
        assert_eq!(labels["app"], "mnist");
        assert_eq!(labels["team"], "ml");
        assert_eq!(
            deployment.spec.selector.match_labels.unwrap()["app"],
            "mnist"
        );
    }

    #[test]
    fn rolling_update_with_percent_and_int() {
        let deployment = DeploymentBuilder::new("mnist")
            .rolling_update(
                Some(IntOrString::String("25%".into())),
                Some(IntOrString::Int(0)),
            )
            .build();
        let json = serde_json::to_value(&deployment.spec.strategy).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}})
        );
    }
}
