//! ConfigMaps.

use super::meta::{MetaBuilder, metadata_methods};
use super::non_empty_map;
use k8s_openapi::api::core::v1::ConfigMap;
use std::collections::BTreeMap;

/// Builds a ConfigMap.
#[derive(Debug, Clone)]
pub struct ConfigMapBuilder {
    meta: MetaBuilder,
    data: BTreeMap<String, String>,
}

impl ConfigMapBuilder {
    /// A ConfigMap called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        ConfigMapBuilder {
            meta: MetaBuilder::new(name),
            data: BTreeMap::new(),
        }
    }

    metadata_methods!();

    /// Adds a key.
    pub fn data(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }

    /// The ConfigMap.
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
