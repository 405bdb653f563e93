//! Kubernetes' CEL string and list functions (the `strings` and `lists` extension libraries),
//! written here rather than registered from the `cel` crate: every function that can grow a
//! value caps what it makes, and error messages name limits, never values.

use cel::extractors::{Arguments, This};
use cel::{Context, ExecutionError, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// The largest string or list a function may make.
const MAX_MADE_BYTES: usize = 1 << 20;

/// The functions registered here (their error messages are tack's own).
pub(super) const NAMES: [&str; 11] = [
    "split",
    "join",
    "replace",
    "substring",
    "charAt",
    "indexOf",
    "lastIndexOf",
    "sum",
    "find",
    "findAll",
    CACHED_MATCHES,
];

/// Registers Kubernetes' string and list library functions.
pub(super) fn register(context: &mut Context<'_, '_>) {
    let _ = context.add_function("lowerAscii", |This(s): This<Arc<String>>| {
        Arc::new(s.to_ascii_lowercase())
    });
    let _ = context.add_function("upperAscii", |This(s): This<Arc<String>>| {
        Arc::new(s.to_ascii_uppercase())
    });
    let _ = context.add_function("trim", |This(s): This<Arc<String>>| {
        Arc::new(s.trim().to_string())
    });
    let _ = context.add_function("split", split);
    let _ = context.add_function("join", join);
    let _ = context.add_function("replace", replace);
    let _ = context.add_function("substring", substring);
    let _ = context.add_function("charAt", char_at);
    let _ = context.add_function(
        "indexOf",
        |This(this): This<Value>, Arguments(args): Arguments| index_of(&this, &args, false),
    );
    let _ = context.add_function(
        "lastIndexOf",
        |This(this): This<Value>, Arguments(args): Arguments| index_of(&this, &args, true),
    );
    let _ = context.add_function("isSorted", |This(list): This<Arc<Vec<Value>>>| {
        list.windows(2).all(|w| w[0] <= w[1])
    });
    let _ = context.add_function("sum", sum);
    let _ = context.add_function(CACHED_MATCHES, matches);
    let _ = context.add_function("find", find);
    let _ = context.add_function("findAll", find_all);
}

fn made(what: &str, bytes: usize) -> Result<(), ExecutionError> {
    if bytes > MAX_MADE_BYTES {
        return Err(ExecutionError::function_error(
            what,
            format!("the result would pass {MAX_MADE_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn split(This(s): This<Arc<String>>, Arguments(args): Arguments) -> Result<Value, ExecutionError> {
    let Some(Value::String(separator)) = args.first() else {
        return Err(ExecutionError::function_error(
            "split",
            "split needs a separator",
        ));
    };
    let limit = match args.get(1) {
        Some(Value::Int(n)) if *n >= 0 => usize::try_from(*n).unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    if separator.is_empty() {
        made("split", s.len() * 24)?;
    }
    let parts: Vec<Value> = if limit == 0 {
        Vec::new()
    } else if separator.is_empty() {
        s.chars()
            .map(|c| Value::String(Arc::new(c.to_string())))
            .collect()
    } else {
        s.splitn(limit, separator.as_str())
            .map(|p| Value::String(Arc::new(p.to_string())))
            .collect()
    };
    Ok(Value::List(Arc::new(parts)))
}

fn join(
    This(list): This<Arc<Vec<Value>>>,
    Arguments(args): Arguments,
) -> Result<Value, ExecutionError> {
    let separator = match args.first() {
        Some(Value::String(s)) => s.as_str().to_string(),
        _ => String::new(),
    };
    let mut out = String::new();
    for (i, item) in list.iter().enumerate() {
        let Value::String(text) = item else {
            return Err(ExecutionError::function_error(
                "join",
                "join needs a list of strings",
            ));
        };
        if i > 0 {
            out.push_str(&separator);
        }
        out.push_str(text);
        made("join", out.len())?;
    }
    Ok(Value::String(Arc::new(out)))
}

fn replace(
    This(s): This<Arc<String>>,
    Arguments(args): Arguments,
) -> Result<Value, ExecutionError> {
    let (Some(Value::String(from)), Some(Value::String(to))) = (args.first(), args.get(1)) else {
        return Err(ExecutionError::function_error(
            "replace",
            "replace needs two strings",
        ));
    };
    let occurrences = if from.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(from.as_str()).count()
    };
    made(
        "replace",
        s.len().saturating_add(occurrences.saturating_mul(to.len())),
    )?;
    Ok(Value::String(Arc::new(s.replace(from.as_str(), to))))
}

fn substring(
    This(s): This<Arc<String>>,
    Arguments(args): Arguments,
) -> Result<Value, ExecutionError> {
    let chars: Vec<char> = s.chars().collect();
    let index = |v: Option<&Value>, default: usize| match v {
        Some(Value::Int(n)) => usize::try_from(*n).ok(),
        None => Some(default),
        _ => None,
    };
    match (index(args.first(), 0), index(args.get(1), chars.len())) {
        (Some(start), Some(end)) if start <= end && end <= chars.len() => {
            Ok(Value::String(Arc::new(chars[start..end].iter().collect())))
        }
        _ => Err(ExecutionError::function_error(
            "substring",
            "index out of range",
        )),
    }
}

fn char_at(This(s): This<Arc<String>>, index: i64) -> Result<Value, ExecutionError> {
    let chars: Vec<char> = s.chars().collect();
    match usize::try_from(index) {
        Ok(i) if i < chars.len() => Ok(Value::String(Arc::new(chars[i].to_string()))),
        Ok(i) if i == chars.len() => Ok(Value::String(Arc::new(String::new()))),
        _ => Err(ExecutionError::function_error(
            "charAt",
            "index out of range",
        )),
    }
}

fn index_of(this: &Value, args: &[Value], last: bool) -> Result<Value, ExecutionError> {
    let name = if last { "lastIndexOf" } else { "indexOf" };
    let Some(needle) = args.first() else {
        return Err(ExecutionError::function_error(name, "needs an argument"));
    };
    let found: Option<usize> = match (this, needle) {
        (Value::String(s), Value::String(n)) => {
            let byte = if last {
                s.rfind(n.as_str())
            } else {
                s.find(n.as_str())
            };
            byte.map(|b| s[..b].chars().count())
        }
        (Value::List(items), n) => {
            if last {
                items.iter().rposition(|i| i == n)
            } else {
                items.iter().position(|i| i == n)
            }
        }
        _ => {
            return Err(ExecutionError::function_error(
                name,
                "needs a string or a list",
            ));
        }
    };
    Ok(Value::Int(
        found.map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX)),
    ))
}

fn sum(This(list): This<Arc<Vec<Value>>>) -> Result<Value, ExecutionError> {
    let mut ints: i64 = 0;
    let mut floats: Option<f64> = None;
    for item in list.iter() {
        match item {
            Value::Int(i) => {
                ints = ints
                    .checked_add(*i)
                    .ok_or_else(|| ExecutionError::function_error("sum", "overflow"))?;
            }
            Value::Float(f) => *floats.get_or_insert(0.0) += f,
            _ => {
                return Err(ExecutionError::function_error(
                    "sum",
                    "needs a list of numbers",
                ));
            }
        }
    }
    Ok(match floats {
        Some(f) => Value::Float(f + ints as f64),
        None => Value::Int(ints),
    })
}

/// The most compiled regular expressions kept per thread.
const MAX_CACHED_REGEXES: usize = 256;

thread_local! {
    /// Regular expressions compiled so far: a rule such as
    /// `self.all(l, l.protocol.matches('(?i)^HTTPS$'))` would otherwise compile its pattern
    /// once per item.
    static REGEXES: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
}

/// A rule's regular expression, compiled once per thread, with the compiled size bounded
/// (a hostile pattern such as `(a{1000}){1000}` is refused instead of taking memory).
pub(super) fn regex(function: &str, pattern: &str) -> Result<regex::Regex, ExecutionError> {
    if let Some(found) = REGEXES.with(|cache| cache.borrow().get(pattern).cloned()) {
        return Ok(found);
    }
    let compiled = regex::RegexBuilder::new(pattern)
        .size_limit(MAX_MADE_BYTES)
        .build()
        .map_err(|_| {
            ExecutionError::function_error(
                function,
                "the regular expression does not compile (or passes tack's size limit)",
            )
        })?;
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_CACHED_REGEXES {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
    });
    Ok(compiled)
}

/// The name `s.matches(re)` is compiled under, so that it calls [`matches`] (the crate's
/// own `matches` compiles its pattern at every call, and its functions come before a
/// context's).
const CACHED_MATCHES: &str = "tackMatches";

/// `text` with every member call `.matches(` outside string literals renamed to
/// [`CACHED_MATCHES`].
pub(super) fn cached_matches(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(".matches(") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".matches(") {
            out.push('.');
            out.push_str(CACHED_MATCHES);
            out.push('(');
            rest = after;
            continue;
        }
        // A string literal (raw or not, single or triple quoted) is copied as it is.
        let raw = rest.starts_with(['r', 'R']) && rest[1..].starts_with(['\'', '"']);
        let body = if raw { &rest[1..] } else { rest };
        if let Some(quote) = ["\"\"\"", "'''", "\"", "'"]
            .into_iter()
            .find(|q| body.starts_with(q))
        {
            let start = rest.len() - body.len() + quote.len();
            let mut end = start;
            let bytes = rest.as_bytes();
            loop {
                if end >= rest.len() {
                    end = rest.len();
                    break;
                }
                if !raw && bytes[end] == b'\\' {
                    end += 2;
                    continue;
                }
                if bytes[end..].starts_with(quote.as_bytes()) {
                    end += quote.len();
                    break;
                }
                end += 1;
            }
            let end = end.min(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// `s.matches(re)`: the standard library's, with the compiled pattern cached.
fn matches(This(s): This<Arc<String>>, pattern: Arc<String>) -> Result<bool, ExecutionError> {
    Ok(regex("matches", &pattern)?.is_match(&s))
}

fn find(This(s): This<Arc<String>>, pattern: Arc<String>) -> Result<Value, ExecutionError> {
    let found = regex("find", &pattern)?
        .find(&s)
        .map_or("", |m| m.as_str())
        .to_string();
    Ok(Value::String(Arc::new(found)))
}

fn find_all(
    This(s): This<Arc<String>>,
    Arguments(args): Arguments,
) -> Result<Value, ExecutionError> {
    let Some(Value::String(pattern)) = args.first() else {
        return Err(ExecutionError::function_error(
            "findAll",
            "findAll needs a regular expression",
        ));
    };
    let limit = match args.get(1) {
        Some(Value::Int(n)) if *n >= 0 => usize::try_from(*n).unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    let found: Vec<Value> = regex("findAll", pattern)?
        .find_iter(&s)
        .take(limit)
        .map(|m| Value::String(Arc::new(m.as_str().to_string())))
        .collect();
    Ok(Value::List(Arc::new(found)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_calls_are_renamed_outside_literals_only() {
        assert_eq!(
            cached_matches("self.a.matches('^x$') && self.b == '.matches('"),
            "self.a.tackMatches('^x$') && self.b == '.matches('"
        );
        assert_eq!(
            cached_matches(r#"self.matches(r"""a.matches(b""") || "\".matches(" == ''"#),
            r#"self.tackMatches(r"""a.matches(b""") || "\".matches(" == ''"#
        );
        assert_eq!(cached_matches("size(self) > 0"), "size(self) > 0");
        // Unterminated literals and escapes at the end stay as written.
        assert_eq!(cached_matches("'é\\"), "'é\\");
    }
}
