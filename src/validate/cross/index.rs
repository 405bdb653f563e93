//! Indexes over a stream's [`Facts`], so that a selector finds the pod templates it matches
//! and a reference finds the object it names without scanning every object: the
//! cross-object checks stay linear in the stream's length.
//!
//! Pod templates are grouped by namespace and label set (a thousand replicas of one
//! Deployment are one group), and the groups are indexed by each of their label pairs; a
//! selector looks up its rarest pair and tests only those groups.
//!
//! The indexes are kept for every object of a stream, so they are dense: sorted lists of
//! (hash of the key, position) pairs, 16 bytes an entry, instead of hash maps of keys to
//! lists. A lookup takes the entries of the key's hash and checks each against the object
//! it points at, so a hash collision costs a comparison, never a wrong answer.

use super::{ContainerPort, Facts, Text};
use crate::validate::rules::selector_matches_labels;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The hash of `key`, the same in every run (`DefaultHasher::new` has fixed keys).
fn hash_of(key: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// Positions by the hash of a key: sorted `(hash, position)` pairs.
#[derive(Default)]
struct ByHash(Vec<(u64, u32)>);

impl ByHash {
    fn push(&mut self, hash: u64, position: usize) {
        self.0
            .push((hash, u32::try_from(position).unwrap_or(u32::MAX)));
    }

    /// Sorts the pairs for [`ByHash::get`]; equal hashes keep their positions in order.
    fn sorted(mut self) -> Self {
        self.0.sort_unstable();
        self.0.shrink_to_fit();
        self
    }

    /// The positions filed under `hash`, in increasing order (some may be collisions).
    fn get(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|&(h, _)| h < hash);
        self.0[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, position)| position as usize)
    }
}

/// Pod templates of one namespace with one label set.
pub(super) struct PodGroup<'a> {
    /// The namespace, if the objects name one.
    pub namespace: Option<&'a str>,
    labels: &'a [(Text, Text)],
    /// The positions in the stream of the objects with these pod labels, in order.
    pub members: Vec<u32>,
    /// The container ports any member declares, by name and by number: sorted, each once.
    port_names: Vec<&'a str>,
    port_numbers: Vec<i64>,
    /// The last member's port list, while indexing: copies share theirs, so a run of
    /// copies adds its ports once.
    last_ports: Option<&'a [ContainerPort]>,
}

impl<'a> PodGroup<'a> {
    /// Whether a container of a member declares `target` (a port name or number).
    pub fn declares(&self, target: &Value) -> bool {
        match target {
            Value::String(name) => self.port_names.binary_search(&name.as_str()).is_ok(),
            other => other
                .as_i64()
                .is_some_and(|n| self.port_numbers.binary_search(&n).is_ok()),
        }
    }

    /// Adds a member's ports (unless it shares the previous member's list).
    fn add_ports(&mut self, ports: &'a [ContainerPort]) {
        if self
            .last_ports
            .is_some_and(|last| std::ptr::eq(last, ports))
        {
            return;
        }
        self.last_ports = Some(ports);
        for port in ports {
            self.port_numbers.push(port.number);
            self.port_names.extend(port.name.as_deref());
        }
    }

    /// Sorts the ports for [`PodGroup::declares`], each once.
    fn seal(&mut self) {
        self.port_numbers.sort_unstable();
        self.port_numbers.dedup();
        self.port_numbers.shrink_to_fit();
        self.port_names.sort_unstable();
        self.port_names.dedup();
        self.port_names.shrink_to_fit();
        self.last_ports = None;
    }

    fn label(&self, key: &str) -> Option<&'a str> {
        self.labels
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| &**v)
    }

    /// Whether every pair of a Service's `selector` is a label of the group.
    fn has_all(&self, selector: &Map<String, Value>) -> bool {
        selector
            .iter()
            .all(|(k, v)| v.as_str().is_some_and(|v| self.label(k) == Some(v)))
    }
}

