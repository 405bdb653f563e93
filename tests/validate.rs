//! `tack validate` and the `tack::validate` library: one valid and at least one invalid case
//! per check, the bad-input suite, and the command line (formats, flags, exit codes).

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tack::diagnostic::{Check, Severity};
use tack::validate::{Checks, Document, Input, KubeVersion, Report, Validator, collect_inputs};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate")
        .join(name)
}

fn validate(text: &str) -> Report {
    Validator::default().validate_str("in.yaml", text)
}

/// `check: message` of every problem, for assertions.
fn problems(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| format!("{}[{}] {} {}", p.severity, p.check, p.path, p.message))
        .collect()
}

fn errors(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("[{}] {} {}", p.check, p.path, p.message))
        .collect()
}

fn deployment(extra: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mnist\nspec:\n  selector:\n    matchLabels: {{app: mnist}}\n  template:\n    metadata:\n      labels: {{app: mnist}}\n    spec:\n      containers:\n        - name: mnist\n          image: ghcr.io/acme/mnist:1\n{extra}"
    )
}

fn tack(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tack"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tack runs");
    if let Some(text) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        pipe.write_all(text.as_bytes()).expect("stdin is writable");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("tack finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

// 1. Schemas and their repairs.

#[test]
fn a_valid_deployment_passes_the_schema() {
    let report = validate(&deployment(
        "          imagePullPolicy: IfNotPresent\n          ports: [{containerPort: 5000, name: http}]\n",
    ));
    assert!(report.problems.is_empty(), "{:#?}", problems(&report));
    assert_eq!(report.objects, 1);
}

#[test]
fn int_or_string_and_quantity_are_typed() {
    let ok = validate(&deployment(
        "          resources: {requests: {cpu: 250m, memory: 1Gi}, limits: {cpu: 1}}\n",
    ));
    assert!(ok.is_valid(), "{:#?}", problems(&ok));
    let strategy = deployment("").replace(
        "spec:\n  selector",
        "spec:\n  strategy: {rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}\n  selector",
    );
    assert!(validate(&strategy).is_valid());
    let bad = deployment("").replace(
        "spec:\n  selector",
        "spec:\n  strategy: {rollingUpdate: {maxSurge: true}}\n  selector",
    );
    let report = validate(&bad);
    assert_eq!(
        errors(&report),
        [
            "[schema] /spec/strategy/rollingUpdate/maxSurge expected an integer or a string, found boolean true"
        ]
    );
    let bad = deployment("          resources: {limits: {cpu: {}}}\n");
    assert!(errors(&validate(&bad))[0].contains("expected a number or a string"));
}

#[test]
fn integer_formats_are_bounds() {
    let bad = deployment("").replace(
        "spec:\n  selector",
        "spec:\n  replicas: 3000000000\n  selector",
    );
    let report = validate(&bad);
    assert_eq!(report.problems[0].path, "/spec/replicas");
    assert!(
        report.problems[0]
            .message
            .contains("above the maximum 2147483647")
    );
    assert_eq!(report.problems[0].location.line, 6);
}

#[test]
fn byte_fields_must_be_base64_and_secret_values_are_never_quoted() {
    let report = validate(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  ok: Y2hhbmdlLW1l\n  plain: change-me\n",
    );
    assert_eq!(
        errors(&report),
        ["[schema] /data/plain a string is not valid base64"]
    );
    assert!(
        report.problems[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("stringData"))
    );
}

#[test]
fn api_version_and_kind_are_pinned() {
    let report = validate("apiVersion: v1\nkind: Deployment\nmetadata: {name: x}\n");
    assert_eq!(
        errors(&report),
        ["[schema] /apiVersion v1 does not serve Deployment"]
    );
    assert_eq!(
        report.problems[0].help.as_deref(),
        Some("Deployment is served as apps/v1")
    );
    let report = validate("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n");
    assert_eq!(
        report.problems[0].help.as_deref(),
        Some("did you mean Deployment?")
    );
}

#[test]
fn strict_mode_rejects_unknown_fields_but_not_map_keys() {
    let text = deployment("          imagePullPolcy: Always\n").replace(
        "labels: {app: mnist}",
        "labels: {app: mnist, anything.goes/here: yes-it-does}",
    );
    let report = validate(&text);
    assert_eq!(
        errors(&report),
        [
            "[schema] /spec/template/spec/containers/0/imagePullPolcy unknown field \"imagePullPolcy\""
        ]
    );
    assert_eq!(
        report.problems[0].help.as_deref(),
        Some("did you mean \"imagePullPolicy\"?")
    );
    assert_eq!(report.problems[0].location.line, 15);
    let lax = Validator::default()
        .strict(false)
        .validate_str("in.yaml", &text);
    assert!(lax.is_valid(), "{:#?}", problems(&lax));
}

#[test]
fn closed_sets_are_enums() {
    let report = validate(&deployment("          imagePullPolicy: always\n"));
    assert!(
        errors(&report)[0]
            .contains("string \"always\" is not one of \"Always\", \"Never\", \"IfNotPresent\"")
    );
    assert_eq!(
        report.problems[0].help.as_deref(),
        Some("values are case-sensitive: \"Always\"")
    );
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: Loadbalancer\n  ports: [{port: 80, protocol: TCP}]\n";
    assert!(
        errors(&validate(service))[0].contains(
            "is not one of \"ExternalName\", \"ClusterIP\", \"NodePort\", \"LoadBalancer\""
        )
    );
}

#[test]
fn yaml_pitfalls_get_hints() {
    let report = validate(&deployment(
        "          env: [{name: DEBUG, value: yes}, {name: VERSION, value: 1.10}]\n          ports: [{containerPort: \"5000\"}]\n",
    ));
    let hints: Vec<&str> = report
        .problems
        .iter()
        .filter_map(|p| p.help.as_deref())
        .collect();
    assert_eq!(hints.len(), 3, "{:#?}", problems(&report));
    assert!(hints[0].contains("YAML reads unquoted yes/no/on/off"));
    assert!(hints[1].contains("1.10 becomes 1.1"));
    assert!(hints[2].contains("remove the quotes: write 5000"));
}

#[test]
fn every_problem_of_a_document_is_reported() {
    let text = deployment("          imagePullPolicy: Sometimes\n          ports: [{containerPort: 70000}]\n          bogus: 1\n")
        .replace("replicas", "x");
    let report = validate(&text);
    assert!(report.error_count() >= 3, "{:#?}", problems(&report));
}

// 2. Inputs: files, folders, stdin, JSON, Lists, empty documents.

#[test]
fn helm_template_output_passes() {
    let inputs = collect_inputs(&[fixture("helm-template.yaml")]).expect("the fixture exists");
    let report = Validator::default().complete(true).validate_inputs(inputs);
    assert!(report.problems.is_empty(), "{:#?}", problems(&report));
    assert_eq!(report.objects, 7);
    assert_eq!(report.documents, 7);
}

#[test]
fn tack_render_output_passes() {
    let inputs = collect_inputs(&[fixture("release.yaml")]).expect("the fixture exists");
    let report = Validator::default()
        .complete(true)
        .external("Secret/mnist-tls")
        .validate_inputs(inputs);
    assert!(report.problems.is_empty(), "{:#?}", problems(&report));
}

#[test]
fn lists_are_validated_item_by_item() {
    let inputs = collect_inputs(&[fixture("list.json")]).expect("the fixture exists");
    let report = Validator::default().validate_inputs(inputs);
    assert_eq!(report.objects, 2);
    assert_eq!(report.problems.len(), 1, "{:#?}", problems(&report));
    let problem = &report.problems[0];
    assert_eq!(problem.object.as_deref(), Some("Service/ml/web"));
    assert_eq!(problem.path, "/spec/ports/0/targetPort");
    assert!(
        problem
            .message
            .contains("\"8080\" is not a valid port name")
    );
    assert!(
        validate("apiVersion: v1\nkind: List\nitems: []\n")
            .problems
            .is_empty()
    );
}

#[test]
fn empty_and_comment_only_input_is_valid() {
    for text in [
        "",
        "\n\n",
        "# nothing here\n",
        "---\n---\n# only comments\n...\n",
    ] {
        let report = validate(text);
        assert!(
            report.problems.is_empty() && report.objects == 0,
            "{text:?}"
        );
    }
}

#[test]
fn generate_name_without_name_is_valid() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: train-}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: t, image: i}]\n";
    let report = validate(job);
    assert!(report.problems.is_empty(), "{:#?}", problems(&report));
}

