//! CustomResourceDefinitions as schema sources: a CRD's `openAPIV3Schema` for each served
//! version, turned into a JSON Schema the `jsonschema` crate checks custom resources with,
//! and the CRD's scope, so rules and `--namespace` know a cluster-scoped kind.
//!
//! What the conversion understands: `nullable`, `x-kubernetes-int-or-string`,
//! `x-kubernetes-preserve-unknown-fields` (the node keeps unknown fields even in strict
//! mode), `x-kubernetes-embedded-resource` (an object with its own apiVersion, kind and
//! metadata), `x-kubernetes-list-type: set` (unique items); `x-kubernetes-list-type: map`
//! with `x-kubernetes-list-map-keys` is checked by [`list_map_problems`]. `default`s are
//! not checked (they only fill in values) but kept: the CEL evaluator fills them in as the
//! API server does. CEL rules (`x-kubernetes-validations`) are kept for
//! [`super::cel::SchemaRules`].

use super::document::escape_segment;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// One served version of a CRD.
#[derive(Debug, Clone)]
pub(crate) struct CrdVersion {
    /// `v1`, `v1beta1`...
    pub name: String,
    /// Whether the API server serves it.
    pub served: bool,
    /// Its schema, converted to JSON Schema (`None`: the CRD gives none).
    pub schema: Option<Value>,
}

/// What validation needs of a CustomResourceDefinition.
#[derive(Debug, Clone)]
pub(crate) struct Crd {
    /// `spec.group`.
    pub group: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// `metadata.name` (`<plural>.<group>`).
    pub name: String,
    /// `spec.scope` is `Namespaced`.
    pub namespaced: bool,
    /// Its versions.
    pub versions: Vec<CrdVersion>,
    /// Where it came from, for messages: a file, or an input's name.
    pub origin: String,
    /// Where it is, when it is an object of the input.
    pub location: Option<crate::source::Location>,
}

impl Crd {
    /// Reads a CRD object. `Err` says why it cannot serve as a schema source (not a CRD, no
    /// group or kind).
    pub(crate) fn from_value(value: &Value, origin: &str) -> Result<Crd, String> {
        if !is_crd(value) {
            return Err(format!(
                "{origin}: not a CustomResourceDefinition (apiextensions.k8s.io/v1); found {} {}",
                value["apiVersion"].as_str().unwrap_or("(no apiVersion)"),
                value["kind"].as_str().unwrap_or("(no kind)")
            ));
        }
        let spec = &value["spec"];
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        let (group, kind) = (text(&spec["group"]), text(&spec["names"]["kind"]));
        if group.is_empty() || kind.is_empty() {
            return Err(format!(
                "{origin}: CustomResourceDefinition {} has no spec.group or spec.names.kind",
                text(&value["metadata"]["name"])
            ));
        }
        let versions = spec["versions"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|version| {
                let schema = version.pointer("/schema/openAPIV3Schema");
                CrdVersion {
                    name: text(&version["name"]),
                    served: version["served"].as_bool().unwrap_or(false),
                    schema: schema.map(root_schema),
                }
            })
            .collect();
        Ok(Crd {
            group,
            kind,
            name: text(&value["metadata"]["name"]),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            versions,
            origin: origin.to_string(),
            location: None,
        })
    }

    /// The version an `apiVersion` names, when this CRD serves it.
    pub(crate) fn served(&self, api_version: &str) -> Option<&CrdVersion> {
        let version = api_version.rsplit_once('/').map_or("", |(_, v)| v);
        self.versions.iter().find(|v| v.served && v.name == version)
    }

    /// The versions it serves, for messages.
    pub(crate) fn served_names(&self) -> Vec<&str> {
        self.versions
            .iter()
            .filter(|v| v.served)
            .map(|v| v.name.as_str())
            .collect()
    }
}

/// Whether a value is an `apiextensions.k8s.io/v1` CustomResourceDefinition.
pub(crate) fn is_crd(value: &Value) -> bool {
    value["kind"].as_str() == Some("CustomResourceDefinition")
        && value["apiVersion"].as_str() == Some("apiextensions.k8s.io/v1")
}

/// CRDs by group and kind.
#[derive(Debug, Clone, Default)]
pub(crate) struct CrdSet {
    by_kind: HashMap<(String, String), Crd>,
}

impl CrdSet {
    /// Adds a CRD; `Err` with a message when another one already defines its kind.
    pub(crate) fn add(&mut self, crd: Crd) -> Result<(), String> {
        let key = (crd.group.clone(), crd.kind.clone());
        if let Some(existing) = self.by_kind.get(&key) {
            return Err(format!(
                "two CustomResourceDefinitions define {} in {}: {} ({}) and {} ({})",
                crd.kind, crd.group, existing.name, existing.origin, crd.name, crd.origin
            ));
        }
        self.by_kind.insert(key, crd);
        Ok(())
    }