type Namespace<'a> = Option<&'a str>;
type LabelSet<'a> = &'a [(Text, Text)];

/// The pod templates of a stream, grouped and indexed.
pub(super) struct PodIndex<'a> {
    all: &'a [Facts],
    groups: Vec<PodGroup<'a>>,
    /// Groups by namespace and label pair.
    by_pair: ByHash,
    /// Groups by label pair, whatever their namespace (for an object that names none).
    by_pair_anywhere: ByHash,
    /// Groups by namespace.
    by_namespace: HashMap<Namespace<'a>, Vec<u32>>,
}

const NONE: &[u32] = &[];

impl<'a> PodIndex<'a> {
    /// Indexes the pod templates among `all`.
    pub(super) fn new(all: &'a [Facts]) -> Self {
        let mut index = PodIndex {
            all,
            groups: Vec::new(),
            by_pair: ByHash::default(),
            by_pair_anywhere: ByHash::default(),
            by_namespace: HashMap::new(),
        };
        let mut group_of: HashMap<(Namespace<'a>, LabelSet<'a>), usize> = HashMap::new();
        for (position, facts) in all.iter().enumerate() {
            let Some(labels) = &facts.pod_labels else {
                continue;
            };
            let namespace = facts.namespace.as_deref();
            let id = *group_of.entry((namespace, &labels[..])).or_insert_with(|| {
                let id = index.groups.len();
                index.groups.push(PodGroup {
                    namespace,
                    labels,
                    members: Vec::new(),
                    port_names: Vec::new(),
                    port_numbers: Vec::new(),
                    last_ports: None,
                });
                for (key, value) in labels.iter() {
                    let (key, value) = (&**key, &**value);
                    index.by_pair.push(hash_of((namespace, key, value)), id);
                    index.by_pair_anywhere.push(hash_of((key, value)), id);
                }
                index
                    .by_namespace
                    .entry(namespace)
                    .or_default()
                    .push(u32::try_from(id).unwrap_or(u32::MAX));
                id
            });
            let group = &mut index.groups[id];
            group
                .members
                .push(u32::try_from(position).unwrap_or(u32::MAX));
            group.add_ports(&facts.ports);
        }
        index.groups.iter_mut().for_each(PodGroup::seal);
        index.by_pair = index.by_pair.sorted();
        index.by_pair_anywhere = index.by_pair_anywhere.sorted();
        index
    }

    /// Groups that may hold label `key=value` for an object in `namespace` (objects
    /// without a namespace match any): in increasing order, each checked.
    fn with_pair(&self, namespace: Namespace<'_>, key: &str, value: &str) -> Vec<usize> {
        let has_pair = |id: &usize| self.groups[*id].label(key) == Some(value);
        match namespace {
            None => self
                .by_pair_anywhere
                .get(hash_of((key, value)))
                .filter(has_pair)
                .collect(),
            Some(_) => {
                let mut ids: Vec<usize> = [namespace, None]
                    .into_iter()
                    .flat_map(|ns| {
                        self.by_pair
                            .get(hash_of((ns, key, value)))
                            .filter(move |id| self.groups[*id].namespace == ns)
                    })
                    .filter(has_pair)
                    .collect();
                ids.sort_unstable();
                ids
            }
        }
    }

