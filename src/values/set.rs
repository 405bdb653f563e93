//! The `--set` family: values given on the command line, applied after all value files.
//!
//! Syntax (Helm's): `a.b=c` sets a nested key, several pairs are separated by commas,
//! `\,` and `\.` escape a comma and a dot, `list[0].name=x` sets inside a list (an index one
//! past the end appends), `{a,b}` is a list of values, and `null` deletes the key.

use super::error::{Error, is_sensitive};
use super::load::parse_plain_scalar;
use super::path::{FieldPath, Segment};
use super::tree::{Entry, Node, NodeValue, Scalar};
use crate::source::{Location, SourceId, SourceMap};
use std::path::Path;

/// How the value of a `--set` pair is read.
///
/// ```
/// use tack::values::{SetFlag, SetKind, ValuesLoader};
/// let mut values = ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist}\n")?;
/// values.apply_set(&SetFlag::new(SetKind::String, "image.tag=010"), ".".as_ref())?;
/// values.apply_set(&SetFlag::new(SetKind::Json, r#"podLabels={"team":"ml"}"#), ".".as_ref())?;
/// let app = values.finish(None)?.app;
/// assert_eq!(app.image.tag.as_deref(), Some("010")); // a string, not the number 10
/// assert_eq!(app.pod_labels["team"], "ml");
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: typed like YAML (`3` is an integer, `true` a boolean, `null` deletes).
    Typed,
    /// `--set-string`: always a string.
    String,
    /// `--set-file`: the content of the named file, as a string.
    File,
    /// `--set-json`: a JSON value.
    Json,
}

impl SetKind {
    /// The flag as typed on the command line.
    ///
    /// ```
    /// use tack::values::SetKind;
    /// assert_eq!(SetKind::Typed.flag(), "--set");
    /// assert_eq!(SetKind::File.flag(), "--set-file");
    /// ```
    pub fn flag(&self) -> &'static str {
        match self {
            SetKind::Typed => "--set",
            SetKind::String => "--set-string",
            SetKind::File => "--set-file",
            SetKind::Json => "--set-json",
        }
    }
}

/// One `--set`-family flag as given on the command line.
///
/// ```
/// use tack::values::{SetFlag, SetKind};
/// let flag = SetFlag::new(SetKind::Typed, "strategy.canary.weight=10,image.tag=2.0.0");
/// assert_eq!(flag.kind.flag(), "--set");
/// assert!(flag.text.contains("weight=10"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFlag {
    /// Which flag.
    pub kind: SetKind,
    /// What followed it, e.g. `strategy.canary.weight=10,image.tag=2.0.0`.
    pub text: String,
}

impl SetFlag {
    /// A flag of the given kind.
    ///
    /// ```
    /// use tack::values::{SetFlag, SetKind};
    /// let flag = SetFlag::new(SetKind::String, "image.tag=010");
    /// assert_eq!((flag.kind, flag.text.as_str()), (SetKind::String, "image.tag=010"));
    /// ```
    pub fn new(kind: SetKind, text: impl Into<String>) -> Self {
        SetFlag {
            kind,
            text: text.into(),
        }
    }
}

/// One `path=value` pair, parsed.
struct Assignment {
    path: FieldPath,
    value: Node,
}

/// Applies a flag to the values tree. Files named by `--set-file` are read relative to `cwd`.
pub(crate) fn apply(
    tree: &mut Node,
    sources: &mut SourceMap,
    flag: &SetFlag,
    cwd: &Path,
) -> Result<(), Error> {
    let shown = redacted(flag);
    let id = sources.add(format!("{} {shown}", flag.kind.flag()), shown);
    let assignments = parse(flag, id, cwd)?;
    for assignment in assignments {
        assign(tree, &assignment.path, assignment.value, flag)?;
    }
    Ok(())
}

fn bad(flag: &SetFlag, message: impl Into<String>) -> Error {
    Error::BadFlag {
        flag: flag.kind.flag(),
        text: crate::diagnostic::shorten(&redacted(flag), 100).into_owned(),
        message: message.into(),
    }
}

