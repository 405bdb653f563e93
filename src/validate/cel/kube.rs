//! Kubernetes' CEL type libraries: `quantity()`, `url()`, `ip()` and `cidr()`, with their
//! `is...()` checks and member functions, as the API server defines them
//! (k8s.io/apiserver/pkg/cel/library). Each value is an opaque CEL value; errors name the
//! function, never the argument.

use crate::quantity::Quantity;
use cel::extractors::{Arguments, This};
use cel::objects::{Map, Opaque};
use cel::{Context, ExecutionError, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// The functions registered here (their error messages are tack's own).
pub(super) const NAMES: [&str; 33] = [
    "quantity",
    "isQuantity",
    "sign",
    "isInteger",
    "asInteger",
    "asApproximateFloat",
    "add",
    "sub",
    "isLessThan",
    "isGreaterThan",
    "compareTo",
    "url",
    "isURL",
    "getScheme",
    "getHost",
    "getHostname",
    "getPort",
    "getEscapedPath",
    "getQuery",
    "ip",
    "isIP",
    "family",
    "isUnspecified",
    "isLoopback",
    "isLinkLocalMulticast",
    "isLinkLocalUnicast",
    "isGlobalUnicast",
    "cidr",
    "isCIDR",
    "containsIP",
    "containsCIDR",
    "masked",
    "prefixLength",
];

/// A quantity in CEL: equal when the amounts are (`quantity('1') == quantity('1000m')`).
#[derive(Debug, Clone, Copy)]
struct CelQuantity(Quantity);

impl PartialEq for CelQuantity {
    fn eq(&self, other: &Self) -> bool {
        self.0.partial_cmp(&other.0) == Some(Ordering::Equal)
    }
}

impl Eq for CelQuantity {}

impl Opaque for CelQuantity {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.Quantity"
    }
}

/// A URL split the way Go's `net/url` splits one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CelUrl {
    scheme: String,
    /// Host and port as written (`[::1]:80`).
    host: String,
    path: String,
    query: String,
}

