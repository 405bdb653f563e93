//! The rendered set: objects in install order, printed as deterministic multi-document YAML,
//! as a JSON `v1/List`, or as one file per object.

use crate::build::{GrpcRoute, HttpRoute};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde_json::{Map, Value};
use std::path::PathBuf;

/// One Kubernetes object: typed when tack built it, JSON when a template wrote it.
///
/// ```
/// use tack::build::ConfigMapBuilder;
/// use tack::manifest::Object;
/// let typed = Object::ConfigMap(Box::new(ConfigMapBuilder::new("settings").build()));
/// let templated = Object::Other(serde_json::json!({"apiVersion": "batch/v1", "kind": "Job"}));
/// assert_eq!(typed.to_json()["kind"], "ConfigMap");
/// assert_eq!(templated.to_json()["kind"], "Job");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// A Deployment.
    Deployment(Box<Deployment>),
    /// A Service.
    Service(Box<Service>),
    /// An Ingress.
    Ingress(Box<Ingress>),
    /// A Secret.
    Secret(Box<Secret>),
    /// A ConfigMap.
    ConfigMap(Box<ConfigMap>),
    /// A ServiceAccount.
    ServiceAccount(Box<ServiceAccount>),
    /// A HorizontalPodAutoscaler (`autoscaling/v2`).
    HorizontalPodAutoscaler(Box<HorizontalPodAutoscaler>),
    /// A PodDisruptionBudget (`policy/v1`).
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    /// A Gateway API HTTPRoute.
    HttpRoute(Box<HttpRoute>),
    /// A Gateway API GRPCRoute.
    GrpcRoute(Box<GrpcRoute>),
    /// Any other object, as JSON (e.g. from a chart template).
    Other(Value),
}

impl Object {
    /// The object as JSON, with `apiVersion` and `kind` first and tidy metadata.
    ///
    /// ```
    /// use tack::build::ServiceBuilder;
    /// use tack::manifest::Object;
    /// let service = ServiceBuilder::new("mnist").namespace("ml").build();
    /// let json = Object::Service(Box::new(service)).to_json();
    /// let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    /// assert_eq!(keys[..3], ["apiVersion", "kind", "metadata"]);
    /// let metadata: Vec<&String> = json["metadata"].as_object().unwrap().keys().collect();
    /// assert_eq!(metadata, ["name", "namespace"]);
    /// ```
    pub fn to_json(&self) -> Value {
        let value = match self {
            Object::Deployment(o) => serde_json::to_value(o),
            Object::Service(o) => serde_json::to_value(o),
            Object::Ingress(o) => serde_json::to_value(o),
            Object::Secret(o) => serde_json::to_value(o),
            Object::ConfigMap(o) => serde_json::to_value(o),
            Object::ServiceAccount(o) => serde_json::to_value(o),
            Object::HorizontalPodAutoscaler(o) => serde_json::to_value(o),
            Object::PodDisruptionBudget(o) => serde_json::to_value(o),
            Object::HttpRoute(o) => serde_json::to_value(o),
            Object::GrpcRoute(o) => serde_json::to_value(o),
            Object::Other(value) => Ok(value.clone()),
        };
        // k8s-openapi types serialize to JSON without fail: string keys only.
        let mut value = value.unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            move_to_front(map, &["apiVersion", "kind", "metadata"]);
        }
        tidy(&mut value);
        value
    }
}

