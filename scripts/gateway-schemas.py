#!/usr/bin/env python3
"""Writes schemas/gateway/definitions.json and kinds.json: the JSON Schemas of Gateway API's
HTTPRoute, GRPCRoute, Gateway and ReferenceGrant (v1, Standard channel) that `tack validate`
embeds next to the Kubernetes ones, in the same one-entry-per-line format.

Written from the upstream Go types (kubernetes-sigs/gateway-api apis/v1: httproute_types.go,
grpcroute_types.go, gateway_types.go, shared_types.go, object_reference_types.go,
referencegrant_types.go; Gateway API v1.6): every field, enum, length, range, item limit and
pattern of the kubebuilder markers, the defaults, and the CRDs' CEL rules
(x-kubernetes-validations, standard channel), which tack evaluates with its CEL evaluator as
the API server does (src/validate/schema/builtin_rules.rs).

Usage: python3 scripts/gateway-schemas.py   (then review the diff of schemas/gateway/)
"""
import json
import os

V1 = "io.k8s.networking.gateway.v1."
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"

defs = {}


def ref(name):
    return {"$ref": "#/definitions/" + (name if name.startswith("io.") else V1 + name)}


# The CRDs' CEL rules (x-kubernetes-validations), standard channel, verbatim from the Go
# markers (Gateway API v1.6; Go string escapes undone). Key: where the rule sits.
RULES = {
    "parentRefs": [
        ("sectionName must be specified when parentRefs includes 2 or more references to the same parent",
         "self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__ )) ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))"),
        ("sectionName must be unique when parentRefs includes 2 or more references to the same parent",
         "self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__ )) && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))"),
    ],
    "BackendObjectReference": [
        ("Must have port for Service reference",
         "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true"),
    ],
    "Fraction": [
        ("numerator must be less than or equal to denominator",
         "self.numerator <= self.denominator"),
    ],
    "HTTPRouteSpec.rules": [
        ("Rule name must be unique within the route",
         "self.all(l1, !has(l1.name) || self.exists_one(l2, has(l2.name) && l1.name == l2.name))"),
        ("While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
         "(self.size() > 0 ? self[0].matches.size() : 0) + (self.size() > 1 ? self[1].matches.size() : 0) + (self.size() > 2 ? self[2].matches.size() : 0) + (self.size() > 3 ? self[3].matches.size() : 0) + (self.size() > 4 ? self[4].matches.size() : 0) + (self.size() > 5 ? self[5].matches.size() : 0) + (self.size() > 6 ? self[6].matches.size() : 0) + (self.size() > 7 ? self[7].matches.size() : 0) + (self.size() > 8 ? self[8].matches.size() : 0) + (self.size() > 9 ? self[9].matches.size() : 0) + (self.size() > 10 ? self[10].matches.size() : 0) + (self.size() > 11 ? self[11].matches.size() : 0) + (self.size() > 12 ? self[12].matches.size() : 0) + (self.size() > 13 ? self[13].matches.size() : 0) + (self.size() > 14 ? self[14].matches.size() : 0) + (self.size() > 15 ? self[15].matches.size() : 0) <= 128"),
    ],
    "HTTPRouteRule": [
        ("RequestRedirect filter must not be used together with backendRefs",
         "(has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || self.filters.all(f, !has(f.requestRedirect))): true"),
        ("When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
         "(has(self.filters) && self.filters.exists_one(f, has(f.requestRedirect) && has(f.requestRedirect.path) && f.requestRedirect.path.type == 'ReplacePrefixMatch' && has(f.requestRedirect.path.replacePrefixMatch))) ? ((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true"),
        ("When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
         "(has(self.filters) && self.filters.exists_one(f, has(f.urlRewrite) && has(f.urlRewrite.path) && f.urlRewrite.path.type == 'ReplacePrefixMatch' && has(f.urlRewrite.path.replacePrefixMatch))) ? ((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true"),
        ("Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
         "(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, has(f.requestRedirect) && has(f.requestRedirect.path) && f.requestRedirect.path.type == 'ReplacePrefixMatch' && has(f.requestRedirect.path.replacePrefixMatch))) )) ? ((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true"),
        ("Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
         "(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, has(f.urlRewrite) && has(f.urlRewrite.path) && f.urlRewrite.path.type == 'ReplacePrefixMatch' && has(f.urlRewrite.path.replacePrefixMatch))) )) ? ((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true"),
    ],
    "HTTPRoute filters": [
        ("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
         "!(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))"),
        ("CORS filter cannot be repeated",
         "self.filter(f, f.type == 'CORS').size() <= 1"),
        ("RequestHeaderModifier filter cannot be repeated",
         "self.filter(f, f.type == 'RequestHeaderModifier').size() <= 1"),
        ("ResponseHeaderModifier filter cannot be repeated",
         "self.filter(f, f.type == 'ResponseHeaderModifier').size() <= 1"),
        ("RequestRedirect filter cannot be repeated",
         "self.filter(f, f.type == 'RequestRedirect').size() <= 1"),
        ("URLRewrite filter cannot be repeated",
         "self.filter(f, f.type == 'URLRewrite').size() <= 1"),
    ],
    "HTTPRouteTimeouts": [
        ("backendRequest timeout cannot be longer than request timeout",
         "!(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s') && duration(self.backendRequest) > duration(self.request))"),
    ],
    "HTTPPathMatch": [
        ("value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true"),
        ("must not contain '//' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('//') : true"),
        ("must not contain '/./' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('/./') : true"),
        ("must not contain '/../' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('/../') : true"),
        ("must not contain '%2f' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2f') : true"),
        ("must not contain '%2F' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2F') : true"),
        ("must not contain '#' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.contains('#') : true"),
        ("must not end with '/..' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/..') : true"),
        ("must not end with '/.' when type one of ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/.') : true"),
        ("type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
         "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'"),
        ("must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
         "(self.type in ['Exact','PathPrefix']) ? self.value.matches(r\"\"\"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$\"\"\") : true"),
    ],
    "HTTPRouteFilter": [
        ("filter.cors must be nil if the filter.type is not CORS",
         "!(has(self.cors) && self.type != 'CORS')"),
        ("filter.cors must be specified for CORS filter.type",
         "!(!has(self.cors) && self.type == 'CORS')"),
        ("filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier",
         "!(has(self.requestHeaderModifier) && self.type != 'RequestHeaderModifier')"),
        ("filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type",
         "!(!has(self.requestHeaderModifier) && self.type == 'RequestHeaderModifier')"),
        ("filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier",
         "!(has(self.responseHeaderModifier) && self.type != 'ResponseHeaderModifier')"),
        ("filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type",
         "!(!has(self.responseHeaderModifier) && self.type == 'ResponseHeaderModifier')"),
        ("filter.requestMirror must be nil if the filter.type is not RequestMirror",
         "!(has(self.requestMirror) && self.type != 'RequestMirror')"),
        ("filter.requestMirror must be specified for RequestMirror filter.type",
         "!(!has(self.requestMirror) && self.type == 'RequestMirror')"),
        ("filter.requestRedirect must be nil if the filter.type is not RequestRedirect",
         "!(has(self.requestRedirect) && self.type != 'RequestRedirect')"),
        ("filter.requestRedirect must be specified for RequestRedirect filter.type",
         "!(!has(self.requestRedirect) && self.type == 'RequestRedirect')"),
        ("filter.urlRewrite must be nil if the filter.type is not URLRewrite",
         "!(has(self.urlRewrite) && self.type != 'URLRewrite')"),
        ("filter.urlRewrite must be specified for URLRewrite filter.type",
         "!(!has(self.urlRewrite) && self.type == 'URLRewrite')"),
        ("filter.extensionRef must be nil if the filter.type is not ExtensionRef",
         "!(has(self.extensionRef) && self.type != 'ExtensionRef')"),
        ("filter.extensionRef must be specified for ExtensionRef filter.type",
         "!(!has(self.extensionRef) && self.type == 'ExtensionRef')"),
    ],
    "HTTPRouteFilter.requestMirror": [
        ("Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
         "!(has(self.percent) && has(self.fraction))"),
    ],
    "HTTPPathModifier": [
        ("replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
         "self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true"),
        ("type must be 'ReplaceFullPath' when replaceFullPath is set",
         "has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true"),
        ("replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
         "self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true"),
        ("type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
         "has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true"),
    ],
    "HTTPCORSFilter fields": [
        ("AllowOrigins cannot contain '*' alongside other origins",
         "!('*' in self && self.size() > 1)"),
        ("AllowMethods cannot contain '*' alongside other methods",
         "!('*' in self && self.size() > 1)"),
        ("AllowHeaders cannot contain '*' alongside other methods",
         "!('*' in self && self.size() > 1)"),
    ],
    "GRPCRouteSpec.rules": [
        ("While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
         "(self.size() > 0 ? (has(self[0].matches) ? self[0].matches.size() : 0) : 0) + (self.size() > 1 ? (has(self[1].matches) ? self[1].matches.size() : 0) : 0) + (self.size() > 2 ? (has(self[2].matches) ? self[2].matches.size() : 0) : 0) + (self.size() > 3 ? (has(self[3].matches) ? self[3].matches.size() : 0) : 0) + (self.size() > 4 ? (has(self[4].matches) ? self[4].matches.size() : 0) : 0) + (self.size() > 5 ? (has(self[5].matches) ? self[5].matches.size() : 0) : 0) + (self.size() > 6 ? (has(self[6].matches) ? self[6].matches.size() : 0) : 0) + (self.size() > 7 ? (has(self[7].matches) ? self[7].matches.size() : 0) : 0) + (self.size() > 8 ? (has(self[8].matches) ? self[8].matches.size() : 0) : 0) + (self.size() > 9 ? (has(self[9].matches) ? self[9].matches.size() : 0) : 0) + (self.size() > 10 ? (has(self[10].matches) ? self[10].matches.size() : 0) : 0) + (self.size() > 11 ? (has(self[11].matches) ? self[11].matches.size() : 0) : 0) + (self.size() > 12 ? (has(self[12].matches) ? self[12].matches.size() : 0) : 0) + (self.size() > 13 ? (has(self[13].matches) ? self[13].matches.size() : 0) : 0) + (self.size() > 14 ? (has(self[14].matches) ? self[14].matches.size() : 0) : 0) + (self.size() > 15 ? (has(self[15].matches) ? self[15].matches.size() : 0) : 0) <= 128"),
    ],
    "GRPCRoute filters": [
        ("RequestHeaderModifier filter cannot be repeated",
         "self.filter(f, f.type == 'RequestHeaderModifier').size() <= 1"),
        ("ResponseHeaderModifier filter cannot be repeated",
         "self.filter(f, f.type == 'ResponseHeaderModifier').size() <= 1"),
    ],
    "GRPCMethodMatch": [
        ("One or both of 'service' or 'method' must be specified",
         "has(self.type) ? has(self.service) || has(self.method) : true"),
        ("service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
         "(!has(self.type) || self.type == 'Exact') && has(self.service) ? self.service.matches(r\"\"\"^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$\"\"\"): true"),
        ("method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
         "(!has(self.type) || self.type == 'Exact') && has(self.method) ? self.method.matches(r\"\"\"^[A-Za-z_][A-Za-z_0-9]*$\"\"\"): true"),
    ],
    "GRPCRouteFilter": [
        ("filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier",
         "!(has(self.requestHeaderModifier) && self.type != 'RequestHeaderModifier')"),
        ("filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type",
         "!(!has(self.requestHeaderModifier) && self.type == 'RequestHeaderModifier')"),
        ("filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier",
         "!(has(self.responseHeaderModifier) && self.type != 'ResponseHeaderModifier')"),
        ("filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type",
         "!(!has(self.responseHeaderModifier) && self.type == 'ResponseHeaderModifier')"),
        ("filter.requestMirror must be nil if the filter.type is not RequestMirror",
         "!(has(self.requestMirror) && self.type != 'RequestMirror')"),
        ("filter.requestMirror must be specified for RequestMirror filter.type",
         "!(!has(self.requestMirror) && self.type == 'RequestMirror')"),
        ("filter.extensionRef must be nil if the filter.type is not ExtensionRef",
         "!(has(self.extensionRef) && self.type != 'ExtensionRef')"),
        ("filter.extensionRef must be specified for ExtensionRef filter.type",
         "!(!has(self.extensionRef) && self.type == 'ExtensionRef')"),
    ],
    "GatewaySpec.listeners": [
        ("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
         "self.all(l, l.protocol.matches('(?i)^(HTTP|TCP|UDP)$') ? !has(l.tls) : true)"),
        ("tls mode must be Terminate for protocol HTTPS",
         "self.all(l, (l.protocol.matches('(?i)^HTTPS$') && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode == 'Terminate') : true)"),
        ("tls mode must be set for protocol TLS",
         "self.all(l, (l.protocol.matches('(?i)^TLS$') ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true))"),
        ("hostname must not be specified for protocols ['TCP', 'UDP']",
         "self.all(l, l.protocol.matches('(?i)^(TCP|UDP)$')  ? (!has(l.hostname) || l.hostname == '') : true)"),
        ("Listener name must be unique within the Gateway",
         "self.all(l1, self.exists_one(l2, l1.name == l2.name))"),
        ("Combination of port, protocol and hostname must be unique for each listener",
         "self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))"),
    ],
    "GatewaySpec.addresses": [
        ("IPAddress values must be unique",
         "self.all(a1, a1.type == 'IPAddress' && has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && a2.value == a1.value) : true )"),
        ("Hostname values must be unique",
         "self.all(a1, a1.type == 'Hostname'  && has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && a2.value == a1.value) : true )"),
    ],
    "ListenerTLSConfig": [
        ("certificateRefs or options must be specified when mode is Terminate",
         "self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true"),
    ],
    "FrontendTLSConfig.perPort": [
        ("Port for TLS configuration must be unique within the Gateway",
         "self.all(t1, self.exists_one(t2, t1.port == t2.port))"),
    ],
    "GatewaySpecAddress": [
        ("Hostname value must be empty or contain only valid characters (matching ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)",
         "self.type == 'Hostname' ? (!has(self.value) || self.value.matches(r\"\"\"^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$\"\"\")): true"),
    ],
    "GatewayInfrastructure.labels": [
        ("Label keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.",
         "self.all(key, key.matches(r\"\"\"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$\"\"\"))"),
        ("If specified, the label key's prefix must be a DNS subdomain not longer than 253 characters in total.",
         "self.all(key, key.split(\"/\")[0].size() < 253)"),
    ],
    "GatewayInfrastructure.annotations": [
        ("Annotation keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.",
         "self.all(key, key.matches(r\"\"\"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$\"\"\"))"),
        ("If specified, the annotation key's prefix must be a DNS subdomain not longer than 253 characters in total.",
         "self.all(key, key.split(\"/\")[0].size() < 253)"),
    ],
}


