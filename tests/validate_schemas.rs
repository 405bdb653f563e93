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
//!
//! The repairs live in `tools/k8s-schemas/src/repair.rs`, shared with the tool that generates
//! the older Kubernetes versions (`schemas/k8s/versions.json`, see `tools/k8s-schemas/README.md`).

mod common;
// The repairs and the file format, shared with `tools/k8s-schemas` (the older versions).
#[path = "../tools/k8s-schemas/src/repair.rs"]
mod repair;

use k8s_openapi::schemars::generate::SchemaSettings;
use repair::{AbsentField, Kind, repair};
use serde_json::{Value, json};
use std::any::TypeId;
use std::path::PathBuf;

/// The Kubernetes version the schemas describe: the one `k8s-openapi`'s `latest` feature selects.
const KUBERNETES_VERSION: &str = "1.37";

/// Who writes the files, as their comments say.
const GENERATOR: &str = "tests/validate_schemas.rs";

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

fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn generate() -> (String, String) {
    let tables = repair::tables(all_kinds(), AbsentField::Problem)
        .unwrap_or_else(|problems| panic!("schema generation problems:\n{}", problems.join("\n")));
    (
        repair::definitions_file(KUBERNETES_VERSION, GENERATOR, &tables.definitions),
        repair::kinds_file(KUBERNETES_VERSION, GENERATOR, &tables.kinds),
    )
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