/// The flag's text with the value of every secret key (under `secrets` or `tlsSecrets`)
/// replaced by `*`. A secret's value runs to the next comma that starts another `key=`
/// assignment outside braces (or to the end of the flag; with `--set-json`, always to the
/// end), so commas, `{a,b}` lists and escapes inside it are masked too. The masked text has
/// the same length, so positions in it stay true.
pub(crate) fn redacted(flag: &SetFlag) -> String {
    let text = &flag.text;
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let (segment, after) = match split_unescaped(rest, &[',']) {
            Some((segment, after)) => (segment, &after[1..]),
            None => (rest, ""),
        };
        let key = segment.split('=').next().unwrap_or_default();
        let root = key.split(['.', '[']).next().unwrap_or_default();
        let secret = is_sensitive(&FieldPath::root().key(root));
        match segment.find('=') {
            Some(equals) if secret => {
                let value_start = equals + 1;
                let end = if flag.kind == SetKind::Json {
                    rest.len()
                } else {
                    secret_value_end(rest, value_start)
                };
                out.push_str(&rest[..value_start]);
                out.extend(std::iter::repeat_n(
                    '*',
                    rest[value_start..end].chars().count(),
                ));
                rest = &rest[end..];
                if let Some(next) = rest.strip_prefix(',') {
                    out.push(',');
                    rest = next;
                }
            }
            None if secret => {
                // A secret's key without `=`: the rest of it, and what follows up to the
                // next assignment, may be its value with a mistyped `=` (`value:s3cret`,
                // `value,s3cret`).
                let keep = segment
                    .char_indices()
                    .find(|(_, c)| !is_key_char(*c))
                    .map_or(segment.len(), |(i, _)| i);
                let end = secret_value_end(rest, segment.len());
                out.push_str(&segment[..keep]);
                out.extend(std::iter::repeat_n('*', rest[keep..end].chars().count()));
                rest = &rest[end..];
                if let Some(next) = rest.strip_prefix(',') {
                    out.push(',');
                    rest = next;
                }
            }
            _ => {
                out.push_str(segment);
                if after.is_empty() && segment.len() == rest.len() {
                    break;
                }
                out.push(',');
                rest = after;
            }
        }
    }
    out
}

/// Where the value that starts at `start` of `text` ends: at the first unescaped comma
/// outside braces that is followed by `path=`, or at the end.
fn secret_value_end(text: &str, start: usize) -> usize {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        let at = start + i;
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 && starts_assignment(&text[at + 1..]) => return at,
            _ => {}
        }
    }
    text.len()
}

/// True for the characters of a `--set` path: key characters, dots, indexes, escapes.
fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '\\' | '/')
}

/// True when `text` starts with `path=` (a key, dots, indexes, escapes, then `=`).
fn starts_assignment(text: &str) -> bool {
    let key: String = text.chars().take_while(|c| is_key_char(*c)).collect();
    !key.is_empty() && text[key.len()..].starts_with('=')
}

/// Splits the flag's text into assignments.
fn parse(flag: &SetFlag, id: SourceId, cwd: &Path) -> Result<Vec<Assignment>, Error> {
    let text = flag.text.as_str();
    let mut assignments = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let offset = text.len() - rest.len();
        let (key, after_key) = split_unescaped(rest, &['='])
            .ok_or_else(|| bad(flag, "expected `path=value`, found no `=`"))?;
        let path = parse_path(flag, key)?;
        let after_eq = &after_key[1..];
        let value_offset = offset + key.len() + 1;
        let location = Location {
            source: id,
            line: 1,
            column: (text[..value_offset].chars().count() + 1) as u32,
        };
        let (value, remaining) = match flag.kind {
            SetKind::Json => {
                let mut stream =
                    serde_json::Deserializer::from_str(after_eq).into_iter::<serde_json::Value>();
                let json = match stream.next() {
                    Some(Ok(json)) => json,
                    Some(Err(err)) => {
                        return Err(bad(flag, format!("invalid JSON after `{key}=`: {err}")));
                    }
                    None => return Err(bad(flag, format!("no JSON value after `{key}=`"))),
                };
                let consumed = stream.byte_offset();
                (Node::from_json(&json, location), &after_eq[consumed..])
            }
            _ => {
                let (raw, remaining) = match after_eq.strip_prefix('{') {
                    Some(list) if flag.kind == SetKind::Typed => {
                        let end = list.find('}').ok_or_else(|| {
                            bad(flag, format!("the list after `{key}=` has no closing `}}`"))
                        })?;
                        let items = &list[..end];
                        let nodes = split_all_unescaped(items, ',')
                            .into_iter()
                            .filter(|item| !item.is_empty())
                            .map(|item| Node {
                                value: NodeValue::Scalar(parse_plain_scalar(&unescape(item))),
                                location,
                            })
                            .collect();
                        let node = Node {
                            value: NodeValue::Seq(nodes),
                            location,
                        };
                        assignments.push(Assignment { path, value: node });
                        rest = list[end + 1..]
                            .strip_prefix(',')
                            .unwrap_or(&list[end + 1..]);
                        continue;
                    }
                    _ => match split_unescaped(after_eq, &[',']) {
                        Some((raw, remaining)) => (raw, remaining),
                        None => (after_eq, ""),
                    },
                };
                let raw = unescape(raw);
                let scalar = match flag.kind {
                    SetKind::Typed => parse_plain_scalar(&raw),
                    // `--set-json` values were read above; only strings get here.
                    SetKind::String | SetKind::Json => Scalar::string(raw),
                    SetKind::File => Scalar {
                        sensitive: true,
                        ..Scalar::string(read_file(flag, cwd, &raw)?)
                    },
                };
                (
                    Node {
                        value: NodeValue::Scalar(scalar),
                        location,
                    },
                    remaining,
                )
            }
        };
        assignments.push(Assignment { path, value });
        rest = match remaining.strip_prefix(',') {
            Some(next) => next,
            None if remaining.is_empty() => "",
            None => {
                return Err(bad(
                    flag,
                    format!("unexpected text after the value of `{key}`: separate pairs with `,`"),
                ));
            }
        };
    }
    if assignments.is_empty() {
        return Err(bad(flag, "expected `path=value`, found nothing"));
    }
    Ok(assignments)
}

