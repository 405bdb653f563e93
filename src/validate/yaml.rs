//! YAML text to `serde_json::Value`, straight from the parser's events, read the way
//! Kubernetes reads it.
//!
//! `kubectl` and the API server read manifests with a YAML 1.1 parser (go-yaml v2 behind
//! `sigs.k8s.io/yaml`) and convert the result to JSON. This module does the same in one pass
//! over `granit_parser` events, without serde's generic `Deserialize` (which costs about twice
//! as much for a Deployment):
//!
//! - plain `yes`/`no`/`on`/`off`/`y`/`n` (any of their spellings) are booleans, `0644` is octal
//!   (420), `0x1F` is hex, `1_000` is 1000, `1.10` is the number 1.1; quoted scalars stay text;
//! - non-string keys become strings (`on:` -> `"true"`), as `sigs.k8s.io/yaml` does;
//! - a `key: null` (or an empty value) is dropped: the API server treats it as unset;
//! - duplicate keys are errors (Kubernetes would silently keep one of them);
//! - `<<` merge keys are applied; aliases are expanded under a budget, so a "billion laughs"
//!   document is an error rather than an out-of-memory;
//! - the line of every key and list item is recorded in a [`LineIndex`].

use super::document::{LineIndex, ROOT_PATH, child_path, index_path};
use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;

/// How much alias expansion one document may do, in nodes plus string bytes copied.
const ALIAS_BUDGET: u64 = 10_000_000;

/// One YAML document read into a value.
#[derive(Debug)]
pub(crate) struct YamlDocument {
    /// The document's root node.
    pub value: Value,
    /// The line of the root node.
    pub line: u32,
    /// Lines of the nodes below it.
    pub lines: LineIndex,
}

/// A document that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (`0` when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a usual fix.
    pub hint: Option<String>,
}

/// What one document of a stream turned out to be.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// A document with content.
    Document(YamlDocument),
    /// An empty document: only comments, or `null`.
    Empty,
    /// A document that is not valid YAML (or not representable as JSON).
    Error(SyntaxError),
}

