//! An object as the API server hands it to CEL: with the schema's defaults filled in (the
//! server defaults before it validates, and rules such as Gateway API's
//! `size(self.group) == 0` rely on it), property names escaped (`namespace` is
//! `__namespace__`, `x-y` is `x__dash__y`), fields the schema prunes left out, and
//! integers as `int`.

use cel::Value;
use cel::objects::Map;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// The most schema nodes defaults may add to one object (a hostile CRD could default a
/// large value into every item of a long list).
const MAX_DEFAULTED_NODES: usize = 100_000;

/// CEL's reserved words: a property with one of these names is `__name__` in a rule.
const RESERVED: [&str; 21] = [
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// A property name as rules spell it, or `None` when no rule can name it.
pub(crate) fn escape_property(name: &str) -> Option<String> {
    if RESERVED.contains(&name) {
        return Some(format!("__{name}__"));
    }
    let mut escaped = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("__") {
            escaped.push_str("__underscores__");
            rest = &rest[2..];
            continue;
        }
        match c {
            '.' => escaped.push_str("__dot__"),
            '-' => escaped.push_str("__dash__"),
            '/' => escaped.push_str("__slash__"),
            c if c.is_ascii_alphanumeric() || c == '_' => escaped.push(c),
            _ => return None,
        }
        rest = &rest[c.len_utf8()..];
    }
    let first = escaped.chars().next()?;
    (first.is_ascii_alphabetic() || first == '_').then_some(escaped)
}

/// Converts `value`, which `schema` (a self-contained OpenAPI schema node, or none)
/// describes.
pub(crate) fn to_cel(value: &Json, schema: Option<&Json>) -> Value {
    let mut budget = MAX_DEFAULTED_NODES;
    convert(value, schema, &mut budget)
}

fn convert(value: &Json, schema: Option<&Json>, budget: &mut usize) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(items) => {
            let item_schema = schema.and_then(|s| s.get("items"));
            Value::List(Arc::new(
                items
                    .iter()
                    .map(|item| convert(item, item_schema, budget))
                    .collect(),
            ))
        }
        Json::Object(fields) => Value::Map(Map::from(object(fields, schema, budget))),
    }
}

fn object(
    fields: &serde_json::Map<String, Json>,
    schema: Option<&Json>,
    budget: &mut usize,
) -> HashMap<String, Value> {
    let properties = schema
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object);
    let additional = schema
        .and_then(|s| s.get("additionalProperties"))
        .filter(|a| a.is_object());
    let Some(properties) = properties else {
        // A map (`additionalProperties`) or a free-form object: keys as they are.
        return fields
            .iter()
            .map(|(k, v)| (k.clone(), convert(v, additional, budget)))
            .collect();
    };
    let preserve = schema
        .and_then(|s| s.get("x-kubernetes-preserve-unknown-fields"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let mut entries = HashMap::with_capacity(fields.len());
    for (name, field) in fields {
        match properties.get(name) {
            Some(property) => {
                if let Some(escaped) = escape_property(name) {
                    entries.insert(escaped, convert(field, Some(property), budget));
                }
            }
            // Pruned by the server unless the schema keeps unknown fields.
            None if preserve => {
                entries.insert(name.clone(), convert(field, None, budget));
            }
            None => {}
        }
    }
    for (name, property) in properties {
        let Some(default) = property.get("default") else {
            continue;
        };
        if fields.contains_key(name) {
            continue;
        }
        let size = crate::validate::document::value_size(default).nodes;
        if size > *budget {
            continue;
        }
        *budget -= size;
        if let Some(escaped) = escape_property(name) {
            entries.insert(escaped, convert(default, Some(property), budget));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_escaped_like_the_api_server() {
        assert_eq!(
            escape_property("namespace").as_deref(),
            Some("__namespace__")
        );
        assert_eq!(
            escape_property("x-y.z/w").as_deref(),
            Some("x__dash__y__dot__z__slash__w")
        );
        assert_eq!(
            escape_property("a__b").as_deref(),
            Some("a__underscores__b")
        );
        assert_eq!(escape_property("plain").as_deref(), Some("plain"));
        assert_eq!(escape_property("bad key"), None);
        assert_eq!(escape_property("1st"), None);
    }

    #[test]
    fn defaults_fill_absent_fields_and_unknown_fields_are_pruned() {
        let schema = json!({
            "type": "object",
            "properties": {
                "kind": {"type": "string", "default": "Service"},
                "namespace": {"type": "string"},
                "path": {"type": "object", "default": {},
                         "properties": {"type": {"type": "string", "default": "PathPrefix"}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            }
        });
        let value = json!({"namespace": "ml", "extra": 1, "labels": {"a-b": "c"}});
        let Value::Map(map) = to_cel(&value, Some(&schema)) else {
            panic!("an object becomes a map")
        };
        let get = |key: &str| map.map.get(&cel::objects::Key::from(key)).cloned();
        assert_eq!(get("kind"), Some(Value::String(Arc::new("Service".into()))));
        assert_eq!(
            get("__namespace__"),
            Some(Value::String(Arc::new("ml".into())))
        );
        assert_eq!(get("extra"), None);
        let Some(Value::Map(path)) = get("path") else {
            panic!("the default object is there")
        };
        assert_eq!(
            path.map.get(&cel::objects::Key::from("type")).cloned(),
            Some(Value::String(Arc::new("PathPrefix".into())))
        );
        let Some(Value::Map(labels)) = get("labels") else {
            panic!("a map stays a map")
        };
        assert!(labels.map.contains_key(&cel::objects::Key::from("a-b")));
    }
}