    /// Groups whose labels hold every pair of a Service's `selector`, for an object in
    /// `namespace`: found through the selector's rarest pair.
    pub(super) fn matching_service(
        &self,
        namespace: Namespace<'_>,
        selector: &Map<String, Value>,
    ) -> Vec<&PodGroup<'a>> {
        let Some(candidates) = selector
            .iter()
            .map(|(k, v)| v.as_str().map(|v| self.with_pair(namespace, k, v)))
            .collect::<Option<Vec<_>>>()
            .and_then(|lists| lists.into_iter().min_by_key(Vec::len))
        else {
            return Vec::new();
        };
        candidates
            .into_iter()
            .map(|id| &self.groups[id])
            .filter(|group| group.has_all(selector))
            .collect()
    }

    /// The objects of `groups`, in stream order.
    pub(super) fn members(&self, groups: &[&PodGroup<'a>]) -> Vec<&'a Facts> {
        let mut positions: Vec<u32> = groups
            .iter()
            .flat_map(|g| g.members.iter().copied())
            .collect();
        positions.sort_unstable();
        positions
            .into_iter()
            .map(|p| &self.all[p as usize])
            .collect()
    }

    /// Groups a `LabelSelector` (`matchLabels`, `matchExpressions`) selects among those of
    /// exactly `namespace`.
    pub(super) fn selected_in(
        &self,
        namespace: Namespace<'_>,
        selector: &Value,
    ) -> Vec<&PodGroup<'a>> {
        self.selected(&[namespace], selector)
    }

    /// Groups a `LabelSelector` selects among those an object in `namespace` can see: of its
    /// namespace or of none (for an object without a namespace: of any).
    pub(super) fn selected_from(
        &self,
        namespace: Namespace<'_>,
        selector: &Value,
    ) -> Vec<&PodGroup<'a>> {
        match namespace {
            Some(_) => self.selected(&[namespace, None], selector),
            None => {
                let mut namespaces: Vec<Namespace<'_>> =
                    self.by_namespace.keys().copied().collect();
                namespaces.sort_unstable();
                self.selected(&namespaces, selector)
            }
        }
    }

    fn selected(&self, namespaces: &[Namespace<'_>], selector: &Value) -> Vec<&PodGroup<'a>> {
        let match_labels: Vec<(&str, &str)> = selector
            .get("matchLabels")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
            .collect();
        let mut found = Vec::new();
        for &namespace in namespaces {
            let in_namespace = |id: &usize| self.groups[*id].namespace == namespace;
            let rarest = match_labels
                .iter()
                .map(|(k, v)| {
                    self.by_pair
                        .get(hash_of((namespace, *k, *v)))
                        .filter(in_namespace)
                        .collect::<Vec<usize>>()
                })
                .min_by_key(Vec::len);
            let candidates = rarest.unwrap_or_else(|| {
                self.by_namespace
                    .get(&namespace)
                    .map_or(NONE, Vec::as_slice)
                    .iter()
                    .map(|&id| id as usize)
                    .collect()
            });
            found.extend(
                candidates
                    .into_iter()
                    .map(|id| &self.groups[id])
                    .filter(|group| group.namespace == namespace)
                    .filter(|group| selector_matches_labels(selector, |key| group.label(key))),
            );
        }
        found
    }
}

/// Objects by kind, namespace and name: the first of each, in stream order; and the later
/// ones that repeat a key (duplicates).
pub(super) struct NameIndex<'a> {
    all: &'a [Facts],
    /// Named objects by kind, namespace (none for a cluster-scoped kind) and name.
    exact: ByHash,
    /// By kind and name alone, for objects without a namespace (built only if there are any).
    anywhere: Option<ByHash>,
    /// `(later, first)` positions of objects with the kind, namespace and name of an
    /// earlier one, in stream order.
    pub duplicates: Vec<(usize, usize)>,
}

/// The namespace an object's name lives in: none for a cluster-scoped kind.
fn scope(facts: &Facts) -> Namespace<'_> {
    if facts.namespaced {
        facts.namespace.as_deref().filter(|n| !n.is_empty())
    } else {
        None
    }
}

/// What names an object: kind, namespace and name.
fn key(facts: &Facts) -> Option<(&str, Namespace<'_>, &str)> {
    Some((&*facts.kind, scope(facts), facts.name.as_deref()?))
}