/// Puts `name` and `namespace` first in metadata, and `name` and `image` first in
/// containers, so manifests read like hand-written ones. Order is otherwise what the
/// object's type gives (alphabetical for k8s-openapi types), so output is deterministic.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if let Value::Object(inner) = child
                    && key.as_str() == "metadata"
                {
                    move_to_front(inner, &["name", "generateName", "namespace"])
                }
                if matches!(key.as_str(), "containers" | "initContainers")
                    && let Value::Array(items) = child
                {
                    for item in items.iter_mut() {
                        if let Value::Object(container) = item {
                            move_to_front(container, &["name", "image"]);
                        }
                    }
                }
                tidy(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

fn move_to_front(map: &mut Map<String, Value>, keys: &[&str]) {
    let mut front = Map::new();
    for key in keys {
        if let Some(value) = map.shift_remove(*key) {
            front.insert((*key).to_string(), value);
        }
    }
    front.append(map);
    *map = front;
}

/// Output that could not be written.
///
/// ```
/// // A file is in the way of the output folder.
/// let error = tack::output::OutputDir::new("Cargo.toml".as_ref()).unwrap_err();
/// assert_eq!(error.path, std::path::Path::new("Cargo.toml"));
/// assert!(error.to_string().starts_with("cannot write Cargo.toml: it is not a folder"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file or folder.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// One object of the rendered set and where it came from.
///
/// ```
/// use tack::build::ServiceBuilder;
/// use tack::manifest::{Manifest, Object};
/// let service = ServiceBuilder::new("mnist").namespace("ml").build();
/// let manifest = Manifest::new("model-serving/canary", Object::Service(Box::new(service)));
/// assert_eq!(manifest.display_name(), "Service/ml/mnist");
/// assert!(manifest.to_yaml().starts_with("---\n# Source: model-serving/canary\napiVersion: v1\n"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    source: String,
    object: Object,
    json: Value,
    /// The lines of its nodes in a template's output, for objects templates wrote.
    lines: crate::yaml::NodeLines,
}

impl Manifest {
    /// An object and its origin, printed as `# Source: <source>`.
    ///
    /// ```
    /// use tack::manifest::{Manifest, Object};
    /// let job = serde_json::json!({"kind": "Job", "metadata": {"name": "train"}});
    /// let manifest = Manifest::new("mnist-pipeline/templates/job.yaml", Object::Other(job));
    /// assert_eq!((manifest.kind(), manifest.name()), ("Job", "train"));
    /// ```
    pub fn new(source: impl Into<String>, object: Object) -> Self {
        let json = object.to_json();
        Manifest {
            source: source.into(),
            object,
            json,
            lines: crate::yaml::NodeLines::default(),
        }
    }

    /// The same object, with the lines of its nodes in the text it was read from, so that
    /// validation problems point at lines.
    pub(crate) fn with_lines(mut self, lines: crate::yaml::NodeLines) -> Self {
        self.lines = lines;
        self
    }

    /// Where the object came from, e.g. `model-serving/canary`.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1")).chart("model-serving");
    /// let manifests = release.render()?;
    /// assert!(manifests.iter().all(|m| m.source() == "model-serving/rollingUpdate"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The object.
    ///
    /// ```
    /// use tack::build::SecretBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let secret = SecretBuilder::opaque("api").build();
    /// let manifest = Manifest::new("demo", Object::Secret(Box::new(secret)));
    /// let Object::Secret(secret) = manifest.object() else { panic!("a Secret") };
    /// assert_eq!(secret.type_.as_deref(), Some("Opaque"));
    /// ```
    pub fn object(&self) -> &Object {
        &self.object
    }

    /// The object as JSON (computed once).
    ///
    /// ```
    /// use tack::build::DeploymentBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let deployment = DeploymentBuilder::new("mnist").replicas(3).build();
    /// let manifest = Manifest::new("demo", Object::Deployment(Box::new(deployment)));
    /// assert_eq!(manifest.json()["spec"]["replicas"], 3);
    /// ```
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// True for objects tack built from k8s-openapi types (not written by a template):
    /// their structure is that of the Kubernetes schema by construction.
    ///
    /// ```
    /// use tack::build::ConfigMapBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let config = ConfigMapBuilder::new("a").build();
    /// let typed = Manifest::new("demo", Object::ConfigMap(Box::new(config)));
    /// let templated = Manifest::new("demo", Object::Other(serde_json::json!({"kind": "ConfigMap"})));
    /// assert!(typed.is_typed() && !templated.is_typed());
    /// ```
    pub fn is_typed(&self) -> bool {
        !matches!(self.object, Object::Other(_))
    }