    /// The CRD of an object's apiVersion and kind.
    pub(crate) fn get(&self, api_version: &str, kind: &str) -> Option<&Crd> {
        let group = api_version.rsplit_once('/')?.0;
        self.by_kind.get(&(group.to_string(), kind.to_string()))
    }

    /// The `(group, kind)`s of its cluster-scoped CRDs.
    pub(crate) fn cluster_scoped(&self) -> Vec<(String, String)> {
        let mut kinds: Vec<(String, String)> = self
            .by_kind
            .values()
            .filter(|crd| !crd.namespaced)
            .map(|crd| (crd.group.clone(), crd.kind.clone()))
            .collect();
        kinds.sort();
        kinds
    }

    /// Every CRD of `other` that this set does not define yet (the set's own win).
    pub(crate) fn extended(&self, other: &CrdSet) -> CrdSet {
        let mut merged = self.clone();
        for (key, crd) in &other.by_kind {
            merged
                .by_kind
                .entry(key.clone())
                .or_insert_with(|| crd.clone());
        }
        merged
    }
}

/// The child schemas of a node, each with the path segment that leads to it.
pub(crate) fn children(node: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    if let Some(Value::Object(properties)) = node.get("properties") {
        for (name, child) in properties {
            found.push((format!("properties/{}", escape_segment(name)), child));
        }
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = node.get(keyword).filter(|c| c.is_object()) {
            found.push((keyword.to_string(), child));
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = node.get(keyword) {
            for (i, child) in items.iter().enumerate() {
                found.push((format!("{keyword}/{i}"), child));
            }
        }
    }
    found
}

/// The JSON Schema of a custom resource: its `openAPIV3Schema`, converted, with
/// `apiVersion`, `kind` and `metadata` allowed at the root as the API server allows them.
fn root_schema(openapi: &Value) -> Value {
    let mut schema = convert(openapi);
    if let Value::Object(map) = &mut schema {
        let properties = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            properties
                .entry("apiVersion")
                .or_insert_with(|| json!({"type": "string"}));
            properties
                .entry("kind")
                .or_insert_with(|| json!({"type": "string"}));
            // Only name and generateName may be restricted at the root; tack's own rules
            // check the rest of metadata.
            properties.insert("metadata".into(), json!({"type": "object"}));
        }
    }
    schema
}

/// Converts one OpenAPI v3 schema node to JSON Schema, recursively: the YAML and JSON
/// readers cap nesting at 128 levels, and each level of a schema takes at least two, so the
/// recursion stays shallow.
fn convert(openapi: &Value) -> Value {
    let Value::Object(node) = openapi else {
        return Value::Bool(true);
    };
    let mut out = Map::new();
    let int_or_string = node.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    let preserve = node.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    let embedded = node.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true));
    let nullable = node.get("nullable") == Some(&Value::Bool(true));
    for (key, value) in node {
        match key.as_str() {
            // Schema keywords whose value is a schema, or schemas.
            "properties" => {
                let mut properties = Map::new();
                if let Value::Object(children) = value {
                    for (name, child) in children {
                        properties.insert(name.clone(), convert(child));
                    }
                }
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "not" => {
                out.insert(key.clone(), convert(value));
            }
            "additionalProperties" => {
                let converted = if value.is_boolean() {
                    value.clone()
                } else {
                    convert(value)
                };
                out.insert(key.clone(), converted);
            }
            "allOf" | "anyOf" | "oneOf" => {
                let items = value
                    .as_array()
                    .map(|items| items.iter().map(convert).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(items));
            }
            // Validation keywords JSON Schema shares with OpenAPI.
            "type" | "enum" | "format" | "pattern" | "required" | "minimum" | "maximum"
            | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" | "minLength"
            | "maxLength" | "minItems" | "maxItems" | "uniqueItems" | "minProperties"
            | "maxProperties" => {
                out.insert(key.clone(), value.clone());
            }
            // Kept for the CEL evaluator (rules, and the defaults the API server fills in
            // before they run); `jsonschema` ignores keywords it does not know, and treats
            // `default` as an annotation.
            "x-kubernetes-validations"
            | "default"
            | "x-kubernetes-list-type"
            | "x-kubernetes-list-map-keys" => {
                out.insert(key.clone(), value.clone());
            }
            // Not validation: description, example, x-kubernetes-* handled above.
            _ => {}
        }
    }
    // OpenAPI 3.0's boolean exclusive bounds are JSON Schema draft 4's; draft 7 wants numbers.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = out.get(flag).cloned() {
            out.remove(flag);
            if exclusive && let Some(limit) = out.remove(bound) {
                out.insert(flag.to_string(), limit);
            }
        }
    }
    if int_or_string {
        out.remove("type");
        out.remove("anyOf");
        out.insert("type".into(), json!(["integer", "string"]));
    }
    if node.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("set") {
        out.insert("uniqueItems".into(), Value::Bool(true));
    }
    if preserve && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(true));
        out.insert(
            "x-kubernetes-preserve-unknown-fields".into(),
            Value::Bool(true),
        );
    }
    if embedded {
        let properties = out
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            for field in ["apiVersion", "kind"] {
                properties
                    .entry(field)
                    .or_insert_with(|| json!({"type": "string"}));
            }
            properties
                .entry("metadata")
                .or_insert_with(|| json!({"type": "object"}));
        }
    }
    if nullable && let Some(kind) = out.get("type").cloned() {
        let mut types = match kind {
            Value::Array(types) => types,
            other => vec![other],
        };
        types.push(Value::String("null".into()));
        out.insert("type".into(), Value::Array(types));
    }
    Value::Object(out)
}

