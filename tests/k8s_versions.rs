//! Checks `schemas/k8s/versions.json`, the schemas of the older Kubernetes versions as
//! differences from `definitions.json` (the newest), written by `tools/k8s-schemas`: every
//! version is there, each one's table is whole once its differences are applied, and facts of
//! the Kubernetes release history hold.

use serde_json::{Map, Value};
use std::path::PathBuf;

/// The versions `versions.json` holds, oldest first; `definitions.json` is the next one.
const OLDER: &[&str] = &["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"];
const NEWEST: &str = "1.37";

fn read(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/k8s")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the schema file is readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn object(value: &Value, what: &str) -> Map<String, Value> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is an object"))
        .clone()
}

/// One version's whole tables: (definitions, kinds).
struct Version {
    definitions: Map<String, Value>,
    kinds: Map<String, Value>,
}

/// The newest version's tables, and each older one's with its differences applied.
fn versions() -> Vec<(&'static str, Version)> {
    let versions = read("versions.json");
    assert_eq!(versions["base"], NEWEST);
    assert_eq!(read("kinds.json")["kubernetesVersion"], NEWEST);
    let base = object(&read("definitions.json")["definitions"], "definitions");
    let listed: Vec<&str> = versions["versions"]
        .as_object()
        .expect("versions is an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        listed, OLDER,
        "versions.json holds exactly 1.30 through 1.36"
    );
    let mut out = vec![(
        NEWEST,
        Version {
            definitions: base.clone(),
            kinds: object(&read("kinds.json")["kinds"], "kinds"),
        },
    )];
    for version in OLDER {
        let delta = &versions["versions"][version];
        let mut definitions = base.clone();
        for name in delta["absent"].as_array().expect("absent is a list") {
            let name = name.as_str().expect("absent names are strings");
            assert!(
                definitions.remove(name).is_some(),
                "{version}: absent {name} is not in definitions.json"
            );
        }
        for (name, schema) in object(&delta["definitions"], "definitions") {
            assert_ne!(
                base.get(&name),
                Some(&schema),
                "{version}: {name} is the same as in definitions.json, so it is not a difference"
            );
            definitions.insert(name, schema);
        }
        out.push((
            version,
            Version {
                definitions,
                kinds: object(&delta["kinds"], "kinds"),
            },
        ));
    }
    out
}

/// Every `$ref` below `value` (a property named `$ref`, as in JSONSchemaProps, holds an
/// object, not a string, so it is not one).
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => out.push(target),
                    _ => refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

#[test]
fn every_version_is_whole() {
    for (version, tables) in versions() {
        for (name, schema) in &tables.definitions {
            let mut targets = Vec::new();
            refs(schema, &mut targets);
            for target in targets {
                let found = target
                    .strip_prefix("#/definitions/")
                    .is_some_and(|t| tables.definitions.contains_key(t));
                assert!(found, "{version}: {name}: $ref {target} does not resolve");
            }
        }
        assert!(
            tables.kinds.len() >= 80,
            "{version}: {}",
            tables.kinds.len()
        );
        for (kind, entry) in &tables.kinds {
            let definition = entry["definition"].as_str().expect("a definition name");
            assert!(
                tables.definitions.contains_key(definition),
                "{version}: {kind}: no definition {definition}"
            );
            assert!(entry["namespaced"].is_boolean(), "{version}: {kind}");
        }
    }
}

/// Whether `definition` of `version` has the property `field`.
fn has_field(tables: &Version, definition: &str, field: &str) -> bool {
    tables.definitions[definition]["properties"]
        .get(field)
        .is_some()
}

fn at<'a>(versions: &'a [(&str, Version)], wanted: &str) -> &'a Version {
    &versions
        .iter()
        .find(|(version, _)| *version == wanted)
        .expect("a known version")
        .1
}

/// The kinds of `group_version` (`resource.k8s.io/v1`), sorted.
fn kinds_of(tables: &Version, group_version: &str) -> Vec<String> {
    let prefix = format!("{group_version}/");
    tables
        .kinds
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter(|k| !k.contains('/'))
        .map(str::to_string)
        .collect()
}

#[test]
fn known_facts_of_the_release_history_hold() {
    let versions = versions();
    let at = |wanted: &str| at(&versions, wanted);
    let dra = [
        "DeviceClass",
        "ResourceClaim",
        "ResourceClaimTemplate",
        "ResourceSlice",
    ];

    // resource.k8s.io/v1beta2 (DRA) came in 1.33, resource.k8s.io/v1 (DRA GA) in 1.34; its
    // DeviceTaintRule in 1.37.
    assert!(kinds_of(at("1.32"), "resource.k8s.io/v1beta2").is_empty());
    for version in ["1.33", "1.34", "1.35"] {
        assert_eq!(kinds_of(at(version), "resource.k8s.io/v1beta2"), dra);
    }
    assert!(kinds_of(at("1.33"), "resource.k8s.io/v1").is_empty());
    for version in ["1.34", "1.35", "1.36"] {
        assert_eq!(
            kinds_of(at(version), "resource.k8s.io/v1"),
            dra,
            "{version}"
        );
    }
    assert!(kinds_of(at("1.37"), "resource.k8s.io/v1").contains(&"DeviceTaintRule".into()));
    assert!(
        !at("1.33")
            .definitions
            .contains_key("io.k8s.api.resource.v1.ResourceClaim")
    );

    // Container restart rules (`restartPolicyRules`) came in 1.34, a container lifecycle's
    // `stopSignal` in 1.33, pod-level `resources` in 1.32.
    for (definition, field, first) in [
        ("io.k8s.api.core.v1.Container", "restartPolicyRules", "1.34"),
        ("io.k8s.api.core.v1.Lifecycle", "stopSignal", "1.33"),
        ("io.k8s.api.core.v1.PodSpec", "resources", "1.32"),
    ] {
        for (version, tables) in &versions {
            // "1.30" to "1.37" compare as strings as they do as versions.
            assert_eq!(
                has_field(tables, definition, field),
                *version >= first,
                "{version}: {definition}.{field}"
            );
        }
    }

    // A Service's `trafficDistribution` went beta in 1.31 but is in 1.30's schemas too: the
    // OpenAPI publishes alpha fields (their feature gates are checked by the API server).
    for (version, tables) in &versions {
        assert!(
            has_field(
                tables,
                "io.k8s.api.core.v1.ServiceSpec",
                "trafficDistribution"
            ),
            "{version}"
        );
    }
}
