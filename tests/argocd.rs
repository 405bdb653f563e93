//! The Argo CD plugin contract: `tack argocd generate|parameters|discover` run as
//! argocd-cmp-server runs them: in the app's source folder inside a copy of the repository,
//! with a clean environment holding only the documented variables, stdin closed, under a
//! timeout; the source tree is left as it was. `generate` must equal `tack render` of the
//! same inputs, and every failure is a non-zero exit with nothing on stdout.

mod common;

use common::{copy_dir, root, tack, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A copy of this repository's charts, value files and tack.yaml, as the repo-server
/// unpacks a repository.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    for dir in ["charts", "values"] {
        copy_dir(&root().join(dir), &repo.path().join(dir));
    }
    std::fs::copy(root().join("tack.yaml"), repo.path().join("tack.yaml")).expect("copy");
    repo
}

/// Every file under `dir` with its bytes, to show a command changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable") {
            let path = entry.expect("entry").path();
            let kind = std::fs::symlink_metadata(&path)
                .expect("metadata")
                .file_type();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).expect("readable");
                files.push((path, bytes));
            } else {
                // Links and FIFOs: their names (reading a FIFO would block).
                files.push((path, Vec::new()));
            }
        }
    }
    files.sort();
    files
}

fn set_read_only(dir: &Path, read_only: bool) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable") {
            let path = entry.expect("entry").path();
            let metadata = std::fs::symlink_metadata(&path).expect("metadata");
            if metadata.file_type().is_symlink() {
                continue; // its target is not the repository's
            }
            if metadata.is_dir() {
                stack.push(path.clone());
            }
            let mut permissions = metadata.permissions();
            permissions.set_readonly(read_only);
            std::fs::set_permissions(&path, permissions).expect("chmod");
        }
    }
}

/// Runs `tack argocd COMMAND` as argocd-cmp-server does: in `repo/source_path`, with only
/// `env` (and the variables Argo CD always sets), stdin closed, killed after 60 seconds.
fn plugin(repo: &Path, source_path: &str, command: &str, env: &[(&str, &str)]) -> Output {
    let cwd = repo.join(source_path);
    let before = snapshot(repo);
    set_read_only(repo, true);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tack"))
        .args(["argocd", command])
        .current_dir(&cwd)
        .env_clear()
        .env("ARGOCD_APP_SOURCE_PATH", source_path)
        .env(
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://git.example.com/ml/deploy.git",
        )
        .env("ARGOCD_APP_SOURCE_TARGET_REVISION", "main")
        .env(
            "ARGOCD_APP_REVISION",
            "0123456789abcdef0123456789abcdef01234567",
        )
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tack runs");
    // Read both pipes while waiting, so a large output cannot fill a pipe and stall.
    let mut stdout_pipe = child.stdout.take().expect("stdout");
    let mut stderr_pipe = child.stderr.take().expect("stderr");
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut bytes).expect("stdout");
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stderr_pipe, &mut bytes).expect("stderr");
        bytes
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tack argocd {command} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: stdout.join().expect("stdout thread"),
        stderr: stderr.join().expect("stderr thread"),
    };
    set_read_only(repo, false);
    assert!(
        snapshot(repo) == before,
        "tack argocd {command} changed the source tree"
    );
    output
}

const CANARY: &str = r#"[{"array":["../../values/canary.yaml"],"name":"valueFiles"},{"name":"canaryWeight","string":"30"},{"map":{"replicas":"20"},"name":"set"}]"#;

