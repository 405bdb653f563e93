//! Checks of `traffic`: Gateway API parents, host names, paths and headers the upstream
//! CRDs would reject, and settings that need another provider or protocol.

use super::Checker;
use crate::names;
use crate::values::model::{App, TrafficProtocol, TrafficProvider};
use crate::values::path::FieldPath;
use std::collections::{BTreeMap, BTreeSet};

/// Gateway API's limits on a route.
const MAX_PARENT_REFS: usize = 32;
const MAX_HOSTNAMES: usize = 16;

impl Checker {
    pub(super) fn traffic(&mut self, app: &App) {
        let traffic = &app.traffic;
        let gateway = &traffic.gateway;
        if traffic.provider == TrafficProvider::Ingress {
            if traffic.protocol == TrafficProtocol::Grpc {
                self.report(
                    "traffic.protocol",
                    "protocol `grpc` needs provider `gateway` (GRPCRoutes): an Ingress cannot route gRPC portably",
                    Some("set `traffic.provider: gateway` and `traffic.gateway.parentRefs`"),
                );
            }
            return;
        }
        if gateway.parent_refs.is_empty() {
            self.report(
                "traffic.gateway.parentRefs",
                "provider `gateway` needs at least one Gateway to attach the routes to",
                Some("e.g. `parentRefs: [{name: public, namespace: gateways}]`"),
            );
        }
        if gateway.parent_refs.len() > MAX_PARENT_REFS {
            self.report(
                "traffic.gateway.parentRefs",
                format!(
                    "{} parentRefs; Gateway API allows at most {MAX_PARENT_REFS}",
                    gateway.parent_refs.len()
                ),
                None,
            );
        }
        let mut parents = BTreeSet::new();
        for (i, parent) in gateway.parent_refs.iter().enumerate() {
            let path = FieldPath::parse("traffic.gateway.parentRefs").index(i);
            if !names::is_dns1123_subdomain(&parent.name) {
                self.report_at(
                    path.key("name"),
                    format!("`{}` is not a valid Gateway name", parent.name),
                    Some("use lowercase letters, digits, `-` and `.`"),
                );
            }
            if let Some(namespace) = &parent.namespace
                && !names::is_dns1123_label(namespace)
            {
                self.report_at(
                    path.key("namespace"),
                    format!("`{namespace}` is not a valid namespace"),
                    None,
                );
            }
            if let Some(section) = &parent.section_name
                && !names::is_dns1123_subdomain(section)
            {
                self.report_at(
                    path.key("sectionName"),
                    format!("`{section}` is not a valid listener name"),
                    Some("use lowercase letters, digits, `-` and `.`"),
                );
            }
            if parent.port == Some(0) {
                self.report_at(
                    path.key("port"),
                    "expected a port from 1 to 65535, found 0",
                    None,
                );
            }
            let key = (
                parent.name.as_str(),
                parent.namespace.as_deref().unwrap_or(""),
                parent.section_name.as_deref().unwrap_or(""),
            );
            if !parents.insert(key) {
                self.report_at(
                    path,
                    format!(
                        "Gateway `{}` is listed twice with the same sectionName",
                        parent.name
                    ),
                    Some("attach to a Gateway once, or to different listeners with `sectionName`"),
                );
            }
        }
        // Per Gateway: how often it is listed, and whether an entry has no sectionName.
        let mut listed: BTreeMap<(&str, Option<&str>), (usize, bool)> = BTreeMap::new();
        for parent in &gateway.parent_refs {
            let entry = listed
                .entry((parent.name.as_str(), parent.namespace.as_deref()))
                .or_default();
            entry.0 += 1;
            entry.1 |= parent.section_name.is_none();
        }
        for ((name, _), _) in listed
            .iter()
            .filter(|(_, (count, bare))| *count > 1 && *bare)
        {
            self.report(
                "traffic.gateway.parentRefs",
                format!("Gateway `{name}` is listed more than once: each entry needs its own `sectionName`"),
                Some("Gateway API requires sectionName when two parentRefs name the same Gateway"),
            );
        }
        if gateway.hostnames.len() > MAX_HOSTNAMES {
            self.report(
                "traffic.gateway.hostnames",
                format!(
                    "{} host names; Gateway API allows at most {MAX_HOSTNAMES}",
                    gateway.hostnames.len()
                ),
                None,
            );
        }
        for (i, hostname) in gateway.hostnames.iter().enumerate() {
            if !names::is_gateway_hostname(hostname) {
                self.report_at(
                    FieldPath::parse("traffic.gateway.hostnames").index(i),
                    format!("`{hostname}` is not a valid host name"),
                    Some("use a lowercase DNS name such as `mnist.example.com` (or `*.example.com`), without scheme or port"),
                );
            }
        }
        match traffic.protocol {
            TrafficProtocol::Http => {
                if !gateway.grpc_services.is_empty() {
                    self.report(
                        "traffic.gateway.grpcServices",
                        "`grpcServices` only applies to protocol `grpc`",
                        Some("set `traffic.protocol: grpc`, or remove it"),
                    );
                }
                let (field, paths) = match &gateway.paths {
                    Some(paths) => ("traffic.gateway.paths", paths),
                    None => ("ingress.paths", &app.ingress.paths),
                };
                if paths.is_empty() {
                    self.report(
                        field,
                        "no paths: the route would match nothing",
                        Some("e.g. `paths: [/]`"),
                    );
                }
                for (i, path) in paths.iter().enumerate() {
                    if let Some(problem) = names::gateway_path_problem(path) {
                        self.report_at(
                            FieldPath::parse(field).index(i),
                            format!("`{path}` is not a valid Gateway API path: {problem}"),
                            None,
                        );
                    }
                }
            }
            TrafficProtocol::Grpc => {
                if gateway.paths.is_some() {
                    self.report(
                        "traffic.gateway.paths",
                        "`paths` only applies to protocol `http`: gRPC requests are matched by service",
                        Some("list the services in `grpcServices` instead"),
                    );
                }
                for (i, service) in gateway.grpc_services.iter().enumerate() {
                    if !names::is_grpc_service(service) {
                        self.report_at(
                            FieldPath::parse("traffic.gateway.grpcServices").index(i),
                            format!("`{service}` is not a gRPC service name"),
                            Some("use the fully qualified name, e.g. `inference.GRPCInferenceService`"),
                        );
                    }
                }
            }
        }
        if let Some(header) = &gateway.version_header {
            self.header_name("traffic.gateway.versionHeader", header);
        }
    }

    /// Reports `header` at `field` unless it is a valid HTTP header name.
    pub(super) fn header_name(&mut self, field: &str, header: &str) {
        if !names::is_http_header_name(header) {
            self.report(
                field,
                format!(
                    "`{}` is not a valid header name",
                    crate::diagnostic::shorten(header, 80)
                ),
                Some("use letters, digits and `-` (an HTTP token), e.g. `X-Canary`"),
            );
        }
    }
}
