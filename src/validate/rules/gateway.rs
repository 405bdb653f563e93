//! The rules Gateway API's CRDs write as CEL (`x-kubernetes-validations`), which JSON Schema
//! cannot express: filters that exclude each other or may appear once, path values, parent
//! references to the same Gateway, timeouts, Service backends without a port, gRPC method
//! names, and listener combinations. Messages follow the upstream ones.

use super::Rules;
use crate::names;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// At most this many matches over all rules of a route.
const MAX_MATCHES_PER_ROUTE: usize = 128;

/// Filters that may appear once in a filter list.
const ONCE: [&str; 5] = [
    "CORS",
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestRedirect",
    "URLRewrite",
];

/// The longest list Gateway API allows anywhere these rules look (matches, listeners,
/// certificateRefs, CORS lists).
const MAX_ITEMS: usize = 64;

/// The items of a list, or none when it is longer than any Gateway API limit: the schema
/// reports that, and checking each item of a hostile list would only flood the report.
fn items(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .filter(|list| list.len() <= MAX_ITEMS)
        .map_or(&[], Vec::as_slice)
}

fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

/// Seconds in a Gateway API duration (`1h30m`, `500ms`); `None` when it does not parse.
fn duration_seconds(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number: f64 = rest.get(..digits)?.parse().ok()?;
        rest = &rest[digits..];
        let (unit, scale) = if rest.starts_with("ms") {
            ("ms", 0.001)
        } else if rest.starts_with('h') {
            ("h", 3600.0)
        } else if rest.starts_with('m') {
            ("m", 60.0)
        } else if rest.starts_with('s') {
            ("s", 1.0)
        } else {
            return None;
        };
        total += number * scale;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

/// A parent reference: group, kind, name and namespace, with Gateway API's defaults.
type Parent<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The index of an earlier item with `key`, or `None` when item `index` is the first (and
/// is remembered).
fn earlier<K: Eq + Hash>(first: &mut HashMap<K, usize>, key: K, index: usize) -> Option<usize> {
    let found = *first.entry(key).or_insert(index);
    (found != index).then_some(found)
}

impl Rules<'_> {
    /// HTTPRoute and GRPCRoute: the rules of their spec.
    pub(super) fn route(&mut self, kind: &str) {
        let value = &self.object.value;
        let Some(spec) = value.get("spec") else {
            return;
        };
        self.parent_refs(items(spec.get("parentRefs")));
        let rules = items(spec.get("rules"));
        let matches: usize = rules.iter().map(|r| items(r.get("matches")).len()).sum();
        if matches > MAX_MATCHES_PER_ROUTE {
            self.error(
                "/spec/rules",
                format!("{matches} matches in all rules; the total must be at most {MAX_MATCHES_PER_ROUTE}"),
                Some("split the route in two"),
            );
        }
        let mut names = HashSet::new();
        for (i, rule) in rules.iter().enumerate() {
            let path = format!("/spec/rules/{i}");
            if let Some(name) = str_at(rule, "name")
                && !names.insert(name)
            {
                self.error(
                    format!("{path}/name"),
                    format!("rule name \"{name}\" must be unique within the route"),
                    None,
                );
            }
            if kind == "HTTPRoute" {
                self.http_rule(rule, &path);
            } else {
                self.grpc_rule(rule, &path);
            }
        }
    }

    fn parent_refs(&mut self, parents: &[Value]) {
        // The first entry naming each parent, and each (parent, sectionName) seen: linear,
        // so a hostile list costs no more than reading it.
        let mut first: HashMap<Parent<'_>, usize> = HashMap::new();
        let mut sections: HashMap<(Parent<'_>, &str), usize> = HashMap::new();
        for (i, parent) in parents.iter().enumerate() {
            let key = (
                str_at(parent, "group").unwrap_or("gateway.networking.k8s.io"),
                str_at(parent, "kind").unwrap_or("Gateway"),
                str_at(parent, "name").unwrap_or(""),
                str_at(parent, "namespace").unwrap_or(""),
            );
            let section = str_at(parent, "sectionName").unwrap_or("");
            let same_section = earlier(&mut sections, (key, section), i);
            let Some(j) = earlier(&mut first, key, i) else {
                continue;
            };
            let first_bare = str_at(&parents[j], "sectionName").unwrap_or("").is_empty();
            let (message, hint, j) = if section.is_empty() || first_bare {
                (
                    "sectionName must be specified when parentRefs includes 2 or more references to the same parent",
                    "name a listener of the Gateway in each entry",
                    j,
                )
            } else if let Some(same) = same_section {
                (
                    "sectionName must be unique when parentRefs includes 2 or more references to the same parent",
                    "remove the duplicate entry",
                    same,
                )
            } else {
                continue;
            };
            self.error(
                format!("/spec/parentRefs/{i}"),
                format!("{message} (also at parentRefs[{j}])"),
                Some(hint),
            );
        }
    }

    fn http_rule(&mut self, rule: &Value, path: &str) {
        let matches = items(rule.get("matches"));
        for (j, condition) in matches.iter().enumerate() {
            if let Some(path_match) = condition.get("path") {
                self.path_match(path_match, &format!("{path}/matches/{j}/path"));
            }
        }
        let filters = items(rule.get("filters"));
        let backends = items(rule.get("backendRefs"));
        self.http_filters(filters, &format!("{path}/filters"), matches);
        if !backends.is_empty()
            && let Some(k) = filters
                .iter()
                .position(|f| f.get("requestRedirect").is_some())
        {
            self.error(
                format!("{path}/filters/{k}"),
                "RequestRedirect filter must not be used together with backendRefs",
                Some("a redirect answers the request itself: remove the backendRefs, or the redirect"),
            );
        }
        for (k, backend) in backends.iter().enumerate() {
            let backend_path = format!("{path}/backendRefs/{k}");
            self.service_port(backend, &backend_path);
            self.http_filters(
                items(backend.get("filters")),
                &format!("{backend_path}/filters"),
                matches,
            );
        }
        if let Some(timeouts) = rule.get("timeouts") {
            let seconds = |key| str_at(timeouts, key).and_then(duration_seconds);
            if let (Some(request), Some(backend)) = (seconds("request"), seconds("backendRequest"))
                && request > 0.0
                && backend > request
            {
                self.error(
                    format!("{path}/timeouts/backendRequest"),
                    "backendRequest timeout cannot be longer than request timeout",
                    None,
                );
            }
        }
    }

    fn path_match(&mut self, path_match: &Value, path: &str) {
        let kind = str_at(path_match, "type").unwrap_or("PathPrefix");
        let value = str_at(path_match, "value").unwrap_or("/");
        if matches!(kind, "Exact" | "PathPrefix")
            && let Some(problem) = names::gateway_path_problem(value)
        {
            self.error(
                format!("{path}/value"),
                format!(
                    "invalid {kind} path \"{}\": {problem}",
                    crate::diagnostic::shorten(value, 80)
                ),
                None,
            );
        }
    }

    fn http_filters(&mut self, filters: &[Value], path: &str, matches: &[Value]) {
        self.filter_counts(filters, path);
        let has = |kind: &str| filters.iter().any(|f| str_at(f, "type") == Some(kind));
        if has("RequestRedirect") && has("URLRewrite") {
            self.error(
                path,
                "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                Some("a redirect sends the client elsewhere; a rewrite changes the request on its way to the backend: pick one"),
            );
        }
        let one_prefix = matches.len() == 1
            && str_at(matches[0].get("path").unwrap_or(&Value::Null), "type")
                .is_none_or(|t| t == "PathPrefix");
        for (k, filter) in filters.iter().enumerate() {
            let filter_path = format!("{path}/{k}");
            self.filter_fields(
                filter,
                &filter_path,
                &[
                    ("RequestHeaderModifier", "requestHeaderModifier"),
                    ("ResponseHeaderModifier", "responseHeaderModifier"),
                    ("RequestMirror", "requestMirror"),
                    ("RequestRedirect", "requestRedirect"),
                    ("URLRewrite", "urlRewrite"),
                    ("CORS", "cors"),
                    ("ExtensionRef", "extensionRef"),
                ],
            );
            for (field, name) in [
                ("requestRedirect", "RequestRedirect"),
                ("urlRewrite", "URLRewrite"),
            ] {
                let Some(modifier) = filter.get(field).and_then(|f| f.get("path")) else {
                    continue;
                };
                self.path_modifier(modifier, &format!("{filter_path}/{field}/path"));
                if str_at(modifier, "type") == Some("ReplacePrefixMatch") && !one_prefix {
                    self.error(
                        format!("{filter_path}/{field}/path"),
                        format!("When using {name} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified"),
                        Some("give the rule a single `PathPrefix` match, or use `ReplaceFullPath`"),
                    );
                }
            }
            if let Some(mirror) = filter.get("requestMirror") {
                self.mirror(mirror, &format!("{filter_path}/requestMirror"));
            }
            if let Some(cors) = filter.get("cors") {
                for field in ["allowOrigins", "allowMethods", "allowHeaders"] {
                    let list = items(cors.get(field));
                    if list.len() > 1 && list.iter().any(|v| v.as_str() == Some("*")) {
                        self.error(
                            format!("{filter_path}/cors/{field}"),
                            format!("{field} cannot contain '*' alongside other values"),
                            None,
                        );
                    }
                }
            }
        }
    }

    /// Each of [`ONCE`] at most once in a filter list.
    fn filter_counts(&mut self, filters: &[Value], path: &str) {
        for kind in ONCE {
            let positions: Vec<usize> = filters
                .iter()
                .enumerate()
                .filter(|(_, f)| str_at(f, "type") == Some(kind))
                .map(|(k, _)| k)
                .collect();
            if let [_, second, ..] = positions.as_slice() {
                self.error(
                    format!("{path}/{second}"),
                    format!("{kind} filter cannot be repeated"),
                    Some("merge them into one filter"),
                );
            }
        }
    }

    /// A filter sets the field of its own type, and only that one.
    fn filter_fields(&mut self, filter: &Value, path: &str, fields: &[(&str, &str)]) {
        let kind = str_at(filter, "type").unwrap_or("");
        for (name, field) in fields {
            let set = filter.get(*field).is_some();
            if set && kind != *name {
                self.error(
                    format!("{path}/{field}"),
                    format!("filter.{field} must be nil if the filter.type is not {name}"),
                    Some(&format!("set `type: {name}`, or remove `{field}`")),
                );
            } else if !set && kind == *name {
                self.error(
                    path,
                    format!("filter.{field} must be specified for {name} filter.type"),
                    None,
                );
            }
        }
    }

    fn path_modifier(&mut self, modifier: &Value, path: &str) {
        let kind = str_at(modifier, "type").unwrap_or("");
        for (name, field) in [
            ("ReplaceFullPath", "replaceFullPath"),
            ("ReplacePrefixMatch", "replacePrefixMatch"),
        ] {
            let set = modifier.get(field).is_some();
            if kind == name && !set {
                self.error(
                    path,
                    format!("{field} must be specified when type is set to '{name}'"),
                    None,
                );
            } else if set && kind != name {
                self.error(
                    format!("{path}/{field}"),
                    format!("type must be '{name}' when {field} is set"),
                    None,
                );
            }
        }
    }

    fn mirror(&mut self, mirror: &Value, path: &str) {
        if mirror.get("percent").is_some() && mirror.get("fraction").is_some() {
            self.error(
                path,
                "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
                None,
            );
        }
        if let Some(fraction) = mirror.get("fraction") {
            let numerator = fraction.get("numerator").and_then(Value::as_i64);
            let denominator = fraction
                .get("denominator")
                .and_then(Value::as_i64)
                .unwrap_or(100);
            if numerator.is_some_and(|n| n > denominator) {
                self.error(
                    format!("{path}/fraction"),
                    "numerator must be less than or equal to denominator",
                    None,
                );
            }
        }
        if let Some(backend) = mirror.get("backendRef") {
            self.service_port(backend, &format!("{path}/backendRef"));
        }
    }

    /// A backend that is a Service (the default) needs a port.
    fn service_port(&mut self, backend: &Value, path: &str) {
        let group = str_at(backend, "group").unwrap_or("");
        let kind = str_at(backend, "kind").unwrap_or("Service");
        if group.is_empty() && kind == "Service" && backend.get("port").is_none() {
            self.error(
                path,
                "Must have port for Service reference",
                Some("add the Service port, e.g. `port: 80`"),
            );
        }
    }

    fn grpc_rule(&mut self, rule: &Value, path: &str) {
        for (j, condition) in items(rule.get("matches")).iter().enumerate() {
            let Some(method) = condition.get("method") else {
                continue;
            };
            let method_path = format!("{path}/matches/{j}/method");
            let exact = str_at(method, "type").is_none_or(|t| t == "Exact");
            if method.get("type").is_some()
                && method.get("service").is_none()
                && method.get("method").is_none()
            {
                self.error(
                    &method_path,
                    "One or both of 'service' or 'method' must be specified",
                    Some("e.g. `service: inference.GRPCInferenceService`"),
                );
            }
            if exact {
                if let Some(service) = str_at(method, "service")
                    && !names::is_grpc_service(service)
                {
                    self.error(
                        format!("{method_path}/service"),
                        format!("service \"{}\" must be a fully qualified gRPC service name (letters, digits and `_`, separated by `.`)", crate::diagnostic::shorten(service, 80)),
                        None,
                    );
                }
                if let Some(name) = str_at(method, "method")
                    && (!names::is_grpc_service(name) || name.contains('.'))
                {
                    self.error(
                        format!("{method_path}/method"),
                        format!(
                            "method \"{}\" must be a gRPC method name (letters, digits and `_`)",
                            crate::diagnostic::shorten(name, 80)
                        ),
                        None,
                    );
                }
            }
        }
        let filters = items(rule.get("filters"));
        self.grpc_filters(filters, &format!("{path}/filters"));
        for (k, backend) in items(rule.get("backendRefs")).iter().enumerate() {
            let backend_path = format!("{path}/backendRefs/{k}");
            self.service_port(backend, &backend_path);
            self.grpc_filters(
                items(backend.get("filters")),
                &format!("{backend_path}/filters"),
            );
        }
    }

    fn grpc_filters(&mut self, filters: &[Value], path: &str) {
        self.filter_counts(filters, path);
        for (k, filter) in filters.iter().enumerate() {
            self.filter_fields(
                filter,
                &format!("{path}/{k}"),
                &[
                    ("RequestHeaderModifier", "requestHeaderModifier"),
                    ("ResponseHeaderModifier", "responseHeaderModifier"),
                    ("RequestMirror", "requestMirror"),
                    ("ExtensionRef", "extensionRef"),
                ],
            );
        }
    }

    /// Gateway: listener combinations and unique addresses.
    pub(super) fn gateway(&mut self) {
        let value = &self.object.value;
        let Some(spec) = value.get("spec") else {
            return;
        };
        let listeners = items(spec.get("listeners"));
        let mut names = HashMap::new();
        let mut combinations = HashMap::new();
        for (i, listener) in listeners.iter().enumerate() {
            let path = format!("/spec/listeners/{i}");
            let protocol = str_at(listener, "protocol")
                .unwrap_or("")
                .to_ascii_uppercase();
            let tls = listener.get("tls");
            let mode = tls.and_then(|t| str_at(t, "mode"));
            match protocol.as_str() {
                "HTTP" | "TCP" | "UDP" if tls.is_some() => self.error(
                    format!("{path}/tls"),
                    "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
                    Some("use protocol HTTPS (or TLS) for a listener with a certificate"),
                ),
                "HTTPS" if mode.is_some_and(|m| !m.is_empty() && m != "Terminate") => self.error(
                    format!("{path}/tls/mode"),
                    "tls mode must be Terminate for protocol HTTPS",
                    Some("use protocol TLS for Passthrough"),
                ),
                "TLS" if mode.is_none_or(str::is_empty) => self.error(
                    format!("{path}/tls"),
                    "tls mode must be set for protocol TLS",
                    None,
                ),
                _ => {}
            }
            if matches!(protocol.as_str(), "TCP" | "UDP")
                && str_at(listener, "hostname").is_some_and(|h| !h.is_empty())
            {
                self.error(
                    format!("{path}/hostname"),
                    "hostname must not be specified for protocols ['TCP', 'UDP']",
                    None,
                );
            }
            if let Some(tls) = tls
                && mode.unwrap_or("Terminate") == "Terminate"
                && tls
                    .get("certificateRefs")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty)
                && tls
                    .get("options")
                    .and_then(Value::as_object)
                    .is_none_or(|o| o.is_empty())
            {
                self.error(
                    format!("{path}/tls"),
                    "certificateRefs or options must be specified when mode is Terminate",
                    Some("name the certificate's Secret under certificateRefs"),
                );
            }
            if let Some(j) = earlier(&mut names, listener.get("name"), i) {
                self.error(
                    format!("{path}/name"),
                    format!(
                        "Listener name must be unique within the Gateway (also listeners[{j}])"
                    ),
                    None,
                );
            }
            let combination = (
                listener.get("port"),
                listener.get("protocol"),
                listener.get("hostname"),
            );
            if let Some(j) = earlier(&mut combinations, combination, i) {
                self.error(
                    path.clone(),
                    format!("Combination of port, protocol and hostname must be unique for each listener (also listeners[{j}])"),
                    None,
                );
            }
        }
        let addresses = items(spec.get("addresses"));
        let mut seen = HashSet::new();
        for (i, address) in addresses.iter().enumerate() {
            let kind = str_at(address, "type").unwrap_or("IPAddress");
            let Some(value) = str_at(address, "value") else {
                continue;
            };
            if kind == "Hostname" && !names::is_gateway_hostname(value) {
                self.error(
                    format!("/spec/addresses/{i}/value"),
                    format!("\"{value}\" is not a valid host name"),
                    None,
                );
            }
            if !seen.insert((kind, value)) && matches!(kind, "IPAddress" | "Hostname") {
                self.error(
                    format!("/spec/addresses/{i}"),
                    format!("{kind} values must be unique"),
                    None,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_gateway_api() {
        assert_eq!(duration_seconds("1h30m"), Some(5400.0));
        assert_eq!(duration_seconds("500ms"), Some(0.5));
        assert_eq!(duration_seconds("10s"), Some(10.0));
        assert_eq!(duration_seconds("10"), None);
        assert_eq!(duration_seconds(""), None);
    }
}
