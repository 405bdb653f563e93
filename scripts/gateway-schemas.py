#!/usr/bin/env python3
"""Writes schemas/gateway/definitions.json and kinds.json: the JSON Schemas of Gateway API's
HTTPRoute, GRPCRoute, Gateway and ReferenceGrant (v1, Standard channel) that `tack validate`
embeds next to the Kubernetes ones, in the same one-entry-per-line format.

Written from the upstream Go types (kubernetes-sigs/gateway-api apis/v1: httproute_types.go,
grpcroute_types.go, gateway_types.go, shared_types.go, object_reference_types.go,
referencegrant_types.go; Gateway API v1.6): every field, enum, length, range, item limit and
pattern of the kubebuilder markers. The CRDs' CEL rules (x-kubernetes-validations) are not
expressible in JSON Schema; src/validate/rules/gateway.rs checks them.

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


def array(items, max_items=None, min_items=None, unique=False):
    schema = {"type": "array", "items": items}
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


def string_map(keys, values, max_properties):
    return {"type": "object", "additionalProperties": values, "propertyNames": keys,
            "maxProperties": max_properties}


# Shared structs.
obj("ParentReference", {
    "group": GROUP, "kind": KIND, "namespace": NAMESPACE, "name": OBJECT_NAME,
    "sectionName": SECTION_NAME, "port": PORT,
}, ["name"])
obj("BackendObjectReference", {
    "group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE, "port": BACKEND_PORT,
}, ["name"])
obj("LocalObjectReference", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME}, ["kind", "name"])
obj("SecretObjectReference", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE}, ["name"])
obj("ObjectReference", {"group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE}, ["group", "kind", "name"])
obj("Fraction", {"numerator": integer(0), "denominator": integer(1)}, ["numerator"])

# HTTPRoute.
obj("HTTPPathMatch", {
    "type": string(enum=["Exact", "PathPrefix", "RegularExpression"]),
    "value": string(max_length=1024),
})
obj("HTTPHeaderMatch", {
    "type": string(enum=["Exact", "RegularExpression"]), "name": HEADER_NAME,
    "value": string(1, 4096),
}, ["name", "value"])
obj("HTTPQueryParamMatch", {
    "type": string(enum=["Exact", "RegularExpression"]), "name": HEADER_NAME,
    "value": string(1, 1024),
}, ["name", "value"])
obj("HTTPRouteMatch", {
    "path": ref("HTTPPathMatch"),
    "headers": array(ref("HTTPHeaderMatch"), 16),
    "queryParams": array(ref("HTTPQueryParamMatch"), 16),
    "method": string(enum=METHODS),
})
obj("HTTPHeader", {"name": HEADER_NAME, "value": string(1, 4096)}, ["name", "value"])
obj("HTTPHeaderFilter", {
    "set": array(ref("HTTPHeader"), 16), "add": array(ref("HTTPHeader"), 16),
    "remove": array({"type": "string"}, 16, unique=True),
})
obj("HTTPPathModifier", {
    "type": string(enum=["ReplaceFullPath", "ReplacePrefixMatch"]),
    "replaceFullPath": string(max_length=1024), "replacePrefixMatch": string(max_length=1024),
}, ["type"])
obj("HTTPRequestRedirectFilter", {
    "scheme": string(enum=["http", "https"]), "hostname": PRECISE_HOSTNAME,
    "path": ref("HTTPPathModifier"), "port": PORT,
    "statusCode": integer(enum=[301, 302, 303, 307, 308]),
})
obj("HTTPURLRewriteFilter", {"hostname": PRECISE_HOSTNAME, "path": ref("HTTPPathModifier")})
obj("HTTPRequestMirrorFilter", {
    "backendRef": ref("BackendObjectReference"), "percent": integer(0, 100),
    "fraction": ref("Fraction"),
}, ["backendRef"])
obj("HTTPCORSFilter", {
    "allowOrigins": array(CORS_ORIGIN, 64, unique=True),
    "allowCredentials": {"type": "boolean"},
    "allowMethods": array(string(enum=METHODS + ["*"]), 9, unique=True),
    "allowHeaders": array(HEADER_NAME, 64, unique=True),
    "exposeHeaders": array(HEADER_NAME, 64, unique=True),
    "maxAge": integer(1),
})
obj("HTTPRouteFilter", {
    "type": string(enum=["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
                         "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS"]),
    "requestHeaderModifier": ref("HTTPHeaderFilter"),
    "responseHeaderModifier": ref("HTTPHeaderFilter"),
    "requestMirror": ref("HTTPRequestMirrorFilter"),
    "requestRedirect": ref("HTTPRequestRedirectFilter"),
    "urlRewrite": ref("HTTPURLRewriteFilter"),
    "cors": ref("HTTPCORSFilter"),
    "extensionRef": ref("LocalObjectReference"),
}, ["type"])
obj("HTTPBackendRef", {
    "group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE, "port": BACKEND_PORT,
    "weight": integer(0, 1000000),
    "filters": array(ref("HTTPRouteFilter"), 16),
}, ["name"])
obj("HTTPRouteTimeouts", {"request": DURATION, "backendRequest": DURATION})
obj("HTTPRouteRetry", {
    "codes": array(integer(400, 599), unique=True), "attempts": integer(), "backoff": DURATION,
})
obj("HTTPRouteRule", {
    "name": SECTION_NAME,
    "matches": array(ref("HTTPRouteMatch"), 64),
    "filters": array(ref("HTTPRouteFilter"), 16),
    "backendRefs": array(ref("HTTPBackendRef"), 16),
    "timeouts": ref("HTTPRouteTimeouts"),
    "retry": ref("HTTPRouteRetry"),
})
obj("HTTPRouteSpec", {
    "parentRefs": array(ref("ParentReference"), 32),
    "hostnames": array(HOSTNAME, 16),
    "rules": array(ref("HTTPRouteRule"), 16, min_items=1),
})

# GRPCRoute.
obj("GRPCMethodMatch", {
    "type": string(enum=["Exact", "RegularExpression"]),
    "service": string(max_length=1024), "method": string(max_length=1024),
})
obj("GRPCHeaderMatch", {
    "type": string(enum=["Exact", "RegularExpression"]), "name": HEADER_NAME,
    "value": string(1, 4096),
}, ["name", "value"])
obj("GRPCRouteMatch", {"method": ref("GRPCMethodMatch"), "headers": array(ref("GRPCHeaderMatch"), 16)})
obj("GRPCRouteFilter", {
    "type": string(enum=["ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror", "ExtensionRef"]),
    "requestHeaderModifier": ref("HTTPHeaderFilter"),
    "responseHeaderModifier": ref("HTTPHeaderFilter"),
    "requestMirror": ref("HTTPRequestMirrorFilter"),
    "extensionRef": ref("LocalObjectReference"),
}, ["type"])
obj("GRPCBackendRef", {
    "group": GROUP, "kind": KIND, "name": OBJECT_NAME, "namespace": NAMESPACE, "port": BACKEND_PORT,
    "weight": integer(0, 1000000),
    "filters": array(ref("GRPCRouteFilter"), 16),
}, ["name"])
obj("GRPCRouteRule", {
    "matches": array(ref("GRPCRouteMatch"), 8),
    "filters": array(ref("GRPCRouteFilter"), 16),
    "backendRefs": array(ref("GRPCBackendRef"), 16),
})
obj("GRPCRouteSpec", {
    "parentRefs": array(ref("ParentReference"), 32),
    "hostnames": array(HOSTNAME, 16),
    "rules": array(ref("GRPCRouteRule"), 16),
})

# Gateway.
obj("RouteGroupKind", {"group": GROUP, "kind": KIND}, ["kind"])
obj("RouteNamespaces", {
    "from": string(enum=["All", "Selector", "Same"]), "selector": ref(META + "LabelSelector"),
})
obj("AllowedRoutes", {"namespaces": ref("RouteNamespaces"), "kinds": array(ref("RouteGroupKind"), 8)})
obj("ListenerTLSConfig", {
    "mode": string(enum=["Terminate", "Passthrough"]),
    "certificateRefs": array(ref("SecretObjectReference"), 64),
    "options": string_map(ANNOTATION_KEY, ANNOTATION_VALUE, 16),
})
obj("Listener", {
    "name": SECTION_NAME, "hostname": HOSTNAME, "port": PORT, "protocol": PROTOCOL,
    "tls": ref("ListenerTLSConfig"), "allowedRoutes": ref("AllowedRoutes"),
}, ["name", "port", "protocol"])
obj("GatewaySpecAddress", {"type": ADDRESS_TYPE, "value": string(max_length=253)})
obj("LocalParametersReference", {"group": GROUP, "kind": KIND, "name": string(1, 253)}, ["group", "kind", "name"])
obj("GatewayInfrastructure", {
    "labels": string_map(ANNOTATION_KEY, LABEL_VALUE, 8),
    "annotations": string_map(ANNOTATION_KEY, ANNOTATION_VALUE, 16),
    "parametersRef": ref("LocalParametersReference"),
})
obj("ListenerNamespaces", {
    "from": string(enum=["All", "Selector", "Same", "None"]), "selector": ref(META + "LabelSelector"),
})
obj("AllowedListeners", {"namespaces": ref("ListenerNamespaces")})
obj("FrontendTLSValidation", {
    "caCertificateRefs": array(ref("ObjectReference"), 8, min_items=1),
    "mode": string(enum=["AllowValidOnly", "AllowInsecureFallback"]),
}, ["caCertificateRefs"])
obj("TLSConfig", {"validation": ref("FrontendTLSValidation")})
obj("TLSPortConfig", {"port": PORT, "tls": ref("TLSConfig")}, ["port", "tls"])
obj("FrontendTLSConfig", {"default": ref("TLSConfig"), "perPort": array(ref("TLSPortConfig"), 64)}, ["default"])
obj("GatewayBackendTLS", {"clientCertificateRef": ref("SecretObjectReference")})
obj("GatewayTLSConfig", {"backend": ref("GatewayBackendTLS"), "frontend": ref("FrontendTLSConfig")})
obj("GatewaySpec", {
    "gatewayClassName": OBJECT_NAME,
    "listeners": array(ref("Listener"), 64, min_items=1),
    "addresses": array(ref("GatewaySpecAddress"), 16),
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
