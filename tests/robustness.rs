//! Bad input never panics: thousands of mutated value files, `--set` flags, charts and
//! templates go through the pipeline, and each one either renders or returns an error.
//! (A deterministic mutation run, so failures reproduce; `cargo fuzz` style exploration is
//! a separate, open-ended job.)

mod common;

use common::root;
use std::path::Path;
use tack::chart::templates::{ReleaseInfo, TemplateContext, Templates};
use tack::values::{SetFlag, SetKind, ValuesLoader};

/// Rounds per test: small by default to keep `cargo test` quick; `TACK_FUZZ_ROUNDS=100000`
/// (see scripts/fuzz.sh) for a long run.
fn rounds(default: usize) -> usize {
    std::env::var("TACK_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// The seed: fixed, or `TACK_FUZZ_SEED` to explore other inputs.
fn seed(default: u64) -> u64 {
    std::env::var("TACK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\n",
    "  ",
    "\t",
    "&a ",
    "*a",
    "!!str ",
    "'",
    "\"",
    "#",
    "---\n",
    "~",
    "null",
    "yes",
    "0755",
    "1.10",
    "-1",
    "99999999999999999999",
    "\u{feff}",
    "é",
    "\\",
    "%",
    "{{",
    "}}",
    "{%",
    "%}",
    "<<: *a",
    "? ",
    "|\n",
    ">-\n",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (i, c) in piece.chars().enumerate() {
                    chars.insert((at + i).min(chars.len()), c);
                }
            }
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = char::from(b' ' + (rng.below(95) as u8));
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn load(texts: &[(&str, &str)], sets: &[SetFlag]) {
    let mut loader = ValuesLoader::new();
    for (name, text) in texts {
        if loader.add_yaml(name, text).is_err() {
            return;
        }
    }
    for flag in sets {
        if loader.apply_set(flag, Path::new(".")).is_err() {
            return;
        }
    }
    if let Ok(loaded) = loader.finish(Some("1.0.0")) {
        let _ = tack::Release::new("fuzz", loaded.app).render();
    }
}

#[test]
fn mutated_value_files_never_panic() {
    let base = std::fs::read_to_string(root().join("charts/model-serving/values.yaml")).unwrap();
    let overlays: Vec<String> = ["canary", "blue-green", "routing", "canary-ingress"]
        .iter()
        .map(|f| std::fs::read_to_string(root().join(format!("values/{f}.yaml"))).unwrap())
        .collect();
    let mut rng = Rng(seed(0x9E37_79B9_7F4A_7C15));
    for round in 0..rounds(600) {
        let overlay = &overlays[round % overlays.len()];
        let mutated_base = if round % 3 == 0 {
            mutate(&mut rng, &base)
        } else {
            base.clone()
        };
        let mutated = mutate(&mut rng, overlay);
        load(
            &[("values.yaml", &mutated_base), ("prod.yaml", &mutated)],
            &[],
        );
    }
}

#[test]
fn mutated_set_flags_never_panic() {
    let base = std::fs::read_to_string(root().join("charts/model-serving/values.yaml")).unwrap();
    let flags = [
        "strategy.type=canary,strategy.canary.weight=10,strategy.canary.tag=2",
        r"podAnnotations.prometheus\.io/scrape=true",
        "args={--port,5000},env.A=1",
        "strategy.routing.versions[0].name=v1,strategy.routing.versions[1].name=v2",
    ];
    let mut rng = Rng(seed(42));
    for round in 0..rounds(600) {
        let kind = [SetKind::Typed, SetKind::String, SetKind::Json][round % 3];
        let text = mutate(&mut rng, flags[round % flags.len()]);
        load(&[("values.yaml", &base)], &[SetFlag::new(kind, text)]);
    }
}

#[test]
fn mutated_templates_never_panic() {
    let dir = root().join("charts/mnist-pipeline/templates");
    let sources: Vec<(String, String)> = [
        "pvc.yaml",
        "job.yaml",
        "configmap.yaml",
        "cronjob.yaml",
        "_labels.yaml",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
    .collect();
    let context = TemplateContext {
        values: serde_json::json!({
            "name": "mnist", "image": {"tag": "1"}, "service": {"port": 80},
            "extra": {"storage": {"size": "1Gi", "className": "x"}, "training": {"image": "t", "epochs": 1},
                      "settings": {"A": "1"}, "probe": {"schedule": "* * * * *", "image": "curl"}}
        }),
        release: ReleaseInfo {
            name: "r".into(),
            namespace: None,
            revision: 1,
        },
        chart: serde_json::json!({"name": "c"}),
        kube_version: tack::KubeVersion::LATEST,
        secrets: vec![],
        objects: serde_json::Value::Null,
        api_versions: Vec::new(),
    };
    let mut rng = Rng(seed(7));
    for round in 0..rounds(300) {
        let mut mutated = sources.clone();
        let pick = round % mutated.len();
        mutated[pick].1 = mutate(&mut rng, &mutated[pick].1);
        if let Ok(templates) = Templates::from_sources(mutated) {
            let _ = templates.render(&context);
        }
    }
}