/// The rules a CRD's schema must follow to be structural (Kubernetes refuses one that is
/// not): each problem with the JSON Pointer of the offending node below `openAPIV3Schema`.
pub(crate) fn structural_problems(openapi: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut stack = vec![(String::new(), openapi, true)];
    while let Some((path, node, typed_context)) = stack.pop() {
        let Value::Object(map) = node else {
            problems.push((path, "a schema must be an object".to_string()));
            continue;
        };
        let escape_hatch = map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
            || map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if typed_context && !escape_hatch && map.get("type").and_then(Value::as_str).is_none() {
            problems.push((
                format!("{path}/type"),
                "every node of a structural schema needs a type (or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields)".to_string(),
            ));
        }
        if map.contains_key("properties")
            && map
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false))
        {
            problems.push((
                format!("{path}/additionalProperties"),
                "properties and additionalProperties cannot both be set".to_string(),
            ));
        }
        if let Some(Value::String(kind)) = map.get("type")
            && kind == "array"
            && !map.contains_key("items")
        {
            problems.push((format!("{path}/items"), "an array needs items".to_string()));
        }
        for (segment, child) in children(node) {
            // Inside allOf/anyOf/oneOf/not, nodes only add constraints: no type needed.
            let typed = !["allOf", "anyOf", "oneOf", "not"]
                .iter()
                .any(|k| segment.starts_with(k));
            stack.push((format!("{path}/{segment}"), child, typed && typed_context));
        }
    }
    problems.sort();
    problems
}

