//! Lists that server-side apply merges as maps (`x-kubernetes-list-type: map`): two items with
//! the same key make it refuse the object ("duplicate entries for key"), although the API
//! server's own validation and client-side apply accept some of them (the last one wins).
//! Helm 4 applies server-side by default, so these are warnings whatever the applier.
//!
//! k8s-openapi's schemas do not carry `x-kubernetes-list-map-keys`; the table below holds
//! the keys Kubernetes declares for the lists manifests write (`+listType=map`,
//! `+listMapKey=...` in the API's Go types), with the defaults the server fills in first.

use super::{Rules, containers};
use serde_json::Value;
use std::collections::BTreeMap;

/// A list merged by keys: its field, and each key with its default when left out.
struct MapList {
    field: &'static str,
    keys: &'static [(&'static str, Option<&'static str>)],
}

/// The lists of a container.
const CONTAINER_LISTS: &[MapList] = &[
    MapList {
        field: "env",
        keys: &[("name", None)],
    },
    MapList {
        field: "ports",
        keys: &[("containerPort", None), ("protocol", Some("TCP"))],
    },
    MapList {
        field: "volumeMounts",
        keys: &[("mountPath", None)],
    },
    MapList {
        field: "volumeDevices",
        keys: &[("devicePath", None)],
    },
    MapList {
        field: "resizePolicy",
        keys: &[("resourceName", None)],
    },
];

/// The lists of a pod spec (containers and volumes are checked by the API server itself).
const POD_LISTS: &[MapList] = &[
    MapList {
        field: "imagePullSecrets",
        keys: &[("name", None)],
    },
    MapList {
        field: "hostAliases",
        keys: &[("ip", None)],
    },
    MapList {
        field: "topologySpreadConstraints",
        keys: &[("topologyKey", None), ("whenUnsatisfiable", None)],
    },
    MapList {
        field: "resourceClaims",
        keys: &[("name", None)],
    },
    MapList {
        field: "schedulingGates",
        keys: &[("name", None)],
    },
];

impl Rules<'_> {
    /// Duplicate keys in the map-lists of a pod spec and its containers.
    pub(super) fn list_map_keys(&mut self, spec: &Value, spec_path: &str) {
        for list in POD_LISTS {
            self.unique_keys(spec, spec_path, list);
        }
        for (path, container) in containers(spec, spec_path) {
            for list in CONTAINER_LISTS {
                self.unique_keys(container, &path, list);
            }
        }
    }

    fn unique_keys(&mut self, parent: &Value, parent_path: &str, list: &MapList) {
        let Some(Value::Array(items)) = parent.get(list.field) else {
            return;
        };
        let mut seen: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let key: Option<Vec<String>> = list
                .keys
                .iter()
                .map(|(name, default)| match item.get(*name) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(_) => None,
                    None => default.map(str::to_string),
                })
                .collect();
            // An item without its key is the schema's to report.
            let Some(key) = key else { continue };
            if let Some(first) = seen.insert(key.clone(), i) {
                let shown: Vec<String> = list
                    .keys
                    .iter()
                    .zip(&key)
                    .map(|((name, _), value)| {
                        format!("{name}={}", crate::diagnostic::shorten(value, 60))
                    })
                    .collect();
                self.warning(
                    format!("{parent_path}/{}/{i}", list.field),
                    format!(
                        "{} {} and {i} have the same key ({}): server-side apply (Helm 4's default, `kubectl apply --server-side`) refuses the object, client-side apply keeps the last",
                        list.field,
                        first,
                        shown.join(", ")
                    ),
                    Some("keep one entry per key"),
                );
            }
        }
    }
}
