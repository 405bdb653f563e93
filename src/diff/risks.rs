//! What can go wrong when a change is applied: traffic that moves faster than pods, fields
//! `kubectl apply` rejects, objects it leaves running, and `replicas` handed to an
//! autoscaler. Each risk names the object, what happens, and the safe sequence.

use crate::manifest::{Manifest, Manifests};
use crate::traffic_map::{Backend, Entry, LabelIndex, TrafficMap, Workload, percent};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// More load per ready pod than this, relative to what the pods of the workload that carried
/// the traffic took at full traffic, is a risk: 25% is the dip a default rolling update
/// (`maxUnavailable: 25%`) already allows.
const LOAD_TOLERANCE: f64 = 1.25;

/// A risk of applying a change.
///
/// ```
/// use tack::diff::{RiskKind, risks};
/// use tack::{App, Release, Strategy};
/// use tack::values::Colour;
/// let app = App::new("mnist", "mnist:1").replicas(3);
/// let bg = Strategy::blue_green().idle_replicas(1);
/// let before = Release::new("prod", app.clone()).strategy(bg.clone()).render()?;
/// let after = Release::new("prod", app).strategy(bg.active(Colour::Green)).render()?;
/// let found = risks(&before, &after);
/// assert_eq!(found[0].kind, RiskKind::TrafficOutrunsPods);
/// assert_eq!(found[0].object, "Deployment/mnist-green");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    /// What kind of risk.
    pub kind: RiskKind,
    /// The object at risk, `Kind/name` or `Kind/namespace/name`.
    pub object: String,
    /// What happens when the change is applied.
    pub message: String,
    /// The safe sequence, or the command that fixes it.
    pub help: String,
}

/// The kinds of [`Risk`].
///
/// ```
/// use tack::diff::RiskKind;
/// assert_ne!(RiskKind::ImmutableField, RiskKind::LeftRunning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskKind {
    /// Traffic moves to a workload with fewer ready pods than carried it.
    TrafficOutrunsPods,
    /// Traffic moves to a workload that has no ready pod yet.
    NoReadyPods,
    /// Traffic leaves a workload an autoscaler may have scaled above what takes it over.
    AutoscaledSource,
    /// A field changes that the API server does not allow to change.
    ImmutableField,
    /// Objects leave the manifests; `kubectl apply` leaves them running.
    LeftRunning,
    /// A Service selects the pods of a workload that leaves the manifests but keeps running.
    SelectsLeftoverPods,
    /// `spec.replicas` leaves a workload's manifest.
    ReplicasLeave,
}

impl fmt::Display for Risk {
    /// `Deployment/mnist-green: <message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.message)
    }
}

/// The risks of going from `before` to `after`, traffic first, then what `kubectl apply`
/// rejects, then what it leaves behind.
///
/// ```
/// use tack::diff::{RiskKind, risks};
/// use tack::{App, Release, Strategy};
/// let app = App::new("mnist", "mnist:1");
/// let blue_green = Release::new("prod", app.clone()).strategy(Strategy::blue_green()).render()?;
/// let rolling = Release::new("prod", app).render()?;
/// let kinds: Vec<RiskKind> = risks(&blue_green, &rolling).iter().map(|r| r.kind).collect();
/// // The Service switches to the new Deployment's pods before any is ready; the colour
/// // Deployments leave the manifests, and kubectl apply leaves them running.
/// assert_eq!(kinds, [RiskKind::NoReadyPods, RiskKind::LeftRunning]);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
pub fn risks(before: &Manifests, after: &Manifests) -> Vec<Risk> {
    let old_map = TrafficMap::of(before);
    let new_map = TrafficMap::of(after);
    let old: BTreeMap<String, &Manifest> = before.iter().map(|m| (m.display_name(), m)).collect();
    let new: BTreeMap<String, &Manifest> = after.iter().map(|m| (m.display_name(), m)).collect();
    let removed: Vec<&Manifest> = before
        .iter()
        .filter(|m| !new.contains_key(&m.display_name()))
        .collect();
    let leftovers = leftover_pods(&removed, &old_map, after);
    // A Service that still reaches leftover pods is not short of pods: that risk says more.
    let skip: BTreeSet<&str> = leftovers.iter().map(|r| r.object.as_str()).collect();
    let mut found = traffic(&old_map, &new_map, &skip);
    for manifest in after.iter() {
        if let Some(previous) = old.get(&manifest.display_name()) {
            found.extend(immutable(previous, manifest));
            found.extend(replicas_leave(previous, manifest, &new_map));
        }
    }
    found.extend(leftovers);
    found.extend(left_running(&removed));
    found
}

