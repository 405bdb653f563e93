//! Patches from values: the escape hatch for what the typed model does not cover, applied to
//! the rendered objects after the strategy and the templates and before validation, in the
//! shape kustomize uses.
//!
//! A patch has a `target` (kind, and optionally name and labels) and either `json`, RFC 6902
//! operations applied with the `json-patch` crate, or `merge`, a strategic-merge-style patch:
//! mappings merge key by key, `null` deletes a key, and the lists `containers`,
//! `initContainers`, `env`, `ports`, `volumes` and `volumeMounts` merge their items by `name`
//! (an item with `$patch: delete` removes the item of that name); other lists are replaced.
//! A patch that matches no object, or a JSON operation whose path does not exist, is an error
//! at the patch. A patched object is written as JSON from then on, so validation checks it
//! against the full schema like any object a template wrote.
//!
//! ```text
//! patches:
//!   - target: {kind: Deployment, name: mnist}
//!     json:
//!       - {op: add, path: /spec/template/spec/shareProcessNamespace, value: true}
//!   - target: {kind: Deployment}
//!     merge:
//!       spec: {template: {spec: {containers: [{name: mnist, stdin: true}]}}}
//! ```

use crate::diagnostic::{Check, Diagnostic, did_you_mean};
use crate::manifest::Manifests;
use crate::values::{FieldPath, Patch, PatchTarget};
use json_patch::{PatchErrorKind, PatchOperation};
use serde_json::Value;

/// The lists a `merge` patch merges by item name instead of replacing.
const MERGED_BY_NAME: &[&str] = &[
    "containers",
    "initContainers",
    "env",
    "ports",
    "volumes",
    "volumeMounts",
];

/// Which patches changed one object, for reporting its validation problems at the patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Patched {
    /// The object, as validation names it (`Kind/namespace/name`).
    pub object: String,
    /// The index in `patches` of the last patch that changed it.
    pub patch: usize,
}