impl<'a> NameIndex<'a> {
    /// Indexes the named objects among `all`.
    pub(super) fn new(all: &'a [Facts]) -> Self {
        let mut exact = ByHash::default();
        let mut anywhere = all
            .iter()
            .any(|f| f.name.is_some() && f.namespace.is_none())
            .then(ByHash::default);
        for (position, facts) in all.iter().enumerate() {
            let Some((kind, namespace, name)) = key(facts) else {
                continue;
            };
            exact.push(hash_of((kind, namespace, name)), position);
            if let Some(anywhere) = &mut anywhere {
                anywhere.push(hash_of((kind, name)), position);
            }
        }
        let exact = exact.sorted();
        // Positions of one hash are in stream order: a later one whose key an earlier one
        // has repeats the first of them.
        let mut duplicates = Vec::new();
        for run in exact
            .0
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            for (i, &(_, later)) in run.iter().enumerate().skip(1) {
                let later_key = key(&all[later as usize]);
                if let Some(&(_, first)) = run[..i]
                    .iter()
                    .find(|(_, first)| key(&all[*first as usize]) == later_key)
                {
                    duplicates.push((later as usize, first as usize));
                }
            }
        }
        duplicates.sort_unstable();
        NameIndex {
            all,
            exact,
            anywhere: anywhere.map(ByHash::sorted),
            duplicates,
        }
    }

    /// The first object of `kind` named `name` that `from` can see: in its namespace or in
    /// none (and, for `from` without a namespace, in any): objects that do not name a
    /// namespace may be in any.
    pub(super) fn find(&self, kind: &str, name: &str, from: &Facts) -> Option<&'a Facts> {
        let position = match from.namespace.as_deref() {
            None => self.anywhere.as_ref().and_then(|anywhere| {
                anywhere.get(hash_of((kind, name))).find(|&p| {
                    let facts = &self.all[p];
                    &*facts.kind == kind && facts.name.as_deref() == Some(name)
                })
            }),
            namespace => {
                let first_in = |namespace: Namespace<'_>| {
                    self.exact
                        .get(hash_of((kind, namespace, name)))
                        .find(|&p| key(&self.all[p]) == Some((kind, namespace, name)))
                };
                // The first in the stream, as a scan would find it.
                first_in(namespace).into_iter().chain(first_in(None)).min()
            }
        };
        position.map(|p| &self.all[p])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use crate::validate::cross::tests::facts;
    use crate::validate::object::Object;
    use serde_json::json;

    fn deployment(name: &str, namespace: Option<&str>, app: &str) -> Value {
        let mut value = json!({"kind": "Deployment", "metadata": {"name": name},
            "spec": {"template": {"metadata": {"labels": {"app": app, "tier": "web"}}, "spec": {"containers": []}}}});
        if let Some(namespace) = namespace {
            value["metadata"]["namespace"] = json!(namespace);
        }
        value
    }

    fn selector(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect()
    }

    #[test]
    fn a_selector_sees_its_namespace_and_objects_without_one() {
        let all = facts(&[
            deployment("a", Some("ml"), "mnist"),
            deployment("b", Some("web"), "mnist"),
            deployment("c", None, "mnist"),
            deployment("d", Some("ml"), "other"),
        ]);
        let pods = PodIndex::new(&all);
        let names = |groups: Vec<&PodGroup<'_>>| -> Vec<String> {
            pods.members(&groups)
                .iter()
                .map(|f| f.name.as_deref().unwrap_or("").to_string())
                .collect()
        };
        let mnist = selector(&[("app", "mnist"), ("tier", "web")]);
        assert_eq!(names(pods.matching_service(Some("ml"), &mnist)), ["a", "c"]);
        assert_eq!(names(pods.matching_service(None, &mnist)), ["a", "b", "c"]);
        assert!(
            pods.matching_service(Some("ml"), &selector(&[("app", "nope")]))
                .is_empty()
        );
        // A selector value that is not text matches nothing.
        let mut odd = mnist.clone();
        odd.insert("tier".into(), json!(1));
        assert!(pods.matching_service(Some("ml"), &odd).is_empty());
        let label_selector = json!({"matchLabels": {"tier": "web"}, "matchExpressions": [
            {"key": "app", "operator": "NotIn", "values": ["other"]}]});
        assert_eq!(names(pods.selected_in(Some("ml"), &label_selector)), ["a"]);
        assert_eq!(
            names(pods.selected_from(Some("ml"), &label_selector)),
            ["a", "c"]
        );
        let everything = json!({});
        assert_eq!(
            names(pods.selected_from(None, &everything)),
            ["a", "b", "c", "d"]
        );
    }

    #[test]
    fn copies_of_one_template_are_one_group() {
        let all = facts(
            &(0..50)
                .map(|i| deployment(&format!("d{i}"), Some("ml"), "mnist"))
                .collect::<Vec<_>>(),
        );
        let pods = PodIndex::new(&all);
        let groups = pods.matching_service(Some("ml"), &selector(&[("app", "mnist")]));
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members.len(), 50);
    }

    #[test]
    fn a_group_declares_the_ports_of_every_member() {
        let with_port = |name: &str, port: &str, number: i64| {
            let mut value = deployment(name, Some("ml"), "mnist");
            value["spec"]["template"]["spec"]["containers"] =
                json!([{"name": "app", "ports": [{"name": port, "containerPort": number}]}]);
            value
        };
        let all = facts(&[
            with_port("a", "http", 8080),
            with_port("b", "metrics", 9090),
            with_port("c", "http", 8080),
        ]);
        let pods = PodIndex::new(&all);
        let groups = pods.matching_service(Some("ml"), &selector(&[("app", "mnist")]));
        assert_eq!(groups.len(), 1);
        for declared in [json!("http"), json!("metrics"), json!(8080), json!(9090)] {
            assert!(groups[0].declares(&declared), "{declared}");
        }
        for undeclared in [json!("grpc"), json!(80), json!(true)] {
            assert!(!groups[0].declares(&undeclared), "{undeclared}");
        }
    }

    #[test]
    fn entries_of_one_hash_come_back_in_order_and_others_not() {
        let mut index = ByHash::default();
        for (hash, position) in [(7, 4), (3, 1), (7, 2), (9, 0), (7, 3)] {
            index.push(hash, position);
        }
        let index = index.sorted();
        assert_eq!(index.get(7).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(index.get(9).collect::<Vec<_>>(), [0]);
        assert_eq!(index.get(5).count(), 0);
        assert_eq!(index.get(u64::MAX).count(), 0);
    }

    #[test]
    fn a_repeated_name_is_a_duplicate_of_its_first_object() {
        let config = |name: &str, namespace: &str| json!({"kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}});
        let all = facts(&[
            config("settings", "ml"),
            config("settings", "web"),
            config("other", "ml"),
            config("settings", "ml"),
            config("settings", "ml"),
            config("other", "ml"),
        ]);
        assert_eq!(NameIndex::new(&all).duplicates, [(3, 0), (4, 0), (5, 2)]);
    }

    #[test]
    fn a_name_resolves_to_the_first_visible_object() {
        let secret = |name: &str, namespace: Option<&str>| {
            let mut value = json!({"kind": "Secret", "metadata": {"name": name}});
            if let Some(namespace) = namespace {
                value["metadata"]["namespace"] = json!(namespace);
            }
            value
        };
        let all = facts(&[
            secret("keys", Some("web")),
            secret("keys", None),
            secret("keys", Some("ml")),
        ]);
        let names = NameIndex::new(&all);
        let from = |namespace| {
            Facts::of(
                &Object::new(deployment("x", namespace, "a"), SourceId(0), 1, None),
                Some(true),
            )
        };
        let found = |namespace| {
            names
                .find("Secret", "keys", &from(namespace))
                .map(|f| f.namespace.as_deref())
        };
        assert_eq!(
            found(Some("ml")),
            Some(None),
            "the one without a namespace comes first"
        );
        assert_eq!(found(Some("web")), Some(Some("web")));
        assert_eq!(found(None), Some(Some("web")));
        assert_eq!(
            names.find("ConfigMap", "keys", &from(None)).map(|_| ()),
            None
        );
    }
}
