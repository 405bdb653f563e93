//! The rules of a CustomResourceDefinition: its schemas must be structural and its CEL rules
//! must compile (the API server refuses it otherwise).

use super::Rules;
use serde_json::Value;

impl Rules<'_> {
    /// A CRD's versions: structural schemas, CEL rules that compile.
    pub(super) fn crd(&mut self) {
        let value = &self.object.value;
        let versions = value
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, version) in versions.iter().enumerate() {
            let Some(schema) = version.pointer("/schema/openAPIV3Schema") else {
                continue;
            };
            let base = format!("/spec/versions/{i}/schema/openAPIV3Schema");
            for (path, message) in crate::validate::crd::structural_problems(schema) {
                self.error(
                    format!("{base}{path}"),
                    format!("the schema is not structural: {message}"),
                    Some("Kubernetes refuses a CRD whose schema is not structural"),
                );
            }
        }
        // Each rule's compile errors, once, here rather than at every custom resource.
        let Ok(crd) = crate::validate::crd::Crd::from_value(value, "") else {
            return;
        };
        for (i, version) in crd.versions.iter().enumerate() {
            let Some(schema) = &version.schema else {
                continue;
            };
            let rules = crate::validate::cel::SchemaRules::of(schema);
            for (pointer, index, error) in rules.compile_errors() {
                self.error(
                    format!("/spec/versions/{i}/schema/openAPIV3Schema{pointer}/x-kubernetes-validations/{index}/rule"),
                    format!("the CEL rule does not compile: {}", crate::diagnostic::shorten(&error, 300)),
                    Some("Kubernetes refuses a CRD whose rules do not compile"),
                );
            }
        }
    }
}
