//! Reading YAML text into a [`Node`] tree, with positions, through `serde-saphyr`.
//!
//! serde-saphyr has no spanned value type, so the text is read into a private recursive type
//! whose children are `Spanned`; the byte span of each scalar gives back its spelling.

use super::error::Problem;
use super::path::FieldPath;
use super::tree::{Entry, Node, NodeValue, Scalar, ScalarKind};
use crate::source::{Location, SourceId, SourceMap};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Value files larger than this are refused before they are read: real ones are a few KB, and
/// the typed tree of a file costs several times its size in memory.
pub const MAX_VALUES_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Parses one YAML document of values, registering the text in `sources` under `name`.
///
/// An empty or comment-only document is an empty mapping. Anything but a mapping at the top
/// is an error, as are duplicate keys, tabs used for indentation and alias bombs.
///
/// ```
/// use tack::source::SourceMap;
/// let mut sources = SourceMap::new();
/// let node = tack::values::parse_yaml(&mut sources, "values.yaml", "replicas: 3\n").unwrap();
/// assert_eq!(node.to_json(), serde_json::json!({"replicas": 3}));
/// ```
pub fn parse_yaml(sources: &mut SourceMap, name: &str, text: &str) -> Result<Node, Problem> {
    let id = sources.add(name, text);
    parse_registered(id, text)
}

/// Parses text that is already in a source map.
pub(crate) fn parse_registered(id: SourceId, text: &str) -> Result<Node, Problem> {
    let options = serde_saphyr::options! {
        legacy_octal_numbers: true,
        with_snippet: false,
    };
    let at_start = Location {
        source: id,
        line: 1,
        column: 1,
    };
    let raw: Option<Spanned<RawNode>> = serde_saphyr::from_str_with_options(text, options)
        .map_err(|err| syntax_problem(id, &err))?;
    let Some(raw) = raw else {
        return Ok(Node::empty_map(at_start));
    };
    let node = convert(id, text, raw);
    match &node.value {
        NodeValue::Map(_) => Ok(node),
        _ if node.is_null() => Ok(Node::empty_map(at_start)),
        _ => Err(Problem::new(
            node.location,
            FieldPath::root(),
            format!(
                "values must be a mapping of keys to values, found {}",
                node.describe()
            ),
        )
        .with_help("start the file with keys such as `name: mnist` or `replicas: 3`")),
    }
}

/// Parses one scalar the way YAML types a plain scalar (for `--set a.b=VALUE`).
pub(crate) fn parse_plain_scalar(text: &str) -> Scalar {
    let options = serde_saphyr::options! {
        legacy_octal_numbers: true,
        with_snippet: false,
    };
    let kind = match serde_saphyr::from_str_with_options::<RawNode>(text, options) {
        Ok(RawNode::Scalar(kind)) if !text.trim().is_empty() && !is_quoted(text) => kind,
        _ => ScalarKind::Str,
    };
    Scalar {
        kind,
        text: text.to_string(),
    }
}

fn is_quoted(text: &str) -> bool {
    text.starts_with('"') || text.starts_with('\'')
}

/// A serde-saphyr error's message without the "at line L, column C" serde-saphyr appends
/// (positions are reported separately).
pub(crate) fn yaml_error_message(err: &serde_saphyr::Error) -> String {
    let plain = err.without_snippet().to_string();
    plain
        .split(" at line ")
        .next()
        .unwrap_or(&plain)
        .trim()
        .to_string()
}

/// Turns a serde-saphyr error into a problem at its position, in words a user can act on.
fn syntax_problem(id: SourceId, err: &serde_saphyr::Error) -> Problem {
    let location = err
        .location()
        .map(|l| Location {
            source: id,
            line: l.line().try_into().unwrap_or(u32::MAX),
            column: l.column().try_into().unwrap_or(u32::MAX),
        })
        .unwrap_or(Location {
            source: id,
            line: 0,
            column: 0,
        });
    let message = yaml_error_message(err);
    let (message, help) = if let serde_saphyr::Error::DuplicateMappingKey { key, .. } =
        err.without_snippet()
    {
        (
            format!(
                "duplicate key `{}` in one mapping",
                key.as_deref().unwrap_or("?")
            ),
            Some("keep one of them: Kubernetes tools would silently use only the last".to_string()),
        )
    } else if message.contains("budget breached") {
        (
            "the YAML expands to too many nodes through aliases (more than 250,000)".to_string(),
            Some(
                "aliases (`*name`) that repeat large anchors multiply the document; \
                 this looks like an alias bomb"
                    .to_string(),
            ),
        )
    } else if message.contains("tabs disallowed") {
        (
            "a tab is used for indentation".to_string(),
            Some("YAML indents with spaces only; replace the tab with spaces".to_string()),
        )
    } else {
        (format!("invalid YAML: {message}"), None)
    };
    let problem = Problem::new(location, FieldPath::root(), message);
    match help {
        Some(help) => problem.with_help(help),
        None => problem,
    }
}

