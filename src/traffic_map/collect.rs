//! Building a [`TrafficMap`] from rendered objects: read workloads, autoscalers and Services,
//! then walk routes and Ingresses to their backends.

use super::{AutoscalerRange, Backend, Entry, HeaderMatch, PodShare, TrafficMap, Workload};
use crate::manifest::{Manifest, Manifests};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// ingress-nginx's canary annotations.
const CANARY: &str = "nginx.ingress.kubernetes.io/canary";
const CANARY_WEIGHT: &str = "nginx.ingress.kubernetes.io/canary-weight";
const CANARY_WEIGHT_TOTAL: &str = "nginx.ingress.kubernetes.io/canary-weight-total";
const CANARY_HEADER: &str = "nginx.ingress.kubernetes.io/canary-by-header";
const CANARY_HEADER_VALUE: &str = "nginx.ingress.kubernetes.io/canary-by-header-value";

/// The pod labels that tell tack's workloads apart, in the order they are looked for.
const ROLE_LABELS: [&str; 3] = ["track", "color", "version"];

/// A Service as the map needs it.
struct Service<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
    selector: BTreeMap<String, String>,
    /// `ClusterIP` (the default), `LoadBalancer`, `NodePort`, `ExternalName`.
    kind: &'a str,
    first_port: Option<String>,
}

pub(super) fn traffic_map(manifests: &Manifests) -> TrafficMap {
    let mut workloads: Vec<Workload> = manifests.iter().filter_map(workload).collect();
    for manifest in manifests
        .iter()
        .filter(|m| m.kind() == "HorizontalPodAutoscaler")
    {
        let json = manifest.json();
        let target = &json["spec"]["scaleTargetRef"];
        let (Some(kind), Some(name)) = (target["kind"].as_str(), target["name"].as_str()) else {
            continue;
        };
        if let Some(workload) = workloads.iter_mut().find(|w| {
            w.kind == kind && w.name == name && w.namespace.as_deref() == manifest.namespace()
        }) {
            workload.autoscaler = Some(AutoscalerRange {
                name: manifest.name().to_string(),
                min: json["spec"]["minReplicas"].as_i64().unwrap_or(1),
                max: json["spec"]["maxReplicas"].as_i64().unwrap_or(1),
            });
        }
    }
    let services: Vec<Service<'_>> = manifests
        .iter()
        .filter(|m| m.kind() == "Service")
        .map(service)
        .collect();
    let mut entries = Vec::new();
    let mut canaries: Vec<&Manifest> = Vec::new();
    for manifest in manifests.iter() {
        match manifest.kind() {
            "HTTPRoute" | "GRPCRoute" => entries.extend(route_entries(manifest)),
            "Ingress" if annotation(manifest, CANARY) == Some("true") => canaries.push(manifest),
            "Ingress" => entries.extend(ingress_entries(manifest)),
            _ => {}
        }
    }
    let mut entries = merge_canaries(entries, &canaries);
    let routed: HashSet<(Option<String>, String)> = entries
        .iter()
        .flat_map(|e| {
            e.backends.iter().map(|b| {
                let namespace = b.namespace.as_deref().or(e.namespace.as_deref());
                (namespace.map(str::to_string), b.service.clone())
            })
        })
        .collect();
    for service in &services {
        let routed = routed.contains(&(
            service.namespace.map(str::to_string),
            service.name.to_string(),
        ));
        let external = matches!(service.kind, "LoadBalancer" | "NodePort");
        if !routed || external {
            entries.push(service_entry(service));
        }
    }
    let by_label = LabelIndex::new(&workloads);
    let by_name: HashMap<(Option<&str>, &str), &Service<'_>> = services
        .iter()
        .map(|s| ((s.namespace, s.name), s))
        .collect();
    for entry in &mut entries {
        resolve(entry, &by_name, &by_label, &workloads);
    }
    TrafficMap::new(entries, workloads)
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn annotation<'a>(manifest: &'a Manifest, key: &str) -> Option<&'a str> {
    manifest.json()["metadata"]["annotations"][key].as_str()
}