/// Reads every document of `text`, whose first line is line `first_line` of its input.
/// A syntax error ends its document only: reading goes on at the next `---`.
pub(crate) fn parse_documents(text: &str, first_line: u32) -> Vec<Parsed> {
    let mut options = Options::default();
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(text, options);
    let offset = first_line.saturating_sub(1);
    let mut out = Vec::new();
    let mut builder = Builder::new(offset);
    loop {
        let failure = match parser.next_event() {
            None => break,
            Some(Err(error)) => {
                let marker = error.marker();
                let message = error.info();
                Some(SyntaxError {
                    line: to_u32(marker.line()).saturating_add(offset),
                    column: to_u32(marker.col()).saturating_add(1),
                    hint: syntax_hint(&message),
                    message: format!("not valid YAML: {message}"),
                })
            }
            Some(Ok((event, span))) => match event {
                Event::StreamStart | Event::StreamEnd => None,
                Event::DocumentStart(..) => {
                    builder = Builder::new(offset);
                    None
                }
                Event::DocumentEnd => {
                    out.push(std::mem::replace(&mut builder, Builder::new(offset)).finish());
                    None
                }
                other => builder.event(other, &span).err(),
            },
        };
        if let Some(error) = failure {
            out.push(Parsed::Error(error));
            builder = Builder::new(offset);
            match parser.proceed_next_document() {
                Ok(true) => {}
                Ok(false) | Err(_) => break,
            }
        }
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn syntax_hint(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    if lower.contains("tab") {
        Some("indent with spaces: YAML does not allow tabs for indentation".into())
    } else if lower.contains("mapping values are not allowed") {
        Some("check the indentation of this line, or quote a value that contains `: `".into())
    } else if lower.contains("did not find expected") || lower.contains("unexpected end") {
        Some(
            "check that brackets, braces and quotes are closed and the indentation is consistent"
                .into(),
        )
    } else {
        None
    }
}

struct Key {
    name: String,
    merge: bool,
    line: u32,
}

/// An open collection. Its children wait on the builder's shared stacks (`items`,
/// `entries`) from `start` on, so that each collection is allocated once, at its exact size.
enum Frame {
    Sequence {
        start: usize,
        anchor: usize,
        path: u64,
    },
    Mapping {
        start: usize,
        anchor: usize,
        path: u64,
        key: Option<Key>,
        merges: Vec<(Value, u32)>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    items: Vec<Value>,
    entries: Vec<(String, Value, u32)>,
    root: Option<Value>,
    root_line: u32,
    anchors: HashMap<usize, (Value, u64)>,
    alias_weight: u64,
    lines: LineIndex,
    offset: u32,
}

/// Where the node that starts now goes.
enum Position {
    /// It is a mapping key.
    Key,
    /// It is a value at this path.
    Value(u64),
}

impl Builder {
    fn new(offset: u32) -> Self {
        Builder {
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            root: None,
            root_line: 0,
            anchors: HashMap::new(),
            alias_weight: 0,
            lines: LineIndex::default(),
            offset,
        }
    }

    fn finish(self) -> Parsed {
        match self.root {
            None | Some(Value::Null) => Parsed::Empty,
            Some(value) => {
                let mut lines = self.lines;
                lines.seal();
                Parsed::Document(YamlDocument {
                    value,
                    line: self.root_line,
                    lines,
                })
            }
        }
    }

    fn error(&self, line: u32, column: u32, message: String, hint: Option<&str>) -> SyntaxError {
        SyntaxError {
            line,
            column,
            message,
            hint: hint.map(str::to_string),
        }
    }

    /// Works out where a node starting on `line` goes, and records its line.
    fn position(&mut self, line: u32) -> Position {
        match self.stack.last() {
            None => {
                self.root_line = line;
                self.lines.record(ROOT_PATH, line);
                Position::Value(ROOT_PATH)
            }
            Some(Frame::Sequence { start, path, .. }) => {
                let path = index_path(*path, self.items.len() - start);
                self.lines.record(path, line);
                Position::Value(path)
            }
            Some(Frame::Mapping { key: None, .. }) => Position::Key,
            Some(Frame::Mapping {
                key: Some(key),
                path,
                ..
            }) => Position::Value(child_path(*path, key.name.as_bytes())),
        }
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), SyntaxError> {
        let line = to_u32(span.start.line()).saturating_add(self.offset);
        let column = to_u32(span.start.col()).saturating_add(1);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                let value = resolve_scalar(text, style, tag.as_deref())
                    .map_err(|(message, hint)| self.error(line, column, message, hint))?;
                match self.position(line) {
                    Position::Key => {
                        if anchor != 0 {
                            self.anchors.insert(anchor, (value.clone(), weight(&value)));
                        }
                        let name =
                            into_key_text(value).ok_or_else(|| self.complex_key(line, column))?;
                        self.set_key(Key { name, merge, line });
                        Ok(())
                    }
                    Position::Value(_) => self.push_value(value, anchor, line, column),
                }
            }
            Event::Alias(id) => {
                let Some((value, cost)) = self.anchors.get(&id) else {
                    return Err(self.error(
                        line,
                        column,
                        "alias to an unknown anchor".into(),
                        None,
                    ));
                };
                let (value, cost) = (value.clone(), *cost);
                self.alias_weight = self.alias_weight.saturating_add(cost);
                if self.alias_weight > ALIAS_BUDGET {
                    return Err(self.error(
                        line,
                        column,
                        format!(
                            "aliases expand to more than {ALIAS_BUDGET} nodes and bytes (a \"billion laughs\" document?)"
                        ),
                        Some("expand the aliases by hand, or use fewer levels of nesting"),
                    ));
                }
                match self.position(line) {
                    Position::Key => {
                        let name =
                            key_text(&value).ok_or_else(|| self.complex_key(line, column))?;
                        self.set_key(Key {
                            name,
                            merge: false,
                            line,
                        });
                        Ok(())
                    }
                    Position::Value(_) => self.push_value(value, 0, line, column),
                }
            }
            Event::SequenceStart(_, anchor, _) => match self.position(line) {
                Position::Key => Err(self.complex_key(line, column)),
                Position::Value(path) => {
                    self.stack.push(Frame::Sequence {
                        start: self.items.len(),
                        anchor,
                        path,
                    });
                    Ok(())
                }
            },
            Event::MappingStart(_, anchor, _) => match self.position(line) {
                Position::Key => Err(self.complex_key(line, column)),
                Position::Value(path) => {
                    self.stack.push(Frame::Mapping {
                        start: self.entries.len(),
                        anchor,
                        path,
                        key: None,
                        merges: Vec::new(),
                    });
                    Ok(())
                }
            },
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Sequence { start, anchor, .. }) => {
                    let items: Vec<Value> = self.items.drain(start..).collect();
                    self.push_value(Value::Array(items), anchor, line, column)
                }
                _ => Err(self.error(line, column, "unbalanced sequence end".into(), None)),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Mapping {
                    start,
                    anchor,
                    merges,
                    ..
                }) => {
                    let mut map = Map::with_capacity(self.entries.len() - start);
                    let mut nulls: Vec<String> = Vec::new();
                    for (name, value, key_line) in self.entries.drain(start..) {
                        let duplicate = if value.is_null() {
                            let seen = map.contains_key(&name) || nulls.contains(&name);
                            nulls.push(name.clone());
                            seen
                        } else {
                            !nulls.is_empty() && nulls.contains(&name)
                                || map.insert(name.clone(), value).is_some()
                        };
                        if duplicate {
                            return Err(SyntaxError {
                                line: key_line,
                                column: 0,
                                message: format!(
                                    "duplicate key \"{name}\": Kubernetes would silently keep only one of them"
                                ),
                                hint: Some("remove or rename one of the two keys".into()),
                            });
                        }
                    }
                    for (source, merge_line) in merges {
                        merge_into(&mut map, &nulls, source).map_err(|message| {
                            self.error(
                                merge_line,
                                0,
                                message,
                                Some("`<<` takes an alias to a mapping, or a list of them"),
                            )
                        })?;
                    }
                    self.push_value(Value::Object(map), anchor, line, column)
                }
                _ => Err(self.error(line, column, "unbalanced mapping end".into(), None)),
            },
            // Presentation only; a tree builder ignores them.
            _ => Ok(()),
        }
    }

    fn complex_key(&self, line: u32, column: u32) -> SyntaxError {
        self.error(
            line,
            column,
            "a mapping key must be a plain value, not a list or a mapping".into(),
            Some("Kubernetes objects only have text keys"),
        )
    }

    fn set_key(&mut self, new_key: Key) {
        if let Some(Frame::Mapping { key, path, .. }) = self.stack.last_mut() {
            self.lines
                .record(child_path(*path, new_key.name.as_bytes()), new_key.line);
            *key = Some(new_key);
        }
    }

    fn push_value(
        &mut self,
        value: Value,
        anchor: usize,
        line: u32,
        column: u32,
    ) -> Result<(), SyntaxError> {
        if anchor != 0 {
            let cost = weight(&value);
            self.anchors.insert(anchor, (value.clone(), cost));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Sequence { .. }) => {
                self.items.push(value);
                Ok(())
            }
            Some(Frame::Mapping { key, merges, .. }) => {
                let Some(key) = key.take() else {
                    return Err(self.error(line, column, "a value without a key".into(), None));
                };
                if key.merge {
                    merges.push((value, key.line));
                } else {
                    self.entries.push((key.name, value, key.line));
                }
                Ok(())
            }
        }
    }
}

