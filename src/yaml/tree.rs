//! A YAML tree as read, before it is typed, with the position of every node and the spelling
//! of every scalar.
//!
//! Value files, `--set` flags and chart defaults are all turned into a [`Node`] tree and merged
//! (Helm's rules, in `values`) before the result is deserialized into the typed model. Each
//! node keeps the [`Location`] of the file or flag that set it last, so an error about a
//! merged value still points at the line the user has to change.

use super::reader::{Build, Mark, Parsed, Reader, ScalarEvent, Size};
use super::scalar::{Resolved, resolve};
use super::{Error, ErrorKind, Limits};
use crate::source::{Location, SourceId};
use std::collections::HashSet;

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
    /// True when the text is secret wherever it lands (the content of a `--set-file`):
    /// messages never quote it.
    pub sensitive: bool,
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
            sensitive: false,
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

    /// The entry for `key`, if this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// A tree from JSON (for `--set-json`), every node at `location`.
    pub fn from_json(value: &serde_json::Value, location: Location) -> Node {
        use serde_json::Value;
        let node_value = match value {
            Value::Null => NodeValue::Scalar(Scalar {
                kind: ScalarKind::Null,
                text: "null".into(),
                sensitive: false,
            }),
            Value::Bool(b) => NodeValue::Scalar(Scalar {
                kind: ScalarKind::Bool(*b),
                text: b.to_string(),
                sensitive: false,
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
                    sensitive: false,
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

impl Node {
    /// The tree as JSON, typed the way YAML types it (for templates and schemas).
    /// (`a: [1, yes, ~]` is `{"a": [1, "yes", null]}`: tack reads YAML 1.2).
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
}

/// Reads one document of `text` into a tree (see [`super::read_tree`]).
pub(super) fn read(source: SourceId, text: &str, limits: &Limits) -> Result<Node, Error> {
    let builder = TreeBuilder { source };
    let mut root = None;
    for parsed in Reader::new(builder, limits, 1).read(text) {
        match parsed {
            Parsed::Error(error) => return Err(error),
            Parsed::Document(node) => root = root.or(Some(node)),
            Parsed::Empty => {}
        }
    }
    Ok(root.unwrap_or_else(|| {
        Node::empty_map(Location {
            source,
            line: 1,
            column: 1,
        })
    }))
}

struct TreeBuilder {
    source: SourceId,
}

impl TreeBuilder {
    fn location(&self, at: Mark) -> Location {
        Location {
            source: self.source,
            line: at.line,
            column: at.column,
        }
    }
}

/// A key as written, and where.
struct Key {
    name: String,
    location: Location,
}

pub(super) fn kind_of(resolved: Resolved) -> ScalarKind {
    match resolved {
        Resolved::Null => ScalarKind::Null,
        Resolved::Bool(b) => ScalarKind::Bool(b),
        Resolved::Int(i) => ScalarKind::Int(i),
        Resolved::UInt(u) => ScalarKind::UInt(u),
        Resolved::Float(f) => ScalarKind::Float(f),
        Resolved::Str | Resolved::Binary => ScalarKind::Str,
    }
}

impl Build for TreeBuilder {
    type Value = Node;
    type Key = Key;
    type Path = ();
    type Document = Node;

    fn root_path(&self) {}

    fn child_path(&self, (): (), _key: &Key) {}

    fn index_path(&self, (): (), _index: usize) {}

    fn record(&mut self, (): (), _at: Mark) {}

    fn scalar(&mut self, scalar: ScalarEvent<'_>) -> Result<Node, ErrorKind> {
        let resolved =
            resolve(&scalar.text, scalar.style, scalar.tag).map_err(super::json::scalar_error)?;
        let text = if resolved == Resolved::Binary {
            scalar.text.chars().filter(|c| !c.is_whitespace()).collect()
        } else {
            scalar.text.into_owned()
        };
        Ok(Node {
            value: NodeValue::Scalar(Scalar {
                kind: kind_of(resolved),
                text,
                sensitive: false,
            }),
            location: self.location(scalar.at),
        })
    }

    fn key(&mut self, scalar: ScalarEvent<'_>) -> Result<Key, ErrorKind> {
        // Keys stay as written: `on:` is the key `on`, `1:` the key `1`.
        if let Some(tag) = scalar.tag {
            resolve(&scalar.text, scalar.style, Some(tag)).map_err(super::json::scalar_error)?;
        }
        Ok(Key {
            name: scalar.text.into_owned(),
            location: self.location(scalar.at),
        })
    }

    fn alias_key(&mut self, value: &Node, at: Mark) -> Result<Key, ErrorKind> {
        match &value.value {
            NodeValue::Scalar(scalar) => Ok(Key {
                name: scalar.text.clone(),
                location: self.location(at),
            }),
            _ => Err(ErrorKind::ComplexKey),
        }
    }

    fn sequence(&mut self, items: Vec<Node>, at: Mark) -> Node {
        Node {
            value: NodeValue::Seq(items),
            location: self.location(at),
        }
    }

    fn mapping(
        &mut self,
        entries: std::vec::Drain<'_, (Key, Node)>,
        merges: Vec<(Node, Mark)>,
        at: Mark,
    ) -> Result<Node, Error> {
        let mut seen: HashSet<String> = HashSet::with_capacity(entries.len());
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if !seen.insert(key.name.clone()) {
                return Err(Error {
                    line: key.location.line,
                    column: key.location.column,
                    kind: ErrorKind::DuplicateKey { key: key.name },
                });
            }
            out.push(Entry {
                key: key.name,
                key_location: key.location,
                value,
            });
        }
        for (source, merge_at) in merges {
            let sources = match source.value {
                NodeValue::Map(entries) => vec![entries],
                NodeValue::Seq(items) => items
                    .into_iter()
                    .map(|item| match item.value {
                        NodeValue::Map(entries) => Ok(entries),
                        _ => Err(Error::at(merge_at, ErrorKind::MergeNotMapping)),
                    })
                    .collect::<Result<_, _>>()?,
                NodeValue::Scalar(_) => {
                    return Err(Error::at(merge_at, ErrorKind::MergeNotMapping));
                }
            };
            for entry in sources.into_iter().flatten() {
                if seen.insert(entry.key.clone()) {
                    out.push(entry);
                }
            }
        }
        Ok(Node {
            value: NodeValue::Map(out),
            location: self.location(at),
        })
    }

    fn size(value: &Node) -> Size {
        let one = Size {
            nodes: 1,
            ..Size::default()
        };
        match &value.value {
            NodeValue::Scalar(scalar) => Size {
                bytes: scalar.text.len() as u64,
                ..one
            },
            NodeValue::Seq(items) => items.iter().fold(one, |total, item| {
                super::json::add(total, Self::size(item), 0)
            }),
            NodeValue::Map(entries) => entries.iter().fold(one, |total, entry| {
                super::json::add(total, Self::size(&entry.value), entry.key.len())
            }),
        }
    }

    fn document(&mut self, root: Node, _at: Mark) -> Option<Node> {
        (!root.is_null()).then_some(root)
    }

    fn reset(&mut self) {}
}
