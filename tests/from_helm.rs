//! `tack new DIR --from-helm CHART` on charts `helm create` made (Helm 4.3.1), as they come
//! and grown the way teams grow them: the new chart renders, and its `values.yaml`,
//! `MIGRATION.md`, templates and rendered output are golden files
//! (`tests/golden/from-helm/<chart>/`, `SNAPSHOTS=overwrite` to bless).

mod common;

use common::{compare, copy_dir, root, tack, text};
use std::path::{Path, PathBuf};

/// Converts the fixture `name` in a fresh folder, as `helm/<name>` -> `charts/<name>`.
fn convert(name: &str) -> (tempfile::TempDir, std::process::Output) {
    let work = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &root().join("tests/fixtures/helm-create").join(name),
        &work.path().join("helm").join(name),
    );
    let output = tack(
        work.path(),
        &[
            "new",
            &format!("charts/{name}"),
            "--from-helm",
            &format!("helm/{name}"),
        ],
    );
    (work, output)
}

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        let name = format!(
            "{prefix}{}",
            path.file_name().expect("name").to_string_lossy()
        );
        if path.is_dir() {
            files_under(&path, &format!("{name}/"), out);
        } else {
            out.push(PathBuf::from(name));
        }
    }
}

#[test]
fn helm_create_charts_become_rendering_tack_charts() {
    let mut failures = Vec::new();
    for name in ["fraud-detector", "triton-server"] {
        let (work, output) = convert(name);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
        assert!(stderr.contains("renders"), "{name}: {stderr}");
        let chart = work.path().join("charts").join(name);
        let golden = root().join("tests/golden/from-helm").join(name);
        let mut written = Vec::new();
        files_under(&chart, "", &mut written);
        let mut listing: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        listing.push(String::new());
        failures.extend(compare(&golden.join("files.txt"), &listing.join("\n")));
        for file in &written {
            let file = file.display().to_string();
            if file == "values.yaml" || file == "MIGRATION.md" || file.starts_with("templates/") {
                let actual = std::fs::read_to_string(chart.join(&file)).expect("written");
                failures.extend(compare(&golden.join(file.replace('/', "__")), &actual));
            }
        }
        // Every strategy file renders; the defaults' output is golden.
        for strategy in ["", "canary", "blue-green", "routing", "canary-ingress"] {
            let chart_arg = format!("charts/{name}");
            let file = format!("charts/{name}/values/{strategy}.yaml");
            let mut args = vec!["render", chart_arg.as_str()];
            if !strategy.is_empty() {
                args.extend(["-f", file.as_str()]);
            }
            let rendered = tack(work.path(), &args);
            assert_eq!(
                rendered.status.code(),
                Some(0),
                "{name} {strategy}: {}",
                text(&rendered.stderr)
            );
            if strategy.is_empty() {
                failures.extend(compare(
                    &golden.join("render.yaml"),
                    &text(&rendered.stdout),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn templates_tack_cannot_translate_are_kept_aside_with_their_minijinja_lines() {
    let (work, output) = convert("triton-server");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let chart = work.path().join("charts/triton-server");
    assert!(text(&output.stderr).contains("1 template to port by hand"));
    // The Go template is kept as it was, where tack does not read it.
    assert_eq!(
        std::fs::read_to_string(chart.join("helm-templates/pdb.yaml")).expect("copied"),
        std::fs::read_to_string(
            root().join("tests/fixtures/helm-create/triton-server/templates/pdb.yaml")
        )
        .expect("fixture")
    );
    assert!(!chart.join("templates/pdb.yaml").exists());
    let migration = std::fs::read_to_string(chart.join("MIGRATION.md")).expect("written");
    assert!(migration.contains(
        "`minAvailable: {{ .Values.pdb.minAvailable }}` -> `minAvailable: {{ values.extra.pdb.minAvailable }}`"
    ));
}

#[test]
fn bad_sources_get_an_error_and_write_nothing() {
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(work.path().join("not-a-chart")).expect("folder");
    let output = tack(
        work.path(),
        &["new", "charts/x", "--from-helm", "not-a-chart"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no Chart.yaml"),
        "{}",
        text(&output.stderr)
    );
    assert!(!work.path().join("charts/x").exists());

    let bad = work.path().join("bad");
    std::fs::create_dir_all(&bad).expect("folder");
    std::fs::write(bad.join("Chart.yaml"), "name: bad\nversion: 0.1.0\n").expect("write");
    std::fs::write(bad.join("values.yaml"), "a: 1\na: 2\n").expect("write");
    let output = tack(work.path(), &["new", "charts/x", "--from-helm", "bad"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("bad/values.yaml") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert!(!work.path().join("charts/x").exists());

    // A template that resolves outside the Helm chart is refused, not read.
    #[cfg(unix)]
    {
        std::fs::write(work.path().join("secret.yaml"), "password: hunter2\n").expect("write");
        std::fs::create_dir_all(bad.join("templates")).expect("folder");
        std::fs::write(bad.join("values.yaml"), "a: 1\n").expect("write");
        std::os::unix::fs::symlink(
            work.path().join("secret.yaml"),
            bad.join("templates/leak.yaml"),
        )
        .expect("symlink");
        let output = tack(work.path(), &["new", "charts/x", "--from-helm", "bad"]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("outside the chart folder") && !stderr.contains("hunter2"),
            "{stderr}"
        );
        assert!(!work.path().join("charts/x").exists());
    }
}
