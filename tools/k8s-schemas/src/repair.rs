//! The repairs of the Kubernetes JSON Schemas `tack validate` embeds, shared by
//! `tests/validate_schemas.rs` (the newest version, checked in as `schemas/k8s/definitions.json`
//! and `kinds.json`) and `tools/k8s-schemas` (every supported version, merged into
//! `schemas/k8s/versions.json`), so that every version gets exactly the same repairs and
//! format. Nothing here depends on a `k8s-openapi` version: the callers turn their resource
//! types into [`Kind`]s.
// Each of the two crates that include this file uses only a part of it.
#![allow(dead_code)]

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One resource kind of a Kubernetes version, with its schema as `schemars` generates it.
pub struct Kind {
    /// `apps/v1`.
    pub api_version: &'static str,
    /// `Deployment`.
    pub kind: &'static str,
    /// The schema's title: the definition's name (`io.k8s.api.apps.v1.Deployment`).
    pub definition: String,
    /// Whether the kind is namespaced (else cluster-scoped).
    pub namespaced: bool,
    /// The root schema, with the definitions it uses under `$defs`.
    pub schema: Value,
}

/// Whether the description of an enum field names its values.
#[derive(Clone, Copy, PartialEq)]
pub enum Listed {
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
pub const ENUMS: &[(&str, &str, &[&str], Listed)] = &[
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

/// Applies `f` to every schema node below (and including) `node`, knowing the JSON Schema
/// keywords, so that a *property* named `description` or `$ref` is never mistaken for one.
pub fn walk_schema(node: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
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

/// What to do with an [`ENUMS`] entry whose definition lacks the property.
#[derive(Clone, Copy, PartialEq)]
pub enum AbsentField {
    /// A problem: the newest version must have every property the table names.
    Problem,
    /// Skipped: an older Kubernetes version may not have the field yet.
    Skip,
}

/// The repairs every definition gets. `name` is the definition's name. An [`ENUMS`] entry
/// whose property the definition lacks is a problem.
pub fn repair(name: &str, schema: &mut Value, problems: &mut Vec<String>) {
    repair_version(name, schema, problems, AbsentField::Problem);
}

/// [`repair`], with `absent` saying what an [`ENUMS`] entry whose property the definition
/// lacks is (older Kubernetes versions skip the fields they do not have yet).
pub fn repair_version(
    name: &str,
    schema: &mut Value,
    problems: &mut Vec<String>,
    absent: AbsentField,
) {
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
            if absent == AbsentField::Problem {
                problems.push(format!("{definition}: no property {property}"));
            }
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
pub fn lines_object(entries: &BTreeMap<String, Value>) -> String {
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

/// The repaired tables of one Kubernetes version: definitions by name, and
/// `apiVersion/kind` -> `{"definition": name, "namespaced": bool}`.
pub struct Tables {
    /// Every definition any kind uses, the kinds' own included, by name.
    pub definitions: BTreeMap<String, Value>,
    /// `apps/v1/Deployment` -> its definition and scope.
    pub kinds: BTreeMap<String, Value>,
}

/// Repairs the schemas of `kinds` into one shared definitions table. `absent` says what an
/// [`ENUMS`] entry whose property a definition lacks is. Returns the problems, if any.
pub fn tables(kinds: Vec<Kind>, absent: AbsentField) -> Result<Tables, Vec<String>> {
    let mut definitions: BTreeMap<String, Value> = BTreeMap::new();
    let mut kinds_table: BTreeMap<String, Value> = BTreeMap::new();
    let mut problems = Vec::new();
    for kind in kinds {
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
            repair_version(&name, &mut def, &mut problems, absent);
            if let Some(existing) = definitions.get(&name) {
                if existing != &def {
                    problems.push(format!("{name}: two different definitions"));
                }
            } else {
                definitions.insert(name, def);
            }
        }
        kinds_table.insert(
            format!("{api_version}/{kind_name}"),
            json!({"definition": definition, "namespaced": namespaced}),
        );
    }
    if problems.is_empty() {
        Ok(Tables {
            definitions,
            kinds: kinds_table,
        })
    } else {
        Err(problems)
    }
}

/// The text of `definitions.json` for Kubernetes `version`, written by `generator` (named in
/// the file's comment).
pub fn definitions_file(
    version: &str,
    generator: &str,
    definitions: &BTreeMap<String, Value>,
) -> String {
    format!(
        "{{\n\"$schema\": \"http://json-schema.org/draft-07/schema#\",\n\"$comment\": \"Kubernetes {version} object schemas generated from k8s-openapi by {generator}; do not edit\",\n\"definitions\": {{\n{}}}\n}}\n",
        lines_object(definitions)
    )
}

/// The text of `kinds.json` for Kubernetes `version`, written by `generator` (named in the
/// file's comment).
pub fn kinds_file(version: &str, generator: &str, kinds: &BTreeMap<String, Value>) -> String {
    format!(
        "{{\n\"$comment\": \"apiVersion/kind -> definition in definitions.json; generated by {generator}; do not edit\",\n\"kubernetesVersion\": \"{version}\",\n\"kinds\": {{\n{}}}\n}}\n",
        lines_object(kinds)
    )
}
