//! `tack lint`: every chart with every value file that targets it, one line each.

use super::diagnostic::Diagnostics;
use super::{EXIT_INVALID, EXIT_OK, describe, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use tack::releases::Releases;

/// Examples shown by `tack lint --help`.
pub const EXAMPLES: &str = "Examples:
  tack lint                                  # every chart under charts/ and in tack.yaml
  tack lint charts/model-serving
  tack lint charts/model-serving/templates/job.yaml values/canary.yaml   # as pre-commit passes files
  tack lint --format json

A chart is rendered with its values.yaml, with each file in its values/ folder, and with each
release of the releases file that uses it. Exit status: 0 all clean, 1 a problem, 2 usage or I/O.";

/// Arguments of `tack lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Charts, or files inside charts, or value files and releases files that target charts
    /// (default: every chart under charts/ and in the releases file).
    paths: Vec<PathBuf>,
    /// The releases file that says which value files target which chart.
    #[arg(
        short = 'r',
        long = "releases",
        value_name = "FILE",
        default_value = "tack.yaml"
    )]
    releases: PathBuf,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LintFormat {
    /// One line per chart and value file, then the problems.
    Human,
    /// One JSON document, for tools.
    Json,
}

/// Runs `tack lint`.
pub fn run(args: LintArgs, diagnostics: &Diagnostics) -> u8 {
    let releases = if args.releases.is_file() {
        match Releases::load(&args.releases) {
            Ok(releases) => Some(releases),
            Err(error) => return report(&tack::Error::Releases(error), diagnostics),
        }
    } else {
        None
    };
    let charts = if args.paths.is_empty() {
        all_charts(releases.as_ref())
    } else {
        tack::lint::charts_for(&args.paths, releases.as_ref())
    };
    if charts.is_empty() {
        if args.format == LintFormat::Json {
            println!("{}", serde_json::json!({"ok": true, "results": []}));
        } else {
            eprintln!("no charts to lint");
        }
        return EXIT_OK;
    }
    let targets: Vec<_> = charts
        .iter()
        .flat_map(|chart| tack::lint::targets(chart, releases.as_ref()))
        .collect();
    let outcomes = tack::lint::run(targets);
    let mut code = EXIT_OK;
    let mut results = Vec::new();
    let width = outcomes
        .iter()
        .map(|o| o.target.chart.display().to_string().len())
        .max()
        .unwrap_or(0);
    for outcome in &outcomes {
        let chart = outcome.target.chart.display().to_string();
        match &outcome.result {
            Ok(rendered) => {
                let count = rendered.manifests.len();
                if args.format == LintFormat::Human {
                    println!(
                        "ok    {chart:width$}  {}  ({count} objects)",
                        outcome.target.label
                    );
                }
                results.push(serde_json::json!({
                    "chart": chart, "values": outcome.target.label, "ok": true, "objects": count, "errors": [],
                }));
            }
            Err(error) => {
                let (text, error_code) = describe(error, diagnostics);
                code = code.max(error_code);
                if args.format == LintFormat::Human {
                    println!("FAIL  {chart:width$}  {}", outcome.target.label);
                    eprint!("{text}");
                    eprintln!();
                }
                results.push(serde_json::json!({
                    "chart": chart, "values": outcome.target.label, "ok": false, "objects": 0,
                    "errors": error.to_string().lines().map(str::trim).collect::<Vec<_>>(),
                }));
            }
        }
    }
    let failed = results.iter().filter(|r| r["ok"] == false).count();
    match args.format {
        LintFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"ok": failed == 0, "results": results})
            )
            .unwrap_or_default()
        ),
        LintFormat::Human => eprintln!(
            "{} chart{}, {} value set{}: {} ok, {failed} failed",
            charts.len(),
            if charts.len() == 1 { "" } else { "s" },
            results.len(),
            if results.len() == 1 { "" } else { "s" },
            results.len() - failed,
        ),
    }
    if failed > 0 {
        code.max(EXIT_INVALID)
    } else {
        EXIT_OK
    }
}

/// Every chart folder under `charts/`, and every chart of the releases file.
fn all_charts(releases: Option<&Releases>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("charts")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("Chart.yaml").is_file())
                .collect()
        })
        .unwrap_or_default();
    if let Some(releases) = releases {
        paths.push(releases.path().to_path_buf());
    }
    tack::lint::charts_for(&paths, releases)
}
