//! Checks of an app that need to know Kubernetes: the values written in Kubernetes' own shape
//! (`securityContext`, `affinity`, sidecars...) against the schema of their type, and the
//! settings that exist only from a Kubernetes version on.

use crate::diagnostic::{Check, Diagnostic};
use crate::kube_version::KubeVersion;
use crate::validate::definition_problems;
use crate::values::{App, FieldPath, Kube, KubeType};
use serde_json::Value;

/// The first version with native sidecars on by default (beta in 1.29).
pub(crate) const NATIVE_SIDECARS: KubeVersion = KubeVersion::new(29);

/// Every problem of `app` for Kubernetes `version`, each with its values path.
pub(crate) fn problems(app: &App, version: KubeVersion) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut check = |path: FieldPath, definition: &str, value: &Value| {
        problems.extend(schema_problems(path, definition, value));
    };
    fn one<T: KubeType>(
        check: &mut impl FnMut(FieldPath, &str, &Value),
        field: &str,
        value: Option<&Kube<T>>,
    ) {
        if let Some(value) = value {
            check(FieldPath::parse(field), T::DEFINITION, value.json());
        }
    }
    fn each<T: KubeType>(
        check: &mut impl FnMut(FieldPath, &str, &Value),
        field: &str,
        values: &[Kube<T>],
    ) {
        for (i, value) in values.iter().enumerate() {
            check(
                FieldPath::parse(field).index(i),
                T::DEFINITION,
                value.json(),
            );
        }
    }
    one(&mut check, "securityContext", app.security_context.as_ref());
    one(
        &mut check,
        "podSecurityContext",
        app.pod_security_context.as_ref(),
    );
    one(&mut check, "affinity", app.affinity.as_ref());
    one(&mut check, "lifecycle", app.lifecycle.as_ref());
    one(&mut check, "dnsConfig", app.dns_config.as_ref());
    each(&mut check, "hostAliases", &app.host_aliases);
    each(&mut check, "initContainers", &app.init_containers);
    each(&mut check, "sidecars", &app.sidecars);
    each(&mut check, "containers", &app.containers);
    each(&mut check, "autoscaling.metrics", &app.autoscaling.metrics);
    one(
        &mut check,
        "autoscaling.behavior",
        app.autoscaling.behavior.as_ref(),
    );
    if !app.sidecars.is_empty() && version < NATIVE_SIDECARS {
        problems.push(
            Diagnostic::error(
                Check::Values,
                format!(
                    "native sidecars need Kubernetes {NATIVE_SIDECARS} or later; this renders for {version}"
                ),
            )
            .path("sidecars")
            .help(format!(
                "render for the cluster's version (`--kube-version {NATIVE_SIDECARS}` or later), or move them to `containers` (then they are not started before the app nor stopped after it)"
            )),
        );
    }
    problems
}

/// The schema problems of `value` at values path `path`, their JSON Pointers turned into
/// values paths.
fn schema_problems(path: FieldPath, definition: &str, value: &Value) -> Vec<Diagnostic> {
    definition_problems(definition, value)
        .into_iter()
        .map(|mut problem| {
            problem.path = values_path(&path, value, &problem.path).to_string();
            problem.check = Check::Values;
            problem
        })
        .collect()
}

/// The values path of the node at JSON Pointer `pointer` inside `value`, which is at `base`.
fn values_path(base: &FieldPath, value: &Value, pointer: &str) -> FieldPath {
    let mut path = base.clone();
    let mut node = Some(value);
    for segment in crate::yaml::lines::pointer_segments(pointer) {
        match (node, segment.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(index)) => {
                path = path.index(index);
                node = items.get(index);
            }
            _ => {
                node = node.and_then(|n| n.get(segment.as_ref()));
                path = path.key(segment.as_ref());
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_problems_are_reported_at_their_values_path() {
        let mut app = App::new("mnist", "mnist:1");
        app.pod_security_context = Some(Kube::from_json(json!({"runAsNonRoot": "yes-please"})));
        app.sidecars.push(Kube::from_json(json!({
            "name": "proxy", "image": "envoy:1", "ports": [{"containerPort": "80"}], "imagePullPolcy": "Always",
        })));
        let problems = problems(&app, KubeVersion::LATEST);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert!(found.contains(&(
            "podSecurityContext.runAsNonRoot",
            "expected a boolean, found string \"yes-please\""
        )));
        assert!(
            found
                .iter()
                .any(|(path, _)| *path == "sidecars[0].ports[0].containerPort")
        );
        let typo = problems
            .iter()
            .find(|p| p.path == "sidecars[0].imagePullPolcy")
            .unwrap();
        assert_eq!(
            typo.help.as_deref(),
            Some("did you mean \"imagePullPolicy\"?")
        );
        assert!(problems.iter().all(|p| p.check == Check::Values));
    }

    #[test]
    fn native_sidecars_need_1_29() {
        let mut app = App::new("mnist", "mnist:1");
        app.sidecars.push(Kube::from_json(
            json!({"name": "proxy", "image": "envoy:1"}),
        ));
        assert!(problems(&app, KubeVersion::new(29)).is_empty());
        let old = problems(&app, KubeVersion::new(27));
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].path, "sidecars");
        assert!(old[0].message.contains("1.29"), "{}", old[0].message);
    }

    #[test]
    fn keys_with_dots_stay_one_segment() {
        let value = json!({"nodeAffinity": {"x": [{"a.b/c": 1}]}});
        let path = values_path(
            &FieldPath::parse("affinity"),
            &value,
            "/nodeAffinity/x/0/a.b~1c",
        );
        assert_eq!(path.segments().len(), 5);
    }
}
