//! Cross-object checks of auto-scaling and disruption budgets: a PodDisruptionBudget covers
//! exactly one workload of the input and leaves room for an eviction; a
//! HorizontalPodAutoscaler scales a workload of the input that leaves `replicas` to it.

use super::index::{NameIndex, PodIndex};
use super::{Budget, Facts};
use crate::diagnostic::{Check, Diagnostic, Severity};
use serde_json::Value;
use std::collections::HashSet;

/// Kinds a HorizontalPodAutoscaler or a PodDisruptionBudget works with.
const SCALABLE: [&str; 3] = ["Deployment", "StatefulSet", "ReplicaSet"];

fn display(facts: &Facts) -> String {
    format!("{}/{}", facts.kind, facts.name.as_deref().unwrap_or("?"))
}

/// True when `budget`'s `minAvailable` / `maxUnavailable` allows no eviction from
/// `replicas` pods.
fn blocks_every_eviction(budget: &Budget, replicas: i64) -> bool {
    let percent = |value: &Value| {
        value
            .as_str()
            .and_then(|text| text.strip_suffix('%'))
            .and_then(|number| number.parse::<i64>().ok())
    };
    match (&budget.min_available, &budget.max_unavailable) {
        (Some(min), _) => match (min.as_i64(), percent(min)) {
            (Some(count), _) => count >= replicas,
            (None, Some(share)) => share >= 100,
            _ => false,
        },
        (None, Some(max)) => max.as_i64() == Some(0) || percent(max) == Some(0),
        (None, None) => false,
    }
}

/// The problems of the input's budgets and autoscalers. `severity` is that of references
/// that may be outside the input; `hint_outside` names the fix for those.
pub(super) fn problems(
    all: &[Facts],
    pods: &PodIndex<'_>,
    names: &NameIndex<'_>,
    severity: Severity,
    hint_outside: &dyn Fn(&str) -> Option<String>,
    external: &dyn Fn(&str, &str) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let autoscaled: HashSet<(&str, &str)> = all
        .iter()
        .filter_map(|f| f.more().scale_target.as_ref())
        .map(|(kind, name)| (&**kind, &**name))
        .collect();
    for (budget, limits) in all
        .iter()
        .filter_map(|f| Some((f, f.more().budget.as_ref()?)))
    {
        let Some(selector) = &limits.selector else {
            continue;
        };
        let groups = pods.selected_from(budget.namespace.as_deref(), selector);
        let covered: Vec<&Facts> = pods
            .members(&groups)
            .into_iter()
            .filter(|w| &*w.kind != "Pod")
            .collect();
        match covered.as_slice() {
            [] => problems.push(budget.site.problem(
                severity,
                Check::References,
                "/spec/selector",
                "the PodDisruptionBudget selects no pod template of the input",
                hint_outside("workload"),
            )),
            [workload] => {
                let autoscaled = workload
                    .name
                    .as_deref()
                    .is_some_and(|name| autoscaled.contains(&(&*workload.kind, name)));
                if let Some(replicas) = workload.replicas
                    && !autoscaled
                    && blocks_every_eviction(limits, replicas)
                {
                    problems.push(budget.site.problem(
                        Severity::Warning,
                        Check::References,
                        "/spec",
                        format!(
                            "with {replicas} replicas of {}, this budget allows no eviction: node drains and cluster upgrades will wait for it forever",
                            display(workload)
                        ),
                        Some("use `maxUnavailable: 1` (or a `minAvailable` below the replicas)".into()),
                    ));
                }
            }
            several => {
                let listed: Vec<String> = several.iter().map(|w| display(w)).collect();
                problems.push(budget.site.problem(
                    Severity::Warning,
                    Check::References,
                    "/spec/selector",
                    format!(
                        "the PodDisruptionBudget selects the pods of {} workloads ({}): its limits count them together, so one may lose every pod",
                        several.len(),
                        listed.join(", ")
                    ),
                    Some("give each workload its own budget, selecting its pods only (its spec.selector)".into()),
                ));
            }
        }
    }
    for autoscaler in all {
        let Some((kind, name)) = &autoscaler.more().scale_target else {
            continue;
        };
        if !SCALABLE.contains(&&**kind) {
            continue;
        }
        let target = names
            .find(kind, name, autoscaler)
            .filter(|w| w.pod_labels.is_some());
        match target {
            None if external(kind, name) => {}
            None => problems.push(autoscaler.site.problem(
                severity,
                Check::References,
                "/spec/scaleTargetRef/name",
                format!("the scale target {kind} \"{name}\" is not in the input"),
                hint_outside(kind),
            )),
            Some(workload) if workload.replicas.is_some() => problems.push(workload.site.problem(
                Severity::Warning,
                Check::References,
                "/spec/replicas",
                format!(
                    "{} is scaled by HorizontalPodAutoscaler \"{}\" but also sets replicas: every apply resets the autoscaler's choice",
                    display(workload),
                    autoscaler.name.as_deref().unwrap_or("?")
                ),
                Some("remove spec.replicas and apply with `kubectl apply --server-side`".into()),
            )),
            Some(_) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn budgets_that_allow_no_eviction() {
        let limits = |min_available: Option<Value>, max_unavailable: Option<Value>| Budget {
            selector: None,
            min_available,
            max_unavailable,
        };
        assert!(blocks_every_eviction(&limits(Some(json!(3)), None), 3));
        assert!(!blocks_every_eviction(&limits(Some(json!(2)), None), 3));
        assert!(blocks_every_eviction(&limits(Some(json!("100%")), None), 3));
        assert!(!blocks_every_eviction(&limits(Some(json!("50%")), None), 3));
        assert!(blocks_every_eviction(&limits(None, Some(json!(0))), 3));
        assert!(blocks_every_eviction(&limits(None, Some(json!("0%"))), 3));
        assert!(!blocks_every_eviction(&limits(None, Some(json!(1))), 3));
        assert!(!blocks_every_eviction(&limits(None, None), 3));
    }
}
