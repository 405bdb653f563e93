//! A Helm chart's `values.yaml` (the keys `helm create` writes, and any others) as tack's
//! typed values: what the model covers gets its tack name and shape; everything else goes to
//! `extra`, where templates read it. Every key says where it went.

use serde_json::{Map, Value, json};

/// Where one Helm value went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueNote {
    /// The Helm key, e.g. `replicaCount` or `ingress.hosts`.
    pub helm: String,
    /// What became of it, e.g. "`replicas`" or "`extra.ingress.hosts`: tack's Ingress has one host".
    pub became: String,
}

/// Typed values and notes.
#[derive(Debug, Clone, Default)]
pub struct ConvertedValues {
    /// The tack values, keys in the order of tack's model, `extra` last.
    pub values: Map<String, Value>,
    /// One note per Helm key, in the order of Helm's file.
    pub notes: Vec<ValueNote>,
}

/// Empty like Helm's placeholders: `""`, `{}`, `[]`, `null`.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// Builds the typed values while keeping track of every Helm key.
struct Converter<'a> {
    helm: &'a Map<String, Value>,
    values: Map<String, Value>,
    extra: Map<String, Value>,
    notes: Vec<ValueNote>,
}

impl Converter<'_> {
    fn note(&mut self, helm: &str, became: impl Into<String>) {
        self.notes.push(ValueNote {
            helm: helm.to_string(),
            became: became.into(),
        });
    }

    fn set(&mut self, key: &str, value: Value) {
        self.values.insert(key.to_string(), value);
    }

    /// Keeps a top-level Helm value for templates, as `extra.<key>` (a key may hold dots:
    /// it is one key).
    fn keep(&mut self, key: &str, value: &Value, why: &str) {
        self.extra.insert(key.to_string(), value.clone());
        self.kept(key.to_string(), why);
    }

    /// Keeps `<section>.<key>` of the Helm values for templates, as `extra.<section>.<key>`.
    fn keep_in(&mut self, section: &str, key: &str, value: &Value, why: &str) {
        let entry = self
            .extra
            .entry(section.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        if let Value::Object(map) = entry {
            map.insert(key.to_string(), value.clone());
        }
        self.kept(format!("{section}.{key}"), why);
    }

    fn kept(&mut self, helm: String, why: &str) {
        let became = if why.is_empty() {
            format!("`extra.{helm}` (for templates)")
        } else {
            format!("`extra.{helm}`: {why}")
        };
        self.note(&helm, became);
    }

    /// A value copied as it is, under a tack name, when it is not empty.
    fn copy(&mut self, helm: &str, tack: &str) {
        if let Some(value) = self.helm.get(helm) {
            if is_empty(value) {
                self.note(helm, "empty; left out");
            } else {
                self.set(tack, value.clone());
                self.note(helm, format!("`{tack}`"));
            }
        }
    }
}