/// Shares of an entry's requests per workload, summed over its backends.
fn shares(entry: &Entry) -> BTreeMap<&str, f64> {
    let mut shares = BTreeMap::new();
    for backend in &entry.backends {
        for pods in &backend.pods {
            *shares.entry(pods.workload.as_str()).or_insert(0.0) += pods.share;
        }
    }
    shares
}

/// For each way in both renders share: the workloads that gain traffic, against the pods
/// they have ready at the moment of the switch (new pods are not ready yet; pods scaled
/// away are gone, and Services only send to ready pods).
fn traffic(old_map: &TrafficMap, new_map: &TrafficMap, skip: &BTreeSet<&str>) -> Vec<Risk> {
    let mut found: Vec<Risk> = Vec::new();
    let mut flagged: BTreeSet<String> = BTreeSet::new();
    let old_entries: HashMap<String, &Entry> =
        old_map.entries.iter().map(|e| (e.key(), e)).collect();
    for entry in &new_map.entries {
        let Some(&old_entry) = old_entries.get(&entry.key()) else {
            continue;
        };
        let old_shares = shares(old_entry);
        let new_shares = shares(entry);
        let old_pods = |id: &str| old_map.workload(id).map_or(0, Workload::pods);
        // What carried the traffic: the largest Service's pods, each sized for its share of
        // full traffic.
        let Some((reference, carrier)) = old_entry
            .backends
            .iter()
            .filter(|b| b.share > 0.0)
            .map(|b| {
                let pods: i64 = b.pods.iter().map(|p| old_pods(&p.workload)).sum();
                let carrier = match b.pods.as_slice() {
                    [only] => only.workload.clone(),
                    _ => match namespace_of(b, old_entry) {
                        Some(ns) => format!("Service/{ns}/{}", b.service),
                        None => format!("Service/{}", b.service),
                    },
                };
                (pods, carrier)
            })
            .max_by_key(|(pods, _)| *pods)
            .filter(|(pods, _)| *pods > 0)
        else {
            continue;
        };
        for backend in entry.backends.iter().filter(|b| b.share > 0.0) {
            let service = match namespace_of(backend, entry) {
                Some(ns) => format!("Service/{ns}/{}", backend.service),
                None => format!("Service/{}", backend.service),
            };
            if skip.contains(service.as_str()) {
                continue;
            }
            let workloads: Vec<&Workload> = backend
                .pods
                .iter()
                .filter_map(|p| new_map.workload(&p.workload))
                .collect();
            let ready: Vec<(&Workload, i64)> = workloads
                .iter()
                .map(|w| (*w, w.pods().min(old_pods(&w.id()))))
                .collect();
            let ready_total: i64 = ready.iter().map(|(_, n)| n).sum();
            for workload in &workloads {
                let id = workload.id();
                let gained = new_shares.get(id.as_str()).copied().unwrap_or(0.0)
                    > old_shares.get(id.as_str()).copied().unwrap_or(0.0) + 1e-9;
                if !gained || flagged.contains(&id) {
                    continue;
                }
                if ready_total == 0 {
                    flagged.insert(id.clone());
                    found.push(no_ready_pods(entry, backend.share, workload));
                    continue;
                }
                let load = backend.share / ready_total as f64;
                let factor = load * reference as f64;
                if factor > LOAD_TOLERANCE {
                    flagged.insert(id.clone());
                    let switch = Switch {
                        entry,
                        share: backend.share,
                        ready: &ready,
                    };
                    found.push(outruns(
                        &switch,
                        workload,
                        old_map,
                        (reference, &carrier),
                        factor,
                    ));
                    continue;
                }
                if let Some(risk) = autoscaled_source(
                    entry,
                    old_entry,
                    old_map,
                    &old_shares,
                    &new_shares,
                    workload,
                    load,
                ) {
                    flagged.insert(id.clone());
                    found.push(risk);
                }
            }
        }
    }
    found
}

