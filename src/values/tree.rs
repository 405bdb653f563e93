//! The values tree: YAML as read, before it is typed, with the position of every node.
//!
//! Value files, `--set` flags and chart defaults are all turned into a [`Node`] tree and merged
//! (Helm's rules) before the result is deserialized into the typed model. Each node keeps the
//! [`Location`] of the file or flag that set it last, so an error about a merged value still
//! points at the line the user has to change.

use super::path::{FieldPath, Segment};
use crate::source::Location;

/// One node of the values tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: NodeValue,
    /// Where the node was written.
    pub location: Location,
}

/// The content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// A scalar: string, number, boolean or null.
    Scalar(Scalar),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in the order the keys were written.
    Map(Vec<Entry>),
}

/// One key of a mapping node.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key was written.
    pub key_location: Location,
    /// The value under the key.
    pub value: Node,
}

/// A scalar with both its YAML type and its spelling.
///
/// The spelling matters because YAML types plain scalars: `tag: 1.10` is the float 1.1 to
/// YAML but the string `"1.10"` to a user. Fields typed as strings read `text`, so image
/// tags, versions and octal-looking modes survive as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The YAML type of the scalar.
    pub kind: ScalarKind,
    /// The scalar as written (for quoted strings: the content without quotes).
    pub text: String,
}

/// The YAML type of a scalar (YAML 1.1 booleans and octals, as Kubernetes reads them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarKind {
    /// `null`, `~` or nothing.
    Null,
    /// `true`, `false` and the YAML 1.1 spellings (`yes`, `on`, ...).
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// A floating point number.
    Float(f64),
    /// A string (quoted, or plain text that is not another type).
    Str,
}

impl Scalar {
    /// A string scalar.
    pub fn string(text: impl Into<String>) -> Self {
        Scalar {
            kind: ScalarKind::Str,
            text: text.into(),
        }
    }

    /// Words for the scalar's type in messages: "a string", "an integer", ...
    pub fn describe(&self) -> &'static str {
        match self.kind {
            ScalarKind::Null => "null",
            ScalarKind::Bool(_) => "a boolean",
            ScalarKind::Int(_) | ScalarKind::UInt(_) => "an integer",
            ScalarKind::Float(_) => "a number",
            ScalarKind::Str => "a string",
        }
    }
}

impl Node {
    /// A node with no known location.
    pub fn new(value: NodeValue) -> Self {
        Node {
            value,
            location: Location::UNKNOWN,
        }
    }

    /// An empty mapping.
    pub fn empty_map(location: Location) -> Self {
        Node {
            value: NodeValue::Map(Vec::new()),
            location,
        }
    }

    /// True for a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(
            self.value,
            NodeValue::Scalar(Scalar {
                kind: ScalarKind::Null,
                ..
            })
        )
    }

    /// Words for the node's type in messages.
    pub fn describe(&self) -> &'static str {
        match &self.value {
            NodeValue::Scalar(scalar) => scalar.describe(),
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get_key(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// The entry for `key`, if this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The node at `path`, if every step exists.
    pub fn get(&self, path: &FieldPath) -> Option<&Node> {
        path.segments()
            .iter()
            .try_fold(self, |node, segment| match (segment, &node.value) {
                (Segment::Key(key), _) => node.get_key(key),
                (Segment::Index(index), NodeValue::Seq(items)) => items.get(*index),
                _ => None,
            })
    }

    /// The best location for a message about `path`: the node itself when it exists (its key
    /// when `prefer_key`), otherwise the deepest existing ancestor, the mapping a missing key
    /// belongs in.
    pub fn locate(&self, path: &FieldPath, prefer_key: bool) -> Location {
        let mut node = self;
        let mut location = self.location;
        let segments = path.segments();
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            match (segment, &node.value) {
                (Segment::Key(key), NodeValue::Map(_)) => match node.entry(key) {
                    Some(entry) => {
                        location = if last && prefer_key {
                            entry.key_location
                        } else {
                            entry.value.location
                        };
                        node = &entry.value;
                    }
                    None => return location,
                },
                (Segment::Index(index), NodeValue::Seq(items)) => match items.get(*index) {
                    Some(item) => {
                        location = item.location;
                        node = item;
                    }
                    None => return location,
                },
                _ => return location,
            }
        }
        location
    }

    /// Every leaf (scalar or empty collection) with its path, in document order.
    pub fn leaves(&self) -> Vec<(FieldPath, &Node)> {
        let mut leaves = Vec::new();
        self.collect_leaves(FieldPath::root(), &mut leaves);
        leaves
    }

    fn collect_leaves<'n>(&'n self, path: FieldPath, leaves: &mut Vec<(FieldPath, &'n Node)>) {
        match &self.value {
            NodeValue::Map(entries) if !entries.is_empty() => {
                for entry in entries {
                    entry
                        .value
                        .collect_leaves(path.key(entry.key.as_str()), leaves);
                }
            }
            NodeValue::Seq(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    item.collect_leaves(path.index(i), leaves);
                }
            }
            _ => leaves.push((path, self)),
        }
    }

    /// The tree as JSON, typed the way YAML types it (for templates and schemas).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Scalar(scalar) => match scalar.kind {
                ScalarKind::Null => Value::Null,
                ScalarKind::Bool(b) => Value::Bool(b),
                ScalarKind::Int(i) => Value::from(i),
                ScalarKind::UInt(u) => Value::from(u),
                ScalarKind::Float(f) => {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
                ScalarKind::Str => Value::String(scalar.text.clone()),
            },
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A tree from JSON (for `--set-json`), every node at `location`.
    pub fn from_json(value: &serde_json::Value, location: Location) -> Node {
        use serde_json::Value;
        let node_value = match value {
            Value::Null => NodeValue::Scalar(Scalar {
                kind: ScalarKind::Null,
                text: "null".into(),
            }),
            Value::Bool(b) => NodeValue::Scalar(Scalar {
                kind: ScalarKind::Bool(*b),
                text: b.to_string(),
            }),
            Value::Number(n) => {
                let kind = if let Some(i) = n.as_i64() {
                    ScalarKind::Int(i)
                } else if let Some(u) = n.as_u64() {
                    ScalarKind::UInt(u)
                } else {
                    ScalarKind::Float(n.as_f64().unwrap_or(f64::NAN))
                };
                NodeValue::Scalar(Scalar {
                    kind,
                    text: n.to_string(),
                })
            }
            Value::String(s) => NodeValue::Scalar(Scalar::string(s.clone())),
            Value::Array(items) => NodeValue::Seq(
                items
                    .iter()
                    .map(|item| Node::from_json(item, location))
                    .collect(),
            ),
            Value::Object(map) => NodeValue::Map(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_location: location,
                        value: Node::from_json(v, location),
                    })
                    .collect(),
            ),
        };
        Node {
            value: node_value,
            location,
        }
    }
}