/// Converts Helm values. `chart_name` names the app when neither `fullnameOverride` nor
/// `nameOverride` does.
pub fn convert_values(helm: &Map<String, Value>, chart_name: &str) -> ConvertedValues {
    let mut c = Converter {
        helm,
        values: Map::new(),
        extra: Map::new(),
        notes: Vec::new(),
    };
    let name = ["fullnameOverride", "nameOverride"]
        .iter()
        .find_map(|key| {
            helm.get(*key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or(chart_name);
    c.set("name", json!(name));
    for (key, value) in helm {
        match key.as_str() {
            "fullnameOverride" | "nameOverride" => {
                if is_empty(value) {
                    c.note(key, "empty; left out");
                } else if value.as_str() == Some(name) {
                    c.note(key, "`name`");
                } else {
                    c.note(key, "left out: `fullnameOverride` names the app");
                }
            }
            "replicaCount" => c.copy(key, "replicas"),
            "image" => image(&mut c, value),
            "imagePullSecrets" => pull_secrets(&mut c, value),
            "serviceAccount" => service_account(&mut c, value),
            "podAnnotations"
            | "podLabels"
            | "nodeSelector"
            | "tolerations"
            | "affinity"
            | "podSecurityContext"
            | "securityContext"
            | "resources"
            | "livenessProbe"
            | "readinessProbe"
            | "startupProbe"
            | "priorityClassName"
            | "runtimeClassName"
            | "terminationGracePeriodSeconds"
            | "command"
            | "args"
            | "initContainers"
            | "hostAliases"
            | "dnsConfig"
            | "lifecycle" => c.copy(key, key),
            "service" => service(&mut c, value),
            "ingress" => ingress(&mut c, value),
            "httpRoute" => http_route(&mut c, value),
            "autoscaling" => autoscaling(&mut c, value),
            "volumes" => volumes(&mut c, value),
            "volumeMounts" => {
                if is_empty(value) {
                    c.note(key, "empty; left out");
                } else {
                    c.note(key, "joined with `volumes` by name");
                }
            }
            _ if is_empty(value) => c.note(key, "empty; left out"),
            _ => c.keep(key, value, ""),
        }
    }
    // helm create's Deployment listens on the Service's port.
    if let Some(port) = helm
        .get("service")
        .and_then(|s| s.get("port"))
        .and_then(Value::as_u64)
    {
        c.set("containerPort", json!(port));
        c.note(
            "service.port",
            "also `containerPort` (helm create's Deployment listens on the Service's port)",
        );
    }
    // Helm charts do not render the Secrets they name: they exist in the cluster.
    let mut external: Vec<Value> = Vec::new();
    for name in c
        .values
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        external.push(name.clone());
    }
    if let Some(tls) = c.values.get("ingress").and_then(|i| i.get("tlsSecret")) {
        external.push(tls.clone());
    }
    if !external.is_empty() {
        external.dedup();
        c.set("externalSecrets", Value::Array(external));
        c.note(
            "imagePullSecrets, ingress.tls",
            "also `externalSecrets`: the Secrets exist in the cluster, as with Helm",
        );
    }
    let Converter {
        mut values,
        extra,
        notes,
        ..
    } = c;
    if !extra.is_empty() {
        values.insert("extra".to_string(), Value::Object(extra));
    }
    ConvertedValues { values, notes }
}

fn image(c: &mut Converter<'_>, value: &Value) {
    let Some(image) = value.as_object() else {
        return c.keep("image", value, "not a mapping");
    };
    let mut out = Map::new();
    for (key, field) in image {
        let helm = format!("image.{key}");
        match (key.as_str(), field) {
            ("repository", Value::String(_)) | ("digest", Value::String(_)) => {
                out.insert(key.clone(), field.clone());
                c.note(&helm, format!("`{helm}`"));
            }
            ("tag", Value::String(tag)) if tag.is_empty() => {
                c.note(&helm, "left out: the chart's `appVersion`, as in Helm");
            }
            ("tag", Value::String(_) | Value::Number(_)) => {
                let tag = match field {
                    Value::Number(n) => n.to_string(),
                    other => other.as_str().unwrap_or_default().to_string(),
                };
                out.insert(key.clone(), json!(tag));
                c.note(&helm, "`image.tag`");
            }
            ("pullPolicy", Value::String(policy))
                if ["Always", "IfNotPresent", "Never"].contains(&policy.as_str()) =>
            {
                out.insert(key.clone(), field.clone());
                c.note(&helm, "`image.pullPolicy`");
            }
            (_, field) if is_empty(field) => c.note(&helm, "empty; left out"),
            _ => c.keep_in("image", key, field, "not a field of tack's image"),
        }
    }
    c.set("image", Value::Object(out));
}

fn pull_secrets(c: &mut Converter<'_>, value: &Value) {
    let names: Option<Vec<Value>> = value.as_array().map(|items| {
        items
            .iter()
            .filter_map(|item| match item {
                Value::String(_) => Some(item.clone()),
                Value::Object(map) => map.get("name").filter(|n| n.is_string()).cloned(),
                _ => None,
            })
            .collect()
    });
    match names {
        Some(names) if names.is_empty() => c.note("imagePullSecrets", "empty; left out"),
        Some(names) if names.len() == value.as_array().map_or(0, Vec::len) => {
            c.set("imagePullSecrets", Value::Array(names));
            c.note("imagePullSecrets", "`imagePullSecrets` (names)");
        }
        _ => c.keep("imagePullSecrets", value, "not a list of names"),
    }
}

fn service_account(c: &mut Converter<'_>, value: &Value) {
    let Some(account) = value.as_object() else {
        return c.keep("serviceAccount", value, "not a mapping");
    };
    let mut out = Map::new();
    for (key, field) in account {
        let helm = format!("serviceAccount.{key}");
        match (key.as_str(), field) {
            ("create", Value::Bool(_)) => {
                out.insert(key.clone(), field.clone());
                c.note(&helm, format!("`{helm}`"));
            }
            ("name" | "annotations", field) if is_empty(field) => {
                c.note(&helm, "empty; left out");
            }
            ("name", Value::String(_)) | ("annotations", Value::Object(_)) => {
                out.insert(key.clone(), field.clone());
                c.note(&helm, format!("`{helm}`"));
            }
            ("automount", Value::Bool(_)) => {
                c.set("automountServiceAccountToken", field.clone());
                c.note(&helm, "`automountServiceAccountToken`");
            }
            _ => c.keep_in(
                "serviceAccount",
                key,
                field,
                "not a field of tack's ServiceAccount",
            ),
        }
    }
    c.set("serviceAccount", Value::Object(out));
}

fn service(c: &mut Converter<'_>, value: &Value) {
    let Some(service) = value.as_object() else {
        return c.keep("service", value, "not a mapping");
    };
    let mut out = Map::new();
    for (key, field) in service {
        let helm = format!("service.{key}");
        match key.as_str() {
            "type" | "port" | "targetPort" | "nodePort" | "annotations" if !is_empty(field) => {
                out.insert(key.clone(), field.clone());
                c.note(&helm, format!("`{helm}`"));
            }
            _ if is_empty(field) => c.note(&helm, "empty; left out"),
            _ => c.keep_in("service", key, field, "not a field of tack's Service"),
        }
    }
    c.set("service", Value::Object(out));
}

fn ingress(c: &mut Converter<'_>, value: &Value) {
    let Some(ingress) = value.as_object() else {
        return c.keep("ingress", value, "not a mapping");
    };
    let mut out = Map::new();
    for (key, field) in ingress {
        let helm = format!("ingress.{key}");
        match key.as_str() {
            "enabled" | "className" | "annotations" if !is_empty(field) => {
                out.insert(key.clone(), field.clone());
                c.note(&helm, format!("`{helm}`"));
            }
            "hosts" => {
                let hosts = field.as_array().map(Vec::as_slice).unwrap_or_default();
                match hosts {
                    [] => c.note(&helm, "empty; left out"),
                    [first, rest @ ..] => {
                        if let Some(host) = first.get("host").filter(|h| h.is_string()) {
                            out.insert("host".into(), host.clone());
                        }
                        let paths: Vec<&Value> = first
                            .get("paths")
                            .and_then(Value::as_array)
                            .map(|paths| paths.iter().collect())
                            .unwrap_or_default();
                        let texts: Vec<Value> = paths
                            .iter()
                            .filter_map(|p| p.get("path").filter(|p| p.is_string()).cloned())
                            .collect();
                        if !texts.is_empty() {
                            out.insert("paths".into(), Value::Array(texts));
                        }
                        if let Some(kind) = paths.first().and_then(|p| p.get("pathType")) {
                            out.insert("pathType".into(), kind.clone());
                        }
                        c.note(
                            "ingress.hosts[0]",
                            "`ingress.host`, `ingress.paths` and `ingress.pathType`",
                        );
                        if !rest.is_empty() {
                            c.keep_in(
                                "ingress",
                                "moreHosts",
                                &Value::Array(rest.to_vec()),
                                "tack's Ingress has one host; add the others with `patches`",
                            );
                        }
                    }
                }
            }
            "tls" => match field.as_array().map(Vec::as_slice).unwrap_or_default() {
                [] => c.note(&helm, "empty; left out"),
                [first, ..] => {
                    if let Some(secret) = first.get("secretName").filter(|s| s.is_string()) {
                        out.insert("tlsSecret".into(), secret.clone());
                        c.note(
                            "ingress.tls[0].secretName",
                            "`ingress.tlsSecret` (for `ingress.host`)",
                        );
                    }
                    if field.as_array().is_some_and(|tls| tls.len() > 1) {
                        c.keep_in(
                            "ingress",
                            "tls",
                            field,
                            "tack's Ingress has one TLS Secret; add the others with `patches`",
                        );
                    }
                }
            },
            _ if is_empty(field) => c.note(&helm, "empty; left out"),
            _ => c.keep_in("ingress", key, field, "not a field of tack's Ingress"),
        }
    }
    c.set("ingress", Value::Object(out));
}

fn http_route(c: &mut Converter<'_>, value: &Value) {
    let Some(route) = value.as_object() else {
        return c.keep("httpRoute", value, "not a mapping");
    };
    let mut gateway = Map::new();
    let enabled = route.get("enabled").and_then(Value::as_bool) == Some(true);
    for (key, field) in route {
        let helm = format!("httpRoute.{key}");
        match key.as_str() {
            "enabled" => c.note(
                &helm,
                if enabled {
                    "`traffic.provider: gateway`"
                } else {
                    "`traffic.provider` stays `ingress` (set `gateway` to route through a Gateway)"
                },
            ),
            "parentRefs" | "hostnames" | "annotations" if !is_empty(field) => {
                gateway.insert(key.clone(), field.clone());
                c.note(&helm, format!("`traffic.gateway.{key}`"));
            }
            "rules" => {
                let prefixes: Option<Vec<Value>> = field.as_array().and_then(|rules| {
                    rules
                        .iter()
                        .flat_map(|rule| {
                            rule.get("matches")
                                .and_then(Value::as_array)
                                .map(|m| m.iter().collect::<Vec<_>>())
                                .unwrap_or_default()
                        })
                        .map(|m| {
                            let path = m.get("path")?;
                            let prefix = path.get("type").and_then(Value::as_str)
                                == Some("PathPrefix")
                                && m.as_object().is_some_and(|m| m.len() == 1);
                            prefix.then(|| path.get("value").cloned()).flatten()
                        })
                        .collect()
                });
                match prefixes {
                    Some(paths) if !paths.is_empty() => {
                        gateway.insert("paths".into(), Value::Array(paths));
                        c.note(&helm, "`traffic.gateway.paths` (path prefixes)");
                    }
                    _ if is_empty(field) => c.note(&helm, "empty; left out"),
                    _ => c.keep_in(
                        "httpRoute",
                        key,
                        field,
                        "only path-prefix matches map to tack's routes; add the rest with `patches`",
                    ),
                }
            }
            _ if is_empty(field) => c.note(&helm, "empty; left out"),
            _ => c.keep_in("httpRoute", key, field, "not a field of tack's routes"),
        }
    }
    if enabled {
        c.set(
            "traffic",
            json!({"provider": "gateway", "gateway": Value::Object(gateway)}),
        );
    } else if !gateway.is_empty() {
        c.set("traffic", json!({"gateway": Value::Object(gateway)}));
    }
}

fn autoscaling(c: &mut Converter<'_>, value: &Value) {
    let Some(scaling) = value.as_object() else {
        return c.keep("autoscaling", value, "not a mapping");
    };
    let mut out = Map::new();
    for (key, field) in scaling {
        let helm = format!("autoscaling.{key}");
        let tack = match key.as_str() {
            "enabled" | "minReplicas" | "maxReplicas" | "behavior" | "metrics" => key.as_str(),
            "targetCPUUtilizationPercentage" => "cpuUtilization",
            "targetMemoryUtilizationPercentage" => "memoryUtilization",
            _ if is_empty(field) => {
                c.note(&helm, "empty; left out");
                continue;
            }
            _ => {
                c.keep_in(
                    "autoscaling",
                    key,
                    field,
                    "not a field of tack's autoscaling",
                );
                continue;
            }
        };
        out.insert(tack.to_string(), field.clone());
        c.note(&helm, format!("`autoscaling.{tack}`"));
    }
    c.set("autoscaling", Value::Object(out));
}

/// Kubernetes volumes and `volumeMounts` joined into tack's volumes (one mount each).
fn volumes(c: &mut Converter<'_>, value: &Value) {
    let Some(list) = value.as_array().filter(|l| !l.is_empty()) else {
        return c.note("volumes", "empty; left out");
    };
    let mounts: Vec<&Value> = c
        .helm
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for volume in list {
        let name = volume
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let helm = format!("volumes.{name}");
        let mut mine = mounts
            .iter()
            .filter(|m| m.get("name").and_then(Value::as_str) == Some(name));
        let (Some(mount), None) = (mine.next(), mine.next()) else {
            c.keep_in(
                "volumes",
                name,
                volume,
                "tack's volumes have one mount each; add it with `patches`",
            );
            continue;
        };
        let mut tack = Map::new();
        tack.insert("name".into(), json!(name));
        for (key, field) in mount.as_object().into_iter().flatten() {
            match key.as_str() {
                "mountPath" | "readOnly" | "subPath" => {
                    tack.insert(key.clone(), field.clone());
                }
                "name" => {}
                _ => {
                    tack.insert("unsupported".into(), json!(key));
                }
            }
        }
        let source = volume.as_object().and_then(|v| {
            let mut sources = v.iter().filter(|(k, _)| *k != "name");
            match (sources.next(), sources.next()) {
                (Some((kind, body)), None) => Some((kind.as_str(), body)),
                _ => None,
            }
        });
        let mapped = match source {
            Some(("persistentVolumeClaim", body)) => body
                .get("claimName")
                .map(|n| ("persistentVolumeClaim", n.clone())),
            Some(("configMap", body)) => body.get("name").map(|n| ("configMap", n.clone())),
            Some(("secret", body)) => body.get("secretName").map(|n| ("secret", n.clone())),
            Some(("emptyDir", body)) => Some(("emptyDir", body.clone())),
            _ => None,
        };
        match mapped {
            Some((kind, source)) if !tack.contains_key("unsupported") => {
                tack.insert(kind.to_string(), source);
                out.push(Value::Object(tack));
                c.note(&helm, "`volumes` (with its mount)");
            }
            _ => c.keep_in("volumes", name,
                volume,
                "only PersistentVolumeClaim, ConfigMap, Secret and emptyDir volumes map to tack's; add it with `patches`",
            ),
        }
    }
    if !out.is_empty() {
        c.set("volumes", Value::Array(out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(helm: Value) -> ConvertedValues {
        convert_values(helm.as_object().expect("a mapping"), "web")
    }

    fn became<'a>(converted: &'a ConvertedValues, helm: &str) -> &'a str {
        converted
            .notes
            .iter()
            .find(|n| n.helm == helm)
            .map_or("(no note)", |n| n.became.as_str())
    }

    #[test]
    fn helm_create_keys_get_their_tack_names() {
        let converted = convert(json!({
            "replicaCount": 1,
            "image": {"repository": "nginx", "pullPolicy": "IfNotPresent", "tag": ""},
            "imagePullSecrets": [{"name": "regcred"}],
            "nameOverride": "",
            "serviceAccount": {"create": true, "automount": true, "annotations": {}, "name": ""},
            "service": {"type": "ClusterIP", "port": 80},
            "ingress": {"enabled": true, "className": "nginx", "annotations": {},
                "hosts": [{"host": "a.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
                "tls": [{"secretName": "a-tls", "hosts": ["a.example.com"]}]},
            "autoscaling": {"enabled": true, "minReplicas": 1, "maxReplicas": 5, "targetCPUUtilizationPercentage": 80},
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": true}],
            "nodeSelector": {},
        }));
        let v = &converted.values;
        assert_eq!(v["name"], "web");
        assert_eq!(v["replicas"], 1);
        assert_eq!(v["containerPort"], 80);
        assert_eq!(
            v["image"],
            json!({"repository": "nginx", "pullPolicy": "IfNotPresent"})
        );
        assert_eq!(v["imagePullSecrets"], json!(["regcred"]));
        assert_eq!(v["serviceAccount"], json!({"create": true}));
        assert_eq!(v["automountServiceAccountToken"], true);
        assert_eq!(
            v["ingress"],
            json!({"enabled": true, "className": "nginx", "host": "a.example.com", "paths": ["/"], "pathType": "Prefix", "tlsSecret": "a-tls"})
        );
        assert_eq!(
            v["autoscaling"],
            json!({"enabled": true, "minReplicas": 1, "maxReplicas": 5, "cpuUtilization": 80})
        );
        assert_eq!(
            v["volumes"],
            json!([{"name": "data", "mountPath": "/data", "readOnly": true, "persistentVolumeClaim": "data"}])
        );
        assert!(v.get("nodeSelector").is_none() && v.get("extra").is_none());
        assert_eq!(v["externalSecrets"], json!(["regcred", "a-tls"]));
        assert_eq!(became(&converted, "nodeSelector"), "empty; left out");
        assert_eq!(became(&converted, "replicaCount"), "`replicas`");
    }

    #[test]
    fn what_the_model_lacks_goes_to_extra_with_a_reason() {
        let converted = convert(json!({
            "fullnameOverride": "fraud",
            "ingress": {"hosts": [{"host": "a"}, {"host": "b"}]},
            "httpRoute": {"enabled": true, "parentRefs": [{"name": "gw"}],
                "rules": [{"matches": [{"headers": [{"name": "x", "value": "y"}]}]}]},
            "volumes": [{"name": "nfs", "nfs": {"server": "s", "path": "/"}}],
            "volumeMounts": [{"name": "nfs", "mountPath": "/n"}],
            "team": {"slack": "#ml"},
            "prometheus.io": {"scrape": true},
        }));
        let v = &converted.values;
        assert_eq!(v["name"], "fraud");
        assert_eq!(v["extra"]["ingress"]["moreHosts"], json!([{"host": "b"}]));
        assert_eq!(v["traffic"]["provider"], "gateway");
        assert!(v["extra"]["httpRoute"]["rules"].is_array());
        assert_eq!(v["extra"]["volumes"]["nfs"]["nfs"]["server"], "s");
        assert_eq!(v["extra"]["team"]["slack"], "#ml");
        assert_eq!(v["extra"]["prometheus.io"]["scrape"], true); // one key, dots and all
        assert!(became(&converted, "volumes.nfs").contains("patches"));
        assert!(became(&converted, "team").contains("extra.team"));
    }
}
