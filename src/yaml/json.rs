//! YAML to `serde_json::Value`, read the way Kubernetes reads manifests (`sigs.k8s.io/yaml`
//! converts go-yaml v2's result to JSON):
//!
//! - plain `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` is octal (420), `0x1F` is hex,
//!   `1_000` is 1000, `1.10` is the number 1.1; quoted scalars stay text;
//! - non-string keys become strings (`on:` -> `"true"`);
//! - a `key: null` (or an empty value) is dropped: the API server treats it as unset;
//! - a duplicate key with a different value is an error (Kubernetes tools would silently
//!   keep the last); one with the same value is kept once and reported in
//!   [`YamlDocument::identical_duplicates`], for a warning;
//! - `<<` merge keys are applied;
//! - the line of every key and list item is recorded in a [`LineIndex`].
//!
//! This is the hot path of `tack validate`: no intermediate tree, each collection allocated
//! once at its exact size.

use super::lines::{LineIndex, ROOT_PATH, child_path, index_path};
use super::reader::{Build, Mark, Parsed, Reader, ScalarEvent, Size};
use super::scalar::{Resolved, ScalarError, resolve};
use super::{Error, ErrorKind, Limits};
use serde_json::{Map, Number, Value};
use std::collections::HashSet;

/// One YAML document read into a value.
#[derive(Debug)]
pub(crate) struct YamlDocument {
    /// The document's root node.
    pub value: Value,
    /// The line of the root node.
    pub line: u32,
    /// Lines of the nodes below it.
    pub lines: LineIndex,
    /// Keys given twice in one mapping with the same value, with the line of the second.
    pub identical_duplicates: Vec<(u32, String)>,
}

/// Reads every document of `text`, whose first line is line `first_line` of its input.
/// A syntax error ends its document only: reading goes on at the next `---`.
pub(crate) fn read_documents(
    text: &str,
    first_line: u32,
    limits: &Limits,
) -> Vec<Parsed<YamlDocument>> {
    Reader::new(JsonBuilder::default(), limits, first_line).read(text)
}

/// A key as `sigs.k8s.io/yaml` writes it into JSON, and its line.
pub(crate) struct Key {
    name: String,
    line: u32,
}

#[derive(Default)]
struct JsonBuilder {
    lines: LineIndex,
    identical_duplicates: Vec<(u32, String)>,
}

pub(crate) fn scalar_error(error: ScalarError) -> ErrorKind {
    match error {
        ScalarError::UnsupportedTag(tag) => ErrorKind::UnsupportedTag { tag },
        ScalarError::NotA { tag, what } => ErrorKind::NotA { tag, what },
        ScalarError::NotRepresentable(text) => ErrorKind::NotRepresentable { text },
    }
}

fn to_value(text: std::borrow::Cow<'_, str>, resolved: Resolved) -> Value {
    match resolved {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Number(i.into()),
        Resolved::UInt(u) => Value::Number(u.into()),
        Resolved::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Resolved::Str => Value::String(text.into_owned()),
        Resolved::Binary => Value::String(text.chars().filter(|c| !c.is_whitespace()).collect()),
    }
}

