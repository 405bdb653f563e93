//! ConfigMaps.

use super::meta::{MetaBuilder, metadata_methods};
use super::non_empty_map;
use k8s_openapi::api::core::v1::ConfigMap;
use std::collections::BTreeMap;

/// Builds a ConfigMap.
///
/// ```
/// use tack::build::ConfigMapBuilder;
/// let config = ConfigMapBuilder::new("settings").data("LOG_LEVEL", "info").build();
/// assert_eq!(config.data.unwrap()["LOG_LEVEL"], "info");
/// ```
#[derive(Debug, Clone)]
pub struct ConfigMapBuilder {
    meta: MetaBuilder,
    data: BTreeMap<String, String>,
}

impl ConfigMapBuilder {
    /// A ConfigMap called `name`.
    ///
    /// ```
    /// let config = tack::build::ConfigMapBuilder::new("settings").build();
    /// assert_eq!(config.metadata.name.as_deref(), Some("settings"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        ConfigMapBuilder {
            meta: MetaBuilder::new(name),
            data: BTreeMap::new(),
        }
    }

    metadata_methods!();

    /// Adds a key.
    ///
    /// ```
    /// use tack::build::ConfigMapBuilder;
    /// let config = ConfigMapBuilder::new("settings").data("b", "2").data("a", "yes").build();
    /// let keys: Vec<_> = config.data.unwrap().into_keys().collect();
    /// assert_eq!(keys, ["a", "b"]); // sorted, so the YAML is deterministic
    /// ```
    pub fn data(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }

    /// The ConfigMap.
    ///
    /// ```
    /// let config = tack::build::ConfigMapBuilder::new("settings").build();
    /// assert_eq!(config.data, None); // no keys, no empty map
    /// ```
    pub fn build(self) -> ConfigMap {
        ConfigMap {
            metadata: self.meta.build(),
            data: non_empty_map(self.data),
            ..ConfigMap::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_order() {
        let config = ConfigMapBuilder::new("settings")
            .data("b", "2")
            .data("a", "yes")
            .build();
        let json = serde_json::to_value(config).unwrap();
        assert_eq!(json["data"], serde_json::json!({"a": "yes", "b": "2"}));
    }
}
