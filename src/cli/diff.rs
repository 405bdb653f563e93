//! `tack diff`: what a change of values (or of files since a git revision) does to the
//! rendered objects.

use super::console::Console;
use super::render::report_failure;
use super::values_args::ValuesArgs;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::git::Snapshot;
use crate::pipeline::RenderRequest;
use clap::{ArgMatches, Args};
use std::path::{Path, PathBuf};

/// Examples shown by `tack diff --help`.
pub const EXAMPLES: &str = "Examples:
  # what flipping blue/green changes (against the same render without the --set)
  tack diff charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green
  # what the edits to a value file since the last commit change
  tack diff charts/model-serving -f values/canary.yaml --against HEAD

Warnings on stderr say what applying the change risks (traffic moving faster than pods, fields
kubectl apply rejects, objects it leaves running, replicas handed to an autoscaler) and the safe
sequence.

Exit status: 0 no change, 1 changes, 2 no comparison (usage or I/O error, or a render failed).";

/// Arguments of `tack diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The chart folder.
    chart: PathBuf,
    #[command(flatten)]
    values: ValuesArgs,
    /// Compare with the chart and value files as they were at this git revision (the same
    /// --set flags apply to both sides). Without it, compare with the render without the
    /// --set flags.
    #[arg(long = "against", value_name = "REV")]
    against: Option<String>,
}

/// Runs `tack diff`.
pub fn run(args: DiffArgs, matches: Option<&ArgMatches>, console: &Console) -> Outcome {
    let after_request = args.values.request(args.chart.clone(), matches);
    let snapshot;
    let before_request = match &args.against {
        None => {
            if after_request.sets.is_empty() {
                console.error(
                    "nothing to compare: give --set flags (compared with the render without them) or --against REV",
                    Some("e.g. `tack diff charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green`"),
                );
                return Ok(EXIT_USAGE);
            }
            RenderRequest {
                sets: Vec::new(),
                ..after_request.clone()
            }
        }
        Some(revision) => {
            let cwd = Path::new(".");
            let mut paths = vec![args.chart.clone()];
            paths.extend(args.values.values.iter().cloned());
            snapshot = match Snapshot::at(revision, cwd, &paths) {
                Ok(snapshot) => snapshot,
                Err(err) => {
                    console.error(&err.to_string(), None);
                    return Ok(EXIT_USAGE);
                }
            };
            let old_files = args
                .values
                .values
                .iter()
                .map(|f| snapshot.path(cwd, f))
                .filter(|f| {
                    let existed = f.is_file();
                    if !existed {
                        console.warning(&format!(
                            "a value file did not exist at {revision}; the old render goes without it"
                        ));
                    }
                    existed
                })
                .collect();
            RenderRequest {
                chart: snapshot.path(cwd, &args.chart),
                value_files: old_files,
                ..after_request.clone()
            }
        }
    };
    let renderer = match args.values.kube.renderer(console) {
        Ok(renderer) => renderer,
        Err(code) => return Ok(code),
    };
    let before = match renderer.render(&before_request) {
        Ok(rendered) => rendered.manifests,
        Err(error) => {
            console.error("the old render failed:", None);
            report_failure(&error, console);
            return Ok(EXIT_USAGE);
        }
    };
    let after = match renderer.render(&after_request) {
        Ok(rendered) => rendered.manifests,
        Err(error) => {
            console.error("the new render failed:", None);
            report_failure(&error, console);
            return Ok(EXIT_USAGE);
        }
    };
    let changes = crate::diff::diff(&before, &after);
    if changes.is_empty() {
        console.note("no changes");
        return Ok(EXIT_OK);
    }
    let text: String = changes.iter().map(|change| format!("{change}\n")).collect();
    console.out(text)?;
    let risks = crate::diff::risks(&before, &after);
    for risk in &risks {
        console.warning_with_help(&risk.to_string(), &risk.help);
    }
    let (changed, added, removed) = crate::diff::summary(&changes);
    let warnings = match risks.len() {
        0 => String::new(),
        1 => "; 1 warning about applying it".to_string(),
        n => format!("; {n} warnings about applying it"),
    };
    console.note(&format!(
        "{changed} changed, {added} added, {removed} removed{warnings}"
    ));
    Ok(EXIT_INVALID)
}
