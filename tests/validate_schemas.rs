//! Generates the Kubernetes JSON Schemas that `tack validate` embeds, and checks that the
//! copies checked in under `schemas/k8s/` are current.
//!
//! The schemas come from `k8s-openapi` (feature `schemars`) and are repaired on the way out:
//! IntOrString and Quantity get real types, `int32`/`int64` become bounds, closed sets become
//! `enum`s (checked against the field descriptions they were read from), `$ref`s point into one
//! shared `definitions` table, and descriptions are dropped so the embedded copy stays small.
//!
//! Regenerate after a `k8s-openapi` upgrade with:
//!
//! ```sh
//! SNAPSHOTS=overwrite cargo test --test validate_schemas
//! ```

mod common;

use k8s_openapi::schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};
use std::any::TypeId;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The Kubernetes version the schemas describe: the one `k8s-openapi`'s `latest` feature selects.
const KUBERNETES_VERSION: &str = "1.37";

struct Kind {
    api_version: &'static str,
    kind: &'static str,
    definition: String,
    namespaced: bool,
    schema: Value,
}

fn kind<T>() -> Kind
where
    T: k8s_openapi::Resource + k8s_openapi::schemars::JsonSchema,
    T::Scope: 'static,
{
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = serde_json::to_value(generator.into_root_schema_for::<T>())
        .expect("a generated schema serializes");
    let definition = schema["title"]
        .as_str()
        .expect("every k8s-openapi resource schema has a title")
        .to_string();
    Kind {
        api_version: T::API_VERSION,
        kind: T::KIND,
        definition,
        namespaced: TypeId::of::<T::Scope>() == TypeId::of::<k8s_openapi::NamespaceResourceScope>(),
        schema,
    }
}

macro_rules! kinds {
    ($($ty:path),* $(,)?) => { vec![$(kind::<$ty>()),*] };
}

