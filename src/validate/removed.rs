//! The apiVersions Kubernetes has removed (with what replaces them).

use crate::kube_version::KubeVersion;

/// An apiVersion/kind that Kubernetes deprecated and then removed.
///
/// ```
/// let ingress = tack::validate::removed_api("extensions/v1beta1", "Ingress").unwrap();
/// assert_eq!(ingress.replacement, Some("networking.k8s.io/v1"));
/// assert_eq!(ingress.deprecated_in.to_string(), "1.14");
/// assert_eq!(ingress.removed_in.to_string(), "1.22");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovedApi {
    /// The old apiVersion.
    pub api_version: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// The version that deprecated it.
    pub deprecated_in: KubeVersion,
    /// The version that stopped serving it.
    pub removed_in: KubeVersion,
    /// The apiVersion to use instead (`None`: removed without a replacement).
    pub replacement: Option<&'static str>,
    /// What else changes when migrating.
    pub changes: &'static str,
}

const fn removed(
    api_version: &'static str,
    kind: &'static str,
    deprecated_in: u32,
    removed_in: u32,
    replacement: Option<&'static str>,
    changes: &'static str,
) -> RemovedApi {
    RemovedApi {
        api_version,
        kind,
        deprecated_in: KubeVersion::new(deprecated_in),
        removed_in: KubeVersion::new(removed_in),
        replacement,
        changes,
    }
}

const INGRESS_CHANGES: &str = "spec.backend -> spec.defaultBackend; backend serviceName/servicePort -> service.name and service.port.number (or service.port.name); every path needs a pathType";
const WORKLOAD_CHANGES: &str =
    "spec.selector is required and must match the template labels; it cannot change after creation";

