//! Object metadata: name, namespace, labels, annotations.

use super::{Labels, non_empty_map};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Builds the `metadata` of an object.
#[derive(Debug, Clone, Default)]
pub struct MetaBuilder {
    name: String,
    namespace: Option<String>,
    labels: Labels,
    annotations: Labels,
}

impl MetaBuilder {
    /// Metadata for an object called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        MetaBuilder {
            name: name.into(),
            ..MetaBuilder::default()
        }
    }

    /// Sets the namespace (unset: the one `kubectl` applies to).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets the namespace if there is one.
    pub fn namespace_opt(mut self, namespace: Option<&str>) -> Self {
        self.namespace = namespace.map(str::to_string);
        self
    }

    /// Adds labels.
    pub fn labels<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.labels.extend(super::labels(labels));
        self
    }

    /// Adds annotations.
    pub fn annotations<K: Into<String>, V: Into<String>>(
        mut self,
        annotations: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.annotations.extend(super::labels(annotations));
        self
    }

    /// The metadata.
    pub fn build(self) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name),
            namespace: self.namespace,
            labels: non_empty_map(self.labels),
            annotations: non_empty_map(self.annotations),
            ..ObjectMeta::default()
        }
    }
}

/// Adds the metadata methods (`namespace`, `labels`, `annotations`) to a builder with a
/// `meta: MetaBuilder` field.
macro_rules! metadata_methods {
    () => {
        /// Sets the namespace (unset: the one `kubectl` applies to).
        pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
            self.meta = self.meta.namespace(namespace);
            self
        }

        /// Sets the namespace if there is one.
        pub fn namespace_opt(mut self, namespace: Option<&str>) -> Self {
            self.meta = self.meta.namespace_opt(namespace);
            self
        }

        /// Adds labels to the object.
        pub fn labels<K: Into<String>, V: Into<String>>(
            mut self,
            labels: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.meta = self.meta.labels(labels);
            self
        }

        /// Adds annotations to the object.
        pub fn annotations<K: Into<String>, V: Into<String>>(
            mut self,
            annotations: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.meta = self.meta.annotations(annotations);
            self
        }
    };
}

pub(crate) use metadata_methods;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_maps_are_not_emitted() {
        let meta = MetaBuilder::new("mnist").build();
        assert_eq!(meta.labels, None);
        assert_eq!(meta.annotations, None);
        assert_eq!(meta.namespace, None);
        let json = serde_json::to_value(&meta).unwrap();
        assert_eq!(json, serde_json::json!({"name": "mnist"}));
    }
}
