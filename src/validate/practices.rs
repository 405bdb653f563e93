//! The `practices` check: what kube-linter, kube-score and Polaris agree a production
//! workload should do, each with a one-line fix. Warnings by default (errors with
//! `--practices error`); an object opts out of some with the annotation
//! `tack.dev/ignore-practices: "run-as-root,host-path"` (or `all`).
//!
//! | Practice | Warns when |
//! |---|---|
//! | `readiness-probe` | a long-running container has no readiness probe |
//! | `resource-requests` | a container requests no CPU or no memory |
//! | `memory-limit` | a container has no memory limit |
//! | `image-tag` | an image has no digest and no tag, or the tag `latest` |
//! | `run-as-root` | nothing keeps a container from running as root (uid 0) |
//! | `privileged` | a container is privileged |
//! | `privilege-escalation` | a container may gain privileges (`allowPrivilegeEscalation` not false) |
//! | `writable-root-filesystem` | a container's root filesystem is writable |
//! | `host-path` | a volume mounts a folder of the node |
//! | `host-namespaces` | the pod shares the node's network, PID or IPC namespace |
//! | `disruption-budget` | more than one replica, and neither a PodDisruptionBudget nor spreading |
//! | `secret-in-env` | a literal env value's name looks like a secret (`*_TOKEN`, `*PASSWORD*`, `*_KEY`, `*SECRET*`) |

use super::document::at;
use super::object::Object;
use super::rules::pod_template;
use crate::diagnostic::{Check, Diagnostic, Severity};
use serde_json::Value;
use std::collections::BTreeSet;

/// The annotation that turns practices off for one object.
pub(crate) const IGNORE_ANNOTATION: &str = "tack.dev/ignore-practices";

/// Every practice, by name (for `IGNORE_ANNOTATION` and the documentation).
pub(crate) const PRACTICES: &[&str] = &[
    "readiness-probe",
    "resource-requests",
    "memory-limit",
    "image-tag",
    "run-as-root",
    "privileged",
    "privilege-escalation",
    "writable-root-filesystem",
    "host-path",
    "host-namespaces",
    "disruption-budget",
    "secret-in-env",
];

/// The kinds whose pods run until stopped (and so need a readiness probe and may need a
/// disruption budget).
fn long_running(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
    )
}

