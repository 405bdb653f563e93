//! A closed stdout (`tack ... | head -1`) ends every command quietly with exit 0, as ripgrep
//! does: no panic, no "Broken pipe" message. The read end is closed before tack writes, so the
//! write always fails, whatever the pipe's buffer size.

mod common;

use common::root;
use std::process::{Command, Stdio};

fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tack"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tack runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("tack finishes");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_command_stops_quietly_when_stdout_closes() {
    let commands: &[&[&str]] = &[
        &["render", "charts/model-serving", "-f", "values/canary.yaml"],
        &["render", "-r", "tack.yaml"],
        &[
            "diff",
            "charts/model-serving",
            "-f",
            "values/blue-green.yaml",
            "--set",
            "strategy.blueGreen.active=green",
        ],
        &["validate", "tests/golden/model-serving/canary.yaml"],
        &["lint", "charts/model-serving"],
        &["schema"],
        &["completions", "bash"],
    ];
    for args in commands {
        let (code, stderr) = with_closed_stdout(args);
        assert_eq!(code, Some(0), "tack {}: {stderr}", args.join(" "));
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "tack {}: {stderr}",
            args.join(" ")
        );
    }
}

#[test]
fn other_write_errors_are_reported_with_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let output = Command::new(env!("CARGO_BIN_EXE_tack"))
        .args(["render", "charts/model-serving", "-f", "values/canary.yaml"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(full)
        .output()
        .expect("tack runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error: cannot write output:"), "{stderr}");
}

#[test]
fn colour_is_chosen_for_the_stream_it_is_used_on() {
    let run = |color: &str| {
        Command::new(env!("CARGO_BIN_EXE_tack"))
            .args([
                "render",
                "charts/model-serving",
                "--set",
                "replicsa=3",
                "--color",
                color,
            ])
            .current_dir(root())
            .env_remove("NO_COLOR")
            .output()
            .expect("tack runs")
    };
    // stderr is a pipe here: `auto` writes no escape codes into it, `always` does.
    assert!(!run("auto").stderr.contains(&0x1b));
    assert!(!run("never").stderr.contains(&0x1b));
    let always = run("always");
    assert!(always.stderr.contains(&0x1b));
    assert_eq!(always.status.code(), Some(1));
}
