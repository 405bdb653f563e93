//! The JSON Schema of value files, generated from the typed model, for editors and tools.

use super::model::App;
use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::Value;

/// The JSON Schema (draft 2020-12) of a value file, with the doc comments of the model as
/// descriptions and enums for closed choices.
///
/// Every key is optional in the schema: a value file is usually a partial overlay on the
/// chart's defaults, and required keys (`name`, `image.repository`) are checked by tack after
/// all files are merged. Unknown keys are rejected, as tack does.
///
/// ```
/// let schema = tack::values::values_schema();
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert!(schema["properties"]["strategy"].is_object());
/// ```
pub fn values_schema() -> Value {
    let settings = SchemaSettings::draft2020_12()
        .for_deserialize()
        .with_transform(RecursiveTransform(|schema: &mut Schema| {
            schema.remove("required");
            without_examples(schema);
            plain_enum(schema);
        }));
    let schema = settings
        .into_generator()
        .into_root_schema_for::<App>()
        .to_value();
    let Value::Object(mut body) = schema else {
        return schema;
    };
    // Header keys first, for people reading the file.
    let mut map = serde_json::Map::new();
    for key in ["$schema", "title"] {
        if let Some(value) = body.shift_remove(key) {
            map.insert(key.to_string(), value);
        }
    }
    body.shift_remove("description");
    map.insert(
        "description".to_string(),
        Value::String(
            "A tack value file: merged over the chart's values.yaml. Every key is optional \
             here; `name` and `image.repository` must be set once all files are merged."
                .to_string(),
        ),
    );
    map.append(&mut body);
    Value::Object(map)
}

/// Cuts a description at its first code example: doc comments end with Rust examples for
/// `cargo doc`, which mean nothing to an editor showing a value file's keys.
fn without_examples(schema: &mut Schema) {
    if let Some(Value::String(description)) = schema.get_mut("description")
        && let Some(start) = description.find("```")
    {
        let kept = description[..start].trim_end().to_string();
        *description = kept;
    }
}

/// Turns schemars' `oneOf: [{const: a, description}, ...]` for a Rust enum of unit variants
/// into `enum: [a, ...]` with `enumDescriptions` (read by VS Code and yaml-language-server),
/// the form editors complete best.
fn plain_enum(schema: &mut Schema) {
    let Some(Value::Array(branches)) = schema.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    let mut descriptions = Vec::new();
    for branch in branches {
        match (branch.get("const"), branch.get("type")) {
            (Some(Value::String(value)), Some(Value::String(kind))) if kind == "string" => {
                values.push(Value::String(value.clone()));
                descriptions.push(
                    branch
                        .get("description")
                        .cloned()
                        .unwrap_or(Value::String(String::new())),
                );
            }
            _ => return,
        }
    }
    schema.remove("oneOf");
    schema.insert("type".to_string(), Value::String("string".to_string()));
    schema.insert("enum".to_string(), Value::Array(values));
    schema.insert("enumDescriptions".to_string(), Value::Array(descriptions));
}

/// [`values_schema`] as pretty-printed JSON with a final newline, as checked in.
///
/// ```
/// let text = tack::values::values_schema_text();
/// assert!(text.ends_with("}\n"));
/// assert_eq!(serde_json::from_str::<serde_json::Value>(&text)?, tack::values::values_schema());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn values_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&values_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Puts a chart's schema of its `extra` values into the values schema, at
/// `properties.extra`, so editors check template values too. References to the chart
/// schema's own `$defs` are rewritten to their new place, and `required` lists are dropped
/// like everywhere else in the editor schema (tack checks them after merging).
///
/// ```
/// let mut schema = tack::values::values_schema();
/// let extra = serde_json::json!({"type": "object", "properties": {"size": {"$ref": "#/$defs/Size"}}, "$defs": {"Size": {"type": "string"}}});
/// tack::values::embed_extra_schema(&mut schema, &extra);
/// assert_eq!(schema["properties"]["extra"]["properties"]["size"]["$ref"], "#/properties/extra/$defs/Size");
/// ```
pub fn embed_extra_schema(schema: &mut Value, extra: &Value) {
    let mut extra = extra.clone();
    if let Value::Object(map) = &mut extra {
        map.shift_remove("$schema");
        map.shift_remove("$id");
    }
    rewrite_refs(&mut extra);
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert("extra".to_string(), extra);
    }
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("required").is_some_and(Value::is_array) {
                map.shift_remove("required");
            }
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(target) if key == "$ref" && target.starts_with("#/") => {
                        *target = format!("#/properties/extra/{}", &target[2..]);
                    }
                    _ => rewrite_refs(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}
