//! Values written exactly as Kubernetes writes them (a `securityContext`, an `affinity`, a
//! sidecar container): taken as they are, and checked against the Kubernetes schema of their
//! type, strictly, with every mistake reported at its file and line.
//!
//! The typed model would otherwise have to repeat hundreds of Kubernetes fields; these keep
//! their Kubernetes names and meaning, so what a user knows from `kubectl explain` applies.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::marker::PhantomData;

/// A Kubernetes type a value can be written as: its definition in the Kubernetes OpenAPI
/// document names the schema it is checked against.
///
/// ```
/// use k8s_openapi::api::core::v1::SecurityContext;
/// use tack::values::KubeType;
/// assert_eq!(SecurityContext::DEFINITION, "io.k8s.api.core.v1.SecurityContext");
/// ```
pub trait KubeType: DeserializeOwned + Serialize + JsonSchema {
    /// The definition, e.g. `io.k8s.api.core.v1.SecurityContext`.
    const DEFINITION: &'static str;
}

macro_rules! kube_types {
    ($($type:ident => $definition:literal),* $(,)?) => {
        $(impl KubeType for k8s_openapi::api::core::v1::$type {
            const DEFINITION: &'static str = $definition;
        })*
    };
}

kube_types! {
    SecurityContext => "io.k8s.api.core.v1.SecurityContext",
    PodSecurityContext => "io.k8s.api.core.v1.PodSecurityContext",
    Affinity => "io.k8s.api.core.v1.Affinity",
    Lifecycle => "io.k8s.api.core.v1.Lifecycle",
    HostAlias => "io.k8s.api.core.v1.HostAlias",
    PodDNSConfig => "io.k8s.api.core.v1.PodDNSConfig",
    Container => "io.k8s.api.core.v1.Container",
}

impl KubeType for k8s_openapi::api::autoscaling::v2::MetricSpec {
    const DEFINITION: &'static str = "io.k8s.api.autoscaling.v2.MetricSpec";
}

impl KubeType for k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior {
    const DEFINITION: &'static str = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior";
}

/// A value of Kubernetes type `T`, as written.
///
/// ```
/// use k8s_openapi::api::core::v1::SecurityContext;
/// use tack::values::Kube;
/// let context: Kube<SecurityContext> = Kube::from_json(serde_json::json!({"runAsUser": 1000}));
/// assert_eq!(context.typed().map(|c| c.run_as_user), Some(Some(1000)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Kube<T> {
    value: serde_json::Value,
    kind: PhantomData<fn() -> T>,
}

impl<T: KubeType> Kube<T> {
    /// A value from its JSON form.
    ///
    /// ```
    /// use k8s_openapi::api::core::v1::HostAlias;
    /// let alias = tack::values::Kube::<HostAlias>::from_json(serde_json::json!({"ip": "10.0.0.1"}));
    /// assert_eq!(alias.json()["ip"], "10.0.0.1");
    /// ```
    pub fn from_json(value: serde_json::Value) -> Self {
        Kube {
            value,
            kind: PhantomData,
        }
    }

    /// A value from the typed Kubernetes object.
    ///
    /// ```
    /// use k8s_openapi::api::core::v1::SecurityContext;
    /// let context = tack::values::Kube::new(&SecurityContext { privileged: Some(false), ..Default::default() });
    /// assert_eq!(context.json()["privileged"], false);
    /// ```
    pub fn new(value: &T) -> Self {
        Self::from_json(serde_json::to_value(value).unwrap_or_default())
    }

    /// The value as written.
    ///
    /// ```
    /// use k8s_openapi::api::core::v1::Affinity;
    /// let affinity = tack::values::Kube::<Affinity>::from_json(serde_json::json!({}));
    /// assert!(affinity.json().as_object().is_some_and(|m| m.is_empty()));
    /// ```
    pub fn json(&self) -> &serde_json::Value {
        &self.value
    }

    /// The value as the Kubernetes type, or `None` when it does not read as one (the
    /// pipeline checks values against the Kubernetes schema first, with positions).
    ///
    /// ```
    /// use k8s_openapi::api::core::v1::Container;
    /// let sidecar = tack::values::Kube::<Container>::from_json(serde_json::json!({"name": "proxy", "image": "envoy:1"}));
    /// assert_eq!(sidecar.typed().and_then(|c| c.image).as_deref(), Some("envoy:1"));
    /// ```
    pub fn typed(&self) -> Option<T> {
        serde_json::from_value(self.value.clone()).ok()
    }
}

impl<T> Serialize for Kube<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for Kube<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(|value| Kube {
            value,
            kind: PhantomData,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Kube<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
