//! Inputs too big to check in: a 50 MB value file is refused before it is read.

mod common;

use common::{root, tack};

#[test]
fn a_50_mb_value_file_is_refused_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("tack-big-values-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let big = dir.join("big.yaml");
    let line = "key: value-value-value-value-value-value-value\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len());
    std::fs::write(&big, &text).expect("write big file");
    let chart = root().join("tests/cases/_charts/tiny");
    let output = tack(
        &root(),
        &[
            "render",
            chart.to_str().expect("UTF-8 path"),
            "-f",
            big.to_str().expect("UTF-8 path"),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("big.yaml is larger than 16 MiB, the most tack reads from one file"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