/// The practices `object` opts out of.
pub(crate) fn ignored(object: &Value) -> BTreeSet<String> {
    object
        .get("metadata")
        .and_then(|metadata| metadata.get("annotations"))
        .and_then(|a| a.get(IGNORE_ANNOTATION))
        .and_then(Value::as_str)
        .map(|list| {
            list.split(',')
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Collects the practice problems of one object.
struct Findings<'o> {
    object: &'o Object,
    severity: Severity,
    ignored: BTreeSet<String>,
    problems: Vec<Diagnostic>,
}

impl Findings<'_> {
    fn add(&mut self, practice: &str, path: String, message: String, fix: &str) {
        if self.ignored.contains(practice) || self.ignored.contains("all") {
            return;
        }
        self.problems.push(self.object.problem(
            self.severity,
            Check::Practices,
            path,
            format!("{practice}: {message}"),
            Some(fix.to_string()),
        ));
    }
}

/// The practice problems of one object, at `severity`.
pub(crate) fn problems(object: &Object, severity: Severity) -> Vec<Diagnostic> {
    let mut findings = Findings {
        object,
        severity,
        ignored: ignored(&object.value),
        problems: Vec::new(),
    };
    let unknown: Vec<String> = findings
        .ignored
        .iter()
        .filter(|name| name.as_str() != "all" && !PRACTICES.contains(&name.as_str()))
        .cloned()
        .collect();
    for name in unknown {
        let help = crate::diagnostic::did_you_mean(&name, PRACTICES, '`')
            .unwrap_or_else(|| format!("the practices are: {}", PRACTICES.join(", ")));
        findings.problems.push(object.problem(
            Severity::Warning,
            Check::Practices,
            format!(
                "/metadata/annotations/{}",
                IGNORE_ANNOTATION.replace('/', "~1")
            ),
            format!("{IGNORE_ANNOTATION} names `{name}`, which is not a practice"),
            Some(help),
        ));
    }
    let kind = object.kind();
    if let Some((_, spec_path)) = pod_template(kind)
        && let Some(spec) = at(&object.value, spec_path)
    {
        pod(&mut findings, kind, spec, spec_path);
    }
    findings.problems
}

fn pod(findings: &mut Findings<'_>, kind: &str, spec: &Value, spec_path: &str) {
    let pod_security = spec.get("securityContext");
    for (field, name) in [
        ("hostNetwork", "network"),
        ("hostPID", "process (PID)"),
        ("hostIPC", "IPC"),
    ] {
        if spec.get(field) == Some(&Value::Bool(true)) {
            findings.add(
                "host-namespaces",
                format!("{spec_path}/{field}"),
                format!("the pod shares the node's {name} namespace"),
                &format!(
                    "remove `{field}: true`: a model server needs none of the node's namespaces"
                ),
            );
        }
    }
    for (i, volume) in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if volume.get("hostPath").is_some() {
            let name = volume.get("name").and_then(Value::as_str).unwrap_or("?");
            findings.add(
                "host-path",
                format!("{spec_path}/volumes/{i}/hostPath"),
                format!("volume `{name}` mounts a folder of the node"),
                "use a PersistentVolumeClaim, an emptyDir or a ConfigMap instead",
            );
        }
    }
    for list in ["initContainers", "containers"] {
        for (i, container) in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path = format!("{spec_path}/{list}/{i}");
            let regular = list == "containers";
            self::container(
                findings,
                container,
                &path,
                pod_security,
                regular && long_running(kind),
            );
        }
    }
}

fn container(
    findings: &mut Findings<'_>,
    container: &Value,
    path: &str,
    pod_security: Option<&Value>,
    needs_readiness: bool,
) {
    let name = container
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let security = container.get("securityContext");
    let setting = |key: &str| {
        security
            .and_then(|s| s.get(key))
            .or_else(|| pod_security.and_then(|s| s.get(key)))
    };
    if needs_readiness && container.get("readinessProbe").is_none() {
        findings.add(
            "readiness-probe",
            path.to_string(),
            format!(
                "container `{name}` has no readiness probe, so it gets traffic before it can serve"
            ),
            "add a `readinessProbe`, e.g. `httpGet: {path: /healthz, port: http}`",
        );
    }
    let resources = container.get("resources");
    let missing: Vec<&str> = ["cpu", "memory"]
        .into_iter()
        .filter(|r| {
            resources
                .and_then(|res| res.get("requests"))
                .and_then(|requests| requests.get(r))
                .is_none()
        })
        .collect();
    if !missing.is_empty() {
        findings.add(
            "resource-requests",
            format!("{path}/resources"),
            format!("container `{name}` requests no {}", missing.join(" and no ")),
            "set `resources.requests.cpu` and `.memory` to what one pod uses, so the scheduler places it where it fits",
        );
    }
    if resources
        .and_then(|r| r.get("limits"))
        .and_then(|limits| limits.get("memory"))
        .is_none()
    {
        findings.add(
            "memory-limit",
            format!("{path}/resources"),
            format!("container `{name}` has no memory limit"),
            "set `resources.limits.memory`, so a leak kills this container and not its neighbours",
        );
    }
    if let Some(image) = container.get("image").and_then(Value::as_str)
        && !pinned(image)
    {
        findings.add(
            "image-tag",
            format!("{path}/image"),
            format!("image `{image}` is not pinned: it has no digest and no tag other than `latest`"),
            "use a version tag (`:1.9.1`) or a digest (`@sha256:...`), so every node runs the same image",
        );
    }
    let privileged = security.and_then(|s| s.get("privileged")) == Some(&Value::Bool(true));
    if privileged {
        findings.add(
            "privileged",
            format!("{path}/securityContext/privileged"),
            format!("container `{name}` is privileged: it has every capability of the node"),
            "remove `privileged: true`; add the single capability it needs to `capabilities.add`",
        );
    }
    let non_root = setting("runAsNonRoot") == Some(&Value::Bool(true));
    let user = setting("runAsUser").and_then(Value::as_i64);
    match user {
        Some(0) => findings.add(
            "run-as-root",
            format!("{path}/securityContext/runAsUser"),
            format!("container `{name}` runs as root (uid 0)"),
            "run as a non-root uid (`runAsUser: 10001`) that the image's files allow",
        ),
        None if !non_root => findings.add(
            "run-as-root",
            format!("{path}/securityContext"),
            format!("container `{name}` may run as root: nothing requires a non-root user"),
            "set `runAsNonRoot: true` (tack's secure defaults do), with a numeric non-root USER in the image or `runAsUser`",
        ),
        _ => {}
    }
    if !privileged
        && security.and_then(|s| s.get("allowPrivilegeEscalation")) != Some(&Value::Bool(false))
    {
        findings.add(
            "privilege-escalation",
            format!("{path}/securityContext"),
            format!("container `{name}` may gain privileges (setuid binaries, `allowPrivilegeEscalation` is not false)"),
            "set `securityContext.allowPrivilegeEscalation: false`",
        );
    }
    if security.and_then(|s| s.get("readOnlyRootFilesystem")) != Some(&Value::Bool(true)) {
        findings.add(
            "writable-root-filesystem",
            format!("{path}/securityContext"),
            format!("container `{name}` can write to its root filesystem"),
            "set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the app writes (e.g. /tmp)",
        );
    }
    env(findings, container, path, &name);
}

