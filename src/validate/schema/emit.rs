//! Assembling the schema one kind's validator is compiled from.
//!
//! Compiling is the expensive part of validating a handful of objects (about 1 ms for a
//! Deployment's 120 definitions), so when the objects are known up front (the render
//! pipeline) the schema is first cut down to the parts the objects reach: an object schema
//! keeps only the properties some object has at that place, and unreached definitions are
//! left out. Validating those objects against the cut-down schema gives exactly the result of
//! the full one, because a property's subschema is only ever applied to that property's
//! value. For streams the full schema is compiled once and reused.

use super::builtin;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

/// Which properties of which schema nodes some instance used, keyed by node address (the
/// built-in definitions are parsed once and never move).
pub(crate) struct Usage {
    visited: HashMap<usize, Vec<&'static str>>,
    table: &'static builtin::Table,
}

impl std::fmt::Debug for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Usage")
            .field("nodes", &self.visited.len())
            .field("version", &self.table.minor)
            .finish()
    }
}

fn address(node: &'static Value) -> usize {
    std::ptr::from_ref(node) as usize
}

fn resolve(table: &'static builtin::Table, reference: &str) -> Option<&'static Value> {
    table.definition(reference.strip_prefix("#/definitions/")?)
}

impl Usage {
    /// Nothing used yet, of the definitions of `table`.
    pub(crate) fn new(table: &'static builtin::Table) -> Usage {
        Usage {
            visited: HashMap::new(),
            table,
        }
    }

    /// Records what of `node` (and below) `instance` reaches.
    pub(crate) fn record(&mut self, node: &'static Value, instance: &Value) {
        let Some(map) = node.as_object() else { return };
        self.visited.entry(address(node)).or_default();
        let table = self.table;
        if let Some(target) = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve(table, r))
        {
            self.record(target, instance);
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = map.get(keyword) {
                for branch in branches {
                    self.record(branch, instance);
                }
            }
        }
        match instance {
            Value::Object(fields) => {
                let properties = map.get("properties").and_then(Value::as_object);
                let additional = map.get("additionalProperties").filter(|v| v.is_object());
                for (name, value) in fields {
                    if let Some((key, property)) = properties.and_then(|p| p.get_key_value(name)) {
                        let used = self.visited.entry(address(node)).or_default();
                        if !used.contains(&key.as_str()) {
                            used.push(key.as_str());
                        }
                        self.record(property, value);
                    } else if let Some(additional) = additional {
                        self.record(additional, value);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(schema) = map.get("items") {
                    for item in items {
                        self.record(schema, item);
                    }
                }
            }
            _ => {}
        }
    }
}

struct Emitter<'u> {
    table: &'static builtin::Table,
    usage: Option<&'u Usage>,
    strict: bool,
    wanted: Vec<&'static str>,
    /// Definitions being inlined, outermost first (a recursive one stays a `$ref`).
    inlining: Vec<&'static str>,
}

impl Emitter<'_> {
    fn emit(&mut self, node: &'static Value) -> Value {
        let Some(map) = node.as_object() else {
            return node.clone();
        };
        // A cut-down schema inlines its definitions: `jsonschema` compiles an inlined schema
        // in half the time of one that resolves `$ref`s, and a cut-down definition is small.
        if self.usage.is_some()
            && map.len() == 1
            && let Some((name, target)) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .and_then(|n| builtin_name(self.table, n))
            && !self.inlining.contains(&name)
        {
            self.inlining.push(name);
            let inlined = self.emit(target);
            self.inlining.pop();
            return inlined;
        }
        let used = match self.usage {
            None => None,
            Some(usage) => match usage.visited.get(&address(node)) {
                Some(used) => Some(used),
                // No object reaches this node: anything goes.
                None => return json!({}),
            },
        };
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "properties" => {
                    let mut properties = Map::new();
                    if let Value::Object(all) = value {
                        for (name, property) in all {
                            if used.is_none_or(|used| used.contains(&name.as_str())) {
                                properties.insert(name.clone(), self.emit(property));
                            }
                        }
                    }
                    out.insert(key.clone(), Value::Object(properties));
                }
                "items" | "additionalProperties" | "not" => {
                    out.insert(key.clone(), self.emit(value));
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let branches = value
                        .as_array()
                        .map(|b| b.iter().map(|branch| self.emit(branch)).collect())
                        .unwrap_or_default();
                    out.insert(key.clone(), Value::Array(branches));
                }
                "$ref" => {
                    if let Some(name) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/definitions/"))
                        && let Some((name, _)) = builtin_name(self.table, name)
                    {
                        self.wanted.push(name);
                    }
                    out.insert(key.clone(), value.clone());
                }
                _ if key.starts_with("x-kubernetes-") => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if self.strict
            && map.contains_key("properties")
            && !map.contains_key("additionalProperties")
            && map.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
        {
            out.insert("additionalProperties".into(), Value::Bool(false));
        }
        Value::Object(out)
    }
}