/// The namespace of a backend's Service: its own, or its entry's.
fn namespace_of<'a>(backend: &'a Backend, entry: &'a Entry) -> Option<&'a str> {
    backend.namespace.as_deref().or(entry.namespace.as_deref())
}

/// `1 pod`, `3 ready pods`.
fn pods_text(n: i64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn rollout_status(workload: &Workload) -> String {
    let namespace = workload
        .namespace
        .as_deref()
        .map(|ns| format!(" -n {ns}"))
        .unwrap_or_default();
    format!(
        "kubectl rollout status{namespace} {}/{}",
        workload.kind.to_lowercase(),
        workload.name
    )
}

fn no_ready_pods(entry: &Entry, share: f64, workload: &Workload) -> Risk {
    Risk {
        kind: RiskKind::NoReadyPods,
        object: workload.id(),
        message: format!(
            "{} of the requests to {} go to it as soon as this is applied, but it has no ready pod yet: they fail until its pods are ready",
            percent(share),
            entry.label()
        ),
        help: format!(
            "create or scale it first with no traffic, wait for `{}`, then move the traffic in a second apply",
            rollout_status(workload)
        ),
    }
}

/// One backend at the moment of a switch: its share of a way in, and each workload behind
/// it with the pods it has ready then.
struct Switch<'a> {
    entry: &'a Entry,
    share: f64,
    ready: &'a [(&'a Workload, i64)],
}

fn outruns(
    switch: &Switch<'_>,
    gaining: &Workload,
    old_map: &TrafficMap,
    (reference, carrier): (i64, &str),
    factor: f64,
) -> Risk {
    let (entry, share) = (switch.entry, switch.share);
    let ready_total: i64 = switch.ready.iter().map(|(_, n)| n).sum();
    let workloads: Vec<&Workload> = switch.ready.iter().map(|(w, _)| *w).collect();
    let moves: Vec<String> = workloads
        .iter()
        .filter_map(|w| {
            let before = old_map.workload(&w.id()).map_or(0, Workload::pods);
            (before != w.pods()).then(|| format!("{} {before} -> {}", w.id(), w.pods()))
        })
        .collect();
    let scaling = if moves.is_empty() {
        String::new()
    } else {
        format!(" (pods: {})", moves.join(", "))
    };
    Risk {
        kind: RiskKind::TrafficOutrunsPods,
        object: gaining.id(),
        message: format!(
            "traffic moves faster than pods: at the switch {} of the requests to {} land on {}{scaling}, {factor:.1}x the load per pod of the {} of {carrier} that carried it",
            percent(share),
            entry.label(),
            pods_text(ready_total, "ready pod"),
            pods_text(reference, "pod"),
        ),
        help: if old_map
            .workload(&gaining.id())
            .is_some_and(|w| w.pods() > gaining.pods())
        {
            format!(
                "keep {} at its size while it takes this traffic, and scale it down in a later, separate change",
                gaining.id()
            )
        } else {
            format!(
                "move pods first and traffic second: apply a change that only scales {} up, wait for `{}`, then apply this one (with canary mode `replicas` the weight moves both at once: raise it in smaller steps)",
                gaining.id(),
                rollout_status(gaining)
            )
        },
    }
}