def cel(schema, key):
    """`schema` with the CEL rules RULES[key] (x-kubernetes-validations), appended."""
    schema = dict(schema)
    schema["x-kubernetes-validations"] = schema.get("x-kubernetes-validations", []) + [
        {"message": message, "rule": rule} for message, rule in RULES[key]
    ]
    return schema


def struct_cel(name, key):
    """The struct rules RULES[key] on definition `name` (kubebuilder's type-level markers)."""
    defs[V1 + name] = cel(defs[V1 + name], key)


def default(schema, value):
    """`schema` with the `default` the API server fills in (the CEL rules rely on it)."""
    schema = dict(schema)
    schema["default"] = value
    return schema


def string(min_length=None, max_length=None, pattern=None, enum=None):
    schema = {"type": "string"}
    if enum is not None:
        schema["enum"] = enum
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = pattern
    return schema


def integer(minimum=None, maximum=None, enum=None):
    schema = {"type": "integer"}
    if enum is not None:
        schema["enum"] = enum
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def array(items, max_items=None, min_items=None, unique=False, map_keys=None):
    schema = {"type": "array", "items": items}
    if map_keys is not None:
        # +listType=map with +listMapKey: unique keys, as server-side apply needs.
        schema["x-kubernetes-list-type"] = "map"
        schema["x-kubernetes-list-map-keys"] = map_keys
    if min_items is not None:
        schema["minItems"] = min_items
    if max_items is not None:
        schema["maxItems"] = max_items
    if unique:
        schema["uniqueItems"] = True
    return schema


