//! Checks across objects: duplicates, Services that select no pods, target ports no
//! container declares, Ingress backends that name no Service port, and Secrets or ConfigMaps
//! that are referenced but not defined.
//!
//! Each object is reduced to a few [`Facts`] while it is checked (on whichever core read
//! it), so a stream of any length never keeps its documents, only these.

mod index;
mod intern;
mod scaling;

pub(crate) use intern::{Collected, Interner};

use super::document::at;
use super::object::{Object, Site};
use super::rules::{containers, pod_template};
use crate::diagnostic::{Check, Diagnostic, Severity};
use crate::source::SourceMap;
use index::{NameIndex, PodIndex};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Text shared between the facts of a stream (see [`Interner`]).
type Text = Arc<str>;

/// A reference from one object to a Secret or ConfigMap.
#[derive(Debug, Clone)]
struct Reference {
    kind: &'static str,
    name: Text,
    key: Option<Text>,
    /// Where it is: `/spec/template/spec/volumes/0/secret/secretName`.
    path: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ContainerPort {
    name: Option<Text>,
    number: i64,
}

#[derive(Debug, Clone)]
struct ServicePort {
    path: String,
    name: Option<String>,
    port: i64,
    target: Option<Value>,
}

#[derive(Debug, Clone)]
struct Backend {
    path: String,
    service: String,
    port: Option<Value>,
}

/// What the cross-object checks need to know about a PodDisruptionBudget.
#[derive(Debug, Clone)]
struct Budget {
    selector: Option<Value>,
    min_available: Option<Value>,
    max_unavailable: Option<Value>,
}

/// Pod labels, sorted (text values only: others cannot match a selector).
type Labels = Arc<[(Text, Text)]>;

/// What the cross-object checks need to know about one object.
///
/// Kept for every object of a stream, so it is small: text is shared through an
/// [`Interner`] (a thousand copies of an app share their label sets, ports and paths), and
/// what only a few kinds have is behind [`Facts::more`].
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// Where it is (its value is dropped).
    site: Site,
    kind: Text,
    namespace: Option<Text>,
    name: Option<Text>,
    namespaced: bool,
    /// A workload with more than one replica and nothing spreading them (practices).
    wants_budget: bool,
    /// A workload's `spec.replicas`.
    replicas: Option<i64>,
    /// The pod template's labels.
    pod_labels: Option<Labels>,
    ports: Arc<[ContainerPort]>,
    references: Box<[Reference]>,
    /// What Services, Ingresses, routes, budgets, autoscalers, Secrets and ConfigMaps have.
    more: Option<Box<More>>,
}

/// The facts only some kinds have.
#[derive(Debug, Clone, Default)]
struct More {
    selector: Option<Box<Map<String, Value>>>,
    service_ports: Vec<ServicePort>,
    backends: Vec<Backend>,
    keys: Vec<Text>,
    /// A PodDisruptionBudget's selector and limits.
    budget: Option<Box<Budget>>,
    /// A HorizontalPodAutoscaler's target: kind and name.
    scale_target: Option<(Text, Text)>,
}

