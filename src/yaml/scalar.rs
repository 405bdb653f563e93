//! Plain and tagged scalars typed the way Kubernetes reads them: go-yaml v2's `resolve.go`
//! (YAML 1.1), which `kubectl`, the API server and Helm's value files all go through.

use serde_saphyr::granit_parser::{ScalarStyle, Tag};

/// What a scalar means once its style, tag and spelling are taken into account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resolved {
    /// `null`, `~`, or nothing.
    Null,
    /// `true`/`false` and the YAML 1.1 spellings (`yes`, `on`, `y`, ...).
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits in `u64`.
    UInt(u64),
    /// A finite floating-point number.
    Float(f64),
    /// Text: quoted, block, `!!str`, or plain text that is nothing else.
    Str,
    /// `!!binary`: base64 text, whose line breaks and spaces do not count.
    Binary,
}

/// Why a scalar cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScalarError {
    /// A tag Kubernetes does not read (`!Ref`, `!!set`).
    UnsupportedTag(String),
    /// `!!int`, `!!float` or `!!bool` on text that is not one.
    NotA {
        /// The tag, e.g. `!!int`.
        tag: String,
        /// What the tag asks for: "an integer", "a number", "a boolean".
        what: &'static str,
    },
    /// `.inf` or `.nan`: YAML floats that JSON (and so Kubernetes) cannot hold.
    NotRepresentable(String),
}

/// Types a scalar: its tag first, then quoted or block text is a string, then the plain rules.
pub(crate) fn resolve(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Resolved, ScalarError> {
    if let Some(tag) = tag {
        return resolve_tagged(text, tag);
    }
    if style != ScalarStyle::Plain {
        return Ok(Resolved::Str);
    }
    resolve_plain(text)
}

fn resolve_tagged(text: &str, tag: &Tag) -> Result<Resolved, ScalarError> {
    let Some(name) = tag.suffix_in_namespace("tag:yaml.org,2002:") else {
        if tag.original() == "!" || tag.parts() == ("!", "") {
            // The non-specific tag `!`: a string.
            return Ok(Resolved::Str);
        }
        return Err(ScalarError::UnsupportedTag(tag.original()));
    };
    let not_a = |what| ScalarError::NotA {
        tag: format!("!!{name}"),
        what,
    };
    match name.as_ref() {
        "str" | "timestamp" => Ok(Resolved::Str),
        "binary" => Ok(Resolved::Binary),
        "int" => parse_int(&text.replace('_', "")).ok_or_else(|| not_a("an integer")),
        "float" => match resolve_plain(text)? {
            Resolved::Int(i) => Ok(Resolved::Float(i as f64)),
            Resolved::UInt(u) => Ok(Resolved::Float(u as f64)),
            Resolved::Float(f) => Ok(Resolved::Float(f)),
            _ => Err(not_a("a number")),
        },
        "bool" => match resolve_plain(text)? {
            Resolved::Bool(b) => Ok(Resolved::Bool(b)),
            _ => Err(not_a("a boolean")),
        },
        "null" => Ok(Resolved::Null),
        other => Err(ScalarError::UnsupportedTag(format!("!!{other}"))),
    }
}

/// Plain scalars, exactly as go-yaml v2 (`resolve.go`) reads them.
pub(crate) fn resolve_plain(text: &str) -> Result<Resolved, ScalarError> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Resolved::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Ok(Resolved::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Ok(Resolved::Bool(false));
        }
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => {
            return Err(ScalarError::NotRepresentable(text.to_string()));
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Ok(Resolved::Str);
    }
    let plain: std::borrow::Cow<'_, str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
    if first != b'.'
        && let Some(number) = parse_int(&plain)
    {
        return Ok(number);
    }
    if is_yaml_float(&plain)
        && let Some(number) = plain.parse::<f64>().ok().filter(|f| f.is_finite())
    {
        return Ok(Resolved::Float(number));
    }
    Ok(Resolved::Str)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint`: optional sign, then
/// `0x`/`0o`/`0b` prefixes or a leading `0` for octal.
fn parse_int(text: &str) -> Option<Resolved> {
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
        i64::try_from(-i128::from(magnitude))
            .ok()
            .map(Resolved::Int)
    } else {
        Some(match i64::try_from(magnitude) {
            Ok(i) => Resolved::Int(i),
            Err(_) => Resolved::UInt(magnitude),
        })
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

    fn plain(text: &str) -> Resolved {
        resolve_plain(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn plain_scalars_follow_go_yaml_v2() {
        assert_eq!(plain("yes"), Resolved::Bool(true));
        assert_eq!(plain("Off"), Resolved::Bool(false));
        assert_eq!(plain("0644"), Resolved::Int(420));
        assert_eq!(plain("0x1F"), Resolved::Int(31));
        assert_eq!(plain("1_000"), Resolved::Int(1000));
        assert_eq!(plain("1.10"), Resolved::Float(1.1));
        assert_eq!(plain("08"), Resolved::Float(8.0));
        assert_eq!(plain("18446744073709551615"), Resolved::UInt(u64::MAX));
        assert_eq!(plain("-12"), Resolved::Int(-12));
        assert_eq!(plain("2024-01-01"), Resolved::Str);
        assert_eq!(plain("12:30"), Resolved::Str);
        assert_eq!(plain("~"), Resolved::Null);
        assert_eq!(plain("1e400"), Resolved::Str);
        assert!(matches!(
            resolve_plain(".inf"),
            Err(ScalarError::NotRepresentable(_))
        ));
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
