//! Which value set a field of an object tack built: a problem found in a rendered object
//! also names the value file and line (or `--set` flag) behind the field, so the fix is
//! made where the mistake was.
//!
//! The table follows tack's builders: each entry maps a JSON Pointer prefix of a kind to the
//! values path that sets it; `mirror` entries carry the rest of the pointer over (resources,
//! node selectors, labels have the same shape in both).

use crate::chart::Templates;
use crate::chart::templates::TemplateContext;
use crate::diagnostic::Diagnostic;
use crate::manifest::Manifests;
use crate::source::SourceMap;
use crate::validate::Report;
use crate::values::{FieldPath, Node};
use std::collections::HashMap;

/// A pointer prefix of a kind, the values path behind it, and whether the rest of the
/// pointer continues the values path.
struct Origin {
    kinds: &'static [&'static str],
    pointer: &'static str,
    values: &'static str,
    mirror: bool,
}

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet"];

const ORIGINS: &[Origin] = &[
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/resources",
        values: "resources",
        mirror: true,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/image",
        values: "image",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/env",
        values: "env",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/ports",
        values: "containerPort",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/readinessProbe",
        values: "readinessProbe",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/livenessProbe",
        values: "livenessProbe",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/startupProbe",
        values: "startupProbe",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/containers/0/volumeMounts",
        values: "volumes",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/volumes",
        values: "volumes",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/nodeSelector",
        values: "nodeSelector",
        mirror: true,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/spec/tolerations",
        values: "tolerations",
        mirror: false,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/metadata/labels",
        values: "podLabels",
        mirror: true,
    },
    Origin {
        kinds: WORKLOADS,
        pointer: "/spec/template/metadata/annotations",
        values: "podAnnotations",
        mirror: true,
    },
    Origin {
        kinds: &["Service"],
        pointer: "/spec/ports",
        values: "service",
        mirror: false,
    },
    Origin {
        kinds: &["Service"],
        pointer: "/spec/type",
        values: "service.type",
        mirror: false,
    },
    Origin {
        kinds: &["Ingress"],
        pointer: "/spec/tls",
        values: "ingress.tlsSecret",
        mirror: false,
    },
    Origin {
        kinds: &["Ingress"],
        pointer: "/spec/rules",
        values: "ingress",
        mirror: false,
    },
    Origin {
        kinds: &["HTTPRoute", "GRPCRoute"],
        pointer: "/spec/hostnames",
        values: "traffic.gateway.hostnames",
        mirror: false,
    },
    Origin {
        kinds: &["HTTPRoute", "GRPCRoute"],
        pointer: "/spec/parentRefs",
        values: "traffic.gateway.parentRefs",
        mirror: false,
    },
    Origin {
        kinds: &["HTTPRoute", "GRPCRoute"],
        pointer: "/spec",
        values: "traffic.gateway",
        mirror: false,
    },
    Origin {
        kinds: &["HorizontalPodAutoscaler"],
        pointer: "/spec/minReplicas",
        values: "autoscaling.minReplicas",
        mirror: false,
    },
    Origin {
        kinds: &["HorizontalPodAutoscaler"],
        pointer: "/spec/maxReplicas",
        values: "autoscaling.maxReplicas",
        mirror: false,
    },
    Origin {
        kinds: &["HorizontalPodAutoscaler"],
        pointer: "",
        values: "autoscaling",
        mirror: false,
    },
    Origin {
        kinds: &["PodDisruptionBudget"],
        pointer: "/spec/minAvailable",
        values: "disruptionBudget.minAvailable",
        mirror: false,
    },
    Origin {
        kinds: &["PodDisruptionBudget"],
        pointer: "/spec/maxUnavailable",
        values: "disruptionBudget.maxUnavailable",
        mirror: false,
    },
    Origin {
        kinds: &["PodDisruptionBudget"],
        pointer: "",
        values: "disruptionBudget",
        mirror: false,
    },
];