/// The parse tree as serde-saphyr hands it over: scalars typed, children spanned.
enum RawNode {
    Scalar(ScalarKind),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<String>, Spanned<RawNode>)>),
}

impl<'de> serde::Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(ScalarKind::Null))
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(ScalarKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(ScalarKind::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(ScalarKind::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(match i64::try_from(v) {
            Ok(i) => ScalarKind::Int(i),
            Err(_) => ScalarKind::UInt(v),
        }))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(match i64::try_from(v) {
            Ok(i) => ScalarKind::Int(i),
            Err(_) => ScalarKind::Float(v as f64),
        }))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(match u64::try_from(v) {
            Ok(u) => ScalarKind::UInt(u),
            Err(_) => ScalarKind::Float(v as f64),
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(ScalarKind::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}

fn location_of(id: SourceId, location: &serde_saphyr::Location) -> Location {
    Location {
        source: id,
        line: location.line().try_into().unwrap_or(u32::MAX),
        column: location.column().try_into().unwrap_or(u32::MAX),
    }
}

/// The source text a spanned node covers, when serde-saphyr knows its byte range.
fn spelling<'t>(text: &'t str, location: &serde_saphyr::Location) -> Option<&'t str> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start.checked_add(len)?)
}

fn convert(id: SourceId, text: &str, raw: Spanned<RawNode>) -> Node {
    let location = location_of(id, &raw.referenced);
    let value = match raw.value {
        RawNode::Str(s) => NodeValue::Scalar(Scalar::string(s)),
        RawNode::Scalar(kind) => {
            let spelled = spelling(text, &raw.defined)
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let text = match (kind, spelled) {
                (ScalarKind::Null, None) => String::new(),
                (_, Some(s)) => s.to_string(),
                (kind, None) => canonical_text(kind),
            };
            NodeValue::Scalar(Scalar { kind, text })
        }
        RawNode::Seq(items) => {
            NodeValue::Seq(items.into_iter().map(|i| convert(id, text, i)).collect())
        }
        RawNode::Map(entries) => NodeValue::Map(
            entries
                .into_iter()
                .map(|(key, value)| Entry {
                    key_location: location_of(id, &key.referenced),
                    key: key.value,
                    value: convert(id, text, value),
                })
                .collect(),
        ),
    };
    Node { value, location }
}

fn canonical_text(kind: ScalarKind) -> String {
    match kind {
        ScalarKind::Null => String::new(),
        ScalarKind::Bool(b) => b.to_string(),
        ScalarKind::Int(i) => i.to_string(),
        ScalarKind::UInt(u) => u.to_string(),
        ScalarKind::Float(f) => f.to_string(),
        ScalarKind::Str => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, Problem> {
        parse_yaml(&mut SourceMap::new(), "v.yaml", text)
    }

    #[test]
    fn empty_and_comment_only_files_are_empty_mappings() {
        for text in ["", "# only a comment\n", "---\n", "~\n"] {
            assert_eq!(
                parse(text).unwrap().to_json(),
                serde_json::json!({}),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_list_at_the_top_is_an_error() {
        let problem = parse("- a\n- b\n").unwrap_err();
        assert!(
            problem.message.contains("found a list"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn syntax_errors_have_positions_and_plain_words() {
        let dup = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!((dup.location.line, dup.location.column), (2, 1));
        assert_eq!(dup.message, "duplicate key `a` in one mapping");
        let tab = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(tab.message, "a tab is used for indentation");
        let bracket = parse("a: [1\n").unwrap_err();
        assert!(
            bracket
                .message
                .starts_with("invalid YAML: unclosed bracket")
        );
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let node = parse("\u{feff}replicas: 2\n").unwrap();
        assert_eq!(node.to_json(), serde_json::json!({"replicas": 2}));
    }

    #[test]
    fn plain_scalars_are_typed_like_yaml() {
        assert_eq!(parse_plain_scalar("3").kind, ScalarKind::Int(3));
        assert_eq!(parse_plain_scalar("true").kind, ScalarKind::Bool(true));
        assert_eq!(parse_plain_scalar("null").kind, ScalarKind::Null);
        assert_eq!(parse_plain_scalar("1.5").kind, ScalarKind::Float(1.5));
        assert_eq!(parse_plain_scalar("abc").kind, ScalarKind::Str);
        assert_eq!(parse_plain_scalar("a: b").kind, ScalarKind::Str);
        assert_eq!(parse_plain_scalar("").kind, ScalarKind::Str);
        assert_eq!(parse_plain_scalar("2.0.0").text, "2.0.0");
    }
}
