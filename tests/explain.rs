//! `tack explain`: the traffic map of every example value file, as text (golden files in
//! `tests/explain/`), Mermaid and JSON. Regenerate on purpose with
//! `SNAPSHOTS=overwrite cargo test --test explain` and read the diff.

mod common;

use common::{compare, root, tack};
use std::path::PathBuf;

/// The value files of the bundled chart, sorted.
fn value_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("values"))
        .expect("values/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn explain(file: &str, format: &str) -> String {
    explain_chart(&["-f", file, "--format", format])
}

/// `tack explain charts/model-serving ARGS...`: its stdout, which must succeed.
fn explain_chart(args: &[&str]) -> String {
    let mut all = vec!["explain", "charts/model-serving"];
    all.extend(args);
    let output = tack(&root(), &all);
    assert_eq!(
        output.status.code(),
        Some(0),
        "tack {}:\n{}",
        all.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn every_example_value_file_explains_as_its_golden_files() {
    let mut failures = Vec::new();
    let files = value_files();
    assert!(files.len() >= 12, "expected the example value files");
    for file in &files {
        let name = file
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let relative = format!("values/{name}.yaml");
        for (format, extension) in [("text", "txt"), ("mermaid", "mmd")] {
            let expected = root().join(format!("tests/explain/{name}.{extension}"));
            if let Some(difference) = compare(&expected, &explain(&relative, format)) {
                failures.push(difference);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every entry's backends share all of its requests, and the workloads behind each backend
/// share all of that backend's; every workload a share names is listed.
#[test]
fn json_shares_add_up_for_every_example() {
    for file in value_files() {
        let relative = format!(
            "values/{}",
            file.file_name().expect("name").to_string_lossy()
        );
        let map: serde_json::Value =
            serde_json::from_str(&explain(&relative, "json")).expect("valid JSON");
        let workloads: Vec<String> = map["workloads"]
            .as_array()
            .expect("workloads")
            .iter()
            .map(|w| {
                format!(
                    "{}/{}",
                    w["kind"].as_str().unwrap(),
                    w["name"].as_str().unwrap()
                )
            })
            .collect();
        let entries = map["entries"].as_array().expect("entries");
        assert!(!entries.is_empty(), "{relative}: no entry");
        for entry in entries {
            let backends = entry["backends"].as_array().expect("backends");
            let total: f64 = backends.iter().map(|b| b["share"].as_f64().unwrap()).sum();
            assert!((total - 1.0).abs() < 1e-3, "{relative}: {entry}");
            for backend in backends {
                let pods = backend["pods"].as_array().expect("pods");
                let share: f64 = pods.iter().map(|p| p["share"].as_f64().unwrap()).sum();
                assert!(
                    (share - backend["share"].as_f64().unwrap()).abs() < 1e-3,
                    "{relative}: {backend}"
                );
                for pod in pods {
                    assert!(workloads.contains(&pod["workload"].as_str().unwrap().to_string()));
                }
            }
        }
    }
}

#[test]
fn flags_change_the_map() {
    let text = explain_chart(&[
        "-f",
        "values/canary-gateway.yaml",
        "--set",
        "strategy.canary.weight=50",
    ]);
    assert!(
        text.contains("├─ 50% Service/mnist:80 -> Deployment/mnist"),
        "{text}"
    );
    assert!(text.contains("└─ 50% Service/mnist-canary:80"), "{text}");
}

#[test]
fn a_template_chart_is_explained_from_its_objects() {
    let output = tack(&root(), &["explain", "charts/mnist-pipeline"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.stdout.is_empty());
}

#[test]
fn invalid_values_explain_nothing_and_exit_1() {
    let output = tack(
        &root(),
        &[
            "explain",
            "charts/model-serving",
            "--set",
            "strategy.canary.weight=500",
            "--set",
            "strategy.type=canary",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("weight"), "{stderr}");
}

/// The maps the README shows are the golden ones, so the README cannot drift from the code.
#[test]
fn the_readme_shows_the_current_maps() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    for name in [
        "rolling-update",
        "blue-green-gateway",
        "canary",
        "canary-ingress",
        "routing-gateway",
    ] {
        let map = explain(&format!("values/{name}.yaml"), "text");
        assert!(
            readme.contains(&map),
            "README.md lacks the current map of values/{name}.yaml:\n{map}"
        );
    }
    let mermaid = explain_chart(&[
        "-f",
        "values/canary-gateway.yaml",
        "-f",
        "values/autoscaling.yaml",
        "--format",
        "mermaid",
    ]);
    assert!(
        readme.contains(&format!("```mermaid\n{mermaid}```")),
        "README.md lacks:\n{mermaid}"
    );
}
