//! Deserializing the merged values tree into the typed model, reporting every mistake.
//!
//! serde stops at the first error. To report all of them, a failed pass records the error,
//! "poisons" the offending spot (skips an unknown key, replaces a bad value or a missing field
//! with a neutral default) and tries again, until the model deserializes. Errors inside a
//! poisoned spot are consequences of one already reported and are not repeated.
//!
//! Scalars are typed by the Rust field they land in, as serde-saphyr does: a field typed
//! `String` takes any scalar's spelling (`tag: 1.10` is `"1.10"`), numeric fields take only
//! numbers, and quoted numbers are strings.

use super::error::{is_sensitive, problem};
use super::path::FieldPath;
use super::tree::{Entry, Node, NodeValue, ScalarKind};
use crate::diagnostic::{Diagnostic, closest};
use crate::source::Location;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};
use std::collections::HashSet;
use std::fmt;

/// The most passes made before giving up on finding further errors.
const MAX_PASSES: usize = 64;

/// The outcome of [`from_tree`]: a value (with neutral defaults where the input was wrong),
/// the problems found, and the fields whose values were replaced.
pub(crate) struct Typed<T> {
    /// The value (`None` if even stand-ins could not make one); trustworthy only when
    /// `problems` is empty.
    pub value: Option<T>,
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
    /// Fields whose values are stand-ins for wrong input.
    pub replaced: Vec<FieldPath>,
}

/// Deserializes `root` into `T`, returning every problem found.
pub(crate) fn from_tree<T: DeserializeOwned>(root: &Node) -> Typed<T> {
    let mut poison = Poison::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for _ in 0..MAX_PASSES {
        let deserializer = NodeDeserializer {
            node: root,
            path: FieldPath::root(),
            poison: &poison,
        };
        let error = match T::deserialize(deserializer) {
            Ok(value) => {
                let replaced = poison.replaced.into_iter().chain(poison.supplied).collect();
                return Typed {
                    value: Some(value),
                    problems,
                    replaced,
                };
            }
            Err(error) => error,
        };
        let path = error.path.clone().unwrap_or_default();
        let consequence = poison.covers(&path);
        if !consequence {
            problems.push(error.to_problem(root));
        }
        if !poison.add(&error) {
            break;
        }
    }
    if problems.is_empty() {
        problems.push(problem(
            root.location,
            &FieldPath::root(),
            "values could not be read into the model",
        ));
    }
    Typed {
        value: None,
        problems,
        replaced: vec![FieldPath::root()],
    }
}

/// Spots of the tree to ignore or replace in the next pass.
#[derive(Default)]
struct Poison {
    /// Keys to skip (paths of the keys themselves).
    skipped_keys: HashSet<FieldPath>,
    /// Values to replace with a neutral default.
    replaced: HashSet<FieldPath>,
    /// Struct fields to supply with a neutral default.
    supplied: HashSet<FieldPath>,
}

impl Poison {
    fn covers(&self, path: &FieldPath) -> bool {
        self.replaced
            .iter()
            .chain(&self.supplied)
            .any(|p| path.starts_with(p))
    }

    /// Records the spot of `error`; false when nothing new was learned (no progress).
    fn add(&mut self, error: &DeError) -> bool {
        let Some(path) = error.path.clone() else {
            return false;
        };
        match &error.kind {
            ErrorKind::UnknownField { .. } => self.skipped_keys.insert(path),
            ErrorKind::MissingField { .. } => self.supplied.insert(path),
            _ => self.replaced.insert(path),
        }
    }
}

/// What went wrong while deserializing.
#[derive(Debug)]
enum ErrorKind {
    InvalidType {
        expected: String,
        found: String,
        help: Option<String>,
    },
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    MissingField {
        field: &'static str,
    },
    Message(String),
}

/// A deserialization error, with the path and position filled in as it travels up.
#[derive(Debug)]
pub(crate) struct DeError {
    kind: ErrorKind,
    path: Option<FieldPath>,
    location: Option<Location>,
}

