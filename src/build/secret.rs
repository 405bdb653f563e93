//! Secrets.

use super::meta::{MetaBuilder, metadata_methods};
use super::non_empty_map;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use std::collections::BTreeMap;

/// Builds a Secret. Values are stored base64-encoded under `data`.
///
/// ```
/// use tack::build::SecretBuilder;
/// let builder = SecretBuilder::opaque("api").data("key", "hunter2");
/// assert!(!format!("{builder:?}").contains("hunter2")); // Debug shows keys, never values
/// let secret = serde_json::to_value(builder.build())?;
/// assert_eq!(secret["data"]["key"], "aHVudGVyMg==");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct SecretBuilder {
    meta: MetaBuilder,
    type_: String,
    data: BTreeMap<String, ByteString>,
}

impl std::fmt::Debug for SecretBuilder {
    /// Shows the keys, never the values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBuilder")
            .field("meta", &self.meta)
            .field("type", &self.type_)
            .field("keys", &self.data.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SecretBuilder {
    /// An `Opaque` Secret called `name`.
    ///
    /// ```
    /// let secret = tack::build::SecretBuilder::opaque("api").build();
    /// assert_eq!(secret.type_.as_deref(), Some("Opaque"));
    /// ```
    pub fn opaque(name: impl Into<String>) -> Self {
        SecretBuilder {
            meta: MetaBuilder::new(name),
            type_: "Opaque".to_string(),
            data: BTreeMap::new(),
        }
    }

    /// A `kubernetes.io/tls` Secret from a PEM certificate chain and private key.
    ///
    /// ```
    /// use tack::build::SecretBuilder;
    /// let secret = SecretBuilder::tls("mnist-tls", "<PEM certificate>", "<PEM key>").build();
    /// assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
    /// let keys: Vec<_> = secret.data.unwrap().into_keys().collect();
    /// assert_eq!(keys, ["tls.crt", "tls.key"]);
    /// ```
    pub fn tls(name: impl Into<String>, cert_pem: &str, key_pem: &str) -> Self {
        SecretBuilder {
            meta: MetaBuilder::new(name),
            type_: "kubernetes.io/tls".to_string(),
            data: BTreeMap::new(),
        }
        .data("tls.crt", cert_pem)
        .data("tls.key", key_pem)
    }

    metadata_methods!();

    /// Adds a key.
    ///
    /// ```
    /// let secret = tack::build::SecretBuilder::opaque("api").data("key", b"\x00\x01").build();
    /// assert_eq!(secret.data.unwrap()["key"].0, [0, 1]);
    /// ```
    pub fn data(mut self, key: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        self.data
            .insert(key.into(), ByteString(value.as_ref().to_vec()));
        self
    }

    /// The Secret.
    ///
    /// ```
    /// let secret = tack::build::SecretBuilder::opaque("api").build();
    /// assert_eq!(secret.metadata.name.as_deref(), Some("api"));
    /// assert_eq!(secret.data, None); // no keys, no empty map
    /// ```
    pub fn build(self) -> Secret {
        Secret {
            metadata: self.meta.build(),
            type_: Some(self.type_),
            data: non_empty_map(self.data),
            ..Secret::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_base64_and_debug_hides_values() {
        let builder = SecretBuilder::opaque("mnist").data("apiKey", "hunter2");
        assert!(!format!("{builder:?}").contains("hunter2"));
        let json = serde_json::to_value(builder.build()).unwrap();
        assert_eq!(json["data"]["apiKey"], "aHVudGVyMg==");
        assert_eq!(json["type"], "Opaque");
    }
}