#[test]
fn folders_are_searched_for_manifests() {
    let dir = std::env::temp_dir().join(format!("tack-validate-{}", std::process::id()));
    let nested = dir.join("nested");
    std::fs::create_dir_all(&nested).expect("temp dir");
    std::fs::write(
        dir.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .expect("write");
    std::fs::write(
        nested.join("b.json"),
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}",
    )
    .expect("write");
    std::fs::write(nested.join("notes.txt"), "not a manifest").expect("write");
    let inputs = collect_inputs(std::slice::from_ref(&dir)).expect("the folder exists");
    assert_eq!(inputs.len(), 2);
    assert!(matches!(&inputs[0], Input::Path(p) if p.ends_with("a.yaml")));
    let report = Validator::default().validate_inputs(inputs);
    assert_eq!(report.objects, 2);
    assert!(report.is_valid());
    let _ = std::fs::remove_dir_all(&dir);
}

// 3. Removed and deprecated APIs.

#[test]
fn removed_apis_are_errors_with_their_replacement() {
    let ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  backend: {serviceName: web, servicePort: 80}\n";
    let report = validate(ingress);
    assert_eq!(report.problems[0].check, Check::RemovedApi);
    assert!(
        report.problems[0]
            .message
            .contains("removed in Kubernetes 1.22")
    );
    assert!(
        report.problems[0]
            .message
            .contains("use networking.k8s.io/v1")
    );
    assert!(
        report.problems[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("service.name"))
    );
    // Before removal it is deprecated: a warning, and the object is skipped (no schema).
    let old = Validator::default()
        .kube_version(KubeVersion::new(19))
        .validate_str("in.yaml", ingress);
    assert!(old.is_valid(), "{:#?}", problems(&old));
    assert_eq!(old.warning_count(), 1);
    assert_eq!(old.skipped_kinds(), ["extensions/v1beta1/Ingress"]);
    let hpa =
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n";
    let at_25 = Validator::default()
        .kube_version(KubeVersion::new(25))
        .validate_str("h.yaml", hpa);
    assert!(at_25.is_valid());
    let at_26 = Validator::default()
        .kube_version(KubeVersion::new(26))
        .validate_str("h.yaml", hpa);
    assert!(!at_26.is_valid());
}