def obj(name, properties, required=()):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    defs[V1 + name] = schema


# Named scalar types.
HOSTNAME = string(1, 253, r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PRECISE_HOSTNAME = string(1, 253, DNS_SUBDOMAIN)
GROUP = string(None, 253, r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
KIND = string(1, 63, r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
OBJECT_NAME = string(1, 253)
NAMESPACE = string(1, 63, r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SECTION_NAME = string(1, 253, DNS_SUBDOMAIN)
HEADER_NAME = string(1, 256, r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$")
DURATION = string(pattern=r"^([0-9]{1,5}(h|m|s|ms)){1,4}$")
PORT = integer(1, 65535)
# BackendObjectReference.port has no range of its own upstream; a Service port is 1-65535.
BACKEND_PORT = integer(1, 65535)
CORS_ORIGIN = string(1, 253, r"(^\*$)|(^([a-zA-Z][a-zA-Z0-9+\-.]+):\/\/([^:/?#]+)(:([0-9]{1,5}))?$)")
ANNOTATION_KEY = string(1, 253, r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$")
ANNOTATION_VALUE = string(0, 4096)
LABEL_VALUE = string(0, 63, r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
PROTOCOL = string(1, 255, r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$")
ADDRESS_TYPE = string(1, 253, r"^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$")
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]


def cors_cel(schema, index):
    """One of HTTPCORSFilter's three '*'-alone rules on its list."""
    schema = dict(schema)
    message, rule = RULES["HTTPCORSFilter fields"][index]
    schema["x-kubernetes-validations"] = [{"message": message, "rule": rule}]
    return schema


def string_map(keys, values, max_properties):
    return {"type": "object", "additionalProperties": values, "propertyNames": keys,
            "maxProperties": max_properties}


# Shared structs.
obj("ParentReference", {
    "group": default(GROUP, "gateway.networking.k8s.io"), "kind": default(KIND, "Gateway"), "namespace": NAMESPACE, "name": OBJECT_NAME,
    "sectionName": SECTION_NAME, "port": PORT,
}, ["name"])
obj("BackendObjectReference", {
    "group": default(GROUP, ""), "kind": default(KIND, "Service"), "name": OBJECT_NAME,
    "namespace": NAMESPACE, "port": BACKEND_PORT,
}, ["name"])
struct_cel("BackendObjectReference", "BackendObjectReference")
obj("LocalObjectReference", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME}, ["kind", "name"])
obj("SecretObjectReference", {"group": default(GROUP, ""), "kind": default(KIND, "Secret"), "name": OBJECT_NAME, "namespace": NAMESPACE}, ["name"])
obj("ObjectReference", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE}, ["group", "kind", "name"])
obj("Fraction", {"numerator": integer(0), "denominator": default(integer(1), 100)}, ["numerator"])
struct_cel("Fraction", "Fraction")

# HTTPRoute.
obj("HTTPPathMatch", {
    "type": default(string(enum=["Exact", "PathPrefix", "RegularExpression"]), "PathPrefix"),
    "value": default(string(max_length=1024), "/"),
})
struct_cel("HTTPPathMatch", "HTTPPathMatch")
obj("HTTPHeaderMatch", {
    "type": default(string(enum=["Exact", "RegularExpression"]), "Exact"), "name": HEADER_NAME,
    "value": string(1, 4096),
}, ["name", "value"])
obj("HTTPQueryParamMatch", {
    "type": default(string(enum=["Exact", "RegularExpression"]), "Exact"), "name": HEADER_NAME,
    "value": string(1, 1024),
}, ["name", "value"])
obj("HTTPRouteMatch", {
    "path": default(ref("HTTPPathMatch"), {"type": "PathPrefix", "value": "/"}),
    "headers": array(ref("HTTPHeaderMatch"), 16, map_keys=["name"]),
    "queryParams": array(ref("HTTPQueryParamMatch"), 16, map_keys=["name"]),
    "method": string(enum=METHODS),
})
obj("HTTPHeader", {"name": HEADER_NAME, "value": string(1, 4096)}, ["name", "value"])
obj("HTTPHeaderFilter", {
    "set": array(ref("HTTPHeader"), 16, map_keys=["name"]),
    "add": array(ref("HTTPHeader"), 16, map_keys=["name"]),
    "remove": array({"type": "string"}, 16, unique=True),
})
obj("HTTPPathModifier", {
    "type": string(enum=["ReplaceFullPath", "ReplacePrefixMatch"]),
    "replaceFullPath": string(max_length=1024), "replacePrefixMatch": string(max_length=1024),
}, ["type"])
struct_cel("HTTPPathModifier", "HTTPPathModifier")
obj("HTTPRequestRedirectFilter", {
    "scheme": string(enum=["http", "https"]), "hostname": PRECISE_HOSTNAME,
    "path": ref("HTTPPathModifier"), "port": PORT,
    "statusCode": default(integer(enum=[301, 302, 303, 307, 308]), 302),
})
obj("HTTPURLRewriteFilter", {"hostname": PRECISE_HOSTNAME, "path": ref("HTTPPathModifier")})
obj("HTTPRequestMirrorFilter", {
    "backendRef": ref("BackendObjectReference"), "percent": integer(0, 100),
    "fraction": ref("Fraction"),
}, ["backendRef"])
obj("HTTPCORSFilter", {
    "allowOrigins": cors_cel(array(CORS_ORIGIN, 64, unique=True), 0),
    "allowCredentials": {"type": "boolean"},
    "allowMethods": cors_cel(array(string(enum=METHODS + ["*"]), 9, unique=True), 1),
    "allowHeaders": cors_cel(array(HEADER_NAME, 64, unique=True), 2),
    "exposeHeaders": array(HEADER_NAME, 64, unique=True),
    "maxAge": default(integer(1), 5),
})
obj("HTTPRouteFilter", {
    "type": string(enum=["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
                         "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS"]),
    "requestHeaderModifier": ref("HTTPHeaderFilter"),
    "responseHeaderModifier": ref("HTTPHeaderFilter"),
    "requestMirror": cel(ref("HTTPRequestMirrorFilter"), "HTTPRouteFilter.requestMirror"),
    "requestRedirect": ref("HTTPRequestRedirectFilter"),
    "urlRewrite": ref("HTTPURLRewriteFilter"),
    "cors": ref("HTTPCORSFilter"),
    "extensionRef": ref("LocalObjectReference"),
}, ["type"])
struct_cel("HTTPRouteFilter", "HTTPRouteFilter")
obj("HTTPBackendRef", {
    "group": default(GROUP, ""), "kind": default(KIND, "Service"), "name": OBJECT_NAME,
    "namespace": NAMESPACE, "port": BACKEND_PORT,
    "weight": default(integer(0, 1000000), 1),
    "filters": cel(array(ref("HTTPRouteFilter"), 16), "HTTPRoute filters"),
}, ["name"])
struct_cel("HTTPBackendRef", "BackendObjectReference")
obj("HTTPRouteTimeouts", {"request": DURATION, "backendRequest": DURATION})
struct_cel("HTTPRouteTimeouts", "HTTPRouteTimeouts")
obj("HTTPRouteRetry", {
    "codes": array(integer(400, 599), unique=True), "attempts": integer(), "backoff": DURATION,
})
obj("HTTPRouteRule", {
    "name": SECTION_NAME,
    "matches": default(array(ref("HTTPRouteMatch"), 64), [{"path": {"type": "PathPrefix", "value": "/"}}]),
    "filters": cel(array(ref("HTTPRouteFilter"), 16), "HTTPRoute filters"),
    "backendRefs": array(ref("HTTPBackendRef"), 16),
    "timeouts": ref("HTTPRouteTimeouts"),
    "retry": ref("HTTPRouteRetry"),
})
struct_cel("HTTPRouteRule", "HTTPRouteRule")
obj("HTTPRouteSpec", {
    "parentRefs": cel(array(ref("ParentReference"), 32), "parentRefs"),
    "hostnames": array(HOSTNAME, 16),
    "rules": default(cel(array(ref("HTTPRouteRule"), 16, min_items=1), "HTTPRouteSpec.rules"),
                     [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}]),
})

# GRPCRoute.
obj("GRPCMethodMatch", {
    "type": default(string(enum=["Exact", "RegularExpression"]), "Exact"),
    "service": string(max_length=1024), "method": string(max_length=1024),
})
struct_cel("GRPCMethodMatch", "GRPCMethodMatch")
obj("GRPCHeaderMatch", {
    "type": default(string(enum=["Exact", "RegularExpression"]), "Exact"), "name": HEADER_NAME,
    "value": string(1, 4096),
}, ["name", "value"])
obj("GRPCRouteMatch", {
    "method": ref("GRPCMethodMatch"),
    "headers": array(ref("GRPCHeaderMatch"), 16, map_keys=["name"]),
})
obj("GRPCRouteFilter", {
    "type": string(enum=["ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror", "ExtensionRef"]),
    "requestHeaderModifier": ref("HTTPHeaderFilter"),
    "responseHeaderModifier": ref("HTTPHeaderFilter"),
    "requestMirror": ref("HTTPRequestMirrorFilter"),
    "extensionRef": ref("LocalObjectReference"),
}, ["type"])
struct_cel("GRPCRouteFilter", "GRPCRouteFilter")
obj("GRPCBackendRef", {
    "group": default(GROUP, ""), "kind": default(KIND, "Service"), "name": OBJECT_NAME,
    "namespace": NAMESPACE, "port": BACKEND_PORT,
    "weight": default(integer(0, 1000000), 1),
    "filters": cel(array(ref("GRPCRouteFilter"), 16), "GRPCRoute filters"),
}, ["name"])
struct_cel("GRPCBackendRef", "BackendObjectReference")
obj("GRPCRouteRule", {
    "matches": array(ref("GRPCRouteMatch"), 8),
    "filters": cel(array(ref("GRPCRouteFilter"), 16), "GRPCRoute filters"),
    "backendRefs": array(ref("GRPCBackendRef"), 16),
})
obj("GRPCRouteSpec", {
    "parentRefs": cel(array(ref("ParentReference"), 32), "parentRefs"),
    "hostnames": array(HOSTNAME, 16),
    "rules": cel(array(ref("GRPCRouteRule"), 16), "GRPCRouteSpec.rules"),
})

# Gateway.
obj("RouteGroupKind", {"group": default(GROUP, "gateway.networking.k8s.io"), "kind": KIND}, ["kind"])
obj("RouteNamespaces", {
    "from": default(string(enum=["All", "Selector", "Same"]), "Same"),
    "selector": ref(META + "LabelSelector"),
})
obj("AllowedRoutes", {
    "namespaces": default(ref("RouteNamespaces"), {"from": "Same"}),
    "kinds": array(ref("RouteGroupKind"), 8),
})
obj("ListenerTLSConfig", {
    "mode": default(string(enum=["Terminate", "Passthrough"]), "Terminate"),
    "certificateRefs": array(ref("SecretObjectReference"), 64),
    "options": string_map(ANNOTATION_KEY, ANNOTATION_VALUE, 16),
})
struct_cel("ListenerTLSConfig", "ListenerTLSConfig")
obj("Listener", {
    "name": SECTION_NAME, "hostname": HOSTNAME, "port": PORT, "protocol": PROTOCOL,
    "tls": ref("ListenerTLSConfig"),
    "allowedRoutes": default(ref("AllowedRoutes"), {"namespaces": {"from": "Same"}}),
}, ["name", "port", "protocol"])
obj("GatewaySpecAddress", {"type": default(ADDRESS_TYPE, "IPAddress"), "value": string(max_length=253)})
struct_cel("GatewaySpecAddress", "GatewaySpecAddress")
obj("LocalParametersReference", {"group": GROUP, "kind": KIND, "name": string(1, 253)}, ["group", "kind", "name"])
obj("GatewayInfrastructure", {
    "labels": cel(string_map(ANNOTATION_KEY, LABEL_VALUE, 8), "GatewayInfrastructure.labels"),
    "annotations": cel(string_map(ANNOTATION_KEY, ANNOTATION_VALUE, 16),
                       "GatewayInfrastructure.annotations"),
    "parametersRef": ref("LocalParametersReference"),
})
obj("ListenerNamespaces", {
    "from": default(string(enum=["All", "Selector", "Same", "None"]), "None"),
    "selector": ref(META + "LabelSelector"),
})
obj("AllowedListeners", {"namespaces": default(ref("ListenerNamespaces"), {"from": "None"})})
obj("FrontendTLSValidation", {
    "caCertificateRefs": array(ref("ObjectReference"), 8, min_items=1),
    "mode": default(string(enum=["AllowValidOnly", "AllowInsecureFallback"]), "AllowValidOnly"),
}, ["caCertificateRefs"])
obj("TLSConfig", {"validation": ref("FrontendTLSValidation")})
obj("TLSPortConfig", {"port": PORT, "tls": ref("TLSConfig")}, ["port", "tls"])
obj("FrontendTLSConfig", {
    "default": ref("TLSConfig"),
    "perPort": cel(array(ref("TLSPortConfig"), 64, map_keys=["port"]), "FrontendTLSConfig.perPort"),
}, ["default"])
obj("GatewayBackendTLS", {"clientCertificateRef": ref("SecretObjectReference")})
obj("GatewayTLSConfig", {"backend": ref("GatewayBackendTLS"), "frontend": ref("FrontendTLSConfig")})
obj("GatewaySpec", {
    "gatewayClassName": OBJECT_NAME,
    "listeners": cel(array(ref("Listener"), 64, min_items=1, map_keys=["name"]),
                     "GatewaySpec.listeners"),
    "addresses": cel(array(ref("GatewaySpecAddress"), 16), "GatewaySpec.addresses"),
    "infrastructure": ref("GatewayInfrastructure"),
    "allowedListeners": ref("AllowedListeners"),
    "tls": ref("GatewayTLSConfig"),
}, ["gatewayClassName", "listeners"])

# ReferenceGrant.
obj("ReferenceGrantFrom", {"group": GROUP, "kind": KIND, "namespace": NAMESPACE}, ["group", "kind", "namespace"])
obj("ReferenceGrantTo", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME}, ["group", "kind"])
obj("ReferenceGrantSpec", {
    "from": array(ref("ReferenceGrantFrom"), 16, min_items=1),
    "to": array(ref("ReferenceGrantTo"), 16, min_items=1),
}, ["from", "to"])

# The kinds: the status is the controller's, not the author's, and is not described.
KINDS = {"HTTPRoute": "HTTPRouteSpec", "GRPCRoute": "GRPCRouteSpec", "Gateway": "GatewaySpec",
         "ReferenceGrant": "ReferenceGrantSpec"}
for kind, spec in KINDS.items():
    required = [] if kind in ("GRPCRoute", "ReferenceGrant") else ["spec"]
    obj(kind, {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": ref(META + "ObjectMeta"), "spec": ref(spec),
        "status": {"type": "object"},
    }, required)

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas", "gateway")
os.makedirs(root, exist_ok=True)
compact = {"separators": (",", ":"), "ensure_ascii": False}
with open(os.path.join(root, "definitions.json"), "w") as out:
    out.write("{\n\"$comment\": \"Gateway API v1 (Standard channel) definitions; generated by scripts/gateway-schemas.py; do not edit\",\n\"definitions\": {\n")
    names = sorted(defs)
    for i, name in enumerate(names):
        comma = "," if i + 1 < len(names) else ""
        out.write(f"{json.dumps(name)}: {json.dumps(defs[name], **compact)}{comma}\n")
    out.write("}\n}\n")
# v1beta1 is still served for HTTPRoute, Gateway and ReferenceGrant, with the same schema.
kinds = {}
for kind in KINDS:
    kinds[f"gateway.networking.k8s.io/v1/{kind}"] = V1 + kind
    if kind != "GRPCRoute":
        kinds[f"gateway.networking.k8s.io/v1beta1/{kind}"] = V1 + kind
with open(os.path.join(root, "kinds.json"), "w") as out:
    out.write("{\n\"$comment\": \"apiVersion/kind -> definition in definitions.json; generated by scripts/gateway-schemas.py; do not edit\",\n\"kinds\": {\n")
    keys = sorted(kinds)
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        entry = {"definition": kinds[key], "namespaced": True}
        out.write(f"{json.dumps(key)}: {json.dumps(entry, **compact)}{comma}\n")
    out.write("}\n}\n")
