//! `tack schema`: the JSON Schema of value files, for editors (`yaml-language-server`).

use super::diagnostic::Diagnostics;
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
pub fn run(args: SchemaArgs, diagnostics: &Diagnostics) -> u8 {
    let mut schema = tack::values::values_schema();
    if let Some(chart) = &args.chart {
        match tack::chart::Chart::load(chart) {
            Ok(chart) => {
                if let Some(extra) = chart.extra_schema() {
                    tack::values::embed_extra_schema(&mut schema, extra);
                }
            }
            Err(error) => return super::report(&tack::Error::Chart(error), diagnostics),
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    super::write_stdout(&text, diagnostics)
}
