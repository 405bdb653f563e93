//! Where a release's requests go: entry point (host, path, header) -> route or Ingress
//! (weight) -> Service -> workload (track or colour, image tag, replicas, autoscaler range).
//!
//! Built from rendered objects alone, so it shows what the cluster will do with them, for
//! tack's strategies and for objects a template wrote: HTTPRoutes and GRPCRoutes (weights,
//! header and path matches), Ingresses (with ingress-nginx's canary annotations), Services
//! (their selectors over the pod templates of Deployments and StatefulSets, split by pods as
//! kube-proxy splits them) and HorizontalPodAutoscalers. `tack explain` prints it; `tack diff`
//! compares two of them to warn when traffic moves faster than pods.

mod collect;
mod mermaid;
mod text;

pub(crate) use collect::LabelIndex;
pub(crate) use text::percent;

use crate::manifest::Manifests;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A release's traffic map: every way in, and every workload, serving or not.
///
/// ```
/// use tack::{App, Release, Strategy};
/// use tack::traffic_map::TrafficMap;
/// let app = App::new("mnist", "mnist:1.9.1").replicas(10);
/// let manifests = Release::new("prod", app).strategy(Strategy::canary().weight(10).tag("2.0.0")).render()?;
/// let map = TrafficMap::of(&manifests);
/// let service = &map.entries[0].backends[0];
/// assert_eq!(service.service, "mnist");
/// // One Service over both tracks: kube-proxy splits by pods, 9 stable and 1 canary.
/// let shares: Vec<f64> = service.pods.iter().map(|p| p.share).collect();
/// assert_eq!(shares, [0.9, 0.1]);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficMap {
    /// Every way in, in the order of the objects that define it: route rules and Ingress
    /// paths, then Services nothing routes to (reached inside the cluster) and Services of
    /// type LoadBalancer or NodePort (reached from outside on their own).
    pub entries: Vec<Entry>,
    /// Every Deployment and StatefulSet of the input, in input order.
    pub workloads: Vec<Workload>,
    /// Each workload's position in `workloads`, by [`Workload::id`].
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// One way in: requests matching a host, a path and headers, and where they go.
///
/// ```
/// use tack::traffic_map::{Entry, HeaderMatch};
/// let entry = Entry {
///     via: vec!["HTTPRoute/mnist".into()],
///     parents: vec!["Gateway/gateways/public (https)".into()],
///     namespace: None,
///     hosts: vec!["mnist.example.com".into()],
///     path: Some("/v1".into()),
///     headers: vec![HeaderMatch { name: "X-Canary".into(), value: "always".into() }],
///     method: None,
///     service_type: None,
///     backends: vec![],
/// };
/// assert_eq!(entry.label(), "mnist.example.com/v1 [X-Canary: always]");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The objects that route these requests: `HTTPRoute/mnist`, `Ingress/mnist` and
    /// `Ingress/mnist-canary`, or the Service itself (`Service/mnist-preview`).
    pub via: Vec<String>,
    /// What a route attaches to (`Gateway/gateways/public (https)`) or an Ingress's class
    /// (`IngressClass/nginx`); empty for Services.
    pub parents: Vec<String>,
    /// The namespace of the routing object (`None`: kubectl's current namespace).
    pub namespace: Option<String>,
    /// Host names matched; empty: any host (or, for a Service, the cluster's DNS name).
    pub hosts: Vec<String>,
    /// The path prefix (or exact path) matched, if any.
    pub path: Option<String>,
    /// Headers a request must carry.
    pub headers: Vec<HeaderMatch>,
    /// The HTTP method, or the gRPC `service/method`, matched.
    pub method: Option<String>,
    /// For an entry that is a Service itself: its type (`ClusterIP`: reached inside the
    /// cluster; `LoadBalancer`, `NodePort`: from outside too). `None` for routes and Ingresses.
    pub service_type: Option<String>,
    /// Where the matching requests go.
    pub backends: Vec<Backend>,
}

/// A header a request must carry to take an entry (`RegularExpression` matches show as
/// `~pattern`).
///
/// ```
/// let header = tack::traffic_map::HeaderMatch { name: "x-preview".into(), value: "true".into() };
/// assert_eq!(header.to_string(), "x-preview: true");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderMatch {
    /// The header's name.
    pub name: String,
    /// The value it must have.
    pub value: String,
}

impl std::fmt::Display for HeaderMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