fn read_file(flag: &SetFlag, cwd: &Path, name: &str) -> Result<String, Error> {
    let path = cwd.join(name);
    let bytes =
        crate::input::read_limited(&path, super::MAX_VALUES_FILE_BYTES).map_err(|source| {
            Error::FlagFile {
                flag: flag.kind.flag(),
                source,
            }
        })?;
    String::from_utf8(bytes).map_err(|_| bad(flag, format!("{name} is not UTF-8 text")))
}

/// Splits at the first unescaped character of `stops`; the second part starts with it.
fn split_unescaped<'t>(text: &'t str, stops: &[char]) -> Option<(&'t str, &'t str)> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if stops.contains(&c) {
            return Some((&text[..i], &text[i..]));
        }
    }
    None
}

fn split_all_unescaped(text: &str, stop: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some((part, after)) = split_unescaped(rest, &[stop]) {
        parts.push(part);
        rest = &after[stop.len_utf8()..];
    }
    parts.push(rest);
    parts
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ (',' | '.' | '=' | '\\' | '[' | '{'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The deepest `--set` path, as Helm's: `a.b.c...` with more levels is refused.
const MAX_PATH_DEPTH: usize = 30;

/// Parses `a.b[0].c` (with `\.` for a literal dot) into a path.
fn parse_path(flag: &SetFlag, key: &str) -> Result<FieldPath, Error> {
    let levels = split_unescaped_count(key);
    if levels > MAX_PATH_DEPTH {
        return Err(bad(
            flag,
            format!(
                "the path has {levels} levels; a `--set` path may have {MAX_PATH_DEPTH} at most"
            ),
        ));
    }
    let key = &*crate::diagnostic::shorten(key, 200);
    let mut path = FieldPath::root();
    let mut current = String::new();
    let mut chars = key.chars().peekable();
    let mut after_index = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => current.push(escaped),
                None => current.push('\\'),
            },
            '.' => {
                if current.is_empty() && !after_index {
                    return Err(bad(
                        flag,
                        format!("empty key in `{key}`: two dots in a row, or a dot at the start"),
                    ));
                }
                if !current.is_empty() {
                    path = path.key(std::mem::take(&mut current));
                }
                after_index = false;
            }
            '[' => {
                if !current.is_empty() {
                    path = path.key(std::mem::take(&mut current));
                } else if path.is_root() {
                    return Err(bad(
                        flag,
                        format!("`{key}` starts with an index: name the list first"),
                    ));
                }
                let digits: String = chars.by_ref().take_while(|c| *c != ']').collect();
                let index = digits.trim().parse::<usize>().map_err(|_| {
                    bad(flag, format!("`[{digits}]` in `{key}` is not a list index (expected `[0]`, `[1]`, ...)"))
                })?;
                path = path.index(index);
                after_index = true;
            }
            _ => {
                if after_index {
                    return Err(bad(
                        flag,
                        format!("expected `.` or `[` after the index in `{key}`"),
                    ));
                }
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        path = path.key(current);
    } else if !after_index {
        return Err(bad(flag, format!("empty key in `{key}`")));
    }
    Ok(path)
}

/// The levels of a path: unescaped dots and list indexes, plus one.
fn split_unescaped_count(key: &str) -> usize {
    let mut levels = 1;
    let mut escaped = false;
    for c in key.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '.' | '[' => levels += 1,
            _ => {}
        }
    }
    levels
}