#[test]
fn generate_renders_a_chart_as_tack_render_does() {
    let repo = repository();
    let output = plugin(
        repo.path(),
        "charts/model-serving",
        "generate",
        &[
            ("ARGOCD_APP_NAME", "mnist-canary"),
            ("ARGOCD_APP_NAMESPACE", "ml"),
            ("KUBE_VERSION", "1.33"),
            (
                "KUBE_API_VERSIONS",
                "v1,v1/ConfigMap,apps/v1,apps/v1/Deployment",
            ),
            ("ARGOCD_APP_PARAMETERS", CANARY),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        output.stderr.is_empty(),
        "stderr on success: {}",
        text(&output.stderr)
    );
    let expected = tack(
        &root(),
        &[
            "render",
            "mnist-canary",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--namespace",
            "ml",
            "--kube-version",
            "1.33",
            "--set",
            "strategy.canary.weight=30",
            "--set",
            "replicas=20",
        ],
    );
    assert!(expected.status.success(), "{}", text(&expected.stderr));
    assert_eq!(text(&output.stdout), text(&expected.stdout));
    assert!(
        text(&output.stdout).contains("replicas: 14"),
        "20 pods, 30% canary"
    );
}

#[test]
fn generate_renders_the_releases_of_a_tack_yaml() {
    let repo = repository();
    let parameters =
        r#"[{"name":"only","string":"mnist-blue-green"},{"name":"activeColour","string":"green"}]"#;
    let output = plugin(
        repo.path(),
        ".",
        "generate",
        &[
            ("ARGOCD_APP_NAME", "ml"),
            ("ARGOCD_APP_PARAMETERS", parameters),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // The release of tack.yaml (chart, value file, namespace) with the switch to green.
    let expected = tack(
        &root(),
        &[
            "render",
            "mnist-blue-green",
            "charts/model-serving",
            "-f",
            "values/blue-green.yaml",
            "--namespace",
            "ml-blue-green",
            "--set-literal",
            "strategy.blueGreen.active=green",
        ],
    );
    assert!(expected.status.success(), "{}", text(&expected.stderr));
    same(&text(&output.stdout), &text(&expected.stdout));
    assert!(text(&output.stdout).contains("color: green"));
    // Without `only`: every release, in file order.
    let all = plugin(repo.path(), ".", "generate", &[("ARGOCD_APP_NAME", "ml")]);
    let expected = tack(&root(), &["render", "-r", "tack.yaml"]);
    same(&text(&all.stdout), &text(&expected.stdout));
}

/// Equal outputs, or the first line that differs.
fn same(actual: &str, expected: &str) {
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "outputs differ at line {}: {:?} vs {:?}",
            line + 1,
            actual.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}

#[test]
fn parameters_announce_what_the_source_renders_with() {
    let repo = repository();
    let output = plugin(
        repo.path(),
        "charts/model-serving",
        "parameters",
        &[("ARGOCD_APP_NAME", "mnist")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let announced: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let list = announced.as_array().expect("a list");
    let names: Vec<&str> = list
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, tack::argocd::NAMES);
    let value_files = &list[0];
    assert_eq!(value_files["collectionType"], "array");
    let tooltip = value_files["tooltip"].as_str().expect("tooltip");
    assert!(tooltip.contains("../../values/canary.yaml"), "{tooltip}");
    assert_eq!(list[3]["string"], "mnist");
    assert_eq!(list[5]["string"], "rollingUpdate");
    assert_eq!(list[8]["string"], "1.9.1");
}

#[test]
fn discover_recognises_tack_sources_only() {
    let repo = repository();
    copy_dir(
        &root().join("tests/fixtures/helm-create/fraud-detector"),
        &repo.path().join("helm/fraud-detector"),
    );
    for (path, expected) in [
        ("charts/model-serving", "Chart.yaml\n"),
        ("charts/mnist-pipeline", "Chart.yaml\n"),
        (".", "tack.yaml\n"),
        ("values", ""),
        ("helm/fraud-detector", ""),
    ] {
        let output = plugin(repo.path(), path, "discover", &[]);
        assert_eq!(output.status.code(), Some(0), "{path}");
        assert_eq!(text(&output.stdout), expected, "{path}");
    }
}

#[test]
fn every_failure_exits_non_zero_with_nothing_on_stdout() {
    let repo = repository();
    // Files of the repository that are not values (their text is the repository's, so an
    // error may quote it), and a planted secret outside it, reached through a link inside.
    std::fs::write(repo.path().join("secret.txt"), "not values\n").expect("write");
    std::fs::write(repo.path().join("secret.yaml"), "a: 1\na: 2\n").expect("write");
    let linked = tempfile::tempdir().expect("temp dir");
    std::fs::write(linked.path().join("v.yaml"), "apiKey: hunter2\n").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        linked.path().join("v.yaml"),
        repo.path().join("values/link.yaml"),
    )
    .expect("symlink");
    #[cfg(unix)]
    {
        let fifo = repo.path().join("values/fifo.yaml");
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    std::fs::create_dir_all(repo.path().join("empty")).expect("folder");
    std::fs::write(repo.path().join("empty/tack.yaml"), "releases: []\n").expect("write");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("v.yaml"), "password: hunter2\n").expect("write");
    let outside_file = format!(
        "{}/v.yaml",
        pathdiff(&repo.path().join("charts/model-serving"), outside.path())
    );
    let escape = format!(r#"[{{"name":"valueFiles","array":["{outside_file}"]}}]"#);
    let passwd = r#"[{"name":"valueFiles","array":["../../../../../../../../etc/passwd"]}]"#;
    for (path, env, expected) in [
        (
            "charts/model-serving",
            vec![("ARGOCD_APP_PARAMETERS", "{not json")],
            "not Argo CD's parameter list",
        ),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valuesFiles","array":["a.yaml"]}]"#,
            )],
            "unknown parameter `valuesFiles`",
        ),
        (
            "charts/model-serving",
            vec![("ARGOCD_APP_PARAMETERS", passwd)],
            "outside the repository",
        ),
        (
            // Outside by name, whether or not it exists: refused before anything is probed.
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valueFiles","array":["../../../no-such-file.yaml"]}]"#,
            )],
            "outside the repository",
        ),
        (
            "charts/model-serving",
            vec![("ARGOCD_APP_PARAMETERS", escape.as_str())],
            "outside the repository",
        ),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"set","array":["replicas=many"]}]"#,
            )],
            "replicas",
        ),
        (
            "charts/model-serving",
            vec![("KUBE_VERSION", "one point thirty")],
            "KUBE_VERSION",
        ),
        ("values", vec![], "not a tack source"),
        ("empty", vec![], "no releases"),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valueFiles","array":["../../secret.txt"]}]"#,
            )],
            "secret.txt",
        ),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valueFiles","array":["../../secret.yaml"]}]"#,
            )],
            "duplicate key",
        ),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valueFiles","array":["../../values/link.yaml"]}]"#,
            )],
            "outside the repository",
        ),
        (
            "charts/model-serving",
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"valueFiles","array":["../../values/fifo.yaml"]}]"#,
            )],
            "FIFO",
        ),
    ] {
        let output = plugin(repo.path(), path, "generate", &env);
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{path} {env:?}: exit 0");
        assert!(
            output.stdout.is_empty(),
            "{path} {env:?}: stdout {}",
            text(&output.stdout)
        );
        assert!(stderr.contains(expected), "{path} {env:?}: {stderr}");
        assert!(
            !stderr.contains("root:") && !stderr.contains("hunter2"),
            "{stderr}"
        );
    }
}

/// `to` relative to the folder `from` (both absolute).
fn pathdiff(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[test]
fn deploy_argocd_validates_and_calls_the_plugin_commands() {
    let output = tack(&root(), &["validate", "deploy/argocd"]);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let plugin =
        std::fs::read_to_string(root().join("deploy/argocd/plugin.yaml")).expect("plugin.yaml");
    for command in ["generate", "discover", "parameters"] {
        assert!(
            plugin.contains(&format!("command: [tack, argocd, {command}]")),
            "plugin.yaml does not run `tack argocd {command}`"
        );
    }
    let dockerfile =
        std::fs::read_to_string(root().join("deploy/argocd/Dockerfile")).expect("Dockerfile");
    assert!(
        dockerfile
            .contains("COPY deploy/argocd/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml")
    );
    assert!(dockerfile.contains("USER 999") && dockerfile.contains("+crt-static"));
}
