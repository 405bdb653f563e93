//! Object metadata: name, namespace, labels, annotations.

use super::{Labels, non_empty_map};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Builds the `metadata` of an object.
///
/// ```
/// use tack::build::MetaBuilder;
/// let meta = MetaBuilder::new("mnist").namespace("ml").labels([("app", "mnist")]).build();
/// assert_eq!(meta.namespace.as_deref(), Some("ml"));
/// assert_eq!(meta.labels.unwrap()["app"], "mnist");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MetaBuilder {
    name: String,
    namespace: Option<String>,
    labels: Labels,
    annotations: Labels,
}

impl MetaBuilder {
    /// Metadata for an object called `name`.
    ///
    /// ```
    /// let meta = tack::build::MetaBuilder::new("mnist").build();
    /// assert_eq!(meta.name.as_deref(), Some("mnist"));
    /// assert_eq!(meta.namespace, None);
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        MetaBuilder {
            name: name.into(),
            ..MetaBuilder::default()
        }
    }

    /// Sets the namespace (unset: the one `kubectl` applies to).
    ///
    /// ```
    /// let meta = tack::build::MetaBuilder::new("mnist").namespace("ml").build();
    /// assert_eq!(meta.namespace.as_deref(), Some("ml"));
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets the namespace if there is one; `None` unsets it (also one set before).
    ///
    /// ```
    /// use tack::build::MetaBuilder;
    /// let meta = MetaBuilder::new("mnist").namespace_opt(Some("ml")).build();
    /// assert_eq!(meta.namespace.as_deref(), Some("ml"));
    /// let meta = MetaBuilder::new("mnist").namespace("ml").namespace_opt(None).build();
    /// assert_eq!(meta.namespace, None);
    /// ```
    pub fn namespace_opt(mut self, namespace: Option<&str>) -> Self {
        self.namespace = namespace.map(str::to_string);
        self
    }

    /// Adds labels.
    ///
    /// ```
    /// use tack::build::MetaBuilder;
    /// let meta = MetaBuilder::new("mnist").labels([("app", "mnist")]).labels([("team", "ml")]).build();
    /// assert_eq!(meta.labels.unwrap().len(), 2);
    /// ```
    pub fn labels<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.labels.extend(super::labels(labels));
        self
    }

    /// Adds annotations.
    ///
    /// ```
    /// use tack::build::MetaBuilder;
    /// let meta = MetaBuilder::new("mnist").annotations([("owner", "ml-platform")]).build();
    /// assert_eq!(meta.annotations.unwrap()["owner"], "ml-platform");
    /// ```
    pub fn annotations<K: Into<String>, V: Into<String>>(
        mut self,
        annotations: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.annotations.extend(super::labels(annotations));
        self
    }

    /// The metadata.
    ///
    /// ```
    /// let meta = tack::build::MetaBuilder::new("mnist").build();
    /// // Empty maps are not emitted.
    /// assert_eq!((meta.labels, meta.annotations), (None, None));
    /// ```
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
        ///
        /// ```
        /// use tack::build::*;
        /// let namespaces = [
        ///     DeploymentBuilder::new("mnist").namespace("ml").build().metadata.namespace,
        ///     ServiceBuilder::new("mnist").namespace("ml").build().metadata.namespace,
        ///     IngressBuilder::new("mnist").namespace("ml").build().metadata.namespace,
        ///     ConfigMapBuilder::new("mnist").namespace("ml").build().metadata.namespace,
        ///     SecretBuilder::opaque("mnist").namespace("ml").build().metadata.namespace,
        /// ];
        /// assert!(namespaces.iter().all(|ns| ns.as_deref() == Some("ml")));
        /// ```
        pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
            self.meta = self.meta.namespace(namespace);
            self
        }

        /// Sets the namespace if there is one; `None` unsets it (also one set before).
        ///
        /// ```
        /// use tack::build::*;
        /// let namespaces = [
        ///     DeploymentBuilder::new("mnist").namespace_opt(Some("ml")).build().metadata.namespace,
        ///     ServiceBuilder::new("mnist").namespace_opt(Some("ml")).build().metadata.namespace,
        ///     IngressBuilder::new("mnist").namespace_opt(Some("ml")).build().metadata.namespace,
        ///     ConfigMapBuilder::new("mnist").namespace_opt(Some("ml")).build().metadata.namespace,
        ///     SecretBuilder::opaque("mnist").namespace("ml").namespace_opt(None).build().metadata.namespace,
        /// ];
        /// assert_eq!(namespaces.map(|ns| ns.is_some()), [true, true, true, true, false]);
        /// ```
        pub fn namespace_opt(mut self, namespace: Option<&str>) -> Self {
            self.meta = self.meta.namespace_opt(namespace);
            self
        }

        /// Adds labels to the object.
        ///
        /// ```
        /// use tack::build::*;
        /// let labels = [
        ///     DeploymentBuilder::new("mnist").labels([("team", "ml")]).build().metadata.labels,
        ///     ServiceBuilder::new("mnist").labels([("team", "ml")]).build().metadata.labels,
        ///     IngressBuilder::new("mnist").labels([("team", "ml")]).build().metadata.labels,
        ///     ConfigMapBuilder::new("mnist").labels([("team", "ml")]).build().metadata.labels,
        ///     SecretBuilder::opaque("mnist").labels([("team", "ml")]).build().metadata.labels,
        /// ];
        /// assert!(labels.iter().all(|labels| labels.as_ref().unwrap()["team"] == "ml"));
        /// ```
        pub fn labels<K: Into<String>, V: Into<String>>(
            mut self,
            labels: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.meta = self.meta.labels(labels);
            self
        }

        /// Adds annotations to the object.
        ///
        /// ```
        /// use tack::build::*;
        /// let owner = [("owner", "ml-platform")];
        /// let annotations = [
        ///     DeploymentBuilder::new("mnist").annotations(owner).build().metadata.annotations,
        ///     ServiceBuilder::new("mnist").annotations(owner).build().metadata.annotations,
        ///     IngressBuilder::new("mnist").annotations(owner).build().metadata.annotations,
        ///     ConfigMapBuilder::new("mnist").annotations(owner).build().metadata.annotations,
        ///     SecretBuilder::opaque("mnist").annotations(owner).build().metadata.annotations,
        /// ];
        /// assert!(annotations.iter().all(|a| a.as_ref().unwrap()["owner"] == "ml-platform"));
        /// ```
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
