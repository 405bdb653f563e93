//! The rules of a CustomResourceDefinition: its schemas must be structural (the API server
//! refuses one that is not), and tack says which of its rules it cannot check.

use super::Rules;
use serde_json::Value;

impl Rules<'_> {
    /// A CRD's versions: structural schemas; CEL rules, which tack does not evaluate, named.
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
        let cel_rules = crate::validate::crd::Crd::from_value(value, "").map_or(0, |c| c.cel_rules);
        if cel_rules > 0 {
            self.warning(
                "/spec/versions",
                format!(
                    "its {cel_rules} x-kubernetes-validations (CEL) {} not evaluated: its custom resources are checked against the schema only",
                    if cel_rules == 1 { "rule is" } else { "rules are" }
                ),
                None,
            );
        }
    }
}
