//! The plugin parameters of an Argo CD Application, as the repo-server sends them: JSON in
//! `ARGOCD_APP_PARAMETERS` (`[{"name": "valueFiles", "array": [...]}, ...]`), or, without
//! it, the `PARAM_<NAME>` variables (`PARAM_VALUEFILES_0`, `PARAM_RELEASE`).

use super::Error;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most parameters, and items in one array or map, read.
const MAX_ITEMS: usize = 1000;

/// The parameters tack reads, by the name an Application gives them.
///
/// ```
/// assert_eq!(tack::argocd::NAMES[0], "valueFiles"); // as Argo CD's Helm source names it
/// ```
pub const NAMES: [&str; 9] = [
    "valueFiles",
    "set",
    "setString",
    "release",
    "only",
    "strategy",
    "canaryWeight",
    "activeColour",
    "imageTag",
];

/// One parameter as Argo CD writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    #[serde(default)]
    string: Option<String>,
    #[serde(default)]
    array: Option<Vec<String>>,
    #[serde(default)]
    map: Option<BTreeMap<String, String>>,
}

/// The parameters of one `generate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parameters {
    /// Value files, relative to the source path (Argo CD's Helm `valueFiles`).
    pub value_files: Vec<String>,
    /// `PATH=VALUE` pairs read as `--set`.
    pub set: Vec<String>,
    /// `PATH=VALUE` pairs read as `--set-string`.
    pub set_string: Vec<String>,
    /// The release name (default: the Application's name).
    pub release: Option<String>,
    /// One release of a `tack.yaml` (default: all).
    pub only: Option<String>,
    /// `strategy.type`.
    pub strategy: Option<String>,
    /// `strategy.canary.weight`.
    pub canary_weight: Option<String>,
    /// `strategy.blueGreen.active`.
    pub active_colour: Option<String>,
    /// `image.tag`.
    pub image_tag: Option<String>,
}

impl Parameters {
    /// The parameters in `env`: `ARGOCD_APP_PARAMETERS` when set, else the `PARAM_*`
    /// variables.
    pub(super) fn from_env(env: &BTreeMap<String, String>) -> Result<Parameters, Error> {
        // Absent without a `plugin` section, `null` with one that sets no parameter.
        match env.get("ARGOCD_APP_PARAMETERS").map(|json| json.trim()) {
            Some(json) if !json.is_empty() && json != "null" => Parameters::from_json(json),
            _ => Parameters::from_param_vars(env),
        }
    }

    /// `ARGOCD_APP_PARAMETERS`.
    fn from_json(json: &str) -> Result<Parameters, Error> {
        let raw: Vec<Raw> = serde_json::from_str(json).map_err(|e| {
            Error::Parameters(format!(
                "ARGOCD_APP_PARAMETERS is not Argo CD's parameter list ({e}); expected [{{\"name\": \"valueFiles\", \"array\": [\"values/canary.yaml\"]}}, ...]"
            ))
        })?;
        if raw.len() > MAX_ITEMS {
            return Err(Error::Parameters(format!(
                "ARGOCD_APP_PARAMETERS holds {} parameters; at most {MAX_ITEMS}",
                raw.len()
            )));
        }
        let mut parameters = Parameters::default();
        for item in raw {
            // The UI may send several of `string`, `array` and `map`: each parameter takes the
            // one of its kind (the lists: an array, else a map as `KEY=VALUE` items).
            if !NAMES.contains(&item.name.as_str()) {
                return Err(unknown(&format!("`{}`", item.name)));
            }
            let is_list = matches!(item.name.as_str(), "valueFiles" | "set" | "setString");
            let value = match (is_list, item.string, item.array, item.map) {
                (true, _, Some(array), _) => Value::Array(array),
                (true, _, None, Some(map)) => {
                    Value::Array(map.into_iter().map(|(k, v)| format!("{k}={v}")).collect())
                }
                (_, Some(s), _, _) => Value::String(s),
                (false, None, Some(_), _) | (false, None, None, Some(_)) => {
                    return Err(Error::Parameters(format!(
                        "parameter `{}` is text (`string`), not a list or map",
                        item.name
                    )));
                }
                _ => Value::String(String::new()),
            };
            parameters.put(&item.name, value)?;
        }
        Ok(parameters)
    }