/// Merges `overlay` over `base` by Helm's rules: mappings merge key by key, lists and scalars
/// replace, and a `null` in the overlay deletes the key from the result.
///
/// ```
/// use tack::values::{merge, parse_yaml};
/// use tack::source::SourceMap;
/// let mut sources = SourceMap::new();
/// let mut base = parse_yaml(&mut sources, "values.yaml", "a: {b: 1, c: 2}\nl: [1, 2]\n").unwrap();
/// let overlay = parse_yaml(&mut sources, "prod.yaml", "a: {c: null, d: 4}\nl: [3]\n").unwrap();
/// merge(&mut base, overlay);
/// assert_eq!(base.to_json(), serde_json::json!({"a": {"b": 1, "d": 4}, "l": [3]}));
/// ```
pub fn merge(base: &mut Node, overlay: Node) {
    if !base.location.is_known() {
        base.location = overlay.location;
    }
    match (&mut base.value, overlay.value) {
        (NodeValue::Map(base_entries), NodeValue::Map(overlay_entries)) => {
            for entry in overlay_entries {
                let existing = base_entries.iter().position(|e| e.key == entry.key);
                match (existing, entry.value.is_null()) {
                    (Some(i), true) => {
                        base_entries.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => {
                        base_entries[i].key_location = entry.key_location;
                        merge(&mut base_entries[i].value, entry.value);
                    }
                    (None, false) => base_entries.push(entry),
                }
            }
        }
        (_, value) => {
            base.value = value;
            base.location = overlay.location;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;
    use crate::values::parse_yaml;

    fn tree(sources: &mut SourceMap, name: &str, text: &str) -> Node {
        parse_yaml(sources, name, text).expect("test YAML parses")
    }

    #[test]
    fn merge_follows_helm_rules() {
        let mut sources = SourceMap::new();
        let mut base = tree(
            &mut sources,
            "values.yaml",
            "image: {repository: r, tag: '1.0'}\nargs: [a, b]\nenv: {A: '1', B: '2'}\n",
        );
        let overlay = tree(
            &mut sources,
            "prod.yaml",
            "image: {tag: '2.0'}\nargs: [c]\nenv: {B: null}\nnew: x\n",
        );
        merge(&mut base, overlay);
        assert_eq!(
            base.to_json(),
            serde_json::json!({
                "image": {"repository": "r", "tag": "2.0"},
                "args": ["c"],
                "env": {"A": "1"},
                "new": "x"
            })
        );
    }

    #[test]
    fn merged_leaves_remember_the_file_that_set_them() {
        let mut sources = SourceMap::new();
        let mut base = tree(
            &mut sources,
            "values.yaml",
            "image:\n  repository: r\n  tag: a\n",
        );
        let overlay = tree(&mut sources, "prod.yaml", "\n\nimage:\n  tag: b\n");
        merge(&mut base, overlay);
        let tag = base.locate(&FieldPath::parse("image.tag"), false);
        assert_eq!(sources.describe(tag), "prod.yaml:4:8");
        let repository = base.locate(&FieldPath::parse("image.repository"), false);
        assert_eq!(sources.describe(repository), "values.yaml:2:15");
        let missing = base.locate(&FieldPath::parse("image.pullPolicy"), false);
        assert_eq!(missing.line, 2, "a missing key points at its mapping");
    }

    #[test]
    fn scalars_keep_their_spelling() {
        let mut sources = SourceMap::new();
        let node = tree(&mut sources, "v.yaml", "tag: 1.10\nmode: 0755\nflag: yes\n");
        let tag = node.get(&FieldPath::parse("tag")).unwrap();
        match &tag.value {
            NodeValue::Scalar(s) => {
                assert_eq!(s.text, "1.10");
                assert_eq!(s.kind, ScalarKind::Float(1.1));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            node.to_json(),
            serde_json::json!({"tag": 1.1, "mode": 493, "flag": true})
        );
    }
}
