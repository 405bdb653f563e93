//! The name formats Kubernetes validates (`k8s.io/apimachinery/pkg/util/validation`).

fn is_label_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

/// A DNS-1123 label: at most 63 lower-case alphanumerics or `-`, alphanumeric at both ends.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| is_label_char(*c))
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub(crate) fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// A DNS-1123 subdomain: at most 253 characters of dot-separated DNS-1123 labels.
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.iter().all(|c| is_label_char(*c))
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// A name that is only a path segment (RBAC objects: `system:controller:foo` is fine).
pub(crate) fn is_path_segment_name(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '%'])
}

/// The name part of a label key, and a label value: at most 63 alphanumerics, `-`, `_`,
/// `.`, alphanumeric at both ends.
fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name.
pub(crate) fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_label_name(name),
        None => is_label_name(s),
    }
}

/// A label value: empty, or a label name.
pub(crate) fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_label_name(s)
}

/// A port name (IANA service name): at most 15 lower-case alphanumerics or `-`, with a
/// letter, no `-` at either end and no `--`.
pub(crate) fn is_port_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 15
        && b.iter().all(|c| is_label_char(*c))
        && b.iter().any(u8::is_ascii_lowercase)
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
