//! Rules the API server enforces beyond the schema: names, labels, ports, restart policies,
//! selectors, container and volume names, and resource requests against limits.

mod custom;
mod data;
mod list_keys;

use crate::names::{
    is_dns1035_label, is_label_value, is_path_segment_name, is_port_name, is_qualified_name,
};
pub(crate) use crate::names::{is_dns1123_label, is_dns1123_subdomain};
pub(crate) use crate::quantity::Quantity;

use super::Config;
use super::document::{at, escape_segment};
use super::object::Object;
use crate::diagnostic::{Check, Diagnostic, Severity};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// Where a kind keeps its pod template: (template metadata, pod spec), as JSON Pointers.
pub(crate) fn pod_template(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "Pod" => Some(("/metadata", "/spec")),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => Some(("/spec/template/metadata", "/spec/template/spec")),
        "CronJob" => Some((
            "/spec/jobTemplate/spec/template/metadata",
            "/spec/jobTemplate/spec/template/spec",
        )),
        "PodTemplate" => Some(("/template/metadata", "/template/spec")),
        _ => None,
    }
}

/// The workload kinds whose pods must restart (`restartPolicy: Always`).
fn restarts_always(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController"
    )
}

/// The containers of a pod spec, with their JSON Pointers.
pub(crate) fn containers<'a>(
    spec: &'a Value,
    spec_path: &str,
) -> impl Iterator<Item = (String, &'a Value)> + 'a {
    let spec_path = spec_path.to_string();
    ["initContainers", "containers", "ephemeralContainers"]
        .into_iter()
        .flat_map(move |list| {
            let spec_path = spec_path.clone();
            spec.get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(i, c)| (format!("{spec_path}/{list}/{i}"), c))
        })
}

/// Whether a `LabelSelector` (`matchLabels` + `matchExpressions`) selects `labels`.
pub(crate) fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    selector_matches_labels(selector, |key| labels.get(key).and_then(Value::as_str))
}

/// [`selector_matches`] over labels given by a lookup (`label(key)` is the label's value).
pub(crate) fn selector_matches_labels<'a>(
    selector: &Value,
    label: impl Fn(&str) -> Option<&'a str>,
) -> bool {
    if let Some(Value::Object(match_labels)) = selector.get("matchLabels")
        && !match_labels.iter().all(|(k, v)| label(k) == v.as_str())
    {
        return false;
    }
    let Some(Value::Array(expressions)) = selector.get("matchExpressions") else {
        return true;
    };
    expressions.iter().all(|expression| {
        let key = expression.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = expression
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match expression.get("operator").and_then(Value::as_str) {
            Some("In") => label(key).is_some_and(|v| values.contains(&v)),
            Some("NotIn") => label(key).is_none_or(|v| !values.contains(&v)),
            Some("Exists") => label(key).is_some(),
            Some("DoesNotExist") => label(key).is_none(),
            _ => false,
        }
    })
}

fn pointer_join(base: &str, key: &str) -> String {
    format!("{base}/{}", escape_segment(key))
}

struct Rules<'a> {
    object: &'a Object,
    /// The API server's NodePort range.
    node_ports: super::NodePortRange,
    problems: Vec<Diagnostic>,
}

