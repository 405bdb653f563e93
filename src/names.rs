//! The naming rules of Kubernetes (RFC 1123 and RFC 1035 names), shared by the values checks.

/// True for an RFC 1123 label: at most 63 lowercase letters, digits and `-`, starting and
/// ending with a letter or digit. Namespaces and most object names follow it.
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// True for an RFC 1035 label: an RFC 1123 label that starts with a letter. Service names
/// follow it.
pub fn is_dns1035_label(name: &str) -> bool {
    is_dns1123_label(name) && name.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// True for an RFC 1123 subdomain: dot-separated labels, at most 253 characters. Secret,
/// ConfigMap and Deployment names follow it.
pub fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns1123_label)
}

/// True for a valid environment variable name (letters, digits, `_`, `-`, `.`, not starting
/// with a digit), as the API server checks it.
pub fn is_env_var_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && !bytes[0].is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// True for a valid container port name: at most 15 lowercase letters, digits and `-`,
/// with at least one letter, no `--`, not starting or ending with `-`.
pub fn is_port_name(name: &str) -> bool {
    is_dns1123_label(name)
        && name.len() <= 15
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && !name.contains("--")
}

/// A name that is only a path segment (RBAC objects: `system:controller:foo` is fine).
pub fn is_path_segment_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '%'])
}

/// The name part of a label key, or a non-empty label value: at most 63 letters, digits,
/// `-`, `_` and `.`, alphanumeric at both ends.
fn is_label_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name
/// (`app.kubernetes.io/name`, `team`).
pub fn is_qualified_name(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_label_name(name),
        None => is_label_name(key),
    }
}

/// A label value: empty, or up to 63 letters, digits, `-`, `_` and `.`, alphanumeric at
/// both ends.
pub fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_label_name(value)
}

/// An HTTP header name (an RFC 7230 token): 1 to 256 letters, digits and
/// ``!#$%&'*+-.^_`|~``, as Gateway API's `HTTPHeaderName`.
pub fn is_http_header_name(name: &str) -> bool {
    (1..=256).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A Gateway API `Hostname`: a lower-case DNS name, optionally starting with `*.`.
pub fn is_gateway_hostname(name: &str) -> bool {
    let bare = name.strip_prefix("*.").unwrap_or(name);
    name.len() <= 253 && is_dns1123_subdomain(bare)
}

/// What is wrong with `path` as a Gateway API `PathPrefix` or `Exact` path, if anything
/// (the upstream CRD's CEL rules on `HTTPPathMatch`).
pub fn gateway_path_problem(path: &str) -> Option<&'static str> {
    let valid_character = |rest: &[u8]| -> usize {
        match rest {
            [b'%', a, b, ..] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => 3,
            [c, ..] if c.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(c) => 1,
            _ => 0,
        }
    };
    if !path.starts_with('/') {
        return Some("it must start with `/`");
    }
    if path.len() > 1024 {
        return Some("it must be at most 1024 characters");
    }
    for (needle, problem) in [
        ("//", "it must not contain `//`"),
        ("/./", "it must not contain `/./`"),
        ("/../", "it must not contain `/../`"),
        ("%2f", "it must not contain an encoded `/` (`%2f`)"),
        ("%2F", "it must not contain an encoded `/` (`%2F`)"),
        ("#", "it must not contain `#`"),
    ] {
        if path.contains(needle) {
            return Some(problem);
        }
    }
    if path.ends_with("/..") || path.ends_with("/.") {
        return Some("it must not end with `/.` or `/..`");
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let step = valid_character(&bytes[i..]);
        if step == 0 {
            return Some("it may hold only letters, digits, `-/._~!$&'()*+,;=:@` and %-escapes");
        }
        i += step;
    }
    None
}

/// A gRPC service name as Gateway API matches it exactly: dot-separated identifiers
/// (`inference.GRPCInferenceService`), at most 1024 characters.
pub fn is_grpc_service(name: &str) -> bool {
    let name = name.strip_prefix('.').unwrap_or(name);
    name.len() <= 1024
        && !name.is_empty()
        && name.split('.').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_names_and_paths() {
        assert!(is_http_header_name("X-Canary"));
        assert!(!is_http_header_name("X Canary"));
        assert!(!is_http_header_name(""));
        assert!(is_gateway_hostname("*.example.com"));
        assert!(!is_gateway_hostname("Mnist.example.com"));
        assert!(!is_gateway_hostname("a.*.example.com"));
        assert_eq!(gateway_path_problem("/v1/predict"), None);
        assert_eq!(gateway_path_problem("/a%20b"), None);
        assert!(gateway_path_problem("v1").is_some());
        assert!(gateway_path_problem("/a//b").unwrap().contains("//"));
        assert!(gateway_path_problem("/a/..").is_some());
        assert!(gateway_path_problem("/a%2Fb").is_some());
        assert!(gateway_path_problem("/a b").is_some());
        assert!(is_grpc_service("inference.GRPCInferenceService"));
        assert!(is_grpc_service("_a.b9"));
        assert!(!is_grpc_service("inference/Infer"));
        assert!(!is_grpc_service("9a"));
    }

    #[test]
    fn labels_and_subdomains() {
        assert!(is_dns1123_label("a"));
        assert!(is_dns1123_label("1abc"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label("a-"));
        assert!(!is_dns1123_label(""));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(!is_dns1035_label("1abc"));
        assert!(is_dns1123_subdomain("mnist.example.com"));
        assert!(!is_dns1123_subdomain("mnist..com"));
    }

    #[test]
    fn env_and_port_names() {
        assert!(is_env_var_name("API_KEY"));
        assert!(!is_env_var_name("1KEY"));
        assert!(!is_env_var_name("A KEY"));
        assert!(is_port_name("http"));
        assert!(is_port_name("metrics-2"));
        assert!(!is_port_name("1234"));
        assert!(!is_port_name("a--b"));
        assert!(!is_port_name("sixteen-chars-xx"));
    }

    #[test]
    fn dns_names() {
        assert!(is_dns1123_label("mnist-v2"));
        assert!(!is_dns1123_label("Mnist"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(is_dns1123_subdomain("mnist.example.com"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(!is_dns1123_subdomain("a_b"));
        assert!(is_dns1035_label("web"));
        assert!(!is_dns1035_label("1web"));
        assert!(is_path_segment_name("system:controller:x"));
        assert!(!is_path_segment_name("a/b"));
    }

    #[test]
    fn labels_and_ports() {
        assert!(is_qualified_name("app.kubernetes.io/name"));
        assert!(is_qualified_name("Track_1"));
        assert!(!is_qualified_name("app.kubernetes.io/"));
        assert!(!is_qualified_name("UPPER.case/name"));
        assert!(!is_qualified_name("a/b/c"));
        assert!(is_label_value(""));
        assert!(is_label_value("1.9.1"));
        assert!(!is_label_value("has space"));
        assert!(!is_label_value(&"v".repeat(64)));
        assert!(is_port_name("http"));
        assert!(is_port_name("grpc-web"));
        assert!(!is_port_name("8080"));
        assert!(!is_port_name("http--alt"));
        assert!(!is_port_name("metrics-endpoint1"));
    }

    #[test]
    fn doc_examples() {
        {
            assert!(crate::names::is_dns1123_label("mnist-v2"));
            assert!(!crate::names::is_dns1123_label("Mnist"));
        }
        {
            assert!(crate::names::is_label_value("1.9.1"));
            assert!(!crate::names::is_label_value("-x"));
        }
    }
}
