//! Secret values: opaque keys passed to the app, and TLS certificates.
//!
//! Values under `secrets` and `tlsSecrets` never appear in error messages.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One key of the app's Secret (`<name>`), optionally passed as an environment variable.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_file("charts/model-serving/values.yaml".as_ref())?;
/// values.add_yaml("prod.yaml", "secrets: {apiKey: {value: hunter2}}\n")?;
/// let secret = &values.finish(None)?.app.secrets["apiKey"];
/// assert_eq!(secret.value.as_deref(), Some("hunter2"));
/// assert_eq!(secret.env_name.as_deref(), Some("API_KEY")); // from the chart's defaults
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretValue {
    /// Pass the key to the container as this environment variable, e.g. `API_KEY`.
    pub env_name: Option<String>,
    /// The secret itself (set this or `file`).
    pub value: Option<String>,
    /// A file holding the secret, relative to the value file that names it (set this or `value`).
    pub file: Option<String>,
}

/// A Secret of type `kubernetes.io/tls`, from PEM files or text.
///
/// ```
/// use tack::values::{App, TlsSecret};
/// let mut app = App::new("mnist", "mnist:1");
/// let pem = TlsSecret {
///     cert: Some("<PEM certificate chain>".into()),
///     key: Some("<PEM private key>".into()),
///     ..TlsSecret::default()
/// };
/// app.tls_secrets.insert("mnist-tls".into(), pem);
/// let manifests = tack::Release::new("prod", app).render()?;
/// let secret = manifests.iter().find(|m| m.display_name() == "Secret/mnist-tls").unwrap();
/// assert_eq!(secret.json()["type"], "kubernetes.io/tls");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TlsSecret {
    /// PEM certificate chain file, relative to the value file (or set `cert`).
    pub cert_file: Option<String>,
    /// PEM private key file, relative to the value file (or set `key`).
    pub key_file: Option<String>,
    /// PEM certificate chain (e.g. from `--set-file tlsSecrets.NAME.cert=tls.crt`).
    pub cert: Option<String>,
    /// PEM private key.
    pub key: Option<String>,
}
