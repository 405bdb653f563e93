//! `tack schema`: the JSON Schema of value files, for editors (`yaml-language-server`).

use super::console::Console;
use super::{EXIT_OK, Outcome};
use crate::chart::Chart;
use clap::Args;
use std::path::PathBuf;

/// Examples shown by `tack schema --help`.
pub const EXAMPLES: &str = "Examples:
  tack schema > schemas/values.schema.json
  tack schema charts/model-serving

Value files point editors at it with a first line such as
  # yaml-language-server: $schema=../schemas/values.schema.json";

/// Arguments of `tack schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// A chart folder; its Chart.yaml is checked. Without it, prints the schema every
    /// chart's value files share.
    chart: Option<PathBuf>,
}

/// Runs `tack schema`.
pub fn run(args: SchemaArgs, console: &Console) -> Outcome {
    let mut schema = crate::values::values_schema();
    if let Some(chart) = &args.chart {
        match Chart::load(chart) {
            Ok(chart) => {
                if let Some(extra) = chart.extra_schema() {
                    crate::values::embed_extra_schema(&mut schema, extra);
                }
            }
            Err(error) => {
                return Ok(super::render::report_failure(&error.into(), console));
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    console.out(text)?;
    Ok(EXIT_OK)
}