#[test]
fn apis_newer_than_the_target_are_errors() {
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: c, image: i}]\n";
    assert!(validate(cron).is_valid());
    let report = Validator::default()
        .kube_version(KubeVersion::new(20))
        .validate_str("c.yaml", cron);
    assert!(errors(&report)[0].contains("only served from Kubernetes 1.21"));
    assert_eq!(
        report.problems[0].help.as_deref(),
        Some("for Kubernetes 1.20 use batch/v1beta1")
    );
}

// 4. API-server rules.

#[test]
fn api_server_rules_are_errors() {
    let cases = [
        (
            deployment("          ports: [{containerPort: 0}]\n"),
            "containerPort 0 is not a valid port",
        ),
        (
            deployment("").replace("containers:", "restartPolicy: Never\n      containers:"),
            "restartPolicy Always",
        ),
        (
            deployment("").replace("matchLabels: {app: mnist}", "matchLabels: {app: other}"),
            "selector does not match",
        ),
        (
            deployment("").replace("name: mnist\nspec", "name: MNIST\nspec"),
            "invalid name \"MNIST\"",
        ),
        (
            deployment("").replace("labels: {app: mnist}", "labels: {app: mnist, bad key: x}"),
            "invalid label key \"bad key\"",
        ),
        (
            deployment("          resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}\n"),
            "above its limit",
        ),
    ];
    for (text, expected) in cases {
        let report = validate(&text);
        let found = errors(&report);
        assert!(
            found
                .iter()
                .any(|e| e.contains(expected) && e.starts_with("[rules]")),
            "{expected}: {found:#?}"
        );
    }
}

#[test]
fn duplicate_objects_are_errors() {
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ml}\n";
    let report = validate(&format!("{config}---\n{config}"));
    assert_eq!(
        errors(&report),
        ["[rules] /metadata/name duplicate ConfigMap/ml/a: also defined at in.yaml:1"]
    );
    assert_eq!(report.problems[0].location.line, 7);
    // Same name, other namespace: fine.
    let other = config.replace("ml", "staging");
    assert!(validate(&format!("{config}---\n{other}")).is_valid());
}

// 5. Cross-object checks.

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: mnist}\nspec:\n  selector: {app: mnist}\n  ports: [{name: http, port: 80, targetPort: http}]\n";