    /// Replaces the object by `value`, which is from then on JSON ([`Object::Other`]): what
    /// a patch leaves is checked against the full schema, like a template's object.
    pub(crate) fn replace_json(&mut self, value: Value) {
        self.object = Object::Other(value.clone());
        self.json = value;
    }

    /// Adds annotations to the object's pod template (a Deployment's, a Job's, a
    /// CronJob's...), keeping it typed when it is. No-op without a pod template.
    pub(crate) fn annotate_pod_template(
        &mut self,
        annotations: &std::collections::BTreeMap<String, String>,
    ) {
        if annotations.is_empty() {
            return;
        }
        match &mut self.object {
            Object::Deployment(deployment) => {
                let metadata = deployment
                    .spec
                    .template
                    .metadata
                    .get_or_insert_with(Default::default);
                let existing = metadata.annotations.get_or_insert_with(Default::default);
                existing.extend(annotations.clone());
                self.json = self.object.to_json();
            }
            Object::Other(value) => {
                if let Some(Value::Object(template)) = pod_template_mut(value) {
                    let metadata = template
                        .entry("metadata")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(metadata) = metadata {
                        let existing = metadata
                            .entry("annotations")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(existing) = existing {
                            for (key, value) in annotations {
                                existing.insert(key.clone(), Value::String(value.clone()));
                            }
                        }
                    }
                    self.json = value.clone();
                }
            }
            _ => {}
        }
    }

    /// The object as a document for the validator.
    ///
    /// ```
    /// use tack::build::ConfigMapBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let config = ConfigMapBuilder::new("a").build();
    /// let manifest = Manifest::new("demo", Object::ConfigMap(Box::new(config)));
    /// let report = tack::Validator::default().validate_objects(&[manifest.document()]);
    /// assert!(report.is_valid());
    /// ```
    pub fn document(&self) -> crate::validate::Document {
        let mut document =
            crate::validate::Document::new(self.json.clone(), self.source.as_str(), 0);
        document.lines = self.lines.clone();
        document
    }

    /// The object's `kind`.
    ///
    /// ```
    /// use tack::build::IngressBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let ingress = IngressBuilder::new("mnist").build();
    /// let manifest = Manifest::new("demo", Object::Ingress(Box::new(ingress)));
    /// assert_eq!(manifest.kind(), "Ingress");
    /// assert_eq!(Manifest::new("demo", Object::Other(serde_json::json!({}))).kind(), "");
    /// ```
    pub fn kind(&self) -> &str {
        self.json.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    /// The object's `metadata.name`.
    ///
    /// ```
    /// use tack::build::ServiceBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let service = ServiceBuilder::new("mnist").build();
    /// let manifest = Manifest::new("demo", Object::Service(Box::new(service)));
    /// assert_eq!(manifest.name(), "mnist");
    /// ```
    pub fn name(&self) -> &str {
        self.json
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The object's `metadata.namespace`, if set.
    ///
    /// ```
    /// use tack::build::ServiceBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let manifest = |b: ServiceBuilder| Manifest::new("demo", Object::Service(Box::new(b.build())));
    /// assert_eq!(manifest(ServiceBuilder::new("mnist").namespace("ml")).namespace(), Some("ml"));
    /// assert_eq!(manifest(ServiceBuilder::new("mnist")).namespace(), None);
    /// ```
    pub fn namespace(&self) -> Option<&str> {
        self.json
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
    }

    /// `Kind/name` or `Kind/namespace/name`, as messages name objects.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// assert_eq!(manifests.iter().next().unwrap().display_name(), "Service/mnist");
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).namespace("ml").render()?;
    /// assert_eq!(manifests.iter().next().unwrap().display_name(), "Service/ml/mnist");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn display_name(&self) -> String {
        match self.namespace() {
            Some(ns) => format!("{}/{}/{}", self.kind(), ns, self.name()),
            None => format!("{}/{}", self.kind(), self.name()),
        }
    }

