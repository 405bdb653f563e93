//! The text of a `--set`-family flag, read the way Helm 4's `pkg/strvals` reads it, into
//! the edits it makes to the values.
//!
//! The grammar is Helm's: `key=value` pairs separated by `,`; a key is a path of names
//! separated by `.` with list indexes `[i]`; a backslash makes the next character literal
//! (in keys and values); `{a,b}` is a list; an index past the end pads the list with nulls;
//! `a[0]` with nothing after it makes `a` an empty list; `a=` is the empty string. `--set`
//! types a value as Helm does: `true`, `false` and `null` in any case, and decimal integers
//! that fit in 64 bits not written with a leading zero; everything else (`1.5`, `1e3`,
//! `0777`, `yes`, `~`, ` 5`) is a string. `--set-json` values are JSON, `--set-literal`
//! takes the rest of the flag as one string, `--set-file` reads the named file.
//!
//! Where tack differs from Helm on purpose (each is an error here, silently ignored or a
//! crash there): an empty key (`.a=1`, `=1`, `a..b=1`), a path nested past 30 levels, `{}`
//! (an empty list, where Helm makes `[""]`).

use super::path::FieldPath;
use super::set::SetKind;
use super::tree::{Node, NodeValue, Scalar};
use crate::source::Location;
use crate::yaml::ScalarKind;

/// The deepest `--set` path, as Helm's: `a.b.c...` with more levels is refused.
pub(crate) const MAX_PATH_DEPTH: usize = 30;

/// The largest list index, as Helm's (`MaxIndex`).
pub(crate) const MAX_INDEX: usize = 65_536;

/// One edit a flag makes.
#[derive(Debug)]
pub(crate) enum Edit {
    /// Set the value at the path.
    Set(FieldPath, Value),
    /// Make the path a list if it is not one (`a[0]` with nothing after it).
    List(FieldPath),
}

/// A value as the flag wrote it, before files are read.
#[derive(Debug)]
pub(crate) enum Value {
    /// A finished value.
    Node(Node),
    /// `--set-file`: the file to read (its content becomes the value).
    File(String),
    /// A list of values (`{a,b}`).
    List(Vec<Value>),
}

/// Why a flag's text does not parse: a message in tack's words, with the column. It quotes
/// nothing of the text: after a secret's value, what reads as a key may be more of it.
pub(crate) type ParseError = String;

/// Reads the edits of one flag's `text`.
pub(crate) fn parse(
    kind: SetKind,
    text: &str,
    location: impl Fn(usize) -> Location,
) -> Result<Vec<Edit>, ParseError> {
    let mut scanner = Scanner {
        text,
        at: 0,
        kind,
        edits: Vec::new(),
        location: &location,
    };
    if kind == SetKind::Json && text.trim_start().starts_with('{') {
        // Helm 4's whole-object form: `--set-json '{"a":{"b":1}}'`.
        let json: serde_json::Value = serde_json::from_str(text.trim())
            .map_err(|e| format!("invalid JSON object: {}", json_problem(&e)))?;
        scanner.edits.push(Edit::Set(
            FieldPath::root(),
            Value::Node(Node::from_json(&json, location(0))),
        ));
        return Ok(scanner.edits);
    }
    while scanner.key(FieldPath::root(), 0)? {}
    if scanner.edits.is_empty() {
        return Err("expected `path=value`, found nothing".into());
    }
    Ok(scanner.edits)
}

/// Where `until` stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    At(char),
    End,
}

struct Scanner<'t, 'l> {
    text: &'t str,
    /// Byte offset of the next character.
    at: usize,
    kind: SetKind,
    edits: Vec<Edit>,
    location: &'l dyn Fn(usize) -> Location,
}

impl Scanner<'_, '_> {
    /// `message`, at the column of the character before the next one.
    fn error(&self, message: &str) -> ParseError {
        let column = self.text[..self.at].chars().count().max(1);
        format!("{message} (at column {column})")
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        Some(c)
    }

    /// The characters up to the first of `stops` (consumed), a backslash making the next
    /// character literal; a backslash at the very end is dropped, as Helm drops it.
    fn until(&mut self, stops: &[char]) -> (String, Stop) {
        let mut out = String::new();
        while let Some(c) = self.bump() {
            if stops.contains(&c) {
                return (out, Stop::At(c));
            }
            if c == '\\' {
                match self.bump() {
                    Some(next) => out.push(next),
                    None => return (out, Stop::End),
                }
            } else {
                out.push(c);
            }
        }
        (out, Stop::End)
    }

