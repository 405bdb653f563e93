//! The Kubernetes schemas built into the binary: `schemas/k8s/definitions.json` and
//! `schemas/k8s/kinds.json`, generated from `k8s-openapi` by `tests/validate_schemas.rs`.
//!
//! Both files hold one entry per line, sorted, so an entry is found by a binary search over
//! line slices and only the definitions a run needs are ever parsed (each at most once per
//! process).

use serde_json::Value;
use std::sync::{LazyLock, OnceLock};

const DEFINITIONS: &str = include_str!("../../../schemas/k8s/definitions.json");
const KINDS: &str = include_str!("../../../schemas/k8s/kinds.json");

/// `"key": value,` lines of a generated file, sorted by key.
fn entries(text: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut entries: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('"')?;
            let (key, value) = rest.split_once("\": ")?;
            let value = value.strip_suffix(',').unwrap_or(value);
            value.starts_with('{').then_some((key, value))
        })
        .filter(|(_, value)| value.len() > 1)
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

struct Definition {
    name: &'static str,
    text: &'static str,
    parsed: OnceLock<Value>,
}

static DEFINITION_TABLE: LazyLock<Vec<Definition>> = LazyLock::new(|| {
    entries(DEFINITIONS)
        .into_iter()
        .map(|(name, text)| Definition {
            name,
            text,
            parsed: OnceLock::new(),
        })
        .collect()
});

static KIND_TABLE: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| entries(KINDS));

/// The definition called `name` (`io.k8s.api.apps.v1.Deployment`), parsed on first use.
/// `None` for an unknown name (or, impossibly, a corrupt embedded file).
pub(crate) fn definition(name: &str) -> Option<&'static Value> {
    let table = &*DEFINITION_TABLE;
    let index = table.binary_search_by(|d| d.name.cmp(name)).ok()?;
    let entry = &table[index];
    let value = entry
        .parsed
        .get_or_init(|| serde_json::from_str(entry.text).unwrap_or(Value::Null));
    (!value.is_null()).then_some(value)
}

/// The name of a built-in definition as stored in the table (so it lives as long as it).
pub(crate) fn definition_name(name: &str) -> Option<&'static str> {
    let table = &*DEFINITION_TABLE;
    let index = table.binary_search_by(|d| d.name.cmp(name)).ok()?;
    Some(table[index].name)
}

/// Parses `roots` and every definition they reach, so that later lookups find them ready.
pub(crate) fn preload(roots: &[&str]) {
    fn references(value: &Value, out: &mut Vec<&'static str>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if key == "$ref"
                        && let Some(name) = child
                            .as_str()
                            .and_then(|r| r.strip_prefix("#/definitions/"))
                            .and_then(definition_name)
                    {
                        out.push(name);
                    } else {
                        references(child, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| references(item, out)),
            _ => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<&'static str> = roots.iter().filter_map(|r| definition_name(r)).collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name)
            && let Some(value) = definition(name)
        {
            references(value, &mut todo);
        }
    }
}

/// A kind with a built-in schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuiltinKind {
    /// The name of its definition.
    pub definition: String,
    /// Whether its objects live in a namespace.
    pub namespaced: bool,
}

/// The built-in kind `kind` of `api_version`, if any.
pub(crate) fn kind(api_version: &str, kind: &str) -> Option<BuiltinKind> {
    let key = format!("{api_version}/{kind}");
    let table = &*KIND_TABLE;
    let index = table
        .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
        .ok()?;
    let value: Value = serde_json::from_str(table[index].1).ok()?;
    Some(BuiltinKind {
        definition: value.get("definition")?.as_str()?.to_string(),
        namespaced: value.get("namespaced")?.as_bool()?,
    })
}

/// Every built-in `(apiVersion, kind)`.
pub(crate) fn all_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    KIND_TABLE
        .iter()
        .filter_map(|(key, _)| key.rsplit_once('/'))
}

/// The Kubernetes version the built-in schemas describe (`1.37`).
#[cfg(test)]
pub(crate) fn kubernetes_version() -> &'static str {
    KINDS
        .lines()
        .find_map(|line| line.strip_prefix("\"kubernetesVersion\": \""))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_parses_and_every_kind_points_at_one() {
        assert!(DEFINITION_TABLE.len() > 500);
        for entry in DEFINITION_TABLE.iter() {
            assert!(definition(entry.name).is_some(), "{}", entry.name);
        }
        let mut count = 0;
        for (api_version, kind_name) in all_kinds() {
            let found =
                kind(api_version, kind_name).unwrap_or_else(|| panic!("{api_version} {kind_name}"));
            assert!(definition(&found.definition).is_some());
            count += 1;
        }
        assert!(count >= 100, "{count}");
    }

    #[test]
    fn preloading_parses_everything_reachable() {
        preload(&["io.k8s.api.core.v1.Secret", "io.k8s.nope"]);
        let secret = DEFINITION_TABLE
            .iter()
            .find(|d| d.name == "io.k8s.api.core.v1.Secret");
        assert!(secret.is_some_and(|d| d.parsed.get().is_some()));
        let meta = DEFINITION_TABLE
            .iter()
            .find(|d| d.name == "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assert!(meta.is_some_and(|d| d.parsed.get().is_some()));
    }

    #[test]
    fn looks_up_kinds_and_scope() {
        assert_eq!(
            kind("apps/v1", "Deployment"),
            Some(BuiltinKind {
                definition: "io.k8s.api.apps.v1.Deployment".into(),
                namespaced: true
            })
        );
        assert!(!kind("v1", "Namespace").is_some_and(|k| k.namespaced));
        assert_eq!(kind("apps/v1beta1", "Deployment"), None);
        assert_eq!(kubernetes_version(), "1.37");
    }
}
