//! `tack diff`: what a change of values (or of files since a git revision) does to the
//! rendered objects.

use super::diagnostic::Diagnostics;
use super::values_args::ValuesArgs;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, report};
use clap::{ArgMatches, Args};
use std::path::{Path, PathBuf};
use tack::RenderRequest;
use tack::git::Snapshot;

/// Examples shown by `tack diff --help`.
pub const EXAMPLES: &str = "Examples:
  # what flipping blue/green changes (against the same render without the --set)
  tack diff charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green
  # what the edits to a value file since the last commit change
  tack diff charts/model-serving -f values/canary.yaml --against HEAD

Exit status: 0 no change, 1 changes, 2 usage or I/O error.";

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
pub fn run(args: DiffArgs, matches: Option<&ArgMatches>, diagnostics: &Diagnostics) -> u8 {
    let after_request = args.values.request(args.chart.clone(), matches);
    let snapshot;
    let before_request = match &args.against {
        None => {
            if after_request.sets.is_empty() {
                eprintln!(
                    "{}",
                    diagnostics.error(
                        "nothing to compare: give --set flags (compared with the render without them) or --against REV",
                        Some("e.g. `tack diff charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green`"),
                    )
                );
                return EXIT_USAGE;
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
                    eprintln!("{}", diagnostics.error(&err.to_string(), None));
                    return EXIT_USAGE;
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
                        eprintln!(
                            "{}",
                            diagnostics.warning(&format!("a value file did not exist at {revision}; the old render goes without it"))
                        );
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
    let before = match tack::render(&before_request) {
        Ok(rendered) => rendered.manifests,
        Err(error) => {
            eprintln!("{}", diagnostics.error("the old render failed:", None));
            return report(&error, diagnostics);
        }
    };
    let after = match tack::render(&after_request) {
        Ok(rendered) => rendered.manifests,
        Err(error) => {
            eprintln!("{}", diagnostics.error("the new render failed:", None));
            return report(&error, diagnostics);
        }
    };
    let changes = tack::diff::diff(&before, &after);
    if changes.is_empty() {
        eprintln!("no changes");
        return EXIT_OK;
    }
    for change in &changes {
        println!("{change}");
    }
    let (changed, added, removed) = tack::diff::summary(&changes);
    eprintln!("{changed} changed, {added} added, {removed} removed");
    EXIT_INVALID
}
