//! Every input the fuzzers found a problem with, kept in `fuzz/regressions/<target>/`, and
//! the hostile inputs of the hardening issue (too large to check in, so made here), run
//! through the fuzz targets' own code (`fuzz/src/lib.rs`): each must end in an error or a
//! result, never a panic, and never with the planted secret in a message.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("values", targets::values),
    ("set", targets::set),
    ("chart_yaml", targets::chart_yaml),
    ("releases", targets::releases),
    ("validate", targets::validate),
    ("crd", targets::crd),
    ("template", targets::template),
];

/// Inputs too large to check in: deep nesting and very long expressions, each one class of
/// attack from the hardening issue.
fn generated() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let repeat = |s: &str, n: usize| s.repeat(n);
    vec![
        (
            "values",
            "deep flow nesting",
            format!("{}{}", repeat("[", 5000), repeat("]", 5000)).into_bytes(),
        ),
        (
            "values",
            "deep block nesting",
            (0..300)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>()
                .into_bytes(),
        ),
        (
            "values",
            "20,000 null keys",
            (0..20_000)
                .map(|i| format!("k{i}: ~\n"))
                .collect::<String>()
                .into_bytes(),
        ),
        (
            "set",
            "a 6,000-level path",
            format!("\0extra.{}=1", vec!["a"; 6000].join(".")).into_bytes(),
        ),
        (
            "set",
            "deep JSON",
            format!("\u{2}extra.x={}{}", repeat("[", 5000), repeat("]", 5000)).into_bytes(),
        ),
        (
            "releases",
            "a 6,000-level set path",
            format!(
                "releases:\n  - name: mnist\n    chart: c\n    set: [\"extra.{}=1\"]\n",
                vec!["a"; 6000].join(".")
            )
            .into_bytes(),
        ),
        (
            "chart_yaml",
            "deep annotations",
            format!(
                "name: x\nversion: 0.1.0\nannotations: {}1{}",
                repeat("{a: ", 3000),
                repeat("}", 3000)
            )
            .into_bytes(),
        ),
        (
            "validate",
            "deep JSON",
            format!("{}{}", repeat("[", 3000), repeat("]", 3000)).into_bytes(),
        ),
        (
            "template",
            "a 30,000-term sum",
            format!("{{{{ {} }}}}", vec!["1"; 30_000].join(" + ")).into_bytes(),
        ),
        (
            "template",
            "200,000 nots",
            format!("{{{{ {}true }}}}", repeat("not ", 200_000)).into_bytes(),
        ),
        (
            "template",
            "500,000 minus signs",
            format!("{{{{ {}1 }}}}", repeat("-", 500_000)).into_bytes(),
        ),
        (
            "template",
            "a 150,000-long filter chain",
            format!("{{{{ 1{} }}}}", repeat(" | string", 150_000)).into_bytes(),
        ),
        (
            "template",
            "a 300,000-long attribute chain",
            format!("{{{{ values{} }}}}", repeat(".a", 300_000)).into_bytes(),
        ),
        (
            "template",
            "10,000 statements in statements",
            format!(
                "{}{}",
                repeat("{% if true %}", 10_000),
                repeat("{% endif %}", 10_000)
            )
            .into_bytes(),
        ),
    ]
}

#[test]
fn kept_findings_and_hostile_inputs_pass_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut ran = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("a regression input is readable");
            target(&data);
            ran += 1;
        }
    }
    for (name, what, data) in generated() {
        let (_, target) = TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a known target");
        target(&data);
        let _ = what;
        ran += 1;
    }
    assert!(ran >= 30, "only {ran} inputs ran: regressions are missing");
}