fn env(findings: &mut Findings<'_>, container: &Value, path: &str, name: &str) {
    for (i, variable) in container
        .get("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(env_name) = variable.get("name").and_then(Value::as_str) else {
            continue;
        };
        let literal = variable
            .get("value")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty());
        if literal && looks_secret(env_name) {
            findings.add(
                "secret-in-env",
                format!("{path}/env/{i}"),
                format!("`{env_name}` of container `{name}` looks like a secret but is written in the manifest"),
                "read it from a Secret: `valueFrom.secretKeyRef` (in tack values: `secrets.<key>.envName`)",
            );
        }
    }
}

/// True for an image reference with a digest, or a tag other than `latest`.
fn pinned(image: &str) -> bool {
    if image.contains('@') {
        return true;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    matches!(last.rsplit_once(':'), Some((_, tag)) if !tag.is_empty() && tag != "latest")
}

/// True for environment variable names that usually hold secrets.
fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    name.ends_with("_TOKEN")
        || name == "TOKEN"
        || name.ends_with("_KEY")
        || name.contains("PASSWORD")
        || name.contains("SECRET")
}

/// True when a workload of `kind` with this pod spec needs a disruption budget: more than one
/// replica, and no topology spread or pod anti-affinity that keeps its pods apart.
pub(crate) fn wants_disruption_budget(kind: &str, object: &Value, spec: &Value) -> bool {
    if !long_running(kind) || kind == "DaemonSet" {
        return false;
    }
    let ignored = ignored(object);
    if ignored.contains("disruption-budget") || ignored.contains("all") {
        return false;
    }
    let replicas = object
        .get("spec")
        .and_then(|spec| spec.get("replicas"))
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let spread = spec
        .get("topologySpreadConstraints")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty())
        || at(spec, "/affinity/podAntiAffinity").is_some();
    replicas > 1 && !spread
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use serde_json::json;

    fn found(value: Value) -> Vec<String> {
        let object = Object::new(value, SourceId(0), 1, None);
        problems(&object, Severity::Warning)
            .into_iter()
            .map(|p| p.message.split(':').next().unwrap_or_default().to_string())
            .collect()
    }

    fn deployment(container: Value, pod: Value) -> Value {
        let mut spec = json!({"containers": [container]});
        if let (Value::Object(spec), Value::Object(pod)) = (&mut spec, pod) {
            spec.extend(pod);
        }
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "mnist"},
               "spec": {"template": {"spec": spec}}})
    }

    fn good_container() -> Value {
        json!({
            "name": "mnist", "image": "mnist:1.9.1",
            "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
            "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
            "securityContext": {"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true},
        })
    }

    #[test]
    fn a_hardened_pod_is_clean() {
        assert_eq!(
            found(deployment(good_container(), json!({}))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_bare_container_breaks_the_container_practices() {
        let bare = deployment(json!({"name": "mnist", "image": "mnist"}), json!({}));
        assert_eq!(
            found(bare),
            [
                "readiness-probe",
                "resource-requests",
                "memory-limit",
                "image-tag",
                "run-as-root",
                "privilege-escalation",
                "writable-root-filesystem",
            ]
        );
    }

    #[test]
    fn host_access_and_root_are_found() {
        let mut container = good_container();
        container["securityContext"] =
            json!({"runAsUser": 0, "privileged": true, "readOnlyRootFilesystem": true});
        let pod = json!({"hostNetwork": true, "hostPID": true, "volumes": [{"name": "docker", "hostPath": {"path": "/var/run"}}]});
        assert_eq!(
            found(deployment(container, pod)),
            [
                "host-namespaces",
                "host-namespaces",
                "host-path",
                "privileged",
                "run-as-root"
            ]
        );
    }

    #[test]
    fn env_duplicates_and_literal_secrets_never_quote_the_value() {
        let mut container = good_container();
        container["env"] = json!([
            {"name": "API_TOKEN", "value": "hunter2"},
            {"name": "WORKERS", "value": "2"},
            {"name": "WORKERS", "value": "3"},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}},
        ]);
        let object = Object::new(deployment(container, json!({})), SourceId(0), 1, None);
        let problems = problems(&object, Severity::Warning);
        let names: Vec<&str> = problems
            .iter()
            .map(|p| p.message.split(':').next().unwrap())
            .collect();
        assert_eq!(names, ["secret-in-env"]);
        assert!(problems.iter().all(|p| !p.message.contains("hunter2")));
    }

    #[test]
    fn pinned_images_and_the_ignore_annotation() {
        assert!(pinned("ghcr.io/acme/mnist:1.9.1"));
        assert!(pinned("mnist@sha256:abc"));
        assert!(!pinned("localhost:5000/mnist"));
        assert!(!pinned("mnist:latest"));
        let mut bare = deployment(json!({"name": "mnist", "image": "mnist"}), json!({}));
        bare["metadata"]["annotations"] = json!({IGNORE_ANNOTATION: "all"});
        assert!(found(bare.clone()).is_empty());
        bare["metadata"]["annotations"] = json!({IGNORE_ANNOTATION: "all, readines-probe"});
        let object = Object::new(bare, SourceId(0), 1, None);
        let typo = &problems(&object, Severity::Warning)[0];
        assert_eq!(
            typo.help.as_deref(),
            Some("did you mean `readiness-probe`?")
        );
    }

    #[test]
    fn replicas_without_spread_want_a_budget() {
        let spec = json!({"containers": []});
        let three = json!({"kind": "Deployment", "spec": {"replicas": 3}});
        assert!(wants_disruption_budget("Deployment", &three, &spec));
        let spread = json!({"containers": [], "topologySpreadConstraints": [{"maxSkew": 1}]});
        assert!(!wants_disruption_budget("Deployment", &three, &spread));
        let one = json!({"kind": "Deployment", "spec": {}});
        assert!(!wants_disruption_budget("Deployment", &one, &spec));
    }
}