fn workload(manifest: &Manifest) -> Option<Workload> {
    if !matches!(manifest.kind(), "Deployment" | "StatefulSet") {
        return None;
    }
    let json = manifest.json();
    let template = &json["spec"]["template"];
    let labels = string_map(&template["metadata"]["labels"]);
    let images: Vec<String> = template["spec"]["containers"]
        .as_array()
        .map(|containers| {
            containers
                .iter()
                .filter_map(|c| text(&c["image"]))
                .collect()
        })
        .unwrap_or_default();
    let role = ROLE_LABELS
        .iter()
        .find_map(|key| labels.get(*key).map(|value| format!("{key}={value}")));
    Some(Workload {
        kind: manifest.kind().to_string(),
        name: manifest.name().to_string(),
        namespace: manifest.namespace().map(str::to_string),
        role,
        tag: images.first().and_then(|image| image_tag(image)),
        images,
        replicas: json["spec"]["replicas"].as_i64(),
        autoscaler: None,
        labels,
    })
}

/// `registry:5000/ml/mnist:1.9.1` -> `1.9.1`; a digest (`@sha256:...`) wins over a tag.
fn image_tag(image: &str) -> Option<String> {
    if let Some((_, digest)) = image.split_once('@') {
        return Some(digest.to_string());
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag.to_string())
}

fn service(manifest: &Manifest) -> Service<'_> {
    let spec = &manifest.json()["spec"];
    let port = &spec["ports"][0];
    Service {
        namespace: manifest.namespace(),
        name: manifest.name(),
        selector: string_map(&spec["selector"]),
        kind: spec["type"].as_str().unwrap_or("ClusterIP"),
        first_port: port["port"].as_i64().map(|p| p.to_string()),
    }
}

fn port_text(port: &Value) -> Option<String> {
    match port {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn backend(
    service: String,
    namespace: Option<String>,
    port: Option<String>,
    weight: u64,
) -> Backend {
    Backend {
        service,
        namespace,
        port,
        weight,
        share: 0.0,
        found: false,
        pods: Vec::new(),
    }
}

fn route_entries(route: &Manifest) -> Vec<Entry> {
    let json = route.json();
    let spec = &json["spec"];
    let grpc = route.kind() == "GRPCRoute";
    let hosts: Vec<String> = spec["hostnames"]
        .as_array()
        .map(|h| h.iter().filter_map(text).collect())
        .unwrap_or_default();
    let parents: Vec<String> = spec["parentRefs"]
        .as_array()
        .map(|parents| parents.iter().map(parent_text).collect())
        .unwrap_or_default();
    let no_match = [Value::Null];
    let mut entries = Vec::new();
    for rule in spec["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let backends: Vec<Backend> = rule["backendRefs"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|reference| {
                let kind = reference["kind"].as_str().unwrap_or("Service");
                let group = reference["group"].as_str().unwrap_or("");
                let name = reference["name"].as_str().unwrap_or("").to_string();
                let name = if kind == "Service" && group.is_empty() {
                    name
                } else {
                    format!("{kind}/{name}")
                };
                backend(
                    name,
                    text(&reference["namespace"]),
                    port_text(&reference["port"]),
                    reference["weight"].as_u64().unwrap_or(1),
                )
            })
            .collect();
        let matches = rule["matches"]
            .as_array()
            .filter(|m| !m.is_empty())
            .map(Vec::as_slice)
            .unwrap_or(&no_match);
        for found in matches {
            let path = if grpc {
                None
            } else {
                Some(found["path"]["value"].as_str().unwrap_or("/").to_string())
            };
            let method = if grpc {
                let service = found["method"]["service"].as_str();
                let method = found["method"]["method"].as_str();
                match (service, method) {
                    (None, None) => None,
                    (s, m) => Some(format!("{}/{}", s.unwrap_or("*"), m.unwrap_or("*"))),
                }
            } else {
                text(&found["method"])
            };
            entries.push(Entry {
                via: vec![route.display_name()],
                parents: parents.clone(),
                namespace: route.namespace().map(str::to_string),
                hosts: hosts.clone(),
                path,
                headers: header_matches(&found["headers"]),
                method,
                service_type: None,
                backends: backends.clone(),
            });
        }
    }
    entries
}

/// `Gateway/gateways/public (https)`.
fn parent_text(parent: &Value) -> String {
    let kind = parent["kind"].as_str().unwrap_or("Gateway");
    let name = parent["name"].as_str().unwrap_or("");
    let mut text = match parent["namespace"].as_str() {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    };
    if let Some(section) = parent["sectionName"].as_str() {
        text.push_str(&format!(" ({section})"));
    }
    if let Some(port) = parent["port"].as_i64() {
        text.push_str(&format!(" port {port}"));
    }
    text
}

