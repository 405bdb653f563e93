//! `tack schema`: the JSON Schema of value files, for editors (`yaml-language-server`).

use super::diagnostic::Diagnostics;
use super::{EXIT_OK, EXIT_USAGE};
use clap::Args;
use std::io::Write;
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
    if let Some(chart) = &args.chart
        && let Err(error) = tack::chart::Chart::load(chart)
    {
        return super::report(&tack::Error::Chart(error), diagnostics);
    }
    let text = tack::values::values_schema_text();
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(err) => {
            eprintln!(
                "{}",
                diagnostics.error(&format!("cannot write output: {err}"), None)
            );
            EXIT_USAGE
        }
    }
}