/// Every resource kind of `k8s-openapi` that can be written in a manifest (no lists, no
/// sub-resources, no `meta/v1` discovery types).
fn all_kinds() -> Vec<Kind> {
    kinds![
        k8s_openapi::api::admissionregistration::v1::MutatingAdmissionPolicy,
        k8s_openapi::api::admissionregistration::v1::MutatingAdmissionPolicyBinding,
        k8s_openapi::api::admissionregistration::v1::MutatingWebhookConfiguration,
        k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy,
        k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
        k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration,
        k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
        k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
        k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicy,
        k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding,
        k8s_openapi::api::apiserverinternal::v1alpha1::StorageVersion,
        k8s_openapi::api::apps::v1::ControllerRevision,
        k8s_openapi::api::apps::v1::DaemonSet,
        k8s_openapi::api::apps::v1::Deployment,
        k8s_openapi::api::apps::v1::ReplicaSet,
        k8s_openapi::api::apps::v1::StatefulSet,
        k8s_openapi::api::authentication::v1::SelfSubjectReview,
        k8s_openapi::api::authentication::v1::TokenReview,
        k8s_openapi::api::authorization::v1::LocalSubjectAccessReview,
        k8s_openapi::api::authorization::v1::SelfSubjectAccessReview,
        k8s_openapi::api::authorization::v1::SelfSubjectRulesReview,
        k8s_openapi::api::authorization::v1::SubjectAccessReview,
        k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler,
        k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
        k8s_openapi::api::batch::v1::CronJob,
        k8s_openapi::api::batch::v1::Job,
        k8s_openapi::api::certificates::v1::CertificateSigningRequest,
        k8s_openapi::api::certificates::v1::ClusterTrustBundle,
        k8s_openapi::api::certificates::v1::PodCertificateRequest,
        k8s_openapi::api::certificates::v1beta1::ClusterTrustBundle,
        k8s_openapi::api::certificates::v1beta1::PodCertificateRequest,
        k8s_openapi::api::coordination::v1::Lease,
        k8s_openapi::api::coordination::v1alpha2::LeaseCandidate,
        k8s_openapi::api::coordination::v1beta1::LeaseCandidate,
        k8s_openapi::api::core::v1::Binding,
        k8s_openapi::api::core::v1::ComponentStatus,
        k8s_openapi::api::core::v1::ConfigMap,
        k8s_openapi::api::core::v1::Endpoints,
        k8s_openapi::api::core::v1::Event,
        k8s_openapi::api::core::v1::LimitRange,
        k8s_openapi::api::core::v1::Namespace,
        k8s_openapi::api::core::v1::Node,
        k8s_openapi::api::core::v1::PersistentVolume,
        k8s_openapi::api::core::v1::PersistentVolumeClaim,
        k8s_openapi::api::core::v1::Pod,
        k8s_openapi::api::core::v1::PodTemplate,
        k8s_openapi::api::core::v1::ReplicationController,
        k8s_openapi::api::core::v1::ResourceQuota,
        k8s_openapi::api::core::v1::Secret,
        k8s_openapi::api::core::v1::Service,
        k8s_openapi::api::core::v1::ServiceAccount,
        k8s_openapi::api::discovery::v1::EndpointSlice,
        k8s_openapi::api::events::v1::Event,
        k8s_openapi::api::flowcontrol::v1::FlowSchema,
        k8s_openapi::api::flowcontrol::v1::PriorityLevelConfiguration,
        k8s_openapi::api::lifecycle::v1alpha1::Eviction,
        k8s_openapi::api::lifecycle::v1alpha1::EvictionRequest,
        k8s_openapi::api::networking::v1::IPAddress,
        k8s_openapi::api::networking::v1::Ingress,
        k8s_openapi::api::networking::v1::IngressClass,
        k8s_openapi::api::networking::v1::NetworkPolicy,
        k8s_openapi::api::networking::v1::ServiceCIDR,
        k8s_openapi::api::node::v1::RuntimeClass,
        k8s_openapi::api::policy::v1::PodDisruptionBudget,
        k8s_openapi::api::rbac::v1::ClusterRole,
        k8s_openapi::api::rbac::v1::ClusterRoleBinding,
        k8s_openapi::api::rbac::v1::Role,
        k8s_openapi::api::rbac::v1::RoleBinding,
        k8s_openapi::api::resource::v1::DeviceClass,
        k8s_openapi::api::resource::v1::DeviceTaintRule,
        k8s_openapi::api::resource::v1::ResourceClaim,
        k8s_openapi::api::resource::v1::ResourceClaimTemplate,
        k8s_openapi::api::resource::v1::ResourceSlice,
        k8s_openapi::api::resource::v1alpha3::DeviceTaintRule,
        k8s_openapi::api::resource::v1alpha3::ResourcePoolStatusRequest,
        k8s_openapi::api::resource::v1beta1::DeviceClass,
        k8s_openapi::api::resource::v1beta1::ResourceClaim,
        k8s_openapi::api::resource::v1beta1::ResourceClaimTemplate,
        k8s_openapi::api::resource::v1beta1::ResourceSlice,
        k8s_openapi::api::resource::v1beta2::DeviceClass,
        k8s_openapi::api::resource::v1beta2::DeviceTaintRule,
        k8s_openapi::api::resource::v1beta2::ResourceClaim,
        k8s_openapi::api::resource::v1beta2::ResourceClaimTemplate,
        k8s_openapi::api::resource::v1beta2::ResourceSlice,
        k8s_openapi::api::scheduling::v1::PriorityClass,
        k8s_openapi::api::scheduling::v1alpha3::CompositePodGroup,
        k8s_openapi::api::scheduling::v1alpha3::PodGroup,
        k8s_openapi::api::scheduling::v1alpha3::Workload,
        k8s_openapi::api::scheduling::v1beta1::PodGroup,
        k8s_openapi::api::scheduling::v1beta1::Workload,
        k8s_openapi::api::storage::v1::CSIDriver,
        k8s_openapi::api::storage::v1::CSINode,
        k8s_openapi::api::storage::v1::CSIStorageCapacity,
        k8s_openapi::api::storage::v1::StorageClass,
        k8s_openapi::api::storage::v1::VolumeAttachment,
        k8s_openapi::api::storage::v1::VolumeAttributesClass,
        k8s_openapi::api::storagemigration::v1::StorageVersionMigration,
        k8s_openapi::api::storagemigration::v1beta1::StorageVersionMigration,
        k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
        k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService,
    ]
}

