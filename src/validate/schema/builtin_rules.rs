//! The CEL rules of built-in kinds. Gateway API's CRDs write part of their validation as CEL
//! (`x-kubernetes-validations`: filters that exclude each other, path values, parent
//! references to the same Gateway, timeouts, listener combinations); the embedded Gateway
//! API schemas keep those rules with the upstream text, and they run through the same
//! evaluator as a CRD's. The evaluator walks a self-contained schema, so each kind's
//! definition is resolved once (its `$ref`s inlined) on first use.

use super::builtin;
use crate::validate::cel::SchemaRules;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

/// The definitions of Gateway API, the built-in kinds that carry CEL rules.
const GATEWAY_PREFIX: &str = "io.k8s.networking.gateway.v1.";

/// The kinds of that group.
const GATEWAY_KINDS: [&str; 4] = ["HTTPRoute", "GRPCRoute", "Gateway", "ReferenceGrant"];

/// The deepest chain of references resolved (Gateway API's definitions are not recursive;
/// the bound keeps a corrupt table from looping).
const MAX_DEPTH: usize = 32;

/// A built-in kind's schema with its references resolved, and its CEL rules.
#[derive(Debug)]
pub(crate) struct BuiltinRules {
    /// The kind's definition, self-contained.
    pub schema: Value,
    /// Its rules, compiled on first use.
    pub rules: SchemaRules,
}

static RESOLVED: LazyLock<HashMap<&'static str, OnceLock<Option<BuiltinRules>>>> =
    LazyLock::new(|| {
        GATEWAY_KINDS
            .iter()
            .filter_map(|kind| builtin::definition_name(&format!("{GATEWAY_PREFIX}{kind}")))
            .map(|name| (name, OnceLock::new()))
            .collect()
    });

/// The CEL rules of the built-in definition `name`, if it has any.
pub(crate) fn rules_of(name: &str) -> Option<&'static BuiltinRules> {
    RESOLVED
        .get(name)?
        .get_or_init(|| {
            let schema = resolve(builtin::definition(name)?, 0);
            let rules = SchemaRules::of(&schema);
            (!rules.is_empty()).then_some(BuiltinRules { schema, rules })
        })
        .as_ref()
}

/// `node` with every `$ref` replaced by its target; keys beside a `$ref` (a field's own
/// rules or default) are kept, and rule lists of both are joined.
fn resolve(node: &Value, depth: usize) -> Value {
    match node {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .and_then(builtin::definition)
                .filter(|_| depth < MAX_DEPTH);
            let mut out = match target.map(|t| resolve(t, depth + 1)) {
                Some(Value::Object(resolved)) => resolved,
                _ => Map::new(),
            };
            for (key, value) in map {
                if key == "$ref" {
                    continue;
                }
                let value = resolve(value, depth);
                match (out.get_mut(key), value) {
                    (Some(Value::Array(rules)), Value::Array(more))
                        if key == "x-kubernetes-validations" =>
                    {
                        rules.extend(more);
                    }
                    (_, value) => {
                        out.insert(key.clone(), value);
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve(i, depth)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_gateway_rule_compiles() {
        let mut count = 0;
        for kind in GATEWAY_KINDS {
            let Some(found) = rules_of(&format!("{GATEWAY_PREFIX}{kind}")) else {
                assert_eq!(kind, "ReferenceGrant", "{kind} has CEL rules");
                continue;
            };
            assert_eq!(found.rules.compile_errors(), Vec::new(), "{kind}");
            count += found.rules.len();
        }
        // 80 upstream rules, some on several nodes (the filter rules on a rule's filters and
        // on each backend's).
        assert!(count >= 80, "{count} rules");
    }

    #[test]
    fn references_are_resolved_with_their_siblings() {
        let found = rules_of(&format!("{GATEWAY_PREFIX}HTTPRoute")).expect("HTTPRoute has rules");
        let rules = &found.schema["properties"]["spec"]["properties"]["rules"];
        assert_eq!(rules["type"], "array");
        assert!(rules["x-kubernetes-validations"].is_array());
        assert_eq!(
            rules["default"],
            json!([{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}])
        );
        let path = &rules["items"]["properties"]["matches"]["items"]["properties"]["path"];
        assert_eq!(path["properties"]["type"]["default"], "PathPrefix");
    }
}
