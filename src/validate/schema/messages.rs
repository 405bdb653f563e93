//! Schema errors in words: what was found, what was expected, and the likely fix
//! ("did you mean `imagePullPolicy`?", "quote it", "remove the quotes").

use super::SchemaSource;
use crate::diagnostic::{Check, Diagnostic, Severity, closest};
use crate::validate::document::escape_segment;
use crate::validate::object::Object;
use jsonschema::JsonType;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// Every schema problem of `object` (all of them, not only the first).
pub(crate) fn schema_problems(
    validator: &jsonschema::Validator,
    object: &Object,
    source: &SchemaSource,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for error in validator.iter_errors(&object.value) {
        let path = error.instance_path().as_str().to_string();
        let instance = error.instance();
        // A Secret's values are never quoted, in messages or hints.
        let secret = is_secret_data(object, &path);
        let problem = |path: String, message: String, hint: Option<String>| {
            object
                .problem(Severity::Error, Check::Schema, path, message, hint)
                .sensitive(secret)
        };
        let describe = |value: &Value| {
            if secret {
                describe_type(value).to_string()
            } else {
                describe(value)
            }
        };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = known_properties(source, &path);
                for field in unexpected {
                    let first = first_version_with(source, object, &path, field);
                    let hint = match known.as_deref().and_then(|known| closest(field, known)) {
                        _ if first.is_some() => format!(
                            "\"{field}\" is newer than the target: Kubernetes has it from 1.{}; raise --kube-version if the cluster is newer, or remove it",
                            first.unwrap_or_default()
                        ),
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => {
                            "remove it: in strict mode fields the schema does not define are errors"
                                .into()
                        }
                    };
                    let mut message = format!("unknown field \"{field}\"");
                    if let Some(known) = known.as_deref().filter(|k| !k.is_empty() && k.len() <= 12)
                    {
                        message.push_str(&format!("; expected one of: {}", known.join(", ")));
                    }
                    problems.push(problem(
                        format!("{path}/{}", escape_segment(field)),
                        message,
                        Some(hint),
                    ));
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                problems.push(problem(
                    path,
                    format!("missing required field \"{name}\""),
                    None,
                ));
            }
            ValidationErrorKind::Type { kind } => {
                let expected: Vec<JsonType> = match kind {
                    TypeKind::Single(t) => vec![*t],
                    TypeKind::Multiple(set) => set.iter().collect(),
                };
                let names: Vec<&str> = expected.iter().map(|t| type_name(*t)).collect();
                problems.push(problem(
                    path,
                    format!(
                        "expected {}, found {}",
                        names.join(" or "),
                        describe(instance)
                    ),
                    type_hint(&expected, instance).filter(|_| !secret),
                ));
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<&str> = options
                    .as_array()
                    .map(|o| {
                        o.iter()
                            .filter_map(Value::as_str)
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                let mut quoted: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
                if let Some(options) = options.as_array() {
                    quoted.extend(
                        options
                            .iter()
                            .filter(|o| o.is_number())
                            .map(Value::to_string),
                    );
                }
                let hint = instance.as_str().filter(|_| !secret).and_then(|found| {
                    allowed
                        .iter()
                        .find(|a| a.eq_ignore_ascii_case(found))
                        .map(|a| format!("values are case-sensitive: \"{a}\""))
                        .or_else(|| {
                            closest(found, &allowed).map(|b| format!("did you mean \"{b}\"?"))
                        })
                });
                problems.push(problem(
                    path,
                    format!("{} is not one of {}", describe(instance), quoted.join(", ")),
                    hint,
                ));
            }
            ValidationErrorKind::Constant { expected_value } => {
                problems.push(problem(
                    path,
                    format!("expected {expected_value}, found {}", describe(instance)),
                    None,
                ));
            }
            ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
                let below = matches!(error.kind(), ValidationErrorKind::Minimum { .. });
                let hint = match limit.as_i64() {
                    Some(l) if l == i64::from(i32::MAX) || l == i64::from(i32::MIN) => {
                        Some("this field is a 32-bit integer".to_string())
                    }
                    _ => None,
                };
                problems.push(problem(
                    path,
                    format!(
                        "{} is {} the {} {limit}",
                        describe(instance),
                        if below { "below" } else { "above" },
                        if below { "minimum" } else { "maximum" }
                    ),
                    hint,
                ));
            }
            ValidationErrorKind::MaxItems { limit } | ValidationErrorKind::MinItems { limit } => {
                let count = instance.as_array().map_or(0, Vec::len);
                let most = matches!(error.kind(), ValidationErrorKind::MaxItems { .. });
                problems.push(problem(
                    path,
                    format!(
                        "{count} items; {} {limit} allowed",
                        if most { "at most" } else { "at least" }
                    ),
                    None,
                ));
            }
            ValidationErrorKind::Format { format } if format == "byte" => {
                problems.push(problem(
                    path,
                    format!("{} is not valid base64", describe(instance)),
                    Some("a Secret's `data` holds base64-encoded values; put plain text under `stringData` instead".into()),
                ));
            }
            ValidationErrorKind::Format { format } if format == "quantity" => {
                problems.push(problem(
                    path,
                    format!("{} is not a quantity", describe(instance)),
                    Some(crate::quantity::help(instance.as_str().unwrap_or(""))),
                ));
            }
            ValidationErrorKind::Format { format } if format == "date-time" => {
                problems.push(problem(
                    path,
                    format!("{} is not an RFC 3339 date-time", describe(instance)),
                    Some("write it like 2024-01-31T12:00:00Z".into()),
                ));
            }
            // jsonschema's own message quotes the value.
            _ if secret => problems.push(problem(
                path,
                "the value does not match the schema (a Secret's values are not shown)".into(),
                None,
            )),
            _ => problems.push(problem(path, error.to_string(), None)),
        }
    }
    problems
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "a mapping",
    }
}

