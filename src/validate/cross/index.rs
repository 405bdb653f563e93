//! Indexes over a stream's [`Facts`], so that a selector finds the pod templates it matches
//! and a reference finds the object it names without scanning every object: the
//! cross-object checks stay linear in the stream's length.
//!
//! Pod templates are grouped by namespace and label set (a thousand replicas of one
//! Deployment are one group), and the groups are indexed by each of their label pairs; a
//! selector looks up its rarest pair and tests only those groups.

use super::{Facts, Text};
use crate::validate::rules::selector_matches_labels;
use serde_json::{Map, Value};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// Pod templates of one namespace with one label set.
pub(super) struct PodGroup<'a> {
    /// The namespace, if the objects name one.
    pub namespace: Option<&'a str>,
    labels: &'a [(Text, Text)],
    /// The positions in the stream of the objects with these pod labels, in order.
    pub members: Vec<usize>,
    /// The container ports any member declares: by name, and by number.
    port_names: HashSet<&'a str>,
    port_numbers: HashSet<i64>,
}

impl<'a> PodGroup<'a> {
    /// Whether a container of a member declares `target` (a port name or number).
    pub fn declares(&self, target: &Value) -> bool {
        match target {
            Value::String(name) => self.port_names.contains(name.as_str()),
            other => other
                .as_i64()
                .is_some_and(|n| self.port_numbers.contains(&n)),
        }
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
    by_pair: HashMap<(Namespace<'a>, &'a str, &'a str), Vec<usize>>,
    /// Groups by label pair, whatever their namespace (for an object that names none).
    by_pair_anywhere: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Groups by namespace.
    by_namespace: HashMap<Namespace<'a>, Vec<usize>>,
}

const NONE: &[usize] = &[];

impl<'a> PodIndex<'a> {
    /// Indexes the pod templates among `all`.
    pub(super) fn new(all: &'a [Facts]) -> Self {
        let mut index = PodIndex {
            all,
            groups: Vec::new(),
            by_pair: HashMap::new(),
            by_pair_anywhere: HashMap::new(),
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
                    port_names: HashSet::new(),
                    port_numbers: HashSet::new(),
                });
                for (key, value) in labels.iter() {
                    index
                        .by_pair
                        .entry((namespace, &**key, &**value))
                        .or_default()
                        .push(id);
                    index
                        .by_pair_anywhere
                        .entry((&**key, &**value))
                        .or_default()
                        .push(id);
                }
                index.by_namespace.entry(namespace).or_default().push(id);
                id
            });
            let group = &mut index.groups[id];
            group.members.push(position);
            for port in facts.ports.iter() {
                group.port_numbers.insert(port.number);
                if let Some(name) = &port.name {
                    group.port_names.insert(name);
                }
            }
        }
        index
    }

    /// Groups that may hold label `key=value` for an object in `namespace` (objects
    /// without a namespace match any).
    fn with_pair(&self, namespace: Namespace<'_>, key: &str, value: &str) -> Vec<usize> {
        match namespace {
            None => self
                .by_pair_anywhere
                .get(&(key, value))
                .map_or(NONE, Vec::as_slice)
                .to_vec(),
            Some(_) => {
                let mut ids: Vec<usize> = [namespace, None]
                    .iter()
                    .flat_map(|ns| {
                        self.by_pair
                            .get(&(*ns, key, value))
                            .map_or(NONE, Vec::as_slice)
                    })
                    .copied()
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
        let mut positions: Vec<usize> = groups
            .iter()
            .flat_map(|g| g.members.iter().copied())
            .collect();
        positions.sort_unstable();
        positions.into_iter().map(|p| &self.all[p]).collect()
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
            let rarest = match_labels
                .iter()
                .map(|(k, v)| {
                    self.by_pair
                        .get(&(namespace, *k, *v))
                        .map_or(NONE, Vec::as_slice)
                })
                .min_by_key(|ids| ids.len());
            let candidates = rarest.unwrap_or_else(|| {
                self.by_namespace
                    .get(&namespace)
                    .map_or(NONE, Vec::as_slice)
            });
            found.extend(
                candidates
                    .iter()
                    .map(|&id| &self.groups[id])
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
    exact: HashMap<(&'a str, Namespace<'a>, &'a str), u32>,
    /// By kind and name alone, for objects without a namespace (built only if there are any).
    anywhere: Option<HashMap<(&'a str, &'a str), u32>>,
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

impl<'a> NameIndex<'a> {
    /// Indexes the named objects among `all`.
    pub(super) fn new(all: &'a [Facts]) -> Self {
        let unplaced = all
            .iter()
            .any(|f| f.name.is_some() && f.namespace.is_none());
        let mut index = NameIndex {
            all,
            exact: HashMap::with_capacity(all.len()),
            anywhere: unplaced.then(HashMap::new),
            duplicates: Vec::new(),
        };
        for (position, facts) in all.iter().enumerate() {
            let Some(name) = &facts.name else { continue };
            let kind = &*facts.kind;
            let slot = u32::try_from(position).unwrap_or(u32::MAX);
            match index.exact.entry((kind, scope(facts), name)) {
                Entry::Occupied(first) => {
                    index.duplicates.push((position, *first.get() as usize));
                }
                Entry::Vacant(entry) => {
                    entry.insert(slot);
                }
            }
            if let Some(anywhere) = &mut index.anywhere {
                anywhere.entry((kind, name)).or_insert(slot);
            }
        }
        index
    }

    /// The first object of `kind` named `name` that `from` can see: in its namespace or in
    /// none (and, for `from` without a namespace, in any): objects that do not name a
    /// namespace may be in any.
    pub(super) fn find(&self, kind: &str, name: &str, from: &Facts) -> Option<&'a Facts> {
        let position = match from.namespace.as_deref() {
            None => self
                .anywhere
                .as_ref()
                .and_then(|anywhere| anywhere.get(&(kind, name)))
                .copied(),
            namespace => {
                let here = self.exact.get(&(kind, namespace, name)).copied();
                let nowhere = self.exact.get(&(kind, None, name)).copied();
                // The first in the stream, as a scan would find it.
                here.into_iter().chain(nowhere).min()
            }
        };
        position.map(|p| &self.all[p as usize])
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
