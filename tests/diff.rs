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