#[test]
fn references_outside_the_input_are_warnings_unless_complete() {
    let text = format!(
        "{}---\n{SERVICE}",
        deployment(
            "          ports: [{name: http, containerPort: 5000}]\n          envFrom: [{secretRef: {name: creds}}]\n"
        )
    );
    let report = validate(&text);
    assert!(report.is_valid());
    assert_eq!(
        problems(&report),
        [
            "warning[references] /spec/template/spec/containers/0/envFrom/0/secretRef/name Secret \"creds\" is not in the input"
        ]
    );
    let complete = Validator::default()
        .complete(true)
        .validate_str("in.yaml", &text);
    assert_eq!(complete.error_count(), 1);
    let external = Validator::default()
        .complete(true)
        .external("creds")
        .validate_str("in.yaml", &text);
    assert!(external.problems.is_empty());
    let schema_only = Validator::default()
        .complete(true)
        .checks(Checks::schema_only())
        .validate_str("in.yaml", &text);
    assert!(schema_only.problems.is_empty());
}

#[test]
fn services_must_select_pods_with_their_target_port() {
    let report = Validator::default()
        .complete(true)
        .validate_str("in.yaml", &format!("{}---\n{SERVICE}", deployment("")));
    assert_eq!(
        errors(&report),
        [
            "[references] /spec/ports/0/targetPort targetPort \"http\" is not a port of the containers this Service selects"
        ]
    );
    let report = Validator::default()
        .complete(true)
        .validate_str("in.yaml", SERVICE);
    assert!(errors(&report)[0].contains("matches no pod template"));
}

#[test]
fn ingress_backends_must_name_a_service_port() {
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n    - http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: mnist, port: {number: 8080}}}}\n";
    let text = format!(
        "{}---\n{SERVICE}---\n{ingress}",
        deployment("          ports: [{name: http, containerPort: 5000}]\n")
    );
    let report = validate(&text);
    assert_eq!(
        errors(&report),
        [
            "[references] /spec/rules/0/http/paths/0/backend/service/port Service \"mnist\" has no port 8080; it has: 80 (http)"
        ]
    );
    assert!(validate(&text.replace("8080", "80")).problems.is_empty());
}

// 6. Kinds without a schema.

const WIDGET: &str =
    "apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0, colour: red}\n";

#[test]
fn unknown_kinds_are_skipped_or_rejected() {
    let report = validate(WIDGET);
    assert!(report.problems.is_empty());
    assert_eq!(report.skipped_kinds(), ["acme.io/v1/Widget"]);
    let rejected = Validator::default()
        .reject_unknown_kinds(true)
        .validate_str("w.yaml", WIDGET);
    assert_eq!(
        errors(&rejected),
        ["[schema] /kind no schema for Widget acme.io/v1"]
    );
}

#[test]
fn schema_dirs_add_custom_kinds() {
    let validator = Validator::default().schema_dir(fixture("crds"));
    validator
        .check_schema_dirs()
        .expect("the fixture folder exists");
    let report = validator.validate_str("w.yaml", WIDGET);
    let found = errors(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|e| e.contains("/spec/size") && e.contains("below the minimum 1"))
    );
    assert!(
        found.iter().any(|e| e.contains("unknown field \"colour\"")),
        "{found:#?}"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.help.as_deref() == Some("did you mean \"color\"?"))
    );
    assert!(
        Validator::default()
            .schema_dir("/nonexistent")
            .check_schema_dirs()
            .is_err()
    );
}

// 7. Already-parsed objects (the render pipeline).

#[test]
fn parsed_objects_are_validated_as_a_complete_set() {
    let objects = [
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "annotations": null}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
    ];
    let documents: Vec<Document> = objects
        .iter()
        .enumerate()
        .map(|(i, v)| Document::new(v.clone(), format!("chart/templates/{i}.yaml"), 1))
        .collect();
    let validator = Validator::default().complete(true);
    let report = validator.validate_objects(&documents);
    assert_eq!(
        errors(&report),
        ["[references] /spec/selector the selector app=web matches no pod template in the input"]
    );
    assert_eq!(
        report.sources.name(report.problems[0].location.source),
        "chart/templates/1.yaml"
    );
    // Many calls reuse compiled validators and give the same answer.
    for _ in 0..20 {
        assert_eq!(
            validator.validate_objects(&documents).problems,
            report.problems
        );
    }
}