impl Opaque for CelUrl {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.URL"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CelIp(IpAddr);

impl Opaque for CelIp {
    fn runtime_type_name(&self) -> &str {
        "net.IP"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CelCidr {
    address: IpAddr,
    prefix: u8,
}

impl Opaque for CelCidr {
    fn runtime_type_name(&self) -> &str {
        "net.CIDR"
    }
}

fn error(function: &str, message: &str) -> ExecutionError {
    ExecutionError::function_error(function, message)
}

fn opaque<T: Opaque + Copy>(value: &Value) -> Option<T> {
    match value {
        Value::Opaque(inner) => inner.downcast_ref::<T>().copied(),
        _ => None,
    }
}

fn quantity_of(function: &str, value: &Value) -> Result<Quantity, ExecutionError> {
    match value {
        Value::Int(i) => Ok(Quantity::from_integer(*i)),
        _ => opaque::<CelQuantity>(value)
            .map(|q| q.0)
            .ok_or_else(|| error(function, "needs a quantity")),
    }
}

fn url_of(function: &str, value: &Value) -> Result<CelUrl, ExecutionError> {
    match value {
        Value::Opaque(inner) => inner.downcast_ref::<CelUrl>().cloned(),
        _ => None,
    }
    .ok_or_else(|| error(function, "needs a URL"))
}

fn ip_of(function: &str, value: &Value) -> Result<IpAddr, ExecutionError> {
    match value {
        Value::String(text) => parse_ip(text).ok_or_else(|| error(function, "not an IP address")),
        _ => opaque::<CelIp>(value)
            .map(|ip| ip.0)
            .ok_or_else(|| error(function, "needs an IP address")),
    }
}

fn cidr_of(function: &str, value: &Value) -> Result<CelCidr, ExecutionError> {
    match value {
        Value::String(text) => parse_cidr(text).ok_or_else(|| error(function, "not a CIDR")),
        _ => opaque::<CelCidr>(value).ok_or_else(|| error(function, "needs a CIDR")),
    }
}

fn string(text: impl Into<String>) -> Value {
    Value::String(Arc::new(text.into()))
}

/// An IP address as Kubernetes' `ip()` reads one: no zone, no IPv4-mapped IPv6 form, no
/// leading zeros in IPv4 (the standard parser refuses those too).
fn parse_ip(text: &str) -> Option<IpAddr> {
    let address: IpAddr = text.parse().ok()?;
    match address {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => None,
        _ => Some(address),
    }
}

fn parse_cidr(text: &str) -> Option<CelCidr> {
    let (address, prefix) = text.split_once('/')?;
    let address = parse_ip(address)?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = prefix.parse().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    (prefix <= bits).then_some(CelCidr { address, prefix })
}

fn bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl CelCidr {
    fn width(&self) -> u32 {
        if self.address.is_ipv4() { 32 } else { 128 }
    }

    fn mask(&self) -> u128 {
        let width = self.width();
        let ones = u32::from(self.prefix);
        if ones == 0 {
            return 0;
        }
        let all = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        all & !((1u128 << (width - ones)) - 1) & all
    }

    fn contains(&self, address: IpAddr) -> bool {
        address.is_ipv4() == self.address.is_ipv4()
            && bits(address) & self.mask() == bits(self.address) & self.mask()
    }

    fn masked(&self) -> CelCidr {
        let masked = bits(self.address) & self.mask();
        let address = match self.address {
            IpAddr::V4(_) => IpAddr::V4(u32::try_from(masked).unwrap_or_default().into()),
            IpAddr::V6(_) => IpAddr::V6(masked.into()),
        };
        CelCidr {
            address,
            prefix: self.prefix,
        }
    }
}

/// Splits a URL as RFC 3986 (appendix B) and Go's `url.ParseRequestURI` do: an absolute
/// URI (`scheme://host/path?query`) or an absolute path; no fragment, no spaces or control
/// characters, valid percent escapes.
fn parse_url(text: &str) -> Option<CelUrl> {
    if text.is_empty()
        || text.contains('#')
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
        || !valid_escapes(text)
    {
        return None;
    }
    let (before_query, query) = text.split_once('?').unwrap_or((text, ""));
    if before_query.starts_with('/') {
        return Some(CelUrl {
            scheme: String::new(),
            host: String::new(),
            path: before_query.to_string(),
            query: query.to_string(),
        });
    }
    let (scheme, rest) = before_query.split_once(':')?;
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let (host, path) = match rest.strip_prefix("//") {
        Some(authority) => {
            let end = authority.find('/').unwrap_or(authority.len());
            let host = &authority[..end];
            let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
            (host.to_string(), authority[end..].to_string())
        }
        None => (String::new(), rest.to_string()),
    };
    if host.starts_with('[') && !host.contains(']') {
        return None;
    }
    Some(CelUrl {
        scheme: scheme.to_string(),
        host,
        path,
        query: query.to_string(),
    })
}

fn valid_escapes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// `a%20b+c` -> `a b c`, as Go's `url.QueryUnescape`.
fn unescape_query(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl CelUrl {
    fn hostname(&self) -> &str {
        let host = &self.host;
        if let Some(inner) = host.strip_prefix('[') {
            return inner.split_once(']').map_or(inner, |(h, _)| h);
        }
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    }

    fn port(&self) -> &str {
        let after = match self.host.rsplit_once(']') {
            Some((_, after)) => after,
            None => &self.host,
        };
        after.rsplit_once(':').map_or("", |(_, port)| port)
    }

    fn query_map(&self) -> Value {
        let mut values: HashMap<String, Vec<Value>> = HashMap::new();
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            values
                .entry(unescape_query(key))
                .or_default()
                .push(string(unescape_query(value)));
        }
        let entries: HashMap<String, Value> = values
            .into_iter()
            .map(|(k, v)| (k, Value::List(Arc::new(v))))
            .collect();
        Value::Map(Map::from(entries))
    }
}

/// Registers the quantity, URL, IP and CIDR libraries.
pub(super) fn register(context: &mut Context<'_, '_>) {
    register_quantity(context);
    register_url(context);
    register_ip(context);
}

fn register_quantity(context: &mut Context<'_, '_>) {
    let _ = context.add_function(
        "quantity",
        |This(text): This<Arc<String>>| -> Result<Value, ExecutionError> {
            let quantity =
                Quantity::parse(&text).ok_or_else(|| error("quantity", "not a quantity"))?;
            Ok(Value::Opaque(Arc::new(CelQuantity(quantity))))
        },
    );
    let _ = context.add_function("isQuantity", |This(text): This<Arc<String>>| {
        Quantity::parse(&text).is_some()
    });
    let _ = context.add_function(
        "sign",
        |This(this): This<Value>| -> Result<i64, ExecutionError> {
            Ok(quantity_of("sign", &this)?.sign())
        },
    );
    let _ = context.add_function(
        "isInteger",
        |This(this): This<Value>| -> Result<bool, ExecutionError> {
            let quantity = quantity_of("isInteger", &this)?;
            Ok(quantity
                .as_integer()
                .is_some_and(|i| i64::try_from(i).is_ok()))
        },
    );
    let _ = context.add_function(
        "asInteger",
        |This(this): This<Value>| -> Result<i64, ExecutionError> {
            quantity_of("asInteger", &this)?
                .as_integer()
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| error("asInteger", "the quantity is not an integer of 64 bits"))
        },
    );
    let _ = context.add_function(
        "asApproximateFloat",
        |This(this): This<Value>| -> Result<f64, ExecutionError> {
            Ok(quantity_of("asApproximateFloat", &this)?.as_f64())
        },
    );
    for (name, negate) in [("add", false), ("sub", true)] {
        let _ = context.add_function(
            name,
            move |This(this): This<Value>,
                  Arguments(args): Arguments|
                  -> Result<Value, ExecutionError> {
                let left = quantity_of(name, &this)?;
                let right = quantity_of(name, args.first().unwrap_or(&Value::Null))?;
                let result = left
                    .add(&right, negate)
                    .ok_or_else(|| error(name, "overflow"))?;
                Ok(Value::Opaque(Arc::new(CelQuantity(result))))
            },
        );
    }
    for (name, wanted) in [
        ("isLessThan", Ordering::Less),
        ("isGreaterThan", Ordering::Greater),
    ] {
        let _ = context.add_function(
            name,
            move |This(this): This<Value>,
                  Arguments(args): Arguments|
                  -> Result<bool, ExecutionError> {
                let order = compare(name, &this, args.first())?;
                Ok(order == wanted)
            },
        );
    }
    let _ = context.add_function(
        "compareTo",
        |This(this): This<Value>, Arguments(args): Arguments| -> Result<i64, ExecutionError> {
            Ok(compare("compareTo", &this, args.first())? as i64)
        },
    );
}

fn compare(name: &str, this: &Value, other: Option<&Value>) -> Result<Ordering, ExecutionError> {
    let left = quantity_of(name, this)?;
    let right = quantity_of(name, other.unwrap_or(&Value::Null))?;
    left.partial_cmp(&right)
        .ok_or_else(|| error(name, "the quantities are too far apart to compare"))
}

fn register_url(context: &mut Context<'_, '_>) {
    let _ = context.add_function(
        "url",
        |This(text): This<Arc<String>>| -> Result<Value, ExecutionError> {
            let url = parse_url(&text)
                .ok_or_else(|| error("url", "not an absolute URI or an absolute path"))?;
            Ok(Value::Opaque(Arc::new(url)))
        },
    );
    let _ = context.add_function("isURL", |This(text): This<Arc<String>>| {
        parse_url(&text).is_some()
    });
    let _ = context.add_function(
        "getScheme",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(string(url_of("getScheme", &this)?.scheme))
        },
    );
    let _ = context.add_function(
        "getHost",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(string(url_of("getHost", &this)?.host))
        },
    );
    let _ = context.add_function(
        "getHostname",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(string(url_of("getHostname", &this)?.hostname()))
        },
    );
    let _ = context.add_function(
        "getPort",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(string(url_of("getPort", &this)?.port()))
        },
    );
    let _ = context.add_function(
        "getEscapedPath",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(string(url_of("getEscapedPath", &this)?.path))
        },
    );
    let _ = context.add_function(
        "getQuery",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(url_of("getQuery", &this)?.query_map())
        },
    );
}

