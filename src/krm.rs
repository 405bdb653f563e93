//! `tack krm`: tack as a KRM function (a kustomize generator, or a kpt function). It reads a
//! `ResourceList` whose `functionConfig` is a `tack.dev/v1` `Release`, renders the release,
//! and writes the `ResourceList` back with the rendered objects appended to `items` and any
//! problem in `results`.
//!
//! ```yaml
//! apiVersion: tack.dev/v1
//! kind: Release
//! metadata:
//!   name: mnist-canary
//! spec:
//!   chart: charts/model-serving
//!   values: [values/canary.yaml]
//!   set: [strategy.canary.weight=30]
//!   namespace: ml
//!   kubeVersion: "1.33"
//! ```
//!
//! Paths are relative to the working directory (kustomize runs functions in the
//! kustomization's folder) and must stay inside it.

use crate::KubeVersion;
use crate::pipeline::{RenderRequest, Renderer};
use crate::values::{SetFlag, SetKind};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The most bytes read from stdin.
///
/// ```
/// assert_eq!(tack::krm::MAX_INPUT_BYTES, 64 << 20);
/// ```
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The `spec` of a `Release` function config.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ReleaseSpec {
    chart: String,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    set_string: Vec<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    kube_version: Option<String>,
}

/// What the function did: the `ResourceList` to print, and whether it failed.
///
/// ```
/// let outcome = tack::krm::run("kind: ResourceList\nfunctionConfig: {kind: Chart}\n", ".".as_ref());
/// assert!(outcome.failed);
/// assert_eq!(outcome.list["results"][0]["severity"], "error");
/// ```
#[derive(Debug)]
pub struct Outcome {
    /// The output `ResourceList` (input items, then the rendered objects; `results`).
    pub list: Value,
    /// True when a result is an error: the process exits non-zero.
    pub failed: bool,
}

/// A failed run: the input's items kept, one error result per message.
fn failure(items: Vec<Value>, messages: Vec<String>) -> Outcome {
    let results: Vec<Value> = messages
        .into_iter()
        .map(|message| json!({"message": message, "severity": "error"}))
        .collect();
    Outcome {
        list: resource_list(items, results),
        failed: true,
    }
}

fn resource_list(items: Vec<Value>, results: Vec<Value>) -> Value {
    let mut list =
        json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items});
    if !results.is_empty() {
        list["results"] = Value::Array(results);
    }
    list
}

/// A path of the function config: relative, and inside `cwd` once resolved.
fn inside(cwd: &Path, field: &str, given: &str) -> Result<PathBuf, String> {
    let shown = crate::diagnostic::shorten(given, 200);
    if Path::new(given).is_absolute() {
        return Err(format!(
            "spec.{field} {shown:?}: paths are relative to the kustomization's folder"
        ));
    }
    let outside = || {
        format!(
            "spec.{field} {shown:?} is outside the kustomization's folder; charts and value files must be inside it"
        )
    };
    let root = cwd
        .canonicalize()
        .map_err(|e| format!("the working directory: {e}"))?;
    if !crate::input::lexically_inside(&root, &root, Path::new(given)) {
        return Err(outside());
    }
    let path = cwd.join(given);
    let real = path
        .canonicalize()
        .map_err(|e| format!("spec.{field} {shown:?}: {e}"))?;
    if !real.starts_with(&root) {
        return Err(outside());
    }
    Ok(path)
}

/// Runs the function on the `ResourceList` text `input`, in the folder `cwd`.
///
/// ```
/// let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: tack.dev/v1\n  kind: Release\n  metadata: {name: mnist}\n  spec:\n    chart: charts/model-serving\n    values: [values/canary.yaml]\n";
/// let outcome = tack::krm::run(input, ".".as_ref());
/// assert!(!outcome.failed);
/// let kinds: Vec<&str> = outcome.list["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
/// assert!(kinds.contains(&"Deployment"));
/// ```
pub fn run(input: &str, cwd: &Path) -> Outcome {
    let parsed = crate::yaml::read_tree(
        crate::source::SourceId(0),
        input,
        &crate::yaml::Limits::MANIFESTS,
    )
    .map(|tree| tree.to_json());
    let list = match parsed {
        Ok(list) => list,
        Err(error) => {
            return failure(
                Vec::new(),
                vec![format!(
                    "stdin is not a ResourceList: line {}: {error}",
                    error.line.max(1)
                )],
            );
        }
    };
    if list.get("kind").and_then(Value::as_str) != Some("ResourceList") {
        return failure(
            Vec::new(),
            vec!["stdin is not a ResourceList (kind: ResourceList)".into()],
        );
    }
    let items: Vec<Value> = list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let config = list.get("functionConfig").cloned().unwrap_or(Value::Null);
    let (api_version, kind) = (
        config
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        config
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    );
    if (api_version, kind) != ("tack.dev/v1", "Release") {
        return failure(
            items,
            vec![format!(
                "functionConfig is {api_version:?} {kind:?}; tack's is apiVersion: tack.dev/v1, kind: Release (metadata.name, spec.chart, spec.values...)"
            )],
        );
    }
    let Some(name) = config.pointer("/metadata/name").and_then(Value::as_str) else {
        return failure(
            items,
            vec!["functionConfig: metadata.name (the release name) is missing".into()],
        );
    };
    let spec: ReleaseSpec =
        match serde_json::from_value(config.get("spec").cloned().unwrap_or(Value::Null)) {
            Ok(spec) => spec,
            Err(e) => return failure(items, vec![format!("functionConfig spec: {e}")]),
        };
    let request = match request(name, &spec, cwd) {
        Ok(request) => request,
        Err(message) => return failure(items, vec![message]),
    };
    let kube_version = match spec.kube_version.as_deref().map(str::parse::<KubeVersion>) {
        None => KubeVersion::LATEST,
        Some(Ok(version)) => version,
        Some(Err(e)) => return failure(items, vec![format!("spec.kubeVersion: {e}")]),
    };
    match Renderer::new(kube_version).render(&request) {
        Ok(rendered) => {
            let mut all = items;
            all.extend(rendered.manifests.iter().map(|m| m.json().clone()));
            let mut warnings = rendered.warnings.clone();
            warnings.append(rendered.report.diagnostics());
            let results: Vec<Value> = warnings
                .items
                .iter()
                .map(|d| json!({"message": d.describe(&warnings.sources), "severity": "warning"}))
                .collect();
            Outcome {
                list: resource_list(all, results),
                failed: false,
            }
        }
        Err(error) => {
            let diagnostics = error.diagnostics();
            let mut messages: Vec<String> = diagnostics
                .items
                .iter()
                .map(|d| d.describe(&diagnostics.sources))
                .collect();
            if messages.is_empty() {
                messages.push(error.to_string());
            }
            failure(items, messages)
        }
    }
}

