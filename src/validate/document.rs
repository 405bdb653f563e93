//! Documents to validate, where they came from, and how to name the objects in them.

use serde_json::Value;
use std::sync::Arc;

/// One Kubernetes object (or `List`) to validate, with where it came from.
///
/// The render pipeline builds these from its typed output (converted to `serde_json::Value`
/// once); `tack validate` builds them while reading text.
///
/// ```
/// use serde_json::json;
/// use tack::validate::Document;
/// let doc = Document::new(
///     json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}),
///     "model-serving/templates/configmap.yaml",
///     1,
/// );
/// assert_eq!(doc.line, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The object.
    pub value: Value,
    /// How to name its origin in messages: a file path or a chart template.
    pub source: Arc<str>,
    /// The 1-based line where the document starts in `source` (`0` when unknown).
    pub line: u32,
    /// The lines of its nodes in `source`, when it was read from YAML there.
    pub(crate) lines: crate::yaml::NodeLines,
}

impl Document {
    /// A document from a value, a display name for its origin and its first line.
    ///
    /// ```
    /// use tack::validate::Document;
    /// let doc = Document::new(serde_json::json!({"kind": "ConfigMap"}), "config.yaml", 3);
    /// assert_eq!((&*doc.source, doc.line), ("config.yaml", 3));
    /// ```
    pub fn new(value: Value, source: impl Into<Arc<str>>, line: u32) -> Self {
        Document {
            value,
            source: source.into(),
            line,
            lines: crate::yaml::NodeLines::default(),
        }
    }
}

/// How big a value is: its nodes, and about how many bytes it holds (strings and keys, plus
/// a word per node).
pub(crate) struct ValueSize {
    /// Every node: what a walk (or a CEL comprehension) over it may visit.
    pub nodes: usize,
    /// About the bytes it takes.
    pub bytes: usize,
}

/// The size of `value`, walked iteratively (a hostile value nests deeply).
pub(crate) fn value_size(value: &Value) -> ValueSize {
    let mut size = ValueSize { nodes: 0, bytes: 0 };
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        size.nodes += 1;
        size.bytes += 16;
        match node {
            Value::String(s) => size.bytes += s.len(),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (key, child) in map {
                    size.bytes += key.len();
                    stack.push(child);
                }
            }
            _ => {}
        }
    }
    size
}

/// `Kind/namespace/name` for an object, as used in every message (`Deployment/ml/mnist`;
/// `Namespace/ml` without a namespace; `Job/ml/pi-*` for a `generateName`).
pub(crate) fn object_name(value: &Value) -> String {
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .unwrap_or("<no kind>");
    let metadata = value.get("metadata");
    let text = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = match (text("name"), text("generateName")) {
        (Some(name), _) => name.to_string(),
        (None, Some(prefix)) => format!("{prefix}*"),
        (None, None) => "<no name>".to_string(),
    };
    match text("namespace") {
        Some(namespace) => format!("{kind}/{namespace}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

/// Escapes one JSON Pointer segment (RFC 6901): `~` -> `~0`, `/` -> `~1`.
pub(crate) fn escape_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        std::borrow::Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        std::borrow::Cow::Borrowed(segment)
    }
}

/// The member at a fixed path of object keys (`/spec/template/spec`): like
/// `Value::pointer`, without parsing escapes or array indexes, and without allocating.
pub(crate) fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('/').skip(1).try_fold(value, |v, key| v.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::lines::pointer_segments;
    use serde_json::json;

    #[test]
    fn names_objects_like_kubectl() {
        let deployment =
            json!({"kind": "Deployment", "metadata": {"name": "mnist", "namespace": "ml"}});
        assert_eq!(object_name(&deployment), "Deployment/ml/mnist");
        let namespace = json!({"kind": "Namespace", "metadata": {"name": "ml"}});
        assert_eq!(object_name(&namespace), "Namespace/ml");
        let job = json!({"kind": "Job", "metadata": {"generateName": "pi-", "namespace": "ml"}});
        assert_eq!(object_name(&job), "Job/ml/pi-*");
        assert_eq!(object_name(&json!({})), "<no kind>/<no name>");
    }

    #[test]
    fn pointers_escape_and_split() {
        assert_eq!(
            escape_segment("app.kubernetes.io/name"),
            "app.kubernetes.io~1name"
        );
        assert_eq!(escape_segment("a~b"), "a~0b");
        let segments: Vec<std::borrow::Cow<str>> =
            pointer_segments("/metadata/labels/app.kubernetes.io~1name").collect();
        assert_eq!(segments, ["metadata", "labels", "app.kubernetes.io/name"]);
    }
}