fn header_matches(headers: &Value) -> Vec<HeaderMatch> {
    headers
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|header| {
            let value = header["value"].as_str().unwrap_or("");
            HeaderMatch {
                name: header["name"].as_str().unwrap_or("").to_string(),
                value: if header["type"].as_str() == Some("RegularExpression") {
                    format!("~{value}")
                } else {
                    value.to_string()
                },
            }
        })
        .collect()
}

/// One entry per host and path of an Ingress (and one for its default backend).
fn ingress_entries(ingress: &Manifest) -> Vec<Entry> {
    let spec = &ingress.json()["spec"];
    let parents: Vec<String> = spec["ingressClassName"]
        .as_str()
        .map(|class| vec![format!("IngressClass/{class}")])
        .unwrap_or_default();
    let entry = |host: Option<String>, path: Option<String>, target: &Value| Entry {
        via: vec![ingress.display_name()],
        parents: parents.clone(),
        namespace: ingress.namespace().map(str::to_string),
        hosts: host.into_iter().collect(),
        path,
        headers: Vec::new(),
        method: None,
        service_type: None,
        backends: vec![ingress_backend(target)],
    };
    let mut entries = Vec::new();
    for rule in spec["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        for path in rule["http"]["paths"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            entries.push(entry(
                text(&rule["host"]),
                Some(path["path"].as_str().unwrap_or("/").to_string()),
                &path["backend"],
            ));
        }
    }
    if spec["defaultBackend"].is_object() {
        entries.push(entry(None, Some("/".to_string()), &spec["defaultBackend"]));
    }
    entries
}

fn ingress_backend(target: &Value) -> Backend {
    let service = &target["service"];
    let port = port_text(&service["port"]["number"]).or_else(|| text(&service["port"]["name"]));
    match service["name"].as_str() {
        Some(name) => backend(name.to_string(), None, port, 1),
        None => backend(
            format!(
                "{}/{}",
                target["resource"]["kind"].as_str().unwrap_or("resource"),
                target["resource"]["name"].as_str().unwrap_or("")
            ),
            None,
            None,
            1,
        ),
    }
}

/// Folds ingress-nginx canary Ingresses into the entries of the main Ingress for the same
/// host and path: a weighted backend (`canary-weight` of `canary-weight-total`, default 100),
/// and with `canary-by-header` an entry of its own, taken before the weighted one.
fn merge_canaries(mut entries: Vec<Entry>, canaries: &[&Manifest]) -> Vec<Entry> {
    if canaries.is_empty() {
        return entries;
    }
    let mains: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.headers.is_empty())
        .map(|(i, e)| (e.key(), i))
        .collect();
    // Header entries go right before the main entry they belong to.
    let mut before: HashMap<usize, Vec<Entry>> = HashMap::new();
    for canary in canaries {
        let total: u64 = annotation(canary, CANARY_WEIGHT_TOTAL)
            .and_then(|t| t.parse().ok())
            .unwrap_or(100);
        let weight: u64 = annotation(canary, CANARY_WEIGHT)
            .and_then(|w| w.parse().ok())
            .unwrap_or(0)
            .min(total);
        let header = annotation(canary, CANARY_HEADER).map(|name| HeaderMatch {
            name: name.to_string(),
            value: annotation(canary, CANARY_HEADER_VALUE)
                .unwrap_or("always")
                .to_string(),
        });
        for canary_entry in ingress_entries(canary) {
            // ingress-nginx ignores a canary without a main Ingress for its host and path.
            let Some(&index) = mains.get(&canary_entry.key()) else {
                continue;
            };
            let mut canary_backend = canary_entry.backends[0].clone();
            if let Some(header) = &header {
                let mut by_header = entries[index].clone();
                by_header.via = canary_entry.via.clone();
                by_header.headers = vec![header.clone()];
                by_header.backends = vec![canary_backend.clone()];
                before.entry(index).or_default().push(by_header);
            }
            let main = &mut entries[index];
            for backend in &mut main.backends {
                backend.weight = total - weight;
            }
            canary_backend.weight = weight;
            main.backends.push(canary_backend);
            main.via.extend(canary_entry.via);
        }
    }
    let mut merged = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        merged.extend(before.remove(&i).unwrap_or_default());
        merged.push(entry);
    }
    merged
}