// Bad input.

#[test]
fn bad_input_is_reported_per_document_never_a_panic() {
    let cases: [(&str, &str); 7] = [
        ("a: [1, 2\n", "invalid YAML"),
        ("- just\n- a list\n", "this document is a list"),
        (
            "kind: ConfigMap\nmetadata: {name: a}\n",
            "missing apiVersion",
        ),
        ("apiVersion: v1\nmetadata: {name: a}\n", "missing kind"),
        (
            "apiVersion: apps/v9\nkind: Deployment\nmetadata: {name: a}\n",
            "apps/v9 does not serve Deployment",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 1}\ndata: {k: 2}\n",
            "duplicate key `data`",
        ),
        ("\u{1}\u{2}garbage\u{0}\u{7f}", "NUL bytes"),
    ];
    for (text, expected) in cases {
        let report = validate(&format!(
            "{text}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: fine}}\n"
        ));
        assert_eq!(
            report.error_count(),
            1,
            "{expected}: {:#?}",
            problems(&report)
        );
        assert!(
            report.problems[0].message.contains(expected),
            "{expected}: {:#?}",
            problems(&report)
        );
        // The next document was still read.
        assert_eq!(
            report.objects,
            1 + usize::from(report.problems[0].object.is_some())
        );
    }
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let report = Validator::default().validate_reader("garbage.bin", binary.as_slice());
    assert!(!report.is_valid());
    assert!(!report.has_input_errors());
}

#[test]
fn a_missing_file_is_an_input_error() {
    let report = Validator::default()
        .validate_inputs(vec![Input::Path(PathBuf::from("/no/such/file.yaml"))]);
    assert!(report.has_input_errors());
    assert!(collect_inputs(&[PathBuf::from("/no/such/file.yaml")]).is_err());
}

#[test]
fn a_stream_of_documents_is_read_in_order() {
    let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{}\ndata: {k: v}\n";
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..3000 {
        text.push_str("---\n");
        text.push_str(&one.replace("{}", &i.to_string()));
        if i % 1000 == 999 {
            expected.push(text.lines().count() + 1);
            text.push_str("extra: field\n");
        }
    }
    let report = Validator::default().validate_str("stream.yaml", &text);
    assert_eq!(report.objects, 3000);
    let lines: Vec<usize> = report
        .problems
        .iter()
        .map(|p| p.location.line as usize)
        .collect();
    assert_eq!(lines, expected, "{:#?}", problems(&report));
}

// The command line.