/// One Service an entry sends requests to, with its share and the pods behind it.
///
/// ```
/// use tack::values::{App, CanaryMode, IngressValues, Strategy};
/// use tack::Release;
/// use tack::traffic_map::TrafficMap;
/// let ingress = IngressValues { enabled: true, host: Some("mnist.example.com".into()), ..IngressValues::default() };
/// let app = App::new("mnist", "mnist:1").ingress(ingress);
/// let release = Release::new("prod", app).strategy(Strategy::canary().weight(20).tag("2").mode(CanaryMode::Ingress));
/// let map = TrafficMap::of(&release.render()?);
/// let weights: Vec<(&str, u64)> = map.entries[0].backends.iter().map(|b| (b.service.as_str(), b.weight)).collect();
/// assert_eq!(weights, [("mnist", 80), ("mnist-canary", 20)]);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    /// The Service's name (`Kind/name` for a backend that is not a Service).
    pub service: String,
    /// The Service's namespace, when it is not the entry's.
    pub namespace: Option<String>,
    /// The port asked for, a number or a name.
    pub port: Option<String>,
    /// The relative weight among the entry's backends.
    pub weight: u64,
    /// The share of the entry's requests, 0..1.
    #[serde(serialize_with = "rounded")]
    pub share: f64,
    /// The Service is in the input (false: it lives elsewhere, or is missing).
    pub found: bool,
    /// The workloads whose pods the Service selects, each with its share of the entry's
    /// requests (kube-proxy spreads a Service's requests evenly over its ready pods).
    pub pods: Vec<PodShare>,
}

/// A workload behind a Service, with its share of an entry's requests.
///
/// ```
/// let share = tack::traffic_map::PodShare { workload: "Deployment/mnist".into(), share: 0.9 };
/// assert_eq!(share.workload, "Deployment/mnist");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodShare {
    /// The workload, as [`Workload::id`] names it.
    pub workload: String,
    /// Its share of the entry's requests, 0..1.
    #[serde(serialize_with = "rounded")]
    pub share: f64,
}

/// A Deployment or StatefulSet: what runs, and how many pods.
///
/// ```
/// use tack::{App, Release, Strategy};
/// use tack::traffic_map::TrafficMap;
/// let release = Release::new("prod", App::new("mnist", "mnist:1.9.1").replicas(3)).strategy(Strategy::blue_green());
/// let map = TrafficMap::of(&release.render()?);
/// let blue = &map.workloads[0];
/// assert_eq!((blue.id(), blue.role.as_deref(), blue.tag.as_deref()), ("Deployment/mnist-blue".into(), Some("color=blue"), Some("1.9.1")));
/// assert_eq!(blue.pods(), 3);
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    /// `Deployment` or `StatefulSet`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace, if set.
    pub namespace: Option<String>,
    /// What tells it apart from its siblings: its `track`, `color` or `version` pod label
    /// (`track=canary`).
    pub role: Option<String>,
    /// The images of its containers.
    pub images: Vec<String>,
    /// The first container's image tag (or digest).
    pub tag: Option<String>,
    /// `spec.replicas` as written (`None`: left to an autoscaler, or Kubernetes' 1).
    pub replicas: Option<i64>,
    /// The HorizontalPodAutoscaler that scales it.
    pub autoscaler: Option<AutoscalerRange>,
    /// The pod template's labels, which Services select.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
}

/// The range a HorizontalPodAutoscaler keeps a workload in.
///
/// ```
/// let range = tack::traffic_map::AutoscalerRange { name: "mnist".into(), min: 3, max: 12 };
/// assert_eq!(range.min, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalerRange {
    /// The HorizontalPodAutoscaler's name.
    pub name: String,
    /// `minReplicas` (default 1).
    pub min: i64,
    /// `maxReplicas`.
    pub max: i64,
}