    /// The characters up to the first of `stops` (consumed), backslashes as they are.
    fn until_literal(&mut self, stops: &[char]) -> (String, Stop) {
        let mut out = String::new();
        while let Some(c) = self.bump() {
            if stops.contains(&c) {
                return (out, Stop::At(c));
            }
            out.push(c);
        }
        (out, Stop::End)
    }

    /// One `key...=value` below `path`; `false` at the end of the text.
    fn key(&mut self, path: FieldPath, level: usize) -> Result<bool, ParseError> {
        // `--set-literal` keys, as Helm's literal parser reads them: no `,` between pairs
        // (the value runs to the end) and no escapes.
        let (name, stop) = if self.kind == SetKind::Literal {
            self.until_literal(&['=', '[', '.'])
        } else {
            self.until(&['=', '[', ',', '.'])
        };
        if name.is_empty() && !(stop == Stop::End && path.is_root()) {
            return Err(match stop {
                Stop::At('[') if path.is_root() => {
                    self.error("the path starts with an index: name the list first")
                }
                _ => self.error(
                    "empty key: two dots in a row, a dot at the start or end, or nothing before `=`",
                ),
            });
        }
        match stop {
            Stop::End if name.is_empty() => Ok(false),
            Stop::End => Err(self.error("the last key has no value: write `path=VALUE`")),
            Stop::At(',') => {
                Err(self.error("a key has no value: a `,` follows it (write `path=VALUE`)"))
            }
            Stop::At('[') => {
                let index = self.index()?;
                self.list_item(path.key(name), index, level)
            }
            Stop::At('.') => {
                if level + 1 > MAX_PATH_DEPTH {
                    return Err(self.error(&format!(
                        "the path is nested more than {MAX_PATH_DEPTH} levels deep; a `--set` path may nest {MAX_PATH_DEPTH} at most"
                    )));
                }
                self.key(path.key(name), level + 1)
            }
            _ => {
                let value = self.value()?;
                self.edits.push(Edit::Set(path.key(name), value));
                Ok(true)
            }
        }
    }

    /// The number of `[i]` (after its `[`).
    fn index(&mut self) -> Result<usize, ParseError> {
        let (digits, stop) = self.until(&[']']);
        if stop == Stop::End {
            return Err(self.error("a list index has no closing `]`"));
        }
        let index: i64 = digits
            .parse()
            .map_err(|_| self.error("not a list index (expected `[0]`, `[1]`, ...)"))?;
        let index =
            usize::try_from(index).map_err(|_| self.error("a list index is not negative"))?;
        if index > MAX_INDEX {
            return Err(self.error(&format!("a list index may be {MAX_INDEX} at most")));
        }
        Ok(index)
    }

    /// What follows `list[index]`.
    fn list_item(
        &mut self,
        list: FieldPath,
        index: usize,
        level: usize,
    ) -> Result<bool, ParseError> {
        let (junk, stop) = self.until(&['[', '.', '=']);
        if !junk.is_empty() {
            return Err(self.error("unexpected text after a list index: expected `=`, `.` or `[`"));
        }
        match stop {
            Stop::End => {
                self.edits.push(Edit::List(list));
                Ok(false)
            }
            Stop::At('[') => {
                let next = self.index()?;
                self.list_item(list.index(index), next, level)
            }
            Stop::At('.') => self.key(list.index(index), level),
            _ => {
                let value = self.value()?;
                self.edits.push(Edit::Set(list.index(index), value));
                Ok(true)
            }
        }
    }

    /// The value after `=`, and the `,` that ends it.
    fn value(&mut self) -> Result<Value, ParseError> {
        let start = self.at;
        let location = (self.location)(start);
        match self.kind {
            SetKind::Json => self.json_value(location),
            SetKind::Literal => {
                let rest = self.text[self.at..].to_string();
                self.at = self.text.len();
                Ok(Value::Node(string_node(rest, location)))
            }
            SetKind::Typed | SetKind::String | SetKind::File => {
                if self.peek() == Some('{') {
                    self.bump();
                    return self.list(location);
                }
                let (text, _) = self.until(&[',']);
                Ok(self.scalar(text, location))
            }
        }
    }

    fn scalar(&self, text: String, location: Location) -> Value {
        match self.kind {
            SetKind::File => Value::File(text),
            SetKind::String | SetKind::Literal => Value::Node(string_node(text, location)),
            _ => Value::Node(Node {
                value: NodeValue::Scalar(typed(&text)),
                location,
            }),
        }
    }

