//! The traffic map as text: one tree per entry, then the workloads with no traffic.
//!
//! ```text
//! mnist.example.com/v1
//!   via Gateway/gateways/public (https) -> HTTPRoute/mnist
//!   ├─ 90% Service/mnist:80 -> Deployment/mnist (track=stable, 1.9.1, 3-12 replicas by HorizontalPodAutoscaler/mnist)
//!   └─ 10% Service/mnist-canary:80 -> Deployment/mnist-canary (track=canary, 2.0.0, 2 replicas)
//! ```

use super::{Backend, Entry, TrafficMap, Workload};
use std::fmt::Write;

pub(super) fn render(map: &TrafficMap) -> String {
    let mut out = String::new();
    for (i, entry) in map.entries.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_entry(&mut out, entry, map);
    }
    let idle = map.idle();
    if !idle.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("no traffic:\n");
        for workload in idle {
            let _ = writeln!(out, "  {} ({})", workload.id(), summary(workload));
        }
    }
    out
}

fn write_entry(out: &mut String, entry: &Entry, map: &TrafficMap) {
    if entry.service_type.is_some() {
        // The Service is the entry: its pods are all there is to show.
        let port = entry.backends[0].port.as_deref().map(|p| format!(":{p}"));
        let _ = write!(
            out,
            "{}{} ({})",
            entry.via.join(" + "),
            port.unwrap_or_default(),
            entry.service_type.as_deref().unwrap_or("")
        );
        write_pods(out, &entry.backends[0], map, "  ");
        return;
    }
    let _ = writeln!(out, "{}", entry.label());
    {
        let mut chain = entry.parents.join(", ");
        if !chain.is_empty() {
            chain.push_str(" -> ");
        }
        chain.push_str(&entry.via.join(" + "));
        let _ = writeln!(out, "  via {chain}");
    }
    for (i, backend) in entry.backends.iter().enumerate() {
        let last = i + 1 == entry.backends.len();
        let (branch, indent) = if last {
            ("└─", "   ")
        } else {
            ("├─", "│  ")
        };
        let _ = write!(
            out,
            "  {branch} {} {}",
            percent(backend.share),
            service(backend)
        );
        write_pods(out, backend, map, &format!("  {indent}"));
    }
}

fn service(backend: &Backend) -> String {
    let mut text = if backend.service.contains('/') {
        backend.service.clone()
    } else {
        match &backend.namespace {
            Some(ns) => format!("Service/{ns}/{}", backend.service),
            None => format!("Service/{}", backend.service),
        }
    };
    if let Some(port) = &backend.port {
        let _ = write!(text, ":{port}");
    }
    text
}

fn write_pods(out: &mut String, backend: &Backend, map: &TrafficMap, indent: &str) {
    if !backend.found {
        out.push_str(" (not in the input)\n");
        return;
    }
    let workloads: Vec<(&Workload, f64)> = backend
        .pods
        .iter()
        .filter_map(|p| Some((map.workload(&p.workload)?, p.share)))
        .collect();
    match workloads.as_slice() {
        [] => out.push_str(" -> no pods (the selector matches no workload of the input)\n"),
        [(workload, _)] => {
            let _ = writeln!(out, " -> {} ({})", workload.id(), summary(workload));
        }
        several => {
            out.push('\n');
            // kube-proxy splits by ready pods: with an autoscaler the split moves.
            let approximate = if several.iter().any(|(w, _)| w.autoscaler.is_some()) {
                "~"
            } else {
                ""
            };
            for (i, (workload, share)) in several.iter().enumerate() {
                let branch = if i + 1 == several.len() {
                    "└─"
                } else {
                    "├─"
                };
                let _ = writeln!(
                    out,
                    "{indent}{branch} {approximate}{} {} ({})",
                    percent(*share),
                    workload.id(),
                    summary(workload)
                );
            }
        }
    }
}

/// `track=canary, 2.0.0, 2 replicas` or `..., 3-12 replicas by HorizontalPodAutoscaler/mnist`.
fn summary(workload: &Workload) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(workload.role.clone());
    parts.extend(workload.tag.clone());
    parts.push(match (&workload.autoscaler, workload.replicas) {
        (Some(range), _) => format!(
            "{}-{} replicas by HorizontalPodAutoscaler/{}",
            range.min, range.max, range.name
        ),
        (None, Some(1)) => "1 replica".to_string(),
        (None, Some(n)) => format!("{n} replicas"),
        (None, None) => "1 replica (Kubernetes' default)".to_string(),
    });
    parts.join(", ")
}

/// `90%`, `33.3%`.
pub(crate) fn percent(share: f64) -> String {
    let value = share * 100.0;
    if (value - value.round()).abs() < 0.05 {
        format!("{value:.0}%")
    } else {
        format!("{value:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_naturally() {
        assert_eq!(percent(0.9), "90%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.0), "0%");
    }
}
