//! From text to [`Object`]s: YAML or JSON documents, `List`s unpacked, and every document
//! that is not a Kubernetes object reported.

use super::object::Object;
use crate::diagnostic::{Check, Diagnostic, Severity};
use crate::source::{Location, SourceId};
use crate::yaml::json::read_documents;
use crate::yaml::lines::{LineIndex, ROOT_PATH, child_path, index_path};
use crate::yaml::{Limits, Parsed};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;
use std::sync::Arc;

/// What one piece of input held.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    /// The objects to check.
    pub objects: Vec<Object>,
    /// Documents that could not be read, or are not objects.
    pub problems: Vec<Diagnostic>,
    /// Non-empty documents seen.
    pub documents: usize,
    /// Drop documents that are not Kubernetes objects (not a mapping, or with neither `kind`
    /// nor `metadata`) instead of reporting them: for checking every YAML file of a
    /// repository.
    pub skip_non_objects: bool,
}

/// A document that is not YAML, JSON or text, at `line` (and `column`, when known).
fn syntax_problem(
    source: SourceId,
    line: u32,
    column: u32,
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(Check::Syntax, message)
        .at(Location {
            source,
            line,
            column,
        })
        .help_opt(help);
    diagnostic.document_line = line;
    diagnostic
}

/// A key given twice with the same value: harmless (kubectl and Helm keep the last), but
/// noise, so a warning rather than an error.
fn identical_duplicate(source: SourceId, line: u32, key: &str) -> Diagnostic {
    let mut diagnostic = Diagnostic::warning(
        Check::Syntax,
        format!(
            "duplicate key \"{}\" with the same value as before: kubectl and Helm keep the last",
            crate::diagnostic::shorten(key, 80)
        ),
    )
    .at(Location {
        source,
        line,
        column: 0,
    })
    .help("remove one of the two");
    diagnostic.document_line = line;
    diagnostic
}

/// Reads one chunk of input text that starts at line `first_line`.
pub(crate) fn read_text(text: &[u8], first_line: u32, source: SourceId, out: &mut Contents) {
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(error) => {
            let valid = &text[..error.valid_up_to()];
            let line = first_line.saturating_add(
                u32::try_from(valid.iter().filter(|b| **b == b'\n').count()).unwrap_or(u32::MAX),
            );
            out.documents += 1;
            out.problems.push(syntax_problem(
                source,
                line,
                0,
                "not text: the input is not valid UTF-8 (binary data?)",
                Some("Kubernetes manifests are UTF-8 YAML or JSON; put binary data base64-encoded under a Secret's `data`".into()),
            ));
            return;
        }
    };
    if text.contains('\0') {
        out.documents += 1;
        out.problems.push(syntax_problem(
            source,
            first_line,
            0,
            "not text: the input contains NUL bytes (binary data?)",
            None,
        ));
        return;
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let skipped_lines = text[..text.len() - trimmed.len()].matches('\n').count();
        let line = first_line.saturating_add(u32::try_from(skipped_lines).unwrap_or(u32::MAX));
        if read_json(text, line, source, out) {
            return;
        }
    }
    for document in read_documents(text, first_line, &Limits::MANIFESTS) {
        match document {
            Parsed::Empty => {}
            Parsed::Error(error) => {
                out.documents += 1;
                let help = error.help();
                out.problems.push(syntax_problem(
                    source,
                    error.line,
                    error.column,
                    error.to_string(),
                    help,
                ));
            }
            Parsed::Document(document) => {
                out.documents += 1;
                for (line, key) in &document.identical_duplicates {
                    out.problems.push(identical_duplicate(source, *line, key));
                }
                let lines = Arc::new(document.lines);
                add_document(document.value, source, document.line, Some(lines), out);
            }
        }
    }
}