/// A key's text: strings as they are, other scalars as their JSON text.
fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("null".into()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

impl Build for JsonBuilder {
    type Value = Value;
    type Key = Key;
    type Path = u64;
    type Document = YamlDocument;

    fn root_path(&self) -> u64 {
        ROOT_PATH
    }

    fn child_path(&self, parent: u64, key: &Key) -> u64 {
        child_path(parent, key.name.as_bytes())
    }

    fn index_path(&self, parent: u64, index: usize) -> u64 {
        index_path(parent, index)
    }

    fn record(&mut self, path: u64, at: Mark) {
        self.lines.record(path, at.line);
    }

    fn scalar(&mut self, scalar: ScalarEvent<'_>) -> Result<Value, ErrorKind> {
        let resolved = resolve(&scalar.text, scalar.style, scalar.tag).map_err(scalar_error)?;
        Ok(to_value(scalar.text, resolved))
    }

    fn key(&mut self, scalar: ScalarEvent<'_>) -> Result<Key, ErrorKind> {
        let line = scalar.at.line;
        let value = self.scalar(scalar)?;
        let name = match value {
            Value::String(s) => s,
            other => key_text(&other).unwrap_or_default(),
        };
        Ok(Key { name, line })
    }

    fn alias_key(&mut self, value: &Value, at: Mark) -> Result<Key, ErrorKind> {
        let name = key_text(value).ok_or(ErrorKind::ComplexKey)?;
        Ok(Key {
            name,
            line: at.line,
        })
    }

    fn sequence(&mut self, items: Vec<Value>, _at: Mark) -> Value {
        Value::Array(items)
    }

    fn mapping(
        &mut self,
        entries: std::vec::Drain<'_, (Key, Value)>,
        merges: Vec<(Value, Mark)>,
        _at: Mark,
    ) -> Result<Value, Error> {
        let mut map = Map::with_capacity(entries.len());
        let mut nulls = NullKeys::default();
        for (key, value) in entries {
            let duplicate = |name: String| Error {
                line: key.line,
                column: 0,
                kind: ErrorKind::ConflictingKey { key: name },
            };
            if value.is_null() {
                if map.contains_key(&key.name) {
                    return Err(duplicate(key.name));
                }
                if nulls.contains(&key.name) {
                    self.identical_duplicates.push((key.line, key.name));
                    continue;
                }
                nulls.insert(key.name);
            } else if nulls.contains(&key.name) {
                return Err(duplicate(key.name));
            } else {
                match map.entry(key.name) {
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                    serde_json::map::Entry::Occupied(slot) if *slot.get() == value => {
                        self.identical_duplicates
                            .push((key.line, slot.key().clone()));
                    }
                    serde_json::map::Entry::Occupied(slot) => {
                        return Err(duplicate(slot.key().clone()));
                    }
                }
            }
        }
        for (source, at) in merges {
            merge_into(&mut map, &nulls, source).map_err(|kind| Error::at(at, kind))?;
        }
        Ok(Value::Object(map))
    }

    fn size(value: &Value) -> Size {
        match value {
            Value::String(s) => Size {
                nodes: 1,
                bytes: s.len() as u64,
                depth: 0,
            },
            Value::Array(items) => items.iter().map(Self::size).fold(
                Size {
                    nodes: 1,
                    ..Size::default()
                },
                |total, item| add(total, item, 0),
            ),
            Value::Object(map) => map.iter().fold(
                Size {
                    nodes: 1,
                    ..Size::default()
                },
                |total, (key, item)| add(total, Self::size(item), key.len()),
            ),
            _ => Size {
                nodes: 1,
                ..Size::default()
            },
        }
    }

    fn document(&mut self, value: Value, at: Mark) -> Option<YamlDocument> {
        if value.is_null() {
            return None;
        }
        let mut lines = std::mem::take(&mut self.lines);
        lines.seal();
        Some(YamlDocument {
            value,
            line: at.line,
            lines,
            identical_duplicates: std::mem::take(&mut self.identical_duplicates),
        })
    }

    fn reset(&mut self) {
        self.lines = LineIndex::default();
        self.identical_duplicates.clear();
    }
}

/// Adds a child's size to its collection's.
pub(crate) fn add(total: Size, child: Size, key_bytes: usize) -> Size {
    Size {
        nodes: total.nodes + child.nodes,
        bytes: total.bytes + child.bytes + key_bytes as u64,
        depth: total.depth.max(child.depth + 1),
    }
}

/// The keys of a mapping whose value is `null` (dropped, but still taken for duplicates):
/// a short list, which becomes a set if a mapping holds many, so no input makes the
/// duplicate check quadratic.
#[derive(Default)]
struct NullKeys {
    few: Vec<String>,
    many: HashSet<String>,
}

impl NullKeys {
    const FEW: usize = 16;

    fn contains(&self, key: &str) -> bool {
        if self.many.is_empty() {
            self.few.iter().any(|k| k == key)
        } else {
            self.many.contains(key)
        }
    }

    fn insert(&mut self, key: String) {
        if self.many.is_empty() && self.few.len() < Self::FEW {
            self.few.push(key);
        } else {
            self.many.extend(self.few.drain(..));
            self.many.insert(key);
        }
    }
}

/// Applies a `<<` merge: keys already in the mapping win, and so do earlier merge sources.
fn merge_into(
    map: &mut Map<String, Value>,
    nulls: &NullKeys,
    source: Value,
) -> Result<(), ErrorKind> {
    let mut add = |source: Map<String, Value>| {
        for (key, value) in source {
            if !map.contains_key(&key) && !nulls.contains(&key) {
                map.insert(key, value);
            }
        }
    };
    match source {
        Value::Object(source) => add(source),
        Value::Array(sources) => {
            for source in sources {
                match source {
                    Value::Object(source) => add(source),
                    _ => return Err(ErrorKind::MergeNotMapping),
                }
            }
        }
        _ => return Err(ErrorKind::MergeNotMapping),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Vec<Parsed<YamlDocument>> {
        read_documents(text, 1, &Limits::MANIFESTS)
    }

    fn one(text: &str) -> Value {
        match parse(text).pop() {
            Some(Parsed::Document(doc)) => doc.value,
            other => panic!("expected one document, got {other:?}"),
        }
    }

    fn error(text: &str) -> Error {
        match parse(text).pop() {
            Some(Parsed::Error(error)) => error,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn reads_scalars_as_kubernetes_does() {
        let value = one(
            "a: yes\nb: off\nc: y\nd: 0644\ne: 0x1F\nf: 1_000\ng: 1.10\nh: \"yes\"\ni: '0644'\nj: -12\nk: 08\nl: 1e3\nm: 2024-01-01\nplus: +5\no: .5\np: 18446744073709551615\nq: 0o17\nr: 0b101\ns: hello world\nt: 12:30\n",
        );
        assert_eq!(
            value,
            json!({
                "a": true, "b": false, "c": true, "d": 420, "e": 31, "f": 1000, "g": 1.1,
                "h": "yes", "i": "0644", "j": -12, "k": 8.0, "l": 1000.0, "m": "2024-01-01",
                "plus": 5, "o": 0.5, "p": 18446744073709551615u64, "q": 15, "r": 5,
                "s": "hello world", "t": "12:30"
            })
        );
    }

    #[test]
    fn many_null_keys_are_checked_for_duplicates_in_linear_time() {
        let mut text: String = (0..50_000).map(|i| format!("k{i}: ~\n")).collect();
        assert!(matches!(parse(&text).pop(), Some(Parsed::Document(_))));
        text.push_str("k7: 1\n");
        assert!(matches!(
            error(&text).kind,
            ErrorKind::ConflictingKey { .. }
        ));
    }

    #[test]
    fn nulls_are_dropped_from_mappings_but_not_lists() {
        assert_eq!(
            one("metadata:\n  creationTimestamp: null\n  name: x\nspec:\nlist: [1, ~, null]\n"),
            json!({"metadata": {"name": "x"}, "list": [1, null, null]})
        );
    }

    #[test]
    fn keys_become_strings() {
        // go-yaml v2 reads `y`/`n` keys as booleans too.
        assert_eq!(
            one("on: 1\n2: b\n~: c\nn: d\n"),
            json!({"true": 1, "2": "b", "null": "c", "false": "d"})
        );
    }

    #[test]
    fn tags_are_honoured() {
        assert_eq!(
            one("a: !!str 0644\nb: !!int \"12\"\nd: ! 12\n"),
            json!({"a": "0644", "b": 12, "d": "12"})
        );
        assert!(matches!(
            error("a: !!int abc\n").kind,
            ErrorKind::NotA { .. }
        ));
        assert!(matches!(
            error("a: !Ref thing\n").kind,
            ErrorKind::UnsupportedTag { .. }
        ));
    }

    #[test]
    fn duplicate_keys_are_errors_with_their_line() {
        let e = error("metadata:\n  name: a\n  name: b\n");
        assert_eq!(e.line, 3);
        assert_eq!(e.kind, ErrorKind::ConflictingKey { key: "name".into() });
        // Also when one of them is null.
        assert!(matches!(
            error("a: ~\na: 1\n").kind,
            ErrorKind::ConflictingKey { .. }
        ));
    }

    #[test]
    fn identical_duplicates_are_kept_once_and_reported() {
        let documents = parse(
            "metadata:\n  name: a\n  labels: {x: 1}\n  name: a\n  labels: {x: 1}\nb: ~\nb: ~\n",
        );
        let Some(Parsed::Document(document)) = documents.into_iter().next() else {
            panic!("one document");
        };
        assert_eq!(
            document.value,
            json!({"metadata": {"name": "a", "labels": {"x": 1}}})
        );
        assert_eq!(
            document.identical_duplicates,
            [
                (4, "name".to_string()),
                (5, "labels".to_string()),
                (7, "b".to_string())
            ]
        );
    }

    #[test]
    fn merges_and_aliases_expand() {
        let value = one("base: &b {x: 1, z: 2}\nitem:\n  <<: *b\n  z: 3\ncopy: *b\n");
        assert_eq!(
            value,
            json!({"base": {"x": 1, "z": 2}, "item": {"z": 3, "x": 1}, "copy": {"x": 1, "z": 2}})
        );
        let value = one("a: &a {k: 1}\nb: &b {k: 2, j: 2}\nc:\n  <<: [*a, *b]\n");
        assert_eq!(value["c"], json!({"k": 1, "j": 2}));
        assert_eq!(
            error("a: 1\nb:\n  <<: 5\n").kind,
            ErrorKind::MergeNotMapping
        );
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let mut text = String::from(
            "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
        );
        for level in 1..12 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert!(matches!(error(&text).kind, ErrorKind::AliasBudget { .. }));
        // Merge keys copy through aliases too.
        let mut merge = String::from("a0: &a0 {k0: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n");
        for level in 1..30 {
            let prev = level - 1;
            merge.push_str(&format!(
                "a{level}: &a{level} {{k{level}: [*a{prev}, *a{prev}], <<: *a{prev}}}\n"
            ));
        }
        assert!(matches!(error(&merge).kind, ErrorKind::AliasBudget { .. }));
    }

    #[test]
    fn empty_and_comment_only_documents_are_empty() {
        let docs = parse("# only a comment\n---\n---\n~\n");
        assert!(docs.iter().all(|d| matches!(d, Parsed::Empty)), "{docs:?}");
    }

    #[test]
    fn lines_are_offset_and_recorded() {
        let docs = read_documents(
            "---\nkind: Pod\nspec:\n  containers:\n    - name: a\n",
            10,
            &Limits::MANIFESTS,
        );
        let Some(Parsed::Document(doc)) = docs.first() else {
            panic!("{docs:?}")
        };
        assert_eq!(doc.line, 11);
        assert_eq!(
            doc.lines.line_of(ROOT_PATH, "/spec/containers/0/name"),
            Some(14)
        );
        assert_eq!(doc.lines.line_of(ROOT_PATH, "/kind"), Some(11));
    }

    #[test]
    fn syntax_errors_end_only_their_document() {
        let docs = parse("a: [1, 2\n---\nb: 1\n");
        assert!(matches!(docs.first(), Some(Parsed::Error(_))), "{docs:?}");
        assert!(
            matches!(docs.last(), Some(Parsed::Document(d)) if d.value == json!({"b": 1})),
            "{docs:?}"
        );
        assert_eq!(error("a:\n\tb: 1\n").kind, ErrorKind::Tab);
    }

    #[test]
    fn infinities_and_complex_keys_are_errors() {
        assert!(matches!(
            error("a: .inf\n").kind,
            ErrorKind::NotRepresentable { .. }
        ));
        assert_eq!(error("? [a, b]\n: c\n").kind, ErrorKind::ComplexKey);
        assert_eq!(one("a: \".inf\"\n"), json!({"a": ".inf"}));
    }
}
