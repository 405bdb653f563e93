//! Rolling pods when their configuration changes: every pod template gets a
//! `checksum/<kind>-<name>` annotation for each Secret and ConfigMap of the release it
//! references (env, envFrom, volumes, projected volumes), typed or template-written. A changed
//! value changes the annotation, so `kubectl apply` rolls the pods: Helm's `checksum/config`
//! chore, done for every reference.
//!
//! The checksum is SHA-256 over the object's kind, name and all of its data (keys sorted), so
//! it tells that something changed without letting anyone test a guess of one value.

use crate::manifest::{Manifests, pod_template};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The longest name part of an annotation key (`checksum/<name part>`).
const MAX_NAME_PART: usize = 63;

/// Adds the checksum annotations to every pod template of `manifests`.
pub(crate) fn annotate(manifests: &mut Manifests) {
    let mut sums: BTreeMap<(&'static str, String), String> = BTreeMap::new();
    for manifest in manifests.iter() {
        let kind = match manifest.kind() {
            "Secret" => "secret",
            "ConfigMap" => "configmap",
            _ => continue,
        };
        sums.insert(
            (kind, manifest.name().to_string()),
            checksum(kind, manifest.json()),
        );
    }
    if sums.is_empty() {
        return;
    }
    for index in 0..manifests.len() {
        let manifest = manifests.get_mut(index);
        let Some(pod) = pod_template(manifest.json()).and_then(|t| t.get("spec")) else {
            continue;
        };
        let annotations: BTreeMap<String, String> = references(pod)
            .into_iter()
            .filter_map(|reference| {
                let sum = sums.get(&reference)?;
                Some((annotation_key(reference.0, &reference.1), sum.clone()))
            })
            .collect();
        manifest.annotate_pod_template(&annotations);
    }
}

/// The hex SHA-256 of an object's kind, name and data sections, with keys in sorted order.
fn checksum(kind: &str, object: &Value) -> String {
    let mut hasher = Sha256::new();
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    for part in [kind, name] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    for section in ["type", "data", "stringData", "binaryData", "immutable"] {
        hasher.update((section.len() as u64).to_le_bytes());
        hasher.update(section.as_bytes());
        let canonical = canonical(object.get(section).unwrap_or(&Value::Null));
        hasher.update((canonical.len() as u64).to_le_bytes());
        hasher.update(canonical.as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// JSON with object keys sorted, so a template's key order does not change the checksum.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let fields: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// The annotation key for an object: `checksum/<kind>-<name>`, with a long name shortened
/// and made unique by a hash of it (the name part of a key holds at most 63 characters).
fn annotation_key(kind: &str, name: &str) -> String {
    let part = format!("{kind}-{name}");
    if part.len() <= MAX_NAME_PART {
        return format!("checksum/{part}");
    }
    let hash = Sha256::digest(name.as_bytes());
    let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut keep = MAX_NAME_PART - short.len() - 1;
    // A template may write any name (validation comes later): cut at a character boundary.
    while !part.is_char_boundary(keep) {
        keep -= 1;
    }
    let mut cut = part[..keep].trim_end_matches(['-', '.']).to_string();
    cut.push('-');
    cut.push_str(&short);
    format!("checksum/{cut}")
}

/// The items of the list at `pointer` in `value` (none when it is missing or not a list).
fn items<'v>(value: &'v Value, pointer: &str) -> impl Iterator<Item = &'v Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The Secrets and ConfigMaps a pod spec references, as `(kind, name)`.
fn references(pod: &Value) -> BTreeSet<(&'static str, String)> {
    // Where a container names them: (list, a Secret's name, a ConfigMap's name).
    const IN_CONTAINERS: [(&str, &str, &str); 2] = [
        (
            "/env",
            "/valueFrom/secretKeyRef/name",
            "/valueFrom/configMapKeyRef/name",
        ),
        ("/envFrom", "/secretRef/name", "/configMapRef/name"),
    ];
    let mut found = BTreeSet::new();
    let mut add = |item: &Value, secret: &str, config_map: &str| {
        for (kind, pointer) in [("secret", secret), ("configmap", config_map)] {
            if let Some(name) = item.pointer(pointer).and_then(Value::as_str) {
                found.insert((kind, name.to_string()));
            }
        }
    };
    for list in ["/containers", "/initContainers", "/ephemeralContainers"] {
        for container in items(pod, list) {
            for (place, secret, config_map) in IN_CONTAINERS {
                for item in items(container, place) {
                    add(item, secret, config_map);
                }
            }
        }
    }
    for volume in items(pod, "/volumes") {
        add(volume, "/secret/secretName", "/configMap/name");
        for source in items(volume, "/projected/sources") {
            add(source, "/secret/name", "/configMap/name");
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Manifest, Object};
    use serde_json::json;

    fn release(api_key: &str) -> Manifests {
        let other = |value: Value| Manifest::new("test", Object::Other(value));
        Manifests::new(vec![
            other(
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "mnist"}, "stringData": {"apiKey": api_key}}),
            ),
            other(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "1", "b": "2"}}),
            ),
            other(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unused"}, "data": {}}),
            ),
            other(json!({
                "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "retrain"},
                "spec": {"jobTemplate": {"spec": {"template": {"spec": {
                    "containers": [{"name": "train", "envFrom": [{"secretRef": {"name": "mnist"}}]}],
                    "volumes": [{"name": "s", "configMap": {"name": "settings"}}, {"name": "x", "secret": {"secretName": "elsewhere"}}],
                }}}}},
            })),
        ])
    }

    fn annotations(manifests: &Manifests) -> Value {
        let job = manifests.iter().find(|m| m.kind() == "CronJob").unwrap();
        job.json()["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"].clone()
    }

    #[test]
    fn annotates_each_referenced_object_of_the_release() {
        let mut manifests = release("hunter2");
        annotate(&mut manifests);
        let found = annotations(&manifests);
        let keys: Vec<&String> = found.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["checksum/configmap-settings", "checksum/secret-mnist"]
        );
        assert_eq!(found["checksum/secret-mnist"].as_str().unwrap().len(), 64);
    }

    #[test]
    fn a_changed_value_changes_the_checksum_and_key_order_does_not() {
        let mut one = release("hunter2");
        let mut two = release("hunter3");
        annotate(&mut one);
        annotate(&mut two);
        let (one, two) = (annotations(&one), annotations(&two));
        assert_ne!(one["checksum/secret-mnist"], two["checksum/secret-mnist"]);
        assert_eq!(
            one["checksum/configmap-settings"],
            two["checksum/configmap-settings"]
        );
        let reordered =
            json!({"kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"b": "2", "a": "1"}});
        let ordered =
            json!({"kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"a": "1", "b": "2"}});
        assert_eq!(
            checksum("configmap", &reordered),
            checksum("configmap", &ordered)
        );
    }

    #[test]
    fn the_checksum_of_a_secret_is_not_the_hash_of_its_value() {
        let secret = json!({"kind": "Secret", "metadata": {"name": "mnist"}, "stringData": {"apiKey": "hunter2"}});
        let sum = checksum("secret", &secret);
        let alone: String = Sha256::digest(b"hunter2")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_ne!(sum, alone);
        // The name counts too: the same data under another name hashes differently.
        let renamed = json!({"kind": "Secret", "metadata": {"name": "other"}, "stringData": {"apiKey": "hunter2"}});
        assert_ne!(sum, checksum("secret", &renamed));
    }

    #[test]
    fn long_names_make_valid_unique_keys() {
        let long = "a".repeat(200);
        let key = annotation_key("configmap", &long);
        let part = key.strip_prefix("checksum/").unwrap();
        assert!(part.len() <= MAX_NAME_PART, "{part}");
        assert_ne!(key, annotation_key("configmap", &format!("{long}b")));
        assert!(crate::names::is_qualified_name(&key), "{key}");
        // Any name a template writes, even one validation will refuse, gives a key.
        let odd = annotation_key("secret", &"é".repeat(60));
        assert!(odd.len() <= "checksum/".len() + MAX_NAME_PART, "{odd}");
    }
}