/// The values path behind `pointer` in an object of `kind` tack built, if the table knows it.
fn values_path(kind: &str, pointer: &str) -> Option<FieldPath> {
    let origin = ORIGINS
        .iter()
        .filter(|o| o.kinds.contains(&kind))
        .filter(|o| {
            pointer == o.pointer
                || pointer.starts_with(o.pointer)
                    && pointer.as_bytes().get(o.pointer.len()) == Some(&b'/')
        })
        .max_by_key(|o| o.pointer.len())?;
    let mut path = FieldPath::parse(origin.values);
    if origin.mirror {
        for segment in pointer[origin.pointer.len()..]
            .split('/')
            .filter(|s| !s.is_empty())
        {
            path = path.key(segment.replace("~1", "/").replace("~0", "~").as_str());
        }
    }
    Some(path)
}

/// Adds to each problem of an object tack built the value file and line behind its field,
/// when the values set it (defaults in the chart's `values.yaml` count: that is where they
/// are set). Problems of objects templates wrote are left as they are.
pub(super) fn add_origins(
    problems: &mut [Diagnostic],
    manifests: &Manifests,
    tree: &Node,
    sources: &SourceMap,
) {
    for problem in problems {
        let Some(object) = problem.object.as_deref() else {
            continue;
        };
        let Some(manifest) = manifests
            .iter()
            .find(|m| m.is_typed() && m.display_name() == object)
        else {
            continue;
        };
        let Some(mut path) = values_path(manifest.kind(), &problem.path) else {
            continue;
        };
        // The deepest part of the path the values hold.
        while tree.get(&path).is_none() {
            let Some(parent) = path.parent() else { break };
            path = parent;
        }
        if tree.get(&path).is_none() || path.is_root() {
            continue;
        }
        let location = tree.locate(&path, true);
        if !location.is_known() {
            continue;
        }
        problem.message = format!(
            "{} (set by `{path}` at {}:{})",
            problem.message,
            sources.name(location.source),
            location.line
        );
    }
}

/// Points problems in objects templates wrote at the template line that wrote the field
/// (validation found the line in the template's output; rendering the template again with
/// line markers maps it back). A line an include wrote, or one that cannot be mapped, is
/// left unknown rather than shown as an output line.
pub(super) fn template_lines(
    report: &mut Report,
    templates: &Templates,
    context: &TemplateContext,
    chart: &str,
) {
    let prefix = format!("{chart}/templates/");
    let mut by_file: HashMap<String, Vec<Option<u32>>> = HashMap::new();
    for problem in &mut report.problems {
        if !problem.location.is_known() || problem.location.line == 0 {
            continue;
        }
        let name = report.sources.name(problem.location.source);
        let Some(file) = name.strip_prefix(&prefix) else {
            continue;
        };
        let lines = by_file
            .entry(file.to_string())
            .or_insert_with(|| templates.output_lines(context, file));
        let output_line = usize::try_from(problem.location.line).unwrap_or(usize::MAX);
        let mapped = output_line
            .checked_sub(1)
            .and_then(|i| lines.get(i).copied().flatten());
        problem.location.line = mapped.unwrap_or(0);
        problem.location.column = 0;
        problem.document_line = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_map_to_the_values_behind_them() {
        let at = |kind: &str, pointer: &str| values_path(kind, pointer).map(|p| p.to_string());
        assert_eq!(
            at(
                "Deployment",
                "/spec/template/spec/containers/0/resources/requests/memory"
            )
            .as_deref(),
            Some("resources.requests.memory")
        );
        assert_eq!(
            at("PodDisruptionBudget", "/spec").as_deref(),
            Some("disruptionBudget")
        );
        assert_eq!(
            at("PodDisruptionBudget", "/spec/minAvailable").as_deref(),
            Some("disruptionBudget.minAvailable")
        );
        assert_eq!(at("ConfigMap", "/data").as_deref(), None);
        assert_eq!(
            at("Deployment", "/spec/template/spec/containers/0/imageX"),
            None
        );
    }
}
