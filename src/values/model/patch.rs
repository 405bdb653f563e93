//! Patches: changes to rendered objects, written in values (kustomize's shape).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A change to the objects the release renders, applied after the strategy and templates
/// and before validation: `json` is an RFC 6902 JSON patch (a list of operations), `merge` a
/// strategic-merge-style patch (mappings merge, `null` deletes, and the lists `containers`,
/// `initContainers`, `env`, `ports`, `volumes` and `volumeMounts` merge items by `name`).
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: r, tag: '1'}\npatches:\n  - target: {kind: Deployment, name: mnist}\n    merge: {spec: {minReadySeconds: 30}}\n")?;
/// let patch = &values.finish(None)?.app.patches[0];
/// assert_eq!(patch.target.kind, "Deployment");
/// assert!(patch.merge.is_some() && patch.json.is_none());
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Patch {
    /// Which objects it changes.
    pub target: PatchTarget,
    /// RFC 6902 operations, e.g. `[{op: add, path: /spec/template/spec/hostNetwork, value: false}]`.
    pub json: Option<Vec<serde_json::Value>>,
    /// A strategic-merge-style patch, e.g. `{spec: {template: {spec: {containers: [{name: mnist, stdin: true}]}}}}`.
    pub merge: Option<serde_json::Value>,
}

/// The objects a patch applies to: every rendered object of `kind` (and `name`, and with all
/// of `labels`, when given). A patch that matches nothing is an error.
///
/// ```
/// let target = tack::values::PatchTarget { kind: "Service".into(), name: None, labels: Default::default() };
/// assert!(target.name.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchTarget {
    /// The kind, e.g. `Deployment`.
    pub kind: String,
    /// The object's name.
    pub name: Option<String>,
    /// Labels the object must have.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}