/// The fast path for JSON input (`kubectl get -o json`, generated manifests): serde_json is
/// about ten times faster than a YAML parser. Returns `false` when the text is not JSON, so
/// that the YAML parser (a superset) reads it and reports its errors.
fn read_json(text: &str, line: u32, source: SourceId, out: &mut Contents) -> bool {
    let mut values = Vec::new();
    IDENTICAL_DUPLICATES.with(|found| found.borrow_mut().clear());
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<StrictValue>();
    for value in stream.by_ref() {
        match value {
            Ok(StrictValue(value)) => {
                let keys =
                    IDENTICAL_DUPLICATES.with(|found| std::mem::take(&mut *found.borrow_mut()));
                values.push((value, keys));
            }
            Err(error) if error.is_syntax() || error.is_eof() => return false,
            Err(error) => {
                // Valid JSON syntax, but a duplicate key.
                out.documents += 1;
                out.problems.push(syntax_problem(
                    source,
                    line.saturating_add(u32::try_from(error.line()).unwrap_or(1).saturating_sub(1)),
                    u32::try_from(error.column()).unwrap_or(0),
                    strip_position(&error.to_string()),
                    Some("remove or rename one of the two keys".into()),
                ));
                return true;
            }
        }
    }
    for (value, identical) in values {
        if value.is_null() {
            continue;
        }
        out.documents += 1;
        // serde_json gives no position inside a document: the warning names the key.
        for key in identical {
            out.problems.push(identical_duplicate(source, line, &key));
        }
        add_document(value, source, line, None, out);
    }
    true
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Adds a parsed document: an object, or the items of a `List`.
pub(crate) fn add_document(
    value: Value,
    source: SourceId,
    line: u32,
    lines: Option<Arc<LineIndex>>,
    out: &mut Contents,
) {
    if out.skip_non_objects
        && (!value.is_object() || (value.get("kind").is_none() && value.get("metadata").is_none()))
    {
        return;
    }
    let found = match &value {
        Value::Object(_) => None,
        Value::Array(_) => Some("a list"),
        Value::String(_) => Some("a string"),
        Value::Number(_) => Some("a number"),
        Value::Bool(_) => Some("a boolean"),
        Value::Null => return,
    };
    if let Some(found) = found {
        out.problems.push(syntax_problem(
            source,
            line,
            0,
            format!(
                "a Kubernetes object must be a mapping with apiVersion, kind and metadata; this document is {found}"
            ),
            None,
        ));
        return;
    }
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|kind| {
            kind == "List" || (kind.ends_with("List") && value.get("items").is_some())
        })
        && value.get("apiVersion").is_some();
    if !is_list {
        out.objects.push(Object::new(value, source, line, lines));
        return;
    }
    let list = Object::new(value, source, line, lines.clone());
    let Value::Object(mut map) = list.value.clone() else {
        return;
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "items") {
            out.problems.push(list.problem(
                Severity::Error,
                Check::Schema,
                format!("/{key}"),
                format!(
                    "unknown field \"{key}\" in a List: expected apiVersion, kind, metadata, items"
                ),
                None,
            ));
        }
    }
    let items = match map.remove("items") {
        None => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            out.problems.push(list.problem(
                Severity::Error,
                Check::Schema,
                "/items",
                "a List's items must be a list of objects",
                None,
            ));
            return;
        }
    };
    let items_path = child_path(ROOT_PATH, b"items");
    for (index, item) in items.into_iter().enumerate() {
        let pointer = format!("/items/{index}");
        let item_line = list.line_of(&pointer);
        if !item.is_object() {
            out.problems.push(list.problem(
                Severity::Error,
                Check::Syntax,
                pointer,
                "a List item must be a Kubernetes object (a mapping)",
                None,
            ));
            continue;
        }
        let mut object = Object::new(item, source, item_line, lines.clone());
        object.base = index_path(items_path, index);
        out.objects.push(object);
    }
}

