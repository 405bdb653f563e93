//! `tack diff`: against the render without `--set`, and against a git revision.

mod common;

use common::{root, tack};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=tack",
            "-c",
            "user.email=tack@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn blue_green_flip_shows_the_selector_change_and_exits_1() {
    let output = tack(
        &root(),
        &[
            "diff",
            "charts/model-serving",
            "-f",
            "values/blue-green.yaml",
            "--set",
            "strategy.blueGreen.active=green",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Service/mnist: spec.selector.color blue -> green"),
        "{stdout}"
    );
    // The idle colour already runs at full size: the switch moves traffic, not pods.
    assert!(!stdout.contains("spec.replicas"), "{stdout}");
}

#[test]
fn no_change_exits_0_and_secrets_never_show() {
    let same = tack(
        &root(),
        &["diff", "charts/model-serving", "--set", "replicas=3"],
    );
    assert_eq!(same.status.code(), Some(0));
    assert!(same.stdout.is_empty());
    let secret = tack(
        &root(),
        &[
            "diff",
            "charts/model-serving",
            "--set",
            "secrets.apiKey.value=rotated-key",
        ],
    );
    let stdout = String::from_utf8_lossy(&secret.stdout);
    assert_eq!(secret.status.code(), Some(1));
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("Secret/mnist: data.apiKey changed (secret value not shown)")
    );
    // The pods roll: their checksum of the Secret changes (a hash of the whole Secret, never
    // of the value alone).
    let roll = lines.next().unwrap_or_default();
    assert!(
        roll.starts_with(
            "Deployment/mnist: spec.template.metadata.annotations.checksum/secret-mnist "
        ),
        "{stdout}"
    );
    assert_eq!(lines.next(), None);
    assert!(!stdout.contains("rotated-key"));
    assert!(!String::from_utf8_lossy(&secret.stderr).contains("rotated-key"));
}

#[test]
fn against_a_git_revision() {
    let dir = std::env::temp_dir().join(format!("tack-diff-repo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &root().join("charts/model-serving"),
        &dir.join("charts/model-serving"),
    );
    std::fs::create_dir_all(dir.join("values")).expect("values folder");
    std::fs::copy(
        root().join("values/canary.yaml"),
        dir.join("values/canary.yaml"),
    )
    .expect("copy");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    let text = std::fs::read_to_string(dir.join("values/canary.yaml")).expect("read");
    std::fs::write(
        dir.join("values/canary.yaml"),
        text.replace("weight: 10", "weight: 50"),
    )
    .expect("write");

    let changed = tack(
        &dir,
        &[
            "diff",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--against",
            "HEAD",
        ],
    );
    let stdout = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(
        changed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    assert_eq!(
        stdout,
        "Deployment/mnist: spec.replicas 9 -> 5\nDeployment/mnist-canary: spec.replicas 1 -> 5\n"
    );
    // 10% -> 50% in mode replicas: 4 stable pods stop while 4 canary pods start.
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(
        stderr.contains("warning: Deployment/mnist-canary: traffic moves faster than pods"),
        "{stderr}"
    );

    let missing = tack(
        &dir,
        &[
            "diff",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--against",
            "v9.9.9",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("revision `v9.9.9` does not exist in this repository"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Renders the bundled chart with a value file and `--set` flags, as `tack render` would.
fn render_step(file: &str, sets: &str) -> tack::Manifests {
    let mut request =
        tack::RenderRequest::new(root().join("charts/model-serving")).values(root().join(file));
    if !sets.is_empty() {
        request = request.set(sets);
    }
    tack::Renderer::default()
        .render(&request)
        .unwrap_or_else(|e| panic!("{file} --set {sets}: {e}"))
        .manifests
}

/// Each step of a documented sequence, applied after the one before, is free of risks.
fn assert_safe_sequence(file: &str, steps: &[&str]) {
    let mut previous = render_step(file, "");
    for step in steps {
        let next = render_step(file, step);
        let risks = tack::diff::risks(&previous, &next);
        assert!(
            risks.is_empty(),
            "{file}, step `{step}`:\n{}",
            risks
                .iter()
                .map(|r| format!("{r}\n  help: {}", r.help))
                .collect::<Vec<_>>()
                .join("\n")
        );
        previous = next;
    }
}

/// The README's sequences, step by step: none of them moves traffic faster than pods.
#[test]
fn the_documented_sequences_are_safe_step_by_step() {
    assert_safe_sequence(
        "values/blue-green-gateway.yaml",
        &[
            "strategy.blueGreen.active=green",
            "strategy.blueGreen.active=green,strategy.blueGreen.idleReplicas=0",
        ],
    );
    assert_safe_sequence(
        "values/blue-green.yaml",
        &[
            "strategy.blueGreen.active=green",
            "strategy.blueGreen.active=blue",
        ],
    );
    assert_safe_sequence(
        "values/canary-gateway.yaml",
        &[
            "strategy.canary.replicas=3",
            "strategy.canary.replicas=3,strategy.canary.weight=50",
            "strategy.canary.replicas=3,strategy.canary.weight=100",
            "image.tag=2.0.0,strategy.canary.replicas=3,strategy.canary.weight=100",
            "image.tag=2.0.0,strategy.canary.weight=0,strategy.canary.replicas=0",
        ],
    );
    assert_safe_sequence(
        "values/canary.yaml",
        &[
            "strategy.canary.weight=20",
            "strategy.canary.weight=30",
            "strategy.canary.weight=50",
            "image.tag=2.0.0,strategy.canary.weight=50",
            "image.tag=2.0.0,strategy.canary.weight=30",
            "image.tag=2.0.0,strategy.canary.weight=10",
            "image.tag=2.0.0,strategy.canary.weight=0",
        ],
    );
}

/// And the unsafe shortcuts the README warns about are caught.
#[test]
fn the_unsafe_shortcuts_are_caught() {
    let kinds = |file: &str, before: &str, after: &str| -> Vec<tack::diff::RiskKind> {
        tack::diff::risks(&render_step(file, before), &render_step(file, after))
            .iter()
            .map(|r| r.kind)
            .collect()
    };
    use tack::diff::RiskKind::TrafficOutrunsPods;
    // blue/green with a scaled-down idle colour
    assert_eq!(
        kinds(
            "values/blue-green.yaml",
            "strategy.blueGreen.idleReplicas=1",
            "strategy.blueGreen.active=green,strategy.blueGreen.idleReplicas=1"
        ),
        [TrafficOutrunsPods]
    );
    // a weighted canary straight to 100% on its 2 pods, beside 3 stable ones
    assert_eq!(
        kinds(
            "values/canary-gateway.yaml",
            "",
            "strategy.canary.weight=100"
        ),
        [TrafficOutrunsPods]
    );
    // canary mode replicas, 10% -> 50% in one step: 6 of 10 pods ready
    assert_eq!(
        kinds("values/canary.yaml", "", "strategy.canary.weight=50"),
        [TrafficOutrunsPods]
    );
}
