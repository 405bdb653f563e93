//! The values tree: the YAML tree of [`crate::yaml`], with what values need on top: lookups
//! by [`FieldPath`] and merging by Helm's rules.

use super::path::{FieldPath, Segment};
use crate::source::Location;
pub use crate::yaml::{Entry, Node, NodeValue, Scalar, ScalarKind};

impl Node {
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

    /// The text of every scalar that is secret wherever it lands (`--set-file` contents).
    pub fn sensitive_texts(&self) -> Vec<String> {
        self.leaves()
            .into_iter()
            .filter_map(|(_, node)| match &node.value {
                NodeValue::Scalar(scalar) if scalar.sensitive => Some(scalar.text.clone()),
                _ => None,
            })
            .collect()
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
}

impl Node {
    /// The node at `path`, if every step exists.
    pub fn get(&self, path: &FieldPath) -> Option<&Node> {
        path.segments()
            .iter()
            .try_fold(self, |node, segment| match (segment, &node.value) {
                (Segment::Key(key), _) => node.entry(key).map(|entry| &entry.value),
                (Segment::Index(index), NodeValue::Seq(items)) => items.get(*index),
                _ => None,
            })
    }
}

/// Merges `overlay` over `base` by Helm's rules: mappings merge key by key, lists and scalars
/// replace, and a `null` in the overlay deletes the key from the result (a `null` where
/// nothing is set is dropped).
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
                    (None, false) => base_entries.push(Entry {
                        value: without_nulls(entry.value),
                        ..entry
                    }),
                }
            }
        }
        (_, value) => {
            base.value = value;
            base.location = overlay.location;
        }
    }
}

/// A new value's mappings without their `null` keys, at every depth (nothing is below a
/// new key for them to delete; Helm 4 drops them too). Items of lists stay as they are.
fn without_nulls(mut node: Node) -> Node {
    if let NodeValue::Map(entries) = &mut node.value {
        entries.retain(|entry| !entry.value.is_null());
        for entry in entries.iter_mut() {
            let location = entry.value.location;
            let value = std::mem::replace(&mut entry.value, Node::empty_map(location));
            entry.value = without_nulls(value);
        }
    }
    node
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

    #[test]
    fn doc_examples() {
        {
            use crate::source::SourceMap;
            use crate::values::{merge, parse_yaml};
            let mut sources = SourceMap::new();
            let mut base =
                parse_yaml(&mut sources, "values.yaml", "a: {b: 1, c: 2}\nl: [1, 2]\n").unwrap();
            let overlay =
                parse_yaml(&mut sources, "prod.yaml", "a: {c: null, d: 4}\nl: [3]\n").unwrap();
            merge(&mut base, overlay);
            assert_eq!(
                base.to_json(),
                serde_json::json!({"a": {"b": 1, "d": 4}, "l": [3]})
            );
        }
    }
}
