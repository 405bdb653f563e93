//! Golden files: the exact YAML of every chart x value file, byte for byte.
//!
//! `tests/golden/<chart>/<value file>.yaml` holds `tack render charts/<chart> -f <file>`;
//! `tests/golden/<chart>/values.yaml` holds the chart's defaults alone. Value files in
//! `values/` target the bundled `model-serving` chart; `values/<chart>/` holds those of other
//! charts. The overlays ([`OVERLAYS`]: production, GPU and autoscaling settings) also render layered over
//! each strategy's value file, as `tests/golden/<chart>/<strategy>+<overlay>.yaml`. Regenerate on purpose with `SNAPSHOTS=overwrite cargo test --test golden` and review the
//! diff like code.

mod common;

use common::{compare, root, tack};
use std::path::{Path, PathBuf};

/// The value files that target `chart`, sorted.
fn value_files(chart: &str) -> Vec<PathBuf> {
    let dir = if chart == "model-serving" {
        root().join("values")
    } else {
        root().join("values").join(chart)
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn charts() -> Vec<String> {
    let mut charts: Vec<String> = std::fs::read_dir(root().join("charts"))
        .expect("charts/ exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Chart.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    charts.sort();
    charts
}

/// Value files that do not pick a strategy but add settings to any of them.
const OVERLAYS: &[&str] = &["production.yaml", "gpu.yaml", "autoscaling.yaml"];

fn is_overlay(file: &Path) -> bool {
    file.file_name()
        .is_some_and(|name| OVERLAYS.iter().any(|overlay| name == *overlay))
}

fn render(chart: &str, file: Option<&Path>) -> String {
    render_layered(chart, file.into_iter().collect())
}

fn render_layered(chart: &str, files: Vec<&Path>) -> String {
    let chart_dir = format!("charts/{chart}");
    let mut args = vec!["render".to_string(), chart_dir];
    for file in files {
        let relative = file
            .strip_prefix(root())
            .expect("value files live in the repo")
            .to_string_lossy()
            .into_owned();
        args.extend(["-f".to_string(), relative]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = tack(&root(), &args);
    assert!(
        output.status.success(),
        "tack {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("YAML output is UTF-8")
}

#[test]
fn every_chart_and_value_file_matches_its_golden_file() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for chart in charts() {
        let golden = root().join("tests/golden").join(&chart);
        let mut runs: Vec<(PathBuf, Option<PathBuf>)> = vec![(golden.join("values.yaml"), None)];
        for file in value_files(&chart) {
            let name = file.file_name().expect("file name").to_owned();
            runs.push((golden.join(name), Some(file)));
        }
        for (expected, file) in runs {
            cases += 1;
            let output = render(&chart, file.as_deref());
            if let Some(difference) = compare(&expected, &output) {
                failures.push(difference);
            }
        }
        let files = value_files(&chart);
        let (overlays, strategies): (Vec<&PathBuf>, Vec<&PathBuf>) =
            files.iter().partition(|file| is_overlay(file));
        for overlay in &overlays {
            for strategy in &strategies {
                cases += 1;
                let stem = |file: &Path| {
                    let stem = file.file_stem().expect("file name");
                    stem.to_string_lossy().into_owned()
                };
                let expected = golden.join(format!("{}+{}.yaml", stem(strategy), stem(overlay)));
                let output = render_layered(&chart, vec![strategy.as_path(), overlay.as_path()]);
                if let Some(difference) = compare(&expected, &output) {
                    failures.push(difference);
                }
            }
        }
    }
    assert!(
        cases >= 19,
        "expected golden cases for the example charts, found {cases}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rendering_twice_is_byte_identical() {
    for file in value_files("model-serving") {
        let first = render("model-serving", Some(&file));
        let second = render("model-serving", Some(&file));
        assert_eq!(
            first,
            second,
            "{} renders differently twice",
            file.display()
        );
    }
}

#[test]
fn the_releases_file_renders_every_example_release() {
    let output = tack(&root(), &["render", "-r", "tack.yaml"]);
    assert!(
        output.status.success(),
        "tack render -r tack.yaml failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("YAML output is UTF-8");
    if let Some(difference) = compare(&root().join("tests/golden/releases.yaml"), &text) {
        panic!("{difference}");
    }
    let again = tack(&root(), &["render", "-r", "tack.yaml"]);
    assert_eq!(
        again.stdout,
        text.as_bytes(),
        "parallel rendering must not change the order"
    );
}

/// Render skips the JSON Schema check for objects built from k8s-openapi types (their
/// structure is the schema's by construction); this keeps that claim checked: every golden
/// file passes every check, schemas included, as `tack validate --complete` would run them.
/// Every example is also clean under the best-practice check, as errors.
#[test]
fn every_golden_file_passes_the_full_schemas() {
    let validator = tack::validate::Validator::default()
        .practices(tack::diagnostic::Severity::Error)
        .complete(true)
        // What the example value files declare as created elsewhere.
        .external("Secret/mnist-tls")
        .external("ConfigMap/otel-agent");
    let mut checked = 0;
    for entry in walk(&root().join("tests/golden")) {
        let text = std::fs::read_to_string(&entry).expect("golden file is readable");
        let report = validator.validate_str(&entry.display().to_string(), &text);
        let errors: Vec<String> = report
            .errors()
            .map(|e| e.describe(&report.sources))
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            entry.display(),
            errors.join("\n")
        );
        assert!(
            report.skipped().next().is_none(),
            "{}: kinds without a schema",
            entry.display()
        );
        checked += report.objects;
    }
    assert!(checked > 50, "only {checked} objects checked");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("folder is readable")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        // Converted Helm charts keep Helm's defaults (no resources): `tests/from_helm.rs`
        // checks their output with the full schemas, without the best-practice errors.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "from-helm") {
            continue;
        }
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    files
}