/// Applies `patches` in order. Returns which objects changed, or every problem, each with
/// its values path (`patches[1].json[0]`).
pub(crate) fn apply(
    manifests: &mut Manifests,
    patches: &[Patch],
) -> Result<Vec<Patched>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut patched: Vec<Patched> = Vec::new();
    for (index, patch) in patches.iter().enumerate() {
        let path = FieldPath::parse("patches").index(index);
        let operations = match operations(patch, &path) {
            Ok(operations) => operations,
            Err(mut found) => {
                problems.append(&mut found);
                continue;
            }
        };
        let targets: Vec<usize> = manifests
            .iter()
            .enumerate()
            .filter(|(_, m)| matches(&patch.target, m.json()))
            .map(|(i, _)| i)
            .collect();
        if targets.is_empty() {
            problems.push(no_match(&patch.target, manifests, &path));
            continue;
        }
        for target in targets {
            let manifest = manifests.get_mut(target);
            let mut value = manifest.json().clone();
            let result = match (&operations, &patch.merge) {
                (Some(operations), _) => json_patch::patch(&mut value, operations)
                    .map_err(|error| operation_problem(&error, &path, manifest.display_name())),
                (None, Some(merge)) => {
                    strategic_merge(&mut value, merge);
                    Ok(())
                }
                (None, None) => Ok(()),
            };
            match result {
                Ok(()) => {
                    manifest.replace_json(value);
                    let object = manifest.display_name();
                    patched.retain(|p| p.object != object);
                    patched.push(Patched {
                        object,
                        patch: index,
                    });
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    if problems.is_empty() {
        manifests.resort();
        Ok(patched)
    } else {
        Err(problems)
    }
}

/// The JSON operations of a patch (`None` for a merge patch).
fn operations(
    patch: &Patch,
    path: &FieldPath,
) -> Result<Option<Vec<PatchOperation>>, Vec<Diagnostic>> {
    let Some(json) = &patch.json else {
        return Ok(None);
    };
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    for (i, operation) in json.iter().enumerate() {
        match serde_json::from_value::<PatchOperation>(operation.clone()) {
            Ok(operation) => operations.push(operation),
            Err(error) => problems.push(
                Diagnostic::error(
                    Check::Values,
                    format!("not a JSON patch operation: {error}"),
                )
                .path(path.key("json").index(i))
                .help("write `{op: add|remove|replace|move|copy|test, path: /spec/..., value: ...}` (RFC 6902)"),
            ),
        }
    }
    if problems.is_empty() {
        Ok(Some(operations))
    } else {
        Err(problems)
    }
}

/// True when `object` is of the target's kind, has its name (if given) and all its labels.
fn matches(target: &PatchTarget, object: &Value) -> bool {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    text("/kind") == Some(target.kind.as_str())
        && target
            .name
            .as_deref()
            .is_none_or(|name| text("/metadata/name") == Some(name))
        && target.labels.iter().all(|(key, value)| {
            object
                .pointer("/metadata/labels")
                .and_then(|labels| labels.get(key))
                .and_then(Value::as_str)
                == Some(value.as_str())
        })
}

/// The problem of a patch whose target matches nothing, naming what there is.
fn no_match(target: &PatchTarget, manifests: &Manifests, path: &FieldPath) -> Diagnostic {
    let of_kind: Vec<&str> = manifests
        .iter()
        .filter(|m| m.kind() == target.kind)
        .map(|m| m.name())
        .collect();
    let mut wanted = target.kind.clone();
    if let Some(name) = &target.name {
        wanted.push_str(&format!(" named `{name}`"));
    }
    if !target.labels.is_empty() {
        let labels: Vec<String> = target
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        wanted.push_str(&format!(" labelled {}", labels.join(",")));
    }
    let help = if of_kind.is_empty() {
        let kinds: Vec<&str> = manifests.iter().map(|m| m.kind()).collect();
        did_you_mean(&target.kind, &kinds, '`').or_else(|| {
            let mut kinds = kinds;
            kinds.dedup();
            Some(format!("the release renders: {}", kinds.join(", ")))
        })
    } else {
        let name_hint = target
            .name
            .as_deref()
            .and_then(|name| did_you_mean(name, &of_kind, '`'));
        name_hint.or_else(|| {
            Some(format!(
                "the release's {} objects: {}",
                target.kind,
                of_kind.join(", ")
            ))
        })
    };
    Diagnostic::error(
        Check::Values,
        format!("this patch matches no object: the release renders no {wanted}"),
    )
    .path(path.key("target"))
    .help_opt(help)
}

/// The problem of a JSON operation that failed, at the operation.
fn operation_problem(
    error: &json_patch::PatchError,
    path: &FieldPath,
    object: String,
) -> Diagnostic {
    let reason = match error.kind {
        PatchErrorKind::InvalidPointer => format!("`{}` does not exist", error.path),
        PatchErrorKind::InvalidFromPointer => "its `from` path does not exist".to_string(),
        PatchErrorKind::TestFailed => {
            format!("the value at `{}` is not the tested one", error.path)
        }
        PatchErrorKind::CannotMoveInsideItself => "it moves a value inside itself".to_string(),
        _ => error.kind.to_string(),
    };
    Diagnostic::error(
        Check::Values,
        format!("this operation cannot be applied to {object}: {reason}"),
    )
    .path(path.key("json").index(error.operation))
    .help("`replace`, `remove` and `test` need an existing path; `add` creates the last step only (use `merge` to create nested fields)")
}

/// Merges `patch` into `base` (see the module documentation).
fn strategic_merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    base.remove(key);
                    continue;
                }
                match base.get_mut(key) {
                    Some(Value::Array(items))
                        if MERGED_BY_NAME.contains(&key.as_str()) && value.is_array() =>
                    {
                        merge_items(items, value.as_array().into_iter().flatten());
                    }
                    Some(existing) => strategic_merge(existing, value),
                    None => {
                        base.insert(key.clone(), without_directives(value));
                    }
                }
            }
        }
        (base, patch) => *base = without_directives(patch),
    }
}

/// The key a merged list's item is matched by: `name`, or for unnamed ports the port number.
fn item_key(item: &Value) -> Option<(&'static str, &Value)> {
    ["name", "containerPort", "port"]
        .into_iter()
        .find_map(|key| item.get(key).map(|value| (key, value)))
}

fn merge_items<'a>(items: &mut Vec<Value>, patch: impl Iterator<Item = &'a Value>) {
    for item in patch {
        let key = item_key(item);
        let existing = key.and_then(|(name, value)| {
            items
                .iter()
                .position(|candidate| candidate.get(name) == Some(value))
        });
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (existing, delete) {
            (Some(position), true) => {
                items.remove(position);
            }
            (None, true) => {}
            (Some(position), false) => strategic_merge(&mut items[position], item),
            (None, false) => items.push(without_directives(item)),
        }
    }
}