/// `x-kubernetes-list-type: map` lists of `value` with two items of the same
/// `x-kubernetes-list-map-keys`: (JSON Pointer of the second, message).
pub(crate) fn list_map_problems(openapi: &Value, value: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    walk_with_schema(openapi, value, &mut |_, path, schema, value| {
        let Value::Array(items) = value else { return };
        let keys: Vec<&str> = schema
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .map(|keys| keys.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if schema.get("x-kubernetes-list-type").and_then(Value::as_str) != Some("map")
            || keys.is_empty()
        {
            return;
        }
        if super::cel::past_its_limit(schema, value) {
            // Already an error of the schema; its items are not checked one by one.
            return;
        }
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        let mut reported = 0usize;
        for (i, item) in items.iter().enumerate() {
            let key: Vec<String> = keys
                .iter()
                .map(|k| item.get(*k).map_or("(unset)".to_string(), Value::to_string))
                .collect();
            if let Some(first) = seen.insert(key.clone(), i) {
                reported += 1;
                if reported > MAX_DUPLICATES_SHOWN {
                    continue;
                }
                let shown: Vec<String> = keys
                    .iter()
                    .zip(&key)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                problems.push((
                    format!("{path}/{i}"),
                    format!(
                        "items {first} and {i} have the same key ({}): the list is a map keyed by {}",
                        shown.join(", "),
                        keys.join(", ")
                    ),
                ));
            }
        }
        if reported > MAX_DUPLICATES_SHOWN {
            problems.push((
                path.to_string(),
                format!(
                    "{} more items repeat a key of the list (keyed by {}); only the first {MAX_DUPLICATES_SHOWN} are shown",
                    reported - MAX_DUPLICATES_SHOWN,
                    keys.join(", ")
                ),
            ));
        }
    });
    problems.sort();
    problems
}

/// The most repeated keys of one list-map reported one by one.
const MAX_DUPLICATES_SHOWN: usize = 16;

/// Calls `visit` with every node of `value` that `schema` describes, iteratively (a hostile
/// object nests deeply): the schema node's JSON Pointer, the value's, the schema node and
/// the value. A field goes by `properties`, else `additionalProperties`; items by `items`.
pub(crate) fn walk_with_schema<'a>(
    schema: &'a Value,
    value: &'a Value,
    visit: &mut dyn FnMut(&str, &str, &'a Value, &'a Value),
) {
    let mut stack = vec![(String::new(), String::new(), schema, value)];
    while let Some((schema_pointer, path, node, value)) = stack.pop() {
        visit(&schema_pointer, &path, node, value);
        match value {
            Value::Object(fields) => {
                let properties = node.get("properties").and_then(Value::as_object);
                let additional = node.get("additionalProperties").filter(|a| a.is_object());
                for (name, child) in fields {
                    let segment = escape_segment(name);
                    if let Some(child_schema) = properties.and_then(|p| p.get(name)) {
                        stack.push((
                            format!("{schema_pointer}/properties/{segment}"),
                            format!("{path}/{segment}"),
                            child_schema,
                            child,
                        ));
                    } else if let Some(additional) = additional {
                        stack.push((
                            format!("{schema_pointer}/additionalProperties"),
                            format!("{path}/{segment}"),
                            additional,
                            child,
                        ));
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = node.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        stack.push((
                            format!("{schema_pointer}/items"),
                            format!("{path}/{i}"),
                            item_schema,
                            item,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate_crd() -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "certificates.cert-manager.io"},
            "spec": {"group": "cert-manager.io", "scope": "Namespaced",
                "names": {"kind": "Certificate", "plural": "certificates"},
                "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "required": ["secretName"],
                        "properties": {
                            "secretName": {"type": "string"},
                            "duration": {"type": "string", "nullable": true},
                            "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                            "dnsNames": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                        }}}
                }}}]}
        })
    }

    #[test]
    fn converts_openapi_keywords() {
        let crd = Crd::from_value(&certificate_crd(), "crds.yaml").unwrap();
        assert!(crd.namespaced);
        let schema = crd
            .served("cert-manager.io/v1")
            .unwrap()
            .schema
            .clone()
            .unwrap();
        let spec = &schema["properties"]["spec"]["properties"];
        assert_eq!(spec["duration"]["type"], json!(["string", "null"]));
        assert_eq!(spec["port"]["type"], json!(["integer", "string"]));
        assert_eq!(spec["dnsNames"]["uniqueItems"], true);
        assert_eq!(spec["extra"]["additionalProperties"], true);
        assert!(schema["properties"]["metadata"].is_object());
        assert!(crd.served("cert-manager.io/v2").is_none());
    }

    #[test]
    fn non_structural_schemas_are_found() {
        let problems = structural_problems(&json!({
            "type": "object",
            "properties": {"spec": {"properties": {"a": {"type": "array"}}}},
            "additionalProperties": {"type": "string"}
        }));
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/additionalProperties",
                "/properties/spec/properties/a/items",
                "/properties/spec/type"
            ]
        );
    }

    #[test]
    fn list_map_keys_are_unique() {
        let schema = json!({"type": "object", "properties": {"ports": {"type": "array",
            "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"],
            "items": {"type": "object"}}}});
        let value = json!({"ports": [{"port": 80}, {"port": 81}, {"port": 80}]});
        let problems = list_map_problems(&schema, &value);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "/ports/2");
        // A hostile list: the first few repeats, then one line for the rest.
        let many = json!({"ports": (0..1000).map(|i| json!({"port": i % 3})).collect::<Vec<_>>()});
        let problems = list_map_problems(&schema, &many);
        assert_eq!(problems.len(), MAX_DUPLICATES_SHOWN + 1);
        assert!(
            problems
                .iter()
                .any(|(_, m)| m.starts_with("981 more items")),
            "{problems:?}"
        );
        // The CRD's own conversion keeps the list type (a real CRD's lists were missed).
        let converted = convert(&json!({"type": "array", "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"], "items": {"type": "object"}}));
        assert_eq!(converted["x-kubernetes-list-map-keys"], json!(["name"]));
    }

    #[test]
    fn two_crds_for_one_kind_are_refused() {
        let mut set = CrdSet::default();
        set.add(Crd::from_value(&certificate_crd(), "a.yaml").unwrap())
            .unwrap();
        let error = set
            .add(Crd::from_value(&certificate_crd(), "b.yaml").unwrap())
            .unwrap_err();
        assert!(
            error.contains("two CustomResourceDefinitions define Certificate"),
            "{error}"
        );
        assert!(
            Crd::from_value(&json!({"kind": "ConfigMap", "apiVersion": "v1"}), "x.yaml").is_err()
        );
    }
}