/// [`Facts`] while they are read.
#[derive(Default)]
struct Draft {
    ports: Vec<ContainerPort>,
    references: Vec<Reference>,
    more: More,
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn shared(value: Option<&Value>) -> Option<Text> {
    value.and_then(Value::as_str).map(Text::from)
}

fn optional(value: &Value) -> bool {
    value.get("optional") == Some(&Value::Bool(true))
}

impl Facts {
    /// Reads the facts of `object`; `namespaced` is its kind's scope when known.
    pub(crate) fn of(object: &Object, namespaced: Option<bool>) -> Facts {
        let value = &object.value;
        let kind = object.kind();
        let namespace = shared(at(value, "/metadata/namespace"));
        let mut draft = Draft::default();
        let mut pod_labels = None;
        let mut replicas = None;
        let mut wants_budget = false;
        if let Some((metadata_path, spec_path)) = pod_template(kind) {
            let labels = at(value, metadata_path)
                .and_then(|m| m.get("labels"))
                .and_then(Value::as_object);
            let mut labels: Vec<(Text, Text)> = labels
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((Text::from(k.as_str()), Text::from(v.as_str()?))))
                .collect();
            // Sorted, so that equal label sets group together whatever their order.
            labels.sort_unstable();
            pod_labels = Some(Labels::from(labels));
            replicas = at(value, "/spec/replicas").and_then(Value::as_i64);
            if let Some(spec) = at(value, spec_path) {
                draft.pod(spec, spec_path);
                wants_budget = super::practices::wants_disruption_budget(kind, value, spec);
            }
        }
        match kind {
            "Service" => draft.service(value),
            "Ingress" => draft.ingress(value),
            "PodDisruptionBudget" => {
                draft.more.budget = Some(Box::new(Budget {
                    selector: at(value, "/spec/selector").cloned(),
                    min_available: at(value, "/spec/minAvailable").cloned(),
                    max_unavailable: at(value, "/spec/maxUnavailable").cloned(),
                }));
            }
            "HorizontalPodAutoscaler" => {
                draft.more.scale_target = at(value, "/spec/scaleTargetRef").and_then(|target| {
                    Some((shared(target.get("kind"))?, shared(target.get("name"))?))
                });
            }
            "HTTPRoute" | "GRPCRoute" if is_gateway_api(value) => {
                draft.route(value, namespace.as_deref());
            }
            "Secret" | "ConfigMap" => {
                for section in ["data", "stringData", "binaryData"] {
                    if let Some(Value::Object(map)) = value.get(section) {
                        draft
                            .more
                            .keys
                            .extend(map.keys().map(|k| Text::from(k.as_str())));
                    }
                }
            }
            _ => {}
        }
        let mut pointers: Vec<String> = vec![
            "/metadata/name".into(),
            "/spec/selector".into(),
            "/spec/replicas".into(),
            "/spec/scaleTargetRef/name".into(),
        ];
        for port in &draft.more.service_ports {
            pointers.push(format!("{}/targetPort", port.path));
        }
        for backend in &draft.more.backends {
            pointers.push(format!("{}/name", backend.path));
            pointers.push(format!("{}/port", backend.path));
        }
        for reference in &draft.references {
            pointers.push(reference.path.replace("/name", "/key"));
            pointers.push(reference.path.to_string());
        }
        let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let Draft {
            ports,
            references,
            mut more,
        } = draft;
        more.service_ports.shrink_to_fit();
        more.backends.shrink_to_fit();
        more.keys.shrink_to_fit();
        let has_more = more.selector.is_some()
            || !more.service_ports.is_empty()
            || !more.backends.is_empty()
            || !more.keys.is_empty()
            || more.budget.is_some()
            || more.scale_target.is_some();
        Facts {
            site: object.site(&pointers),
            kind: Text::from(kind),
            namespace,
            name: shared(at(value, "/metadata/name")),
            namespaced: namespaced.unwrap_or(true),
            wants_budget,
            replicas,
            pod_labels,
            ports: ports.into(),
            references: references.into_boxed_slice(),
            more: has_more.then(|| Box::new(more)),
        }
    }

    /// The facts of a Service, Ingress, route, budget, autoscaler, Secret or ConfigMap.
    fn more(&self) -> &More {
        static NONE: std::sync::OnceLock<More> = std::sync::OnceLock::new();
        self.more
            .as_deref()
            .unwrap_or_else(|| NONE.get_or_init(More::default))
    }

    /// Replaces each text with the copy `strings` keeps, so that equal texts of a stream
    /// are stored once.
    pub(crate) fn share(&mut self, strings: &mut Interner) {
        self.kind = strings.text(&self.kind);
        for text in [&mut self.namespace, &mut self.name].into_iter().flatten() {
            *text = strings.text(text);
        }
        if let Some(labels) = &self.pod_labels {
            self.pod_labels = Some(strings.labels(labels));
        }
        self.ports = strings.ports(&self.ports);
        for reference in &mut self.references {
            reference.name = strings.text(&reference.name);
            reference.path = strings.text(&reference.path);
            if let Some(key) = &reference.key {
                reference.key = Some(strings.text(key));
            }
        }
        if let Some(more) = &mut self.more {
            for key in &mut more.keys {
                *key = strings.text(key);
            }
        }
    }
}

