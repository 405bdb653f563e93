//! The pre-commit hooks, for real: a temporary git repository runs this repository's hooks
//! with the `pre-commit` tool (`pre-commit try-repo`, which builds tack with cargo as
//! `language: rust` says). A broken manifest or chart fails with tack's message; once fixed,
//! the hooks pass.
//!
//! Needs `pre-commit` on PATH (`.ci/run` installs it from PyPI in a virtualenv) and takes a
//! few minutes (a release build), so the hooks test is ignored by a plain `cargo test`:
//! `cargo test --test precommit -- --ignored`.

mod common;

use common::root;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", root().join("target/pre-commit-home"))
        .env("CARGO_TARGET_DIR", root().join("target/pre-commit-build"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|err| {
            panic!("cannot run {program}: {err} (install it: pip install pre-commit)")
        })
}

fn git(dir: &Path, args: &[&str]) {
    let output = run(
        dir,
        "git",
        &[
            &["-c", "user.name=tack", "-c", "user.email=tack@example.com"],
            args,
        ]
        .concat(),
    );
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn try_hook(dir: &Path, hook: &str, files: &[&str]) -> (bool, String) {
    let repo = root();
    let mut args = vec![
        "try-repo",
        repo.to_str().expect("UTF-8 path"),
        hook,
        "--verbose",
        "--files",
    ];
    args.extend(files);
    let output = run(dir, "pre-commit", &args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

const GOOD: &str = "apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
";

#[test]
#[ignore = "needs the pre-commit tool and a release build; run by .ci/run"]
fn hooks_fail_on_broken_files_and_pass_once_fixed() {
    let dir = std::env::temp_dir().join(format!("tack-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("k8s")).expect("temp repo");
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("k8s/good.yaml"), GOOD).expect("write");
    let other = GOOD.replace("web", "api");
    std::fs::write(
        dir.join("k8s/broken.yaml"),
        other.replace("replicas: 2", "replicaz: 2"),
    )
    .expect("write");
    std::fs::write(
        dir.join("settings.yaml"),
        "# not a Kubernetes object: skipped\nreplicas: 3\n",
    )
    .expect("write");
    git(&dir, &["add", "."]);

    let files = ["k8s/good.yaml", "k8s/broken.yaml", "settings.yaml"];
    let (passed, output) = try_hook(&dir, "tack-validate", &files);
    assert!(
        !passed,
        "tack-validate passed on a broken manifest:\n{output}"
    );
    assert!(output.contains("k8s/broken.yaml"), "{output}");
    assert!(
        output.contains("replicaz"),
        "tack's message is missing:\n{output}"
    );
    assert!(
        !output.contains("settings.yaml:"),
        "a non-Kubernetes file was checked:\n{output}"
    );

    std::fs::write(dir.join("k8s/broken.yaml"), &other).expect("fix");
    git(&dir, &["add", "."]);
    let (passed, output) = try_hook(&dir, "tack-validate", &files);
    assert!(passed, "tack-validate failed on fixed manifests:\n{output}");

    // Many files: pre-commit would split them across processes (one per core) unless the
    // hook says `require_serial`, and the cross-file checks would lose sight of each other.
    // The same Deployment in the first and the last file must still be caught, and a
    // Service in one file and its pods in another must not be reported as selecting none.
    std::fs::create_dir_all(dir.join("k8s/many")).expect("folder");
    let mut many: Vec<String> = Vec::new();
    for i in 0..40 {
        let file = format!("k8s/many/{i:02}.yaml");
        let text = match i {
            0 => GOOD.split("---").nth(1).unwrap_or_default().to_string(),
            1 => GOOD.split("---").next().unwrap_or_default().to_string(),
            39 => GOOD.split("---").nth(1).unwrap_or_default().to_string(),
            _ => format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: settings-{i}}}\ndata: {{a: b}}\n"
            ),
        };
        std::fs::write(dir.join(&file), text).expect("write");
        many.push(file);
    }
    git(&dir, &["add", "."]);
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (passed, output) = try_hook(&dir, "tack-validate", &many);
    assert!(!passed, "a Deployment in two files passed:\n{output}");
    assert!(output.contains("duplicate Deployment/web"), "{output}");
    assert!(
        !output.contains("selects no"),
        "a Service lost its pods:\n{output}"
    );

    // tack-lint: a chart whose values have a misspelled key.
    let chart = dir.join("charts/model-serving");
    std::fs::create_dir_all(&chart).expect("chart folder");
    for file in ["Chart.yaml", "values.yaml"] {
        std::fs::copy(
            root().join("charts/model-serving").join(file),
            chart.join(file),
        )
        .expect("copy chart");
    }
    let values = std::fs::read_to_string(chart.join("values.yaml")).expect("read values");
    std::fs::write(
        chart.join("values.yaml"),
        values.replace("replicas: 3", "replicsa: 3"),
    )
    .expect("break values");
    git(&dir, &["add", "."]);
    let (passed, output) = try_hook(&dir, "tack-lint", &["charts/model-serving/values.yaml"]);
    assert!(!passed, "tack-lint passed on a broken chart:\n{output}");
    assert!(
        output.contains("did you mean `replicas`?"),
        "tack's message is missing:\n{output}"
    );

    std::fs::write(chart.join("values.yaml"), values).expect("fix values");
    git(&dir, &["add", "."]);
    let (passed, output) = try_hook(&dir, "tack-lint", &["charts/model-serving/values.yaml"]);
    assert!(passed, "tack-lint failed on a fixed chart:\n{output}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's pre-commit snippet pins a released version: one with a heading in
/// CHANGELOG.md and, in a clone that carries the repository's tags, a git tag of that name.
/// (A clone of one branch has no tags; the CHANGELOG is the record that travels with it.)
#[test]
fn the_readme_pins_a_released_version() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let rev = readme
        .lines()
        .find_map(|line| line.trim().strip_prefix("rev: "))
        .expect("the README's pre-commit snippet has a rev");
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).expect("CHANGELOG.md");
    let released: Vec<&str> = changelog
        .lines()
        .filter_map(|line| line.strip_prefix("## v"))
        .filter_map(|heading| heading.split_whitespace().next())
        .collect();
    assert!(
        released.iter().any(|version| format!("v{version}") == rev),
        "the README pins rev {rev}, which CHANGELOG.md does not list as released ({released:?})"
    );
    let tags = run(&root(), "git", &["tag", "--list"]);
    let tags = String::from_utf8_lossy(&tags.stdout);
    if !tags.trim().is_empty() {
        assert!(
            tags.lines().any(|tag| tag == rev),
            "the README pins rev {rev}, which is not a tag of this repository"
        );
    }
}