/// Whether the description of an enum field names its values.
#[derive(Clone, Copy, PartialEq)]
enum Listed {
    /// Every value is checked against the description.
    InDescription,
    /// The description names only the default; the values come from the Kubernetes API types
    /// (`k8s.io/api/core/v1/types.go`), so only the field's existence is checked.
    OnlyInApiTypes,
}

/// Closed sets of values. The k8s-openapi descriptions name them in prose ("One of Always,
/// Never, IfNotPresent."), so they are listed here and every value is checked against the
/// description of its field: when Kubernetes adds a value, regeneration fails loudly instead
/// of rejecting valid manifests. The API server fills an empty value with the field's default
/// before validating, so `""` is always accepted as well.
const ENUMS: &[(&str, &str, &[&str], Listed)] = &[
    (
        "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.apps.v1.DeploymentStrategy",
        "type",
        &["Recreate", "RollingUpdate"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
        Listed::OnlyInApiTypes,
    ),
    (
        "io.k8s.api.batch.v1.CronJobSpec",
        "concurrencyPolicy",
        &["Allow", "Forbid", "Replace"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.batch.v1.JobSpec",
        "completionMode",
        &["NonIndexed", "Indexed"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.batch.v1.JobSpec",
        "podReplacementPolicy",
        &["TerminatingOrFailed", "Failed"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.Container",
        "imagePullPolicy",
        &["Always", "Never", "IfNotPresent"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.Container",
        "terminationMessagePolicy",
        &["File", "FallbackToLogsOnError"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ContainerPort",
        "protocol",
        &["UDP", "TCP", "SCTP"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.EphemeralContainer",
        "imagePullPolicy",
        &["Always", "Never", "IfNotPresent"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.HTTPGetAction",
        "scheme",
        &["HTTP", "HTTPS"],
        Listed::OnlyInApiTypes,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.NodeSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "volumeMode",
        &["Block", "Filesystem"],
        Listed::OnlyInApiTypes,
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "dnsPolicy",
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "preemptionPolicy",
        &["Never", "PreemptLowerPriority"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "restartPolicy",
        &["Always", "OnFailure", "Never"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServicePort",
        "protocol",
        &["UDP", "TCP", "SCTP"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "externalTrafficPolicy",
        &["Cluster", "Local"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "internalTrafficPolicy",
        &["Cluster", "Local"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "ipFamilyPolicy",
        &["SingleStack", "PreferDualStack", "RequireDualStack"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "sessionAffinity",
        &["ClientIP", "None"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "type",
        &["ExternalName", "ClusterIP", "NodePort", "LoadBalancer"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "effect",
        &["NoSchedule", "PreferNoSchedule", "NoExecute"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "operator",
        &["Exists", "Equal"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.TopologySpreadConstraint",
        "whenUnsatisfiable",
        &["DoNotSchedule", "ScheduleAnyway"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.core.v1.VolumeMount",
        "mountPropagation",
        &["None", "HostToContainer", "Bidirectional"],
        Listed::OnlyInApiTypes,
    ),
    (
        "io.k8s.api.networking.v1.HTTPIngressPath",
        "pathType",
        &["Exact", "Prefix", "ImplementationSpecific"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.networking.v1.NetworkPolicyPort",
        "protocol",
        &["TCP", "UDP", "SCTP"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.policy.v1.PodDisruptionBudgetSpec",
        "unhealthyPodEvictionPolicy",
        &["IfHealthyBudget", "AlwaysAllow"],
        Listed::InDescription,
    ),
    (
        "io.k8s.api.storage.v1.StorageClass",
        "volumeBindingMode",
        &["Immediate", "WaitForFirstConsumer"],
        Listed::OnlyInApiTypes,
    ),
];

fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Applies `f` to every schema node below (and including) `node`, knowing the JSON Schema
/// keywords, so that a *property* named `description` or `$ref` is never mistaken for one.
fn walk_schema(node: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = node else { return };
    f(map);
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(keyword) {
            walk_schema(child, f);
        }
    }
    for keyword in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(children)) = map.get_mut(keyword) {
            for child in children.values_mut() {
                walk_schema(child, f);
            }
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = map.get_mut(keyword) {
            for child in children {
                walk_schema(child, f);
            }
        }
    }
}

/// The repairs every definition gets. `name` is the definition's name.
fn repair(name: &str, schema: &mut Value, problems: &mut Vec<String>) {
    // Types that accept anything as generated.
    match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            *schema = json!({"type": ["integer", "string"]});
            return;
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => {
            // `format: quantity` is checked by tack's own quantity parser.
            *schema = json!({"type": ["number", "string"], "format": "quantity"});
            return;
        }
        // Generated as `type: object`, but it holds any JSON value (a CRD's `default: 5`).
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON" => {
            *schema = json!({});
            return;
        }
        _ => {}
    }
    // Enums, checked against the descriptions they come from (before those are dropped).
    for (definition, property, values, listed) in ENUMS.iter().filter(|(d, ..)| *d == name) {
        let Some(field) = schema.pointer_mut(&format!("/properties/{property}")) else {
            problems.push(format!("{definition}: no property {property}"));
            continue;
        };
        let description = field["description"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        for value in values.iter() {
            if *listed == Listed::InDescription && !description.contains(value) {
                problems.push(format!(
                    "{definition}.{property}: {value:?} is not in its description: {description:?}"
                ));
            }
        }
        let mut allowed: Vec<Value> = vec![Value::from("")];
        allowed.extend(values.iter().map(|v| Value::from(*v)));
        if let Some(map) = field.as_object_mut() {
            map.insert("enum".into(), Value::Array(allowed));
        }
    }
    walk_schema(schema, &mut |map| {
        map.retain(|key, _| {
            !matches!(
                key.as_str(),
                "description" | "title" | "default" | "examples" | "$schema"
            ) && (!key.starts_with("x-kubernetes-")
                || matches!(
                    key.as_str(),
                    "x-kubernetes-preserve-unknown-fields" | "x-kubernetes-embedded-resource"
                ))
        });
        if let Some(Value::String(reference)) = map.get_mut("$ref")
            && let Some(target) = reference.strip_prefix("#/$defs/")
        {
            *reference = format!("#/definitions/{target}");
        }
        let bounds = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
            Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
            _ => None,
        };
        if let Some((minimum, maximum)) = bounds {
            map.entry("minimum").or_insert(minimum);
            map.entry("maximum").or_insert(maximum);
        }
        if !matches!(
            map.get("format").and_then(Value::as_str),
            None | Some("byte" | "date-time")
        ) {
            map.remove("format");
        }
    });
    walk_schema(schema, &mut |map| {
        if map.contains_key("$ref") && map.len() > 1 {
            problems.push(format!("{name}: a $ref with siblings: {map:?}"));
        }
    });
}

/// Serializes `entries` as a JSON object with one entry per line, sorted by key, so that the
/// runtime can find one entry without parsing the others and a regeneration diffs by line.
fn lines_object(entries: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    let last = entries.len().saturating_sub(1);
    for (index, (key, value)) in entries.iter().enumerate() {
        out.push_str(&serde_json::to_string(key).expect("a string serializes"));
        out.push_str(": ");
        out.push_str(&serde_json::to_string(value).expect("a value serializes"));
        if index != last {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

fn generate() -> (String, String) {
    let mut definitions: BTreeMap<String, Value> = BTreeMap::new();
    let mut kinds: BTreeMap<String, Value> = BTreeMap::new();
    let mut problems = Vec::new();
    for kind in all_kinds() {
        let Kind {
            api_version,
            kind: kind_name,
            definition,
            namespaced,
            mut schema,
        } = kind;
        let mut defs = match schema.as_object_mut().and_then(|m| m.remove("$defs")) {
            Some(Value::Object(defs)) => defs,
            _ => Map::new(),
        };
        // The root is a definition like the others (a PersistentVolumeClaim is also embedded
        // in a StatefulSet), so it goes into the shared table under its own name.
        defs.insert(definition.clone(), schema);
        for (name, mut def) in defs {
            repair(&name, &mut def, &mut problems);
            if let Some(existing) = definitions.get(&name) {
                if existing != &def {
                    problems.push(format!("{name}: two different definitions"));
                }
            } else {
                definitions.insert(name, def);
            }
        }
        kinds.insert(
            format!("{api_version}/{kind_name}"),
            json!({"definition": definition, "namespaced": namespaced}),
        );
    }
    assert!(
        problems.is_empty(),
        "schema generation problems:\n{}",
        problems.join("\n")
    );
    let definitions = format!(
        "{{\n\"$schema\": \"http://json-schema.org/draft-07/schema#\",\n\"$comment\": \"Kubernetes {KUBERNETES_VERSION} object schemas generated from k8s-openapi by tests/validate_schemas.rs; do not edit\",\n\"definitions\": {{\n{}}}\n}}\n",
        lines_object(&definitions)
    );
    let kinds = format!(
        "{{\n\"$comment\": \"apiVersion/kind -> definition in definitions.json; generated by tests/validate_schemas.rs; do not edit\",\n\"kubernetesVersion\": \"{KUBERNETES_VERSION}\",\n\"kinds\": {{\n{}}}\n}}\n",
        lines_object(&kinds)
    );
    (definitions, kinds)
}

#[test]
fn checked_in_kubernetes_schemas_are_current() {
    let (definitions, kinds) = generate();
    // Both files are valid JSON as a whole, too.
    let parsed: Value = serde_json::from_str(&definitions).expect("definitions.json is JSON");
    assert!(parsed["definitions"]["io.k8s.api.apps.v1.Deployment"].is_object());
    let parsed: Value = serde_json::from_str(&kinds).expect("kinds.json is JSON");
    assert_eq!(
        parsed["kinds"]["apps/v1/Deployment"]["namespaced"],
        json!(true)
    );
    assert_eq!(parsed["kinds"]["v1/Namespace"]["namespaced"], json!(false));

    let files = [
        ("schemas/k8s/definitions.json", definitions),
        ("schemas/k8s/kinds.json", kinds),
    ];
    let stale: Vec<String> = files
        .iter()
        .filter_map(|(path, text)| common::compare(&repo_path(path), text))
        .collect();
    assert!(
        stale.is_empty(),
        "schemas/k8s is out of date (regenerate with `SNAPSHOTS=overwrite cargo test --test validate_schemas`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn repairs_give_int_or_string_and_bounds_real_types() {
    let mut problems = Vec::new();
    let mut schema = json!({"x-kubernetes-int-or-string": true, "description": "d"});
    repair(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        &mut schema,
        &mut problems,
    );
    assert_eq!(schema, json!({"type": ["integer", "string"]}));

    let mut schema = json!({
        "type": "object",
        "description": "dropped",
        "properties": {
            "description": {"type": "string", "description": "a property named description stays"},
            "port": {"type": "integer", "format": "int32"},
            "spec": {"$ref": "#/$defs/io.k8s.api.core.v1.PodSpec", "description": "x"}
        }
    });
    repair("test.Object", &mut schema, &mut problems);
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "properties": {
                "description": {"type": "string"},
                "port": {"type": "integer", "minimum": i32::MIN, "maximum": i32::MAX},
                "spec": {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}
            }
        })
    );
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn an_enum_value_missing_from_its_description_is_reported() {
    let mut problems = Vec::new();
    let mut schema = json!({
        "type": "object",
        "properties": {"imagePullPolicy": {"type": "string", "description": "One of Always, Never."}}
    });
    repair("io.k8s.api.core.v1.Container", &mut schema, &mut problems);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"IfNotPresent\" is not in its description")),
        "{problems:?}"
    );
}