fn request(name: &str, spec: &ReleaseSpec, cwd: &Path) -> Result<RenderRequest, String> {
    let chart = inside(cwd, "chart", &spec.chart)?;
    let value_files = spec
        .values
        .iter()
        .map(|v| inside(cwd, "values", v))
        .collect::<Result<Vec<_>, _>>()?;
    let sets = spec
        .set
        .iter()
        .map(|s| SetFlag::new(SetKind::Typed, s.clone()))
        .chain(
            spec.set_string
                .iter()
                .map(|s| SetFlag::new(SetKind::String, s.clone())),
        )
        .collect();
    Ok(RenderRequest {
        chart,
        value_files,
        sets,
        release: Some(name.to_string()),
        namespace: spec.namespace.clone(),
        cwd: cwd.to_path_buf(),
        api_versions: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(spec: &str) -> String {
        format!(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: kept}}}}\nfunctionConfig:\n  apiVersion: tack.dev/v1\n  kind: Release\n  metadata: {{name: mnist}}\n  spec: {spec}\n"
        )
    }

    fn messages(outcome: &Outcome) -> String {
        outcome.list["results"].to_string()
    }

    #[test]
    fn rendered_objects_follow_the_input_items() {
        let outcome = run(
            &config("{chart: charts/model-serving, namespace: ml, set: [replicas=4]}"),
            Path::new("."),
        );
        assert!(!outcome.failed, "{}", messages(&outcome));
        let items = outcome.list["items"].as_array().expect("items");
        assert_eq!(items[0]["metadata"]["name"], "kept");
        let deployment = items
            .iter()
            .find(|i| i["kind"] == "Deployment")
            .expect("a Deployment");
        assert_eq!(deployment["metadata"]["namespace"], "ml");
        assert_eq!(deployment["spec"]["replicas"], 4);
    }

    #[test]
    fn bad_configs_are_error_results_and_keep_the_items() {
        for (input, expected) in [
            (config("{chart: /etc}"), "relative"),
            (
                config("{chart: ../..}"),
                "outside the kustomization's folder",
            ),
            (
                config("{chart: charts/model-serving, values: [../../../etc/passwd]}"),
                "outside",
            ),
            (
                config("{chart: charts/model-serving, vaules: []}"),
                "unknown field `vaules`",
            ),
            (
                config("{chart: charts/model-serving, kubeVersion: banana}"),
                "kubeVersion",
            ),
            (
                config("{chart: charts/model-serving, set: [replicas=many]}"),
                "replicas",
            ),
            (
                config("{chart: charts/model-serving}").replace("kind: Release", "kind: Chart"),
                "tack.dev/v1, kind: Release",
            ),
            ("kind: List\n".to_string(), "not a ResourceList"),
            ("a: [\n".to_string(), "not a ResourceList"),
            // Hostile: nesting far past the reader's depth limit, and an alias bomb.
            (format!("kind: ResourceList\nitems: {}", "[".repeat(100_000)), "not a ResourceList"),
            (
                "kind: ResourceList\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n".to_string(),
                "not a ResourceList",
            ),
        ] {
            let outcome = run(&input, Path::new("."));
            assert!(outcome.failed, "{input}");
            assert!(
                messages(&outcome).contains(expected),
                "{input}: {}",
                messages(&outcome)
            );
            assert!(
                !messages(&outcome).contains("root:x"),
                "{}",
                messages(&outcome)
            );
        }
    }
}