/// Every apiVersion/kind removed from Kubernetes, from the official deprecation guide.
///
/// ```
/// use tack::validate::{KubeVersion, REMOVED_APIS};
/// assert!(REMOVED_APIS.iter().all(|api| api.deprecated_in < api.removed_in));
/// let in_1_25 = REMOVED_APIS.iter().filter(|api| api.removed_in == KubeVersion::new(25)).count();
/// assert!(in_1_25 > 0);
/// ```
pub const REMOVED_APIS: &[RemovedApi] = &[
    removed(
        "extensions/v1beta1",
        "DaemonSet",
        8,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "extensions/v1beta1",
        "Deployment",
        8,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "extensions/v1beta1",
        "ReplicaSet",
        8,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "extensions/v1beta1",
        "NetworkPolicy",
        9,
        16,
        Some("networking.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "extensions/v1beta1",
        "PodSecurityPolicy",
        11,
        16,
        Some("policy/v1beta1"),
        "policy/v1beta1 was itself removed in 1.25: use Pod Security Admission",
    ),
    removed(
        "apps/v1beta1",
        "Deployment",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "apps/v1beta1",
        "StatefulSet",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "apps/v1beta2",
        "DaemonSet",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "apps/v1beta2",
        "Deployment",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "apps/v1beta2",
        "ReplicaSet",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "apps/v1beta2",
        "StatefulSet",
        9,
        16,
        Some("apps/v1"),
        WORKLOAD_CHANGES,
    ),
    removed(
        "extensions/v1beta1",
        "Ingress",
        14,
        22,
        Some("networking.k8s.io/v1"),
        INGRESS_CHANGES,
    ),
    removed(
        "networking.k8s.io/v1beta1",
        "Ingress",
        19,
        22,
        Some("networking.k8s.io/v1"),
        INGRESS_CHANGES,
    ),
    removed(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        19,
        22,
        Some("networking.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        16,
        22,
        Some("admissionregistration.k8s.io/v1"),
        "webhooks[*].admissionReviewVersions and sideEffects are required; failurePolicy defaults to Fail; matchPolicy to Equivalent; timeoutSeconds to 10s",
    ),
    removed(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        16,
        22,
        Some("admissionregistration.k8s.io/v1"),
        "webhooks[*].admissionReviewVersions and sideEffects are required; failurePolicy defaults to Fail; matchPolicy to Equivalent; timeoutSeconds to 10s",
    ),
    removed(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        16,
        22,
        Some("apiextensions.k8s.io/v1"),
        "spec.scope is required; spec.validation -> spec.versions[*].schema (a structural schema is required); spec.subresources and additionalPrinterColumns move under spec.versions[*]",
    ),
    removed(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        10,
        22,
        Some("apiregistration.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        10,
        22,
        Some("authentication.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview",
        10,
        22,
        Some("authorization.k8s.io/v1"),
        "spec.group -> spec.groups",
    ),
    removed(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectAccessReview",
        10,
        22,
        Some("authorization.k8s.io/v1"),
        "spec.group -> spec.groups",
    ),
    removed(
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        10,
        22,
        Some("authorization.k8s.io/v1"),
        "spec.group -> spec.groups",
    ),
    removed(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        19,
        22,
        Some("certificates.k8s.io/v1"),
        "spec.signerName is required; spec.usages is required",
    ),
    removed(
        "coordination.k8s.io/v1beta1",
        "Lease",
        14,
        22,
        Some("coordination.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        17,
        22,
        Some("rbac.authorization.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        17,
        22,
        Some("rbac.authorization.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        17,
        22,
        Some("rbac.authorization.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        17,
        22,
        Some("rbac.authorization.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        14,
        22,
        Some("scheduling.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        19,
        22,
        Some("storage.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "storage.k8s.io/v1beta1",
        "CSINode",
        17,
        22,
        Some("storage.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        6,
        22,
        Some("storage.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        13,
        22,
        Some("storage.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "batch/v1beta1",
        "CronJob",
        21,
        25,
        Some("batch/v1"),
        "no field changes",
    ),
    removed(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        21,
        25,
        Some("discovery.k8s.io/v1"),
        "endpoints[*].topology[\"kubernetes.io/hostname\"] -> nodeName; topology -> deprecatedTopology",
    ),
    removed(
        "events.k8s.io/v1beta1",
        "Event",
        19,
        25,
        Some("events.k8s.io/v1"),
        "type is limited to Normal and Warning; involvedObject -> regarding; action, reason, reportingController and reportingInstance are required",
    ),
    removed(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        22,
        25,
        Some("autoscaling/v2"),
        "targetAverageUtilization -> target.averageUtilization; targetAverageValue -> target.averageValue",
    ),
    removed(
        "policy/v1beta1",
        "PodDisruptionBudget",
        21,
        25,
        Some("policy/v1"),
        "an empty spec.selector now selects every pod of the namespace",
    ),
    removed(
        "policy/v1beta1",
        "PodSecurityPolicy",
        21,
        25,
        None,
        "PodSecurityPolicy has no replacement API: use Pod Security Admission (namespace labels) or a third-party admission webhook",
    ),
    removed(
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        20,
        25,
        Some("node.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        23,
        26,
        Some("autoscaling/v2"),
        "no field changes",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        23,
        26,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        23,
        26,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "spec.limited.assuredConcurrencyShares -> spec.limited.nominalConcurrencyShares",
    ),
    removed(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        24,
        27,
        Some("storage.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        26,
        29,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        26,
        29,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "spec.limited.assuredConcurrencyShares -> spec.limited.nominalConcurrencyShares",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        29,
        32,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "no field changes",
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        29,
        32,
        Some("flowcontrol.apiserver.k8s.io/v1"),
        "no field changes",
    ),
];

/// The versions that introduced the stable APIs most manifests use, so that a manifest
/// written for a new cluster is flagged when `--kube-version` is older.
///
/// ```
/// use tack::validate::INTRODUCED_APIS;
/// let cron_job = INTRODUCED_APIS.iter().find(|(_, kind, _)| *kind == "CronJob").unwrap();
/// assert_eq!((cron_job.0, cron_job.2.to_string()), ("batch/v1", "1.21".to_string()));
/// ```
pub const INTRODUCED_APIS: &[(&str, &str, KubeVersion)] = &[
    ("apps/v1", "Deployment", KubeVersion::new(9)),
    ("apps/v1", "StatefulSet", KubeVersion::new(9)),
    ("apps/v1", "DaemonSet", KubeVersion::new(9)),
    ("apps/v1", "ReplicaSet", KubeVersion::new(9)),
    ("networking.k8s.io/v1", "Ingress", KubeVersion::new(19)),
    ("networking.k8s.io/v1", "IngressClass", KubeVersion::new(19)),
    ("batch/v1", "CronJob", KubeVersion::new(21)),
    ("policy/v1", "PodDisruptionBudget", KubeVersion::new(21)),
    ("discovery.k8s.io/v1", "EndpointSlice", KubeVersion::new(21)),
    ("events.k8s.io/v1", "Event", KubeVersion::new(19)),
    (
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        KubeVersion::new(23),
    ),
    ("node.k8s.io/v1", "RuntimeClass", KubeVersion::new(20)),
    (
        "storage.k8s.io/v1",
        "CSIStorageCapacity",
        KubeVersion::new(24),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1",
        "FlowSchema",
        KubeVersion::new(29),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1",
        "PriorityLevelConfiguration",
        KubeVersion::new(29),
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
        KubeVersion::new(30),
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
        KubeVersion::new(30),
    ),
];

/// The removal entry for an apiVersion/kind, if Kubernetes removed it.
///
/// ```
/// use tack::validate::removed_api;
/// assert_eq!(removed_api("extensions/v1beta1", "Deployment").unwrap().replacement, Some("apps/v1"));
/// assert!(removed_api("apps/v1", "Deployment").is_none());
/// ```
pub fn removed_api(api_version: &str, kind: &str) -> Option<&'static RemovedApi> {
    REMOVED_APIS
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind)
}

/// The version that introduced an apiVersion/kind, when tack knows it.
///
/// ```
/// use tack::validate::{KubeVersion, introduced_in};
/// assert_eq!(introduced_in("networking.k8s.io/v1", "Ingress"), Some(KubeVersion::new(19)));
/// assert_eq!(introduced_in("v1", "ConfigMap"), None);
/// ```
pub fn introduced_in(api_version: &str, kind: &str) -> Option<KubeVersion> {
    INTRODUCED_APIS
        .iter()
        .find(|(a, k, _)| *a == api_version && *k == kind)
        .map(|(_, _, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_are_the_newest_version() {
        assert_eq!(KubeVersion::default(), KubeVersion::LATEST);
        // The built-in schemas are those of the newest version.
        assert_eq!(
            crate::validate::schema::builtin::kubernetes_version(),
            KubeVersion::LATEST.to_string()
        );
    }

    #[test]
    fn the_table_is_consistent() {
        for entry in REMOVED_APIS {
            assert!(entry.deprecated_in < entry.removed_in, "{entry:?}");
            assert!(entry.removed_in <= KubeVersion::LATEST, "{entry:?}");
            // A removed apiVersion has no built-in schema, and its replacement has one.
            assert!(
                crate::validate::schema::builtin::kind(entry.api_version, entry.kind).is_none(),
                "{entry:?}"
            );
            if let Some(replacement) = entry.replacement
                && entry.kind != "PodSecurityPolicy"
            {
                assert!(
                    crate::validate::schema::builtin::kind(replacement, entry.kind).is_some(),
                    "{entry:?}"
                );
            }
        }
        let ingress = removed_api("extensions/v1beta1", "Ingress");
        assert_eq!(ingress.map(|i| i.removed_in), Some(KubeVersion::new(22)));
        assert_eq!(
            introduced_in("batch/v1", "CronJob"),
            Some(KubeVersion::new(21))
        );
    }
}