/// Sets `value` at `path`, creating mappings on the way; `null` deletes the key.
fn assign(tree: &mut Node, path: &FieldPath, value: Node, flag: &SetFlag) -> Result<(), Error> {
    let segments = path.segments();
    let Some((last, parents)) = segments.split_last() else {
        return Err(bad(flag, "empty path"));
    };
    let mut node = tree;
    for (i, segment) in parents.iter().enumerate() {
        let next_is_index = matches!(segments[i + 1], Segment::Index(_));
        node = step(node, segment, next_is_index, value.location, flag, path)?;
    }
    match last {
        Segment::Key(key) => {
            if !matches!(node.value, NodeValue::Map(_)) {
                *node = Node::empty_map(value.location);
            }
            let NodeValue::Map(entries) = &mut node.value else {
                return Err(bad(flag, "internal: expected a mapping"));
            };
            let existing = entries.iter().position(|e| &e.key == key);
            match (existing, value.is_null()) {
                (Some(i), true) => {
                    entries.remove(i);
                }
                (None, true) => {}
                (Some(i), false) => {
                    entries[i].value = value;
                }
                (None, false) => entries.push(Entry {
                    key: key.clone(),
                    key_location: value.location,
                    value,
                }),
            }
        }
        Segment::Index(index) => {
            let items = list_mut(node, value.location, flag)?;
            match index.cmp(&items.len()) {
                std::cmp::Ordering::Less => items[*index] = value,
                std::cmp::Ordering::Equal => items.push(value),
                std::cmp::Ordering::Greater => {
                    return Err(out_of_range(flag, path, *index, items.len()));
                }
            }
        }
    }
    Ok(())
}

fn step<'n>(
    node: &'n mut Node,
    segment: &Segment,
    next_is_index: bool,
    location: Location,
    flag: &SetFlag,
    path: &FieldPath,
) -> Result<&'n mut Node, Error> {
    let fresh = |location| {
        if next_is_index {
            Node {
                value: NodeValue::Seq(Vec::new()),
                location,
            }
        } else {
            Node::empty_map(location)
        }
    };
    match segment {
        Segment::Key(key) => {
            if !matches!(node.value, NodeValue::Map(_)) {
                *node = Node::empty_map(location);
            }
            let NodeValue::Map(entries) = &mut node.value else {
                return Err(bad(flag, "internal: expected a mapping"));
            };
            let i = match entries.iter().position(|e| &e.key == key) {
                Some(i) => i,
                None => {
                    entries.push(Entry {
                        key: key.clone(),
                        key_location: location,
                        value: fresh(location),
                    });
                    entries.len() - 1
                }
            };
            Ok(&mut entries[i].value)
        }
        Segment::Index(index) => {
            let items = list_mut(node, location, flag)?;
            if *index == items.len() {
                items.push(fresh(location));
            }
            let len = items.len();
            items
                .get_mut(*index)
                .ok_or_else(|| out_of_range(flag, path, *index, len))
        }
    }
}

fn list_mut<'n>(
    node: &'n mut Node,
    location: Location,
    flag: &SetFlag,
) -> Result<&'n mut Vec<Node>, Error> {
    if !matches!(node.value, NodeValue::Seq(_)) {
        *node = Node {
            value: NodeValue::Seq(Vec::new()),
            location,
        };
    }
    match &mut node.value {
        NodeValue::Seq(items) => Ok(items),
        _ => Err(bad(flag, "internal: expected a list")),
    }
}