impl TrafficMap {
    /// The traffic map of rendered objects.
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let map = TrafficMap::of(&manifests);
    /// assert_eq!(map.entries[0].label(), "Service/mnist (ClusterIP)");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn of(manifests: &Manifests) -> TrafficMap {
        collect::traffic_map(manifests)
    }

    /// The workload [`Workload::id`] names.
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1")).render()?);
    /// assert!(map.workload("Deployment/mnist").is_some());
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn workload(&self, id: &str) -> Option<&Workload> {
        self.position(id).map(|i| &self.workloads[i])
    }

    /// The workload's position in [`TrafficMap::workloads`].
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// A map of `entries` over `workloads`.
    fn new(entries: Vec<Entry>, workloads: Vec<Workload>) -> TrafficMap {
        let index = workloads
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id(), i))
            .collect();
        TrafficMap {
            entries,
            workloads,
            index,
        }
    }

    /// Workloads no entry sends requests to (an idle colour without a preview Service).
    ///
    /// ```
    /// use tack::{App, Release, Strategy};
    /// use tack::traffic_map::TrafficMap;
    /// let release = Release::new("prod", App::new("mnist", "mnist:1")).strategy(Strategy::blue_green());
    /// let map = TrafficMap::of(&release.render()?);
    /// let idle: Vec<String> = map.idle().iter().map(|w| w.id()).collect();
    /// assert_eq!(idle, ["Deployment/mnist-green"]);
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn idle(&self) -> Vec<&Workload> {
        let served: HashSet<&str> = self
            .entries
            .iter()
            .flat_map(|e| &e.backends)
            .flat_map(|b| &b.pods)
            .filter(|p| p.share > 0.0)
            .map(|p| p.workload.as_str())
            .collect();
        self.workloads
            .iter()
            .filter(|w| !served.contains(w.id().as_str()))
            .collect()
    }

    /// The map as text, one tree per entry, then the workloads with no traffic.
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1").replicas(2)).render()?);
    /// assert_eq!(map.to_text(), "Service/mnist:80 (ClusterIP) -> Deployment/mnist (track=stable, 1, 2 replicas)\n");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// The map as a Mermaid flowchart (GitHub renders it in a `mermaid` code block).
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1")).render()?);
    /// assert!(map.to_mermaid().starts_with("flowchart LR\n"));
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        mermaid::render(self)
    }

    /// The map as pretty-printed JSON (shares as fractions, 4 decimals).
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1")).render()?);
    /// let json: serde_json::Value = serde_json::from_str(&map.to_json()).unwrap();
    /// assert_eq!(json["entries"][0]["backends"][0]["share"], 1.0);
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl Entry {
    /// The entry as one line: `mnist.example.com/v1 [X-Canary: always]`, `*/` for any host,
    /// `Service/mnist-preview (ClusterIP)` for a Service.
    ///
    /// ```
    /// use tack::values::{App, IngressValues};
    /// use tack::Release;
    /// use tack::traffic_map::TrafficMap;
    /// let ingress = IngressValues { enabled: true, host: Some("mnist.example.com".into()), ..IngressValues::default() };
    /// let app = App::new("mnist", "mnist:1").ingress(ingress);
    /// let map = TrafficMap::of(&Release::new("prod", app).render()?);
    /// assert_eq!(map.entries[0].label(), "mnist.example.com/");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn label(&self) -> String {
        let mut label = if let Some(kind) = &self.service_type {
            format!("{} ({kind})", self.via.join(" + "))
        } else {
            let hosts = if self.hosts.is_empty() {
                "*".to_string()
            } else {
                self.hosts.join(",")
            };
            format!("{hosts}{}", self.path.as_deref().unwrap_or(""))
        };
        if let Some(method) = &self.method {
            label.push_str(&format!(" {method}"));
        }
        if !self.headers.is_empty() {
            let headers: Vec<String> = self.headers.iter().map(ToString::to_string).collect();
            label.push_str(&format!(" [{}]", headers.join(", ")));
        }
        label
    }

    /// What identifies the entry across two renders: namespace, hosts, path, method and
    /// headers, not the object that routes it (an Ingress replaced by an HTTPRoute is the
    /// same way in).
    pub(crate) fn key(&self) -> String {
        format!(
            "{}|{}",
            self.namespace.as_deref().unwrap_or(""),
            self.label()
        )
    }
}

impl Workload {
    /// `Kind/name` or `Kind/namespace/name`, as messages name objects.
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1")).namespace("ml").render()?);
    /// assert_eq!(map.workloads[0].id(), "Deployment/ml/mnist");
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    /// The pods it runs when traffic arrives: `replicas`, else its autoscaler's minimum,
    /// else Kubernetes' default of 1.
    ///
    /// ```
    /// use tack::{App, Release};
    /// use tack::traffic_map::TrafficMap;
    /// let map = TrafficMap::of(&Release::new("prod", App::new("mnist", "mnist:1").replicas(4)).render()?);
    /// assert_eq!(map.workloads[0].pods(), 4);
    /// # Ok::<(), tack::release::InvalidApp>(())
    /// ```
    pub fn pods(&self) -> i64 {
        match (self.replicas, &self.autoscaler) {
            (Some(replicas), _) => replicas.max(0),
            (None, Some(range)) => range.min.max(0),
            (None, None) => 1,
        }
    }
}

/// Shares as fractions with 4 decimals, so JSON reads `0.3333`, not `0.3333333333333333`.
fn rounded<S: Serializer>(share: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((share * 10_000.0).round() / 10_000.0)
}