#[test]
fn cli_validates_stdin_with_exit_codes() {
    let ok = tack(
        &["validate", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("valid: 0 errors, 0 warnings in 1 object"));
    let bad = tack(
        &["validate"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A}\n"),
    );
    assert_eq!(bad.status.code(), Some(1));
    let text = stdout(&bad);
    assert!(
        text.contains("error[rules]: ConfigMap/A: invalid name \"A\""),
        "{text}"
    );
    assert!(
        text.contains("--> <stdin>:3\n = note: at /metadata/name"),
        "{text}"
    );
    let missing = tack(&["validate", "/no/such/file.yaml"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /no/such/file.yaml"));
}

#[test]
fn cli_flags() {
    let file = fixture("helm-template.yaml");
    let file = file.to_str().expect("a UTF-8 path");
    for version in ["1.33", "1.33.0", "v1.30"] {
        let out = tack(
            &[
                "validate",
                file,
                "--kube-version",
                version,
                "--complete",
                "--summary",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{version}: {}", stdout(&out));
        assert_eq!(stdout(&out).lines().count(), 1);
    }
    let bad_version = tack(&["validate", file, "--kube-version", "1.99"], None);
    assert_eq!(bad_version.status.code(), Some(2));
    let unknown = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nextra: 1\n";
    assert_eq!(
        tack(&["validate", "--strict"], Some(unknown)).status.code(),
        Some(1)
    );
    assert_eq!(
        tack(&["validate", "--no-strict"], Some(unknown))
            .status
            .code(),
        Some(0)
    );
    let widget = tack(&["validate", "--reject-unknown-kinds"], Some(WIDGET));
    assert_eq!(widget.status.code(), Some(1));
    let dir = fixture("crds");
    let custom = tack(
        &[
            "validate",
            "--schema-dir",
            dir.to_str().unwrap_or("."),
            "--format",
            "json",
        ],
        Some(WIDGET),
    );
    assert_eq!(custom.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&custom)).expect("JSON output");
    assert_eq!(json["summary"]["errors"], 2);
    assert_eq!(json["problems"][0]["object"], "Widget/w");
    let refs = format!("{}---\n{SERVICE}", deployment(""));
    assert_eq!(
        tack(&["validate", "--complete"], Some(&refs)).status.code(),
        Some(1)
    );
    assert_eq!(
        tack(
            &["validate", "--complete", "--checks", "schema"],
            Some(&refs)
        )
        .status
        .code(),
        Some(0)
    );
    let secret_ref = deployment("          envFrom: [{secretRef: {name: creds}}]\n");
    assert_eq!(
        tack(&["validate", "--complete"], Some(&secret_ref))
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        tack(
            &["validate", "--complete", "--external", "Secret/creds"],
            Some(&secret_ref)
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        tack(&["validate", "--checks", "spelling"], Some(""))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn cli_junit_output() {
    let out = tack(
        &["validate", "--format", "junit"],
        Some(&format!(
            "{WIDGET}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: Bad}}\n"
        )),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(
        text.contains(
            "<testsuite name=\"&lt;stdin&gt;\" tests=\"2\" failures=\"1\" skipped=\"1\">"
        ),
        "{text}"
    );
}

// Streaming: problems are handed on as found, not kept.

/// `count` ConfigMaps, each with a misspelt field, and one Service that selects no pods.
fn misspelt_configmaps(count: usize) -> String {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: config-{i}}}\ndta: {{key: value}}\n"
        ));
    }
    text.push_str("---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n");
    text
}

#[test]
fn problems_handed_to_a_sink_are_those_of_the_report_in_the_same_order() {
    let text = misspelt_configmaps(200);
    let input = || {
        vec![Input::Text {
            name: "in.yaml".to_string(),
            text: text.clone(),
        }]
    };
    let kept = Validator::default().validate_inputs(input());
    let mut handed = Vec::new();
    let streamed = Validator::default().validate_inputs_to(input(), &mut |problem, sources| {
        assert_eq!(sources.name(problem.location.source), "in.yaml");
        handed.push(problem);
    });
    assert!(streamed.problems.is_empty());
    assert_eq!(handed, kept.problems);
    assert_eq!(kept.problems.len(), 201);
    // The cross-object warning comes last, after every object's own problems.
    assert_eq!(handed.last().map(|p| p.check), Some(Check::References));
    assert_eq!(
        (streamed.error_count(), streamed.warning_count()),
        (kept.error_count(), kept.warning_count())
    );
    assert_eq!((streamed.error_count(), streamed.warning_count()), (200, 1));
    assert!(!streamed.is_valid() && !streamed.has_input_errors());
}

#[test]
fn every_format_reports_a_long_stream_whole_and_in_input_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("stream.yaml");
    std::fs::write(&path, misspelt_configmaps(3000)).expect("stream written");
    let path = path.to_str().expect("UTF-8 path");

    let human = tack(&["validate", path], None);
    assert_eq!(human.status.code(), Some(1));
    let out = stdout(&human);
    let lines: Vec<usize> = out
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("--> {path}:")))
        .filter_map(|l| l.parse().ok())
        .collect();
    assert_eq!(
        lines.len(),
        3001,
        "{}",
        &out[out.len().saturating_sub(500)..]
    );
    assert!(lines.windows(2).take(2999).all(|w| w[0] < w[1]));
    assert!(
        out.ends_with("invalid: 3000 errors, 1 warning in 3001 objects (3001 documents)\n"),
        "{}",
        &out[out.len().saturating_sub(300)..]
    );

    let json = tack(&["validate", "--format", "json", path], None);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    let problems = report["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 3001);
    assert_eq!(report["summary"]["errors"], 3000);
    assert_eq!(problems[0]["object"], "ConfigMap/config-0");
    assert_eq!(problems[2999]["object"], "ConfigMap/config-2999");
    assert_eq!(problems[3000]["check"], "references");

    let junit = tack(&["validate", "--format", "junit", path], None);
    let xml = stdout(&junit);
    assert!(
        xml.contains("tests=\"3001\" failures=\"3000\""),
        "{}",
        &xml[..300.min(xml.len())]
    );
}
