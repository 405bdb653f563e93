//! The `--set` family against real Helm 4.3.1: every case of
//! `tests/fixtures/helm-set/cases.json` (the inputs of Helm's own strvals and coalesce
//! tests and the cases Helm users hit, with the `.Values` Helm produced) is run through tack's
//! values loader and compared. Where tack differs on purpose, the case must match one of [`DELIBERATE`], and
//! each of those must be used by some case.

use super::set::{self, SetFlag, SetKind};
use super::{merge, parse_yaml};
use crate::source::SourceMap;
use serde_json::Value;
use std::path::Path;

/// A case as recorded.
#[derive(serde::Deserialize)]
struct Case {
    source: String,
    args: Vec<(String, String)>,
    chart: String,
    files: Vec<String>,
    helm4: Option<Value>,
    error: Option<String>,
}

/// What tack did with a case.
type Outcome = Result<Value, String>;

/// A deliberate difference: its name (the README's list) and whether a case shows it.
struct Difference {
    name: &'static str,
    shows: fn(&Case, &Outcome) -> bool,
}

fn kinds(case: &Case) -> Vec<&str> {
    let mut kinds: Vec<&str> = case.args.iter().map(|(k, _)| k.as_str()).collect();
    kinds.dedup();
    kinds
}

fn texts(case: &Case) -> impl Iterator<Item = &str> {
    case.args.iter().map(|(_, t)| t.as_str())
}

/// `helm` without its null-valued keys.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

const DELIBERATE: [Difference; 10] = [
    Difference {
        name: "integers stay exact (Helm reads value files and --set-json through float64)",
        shows: |case, _| {
            let mut text = case.chart.clone() + &case.files.concat();
            for (kind, flag) in &case.args {
                if kind == "--set-json" {
                    text.push_str(flag);
                }
            }
            text.split(|c: char| !c.is_ascii_digit())
                .any(|digits| digits.len() > 15)
        },
    },
    Difference {
        name: "duplicate keys in a value file are refused (Helm keeps the last)",
        shows: |_, tack| tack.as_ref().is_err_and(|e| e.contains("duplicate key")),
    },
    Difference {
        name: "a null on a key the chart does not set: dropped from files, deleting what a file set for --set (Helm keeps key: null)",
        shows: |case, tack| {
            tack.as_ref().is_ok_and(|values| {
                case.helm4
                    .as_ref()
                    .is_some_and(|helm| same(&without_nulls(helm), values))
            })
        },
    },
    Difference {
        name: "empty keys are errors (Helm ignores them)",
        shows: |_, tack| {
            tack.as_ref()
                .is_err_and(|e| e.contains("empty key") || e.contains("found nothing"))
        },
    },
    Difference {
        name: "`--set-file x=` is an error (Helm reads nothing)",
        shows: |_, tack| tack.as_ref().is_err_and(|e| e.contains("no file named")),
    },
    Difference {
        name: "a --set that changes a value's type replaces it (Helm: interface conversion)",
        shows: |case, tack| {
            tack.is_ok()
                && case
                    .error
                    .as_deref()
                    .is_some_and(|e| e.contains("interface conversion"))
        },
    },
    Difference {
        name: "flags apply in command-line order (Helm: by kind)",
        shows: |case, _| kinds(case).len() > 1,
    },
    Difference {
        name: "`{}` is an empty list (Helm: [\"\"])",
        shows: |case, tack| {
            tack.is_ok() && texts(case).any(|t| t.contains("={}") || t.contains("{}"))
        },
    },
    Difference {
        name: "--set l[i]=x indexes the list merged so far (Helm: the user's values only)",
        shows: |case, _| !case.chart.is_empty() && texts(case).any(|t| t.contains('[')),
    },
    Difference {
        name: "--set-json k={...} merges into what value files set (Helm: replaces it)",
        shows: |case, _| !case.files.is_empty() && kinds(case).contains(&"--set-json"),
    },
];

fn run(case: &Case) -> Outcome {
    let mut sources = SourceMap::new();
    // The loader merges the chart's values over nothing, which drops their nulls (as Helm 4).
    let mut tree = parse_yaml(&mut sources, "empty.yaml", "{}").map_err(|p| p.message)?;
    let chart = parse_yaml(&mut sources, "values.yaml", &case.chart).map_err(|p| p.message)?;
    merge(&mut tree, chart);
    for (i, file) in case.files.iter().enumerate() {
        let node =
            parse_yaml(&mut sources, &format!("file{i}.yaml"), file).map_err(|p| p.message)?;
        merge(&mut tree, node);
    }
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm-set/files");
    for (flag, text) in &case.args {
        let kind = match flag.as_str() {
            "--set" => SetKind::Typed,
            "--set-string" => SetKind::String,
            "--set-file" => SetKind::File,
            "--set-json" => SetKind::Json,
            "--set-literal" => SetKind::Literal,
            other => return Err(format!("unknown flag {other}")),
        };
        set::apply(
            &mut tree,
            &mut sources,
            &SetFlag::new(kind, text.clone()),
            &cwd,
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(tree.to_json())
}

/// JSON equality with numbers compared by value (Helm's are float64: `1.0` is `1`;
/// integers exactly).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i128(), y.as_i128()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn the_set_family_reads_values_as_helm_4_does() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../tests/fixtures/helm-set/cases.json"))
            .expect("the cases are JSON");
    assert!(cases.len() > 400, "{} cases", cases.len());
    let tables = |file: &str| cases.iter().filter(|c| c.source.contains(file)).count();
    assert!(tables("parser_test.go") > 200 && tables("coalesce_test.go") >= 8);
    let mut used = [0usize; DELIBERATE.len()];
    let mut unexplained = Vec::new();
    let mut agreed = 0;
    for case in &cases {
        let tack = run(case);
        let agrees = match (&tack, &case.helm4) {
            (Ok(values), Some(helm)) => same(values, helm),
            (Err(_), None) => case.error.is_some(),
            _ => false,
        };
        if agrees {
            agreed += 1;
            continue;
        }
        match DELIBERATE.iter().position(|d| (d.shows)(case, &tack)) {
            Some(i) => used[i] += 1,
            None => unexplained.push(format!(
                "{} {:?}: helm {} / tack {}",
                case.source,
                case.args,
                case.helm4.as_ref().map_or_else(
                    || format!("error {}", case.error.as_deref().unwrap_or("")),
                    Value::to_string
                ),
                match &tack {
                    Ok(v) => v.to_string(),
                    Err(e) => format!("error {e}"),
                }
            )),
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} of {} cases differ from Helm 4.3.1 without a reason:\n{}",
        unexplained.len(),
        cases.len(),
        unexplained.join("\n")
    );
    for (difference, count) in DELIBERATE.iter().zip(used) {
        assert!(count > 0, "no case shows \"{}\"", difference.name);
    }
    assert!(
        agreed * 10 >= cases.len() * 8,
        "{agreed} of {} agree",
        cases.len()
    );
}