    /// The object as one YAML document, preceded by its `# Source:` line.
    ///
    /// ```
    /// use tack::build::ConfigMapBuilder;
    /// use tack::manifest::{Manifest, Object};
    /// let config = ConfigMapBuilder::new("settings").data("DEBUG", "no").build();
    /// let yaml = Manifest::new("demo", Object::ConfigMap(Box::new(config))).to_yaml();
    /// assert!(yaml.starts_with("---\n# Source: demo\napiVersion: v1\nkind: ConfigMap\n"));
    /// assert!(yaml.contains("DEBUG: \"no\"")); // quoted, so no YAML 1.1 reader sees `false`
    /// ```
    pub fn to_yaml(&self) -> String {
        let body =
            serde_saphyr::to_string_with_options(&self.json, yaml_options()).unwrap_or_default();
        format!("---\n# Source: {}\n{body}", self.source)
    }
}

/// How manifests are written: block style, multi-line strings as literal blocks, and long
/// one-line strings (an image pinned by digest, a role ARN) on one line, where `grep` and
/// `kubectl` users expect them, instead of folded.
fn yaml_options() -> serde_saphyr::SerializerOptions {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    options
}

/// Kinds in the order Helm installs them; kinds not listed go last, by kind name.
pub(crate) const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Built-in kinds that live outside namespaces; every other built-in kind is namespaced.
pub(crate) const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IPAddress",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "ServiceCIDR",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

fn install_rank(kind: &str) -> (usize, String) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(rank) => (rank, String::new()),
        None => (INSTALL_ORDER.len(), kind.to_string()),
    }
}

/// The objects of a release, in install order.
///
/// ```
/// use tack::manifest::{Manifest, Manifests, Object};
/// use tack::build::{ServiceBuilder, SecretBuilder};
/// let set = Manifests::new(vec![
///     Manifest::new("demo", Object::Service(Box::new(ServiceBuilder::new("a").build()))),
///     Manifest::new("demo", Object::Secret(Box::new(SecretBuilder::opaque("b").build()))),
/// ]);
/// let kinds: Vec<&str> = set.iter().map(|m| m.kind()).collect();
/// assert_eq!(kinds, ["Secret", "Service"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifests {
    items: Vec<Manifest>,
}

impl Manifests {
    /// Sorts the objects into install order; objects of one kind keep their order.
    ///
    /// ```
    /// use tack::manifest::{Manifest, Manifests, Object};
    /// let object = |kind: &str| Manifest::new("t", Object::Other(serde_json::json!({"kind": kind})));
    /// let set = Manifests::new(vec![object("Job"), object("Zeta"), object("Namespace")]);
    /// let kinds: Vec<&str> = set.iter().map(|m| m.kind()).collect();
    /// assert_eq!(kinds, ["Namespace", "Job", "Zeta"]); // kinds Helm does not list go last
    /// ```
    pub fn new(mut items: Vec<Manifest>) -> Self {
        items.sort_by_cached_key(|m| install_rank(m.kind()));
        Manifests { items }
    }

    /// The objects, in install order.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let kinds: Vec<&str> = manifests.iter().map(|m| m.kind()).collect();
    /// assert_eq!(kinds, ["Service", "Deployment"]);
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Manifest> {
        self.items.iter()
    }

