//! Command-line cases driven by files: `tests/cases/<case>/args` holds the arguments (one per
//! line, run in the case folder), `tests/cases/<case>/expected.txt` the exit code, stdout and
//! stderr. Adding a regression is adding a folder. Folders starting with `_` hold shared
//! fixtures. Regenerate on purpose with `SNAPSHOTS=overwrite cargo test --test cases`, then review
//! the diff.

mod common;

use common::{compare, root, tack};

fn transcript(args: &[String], output: &std::process::Output) -> String {
    format!(
        "$ tack {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn every_case_matches_its_transcript() {
    let cases_dir = root().join("tests/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&cases_dir)
        .expect("tests/cases exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("args").is_file())
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no cases found in {}",
        cases_dir.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let args_text = std::fs::read_to_string(case.join("args")).expect("args is readable");
        let args: Vec<String> = args_text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = tack(case, &arg_refs);
        let text = transcript(&args, &output);
        assert!(
            !text.contains("panicked"),
            "{} panicked:\n{text}",
            case.display()
        );
        if let Some(difference) = compare(&case.join("expected.txt"), &text) {
            failures.push(difference);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