/// A yes/no question about an address (`isLoopback`...).
type AddressTest = fn(IpAddr) -> bool;

fn register_ip(context: &mut Context<'_, '_>) {
    // `ip('10.0.0.1')`, and `cidr('10.0.0.0/8').ip()`.
    let _ = context.add_function(
        "ip",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            let address = match opaque::<CelCidr>(&this) {
                Some(cidr) => cidr.address,
                None => ip_of("ip", &this)?,
            };
            Ok(Value::Opaque(Arc::new(CelIp(address))))
        },
    );
    let _ = context.add_function("isIP", |This(text): This<Arc<String>>| {
        parse_ip(&text).is_some()
    });
    let _ = context.add_function(
        "family",
        |This(this): This<Value>| -> Result<i64, ExecutionError> {
            Ok(if ip_of("family", &this)?.is_ipv4() {
                4
            } else {
                6
            })
        },
    );
    let tests: [(&'static str, AddressTest); 5] = [
        ("isUnspecified", |a| a.is_unspecified()),
        ("isLoopback", |a| a.is_loopback()),
        ("isLinkLocalMulticast", |a| match a {
            IpAddr::V4(v4) => v4.octets()[..3] == [224, 0, 0],
            IpAddr::V6(v6) => v6.segments()[0] & 0xff0f == 0xff02,
        }),
        ("isLinkLocalUnicast", |a| match a {
            IpAddr::V4(v4) => v4.is_link_local(),
            IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
        }),
        ("isGlobalUnicast", |a| {
            !(a.is_unspecified()
                || a.is_loopback()
                || a.is_multicast()
                || match a {
                    IpAddr::V4(v4) => v4.is_link_local() || v4.is_broadcast(),
                    IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
                })
        }),
    ];
    for (name, test) in tests {
        let _ = context.add_function(
            name,
            move |This(this): This<Value>| -> Result<bool, ExecutionError> {
                Ok(test(ip_of(name, &this)?))
            },
        );
    }
    let _ = context.add_function(
        "cidr",
        |This(text): This<Arc<String>>| -> Result<Value, ExecutionError> {
            let cidr = parse_cidr(&text).ok_or_else(|| error("cidr", "not a CIDR"))?;
            Ok(Value::Opaque(Arc::new(cidr)))
        },
    );
    let _ = context.add_function("isCIDR", |This(text): This<Arc<String>>| {
        parse_cidr(&text).is_some()
    });
    let _ = context.add_function(
        "containsIP",
        |This(this): This<Value>, Arguments(args): Arguments| -> Result<bool, ExecutionError> {
            let cidr = cidr_of("containsIP", &this)?;
            Ok(cidr.contains(ip_of("containsIP", args.first().unwrap_or(&Value::Null))?))
        },
    );
    let _ = context.add_function(
        "containsCIDR",
        |This(this): This<Value>, Arguments(args): Arguments| -> Result<bool, ExecutionError> {
            let cidr = cidr_of("containsCIDR", &this)?;
            let other = cidr_of("containsCIDR", args.first().unwrap_or(&Value::Null))?;
            Ok(other.prefix >= cidr.prefix && cidr.contains(other.address))
        },
    );
    let _ = context.add_function(
        "masked",
        |This(this): This<Value>| -> Result<Value, ExecutionError> {
            Ok(Value::Opaque(Arc::new(cidr_of("masked", &this)?.masked())))
        },
    );
    let _ = context.add_function(
        "prefixLength",
        |This(this): This<Value>| -> Result<i64, ExecutionError> {
            Ok(i64::from(cidr_of("prefixLength", &this)?.prefix))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_like_go() {
        let url = parse_url("https://user@example.com:8443/a%20b?x=1&x=2&y=a+b").expect("a URL");
        assert_eq!(url.scheme, "https");
        assert_eq!(url.host, "example.com:8443");
        assert_eq!(url.hostname(), "example.com");
        assert_eq!(url.port(), "8443");
        assert_eq!(url.path, "/a%20b");
        let ipv6 = parse_url("http://[::1]:80/").expect("a URL");
        assert_eq!((ipv6.hostname(), ipv6.port()), ("::1", "80"));
        assert!(parse_url("/healthz?ready=1").is_some());
        for bad in [
            "",
            "example.com",
            "1http://x",
            "http://x/%zz",
            "http://x/a b",
            "/a#b",
        ] {
            assert!(parse_url(bad).is_none(), "{bad}");
        }
        assert_eq!(unescape_query("a%20b+c"), "a b c");
    }

    #[test]
    fn addresses_and_ranges() {
        assert!(parse_ip("10.0.0.1").is_some());
        assert!(parse_ip("::ffff:10.0.0.1").is_none());
        assert!(parse_ip("010.0.0.1").is_none());
        let cidr = parse_cidr("10.1.2.3/8").expect("a CIDR");
        assert!(cidr.contains("10.200.0.1".parse().expect("an IP")));
        assert!(!cidr.contains("11.0.0.1".parse().expect("an IP")));
        assert_eq!(cidr.masked().address.to_string(), "10.0.0.0");
        let v6 = parse_cidr("fd00::/8").expect("a CIDR");
        assert!(v6.contains("fdff::1".parse().expect("an IP")));
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("10.0.0.0/").is_none());
        assert_eq!(parse_cidr("0.0.0.0/0").map(|c| c.mask()), Some(0));
    }
}