impl DeError {
    fn new(kind: ErrorKind) -> Self {
        DeError {
            kind,
            path: None,
            location: None,
        }
    }

    fn at(kind: ErrorKind, path: &FieldPath, location: Location) -> Self {
        DeError {
            kind,
            path: Some(path.clone()),
            location: Some(location),
        }
    }

    /// Fills in the path and position where they are still unknown.
    fn locate(mut self, path: &FieldPath, location: Location) -> Self {
        if self.path.is_none() {
            self.path = Some(match &self.kind {
                ErrorKind::MissingField { field } => path.key(*field),
                _ => path.clone(),
            });
        }
        if self.location.is_none() {
            self.location = Some(location);
        }
        self
    }

    fn to_problem(&self, root: &Node) -> Diagnostic {
        let path = self.path.clone().unwrap_or_default();
        let sensitive = is_sensitive(&path);
        let location = self
            .location
            .filter(Location::is_known)
            .unwrap_or_else(|| root.locate(&path, true));
        let (message, help) = match &self.kind {
            ErrorKind::InvalidType {
                expected,
                found,
                help,
            } => (format!("expected {expected}, found {found}"), help.clone()),
            ErrorKind::UnknownField { field, expected } => {
                let help = match closest(field, expected.iter()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("valid keys here: {}", list(expected)),
                };
                (format!("unknown key `{field}`"), Some(help))
            }
            ErrorKind::UnknownVariant { variant, expected } => {
                let shown = if sensitive { "this value" } else { variant };
                let help =
                    closest(variant, expected.iter()).map(|best| format!("did you mean `{best}`?"));
                (format!("`{shown}` is not one of {}", list(expected)), help)
            }
            ErrorKind::MissingField { field } => (format!("missing required key `{field}`"), None),
            ErrorKind::Message(message) => (message.clone(), None),
        };
        problem(location, &path, message).help_opt(help)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(ErrorKind::Message(msg.to_string()))
    }
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::new(ErrorKind::InvalidType {
            expected: expected.to_string(),
            found: describe_unexpected(&unexpected),
            help: None,
        })
    }
    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::new(ErrorKind::InvalidType {
            expected: expected.to_string(),
            found: describe_unexpected(&unexpected),
            help: None,
        })
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(ErrorKind::UnknownField {
            field: field.to_string(),
            expected,
        })
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(ErrorKind::UnknownVariant {
            variant: variant.to_string(),
            expected,
        })
    }
    fn missing_field(field: &'static str) -> Self {
        DeError::new(ErrorKind::MissingField { field })
    }
}

/// Words for what was found, without quoting its value (it may be a secret).
fn describe_unexpected(unexpected: &de::Unexpected<'_>) -> String {
    use de::Unexpected as U;
    match unexpected {
        U::Bool(_) => "a boolean",
        U::Unsigned(_) | U::Signed(_) => "an integer",
        U::Float(_) => "a number",
        U::Char(_) | U::Str(_) => "a string",
        U::Bytes(_) => "bytes",
        U::Unit | U::Option => "null",
        U::Seq => "a list",
        U::Map => "a mapping",
        _ => "another kind of value",
    }
    .to_string()
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

struct NodeDeserializer<'a> {
    node: &'a Node,
    path: FieldPath,
    poison: &'a Poison,
}

