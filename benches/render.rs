//! In-process render costs: the typed strategies alone, the whole chart pipeline (values,
//! templates, validation), and YAML output. Whole-process figures: scripts/bench.sh.
#![allow(missing_docs)] // `criterion_group!` generates an undocumented public function.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tack::{App, Release, RenderRequest, Renderer, Strategy};

fn typed_release(c: &mut Criterion) {
    let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
        .port(5000)
        .replicas(10)
        .readiness_http("/healthz")
        .secret_env("apiKey", "API_KEY", "change-me");
    let release = Release::new("prod", app)
        .namespace("ml")
        .strategy(Strategy::canary().weight(10).tag("2.0.0"));
    c.bench_function("release.render (typed canary)", |b| {
        b.iter(|| black_box(release.render().map(|m| m.len())))
    });
    let manifests = release.render().expect("renders");
    c.bench_function("manifests.to_yaml", |b| {
        b.iter(|| black_box(manifests.to_yaml().len()))
    });
}

fn chart_pipeline(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (chart, file) in [
        ("model-serving", "values/canary.yaml"),
        ("mnist-pipeline", "values/mnist-pipeline/prod.yaml"),
    ] {
        let request = RenderRequest::new(root.join("charts").join(chart))
            .values(root.join(file))
            .cwd(root);
        // A fresh renderer each time: the chart is loaded, as one `tack render` does.
        c.bench_function(&format!("Renderer::render {chart} -f {file}"), |b| {
            b.iter(|| {
                black_box(
                    Renderer::default()
                        .render(&request)
                        .map(|r| r.manifests.len()),
                )
            })
        });
    }
}

criterion_group!(benches, typed_release, chart_pipeline);
criterion_main!(benches);
