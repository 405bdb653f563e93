//! The published values schema: kept current, and true to the example value files.

mod common;

use common::{compare, root, tack};

#[test]
fn checked_in_schema_is_current() {
    let output = tack(&root(), &["schema"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    if let Some(difference) = compare(&root().join("schemas/values.schema.json"), &text) {
        panic!(
            "schemas/values.schema.json is out of date with the typed model; regenerate it with\n  cargo run -- schema > schemas/values.schema.json\n{difference}"
        );
    }
}

/// Every chart's values.yaml and every value file under values/ (with the chart it targets).
fn value_files() -> Vec<(std::path::PathBuf, String)> {
    let mut files = Vec::new();
    for chart in ["model-serving", "mnist-pipeline"] {
        files.push((
            root().join(format!("charts/{chart}/values.yaml")),
            chart.to_string(),
        ));
    }
    let mut dirs = vec![(root().join("values"), "model-serving".to_string())];
    for entry in std::fs::read_dir(root().join("values")).expect("values/ exists") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            let chart = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            dirs.push((path, chart));
        }
    }
    for (dir, chart) in dirs {
        for entry in std::fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push((path, chart.clone()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn example_value_files_match_the_schema_and_point_editors_at_it() {
    for (file, chart) in value_files() {
        let mut schema = tack::values::values_schema();
        let chart =
            tack::chart::Chart::load(&root().join("charts").join(&chart)).expect("chart loads");
        if let Some(extra) = chart.extra_schema() {
            tack::values::embed_extra_schema(&mut schema, extra);
        }
        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let text = std::fs::read_to_string(&file).expect("readable value file");
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("# yaml-language-server: $schema=")
                && first.ends_with("schemas/values.schema.json"),
            "{} does not start with the schema line",
            file.display()
        );
        let values: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
        let errors: Vec<String> = validator
            .iter_errors(&values)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn schema_rejects_unknown_keys_and_offers_closed_choices() {
    let schema = tack::values::values_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    assert!(!validator.is_valid(&serde_json::json!({"replicsa": 3})));
    assert!(!validator.is_valid(&serde_json::json!({"service": {"type": "Balancer"}})));
    assert!(validator.is_valid(&serde_json::json!({"service": {"type": "NodePort"}})));
    assert_eq!(
        schema["$defs"]["PullPolicy"]["enum"],
        serde_json::json!(["Always", "IfNotPresent", "Never"])
    );
    assert_eq!(
        schema["$defs"]["StrategyType"]["enum"],
        serde_json::json!([
            "rollingUpdate",
            "recreate",
            "blueGreen",
            "canary",
            "routing"
        ])
    );
    let weight = &schema["$defs"]["Canary"]["properties"]["weight"];
    assert_eq!(weight["maximum"], 100, "{weight}");
}

#[test]
fn schema_of_a_chart_includes_its_extra_values_schema() {
    let output = tack(&root(), &["schema", "charts/mnist-pipeline"]);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let training = &schema["properties"]["extra"]["properties"]["training"];
    assert_eq!(training["properties"]["epochs"]["minimum"], 1, "{training}");
    assert!(
        training.get("required").is_none(),
        "editor schemas drop `required`"
    );
}