impl NodeDeserializer<'_> {
    fn invalid(&self, expected: &str) -> DeError {
        let sensitive = is_sensitive(&self.path)
            || matches!(&self.node.value, NodeValue::Scalar(s) if s.sensitive);
        let (found, help) = match &self.node.value {
            NodeValue::Scalar(s) if !sensitive && !matches!(s.kind, ScalarKind::Null) => {
                let help = match (s.kind, expected) {
                    (ScalarKind::Str, e)
                        if e.contains("integer") && s.text.parse::<i64>().is_ok() =>
                    {
                        Some("remove the quotes: a quoted number is a string".to_string())
                    }
                    (ScalarKind::Str, "a boolean")
                        if matches!(s.text.as_str(), "true" | "false") =>
                    {
                        Some("remove the quotes: a quoted boolean is a string".to_string())
                    }
                    _ => None,
                };
                (
                    format!(
                        "{} `{}`",
                        s.describe(),
                        crate::diagnostic::shorten(&s.text, 80)
                    ),
                    help,
                )
            }
            NodeValue::Scalar(s) if matches!(s.kind, ScalarKind::Null) => (
                "nothing (null)".to_string(),
                Some("give the key a value, or remove it to use the default".to_string()),
            ),
            _ => (self.node.describe().to_string(), None),
        };
        DeError::at(
            ErrorKind::InvalidType {
                expected: expected.to_string(),
                found,
                help,
            },
            &self.path,
            self.node.location,
        )
    }

    fn scalar_kind(&self) -> Option<ScalarKind> {
        match &self.node.value {
            NodeValue::Scalar(s) => Some(s.kind),
            _ => None,
        }
    }

    fn integer<T: TryFrom<i64> + TryFrom<u64>>(&self, expected: &str) -> Result<T, DeError> {
        let converted = match self.scalar_kind() {
            Some(ScalarKind::Int(i)) => T::try_from(i).ok(),
            Some(ScalarKind::UInt(u)) => T::try_from(u).ok(),
            _ => return Err(self.invalid(expected)),
        };
        converted.ok_or_else(|| self.invalid(expected))
    }
}

macro_rules! deserialize_integer {
    ($method:ident, $visit:ident, $ty:ty, $expected:expr) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let value: $ty = self.integer($expected)?;
            visitor.$visit(value)
        }
    };
}