/// Traffic leaves a workload whose autoscaler may run far more pods than take it over.
fn autoscaled_source(
    entry: &Entry,
    old_entry: &Entry,
    old_map: &TrafficMap,
    old_shares: &BTreeMap<&str, f64>,
    new_shares: &BTreeMap<&str, f64>,
    workload: &Workload,
    load: f64,
) -> Option<Risk> {
    old_entry
        .backends
        .iter()
        .flat_map(|b| &b.pods)
        .filter(|p| {
            p.workload != workload.id()
                && new_shares.get(p.workload.as_str()).copied().unwrap_or(0.0) + 1e-9
                    < old_shares.get(p.workload.as_str()).copied().unwrap_or(0.0)
        })
        .filter_map(|p| old_map.workload(&p.workload))
        .filter_map(|source| Some((source, source.autoscaler.as_ref()?)))
        .find(|(_, range)| load * range.max as f64 > LOAD_TOLERANCE)
        .map(|(source, range)| Risk {
            kind: RiskKind::AutoscaledSource,
            object: workload.id(),
            message: format!(
                "takes over requests to {} from {}, which HorizontalPodAutoscaler/{} scales from {} to {} pods: if it runs {} now, each pod of {} takes {:.1}x the load of one of them",
                entry.label(),
                source.id(),
                range.name,
                range.min,
                range.max,
                range.max,
                workload.id(),
                load * range.max as f64
            ),
            help: format!(
                "check how many pods {} runs (`kubectl get {}/{}`) and scale {} to match before moving the traffic",
                source.id(),
                source.kind.to_lowercase(),
                source.name,
                workload.id()
            ),
        })
}

/// `deployment.apps/mnist`, `service/mnist`: how kubectl names an object exactly.
fn kubectl_name(manifest: &Manifest) -> String {
    let api_version = manifest.json()["apiVersion"].as_str().unwrap_or("");
    let kind = manifest.kind().to_lowercase();
    match api_version.rsplit_once('/') {
        Some((group, _)) => format!("{kind}.{group}/{}", manifest.name()),
        None => format!("{kind}/{}", manifest.name()),
    }
}

fn namespace_flag(manifest: &Manifest) -> String {
    manifest
        .namespace()
        .map(|ns| format!(" -n {ns}"))
        .unwrap_or_default()
}

/// The fields of `spec` a StatefulSet may change; the API server refuses the rest.
const STATEFUL_SET_MUTABLE: [&str; 7] = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

/// Fields of `spec` the API server does not let this change touch.
fn immutable(before: &Manifest, after: &Manifest) -> Vec<Risk> {
    let (old, new) = (&before.json()["spec"], &after.json()["spec"]);
    // The fields of `spec` among `listed` that differ.
    let changed = |listed: &[&str]| -> Vec<String> {
        listed
            .iter()
            .filter(|f| old.get(**f) != new.get(**f))
            .map(|f| f.to_string())
            .collect()
    };
    // Every field of `spec` that differs, but those in `mutable`.
    let changed_but = |mutable: &[&str]| -> Vec<String> {
        let keys: BTreeSet<&String> = old
            .as_object()
            .into_iter()
            .chain(new.as_object())
            .flat_map(|m| m.keys())
            .collect();
        keys.into_iter()
            .filter(|k| !mutable.contains(&k.as_str()) && old.get(*k) != new.get(*k))
            .cloned()
            .collect()
    };
    let fields: Vec<String> = match after.kind() {
        "Deployment" | "DaemonSet" | "ReplicaSet" => changed(&["selector"]),
        "StatefulSet" => changed_but(&STATEFUL_SET_MUTABLE),
        "Job" => changed(&["selector", "template", "completionMode"]),
        "Service" => changed(&["clusterIP", "clusterIPs"])
            .into_iter()
            .filter(|f| old.get(f).is_some())
            .collect(),
        "PersistentVolumeClaim" => changed_but(&["resources", "volumeAttributesClassName"]),
        "Secret" | "ConfigMap" if before.json()["immutable"] == Value::Bool(true) => {
            ["data", "stringData", "binaryData", "immutable"]
                .into_iter()
                .filter(|f| before.json().get(*f) != after.json().get(*f))
                .map(String::from)
                .collect()
        }
        _ => Vec::new(),
    };
    let prefix = if matches!(after.kind(), "Secret" | "ConfigMap") {
        ""
    } else {
        "spec."
    };
    fields
        .into_iter()
        .map(|field| Risk {
            kind: RiskKind::ImmutableField,
            object: after.display_name(),
            message: format!(
                "{prefix}{field} is immutable: `kubectl apply` rejects this change (`field is immutable`)"
            ),
            help: immutable_help(after, &field),
        })
        .collect()
}

