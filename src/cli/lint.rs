//! `tack lint`: every chart with every value file that targets it, one line each.

use super::console::Console;
use super::render::report_releases_error;
use super::values_args::{KubeVersionArg, PracticesLevel};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::diagnostic::json::to_json;
use crate::lint;
use crate::releases::Releases;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

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
    #[command(flatten)]
    kube: KubeVersionArg,
    /// Best practices (probes, resources, security settings, disruption budgets): reported
    /// as warnings, as errors, or not checked.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "warn")]
    practices: PracticesLevel,
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
pub fn run(args: LintArgs, console: &Console) -> Outcome {
    let releases = if args.releases.is_file() {
        match Releases::load(&args.releases) {
            Ok(releases) => Some(releases),
            Err(error) => return Ok(report_releases_error(&error, console)),
        }
    } else {
        None
    };
    if let Some(missing) = args
        .paths
        .iter()
        .find(|p| std::fs::symlink_metadata(p).is_err())
    {
        console.error(
            &format!("{} does not exist", missing.display()),
            Some("pass charts, files inside charts, value files or releases files"),
        );
        return Ok(EXIT_USAGE);
    }
    let charts = if args.paths.is_empty() {
        all_charts(releases.as_ref())
    } else {
        lint::charts_for(&args.paths, releases.as_ref())
    };
    if charts.is_empty() {
        if args.format == LintFormat::Json {
            console.out(format!(
                "{}\n",
                serde_json::json!({"ok": true, "results": []})
            ))?;
        } else {
            console.note("no charts to lint");
        }
        return Ok(EXIT_OK);
    }
    let targets: Vec<_> = charts
        .iter()
        .flat_map(|chart| lint::targets(chart, releases.as_ref()))
        .collect();
    let renderer = match args.kube.renderer(console) {
        Ok(renderer) => renderer.practices(args.practices.severity()),
        Err(code) => return Ok(code),
    };
    let outcomes = lint::run(targets, &renderer);
    let mut code = EXIT_OK;
    let mut results = Vec::new();
    let mut human = String::new();
    let mut warned = 0usize;
    let width = outcomes
        .iter()
        .map(|o| o.target.chart.display().to_string().len())
        .max()
        .unwrap_or(0);
    for outcome in &outcomes {
        let chart = outcome.target.chart.display().to_string();
        let label = &outcome.target.label;
        match &outcome.result {
            Ok(rendered) => {
                let count = rendered.manifests.len();
                let report = rendered.report.diagnostics();
                let report_warnings = report.items.len();
                let status = if report_warnings > 0 { "warn" } else { "ok  " };
                human.push_str(&format!(
                    "{status}  {chart:width$}  {label}  ({count} objects)\n"
                ));
                if report_warnings > 0 && args.format == LintFormat::Human {
                    console.out(std::mem::take(&mut human))?;
                    console.diagnostics(&report);
                }
                warned += report_warnings;
                let listed: Vec<serde_json::Value> = report
                    .items
                    .iter()
                    .map(|d| to_json(d, &report.sources))
                    .collect();
                results.push(serde_json::json!({
                    "chart": chart, "values": label, "ok": true, "objects": count, "errors": [],
                    "warnings": listed,
                }));
            }
            Err(error) => {
                let diagnostics = error.diagnostics();
                code = code.max(if error.is_invalid_input() {
                    EXIT_INVALID
                } else {
                    EXIT_USAGE
                });
                human.push_str(&format!("FAIL  {chart:width$}  {label}\n"));
                if args.format == LintFormat::Human {
                    console.out(std::mem::take(&mut human))?;
                    console.diagnostics(&diagnostics);
                }
                let errors: Vec<serde_json::Value> = diagnostics
                    .items
                    .iter()
                    .map(|d| to_json(d, &diagnostics.sources))
                    .collect();
                results.push(serde_json::json!({
                    "chart": chart, "values": label, "ok": false, "objects": 0, "errors": errors,
                }));
            }
        }
    }
    let failed = results.iter().filter(|r| r["ok"] == false).count();
    match args.format {
        LintFormat::Json => {
            let report = serde_json::json!({"ok": failed == 0, "results": results});
            console.out(format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ))?;
        }
        LintFormat::Human => {
            console.out(human)?;
            console.note(&format!(
                "{} chart{}, {} value set{}: {} ok, {failed} failed, {warned} warning{}",
                charts.len(),
                if charts.len() == 1 { "" } else { "s" },
                results.len(),
                if results.len() == 1 { "" } else { "s" },
                results.len() - failed,
                if warned == 1 { "" } else { "s" },
            ));
        }
    }
    Ok(if failed > 0 {
        code.max(EXIT_INVALID)
    } else {
        EXIT_OK
    })
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
    lint::charts_for(&paths, releases)
}