/// A copy of `value` without `$patch` directives.
fn without_directives(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| key.as_str() != "$patch")
                .map(|(key, value)| (key.clone(), without_directives(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_directives).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Manifest, Object};
    use serde_json::json;

    fn deployment() -> Manifests {
        Manifests::new(vec![Manifest::new(
            "test",
            Object::Other(json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "mnist", "labels": {"track": "stable"}},
                "spec": {"template": {"spec": {"containers": [
                    {"name": "mnist", "image": "mnist:1", "env": [{"name": "A", "value": "1"}]},
                    {"name": "proxy", "image": "envoy:1"},
                ]}}},
            })),
        )])
    }

    fn patch(target: Value, body: Value) -> Patch {
        serde_json::from_value(
            json!({"target": target, "json": body.get("json"), "merge": body.get("merge")}),
        )
        .unwrap()
    }

    #[test]
    fn merges_containers_and_env_by_name_and_deletes_by_directive() {
        let mut manifests = deployment();
        let merge = json!({"merge": {"spec": {"template": {"spec": {"containers": [
            {"name": "mnist", "env": [{"name": "A", "value": "2"}, {"name": "B", "value": "3"}]},
            {"name": "proxy", "$patch": "delete"},
        ], "hostNetwork": null}}}}});
        let patched = apply(
            &mut manifests,
            &[patch(json!({"kind": "Deployment"}), merge)],
        )
        .unwrap();
        assert_eq!(
            patched,
            [Patched {
                object: "Deployment/mnist".into(),
                patch: 0
            }]
        );
        let containers =
            &manifests.iter().next().unwrap().json()["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers.as_array().unwrap().len(), 1);
        assert_eq!(containers[0]["image"], "mnist:1");
        assert_eq!(
            containers[0]["env"],
            json!([{"name": "A", "value": "2"}, {"name": "B", "value": "3"}])
        );
        assert!(!manifests.iter().next().unwrap().is_typed());
    }

    #[test]
    fn a_json_patch_on_a_missing_path_is_an_error_at_its_operation() {
        let mut manifests = deployment();
        let ops = json!({"json": [
            {"op": "add", "path": "/spec/replicas", "value": 3},
            {"op": "replace", "path": "/spec/paused", "value": true},
        ]});
        let problems =
            apply(&mut manifests, &[patch(json!({"kind": "Deployment"}), ops)]).unwrap_err();
        assert_eq!(problems[0].path, "patches[0].json[1]");
        assert!(
            problems[0]
                .message
                .contains("`/spec/paused` does not exist"),
            "{}",
            problems[0].message
        );
        // Nothing was applied.
        assert_eq!(
            manifests.iter().next().unwrap().json()["spec"].get("replicas"),
            None
        );
    }

    #[test]
    fn a_target_that_matches_nothing_says_what_there_is() {
        let mut manifests = deployment();
        let merge = json!({"merge": {"spec": {}}});
        let wrong_name = patch(
            json!({"kind": "Deployment", "name": "mnsit"}),
            merge.clone(),
        );
        let problems = apply(&mut manifests, &[wrong_name]).unwrap_err();
        assert_eq!(problems[0].path, "patches[0].target");
        assert_eq!(problems[0].help.as_deref(), Some("did you mean `mnist`?"));
        let wrong_labels = patch(
            json!({"kind": "Deployment", "labels": {"track": "canary"}}),
            merge.clone(),
        );
        assert!(apply(&mut manifests, &[wrong_labels]).is_err());
        let wrong_kind = patch(json!({"kind": "Deploymnet"}), merge);
        let problems = apply(&mut manifests, &[wrong_kind]).unwrap_err();
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean `Deployment`?")
        );
    }

    #[test]
    fn a_malformed_operation_is_an_error_at_its_index() {
        let mut manifests = deployment();
        let ops = json!({"json": [{"op": "replase", "path": "/spec"}]});
        let problems =
            apply(&mut manifests, &[patch(json!({"kind": "Deployment"}), ops)]).unwrap_err();
        assert_eq!(problems[0].path, "patches[0].json[0]");
        assert!(
            problems[0]
                .message
                .starts_with("not a JSON patch operation")
        );
    }
}