fn service_entry(service: &Service<'_>) -> Entry {
    let id = match service.namespace {
        Some(ns) => format!("Service/{ns}/{}", service.name),
        None => format!("Service/{}", service.name),
    };
    Entry {
        via: vec![id],
        parents: Vec::new(),
        namespace: service.namespace.map(str::to_string),
        hosts: Vec::new(),
        path: None,
        headers: Vec::new(),
        method: None,
        service_type: Some(service.kind.to_string()),
        backends: vec![backend(
            service.name.to_string(),
            None,
            service.first_port.clone(),
            1,
        )],
    }
}

/// Shares of each backend by weight, and of each workload behind a Service by pods.
fn resolve(
    entry: &mut Entry,
    services: &HashMap<(Option<&str>, &str), &Service<'_>>,
    by_label: &LabelIndex,
    workloads: &[Workload],
) {
    let total: u64 = entry.backends.iter().map(|b| b.weight).sum();
    for backend in &mut entry.backends {
        backend.share = if total == 0 {
            0.0
        } else {
            backend.weight as f64 / total as f64
        };
        let namespace = backend.namespace.as_deref().or(entry.namespace.as_deref());
        let Some(service) = services.get(&(namespace, backend.service.as_str())) else {
            continue;
        };
        backend.found = true;
        let selected = by_label.selected(service.namespace, &service.selector, workloads);
        backend.pods = split(backend.share, &selected, |w| w.pods());
    }
}

/// Workloads by namespace and pod label, so a selector finds its workloads without
/// scanning them all.
pub(crate) struct LabelIndex {
    by_pair: HashMap<(Option<String>, String, String), Vec<usize>>,
}

impl LabelIndex {
    /// The index of `workloads`' pod labels.
    pub(crate) fn new(workloads: &[Workload]) -> LabelIndex {
        let mut by_pair: HashMap<(Option<String>, String, String), Vec<usize>> = HashMap::new();
        for (i, workload) in workloads.iter().enumerate() {
            for (key, value) in &workload.labels {
                by_pair
                    .entry((workload.namespace.clone(), key.clone(), value.clone()))
                    .or_default()
                    .push(i);
            }
        }
        LabelIndex { by_pair }
    }

    /// The workloads whose pod templates `selector` matches, in input order (none for an
    /// empty selector: such a Service's endpoints are managed by hand).
    pub(crate) fn selected<'a>(
        &self,
        namespace: Option<&str>,
        selector: &BTreeMap<String, String>,
        workloads: &'a [Workload],
    ) -> Vec<&'a Workload> {
        self.positions(namespace, selector, workloads)
            .into_iter()
            .map(|i| &workloads[i])
            .collect()
    }

    /// As [`LabelIndex::selected`], their positions in `workloads`.
    pub(crate) fn positions(
        &self,
        namespace: Option<&str>,
        selector: &BTreeMap<String, String>,
        workloads: &[Workload],
    ) -> Vec<usize> {
        let Some((key, value)) = selector.iter().next() else {
            return Vec::new();
        };
        let candidates = self
            .by_pair
            .get(&(namespace.map(str::to_string), key.clone(), value.clone()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                selector
                    .iter()
                    .all(|(k, v)| workloads[i].labels.get(k) == Some(v))
            })
            .collect()
    }
}

/// A Service's share spread over its workloads by their pods (`pods` of each).
pub(crate) fn split(
    share: f64,
    workloads: &[&Workload],
    pods: impl Fn(&Workload) -> i64,
) -> Vec<PodShare> {
    let total: i64 = workloads.iter().map(|w| pods(w)).sum();
    workloads
        .iter()
        .map(|w| PodShare {
            workload: w.id(),
            share: if total == 0 {
                0.0
            } else {
                share * pods(w) as f64 / total as f64
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_and_digests() {
        assert_eq!(
            image_tag("registry:5000/ml/mnist:1.9.1").as_deref(),
            Some("1.9.1")
        );
        assert_eq!(image_tag("registry:5000/ml/mnist"), None);
        assert_eq!(image_tag("mnist@sha256:abc").as_deref(), Some("sha256:abc"));
    }
}
