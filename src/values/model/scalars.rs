//! Small value types that accept more than one YAML shape: `25%` or `1`, `http` or `5000`,
//! a plain env value or a reference.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A count of pods, as a number (`1`) or a percentage of the replicas (`25%`).
///
/// ```
/// use tack::values::IntOrPercent;
/// assert_eq!(IntOrPercent::Percent(25).to_string(), "25%");
/// assert!(IntOrPercent::Int(0).is_zero());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A number of pods.
    Int(u32),
    /// A percentage of the desired replicas, 0 to 100.
    Percent(u32),
}

impl IntOrPercent {
    /// True for `0` and `0%`.
    ///
    /// ```
    /// use tack::values::IntOrPercent;
    /// assert!(IntOrPercent::Percent(0).is_zero());
    /// assert!(!IntOrPercent::Int(1).is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntOrPercentVisitor;
        impl Visitor<'_> for IntOrPercentVisitor {
            type Value = IntOrPercent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of pods (`1`) or a percentage (`25%`)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercent, E> {
                u32::try_from(v)
                    .map(IntOrPercent::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercent, E> {
                u32::try_from(v)
                    .map(IntOrPercent::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercent, E> {
                let percent = v.strip_suffix('%').and_then(|n| n.parse::<u32>().ok());
                match percent {
                    Some(p) if p <= 100 => Ok(IntOrPercent::Percent(p)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(IntOrPercentVisitor)
    }
}

impl Serialize for IntOrPercent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrPercent::Int(n) => serializer.serialize_u32(*n),
            IntOrPercent::Percent(_) => serializer.serialize_str(&self.to_string()),
        }
    }
}

impl JsonSchema for IntOrPercent {
    fn schema_name() -> Cow<'static, str> {
        "IntOrPercent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number of pods (`1`) or a percentage of the replicas (`25%`).",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^(100|[1-9]?[0-9])%$"}
            ]
        })
    }
}

/// A container port, by name (`http`) or number (`5000`).
///
/// ```
/// use tack::values::PortRef;
/// assert_eq!(PortRef::from("http"), PortRef::Name("http".into()));
/// assert_eq!(PortRef::from(5000u16).to_string(), "5000");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    /// A port number, 1 to 65535.
    Number(u16),
    /// The name of a container port.
    Name(String),
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(name) => f.write_str(name),
        }
    }
}

impl From<&str> for PortRef {
    fn from(name: &str) -> Self {
        PortRef::Name(name.to_string())
    }
}

impl From<u16> for PortRef {
    fn from(number: u16) -> Self {
        PortRef::Number(number)
    }
}

impl<'de> Deserialize<'de> for PortRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PortVisitor;
        impl Visitor<'_> for PortVisitor {
            type Value = PortRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port number from 1 to 65535 or a port name such as `http`")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PortRef, E> {
                match u16::try_from(v) {
                    Ok(n) if n > 0 => Ok(PortRef::Number(n)),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PortRef, E> {
                match u16::try_from(v) {
                    Ok(n) if n > 0 => Ok(PortRef::Number(n)),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PortRef, E> {
                Ok(PortRef::Name(v.to_string()))
            }
        }
        deserializer.deserialize_any(PortVisitor)
    }
}

impl Serialize for PortRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PortRef::Number(n) => serializer.serialize_u16(*n),
            PortRef::Name(name) => serializer.serialize_str(name),
        }
    }
}

impl JsonSchema for PortRef {
    fn schema_name() -> Cow<'static, str> {
        "PortRef".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A port number (1-65535) or the name of a container port.",
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 65535},
                {"type": "string", "minLength": 1, "maxLength": 15}
            ]
        })
    }
}

/// The value of an environment variable: plain text, or a key of a Secret or ConfigMap,
/// or a field of the pod.
///
/// In YAML: `WORKERS: 4`, `TOKEN: {secretKeyRef: {name: hf, key: token}}`,
/// `POD_IP: {fieldRef: status.podIP}`.
///
/// ```
/// use tack::values::{EnvValue, KeyRef, ValuesLoader};
/// let mut values = ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("env.yaml", "env:\n  WORKERS: 4\n  TOKEN: {secretKeyRef: {name: hf, key: token}}\n")?;
/// let env = values.finish(None)?.app.env;
/// assert_eq!(env["WORKERS"], EnvValue::Value("4".into()));
/// let token = KeyRef { name: "hf".into(), key: "token".into() };
/// assert_eq!(env["TOKEN"], EnvValue::SecretKeyRef(token));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EnvValue {
    /// A key of a Secret.
    SecretKeyRef(KeyRef),
    /// A key of a ConfigMap.
    ConfigMapKeyRef(KeyRef),
    /// A field of the pod, e.g. `status.podIP` or `metadata.name`.
    FieldRef(String),
    /// Plain text (numbers and booleans are kept as written).
    #[serde(untagged)]
    Value(String),
}

/// A key in a named Secret or ConfigMap.
///
/// ```
/// use tack::values::{App, EnvValue, KeyRef};
/// let mut app = App::new("mnist", "mnist:1");
/// let level = KeyRef { name: "settings".into(), key: "logLevel".into() };
/// app.env.insert("LOG_LEVEL".into(), EnvValue::ConfigMapKeyRef(level));
/// let manifests = tack::Release::new("prod", app).render()?;
/// let deployment = manifests.iter().find(|m| m.kind() == "Deployment").unwrap();
/// let env = &deployment.json()["spec"]["template"]["spec"]["containers"][0]["env"][0];
/// assert_eq!(env["valueFrom"]["configMapKeyRef"]["key"], "logLevel");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    /// The name of the Secret or ConfigMap.
    pub name: String,
    /// The key inside it.
    pub key: String,
}

/// The structured forms of an env value, read with `deny_unknown_fields`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EnvSource {
    secret_key_ref: Option<KeyRef>,
    config_map_key_ref: Option<KeyRef>,
    field_ref: Option<String>,
}

impl<'de> Deserialize<'de> for EnvValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvVisitor;
        impl<'de> Visitor<'de> for EnvVisitor {
            type Value = EnvValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text, or one of `secretKeyRef`, `configMapKeyRef`, `fieldRef`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnvValue, A::Error> {
                let source = EnvSource::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (
                    source.secret_key_ref,
                    source.config_map_key_ref,
                    source.field_ref,
                ) {
                    (Some(r), None, None) => Ok(EnvValue::SecretKeyRef(r)),
                    (None, Some(r), None) => Ok(EnvValue::ConfigMapKeyRef(r)),
                    (None, None, Some(f)) => Ok(EnvValue::FieldRef(f)),
                    _ => Err(de::Error::custom(
                        "an env value takes exactly one of `secretKeyRef`, `configMapKeyRef` or `fieldRef`",
                    )),
                }
            }
        }
        // Asking for a string first keeps `1.10` as written; maps still reach `visit_map`.
        deserializer.deserialize_str(EnvVisitor)
    }
}

impl JsonSchema for EnvValue {
    fn schema_name() -> Cow<'static, str> {
        "EnvValue".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let key_ref = generator.subschema_for::<KeyRef>();
        json_schema!({
            "description": "Plain text, or a reference to a Secret key, a ConfigMap key or a pod field.",
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {"type": "object", "properties": {"secretKeyRef": key_ref}, "required": ["secretKeyRef"], "additionalProperties": false},
                {"type": "object", "properties": {"configMapKeyRef": key_ref}, "required": ["configMapKeyRef"], "additionalProperties": false},
                {"type": "object", "properties": {"fieldRef": {"type": "string"}}, "required": ["fieldRef"], "additionalProperties": false}
            ]
        })
    }
}