/// What to do instead of changing an immutable field, by kind.
fn immutable_help(manifest: &Manifest, field: &str) -> String {
    let delete = format!(
        "kubectl delete{} {}",
        namespace_flag(manifest),
        kubectl_name(manifest)
    );
    match manifest.kind() {
        "StatefulSet" => format!(
            "keep {field} as it was, or replace the StatefulSet but keep its pods and volumes: `{} --cascade=orphan`, then apply (the new StatefulSet adopts the pods its selector matches)",
            delete
        ),
        "Deployment" | "DaemonSet" | "ReplicaSet" => format!(
            "keep the selector as it was (pod labels may grow; the selector may not change), or delete and recreate it: `{delete}`, then apply (its pods stop in between: move traffic away first)"
        ),
        "Job" => format!(
            "a Job cannot change once created: delete the old one first (`{delete}`; its pods go with it), or give the new one a new name"
        ),
        "Service" => format!(
            "leave clusterIP as it was, or delete and recreate the Service: `{delete}`, then apply (its clients lose it in between)"
        ),
        "PersistentVolumeClaim" => format!(
            "a claim cannot change once created (only its storage request may grow): keep it, or create a claim under a new name and move the data (`{delete}` also deletes the volume's data under the default reclaim policy)"
        ),
        _ => format!(
            "an immutable {} cannot change: create one under a new name and point its users to it, or `{delete}` and apply",
            manifest.kind()
        ),
    }
}

/// `spec.replicas` leaves a workload's manifest.
fn replicas_leave(before: &Manifest, after: &Manifest, new_map: &TrafficMap) -> Option<Risk> {
    let had = before.json()["spec"].get("replicas").is_some();
    let has = after.json()["spec"].get("replicas").is_some();
    if !matches!(after.kind(), "Deployment" | "StatefulSet") || !had || has {
        return None;
    }
    let autoscaler = new_map
        .workload(&after.display_name())
        .and_then(|w| w.autoscaler.as_ref());
    let (message, help) = match autoscaler {
        Some(range) => (
            format!(
                "spec.replicas leaves the manifest: HorizontalPodAutoscaler/{} scales it from now on",
                range.name
            ),
            handover(before, after),
        ),
        None => (
            "spec.replicas leaves the manifest and no autoscaler scales it: `kubectl apply` resets it to Kubernetes' default of 1 pod".to_string(),
            "set `replicas`, or turn `autoscaling` on".to_string(),
        ),
    };
    Some(Risk {
        kind: RiskKind::ReplicasLeave,
        object: after.display_name(),
        message,
        help,
    })
}

/// How to hand `spec.replicas` to an autoscaler without the API server resetting it to 1.
fn handover(before: &Manifest, after: &Manifest) -> String {
    let replicas = &before.json()["spec"]["replicas"];
    let mut metadata = serde_json::json!({"name": after.name()});
    if let Some(ns) = after.namespace() {
        metadata["namespace"] = Value::String(ns.to_string());
    }
    let partial = serde_json::json!({
        "apiVersion": after.json()["apiVersion"],
        "kind": after.kind(),
        "metadata": metadata,
        "spec": {"replicas": replicas},
    });
    format!(
        "hand the field over first, or the API server resets it to 1 pod until the autoscaler reacts: `kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - <<<'{partial}'`, then apply this with `kubectl apply --server-side` (with client-side apply: `kubectl apply edit-last-applied{} {}`, delete spec.replicas, then apply)",
        namespace_flag(after),
        kubectl_name(after)
    )
}