impl<'de> Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let (path, location) = (self.path.clone(), self.node.location);
        let result = match &self.node.value {
            NodeValue::Scalar(s) => match s.kind {
                ScalarKind::Null => visitor.visit_unit(),
                ScalarKind::Bool(b) => visitor.visit_bool(b),
                ScalarKind::Int(i) => visitor.visit_i64(i),
                ScalarKind::UInt(u) => visitor.visit_u64(u),
                ScalarKind::Float(f) => visitor.visit_f64(f),
                ScalarKind::Str => visitor.visit_str(&s.text),
            },
            NodeValue::Seq(items) => visitor.visit_seq(NodeSeq {
                items: items.iter().enumerate(),
                path: &self.path,
                poison: self.poison,
            }),
            NodeValue::Map(entries) => {
                visitor.visit_map(NodeMap::new(entries, &[], &self.path, self.poison))
            }
        };
        result.map_err(|e| e.locate(&path, location))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar_kind() {
            Some(ScalarKind::Bool(b)) => visitor.visit_bool(b),
            _ => Err(self.invalid("a boolean")),
        }
    }

    deserialize_integer!(deserialize_i8, visit_i8, i8, "an integer from -128 to 127");
    deserialize_integer!(
        deserialize_i16,
        visit_i16,
        i16,
        "an integer from -32768 to 32767"
    );
    deserialize_integer!(deserialize_i32, visit_i32, i32, "a 32-bit integer");
    deserialize_integer!(deserialize_i64, visit_i64, i64, "an integer");
    deserialize_integer!(deserialize_u8, visit_u8, u8, "an integer from 0 to 255");
    deserialize_integer!(
        deserialize_u16,
        visit_u16,
        u16,
        "an integer from 0 to 65535"
    );
    deserialize_integer!(deserialize_u32, visit_u32, u32, "a non-negative integer");
    deserialize_integer!(deserialize_u64, visit_u64, u64, "a non-negative integer");

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar_kind() {
            Some(ScalarKind::Float(f)) => visitor.visit_f64(f),
            Some(ScalarKind::Int(i)) => visitor.visit_f64(i as f64),
            Some(ScalarKind::UInt(u)) => visitor.visit_f64(u as f64),
            _ => Err(self.invalid("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            NodeValue::Scalar(s) if !matches!(s.kind, ScalarKind::Null) => {
                let (path, location) = (self.path.clone(), self.node.location);
                visitor
                    .visit_str::<DeError>(&s.text)
                    .map_err(|e| e.locate(&path, location))
            }
            NodeValue::Scalar(_) => Err(self.invalid("a string")),
            // Types that accept a string or a structure (env values) ask for a string first.
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_unit()
        } else {
            Err(self.invalid("nothing (null)"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            NodeValue::Seq(_) => self.deserialize_any(visitor),
            _ => Err(self.invalid("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            NodeValue::Map(_) => self.deserialize_any(visitor),
            _ => Err(self.invalid("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let NodeValue::Map(entries) = &self.node.value else {
            let expected = match fields {
                [] => "a mapping".to_string(),
                _ => format!(
                    "a mapping with keys such as {}",
                    list(&fields[..fields.len().min(3)])
                ),
            };
            return Err(self.invalid(&expected));
        };
        let (path, location) = (self.path.clone(), self.node.location);
        visitor
            .visit_map(NodeMap::new(entries, fields, &self.path, self.poison))
            .map_err(|e| e.locate(&path, location))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (path, location) = (self.path.clone(), self.node.location);
        let result = match &self.node.value {
            NodeValue::Scalar(s) if !matches!(s.kind, ScalarKind::Null) => {
                let variant: de::value::StrDeserializer<'_, DeError> =
                    s.text.as_str().into_deserializer();
                visitor.visit_enum(variant)
            }
            NodeValue::Map(entries) if entries.len() == 1 => visitor.visit_enum(NodeEnum {
                entry: &entries[0],
                path: &self.path,
                poison: self.poison,
            }),
            _ => return Err(self.invalid(&format!("one of {}", list(variants)))),
        };
        result.map_err(|e| e.locate(&path, location))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

struct NodeSeq<'a, I> {
    items: I,
    path: &'a FieldPath,
    poison: &'a Poison,
}

impl<'de, 'a, I: Iterator<Item = (usize, &'a Node)>> SeqAccess<'de> for NodeSeq<'a, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((index, item)) = self.items.next() else {
            return Ok(None);
        };
        let path = self.path.index(index);
        if self.poison.replaced.contains(&path) {
            return seed.deserialize(PoisonDeserializer).map(Some);
        }
        let location = item.location;
        seed.deserialize(NodeDeserializer {
            node: item,
            path: path.clone(),
            poison: self.poison,
        })
        .map(Some)
        .map_err(|e| e.locate(&path, location))
    }
}

/// Walks a mapping's entries, then any struct fields supplied by the poison pass.
struct NodeMap<'a> {
    entries: std::slice::Iter<'a, Entry>,
    supplied: std::vec::IntoIter<&'static str>,
    path: &'a FieldPath,
    poison: &'a Poison,
    /// The value to hand out next: a tree node, or a supplied field.
    pending: Option<Pending<'a>>,
}

enum Pending<'a> {
    Node(&'a Node, FieldPath),
    Supplied,
}

impl<'a> NodeMap<'a> {
    fn new(
        entries: &'a [Entry],
        fields: &'static [&'static str],
        path: &'a FieldPath,
        poison: &'a Poison,
    ) -> Self {
        let supplied: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| poison.supplied.contains(&path.key(*f)))
            .filter(|f| !entries.iter().any(|e| e.key == *f))
            .collect();
        NodeMap {
            entries: entries.iter(),
            supplied: supplied.into_iter(),
            path,
            poison,
            pending: None,
        }
    }
}

impl<'de> MapAccess<'de> for NodeMap<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for entry in self.entries.by_ref() {
            let path = self.path.key(entry.key.as_str());
            if self.poison.skipped_keys.contains(&path) {
                continue;
            }
            let key = seed
                .deserialize(KeyDeserializer { key: &entry.key })
                .map_err(|e| DeError {
                    path: e.path.or_else(|| Some(path.clone())),
                    location: e.location.or(Some(entry.key_location)),
                    kind: e.kind,
                })?;
            self.pending = Some(Pending::Node(&entry.value, path));
            return Ok(Some(key));
        }
        match self.supplied.next() {
            Some(field) => {
                self.pending = Some(Pending::Supplied);
                seed.deserialize(KeyDeserializer { key: field }).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some(Pending::Node(node, path)) => {
                if self.poison.replaced.contains(&path) {
                    return seed.deserialize(PoisonDeserializer);
                }
                let location = node.location;
                seed.deserialize(NodeDeserializer {
                    node,
                    path: path.clone(),
                    poison: self.poison,
                })
                .map_err(|e| e.locate(&path, location))
            }
            Some(Pending::Supplied) | None => seed.deserialize(PoisonDeserializer),
        }
    }
}