    /// The `PARAM_*` variables: `PARAM_NAME` for a string, `PARAM_NAME_0`... for an array.
    fn from_param_vars(env: &BTreeMap<String, String>) -> Result<Parameters, Error> {
        let mut parameters = Parameters::default();
        let mut arrays: BTreeMap<&str, Vec<(usize, String)>> = BTreeMap::new();
        for (key, value) in env.range("PARAM_".to_string()..) {
            let Some(rest) = key.strip_prefix("PARAM_") else {
                break;
            };
            let name = NAMES.iter().find(|n| {
                let upper = n.to_ascii_uppercase();
                rest == upper
                    || rest
                        .strip_prefix(&format!("{upper}_"))
                        .is_some_and(|i| i.parse::<usize>().is_ok())
            });
            let Some(name) = name else {
                if let Some(list) = ["valueFiles", "set", "setString"]
                    .iter()
                    .find(|n| rest.starts_with(&format!("{}_", n.to_ascii_uppercase())))
                {
                    return Err(Error::Parameters(format!(
                        "{key}: a map entry of `{list}`, whose keys Argo CD's PARAM_ variables do not keep; tack reads maps from ARGOCD_APP_PARAMETERS"
                    )));
                }
                return Err(unknown(&format!("{key} (from a parameter named {rest:?})")));
            };
            match rest
                .rsplit_once('_')
                .and_then(|(_, i)| i.parse::<usize>().ok())
            {
                Some(index) if rest != name.to_ascii_uppercase() => {
                    if index >= MAX_ITEMS {
                        return Err(Error::Parameters(format!(
                            "{key}: at most {MAX_ITEMS} items"
                        )));
                    }
                    arrays.entry(name).or_default().push((index, value.clone()));
                }
                _ => parameters.put(name, Value::String(value.clone()))?,
            }
        }
        for (name, mut items) in arrays {
            items.sort();
            parameters.put(
                name,
                Value::Array(items.into_iter().map(|(_, v)| v).collect()),
            )?;
        }
        Ok(parameters)
    }

    fn put(&mut self, name: &str, value: Value) -> Result<(), Error> {
        let list = |value: Value| match value {
            Value::Array(items) if items.len() <= MAX_ITEMS => Ok(items),
            Value::Array(items) => Err(Error::Parameters(format!(
                "parameter `{name}` has {} items; at most {MAX_ITEMS}",
                items.len()
            ))),
            // One `PATH=VALUE` given as a string is a list of one.
            Value::String(s) if s.is_empty() => Ok(Vec::new()),
            Value::String(s) => Ok(vec![s]),
        };
        let text = |value: Value| match value {
            Value::String(s) if s.is_empty() => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Array(_) => Err(Error::Parameters(format!(
                "parameter `{name}` is text (`string`), not a list"
            ))),
        };
        match name {
            "valueFiles" => self.value_files = list(value)?,
            "set" => self.set = list(value)?,
            "setString" => self.set_string = list(value)?,
            "release" => self.release = text(value)?,
            "only" => self.only = text(value)?,
            "strategy" => self.strategy = text(value)?,
            "canaryWeight" => self.canary_weight = text(value)?,
            "activeColour" => self.active_colour = text(value)?,
            "imageTag" => self.image_tag = text(value)?,
            other => return Err(unknown(&format!("`{other}`"))),
        }
        Ok(())
    }