thread_local! {
    /// Keys the JSON reader on this thread found twice with the same value, taken by
    /// [`read_json`] after each document (serde_json's stream reader takes no state, and
    /// this keeps the reader a plain `Deserialize`).
    static IDENTICAL_DUPLICATES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A JSON value read with conflicting duplicate keys rejected (identical ones kept once,
/// for a warning) and `null` members dropped (as the API server treats them: unset).
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut nulls: Vec<String> = Vec::new();
        while let Some(key) = access.next_key::<String>()? {
            let StrictValue(value) = access.next_value()?;
            let identical = if value.is_null() {
                nulls.contains(&key)
            } else {
                map.get(&key) == Some(&value)
            };
            if identical {
                IDENTICAL_DUPLICATES.with(|found| found.borrow_mut().push(key));
                continue;
            }
            let duplicate = if value.is_null() {
                let seen = map.contains_key(&key);
                nulls.push(key.clone());
                seen
            } else {
                nulls.contains(&key) || map.insert(key.clone(), value).is_some()
            };
            if duplicate {
                return Err(de::Error::custom(format!(
                    "duplicate key \"{key}\" with a different value: Kubernetes tools would silently keep the last"
                )));
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Contents {
        let mut out = Contents::default();
        read_text(text.as_bytes(), 1, SourceId(0), &mut out);
        out
    }

    #[test]
    fn json_documents_take_the_fast_path() {
        let out = read(
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\", \"x\": null}}\n{\"kind\": \"Secret\"}",
        );
        assert_eq!(out.objects.len(), 2);
        assert_eq!(out.objects[0].value["metadata"], json!({"name": "a"}));
        assert!(out.objects[0].lines.is_none());
    }

    #[test]
    fn json_duplicate_keys_are_errors() {
        let out = read("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(out.problems.len(), 1);
        assert!(out.problems[0].message.contains("duplicate key \"a\""));
        assert_eq!(out.problems[0].location.line, 2);
    }

    #[test]
    fn identical_duplicates_are_warnings_in_json_and_yaml() {
        for text in ["{\"kind\": \"A\", \"kind\": \"A\"}", "kind: A\nkind: A\n"] {
            let out = read(text);
            assert_eq!(out.objects.len(), 1, "{text}");
            assert_eq!(out.problems.len(), 1, "{text}");
            assert_eq!(
                out.problems[0].severity,
                crate::diagnostic::Severity::Warning
            );
            assert!(
                out.problems[0]
                    .message
                    .contains("duplicate key \"kind\" with the same value")
            );
        }
    }

    #[test]
    fn flow_yaml_that_is_not_json_goes_to_the_yaml_parser() {
        let out = read("{apiVersion: v1, kind: ConfigMap}");
        assert_eq!(out.objects.len(), 1);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn lists_are_unpacked_with_item_lines() {
        let out = read(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n",
        );
        assert_eq!(out.objects.len(), 2);
        assert_eq!(out.objects[1].name, "Secret/b");
        assert_eq!(out.objects[1].line(), 7);
        assert_eq!(out.objects[1].line_of("/metadata/name"), 9);
        let empty = read("apiVersion: v1\nkind: List\nitems: []\n");
        assert!(empty.objects.is_empty() && empty.problems.is_empty());
    }

    #[test]
    fn a_list_with_bad_items_is_reported() {
        let out = read("apiVersion: v1\nkind: List\nitems: [5]\nextra: 1\n");
        assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
        let out = read("apiVersion: v1\nkind: List\nitems: {a: 1}\n");
        assert!(out.problems[0].message.contains("list of objects"));
    }

    #[test]
    fn documents_that_are_not_mappings_are_reported() {
        let out = read("- a\n- b\n---\nhello\n---\n42\n");
        assert_eq!(out.problems.len(), 3);
        assert!(out.problems[0].message.contains("is a list"));
        assert_eq!(out.problems[1].location.line, 4);
    }

    #[test]
    fn binary_garbage_is_reported_not_parsed() {
        let mut out = Contents::default();
        read_text(b"a: 1\n\xff\xfe\x00garbage", 3, SourceId(0), &mut out);
        assert_eq!(out.problems.len(), 1);
        assert!(out.problems[0].message.contains("not valid UTF-8"));
        assert_eq!(out.problems[0].location.line, 4);
        let mut out = Contents::default();
        read_text(b"a\x00b", 1, SourceId(0), &mut out);
        assert!(out.problems[0].message.contains("NUL"));
    }
}
