//! The `--set` family: values given on the command line, applied after all value files, in
//! the order given. The text of each flag is read as Helm reads it ([`super::strvals`]);
//! the edits are applied to the values merged so far by Helm's merge rules: a mapping value
//! (`--set-json m={"c":3}`) merges into the mapping there, `null` deletes the key (and stays
//! a `null` where nothing set the key), an index past the end of a list pads it with nulls,
//! and a value of another type replaces what was there.

use super::error::{Error, is_sensitive};
use super::path::{FieldPath, Segment};
use super::strvals::{self, Edit, Value};
use super::tree::{Entry, Node, NodeValue, Scalar};
use crate::source::{Location, SourceMap};
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
    /// `--set`: typed as Helm types it (`3` is an integer, `true` a boolean, `null` deletes;
    /// `1.5`, `0777` and `yes` are strings).
    Typed,
    /// `--set-string`: always a string.
    String,
    /// `--set-file`: the content of the named file, as a string.
    File,
    /// `--set-json`: a JSON value (or, Helm 4's form, a whole JSON object).
    Json,
    /// `--set-literal`: the rest of the flag after `=`, commas and backslashes included,
    /// as one string.
    Literal,
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
            SetKind::Literal => "--set-literal",
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

/// Applies a flag to the values tree. Files named by `--set-file` are read relative to `cwd`.
pub(crate) fn apply(
    tree: &mut Node,
    sources: &mut SourceMap,
    flag: &SetFlag,
    cwd: &Path,
) -> Result<(), Error> {
    let shown = redacted(flag);
    let id = sources.add(format!("{} {shown}", flag.kind.flag()), shown);
    let text = flag.text.as_str();
    let location = |offset: usize| Location {
        source: id,
        line: 1,
        column: u32::try_from(text[..offset.min(text.len())].chars().count() + 1)
            .unwrap_or(u32::MAX),
    };
    let edits = strvals::parse(flag.kind, text, location).map_err(|message| bad(flag, message))?;
    for edit in edits {
        match edit {
            Edit::Set(path, value) => {
                let value = resolve(value, flag, cwd, location(0))?;
                assign(tree, &path, value, flag)?;
            }
            Edit::List(path) => make_list(tree, &path, flag, location(0))?,
        }
    }
    Ok(())
}