/// Applies a `<<` merge: keys already in the mapping win, and so do earlier merge sources.
fn merge_into(map: &mut Map<String, Value>, nulls: &[String], source: Value) -> Result<(), String> {
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
                    _ => return Err("a `<<` merge list may only hold mappings".into()),
                }
            }
        }
        _ => return Err("a `<<` merge key needs a mapping or a list of mappings".into()),
    }
    Ok(())
}

/// The cost of copying a value: its nodes plus its string bytes.
fn weight(value: &Value) -> u64 {
    match value {
        Value::String(s) => 1 + s.len() as u64,
        Value::Array(items) => 1 + items.iter().map(weight).sum::<u64>(),
        Value::Object(map) => {
            1 + map
                .iter()
                .map(|(k, v)| k.len() as u64 + weight(v))
                .sum::<u64>()
        }
        _ => 1,
    }
}

/// A key as `sigs.k8s.io/yaml` writes it into JSON; `None` for a list or mapping.
/// [`key_text`], moving a string instead of copying it.
fn into_key_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        other => key_text(&other),
    }
}

fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("null".into()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

type ScalarError = (String, Option<&'static str>);

/// A scalar as go-yaml v2 resolves it: its tag first, then quoted = text, then plain rules.
fn resolve_scalar(
    text: std::borrow::Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, ScalarError> {
    if let Some(tag) = tag {
        return resolve_tagged(&text, tag);
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.into_owned()));
    }
    resolve_plain(&text)
}

fn resolve_tagged(text: &str, tag: &Tag) -> Result<Value, ScalarError> {
    let Some(name) = tag.suffix_in_namespace("tag:yaml.org,2002:") else {
        if tag.original() == "!" || tag.parts() == ("!", "") {
            // The non-specific tag `!`: a string.
            return Ok(Value::String(text.to_string()));
        }
        return Err((
            format!("unsupported YAML tag `{}`", tag.original()),
            Some("Kubernetes does not read custom tags: remove it"),
        ));
    };
    let not_a = |what: &str| -> ScalarError { (format!("`!!{name} {text}` is not {what}"), None) };
    match name.as_ref() {
        "str" | "timestamp" => Ok(Value::String(text.to_string())),
        "binary" => Ok(Value::String(
            text.chars().filter(|c| !c.is_whitespace()).collect(),
        )),
        "int" => parse_int(&text.replace('_', ""))
            .map(Value::Number)
            .ok_or_else(|| not_a("an integer")),
        "float" => match resolve_plain(text)? {
            Value::Number(n) => Ok(Value::Number(n)),
            _ => Err(not_a("a number")),
        },
        "bool" => match resolve_plain(text)? {
            Value::Bool(b) => Ok(Value::Bool(b)),
            _ => Err(not_a("a boolean")),
        },
        "null" => Ok(Value::Null),
        other => Err((
            format!("unsupported YAML tag `!!{other}` on a scalar"),
            Some("remove the tag"),
        )),
    }
}

/// Plain scalars, exactly as go-yaml v2 (`resolve.go`) reads them.
fn resolve_plain(text: &str) -> Result<Value, ScalarError> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Ok(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Ok(Value::Bool(false));
        }
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => {
            return Err((
                format!("`{text}` (infinity or not-a-number) cannot be represented in JSON"),
                Some("quote it if it is meant as text"),
            ));
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Ok(Value::String(text.to_string()));
    }
    let plain = text.replace('_', "");
    if first != b'.'
        && let Some(number) = parse_int(&plain)
    {
        return Ok(Value::Number(number));
    }
    if is_yaml_float(&plain)
        && let Some(number) = plain.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Ok(Value::Number(number));
    }
    Ok(Value::String(text.to_string()))
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint`: optional sign, then
/// `0x`/`0o`/`0b` prefixes or a leading `0` for octal.
fn parse_int(text: &str) -> Option<Number> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let value = i64::try_from(-i128::from(magnitude)).ok()?;
        Some(Number::from(value))
    } else {
        Some(Number::from(magnitude))
    }
}

/// go-yaml v2's float syntax: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Value {
        match parse_documents(text, 1).pop() {
            Some(Parsed::Document(doc)) => doc.value,
            other => panic!("expected one document, got {other:?}"),
        }
    }

    fn error(text: &str) -> SyntaxError {
        match parse_documents(text, 1).pop() {
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
            one("a: !!str 0644\nb: !!int \"12\"\nc: !!binary aGVs\n  bG8=\nd: ! 12\n"),
            json!({"a": "0644", "b": 12, "c": "aGVsbG8=", "d": "12"})
        );
        assert!(error("a: !!int abc\n").message.contains("not an integer"));
        assert!(
            error("a: !Ref thing\n")
                .message
                .contains("unsupported YAML tag")
        );
    }

    #[test]
    fn duplicate_keys_are_errors_with_their_line() {
        let e = error("metadata:\n  name: a\n  name: b\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("duplicate key \"name\""), "{e:?}");
        // Also when one of them is null.
        assert!(error("a: ~\na: 1\n").message.contains("duplicate key"));
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
        assert!(error("a: 1\nb:\n  <<: 5\n").message.contains("merge"));
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
        let e = error(&text);
        assert!(e.message.contains("billion laughs"), "{e:?}");
    }

    #[test]
    fn empty_and_comment_only_documents_are_empty() {
        let docs = parse_documents("# only a comment\n---\n---\n~\n", 1);
        assert!(docs.iter().all(|d| matches!(d, Parsed::Empty)), "{docs:?}");
    }

    #[test]
    fn lines_are_offset_and_recorded() {
        let docs = parse_documents("---\nkind: Pod\nspec:\n  containers:\n    - name: a\n", 10);
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
        let docs = parse_documents("a: [1, 2\n---\nb: 1\n", 1);
        assert!(matches!(docs.first(), Some(Parsed::Error(_))), "{docs:?}");
        assert!(
            matches!(docs.last(), Some(Parsed::Document(d)) if d.value == json!({"b": 1})),
            "{docs:?}"
        );
        let e = error("a:\n\tb: 1\n");
        assert!(e.hint.is_some_and(|h| h.contains("tabs")));
    }

    #[test]
    fn infinities_and_complex_keys_are_errors() {
        assert!(error("a: .inf\n").message.contains("JSON"));
        assert!(error("? [a, b]\n: c\n").message.contains("mapping key"));
        assert_eq!(one("a: \".inf\"\n"), json!({"a": ".inf"}));
    }

    #[test]
    fn floats_follow_go_yaml_syntax() {
        for good in ["1.5", "-1.5", ".5", "1.", "1e3", "+1.5E-3"] {
            assert!(is_yaml_float(good), "{good}");
        }
        for bad in ["1.2.3", "e3", ".", "1e", "--1", "0x1p3"] {
            assert!(!is_yaml_float(bad), "{bad}");
        }
    }
}