fn out_of_range(flag: &SetFlag, path: &FieldPath, index: usize, len: usize) -> Error {
    bad(
        flag,
        format!(
            "index {index} in `{path}` is out of range: the list has {len} item{} (use [{len}] to append)",
            if len == 1 { "" } else { "s" }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::parse_yaml;
    use serde_json::json;

    fn run(base: &str, flags: &[(SetKind, &str)]) -> Result<serde_json::Value, String> {
        let mut sources = SourceMap::new();
        let mut tree = parse_yaml(&mut sources, "values.yaml", base).map_err(|p| p.message)?;
        for (kind, text) in flags {
            apply(
                &mut tree,
                &mut sources,
                &SetFlag::new(*kind, *text),
                Path::new("."),
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(tree.to_json())
    }

    #[test]
    fn typed_values_nested_keys_and_several_pairs() {
        let out = run(
            "a: {b: 1}\n",
            &[(SetKind::Typed, "a.c=3,d=true,e=2.0.0,f=null")],
        )
        .unwrap();
        assert_eq!(out, json!({"a": {"b": 1, "c": 3}, "d": true, "e": "2.0.0"}));
    }

    #[test]
    fn null_deletes_and_set_string_keeps_text() {
        let out = run(
            "a: {b: 1, c: 2}\n",
            &[(SetKind::Typed, "a.b=null"), (SetKind::String, "a.c=007")],
        )
        .unwrap();
        assert_eq!(out, json!({"a": {"c": "007"}}));
    }

    #[test]
    fn escaped_dots_and_commas() {
        let out = run(
            "",
            &[(
                SetKind::Typed,
                r"podAnnotations.prometheus\.io/scrape=true,msg=a\,b",
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"podAnnotations": {"prometheus.io/scrape": true}, "msg": "a,b"})
        );
    }

    #[test]
    fn list_indexes_and_list_literals() {
        let out = run(
            "versions: [{name: v1}]\n",
            &[(
                SetKind::Typed,
                "versions[0].tag=1.9.1,versions[1].name=v2,args={--port,5000}",
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"versions": [{"name": "v1", "tag": "1.9.1"}, {"name": "v2"}], "args": ["--port", 5000]})
        );
    }

    #[test]
    fn json_values() {
        let out = run("", &[(SetKind::Json, r#"a={"k":1,"l":[1,2]},b=[true]"#)]).unwrap();
        assert_eq!(out, json!({"a": {"k": 1, "l": [1, 2]}, "b": [true]}));
    }

    #[test]
    fn malformed_flags_are_errors() {
        let no_eq = run("", &[(SetKind::Typed, "replicas")]).unwrap_err();
        assert_eq!(
            no_eq,
            r#"--set "replicas": expected `path=value`, found no `=`"#
        );
        let dots = run("", &[(SetKind::Typed, "a..b=1")]).unwrap_err();
        assert!(dots.contains("empty key in `a..b`"), "{dots}");
        let range = run("l: [1]\n", &[(SetKind::Typed, "l[5]=1")]).unwrap_err();
        assert!(
            range.contains(
                "index 5 in `l[5]` is out of range: the list has 1 item (use [1] to append)"
            ),
            "{range}"
        );
        let missing = run("", &[(SetKind::File, "a=/does/not/exist")]).unwrap_err();
        assert!(
            missing.starts_with("--set-file: cannot read /does/not/exist"),
            "{missing}"
        );
    }

    #[test]
    fn secrets_are_masked_in_flag_text() {
        let flag = SetFlag::new(
            SetKind::Typed,
            "replicas=3,secrets.apiKey.value=hunter2,x=1",
        );
        assert_eq!(
            redacted(&flag),
            "replicas=3,secrets.apiKey.value=*******,x=1"
        );
        let json = SetFlag::new(SetKind::Json, r#"tlsSecrets={"a":{"cert":"PEM,x"}}"#);
        assert!(!redacted(&json).contains("PEM"));
        for text in [
            "secrets.apiKey.value=p4ss,SECRET",
            "secrets.apiKey.value={p4ss,SECRET}",
            "secrets.apiKey.value=p4ss\\,SECRET",
            "a=1,secrets.k.value=x\\=SECRET",
            // A mistyped `=`: what follows the secret's key may be its value.
            "secrets.key.val,SECRET",
            "secrets.key.value:SECRET,p4ss",
        ] {
            let shown = redacted(&SetFlag::new(SetKind::Typed, text));
            assert!(
                !shown.contains("SECRET") && !shown.contains("p4ss"),
                "{shown}"
            );
            assert_eq!(shown.chars().count(), text.chars().count());
            let err = run("", &[(SetKind::Typed, text)]).err().unwrap_or_default();
            assert!(!err.contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn secrets_are_masked_in_positions_too() {
        let mut sources = SourceMap::new();
        let mut tree = parse_yaml(&mut sources, "values.yaml", "").unwrap();
        let flag = SetFlag::new(SetKind::Typed, "secrets.apiKey.value=hunter2,replicas=x");
        apply(&mut tree, &mut sources, &flag, Path::new(".")).unwrap();
        let at = tree.locate(&FieldPath::parse("replicas"), false);
        assert!(!sources.describe(at).contains("hunter2"));
        assert_eq!(
            sources.line_text(at.source, 1),
            Some("secrets.apiKey.value=*******,replicas=x")
        );
    }

    #[test]
    fn set_values_point_at_the_flag() {
        let mut sources = SourceMap::new();
        let mut tree = parse_yaml(&mut sources, "values.yaml", "").unwrap();
        let flag = SetFlag::new(SetKind::Typed, "replicas=3,strategy.canary.weight=150");
        apply(&mut tree, &mut sources, &flag, Path::new(".")).unwrap();
        let at = tree.locate(&FieldPath::parse("strategy.canary.weight"), false);
        assert_eq!(
            sources.describe(at),
            "--set replicas=3,strategy.canary.weight=150:1:35"
        );
    }
}