impl Rules<'_> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>, hint: Option<&str>) {
        self.problems.push(self.object.problem(
            Severity::Error,
            Check::Rules,
            path,
            message,
            hint.map(str::to_string),
        ));
    }

    fn warning(&mut self, path: impl Into<String>, message: impl Into<String>, hint: Option<&str>) {
        self.problems.push(self.object.problem(
            Severity::Warning,
            Check::Rules,
            path,
            message,
            hint.map(str::to_string),
        ));
    }

    fn name(&mut self, namespaced: Option<bool>) {
        let kind = self.object.kind();
        let name = self.object.metadata_str("name");
        let generate_name = self.object.metadata_str("generateName");
        match (name, generate_name) {
            (None, None) | (Some(""), None) => self.error(
                "/metadata/name",
                "missing metadata.name (or metadata.generateName)",
                Some("every object needs a name"),
            ),
            (Some(name), _) if !name.is_empty() => {
                let (valid, rule) = match kind {
                    "Service" => (
                        is_dns1035_label(name),
                        "a DNS-1035 label: lower-case letters, digits and '-', starting with a letter, at most 63 characters",
                    ),
                    "Namespace" => (
                        is_dns1123_label(name),
                        "a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters",
                    ),
                    "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => (
                        is_path_segment_name(name),
                        "a path segment: no '/' or '%', not '.' or '..'",
                    ),
                    _ => (
                        is_dns1123_subdomain(name),
                        "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters",
                    ),
                };
                if !valid {
                    self.error(
                        "/metadata/name",
                        format!("invalid name \"{name}\": a {kind} name must be {rule}"),
                        None,
                    );
                }
            }
            _ => {}
        }
        if let Some(namespace) = self.object.metadata_str("namespace") {
            if !is_dns1123_label(namespace) {
                self.error(
                    "/metadata/namespace",
                    format!("invalid namespace \"{namespace}\": it must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)"),
                    None,
                );
            } else if namespaced == Some(false) {
                self.warning(
                    "/metadata/namespace",
                    format!("{kind} is cluster-scoped: its namespace \"{namespace}\" is ignored"),
                    Some("remove metadata.namespace"),
                );
            }
        }
    }

    fn labels(&mut self, metadata_path: &str, metadata: Option<&Value>) {
        let Some(metadata) = metadata else { return };
        if let Some(Value::Object(labels)) = metadata.get("labels") {
            self.label_map(&format!("{metadata_path}/labels"), labels, "label");
        }
        if let Some(Value::Object(annotations)) = metadata.get("annotations") {
            let mut size = 0;
            for (key, value) in annotations {
                size += key.len() + value.as_str().map_or(0, str::len);
                if !is_qualified_name(key) {
                    self.error(
                        pointer_join(&format!("{metadata_path}/annotations"), key),
                        format!("invalid annotation key \"{key}\": {QUALIFIED_NAME_RULE}"),
                        None,
                    );
                }
            }
            if size > 256 * 1024 {
                self.error(
                    format!("{metadata_path}/annotations"),
                    format!("annotations total {size} bytes; the limit is 256 KiB"),
                    Some("move large data into a ConfigMap"),
                );
            }
        }
    }

    fn label_map(&mut self, path: &str, labels: &Map<String, Value>, what: &str) {
        for (key, value) in labels {
            let key_path = pointer_join(path, key);
            if !is_qualified_name(key) {
                self.error(
                    key_path.clone(),
                    format!("invalid {what} key \"{key}\": {QUALIFIED_NAME_RULE}"),
                    None,
                );
            }
            if let Some(text) = value.as_str()
                && !is_label_value(text)
            {
                self.error(
                    key_path,
                    format!("invalid {what} value \"{text}\" for \"{key}\": at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
                    None,
                );
            }
        }
    }

    fn port(
        &mut self,
        path: impl FnOnce() -> String,
        value: Option<&Value>,
        what: &str,
        named: bool,
        zero_ok: bool,
    ) {
        match value {
            Some(Value::Number(n)) => {
                let port = n.as_i64().unwrap_or(-1);
                if !((1..=65535).contains(&port) || zero_ok && port == 0) {
                    self.error(
                        path(),
                        format!("{what} {n} is not a valid port: it must be between 1 and 65535"),
                        None,
                    );
                }
            }
            Some(Value::String(name)) if named && !is_port_name(name) => {
                let hint = name
                    .parse::<u16>()
                    .is_ok()
                    .then_some("a port number must not be quoted");
                self.error(
                    path(),
                    format!("{what} \"{name}\" is not a valid port name: at most 15 lower-case letters, digits and '-', with at least one letter"),
                    hint,
                );
            }
            _ => {}
        }
    }

    fn pod(&mut self, kind: &str, metadata_path: &str, spec_path: &str) {
        let value = &self.object.value;
        let Some(spec) = at(value, spec_path) else {
            if kind != "Pod" && kind != "PodTemplate" {
                self.error(
                    spec_path
                        .rsplit_once('/')
                        .map_or(spec_path, |(parent, _)| parent),
                    format!("a {kind} needs a pod template"),
                    None,
                );
            }
            return;
        };
        let restart = spec
            .get("restartPolicy")
            .and_then(Value::as_str)
            .unwrap_or("");
        let restart_path = format!("{spec_path}/restartPolicy");
        if restarts_always(kind) && !matches!(restart, "" | "Always") {
            self.error(
                restart_path,
                format!("a {kind}'s pods must have restartPolicy Always, not {restart}"),
                Some("remove restartPolicy; use a Job for pods that run to completion"),
            );
        } else if matches!(kind, "Job" | "CronJob") && !matches!(restart, "Never" | "OnFailure") {
            let found = if restart.is_empty() {
                "none (which defaults to Always)".to_string()
            } else {
                restart.to_string()
            };
            self.error(
                restart_path,
                format!(
                    "a {kind}'s pods must have restartPolicy Never or OnFailure, found {found}"
                ),
                Some(
                    "set restartPolicy: OnFailure (retry in place) or Never (a new pod per retry)",
                ),
            );
        }
        self.labels(metadata_path, at(value, metadata_path));

        let volumes: Vec<&str> = spec
            .get("volumes")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(|v| v.get("name").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = Vec::new();
        for (i, name) in volumes.iter().enumerate() {
            let path = format!("{spec_path}/volumes/{i}/name");
            if !is_dns1123_label(name) {
                self.error(
                    path.clone(),
                    format!("invalid volume name \"{name}\": it must be a DNS-1123 label"),
                    None,
                );
            }
            if seen.contains(name) {
                self.error(path, format!("duplicate volume name \"{name}\""), None);
            }
            seen.push(name);
        }
        // A StatefulSet's pods also mount the claims its volumeClaimTemplates make.
        let claims = if kind == "StatefulSet" {
            value
                .get("spec")
                .and_then(|spec| spec.get("volumeClaimTemplates"))
                .and_then(Value::as_array)
                .map(|templates| {
                    templates
                        .iter()
                        .filter_map(|t| at(t, "/metadata/name").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mountable: Vec<&str> = volumes.iter().copied().chain(claims).collect();
        let mut container_names = Vec::new();
        for (path, container) in containers(spec, spec_path) {
            if let Some(name) = container.get("name").and_then(Value::as_str) {
                if !is_dns1123_label(name) {
                    self.error(format!("{path}/name"), format!("invalid container name \"{name}\": it must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)"), None);
                }
                if container_names.contains(&name) {
                    self.error(
                        format!("{path}/name"),
                        format!("duplicate container name \"{name}\""),
                        None,
                    );
                }
                container_names.push(name);
            }
            self.container(&path, container, &mountable);
        }
        self.list_map_keys(spec, spec_path);
    }

    fn container(&mut self, path: &str, container: &Value, volumes: &[&str]) {
        if let Some(Value::Array(ports)) = container.get("ports") {
            for (i, port) in ports.iter().enumerate() {
                let port_path = format!("{path}/ports/{i}");
                self.port(
                    || format!("{port_path}/containerPort"),
                    port.get("containerPort"),
                    "containerPort",
                    false,
                    false,
                );
                self.port(
                    || format!("{port_path}/hostPort"),
                    port.get("hostPort"),
                    "hostPort",
                    false,
                    true,
                );
                if let Some(name) = port.get("name").and_then(Value::as_str) {
                    let name = Value::String(name.into());
                    self.port(
                        || format!("{port_path}/name"),
                        Some(&name),
                        "port name",
                        true,
                        false,
                    );
                }
            }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            for action in ["httpGet", "tcpSocket", "grpc"] {
                let port = container
                    .get(probe)
                    .and_then(|p| p.get(action))
                    .and_then(|a| a.get("port"));
                if let Some(port) = port {
                    self.port(
                        || format!("{path}/{probe}/{action}/port"),
                        Some(port),
                        "probe port",
                        action != "grpc",
                        false,
                    );
                }
            }
        }
        if let Some(Value::Array(mounts)) = container.get("volumeMounts") {
            for (i, mount) in mounts.iter().enumerate() {
                if let Some(name) = mount.get("name").and_then(Value::as_str)
                    && !volumes.contains(&name)
                {
                    self.error(
                        format!("{path}/volumeMounts/{i}/name"),
                        format!("volumeMount \"{name}\" names no volume of the pod"),
                        Some("add it under the pod's volumes (or, in a StatefulSet, its volumeClaimTemplates), or fix the name"),
                    );
                }
            }
        }
        self.resources(path, container.get("resources"));
    }

    fn resources(&mut self, path: &str, resources: Option<&Value>) {
        let Some(resources) = resources else { return };
        let parsed = |section: &str| -> Vec<(String, Quantity)> {
            let mut out = Vec::new();
            if let Some(Value::Object(map)) = resources.get(section) {
                for (name, value) in map {
                    // A value that is not a quantity is the schema's to report (its
                    // `quantity` format, where the API uses Quantity).
                    if let Some(q) = Quantity::from_value(value) {
                        out.push((name.clone(), q));
                    }
                }
            }
            out
        };
        let requests = parsed("requests");
        let limits = parsed("limits");
        for (name, request) in &requests {
            let Some((_, limit)) = limits.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let request_path = pointer_join(&format!("{path}/resources/requests"), name);
            let overcommittable = !name.contains('/') || name.starts_with("kubernetes.io/");
            let overcommittable = overcommittable && !name.starts_with("hugepages-");
            let (text, limit_text) = (
                resources
                    .get("requests")
                    .and_then(|requests| requests.get(name))
                    .map(super::schema::describe)
                    .unwrap_or_default(),
                resources
                    .get("limits")
                    .and_then(|limits| limits.get(name))
                    .map(super::schema::describe)
                    .unwrap_or_default(),
            );
            match request.partial_cmp(limit) {
                Some(Ordering::Greater) => self.error(
                    request_path,
                    format!("the {name} request ({text}) is above its limit ({limit_text})"),
                    Some("lower the request or raise the limit"),
                ),
                Some(Ordering::Less) if !overcommittable => self.error(
                    request_path,
                    format!("the {name} request ({text}) must equal its limit ({limit_text}): {name} cannot be overcommitted"),
                    Some("set only the limit; the request defaults to it"),
                ),
                _ => {}
            }
        }
    }

    fn selector(&mut self, kind: &str, metadata_path: &str) {
        let value = &self.object.value;
        let selector = at(value, "/spec/selector");
        let labels = at(value, metadata_path)
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object);
        let empty = Map::new();
        let labels = labels.unwrap_or(&empty);
        match kind {
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
                let Some(selector) = selector else {
                    self.error(
                        "/spec/selector",
                        format!("a {kind} needs spec.selector"),
                        Some("select the pod template's labels with spec.selector.matchLabels"),
                    );
                    return;
                };
                let is_empty = selector
                    .get("matchLabels")
                    .and_then(Value::as_object)
                    .is_none_or(Map::is_empty)
                    && selector
                        .get("matchExpressions")
                        .and_then(Value::as_array)
                        .is_none_or(Vec::is_empty);
                if is_empty {
                    self.error(
                        "/spec/selector",
                        format!("a {kind}'s selector must not be empty"),
                        Some("select the pod template's labels with spec.selector.matchLabels"),
                    );
                } else if !selector_matches(selector, labels) {
                    self.error(
                        "/spec/selector",
                        format!("the selector does not match the pod template's labels, so the {kind} would never own its pods"),
                        Some("make spec.selector.matchLabels a subset of spec.template.metadata.labels"),
                    );
                }
                if let Some(Value::Object(match_labels)) = selector.get("matchLabels") {
                    self.label_map("/spec/selector/matchLabels", match_labels, "selector label");
                }
            }
            "ReplicationController" => {
                if let Some(Value::Object(map)) = selector
                    && !map.iter().all(|(k, v)| labels.get(k) == Some(v))
                {
                    self.error(
                        "/spec/selector",
                        "the selector does not match the pod template's labels",
                        None,
                    );
                }
            }
            "Job" => {
                let manual = at(value, "/spec/manualSelector") == Some(&Value::Bool(true));
                if manual
                    && let Some(selector) = selector
                    && !selector_matches(selector, labels)
                {
                    self.error(
                        "/spec/selector",
                        "the selector does not match the pod template's labels",
                        None,
                    );
                }
            }
            _ => {}
        }
    }

    fn service(&mut self) {
        let spec = self.object.value.get("spec");
        let service_type = spec
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP");
        let headless = spec
            .and_then(|s| s.get("clusterIP"))
            .and_then(Value::as_str)
            == Some("None");
        let ports = spec.and_then(|s| s.get("ports")).and_then(Value::as_array);
        if service_type == "ExternalName" {
            if spec.and_then(|s| s.get("externalName")).is_none() {
                self.error(
                    "/spec/externalName",
                    "an ExternalName Service needs spec.externalName",
                    None,
                );
            }
            return;
        }
        let Some(ports) = ports.filter(|p| !p.is_empty()) else {
            if !headless {
                self.error("/spec/ports", "a Service needs at least one port (only a headless Service, clusterIP: None, may have none)", None);
            }
            return;
        };
        let mut names = Vec::new();
        for (i, port) in ports.iter().enumerate() {
            let path = format!("/spec/ports/{i}");
            self.port(
                || format!("{path}/port"),
                port.get("port"),
                "port",
                false,
                false,
            );
            self.port(
                || format!("{path}/targetPort"),
                port.get("targetPort"),
                "targetPort",
                true,
                false,
            );
            self.port(
                || format!("{path}/nodePort"),
                port.get("nodePort"),
                "nodePort",
                false,
                true,
            );
            if let Some(node_port) = port.get("nodePort").and_then(Value::as_i64)
                && node_port != 0
            {
                if matches!(service_type, "ClusterIP" | "ExternalName") {
                    self.error(
                        format!("{path}/nodePort"),
                        format!("a {service_type} Service has no NodePorts"),
                        Some("remove nodePort, or make the Service type NodePort or LoadBalancer"),
                    );
                } else if (1..=65535).contains(&node_port) && !self.node_ports.contains(node_port) {
                    let range = self.node_ports;
                    self.warning(
                        format!("{path}/nodePort"),
                        format!("nodePort {node_port} is outside the NodePort range {range}: the API server rejects it unless its --service-node-port-range includes it"),
                        Some("leave nodePort out to get a free one, or pick one in the range (`--node-port-range` if your cluster's differs)"),
                    );
                }
            }
            match port.get("name").and_then(Value::as_str) {
                Some(name) => {
                    if !is_dns1123_label(name) {
                        self.error(
                            format!("{path}/name"),
                            format!("invalid port name \"{name}\": it must be a DNS-1123 label"),
                            None,
                        );
                    }
                    if names.contains(&name) {
                        self.error(
                            format!("{path}/name"),
                            format!("duplicate port name \"{name}\""),
                            None,
                        );
                    }
                    names.push(name);
                }
                None if ports.len() > 1 => self.error(
                    format!("{path}/name"),
                    "a Service with several ports must name each of them",
                    Some("add name: http (or similar) to every port"),
                ),
                None => {}
            }
        }
    }

    fn ingress(&mut self) {
        let Some(Value::Array(rules)) = at(&self.object.value, "/spec/rules") else {
            return;
        };
        for (i, rule) in rules.iter().enumerate() {
            let Some(Value::Array(paths)) = at(rule, "/http/paths") else {
                continue;
            };
            for (j, path) in paths.iter().enumerate() {
                let path_type = path.get("pathType").and_then(Value::as_str).unwrap_or("");
                let text = path.get("path").and_then(Value::as_str);
                if matches!(path_type, "Prefix" | "Exact")
                    && text.is_some_and(|p| !p.starts_with('/'))
                {
                    self.error(
                        format!("/spec/rules/{i}/http/paths/{j}/path"),
                        format!("a {path_type} path must start with '/'"),
                        None,
                    );
                }
            }
        }
    }
}

const QUALIFIED_NAME_RULE: &str = "an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/// Every API-server rule violated by `object`. `namespaced` is the kind's scope, when known.
pub(crate) fn rule_problems(
    object: &Object,
    namespaced: Option<bool>,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut rules = Rules {
        object,
        node_ports: config.node_ports,
        problems: Vec::new(),
    };
    let kind = object.kind();
    rules.name(namespaced);
    rules.labels("/metadata", object.value.get("metadata"));
    if let Some((metadata_path, spec_path)) = pod_template(kind) {
        rules.pod(kind, metadata_path, spec_path);
        rules.selector(kind, metadata_path);
    }
    match kind {
        "Secret" => {
            rules.data_keys();
            rules.secret_type();
        }
        "ConfigMap" => rules.data_keys(),
        "CustomResourceDefinition" => rules.crd(),
        "Service" => rules.service(),
        "Ingress" => rules.ingress(),
        _ => {}
    }
    rules.problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use serde_json::json;

    fn check(value: Value) -> Vec<String> {
        let object = Object::new(value, SourceId(0), 1, None);
        rule_problems(&object, Some(true), &Config::default())
            .into_iter()
            .map(|p| format!("{} {}", p.path, p.message))
            .collect()
    }

    fn deployment(pod: Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "mnist"},
            "spec": {
                "selector": {"matchLabels": {"app": "mnist"}},
                "template": {"metadata": {"labels": {"app": "mnist"}}, "spec": pod}
            }
        })
    }

    #[test]
    fn a_valid_deployment_has_no_problem() {
        let problems = check(deployment(json!({
            "containers": [{"name": "mnist", "image": "i", "ports": [{"name": "http", "containerPort": 5000}],
                "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": 1, "memory": "1Gi"}},
                "volumeMounts": [{"name": "models", "mountPath": "/m"}],
                "readinessProbe": {"httpGet": {"path": "/", "port": "http"}}}],
            "volumes": [{"name": "models", "emptyDir": {}}]
        })));
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn ports_out_of_range() {
        let problems = check(deployment(json!({
            "containers": [{"name": "a", "ports": [{"containerPort": 70000, "hostPort": 0}, {"containerPort": 0}]}]
        })));
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("70000 is not a valid port"));
    }

    #[test]
    fn restart_policies_follow_the_workload() {
        let problems = check(deployment(
            json!({"restartPolicy": "Never", "containers": []}),
        ));
        assert!(problems[0].contains("restartPolicy Always"), "{problems:?}");
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "train"},
            "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}});
        let problems = check(job);
        assert!(problems[0].contains("Never or OnFailure"), "{problems:?}");
        let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "a"}]}}}}}});
        assert!(check(cron).is_empty());
    }

    #[test]
    fn selectors_must_match_their_template() {
        let mut value = deployment(json!({"containers": [{"name": "a"}]}));
        value["spec"]["selector"] = json!({"matchLabels": {"app": "other"}});
        assert!(check(value.clone())[0].contains("does not match"));
        value["spec"]["selector"] =
            json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["mnist"]}]});
        assert!(check(value.clone()).is_empty());
        value["spec"]["selector"] = json!({});
        assert!(check(value.clone())[0].contains("must not be empty"));
        value["spec"].as_object_mut().map(|s| s.remove("selector"));
        assert!(check(value)[0].contains("needs spec.selector"));
    }

    #[test]
    fn names_and_labels() {
        let problems = check(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "9lives",
            "namespace": "ML", "labels": {"bad key!": "v", "ok": "not valid"}},
            "spec": {"ports": [{"port": 80}]}}),
        );
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            check(json!({"kind": "ConfigMap", "metadata": {}}))[0]
                .contains("missing metadata.name")
        );
        assert!(check(json!({"kind": "Job", "metadata": {"generateName": "pi-"}, "spec": {"template": {"spec": {"restartPolicy": "Never"}}}})).is_empty());
        assert!(check(json!({"kind": "ClusterRole", "metadata": {"name": "system:x"}})).is_empty());
    }

    #[test]
    fn requests_do_not_exceed_limits() {
        let problems = check(deployment(
            json!({"containers": [{"name": "a", "resources": {
            "requests": {"cpu": "2", "memory": "1 Gi", "nvidia.com/gpu": 1},
            "limits": {"cpu": "1500m", "memory": "1Gi", "nvidia.com/gpu": 2}}}]}),
        ));
        // `1 Gi` is not a quantity: the schema's `quantity` format reports it, not these rules.
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("above its limit")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("cannot be overcommitted"))
        );
    }

    #[test]
    fn stateful_set_pods_mount_their_claim_templates() {
        let stateful_set = |claim: &str| {
            json!({"kind": "StatefulSet", "metadata": {"name": "web"}, "spec": {
                "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [
                    {"name": "nginx", "image": "nginx", "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}
                ]}},
                "volumeClaimTemplates": [{"metadata": {"name": claim}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
            }})
        };
        assert!(check(stateful_set("www")).is_empty());
        let problems = check(stateful_set("data"));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("names no volume of the pod"));
    }

    #[test]
    fn server_side_apply_list_keys_are_unique() {
        let problems = check(deployment(json!({
            "containers": [{"name": "a", "image": "a:1",
                "env": [{"name": "X", "value": "1"}, {"name": "Y"}, {"name": "X", "value": "2"}],
                "ports": [{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}, {"containerPort": 80, "protocol": "TCP", "name": "http"}]}],
            "imagePullSecrets": [{"name": "r"}, {"name": "r"}]
        })));
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].contains("imagePullSecrets 0 and 1 have the same key (name=r)"),
            "{problems:#?}"
        );
        assert!(
            problems[1].contains("env 0 and 2 have the same key (name=X)"),
            "{problems:#?}"
        );
        assert!(
            problems[2]
                .contains("ports 0 and 2 have the same key (containerPort=80, protocol=TCP)"),
            "{problems:#?}"
        );
    }

    #[test]
    fn containers_and_volumes() {
        let problems = check(deployment(json!({
            "containers": [{"name": "A", "volumeMounts": [{"name": "missing", "mountPath": "/x"}]}, {"name": "A"}],
            "volumes": [{"name": "v"}, {"name": "v"}]
        })));
        assert_eq!(problems.len(), 5, "{problems:#?}");
    }

    #[test]
    fn services_and_ingresses() {
        let problems = check(
            json!({"kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [
            {"port": 80, "targetPort": "8080"}, {"port": 443, "name": "https", "targetPort": 70000}]}}),
        );
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            check(json!({"kind": "Service", "metadata": {"name": "web"}, "spec": {}}))[0]
                .contains("at least one port")
        );
        assert!(check(json!({"kind": "Service", "metadata": {"name": "db"}, "spec": {"clusterIP": "None"}})).is_empty());
        let ingress = json!({"kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"http": {"paths": [
            {"path": "v1", "pathType": "Prefix", "backend": {}}]}}]}});
        assert!(check(ingress)[0].contains("must start with '/'"));
    }

    #[test]
    fn label_selectors() {
        let labels = json!({"app": "a", "track": "canary"});
        let labels = labels.as_object().cloned().unwrap_or_default();
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "a"}}),
            &labels
        ));
        assert!(!selector_matches(
            &json!({"matchLabels": {"app": "b"}}),
            &labels
        ));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["stable"]}]}),
            &labels
        ));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "color", "operator": "DoesNotExist"}]}),
            &labels
        ));
        assert!(!selector_matches(
            &json!({"matchExpressions": [{"key": "color", "operator": "Exists"}]}),
            &labels
        ));
    }
}