/// True for a path under a Secret's `data` or `stringData`.
fn is_secret_data(object: &Object, path: &str) -> bool {
    object.kind() == "Secret"
        && ["/data", "/stringData"]
            .iter()
            .any(|section| path == *section || path.starts_with(&format!("{section}/")))
}

/// A value's type in words, without the value: `a string`, `a number`.
fn describe_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A value as a message shows it: `string "80"`, `boolean true`, `a list`.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() > 60 => {
            let short: String = s.chars().take(57).collect();
            format!("string \"{short}...\"")
        }
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn type_hint(expected: &[JsonType], found: &Value) -> Option<String> {
    let wants = |t: JsonType| expected.contains(&t);
    match found {
        Value::String(s)
            if (wants(JsonType::Integer) && s.trim().parse::<i64>().is_ok())
                || (wants(JsonType::Number) && s.trim().parse::<f64>().is_ok()) =>
        {
            Some(format!(
                "remove the quotes: write {}, not \"{s}\"",
                s.trim()
            ))
        }
        Value::Bool(b) if wants(JsonType::String) => Some(format!(
            "quote it (\"{b}\"): YAML reads unquoted yes/no/on/off/true/false as booleans"
        )),
        Value::Number(n) if wants(JsonType::String) => Some(format!(
            "quote it (\"{n}\"): unquoted, YAML reads it as a number (and 1.10 becomes 1.1, 0755 becomes 493)"
        )),
        Value::Object(_) if wants(JsonType::Array) => {
            Some("this field is a list: start each item with `- `".into())
        }
        Value::Array(_) if wants(JsonType::Object) => {
            Some("this field is a mapping, not a list: remove the `- `".into())
        }
        _ => None,
    }
}

/// For a built-in schema of a version older than the newest: the first later version whose
/// schema has `field` at `pointer`, to tell a field that is only newer from a misspelt one.
fn first_version_with(
    source: &SchemaSource,
    object: &Object,
    pointer: &str,
    field: &str,
) -> Option<u32> {
    let SchemaSource::Builtin { table, .. } = source else {
        return None;
    };
    (table.minor + 1..=super::builtin::NEWEST).find(|minor| {
        let later = super::builtin::table(crate::kube_version::KubeVersion::new(*minor));
        later
            .kind(object.api_version(), object.kind())
            .and_then(|found| later.definition(&found.definition))
            .and_then(|definition| {
                walk(definition, pointer, &|reference| {
                    later.definition(reference.strip_prefix("#/definitions/")?)
                })
            })
            .is_some_and(|names| names.iter().any(|n| n == field))
    })
}

/// The property names the schema allows at `pointer` (an object's path), for suggestions.
fn known_properties(source: &SchemaSource, pointer: &str) -> Option<Vec<String>> {
    match source {
        SchemaSource::Builtin {
            definition, table, ..
        } => walk(definition, pointer, &|reference| {
            table.definition(reference.strip_prefix("#/definitions/")?)
        }),
        SchemaSource::Custom { schema, .. } | SchemaSource::Crd { schema, .. } => {
            walk(schema, pointer, &|reference| {
                schema.pointer(reference.strip_prefix('#')?)
            })
        }
    }
}

fn walk<'a>(
    root: &'a Value,
    pointer: &str,
    resolve: &dyn Fn(&str) -> Option<&'a Value>,
) -> Option<Vec<String>> {
    let follow = |mut node: &'a Value| -> Option<&'a Value> {
        // Bounded: a cycle of references is a broken schema, not a reason to hang.
        for _ in 0..32 {
            match node.get("$ref").and_then(Value::as_str) {
                None => return Some(node),
                Some(reference) => node = resolve(reference)?,
            }
        }
        None
    };
    let mut current = follow(root)?;
    for segment in crate::yaml::lines::pointer_segments(pointer) {
        let next = current
            .get("properties")
            .and_then(|p| p.get(segment.as_ref()))
            .or_else(|| {
                current
                    .get("additionalProperties")
                    .filter(|a| a.is_object())
            })
            .or_else(|| current.get("items"))?;
        current = follow(next)?;
    }
    let properties = current.get("properties")?.as_object()?;
    Some(properties.keys().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn describes_values_briefly() {
        assert_eq!(describe(&json!("80")), "string \"80\"");
        assert_eq!(describe(&json!(true)), "boolean true");
        assert!(describe(&json!("x".repeat(100))).ends_with("...\""));
    }

    #[test]
    fn hints_for_yaml_pitfalls() {
        let hint = type_hint(&[JsonType::Integer], &json!("80"));
        assert_eq!(
            hint.as_deref(),
            Some("remove the quotes: write 80, not \"80\"")
        );
        let hint = type_hint(&[JsonType::String], &json!(true)).unwrap_or_default();
        assert!(hint.contains("yes/no/on/off"));
        let hint = type_hint(&[JsonType::String], &json!(1.1)).unwrap_or_default();
        assert!(hint.contains("1.10 becomes 1.1"));
    }

    #[test]
    fn finds_known_properties_through_references() {
        let Some(definition) = super::super::builtin::definition("io.k8s.api.apps.v1.Deployment")
        else {
            panic!("Deployment is built in")
        };
        let source = SchemaSource::Builtin {
            definition,
            namespaced: true,
            table: super::super::builtin::table(crate::kube_version::KubeVersion::LATEST),
            rules: None,
        };
        let known =
            known_properties(&source, "/spec/template/spec/containers/0").unwrap_or_default();
        assert!(known.iter().any(|k| k == "imagePullPolicy"), "{known:?}");
        assert!(known_properties(&source, "/spec/nope").is_none());
    }
}
