//! One copy of each text, label set and port list of a stream's facts.
//!
//! A stream of many copies of an app (one per namespace, or replicas of one template)
//! repeats the same kinds, names, label sets, ports and field paths in every object; the
//! facts kept for the cross-object checks share them instead of holding a copy each.

use super::{ContainerPort, Labels, Text};
use std::collections::HashSet;
use std::sync::Arc;

/// The texts seen so far; facts are [`Facts::share`](super::Facts::share)d through it as
/// they are collected, in stream order on one thread.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    texts: HashSet<Text>,
    labels: HashSet<Labels>,
    ports: HashSet<Arc<[ContainerPort]>>,
}

/// The kept copy of `value` in `set`, adding it if it is new.
fn kept<T: ?Sized + Eq + std::hash::Hash>(set: &mut HashSet<Arc<T>>, value: &Arc<T>) -> Arc<T> {
    if let Some(found) = set.get(value) {
        return Arc::clone(found);
    }
    set.insert(Arc::clone(value));
    Arc::clone(value)
}

impl Interner {
    /// The kept copy of a text.
    pub(super) fn text(&mut self, text: &Text) -> Text {
        kept(&mut self.texts, text)
    }

    /// The kept copy of a label set, whose texts are kept too.
    pub(super) fn labels(&mut self, labels: &Labels) -> Labels {
        if let Some(found) = self.labels.get(labels) {
            return Arc::clone(found);
        }
        let shared: Labels = labels
            .iter()
            .map(|(k, v)| (self.text(k), self.text(v)))
            .collect();
        self.labels.insert(Arc::clone(&shared));
        shared
    }

    /// The kept copy of a port list, whose names are kept too.
    pub(super) fn ports(&mut self, ports: &Arc<[ContainerPort]>) -> Arc<[ContainerPort]> {
        if let Some(found) = self.ports.get(ports) {
            return Arc::clone(found);
        }
        let shared: Arc<[ContainerPort]> = ports
            .iter()
            .map(|p| ContainerPort {
                name: p.name.as_ref().map(|n| self.text(n)),
                number: p.number,
            })
            .collect();
        self.ports.insert(Arc::clone(&shared));
        shared
    }
}

/// The facts of a stream, in order, sharing their texts.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    facts: Vec<super::Facts>,
    strings: Interner,
}

impl Collected {
    /// Adds facts (the next in stream order).
    pub(crate) fn extend(&mut self, facts: impl IntoIterator<Item = super::Facts>) {
        for mut facts in facts {
            facts.share(&mut self.strings);
            self.facts.push(facts);
        }
    }

    /// Every fact so far, in stream order.
    pub(crate) fn all(&self) -> &[super::Facts] {
        &self.facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_come_back_as_one_copy() {
        let mut strings = Interner::default();
        let first = strings.text(&Text::from("mnist"));
        let second = strings.text(&Text::from("mnist"));
        assert!(Arc::ptr_eq(&first, &second));
        let labels: Labels = vec![(Text::from("app"), Text::from("mnist"))].into();
        let again: Labels = vec![(Text::from("app"), Text::from("mnist"))].into();
        let (a, b) = (strings.labels(&labels), strings.labels(&again));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(
            Arc::ptr_eq(&a[0].1, &first),
            "the label's text is the kept one"
        );
    }
}