    /// The `--set` flags of the knobs, then `set`, then `setString`, in that order (a
    /// later one wins).
    pub(super) fn set_flags(&self) -> Vec<crate::values::SetFlag> {
        use crate::values::{SetFlag, SetKind};
        let mut flags = Vec::new();
        let literal =
            |path: &str, value: &str| SetFlag::new(SetKind::Literal, format!("{path}={value}"));
        if let Some(strategy) = &self.strategy {
            flags.push(literal("strategy.type", strategy));
        }
        if let Some(weight) = &self.canary_weight {
            flags.push(SetFlag::new(
                SetKind::Typed,
                format!("strategy.canary.weight={weight}"),
            ));
        }
        if let Some(colour) = &self.active_colour {
            flags.push(literal("strategy.blueGreen.active", colour));
        }
        if let Some(tag) = &self.image_tag {
            flags.push(literal("image.tag", tag));
        }
        flags.extend(
            self.set
                .iter()
                .map(|s| SetFlag::new(SetKind::Typed, s.clone())),
        );
        flags.extend(
            self.set_string
                .iter()
                .map(|s| SetFlag::new(SetKind::String, s.clone())),
        );
        flags
    }
}

enum Value {
    String(String),
    Array(Vec<String>),
}

fn unknown(what: &str) -> Error {
    Error::Parameters(format!(
        "unknown parameter {what}; tack reads {}",
        NAMES.map(|n| format!("`{n}`")).join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn argo_cds_json_is_read() {
        let parameters = Parameters::from_env(&env(&[(
            "ARGOCD_APP_PARAMETERS",
            r#"[{"name":"valueFiles","array":["values/canary.yaml"]},{"name":"set","map":{"replicas":"4"}},{"name":"canaryWeight","string":"30"},{"name":"release","string":"mnist"}]"#,
        )]))
        .expect("read");
        assert_eq!(parameters.value_files, ["values/canary.yaml"]);
        assert_eq!(parameters.set, ["replicas=4"]);
        assert_eq!(parameters.canary_weight.as_deref(), Some("30"));
        assert_eq!(parameters.release.as_deref(), Some("mnist"));
        let texts: Vec<String> = parameters
            .set_flags()
            .iter()
            .map(|f| f.text.clone())
            .collect();
        assert_eq!(texts, ["strategy.canary.weight=30", "replicas=4"]);
        // As Argo CD writes it: compact, keys sorted, and several kinds sent at once.
        let parameters = Parameters::from_env(&env(&[(
            "ARGOCD_APP_PARAMETERS",
            r#"[{"array":["a.yaml"],"name":"valueFiles","string":""},{"name":"release","string":"demo"}]"#,
        )]))
        .expect("read");
        assert_eq!(parameters.value_files, ["a.yaml"]);
        assert_eq!(parameters.release.as_deref(), Some("demo"));
        for none in ["null", "[]", ""] {
            let parameters =
                Parameters::from_env(&env(&[("ARGOCD_APP_PARAMETERS", none)])).expect("read");
            assert_eq!(parameters, Parameters::default());
        }
    }

    #[test]
    fn param_variables_are_read_without_the_json() {
        let parameters = Parameters::from_env(&env(&[
            ("PARAM_VALUEFILES_1", "b.yaml"),
            ("PARAM_VALUEFILES_0", "a.yaml"),
            ("PARAM_ACTIVECOLOUR", "green"),
        ]))
        .expect("read");
        assert_eq!(parameters.value_files, ["a.yaml", "b.yaml"]);
        assert_eq!(parameters.active_colour.as_deref(), Some("green"));
    }

    #[test]
    fn bad_parameters_are_errors() {
        for (pairs, expected) in [
            (
                vec![("ARGOCD_APP_PARAMETERS", "{not json")],
                "not Argo CD's parameter list",
            ),
            (
                vec![(
                    "ARGOCD_APP_PARAMETERS",
                    r#"[{"name":"valuesFiles","array":[]}]"#,
                )],
                "unknown parameter `valuesFiles`",
            ),
            (
                vec![(
                    "ARGOCD_APP_PARAMETERS",
                    r#"[{"name":"release","array":["a"]}]"#,
                )],
                "is text",
            ),
            (vec![("PARAM_SET_IMAGE_TAG", "1")], "a map entry of `set`"),
            (
                vec![("PARAM_VALUES_FILES_0", "a.yaml")],
                "unknown parameter PARAM_VALUES_FILES_0",
            ),
        ] {
            let error = Parameters::from_env(&env(&pairs))
                .expect_err("an error")
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
