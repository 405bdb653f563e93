//! Validation throughput and cold-start cost.
//!
//! `cargo bench --bench validate` reports:
//! - `from_text/*`: Deployment documents per second from YAML text (and JSON), through the
//!   whole stream pipeline on every core (cutting, parsing, schema, rules, references);
//! - `from_values/*`: already-parsed objects per second (what `tack render` does);
//! - `cold/*`: the first validation in a fresh process, per kind and for the example
//!   release's four kinds together (schema loading, compiling, validating), measured by
//!   re-running this binary as a child process per sample.

#![allow(missing_docs)] // `criterion_group!` generates an undocumented public function.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use serde_json::Value;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};
use tack::validate::{Document, Validator};

const DEPLOYMENT: &str = include_str!("../tests/fixtures/validate/deployment.yaml");
const RELEASE: &str = include_str!("../tests/fixtures/validate/release.yaml");

fn stream(documents: usize) -> String {
    let mut text = String::with_capacity(DEPLOYMENT.len() * documents + 4 * documents);
    for i in 0..documents {
        text.push_str("---\n");
        text.push_str(&DEPLOYMENT.replace("name: mnist\n", &format!("name: mnist-{i}\n")));
    }
    text
}

fn release_documents() -> Vec<Document> {
    RELEASE
        .trim_start_matches("---\n")
        .split("\n---\n")
        .filter_map(|doc| serde_saphyr::from_str::<Value>(doc).ok())
        .map(|value| Document::new(value, "model-serving", 1))
        .collect()
}

fn from_text(c: &mut Criterion) {
    let mut group = c.benchmark_group("from_text");
    let documents = 2_000;
    let yaml = stream(documents);
    let validator = Validator::default();
    // Compile once outside the measurement, as a long stream amortizes it.
    let _ = validator.validate_str("warm.yaml", &stream(1));
    group.throughput(Throughput::Elements(documents as u64));
    group.sample_size(20);
    for threads in [1, 2] {
        let validator = validator.clone().threads(threads);
        let _ = validator.validate_str("warm.yaml", &stream(1));
        group.bench_with_input(
            BenchmarkId::new("deployments_yaml", threads),
            &yaml,
            |b, yaml| {
                b.iter(|| {
                    let report = validator.validate_reader("bench.yaml", yaml.as_bytes());
                    assert_eq!(report.objects, documents);
                    black_box(report)
                })
            },
        );
    }
    let value: Value = serde_saphyr::from_str(DEPLOYMENT).unwrap_or_default();
    let mut json = String::new();
    for _ in 0..documents {
        json.push_str(&serde_json::to_string(&value).unwrap_or_default());
        json.push('\n');
    }
    let validator = Validator::default();
    let _ = validator.validate_str("warm.json", &json[..json.find('\n').unwrap_or(0)]);
    group.bench_function("deployments_json/2", |b| {
        b.iter(|| {
            let report = validator.validate_reader("bench.json", json.as_bytes());
            assert_eq!(report.objects, documents);
            black_box(report)
        })
    });
    group.finish();
}

fn from_values(c: &mut Criterion) {
    let mut group = c.benchmark_group("from_values");
    let documents = release_documents();
    assert_eq!(documents.len(), 4);
    let validator = Validator::default().complete(true).external("mnist-tls");
    group.throughput(Throughput::Elements(documents.len() as u64));
    group.bench_function("release_4_objects", |b| {
        b.iter(|| {
            let report = validator.validate_objects(&documents);
            assert!(report.is_valid(), "{:?}", report.problems);
            black_box(report)
        })
    });
    let value: Value = serde_saphyr::from_str(DEPLOYMENT).unwrap_or_default();
    let many: Vec<Document> = (0..1000)
        .map(|i| {
            let mut value = value.clone();
            value["metadata"]["name"] = Value::from(format!("mnist-{i}"));
            Document::new(value, "d", 1)
        })
        .collect();
    group.throughput(Throughput::Elements(many.len() as u64));
    group.bench_function("deployments_1000", |b| {
        b.iter(|| black_box(validator.validate_objects(&many)))
    });
    group.finish();
}

/// Runs this binary as a child that validates once, cold, and reports microseconds.
fn cold_sample(what: &str) -> Duration {
    let exe = std::env::current_exe().unwrap_or_default();
    let mut command = Command::new(exe);
    if let Some(kind) = what.strip_suffix("-after-warm-up") {
        command
            .env("TACK_BENCH_WARM_UP", "1")
            .env("TACK_BENCH_COLD", kind);
    } else {
        command.env("TACK_BENCH_COLD", what);
    }
    let output = command
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    Duration::from_nanos(output.parse().unwrap_or(0))
}

fn cold(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold");
    group.sample_size(20);
    for what in [
        "Deployment",
        "Service",
        "Ingress",
        "Secret",
        "release",
        "release-after-warm-up",
    ] {
        group.bench_function(what, |b| {
            b.iter_custom(|iterations| (0..iterations).map(|_| cold_sample(what)).sum())
        });
    }
    group.finish();
}

/// The child side of [`cold`]: one `validate_objects` in a fresh process.
fn cold_child(what: &str) {
    let documents: Vec<Document> = release_documents()
        .into_iter()
        .filter(|d| what == "release" || d.value["kind"] == what)
        .collect();
    // One kind alone has references to the others: only the whole release is complete.
    let validator = Validator::default()
        .complete(what == "release")
        .external("mnist-tls");
    // `release-warm`: as `tack render` uses it, calling `warm_up()` first thing and then
    // doing about a millisecond of other work (values, templates) before validating.
    if std::env::var_os("TACK_BENCH_WARM_UP").is_some() {
        tack::validate::warm_up();
        std::thread::sleep(Duration::from_millis(2));
    }
    let start = Instant::now();
    let report = validator.validate_objects(&documents);
    let elapsed = start.elapsed();
    assert!(report.is_valid(), "{:?}", report.problems);
    assert_eq!(report.objects, documents.len());
    println!("{}", elapsed.as_nanos());
}

criterion_group!(benches, from_text, from_values, cold);

fn main() {
    if let Ok(what) = std::env::var("TACK_BENCH_COLD") {
        cold_child(&what);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
