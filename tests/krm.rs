//! `tack krm`, the KRM function, by its contract: a `ResourceList` on stdin, the same list
//! with the rendered objects appended on stdout, problems as `results` and a non-zero exit.
//! (kubectl 1.37's built-in kustomize has no `--enable-exec`, so it cannot run exec
//! functions: with `--enable-alpha-plugins` alone it prints nothing and exits 0. The
//! standalone `kustomize build --enable-alpha-plugins --enable-exec` runs them; it is not
//! installable here, so the contract is what is tested.)

mod common;

use common::{root, text};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn krm(cwd: &Path, input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tack"))
        .arg("krm")
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tack runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("output");
    writer.join().expect("writer").expect("stdin written");
    output
}

const RELEASE: &str = "apiVersion: tack.dev/v1
kind: Release
metadata:
  name: mnist-canary
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./tack-krm
spec:
  chart: charts/model-serving
  values: [values/canary.yaml]
  set: [strategy.canary.weight=30]
  namespace: ml
";

fn resource_list(config: &str) -> String {
    let indented: String = config.lines().map(|l| format!("  {l}\n")).collect();
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: from-kustomize\nfunctionConfig:\n{indented}"
    )
}

/// The objects `tack render` makes of the same release, as JSON.
fn rendered() -> Vec<serde_json::Value> {
    let output = common::tack(
        &root(),
        &[
            "render",
            "mnist-canary",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--set",
            "strategy.canary.weight=30",
            "--namespace",
            "ml",
            "-o",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    list["items"].as_array().expect("items").clone()
}

#[test]
fn the_function_appends_what_tack_render_makes() {
    let output = krm(&root(), &resource_list(RELEASE));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let list: serde_json::Value = serde_saphyr::from_str(&text(&output.stdout)).expect("YAML");
    assert_eq!(list["kind"], "ResourceList");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items[0]["metadata"]["name"], "from-kustomize");
    assert_eq!(items[1..], rendered()[..]);
}

#[test]
fn problems_are_results_and_a_non_zero_exit() {
    for (config, expected) in [
        (
            RELEASE.replace("kind: Release", "kind: Chart"),
            "kind: Release",
        ),
        (
            RELEASE.replace(
                "charts/model-serving",
                "../no-such-folder-beside-the-repository",
            ),
            "outside the kustomization's folder",
        ),
        (
            RELEASE.replace("strategy.canary.weight=30", "strategy.canary.weight=300"),
            "weight",
        ),
    ] {
        let output = krm(&root(), &resource_list(&config));
        assert_eq!(output.status.code(), Some(1), "{config}");
        let list: serde_json::Value = serde_saphyr::from_str(&text(&output.stdout)).expect("YAML");
        let results = list["results"].to_string();
        assert!(
            results.contains(expected) && results.contains("\"error\""),
            "{results}"
        );
        assert!(
            text(&output.stderr).contains(expected),
            "{}",
            text(&output.stderr)
        );
        // The input's items pass through unchanged.
        assert_eq!(list["items"][0]["metadata"]["name"], "from-kustomize");
    }
    let output = krm(&root(), "not: [a resource list\n");
    assert_eq!(output.status.code(), Some(1));
}