/// The `'static` name of a built-in definition, with the definition.
fn builtin_name(
    table: &'static builtin::Table,
    name: &str,
) -> Option<(&'static str, &'static Value)> {
    let value = table.definition(name)?;
    // The name as stored, so that it lives as long as the table.
    let stored = table.definition_name(name)?;
    Some((stored, value))
}

/// The schema of the definition `definition` (a whole kind, or a part such as a
/// `SecurityContext`): cut down to `usage` when given, closed (`additionalProperties: false`)
/// when `strict`, with the definitions it reaches.
pub(crate) fn definition_schema(
    table: &'static builtin::Table,
    definition: &'static Value,
    usage: Option<&Usage>,
    strict: bool,
) -> Value {
    let mut emitter = Emitter {
        table,
        usage,
        strict,
        wanted: Vec::new(),
        inlining: Vec::new(),
    };
    let mut root = emitter.emit(definition);
    let mut definitions = BTreeMap::new();
    while let Some(name) = emitter.wanted.pop() {
        if definitions.contains_key(name) {
            continue;
        }
        if let Some(node) = table.definition(name) {
            definitions.insert(name, Value::Null);
            let emitted = emitter.emit(node);
            definitions.insert(name, emitted);
        }
    }
    if let Value::Object(root) = &mut root {
        let definitions: Map<String, Value> = definitions
            .into_iter()
            .map(|(name, schema)| (name.to_string(), schema))
            .collect();
        root.insert("definitions".into(), Value::Object(definitions));
    }
    root
}

/// The schema for the kind whose definition is `definition`: [`definition_schema`], with
/// `apiVersion` and `kind` required and pinned to the kind's own values.
pub(crate) fn kind_schema(
    table: &'static builtin::Table,
    definition: &'static Value,
    usage: Option<&Usage>,
    strict: bool,
    api_version: &str,
    kind: &str,
) -> Value {
    let mut root = definition_schema(table, definition, usage, strict);
    if let Value::Object(root) = &mut root {
        let properties = root
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            properties.insert("apiVersion".into(), json!({"const": api_version}));
            properties.insert("kind".into(), json!({"const": kind}));
        }
        // k8s-openapi 0.29 makes `metadata` and `spec` non-optional in Rust, so its schemas
        // require them; the API does not (a missing name is checked with a better message).
        let mut required: Vec<Value> = vec![json!("apiVersion"), json!("kind")];
        if let Some(Value::Array(listed)) = root.get("required") {
            required.extend(
                listed
                    .iter()
                    .filter(|r| !matches!(r.as_str(), Some("metadata" | "spec")))
                    .cloned(),
            );
        }
        root.insert("required".into(), Value::Array(required));
    }
    root
}

/// Closes every object schema of a custom schema that lists `properties` (strict mode),
/// except those marked `x-kubernetes-preserve-unknown-fields`.
pub(crate) fn close_objects(node: &mut Value) {
    let Value::Object(map) = node else { return };
    if map.contains_key("properties")
        && !map.contains_key("additionalProperties")
        && map.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
    {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(keyword) {
            close_objects(child);
        }
    }
    for keyword in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(children)) = map.get_mut(keyword) {
            for child in children.values_mut() {
                close_objects(child);
            }
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = map.get_mut(keyword) {
            for child in children {
                close_objects(child);
            }
        }
    }
}
