//! Checks of the typed model that types alone cannot express: choices that exclude each
//! other, ranges, names Kubernetes would reject, strategy parameters that make no sense.
//!
//! Problems carry the field path; the loader adds the file position from the values tree.

mod scaling;
mod traffic;

use super::error::problem;
use super::model::{
    App, CanaryMode, EnvValue, IntOrPercent, PortRef, Probe, ServiceType, StrategyType,
};
use super::path::FieldPath;
use crate::diagnostic::Diagnostic;
use crate::names;
use crate::quantity::Quantity;
use crate::source::Location;
use std::collections::BTreeSet;

/// The pause before a pod stops, so its endpoint leaves Services and load balancers first.
pub(crate) const DEFAULT_SHUTDOWN_DELAY: u32 = 5;

/// Kubernetes' own default grace period.
pub(crate) const DEFAULT_GRACE_PERIOD: u32 = 30;

/// True for `sha256:` and 64 lower-case hex digits.
fn is_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Resources Kubernetes cannot overcommit: device-plugin resources (`nvidia.com/gpu`,
/// `amd.com/gpu`, any name with a domain outside kubernetes.io) and hugepages.
pub(crate) fn is_extended_resource(name: &str) -> bool {
    name.starts_with("hugepages-")
        || name
            .split_once('/')
            .is_some_and(|(domain, _)| !domain.ends_with("kubernetes.io"))
}

/// The longest suffix tack adds to the app name (`-preview`), so names stay valid Service
/// names (63 characters at most).
const LONGEST_SUFFIX: usize = "-preview".len();

/// Every problem of the model, in field order.
pub fn check(app: &App) -> Vec<Diagnostic> {
    let mut checker = Checker::default();
    checker.app(app);
    checker.problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<Diagnostic>,
}

impl Checker {
    fn report(&mut self, path: &str, message: impl Into<String>, help: Option<&str>) {
        self.problems
            .push(problem(Location::UNKNOWN, &FieldPath::parse(path), message).help_opt(help));
    }

    fn report_at(&mut self, path: FieldPath, message: impl Into<String>, help: Option<&str>) {
        self.problems
            .push(problem(Location::UNKNOWN, &path, message).help_opt(help));
    }

    fn app(&mut self, app: &App) {
        let max = 63 - LONGEST_SUFFIX;
        if !names::is_dns1035_label(&app.name) || app.name.len() > max {
            self.report(
                "name",
                format!(
                    "`{}` is not a valid app name: use lowercase letters, digits and `-`, \
                     start with a letter, at most {max} characters",
                    app.name
                ),
                Some("it names Services, which Kubernetes limits to 63 characters with tack's suffixes"),
            );
        }
        self.image(app);
        if app.container_port == 0 {
            self.report(
                "containerPort",
                "expected a port from 1 to 65535, found 0",
                None,
            );
        }
        let mut port_names = BTreeSet::from(["http".to_string()]);
        for (i, port) in app.ports.iter().enumerate() {
            let path = FieldPath::parse("ports").index(i);
            if !names::is_port_name(&port.name) {
                self.report_at(
                    path.key("name"),
                    format!("`{}` is not a valid port name", port.name),
                    Some(
                        "use up to 15 lowercase letters, digits and `-`, with at least one letter",
                    ),
                );
            }
            if !port_names.insert(port.name.clone()) {
                self.report_at(
                    path.key("name"),
                    format!("port name `{}` is used twice", port.name),
                    Some("`http` is the name of `containerPort`; give each port its own name"),
                );
            }
            if port.container_port == 0 {
                self.report_at(
                    path.key("containerPort"),
                    "expected a port from 1 to 65535, found 0",
                    None,
                );
            }
        }
        for (name, value) in &app.env {
            let path = FieldPath::parse("env").key(name.as_str());
            if !names::is_env_var_name(name) {
                self.report_at(
                    path.clone(),
                    format!("`{name}` is not a valid environment variable name"),
                    Some("use letters, digits and `_`, not starting with a digit"),
                );
            }
            if let EnvValue::SecretKeyRef(r) | EnvValue::ConfigMapKeyRef(r) = value
                && (r.name.is_empty() || r.key.is_empty())
            {
                self.report_at(path, "a reference needs both `name` and `key`", None);
            }
        }
        for (i, source) in app.env_from.iter().enumerate() {
            if source.secret.is_some() == source.config_map.is_some() {
                self.report_at(
                    FieldPath::parse("envFrom").index(i),
                    "set exactly one of `secret` and `configMap`",
                    None,
                );
            }
        }
        for (field, probe) in [
            ("readinessProbe", &app.readiness_probe),
            ("livenessProbe", &app.liveness_probe),
            ("startupProbe", &app.startup_probe),
        ] {
            if let Some(probe) = probe {
                self.probe(field, probe);
            }
        }
        self.volumes(app);
        self.secrets(app);
        self.service(app);
        self.ingress(app);
        self.strategy(app);
        self.traffic(app);
        self.scaling(app);
        self.production(app);
    }

    /// The settings of production pods: extra containers, shutdown timing, the service
    /// account, extended resources, spreading and patches.
    fn production(&mut self, app: &App) {
        for (field, what, containers) in [
            ("initContainers", "an init container", &app.init_containers),
            ("sidecars", "a sidecar", &app.sidecars),
            ("containers", "a container", &app.containers),
        ] {
            for (i, container) in containers.iter().enumerate() {
                let path = FieldPath::parse(field).index(i);
                let json = container.json();
                let name = json.get("name").and_then(serde_json::Value::as_str);
                if name.is_none_or(|n| !names::is_dns1123_label(n)) {
                    self.report_at(
                        path.key("name"),
                        format!("{what} needs a `name`: lowercase letters, digits and `-`"),
                        None,
                    );
                } else if name == Some(app.name.as_str()) {
                    self.report_at(
                        path.key("name"),
                        format!("{what} is called like the app container (`{}`)", app.name),
                        Some("give it its own name"),
                    );
                }
                if field == "sidecars"
                    && let Some(policy) = json
                        .get("restartPolicy")
                        .and_then(serde_json::Value::as_str)
                    && policy != "Always"
                {
                    self.report_at(
                        path.key("restartPolicy"),
                        format!("a sidecar always restarts (`restartPolicy: Always`), not `{policy}`"),
                        Some("leave `restartPolicy` out; a container that runs once before the app belongs in `initContainers`"),
                    );
                }
                if json
                    .get("image")
                    .and_then(serde_json::Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    self.report_at(
                        path.key("image"),
                        format!("{what} needs an `image`"),
                        Some("e.g. `image: envoyproxy/envoy:v1.31.0`"),
                    );
                }
            }
        }
        let delay = app.shutdown_delay_seconds.unwrap_or(DEFAULT_SHUTDOWN_DELAY);
        let grace = app
            .termination_grace_period_seconds
            .unwrap_or(DEFAULT_GRACE_PERIOD);
        if delay > 0 && grace <= delay {
            self.report(
                "terminationGracePeriodSeconds",
                format!("the grace period ({grace}s) must be longer than the shutdown delay ({delay}s)"),
                Some("the pod is killed when the grace period ends, so the app would get no time to stop after the pause"),
            );
        }
        if app.service_account.create && app.service_account_name.is_some() {
            self.report(
                "serviceAccountName",
                "set `serviceAccount` (to create one) or `serviceAccountName` (to use one), not both",
                Some("`serviceAccount.name` names the created account"),
            );
        }
        if let Some(name) = &app.service_account.name
            && !names::is_dns1123_subdomain(name)
        {
            self.report(
                "serviceAccount.name",
                format!("`{name}` is not a valid ServiceAccount name"),
                Some("use lowercase letters, digits, `-` and `.`"),
            );
        }
        for (field, name) in [
            ("priorityClassName", &app.priority_class_name),
            ("runtimeClassName", &app.runtime_class_name),
        ] {
            if let Some(name) = name
                && !names::is_dns1123_subdomain(name)
            {
                self.report(field, format!("`{name}` is not a valid name"), None);
            }
        }
        for (section, quantities) in [
            ("requests", &app.resources.requests),
            ("limits", &app.resources.limits),
        ] {
            for (resource, quantity) in quantities {
                if Quantity::parse(quantity).is_none() {
                    self.report_at(
                        FieldPath::parse("resources")
                            .key(section)
                            .key(resource.as_str()),
                        format!("`{quantity}` is not a quantity"),
                        Some(&crate::quantity::help(quantity)),
                    );
                }
            }
        }
        for (resource, request) in &app.resources.requests {
            if let Some(limit) = app.resources.limits.get(resource)
                && is_extended_resource(resource)
                && request != limit
            {
                self.report_at(
                    FieldPath::parse("resources.requests").key(resource.as_str()),
                    format!("`{resource}` is requested {request} but limited to {limit}"),
                    Some("Kubernetes cannot overcommit extended resources such as GPUs: set the request equal to the limit, or only the limit"),
                );
            }
        }
        if let Some(spread) = &app.spread
            && spread.max_skew == 0
        {
            self.report("spread.maxSkew", "`maxSkew` must be at least 1", None);
        }
        for (i, patch) in app.patches.iter().enumerate() {
            let path = FieldPath::parse("patches").index(i);
            if patch.json.is_some() == patch.merge.is_some() {
                self.report_at(
                    path.clone(),
                    "a patch needs exactly one of `json` (RFC 6902 operations) and `merge`",
                    None,
                );
            }
            if patch.target.kind.is_empty() {
                self.report_at(
                    path.key("target").key("kind"),
                    "a patch target needs a `kind`",
                    None,
                );
            }
        }
    }

    fn image(&mut self, app: &App) {
        let repository = &app.image.repository;
        if repository.is_empty() || repository.chars().any(char::is_whitespace) {
            self.report(
                "image.repository",
                format!("`{repository}` is not an image repository"),
                Some("write it like `ghcr.io/acme/mnist-serving`"),
            );
        }
        if repository.contains('@') {
            self.report(
                "image.repository",
                format!("`{repository}` holds a digest: the repository is the name alone"),
                Some("put the digest in `image.digest` (`digest: sha256:...`), which wins over the tag"),
            );
        }
        if let Some(digest) = &app.image.digest {
            if !is_digest(digest) {
                self.report(
                    "image.digest",
                    format!(
                        "`{}` is not an image digest",
                        crate::diagnostic::shorten(digest, 80)
                    ),
                    Some("a digest is `sha256:` and 64 lower-case hex digits, as `docker buildx imagetools inspect` prints it"),
                );
            }
            return;
        }
        match &app.image.tag {
            None => self.report(
                "image.tag",
                "no image tag: `image.tag` is not set and the chart has no `appVersion`",
                Some("set `image.tag`, e.g. `tag: \"1.9.1\"`"),
            ),
            Some(tag) if !is_tag(tag) => self.report(
                "image.tag",
                format!("`{tag}` is not an image tag"),
                Some("a tag is up to 128 letters, digits, `_`, `.` and `-`"),
            ),
            Some(_) => {}
        }
    }

    fn probe(&mut self, field: &str, probe: &Probe) {
        let handlers = [
            probe.http_get.is_some(),
            probe.tcp_socket.is_some(),
            probe.exec.is_some(),
            probe.grpc.is_some(),
        ];
        if handlers.iter().filter(|set| **set).count() != 1 {
            self.report(
                field,
                "a probe needs exactly one of `httpGet`, `tcpSocket`, `exec` and `grpc`",
                Some("e.g. `httpGet: {path: /healthz}`"),
            );
        }
        if let Some(http) = &probe.http_get
            && !http.path.starts_with('/')
        {
            self.report(
                &format!("{field}.httpGet.path"),
                format!("`{}` is not an absolute path", http.path),
                Some("start it with `/`"),
            );
        }
        if probe.success_threshold.is_some_and(|s| s != 1) && field != "readinessProbe" {
            self.report(
                &format!("{field}.successThreshold"),
                "must be 1 for liveness and startup probes",
                None,
            );
        }
    }

    fn volumes(&mut self, app: &App) {
        let mut seen = BTreeSet::new();
        for (i, volume) in app.volumes.iter().enumerate() {
            let path = FieldPath::parse("volumes").index(i);
            if !names::is_dns1123_label(&volume.name) {
                self.report_at(
                    path.key("name"),
                    format!("`{}` is not a valid volume name", volume.name),
                    Some("use lowercase letters, digits and `-`"),
                );
            }
            if !seen.insert(volume.name.as_str()) {
                self.report_at(
                    path.key("name"),
                    format!("volume `{}` is listed twice", volume.name),
                    None,
                );
            }
            if !volume.mount_path.starts_with('/') {
                self.report_at(
                    path.key("mountPath"),
                    format!("`{}` is not an absolute path", volume.mount_path),
                    Some("start it with `/`"),
                );
            }
            if let Some(size) = volume
                .empty_dir
                .as_ref()
                .and_then(|d| d.size_limit.as_ref())
                && Quantity::parse(size).is_none()
            {
                self.report_at(
                    path.key("emptyDir").key("sizeLimit"),
                    format!("`{size}` is not a quantity"),
                    Some(&crate::quantity::help(size)),
                );
            }
            let sources = [
                volume.persistent_volume_claim.is_some(),
                volume.config_map.is_some(),
                volume.secret.is_some(),
                volume.empty_dir.is_some(),
            ];
            if sources.iter().filter(|set| **set).count() != 1 {
                self.report_at(
                    path,
                    "a volume needs exactly one of `persistentVolumeClaim`, `configMap`, `secret` and `emptyDir`",
                    None,
                );
            }
        }
    }

    fn secrets(&mut self, app: &App) {
        for (key, secret) in &app.secrets {
            let path = FieldPath::parse("secrets").key(key.as_str());
            if !is_secret_key(key) {
                self.report_at(
                    path.clone(),
                    format!("`{key}` is not a valid Secret key"),
                    Some("use letters, digits, `-`, `_` and `.`"),
                );
            }
            if secret.value.is_some() == secret.file.is_some() {
                self.report_at(path.clone(), "set exactly one of `value` and `file`", None);
            }
            if let Some(env) = &secret.env_name
                && !names::is_env_var_name(env)
            {
                self.report_at(
                    path.key("envName"),
                    format!("`{env}` is not a valid environment variable name"),
                    None,
                );
            }
        }
        for (name, tls) in &app.tls_secrets {
            let path = FieldPath::parse("tlsSecrets").key(name.as_str());
            if !names::is_dns1123_subdomain(name) {
                self.report_at(
                    path.clone(),
                    format!("`{name}` is not a valid Secret name"),
                    None,
                );
            }
            if tls.cert.is_some() == tls.cert_file.is_some() {
                self.report_at(
                    path.clone(),
                    "set exactly one of `cert` and `certFile`",
                    None,
                );
            }
            if tls.key.is_some() == tls.key_file.is_some() {
                self.report_at(path, "set exactly one of `key` and `keyFile`", None);
            }
        }
    }

    fn service(&mut self, app: &App) {
        let service = &app.service;
        if service.port == 0 {
            self.report(
                "service.port",
                "expected a port from 1 to 65535, found 0",
                None,
            );
        }
        if service.node_port.is_some() && service.kind == ServiceType::ClusterIP {
            self.report(
                "service.nodePort",
                "a node port needs `service.type` NodePort or LoadBalancer",
                Some("set `service.type: NodePort`, or remove `nodePort`"),
            );
        }
        if service.node_port == Some(0) {
            self.report(
                "service.nodePort",
                "expected a port from 1 to 65535, found 0",
                None,
            );
        }
        if let Some(PortRef::Name(name)) = &service.target_port {
            let known = name == "http" || app.ports.iter().any(|p| &p.name == name);
            if !known {
                self.report(
                    "service.targetPort",
                    format!("no container port is named `{name}`"),
                    Some("use `http` (the main `containerPort`) or a name from `ports`"),
                );
            }
        }
    }

    fn ingress(&mut self, app: &App) {
        let ingress = &app.ingress;
        if !ingress.enabled {
            return;
        }
        if let Some(host) = &ingress.host {
            let bare = host.strip_prefix("*.").unwrap_or(host);
            if !names::is_dns1123_subdomain(bare) {
                self.report(
                    "ingress.host",
                    format!("`{host}` is not a valid host name"),
                    Some("use a lowercase DNS name such as `mnist.example.com`, without scheme or port"),
                );
            }
        }
        if ingress.paths.is_empty() {
            self.report(
                "ingress.paths",
                "no paths: the Ingress would route nothing",
                Some("e.g. `paths: [/]`"),
            );
        }
        for (i, path) in ingress.paths.iter().enumerate() {
            if !path.starts_with('/') {
                self.report_at(
                    FieldPath::parse("ingress.paths").index(i),
                    format!("`{path}` is not an absolute path"),
                    Some("start it with `/`"),
                );
            }
        }
    }

    fn strategy(&mut self, app: &App) {
        let strategy = &app.strategy;
        if let Some(rolling) = &strategy.rolling_update {
            let surge = rolling.max_surge.unwrap_or(IntOrPercent::Percent(25));
            let unavailable = rolling.max_unavailable.unwrap_or(IntOrPercent::Percent(25));
            if surge.is_zero() && unavailable.is_zero() {
                self.report(
                    "strategy.rollingUpdate",
                    "`maxSurge` and `maxUnavailable` are both 0: the rollout could never replace a pod",
                    Some("allow at least one, e.g. `maxSurge: 1` with `maxUnavailable: 0`"),
                );
            }
        }
        match strategy.kind {
            StrategyType::RollingUpdate | StrategyType::Recreate => {}
            StrategyType::BlueGreen => self.blue_green(app),
            StrategyType::Canary => self.canary(app),
            StrategyType::Routing => self.routing(app),
        }
    }

    fn blue_green(&mut self, app: &App) {
        let Some(settings) = &app.strategy.blue_green else {
            return;
        };
        for (field, set) in [
            ("previewHostname", settings.preview_hostname.is_some()),
            ("previewHeader", settings.preview_header.is_some()),
        ] {
            if set && !(settings.preview && app.traffic.is_gateway()) {
                self.report(
                    &format!("strategy.blueGreen.{field}"),
                    format!("`{field}` only applies to the preview route: `preview: true` with provider `gateway`"),
                    Some("set `preview: true` and `traffic.provider: gateway`, or remove it"),
                );
            }
        }
        if let Some(hostname) = &settings.preview_hostname
            && !crate::names::is_gateway_hostname(hostname)
        {
            self.report(
                "strategy.blueGreen.previewHostname",
                format!("`{hostname}` is not a valid host name"),
                Some("use a lowercase DNS name such as `preview.mnist.example.com`"),
            );
        }
        if let Some(header) = &settings.preview_header {
            self.header_name("strategy.blueGreen.previewHeader", header);
        }
    }

    fn canary(&mut self, app: &App) {
        let Some(canary) = &app.strategy.canary else {
            self.report(
                "strategy",
                "`type: canary` needs a `canary` section",
                Some("add e.g. `canary: {weight: 10, tag: \"2.0.0\"}`"),
            );
            return;
        };
        if canary.weight > 100 {
            self.report(
                "strategy.canary.weight",
                format!(
                    "expected a percentage from 0 to 100, found {}",
                    canary.weight
                ),
                None,
            );
        }
        if canary.tag.is_none() && canary.repository.is_none() {
            self.report(
                "strategy.canary",
                "the canary has no image: set `tag` (or `repository`) to the version under test",
                Some("e.g. `tag: \"2.0.0\"`"),
            );
        }
        if let Some(tag) = &canary.tag
            && !is_tag(tag)
        {
            self.report(
                "strategy.canary.tag",
                format!("`{tag}` is not an image tag"),
                None,
            );
        }
        if let Some(header) = &canary.header {
            self.header_name("strategy.canary.header", header);
        }
        match canary.mode {
            CanaryMode::Ingress if !app.ingress.enabled && !app.traffic.is_gateway() => self.report(
                "strategy.canary.mode",
                "mode `ingress` splits traffic with an Ingress, but `ingress.enabled` is false",
                Some("set `ingress.enabled: true` (and a host), or `traffic.provider: gateway`, or use `mode: replicas`"),
            ),
            CanaryMode::Replicas => {
                for (field, set) in [
                    ("header", canary.header.is_some()),
                    ("headerValue", canary.header_value.is_some()),
                    ("replicas", canary.replicas.is_some()),
                ] {
                    if set {
                        self.report(
                            &format!("strategy.canary.{field}"),
                            format!("`{field}` only applies to mode `ingress`"),
                            Some("set `mode: ingress`, or remove it"),
                        );
                    }
                }
            }
            CanaryMode::Ingress => {}
        }
        if canary.header_value.is_some() && canary.header.is_none() {
            self.report(
                "strategy.canary.headerValue",
                "`headerValue` needs `header`",
                Some("e.g. `header: X-Canary`"),
            );
        }
    }

    fn routing(&mut self, app: &App) {
        let versions = app
            .strategy
            .routing
            .as_ref()
            .map(|r| r.versions.as_slice())
            .unwrap_or_default();
        if versions.is_empty() {
            self.report(
                "strategy.routing.versions",
                "`type: routing` needs at least one version",
                Some("e.g. `versions: [{name: v1, tag: \"1.9.1\"}, {name: v2, tag: \"2.0.0\"}]`"),
            );
        }
        if !app.ingress.enabled && !app.traffic.is_gateway() {
            self.report(
                "ingress.enabled",
                "`type: routing` routes versions by Ingress path, but the Ingress is disabled",
                Some("set `ingress.enabled: true`, or route with `traffic.provider: gateway`"),
            );
        }
        let mut names = BTreeSet::new();
        let mut paths = BTreeSet::new();
        for (i, version) in versions.iter().enumerate() {
            let path = FieldPath::parse("strategy.routing.versions").index(i);
            let max = 63 - LONGEST_SUFFIX - app.name.len().min(63 - LONGEST_SUFFIX);
            if !names::is_dns1123_label(&version.name) || version.name.len() > max.max(1) {
                self.report_at(
                    path.key("name"),
                    format!("`{}` is not a valid version name", version.name),
                    Some("use lowercase letters, digits and `-`, e.g. `v2`"),
                );
            }
            if !names.insert(version.name.as_str()) {
                self.report_at(
                    path.key("name"),
                    format!("version `{}` is listed twice", version.name),
                    Some("each version needs its own name"),
                );
            }
            let route = version.path();
            if !route.starts_with('/') {
                self.report_at(
                    path.key("path"),
                    format!("`{route}` is not an absolute path"),
                    Some("start it with `/`"),
                );
            }
            if !paths.insert(route.clone()) {
                self.report_at(
                    path.key(if version.path.is_some() {
                        "path"
                    } else {
                        "name"
                    }),
                    format!("path `{route}` is routed twice"),
                    Some("each version needs its own path"),
                );
            }
            if let Some(tag) = &version.tag
                && !is_tag(tag)
            {
                self.report_at(
                    path.key("tag"),
                    format!("`{tag}` is not an image tag"),
                    None,
                );
            }
        }
    }
}

/// True for a valid image tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
fn is_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// True for a valid Secret or ConfigMap key.
fn is_secret_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::model::{Canary, RollingUpdate, Routing, Strategy};

    fn app() -> App {
        App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
    }

    fn messages(app: &App) -> Vec<String> {
        check(app)
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect()
    }

    #[test]
    fn a_plain_app_is_fine() {
        assert!(check(&app()).is_empty());
    }

    #[test]
    fn canary_weight_over_100_is_an_error() {
        let app = app().strategy(Strategy::canary().weight(150).tag("2.0.0"));
        assert_eq!(
            messages(&app),
            ["strategy.canary.weight: expected a percentage from 0 to 100, found 150"]
        );
    }

    #[test]
    fn surge_and_unavailable_both_zero_is_an_error() {
        let app = app().strategy(
            RollingUpdate::default()
                .max_surge(IntOrPercent::Int(0))
                .max_unavailable(IntOrPercent::Percent(0)),
        );
        assert_eq!(messages(&app).len(), 1);
        assert!(
            messages(&app)[0]
                .starts_with("strategy.rollingUpdate: `maxSurge` and `maxUnavailable` are both 0")
        );
    }

    #[test]
    fn routing_needs_versions_unique_names_and_paths() {
        let mut app = app().strategy(Routing::default());
        app.ingress.enabled = true;
        assert_eq!(
            messages(&app),
            ["strategy.routing.versions: `type: routing` needs at least one version"]
        );
        let mut dup = app
            .clone()
            .strategy(Strategy::routing().version("v1", "1").version("v1", "2"));
        dup.ingress.enabled = true;
        let found = messages(&dup);
        assert!(
            found.contains(
                &"strategy.routing.versions[1].name: version `v1` is listed twice".to_string()
            ),
            "{found:?}"
        );
        assert!(
            found.contains(
                &"strategy.routing.versions[1].name: path `/v1` is routed twice".to_string()
            ),
            "{found:?}"
        );
    }

    #[test]
    fn ingress_canary_needs_an_ingress() {
        let app = app().strategy(Canary::default().tag("2").mode(CanaryMode::Ingress));
        assert_eq!(
            messages(&app),
            [
                "strategy.canary.mode: mode `ingress` splits traffic with an Ingress, but `ingress.enabled` is false"
            ]
        );
    }

    #[test]
    fn bad_names_are_reported() {
        let app = App::new("MNIST_app", "repo:1");
        assert!(messages(&app)[0].starts_with("name: `MNIST_app` is not a valid app name"));
    }

    #[test]
    fn a_gateway_listed_twice_needs_distinct_section_names() {
        use crate::values::model::{GatewayParent, Traffic};
        let mut traffic = Traffic::gateway(GatewayParent::new("public"));
        traffic
            .gateway
            .parent_refs
            .push(GatewayParent::new("public"));
        traffic
            .gateway
            .parent_refs
            .push(GatewayParent::new("public").section_name("https"));
        let found = messages(&app().traffic(traffic));
        assert_eq!(
            found,
            [
                "traffic.gateway.parentRefs[1]: Gateway `public` is listed twice with the same sectionName",
                "traffic.gateway.parentRefs: Gateway `public` is listed more than once: each entry needs its own `sectionName`",
            ]
        );
    }
}