/// A parsed value with its files read.
fn resolve(value: Value, flag: &SetFlag, cwd: &Path, location: Location) -> Result<Node, Error> {
    Ok(match value {
        Value::Node(node) => node,
        Value::File(name) => {
            if name.is_empty() {
                return Err(bad(flag, "no file named after `=`: write `path=FILE`"));
            }
            Node {
                value: NodeValue::Scalar(Scalar {
                    sensitive: true,
                    ..Scalar::string(read_file(flag, cwd, &name)?)
                }),
                location,
            }
        }
        Value::List(items) => Node {
            value: NodeValue::Seq(
                items
                    .into_iter()
                    .map(|item| resolve(item, flag, cwd, location))
                    .collect::<Result<_, _>>()?,
            ),
            location,
        },
    })
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

/// Sets `value` at `path`, creating mappings and lists on the way: a mapping merges into
/// the mapping there (a `null` inside deletes the key), `null` deletes a key that is set
/// (and is kept as a `null` where nothing set it, as Helm keeps it), an index past the end
/// pads the list with nulls, and a value of another type replaces what was there.
fn assign(tree: &mut Node, path: &FieldPath, value: Node, flag: &SetFlag) -> Result<(), Error> {
    let segments = path.segments();
    let Some((last, parents)) = segments.split_last() else {
        // Helm 4's whole-object `--set-json '{...}'`: merged into the values.
        merge_keeping_nulls(tree, value);
        return Ok(());
    };
    let mut node = tree;
    for (i, segment) in parents.iter().enumerate() {
        let next_is_index = matches!(segments[i + 1], Segment::Index(_));
        node = step(node, segment, next_is_index, value.location, flag)?;
    }
    match last {
        Segment::Key(key) => {
            let entries = map_mut(node, value.location, flag)?;
            let existing = entries.iter().position(|e| &e.key == key);
            match (existing, value.is_null()) {
                (Some(i), true) => {
                    entries.remove(i);
                }
                (Some(i), false) => {
                    let slot = &mut entries[i].value;
                    if matches!(
                        (&slot.value, &value.value),
                        (NodeValue::Map(_), NodeValue::Map(_))
                    ) {
                        merge_keeping_nulls(slot, value);
                    } else {
                        *slot = value;
                    }
                }
                (None, _) => entries.push(Entry {
                    key: key.clone(),
                    key_location: value.location,
                    value,
                }),
            }
        }
        Segment::Index(index) => {
            let location = value.location;
            let items = list_mut(node, location, flag)?;
            pad(items, *index, location);
            items[*index] = value;
        }
    }
    Ok(())
}

/// `list[i]` with nothing after it: the path becomes a list (an empty one if it was not).
fn make_list(
    tree: &mut Node,
    path: &FieldPath,
    flag: &SetFlag,
    location: Location,
) -> Result<(), Error> {
    let segments = path.segments();
    let mut node = tree;
    for (i, segment) in segments.iter().enumerate() {
        let next_is_index = segments
            .get(i + 1)
            .is_some_and(|s| matches!(s, Segment::Index(_)));
        node = step(
            node,
            segment,
            next_is_index || i + 1 == segments.len(),
            location,
            flag,
        )?;
    }
    list_mut(node, location, flag)?;
    Ok(())
}

/// Merges a flag's mapping over `base` as Helm merges user values: mappings merge key by
/// key, other values replace, and a `null` deletes the key it lands on or, where there is
/// none, stays a `null`.
fn merge_keeping_nulls(base: &mut Node, overlay: Node) {
    match (&mut base.value, overlay.value) {
        (NodeValue::Map(entries), NodeValue::Map(overlay_entries)) => {
            for entry in overlay_entries {
                match entries.iter().position(|e| e.key == entry.key) {
                    Some(i) if entry.value.is_null() => {
                        entries.remove(i);
                    }
                    Some(i) => merge_keeping_nulls(&mut entries[i].value, entry.value),
                    None => entries.push(entry),
                }
            }
        }
        (_, value) => {
            base.value = value;
            base.location = overlay.location;
        }
    }
}

/// Pads `items` with nulls so that `index` is in it.
fn pad(items: &mut Vec<Node>, index: usize, location: Location) {
    while items.len() <= index {
        items.push(Node {
            value: NodeValue::Scalar(Scalar {
                kind: crate::yaml::ScalarKind::Null,
                text: "null".into(),
                sensitive: false,
            }),
            location,
        });
    }
}

fn step<'n>(
    node: &'n mut Node,
    segment: &Segment,
    next_is_index: bool,
    location: Location,
    flag: &SetFlag,
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
            let entries = map_mut(node, location, flag)?;
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
            pad(items, *index, location);
            let item = &mut items[*index];
            if item.is_null() {
                *item = fresh(location);
            }
            Ok(item)
        }
    }
}

/// The entries of `node`, which becomes a mapping if it is not one.
fn map_mut<'n>(
    node: &'n mut Node,
    location: Location,
    flag: &SetFlag,
) -> Result<&'n mut Vec<Entry>, Error> {
    if !matches!(node.value, NodeValue::Map(_)) {
        *node = Node::empty_map(location);
    }
    match &mut node.value {
        NodeValue::Map(entries) => Ok(entries),
        _ => Err(bad(flag, "internal: expected a mapping")),
    }
}

/// The items of `node`, which becomes a list if it is not one.
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
        // `null` on a key nothing set stays a null, as in Helm.
        assert_eq!(
            out,
            json!({"a": {"b": 1, "c": 3}, "d": true, "e": "2.0.0", "f": null})
        );
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
            r#"--set "replicas": the last key has no value: write `path=VALUE` (at column 8)"#
        );
        for text in ["a..b=1", ".a=1", "=1", "a.=1", "a."] {
            let dots = run("", &[(SetKind::Typed, text)]).unwrap_err();
            assert!(dots.contains("empty key"), "{text}: {dots}");
        }
        let comma = run("", &[(SetKind::Typed, "name1,name2=v")]).unwrap_err();
        assert!(comma.contains("a `,` follows it"), "{comma}");
        let negative = run("", &[(SetKind::Typed, "l[-1]=1")]).unwrap_err();
        assert!(negative.contains("not negative"), "{negative}");
        let huge = run("", &[(SetKind::Typed, "l[65537]=1")]).unwrap_err();
        assert!(huge.contains("65536 at most"), "{huge}");
        let open = run("", &[(SetKind::Typed, "l={a,b")]).unwrap_err();
        assert!(open.contains("no closing `}`"), "{open}");
        let empty_file = run("", &[(SetKind::File, "a=")]).unwrap_err();
        assert!(empty_file.contains("no file named"), "{empty_file}");
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
