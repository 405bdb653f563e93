//! The traffic map as a Mermaid flowchart: entries on the left, Services, then workloads;
//! edges carry the routing object and the share. Workloads with no traffic are dashed.

use super::text::percent;
use super::{TrafficMap, Workload};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

pub(super) fn render(map: &TrafficMap) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut services: HashMap<String, usize> = HashMap::new();
    let mut edges = String::new();
    for (i, entry) in map.entries.iter().enumerate() {
        let _ = writeln!(out, "  e{i}[\"{}\"]", escape(&entry.label()));
        for backend in &entry.backends {
            let key = format!(
                "{}/{}",
                backend
                    .namespace
                    .as_deref()
                    .or(entry.namespace.as_deref())
                    .unwrap_or(""),
                backend.service
            );
            let index = match services.get(&key) {
                Some(index) => *index,
                None => {
                    services.insert(key, services.len());
                    let port = backend
                        .port
                        .as_deref()
                        .map(|p| format!(":{p}"))
                        .unwrap_or_default();
                    let missing = if backend.found {
                        ""
                    } else {
                        "<br/>not in the input"
                    };
                    let _ = writeln!(
                        out,
                        "  s{}[\"Service {}{port}{missing}\"]",
                        (services.len() - 1),
                        escape(&backend.service)
                    );
                    let workloads: Vec<&Workload> = backend
                        .pods
                        .iter()
                        .filter_map(|p| map.workload(&p.workload))
                        .collect();
                    let total: i64 = workloads.iter().map(|w| w.pods()).sum();
                    for workload in &workloads {
                        let target = workload_node(map, workload);
                        if workloads.len() > 1 && total > 0 {
                            let share = percent(workload.pods() as f64 / total as f64);
                            let _ = writeln!(
                                edges,
                                "  s{} -->|\"{share} of pods\"| {target}",
                                services.len() - 1
                            );
                        } else {
                            let _ = writeln!(edges, "  s{} --> {target}", (services.len() - 1));
                        }
                    }
                    services.len() - 1
                }
            };
            if entry.service_type.is_some() {
                let _ = writeln!(edges, "  e{i} --> s{index}");
            } else {
                let _ = writeln!(
                    edges,
                    "  e{i} -->|\"{} · {}\"| s{index}",
                    escape(&entry.via.join(" + ")),
                    percent(backend.share)
                );
            }
        }
    }
    let idle: HashSet<String> = map.idle().iter().map(|w| w.id()).collect();
    for (i, workload) in map.workloads.iter().enumerate() {
        let class = if idle.contains(&workload.id()) {
            ":::idle"
        } else {
            ""
        };
        let mut label = escape(&workload.id().replacen('/', " ", 1));
        for part in workload.role.iter().chain(workload.tag.iter()) {
            let _ = write!(label, "<br/>{}", escape(part));
        }
        let pods = match &workload.autoscaler {
            Some(range) => format!("{}-{} replicas (HPA)", range.min, range.max),
            None => format!("{} replicas", workload.pods()),
        };
        let _ = writeln!(out, "  d{i}[\"{label}<br/>{pods}\"]{class}");
    }
    out.push_str(&edges);
    if !idle.is_empty() {
        out.push_str("  classDef idle stroke-dasharray: 5 5\n");
    }
    out
}

fn workload_node(map: &TrafficMap, workload: &Workload) -> String {
    format!("d{}", map.position(&workload.id()).unwrap_or_default())
}

/// Mermaid labels in `"..."`: quotes and angle brackets as entity codes, so a header value
/// cannot end the label or inject markup.
fn escape(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out() {
        assert_eq!(escape("a\"]; x<b>"), "a#quot;]; x#lt;b#gt;");
    }
}