/// Services of the new render that select pods of a workload the change removes: `kubectl
/// apply` leaves that workload running, so the Service keeps sending it requests.
fn leftover_pods(removed: &[&Manifest], old_map: &TrafficMap, after: &Manifests) -> Vec<Risk> {
    let leftovers: Vec<(&Manifest, Workload)> = removed
        .iter()
        .filter_map(|m| Some((*m, old_map.workload(&m.display_name())?.clone())))
        .collect();
    if leftovers.is_empty() {
        return Vec::new();
    }
    let workloads: Vec<Workload> = leftovers.iter().map(|(_, w)| w.clone()).collect();
    let index = LabelIndex::new(&workloads);
    let mut found = Vec::new();
    for service in after.iter().filter(|m| m.kind() == "Service") {
        let selector: BTreeMap<String, String> = service.json()["spec"]["selector"]
            .as_object()
            .map(|s| {
                s.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        for position in index.positions(service.namespace(), &selector, &workloads) {
            let (manifest, workload) = &leftovers[position];
            found.push(Risk {
                kind: RiskKind::SelectsLeftoverPods,
                object: service.display_name(),
                message: format!(
                    "selects the pods of {}, which leaves the manifests but keeps running: the Service sends requests to them ({}) until it is deleted",
                    workload.id(),
                    workload.tag.as_deref().unwrap_or("its image")
                ),
                help: format!(
                    "delete it in the same step: `kubectl delete{} {}`",
                    namespace_flag(manifest),
                    kubectl_name(manifest)
                ),
            });
        }
    }
    found
}

/// Objects that leave the manifests, with the `kubectl delete` that removes them: what
/// routes traffic first, then Services, then the rest.
fn left_running(removed: &[&Manifest]) -> Vec<Risk> {
    let rank = |m: &Manifest| match m.kind() {
        "HTTPRoute" | "GRPCRoute" | "Ingress" => 0,
        "Service" => 1,
        "HorizontalPodAutoscaler" | "PodDisruptionBudget" => 2,
        _ => 3,
    };
    let mut by_namespace: BTreeMap<Option<&str>, Vec<&Manifest>> = BTreeMap::new();
    for manifest in removed {
        by_namespace
            .entry(manifest.namespace())
            .or_default()
            .push(manifest);
    }
    by_namespace
        .into_values()
        .map(|mut objects| {
            objects.sort_by_key(|m| rank(m));
            let names: Vec<String> = objects.iter().map(|m| kubectl_name(m)).collect();
            let listed: Vec<String> = objects.iter().map(|m| m.display_name()).collect();
            let count = objects.len();
            Risk {
                kind: RiskKind::LeftRunning,
                object: listed.join(", "),
                message: format!(
                    "{} the manifests; `kubectl apply` does not delete {}",
                    if count == 1 { "leaves" } else { "leave" },
                    if count == 1 { "it" } else { "them" }
                ),
                help: format!(
                    "once nothing needs {}: `kubectl delete{} {}` (or apply with pruning: see the README's \"Pruning\")",
                    if count == 1 { "it" } else { "them" },
                    namespace_flag(objects[0]),
                    names.join(" ")
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{CanaryMode, Colour};
    use crate::{App, Release, Strategy};

    fn kinds(found: &[Risk]) -> Vec<RiskKind> {
        found.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn a_blue_green_flip_onto_a_full_size_colour_is_safe() {
        let app = App::new("mnist", "mnist:1").replicas(3);
        let before = Release::new("p", app.clone())
            .strategy(Strategy::blue_green())
            .render()
            .unwrap();
        let after = Release::new("p", app)
            .strategy(Strategy::blue_green().active(Colour::Green))
            .render()
            .unwrap();
        assert!(risks(&before, &after).is_empty());
    }

    #[test]
    fn a_replica_mode_weight_jump_outruns_the_canary_pods() {
        let app = App::new("mnist", "mnist:1").replicas(10);
        let canary = |w| {
            Release::new("p", app.clone())
                .strategy(Strategy::canary().weight(w).tag("2"))
                .render()
                .unwrap()
        };
        let jump = risks(&canary(10), &canary(50));
        assert_eq!(kinds(&jump), [RiskKind::TrafficOutrunsPods], "{jump:?}");
        assert!(
            jump[0].message.contains("Deployment/mnist 9 -> 5"),
            "{}",
            jump[0].message
        );
        // A small step stays within what a rolling update allows.
        assert!(risks(&canary(10), &canary(20)).is_empty());
    }

    #[test]
    fn a_weighted_canary_is_checked_against_the_stable_pods() {
        let ingress = crate::values::IngressValues {
            enabled: true,
            host: Some("mnist.example.com".into()),
            ..Default::default()
        };
        let app = App::new("mnist", "mnist:1").replicas(3).ingress(ingress);
        let canary = |w| {
            Release::new("p", app.clone())
                .strategy(
                    Strategy::canary()
                        .weight(w)
                        .tag("2")
                        .mode(CanaryMode::Ingress),
                )
                .render()
                .unwrap()
        };
        // 1 canary pod at 10%, then 100% on that one pod: 3x what a stable pod took.
        let found = risks(&canary(10), &canary(100));
        assert_eq!(found[0].kind, RiskKind::TrafficOutrunsPods, "{found:?}");
        assert!(found[0].message.contains("3.0x"), "{}", found[0].message);
    }

    #[test]
    fn immutable_selectors_and_cluster_ips() {
        let deployment = |labels: serde_json::Value| {
            Manifest::new(
                "t",
                crate::manifest::Object::Other(serde_json::json!({
                    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "ml"},
                    "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}}}
                })),
            )
        };
        let before = Manifests::new(vec![deployment(serde_json::json!({"app": "d"}))]);
        let after = Manifests::new(vec![deployment(
            serde_json::json!({"app": "d", "track": "x"}),
        )]);
        let found = risks(&before, &after);
        assert_eq!(kinds(&found), [RiskKind::ImmutableField]);
        assert!(
            found[0]
                .help
                .contains("kubectl delete -n ml deployment.apps/d"),
            "{}",
            found[0].help
        );
        let service = |ip: &str| {
            Manifest::new(
                "t",
                crate::manifest::Object::Other(serde_json::json!({
                    "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                    "spec": {"clusterIP": ip}
                })),
            )
        };
        let found = risks(
            &Manifests::new(vec![service("10.0.0.1")]),
            &Manifests::new(vec![service("10.0.0.2")]),
        );
        assert_eq!(found[0].message.split(' ').next(), Some("spec.clusterIP"));
        assert!(found[0].help.contains("kubectl delete service/s"));
    }

    #[test]
    fn a_strategy_switch_leaves_pods_the_new_service_selects() {
        let app = App::new("mnist", "mnist:1");
        let before = Release::new("p", app.clone())
            .strategy(Strategy::blue_green())
            .render()
            .unwrap();
        let after = Release::new("p", app)
            .strategy(Strategy::canary().weight(10).tag("2"))
            .render()
            .unwrap();
        let found = risks(&before, &after);
        let leftovers: Vec<&Risk> = found
            .iter()
            .filter(|r| r.kind == RiskKind::SelectsLeftoverPods)
            .collect();
        assert_eq!(leftovers.len(), 2, "{found:?}");
        assert_eq!(leftovers[0].object, "Service/mnist");
        assert!(
            leftovers[0]
                .help
                .contains("kubectl delete deployment.apps/mnist-blue")
        );
        let left = found
            .iter()
            .find(|r| r.kind == RiskKind::LeftRunning)
            .unwrap();
        assert!(
            left.help
                .contains("kubectl delete deployment.apps/mnist-blue deployment.apps/mnist-green"),
            "{}",
            left.help
        );
    }
}