impl Draft {
    /// Records the Secret or ConfigMap a source names under one of `fields` (`secretRef`,
    /// `configMap`, ...), unless it is optional.
    fn named_references(&mut self, source: &Value, fields: [(&str, &'static str); 2], path: &str) {
        for (field, kind) in fields {
            if let Some(reference) = source.get(field)
                && !optional(reference)
            {
                self.reference(
                    kind,
                    reference.get("name"),
                    None,
                    format!("{path}/{field}/name"),
                );
            }
        }
    }

    fn reference(
        &mut self,
        kind: &'static str,
        name: Option<&Value>,
        key: Option<&Value>,
        path: String,
    ) {
        if let Some(name) = name.and_then(Value::as_str).filter(|n| !n.is_empty()) {
            self.references.push(Reference {
                kind,
                name: Text::from(name),
                key: shared(key),
                path: Text::from(path),
            });
        }
    }

    fn pod(&mut self, spec: &Value, spec_path: &str) {
        for (path, container) in containers(spec, spec_path) {
            if let Some(Value::Array(ports)) = container.get("ports") {
                for port in ports {
                    if let Some(number) = port.get("containerPort").and_then(Value::as_i64) {
                        self.ports.push(ContainerPort {
                            name: shared(port.get("name")),
                            number,
                        });
                    }
                }
            }
            if let Some(Value::Array(env)) = container.get("env") {
                for (i, var) in env.iter().enumerate() {
                    for (field, kind) in
                        [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")]
                    {
                        if let Some(selector) =
                            var.get("valueFrom").and_then(|from| from.get(field))
                            && !optional(selector)
                        {
                            self.reference(
                                kind,
                                selector.get("name"),
                                selector.get("key"),
                                format!("{path}/env/{i}/valueFrom/{field}/name"),
                            );
                        }
                    }
                }
            }
            if let Some(Value::Array(sources)) = container.get("envFrom") {
                for (i, source) in sources.iter().enumerate() {
                    self.named_references(
                        source,
                        [("secretRef", "Secret"), ("configMapRef", "ConfigMap")],
                        &format!("{path}/envFrom/{i}"),
                    );
                }
            }
        }
        if let Some(Value::Array(volumes)) = spec.get("volumes") {
            for (i, volume) in volumes.iter().enumerate() {
                let path = format!("{spec_path}/volumes/{i}");
                if let Some(secret) = volume.get("secret")
                    && !optional(secret)
                {
                    self.reference(
                        "Secret",
                        secret.get("secretName"),
                        None,
                        format!("{path}/secret/secretName"),
                    );
                }
                if let Some(config_map) = volume.get("configMap")
                    && !optional(config_map)
                {
                    self.reference(
                        "ConfigMap",
                        config_map.get("name"),
                        None,
                        format!("{path}/configMap/name"),
                    );
                }
                if let Some(claim) = volume.get("persistentVolumeClaim") {
                    self.reference(
                        "PersistentVolumeClaim",
                        claim.get("claimName"),
                        None,
                        format!("{path}/persistentVolumeClaim/claimName"),
                    );
                }
                if let Some(Value::Array(sources)) = at(volume, "/projected/sources") {
                    for (j, source) in sources.iter().enumerate() {
                        self.named_references(
                            source,
                            [("secret", "Secret"), ("configMap", "ConfigMap")],
                            &format!("{path}/projected/sources/{j}"),
                        );
                    }
                }
            }
        }
        if let Some(Value::Array(secrets)) = spec.get("imagePullSecrets") {
            for (i, secret) in secrets.iter().enumerate() {
                self.reference(
                    "Secret",
                    secret.get("name"),
                    None,
                    format!("{spec_path}/imagePullSecrets/{i}/name"),
                );
            }
        }
    }

    fn service(&mut self, value: &Value) {
        let Some(spec) = value.get("spec") else {
            return;
        };
        if spec.get("type").and_then(Value::as_str) == Some("ExternalName") {
            return;
        }
        self.more.selector = spec
            .get("selector")
            .and_then(Value::as_object)
            .filter(|s| !s.is_empty())
            .map(|s| Box::new(s.clone()));
        if let Some(Value::Array(ports)) = spec.get("ports") {
            for (i, port) in ports.iter().enumerate() {
                if let Some(number) = port.get("port").and_then(Value::as_i64) {
                    self.more.service_ports.push(ServicePort {
                        path: format!("/spec/ports/{i}"),
                        name: text(port.get("name")),
                        port: number,
                        target: port.get("targetPort").cloned(),
                    });
                }
            }
        }
    }

    fn ingress(&mut self, value: &Value) {
        let mut backend = |backend: &Value, path: String| {
            if let Some(service) = backend.get("service")
                && let Some(name) = text(service.get("name"))
            {
                let port = service
                    .get("port")
                    .and_then(|p| p.get("number").or_else(|| p.get("name")))
                    .cloned();
                self.more.backends.push(Backend {
                    path: format!("{path}/service"),
                    service: name,
                    port,
                });
            }
        };
        if let Some(default) = at(value, "/spec/defaultBackend") {
            backend(default, "/spec/defaultBackend".into());
        }
        if let Some(Value::Array(rules)) = at(value, "/spec/rules") {
            for (i, rule) in rules.iter().enumerate() {
                if let Some(Value::Array(paths)) = at(rule, "/http/paths") {
                    for (j, path) in paths.iter().enumerate() {
                        if let Some(b) = path.get("backend") {
                            backend(b, format!("/spec/rules/{i}/http/paths/{j}/backend"));
                        }
                    }
                }
            }
        }
        if let Some(Value::Array(tls)) = at(value, "/spec/tls") {
            for (i, entry) in tls.iter().enumerate() {
                self.reference(
                    "Secret",
                    entry.get("secretName"),
                    None,
                    format!("/spec/tls/{i}/secretName"),
                );
            }
        }
    }

    /// The Services a Gateway API route sends requests to (backends of another kind, or in
    /// another namespace through a ReferenceGrant, are not followed).
    fn route(&mut self, value: &Value, namespace: Option<&str>) {
        let Some(Value::Array(rules)) = at(value, "/spec/rules") else {
            return;
        };
        for (i, rule) in rules.iter().enumerate() {
            let Some(Value::Array(backends)) = rule.get("backendRefs") else {
                continue;
            };
            for (j, backend) in backends.iter().enumerate() {
                let group = backend.get("group").and_then(Value::as_str).unwrap_or("");
                let kind = backend
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("Service");
                let elsewhere = backend
                    .get("namespace")
                    .and_then(Value::as_str)
                    .is_some_and(|n| Some(n) != namespace);
                if !group.is_empty() || kind != "Service" || elsewhere {
                    continue;
                }
                if let Some(name) = text(backend.get("name")) {
                    self.more.backends.push(Backend {
                        path: format!("/spec/rules/{i}/backendRefs/{j}"),
                        service: name,
                        port: backend.get("port").cloned(),
                    });
                }
            }
        }
    }
}

/// Options of the cross-object checks.
pub(crate) struct CrossOptions<'a> {
    /// The input is the whole app: missing references are errors, not warnings.
    pub complete: bool,
    /// Names (`NAME` or `Kind/NAME`) that exist outside the input.
    pub externals: &'a [String],
    /// Report duplicates (a rule).
    pub rules: bool,
    /// Report references.
    pub references: bool,
    /// The input was rendered from values: hints name the values keys that declare
    /// external objects instead of `--external`.
    pub values_hints: bool,
    /// The inputs' names, for messages that point at a second place.
    pub sources: &'a SourceMap,
    /// Report best practices, at this severity.
    pub practices: Option<Severity>,
}

/// True for an object of the Gateway API group (`gateway.networking.k8s.io/...`).
fn is_gateway_api(value: &Value) -> bool {
    value
        .get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("gateway.networking.k8s.io/"))
}

/// Workloads with more than one replica, no spreading, and no PodDisruptionBudget in their
/// namespace that selects their pods.
fn disruption_problems(all: &[Facts], pods: &PodIndex<'_>, severity: Severity) -> Vec<Diagnostic> {
    let mut covered = vec![false; all.len()];
    for budget in all {
        let Some(selector) = budget
            .more()
            .budget
            .as_ref()
            .and_then(|b| b.selector.as_ref())
        else {
            continue;
        };
        for group in pods.selected_in(budget.namespace.as_deref(), selector) {
            for &position in &group.members {
                covered[position as usize] = true;
            }
        }
    }
    let mut problems = Vec::new();
    for (facts, covered) in all.iter().zip(covered) {
        if facts.wants_budget && !covered {
            problems.push(facts.site.problem(
                severity,
                Check::Practices,
                "/spec/replicas",
                "disruption-budget: more than one replica, but no PodDisruptionBudget and no topology spread or pod anti-affinity: a node drain may stop every pod at once",
                Some("spread the pods (`topologySpreadConstraints`; tack's default with replicas > 1) or add a PodDisruptionBudget that selects them".into()),
            ));
        }
    }
    problems
}

fn is_external(externals: &[String], kind: &str, name: &str) -> bool {
    externals
        .iter()
        .any(|external| match external.split_once('/') {
            Some((k, n)) => k.eq_ignore_ascii_case(kind) && n == name,
            None => external == name,
        })
}

fn selector_text(selector: &Map<String, Value>) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Every cross-object problem of a set of objects.
#[cfg(test)]
pub(crate) fn cross_problems(all: &[Facts], options: &CrossOptions<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    emit_cross_problems(all, options, &mut |problem| problems.push(problem));
    problems
}

/// Hands each cross-object problem to `emit` as it is found (a million objects' warnings
/// are not collected first): duplicates, disruption budgets, scaling targets, then each
/// object's selectors, backends and references in input order.
pub(crate) fn emit_cross_problems(
    all: &[Facts],
    options: &CrossOptions<'_>,
    emit: &mut dyn FnMut(Diagnostic),
) {
    let severity = if options.complete {
        Severity::Error
    } else {
        Severity::Warning
    };
    let hint_outside = |what: &str| {
        Some(if options.values_hints {
            match what {
                "Secret" => "render the Secret too (`secrets`, `tlsSecrets` or a template), or list it under `externalSecrets` in the values if it is created elsewhere".to_string(),
                "ConfigMap" => "render the ConfigMap too (a template), or list it under `externalConfigMaps` in the values if it is created elsewhere".to_string(),
                "PersistentVolumeClaim" => "create the claim before the release (`kubectl get pvc`), or render it from a template".to_string(),
                _ => format!("render the {what} too, from the chart's values or a template"),
            }
        } else if options.complete {
            format!(
                "add the {what} to the input, or declare it with --external if it is created elsewhere"
            )
        } else {
            format!(
                "if the {what} is created elsewhere this is fine; pass --complete to make this an error, or --external to silence it"
            )
        })
    };
    let names = (options.rules || options.references).then(|| NameIndex::new(all));
    if options.rules
        && let Some(names) = &names
    {
        for &(later, first) in &names.duplicates {
            let (facts, first) = (&all[later], &all[first]);
            emit(facts.site.problem(
                Severity::Error,
                Check::Rules,
                "/metadata/name",
                format!(
                    "duplicate {}: also defined at {}:{}",
                    facts.site.name,
                    options.sources.name(first.site.source),
                    first.site.line()
                ),
                Some("one of them would silently replace the other when applied".into()),
            ));
        }
    }
    if options.practices.is_none() && !options.references {
        return;
    }
    let pods = PodIndex::new(all);
    if let Some(severity) = options.practices {
        disruption_problems(all, &pods, severity)
            .into_iter()
            .for_each(&mut *emit);
    }
    let (true, Some(names)) = (options.references, &names) else {
        return;
    };
    scaling::problems(all, &pods, names, severity, &hint_outside, &|kind, name| {
        is_external(options.externals, kind, name)
    })
    .into_iter()
    .for_each(&mut *emit);
    let find = |kind: &str, name: &str, from: &Facts| names.find(kind, name, from);
    for facts in all {
        let more = facts.more();
        if let Some(selector) = &more.selector {
            let selected = pods.matching_service(facts.namespace.as_deref(), selector);
            if selected.is_empty() {
                emit(facts.site.problem(
                    severity,
                    Check::References,
                    "/spec/selector",
                    format!(
                        "the selector {} matches no pod template in the input",
                        selector_text(selector)
                    ),
                    hint_outside("workload"),
                ));
            } else {
                for port in &more.service_ports {
                    let target = port.target.clone().unwrap_or(Value::from(port.port));
                    let declared = selected.iter().any(|group| group.declares(&target));
                    if !declared {
                        let shown = match &target {
                            Value::String(name) => format!("\"{name}\""),
                            other => other.to_string(),
                        };
                        emit(facts.site.problem(
                            severity,
                            Check::References,
                            format!("{}/targetPort", port.path),
                            format!("targetPort {shown} is not a port of the containers this Service selects"),
                            Some("declare it under the container's ports (by name or number), or fix the targetPort".into()),
                        ));
                    }
                }
            }
        }
        for backend in &more.backends {
            if is_external(options.externals, "Service", &backend.service) {
                continue;
            }
            match find("Service", &backend.service, facts) {
                None => emit(facts.site.problem(
                    severity,
                    Check::References,
                    format!("{}/name", backend.path),
                    format!(
                        "the backend Service \"{}\" is not in the input",
                        backend.service
                    ),
                    hint_outside("Service"),
                )),
                Some(service) => {
                    let matches = |p: &ServicePort| match &backend.port {
                        Some(Value::String(name)) => p.name.as_deref() == Some(name.as_str()),
                        Some(number) => number.as_i64() == Some(p.port),
                        None => true,
                    };
                    if !service.more().service_ports.iter().any(matches) {
                        let ports: Vec<String> = service
                            .more()
                            .service_ports
                            .iter()
                            .map(|p| {
                                p.name
                                    .as_ref()
                                    .map_or(p.port.to_string(), |n| format!("{} ({n})", p.port))
                            })
                            .collect();
                        let shown = backend
                            .port
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        emit(facts.site.problem(
                            Severity::Error,
                            Check::References,
                            format!("{}/port", backend.path),
                            format!(
                                "Service \"{}\" has no port {shown}; it has: {}",
                                backend.service,
                                ports.join(", ")
                            ),
                            None,
                        ));
                    }
                }
            }
        }
        for reference in &facts.references {
            if is_external(options.externals, reference.kind, &reference.name) {
                continue;
            }
            // Claims usually outlive a release (made once, by hand or by a StatefulSet), so
            // a rendered chart's missing claim is a warning even for a whole app.
            let severity = if reference.kind == "PersistentVolumeClaim" && options.values_hints {
                Severity::Warning
            } else {
                severity
            };
            match find(reference.kind, &reference.name, facts) {
                None => emit(facts.site.problem(
                    severity,
                    Check::References,
                    reference.path.to_string(),
                    format!(
                        "{} \"{}\" is not in the input",
                        reference.kind, reference.name
                    ),
                    hint_outside(reference.kind),
                )),
                Some(target) => {
                    if let Some(key) = &reference.key
                        && !target.more().keys.contains(key)
                    {
                        emit(
                            facts.site.problem(
                                Severity::Error,
                                Check::References,
                                reference.path.replace("/name", "/key"),
                                format!(
                                    "{} \"{}\" has no key \"{key}\"; it has: {}",
                                    reference.kind,
                                    reference.name,
                                    target.more().keys.join(", ")
                                ),
                                crate::diagnostic::closest(key, &target.more().keys)
                                    .map(|k| format!("did you mean \"{k}\"?")),
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::source::SourceId;
    use serde_json::json;

    pub(super) fn facts(values: &[Value]) -> Vec<Facts> {
        values
            .iter()
            .map(|v| Facts::of(&Object::new(v.clone(), SourceId(0), 1, None), Some(true)))
            .collect()
    }

    fn problems(values: &[Value], complete: bool, externals: &[String]) -> Vec<Diagnostic> {
        let mut sources = SourceMap::new();
        sources.add_name("t.yaml");
        let options = CrossOptions {
            sources: &sources,
            practices: None,
            complete,
            externals,
            rules: true,
            references: true,
            values_hints: false,
        };
        cross_problems(&facts(values), &options)
    }

    fn app() -> Vec<Value> {
        vec![
            json!({"kind": "Deployment", "metadata": {"name": "mnist", "namespace": "ml"}, "spec": {"template": {
                "metadata": {"labels": {"app": "mnist"}},
                "spec": {"containers": [{"name": "a", "ports": [{"name": "http", "containerPort": 5000}],
                    "env": [{"name": "K", "valueFrom": {"secretKeyRef": {"name": "keys", "key": "apiKey"}}}],
                    "envFrom": [{"configMapRef": {"name": "settings", "optional": true}}]}]}}}}),
            json!({"kind": "Service", "metadata": {"name": "mnist", "namespace": "ml"}, "spec": {"selector": {"app": "mnist"},
                "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}),
            json!({"kind": "Ingress", "metadata": {"name": "mnist", "namespace": "ml"}, "spec": {
                "tls": [{"secretName": "tls"}],
                "rules": [{"http": {"paths": [{"path": "/", "backend": {"service": {"name": "mnist", "port": {"number": 80}}}}]}}]}}),
            json!({"kind": "Secret", "metadata": {"name": "keys", "namespace": "ml"}, "data": {"apiKey": "eA=="}}),
            json!({"kind": "Secret", "metadata": {"name": "tls"}}),
        ]
    }

    #[test]
    fn a_consistent_app_has_no_problem() {
        let found = problems(&app(), true, &[]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn missing_references_are_warnings_unless_complete() {
        let mut objects = app();
        objects.truncate(3);
        let found = problems(&objects, false, &[]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|p| p.severity == Severity::Warning));
        let found = problems(&objects, true, &[]);
        assert!(found.iter().all(|p| p.severity == Severity::Error));
        let found = problems(&objects, true, &["keys".into(), "secret/tls".into()]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn services_ports_and_backends_must_line_up() {
        let mut objects = app();
        objects[1]["spec"]["ports"][0]["targetPort"] = json!(8080);
        objects[2]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] =
            json!({"name": "grpc"});
        objects[3]["data"] = json!({"apikey": "eA=="});
        let found = problems(&objects, true, &[]);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{messages:#?}");
        // In object order: the Deployment's reference, the Service, the Ingress.
        assert!(messages[0].contains("has no key \"apiKey\""));
        assert_eq!(found[0].help.as_deref(), Some("did you mean \"apikey\"?"));
        assert!(messages[1].contains("targetPort 8080"));
        assert!(messages[2].contains("has no port \"grpc\""));
    }

    #[test]
    fn a_service_must_select_something() {
        let mut objects = app();
        objects[1]["spec"]["selector"] = json!({"app": "other"});
        let found = problems(&objects, false, &[]);
        assert!(
            found[0].message.contains("matches no pod template"),
            "{found:#?}"
        );
    }

    #[test]
    fn duplicates_are_errors() {
        let mut objects = app();
        objects.push(objects[3].clone());
        let found = problems(&objects, false, &[]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.starts_with("duplicate Secret/ml/keys"));
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn route_backends_name_a_service_port() {
        let mut objects = app();
        objects.push(
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "mnist", "namespace": "ml"}, "spec": {"rules": [{"backendRefs": [
                {"name": "mnist", "port": 80, "weight": 90},
                {"name": "mnist", "port": 81},
                {"name": "mnist-canary", "port": 80},
                {"name": "other", "namespace": "elsewhere", "port": 80},
                {"group": "example.com", "kind": "Bucket", "name": "b"}]}]}}),
        );
        let found = problems(&objects, false, &[]);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("has no port 81"), "{messages:#?}");
        assert_eq!(found[0].path, "/spec/rules/0/backendRefs/1/port");
        assert!(messages[1].contains("\"mnist-canary\" is not in the input"));
        assert_eq!(found[1].severity, Severity::Warning);
    }

    #[test]
    fn budgets_cover_one_workload_and_leave_room() {
        let deployment = |name: &str, track: &str, replicas: i64| {
            json!({"kind": "Deployment", "metadata": {"name": name}, "spec": {"replicas": replicas,
                "template": {"metadata": {"labels": {"app": "mnist", "track": track}}, "spec": {"containers": [{"name": "a"}]}}}})
        };
        let budget = |name: &str, labels: Value, limits: Value| {
            let mut spec = json!({"selector": {"matchLabels": labels}});
            spec.as_object_mut()
                .unwrap()
                .extend(limits.as_object().unwrap().clone());
            json!({"kind": "PodDisruptionBudget", "metadata": {"name": name}, "spec": spec})
        };
        let objects = vec![
            deployment("mnist", "stable", 3),
            deployment("mnist-canary", "canary", 1),
            budget(
                "exact",
                json!({"app": "mnist", "track": "stable"}),
                json!({"maxUnavailable": 1}),
            ),
            budget(
                "both",
                json!({"app": "mnist"}),
                json!({"maxUnavailable": 1}),
            ),
            budget(
                "nothing",
                json!({"app": "other"}),
                json!({"maxUnavailable": 1}),
            ),
            budget(
                "blocking",
                json!({"track": "canary"}),
                json!({"minAvailable": 1}),
            ),
        ];
        let found = problems(&objects, false, &[]);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages[0].contains("pods of 2 workloads (Deployment/mnist, Deployment/mnist-canary)")
        );
        assert!(messages[1].contains("selects no pod template"));
        assert!(messages[2].contains(
            "with 1 replicas of Deployment/mnist-canary, this budget allows no eviction"
        ));
    }

    #[test]
    fn external_names_silence_backends_and_scale_targets() {
        let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "r"},
            "spec": {"rules": [{"backendRefs": [{"name": "triton", "port": 8001}]}]}});
        let autoscaler = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "a"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "minReplicas": 1, "maxReplicas": 3}});
        let values = [route, autoscaler];
        assert_eq!(problems(&values, true, &[]).len(), 2);
        let externals = ["triton".to_string(), "Deployment/web".to_string()];
        let left = problems(&values, true, &externals);
        assert!(
            left.is_empty(),
            "{:?}",
            left.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }

    #[test]
    fn autoscalers_scale_a_workload_that_leaves_replicas_to_them() {
        let objects = vec![
            json!({"kind": "Deployment", "metadata": {"name": "mnist"}, "spec": {"replicas": 2,
                "template": {"metadata": {"labels": {"app": "mnist"}}, "spec": {"containers": [{"name": "a"}]}}}}),
            json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "mnist"},
                "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "mnist"}, "maxReplicas": 4}}),
            json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "gone"},
                "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "gone"}, "maxReplicas": 4}}),
        ];
        let found = problems(&objects, false, &[]);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("also sets replicas"));
        assert_eq!(found[0].path, "/spec/replicas");
        assert!(messages[1].contains("scale target Deployment \"gone\" is not in the input"));
    }
}
