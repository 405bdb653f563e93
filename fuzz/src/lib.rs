//! What each fuzz target does with its input, shared with `tests/fuzz_regressions.rs`
//! (which includes this file), so every finding kept in `fuzz/regressions/` is re-run by
//! `cargo test` exactly as the fuzzer ran it.
//!
//! Each function feeds arbitrary bytes to one entry point of tack through its public API.
//! Errors are expected; a panic, a hang or a blow-up in memory is a finding. The values,
//! `--set`, validate and template targets also plant a secret value next to the input and
//! check that it never reaches a message.

use tack::chart::templates::{ReleaseInfo, TemplateContext};
use tack::chart::{ChartMeta, Templates};
use tack::releases::Releases;
use tack::validate::Validator;
use tack::values::{SetFlag, SetKind, ValuesLoader};

/// The secret value every target plants, and looks for in what tack says.
pub const SECRET: &str = "Pl4nt3dS3cr3t";

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn assert_hidden(message: &str) {
    assert!(
        !message.contains(SECRET),
        "the planted secret leaked: {message}"
    );
}

/// Like [`assert_hidden`], for a message about input the fuzzer wrote (a flag, a document).
/// The fuzzer learns the secret's text from the comparisons tack makes and may write it into
/// that input, which messages quote (a flag is echoed, masked only where it sets a secret
/// key); then the text in a message proves nothing, and the input is not checked.
fn assert_hidden_beyond(message: &str, fuzzed: &str) {
    if !fuzzed.contains(SECRET) {
        assert_hidden(message);
    }
}

fn loader() -> ValuesLoader {
    let mut loader = ValuesLoader::new();
    let defaults = format!(
        "name: fuzz\nimage: {{repository: r, tag: '1'}}\nsecrets:\n  key: {{value: {SECRET}, envName: KEY}}\n"
    );
    if loader.add_yaml("values.yaml", &defaults).is_err() {
        unreachable!("the defaults are valid");
    }
    loader
}

/// A value file (or two, split at the first NUL byte, merged in order) over defaults that
/// hold a secret.
pub fn values(data: &[u8]) {
    let input = text(data);
    let (first, second) = input.split_once('\0').unwrap_or((&input, ""));
    let mut loader = loader();
    for (name, part) in [("a.yaml", first), ("b.yaml", second)] {
        if let Err(error) = loader.add_yaml(name, part) {
            assert_hidden(&error.diagnostics().to_string());
            return;
        }
    }
    if let Err(error) = loader.finish(None) {
        assert_hidden(&error.diagnostics().to_string());
    }
}

/// A `--set`-family flag: the first byte picks the kind, the rest is the flag's text.
pub fn set(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let kind = match kind % 3 {
        0 => SetKind::Typed,
        1 => SetKind::String,
        _ => SetKind::Json,
    };
    let mut loader = loader();
    let flag_text = text(rest);
    let flag = SetFlag::new(kind, flag_text.clone());
    match loader.apply_set(&flag, std::path::Path::new(".")) {
        Err(error) => assert_hidden_beyond(&error.diagnostics().to_string(), &flag_text),
        Ok(()) => {
            if let Err(error) = loader.finish(None) {
                assert_hidden_beyond(&error.diagnostics().to_string(), &flag_text);
            }
        }
    }
}

/// A `Chart.yaml`.
pub fn chart_yaml(data: &[u8]) {
    let _ = ChartMeta::parse("Chart.yaml", &text(data));
}

/// A releases file.
pub fn releases(data: &[u8]) {
    if let Ok(releases) = Releases::parse(std::path::Path::new("tack.yaml"), &text(data)) {
        let _ = releases.select(Some("mnist"));
    }
}

/// Manifests for `tack validate`, as raw bytes (not necessarily UTF-8), after a Secret
/// whose data is not base64 (an error that must not quote it).
pub fn validate(data: &[u8]) {
    let mut input = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: planted}}\ndata: {{key: {SECRET}}}\n---\n"
    )
    .into_bytes();
    input.extend_from_slice(data);
    let report = Validator::default().validate_reader("fuzz.yaml", input.as_slice());
    // The fuzzer learns the secret's text and may write it into its own documents, where
    // tack may quote it; what it must never quote is the planted Secret's data.
    let fuzzed = text(data);
    for problem in &report.problems {
        assert_hidden_beyond(&problem.describe(&report.sources), &fuzzed);
    }
}

/// One template (and a partial, split at the first NUL byte), rendered with values that
/// hold a secret.
pub fn template(data: &[u8]) {
    let input = text(data);
    let (main, partial) = input.split_once('\0').unwrap_or((&input, ""));
    let Ok(templates) = Templates::from_sources([("main.yaml", main), ("_partial.yaml", partial)])
    else {
        return;
    };
    let context = TemplateContext {
        values: serde_json::json!({
            "name": "fuzz", "replicas": 3,
            "secrets": {"key": {"value": SECRET}},
            "extra": {"size": "1Gi", "items": [1, 2, 3], "settings": {"A": "1"}},
        }),
        release: ReleaseInfo {
            name: "fuzz".into(),
            namespace: Some("ml".into()),
            revision: 1,
        },
        chart: serde_json::json!({"name": "fuzz", "version": "0.1.0"}),
        kube_version: tack::KubeVersion::LATEST,
        secrets: vec![SECRET.to_string()],
        objects: serde_json::Value::Null,
        api_versions: vec!["apps/v1".into(), "policy/v1".into()],
    };
    if let Err(error) = templates.render(&context) {
        assert_hidden(&error.0.to_string());
    }
}

/// A CEL rule (the first line) and a custom resource's `spec` (the rest, YAML), validated
/// as a CRD of `acme.io` `Widget` whose spec keeps unknown fields and holds the rule under
/// `x-kubernetes-validations`, followed by one Widget with that spec.
pub fn crd(data: &[u8]) {
    let input = text(data);
    let (rule, body) = input.split_once('\n').unwrap_or((&input, ""));
    let crd = serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.acme.io"},
        "spec": {
            "group": "acme.io",
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": true,
                            "x-kubernetes-validations": [{"rule": rule, "message": "fuzzed rule"}],
                        },
                    },
                }},
            }],
        },
    });
    let mut manifests = format!(
        "{crd}\n---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {{name: w, namespace: ml}}\nspec:\n"
    );
    for line in body.lines() {
        manifests.push_str("  ");
        manifests.push_str(line);
        manifests.push('\n');
    }
    let report = Validator::default().validate_str("fuzz.yaml", &manifests);
    for problem in &report.problems {
        let _ = problem.describe(&report.sources);
    }
}