    /// `{a,b}` (after its `{`), and a `,` after the `}`.
    fn list(&mut self, location: Location) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        loop {
            let (item, stop) = self.until(&[',', '}']);
            match stop {
                Stop::End => return Err(self.error("a list `{...}` has no closing `}`")),
                Stop::At('}') => {
                    // `{}` is an empty list (Helm makes it a list of one empty string).
                    if !(items.is_empty() && item.is_empty()) {
                        items.push(self.scalar(item, location));
                    }
                    if self.peek() == Some(',') {
                        self.bump();
                    }
                    return Ok(Value::List(items));
                }
                _ => items.push(self.scalar(item, location)),
            }
        }
    }

    /// A JSON value: nothing (or spaces) before `,` or the end is null; after the value,
    /// spaces and one `,` are skipped.
    fn json_value(&mut self, location: Location) -> Result<Value, ParseError> {
        if self.skip_blank_value() {
            return Ok(Value::Node(Node {
                value: NodeValue::Scalar(null()),
                location,
            }));
        }
        let mut stream = serde_json::Deserializer::from_str(&self.text[self.at..])
            .into_iter::<serde_json::Value>();
        let json = match stream.next() {
            Some(Ok(json)) => json,
            Some(Err(error)) => {
                return Err(self.error(&format!("invalid JSON: {}", json_problem(&error))));
            }
            None => return Err(self.error("no JSON value after `=`")),
        };
        self.at += stream.byte_offset();
        self.skip_blank_value();
        Ok(Value::Node(Node::from_json(&json, location)))
    }

    /// Skips spaces; `true` (and consumes the `,`) when a `,` or the end follows them.
    fn skip_blank_value(&mut self) -> bool {
        while let Some(c) = self.peek() {
            if c == ',' {
                self.bump();
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.bump();
        }
        true
    }
}

/// A serde_json error without the text it quotes (a value may be secret): its kind and
/// column.
fn json_problem(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "a syntax error",
        serde_json::error::Category::Data => "a value out of range",
        serde_json::error::Category::Io => "it could not be read",
    };
    format!("{what} at column {}", error.column())
}

fn null() -> Scalar {
    Scalar {
        kind: ScalarKind::Null,
        text: "null".into(),
        sensitive: false,
    }
}

fn string_node(text: String, location: Location) -> Node {
    Node {
        value: NodeValue::Scalar(Scalar::string(text)),
        location,
    }
}

/// A `--set` value typed as Helm types it (`strvals.typedVal`).
///
/// ```text
/// true, TRUE, False -> booleans; null, NULL -> null; 0, 42, -7, +3 -> integers;
/// 1.5, 1e3, 0777, 00, 0x1F, 1_000, yes, off, ~, " 5", 9223372036854775808 -> strings
/// ```
pub(crate) fn typed(text: &str) -> Scalar {
    let kind = if text.eq_ignore_ascii_case("true") {
        ScalarKind::Bool(true)
    } else if text.eq_ignore_ascii_case("false") {
        ScalarKind::Bool(false)
    } else if text.eq_ignore_ascii_case("null") {
        ScalarKind::Null
    } else if text == "0" {
        ScalarKind::Int(0)
    } else if !text.is_empty() && !text.starts_with('0') {
        text.parse::<i64>().map_or(ScalarKind::Str, ScalarKind::Int)
    } else {
        ScalarKind::Str
    };
    Scalar {
        kind,
        text: text.to_string(),
        sensitive: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_as_helm_types_them() {
        for (text, kind) in [
            ("true", ScalarKind::Bool(true)),
            ("FALSE", ScalarKind::Bool(false)),
            ("True", ScalarKind::Bool(true)),
            ("NULL", ScalarKind::Null),
            ("0", ScalarKind::Int(0)),
            ("42", ScalarKind::Int(42)),
            ("-7", ScalarKind::Int(-7)),
            ("+3", ScalarKind::Int(3)),
            ("-0", ScalarKind::Int(0)),
            ("9223372036854775807", ScalarKind::Int(i64::MAX)),
        ] {
            assert_eq!(typed(text).kind, kind, "{text}");
        }
        for text in [
            "1e3",
            "0777",
            "1.5",
            "1.10",
            "00",
            "0x1F",
            "1_000",
            "yes",
            "off",
            "y",
            "~",
            " 5",
            "5 ",
            "",
            "9223372036854775808",
            "1.0",
            "-",
        ] {
            assert_eq!(typed(text).kind, ScalarKind::Str, "{text:?}");
        }
    }
}