    /// Keeps only the objects `keep` says yes to.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Manifest) -> bool) {
        self.items.retain(keep);
    }

    /// The number of objects.
    ///
    /// ```
    /// use tack::{App, Release, Strategy};
    /// let release = Release::new("prod", App::new("mnist", "mnist:1"));
    /// let manifests = release.strategy(Strategy::blue_green()).render()?;
    /// assert_eq!(manifests.len(), 3); // a Service and two Deployments
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no objects.
    ///
    /// ```
    /// use tack::{App, Release, manifest::Manifests};
    /// assert!(Manifests::default().is_empty());
    /// assert!(!Release::new("prod", App::new("mnist", "mnist:1")).render()?.is_empty());
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Appends the objects of another set, keeping install order.
    ///
    /// ```
    /// use tack::manifest::{Manifest, Manifests, Object};
    /// let object = |kind: &str| Manifest::new("t", Object::Other(serde_json::json!({"kind": kind})));
    /// let mut set = Manifests::new(vec![object("Deployment")]);
    /// set.extend(Manifests::new(vec![object("Secret")]));
    /// let kinds: Vec<&str> = set.iter().map(|m| m.kind()).collect();
    /// assert_eq!(kinds, ["Secret", "Deployment"]); // one release, in install order
    /// ```
    pub fn extend(&mut self, other: Manifests) {
        let mut items = std::mem::take(&mut self.items);
        items.extend(other.items);
        *self = Manifests::new(items);
    }

    /// The object at `index` (in install order), to change in place.
    pub(crate) fn get_mut(&mut self, index: usize) -> &mut Manifest {
        &mut self.items[index]
    }

    /// Restores install order after objects changed (a patch may change a kind).
    pub(crate) fn resort(&mut self) {
        let items = std::mem::take(&mut self.items);
        *self = Manifests::new(items);
    }

    /// Appends the objects of another release after these, keeping each release's order
    /// (for several releases in one stream).
    ///
    /// ```
    /// use tack::manifest::{Manifest, Manifests, Object};
    /// let object = |kind: &str| Manifest::new("t", Object::Other(serde_json::json!({"kind": kind})));
    /// let mut set = Manifests::new(vec![object("Deployment")]);
    /// set.append(Manifests::new(vec![object("Secret")]));
    /// let kinds: Vec<&str> = set.iter().map(|m| m.kind()).collect();
    /// assert_eq!(kinds, ["Deployment", "Secret"]); // the second release after the first
    /// ```
    pub fn append(&mut self, other: Manifests) {
        self.items.extend(other.items);
    }

    /// Validates the set as one release (schemas, removed APIs, API-server rules and
    /// cross-object checks; see [`crate::validate`]). Returns the report when there is no
    /// error (it may hold warnings).
    ///
    /// # Errors
    /// [`Invalid`](crate::validate::Invalid), with the whole report, when there is an error.
    ///
    /// ```
    /// use tack::{App, Release, validate::Validator};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let report = manifests.validate(&Validator::default().complete(true))?;
    /// assert!(report.is_valid());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(
        &self,
        validator: &crate::validate::Validator,
    ) -> Result<crate::validate::Report, crate::validate::Invalid> {
        let documents: Vec<crate::validate::Document> =
            self.items.iter().map(Manifest::document).collect();
        let report = validator.validate_objects(&documents);
        if report.has_errors() {
            Err(crate::validate::Invalid(report))
        } else {
            Ok(report)
        }
    }

    /// All objects as multi-document YAML, as `kubectl apply -f -` reads it.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let yaml = manifests.to_yaml();
    /// assert!(yaml.starts_with("---\n# Source: mnist/"));
    /// assert_eq!(yaml.matches("\n---\n").count() + 1, manifests.len()); // one document per object
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn to_yaml(&self) -> String {
        self.items.iter().map(Manifest::to_yaml).collect()
    }

    /// All objects as a pretty-printed JSON `v1/List`.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let list: serde_json::Value = serde_json::from_str(&manifests.to_json())?;
    /// assert_eq!((&list["kind"], &list["items"][1]["kind"]), (&"List".into(), &"Deployment".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let list = serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": self.items.iter().map(|m| m.json.clone()).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
        text.push('\n');
        text
    }

    /// File names for [`crate::output::OutputDir`]: `NN-kind-name.yaml`, numbered in install
    /// order so `kubectl apply -f DIR` applies them in that order.
    ///
    /// ```
    /// use tack::{App, Release};
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// assert_eq!(manifests.file_names(), ["01-service-mnist.yaml", "02-deployment-mnist.yaml"]);
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn file_names(&self) -> Vec<String> {
        let width = self.items.len().to_string().len().max(2);
        self.items
            .iter()
            .enumerate()
            .map(|(i, m)| safe_name(&format!("{:0width$}-{}-{}.yaml", i + 1, m.kind(), m.name())))
            .collect()
    }
}