/// A mapping key: always a string to the model.
struct KeyDeserializer<'a> {
    key: &'a str,
}

impl<'de> Deserializer<'de> for KeyDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.key)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// An externally tagged enum written as a one-key mapping: `{variant: content}`.
struct NodeEnum<'a> {
    entry: &'a Entry,
    path: &'a FieldPath,
    poison: &'a Poison,
}

impl<'de, 'a> EnumAccess<'de> for NodeEnum<'a> {
    type Error = DeError;
    type Variant = NodeDeserializer<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let variant = seed.deserialize(KeyDeserializer {
            key: &self.entry.key,
        })?;
        let content = NodeDeserializer {
            node: &self.entry.value,
            path: self.path.key(self.entry.key.as_str()),
            poison: self.poison,
        };
        Ok((variant, content))
    }
}

impl<'de> VariantAccess<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        if self.node.is_null() {
            Ok(())
        } else {
            Err(self.invalid("nothing after this choice"))
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_struct("", fields, visitor)
    }
}

/// Stands in for a value already reported as wrong: whatever type is asked for, a neutral one.
struct PoisonDeserializer;

/// A `PoisonDeserializer` method that hands the visitor a neutral value.
macro_rules! neutral {
    ($method:ident, $visit:ident, $value:expr) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            visitor.$visit($value)
        }
    };
}

impl<'de> Deserializer<'de> for PoisonDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
    neutral!(deserialize_bool, visit_bool, false);
    neutral!(deserialize_i8, visit_i8, 0);
    neutral!(deserialize_i16, visit_i16, 0);
    neutral!(deserialize_i32, visit_i32, 0);
    neutral!(deserialize_i64, visit_i64, 0);
    neutral!(deserialize_u8, visit_u8, 0);
    neutral!(deserialize_u16, visit_u16, 0);
    neutral!(deserialize_u32, visit_u32, 0);
    neutral!(deserialize_u64, visit_u64, 0);
    neutral!(deserialize_f32, visit_f32, 0.0);
    neutral!(deserialize_f64, visit_f64, 0.0);
    neutral!(deserialize_char, visit_char, ' ');
    neutral!(deserialize_str, visit_str, "");
    neutral!(deserialize_string, visit_str, "");
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_none()
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(
            de::value::SeqDeserializer::<std::iter::Empty<()>, DeError>::new(std::iter::empty()),
        )
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(de::value::MapDeserializer::<
            std::iter::Empty<((), ())>,
            DeError,
        >::new(std::iter::empty()))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match variants.first() {
            Some(first) => visitor.visit_enum(PoisonEnum { variant: first }),
            None => Err(de::Error::custom("an enum without variants")),
        }
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct newtype_struct tuple
        tuple_struct identifier ignored_any
    }
}

struct PoisonEnum {
    variant: &'static str,
}

impl<'de> EnumAccess<'de> for PoisonEnum {
    type Error = DeError;
    type Variant = PoisonDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let variant = seed.deserialize(KeyDeserializer { key: self.variant })?;
        Ok((variant, PoisonDeserializer))
    }
}

impl<'de> VariantAccess<'de> for PoisonDeserializer {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(PoisonDeserializer)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }
}
