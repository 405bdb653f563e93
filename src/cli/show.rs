//! `tack show values|chart CHART`: a chart's `values.yaml` or `Chart.yaml`, as Helm's
//! `helm show values` and `helm show chart` print them.

use super::console::Console;
use super::{EXIT_OK, Outcome};
use crate::chart::Chart;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Examples shown by `tack show --help`.
pub const EXAMPLES: &str = "Examples:
  tack show values charts/model-serving > my-values.yaml
  tack show chart charts/model-serving";

/// Arguments of `tack show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// What to print.
    what: What,
    /// The chart folder.
    chart: PathBuf,
}

/// A file of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum What {
    /// The chart's default values (`values.yaml`), as written.
    Values,
    /// The chart's `Chart.yaml`, as written.
    Chart,
}

/// Runs `tack show`: the chart is loaded first (so a broken or outside-pointing chart is
/// an error), then the file is printed as it is.
pub fn run(args: ShowArgs, console: &Console) -> Outcome {
    if let Err(error) = Chart::load(&args.chart) {
        return Ok(super::render::report_failure(&error.into(), console));
    }
    let name = match args.what {
        What::Values => "values.yaml",
        What::Chart => "Chart.yaml",
    };
    let path = args.chart.join(name);
    let bytes = match crate::input::read_limited(&path, crate::values::MAX_VALUES_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => {
            console.error(&format!("cannot read {}: {error}", path.display()), None);
            return Ok(super::EXIT_USAGE);
        }
    };
    console.out(String::from_utf8_lossy(&bytes).into_owned())?;
    Ok(EXIT_OK)
}
