//! `tack explain`: where a release's requests go, as text, Mermaid or JSON.

use super::console::Console;
use super::render::report_failure;
use super::values_args::ValuesArgs;
use super::{EXIT_OK, Outcome};
use crate::traffic_map::TrafficMap;
use clap::{ArgMatches, Args, ValueEnum};
use std::path::PathBuf;

/// Examples shown by `tack explain --help`.
pub const EXAMPLES: &str = "Examples:
  tack explain charts/model-serving -f values/canary-gateway.yaml
  tack explain charts/model-serving -f values/canary-gateway.yaml --set strategy.canary.weight=50
  # a diagram for a pull request (paste it into a ```mermaid block)
  tack explain charts/model-serving -f values/blue-green.yaml --format mermaid
  tack explain charts/model-serving -f values/routing.yaml --format json

Exit status: 0 the map was printed, 1 invalid values (nothing rendered), 2 usage or I/O error.";

/// Arguments of `tack explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The chart folder.
    chart: PathBuf,
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How the traffic map is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A tree per entry point.
    Text,
    /// A Mermaid flowchart (GitHub renders it in a ```mermaid block).
    Mermaid,
    /// JSON, for tools.
    Json,
}

/// Runs `tack explain`.
pub fn run(args: ExplainArgs, matches: Option<&ArgMatches>, console: &Console) -> Outcome {
    let request = args.values.request(args.chart.clone(), matches);
    let renderer = match args.values.kube.renderer(console) {
        Ok(renderer) => renderer,
        Err(code) => return Ok(code),
    };
    let rendered = match renderer.render(&request) {
        Ok(rendered) => rendered,
        Err(error) => return Ok(report_failure(&error, console)),
    };
    let map = TrafficMap::of(&rendered.manifests);
    console.out(match args.format {
        Format::Text => map.to_text(),
        Format::Mermaid => map.to_mermaid(),
        Format::Json => map.to_json(),
    })?;
    Ok(EXIT_OK)
}
