//! The day-to-day commands: lint, new, output folders, completions, help.

mod common;

use common::{root, tack};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tack-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn lint_of_the_repository_is_clean_with_a_line_per_chart_and_value_file() {
    let output = tack(&root(), &["lint"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains(
            "ok    charts/model-serving   values/canary.yaml (release ml-canary/mnist-canary)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok    charts/mnist-pipeline  values.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok    charts/model-serving   values/canary.yaml + values/production.yaml"),
        "{stdout}"
    );
    // Every example is clean under the best-practice check too: no `warn` line.
    assert_eq!(stdout.lines().count(), 14, "{stdout}");
    assert!(
        text(&output.stderr).contains("2 charts, 14 value sets: 14 ok, 0 failed, 0 warnings"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn lint_fails_on_a_broken_value_file_and_reports_json() {
    let dir = temp_dir("lint");
    let chart = dir.join("charts/demo");
    std::fs::create_dir_all(chart.join("values")).expect("chart folder");
    for file in ["Chart.yaml", "values.yaml"] {
        std::fs::copy(
            root().join("tests/cases/_charts/tiny").join(file),
            chart.join(file),
        )
        .expect("copy");
    }
    std::fs::write(chart.join("values/good.yaml"), "replicas: 2\n").expect("write");
    std::fs::write(
        chart.join("values/bad.yaml"),
        "strategy: {type: canary, canary: {weight: 101, tag: '2'}}\n",
    )
    .expect("write");
    let human = tack(&dir, &["lint", "charts/demo/values/bad.yaml"]);
    let stdout = text(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{stdout}");
    // The tiny chart has no probes and no resources: best-practice warnings, exit 0 alone.
    assert!(
        stdout.contains("warn  charts/demo  values/good.yaml"),
        "{stdout}"
    );
    assert!(
        text(&human.stderr).contains("readiness-probe: container `tiny` has no readiness probe"),
        "{}",
        text(&human.stderr)
    );
    assert!(
        stdout.contains("FAIL  charts/demo  values/bad.yaml"),
        "{stdout}"
    );
    assert!(text(&human.stderr).contains("expected a percentage from 0 to 100, found 101"));

    std::fs::remove_file(chart.join("values/bad.yaml")).expect("remove");
    let warned = tack(&dir, &["lint", "charts/demo"]);
    assert_eq!(warned.status.code(), Some(0), "{}", text(&warned.stderr));
    let strict = tack(&dir, &["lint", "--practices", "error", "charts/demo"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(text(&strict.stdout).contains("FAIL  charts/demo  values/good.yaml"));
    let off = tack(&dir, &["lint", "--practices", "off", "charts/demo"]);
    assert!(text(&off.stdout).contains("ok    charts/demo  values/good.yaml"));
    std::fs::write(
        chart.join("values/bad.yaml"),
        "strategy: {type: canary, canary: {weight: 101, tag: '2'}}\n",
    )
    .expect("write");

    let json = tack(&dir, &["lint", "--format", "json", "charts/demo"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert_eq!(report["ok"], false);
    let failed: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ok"] == false)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["values"], "values/bad.yaml");
    assert!(
        failed[0]["errors"]
            .to_string()
            .contains("strategy.canary.weight")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_new_chart_renders_every_strategy_and_lints_clean() {
    let dir = temp_dir("new");
    let created = tack(&dir, &["new", "charts/fraud-detector"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(dir.join("schemas/values.schema.json").is_file());
    let lint = tack(&dir, &["lint"]);
    let stdout = text(&lint.stdout);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{stdout}{}",
        text(&lint.stderr)
    );
    assert_eq!(
        stdout.matches("ok    charts/fraud-detector").count(),
        7,
        "{stdout}"
    );
    let again = tack(&dir, &["new", "charts/fraud-detector"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("exists already"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("output folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".tack-output")
        .collect();
    names.sort();
    names
}

#[test]
fn output_dir_writes_a_file_per_object_in_install_order() {
    let dir = temp_dir("out");
    let output = tack(
        &root(),
        &[
            "render",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--output-dir",
            dir.to_str().expect("UTF-8"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    assert!(
        dir.join(".tack-output").is_file(),
        "the folder is marked as tack's"
    );
    assert_eq!(
        listing(&dir),
        [
            "01-secret-mnist.yaml",
            "02-service-mnist.yaml",
            "03-deployment-mnist.yaml",
            "04-deployment-mnist-canary.yaml",
            "05-ingress-mnist.yaml"
        ]
    );
    let stream = tack(
        &root(),
        &["render", "charts/model-serving", "-f", "values/canary.yaml"],
    );
    let joined: String = listing(&dir)
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).expect("file"))
        .collect();
    assert_eq!(
        joined.as_bytes(),
        stream.stdout,
        "the files hold exactly the streamed documents"
    );

    let releases = temp_dir("out-releases");
    let output = tack(
        &root(),
        &[
            "render",
            "-r",
            "tack.yaml",
            "--output-dir",
            releases.to_str().expect("UTF-8"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        releases
            .join("ml-canary/mnist-canary/04-deployment-mnist-canary.yaml")
            .is_file()
    );
    assert!(releases.join("ml/mnist-pipeline").is_dir());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&releases);
}

#[test]
fn completions_and_help_examples() {
    for shell in ["bash", "zsh", "fish"] {
        let output = tack(&root(), &["completions", shell]);
        assert!(output.status.success());
        let script = text(&output.stdout);
        assert!(
            script.contains("render") && script.contains("lint"),
            "{shell}: {script}"
        );
    }
    for command in [
        "render",
        "validate",
        "lint",
        "diff",
        "explain",
        "new",
        "schema",
        "completions",
        "argocd",
        "krm",
    ] {
        let output = tack(&root(), &[command, "--help"]);
        assert!(output.status.success());
        assert!(
            text(&output.stdout).contains("Examples:"),
            "`tack {command} --help` has no examples"
        );
    }
}

/// The examples of `tack explain --help` run as shown.
#[test]
fn explain_help_examples_run() {
    let help = text(&tack(&root(), &["explain", "--help"]).stdout);
    let examples: Vec<&str> = help
        .lines()
        .filter_map(|line| line.trim().strip_prefix("tack "))
        .collect();
    assert!(examples.len() >= 4, "{help}");
    for example in examples {
        let args: Vec<&str> = example.split_whitespace().collect();
        let output = tack(&root(), &args);
        assert!(
            output.status.success() && !output.stdout.is_empty(),
            "tack {example}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn version_names_the_git_revision_it_was_built_from() {
    let output = tack(&root(), &["--version"]);
    let version = text(&output.stdout);
    let revision = version
        .trim()
        .strip_prefix(&format!("tack {} (git ", env!("CARGO_PKG_VERSION")))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected --version: {version}"));
    if revision == "unknown" {
        return; // built outside a git checkout
    }
    assert!(
        revision.len() == 12 && revision.bytes().all(|b| b.is_ascii_hexdigit()),
        "{revision}"
    );
    // A commit of this repository (the build may predate the latest commit).
    let known = std::process::Command::new("git")
        .args(["cat-file", "-e", &format!("{revision}^{{commit}}")])
        .current_dir(root())
        .status();
    if let Ok(status) = known {
        assert!(
            status.success(),
            "{revision} is not a commit of this repository"
        );
    }
}

#[test]
fn many_releases_print_in_file_order_and_a_failing_one_prints_nothing() {
    let dir = temp_dir("many-releases");
    common::copy_dir(&root().join("charts/model-serving"), &dir.join("chart"));
    std::fs::copy(root().join("values/canary.yaml"), dir.join("canary.yaml")).expect("copy");
    let releases = |bad: Option<usize>| {
        let mut text = String::from("releases:\n");
        for i in 0..40 {
            let weight = if Some(i) == bad { 300 } else { 10 + i };
            text.push_str(&format!(
                "  - {{name: r{i}, namespace: ns{i}, chart: chart, values: [canary.yaml], set: [strategy.canary.weight={weight}]}}\n"
            ));
        }
        std::fs::write(dir.join("tack.yaml"), text).expect("write");
    };
    releases(None);
    let output = tack(&dir, &["render", "-r", "tack.yaml"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let namespaces: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  namespace: "))
        .collect();
    let mut in_order = namespaces.clone();
    in_order.dedup();
    let expected: Vec<String> = (0..40).map(|i| format!("ns{i}")).collect();
    assert_eq!(
        in_order, expected,
        "each release's objects together, in file order"
    );
    let again = tack(&dir, &["render", "-r", "tack.yaml"]);
    assert_eq!(
        again.stdout, output.stdout,
        "byte-identical from run to run"
    );

    releases(Some(33));
    let output = tack(&dir, &["render", "-r", "tack.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stdout.is_empty(),
        "no part of the releases is printed"
    );
    let stderr = text(&output.stderr);
    assert!(stderr.contains("release `ns33/r33`"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_checks_the_values_schema_against_its_meta_schema_and_render_trusts_it() {
    let dir = temp_dir("lint-schema");
    let chart = dir.join("charts/demo");
    common::copy_dir(&root().join("tests/cases/_charts/tiny"), &chart);
    // A title must be a string: jsonschema compiles it (annotations assert nothing), the
    // draft's meta-schema refuses it.
    std::fs::write(
        chart.join("values.schema.json"),
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": 5, "type": "object", "properties": {"size": {"type": "integer"}}}"#,
    )
    .expect("write");
    let render = tack(&dir, &["render", "charts/demo"]);
    assert!(render.status.success(), "{}", text(&render.stderr));
    let bad_extra = tack(&dir, &["render", "charts/demo", "--set", "extra.size=big"]);
    assert_eq!(bad_extra.status.code(), Some(1), "the schema still applies");
    let lint = tack(&dir, &["lint", "charts/demo"]);
    let output = format!("{}{}", text(&lint.stdout), text(&lint.stderr));
    assert_eq!(lint.status.code(), Some(1), "{output}");
    assert!(
        output.contains("not a valid JSON Schema at /title"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
