//! The API server's rules for the data of Secrets and ConfigMaps: key names, and the keys
//! each Secret type requires. Messages name keys, never values.

use super::Rules;
use base64::Engine;
use serde_json::Value;

/// What a config key may be: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
fn is_config_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

/// The keys a Secret of a built-in type must hold, as the API server checks them: all of
/// them (`all: true`) or at least one.
fn required_keys(secret_type: &str) -> Option<(&'static [&'static str], bool)> {
    match secret_type {
        "kubernetes.io/tls" => Some((&["tls.crt", "tls.key"], true)),
        "kubernetes.io/dockerconfigjson" => Some((&[".dockerconfigjson"], true)),
        "kubernetes.io/dockercfg" => Some((&[".dockercfg"], true)),
        "kubernetes.io/ssh-auth" => Some((&["ssh-privatekey"], true)),
        "kubernetes.io/basic-auth" => Some((&["username", "password"], false)),
        _ => None,
    }
}

impl Rules<'_> {
    /// Key names of `data`, `stringData` (Secrets) and `binaryData` (ConfigMaps).
    pub(super) fn data_keys(&mut self) {
        let kind = self.object.kind();
        for section in ["data", "stringData", "binaryData"] {
            let Some(Value::Object(map)) = self.object.value.get(section) else {
                continue;
            };
            let bad: Vec<String> = map.keys().filter(|k| !is_config_key(k)).cloned().collect();
            for key in bad {
                self.error(
                    super::pointer_join(&format!("/{section}"), &key),
                    format!(
                        "invalid {kind} key \"{}\": keys are letters, digits, '-', '_' and '.' (at most 253)",
                        crate::diagnostic::shorten(&key, 80)
                    ),
                    Some("rename it, e.g. `api-key` or `config.yaml`; a file name with other characters can be mounted under another name with `items`"),
                );
            }
        }
    }

    /// The keys a Secret's `type` requires, in `data` or `stringData` (the API server merges
    /// them before it checks).
    pub(super) fn secret_type(&mut self) {
        let value = &self.object.value;
        let secret_type = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("Opaque");
        let has = |key: &str| {
            ["data", "stringData"]
                .iter()
                .any(|section| value.get(*section).and_then(|m| m.get(key)).is_some())
        };
        if let Some((keys, all)) = required_keys(secret_type) {
            let missing: Vec<&str> = keys.iter().copied().filter(|k| !has(k)).collect();
            let fails = if all {
                !missing.is_empty()
            } else {
                missing.len() == keys.len()
            };
            if fails {
                let listed: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
                let (what, help) = if all {
                    let help = if missing.len() == 1 {
                        "add it under data (base64) or stringData"
                    } else {
                        "add them under data (base64) or stringData"
                    };
                    (listed.join(" and "), help)
                } else {
                    (
                        format!("at least one of {}", listed.join(" and ")),
                        "add one under data (base64) or stringData",
                    )
                };
                self.error(
                    "/data",
                    format!("a Secret of type {secret_type} needs {what}"),
                    Some(help),
                );
            }
        }
        if secret_type == "kubernetes.io/service-account-token"
            && self
                .object
                .value
                .pointer("/metadata/annotations/kubernetes.io~1service-account.name")
                .is_none()
        {
            self.error(
                "/metadata/annotations",
                "a Secret of type kubernetes.io/service-account-token needs the annotation kubernetes.io/service-account.name",
                Some("name the ServiceAccount whose token it holds"),
            );
        }
        if secret_type == "kubernetes.io/dockerconfigjson" {
            self.docker_config_json();
        }
    }

    /// `.dockerconfigjson` must be JSON (checked without ever showing it).
    fn docker_config_json(&mut self) {
        let value = &self.object.value;
        let (path, text) = if let Some(Value::String(encoded)) =
            value.pointer("/data/.dockerconfigjson")
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.replace(['\n', '\r'], ""))
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            // Not base64 at all is the schema's to report.
            let Some(decoded) = decoded else { return };
            ("/data/.dockerconfigjson", decoded)
        } else if let Some(Value::String(text)) = value.pointer("/stringData/.dockerconfigjson") {
            ("/stringData/.dockerconfigjson", text.clone())
        } else {
            return;
        };
        if serde_json::from_str::<Value>(&text).map_or(true, |v| !v.is_object()) {
            self.error(
                path,
                "`.dockerconfigjson` is not a JSON object (its value is not shown)",
                Some("create it with `kubectl create secret docker-registry NAME --docker-server=... --dry-run=client -o yaml`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keys() {
        for good in [
            "api-key",
            "config.yaml",
            "tls.crt",
            ".dockerconfigjson",
            "A_B",
        ] {
            assert!(is_config_key(good), "{good}");
        }
        for bad in ["bad key!", "", ".", "..", "a/b", &"k".repeat(254)] {
            assert!(!is_config_key(bad), "{bad}");
        }
    }
}