/// A file or folder name made only of `a-z 0-9 . _ -` (anything else becomes `_`), never
/// `.` or `..`: object names and kinds come from templates anyone can write.
pub(crate) fn safe_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match name.as_str() {
        "" | "." | ".." => "_".repeat(name.len().max(1)),
        _ => name,
    }
}

impl<'a> IntoIterator for &'a Manifests {
    type Item = &'a Manifest;
    type IntoIter = std::slice::Iter<'a, Manifest>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The pod template of a workload's JSON: `spec.template` (Deployment, StatefulSet, DaemonSet,
/// ReplicaSet, Job) or `spec.jobTemplate.spec.template` (CronJob).
pub(crate) fn pod_template(object: &Value) -> Option<&Value> {
    let spec = object.get("spec")?;
    spec.get("template")
        .or_else(|| spec.get("jobTemplate")?.get("spec")?.get("template"))
        .filter(|template| template.is_object())
}

fn pod_template_mut(object: &mut Value) -> Option<&mut Value> {
    let spec = object.get_mut("spec")?;
    if spec.get("template").is_some_and(Value::is_object) {
        return spec.get_mut("template");
    }
    spec.get_mut("jobTemplate")?
        .get_mut("spec")?
        .get_mut("template")
        .filter(|template| template.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{ConfigMapBuilder, DeploymentBuilder};

    #[test]
    fn yaml_quotes_strings_yaml_1_1_would_misread() {
        let config = ConfigMapBuilder::new("settings")
            .labels([
                ("enabled", "yes"),
                ("mode", "on"),
                ("version", "1.10"),
                ("perm", "0755"),
            ])
            .data("DEBUG", "no")
            .data("FLAG", "off")
            .data("TIME", "12:30")
            .data("EMPTY", "")
            .build();
        let yaml = Manifest::new("demo", Object::ConfigMap(Box::new(config))).to_yaml();
        for quoted in [
            "enabled: \"yes\"",
            "mode: \"on\"",
            "version: \"1.10\"",
            "perm: \"0755\"",
            "DEBUG: \"no\"",
            "FLAG: \"off\"",
            "TIME: \"12:30\"",
            "EMPTY: \"\"",
        ] {
            assert!(yaml.contains(quoted), "{quoted} missing in\n{yaml}");
        }
    }

    #[test]
    fn metadata_and_containers_read_naturally() {
        let deployment = DeploymentBuilder::new("mnist")
            .namespace("ml")
            .labels([("a", "b")])
            .container(
                crate::build::ContainerBuilder::new("mnist", "img:1")
                    .port("http", 5000)
                    .build(),
            )
            .build();
        let yaml = Manifest::new("demo", Object::Deployment(Box::new(deployment))).to_yaml();
        assert!(yaml.starts_with("---\n# Source: demo\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mnist\n  namespace: ml\n  labels:\n"), "{yaml}");
        assert!(
            yaml.contains("      - name: mnist\n        image: img:1\n"),
            "{yaml}"
        );
    }

    #[test]
    fn unknown_kinds_go_last_by_kind() {
        let other = |kind: &str| {
            Manifest::new(
                "t",
                Object::Other(
                    serde_json::json!({"apiVersion": "x/v1", "kind": kind, "metadata": {"name": "n"}}),
                ),
            )
        };
        let set = Manifests::new(vec![
            other("Zeta"),
            other("Alpha"),
            other("Job"),
            other("Namespace"),
        ]);
        let kinds: Vec<&str> = set.iter().map(Manifest::kind).collect();
        assert_eq!(kinds, ["Namespace", "Job", "Alpha", "Zeta"]);
        assert_eq!(set.file_names()[0], "01-namespace-n.yaml");
    }
}
